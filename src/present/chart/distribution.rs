//! Chart 3 (distribution of the utilisation rate across sampled years,
//! with the 95 % and 90 % lines) and chart 10 (convergence: running
//! estimate ± standard error against samples). Both take plain values, so
//! any metric can be drawn the same way.

use super::DrawResult;
use super::balance::percent;
use super::data::Data;
use super::style::{self, Legend, Mark, Meta};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::RGBColor;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Colour of estimates that are not one technology (rates, shares).
pub const ESTIMATE: RGBColor = RGBColor(0x3B, 0x5B, 0x7A);

/// A vertical reference line: value (in the plotted unit) and its label.
#[derive(Debug, Clone)]
pub struct Target {
    pub value: f64,
    pub label: String,
    pub colour: RGBColor,
}

pub fn draw_utilisation<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &Data) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let key = "system.utilisation_rate";
    let values: Vec<f64> = d.sample_values(key).unwrap_or_default().iter().map(|v| v * 100.0).collect();
    let share = |t: f64| values.iter().filter(|v| **v >= t - 1e-9).count() as f64 / values.len().max(1) as f64;
    let title =
        format!("Utilisation rate across {} sampled years — {}, {}", values.len(), d.meta.place(), d.meta.study_year);
    let subtitle = match d.metric(key) {
        Some(e) => format!(
            "Mean {:.2} % ± {:.2} (s.e.), P10 {:.2} %, P90 {:.2} % · years reaching 95 %: {} · reaching 90 %: {}",
            e.mean * 100.0,
            e.std_error * 100.0,
            e.p10 * 100.0,
            e.p90 * 100.0,
            percent(share(95.0)),
            percent(share(90.0))
        ),
        None => String::new(),
    };
    let targets = [
        Target { value: 95.0, label: "95 % policy line".into(), colour: style::TARGET },
        Target { value: 90.0, label: "90 % line".into(), colour: style::tint(style::TARGET, 0.45) },
    ];
    histogram(root, &d.meta, &title, &subtitle, "Utilisation rate = 1 − curtailed / available (%)", &values, &targets)
}

/// Histogram of `values` with mean and P10/P90 marks and target lines;
/// targets far outside the data are named at the edge instead of
/// squeezing the histogram.
pub fn histogram<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    meta: &Meta,
    title: &str,
    subtitle: &str,
    x_desc: &str,
    values: &[f64],
    targets: &[Target],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    let mut legend = vec![
        Legend::new("Sampled years", ESTIMATE, Mark::Box),
        Legend::new("Mean", style::TEXT, Mark::Line),
        Legend::new("P10 and P90", style::MUTED, Mark::Dashed),
    ];
    if v.is_empty() {
        let area = style::frame(root, meta, title, subtitle, &legend)?;
        style::no_data(&area, "No sampled values")?;
        return Ok(());
    }
    let (lo, hi) = (v[0], v[v.len() - 1]);
    let spread = (hi - lo).max(1e-6 * hi.abs().max(1.0));
    let nb = ((v.len() as f64).sqrt() * 1.5).round().clamp(8.0, 40.0) as usize;
    let width = spread / nb as f64;
    let mut counts = vec![0u32; nb];
    for x in &v {
        let b = (((x - lo) / width) as usize).min(nb - 1);
        counts[b] += 1;
    }
    // Axis: the data with a margin, widened to take in targets that are
    // near enough to be shown without hiding the shape of the histogram.
    let (mut x0, mut x1) = (lo - spread * 0.15 - width, hi + spread * 0.15 + width);
    // A target line within one spread of the data is drawn and widens the
    // axis a little; a farther one would squeeze the data, so the legend
    // says where it is instead.
    let reach = spread;
    let (near, far): (Vec<&Target>, Vec<&Target>) =
        targets.iter().partition(|t| t.value >= lo - reach && t.value <= hi + reach);
    for t in &near {
        x0 = x0.min(t.value - spread * 0.1);
        x1 = x1.max(t.value + spread * 0.1);
    }
    legend.extend(near.iter().map(|t| Legend::new(t.label.clone(), t.colour, Mark::Dashed)));
    if !far.is_empty() {
        let names: Vec<String> = far.iter().map(|t| t.label.clone()).collect();
        let text = if far.iter().any(|t| t.value > hi) {
            format!("{}: off scale to the right →", names.join(" and "))
        } else {
            format!("← {}: off scale to the left", names.join(" and "))
        };
        legend.push(Legend::new(text, style::TARGET, Mark::Dashed));
    }
    let area = style::frame(root, meta, title, subtitle, &legend)?;
    let ymax = f64::from(*counts.iter().max().unwrap_or(&1)) * 1.18 + 0.5;
    // Ticks at whole counts; x labels with as many decimals as the axis
    // range needs, so neighbouring ticks never read the same.
    let y_ticks = (ymax.floor() as usize).clamp(1, 10);
    let x_decimals = (-((x1 - x0) / 10.0).log10().floor()).clamp(0.0, 4.0) as usize;
    let x_fmt = move |x: &f64| {
        let s = format!("{x:.x_decimals$}");
        if x.abs() >= 1000.0 { style::tick_label(*x) } else { s }
    };
    let y_fmt = |y: &f64| if y.fract().abs() < 1e-9 { style::tick_label(*y) } else { String::new() };
    let mut chart = ChartBuilder::on(&area)
        .margin_top(10)
        .margin_right(30)
        .x_label_area_size(90)
        .y_label_area_size(120)
        .build_cartesian_2d(x0..x1, 0.0..ymax)?;
    let (bold, light, axis) = style::mesh_colours();
    chart
        .configure_mesh()
        .bold_line_style(bold)
        .light_line_style(light)
        .max_light_lines(1)
        .axis_style(axis)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .y_labels(y_ticks + 1)
        .label_style(style::tick())
        .axis_desc_style(style::axis_desc())
        .x_desc(x_desc)
        .y_desc("Sampled years (count)")
        .draw()?;
    chart.draw_series(counts.iter().enumerate().filter(|(_, c)| **c > 0).map(|(i, c)| {
        let a = lo + width * i as f64;
        let mut r = Rectangle::new([(a, 0.0), (a + width, f64::from(*c))], ESTIMATE.filled());
        r.set_margin(0, 0, 1, 1);
        r
    }))?;
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    let p10 = crate::sim::metrics::quantile_sorted(&v, 0.1);
    let p90 = crate::sim::metrics::quantile_sorted(&v, 0.9);
    let top = ymax * 0.93;
    chart
        .draw_series(std::iter::once(PathElement::new(vec![(mean, 0.0), (mean, top)], style::TEXT.stroke_width(4))))?;
    for p in [p10, p90] {
        chart.draw_series(DashedLineSeries::new(vec![(p, 0.0), (p, top)], 12, 8, style::MUTED.stroke_width(3)))?;
    }
    let lab = style::font(style::ANNOTATION_PX).pos(Pos::new(HPos::Center, VPos::Bottom));
    chart.draw_series(std::iter::once(Text::new(
        format!("mean {}", sig(mean, spread)),
        (mean, ymax * 0.99),
        lab.clone(),
    )))?;
    for t in &near {
        chart.draw_series(DashedLineSeries::new(
            vec![(t.value, 0.0), (t.value, top)],
            16,
            10,
            t.colour.stroke_width(4),
        ))?;
    }
    Ok(())
}

pub fn draw_convergence<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &Data) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let key = "system.utilisation_rate";
    let values: Vec<f64> = d.sample_values(key).unwrap_or_default().iter().map(|v| v * 100.0).collect();
    let title = format!("Convergence of the mean utilisation rate — {}, {}", d.meta.place(), d.meta.study_year);
    let subtitle = running(&values)
        .last()
        .map(|(_, m, se)| {
            format!(
                "Running mean over samples in order with its 95 % confidence band (± 1.96 s.e.) · final {:.3} % ± {:.3} (s.e.)",
                m, se
            )
        })
        .unwrap_or_default();
    convergence(root, &d.meta, &title, &subtitle, "Mean utilisation rate (%)", &values)
}

/// A value with enough decimals to tell apart values `spread` apart.
fn sig(x: f64, spread: f64) -> String {
    let decimals = if spread > 0.0 { (2.0 - spread.log10().floor()).clamp(0.0, 6.0) as usize } else { 2 };
    format!("{x:.decimals$}")
}

/// (n, running mean, standard error of the mean) after each sample.
pub fn running(values: &[f64]) -> Vec<(f64, f64, f64)> {
    // Welford's update: stable for long runs.
    let (mut mean, mut m2) = (0.0, 0.0);
    values
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let n = (i + 1) as f64;
            let delta = x - mean;
            mean += delta / n;
            m2 += delta * (x - mean);
            let se = if i > 0 { (m2 / (n - 1.0)).sqrt() / n.sqrt() } else { f64::NAN };
            (n, mean, se)
        })
        .collect()
}

/// Most points drawn on the convergence chart.
const CONVERGENCE_MAX_POINTS: usize = 3000;

/// Every k-th point (k chosen to keep at most `max`), always with the last.
fn thin<T: Copy>(v: Vec<T>, max: usize) -> Vec<T> {
    if v.len() <= max {
        return v;
    }
    let step = v.len().div_ceil(max.max(2) - 1);
    let mut out: Vec<T> = v.iter().step_by(step).copied().collect();
    if !(v.len() - 1).is_multiple_of(step) {
        out.push(v[v.len() - 1]);
    }
    out
}

/// Running estimate ± 1.96 s.e. against the number of samples.
pub fn convergence<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    meta: &Meta,
    title: &str,
    subtitle: &str,
    y_desc: &str,
    values: &[f64],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let legend = [
        Legend::new("Running mean", ESTIMATE, Mark::Line),
        Legend::new("95 % confidence band", ESTIMATE, Mark::Band),
        Legend::new("Final estimate", style::MUTED, Mark::Dashed),
    ];
    let area = style::frame(root, meta, title, subtitle, &legend)?;
    // At most about two points per pixel column: 100,000 samples would
    // otherwise write megabytes of SVG with no visible difference.
    let r = thin(running(values), CONVERGENCE_MAX_POINTS);
    if r.is_empty() {
        style::no_data(&area, "No sampled values")?;
        return Ok(());
    }
    let band: Vec<(f64, f64, f64)> =
        r.iter().filter(|(_, _, se)| se.is_finite()).map(|(n, m, se)| (*n, m - 1.96 * se, m + 1.96 * se)).collect();
    let fin = r[r.len() - 1].1;
    // Scale to the later part of the run: the first few samples can be
    // far off and would flatten everything else.
    let skip = (r.len() / 20).max(if r.len() > 10 { 2 } else { 0 });
    let (mut lo, mut hi) = (fin, fin);
    for (_, a, b) in band.iter().skip(skip) {
        lo = lo.min(*a);
        hi = hi.max(*b);
    }
    for (_, m, _) in r.iter().skip(skip) {
        lo = lo.min(*m);
        hi = hi.max(*m);
    }
    let pad = ((hi - lo) * 0.12).max(fin.abs() * 1e-4).max(1e-9);
    let (y0, y1) = (lo - pad, hi + pad);
    let nmax = r.len() as f64;
    let mut chart = ChartBuilder::on(&area)
        .margin_top(10)
        .margin_right(30)
        .x_label_area_size(90)
        .y_label_area_size(140)
        .build_cartesian_2d(1.0..nmax.max(2.0), y0..y1)?;
    let (bold, light, axis) = style::mesh_colours();
    let fmt_x = |x: &f64| style::tick_label(*x);
    let fmt_y = |y: &f64| format!("{y:.2}");
    chart
        .configure_mesh()
        .bold_line_style(bold)
        .light_line_style(light)
        .max_light_lines(1)
        .axis_style(axis)
        .x_label_formatter(&fmt_x)
        .y_label_formatter(&fmt_y)
        .label_style(style::tick())
        .axis_desc_style(style::axis_desc())
        .x_desc("Samples (sampled years)")
        .y_desc(y_desc)
        .draw()?;
    let clamp = |y: f64| y.clamp(y0, y1);
    if band.len() > 1 {
        let mut poly: Vec<(f64, f64)> = band.iter().map(|(n, a, _)| (*n, clamp(*a))).collect();
        poly.extend(band.iter().rev().map(|(n, _, b)| (*n, clamp(*b))));
        chart.draw_series(std::iter::once(Polygon::new(poly, style::tint(ESTIMATE, 0.72).filled())))?;
    }
    chart.draw_series(DashedLineSeries::new(
        vec![(1.0, fin), (nmax.max(2.0), fin)],
        14,
        10,
        style::MUTED.stroke_width(3),
    ))?;
    chart.draw_series(LineSeries::new(r.iter().map(|(n, m, _)| (*n, clamp(*m))), ESTIMATE.stroke_width(4)))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinning_keeps_ends_and_bounds_the_count() {
        for n in [0usize, 1, 5, 2999, 3000, 3001, 100_000] {
            let v: Vec<usize> = (0..n).collect();
            let t = thin(v, CONVERGENCE_MAX_POINTS);
            assert!(t.len() <= CONVERGENCE_MAX_POINTS + 1, "{n}: {}", t.len());
            assert_eq!(t.len(), n.min(t.len()));
            if n > 0 {
                assert_eq!((t[0], t[t.len() - 1]), (0, n - 1));
                assert!(t.windows(2).all(|w| w[0] < w[1]));
            }
        }
    }
}
