//! Chart 5: a typical week of hourly dispatch of the median sample, for a
//! summer and a winter week.
//!
//! Above zero, stacked: where energy went (export at the bottom so that it
//! reads against the transfer limit, then load, electrolysers, storage
//! charging, losses, curtailment). Below zero: supply other than wind and
//! solar (imports, storage discharge, generators, unserved load). Lines:
//! wind + solar available, the hourly transfer limit, and the stored
//! energy on a second axis. The hourly file has zone totals only, so wind
//! and solar are one line until the engine writes them per fleet.

use super::DrawResult;
use super::data::{Data, MONTHS, month_day};
use super::style::{self, Legend, Mark, Meta, Tech};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::RGBColor;
use plotters::style::text_anchor::{HPos, Pos, VPos};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Season {
    Summer,
    Winter,
}

impl Season {
    fn months(self) -> &'static [u32] {
        match self {
            Season::Summer => &[6, 7, 8],
            Season::Winter => &[12, 1, 2],
        }
    }
    fn name(self) -> &'static str {
        match self {
            Season::Summer => "summer",
            Season::Winter => "winter",
        }
    }
    fn span(self) -> &'static str {
        match self {
            Season::Summer => "June–August",
            Season::Winter => "December–February",
        }
    }
}

/// A stacked layer: hourly MW, positive (above zero) or drawn below zero.
#[derive(Debug, Clone)]
pub struct Layer {
    pub label: String,
    pub colour: RGBColor,
    pub mw: Vec<f64>,
}

/// A line over the stack (primary axis) or on the second axis.
#[derive(Debug, Clone)]
pub struct Trace {
    pub label: String,
    pub colour: RGBColor,
    pub mark: Mark,
    pub values: Vec<f64>,
}

/// Everything one dispatch chart draws, for `hours` consecutive hours.
#[derive(Debug, Clone, Default)]
pub struct Week {
    pub above: Vec<Layer>,
    pub below: Vec<Layer>,
    pub lines: Vec<Trace>,
    /// Stored energy (MWh) on the second axis, if any storage.
    pub soc: Option<Trace>,
    /// Day labels at 0, 24, 48, ... hours.
    pub days: Vec<String>,
}

/// Start hour of the 7-day window (midnight to midnight) within the season
/// whose wind + solar energy is closest to the mean of all such windows.
pub fn typical_week(month: &[f64], hour_of_day: &[f64], available: &[f64], months: &[u32]) -> Option<usize> {
    let n = month.len().min(available.len()).min(hour_of_day.len());
    let len = 168.min(n);
    if len == 0 {
        return None;
    }
    let in_season = |t: usize| months.contains(&(month[t] as u32));
    let mut prefix = vec![0.0; n + 1];
    let mut bad = vec![0usize; n + 1];
    for t in 0..n {
        prefix[t + 1] = prefix[t] + if available[t].is_finite() { available[t] } else { 0.0 };
        bad[t + 1] = bad[t] + usize::from(!in_season(t));
    }
    let starts: Vec<(usize, f64)> = (0..=n - len)
        .filter(|&t| hour_of_day[t] as u32 == 0 && bad[t + len] - bad[t] == 0)
        .map(|t| (t, prefix[t + len] - prefix[t]))
        .collect();
    if starts.is_empty() {
        return None;
    }
    let mean = starts.iter().map(|s| s.1).sum::<f64>() / starts.len() as f64;
    starts.iter().min_by(|a, b| (a.1 - mean).abs().total_cmp(&(b.1 - mean).abs()).then(a.0.cmp(&b.0))).map(|s| s.0)
}

/// Build the layers for hours `t0..t0 + len` of the hourly table.
pub fn week(d: &Data, t0: usize, len: usize) -> Week {
    let h = &d.hourly;
    let cut = |v: Vec<f64>| -> Vec<f64> { v.get(t0..t0 + len).map(<[f64]>::to_vec).unwrap_or_default() };
    let re = cut(h.sum("zone.", ".renewable_available_mw"));
    let load = cut(h.sum("zone.", ".load_mw"));
    let unserved = cut(h.sum("zone.", ".unserved_mw"));
    let curtailed = cut(h.sum("zone.", ".curtailed_mw"));
    let charge = cut(h.sum("storage.", ".charge_mw"));
    let discharge = cut(h.sum("storage.", ".discharge_mw"));
    let soc = cut(h.sum("storage.", ".soc_mwh"));
    let elec = cut(h.sum("electrolyser.", ".input_mw"));
    let gen_ = cut(h.sum("generator.", ".mw"));
    let export = cut(h.sum("external.", ".export_mw"));
    let import = cut(h.sum("external.", ".import_mw"));
    let ext_lines: Vec<String> =
        d.model.lines.iter().filter(|l| l.external).map(|l| format!("line.{}.capacity_mw", l.name)).collect();
    let limit = cut(h.sum_of(&ext_lines));
    // Losses close the balance hour by hour (transmission losses, mostly).
    let losses: Vec<f64> = (0..len)
        .map(|t| {
            let supply = re[t] + discharge[t] + import[t] + gen_[t] + unserved[t];
            let uses = load[t] + charge[t] + elec[t] + export[t] + curtailed[t];
            (supply - uses).max(0.0)
        })
        .collect();
    let layer = |label: &str, colour: RGBColor, mw: Vec<f64>| Layer { label: label.into(), colour, mw };
    let mut above = Vec::new();
    if !d.model.externals.is_empty() {
        above.push(layer("Export", Tech::Export.colour(), export));
    }
    above.push(layer("Load", Tech::Load.colour(), load));
    if !d.model.electrolysers.is_empty() {
        above.push(layer("Electrolysers", Tech::Hydrogen.colour(), elec));
    }
    if !d.model.storage.is_empty() {
        above.push(layer("Storage charging", Tech::Storage.colour(), charge));
    }
    if losses.iter().any(|x| *x > 1e-6) {
        above.push(layer("Losses", Tech::Losses.colour(), losses));
    }
    above.push(layer("Curtailment", Tech::Curtailment.colour(), curtailed));
    let mut below = Vec::new();
    if import.iter().any(|x| *x > 1e-6) {
        below.push(layer("Import", Tech::Import.colour(), import));
    }
    if !d.model.storage.is_empty() {
        below.push(layer("Storage discharge", style::tint(Tech::Storage.colour(), 0.45), discharge));
    }
    if gen_.iter().any(|x| *x > 1e-6) {
        below.push(layer("Generators", Tech::Generation.colour(), gen_));
    }
    if unserved.iter().any(|x| *x > 1e-6) {
        below.push(layer("Unserved load", Tech::Unserved.colour(), unserved));
    }
    let mut lines =
        vec![Trace { label: "Wind + solar available".into(), colour: style::TEXT, mark: Mark::Line, values: re }];
    if !ext_lines.is_empty() {
        lines.push(Trace { label: "Transfer limit".into(), colour: style::LIMIT, mark: Mark::Dashed, values: limit });
    }
    let soc = (!d.model.storage.is_empty()).then(|| Trace {
        label: "Stored energy (right axis)".into(),
        colour: style::tint(Tech::Storage.colour(), 0.0),
        mark: Mark::Dashed,
        values: soc,
    });
    let doy = h.col("day_of_year").map(<[f64]>::to_vec).unwrap_or_default();
    let days = (0..len.div_ceil(24) + 1)
        .map(|k| {
            let t = t0 + k * 24;
            let day = doy.get(t).copied().or_else(|| doy.get(t - 24).map(|x| x + 1.0)).unwrap_or(1.0);
            let (m, dd) = month_day(d.model.calendar_year, day as u32);
            format!("{dd} {}", MONTHS[(m as usize).clamp(1, 12) - 1])
        })
        .collect();
    Week { above, below, lines, soc, days }
}

pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &Data, season: Season) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let h = &d.hourly;
    let month = h.col("month").map(<[f64]>::to_vec).unwrap_or_default();
    let hod = h.col("hour_of_day").map(<[f64]>::to_vec).unwrap_or_default();
    let re = h.sum("zone.", ".renewable_available_mw");
    let start = typical_week(&month, &hod, &re, season.months());
    let title_place = format!("{}, {}", d.meta.place(), d.meta.study_year);
    let Some(t0) = start else {
        let area = style::frame(
            root,
            &d.meta,
            &format!("Typical {} week of hourly dispatch — {title_place}", season.name()),
            "",
            &[],
        )?;
        style::no_data(&area, &format!("The study horizon has no full week in {}", season.span()))?;
        return Ok(());
    };
    let len = 168.min(re.len() - t0);
    let w = week(d, t0, len);
    let first = w.days.first().cloned().unwrap_or_default();
    let last = w.days.get(len.div_ceil(24).saturating_sub(1)).cloned().unwrap_or_default();
    let span = match (first.split_once(' '), last.split_once(' ')) {
        (Some((d0, m0)), Some((d1, m1))) if m0 == m1 => format!("{d0}–{d1} {m1}"),
        _ => format!("{first} – {last}"),
    };
    let title =
        format!("Typical {} week of hourly dispatch — {}, {span} {}", season.name(), d.meta.place(), d.meta.study_year);
    let subtitle = format!(
        "Sample {} (median year): of all {} weeks, the one whose wind + solar energy is closest to their mean · above zero: where the energy went · below zero: other supply",
        d.meta.representative,
        season.span()
    );
    dispatch_chart(root, &d.meta, &title, &subtitle, &w)
}

/// Step outline of hourly values: two points per hour.
fn steps(v: &[f64]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(v.len() * 2);
    for (t, y) in v.iter().enumerate() {
        out.push((t as f64, *y));
        out.push((t as f64 + 1.0, *y));
    }
    out
}

/// Stacked hourly areas with lines and an optional second axis.
pub fn dispatch_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    meta: &Meta,
    title: &str,
    subtitle: &str,
    w: &Week,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let mut legend: Vec<Legend> =
        w.above.iter().chain(&w.below).map(|l| Legend::new(l.label.clone(), l.colour, Mark::Box)).collect();
    legend.extend(w.lines.iter().map(|l| Legend::new(l.label.clone(), l.colour, l.mark)));
    if let Some(s) = &w.soc {
        legend.push(Legend::new(s.label.clone(), s.colour, s.mark));
    }
    let area = style::frame(root, meta, title, subtitle, &legend)?;
    let len = w.above.iter().chain(&w.below).map(|l| l.mw.len()).max().unwrap_or(0);
    if len == 0 {
        style::no_data(&area, "No hourly results")?;
        return Ok(());
    }
    let stack = |layers: &[Layer]| -> Vec<Vec<f64>> {
        let mut acc = vec![0.0; len];
        layers
            .iter()
            .map(|l| {
                for (a, v) in acc.iter_mut().zip(&l.mw) {
                    *a += v.max(0.0);
                }
                acc.clone()
            })
            .collect()
    };
    let up = stack(&w.above);
    let down = stack(&w.below);
    let top = up
        .last()
        .into_iter()
        .flatten()
        .copied()
        .chain(w.lines.iter().flat_map(|l| l.values.iter().copied()))
        .fold(0.0, f64::max);
    let bottom = down.last().into_iter().flatten().copied().fold(0.0, f64::max);
    let (div, unit) = style::power_unit(top.max(bottom));
    let y1 = style::nice_max(top / div);
    let y0 = if bottom > 0.0 { -(bottom / div) * 1.12 - y1 * 0.02 } else { 0.0 };
    let x1 = len as f64;
    let soc_max = w.soc.as_ref().map(|s| s.values.iter().copied().fold(0.0, f64::max)).unwrap_or(0.0);
    let mut builder = ChartBuilder::on(&area);
    builder.margin_top(10).margin_right(20).x_label_area_size(90).y_label_area_size(140);
    if w.soc.is_some() {
        builder.right_y_label_area_size(140);
    }
    let mut chart =
        builder.build_cartesian_2d(0.0..x1, y0..y1)?.set_secondary_coord(0.0..x1, 0.0..style::nice_max(soc_max) * 1.02);
    let (bold, light, axis) = style::mesh_colours();
    let fmt_y = |y: &f64| style::tick_label(*y);
    chart
        .configure_mesh()
        .bold_line_style(bold)
        .light_line_style(light)
        .max_light_lines(1)
        .axis_style(axis)
        .x_labels(0)
        .y_label_formatter(&fmt_y)
        .label_style(style::tick())
        .axis_desc_style(style::axis_desc())
        .x_desc("Day (local time; each band is midnight to midnight)")
        .y_desc(format!("Power ({unit})"))
        .draw()?;
    if w.soc.is_some() {
        chart
            .configure_secondary_axes()
            .axis_style(axis)
            .label_style(style::tick())
            .axis_desc_style(style::axis_desc())
            .y_label_formatter(&fmt_y)
            .y_desc("Stored energy (MWh)")
            .draw()?;
    }
    let mut polys: Vec<(Vec<(f64, f64)>, RGBColor)> = Vec::new();
    for (layers, cum, sign) in [(&w.above, &up, 1.0), (&w.below, &down, -1.0)] {
        for (i, l) in layers.iter().enumerate() {
            let upper = &cum[i];
            let lower = if i == 0 { vec![0.0; len] } else { cum[i - 1].clone() };
            if upper.iter().zip(&lower).all(|(a, b)| (a - b).abs() < 1e-9) {
                continue;
            }
            let mut poly: Vec<(f64, f64)> = steps(upper).into_iter().map(|(x, y)| (x, sign * y / div)).collect();
            poly.extend(steps(&lower).into_iter().rev().map(|(x, y)| (x, sign * y / div)));
            polys.push((poly, l.colour));
        }
    }
    chart.draw_series(polys.into_iter().map(|(p, c)| Polygon::new(p, c.filled())))?;
    if y0 < 0.0 {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (x1, 0.0)],
            style::MUTED.stroke_width(2),
        )))?;
    }
    for l in &w.lines {
        let pts: Vec<(f64, f64)> = steps(&l.values).into_iter().map(|(x, y)| (x, y / div)).collect();
        match l.mark {
            Mark::Dashed => chart.draw_series(DashedLineSeries::new(pts, 14, 8, l.colour.stroke_width(4)))?,
            _ => chart.draw_series(LineSeries::new(pts, l.colour.stroke_width(3)))?,
        };
    }
    // Days: a faint separator at each midnight, the date under the axis.
    let lab = style::tick().pos(Pos::new(HPos::Center, VPos::Top));
    for k in 0..=len / 24 {
        let x = (k * 24) as f64;
        if k > 0 && k * 24 < len {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x, y0), (x, y1)],
                style::GRID_BOLD.stroke_width(1),
            )))?;
        }
        let (px, py) = chart.backend_coord(&(x, y0));
        root.draw(&PathElement::new(vec![(px, py), (px, py + 10)], style::MUTED.stroke_width(2)))?;
        if k * 24 < len || k == 0 {
            let (qx, _) = chart.backend_coord(&((x + 12.0).min(x1), y0));
            if let Some(day) = w.days.get(k) {
                root.draw(&Text::new(day.clone(), (qx, py + 14), lab.clone()))?;
            }
        }
    }
    if let Some(s) = &w.soc {
        let pts: Vec<(f64, f64)> = s.values.iter().enumerate().map(|(t, y)| (t as f64 + 0.5, *y)).collect();
        chart.draw_secondary_series(DashedLineSeries::new(pts, 10, 6, s.colour.stroke_width(3)))?;
    }
    Ok(())
}
