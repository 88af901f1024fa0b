//! What the charts read: the result files parsed into plain tables, and the
//! parts of the resolved model they show.
//!
//! Lenient by design: a column or model field the charts do not find is
//! treated as absent (the chart is skipped or says "no data"), so that an
//! older or newer result directory still draws.

use super::style::Meta;
use crate::base::error::Error;
use crate::io::output::Summary;
use crate::sim::metrics::Estimate;
use serde_json::Value;
use std::path::PathBuf;

/// A CSV of numbers: one vector per column.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub names: Vec<String>,
    pub cols: Vec<Vec<f64>>,
}

impl Table {
    /// Parse a CSV with a header row; cells that are not numbers become NaN.
    pub fn parse(bytes: &[u8], file: &str) -> Result<Self, Error> {
        Self::read(bytes, file, None)
    }

    /// Parse a CSV from a reader, keeping only the columns named in `keep`
    /// (all when `None`): a large `samples.csv` is streamed, not loaded.
    pub fn read(reader: impl std::io::Read, file: &str, keep: Option<&[&str]>) -> Result<Self, Error> {
        let bad = |message: String| Error::Input { path: PathBuf::from(file), message };
        let mut r = csv::ReaderBuilder::new().has_headers(true).from_reader(reader);
        let header: Vec<String> = r
            .headers()
            .map_err(|e| bad(format!("cannot read the CSV header: {e}")))?
            .iter()
            .map(String::from)
            .collect();
        let wanted: Vec<usize> =
            (0..header.len()).filter(|i| keep.is_none_or(|k| k.contains(&header[*i].as_str()))).collect();
        let names: Vec<String> = wanted.iter().map(|i| header[*i].clone()).collect();
        let mut cols = vec![Vec::new(); names.len()];
        let mut rec = csv::StringRecord::new();
        loop {
            match r.read_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => {
                    for (c, i) in cols.iter_mut().zip(&wanted) {
                        c.push(rec.get(*i).and_then(|v| v.trim().parse::<f64>().ok()).unwrap_or(f64::NAN));
                    }
                }
                Err(e) => return Err(bad(format!("malformed CSV: {e}"))),
            }
        }
        Ok(Table { names, cols })
    }

    pub fn rows(&self) -> usize {
        self.cols.first().map_or(0, Vec::len)
    }

    pub fn col(&self, name: &str) -> Option<&[f64]> {
        self.names.iter().position(|n| n == name).map(|i| self.cols[i].as_slice())
    }

    /// Columns named `{prefix}{anything}{suffix}`, with the middle part.
    pub fn matching(&self, prefix: &str, suffix: &str) -> Vec<(&str, &[f64])> {
        self.names
            .iter()
            .zip(&self.cols)
            .filter_map(|(n, c)| {
                let mid = n.strip_prefix(prefix)?.strip_suffix(suffix)?;
                Some((mid, c.as_slice()))
            })
            .collect()
    }

    /// Element-wise sum of the columns `{prefix}*{suffix}` (zeros if none).
    pub fn sum(&self, prefix: &str, suffix: &str) -> Vec<f64> {
        let mut out = vec![0.0; self.rows()];
        for (_, c) in self.matching(prefix, suffix) {
            for (o, v) in out.iter_mut().zip(c) {
                if v.is_finite() {
                    *o += v;
                }
            }
        }
        out
    }

    /// Element-wise sum of the named columns that exist.
    pub fn sum_of(&self, names: &[String]) -> Vec<f64> {
        let mut out = vec![0.0; self.rows()];
        for n in names {
            if let Some(c) = self.col(n) {
                for (o, v) in out.iter_mut().zip(c) {
                    if v.is_finite() {
                        *o += v;
                    }
                }
            }
        }
        out
    }
}

#[derive(Debug, Clone, Default)]
pub struct Fleet {
    pub name: String,
    pub zone: String,
    /// MW (wind, electrolysers, generators, storage discharge), MWdc (solar).
    pub mw: f64,
    /// MWac (solar), MWh (storage), kWh/kg (electrolysers); 0 otherwise.
    pub second: f64,
}

#[derive(Debug, Clone, Default)]
pub struct LineView {
    pub name: String,
    pub from: String,
    pub to: String,
    /// Transfer limit with every circuit up.
    pub full_mw: f64,
    /// Whether the line connects a zone to an external grid.
    pub external: bool,
}

/// The parts of the resolved model the charts show.
#[derive(Debug, Clone, Default)]
pub struct ModelView {
    pub description: String,
    pub calendar_year: i32,
    pub zones: Vec<String>,
    pub externals: Vec<String>,
    pub wind: Vec<Fleet>,
    pub solar: Vec<Fleet>,
    pub storage: Vec<Fleet>,
    pub electrolysers: Vec<Fleet>,
    pub generators: Vec<Fleet>,
    pub loads: Vec<Fleet>,
    pub lines: Vec<LineView>,
}

fn f(v: &Value, k: &str) -> f64 {
    v.get(k).and_then(Value::as_f64).unwrap_or(0.0)
}

fn s(v: &Value, k: &str) -> String {
    v.get(k).and_then(Value::as_str).unwrap_or_default().to_string()
}

fn arr<'a>(v: &'a Value, k: &str) -> &'a [Value] {
    v.get(k).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

impl ModelView {
    pub fn from_json(m: &Value) -> Self {
        let zones: Vec<String> = arr(m, "zones").iter().map(|z| s(z, "name")).collect();
        let externals: Vec<String> = arr(m, "external_grids").iter().map(|z| s(z, "name")).collect();
        let zone_of = |v: &Value| {
            v.get("zone").and_then(Value::as_u64).and_then(|i| zones.get(i as usize)).cloned().unwrap_or_default()
        };
        let node = |i: Option<u64>| -> (String, bool) {
            let Some(i) = i.map(|i| i as usize) else { return (String::new(), false) };
            if i < zones.len() {
                (zones[i].clone(), false)
            } else {
                (externals.get(i - zones.len()).cloned().unwrap_or_default(), true)
            }
        };
        let fleets = |k: &str, mw: &str, second: &str| -> Vec<Fleet> {
            arr(m, k)
                .iter()
                .map(|v| Fleet {
                    name: s(v, "name"),
                    zone: zone_of(v),
                    mw: f(v, mw),
                    second: if second.is_empty() { 0.0 } else { f(v, second) },
                })
                .collect()
        };
        let lines = arr(m, "lines")
            .iter()
            .map(|l| {
                let (from, ef) = node(l.get("from").and_then(Value::as_u64));
                let (to, et) = node(l.get("to").and_then(Value::as_u64));
                let full_mw = arr(l, "capacity_by_circuits_up_mw").last().and_then(Value::as_f64).unwrap_or(0.0);
                LineView { name: s(l, "name"), from, to, full_mw, external: ef != et }
            })
            .collect();
        ModelView {
            description: s(m, "description"),
            calendar_year: m
                .get("calendar")
                .and_then(|c| c.get("year"))
                .and_then(Value::as_i64)
                .or_else(|| m.get("study_year").and_then(Value::as_i64))
                .unwrap_or(2030) as i32,
            wind: fleets("wind_fleets", "capacity_mw", ""),
            solar: fleets("solar_fleets", "capacity_mwdc", "capacity_mwac"),
            storage: fleets("storage", "discharge_mw", "energy_mwh"),
            electrolysers: fleets("electrolysers", "capacity_mw", "consumption_kwh_per_kg"),
            generators: fleets("generators", "capacity_mw", ""),
            loads: fleets("loads", "mean_mw", ""),
            lines,
            zones,
            externals,
        }
    }

    /// Sum of the full transfer limits of lines to external grids (MW).
    pub fn export_limit_mw(&self) -> f64 {
        self.lines.iter().filter(|l| l.external).map(|l| l.full_mw).sum()
    }
}

/// The per-sample metrics the charts draw (other columns of `samples.csv`
/// are not loaded).
pub const SAMPLE_KEYS: [&str; 3] = ["system.utilisation_rate", "system.load_mwh", "system.unserved_mwh"];

/// The [`SAMPLE_KEYS`] columns of a result directory's `samples.csv`,
/// streamed (the file can be large).
pub fn read_samples(dir: &std::path::Path) -> Result<Table, Error> {
    let path = dir.join("samples.csv");
    let file = crate::base::fsread::open(&path, u64::MAX).map_err(|e| Error::Input {
        path: path.clone(),
        message: format!("cannot read result file ({e}); is this a renewplan output directory?"),
    })?;
    Table::read(std::io::BufReader::new(file), &path.display().to_string(), Some(&SAMPLE_KEYS))
}

/// Everything the charts draw from, parsed once.
#[derive(Debug, Clone)]
pub struct Data {
    pub meta: Meta,
    pub summary: Summary,
    pub model: ModelView,
    pub samples: Table,
    pub hourly: Table,
}

impl Data {
    pub fn new(summary: &Summary, samples: Table, hourly_csv: &[u8]) -> Result<Self, Error> {
        let model = ModelView::from_json(&summary.model);
        let meta = Meta {
            program: summary.program.name.clone(),
            version: summary.program.version.clone(),
            scenario: summary.scenario.name.clone(),
            scenario_title: summary.scenario.title.clone(),
            sha256: summary.scenario.sha256.clone(),
            study_year: summary.scenario.study_year,
            samples: summary.run.samples,
            first_sample: summary.run.first_sample,
            seed: summary.run.seed,
            representative: summary.representative.sample,
            representative_metric: summary.representative.metric.clone(),
            zones: model.zones.clone(),
        };
        Ok(Data {
            meta,
            summary: summary.clone(),
            model,
            samples,
            hourly: Table::parse(hourly_csv, "hourly-median.csv")?,
        })
    }

    pub fn metric(&self, key: &str) -> Option<&Estimate> {
        self.summary.metrics.iter().find(|m| m.estimate.key == key).map(|m| &m.estimate)
    }

    /// Values of a metric across samples, in sample order.
    pub fn sample_values(&self, key: &str) -> Option<Vec<f64>> {
        self.samples.col(key).map(|c| c.iter().copied().filter(|v| v.is_finite()).collect())
    }
}

/// Day of month and month (1-based) of a 1-based day of the year.
pub fn month_day(year: i32, day_of_year: u32) -> (u32, u32) {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let lengths = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut d = day_of_year.max(1);
    for (m, len) in lengths.iter().enumerate() {
        if d <= *len {
            return (m as u32 + 1, d);
        }
        d -= len;
    }
    (12, 31)
}

pub const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
