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
