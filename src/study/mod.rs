//! Planning studies on top of the engine: scenario overrides, sweeps over a
//! grid of values, sizing a capacity to meet a target, and build-out
//! trajectories by study year. Every point of a study runs the same seed and
//! sample indices (common random numbers), so differences between points are
//! paired and smooth in the varied value.

pub mod compare;
pub mod fit;

use crate::base::error::Error;
use crate::model::Model;
use crate::model::scenario::{self, Source};
use crate::sim::engine::{Method, Results, Study};
use crate::sim::metrics::{Estimate, quantile_sorted};
use serde::{Deserialize, Serialize};

/// One `key=value` change to a scenario. Keys name a table and field
/// (`scenario.study_year`, `run.seed`) or, for arrays of tables, the table,
/// the asset name and the field (`storage.hydraulic-pneumatic-demo.energy_mwh`,
/// `line.corridor-500kv.circuit_mw`). The value replaces the field
/// (a build-out schedule becomes a constant).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Override {
    pub key: String,
    pub value: f64,
}

fn usage(msg: String) -> Error {
    Error::Usage(msg)
}

/// Apply overrides to a scenario's text; the result is a new source whose
/// name records the changes.
pub fn apply(source: &Source, overrides: &[Override]) -> Result<Source, Error> {
    if overrides.is_empty() {
        return Ok(source.clone());
    }
    let mut doc: toml::Table = toml::from_str(&source.text)
        .map_err(|e| Error::Input { path: source.name.clone().into(), message: format!("not valid TOML: {e}") })?;
    for o in overrides {
        set(&mut doc, &o.key, o.value)?;
    }
    let text = toml::to_string(&doc).map_err(|e| usage(format!("cannot write the changed scenario: {e}")))?;
    let changes: Vec<String> = overrides.iter().map(|o| format!("{}={}", o.key, o.value)).collect();
    Ok(Source { name: format!("{} [{}]", source.name, changes.join(", ")), dir: source.dir.clone(), text })
}

fn set(doc: &mut toml::Table, key: &str, value: f64) -> Result<(), Error> {
    let parts: Vec<&str> = key.split('.').collect();
    let tables: Vec<String> = doc.keys().cloned().collect();
    let bad_table = |t: &str| {
        usage(format!(
            "--vary/--set `{key}`: no table `{t}` in the scenario{}; accepted: {}",
            crate::base::suggest::suggest(t, &tables),
            tables.join(", ")
        ))
    };
    let as_value = |field: &str| -> toml::Value {
        // Integer fields must stay integers for serde.
        let ints = ["study_year", "horizon_h", "samples", "seed", "units", "cleaning_interval_days", "circuits"];
        if ints.contains(&field) && value.fract() == 0.0 {
            toml::Value::Integer(value as i64)
        } else {
            toml::Value::Float(value)
        }
    };
    match parts.as_slice() {
        [table, field] => {
            let t = doc.get_mut(*table).ok_or_else(|| bad_table(table))?;
            let t = t.as_table_mut().ok_or_else(|| {
                usage(format!("--vary/--set `{key}`: `{table}` is a list of named items; write {table}.NAME.{field}"))
            })?;
            t.insert(field.to_string(), as_value(field));
            Ok(())
        }
        [table, name, field] => {
            let arr = doc.get_mut(*table).ok_or_else(|| bad_table(table))?;
            let arr = arr.as_array_mut().ok_or_else(|| {
                usage(format!("--vary/--set `{key}`: `{table}` is a single table; write {table}.{field}"))
            })?;
            let names: Vec<String> =
                arr.iter().filter_map(|v| v.get("name").and_then(|n| n.as_str()).map(str::to_string)).collect();
            let item = arr
                .iter_mut()
                .find(|v| v.get("name").and_then(|n| n.as_str()) == Some(name))
                .and_then(|v| v.as_table_mut())
                .ok_or_else(|| {
                    usage(format!(
                        "--vary/--set `{key}`: no {table} named `{name}`{}; accepted: {}",
                        crate::base::suggest::suggest(name, &names),
                        names.join(", ")
                    ))
                })?;
            item.insert(field.to_string(), as_value(field));
            Ok(())
        }
        _ => Err(usage(format!("--vary/--set `{key}`: write TABLE.FIELD or TABLE.NAME.FIELD"))),
    }
}

/// Values of one varied key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Axis {
    pub key: String,
    pub values: Vec<f64>,
}

impl std::str::FromStr for Axis {
    type Err = String;
    /// `KEY=START:STOP:STEP` (inclusive range) or `KEY=V1,V2,...`.
    fn from_str(s: &str) -> Result<Self, String> {
        let (key, spec) =
            s.split_once('=').ok_or_else(|| format!("`{s}`: write KEY=START:STOP:STEP or KEY=V1,V2,..."))?;
        let num = |x: &str| x.trim().parse::<f64>().map_err(|_| format!("`{x}` in `{s}` is not a number"));
        let values = if spec.contains(':') {
            let p: Vec<&str> = spec.split(':').collect();
            if p.len() != 3 {
                return Err(format!("`{spec}`: a range is START:STOP:STEP"));
            }
            let (a, b, step) = (num(p[0])?, num(p[1])?, num(p[2])?);
            if step.is_nan() || step <= 0.0 || b < a {
                return Err(format!("`{spec}`: need STOP ≥ START and STEP > 0"));
            }
            let n = ((b - a) / step + 1e-9).floor() as usize;
            if n > 10_000 {
                return Err(format!("`{spec}` has {} points; at most 10,000", n + 1));
            }
            (0..=n).map(|i| a + i as f64 * step).collect()
        } else {
            spec.split(',').map(num).collect::<Result<Vec<_>, _>>()?
        };
        if values.is_empty() {
            return Err(format!("`{s}` gives no values"));
        }
        Ok(Axis { key: key.trim().to_string(), values })
    }
}

impl std::str::FromStr for Override {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (key, v) = s.split_once('=').ok_or_else(|| format!("`{s}`: write KEY=VALUE"))?;
        let value = v.trim().parse::<f64>().map_err(|_| format!("`{v}` in `{s}` is not a number"))?;
        Ok(Override { key: key.trim().into(), value })
    }
}

/// Number of points of the full grid of `axes`, or `None` beyond `usize`
/// (computed without building the grid).
pub fn grid_size(axes: &[Axis]) -> Option<usize> {
    axes.iter().try_fold(1usize, |n, a| n.checked_mul(a.values.len()))
}

/// Every combination of the axes' values (full grid, first axis slowest).
pub fn grid(axes: &[Axis]) -> Vec<Vec<Override>> {
    let mut points = vec![Vec::new()];
    for a in axes {
        let mut next = Vec::with_capacity(points.len() * a.values.len());
        for p in &points {
            for v in &a.values {
                let mut q = p.clone();
                q.push(Override { key: a.key.clone(), value: *v });
                next.push(q);
            }
        }
        points = next;
    }
    points
}

/// A resolved and simulated point of a study.
pub struct Point {
    pub overrides: Vec<Override>,
    pub model: Model,
    pub results: Results,
}

/// Resolve and simulate a scenario with overrides (common random numbers:
/// the same `method` for every point).
pub fn simulate(base: &Source, overrides: &[Override], method: Method) -> Result<Point, Error> {
    let src = apply(base, overrides)?;
    let model = scenario::load(&src).map_err(|e| match e {
        Error::Scenario(p) => {
            let changes: Vec<String> = overrides.iter().map(|o| format!("{}={}", o.key, o.value)).collect();
            Error::Usage(format!("with {}: {}", changes.join(", "), Error::Scenario(p)))
        }
        other => other,
    })?;
    let results = Study::new(&model).run(method, &|_| {});
    Ok(Point { overrides: overrides.to_vec(), model, results })
}

/// A statistic of a metric across samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stat {
    Mean,
    P5,
    P10,
    P50,
    P90,
    P95,
}

/// A target such as `system.utilisation_rate.p10 >= 0.95`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub metric: String,
    pub stat: Stat,
    pub at_least: bool,
    pub threshold: f64,
}

impl std::str::FromStr for Target {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let help = "write METRIC.STAT >= X or <= X, STAT one of mean, p5, p10, p50, p90, p95; e.g. system.utilisation_rate.p10 >= 0.95";
        let (lhs, at_least, rhs) = if let Some((l, r)) = s.split_once(">=") {
            (l, true, r)
        } else if let Some((l, r)) = s.split_once("<=") {
            (l, false, r)
        } else {
            return Err(format!("`{s}`: {help}"));
        };
        let lhs = lhs.trim();
        let (metric, stat) = lhs.rsplit_once('.').ok_or_else(|| format!("`{s}`: {help}"))?;
        let stat = match stat {
            "mean" => Stat::Mean,
            "p5" => Stat::P5,
            "p10" => Stat::P10,
            "p50" => Stat::P50,
            "p90" => Stat::P90,
            "p95" => Stat::P95,
            _ => return Err(format!("`{stat}` in `{s}`: {help}")),
        };
        let threshold = rhs.trim().parse::<f64>().map_err(|_| format!("`{}` in `{s}`: not a number", rhs.trim()))?;
        Ok(Target { metric: metric.to_string(), stat, at_least, threshold })
    }
}

/// The statistic of `values` with a 95 % confidence interval: mean ± 1.96
/// s.e., or for a quantile q the order statistics at n·q ∓ 1.96·√(n q (1−q))
/// (the distribution-free binomial interval; Conover 1999, §3.2).
pub fn stat_with_ci(values: &[f64], stat: Stat) -> (f64, f64, f64) {
    let mut s = values.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len() as f64;
    match stat {
        Stat::Mean => {
            let m = s.iter().sum::<f64>() / n;
            let var = if s.len() > 1 { s.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0) } else { 0.0 };
            let se = (var / n).sqrt();
            (m, m - 1.96 * se, m + 1.96 * se)
        }
        q => {
            let q = match q {
                Stat::P5 => 0.05,
                Stat::P10 => 0.10,
                Stat::P50 => 0.50,
                Stat::P90 => 0.90,
                _ => 0.95,
            };
            let est = quantile_sorted(&s, q);
            let half = 1.96 * (n * q * (1.0 - q)).sqrt();
            let lo = ((n * q - half).floor().max(1.0) as usize).min(s.len()) - 1;
            let hi = ((n * q + half).ceil().max(1.0) as usize).min(s.len()) - 1;
            (est, s[lo], s[hi])
        }
    }
}

/// One evaluation of a sizing search.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Evaluation {
    pub value: f64,
    pub estimate: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
    pub meets: bool,
    pub meets_with_confidence: bool,
    pub could_meet: bool,
}

/// Result of sizing.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sizing {
    pub key: String,
    pub target: Target,
    /// Smallest value whose point estimate meets the target.
    pub answer: Option<f64>,
    /// Smallest value whose 95 % confidence interval lies wholly on the
    /// right side of the threshold (a conservative answer) ...
    pub conservative: Option<f64>,
    /// ... and smallest value whose interval reaches it (optimistic).
    pub optimistic: Option<f64>,
    pub tolerance: f64,
    pub evaluations: Vec<Evaluation>,
    pub note: String,
}

/// Find the smallest value of `key` in [lo, hi] that meets `target`, by
/// bisection on common random numbers (assumes the statistic is monotone in
/// the value, as it is for capacities that relieve a constraint).
pub fn size(
    base: &Source,
    key: &str,
    lo: f64,
    hi: f64,
    tolerance: f64,
    target: &Target,
    method: Method,
) -> Result<Sizing, Error> {
    let mut evals: Vec<Evaluation> = Vec::new();
    let eval = |v: f64, evals: &mut Vec<Evaluation>| -> Result<Evaluation, Error> {
        if let Some(e) = evals.iter().find(|e| e.value == v) {
            return Ok(e.clone());
        }
        let p = simulate(base, &[Override { key: key.into(), value: v }], method)?;
        let j = p.results.registry.index(&target.metric).ok_or_else(|| {
            let keys: Vec<&str> = p.results.registry.defs.iter().map(|d| d.key.as_str()).collect();
            usage(format!(
                "target metric `{}` is not a metric of this scenario{}",
                target.metric,
                crate::base::suggest::suggest(&target.metric, &keys)
            ))
        })?;
        let (est, l, h) = stat_with_ci(&p.results.column(j), target.stat);
        let ok = |x: f64| if target.at_least { x >= target.threshold } else { x <= target.threshold };
        let (worst, best) = if target.at_least { (l, h) } else { (h, l) };
        let e = Evaluation {
            value: v,
            estimate: est,
            ci95_low: l,
            ci95_high: h,
            meets: ok(est),
            meets_with_confidence: ok(worst),
            could_meet: ok(best),
        };
        evals.push(e.clone());
        Ok(e)
    };
    let search = |pick: fn(&Evaluation) -> bool, evals: &mut Vec<Evaluation>| -> Result<Option<f64>, Error> {
        let top = eval(hi, evals)?;
        if !pick(&top) {
            return Ok(None);
        }
        let bottom = eval(lo, evals)?;
        if pick(&bottom) {
            return Ok(Some(lo));
        }
        let (mut a, mut b) = (lo, hi);
        while b - a > tolerance {
            let mid = 0.5 * (a + b);
            // At float resolution no midpoint lies strictly between: stop
            // (a tolerance below the spacing of floats near the answer).
            if mid <= a || mid >= b {
                break;
            }
            if pick(&eval(mid, evals)?) {
                b = mid;
            } else {
                a = mid;
            }
        }
        Ok(Some(b))
    };
    let answer = search(|e| e.meets, &mut evals)?;
    let conservative = search(|e| e.meets_with_confidence, &mut evals)?;
    let optimistic = search(|e| e.could_meet, &mut evals)?;
    evals.sort_by(|a, b| a.value.total_cmp(&b.value));
    let note = match answer {
        None => format!("not met even at {hi}: widen the range or change other capacities"),
        Some(_) => format!(
            "smallest value meeting the target to within {tolerance}; the interval is where the target's 95 % confidence interval straddles the threshold ({} samples per point, common random numbers)",
            method.samples
        ),
    };
    Ok(Sizing {
        key: key.into(),
        target: target.clone(),
        answer,
        conservative,
        optimistic,
        tolerance,
        evaluations: evals,
        note,
    })
}

/// Tidy rows: one per point and metric.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PointRow {
    pub point: usize,
    pub label: String,
    pub metric: String,
    pub unit: String,
    pub mean: f64,
    pub std_error: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

pub fn rows(points: &[(String, &Results)]) -> Vec<PointRow> {
    let mut out = Vec::new();
    for (i, (label, r)) in points.iter().enumerate() {
        for e in r.estimates() {
            let Estimate { key, unit, mean, std_error, p10, p50, p90, .. } = e;
            out.push(PointRow { point: i, label: label.clone(), metric: key, unit, mean, std_error, p10, p50, p90 });
        }
    }
    out
}

pub fn rows_csv(rows: &[PointRow]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        let _ = w.serialize(r);
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_and_targets_parse() {
        let a: Axis = "storage.x.energy_mwh=0:40000:5000".parse().expect("axis");
        assert_eq!(a.values.len(), 9);
        assert_eq!(a.values[8], 40000.0);
        let b: Axis = "line.l.circuit_mw=1200,2400".parse().expect("axis");
        assert_eq!(b.values, vec![1200.0, 2400.0]);
        assert_eq!(grid(&[a, b]).len(), 18);
        let t: Target = "system.utilisation_rate.p10 >= 0.95".parse().expect("target");
        assert_eq!(
            (t.metric.as_str(), t.stat, t.at_least, t.threshold),
            ("system.utilisation_rate", Stat::P10, true, 0.95)
        );
        assert!("system.lole_h.p11 <= 1".parse::<Target>().is_err());
        assert!("x=1:0:1".parse::<Axis>().is_err());
    }

    #[test]
    fn quantile_interval_brackets_the_estimate() {
        let v: Vec<f64> = (0..1000).map(|i| i as f64).collect();
        let (e, l, h) = stat_with_ci(&v, Stat::P10);
        assert!(l < e && e < h, "{l} {e} {h}");
        // n q = 100, half-width 1.96·√90 ≈ 18.6 → order statistics 81 and 119.
        assert_eq!((l, h), (80.0, 118.0));
    }

    #[test]
    fn overrides_change_named_items_and_reject_unknown_ones() {
        let src = Source::embedded_default();
        let s = apply(&src, &[Override { key: "storage.hydraulic-pneumatic-demo.energy_mwh".into(), value: 80.0 }])
            .expect("apply");
        let m = scenario::load(&s).expect("resolve");
        assert_eq!(m.storage[0].energy_mwh, 80.0);
        let e = apply(&src, &[Override { key: "storage.hydraulic-pneumatic-dem.energy_mwh".into(), value: 1.0 }])
            .expect_err("unknown name");
        assert!(e.to_string().contains("did you mean `hydraulic-pneumatic-demo`"), "{e}");
        let s = apply(&src, &[Override { key: "scenario.study_year".into(), value: 2026.0 }]).expect("apply");
        assert_eq!(scenario::load(&s).expect("resolve").study_year, 2026);
    }
}

/// Effective load carrying capability of a fleet or asset: the flat load
/// that can be added in a zone, with the asset in service, while keeping
/// the reliability metric (e.g. LOLE) at its level without the asset.
/// Found by bisection on common random numbers (the reliability metric is
/// monotone in the added load).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Elcc {
    pub asset_key: String,
    pub zone: String,
    pub metric: String,
    /// Metric without the asset (its capacity set to 0).
    pub baseline: f64,
    pub baseline_std_error: f64,
    /// Added flat load (MW) at which the metric with the asset returns to the baseline.
    pub elcc_mw: f64,
    pub nameplate_mw: f64,
    /// elcc_mw / nameplate.
    pub capacity_credit: f64,
    pub tolerance_mw: f64,
    pub evaluations: Vec<(f64, f64)>,
}

/// Add a flat firm load `mw` named `elcc-probe` in `zone` to a scenario.
fn with_probe_load(source: &Source, zone: &str, mw: f64) -> Result<Source, Error> {
    let mut doc: toml::Table = toml::from_str(&source.text)
        .map_err(|e| Error::Input { path: source.name.clone().into(), message: format!("not valid TOML: {e}") })?;
    let mut t = toml::Table::new();
    t.insert("name".into(), toml::Value::String("elcc-probe".into()));
    t.insert("zone".into(), toml::Value::String(zone.into()));
    t.insert("mw".into(), toml::Value::Float(mw));
    match doc.entry("load").or_insert_with(|| toml::Value::Array(Vec::new())) {
        toml::Value::Array(a) => a.push(toml::Value::Table(t)),
        _ => return Err(usage("`load` must be an array of tables".into())),
    }
    let text = toml::to_string(&doc).map_err(|e| usage(format!("cannot write the changed scenario: {e}")))?;
    Ok(Source { name: format!("{} [+{mw} MW in {zone}]", source.name), dir: source.dir.clone(), text })
}

/// ELCC of the asset whose capacity key is `capacity_key` (e.g.
/// `wind_fleet.luanjingtan-wind.capacity_mw`), as added load in `zone`.
pub fn elcc(
    base: &Source,
    capacity_key: &str,
    zone: &str,
    metric: &str,
    tolerance_mw: f64,
    method: Method,
) -> Result<Elcc, Error> {
    let m0 = scenario::load(base)?;
    let parts: Vec<&str> = capacity_key.split('.').collect();
    let nameplate = match parts.as_slice() {
        ["wind_fleet", name, _] => m0.wind_fleets.iter().find(|f| f.name == *name).map(|f| f.capacity_mw),
        ["solar_fleet", name, _] => m0.solar_fleets.iter().find(|f| f.name == *name).map(|f| f.capacity_mwac),
        ["generator", name, _] => m0.generators.iter().find(|g| g.name == *name).map(|g| g.capacity_mw),
        ["storage", name, _] => m0.storage.iter().find(|s| s.name == *name).map(|s| s.discharge_mw),
        _ => None,
    }
    .ok_or_else(|| {
        usage(format!(
            "--asset `{capacity_key}`: give the capacity key of a wind_fleet, solar_fleet, generator or storage, e.g. wind_fleet.NAME.capacity_mw"
        ))
    })?;
    if !m0.zones.iter().any(|z| z.name == zone) {
        let names: Vec<&str> = m0.zones.iter().map(|z| z.name.as_str()).collect();
        return Err(usage(format!("--zone `{zone}`: no such zone{}", crate::base::suggest::suggest(zone, &names))));
    }
    let value = |src: &Source| -> Result<(f64, f64), Error> {
        let m = scenario::load(src)?;
        let r = Study::new(&m).run(method, &|_| {});
        let j = r.registry.index(metric).ok_or_else(|| usage(format!("no metric `{metric}`")))?;
        let (est, lo, _) = stat_with_ci(&r.column(j), Stat::Mean);
        Ok((est, (est - lo) / 1.96))
    };
    let without = apply(base, &[Override { key: capacity_key.into(), value: 0.0 }])?;
    let (baseline, baseline_se) = value(&without)?;
    if baseline <= 0.0 {
        return Err(usage(format!(
            "`{metric}` is 0 without the asset: there is no shortfall for it to relieve, so its ELCC is undefined (use a system with some loss of load)"
        )));
    }
    let mut evals = Vec::new();
    let mut at = |mw: f64| -> Result<f64, Error> {
        let (v, _) = value(&with_probe_load(base, zone, mw)?)?;
        evals.push((mw, v));
        Ok(v)
    };
    let (mut lo, mut hi) = (0.0, nameplate.max(tolerance_mw));
    if at(0.0)? > baseline {
        return Err(usage(format!("adding the asset does not improve `{metric}`: ELCC is 0")));
    }
    let mut bounded = false;
    while hi <= 100.0 * nameplate.max(1.0) {
        if at(hi)? > baseline {
            bounded = true;
            break;
        }
        lo = hi;
        hi *= 2.0;
    }
    if !bounded {
        return Err(usage(format!(
            "`{metric}` does not rise above its value without the asset ({baseline}) even with {} MW of added load, 100 times the nameplate: the metric is saturated (e.g. loss of load already fills the horizon), so the ELCC is not defined; use a system with less loss of load",
            lo
        )));
    }
    while hi - lo > tolerance_mw {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if at(mid)? <= baseline {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    evals.sort_by(|a, b| a.0.total_cmp(&b.0));
    Ok(Elcc {
        asset_key: capacity_key.into(),
        zone: zone.into(),
        metric: metric.into(),
        baseline,
        baseline_std_error: baseline_se,
        elcc_mw: lo,
        nameplate_mw: nameplate,
        capacity_credit: if nameplate > 0.0 { lo / nameplate } else { 0.0 },
        tolerance_mw,
        evaluations: evals,
    })
}
