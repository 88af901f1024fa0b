//! Planning studies through the CLI: sweep, size and build-out.

use std::path::Path;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_renewplan"))
}

/// The UHVDC variant shortened to two weeks of July (fast, still congested).
fn scenario(dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/alxa-2030-uhvdc.toml"))
        .expect("scenario")
        .replace("study_year = 2030", "study_year = 2030\nhorizon_h = 336");
    let p = dir.join("s.toml");
    std::fs::write(&p, text).expect("write");
    p
}

fn ok(args: &[&str], out: &Path) {
    let o = bin().args(args).arg("-q").arg("-o").arg(out).output().expect("run");
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

fn csv_rows(path: &Path) -> Vec<csv::StringRecord> {
    csv::Reader::from_path(path).expect("csv").records().map(|r| r.expect("row")).collect()
}

#[test]
fn sweep_covers_the_grid_and_more_export_capacity_never_hurts() {
    let tmp = tempfile::tempdir().expect("tmp");
    let s = scenario(tmp.path());
    let out = tmp.path().join("sweep");
    ok(
        &[
            "sweep",
            s.to_str().unwrap(),
            "--vary",
            "line.uhvdc-800kv.circuit_mw=0:4000:2000",
            "--vary",
            "storage.hydraulic-pneumatic-demo.charge_mw=10,20",
            "-n",
            "6",
        ],
        &out,
    );
    let rows = csv_rows(&out.join("sweep.csv"));
    let util: Vec<(f64, f64, f64)> = rows
        .iter()
        .filter(|r| &r[3] == "system.utilisation_rate")
        .map(|r| (r[1].parse().unwrap(), r[2].parse().unwrap(), r[5].parse().unwrap()))
        .collect();
    assert_eq!(util.len(), 6, "3 × 2 grid");
    // Common random numbers: utilisation is non-decreasing in export capacity at fixed storage.
    for storage in [10.0, 20.0] {
        let u: Vec<f64> = util.iter().filter(|x| x.1 == storage).map(|x| x.2).collect();
        assert!(u.windows(2).all(|w| w[1] >= w[0]), "{u:?}");
    }
}

#[test]
fn size_finds_the_smallest_capacity_meeting_the_target() {
    let tmp = tempfile::tempdir().expect("tmp");
    let s = scenario(tmp.path());
    let out = tmp.path().join("size");
    ok(
        &[
            "size",
            s.to_str().unwrap(),
            "--capacity",
            "line.uhvdc-800kv.circuit_mw=0:12000",
            "--target",
            "system.utilisation_rate.mean >= 0.8",
            "--tolerance",
            "200",
            "-n",
            "8",
        ],
        &out,
    );
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("size.json")).unwrap()).unwrap();
    let sz = &v["sizing"];
    let answer = sz["answer"].as_f64().expect("an answer");
    let evals = sz["evaluations"].as_array().unwrap();
    let at = |x: f64| evals.iter().find(|e| e["value"].as_f64() == Some(x)).expect("evaluated");
    assert!(at(answer)["meets"].as_bool().unwrap());
    // Everything evaluated below the answer fails, everything above meets (monotone on CRN).
    for e in evals {
        let x = e["value"].as_f64().unwrap();
        assert_eq!(e["meets"].as_bool().unwrap(), x >= answer, "at {x}");
    }
    let below = evals.iter().filter(|e| e["value"].as_f64().unwrap() < answer).map(|e| e["value"].as_f64().unwrap());
    assert!(below.fold(f64::MIN, f64::max) >= answer - 200.0, "bracket within the tolerance");
    assert!(out.join("charts/size.png").exists());
    // The chart names the sized value with its unit, and the statistic.
    let svg = std::fs::read_to_string(out.join("charts/size.svg")).unwrap();
    assert!(svg.contains("rating per circuit or HVDC pole (MW)"), "size chart axis");
    assert!(svg.contains("Sizing for mean of system.utilisation_rate"), "size chart title");
    roxmltree::Document::parse(&svg).expect("size.svg parses");
    let (lo, hi) = (sz["optimistic"].as_f64().unwrap(), sz["conservative"].as_f64().unwrap());
    assert!(lo <= answer && answer <= hi, "{lo} {answer} {hi}");
}

#[test]
fn buildout_reports_every_year_with_its_capacity() {
    let tmp = tempfile::tempdir().expect("tmp");
    let s = scenario(tmp.path());
    let out = tmp.path().join("bo");
    ok(&["buildout", s.to_str().unwrap(), "--years", "2024:2026", "-n", "4"], &out);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("buildout.json")).unwrap()).unwrap();
    let cap = v["capacity"].as_array().unwrap();
    let wind: Vec<f64> = cap.iter().map(|c| c["wind_mw"].as_f64().unwrap()).collect();
    // Schedules: luanjingtan-wind 1000 (2024), 2500 (2026); tengger-h2-wind 200 from 2024.
    assert_eq!(wind, vec![1200.0, 1200.0, 2700.0]);
    assert_eq!(v["years"].as_array().unwrap().len(), 3);
    assert!(out.join("charts/buildout-capacity.png").exists() && out.join("charts/buildout-capacity.svg").exists());
}

#[test]
fn unknown_override_keys_are_usage_errors_with_suggestions() {
    let o = bin()
        .args([
            "sweep",
            "--vary",
            "storage.hydraulic-pneumatic-dem.energy_mwh=1,2",
            "-n",
            "2",
            "-q",
            "-o",
            "/nonexistent/x",
        ])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean `hydraulic-pneumatic-demo`"));
}

/// One zone, 100 MW flat load, generator `a` (100 MW, FOR 0.1) and the
/// asset `b` (100 MW, never fails). Without `b`: LOLE = 0.1 × hours. With
/// `b`, any added load up to 100 MW fails only when `a` is out — the same
/// hours as without `b` (common random numbers: `a` has the same outages) —
/// and more than 100 MW fails every hour. So the ELCC of `b` is exactly
/// 100 MW (within the bisection tolerance) and its capacity credit 100 %.
#[test]
fn elcc_of_a_perfect_unit_is_its_nameplate() {
    let tmp = tempfile::tempdir().expect("tmp");
    let text = r#"[scenario]
name = "elcc"
study_year = 2030
horizon_h = 200

[[zone]]
name = "z"
latitude_deg = 38.0
longitude_deg = 105.0
utc_offset_h = 8

[[generator]]
name = "a"
zone = "z"
capacity_mw = 100
forced_outage_rate_pu = 0.1
mttr_h = 5

[[generator]]
name = "b"
zone = "z"
capacity_mw = 100
forced_outage_rate_pu = 0

[[load]]
name = "base"
zone = "z"
mw = 100
"#;
    let s = tmp.path().join("s.toml");
    std::fs::write(&s, text).expect("write");
    let out = tmp.path().join("elcc");
    ok(
        &[
            "elcc",
            s.to_str().unwrap(),
            "--asset",
            "generator.b.capacity_mw",
            "--zone",
            "z",
            "--tolerance",
            "1",
            "-n",
            "40",
        ],
        &out,
    );
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("elcc.json")).unwrap()).unwrap();
    let e = &v["elcc"];
    let mw = e["elcc_mw"].as_f64().unwrap();
    assert!((99.0..=100.0).contains(&mw), "ELCC {mw}");
    let base = e["baseline"].as_f64().unwrap();
    assert!((base - 20.0).abs() < 3.0 * e["baseline_std_error"].as_f64().unwrap() + 1.0, "LOLE ≈ 0.1 × 200 h: {base}");
}

#[test]
fn sweep_and_size_agree_on_the_same_grid() {
    let tmp = tempfile::tempdir().expect("tmp");
    let s = scenario(tmp.path());
    let sw = tmp.path().join("sweep");
    ok(&["sweep", s.to_str().unwrap(), "--vary", "line.uhvdc-800kv.circuit_mw=0:6000:1500", "-n", "6"], &sw);
    let util: Vec<(f64, f64)> = csv_rows(&sw.join("sweep.csv"))
        .iter()
        .filter(|r| &r[2] == "system.utilisation_rate")
        .map(|r| (r[1].parse().unwrap(), r[4].parse().unwrap()))
        .collect();
    let threshold = 0.5 * (util[1].1 + util[3].1); // between two grid points
    let sz = tmp.path().join("size");
    ok(
        &[
            "size",
            s.to_str().unwrap(),
            "--capacity",
            "line.uhvdc-800kv.circuit_mw=0:6000",
            "--target",
            &format!("system.utilisation_rate.mean >= {threshold}"),
            "--tolerance",
            "50",
            "-n",
            "6",
        ],
        &sz,
    );
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(sz.join("size.json")).unwrap()).unwrap();
    let answer = v["sizing"]["answer"].as_f64().expect("answer");
    // The sweep's last failing and first meeting grid points bracket the answer.
    let fail = util.iter().filter(|(_, u)| *u < threshold).map(|(x, _)| *x).fold(f64::MIN, f64::max);
    let meet = util.iter().filter(|(_, u)| *u >= threshold).map(|(x, _)| *x).fold(f64::MAX, f64::min);
    assert!(fail < answer && answer <= meet, "{fail} < {answer} ≤ {meet}");
}

/// Hand case for `size`: a 100 MW flat load served only by a generator that
/// never fails: unserved energy is zero exactly when capacity ≥ 100 MW, so
/// the smallest capacity meeting `unserved_mwh.mean <= 0` is 100 MW.
#[test]
fn size_finds_a_threshold_computed_by_hand() {
    let tmp = tempfile::tempdir().expect("tmp");
    let text = "[scenario]\nname = \"hand\"\nstudy_year = 2030\nhorizon_h = 24\n\n[[zone]]\nname = \"z\"\nlatitude_deg = 38.0\nlongitude_deg = 105.0\nutc_offset_h = 8\n\n[[generator]]\nname = \"g\"\nzone = \"z\"\ncapacity_mw = 10\nforced_outage_rate_pu = 0\n\n[[load]]\nname = \"l\"\nzone = \"z\"\nmw = 100\n";
    let s = tmp.path().join("s.toml");
    std::fs::write(&s, text).expect("write");
    let out = tmp.path().join("size");
    ok(
        &[
            "size",
            s.to_str().unwrap(),
            "--capacity",
            "generator.g.capacity_mw=0:300",
            "--target",
            "system.unserved_mwh.mean <= 0",
            "--tolerance",
            "0.5",
            "-n",
            "3",
        ],
        &out,
    );
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("size.json")).unwrap()).unwrap();
    let answer = v["sizing"]["answer"].as_f64().expect("answer");
    assert!((100.0..100.5).contains(&answer), "{answer}");
}
