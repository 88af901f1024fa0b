//! Weather data import, and the two ways to use it: replay, resample, and a
//! fit of the stochastic generator's parameters.
//!
//! Readers (pure functions of the file text; the caller reads the file and
//! passes its name for messages):
//! - [`pvgis::read_tmy`]: PVGIS 5.x typical meteorological year CSV;
//! - [`pvgis::read_hourly`]: PVGIS hourly radiation series CSV (horizontal
//!   plane only);
//! - [`ninja::read`]: renewables.ninja CSV, weather or capacity factor;
//! - [`generic::read`]: any hourly CSV with the column mapping, units and
//!   time convention declared in a [`generic::GenericSpec`].
//!
//! Every reader returns a [`WeatherSeries`] (or a [`CapacityFactorSeries`])
//! or a [`DataError`] naming the file, the line and what is accepted.
//!
//! ## Conventions of a [`WeatherSeries`]
//! - **Time**: `times_utc_s[i]` is the *start* of hour `i` in Unix seconds
//!   (UTC). Values are means over `[t, t + 1 h)`. Readers convert from the
//!   file's convention (interval start, middle or end; UTC or a fixed
//!   offset). Fixed offsets only: local times with daylight-saving shifts
//!   give duplicate/gap errors and must be converted to standard time first.
//! - **Order**: strictly hourly, no duplicates or gaps (one exception: a
//!   PVGIS TMY, whose twelve months come from different years; each month is
//!   hourly and the months follow in calendar order).
//! - **Variables**: `ghi_w_m2` (W/m², ≥ 0), `temp_c` (°C), `wind_m_s` (m/s,
//!   ≥ 0, at `wind_height_m`). A variable the file does not have is an
//!   *empty* vector; otherwise every vector has one value per hour.
//! - **Missing values**: only cells equal to one of the declared missing
//!   markers (generic CSV) are missing; they are filled by linear
//!   interpolation across runs of at most [`MAX_FILL_H`] hours (a run at the
//!   start or end of the file takes the nearest value); a longer run is an
//!   error. An unparsable or non-finite cell is always an error.
//! - **Plausibility** (on the values after unit conversion, with the line):
//!   GHI above 1500 W/m² (hint: kW/m² ↔ W/m² mix-up), or a series of two
//!   days or more whose largest GHI is below 5 W/m² (kW/m² read as W/m²);
//!   GHI below −10 W/m² is an error, small negative values (the night-time
//!   thermal offset of thermopile pyranometers) are set to 0; temperature
//!   above 65 °C (hint: Kelvin when it lies in 200–340) or below −95 °C;
//!   wind speed negative or above 75 m/s.
//! - **Leap days** are kept as data. Replaying into a study year maps by
//!   local calendar date and hour: a non-leap study year simply never uses
//!   29 February; a leap study year without 29 February in the data repeats
//!   28 February ([`bootstrap`]).

pub mod bootstrap;
pub mod generic;
pub mod ninja;
pub mod pvgis;

use crate::base::calendar::{civil_from_days, days_from_civil, days_in_month, unix_from_civil};
use std::fmt;

/// Longest run of missing values filled by interpolation, hours.
pub const MAX_FILL_H: usize = 3;
/// GHI above this (W/m²) is rejected as a unit error.
pub const GHI_MAX_W_M2: f64 = 1500.0;
/// GHI down to this (W/m²) is read as a sensor offset and set to 0.
pub const GHI_NEGATIVE_TOLERANCE_W_M2: f64 = -10.0;
/// Accepted air-temperature range, °C.
pub const TEMP_RANGE_C: (f64, f64) = (-95.0, 65.0);
/// Largest accepted wind speed, m/s.
pub const WIND_MAX_M_S: f64 = 75.0;

/// An hourly weather series at one place (see the module conventions).
#[derive(Debug, Clone, PartialEq)]
pub struct WeatherSeries {
    /// What the data are (file name, dataset).
    pub name: String,
    /// Start of each hour, Unix seconds (UTC).
    pub times_utc_s: Vec<f64>,
    /// Global horizontal irradiance, hourly mean, W/m²; empty if absent.
    pub ghi_w_m2: Vec<f64>,
    /// Air temperature, °C; empty if absent.
    pub temp_c: Vec<f64>,
    /// Wind speed at `wind_height_m`, m/s; empty if absent.
    pub wind_m_s: Vec<f64>,
    /// Height of the wind measurement, m above ground.
    pub wind_height_m: f64,
    pub latitude_deg: Option<f64>,
    pub longitude_deg: Option<f64>,
    pub elevation_m: Option<f64>,
}

impl WeatherSeries {
    /// Number of hours.
    pub fn len(&self) -> usize {
        self.times_utc_s.len()
    }
    pub fn is_empty(&self) -> bool {
        self.times_utc_s.is_empty()
    }
    pub fn has_ghi(&self) -> bool {
        !self.ghi_w_m2.is_empty()
    }
    pub fn has_temp(&self) -> bool {
        !self.temp_c.is_empty()
    }
    pub fn has_wind(&self) -> bool {
        !self.wind_m_s.is_empty()
    }
}

/// An hourly capacity-factor series (renewables.ninja PV or wind output).
#[derive(Debug, Clone, PartialEq)]
pub struct CapacityFactorSeries {
    pub name: String,
    /// Start of each hour, Unix seconds (UTC).
    pub times_utc_s: Vec<f64>,
    /// Output per unit of installed capacity, 0 to 1.
    pub cf: Vec<f64>,
}

/// What a timestamp in a file marks about its hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeConvention {
    /// The hour `[t, t + 1 h)`.
    IntervalStart,
    /// The hour `[t − 30 min, t + 30 min)`.
    IntervalMiddle,
    /// The hour `[t − 1 h, t)` (common for loggers and ERA5-style accumulations).
    IntervalEnd,
}

impl TimeConvention {
    /// Seconds to add to a timestamp to get the start of its hour.
    pub fn to_start_s(self) -> f64 {
        match self {
            TimeConvention::IntervalStart => 0.0,
            TimeConvention::IntervalMiddle => -1800.0,
            TimeConvention::IntervalEnd => -3600.0,
        }
    }

    /// Parse `start`, `middle` or `end` (also `interval-start` etc.).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().trim_start_matches("interval").trim_start_matches(['-', '_', ' ']) {
            "start" | "beginning" => Some(Self::IntervalStart),
            "middle" | "centre" | "center" => Some(Self::IntervalMiddle),
            "end" => Some(Self::IntervalEnd),
            _ => None,
        }
    }
}

/// A problem in a data file: where, what, and what would be accepted.
/// Displays as `FILE:LINE: message (accepted: ...)`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct DataError {
    pub file: String,
    /// 1-based line, where the problem has one.
    pub line: Option<usize>,
    pub message: String,
    pub accepted: String,
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", self.message)?;
        if !self.accepted.is_empty() {
            write!(f, " (accepted: {})", self.accepted)?;
        }
        Ok(())
    }
}

impl DataError {
    pub fn new(file: &str, line: Option<usize>, message: impl Into<String>, accepted: impl Into<String>) -> Self {
        DataError { file: file.to_string(), line, message: message.into(), accepted: accepted.into() }
    }

    /// As a [`crate::base::error::Problem`] (exit status 2 through `Error::Scenario`).
    pub fn to_problem(&self) -> crate::base::error::Problem {
        crate::base::error::Problem {
            file: self.file.clone(),
            line: self.line,
            column: None,
            key: String::new(),
            problem: self.message.clone(),
            accepted: self.accepted.clone(),
        }
    }
}

// ---------------------------------------------------------------- calendar

/// Local calendar position of an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalHour {
    pub year: i32,
    /// 1–12.
    pub month: u32,
    /// 1–31.
    pub day: u32,
    /// 0–23 (floor of the local time).
    pub hour: u32,
    /// Days since 1970-01-01 of the local date.
    pub days: i64,
}

/// Local calendar date and hour of a UTC instant at a fixed offset.
pub fn local_hour(t_utc_s: f64, utc_offset_h: f64) -> LocalHour {
    let secs = (t_utc_s + utc_offset_h * 3600.0 + 1e-6).floor() as i64;
    let days = secs.div_euclid(86_400);
    let hour = (secs.rem_euclid(86_400) / 3600) as u32;
    let (year, month, day) = civil_from_days(days);
    LocalHour { year, month, day, hour, days }
}

/// `2020-01-31 23:00 UTC`, for messages.
pub fn fmt_utc(t: f64) -> String {
    let l = local_hour(t, 0.0);
    let min = ((t + 1e-6).floor() as i64).rem_euclid(3600) / 60;
    format!("{:04}-{:02}-{:02} {:02}:{:02} UTC", l.year, l.month, l.day, l.hour, min)
}

/// Unix seconds of local midnight, 1 January of `year`, at a fixed offset.
pub fn year_start_utc_s(year: i32, utc_offset_h: f64) -> f64 {
    days_from_civil(year, 1, 1) as f64 * 86_400.0 - utc_offset_h * 3600.0
}

// ------------------------------------------------------- shared row checks

/// One variable's column while a file is read: `None` cells are missing.
#[derive(Debug, Clone, Default)]
pub(crate) struct Column {
    /// Name as in the file (for messages).
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// Rows of a file as read, before validation.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rows {
    pub file: String,
    /// 1-based file line of each row.
    pub lines: Vec<usize>,
    /// Start of each hour, UTC.
    pub times: Vec<f64>,
    pub ghi: Option<Column>,
    pub temp: Option<Column>,
    pub wind: Option<Column>,
    /// Unit label of each column as declared (for hints).
    pub ghi_unit: String,
    pub temp_unit: String,
}

/// How consecutive rows must follow each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StepRule {
    /// Exactly one hour apart.
    Hourly,
    /// PVGIS TMY: hourly within a month; at a month's end the next row is
    /// 00:00 on the 1st of the next calendar month of any year.
    TmyMonths,
}

impl Rows {
    pub fn new(file: &str) -> Self {
        Rows { file: file.to_string(), ghi_unit: "W/m2".into(), temp_unit: "C".into(), ..Default::default() }
    }

    fn err(&self, line: Option<usize>, message: impl Into<String>, accepted: impl Into<String>) -> DataError {
        DataError::new(&self.file, line, message, accepted)
    }

    /// Check the time steps between rows.
    pub fn check_steps(&self, rule: StepRule) -> Result<(), DataError> {
        if self.times.is_empty() {
            return Err(self.err(None, "no data rows", "a file with at least one hourly data row"));
        }
        for i in 1..self.times.len() {
            let (t0, t1) = (self.times[i - 1], self.times[i]);
            let d = t1 - t0;
            if (d - 3600.0).abs() < 0.5 {
                continue;
            }
            let line = Some(self.lines[i]);
            let prev_line = self.lines[i - 1];
            if rule == StepRule::TmyMonths && tmy_month_join(t0, t1) {
                continue;
            }
            if d.abs() < 0.5 {
                return Err(self.err(
                    line,
                    format!("duplicate hour {} (also at line {prev_line})", fmt_utc(t1)),
                    "one row per hour",
                ));
            }
            if d < 0.0 {
                return Err(self.err(
                    line,
                    format!("time goes back: {} after {} (line {prev_line})", fmt_utc(t1), fmt_utc(t0)),
                    "rows in time order, one per hour",
                ));
            }
            let hours = d / 3600.0;
            if rule == StepRule::TmyMonths {
                return Err(self.err(
                    line,
                    format!("{} follows {} (line {prev_line})", fmt_utc(t1), fmt_utc(t0)),
                    "a PVGIS TMY: hourly rows within each month, the next month starting at 00:00 on its 1st",
                ));
            }
            if (hours - hours.round()).abs() < 1e-6 {
                return Err(self.err(
                    line,
                    format!(
                        "gap of {} h after {} (line {prev_line}): {} hour(s) missing",
                        hours.round(),
                        fmt_utc(t0),
                        hours.round() - 1.0
                    ),
                    format!(
                        "one row per hour without gaps; give missing hours as rows with a missing-value \
                         marker (filled when the run is at most {MAX_FILL_H} h)"
                    ),
                ));
            }
            return Err(self.err(
                line,
                format!("step of {} min after {} (line {prev_line}) is not one hour", (d / 60.0).round(), fmt_utc(t0)),
                "hourly data: consecutive rows one hour apart",
            ));
        }
        Ok(())
    }

    /// Plausibility of every present value, in row order; small negative GHI
    /// is set to 0.
    pub fn check_values(&mut self) -> Result<(), DataError> {
        let n = self.times.len();
        for i in 0..n {
            let line = Some(self.lines[i]);
            if let Some(c) = &mut self.ghi
                && let Some(v) = c.values[i]
            {
                if v < GHI_NEGATIVE_TOLERANCE_W_M2 {
                    return Err(DataError::new(
                        &self.file,
                        line,
                        format!("GHI {v} W/m² in column `{}` is negative", c.name),
                        format!("GHI ≥ 0 W/m² (values down to {GHI_NEGATIVE_TOLERANCE_W_M2} are read as 0)"),
                    ));
                }
                if v < 0.0 {
                    c.values[i] = Some(0.0);
                }
                if v > GHI_MAX_W_M2 {
                    let hint = if self.ghi_unit.to_ascii_lowercase().starts_with('k') {
                        " — the column looks like W/m², but kW/m² was declared"
                    } else {
                        " — check the unit (W/m² vs kW/m², or Wh vs J)"
                    };
                    return Err(DataError::new(
                        &self.file,
                        line,
                        format!("GHI {v} W/m² in column `{}` is above {GHI_MAX_W_M2} W/m²{hint}", c.name),
                        format!("hourly mean GHI from 0 to {GHI_MAX_W_M2} W/m² after unit conversion"),
                    ));
                }
            }
            if let Some(c) = &self.temp
                && let Some(v) = c.values[i]
                && (v > TEMP_RANGE_C.1 || v < TEMP_RANGE_C.0)
            {
                let hint = if (200.0..340.0).contains(&v) {
                    " — looks like Kelvin: declare the unit K".to_string()
                } else if v < TEMP_RANGE_C.0 && self.temp_unit.eq_ignore_ascii_case("k") {
                    " — the column looks like °C, but K was declared".to_string()
                } else {
                    String::new()
                };
                return Err(DataError::new(
                    &self.file,
                    line,
                    format!("temperature {v} °C in column `{}` is not a plausible air temperature{hint}", c.name),
                    format!("air temperature from {} to {} °C after unit conversion", TEMP_RANGE_C.0, TEMP_RANGE_C.1),
                ));
            }
            if let Some(c) = &self.wind
                && let Some(v) = c.values[i]
                && !(0.0..=WIND_MAX_M_S).contains(&v)
            {
                let what = if v < 0.0 { "is negative" } else { "is implausibly high (km/h or knots?)" };
                return Err(DataError::new(
                    &self.file,
                    line,
                    format!("wind speed {v} m/s in column `{}` {what}", c.name),
                    format!("wind speed from 0 to {WIND_MAX_M_S} m/s"),
                ));
            }
        }
        if let Some(c) = &self.ghi
            && n >= 48
        {
            let (imax, max) = c
                .values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.map(|v| (i, v)))
                .fold((0, f64::NEG_INFINITY), |a, b| if b.1 > a.1 { b } else { a });
            if max == 0.0 {
                return Err(self.err(
                    Some(self.lines[0]),
                    format!("GHI in column `{}` is 0 in all {n} hours: the column holds no irradiance", c.name),
                    "a column with the hourly GHI; for a site that no solar fleet uses, leave the irradiance column out",
                ));
            }
            if max.is_finite() && max < 5.0 {
                return Err(self.err(
                    Some(self.lines[imax]),
                    format!(
                        "the largest GHI in column `{}` is {max} W/m² over {n} hours — looks like kW/m² read as W/m²",
                        c.name
                    ),
                    "GHI in W/m² (declare kW/m² if the file uses it)",
                ));
            }
        }
        Ok(())
    }

    /// Fill missing values (linear interpolation over short runs).
    pub fn fill_missing(&mut self) -> Result<(), DataError> {
        let file = self.file.clone();
        let lines = self.lines.clone();
        for c in [&mut self.ghi, &mut self.temp, &mut self.wind].into_iter().flatten() {
            fill_column(&file, &lines, c)?;
        }
        Ok(())
    }

    /// Steps, values, missing values, then the series.
    pub fn finish(
        mut self,
        rule: StepRule,
        name: String,
        wind_height_m: f64,
        lat: Option<f64>,
        lon: Option<f64>,
        elev: Option<f64>,
    ) -> Result<WeatherSeries, DataError> {
        self.check_steps(rule)?;
        self.check_values()?;
        self.fill_missing()?;
        let take = |c: Option<Column>| -> Vec<f64> {
            c.map(|c| c.values.into_iter().map(|v| v.unwrap_or(0.0)).collect()).unwrap_or_default()
        };
        Ok(WeatherSeries {
            name,
            times_utc_s: self.times,
            ghi_w_m2: take(self.ghi),
            temp_c: take(self.temp),
            wind_m_s: take(self.wind),
            wind_height_m,
            latitude_deg: lat,
            longitude_deg: lon,
            elevation_m: elev,
        })
    }
}

fn fill_column(file: &str, lines: &[usize], c: &mut Column) -> Result<(), DataError> {
    let n = c.values.len();
    if n > 0 && c.values.iter().all(|v| v.is_none()) {
        return Err(DataError::new(
            file,
            None,
            format!("column `{}` has no values, only missing-value markers", c.name),
            "a column with data",
        ));
    }
    let mut i = 0;
    while i < n {
        if c.values[i].is_some() {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && c.values[i].is_none() {
            i += 1;
        }
        let len = i - start;
        if len > MAX_FILL_H {
            return Err(DataError::new(
                file,
                Some(lines[start]),
                format!(
                    "{len} consecutive missing values in column `{}` (lines {}–{})",
                    c.name,
                    lines[start],
                    lines[i - 1]
                ),
                format!("runs of at most {MAX_FILL_H} missing hours (filled by linear interpolation)"),
            ));
        }
        let before = start.checked_sub(1).and_then(|k| c.values[k]);
        let after = if i < n { c.values[i] } else { None };
        for k in start..i {
            c.values[k] = match (before, after) {
                (Some(a), Some(b)) => {
                    let w = (k + 1 - start) as f64 / (len + 1) as f64;
                    Some(a + w * (b - a))
                }
                (Some(a), None) => Some(a),
                (None, Some(b)) => Some(b),
                (None, None) => None,
            };
        }
    }
    Ok(())
}

/// `t1` is 00:00 UTC on the 1st of the calendar month after `t0`'s month
/// (any year; December is last),
/// and `t0` is the last hour of its month (28 February counts as the last
/// day of February: PVGIS TMYs leave out 29 February).
fn tmy_month_join(t0: f64, t1: f64) -> bool {
    let a = local_hour(t0, 0.0);
    let b = local_hour(t1, 0.0);
    let last_day = if a.month == 2 { 28 } else { days_in_month(a.year, a.month) };
    let a_is_end = a.hour == 23 && (a.day == last_day || (a.month == 2 && a.day == 29));
    a_is_end && b.day == 1 && b.hour == 0 && a.month < 12 && b.month == a.month + 1
}

/// Parse a numeric cell: `Ok(None)` for a declared missing marker, an error
/// for anything else that is not a finite number.
pub(crate) fn parse_cell(
    cell: &str,
    missing: &[String],
    file: &str,
    line: usize,
    column: &str,
) -> Result<Option<f64>, DataError> {
    let s = cell.trim();
    if missing.iter().any(|m| m.trim() == s) {
        return Ok(None);
    }
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(Some(x)),
        _ => {
            let markers = if missing.is_empty() {
                "none declared".to_string()
            } else {
                missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
            };
            Err(DataError::new(
                file,
                Some(line),
                format!("`{s}` in column `{column}` is not a number"),
                format!("a finite number, or a declared missing-value marker ({markers})"),
            ))
        }
    }
}

/// First number in the text after the first `:` of a header line such as
/// `Latitude (decimal degrees):\t45.000` or `Slope: 30 deg. (opt)`.
pub(crate) fn header_number(line: &str) -> Option<f64> {
    let rest = line.split_once(':')?.1;
    let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',' || c == ';');
    let end = rest
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || ((c == '-' || c == '+') && i == 0)))
        .map_or(rest.len(), |(i, _)| i);
    rest[..end].parse().ok()
}

/// Index of a header name (trimmed, exact), or an error listing the columns.
pub(crate) fn find_column(
    headers: &[String],
    wanted: &str,
    file: &str,
    line: usize,
    what: &str,
) -> Result<usize, DataError> {
    let hits: Vec<usize> = (0..headers.len()).filter(|&i| headers[i].trim() == wanted).collect();
    if hits.len() > 1 {
        let at: Vec<String> = hits.iter().map(|i| (i + 1).to_string()).collect();
        return Err(DataError::new(
            file,
            Some(line),
            format!(
                "column `{wanted}` ({what}) appears {} times in the header (columns {})",
                hits.len(),
                at.join(", ")
            ),
            "column names that are unique in the header (rename the columns that are not meant)",
        ));
    }
    headers.iter().position(|h| h.trim() == wanted).ok_or_else(|| {
        DataError::new(
            file,
            Some(line),
            format!("no column `{wanted}` ({what}){}", crate::base::suggest::suggest(wanted, headers)),
            format!("one of the header's columns: {}", headers.join(", ")),
        )
    })
}

/// Parse `YYYYMMDD:HHMM` (PVGIS), returning Unix seconds read as UTC.
pub(crate) fn parse_pvgis_time(s: &str) -> Option<f64> {
    let b = s.trim().as_bytes();
    if b.len() != 13 || b[8] != b':' || !b.iter().enumerate().all(|(i, c)| i == 8 || c.is_ascii_digit()) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> u32 {
        std::str::from_utf8(&b[r]).ok().and_then(|x| x.parse().ok()).unwrap_or(99)
    };
    let (y, m, d, hh, mm) = (num(0..4) as i32, num(4..6), num(6..8), num(9..11), num(11..13));
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) || hh > 23 || mm > 59 {
        return None;
    }
    Some(unix_from_civil(y, m, d, hh, mm, 0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for z in [-800_000i64, -1, 0, 1, 59, 365, 10_956, 18_321, 19_000, 60_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
    }

    #[test]
    fn local_hours_and_joins() {
        let t = unix_from_civil(2020, 12, 31, 16, 0, 0.0);
        let l = local_hour(t, 8.0);
        assert_eq!((l.year, l.month, l.day, l.hour), (2021, 1, 1, 0));
        let l = local_hour(unix_from_civil(2021, 1, 1, 2, 0, 0.0), -5.0);
        assert_eq!((l.year, l.month, l.day, l.hour), (2020, 12, 31, 21));
        assert!(tmy_month_join(unix_from_civil(2009, 1, 31, 23, 0, 0.0), unix_from_civil(2012, 2, 1, 0, 0, 0.0)));
        assert!(tmy_month_join(unix_from_civil(2012, 2, 28, 23, 0, 0.0), unix_from_civil(2007, 3, 1, 0, 0, 0.0)));
        assert!(!tmy_month_join(unix_from_civil(2009, 1, 30, 23, 0, 0.0), unix_from_civil(2012, 2, 1, 0, 0, 0.0)));
        assert!(!tmy_month_join(unix_from_civil(2009, 1, 31, 23, 0, 0.0), unix_from_civil(2012, 3, 1, 0, 0, 0.0)));
        assert!(!tmy_month_join(unix_from_civil(2009, 12, 31, 23, 0, 0.0), unix_from_civil(2010, 1, 1, 1, 0, 0.0)));
        assert_eq!(header_number("Latitude (decimal degrees):\t45.000"), Some(45.0));
        assert_eq!(header_number("Slope: 30 deg. (opt)"), Some(30.0));
        assert_eq!(header_number("Elevation (m):,-12"), Some(-12.0));
        assert_eq!(parse_pvgis_time("20200229:2310"), Some(unix_from_civil(2020, 2, 29, 23, 10, 0.0)));
        assert_eq!(parse_pvgis_time("20190229:2310"), None);
        assert_eq!(parse_pvgis_time("2019022:2310"), None);
    }

    #[test]
    fn fill_short_runs_and_reject_long_ones() {
        let mut c = Column { name: "x".into(), values: vec![None, Some(1.0), None, None, Some(4.0), None] };
        fill_column("f", &[2, 3, 4, 5, 6, 7], &mut c).unwrap();
        assert_eq!(c.values, vec![Some(1.0), Some(1.0), Some(2.0), Some(3.0), Some(4.0), Some(4.0)]);
        let mut c = Column { name: "x".into(), values: vec![Some(1.0), None, None, None, None, Some(2.0)] };
        let e = fill_column("f", &[2, 3, 4, 5, 6, 7], &mut c).unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.to_string().starts_with("f:3: 4 consecutive missing values"), "{e}");
    }
}
