//! The `renewplan` command line: help and version, `validate` on the bundled
//! scenarios, `run` and its result files, results independent of `-j`, and
//! bad input: exit status 2 with a message naming the file, line and key,
//! and no output directory left behind.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_renewplan"))
}

/// A small valid scenario (48 hours) that the bad cases below change in one place.
const OK: &str = r#"[scenario]
name = "cli-test"
study_year = 2030
horizon_h = 48

[[zone]]
name = "north"
latitude_deg = 38.0
longitude_deg = 105.0
utc_offset_h = 8

[[external_grid]]
name = "grid"
max_export_mw = 500

[[site]]
name = "north"
latitude_deg = 38.0
longitude_deg = 105.0

[[wind_fleet]]
name = "wind"
zone = "north"
site = "north"
capacity_mw = 300

[[storage]]
name = "battery"
zone = "north"
charge_mw = 50
energy_mwh = 200
round_trip_efficiency_pu = 0.85
soc_min_pu = 0.1
soc_max_pu = 0.9

[[load]]
name = "town"
zone = "north"
mw = 40

[[line]]
name = "tie"
from = "north"
to = "grid"
circuits = 2
circuit_mw = 200
"#;

/// `OK` with `old` (which must occur exactly once) replaced by `new`.
fn mutate(old: &str, new: &str) -> String {
    assert_eq!(OK.matches(old).count(), 1, "`{old}` must occur once in the base scenario");
    OK.replace(old, new)
}

/// 1-based number of the first line of `text` that contains `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("`{needle}` not in text")) + 1
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

/// Both `validate FILES` and `run FILES -o out` must fail with status 2 and a
/// message containing every one of `parts`, and `run` must leave nothing
/// behind in `dir` (no `out`, no temporary directory).
fn assert_rejected(dir: &Path, files: &[&str], parts: &[String]) -> String {
    let before = names_in(dir);
    let mut stderr = String::new();
    for sub in [vec!["validate"], vec!["run", "-q", "-n", "2", "-o", "out"]] {
        let mut args: Vec<&str> = sub.clone();
        args.extend_from_slice(files);
        let out = bin().args(&args).current_dir(dir).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "`renewplan {}` exit status; stderr:\n{err}", args.join(" "));
        for p in parts {
            assert!(err.contains(p.as_str()), "`renewplan {}`: stderr lacks `{p}`:\n{err}", args.join(" "));
        }
        assert!(!err.contains("panicked"), "`renewplan {}` panicked:\n{err}", args.join(" "));
        stderr = err;
    }
    assert!(!dir.join("out").exists(), "a rejected run created its output directory");
    assert_eq!(names_in(dir), before, "a rejected run left files behind");
    stderr
}

/// Write `text` as `bad.toml` next to nothing else, check that it is rejected
/// with a message naming the file at the line of `at` and containing `parts`.
fn rejected(text: &str, at: &str, parts: &[&str]) -> String {
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "bad.toml", text);
    let mut all: Vec<String> = parts.iter().map(|s| s.to_string()).collect();
    all.push(format!("bad.toml:{}:", line_of(text, at)));
    assert_rejected(tmp.path(), &["bad.toml"], &all)
}

// ---------------------------------------------------------------- basics

#[test]
fn help_and_version() {
    bin().arg("--help").assert().success().stdout(
        predicate::str::contains("Usage")
            .and(predicate::str::contains("run"))
            .and(predicate::str::contains("validate")),
    );
    bin()
        .args(["run", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--samples").and(predicate::str::contains("--threads")));
    bin().arg("--version").assert().success().stdout(format!("renewplan {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn bundled_scenarios_validate() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| format!("scenarios/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let out = bin().arg("validate").args(&files).current_dir(env!("CARGO_MANIFEST_DIR")).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for f in &files {
        assert!(stdout.contains(&format!("{f}: ok")), "no `ok` for {f}:\n{stdout}");
    }
}

#[test]
fn the_small_scenario_of_these_tests_is_valid() {
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "ok.toml", OK);
    bin().args(["validate", "ok.toml"]).current_dir(tmp.path()).assert().success();
}

#[test]
fn run_writes_the_result_files() {
    let tmp = TempDir::new().unwrap();
    bin()
        .args(["run", "-n", "8", "-o", "res", "-q"])
        .current_dir(tmp.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("results written to res"));
    assert_eq!(names_in(tmp.path()), vec!["res"], "only the output directory is left");
    let res = tmp.path().join("res");
    assert_eq!(
        names_in(&res),
        vec![
            ".renewplan-manifest.json",
            "charts",
            "hourly-median.csv",
            "report.html",
            "samples.csv",
            "scenario.toml",
            "summary.json"
        ]
    );
    assert!(res.join("charts/utilisation-distribution.png").exists() && res.join("charts/capacity.svg").exists());
    let read = |f: &str| std::fs::read_to_string(res.join(f)).unwrap();
    let samples = read("samples.csv");
    assert_eq!(samples.lines().count(), 9, "header and 8 samples");
    assert!(samples.starts_with("sample,system."));
    for (i, l) in samples.lines().skip(1).enumerate() {
        assert!(l.starts_with(&format!("{i},")), "row {i}: {l}");
    }
    let hourly = read("hourly-median.csv");
    assert_eq!(hourly.lines().count(), 8761, "header and 8760 hours of 2030");
    assert!(hourly.starts_with("hour,month,day_of_year,hour_of_day,"));
    assert_eq!(read("scenario.toml"), renewplan::model::scenario::DEFAULT_SCENARIO);
    let summary: serde_json::Value = serde_json::from_str(&read("summary.json")).unwrap();
    assert_eq!(summary["run"]["samples"], 8);
    assert_eq!(summary["scenario"]["name"], "alxa-2030-base");
    assert_eq!(summary["program"]["version"], env!("CARGO_PKG_VERSION"));
    let metrics = summary["metrics"].as_array().unwrap();
    assert_eq!(metrics.len(), samples.lines().next().unwrap().split(',').count() - 1, "a summary per column");
    let util = metrics.iter().find(|m| m["key"] == "system.utilisation_rate").expect("utilisation rate");
    for k in ["mean", "std_error", "p5", "p10", "p50", "p90", "p95"] {
        assert!(util[k].is_number(), "utilisation rate lacks {k}");
    }
}

#[test]
fn charts_option_chooses_the_chart_files() {
    let tmp = TempDir::new().unwrap();
    let ok = write(tmp.path(), "ok.toml", OK);
    let run = |formats: &str, out: &str| {
        bin().args(["run", "-n", "2", "-q", "--charts", formats, "-o", out]).arg(&ok).current_dir(tmp.path()).assert()
    };
    run("none", "none").success();
    let none = tmp.path().join("none");
    assert!(!none.join("charts").exists(), "no chart files with --charts none");
    let page = std::fs::read_to_string(none.join("report.html")).unwrap();
    assert!(page.contains("No charts were drawn") && page.contains("Key results"));
    run("svg", "svg").success();
    let charts = names_in(&tmp.path().join("svg/charts"));
    assert!(!charts.is_empty() && charts.iter().all(|n| n.ends_with(".svg")), "{charts:?}");
    run("png", "png").success();
    let charts = names_in(&tmp.path().join("png/charts"));
    assert!(!charts.is_empty() && charts.iter().all(|n| n.ends_with(".png")), "{charts:?}");
    run("jpeg", "bad").code(2).stderr(predicate::str::contains("none, svg, png, all"));
    assert!(!tmp.path().join("bad").exists());
}

#[test]
fn lang_zh_writes_the_report_in_chinese() {
    let tmp = TempDir::new().unwrap();
    let ok = write(tmp.path(), "ok.toml", OK);
    bin()
        .args(["run", "-n", "2", "-q", "--charts", "none", "--lang", "zh", "-o", "zh"])
        .arg(&ok)
        .current_dir(tmp.path())
        .assert()
        .success();
    let page = std::fs::read_to_string(tmp.path().join("zh/report.html")).unwrap();
    for needle in [
        "lang=\"zh-CN\"",
        "主要结果",
        "新能源利用率",
        "弃风弃光电量",
        "外送电量",
        "制氢量",
        "经济性",
        "度电成本",
        "假设：价格与造价",
    ] {
        assert!(page.contains(needle), "report lacks {needle}");
    }
    roxmltree::Document::parse_with_options(&page, roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() })
        .expect("well-formed");
    bin()
        .args(["run", "-n", "2", "-q", "--lang", "fr", "-o", "fr"])
        .arg(&ok)
        .current_dir(tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("en, zh"));
}

/// summary.json without its timing (wall-clock time and thread count).
fn summary_without_timing(dir: &Path) -> serde_json::Value {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    v.as_object_mut().unwrap().remove("timing");
    v
}

#[test]
fn thread_count_does_not_change_the_files() {
    let tmp = TempDir::new().unwrap();
    // 40 samples: two blocks of the engine, so that two threads split the work.
    for (j, out) in [("1", "one"), ("2", "two")] {
        bin().args(["run", "-n", "40", "-j", j, "-o", out, "-q"]).current_dir(tmp.path()).assert().success();
    }
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    for f in ["samples.csv", "hourly-median.csv", "scenario.toml"] {
        let (a, b) = (std::fs::read(one.join(f)).unwrap(), std::fs::read(two.join(f)).unwrap());
        assert!(a == b, "{f} differs between -j 1 and -j 2");
    }
    assert_eq!(summary_without_timing(&one), summary_without_timing(&two), "summary.json differs beyond timing");
}

#[test]
fn several_scenarios_get_one_subdirectory_each() {
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "a.toml", OK);
    write(tmp.path(), "b.toml", &OK.replace("name = \"cli-test\"", "name = \"cli-test-b\""));
    bin().args(["run", "a.toml", "b.toml", "-n", "2", "-o", "res", "-q"]).current_dir(tmp.path()).assert().success();
    assert_eq!(names_in(&tmp.path().join("res")), vec!["cli-test", "cli-test-b"]);
    let hourly = std::fs::read_to_string(tmp.path().join("res/cli-test/hourly-median.csv")).unwrap();
    assert_eq!(hourly.lines().count(), 49, "header and 48 hours");
}

#[test]
fn scenarios_with_the_same_name_do_not_overwrite_each_other() {
    let tmp = TempDir::new().unwrap();
    let b = OK.replace("max_export_mw = 500", "max_export_mw = 100");
    write(tmp.path(), "a.toml", OK);
    write(tmp.path(), "b.toml", &b);
    let out =
        bin().args(["run", "a.toml", "b.toml", "-n", "2", "-o", "res", "-q"]).current_dir(tmp.path()).output().unwrap();
    if out.status.code() == Some(2) {
        // Refusing the ambiguity is fine, if it says why and writes nothing.
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("cli-test"), "{err}");
        assert!(!tmp.path().join("res").exists());
        return;
    }
    assert!(out.status.success());
    // Otherwise each scenario's input must be found in its own result directory.
    let res = tmp.path().join("res");
    let kept: Vec<String> =
        names_in(&res).iter().map(|d| std::fs::read_to_string(res.join(d).join("scenario.toml")).unwrap()).collect();
    assert!(kept.contains(&OK.to_string()), "the first scenario's results were overwritten");
    assert!(kept.contains(&b), "the second scenario's results are missing");
}

// ---------------------------------------------------------------- bad input

#[test]
fn misspelt_key_suggests_the_right_one() {
    let text = mutate("capacity_mw = 300", "capcity_mw = 300");
    rejected(&text, "capcity_mw", &["capcity_mw", "did you mean `capacity_mw`?"]);
}

#[test]
fn negative_capacity_names_its_key() {
    let text = mutate("capacity_mw = 300", "capacity_mw = -300");
    rejected(&text, "capacity_mw = -300", &["wind_fleet[0].capacity_mw", "negative"]);
}

#[test]
fn unknown_zone_lists_the_zones() {
    let text = mutate("name = \"wind\"\nzone = \"north\"", "name = \"wind\"\nzone = \"sauth\"");
    let err = rejected(&text, "zone = \"sauth\"", &["wind_fleet[0].zone", "`sauth`"]);
    assert!(err.contains("accepted") && err.contains("north"), "accepted zones not listed:\n{err}");
}

#[test]
fn efficiency_in_percent_is_recognised() {
    let text = mutate("round_trip_efficiency_pu = 0.85", "round_trip_efficiency_pu = 85");
    rejected(&text, "round_trip_efficiency_pu = 85", &["storage[0].round_trip_efficiency_pu", "percentage", "0.85"]);
}

#[test]
fn soc_min_equal_to_soc_max_is_rejected() {
    let text = mutate("soc_min_pu = 0.1", "soc_min_pu = 0.9");
    rejected(&text, "soc_min_pu = 0.9", &["storage[0].soc_min_pu", "soc_max_pu"]);
}

#[test]
fn soc_min_above_soc_max_is_rejected() {
    let text = mutate("soc_min_pu = 0.1", "soc_min_pu = 0.95");
    rejected(&text, "soc_min_pu = 0.95", &["storage[0].soc_min_pu", "soc_max_pu"]);
}

#[test]
fn correlation_matrix_that_is_not_positive_definite() {
    // wind–cloud +0.9, cloud–temperature +0.9, wind–temperature −0.9: no joint
    // distribution has these (smallest eigenvalue −0.8).
    let text = OK.to_string()
        + r#"
[[correlation]]
a = "north.wind"
b = "north.cloud"
rho = 0.9

[[correlation]]
a = "north.cloud"
b = "north.temperature"
rho = 0.9

[[correlation]]
a = "north.wind"
b = "north.temperature"
rho = -0.9
"#;
    rejected(&text, "[[correlation]]", &["correlation", "not positive definite"]);
}

/// A 48-hour load series with `row(i)` as data row `i`.
fn load_csv(row: impl Fn(usize) -> String) -> String {
    let mut s = "hour,mw\n".to_string();
    for i in 0..48 {
        s += &row(i);
        s.push('\n');
    }
    s
}

#[test]
fn malformed_load_csv_names_the_csv_file_and_line() {
    let text = mutate("mw = 40", "csv = \"load.csv\"");
    // Data row 9 is line 11 of the file (header on line 1).
    let cases = [
        (load_csv(|i| if i == 9 { "9,abc".into() } else { format!("{i},40") }), "load.csv:11:", "`abc`"),
        (load_csv(|i| if i == 20 { "20,40,7".into() } else { format!("{i},40") }), "load.csv:22:", "malformed row"),
        (load_csv(|i| if i == 3 { "3,-5".into() } else { format!("{i},40") }), "load.csv:5:", "-5"),
        ("hour,mw\n0,40\n1,40\n".to_string(), "load.csv:", "48"),
    ];
    for (csv, at, what) in cases {
        let tmp = TempDir::new().unwrap();
        write(tmp.path(), "scenario.toml", &text);
        write(tmp.path(), "load.csv", &csv);
        assert_rejected(tmp.path(), &["scenario.toml"], &[at.to_string(), what.to_string(), "load[0].csv".to_string()]);
    }
    // The same scenario with a good series runs.
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "scenario.toml", &text);
    write(tmp.path(), "load.csv", &load_csv(|i| format!("{i},40")));
    bin().args(["validate", "scenario.toml"]).current_dir(tmp.path()).assert().success();
}

#[test]
fn missing_scenario_file() {
    let tmp = TempDir::new().unwrap();
    let err = assert_rejected(tmp.path(), &["no-such-scenario.toml"], &["no-such-scenario.toml".to_string()]);
    assert!(err.contains("cannot read"), "{err}");
}

#[test]
fn one_bad_scenario_stops_the_whole_run() {
    // Every scenario is resolved before any is simulated: a typo in the second
    // file costs no output for the first.
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "good.toml", OK);
    write(tmp.path(), "bad.toml", &mutate("capacity_mw = 300", "capacity_mw = -300"));
    assert_rejected(tmp.path(), &["good.toml", "bad.toml"], &["bad.toml:".to_string(), "negative".to_string()]);
}

#[test]
fn zero_samples_is_a_usage_error() {
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "ok.toml", OK);
    bin()
        .args(["run", "ok.toml", "-n", "0", "-o", "out", "-q"])
        .current_dir(tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--samples"));
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn existing_foreign_directory_is_kept_unless_forced() {
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "ok.toml", OK);
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    write(&out, "thesis.txt", "years of work");
    bin()
        .args(["run", "ok.toml", "-n", "2", "-o", "out", "-q"])
        .current_dir(tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a renewplan result").and(predicate::str::contains("--force")));
    assert_eq!(names_in(&out), vec!["thesis.txt"], "the foreign directory was touched");
    assert_eq!(names_in(tmp.path()), vec!["ok.toml", "out"], "a refused run left files behind");
    // With --force it is replaced.
    bin().args(["run", "ok.toml", "-n", "2", "-o", "out", "-q", "--force"]).current_dir(tmp.path()).assert().success();
    assert!(out.join("summary.json").exists());
    assert!(!out.join("thesis.txt").exists());
    // A previous result is replaced without --force.
    bin().args(["run", "ok.toml", "-n", "3", "-o", "out", "-q"]).current_dir(tmp.path()).assert().success();
    let samples = std::fs::read_to_string(out.join("samples.csv")).unwrap();
    assert_eq!(samples.lines().count(), 4);
    assert_eq!(names_in(tmp.path()), vec!["ok.toml", "out"]);
}
