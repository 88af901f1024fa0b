//! Chart 1: installed capacity by technology.
//!
//! A run's results hold the model of its study year, so [`draw`] shows one
//! bar per technology for that year. [`buildout`] draws capacities by
//! technology and year from plain data: one [`bars_of`] per year's model
//! (a build-out study resolves one model per study year).

use super::DrawResult;
use super::data::{Data, ModelView};
use super::style::{self, Legend, Mark, Meta, Tech};
use crate::base::fmt::fmt_num;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::RGBColor;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Capacity for a label: whole numbers without decimals.
pub fn mw_label(x: f64) -> String {
    if x.abs() >= 1000.0 {
        fmt_num(x)
    } else if (x - x.round()).abs() < 1e-9 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

/// One bar: name under it, value (MW) and the label over it.
#[derive(Debug, Clone)]
pub struct Bar {
    pub tech: Tech,
    pub name: String,
    pub colour: RGBColor,
    pub mw: f64,
    pub label: String,
}

pub fn bars(d: &Data) -> Vec<Bar> {
    bars_of(&d.model)
}

/// Bars of one resolved model (see [`ModelView::from_json`]).
pub fn bars_of(m: &ModelView) -> Vec<Bar> {
    let mut out = Vec::new();
    let plural = |n: usize, one: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {one}s") };
    let wind: f64 = m.wind.iter().map(|f| f.mw).sum();
    out.push(Bar {
        tech: Tech::Wind,
        name: format!("Wind ({})", plural(m.wind.len(), "fleet")),
        colour: Tech::Wind.colour(),
        mw: wind,
        label: format!("{} MW", mw_label(wind)),
    });
    let dc: f64 = m.solar.iter().map(|f| f.mw).sum();
    let ac: f64 = m.solar.iter().map(|f| f.second).sum();
    out.push(Bar {
        tech: Tech::Solar,
        name: format!("Solar PV ({})", plural(m.solar.len(), "fleet")),
        colour: Tech::Solar.colour(),
        // Inverter (AC) rating, comparable with the lines' AC ratings; the
        // DC array size in the label.
        mw: ac,
        label: format!("{} MWac ({} MWdc)", mw_label(ac), mw_label(dc)),
    });
    if !m.storage.is_empty() {
        let mw: f64 = m.storage.iter().map(|f| f.mw).sum();
        let mwh: f64 = m.storage.iter().map(|f| f.second).sum();
        out.push(Bar {
            tech: Tech::Storage,
            name: format!("Storage ({})", plural(m.storage.len(), "plant")),
            colour: Tech::Storage.colour(),
            mw,
            label: format!("{} MW / {} MWh", mw_label(mw), mw_label(mwh)),
        });
    }
    if !m.electrolysers.is_empty() {
        let mw: f64 = m.electrolysers.iter().map(|f| f.mw).sum();
        out.push(Bar {
            tech: Tech::Hydrogen,
            name: format!("Electrolysers ({})", plural(m.electrolysers.len(), "plant")),
            colour: Tech::Hydrogen.colour(),
            mw,
            label: format!("{} MW", mw_label(mw)),
        });
    }
    if !m.generators.is_empty() {
        let mw: f64 = m.generators.iter().map(|f| f.mw).sum();
        out.push(Bar {
            tech: Tech::Generation,
            name: format!("Generators ({})", plural(m.generators.len(), "unit")),
            colour: Tech::Generation.colour(),
            mw,
            label: format!("{} MW", mw_label(mw)),
        });
    }
    let ext: Vec<_> = m.lines.iter().filter(|l| l.external).collect();
    if !ext.is_empty() {
        let mw = m.export_limit_mw();
        out.push(Bar {
            tech: Tech::Export,
            name: format!("Export lines ({})", plural(ext.len(), "line")),
            colour: Tech::Export.colour(),
            mw,
            label: format!("{} MW", mw_label(mw)),
        });
    }
    if !m.loads.is_empty() {
        let mw: f64 = m.loads.iter().map(|f| f.mw).sum();
        out.push(Bar {
            tech: Tech::Load,
            name: format!("Load, mean ({})", plural(m.loads.len(), "load")),
            colour: Tech::Load.colour(),
            mw,
            label: format!("{} MW", mw_label(mw)),
        });
    }
    out
}

pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &Data) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let title = format!("Installed capacity by technology — {}, {}", d.meta.place(), d.meta.study_year);
    let subtitle = format!(
        "{} · study-year capacity as resolved from the scenario; solar in MWac (inverters), like the line ratings",
        d.meta.scenario_title
    );
    capacity_bars(root, &d.meta, &title, &subtitle, &bars(d))
}

/// Horizontal bars, one per technology from the top, with the value
/// written after each bar.
pub fn capacity_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    meta: &Meta,
    title: &str,
    subtitle: &str,
    bars: &[Bar],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let area = style::frame(root, meta, title, subtitle, &[])?;
    if bars.is_empty() {
        style::no_data(&area, "No generation, storage or lines in the model")?;
        return Ok(());
    }
    let max = bars.iter().map(|b| b.mw).fold(0.0, f64::max);
    let (div, unit) = style::power_unit(max);
    let n = bars.len();
    // Row i from the top sits in segment n − 1 − i.
    let seg = |i: usize| n - 1 - i;
    let label_w = bars
        .iter()
        .map(|b| area.estimate_text_size(&b.name, &style::tick()).map(|s| s.0).unwrap_or(300))
        .max()
        .unwrap_or(300);
    let mut chart = ChartBuilder::on(&area)
        .margin_top(10)
        .margin_right(20)
        .x_label_area_size(90)
        .y_label_area_size(label_w + 30)
        .build_cartesian_2d(0.0..style::nice_max(max / div) * 1.35, (0..n - 1).into_segmented())?;
    let (bold, light, axis) = style::mesh_colours();
    let names: Vec<String> = bars.iter().map(|b| b.name.clone()).collect();
    let fmt_y = |v: &SegmentValue<usize>| match v {
        SegmentValue::CenterOf(k) if *k < n => names[n - 1 - *k].clone(),
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
        .label_style(style::tick())
        .axis_desc_style(style::axis_desc())
        .x_desc(format!("Capacity ({unit})"))
        .draw()?;
    let thick = (area.dim_in_pixel().1 as f64 / n as f64 * 0.18).clamp(6.0, 40.0) as u32;
    chart.draw_series(bars.iter().enumerate().map(|(i, b)| {
        let mut r = Rectangle::new(
            [(0.0, SegmentValue::Exact(seg(i))), (b.mw / div, SegmentValue::Exact(seg(i) + 1))],
            b.colour.filled(),
        );
        r.set_margin(thick, thick, 0, 0);
        r
    }))?;
    let lab = style::font(style::ANNOTATION_PX).pos(Pos::new(HPos::Left, VPos::Center));
    chart.draw_series(bars.iter().enumerate().map(|(i, b)| {
        EmptyElement::at((b.mw / div, SegmentValue::CenterOf(seg(i))))
            + Text::new(b.label.clone(), (14, 0), lab.clone())
    }))?;
    Ok(())
}

/// Capacities by technology and year: for each year, one bar per
/// technology side by side (the same technologies in every year, missing
/// ones as zero), in the technology colours.
pub fn buildout<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    meta: &Meta,
    title: &str,
    subtitle: &str,
    years: &[(i32, Vec<Bar>)],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let mut techs: Vec<Tech> = Vec::new();
    for (_, bars) in years {
        for b in bars {
            if !techs.contains(&b.tech) {
                techs.push(b.tech);
            }
        }
    }
    let name = |t: Tech| match t {
        Tech::Export => "Export transfer limit",
        Tech::Load => "Load (mean)",
        Tech::Hydrogen => "Electrolysers",
        t => t.label(),
    };
    let legend: Vec<Legend> = techs.iter().map(|t| Legend::new(name(*t), t.colour(), Mark::Box)).collect();
    let area = style::frame(root, meta, title, subtitle, &legend)?;
    if years.is_empty() || techs.is_empty() {
        style::no_data(&area, "No study years")?;
        return Ok(());
    }
    let max = years.iter().flat_map(|(_, b)| b.iter().map(|x| x.mw)).fold(0.0, f64::max);
    let (div, unit) = style::power_unit(max);
    let n = years.len();
    let mut chart = ChartBuilder::on(&area)
        .margin_top(10)
        .margin_right(20)
        .x_label_area_size(90)
        .y_label_area_size(140)
        .build_cartesian_2d(0.0..n as f64, 0.0..style::nice_max(max / div))?;
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
        .x_desc("Study year")
        .y_desc(format!("Capacity ({unit})"))
        .draw()?;
    let below = style::tick().pos(Pos::new(HPos::Center, VPos::Top));
    let k = techs.len() as f64;
    let w = 0.8 / k;
    for (i, (year, bars)) in years.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
        root.draw(&Text::new(year.to_string(), (x, y + 12), below.clone()))?;
        chart.draw_series(techs.iter().enumerate().map(|(j, t)| {
            let mw: f64 = bars.iter().filter(|b| b.tech == *t).map(|b| b.mw).sum();
            let x0 = i as f64 + 0.1 + w * j as f64;
            Rectangle::new([(x0, 0.0), (x0 + w * 0.92, mw / div)], t.colour().filled())
        }))?;
    }
    Ok(())
}
