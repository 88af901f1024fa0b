//! Chart 4: exceedance (duration) curve of net export against the corridor
//! limit, for the representative (median) sample.
//!
//! Also drawn: export + curtailment sorted the same way (what an unlimited
//! corridor could have carried) and the hourly available transfer limit
//! (outages included). A band across samples needs duration curves of
//! every sample, which the results do not hold yet; [`duration_chart`]
//! takes plain curves and an optional band so that it can be added.

use super::DrawResult;
use super::data::Data;
use super::style::{self, Legend, Mark, Meta, Tech};
use crate::output::fmt_num;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::RGBColor;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// A curve of hourly values (any order; it is sorted for drawing).
#[derive(Debug, Clone)]
pub struct Curve {
    pub label: String,
    pub colour: RGBColor,
    pub mark: Mark,
    pub mw: Vec<f64>,
    /// Fill the area under the curve.
    pub fill: bool,
}

/// Values sorted from highest to lowest, thinned to about `max_points`
/// (the curve is monotone, so thinning loses nothing visible).
pub fn duration(v: &[f64], max_points: usize) -> Vec<(f64, f64)> {
    let mut s: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    s.sort_by(|a, b| b.total_cmp(a));
    let n = s.len();
    if n == 0 {
        return Vec::new();
    }
    let step = (n / max_points.max(2)).max(1);
    let mut out: Vec<(f64, f64)> = (0..n).step_by(step).map(|i| (i as f64, s[i])).collect();
    if (n - 1) % step != 0 {
        out.push(((n - 1) as f64, s[n - 1]));
    }
    // Close the last hour so the curve spans the full width.
    out.push((n as f64, s[n - 1]));
    out
}

pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &Data) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let h = &d.hourly;
    let export = h.sum("external.", ".export_mw");
    let import = h.sum("external.", ".import_mw");
    let net: Vec<f64> = export.iter().zip(&import).map(|(e, i)| e - i).collect();
    let curtailed = h.sum("zone.", ".curtailed_mw");
    let potential: Vec<f64> = net.iter().zip(&curtailed).map(|(e, c)| e + c).collect();
    let ext_lines: Vec<String> =
        d.model.lines.iter().filter(|l| l.external).map(|l| format!("line.{}.capacity_mw", l.name)).collect();
    let limit_hourly = h.sum_of(&ext_lines);
    let limit = d.model.export_limit_mw();
    let at_limit = net.iter().zip(&limit_hourly).filter(|(e, l)| **l > 0.0 && **e >= **l * 0.98 - 1.0).count();
    let grids = if d.model.externals.is_empty() { "external grids".to_string() } else { d.model.externals.join(", ") };
    let title = format!("Net export duration curve to {grids} — {}, {}", d.meta.place(), d.meta.study_year);
    let subtitle = format!(
        "Sample {} (median year by utilisation rate), hours sorted from highest to lowest · transfer limit reached in {} h",
        d.meta.representative,
        fmt_num(at_limit as f64)
    );
    let mut curves = vec![Curve {
        label: "Net export (median year)".into(),
        colour: Tech::Export.colour(),
        mark: Mark::Box,
        mw: net,
        fill: true,
    }];
    if curtailed.iter().any(|c| *c > 0.0) {
        curves.push(Curve {
            label: "Net export + curtailment (unlimited corridor)".into(),
            colour: Tech::Curtailment.colour(),
            mark: Mark::Dashed,
            mw: potential,
            fill: false,
        });
    }
    if !ext_lines.is_empty() {
        curves.push(Curve {
            label: "Available transfer limit (with line outages)".into(),
            colour: style::MUTED,
            mark: Mark::Line,
            mw: limit_hourly,
            fill: false,
        });
    }
    let limit_line = (limit > 0.0).then(|| (limit, format!("Transfer limit, all circuits: {} MW", fmt_num(limit))));
    duration_chart(root, &d.meta, &title, &subtitle, &curves, limit_line)
}

/// Duration curves with an optional horizontal limit line.
pub fn duration_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    meta: &Meta,
    title: &str,
    subtitle: &str,
    curves: &[Curve],
    limit: Option<(f64, String)>,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let mut legend: Vec<Legend> = curves.iter().map(|c| Legend::new(c.label.clone(), c.colour, c.mark)).collect();
    if let Some((_, l)) = &limit {
        legend.push(Legend::new(l.clone(), style::LIMIT, Mark::Dashed));
    }
    let area = style::frame(root, meta, title, subtitle, &legend)?;
    let sorted: Vec<Vec<(f64, f64)>> = curves.iter().map(|c| duration(&c.mw, 1500)).collect();
    let hours = curves.iter().map(|c| c.mw.len()).max().unwrap_or(0);
    if hours == 0 {
        style::no_data(&area, "No hourly results")?;
        return Ok(());
    }
    let vmax = sorted.iter().flatten().map(|p| p.1).fold(limit.as_ref().map_or(0.0, |l| l.0), f64::max);
    let vmin = sorted.iter().flatten().map(|p| p.1).fold(0.0, f64::min);
    let (div, unit) = style::power_unit(vmax.max(-vmin));
    let y0 = if vmin < 0.0 { vmin / div * 1.08 } else { 0.0 };
    let mut chart = ChartBuilder::on(&area)
        .margin_top(10)
        .margin_right(30)
        .x_label_area_size(90)
        .y_label_area_size(140)
        .build_cartesian_2d(0.0..hours as f64, y0..style::nice_max(vmax / div))?;
    let (bold, light, axis) = style::mesh_colours();
    let fmt = |x: &f64| style::tick_label(*x);
    chart
        .configure_mesh()
        .bold_line_style(bold)
        .light_line_style(light)
        .axis_style(axis)
        .x_label_formatter(&fmt)
        .y_label_formatter(&fmt)
        .label_style(style::tick())
        .axis_desc_style(style::axis_desc())
        .x_desc("Hours of the year at or above the value (h)")
        .y_desc(format!("Power ({unit})"))
        .draw()?;
    for (c, pts) in curves.iter().zip(&sorted) {
        let pts: Vec<(f64, f64)> = pts.iter().map(|(x, y)| (*x, y / div)).collect();
        if c.fill {
            chart.draw_series(AreaSeries::new(pts.iter().copied(), 0.0, style::tint(c.colour, 0.7).filled()))?;
        }
        match c.mark {
            Mark::Dashed => {
                chart.draw_series(DashedLineSeries::new(pts, 14, 10, c.colour.stroke_width(4)))?;
            }
            _ => {
                chart.draw_series(LineSeries::new(pts, c.colour.stroke_width(if c.fill { 4 } else { 3 })))?;
            }
        }
    }
    if let Some((l, text)) = &limit {
        let y = l / div;
        chart.draw_series(DashedLineSeries::new(vec![(0.0, y), (hours as f64, y)], 18, 10, style::LIMIT.stroke_width(3)))?;
        chart.draw_series(std::iter::once(Text::new(
            text.clone(),
            (hours as f64 * 0.99, y),
            style::font(style::ANNOTATION_PX).pos(Pos::new(HPos::Right, VPos::Bottom)),
        )))?;
    }
    Ok(())
}
