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

use crate::model::{Model, Outages};
use crate::rng::Rng;
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
}

/// Above this probability of a quiet hour (no failure, no repair), the
/// chain jumps straight to its next event with one geometric draw.
const SKIP_MIN_QUIET: f64 = 0.5;

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
    pub fn simulate(&self, rng: &mut Rng, avail: &mut Vec<f64>, hours: usize) {
        avail.clear();
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
    use crate::rng::stream;

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
    fn no_outages_means_always_available() {
        let o = Outages::none(5);
        let mut r = stream(1, 0, "test", "z");
        let mut a = Vec::new();
        simulate(&o, &mut r, &mut a, 100);
        assert!(a.iter().all(|x| *x == 1.0));
    }
}
