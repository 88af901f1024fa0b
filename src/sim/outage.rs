//! Forced outages: two-state Markov chains for groups of identical units.
//!
//! Each group (the turbines of a wind fleet, the inverter blocks of a PV
//! fleet, a storage plant's units, electrolyser stacks, generator units, a
//! line's circuits) is tracked in aggregate as the number of units up. The
//! chain starts in its stationary state, `up ~ Binomial(N, A)` with
//! availability `A = μ/(λ+μ)`, and steps hourly: of the `up` units,
//! `Binomial(up, λ)` fail; of the down ones, `Binomial(N−up, μ)` are
//! repaired (discrete-time two-state model, Billinton & Allan ch. 2; PRAS
//! uses the same per-unit chain). Aggregating is exact for identical,
//! independent units and costs two binomial draws per group-hour instead of
//! one draw per unit-hour.
//!
//! Speed: hourly failure and repair counts have small means (a 5 GW fleet:
//! ≈ 0.4 failures per hour), so they are drawn by inversion (sequential
//! search of the binomial CDF from a precomputed P(0) = (1−p)^n for every n,
//! Devroye 1986, §X.4) in one uniform and about two multiplications; draws
//! with a large mean fall back to `rand_distr::Binomial` (BTPE). Both are
//! exact samplers of the same distribution.
//!
//! Faster still, for the states the chain actually visits: the next state
//! depends only on the net change `d = repairs − failures`, whose
//! distribution (a convolution of the two binomials) is tabulated once per
//! group for every `up` within ±12 standard deviations (+ 20 units) of the
//! stationary mean ([`StepTable`]). An hour then costs one uniform and a
//! search of a short CDF starting at `d = 0`, and runs of hours without
//! change (`d = 0`, which includes a failure repaired in the same hour) are
//! skipped with one geometric draw when they are likely. The tables drop
//! binomial tails below 1e-18 (beneath the 2⁻⁵³ resolution of a uniform
//! draw); states outside the band use the two-binomial step above.

use crate::base::rng::Rng;
use crate::model::{Model, Outages};
use rand::RngExt;
use rand_distr::{Binomial, Distribution};

/// Above this mean, inversion would walk too far: use BTPE.
const INVERSION_MAX_MEAN: f64 = 8.0;

/// Precomputed sampler of one group's chain.
#[derive(Debug, Clone)]
pub struct Chain {
    o: Outages,
    /// (1 − p_fail)^n and (1 − p_repair)^n for n = 0..=units.
    p0_fail: Vec<f64>,
    p0_repair: Vec<f64>,
    odds_fail: f64,
    odds_repair: f64,
    /// 1/(k+1) for k = 0..units (division-free inversion).
    recip: Vec<f64>,
    /// ln P(no failure and no repair) with `up` units up, for up = 0..=units.
    ln_quiet: Vec<f64>,
    /// Hourly [p_fail, p_repair] when the probabilities vary by step.
    schedule: Option<Vec<[f64; 2]>>,
    /// Tabulated net-change distributions (constant probabilities only).
    steps: Option<StepTable>,
}

/// Tail mass dropped from each binomial when tabulating (below the
/// resolution of a 53-bit uniform).
const TAIL: f64 = 1e-18;

/// Most CDF entries a group's [`StepTable`] may hold (8 MB).
const STEP_TABLE_MAX_ENTRIES: usize = 1 << 20;

/// Distribution of the hourly net change in units up, `d = repairs −
/// failures`, for `up` in `lo..lo + rows.len()`.
#[derive(Debug, Clone)]
struct StepTable {
    lo: u32,
    rows: Vec<StepRow>,
    /// Concatenated CDFs of the rows, each ending at exactly 1.
    cdf: Vec<f64>,
    /// [`GUIDE`] entries per row: entry `j` is the first index whose CDF
    /// exceeds `j / GUIDE` (Chen & Asau 1974, "guide tables"), where the
    /// search for a uniform in `[j / GUIDE, (j + 1) / GUIDE)` starts.
    guide: Vec<u32>,
}

/// Guide-table entries per row of a [`StepTable`].
const GUIDE: usize = 128;

#[derive(Debug, Clone, Copy)]
struct StepRow {
    /// Offset and length of this row's CDF in `StepTable::cdf`.
    start: usize,
    len: usize,
    /// `d` of the first entry (≤ 0).
    dmin: i32,
    /// P(d = 0) and its logarithm.
    q: f64,
    ln_q: f64,
    /// P(d < 0).
    below: f64,
}

/// Binomial(n, p) probabilities from k = 0 until the upper tail is
/// negligible (the terms decrease geometrically past the mean).
fn binomial_pmf(n: u32, p: f64) -> Vec<f64> {
    if n == 0 || p <= 0.0 {
        return vec![1.0];
    }
    let mean = n as f64 * p;
    let odds = p / (1.0 - p);
    let mut v = vec![(n as f64 * (-p).ln_1p()).exp()];
    let mut prob = v[0];
    let mut k = 0u32;
    while k < n && (prob >= TAIL || (k as f64) < mean) {
        prob *= (n - k) as f64 / (k + 1) as f64 * odds;
        k += 1;
        v.push(prob);
    }
    while v.len() > 1 && v[v.len() - 1] < TAIL {
        v.pop();
    }
    v
}

impl StepTable {
    /// Tables for a constant-probability group, or `None` when the hourly
    /// means are too large for short tables or the band too wide.
    fn new(o: &Outages) -> Option<Self> {
        let (pf, pr) = (o.p_fail, o.p_repair);
        if !(pf > 0.0 && pf < 1.0 && pr > 0.0 && pr < 1.0) {
            return None;
        }
        let n = o.units;
        let a = o.availability();
        let mean = n as f64 * a;
        let sd = (n as f64 * a * (1.0 - a)).sqrt();
        let lo = (mean - 12.0 * sd - 20.0).floor().max(0.0) as u32;
        let hi = ((mean + 12.0 * sd + 20.0).ceil() as u32).min(n);
        let mut rows = Vec::with_capacity((hi - lo + 1) as usize);
        let mut cdf = Vec::new();
        let mut guide = Vec::with_capacity((hi - lo + 1) as usize * GUIDE);
        for up in lo..=hi {
            if up as f64 * pf + (n - up) as f64 * pr > INVERSION_MAX_MEAN {
                return None;
            }
            let f = binomial_pmf(up, pf);
            let r = binomial_pmf(n - up, pr);
            let len = f.len() + r.len() - 1;
            let mut pmf = vec![0.0; len];
            for (i, x) in f.iter().enumerate() {
                for (j, y) in r.iter().enumerate() {
                    // d = j − i at index j − i + (f.len() − 1)
                    pmf[j + f.len() - 1 - i] += x * y;
                }
            }
            let total: f64 = pmf.iter().sum();
            let zero = f.len() - 1;
            let start = cdf.len();
            let mut acc = 0.0;
            for x in &pmf {
                acc += x / total;
                cdf.push(acc.min(1.0));
            }
            cdf[start + len - 1] = 1.0;
            let q = pmf[zero] / total;
            let below = if zero > 0 { cdf[start + zero - 1] } else { 0.0 };
            rows.push(StepRow { start, len, dmin: -(zero as i32), q, ln_q: q.ln(), below });
            let c = &cdf[start..];
            let mut k = 0;
            for j in 0..GUIDE {
                let level = j as f64 / GUIDE as f64;
                while k + 1 < len && c[k] <= level {
                    k += 1;
                }
                guide.push(k as u32);
            }
            if cdf.len() > STEP_TABLE_MAX_ENTRIES {
                return None;
            }
        }
        Some(StepTable { lo, rows, cdf, guide })
    }

    #[inline]
    fn row(&self, up: u32) -> Option<(usize, &StepRow)> {
        let i = up.checked_sub(self.lo)? as usize;
        Some((i, self.rows.get(i)?))
    }

    /// The change `d` for a uniform `u` in [0, 1): inversion, the first
    /// index `k` with `u < cdf[k]`. The search starts at the guide entry
    /// of `u`'s interval, almost always the answer: one predictable
    /// comparison instead of a walk from `d = 0` whose data-dependent exits
    /// were mispredicted nearly every hour (it was half the cost of the
    /// outage stage). The backward step guards against the rounding of
    /// `u · GUIDE`; the result is exactly the walk's.
    #[inline]
    fn change(&self, r: &StepRow, row: usize, u: f64) -> i32 {
        let c = &self.cdf[r.start..r.start + r.len];
        let j = ((u * GUIDE as f64) as usize).min(GUIDE - 1);
        let mut k = self.guide[row * GUIDE + j] as usize;
        while k + 1 < c.len() && u >= c[k] {
            k += 1;
        }
        while k > 0 && u < c[k - 1] {
            k -= 1;
        }
        r.dmin + k as i32
    }
}

/// Above this probability of a quiet hour (no failure, no repair), the
/// chain jumps straight to its next event with one geometric draw.
const SKIP_MIN_QUIET: f64 = 0.5;

/// The same for tabulated chains, where a direct draw costs one uniform and
/// a short search, so a skip (a logarithm) pays only for long quiet runs.
const TABLE_SKIP_MIN_QUIET: f64 = 0.9;

impl Chain {
    pub fn new(o: &Outages, model: &Model) -> Self {
        let schedule = o.schedule.and_then(|i| model.outage_schedules.get(i).cloned());
        Self::with_schedule(o, schedule)
    }

    /// A chain with constant probabilities (`schedule: None`) or hourly ones.
    pub fn with_schedule(o: &Outages, schedule: Option<Vec<[f64; 2]>>) -> Self {
        let n = o.units as usize;
        let table = |p: f64| -> Vec<f64> {
            if p <= 0.0 || p >= 1.0 {
                return Vec::new();
            }
            let mut v = Vec::with_capacity(n + 1);
            let mut x = 1.0;
            for _ in 0..=n {
                v.push(x);
                x *= 1.0 - p;
            }
            v
        };
        let odds = |p: f64| if p < 1.0 { p / (1.0 - p) } else { f64::INFINITY };
        let lnf = (1.0 - o.p_fail).ln();
        let lnr = (1.0 - o.p_repair).ln();
        Chain {
            o: *o,
            p0_fail: table(o.p_fail),
            p0_repair: table(o.p_repair),
            odds_fail: odds(o.p_fail),
            odds_repair: odds(o.p_repair),
            recip: (0..=n).map(|k| 1.0 / (k + 1) as f64).collect(),
            ln_quiet: (0..=n).map(|up| up as f64 * lnf + (n - up) as f64 * lnr).collect(),
            steps: if schedule.is_none() { StepTable::new(o) } else { None },
            schedule,
        }
    }

    /// A draw from Binomial(n, p) with `p0[n] = (1−p)^n`, `odds = p/(1−p)`.
    #[inline]
    fn binomial(rng: &mut Rng, n: u32, p: f64, p0: &[f64], odds: f64, recip: &[f64]) -> u32 {
        if n == 0 || p <= 0.0 {
            return 0;
        }
        if p >= 1.0 {
            return n;
        }
        if n as f64 * p > INVERSION_MAX_MEAN || p0.len() <= n as usize {
            return Binomial::new(n as u64, p).map_or(0, |b| b.sample(rng) as u32);
        }
        let u: f64 = rng.random();
        let mut k = 0u32;
        let mut prob = p0[n as usize];
        let mut cdf = prob;
        // P(k+1) = P(k) · (n−k)/(k+1) · p/(1−p)
        while u > cdf && k < n {
            prob *= (n - k) as f64 * recip[k as usize] * odds;
            k += 1;
            cdf += prob;
            if prob < 1e-300 {
                break;
            }
        }
        k
    }

    #[inline]
    fn draw_fail(&self, rng: &mut Rng, up: u32) -> u32 {
        Self::binomial(rng, up, self.o.p_fail, &self.p0_fail, self.odds_fail, &self.recip)
    }

    #[inline]
    fn draw_repair(&self, rng: &mut Rng, down: u32) -> u32 {
        Self::binomial(rng, down, self.o.p_repair, &self.p0_repair, self.odds_repair, &self.recip)
    }

    /// Fill `avail` with the share of units up in every hour.
    pub fn simulate(&self, rng: &mut Rng, out: &mut Vec<f64>, hours: usize) {
        // A local vector: its length stays in a register between pushes
        // (through `&mut Vec` it is reloaded and stored at every push).
        let mut local = std::mem::take(out);
        local.clear();
        local.reserve(hours);
        self.simulate_into(rng, &mut local, hours);
        *out = local;
    }

    #[inline(always)]
    fn simulate_into(&self, rng: &mut Rng, avail: &mut Vec<f64>, hours: usize) {
        let o = &self.o;
        if let Some(sched) = &self.schedule {
            self.simulate_scheduled(sched, rng, avail, hours);
            return;
        }
        if o.p_fail <= 0.0 {
            avail.resize(hours, 1.0);
            return;
        }
        let n = o.units;
        let inv = 1.0 / n as f64;
        let a = o.availability();
        let mut up = Binomial::new(n as u64, a).map_or(n, |b| b.sample(rng) as u32);
        let ln_skip = SKIP_MIN_QUIET.ln();
        while avail.len() < hours {
            avail.push(up as f64 * inv);
            if let Some(steps) = &self.steps
                && let Some((index, row)) = steps.row(up)
            {
                let d = if row.q > TABLE_SKIP_MIN_QUIET {
                    // Geometric run of unchanged hours, then a change drawn
                    // conditional on d ≠ 0 (the uniform maps around d = 0).
                    let u: f64 = 1.0 - rng.random::<f64>(); // (0, 1]
                    let quiet = if row.ln_q < 0.0 { (u.ln() / row.ln_q).floor() } else { f64::INFINITY };
                    let quiet = if quiet.is_finite() { quiet as usize } else { usize::MAX };
                    let fill = quiet.min(hours - avail.len());
                    avail.extend(std::iter::repeat_n(up as f64 * inv, fill));
                    if avail.len() >= hours {
                        break;
                    }
                    loop {
                        let mut v = rng.random::<f64>() * (1.0 - row.q);
                        if v >= row.below {
                            v += row.q;
                        }
                        let d = steps.change(row, index, v.min(1.0 - f64::EPSILON / 2.0));
                        if d != 0 {
                            break d;
                        }
                    }
                } else {
                    steps.change(row, index, rng.random::<f64>())
                };
                up = (up as i64 + d as i64).clamp(0, n as i64) as u32;
                continue;
            }
            let lq = self.ln_quiet[up as usize];
            let (fail, repair) = if lq > ln_skip {
                // Quiet hours are likely: the number of quiet hours before the
                // next event is geometric, P(k) = q^k (1 − q); then draw the
                // event hour's (failures, repairs) conditional on not both
                // zero, by rejection (acceptance 1 − q). Exact, and one draw
                // per event instead of two per hour.
                let u: f64 = 1.0 - rng.random::<f64>(); // (0, 1]
                let quiet = if lq < 0.0 { (u.ln() / lq).floor() } else { f64::INFINITY };
                let quiet = if quiet.is_finite() { quiet as usize } else { usize::MAX };
                let fill = quiet.min(hours - avail.len());
                let x = up as f64 * inv;
                avail.extend(std::iter::repeat_n(x, fill));
                if avail.len() >= hours {
                    break;
                }
                loop {
                    let f = self.draw_fail(rng, up);
                    let r = self.draw_repair(rng, n - up);
                    if f + r > 0 {
                        break (f, r);
                    }
                }
            } else {
                (self.draw_fail(rng, up), self.draw_repair(rng, n - up))
            };
            up = up - fail + repair;
        }
    }
}

impl Chain {
    /// Probabilities that vary by step: start in the stationary state of the
    /// first step's probabilities, then step with each hour's own (binomial
    /// draws by BTPE/inversion in `rand_distr`).
    fn simulate_scheduled(&self, sched: &[[f64; 2]], rng: &mut Rng, avail: &mut Vec<f64>, hours: usize) {
        let n = self.o.units;
        let inv = 1.0 / n as f64;
        let draw = |rng: &mut Rng, k: u32, p: f64| -> u32 {
            if k == 0 || p <= 0.0 {
                0
            } else if p >= 1.0 {
                k
            } else {
                Binomial::new(k as u64, p).map_or(0, |b| b.sample(rng) as u32)
            }
        };
        let [f0, r0] = sched.first().copied().unwrap_or([0.0, 1.0]);
        let a0 = if f0 + r0 > 0.0 { r0 / (f0 + r0) } else { 1.0 };
        let mut up = draw(rng, n, a0);
        for t in 0..hours {
            avail.push(up as f64 * inv);
            let [f, r] = sched.get(t).copied().unwrap_or([f0, r0]);
            let fail = draw(rng, up, f);
            let repair = draw(rng, n - up, r);
            up = up - fail + repair;
        }
    }
}

/// Convenience: build a constant-probability chain and simulate (tests,
/// one-off use).
pub fn simulate(o: &Outages, rng: &mut Rng, avail: &mut Vec<f64>, hours: usize) {
    Chain::with_schedule(o, None).simulate(rng, avail, hours);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::rng::stream;

    #[test]
    fn long_run_availability_matches_forced_outage_rate() {
        let o = Outages::from_for_mttr(800, 0.03, 60.0);
        let mut r = stream(7, 0, "test", "x");
        let mut a = Vec::new();
        simulate(&o, &mut r, &mut a, 200_000);
        let mean = a.iter().sum::<f64>() / a.len() as f64;
        // Standard error is dominated by autocorrelation (repair ~60 h):
        // effective n ≈ 200k/120 per unit × 800 units; 0.002 is > 5 SE.
        assert!((mean - 0.97).abs() < 0.002, "{mean}");
    }

    #[test]
    fn single_unit_chain_has_the_right_mean_down_time() {
        let o = Outages::from_for_mttr(1, 0.1, 10.0);
        let mut r = stream(1, 0, "test", "y");
        let mut a = Vec::new();
        simulate(&o, &mut r, &mut a, 400_000);
        let down: f64 = a.iter().filter(|x| **x == 0.0).count() as f64 / a.len() as f64;
        assert!((down - 0.1).abs() < 0.01, "{down}");
        let mut runs = 0;
        let mut len = 0;
        for w in a.windows(2) {
            if w[0] == 0.0 {
                len += 1;
                if w[1] == 1.0 {
                    runs += 1;
                }
            }
        }
        let mean_run = len as f64 / runs as f64;
        assert!((mean_run - 10.0).abs() < 1.0, "{mean_run}");
    }

    #[test]
    fn inversion_matches_binomial_moments() {
        // n = 50, p = 0.05: mean 2.5, variance 2.375; 200k draws.
        let n = 50u32;
        let p = 0.05;
        let o = Outages { units: n, p_fail: p, p_repair: 0.5, schedule: None };
        let c = Chain::with_schedule(&o, None);
        let mut r = stream(3, 0, "test", "inv");
        let draws: Vec<f64> =
            (0..200_000).map(|_| Chain::binomial(&mut r, n, p, &c.p0_fail, c.odds_fail, &c.recip) as f64).collect();
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (draws.len() - 1) as f64;
        let se = (2.375f64 / 200_000.0).sqrt();
        assert!((mean - 2.5).abs() < 4.0 * se, "{mean}");
        assert!((var - 2.375).abs() < 0.05, "{var}");
        let p0 = draws.iter().filter(|x| **x == 0.0).count() as f64 / draws.len() as f64;
        assert!((p0 - 0.95f64.powi(50)).abs() < 0.005, "{p0}");
    }

    #[test]
    fn guided_inversion_equals_the_plain_search() {
        // Every row of a PV-like and a wind-like table; uniforms on a grid,
        // at the guide boundaries j / GUIDE and their neighbours, and at
        // every CDF value and its neighbours (the ties of inversion).
        for (n, f, mttr) in [(6144u32, 0.01, 48.0), (800, 0.03, 60.0)] {
            let o = Outages::from_for_mttr(n, f, mttr);
            let t = StepTable::new(&o).expect("tabulated");
            for (i, r) in t.rows.iter().enumerate() {
                let c = &t.cdf[r.start..r.start + r.len];
                let plain = |u: f64| r.dmin + c.iter().position(|x| u < *x).expect("cdf ends at 1") as i32;
                let mut us: Vec<f64> = (0..1000).map(|k| k as f64 / 1000.0).collect();
                for j in 0..GUIDE {
                    let b = j as f64 / GUIDE as f64;
                    us.extend([b, b.next_down().max(0.0), b.next_up()]);
                }
                for x in &c[..c.len() - 1] {
                    us.extend([*x, x.next_down().max(0.0), x.next_up().min(1.0 - f64::EPSILON / 2.0)]);
                }
                us.push(1.0 - f64::EPSILON / 2.0);
                for u in us.into_iter().filter(|u| *u < 1.0) {
                    assert_eq!(t.change(r, i, u), plain(u), "n {n} row {i} u {u:e}");
                }
            }
        }
    }

    #[test]
    fn step_tables_have_the_exact_moments_of_repairs_minus_failures() {
        // PV-like (6,144 blocks, FOR 1 %, MTTR 48 h), wind-like, line-like.
        for (n, f, mttr) in [(6144u32, 0.01, 48.0), (800, 0.03, 60.0), (2, 0.001, 10.0)] {
            let o = Outages::from_for_mttr(n, f, mttr);
            let t = StepTable::new(&o).expect("small hourly means are tabulated");
            // The band holds the stationary mean.
            let mean = n as f64 * o.availability();
            assert!(t.lo as f64 <= mean && (t.lo as usize + t.rows.len() - 1) as f64 >= mean.floor(), "n {n}");
            for (i, r) in t.rows.iter().enumerate() {
                let up = t.lo + i as u32;
                let c = &t.cdf[r.start..r.start + r.len];
                assert_eq!(c[c.len() - 1], 1.0);
                let (mut m1, mut m2, mut prev) = (0.0, 0.0, 0.0);
                for (k, x) in c.iter().enumerate() {
                    assert!(*x >= prev, "CDF decreasing");
                    let d = (r.dmin + k as i32) as f64;
                    m1 += d * (x - prev);
                    m2 += d * d * (x - prev);
                    prev = *x;
                }
                let (lam, mu) = (o.p_fail, o.p_repair);
                let mean = (n - up) as f64 * mu - up as f64 * lam;
                let var = up as f64 * lam * (1.0 - lam) + (n - up) as f64 * mu * (1.0 - mu);
                assert!((m1 - mean).abs() < 1e-12 * (1.0 + mean.abs()), "n {n} up {up}: mean {m1} vs {mean}");
                assert!((m2 - m1 * m1 - var).abs() < 1e-9 * (1.0 + var), "n {n} up {up}: var vs {var}");
                let q = (1.0 - lam).powi(up as i32) * (1.0 - mu).powi((n - up) as i32);
                assert!(r.q >= q * (1.0 - 1e-12), "P(d = 0) includes the quiet hour");
            }
        }
    }

    #[test]
    fn tabulated_chain_keeps_availability_and_repair_times() {
        // 6,144 blocks at FOR 1 %: mean share up 0.99.
        let o = Outages::from_for_mttr(6144, 0.01, 48.0);
        let mut r = stream(11, 0, "test", "pv");
        let mut a = Vec::new();
        simulate(&o, &mut r, &mut a, 100_000);
        let mean = a.iter().sum::<f64>() / a.len() as f64;
        // Share-up s.d. 0.0013, correlation time ≈ 48 h: s.e. ≈ 0.0013·√(96/1e5) ≈ 4e-5.
        assert!((mean - 0.99).abs() < 2e-4, "{mean}");
        // One unit, FOR 10 %, MTTR 10 h: tabulated too; mean down run 10 h.
        let o = Outages::from_for_mttr(1, 0.1, 10.0);
        assert!(Chain::with_schedule(&o, None).steps.is_some());
    }

    #[test]
    fn no_outages_means_always_available() {
        let o = Outages::none(5);
        let mut r = stream(1, 0, "test", "z");
        let mut a = Vec::new();
        simulate(&o, &mut r, &mut a, 100);
        assert!(a.iter().all(|x| *x == 1.0));
    }
}
