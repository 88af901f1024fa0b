//! The command line's arguments (clap).

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

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
        /// Redraw a result that has no manifest (an older renewplan's):
        /// chart and report files of the same names are replaced.
        #[arg(long)]
        force: bool,
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
    pub shard: Option<crate::io::shard::Shard>,
    /// Re-run exactly what a summary.json records (its scenario.toml beside
    /// it, seed, sample range) and check that every file beside it is
    /// reproduced byte for byte (timing aside).
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
    /// Chart files to draw: none, svg, png or all (report.html inlines the
    /// SVGs when drawn).
    #[arg(long, value_name = "FORMATS", default_value = "all", value_parser = parse_charts)]
    pub charts: crate::present::chart::Formats,
    /// Language of report.html's headings, key results and economics: en
    /// or zh (Chinese); charts and the full metric list stay in English.
    #[arg(long, value_name = "LANG", default_value = "en", value_parser = parse_lang)]
    pub lang: crate::present::names::Lang,
}

fn parse_lang(s: &str) -> Result<crate::present::names::Lang, String> {
    crate::present::names::Lang::parse(s).ok_or_else(|| {
        format!("`{s}` is not a report language; accepted: {}", crate::present::names::Lang::NAMES.join(", "))
    })
}

fn parse_charts(s: &str) -> Result<crate::present::chart::Formats, String> {
    crate::present::chart::Formats::parse(s).ok_or_else(|| {
        format!("`{s}` is not a chart format; accepted: {}", crate::present::chart::Formats::NAMES.join(", "))
    })
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
