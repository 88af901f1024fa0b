//! Split a run into shards and merge partial results into exactly what one
//! run would have written.
//!
//! `run --shard K/N` simulates the K-th (1-based) of N disjoint, contiguous
//! sample ranges, `[⌊(K−1)S/N⌋, ⌊KS/N⌋)`, and writes a *partial result*: the
//! shard's `samples.csv`, `scenario.toml` and `partial.json` (program
//! version, scenario hash, seed, total samples, shard, and the exact
//! integer profile sums). `merge DIR... --out DIR` checks every field of
//! every `partial.json` (version, hash format, shard, sample range, profile
//! sums' sizes), every shard file against the shard's manifest (sizes and
//! SHA-256), and that the partials belong together (same scenario, seed,
//! sample count and shard count; every shard present once), concatenates the rows in sample order,
//! adds the profile sums (integers: exact in any order), re-simulates the
//! representative sample and writes the same files as one run. Per-sample
//! draws depend only on (seed, sample index, stream, asset), so rows do not
//! depend on the split; summary statistics are computed from the rows in
//! sample order, so they are bitwise identical too.

use crate::base::error::Error;
use crate::io::output::{self, Files};
use crate::model::scenario::{self, Source};
use crate::sim::engine::{Method, Results};
use crate::sim::metrics::{ProfileSums, Registry};
use crate::sim::rows::Rows;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A shard specification `K/N` (1 ≤ K ≤ N).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub k: u64,
    pub n: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a shard: write K/N with 1 ≤ K ≤ N, e.g. 3/8");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k: u64 = k.trim().parse().map_err(|_| bad())?;
        let n: u64 = n.trim().parse().map_err(|_| bad())?;
        if n == 0 || k == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }
}

impl Shard {
    /// (first sample, number of samples) of this shard of `total`.
    pub fn range(&self, total: u64) -> (u64, u64) {
        let lo = ((self.k - 1) as u128 * total as u128 / self.n as u128) as u64;
        let hi = (self.k as u128 * total as u128 / self.n as u128) as u64;
        (lo, hi - lo)
    }
}

/// What a shard records about itself, for merging.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Partial {
    pub program_version: String,
    pub scenario_name: String,
    pub scenario_file: String,
    pub scenario_sha256: String,
    pub seed: u64,
    pub total_samples: u64,
    pub shard: Shard,
    pub first_sample: u64,
    pub samples: u64,
    pub profile_sums: ProfileSums,
}

/// Files of a partial result, except `samples.csv`, which the caller
/// streams ([`output::samples_stream`]).
pub fn partial_files(source: &Source, results: &Results, total: u64, shard: Shard, scenario_name: &str) -> Files {
    let p = Partial {
        program_version: output::VERSION.into(),
        scenario_name: scenario_name.into(),
        scenario_file: source.name.clone(),
        scenario_sha256: source.hash(),
        seed: results.method.seed,
        total_samples: total,
        shard,
        first_sample: results.method.first,
        samples: results.method.samples,
        profile_sums: results.profiles.clone(),
    };
    let mut json = serde_json::to_vec_pretty(&p).unwrap_or_default();
    json.push(b'\n');
    vec![("partial.json".into(), json), ("scenario.toml".into(), source.text.clone().into_bytes())]
}

fn input_err(path: &Path, message: String) -> Error {
    Error::Input { path: path.to_path_buf(), message }
}

struct Loaded {
    dir: PathBuf,
    partial: Partial,
    text: String,
}

fn load_partial(dir: &Path) -> Result<Loaded, Error> {
    if !dir.is_dir() {
        return Err(input_err(dir, "no such directory (a shard that did not run?)".into()));
    }
    let pj = dir.join("partial.json");
    let text = crate::base::fsread::read_to_string(&pj, crate::base::fsread::TEXT_LIMIT)
        .map_err(|e| input_err(&pj, format!("cannot read ({e}); is this the output of `run --shard K/N`?")))?;
    let partial: Partial =
        serde_json::from_str(&text).map_err(|e| input_err(&pj, format!("not a partial result: {e}")))?;
    // Every field is checked before it is used.
    let bad = |m: String| input_err(&pj, m);
    if partial.program_version != output::VERSION {
        return Err(bad(format!(
            "was written by renewplan {}; this is {}: rerun the shard with this version",
            partial.program_version,
            output::VERSION
        )));
    }
    if partial.scenario_sha256.len() != 64 || !partial.scenario_sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad("key `scenario_sha256`: not a SHA-256 (accepted: 64 hexadecimal digits)".into()));
    }
    if partial.shard.n == 0 || partial.shard.k == 0 || partial.shard.k > partial.shard.n {
        return Err(bad(format!(
            "key `shard`: {}/{} is not a shard (accepted: K/N with 1 ≤ K ≤ N)",
            partial.shard.k, partial.shard.n
        )));
    }
    let (lo, len) = partial.shard.range(partial.total_samples);
    if partial.first_sample != lo || partial.samples != len {
        return Err(bad(format!(
            "keys `first_sample`, `samples`: shard {}/{} of {} samples covers samples {lo}..{} but these say {}..{}",
            partial.shard.k,
            partial.shard.n,
            partial.total_samples,
            lo + len,
            partial.first_sample,
            partial.first_sample.saturating_add(partial.samples)
        )));
    }
    let sums = &partial.profile_sums;
    if sums.samples != partial.samples
        || sums.cells.len() != 5
        || sums.lol_count_by_hour.iter().any(|&c| c > sums.samples)
    {
        return Err(bad(format!(
            "key `profile_sums`: does not fit {} samples (accepted: `samples` equal to the shard's, 5 series of 12 × 24 cells, loss-of-load counts at most the sample count)",
            partial.samples
        )));
    }
    // The files are exactly what the shard wrote: sizes and hashes from
    // its manifest.
    let manifest = crate::io::outdir::Manifest::read(dir)?.ok_or_else(|| {
        input_err(
            &dir.join(crate::io::outdir::MANIFEST),
            "missing: a partial result lists its files and their hashes (written by an older renewplan? rerun the shard)"
                .into(),
        )
    })?;
    for name in ["partial.json", "scenario.toml", "samples.csv"] {
        if manifest.get(name).is_none() {
            return Err(input_err(
                &dir.join(crate::io::outdir::MANIFEST),
                format!("does not list {name}; is this the output of `run --shard K/N`?"),
            ));
        }
    }
    if let Some(why) = manifest.verify(dir) {
        return Err(input_err(dir, format!("{why}; rerun the shard")));
    }
    let scen = dir.join("scenario.toml");
    let text = crate::base::fsread::read_to_string(&scen, crate::base::fsread::TEXT_LIMIT)
        .map_err(|e| input_err(&scen, format!("cannot read: {e}")))?;
    Ok(Loaded { dir: dir.to_path_buf(), partial, text })
}

/// Largest magnitude of a metric in a shard's `samples.csv` (costs in CNY
/// and energies in MWh stay far below it).
const MAX_METRIC: f64 = 1e15;

/// `acc += o`, false on overflow (a forged partial.json).
fn add_checked(acc: &mut ProfileSums, o: &ProfileSums) -> bool {
    let Some(samples) = acc.samples.checked_add(o.samples) else { return false };
    acc.samples = samples;
    for (a, b) in acc.cells.iter_mut().zip(&o.cells) {
        for (ra, rb) in a.iter_mut().zip(b) {
            for (x, y) in ra.iter_mut().zip(rb) {
                let Some(v) = x.checked_add(*y) else { return false };
                *x = v;
            }
        }
    }
    for (a, b) in acc.lol_count_by_hour.iter_mut().zip(&o.lol_count_by_hour) {
        let Some(v) = a.checked_add(*b) else { return false };
        *a = v;
    }
    true
}

/// Append a shard's `samples.csv` rows to `rows`, checking the columns and
/// the row count against its `partial.json` (streamed: never loaded whole).
fn read_rows(p: &Loaded, rows: &mut Rows) -> Result<(), Error> {
    let csv_path = p.dir.join("samples.csv");
    let file = crate::base::fsread::open(&csv_path, u64::MAX)
        .map_err(|e| input_err(&csv_path, format!("cannot read: {e}")))?;
    let mut rdr = csv::Reader::from_reader(file);
    let width = rdr.headers().map_err(|e| input_err(&csv_path, format!("cannot read the header: {e}")))?.len();
    if width.saturating_sub(1) != rows.width() {
        return Err(input_err(&csv_path, "has a different set of metric columns".into()));
    }
    let mut row = Vec::with_capacity(rows.width());
    let mut count = 0u64;
    let mut rec = csv::StringRecord::new();
    loop {
        let line = count + 2;
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(input_err(&csv_path, format!("line {line}: {e}"))),
        }
        row.clear();
        let want = p.partial.first_sample + count;
        if rec.get(0).and_then(|c| c.parse::<u64>().ok()) != Some(want) {
            return Err(input_err(
                &csv_path,
                format!("line {line}, column 1: sample `{}`, expected {want}", rec.get(0).unwrap_or("")),
            ));
        }
        if rec.len() != rows.width() + 1 {
            return Err(input_err(
                &csv_path,
                format!("line {line}: {} columns, expected {}", rec.len(), rows.width() + 1),
            ));
        }
        for (j, cell) in rec.iter().enumerate().skip(1) {
            let x: f64 = cell.parse().map_err(|_| {
                input_err(&csv_path, format!("line {line}, column {}: `{cell}` is not a number", j + 1))
            })?;
            // No simulation writes a non-finite metric or one beyond
            // ±MAX_METRIC; such a value (an edited file) would only break
            // the statistics and the charts drawn from them.
            if !x.is_finite() || x.abs() > MAX_METRIC {
                return Err(input_err(
                    &csv_path,
                    format!(
                        "line {line}, column {}: `{cell}` is not a metric value (accepted: finite, at most {MAX_METRIC:e} in magnitude)",
                        j + 1
                    ),
                ));
            }
            row.push(x);
        }
        rows.push(&row);
        count += 1;
    }
    if count != p.partial.samples {
        return Err(input_err(
            &csv_path,
            format!("has {count} rows but partial.json says {} samples", p.partial.samples),
        ));
    }
    Ok(())
}

/// Partial results merged into one run's results (the files are drawn by
/// `present::result::merged_files`).
pub struct Merged {
    pub source: Source,
    pub model: crate::model::Model,
    pub results: Results,
    pub timing: output::Timing,
}

/// Merge partial results into the results of one run.
pub fn merge(dirs: &[PathBuf], threads: usize) -> Result<Merged, Error> {
    if dirs.is_empty() {
        return Err(Error::Usage("merge needs at least one partial result directory".into()));
    }
    let mut parts: Vec<Loaded> = dirs.iter().map(|d| load_partial(d)).collect::<Result<_, _>>()?;
    let first = &parts[0].partial;
    let (version, sha, seed, total, n) =
        (first.program_version.clone(), first.scenario_sha256.clone(), first.seed, first.total_samples, first.shard.n);
    for p in &parts[1..] {
        let q = &p.partial;
        let mismatch = |what: &str, a: String, b: String| {
            Error::Usage(format!(
                "cannot merge {} with {}: different {what} ({a} vs {b})",
                parts[0].dir.display(),
                p.dir.display()
            ))
        };
        if q.program_version != version {
            return Err(mismatch("program versions", version, q.program_version.clone()));
        }
        if q.scenario_sha256 != sha {
            return Err(mismatch(
                "scenarios",
                sha.chars().take(12).collect(),
                q.scenario_sha256.chars().take(12).collect(),
            ));
        }
        if q.seed != seed {
            return Err(mismatch("seeds", seed.to_string(), q.seed.to_string()));
        }
        if q.total_samples != total {
            return Err(mismatch("total sample counts", total.to_string(), q.total_samples.to_string()));
        }
        if q.shard.n != n {
            return Err(mismatch("shard counts", n.to_string(), q.shard.n.to_string()));
        }
    }
    parts.sort_by_key(|p| p.partial.shard.k);
    for w in parts.windows(2) {
        if w[0].partial.shard.k == w[1].partial.shard.k {
            return Err(Error::Usage(format!(
                "shard {}/{n} appears twice: {} and {}",
                w[0].partial.shard.k,
                w[0].dir.display(),
                w[1].dir.display()
            )));
        }
    }
    let have: Vec<u64> = parts.iter().map(|p| p.partial.shard.k).collect();
    let missing: Vec<String> = (1..=n).filter(|k| !have.contains(k)).map(|k| format!("{k}/{n}")).collect();
    if !missing.is_empty() {
        return Err(Error::Usage(format!("missing shard(s): {}", missing.join(", "))));
    }
    for p in &parts {
        let (lo, len) = p.partial.shard.range(total);
        if p.partial.first_sample != lo || p.partial.samples != len {
            return Err(input_err(
                &p.dir,
                format!(
                    "shard {}/{n} covers samples {}..{} but should cover {lo}..{}",
                    p.partial.shard.k,
                    p.partial.first_sample,
                    p.partial.first_sample + p.partial.samples,
                    lo + len
                ),
            ));
        }
    }
    let source = Source {
        name: parts[0].partial.scenario_file.clone(),
        dir: Path::new(&parts[0].partial.scenario_file).parent().map(Path::to_path_buf),
        text: parts[0].text.clone(),
    };
    if source.hash() != sha {
        return Err(input_err(&parts[0].dir.join("scenario.toml"), "does not match the hash in partial.json".into()));
    }
    let model = scenario::load(&source)?;
    let registry = Registry::new(&model);
    let mut profiles = ProfileSums::new(model.hours());
    let mut rows = Rows::new(registry.defs.len());
    for p in &parts {
        let pj = p.dir.join("partial.json");
        let sums = &p.partial.profile_sums;
        if sums.lol_count_by_hour.len() != model.hours() {
            return Err(input_err(
                &pj,
                format!(
                    "key `profile_sums.lol_count_by_hour`: {} hours, but the scenario has {}",
                    sums.lol_count_by_hour.len(),
                    model.hours()
                ),
            ));
        }
        read_rows(p, &mut rows)?;
        if !add_checked(&mut profiles, sums) {
            return Err(input_err(&pj, "key `profile_sums`: sums too large to be a shard's".into()));
        }
    }
    let results = Results { registry, method: Method { seed, first: 0, samples: total, threads }, rows, profiles };
    let timing = output::Timing {
        threads: if threads == 0 { rayon::current_num_threads() } else { threads },
        elapsed_s: 0.0,
        sample_years_per_s: 0.0,
    };
    Ok(Merged { source, model, results, timing })
}
