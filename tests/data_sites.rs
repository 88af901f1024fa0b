//! Weather data in scenarios: `replay` uses the data's year as it is in
//! every sample; `resample` draws each sample's year by a seasonal block
//! bootstrap; bad data files are reported with file and line. Plus the
//! `fit-weather` command.

use renewplan::model::scenario::{self, Source};
use renewplan::sim::engine::{Method, Study};
use std::path::Path;

const TMY: &str = "pvgis_tmy_45.000_8.000_2005_2020.csv";

fn fixture(dir: &Path) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(TMY);
    std::fs::copy(src, dir.join(TMY)).expect("copy fixture");
}

fn scenario_text(mode: &str) -> String {
    format!(
        r#"[scenario]
name = "data-site"
study_year = 2030

[[zone]]
name = "z"
latitude_deg = 45.0
longitude_deg = 8.0
utc_offset_h = 1

[[external_grid]]
name = "grid"

[[site]]
name = "s"
latitude_deg = 45.0
longitude_deg = 8.0
elevation_m = 250
data_file = "{TMY}"
data_format = "pvgis-tmy"
data_mode = "{mode}"

[[solar_fleet]]
name = "pv"
zone = "z"
site = "s"
capacity_mwdc = 100
forced_outage_rate_pu = 0

[[line]]
name = "l"
from = "z"
to = "grid"
circuits = 1
circuit_mw = 1000
outages_per_100km_year = 0
"#
    )
}

fn pv_energy(dir: &Path, mode: &str, samples: u64) -> Vec<f64> {
    let src = Source { name: "s.toml".into(), dir: Some(dir.to_path_buf()), text: scenario_text(mode) };
    let model = scenario::load(&src).unwrap_or_else(|e| panic!("{e}"));
    let study = Study::new(&model);
    let r = study.run(Method { seed: 9, first: 0, samples, threads: 0 }, &|_| {});
    r.column(r.registry.index("solar.pv.available_mwh").expect("metric"))
}

#[test]
fn replay_gives_the_same_weather_every_sample_and_resample_varies() {
    let tmp = tempfile::tempdir().expect("tmp");
    fixture(tmp.path());
    let replay = pv_energy(tmp.path(), "replay", 4);
    assert!(replay[0] > 50_000.0, "100 MWdc at Turin-like irradiance: {}", replay[0]);
    assert!(replay.iter().all(|x| *x == replay[0]), "replay is deterministic: {replay:?}");
    let resample = pv_energy(tmp.path(), "resample", 6);
    assert!(resample.windows(2).any(|w| w[0] != w[1]), "resample varies: {resample:?}");
    // A one-year TMY resampled stays close to its own annual total.
    let mean = resample.iter().sum::<f64>() / resample.len() as f64;
    assert!((mean / replay[0] - 1.0).abs() < 0.1, "{mean} vs {}", replay[0]);
}

#[test]
fn bad_data_files_are_reported_with_file_and_key() {
    let tmp = tempfile::tempdir().expect("tmp");
    let text = scenario_text("replay").replace(TMY, "missing.csv");
    let src = Source { name: "s.toml".into(), dir: Some(tmp.path().to_path_buf()), text };
    let e = scenario::load(&src).expect_err("missing file").to_string();
    assert!(e.contains("missing.csv") && e.contains("site[0].data_file"), "{e}");
    fixture(tmp.path());
    let text = scenario_text("sometimes");
    let src = Source { name: "s.toml".into(), dir: Some(tmp.path().to_path_buf()), text };
    let e = scenario::load(&src).expect_err("bad mode").to_string();
    assert!(e.contains("data_mode") && e.contains("replay, resample"), "{e}");
    // A corrupted row names its line.
    let good = std::fs::read_to_string(tmp.path().join(TMY)).expect("read");
    let mut lines: Vec<&str> = good.lines().collect();
    let bad_line = lines.iter().position(|l| l.starts_with("2005") || l.starts_with("20")).expect("data") + 5;
    let corrupted = lines[bad_line].replacen(',', ",x", 1);
    lines[bad_line] = &corrupted;
    std::fs::write(tmp.path().join(TMY), lines.join("\n")).expect("write");
    let src = Source { name: "s.toml".into(), dir: Some(tmp.path().to_path_buf()), text: scenario_text("replay") };
    let e = scenario::load(&src).expect_err("corrupted row").to_string();
    assert!(e.contains(&format!("{TMY}:{}", bad_line + 1)), "{e}");
}

#[test]
fn fit_weather_writes_a_site_block_that_a_scenario_accepts() {
    let tmp = tempfile::tempdir().expect("tmp");
    fixture(tmp.path());
    let out = tmp.path().join("site.toml");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_renewplan"))
        .args(["fit-weather", TMY, "--site", "turin", "--utc-offset", "1", "-o", "site.toml"])
        .current_dir(tmp.path())
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let block = std::fs::read_to_string(&out).expect("site block");
    let text = format!(
        "[scenario]\nname = \"fitted\"\nstudy_year = 2030\nhorizon_h = 48\n[[zone]]\nname = \"z\"\nlatitude_deg = 45.0\nlongitude_deg = 8.0\nutc_offset_h = 1\n{block}"
    );
    let src = Source { name: "fitted.toml".into(), dir: None, text };
    let m = scenario::load(&src).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(m.sites[0].name, "turin");
    assert!((m.sites[0].temperature_monthly_c[6] - m.sites[0].temperature_monthly_c[0]) > 10.0, "seasons recovered");
}

#[test]
fn data_sites_take_their_monthly_temperatures_from_the_data() {
    // Air density of wind power uses the site's monthly normals; a data
    // site that does not set them gets the data's own monthly means (local
    // time, UTC+1 here), not the Alxa defaults.
    let dir = tempfile::tempdir().expect("tempdir");
    fixture(dir.path());
    let src = Source { name: "s.toml".into(), dir: Some(dir.path().to_path_buf()), text: scenario_text("replay") };
    let model = scenario::load(&src).unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(dir.path().join(TMY)).expect("fixture");
    let series = renewplan::data::pvgis::read_tmy(&text, TMY).expect("fixture parses");
    let (mut sum, mut n) = ([0.0; 12], [0usize; 12]);
    for (t, x) in series.times_utc_s.iter().zip(&series.temp_c) {
        let (_, m, _) = renewplan::base::calendar::civil_from_days(((t + 3600.0) / 86_400.0).floor() as i64);
        sum[m as usize - 1] += x;
        n[m as usize - 1] += 1;
    }
    for m in 0..12 {
        let want = sum[m] / n[m] as f64;
        assert!((model.sites[0].temperature_monthly_c[m] - want).abs() < 1e-9, "month {}", m + 1);
    }
    // Set explicitly, the scenario wins.
    let explicit = scenario_text("replay").replace(
        "data_mode = \"replay\"",
        "data_mode = \"replay\"\ntemperature_monthly_c = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]",
    );
    let src = Source { name: "s.toml".into(), dir: Some(dir.path().to_path_buf()), text: explicit };
    let model = scenario::load(&src).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(model.sites[0].temperature_monthly_c[6], 7.0);
}
