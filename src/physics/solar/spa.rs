//! NREL Solar Position Algorithm (SPA): topocentric solar zenith, azimuth,
//! declination, equation of time and Earth–Sun distance for a UTC instant and
//! an observer on the Earth ellipsoid.
//!
//! Source: I. Reda and A. Andreas, "Solar Position Algorithm for Solar
//! Radiation Applications", NREL/TP-560-34302, revised January 2008 (Solar
//! Energy 76(5), 577–589, 2004). Equation numbers below (Eq. n) refer to
//! section 3 of that report; the periodic-term tables are its Tables A4.2
//! (Earth heliocentric longitude/latitude/radius) and A4.3 (nutation), and the
//! equation of time is its Appendix A.1. The stated accuracy of the algorithm
//! is ±0.0003° in zenith and azimuth for years −2000..6000; this
//! implementation reproduces the report's worked example (Appendix A.5) to
//! better than 1e-5°.
//!
//! What it is not: ΔT (TT − UT) is not predicted here — the caller passes it
//! (≈ 69 s around 2020). Refraction is the report's simple Bennett-style
//! correction (Eq. 42) driven by the caller's pressure and temperature; it is
//! not a ray-traced refraction model and is meaningless far below the
//! horizon (it is switched off there, as in the report). No time-zone
//! database: [`unix_seconds`] takes a fixed UTC offset.

use std::f64::consts::PI;

/// Inputs to [`solar_position`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpaInput {
    /// Instant as Unix seconds (UTC, i.e. UT to within the leap-second
    /// difference, which the SPA ignores as well).
    pub unix_seconds_utc: f64,
    /// Geodetic latitude, degrees, north positive.
    pub latitude_deg: f64,
    /// Longitude, degrees, east positive.
    pub longitude_deg: f64,
    /// Observer elevation above sea level, metres.
    pub elevation_m: f64,
    /// Annual mean local pressure, hPa (= millibar), used for refraction only.
    pub pressure_hpa: f64,
    /// Annual mean local temperature, °C, used for refraction only.
    pub temperature_c: f64,
    /// ΔT = TT − UT in seconds (Reda & Andreas Eq. 5; ≈ 69 s for 2015–2025).
    pub delta_t_s: f64,
    /// Atmospheric refraction at sunrise/sunset, degrees (Reda & Andreas
    /// Table A5.1 uses 0.5667°); only decides whether refraction is applied.
    pub atmos_refraction_deg: f64,
}

impl SpaInput {
    /// Standard-atmosphere input at a site: pressure 1013.25 hPa, 12 °C,
    /// ΔT 69 s (IERS observed value for ~2020), refraction 0.5667° (Reda &
    /// Andreas Table A5.1 default).
    pub fn new(unix_seconds_utc: f64, latitude_deg: f64, longitude_deg: f64) -> Self {
        Self {
            unix_seconds_utc,
            latitude_deg,
            longitude_deg,
            elevation_m: 0.0,
            pressure_hpa: 1013.25,
            temperature_c: 12.0,
            delta_t_s: 69.0,
            atmos_refraction_deg: 0.5667,
        }
    }
}

/// Output of [`solar_position`]. Angles in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolarPosition {
    /// Topocentric zenith angle, refraction-corrected ("apparent"), Eq. 43.
    pub zenith_deg: f64,
    /// Topocentric azimuth, measured from north, eastward (clockwise), Eq. 46.
    pub azimuth_deg: f64,
    /// Topocentric elevation angle, refraction-corrected (90° − zenith).
    pub elevation_deg: f64,
    /// Topocentric zenith angle without refraction (90° − e0, Eq. 41).
    pub zenith_geometric_deg: f64,
    /// Equation of time in minutes (apparent − mean solar time), Appendix A.1.
    pub equation_of_time_min: f64,
    /// Geocentric declination δ of the sun, Eq. 25.
    pub declination_deg: f64,
    /// Earth radius vector R (Earth–Sun distance) in astronomical units, Eq. 9/11.
    pub earth_sun_distance_au: f64,
}

/// Julian day of the Unix epoch 1970-01-01T00:00:00Z (Meeus, Astronomical
/// Algorithms, ch. 7; consistent with Reda & Andreas Eq. 4).
const JD_UNIX_EPOCH: f64 = 2_440_587.5;
/// Julian day of J2000.0 (2000-01-01T12:00), Reda & Andreas Eq. 5.
const JD_J2000: f64 = 2_451_545.0;
/// Unix seconds of 2000-01-01T12:00:00Z (= 946 728 000 s).
const UNIX_J2000: f64 = (JD_J2000 - JD_UNIX_EPOCH) * 86_400.0;

#[inline]
fn wrap360(x: f64) -> f64 {
    let r = x.rem_euclid(360.0);
    // rem_euclid can return exactly 360.0 for tiny negative inputs.
    if r >= 360.0 { 0.0 } else { r }
}

/// Σ A·cos(B + C·τ) over one periodic-term table (Reda & Andreas Eq. 9).
#[inline]
fn periodic_sum(table: &[[f64; 3]], jme: f64) -> f64 {
    table.iter().map(|t| t[0] * (t[1] + t[2] * jme).cos()).sum()
}

/// Σ_i X_i·JME^i / 10^8 (Eq. 10) given the per-power sums.
#[inline]
fn series(tables: &[&[[f64; 3]]], jme: f64) -> f64 {
    // Horner over the powers of JME.
    let mut acc = 0.0;
    for t in tables.iter().rev() {
        acc = acc * jme + periodic_sum(t, jme);
    }
    acc / 1.0e8
}

/// Full SPA (Reda & Andreas 2004, §3.1–3.14 and Appendix A.1).
///
/// Panic-free; returns finite values for any finite input (latitudes beyond
/// ±90° are not meaningful but do not produce NaN).
pub fn solar_position(input: &SpaInput) -> SolarPosition {
    let deg = PI / 180.0;

    // §3.1 Julian day, ephemeris day, centuries and millennia (Eqs. 4–7).
    // Work relative to J2000 to keep precision.
    let jd_minus_j2000 = (input.unix_seconds_utc - UNIX_J2000) / 86_400.0;
    let jde_minus_j2000 = jd_minus_j2000 + input.delta_t_s / 86_400.0;
    let jc = jd_minus_j2000 / 36_525.0;
    let jce = jde_minus_j2000 / 36_525.0;
    let jme = jce / 10.0;

    // §3.2 Earth heliocentric longitude, latitude, radius (Eqs. 8–12).
    let (l_deg, b_deg, r_au) = heliocentric(jme);

    // §3.3 Geocentric longitude and latitude (Eqs. 13–14).
    let theta = wrap360(l_deg + 180.0);
    let beta = -b_deg;

    // §3.4 Nutation in longitude and obliquity (Eqs. 15–23).
    let (dpsi, deps) = nutation(jce);

    // §3.5 True obliquity of the ecliptic (Eqs. 24–25).
    let u = jme / 10.0;
    // Coefficients of Eq. 24, arcseconds.
    const EPS0: [f64; 11] = [84_381.448, -4_680.93, -1.55, 1_999.25, -51.38, -249.67, -39.05, 7.12, 27.87, 5.79, 2.45];
    let eps0 = EPS0.iter().rev().fold(0.0, |acc, c| acc * u + c);
    let eps = eps0 / 3600.0 + deps;

    // §3.6 Aberration correction (Eq. 26): 20.4898″ / (3600·R).
    let dtau = -20.4898 / (3600.0 * r_au);

    // §3.7 Apparent sun longitude (Eq. 27).
    let lambda = theta + dpsi + dtau;

    // §3.8 Apparent sidereal time at Greenwich (Eqs. 28–30).
    let nu0 = wrap360(
        280.460_618_37 + 360.985_647_366_29 * jd_minus_j2000 + 0.000_387_933 * jc * jc - jc * jc * jc / 38_710_000.0,
    );
    let (sin_eps, cos_eps) = (eps * deg).sin_cos();
    let nu = nu0 + dpsi * cos_eps;

    // §3.9–3.10 Geocentric right ascension and declination (Eqs. 31–32).
    let (sin_lam, cos_lam) = (lambda * deg).sin_cos();
    let (sin_beta, cos_beta) = (beta * deg).sin_cos();
    let alpha = wrap360((sin_lam * cos_eps - (beta * deg).tan() * sin_eps).atan2(cos_lam).to_degrees());
    let delta = (sin_beta * cos_eps + cos_beta * sin_eps * sin_lam).clamp(-1.0, 1.0).asin().to_degrees();

    // §3.11 Observer local hour angle (Eq. 33).
    let h = wrap360(nu + input.longitude_deg - alpha);

    // §3.12 Topocentric right ascension / declination (Eqs. 34–39).
    // Equatorial horizontal parallax: 8.794″ / (3600·R) (Eq. 34).
    let xi = 8.794 / (3600.0 * r_au) * deg;
    let phi = input.latitude_deg * deg;
    let (sin_phi, cos_phi) = phi.sin_cos();
    // 0.99664719 = 1 − flattening of the Earth (Eq. 35); 6378140 m equatorial
    // radius (Eqs. 36–37).
    let uu = (0.996_647_19 * phi.tan()).atan();
    let x = uu.cos() + input.elevation_m / 6_378_140.0 * cos_phi;
    let y = 0.996_647_19 * uu.sin() + input.elevation_m / 6_378_140.0 * sin_phi;
    let (sin_xi, _) = xi.sin_cos();
    let (sin_h, cos_h) = (h * deg).sin_cos();
    let (sin_delta, cos_delta) = (delta * deg).sin_cos();
    let denom = cos_delta - x * sin_xi * cos_h;
    let dalpha = (-x * sin_xi * sin_h).atan2(denom);
    let delta_p = ((sin_delta - y * sin_xi) * dalpha.cos()).atan2(denom);

    // §3.13 Topocentric local hour angle (Eq. 40).
    let h_p = h * deg - dalpha;

    // §3.14 Topocentric zenith angle (Eqs. 41–44).
    let (sin_dp, cos_dp) = delta_p.sin_cos();
    let (sin_hp, cos_hp) = h_p.sin_cos();
    let e0 = (sin_phi * sin_dp + cos_phi * cos_dp * cos_hp).clamp(-1.0, 1.0).asin().to_degrees();
    // Eq. 42, applied only while the sun's upper limb (radius 0.26667°) can be
    // above the refracted horizon (Reda & Andreas §3.14.2 / A.5 note).
    let de = if e0 >= -(0.26667 + input.atmos_refraction_deg) {
        // Guard absolute zero so the temperature ratio stays finite.
        let t_k = (273.0 + input.temperature_c).max(1.0);
        (input.pressure_hpa / 1010.0) * (283.0 / t_k) * 1.02 / (60.0 * ((e0 + 10.3 / (e0 + 5.11)) * deg).tan())
    } else {
        0.0
    };
    let e = e0 + de;
    let zenith = 90.0 - e;

    // §3.15 Topocentric azimuth (Eqs. 45–46), astronomers' (from south) then
    // navigators' (from north).
    let gamma = sin_hp.atan2(cos_hp * sin_phi - sin_dp / cos_dp * cos_phi).to_degrees();
    let azimuth = wrap360(gamma + 180.0);

    // Appendix A.1 equation of time: sun mean longitude M (Eq. A2), then
    // E = M − 0.0057183° − α + Δψ·cos ε (Eq. A1), 4 minutes per degree.
    let m = wrap360(
        280.466_456_7 + 360_007.698_277_9 * jme + 0.030_320_28 * jme * jme + jme.powi(3) / 49_931.0
            - jme.powi(4) / 15_300.0
            - jme.powi(5) / 2_000_000.0,
    );
    let mut eot = 4.0 * (m - 0.005_718_3 - alpha + dpsi * cos_eps);
    // Bring into (−720, 720] minutes; the report's "±1440 if |E| > 20".
    eot = (eot + 720.0).rem_euclid(1440.0) - 720.0;

    SolarPosition {
        zenith_deg: zenith,
        azimuth_deg: azimuth,
        elevation_deg: e,
        zenith_geometric_deg: 90.0 - e0,
        equation_of_time_min: eot,
        declination_deg: delta,
        earth_sun_distance_au: r_au,
    }
}

/// Earth heliocentric longitude L (deg, 0..360), latitude B (deg) and radius
/// vector R (AU) for Julian ephemeris millennium `jme` (Eqs. 8–12).
fn heliocentric(jme: f64) -> (f64, f64, f64) {
    let l_rad = series(&[&L0, &L1, &L2, &L3, &L4, &L5], jme);
    let b_rad = series(&[&B0, &B1], jme);
    let r_au = series(&[&R0, &R1, &R2, &R3, &R4], jme);
    (wrap360(l_rad.to_degrees()), b_rad.to_degrees(), r_au)
}

/// Nutation in longitude Δψ and obliquity Δε, degrees (Eqs. 15–23).
fn nutation(jce: f64) -> (f64, f64) {
    let jce2 = jce * jce;
    let jce3 = jce2 * jce;
    // Fundamental arguments X0..X4 in degrees (Eqs. 15–19).
    let x = [
        // Mean elongation of the moon from the sun.
        297.850_36 + 445_267.111_48 * jce - 0.001_914_2 * jce2 + jce3 / 189_474.0,
        // Mean anomaly of the sun.
        357.527_72 + 35_999.050_34 * jce - 0.000_160_3 * jce2 - jce3 / 300_000.0,
        // Mean anomaly of the moon.
        134.962_98 + 477_198.867_398 * jce + 0.008_697_2 * jce2 + jce3 / 56_250.0,
        // Moon's argument of latitude.
        93.271_91 + 483_202.017_538 * jce - 0.003_682_5 * jce2 + jce3 / 327_270.0,
        // Longitude of the ascending node of the moon's mean orbit.
        125.044_52 - 1_934.136_261 * jce + 0.002_070_8 * jce2 + jce3 / 450_000.0,
    ];
    let x_rad = x.map(|v| v.to_radians());
    let mut dpsi = 0.0;
    let mut deps = 0.0;
    for (abcd, y) in NUT_ABCD.iter().zip(NUT_Y.iter()) {
        let arg: f64 = y.iter().zip(x_rad.iter()).map(|(&yi, &xi)| f64::from(yi) * xi).sum();
        let (s, c) = arg.sin_cos();
        dpsi += (abcd[0] + abcd[1] * jce) * s;
        deps += (abcd[2] + abcd[3] * jce) * c;
    }
    // Table units are 0.0001″; /36 000 000 converts to degrees (Eqs. 22–23).
    (dpsi / 36_000_000.0, deps / 36_000_000.0)
}

/// Angle of incidence between the sun and a plane's normal, degrees
/// (Reda & Andreas Eq. 47, rewritten for azimuths measured from north).
///
/// `surface_azimuth_deg` is measured from north, clockwise (180 = facing
/// due south); the report's γ is `surface_azimuth_deg − 180`. Returns a value
/// in [0, 180]; > 90 means the sun is behind the plane.
pub fn incidence_angle_deg(zenith_deg: f64, azimuth_deg: f64, surface_tilt_deg: f64, surface_azimuth_deg: f64) -> f64 {
    let (sz, cz) = zenith_deg.to_radians().sin_cos();
    let (st, ct) = surface_tilt_deg.to_radians().sin_cos();
    let c = cz * ct + st * sz * (azimuth_deg - surface_azimuth_deg).to_radians().cos();
    c.clamp(-1.0, 1.0).acos().to_degrees()
}

/// Days from 1970-01-01 to the proleptic-Gregorian date y-m-d (m in 1..=12).
/// Era-based civil-to-days conversion (400-year cycles of 146 097 days).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let mp = (m + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + d - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468 // 719 468 = days from 0000-03-01 to 1970-01-01
}

/// Local civil time at a fixed UTC offset → Unix seconds (UTC), proleptic
/// Gregorian calendar.
///
/// Out-of-range fields roll over like `mktime` (month 13 = January of the
/// next year, day 0 = last day of the previous month, hour 24 = next day);
/// never panics. `utc_offset_hours` is east-positive (UTC−7 → −7.0).
pub fn unix_seconds(
    year: i32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: f64,
    utc_offset_hours: f64,
) -> f64 {
    let m0 = i64::from(month) - 1;
    let y = i64::from(year) + m0.div_euclid(12);
    let m = m0.rem_euclid(12) + 1;
    let days = days_from_civil(y, m, 1) + i64::from(day) - 1;
    let secs_int = days * 86_400 + i64::from(hour) * 3_600 + i64::from(minute) * 60;
    secs_int as f64 + second - utc_offset_hours * 3_600.0
}

// ---------------------------------------------------------------------------
// Periodic-term tables, transcribed from Reda & Andreas 2004 Tables A4.2 and
// A4.3 (machine-converted to Rust literals; values unchanged).
// ---------------------------------------------------------------------------
use tables::{B0, B1, L0, L1, L2, L3, L4, L5, NUT_ABCD, NUT_Y, R0, R1, R2, R3, R4};

/// Reda & Andreas 2004 Tables A4.2 and A4.3.
#[rustfmt::skip]
mod tables {
    // Phase values such as 3.14 and 3.142 are the tables' own rounded
    // numbers, not approximations of π.
    #![allow(clippy::approx_constant)]

    /// Earth heliocentric longitude terms L0 (A, B, C), Reda & Andreas 2004 Table A4.2.
    pub(super) const L0: [[f64; 3]; 64] = [
        [175347046.0, 0.0, 0.0],
        [3341656.0, 4.6692568, 6283.07585],
        [34894.0, 4.6261, 12566.1517],
        [3497.0, 2.7441, 5753.3849],
        [3418.0, 2.8289, 3.5231],
        [3136.0, 3.6277, 77713.7715],
        [2676.0, 4.4181, 7860.4194],
        [2343.0, 6.1352, 3930.2097],
        [1324.0, 0.7425, 11506.7698],
        [1273.0, 2.0371, 529.691],
        [1199.0, 1.1096, 1577.3435],
        [990.0, 5.233, 5884.927],
        [902.0, 2.045, 26.298],
        [857.0, 3.508, 398.149],
        [780.0, 1.179, 5223.694],
        [753.0, 2.533, 5507.553],
        [505.0, 4.583, 18849.228],
        [492.0, 4.205, 775.523],
        [357.0, 2.92, 0.067],
        [317.0, 5.849, 11790.629],
        [284.0, 1.899, 796.298],
        [271.0, 0.315, 10977.079],
        [243.0, 0.345, 5486.778],
        [206.0, 4.806, 2544.314],
        [205.0, 1.869, 5573.143],
        [202.0, 2.458, 6069.777],
        [156.0, 0.833, 213.299],
        [132.0, 3.411, 2942.463],
        [126.0, 1.083, 20.775],
        [115.0, 0.645, 0.98],
        [103.0, 0.636, 4694.003],
        [102.0, 0.976, 15720.839],
        [102.0, 4.267, 7.114],
        [99.0, 6.21, 2146.17],
        [98.0, 0.68, 155.42],
        [86.0, 5.98, 161000.69],
        [85.0, 1.3, 6275.96],
        [85.0, 3.67, 71430.7],
        [80.0, 1.81, 17260.15],
        [79.0, 3.04, 12036.46],
        [75.0, 1.76, 5088.63],
        [74.0, 3.5, 3154.69],
        [74.0, 4.68, 801.82],
        [70.0, 0.83, 9437.76],
        [62.0, 3.98, 8827.39],
        [61.0, 1.82, 7084.9],
        [57.0, 2.78, 6286.6],
        [56.0, 4.39, 14143.5],
        [56.0, 3.47, 6279.55],
        [52.0, 0.19, 12139.55],
        [52.0, 1.33, 1748.02],
        [51.0, 0.28, 5856.48],
        [49.0, 0.49, 1194.45],
        [41.0, 5.37, 8429.24],
        [41.0, 2.4, 19651.05],
        [39.0, 6.17, 10447.39],
        [37.0, 6.04, 10213.29],
        [37.0, 2.57, 1059.38],
        [36.0, 1.71, 2352.87],
        [36.0, 1.78, 6812.77],
        [33.0, 0.59, 17789.85],
        [30.0, 0.44, 83996.85],
        [30.0, 2.74, 1349.87],
        [25.0, 3.16, 4690.48],
    ];
    /// Earth heliocentric longitude terms L1 (A, B, C), Reda & Andreas 2004 Table A4.2.
    pub(super) const L1: [[f64; 3]; 34] = [
        [628331966747.0, 0.0, 0.0],
        [206059.0, 2.678235, 6283.07585],
        [4303.0, 2.6351, 12566.1517],
        [425.0, 1.59, 3.523],
        [119.0, 5.796, 26.298],
        [109.0, 2.966, 1577.344],
        [93.0, 2.59, 18849.23],
        [72.0, 1.14, 529.69],
        [68.0, 1.87, 398.15],
        [67.0, 4.41, 5507.55],
        [59.0, 2.89, 5223.69],
        [56.0, 2.17, 155.42],
        [45.0, 0.4, 796.3],
        [36.0, 0.47, 775.52],
        [29.0, 2.65, 7.11],
        [21.0, 5.34, 0.98],
        [19.0, 1.85, 5486.78],
        [19.0, 4.97, 213.3],
        [17.0, 2.99, 6275.96],
        [16.0, 0.03, 2544.31],
        [16.0, 1.43, 2146.17],
        [15.0, 1.21, 10977.08],
        [12.0, 2.83, 1748.02],
        [12.0, 3.26, 5088.63],
        [12.0, 5.27, 1194.45],
        [12.0, 2.08, 4694.0],
        [11.0, 0.77, 553.57],
        [10.0, 1.3, 6286.6],
        [10.0, 4.24, 1349.87],
        [9.0, 2.7, 242.73],
        [9.0, 5.64, 951.72],
        [8.0, 5.3, 2352.87],
        [6.0, 2.65, 9437.76],
        [6.0, 4.67, 4690.48],
    ];
    /// Earth heliocentric longitude terms L2 (A, B, C), Reda & Andreas 2004 Table A4.2.
    pub(super) const L2: [[f64; 3]; 20] = [
        [52919.0, 0.0, 0.0],
        [8720.0, 1.0721, 6283.0758],
        [309.0, 0.867, 12566.152],
        [27.0, 0.05, 3.52],
        [16.0, 5.19, 26.3],
        [16.0, 3.68, 155.42],
        [10.0, 0.76, 18849.23],
        [9.0, 2.06, 77713.77],
        [7.0, 0.83, 775.52],
        [5.0, 4.66, 1577.34],
        [4.0, 1.03, 7.11],
        [4.0, 3.44, 5573.14],
        [3.0, 5.14, 796.3],
        [3.0, 6.05, 5507.55],
        [3.0, 1.19, 242.73],
        [3.0, 6.12, 529.69],
        [3.0, 0.31, 398.15],
        [3.0, 2.28, 553.57],
        [2.0, 4.38, 5223.69],
        [2.0, 3.75, 0.98],
    ];
    /// Earth heliocentric longitude terms L3 (A, B, C), Reda & Andreas 2004 Table A4.2.
    pub(super) const L3: [[f64; 3]; 7] = [
        [289.0, 5.844, 6283.076],
        [35.0, 0.0, 0.0],
        [17.0, 5.49, 12566.15],
        [3.0, 5.2, 155.42],
        [1.0, 4.72, 3.52],
        [1.0, 5.3, 18849.23],
        [1.0, 5.97, 242.73],
    ];
    /// Earth heliocentric longitude terms L4 (A, B, C), Reda & Andreas 2004 Table A4.2.
    pub(super) const L4: [[f64; 3]; 3] = [
        [114.0, 3.142, 0.0],
        [8.0, 4.13, 6283.08],
        [1.0, 3.84, 12566.15],
    ];
    /// Earth heliocentric longitude terms L5 (A, B, C), Reda & Andreas 2004 Table A4.2.
    pub(super) const L5: [[f64; 3]; 1] = [[1.0, 3.14, 0.0]];
    /// Earth heliocentric latitude terms B0 (A, B, C), Reda & Andreas 2004 Table A4.2.
    pub(super) const B0: [[f64; 3]; 5] = [
        [280.0, 3.199, 84334.662],
        [102.0, 5.422, 5507.553],
        [80.0, 3.88, 5223.69],
        [44.0, 3.7, 2352.87],
        [32.0, 4.0, 1577.34],
    ];
    /// Earth heliocentric latitude terms B1 (A, B, C), Reda & Andreas 2004 Table A4.2.
    pub(super) const B1: [[f64; 3]; 2] = [[9.0, 3.9, 5507.55], [6.0, 1.73, 5223.69]];
    /// Earth radius vector terms R0 (A, B, C), Reda & Andreas 2004 Table A4.2.
    pub(super) const R0: [[f64; 3]; 40] = [
        [100013989.0, 0.0, 0.0],
        [1670700.0, 3.0984635, 6283.07585],
        [13956.0, 3.05525, 12566.1517],
        [3084.0, 5.1985, 77713.7715],
        [1628.0, 1.1739, 5753.3849],
        [1576.0, 2.8469, 7860.4194],
        [925.0, 5.453, 11506.77],
        [542.0, 4.564, 3930.21],
        [472.0, 3.661, 5884.927],
        [346.0, 0.964, 5507.553],
        [329.0, 5.9, 5223.694],
        [307.0, 0.299, 5573.143],
        [243.0, 4.273, 11790.629],
        [212.0, 5.847, 1577.344],
        [186.0, 5.022, 10977.079],
        [175.0, 3.012, 18849.228],
        [110.0, 5.055, 5486.778],
        [98.0, 0.89, 6069.78],
        [86.0, 5.69, 15720.84],
        [86.0, 1.27, 161000.69],
        [65.0, 0.27, 17260.15],
        [63.0, 0.92, 529.69],
        [57.0, 2.01, 83996.85],
        [56.0, 5.24, 71430.7],
        [49.0, 3.25, 2544.31],
        [47.0, 2.58, 775.52],
        [45.0, 5.54, 9437.76],
        [43.0, 6.01, 6275.96],
        [39.0, 5.36, 4694.0],
        [38.0, 2.39, 8827.39],
        [37.0, 0.83, 19651.05],
        [37.0, 4.9, 12139.55],
        [36.0, 1.67, 12036.46],
        [35.0, 1.84, 2942.46],
        [33.0, 0.24, 7084.9],
        [32.0, 0.18, 5088.63],
        [32.0, 1.78, 398.15],
        [28.0, 1.21, 6286.6],
        [28.0, 1.9, 6279.55],
        [26.0, 4.59, 10447.39],
    ];
    /// Earth radius vector terms R1 (A, B, C), Reda & Andreas 2004 Table A4.2.
    pub(super) const R1: [[f64; 3]; 10] = [
        [103019.0, 1.10749, 6283.07585],
        [1721.0, 1.0644, 12566.1517],
        [702.0, 3.142, 0.0],
        [32.0, 1.02, 18849.23],
        [31.0, 2.84, 5507.55],
        [25.0, 1.32, 5223.69],
        [18.0, 1.42, 1577.34],
        [10.0, 5.91, 10977.08],
        [9.0, 1.42, 6275.96],
        [9.0, 0.27, 5486.78],
    ];
    /// Earth radius vector terms R2 (A, B, C), Reda & Andreas 2004 Table A4.2.
    pub(super) const R2: [[f64; 3]; 6] = [
        [4359.0, 5.7846, 6283.0758],
        [124.0, 5.579, 12566.152],
        [12.0, 3.14, 0.0],
        [9.0, 3.63, 77713.77],
        [6.0, 1.87, 5573.14],
        [3.0, 5.47, 18849.23],
    ];
    /// Earth radius vector terms R3 (A, B, C), Reda & Andreas 2004 Table A4.2.
    pub(super) const R3: [[f64; 3]; 2] = [[145.0, 4.273, 6283.076], [7.0, 3.92, 12566.15]];
    /// Earth radius vector terms R4 (A, B, C), Reda & Andreas 2004 Table A4.2.
    pub(super) const R4: [[f64; 3]; 1] = [[4.0, 2.56, 6283.08]];
    /// Nutation coefficients (a, b, c, d) for Δψ = Σ(a + b·JCE)·sin(Σ X_j·Y_ij) and
    /// Δε = Σ(c + d·JCE)·cos(...), in units of 0.0001″, Reda & Andreas 2004 Table A4.3.
    pub(super) const NUT_ABCD: [[f64; 4]; 63] = [
        [-171996.0, -174.2, 92025.0, 8.9],
        [-13187.0, -1.6, 5736.0, -3.1],
        [-2274.0, -0.2, 977.0, -0.5],
        [2062.0, 0.2, -895.0, 0.5],
        [1426.0, -3.4, 54.0, -0.1],
        [712.0, 0.1, -7.0, 0.0],
        [-517.0, 1.2, 224.0, -0.6],
        [-386.0, -0.4, 200.0, 0.0],
        [-301.0, 0.0, 129.0, -0.1],
        [217.0, -0.5, -95.0, 0.3],
        [-158.0, 0.0, 0.0, 0.0],
        [129.0, 0.1, -70.0, 0.0],
        [123.0, 0.0, -53.0, 0.0],
        [63.0, 0.0, 0.0, 0.0],
        [63.0, 0.1, -33.0, 0.0],
        [-59.0, 0.0, 26.0, 0.0],
        [-58.0, -0.1, 32.0, 0.0],
        [-51.0, 0.0, 27.0, 0.0],
        [48.0, 0.0, 0.0, 0.0],
        [46.0, 0.0, -24.0, 0.0],
        [-38.0, 0.0, 16.0, 0.0],
        [-31.0, 0.0, 13.0, 0.0],
        [29.0, 0.0, 0.0, 0.0],
        [29.0, 0.0, -12.0, 0.0],
        [26.0, 0.0, 0.0, 0.0],
        [-22.0, 0.0, 0.0, 0.0],
        [21.0, 0.0, -10.0, 0.0],
        [17.0, -0.1, 0.0, 0.0],
        [16.0, 0.0, -8.0, 0.0],
        [-16.0, 0.1, 7.0, 0.0],
        [-15.0, 0.0, 9.0, 0.0],
        [-13.0, 0.0, 7.0, 0.0],
        [-12.0, 0.0, 6.0, 0.0],
        [11.0, 0.0, 0.0, 0.0],
        [-10.0, 0.0, 5.0, 0.0],
        [-8.0, 0.0, 3.0, 0.0],
        [7.0, 0.0, -3.0, 0.0],
        [-7.0, 0.0, 0.0, 0.0],
        [-7.0, 0.0, 3.0, 0.0],
        [-7.0, 0.0, 3.0, 0.0],
        [6.0, 0.0, 0.0, 0.0],
        [6.0, 0.0, -3.0, 0.0],
        [6.0, 0.0, -3.0, 0.0],
        [-6.0, 0.0, 3.0, 0.0],
        [-6.0, 0.0, 3.0, 0.0],
        [5.0, 0.0, 0.0, 0.0],
        [-5.0, 0.0, 3.0, 0.0],
        [-5.0, 0.0, 3.0, 0.0],
        [-5.0, 0.0, 3.0, 0.0],
        [4.0, 0.0, 0.0, 0.0],
        [4.0, 0.0, 0.0, 0.0],
        [4.0, 0.0, 0.0, 0.0],
        [-4.0, 0.0, 0.0, 0.0],
        [-4.0, 0.0, 0.0, 0.0],
        [-4.0, 0.0, 0.0, 0.0],
        [3.0, 0.0, 0.0, 0.0],
        [-3.0, 0.0, 0.0, 0.0],
        [-3.0, 0.0, 0.0, 0.0],
        [-3.0, 0.0, 0.0, 0.0],
        [-3.0, 0.0, 0.0, 0.0],
        [-3.0, 0.0, 0.0, 0.0],
        [-3.0, 0.0, 0.0, 0.0],
        [-3.0, 0.0, 0.0, 0.0],
    ];
    /// Nutation argument multipliers Y_i0..Y_i4 of X0..X4, Reda & Andreas 2004 Table A4.3.
    pub(super) const NUT_Y: [[i8; 5]; 63] = [
        [0, 0, 0, 0, 1],
        [-2, 0, 0, 2, 2],
        [0, 0, 0, 2, 2],
        [0, 0, 0, 0, 2],
        [0, 1, 0, 0, 0],
        [0, 0, 1, 0, 0],
        [-2, 1, 0, 2, 2],
        [0, 0, 0, 2, 1],
        [0, 0, 1, 2, 2],
        [-2, -1, 0, 2, 2],
        [-2, 0, 1, 0, 0],
        [-2, 0, 0, 2, 1],
        [0, 0, -1, 2, 2],
        [2, 0, 0, 0, 0],
        [0, 0, 1, 0, 1],
        [2, 0, -1, 2, 2],
        [0, 0, -1, 0, 1],
        [0, 0, 1, 2, 1],
        [-2, 0, 2, 0, 0],
        [0, 0, -2, 2, 1],
        [2, 0, 0, 2, 2],
        [0, 0, 2, 2, 2],
        [0, 0, 2, 0, 0],
        [-2, 0, 1, 2, 2],
        [0, 0, 0, 2, 0],
        [-2, 0, 0, 2, 0],
        [0, 0, -1, 2, 1],
        [0, 2, 0, 0, 0],
        [2, 0, -1, 0, 1],
        [-2, 2, 0, 2, 2],
        [0, 1, 0, 0, 1],
        [-2, 0, 1, 0, 1],
        [0, -1, 0, 0, 1],
        [0, 0, 2, -2, 0],
        [2, 0, -1, 2, 1],
        [2, 0, 1, 2, 2],
        [0, 1, 0, 2, 2],
        [-2, 1, 1, 0, 0],
        [0, -1, 0, 2, 2],
        [2, 0, 0, 2, 1],
        [2, 0, 1, 0, 0],
        [-2, 0, 2, 2, 2],
        [-2, 0, 1, 2, 1],
        [2, 0, -2, 0, 1],
        [2, 0, 0, 0, 1],
        [0, -1, 1, 0, 0],
        [-2, -1, 0, 2, 1],
        [-2, 0, 0, 0, 1],
        [0, 0, 2, 2, 1],
        [-2, 0, 2, 0, 1],
        [-2, 1, 0, 2, 1],
        [0, 0, 1, -2, 0],
        [-1, 0, 1, 0, 0],
        [-2, 1, 0, 0, 0],
        [1, 0, 0, 0, 0],
        [0, 0, 1, 2, 0],
        [0, 0, -2, 2, 2],
        [-1, -1, 1, 0, 0],
        [0, 1, 1, 0, 0],
        [0, -1, 1, 2, 2],
        [2, -1, -1, 2, 2],
        [0, 0, 3, 2, 2],
        [2, -1, 0, 2, 2],
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reda & Andreas 2004 Appendix A.5 (Table A5.1) inputs.
    fn paper_input() -> SpaInput {
        SpaInput {
            unix_seconds_utc: unix_seconds(2003, 10, 17, 12, 30, 30.0, -7.0),
            latitude_deg: 39.742476,
            longitude_deg: -105.1786,
            elevation_m: 1830.14,
            pressure_hpa: 820.0,
            temperature_c: 11.0,
            delta_t_s: 67.0,
            atmos_refraction_deg: 0.5667,
        }
    }

    #[test]
    fn unix_seconds_matches_known_instants() {
        // 2003-10-17T19:30:30Z; python datetime(...).timestamp() = 1066419030.
        assert_eq!(unix_seconds(2003, 10, 17, 12, 30, 30.0, -7.0), 1_066_419_030.0);
        assert_eq!(unix_seconds(1970, 1, 1, 0, 0, 0.0, 0.0), 0.0);
        assert_eq!(unix_seconds(2000, 1, 1, 12, 0, 0.0, 0.0), UNIX_J2000);
        // Leap day and century rules (2000 leap, 2100 not).
        assert_eq!(unix_seconds(2000, 3, 1, 0, 0, 0.0, 0.0), 951_868_800.0);
        assert_eq!(unix_seconds(2100, 3, 1, 0, 0, 0.0, 0.0) - unix_seconds(2100, 2, 28, 0, 0, 0.0, 0.0), 86_400.0);
        // Pre-epoch: 1900-01-01T00:00Z = -2208988800.
        assert_eq!(unix_seconds(1900, 1, 1, 0, 0, 0.0, 0.0), -2_208_988_800.0);
        // Roll-over of out-of-range fields, and no panic on month 0.
        assert_eq!(unix_seconds(2023, 13, 1, 0, 0, 0.0, 0.0), unix_seconds(2024, 1, 1, 0, 0, 0.0, 0.0));
        assert_eq!(unix_seconds(2024, 0, 1, 0, 0, 0.0, 0.0), unix_seconds(2023, 12, 1, 0, 0, 0.0, 0.0));
        // UTC+8 local noon = 04:00Z.
        assert_eq!(unix_seconds(2024, 6, 21, 12, 0, 0.0, 8.0), unix_seconds(2024, 6, 21, 4, 0, 0.0, 0.0));
    }

    #[test]
    fn paper_worked_example_intermediates() {
        // Table A5.2 of Reda & Andreas 2004.
        let input = paper_input();
        let jd = input.unix_seconds_utc / 86_400.0 + JD_UNIX_EPOCH;
        assert!((jd - 2_452_930.312_847).abs() < 1e-6, "jd {jd}");
        let jce = ((input.unix_seconds_utc - UNIX_J2000) / 86_400.0 + 67.0 / 86_400.0) / 36_525.0;
        let (l, b, r) = heliocentric(jce / 10.0);
        assert!((l - 24.018_261_7).abs() < 1e-7, "L {l}");
        assert!((b - -0.000_101_121_9).abs() < 1e-10, "B {b}");
        assert!((r - 0.996_542_297_4).abs() < 1e-10, "R {r}");
        let (dpsi, deps) = nutation(jce);
        assert!((dpsi - -0.003_998_40).abs() < 1e-8, "dpsi {dpsi}");
        assert!((deps - 0.001_666_57).abs() < 1e-8, "deps {deps}");
    }

    #[test]
    fn paper_worked_example_outputs() {
        let p = solar_position(&paper_input());
        // Table A5.2: zenith 50.11162°, azimuth 194.34024°, δ −9.31434°,
        // EoT 14.641503 min (pvlib 0.16.1 spa gives 14.6415108).
        assert!((p.zenith_deg - 50.111_62).abs() < 1e-5, "zenith {}", p.zenith_deg);
        assert!((p.azimuth_deg - 194.340_24).abs() < 1e-5, "azimuth {}", p.azimuth_deg);
        assert!((p.declination_deg - -9.314_34).abs() < 1e-5, "dec {}", p.declination_deg);
        assert!((p.equation_of_time_min - 14.641_503).abs() < 2e-5, "eot {}", p.equation_of_time_min);
        assert!((p.earth_sun_distance_au - 0.996_542_297_4).abs() < 1e-10);
        assert!((p.elevation_deg - (90.0 - p.zenith_deg)).abs() < 1e-12);
        // pvlib 0.16.1 spa.solar_position_numpy: geometric zenith 50.1279541.
        assert!((p.zenith_geometric_deg - 50.127_954_1).abs() < 1e-6);
        // Surface slope 30°, azimuth rotation −10° (from south, paper
        // convention) = 170° from north here; Table A5.2 incidence 25.18700°.
        let inc = incidence_angle_deg(p.zenith_deg, p.azimuth_deg, 30.0, 170.0);
        assert!((inc - 25.187_00).abs() < 1e-5, "incidence {inc}");
    }

    /// Reference values from pvlib 0.16.1 `pvlib.spa.solar_position_numpy`
    /// (numpy mode) plus its intermediate `geocentric_sun_declination` and
    /// `heliocentric_radius_vector`, for lat 37.885, lon 105.403, elev 1300 m,
    /// 870 hPa, 10 °C, ΔT 69 s, refraction 0.5667, local time UTC+8.
    /// Columns: y, m, d, h, min, apparent zenith, geometric zenith, azimuth,
    /// EoT (min), declination, R (AU).
    #[allow(clippy::type_complexity)]
    #[rustfmt::skip]
    const PVLIB_SITE_CN: [(i32, u32, u32, u32, u32, f64, f64, f64, f64, f64, f64); 13] = [
        (2024, 1, 15, 9, 0, 82.7537058, 82.8581308, 124.0737992, -9.0601277, -21.2462509, 0.9836278921),
        (2024, 2, 10, 13, 30, 52.5380790, 52.5570358, 185.3182175, -14.1710067, -14.5103782, 0.9867068627),
        (2024, 3, 20, 7, 15, 87.9800840, 88.2370478, 91.4545335, -7.4629913, -0.0633975, 0.9958192172),
        (2024, 4, 5, 16, 45, 59.5723754, 59.5970449, 252.8443473, -2.5718936, 6.3156772, 1.0005255023),
        (2024, 5, 21, 12, 0, 21.2584536, 21.2641113, 142.0607541, 3.3886363, 20.2759265, 1.0120917740),
        (2024, 6, 21, 6, 10, 84.8747470, 85.0139246, 64.0250493, -1.7939118, 23.4382166, 1.0161984322),
        (2024, 7, 4, 19, 20, 79.3343855, 79.4080174, 290.7386107, -4.5286691, 22.8060223, 1.0167245542),
        (2024, 8, 30, 10, 5, 48.6602280, 48.6767533, 115.0952726, -0.5943219, 8.8654354, 1.0096983020),
        (2024, 9, 22, 15, 0, 48.0374434, 48.0536126, 225.8507522, 7.4041641, 0.0929658, 1.0036497507),
        (2024, 10, 31, 8, 40, 76.8716666, 76.9320364, 119.9844964, 16.4070177, -14.2023203, 0.9928169031),
        (2024, 11, 11, 17, 0, 81.8860801, 81.9806295, 240.2336244, 15.9500063, -17.5960075, 0.9899626858),
        (2024, 12, 21, 12, 30, 61.6144829, 61.6412671, 173.0849379, 1.8673684, -23.4382143, 0.9837427376),
        (2024, 12, 21, 23, 0, 151.2182225, 151.2182225, 291.6903003, 1.6500672, -23.4381740, 0.9837164569),
    ];

    #[test]
    fn matches_pvlib_across_year_at_site_cn() {
        for &(y, mo, d, h, mi, zen, zen0, az, eot, dec, r) in &PVLIB_SITE_CN {
            let input = SpaInput {
                unix_seconds_utc: unix_seconds(y, mo, d, h, mi, 0.0, 8.0),
                latitude_deg: 37.885,
                longitude_deg: 105.403,
                elevation_m: 1300.0,
                pressure_hpa: 870.0,
                temperature_c: 10.0,
                delta_t_s: 69.0,
                atmos_refraction_deg: 0.5667,
            };
            let p = solar_position(&input);
            let tag = format!("{y}-{mo}-{d} {h}:{mi}");
            assert!((p.zenith_deg - zen).abs() < 1e-6, "{tag} zen {} vs {zen}", p.zenith_deg);
            assert!((p.zenith_geometric_deg - zen0).abs() < 1e-6, "{tag} zen0");
            assert!((p.azimuth_deg - az).abs() < 1e-6, "{tag} az {} vs {az}", p.azimuth_deg);
            assert!((p.equation_of_time_min - eot).abs() < 1e-6, "{tag} eot");
            assert!((p.declination_deg - dec).abs() < 1e-6, "{tag} dec");
            assert!((p.earth_sun_distance_au - r).abs() < 1e-9, "{tag} R");
        }
    }

    /// pvlib 0.16.1 `spa.solar_position_numpy`, 1013.25 hPa, 12 °C, ΔT 69 s.
    /// Columns: lat, lon, elev, unix, apparent zenith, geometric zenith,
    /// azimuth, EoT, declination. Covers the southern hemisphere, midnight sun
    /// above the Arctic circle, an equatorial night (no refraction) and 2050.
    #[allow(clippy::type_complexity)]
    #[rustfmt::skip]
    const PVLIB_OTHER: [(f64, f64, f64, f64, f64, f64, f64, f64, f64); 4] = [
        (-33.86, 151.21, 50.0, 1614564000.0, 26.3567484, 26.3650870, 4.1978300, -12.3530202, -7.5531742),
        (69.65, 18.96, 10.0, 1655854200.0, 86.3713993, 86.5806508, 10.0817430, -1.9196608, 23.4365897),
        (0.0, -78.5, 2800.0, 946684799.0, 99.8689647, 99.8689647, 246.5619527, -3.0436618, -23.0711719),
        (51.48, 0.0, 0.0, 2545624800.0, 83.4852281, 83.6178225, 84.8711889, -0.0555298, 8.1828003),
    ];

    #[test]
    fn matches_pvlib_other_sites() {
        for &(lat, lon, elev, ut, zen, zen0, az, eot, dec) in &PVLIB_OTHER {
            let mut input = SpaInput::new(ut, lat, lon);
            input.elevation_m = elev;
            let p = solar_position(&input);
            assert!((p.zenith_deg - zen).abs() < 1e-6, "{lat} zen {} vs {zen}", p.zenith_deg);
            assert!((p.zenith_geometric_deg - zen0).abs() < 1e-6, "{lat} zen0");
            assert!((p.azimuth_deg - az).abs() < 1e-6, "{lat} az {} vs {az}", p.azimuth_deg);
            assert!((p.equation_of_time_min - eot).abs() < 1e-6, "{lat} eot");
            assert!((p.declination_deg - dec).abs() < 1e-6, "{lat} dec");
        }
    }

    #[test]
    fn finite_for_extreme_inputs() {
        for &(lat, t, p, ut) in
            &[(90.0, -273.15, 0.0, -1.0e11), (-90.0, 1.0e6, 1.0e6, 1.0e11), (1.0e3, -1.0e3, -5.0, 0.0)]
        {
            let mut input = SpaInput::new(ut, lat, -1.0e4);
            input.temperature_c = t;
            input.pressure_hpa = p;
            input.elevation_m = -1.0e5;
            let s = solar_position(&input);
            for v in [
                s.zenith_deg,
                s.azimuth_deg,
                s.elevation_deg,
                s.zenith_geometric_deg,
                s.equation_of_time_min,
                s.declination_deg,
                s.earth_sun_distance_au,
            ] {
                assert!(v.is_finite(), "{lat} {t} {p} {ut} -> {s:?}");
            }
            assert!((0.0..360.0).contains(&s.azimuth_deg));
        }
    }

    #[test]
    fn incidence_angle_basics() {
        // Horizontal surface: incidence equals zenith.
        assert!((incidence_angle_deg(37.0, 123.0, 0.0, 180.0) - 37.0).abs() < 1e-12);
        // Surface facing the sun.
        assert!(incidence_angle_deg(40.0, 200.0, 40.0, 200.0).abs() < 1e-6);
        // Sun behind a vertical south wall.
        assert!((incidence_angle_deg(90.0, 0.0, 90.0, 180.0) - 180.0).abs() < 1e-6);
    }
}
