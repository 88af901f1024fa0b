//! A generic hourly CSV, with everything about it declared in a
//! [`GenericSpec`]: the time column and its format, the UTC offset of the
//! time stamps, what a stamp marks (interval start, middle or end), the
//! column of each variable with its unit, the wind measurement height, the
//! missing-value markers and the delimiter.
//!
//! A file has one header row; lines starting with `#` are comments; cells
//! are trimmed. Times are converted to the UTC start of each hour:
//! `start = stamp − utc_offset_h·3600 s + shift`, with shift 0, −30 min and
//! −1 h for interval start, middle and end. Units are converted to W/m², °C
//! and m/s; the checks of [`super`] then apply (hourly steps, plausibility
//! with unit hints, missing values filled over at most 3 h).

use super::{Column, DataError, Rows, StepRule, TimeConvention, WeatherSeries, find_column, parse_cell};
use crate::scenario::resolve::days_in_month;

/// How to read a generic hourly CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct GenericSpec {
    /// Header of the time-stamp column.
    pub time_column: String,
    /// `unix` (seconds since 1970-01-01 UTC, possibly fractional), or a
    /// pattern with `%Y` (year), `%m` (month), `%d` (day), `%H` (hour, 0–24;
    /// 24:00 is midnight of the next day), `%M` (minute), `%S` (second),
    /// `%%` (a percent sign) and literal characters, e.g. `%Y-%m-%d %H:%M`
    /// or `%d/%m/%Y %H:%M`. Fields take one or two digits (four for `%Y`).
    pub time_format: String,
    /// Hours ahead of UTC of the time stamps (0 for UTC; ignored for `unix`).
    pub utc_offset_h: f64,
    /// What a time stamp marks about its hour.
    pub convention: TimeConvention,
    /// Column of global horizontal irradiance (none: no GHI in the series).
    pub ghi_column: Option<String>,
    /// `W/m2` (or `Wh/m2` per hour, the same number), `kW/m2` (or `kWh/m2`),
    /// `J/m2` (hourly accumulation, ÷ 3600).
    pub ghi_unit: String,
    pub temp_column: Option<String>,
    /// `C`, `K` or `F`.
    pub temp_unit: String,
    pub wind_column: Option<String>,
    /// Height of the wind measurement, m.
    pub wind_height_m: f64,
    /// Cell texts that mean "missing" (e.g. `NA`, `-9999`, or `` for an
    /// empty cell). Anything else that is not a number is an error.
    pub missing: Vec<String>,
    /// Field delimiter, `b','` by default.
    pub delimiter: u8,
    /// Place of the data, if known (needed by [`super::fit`] for GHI).
    pub latitude_deg: Option<f64>,
    pub longitude_deg: Option<f64>,
    pub elevation_m: Option<f64>,
}

impl Default for GenericSpec {
    fn default() -> Self {
        GenericSpec {
            time_column: "time".into(),
            time_format: "%Y-%m-%d %H:%M".into(),
            utc_offset_h: 0.0,
            convention: TimeConvention::IntervalStart,
            ghi_column: None,
            ghi_unit: "W/m2".into(),
            temp_column: None,
            temp_unit: "C".into(),
            wind_column: None,
            wind_height_m: 10.0,
            missing: Vec::new(),
            delimiter: b',',
            latitude_deg: None,
            longitude_deg: None,
            elevation_m: None,
        }
    }
}

/// A parsed time format.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TimeFormat {
    Unix,
    Pattern(Vec<Tok>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Tok {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    Lit(char),
}

impl TimeFormat {
    /// Parse a format; the error text names the bad part.
    pub fn new(fmt: &str) -> Result<Self, String> {
        if fmt.trim().eq_ignore_ascii_case("unix") {
            return Ok(TimeFormat::Unix);
        }
        let mut toks = Vec::new();
        let mut it = fmt.chars();
        while let Some(c) = it.next() {
            if c != '%' {
                toks.push(Tok::Lit(c));
                continue;
            }
            toks.push(match it.next() {
                Some('Y') => Tok::Year,
                Some('m') => Tok::Month,
                Some('d') => Tok::Day,
                Some('H') => Tok::Hour,
                Some('M') => Tok::Minute,
                Some('S') => Tok::Second,
                Some('%') => Tok::Lit('%'),
                Some(o) => return Err(format!("unknown field `%{o}`")),
                None => return Err("a `%` at the end".into()),
            });
        }
        for need in [Tok::Year, Tok::Month, Tok::Day] {
            if !toks.contains(&need) {
                return Err("no %Y, %m and %d".into());
            }
        }
        Ok(TimeFormat::Pattern(toks))
    }

    /// Seconds since 1970-01-01 of the stamp read as UTC civil time (for
    /// `unix`, the number itself).
    pub fn parse(&self, s: &str) -> Option<f64> {
        let s = s.trim();
        let toks = match self {
            TimeFormat::Unix => return s.parse::<f64>().ok().filter(|x| x.is_finite()),
            TimeFormat::Pattern(t) => t,
        };
        let b = s.as_bytes();
        let mut p = 0;
        let (mut y, mut mo, mut d, mut h, mut mi, mut se) = (None, None, None, 0u32, 0u32, 0u32);
        for t in toks {
            let width = match t {
                Tok::Lit(c) => {
                    let mut buf = [0u8; 4];
                    let lit = c.encode_utf8(&mut buf).as_bytes();
                    if !b[p..].starts_with(lit) {
                        return None;
                    }
                    p += lit.len();
                    continue;
                }
                Tok::Year => 4,
                _ => 2,
            };
            let n = b[p..].iter().take(width).take_while(|c| c.is_ascii_digit()).count();
            if n == 0 || (matches!(t, Tok::Year) && n != 4) {
                return None;
            }
            let v: u32 = s[p..p + n].parse().ok()?;
            p += n;
            match t {
                Tok::Year => y = Some(v as i32),
                Tok::Month => mo = Some(v),
                Tok::Day => d = Some(v),
                Tok::Hour => h = v,
                Tok::Minute => mi = v,
                Tok::Second => se = v,
                Tok::Lit(_) => {}
            }
        }
        if p != b.len() {
            return None;
        }
        let (y, mo, d) = (y?, mo?, d?);
        if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || mi > 59 || se > 59 {
            return None;
        }
        if h > 24 || (h == 24 && (mi, se) != (0, 0)) {
            return None;
        }
        Some(super::unix_from_civil(y, mo, d, 0, mi, f64::from(se)) + f64::from(h) * 3600.0)
    }
}

/// Multiplier and offset to W/m² for a GHI unit.
fn ghi_unit(u: &str) -> Option<(f64, f64)> {
    let n: String =
        u.to_ascii_lowercase().replace('²', "2").replace("^2", "2").chars().filter(|c| !c.is_whitespace()).collect();
    match n.as_str() {
        "w/m2" | "wm-2" | "wh/m2" => Some((1.0, 0.0)),
        "kw/m2" | "kwm-2" | "kwh/m2" => Some((1000.0, 0.0)),
        "j/m2" | "jm-2" => Some((1.0 / 3600.0, 0.0)),
        _ => None,
    }
}

/// Multiplier and offset to °C for a temperature unit.
fn temp_unit(u: &str) -> Option<(f64, f64)> {
    match u.trim().trim_start_matches('°').to_ascii_lowercase().as_str() {
        "c" | "degc" | "celsius" => Some((1.0, 0.0)),
        "k" | "kelvin" => Some((1.0, -273.15)),
        "f" | "degf" | "fahrenheit" => Some((5.0 / 9.0, -32.0 * 5.0 / 9.0)),
        _ => None,
    }
}

/// Read a generic hourly CSV as declared by `spec`.
pub fn read(text: &str, file: &str, spec: &GenericSpec) -> Result<WeatherSeries, DataError> {
    let fail = |line: Option<usize>, m: String, a: &str| DataError::new(file, line, m, a);
    let fmt = TimeFormat::new(&spec.time_format).map_err(|e| {
        fail(
            None,
            format!("time format `{}`: {e}", spec.time_format),
            "`unix`, or a pattern of %Y %m %d %H %M %S and literal characters, e.g. `%Y-%m-%d %H:%M`",
        )
    })?;
    let gu = ghi_unit(&spec.ghi_unit).ok_or_else(|| {
        fail(None, format!("GHI unit `{}`", spec.ghi_unit), "W/m2, kW/m2, Wh/m2, kWh/m2 (per hour) or J/m2")
    })?;
    let tu = temp_unit(&spec.temp_unit)
        .ok_or_else(|| fail(None, format!("temperature unit `{}`", spec.temp_unit), "C, K or F"))?;
    if spec.ghi_column.is_none() && spec.temp_column.is_none() && spec.wind_column.is_none() {
        return Err(fail(
            None,
            "no variable columns declared".into(),
            "at least one of the GHI, temperature and wind columns",
        ));
    }
    if !(spec.wind_height_m.is_finite() && spec.wind_height_m > 0.0) {
        return Err(fail(None, format!("wind height {} m", spec.wind_height_m), "a height above ground > 0 m"));
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .delimiter(spec.delimiter)
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| fail(Some(1), format!("bad header row: {e}"), "a header row naming the columns"))?
        .iter()
        .map(str::to_string)
        .collect();
    let header_line = text.lines().position(|l| !l.trim().is_empty() && !l.starts_with('#')).map_or(1, |i| i + 1);
    let c_time = find_column(&headers, &spec.time_column, file, header_line, "time stamps")?;
    let col = |name: &Option<String>, what: &str| -> Result<Option<usize>, DataError> {
        name.as_ref().map(|n| find_column(&headers, n, file, header_line, what)).transpose()
    };
    let c_ghi = col(&spec.ghi_column, "GHI")?;
    let c_temp = col(&spec.temp_column, "temperature")?;
    let c_wind = col(&spec.wind_column, "wind speed")?;
    let mut r = Rows::new(file);
    r.ghi_unit = spec.ghi_unit.clone();
    r.temp_unit = spec.temp_unit.clone();
    let mk = |c: Option<usize>| c.map(|c| Column { name: headers[c].clone(), values: Vec::new() });
    r.ghi = mk(c_ghi);
    r.temp = mk(c_temp);
    r.wind = mk(c_wind);
    let offset_s = if fmt == TimeFormat::Unix { 0.0 } else { spec.utc_offset_h * 3600.0 };
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize);
            fail(line, format!("malformed row: {e}"), "rows with as many fields as the header")
        })?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        let cell = rec.get(c_time).unwrap_or("");
        let t = fmt.parse(cell).ok_or_else(|| {
            fail(
                Some(line),
                format!(
                    "`{cell}` in column `{}` does not match the time format `{}`",
                    spec.time_column, spec.time_format
                ),
                "a time stamp in the declared format",
            )
        })?;
        r.lines.push(line);
        r.times.push(t - offset_s + spec.convention.to_start_s());
        for (c, colm, (k, o)) in [(c_ghi, &mut r.ghi, gu), (c_temp, &mut r.temp, tu), (c_wind, &mut r.wind, (1.0, 0.0))]
        {
            if let (Some(c), Some(colm)) = (c, colm) {
                let v = parse_cell(rec.get(c).unwrap_or(""), &spec.missing, file, line, &colm.name)?;
                colm.values.push(v.map(|v| v * k + o));
            }
        }
    }
    let name = format!("{file} (generic CSV)");
    r.finish(StepRule::Hourly, name, spec.wind_height_m, spec.latitude_deg, spec.longitude_deg, spec.elevation_m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::unix_from_civil;

    #[test]
    fn time_formats() {
        let f = TimeFormat::new("%Y-%m-%d %H:%M").unwrap();
        assert_eq!(f.parse("2020-02-29 23:00"), Some(unix_from_civil(2020, 2, 29, 23, 0, 0.0)));
        assert_eq!(f.parse("2020-2-9 3:05"), Some(unix_from_civil(2020, 2, 9, 3, 5, 0.0)));
        assert_eq!(f.parse("2020-12-31 24:00"), Some(unix_from_civil(2021, 1, 1, 0, 0, 0.0)));
        assert_eq!(f.parse("2019-02-29 23:00"), None);
        assert_eq!(f.parse("2020-01-01 24:30"), None);
        assert_eq!(f.parse("2020-01-01 00:00x"), None);
        assert_eq!(f.parse("20-01-01 00:00"), None);
        let f = TimeFormat::new("%d/%m/%Y %H:%M:%S").unwrap();
        assert_eq!(f.parse("01/07/2021 12:30:15"), Some(unix_from_civil(2021, 7, 1, 12, 30, 15.0)));
        assert_eq!(TimeFormat::new("unix").unwrap().parse("1600000000"), Some(1.6e9));
        assert!(TimeFormat::new("%Y-%m-%d %I").is_err());
        assert!(TimeFormat::new("%H:%M").is_err());
    }

    #[test]
    fn units() {
        assert_eq!(ghi_unit("W/m²"), Some((1.0, 0.0)));
        assert_eq!(ghi_unit("kW/m^2"), Some((1000.0, 0.0)));
        assert_eq!(ghi_unit("lux"), None);
        assert_eq!(temp_unit("°C"), Some((1.0, 0.0)));
        assert_eq!(temp_unit("K"), Some((1.0, -273.15)));
    }
}
