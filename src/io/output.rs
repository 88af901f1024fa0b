//! Result files: exporters return bytes; one function owns the directory.
//!
//! `summary.json` (every metric's estimate with standard error and
//! quantiles, profiles, the resolved scenario, seed, sample range, program
//! version), `samples.csv` (one row per sample), `hourly-median.csv` (the
//! hourly dispatch of the representative sample) and `scenario.toml` (the
//! input, byte for byte). [`write_dir`] writes everything into a temporary
//! sibling directory and renames it into place, so an interrupted or failed
//! run leaves either the previous output or nothing, never a mixture.
//! `samples.csv` grows with the sample count, so it is never built in
//! memory: it is a [`Stream`], written row by row from [`Results::rows`]
//! straight into the temporary directory.

use crate::base::error::Error;
use crate::model::Model;
use crate::model::scenario::Source;
use crate::sim::engine::{Method, Results};
use crate::sim::metrics::{Estimate, MetricDef, Profiles};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

pub const PROGRAM: &str = env!("CARGO_PKG_NAME");
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// Metric that selects the representative (median) sample.
pub const REPRESENTATIVE_METRIC: &str = "system.utilisation_rate";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    pub program: ProgramInfo,
    pub scenario: ScenarioInfo,
    pub run: RunInfo,
    pub metrics: Vec<MetricSummary>,
    pub profiles: Profiles,
    pub representative: Representative,
    /// Present when the run stopped on a precision target (`--target-rse`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopping: Option<crate::sim::engine::Stopping>,
    /// The resolved model as the engine saw it.
    pub model: serde_json::Value,
    pub timing: Timing,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProgramInfo {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScenarioInfo {
    pub name: String,
    pub title: String,
    pub file: String,
    pub sha256: String,
    pub study_year: i32,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunInfo {
    pub seed: u64,
    pub first_sample: u64,
    pub samples: u64,
    pub hours: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Timing {
    pub threads: usize,
    pub elapsed_s: f64,
    pub sample_years_per_s: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MetricSummary {
    #[serde(flatten)]
    pub estimate: Estimate,
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Representative {
    pub metric: String,
    pub sample: u64,
}

pub fn summary(model: &Model, source: &Source, results: &Results, representative: u64, timing: Timing) -> Summary {
    let ests = results.estimates();
    Summary {
        program: ProgramInfo { name: PROGRAM.into(), version: VERSION.into() },
        scenario: ScenarioInfo {
            name: model.name.clone(),
            title: model.title.clone(),
            file: source.name.clone(),
            sha256: source.hash(),
            study_year: model.study_year,
            sources: model.sources.clone(),
        },
        run: RunInfo {
            seed: results.method.seed,
            first_sample: results.method.first,
            samples: results.method.samples,
            hours: model.hours(),
        },
        metrics: ests
            .into_iter()
            .zip(&results.registry.defs)
            .map(|(estimate, d): (Estimate, &MetricDef)| MetricSummary { estimate, description: d.description.clone() })
            .collect(),
        profiles: results.profiles.finish(model),
        representative: Representative { metric: REPRESENTATIVE_METRIC.into(), sample: representative },
        stopping: None,
        model: serde_json::to_value(model).unwrap_or(serde_json::Value::Null),
        timing,
    }
}

pub fn summary_json(s: &Summary) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(s).unwrap_or_default();
    v.push(b'\n');
    v
}

/// Write a CSV from a header and rows; numbers with full precision.
fn csv_bytes(header: &[String], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(header);
    for r in rows {
        let _ = w.write_record(&r);
    }
    w.into_inner().unwrap_or_default()
}

/// `samples.csv`: one row per sample, every metric at full precision.
pub fn write_samples_csv(results: &Results, w: &mut dyn Write) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 16, w));
    let mut header = vec!["sample".to_string()];
    header.extend(results.registry.defs.iter().map(|d| d.key.clone()));
    out.write_record(&header)?;
    let first = results.method.first;
    let mut rec: Vec<String> = Vec::new();
    results.rows.try_for_each_row(|i, r| {
        rec.clear();
        rec.push((first + i as u64).to_string());
        rec.extend(r.iter().map(|x| format!("{x}")));
        out.write_record(&rec).map_err(std::io::Error::from)
    })?;
    out.flush()?;
    out.into_inner().map_err(|e| std::io::Error::other(e.to_string()))?.flush()
}

/// `samples.csv` in memory (small runs and tests).
pub fn samples_csv(results: &Results) -> Vec<u8> {
    let mut v = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_samples_csv(results, &mut v);
    v
}

/// `samples.csv` of `results` as a stream named `name`.
pub fn samples_stream<'a>(name: &str, results: &'a Results) -> Stream<'a> {
    Stream { name: name.to_string(), write: Box::new(move |w: &mut dyn Write| write_samples_csv(results, w)) }
}

/// Hourly dispatch of one sample: one row per hour, one column per flow.
pub fn hourly_csv(model: &Model, trace: &crate::sim::engine::Scratch) -> Vec<u8> {
    let (inputs, h) = (&trace.inputs, &trace.hourly);
    let cal = &model.calendar;
    let mut header = vec!["hour".to_string(), "month".into(), "day_of_year".into(), "hour_of_day".into()];
    let mut cols: Vec<&Vec<f64>> = Vec::new();
    for (z, zone) in model.zones.iter().enumerate() {
        for (name, v) in [
            ("renewable_available_mw", &inputs.re_mw[z]),
            ("load_mw", &h.zone_load_mw[z]),
            ("unserved_mw", &h.zone_unserved_mw[z]),
            ("curtailed_mw", &h.zone_curtailed_mw[z]),
        ] {
            header.push(format!("zone.{}.{name}", zone.name));
            cols.push(v);
        }
    }
    for (i, g) in model.generators.iter().enumerate() {
        header.push(format!("generator.{}.mw", g.name));
        cols.push(&h.gen_mw[i]);
    }
    for (i, s) in model.storage.iter().enumerate() {
        for (name, v) in [
            ("charge_mw", &h.storage_charge_mw[i]),
            ("discharge_mw", &h.storage_discharge_mw[i]),
            ("soc_mwh", &h.storage_soc_mwh[i]),
        ] {
            header.push(format!("storage.{}.{name}", s.name));
            cols.push(v);
        }
    }
    for (i, e) in model.electrolysers.iter().enumerate() {
        for (name, v) in [("input_mw", &h.electrolyser_mw[i]), ("h2_kg", &h.h2_kg[i]), ("store_kg", &h.h2_store_kg[i])]
        {
            header.push(format!("electrolyser.{}.{name}", e.name));
            cols.push(v);
        }
    }
    for (l, line) in model.lines.iter().enumerate() {
        for (name, v) in
            [("from_mw", &h.line_from_mw[l]), ("to_mw", &h.line_to_mw[l]), ("capacity_mw", &h.line_cap_mw[l])]
        {
            header.push(format!("line.{}.{name}", line.name));
            cols.push(v);
        }
    }
    for (k, g) in model.external_grids.iter().enumerate() {
        for (name, v) in [("export_mw", &h.export_mw[k]), ("import_mw", &h.import_mw[k])] {
            header.push(format!("external.{}.{name}", g.name));
            cols.push(v);
        }
    }
    // Weather and per-fleet available power, to compare with other tools.
    for (i, site) in model.sites.iter().enumerate() {
        for (name, v) in [
            ("ghi_w_m2", &trace.weather.ghi_w_m2[i]),
            ("temp_c", &trace.weather.temp_c[i]),
            ("wind_m_s", &trace.weather.wind_m_s[i]),
        ] {
            header.push(format!("site.{}.{name}", site.name));
            cols.push(v);
        }
    }
    for (i, f) in model.wind_fleets.iter().enumerate() {
        header.push(format!("wind.{}.available_mw", f.name));
        cols.push(&trace.fleets.wind_mw[i]);
    }
    for (i, f) in model.solar_fleets.iter().enumerate() {
        header.push(format!("solar.{}.available_mw", f.name));
        cols.push(&trace.fleets.solar_mw[i]);
    }
    csv_bytes(
        &header,
        (0..model.hours()).map(|t| {
            let mut r = vec![
                t.to_string(),
                (cal.month[t] + 1).to_string(),
                (cal.day_of_year[t] + 1).to_string(),
                cal.hour_of_day[t].to_string(),
            ];
            r.extend(cols.iter().map(|c| format!("{:.4}", c[t])));
            r
        }),
    )
}

pub use super::outdir::{Files, Stream, Writer, write_dir_streams};

/// Write `files` into `dir` atomically, with a manifest
/// ([`super::outdir::write_dir_streams`]).
pub fn write_dir(dir: &Path, files: &Files, force: bool) -> Result<(), Error> {
    write_dir_streams(dir, files, &[], force).map(|_| ())
}

pub fn method_of(summary: &Summary, threads: usize) -> Method {
    Method { seed: summary.run.seed, first: summary.run.first_sample, samples: summary.run.samples, threads }
}
