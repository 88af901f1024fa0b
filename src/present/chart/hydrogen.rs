//! Chart 7: hydrogen production by month as a fan chart across sampled
//! years (P5–P95 and P10–P90 bands around the P50, from the
//! `system.h2_t_month_MM` metrics), with the electrolysers' load factor at
//! the P50 on a second axis. Results without monthly metrics fall back to
//! the months of the median sample (hourly file) drawn as bars.

use super::DrawResult;
use super::balance::num;
use super::data::{Data, MONTHS};
use super::style::{self, Legend, Mark, Meta, Tech};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Monthly values: the central value (P50, or the median year's), an
/// optional fan (P5, P10, P90, P95) per month, and the load factor (%).
#[derive(Debug, Clone, Default)]
pub struct Monthly {
    pub central: Vec<f64>,
    pub fan: Option<Vec<[f64; 4]>>,
    pub percent: Vec<f64>,
    /// Legend text of the central series.
    pub central_label: String,
}

/// Hours of each calendar month in one sampled year.
fn month_hours(d: &Data) -> [f64; 12] {
    let mut h = [0.0; 12];
    for (m, row) in d.summary.profiles.hours.iter().enumerate().take(12) {
        h[m] = row.iter().sum();
    }
    if h.iter().all(|x| *x == 0.0)
        && let Some(month) = d.hourly.col("month")
    {
        for m in month {
            h[(*m as usize).clamp(1, 12) - 1] += 1.0;
        }
    }
    h
}

pub fn monthly(d: &Data) -> Monthly {
    let cap: f64 = d.model.electrolysers.iter().map(|e| e.mw).sum();
    // Capacity-weighted specific consumption: t of H2 → MWh of input.
    let kwh_per_kg =
        if cap > 0.0 { d.model.electrolysers.iter().map(|e| e.mw * e.second).sum::<f64>() / cap } else { 0.0 };
    let hours = month_hours(d);
    let lf = |t: f64, m: usize| {
        if hours[m] > 0.0 && cap > 0.0 && kwh_per_kg > 0.0 {
            t * kwh_per_kg / (cap * hours[m]) * 100.0
        } else {
            f64::NAN
        }
    };
    let est: Vec<_> = (1..=12).map(|m| d.metric(&format!("system.h2_t_month_{m:02}"))).collect();
    if est.iter().all(Option::is_some) {
        let est: Vec<_> = est.into_iter().flatten().collect();
        let central: Vec<f64> = est.iter().map(|e| e.p50).collect();
        return Monthly {
            percent: central.iter().enumerate().map(|(m, t)| lf(*t, m)).collect(),
            central,
            fan: Some(est.iter().map(|e| [e.p5, e.p10, e.p90, e.p95]).collect()),
            central_label: "P50 across sampled years".into(),
        };
    }
    let h = &d.hourly;
    let month = h.col("month").map(<[f64]>::to_vec).unwrap_or_default();
    let kg = h.sum("electrolyser.", ".h2_kg");
    let mut t = [0.0; 12];
    for (i, m) in month.iter().enumerate() {
        t[(*m as usize).clamp(1, 12) - 1] += kg.get(i).copied().unwrap_or(0.0) / 1000.0;
    }
    Monthly {
        central: t.to_vec(),
        fan: None,
        percent: (0..12).map(|m| lf(t[m], m)).collect(),
        central_label: format!("Median year (sample {})", d.meta.representative),
    }
}

pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &Data) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let title = format!("Hydrogen production by month — {}, {}", d.meta.place(), d.meta.study_year);
    let cap: f64 = d.model.electrolysers.iter().map(|e| e.mw).sum();
    let subtitle = match d.metric("system.h2_t") {
        Some(e) => format!(
            "{} MW of electrolysers · {} sampled years · annual production: mean {} t, P10 {} t, P90 {} t",
            super::capacity::mw_label(cap),
            d.meta.samples,
            num(e.mean),
            num(e.p10),
            num(e.p90)
        ),
        None => format!("{} MW of electrolysers", super::capacity::mw_label(cap)),
    };
    monthly_fan(root, &d.meta, &title, &subtitle, &monthly(d))
}

/// Fan (or bars without a fan) by month with the load factor as a line on
/// the right axis.
pub fn monthly_fan<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    meta: &Meta,
    title: &str,
    subtitle: &str,
    m: &Monthly,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let h2 = Tech::Hydrogen.colour();
    let (outer, inner) = (style::tint(h2, 0.78), style::tint(h2, 0.5));
    let mut legend = Vec::new();
    if m.fan.is_some() {
        legend.push(Legend::new(m.central_label.clone(), style::LIMIT, Mark::Line));
        legend.push(Legend::new("P10–P90", inner, Mark::Box));
        legend.push(Legend::new("P5–P95", outer, Mark::Box));
    } else {
        legend.push(Legend::new(m.central_label.clone(), h2, Mark::Box));
    }
    legend.push(Legend::new("Electrolyser load factor (right axis)", style::MUTED, Mark::Dashed));
    let area = style::frame(root, meta, title, subtitle, &legend)?;
    let fan_max = m.fan.as_ref().map_or(0.0, |f| f.iter().map(|x| x[3]).fold(0.0, f64::max));
    let max = m.central.iter().copied().fold(fan_max, f64::max);
    let lf_max = m.percent.iter().copied().filter(|x| x.is_finite()).fold(0.0, f64::max);
    let mut chart = ChartBuilder::on(&area)
        .margin_top(10)
        .margin_right(20)
        .x_label_area_size(90)
        .y_label_area_size(140)
        .right_y_label_area_size(130)
        .build_cartesian_2d(0.0..12.0, 0.0..style::nice_max(max))?
        .set_secondary_coord(0.0..12.0, 0.0..(lf_max * 1.15).clamp(10.0, 100.0));
    let (bold, light, axis) = style::mesh_colours();
    let fmt_y = |y: &f64| style::tick_label(*y);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(bold)
        .light_line_style(light)
        .max_light_lines(1)
        .axis_style(axis)
        .x_labels(0)
        .y_label_formatter(&fmt_y)
        .label_style(style::tick())
        .axis_desc_style(style::axis_desc())
        .x_desc("Month")
        .y_desc("Hydrogen (t per month)")
        .draw()?;
    chart
        .configure_secondary_axes()
        .axis_style(axis)
        .label_style(style::tick())
        .axis_desc_style(style::axis_desc())
        .y_label_formatter(&fmt_y)
        .y_desc("Load factor (%)")
        .draw()?;
    let below = style::tick().pos(Pos::new(HPos::Center, VPos::Top));
    for (i, name) in MONTHS.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
        root.draw(&Text::new(name.to_string(), (x, y + 12), below.clone()))?;
    }
    let centre = |i: usize| i as f64 + 0.5;
    match &m.fan {
        Some(fan) => {
            for (lo, hi, colour) in [(0, 3, outer), (1, 2, inner)] {
                let mut poly: Vec<(f64, f64)> = fan.iter().enumerate().map(|(i, f)| (centre(i), f[hi])).collect();
                poly.extend(fan.iter().enumerate().rev().map(|(i, f)| (centre(i), f[lo])));
                chart.draw_series(std::iter::once(Polygon::new(poly, colour.filled())))?;
            }
            let pts: Vec<(f64, f64)> = m.central.iter().enumerate().map(|(i, v)| (centre(i), *v)).collect();
            chart.draw_series(LineSeries::new(pts.clone(), style::LIMIT.stroke_width(4)))?;
            chart.draw_series(pts.iter().map(|p| Circle::new(*p, 7, style::LIMIT.filled())))?;
        }
        None => {
            chart.draw_series(
                m.central
                    .iter()
                    .enumerate()
                    .map(|(i, v)| Rectangle::new([(i as f64 + 0.18, 0.0), (i as f64 + 0.82, *v)], h2.filled())),
            )?;
        }
    }
    let pts: Vec<(f64, f64)> =
        m.percent.iter().enumerate().filter(|(_, p)| p.is_finite()).map(|(i, p)| (centre(i), *p)).collect();
    chart.draw_secondary_series(DashedLineSeries::new(pts.clone(), 12, 8, style::MUTED.stroke_width(3)))?;
    chart.draw_secondary_series(pts.iter().map(|p| Circle::new(*p, 6, style::MUTED.filled())))?;
    Ok(())
}
