//! Economics by hand, and build-out years against single-year runs.

use renewplan::model::scenario::resolve::capital_recovery_factor;
use renewplan::model::scenario::{self, Source};
use renewplan::sim::engine::{Method, Study};

fn model(text: &str) -> renewplan::model::Model {
    scenario::load(&Source { name: "t".into(), dir: None, text: text.into() }).unwrap_or_else(|e| panic!("{e}"))
}

/// 100 MW of wind, a 10 MW / 40 MWh store, a 20 MW electrolyser and a 50 km
/// line; prices chosen to make the arithmetic plain.
const CASE: &str = r#"[scenario]
name = "econ"
study_year = 2030
horizon_h = 48

[economics]
discount_rate_pu = 0.05
project_life_years = 20
wind_capex_cny_per_kw = 4000
storage_capex_cny_per_kwh = 1000
storage_power_capex_cny_per_kw = 500
electrolyser_capex_cny_per_kw = 2000
line_capex_cny_per_mw_km = 1000
wind_fixed_om_cny_per_kw_year = 40
storage_fixed_om_cny_per_kw_year = 100
electrolyser_fixed_om_cny_per_kw_year = 20
line_fixed_om_pu_per_year = 0.01
wind_variable_om_cny_per_mwh = 5
storage_variable_om_cny_per_mwh = 2
electrolyser_variable_om_cny_per_mwh = 10
wind_life_years = 20
storage_life_years = 10
electrolyser_life_years = 20
line_life_years = 40
export_tariff_cny_per_mwh = 300
hydrogen_value_cny_per_kg = 25

[[zone]]
name = "z"
latitude_deg = 38.0
longitude_deg = 105.0
utc_offset_h = 8

[[external_grid]]
name = "g"

[[site]]
name = "s"
latitude_deg = 38.0
longitude_deg = 105.0

[[wind_fleet]]
name = "w"
zone = "z"
site = "s"
capacity_mw = 100

[[storage]]
name = "st"
zone = "z"
charge_mw = 10
energy_mwh = 40

[[electrolyser]]
name = "el"
zone = "z"
capacity_mw = 20

[[line]]
name = "l"
from = "z"
to = "g"
circuits = 1
circuit_mw = 30
length_km = 50
"#;

#[test]
fn capital_and_annual_costs_match_a_hand_computation() {
    let m = model(CASE);
    let e = &m.economics;
    // Capital: wind 100 MW × 4,000 CNY/kW = 400 M; storage 40 MWh × 1,000 CNY/kWh
    // + 10 MW × 500 CNY/kW = 45 M; electrolyser 20 MW × 2,000 = 40 M;
    // line 30 MW × 50 km × 1,000 CNY/MW·km = 1.5 M → 486.5 M CNY.
    assert!((e.capex_cny - 486.5e6).abs() < 1e-3, "{}", e.capex_cny);
    assert!((e.capex_storage_cny - 45.0e6).abs() < 1e-6);
    assert!((e.capex_lines_cny - 1.5e6).abs() < 1e-6);
    // CRF(5 %, 20 y) = 0.080243; CRF(5 %, 10 y) = 0.129505; CRF(5 %, 40 y) = 0.058278.
    let crf = |n: f64| capital_recovery_factor(0.05, n);
    assert!((crf(20.0) - 0.080_242_587).abs() < 1e-8);
    assert!((crf(10.0) - 0.129_504_575).abs() < 1e-8);
    // Fixed O&M per kW-year: wind 100,000 kW × 40, storage 10,000 kW × 100,
    // electrolyser 20,000 kW × 20; lines 1 % of their capital.
    assert!((e.annual_fixed_renewables_cny - (400.0e6 * 0.080_242_587 + 4.0e6)).abs() < 1.0);
    assert!((e.annual_fixed_storage_cny - (45.0e6 * 0.129_504_575 + 1.0e6)).abs() < 1.0);
    assert!((e.annual_fixed_electrolysers_cny - (40.0e6 * 0.080_242_587 + 0.4e6)).abs() < 1.0);
    assert!((e.annual_fixed_lines_cny - 1.5e6 * (crf(40.0) + 0.01)).abs() < 1e-6);
    // Annuity factor for 20 years at 5 %: (1 − 1.05^−20)/0.05 = 12.462210.
    assert!((e.annuity_factor - 12.462_210_3).abs() < 1e-6);
    // Every resolved input is listed for the report's assumptions table.
    let listed = |k: &str| e.assumptions.iter().find(|a| a.key == k).map(|a| a.value);
    assert_eq!(listed("line_capex_cny_per_mw_km"), Some(1000.0));
    assert_eq!(listed("export_tariff_cny_per_mwh"), Some(300.0));
    assert_eq!(listed("hvdc_converter_capex_cny_per_kw"), Some(1400.0));

    // Per sample: revenue = export × 300 + hydrogen × 25 CNY/kg, cost = fixed +
    // imports + variable O&M, NPV = net × annuity factor.
    let study = Study::new(&m);
    let r = study.run(Method { seed: 1, first: 0, samples: 3, threads: 1 }, &|_| {});
    let col = |k: &str| r.column(r.registry.index(k).unwrap_or_else(|| panic!("{k}")));
    let (export, h2, revenue, cost, net, npv, used, lcoe) = (
        col("system.export_mwh"),
        col("system.h2_t"),
        col("economics.revenue_cny"),
        col("economics.annual_cost_cny"),
        col("economics.net_annual_cny"),
        col("economics.npv_cny"),
        col("system.used_mwh"),
        col("economics.lcoe_used_cny_per_mwh"),
    );
    let (import, discharge, el) =
        (col("system.import_mwh"), col("system.storage_discharge_mwh"), col("system.electrolyser_mwh"));
    let (lcoh, lcoe_h, lcoh_h) =
        (col("economics.lcoh_cny_per_kg"), col("economics.lcoe_full_load_h"), col("economics.lcoh_full_load_h"));
    // The 48-hour horizon's flows count as a year: × 8,760 / 48 (2030 is
    // not a leap year), against annual fixed costs.
    let per_year = 8760.0 / 48.0;
    for i in 0..3 {
        let want = (export[i] * 300.0 + h2[i] * 1000.0 * 25.0) * per_year;
        assert!((revenue[i] - want).abs() < 1e-6 * revenue[i].max(1.0));
        let fixed = e.annual_fixed_renewables_cny
            + e.annual_fixed_storage_cny
            + e.annual_fixed_electrolysers_cny
            + e.annual_fixed_lines_cny;
        // Wind is the only renewable: what it used is the system's used energy.
        let variable = used[i] * 5.0 + discharge[i] * 2.0 + el[i] * 10.0;
        let want_cost = fixed + (import[i] * e.import_price_cny_per_mwh + variable) * per_year;
        assert!((cost[i] - want_cost).abs() < 1e-6 * cost[i], "{} vs {want_cost}", cost[i]);
        assert!((net[i] - (revenue[i] - cost[i])).abs() < 1e-6 * cost[i]);
        assert!((npv[i] - net[i] * e.annuity_factor).abs() < 1e-6 * npv[i].abs().max(1.0));
        assert!(used[i] > 1.0, "the fixture uses renewable energy");
        let want_lcoe = (e.annual_fixed_renewables_cny + used[i] * 5.0 * per_year) / (used[i] * per_year);
        assert!((lcoe[i] - want_lcoe).abs() < 1e-9 * lcoe[i]);
        if h2[i] > 0.0 {
            let want_lcoh =
                (e.annual_fixed_electrolysers_cny + el[i] * per_year * (lcoe[i] + 10.0)) / (h2[i] * 1000.0 * per_year);
            assert!((lcoh[i] - want_lcoh).abs() < 1e-9 * lcoh[i]);
        }
        assert!((lcoe_h[i] - used[i] * per_year / 100.0).abs() < 1e-9 * lcoe_h[i]);
        assert!((lcoh_h[i] - el[i] * per_year / 20.0).abs() < 1e-9 * lcoh_h[i].max(1.0));
    }
}

/// A zone with one line of `circuits` × `circuit_mw` over `km`, plus `extra`
/// keys on the line.
fn one_line(circuit_mw: f64, extra: &str) -> String {
    format!(
        "[scenario]\nname = \"l\"\nstudy_year = 2030\nhorizon_h = 24\n\
         [[zone]]\nname = \"z\"\nlatitude_deg = 38.0\nlongitude_deg = 105.0\nutc_offset_h = 8\n\
         [[external_grid]]\nname = \"g\"\n\
         [[line]]\nname = \"l\"\nfrom = \"z\"\nto = \"g\"\ncircuits = 2\ncircuit_mw = {circuit_mw}\nlength_km = 1600\n{extra}"
    )
}

#[test]
fn doubling_a_lines_rating_doubles_its_capital_by_the_documented_amount() {
    // Reference ([economics]): capital = rating MW × length km × cost per
    // MW·km, plus for HVDC rating × 1,000 kW/MW × converter cost per kW.
    // AC default 1,250 CNY/MW·km: 2 × 1,200 MW × 1,600 km → 4.8 bn; doubled → 9.6 bn.
    let ac = |mw: f64| model(&one_line(mw, "")).economics.capex_lines_cny;
    assert_eq!(ac(1200.0), 2400.0 * 1600.0 * 1250.0);
    assert_eq!(ac(2400.0) - ac(1200.0), 2400.0 * 1600.0 * 1250.0);
    // HVDC: 8,000 MW × (1,600 km × 1,100 + 1,000 × 1,400) = 25.28 bn CNY
    // (DOMAIN: 20–30 bn for an 8 GW ±800 kV link); 16 GW costs 25.28 bn more.
    let dc = |mw: f64| model(&one_line(mw, "technology = \"hvdc\"\n")).economics;
    let (e8, e16) = (dc(4000.0), dc(8000.0));
    assert_eq!(e8.capex_lines_cny, 25.28e9);
    assert_eq!(e16.capex_lines_cny - e8.capex_lines_cny, 8000.0 * (1600.0 * 1100.0 + 1000.0 * 1400.0));
    assert_eq!(e8.lines[0].rating_mw, 8000.0);
    assert!(e8.lines[0].hvdc);
    // A line's own unit costs override the defaults, and scale the same way.
    let own = |mw: f64| {
        model(&one_line(mw, "technology = \"hvdc\"\ncapex_cny_per_mw_km = 500\nconverter_capex_cny_per_kw = 1000\n"))
            .economics
            .capex_lines_cny
    };
    assert_eq!(own(1000.0), 2000.0 * (1600.0 * 500.0 + 1000.0 * 1000.0));
    assert_eq!(own(2000.0), 2.0 * own(1000.0));
    // A capacity_by_circuits_up_mw table rates the line at its last value.
    let table = model(&one_line(1200.0, "capacity_by_circuits_up_mw = [0, 1500, 2400]\n")).economics;
    assert_eq!(table.lines[0].rating_mw, 2400.0);
}

#[test]
fn the_bundled_uhvdc_link_costs_what_an_8_gw_link_costs() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/alxa-2030-uhvdc.toml"))
        .expect("bundled scenario");
    let m = model(&text);
    let link = m.economics.lines.iter().find(|l| l.name == "uhvdc-800kv").expect("the UHVDC line");
    assert!(link.hvdc);
    assert_eq!(link.capex_cny, 25.28e9);
    assert!((20.0e9..=30.0e9).contains(&link.capex_cny), "DOMAIN: 20–30 bn CNY");
}

#[test]
fn bad_line_cost_keys_are_named_with_what_is_accepted() {
    let src = |t: String| Source { name: "t.toml".into(), dir: None, text: t };
    let err = scenario::load(&src(one_line(100.0, "technology = \"dc\"\n"))).expect_err("unknown technology");
    let msg = err.to_string();
    assert!(msg.contains("technology") && msg.contains("hvdc") && msg.contains("t.toml"), "{msg}");
    let err = scenario::load(&src(one_line(100.0, "converter_capex_cny_per_kw = 1000\n"))).expect_err("AC converter");
    let msg = err.to_string();
    assert!(msg.contains("converter_capex_cny_per_kw") && msg.contains("hvdc"), "{msg}");
    // The per-km keys of earlier versions are gone: the message names the new key.
    let err = scenario::load(&src(one_line(100.0, "capex_cny_per_km = 1000\n"))).expect_err("old key");
    assert!(err.to_string().contains("capex_cny_per_mw_km"), "{err}");
}

#[test]
fn buildout_years_match_single_year_runs_of_the_same_capacities() {
    // The bundled base scenario in 2026 (schedules evaluated), against a copy
    // whose study_year is simply set to 2026: identical rows.
    let text =
        renewplan::model::scenario::DEFAULT_SCENARIO.replace("study_year = 2030", "study_year = 2030\nhorizon_h = 168");
    let src = Source { name: "b".into(), dir: None, text: text.clone() };
    let over = renewplan::study::apply(
        &src,
        &[renewplan::study::Override { key: "scenario.study_year".into(), value: 2026.0 }],
    )
    .expect("override");
    let a = model(&over.text);
    let b = model(&text.replace("study_year = 2030", "study_year = 2026"));
    assert_eq!(a.study_year, 2026);
    assert_eq!(a.wind_fleets[0].capacity_mw, 2500.0);
    let method = Method { seed: 4, first: 0, samples: 3, threads: 1 };
    let ra = Study::new(&a).run(method, &|_| {});
    let rb = Study::new(&b).run(method, &|_| {});
    assert_eq!(ra.rows, rb.rows);
}

#[test]
fn levelised_costs_stay_finite_for_tiny_energy() {
    // The fuzzing campaign's minimal input (docs/fuzzing.md): one dark hour,
    // renewable energy only from a 1e-300 MW wind fleet. LCOE/LCOH used to
    // be inf; below 1 kWh a year they are 0 (undefined), and every metric
    // is finite.
    let text = r#"[scenario]
name = "tiny"
study_year = 2030
horizon_h = 1

[[zone]]
name = "z"
latitude_deg = 38.8
longitude_deg = 105.6
utc_offset_h = 8

[[external_grid]]
name = "grid"

[[site]]
name = "s"
latitude_deg = 38.8
longitude_deg = 105.6

[[solar_fleet]]
name = "pv"
zone = "z"
site = "s"
capacity_mwdc = 100

[[wind_fleet]]
name = "w"
zone = "z"
site = "s"
capacity_mw = 1e-300

[[load]]
name = "l"
zone = "z"
mw = 10

[[line]]
name = "tie"
from = "z"
to = "grid"
circuits = 1
circuit_mw = 100
"#;
    let m = model(text);
    let study = Study::new(&m);
    let r = study.run(Method { seed: 2, first: 0, samples: 4, threads: 1 }, &|_| {});
    for (j, d) in r.registry.defs.iter().enumerate() {
        for x in r.column(j) {
            assert!(x.is_finite(), "{} = {x}", d.key);
        }
    }
    let used = r.column(r.registry.index("system.used_mwh").expect("metric"));
    let lcoe = r.column(r.registry.index("economics.lcoe_used_cny_per_mwh").expect("metric"));
    for (u, l) in used.iter().zip(&lcoe) {
        assert!(*u * 8760.0 < 1e-3, "the fixture should use (almost) nothing: {u}");
        assert_eq!(*l, 0.0);
    }
    // Some samples use a positive sub-normal amount: the case that overflowed.
    assert!(used.iter().any(|u| *u > 0.0), "{used:?}");
}
