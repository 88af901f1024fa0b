//! The validation catalogue (issue 8), CLI level: every bad input exits 2
//! with a message naming the file, line, key and what is accepted, and
//! writes nothing; suspicious-but-valid plans warn once; `--reproduce`
//! re-runs a summary exactly.

use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_renewplan"))
}

const OK: &str = r#"[scenario]
name = "catalogue"
study_year = 2030
horizon_h = 24

[[zone]]
name = "z"
latitude_deg = 38.0
longitude_deg = 105.0
utc_offset_h = 8

[[external_grid]]
name = "grid"
max_import_mw = 100

[[site]]
name = "s"
latitude_deg = 38.0
longitude_deg = 105.0

[[wind_fleet]]
name = "wind"
zone = "z"
site = "s"
capacity_mw = 100

[[storage]]
name = "battery"
zone = "z"
charge_mw = 20
energy_mwh = 80

[[electrolyser]]
name = "h2"
zone = "z"
capacity_mw = 10

[[load]]
name = "load"
zone = "z"
csv = "load.csv"

[[line]]
name = "tie"
from = "z"
to = "grid"
circuits = 1
circuit_mw = 100
"#;

fn load_csv(rows: usize) -> String {
    let mut s = String::from("hour,mw\n");
    for h in 0..rows {
        s.push_str(&format!("{h},20\n"));
    }
    s
}

/// Run `validate` and `run` on `text` (with `csv` as load.csv); both must
/// exit 2 with every `needle` in stderr, and `run` must write nothing.
fn rejected(text: &str, csv: &str, needles: &[&str]) {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(tmp.path().join("s.toml"), text).expect("write");
    std::fs::write(tmp.path().join("load.csv"), csv).expect("write");
    for cmd in [vec!["validate", "s.toml"], vec!["run", "s.toml", "-n", "2", "-q", "-o", "out"]] {
        let o = bin().args(&cmd).current_dir(tmp.path()).output().expect("run");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{cmd:?} should exit 2: {err}");
        assert!(!err.contains("panicked"), "{err}");
        for n in needles {
            assert!(err.contains(n), "{cmd:?}: missing `{n}` in: {err}");
        }
        assert!(!tmp.path().join("out").exists(), "nothing written");
    }
}

fn edit(old: &str, new: &str) -> String {
    assert_eq!(OK.matches(old).count(), 1, "{old}");
    OK.replacen(old, new, 1)
}

#[test]
fn the_valid_catalogue_scenario_runs() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(tmp.path().join("s.toml"), OK).expect("write");
    std::fs::write(tmp.path().join("load.csv"), load_csv(24)).expect("write");
    let o = bin().args(["run", "s.toml", "-n", "2", "-q", "-o", "out"]).current_dir(tmp.path()).output().expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn catalogue_of_bad_values() {
    let csv = load_csv(24);
    rejected(
        &edit("capacity_mw = 100", "capacity_mw = nan"),
        &csv,
        &["s.toml:", "wind_fleet[0].capacity_mw", "not a finite number"],
    );
    rejected(&edit("capacity_mw = 100", "capacity_mw = -5"), &csv, &["wind_fleet[0].capacity_mw", "negative"]);
    rejected(
        &edit("energy_mwh = 80", "energy_mwh = 80\nround_trip_efficiency_pu = 85"),
        &csv,
        &["round_trip_efficiency_pu", "percentage"],
    );
    rejected(
        &edit("energy_mwh = 80", "energy_mwh = 80\nround_trip_efficiency_pu = 1.2"),
        &csv,
        &["round_trip_efficiency_pu", "0.01 to 1"],
    );
    rejected(
        &edit("capacity_mw = 10\n", "capacity_mw = 10\nmin_load_pu = 1.5\n"),
        &csv,
        &["electrolyser[0].min_load_pu", "0 to 1"],
    );
    rejected(
        &edit("energy_mwh = 80", "energy_mwh = 80\nsoc_min_pu = 0.9\nsoc_max_pu = 0.2"),
        &csv,
        &["storage[0].soc_min_pu", "not below soc_max_pu"],
    );
    rejected(
        &edit("zone = \"z\"\nsite", "zone = \"zz\"\nsite"),
        &csv,
        &["unknown zone `zz`", "did you mean `z`", "accepted"],
    );
    rejected(&edit("site = \"s\"", "site = \"nowhere\""), &csv, &["unknown site `nowhere`"]);
    rejected(&edit("name = \"battery\"", "name = \"wind\""), &csv, &["duplicate name `wind`"]);
    rejected(&edit("to = \"grid\"", "to = \"z\""), &csv, &["line[0].to", "to itself"]);
    rejected(&edit("horizon_h = 24", "horizon_h = 0"), &csv, &["scenario.horizon_h", "1 to"]);
}

#[test]
fn catalogue_of_bad_series_and_files() {
    rejected(OK, &load_csv(23), &["load.csv", "has 23 data rows", "exactly 24 hourly rows"]);
    let mut nan = load_csv(24);
    nan = nan.replacen("5,20", "5,NaN", 1);
    rejected(OK, &nan, &["load.csv:7", "NaN", "finite"]);
    let mut text = load_csv(24);
    text = text.replacen("3,20", "3,twenty", 1);
    rejected(OK, &text, &["load.csv:5", "`twenty`", "not a number"]);
    rejected(OK, "hour,kw\n0,1\n", &["load.csv:1", "no column `mw`"]);
    rejected(&edit("csv = \"load.csv\"", "csv = \"missing.csv\""), &load_csv(24), &["missing.csv", "cannot read"]);
    rejected(
        &format!(
            "{OK}\n[[correlation]]\na = \"s.wind\"\nb = \"s.cloud\"\nrho = 0.9\n[[correlation]]\na = \"s.wind\"\nb = \"s.temperature\"\nrho = 0.9\n[[correlation]]\na = \"s.cloud\"\nb = \"s.temperature\"\nrho = -0.9\n"
        ),
        &load_csv(24),
        &["not positive definite"],
    );
}

#[test]
fn impossible_outputs_and_sample_counts_are_refused_before_simulating() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "x").expect("write");
    let o = bin().args(["run", "-n", "2", "-q", "-o"]).arg(file.join("out")).output().expect("run");
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    let o = bin().args(["run", "-n", "2", "-q", "-o"]).arg(&file).output().expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is a file"));
    let o = bin().args(["run", "-n", "90000000000", "-q", "-o"]).arg(tmp.path().join("big")).output().expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--shard"), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!tmp.path().join("big").exists());
}

#[test]
fn suspicious_plans_warn_once_and_still_run() {
    let tmp = tempfile::tempdir().expect("tmp");
    let text =
        renewplan::model::scenario::DEFAULT_SCENARIO.replace("study_year = 2030", "study_year = 2030\nhorizon_h = 48");
    std::fs::write(tmp.path().join("s.toml"), text).expect("write");
    let o = bin().args(["run", "s.toml", "-n", "2", "-q", "-o", "out"]).current_dir(tmp.path()).output().expect("run");
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.matches("expect heavy curtailment").count(), 1, "{err}");
}

#[test]
fn reproduce_reruns_a_summary_exactly() {
    let tmp = tempfile::tempdir().expect("tmp");
    let text =
        renewplan::model::scenario::DEFAULT_SCENARIO.replace("study_year = 2030", "study_year = 2030\nhorizon_h = 96");
    std::fs::write(tmp.path().join("s.toml"), text).expect("write");
    let ok = |args: &[&str]| {
        let o = bin().args(args).current_dir(tmp.path()).output().expect("run");
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    ok(&["run", "s.toml", "-n", "5", "--seed", "77", "-q", "-o", "first"]);
    let out = ok(&["run", "--reproduce", "first/summary.json", "-o", "again", "-j", "1"]);
    assert!(out.contains("reproduced") && out.contains("identical"), "{out}");
    let bytes = |d: &str| std::fs::read(tmp.path().join(d).join("samples.csv")).expect("csv");
    assert_eq!(bytes("first"), bytes("again"));
    // A tampered scenario is refused.
    let p = tmp.path().join("first/scenario.toml");
    let t = std::fs::read_to_string(&p).expect("read").replace("mw = 28", "mw = 29");
    std::fs::write(&p, t).expect("write");
    let o = bin()
        .args(["run", "--reproduce", "first/summary.json", "-o", "third"])
        .current_dir(tmp.path())
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("sha256"));
}
