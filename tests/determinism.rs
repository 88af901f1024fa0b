//! Reproducibility of the Monte Carlo engine on the bundled base scenario:
//! results do not depend on the thread count or on how samples are split
//! into shards, the seed fixes every draw, assets draw from their own
//! streams (common random numbers), and the outage chains have the right
//! long-run availability.

mod common;

use common::{bits, column};
use renewplan::model::Model;
use renewplan::model::scenario::{self, Source};
use renewplan::sim::engine::{Method, Results, Study};

/// Samples for the equality tests: two blocks of the engine (32 + 8), so
/// that threads really split the work.
const SAMPLES: u64 = 40;
const WIND: &str = "wind.luanjingtan-wind.available_mwh";

fn base_text(horizon_h: Option<usize>) -> String {
    let text = Source::embedded_default().text;
    match horizon_h {
        None => text,
        Some(h) => {
            assert_eq!(text.matches("\nstudy_year = 2030\n").count(), 1);
            text.replace("\nstudy_year = 2030\n", &format!("\nstudy_year = 2030\nhorizon_h = {h}\n"))
        }
    }
}

fn load(text: &str) -> Model {
    scenario::load(&Source { name: "base".into(), dir: None, text: text.into() }).expect("base scenario")
}

fn run(study: &Study, seed: u64, first: u64, samples: u64, threads: usize) -> Results {
    study.run(Method { seed, first, samples, threads }, &|_| {})
}

#[test]
fn bundled_scenario_is_the_file_in_scenarios() {
    let on_disk = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/alxa-2030-base.toml"))
        .expect("scenarios/alxa-2030-base.toml");
    assert_eq!(Source::embedded_default().text, on_disk);
}

#[test]
fn thread_count_does_not_change_results() {
    // A full year, and a horizon that ends mid-day.
    for horizon in [None, Some(1000)] {
        let m = load(&base_text(horizon));
        let study = Study::new(&m);
        let one = run(&study, 11, 0, SAMPLES, 1);
        assert_eq!(one.rows.len(), SAMPLES as usize);
        for threads in [2, 4] {
            let other = run(&study, 11, 0, SAMPLES, threads);
            let what = format!("1 vs {threads} threads, horizon {horizon:?}");
            assert!(bits(&one.rows.to_vec()) == bits(&other.rows.to_vec()), "rows differ: {what}");
            assert_eq!(one.profiles, other.profiles, "profiles differ: {what}");
            assert_eq!(one.estimates(), other.estimates(), "estimates differ: {what}");
        }
    }
}

#[test]
fn seed_fixes_every_draw() {
    let m = load(&base_text(None));
    let study = Study::new(&m);
    let a = run(&study, 5, 0, 8, 2);
    let b = run(&study, 5, 0, 8, 2);
    assert!(bits(&a.rows.to_vec()) == bits(&b.rows.to_vec()), "same seed, different rows");
    let c = run(&study, 6, 0, 8, 2);
    let (wa, wc) = (column(&a, WIND), column(&c, WIND));
    for k in 0..8 {
        assert_ne!(wa[k], wc[k], "sample {k}: seeds 5 and 6 give the same wind energy");
    }
    // Different samples of one run differ too.
    for k in 1..8 {
        assert_ne!(wa[k], wa[0], "samples 0 and {k} give the same wind energy");
    }
}

#[test]
fn a_sample_does_not_depend_on_its_shard() {
    let m = load(&base_text(None));
    let study = Study::new(&m);
    let full = run(&study, 3, 0, SAMPLES, 2);
    let full_rows = full.rows.to_vec();
    for k in [1u64, 17, 32, 39] {
        let shard = run(&study, 3, k, 1, 1);
        assert!(
            bits(&shard.rows.to_vec()) == bits(&full_rows[k as usize..k as usize + 1]),
            "sample {k} alone differs from sample {k} of the whole run"
        );
    }
    let tail = run(&study, 3, 30, 10, 2);
    assert!(bits(&tail.rows.to_vec()) == bits(&full_rows[30..40]), "samples 30..40 differ when run as a shard");
    // The re-simulated trace of a sample is the sample of the run.
    let j = full.registry.index(WIND).unwrap();
    let trace = study.trace(3, 17);
    let mut prof = renewplan::sim::metrics::ProfileSums::new(m.hours());
    let mut row = Vec::new();
    renewplan::sim::metrics::record(&m, &trace.inputs, &trace.fleets, &trace.hourly, &mut prof, &mut row);
    assert_eq!(m.wind_fleets[0].name, "luanjingtan-wind");
    assert_eq!(row[j].to_bits(), full_rows[17][j].to_bits(), "trace of sample 17 differs from the run");
    assert!(row[j] > 0.0);
}

#[test]
fn adding_an_unrelated_asset_leaves_other_draws_unchanged() {
    let text = base_text(None);
    let extra = text.clone()
        + r#"
[[generator]]
name = "backup-gas"
zone = "luanjingtan"
capacity_mw = 600
units = 2

[[storage]]
name = "new-battery"
zone = "luanjingtan"
charge_mw = 500
energy_mwh = 2000
"#;
    let (m0, m1) = (load(&text), load(&extra));
    let (s0, s1) = (Study::new(&m0), Study::new(&m1));
    let (r0, r1) = (run(&s0, 9, 0, 16, 2), run(&s1, 9, 0, 16, 2));
    for key in [
        WIND,
        "wind.tengger-h2-wind.available_mwh",
        "wind.luanjingtan-wind.availability",
        "solar.luanjingtan-pv.available_mwh",
        "solar.rooftop-pv.availability",
        "line.corridor-500kv.availability",
        "system.available_mwh",
        "system.load_mwh",
    ] {
        let (a, b) = (column(&r0, key), column(&r1, key));
        let (a, b): (Vec<u64>, Vec<u64>) =
            (a.iter().map(|x| x.to_bits()).collect(), b.iter().map(|x| x.to_bits()).collect());
        assert_eq!(a, b, "{key} changed when a generator and a store were added");
    }
    // ...while the dispatch did change: the new generator serves load.
    let gen_ = column(&r1, "generator.backup-gas.output_mwh");
    assert!(gen_.iter().all(|x| *x >= 0.0));
}

#[test]
fn long_run_availability_matches_forced_outage_rate() {
    // Full years; the chains start in their stationary state, so each sample's
    // mean availability is an unbiased estimate of 1 − FOR.
    let m = load(&base_text(None));
    let study = Study::new(&m);
    let r = run(&study, 20240601, 0, 64, 0);
    let est = r.estimates();
    for (key, fleet_for) in [("wind.luanjingtan-wind.availability", 0.03), ("solar.luanjingtan-pv.availability", 0.01)]
    {
        let e = &est[r.registry.index(key).unwrap()];
        let expect = 1.0 - fleet_for;
        assert!(e.std_error > 0.0, "{key}: no spread across samples");
        assert!(
            (e.mean - expect).abs() <= 3.0 * e.std_error,
            "{key}: mean {} vs {expect}, standard error {}",
            e.mean,
            e.std_error
        );
    }
}

#[test]
fn rows_beyond_the_memory_budget_spill_and_stay_identical() {
    // 24-hour horizons keep this quick; 4,500 rows of every metric exceed
    // the in-memory budget of rows.rs, so most chunks go to the spill file.
    let m = load(&base_text(Some(24)));
    let study = Study::new(&m);
    let width = study.registry.defs.len();
    let n = (renewplan::sim::rows::MEMORY_BUDGET / (8 * width * renewplan::sim::rows::CHUNK) + 2)
        * renewplan::sim::rows::CHUNK
        + 77;
    let one = run(&study, 9, 0, n as u64, 1);
    let two = run(&study, 9, 0, n as u64, 2);
    assert!(one.rows.spilled(), "{n} rows of {width} metrics should exceed the memory budget");
    assert_eq!(one.rows.len(), n);
    assert!(bits(&one.rows.to_vec()) == bits(&two.rows.to_vec()), "spilled rows differ between thread counts");
    assert_eq!(one.estimates(), two.estimates());
    // The tail of a spilled run is the same as running it alone.
    let tail = run(&study, 9, n as u64 - 5, 5, 1);
    assert!(bits(&tail.rows.to_vec()) == bits(&one.rows.to_vec()[n - 5..]));
}

#[test]
fn runs_nested_in_a_parallel_loop_equal_standalone_runs() {
    // As `compare` does: several studies in one rayon pool, each run
    // broadcasting its workers into the same pool (threads: 0).
    use rayon::prelude::*;
    let m = load(&base_text(Some(1000)));
    let study = Study::new(&m);
    let seeds = [3u64, 4, 5, 6, 7];
    let alone: Vec<Results> = seeds.iter().map(|&s| run(&study, s, 0, SAMPLES, 1)).collect();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("pool");
    let nested: Vec<Results> = pool.install(|| seeds.par_iter().map(|&s| run(&study, s, 0, SAMPLES, 0)).collect());
    for ((a, b), s) in alone.iter().zip(&nested).zip(seeds) {
        assert!(bits(&a.rows.to_vec()) == bits(&b.rows.to_vec()), "rows differ, seed {s}");
        assert_eq!(a.profiles, b.profiles, "profiles differ, seed {s}");
    }
}
