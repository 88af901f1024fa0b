//! What every command shares: the progress bar, warnings, the output
//! preflight, the thread pool.

use crate::base::error::Error;
use crate::model::scenario::Source;
use std::io::IsTerminal;
use std::path::PathBuf;

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
    bar.set_prefix(name.to_string());
    bar
}

/// Print the plan's warnings (valid but suspicious values) once, on stderr.
pub(crate) fn warn(src: &Source, m: &crate::model::Model) {
    for w in crate::model::scenario::warnings::check(m) {
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
