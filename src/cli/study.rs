//! The planning-study commands: `sweep`, `size`, `buildout` (see `study`).
//! Terminal output and result files only; the logic is in `study`.

use crate::base::error::Error;
use crate::base::fmt::fmt_num;
use crate::cli::args::{BuildoutArgs, CommonArgs, ElccArgs, SizeArgs, SweepArgs};
use crate::cli::common::{in_pool, preflight, progress, warn};
use crate::io::output::{self, Files};
use crate::model::scenario::{self, Source};
use crate::sim::engine::Method;
use crate::study::{self, Axis, Override};
use std::fmt::Write;

const KEY_METRICS: [&str; 5] =
    ["system.utilisation_rate", "system.curtailed_mwh", "system.export_mwh", "system.h2_t", "system.unserved_mwh"];

fn base(c: &CommonArgs) -> Result<(Source, crate::model::Model), Error> {
    let src = match &c.scenario {
        Some(p) => Source::from_file(p)?,
        None => Source::embedded_default(),
    };
    let model = scenario::load(&src)?;
    warn(&src, &model);
    preflight(&c.out, c.samples.unwrap_or(model.default_samples), c.force)?;
    Ok((src, model))
}

fn method(c: &CommonArgs, m: &crate::model::Model) -> Result<Method, Error> {
    let samples = c.samples.unwrap_or(m.default_samples);
    if samples < 2 {
        return Err(Error::Usage("--samples must be at least 2".into()));
    }
    // threads: 0 = the pool that `in_pool` installs around each command.
    Ok(Method { seed: c.seed.unwrap_or(m.default_seed), first: 0, samples, threads: 0 })
}

fn json_bytes(v: &serde_json::Value) -> Vec<u8> {
    let mut b = serde_json::to_vec_pretty(v).unwrap_or_default();
    b.push(b'\n');
    b
}

/// Tidy CSV with one column per varied key.
fn points_csv(keys: &[String], points: &[(Vec<Override>, crate::sim::engine::Results)]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["point".to_string()];
    header.extend(keys.iter().cloned());
    header.extend(["metric", "unit", "mean", "std_error", "p5", "p10", "p50", "p90", "p95"].map(String::from));
    let _ = w.write_record(&header);
    for (i, (ov, r)) in points.iter().enumerate() {
        for e in r.estimates() {
            let mut rec = vec![i.to_string()];
            rec.extend(ov.iter().map(|o| o.value.to_string()));
            rec.extend([e.key, e.unit]);
            rec.extend([e.mean, e.std_error, e.p5, e.p10, e.p50, e.p90, e.p95].map(|x| x.to_string()));
            let _ = w.write_record(&rec);
        }
    }
    w.into_inner().unwrap_or_default()
}

fn points_table(title: &str, keys: &[String], points: &[(Vec<Override>, crate::sim::engine::Results)]) -> String {
    let mut s = format!("{title}\n");
    let _ = write!(s, "{:>5}", "point");
    for k in keys {
        let _ = write!(s, " {:>14}", k.rsplit('.').next().unwrap_or(k));
    }
    for m in KEY_METRICS {
        let _ = write!(s, " {:>24}", m.trim_start_matches("system."));
    }
    s.push('\n');
    for (i, (ov, r)) in points.iter().enumerate() {
        let _ = write!(s, "{i:>5}");
        for o in ov {
            let v = if o.key.ends_with("year") { format!("{}", o.value) } else { fmt_num(o.value) };
            let _ = write!(s, " {v:>14}");
        }
        for m in KEY_METRICS {
            let cell = match r.registry.index(m) {
                Some(j) => {
                    let e = crate::sim::metrics::Estimate::from_values(&r.registry.defs[j], &r.column(j));
                    format!("{} ± {}", fmt_num(e.mean), fmt_num(e.std_error))
                }
                None => "—".into(),
            };
            let _ = write!(s, " {cell:>24}");
        }
        s.push('\n');
    }
    s
}

fn run_points(
    c: &CommonArgs,
    src: &Source,
    method: Method,
    grid: Vec<Vec<Override>>,
    name: &str,
) -> Result<Vec<(Vec<Override>, crate::sim::engine::Results)>, Error> {
    let bar = progress(grid.len() as u64, c.quiet, name);
    let mut out = Vec::with_capacity(grid.len());
    for ov in grid {
        let p = in_pool(c.threads, || study::simulate(src, &ov, method))?;
        bar.inc(1);
        out.push((ov, p.results));
    }
    bar.finish_and_clear();
    Ok(out)
}

pub fn sweep(args: SweepArgs) -> Result<(), Error> {
    let (src, model) = base(&args.common)?;
    let method = method(&args.common, &model)?;
    let axes: Vec<Axis> = if !args.vary.is_empty() {
        args.vary.clone()
    } else {
        let raw = scenario::parse(&src)?;
        raw.sweep
            .iter()
            .map(|(k, v)| {
                format!("{k}={v}").parse::<Axis>().map_err(|e| Error::Usage(format!("{}: [sweep] {k}: {e}", src.name)))
            })
            .collect::<Result<_, _>>()?
    };
    if axes.is_empty() {
        return Err(Error::Usage(
            "nothing to vary: give --vary KEY=START:STOP:STEP (or KEY=V1,V2), or a [sweep] table in the scenario"
                .into(),
        ));
    }
    let keys: Vec<String> = axes.iter().map(|a| a.key.clone()).collect();
    // Counted before the grid is built (10,000 × 10,000 points would not fit in memory).
    match study::grid_size(&axes) {
        Some(n) if n <= 10_000 => {}
        n => {
            let sizes: Vec<String> = axes.iter().map(|a| a.values.len().to_string()).collect();
            return Err(Error::Usage(format!(
                "the grid has {} points ({}); at most 10,000: use fewer values per key",
                n.map_or("more than 2^64".to_string(), |n| n.to_string()),
                sizes.join(" × ")
            )));
        }
    }
    let grid = study::grid(&axes);
    let points = run_points(&args.common, &src, method, grid, "sweep")?;
    let files: Files = vec![
        ("sweep.csv".into(), points_csv(&keys, &points)),
        (
            "sweep.json".into(),
            json_bytes(&serde_json::json!({
                "program": { "name": output::PROGRAM, "version": output::VERSION },
                "scenario": { "name": model.name, "file": src.name, "sha256": src.hash() },
                "seed": method.seed, "samples": method.samples, "axes": axes,
                "points": points.iter().enumerate().map(|(i, (ov, r))| serde_json::json!({
                    "point": i, "overrides": ov, "metrics": r.estimates() })).collect::<Vec<_>>(),
            })),
        ),
        ("scenario.toml".into(), src.text.clone().into_bytes()),
    ];
    output::write_dir(&args.common.out, &files, args.common.force)?;
    if !args.common.quiet {
        let title = format!(
            "sweep of {} ({} points × {} samples, seed {})",
            model.name,
            points.len(),
            method.samples,
            method.seed
        );
        println!("{}", points_table(&title, &keys, &points));
    }
    println!("results written to {}", args.common.out.display());
    Ok(())
}

pub fn buildout(args: BuildoutArgs) -> Result<(), Error> {
    let (src, model) = base(&args.common)?;
    let method = method(&args.common, &model)?;
    let years: Vec<f64> = if let Some((a, b)) = args.years.split_once(':') {
        let (a, b): (i32, i32) = (
            a.trim().parse().map_err(|_| Error::Usage(format!("--years {}: not a year range", args.years)))?,
            b.trim().parse().map_err(|_| Error::Usage(format!("--years {}: not a year range", args.years)))?,
        );
        if b < a || b - a > 100 {
            return Err(Error::Usage(format!(
                "--years {}: give FIRST:LAST with FIRST ≤ LAST (≤ 100 years)",
                args.years
            )));
        }
        (a..=b).map(f64::from).collect()
    } else {
        args.years
            .split(',')
            .map(|y| {
                y.trim()
                    .parse::<i32>()
                    .map(f64::from)
                    .map_err(|_| Error::Usage(format!("--years: `{y}` is not a year")))
            })
            .collect::<Result<_, _>>()?
    };
    let grid: Vec<Vec<Override>> =
        years.iter().map(|y| vec![Override { key: "scenario.study_year".into(), value: *y }]).collect();
    let points = run_points(&args.common, &src, method, grid, "buildout")?;
    let keys = vec!["scenario.study_year".to_string()];
    // Installed capacity by technology and year, from each year's resolved model.
    let mut capacity = Vec::new();
    let mut year_models = Vec::new();
    for y in &years {
        let s = study::apply(&src, &[Override { key: "scenario.study_year".into(), value: *y }])?;
        let m = scenario::load(&s)?;
        capacity.push(serde_json::json!({
            "year": *y as i32,
            "wind_mw": m.wind_fleets.iter().map(|f| f.capacity_mw).sum::<f64>(),
            "solar_mwdc": m.solar_fleets.iter().map(|f| f.capacity_mwdc).sum::<f64>(),
            "storage_mw": m.storage.iter().map(|s| s.discharge_mw).sum::<f64>(),
            "storage_mwh": m.storage.iter().map(|s| s.energy_mwh).sum::<f64>(),
            "electrolyser_mw": m.electrolysers.iter().map(|e| e.capacity_mw).sum::<f64>(),
            "export_mw": m.lines.iter().filter(|l| l.to >= m.zones.len() || l.from >= m.zones.len())
                .map(|l| l.capacity_by_circuits_up_mw.last().copied().unwrap_or(0.0)).sum::<f64>(),
            "load_mw": m.loads.iter().map(|l| l.mean_mw).sum::<f64>(),
        }));
        year_models.push((*y as i32, m));
    }
    let refs: Vec<(i32, &crate::model::Model)> = year_models.iter().map(|(y, m)| (*y, m)).collect();
    let chart = crate::present::chart::render_buildout(&refs, &model.name, method.samples, method.seed)?;
    let mut files: Files = chart;
    files.extend([
        ("buildout.csv".into(), points_csv(&keys, &points)),
        (
            "buildout.json".into(),
            json_bytes(&serde_json::json!({
                "program": { "name": output::PROGRAM, "version": output::VERSION },
                "scenario": { "name": model.name, "file": src.name, "sha256": src.hash() },
                "seed": method.seed, "samples": method.samples,
                "capacity": capacity,
                "years": points.iter().map(|(ov, r)| serde_json::json!({
                    "year": ov[0].value as i32, "metrics": r.estimates() })).collect::<Vec<_>>(),
            })),
        ),
        ("scenario.toml".into(), src.text.clone().into_bytes()),
    ]);
    output::write_dir(&args.common.out, &files, args.common.force)?;
    if !args.common.quiet {
        let title = format!(
            "build-out of {} by study year ({} samples per year, seed {})",
            model.name, method.samples, method.seed
        );
        println!("{}", points_table(&title, &keys, &points));
    }
    println!("results written to {}", args.common.out.display());
    Ok(())
}

pub fn size(args: SizeArgs) -> Result<(), Error> {
    let (src, model) = base(&args.common)?;
    let method = method(&args.common, &model)?;
    let bad = || {
        Error::Usage(format!(
            "--capacity {}: write KEY=LO:HI, e.g. line.corridor-500kv.circuit_mw=1200:12000",
            args.capacity
        ))
    };
    let (key, range) = args.capacity.split_once('=').ok_or_else(bad)?;
    let (lo, hi) = range.split_once(':').ok_or_else(bad)?;
    let (lo, hi): (f64, f64) = (lo.trim().parse().map_err(|_| bad())?, hi.trim().parse().map_err(|_| bad())?);
    if !hi.is_finite() || !lo.is_finite() || hi <= lo {
        return Err(bad());
    }
    let tol = args.tolerance.unwrap_or((hi - lo) / 100.0);
    if tol.is_nan() || tol <= 0.0 {
        return Err(Error::Usage("--tolerance must be positive".into()));
    }
    let sizing = in_pool(args.common.threads, || study::size(&src, key.trim(), lo, hi, tol, &args.target, method))?;
    let json = json_bytes(&serde_json::json!({
        "program": { "name": output::PROGRAM, "version": output::VERSION },
        "scenario": { "name": model.name, "file": src.name, "sha256": src.hash() },
        "seed": method.seed, "samples": method.samples, "sizing": sizing,
    }));
    let mut w = csv::Writer::from_writer(Vec::new());
    for e in &sizing.evaluations {
        let _ = w.serialize(e);
    }
    let mut files: Files = crate::present::chart::render_size(&sizing, &model.name, method.samples, method.seed)?;
    files.extend([
        ("size.json".into(), json),
        ("size-evaluations.csv".into(), w.into_inner().unwrap_or_default()),
        ("scenario.toml".into(), src.text.clone().into_bytes()),
    ]);
    output::write_dir(&args.common.out, &files, args.common.force)?;
    if !args.common.quiet {
        let t = &sizing.target;
        println!(
            "sizing {} for {}.{:?} {} {} ({} samples per point, seed {})",
            sizing.key,
            t.metric,
            t.stat,
            if t.at_least { ">=" } else { "<=" },
            t.threshold,
            method.samples,
            method.seed
        );
        for e in &sizing.evaluations {
            println!(
                "  {:>12} → {:>10}  95 % CI [{}, {}]{}",
                fmt_num(e.value),
                fmt_num(e.estimate),
                fmt_num(e.ci95_low),
                fmt_num(e.ci95_high),
                if e.meets { "  meets" } else { "" }
            );
        }
        match sizing.answer {
            Some(a) => println!(
                "answer: {} = {} (interval {} to {}; {})",
                sizing.key,
                fmt_num(a),
                sizing.optimistic.map_or("—".into(), fmt_num),
                sizing.conservative.map_or("not met with confidence in range".into(), fmt_num),
                sizing.note
            ),
            None => println!("answer: none — {}", sizing.note),
        }
    }
    println!("results written to {}", args.common.out.display());
    Ok(())
}

pub fn elcc(args: ElccArgs) -> Result<(), Error> {
    let (src, model) = base(&args.common)?;
    let method = method(&args.common, &model)?;
    if args.tolerance.is_nan() || args.tolerance <= 0.0 {
        return Err(Error::Usage("--tolerance must be positive".into()));
    }
    let e = in_pool(args.common.threads, || {
        study::elcc(&src, &args.asset, &args.zone, &args.metric, args.tolerance, method)
    })?;
    let files: Files = vec![
        (
            "elcc.json".into(),
            json_bytes(&serde_json::json!({
                "program": { "name": output::PROGRAM, "version": output::VERSION },
                "scenario": { "name": model.name, "file": src.name, "sha256": src.hash() },
                "seed": method.seed, "samples": method.samples, "elcc": e,
            })),
        ),
        ("scenario.toml".into(), src.text.clone().into_bytes()),
    ];
    output::write_dir(&args.common.out, &files, args.common.force)?;
    if !args.common.quiet {
        println!(
            "ELCC of {} in zone {}: {} MW of {} MW nameplate (capacity credit {:.1} %), holding {} at {} ± {} ({} samples, common random numbers, tolerance {} MW)",
            e.asset_key,
            e.zone,
            fmt_num(e.elcc_mw),
            fmt_num(e.nameplate_mw),
            100.0 * e.capacity_credit,
            e.metric,
            fmt_num(e.baseline),
            fmt_num(e.baseline_std_error),
            method.samples,
            e.tolerance_mw
        );
    }
    println!("results written to {}", args.common.out.display());
    Ok(())
}
