//! One look for every chart: a colour per technology, the embedded font,
//! sizes, and the frame (title, subtitle, legend strip, footer) that every
//! chart is drawn inside.
//!
//! Colours are defined here once and used everywhere (charts and the HTML
//! report), so wind is the same blue in the energy balance, the dispatch
//! week and the capacity chart. They follow a colour-blind-safe palette
//! (Okabe & Ito 2008, extended with greys for non-renewable flows).
//!
//! The font is WenQuanYi Micro Hei cut down to GB2312 + Latin
//! (`assets/fonts/`, Apache-2.0; `assets/fonts/subset.py` remakes it),
//! compiled into the binary and registered with plotters as `sans-serif`,
//! so Chinese zone and scenario names render in PNGs on a machine with no
//! fonts at all (plotters is built without its `ttf` feature, which would
//! look for system fonts instead). SVG files keep their text as text in the
//! `sans-serif` family, so a stand-alone SVG uses the viewer's fonts;
//! `report.html` embeds the glyphs it uses (see `fontsub`), so the inline
//! SVGs there render with this font everywhere.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, RGBColor};

/// The embedded chart font (GB2312 + Latin subset of WenQuanYi Micro Hei).
pub const FONT: &[u8] = include_bytes!("../../../assets/fonts/wqy-microhei-gb2312-latin.ttf");
/// Family the font is registered under with plotters, and written in SVG.
pub const FAMILY: &str = "sans-serif";

/// Chart size in pixels (PNG and SVG viewBox): 6 × 3.7 in at 300 dpi.
pub const WIDTH: u32 = 1800;
pub const HEIGHT: u32 = 1100;
/// PNG resolution written in the pHYs chunk.
pub const DPI: u32 = 300;

/// Register the embedded font with plotters (idempotent, thread-safe).
/// Returns false if the font could not be parsed (a build defect).
pub fn init_font() -> bool {
    static OK: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *OK.get_or_init(|| plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok())
}

// Technology colours.
pub const WIND: RGBColor = RGBColor(0x00, 0x72, 0xB2);
pub const SOLAR: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
pub const STORAGE: RGBColor = RGBColor(0x00, 0x9E, 0x73);
pub const HYDROGEN: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
pub const EXPORT: RGBColor = RGBColor(0x6A, 0x3D, 0x9A);
pub const CURTAILMENT: RGBColor = RGBColor(0xB2, 0x58, 0x2B);
pub const UNSERVED: RGBColor = RGBColor(0xD5, 0x1E, 0x28);
pub const LOAD: RGBColor = RGBColor(0x4D, 0x4D, 0x4D);
pub const IMPORT: RGBColor = RGBColor(0x99, 0x99, 0x99);
pub const LOSSES: RGBColor = RGBColor(0xC8, 0xC8, 0xC8);
pub const GENERATION: RGBColor = RGBColor(0x8C, 0x6D, 0x31);
/// Lines, limits and targets.
pub const LIMIT: RGBColor = RGBColor(0x11, 0x11, 0x11);
pub const TARGET: RGBColor = RGBColor(0xCC, 0x33, 0x11);

// Text and furniture.
pub const TEXT: RGBColor = RGBColor(0x1A, 0x1A, 0x1A);
pub const MUTED: RGBColor = RGBColor(0x5F, 0x5F, 0x5F);
pub const GRID: RGBColor = RGBColor(0xE3, 0xE3, 0xE3);
pub const GRID_BOLD: RGBColor = RGBColor(0xC4, 0xC4, 0xC4);
pub const BACKGROUND: RGBColor = RGBColor(0xFF, 0xFF, 0xFF);
/// Cells without data in heat maps.
pub const NO_DATA: RGBColor = RGBColor(0xF2, 0xF2, 0xF2);

/// What a colour stands for, with its display name: one entry per
/// technology or flow, used by every chart and by the report's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tech {
    Wind,
    Solar,
    Storage,
    Hydrogen,
    Export,
    Curtailment,
    Unserved,
    Load,
    Import,
    Losses,
    Generation,
}

impl Tech {
    pub const ALL: [Tech; 11] = [
        Tech::Wind,
        Tech::Solar,
        Tech::Storage,
        Tech::Hydrogen,
        Tech::Export,
        Tech::Curtailment,
        Tech::Unserved,
        Tech::Load,
        Tech::Import,
        Tech::Losses,
        Tech::Generation,
    ];

    pub const fn colour(self) -> RGBColor {
        match self {
            Tech::Wind => WIND,
            Tech::Solar => SOLAR,
            Tech::Storage => STORAGE,
            Tech::Hydrogen => HYDROGEN,
            Tech::Export => EXPORT,
            Tech::Curtailment => CURTAILMENT,
            Tech::Unserved => UNSERVED,
            Tech::Load => LOAD,
            Tech::Import => IMPORT,
            Tech::Losses => LOSSES,
            Tech::Generation => GENERATION,
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Tech::Wind => "Wind",
            Tech::Solar => "Solar PV",
            Tech::Storage => "Storage",
            Tech::Hydrogen => "Hydrogen (electrolysers)",
            Tech::Export => "Export",
            Tech::Curtailment => "Curtailment",
            Tech::Unserved => "Unserved load",
            Tech::Load => "Load",
            Tech::Import => "Import",
            Tech::Losses => "Losses",
            Tech::Generation => "Dispatchable generation",
        }
    }
}

/// `#rrggbb` of a colour (for the HTML report).
pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// Mix a colour with white: `t` = 0 gives the colour, 1 gives white.
pub fn tint(c: RGBColor, t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let m = |x: u8| (f64::from(x) + (255.0 - f64::from(x)) * t).round() as u8;
    RGBColor(m(c.0), m(c.1), m(c.2))
}

// Font sizes in pixels at WIDTH × HEIGHT (≈ 10.5 pt titles, 7 pt ticks
// when the PNG is printed 6 in wide).
pub const TITLE_PX: f64 = 46.0;
pub const SUBTITLE_PX: f64 = 30.0;
pub const AXIS_DESC_PX: f64 = 31.0;
pub const TICK_PX: f64 = 28.0;
pub const LEGEND_PX: f64 = 28.0;
pub const ANNOTATION_PX: f64 = 26.0;
pub const FOOTER_PX: f64 = 23.0;

/// Outer margin of the frame.
pub const MARGIN: i32 = 40;
const FOOTER_H: i32 = 56;

pub fn font(px: f64) -> TextStyle<'static> {
    TextStyle::from((FAMILY, px).into_font()).color(&TEXT)
}

pub fn font_muted(px: f64) -> TextStyle<'static> {
    TextStyle::from((FAMILY, px).into_font()).color(&MUTED)
}

pub fn font_coloured(px: f64, c: RGBColor) -> TextStyle<'static> {
    TextStyle { font: (FAMILY, px).into_font(), color: c.to_backend_color(), pos: Pos::default() }
}

/// Style of axis descriptions ("Energy (TWh)").
pub fn axis_desc() -> TextStyle<'static> {
    font(AXIS_DESC_PX)
}

/// Style of tick labels.
pub fn tick() -> TextStyle<'static> {
    font(TICK_PX)
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mark {
    /// Filled box (bars, areas, cells).
    Box,
    /// Solid line.
    Line,
    /// Dashed line (limits, targets).
    Dashed,
    /// Translucent band (intervals).
    Band,
    /// Error bar (P10–P90 whiskers).
    Whisker,
}

#[derive(Debug, Clone)]
pub struct Legend {
    pub label: String,
    pub colour: RGBColor,
    pub mark: Mark,
}

impl Legend {
    pub fn new(label: impl Into<String>, colour: RGBColor, mark: Mark) -> Self {
        Legend { label: label.into(), colour, mark }
    }
    pub fn tech(t: Tech, mark: Mark) -> Self {
        Legend::new(t.label(), t.colour(), mark)
    }
}

/// What every chart says about itself: where the numbers come from.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub program: String,
    pub version: String,
    pub scenario: String,
    pub scenario_title: String,
    pub sha256: String,
    pub study_year: i32,
    pub samples: u64,
    pub first_sample: u64,
    pub seed: u64,
    /// The representative (median) sample and the metric that chose it.
    pub representative: u64,
    pub representative_metric: String,
    /// Zone names: the "where" of titles.
    pub zones: Vec<String>,
}

impl Meta {
    /// Footer line: scenario, samples, seed and version.
    pub fn footer(&self) -> String {
        let mut parts = Vec::new();
        let sha = self.sha256.get(..12).unwrap_or(&self.sha256);
        parts.push(if sha.is_empty() {
            format!("Scenario {}", self.scenario)
        } else {
            format!("Scenario {} (sha256 {sha})", self.scenario)
        });
        if self.study_year != 0 {
            parts.push(format!("study year {}", self.study_year));
        }
        parts.push(if self.first_sample == 0 {
            format!("{} samples", self.samples)
        } else {
            format!(
                "{} samples ({}–{})",
                self.samples,
                self.first_sample,
                (self.first_sample + self.samples).saturating_sub(1)
            )
        });
        parts.push(format!("seed {}", self.seed));
        let program = format!("{} {}", self.program, self.version);
        if !program.trim().is_empty() {
            parts.push(program.trim().to_string());
        }
        parts.join(" · ")
    }

    /// "where" for titles: the zone names (or the scenario name).
    pub fn place(&self) -> String {
        match self.zones.len() {
            0 => self.scenario.clone(),
            1..=3 => self.zones.join(", "),
            n => format!("{} zones", n),
        }
    }
}

type AreaResult<DB, T> = Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Draw the frame: white background, title, subtitle, legend strip and
/// footer. Returns the area left for the plot (legends never sit on data).
pub fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    meta: &Meta,
    title: &str,
    subtitle: &str,
    legend: &[Legend],
) -> AreaResult<DB, DrawingArea<DB, Shift>> {
    root.fill(&BACKGROUND)?;
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    root.draw(&Text::new(title.to_string(), (MARGIN, 26), font(TITLE_PX)))?;
    let mut y = 26 + TITLE_PX as i32 + 12;
    if !subtitle.is_empty() {
        let sf = font_muted(SUBTITLE_PX);
        for line in wrap(root, subtitle, &sf, (w - 2 * MARGIN) as u32)? {
            root.draw(&Text::new(line, (MARGIN, y), sf.clone()))?;
            y += SUBTITLE_PX as i32 + 8;
        }
        y += 8;
    }
    if !legend.is_empty() {
        y += 4;
        let row_h = LEGEND_PX as i32 + 14;
        let lf = font(LEGEND_PX).pos(Pos::new(HPos::Left, VPos::Center));
        let mut x = MARGIN;
        for item in legend {
            let tw = root.estimate_text_size(&item.label, &lf)?.0 as i32;
            let entry = 44 + 12 + tw;
            if x > MARGIN && x + entry > w - MARGIN {
                x = MARGIN;
                y += row_h;
            }
            let cy = y + row_h / 2;
            legend_mark(root, item, (x, cy))?;
            root.draw(&Text::new(item.label.clone(), (x + 56, cy), lf.clone()))?;
            x += entry + 44;
        }
        y += row_h + 10;
    }
    let footer_y = h - FOOTER_H + 14;
    root.draw(&PathElement::new(vec![(MARGIN, footer_y - 8), (w - MARGIN, footer_y - 8)], GRID_BOLD))?;
    root.draw(&Text::new(meta.footer(), (MARGIN, footer_y), font_muted(FOOTER_PX)))?;
    Ok(root.margin(y + 6, FOOTER_H + 4, MARGIN / 2, MARGIN))
}

/// Break `text` into lines no wider than `width` pixels, preferring breaks
/// at " · " (between clauses), then at spaces.
pub fn wrap<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'_>,
    width: u32,
) -> AreaResult<DB, Vec<String>> {
    let fits = |s: &str| root.estimate_text_size(s, style).map(|(w, _)| w <= width);
    let mut lines = Vec::new();
    let mut rest = text.trim().to_string();
    while !rest.is_empty() && !fits(&rest)? {
        let mut cut = None;
        for sep in [" · ", " "] {
            let mut best = None;
            for (i, _) in rest.match_indices(sep) {
                if i > 0 && fits(&rest[..i])? {
                    best = Some((i, sep.len()));
                }
            }
            if best.is_some() {
                cut = best;
                break;
            }
        }
        let Some((i, len)) = cut else { break };
        lines.push(rest[..i].trim().to_string());
        rest = rest[i + len..].trim().to_string();
    }
    if !rest.is_empty() {
        lines.push(rest);
    }
    Ok(lines)
}

fn legend_mark<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    item: &Legend,
    (x, cy): (i32, i32),
) -> AreaResult<DB, ()> {
    let c = item.colour;
    match item.mark {
        Mark::Box => root.draw(&Rectangle::new([(x, cy - 12), (x + 44, cy + 12)], c.filled())),
        Mark::Band => root.draw(&Rectangle::new([(x, cy - 12), (x + 44, cy + 12)], tint(c, 0.7).filled())),
        Mark::Line => root.draw(&PathElement::new(vec![(x, cy), (x + 44, cy)], c.stroke_width(5))),
        Mark::Dashed => {
            for k in 0..3 {
                let x0 = x + k * 16;
                root.draw(&PathElement::new(vec![(x0, cy), (x0 + 10, cy)], c.stroke_width(4)))?;
            }
            Ok(())
        }
        Mark::Whisker => {
            let s = c.stroke_width(3);
            root.draw(&PathElement::new(vec![(x + 4, cy), (x + 40, cy)], s))?;
            root.draw(&PathElement::new(vec![(x + 4, cy - 10), (x + 4, cy + 10)], s))?;
            root.draw(&PathElement::new(vec![(x + 40, cy - 10), (x + 40, cy + 10)], s))
        }
    }
}

/// Draw a message in the middle of a plot area (for charts whose data is
/// missing or empty), so a chart file always exists and says why.
pub fn no_data<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, message: &str) -> AreaResult<DB, ()> {
    let (w, h) = area.dim_in_pixel();
    area.draw(&Text::new(
        message.to_string(),
        (w as i32 / 2, h as i32 / 2),
        font_muted(SUBTITLE_PX).pos(Pos::new(HPos::Center, VPos::Center)),
    ))
}

/// Thin frame and grid styling shared by cartesian charts.
pub fn mesh_colours() -> (ShapeStyle, ShapeStyle, ShapeStyle) {
    (GRID_BOLD.stroke_width(1), GRID.stroke_width(1), MUTED.stroke_width(2))
}

/// Energy unit for a largest value in MWh: (divisor, unit).
pub fn energy_unit(max_mwh: f64) -> (f64, &'static str) {
    if max_mwh >= 1e6 {
        (1e6, "TWh")
    } else if max_mwh >= 1e3 {
        (1e3, "GWh")
    } else {
        (1.0, "MWh")
    }
}

/// Power unit for a largest value in MW: (divisor, unit).
pub fn power_unit(max_mw: f64) -> (f64, &'static str) {
    if max_mw >= 5e3 { (1e3, "GW") } else { (1.0, "MW") }
}

/// Tick label: thousands separated, no needless decimals.
pub fn tick_label(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let a = x.abs();
    if a == 0.0 {
        "0".into()
    } else if a >= 1000.0 {
        crate::base::fmt::fmt_num(x)
    } else if a >= 10.0 || (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else if a >= 1.0 {
        format!("{x:.1}")
    } else {
        let s = format!("{x:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Axis upper bound with headroom, never zero.
pub fn nice_max(x: f64) -> f64 {
    if !x.is_finite() || x <= 0.0 { 1.0 } else { x * 1.08 }
}
