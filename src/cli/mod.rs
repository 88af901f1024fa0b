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
    let mut command =
        cli.command.unwrap_or(Command::Run(RunArgs { out: PathBuf::from("renewplan-out"), ..Default::default() }));
    match &mut command {
        Command::Run(a) | Command::Compare(a) => a.threads = common::cap_threads(a.threads),
        Command::Sweep(a) => a.common.threads = common::cap_threads(a.common.threads),
        Command::Size(a) => a.common.threads = common::cap_threads(a.common.threads),
        Command::Buildout(a) => a.common.threads = common::cap_threads(a.common.threads),
        Command::Elcc(a) => a.common.threads = common::cap_threads(a.common.threads),
        _ => {}
    }
    match command {
        Command::Run(args) => run(args),
        Command::Compare(args) => compare(args),
        Command::Sweep(args) => crate::cli::study::sweep(args),
        Command::Size(args) => crate::cli::study::size(args),
        Command::Buildout(args) => crate::cli::study::buildout(args),
        Command::Elcc(args) => crate::cli::study::elcc(args),
        Command::Validate { scenarios } => validate(&scenarios),
        Command::Merge { dirs, out, force, quiet } => {
            // The output is checked before the shards are read.
            crate::io::outdir::check(&out, force)?;
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
        Command::Chart { dirs, force } => {
            for dir in dirs {
                // Only the drawn files are replaced (charts, report.html);
                // the saved results they are drawn from, other files
                // renewplan wrote (hourly-sample-K.csv) and files it did
                // not write stay as they are.
                let files: output::Files = crate::present::result::redraw(&dir)?
                    .into_iter()
                    .filter(|(name, _)| !crate::present::result::SAVED.contains(&name.as_str()))
                    .collect();
                crate::io::outdir::update_files(&dir, &files, force)?;
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
                let bad_sweep = sweep_problems(&src);
                if !bad_sweep.is_empty() {
                    problems.extend(bad_sweep);
                    continue;
                }
                println!(
                    "{}: ok ({}, {} zones, {} hours)",
                    src.name,
                    crate::base::fmt::printable(&m.name),
                    m.zones.len(),
                    m.hours()
                )
            }
            Err(Error::Scenario(p)) => problems.extend(p),
            Err(e) => return Err(e),
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(Error::Scenario(problems)) }
}

/// Problems of a scenario's `[sweep]` table (ignored by `run`, read by
/// `sweep`): each entry must be a range or a list, and the grid at most
/// 10,000 points.
fn sweep_problems(src: &Source) -> Vec<crate::base::error::Problem> {
    let Ok(raw) = scenario::parse(src) else { return Vec::new() };
    let problem = |key: String, problem: String| crate::base::error::Problem {
        file: src.name.clone(),
        line: None,
        column: None,
        key,
        problem,
        accepted: "KEY = \"START:STOP:STEP\" or \"V1,V2,...\", at most 10,000 points in all".into(),
    };
    let mut out = Vec::new();
    let mut axes = Vec::new();
    for (k, v) in &raw.sweep {
        match format!("{k}={v}").parse::<crate::study::Axis>() {
            Ok(a) => axes.push(a),
            Err(e) => out.push(problem(format!("sweep.{k}"), e)),
        }
    }
    if out.is_empty() && crate::study::grid_size(&axes).is_none_or(|n| n > 10_000) {
        out.push(problem("sweep".into(), "the grid has more than 10,000 points".into()));
    }
    out
}

/// Resolve every scenario before simulating any (a typo in the third file
/// must not cost the first two runs); names must be unique, since results
/// go to one subdirectory per scenario name.
fn load_all(srcs: &[Source]) -> Result<Vec<crate::model::Model>, Error> {
    let several = srcs.len() > 1;
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
    // A scenario's name never decides a path: it becomes a safe directory
    // name inside --out (io::outdir::dir_name).
    for (i, a) in models.iter().enumerate() {
        let dir = crate::io::outdir::dir_name(&a.name);
        if let Some(j) = models[..i].iter().position(|b| crate::io::outdir::dir_name(&b.name) == dir) {
            return Err(Error::Usage(format!(
                "scenarios {} and {} are named {:?} and {:?}; their results would share one directory `{dir}`: give each a unique [scenario] name",
                srcs[j].name, srcs[i].name, models[j].name, a.name
            )));
        }
        if several && dir != a.name {
            eprintln!(
                "warning: {}: scenario name {:?} is not a plain directory name; its results go to `{dir}`",
                srcs[i].name, a.name
            );
        }
    }
    Ok(models)
}

fn reproduce(args: &RunArgs, path: &std::path::Path) -> Result<(), Error> {
    let bad = |m: String| Error::Input { path: path.to_path_buf(), message: m };
    let text = crate::base::fsread::read_to_string(path, crate::base::fsread::TEXT_LIMIT)
        .map_err(|e| bad(format!("cannot read: {e}")))?;
    let old: output::Summary =
        serde_json::from_str(&text).map_err(|e| bad(format!("not a renewplan summary.json: {e}")))?;
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    let scen_path = dir.join("scenario.toml");
    let scen_text = crate::base::fsread::read_to_string(&scen_path, crate::base::fsread::TEXT_LIMIT).map_err(|e| {
        Error::Input { path: scen_path.clone(), message: format!("cannot read the recorded scenario: {e}") }
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
    preflight(&args.out, old.run.samples, args.force)?;
    let (first, end) = (old.run.first_sample, old.run.first_sample + old.run.samples);
    // Hourly files of other samples in the recorded result are reproduced
    // (and checked) too.
    let mut hourly: Vec<u64> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .filter_map(|e| {
                    let n = e.file_name().to_string_lossy().into_owned();
                    n.strip_prefix("hourly-sample-")?.strip_suffix(".csv")?.parse().ok()
                })
                .filter(|k| (first..end).contains(k))
                .collect()
        })
        .unwrap_or_default();
    if let Some(k) = args.hourly_sample {
        if !(first..end).contains(&k) {
            return Err(Error::Usage(format!("--hourly-sample {k}: the recorded run has samples {first}..{end}")));
        }
        hourly.push(k);
    }
    hourly.sort_unstable();
    hourly.dedup();
    let method = Method { seed: old.run.seed, first, samples: old.run.samples, threads: args.threads };
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
    for &k in &hourly {
        files.push((format!("hourly-sample-{k}.csv"), output::hourly_csv(&model, &study.trace(method.seed, k))));
    }
    // What each file must be to reproduce the recorded one: the same bytes,
    // except that summary.json and report.html show this run's timing, so
    // they are compared as drawn with the recorded timing.
    let mut same = summary.clone();
    same.timing = old.timing.clone();
    let mut expected: Vec<(String, String)> =
        files.iter().map(|(n, b)| (n.clone(), crate::io::outdir::sha256_hex(b))).collect();
    expected[0].1 = crate::io::outdir::sha256_hex(&output::summary_json(&same));
    if let Some(i) = files.iter().position(|(n, _)| n == "report.html") {
        expected[i].1 =
            crate::io::outdir::sha256_hex(&crate::present::report::report_html(&same, &files[2..i].to_vec()));
    }
    expected.push(("samples.csv".into(), String::new()));
    // The recorded files, hashed before anything is written (--out may be
    // the recorded directory itself).
    let recorded: Vec<Option<String>> =
        expected.iter().map(|(n, _)| crate::io::outdir::hash_file(&dir.join(n)).ok().map(|h| h.1)).collect();
    let manifest =
        output::write_dir_streams(&args.out, &files, &[output::samples_stream("samples.csv", &results)], args.force)?;
    if let (Some(last), Some(e)) = (expected.last_mut(), manifest.get("samples.csv")) {
        last.1 = e.sha256.clone();
    }
    let differing: Vec<String> = expected
        .iter()
        .zip(&recorded)
        .filter(|((_, want), got)| got.as_deref() != Some(want.as_str()))
        .map(|((n, _), got)| if got.is_none() { format!("{n} (missing)") } else { n.clone() })
        .collect();
    let metric = old
        .metrics
        .iter()
        .zip(&summary.metrics)
        .find(|(a, b)| serde_json::to_value(a).ok() != serde_json::to_value(b).ok())
        .map(|(a, _)| a.estimate.key.clone());
    if differing.is_empty() && old.metrics.len() == summary.metrics.len() {
        println!(
            "reproduced {} exactly: all {} files identical ({} metrics); written to {}",
            path.display(),
            expected.len(),
            summary.metrics.len(),
            args.out.display()
        );
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "reproduction of {} differs in {} file(s): {}{}; results written to {}",
            path.display(),
            differing.len(),
            differing.join(", "),
            metric.map(|k| format!(" (first differing metric: {k})")).unwrap_or_default(),
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
    if args.shard.is_some() && args.hourly_sample.is_some() {
        return Err(Error::Usage(
            "--hourly-sample is not written by a shard (a partial result has no hourly files): run it without --shard, or after merging with `run --reproduce MERGED/summary.json --hourly-sample K`".into(),
        ));
    }
    if args.samples == Some(1) {
        eprintln!(
            "warning: --samples 1: one sample has no spread, so every standard error is reported as 0; use at least 2 (estimates need several samples)"
        );
    }
    let several = models.len() > 1;
    let dirs: Vec<PathBuf> = models
        .iter()
        .map(|m| if several { args.out.join(crate::io::outdir::dir_name(&m.name)) } else { args.out.clone() })
        .collect();
    // Every output directory is checked before the first simulation.
    for (model, dir) in models.iter().zip(&dirs) {
        let total = args.samples.unwrap_or(model.default_samples);
        let (first, samples) = args.shard.map_or((0, total), |s| s.range(total));
        let cap = if args.target_rse.is_some() { args.max_samples } else { samples };
        preflight(dir, cap, args.force)?;
        if let Some(k) = args.hourly_sample
            && args.target_rse.is_none()
            && (k < first || k >= first + samples)
        {
            return Err(Error::Usage(format!(
                "--hourly-sample {k}: this run has samples {first}..{}",
                first + samples
            )));
        }
    }
    for ((model, src), dir) in models.iter().zip(&srcs).zip(dirs) {
        let total = args.samples.unwrap_or(model.default_samples);
        let (first, samples) = args.shard.map_or((0, total), |s| s.range(total));
        let method = Method { seed: args.seed.unwrap_or(model.default_seed), first, samples, threads: args.threads };
        let study = Study::new(model);
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
    if args.hourly_sample.is_some() || args.target_rse.is_some() || args.reproduce.is_some() {
        return Err(Error::Usage(
            "compare does not take --hourly-sample, --target-rse or --reproduce; use `run` for each scenario".into(),
        ));
    }
    let studies: Vec<Study> = models.iter().map(Study::new).collect();
    preflight(&args.out, samples, args.force)?;
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
        let dir = crate::io::outdir::dir_name(&study.model.name);
        files.extend(f.into_iter().map(|(name, bytes)| (format!("{dir}/{name}"), bytes)));
    }
    let streams: Vec<output::Stream> = studies
        .iter()
        .zip(&runs)
        .map(|(study, results)| {
            let dir = crate::io::outdir::dir_name(&study.model.name);
            output::samples_stream(&format!("{dir}/samples.csv"), results)
        })
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
    if !(-12.0..=14.0).contains(&utc_offset) {
        return Err(Error::Usage(format!(
            "--utc-offset {utc_offset}: time zones are between -12 and +14 hours from UTC (e.g. 8 for China)"
        )));
    }
    if let Some(p) = &out
        && let (Ok(a), Ok(b)) = (p.canonicalize(), data.canonicalize())
        && a == b
    {
        return Err(Error::Usage(format!(
            "-o {} is the data file being read; the [[site]] block would overwrite it: choose another file",
            p.display()
        )));
    }
    if let Some(p) = &out
        && std::fs::symlink_metadata(p).is_ok_and(|m| !m.is_file())
    {
        return Err(Error::Usage(format!("-o {} exists and is not a regular file; choose another file", p.display())));
    }
    let text = crate::base::fsread::read_to_string(data, crate::base::fsread::DATA_LIMIT)
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
            let io = |e: std::io::Error| Error::Io { context: format!("cannot write {}", p.display()), source: e };
            let mut tmp = tempfile::Builder::new()
                .prefix(".renewplan-tmp-")
                .tempfile_in(crate::io::outdir::parent_of(&p))
                .map_err(io)?;
            std::io::Write::write_all(&mut tmp, toml.as_bytes()).map_err(io)?;
            tmp.persist(&p).map_err(|e| io(e.error))?;
            println!("[[site]] block written to {}", p.display());
        }
        None => print!("{toml}"),
    }
    Ok(())
}
