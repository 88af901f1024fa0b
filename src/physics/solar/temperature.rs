//! Module cell-temperature models: Sandia Array Performance Model (SAPM)
//! and the PVsyst heat-loss-factor model.
//!
//! Sources: D. L. King, W. E. Boyson, J. A. Kratochvil, "Photovoltaic Array
//! Performance Model", Sandia report SAND2004-3535, 2004, Eq. 11 (back-of-
//! module temperature) and Eq. 12 (cell temperature), with the empirical
//! coefficients of its Table 1; PVsyst 6/7 user's manual, "Array thermal
//! losses" (Faiman-type U = U_c + U_v·v energy balance, defaults U_c = 29
//! W/m²K, U_v = 0, α = 0.9, η = 0.1 as in pvlib `pvsyst_cell`).
//!
//! What it is not: steady-state only (no thermal mass / transient smoothing,
//! e.g. the Prilliman 2020 filter), no sky-radiative cooling term, no
//! mounting-geometry (NOCT/Fuentes) model; wind speed is taken as given at
//! the height the coefficients were fitted for (10 m for SAPM Table 1, module
//! height for PVsyst).

/// SAPM temperature coefficients (King et al. 2004, Eq. 11–12).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SapmParams {
    /// Upper limit of module temperature at low wind, high irradiance (ln).
    pub a: f64,
    /// Rate of temperature decrease with wind speed, s/m.
    pub b: f64,
    /// Cell-to-back-of-module temperature difference at 1000 W/m², °C.
    pub delta_t: f64,
}

impl SapmParams {
    /// Glass/cell/glass, open rack: a = −3.47, b = −0.0594, ΔT = 3 °C
    /// (King et al. 2004, Table 1).
    pub const OPEN_RACK_GLASS_GLASS: Self = Self { a: -3.47, b: -0.0594, delta_t: 3.0 };
    /// Glass/cell/polymer sheet, open rack: a = −3.56, b = −0.075,
    /// ΔT = 3 °C (King et al. 2004, Table 1).
    pub const OPEN_RACK_GLASS_POLYMER: Self = Self { a: -3.56, b: -0.075, delta_t: 3.0 };
    /// Glass/cell/glass, close roof mount: a = −2.98, b = −0.0471,
    /// ΔT = 1 °C (King et al. 2004, Table 1).
    pub const CLOSE_MOUNT_GLASS_GLASS: Self = Self { a: -2.98, b: -0.0471, delta_t: 1.0 };
    /// Glass/cell/polymer sheet, insulated back: a = −2.81, b = −0.0455,
    /// ΔT = 0 °C (King et al. 2004, Table 1).
    pub const INSULATED_BACK_GLASS_POLYMER: Self = Self { a: -2.81, b: -0.0455, delta_t: 0.0 };

    /// The Table 1 sets by name, as scenario files spell them.
    pub const MOUNTINGS: [(&'static str, Self); 4] = [
        ("open-rack-glass-glass", Self::OPEN_RACK_GLASS_GLASS),
        ("close-mount-glass-glass", Self::CLOSE_MOUNT_GLASS_GLASS),
        ("open-rack-glass-polymer", Self::OPEN_RACK_GLASS_POLYMER),
        ("insulated-back-glass-polymer", Self::INSULATED_BACK_GLASS_POLYMER),
    ];
}

/// SAPM reference irradiance for the ΔT term, W/m² (King et al. 2004 Eq. 12).
const SAPM_E0_W_M2: f64 = 1000.0;

/// SAPM cell temperature, °C:
/// T_m = E·exp(a + b·WS) + T_a (Eq. 11); T_c = T_m + E/E0·ΔT (Eq. 12).
///
/// Negative wind speeds are treated as 0 and the exponent is capped at 50 so
/// user coefficients cannot overflow to ∞·0 = NaN; irrelevant for the
/// published coefficient sets.
pub fn cell_temperature_sapm(poa_w_m2: f64, temp_air_c: f64, wind_speed_m_s: f64, p: SapmParams) -> f64 {
    cell_temperature_sapm_factor(poa_w_m2, temp_air_c, sapm_wind_factor(wind_speed_m_s, p.a, p.b), p.delta_t)
}

/// The wind term of [`cell_temperature_sapm`], exp(a + b·WS): the same for
/// every fleet of a site with the same coefficients, so it can be computed
/// once per site and hour.
#[inline]
pub fn sapm_wind_factor(wind_speed_m_s: f64, a: f64, b: f64) -> f64 {
    (a + b * wind_speed_m_s.max(0.0)).min(50.0).exp()
}

/// [`cell_temperature_sapm`] with its wind term given (from
/// [`sapm_wind_factor`]).
#[inline]
pub fn cell_temperature_sapm_factor(poa_w_m2: f64, temp_air_c: f64, wind_factor: f64, delta_t: f64) -> f64 {
    let t_module = poa_w_m2 * wind_factor + temp_air_c;
    let t = t_module + poa_w_m2 / SAPM_E0_W_M2 * delta_t;
    if t.is_finite() { t } else { temp_air_c }
}

/// PVsyst cell temperature, °C:
/// T_c = T_a + α·E·(1 − η) / (U_c + U_v·WS).
///
/// Typical free-standing values: `u_c` 29 W/m²K, `u_v` 0 W·s/m³K,
/// `module_efficiency` 0.1, `alpha_absorption` 0.9 (PVsyst manual defaults).
/// Negative wind speeds are treated as 0 and the heat-loss factor is floored
/// at 0.001 W/m²K so degenerate inputs cannot divide by zero.
pub fn cell_temperature_pvsyst(
    poa_w_m2: f64,
    temp_air_c: f64,
    wind_speed_m_s: f64,
    u_c: f64,
    u_v: f64,
    module_efficiency: f64,
    alpha_absorption: f64,
) -> f64 {
    let u = (u_c + u_v * wind_speed_m_s.max(0.0)).max(1e-3);
    let t = temp_air_c + alpha_absorption * poa_w_m2 * (1.0 - module_efficiency) / u;
    if t.is_finite() { t } else { temp_air_c }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_pvlib() {
        // pvlib 0.16.1 temperature.sapm_cell(E, Ta, WS, a, b, deltaT) for
        // glass/glass and glass/polymer; pvsyst_cell(E, Ta, WS) with defaults
        // and with (u_c=25, u_v=1.2, module_efficiency=0.2, alpha=0.85).
        #[rustfmt::skip]
        let cases = [
            (1000.0, 25.0, 1.0, 57.322504093, 54.383934387, 52.931034483, 50.954198473),
            (800.0, 10.0, 3.0, 33.230363953, 30.567090221, 32.344827586, 29.020979021),
            (300.0, -5.0, 0.0, 5.235109198, 4.431647414, 3.379310345, 3.16),
            (0.0, 15.0, 5.0, 15.0, 15.0, 15.0, 15.0),
            (1100.0, 40.0, 10.0, 62.198176932, 58.076904554, 70.724137931, 60.216216216),
        ];
        for &(e, ta, ws, gg, gp, pv, pv2) in &cases {
            let a = cell_temperature_sapm(e, ta, ws, SapmParams::OPEN_RACK_GLASS_GLASS);
            let b = cell_temperature_sapm(e, ta, ws, SapmParams::OPEN_RACK_GLASS_POLYMER);
            let c = cell_temperature_pvsyst(e, ta, ws, 29.0, 0.0, 0.1, 0.9);
            let d = cell_temperature_pvsyst(e, ta, ws, 25.0, 1.2, 0.2, 0.85);
            assert!((a - gg).abs() < 1e-8, "{e} {ta} {ws}: sapm gg {a} vs {gg}");
            assert!((b - gp).abs() < 1e-8, "{e} {ta} {ws}: sapm gp {b} vs {gp}");
            assert!((c - pv).abs() < 1e-8, "{e} {ta} {ws}: pvsyst {c} vs {pv}");
            assert!((d - pv2).abs() < 1e-8, "{e} {ta} {ws}: pvsyst2 {d} vs {pv2}");
        }
    }

    #[test]
    fn mounting_presets_match_king_2004_eq_11_12() {
        // Hand-computed from Eq. 11–12 with the Table 1 coefficients:
        // close mount glass/glass 1000·e^(−2.98−0.0471) + 25 + 1 = 74.455957,
        // 800·e^(−2.98−0.0471·3) + 10 + 0.8 = 46.079841; insulated back
        // glass/polymer 1000·e^(−2.81−0.0455) + 25 = 82.527050,
        // 800·e^(−2.81−0.0455·3) + 10 = 52.018573.
        let cm = SapmParams::CLOSE_MOUNT_GLASS_GLASS;
        let ib = SapmParams::INSULATED_BACK_GLASS_POLYMER;
        assert!((cell_temperature_sapm(1000.0, 25.0, 1.0, cm) - 74.455957).abs() < 1e-6);
        assert!((cell_temperature_sapm(800.0, 10.0, 3.0, cm) - 46.079841).abs() < 1e-6);
        assert!((cell_temperature_sapm(1000.0, 25.0, 1.0, ib) - 82.527050).abs() < 1e-6);
        assert!((cell_temperature_sapm(800.0, 10.0, 3.0, ib) - 52.018573).abs() < 1e-6);
        assert_eq!(SapmParams::MOUNTINGS[0].1, SapmParams::OPEN_RACK_GLASS_GLASS);
    }

    #[test]
    fn degenerate_inputs_are_finite() {
        let wild = SapmParams { a: 1e300, b: 1e300, delta_t: 1e300 };
        for &(e, ta, ws) in &[(0.0, 20.0, -1e300), (1e308, 1e308, 1e308), (-1e308, 0.0, 0.0)] {
            assert!(cell_temperature_sapm(e, ta, ws, wild).is_finite());
            assert!(cell_temperature_sapm(e, ta, ws, SapmParams::OPEN_RACK_GLASS_GLASS).is_finite());
            assert!(cell_temperature_pvsyst(e, ta, ws, 0.0, 0.0, 0.1, 0.9).is_finite());
            assert!(cell_temperature_pvsyst(e, ta, ws, -5.0, -1.0, 2.0, 1e300).is_finite());
        }
    }
}
