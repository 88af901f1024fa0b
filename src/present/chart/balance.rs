//! Chart 2: annual energy balance — where the available energy went.
//!
//! Sources (wind and solar available, imports, dispatchable generation)
//! balance uses (served load, export delivered, transmission and storage
//! losses, electrolysers, curtailment): metrics record exactly these terms,
//! so the means add up. Bars are means across sampled years, whiskers
//! P10–P90. [`balance_bars`] takes plain rows, so a scenario comparison can
//! draw two balances side by side with it.

use super::DrawResult;
use super::data::Data;
use super::style::{self, Legend, Mark, Meta, Tech};
use crate::base::fmt::fmt_num;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::RGBColor;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One row: a heading (no values) or a bar with its P10–P90 whisker.
#[derive(Debug, Clone)]
pub struct Row {
    pub label: String,
    pub colour: RGBColor,
    /// (mean, P10, P90) in MWh; `None` for a heading.
    pub values: Option<(f64, f64, f64)>,
    /// Share of the wind and solar energy available, where meaningful.
    pub share: Option<f64>,
}

impl Row {
    fn heading(label: &str) -> Self {
        Row { label: label.into(), colour: style::TEXT, values: None, share: None }
    }
}

/// Rows of the balance from the summary's metrics. Terms that are zero in
/// every sample and do not apply to the model are left out.
pub fn rows(d: &Data) -> Vec<Row> {
    let available = d.metric("system.available_mwh").map_or(0.0, |e| e.mean);
    let get = |k: &str| d.metric(k).map(|e| (e.mean, e.p10, e.p90));
    let mut out = vec![Row::heading("Sources")];
    let push = |out: &mut Vec<Row>, label: &str, tech: Tech, v: Option<(f64, f64, f64)>, keep: bool, share: bool| {
        if let Some(v) = v
            && (keep || v.0.abs() > 0.0 || v.2.abs() > 0.0)
        {
            let s = if share && available > 0.0 { Some(v.0 / available) } else { None };
            out.push(Row { label: label.into(), colour: tech.colour(), values: Some(v), share: s });
        }
    };
    push(&mut out, "Wind available", Tech::Wind, get("system.wind_available_mwh"), true, true);
    push(&mut out, "Solar available", Tech::Solar, get("system.solar_available_mwh"), true, true);
    push(&mut out, "Imports", Tech::Import, get("system.import_mwh"), !d.model.externals.is_empty(), false);
    push(
        &mut out,
        "Dispatchable generation",
        Tech::Generation,
        get("system.generation_mwh"),
        !d.model.generators.is_empty(),
        false,
    );
    out.push(Row::heading("Uses"));
    // Served load = load − unserved, per sample (from samples.csv) so that
    // its quantiles are right; the summary's mean is the fallback.
    let served = match (d.samples.col("system.load_mwh"), d.samples.col("system.unserved_mwh")) {
        (Some(l), Some(u)) if !l.is_empty() => {
            let mut v: Vec<f64> = l.iter().zip(u).map(|(a, b)| a - b).filter(|x| x.is_finite()).collect();
            v.sort_by(f64::total_cmp);
            let mean = v.iter().sum::<f64>() / v.len().max(1) as f64;
            Some((mean, crate::sim::metrics::quantile_sorted(&v, 0.1), crate::sim::metrics::quantile_sorted(&v, 0.9)))
        }
        _ => get("system.load_mwh"),
    };
    push(&mut out, "Load served", Tech::Load, served, !d.model.loads.is_empty(), true);
    push(&mut out, "Export delivered", Tech::Export, get("system.export_mwh"), !d.model.externals.is_empty(), true);
    push(
        &mut out,
        "Hydrogen (electrolysers)",
        Tech::Hydrogen,
        get("system.electrolyser_mwh"),
        !d.model.electrolysers.is_empty(),
        true,
    );
    push(
        &mut out,
        "Storage losses",
        Tech::Storage,
        get("system.storage_losses_mwh"),
        !d.model.storage.is_empty(),
        true,
    );
    push(&mut out, "Transmission losses", Tech::Losses, get("system.line_losses_mwh"), !d.model.lines.is_empty(), true);
    push(&mut out, "Curtailment", Tech::Curtailment, get("system.curtailed_mwh"), true, true);
    if let Some(u) = get("system.unserved_mwh")
        && (u.0 > 1e-6 || u.2 > 1e-6)
    {
        out.push(Row::heading("Shortfall"));
        push(&mut out, "Unserved load", Tech::Unserved, Some(u), true, false);
    }
    out
}

pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &Data) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let title =
        format!("Annual energy balance: where the available energy went — {}, {}", d.meta.place(), d.meta.study_year);
    let subtitle = format!(
        "Mean of {} sampled years; whiskers P10–P90; shares are of the wind and solar energy available",
        d.meta.samples
    );
    balance_bars(root, &d.meta, &title, &subtitle, &rows(d))
}

/// Horizontal bars with P10–P90 whiskers, headings as separators.
pub fn balance_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    meta: &Meta,
    title: &str,
    subtitle: &str,
    rows: &[Row],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let legend = [
        Legend::new("Bar: mean across sampled years", style::MUTED, Mark::Box),
        Legend::new("Whisker: P10–P90", style::TEXT, Mark::Whisker),
    ];
    let area = style::frame(root, meta, title, subtitle, &legend)?;
    let max = rows.iter().filter_map(|r| r.values).map(|v| v.0.max(v.2)).fold(0.0, f64::max);
    if rows.iter().all(|r| r.values.is_none()) {
        style::no_data(&area, "No energy metrics in the results")?;
        return Ok(());
    }
    let (div, unit) = style::energy_unit(max);
    let n = rows.len();
    let seg = |i: usize| n - 1 - i;
    let tick = style::tick();
    let label_w =
        rows.iter().map(|r| area.estimate_text_size(&r.label, &tick).map(|s| s.0).unwrap_or(300)).max().unwrap_or(300);
    let mut chart = ChartBuilder::on(&area)
        .margin_top(6)
        .margin_right(20)
        .x_label_area_size(90)
        .y_label_area_size(label_w + 30)
        .build_cartesian_2d(0.0..style::nice_max(max / div) * 1.5, (0..n - 1).into_segmented())?;
    let (bold, light, axis) = style::mesh_colours();
    let labels: Vec<String> =
        rows.iter().map(|r| if r.values.is_none() { r.label.to_uppercase() } else { r.label.clone() }).collect();
    let fmt_y = |v: &SegmentValue<usize>| match v {
        SegmentValue::CenterOf(k) if *k < n => labels[n - 1 - *k].clone(),
        _ => String::new(),
    };
    let fmt_x = |v: &f64| style::tick_label(*v);
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
        .x_desc(format!("Energy per year ({unit})"))
        .draw()?;
    let thick = (area.dim_in_pixel().1 as f64 / n as f64 * 0.2).clamp(4.0, 30.0) as u32;
    let bars = rows.iter().enumerate().filter_map(|(i, r)| r.values.map(|v| (i, r, v)));
    chart.draw_series(bars.clone().map(|(i, r, (mean, _, _))| {
        let mut b = Rectangle::new(
            [(0.0, SegmentValue::Exact(seg(i))), (mean / div, SegmentValue::Exact(seg(i) + 1))],
            r.colour.filled(),
        );
        b.set_margin(thick, thick, 0, 0);
        b
    }))?;
    let whisker = style::TEXT.stroke_width(3);
    chart.draw_series(bars.clone().map(|(i, _, (_, p10, p90))| {
        PathElement::new(
            vec![(p10 / div, SegmentValue::CenterOf(seg(i))), (p90 / div, SegmentValue::CenterOf(seg(i)))],
            whisker,
        )
    }))?;
    for (i, _, (_, p10, p90)) in bars.clone() {
        for x in [p10, p90] {
            chart.draw_series(std::iter::once(
                EmptyElement::at((x / div, SegmentValue::CenterOf(seg(i))))
                    + PathElement::new(vec![(0, -12), (0, 12)], whisker),
            ))?;
        }
    }
    let lab = style::font(style::ANNOTATION_PX).pos(Pos::new(HPos::Left, VPos::Center));
    chart.draw_series(bars.map(|(i, r, (mean, p10, p90))| {
        let share = r.share.map(|s| format!(" · {}", percent(s))).unwrap_or_default();
        // Each label in the unit that suits its own size.
        let (ld, lu) = style::energy_unit(mean.abs().max(p90.abs()));
        let text = format!("{} {lu}{share}  (P10–P90 {}–{})", num(mean / ld), num(p10 / ld), num(p90 / ld));
        EmptyElement::at((mean.max(p90) / div, SegmentValue::CenterOf(seg(i)))) + Text::new(text, (20, 0), lab.clone())
    }))?;
    Ok(())
}

/// A value for a label: 3 significant figures, thousands separated.
pub fn num(x: f64) -> String {
    let a = x.abs();
    if a >= 1000.0 || a == 0.0 {
        fmt_num(x)
    } else if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// A share as a percentage with sensible precision.
pub fn percent(s: f64) -> String {
    let p = s * 100.0;
    if p == 0.0 {
        "0 %".into()
    } else if p.abs() < 0.1 {
        "< 0.1 %".into()
    } else if p.abs() < 10.0 {
        format!("{p:.1} %")
    } else {
        format!("{p:.0} %")
    }
}
