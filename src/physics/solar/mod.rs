//! Solar resource physics for `renewplan`: sun position, clear-sky
//! irradiance, decomposition/transposition to the plane of array, single-axis
//! tracking and cell temperature — the per-site-hour chain that turns a time
//! and place into module-plane irradiance and cell temperature.
//!
//! The chain, for one site-hour:
//! 1. [`spa::solar_position`] (NREL SPA, Reda & Andreas 2004) → apparent
//!    (refraction-corrected) zenith and azimuth; [`spa::unix_seconds`] turns
//!    local civil time at a fixed UTC offset into the UTC instant.
//! 2. [`clearsky::pressure_from_elevation_hpa`] →
//!    [`clearsky::airmass_relative_kasten_young`] →
//!    [`clearsky::airmass_absolute`] → [`clearsky::ineichen_perez`] (with
//!    [`clearsky::extraterrestrial_normal_w_m2`] and a Linke turbidity) gives
//!    clear-sky GHI/DNI/DHI; [`clearsky::haurwitz`] is the zenith-only
//!    comparison model.
//! 3. Measured or sampled GHI can be split with [`irradiance::erbs`].
//! 4. Module orientation is fixed, or from [`tracking::single_axis`].
//! 5. [`irradiance::poa`] transposes to the plane of array (isotropic or
//!    Hay–Davies sky + ground reflection); [`irradiance::iam_ashrae`] /
//!    [`irradiance::iam_physical`] give the optical loss of the beam.
//! 6. [`temperature::cell_temperature_sapm`] /
//!    [`temperature::cell_temperature_pvsyst`] give cell temperature.
//! 7. [`inverter::pvwatts_ac`] (PVWatts v5 part-load curve) or
//!    [`inverter::curve_ac`] (tabulated) turn DC into AC power.
//!
//! Conventions throughout: angles in degrees; azimuths measured from north,
//! clockwise (east = 90, south = 180); irradiance in W/m²; temperature in °C;
//! pressure in hPa. Clear-sky models, air mass and transposition take the
//! *apparent* (refraction-corrected) zenith, i.e.
//! [`spa::SolarPosition::zenith_deg`]. Every function is panic-free and
//! returns finite numbers for finite inputs; with the sun below the horizon
//! clear-sky and beam outputs are zero (air mass is `f64::INFINITY`).
//!
//! Sources are cited per file; numerical results are checked in the unit
//! tests against the SPA report's worked example and against pvlib-python
//! 0.16.1. What this module is not: a weather generator, a PV electrical
//! (I–V) model, a voltage-dependent inverter model, or a shading / bifacial / spectral model.

pub mod clearsky;
pub mod inverter;
pub mod irradiance;
pub mod spa;
pub mod temperature;
pub mod tracking;

pub use clearsky::{
    ClearSky, LINKE_TURBIDITY_DEFAULT_MONTHLY, airmass_absolute, airmass_relative_kasten_young,
    extraterrestrial_normal_w_m2, haurwitz, ineichen_perez, pressure_from_elevation_hpa,
};
pub use irradiance::{Poa, SkyModel, erbs, iam_ashrae, iam_physical, poa};
pub use spa::{SolarPosition, SpaInput, incidence_angle_deg, solar_position, unix_seconds};
pub use temperature::{SapmParams, cell_temperature_pvsyst, cell_temperature_sapm};
pub use tracking::{TrackerState, single_axis};

#[cfg(test)]
mod tests {
    use super::*;

    /// Whole chain for one hour against pvlib 0.16.1, each step done with
    /// the pvlib counterpart: spa.solar_position_numpy (37.885 N, 105.403 E,
    /// 1300 m, p = alt2pres(1300), 12 °C, ΔT 69 s) at 2024-06-21 10:00 UTC+8;
    /// get_absolute_airmass(get_relative_airmass(z), p); ineichen(TL 2.75,
    /// 1300 m, get_extra_radiation(173)); singleaxis(0, 180, 60, True, 0.35);
    /// get_total_irradiance(..., albedo 0.2, 'haydavies'); sapm_cell(25 °C,
    /// 2 m/s, glass/glass); iam.physical(aoi).
    #[test]
    fn chain_matches_pvlib() {
        let t = unix_seconds(2024, 6, 21, 10, 0, 0.0, 8.0);
        assert_eq!(t, 1_718_935_200.0);
        let p_hpa = pressure_from_elevation_hpa(1300.0);
        let sp = solar_position(&SpaInput {
            unix_seconds_utc: t,
            latitude_deg: 37.885,
            longitude_deg: 105.403,
            elevation_m: 1300.0,
            pressure_hpa: p_hpa,
            temperature_c: 12.0,
            delta_t_s: 69.0,
            atmos_refraction_deg: 0.5667,
        });
        assert!((sp.zenith_deg - 40.894091204).abs() < 1e-6);
        assert!((sp.azimuth_deg - 97.377519796).abs() < 1e-6);
        let am = airmass_absolute(airmass_relative_kasten_young(sp.zenith_deg), p_hpa);
        assert!((am - 1.130255285).abs() < 1e-8);
        let i0 = extraterrestrial_normal_w_m2(173);
        assert!((i0 - 1321.458422975).abs() < 1e-6);
        // The reference chain was computed with TL = 2.75 (a literal, not the
        // default table, which issue 16 corrected).
        let cs = ineichen_perez(sp.zenith_deg, am, 2.75, 1300.0, i0);
        assert!((cs.ghi - 804.124315787).abs() < 1e-4, "{cs:?}");
        assert!((cs.dni - 946.444191011).abs() < 1e-4, "{cs:?}");
        assert!((cs.dhi - 88.687288574).abs() < 1e-4, "{cs:?}");
        let tr = single_axis(sp.zenith_deg, sp.azimuth_deg, 0.0, 180.0, 60.0, 0.35, true);
        assert!((tr.rotation_deg - -40.658530261).abs() < 1e-6, "{tr:?}");
        assert!((tr.aoi_deg - 4.822143995).abs() < 1e-6, "{tr:?}");
        let p = poa(
            SkyModel::HayDavies,
            tr.surface_tilt_deg,
            tr.surface_azimuth_deg,
            sp.zenith_deg,
            sp.azimuth_deg,
            cs.dni,
            cs.ghi,
            cs.dhi,
            i0,
            0.2,
        );
        assert!((p.global - 1068.366971792).abs() < 1e-3, "{p:?}");
        assert!((p.direct - 943.094199311).abs() < 1e-3, "{p:?}");
        let tc = cell_temperature_sapm(p.global, 25.0, 2.0, SapmParams::OPEN_RACK_GLASS_GLASS);
        assert!((tc - 57.725649028).abs() < 1e-4, "{tc}");
        let m = iam_physical(tr.aoi_deg, 1.526, 4.0, 2.0);
        assert!((m - 0.999986941135).abs() < 1e-9, "{m}");
    }

    /// Sweep a full year hourly at the reference site: every output finite,
    /// no irradiance at night, and the clear-sky chain bounded by I0.
    #[test]
    fn year_sweep_is_finite_and_dark_at_night() {
        let start = unix_seconds(2024, 1, 1, 0, 30, 0.0, 8.0);
        for h in 0..(366 * 24) {
            let t = start + f64::from(h) * 3600.0;
            let doy = h / 24 + 1;
            let sp = solar_position(&SpaInput::new(t, 37.885, 105.403));
            let am = airmass_absolute(airmass_relative_kasten_young(sp.zenith_deg), 870.0);
            let i0 = extraterrestrial_normal_w_m2(doy);
            let cs = ineichen_perez(sp.zenith_deg, am, 2.5, 1300.0, i0);
            let (dni, dhi, kt) = erbs(cs.ghi, sp.zenith_deg, i0);
            let tr = single_axis(sp.zenith_deg, sp.azimuth_deg, 0.0, 180.0, 60.0, 0.35, true);
            let p = poa(
                SkyModel::HayDavies,
                tr.surface_tilt_deg,
                tr.surface_azimuth_deg,
                sp.zenith_deg,
                sp.azimuth_deg,
                dni,
                cs.ghi,
                dhi,
                i0,
                0.2,
            );
            let tc = cell_temperature_pvsyst(p.global, 10.0, 2.0, 29.0, 0.0, 0.1, 0.9);
            for v in [cs.ghi, cs.dni, cs.dhi, dni, dhi, kt, p.global, tc, tr.aoi_deg] {
                assert!(v.is_finite(), "hour {h}");
            }
            assert!(cs.ghi >= 0.0 && cs.dni >= 0.0 && cs.dhi >= 0.0, "hour {h}: {cs:?}");
            assert!(cs.dni <= i0 && p.global <= 1.5 * i0, "hour {h}");
            if sp.zenith_deg >= 90.0 {
                assert_eq!((cs.ghi, p.global, tr.rotation_deg), (0.0, 0.0, 0.0), "hour {h}");
            }
        }
    }
}
