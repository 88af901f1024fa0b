//! `renewplan compare`: paired differences on common random numbers.

use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_renewplan"))
}

/// The base scenario, 20 days long, under another name and with `edit` applied.
fn variant(dir: &std::path::Path, name: &str, edit: impl Fn(String) -> String) -> std::path::PathBuf {
    let text = renewplan::model::scenario::DEFAULT_SCENARIO
        .replace("study_year = 2030", "study_year = 2030\nhorizon_h = 480")
        .replace("name = \"alxa-2030-base\"", &format!("name = \"{name}\""));
    let p = dir.join(format!("{name}.toml"));
    std::fs::write(&p, edit(text)).expect("write");
    p
}

fn rows(dir: &std::path::Path) -> Vec<serde_json::Value> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("compare.json")).expect("compare.json")).expect("json");
    v["rows"].as_array().expect("rows").clone()
}

fn row<'a>(rows: &'a [serde_json::Value], scenario: &str, metric: &str) -> &'a serde_json::Value {
    rows.iter().find(|r| r["scenario"] == scenario && r["metric"] == metric).expect("row")
}

#[test]
fn a_scenario_compared_with_itself_differs_by_exactly_zero() {
    let tmp = tempfile::tempdir().expect("tmp");
    let a = variant(tmp.path(), "a", |t| t);
    let b = variant(tmp.path(), "same-as-a", |t| t);
    let out = tmp.path().join("out");
    let o = bin()
        .args(["compare", a.to_str().unwrap(), b.to_str().unwrap(), "-n", "12", "-q", "-o"])
        .arg(&out)
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = rows(&out);
    let n = rows.iter().filter(|r| r["scenario"] == "same-as-a").count();
    assert!(n > 50, "expected every metric, got {n}");
    for r in rows.iter().filter(|r| r["scenario"] == "same-as-a") {
        for k in ["diff_mean", "diff_std_error", "diff_ci95_low", "diff_ci95_high"] {
            assert_eq!(r[k].as_f64(), Some(0.0), "{} {k}", r["metric"]);
        }
    }
    assert!(out.join("a/summary.json").exists() && out.join("same-as-a/samples.csv").exists());
    assert!(out.join("compare.csv").exists());
}

#[test]
fn pairing_reduces_variance_on_a_real_variant() {
    let tmp = tempfile::tempdir().expect("tmp");
    let a = variant(tmp.path(), "base", |t| t);
    // 20 % more export capacity on the 500 kV corridor.
    let b = variant(tmp.path(), "bigger-corridor", |t| {
        t.replace("capacity_by_circuits_up_mw = [0, 1500, 2400]", "capacity_by_circuits_up_mw = [0, 1800, 2880]")
    });
    let out = tmp.path().join("out");
    let o = bin()
        .args(["compare", a.to_str().unwrap(), b.to_str().unwrap(), "-n", "16", "-q", "-o"])
        .arg(&out)
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = rows(&out);
    let r = row(&rows, "bigger-corridor", "system.export_mwh");
    let (d, lo, hi) =
        (r["diff_mean"].as_f64().unwrap(), r["diff_ci95_low"].as_f64().unwrap(), r["diff_ci95_high"].as_f64().unwrap());
    assert!(d > 0.0 && lo > 0.0 && lo <= d && d <= hi, "more corridor exports more: {d} [{lo}, {hi}]");
    let vr = r["variance_reduction"].as_f64().unwrap();
    assert!(vr > 0.5, "pairing should remove most of the variance of the difference, got {vr}");
    // Assets untouched by the change see identical draws: zero difference.
    let w = row(&rows, "bigger-corridor", "wind.luanjingtan-wind.available_mwh");
    assert_eq!(w["diff_mean"].as_f64(), Some(0.0));
}

#[test]
fn compare_needs_two_scenarios() {
    let o = bin().args(["compare", "scenarios/alxa-2030-base.toml", "-q"]).output().expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("at least one other"));
}
