//! Chart 9: a sweep's size curve, from plain data: a metric against the
//! varied capacity with its confidence band, the target line and the
//! answer (the smallest size that meets the target) marked.

use super::DrawResult;
use super::distribution::ESTIMATE;
use super::style::{self, Legend, Mark, Meta};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One size of the sweep: the varied value and the metric's estimate with
/// its interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub size: f64,
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
}

/// What the curve is measured against: (value, label), e.g. (95.0, "95 %
/// policy line").
pub type Reference = Option<(f64, String)>;

#[allow(clippy::too_many_arguments)]
pub fn size_curve<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    meta: &Meta,
    title: &str,
    subtitle: &str,
    x_desc: &str,
    y_desc: &str,
    points: &[Point],
    target: Reference,
    answer: Reference,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let mut legend =
        vec![Legend::new("Estimate", ESTIMATE, Mark::Line), Legend::new("95 % confidence band", ESTIMATE, Mark::Band)];
    if let Some((_, l)) = &target {
        legend.push(Legend::new(l.clone(), style::TARGET, Mark::Dashed));
    }
    if let Some((_, l)) = &answer {
        legend.push(Legend::new(l.clone(), style::LIMIT, Mark::Dashed));
    }
    let area = style::frame(root, meta, title, subtitle, &legend)?;
    let mut p: Vec<Point> = points.iter().copied().filter(|p| p.size.is_finite() && p.estimate.is_finite()).collect();
    if p.is_empty() {
        style::no_data(&area, "No sweep points")?;
        return Ok(());
    }
    p.sort_by(|a, b| a.size.total_cmp(&b.size));
    let (a, b) = (p[0].size, p[p.len() - 1].size.max(p[0].size + 1e-9));
    let (x0, x1) = (a - (b - a) * 0.04, b + (b - a) * 0.04);
    let mut lo = p.iter().map(|q| q.low.min(q.estimate)).fold(f64::INFINITY, f64::min);
    let mut hi = p.iter().map(|q| q.high.max(q.estimate)).fold(f64::NEG_INFINITY, f64::max);
    if let Some((t, _)) = &target {
        lo = lo.min(*t);
        hi = hi.max(*t);
    }
    let pad = ((hi - lo) * 0.1).max(1e-9);
    let mut chart = ChartBuilder::on(&area)
        .margin_top(10)
        .margin_right(30)
        .x_label_area_size(90)
        .y_label_area_size(140)
        .build_cartesian_2d(x0..x1, (lo - pad)..(hi + pad))?;
    let (bold, light, axis) = style::mesh_colours();
    let fmt = |v: &f64| style::tick_label(*v);
    chart
        .configure_mesh()
        .bold_line_style(bold)
        .light_line_style(light)
        .max_light_lines(1)
        .axis_style(axis)
        .x_label_formatter(&fmt)
        .y_label_formatter(&fmt)
        .label_style(style::tick())
        .axis_desc_style(style::axis_desc())
        .x_desc(x_desc)
        .y_desc(y_desc)
        .draw()?;
    if p.len() > 1 {
        let mut poly: Vec<(f64, f64)> = p.iter().map(|q| (q.size, q.high)).collect();
        poly.extend(p.iter().rev().map(|q| (q.size, q.low)));
        chart.draw_series(std::iter::once(Polygon::new(poly, style::tint(ESTIMATE, 0.72).filled())))?;
    }
    chart.draw_series(LineSeries::new(p.iter().map(|q| (q.size, q.estimate)), ESTIMATE.stroke_width(4)))?;
    chart.draw_series(p.iter().map(|q| Circle::new((q.size, q.estimate), 7, ESTIMATE.filled())))?;
    if let Some((t, _)) = &target {
        chart.draw_series(DashedLineSeries::new(vec![(x0, *t), (x1, *t)], 16, 10, style::TARGET.stroke_width(3)))?;
    }
    if let Some((a, l)) = &answer {
        chart.draw_series(DashedLineSeries::new(
            vec![(*a, lo - pad), (*a, hi + pad)],
            16,
            10,
            style::LIMIT.stroke_width(3),
        ))?;
        // The label on the side of the line with more room.
        let (dx, h) = if *a > (x0 + x1) / 2.0 { (-10, HPos::Right) } else { (10, HPos::Left) };
        chart.draw_series(std::iter::once(
            EmptyElement::at((*a, hi + pad))
                + Text::new(l.clone(), (dx, 8), style::font(style::ANNOTATION_PX).pos(Pos::new(h, VPos::Top))),
        ))?;
    }
    Ok(())
}
