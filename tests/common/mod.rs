//! Helpers shared by the integration tests: build small models from TOML
//! text, hand-built dispatch inputs, and named access to hourly results.
#![allow(dead_code)]

pub mod strategies;

use renewplan::model::Model;
use renewplan::model::scenario::{self, Source};
use renewplan::sim::dispatch::{self, Dispatcher, Hourly, Inputs};
use renewplan::sim::engine::Results;

/// Absolute tolerance of hand-computed values.
pub const TOL: f64 = 1e-9;

/// Resolve a scenario from TOML text; panics with every problem on error.
pub fn model(text: &str) -> Model {
    let src = Source { name: "test".into(), dir: None, text: text.to_string() };
    match scenario::load(&src) {
        Ok(m) => m,
        Err(e) => panic!("scenario does not resolve:\n{e}\n--- scenario ---\n{text}"),
    }
}

/// The error message of a scenario that must not resolve.
pub fn model_error(text: &str) -> String {
    let src = Source { name: "test".into(), dir: None, text: text.to_string() };
    match scenario::load(&src) {
        Ok(_) => panic!("scenario resolved but should not:\n{text}"),
        Err(e) => e.to_string(),
    }
}

/// `[scenario]` table plus one `[[zone]]` per name, `hours` long.
pub fn header(hours: usize, zones: &[&str]) -> String {
    let mut s = format!("[scenario]\nname = \"test\"\nstudy_year = 2030\nhorizon_h = {hours}\n\n");
    for z in zones {
        s.push_str(&format!(
            "[[zone]]\nname = \"{z}\"\nlatitude_deg = 38.0\nlongitude_deg = 105.0\nutc_offset_h = 8\n\n"
        ));
    }
    s
}

/// Inputs with the given renewable MW (`re[zone][hour]`), every unit up and
/// every line at its full capacity (all circuits in service).
pub fn full_inputs(m: &Model, re: &[Vec<f64>]) -> Inputs {
    let h = m.hours();
    assert_eq!(re.len(), m.zones.len(), "one renewable series per zone");
    for r in re {
        assert_eq!(r.len(), h, "renewable series must cover the horizon");
    }
    Inputs {
        re_mw: re.to_vec(),
        gen_up: vec![vec![1.0; h]; m.generators.len()],
        storage_up: vec![vec![1.0; h]; m.storage.len()],
        electrolyser_up: vec![vec![1.0; h]; m.electrolysers.len()],
        line_cap_mw: m
            .lines
            .iter()
            .map(|l| vec![l.capacity_by_circuits_up_mw.last().copied().unwrap_or(0.0); h])
            .collect(),
    }
}

/// Dispatch every hour of `inp` with a fresh dispatcher.
pub fn dispatch(m: &Model, inp: &Inputs) -> Hourly {
    let mut h = Hourly::default();
    Dispatcher::new(m).run(m, inp, &mut h);
    h
}

/// Largest |energy-balance residual| over every zone and hour.
pub fn max_residual(m: &Model, inp: &Inputs, h: &Hourly) -> f64 {
    let mut worst: f64 = 0.0;
    for z in 0..m.zones.len() {
        for t in 0..m.hours() {
            worst = worst.max(dispatch::zone_residual(m, inp, h, z, t).abs());
        }
    }
    worst
}

fn find<T>(items: &[T], name: &str, get: impl Fn(&T) -> &str, kind: &str) -> usize {
    items.iter().position(|x| get(x) == name).unwrap_or_else(|| panic!("no {kind} named `{name}`"))
}

pub fn zone_idx(m: &Model, name: &str) -> usize {
    find(&m.zones, name, |x| &x.name, "zone")
}
pub fn grid_idx(m: &Model, name: &str) -> usize {
    find(&m.external_grids, name, |x| &x.name, "external grid")
}
/// Generators are sorted by cost when resolved: look them up by name.
pub fn gen_idx(m: &Model, name: &str) -> usize {
    find(&m.generators, name, |x| &x.name, "generator")
}
pub fn storage_idx(m: &Model, name: &str) -> usize {
    find(&m.storage, name, |x| &x.name, "storage")
}
pub fn elec_idx(m: &Model, name: &str) -> usize {
    find(&m.electrolysers, name, |x| &x.name, "electrolyser")
}
pub fn line_idx(m: &Model, name: &str) -> usize {
    find(&m.lines, name, |x| &x.name, "line")
}

/// Hourly series named `kind.name.field`:
/// `zone.Z.{load,unserved,curtailed}`, `gen.G.mw`,
/// `storage.S.{charge,discharge,soc,self_discharge}`,
/// `elec.E.{mw,h2,store,shortfall}`, `line.L.{from,to,cap,congested}`
/// (congested as 0/1), `grid.G.{export,import}`.
pub fn series(m: &Model, h: &Hourly, key: &str) -> Vec<f64> {
    let mut parts = key.splitn(3, '.');
    let (kind, name, field) = match (parts.next(), parts.next(), parts.next()) {
        (Some(k), Some(n), Some(f)) => (k, n, f),
        _ => panic!("bad series key `{key}`: expected kind.name.field"),
    };
    let v: &Vec<f64> = match (kind, field) {
        ("zone", "load") => &h.zone_load_mw[zone_idx(m, name)],
        ("zone", "unserved") => &h.zone_unserved_mw[zone_idx(m, name)],
        ("zone", "curtailed") => &h.zone_curtailed_mw[zone_idx(m, name)],
        ("gen", "mw") => &h.gen_mw[gen_idx(m, name)],
        ("storage", "charge") => &h.storage_charge_mw[storage_idx(m, name)],
        ("storage", "discharge") => &h.storage_discharge_mw[storage_idx(m, name)],
        ("storage", "soc") => &h.storage_soc_mwh[storage_idx(m, name)],
        ("storage", "self_discharge") => &h.storage_self_discharge_mwh[storage_idx(m, name)],
        ("elec", "mw") => &h.electrolyser_mw[elec_idx(m, name)],
        ("elec", "h2") => &h.h2_kg[elec_idx(m, name)],
        ("elec", "store") => &h.h2_store_kg[elec_idx(m, name)],
        ("elec", "shortfall") => &h.h2_shortfall_kg[elec_idx(m, name)],
        ("line", "from") => &h.line_from_mw[line_idx(m, name)],
        ("line", "to") => &h.line_to_mw[line_idx(m, name)],
        ("line", "cap") => &h.line_cap_mw[line_idx(m, name)],
        ("line", "congested") => {
            return h.line_congested[line_idx(m, name)].iter().map(|b| f64::from(u8::from(*b))).collect();
        }
        ("grid", "export") => &h.export_mw[grid_idx(m, name)],
        ("grid", "import") => &h.import_mw[grid_idx(m, name)],
        _ => panic!("unknown series `{key}`"),
    };
    v.clone()
}

/// Column of metric `key` across the samples of a run.
pub fn column(r: &Results, key: &str) -> Vec<f64> {
    let j = r.registry.index(key).unwrap_or_else(|| panic!("no metric `{key}`"));
    r.column(j)
}

/// Rows as bit patterns, for bitwise comparison (NaN-safe).
pub fn bits(rows: &[Vec<f64>]) -> Vec<Vec<u64>> {
    rows.iter().map(|r| r.iter().map(|x| x.to_bits()).collect()).collect()
}

/// Write `files` (name, text) into a fresh directory and run `renewplan
/// validate` on the first; it must exit 2 without a panic and stderr must
/// hold every needle. Returns stderr.
pub fn validate_rejects(files: &[(&str, &str)], needles: &[&str]) -> String {
    let tmp = tempfile::tempdir().expect("tmp");
    for (name, text) in files {
        std::fs::write(tmp.path().join(name), text).expect("write");
    }
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_renewplan"))
        .args(["validate", files[0].0])
        .current_dir(tmp.path())
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "validate should exit 2: {err}");
    assert!(!err.contains("panicked"), "{err}");
    for n in needles {
        assert!(err.contains(n), "`{n}` missing from:\n{err}");
    }
    err
}
