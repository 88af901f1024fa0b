//! Issue 15, safe by construction: a scenario's name never decides a path
//! outside `--out`; a manifest decides what may be replaced or redrawn, and
//! nothing renewplan did not write is deleted; every output path is checked
//! before simulating; input files are regular and bounded; `merge` checks
//! every field and file of every shard; `--reproduce` checks every file;
//! user-fixable path problems exit with status 2.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_renewplan"))
}

/// A small valid scenario (48 hours).
const OK: &str = r#"[scenario]
name = "safe-test"
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

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn named(name: &str) -> String {
    OK.replace("name = \"safe-test\"", &format!("name = {}", toml_string(name)))
}

fn toml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

/// Run and expect exit status 2 without a panic; returns stderr.
fn refused(cmd: &mut Command) -> String {
    let o = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "exit status; stderr:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn ok(cmd: &mut Command) -> String {
    let o = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "failed ({}):\n{err}", o.status);
    err
}

// ------------------------------------------------------- names and paths

#[test]
fn scenario_names_never_leave_the_output_directory() {
    let tmp = TempDir::new().unwrap();
    let victim = tmp.path().join("victim");
    std::fs::create_dir(&victim).unwrap();
    write(&victim, "summary.json", "{}");
    write(&victim, "notes.txt", "mine");
    write(tmp.path(), "a.toml", &named("../escaped"));
    write(tmp.path(), "b.toml", &named(victim.to_str().unwrap()));
    let err = ok(bin().args(["run", "a.toml", "b.toml", "-n", "2", "-o", "res", "-q"]).current_dir(tmp.path()));
    assert!(err.contains("not a plain directory name"), "{err}");
    assert_eq!(names_in(tmp.path()), vec!["a.toml", "b.toml", "res", "victim"], "nothing written beside res");
    let res = names_in(&tmp.path().join("res"));
    assert_eq!(res.len(), 2);
    assert!(res.contains(&"___escaped".to_string()), "{res:?}");
    assert_eq!(names_in(&victim), vec!["notes.txt", "summary.json"]);
    assert_eq!(std::fs::read_to_string(victim.join("summary.json")).unwrap(), "{}");
    // compare: the same names become subdirectories of --out.
    ok(bin().args(["compare", "a.toml", "b.toml", "-n", "2", "-o", "cmp", "-q"]).current_dir(tmp.path()));
    assert_eq!(std::fs::read_to_string(victim.join("summary.json")).unwrap(), "{}", "compare wrote into victim");
    assert!(tmp.path().join("cmp/___escaped/summary.json").exists());
    assert!(!tmp.path().join("escaped").exists());
}

#[test]
fn names_that_become_the_same_directory_are_refused() {
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "a.toml", &named("a/b"));
    write(tmp.path(), "b.toml", &named("a:b"));
    let err = refused(bin().args(["run", "a.toml", "b.toml", "-n", "2", "-o", "res", "-q"]).current_dir(tmp.path()));
    assert!(err.contains("share one directory `a_b`"), "{err}");
    assert!(!tmp.path().join("res").exists());
}

#[test]
fn every_output_directory_is_checked_before_the_first_is_written() {
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "a.toml", &named("first"));
    write(tmp.path(), "b.toml", &named("second"));
    std::fs::create_dir_all(tmp.path().join("res/second")).unwrap();
    write(&tmp.path().join("res/second"), "thesis.txt", "years of work");
    let err = refused(bin().args(["run", "a.toml", "b.toml", "-n", "2", "-o", "res", "-q"]).current_dir(tmp.path()));
    assert!(err.contains("res/second") && err.contains("--force"), "{err}");
    assert_eq!(names_in(&tmp.path().join("res")), vec!["second"], "the first result was written before the refusal");
}

#[test]
fn a_foreign_out_is_refused_before_simulating() {
    // 10 million samples would take hours: the refusal must come first.
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "a.toml", OK);
    std::fs::create_dir(tmp.path().join("out")).unwrap();
    write(&tmp.path().join("out"), "thesis.txt", "years of work");
    let err = refused(bin().args(["run", "a.toml", "-n", "10000000", "-o", "out", "-q"]).current_dir(tmp.path()));
    assert!(err.contains("not a renewplan result"), "{err}");
    write(tmp.path(), "b.toml", &named("other"));
    let err =
        refused(bin().args(["compare", "a.toml", "b.toml", "-n", "10000000", "-o", "out"]).current_dir(tmp.path()));
    assert!(err.contains("not a renewplan result"), "{err}");
}

#[test]
fn user_fixable_output_paths_exit_with_status_2() {
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "a.toml", OK);
    let run = |out: &str, force: bool| {
        let mut c = bin();
        c.args(["run", "a.toml", "-n", "2", "-q", "-o", out]).current_dir(tmp.path());
        if force {
            c.arg("--force");
        }
        c
    };
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("nowhere", tmp.path().join("dangling")).unwrap();
        std::os::unix::fs::symlink("loop", tmp.path().join("loop")).unwrap();
        std::fs::create_dir(tmp.path().join("real")).unwrap();
        std::os::unix::fs::symlink("real", tmp.path().join("link")).unwrap();
        for link in ["dangling", "loop", "link"] {
            let err = refused(&mut run(link, false));
            assert!(err.contains("symbolic link"), "{link}: {err}");
            let err = refused(&mut run(link, true));
            assert!(err.contains("symbolic link"), "{link} --force: {err}");
        }
        assert!(tmp.path().join("link").symlink_metadata().unwrap().file_type().is_symlink(), "link replaced");
        assert_eq!(names_in(&tmp.path().join("real")), Vec::<String>::new());
    }
    for dot in [".", "..", "./", "res/.."] {
        let err = refused(&mut run(dot, true));
        assert!(err.contains("must name a directory") || err.contains("current directory"), "{dot}: {err}");
    }
    write(tmp.path(), "file", "x");
    let err = refused(&mut run("file/out", false));
    assert!(err.contains("not a directory"), "{err}");
    // 250 characters: a valid name, whose temporary sibling must fit too.
    let long = "d".repeat(250);
    ok(&mut run(&long, false));
    assert!(tmp.path().join(&long).join("summary.json").exists());
    let err = refused(&mut run(&"d".repeat(256), false));
    assert!(err.contains("at most 255"), "{err}");
    // Nothing but the results and the inputs is left.
    let mut left = names_in(tmp.path());
    left.retain(|n| n.starts_with(".renewplan"));
    assert!(left.is_empty(), "temporaries left: {left:?}");
}

#[test]
fn merge_to_an_unwritable_path_is_a_usage_error() {
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "a.toml", OK);
    ok(bin().args(["run", "a.toml", "-n", "4", "--shard", "1/1", "-q", "-o", "p1"]).current_dir(tmp.path()));
    for out in ["/proc/renewplan-merge", "a.toml/merged"] {
        let err = refused(bin().args(["merge", "p1", "-o", out]).current_dir(tmp.path()));
        assert!(err.contains("--out"), "{out}: {err}");
    }
}

// ------------------------------------------------------------- manifest

#[test]
fn only_an_unchanged_renewplan_result_is_replaced_without_force() {
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "a.toml", OK);
    let run = || {
        let mut c = bin();
        c.args(["run", "a.toml", "-n", "2", "-q", "-o", "out"]).current_dir(tmp.path());
        c
    };
    let out = tmp.path().join("out");
    // A directory merely holding a summary.json is not a result.
    std::fs::create_dir(&out).unwrap();
    write(&out, "summary.json", "{}");
    write(&out, "thesis.txt", "years of work");
    let err = refused(&mut run());
    assert!(err.contains(".renewplan-manifest.json") && err.contains("--force"), "{err}");
    assert_eq!(names_in(&out), vec!["summary.json", "thesis.txt"]);
    std::fs::remove_dir_all(&out).unwrap();
    // A result is replaced again and again.
    ok(&mut run());
    assert!(out.join(".renewplan-manifest.json").exists());
    ok(&mut run());
    // ... but not with a file renewplan did not write in it,
    write(&out, "notes.txt", "mine");
    let err = refused(&mut run());
    assert!(err.contains("notes.txt") && err.contains("did not write"), "{err}");
    assert!(out.join("notes.txt").exists());
    std::fs::remove_file(out.join("notes.txt")).unwrap();
    // nor with a file changed since,
    let p = out.join("hourly-median.csv");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, text.replace(',', ";")).unwrap();
    let err = refused(&mut run());
    assert!(err.contains("hourly-median.csv was changed"), "{err}");
    // nor an older result without a manifest.
    ok(bin().args(["run", "a.toml", "-n", "2", "-q", "-o", "out", "--force"]).current_dir(tmp.path()));
    std::fs::remove_file(out.join(".renewplan-manifest.json")).unwrap();
    let err = refused(&mut run());
    assert!(err.contains("no .renewplan-manifest.json"), "{err}");
}

#[test]
fn chart_redraws_only_what_renewplan_drew() {
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "a.toml", OK);
    ok(bin().args(["run", "a.toml", "-n", "3", "--hourly-sample", "1", "-q", "-o", "res"]).current_dir(tmp.path()));
    let res = tmp.path().join("res");
    write(&res, "notes.txt", "mine");
    let before = std::fs::read(res.join("hourly-sample-1.csv")).unwrap();
    std::fs::remove_file(res.join("charts/capacity.svg")).unwrap();
    ok(bin().args(["chart", "res"]).current_dir(tmp.path()));
    assert_eq!(std::fs::read(res.join("hourly-sample-1.csv")).unwrap(), before, "hourly-sample-1.csv lost");
    assert_eq!(std::fs::read_to_string(res.join("notes.txt")).unwrap(), "mine", "a user file was deleted");
    assert!(res.join("charts/capacity.svg").exists(), "not redrawn");
    // The manifest still describes the result: it may be replaced, except
    // for the user's file.
    let err = refused(bin().args(["run", "a.toml", "-n", "2", "-q", "-o", "res"]).current_dir(tmp.path()));
    assert!(err.contains("notes.txt"), "{err}");
    std::fs::remove_file(res.join("notes.txt")).unwrap();
    ok(bin().args(["run", "a.toml", "-n", "2", "-q", "-o", "res"]).current_dir(tmp.path()));
    // A chart the user edited is not overwritten.
    write(&res, "report.html", "my edits");
    let err = refused(bin().args(["chart", "res"]).current_dir(tmp.path()));
    assert!(err.contains("report.html"), "{err}");
    assert_eq!(std::fs::read_to_string(res.join("report.html")).unwrap(), "my edits");
    // Without a manifest only with --force.
    std::fs::remove_file(res.join(".renewplan-manifest.json")).unwrap();
    let err = refused(bin().args(["chart", "res"]).current_dir(tmp.path()));
    assert!(err.contains("--force"), "{err}");
    ok(bin().args(["chart", "res", "--force"]).current_dir(tmp.path()));
    assert!(std::fs::read_to_string(res.join("report.html")).unwrap().contains("<html"));
}

#[test]
fn stale_temporaries_of_killed_runs_are_removed() {
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "a.toml", OK);
    // PID 4,294,967 is above Linux's PID limit: that process is gone.
    let dead = [".renewplan-tmp-4294967-1f", ".renewplan-old-4294967-2e", ".res.tmp-4294967-ab"];
    let young = ".renewplan-tmp-4294967-3d";
    let alive = format!(".renewplan-tmp-{}-4c", std::process::id());
    let not_ours = [".renewplan-tmp-notes", "res.tmp-4294967-ab"];
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for d in dead.iter().chain(not_ours.iter()).chain([&young, &alive.as_str()]) {
        std::fs::create_dir(tmp.path().join(d)).unwrap();
        write(&tmp.path().join(d), "samples.csv", "x");
        if *d != young {
            std::fs::File::open(tmp.path().join(d)).unwrap().set_modified(old).unwrap();
        }
    }
    ok(bin().args(["run", "a.toml", "-n", "2", "-q", "-o", "res"]).current_dir(tmp.path()));
    let left = names_in(tmp.path());
    for d in dead {
        assert!(!left.contains(&d.to_string()), "{d} left: {left:?}");
    }
    for d in not_ours.iter().chain([&young, &alive.as_str()]) {
        assert!(left.contains(&d.to_string()), "{d} removed: {left:?}");
    }
}

// -------------------------------------------------------------- inputs

#[test]
fn input_files_must_be_regular_files() {
    let tmp = TempDir::new().unwrap();
    let with_csv = |csv: &str| OK.replace("mw = 40\n", &format!("csv = {}\ncsv_column = \"mw\"\n", toml_string(csv)));
    write(tmp.path(), "zero.toml", &with_csv("/dev/zero"));
    let err = refused(bin().args(["validate", "zero.toml"]).current_dir(tmp.path()));
    assert!(err.contains("/dev/zero") && err.contains("not a regular file"), "{err}");
    #[cfg(unix)]
    {
        let fifo = tmp.path().join("fifo.csv");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
        if made {
            write(tmp.path(), "fifo.toml", &with_csv("fifo.csv"));
            let err = refused(bin().args(["validate", "fifo.toml"]).current_dir(tmp.path()));
            assert!(err.contains("not a regular file"), "{err}");
            let err = refused(bin().args(["validate", "fifo.csv"]).current_dir(tmp.path()));
            assert!(err.contains("not a regular file"), "{err}");
        }
    }
    let err = refused(bin().args(["validate", "/dev/zero"]));
    assert!(err.contains("not a regular file"), "{err}");
    std::fs::write(tmp.path().join("latin1.toml"), b"[scenario]\nname = \"caf\xe9\"\n").unwrap();
    let err = refused(bin().args(["validate", "latin1.toml"]).current_dir(tmp.path()));
    assert!(err.contains("line 2, column 12"), "{err}");
}

#[test]
fn a_huge_sweep_grid_is_refused_before_it_is_built() {
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "a.toml", OK);
    let err = refused(
        bin()
            .args(["sweep", "a.toml", "-n", "2", "-o", "sw", "--vary"])
            .args(["wind_fleet.wind.capacity_mw=0:9999:1", "--vary", "load.town.mw=0:9999:1"])
            .current_dir(tmp.path()),
    );
    assert!(err.contains("100000000 points") && err.contains("at most 10,000"), "{err}");
}

#[test]
fn a_tolerance_below_float_resolution_ends() {
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "a.toml", OK);
    ok(bin()
        .args(["size", "a.toml", "-n", "2", "-o", "sz", "-q", "--capacity", "wind_fleet.wind.capacity_mw=0:2000"])
        .args(["--target", "system.unserved_mwh.mean <= 1000", "--tolerance", "1e-14"])
        .current_dir(tmp.path()));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("sz/size.json")).unwrap()).unwrap();
    assert!(v["sizing"]["evaluations"].as_array().unwrap().len() > 10, "the bisection ran");
}

#[test]
fn threads_are_capped_with_a_warning() {
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "a.toml", OK);
    let err = ok(bin().args(["run", "a.toml", "-n", "2", "-q", "-o", "res", "-j", "100000"]).current_dir(tmp.path()));
    assert!(err.contains("warning: --threads 100000"), "{err}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("res/summary.json")).unwrap()).unwrap();
    assert!(summary["timing"]["threads"].as_u64().unwrap() < 100000);
}

#[test]
fn fit_weather_does_not_overwrite_its_input() {
    let tmp = TempDir::new().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pvgis_tmy_45.000_8.000_2005_2020.csv");
    std::fs::copy(&data, tmp.path().join("in.csv")).unwrap();
    let before = std::fs::read(tmp.path().join("in.csv")).unwrap();
    let err = refused(bin().args(["fit-weather", "in.csv", "--site", "s", "-o", "./in.csv"]).current_dir(tmp.path()));
    assert!(err.contains("data file being read"), "{err}");
    assert_eq!(std::fs::read(tmp.path().join("in.csv")).unwrap(), before);
}

#[test]
fn hourly_sample_and_target_rse_are_not_silently_ignored() {
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "a.toml", OK);
    write(tmp.path(), "b.toml", &named("other"));
    let err = refused(
        bin()
            .args(["run", "a.toml", "-n", "4", "--shard", "1/2", "--hourly-sample", "0", "-o", "p"])
            .current_dir(tmp.path()),
    );
    assert!(err.contains("--hourly-sample"), "{err}");
    for extra in [["--hourly-sample", "0"], ["--target-rse", "0.1"]] {
        let err = refused(
            bin().args(["compare", "a.toml", "b.toml", "-n", "4", "-o", "c"]).args(extra).current_dir(tmp.path()),
        );
        assert!(err.contains(extra[0]), "{err}");
    }
    let err =
        refused(bin().args(["run", "a.toml", "-n", "4", "--hourly-sample", "9", "-o", "h"]).current_dir(tmp.path()));
    assert!(err.contains("samples 0..4"), "{err}");
    assert!(!tmp.path().join("h").exists() && !tmp.path().join("p").exists() && !tmp.path().join("c").exists());
}

// ------------------------------------------------------- merge, reproduce

/// An edit of a file's text.
type Edit = dyn Fn(String) -> String;

/// Rewrite `file` of a result directory and its manifest entry, as a forger
/// who knows the format would.
fn forge(dir: &Path, file: &str, edit: impl Fn(String) -> String) {
    let p = dir.join(file);
    let text = edit(std::fs::read_to_string(&p).unwrap());
    std::fs::write(&p, &text).unwrap();
    let mp = dir.join(".renewplan-manifest.json");
    let mut m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&mp).unwrap()).unwrap();
    for e in m["files"].as_array_mut().unwrap() {
        if e["name"] == file {
            e["bytes"] = text.len().into();
            e["sha256"] = renewplan::io::outdir::sha256_hex(text.as_bytes()).into();
        }
    }
    std::fs::write(&mp, serde_json::to_vec(&m).unwrap()).unwrap();
}

#[test]
fn merge_checks_every_field_and_file_and_never_panics() {
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "a.toml", OK);
    let fresh = |name: &str| {
        for k in 1..=2 {
            let d = format!("{name}{k}");
            ok(bin()
                .args(["run", "a.toml", "-n", "6", "--shard", &format!("{k}/2"), "-q", "-o", &d])
                .current_dir(tmp.path()));
        }
        [tmp.path().join(format!("{name}1")), tmp.path().join(format!("{name}2"))]
    };
    let merge = |p: &[PathBuf; 2]| {
        let mut c = bin();
        c.arg("merge").args(p).args(["-o", "merged"]).current_dir(tmp.path());
        c
    };
    let cases: Vec<(&str, &str, Box<Edit>, &str)> = vec![
        ("short hash", "partial.json", Box::new(|t: String| sha_to(&t, "abc")), "scenario_sha256"),
        ("non-ASCII hash", "partial.json", Box::new(|t: String| sha_to(&t, &"é".repeat(32))), "scenario_sha256"),
        (
            "truncated profile",
            "partial.json",
            Box::new(|t: String| {
                let mut v: serde_json::Value = serde_json::from_str(&t).unwrap();
                v["profile_sums"]["lol_count_by_hour"].as_array_mut().unwrap().truncate(10);
                serde_json::to_string(&v).unwrap()
            }),
            "lol_count_by_hour",
        ),
        (
            "shard 0/2",
            "partial.json",
            Box::new(|t: String| {
                let mut v: serde_json::Value = serde_json::from_str(&t).unwrap();
                v["shard"]["k"] = 0.into();
                serde_json::to_string(&v).unwrap()
            }),
            "key `shard`",
        ),
        ("renumbered sample", "samples.csv", Box::new(|t: String| t.replacen("\n3,", "\n7,", 1)), "column 1"),
    ];
    for (what, file, edit, expect) in cases {
        let p = fresh("p");
        forge(&p[1], file, edit);
        let err = refused(&mut merge(&p));
        assert!(err.contains(expect), "{what}: {err}");
        assert!(!tmp.path().join("merged").exists(), "{what}: wrote output");
        for d in &p {
            std::fs::remove_dir_all(d).unwrap();
        }
    }
    // An edited samples.csv (manifest left alone) is detected by its hash.
    let p = fresh("q");
    let csv = p[0].join("samples.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let mut cells: Vec<String> = lines[1].split(',').map(String::from).collect();
    cells[1] = "0.5".into();
    lines[1] = cells.join(",");
    std::fs::write(&csv, lines.join("\n") + "\n").unwrap();
    let err = refused(&mut merge(&p));
    assert!(err.contains("samples.csv was changed"), "{err}");
    // A partial without a manifest (an older renewplan) is refused.
    let p = fresh("r");
    std::fs::remove_file(p[0].join(".renewplan-manifest.json")).unwrap();
    let err = refused(&mut merge(&p));
    assert!(err.contains("rerun the shard"), "{err}");
}

/// Add 1 to the first number found in `v` (depth first).
fn bump_first_number(v: &mut serde_json::Value) -> bool {
    match v {
        serde_json::Value::Number(n) => {
            *v = (n.as_f64().unwrap() + 1.0).into();
            true
        }
        serde_json::Value::Array(a) => a.iter_mut().any(bump_first_number),
        serde_json::Value::Object(o) => o.values_mut().any(bump_first_number),
        _ => false,
    }
}

fn sha_to(text: &str, to: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
    v["scenario_sha256"] = to.into();
    serde_json::to_string(&v).unwrap()
}

#[test]
fn reproduce_checks_every_file() {
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "a.toml", OK);
    ok(bin().args(["run", "a.toml", "-n", "5", "--hourly-sample", "2", "-q", "-o", "first"]).current_dir(tmp.path()));
    let o = bin()
        .args(["run", "--reproduce", "first/summary.json", "-o", "again", "-j", "1"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("files identical"), "{out}");
    assert!(tmp.path().join("again/hourly-sample-2.csv").exists(), "the hourly sample was not reproduced");
    let edits: [(&str, &Edit); 4] = [
        ("hourly-median.csv", &|t: String| t.replacen(",0.0000", ",1.0000", 1)),
        ("hourly-sample-2.csv", &|t: String| t.replacen(",0.0000", ",1.0000", 1)),
        ("samples.csv", &|t: String| {
            let mut l: Vec<String> = t.lines().map(String::from).collect();
            let mut c: Vec<String> = l[1].split(',').map(String::from).collect();
            c[2] = "123".into();
            l[1] = c.join(",");
            l.join("\n") + "\n"
        }),
        ("summary.json", &|t: String| {
            let mut v: serde_json::Value = serde_json::from_str(&t).unwrap();
            bump_first_number(&mut v["profiles"]);
            serde_json::to_string_pretty(&v).unwrap() + "\n"
        }),
    ];
    for (file, edit) in edits {
        let dir = tmp.path().join(format!("copy-{file}"));
        ok(bin().args(["run", "--reproduce", "first/summary.json", "-q", "-o"]).arg(&dir).current_dir(tmp.path()));
        let p = dir.join(file);
        let text = std::fs::read_to_string(&p).unwrap();
        let edited = edit(text.clone());
        assert_ne!(edited, text, "{file}: the edit changed nothing");
        std::fs::write(&p, edited).unwrap();
        let err = refused(
            bin()
                .args(["run", "--reproduce"])
                .arg(dir.join("summary.json"))
                .args(["-q", "-o", "check"])
                .arg("--force")
                .current_dir(tmp.path()),
        );
        assert!(err.contains("differs") && err.contains(file), "{file}: {err}");
    }
}

// ------------------------------------------------------------ messages

/// `validate` of `text`: (exit status, stdout + stderr).
fn validate(text: &str) -> (Option<i32>, String) {
    let tmp = TempDir::new().unwrap();
    let tmy = "pvgis_tmy_45.000_8.000_2005_2020.csv";
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(tmy), tmp.path().join(tmy)).unwrap();
    write(tmp.path(), "s.toml", text);
    let o = bin().args(["validate", "s.toml"]).current_dir(tmp.path()).output().unwrap();
    let all = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(!all.contains("panicked"), "{all}");
    (o.status.code(), all)
}

const CORRELATED: &str = "\n[[site]]\nname = \"south\"\nlatitude_deg = 37.0\nlongitude_deg = 105.0\n\n\
    [[correlation]]\na = \"north.wind\"\nb = \"south.wind\"\nrho = 0.5\n";

#[test]
fn silent_clamps_are_errors_or_warnings() {
    // Two entries for one pair: the last no longer wins silently.
    let twice = format!("{OK}{CORRELATED}\n[[correlation]]\na = \"south.wind\"\nb = \"north.wind\"\nrho = 0.9\n");
    let (code, out) = validate(&twice);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("correlation[1]") && out.contains("already given in correlation[0]"), "{out}");
    // A correlation of 1.7 is not "a percentage".
    let (code, out) = validate(&format!("{OK}{CORRELATED}").replace("rho = 0.5", "rho = 1.7"));
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("rho") && !out.contains("percentage"), "{out}");
    // block_days 0 or 4e9, window_days beyond half a year.
    let site = "\n[[site]]\nname = \"d\"\nlatitude_deg = 45.0\nlongitude_deg = 8.0\n\
        data_file = \"pvgis_tmy_45.000_8.000_2005_2020.csv\"\ndata_format = \"pvgis-tmy\"\ndata_mode = \"resample\"\n";
    for (extra, key) in [
        ("block_days = 0", "block_days"),
        ("block_days = 4000000000", "block_days"),
        ("window_days = 400", "window_days"),
    ] {
        let (code, out) = validate(&format!("{OK}{site}{extra}\n"));
        assert_eq!(code, Some(2), "{extra}: {out}");
        assert!(out.contains(key) && out.contains("out of range"), "{extra}: {out}");
    }
    // A store with no energy but charging power.
    let store = "\n[[storage]]\nname = \"empty\"\nzone = \"north\"\ncharge_mw = 20\nenergy_mwh = 0\n";
    let (code, out) = validate(&format!("{OK}{store}"));
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("warning") && out.contains("storage `empty`") && out.contains("0 MWh"), "{out}");
}

#[test]
fn names_with_escape_sequences_are_printed_escaped() {
    let (code, out) = validate(&named("evil\u{1b}[2J\rname"));
    assert_eq!(code, Some(0), "{out}");
    assert!(!out.contains('\u{1b}') && !out.contains('\r'), "raw control characters printed: {out:?}");
    assert!(out.contains("evil\\u{1b}[2J"), "{out}");
}

#[test]
fn one_sample_warns_that_it_has_no_standard_error() {
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "a.toml", OK);
    let err = ok(bin().args(["run", "a.toml", "-n", "1", "-q", "-o", "res"]).current_dir(tmp.path()));
    assert!(err.contains("--samples 1") && err.contains("standard error"), "{err}");
}

#[test]
fn fit_weather_checks_the_offset_and_reads_a_byte_order_mark() {
    let tmp = TempDir::new().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pvgis_tmy_45.000_8.000_2005_2020.csv");
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(std::fs::read(&data).unwrap());
    std::fs::write(tmp.path().join("bom.csv"), bytes).unwrap();
    ok(bin()
        .args(["fit-weather", "bom.csv", "--site", "s", "--utc-offset", "1", "--format", "pvgis-tmy"])
        .current_dir(tmp.path()));
    let err =
        refused(bin().args(["fit-weather", "bom.csv", "--site", "s", "--utc-offset", "99"]).current_dir(tmp.path()));
    assert!(err.contains("--utc-offset 99") && err.contains("-12 and +14"), "{err}");
}

#[test]
fn validate_checks_the_sweep_table() {
    for (table, expect) in [
        ("[sweep]\n\"wind_fleet.wind.capacity_mw\" = \"100:0:10\"\n", "STOP ≥ START"),
        ("[sweep]\n\"wind_fleet.wind.capacity_mw\" = \"1,x\"\n", "not a number"),
        ("[sweep]\n\"wind_fleet.wind.capacity_mw\" = \"0:9999:1\"\n\"load.town.mw\" = \"0:9:1\"\n", "10,000"),
    ] {
        let (code, out) = validate(&format!("{OK}\n{table}"));
        assert_eq!(code, Some(2), "{table}: {out}");
        assert!(out.contains("sweep") && out.contains(expect), "{table}: {out}");
    }
    let (code, out) = validate(&format!("{OK}\n[sweep]\n\"wind_fleet.wind.capacity_mw\" = \"0:100:50\"\n"));
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn a_one_point_power_curve_is_refused() {
    let text =
        OK.replace("capacity_mw = 300\n", "capacity_mw = 300\npower_curve_m_s = [10.0]\npower_curve_pu = [1.0]\n");
    let (code, out) = validate(&text);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("power_curve_m_s") && out.contains("at least 2"), "{out}");
}

#[test]
fn elcc_of_a_saturated_metric_is_refused_not_128_times_nameplate() {
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "a.toml", &OK.replace("mw = 40\n", "mw = 100000\n"));
    let err = refused(
        bin()
            .args(["elcc", "a.toml", "--asset", "wind_fleet.wind.capacity_mw", "--zone", "north", "-n", "2", "-o", "e"])
            .current_dir(tmp.path()),
    );
    assert!(err.contains("saturated"), "{err}");
    assert!(!tmp.path().join("e").exists());
}

#[test]
fn a_capacity_series_above_the_capacity_warns() {
    let tmp = TempDir::new().unwrap();
    let mut csv = String::from("mw\n");
    for _ in 0..48 {
        csv.push_str("500\n");
    }
    write(tmp.path(), "cap.csv", &csv);
    let generator =
        "\n[[generator]]\nname = \"gas\"\nzone = \"north\"\ncapacity_mw = 100\ncapacity_csv = \"cap.csv\"\n";
    write(tmp.path(), "s.toml", &format!("{OK}{generator}"));
    let o = bin().args(["validate", "s.toml"]).current_dir(tmp.path()).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("generator `gas`") && err.contains("reaches 500"), "{err}");
}

#[test]
fn a_string_for_a_number_names_the_key_with_its_index() {
    let text =
        format!("{OK}\n[[wind_fleet]]\nname = \"w2\"\nzone = \"north\"\nsite = \"north\"\ncapacity_mw = \"lots\"\n");
    let (code, out) = validate(&text);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("wind_fleet[1].capacity_mw"), "{out}");
    assert!(!out.contains("f64") && out.contains("a number"), "{out}");
    let (code, out) = validate(&OK.replace(
        "latitude_deg = 38.0\nlongitude_deg = 105.0\nutc_offset_h",
        "latitude_deg = \"x\"\nlongitude_deg = 105.0\nutc_offset_h",
    ));
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("zone[0].latitude_deg") && !out.contains("f64") && out.contains("a number, e.g."), "{out}");
}
