//! Two ways to turn imported data into study years.
//!
//! **Replay** ([`replay`]): the data as one deterministic study year. Every
//! hour of the study year (local time, from 1 January 00:00) takes the data
//! value at the same *local calendar date and hour*. For multi-year data the
//! source is the study year itself if the data contain it, otherwise the
//! local year the data cover most completely (the earliest on a tie; pick
//! another with [`replay_from`]); an hour that year lacks comes from the
//! nearest year that has it. So a TMY, whose months come from different
//! years, replays its typical months, and the hours that the shift from UTC
//! to local time moves across the year's end wrap around. Leap days: a
//! non-leap study year never uses 29 February of the data; a leap study
//! year takes the hours of 29 February that the data lack from 28 February
//! (a PVGIS TMY has no 29 February, though in local time a few of its UTC
//! hours of 28 February may fall on the 29th). Any other hour with no data
//! takes the same hour of the nearest date (up to 3 days away) that has it
//! — this covers the few hours a UTC-stamped TMY lacks at its month joins
//! in local time; data covering less of the year are an error.
//!
//! **Resample** ([`resample`]): a seasonal block bootstrap that draws a
//! Monte Carlo year from multi-year data while keeping real day-to-day
//! structure. The study year is cut into blocks of `block_days` consecutive
//! local days (the last block may be shorter). For each block, in order, one
//! start day is drawn uniformly from all data days whose calendar position
//! lies within ±`window_days` of the block's first day (distance in days on
//! a 365-day circle, so late December and early January are neighbours; 29
//! February sits with 28 February), in any year of the data, such that the
//! block's whole run of days is complete in the data; the block's days are
//! then copied hour by hour. This is the moving-block bootstrap (Künsch
//! 1989, Ann. Statist. 17, 1217–1241) with blocks restricted to a seasonal
//! window, as in the resampling weather generators that draw days from a
//! seasonal window of nearby calendar days (Lall & Sharma 1996, Water
//! Resour. Res. 32, 679–693; Rajagopalan & Lall 1999, Water Resour. Res.
//! 35, 3089–3101), here with whole blocks of days. A data
//! day is a local calendar day with all 24 hours present in one stretch of
//! hourly data, so blocks never straddle a break in the data (the month
//! joins of a TMY, a gap between files): hours within a block are always
//! real consecutive weather; joins between blocks are not (a block length
//! of several days keeps multi-day persistence; between blocks it is lost).

use super::{DataError, WeatherSeries, local_hour, year_start_utc_s};
use crate::base::calendar::{days_from_civil, hours_in_year, is_leap};
use rand::RngExt;

/// Days searched either side of a date missing from the data (replay).
const REPLAY_NEAREST_DAYS: i64 = 3;

/// Position of a local date on a 365-day circle (29 February = 28 February).
fn calendar_pos(year: i32, month: u32, day: u32) -> i64 {
    let doy = days_from_civil(year, month, day) - days_from_civil(year, 1, 1);
    if is_leap(year) && doy >= 59 { doy - 1 } else { doy }
}

/// Index of a (month, day, hour) key in a 12 × 31 × 24 table.
fn key(month: u32, day: u32, hour: u32) -> usize {
    (((month - 1) * 31 + (day - 1)) * 24 + hour) as usize
}

fn empty_like(series: &WeatherSeries, name: String, year: i32, utc_offset_h: f64, n: usize) -> WeatherSeries {
    let start = year_start_utc_s(year, utc_offset_h);
    let cap = |v: &Vec<f64>| if v.is_empty() { Vec::new() } else { Vec::with_capacity(n) };
    WeatherSeries {
        name,
        times_utc_s: (0..n).map(|t| start + 3600.0 * t as f64).collect(),
        ghi_w_m2: cap(&series.ghi_w_m2),
        temp_c: cap(&series.temp_c),
        wind_m_s: cap(&series.wind_m_s),
        wind_height_m: series.wind_height_m,
        latitude_deg: series.latitude_deg,
        longitude_deg: series.longitude_deg,
        elevation_m: series.elevation_m,
    }
}

fn push_hour(out: &mut WeatherSeries, series: &WeatherSeries, i: usize) {
    if series.has_ghi() {
        out.ghi_w_m2.push(series.ghi_w_m2[i]);
    }
    if series.has_temp() {
        out.temp_c.push(series.temp_c[i]);
    }
    if series.has_wind() {
        out.wind_m_s.push(series.wind_m_s[i]);
    }
}

fn no_data(series: &WeatherSeries) -> DataError {
    DataError::new(&series.name, None, "the series has no hours", "a series with data")
}

/// The data as one deterministic study year (see the module documentation).
pub fn replay(series: &WeatherSeries, year: i32, utc_offset_h: f64) -> Result<WeatherSeries, DataError> {
    if series.is_empty() {
        return Err(no_data(series));
    }
    let mut count: std::collections::BTreeMap<i32, usize> = Default::default();
    for &t in &series.times_utc_s {
        *count.entry(local_hour(t, utc_offset_h).year).or_default() += 1;
    }
    let source = if count.contains_key(&year) {
        year
    } else {
        let share = |(y, n): (&i32, &usize)| *n as f64 / hours_in_year(*y) as f64;
        // Most complete year; the earliest on a tie (max_by keeps the last maximum).
        count.iter().rev().max_by(|a, b| share(*a).total_cmp(&share(*b))).map_or(year, |(y, _)| *y)
    };
    replay_from(series, year, utc_offset_h, source)
}

/// [`replay`] with the data year to prefer given explicitly.
pub fn replay_from(
    series: &WeatherSeries,
    year: i32,
    utc_offset_h: f64,
    source_year: i32,
) -> Result<WeatherSeries, DataError> {
    if series.is_empty() {
        return Err(no_data(series));
    }
    // Candidates (data year, index) for each local (month, day, hour).
    let mut table: Vec<Vec<(i32, usize)>> = vec![Vec::new(); 12 * 31 * 24];
    for (i, &t) in series.times_utc_s.iter().enumerate() {
        let l = local_hour(t, utc_offset_h);
        table[key(l.month, l.day, l.hour)].push((l.year, i));
    }
    let best = |k: usize| -> Option<usize> {
        table[k].iter().min_by_key(|(y, _)| ((y - source_year).abs(), *y)).map(|&(_, i)| i)
    };
    let n = hours_in_year(year);
    let mut out = empty_like(series, format!("{} (replay {year})", series.name), year, utc_offset_h, n);
    let start_day = days_from_civil(year, 1, 1);
    for t in 0..n {
        let day = start_day + (t / 24) as i64;
        let hour = (t % 24) as u32;
        let (_, m, d) = super::civil_from_days(day);
        let mut found = best(key(m, d, hour));
        if found.is_none() && (m, d) == (2, 29) {
            found = best(key(2, 28, hour));
        }
        // Nearest date with this hour: ±1, ±2, … days (in a leap template
        // year so that 29 February is a date of its own).
        let tmpl = days_from_civil(2000, m, d);
        for k in 1..=REPLAY_NEAREST_DAYS {
            if found.is_some() {
                break;
            }
            for s in [-k, k] {
                let base = days_from_civil(2000, 1, 1);
                let (_, mm, dd) = super::civil_from_days(base + (tmpl - base + s).rem_euclid(366));
                if let Some(i) = best(key(mm, dd, hour)) {
                    found = Some(i);
                    break;
                }
            }
        }
        let Some(i) = found else {
            return Err(DataError::new(
                &series.name,
                None,
                format!(
                    "no data for {m:02}-{d:02} {hour:02}:00 local time (UTC{utc_offset_h:+}) or within \
                     {REPLAY_NEAREST_DAYS} days of it"
                ),
                "a series covering every day of the year (a full year, several years, or a TMY)",
            ));
        };
        push_hour(&mut out, series, i);
    }
    Ok(out)
}

/// A local day of the data with all its 24 hours in one hourly stretch.
#[derive(Debug, Clone, Copy)]
struct DataDay {
    /// Index of the day's 00:00 hour in the series.
    first: usize,
    /// Calendar position, 0–364.
    pos: i64,
    /// Number of complete days from this one on that follow consecutively.
    run: usize,
}

fn data_days(series: &WeatherSeries, utc_offset_h: f64) -> Vec<DataDay> {
    let t = &series.times_utc_s;
    let n = t.len();
    let mut days = Vec::new();
    for i in 0..n.saturating_sub(23) {
        // Local midnight with the next 23 hours all one hour apart.
        let l = local_hour(t[i], utc_offset_h);
        if l.hour == 0 && (i + 1..=i + 23).all(|k| (t[k] - t[k - 1] - 3600.0).abs() < 0.5) {
            days.push(DataDay { first: i, pos: calendar_pos(l.year, l.month, l.day), run: 1 });
        }
    }
    for k in (0..days.len().saturating_sub(1)).rev() {
        let (a, b) = (days[k], days[k + 1]);
        let next = b.first == a.first + 24 && (t[b.first] - t[a.first] - 86_400.0).abs() < 0.5;
        if next {
            days[k].run = b.run + 1;
        }
    }
    days
}

/// For each day of the study year, the series index of the 00:00 hour of
/// the data day copied into it (the draws of [`resample`]).
pub fn resample_plan<R: rand::Rng + ?Sized>(
    series: &WeatherSeries,
    year: i32,
    utc_offset_h: f64,
    rng: &mut R,
    block_days: usize,
    window_days: usize,
) -> Result<Vec<usize>, DataError> {
    if block_days == 0 || window_days > 182 {
        return Err(DataError::new(
            &series.name,
            None,
            format!("block of {block_days} days, window ±{window_days} days"),
            "block_days ≥ 1 and window_days from 0 to 182",
        ));
    }
    let days = data_days(series, utc_offset_h);
    if days.is_empty() {
        return Err(DataError::new(
            &series.name,
            None,
            "no complete local day (24 consecutive hours from local midnight) in the data",
            "hourly data covering whole days",
        ));
    }
    // Data days by calendar position.
    let mut by_pos: Vec<Vec<usize>> = vec![Vec::new(); 365];
    for (k, d) in days.iter().enumerate() {
        by_pos[d.pos as usize].push(k);
    }
    let n_days = hours_in_year(year) / 24;
    let start_day = days_from_civil(year, 1, 1);
    let mut plan = Vec::with_capacity(n_days);
    let mut candidates = Vec::new();
    let mut j = 0;
    while j < n_days {
        let len = block_days.min(n_days - j);
        let (y, m, d) = super::civil_from_days(start_day + j as i64);
        let pos = calendar_pos(y, m, d);
        candidates.clear();
        let w = window_days as i64;
        // 2w + 1 ≤ 365 positions: each once.
        for s in -w..=w {
            let p = (pos + s).rem_euclid(365);
            candidates.extend(by_pos[p as usize].iter().copied().filter(|&k| days[k].run >= len));
        }
        if candidates.is_empty() {
            return Err(DataError::new(
                &series.name,
                None,
                format!(
                    "no run of {len} complete local days in the data starting within ±{window_days} days of \
                     {m:02}-{d:02}"
                ),
                "multi-year hourly data covering that season, or a shorter block or wider window",
            ));
        }
        let k = candidates[rng.random_range(0..candidates.len())];
        for i in 0..len {
            plan.push(days[k + i].first);
        }
        j += len;
    }
    Ok(plan)
}

/// One Monte Carlo study year by the seasonal block bootstrap (see the
/// module documentation). One random draw per block, in order.
pub fn resample<R: rand::Rng + ?Sized>(
    series: &WeatherSeries,
    year: i32,
    utc_offset_h: f64,
    rng: &mut R,
    block_days: usize,
    window_days: usize,
) -> Result<WeatherSeries, DataError> {
    let plan = resample_plan(series, year, utc_offset_h, rng, block_days, window_days)?;
    let n = plan.len() * 24;
    let mut out = empty_like(series, format!("{} (resampled {year})", series.name), year, utc_offset_h, n);
    for first in plan {
        for h in 0..24 {
            push_hour(&mut out, series, first + h);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_positions() {
        assert_eq!(calendar_pos(2023, 1, 1), 0);
        assert_eq!(calendar_pos(2023, 12, 31), 364);
        assert_eq!(calendar_pos(2024, 2, 29), 58);
        assert_eq!(calendar_pos(2024, 2, 28), 58);
        assert_eq!(calendar_pos(2024, 3, 1), calendar_pos(2023, 3, 1));
    }
}
