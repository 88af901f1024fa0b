//! The civil (proleptic Gregorian) calendar: leap years, month lengths and
//! day counts since 1970-01-01, used by scenario resolution, the weather
//! data readers, the weather generator and the metrics.

pub fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian; the
/// well-known days-from-civil algorithm of H. Hinnant).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y } as i64;
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Civil date of a day count since 1970-01-01 (inverse of
/// `days_from_civil`; H. Hinnant's civil-from-days algorithm).
pub fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

/// Unix seconds of a civil date and time read as UTC.
pub fn unix_from_civil(y: i32, m: u32, d: u32, hour: u32, minute: u32, second: f64) -> f64 {
    days_from_civil(y, m, d) as f64 * 86_400.0 + f64::from(hour) * 3600.0 + f64::from(minute) * 60.0 + second
}

pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if is_leap(y) {
                29
            } else {
                28
            }
        }
    }
}

/// Hours in a calendar year.
pub fn hours_in_year(year: i32) -> usize {
    if is_leap(year) { 8784 } else { 8760 }
}
