//! Weather data import (`renewplan::data`): every reader on a small file in
//! the exact export format (tests/data, see its README) and on malformed
//! edits of it; replay and the seasonal block bootstrap; and the fit of the
//! weather generator recovering known parameters.

use rand::RngExt;
use rand_distr::StandardNormal;
use renewplan::base::calendar;
use renewplan::data::generic::{self, GenericSpec};
use renewplan::data::ninja::{self, NinjaSeries};
use renewplan::data::{self, DataError, TimeConvention, WeatherSeries, bootstrap, pvgis};
use renewplan::model::scenario::{self, Source};
use renewplan::physics::solar;
use renewplan::sim::weather::{KC_MAX, Weather, WeatherModel, norm_cdf};
use renewplan::study::fit;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn utc(y: i32, m: u32, d: u32, h: u32) -> f64 {
    calendar::unix_from_civil(y, m, d, h, 0, 0.0)
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

/// The error of a result that must fail; checks that its display names the
/// file and `line` and contains every one of `words`.
#[track_caller]
fn fails<T: std::fmt::Debug>(r: Result<T, DataError>, line: Option<usize>, words: &[&str]) -> DataError {
    let e = r.expect_err("should fail");
    let shown = e.to_string();
    assert_eq!(e.line, line, "{shown}");
    match line {
        Some(l) => assert!(shown.starts_with(&format!("{}:{l}: ", e.file)), "{shown}"),
        None => assert!(shown.starts_with(&format!("{}: ", e.file)), "{shown}"),
    }
    for w in words {
        assert!(shown.contains(w), "`{w}` not in: {shown}");
    }
    assert!(shown.contains("(accepted: "), "{shown}");
    e
}

/// `text` with 1-based line `line` replaced by `f(old)` (`None`: deleted);
/// keeps the file's line ending.
fn edit_line(text: &str, line: usize, f: impl Fn(&str) -> Option<String>) -> String {
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out: Vec<String> = Vec::new();
    for (i, l) in text.split(eol).enumerate() {
        if i + 1 == line {
            if let Some(n) = f(l) {
                out.push(n);
            }
        } else {
            out.push(l.to_string());
        }
    }
    out.join(eol)
}

/// Replace field `k` (comma-separated) of line `line`.
fn edit_field(text: &str, line: usize, k: usize, value: &str) -> String {
    edit_line(text, line, |l| {
        let mut f: Vec<&str> = l.split(',').collect();
        f[k] = value;
        Some(f.join(","))
    })
}

// ------------------------------------------------------------- PVGIS TMY

const TMY: &str = "pvgis_tmy_45.000_8.000_2005_2020.csv";
/// Line of TMY data row `i` (0-based): 17 header lines, the column header on 18.
fn tmy_line(i: usize) -> usize {
    19 + i
}

#[test]
fn pvgis_tmy_reads_the_export() {
    let s = pvgis::read_tmy(&fixture(TMY), TMY).unwrap();
    assert_eq!(s.len(), 8760);
    assert_eq!((s.latitude_deg, s.longitude_deg, s.elevation_m), (Some(45.0), Some(8.0), Some(250.0)));
    assert_eq!(s.wind_height_m, 10.0);
    // First row: 20180101:0000,-0.99,99.51,0.0,0.0,0.0,296.04,3.13,209.7,98380.1
    assert_eq!(s.times_utc_s[0], utc(2018, 1, 1, 0));
    assert_eq!((s.temp_c[0], s.ghi_w_m2[0], s.wind_m_s[0]), (-0.99, 0.0, 3.13));
    // February comes from 2012 without its 29th: row 1416 is 1 March (of 2016).
    assert_eq!(s.times_utc_s[1415], utc(2012, 2, 28, 23));
    assert_eq!(s.times_utc_s[1416], utc(2016, 3, 1, 0));
    assert_eq!((s.temp_c[1416], s.wind_m_s[1416]), (1.22, 2.62));
    // 20050707:1200,25.68,43.07,570.00,411.32,199.50,402.74,2.50,343.6,97624.8
    assert_eq!(s.times_utc_s[4500], utc(2005, 7, 7, 12));
    assert_eq!((s.temp_c[4500], s.ghi_w_m2[4500], s.wind_m_s[4500]), (25.68, 570.0, 2.5));
    // Last row: 20081231:2300,-2.01,99.79,0.0,0.0,0.0,291.97,2.58,70.0,98381.3
    assert_eq!(s.times_utc_s[8759], utc(2008, 12, 31, 23));
    assert_eq!((s.temp_c[8759], s.wind_m_s[8759]), (-2.01, 2.58));
}

#[test]
fn pvgis_tmy_malformed_files_name_the_line() {
    let text = fixture(TMY);
    // Row 100 is 20180105:0400.
    let bad = edit_field(&text, tmy_line(100), 0, "2018015:0400");
    fails(pvgis::read_tmy(&bad, TMY), Some(tmy_line(100)), &["`2018015:0400` is not a PVGIS time stamp"]);
    let bad = edit_field(&text, tmy_line(101), 0, "20180105:0400");
    fails(pvgis::read_tmy(&bad, TMY), Some(tmy_line(101)), &["duplicate hour 2018-01-05 04:00 UTC", "line 119"]);
    let bad = edit_line(&text, tmy_line(200), |_| None);
    fails(pvgis::read_tmy(&bad, TMY), Some(tmy_line(200)), &["2018-01-09 09:00 UTC follows 2018-01-09 07:00 UTC"]);
    // July's year in the months-selected block (line 12) disagrees with the rows.
    let bad = edit_line(&text, 12, |_| Some("7,2006".into()));
    let july = 181 * 24;
    fails(pvgis::read_tmy(&bad, TMY), Some(tmy_line(july)), &["gives 2006 for month 7 (line 12)"]);
    let bad = edit_field(&text, tmy_line(300), 1, "nan");
    fails(pvgis::read_tmy(&bad, TMY), Some(tmy_line(300)), &["`nan` in column `T2m` is not a number"]);
    let bad = edit_field(&text, tmy_line(4500), 3, "1650.0");
    fails(pvgis::read_tmy(&bad, TMY), Some(tmy_line(4500)), &["GHI 1650 W/m²", "above 1500"]);
    let bad = edit_field(&text, tmy_line(4500), 7, "-1.0");
    fails(pvgis::read_tmy(&bad, TMY), Some(tmy_line(4500)), &["wind speed -1 m/s", "negative"]);
    let bad = edit_line(&text, tmy_line(4500), |l| Some(format!("{l},3")));
    fails(pvgis::read_tmy(&bad, TMY), Some(tmy_line(4500)), &["11 fields, the header has 10"]);
    // Cut after 8736 rows (the legend stays): ends on 30 December.
    let mut lines: Vec<&str> = text.split("\r\n").collect();
    lines.drain(tmy_line(8736) - 1..tmy_line(8760) - 1);
    fails(pvgis::read_tmy(&lines.join("\r\n"), TMY), Some(tmy_line(8735)), &["end at 2008-12-30 23:00 UTC"]);
    let bad = edit_line(&text, 18, |_| None);
    fails(pvgis::read_tmy(&bad, TMY), None, &["no column header starting `time(utc)`"]);
    let bad = edit_line(&text, 18, |l| Some(l.replace("G(h)", "GHI")));
    fails(pvgis::read_tmy(&bad, TMY), Some(18), &["no column `G(h)`"]);
    // A data row after the legend.
    let bad = format!("{text}20081231:2300,-2.01,99.79,0.0,0.0,0.0,291.97,2.58,70.0,98381.3\r\n");
    fails(pvgis::read_tmy(&bad, TMY), Some(8790), &["data row after the end of the data block"]);
}

// --------------------------------------------------- PVGIS hourly series

const HOURLY: &str = "pvgis_hourly_45.000_8.000_SA2_0deg_0deg_2020_2020_excerpt.csv";

#[test]
fn pvgis_hourly_reads_a_horizontal_export_and_keeps_the_leap_day() {
    let s = pvgis::read_hourly(&fixture(HOURLY), HOURLY).unwrap();
    assert_eq!(s.len(), 96);
    assert_eq!((s.latitude_deg, s.longitude_deg, s.elevation_m), (Some(45.0), Some(8.0), Some(250.0)));
    // 20200227:0010 → the hour starting 00:00.
    assert_eq!(s.times_utc_s[0], utc(2020, 2, 27, 0));
    // Row 60: 20200229:1210,357.75,35.87,8.95,0.49,0.0
    assert_eq!(s.times_utc_s[60], utc(2020, 2, 29, 12));
    assert_eq!((s.ghi_w_m2[60], s.temp_c[60], s.wind_m_s[60]), (357.75, 8.95, 0.49));
    assert_eq!(s.times_utc_s[95], utc(2020, 3, 1, 23));
}

#[test]
fn pvgis_hourly_rejects_inclined_planes_and_bad_rows() {
    let text = fixture(HOURLY);
    let bad = edit_line(&text, 7, |_| Some("Slope: 30 deg. ".into()));
    fails(pvgis::read_hourly(&bad, HOURLY), Some(7), &["slope 30°", "not GHI", "horizontal plane"]);
    let bad = edit_line(&text, 7, |_| None);
    fails(pvgis::read_hourly(&bad, HOURLY), Some(8), &["no `Slope:` line"]);
    // Row 10 at line 20: hours must be one apart.
    let bad = edit_field(&text, 20, 0, "20200227:1110");
    fails(pvgis::read_hourly(&bad, HOURLY), Some(20), &["gap of 2 h after 2020-02-27 09:00 UTC"]);
    let bad = edit_field(&text, 20, 0, "20200227:0910");
    fails(pvgis::read_hourly(&bad, HOURLY), Some(20), &["duplicate hour 2020-02-27 09:00 UTC"]);
    let bad = edit_field(&text, 20, 1, "");
    fails(pvgis::read_hourly(&bad, HOURLY), Some(20), &["`` in column `G(i)` is not a number"]);
    // Components instead of G(i) are summed: Gb(i) = G(i), Gd(i) = Gr(i) = 0,
    // except row 60 (line 70) with 300.5 + 50.25 + 7.0.
    let mut comp = edit_line(&text, 9, |_| Some("time,Gb(i),Gd(i),Gr(i),H_sun,T2m,WS10m,Int".into()));
    for line in 10..10 + 96 {
        comp = edit_line(&comp, line, |l| {
            let f: Vec<&str> = l.split(',').collect();
            let g = if line == 70 { "300.5,50.25,7.0".to_string() } else { format!("{},0.0,0.0", f[1]) };
            Some(format!("{},{g},{}", f[0], f[2..].join(",")))
        });
    }
    let s = pvgis::read_hourly(&comp, HOURLY).unwrap();
    assert_eq!(s.ghi_w_m2[60], 357.75);
    // The other PVGIS format is recognised.
    fails(pvgis::read_hourly(&fixture(TMY), TMY), Some(18), &["this is a PVGIS TMY"]);
    fails(pvgis::read_tmy(&text, HOURLY), Some(9), &["this is a PVGIS hourly series"]);
}

// ------------------------------------------------------ renewables.ninja

const NINJA_PV: &str = "ninja_pv_37.885_105.403_2019_excerpt.csv";
const NINJA_WIND: &str = "ninja_wind_37.885_105.403_2019_excerpt.csv";
const NINJA_WEATHER: &str = "ninja_weather_37.885_105.403_2019_excerpt.csv";

#[test]
fn ninja_pv_output_is_a_capacity_factor() {
    let NinjaSeries::CapacityFactor(cf) = ninja::read(&fixture(NINJA_PV), NINJA_PV).unwrap() else {
        panic!("PV output read as weather")
    };
    assert_eq!(cf.cf.len(), 48);
    assert_eq!(cf.times_utc_s[0], utc(2019, 5, 31, 16));
    // 2019-06-01 04:00 UTC = 12:00 local: sin(π·6/13)·0.78.
    let expected = ((std::f64::consts::PI * 6.0 / 13.0).sin() * 0.78 * 1000.0).round() / 1000.0;
    assert_eq!(cf.cf[12], expected);
    assert!(cf.cf.iter().all(|x| (0.0..=1.0).contains(x)));
}

#[test]
fn ninja_wind_output_uses_the_requested_capacity_and_height() {
    let text = fixture(NINJA_WIND);
    let NinjaSeries::CapacityFactor(cf) = ninja::read(&text, NINJA_WIND).unwrap() else { panic!() };
    // Row 10: 2019-03-01 02:00,2019-03-01 10:00,5820.084,11.909 with capacity 6000 kW.
    assert_eq!(cf.times_utc_s[10], utc(2019, 3, 1, 2));
    assert!(close(cf.cf[10], 5820.084 / 6000.0, 1e-12));
    let w = ninja::read_weather(&text, NINJA_WIND).unwrap();
    assert_eq!((w.wind_m_s[10], w.wind_height_m), (11.909, 100.0));
    assert!(!w.has_ghi() && !w.has_temp());
    // Without the capacity parameter the kW values are not capacity factors.
    let bad = text.replace("\"capacity\": 6000.0, ", "");
    fails(ninja::read_capacity_factor(&bad, NINJA_WIND), Some(8), &["outside 0–1", "1 kW assumed"]);
    let bad = text.replace("\"height\": 100, ", "");
    fails(ninja::read_weather(&bad, NINJA_WIND), Some(6), &["no height"]);
}

#[test]
fn ninja_weather_dataset() {
    let text = fixture(NINJA_WEATHER);
    let NinjaSeries::Weather(w) = ninja::read(&text, NINJA_WEATHER).unwrap() else { panic!() };
    assert_eq!(w.len(), 48);
    assert_eq!((w.latitude_deg, w.longitude_deg), (Some(37.885), Some(105.403)));
    // Row 14: 2019-01-01 06:00,2019-01-01 14:00,-2.239,463.323,0.128
    assert_eq!(w.times_utc_s[14], utc(2019, 1, 1, 6));
    assert_eq!((w.ghi_w_m2[14], w.temp_c[14]), (463.323, -2.239));
    assert!(!w.has_wind());
    // Newer column names work the same.
    let renamed =
        text.replace("time,local_time,t2m,swgdn,cldtot", "time,local_time,temperature,irradiance_surface,cldtot");
    assert_eq!(ninja::read_weather(&renamed, NINJA_WEATHER).unwrap(), w);
    // Line 6 is the header; row k is on line 7 + k.
    let bad = edit_field(&text, 7 + 5, 0, "2019-01-01 25:00");
    fails(ninja::read(&bad, NINJA_WEATHER), Some(12), &["`2019-01-01 25:00` is not a time stamp"]);
    let bad = edit_line(&text, 7 + 5, |_| None);
    fails(ninja::read(&bad, NINJA_WEATHER), Some(12), &["gap of 2 h"]);
    let bad = edit_field(&text, 7 + 14, 3, "4633.23");
    fails(ninja::read(&bad, NINJA_WEATHER), Some(21), &["above 1500"]);
    let bad = edit_line(&text, 6, |_| Some("utc,local_time,t2m,swgdn,cldtot".into()));
    fails(ninja::read(&bad, NINJA_WEATHER), Some(6), &["not a renewables.ninja header"]);
}

// ----------------------------------------------------------- generic CSV

const GENERIC: &str = "generic_station_utc8_interval_end.csv";

fn station_spec() -> GenericSpec {
    GenericSpec {
        time_column: "timestamp".into(),
        time_format: "%d/%m/%Y %H:%M".into(),
        utc_offset_h: 8.0,
        convention: TimeConvention::IntervalEnd,
        ghi_column: Some("ghi_kw_m2".into()),
        ghi_unit: "kW/m2".into(),
        temp_column: Some("air_temp_k".into()),
        temp_unit: "K".into(),
        wind_column: Some("ws_80m".into()),
        wind_height_m: 80.0,
        missing: vec!["NA".into(), "-9999".into()],
        latitude_deg: Some(39.0),
        longitude_deg: Some(104.0),
        ..GenericSpec::default()
    }
}

#[test]
fn generic_csv_converts_time_units_and_fills_gaps() {
    let s = generic::read(&fixture(GENERIC), GENERIC, &station_spec()).unwrap();
    assert_eq!(s.len(), 48);
    // "01/07/2021 01:00" closes the hour 00:00–01:00 at UTC+8.
    assert_eq!(s.times_utc_s[0], utc(2021, 6, 30, 16));
    assert_eq!(s.times_utc_s[47], utc(2021, 7, 2, 15));
    assert_eq!(s.wind_height_m, 80.0);
    // Row 9: 0.6718 kW/m², 298.06 K.
    assert!(close(s.ghi_w_m2[9], 671.8, 1e-9));
    assert!(close(s.temp_c[9], 298.06 - 273.15, 1e-9));
    // Row 10 (NA) between 671.8 and 896.7 W/m².
    assert!(close(s.ghi_w_m2[10], 0.5 * (671.8 + 896.7), 1e-9));
    // Rows 20–21 (-9999) between 299.83 K and 294.47 K: thirds.
    let (a, b) = (299.83 - 273.15, 294.47 - 273.15);
    assert!(close(s.temp_c[20], a + (b - a) / 3.0, 1e-9));
    assert!(close(s.temp_c[21], a + 2.0 * (b - a) / 3.0, 1e-9));
    assert!(close(s.wind_m_s[30], 0.5 * (7.22 + 6.26), 1e-9));
    // The same stamps as interval start in UTC shift by 9 h.
    let spec = GenericSpec { utc_offset_h: 0.0, convention: TimeConvention::IntervalStart, ..station_spec() };
    assert_eq!(generic::read(&fixture(GENERIC), GENERIC, &spec).unwrap().times_utc_s[0], utc(2021, 7, 1, 1));
    let spec = GenericSpec { convention: TimeConvention::IntervalMiddle, ..spec };
    assert_eq!(generic::read(&fixture(GENERIC), GENERIC, &spec).unwrap().times_utc_s[0], utc(2021, 7, 1, 0) + 1800.0);
}

#[test]
fn generic_csv_errors_name_the_line() {
    let text = fixture(GENERIC);
    let line = |row: usize| 4 + row; // two comment lines, the header on line 3
    let spec = station_spec();
    // Undeclared missing marker: -9999 K read as a temperature.
    let no_marker = GenericSpec { missing: vec!["NA".into()], ..station_spec() };
    fails(generic::read(&text, GENERIC, &no_marker), Some(line(20)), &["temperature -10272.15 °C", "not a plausible"]);
    let no_na = GenericSpec { missing: vec!["-9999".into()], ..station_spec() };
    fails(generic::read(&text, GENERIC, &no_na), Some(line(10)), &["`NA` in column `ghi_kw_m2` is not a number"]);
    // Wrong units declared.
    let celsius = GenericSpec { temp_unit: "C".into(), ..station_spec() };
    fails(generic::read(&text, GENERIC, &celsius), Some(line(0)), &["291.6 °C", "looks like Kelvin"]);
    let watts = GenericSpec { ghi_unit: "W/m2".into(), ..station_spec() };
    fails(generic::read(&text, GENERIC, &watts), Some(line(12)), &["largest GHI", "looks like kW/m²"]);
    let bad = edit_field(&text, line(11), 1, "896.7");
    fails(
        generic::read(&bad, GENERIC, &spec),
        Some(line(11)),
        &["GHI 896700 W/m²", "looks like W/m², but kW/m² was declared"],
    );
    // A run of four missing values is too long to fill.
    let mut bad = text.clone();
    for r in 12..16 {
        bad = edit_field(&bad, line(r), 1, "NA");
    }
    fails(generic::read(&bad, GENERIC, &spec), Some(line(12)), &["4 consecutive missing values", "lines 16–19"]);
    let bad = edit_field(&text, line(5), 0, "01/07/2021 05:30");
    fails(generic::read(&bad, GENERIC, &spec), Some(line(5)), &["step of 30 min"]);
    let bad = edit_field(&text, line(5), 0, "2021-07-01 06:00");
    fails(generic::read(&bad, GENERIC, &spec), Some(line(5)), &["does not match the time format `%d/%m/%Y %H:%M`"]);
    let bad = edit_field(&text, line(5), 0, "01/07/2021 05:00");
    fails(
        generic::read(&bad, GENERIC, &spec),
        Some(line(5)),
        &["duplicate hour 2021-06-30 20:00 UTC (also at line 8)"],
    );
    let bad = edit_field(&text, line(5), 0, "01/07/2021 02:00");
    fails(generic::read(&bad, GENERIC, &spec), Some(line(5)), &["time goes back"]);
    let bad = edit_field(&text, line(3), 3, "-0.5");
    fails(generic::read(&bad, GENERIC, &spec), Some(line(3)), &["wind speed -0.5 m/s", "negative"]);
    let bad = edit_line(&text, line(7), |l| Some(format!("{l},9")));
    fails(generic::read(&bad, GENERIC, &spec), Some(line(7)), &["malformed row"]);
    let typo = GenericSpec { wind_column: Some("ws_80".into()), ..station_spec() };
    fails(generic::read(&text, GENERIC, &typo), Some(3), &["no column `ws_80`", "did you mean `ws_80m`?"]);
    let fmt = GenericSpec { time_format: "%d/%m/%Y %I:%M".into(), ..station_spec() };
    fails(generic::read(&text, GENERIC, &fmt), None, &["unknown field `%I`"]);
    // Small negative GHI (pyranometer offset) becomes 0; large negative fails.
    let s = generic::read(&edit_field(&text, line(2), 1, "-0.004"), GENERIC, &spec).unwrap();
    assert_eq!(s.ghi_w_m2[2], 0.0);
    let bad = edit_field(&text, line(2), 1, "-0.05");
    fails(generic::read(&bad, GENERIC, &spec), Some(line(2)), &["GHI -50 W/m²", "negative"]);
}

// ------------------------------------------------- replay and resampling

/// Hourly UTC series from `start` for `hours`, every variable encoding the
/// index (ghi = index, wind = local day number, temp = 0).
fn indexed_series(start: f64, hours: usize, utc_offset_h: f64) -> WeatherSeries {
    WeatherSeries {
        name: "indexed".into(),
        times_utc_s: (0..hours).map(|i| start + 3600.0 * i as f64).collect(),
        ghi_w_m2: (0..hours).map(|i| i as f64).collect(),
        temp_c: vec![0.0; hours],
        wind_m_s: (0..hours).map(|i| data::local_hour(start + 3600.0 * i as f64, utc_offset_h).days as f64).collect(),
        wind_height_m: 10.0,
        latitude_deg: Some(40.0),
        longitude_deg: Some(100.0),
        elevation_m: None,
    }
}

#[test]
fn replay_gives_the_study_year_and_handles_leap_days() {
    let tmy = pvgis::read_tmy(&fixture(TMY), TMY).unwrap();
    for (year, hours) in [(2023, 8760), (2024, 8784)] {
        let r = bootstrap::replay(&tmy, year, 8.0).unwrap();
        assert_eq!(r.len(), hours);
        assert_eq!(r.times_utc_s[0], data::year_start_utc_s(year, 8.0));
        assert_eq!(r.times_utc_s[0], utc(year - 1, 12, 31, 16));
        // Local 1 January 00:00 (UTC 31 Dec 16:00) wraps to the TMY's December.
        assert_eq!(r.temp_c[0], tmy.temp_c[8759 - 7]);
        // Local 1 January 08:00 is the TMY's first row.
        assert_eq!(r.temp_c[8], tmy.temp_c[0]);
    }
    // The TMY's February (from 2012) has no 29th. At UTC+8 its last eight
    // UTC hours fall on local 29 February 00:00–07:00 (2012 was a leap year);
    // the rest of a leap study year's 29 February repeats the 28th.
    let r24 = bootstrap::replay(&tmy, 2024, 8.0).unwrap();
    let r23 = bootstrap::replay(&tmy, 2023, 8.0).unwrap();
    let feb28 = (31 + 27) * 24;
    let (feb29, mar1_24, mar1_23) = (feb28 + 24, feb28 + 48, feb28 + 24);
    assert_eq!(r24.temp_c[feb29], tmy.temp_c[1415 - 7]);
    assert_eq!(&r24.temp_c[feb29 + 8..feb29 + 24], &r24.temp_c[feb28 + 8..feb28 + 24]);
    // A non-leap year has no 29 February: those eight hours become the
    // nearest date's, local 1 March 00:00–07:00 (the March block starts at
    // 08:00 local); the leap year does the same for its 1 March.
    assert_eq!(&r23.temp_c[mar1_23..mar1_23 + 8], &r24.temp_c[feb29..feb29 + 8]);
    assert_eq!(&r24.temp_c[mar1_24..mar1_24 + 8], &r24.temp_c[feb29..feb29 + 8]);
    // From 1 March 08:00 local both years replay the TMY's March on.
    assert_eq!(r23.temp_c[mar1_23 + 8], tmy.temp_c[1416]);
    assert_eq!(&r24.temp_c[mar1_24 + 8..], &r23.temp_c[mar1_23 + 8..]);

    // Multi-year data 2019–2021 (2020 a leap year), UTC.
    let s = indexed_series(utc(2019, 1, 1, 0), 3 * 8760 + 24, 0.0);
    // The study year in the data is used as it is, 29 February included.
    let r = bootstrap::replay(&s, 2020, 0.0).unwrap();
    assert_eq!(r.len(), 8784);
    assert_eq!(r.ghi_w_m2[0], 8760.0);
    assert_eq!(r.ghi_w_m2[8783], 8760.0 + 8783.0);
    // A non-leap study year from the leap year drops 29 February.
    let r = bootstrap::replay_from(&s, 2023, 0.0, 2020).unwrap();
    assert_eq!(r.len(), 8760);
    let mar1 = (31 + 28) * 24;
    assert_eq!(r.ghi_w_m2[mar1 - 1], 8760.0 + (mar1 - 1) as f64);
    assert_eq!(r.ghi_w_m2[mar1], 8760.0 + (mar1 + 24) as f64);
    // With no data year preferred, the most complete (2019, first of the
    // three full years) is used.
    let r = bootstrap::replay(&s, 2030, 0.0).unwrap();
    assert_eq!(r.ghi_w_m2[0], 0.0);
    // Half a year of data cannot make a year.
    let half = indexed_series(utc(2019, 1, 1, 0), 4000, 0.0);
    let e = bootstrap::replay(&half, 2030, 0.0).unwrap_err();
    assert!(e.to_string().contains("no data for 06-19 16:00 local time"), "{e}");
}

fn test_rng(seed: u64) -> renewplan::base::rng::Rng {
    renewplan::base::rng::stream(seed, 0, "test", "data-import")
}

#[test]
fn resample_keeps_the_season_and_the_blocks() {
    // Six years of data, UTC+8; `wind` holds each hour's local day number.
    let off = 8.0;
    let s = indexed_series(utc(2014, 12, 31, 16), 6 * 8766, off);
    let (block, window) = (5usize, 15usize);
    let mut rng = test_rng(7);
    for year in [2030, 2032] {
        let plan = bootstrap::resample_plan(&s, year, off, &mut rng, block, window).unwrap();
        let days = calendar::hours_in_year(year) / 24;
        assert_eq!(plan.len(), days);
        let r = bootstrap::resample(&s, year, off, &mut test_rng(year as u64), block, window).unwrap();
        assert_eq!(r.len(), days * 24);
        assert_eq!(r.times_utc_s[0], data::year_start_utc_s(year, off));
        let day0 = renewplan::base::calendar::days_from_civil(year, 1, 1);
        for (j, &first) in plan.iter().enumerate() {
            let src = data::local_hour(s.times_utc_s[first], off);
            // Every source day starts at local midnight ...
            assert_eq!(src.hour, 0);
            // ... within the window of its block's first day (plus its place in the block).
            let target = calendar::civil_from_days(day0 + j as i64);
            let pos = |y: i32, m: u32, d: u32| {
                let doy = renewplan::base::calendar::days_from_civil(y, m, d)
                    - renewplan::base::calendar::days_from_civil(y, 1, 1);
                if renewplan::base::calendar::is_leap(y) && doy >= 59 { doy - 1 } else { doy }
            };
            let dist = (pos(src.year, src.month, src.day) - pos(target.0, target.1, target.2)).rem_euclid(365);
            let dist = dist.min(365 - dist);
            assert!(dist as usize <= window + block, "day {j}: {src:?} for {target:?}");
            // July is filled from June–August days.
            if target.1 == 7 {
                assert!((6..=8).contains(&src.month), "{src:?} for {target:?}");
            }
            // Within a block, source days are consecutive.
            if j % block != 0 {
                assert_eq!(first, plan[j - 1] + 24, "day {j}");
            }
        }
        // Blocks start afresh: not all consecutive (the draw is random).
        assert!((1..plan.len()).any(|j| plan[j] != plan[j - 1] + 24));
    }
    // Same generator state, same year: same draws.
    let a = bootstrap::resample(&s, 2030, off, &mut test_rng(1), block, window).unwrap();
    let b = bootstrap::resample(&s, 2030, off, &mut test_rng(1), block, window).unwrap();
    assert_eq!(a, b);
    // The draws cover several data years.
    let years: std::collections::BTreeSet<i32> =
        a.wind_m_s.iter().map(|d| calendar::civil_from_days(*d as i64).0).collect();
    assert!(years.len() >= 4, "{years:?}");
}

#[test]
fn resample_never_joins_a_tmy_across_its_months_and_fails_without_the_season() {
    let tmy = pvgis::read_tmy(&fixture(TMY), TMY).unwrap();
    let plan = bootstrap::resample_plan(&tmy, 2030, 8.0, &mut test_rng(3), 4, 20).unwrap();
    for &first in &plan {
        for h in 1..24 {
            assert_eq!(tmy.times_utc_s[first + h] - tmy.times_utc_s[first + h - 1], 3600.0);
        }
    }
    // Winter-only data cannot fill July.
    let s = indexed_series(utc(2015, 1, 1, 0), 24 * 90, 0.0);
    let e = bootstrap::resample(&s, 2030, 0.0, &mut test_rng(3), 5, 15).unwrap_err();
    assert!(e.to_string().contains("no run of 5 complete local days"), "{e}");
    let e = bootstrap::resample(&s, 2030, 0.0, &mut test_rng(3), 0, 15).unwrap_err();
    assert!(e.to_string().contains("block_days ≥ 1"), "{e}");
}

// ------------------------------------------------------------------- fit

const LAT: f64 = 37.885;
const LON: f64 = 105.403;
const ELEV: f64 = 1300.0;
const OFFSET: f64 = 8.0;

/// Parameters of a synthetic site.
#[derive(Debug, Clone)]
struct Truth {
    wind_mean: f64,
    k: f64,
    wind_monthly: [f64; 12],
    wind_amp: f64,
    wind_peak: f64,
    phi_w: f64,
    kc: [f64; 12],
    spread: f64,
    share: f64,
    phi_d: f64,
    phi_c: f64,
    temp: [f64; 12],
    temp_amp: f64,
    temp_sd: f64,
    phi_t: f64,
    rho_wind_temp: f64,
}

fn truth() -> Truth {
    Truth {
        wind_mean: 7.2,
        k: 2.3,
        wind_monthly: [0.95, 1.0, 1.15, 1.25, 1.1, 1.0, 0.85, 0.8, 0.9, 0.95, 1.0, 1.05],
        wind_amp: 0.12,
        wind_peak: 3.0,
        phi_w: 0.93,
        kc: [0.80, 0.78, 0.74, 0.72, 0.73, 0.70, 0.66, 0.67, 0.71, 0.77, 0.80, 0.81],
        spread: 1.2,
        share: 0.6,
        phi_d: 0.5,
        phi_c: 0.75,
        temp: [-8.0, -4.0, 3.0, 11.0, 18.0, 22.0, 24.0, 22.0, 16.0, 9.0, 1.0, -6.0],
        temp_amp: 7.0,
        temp_sd: 2.5,
        phi_t: 0.96,
        rho_wind_temp: 0.3,
    }
}

/// Clear-sky GHI at mid-hour, computed as the generator does.
fn clear_ghi(t_start: f64, month0: usize) -> f64 {
    let p = solar::clearsky::pressure_from_elevation_hpa(ELEV);
    let unix = t_start + 1800.0;
    let pos = solar::spa::solar_position(&solar::spa::SpaInput {
        unix_seconds_utc: unix,
        latitude_deg: LAT,
        longitude_deg: LON,
        elevation_m: ELEV,
        pressure_hpa: p,
        temperature_c: 10.0,
        delta_t_s: 69.0,
        atmos_refraction_deg: 0.5667,
    });
    if pos.zenith_deg >= 90.0 {
        return 0.0;
    }
    let l = data::local_hour(unix, 0.0);
    let doy = (l.days - renewplan::base::calendar::days_from_civil(l.year, 1, 1)) as u32 + 1;
    let am = solar::clearsky::airmass_absolute(solar::clearsky::airmass_relative_kasten_young(pos.zenith_deg), p);
    let tl = solar::clearsky::LINKE_TURBIDITY_DEFAULT_MONTHLY[month0];
    solar::clearsky::ineichen_perez(pos.zenith_deg, am, tl, ELEV, solar::clearsky::extraterrestrial_normal_w_m2(doy))
        .ghi
        .max(0.0)
}

/// Logit offset μ with E[KC_MAX σ(μ + sZ)] = target.
fn kc_offset(target: f64, s: f64) -> f64 {
    let mean = |mu: f64| {
        let n = 400;
        (0..=n)
            .map(|i| {
                let z = -8.0 + 16.0 * i as f64 / n as f64;
                let w = if i == 0 || i == n { 0.5 } else { 1.0 };
                w * KC_MAX / (1.0 + (-(mu + s * z)).exp()) * (-0.5 * z * z).exp()
            })
            .sum::<f64>()
            * (16.0 / n as f64)
            / (2.0 * std::f64::consts::PI).sqrt()
    };
    let (mut lo, mut hi) = (-20.0, 20.0);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if mean(mid) < target { lo = mid } else { hi = mid }
    }
    0.5 * (lo + hi)
}

/// The generator's temperature curve: monthly anchors interpolated linearly
/// between mid-month days of a non-leap year (weather.rs).
fn temp_curve(anchors: &[f64; 12], day: usize) -> f64 {
    const DAYS: [f64; 12] = [31., 28., 31., 30., 31., 30., 31., 31., 30., 31., 30., 31.];
    let mid = |m: usize| DAYS[..m].iter().sum::<f64>() + DAYS[m] / 2.0;
    let x = day as f64 + 0.5;
    let m1 = (0..12).rev().find(|&m| mid(m) <= x).unwrap_or(11);
    let (a, b) = if x < mid(0) { (11, 0) } else { (m1, (m1 + 1) % 12) };
    let xa = if x < mid(0) { mid(11) - 365.0 } else { mid(a) };
    let xb = if b == 0 && a == 11 && x >= mid(0) { mid(0) + 365.0 } else { mid(b) };
    let w = ((x - xa) / (xb - xa)).clamp(0.0, 1.0);
    anchors[a] * (1.0 - w) + anchors[b] * w
}

/// An independent implementation of the generator's model (Gaussian AR(1)
/// processes drawn with rand_distr's StandardNormal; Weibull marginal by
/// the copula transform; logit-normal clear-sky index; temperature curve),
/// `years` years from local 1 January 2010 at UTC+8.
fn synthetic(t: &Truth, years: i32, seed: u64) -> WeatherSeries {
    let mut rng = test_rng(seed);
    let start = data::year_start_utc_s(2010, OFFSET);
    let end = data::year_start_utc_s(2010 + years, OFFSET);
    let n = ((end - start) / 3600.0).round() as usize;
    let g1 = libm::tgamma(1.0 + 1.0 / t.k);
    let mu: Vec<f64> = t.kc.iter().map(|&m| kc_offset(m, t.spread)).collect();
    let (mut zw, mut zc, mut zt, mut d) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    let mut s = WeatherSeries {
        name: "synthetic".into(),
        times_utc_s: Vec::with_capacity(n),
        ghi_w_m2: Vec::with_capacity(n),
        temp_c: Vec::with_capacity(n),
        wind_m_s: Vec::with_capacity(n),
        wind_height_m: 100.0,
        latitude_deg: Some(LAT),
        longitude_deg: Some(LON),
        elevation_m: Some(ELEV),
    };
    let ar = |z: f64, phi: f64, e: f64, first: bool| if first { e } else { phi * z + (1.0 - phi * phi).sqrt() * e };
    for i in 0..n {
        let time = start + 3600.0 * i as f64;
        let l = data::local_hour(time, OFFSET);
        let (m, h) = (l.month as usize - 1, l.hour as f64);
        let doy = (l.days - renewplan::base::calendar::days_from_civil(l.year, 1, 1)) as usize;
        if i == 0 || l.hour == 0 {
            d = ar(d, t.phi_d, rng.sample(StandardNormal), i == 0);
        }
        let ew: f64 = rng.sample(StandardNormal);
        let ec: f64 = rng.sample(StandardNormal);
        let e3: f64 = rng.sample(StandardNormal);
        let et = t.rho_wind_temp * ew + (1.0 - t.rho_wind_temp.powi(2)).sqrt() * e3;
        zw = ar(zw, t.phi_w, ew, i == 0);
        zc = ar(zc, t.phi_c, ec, i == 0);
        zt = ar(zt, t.phi_t, et, i == 0);
        let diurnal = 1.0 + t.wind_amp * (2.0 * std::f64::consts::PI * (h + 0.5 - t.wind_peak) / 24.0).cos();
        let scale = t.wind_mean * t.wind_monthly[m] * diurnal / g1;
        s.wind_m_s.push(scale * (-norm_cdf(-zw).ln()).powf(1.0 / t.k));
        let clear = clear_ghi(time, m);
        let g = t.share.sqrt() * d + (1.0 - t.share).sqrt() * zc;
        s.ghi_w_m2.push(clear * KC_MAX / (1.0 + (-(mu[m] + t.spread * g)).exp()));
        let tc = (2.0 * std::f64::consts::PI * (h + 0.5 - 15.0) / 24.0).cos();
        s.temp_c.push(temp_curve(&t.temp, doy) + t.temp_amp * tc + t.temp_sd * zt);
        s.times_utc_s.push(time);
    }
    s
}

/// Check a fit against the truth. Each tolerance is about four standard
/// deviations of its estimator's sampling error, measured over 20 replicate
/// series (6-year synthetic / 4-year generator, the larger): wind mean 0.083
/// m/s, Weibull k 0.040, monthly wind factors ≤ 0.056, diurnal amplitude
/// 0.005, peak hour 0.20 h, wind persistence 0.0023, monthly clear-sky index
/// ≤ 0.035 (daily persistence leaves ~40 effective days per month in 4
/// years), logit spread 0.026, daily share 0.025, daily persistence 0.028,
/// hourly cloud persistence 0.011, monthly temperature anchors ≤ 0.58 °C,
/// temperature amplitude 0.014 °C, anomaly sd 0.050 °C, temperature
/// persistence 0.0016, innovation correlations ≤ 0.010. The replicate means
/// were within about 3 standard errors of the truth (spread and daily share
/// about 1–2 % low: centring by monthly medians takes a little day-level
/// variance with it).
fn check_fit(f: &fit::FittedSite, t: &Truth, label: &str) {
    let w = f.wind.as_ref().expect("wind fitted");
    let c = f.cloud.as_ref().expect("cloud fitted");
    let tf = f.temperature.as_ref().expect("temperature fitted");
    let mut bad = Vec::new();
    let mut check = |name: &str, got: f64, want: f64, tol: f64| {
        if !close(got, want, tol) {
            bad.push(format!("{name}: fitted {got:.4}, true {want:.4}, tolerance {tol}"));
        }
    };
    check("wind mean", w.mean_m_s, t.wind_mean, 0.35);
    check("weibull k", w.weibull_k, t.k, 0.16);
    let norm = t.wind_monthly.iter().sum::<f64>() / 12.0;
    for m in 0..12 {
        check(&format!("wind factor {m}"), w.monthly_factor[m], t.wind_monthly[m] / norm, 0.22);
        check(&format!("kc {m}"), c.monthly[m], t.kc[m], 0.14);
        check(&format!("temperature {m}"), tf.monthly_c[m], t.temp[m], 2.4);
    }
    let mean12 = |v: &[f64; 12]| v.iter().sum::<f64>() / 12.0;
    check("kc annual", mean12(&c.monthly), mean12(&t.kc), 0.04);
    check("temperature annual", mean12(&tf.monthly_c), mean12(&t.temp), 1.0);
    check("wind amplitude", w.diurnal_amplitude_pu, t.wind_amp, 0.025);
    check("wind peak", w.diurnal_peak_hour, t.wind_peak, 0.9);
    check("wind persistence", w.hourly_persistence, t.phi_w, 0.01);
    check("kc spread", c.spread, t.spread, 0.11);
    check("kc daily share", c.daily_share, t.share, 0.11);
    check("kc daily persistence", c.daily_persistence, t.phi_d, 0.12);
    check("kc hourly persistence", c.hourly_persistence, t.phi_c, 0.05);
    check("temperature amplitude", tf.diurnal_amplitude_c, t.temp_amp, 0.07);
    check("temperature sd", tf.anomaly_sd_c, t.temp_sd, 0.2);
    check("temperature persistence", tf.hourly_persistence, t.phi_t, 0.008);
    let rho = |a: &str, b: &str| f.correlations.iter().find(|c| c.a == a && c.b == b).map(|c| c.rho);
    check("rho wind-temperature", rho("wind", "temperature").unwrap_or(f64::NAN), t.rho_wind_temp, 0.025);
    assert!(bad.is_empty(), "{label}:\n{}\n{}", bad.join("\n"), f.report.to_table());
}

#[test]
fn fit_recovers_the_parameters_of_a_synthetic_series() {
    let t = truth();
    let s = synthetic(&t, 6, 11);
    let f = fit::fit_site(&s, OFFSET).unwrap();
    check_fit(&f, &t, "synthetic");
    let rho = |a: &str, b: &str| f.correlations.iter().find(|c| c.a == a && c.b == b).unwrap().rho;
    assert!(close(rho("wind", "cloud"), 0.0, 0.03), "{:?}", f.correlations);
    assert!(close(rho("cloud", "temperature"), 0.0, 0.04), "{:?}", f.correlations);
    // The fit is not a tautology: a series with other parameters fails the check.
    let other = Truth { k: 1.8, phi_w: 0.85, share: 0.3, ..t.clone() };
    let f2 = fit::fit_site(&synthetic(&other, 4, 12), OFFSET).unwrap();
    let w = f2.wind.as_ref().unwrap();
    assert!(close(w.weibull_k, 1.8, 0.15) && !close(w.weibull_k, t.k, 0.3), "{}", w.weibull_k);
    assert!(close(w.hourly_persistence, 0.85, 0.02));
    assert!(close(f2.cloud.as_ref().unwrap().daily_share, 0.3, 0.12));
}

/// Round trip through the crate's own generator: simulate a 4-year horizon
/// with known parameters and correlations, fit, compare.
#[test]
fn fit_recovers_the_parameters_of_the_weather_generator() {
    let t = truth();
    let a12 = |v: &[f64; 12]| format!("[{}]", v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", "));
    let hours = 4 * 8760 + 24;
    let text = format!(
        "[scenario]\nname = \"roundtrip\"\nstudy_year = 2030\nhorizon_h = {hours}\n\n\
         [[zone]]\nname = \"z\"\nlatitude_deg = {LAT}\nlongitude_deg = {LON}\nelevation_m = {ELEV}\nutc_offset_h = {OFFSET}\n\n\
         [[site]]\nname = \"s\"\nlatitude_deg = {LAT}\nlongitude_deg = {LON}\nelevation_m = {ELEV}\n\
         wind_mean_m_s = {}\nwind_height_m = 100\nwind_weibull_k = {}\nwind_monthly_factor = {}\n\
         wind_diurnal_amplitude_pu = {}\nwind_diurnal_peak_hour = {}\nwind_hourly_persistence = {}\n\
         clear_sky_index_monthly = {}\nclear_sky_index_spread = {}\nclear_sky_index_daily_share = {}\n\
         clear_sky_index_daily_persistence = {}\nclear_sky_index_hourly_persistence = {}\n\
         dust_days_per_year = 0\nwind_interannual_sd_pu = 0\nirradiance_interannual_sd_pu = 0\n\
         temperature_monthly_c = {}\ntemperature_diurnal_amplitude_c = {}\ntemperature_anomaly_sd_c = {}\n\
         temperature_hourly_persistence = {}\n\n\
         [[correlation]]\na = \"s.wind\"\nb = \"s.temperature\"\nrho = {}\n\n\
         [[correlation]]\na = \"s.wind\"\nb = \"s.cloud\"\nrho = 0.25\n",
        t.wind_mean,
        t.k,
        a12(&t.wind_monthly),
        t.wind_amp,
        t.wind_peak,
        t.phi_w,
        a12(&t.kc),
        t.spread,
        t.share,
        t.phi_d,
        t.phi_c,
        a12(&t.temp),
        t.temp_amp,
        t.temp_sd,
        t.phi_t,
        t.rho_wind_temp,
    );
    let model = scenario::load(&Source { name: "roundtrip".into(), dir: None, text }).unwrap();
    let wm = WeatherModel::new(&model);
    let mut w = Weather::default();
    wm.sample(&model, 5, 0, &mut w);
    let s = WeatherSeries {
        name: "generator".into(),
        times_utc_s: (0..hours).map(|i| model.calendar.start_unix_s + 3600.0 * i as f64).collect(),
        ghi_w_m2: w.ghi_w_m2[0].clone(),
        temp_c: w.temp_c[0].clone(),
        wind_m_s: w.wind_m_s[0].clone(),
        wind_height_m: 100.0,
        latitude_deg: Some(LAT),
        longitude_deg: Some(LON),
        elevation_m: Some(ELEV),
    };
    let f = fit::fit_site(&s, OFFSET).unwrap();
    check_fit(&f, &t, "generator");
    let rho = f.correlations.iter().find(|c| c.a == "wind" && c.b == "cloud").unwrap().rho;
    assert!(close(rho, 0.25, 0.03), "{:?}", f.correlations);

    // The fragment is a valid [[site]] with the fitted values.
    let toml = f.to_toml("fitted");
    let text = format!(
        "[scenario]\nname = \"frag\"\nstudy_year = 2030\nhorizon_h = 24\n\n\
         [[zone]]\nname = \"z\"\nlatitude_deg = {LAT}\nlongitude_deg = {LON}\nutc_offset_h = 8\n\n{toml}"
    );
    let m = scenario::load(&Source { name: "frag".into(), dir: None, text: text.clone() })
        .unwrap_or_else(|e| panic!("{e}\n{text}"));
    let site = &m.sites[0];
    let wf = f.wind.as_ref().unwrap();
    assert_eq!(site.name, "fitted");
    assert!(close(site.wind_weibull_k, wf.weibull_k, 1e-3));
    assert!(close(site.wind_hourly_persistence, wf.hourly_persistence, 1e-4));
    assert!(close(site.clear_sky_index_daily_share, f.cloud.as_ref().unwrap().daily_share, 1e-4));
    assert!(close(site.temperature_monthly_c[6], f.temperature.as_ref().unwrap().monthly_c[6], 0.01));
    assert_eq!(m.correlation_names.len(), 3);
    let mut site2 = model.sites[0].clone();
    f.apply_to(&mut site2);
    assert_eq!(site2.wind_weibull_k, wf.weibull_k);

    // Goodness of fit: monthly means agree by construction; the model's
    // implied spreads and autocorrelations match the data's.
    for r in &f.report.rows {
        let tol = match (r.variable, r.statistic) {
            (_, "mean") if r.variable != "clear_sky_index" => 1e-6,
            (_, "mean") => 0.03,
            (_, "sd") => 0.12 * r.fitted.abs().max(0.1),
            _ => 0.03,
        };
        assert!(close(r.observed, r.fitted, tol), "{r:?}\n{}", f.report.to_table());
    }
}

#[test]
fn fit_needs_enough_data_and_a_place_for_ghi() {
    let t = truth();
    let mut s = synthetic(&t, 1, 3);
    s.latitude_deg = None;
    let e = fit::fit_site(&s, OFFSET).unwrap_err();
    assert!(e.to_string().contains("no latitude/longitude"), "{e}");
    let short = indexed_series(utc(2015, 1, 1, 0), 24 * 100, 0.0);
    let e = fit::fit_site(&short, 0.0).unwrap_err();
    assert!(e.to_string().contains("month 5 has 0 hours of wind data"), "{e}");
}

#[test]
fn data_error_display() {
    let e = DataError::new("a.csv", Some(12), "bad", "good");
    assert_eq!(e.to_string(), "a.csv:12: bad (accepted: good)");
    let e = DataError::new("a.csv", None, "bad", "");
    assert_eq!(e.to_string(), "a.csv: bad");
    assert_eq!(e.to_problem().to_string(), "a.csv: bad");
}

#[test]
fn fit_runs_on_a_tmy_and_its_fragment_loads() {
    let tmy = pvgis::read_tmy(&fixture(TMY), TMY).unwrap();
    let f = fit::fit_site(&tmy, 1.0).unwrap();
    assert_eq!(f.hours, 8760);
    assert_eq!(f.wind.as_ref().unwrap().height_m, 10.0);
    let text = format!(
        "[scenario]\nname = \"tmy\"\nstudy_year = 2030\nhorizon_h = 24\n\n\
         [[zone]]\nname = \"z\"\nlatitude_deg = 45\nlongitude_deg = 8\nutc_offset_h = 1\n\n{}",
        f.to_toml("turin \"tmy\"")
    );
    let m = scenario::load(&Source { name: "tmy".into(), dir: None, text: text.clone() })
        .unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(m.sites[0].name, "turin \"tmy\"");
    assert_eq!(m.sites[0].wind_height_m, 10.0);
    assert_eq!((m.sites[0].latitude_deg, m.sites[0].elevation_m), (45.0, 250.0));
    assert!(f.report.to_table().starts_with("variable"));
}
