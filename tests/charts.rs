//! Charts and the HTML report, drawn from a real (small) run of the bundled
//! scenario: every chart exists as SVG and PNG, PNG text is really
//! rendered (with the embedded font, no system fonts), Chinese names
//! render as distinct glyphs, SVG and HTML are well-formed, the report is
//! self-contained and escapes user strings, and a headless browser loads it.

use renewplan::io::output::{Files, Summary};
use renewplan::present::chart::{self, Kind, style};
use renewplan::present::report;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const SAMPLES: u64 = 20;

/// One run of the bundled scenario, shared by all tests.
struct Run {
    _dir: tempfile::TempDir,
    out: PathBuf,
    summary: Summary,
    samples: Vec<u8>,
    hourly: Vec<u8>,
    charts: Files,
}

fn run() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        assert_cmd::Command::cargo_bin("renewplan")
            .unwrap()
            .args(["run", "-n", &SAMPLES.to_string(), "-q", "-o"])
            .arg(&out)
            .assert()
            .success();
        let summary: Summary = serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
        let samples = std::fs::read(out.join("samples.csv")).unwrap();
        let hourly = std::fs::read(out.join("hourly-median.csv")).unwrap();
        let charts = chart::render_all(&out).unwrap();
        Run { _dir: dir, out, summary, samples, hourly, charts }
    })
}

fn file<'a>(files: &'a Files, name: &str) -> &'a [u8] {
    &files.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("{name} not produced")).1
}

/// Decoded RGB(A) pixels, width, height, bytes per pixel.
fn decode(png_bytes: &[u8]) -> (Vec<u8>, u32, u32, usize) {
    let dec = png::Decoder::new(png_bytes);
    let mut r = dec.read_info().unwrap();
    let mut buf = vec![0; r.output_buffer_size()];
    let info = r.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    let bpp = info.color_type.samples();
    (buf, info.width, info.height, bpp)
}

/// Pixels in a rectangle that differ from white.
fn ink(png_bytes: &[u8], (x0, y0): (u32, u32), (x1, y1): (u32, u32)) -> usize {
    let (buf, w, _, bpp) = decode(png_bytes);
    let mut n = 0;
    for y in y0..y1 {
        for x in x0..x1 {
            let i = ((y * w + x) as usize) * bpp;
            if buf[i..i + 3].iter().any(|c| *c < 200) {
                n += 1;
            }
        }
    }
    n
}

const TITLE_BAND: ((u32, u32), (u32, u32)) = ((40, 20), (1700, 80));

#[test]
fn every_chart_is_produced_for_the_bundled_scenario() {
    let r = run();
    let expected = [
        Kind::Capacity,
        Kind::EnergyBalance,
        Kind::UtilisationDistribution,
        Kind::ExportDuration,
        Kind::DispatchSummerWeek,
        Kind::DispatchWinterWeek,
        Kind::CurtailmentHeatmap,
        Kind::Hydrogen,
        Kind::Convergence,
    ];
    for k in expected {
        for ext in ["svg", "png"] {
            let name = format!("charts/{}.{ext}", k.stem());
            assert!(file(&r.charts, &name).len() > 5_000, "{name} is suspiciously small");
        }
    }
    // The bundled scenario never loses load, so that heat map is left out.
    let lol = r.summary.profiles.lol_hours.iter().flatten().any(|x| *x > 0.0);
    assert_eq!(r.charts.iter().any(|(n, _)| n.contains("loss-of-load")), lol);
    // Nothing else, and every name is a relative path under charts/.
    assert_eq!(r.charts.len(), 2 * (expected.len() + usize::from(lol)));
    assert!(r.charts.iter().all(|(n, _)| n.starts_with("charts/") && !n.contains("..")));
}

#[test]
fn pngs_are_print_sized_and_their_text_is_rendered() {
    let r = run();
    for (name, bytes) in r.charts.iter().filter(|(n, _)| n.ends_with(".png")) {
        let (_, w, h, _) = decode(bytes);
        assert_eq!((w, h), (style::WIDTH, style::HEIGHT), "{name}");
        let title = ink(bytes, TITLE_BAND.0, TITLE_BAND.1);
        assert!(title > 2_000, "{name}: only {title} dark pixels in the title area");
        // The footer (scenario, samples, seed, version) is drawn too.
        let footer = ink(bytes, (40, style::HEIGHT - 45), (1200, style::HEIGHT - 10));
        assert!(footer > 1_000, "{name}: only {footer} dark pixels in the footer");
    }
}

#[test]
fn svgs_are_well_formed_and_carry_title_and_footer() {
    let r = run();
    let seed = r.summary.run.seed.to_string();
    for (name, bytes) in r.charts.iter().filter(|(n, _)| n.ends_with(".svg")) {
        let text = std::str::from_utf8(bytes).unwrap();
        let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        let texts: Vec<String> = doc
            .descendants()
            .filter(|n| n.tag_name().name() == "text")
            .map(|n| n.text().unwrap_or_default().trim().to_string())
            .collect();
        assert!(texts.iter().any(|t| t.contains(&r.summary.scenario.name) && t.contains(&seed)), "{name}: no footer");
        assert!(texts.iter().any(|t| t.contains('—') && t.contains("2030")), "{name}: no title with place and year");
    }
}

#[test]
fn render_all_and_render_agree_and_are_deterministic() {
    let r = run();
    let again = chart::render(&r.summary, table(&r.samples), &r.hourly, chart::Formats::All).unwrap();
    assert_eq!(again.len(), r.charts.len());
    for ((a, x), (b, y)) in again.iter().zip(&r.charts) {
        assert_eq!(a, b);
        assert!(x == y, "{a} differs between two renders");
    }
    assert!(chart::render_all(Path::new("/nonexistent/renewplan")).is_err());
}

/// The run's summary with the scenario and zone renamed.
fn renamed(name: &str, title: &str, zone: &str) -> Summary {
    let mut s = run().summary.clone();
    s.scenario.name = name.into();
    s.scenario.title = title.into();
    s.model["zones"][0]["name"] = zone.into();
    s
}

#[test]
fn chinese_names_render_as_real_glyphs() {
    let r = run();
    let draw = |zone: &str| {
        let s = renamed("阿拉善-2030", "孪井滩 2030 规划", zone);
        chart::render(&s, table(&r.samples), &r.hourly, chart::Formats::All).unwrap()
    };
    let a = draw("孪井滩");
    let b = draw("宁夏区");
    for k in [Kind::Capacity, Kind::UtilisationDistribution] {
        let name = format!("charts/{}.png", k.stem());
        let (pa, pb) = (file(&a, &name), file(&b, &name));
        // The zone name is at the end of the title: there is ink there...
        assert!(ink(pa, TITLE_BAND.0, TITLE_BAND.1) > 2_000);
        // ...and the two names draw differently (missing glyphs would be
        // identical boxes). CJK glyphs share one advance, so only the
        // glyphs themselves can differ.
        let (da, w, _, bpp) = decode(pa);
        let (db, _, _, _) = decode(pb);
        let mut differ = 0;
        for y in TITLE_BAND.0.1..TITLE_BAND.1.1 {
            for x in 0..w {
                let i = ((y * w + x) as usize) * bpp;
                if da[i..i + 3] != db[i..i + 3] {
                    differ += 1;
                }
            }
        }
        assert!(differ > 300, "{name}: Chinese zone names are not drawn as distinct glyphs ({differ} pixels differ)");
        // The footer's scenario name is Chinese too.
        assert!(ink(pa, (40, style::HEIGHT - 45), (1200, style::HEIGHT - 10)) > 1_000);
    }
    // The SVG keeps the Chinese text as text.
    let svg = std::str::from_utf8(file(&a, "charts/capacity.svg")).unwrap();
    assert!(svg.contains("孪井滩") && svg.contains("阿拉善-2030"));
}

#[test]
fn the_embedded_font_covers_chinese_and_latin() {
    let face = ttf_parser::Face::parse(style::FONT, 0).unwrap();
    for c in "孪井滩阿拉善宁夏中卫电解制氢 Utilisation (MWh) ± – — ° × ≥ ²₂".chars().filter(|c| *c != ' ')
    {
        let g = face.glyph_index(c).unwrap_or_else(|| panic!("no glyph for {c:?}"));
        assert!(face.glyph_bounding_box(g).is_some(), "empty glyph for {c:?}");
    }
    assert!(style::FONT.len() < 2_000_000, "the font should be the GB2312 + Latin subset");
}

#[test]
fn energy_balance_sources_equal_uses() {
    let r = run();
    let d = chart::data::Data::new(&r.summary, table(&r.samples), &r.hourly).unwrap();
    let rows = chart::balance::rows(&d);
    let heading = |h: &str| rows.iter().position(|x| x.values.is_none() && x.label == h).unwrap();
    let (src, uses) = (heading("Sources"), heading("Uses"));
    let end = rows.iter().position(|x| x.label == "Shortfall").unwrap_or(rows.len());
    let total = |a: usize, b: usize| rows[a + 1..b].iter().map(|x| x.values.unwrap().0).sum::<f64>();
    let (s, u) = (total(src, uses), total(uses, end));
    assert!((s - u).abs() <= 1e-6 * s, "sources {s} MWh ≠ uses {u} MWh: a term of the balance is missing");
    let labels: Vec<&str> = rows.iter().map(|x| x.label.as_str()).collect();
    for l in ["Wind available", "Solar available", "Export delivered", "Hydrogen (electrolysers)", "Curtailment"] {
        assert!(labels.contains(&l), "no {l:?} bar");
    }
}

#[test]
fn curtailment_heat_map_adds_up_to_the_curtailed_energy() {
    let r = run();
    let p = &r.summary.profiles;
    let grid = chart::heatmap::per_hour(&p.curtailed_mwh, p);
    let from_cells: f64 = (0..12)
        .flat_map(|m| (0..24).map(move |h| (m, h)))
        .map(|(m, h)| grid[m][h] * p.hours[m][h])
        .filter(|x| x.is_finite())
        .sum();
    let metric = r.summary.metrics.iter().find(|m| m.estimate.key == "system.curtailed_mwh").unwrap().estimate.mean;
    assert!(
        (from_cells - metric).abs() <= 1e-3 * metric,
        "heat map sums to {from_cells} MWh, metric says {metric} MWh"
    );
}

#[test]
fn typical_week_is_a_whole_week_in_season_closest_to_the_mean() {
    // Two weeks in July and two in January: the July week nearest the
    // July mean is picked, starting at midnight.
    let hours = 24 * 28;
    let month: Vec<f64> = (0..hours).map(|t| if t < 24 * 14 { 7.0 } else { 1.0 }).collect();
    let hod: Vec<f64> = (0..hours).map(|t| (t % 24) as f64).collect();
    let avail: Vec<f64> =
        (0..hours).map(|t| [1.0, 3.0, 10.0, 10.0][t / 168] + if t == 24 * 3 + 5 { 0.5 } else { 0.0 }).collect();
    let start = chart::dispatch::typical_week(&month, &hod, &avail, &[6, 7, 8]).unwrap();
    assert_eq!(start % 24, 0);
    assert!(start + 168 <= 24 * 14, "week leaves the season");
    assert_eq!(chart::dispatch::typical_week(&month, &hod, &avail, &[4]), None);
}

#[test]
fn comparison_and_sweep_charts_draw_from_plain_data() {
    let meta = style::Meta {
        scenario: "alxa-2030-base".into(),
        samples: 20,
        seed: 1,
        zones: vec!["孪井滩".into()],
        ..Default::default()
    };
    let iv = |label: &str, e: f64| chart::compare::Interval {
        label: label.into(),
        estimate: e,
        low: e - 1.0,
        high: e + 1.5,
    };
    let forest = chart::draw_both(
        |r| {
            chart::compare::forest(
                r,
                &meta,
                "Difference from base — 孪井滩",
                "",
                "Utilisation rate (points)",
                &[iv("uhvdc", 12.0), iv("storage15", 3.0)],
            )
        },
        |r| {
            chart::compare::forest(
                r,
                &meta,
                "Difference from base — 孪井滩",
                "",
                "Utilisation rate (points)",
                &[iv("uhvdc", 12.0), iv("storage15", 3.0)],
            )
        },
    )
    .unwrap();
    let panel = |t: &str| chart::compare::Panel {
        title: t.into(),
        unit: "TWh".into(),
        bars: vec![iv("base", 30.0), iv("uhvdc", 20.0)],
    };
    let panels = [panel("Curtailed energy"), panel("Export"), panel("Hydrogen"), panel("Unserved")];
    let small = chart::draw_both(
        |r| chart::compare::panels(r, &meta, "Key metrics by scenario", "", &panels),
        |r| chart::compare::panels(r, &meta, "Key metrics by scenario", "", &panels),
    )
    .unwrap();
    let pts: Vec<chart::sweep::Point> = (0..6)
        .map(|k| {
            let e = 60.0 + 7.0 * k as f64;
            chart::sweep::Point { size: 2400.0 + 1000.0 * k as f64, estimate: e, low: e - 1.0, high: e + 1.0 }
        })
        .collect();
    let target = Some((95.0, "95 % policy line".to_string()));
    let answer = Some((7400.0, "smallest corridor meeting it: 7,400 MW".to_string()));
    let sweep = chart::draw_both(
        |r| {
            chart::sweep::size_curve(
                r,
                &meta,
                "Utilisation against corridor size",
                "",
                "Corridor (MW)",
                "Utilisation rate (%)",
                &pts,
                target.clone(),
                answer.clone(),
            )
        },
        |r| {
            chart::sweep::size_curve(
                r,
                &meta,
                "Utilisation against corridor size",
                "",
                "Corridor (MW)",
                "Utilisation rate (%)",
                &pts,
                target.clone(),
                answer.clone(),
            )
        },
    )
    .unwrap();
    // Build-out: one model per study year (here the bundled model, scaled).
    let view = chart::data::ModelView::from_json(&run().summary.model);
    let years: Vec<(i32, Vec<chart::capacity::Bar>)> = [2024, 2026, 2028, 2030]
        .iter()
        .enumerate()
        .map(|(k, y)| {
            let mut bars = chart::capacity::bars_of(&view);
            for b in &mut bars {
                b.mw *= (k + 1) as f64 / 4.0;
            }
            (*y, bars)
        })
        .collect();
    let buildout = chart::draw_both(
        |r| chart::capacity::buildout(r, &meta, "Installed capacity by technology and year", "", &years),
        |r| chart::capacity::buildout(r, &meta, "Installed capacity by technology and year", "", &years),
    )
    .unwrap();
    for (name, (svg, png)) in [("forest", forest), ("panels", small), ("sweep", sweep), ("buildout", buildout)] {
        roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(ink(&png, TITLE_BAND.0, TITLE_BAND.1) > 2_000, "{name}: no title");
        // Something is drawn in the plot area as well.
        assert!(ink(&png, (200, 300), (1700, 900)) > 3_000, "{name}: empty plot");
    }
}

fn report_for(summary: &Summary, charts: &Files) -> String {
    String::from_utf8(report::report_html(summary, charts)).unwrap()
}

#[test]
fn report_is_self_contained_and_well_formed() {
    let r = run();
    let mut files = r.charts.clone();
    files.push(("scenario.toml".into(), std::fs::read(r.out.join("scenario.toml")).unwrap()));
    let html = report_for(&r.summary, &files);
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "report has a script");
    let doc = roxmltree::Document::parse_with_options(
        &html,
        roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() },
    )
    .unwrap_or_else(|e| panic!("report.html is not well-formed: {e}"));
    for n in doc.descendants().filter(roxmltree::Node::is_element) {
        for a in n.attributes() {
            let v = a.value().trim().to_lowercase();
            assert!(!a.name().to_lowercase().starts_with("on"), "event handler attribute {}", a.name());
            if ["src", "href", "xlink:href", "action", "data"].contains(&a.name()) {
                assert!(v.starts_with('#') || v.starts_with("data:"), "external resource {}={v}", a.name());
            }
        }
    }
    // The only URLs are SVG namespace names and data: URLs.
    for (i, _) in lower.match_indices("http") {
        let before = &lower[i.saturating_sub(7)..i];
        assert_eq!(before, "xmlns=\"", "a URL in the report: {}", &html[i..(i + 60).min(html.len())]);
    }
    assert!(!lower.contains("@import"));
    for (i, _) in lower.match_indices("url(") {
        assert!(lower[i + 4..].trim_start_matches(['"', '\'']).starts_with("data:"), "url() that is not data:");
    }
    // Every chart is inline, with the key results, inputs and provenance.
    let svgs = doc.descendants().filter(|n| n.tag_name().name() == "svg").count();
    assert_eq!(svgs, r.charts.iter().filter(|(n, _)| n.ends_with(".svg")).count());
    for needle in [
        "Key results",
        "system.utilisation_rate",
        "Inputs and assumptions",
        "Provenance",
        "luanjingtan-pv",
        "corridor-500kv",
    ] {
        assert!(html.contains(needle), "report lacks {needle:?}");
    }
    assert!(html.contains(&r.summary.scenario.sha256));
    assert!(html.contains("@font-face") && html.contains("data:font/ttf;base64,"));
    assert!(html.len() < 3_000_000, "report is {} bytes", html.len());
}

#[test]
fn report_escapes_user_strings() {
    let r = run();
    let s = renamed("<b>&\"", "<script>alert(1)</script>", "z<i>'");
    let charts = chart::render(&s, table(&r.samples), &r.hourly, chart::Formats::All).unwrap();
    let html = report_for(&s, &charts);
    assert!(!html.contains("<b>&\""));
    assert!(!html.contains("<script>"));
    assert!(!html.contains("z<i>"));
    assert!(html.contains("&lt;b&gt;&amp;&quot;"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    roxmltree::Document::parse_with_options(&html, roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() })
        .unwrap_or_else(|e| panic!("report.html is not well-formed with hostile names: {e}"));
    for (name, bytes) in charts.iter().filter(|(n, _)| n.ends_with(".svg")) {
        roxmltree::Document::parse(std::str::from_utf8(bytes).unwrap())
            .unwrap_or_else(|e| panic!("{name} is not well-formed with hostile names: {e}"));
    }
    assert_eq!(report::esc("<b>&\"'"), "&lt;b&gt;&amp;&quot;&#39;");
}

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// Ignored (not passed) where no Chromium was on PATH at build time
/// (build.rs sets `cfg(chromium)`); CI installs Chromium and sets
/// REQUIRE_CHROMIUM=1, which makes it run, and fail without Chromium.
#[test]
#[cfg_attr(
    not(chromium),
    ignore = "no chromium on PATH when built (Debian package `chromium`; CI sets REQUIRE_CHROMIUM=1)"
)]
fn report_loads_in_headless_chromium() {
    let browser = chromium().expect("no chromium on PATH (Debian package `chromium`), but REQUIRE_CHROMIUM=1 or it was there when the tests were built");
    let r = run();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, report::report_html(&r.summary, &r.charts)).unwrap();
    let shot = dir.path().join("shot.png");
    let output = std::process::Command::new("timeout")
        .arg("120")
        .arg(&browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars"])
        .arg(format!("--user-data-dir={}", dir.path().join("profile").display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1280,2400")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "chromium failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let bytes = std::fs::read(&shot).expect("chromium saved no screenshot");
    let (_, w, h, _) = decode(&bytes);
    assert_eq!((w, h), (1280, 2400));
    // The page drew something: the heading and the first charts.
    assert!(ink(&bytes, (0, 0), (1280, 600)) > 5_000, "the screenshot is blank");
}

/// A result's `samples.csv` bytes as the charts' sample table.
fn table(samples_csv: &[u8]) -> chart::data::Table {
    chart::data::Table::parse(samples_csv, "samples.csv").expect("samples.csv parses")
}

/// The summary with the mean of `key` replaced.
fn with_mean(summary: &Summary, key: &str, mean: f64) -> Summary {
    let mut s = summary.clone();
    let m = s.metrics.iter_mut().find(|m| m.estimate.key == key).unwrap_or_else(|| panic!("{key}"));
    m.estimate.mean = mean;
    s
}

#[test]
fn report_and_terminal_show_economics_with_intervals_and_assumptions() {
    let r = run();
    let html = report_for(&r.summary, &r.charts);
    for needle in [
        "<section id=\"economics\">",
        "Net present value",
        "LCOE of renewables used",
        "Capital by part",
        "Line capital",
        "Assumptions: prices and costs",
        "Export tariff",
        "<code>hvdc_converter_capex_cny_per_kw</code>",
        // Key results by people's names, in display units.
        "Curtailed energy",
        "GWh",
    ] {
        assert!(html.contains(needle), "report lacks {needle:?}");
    }
    let table = renewplan::present::terminal::table(&r.summary);
    for needle in ["Utilisation rate", "95 % CI of the mean", "Net present value", "LCOH", "bn CNY"] {
        assert!(table.contains(needle), "terminal table lacks {needle:?}:\n{table}");
    }
    // The bundled plan's electrolysers run well over 500 h: LCOH is a price.
    assert!(!table.contains("not shown"), "{table}");
}

#[test]
fn a_levelised_cost_on_too_few_full_load_hours_is_flagged_not_priced() {
    let r = run();
    let idle = with_mean(&r.summary, "economics.lcoh_full_load_h", 3.0);
    let lcoh = r.summary.metrics.iter().find(|m| m.estimate.key == "economics.lcoh_cny_per_kg").unwrap();
    let price = renewplan::base::fmt::fmt_num(lcoh.estimate.mean);
    let table = renewplan::present::terminal::table(&idle);
    let row = table.lines().find(|l| l.starts_with("LCOH")).expect("LCOH row");
    assert!(!row.contains(&price), "{row}");
    assert!(table.contains("LCOH: not shown: it rests on 3 full-load hours a year (below 500)"), "{table}");
    let html = report_for(&idle, &r.charts);
    assert!(html.contains("<tr class=\"flag\">") && html.contains("rests on 3 full-load hours"));
}

/// The texts of an SVG's `<text>` elements.
fn svg_texts(svg: &[u8]) -> Vec<String> {
    let text = std::str::from_utf8(svg).unwrap();
    let doc = roxmltree::Document::parse(text).unwrap();
    doc.descendants()
        .filter(|n| n.tag_name().name() == "text")
        .map(|n| n.text().unwrap_or_default().trim().to_string())
        .collect()
}

#[test]
fn export_duration_axis_fits_the_corridor_not_the_unlimited_curve() {
    let r = run();
    let texts = svg_texts(file(&r.charts, "charts/export-duration.svg"));
    // The base plan's 2.9 GW corridor: ticks in MW up to a few thousand; the
    // unlimited curve (≈ 23 GW) is cut at the top and says so.
    assert!(texts.iter().any(|t| t.contains("cut at the axis top")), "{texts:?}");
    let ticks: Vec<f64> = texts.iter().filter_map(|t| t.replace(',', "").parse::<f64>().ok()).collect();
    // plotters writes the value-axis ticks first, then the hour-axis ticks
    // (each run starts at 0).
    let second_zero = ticks.iter().skip(1).position(|v| *v == 0.0).map_or(ticks.len(), |i| i + 1);
    let y_top = ticks[..second_zero].iter().copied().fold(0.0, f64::max);
    assert!(y_top > 2900.0 && y_top <= 4500.0, "value axis top {y_top}: {ticks:?}");
    assert!(texts.iter().any(|t| t.starts_with("Transfer limit, all circuits")));
}

#[test]
fn utilisation_distribution_labels_are_distinct_and_far_lines_do_not_stretch_it() {
    let r = run();
    let texts = svg_texts(file(&r.charts, "charts/utilisation-distribution.svg"));
    let ticks: Vec<&String> = texts.iter().filter(|t| t.replace(',', "").parse::<f64>().is_ok()).collect();
    let mut seen = std::collections::BTreeSet::new();
    for t in &ticks {
        assert!(seen.insert(t.as_str()), "tick label {t} appears twice: {ticks:?}");
    }
    // The base plan is near 38 %: the policy lines are off scale, said in the
    // legend, not drawn as labels on the plot.
    assert!(texts.iter().any(|t| t.contains("off scale to the right")), "{texts:?}");
    assert!(!texts.iter().any(|t| t == "95 % policy line"), "{texts:?}");
    let xs: Vec<f64> = ticks.iter().filter(|t| t.contains('.')).filter_map(|t| t.parse().ok()).collect();
    assert!(xs.len() >= 4 && xs.iter().all(|x| (30.0..50.0).contains(x)), "x axis stretched: {xs:?}");
}

#[test]
fn capacity_chart_draws_pv_in_mwac_beside_the_ac_line_ratings() {
    let r = run();
    let texts = svg_texts(file(&r.charts, "charts/capacity.svg"));
    // "AC MWac (DC MWdc)": the bar is the inverter rating, the label adds the
    // array (the base plan's DC/AC ratio is about 1.25).
    let pv = texts.iter().find(|t| t.contains("MWac (") && t.ends_with("MWdc)")).unwrap_or_else(|| panic!("{texts:?}"));
    let num = |s: &str| s.trim().replace(',', "").parse::<f64>().unwrap_or_else(|e| panic!("{s}: {e}"));
    let (ac, rest) = pv.split_once(" MWac (").expect("AC first");
    let dc = num(rest.trim_end_matches(" MWdc)"));
    let ratio = dc / num(ac);
    assert!((1.1..1.5).contains(&ratio), "{pv}: DC/AC {ratio}");
    assert!(texts.iter().any(|t| t.contains("solar in MWac")), "{texts:?}");
}

#[test]
fn sized_keys_are_named_with_their_unit() {
    assert_eq!(
        chart::size_axis("line.uhvdc-800kv.circuit_mw"),
        "line uhvdc-800kv, rating per circuit or HVDC pole (MW)"
    );
    assert_eq!(chart::size_axis("storage.bess.energy_mwh"), "storage bess, energy (MWh)");
    assert_eq!(chart::size_axis("solar_fleet.pv.capacity_mwdc"), "solar fleet pv, capacity (MWdc)");
    assert_eq!(chart::size_axis("line.l.loss_pu"), "line l, loss pu (per unit)");
}
