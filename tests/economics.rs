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
fixed_om_pu_per_year = 0.01
wind_capex_cny_per_kw = 4000
storage_capex_cny_per_kwh = 1000
electrolyser_capex_cny_per_kw = 2000
line_capex_cny_per_km = 1000000
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
    // Capital: wind 100 MW × 4,000 CNY/kW = 400 M; storage 40 MWh × 1,000 CNY/kWh = 40 M;
    // electrolyser 20 MW × 2,000 = 40 M; line 50 km × 1 M = 50 M → 530 M CNY.
    assert!((e.capex_cny - 530.0e6).abs() < 1e-3, "{}", e.capex_cny);
    // CRF(5 %, 20 y) = 0.080243; CRF(5 %, 10 y) = 0.129505; CRF(5 %, 40 y) = 0.058278.
    let crf = |n: f64| capital_recovery_factor(0.05, n);
    assert!((crf(20.0) - 0.080_242_587).abs() < 1e-8);
    assert!((crf(10.0) - 0.129_504_575).abs() < 1e-8);
    assert!((e.annual_fixed_renewables_cny - 400.0e6 * (0.080_242_587 + 0.01)).abs() < 1.0);
    assert!((e.annual_fixed_storage_cny - 40.0e6 * (0.129_504_575 + 0.01)).abs() < 1.0);
    assert!((e.annual_fixed_electrolysers_cny - 40.0e6 * (0.080_242_587 + 0.01)).abs() < 1.0);
    assert!((e.annual_fixed_lines_cny - 50.0e6 * (crf(40.0) + 0.01)).abs() < 1.0);
    // Annuity factor for 20 years at 5 %: (1 − 1.05^−20)/0.05 = 12.462210.
    assert!((e.annuity_factor - 12.462_210_3).abs() < 1e-6);

    // Per sample: revenue = export × 300 + hydrogen × 25 CNY/kg, NPV = net × annuity factor.
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
    let import = col("system.import_mwh");
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
        assert!((cost[i] - (fixed + import[i] * e.import_price_cny_per_mwh * per_year)).abs() < 1e-6 * cost[i]);
        assert!((net[i] - (revenue[i] - cost[i])).abs() < 1e-6 * cost[i]);
        assert!((npv[i] - net[i] * e.annuity_factor).abs() < 1e-6 * npv[i].abs().max(1.0));
        assert!(used[i] > 1.0, "the fixture uses renewable energy");
        assert!((lcoe[i] - e.annual_fixed_renewables_cny / (used[i] * per_year)).abs() < 1e-9 * lcoe[i]);
    }
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
