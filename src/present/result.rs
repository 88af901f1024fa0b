//! A finished run's complete result directory: the io layer's files plus
//! the charts and the report drawn from them (`run`, `merge`, `chart`).

use crate::base::error::Error;
use crate::io::output::{Files, REPRESENTATIVE_METRIC, Summary, Timing, hourly_csv, summary, summary_json};
use crate::model::scenario::Source;
use crate::sim::engine::Results;
use std::path::Path;

/// Everything a finished run writes: summary, per-sample rows, the hourly
/// dispatch of the representative (median) sample, and the scenario text.
/// Used by `run` and by `merge`, so a merged result is the same bytes as
/// one run (timing fields aside).
pub fn result_files(
    study: &crate::sim::engine::Study,
    source: &Source,
    results: &Results,
    timing: Timing,
    charts: crate::present::chart::Formats,
    lang: crate::present::names::Lang,
) -> Result<(Summary, Files), Error> {
    let model = study.model;
    let rep_metric = results.registry.index(REPRESENTATIVE_METRIC).unwrap_or(0);
    let rep = results.median_sample(rep_metric);
    let trace = study.trace(results.method.seed, rep);
    let summary = summary(model, source, results, rep, timing);
    let hourly = hourly_csv(model, &trace);
    let mut files = vec![
        ("summary.json".to_string(), summary_json(&summary)),
        ("hourly-median.csv".to_string(), hourly),
        ("scenario.toml".to_string(), source.text.clone().into_bytes()),
    ];
    let charts = crate::present::chart::render(&summary, chart_samples(results), &files[1].1, charts)?;
    files.extend(charts);
    let page = crate::present::report::report_html_in(&summary, &files[2..].to_vec(), lang);
    files.push(("report.html".to_string(), page));
    Ok((summary, files))
}

/// The per-sample columns the charts draw, from in-memory results.
fn chart_samples(results: &Results) -> crate::present::chart::data::Table {
    let mut t = crate::present::chart::data::Table { names: Vec::new(), cols: Vec::new() };
    for key in crate::present::chart::data::SAMPLE_KEYS {
        if let Some(j) = results.registry.index(key) {
            t.names.push(key.to_string());
            t.cols.push(results.column(j));
        }
    }
    t
}

/// The saved results a redraw reads (and does not rewrite).
pub const SAVED: [&str; 3] = ["summary.json", "hourly-median.csv", "scenario.toml"];

/// Redraw the charts and report of a result directory from its saved files
/// (no simulation); returns the directory's complete new contents.
pub fn redraw(dir: &Path) -> Result<Files, Error> {
    let read = |name: &str| -> Result<Vec<u8>, Error> {
        let p = dir.join(name);
        crate::base::fsread::read(&p, crate::base::fsread::DATA_LIMIT).map_err(|e| Error::Input {
            path: p,
            message: format!("cannot read ({e}); is this a renewplan result directory?"),
        })
    };
    let summary_bytes = read("summary.json")?;
    let summary: Summary = serde_json::from_slice(&summary_bytes).map_err(|e| Error::Input {
        path: dir.join("summary.json"),
        message: format!("not a renewplan summary: {e}"),
    })?;
    let mut files = vec![
        ("summary.json".to_string(), summary_bytes),
        ("hourly-median.csv".to_string(), read("hourly-median.csv")?),
        ("scenario.toml".to_string(), read("scenario.toml")?),
    ];
    let samples = crate::present::chart::data::read_samples(dir)?;
    let charts = crate::present::chart::render(&summary, samples, &files[1].1, crate::present::chart::Formats::All)?;
    files.extend(charts);
    files.push(("report.html".to_string(), crate::present::report::report_html(&summary, &files[2..].to_vec())));
    Ok(files)
}

/// The files of a merged run: the same bytes as one run (timing aside).
pub fn merged_files(m: &crate::io::shard::Merged) -> Result<(Summary, Files), Error> {
    let study = crate::sim::engine::Study::new(&m.model);
    result_files(&study, &m.source, &m.results, m.timing.clone(), Default::default(), Default::default())
}
