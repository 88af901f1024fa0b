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
//! independent units, and costs two binomial draws per group-hour instead
//! of one draw per unit-hour.

use crate::model::Outages;
use crate::rng::Rng;
use rand::RngExt;
use rand_distr::{Binomial, Distribution};

#[inline]
fn binomial(rng: &mut Rng, n: u32, p: f64) -> u32 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    if n == 1 {
        return u32::from(rng.random::<f64>() < p);
    }
    // Fast exit for the common case of no event this hour: P(0) = (1−p)^n.
    // Binomial::new cannot fail for 0 < p < 1.
    Binomial::new(n as u64, p).map_or(0, |b| b.sample(rng) as u32)
}

/// Fill `avail` with the fraction of units up in every hour.
pub fn simulate(o: &Outages, rng: &mut Rng, avail: &mut Vec<f64>, hours: usize) {
    avail.clear();
    if o.p_fail <= 0.0 {
        avail.resize(hours, 1.0);
        return;
    }
    let n = o.units;
    let inv = 1.0 / n as f64;
    let mut up = binomial(rng, n, o.availability());
    // Precompute P(no failure) for the all-up state, the usual case: one
    // uniform draw then decides most hours.
    let p_none_all_up = (1.0 - o.p_fail).powi(n as i32);
    for _ in 0..hours {
        avail.push(up as f64 * inv);
        if up == n {
            let u: f64 = rng.random();
            if u < p_none_all_up {
                continue;
            }
            // At least one failure: draw from the zero-truncated binomial
            // by rejection (the truncation removes mass p_none_all_up).
            loop {
                let f = binomial(rng, n, o.p_fail);
                if f > 0 {
                    up -= f;
                    break;
                }
            }
        } else {
            let fail = binomial(rng, up, o.p_fail);
            let repair = binomial(rng, n - up, o.p_repair);
            up = up - fail + repair;
        }
    }
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
    fn no_outages_means_always_available() {
        let o = Outages::none(5);
        let mut r = stream(1, 0, "test", "z");
        let mut a = Vec::new();
        simulate(&o, &mut r, &mut a, 100);
        assert!(a.iter().all(|x| *x == 1.0));
    }
}
