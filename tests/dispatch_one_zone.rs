//! The dispatch specialised to one zone with every line to an external grid
//! (`Dispatcher::run_one_zone`, the path all the bundled scenarios take)
//! must give exactly what the general dispatch with its breadth-first path
//! search gives (`Dispatcher::general`): every hourly array equal to the
//! last bit, on random one-zone systems with several grids, parallel lossy
//! lines in either direction, per-direction limits, stores, electrolysers,
//! generators and every priority order.

mod common;

use common::header;
use common::strategies::{hourly, share, some_or_zero};
use proptest::prelude::*;
use renewplan::sim::dispatch::{Dispatcher, Hourly, Inputs};

#[derive(Debug, Clone)]
struct Sys {
    hours: usize,
    /// (max export, max import) per grid.
    grids: Vec<(f64, f64)>,
    /// (grid, zone is the `from` end, loss, reverse capacity share).
    lines: Vec<(usize, bool, f64, f64)>,
    loads: Vec<f64>,
    /// (charge MW, discharge MW, MWh, round trip, initial SOC, self-discharge).
    stores: Vec<(f64, f64, f64, f64, f64, f64)>,
    /// (MW, min load, store kg, initial, offtake kg/h).
    elecs: Vec<(f64, f64, f64, f64, f64)>,
    /// (MW, variable cost).
    gens: Vec<(f64, f64)>,
    surplus: Vec<&'static str>,
    deficit: Vec<&'static str>,
    to_export: bool,
    from_generators: bool,
    re: Vec<f64>,
    gen_up: Vec<Vec<f64>>,
    storage_up: Vec<Vec<f64>>,
    elec_up: Vec<Vec<f64>>,
    line_cap: Vec<Vec<f64>>,
}

fn sys() -> impl Strategy<Value = Sys> {
    (1usize..=24, 1usize..=3).prop_flat_map(|(hours, ng)| {
        let assets = (
            prop::collection::vec((some_or_zero(500.0), some_or_zero(300.0)), ng),
            prop::collection::vec(
                (0..ng, any::<bool>(), prop_oneof![Just(0.0), 0.0..0.1], prop_oneof![Just(1.0), 0.0..=1.0]),
                0..=4,
            ),
            prop::collection::vec(some_or_zero(200.0), 0..=3),
            prop::collection::vec(
                (0.0..100.0, 0.0..100.0, 0.0..400.0, 0.5..=1.0, 0.0..=1.0, some_or_zero(0.05)),
                0..=3,
            ),
            prop::collection::vec((0.0..100.0, 0.0..0.6, some_or_zero(5000.0), 0.0..=1.0, some_or_zero(1000.0)), 0..=2),
            prop::collection::vec((0.0..150.0, 0.0..1000.0), 0..=3),
            (
                Just(vec!["export", "hydrogen", "storage"]).prop_shuffle(),
                0usize..=3,
                Just(vec!["storage", "generators", "imports"]).prop_shuffle(),
                0usize..=3,
            ),
            (any::<bool>(), any::<bool>()),
        );
        assets.prop_flat_map(
            move |(grids, lines, loads, stores, elecs, gens, (sur, ns, def, nd), (to_export, from_gen))| {
                let inputs = (
                    prop::collection::vec(prop_oneof![Just(0.0), 0.0..400.0], hours),
                    hourly(gens.len(), hours, share()),
                    hourly(stores.len(), hours, share()),
                    hourly(elecs.len(), hours, share()),
                    hourly(lines.len(), hours, prop_oneof![Just(0.0), 0.0..300.0]),
                );
                let fixed = (grids, lines, loads, stores, elecs, gens, sur[..ns].to_vec(), def[..nd].to_vec());
                inputs.prop_map(move |(re, gen_up, storage_up, elec_up, line_cap)| {
                    let (grids, lines, loads, stores, elecs, gens, surplus, deficit) = fixed.clone();
                    Sys {
                        hours,
                        grids,
                        lines,
                        loads,
                        stores,
                        elecs,
                        gens,
                        surplus,
                        deficit,
                        to_export,
                        from_generators: from_gen,
                        re,
                        gen_up,
                        storage_up,
                        elec_up,
                        line_cap,
                    }
                })
            },
        )
    })
}

fn list(v: &[&str]) -> String {
    v.iter().map(|p| format!("\"{p}\"")).collect::<Vec<_>>().join(", ")
}

impl Sys {
    fn toml(&self) -> String {
        let mut t = header(self.hours, &["z"]);
        t += "[dispatch]\n";
        t += &format!("surplus_priority = [{}]\n", list(&self.surplus));
        // An empty deficit list is not accepted: leave the default then.
        if !self.deficit.is_empty() {
            t += &format!("deficit_priority = [{}]\n", list(&self.deficit));
        }
        t += &format!(
            "storage_discharge_to_export = {}\nstorage_charge_from_generators = {}\n\n",
            self.to_export, self.from_generators
        );
        for (k, (ex, im)) in self.grids.iter().enumerate() {
            t += &format!("[[external_grid]]\nname = \"g{k}\"\nmax_export_mw = {ex:?}\nmax_import_mw = {im:?}\n\n");
        }
        for (i, mw) in self.loads.iter().enumerate() {
            t += &format!("[[load]]\nname = \"load{i}\"\nzone = \"z\"\nmw = {mw:?}\n\n");
        }
        for (i, (c, d, e, rte, init, sd)) in self.stores.iter().enumerate() {
            t += &format!(
                "[[storage]]\nname = \"s{i}\"\nzone = \"z\"\ncharge_mw = {c:?}\ndischarge_mw = {d:?}\n\
                 energy_mwh = {e:?}\nround_trip_efficiency_pu = {rte:?}\nsoc_min_pu = 0.05\nsoc_max_pu = 0.95\n\
                 initial_soc_pu = {init:?}\nself_discharge_pu_per_h = {sd:?}\n\n"
            );
        }
        for (i, (mw, min, kg, init, off)) in self.elecs.iter().enumerate() {
            t += &format!(
                "[[electrolyser]]\nname = \"e{i}\"\nzone = \"z\"\ncapacity_mw = {mw:?}\nmin_load_pu = {min:?}\n\
                 consumption_kwh_per_kg = 53.0\nstore_kg = {kg:?}\ninitial_store_pu = {init:?}\nofftake_kg_per_h = {off:?}\n\n"
            );
        }
        for (i, (mw, cost)) in self.gens.iter().enumerate() {
            t += &format!(
                "[[generator]]\nname = \"gen{i}\"\nzone = \"z\"\ncapacity_mw = {mw:?}\nvariable_cost_cny_per_mwh = {cost:?}\n\n"
            );
        }
        for (i, (g, zone_from, loss, rev)) in self.lines.iter().enumerate() {
            let (from, to) =
                if *zone_from { ("z".to_string(), format!("g{g}")) } else { (format!("g{g}"), "z".to_string()) };
            t += &format!(
                "[[line]]\nname = \"l{i}\"\nfrom = \"{from}\"\nto = \"{to}\"\ncircuits = 1\ncircuit_mw = 300\n\
                 loss_pu = {loss:?}\nreverse_capacity_pu = {rev:?}\n\n"
            );
        }
        t
    }
}

/// Every hourly array, as bits, with its name.
fn arrays(h: &Hourly) -> Vec<(&'static str, Vec<Vec<u64>>)> {
    let bits = |v: &Vec<Vec<f64>>| v.iter().map(|x| x.iter().map(|y| y.to_bits()).collect()).collect();
    vec![
        ("zone_load_mw", bits(&h.zone_load_mw)),
        ("zone_unserved_mw", bits(&h.zone_unserved_mw)),
        ("zone_curtailed_mw", bits(&h.zone_curtailed_mw)),
        ("gen_mw", bits(&h.gen_mw)),
        ("storage_charge_mw", bits(&h.storage_charge_mw)),
        ("storage_discharge_mw", bits(&h.storage_discharge_mw)),
        ("storage_soc_mwh", bits(&h.storage_soc_mwh)),
        ("storage_self_discharge_mwh", bits(&h.storage_self_discharge_mwh)),
        ("electrolyser_mw", bits(&h.electrolyser_mw)),
        ("h2_kg", bits(&h.h2_kg)),
        ("h2_store_kg", bits(&h.h2_store_kg)),
        ("h2_shortfall_kg", bits(&h.h2_shortfall_kg)),
        ("line_from_mw", bits(&h.line_from_mw)),
        ("line_to_mw", bits(&h.line_to_mw)),
        ("line_cap_mw", bits(&h.line_cap_mw)),
        ("line_congested", h.line_congested.iter().map(|x| x.iter().map(|b| u64::from(*b)).collect()).collect()),
        ("export_mw", bits(&h.export_mw)),
        ("import_mw", bits(&h.import_mw)),
    ]
}

fn config() -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = 256;
    }
    c
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn one_zone_path_equals_the_general_dispatch_bitwise(s in sys()) {
        let m = common::model(&s.toml());
        // Generators are sorted by cost when resolved: look their inputs up by name.
        let gen_up = m.generators.iter().map(|g| s.gen_up[g.name["gen".len()..].parse::<usize>().unwrap()].clone()).collect();
        let inp = Inputs {
            re_mw: vec![s.re.clone()],
            gen_up,
            storage_up: s.storage_up.clone(),
            electrolyser_up: s.elec_up.clone(),
            line_cap_mw: s.line_cap.clone(),
        };
        let (mut fast, mut general) = (Hourly::default(), Hourly::default());
        Dispatcher::new(&m).run(&m, &inp, &mut fast);
        Dispatcher::new(&m).general().run(&m, &inp, &mut general);
        for ((name, a), (_, b)) in arrays(&fast).into_iter().zip(arrays(&general)) {
            prop_assert_eq!(a, b, "{} differs", name);
        }
    }
}

/// The specialised path is taken and still agrees after a reused
/// dispatcher runs a second sample (state is reset between samples).
#[test]
fn a_reused_one_zone_dispatcher_agrees_with_a_fresh_general_one() {
    let mut t = header(6, &["z"]);
    t += "[[external_grid]]\nname = \"g\"\nmax_export_mw = 100.0\nmax_import_mw = 50.0\n\n";
    t += "[[load]]\nname = \"l\"\nzone = \"z\"\nmw = 60.0\n\n";
    t += "[[storage]]\nname = \"s\"\nzone = \"z\"\ncharge_mw = 20.0\nenergy_mwh = 40.0\ninitial_soc_pu = 0.5\n\n";
    t += "[[line]]\nname = \"l0\"\nfrom = \"z\"\nto = \"g\"\ncircuits = 1\ncircuit_mw = 80\nloss_pu = 0.02\n\n";
    let mut m = common::model(&t);
    m.dispatch.policy = renewplan::model::DispatchPolicy::Rules;
    let inp = common::full_inputs(&m, &[vec![0.0, 30.0, 200.0, 90.0, 10.0, 300.0]]);
    let mut d = Dispatcher::new(&m);
    let (mut first, mut second, mut general) = (Hourly::default(), Hourly::default(), Hourly::default());
    d.run(&m, &inp, &mut first);
    d.run(&m, &inp, &mut second);
    Dispatcher::new(&m).general().run(&m, &inp, &mut general);
    assert_eq!(arrays(&first), arrays(&general));
    assert_eq!(arrays(&second), arrays(&general));
    // Not a trivial system: it exports, imports, charges and curtails.
    assert!(general.export_mw[0].iter().any(|x| *x > 0.0));
    assert!(general.import_mw[0].iter().any(|x| *x > 0.0));
    assert!(general.storage_charge_mw[0].iter().any(|x| *x > 0.0));
    assert!(general.zone_curtailed_mw[0].iter().any(|x| *x > 0.0));
}
