//! Hand-computed dispatch cases, a few hours each, one per rule of
//! `src/sim/dispatch/mod.rs` (its module doc). Renewable MW, availabilities and line
//! capacities are hand-built `Inputs`, so the weather plays no part; loads
//! are flat `mw = ...` loads from the scenario text. Every expected value is
//! worked out in the comments and asserted to 1e-9 through [`check`], which
//! also asserts the energy balance of every zone and hour.

mod common;

use common::{TOL, header};
use renewplan::model::{DispatchPolicy, Model};
use renewplan::sim::dispatch::{Hourly, Inputs};

/// Build the model from `toml`, the inputs from `re` (`re[zone][hour]`, all
/// units up, lines at full capacity) changed by `tweak`, dispatch, and
/// compare every named series (see `common::series`) hour by hour.
fn check(
    case: &str,
    toml: &str,
    re: &[&[f64]],
    tweak: impl FnOnce(&Model, &mut Inputs),
    expect: &[(&str, &[f64])],
) -> (Model, Inputs, Hourly) {
    // These cases are the rules policy's, rule by rule.
    let mut m = common::model(toml);
    m.dispatch.policy = DispatchPolicy::Rules;
    let re: Vec<Vec<f64>> = re.iter().map(|r| r.to_vec()).collect();
    let mut inp = common::full_inputs(&m, &re);
    tweak(&m, &mut inp);
    let h = common::dispatch(&m, &inp);
    let r = common::max_residual(&m, &inp, &h);
    assert!(r < 1e-6, "{case}: energy balance residual {r}");
    let mut failures = Vec::new();
    for (key, want) in expect {
        let got = common::series(&m, &h, key);
        assert_eq!(got.len(), want.len(), "{case}: `{key}` has {} hours, expected {}", got.len(), want.len());
        for t in 0..want.len() {
            let ok = (got[t] - want[t]).abs() <= TOL;
            if !ok {
                failures.push(format!("  {key}[{t}]: got {} expected {} (all hours: {got:?})", got[t], want[t]));
            }
        }
    }
    assert!(failures.is_empty(), "{case}:\n{}", failures.join("\n"));
    (m, inp, h)
}

fn no_tweak(_: &Model, _: &mut Inputs) {}

/// A flat firm load.
fn load(name: &str, zone: &str, mw: f64) -> String {
    format!("[[load]]\nname = \"{name}\"\nzone = \"{zone}\"\nmw = {mw:?}\n\n")
}

/// An external grid.
fn grid(name: &str, max_export_mw: f64, max_import_mw: f64) -> String {
    format!(
        "[[external_grid]]\nname = \"{name}\"\nmax_export_mw = {max_export_mw:?}\nmax_import_mw = {max_import_mw:?}\n\n"
    )
}

/// A single-circuit line without outages.
fn line(name: &str, from: &str, to: &str, mw: f64, loss_pu: f64) -> String {
    format!(
        "[[line]]\nname = \"{name}\"\nfrom = \"{from}\"\nto = \"{to}\"\ncircuits = 1\ncircuit_mw = {mw:?}\n\
         loss_pu = {loss_pu:?}\noutages_per_100km_year = 0\n\n"
    )
}

/// A lossless store (round trip 1) with SOC limits 0..1 unless overridden.
fn store(name: &str, zone: &str, power_mw: f64, energy_mwh: f64, initial_soc_pu: f64) -> String {
    format!(
        "[[storage]]\nname = \"{name}\"\nzone = \"{zone}\"\ncharge_mw = {power_mw:?}\nenergy_mwh = {energy_mwh:?}\n\
         round_trip_efficiency_pu = 1.0\nsoc_min_pu = 0.0\nsoc_max_pu = 1.0\ninitial_soc_pu = {initial_soc_pu:?}\n\
         forced_outage_rate_pu = 0\n\n"
    )
}

// ---------------------------------------------------------------- rule 1

#[test]
fn local_renewables_serve_local_load() {
    // Load 100 MW, nothing else in the zone.
    // h0: 150 available → load served, 50 curtailed (no surplus use exists).
    // h1: 100 available → exactly served.
    // h2:  60 available → 40 unserved, nothing curtailed.
    let toml = header(3, &["a"]) + &load("la", "a", 100.0);
    check(
        "local",
        &toml,
        &[&[150.0, 100.0, 60.0]],
        no_tweak,
        &[
            ("zone.a.load", &[100.0, 100.0, 100.0]),
            ("zone.a.unserved", &[0.0, 0.0, 40.0]),
            ("zone.a.curtailed", &[50.0, 0.0, 0.0]),
        ],
    );
}

// ---------------------------------------------------------------- rule 3: export

#[test]
fn surplus_exported_up_to_the_line_limit_with_losses() {
    // Line a→g: 300 MW, 5 % losses; the grid takes up to 10 000 MW.
    // h0: surplus 200 → sent 200, delivered 200 × 0.95 = 190, nothing curtailed.
    // h1: surplus 400 → sent 300 (line limit, congested), delivered 285, curtailed 100.
    // h2: no surplus → no flow.
    let toml =
        header(3, &["a"]) + &load("la", "a", 100.0) + &grid("g", 10_000.0, 0.0) + &line("ag", "a", "g", 300.0, 0.05);
    check(
        "export",
        &toml,
        &[&[300.0, 500.0, 100.0]],
        no_tweak,
        &[
            ("line.ag.from", &[200.0, 300.0, 0.0]),
            ("line.ag.to", &[190.0, 285.0, 0.0]),
            ("line.ag.cap", &[300.0, 300.0, 300.0]),
            ("line.ag.congested", &[0.0, 1.0, 0.0]),
            ("grid.g.export", &[190.0, 285.0, 0.0]),
            ("grid.g.import", &[0.0, 0.0, 0.0]),
            ("zone.a.curtailed", &[0.0, 100.0, 0.0]),
            ("zone.a.unserved", &[0.0, 0.0, 0.0]),
        ],
    );
}

#[test]
fn export_limited_by_the_external_grid() {
    // The grid absorbs at most 150 MW (delivered); the line (300 MW, 5 %) is not the limit.
    // h0: surplus 400 → delivered 150, sent 150 / 0.95 = 157.894…, curtailed 400 − 157.894… .
    // h1: surplus 100 → sent 100, delivered 95 < 150, nothing curtailed.
    let toml =
        header(2, &["a"]) + &load("la", "a", 100.0) + &grid("g", 150.0, 0.0) + &line("ag", "a", "g", 300.0, 0.05);
    let sent = 150.0 / 0.95;
    check(
        "grid limit",
        &toml,
        &[&[500.0, 200.0]],
        no_tweak,
        &[
            ("grid.g.export", &[150.0, 95.0]),
            ("line.ag.from", &[sent, 100.0]),
            ("line.ag.to", &[150.0, 95.0]),
            ("line.ag.congested", &[0.0, 0.0]),
            ("zone.a.curtailed", &[400.0 - sent, 0.0]),
        ],
    );
}

// ---------------------------------------------------------------- rule 3: hydrogen

#[test]
fn surplus_to_hydrogen_with_min_load_store_room_and_offtake() {
    // Electrolyser 100 MW, minimum load 0.6 (60 MW), 50 kWh/kg → 20 kg/MWh;
    // store 2 000 kg starting half full (1 000 kg); offtake 1 000 kg/h.
    // Room in an hour = (2 000 − store) + 1 000 kg, i.e. (room / 20) MW.
    // h0: surplus  50 < 60 MW minimum → off. Offtake 1 000 from 1 000 → store 0.
    // h1: surplus   0 → off. Offtake finds 0 kg → shortfall 1 000.
    // h2: surplus 200, room 3 000 kg = 150 MW → capacity 100 MW → 2 000 kg; store 2 000 − 1 000 = 1 000.
    // h3: surplus 200, room 2 000 kg = 100 MW → 100 MW, 2 000 kg; store 3 000 − 1 000 = 2 000.
    // h4: surplus 200, room 1 000 kg = 50 MW < 60 MW minimum → off; store 2 000 − 1 000 = 1 000.
    // h5: surplus  80, room 2 000 kg = 100 MW → 80 MW (≥ 60), 1 600 kg; store 2 600 − 1 000 = 1 600.
    // h6: surplus 200, room 1 400 kg = 70 MW (≥ 60) → 70 MW, 1 400 kg; store 3 000 − 1 000 = 2 000.
    // h7: half the stacks up (50 MW, minimum 30 MW); surplus 40, room 1 000 kg = 50 MW
    //     → 40 MW, 800 kg; store 2 800 − 1 000 = 1 800.
    let toml = header(8, &["a"])
        + &load("la", "a", 100.0)
        + r#"
[[electrolyser]]
name = "e"
zone = "a"
capacity_mw = 100
min_load_pu = 0.6
consumption_kwh_per_kg = 50
store_kg = 2000
initial_store_pu = 0.5
offtake_kg_per_h = 1000
forced_outage_rate_pu = 0
"#;
    check(
        "hydrogen",
        &toml,
        &[&[150.0, 100.0, 300.0, 300.0, 300.0, 180.0, 300.0, 140.0]],
        |m, inp| inp.electrolyser_up[common::elec_idx(m, "e")][7] = 0.5,
        &[
            ("elec.e.mw", &[0.0, 0.0, 100.0, 100.0, 0.0, 80.0, 70.0, 40.0]),
            ("elec.e.h2", &[0.0, 0.0, 2000.0, 2000.0, 0.0, 1600.0, 1400.0, 800.0]),
            ("elec.e.store", &[0.0, 0.0, 1000.0, 2000.0, 1000.0, 1600.0, 2000.0, 1800.0]),
            ("elec.e.shortfall", &[0.0, 1000.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
            ("zone.a.curtailed", &[50.0, 0.0, 100.0, 100.0, 200.0, 0.0, 130.0, 0.0]),
        ],
    );
}

#[test]
fn electrolyser_without_store_or_offtake_takes_everything_up_to_capacity() {
    // No store and no offtake: output goes to an unconstrained consumer.
    // 100 MW, minimum 25 %: h0 surplus 20 < 25 → off; h1 surplus 60 → 60 MW;
    // h2 surplus 300 → 100 MW, 200 curtailed. 53 kWh/kg.
    let toml = header(3, &["a"])
        + r#"
[[electrolyser]]
name = "e"
zone = "a"
capacity_mw = 100
min_load_pu = 0.25
consumption_kwh_per_kg = 53
"#;
    let kg = 1000.0 / 53.0;
    check(
        "pipeline hydrogen",
        &toml,
        &[&[20.0, 60.0, 300.0]],
        no_tweak,
        &[
            ("elec.e.mw", &[0.0, 60.0, 100.0]),
            ("elec.e.h2", &[0.0, 60.0 * kg, 100.0 * kg]),
            ("elec.e.shortfall", &[0.0, 0.0, 0.0]),
            ("zone.a.curtailed", &[20.0, 0.0, 200.0]),
        ],
    );
}

#[test]
fn electrolyser_without_store_keeps_its_store_empty() {
    // Same electrolyser: 60 MW in h1 and 100 MW in h2 go straight to the consumer.
    let toml =
        header(2, &["a"]) + "[[electrolyser]]\nname = \"e\"\nzone = \"a\"\ncapacity_mw = 100\nmin_load_pu = 0.25\n";
    check("pipeline store", &toml, &[&[60.0, 300.0]], no_tweak, &[("elec.e.store", &[0.0, 0.0])]);
}

// ---------------------------------------------------------------- rule 3: storage

#[test]
fn surplus_to_storage_with_power_ceiling_and_efficiency() {
    // Store 50 MW / 100 MWh, round trip 0.81 → charge efficiency η = √0.81 = 0.9;
    // SOC 10–90 MWh, starting at 20 MWh. Surplus 100 MW every hour.
    // h0: room (90 − 20)/η = 77.8 MW > 50 → charge 50 (power), SOC 20 + 50η = 65, curtailed 50.
    // h1: room (90 − 65)/η = 27.8 MW → charge 27.8, SOC 90 (ceiling), curtailed 72.2.
    // h2: room 0 → nothing, curtailed 100.
    let toml = header(3, &["a"])
        + &load("la", "a", 100.0)
        + r#"
[[storage]]
name = "s"
zone = "a"
charge_mw = 50
energy_mwh = 100
round_trip_efficiency_pu = 0.81
soc_min_pu = 0.1
soc_max_pu = 0.9
initial_soc_pu = 0.2
"#;
    let eta = 0.81_f64.sqrt();
    let soc0 = 20.0 + 50.0 * eta;
    let ch1 = (90.0 - soc0) / eta;
    check(
        "storage charge",
        &toml,
        &[&[200.0, 200.0, 200.0]],
        no_tweak,
        &[
            ("storage.s.charge", &[50.0, ch1, 0.0]),
            ("storage.s.discharge", &[0.0, 0.0, 0.0]),
            ("storage.s.soc", &[soc0, 90.0, 90.0]),
            ("zone.a.curtailed", &[50.0, 100.0 - ch1, 100.0]),
        ],
    );
}

#[test]
fn storage_discharges_to_serve_a_deficit_down_to_its_floor() {
    // Store 30 MW / 100 MWh, round trip 0.81 → discharge efficiency η = 0.9;
    // SOC floor 10 MWh, start 50 MWh, so (50 − 10)η = 36 MW-h deliverable.
    // h0: deficit 40, half the units up → 15 MW; SOC 50 − 15/η; unserved 25.
    // h1: deficit 20, deliverable 36 − 15 = 21 ≥ 20 → 20 MW; SOC 50 − 35/η; unserved 0.
    // h2: deficit 10, deliverable 36 − 35 = 1 → 1 MW; SOC 10 (floor); unserved 9.
    // h3: deficit 50, store at its floor → unserved 50.
    let toml = header(4, &["a"])
        + &load("la", "a", 100.0)
        + r#"
[[storage]]
name = "s"
zone = "a"
charge_mw = 30
energy_mwh = 100
round_trip_efficiency_pu = 0.81
soc_min_pu = 0.1
soc_max_pu = 0.9
initial_soc_pu = 0.5
"#;
    let eta = 0.81_f64.sqrt();
    check(
        "storage discharge",
        &toml,
        &[&[60.0, 80.0, 90.0, 50.0]],
        |m, inp| inp.storage_up[common::storage_idx(m, "s")][0] = 0.5,
        &[
            ("storage.s.discharge", &[15.0, 20.0, 1.0, 0.0]),
            ("storage.s.charge", &[0.0, 0.0, 0.0, 0.0]),
            ("storage.s.soc", &[50.0 - 15.0 / eta, 50.0 - 35.0 / eta, 10.0, 10.0]),
            ("zone.a.unserved", &[25.0, 0.0, 9.0, 50.0]),
        ],
    );
}

#[test]
fn self_discharge_comes_first_every_hour() {
    // Lossless 50 MW / 100 MWh store at 50 MWh, self-discharge 10 %/h. Load = renewables
    // in h0–h2, so only self-discharge acts: 5 → 45, 4.5 → 40.5, 4.05 → 36.45.
    // h3: self-discharge 3.645 → 32.805, then a 10 MW deficit → 22.805.
    let toml = header(4, &["a"]) + &load("la", "a", 100.0) + &store("s", "a", 50.0, 100.0, 0.5);
    let toml = toml.replace(
        "initial_soc_pu = 0.5\nforced_outage_rate_pu = 0\n",
        "initial_soc_pu = 0.5\nforced_outage_rate_pu = 0\nself_discharge_pu_per_h = 0.1\n",
    );
    check(
        "self-discharge",
        &toml,
        &[&[100.0, 100.0, 100.0, 90.0]],
        no_tweak,
        &[
            ("storage.s.self_discharge", &[5.0, 4.5, 4.05, 3.645]),
            ("storage.s.soc", &[45.0, 40.5, 36.45, 22.805]),
            ("storage.s.discharge", &[0.0, 0.0, 0.0, 10.0]),
            ("zone.a.unserved", &[0.0, 0.0, 0.0, 0.0]),
        ],
    );
}

// ---------------------------------------------------------------- rule 3: priority

/// One hour, surplus 50 MW. Export can take 40 (grid limit), hydrogen 35
/// (electrolyser, no minimum, no store: unconstrained), storage 30 (power).
/// Any two uses together could take more than the surplus and none alone can
/// take it all, so the first use gets its limit and the second the rest.
/// Storage-to-export is off so that only the priority acts.
fn priority_toml(priority: &str) -> String {
    header(1, &["a"])
        + &load("la", "a", 100.0)
        + &grid("g", 40.0, 0.0)
        + &line("ag", "a", "g", 1000.0, 0.0)
        + &store("s", "a", 30.0, 1000.0, 0.0)
        + "[[electrolyser]]\nname = \"e\"\nzone = \"a\"\ncapacity_mw = 35\nmin_load_pu = 0\n\n"
        + &format!("[dispatch]\nsurplus_priority = {priority}\nstorage_discharge_to_export = false\n")
}

#[test]
fn each_surplus_priority_order_gives_its_own_result() {
    // (order, export, hydrogen, storage, curtailed): each use takes what it can of
    // what is left, in the listed order; uses not listed take nothing.
    let cases: &[(&str, f64, f64, f64, f64)] = &[
        (r#"["export", "hydrogen", "storage"]"#, 40.0, 10.0, 0.0, 0.0),
        (r#"["export", "storage", "hydrogen"]"#, 40.0, 0.0, 10.0, 0.0),
        (r#"["hydrogen", "export", "storage"]"#, 15.0, 35.0, 0.0, 0.0),
        (r#"["hydrogen", "storage", "export"]"#, 0.0, 35.0, 15.0, 0.0),
        (r#"["storage", "export", "hydrogen"]"#, 20.0, 0.0, 30.0, 0.0),
        (r#"["storage", "hydrogen", "export"]"#, 0.0, 20.0, 30.0, 0.0),
        (r#"["export"]"#, 40.0, 0.0, 0.0, 10.0),
        (r#"["hydrogen"]"#, 0.0, 35.0, 0.0, 15.0),
        (r#"["storage", "hydrogen"]"#, 0.0, 20.0, 30.0, 0.0),
        ("[]", 0.0, 0.0, 0.0, 50.0),
    ];
    let mut seen = Vec::new();
    for &(order, ex, h2, st, curt) in cases {
        check(
            &format!("priority {order}"),
            &priority_toml(order),
            &[&[150.0]],
            no_tweak,
            &[
                ("grid.g.export", &[ex]),
                ("line.ag.from", &[ex]),
                ("elec.e.mw", &[h2]),
                ("storage.s.charge", &[st]),
                ("storage.s.soc", &[st]),
                ("storage.s.discharge", &[0.0]),
                ("zone.a.curtailed", &[curt]),
            ],
        );
        seen.push((ex, h2, st));
    }
    // The six complete orders all differ.
    for i in 0..6 {
        for j in 0..i {
            assert_ne!(seen[i], seen[j], "orders {} and {} agree", cases[i].0, cases[j].0);
        }
    }
}

#[test]
fn default_surplus_priority_is_export_hydrogen_storage() {
    let toml = priority_toml("[]").replace("surplus_priority = []\n", "");
    let m = common::model(&toml);
    use renewplan::model::SurplusUse::*;
    assert_eq!(m.dispatch.surplus_priority, vec![Export, Hydrogen, Storage]);
    check(
        "default priority",
        &toml,
        &[&[150.0]],
        no_tweak,
        &[("grid.g.export", &[40.0]), ("elec.e.mw", &[10.0]), ("storage.s.charge", &[0.0])],
    );
}

// ---------------------------------------------------------------- rule 4: storage to export

/// Lossless store 50 MW / 200 MWh at 100 MWh behind a 100 MW lossless line
/// to a grid taking up to 1 000 MW; load 100.
fn storage_export_toml(on: bool) -> String {
    header(4, &["a"])
        + &load("la", "a", 100.0)
        + &grid("g", 1000.0, 0.0)
        + &line("ag", "a", "g", 100.0, 0.0)
        + &store("s", "a", 50.0, 200.0, 0.5)
        + &format!("[dispatch]\nstorage_discharge_to_export = {on}\n")
}

#[test]
fn storage_discharges_into_spare_export_capacity_when_enabled() {
    // h0: surplus 150 → export 100 (line full), charge 50 → SOC 150; no room left to discharge.
    // h1: no surplus, line empty → store discharges 50 (power) to export; SOC 100.
    // h2: surplus 50 exported, store fills the other 50 of the line; SOC 50.
    // h3: surplus 200 → export 100, charge 50 → SOC 100, curtailed 50: a zone that
    //     curtails does not discharge.
    check(
        "storage to export on",
        &storage_export_toml(true),
        &[&[250.0, 100.0, 150.0, 300.0]],
        no_tweak,
        &[
            ("storage.s.charge", &[50.0, 0.0, 0.0, 50.0]),
            ("storage.s.discharge", &[0.0, 50.0, 50.0, 0.0]),
            ("storage.s.soc", &[150.0, 100.0, 50.0, 100.0]),
            ("grid.g.export", &[100.0, 50.0, 100.0, 100.0]),
            ("line.ag.from", &[100.0, 50.0, 100.0, 100.0]),
            ("zone.a.curtailed", &[0.0, 0.0, 0.0, 50.0]),
        ],
    );
}

#[test]
fn storage_keeps_its_energy_when_storage_to_export_is_off() {
    // Same hours: the store only charges. h3: room 50 → charge 50 → SOC 200.
    check(
        "storage to export off",
        &storage_export_toml(false),
        &[&[250.0, 100.0, 150.0, 300.0]],
        no_tweak,
        &[
            ("storage.s.charge", &[50.0, 0.0, 0.0, 50.0]),
            ("storage.s.discharge", &[0.0, 0.0, 0.0, 0.0]),
            ("storage.s.soc", &[150.0, 150.0, 150.0, 200.0]),
            ("grid.g.export", &[100.0, 0.0, 50.0, 100.0]),
            ("zone.a.curtailed", &[0.0, 0.0, 0.0, 50.0]),
        ],
    );
}

#[test]
fn storage_exports_the_power_left_after_serving_load() {
    // Lossless 50 MW / 1 000 MWh store at 500 MWh; deficit 10 → discharge 10 for the
    // load, then the remaining 40 MW of power go to export (line 500 MW).
    let toml = header(1, &["a"])
        + &load("la", "a", 100.0)
        + &grid("g", 1000.0, 0.0)
        + &line("ag", "a", "g", 500.0, 0.0)
        + &store("s", "a", 50.0, 1000.0, 0.5);
    check(
        "power left",
        &toml,
        &[&[90.0]],
        no_tweak,
        &[
            ("storage.s.discharge", &[50.0]),
            ("storage.s.soc", &[450.0]),
            ("grid.g.export", &[40.0]),
            ("zone.a.unserved", &[0.0]),
        ],
    );
}

#[test]
fn storage_exports_the_energy_left_after_serving_load() {
    // Lossless 50 MW / 100 MWh store at 40 MWh (energy-limited: 40 deliverable).
    // Deficit 10 → 10 MW for the load, SOC 30; then 30 MWh are left and the line
    // (500 MW) has room, so 30 more go to export: 40 MW in all, SOC 0.
    // src/sim/dispatch/mod.rs gives min(50, 30) − 10 = 20 instead.
    let toml = header(1, &["a"])
        + &load("la", "a", 100.0)
        + &grid("g", 1000.0, 0.0)
        + &line("ag", "a", "g", 500.0, 0.0)
        + &store("s", "a", 50.0, 100.0, 0.4);
    check(
        "energy left",
        &toml,
        &[&[90.0]],
        no_tweak,
        &[("storage.s.discharge", &[40.0]), ("storage.s.soc", &[0.0]), ("grid.g.export", &[30.0])],
    );
}

#[test]
fn a_store_does_not_charge_and_discharge_in_the_same_hour() {
    // Surplus 50: storage first takes 20 (power), export takes 30 of the grid's 40.
    // Step 4 then discharges the same store into the 10 MW of export room left.
    let toml = header(1, &["a"])
        + &load("la", "a", 100.0)
        + &grid("g", 40.0, 0.0)
        + &line("ag", "a", "g", 1000.0, 0.0)
        + "[[storage]]\nname = \"s\"\nzone = \"a\"\ncharge_mw = 20\nenergy_mwh = 1000\n\
           round_trip_efficiency_pu = 0.81\nsoc_min_pu = 0\nsoc_max_pu = 1\ninitial_soc_pu = 0\n\n"
        + "[dispatch]\nsurplus_priority = [\"storage\", \"export\"]\nstorage_discharge_to_export = true\n";
    let (m, _, h) = check("charge and discharge", &toml, &[&[150.0]], no_tweak, &[]);
    let s = common::storage_idx(&m, "s");
    let (ch, dis) = (h.storage_charge_mw[s][0], h.storage_discharge_mw[s][0]);
    assert!(ch <= TOL || dis <= TOL, "store charges {ch} MW and discharges {dis} MW in the same hour");
}

// ---------------------------------------------------------------- rule 2: deficits

#[test]
fn generators_in_merit_order_cheapest_first() {
    // `dear` (500 CNY/MWh, 50 MW) is listed before `cheap` (100 CNY/MWh, 30 MW).
    // h0: deficit 60 → cheap 30, dear 30.
    // h1: deficit 10 → cheap 10, dear 0.
    // h2: deficit 100, half of cheap's units up → cheap 15, dear 50, unserved 35.
    let toml = header(3, &["a"])
        + &load("la", "a", 100.0)
        + r#"
[[generator]]
name = "dear"
zone = "a"
capacity_mw = 50
variable_cost_cny_per_mwh = 500
forced_outage_rate_pu = 0

[[generator]]
name = "cheap"
zone = "a"
capacity_mw = 30
variable_cost_cny_per_mwh = 100
forced_outage_rate_pu = 0
"#;
    let (m, _, _) = check(
        "merit order",
        &toml,
        &[&[40.0, 90.0, 0.0]],
        |m, inp| inp.gen_up[common::gen_idx(m, "cheap")][2] = 0.5,
        &[
            ("gen.cheap.mw", &[30.0, 10.0, 15.0]),
            ("gen.dear.mw", &[30.0, 0.0, 50.0]),
            ("zone.a.unserved", &[0.0, 0.0, 35.0]),
            ("zone.a.curtailed", &[0.0, 0.0, 0.0]),
        ],
    );
    assert_eq!(m.generators[0].name, "cheap", "generators are sorted by cost");
}

#[test]
fn deficit_tiers_storage_then_generators_then_imports_then_unserved() {
    // Load 100. Store: lossless 20 MW with 500 MWh in it; generator 30 MW;
    // imports up to 25 MW over a lossless 100 MW line from the grid.
    // h0: deficit 10 → store 10.
    // h1: deficit 30 → store 20, generator 10.
    // h2: deficit 60 → store 20, generator 30, import 10.
    // h3: deficit 90 → store 20, generator 30, import 25, unserved 15.
    // h4: deficit 100 and everything fails (store and generator out, line out) → unserved 100.
    let toml = header(5, &["a"])
        + &load("la", "a", 100.0)
        + &grid("g", 0.0, 25.0)
        + &line("ga", "g", "a", 100.0, 0.0)
        + &store("s", "a", 20.0, 1000.0, 0.5)
        + "[[generator]]\nname = \"gen\"\nzone = \"a\"\ncapacity_mw = 30\nforced_outage_rate_pu = 0\n";
    check(
        "deficit tiers",
        &toml,
        &[&[90.0, 70.0, 40.0, 10.0, 0.0]],
        |m, inp| {
            inp.storage_up[common::storage_idx(m, "s")][4] = 0.0;
            inp.gen_up[common::gen_idx(m, "gen")][4] = 0.0;
            inp.line_cap_mw[common::line_idx(m, "ga")][4] = 0.0;
        },
        &[
            ("storage.s.discharge", &[10.0, 20.0, 20.0, 20.0, 0.0]),
            ("storage.s.soc", &[490.0, 470.0, 450.0, 430.0, 430.0]),
            ("gen.gen.mw", &[0.0, 10.0, 30.0, 30.0, 0.0]),
            ("grid.g.import", &[0.0, 0.0, 10.0, 25.0, 0.0]),
            ("line.ga.from", &[0.0, 0.0, 10.0, 25.0, 0.0]),
            ("zone.a.unserved", &[0.0, 0.0, 0.0, 15.0, 100.0]),
            ("grid.g.export", &[0.0; 5]),
        ],
    );
}

#[test]
fn imports_up_to_the_grid_limit_with_line_losses() {
    // Grid supplies up to 50 MW (sent); line g→a 80 MW with 10 % losses; load 100.
    // h0: deficit 100 → import 50 (grid limit), 45 delivered, unserved 55.
    // h1: deficit 30 → import 30 / 0.9 = 33.3, 30 delivered, unserved 0.
    // h2: line out (0 MW) → no import, unserved 100.
    let toml = header(3, &["a"]) + &load("la", "a", 100.0) + &grid("g", 0.0, 50.0) + &line("ga", "g", "a", 80.0, 0.1);
    check(
        "imports",
        &toml,
        &[&[0.0, 70.0, 0.0]],
        |m, inp| inp.line_cap_mw[common::line_idx(m, "ga")][2] = 0.0,
        &[
            ("grid.g.import", &[50.0, 30.0 / 0.9, 0.0]),
            ("line.ga.from", &[50.0, 30.0 / 0.9, 0.0]),
            ("line.ga.to", &[45.0, 30.0, 0.0]),
            ("line.ga.cap", &[80.0, 80.0, 0.0]),
            ("line.ga.congested", &[0.0, 0.0, 0.0]),
            ("zone.a.unserved", &[55.0, 0.0, 100.0]),
        ],
    );
}

// ---------------------------------------------------------------- transfers between zones

#[test]
fn one_zones_surplus_serves_anothers_deficit_before_storage_and_generators() {
    // Zones a (load 50) and b (load 100, no renewables); line a→b 100 MW, 10 % losses.
    // Lossless stores: sa in a (30 MW, 500 MWh), sb in b (50 MW, 500 MWh); generator gb
    // (100 MW) in b. No external grid.
    // h0: a's surplus 150: 100 sent (line limit), 90 arrive; b's store covers the last 10.
    //     a's remaining 50 do not cross to b's store: sa charges 30, 20 curtailed.
    // h1: a's surplus 50: 45 arrive; b short 55 → sb 50 (local first), then sa sends
    //     5 / 0.9 = 5.56 so that 5 arrive. Line: 50 + 5.56 sent, 45 + 5 received.
    // h2: no surplus; b short 100 → sb 50, sa 30 (27 arrive), generator 23.
    let toml = header(3, &["a", "b"])
        + &load("la", "a", 50.0)
        + &load("lb", "b", 100.0)
        + &line("ab", "a", "b", 100.0, 0.1)
        + &store("sa", "a", 30.0, 1000.0, 0.5)
        + &store("sb", "b", 50.0, 1000.0, 0.5)
        + "[[generator]]\nname = \"gb\"\nzone = \"b\"\ncapacity_mw = 100\nforced_outage_rate_pu = 0\n";
    let x = 5.0 / 0.9;
    check(
        "two zones",
        &toml,
        &[&[200.0, 100.0, 50.0], &[0.0, 0.0, 0.0]],
        no_tweak,
        &[
            ("line.ab.from", &[100.0, 50.0 + x, 30.0]),
            ("line.ab.to", &[90.0, 50.0, 27.0]),
            ("line.ab.congested", &[1.0, 0.0, 0.0]),
            ("storage.sb.discharge", &[10.0, 50.0, 50.0]),
            ("storage.sb.soc", &[490.0, 440.0, 390.0]),
            ("storage.sa.charge", &[30.0, 0.0, 0.0]),
            ("storage.sa.discharge", &[0.0, x, 30.0]),
            ("storage.sa.soc", &[530.0, 530.0 - x, 500.0 - x]),
            ("gen.gb.mw", &[0.0, 0.0, 23.0]),
            ("zone.a.curtailed", &[20.0, 0.0, 0.0]),
            ("zone.a.unserved", &[0.0, 0.0, 0.0]),
            ("zone.b.unserved", &[0.0, 0.0, 0.0]),
        ],
    );
}

#[test]
fn cancelling_flow_on_a_lossy_line_respects_its_limit_and_loss() {
    // Zones a (load 50, store 200 MW lossless with 500 MWh) and b (200 MW renewables);
    // line b→a 100 MW, 10 % losses; line b→g 500 MW lossless; grid takes 1 000 MW.
    // 2a: b sends 55.6 to a (50 arrive). 3: b exports its other 144.4.
    // 4: a's store discharges into export capacity through a→b→g, against the b→a flow.
    // Physically the store serves a's 50 MW and sends the line's 100 MW back to b
    // (90 arrive), so it discharges 150 and b exports 200 + 90 = 290; the line carries
    // 100 MW from a's end (line_to = −100) and delivers 90 at b's end (line_from = −90).
    let toml = header(1, &["a", "b"])
        + &load("la", "a", 50.0)
        + &grid("g", 1000.0, 0.0)
        + &line("ba", "b", "a", 100.0, 0.1)
        + &line("bg", "b", "g", 500.0, 0.0)
        + &store("sa", "a", 200.0, 1000.0, 0.5);
    let (m, _, h) = check("counter-flow", &toml, &[&[0.0], &[200.0]], no_tweak, &[]);
    let l = common::line_idx(&m, "ba");
    let (from, to) = (h.line_from_mw[l][0], h.line_to_mw[l][0]);
    assert!(to.abs() <= 100.0 + TOL, "a's end sends {} MW into a 100 MW line", -to);
    assert!(from.abs() <= 100.0 + TOL, "b's end carries {from} MW on a 100 MW line");
    let (sent, received) = if from >= 0.0 { (from, to) } else { (-to, -from) };
    assert!((sent - received - 0.1 * sent).abs() <= 1e-6, "sent {sent}, received {received}: loss is not 10 %");
    check(
        "counter-flow values",
        &toml,
        &[&[0.0], &[200.0]],
        no_tweak,
        &[
            ("storage.sa.discharge", &[150.0]),
            ("grid.g.export", &[290.0]),
            ("line.ba.to", &[-100.0]),
            ("line.ba.from", &[-90.0]),
        ],
    );
}

// ---------------------------------------------------------------- lines with circuits out

#[test]
fn line_capacity_follows_the_circuits_in_service() {
    // Two circuits, transfer limit [0, 150, 240] MW with 0, 1, 2 up; 2 % losses.
    // Surplus 390 every hour: h0 both circuits → 240 sent, 235.2 delivered;
    // h1 one circuit → 150 sent, 147 delivered; h2 none → nothing, all curtailed.
    let toml = header(3, &["a"])
        + &load("la", "a", 10.0)
        + &grid("g", 10_000.0, 0.0)
        + r#"
[[line]]
name = "ag"
from = "a"
to = "g"
circuits = 2
circuit_mw = 120
capacity_by_circuits_up_mw = [0, 150, 240]
loss_pu = 0.02
outages_per_100km_year = 0
"#;
    let (m, _, _) = check(
        "circuits",
        &toml,
        &[&[400.0, 400.0, 400.0]],
        |m, inp| {
            let caps = &m.lines[0].capacity_by_circuits_up_mw;
            inp.line_cap_mw[0] = vec![caps[2], caps[1], caps[0]];
        },
        &[
            ("line.ag.cap", &[240.0, 150.0, 0.0]),
            ("line.ag.from", &[240.0, 150.0, 0.0]),
            ("line.ag.to", &[240.0 * 0.98, 150.0 * 0.98, 0.0]),
            ("line.ag.congested", &[1.0, 1.0, 0.0]),
            ("grid.g.export", &[240.0 * 0.98, 150.0 * 0.98, 0.0]),
            ("zone.a.curtailed", &[150.0, 240.0, 390.0]),
        ],
    );
    assert_eq!(m.lines[0].capacity_by_circuits_up_mw, vec![0.0, 150.0, 240.0]);
}

#[test]
fn sampled_circuit_outages_map_to_capacity_by_circuits_up() {
    // Circuits down half the time, repaired in 2 h on average: over 48 hours the
    // engine's line limit takes each of the three values and nothing else.
    // A second line without the table gets k × circuit_mw.
    let toml = header(48, &["a"])
        + &grid("g", 10_000.0, 0.0)
        + r#"
[[line]]
name = "ag"
from = "a"
to = "g"
circuits = 2
circuit_mw = 120
capacity_by_circuits_up_mw = [0, 150, 240]
forced_outage_rate_pu = 0.5
mttr_h = 2

[[line]]
name = "ag2"
from = "a"
to = "g"
circuits = 2
circuit_mw = 120
forced_outage_rate_pu = 0.5
mttr_h = 2
"#;
    let m = common::model(&toml);
    assert_eq!(m.lines[1].capacity_by_circuits_up_mw, vec![0.0, 120.0, 240.0]);
    let study = renewplan::sim::engine::Study::new(&m);
    let mut s = study.scratch();
    study.prepare(7, 3, &mut s);
    for (l, allowed) in [(0, [0.0, 150.0, 240.0]), (1, [0.0, 120.0, 240.0])] {
        let caps = &s.inputs.line_cap_mw[l];
        assert_eq!(caps.len(), 48);
        for c in caps {
            assert!(allowed.contains(c), "line {l}: capacity {c} is not one of {allowed:?}");
        }
        for a in allowed {
            assert!(caps.contains(&a), "line {l}: capacity {a} never sampled in {caps:?}");
        }
    }
}
