//! Command-line interface: `run` (the default), `validate`, `reference`.
//!
//! The only module that talks to the terminal. It loads scenarios, calls
//! the engine with a progress bar, prints the key-results table and hands
//! result files to `output`.

use crate::base::error::Error;
use crate::io::output;
use crate::model::scenario::{self, Source};
use crate::sim::engine::{Method, Study};
mod args;
mod common;
mod study;

pub use args::*;
use common::{preflight, progress_bar, warn};
use std::path::PathBuf;
use std::time::Instant;

pub fn main(cli: Cli) -> Result<(), Error> {
    match cli.command.unwrap_or(Command::Run(RunArgs { out: PathBuf::from("renewplan-out"), ..Default::default() })) {
        Command::Run(args) => run(args),
        Command::Compare(args) => compare(args),
        Command::Sweep(args) => crate::cli::study::sweep(args),
        Command::Size(args) => crate::cli::study::size(args),
        Command::Buildout(args) => crate::cli::study::buildout(args),
        Command::Elcc(args) => crate::cli::study::elcc(args),
        Command::Validate { scenarios } => validate(&scenarios),
        Command::Merge { dirs, out, force, quiet } => {
            let merged = crate::io::shard::merge(&dirs, 0)?;
            let (summary, files) = crate::present::result::merged_files(&merged)?;
            let results = &merged.results;
            output::write_dir_streams(&out, &files, &[output::samples_stream("samples.csv", results)], force)?;
            if !quiet {
                println!("{}", crate::present::terminal::table(&summary));
            }
            println!("merged {} partial results into {}", dirs.len(), out.display());
            Ok(())
        }
        Command::Chart { dirs } => {
            for dir in dirs {
                let files = crate::present::result::redraw(&dir)?;
                let samples = output::copy_stream("samples.csv", dir.join("samples.csv"));
                output::write_dir_streams(&dir, &files, &[samples], false)?;
                println!("charts and report redrawn in {}", dir.display());
            }
            Ok(())
        }
        Command::FitWeather { data, site, format, utc_offset, out } => {
            fit_weather(&data, &site, &format, utc_offset, out)
        }
        Command::Reference => {
            print!("{}", scenario::reference::markdown());
            Ok(())
        }
    }
}

fn sources(paths: &[PathBuf]) -> Result<Vec<Source>, Error> {
    if paths.is_empty() {
        return Ok(vec![Source::embedded_default()]);
    }
    paths.iter().map(|p| Source::from_file(p)).collect()
}

fn validate(paths: &[PathBuf]) -> Result<(), Error> {
    let mut problems = Vec::new();
    for src in sources(paths)? {
        match scenario::load(&src) {
            Ok(m) => {
                warn(&src, &m);
                println!("{}: ok ({}, {} zones, {} hours)", src.name, m.name, m.zones.len(), m.hours())
            }
            Err(Error::Scenario(p)) => problems.extend(p),
            Err(e) => return Err(e),
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(Error::Scenario(problems)) }
}

/// Resolve every scenario before simulating any (a typo in the third file
/// must not cost the first two runs); names must be unique, since results
/// go to one subdirectory per scenario name.
fn load_all(srcs: &[Source]) -> Result<Vec<crate::model::Model>, Error> {
    let mut models = Vec::new();
    let mut problems = Vec::new();
    for s in srcs {
        match scenario::load(s) {
            Ok(m) => models.push(m),
            Err(Error::Scenario(p)) => problems.extend(p),
            Err(e) => return Err(e),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Scenario(problems));
    }
    for (m, s) in models.iter().zip(srcs) {
        warn(s, m);
    }
    for (i, a) in models.iter().enumerate() {
        if let Some(j) = models[..i].iter().position(|b| b.name == a.name) {
            return Err(Error::Usage(format!(
                "scenarios {} and {} are both named `{}`; their results would share one directory: give each a unique [scenario] name",
                srcs[j].name, srcs[i].name, a.name
            )));
        }
    }
    Ok(models)
}

fn reproduce(args: &RunArgs, path: &std::path::Path) -> Result<(), Error> {
    let bad = |m: String| Error::Input { path: path.to_path_buf(), message: m };
    let text = std::fs::read_to_string(path).map_err(|e| bad(format!("cannot read: {e}")))?;
    let old: output::Summary =
        serde_json::from_str(&text).map_err(|e| bad(format!("not a renewplan summary.json: {e}")))?;
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    let scen_path = dir.join("scenario.toml");
    let scen_text = std::fs::read_to_string(&scen_path).map_err(|e| Error::Input {
        path: scen_path.clone(),
        message: format!("cannot read the recorded scenario: {e}"),
    })?;
    let src = Source {
        name: old.scenario.file.clone(),
        dir: std::path::Path::new(&old.scenario.file).parent().map(std::path::Path::to_path_buf),
        text: scen_text,
    };
    if src.hash() != old.scenario.sha256 {
        return Err(Error::Input {
            path: scen_path,
            message: "does not match the sha256 recorded in summary.json".into(),
        });
    }
    if old.program.version != output::VERSION {
        eprintln!(
            "warning: {} was written by renewplan {}; this is {}: results may differ",
            path.display(),
            old.program.version,
            output::VERSION
        );
    }
    let model = scenario::load(&src)?;
    let study = Study::new(&model);
    preflight(&args.out, old.run.samples)?;
    let method =
        Method { seed: old.run.seed, first: old.run.first_sample, samples: old.run.samples, threads: args.threads };
    let t0 = Instant::now();
    let results = study.run(method, &|_| {});
    let elapsed = t0.elapsed().as_secs_f64();
    let timing = output::Timing {
        threads: if args.threads == 0 { rayon::current_num_threads() } else { args.threads },
        elapsed_s: elapsed,
        sample_years_per_s: method.samples as f64 / elapsed.max(1e-9),
    };
    let (mut summary, mut files) =
        crate::present::result::result_files(&study, &src, &results, timing, args.charts, args.lang)?;
    if old.stopping.is_some() {
        summary.stopping = old.stopping.clone();
        files[0].1 = output::summary_json(&summary);
    }
    output::write_dir_streams(&args.out, &files, &[output::samples_stream("samples.csv", &results)], args.force)?;
    let differing: Vec<&str> = old
        .metrics
        .iter()
        .zip(&summary.metrics)
        .filter(|(a, b)| serde_json::to_value(a).ok() != serde_json::to_value(b).ok())
        .map(|(a, _)| a.estimate.key.as_str())
        .collect();
    if differing.is_empty() && old.metrics.len() == summary.metrics.len() {
        println!(
            "reproduced {} exactly: all {} metrics identical; written to {}",
            path.display(),
            summary.metrics.len(),
            args.out.display()
        );
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "reproduction of {} differs in {} metric(s) (first: {}); results written to {}",
            path.display(),
            differing.len().max(1),
            differing.first().copied().unwrap_or("metric count"),
            args.out.display()
        )))
    }
}

fn run(args: RunArgs) -> Result<(), Error> {
    if let Some(p) = &args.reproduce {
        return reproduce(&args, p);
    }
    let srcs = sources(&args.scenarios)?;
    let models = load_all(&srcs)?;
    if args.samples == Some(0) {
        return Err(Error::Usage("--samples must be at least 1".into()));
    }
    let several = models.len() > 1;
    for (model, src) in models.iter().zip(&srcs) {
        let dir = if several { args.out.join(&model.name) } else { args.out.clone() };
        let total = args.samples.unwrap_or(model.default_samples);
        let (first, samples) = args.shard.map_or((0, total), |s| s.range(total));
        let method = Method { seed: args.seed.unwrap_or(model.default_seed), first, samples, threads: args.threads };
        let study = Study::new(model);
        let cap = if args.target_rse.is_some() { args.max_samples } else { method.samples };
        preflight(&dir, cap)?;
        let t0 = Instant::now();
        let (results, stopping) = match args.target_rse {
            None => {
                let bar = progress_bar(method.samples, args.quiet, &model.name);
                let r = study.run(method, &|n| bar.inc(n));
                bar.finish_and_clear();
                (r, None)
            }
            Some(target) => {
                let precision = precision(&args, &study, target)?;
                let bar = progress_bar(precision.max_samples, args.quiet, &model.name);
                let (r, stop) = study.run_to_precision(method.seed, args.threads, &precision, &|n| bar.inc(n));
                bar.finish_and_clear();
                (r, Some(stop))
            }
        };
        let method = results.method;
        let elapsed = t0.elapsed().as_secs_f64();
        let threads = if args.threads == 0 { rayon::current_num_threads() } else { args.threads };
        let timing = output::Timing {
            threads,
            elapsed_s: elapsed,
            sample_years_per_s: method.samples as f64 / elapsed.max(1e-9),
        };
        if let Some(shard) = args.shard {
            let files = crate::io::shard::partial_files(src, &results, total, shard, &model.name);
            output::write_dir_streams(&dir, &files, &[output::samples_stream("samples.csv", &results)], args.force)?;
            println!(
                "shard {}/{} (samples {}..{}) written to {}",
                shard.k,
                shard.n,
                first,
                first + samples,
                dir.display()
            );
            continue;
        }
        let (mut summary, mut files) =
            crate::present::result::result_files(&study, src, &results, timing, args.charts, args.lang)?;
        if let Some(k) = args.hourly_sample {
            if k < method.first || k >= method.first + method.samples {
                return Err(Error::Usage(format!(
                    "--hourly-sample {k}: this run has samples {}..{}",
                    method.first,
                    method.first + method.samples
                )));
            }
            let trace = study.trace(method.seed, k);
            files.push((format!("hourly-sample-{k}.csv"), output::hourly_csv(model, &trace)));
        }
        if let Some(stop) = stopping {
            println!("stopped after {} samples: {}", stop.samples, stop.reason);
            summary.stopping = Some(stop);
            files[0].1 = output::summary_json(&summary);
        }
        output::write_dir_streams(&dir, &files, &[output::samples_stream("samples.csv", &results)], args.force)?;
        if !args.quiet {
            println!("{}", crate::present::terminal::table(&summary));
            println!(
                "{} samples in {:.2} s ({:.0} sample-years/s, {} threads)",
                method.samples, elapsed, summary.timing.sample_years_per_s, threads
            );
        }
        println!("results written to {}", dir.display());
    }
    Ok(())
}

fn precision(args: &RunArgs, study: &Study, target: f64) -> Result<crate::sim::engine::Precision, Error> {
    if !(target > 0.0 && target < 1.0) {
        return Err(Error::Usage(format!(
            "--target-rse {target}: give a relative standard error between 0 and 1, e.g. 0.01"
        )));
    }
    if args.shard.is_some() || args.samples.is_some() {
        return Err(Error::Usage(
            "--target-rse chooses the sample count itself: use --max-samples for the cap, not --samples or --shard"
                .into(),
        ));
    }
    if args.batch < 2 || args.max_samples < args.batch {
        return Err(Error::Usage("--batch must be at least 2 and no larger than --max-samples".into()));
    }
    let metric = study.registry.index(&args.target_metric).ok_or_else(|| {
        let keys: Vec<&str> = study.registry.defs.iter().map(|d| d.key.as_str()).collect();
        Error::Usage(format!(
            "--target-metric `{}` is not a metric of this scenario{}; e.g. system.utilisation_rate, system.unserved_mwh, system.lole_h",
            args.target_metric,
            crate::base::suggest::suggest(&args.target_metric, &keys)
        ))
    })?;
    Ok(crate::sim::engine::Precision { metric, target_rse: target, batch: args.batch, max_samples: args.max_samples })
}

fn compare(args: RunArgs) -> Result<(), Error> {
    if args.scenarios.len() < 2 {
        return Err(Error::Usage(
            "compare needs a base scenario and at least one other: compare BASE.toml OTHER.toml...".into(),
        ));
    }
    if args.shard.is_some() {
        return Err(Error::Usage("compare does not take --shard; shard each scenario with `run --shard`".into()));
    }
    let srcs = sources(&args.scenarios)?;
    let models = load_all(&srcs)?;
    let samples = args.samples.unwrap_or(models[0].default_samples);
    if samples < 2 {
        return Err(Error::Usage("--samples must be at least 2 for a paired comparison".into()));
    }
    // One seed and one sample range for all: common random numbers.
    // Threads come from the one pool installed below (threads: 0 = the
    // current pool), so scenarios and samples share it.
    let method = Method { seed: args.seed.unwrap_or(models[0].default_seed), first: 0, samples, threads: 0 };
    let studies: Vec<Study> = models.iter().map(Study::new).collect();
    preflight(&args.out, samples)?;
    let t0 = Instant::now();
    let bar = progress_bar(samples * models.len() as u64, args.quiet, "compare");
    let work = || {
        use rayon::prelude::*;
        studies.par_iter().map(|s| s.run(method, &|n| bar.inc(n))).collect::<Vec<_>>()
    };
    let runs = common::in_pool(args.threads, work);
    bar.finish_and_clear();
    let elapsed = t0.elapsed().as_secs_f64();
    let names: Vec<String> = models.iter().map(|m| m.name.clone()).collect();
    let rows = crate::study::compare::compare(&names, &runs);
    let threads = if args.threads == 0 { rayon::current_num_threads() } else { args.threads };
    let mut files = Vec::new();
    for ((study, src), results) in studies.iter().zip(&srcs).zip(&runs) {
        let timing = output::Timing { threads, elapsed_s: elapsed, sample_years_per_s: 0.0 };
        let (_, f) =
            crate::present::result::result_files(study, src, results, timing, Default::default(), Default::default())?;
        files.extend(f.into_iter().map(|(name, bytes)| (format!("{}/{name}", study.model.name), bytes)));
    }
    let streams: Vec<output::Stream> = studies
        .iter()
        .zip(&runs)
        .map(|(study, results)| output::samples_stream(&format!("{}/samples.csv", study.model.name), results))
        .collect();
    files.extend(crate::present::chart::render_compare(&rows, &names[0], samples, method.seed)?);
    files.push(("compare.csv".into(), crate::study::compare::csv(&rows)));
    let mut json = serde_json::to_vec_pretty(&serde_json::json!({
        "program": { "name": output::PROGRAM, "version": output::VERSION },
        "base": names[0],
        "scenarios": names,
        "seed": method.seed,
        "samples": samples,
        "rows": rows,
    }))
    .unwrap_or_default();
    json.push(b'\n');
    files.push(("compare.json".into(), json));
    output::write_dir_streams(&args.out, &files, &streams, args.force)?;
    if !args.quiet {
        println!("{}", crate::study::compare::table(&rows, &names[0]));
        println!("{} scenarios × {samples} samples in {elapsed:.2} s", names.len());
    }
    println!("results written to {}", args.out.display());
    Ok(())
}

fn fit_weather(
    data: &std::path::Path,
    site: &str,
    format: &str,
    utc_offset: f64,
    out: Option<PathBuf>,
) -> Result<(), Error> {
    let text = std::fs::read_to_string(data)
        .map_err(|e| Error::Input { path: data.to_path_buf(), message: format!("cannot read: {e}") })?;
    let name = data.display().to_string();
    let format = if format == "auto" {
        if text.contains("time(UTC)") {
            "pvgis-tmy"
        } else if text.contains("G(i)") || text.contains("Slope:") {
            "pvgis-hourly"
        } else if text.lines().next().is_some_and(|l| l.starts_with('#')) {
            "ninja"
        } else {
            return Err(Error::Input {
                path: data.to_path_buf(),
                message: "cannot tell the format from the header; give --format pvgis-tmy, pvgis-hourly or ninja"
                    .into(),
            });
        }
    } else {
        format
    };
    let series = match format {
        "pvgis-tmy" => crate::data::pvgis::read_tmy(&text, &name),
        "pvgis-hourly" => crate::data::pvgis::read_hourly(&text, &name),
        "ninja" => crate::data::ninja::read_weather(&text, &name),
        other => {
            return Err(Error::Usage(format!("--format `{other}`: accepted: auto, pvgis-tmy, pvgis-hourly, ninja")));
        }
    }
    .map_err(|e| Error::Scenario(vec![e.to_problem()]))?;
    let fitted = crate::study::fit::fit_site(&series, utc_offset).map_err(|e| Error::Scenario(vec![e.to_problem()]))?;
    let toml = fitted.to_toml(site);
    eprintln!("{}", fitted.report.to_table());
    match out {
        Some(p) => {
            std::fs::write(&p, &toml)
                .map_err(|e| Error::Io { context: format!("cannot write {}", p.display()), source: e })?;
            println!("[[site]] block written to {}", p.display());
        }
        None => print!("{toml}"),
    }
    Ok(())
}
