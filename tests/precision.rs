//! `--target-rse`: seeded batches until the relative standard error of a
//! metric meets the target or the cap is reached; reproducible, says why it
//! stopped, and equals a plain run of the final sample count.

use std::path::Path;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_renewplan"))
}

fn scenario(dir: &Path) -> std::path::PathBuf {
    let text =
        renewplan::model::scenario::DEFAULT_SCENARIO.replace("study_year = 2030", "study_year = 2030\nhorizon_h = 336");
    let p = dir.join("s.toml");
    std::fs::write(&p, text).expect("write");
    p
}

fn run(args: &[&str], out: &Path) -> serde_json::Value {
    let o = bin().args(args).arg("-q").arg("-o").arg(out).output().expect("run");
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).expect("summary")).expect("json")
}

#[test]
fn precision_target_is_met_reproducibly_and_matches_a_plain_run() {
    let tmp = tempfile::tempdir().expect("tmp");
    let s = scenario(tmp.path());
    let s = s.to_str().unwrap();
    let args = ["run", s, "--target-rse", "0.005", "--batch", "10", "--max-samples", "2000"];
    let a = run(&args, &tmp.path().join("a"));
    let b = run(&args, &tmp.path().join("b"));
    let stop = &a["stopping"];
    let n = stop["samples"].as_u64().unwrap();
    assert!(stop["reason"].as_str().unwrap().starts_with("target met"), "{stop}");
    assert!(stop["achieved_rse"].as_f64().unwrap() <= 0.005);
    assert_eq!(n % 10, 0, "whole batches");
    assert_eq!(a["stopping"], b["stopping"]);
    let bytes = |d: &str| std::fs::read(tmp.path().join(d).join("samples.csv")).expect("csv");
    assert_eq!(bytes("a"), bytes("b"));
    // The metric's own estimate agrees with the stop rule.
    let m = a["metrics"].as_array().unwrap().iter().find(|m| m["key"] == "system.utilisation_rate").unwrap();
    let rse = m["std_error"].as_f64().unwrap() / m["mean"].as_f64().unwrap().abs();
    assert!(rse <= 0.005 && (rse - stop["achieved_rse"].as_f64().unwrap()).abs() < 1e-12);
    // One batch fewer would not have met the target (otherwise it would have stopped there).
    if n > 10 {
        let c = run(&["run", s, "-n", &(n - 10).to_string()], &tmp.path().join("c"));
        let m = c["metrics"].as_array().unwrap().iter().find(|m| m["key"] == "system.utilisation_rate").unwrap();
        assert!(m["std_error"].as_f64().unwrap() / m["mean"].as_f64().unwrap().abs() > 0.005);
    }
    // Same rows as a plain run of n samples.
    run(&["run", s, "-n", &n.to_string()], &tmp.path().join("d"));
    assert_eq!(bytes("a"), bytes("d"));
}

#[test]
fn a_zero_mean_metric_runs_to_the_cap_and_says_so() {
    let tmp = tempfile::tempdir().expect("tmp");
    let s = scenario(tmp.path());
    let a = run(
        &[
            "run",
            s.to_str().unwrap(),
            "--target-rse",
            "0.01",
            "--target-metric",
            "system.unserved_mwh",
            "--batch",
            "5",
            "--max-samples",
            "15",
        ],
        &tmp.path().join("a"),
    );
    assert_eq!(a["stopping"]["samples"], 15);
    assert!(a["stopping"]["reason"].as_str().unwrap().contains("the mean is 0"), "{}", a["stopping"]);
}

#[test]
fn bad_precision_options_are_usage_errors() {
    for args in [
        vec!["run", "--target-rse", "0", "-q"],
        vec!["run", "--target-rse", "0.01", "-n", "10", "-q"],
        vec!["run", "--target-rse", "0.01", "--target-metric", "system.nope", "-q"],
    ] {
        let o = bin().args(&args).arg("-o").arg("/nonexistent/never").output().expect("run");
        assert_eq!(o.status.code(), Some(2), "{args:?}");
    }
}
