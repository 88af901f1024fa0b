//! Command-line interface: `run` (the default), `validate`, `reference`.
//!
//! The only module that talks to the terminal. It loads scenarios, calls
//! the engine with a progress bar, prints the key-results table and hands
//! result files to `output`.

use crate::engine::{Method, Study};
use crate::error::Error;
use crate::output;
use crate::scenario::{self, Source};
use clap::{Args, Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Parser)]
#[command(name = "renewplan", version, about = "Monte Carlo capacity planning for renewable buildouts behind transmission limits", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate scenarios and write results (default: the bundled Alxa 2030 base scenario).
    Run(RunArgs),
    /// Compare scenarios with the first (the base) on common random numbers:
    /// paired differences with 95 % confidence intervals.
    Compare(RunArgs),
    /// Vary scenario values over a grid (every point on common random numbers).
    Sweep(SweepArgs),
    /// Find the smallest value of a capacity that meets a target.
    Size(SizeArgs),
    /// Capacity credit (ELCC) of an asset: the load it lets the system carry at the same reliability.
    Elcc(ElccArgs),
    /// Simulate each study year of a build-out schedule and report the trajectory.
    Buildout(BuildoutArgs),
    /// Check scenario files without simulating.
    Validate {
        /// Scenario files (TOML).
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
    },
    /// Merge partial results of `run --shard K/N` into one result.
    Merge {
        /// Partial result directories (one per shard).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Output directory.
        #[arg(long, short = 'o', default_value = "renewplan-out")]
        out: PathBuf,
        /// Replace an existing output directory that is not a renewplan result.
        #[arg(long)]
        force: bool,
        /// No table.
        #[arg(long, short = 'q')]
        quiet: bool,
    },
    /// Redraw the charts and report.html of a result directory from its saved results (no simulation).
    Chart {
        /// Result directory written by `run` or `merge`.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
    },
    /// Fit the stochastic weather generator to a data file and print a [[site]] block.
    FitWeather {
        /// Weather data: PVGIS TMY or hourly CSV, or renewables.ninja weather CSV.
        data: PathBuf,
        /// Name of the [[site]] to write.
        #[arg(long)]
        site: String,
        /// pvgis-tmy, pvgis-hourly, ninja, or auto (from the file's header).
        #[arg(long, default_value = "auto")]
        format: String,
        /// Local time zone of the site, hours ahead of UTC (monthly and diurnal shapes are in local time).
        #[arg(long, default_value_t = 8.0)]
        utc_offset: f64,
        /// Write the [[site]] block to this file instead of standard output.
        #[arg(long, short = 'o')]
        out: Option<PathBuf>,
    },
    /// Print the scenario file reference (Markdown).
    Reference,
}

#[derive(Debug, Args, Default)]
pub struct RunArgs {
    /// Scenario files (TOML); none runs the bundled base scenario.
    pub scenarios: Vec<PathBuf>,
    /// Monte Carlo samples (possible years); default from the scenario's [run].
    #[arg(long, short = 'n')]
    pub samples: Option<u64>,
    /// Seed; default from the scenario's [run].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output directory (one subdirectory per scenario when several are given).
    #[arg(long, short = 'o', default_value = "renewplan-out")]
    pub out: PathBuf,
    /// Worker threads (0 = all cores). Results do not depend on it.
    #[arg(long, short = 'j', default_value_t = 0)]
    pub threads: usize,
    /// Replace an existing output directory that is not a renewplan result.
    #[arg(long)]
    pub force: bool,
    /// Run only the K-th of N disjoint sample ranges (1 ≤ K ≤ N) and write a
    /// partial result for `renewplan merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::shard::Shard>,
    /// Re-run exactly what a summary.json records (its scenario.toml beside
    /// it, seed, sample range) and check that the results are identical.
    #[arg(long, value_name = "SUMMARY_JSON", conflicts_with_all = ["scenarios", "samples", "seed", "shard", "target_rse"])]
    pub reproduce: Option<PathBuf>,
    /// Keep adding samples in batches until the relative standard error of
    /// --target-metric is at most this (e.g. 0.01), or --max-samples is reached.
    #[arg(long, value_name = "RSE")]
    pub target_rse: Option<f64>,
    /// Metric for --target-rse.
    #[arg(long, default_value = "system.utilisation_rate", value_name = "KEY")]
    pub target_metric: String,
    /// Samples per batch for --target-rse.
    #[arg(long, default_value_t = 100)]
    pub batch: u64,
    /// Sample cap for --target-rse.
    #[arg(long, default_value_t = 100_000)]
    pub max_samples: u64,
    /// Also write the hourly weather, fleet output and dispatch of this
    /// sample (hourly-sample-K.csv), besides the median sample's.
    #[arg(long, value_name = "K")]
    pub hourly_sample: Option<u64>,
    /// No progress bar and no table.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

pub fn main(cli: Cli) -> Result<(), Error> {
    match cli.command.unwrap_or(Command::Run(RunArgs { out: PathBuf::from("renewplan-out"), ..Default::default() })) {
        Command::Run(args) => run(args),
        Command::Compare(args) => compare(args),
        Command::Sweep(args) => crate::cli_study::sweep(args),
        Command::Size(args) => crate::cli_study::size(args),
        Command::Buildout(args) => crate::cli_study::buildout(args),
        Command::Elcc(args) => crate::cli_study::elcc(args),
        Command::Validate { scenarios } => validate(&scenarios),
        Command::Merge { dirs, out, force, quiet } => {
            let (summary, files, results) = crate::shard::merge(&dirs, 0)?;
            output::write_dir_streams(&out, &files, &[output::samples_stream("samples.csv", &results)], force)?;
            if !quiet {
                println!("{}", output::table(&summary));
            }
            println!("merged {} partial results into {}", dirs.len(), out.display());
            Ok(())
        }
        Command::Chart { dirs } => {
            for dir in dirs {
                let files = output::redraw(&dir)?;
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

/// Options shared by the study commands (`sweep`, `size`, `buildout`).
#[derive(Debug, Args, Clone)]
pub struct CommonArgs {
    /// Base scenario file (TOML); omitted: the bundled base scenario.
    pub scenario: Option<PathBuf>,
    /// Monte Carlo samples per point; default from the scenario's [run].
    #[arg(long, short = 'n')]
    pub samples: Option<u64>,
    /// Seed (the same for every point: common random numbers).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output directory.
    #[arg(long, short = 'o', default_value = "renewplan-out")]
    pub out: PathBuf,
    /// Worker threads (0 = all cores).
    #[arg(long, short = 'j', default_value_t = 0)]
    pub threads: usize,
    /// Replace an existing output directory that is not a renewplan result.
    #[arg(long)]
    pub force: bool,
    /// No table.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// KEY=START:STOP:STEP or KEY=V1,V2,... (repeat for a grid); keys as
    /// TABLE.NAME.FIELD, e.g. storage.battery.energy_mwh. Default: the
    /// scenario's [sweep] table.
    #[arg(long = "vary", value_name = "KEY=SPEC")]
    pub vary: Vec<crate::study::Axis>,
}

#[derive(Debug, Args)]
pub struct SizeArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// The capacity to size and its search range: KEY=LO:HI, e.g. line.corridor-500kv.circuit_mw=1200:12000.
    #[arg(long, value_name = "KEY=LO:HI")]
    pub capacity: String,
    /// Target, e.g. "system.utilisation_rate.p10 >= 0.95" or "system.lole_h.mean <= 0.1".
    #[arg(long)]
    pub target: crate::study::Target,
    /// Stop when the bracket is narrower than this (in the capacity's unit); default 1 % of the range.
    #[arg(long)]
    pub tolerance: Option<f64>,
}

#[derive(Debug, Args)]
pub struct ElccArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Capacity key of the asset, e.g. wind_fleet.luanjingtan-wind.capacity_mw.
    #[arg(long)]
    pub asset: String,
    /// Zone where the carried load is added.
    #[arg(long)]
    pub zone: String,
    /// Reliability metric held constant.
    #[arg(long, default_value = "system.lole_h")]
    pub metric: String,
    /// Bisection tolerance, MW.
    #[arg(long, default_value_t = 5.0)]
    pub tolerance: f64,
}

#[derive(Debug, Args)]
pub struct BuildoutArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Study years: FIRST:LAST (every year) or Y1,Y2,...
    #[arg(long, default_value = "2024:2030")]
    pub years: String,
}

pub(crate) fn progress(n: u64, quiet: bool, name: &str) -> indicatif::ProgressBar {
    progress_bar(n, quiet, name)
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

/// Print the plan's warnings (valid but suspicious values) once, on stderr.
pub(crate) fn warn(src: &Source, m: &crate::model::Model) {
    for w in crate::scenario::warnings::check(m) {
        eprintln!("warning: {}: {w}", src.name);
    }
}

/// Before simulating: the output directory must be creatable and writable,
/// and the per-sample rows must fit in memory (exit 2 otherwise, nothing
/// written).
pub(crate) fn preflight(out: &std::path::Path, samples: u64) -> Result<(), Error> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut existing = parent.as_path();
    while !existing.exists() {
        existing = existing.parent().unwrap_or(std::path::Path::new("."));
    }
    let probe = existing.join(format!(".renewplan-write-test-{}", std::process::id()));
    if std::fs::write(&probe, b"").is_err() {
        return Err(Error::Usage(format!(
            "cannot write the output directory {}: {} is not writable; choose another --out",
            out.display(),
            existing.display()
        )));
    }
    let _ = std::fs::remove_file(&probe);
    if out.exists() && !out.is_dir() {
        return Err(Error::Usage(format!("--out {} is a file, not a directory", out.display())));
    }
    // Rows beyond a budget go to a temporary file (rows.rs); what stays in
    // memory per sample is one metric's column at a time while estimates
    // and the median sample are computed (value + index + sort copy).
    let need = samples as f64 * (8.0 * 3.0);
    if let Some(avail) = available_memory_bytes()
        && need > 0.8 * avail
    {
        return Err(Error::Usage(format!(
            "{samples} samples need about {:.1} GB of memory for their estimates but {:.1} GB is available; use fewer samples or split the run with --shard K/N and merge",
            need / 1e9,
            avail / 1e9
        )));
    }
    Ok(())
}

fn available_memory_bytes() -> Option<f64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024.0)
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
    let (mut summary, mut files) = output::result_files(&study, &src, &results, timing)?;
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
            let files = crate::shard::partial_files(src, &results, total, shard, &model.name);
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
        let (mut summary, mut files) = output::result_files(&study, src, &results, timing)?;
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
            println!("{}", output::table(&summary));
            println!(
                "{} samples in {:.2} s ({:.0} sample-years/s, {} threads)",
                method.samples, elapsed, summary.timing.sample_years_per_s, threads
            );
        }
        println!("results written to {}", dir.display());
    }
    Ok(())
}

fn precision(args: &RunArgs, study: &Study, target: f64) -> Result<crate::engine::Precision, Error> {
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
            crate::scenario::resolve::suggest(&args.target_metric, &keys)
        ))
    })?;
    Ok(crate::engine::Precision { metric, target_rse: target, batch: args.batch, max_samples: args.max_samples })
}

fn progress_bar(n: u64, quiet: bool, name: &str) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(n);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{prefix} [{bar:40}] {pos}/{len} samples ({per_sec}, eta {eta})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(name.to_string());
    bar
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
    let runs = crate::cli_study::in_pool(args.threads, work);
    bar.finish_and_clear();
    let elapsed = t0.elapsed().as_secs_f64();
    let names: Vec<String> = models.iter().map(|m| m.name.clone()).collect();
    let rows = crate::compare::compare(&names, &runs);
    let threads = if args.threads == 0 { rayon::current_num_threads() } else { args.threads };
    let mut files = Vec::new();
    for ((study, src), results) in studies.iter().zip(&srcs).zip(&runs) {
        let timing = output::Timing { threads, elapsed_s: elapsed, sample_years_per_s: 0.0 };
        let (_, f) = output::result_files(study, src, results, timing)?;
        files.extend(f.into_iter().map(|(name, bytes)| (format!("{}/{name}", study.model.name), bytes)));
    }
    let streams: Vec<output::Stream> = studies
        .iter()
        .zip(&runs)
        .map(|(study, results)| output::samples_stream(&format!("{}/samples.csv", study.model.name), results))
        .collect();
    files.extend(crate::chart::render_compare(&rows, &names[0], samples, method.seed)?);
    files.push(("compare.csv".into(), crate::compare::csv(&rows)));
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
        println!("{}", crate::compare::table(&rows, &names[0]));
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
    let fitted = crate::data::fit::fit_site(&series, utc_offset).map_err(|e| Error::Scenario(vec![e.to_problem()]))?;
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
