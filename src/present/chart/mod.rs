//! Report-ready charts, each as SVG and PNG, drawn with plotters from the
//! result files (or the same data in memory).
//!
//! [`render_all`] reads a result directory, [`render`] takes the in-memory
//! results; both return `charts/<stem>.svg` and `charts/<stem>.png` for
//! every [`Kind`] the results support, in the order of [`Kind::ALL`], and
//! write nothing. Every chart is drawn by a function of plain data (a
//! slice of values, rows, a month × hour grid) inside the common frame of
//! [`style`]. Charts of several runs take plain data and are drawn by their
//! callers with [`draw_both`]: [`compare::forest`] and [`compare::panels`]
//! (scenario comparison), [`sweep::size_curve`] (sweeps).
//!
//! Style (colours per technology, font, sizes) lives in [`style`]; the
//! embedded font makes text, Chinese included, render with no system fonts.

pub mod balance;
pub mod capacity;
pub mod compare;
pub mod data;
pub mod dispatch;
pub mod distribution;
pub mod export;
pub mod fontsub;
pub mod heatmap;
pub mod hydrogen;
pub mod style;
pub mod sweep;

use crate::base::error::Error;
use crate::io::output::{Files, Summary};
use data::Data;
use plotters::coord::Shift;
use plotters::prelude::*;
use rayon::prelude::*;
use std::path::Path;

/// Result of drawing one chart on one backend.
pub type DrawResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// The charts, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Capacity,
    EnergyBalance,
    UtilisationDistribution,
    ExportDuration,
    DispatchSummerWeek,
    DispatchWinterWeek,
    CurtailmentHeatmap,
    LossOfLoadHeatmap,
    Hydrogen,
    Convergence,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::Capacity,
        Kind::EnergyBalance,
        Kind::UtilisationDistribution,
        Kind::ExportDuration,
        Kind::DispatchSummerWeek,
        Kind::DispatchWinterWeek,
        Kind::CurtailmentHeatmap,
        Kind::LossOfLoadHeatmap,
        Kind::Hydrogen,
        Kind::Convergence,
    ];

    /// File stem under `charts/`.
    pub const fn stem(self) -> &'static str {
        match self {
            Kind::Capacity => "capacity",
            Kind::EnergyBalance => "energy-balance",
            Kind::UtilisationDistribution => "utilisation-distribution",
            Kind::ExportDuration => "export-duration",
            Kind::DispatchSummerWeek => "dispatch-summer-week",
            Kind::DispatchWinterWeek => "dispatch-winter-week",
            Kind::CurtailmentHeatmap => "curtailment-heatmap",
            Kind::LossOfLoadHeatmap => "loss-of-load-heatmap",
            Kind::Hydrogen => "hydrogen-monthly",
            Kind::Convergence => "convergence",
        }
    }

    /// One-sentence caption for the report: how to read the chart.
    pub const fn caption(self) -> &'static str {
        match self {
            Kind::Capacity => {
                "Installed capacity in the study year by technology (solar in MWac, the inverter rating, like the line ratings; MWdc in the label), with the transfer limit of the lines to external grids and the mean firm load for scale."
            }
            Kind::EnergyBalance => {
                "Where the available wind and solar energy went in a year: bars are means across sampled years, whiskers span P10–P90; sources and uses balance."
            }
            Kind::UtilisationDistribution => {
                "Utilisation rate (1 − curtailed / available) of each sampled year, with the 95 % policy line and the 90 % line; the subtitle gives the share of years that reach them."
            }
            Kind::ExportDuration => {
                "Hours of the year sorted from highest to lowest export, against the transfer limit of the corridor: the band spans P10–P90 across sampled years, the lines are the median year; the gap to the dashed curve is energy curtailed for lack of transfer capacity."
            }
            Kind::DispatchSummerWeek => {
                "A typical summer week of the median year, hour by hour: above zero where the energy went (export at the bottom, against the corridor limit), below zero supply from other sources."
            }
            Kind::DispatchWinterWeek => "The same for a typical winter week.",
            Kind::CurtailmentHeatmap => {
                "Expected curtailment by month and hour of day (mean over sampled years, local time): when the energy is lost."
            }
            Kind::LossOfLoadHeatmap => {
                "Loss-of-load probability by month and hour of day: the share of sampled hours with unserved load."
            }
            Kind::Hydrogen => {
                "Monthly hydrogen production across sampled years (P50 with P10–P90 and P5–P95 bands) and the electrolysers' load factor at the P50."
            }
            Kind::Convergence => {
                "Running estimate of the mean utilisation rate as samples accumulate, with its 95 % confidence band (± 1.96 standard errors): whether enough years were sampled."
            }
        }
    }

    /// Whether the results hold what this chart needs.
    pub fn applies(self, d: &Data) -> bool {
        match self {
            Kind::DispatchSummerWeek | Kind::DispatchWinterWeek => d.hourly.rows() >= 24,
            Kind::ExportDuration => d.hourly.rows() > 0 && !d.model.externals.is_empty(),
            Kind::LossOfLoadHeatmap => heatmap::any_loss_of_load(&d.summary.profiles),
            Kind::Hydrogen => !d.model.electrolysers.is_empty() && d.hourly.rows() > 0,
            _ => true,
        }
    }

    fn draw<DB: DrawingBackend>(self, root: &DrawingArea<DB, Shift>, d: &Data) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        match self {
            Kind::Capacity => capacity::draw(root, d),
            Kind::EnergyBalance => balance::draw(root, d),
            Kind::UtilisationDistribution => distribution::draw_utilisation(root, d),
            Kind::ExportDuration => export::draw(root, d),
            Kind::DispatchSummerWeek => dispatch::draw(root, d, dispatch::Season::Summer),
            Kind::DispatchWinterWeek => dispatch::draw(root, d, dispatch::Season::Winter),
            Kind::CurtailmentHeatmap => heatmap::draw_curtailment(root, d),
            Kind::LossOfLoadHeatmap => heatmap::draw_loss_of_load(root, d),
            Kind::Hydrogen => hydrogen::draw(root, d),
            Kind::Convergence => distribution::draw_convergence(root, d),
        }
    }
}

/// Render every chart (SVG + PNG) for the result directory `dir` (which
/// holds `summary.json`, `samples.csv`, `hourly-median.csv` written by
/// `output`), returning (relative file name, bytes), e.g.
/// `("charts/utilisation-distribution.svg", ...)`. Pure: reads files,
/// writes nothing.
pub fn render_all(dir: &Path) -> Result<Files, Error> {
    let read = |name: &str| {
        let path = dir.join(name);
        crate::base::fsread::read(&path, crate::base::fsread::DATA_LIMIT).map_err(|e| Error::Input {
            path: path.clone(),
            message: format!("cannot read result file ({e}); is this a renewplan output directory?"),
        })
    };
    let summary_bytes = read("summary.json")?;
    let summary: Summary = serde_json::from_slice(&summary_bytes).map_err(|e| Error::Input {
        path: dir.join("summary.json"),
        message: format!("not a renewplan summary: {e}"),
    })?;
    let samples = data::read_samples(dir)?;
    let hourly = read("hourly-median.csv")?;
    render(&summary, samples, &hourly, Formats::All)
}

/// Which chart files a run draws (`--charts`): none, SVG only, PNG only,
/// or both (the default). The report inlines the SVGs when there are any.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Formats {
    None,
    Svg,
    Png,
    #[default]
    All,
}

impl Formats {
    pub const NAMES: [&'static str; 4] = ["none", "svg", "png", "all"];
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "none" => Some(Formats::None),
            "svg" => Some(Formats::Svg),
            "png" => Some(Formats::Png),
            "all" => Some(Formats::All),
            _ => None,
        }
    }
    pub fn svg(self) -> bool {
        matches!(self, Formats::Svg | Formats::All)
    }
    pub fn png(self) -> bool {
        matches!(self, Formats::Png | Formats::All)
    }
}

/// Same, from in-memory results (used by `run` before the directory
/// exists), in the formats asked for; the charts are drawn in parallel.
pub fn render(summary: &Summary, samples: data::Table, hourly_csv: &[u8], formats: Formats) -> Result<Files, Error> {
    if formats == Formats::None {
        return Ok(Files::new());
    }
    if !style::init_font() {
        return Err(draw_error("font", "the embedded chart font could not be loaded".into()));
    }
    let d = Data::new(summary, samples, hourly_csv)?;
    let kinds: Vec<Kind> = Kind::ALL.into_iter().filter(|k| k.applies(&d)).collect();
    let drawn: Vec<Result<Files, Error>> = kinds.par_iter().map(|k| render_kind(*k, &d, formats)).collect();
    let mut files = Files::new();
    for r in drawn {
        files.extend(r?);
    }
    Ok(files)
}

/// Draw one chart as SVG and/or PNG.
pub fn render_kind(kind: Kind, d: &Data, formats: Formats) -> Result<Files, Error> {
    let stem = kind.stem();
    let (svg, png) = draw_some(formats, |root| kind.draw(root, d), |root| kind.draw(root, d))
        .map_err(|e| draw_error(stem, e.to_string()))?;
    let mut files = Files::new();
    if let Some(svg) = svg {
        files.push((format!("charts/{stem}.svg"), svg.into_bytes()));
    }
    if let Some(png) = png {
        files.push((format!("charts/{stem}.png"), png));
    }
    Ok(files)
}

/// Draw with the same function on an SVG and a bitmap backend; returns the
/// SVG text and the PNG bytes. Public so that future charts drawn from
/// plain data (comparisons, sweeps) share the output path.
pub fn draw_both<FS, FP>(
    svg_draw: FS,
    png_draw: FP,
) -> Result<(String, Vec<u8>), Box<dyn std::error::Error + Send + Sync>>
where
    FS: FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> DrawResult,
    FP: FnOnce(&DrawingArea<BitMapBackend<'_>, Shift>) -> DrawResult,
{
    let (svg, png) = draw_some(Formats::All, svg_draw, png_draw)?;
    Ok((svg.unwrap_or_default(), png.unwrap_or_default()))
}

/// Draw on the backends `formats` asks for; `None` for one not drawn.
#[allow(clippy::type_complexity)]
pub fn draw_some<FS, FP>(
    formats: Formats,
    svg_draw: FS,
    png_draw: FP,
) -> Result<(Option<String>, Option<Vec<u8>>), Box<dyn std::error::Error + Send + Sync>>
where
    FS: FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> DrawResult,
    FP: FnOnce(&DrawingArea<BitMapBackend<'_>, Shift>) -> DrawResult,
{
    if !style::init_font() {
        return Err("the embedded chart font could not be loaded".into());
    }
    let (w, h) = (style::WIDTH, style::HEIGHT);
    let svg = if formats.svg() {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
            svg_draw(&root)?;
            root.present()?;
        }
        Some(svg)
    } else {
        None
    };
    let png = if formats.png() {
        let mut buf = vec![255u8; (w * h * 3) as usize];
        {
            let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
            png_draw(&root)?;
            root.present()?;
        }
        Some(encode_png(&buf, w, h)?)
    } else {
        None
    };
    Ok((svg, png))
}

/// PNG of an RGB buffer, with its print resolution ([`style::DPI`]).
pub fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, Box<dyn std::error::Error + Send + Sync>> {
    let mut out = Vec::with_capacity(rgb.len() / 8);
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Default);
        let ppm = (f64::from(style::DPI) / 0.0254).round() as u32;
        enc.set_pixel_dims(Some(png::PixelDimensions { xppu: ppm, yppu: ppm, unit: png::Unit::Meter }));
        let mut wr = enc.write_header()?;
        wr.write_image_data(rgb)?;
        wr.finish()?;
    }
    Ok(out)
}

fn draw_error(what: &str, message: String) -> Error {
    Error::Io { context: format!("cannot draw chart {what}"), source: std::io::Error::other(message) }
}

/// Footer metadata for a multi-scenario study (comparison, sweep, sizing).
pub fn study_meta(scenario: &str, title: &str, samples: u64, seed: u64) -> style::Meta {
    style::Meta {
        program: crate::io::output::PROGRAM.into(),
        version: crate::io::output::VERSION.into(),
        scenario: scenario.into(),
        scenario_title: title.into(),
        samples,
        seed,
        ..Default::default()
    }
}

fn err(e: Box<dyn std::error::Error + Send + Sync>) -> Error {
    Error::Usage(format!("cannot draw a chart: {e}"))
}

/// Comparison charts: a forest plot of the paired differences of key
/// metrics from the base (95 % intervals) and small multiples of each
/// scenario's mean with its P10–P90.
pub fn render_compare(
    rows: &[crate::study::compare::Row],
    base: &str,
    samples: u64,
    seed: u64,
) -> Result<Files, Error> {
    let keys = [
        ("system.utilisation_rate", "Utilisation rate", "percentage points", 100.0),
        ("system.curtailed_mwh", "Curtailed energy", "TWh", 1e-6),
        ("system.export_mwh", "Exported energy", "TWh", 1e-6),
        ("system.h2_t", "Hydrogen", "kt", 1e-3),
        ("economics.net_annual_cny", "Net annual value", "billion CNY", 1e-9),
    ];
    let meta = study_meta(base, "scenario comparison", samples, seed);
    let mut files = Vec::new();
    for (key, name, unit, scale) in keys {
        let forest_rows: Vec<compare::Interval> = rows
            .iter()
            .filter(|r| r.metric == key && r.scenario != base)
            .filter_map(|r| {
                Some(compare::Interval {
                    label: r.scenario.clone(),
                    estimate: r.diff_mean? * scale,
                    low: r.diff_ci95_low? * scale,
                    high: r.diff_ci95_high? * scale,
                })
            })
            .collect();
        if forest_rows.is_empty() {
            continue;
        }
        let title = format!("{name}: difference from {base}");
        let sub =
            format!("paired on common random numbers, {samples} sampled years; dot = mean difference, bar = 95 % CI");
        let x = format!("Difference in {name} ({unit})");
        let stem = key.replace('.', "-");
        let (svg, png) = draw_both(
            |r| compare::forest(r, &meta, &title, &sub, &x, &forest_rows),
            |r| compare::forest(r, &meta, &title, &sub, &x, &forest_rows),
        )
        .map_err(err)?;
        files.push((format!("charts/compare-{stem}.svg"), svg.into_bytes()));
        files.push((format!("charts/compare-{stem}.png"), png));
    }
    let panels: Vec<compare::Panel> = keys
        .iter()
        .map(|(key, name, unit, scale)| compare::Panel {
            title: name.to_string(),
            unit: if *unit == "percentage points" { "%".into() } else { unit.to_string() },
            bars: rows
                .iter()
                .filter(|r| r.metric == *key)
                .map(|r| compare::Interval {
                    label: r.scenario.clone(),
                    estimate: r.mean * scale,
                    low: r.p10 * scale,
                    high: r.p90 * scale,
                })
                .collect(),
        })
        .filter(|p| !p.bars.is_empty())
        .collect();
    let title = "Key results by scenario";
    let sub = format!("mean with P10–P90 across {samples} sampled years");
    let (svg, png) = draw_both(
        |r| compare::panels(r, &meta, title, &sub, &panels),
        |r| compare::panels(r, &meta, title, &sub, &panels),
    )
    .map_err(err)?;
    files.push(("charts/compare-key-metrics.svg".into(), svg.into_bytes()));
    files.push(("charts/compare-key-metrics.png".into(), png));
    Ok(files)
}

/// Sizing chart: the target statistic against the capacity, with its 95 %
/// band, the target line and the answer.
pub fn render_size(s: &crate::study::Sizing, scenario: &str, samples: u64, seed: u64) -> Result<Files, Error> {
    let meta = study_meta(scenario, "sizing", samples, seed);
    let points: Vec<sweep::Point> = s
        .evaluations
        .iter()
        .map(|e| sweep::Point { size: e.value, estimate: e.estimate, low: e.ci95_low, high: e.ci95_high })
        .collect();
    let stat = match format!("{:?}", s.target.stat).to_lowercase() {
        m if m == "mean" => m,
        p => p.to_uppercase(),
    };
    let what = size_axis(&s.key);
    let title = format!(
        "Sizing for {stat} of {} {} {}",
        s.target.metric,
        if s.target.at_least { "≥" } else { "≤" },
        s.target.threshold
    );
    let sub = format!(
        "{stat} of {} at each evaluated value of {}, 95 % confidence band; common random numbers",
        s.target.metric, s.key
    );
    let target = Some((s.target.threshold, format!("target {}", s.target.threshold)));
    let answer = s.answer.map(|a| (a, format!("answer {}", crate::base::fmt::fmt_num(a))));
    let y = format!("{} ({stat})", s.target.metric);
    let (svg, png) = draw_both(
        |r| sweep::size_curve(r, &meta, &title, &sub, &what, &y, &points, target.clone(), answer.clone()),
        |r| sweep::size_curve(r, &meta, &title, &sub, &what, &y, &points, target.clone(), answer.clone()),
    )
    .map_err(err)?;
    Ok(vec![("charts/size.svg".into(), svg.into_bytes()), ("charts/size.png".into(), png)])
}

/// A sized key `TABLE.NAME.FIELD` for people, with its unit: e.g.
/// `line.uhvdc-800kv.circuit_mw` → "line uhvdc-800kv, rating per circuit
/// or HVDC pole (MW)".
pub fn size_axis(key: &str) -> String {
    let mut parts = key.splitn(3, '.');
    let (table, name, field) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let known = [
        ("circuit_mw", "rating per circuit or HVDC pole", "MW"),
        ("capacity_mw", "capacity", "MW"),
        ("capacity_mwdc", "capacity", "MWdc"),
        ("capacity_mwac", "inverter capacity", "MWac"),
        ("charge_mw", "charge rating", "MW"),
        ("discharge_mw", "discharge rating", "MW"),
        ("energy_mwh", "energy", "MWh"),
        ("mw", "power", "MW"),
        ("max_export_mw", "export limit", "MW"),
        ("max_import_mw", "import limit", "MW"),
        ("circuits", "circuits", "count"),
        ("length_km", "length", "km"),
    ];
    let (what, unit) =
        known.iter().find(|(f, _, _)| *f == field).map(|(_, w, u)| (w.to_string(), *u)).unwrap_or_else(|| {
            let unit = ["_mwh", "_mw", "_km", "_pu", "_h", "_kg"].iter().find(|u| field.ends_with(*u)).map_or(
                "",
                |u| match *u {
                    "_mwh" => "MWh",
                    "_mw" => "MW",
                    "_km" => "km",
                    "_pu" => "per unit",
                    "_h" => "h",
                    _ => "kg",
                },
            );
            (field.replace('_', " "), unit)
        });
    let table = table.replace('_', " ");
    if field.is_empty() {
        key.to_string()
    } else if unit.is_empty() {
        format!("{table} {name}, {what}")
    } else {
        format!("{table} {name}, {what} ({unit})")
    }
}

/// Installed capacity by technology and study year (the build-out chart),
/// from each year's resolved model.
pub fn render_buildout(
    models: &[(i32, &crate::model::Model)],
    scenario: &str,
    samples: u64,
    seed: u64,
) -> Result<Files, Error> {
    let meta = study_meta(scenario, "build-out", samples, seed);
    let years: Vec<(i32, Vec<capacity::Bar>)> = models
        .iter()
        .map(|(y, m)| {
            let json = serde_json::to_value(m).unwrap_or(serde_json::Value::Null);
            (*y, capacity::bars_of(&data::ModelView::from_json(&json)))
        })
        .collect();
    let first = years.first().map_or(0, |y| y.0);
    let last = years.last().map_or(0, |y| y.0);
    let title = format!("Installed capacity by technology, {first}–{last} — {scenario}");
    let sub = "from the scenario's build-out schedules";
    let (svg, png) = draw_both(
        |r| capacity::buildout(r, &meta, &title, sub, &years),
        |r| capacity::buildout(r, &meta, &title, sub, &years),
    )
    .map_err(err)?;
    Ok(vec![("charts/buildout-capacity.svg".into(), svg.into_bytes()), ("charts/buildout-capacity.png".into(), png)])
}
