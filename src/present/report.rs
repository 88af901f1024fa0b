//! `report.html`: one self-contained page per result directory.
//!
//! Key results (estimates with their confidence intervals and spread), all
//! charts as inline SVG, the scenario's inputs and assumptions with their
//! sources, and the run's provenance. No JavaScript and no network: the CSS
//! is inline and the glyphs the page uses are embedded as a small subset of
//! the chart font (a `data:` URL), so Chinese names render on a machine
//! without CJK fonts. Every user-supplied string is HTML-escaped. The page
//! is also well-formed XML (void elements closed, no named entities other
//! than XML's), which the tests use to check it.

use crate::base::fmt::fmt_num;
use crate::io::output::{Files, Summary};
use crate::present::chart::style::{self, Tech};
use crate::present::chart::{Kind, fontsub};
use crate::present::names::{self, ECONOMIC, Headline, Lang, PHYSICAL};
use serde_json::Value;
use std::fmt::Write;

/// Escape text for HTML element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            // Control characters are not allowed in HTML or XML text.
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' && c != '\r' => o.push('\u{FFFD}'),
            c => o.push(c),
        }
    }
    o
}

/// A value and its unit for people: fractions as percentages, rounding
/// noise (|x| < 1e-6) as 0.
fn show(x: f64, unit: &str) -> String {
    if x.abs() < 1e-6 {
        "0".into()
    } else if unit == "fraction" {
        format!("{:.2}", x * 100.0)
    } else {
        fmt_num(x)
    }
}

/// A whole number with thousands separators.
fn int(x: f64) -> String {
    if x.abs() >= 1000.0 { fmt_num(x) } else { format!("{x:.0}") }
}

fn show_unit(unit: &str) -> &str {
    if unit == "fraction" { "%" } else { unit }
}

fn metrics_table(out: &mut String, summary: &Summary) {
    let rows = &summary.metrics;
    out.push_str(
        "<table class=\"num\"><thead><tr><th>Metric</th><th>Mean</th><th>95 % CI of the mean</th>\
         <th>P10</th><th>P50</th><th>P90</th><th>Unit</th><th>Meaning</th></tr></thead><tbody>\n",
    );
    for m in rows {
        let e = &m.estimate;
        let ci = 1.96 * e.std_error;
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{} – {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"text\">{}</td></tr>",
            esc(&e.key),
            esc(&show(e.mean, &e.unit)),
            esc(&show(e.mean - ci, &e.unit)),
            esc(&show(e.mean + ci, &e.unit)),
            esc(&show(e.p10, &e.unit)),
            esc(&show(e.p50, &e.unit)),
            esc(&show(e.p90, &e.unit)),
            esc(show_unit(&e.unit)),
            esc(&m.description)
        );
    }
    out.push_str("</tbody></table>\n");
}

/// Headline metrics with people's names in display units: mean, 95 % CI
/// of the mean, P10 / P50 / P90. A levelised cost resting on too few
/// full-load hours shows a note instead of figures.
fn headline_table(out: &mut String, summary: &Summary, list: &[Headline], lang: Lang) {
    let _ = writeln!(
        out,
        "<table class=\"num\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>P10</th><th>P50</th><th>P90</th><th>{}</th></tr></thead><tbody>",
        lang.pick("Metric", "指标"),
        lang.pick("Mean", "均值"),
        lang.pick("95 % CI of the mean", "均值 95 % 置信区间"),
        lang.pick("Unit", "单位"),
    );
    for hl in list {
        let Some(m) = names::find(summary, hl.key) else { continue };
        let e = &m.estimate;
        let name = format!("<span title=\"{}\">{}</span>", esc(&e.key), esc(hl.name(lang)));
        if let Some(note) = names::thin_note(summary, hl.key, lang) {
            let _ = writeln!(
                out,
                "<tr class=\"flag\"><td>{name}</td><td colspan=\"5\" class=\"text\">{}</td><td>{}</td></tr>",
                esc(&note),
                esc(hl.unit(lang))
            );
            continue;
        }
        let ci = 1.96 * e.std_error;
        let _ = writeln!(
            out,
            "<tr><td>{name}</td><td>{}</td><td>{} – {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&hl.show(lang, e.mean)),
            esc(&hl.show(lang, e.mean - ci)),
            esc(&hl.show(lang, e.mean + ci)),
            esc(&hl.show(lang, e.p10)),
            esc(&hl.show(lang, e.p50)),
            esc(&hl.show(lang, e.p90)),
            esc(hl.unit(lang))
        );
    }
    out.push_str("</tbody></table>\n");
}

/// An input number for people: whole numbers without decimals, others to
/// 4 significant figures without trailing zeros (90 km, 6 %, 0.032 bn).
fn tidy(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    if x.fract() == 0.0 {
        return int(x);
    }
    let s = fmt_num(x);
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}

/// A number from the model's JSON.
fn num_of(v: &Value, k: &str) -> f64 {
    v.get(k).and_then(Value::as_f64).unwrap_or(f64::NAN)
}

/// The economics section: results with their intervals, capital by part
/// and by line, and the prices and unit costs assumed.
fn economics(out: &mut String, summary: &Summary, lang: Lang) {
    let _ = writeln!(out, "<section id=\"economics\"><h2>{}</h2>", lang.pick("Economics", "经济性"));
    let _ = writeln!(
        out,
        "<p class=\"muted\">{}</p>",
        esc(lang.pick(
            "Costs of the system installed in the study year: capital annualised over each technology's life at the discount rate, plus fixed O&M per kW-year and variable O&M per MWh; revenue from exports and hydrogen at the prices below. Net present value counts every year of the project life like this one.",
            "研究年已建系统的费用：各类设备投资按折现率在寿命期内年金化，加每千瓦年固定运维费和每兆瓦时可变运维费；收入为外送电量和氢气按下列价格计。净现值假定项目寿命期内每年与本年相同。",
        ))
    );
    headline_table(out, summary, ECONOMIC, lang);
    let Some(ec) = summary.model.get("economics") else {
        out.push_str("</section>\n");
        return;
    };
    let parts = [
        ("capex_wind_cny", "Wind", "风电"),
        ("capex_solar_cny", "PV", "光伏"),
        ("capex_storage_cny", "Storage", "储能"),
        ("capex_electrolysers_cny", "Electrolysers", "电解槽"),
        ("capex_lines_cny", "Lines and converter stations", "输电线路及换流站"),
    ];
    let capex = &ECONOMIC[0];
    if parts.iter().any(|(k, _, _)| ec.get(*k).is_some()) {
        let _ = writeln!(
            out,
            "<h3>{}</h3><table class=\"num\"><thead><tr><th>{}</th><th>{} ({})</th></tr></thead><tbody>",
            lang.pick("Capital by part", "投资构成"),
            lang.pick("Part", "部分"),
            lang.pick("Capital", "投资"),
            esc(capex.unit(lang))
        );
        for (k, en, zh) in parts {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td></tr>",
                esc(lang.pick(en, zh)),
                esc(&tidy(num_of(ec, k) * capex.scale(lang)))
            );
        }
        out.push_str("</tbody></table>\n");
    }
    let lines = arr(ec, "lines");
    if !lines.is_empty() {
        let _ = writeln!(
            out,
            "<h3>{}</h3><p class=\"muted\">{}</p><table class=\"num\"><thead><tr><th>{}</th><th>{}</th><th>{} (MW)</th><th>{} (km)</th><th>{} (CNY/(MW·km))</th><th>{} (CNY/kW)</th><th>{} ({})</th></tr></thead><tbody>",
            lang.pick("Line capital", "线路投资"),
            esc(lang.pick(
                "Rating with every circuit up × length × cost per MW·km, plus converter stations per kW of rating for HVDC.",
                "额定容量（全部回路投运）× 长度 × 每兆瓦公里造价，直流线路另加每千瓦换流站造价。",
            )),
            lang.pick("Line", "线路"),
            lang.pick("Technology", "类型"),
            lang.pick("Rating", "额定容量"),
            lang.pick("Length", "长度"),
            lang.pick("Line cost", "线路造价"),
            lang.pick("Converters", "换流站"),
            lang.pick("Capital", "投资"),
            esc(capex.unit(lang))
        );
        for l in lines {
            let hvdc = l.get("hvdc").and_then(Value::as_bool).unwrap_or(false);
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&str_of(l.get("name").unwrap_or(&Value::Null))),
                if hvdc { "HVDC" } else { "AC" },
                esc(&tidy(num_of(l, "rating_mw"))),
                esc(&tidy(num_of(l, "length_km"))),
                esc(&tidy(num_of(l, "capex_cny_per_mw_km"))),
                if hvdc { esc(&tidy(num_of(l, "converter_capex_cny_per_kw"))) } else { "—".into() },
                esc(&tidy(num_of(l, "capex_cny") * capex.scale(lang)))
            );
        }
        out.push_str("</tbody></table>\n");
    }
    let assumptions = arr(ec, "assumptions");
    if !assumptions.is_empty() {
        let _ = writeln!(
            out,
            "<h3>{}</h3><p class=\"muted\">{}</p><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            lang.pick("Assumptions: prices and costs", "假设：价格与造价"),
            esc(lang.pick(
                "As resolved for this run (the scenario's [economics] keys, or the defaults of docs/scenario-reference.md, which give each default's source).",
                "本次计算采用的取值（情景文件 [economics] 中的设定，或 docs/scenario-reference.md 中注明来源的默认值）。",
            )),
            lang.pick("Assumption", "假设"),
            lang.pick("Value", "取值"),
            lang.pick("Unit", "单位"),
            lang.pick("Key", "键"),
        );
        for a in assumptions {
            let unit = str_of(a.get("unit").unwrap_or(&Value::Null));
            let v = num_of(a, "value");
            let shown = if unit.starts_with("fraction") { format!("{} %", tidy(v * 100.0)) } else { tidy(v) };
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td><td><code>{}</code></td></tr>",
                esc(&str_of(a.get("label").unwrap_or(&Value::Null))),
                esc(&shown),
                esc(unit.strip_prefix("fraction ").unwrap_or(&unit)),
                esc(&str_of(a.get("key").unwrap_or(&Value::Null)))
            );
        }
        out.push_str("</tbody></table>\n");
    }
    out.push_str("</section>\n");
}

fn str_of(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            // 4 significant figures: a resolved 24.4579 MW mean reads 24.46.
            Some(x) => tidy(x),
            None => n.to_string(),
        },
        Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
        Value::Array(a) => a.iter().map(str_of).collect::<Vec<_>>().join(", "),
        Value::Object(_) => v.to_string(),
    }
}

/// A table of model items: `cols` are (JSON key, header); keys `zone`,
/// `from` and `to` are shown as node names.
fn items_table(out: &mut String, title: &str, items: &[Value], cols: &[(&str, &str)], nodes: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "<h3>{}</h3>", esc(title));
    out.push_str("<table><thead><tr>");
    for (_, h) in cols {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>\n");
    for it in items {
        out.push_str("<tr>");
        for (k, _) in cols {
            let v = it.get(*k).unwrap_or(&Value::Null);
            let s = match (*k, v.as_u64()) {
                ("zone" | "from" | "to", Some(i)) => nodes.get(i as usize).cloned().unwrap_or_else(|| i.to_string()),
                ("outages", _) => match (v.get("units"), v.get("p_fail"), v.get("p_repair")) {
                    (Some(u), Some(f), Some(r)) => {
                        let (f, r) = (f.as_f64().unwrap_or(0.0), r.as_f64().unwrap_or(1.0));
                        if f <= 0.0 {
                            format!("{} units, none", str_of(u))
                        } else {
                            format!(
                                "{} units, FOR {:.2} %, MTTR {:.0} h",
                                str_of(u),
                                f / (f + r) * 100.0,
                                1.0 / r.max(1e-12)
                            )
                        }
                    }
                    _ => str_of(v),
                },
                _ => str_of(v),
            };
            let _ = write!(out, "<td>{}</td>", esc(&s));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
}

fn arr<'a>(v: &'a Value, k: &str) -> &'a [Value] {
    v.get(k).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn inputs(out: &mut String, summary: &Summary, files: &Files, lang: Lang) {
    let m = &summary.model;
    let mut nodes: Vec<String> =
        arr(m, "zones").iter().map(|z| str_of(z.get("name").unwrap_or(&Value::Null))).collect();
    nodes.extend(arr(m, "external_grids").iter().map(|z| str_of(z.get("name").unwrap_or(&Value::Null))));
    let _ = writeln!(out, "<section id=\"inputs\"><h2>{}</h2>", lang.pick("Inputs and assumptions", "输入与假设"));
    let _ = writeln!(
        out,
        "<p>{}</p>",
        esc(lang.pick(
            "The model as the engine resolved it for the study year (schedules evaluated, defaults applied). Each number's source is given next to it in the scenario file, reproduced below.",
            "研究年模型的实际取值（已按建设时序取值并补全默认值）。各数据的来源见下方情景文件中的注释。",
        ))
    );
    if !summary.scenario.sources.is_empty() {
        out.push_str("<h3>Sources</h3><ul>\n");
        for s in &summary.scenario.sources {
            let _ = writeln!(out, "<li>{}</li>", esc(s));
        }
        out.push_str("</ul>\n");
    }
    items_table(
        out,
        "Zones",
        arr(m, "zones"),
        &[
            ("name", "Zone"),
            ("latitude_deg", "Latitude (°)"),
            ("longitude_deg", "Longitude (°)"),
            ("elevation_m", "Elevation (m)"),
            ("utc_offset_h", "UTC offset (h)"),
        ],
        &nodes,
    );
    items_table(
        out,
        "External grids",
        arr(m, "external_grids"),
        &[("name", "Grid"), ("max_export_mw", "Max export (MW)"), ("max_import_mw", "Max import (MW)")],
        &nodes,
    );
    items_table(
        out,
        "Wind fleets",
        arr(m, "wind_fleets"),
        &[
            ("name", "Fleet"),
            ("zone", "Zone"),
            ("capacity_mw", "Capacity (MW)"),
            ("turbine", "Turbine"),
            ("hub_height_m", "Hub height (m)"),
            ("area_km2", "Area (km²)"),
            ("losses_pu", "Losses (pu)"),
            ("outages", "Outages"),
        ],
        &nodes,
    );
    items_table(
        out,
        "Solar fleets",
        arr(m, "solar_fleets"),
        &[
            ("name", "Fleet"),
            ("zone", "Zone"),
            ("capacity_mwdc", "Capacity (MWdc)"),
            ("capacity_mwac", "Inverters (MWac)"),
            ("mounting", "Mounting"),
            ("tilt_deg", "Tilt (°)"),
            ("azimuth_deg", "Azimuth (°)"),
            ("losses_pu", "Losses (pu)"),
            ("degradation_factor_pu", "Degradation factor (pu)"),
            ("outages", "Outages"),
        ],
        &nodes,
    );
    items_table(
        out,
        "Storage",
        arr(m, "storage"),
        &[
            ("name", "Plant"),
            ("zone", "Zone"),
            ("technology", "Technology"),
            ("charge_mw", "Charge (MW)"),
            ("discharge_mw", "Discharge (MW)"),
            ("energy_mwh", "Energy (MWh)"),
            ("charge_efficiency_pu", "Charge efficiency (pu)"),
            ("discharge_efficiency_pu", "Discharge efficiency (pu)"),
            ("outages", "Outages"),
        ],
        &nodes,
    );
    items_table(
        out,
        "Electrolysers",
        arr(m, "electrolysers"),
        &[
            ("name", "Plant"),
            ("zone", "Zone"),
            ("capacity_mw", "Capacity (MW)"),
            ("min_load_pu", "Minimum load (pu)"),
            ("consumption_kwh_per_kg", "Consumption (kWh/kg)"),
            ("store_kg", "Store (kg)"),
            ("offtake_kg_per_h", "Offtake (kg/h)"),
            ("outages", "Outages"),
        ],
        &nodes,
    );
    items_table(
        out,
        "Dispatchable generators",
        arr(m, "generators"),
        &[
            ("name", "Unit"),
            ("zone", "Zone"),
            ("capacity_mw", "Capacity (MW)"),
            ("variable_cost_cny_per_mwh", "Variable cost (CNY/MWh)"),
            ("co2_t_per_mwh", "CO₂ (t/MWh)"),
            ("outages", "Outages"),
        ],
        &nodes,
    );
    items_table(
        out,
        "Loads",
        arr(m, "loads"),
        &[("name", "Load"), ("zone", "Zone"), ("mean_mw", "Mean (MW)"), ("firm", "Firm")],
        &nodes,
    );
    items_table(
        out,
        "Lines",
        arr(m, "lines"),
        &[
            ("name", "Line"),
            ("from", "From"),
            ("to", "To"),
            ("circuits", "Circuits"),
            ("capacity_by_circuits_up_mw", "Limit with 0, 1, … circuits up (MW)"),
            ("loss_pu", "Losses (pu)"),
            ("outages", "Outages"),
        ],
        &nodes,
    );
    if let Some(d) = m.get("dispatch") {
        out.push_str("<h3>Dispatch rules and emission factors</h3><table><tbody>\n");
        let _ = writeln!(
            out,
            "<tr><th>Surplus priority</th><td>{}</td></tr>",
            esc(&str_of(d.get("surplus_priority").unwrap_or(&Value::Null)))
        );
        let _ = writeln!(
            out,
            "<tr><th>Storage may discharge to export</th><td>{}</td></tr>",
            esc(&str_of(d.get("storage_discharge_to_export").unwrap_or(&Value::Null)))
        );
        if let Some(e) = m.get("emissions") {
            let _ = writeln!(
                out,
                "<tr><th>Grid CO₂ factor (t/MWh)</th><td>{}</td></tr>",
                esc(&str_of(e.get("grid_co2_t_per_mwh").unwrap_or(&Value::Null)))
            );
            let _ = writeln!(
                out,
                "<tr><th>Standard coal (tce/MWh)</th><td>{}</td></tr>",
                esc(&str_of(e.get("coal_tce_per_mwh").unwrap_or(&Value::Null)))
            );
        }
        out.push_str("</tbody></table>\n");
    }
    if let Some((_, text)) = files.iter().find(|(n, _)| n == "scenario.toml") {
        let _ = writeln!(
            out,
            "<details><summary>Scenario file <code>{}</code> as run</summary><pre>{}</pre></details>",
            esc(&summary.scenario.file),
            esc(&String::from_utf8_lossy(text))
        );
    }
    out.push_str("</section>\n");
}

fn provenance(out: &mut String, s: &Summary, lang: Lang) {
    let _ = writeln!(out, "<section id=\"provenance\"><h2>{}</h2><table><tbody>", lang.pick("Provenance", "计算来源"));
    let rows = [
        ("Program", format!("{} {}", s.program.name, s.program.version)),
        ("Scenario", s.scenario.name.clone()),
        ("Scenario file", s.scenario.file.clone()),
        ("Scenario SHA-256", s.scenario.sha256.clone()),
        ("Study year", s.scenario.study_year.to_string()),
        ("Seed", s.run.seed.to_string()),
        (
            "Samples",
            format!(
                "{} (indices {} to {})",
                s.run.samples,
                s.run.first_sample,
                (s.run.first_sample + s.run.samples).saturating_sub(1)
            ),
        ),
        ("Hours per sample", int(s.run.hours as f64)),
        ("Representative sample", format!("{} (median of {})", s.representative.sample, s.representative.metric)),
        (
            "Run time",
            format!(
                "{:.2} s on {} threads ({:.0} sample-years/s)",
                s.timing.elapsed_s, s.timing.threads, s.timing.sample_years_per_s
            ),
        ),
        ("Reproduce", format!("renewplan run {} --samples {} --seed {}", s.scenario.file, s.run.samples, s.run.seed)),
    ];
    for (k, v) in rows {
        let _ = writeln!(out, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(&v));
    }
    out.push_str("</tbody></table></section>\n");
}

/// The SVG element of a chart file, without any XML prolog.
fn svg_element(bytes: &[u8]) -> Option<&str> {
    let s = std::str::from_utf8(bytes).ok()?;
    let start = s.find("<svg")?;
    let end = s.rfind("</svg>")? + "</svg>".len();
    (start < end).then(|| &s[start..end])
}

const CSS: &str = r#"
:root { --text: #1a1a1a; --muted: #5f5f5f; --rule: #d9d9d9; --band: #f6f6f6; }
* { box-sizing: border-box; }
body { font-family: "renewplan-sans", "Noto Sans", "Helvetica Neue", Arial, sans-serif; color: var(--text);
       margin: 0 auto; max-width: 1180px; padding: 24px 28px 60px; line-height: 1.45; background: #fff; }
svg text { font-family: "renewplan-sans", sans-serif; }
h1 { font-size: 1.7em; margin: 0.2em 0 0.1em; font-weight: normal; }
h2 { font-size: 1.3em; margin: 1.8em 0 0.5em; border-bottom: 1px solid var(--rule); padding-bottom: 0.2em; font-weight: normal; }
h3 { font-size: 1.05em; margin: 1.3em 0 0.4em; }
p.sub, .muted { color: var(--muted); }
nav { margin: 1em 0; padding: 0.6em 0.9em; background: var(--band); }
nav a { margin-right: 1.2em; color: inherit; }
table { border-collapse: collapse; margin: 0.4em 0 1em; font-size: 0.9em; }
th, td { border-bottom: 1px solid var(--rule); padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #999; }
table.num td { text-align: right; white-space: nowrap; }
table.num td:first-child, table.num td.text { text-align: left; white-space: normal; }
td.n { text-align: right; white-space: nowrap; }
tr.flag td.text { color: #8a4b00; font-style: italic; }
figure { margin: 1.2em 0 2em; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid var(--rule); }
figcaption { font-size: 0.92em; margin-top: 0.4em; }
.key span { display: inline-block; margin: 0 1.2em 0.3em 0; }
.key i { display: inline-block; width: 1.4em; height: 0.9em; margin-right: 0.4em; vertical-align: -0.05em; }
pre { background: var(--band); padding: 0.8em; overflow-x: auto; font-size: 0.82em; white-space: pre-wrap; }
code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace, "renewplan-sans"; }
code { font-size: 0.92em; }
details { margin: 0.6em 0 1em; }
summary { cursor: pointer; }
footer { margin-top: 3em; font-size: 0.85em; color: var(--muted); }
@media print { body { max-width: none; padding: 0; } nav { display: none; } }
"#;

/// Self-contained report.html (inline SVG and CSS, no JS, no network),
/// every user string HTML-escaped. `charts` are the files from
/// [`crate::present::chart::render`]; if it also holds `scenario.toml`, the
/// scenario text is included under the inputs.
pub fn report_html(summary: &Summary, charts: &Files) -> Vec<u8> {
    report_html_in(summary, charts, Lang::En)
}

/// [`report_html`] in `lang`: headings, key results, economics and the
/// metric names in English or Chinese (利用率, 弃风弃光电量, 外送电量,
/// 制氢量, 度电成本 …); the full metric list, the inputs tables and the
/// charts stay in English.
pub fn report_html_in(summary: &Summary, charts: &Files, lang: Lang) -> Vec<u8> {
    let s = summary;
    let mut body = String::new();
    let title = if s.scenario.title.is_empty() { s.scenario.name.clone() } else { s.scenario.title.clone() };
    let _ = writeln!(body, "<header><h1>{}</h1>", esc(&title));
    let _ = writeln!(
        body,
        "<p class=\"sub\">Scenario <code>{}</code> · study year {} · {} sampled years · seed {} · {} {}</p>",
        esc(&s.scenario.name),
        s.scenario.study_year,
        int(s.run.samples as f64),
        s.run.seed,
        esc(&s.program.name),
        esc(&s.program.version)
    );
    if let Some(d) = s.model.get("description").and_then(Value::as_str).filter(|d| !d.trim().is_empty()) {
        let _ = writeln!(body, "<p>{}</p>", esc(d.trim()));
    }
    body.push_str("</header>\n");
    let results_h = lang.pick("Key results", "主要结果");
    let _ = writeln!(
        body,
        "<nav><a href=\"#results\">{results_h}</a><a href=\"#economics\">{}</a><a href=\"#charts\">{}</a><a href=\"#inputs\">{}</a><a href=\"#provenance\">{}</a></nav>",
        lang.pick("Economics", "经济性"),
        lang.pick("Charts", "图表"),
        lang.pick("Inputs and assumptions", "输入与假设"),
        lang.pick("Provenance", "计算来源"),
    );

    let _ = writeln!(body, "<section id=\"results\"><h2>{results_h}</h2>");
    let _ = writeln!(
        body,
        "<p class=\"muted\">{}</p>",
        esc(lang.pick(
            "Mean over the sampled years with the 95 % confidence interval of that mean (± 1.96 standard errors: how precisely the sampling pins it down), and P10 / P50 / P90 across years (how much one year varies). Rates are in %.",
            "各抽样年份的均值及其 95 % 置信区间（± 1.96 倍标准误差：抽样对均值的确定程度），以及各年份间的 P10 / P50 / P90（单一年份的波动）。比率以 % 表示。",
        ))
    );
    headline_table(&mut body, s, PHYSICAL, lang);
    let _ = writeln!(
        body,
        "<details><summary>{}</summary>",
        match lang {
            Lang::En => format!("All {} metrics (system, zones, fleets, lines, plants)", s.metrics.len()),
            Lang::Zh => format!("全部 {} 项指标（系统、分区、场站、线路、设备）", s.metrics.len()),
        }
    );
    metrics_table(&mut body, s);
    body.push_str("</details></section>\n");
    economics(&mut body, s, lang);

    let _ = write!(body, "<section id=\"charts\"><h2>{}</h2>\n<p class=\"key\">", lang.pick("Charts", "图表"));
    for t in Tech::ALL {
        let _ = write!(body, "<span><i style=\"background:{}\"></i>{}</span>", style::hex(t.colour()), esc(t.label()));
    }
    body.push_str("</p>\n");
    let mut k = 0;
    for (name, bytes) in charts {
        let Some(stem) = name.strip_prefix("charts/").and_then(|n| n.strip_suffix(".svg")) else { continue };
        let Some(svg) = svg_element(bytes) else { continue };
        k += 1;
        let caption = Kind::ALL.iter().find(|c| c.stem() == stem).map_or("", |c| c.caption());
        let _ = writeln!(
            body,
            "<figure id=\"fig-{}\">\n{}\n<figcaption><b>Figure {k}.</b> {} <span class=\"muted\">(<code>charts/{}.svg</code>, <code>charts/{}.png</code>)</span></figcaption></figure>",
            esc(stem),
            svg,
            esc(caption),
            esc(stem),
            esc(stem)
        );
    }
    if k == 0 {
        body.push_str("<p class=\"muted\">No charts were drawn for this run.</p>\n");
    }
    body.push_str("</section>\n");
    inputs(&mut body, s, charts, lang);
    provenance(&mut body, s, lang);
    let _ = writeln!(
        body,
        "<footer>Generated by {} {} from the result files in this directory. Charts: WenQuanYi Micro Hei (Apache-2.0), embedded.</footer>",
        esc(&s.program.name),
        esc(&s.program.version)
    );

    // Embed exactly the glyphs the page uses.
    let font_face = fontsub::subset(style::FONT, body.chars().chain(title.chars()).chain((' '..='~').chain("–—…·±×°%".chars())))
        .map(|f| {
            format!(
                "@font-face {{ font-family: \"renewplan-sans\"; src: url(\"data:font/ttf;base64,{}\") format(\"truetype\"); }}\n",
                fontsub::base64(&f)
            )
        })
        .unwrap_or_default();

    let mut html = String::with_capacity(body.len() + font_face.len() + 4096);
    let _ = writeln!(html, "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\"/>", lang.code());
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
    let _ =
        writeln!(html, "<meta name=\"generator\" content=\"{} {}\"/>", esc(&s.program.name), esc(&s.program.version));
    let _ = writeln!(html, "<title>{} — {} report</title>", esc(&title), esc(&s.program.name));
    html.push_str("<style>\n");
    html.push_str(&font_face);
    html.push_str(CSS);
    html.push_str("</style>\n</head>\n<body>\n");
    html.push_str(&body);
    html.push_str("</body>\n</html>\n");
    html.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_rounded_for_people() {
        let n = |x: f64| str_of(&serde_json::json!(x));
        assert_eq!(n(24.4579), "24.46");
        assert_eq!(n(25.0), "25");
        assert_eq!(n(0.0025), "0.0025");
        assert_eq!(n(0.97), "0.97");
        assert_eq!(n(12_345.678), "12,346");
        assert_eq!(tidy(0.06 * 100.0), "6");
    }
}
