//! The value policy and the perfect-foresight programme
//! (`src/sim/dispatch/value.rs`, `src/sim/dispatch/lp.rs`): the cases of
//! issue 14 where the rules leave load unserved that an operator would
//! serve, the optimality of the foresight programme against an
//! independently written linear programme, the star merit order against
//! the network programme hour by hour, and cyclic storage.

mod common;

use common::header;
use microlp::{ComparisonOp, OptimizationDirection, Problem};
use renewplan::model::Model;
use renewplan::sim::dispatch::{Dispatcher, Hourly, Inputs};

fn total(m: &Model, h: &Hourly, key: &str) -> f64 {
    let _ = m;
    match key {
        "unserved" => h.zone_unserved_mw.iter().flatten().sum(),
        "curtailed" => h.zone_curtailed_mw.iter().flatten().sum(),
        "export" => h.export_mw.iter().flatten().sum(),
        "import" => h.import_mw.iter().flatten().sum(),
        "charge" => h.storage_charge_mw.iter().flatten().sum(),
        _ => panic!("{key}"),
    }
}

/// The dispatch's value (CNY) as the programmes count it: served load at
/// the value of lost load, exports and hydrogen at their prices, less
/// imports, generators and cycling.
fn value(m: &Model, h: &Hourly) -> f64 {
    let voll = m.dispatch.value_of_lost_load_cny_per_mwh;
    let mut v = 0.0;
    for z in 0..m.zones.len() {
        for t in 0..m.hours() {
            v += voll * (h.zone_load_mw[z][t] - h.zone_unserved_mw[z][t]);
        }
    }
    for (k, g) in m.external_grids.iter().enumerate() {
        v += g.export_price_cny_per_mwh * h.export_mw[k].iter().sum::<f64>();
        v -= g.import_price_cny_per_mwh * h.import_mw[k].iter().sum::<f64>();
    }
    for (i, e) in m.electrolysers.iter().enumerate() {
        v += m.economics.hydrogen_value_cny_per_kg * e.kg_per_mwh(1.0) * h.electrolyser_mw[i].iter().sum::<f64>();
    }
    for (g, gen_) in m.generators.iter().enumerate() {
        v -= gen_.variable_cost_cny_per_mwh * h.gen_mw[g].iter().sum::<f64>();
    }
    for i in 0..m.storage.len() {
        v -= m.dispatch.storage_cycling_cost_cny_per_mwh * h.storage_discharge_mw[i].iter().sum::<f64>();
    }
    v
}

fn run(m: &Model, inp: &Inputs) -> Hourly {
    let h = common::dispatch(m, inp);
    let r = common::max_residual(m, inp, &h);
    assert!(r < 1e-6, "energy balance residual {r}");
    h
}

// ------------------------------------------------ the cases of issue 14

/// Zone A: a 25 MW generator up only in hour 0, loads 8 / 9 / 9 MW. Zone B:
/// 1 MW load and an empty 10 MW / 10 MWh store. A 15 MW lossless line.
/// An operator charges B's store over the line in hour 0 and leaves 10 MWh
/// unserved (hour 2); the rules charge nothing and leave 20 MWh.
fn store_over_a_line(policy: &str) -> (Model, Inputs) {
    let toml = header(3, &["a", "b"])
        + &format!("[dispatch]\npolicy = \"{policy}\"\n\n")
        + r#"
[[generator]]
name = "g"
zone = "a"
capacity_mw = 25
variable_cost_cny_per_mwh = 300
forced_outage_rate_pu = 0

[[load]]
name = "la"
zone = "a"
mw = 9.0

[[load]]
name = "lb"
zone = "b"
mw = 1.0

[[storage]]
name = "s"
zone = "b"
charge_mw = 10
energy_mwh = 10
round_trip_efficiency_pu = 1.0
soc_min_pu = 0.0
soc_max_pu = 1.0
initial_soc_pu = 0.0
forced_outage_rate_pu = 0

[[line]]
name = "ab"
from = "a"
to = "b"
circuits = 1
circuit_mw = 15
loss_pu = 0.0
outages_per_100km_year = 0
"#;
    let m = common::model(&toml);
    let mut inp = common::full_inputs(&m, &[vec![0.0; 3], vec![0.0; 3]]);
    inp.gen_up[0] = vec![1.0, 0.0, 0.0];
    (m, inp)
}

#[test]
fn a_store_charges_over_a_line_for_a_later_deficit() {
    // Load 8 in hour 0: the flat 9 MW load with 1 MW of renewables in A.
    let (m, mut inp) = store_over_a_line("value");
    inp.re_mw[0][0] = 1.0;
    let h = run(&m, &inp);
    assert!((total(&m, &h, "unserved") - 10.0).abs() < 1e-6, "value: {:?}", h.zone_unserved_mw);
    assert!((h.storage_charge_mw[0][0] - 10.0).abs() < 1e-6);
    assert!((h.line_from_mw[0][0] - 11.0).abs() < 1e-6, "1 MW for B's load and 10 MW for its store");
    let (m, mut inp) = store_over_a_line("rules");
    inp.re_mw[0][0] = 1.0;
    let h = run(&m, &inp);
    assert!((total(&m, &h, "unserved") - 20.0).abs() < 1e-6, "rules: {:?}", h.zone_unserved_mw);
}

#[test]
fn a_short_zone_elsewhere_does_not_stop_charging() {
    // Zone A: 20 MW generator, empty 10 MW / 10 MWh store, load 5 then 30.
    // Zone B, unconnected: 5 MW load and nothing to serve it.
    let toml = |policy: &str| {
        header(2, &["a", "b"])
            + &format!("[dispatch]\npolicy = \"{policy}\"\n\n")
            + r#"
[[generator]]
name = "g"
zone = "a"
capacity_mw = 20
variable_cost_cny_per_mwh = 300
forced_outage_rate_pu = 0

[[load]]
name = "la"
zone = "a"
mw = 30.0

[[load]]
name = "lb"
zone = "b"
mw = 5.0

[[storage]]
name = "s"
zone = "a"
charge_mw = 10
energy_mwh = 10
round_trip_efficiency_pu = 1.0
soc_min_pu = 0.0
soc_max_pu = 1.0
initial_soc_pu = 0.0
forced_outage_rate_pu = 0
"#
    };
    // A's load is 5 in hour 0: 25 MW of renewables there cover the rest.
    let m = common::model(&toml("value"));
    let inp = common::full_inputs(&m, &[vec![25.0, 0.0], vec![0.0, 0.0]]);
    let h = run(&m, &inp);
    assert!((total(&m, &h, "unserved") - 10.0).abs() < 1e-6, "value: {:?}", h.zone_unserved_mw);
    assert!(h.zone_unserved_mw[0].iter().all(|x| x.abs() < 1e-9), "zone A is served in both hours");
}

// --------------------------------------- optimality against an LP oracle

/// An independent formulation of the perfect-foresight programme for the
/// systems below (no electrolyser stores, no self-discharge): the optimal
/// value in CNY.
fn oracle(m: &Model, inp: &Inputs) -> f64 {
    let mut p = Problem::new(OptimizationDirection::Maximize);
    let nz = m.zones.len();
    let voll = m.dispatch.value_of_lost_load_cny_per_mwh;
    let mut soc_prev: Vec<Option<microlp::Variable>> = vec![None; m.storage.len()];
    for t in 0..m.hours() {
        let mut bal: Vec<Vec<(microlp::Variable, f64)>> = vec![Vec::new(); m.n_nodes()];
        #[allow(clippy::needless_range_loop)] // z indexes loads, inputs and rows
        for z in 0..nz {
            let load: f64 = m.loads.iter().filter(|l| l.zone == z).map(|l| l.mw[t]).sum();
            let served = p.add_var(voll, (0.0, load));
            let re = p.add_var(0.0, (0.0, inp.re_mw[z][t]));
            bal[z].push((re, 1.0));
            bal[z].push((served, -1.0));
        }
        for (g, gen_) in m.generators.iter().enumerate() {
            let x = p.add_var(-gen_.variable_cost_cny_per_mwh, (0.0, gen_.capacity_mw * inp.gen_up[g][t]));
            bal[gen_.zone].push((x, 1.0));
        }
        for (i, e) in m.electrolysers.iter().enumerate() {
            let v = m.economics.hydrogen_value_cny_per_kg * e.kg_per_mwh(1.0);
            let x = p.add_var(v, (0.0, e.capacity_mw * inp.electrolyser_up[i][t]));
            bal[e.zone].push((x, -1.0));
        }
        for (k, g) in m.external_grids.iter().enumerate() {
            let x = p.add_var(g.export_price_cny_per_mwh, (0.0, g.max_export_mw));
            let y = p.add_var(-g.import_price_cny_per_mwh, (0.0, g.max_import_mw));
            bal[nz + k].push((x, -1.0));
            bal[nz + k].push((y, 1.0));
        }
        for (l, line) in m.lines.iter().enumerate() {
            let cap = inp.line_cap_mw[l][t];
            let f = p.add_var(0.0, (0.0, cap));
            let r = p.add_var(0.0, (0.0, cap * line.reverse_capacity_pu));
            bal[line.from].push((f, -1.0));
            bal[line.to].push((f, 1.0 - line.loss_pu));
            bal[line.to].push((r, -1.0));
            bal[line.from].push((r, 1.0 - line.loss_pu));
        }
        for (i, s) in m.storage.iter().enumerate() {
            let c = p.add_var(0.0, (0.0, s.charge_mw));
            let d = p.add_var(-m.dispatch.storage_cycling_cost_cny_per_mwh, (0.0, s.discharge_mw));
            let soc = p.add_var(0.0, (s.soc_min_pu * s.energy_mwh, s.soc_max_pu * s.energy_mwh));
            bal[s.zone].push((c, -1.0));
            bal[s.zone].push((d, 1.0));
            let mut row = vec![(soc, 1.0), (c, -s.charge_efficiency_pu), (d, 1.0 / s.discharge_efficiency_pu)];
            let rhs = match soc_prev[i] {
                Some(prev) => {
                    row.push((prev, -1.0));
                    0.0
                }
                None => s.initial_soc_pu * s.energy_mwh,
            };
            p.add_constraint(row.as_slice(), ComparisonOp::Eq, rhs);
            soc_prev[i] = Some(soc);
        }
        for row in bal {
            p.add_constraint(row.as_slice(), ComparisonOp::Eq, 0.0);
        }
    }
    p.solve().expect("solved").into_solution().expect("a solution").objective()
}

/// One node over `hours` hours: a solar day shape and a wind swing, flat
/// load, a store, an electrolyser and an export line (issue 14's test
/// system, scaled down).
fn single_node(hours: usize, policy: &str) -> (Model, Inputs) {
    let toml = header(hours, &["n"])
        + &format!("[dispatch]\npolicy = \"{policy}\"\n\n")
        + r#"
[[external_grid]]
name = "grid"
max_export_mw = 1000
max_import_mw = 0

[[load]]
name = "l"
zone = "n"
mw = 300.0

[[storage]]
name = "s"
zone = "n"
charge_mw = 500
energy_mwh = 2000
round_trip_efficiency_pu = 0.81
soc_min_pu = 0.0
soc_max_pu = 1.0
initial_soc_pu = 0.5
forced_outage_rate_pu = 0

[[electrolyser]]
name = "e"
zone = "n"
capacity_mw = 600
min_load_pu = 0.0
consumption_kwh_per_kg = 55

[[line]]
name = "out"
from = "n"
to = "grid"
circuits = 1
circuit_mw = 1000
loss_pu = 0.02
outages_per_100km_year = 0
"#;
    let m = common::model(&toml);
    let re: Vec<f64> = (0..hours)
        .map(|t| {
            let hod = (t % 24) as f64;
            let pv = 2400.0 * (std::f64::consts::PI * (hod - 6.0) / 12.0).sin().max(0.0);
            let wind = 250.0 + 220.0 * (t as f64 * 0.13).sin() * (t as f64 * 0.029).cos();
            pv * (0.6 + 0.4 * ((t / 24) as f64 * 1.7).sin().abs()) + wind
        })
        .collect();
    let inp = common::full_inputs(&m, &[re]);
    (m, inp)
}

#[test]
fn foresight_equals_the_lp_optimum_on_one_node() {
    for hours in [48, 168] {
        let (m, inp) = single_node(hours, "foresight");
        let h = run(&m, &inp);
        let (got, want) = (value(&m, &h), oracle(&m, &inp));
        assert!((got - want).abs() <= 1e-6 * want.abs(), "{hours} h: foresight {got} vs optimum {want}");
    }
}

/// Three zones in a ring with losses, a generator, a store and an import.
fn three_zones(policy: &str) -> (Model, Inputs) {
    let hours = 48;
    let mut toml = header(hours, &["a", "b", "c"]) + &format!("[dispatch]\npolicy = \"{policy}\"\n\n");
    toml += r#"
[[external_grid]]
name = "grid"
max_export_mw = 80
max_import_mw = 40

[[generator]]
name = "g"
zone = "b"
capacity_mw = 60
variable_cost_cny_per_mwh = 420
forced_outage_rate_pu = 0

[[storage]]
name = "s"
zone = "c"
charge_mw = 40
energy_mwh = 160
round_trip_efficiency_pu = 0.85
soc_min_pu = 0.1
soc_max_pu = 0.95
initial_soc_pu = 0.3
forced_outage_rate_pu = 0

[[electrolyser]]
name = "e"
zone = "a"
capacity_mw = 50
min_load_pu = 0.0
consumption_kwh_per_kg = 52
"#;
    for (name, zone, mw) in [("la", "a", 60.0), ("lb", "b", 90.0), ("lc", "c", 45.0)] {
        toml += &format!("[[load]]\nname = \"{name}\"\nzone = \"{zone}\"\nmw = {mw:?}\n\n");
    }
    for (name, from, to, mw, loss) in [
        ("ab", "a", "b", 70.0, 0.03),
        ("bc", "b", "c", 50.0, 0.02),
        ("ca", "c", "a", 40.0, 0.04),
        ("ag", "a", "grid", 90.0, 0.01),
    ] {
        toml += &format!(
            "[[line]]\nname = \"{name}\"\nfrom = \"{from}\"\nto = \"{to}\"\ncircuits = 1\ncircuit_mw = {mw:?}\nloss_pu = {loss:?}\noutages_per_100km_year = 0\n\n"
        );
    }
    let m = common::model(&toml);
    let re: Vec<Vec<f64>> = (0..3)
        .map(|z| {
            (0..hours)
                .map(|t| {
                    let hod = (t % 24) as f64;
                    let pv = [260.0, 40.0, 120.0][z] * (std::f64::consts::PI * (hod - 6.0) / 12.0).sin().max(0.0);
                    pv + [20.0, 35.0, 10.0][z] * (1.0 + (t as f64 * 0.3 + z as f64).sin())
                })
                .collect()
        })
        .collect();
    let inp = common::full_inputs(&m, &re);
    (m, inp)
}

#[test]
fn foresight_equals_the_lp_optimum_on_three_zones() {
    let (m, inp) = three_zones("foresight");
    let h = run(&m, &inp);
    let (got, want) = (value(&m, &h), oracle(&m, &inp));
    assert!((got - want).abs() <= 1e-6 * want.abs(), "foresight {got} vs optimum {want}");
}

#[test]
fn value_policy_comes_close_to_the_optimum_and_beats_the_rules() {
    // A week of the single-node system: the default look-ahead against the
    // optimum, and the priority lists for comparison.
    let hours = 168;
    let (m, inp) = single_node(hours, "foresight");
    let best = value(&m, &run(&m, &inp));
    let (m, inp) = single_node(hours, "value");
    let ours = value(&m, &run(&m, &inp));
    let (m, inp) = single_node(hours, "rules");
    let rules = value(&m, &run(&m, &inp));
    assert!(ours <= best * (1.0 + 1e-9), "no policy beats the optimum: {ours} > {best}");
    assert!(ours >= 0.99 * best, "value policy {ours} vs optimum {best}");
    assert!(ours >= rules, "value policy {ours} vs rules {rules}");
}

#[test]
fn the_star_merit_order_equals_the_network_programme_hour_by_hour() {
    // Same model, same bids: the star path and the hourly programme must
    // reach the same value (the merit order is exact on one node).
    let (m, inp) = single_node(72, "value");
    let star = run(&m, &inp);
    let mut d = Dispatcher::new(&m).general();
    let mut net = Hourly::default();
    d.run(&m, &inp, &mut net);
    assert!(common::max_residual(&m, &inp, &net) < 1e-6);
    let (a, b) = (value(&m, &star), value(&m, &net));
    assert!((a - b).abs() <= 1e-6 * a.abs(), "star {a} vs network programme {b}");
    let (ua, ub) = (total(&m, &star, "unserved"), total(&m, &net, "unserved"));
    assert!((ua - ub).abs() < 1e-6, "unserved {ua} vs {ub}");
}

#[test]
fn cyclic_storage_ends_with_what_it_started_with() {
    for policy in ["value", "foresight"] {
        let (m, inp) = single_node(96, policy);
        let text = m.dispatch.cyclic_storage;
        assert!(!text, "short horizons default to acyclic");
        let toml_cyclic = |p: &str| {
            let (m, _) = single_node(96, p);
            m
        };
        let mut m = toml_cyclic(policy);
        m.dispatch.cyclic_storage = true;
        let h = run(&m, &inp);
        let start = m.storage[0].initial_soc_pu * m.storage[0].energy_mwh;
        let end = *h.storage_soc_mwh[0].last().expect("hours");
        assert!(end >= start - 1e-6, "{policy}: end {end} < start {start}");
    }
}

#[test]
fn a_year_long_horizon_defaults_to_cyclic_storage() {
    let m = common::model(&header(8760, &["n"]));
    assert!(m.dispatch.cyclic_storage);
    let m = common::model(&header(48, &["n"]));
    assert!(!m.dispatch.cyclic_storage);
}

#[test]
fn priority_keys_select_the_rules_and_clash_with_the_value_policy() {
    let m = common::model(
        &(header(24, &["n"]) + "[dispatch]\nsurplus_priority = [\"storage\", \"export\", \"hydrogen\"]\n"),
    );
    assert_eq!(m.dispatch.policy, renewplan::model::DispatchPolicy::Rules);
    let m = common::model(&header(24, &["n"]));
    assert_eq!(m.dispatch.policy, renewplan::model::DispatchPolicy::Value);
    let e = common::model_error(
        &(header(24, &["n"])
            + "[dispatch]\npolicy = \"value\"\nsurplus_priority = [\"storage\", \"export\", \"hydrogen\"]\n"),
    );
    assert!(e.contains("surplus_priority") && e.contains("rules"), "{e}");
    let e = common::model_error(&(header(24, &["n"]) + "[dispatch]\npolicy = \"valeu\"\n"));
    assert!(e.contains("value"), "{e}");
}
