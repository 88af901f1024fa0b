//! Per-sample metrics and their statistics across samples.
//!
//! [`Registry`] names every metric the model yields (the words of
//! DOMAIN.md: available, used and curtailed energy, utilisation rate,
//! exports, line utilisation, unserved energy, LOLE, hydrogen, ...), for the
//! system, each zone, fleet, line, store, electrolyser and generator.
//! [`record`] reduces one sample's hourly dispatch to one row of values;
//! [`Profiles`] adds fixed-size month × hour-of-day accumulators that merge
//! exactly; [`Estimate`] summarises a column across samples: mean with its
//! standard error, standard deviation and P5/P10/P50/P90/P95. Nothing here
//! grows with the horizon; only the rows grow with the sample count.

use crate::model::Model;
use crate::sim::dispatch::{Hourly, Inputs};
use serde::{Deserialize, Serialize};

/// Name, unit and meaning of one metric.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MetricDef {
    /// Dotted key, e.g. `system.utilisation_rate`, `wind.alxa-wind.full_load_h`.
    pub key: String,
    pub unit: String,
    pub description: String,
}

/// All metrics of a model, in column order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Registry {
    pub defs: Vec<MetricDef>,
}

impl Registry {
    pub fn new(m: &Model) -> Self {
        let mut d = Vec::new();
        let mut add = |key: String, unit: &str, desc: &str| {
            d.push(MetricDef { key, unit: unit.into(), description: desc.into() })
        };
        for (k, u, desc) in SYSTEM {
            add(format!("system.{k}"), u, desc);
        }
        for mo in 1..=12 {
            add(format!("system.h2_t_month_{mo:02}"), "t", "hydrogen produced in this calendar month");
        }
        for p in EXPORT_DURATION_PCT {
            add(
                format!("system.export_duration_mw_{p:03}"),
                "MW",
                "export level reached or exceeded in this percentage of hours (export duration curve)",
            );
        }
        for (k, u, desc) in ECONOMICS {
            add(format!("economics.{k}"), u, desc);
        }
        for z in &m.zones {
            for (k, u, desc) in ZONE {
                add(format!("zone.{}.{k}", z.name), u, desc);
            }
        }
        for f in &m.wind_fleets {
            for (k, u, desc) in WIND {
                add(format!("wind.{}.{k}", f.name), u, desc);
            }
        }
        for f in &m.solar_fleets {
            for (k, u, desc) in SOLAR {
                add(format!("solar.{}.{k}", f.name), u, desc);
            }
        }
        for l in &m.lines {
            for (k, u, desc) in LINE {
                add(format!("line.{}.{k}", l.name), u, desc);
            }
        }
        for s in &m.storage {
            for (k, u, desc) in STORAGE {
                add(format!("storage.{}.{k}", s.name), u, desc);
            }
        }
        for e in &m.electrolysers {
            for (k, u, desc) in ELECTROLYSER {
                add(format!("electrolyser.{}.{k}", e.name), u, desc);
            }
        }
        for g in &m.generators {
            for (k, u, desc) in GENERATOR {
                add(format!("generator.{}.{k}", g.name), u, desc);
            }
        }
        for g in &m.external_grids {
            for (k, u, desc) in EXTERNAL {
                add(format!("external.{}.{k}", g.name), u, desc);
            }
        }
        // Last, so that adding them moved no other column (see `record_weather`).
        for s in &m.sites {
            for (k, u, desc) in SITE {
                add(format!("site.{}.{k}", s.name), u, desc);
            }
        }
        Registry { defs: d }
    }

    pub fn index(&self, key: &str) -> Option<usize> {
        self.defs.iter().position(|d| d.key == key)
    }
}

type Def = (&'static str, &'static str, &'static str);

/// Points (percent of hours) of the per-sample export duration curve.
pub const EXPORT_DURATION_PCT: [u32; 21] =
    [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95, 100];

const SYSTEM: &[Def] = &[
    ("available_mwh", "MWh", "renewable energy wind and solar could produce given weather and outages"),
    ("wind_available_mwh", "MWh", "available wind energy"),
    ("solar_available_mwh", "MWh", "available solar energy (AC)"),
    ("used_mwh", "MWh", "renewable energy used by loads, storage, electrolysers or exports"),
    ("curtailed_mwh", "MWh", "available renewable energy not used"),
    ("utilisation_rate", "fraction", "1 − curtailed / available renewable energy (China's policy line: 0.95)"),
    ("load_mwh", "MWh", "firm load"),
    ("unserved_mwh", "MWh", "load not served (EUE for one year)"),
    ("unserved_ppm", "ppm", "unserved energy per million of load"),
    ("lole_h", "h", "hours with any unserved load (LOLE for one year)"),
    ("lol_events", "count", "loss-of-load events (runs of consecutive shortfall hours)"),
    ("lol_mean_duration_h", "h", "mean duration of the year's loss-of-load events (0 if none)"),
    ("export_mwh", "MWh", "energy delivered to external grids"),
    ("import_mwh", "MWh", "energy drawn from external grids (at the grid end, before line losses)"),
    ("line_losses_mwh", "MWh", "transmission losses"),
    ("storage_charge_mwh", "MWh", "energy into storage"),
    ("storage_discharge_mwh", "MWh", "energy out of storage"),
    ("storage_losses_mwh", "MWh", "storage conversion and self-discharge losses"),
    ("electrolyser_mwh", "MWh", "electricity into electrolysers"),
    ("h2_t", "t", "hydrogen produced"),
    ("h2_shortfall_t", "t", "hydrogen offtake demand not met"),
    ("generation_mwh", "MWh", "energy from dispatchable generators"),
    ("co2_avoided_t", "t", "used renewable energy × grid emission factor"),
    ("coal_saved_tce", "tce", "used renewable energy × standard coal per MWh of thermal supply"),
];
const ECONOMICS: &[Def] = &[
    ("capex_cny", "CNY", "overnight capital of everything installed in the study year"),
    (
        "annual_cost_cny",
        "CNY",
        "annualised capital + fixed O&M + generator fuel + imports, per year (a shorter horizon's fuel and imports scaled to a year)",
    ),
    ("revenue_cny", "CNY", "exports × tariff + hydrogen × value, per year (a shorter horizon's scaled to a year)"),
    ("net_annual_cny", "CNY", "revenue − annual cost"),
    ("npv_cny", "CNY", "net annual value × annuity factor over the project life (every year like this one)"),
    (
        "lcoe_used_cny_per_mwh",
        "CNY/MWh",
        "(annualised cost of wind and solar + their variable O&M) / renewable energy used per year (0 when below 1 kWh)",
    ),
    (
        "lcoh_cny_per_kg",
        "CNY/kg",
        "(annualised electrolyser cost + input energy at the LCOE of used renewables + variable O&M) / hydrogen",
    ),
    (
        "lcoe_full_load_h",
        "h",
        "renewable energy used per year / wind MW + PV MWac: the full-load hours the LCOE rests on",
    ),
    ("lcoh_full_load_h", "h", "electrolyser input per year / electrolyser MW: the full-load hours the LCOH rests on"),
];

/// Below this many full-load hours a year a levelised cost mostly divides
/// idle capital by a small quantity: it is shown flagged, not as a price.
pub const MIN_LEVELISED_FULL_LOAD_H: f64 = 500.0;

/// Each levelised cost and the full-load-hour metric it rests on.
pub const LEVELISED: [(&str, &str); 2] = [
    ("economics.lcoe_used_cny_per_mwh", "economics.lcoe_full_load_h"),
    ("economics.lcoh_cny_per_kg", "economics.lcoh_full_load_h"),
];

/// The full-load hours (mean across samples, from `mean_of`) under which
/// the levelised cost `key` rests, when they are below
/// [`MIN_LEVELISED_FULL_LOAD_H`]; `None` for a meaningful one or another key.
pub fn thin_levelised(key: &str, mean_of: impl Fn(&str) -> Option<f64>) -> Option<f64> {
    let (_, basis) = LEVELISED.iter().find(|(k, _)| *k == key)?;
    let h = mean_of(basis)?;
    (h.is_nan() || h < MIN_LEVELISED_FULL_LOAD_H).then_some(h)
}
const ZONE: &[Def] = &[
    ("available_mwh", "MWh", "renewable energy available in the zone"),
    ("curtailed_mwh", "MWh", "renewable energy curtailed in the zone"),
    ("utilisation_rate", "fraction", "1 − curtailed / available in the zone"),
    ("load_mwh", "MWh", "firm load of the zone"),
    ("unserved_mwh", "MWh", "unserved load of the zone"),
    ("lole_h", "h", "hours with unserved load in the zone"),
];
const WIND: &[Def] = &[
    ("available_mwh", "MWh", "available energy"),
    ("curtailed_mwh", "MWh", "curtailed energy (zone curtailment shared pro rata to availability each hour)"),
    ("utilisation_rate", "fraction", "1 − curtailed / available"),
    ("full_load_h", "h", "available energy / installed MW"),
    ("capacity_factor", "fraction", "available energy / (installed MW × hours)"),
    ("availability", "fraction", "mean share of turbines in service"),
];
const SOLAR: &[Def] = &[
    ("available_mwh", "MWh", "available AC energy"),
    ("curtailed_mwh", "MWh", "curtailed energy (zone curtailment shared pro rata to availability each hour)"),
    ("utilisation_rate", "fraction", "1 − curtailed / available"),
    ("specific_yield_kwh_per_kwp", "kWh/kWp", "available AC energy per kWp (DC) before curtailment"),
    ("capacity_factor_ac", "fraction", "available energy / (MWac × hours)"),
    ("availability", "fraction", "mean share of inverter blocks in service"),
];
const LINE: &[Def] = &[
    ("flow_mwh", "MWh", "energy sent (sum over hours of |sending-end flow|)"),
    ("forward_mwh", "MWh", "energy sent from → to"),
    ("reverse_mwh", "MWh", "energy sent to → from"),
    ("losses_mwh", "MWh", "energy lost on the line"),
    ("utilisation", "fraction", "mean |flow| / mean available capacity"),
    ("congested_h", "h", "hours at the available limit"),
    ("availability", "fraction", "mean available capacity / full capacity"),
];
const STORAGE: &[Def] = &[
    ("charge_mwh", "MWh", "energy charged"),
    ("discharge_mwh", "MWh", "energy discharged"),
    ("cycles", "count", "discharged energy / energy capacity"),
    ("losses_mwh", "MWh", "round-trip and self-discharge losses, net of the change in stored energy"),
];
const ELECTROLYSER: &[Def] = &[
    ("input_mwh", "MWh", "electricity consumed"),
    ("h2_t", "t", "hydrogen produced"),
    ("full_load_h", "h", "input energy / rated MW"),
    ("operating_h", "h", "hours in operation"),
    ("shortfall_t", "t", "offtake demand not met from the store"),
];
const GENERATOR: &[Def] =
    &[("output_mwh", "MWh", "energy generated"), ("capacity_factor", "fraction", "energy / (capacity × hours)")];
const SITE: &[Def] = &[
    ("ghi_kwh_m2", "kWh/m²", "global horizontal irradiation over the horizon (the sampled or replayed weather)"),
    ("wind_mean_m_s", "m/s", "mean wind speed at the site's measurement height"),
];
const EXTERNAL: &[Def] =
    &[("export_mwh", "MWh", "energy delivered to this grid"), ("import_mwh", "MWh", "energy drawn from this grid")];

/// Month × hour-of-day means per sampled year, and the loss-of-load
/// probability of every hour of the horizon: the finished view of
/// [`ProfileSums`] that summaries and charts read.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Profiles {
    pub samples: u64,
    /// Expected MWh per year in each month × hour-of-day cell.
    pub curtailed_mwh: Vec<[f64; 24]>,
    pub unserved_mwh: Vec<[f64; 24]>,
    /// Expected hours per year with unserved load in each cell.
    pub lol_hours: Vec<[f64; 24]>,
    pub export_mwh: Vec<[f64; 24]>,
    pub available_mwh: Vec<[f64; 24]>,
    /// Hours in each month × hour cell of one sampled year.
    pub hours: Vec<[f64; 24]>,
    /// Probability of any unserved load in each hour of the horizon (LOLP).
    pub lolp_by_hour: Vec<f64>,
}

/// Fixed-point resolution of [`ProfileSums`]: 1 kWh (or 0.001 h).
const FIXED_PER_UNIT: f64 = 1000.0;

/// Exact, mergeable sums behind [`Profiles`]. Each sample's cell totals are
/// rounded once to 1 kWh and added as integers, so sums are associative:
/// any split of the samples (threads, blocks, shards) merges to exactly the
/// same totals. Fixed size: 5 × 12 × 24 cells plus one count per hour of
/// the horizon, whatever the sample count.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ProfileSums {
    pub samples: u64,
    pub cells: Vec<[[i128; 24]; 12]>,
    pub lol_count_by_hour: Vec<u64>,
}

/// Series in [`ProfileSums::cells`].
const CURTAILED: usize = 0;
const UNSERVED: usize = 1;
const LOL: usize = 2;
const EXPORT: usize = 3;
const AVAILABLE: usize = 4;

impl ProfileSums {
    pub fn new(hours: usize) -> Self {
        ProfileSums { samples: 0, cells: vec![[[0; 24]; 12]; 5], lol_count_by_hour: vec![0; hours] }
    }

    pub fn merge(&mut self, o: &ProfileSums) {
        self.samples += o.samples;
        for (a, b) in self.cells.iter_mut().zip(&o.cells) {
            for (ra, rb) in a.iter_mut().zip(b) {
                for (x, y) in ra.iter_mut().zip(rb) {
                    *x += y;
                }
            }
        }
        for (a, b) in self.lol_count_by_hour.iter_mut().zip(&o.lol_count_by_hour) {
            *a += b;
        }
    }

    /// Means per sampled year.
    pub fn finish(&self, m: &Model) -> Profiles {
        let n = self.samples.max(1) as f64;
        let series = |k: usize| -> Vec<[f64; 24]> {
            self.cells[k].iter().map(|row| std::array::from_fn(|h| row[h] as f64 / FIXED_PER_UNIT / n)).collect()
        };
        let mut hours = vec![[0.0; 24]; 12];
        for t in 0..m.hours() {
            hours[m.calendar.month[t] as usize][m.calendar.hour_of_day[t] as usize] += 1.0;
        }
        Profiles {
            samples: self.samples,
            curtailed_mwh: series(CURTAILED),
            unserved_mwh: series(UNSERVED),
            lol_hours: series(LOL),
            export_mwh: series(EXPORT),
            available_mwh: series(AVAILABLE),
            hours,
            lolp_by_hour: self.lol_count_by_hour.iter().map(|c| *c as f64 / n).collect(),
        }
    }
}

/// Fleet-level hourly availability kept by the engine for attribution.
#[derive(Debug, Clone, Default)]
pub struct FleetHourly {
    pub wind_mw: Vec<Vec<f64>>,
    pub wind_up: Vec<Vec<f64>>,
    pub solar_mw: Vec<Vec<f64>>,
    pub solar_up: Vec<Vec<f64>>,
}

/// Sum in eight interleaved lanes, combined pairwise: a fixed order (so
/// deterministic), vectorised, and not bound by the latency of one long
/// chain of additions (as accurate as the plain loop or better).
fn sum(v: &[f64]) -> f64 {
    sum_map(v, |x| x)
}

/// Σ f(x) over `v`, in the lane order of [`sum`].
#[inline]
fn sum_map(v: &[f64], f: impl Fn(f64) -> f64) -> f64 {
    let mut acc = [0.0f64; 8];
    let chunks = v.chunks_exact(8);
    let tail: f64 = chunks.remainder().iter().map(|x| f(*x)).sum();
    for c in chunks {
        for k in 0..8 {
            acc[k] += f(c[k]);
        }
    }
    lanes_total(acc) + tail
}

/// (Σ a, Σ a·b) in one pass, both in the lane order of [`sum`] (the sum
/// is exactly [`sum`]'s).
fn sum_dot(a: &[f64], b: &[f64]) -> (f64, f64) {
    assert_eq!(a.len(), b.len(), "hourly series of one horizon");
    let (mut s, mut d) = ([0.0f64; 8], [0.0f64; 8]);
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail_s: f64 = ca.remainder().iter().sum();
    let tail_d: f64 = ca.remainder().iter().zip(cb.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            s[k] += x[k];
            d[k] += x[k] * y[k];
        }
    }
    (lanes_total(s) + tail_s, lanes_total(d) + tail_d)
}

#[inline]
fn lanes_total(acc: [f64; 8]) -> f64 {
    ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
}

/// Put the order statistics at the (ascending) positions `want` of `v` in
/// place, as a full sort would, by recursive selection: O(n log k) for k
/// positions instead of O(n log n).
fn select_positions(v: &mut [f64], want: &[usize], cmp: &impl Fn(&f64, &f64) -> std::cmp::Ordering) {
    if want.is_empty() || v.len() < 2 {
        return;
    }
    let mid = want.len() / 2;
    let k = want[mid];
    let (left, _, right) = v.select_nth_unstable_by(k, cmp);
    select_positions(left, &want[..mid], cmp);
    let shifted: Vec<usize> = want[mid + 1..].iter().map(|w| w - k - 1).collect();
    select_positions(right, &shifted, cmp);
}

fn ratio(a: f64, b: f64, empty: f64) -> f64 {
    if b > 0.0 { a / b } else { empty }
}

/// a / b when b exceeds `min`, else 0 (a ratio with no meaningful
/// denominator).
fn ratio_above(a: f64, b: f64, min: f64) -> f64 {
    if b > min { a / b } else { 0.0 }
}

/// Reduce one sample's hourly results to a row of metrics (in registry
/// order), and add its month × hour profile to `prof`.
/// The per-site weather columns (`site.NAME.*`), appended to a row that
/// [`record`] filled: annual irradiation and mean wind speed of each site,
/// the yield-table inputs of issue 16.
pub fn record_weather(m: &Model, w: &crate::sim::weather::Weather, row: &mut Vec<f64>) {
    for s in 0..m.sites.len() {
        let ghi = w.ghi_w_m2.get(s).map_or(0.0, |x| sum(x)) / 1000.0;
        let wind = w.wind_m_s.get(s).map_or(0.0, |x| ratio(sum(x), x.len() as f64, 0.0));
        row.extend_from_slice(&[ghi, wind]);
    }
}

pub fn record(m: &Model, inp: &Inputs, fl: &FleetHourly, h: &Hourly, prof: &mut ProfileSums, row: &mut Vec<f64>) {
    row.clear();
    let hours = m.hours();
    let nz = m.zones.len();
    let cal = &m.calendar;
    // Zone curtailment share per hour, for fleet attribution.
    let zone_avail: Vec<f64> = (0..nz).map(|z| sum(&inp.re_mw[z])).collect();
    let zone_curt: Vec<f64> = (0..nz).map(|z| sum(&h.zone_curtailed_mw[z])).collect();
    let zone_unserved: Vec<f64> = (0..nz).map(|z| sum(&h.zone_unserved_mw[z])).collect();
    let zone_load: Vec<f64> = (0..nz).map(|z| sum(&h.zone_load_mw[z])).collect();
    let zone_lole: Vec<f64> =
        (0..nz).map(|z| h.zone_unserved_mw[z].iter().filter(|x| **x > 1e-6).count() as f64).collect();
    // Share of each zone's available renewable MW curtailed, per hour.
    let curt_share: Vec<Vec<f64>> = (0..nz)
        .map(|z| h.zone_curtailed_mw[z].iter().zip(&inp.re_mw[z]).map(|(c, a)| ratio(*c, *a, 0.0)).collect())
        .collect();

    // (available, curtailed) per fleet, in one pass each.
    let wind_ac: Vec<(f64, f64)> =
        m.wind_fleets.iter().zip(&fl.wind_mw).map(|(f, v)| sum_dot(v, &curt_share[f.zone])).collect();
    let solar_ac: Vec<(f64, f64)> =
        m.solar_fleets.iter().zip(&fl.solar_mw).map(|(f, v)| sum_dot(v, &curt_share[f.zone])).collect();
    let available: f64 = zone_avail.iter().sum();
    let curtailed: f64 = zone_curt.iter().sum();
    let used = available - curtailed;
    let load: f64 = zone_load.iter().sum();
    let unserved: f64 = zone_unserved.iter().sum();
    let mut lole = 0.0;
    let mut events = 0.0;
    let mut prev = false;
    let mut export = 0.0;
    let mut cell = [[[0.0f64; 24]; 12]; 5];
    let mut h2_by_month = [0.0f64; 12];
    let short_h = hour_totals(&h.zone_unserved_mw, hours);
    let curt_h = hour_totals(&h.zone_curtailed_mw, hours);
    let avail_h = hour_totals(&inp.re_mw, hours);
    let ex_h = hour_totals(&h.export_mw, hours);
    let h2_h = hour_totals(&h.h2_kg, hours);
    let mut export_by_hour = ex_h.to_vec();
    let (month, hod, lol_count) =
        (&cal.month[..hours], &cal.hour_of_day[..hours], &mut prof.lol_count_by_hour[..hours]);
    for t in 0..hours {
        let (mo, hd) = (month[t] as usize, hod[t] as usize);
        let (short, curt, avail, ex) = (short_h[t], curt_h[t], avail_h[t], ex_h[t]);
        export += ex;
        let lol = short > 1e-6;
        if lol {
            lole += 1.0;
            if !prev {
                events += 1.0;
            }
        }
        prev = lol;
        cell[CURTAILED][mo][hd] += curt;
        cell[UNSERVED][mo][hd] += short;
        cell[EXPORT][mo][hd] += ex;
        cell[AVAILABLE][mo][hd] += avail;
        if lol {
            cell[LOL][mo][hd] += 1.0;
            lol_count[t] += 1;
        }
        h2_by_month[mo] += h2_h[t] / 1000.0;
    }
    for (acc, c) in prof.cells.iter_mut().zip(&cell) {
        for (ra, rc) in acc.iter_mut().zip(c) {
            for (x, y) in ra.iter_mut().zip(rc) {
                *x += (y * FIXED_PER_UNIT).round() as i128;
            }
        }
    }
    prof.samples += 1;
    // Each entity's totals once, for the system's and the entity's rows.
    let sums = |v: &[Vec<f64>]| -> Vec<f64> { v.iter().map(|x| sum(x)).collect() };
    let (import_k, export_k) = (sums(&h.import_mw), sums(&h.export_mw));
    let (from_l, to_l) = (sums(&h.line_from_mw), sums(&h.line_to_mw));
    let (charge_i, discharge_i) = (sums(&h.storage_charge_mw), sums(&h.storage_discharge_mw));
    let losses_i: Vec<f64> = m
        .storage
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let end = h.storage_soc_mwh[i].last().copied().unwrap_or(0.0);
            let start = s.initial_soc_pu * s.energy_mwh;
            charge_i[i] - discharge_i[i] - (end - start)
        })
        .collect();
    let (el_i, h2_i, h2_short_i) = (sums(&h.electrolyser_mw), sums(&h.h2_kg), sums(&h.h2_shortfall_kg));
    let gen_i = sums(&h.gen_mw);
    let import: f64 = import_k.iter().sum();
    let line_losses: f64 = from_l.iter().zip(&to_l).map(|(f, t)| f - t).sum();
    let st_ch: f64 = charge_i.iter().sum();
    let st_dis: f64 = discharge_i.iter().sum();
    let st_losses: f64 = losses_i.iter().sum();
    let el: f64 = el_i.iter().sum();
    let h2: f64 = h2_i.iter().sum::<f64>() / 1000.0;
    let h2_short: f64 = h2_short_i.iter().sum::<f64>() / 1000.0;
    let gen_: f64 = gen_i.iter().sum();
    row.extend_from_slice(&[
        available,
        wind_ac.iter().map(|x| x.0).sum(),
        solar_ac.iter().map(|x| x.0).sum(),
        used,
        curtailed,
        1.0 - ratio(curtailed, available, 0.0),
        load,
        unserved,
        ratio(unserved, load, 0.0) * 1e6,
        lole,
        events,
        ratio(lole, events, 0.0),
        export,
        import,
        line_losses,
        st_ch,
        st_dis,
        st_losses,
        el,
        h2,
        h2_short,
        gen_,
        used * m.emissions.grid_co2_t_per_mwh,
        used * m.emissions.coal_tce_per_mwh,
    ]);
    row.extend_from_slice(&h2_by_month);
    // Export duration curve: the level exceeded in p % of hours (the
    // positions were selected above).
    // Only the order statistics the points need (as if sorted descending).
    if !export_by_hour.is_empty() {
        let last = (export_by_hour.len() - 1) as f64;
        let mut want: Vec<usize> = EXPORT_DURATION_PCT
            .iter()
            .flat_map(|p| {
                // The positions `quantile_sorted` interpolates between.
                let pos = (*p as f64 / 100.0).clamp(0.0, 1.0) * last;
                [pos.floor() as usize, pos.ceil() as usize]
            })
            .collect();
        want.sort_unstable();
        want.dedup();
        // Hours with no export (nights, full curtailment) are often half the
        // year: move the positive hours to the front and select among them;
        // the rest are selected only if they are not all +0.0 (they already
        // sit in order then). The same order statistics, to the last bit.
        let descending = |a: &f64, b: &f64| b.total_cmp(a);
        let mut n_pos = 0;
        for i in 0..export_by_hour.len() {
            if export_by_hour[i].total_cmp(&0.0).is_gt() {
                export_by_hour.swap(i, n_pos);
                n_pos += 1;
            }
        }
        let (positive, rest) = export_by_hour.split_at_mut(n_pos);
        let split = want.partition_point(|w| *w < n_pos);
        // Positive hours are sorted outright, by their bit patterns: for
        // positive floats those order as the values do (`total_cmp`), and
        // an integer sort is cheaper than selecting ~40 positions by float
        // comparisons. The same order statistics, to the last bit.
        if split > 0 {
            let mut keys: Vec<u64> = positive.iter().map(|x| x.to_bits()).collect();
            keys.sort_unstable();
            for (x, k) in positive.iter_mut().zip(keys.iter().rev()) {
                *x = f64::from_bits(*k);
            }
        }
        if rest.iter().any(|x| x.to_bits() != 0) {
            let shifted: Vec<usize> = want[split..].iter().map(|w| w - n_pos).collect();
            select_positions(rest, &shifted, &descending);
        }
    }
    for p in EXPORT_DURATION_PCT {
        row.push(quantile_sorted(&export_by_hour, p as f64 / 100.0));
    }
    // Economics (model.rs, Economics): costs of the study year's system,
    // per year. Fixed costs are annual; the horizon's energy flows are
    // scaled to a year (× hours of the year / hours of the horizon: exactly
    // 1 for a full year), so a short horizon (a week, a season) gives a
    // year-equivalent, not annual costs over a week's energy. Documented
    // simplification: the horizon stands for the whole year.
    let per_year = crate::base::calendar::hours_in_year(m.calendar.year) as f64 / hours.max(1) as f64;
    let ec = &m.economics;
    let fuel: f64 = m.generators.iter().enumerate().map(|(i, g)| gen_i[i] * g.variable_cost_cny_per_mwh).sum();
    // Variable O&M: wind and PV per MWh used (available − curtailed),
    // storage per MWh discharged, electrolysers per MWh consumed.
    let wind_used: f64 = wind_ac.iter().map(|(a, c)| a - c).sum();
    let solar_used: f64 = solar_ac.iter().map(|(a, c)| a - c).sum();
    let re_variable = wind_used * ec.wind_variable_om_cny_per_mwh + solar_used * ec.solar_variable_om_cny_per_mwh;
    let variable_om =
        re_variable + st_dis * ec.storage_variable_om_cny_per_mwh + el * ec.electrolyser_variable_om_cny_per_mwh;
    let annual_cost = ec.annual_fixed_renewables_cny
        + ec.annual_fixed_storage_cny
        + ec.annual_fixed_electrolysers_cny
        + ec.annual_fixed_lines_cny
        + (fuel + import * ec.import_price_cny_per_mwh + variable_om) * per_year;
    let revenue = (export * ec.export_tariff_cny_per_mwh + h2 * 1000.0 * ec.hydrogen_value_cny_per_kg) * per_year;
    // Below a kWh (or a gram) a year the levelised costs are undefined:
    // reported as 0, like an empty denominator, instead of astronomically;
    // the full-load hours they rest on say when they mean little
    // (`thin_levelised`).
    let lcoe = ratio_above(ec.annual_fixed_renewables_cny + re_variable * per_year, used * per_year, 1e-3);
    let lcoh = ratio_above(
        ec.annual_fixed_electrolysers_cny + el * per_year * (lcoe + ec.electrolyser_variable_om_cny_per_mwh),
        h2 * 1000.0 * per_year,
        1e-3,
    );
    let re_mw: f64 = m.wind_fleets.iter().map(|f| f.capacity_mw).sum::<f64>()
        + m.solar_fleets.iter().map(|f| f.capacity_mwac).sum::<f64>();
    let el_mw: f64 = m.electrolysers.iter().map(|e| e.capacity_mw).sum();
    row.extend_from_slice(&[
        ec.capex_cny,
        annual_cost,
        revenue,
        revenue - annual_cost,
        (revenue - annual_cost) * ec.annuity_factor,
        lcoe,
        lcoh,
        ratio(used * per_year, re_mw, 0.0),
        ratio(el * per_year, el_mw, 0.0),
    ]);
    for z in 0..nz {
        row.extend_from_slice(&[
            zone_avail[z],
            zone_curt[z],
            1.0 - ratio(zone_curt[z], zone_avail[z], 0.0),
            zone_load[z],
            zone_unserved[z],
            zone_lole[z],
        ]);
    }
    let hf = hours as f64;
    for (i, f) in m.wind_fleets.iter().enumerate() {
        let (a, c) = wind_ac[i];
        row.extend_from_slice(&[
            a,
            c,
            1.0 - ratio(c, a, 0.0),
            ratio(a, f.capacity_mw, 0.0),
            ratio(a, f.capacity_mw * hf, 0.0),
            sum(&fl.wind_up[i]) / hf,
        ]);
    }
    for (i, f) in m.solar_fleets.iter().enumerate() {
        let (a, c) = solar_ac[i];
        row.extend_from_slice(&[
            a,
            c,
            1.0 - ratio(c, a, 0.0),
            ratio(a, f.capacity_mwdc, 0.0),
            ratio(a, f.capacity_mwac * hf, 0.0),
            sum(&fl.solar_up[i]) / hf,
        ]);
    }
    for (l, line) in m.lines.iter().enumerate() {
        let fwd = sum_map(&h.line_from_mw[l], |x| x.max(0.0));
        let rev = -sum_map(&h.line_to_mw[l], |x| x.min(0.0));
        let losses = from_l[l] - to_l[l];
        let cap = sum(&h.line_cap_mw[l]);
        let full = line.capacity_by_circuits_up_mw.last().copied().unwrap_or(0.0) * hf;
        let congested = h.line_congested[l].iter().filter(|x| **x).count() as f64;
        row.extend_from_slice(&[
            fwd + rev,
            fwd,
            rev,
            losses,
            ratio(fwd + rev, cap, 0.0),
            congested,
            ratio(cap, full, 1.0),
        ]);
    }
    for (i, s) in m.storage.iter().enumerate() {
        let (ch, dis) = (charge_i[i], discharge_i[i]);
        row.extend_from_slice(&[ch, dis, ratio(dis, s.energy_mwh, 0.0), losses_i[i]]);
    }
    for (i, e) in m.electrolysers.iter().enumerate() {
        let input = el_i[i];
        let on = h.electrolyser_mw[i].iter().filter(|x| **x > 0.0).count() as f64;
        row.extend_from_slice(&[input, h2_i[i] / 1000.0, ratio(input, e.capacity_mw, 0.0), on, h2_short_i[i] / 1000.0]);
    }
    for (i, g) in m.generators.iter().enumerate() {
        let out = gen_i[i];
        row.extend_from_slice(&[out, ratio(out, g.capacity_mw * hf, 0.0)]);
    }
    for k in 0..m.external_grids.len() {
        row.extend_from_slice(&[export_k[k], import_k[k]]);
    }
}

/// Σ over entities of `v[entity][t]` for every hour: the same values, to
/// the last bit, as summing each hour's entities in order (`Iterator::sum`
/// starts from −0.0, and −0.0 + x = x), but entity by entity over the
/// hours; one entity's own series is borrowed as it is.
fn hour_totals(v: &[Vec<f64>], hours: usize) -> std::borrow::Cow<'_, [f64]> {
    match v {
        [one] => std::borrow::Cow::Borrowed(&one[..hours]),
        _ => {
            let mut acc = vec![-0.0; hours];
            for x in v {
                for (a, b) in acc.iter_mut().zip(&x[..hours]) {
                    *a += b;
                }
            }
            std::borrow::Cow::Owned(acc)
        }
    }
}

/// Summary of one metric across samples.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Estimate {
    pub key: String,
    pub unit: String,
    pub mean: f64,
    /// Standard error of the mean: sd / √n.
    pub std_error: f64,
    pub std_dev: f64,
    pub p5: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub min: f64,
    pub max: f64,
}

/// Quantile with linear interpolation between order statistics (Hyndman &
/// Fan 1996 type 7, the default of R and numpy) of sorted data.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (pos - lo as f64) * (sorted[hi] - sorted[lo])
}

impl Estimate {
    /// Summary of `values` (NaN everywhere when there are none, e.g. an
    /// empty shard; serialised as null).
    pub fn from_values(def: &MetricDef, values: &[f64]) -> Self {
        if values.is_empty() {
            let nan = f64::NAN;
            return Estimate {
                key: def.key.clone(),
                unit: def.unit.clone(),
                mean: nan,
                std_error: nan,
                std_dev: nan,
                p5: nan,
                p10: nan,
                p50: nan,
                p90: nan,
                p95: nan,
                min: nan,
                max: nan,
            };
        }
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var =
            if values.len() > 1 { values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0) } else { 0.0 };
        let sd = var.sqrt();
        let mut s = values.to_vec();
        s.sort_by(f64::total_cmp);
        Estimate {
            key: def.key.clone(),
            unit: def.unit.clone(),
            mean,
            std_error: sd / n.sqrt(),
            std_dev: sd,
            p5: quantile_sorted(&s, 0.05),
            p10: quantile_sorted(&s, 0.10),
            p50: quantile_sorted(&s, 0.50),
            p90: quantile_sorted(&s, 0.90),
            p95: quantile_sorted(&s, 0.95),
            min: s[0],
            max: s[s.len() - 1],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selected_positions_equal_a_full_sort() {
        let mut r = crate::base::rng::stream(5, 0, "test", "select");
        use rand::RngExt;
        for n in [1usize, 2, 7, 100, 8760] {
            // Many ties (zeros, a cap) as in hourly exports.
            let v: Vec<f64> = (0..n)
                .map(|_| {
                    let u: f64 = r.random();
                    if u < 0.4 {
                        0.0
                    } else if u > 0.8 {
                        8000.0
                    } else {
                        u * 1e4
                    }
                })
                .collect();
            let mut sorted = v.clone();
            sorted.sort_by(|a, b| b.total_cmp(a));
            let mut sel = v.clone();
            let want: Vec<usize> =
                (0..n).step_by(3).chain([n - 1]).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
            select_positions(&mut sel, &want, &|a: &f64, b: &f64| b.total_cmp(a));
            for w in want {
                assert_eq!(sel[w].to_bits(), sorted[w].to_bits(), "n {n} position {w}");
            }
        }
    }

    #[test]
    fn lane_sums_agree_with_plain_sums() {
        let v: Vec<f64> = (0..8763).map(|t| ((t * 7919) % 1000) as f64 * 0.37 - 100.0).collect();
        let w: Vec<f64> = (0..8763).map(|t| (t % 24) as f64 / 23.0).collect();
        let plain: f64 = v.iter().sum();
        assert!((sum(&v) - plain).abs() < 1e-9 * plain.abs().max(1.0));
        let d: f64 = v.iter().zip(&w).map(|(a, b)| a * b).sum();
        let (sv, dv) = sum_dot(&v, &w);
        assert_eq!(sv.to_bits(), sum(&v).to_bits());
        assert!((dv - d).abs() < 1e-9 * d.abs().max(1.0));
        let pos: f64 = v.iter().filter(|x| **x > 0.0).sum();
        assert_eq!(sum_map(&v, |x| x.max(0.0)) > 0.0, pos > 0.0);
        assert!((sum_map(&v, |x| x.max(0.0)) - pos).abs() < 1e-9 * pos);
        assert_eq!(sum(&[]), 0.0);
        assert_eq!(sum(&[1.5, 2.0, 3.0]), 6.5);
    }

    #[test]
    fn hour_totals_equal_per_hour_sums_to_the_bit() {
        let series = |k: usize| -> Vec<f64> {
            (0..50).map(|t| if t % 7 == 0 { -0.0 } else { ((t * 31 + k * 17) % 13) as f64 * 0.1 - 0.3 }).collect()
        };
        for n in [0usize, 1, 2, 3] {
            let v: Vec<Vec<f64>> = (0..n).map(series).collect();
            let got = hour_totals(&v, 50);
            for t in 0..50 {
                let want: f64 = v.iter().map(|x| x[t]).sum();
                assert_eq!(got[t].to_bits(), want.to_bits(), "{n} entities, hour {t}");
            }
        }
    }

    #[test]
    fn quantiles_match_numpy_type_7() {
        let s = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert_eq!(quantile_sorted(&s, 0.5), 3.0);
        assert!((quantile_sorted(&s, 0.9) - 7.6).abs() < 1e-12);
        assert!((quantile_sorted(&s, 0.1) - 1.4).abs() < 1e-12);
    }

    #[test]
    fn estimate_of_constant_has_zero_error() {
        let d = MetricDef { key: "k".into(), unit: "u".into(), description: String::new() };
        let e = Estimate::from_values(&d, &[2.0; 10]);
        assert_eq!((e.mean, e.std_error, e.p5, e.p95), (2.0, 0.0, 2.0, 2.0));
        let e = Estimate::from_values(&d, &[1.0, 3.0]);
        assert!((e.std_error - 1.0).abs() < 1e-12);
    }
}
