//! Chart 4: exceedance (duration) curve of export against the corridor
//! limit, with the P10–P90 band across sampled years (from the
//! `system.export_duration_mw_PPP` metrics: the level each sampled year
//! reaches or exceeds in PPP % of its hours) and the curve of the
//! representative (median) year.
//!
//! Also drawn for the median year: export + curtailment sorted the same way
//! (what an unlimited corridor could have carried) and the hourly available
//! transfer limit (outages included). [`duration_chart`] takes plain curves
//! and an optional band.

use super::DrawResult;
use super::data::Data;
use super::style::{self, Legend, Mark, Meta, Tech};
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
    /// Line width (px at 1800 × 1100).
    pub width: u32,
    /// Context only: it does not stretch the value axis, and is cut at the
    /// axis top (its legend label says so when it is).
    pub context: bool,
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
    if !(n - 1).is_multiple_of(step) {
        out.push(((n - 1) as f64, s[n - 1]));
    }
    // Close the last hour so the curve spans the full width.
    out.push((n as f64, s[n - 1]));
    out
}

/// Band of the export duration curve across sampled years: (hour, P10,
/// P50, P90), from the `system.export_duration_mw_PPP` metrics.
pub fn band(d: &Data, hours: usize) -> Vec<(f64, f64, f64, f64)> {
    let mut pts: Vec<(f64, f64, f64, f64)> = d
        .summary
        .metrics
        .iter()
        .filter_map(|m| {
            let p: f64 = m.estimate.key.strip_prefix("system.export_duration_mw_")?.parse().ok()?;
            let e = &m.estimate;
            Some((p / 100.0 * hours as f64, e.p10, e.p50, e.p90))
        })
        .collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    pts
}

pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &Data) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let h = &d.hourly;
    let export = h.sum("external.", ".export_mw");
    let curtailed = h.sum("zone.", ".curtailed_mw");
    let potential: Vec<f64> = export.iter().zip(&curtailed).map(|(e, c)| e + c).collect();
    let ext: Vec<&super::data::LineView> = d.model.lines.iter().filter(|l| l.external).collect();
    let cap_cols: Vec<String> = ext.iter().map(|l| format!("line.{}.capacity_mw", l.name)).collect();
    let limit_hourly = h.sum_of(&cap_cols);
    let flow: Vec<f64> = {
        let mut f = vec![0.0; h.rows()];
        for l in &ext {
            if let Some(c) = h.col(&format!("line.{}.from_mw", l.name)) {
                for (a, b) in f.iter_mut().zip(c) {
                    *a += b.abs();
                }
            }
        }
        f
    };
    let at_limit = flow.iter().zip(&limit_hourly).filter(|(f, l)| **l > 0.0 && **f >= **l - 1.0).count();
    let limit = d.model.export_limit_mw();
    let grids = if d.model.externals.is_empty() { "external grids".to_string() } else { d.model.externals.join(", ") };
    let title = format!("Export duration curve to {grids} — {}, {}", d.meta.place(), d.meta.study_year);
    let hours = h.rows();
    let band = band(d, hours);
    let subtitle = format!(
        "Hours of each year sorted from highest to lowest export · band: P10–P90 of {} sampled years · lines: sample {} (median year), at the transfer limit in {} h",
        d.meta.samples,
        d.meta.representative,
        super::capacity::mw_label(at_limit as f64)
    );
    // The available limit first and wide, so the export curve and the
    // dashed all-circuits limit drawn over it stay visible where they meet.
    let mut curves = Vec::new();
    if !ext.is_empty() {
        curves.push(Curve {
            label: "Available transfer limit, median year (line outages)".into(),
            colour: style::tint(style::MUTED, 0.45),
            mark: Mark::Line,
            mw: limit_hourly,
            fill: false,
            width: 9,
            context: false,
        });
    }
    curves.push(Curve {
        label: "Export, median year".into(),
        colour: Tech::Export.colour(),
        mark: Mark::Line,
        mw: export,
        fill: false,
        width: 4,
        context: false,
    });
    if curtailed.iter().any(|c| *c > 0.0) {
        curves.push(Curve {
            label: "Export + curtailment, median year (an unlimited corridor)".into(),
            colour: Tech::Curtailment.colour(),
            mark: Mark::Dashed,
            mw: potential,
            fill: false,
            width: 4,
            context: true,
        });
    }
    let limit_line = (limit > 0.0)
        .then(|| (limit, format!("Transfer limit, all circuits: {} MW", super::capacity::mw_label(limit))));
    let band = (!band.is_empty()).then_some(("Export, P10–P90 across sampled years", band.as_slice()));
    duration_chart(root, &d.meta, &title, &subtitle, &curves, band, limit_line)
}

/// A labelled band: (hour, P10, P50, P90) points.
pub type Band<'a> = (&'a str, &'a [(f64, f64, f64, f64)]);

/// Duration curves with an optional band (hour, P10, P50, P90) drawn
/// under them and an optional horizontal limit line.
pub fn duration_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    meta: &Meta,
    title: &str,
    subtitle: &str,
    curves: &[Curve],
    band: Option<Band<'_>>,
    limit: Option<(f64, String)>,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let band_colour = style::tint(Tech::Export.colour(), 0.68);
    let mut legend = Vec::new();
    if let Some((label, _)) = band {
        legend.push(Legend::new(label, band_colour, Mark::Box));
    }
    let sorted: Vec<Vec<(f64, f64)>> = curves.iter().map(|c| duration(&c.mw, 1500)).collect();
    let band_pts = band.map_or(&[][..], |b| b.1);
    // The value axis fits the band, the curves that are not context and the
    // limit, with 15 % headroom; context curves are cut at its top.
    let values = curves
        .iter()
        .zip(&sorted)
        .filter(|(c, _)| !c.context)
        .flat_map(|(_, s)| s.iter().map(|p| p.1))
        .chain(band_pts.iter().flat_map(|p| [p.1, p.3]));
    let (vmin, vmax) = values.fold((0.0f64, limit.as_ref().map_or(0.0, |l| l.0)), |(a, b), v| (a.min(v), b.max(v)));
    let all_max = sorted.iter().flatten().map(|p| p.1).fold(vmax, f64::max);
    let vmax = if vmax > 0.0 { (vmax * 1.15).min(all_max) } else { all_max };
    let (div, unit) = style::power_unit(vmax.max(-vmin));
    let top = style::nice_max(vmax / div);
    for (c, s) in curves.iter().zip(&sorted) {
        let peak = s.iter().map(|p| p.1).fold(f64::MIN, f64::max) / div;
        let label = if c.context && peak > top {
            format!("{} — cut at the axis top; peak {} {unit}", c.label, style::tick_label(peak))
        } else {
            c.label.clone()
        };
        legend.push(Legend::new(label, c.colour, c.mark));
    }
    if let Some((_, l)) = &limit {
        legend.push(Legend::new(l.clone(), style::LIMIT, Mark::Dashed));
    }
    let area = style::frame(root, meta, title, subtitle, &legend)?;
    let band_hours = band.and_then(|(_, b)| b.last()).map_or(0.0, |p| p.0);
    let hours = (curves.iter().map(|c| c.mw.len()).max().unwrap_or(0) as f64).max(band_hours);
    if hours <= 0.0 {
        style::no_data(&area, "No hourly results")?;
        return Ok(());
    }
    let y0 = if vmin < 0.0 { vmin / div * 1.08 } else { 0.0 };
    let mut chart = ChartBuilder::on(&area)
        .margin_top(10)
        .margin_right(30)
        .x_label_area_size(90)
        .y_label_area_size(140)
        .build_cartesian_2d(0.0..hours, y0..top)?;
    let (bold, light, axis) = style::mesh_colours();
    let fmt = |x: &f64| style::tick_label(*x);
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
        .x_desc("Hours of the year at or above the value (h)")
        .y_desc(format!("Power ({unit})"))
        .draw()?;
    if band_pts.len() > 1 {
        let mut poly: Vec<(f64, f64)> = band_pts.iter().map(|p| (p.0, p.3 / div)).collect();
        poly.extend(band_pts.iter().rev().map(|p| (p.0, p.1 / div)));
        chart.draw_series(std::iter::once(Polygon::new(poly, band_colour.filled())))?;
    }
    for (c, pts) in curves.iter().zip(&sorted) {
        let pts: Vec<(f64, f64)> = pts.iter().map(|(x, y)| (*x, (y / div).min(top))).collect();
        if c.fill {
            chart.draw_series(AreaSeries::new(pts.iter().copied(), 0.0, style::tint(c.colour, 0.7).filled()))?;
        }
        match c.mark {
            Mark::Dashed => {
                chart.draw_series(DashedLineSeries::new(pts, 14, 10, c.colour.stroke_width(c.width)))?;
            }
            _ => {
                chart.draw_series(LineSeries::new(pts, c.colour.stroke_width(c.width)))?;
            }
        }
    }
    if let Some((l, text)) = &limit {
        let y = l / div;
        chart.draw_series(DashedLineSeries::new(vec![(0.0, y), (hours, y)], 18, 10, style::LIMIT.stroke_width(3)))?;
        chart.draw_series(std::iter::once(
            EmptyElement::at((hours * 0.99, y))
                + Text::new(
                    text.clone(),
                    (0, -10),
                    style::font(style::ANNOTATION_PX).pos(Pos::new(HPos::Right, VPos::Bottom)),
                ),
        ))?;
    }
    Ok(())
}
