//! The Monte Carlo engine: samples in parallel, results independent of the
//! thread count.
//!
//! One sample = one possible study horizon: weather (`weather`), outages
//! (`outage`), conversion to available MW (`conversion`), hourly dispatch
//! (`dispatch`) and reduction to one row of metrics (`metrics`). Samples are
//! processed in fixed blocks of [`BLOCK`] with rayon; each block folds its
//! samples in order and blocks are merged in order, so every sum is taken
//! in the same order whatever the thread count (bitwise-identical results).
//! Worker threads take blocks in sample order and hand their rows to an
//! in-order sink, [`Rows`] (bounded memory, spilled to a temporary file
//! beyond a budget); no worker runs more than a few blocks ahead of the
//! first block not yet stored, so memory does not grow with the sample
//! count. Architecture invariant: the engine does no I/O (other than that
//! spill file); progress is reported through a callback.

use crate::base::rng;
use crate::model::Model;
use crate::sim::conversion::Converter;
use crate::sim::dispatch::{Dispatcher, Hourly, Inputs};
use crate::sim::metrics::{self, FleetHourly, ProfileSums, Registry};
use crate::sim::outage::Chain;
use crate::sim::rows::Rows;
use crate::sim::weather::{Weather, WeatherModel};

/// Samples per block: the unit of parallel work and of ordered merging.
pub const BLOCK: u64 = 32;

/// Samples per block near the end of a run (see [`blocks`]).
const TAIL_BLOCK: u64 = 4;

/// Sample ranges (first, count) of the blocks of a run: [`BLOCK`] samples
/// each, except the last 2 × `BLOCK` samples per thread, in blocks of
/// [`TAIL_BLOCK`] so that the threads finish within a few samples of each
/// other (with whole blocks one thread could idle for up to a block at the
/// end). The split changes no result: rows are per sample and the profile
/// sums are exact integers.
fn blocks(first: u64, samples: u64, threads: usize) -> Vec<(u64, u64)> {
    let tail = 2 * threads as u64 * BLOCK;
    let mut v = Vec::new();
    let mut i = 0;
    while i < samples {
        let size = if samples - i > tail { BLOCK } else { TAIL_BLOCK };
        let n = size.min(samples - i);
        v.push((first + i, n));
        i += n;
    }
    v
}

/// How far, in blocks per thread, a worker may run ahead of the first block
/// whose rows are not yet stored (bounds the rows held out of order: at
/// most 8 × 32 rows × ~1 KB per thread).
const AHEAD_BLOCKS_PER_THREAD: usize = 8;

/// Rows of finished blocks, stored in sample order.
struct Sink {
    rows: Rows,
    /// Blocks stored so far (all before this index).
    stored: usize,
    /// Finished blocks waiting for an earlier one.
    pending: std::collections::BTreeMap<usize, Vec<f64>>,
    /// A worker panicked: the others stop instead of waiting for it.
    failed: bool,
}

fn lock(m: &std::sync::Mutex<Sink>) -> std::sync::MutexGuard<'_, Sink> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Marks the sink failed and wakes waiting workers if a worker unwinds.
struct FailGuard<'a> {
    sink: &'a std::sync::Mutex<Sink>,
    /// Signalled when `Sink::stored` advances (or the run fails).
    advanced: &'a std::sync::Condvar,
}

impl Drop for FailGuard<'_> {
    fn drop(&mut self) {
        lock(self.sink).failed = true;
        self.advanced.notify_all();
    }
}

/// How to sample: independent of what is simulated and what is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Method {
    pub seed: u64,
    /// First sample index and number of samples (a shard of a larger run
    /// covers `first..first + samples`).
    pub first: u64,
    pub samples: u64,
    /// Worker threads; 0 = all cores.
    pub threads: usize,
}

/// Stop rule for [`Study::run_to_precision`].
#[derive(Debug, Clone, PartialEq)]
pub struct Precision {
    /// Index of the metric in the registry.
    pub metric: usize,
    pub target_rse: f64,
    pub batch: u64,
    pub max_samples: u64,
}

/// Why a precision-driven run stopped (recorded in summary.json).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Stopping {
    pub metric: String,
    pub target_rse: f64,
    /// Relative standard error reached (absent when the mean is 0).
    pub achieved_rse: Option<f64>,
    pub batch: u64,
    pub max_samples: u64,
    pub samples: u64,
    pub reason: String,
}

/// Results of a run: one row of metrics per sample plus merged profiles.
#[derive(Debug, Clone)]
pub struct Results {
    pub registry: Registry,
    pub method: Method,
    /// Row `i` belongs to sample `method.first + i`.
    pub rows: Rows,
    pub profiles: ProfileSums,
}

/// Everything precomputed for a model, shared read-only by all threads.
pub struct Study<'a> {
    pub model: &'a Model,
    pub weather: WeatherModel,
    pub converter: Converter,
    pub registry: Registry,
    /// Outage samplers, by asset kind in model order.
    chains: Chains,
    /// Sites with at least one solar fleet, ascending.
    solar_sites: Vec<usize>,
}

struct Chains {
    wind: Vec<Chain>,
    solar: Vec<Chain>,
    generators: Vec<Chain>,
    storage: Vec<Chain>,
    electrolysers: Vec<Chain>,
    lines: Vec<Chain>,
}

/// Per-thread working memory, reused across samples.
pub struct Scratch {
    pub weather: Weather,
    pub inputs: Inputs,
    pub fleets: FleetHourly,
    pub hourly: Hourly,
    dispatcher: Dispatcher,
    buf: Vec<f64>,
    /// Per site: the (DNI, DHI) split of this sample's GHI and the shared
    /// SAPM wind term (sites with solar fleets).
    split: Vec<Vec<[f64; 3]>>,
}

impl<'a> Study<'a> {
    pub fn new(model: &'a Model) -> Self {
        let weather = WeatherModel::new(model);
        let converter = Converter::new(model, &weather);
        let chains = Chains {
            wind: model.wind_fleets.iter().map(|x| Chain::new(&x.outages, model)).collect(),
            solar: model.solar_fleets.iter().map(|x| Chain::new(&x.outages, model)).collect(),
            generators: model.generators.iter().map(|x| Chain::new(&x.outages, model)).collect(),
            storage: model.storage.iter().map(|x| Chain::new(&x.outages, model)).collect(),
            electrolysers: model.electrolysers.iter().map(|x| Chain::new(&x.outages, model)).collect(),
            lines: model.lines.iter().map(|x| Chain::new(&x.outages, model)).collect(),
        };
        let mut solar_sites: Vec<usize> = model.solar_fleets.iter().map(|f| f.site).collect();
        solar_sites.sort_unstable();
        solar_sites.dedup();
        Study { model, weather, converter, registry: Registry::new(model), chains, solar_sites }
    }

    pub fn scratch(&self) -> Scratch {
        Scratch {
            weather: Weather::default(),
            inputs: Inputs::default(),
            fleets: FleetHourly::default(),
            hourly: Hourly::default(),
            dispatcher: Dispatcher::new(self.model),
            buf: Vec::new(),
            split: Vec::new(),
        }
    }

    /// Draw weather and outages and convert them: everything dispatch needs.
    pub fn prepare(&self, seed: u64, sample: u64, s: &mut Scratch) {
        self.weather.sample(self.model, seed, sample, &mut s.weather);
        self.draw_outages(seed, sample, s);
        self.convert(s);
    }

    /// Draw every outage chain of one sample: shares of units up per hour
    /// for fleets, generators, stores and electrolysers; available transfer
    /// MW for lines.
    pub fn draw_outages(&self, seed: u64, sample: u64, s: &mut Scratch) {
        let m = self.model;
        let h = m.hours();
        let up = |name: &str, c: &Chain, out: &mut Vec<f64>| {
            let mut r = rng::stream(seed, sample, "outage", name);
            c.simulate(&mut r, out, h);
        };
        s.fleets.wind_up.resize_with(m.wind_fleets.len(), Vec::new);
        for (i, f) in m.wind_fleets.iter().enumerate() {
            up(&f.name, &self.chains.wind[i], &mut s.fleets.wind_up[i]);
        }
        s.fleets.solar_up.resize_with(m.solar_fleets.len(), Vec::new);
        for (i, f) in m.solar_fleets.iter().enumerate() {
            up(&f.name, &self.chains.solar[i], &mut s.fleets.solar_up[i]);
        }
        s.inputs.gen_up.resize_with(m.generators.len(), Vec::new);
        for (i, g) in m.generators.iter().enumerate() {
            up(&g.name, &self.chains.generators[i], &mut s.inputs.gen_up[i]);
        }
        s.inputs.storage_up.resize_with(m.storage.len(), Vec::new);
        for (i, x) in m.storage.iter().enumerate() {
            up(&x.name, &self.chains.storage[i], &mut s.inputs.storage_up[i]);
        }
        s.inputs.electrolyser_up.resize_with(m.electrolysers.len(), Vec::new);
        for (i, x) in m.electrolysers.iter().enumerate() {
            up(&x.name, &self.chains.electrolysers[i], &mut s.inputs.electrolyser_up[i]);
        }
        s.inputs.line_cap_mw.resize_with(m.lines.len(), Vec::new);
        for (i, l) in m.lines.iter().enumerate() {
            up(&l.name, &self.chains.lines[i], &mut s.buf);
            // Share of circuits up → circuits up → transfer limit.
            let caps = &l.capacity_by_circuits_up_mw;
            let n = l.circuits as f64;
            let full = caps.last().copied().unwrap_or(0.0);
            s.inputs.line_cap_mw[i].clear();
            match &l.capacity_series_mw {
                // An hourly rating scales with the share of capability left.
                Some(series) if full > 0.0 => s.inputs.line_cap_mw[i].extend(
                    s.buf
                        .iter()
                        .zip(series)
                        .map(|(a, x)| x * caps[((a * n).round() as usize).min(caps.len() - 1)] / full),
                ),
                _ => {
                    // Shares change rarely: map each run of equal shares once.
                    let mut last = (f64::NAN, 0.0);
                    s.inputs.line_cap_mw[i].extend(s.buf.iter().map(|&a| {
                        if a != last.0 {
                            last = (a, caps[((a * n).round() as usize).min(caps.len() - 1)]);
                        }
                        last.1
                    }));
                }
            }
        }
    }

    /// Convert the sample's weather and fleet availability (drawn by
    /// [`Study::draw_outages`]) into available MW per fleet and zone.
    pub fn convert(&self, s: &mut Scratch) {
        let m = self.model;
        let h = m.hours();
        crate::base::buffers::reset(&mut s.inputs.re_mw, m.zones.len(), h, 0.0);
        // The converter refills these (no zeroing needed).
        s.fleets.wind_mw.resize_with(m.wind_fleets.len(), Vec::new);
        s.fleets.solar_mw.resize_with(m.solar_fleets.len(), Vec::new);
        for (i, f) in m.wind_fleets.iter().enumerate() {
            self.converter.wind_available(m, i, &s.weather, &s.fleets.wind_up[i], &mut s.fleets.wind_mw[i]);
            add_into(&mut s.inputs.re_mw[f.zone], &s.fleets.wind_mw[i]);
        }
        // The GHI split is per site, shared by the site's fleets.
        s.split.resize_with(m.sites.len(), Vec::new);
        for &site in &self.solar_sites {
            self.converter.split(&self.weather, site, &s.weather, &mut s.split[site]);
        }
        for (i, f) in m.solar_fleets.iter().enumerate() {
            self.converter.solar_available_split(
                m,
                &self.weather,
                i,
                &s.weather,
                &s.split[f.site],
                &s.fleets.solar_up[i],
                &mut s.fleets.solar_mw[i],
            );
            add_into(&mut s.inputs.re_mw[f.zone], &s.fleets.solar_mw[i]);
        }
    }

    /// Simulate one sample completely; hourly detail is left in `s.hourly`.
    pub fn simulate(&self, seed: u64, sample: u64, s: &mut Scratch, prof: &mut ProfileSums, row: &mut Vec<f64>) {
        self.prepare(seed, sample, s);
        s.dispatcher.run(self.model, &s.inputs, &mut s.hourly);
        metrics::record(self.model, &s.inputs, &s.fleets, &s.hourly, prof, row);
        metrics::record_weather(self.model, &s.weather, row);
        debug_assert_eq!(row.len(), self.registry.defs.len(), "metrics row and registry disagree");
    }

    /// Run `method.samples` samples; `progress(done)` is called after each
    /// block from worker threads.
    pub fn run(&self, method: Method, progress: &(dyn Fn(u64) + Sync)) -> Results {
        let width = self.registry.defs.len();
        let work = || {
            // Every worker thread takes the next block in sample order,
            // simulates it with its own scratch (kept for the whole run: a
            // fresh scratch per block re-faulted megabytes of pages) and
            // hands the block's rows to an in-order sink. There is no
            // barrier between groups of blocks, so no thread idles while
            // another finishes (the earlier waves lost up to a block per
            // wave). Memory stays bounded: a worker does not start a block
            // more than `ahead` blocks past the first one not yet stored.
            let threads = rayon::current_num_threads().max(1);
            let blocks = blocks(method.first, method.samples, threads);
            let ahead = AHEAD_BLOCKS_PER_THREAD * threads;
            let next = std::sync::atomic::AtomicUsize::new(0);
            let sink = std::sync::Mutex::new(Sink {
                rows: Rows::new(width),
                stored: 0,
                pending: std::collections::BTreeMap::new(),
                failed: false,
            });
            let advanced = std::sync::Condvar::new();
            let profiles = rayon::broadcast(|_| {
                let mut scratch = self.scratch();
                let mut prof = ProfileSums::new(self.model.hours());
                let mut row = Vec::with_capacity(width);
                // A panic in this worker releases the others' waits (and
                // then propagates through `broadcast`).
                let guard = FailGuard { sink: &sink, advanced: &advanced };
                loop {
                    let b = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(&(start, n)) = blocks.get(b) else { break };
                    {
                        let mut s = lock(&sink);
                        while b >= s.stored + ahead && !s.failed {
                            s = advanced.wait(s).unwrap_or_else(|e| e.into_inner());
                        }
                        if s.failed {
                            break;
                        }
                    }
                    let mut block = Vec::with_capacity(n as usize * width);
                    for k in start..start + n {
                        self.simulate(method.seed, k, &mut scratch, &mut prof, &mut row);
                        block.extend_from_slice(&row);
                    }
                    progress(n);
                    let mut guard_sink = lock(&sink);
                    let s = &mut *guard_sink;
                    s.pending.insert(b, block);
                    let first = s.stored;
                    while let Some(block) = s.pending.remove(&s.stored) {
                        for r in block.chunks_exact(width.max(1)) {
                            s.rows.push(r);
                        }
                        s.stored += 1;
                    }
                    if s.stored != first {
                        advanced.notify_all();
                    }
                }
                std::mem::forget(guard);
                prof
            });
            let mut merged = ProfileSums::new(self.model.hours());
            for p in &profiles {
                merged.merge(p);
            }
            let s = sink.into_inner().unwrap_or_else(|e| e.into_inner());
            debug_assert!(s.pending.is_empty() && s.stored == blocks.len(), "every block stored in order");
            (s.rows, merged)
        };
        let (rows, profiles) = if method.threads == 0 {
            work()
        } else {
            match rayon::ThreadPoolBuilder::new().num_threads(method.threads).build() {
                Ok(pool) => pool.install(work),
                Err(_) => work(),
            }
        };
        Results { registry: self.registry.clone(), method, rows, profiles }
    }

    /// Add samples in fixed, seeded batches until the relative standard
    /// error (s.e. / |mean|) of one metric reaches the target or the cap is
    /// reached. Batches are the sample ranges [0, b), [b, 2b), ..., so the
    /// result depends only on (seed, batch, target, cap): reproducible, and
    /// identical to a plain run of the final sample count.
    pub fn run_to_precision(
        &self,
        seed: u64,
        threads: usize,
        p: &Precision,
        progress: &(dyn Fn(u64) + Sync),
    ) -> (Results, Stopping) {
        let batch = p.batch.max(2);
        let mut all: Option<Results> = None;
        let mut done = 0u64;
        loop {
            let n = batch.min(p.max_samples - done);
            let r = self.run(Method { seed, first: done, samples: n, threads }, progress);
            done += n;
            let acc = match all.as_mut() {
                None => all.insert(r),
                Some(a) => {
                    a.rows.append(&r.rows);
                    a.profiles.merge(&r.profiles);
                    a.method.samples = done;
                    a
                }
            };
            let est = metrics::Estimate::from_values(&self.registry.defs[p.metric], &acc.column(p.metric));
            let rse = if est.mean != 0.0 { est.std_error / est.mean.abs() } else { f64::INFINITY };
            let reason = if rse <= p.target_rse {
                Some(format!("target met: relative standard error {rse:.4} ≤ {}", p.target_rse))
            } else if done >= p.max_samples {
                Some(if est.mean == 0.0 {
                    format!("sample cap {} reached; the mean is 0, so the relative error is undefined", p.max_samples)
                } else {
                    format!(
                        "sample cap {} reached with relative standard error {rse:.4} > {}",
                        p.max_samples, p.target_rse
                    )
                })
            } else {
                None
            };
            if let Some(reason) = reason {
                let results = all.take().expect("at least one batch ran");
                let stop = Stopping {
                    metric: self.registry.defs[p.metric].key.clone(),
                    target_rse: p.target_rse,
                    achieved_rse: if rse.is_finite() { Some(rse) } else { None },
                    batch,
                    max_samples: p.max_samples,
                    samples: done,
                    reason,
                };
                return (results, stop);
            }
        }
    }

    /// Re-simulate one sample and return its hourly detail (deterministic:
    /// the same draws as in the run).
    pub fn trace(&self, seed: u64, sample: u64) -> Scratch {
        let mut s = self.scratch();
        let mut prof = ProfileSums::new(self.model.hours());
        let mut row = Vec::new();
        self.simulate(seed, sample, &mut s, &mut prof, &mut row);
        s
    }
}

fn add_into(acc: &mut [f64], x: &[f64]) {
    for (a, b) in acc.iter_mut().zip(x) {
        *a += b;
    }
}

impl Results {
    /// Values of metric `j` across samples.
    pub fn column(&self, j: usize) -> Vec<f64> {
        self.rows.column(j)
    }

    /// Estimates for every metric.
    pub fn estimates(&self) -> Vec<metrics::Estimate> {
        self.registry.defs.iter().enumerate().map(|(j, d)| metrics::Estimate::from_values(d, &self.column(j))).collect()
    }

    /// The sample whose value of metric `j` is the median (lower median;
    /// ties to the lowest index): the representative year.
    pub fn median_sample(&self, j: usize) -> u64 {
        let col = self.rows.column(j);
        let mut idx: Vec<usize> = (0..col.len()).collect();
        idx.sort_by(|a, b| col[*a].total_cmp(&col[*b]).then(a.cmp(b)));
        self.method.first + idx[(idx.len() - 1) / 2] as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_cover_the_range_in_order_and_shrink_at_the_end() {
        for (first, samples, threads) in [(0, 0, 2), (5, 1, 1), (0, 31, 2), (100, 1000, 2), (7, 129, 16)] {
            let b = blocks(first, samples, threads);
            let mut next = first;
            for &(start, n) in &b {
                assert_eq!(start, next, "contiguous");
                assert!((1..=BLOCK).contains(&n));
                next += n;
            }
            assert_eq!(next, first + samples, "covers {samples} samples");
            let tail = 2 * threads as u64 * BLOCK;
            for &(start, n) in &b {
                if first + samples - start <= tail {
                    assert!(n <= TAIL_BLOCK, "small blocks in the last {tail} samples");
                }
            }
        }
        assert_eq!(blocks(0, 1000, 2).iter().filter(|(_, n)| *n == BLOCK).count(), 28);
    }
}
