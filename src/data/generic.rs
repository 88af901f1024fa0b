//! A generic hourly CSV, with everything about it declared in a
//! [`GenericSpec`]: the time column and its format, the UTC offset of the
//! time stamps, what a stamp marks (interval start, middle or end), the
//! column of each variable with its unit, the wind measurement height, the
//! missing-value markers and the delimiter.
//!
//! A file has one header row (the first line that is not blank or a `#`
//! comment, or the declared `header_line`: everything above it, such as the
//! metadata preamble of NREL PVWatts hourly output or of a TMY3 file, is
//! skipped); lines starting with `#` are comments; a declared number of
//! footer lines (e.g. a totals row) is ignored; cells are trimmed. The time
//! stamp may span several columns (e.g. `Month`, `Day`, `Hour`), whose
//! cells are joined with single spaces before the format applies; a
//! declared `year` replaces the stamps' own (typical-year files mix years,
//! and some have none). Times are converted to the UTC start of each hour:
//! `start = stamp − utc_offset_h·3600 s + shift`, with shift 0, −30 min and
//! −1 h for interval start, middle and end (hours 0–23 marking the start,
//! or 1–24 marking the end, of their hour). Units are converted to W/m², °C
//! and m/s. GHI is read from a column, or derived from beam and diffuse
//! columns as `GHI = DNI·cos z + DHI`, with the apparent solar zenith `z` at
//! the middle of the hour (NREL SPA, as the weather generator's geometry;
//! `cos z` floored at 0, so an hour whose middle is after sunset or before
//! sunrise counts its diffuse irradiance only). The checks of [`super`] then
//! apply (hourly steps, plausibility with unit hints, missing values filled
//! over at most 3 h).

use super::{Column, DataError, Rows, StepRule, TimeConvention, WeatherSeries, find_column, parse_cell};
use crate::base::calendar::days_in_month;
use crate::physics::solar;

/// How to read a generic hourly CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct GenericSpec {
    /// Header of the time-stamp column.
    pub time_column: String,
    /// Further time columns (e.g. `Day`, `Hour` after `Month`): their cells
    /// follow the time column's, each after one space, and the format
    /// applies to the joined text (`%m %d %H`).
    pub more_time_columns: Vec<String>,
    /// `unix` (seconds since 1970-01-01 UTC, possibly fractional), or a
    /// pattern with `%Y` (year), `%m` (month), `%d` (day), `%H` (hour, 0–24;
    /// 24:00 is midnight of the next day), `%M` (minute), `%S` (second),
    /// `%%` (a percent sign) and literal characters, e.g. `%Y-%m-%d %H:%M`
    /// or `%d/%m/%Y %H:%M`. Fields take one or two digits (four for `%Y`).
    pub time_format: String,
    /// Year of every time stamp, replacing the stamp's own `%Y` (or
    /// supplying it when the format has none).
    pub year: Option<i32>,
    /// Hours ahead of UTC of the time stamps (0 for UTC; ignored for `unix`).
    pub utc_offset_h: f64,
    /// What a time stamp marks about its hour.
    pub convention: TimeConvention,
    /// Column of global horizontal irradiance (none: no GHI in the series,
    /// unless derived from `dni_column` and `dhi_column`).
    pub ghi_column: Option<String>,
    /// Columns of direct normal and diffuse horizontal irradiance: GHI =
    /// DNI·cos z + DHI (both needed, not with `ghi_column`; needs the
    /// place).
    pub dni_column: Option<String>,
    pub dhi_column: Option<String>,
    /// Unit of every irradiance column: `W/m2` (or `Wh/m2` per hour, the
    /// same number), `kW/m2` (or `kWh/m2`), `J/m2` (hourly accumulation,
    /// ÷ 3600).
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
    /// 1-based line of the header row; lines above it are skipped (none:
    /// the first line that is not blank or a `#` comment).
    pub header_line: Option<usize>,
    /// Lines at the end of the file to ignore (blank lines at the very end
    /// not counted), e.g. 1 for a totals row.
    pub footer_lines: usize,
    /// Place of the data, if known (needed by [`super::fit`] for GHI).
    pub latitude_deg: Option<f64>,
    pub longitude_deg: Option<f64>,
    pub elevation_m: Option<f64>,
}

impl Default for GenericSpec {
    fn default() -> Self {
        GenericSpec {
            time_column: "time".into(),
            more_time_columns: Vec::new(),
            time_format: "%Y-%m-%d %H:%M".into(),
            year: None,
            utc_offset_h: 0.0,
            convention: TimeConvention::IntervalStart,
            ghi_column: None,
            dni_column: None,
            dhi_column: None,
            ghi_unit: "W/m2".into(),
            temp_column: None,
            temp_unit: "C".into(),
            wind_column: None,
            wind_height_m: 10.0,
            missing: Vec::new(),
            delimiter: b',',
            header_line: None,
            footer_lines: 0,
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
        for need in [Tok::Month, Tok::Day] {
            if !toks.contains(&need) {
                return Err("no %m and %d".into());
            }
        }
        Ok(TimeFormat::Pattern(toks))
    }

    /// Whether the format gives the year (`unix`, or a pattern with `%Y`).
    pub fn has_year(&self) -> bool {
        match self {
            TimeFormat::Unix => true,
            TimeFormat::Pattern(t) => t.contains(&Tok::Year),
        }
    }

    /// Seconds since 1970-01-01 of the stamp read as UTC civil time (for
    /// `unix`, the number itself); `None` without a valid date, or without
    /// a year.
    pub fn parse(&self, s: &str) -> Option<f64> {
        self.parse_in(s, None)
    }

    /// As [`TimeFormat::parse`], with `year` (when given) replacing the
    /// stamp's own year (ignored for `unix`).
    pub fn parse_in(&self, s: &str, year: Option<i32>) -> Option<f64> {
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
        let (y, mo, d) = (year.or(y)?, mo?, d?);
        if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || mi > 59 || se > 59 {
            return None;
        }
        if h > 24 || (h == 24 && (mi, se) != (0, 0)) {
            return None;
        }
        Some(crate::base::calendar::unix_from_civil(y, mo, d, 0, mi, f64::from(se)) + f64::from(h) * 3600.0)
    }
}

/// Multiplier and offset to W/m² for an irradiance unit.
pub(crate) fn ghi_unit(u: &str) -> Option<(f64, f64)> {
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
pub(crate) fn temp_unit(u: &str) -> Option<(f64, f64)> {
    match u.trim().trim_start_matches('°').to_ascii_lowercase().as_str() {
        "c" | "degc" | "celsius" => Some((1.0, 0.0)),
        "k" | "kelvin" => Some((1.0, -273.15)),
        "f" | "degf" | "fahrenheit" => Some((5.0 / 9.0, -32.0 * 5.0 / 9.0)),
        _ => None,
    }
}

/// What [`read`] accepts as a time format, for messages.
pub const TIME_FORMAT_ACCEPTED: &str =
    "`unix`, or a pattern of %Y %m %d %H %M %S and literal characters with at least %m and %d, e.g. `%Y-%m-%d %H:%M`";
/// What [`read`] accepts as an irradiance unit, for messages.
pub const IRRADIANCE_UNITS: &str = "W/m2, kW/m2, Wh/m2, kWh/m2 (per hour) or J/m2";
/// What [`read`] accepts as a temperature unit, for messages.
pub const TEMPERATURE_UNITS: &str = "C, K or F";

/// Read a generic hourly CSV as declared by `spec`.
pub fn read(text: &str, file: &str, spec: &GenericSpec) -> Result<WeatherSeries, DataError> {
    // A byte-order mark (spreadsheet exports) is not part of the first line.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let fail = |line: Option<usize>, m: String, a: &str| DataError::new(file, line, m, a);
    let fmt = TimeFormat::new(&spec.time_format)
        .map_err(|e| fail(None, format!("time format `{}`: {e}", spec.time_format), TIME_FORMAT_ACCEPTED))?;
    if !fmt.has_year() && spec.year.is_none() {
        return Err(fail(
            None,
            format!("time format `{}` has no %Y and no year is declared", spec.time_format),
            "a year for the data (any non-leap year for a typical year without 29 February)",
        ));
    }
    let gu = ghi_unit(&spec.ghi_unit)
        .ok_or_else(|| fail(None, format!("irradiance unit `{}`", spec.ghi_unit), IRRADIANCE_UNITS))?;
    let tu = temp_unit(&spec.temp_unit)
        .ok_or_else(|| fail(None, format!("temperature unit `{}`", spec.temp_unit), TEMPERATURE_UNITS))?;
    let beam = match (&spec.ghi_column, &spec.dni_column, &spec.dhi_column) {
        (_, None, None) => false,
        (None, Some(_), Some(_)) => true,
        (Some(_), _, _) => {
            return Err(fail(
                None,
                "both a GHI column and DNI/DHI columns declared".into(),
                "either a GHI column, or DNI and DHI columns (GHI = DNI·cos z + DHI)",
            ));
        }
        _ => {
            return Err(fail(
                None,
                "only one of the DNI and DHI columns declared".into(),
                "both DNI and DHI columns (GHI = DNI·cos z + DHI), or a GHI column",
            ));
        }
    };
    let place = match (spec.latitude_deg, spec.longitude_deg) {
        (Some(lat), Some(lon)) if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) => Some((lat, lon)),
        _ => None,
    };
    if beam && place.is_none() {
        return Err(fail(
            None,
            "GHI from DNI and DHI needs the place of the data".into(),
            "latitude (−90 to 90) and longitude (−180 to 180) of the data",
        ));
    }
    if spec.ghi_column.is_none() && !beam && spec.temp_column.is_none() && spec.wind_column.is_none() {
        return Err(fail(
            None,
            "no variable columns declared".into(),
            "at least one of the GHI (or DNI and DHI), temperature and wind columns",
        ));
    }
    if !(spec.wind_height_m.is_finite() && spec.wind_height_m > 0.0) {
        return Err(fail(None, format!("wind height {} m", spec.wind_height_m), "a height above ground > 0 m"));
    }
    // The header row and the lines above it.
    let starts: Vec<usize> =
        std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).filter(|&i| i < text.len()).collect();
    let header_line = match spec.header_line {
        Some(h) if h == 0 || h > starts.len() => {
            return Err(fail(
                None,
                format!("header line {h}, but the file has {} lines", starts.len()),
                "the 1-based line number of the header row",
            ));
        }
        Some(h) => h,
        None => text.lines().position(|l| !l.trim().is_empty() && !l.starts_with('#')).map_or(1, |i| i + 1),
    };
    let skipped = if spec.header_line.is_some() { header_line - 1 } else { 0 };
    let body = &text[starts.get(skipped).copied().unwrap_or(text.len())..];
    // Footer lines, not counting blank lines at the very end.
    let mut end = body.trim_end().len();
    for _ in 0..spec.footer_lines {
        if end == 0 {
            break;
        }
        end = body[..end].rfind('\n').unwrap_or(0);
    }
    let body = &body[..end];
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .delimiter(spec.delimiter)
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(body.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| fail(Some(header_line), format!("bad header row: {e}"), "a header row naming the columns"))?
        .iter()
        .map(str::to_string)
        .collect();
    let time_names: Vec<&str> =
        std::iter::once(spec.time_column.as_str()).chain(spec.more_time_columns.iter().map(String::as_str)).collect();
    // A missing column in a file with a preamble: point at header_line.
    let find = |n: &str, what: &str| {
        find_column(&headers, n, file, header_line, what).map_err(|mut e| {
            if spec.header_line.is_none() {
                e.accepted.push_str(" (the header row further down, below a preamble: declare header_line)");
            }
            e
        })
    };
    let c_time = time_names.iter().map(|n| find(n, "time stamps")).collect::<Result<Vec<_>, _>>()?;
    let col = |name: &Option<String>, what: &str| -> Result<Option<usize>, DataError> {
        name.as_ref().map(|n| find(n, what)).transpose()
    };
    let c_ghi = col(&spec.ghi_column, "GHI")?;
    let c_dni = col(&spec.dni_column, "DNI")?;
    let c_dhi = col(&spec.dhi_column, "DHI")?;
    let c_temp = col(&spec.temp_column, "temperature")?;
    let c_wind = col(&spec.wind_column, "wind speed")?;
    let mut r = Rows::new(file);
    r.ghi_unit = spec.ghi_unit.clone();
    r.temp_unit = spec.temp_unit.clone();
    let mk = |c: Option<usize>| c.map(|c| Column { name: headers[c].clone(), values: Vec::new() });
    r.ghi = mk(c_ghi);
    r.temp = mk(c_temp);
    r.wind = mk(c_wind);
    let (mut dni, mut dhi) = (mk(c_dni), mk(c_dhi));
    let offset_s = if fmt == TimeFormat::Unix { 0.0 } else { spec.utc_offset_h * 3600.0 };
    let time_label = time_names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    let mut stamp = String::new();
    let mut lines = LineCounter::default();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| LineCounter::default().line_at(body, p.byte() as usize) + skipped);
            fail(
                line,
                format!("malformed row: {e}"),
                "rows with as many fields as the header (a metadata preamble above the header: declare header_line)",
            )
        })?;
        let line = rec.position().map_or(0, |p| lines.line_at(body, p.byte() as usize)) + skipped;
        stamp.clear();
        for (k, c) in c_time.iter().enumerate() {
            if k > 0 {
                stamp.push(' ');
            }
            stamp.push_str(rec.get(*c).unwrap_or(""));
        }
        let t = fmt.parse_in(&stamp, spec.year).ok_or_else(|| {
            let (what, cols) = if c_time.len() > 1 { ("columns", &time_label) } else { ("column", &time_label) };
            fail(
                Some(line),
                format!("`{stamp}` in {what} {cols} does not match the time format `{}`", spec.time_format),
                "a time stamp in the declared format",
            )
        })?;
        r.lines.push(line);
        r.times.push(t - offset_s + spec.convention.to_start_s());
        for (c, colm, (k, o)) in [
            (c_ghi, &mut r.ghi, gu),
            (c_dni, &mut dni, gu),
            (c_dhi, &mut dhi, gu),
            (c_temp, &mut r.temp, tu),
            (c_wind, &mut r.wind, (1.0, 0.0)),
        ] {
            if let (Some(c), Some(colm)) = (c, colm) {
                let v = parse_cell(rec.get(c).unwrap_or(""), &spec.missing, file, line, &colm.name)?;
                colm.values.push(v.map(|v| v * k + o));
            }
        }
    }
    if let (Some(dni), Some(dhi), Some((lat, lon))) = (dni, dhi, place) {
        r.ghi = Some(global_from_beam_and_diffuse(&r.times, dni, dhi, lat, lon, spec.elevation_m.unwrap_or(0.0)));
    }
    let name = format!("{file} (generic CSV)");
    r.finish(StepRule::Hourly, name, spec.wind_height_m, spec.latitude_deg, spec.longitude_deg, spec.elevation_m)
}

/// File lines of CSV records from their byte offsets, counted forward
/// (records come in order). The csv crate's own line count starts a record
/// that follows a CRLF at its `\n`, one line early, so the line is taken
/// at the record's first byte after any line breaks.
#[derive(Default)]
struct LineCounter {
    byte: usize,
    /// 1-based line of `byte`, less one.
    newlines: usize,
}

impl LineCounter {
    fn line_at(&mut self, text: &str, byte: usize) -> usize {
        let b = text.as_bytes();
        let mut p = byte.min(b.len());
        while p < b.len() && (b[p] == b'\r' || b[p] == b'\n') {
            p += 1;
        }
        if p < self.byte {
            *self = LineCounter::default();
        }
        self.newlines += b[self.byte..p].iter().filter(|&&c| c == b'\n').count();
        self.byte = p;
        self.newlines + 1
    }
}

/// GHI = DNI·max(cos z, 0) + DHI per hour (missing where either is), with
/// the apparent zenith at the middle of the hour starting at each of
/// `starts_utc_s`, computed as the weather generator does (NREL SPA, the
/// site's standard pressure, 10 °C, ΔT 69 s).
fn global_from_beam_and_diffuse(
    starts_utc_s: &[f64],
    dni: Column,
    dhi: Column,
    lat: f64,
    lon: f64,
    elevation_m: f64,
) -> Column {
    let elevation_m = if elevation_m.is_finite() { elevation_m.clamp(-500.0, 9000.0) } else { 0.0 };
    let pressure_hpa = solar::clearsky::pressure_from_elevation_hpa(elevation_m);
    let values = starts_utc_s
        .iter()
        .zip(dni.values.iter().zip(&dhi.values))
        .map(|(t, (b, d))| {
            let (b, d) = ((*b)?, (*d)?);
            let pos = solar::spa::solar_position(&solar::spa::SpaInput {
                unix_seconds_utc: t + 1800.0,
                latitude_deg: lat,
                longitude_deg: lon,
                elevation_m,
                pressure_hpa,
                temperature_c: 10.0,
                delta_t_s: 69.0,
                atmos_refraction_deg: 0.5667,
            });
            let cos_z = pos.zenith_deg.to_radians().cos();
            Some(b * if cos_z > 0.0 { cos_z } else { 0.0 } + d)
        })
        .collect();
    Column { name: format!("{}·cos z + {}", dni.name, dhi.name), values }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::calendar::unix_from_civil;

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
    fn formats_without_a_year_and_year_overrides() {
        let f = TimeFormat::new("%m %d %H").unwrap();
        assert!(!f.has_year());
        assert_eq!(f.parse("1 1 0"), None);
        assert_eq!(f.parse_in("1 1 0", Some(2019)), Some(unix_from_civil(2019, 1, 1, 0, 0, 0.0)));
        assert_eq!(f.parse_in("12 31 24", Some(2019)), Some(unix_from_civil(2020, 1, 1, 0, 0, 0.0)));
        assert_eq!(f.parse_in("2 29 0", Some(2019)), None);
        let f = TimeFormat::new("%m/%d/%Y %H:%M").unwrap();
        assert_eq!(f.parse_in("02/01/1995 01:00", Some(2019)), Some(unix_from_civil(2019, 2, 1, 1, 0, 0.0)));
    }

    #[test]
    fn crlf_line_numbers_and_huge_footers() {
        let text = "a,b\r\n1,2\r\n3,4\r\n";
        let mut c = LineCounter::default();
        // The csv crate places the second record at the `\n` of the first CRLF.
        assert_eq!(c.line_at(text, 4), 2);
        assert_eq!(c.line_at(text, 9), 3);
        let spec = GenericSpec {
            time_column: "a".into(),
            time_format: "unix".into(),
            temp_column: Some("b".into()),
            footer_lines: usize::MAX,
            ..GenericSpec::default()
        };
        assert!(read(text, "f", &spec).is_err());
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
