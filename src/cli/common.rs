//! What every command shares: the progress bar, warnings, the output
//! preflight, the thread pool.

use crate::base::error::Error;
use crate::model::scenario::Source;
use std::io::IsTerminal;

pub(crate) fn progress(n: u64, quiet: bool, name: &str) -> indicatif::ProgressBar {
    progress_bar(n, quiet, name)
}

pub(crate) fn progress_bar(n: u64, quiet: bool, name: &str) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(n);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{prefix} [{bar:40}] {pos}/{len} samples ({per_sec}, eta {eta})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(crate::base::fmt::printable(name));
    bar
}

/// Print the plan's warnings (valid but suspicious values) once, on stderr.
pub(crate) fn warn(src: &Source, m: &crate::model::Model) {
    for w in crate::model::scenario::warnings::check(m) {
        eprintln!("warning: {}: {}", src.name, crate::base::fmt::printable(&w));
    }
}

/// Before simulating: the output directory must be one renewplan may write
/// (`io::outdir::check`: not a link, a file, the current directory or a
/// directory of files renewplan did not write, unless `force`; writable),
/// and the per-sample rows must fit in memory (exit 2 otherwise, nothing
/// written).
pub(crate) fn preflight(out: &std::path::Path, samples: u64, force: bool) -> Result<(), Error> {
    crate::io::outdir::check(out, force)?;
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

/// At most this many worker threads per available core: more only costs
/// memory and switching (results do not depend on the thread count).
const THREADS_PER_CORE: usize = 4;

/// `--threads` capped at [`THREADS_PER_CORE`] × the available cores, with a
/// warning (0, all cores, stays 0).
pub(crate) fn cap_threads(threads: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cap = THREADS_PER_CORE * cores;
    if threads > cap {
        eprintln!(
            "warning: --threads {threads} is more than {THREADS_PER_CORE} per available core ({cores}); using {cap} (results do not depend on it)"
        );
        return cap;
    }
    threads
}

/// Run `f` in a pool of `threads` workers (0: the global pool, all cores).
pub(crate) fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    if threads == 0 {
        return f();
    }
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(f),
        Err(_) => f(),
    }
}
