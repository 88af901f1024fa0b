//! Exact oracle for the reliability metrics (issue 4: "enumerate every
//! outage state with its probability and compute LOLE and EUE exactly").
//!
//! # Why an exact answer exists
//!
//! The systems here are tiny: one or two zones, one to four groups of
//! identical dispatchable units with forced outage rates, optionally a line
//! between the two zones whose circuits fail, an external grid behind a
//! link that never fails, firm loads (flat or shaped by `hourly_factor`), and
//! **no wind, solar, storage or electrolysers**. Nothing carries energy from
//! one hour to the next, so each hour's unserved energy depends only on that
//! hour's load and on which units are up.
//!
//! Every group's two-state Markov chain starts in its stationary
//! distribution, `Binomial(N, A)` units up with `A = 1 − FOR`, and a
//! stationary chain stays stationary: in every hour the number of units up
//! in a group is `Binomial(N, A)`, and groups are independent (separate
//! random streams). Hence, exactly,
//!
//! * `LOLE = Σ_hours P(any unserved load in that hour)` and
//! * `EUE  = Σ_hours E[unserved MW in that hour] · 1 h`,
//!
//! whatever the autocorrelation between hours. The oracle enumerates the
//! outage states by *counts* (k units up in each group, with binomial
//! probability, not 2^units unit-by-unit states) times the circuits up on
//! the tie line, and works out each state's unserved energy by hand logic
//! (below), independently of the engine's augmenting-path dispatch.
//!
//! # Unserved energy of one state (the closed-form max-flow)
//!
//! Zone `z` has supply `S_z` (its generators' available MW, plus
//! `min(max_import_mw, link MW)` if the external grid's lossless, never
//! failing link lands in `z`) and load `L_z`. Its local deficit is
//! `d_z = max(0, L_z − S_z)` and its local surplus `e_z = max(0, S_z − L_z)`;
//! at most one of the two is positive. The tie line (available capacity `C`
//! at the sending end, loss fraction `l`) moves
//! `t_{0→1} = min(d_1, (1 − l) · min(C, e_0))` and symmetrically `t_{1→0}`,
//! and the unserved MW are `u_0 = d_0 − t_{1→0}`, `u_1 = d_1 − t_{0→1}`.
//!
//! This is the maximum flow of the network source→z (S_z), z→sink (L_z),
//! z0↔z1 (C). Without losses its four s–t cuts give
//! `served = min(S_0 + S_1, L_0 + L_1, S_0 + L_1 + C, S_1 + L_0 + C)`; e.g.
//! with `e_0 > 0` and `d_1 > 0` the closed form serves
//! `L_0 + S_1 + min(C, S_0 − L_0, L_1 − S_1)`, which is that minimum (the
//! remaining cut `S_0 + L_1 + C` is larger). With losses there is a single
//! path, every MW moved loses a share, so serving locally first and moving
//! as much as surplus, line and deficit allow is optimal. The split of the
//! unserved energy between zones is also unique here (a zone with surplus is
//! always fully served; two zones in deficit each keep their own), so zone
//! LOLE and EUE are checked exactly too.
//!
//! # Statistics
//!
//! The Monte Carlo estimate (mean over samples of `system.lole_h` etc.) must
//! lie within `k` standard errors of the exact value; if the exact value is
//! 0, every sample must be exactly 0. Besides the exact mean, the oracle
//! gives exact bounds on the true variance of a sample's value
//! `Σ_t X_t` (X_t: the hour's shortfall indicator or unserved MW), from the
//! exact hourly variances `sd_t²`:
//!
//! * **lower**, `Σ_t sd_t²`: with `MTTR ≥ 2 h` and `FOR ≤ 0.3`,
//!   `p_fail + p_repair ≤ 1`, so each unit's chain is stochastically
//!   monotone and, started stationary, *associated* (Harris 1977), as are
//!   independent units together; X_t is a decreasing function of the unit
//!   states (more units up never serves less), so by the association (FKG)
//!   inequality hours are non-negatively correlated;
//! * **upper**, `Σ_t Σ_s ρ^|t−s| sd_t sd_s` with `ρ = max(1 − p_fail −
//!   p_repair)` over the groups and the tie: the units are independent
//!   reversible two-state chains, whose product has second eigenvalue ρ, so
//!   the maximal correlation of *any* two functions of the states d hours
//!   apart is ρ^d.
//!
//! Hand-picked cases (thousands of samples with a shortfall) use the sample
//! standard deviation / √n and k = 3.5. The property test uses k = 4 and the
//! larger of that and the exact upper bound: on random systems a shortfall
//! can be rare, and then the sample deviation rests on a handful of outage
//! bursts and is often far too small (seen: 0.66 where the truth was 1.09,
//! a spurious z of −4.1). The upper bound is close to the truth here
//! (median 1.1× the sample value over thousands of random systems), so
//! little power is lost; the property test also raises the sample count
//! (up to 10,000) until about 40 samples are expected to see the rarest
//! shortfall, so the estimate is close to normal.
//!
//! Also checked on every run: the summary estimate equals the mean of the
//! per-sample column; per sample, zone unserved energies add up to the
//! system's, and system LOLE lies between the largest zone LOLE and the sum
//! of the zone LOLEs; the LOLP-by-hour and month × hour profiles add up to
//! the per-sample means.

mod common;

use common::{column, header, model};
use proptest::prelude::*;
use renewplan::model::Model;
use renewplan::sim::engine::{Method, Results, Study};

/// Shortfall threshold of the engine's LOLE count (MW).
const LOL_MW: f64 = 1e-6;

/// A group of identical dispatchable units.
#[derive(Debug, Clone)]
struct Group {
    zone: usize,
    units: u32,
    unit_mw: f64,
    forced_outage_rate: f64,
}

/// The line between zone 0 and zone 1.
#[derive(Debug, Clone)]
struct Tie {
    circuits: u32,
    /// Transfer limit with 0, 1, … `circuits` circuits up.
    capacity_by_circuits_up_mw: Vec<f64>,
    forced_outage_rate: f64,
    loss: f64,
}

/// The external grid and its link (lossless, never fails) into `zone`.
#[derive(Debug, Clone)]
struct Grid {
    zone: usize,
    max_import_mw: f64,
    link_mw: f64,
}

/// A zone's firm load: `mw`, times `hourly_factor[hour of day]` if given.
#[derive(Debug, Clone)]
struct ZoneLoad {
    mw: f64,
    hourly_factor: Option<Vec<f64>>,
}

impl ZoneLoad {
    fn flat(mw: f64) -> Self {
        ZoneLoad { mw, hourly_factor: None }
    }

    /// MW in hour `t` (the horizon starts at local midnight, no DST).
    fn at(&self, t: usize) -> f64 {
        match &self.hourly_factor {
            None => self.mw,
            Some(f) => self.mw * f[t % 24],
        }
    }
}

#[derive(Debug, Clone)]
struct System {
    hours: usize,
    /// One per zone (1 or 2 zones).
    loads: Vec<ZoneLoad>,
    groups: Vec<Group>,
    tie: Option<Tie>,
    grid: Grid,
    /// Mean time to repair of every unit and circuit.
    mttr_h: f64,
}

fn zone_name(z: usize) -> String {
    format!("z{z}")
}

impl System {
    fn zones(&self) -> usize {
        self.loads.len()
    }

    fn toml(&self) -> String {
        let names: Vec<String> = (0..self.zones()).map(zone_name).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut t = header(self.hours, &refs);
        t += &format!(
            "[[external_grid]]\nname = \"grid\"\nmax_export_mw = 0\nmax_import_mw = {:?}\n\n",
            self.grid.max_import_mw
        );
        t += &format!(
            "[[line]]\nname = \"link\"\nfrom = \"grid\"\nto = \"{}\"\ncircuits = 1\ncircuit_mw = {:?}\n\
             loss_pu = 0\nforced_outage_rate_pu = 0\n\n",
            zone_name(self.grid.zone),
            self.grid.link_mw
        );
        for (z, l) in self.loads.iter().enumerate() {
            t += &format!("[[load]]\nname = \"load{z}\"\nzone = \"{}\"\nmw = {:?}\n", zone_name(z), l.mw);
            if let Some(f) = &l.hourly_factor {
                t += &format!("hourly_factor = {f:?}\n");
            }
            t += "\n";
        }
        for (i, g) in self.groups.iter().enumerate() {
            t += &format!(
                "[[generator]]\nname = \"g{i}\"\nzone = \"{}\"\ncapacity_mw = {:?}\nunits = {}\n\
                 forced_outage_rate_pu = {:?}\nmttr_h = {:?}\n\n",
                zone_name(g.zone),
                g.unit_mw * g.units as f64,
                g.units,
                g.forced_outage_rate,
                self.mttr_h
            );
        }
        if let Some(l) = &self.tie {
            t += &format!(
                "[[line]]\nname = \"tie\"\nfrom = \"z0\"\nto = \"z1\"\ncircuits = {}\ncircuit_mw = {:?}\n\
                 capacity_by_circuits_up_mw = {:?}\nloss_pu = {:?}\nforced_outage_rate_pu = {:?}\nmttr_h = {:?}\n\n",
                l.circuits,
                l.capacity_by_circuits_up_mw[l.circuits as usize] / l.circuits as f64,
                l.capacity_by_circuits_up_mw,
                l.loss,
                l.forced_outage_rate,
                self.mttr_h
            );
        }
        t
    }

    /// The resolved model, after checking that it is the system described
    /// (loads hour by hour, unit counts, availabilities).
    fn model(&self) -> Model {
        let m = model(&self.toml());
        assert_eq!(m.hours(), self.hours);
        assert!(m.wind_fleets.is_empty() && m.solar_fleets.is_empty() && m.storage.is_empty());
        assert!(m.electrolysers.is_empty());
        for (z, l) in self.loads.iter().enumerate() {
            let series: Vec<&Vec<f64>> = m.loads.iter().filter(|x| x.zone == z).map(|x| &x.mw).collect();
            assert_eq!(series.len(), 1);
            assert_eq!(series[0].len(), self.hours);
            for (t, mw) in series[0].iter().enumerate() {
                assert!((mw - l.at(t)).abs() < 1e-9, "zone {z} hour {t}: {mw} vs {}", l.at(t));
            }
        }
        for (i, g) in self.groups.iter().enumerate() {
            let mg = m.generators.iter().find(|x| x.name == format!("g{i}")).expect("generator");
            assert_eq!(mg.outages.units, g.units);
            assert!((mg.outages.availability() - (1.0 - g.forced_outage_rate)).abs() < 1e-12);
            // The chain must be stochastically monotone for the variance floor.
            assert!(mg.outages.p_fail + mg.outages.p_repair <= 1.0 + 1e-12);
        }
        if let Some(l) = &self.tie {
            let ml = m.lines.iter().find(|x| x.name == "tie").expect("tie");
            assert_eq!(ml.capacity_by_circuits_up_mw, l.capacity_by_circuits_up_mw);
            assert_eq!(ml.outages.units, l.circuits);
            assert!((ml.outages.availability() - (1.0 - l.forced_outage_rate)).abs() < 1e-12);
            assert!(ml.outages.p_fail + ml.outages.p_repair <= 1.0 + 1e-12);
        }
        m
    }
}

// ---------------------------------------------------------------- the oracle

/// P(k of n units up) for k = 0..=n, each unit up with probability `a`.
fn binomial_pmf(n: u32, a: f64) -> Vec<f64> {
    let mut choose = 1.0;
    (0..=n)
        .map(|k| {
            if k > 0 {
                choose = choose * (n - k + 1) as f64 / k as f64;
            }
            choose * a.powi(k as i32) * (1.0 - a).powi((n - k) as i32)
        })
        .collect()
}

/// One outage state: its probability, each zone's supply and the tie's
/// available transfer limit.
#[derive(Debug, Clone, Copy)]
struct State {
    p: f64,
    supply: [f64; 2],
    tie_mw: f64,
}

/// Every combination of units up (counts per group) and circuits up.
fn states(sys: &System) -> Vec<State> {
    let mut supply = [0.0; 2];
    supply[sys.grid.zone] += sys.grid.max_import_mw.min(sys.grid.link_mw);
    let mut out = vec![State { p: 1.0, supply, tie_mw: 0.0 }];
    for g in &sys.groups {
        let pmf = binomial_pmf(g.units, 1.0 - g.forced_outage_rate);
        out = out
            .iter()
            .flat_map(|s| {
                pmf.iter().enumerate().filter(|(_, p)| **p > 0.0).map(move |(k, p)| {
                    let mut x = *s;
                    x.p *= p;
                    x.supply[g.zone] += k as f64 * g.unit_mw;
                    x
                })
            })
            .collect();
    }
    if let Some(l) = &sys.tie {
        let pmf = binomial_pmf(l.circuits, 1.0 - l.forced_outage_rate);
        out = out
            .iter()
            .flat_map(|s| {
                pmf.iter().enumerate().filter(|(_, p)| **p > 0.0).map(move |(k, p)| State {
                    p: s.p * p,
                    tie_mw: l.capacity_by_circuits_up_mw[k],
                    ..*s
                })
            })
            .collect();
    }
    out
}

/// Unserved MW per zone in one state (the closed-form max-flow of the
/// module documentation). Rounding dust is not a shortfall.
fn unserved(load: [f64; 2], s: &State, loss: f64) -> [f64; 2] {
    let d = [(load[0] - s.supply[0]).max(0.0), (load[1] - s.supply[1]).max(0.0)];
    let e = [(s.supply[0] - load[0]).max(0.0), (s.supply[1] - load[1]).max(0.0)];
    let to1 = d[1].min((1.0 - loss) * s.tie_mw.min(e[0]));
    let to0 = d[0].min((1.0 - loss) * s.tie_mw.min(e[1]));
    let snap = |x: f64| if x > 1e-9 { x } else { 0.0 };
    [snap(d[0] - to0), snap(d[1] - to1)]
}

/// Exact value of one metric, with the exact mean, variance and event
/// probability of its hourly value in every hour.
#[derive(Debug, Clone, Default)]
struct Target {
    exact: f64,
    /// Per hour: mean, variance, P(event) (shortfall in the metric's scope).
    hourly: Vec<(f64, f64, f64)>,
    /// Lag-one correlation bound ρ of the outage process (see [`Target::var_upper`]).
    rho: f64,
}

impl Target {
    /// Add one hour in which the metric's hourly value has mean `m`, second
    /// moment `m2`, and the shortfall has probability `p`.
    fn add_hour(&mut self, m: f64, m2: f64, p: f64) {
        self.exact += m;
        self.hourly.push((m, (m2 - m * m).max(0.0), p));
    }

    /// Lower bound on the variance of the per-sample value: hours are
    /// non-negatively correlated (association), so Var(Σ X_t) ≥ Σ Var(X_t).
    fn var_floor(&self) -> f64 {
        self.hourly.iter().map(|h| h.1).sum()
    }

    /// Upper bound: the outage process is a product of independent
    /// reversible two-state chains, whose maximal correlation at lag d is
    /// ρ^d with ρ = max over groups of 1 − p_fail − p_repair (the
    /// second eigenvalue), so |Cov(X_t, X_s)| ≤ ρ^|t−s| sd_t sd_s for any
    /// functions of the states, and Var(Σ X_t) ≤ Σ_t Σ_s ρ^|t−s| sd_t sd_s.
    fn var_upper(&self) -> f64 {
        let sd: Vec<f64> = self.hourly.iter().map(|h| h.1.sqrt()).collect();
        let mut v = 0.0;
        for (t, a) in sd.iter().enumerate() {
            for (s, b) in sd.iter().enumerate() {
                v += self.rho.powi(t.abs_diff(s) as i32) * a * b;
            }
        }
        v
    }

    /// Largest hourly probability of a shortfall in the metric's scope: at
    /// least this share of samples sees one.
    fn p_max(&self) -> f64 {
        self.hourly.iter().map(|h| h.2).fold(0.0, f64::max)
    }
}

/// ρ of [`Target::var_upper`]: the slowest-mixing group or circuit set.
fn rho(sys: &System) -> f64 {
    let p_repair = (1.0 / sys.mttr_h).min(1.0);
    let one = |f: f64| if f > 0.0 { (1.0 - p_repair / (1.0 - f)).abs() } else { 0.0 };
    let tie = sys.tie.as_ref().map_or(0.0, |l| one(l.forced_outage_rate));
    sys.groups.iter().map(|g| one(g.forced_outage_rate)).fold(tie, f64::max)
}

/// Exact targets keyed by metric name.
fn exact(sys: &System) -> Vec<(String, Target)> {
    let nz = sys.zones();
    let st = states(sys);
    let total_p: f64 = st.iter().map(|s| s.p).sum();
    assert!((total_p - 1.0).abs() < 1e-12, "state probabilities sum to {total_p}");
    let loss = sys.tie.as_ref().map_or(0.0, |l| l.loss);
    let blank = Target { rho: rho(sys), ..Target::default() };
    let mut lole = blank.clone();
    let mut eue = blank.clone();
    let mut zl = vec![blank.clone(); nz];
    let mut ze = vec![blank; nz];
    for t in 0..sys.hours {
        let mut load = [0.0; 2];
        for (z, l) in sys.loads.iter().enumerate() {
            load[z] = l.at(t);
        }
        let (mut p_lol, mut eu, mut eu2) = (0.0, 0.0, 0.0);
        let mut zp = [0.0; 2];
        let mut zu = [0.0; 2];
        let mut zu2 = [0.0; 2];
        for s in &st {
            let u = unserved(load, s, loss);
            let tot = u[0] + u[1];
            if tot > LOL_MW {
                p_lol += s.p;
            }
            eu += s.p * tot;
            eu2 += s.p * tot * tot;
            for z in 0..2 {
                if u[z] > LOL_MW {
                    zp[z] += s.p;
                }
                zu[z] += s.p * u[z];
                zu2[z] += s.p * u[z] * u[z];
            }
        }
        lole.add_hour(p_lol, p_lol, p_lol);
        eue.add_hour(eu, eu2, p_lol);
        for z in 0..nz {
            zl[z].add_hour(zp[z], zp[z], zp[z]);
            ze[z].add_hour(zu[z], zu2[z], zp[z]);
        }
    }
    let mut out = vec![("system.lole_h".to_string(), lole), ("system.unserved_mwh".to_string(), eue)];
    for (z, (l, e)) in zl.into_iter().zip(ze).enumerate() {
        out.push((format!("zone.{}.lole_h", zone_name(z)), l));
        out.push((format!("zone.{}.unserved_mwh", zone_name(z)), e));
    }
    out
}

fn lookup(targets: &[(String, Target)], key: &str) -> Target {
    targets.iter().find(|(k, _)| k == key).map(|(_, t)| t.clone()).expect("target")
}

// ---------------------------------------------------------------- Monte Carlo side

fn simulate(m: &Model, seed: u64, samples: u64) -> Results {
    Study::new(m).run(Method { seed, first: 0, samples, threads: 0 }, &|_| {})
}

/// Which standard error a check uses.
#[derive(Debug, Clone, Copy, PartialEq)]
enum SeRule {
    /// Sample standard deviation / √n (floored by the exact lower bound,
    /// which never binds when many samples see a shortfall).
    Sample,
    /// The larger of that and the exact upper bound: never below the true
    /// standard error, for random systems where few samples may see a
    /// shortfall and the sample deviation can be far too small.
    Conservative,
}

/// The Monte Carlo estimate of one metric against its exact value.
#[derive(Debug, Clone)]
struct Check {
    key: String,
    exact: f64,
    mean: f64,
    /// Sample standard deviation / √n.
    se: f64,
    /// The standard error the check used (see [`check_metric`]).
    se_used: f64,
    /// Exact bounds on the true standard error.
    se_floor: f64,
    se_upper: f64,
    /// (mean − exact) / se_used (0 when both sides agree exactly).
    z: f64,
}

impl std::fmt::Display for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:<22} exact {:>11.5}  MC {:>11.5} ± {:.5} (used {:.5}, true in [{:.5}, {:.5}])  z = {:+.2}",
            self.key, self.exact, self.mean, self.se, self.se_used, self.se_floor, self.se_upper, self.z
        )
    }
}

/// Check one metric's Monte Carlo estimate against its exact value, within
/// `k_se` standard errors chosen by `rule`.
fn check_metric(r: &Results, key: &str, target: &Target, k_se: f64, rule: SeRule) -> Result<Check, String> {
    let v = column(r, key);
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let se = (var / n).sqrt();
    let se_floor = (target.var_floor() / n).sqrt();
    let se_upper = (target.var_upper() / n).sqrt();
    let se_used = match rule {
        SeRule::Sample => se.max(se_floor),
        SeRule::Conservative => se.max(se_upper),
    };
    let diff = mean - target.exact;
    // Rounding only: both sides add the same hourly values in other orders.
    let slack = 1e-9 * (1.0 + target.exact.abs());
    let z = if diff.abs() <= slack { 0.0 } else { diff / se_used };
    let c = Check { key: key.to_string(), exact: target.exact, mean, se, se_used, se_floor, se_upper, z };
    if target.exact == 0.0 {
        if let Some(x) = v.iter().find(|x| **x != 0.0) {
            return Err(format!("{c}\n  exact value is 0 but a sample has {x}"));
        }
    } else if diff.abs() > k_se * se_used + slack {
        return Err(format!("{c}\n  more than {k_se} standard errors from the exact value"));
    }
    Ok(c)
}

/// Per-sample values against the aggregates and against each other.
fn check_consistency(m: &Model, r: &Results) -> Result<(), String> {
    let n = r.rows.len();
    let hours = m.hours() as f64;
    let lole = column(r, "system.lole_h");
    let eue = column(r, "system.unserved_mwh");
    let load = column(r, "system.load_mwh");
    let events = column(r, "system.lol_events");
    let zl: Vec<Vec<f64>> = m.zones.iter().map(|z| column(r, &format!("zone.{}.lole_h", z.name))).collect();
    let ze: Vec<Vec<f64>> = m.zones.iter().map(|z| column(r, &format!("zone.{}.unserved_mwh", z.name))).collect();
    for i in 0..n {
        let sum_ze: f64 = ze.iter().map(|c| c[i]).sum();
        if (sum_ze - eue[i]).abs() > 1e-9 * (1.0 + eue[i]) {
            return Err(format!("sample {i}: zone unserved add up to {sum_ze}, system {}", eue[i]));
        }
        let sum_zl: f64 = zl.iter().map(|c| c[i]).sum();
        let max_zl = zl.iter().map(|c| c[i]).fold(0.0, f64::max);
        if lole[i] > sum_zl || lole[i] < max_zl {
            return Err(format!(
                "sample {i}: system LOLE {} outside [max zone {max_zl}, sum of zones {sum_zl}]",
                lole[i]
            ));
        }
        if lole[i].fract() != 0.0 || lole[i] < 0.0 || lole[i] > hours {
            return Err(format!("sample {i}: LOLE {} is not a whole number of hours in 0..={hours}", lole[i]));
        }
        if events[i] > lole[i] || (lole[i] > 0.0) != (events[i] > 0.0) {
            return Err(format!("sample {i}: {} events in {} shortfall hours", events[i], lole[i]));
        }
        if eue[i] < 0.0 || eue[i] > load[i] + 1e-9 || (eue[i] > 0.0) != (lole[i] > 0.0) {
            return Err(format!("sample {i}: unserved {} MWh, load {}, LOLE {}", eue[i], load[i], lole[i]));
        }
    }
    // Summary estimates are the means of the per-sample columns.
    let est = r.estimates();
    for key in ["system.lole_h", "system.unserved_mwh"].into_iter().map(String::from).chain(
        m.zones.iter().flat_map(|z| [format!("zone.{}.lole_h", z.name), format!("zone.{}.unserved_mwh", z.name)]),
    ) {
        let col = column(r, &key);
        let mean = col.iter().sum::<f64>() / n as f64;
        let e = est.iter().find(|e| e.key == key).ok_or(format!("no estimate for {key}"))?;
        if (e.mean - mean).abs() > 1e-12 * (1.0 + mean.abs()) {
            return Err(format!("{key}: estimate {} but the per-sample mean is {mean}", e.mean));
        }
    }
    // Profiles: LOLP by hour and the month × hour cells add up to the means.
    let p = r.profiles.finish(m);
    let mean_lole = lole.iter().sum::<f64>() / n as f64;
    let mean_eue = eue.iter().sum::<f64>() / n as f64;
    let lolp: f64 = p.lolp_by_hour.iter().sum();
    let lol_cells: f64 = p.lol_hours.iter().flatten().sum();
    let eue_cells: f64 = p.unserved_mwh.iter().flatten().sum();
    if p.samples != n as u64 || (lolp - mean_lole).abs() > 1e-9 * (1.0 + mean_lole) {
        return Err(format!("LOLP by hour adds up to {lolp}, mean LOLE {mean_lole} ({} samples)", p.samples));
    }
    if (lol_cells - mean_lole).abs() > 1e-9 * (1.0 + mean_lole) {
        return Err(format!("LOL hours by month × hour add up to {lol_cells}, mean LOLE {mean_lole}"));
    }
    // Each sample's cells are rounded to 1 kWh: at most 0.5 kWh per used cell.
    if (eue_cells - mean_eue).abs() > 0.0005 * hours.min(288.0) + 1e-9 {
        return Err(format!("unserved MWh by month × hour add up to {eue_cells}, mean EUE {mean_eue}"));
    }
    Ok(())
}

/// Run the Monte Carlo and check every exact target and the consistency of
/// the results; returns the checks for printing.
fn verify(sys: &System, seed: u64, samples: u64, k_se: f64, rule: SeRule) -> Result<Vec<Check>, String> {
    let m = sys.model();
    let targets = exact(sys);
    let r = simulate(&m, seed, samples);
    check_consistency(&m, &r)?;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (key, t) in &targets {
        match check_metric(&r, key, t, k_se, rule) {
            Ok(c) => out.push(c),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(format!("{}\n--- system ---\n{}", errors.join("\n"), sys.toml())) }
}

fn print(name: &str, checks: &[Check]) {
    println!("{name}:");
    for c in checks {
        println!("  {c}");
    }
}

// ---------------------------------------------------------------- hand-picked cases

fn group(zone: usize, units: u32, unit_mw: f64, forced_outage_rate: f64) -> Group {
    Group { zone, units, unit_mw, forced_outage_rate }
}

/// One zone, 3 × 100 MW (FOR 0.1) and 2 × 50 MW (FOR 0.2), flat load
/// 260 MW, 24 h, no imports.
fn one_zone_system(for_large: f64) -> System {
    System {
        hours: 24,
        loads: vec![ZoneLoad::flat(260.0)],
        groups: vec![group(0, 3, 100.0, for_large), group(0, 2, 50.0, 0.2)],
        tie: None,
        grid: Grid { zone: 0, max_import_mw: 0.0, link_mw: 100.0 },
        mttr_h: 3.0,
    }
}

#[test]
fn one_zone_two_groups_exact_by_hand_and_by_monte_carlo() {
    // Worked by hand. k1 of the 100 MW units up ~ Bin(3, 0.9):
    // P = 0.001, 0.027, 0.243, 0.729 for k1 = 0..3; k2 of the 50 MW units
    // ~ Bin(2, 0.8): P = 0.04, 0.32, 0.64. Available ≥ 260 needs k1 = 3, or
    // k1 = 2 and k2 = 2 (300 MW): P(no shortfall) = 0.729 + 0.243 · 0.64
    // = 0.88452, so P(shortfall) = 0.11548 per hour, LOLE = 24 · 0.11548
    // = 2.77152 h.
    // E[unserved MW] per hour:
    //   k1 = 2, k2 = 1: 250 MW → 10, P 0.07776  → 0.7776
    //   k1 = 2, k2 = 0: 200 MW → 60, P 0.00972  → 0.5832
    //   k1 = 1: 0.027 · (60·0.64 + 110·0.32 + 160·0.04) = 0.027 · 80 = 2.16
    //   k1 = 0: 0.001 · (160·0.64 + 210·0.32 + 260·0.04) = 0.001 · 180 = 0.18
    // = 3.7008 MW, EUE = 24 · 3.7008 = 88.8192 MWh.
    let sys = one_zone_system(0.1);
    let t = exact(&sys);
    assert!((lookup(&t, "system.lole_h").exact - 2.77152).abs() < 1e-9);
    assert!((lookup(&t, "system.unserved_mwh").exact - 88.8192).abs() < 1e-9);
    assert!((lookup(&t, "zone.z0.lole_h").exact - 2.77152).abs() < 1e-9);

    let checks = verify(&sys, 20240601, 4000, 3.5, SeRule::Sample).unwrap_or_else(|e| panic!("{e}"));
    print("one zone, 3×100 MW FOR 0.1 + 2×50 MW FOR 0.2, 260 MW, 24 h", &checks);

    // The check has teeth: an availability error of one point on the large
    // units (FOR 0.11 instead of 0.1: exact LOLE 3.0657 h) is rejected.
    let wrong = exact(&one_zone_system(0.11));
    let m = sys.model();
    let r = simulate(&m, 20240601, 4000);
    for key in ["system.lole_h", "system.unserved_mwh"] {
        let err = check_metric(&r, key, &lookup(&wrong, key), 3.5, SeRule::Sample);
        assert!(err.is_err(), "{key}: the oracle of a wrong FOR was accepted: {err:?}");
    }
}

#[test]
fn one_zone_profiled_load_with_link_limited_imports() {
    // 4 × 60 MW (FOR 0.15) and 1 × 120 MW (FOR 0.25); the grid offers
    // 80 MW but its link carries 50: effective import 50 MW. Load 300 MW
    // shaped by the hour of day (0.7 at night to 1.1 in the evening) over
    // 30 hours, so the hours differ and hours 24–29 repeat 0–5.
    // E.g. hour 18 (300 · 1.1 = 330 MW): shortfall unless the units give
    // ≥ 280 MW: 4·60 + 120 (P 0.85⁴ · 0.75 = 0.39150) or 3·60 + 120 = 300
    // (P 4 · 0.85³ · 0.15 · 0.75 = 0.27636): P(shortfall) = 0.332139.
    let mut f = vec![0.7; 24];
    for (h, x) in f.iter_mut().enumerate() {
        if (8..17).contains(&h) {
            *x = 0.95;
        } else if (17..22).contains(&h) {
            *x = 1.1;
        }
    }
    let sys = System {
        hours: 30,
        loads: vec![ZoneLoad { mw: 300.0, hourly_factor: Some(f) }],
        groups: vec![group(0, 4, 60.0, 0.15), group(0, 1, 120.0, 0.25)],
        tie: None,
        grid: Grid { zone: 0, max_import_mw: 80.0, link_mw: 50.0 },
        mttr_h: 4.0,
    };
    let t = exact(&sys);
    // Hour 18 alone, from the hand computation above.
    let one_hour = System { hours: 1, loads: vec![ZoneLoad::flat(330.0)], ..sys.clone() };
    let hand = 1.0 - 0.85f64.powi(4) * 0.75 - 4.0 * 0.85f64.powi(3) * 0.15 * 0.75;
    assert!((lookup(&exact(&one_hour), "system.lole_h").exact - hand).abs() < 1e-12);
    assert!(lookup(&t, "system.lole_h").exact > 0.0);
    let checks = verify(&sys, 7, 3000, 3.5, SeRule::Sample).unwrap_or_else(|e| panic!("{e}"));
    print("one zone, profiled load, 50 MW import (link-limited), 30 h", &checks);
}

#[test]
fn two_zones_with_failing_tie_circuits() {
    // Generators only in z0: 4 × 80 MW (FOR 0.1) and 1 × 100 MW (FOR 0.2).
    // Loads 150 MW in z0 and 140 MW in z1. Tie z0 → z1: 2 circuits,
    // transfer limit 0 / 90 / 160 MW with 0 / 1 / 2 up, FOR 0.1, lossless.
    // No imports. z0 is served first (local), then its surplus crosses:
    // e.g. all units up (420 MW): surplus 270, z1 gets min(140, C): fully
    // served with both circuits, 50 MW short with one, 140 short with none.
    // With 2 of the 80 MW units and the 100 MW unit out (160 MW), z0 is
    // served and 10 MW reach z1 (130 short) whatever the tie.
    let sys = System {
        hours: 12,
        loads: vec![ZoneLoad::flat(150.0), ZoneLoad::flat(140.0)],
        groups: vec![group(0, 4, 80.0, 0.1), group(0, 1, 100.0, 0.2)],
        tie: Some(Tie {
            circuits: 2,
            capacity_by_circuits_up_mw: vec![0.0, 90.0, 160.0],
            forced_outage_rate: 0.1,
            loss: 0.0,
        }),
        grid: Grid { zone: 0, max_import_mw: 0.0, link_mw: 0.0 },
        mttr_h: 3.0,
    };
    let t = exact(&sys);
    // Hand check of z1's exact shortfall probability per hour: z1 is short
    // unless both circuits are up (P 0.81) and z0 has ≥ 290 MW (k80 = 4, or
    // k80 = 3 with the 100 MW unit: P 0.6561 + 0.2916 · 0.8 = 0.88938):
    // P(z1 short) = 1 − 0.81 · 0.88938 = 0.2796022; z0 is short only
    // below 150 MW (k80 ≤ 1 and the 100 MW unit out, or k80 = 0 with it:
    // P 0.2 · (0.0001 + 0.0036) + 0.8 · 0.0001 = 0.00082); system LOLE
    // per hour is P(z1 short) since z0 short ⇒ z1 short.
    assert!((lookup(&t, "zone.z1.lole_h").exact - 12.0 * 0.2796022).abs() < 1e-9);
    assert!((lookup(&t, "zone.z0.lole_h").exact - 12.0 * 0.00082).abs() < 1e-9);
    assert!((lookup(&t, "system.lole_h").exact - 12.0 * 0.2796022).abs() < 1e-9);
    let checks = verify(&sys, 99, 4000, 3.5, SeRule::Sample).unwrap_or_else(|e| panic!("{e}"));
    print("two zones, generators in z0, 2-circuit tie that fails", &checks);
}

#[test]
fn two_zones_generators_both_sides_lossy_tie_and_imports() {
    // z0: 3 × 100 MW (FOR 0.1), load 120 MW. z1: 1 × 60 MW (FOR 0.2) and
    // 30 MW of imports (link 60 MW), load 180 MW. Tie: 2 circuits, 0 / 80 /
    // 160 MW with 0 / 1 / 2 up (FOR 0.1), 10 % losses. Loads × 0.8 in
    // hours 0–8 of the day; 18 hours.
    //
    // Peak hour by hand: k of z0's units up (P .001 .027 .243 .729), z1's
    // unit up (P .8), c circuits up (P .01 .18 .81). z0 is short for k ≤ 1;
    // its surplus is 80 (k = 2) or 180 (k = 3). z1's deficit is 90 with its
    // unit, 150 without. Delivered over the tie: 0.9 · min(C, surplus).
    // Only k = 3, c = 2 (144 MW delivered) with z1's unit up (90 needed)
    // has no shortfall: P(LOL) = 1 − 0.729 · 0.81 · 0.8 = 0.527608.
    // Without losses 160 MW would also cover the 150 MW deficit with z1's
    // unit out: P(LOL) = 1 − 0.729 · 0.81 = 0.40951, so the check below sees
    // the losses. (A unit-by-unit 2^7-state enumeration, written separately,
    // gives LOLE 5.757174 h and EUE 190.1857536 MWh for the 18 hours.)
    let mut f = vec![1.0; 24];
    for x in f.iter_mut().take(9) {
        *x = 0.8;
    }
    let sys = |loss: f64, hours: usize| System {
        hours,
        loads: vec![
            ZoneLoad { mw: 120.0, hourly_factor: Some(f.clone()) },
            ZoneLoad { mw: 180.0, hourly_factor: Some(f.clone()) },
        ],
        groups: vec![group(0, 3, 100.0, 0.1), group(1, 1, 60.0, 0.2)],
        tie: Some(Tie {
            circuits: 2,
            capacity_by_circuits_up_mw: vec![0.0, 80.0, 160.0],
            forced_outage_rate: 0.1,
            loss,
        }),
        grid: Grid { zone: 1, max_import_mw: 30.0, link_mw: 60.0 },
        mttr_h: 2.0,
    };
    let peak = |loss: f64| {
        let mut s = sys(loss, 1);
        for l in &mut s.loads {
            l.hourly_factor = None;
        }
        lookup(&exact(&s), "system.lole_h").exact
    };
    assert!((peak(0.1) - (1.0 - 0.729 * 0.81 * 0.8)).abs() < 1e-12);
    assert!((peak(0.0) - (1.0 - 0.729 * 0.81)).abs() < 1e-12);
    let t = exact(&sys(0.1, 18));
    assert!((lookup(&t, "system.lole_h").exact - 5.757174).abs() < 1e-9);
    assert!((lookup(&t, "system.unserved_mwh").exact - 190.1857536).abs() < 1e-9);

    let checks = verify(&sys(0.1, 18), 3, 4000, 3.5, SeRule::Sample).unwrap_or_else(|e| panic!("{e}"));
    print("two zones, generators both sides, 10 % lossy tie, imports into z1", &checks);

    // The check sees the losses: the lossless oracle is rejected.
    let lossless = exact(&sys(0.0, 18));
    let r = simulate(&sys(0.1, 18).model(), 3, 4000);
    for key in ["system.lole_h", "system.unserved_mwh", "zone.z1.lole_h"] {
        let err = check_metric(&r, key, &lookup(&lossless, key), 3.5, SeRule::Sample);
        assert!(err.is_err(), "{key}: the lossless oracle was accepted: {err:?}");
    }
}

#[test]
fn no_outages_and_enough_capacity_means_exactly_zero() {
    // z0's units never fail and leave 40 MW over its 100 MW load; the tie
    // (40 MW, never fails) and 25 MW of imports cover z1's 50 MW even when
    // its only unit (FOR 0.2) is out: the oracle says 0, and every sample
    // must be exactly 0.
    let sys = System {
        hours: 8,
        loads: vec![ZoneLoad::flat(100.0), ZoneLoad::flat(50.0)],
        groups: vec![group(0, 2, 70.0, 0.0), group(1, 1, 30.0, 0.2)],
        tie: Some(Tie { circuits: 1, capacity_by_circuits_up_mw: vec![0.0, 40.0], forced_outage_rate: 0.0, loss: 0.0 }),
        grid: Grid { zone: 1, max_import_mw: 25.0, link_mw: 25.0 },
        mttr_h: 2.0,
    };
    let t = exact(&sys);
    assert!(t.iter().all(|(_, x)| x.exact == 0.0), "{t:?}");
    verify(&sys, 5, 500, 3.5, SeRule::Sample).unwrap_or_else(|e| panic!("{e}"));
}

// ---------------------------------------------------------------- property test

fn forced_outage_rate() -> impl Strategy<Value = f64> {
    prop_oneof![1 => Just(0.0), 4 => (1u32..=300).prop_map(|x| x as f64 / 1000.0)]
}

/// Random tiny systems: 1–2 zones, 1–12 hours, 1–4 groups of 1–4 units,
/// FOR 0–0.3, MTTR 2–6 h, an optional tie (1–2 circuits, FOR 0–0.3, losses
/// 0/2/5/10 %) between two zones, imports 0–100 MW behind a 0–150 MW link, and
/// loads from 20 % to 120 % of the system's capacity, flat or hourly shaped.
fn arb_system() -> impl Strategy<Value = System> {
    (1usize..=2, 1usize..=12, 2u32..=6).prop_flat_map(|(nz, hours, mttr)| {
        let groups = prop::collection::vec(
            (0..nz, 1u32..=4, 1u32..=15, forced_outage_rate())
                .prop_map(|(zone, units, size, f)| group(zone, units, size as f64 * 10.0, f)),
            1..=4,
        );
        let tie = if nz == 2 {
            prop::option::weighted(
                0.85,
                (1u32..=2, 1u32..=20, forced_outage_rate(), prop::sample::select(vec![0.0, 0.02, 0.05, 0.1])).prop_map(
                    |(circuits, mw, f, loss)| Tie {
                        circuits,
                        capacity_by_circuits_up_mw: (0..=circuits).map(|k| (k * mw * 10) as f64).collect(),
                        forced_outage_rate: f,
                        loss,
                    },
                ),
            )
            .boxed()
        } else {
            Just(None).boxed()
        };
        let grid = (0..nz, prop_oneof![Just(0u32), 1u32..=10], 0u32..=15).prop_map(|(zone, imp, link)| Grid {
            zone,
            max_import_mw: imp as f64 * 10.0,
            link_mw: link as f64 * 10.0,
        });
        let shape = prop::option::of(prop::collection::vec((10u32..=30).prop_map(|x| x as f64 * 0.05), 24));
        let loads = prop::collection::vec((20u32..=120, shape), nz);
        (groups, tie, grid, loads).prop_map(move |(groups, tie, grid, loads)| {
            let capacity: f64 =
                groups.iter().map(|g| g.unit_mw * g.units as f64).sum::<f64>() + grid.max_import_mw.min(grid.link_mw);
            let loads = loads
                .into_iter()
                .map(|(pct, hourly_factor)| ZoneLoad {
                    mw: (capacity * pct as f64 / 100.0 / nz as f64).round(),
                    hourly_factor,
                })
                .collect();
            System { hours, loads, groups, tie, grid, mttr_h: mttr as f64 }
        })
    })
}

/// Samples for a random system: enough that 40 samples are expected to see
/// the rarest nonzero shortfall (so the estimate is near normal), within
/// `lo..=hi`.
fn samples_for(sys: &System, lo: u64, hi: u64) -> u64 {
    let p = exact(sys).iter().filter(|(_, t)| t.exact > 0.0).map(|(_, t)| t.p_max()).fold(1.0, f64::min);
    ((40.0 / p).ceil() as u64).clamp(lo, hi)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn monte_carlo_lies_within_four_standard_errors_of_the_exact_answer(
        sys in arb_system(),
        seed in any::<u64>(),
    ) {
        let res = verify(&sys, seed, samples_for(&sys, 1000, 10_000), 4.0, SeRule::Conservative);
        prop_assert!(res.is_ok(), "{}", res.err().unwrap_or_default());
    }
}
