//! PVGIS 5.x CSV exports (European Commission JRC, <https://re.jrc.ec.europa.eu/pvg_tools/>):
//! the typical meteorological year (TMY) and the hourly radiation series,
//! as the web tool and its API (`outputformat=csv`) write them.
//!
//! **TMY** (`tmy` tool): header lines `Latitude (decimal degrees): 45.000`,
//! `Longitude (decimal degrees): 8.000`, `Elevation (m): 250.0`, optionally
//! `Irradiance Time Offset (h): 0.1761` (PVGIS ≥ 5.2), the months-selected
//! block (`month,year` then twelve rows `1,2009` …), the column header
//! `time(UTC),T2m,RH,G(h),Gb(n),Gd(h),IR(h),WS10m,WD10m,SP`, 8760 rows
//! stamped `20090101:0000` in UTC — each month taken whole from its selected
//! year, 29 February left out — then a legend (`T2m: 2-m air temperature
//! (degree Celsius)` …) and a copyright line. Used: `G(h)` → GHI, `T2m` →
//! temperature, `WS10m` → wind at 10 m. The stamp is taken as the start of
//! the hour. (PVGIS's irradiance is a satellite estimate for about HH:10 —
//! the "irradiance time offset" — which we read as the mean of
//! [HH:00, HH+1:00); the offset is documented by PVGIS, not corrected here.)
//!
//! **Hourly series** (`seriescalc` tool): header lines `Latitude …`,
//! `Longitude …`, `Elevation …`, `Radiation database: PVGIS-SARAH2`, blank
//! lines, `Slope: 0 deg. `, `Azimuth: 0 deg. ` (and system lines when PV
//! output was requested), the column header `time,G(i),H_sun,T2m,WS10m,Int`
//! (`time,P,G(i),…` with PV output; `time,Gb(i),Gd(i),Gr(i),…` with the
//! components option), rows stamped `20200101:0010` in UTC (the satellite
//! slot, minute 10 or so), a blank line, the legend and a copyright line.
//! `G(i)` is the global irradiance **on the plane of the request**, so only
//! an export for a horizontal plane (`Slope: 0 deg.`) gives GHI; any other
//! slope (or a tracking export, which has no `Slope:` line) is an error.
//! Components are summed when `G(i)` is absent. Stamps are floored to the
//! hour (`00:10` → the hour starting `00:00`). PVGIS applies its terrain
//! horizon by default, so this GHI includes horizon shading.

use super::{
    DataError, Rows, StepRule, WeatherSeries, find_column, header_number, local_hour, parse_cell, parse_pvgis_time,
};

const TMY_ACCEPTED: &str = "a PVGIS TMY CSV as exported: Latitude/Longitude/Elevation lines, the month,year block, \
     the time(UTC),T2m,RH,G(h),Gb(n),Gd(h),IR(h),WS10m,WD10m,SP header, 8760 hourly rows, the legend";
const HOURLY_ACCEPTED: &str = "a PVGIS hourly-series CSV as exported: Latitude/Longitude/Elevation lines, \
     Slope/Azimuth lines, the time,G(i),H_sun,T2m,WS10m,Int header, hourly rows, the legend";

/// Header facts of a PVGIS file.
#[derive(Debug, Default)]
struct Meta {
    lat: Option<f64>,
    lon: Option<f64>,
    elev: Option<f64>,
    /// (value, line) of the `Slope:` line.
    slope: Option<(f64, usize)>,
    /// Selected year and line of each month (TMY).
    months: [Option<(i32, usize)>; 12],
    /// Index of the column-header line (0-based).
    header: usize,
}

/// Scan the metadata lines up to the column header (a line starting with
/// `header_start`).
fn read_meta(lines: &[&str], file: &str, header_start: &str, accepted: &str) -> Result<Meta, DataError> {
    let mut m = Meta::default();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i].trim();
        let lower = l.to_ascii_lowercase();
        let number = |what: &str| -> Result<f64, DataError> {
            header_number(l).ok_or_else(|| {
                DataError::new(file, Some(i + 1), format!("cannot read the {what} from `{l}`"), accepted)
            })
        };
        if lower.starts_with(header_start) {
            m.header = i;
            break;
        } else if lower.starts_with("latitude") {
            m.lat = Some(number("latitude")?);
        } else if lower.starts_with("longitude") {
            m.lon = Some(number("longitude")?);
        } else if lower.starts_with("elevation") {
            m.elev = Some(number("elevation")?);
        } else if lower.starts_with("slope") {
            m.slope = Some((number("slope")?, i + 1));
        } else if lower.replace(' ', "") == "month,year" {
            for k in 0..12 {
                let j = i + 1 + k;
                let row = lines.get(j).map_or("", |s| s.trim());
                let parsed = row
                    .split_once(',')
                    .and_then(|(a, b)| Some((a.trim().parse::<usize>().ok()?, b.trim().parse::<i32>().ok()?)));
                match parsed {
                    Some((month, year)) if month == k + 1 => m.months[k] = Some((year, j + 1)),
                    _ => {
                        return Err(DataError::new(
                            file,
                            Some(j + 1),
                            format!("`{row}` is not month {} of the months-selected block", k + 1),
                            "twelve rows `month,year` for months 1 to 12 after the `month,year` line",
                        ));
                    }
                }
            }
            i += 12;
        }
        i += 1;
    }
    if i >= lines.len() {
        return Err(DataError::new(file, None, format!("no column header starting `{header_start}`"), accepted));
    }
    for (v, what) in [(m.lat, "Latitude (decimal degrees):"), (m.lon, "Longitude (decimal degrees):")] {
        if v.is_none() {
            return Err(DataError::new(
                file,
                Some(m.header + 1),
                format!("no `{what}` line before the header"),
                accepted,
            ));
        }
    }
    Ok(m)
}

/// A line that ends the data block: blank, a legend line (`G(h): Global …`)
/// or the copyright line.
fn is_footer(line: &str) -> bool {
    let l = line.trim();
    l.is_empty() || l.contains(": ") || l.starts_with("PVGIS")
}

/// Data rows after the header, split into fields; `(line number, fields)`.
fn data_rows<'a>(
    lines: &[&'a str],
    header: usize,
    ncols: usize,
    file: &str,
) -> Result<Vec<(usize, Vec<&'a str>)>, DataError> {
    let mut rows = Vec::new();
    let mut j = header + 1;
    while j < lines.len() && !is_footer(lines[j]) {
        let fields: Vec<&str> = lines[j].split(',').map(str::trim).collect();
        if fields.len() != ncols {
            return Err(DataError::new(
                file,
                Some(j + 1),
                format!("{} fields, the header has {ncols}", fields.len()),
                "one value per header column, separated by commas",
            ));
        }
        rows.push((j + 1, fields));
        j += 1;
    }
    if let Some(k) = (j..lines.len()).find(|&k| parse_pvgis_time(lines[k].split(',').next().unwrap_or("")).is_some()) {
        return Err(DataError::new(
            file,
            Some(k + 1),
            format!("data row after the end of the data block (line {})", j + 1),
            "the data rows in one block between the column header and the legend",
        ));
    }
    Ok(rows)
}

/// Error when the file's column header is that of the other PVGIS format.
fn wrong_kind(lines: &[&str], file: &str, other_header: &str, what: &str) -> Result<(), DataError> {
    match lines.iter().position(|l| l.trim().to_ascii_lowercase().starts_with(other_header)) {
        Some(i) => {
            Err(DataError::new(file, Some(i + 1), format!("this is {what}"), "the PVGIS format this reader is for"))
        }
        None => Ok(()),
    }
}

fn bad_time(file: &str, line: usize, s: &str) -> DataError {
    DataError::new(
        file,
        Some(line),
        format!("`{s}` is not a PVGIS time stamp"),
        "YYYYMMDD:HHMM in UTC, e.g. 20050101:0000",
    )
}

/// Read a PVGIS TMY CSV (see the module documentation).
pub fn read_tmy(text: &str, file: &str) -> Result<WeatherSeries, DataError> {
    // A byte-order mark (spreadsheet exports) is not part of the first line.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    wrong_kind(
        &lines,
        file,
        "time,",
        "a PVGIS hourly series (header `time,G(i),…`): read it as a PVGIS hourly series",
    )?;
    let meta = read_meta(&lines, file, "time(utc)", TMY_ACCEPTED)?;
    let hl = meta.header + 1;
    let headers: Vec<String> = lines[meta.header].split(',').map(|s| s.trim().to_string()).collect();
    let c_time = find_column(&headers, "time(UTC)", file, hl, "time stamps")?;
    let c_ghi = find_column(&headers, "G(h)", file, hl, "global horizontal irradiance, W/m²")?;
    let c_temp = find_column(&headers, "T2m", file, hl, "2-m air temperature, °C")?;
    let c_wind = find_column(&headers, "WS10m", file, hl, "10-m wind speed, m/s")?;
    let rows = data_rows(&lines, meta.header, headers.len(), file)?;
    let mut r = Rows::new(file);
    let mut ghi = Vec::with_capacity(rows.len());
    let mut temp = Vec::with_capacity(rows.len());
    let mut wind = Vec::with_capacity(rows.len());
    for (line, f) in &rows {
        let t = parse_pvgis_time(f[c_time]).ok_or_else(|| bad_time(file, *line, f[c_time]))?;
        let l = local_hour(t, 0.0);
        if let Some((year, month_line)) = meta.months[l.month as usize - 1]
            && year != l.year
        {
            return Err(DataError::new(
                file,
                Some(*line),
                format!(
                    "{} is from {}, but the months-selected block gives {year} for month {} (line {month_line})",
                    f[c_time], l.year, l.month
                ),
                "each month's rows from the year the months-selected block lists for it",
            ));
        }
        r.lines.push(*line);
        r.times.push(t);
        ghi.push(parse_cell(f[c_ghi], &[], file, *line, "G(h)")?);
        temp.push(parse_cell(f[c_temp], &[], file, *line, "T2m")?);
        wind.push(parse_cell(f[c_wind], &[], file, *line, "WS10m")?);
    }
    if let (Some(&t0), Some(&t1)) = (r.times.first(), r.times.last()) {
        let (a, b) = (local_hour(t0, 0.0), local_hour(t1, 0.0));
        if (a.month, a.day, a.hour) != (1, 1, 0) {
            return Err(DataError::new(
                file,
                r.lines.first().copied(),
                "the first row is not 1 January 00:00",
                "a TMY from 1 January 00:00 UTC to 31 December 23:00 UTC",
            ));
        }
        if (b.month, b.day, b.hour) != (12, 31, 23) {
            return Err(DataError::new(
                file,
                r.lines.last().copied(),
                format!("the data end at {} instead of 31 December 23:00", super::fmt_utc(t1)),
                "a TMY from 1 January 00:00 UTC to 31 December 23:00 UTC (8760 rows)",
            ));
        }
    }
    r.ghi = Some(super::Column { name: "G(h)".into(), values: ghi });
    r.temp = Some(super::Column { name: "T2m".into(), values: temp });
    r.wind = Some(super::Column { name: "WS10m".into(), values: wind });
    r.finish(StepRule::TmyMonths, format!("{file} (PVGIS TMY)"), 10.0, meta.lat, meta.lon, meta.elev)
}

/// Read a PVGIS hourly radiation series CSV exported for a horizontal plane
/// (see the module documentation).
pub fn read_hourly(text: &str, file: &str) -> Result<WeatherSeries, DataError> {
    // A byte-order mark (spreadsheet exports) is not part of the first line.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    wrong_kind(&lines, file, "time(utc)", "a PVGIS TMY (header `time(UTC),…`): read it as a PVGIS TMY")?;
    let meta = read_meta(&lines, file, "time,", HOURLY_ACCEPTED)?;
    let horizontal = "an export for a horizontal plane (Slope: 0 deg.), whose G(i) is the global horizontal irradiance";
    match meta.slope {
        None => {
            return Err(DataError::new(
                file,
                Some(meta.header + 1),
                "no `Slope:` line before the header (a tracking or unknown plane): G(i) is not GHI",
                horizontal,
            ));
        }
        Some((slope, line)) if slope.abs() > 1e-9 => {
            return Err(DataError::new(
                file,
                Some(line),
                format!("slope {slope}°: G(i) is the irradiance on that inclined plane, not GHI"),
                horizontal,
            ));
        }
        _ => {}
    }
    let hl = meta.header + 1;
    let headers: Vec<String> = lines[meta.header].split(',').map(|s| s.trim().to_string()).collect();
    let c_time = find_column(&headers, "time", file, hl, "time stamps")?;
    let pos = |name: &str| headers.iter().position(|h| h == name);
    let ghi_cols: Vec<(usize, &str)> = match pos("G(i)") {
        Some(c) => vec![(c, "G(i)")],
        None => match (pos("Gb(i)"), pos("Gd(i)")) {
            (Some(b), Some(d)) => {
                let mut v = vec![(b, "Gb(i)"), (d, "Gd(i)")];
                if let Some(g) = pos("Gr(i)") {
                    v.push((g, "Gr(i)"));
                }
                v
            }
            _ => vec![(find_column(&headers, "G(i)", file, hl, "global irradiance on the plane, W/m²")?, "G(i)")],
        },
    };
    let c_temp = find_column(&headers, "T2m", file, hl, "2-m air temperature, °C")?;
    let c_wind = find_column(&headers, "WS10m", file, hl, "10-m wind speed, m/s")?;
    let rows = data_rows(&lines, meta.header, headers.len(), file)?;
    let mut r = Rows::new(file);
    let (mut ghi, mut temp, mut wind) = (Vec::new(), Vec::new(), Vec::new());
    for (line, f) in &rows {
        let t = parse_pvgis_time(f[c_time]).ok_or_else(|| bad_time(file, *line, f[c_time]))?;
        r.lines.push(*line);
        r.times.push((t / 3600.0).floor() * 3600.0);
        let mut g = 0.0;
        for (c, name) in &ghi_cols {
            g += parse_cell(f[*c], &[], file, *line, name)?.unwrap_or(0.0);
        }
        ghi.push(Some(g));
        temp.push(parse_cell(f[c_temp], &[], file, *line, "T2m")?);
        wind.push(parse_cell(f[c_wind], &[], file, *line, "WS10m")?);
    }
    let ghi_name = ghi_cols.iter().map(|c| c.1).collect::<Vec<_>>().join("+");
    r.ghi = Some(super::Column { name: ghi_name, values: ghi });
    r.temp = Some(super::Column { name: "T2m".into(), values: temp });
    r.wind = Some(super::Column { name: "WS10m".into(), values: wind });
    r.finish(StepRule::Hourly, format!("{file} (PVGIS hourly series)"), 10.0, meta.lat, meta.lon, meta.elev)
}
