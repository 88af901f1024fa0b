//! Horizontal/tilted single-axis tracker orientation with optional
//! backtracking: rotation angle, resulting surface tilt/azimuth and angle of
//! incidence for a given sun position.
//!
//! Sources: W. F. Marion and A. P. Dobos, "Rotation angle for the optimum
//! tracking of one-axis trackers", NREL/TP-6A20-58891, 2013 (Eq. 7 ideal
//! rotation; Eqs. 1–4 surface tilt and azimuth, here computed from the
//! rotated unit normal); K. Anderson and M. Mikofski, "Slope-aware
//! backtracking for single-axis trackers", NREL/TP-5K00-76626, 2020
//! (specialised to zero cross-axis slope: the true-tracking angle is
//! reduced by arccos(|cos θ|/GCR) whenever that argument is below 1).
//! Sign conventions follow pvlib-python 0.16 `pvlib.tracking.singleaxis`:
//! rotation is right-handed about the axis pointing toward
//! `axis_azimuth`, so for a north–south axis (azimuth 180) negative angles
//! face east and positive angles face west; a horizontal surface is reported
//! with azimuth `axis_azimuth − 90`.
//!
//! What it is not: no cross-axis ground slope, no asymmetric limits, no
//! wind-stow or night-stow schedules beyond "sun below horizon → rotation 0",
//! no dual-axis tracking, and no shading/irradiance losses (see
//! [`super::irradiance`]).

use super::spa::incidence_angle_deg;

/// Tracker orientation for one time step. Degrees; azimuths from north
/// clockwise.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TrackerState {
    /// Rotation about the axis from its zero (normal in the vertical plane
    /// through the axis); negative toward `axis_azimuth − 90`.
    pub rotation_deg: f64,
    /// Module surface tilt from horizontal, 0..=180.
    pub surface_tilt_deg: f64,
    /// Module surface azimuth, 0..360.
    pub surface_azimuth_deg: f64,
    /// Angle of incidence between sun and module normal, 0..=180.
    pub aoi_deg: f64,
}

/// Single-axis tracker position.
///
/// * `solar_zenith_deg`, `solar_azimuth_deg` – apparent sun position.
/// * `axis_tilt_deg` – tilt of the rotation axis from horizontal; positive
///   lowers the end of the axis that points toward `axis_azimuth_deg`, so at
///   rotation 0 the modules face `axis_azimuth_deg` (0 for a horizontal
///   single-axis tracker).
/// * `axis_azimuth_deg` – compass direction of the axis (180 = N–S axis,
///   modules rotate east–west).
/// * `max_angle_deg` – rotation limit, symmetric ±|max_angle_deg|.
/// * `gcr` – ground coverage ratio (module width / row pitch) for
///   backtracking; `gcr <= 0` disables backtracking.
/// * `backtrack` – avoid row-to-row shading (Anderson & Mikofski 2020).
///
/// When the sun is below the horizon (apparent zenith > 90°) the tracker
/// stows flat at rotation 0 (pvlib returns NaN there); the AOI is still
/// reported for that orientation. Never panics; finite for finite input.
pub fn single_axis(
    solar_zenith_deg: f64,
    solar_azimuth_deg: f64,
    axis_tilt_deg: f64,
    axis_azimuth_deg: f64,
    max_angle_deg: f64,
    gcr: f64,
    backtrack: bool,
) -> TrackerState {
    let (sin_t, cos_t) = axis_tilt_deg.to_radians().sin_cos();
    let (sin_aa, cos_aa) = axis_azimuth_deg.to_radians().sin_cos();

    let rotation = if solar_zenith_deg > 90.0 {
        0.0
    } else {
        // Marion & Dobos 2013 Eq. 7: ideal rotation = atan2 of the sun
        // vector's components along the horizontal cross-axis direction and
        // along the rotation-zero normal.
        let (sin_z, cos_z) = solar_zenith_deg.to_radians().sin_cos();
        let (sin_d, cos_d) = (solar_azimuth_deg - axis_azimuth_deg).to_radians().sin_cos();
        let ideal = (sin_z * sin_d).atan2(sin_z * cos_d * sin_t + cos_z * cos_t).to_degrees();
        let mut theta = ideal;
        if backtrack && gcr > 0.0 {
            // Anderson & Mikofski 2020 backtracking with cross-axis tilt 0:
            // row pitch / module width = 1/GCR; |cos| handles the rare
            // sun-below-array case (pvlib GH 824).
            let temp = ideal.to_radians().cos().abs() / gcr;
            if temp < 1.0 {
                theta = ideal - ideal.signum() * temp.acos().to_degrees();
                if ideal == 0.0 {
                    theta = ideal;
                }
            }
        }
        let m = max_angle_deg.abs();
        // Not f64::clamp: that panics on NaN bounds.
        theta.max(-m).min(m)
    };
    let theta = if rotation.is_finite() { rotation } else { 0.0 };

    // Unit normal of the rotated module: cosθ·n0 + sinθ·x', with n0 the
    // rotation-zero normal (tilted by the axis tilt toward axis_azimuth) and
    // x' the horizontal unit vector 90° clockwise from the axis.
    let (sin_r, cos_r) = theta.to_radians().sin_cos();
    let nx = cos_r * sin_t * sin_aa + sin_r * cos_aa; // east
    let ny = cos_r * sin_t * cos_aa - sin_r * sin_aa; // north
    let nz = cos_r * cos_t; // up
    let surface_tilt = nz.clamp(-1.0, 1.0).acos().to_degrees();
    let horizontal = nx.hypot(ny);
    let az = if horizontal < 1e-12 { axis_azimuth_deg - 90.0 } else { nx.atan2(ny).to_degrees() };
    let mut surface_azimuth = az.rem_euclid(360.0);
    if !(0.0..360.0).contains(&surface_azimuth) {
        surface_azimuth = 0.0;
    }
    let aoi = incidence_angle_deg(solar_zenith_deg, solar_azimuth_deg, surface_tilt, surface_azimuth);
    TrackerState {
        rotation_deg: theta,
        surface_tilt_deg: surface_tilt,
        surface_azimuth_deg: surface_azimuth,
        aoi_deg: if aoi.is_finite() { aoi } else { 90.0 },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// pvlib 0.16.1 tracking.singleaxis(zen, az, axis_tilt, axis_azimuth,
    /// max_angle, backtrack, gcr). Columns: zenith, azimuth, axis tilt, axis
    /// azimuth, max angle, gcr, backtrack, tracker_theta, surface_tilt,
    /// surface_azimuth, aoi.
    #[allow(clippy::type_complexity)]
    #[rustfmt::skip]
    const PVLIB: [(f64, f64, f64, f64, f64, f64, bool, f64, f64, f64, f64); 36] = [
        (30.0, 120.0, 0.0, 180.0, 60.0, 0.35, true, -26.5650512, 26.5650512, 90.0000000, 14.4775122),
        (30.0, 120.0, 0.0, 180.0, 60.0, 0.35, false, -26.5650512, 26.5650512, 90.0000000, 14.4775122),
        (30.0, 120.0, 10.0, 170.0, 50.0, 0.5, true, -22.8561969, 24.8401625, 102.3897582, 9.5627324),
        (
            30.0, 120.0, 0.0, 0.0, 90.0, 0.4, true, 26.5650512, 26.5650512, 90.0000000, 14.4775122,
        ),
        (60.0, 100.0, 0.0, 180.0, 60.0, 0.35, true, -59.6187449, 59.6187449, 90.0000000, 8.6491651),
        (60.0, 100.0, 0.0, 180.0, 60.0, 0.35, false, -59.6187449, 59.6187449, 90.0000000, 8.6491651),
        (60.0, 100.0, 10.0, 170.0, 50.0, 0.5, true, -50.0000000, 50.7265498, 88.2901202, 13.3500334),
        (
            60.0, 100.0, 0.0, 0.0, 90.0, 0.4, true, 59.6187449, 59.6187449, 90.0000000, 8.6491651,
        ),
        (80.0, 95.0, 0.0, 180.0, 60.0, 0.35, true, -19.8287174, 19.8287174, 90.0000000, 60.2552037),
        (80.0, 95.0, 0.0, 180.0, 60.0, 0.35, false, -60.0000000, 60.0000000, 90.0000000, 20.5367781),
        (80.0, 95.0, 10.0, 170.0, 50.0, 0.5, true, -13.4445649, 16.7006129, 115.9943588, 64.4980719),
        (
            80.0, 95.0, 0.0, 0.0, 90.0, 0.4, true, 15.7942312, 15.7942312, 90.0000000, 64.2706604,
        ),
        (85.0, 260.0, 0.0, 180.0, 60.0, 0.35, true, 9.5681910, 9.5681910, 270.0000000, 75.5806841),
        (85.0, 260.0, 0.0, 180.0, 60.0, 0.35, false, 60.0000000, 60.0000000, 270.0000000, 26.7217216),
        (85.0, 260.0, 10.0, 170.0, 50.0, 0.5, true, 4.9612695, 11.1518443, 196.5606867, 80.1154589),
        (85.0, 260.0, 0.0, 0.0, 90.0, 0.4, true, -7.7042327, 7.7042327, 270.0000000, 77.4149051),
        (
            20.0, 180.0, 0.0, 180.0, 60.0, 0.35, true, 0.0000000, 0.0000000, 90.0000000, 20.0000000,
        ),
        (
            20.0, 180.0, 0.0, 180.0, 60.0, 0.35, false, 0.0000000, 0.0000000, 90.0000000,
            20.0000000,
        ),
        (20.0, 180.0, 10.0, 170.0, 50.0, 0.5, true, 3.4543356, 10.5740720, 189.1682101, 9.7024229),
        (20.0, 180.0, 0.0, 0.0, 90.0, 0.4, true, 0.0000000, 0.0000000, 270.0000000, 20.0000000),
        (70.0, 240.0, 0.0, 180.0, 60.0, 0.35, true, 60.0000000, 60.0000000, 270.0000000, 28.8626317),
        (70.0, 240.0, 0.0, 180.0, 60.0, 0.35, false, 60.0000000, 60.0000000, 270.0000000, 28.8626317),
        (70.0, 240.0, 10.0, 170.0, 50.0, 0.5, true, 30.3772301, 31.8309271, 243.4982968, 38.2546138),
        (70.0, 240.0, 0.0, 0.0, 90.0, 0.4, true, -52.8133343, 52.8133343, 270.0000000, 31.2347014),
        (
            89.0, 80.0, 0.0, 180.0, 60.0, 0.35, true, -1.8868755, 1.8868755, 90.0000000, 87.1418169,
        ),
        (89.0, 80.0, 0.0, 180.0, 60.0, 0.35, false, -60.0000000, 60.0000000, 90.0000000, 30.5185451),
        (89.0, 80.0, 10.0, 170.0, 50.0, 0.5, true, -0.9851019, 10.0479128, 164.3449007, 88.0300964),
        (
            89.0, 80.0, 0.0, 0.0, 90.0, 0.4, true, 1.5238334, 1.5238334, 90.0000000, 87.4993331,
        ),
        (45.0, 300.0, 0.0, 180.0, 60.0, 0.35, true, 40.8933946, 40.8933946, 270.0000000, 20.7048111),
        (45.0, 300.0, 0.0, 180.0, 60.0, 0.35, false, 40.8933946, 40.8933946, 270.0000000, 20.7048111),
        (45.0, 300.0, 10.0, 170.0, 50.0, 0.5, true, 41.2603233, 42.2429659, 248.8038312, 34.7782708),
        (45.0, 300.0, 0.0, 0.0, 90.0, 0.4, true, -40.8933946, 40.8933946, 270.0000000, 20.7048111),
        (
            10.0, 30.0, 0.0, 180.0, 60.0, 0.35, true, -5.0383688, 5.0383688, 90.0000000, 8.6491651,
        ),
        (
            10.0, 30.0, 0.0, 180.0, 60.0, 0.35, false, -5.0383688, 5.0383688, 90.0000000, 8.6491651,
        ),
        (10.0, 30.0, 10.0, 170.0, 50.0, 0.5, true, -6.7239756, 12.0312683, 135.8257226, 17.5784518),
        (
            10.0, 30.0, 0.0, 0.0, 90.0, 0.4, true, 5.0383688, 5.0383688, 90.0000000, 8.6491651,
        ),
    ];

    #[test]
    fn matches_pvlib_singleaxis() {
        for &(z, a, at, aa, ma, gcr, bt, th, tilt, saz, aoi) in &PVLIB {
            let s = single_axis(z, a, at, aa, ma, gcr, bt);
            let tag = format!("z {z} a {a} axis {at}/{aa} max {ma} gcr {gcr} bt {bt}");
            assert!((s.rotation_deg - th).abs() < 1e-6, "{tag}: rot {} vs {th}", s.rotation_deg);
            assert!((s.surface_tilt_deg - tilt).abs() < 1e-6, "{tag}: tilt {}", s.surface_tilt_deg);
            assert!((s.surface_azimuth_deg - saz).abs() < 1e-6, "{tag}: az {}", s.surface_azimuth_deg);
            assert!((s.aoi_deg - aoi).abs() < 1e-6, "{tag}: aoi {} vs {aoi}", s.aoi_deg);
        }
    }

    #[test]
    fn stows_at_night() {
        // pvlib calc_surface_orientation(0, 10, 170) = tilt 10, az 170;
        // irradiance.aoi(10, 170, 100, 300) = 106.31591049.
        let s = single_axis(100.0, 300.0, 10.0, 170.0, 60.0, 0.4, true);
        assert_eq!(s.rotation_deg, 0.0);
        assert!((s.surface_tilt_deg - 10.0).abs() < 1e-9);
        assert!((s.surface_azimuth_deg - 170.0).abs() < 1e-9);
        assert!((s.aoi_deg - 106.315_910_49).abs() < 1e-6);
        // Horizontal axis stowed flat: azimuth axis − 90 (pvlib convention).
        let s = single_axis(120.0, 0.0, 0.0, 180.0, 60.0, 0.4, false);
        assert_eq!((s.rotation_deg, s.surface_tilt_deg, s.surface_azimuth_deg), (0.0, 0.0, 90.0));
    }

    #[test]
    fn backtracking_never_exceeds_true_tracking_and_is_finite() {
        for zi in 0..=90 {
            for ai in 0..36 {
                let (z, a) = (f64::from(zi), f64::from(ai) * 10.0);
                let t = single_axis(z, a, 0.0, 180.0, 60.0, 0.4, false);
                let b = single_axis(z, a, 0.0, 180.0, 60.0, 0.4, true);
                assert!(b.rotation_deg.abs() <= t.rotation_deg.abs() + 1e-9, "z {z} a {a}");
                assert!(t.rotation_deg.abs() <= 60.0);
            }
        }
        for &(z, a, at, aa, ma, gcr) in &[
            (89.9, 90.0, 0.0, 180.0, f64::MAX, 0.0),
            (1e300, -1e300, 1e300, -1e300, -5.0, -1.0),
            (0.0, 0.0, 90.0, 0.0, 90.0, 1e-300),
        ] {
            let s = single_axis(z, a, at, aa, ma, gcr, true);
            assert!(s.rotation_deg.is_finite() && s.surface_tilt_deg.is_finite());
            assert!(s.surface_azimuth_deg.is_finite() && s.aoi_deg.is_finite());
        }
    }
}
