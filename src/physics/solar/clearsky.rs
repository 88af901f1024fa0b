//! Clear-sky irradiance: extraterrestrial normal irradiance, air mass,
//! pressure from elevation, the Ineichen–Perez clear-sky model and the
//! Haurwitz GHI model.
//!
//! Sources: J. W. Spencer, "Fourier series representation of the position of
//! the sun", Search 2(5), 172, 1971 (Earth–Sun distance factor); F. Kasten and
//! A. T. Young, "Revised optical air mass tables and approximation formula",
//! Applied Optics 28(22), 4735–4738, 1989 (approximation formula); P. Ineichen and R. Perez,
//! "A new airmass independent formulation for the Linke turbidity
//! coefficient", Solar Energy 73(3), 151–157, 2002 (altitude-corrected GHI
//! and beam formulas, b = 0.664 + 0.163/fh1) with the Perez et al. 2002
//! Solar Energy 73(5) 307–317 empirical correction bounding DNI by GHI; B. Haurwitz, J. Meteorology 2, 154–166 (1945), in the form given
//! by Reno, Hansen & Stein, SAND2012-2389, 2012. Formulas follow the
//! same published equations as pvlib-python 0.16 (`pvlib.clearsky`,
//! `pvlib.atmosphere`), against which the tests check.
//!
//! What it is not: no aerosol/water-vapour spectral model (REST2, Bird),
//! no Perez 2002 high-air-mass "enhancement" factor, no Linke turbidity
//! climatology beyond one documented monthly default. Everything here expects
//! the *apparent* (refraction-corrected) zenith.

/// Solar constant, W/m², ASTM E-490-00 (2000) value 1366.1 used by pvlib's
/// `get_extra_radiation`. Spencer 1971 gives only the distance factor.
pub const SOLAR_CONSTANT_W_M2: f64 = 1366.1;

/// Standard sea-level pressure, hPa (ISO 2533 / ICAO standard atmosphere).
pub const STANDARD_PRESSURE_HPA: f64 = 1013.25;

/// Extraterrestrial normal irradiance for a day of year (1..=366), W/m².
///
/// Spencer (1971) Fourier series for (R0/R)², day angle Γ = 2π(n − 1)/365,
/// times [`SOLAR_CONSTANT_W_M2`]. Any `u32` is accepted (the series is
/// periodic), so it never panics.
pub fn extraterrestrial_normal_w_m2(day_of_year: u32) -> f64 {
    let b = 2.0 * std::f64::consts::PI * (f64::from(day_of_year) - 1.0) / 365.0;
    let (s1, c1) = b.sin_cos();
    let (s2, c2) = (2.0 * b).sin_cos();
    // Spencer 1971 coefficients for the eccentricity correction factor.
    let r2 = 1.000_110 + 0.034_221 * c1 + 0.001_280 * s1 + 0.000_719 * c2 + 0.000_077 * s2;
    SOLAR_CONSTANT_W_M2 * r2
}

/// Relative optical air mass, Kasten & Young (1989) formula, for an apparent
/// zenith in degrees.
///
/// Returns `f64::INFINITY` when the apparent zenith is above 90° (the sun is
/// below the horizon, no finite path through the atmosphere) or not finite;
/// never NaN. At exactly 90° the formula gives ≈ 37.92. Zenith below 0 is
/// treated by symmetry (|z|).
pub fn airmass_relative_kasten_young(zenith_deg: f64) -> f64 {
    let z = zenith_deg.abs();
    if z > 90.0 || z.is_nan() {
        return f64::INFINITY;
    }
    // Kasten & Young 1989: a = 0.50572, b = 6.07995°, c = 1.6364.
    1.0 / (z.to_radians().cos() + 0.505_72 * (96.079_95 - z).powf(-1.636_4))
}

/// Absolute (pressure-corrected) air mass: AM_rel · p / 1013.25 hPa
/// (Kasten & Young 1989; pressure ratio to the standard atmosphere).
///
/// Infinite relative air mass stays infinite (even at zero pressure) so the
/// result is never NaN; negative pressures are treated as 0.
pub fn airmass_absolute(relative: f64, pressure_hpa: f64) -> f64 {
    if !relative.is_finite() {
        return f64::INFINITY;
    }
    relative * pressure_hpa.max(0.0) / STANDARD_PRESSURE_HPA
}

/// Pressure at an elevation in the ICAO standard troposphere, hPa:
/// p = 1013.25·((44331.514 − h)/11880.516)^(1/0.1902632) (Portland State
/// Aerospace Society, "A quick derivation relating altitude to air pressure",
/// v1.03, 2004; base 101325 Pa, 288.15 K, lapse 6.5 K/km — as pvlib
/// `alt2pres`). Clamped to 0 above the formula's 44.3 km zero point.
pub fn pressure_from_elevation_hpa(elevation_m: f64) -> f64 {
    let base = ((44_331.514 - elevation_m) / 11_880.516).max(0.0);
    base.powf(1.0 / 0.190_263_2)
}

/// Clear-sky irradiance components, W/m².
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ClearSky {
    /// Global horizontal irradiance.
    pub ghi: f64,
    /// Direct normal irradiance.
    pub dni: f64,
    /// Diffuse horizontal irradiance (GHI − DNI·cos z).
    pub dhi: f64,
}

#[inline]
fn finite_or_zero(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

/// Ineichen & Perez (2002) clear-sky model without the Perez 2002 enhancement.
///
/// * `apparent_zenith_deg` – refraction-corrected zenith; ≥ 90° gives zeros.
/// * `airmass_absolute` – pressure-corrected air mass ([`airmass_absolute`]);
///   non-finite gives zeros.
/// * `linke_turbidity` – Linke turbidity at air mass 2 (TL).
/// * `elevation_m` – site altitude; clamped to [−500, 9000] m, which only
///   keeps the exponential altitude factors finite (the fit is for 0–4 km).
/// * `dni_extra` – extraterrestrial normal irradiance, W/m².
///
/// GHI = cg1·I0·cos z·exp(−cg2·AM·(fh1 + fh2·(TL − 1))), DNI =
/// min(b·I0·exp(−0.09·AM·(TL − 1)), GHI-based empirical bound) with
/// b = 0.664 + 0.163/fh1 (Ineichen & Perez 2002; bound from Perez 2002), DHI = GHI − DNI·cos z. Never NaN; all outputs ≥ 0 for
/// physical inputs.
pub fn ineichen_perez(
    apparent_zenith_deg: f64,
    airmass_absolute: f64,
    linke_turbidity: f64,
    elevation_m: f64,
    dni_extra: f64,
) -> ClearSky {
    let cos_z = apparent_zenith_deg.to_radians().cos();
    if cos_z <= 0.0 || apparent_zenith_deg.abs() >= 90.0 || !airmass_absolute.is_finite() {
        return ClearSky::default();
    }
    let tl = linke_turbidity;
    let h = elevation_m.clamp(-500.0, 9_000.0);
    // Altitude corrections, Ineichen & Perez 2002 (scale heights 8 km, 1.25 km).
    let fh1 = (-h / 8_000.0).exp();
    let fh2 = (-h / 1_250.0).exp();
    let cg1 = 5.09e-5 * h + 0.868;
    let cg2 = 3.92e-5 * h + 0.0387;

    let ghi_t = (-cg2 * airmass_absolute * (fh1 + fh2 * (tl - 1.0))).exp();
    let ghi = cg1 * dni_extra * cos_z * ghi_t.max(0.0);

    // Beam: b from Ineichen & Perez 2002 (Perez 2002 gives 0.16268).
    let b = 0.664 + 0.163 / fh1;
    let bnci = dni_extra * (b * (-0.09 * airmass_absolute * (tl - 1.0)).exp()).max(0.0);
    // Perez et al. 2002 empirical correction bounding DNI by GHI.
    let ratio = (1.0 - (0.1 - 0.2 * (-tl).exp()) / (0.1 + 0.882 / fh1)) / cos_z;
    let bnci_2 = ghi * ratio.clamp(0.0, 1e20);
    let dni = bnci.min(bnci_2);
    let dhi = ghi - dni * cos_z;
    ClearSky { ghi: finite_or_zero(ghi), dni: finite_or_zero(dni), dhi: finite_or_zero(dhi) }
}

/// Haurwitz (1945) clear-sky GHI: 1098·cos z·exp(−0.059/cos z) W/m²
/// (constants as in Reno, Hansen & Stein 2012); 0 when the apparent
/// zenith is ≥ 90°.
pub fn haurwitz(apparent_zenith_deg: f64) -> f64 {
    let c = apparent_zenith_deg.to_radians().cos();
    if c > 0.0 { 1098.0 * c * (-0.059 / c).exp() } else { 0.0 }
}

/// Monthly Linke turbidity (Jan..Dec) used when a scenario gives none.
///
/// Source/assumption: the SoDa/Meteotest Linke turbidity climatology
/// (Remund et al., "Worldwide Linke turbidity information", ISES Solar World
/// Congress 2003) as shipped in pvlib 0.16.1 `LinkeTurbidities.h5`, read with
/// `pvlib.clearsky.lookup_linke_turbidity(..., interp_turbidity=False)` at
/// 37.885 N, 105.403 E (arid high plateau of Ningxia, ~1.3–1.8 km), i.e. a
/// dry continental high site. Values are the site's own (not sea-level
/// normalised). Replace with site data where available: e.g. Denver (39.74 N)
/// reads 2.6–4.2 and Phoenix 2.3–3.7 in the same table.
///
/// Until issue 16 each month held the next month's value (January had
/// February's 2.0, …, December January's 1.6), which put monthly clear-sky
/// GHI off by up to ±2.5 %; [`LINKE_TURBIDITY_SOURCE_MONTHLY`] is the source
/// table with each value labelled by its month, and a test checks this
/// constant against it month by month.
pub const LINKE_TURBIDITY_DEFAULT_MONTHLY: [f64; 12] =
    [1.6, 1.6, 2.0, 2.25, 2.7, 2.65, 2.75, 2.85, 2.4, 2.2, 1.75, 1.65];

/// The source table of [`LINKE_TURBIDITY_DEFAULT_MONTHLY`] as read from pvlib
/// 0.16.1 `LinkeTurbidities.h5` (stored as uint8 × 20) at 37.885 N, 105.403
/// E: `lookup_linke_turbidity(times, 37.885, 105.403, interp_turbidity=False)`
/// on the 15th of each month, as (month 1–12, value) pairs so that no value
/// can slip to a neighbouring month unnoticed.
pub const LINKE_TURBIDITY_SOURCE_MONTHLY: [(u32, f64); 12] = [
    (1, 1.6),
    (2, 1.6),
    (3, 2.0),
    (4, 2.25),
    (5, 2.7),
    (6, 2.65),
    (7, 2.75),
    (8, 2.85),
    (9, 2.4),
    (10, 2.2),
    (11, 1.75),
    (12, 1.65),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn extraterrestrial_matches_pvlib() {
        // pvlib 0.16.1 irradiance.get_extra_radiation(doy) (spencer, 1366.1).
        for &(doy, want) in &[
            (1, 1413.981805),
            (80, 1376.892361),
            (172, 1321.623593),
            (266, 1356.599693),
            (355, 1412.708564),
            (365, 1413.940576),
        ] {
            let got = extraterrestrial_normal_w_m2(doy);
            assert!(close(got, want, 1e-5), "doy {doy}: {got} vs {want}");
        }
        assert!(extraterrestrial_normal_w_m2(u32::MAX).is_finite());
    }

    #[test]
    fn airmass_matches_pvlib() {
        // pvlib 0.16.1 atmosphere.get_relative_airmass(z, 'kastenyoung1989').
        for &(z, want) in &[
            (0.0, 0.999711992),
            (30.0, 1.153992233),
            (60.0, 1.994292853),
            (80.0, 5.58603588),
            (85.0, 10.305791328),
            (89.0, 26.310555068),
            (90.0, 37.919608378),
        ] {
            let got = airmass_relative_kasten_young(z);
            assert!(close(got, want, 1e-8), "z {z}: {got} vs {want}");
        }
        assert_eq!(airmass_relative_kasten_young(90.01), f64::INFINITY);
        assert_eq!(airmass_relative_kasten_young(120.0), f64::INFINITY);
        assert_eq!(airmass_absolute(f64::INFINITY, 0.0), f64::INFINITY);
        // pvlib get_absolute_airmass(2.5, 87000 Pa) = 2.146558105.
        assert!(close(airmass_absolute(2.5, 870.0), 2.146558105, 1e-9));
    }

    #[test]
    fn pressure_matches_pvlib() {
        // pvlib 0.16.1 atmosphere.alt2pres(h) / 100.
        for &(h, want) in &[(0.0, 1013.249987), (1300.0, 866.521753), (3000.0, 701.089882), (-100.0, 1025.32073)] {
            let got = pressure_from_elevation_hpa(h);
            assert!(close(got, want, 1e-5), "h {h}: {got} vs {want}");
        }
        assert_eq!(pressure_from_elevation_hpa(1.0e6), 0.0);
    }

    #[test]
    fn ineichen_matches_pvlib() {
        // pvlib 0.16.1 clearsky.ineichen(z, AMa, TL, altitude, dni_extra) with
        // AMa = get_absolute_airmass(get_relative_airmass(z), p);
        // columns z, AMa, TL, altitude, dni_extra, ghi, dni, dhi.
        #[rustfmt::skip]
        let cases = [
            (20.0, 0.913317531, 2.0, 1300.0, 1400.0, 1113.627897, 1103.524998, 76.653599),
            (50.0, 1.333791065, 3.0, 1300.0, 1330.0, 662.955130, 895.236358, 87.508291),
            (75.0, 3.812911869, 4.0, 0.0, 1366.1, 170.083041, 403.541146, 65.638907),
            (88.0, 16.685835918, 2.5, 1300.0, 1360.0, 5.623825, 122.350279, 1.353862),
            (30.0, 0.797231249, 1.6, 3000.0, 1367.0, 1101.686840, 1179.982501, 79.792018),
            (60.0, 1.994292853, 1.0, 0.0, 1366.1, 548.850102, 1068.162777, 14.768713),
        ];
        for &(z, am, tl, alt, de, ghi, dni, dhi) in &cases {
            let cs = ineichen_perez(z, am, tl, alt, de);
            assert!(close(cs.ghi, ghi, 1e-4), "z {z} ghi {} vs {ghi}", cs.ghi);
            assert!(close(cs.dni, dni, 1e-4), "z {z} dni {} vs {dni}", cs.dni);
            assert!(close(cs.dhi, dhi, 1e-4), "z {z} dhi {} vs {dhi}", cs.dhi);
        }
    }

    #[test]
    fn ineichen_chain_and_night() {
        // Chain through this module's own air mass at the reference site.
        let p = pressure_from_elevation_hpa(1300.0);
        let am = airmass_absolute(airmass_relative_kasten_young(50.0), p);
        let cs = ineichen_perez(50.0, am, 3.0, 1300.0, 1330.0);
        // Same as the pvlib row above to the pressure difference (870 vs 866.5 hPa).
        assert!(close(cs.ghi, 662.96, 1.0), "{cs:?}");
        assert!(close(cs.ghi, cs.dhi + cs.dni * 50f64.to_radians().cos(), 1e-9));
        // Night and garbage inputs give zeros, never NaN.
        assert_eq!(ineichen_perez(90.0, 38.0, 3.0, 0.0, 1366.0), ClearSky::default());
        assert_eq!(ineichen_perez(120.0, f64::INFINITY, 3.0, 0.0, 1366.0), ClearSky::default());
        for &(z, am, tl, h, de) in &[
            (10.0, 0.0, 1.0, -1.0e9, 1.0e300),
            (89.999, 1.0e300, -1.0e300, 1.0e9, 1366.0),
            (-10.0, 1.0, 0.0, 0.0, -5.0),
        ] {
            let cs = ineichen_perez(z, am, tl, h, de);
            assert!(cs.ghi.is_finite() && cs.dni.is_finite() && cs.dhi.is_finite(), "{cs:?}");
        }
    }

    #[test]
    fn haurwitz_matches_pvlib() {
        // pvlib 0.16.1 clearsky.haurwitz(pd.Series(z)).
        for &(z, want) in
            &[(0.0, 1035.092033), (30.0, 888.271335), (60.0, 487.894133), (85.0, 48.629869), (89.5, 0.011096)]
        {
            assert!(close(haurwitz(z), want, 1e-5), "z {z}: {}", haurwitz(z));
        }
        assert_eq!(haurwitz(90.0), 0.0);
        assert_eq!(haurwitz(135.0), 0.0);
    }

    #[test]
    fn linke_default_matches_source_month_by_month() {
        for (i, &(month, value)) in LINKE_TURBIDITY_SOURCE_MONTHLY.iter().enumerate() {
            assert_eq!(month as usize, i + 1, "source table out of order");
            assert_eq!(LINKE_TURBIDITY_DEFAULT_MONTHLY[i], value, "month {month}");
        }
        // The climatology's seasonal shape at this site: clearest in
        // winter (Dec–Feb ≤ 1.65), most turbid in late summer (August).
        let max = LINKE_TURBIDITY_DEFAULT_MONTHLY.iter().cloned().fold(0.0, f64::max);
        assert_eq!(LINKE_TURBIDITY_DEFAULT_MONTHLY[7], max);
        assert!([0, 1, 11].iter().all(|&m| LINKE_TURBIDITY_DEFAULT_MONTHLY[m] <= 1.65));
    }

    #[test]
    fn linke_default_is_plausible() {
        for &t in &LINKE_TURBIDITY_DEFAULT_MONTHLY {
            assert!((1.0..=7.0).contains(&t));
        }
    }
}
