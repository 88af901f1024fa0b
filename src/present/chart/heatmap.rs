//! Chart 6: month × hour-of-day heat maps of expected curtailment and, where
//! there is any, of loss-of-load probability, from the merged profiles.
//! [`month_hour`] takes a plain 12 × 24 grid, so a sweep's metric × size
//! grid can use the same cell and colour-bar drawing later.

use super::DrawResult;
use super::balance::num;
use super::data::{Data, MONTHS};
use super::style::{self, Meta, Tech};
use crate::sim::metrics::Profiles;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::RGBColor;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Whether any sampled hour had unserved load.
pub fn any_loss_of_load(p: &Profiles) -> bool {
    p.lol_hours.iter().flatten().any(|x| *x > 0.0) || p.unserved_mwh.iter().flatten().any(|x| *x > 1e-6)
}

/// Mean per hour of each cell: the expected amount per year in the cell /
/// hours of the cell in one year; NaN where the horizon has no such hour.
pub fn per_hour(per_year: &[[f64; 24]], p: &Profiles) -> Vec<[f64; 24]> {
    (0..12)
        .map(|m| {
            let mut row = [f64::NAN; 24];
            for (h, cell) in row.iter_mut().enumerate() {
                let hours = p.hours.get(m).map_or(0.0, |r| r[h]);
                let s = per_year.get(m).map_or(0.0, |r| r[h]);
                if hours > 0.0 {
                    *cell = s / hours;
                }
            }
            row
        })
        .collect()
}

pub fn draw_curtailment<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &Data) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let p = &d.summary.profiles;
    let grid = per_hour(&p.curtailed_mwh, p);
    let max = grid.iter().flatten().copied().filter(|x| x.is_finite()).fold(0.0, f64::max);
    let (div, unit) = style::power_unit(max);
    let grid: Vec<[f64; 24]> = grid.iter().map(|r| r.map(|x| x / div)).collect();
    let total: f64 = p.curtailed_mwh.iter().flatten().sum::<f64>();
    let (ediv, eunit) = style::energy_unit(total);
    let title = format!("Expected curtailment by month and hour of day — {}, {}", d.meta.place(), d.meta.study_year);
    let subtitle = format!(
        "Mean curtailed power in {unit} over {} sampled years (local time) · {} {eunit} per year in all",
        p.samples,
        num(total / ediv)
    );
    month_hour(
        root,
        &d.meta,
        &title,
        &subtitle,
        &grid,
        Tech::Curtailment.colour(),
        &format!("Mean curtailed power ({unit})"),
    )
}

pub fn draw_loss_of_load<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &Data) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let p = &d.summary.profiles;
    let grid: Vec<[f64; 24]> = per_hour(&p.lol_hours, p).iter().map(|r| r.map(|x| x * 100.0)).collect();
    let lole: f64 = p.lol_hours.iter().flatten().sum::<f64>();
    let title =
        format!("Loss-of-load probability by month and hour of day — {}, {}", d.meta.place(), d.meta.study_year);
    let subtitle = format!(
        "Share of sampled hours with unserved load over {} sampled years · LOLE {} h per year",
        p.samples,
        num(lole)
    );
    month_hour(root, &d.meta, &title, &subtitle, &grid, Tech::Unserved.colour(), "Loss-of-load probability (%)")
}

/// Heat map of a 12 × 24 grid (months down, hours across) with values in
/// the cells and a colour bar; NaN cells are drawn as "no data".
pub fn month_hour<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    meta: &Meta,
    title: &str,
    subtitle: &str,
    grid: &[[f64; 24]],
    colour: RGBColor,
    scale_desc: &str,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let area = style::frame(root, meta, title, subtitle, &[])?;
    let (w, _) = area.dim_in_pixel();
    let (plot, bar) = area.split_horizontally(w as i32 - 250);
    let max = grid.iter().flatten().copied().filter(|x| x.is_finite()).fold(0.0, f64::max);
    let scale = |x: f64| if max > 0.0 { (x / max).clamp(0.0, 1.0) } else { 0.0 };
    let fill = |x: f64| if x.is_finite() { style::tint(colour, 1.0 - 0.92 * scale(x)) } else { style::NO_DATA };
    let months = grid.len().min(12);
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(10)
        .margin_right(10)
        .x_label_area_size(90)
        .y_label_area_size(110)
        .build_cartesian_2d(0.0..24.0, 0.0..months as f64)?;
    let (_, _, axis) = style::mesh_colours();
    chart
        .configure_mesh()
        .disable_mesh()
        .axis_style(axis)
        .x_labels(0)
        .y_labels(0)
        .label_style(style::tick())
        .axis_desc_style(style::axis_desc())
        .x_desc("Hour of day (local time, hour starting)")
        .y_desc("Month")
        .draw()?;
    let cells = (0..months).flat_map(|m| (0..24).map(move |h| (m, h)));
    chart.draw_series(cells.clone().map(|(m, h)| {
        let y = (months - 1 - m) as f64;
        let mut r = Rectangle::new([(h as f64, y), (h as f64 + 1.0, y + 1.0)], fill(grid[m][h]).filled());
        r.set_margin(1, 1, 1, 1);
        r
    }))?;
    let text_px = 22.0;
    chart.draw_series(cells.filter(|(m, h)| grid[*m][*h].is_finite()).map(|(m, h)| {
        let v = grid[m][h];
        let c = if scale(v) > 0.55 { style::BACKGROUND } else { style::TEXT };
        let y = (months - 1 - m) as f64;
        Text::new(
            cell_label(v, max),
            (h as f64 + 0.5, y + 0.5),
            style::font_coloured(text_px, c).pos(Pos::new(HPos::Center, VPos::Center)),
        )
    }))?;
    // Hour and month names at the centres of the cells.
    let below = style::tick().pos(Pos::new(HPos::Center, VPos::Top));
    for h in 0..24 {
        let (x, y) = chart.backend_coord(&(h as f64 + 0.5, 0.0));
        root.draw(&Text::new(format!("{h:02}"), (x, y + 12), below.clone()))?;
    }
    let left = style::tick().pos(Pos::new(HPos::Right, VPos::Center));
    for (m, name) in MONTHS.iter().enumerate().take(months) {
        let (x, y) = chart.backend_coord(&(0.0, (months - 1 - m) as f64 + 0.5));
        root.draw(&Text::new(name.to_string(), (x - 14, y), left.clone()))?;
    }
    colour_bar(&bar, max, colour, scale_desc)?;
    Ok(())
}

/// Short cell text: two significant figures relative to the largest cell.
fn cell_label(v: f64, max: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    if max >= 100.0 {
        format!("{v:.0}")
    } else if max >= 10.0 {
        format!("{v:.1}")
    } else if max >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

fn colour_bar<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, max: f64, colour: RGBColor, desc: &str) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let top = max.max(1e-12);
    let mut chart = ChartBuilder::on(area)
        .margin_top(10)
        .margin_left(30)
        .margin_right(20)
        .x_label_area_size(90)
        .right_y_label_area_size(110)
        .build_cartesian_2d(0.0..1.0, 0.0..top)?;
    let fmt = |y: &f64| style::tick_label(*y);
    let (_, _, axis) = style::mesh_colours();
    chart
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .axis_style(axis)
        .y_labels(6)
        .y_label_formatter(&fmt)
        .label_style(style::tick())
        .draw()?;
    let steps = 60;
    chart.draw_series((0..steps).map(|i| {
        let a = top * i as f64 / steps as f64;
        let b = top * (i + 1) as f64 / steps as f64;
        let t = (a + b) / 2.0 / top;
        Rectangle::new([(0.0, a), (1.0, b)], style::tint(colour, 1.0 - 0.92 * t).filled())
    }))?;
    let (w, h) = area.dim_in_pixel();
    area.draw(&Text::new(
        desc.to_string(),
        (w as i32 - 8, h as i32 / 2),
        style::font(style::ANNOTATION_PX).pos(Pos::new(HPos::Center, VPos::Bottom)).transform(FontTransform::Rotate90),
    ))?;
    Ok(())
}
