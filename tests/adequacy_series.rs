//! Time-series capacities and per-step outage probabilities (issue 4):
//! generator capacity and line ratings from CSV, failure and repair
//! probabilities that vary by step, and their validation errors.

use renewplan::model::scenario::{self, Source};
use renewplan::sim::engine::{Method, Study};
use std::path::Path;

fn source(dir: &Path, text: &str) -> Source {
    Source { name: dir.join("s.toml").display().to_string(), dir: Some(dir.to_path_buf()), text: text.into() }
}

const HEAD: &str = r#"[scenario]
name = "series"
study_year = 2030
horizon_h = 4

[[zone]]
name = "a"
latitude_deg = 38.0
longitude_deg = 105.0
utc_offset_h = 8

[[zone]]
name = "b"
latitude_deg = 38.0
longitude_deg = 105.0
utc_offset_h = 8

[[load]]
name = "load-a"
zone = "a"
mw = 60

[[load]]
name = "load-b"
zone = "b"
mw = 30
"#;

fn unserved(text: &str, dir: &Path, key: &str) -> Vec<f64> {
    let model = scenario::load(&source(dir, text)).unwrap_or_else(|e| panic!("{e}"));
    let study = Study::new(&model);
    let s = study.trace(1, 0);
    let z = model.zones.iter().position(|z| z.name == key).expect("zone");
    s.hourly.zone_unserved_mw[z].clone()
}

#[test]
fn generator_capacity_and_line_rating_follow_their_csv_series() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(tmp.path().join("gen.csv"), "hour,mw\n0,100\n1,0\n2,50\n3,100\n").expect("write");
    std::fs::write(tmp.path().join("line.csv"), "hour,rating\n0,40\n1,40\n2,10\n3,0\n").expect("write");
    let text = format!(
        "{HEAD}
[[generator]]
name = \"g\"
zone = \"a\"
capacity_mw = 100
capacity_csv = \"gen.csv\"
forced_outage_rate_pu = 0

[[line]]
name = \"ab\"
from = \"a\"
to = \"b\"
circuits = 2
circuit_mw = 100
loss_pu = 0
capacity_csv = \"line.csv\"
capacity_csv_column = \"rating\"
outages_per_100km_year = 0
"
    );
    // Zone a: load 60 first (local); zone b: load 30 over the line.
    // hour 0: gen 100 → a 0 short, b gets 30 (rating 40) → 0.
    // hour 1: gen 0 → a 60, b 30 short.
    // hour 2: gen 50 → a serves 50 (10 short); nothing left for b → 30 short.
    //   (Max-flow serves 50 MW in total; it is free to split between zones:
    //   local first, so a gets it.)
    // hour 3: gen 100 → a 0; line rating 0 → b 30 short.
    let a = unserved(&text, tmp.path(), "a");
    let b = unserved(&text, tmp.path(), "b");
    assert_eq!(a, vec![0.0, 60.0, 10.0, 0.0]);
    assert_eq!(b, vec![0.0, 30.0, 30.0, 30.0]);
}

#[test]
fn outage_probabilities_can_vary_by_step() {
    let tmp = tempfile::tempdir().expect("tmp");
    // Start up (hour 0: no failure, certain repair → stationary availability 1),
    // fail for sure at the end of hour 1, never repaired.
    std::fs::write(
        tmp.path().join("out.csv"),
        "failure_probability_per_h,repair_probability_per_h\n0,1\n1,0\n0,0\n0,0\n",
    )
    .expect("write");
    let text = format!(
        "{HEAD}
[[generator]]
name = \"g\"
zone = \"a\"
capacity_mw = 100
units = 3
outage_csv = \"out.csv\"
"
    );
    let a = unserved(&text, tmp.path(), "a");
    assert_eq!(a, vec![0.0, 0.0, 60.0, 60.0]);
}

#[test]
fn constant_per_step_probabilities_give_the_stationary_availability() {
    let tmp = tempfile::tempdir().expect("tmp");
    let text = format!(
        "{}
[[generator]]
name = \"g\"
zone = \"a\"
capacity_mw = 100
units = 10
failure_probability_per_h = 0.01
repair_probability_per_h = 0.09
",
        HEAD.replace("horizon_h = 4", "horizon_h = 2000")
    );
    let model = scenario::load(&source(tmp.path(), &text)).unwrap_or_else(|e| panic!("{e}"));
    let study = Study::new(&model);
    let r = study.run(Method { seed: 3, first: 0, samples: 20, threads: 0 }, &|_| {});
    let j = r.registry.index("generator.g.capacity_factor").expect("metric");
    // Load 60 + 30 (zone b unconnected: only a's 60 MW is served by g):
    // output = min(60, 100·up/10); availability 0.9 ⇒ ≥ 6 units up almost always.
    let col = r.column(j);
    let mean = col.iter().sum::<f64>() / col.len() as f64;
    assert!((mean - 0.6).abs() < 0.01, "{mean}");
}

#[test]
fn bad_series_and_conflicting_outage_keys_are_reported_with_file_and_line() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(
        tmp.path().join("bad.csv"),
        "failure_probability_per_h,repair_probability_per_h\n0,1\n1.5,0\n0,0\n0,0\n",
    )
    .expect("write");
    let text =
        format!("{HEAD}\n[[generator]]\nname = \"g\"\nzone = \"a\"\ncapacity_mw = 100\noutage_csv = \"bad.csv\"\n");
    let e = scenario::load(&source(tmp.path(), &text)).expect_err("must fail").to_string();
    assert!(e.contains("bad.csv:3") && e.contains("1.5") && e.contains("0 to 1"), "{e}");
    let text = format!(
        "{HEAD}\n[[generator]]\nname = \"g\"\nzone = \"a\"\ncapacity_mw = 100\nforced_outage_rate_pu = 0.1\nfailure_probability_per_h = 0.01\nrepair_probability_per_h = 0.1\n"
    );
    let e = scenario::load(&source(tmp.path(), &text)).expect_err("must fail").to_string();
    assert!(e.contains("generator[0].failure_probability_per_h") && e.contains("cannot be combined"), "{e}");
    let short = tmp.path().join("short.csv");
    std::fs::write(&short, "mw\n1\n2\n").expect("write");
    let text =
        format!("{HEAD}\n[[generator]]\nname = \"g\"\nzone = \"a\"\ncapacity_mw = 100\ncapacity_csv = \"short.csv\"\n");
    let e = scenario::load(&source(tmp.path(), &text)).expect_err("must fail").to_string();
    assert!(e.contains("short.csv") && e.contains("exactly 4 hourly rows"), "{e}");
}

/// `storage_charge_from_generators`: with no load short, a store charges
/// from its zone's spare dispatchable capacity (PRAS semantics, with
/// generators before storage for deficits); off by default.
#[test]
fn storage_charges_from_spare_generation_only_when_asked() {
    let tmp = tempfile::tempdir().expect("tmp");
    let text = |flag: bool| {
        format!(
            "[scenario]\nname = \"gen-charge\"\nstudy_year = 2030\nhorizon_h = 2\n[dispatch]\nstorage_charge_from_generators = {flag}\ndeficit_priority = [\"generators\", \"storage\", \"imports\"]\n\
             [[zone]]\nname = \"a\"\nlatitude_deg = 38.0\nlongitude_deg = 105.0\nutc_offset_h = 8\n\
             [[generator]]\nname = \"g\"\nzone = \"a\"\ncapacity_mw = 100\nforced_outage_rate_pu = 0\n\
             [[storage]]\nname = \"st\"\nzone = \"a\"\ncharge_mw = 20\nenergy_mwh = 100\ninitial_soc_pu = 0\nsoc_min_pu = 0\nsoc_max_pu = 1\nround_trip_efficiency_pu = 0.81\nforced_outage_rate_pu = 0\n\
             [[load]]\nname = \"l\"\nzone = \"a\"\nmw = 50\n"
        )
    };
    for (flag, charge, gen_) in [(true, 20.0, 70.0), (false, 0.0, 50.0)] {
        let model = scenario::load(&source(tmp.path(), &text(flag))).unwrap_or_else(|e| panic!("{e}"));
        let s = Study::new(&model).trace(1, 0);
        assert_eq!(s.hourly.storage_charge_mw[0], vec![charge, charge], "flag {flag}");
        assert_eq!(s.hourly.gen_mw[0], vec![gen_, gen_], "flag {flag}");
        // Charge efficiency √0.81 = 0.9: 18 MWh stored per hour.
        assert!((s.hourly.storage_soc_mwh[0][1] - 2.0 * 0.9 * charge).abs() < 1e-9);
    }
}

/// Per-direction limits: a line from `b` to `a` rated 100 MW with
/// `reverse_capacity_pu = 0.5` carries at most 50 MW from `a` to `b`.
#[test]
fn per_direction_line_limits_bind_in_the_reverse_direction() {
    let tmp = tempfile::tempdir().expect("tmp");
    let text = format!(
        "{}\n[[generator]]\nname = \"g\"\nzone = \"a\"\ncapacity_mw = 500\nforced_outage_rate_pu = 0\n\n[[line]]\nname = \"ba\"\nfrom = \"b\"\nto = \"a\"\ncircuits = 1\ncircuit_mw = 100\nloss_pu = 0\nreverse_capacity_pu = 0.5\noutages_per_100km_year = 0\n",
        HEAD
    );
    // Zone b's 30 MW load is served over the line a → b (the reverse
    // direction, limit 50 MW): fully served. Raise it to 80 MW: 30 MW short.
    assert_eq!(unserved(&text, tmp.path(), "b"), vec![0.0; 4]);
    let text = text.replace("name = \"load-b\"\nzone = \"b\"\nmw = 30", "name = \"load-b\"\nzone = \"b\"\nmw = 80");
    assert_eq!(unserved(&text, tmp.path(), "b"), vec![30.0; 4]);
}
