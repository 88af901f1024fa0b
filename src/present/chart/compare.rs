//! Chart 8: scenario comparison, from plain data (the engine's comparison
//! rows map onto these directly): a forest plot of paired differences
//! from the base with their 95 % confidence intervals, and small multiples
//! of key metrics (one panel per metric, one bar per scenario, P10–P90
//! whiskers), since key metrics do not share a unit.

use super::DrawResult;
use super::balance::num;
use super::distribution::ESTIMATE;
use super::style::{self, Legend, Mark, Meta};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::RGBColor;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// An estimate with an interval (a difference and its 95 % CI, or a mean
/// and its P10–P90).
#[derive(Debug, Clone, PartialEq)]
pub struct Interval {
    pub label: String,
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
}

/// One panel of the small multiples: a metric, its unit and one interval
/// per scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub title: String,
    pub unit: String,
    pub bars: Vec<Interval>,
}

/// Colour of the k-th scenario: the base darkest, then lighter tints.
pub fn scenario_colour(k: usize, n: usize) -> RGBColor {
    style::tint(ESTIMATE, if n <= 1 { 0.0 } else { 0.7 * k as f64 / (n - 1) as f64 })
}

/// Forest plot: one row per interval from the top, the estimate as a dot
/// and the interval as a line, against a zero line.
pub fn forest<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    meta: &Meta,
    title: &str,
    subtitle: &str,
    x_desc: &str,
    rows: &[Interval],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let legend = [
        Legend::new("Mean paired difference", style::TEXT, Mark::Box),
        Legend::new("95 % confidence interval", style::TEXT, Mark::Whisker),
    ];
    let area = style::frame(root, meta, title, subtitle, &legend)?;
    if rows.is_empty() {
        style::no_data(&area, "No scenarios to compare")?;
        return Ok(());
    }
    let n = rows.len();
    let seg = |i: usize| n - 1 - i;
    let (lo, hi) =
        rows.iter().fold((0.0f64, 0.0f64), |(a, b), r| (a.min(r.low).min(r.estimate), b.max(r.high).max(r.estimate)));
    let pad = ((hi - lo) * 0.12).max(1e-9);
    let tick = style::tick();
    let label_w =
        rows.iter().map(|r| area.estimate_text_size(&r.label, &tick).map(|s| s.0).unwrap_or(300)).max().unwrap_or(300);
    let mut chart = ChartBuilder::on(&area)
        .margin_top(6)
        .margin_right(30)
        .x_label_area_size(90)
        .y_label_area_size(label_w + 30)
        .build_cartesian_2d((lo - pad)..(hi + pad), (0..n - 1).into_segmented())?;
    let (bold, light, axis) = style::mesh_colours();
    let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
    let fmt_y = |v: &SegmentValue<usize>| match v {
        SegmentValue::CenterOf(k) if *k < n => labels[n - 1 - *k].clone(),
        _ => String::new(),
    };
    let fmt_x = |x: &f64| style::tick_label(*x);
    chart
        .configure_mesh()
        .disable_y_mesh()
        .bold_line_style(bold)
        .light_line_style(light)
        .max_light_lines(1)
        .axis_style(axis)
        .y_labels(n)
        .y_label_formatter(&fmt_y)
        .x_label_formatter(&fmt_x)
        .label_style(tick)
        .axis_desc_style(style::axis_desc())
        .x_desc(x_desc)
        .draw()?;
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, SegmentValue::Exact(0)), (0.0, SegmentValue::Exact(n))],
        style::MUTED.stroke_width(2),
    )))?;
    let s = style::TEXT.stroke_width(3);
    let lab = style::font(style::ANNOTATION_PX).pos(Pos::new(HPos::Center, VPos::Bottom));
    for (i, r) in rows.iter().enumerate() {
        let y = SegmentValue::CenterOf(seg(i));
        chart.draw_series(std::iter::once(PathElement::new(vec![(r.low, y.clone()), (r.high, y.clone())], s)))?;
        for x in [r.low, r.high] {
            chart.draw_series(std::iter::once(
                EmptyElement::at((x, y.clone())) + PathElement::new(vec![(0, -10), (0, 10)], s),
            ))?;
        }
        chart.draw_series(std::iter::once(
            EmptyElement::at((r.estimate, y.clone()))
                + Rectangle::new([(-9, -9), (9, 9)], style::TEXT.filled())
                + Text::new(format!("{} ({} to {})", num(r.estimate), num(r.low), num(r.high)), (0, -18), lab.clone()),
        ))?;
    }
    Ok(())
}

/// Small multiples: one panel per metric, one bar per scenario with its
/// whisker, scenarios in the same colours in every panel.
pub fn panels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    meta: &Meta,
    title: &str,
    subtitle: &str,
    panels: &[Panel],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let names: Vec<String> =
        panels.first().map(|p| p.bars.iter().map(|b| b.label.clone()).collect()).unwrap_or_default();
    let mut legend: Vec<Legend> = names
        .iter()
        .enumerate()
        .map(|(k, s)| Legend::new(s.clone(), scenario_colour(k, names.len()), Mark::Box))
        .collect();
    legend.push(Legend::new("P10–P90 across sampled years", style::TEXT, Mark::Whisker));
    let area = style::frame(root, meta, title, subtitle, &legend)?;
    if panels.is_empty() || names.is_empty() {
        style::no_data(&area, "No scenarios to compare")?;
        return Ok(());
    }
    let cols = panels.len().min(3);
    let rows = panels.len().div_ceil(cols);
    for (cell, p) in area.split_evenly((rows, cols)).iter().zip(panels) {
        let max = p.bars.iter().map(|b| b.estimate.max(b.high)).fold(0.0, f64::max);
        let min = p.bars.iter().map(|b| b.estimate.min(b.low)).fold(0.0, f64::min);
        let k = p.bars.len();
        let mut chart = ChartBuilder::on(cell)
            .caption(format!("{} ({})", p.title, p.unit), style::font(style::ANNOTATION_PX + 2.0))
            .margin(12)
            .x_label_area_size(10)
            .y_label_area_size(110)
            .build_cartesian_2d(0.0..k as f64, (min * 1.1)..style::nice_max(max))?;
        let (bold, light, axis) = style::mesh_colours();
        let fmt_y = |y: &f64| style::tick_label(*y);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .bold_line_style(bold)
            .light_line_style(light)
            .max_light_lines(1)
            .axis_style(axis)
            .y_labels(5)
            .y_label_formatter(&fmt_y)
            .label_style(style::font(style::ANNOTATION_PX))
            .draw()?;
        chart.draw_series(p.bars.iter().enumerate().map(|(j, b)| {
            Rectangle::new([(j as f64 + 0.15, 0.0), (j as f64 + 0.85, b.estimate)], scenario_colour(j, k).filled())
        }))?;
        let s = style::TEXT.stroke_width(3);
        for (j, b) in p.bars.iter().enumerate() {
            let x = j as f64 + 0.5;
            chart.draw_series(std::iter::once(PathElement::new(vec![(x, b.low), (x, b.high)], s)))?;
            for y in [b.low, b.high] {
                chart.draw_series(std::iter::once(
                    EmptyElement::at((x, y)) + PathElement::new(vec![(-10, 0), (10, 0)], s),
                ))?;
            }
        }
    }
    Ok(())
}
