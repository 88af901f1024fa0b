//! renewables.ninja CSV downloads (Pfenninger & Staffell 2016, Energy 114;
//! Staffell & Pfenninger 2016, Energy 114; <https://www.renewables.ninja>).
//!
//! A download starts with comment lines beginning `#` (title, licence,
//! reference, units, and with API downloads the request parameters as JSON,
//! e.g. `# {"params": {"lat": 37.9, "lon": 105.4, "capacity": 1.0, …}}`),
//! then a header row and hourly rows:
//! - **PV or wind output**: `time,local_time,electricity` (with `raw=true`
//!   also `irradiance_direct,irradiance_diffuse,temperature` for PV or
//!   `wind_speed` for wind). `electricity` is kW for the requested capacity;
//!   the capacity factor is `electricity / capacity`, the capacity read from
//!   the parameters (1 kW if absent — the web tool's default — and then a
//!   value above 1 is an error). A file with no `electricity` column but
//!   exactly one data column (besides `time` and `local_time`) is read as a
//!   capacity factor in that column.
//! - **Weather** (MERRA-2 variables): GHI from `swgdn`, `irradiance_surface`
//!   or `radiation_surface` (W/m²); temperature from `t2m` or `temperature`
//!   (°C); wind speed from `wind_speed` (m/s at the `height` of the request
//!   parameters, which must then be given). Other columns are ignored.
//!
//! `time` is UTC and taken as the start of the hour; `local_time` is ignored.
//! The place's elevation (used by `fit-weather` for the clear sky) is read
//! from `"elevation"` (`"elevation_m"`, `"alt"`) in the parameters or from a
//! title ending `(lat, lon, 1819.6 m)`; without it `fit-weather` assumes 0 m
//! and says so (issue 16: +8.9 % GHI for Denver fitted at sea level).

use super::{CapacityFactorSeries, Column, DataError, Rows, StepRule, WeatherSeries, find_column, parse_cell};
use crate::data::generic::TimeFormat;

/// What a renewables.ninja file holds.
#[derive(Debug, Clone, PartialEq)]
pub enum NinjaSeries {
    Weather(WeatherSeries),
    CapacityFactor(CapacityFactorSeries),
}

/// Request parameters found in the comment lines.
#[derive(Debug, Default, Clone, Copy)]
struct Params {
    lat: Option<f64>,
    lon: Option<f64>,
    height: Option<f64>,
    capacity: Option<f64>,
    /// Elevation of the place, m: `"elevation"` (or `"elevation_m"`, `"alt"`)
    /// in the parameters, or a title ending `(…, 1819.6 m)`.
    elevation: Option<f64>,
}

/// The elevation in a title such as `# … Denver CO (39.73 N, 105.18 W,
/// 1819.6 m)`: the number before the ` m)` that closes a parenthesis.
fn title_elevation(line: &str) -> Option<f64> {
    let end = line.find(" m)")?;
    let open = line[..end].rfind('(')?;
    let last = line[open + 1..end].rsplit(',').next()?.trim();
    last.parse().ok().filter(|x: &f64| x.is_finite())
}

/// The number after `"key":` in a JSON-ish comment line.
fn json_number(line: &str, key: &str) -> Option<f64> {
    let pat = format!("\"{key}\"");
    let at = line.find(&pat)? + pat.len();
    let rest = line[at..].trim_start().strip_prefix(':')?.trim_start().trim_start_matches('"');
    let end = rest.find(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c))).unwrap_or(rest.len());
    rest[..end].parse().ok()
}

struct Table<'a> {
    params: Params,
    header_line: usize,
    headers: Vec<String>,
    rows: Vec<(usize, Vec<&'a str>)>,
}

const ACCEPTED: &str = "a renewables.ninja CSV: `#` comment lines, a header row starting with `time`, hourly rows";

fn table<'a>(text: &'a str, file: &str) -> Result<Table<'a>, DataError> {
    // A byte-order mark (spreadsheet exports) is not part of the first line.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut params = Params::default();
    let mut header: Option<(usize, Vec<String>)> = None;
    let mut rows = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let l = raw.trim();
        if l.starts_with('#') || (header.is_none() && l.starts_with('{')) {
            params.lat = params.lat.or(json_number(l, "lat"));
            params.lon = params.lon.or(json_number(l, "lon"));
            params.height = params.height.or(json_number(l, "height"));
            params.capacity = params.capacity.or(json_number(l, "capacity"));
            params.elevation = params
                .elevation
                .or(json_number(l, "elevation"))
                .or(json_number(l, "elevation_m"))
                .or(json_number(l, "alt"))
                .or(title_elevation(l));
            continue;
        }
        if l.is_empty() {
            continue;
        }
        match &header {
            None => {
                let h: Vec<String> = l.split(',').map(|s| s.trim().trim_matches('"').to_string()).collect();
                if h.first().map(String::as_str) != Some("time") {
                    return Err(DataError::new(
                        file,
                        Some(i + 1),
                        format!("`{l}` is not a renewables.ninja header"),
                        ACCEPTED,
                    ));
                }
                header = Some((i + 1, h));
            }
            Some((_, h)) => {
                let f: Vec<&str> = l.split(',').map(|s| s.trim().trim_matches('"')).collect();
                if f.len() != h.len() {
                    return Err(DataError::new(
                        file,
                        Some(i + 1),
                        format!("{} fields, the header has {}", f.len(), h.len()),
                        "one value per header column",
                    ));
                }
                rows.push((i + 1, f));
            }
        }
    }
    let (header_line, headers) = header.ok_or_else(|| DataError::new(file, None, "no header row", ACCEPTED))?;
    Ok(Table { params, header_line, headers, rows })
}

/// Parse the `time` column into hour starts, with lines.
fn times(t: &Table, file: &str) -> Result<Rows, DataError> {
    let formats = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ"]
        .map(|f| TimeFormat::new(f).expect("valid built-in format"));
    let mut r = Rows::new(file);
    for (line, f) in &t.rows {
        let s = f[0];
        let v = formats.iter().find_map(|fm| fm.parse(s)).ok_or_else(|| {
            DataError::new(file, Some(*line), format!("`{s}` is not a time stamp"), "YYYY-MM-DD HH:MM in UTC")
        })?;
        r.lines.push(*line);
        r.times.push(v);
    }
    Ok(r)
}

/// Read either kind, telling them apart by the `electricity` column (or a
/// single unnamed data column) versus weather columns.
pub fn read(text: &str, file: &str) -> Result<NinjaSeries, DataError> {
    let t = table(text, file)?;
    let weather = [GHI_NAMES, TEMP_NAMES, WIND_NAMES].iter().any(|names| pick(&t.headers, names).is_some());
    if t.headers.iter().any(|h| h == "electricity") || !weather {
        read_capacity_factor(text, file).map(NinjaSeries::CapacityFactor)
    } else {
        read_weather(text, file).map(NinjaSeries::Weather)
    }
}

const GHI_NAMES: &[&str] = &["swgdn", "irradiance_surface", "radiation_surface"];
const TEMP_NAMES: &[&str] = &["t2m", "temperature"];
const WIND_NAMES: &[&str] = &["wind_speed"];

fn pick(headers: &[String], names: &[&str]) -> Option<usize> {
    names.iter().find_map(|n| headers.iter().position(|h| h == n))
}

/// Read the weather columns of a renewables.ninja file.
pub fn read_weather(text: &str, file: &str) -> Result<WeatherSeries, DataError> {
    let t = table(text, file)?;
    let (g, te, w) = (pick(&t.headers, GHI_NAMES), pick(&t.headers, TEMP_NAMES), pick(&t.headers, WIND_NAMES));
    if g.is_none() && te.is_none() && w.is_none() {
        return Err(DataError::new(
            file,
            Some(t.header_line),
            "no weather column",
            format!("at least one of {}", [GHI_NAMES, TEMP_NAMES, WIND_NAMES].concat().join(", ")),
        ));
    }
    let height = match (w, t.params.height) {
        (Some(_), None) => {
            return Err(DataError::new(
                file,
                Some(t.header_line),
                "a `wind_speed` column but no height in the request parameters",
                "a comment line with the request parameters including \"height\", e.g. # {\"params\": {\"height\": 100}}",
            ));
        }
        (_, h) => h.unwrap_or(10.0),
    };
    let mut r = times(&t, file)?;
    let col = |c: Option<usize>| -> Result<Option<Column>, DataError> {
        let Some(c) = c else { return Ok(None) };
        let name = t.headers[c].clone();
        let mut values = Vec::with_capacity(t.rows.len());
        for (line, f) in &t.rows {
            values.push(parse_cell(f[c], &[], file, *line, &name)?);
        }
        Ok(Some(Column { name, values }))
    };
    r.ghi = col(g)?;
    r.temp = col(te)?;
    r.wind = col(w)?;
    let name = format!("{file} (renewables.ninja weather)");
    r.finish(StepRule::Hourly, name, height, t.params.lat, t.params.lon, t.params.elevation)
}

/// Read the capacity factor of a renewables.ninja PV or wind output.
pub fn read_capacity_factor(text: &str, file: &str) -> Result<CapacityFactorSeries, DataError> {
    let t = table(text, file)?;
    let data_cols: Vec<usize> = (1..t.headers.len()).filter(|&c| t.headers[c] != "local_time").collect();
    let c = match t.headers.iter().position(|h| h == "electricity") {
        Some(c) => c,
        None if data_cols.len() == 1 => data_cols[0],
        None => find_column(&t.headers, "electricity", file, t.header_line, "output in kW for the requested capacity")?,
    };
    let name = t.headers[c].clone();
    let capacity = t.params.capacity.unwrap_or(1.0);
    if !(capacity.is_finite() && capacity > 0.0) {
        return Err(DataError::new(file, None, format!("capacity {capacity} in the request parameters"), "> 0 kW"));
    }
    let r = times(&t, file)?;
    r.check_steps(StepRule::Hourly)?;
    let mut cf = Vec::with_capacity(t.rows.len());
    for (line, f) in &t.rows {
        let v = parse_cell(f[c], &[], file, *line, &name)?.unwrap_or(0.0) / capacity;
        if !(-1e-9..=1.0 + 1e-6).contains(&v) {
            let hint =
                if t.params.capacity.is_none() { " (no capacity in the request parameters, 1 kW assumed)" } else { "" };
            return Err(DataError::new(
                file,
                Some(*line),
                format!("capacity factor {v} in column `{name}` is outside 0–1{hint}"),
                "output per unit of the requested capacity from 0 to 1",
            ));
        }
        cf.push(v.clamp(0.0, 1.0));
    }
    Ok(CapacityFactorSeries { name: format!("{file} (renewables.ninja {name})"), times_utc_s: r.times, cf })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elevation_comes_from_the_header() {
        assert_eq!(title_elevation("# NREL PVWatts v5, Denver CO (39.73 N, 105.18 W, 1819.6 m)"), Some(1819.6));
        assert_eq!(title_elevation("# no place here"), None);
        let body = "time,local_time,t2m,swgdn,wind_speed\n2019-01-01 00:00,2019-01-01 08:00,1.0,0.0,3.0\n2019-01-01 01:00,2019-01-01 09:00,1.5,20.0,3.5\n";
        let title = format!("# Denver CO (39.73 N, 105.18 W, 1819.6 m)\n# {{\"params\": {{\"height\": 10}}}}\n{body}");
        assert_eq!(read_weather(&title, "f.csv").unwrap().elevation_m, Some(1819.6));
        let json = format!("# {{\"params\": {{\"lat\": 1, \"height\": 10, \"elevation\": 250}}}}\n{body}");
        assert_eq!(read_weather(&json, "f.csv").unwrap().elevation_m, Some(250.0));
        let none = format!("# {{\"params\": {{\"height\": 10}}}}\n{body}");
        assert_eq!(read_weather(&none, "f.csv").unwrap().elevation_m, None);
    }
}
