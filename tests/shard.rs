//! Shard and merge: `run --shard K/N` on every shard, then `merge`, must
//! write exactly what one run writes (timing fields aside), for several N
//! including N larger than the sample count; merge refuses partial results
//! that do not belong together, naming what differs or is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_renewplan"))
}

/// The bundled base scenario shortened to 10 days (keeps the test fast).
fn scenario(dir: &Path) -> PathBuf {
    let text =
        renewplan::model::scenario::DEFAULT_SCENARIO.replace("study_year = 2030", "study_year = 2030\nhorizon_h = 240");
    let p = dir.join("s.toml");
    std::fs::write(&p, text).expect("write scenario");
    p
}

fn run(args: &[&str]) -> std::process::Output {
    let out = bin().args(args).output().expect("run renewplan");
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn summary_without_timing(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("summary.json")).expect("summary.json");
    let mut v: serde_json::Value = serde_json::from_str(&text).expect("json");
    v.as_object_mut().expect("object").remove("timing");
    v
}

fn shards(tmp: &Path, scen: &Path, samples: u64, n: u64, seed: u64) -> Vec<PathBuf> {
    (1..=n)
        .map(|k| {
            let d = tmp.join(format!("n{n}-s{seed}-k{k}"));
            run(&[
                "run",
                scen.to_str().unwrap(),
                "-n",
                &samples.to_string(),
                "--seed",
                &seed.to_string(),
                "--shard",
                &format!("{k}/{n}"),
                "-q",
                "-o",
                d.to_str().unwrap(),
            ]);
            d
        })
        .collect()
}

#[test]
fn merged_shards_equal_one_run() {
    let tmp = tempfile::tempdir().expect("tmp");
    let scen = scenario(tmp.path());
    let samples = 7;
    let full = tmp.path().join("full");
    run(&["run", scen.to_str().unwrap(), "-n", "7", "--seed", "5", "-q", "-o", full.to_str().unwrap()]);
    for n in [1u64, 2, 3, 10] {
        let mut parts = shards(tmp.path(), &scen, samples, n, 5);
        parts.reverse(); // order of the arguments must not matter
        let merged = tmp.path().join(format!("merged-{n}"));
        let mut args = vec!["merge".to_string()];
        args.extend(parts.iter().map(|p| p.to_str().unwrap().to_string()));
        args.extend(["-o".to_string(), merged.to_str().unwrap().to_string()]);
        let out = bin().args(&args).output().expect("merge");
        assert!(out.status.success(), "merge N={n}: {}", String::from_utf8_lossy(&out.stderr));
        for f in ["samples.csv", "hourly-median.csv", "scenario.toml"] {
            assert_eq!(
                std::fs::read(full.join(f)).expect("full"),
                std::fs::read(merged.join(f)).expect("merged"),
                "{f} differs for N = {n}"
            );
        }
        assert_eq!(summary_without_timing(&full), summary_without_timing(&merged), "summary.json differs for N = {n}");
    }
}

fn merge_err(parts: &[PathBuf], out: &Path) -> String {
    let mut cmd = bin();
    cmd.arg("merge");
    for p in parts {
        cmd.arg(p);
    }
    let o = cmd.arg("-o").arg(out).output().expect("merge");
    assert_eq!(o.status.code(), Some(2), "merge should fail with 2: {}", String::from_utf8_lossy(&o.stdout));
    assert!(!out.exists(), "a refused merge must write nothing");
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn merge_refuses_partials_that_do_not_belong_together() {
    let tmp = tempfile::tempdir().expect("tmp");
    let scen = scenario(tmp.path());
    let a = shards(tmp.path(), &scen, 4, 2, 1);
    let out = tmp.path().join("out");
    // missing shard
    let e = merge_err(&a[..1], &out);
    assert!(e.contains("missing shard(s): 2/2"), "{e}");
    // duplicated shard
    let e = merge_err(&[a[0].clone(), a[0].clone(), a[1].clone()], &out);
    assert!(e.contains("shard 1/2 appears twice"), "{e}");
    // different seed
    let b = shards(tmp.path(), &scen, 4, 2, 2);
    let e = merge_err(&[a[0].clone(), b[1].clone()], &out);
    assert!(e.contains("different seeds (1 vs 2)"), "{e}");
    // different shard count
    let c = shards(tmp.path(), &scen, 4, 3, 1);
    let e = merge_err(&[a[0].clone(), c[1].clone(), c[2].clone()], &out);
    assert!(e.contains("different shard counts"), "{e}");
    // different scenario
    let other = tmp.path().join("other");
    std::fs::create_dir_all(&other).expect("dir");
    let text = std::fs::read_to_string(&scen).expect("read").replace("mw = 28", "mw = 29");
    std::fs::write(other.join("s.toml"), text).expect("write");
    let d = shards(&other, &other.join("s.toml"), 4, 2, 1);
    let e = merge_err(&[a[0].clone(), d[1].clone()], &out);
    assert!(e.contains("different scenarios"), "{e}");
    // different program version
    let pj = a[1].join("partial.json");
    let text = std::fs::read_to_string(&pj).expect("read");
    let v = env!("CARGO_PKG_VERSION");
    std::fs::write(&pj, text.replace(&format!("\"program_version\": \"{v}\""), "\"program_version\": \"0.0.0-other\""))
        .expect("write");
    let e = merge_err(&a, &out);
    assert!(e.contains("was written by renewplan 0.0.0-other"), "{e}");
}

#[test]
fn bad_shard_specifications_are_usage_errors() {
    for spec in ["0/3", "4/3", "1/0", "x", "1-3"] {
        let o =
            bin().args(["run", "-n", "2", "--shard", spec, "-q", "-o", "/nonexistent/never"]).output().expect("run");
        assert_eq!(o.status.code(), Some(2), "{spec}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("K/N"), "{spec}");
    }
}
