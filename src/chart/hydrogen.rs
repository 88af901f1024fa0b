//! Chart 7: hydrogen production by month and the electrolysers' load
//! factor, for the median sample, with the annual spread across samples in
//! the subtitle. A P10/P50/P90 fan by month needs monthly production of
//! every sample, which the results do not hold yet; [`monthly_bars`] takes
//! an optional band per month so the fan can be drawn once they do.

use super::DrawResult;
use super::balance::num;
use super::data::{Data, MONTHS};
use super::style::{self, Legend, Mark, Meta, Tech};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Monthly values for the bars, with an optional (P10, P90) per month and
/// a second series in percent (load factor) on the right axis.
#[derive(Debug, Clone, Default)]
pub struct Monthly {
    pub value: Vec<f64>,
    pub band: Option<Vec<(f64, f64)>>,
    pub percent: Vec<f64>,
}

pub fn monthly(d: &Data) -> Monthly {
    let h = &d.hourly;
    let month = h.col("month").map(<[f64]>::to_vec).unwrap_or_default();
    let kg = h.sum("electrolyser.", ".h2_kg");
    let input = h.sum("electrolyser.", ".input_mw");
    let cap: f64 = d.model.electrolysers.iter().map(|e| e.mw).sum();
    let mut t = [0.0; 12];
    let mut mwh = [0.0; 12];
    let mut hours = [0.0; 12];
    for (i, m) in month.iter().enumerate() {
        let k = (*m as usize).clamp(1, 12) - 1;
        t[k] += kg.get(i).copied().unwrap_or(0.0) / 1000.0;
        mwh[k] += input.get(i).copied().unwrap_or(0.0);
        hours[k] += 1.0;
    }
    Monthly {
        value: t.to_vec(),
        band: None,
        percent: (0..12).map(|k| if hours[k] > 0.0 && cap > 0.0 { mwh[k] / (cap * hours[k]) * 100.0 } else { f64::NAN }).collect(),
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
            "Sample {} (median year) · {} MW of electrolysers · annual production across {} years: mean {} t, P10 {} t, P90 {} t",
            d.meta.representative,
            crate::output::fmt_num(cap),
            d.meta.samples,
            num(e.mean),
            num(e.p10),
            num(e.p90)
        ),
        None => format!("Sample {} (median year)", d.meta.representative),
    };
    monthly_bars(root, &d.meta, &title, &subtitle, &monthly(d))
}

/// Bars by month (hydrogen colour) with optional P10–P90 whiskers and the
/// load factor as a line on the right axis.
pub fn monthly_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    meta: &Meta,
    title: &str,
    subtitle: &str,
    m: &Monthly,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let mut legend = vec![Legend::new("Hydrogen produced (median year)", Tech::Hydrogen.colour(), Mark::Box)];
    if m.band.is_some() {
        legend.push(Legend::new("P10–P90 across sampled years", style::TEXT, Mark::Whisker));
    }
    legend.push(Legend::new("Electrolyser load factor (right axis)", style::TEXT, Mark::Line));
    let area = style::frame(root, meta, title, subtitle, &legend)?;
    let band_max = m.band.as_ref().map_or(0.0, |b| b.iter().map(|x| x.1).fold(0.0, f64::max));
    let max = m.value.iter().copied().fold(band_max, f64::max);
    let mut chart = ChartBuilder::on(&area)
        .margin_top(10)
        .margin_right(20)
        .x_label_area_size(90)
        .y_label_area_size(140)
        .right_y_label_area_size(130)
        .build_cartesian_2d((0..12usize).into_segmented(), 0.0..style::nice_max(max))?
        .set_secondary_coord(0.0..12.0, 0.0..100.0);
    let (bold, light, axis) = style::mesh_colours();
    let fmt_x = |v: &SegmentValue<usize>| match v {
        SegmentValue::CenterOf(i) if *i < 12 => MONTHS[*i].to_string(),
        _ => String::new(),
    };
    let fmt_y = |y: &f64| style::tick_label(*y);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(bold)
        .light_line_style(light)
        .axis_style(axis)
        .x_labels(12)
        .x_label_formatter(&fmt_x)
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
    chart.draw_series(m.value.iter().enumerate().map(|(i, v)| {
        let mut r = Rectangle::new([(SegmentValue::Exact(i), 0.0), (SegmentValue::Exact(i + 1), *v)], Tech::Hydrogen.colour().filled());
        r.set_margin(0, 0, 18, 18);
        r
    }))?;
    if let Some(b) = &m.band {
        let s = style::TEXT.stroke_width(3);
        for (i, (lo, hi)) in b.iter().enumerate() {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(SegmentValue::CenterOf(i), *lo), (SegmentValue::CenterOf(i), *hi)],
                s,
            )))?;
        }
    }
    let pts: Vec<(f64, f64)> =
        m.percent.iter().enumerate().filter(|(_, p)| p.is_finite()).map(|(i, p)| (i as f64 + 0.5, *p)).collect();
    chart.draw_secondary_series(LineSeries::new(pts.clone(), style::TEXT.stroke_width(4)))?;
    chart.draw_secondary_series(pts.iter().map(|p| Circle::new(*p, 7, style::TEXT.filled())))?;
    Ok(())
}
