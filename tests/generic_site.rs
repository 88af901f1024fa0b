//! Generic hourly CSV weather data (issue 3): files with a metadata
//! preamble (NREL PVWatts hourly output, TMY3), time stamps spread over
//! month/day/hour columns without a year, typical-year files whose months
//! come from different years, GHI derived from beam and diffuse
//! irradiance, and the `[site.generic]` table of a scenario. Bad layouts
//! exit 2 naming the file, the line, the column or key and what is
//! accepted.

mod common;

use renewplan::base::calendar::unix_from_civil;
use renewplan::data::generic::{self, GenericSpec};
use renewplan::data::{DataError, TimeConvention, WeatherSeries};
use renewplan::model::scenario::{self, Source};
use renewplan::physics::solar;
use renewplan::sim::engine::{Method, Study};
use std::path::{Path, PathBuf};

const PVWATTS: &str = "generic_pvwatts_style_hourly_39.74_-104.99.csv";
const TMY3: &str = "generic_tmy3_style_34.300_-116.167.csv";

fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixture_path(name)).expect("fixture")
}

fn utc(y: i32, m: u32, d: u32, h: u32) -> f64 {
    unix_from_civil(y, m, d, h, 0, 0.0)
}

fn fails(r: Result<WeatherSeries, DataError>, line: Option<usize>, needles: &[&str]) {
    let e = r.expect_err("must fail");
    assert_eq!(e.line, line, "{e}");
    let msg = e.to_string();
    for n in needles {
        assert!(msg.contains(n), "`{n}` missing from: {msg}");
    }
}

/// Apparent zenith at the middle of the hour starting at `start_utc_s`, as
/// the weather generator computes it.
fn zenith_mid_hour(start_utc_s: f64, lat: f64, lon: f64, elev: f64) -> f64 {
    solar::solar_position(&solar::SpaInput {
        unix_seconds_utc: start_utc_s + 1800.0,
        latitude_deg: lat,
        longitude_deg: lon,
        elevation_m: elev,
        pressure_hpa: solar::pressure_from_elevation_hpa(elev),
        temperature_c: 10.0,
        delta_t_s: 69.0,
        atmos_refraction_deg: 0.5667,
    })
    .zenith_deg
}

// ------------------------------------------------------------ PVWatts

/// PVWatts hourly output: a 16-line quoted preamble, the header on line 17,
/// Month/Day/Hour (0–23, the start of the hour, local standard time), beam
/// (DNI) and diffuse (DHI) irradiance but no GHI, and a totals row.
fn pvwatts_spec() -> GenericSpec {
    GenericSpec {
        header_line: Some(17),
        footer_lines: 1,
        time_column: "Month".into(),
        more_time_columns: vec!["Day".into(), "Hour".into()],
        time_format: "%m %d %H".into(),
        year: Some(2019),
        utc_offset_h: -7.0,
        convention: TimeConvention::IntervalStart,
        dni_column: Some("Beam Irradiance (W/m2)".into()),
        dhi_column: Some("Diffuse Irradiance (W/m2)".into()),
        temp_column: Some("Ambient Temperature (C)".into()),
        wind_column: Some("Wind Speed (m/s)".into()),
        latitude_deg: Some(39.74),
        longitude_deg: Some(-104.99),
        elevation_m: Some(1609.0),
        ..GenericSpec::default()
    }
}

/// (DNI, DHI, temperature, wind) of each data row of the PVWatts fixture.
fn pvwatts_rows(text: &str) -> Vec<[f64; 4]> {
    text.lines()
        .skip(17)
        .filter(|l| !l.starts_with("\"Totals\""))
        .map(|l| {
            let f: Vec<f64> = l.split(',').map(|c| c.trim_matches('"').parse().expect("number")).collect();
            [f[3], f[4], f[5], f[6]]
        })
        .collect()
}

#[test]
fn pvwatts_output_reads_with_preamble_month_day_hour_and_beam_plus_diffuse() {
    let text = fixture(PVWATTS);
    let s = generic::read(&text, PVWATTS, &pvwatts_spec()).unwrap_or_else(|e| panic!("{e}"));
    let rows = pvwatts_rows(&text);
    assert_eq!((s.len(), rows.len()), (48, 48));
    // Month 1, day 1, hour 0 at UTC−7, interval start: 07:00 UTC.
    assert_eq!(s.times_utc_s[0], utc(2019, 1, 1, 7));
    assert_eq!(s.times_utc_s[47], utc(2019, 1, 3, 6));
    assert_eq!(s.wind_height_m, 10.0);
    let mut day = 0;
    for (i, r) in rows.iter().enumerate() {
        let z =
            zenith_mid_hour(utc(2019, 1, 1 + (i / 24) as u32, (i % 24) as u32) + 7.0 * 3600.0, 39.74, -104.99, 1609.0);
        let want = r[0] * z.to_radians().cos().max(0.0) + r[1];
        assert!((s.ghi_w_m2[i] - want).abs() < 1e-9, "row {i}: {} vs {want}", s.ghi_w_m2[i]);
        assert_eq!((s.temp_c[i], s.wind_m_s[i]), (r[2], r[3]), "row {i}");
        day += usize::from(r[0] > 0.0);
    }
    assert!(day >= 16, "daylight rows with beam: {day}");
    // Hand check of the geometry: at solar noon on 1 January (declination
    // −23.0°) the zenith at 39.74° N is about 39.74 + 23.0 = 62.7°; the row
    // of 12:00–13:00 MST (middle 12:30, solar time ≈ 12:26) is close to it.
    let z = zenith_mid_hour(utc(2019, 1, 1, 19), 39.74, -104.99, 1609.0);
    assert!((62.5..63.5).contains(&z), "{z}");
    let i = 12;
    assert!((s.ghi_w_m2[i] - (rows[i][0] * z.to_radians().cos() + rows[i][1])).abs() < 1e-9);
}

#[test]
fn pvwatts_layout_errors_name_the_line() {
    let text = fixture(PVWATTS);
    // Without header_line the title line is read as the header.
    let spec = GenericSpec { header_line: None, ..pvwatts_spec() };
    fails(
        generic::read(&text, PVWATTS, &spec),
        Some(1),
        &["no column `Month`", "PVWatts: Hourly PV Performance Data", "declare header_line"],
    );
    // A header line inside the preamble: the next metadata line is
    // malformed (two fields under a one-field header).
    let spec = GenericSpec {
        header_line: Some(1),
        time_column: "PVWatts: Hourly PV Performance Data".into(),
        more_time_columns: vec![],
        ghi_column: Some("PVWatts: Hourly PV Performance Data".into()),
        dni_column: None,
        dhi_column: None,
        temp_column: None,
        wind_column: None,
        ..pvwatts_spec()
    };
    fails(generic::read(&text, PVWATTS, &spec), Some(2), &["malformed row", "declare header_line"]);
    // Without footer_lines the totals row is read as a time stamp (line 66).
    let spec = GenericSpec { footer_lines: 0, ..pvwatts_spec() };
    fails(
        generic::read(&text, PVWATTS, &spec),
        Some(66),
        &["`Totals  ` in columns `Month`, `Day`, `Hour` does not match the time format `%m %d %H`"],
    );
    // No year anywhere.
    let spec = GenericSpec { year: None, ..pvwatts_spec() };
    fails(generic::read(&text, PVWATTS, &spec), None, &["has no %Y", "non-leap year"]);
    // A header line past the end, a misspelt column.
    let spec = GenericSpec { header_line: Some(500), ..pvwatts_spec() };
    fails(generic::read(&text, PVWATTS, &spec), None, &["header line 500", "66 lines"]);
    let spec = GenericSpec { dhi_column: Some("Diffuse Irradiance".into()), ..pvwatts_spec() };
    fails(
        generic::read(&text, PVWATTS, &spec),
        Some(17),
        &["no column `Diffuse Irradiance` (DHI)", "did you mean `Diffuse Irradiance (W/m2)`?"],
    );
    // Beam and diffuse need the place; not both ways of giving GHI.
    let spec = GenericSpec { latitude_deg: None, ..pvwatts_spec() };
    fails(generic::read(&text, PVWATTS, &spec), None, &["needs the place", "latitude"]);
    let spec = GenericSpec { ghi_column: Some("Albedo".into()), ..pvwatts_spec() };
    fails(generic::read(&text, PVWATTS, &spec), None, &["both a GHI column and DNI/DHI"]);
    let spec = GenericSpec { dhi_column: None, ..pvwatts_spec() };
    fails(generic::read(&text, PVWATTS, &spec), None, &["only one of the DNI and DHI"]);
    // A bad cell names its line and column.
    let bad = text.replacen("\"1\",\"1\",\"12\",\"", "\"1\",\"1\",\"12\",\"x", 1);
    fails(generic::read(&bad, PVWATTS, &pvwatts_spec()), Some(30), &["column `Beam Irradiance (W/m2)`"]);
}

// --------------------------------------------------------------- TMY3

/// TMY3: one metadata line, the header on line 2, date and time in two
/// columns, hours 01:00–24:00 closing their hour, months from different
/// years (January 1988, February 1995), −9900 for missing values.
fn tmy3_spec() -> GenericSpec {
    GenericSpec {
        header_line: Some(2),
        time_column: "Date (MM/DD/YYYY)".into(),
        more_time_columns: vec!["Time (HH:MM)".into()],
        time_format: "%m/%d/%Y %H:%M".into(),
        year: Some(2019),
        utc_offset_h: -8.0,
        convention: TimeConvention::IntervalEnd,
        ghi_column: Some("GHI (W/m^2)".into()),
        temp_column: Some("Dry-bulb (C)".into()),
        wind_column: Some("Wspd (m/s)".into()),
        missing: vec!["-9900".into()],
        latitude_deg: Some(34.3),
        longitude_deg: Some(-116.167),
        elevation_m: Some(626.0),
        ..GenericSpec::default()
    }
}

#[test]
fn tmy3_reads_with_a_replaced_year_and_hour_ending_stamps() {
    let s = generic::read(&fixture(TMY3), TMY3, &tmy3_spec()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.len(), 48);
    // "01/31/1988 01:00" closes 00:00–01:00 local (UTC−8) of 31 January,
    // read in 2019: 08:00 UTC; "01/31/1988 24:00" closes the day and
    // "02/01/1995 01:00" follows it one hour later.
    assert_eq!(s.times_utc_s[0], utc(2019, 1, 31, 8));
    assert_eq!(s.times_utc_s[23], utc(2019, 2, 1, 7));
    assert_eq!(s.times_utc_s[24], utc(2019, 2, 1, 8));
    assert_eq!(s.times_utc_s[47], utc(2019, 2, 2, 7));
    // 02/01 10:00 (row 33) is missing: halfway between 285 and 510 W/m².
    assert_eq!((s.ghi_w_m2[32], s.ghi_w_m2[34]), (285.0, 510.0));
    assert!((s.ghi_w_m2[33] - 397.5).abs() < 1e-9);
    assert_eq!((s.temp_c[9], s.wind_m_s[9]), (10.8, 4.7));
    // With the file's own years the months do not join: February 1995
    // follows January 1988 (line 27).
    let spec = GenericSpec { year: None, ..tmy3_spec() };
    fails(generic::read(&fixture(TMY3), TMY3, &spec), Some(27), &["gap of", "after 1988-02-01 07:00 UTC (line 26)"]);
    // Without the marker −9900 is a negative GHI.
    let spec = GenericSpec { missing: vec![], ..tmy3_spec() };
    fails(generic::read(&fixture(TMY3), TMY3, &spec), Some(36), &["GHI -9900", "negative"]);
}

// ---------------------------------------------------------- scenarios

/// A full year of PVWatts output for 2019: the fixture's preamble and
/// header, then every hour of the year with the values of the fixture's
/// first or second day at that hour (alternating days), and the totals row.
fn pvwatts_year() -> String {
    let text = fixture(PVWATTS);
    let lines: Vec<&str> = text.lines().collect();
    let data: Vec<Vec<&str>> = lines[17..65].iter().map(|l| l.split(',').collect()).collect();
    let mut out: Vec<String> = lines[..17].iter().map(|l| l.to_string()).collect();
    let mut doy = 0;
    for m in 1..=12u32 {
        for d in 1..=renewplan::base::calendar::days_in_month(2019, m) {
            for h in 0..24 {
                let src = &data[(doy % 2) * 24 + h];
                out.push(format!("\"{m}\",\"{d}\",\"{h}\",{}", src[3..].join(",")));
            }
            doy += 1;
        }
    }
    out.push(lines[65].to_string());
    out.join("\r\n") + "\r\n"
}

const GENERIC_SITE: &str = r#"[scenario]
name = "generic-site"
study_year = 2030

[[zone]]
name = "z"
latitude_deg = 39.74
longitude_deg = -104.99
utc_offset_h = -7

[[external_grid]]
name = "grid"

[[site]]
name = "denver"
latitude_deg = 39.74
longitude_deg = -104.99
elevation_m = 1609
wind_height_m = 80
data_file = "pvwatts_hourly.csv"
data_format = "generic"
data_mode = "replay"

[site.generic]
header_line = 17
footer_lines = 1
time_column = ["Month", "Day", "Hour"]
time_format = "%m %d %H"
year = 2019
utc_offset_h = -7
time_convention = "start"
dni_column = "Beam Irradiance (W/m2)"
dhi_column = "Diffuse Irradiance (W/m2)"
temperature_column = "Ambient Temperature (C)"
wind_column = "Wind Speed (m/s)"

[[solar_fleet]]
name = "pv"
zone = "z"
site = "denver"
capacity_mwdc = 100
forced_outage_rate_pu = 0

[[wind_fleet]]
name = "wind"
zone = "z"
site = "denver"
capacity_mw = 100
forced_outage_rate_pu = 0

[[line]]
name = "l"
from = "z"
to = "grid"
circuits = 1
circuit_mw = 1000
outages_per_100km_year = 0
"#;

#[test]
fn a_scenario_site_replays_a_pvwatts_year() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(tmp.path().join("pvwatts_hourly.csv"), pvwatts_year()).expect("write");
    let src = Source { name: "s.toml".into(), dir: Some(tmp.path().to_path_buf()), text: GENERIC_SITE.into() };
    let model = scenario::load(&src).unwrap_or_else(|e| panic!("{e}"));
    let site = &model.sites[0];
    let data = site.data.as_ref().expect("data site");
    assert_eq!((data.format.as_str(), data.series.len()), ("generic", 8760));
    // Wind from the file is at the declared 10 m, not the site's 80 m.
    assert_eq!(site.wind_height_m, 10.0);
    // GHI from beam and diffuse, e.g. on 15 June 11:00–12:00 MST (165 days
    // after 1 January: the fixture's second day at hour 11).
    let rows = pvwatts_rows(&fixture(PVWATTS));
    let day = 31 + 28 + 31 + 30 + 31 + 14;
    let i = day * 24 + 11;
    let start = utc(2019, 6, 15, 11) + 7.0 * 3600.0;
    assert_eq!(data.series.times_utc_s[i], start);
    let z = zenith_mid_hour(start, 39.74, -104.99, 1609.0);
    let r = rows[(day % 2) * 24 + 11];
    let want = r[0] * z.to_radians().cos() + r[1];
    assert!((data.series.ghi_w_m2[i] - want).abs() < 1e-9, "{} vs {want}", data.series.ghi_w_m2[i]);
    // The replayed year drives the fleets: same output every sample.
    let study = Study::new(&model);
    let r = study.run(Method { seed: 1, first: 0, samples: 2, threads: 1 }, &|_| {});
    let pv = r.column(r.registry.index("solar.pv.available_mwh").expect("metric"));
    assert!(pv[0] > 10_000.0 && pv[0] == pv[1], "{pv:?}");
}

/// `renewplan validate` on `scenario` (with the data file `csv` beside it)
/// must exit 2 with every needle in stderr.
fn rejected(scenario: &str, csv: &str, needles: &[&str]) {
    common::validate_rejects(&[("s.toml", scenario), ("pvwatts_hourly.csv", csv)], needles);
}

#[test]
fn bad_generic_sites_exit_2_naming_file_key_and_accepted_values() {
    let year = pvwatts_year();
    let edit = |from: &str, to: &str| {
        assert!(GENERIC_SITE.contains(from), "{from}");
        GENERIC_SITE.replacen(from, to, 1)
    };
    // Scenario keys: the problem points at [site.generic] in s.toml.
    let cases: Vec<(String, Vec<&str>)> = vec![
        (edit("[site.generic]", "[site.other]"), vec!["s.toml", "unknown key `other`", "generic"]),
        (
            edit("data_format = \"generic\"", "data_format = \"pvgis-tmy\""),
            vec!["s.toml:24:", "site[0].generic", "only with data_format = \"generic\""],
        ),
        (
            edit("utc_offset_h = -7\ntime_convention", "time_convention"),
            vec!["site[0].generic.utc_offset_h", "required", "hours ahead of UTC"],
        ),
        (
            edit("time_convention = \"start\"", "time_convention = \"hour-ending\""),
            vec!["s.toml:31:", "site[0].generic.time_convention", "start, middle, end"],
        ),
        (edit("year = 2019\n", ""), vec!["site[0].generic.time_format", "has no %Y", "`year`"]),
        (
            edit("time_format = \"%m %d %H\"", "time_format = \"%m %d %I\""),
            vec!["site[0].generic.time_format", "unknown field `%I`", "%Y %m %d %H %M %S"],
        ),
        (
            edit("footer_lines = 1", "footer_lines = 1\nirradiance_unit = \"lux\""),
            vec!["site[0].generic.irradiance_unit", "W/m2, kW/m2"],
        ),
        (
            edit("footer_lines = 1", "footer_lines = 1\nghi_column = \"GHI\""),
            vec!["site[0].generic.dni_column", "given together with ghi_column"],
        ),
        (
            edit("dhi_column = \"Diffuse Irradiance (W/m2)\"\n", ""),
            vec!["site[0].generic.dhi_column", "both dni_column and dhi_column"],
        ),
        (
            edit("wind_column = \"Wind Speed (m/s)\"\n", ""),
            vec!["site[0].generic.wind_column", "required key `wind_column`"],
        ),
        (
            edit("footer_lines = 1", "footer_lines = 1\ndelimiter = \";;\""),
            vec!["site[0].generic.delimiter", "one ASCII character"],
        ),
        (
            edit("time_column = [\"Month\", \"Day\", \"Hour\"]", "time_column = 5"),
            vec!["s.toml:27:", "not a column name or a list of column names"],
        ),
        (edit("footer_lines = 1", "footer_lines = 1\nskip_rows = 16"), vec!["unknown key `skip_rows`", "header_line"]),
        (edit("header_line = 17", "header_line = 0"), vec!["site[0].generic.header_line", "1-based line number"]),
        (
            edit("data_format = \"generic\"\n", ""),
            vec!["site[0].data_format", "pvgis-tmy, pvgis-hourly, ninja, generic"],
        ),
    ];
    for (text, needles) in &cases {
        rejected(text, &year, needles);
    }
    // data_format = "generic" without the table.
    let no_table = GENERIC_SITE[..GENERIC_SITE.find("[site.generic]").expect("table")].to_string();
    rejected(&no_table, &year, &["site[0].data_format", "without a [site.generic] table"]);
    // The data file: its name, line and column.
    let misspelt = edit("\"Ambient Temperature (C)\"", "\"Ambient Temp (C)\"");
    rejected(
        &misspelt,
        &year,
        &["pvwatts_hourly.csv:17:", "no column `Ambient Temp (C)`", "did you mean `Ambient Temperature (C)`?"],
    );
    let bad_cell = year.replacen("\n\"3\",\"1\",\"0\",\"0\"", "\n\"3\",\"1\",\"0\",\"n/a\"", 1);
    let line = 17 + (31 + 28) * 24 + 1;
    rejected(
        GENERIC_SITE,
        &bad_cell,
        &[&format!("pvwatts_hourly.csv:{line}:"), "`n/a` in column `Beam Irradiance (W/m2)` is not a number"],
    );
    // Two days of data cannot replay a year.
    rejected(GENERIC_SITE, &fixture(PVWATTS), &["pvwatts_hourly.csv", "site[0].data_file"]);
}
