//! Calibration of the default Alxa weather and conversion against the
//! ranges of DOMAIN.md: annual GHI 1,600–1,800 kWh/m², fixed-tilt PV
//! specific yield before curtailment 1,500–1,700 kWh/kWp, wind full-load
//! hours 2,200–2,600 h. The sample means must lie inside the ranges by more
//! than 3 standard errors.

use renewplan::model::scenario::{self, Source};
use renewplan::sim::engine::{Method, Study};

fn mean_se(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, (var / n).sqrt())
}

fn assert_within(name: &str, v: &[f64], lo: f64, hi: f64) {
    let (m, se) = mean_se(v);
    println!("{name}: mean {m:.1} ± {se:.1} (range {lo}–{hi})");
    assert!(m - 3.0 * se > lo && m + 3.0 * se < hi, "{name}: {m} ± {se} not within {lo}–{hi}");
}

#[test]
fn default_alxa_weather_matches_domain_ranges() {
    let model = scenario::load(&Source::embedded_default()).expect("bundled scenario");
    let study = Study::new(&model);
    let samples = 40;
    let res = study.run(Method { seed: 11, first: 0, samples, threads: 0 }, &|_| {});
    let col = |key: &str| res.column(res.registry.index(key).unwrap_or_else(|| panic!("metric {key}")));
    // Annual GHI at the site, from the weather generator directly.
    let mut w = renewplan::sim::weather::Weather::default();
    let ghi: Vec<f64> = (0..samples)
        .map(|k| {
            study.weather.sample(&model, 11, k, &mut w);
            w.ghi_w_m2[0].iter().sum::<f64>() / 1000.0
        })
        .collect();
    assert_within("annual GHI kWh/m²", &ghi, 1600.0, 1800.0);
    assert_within(
        "fixed-tilt PV specific yield",
        &col("solar.luanjingtan-pv.specific_yield_kwh_per_kwp"),
        1500.0,
        1700.0,
    );
    assert_within("wind full-load hours", &col("wind.luanjingtan-wind.full_load_h"), 2200.0, 2600.0);
}
