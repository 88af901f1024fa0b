//! Inverter part-load efficiency: the PVWatts v5 curve and a tabulated
//! curve.
//!
//! Source: A. P. Dobos, "PVWatts Version 5 Manual", NREL/TP-6A20-62641,
//! National Renewable Energy Laboratory, 2014, inverter model (as
//! implemented by pvlib `inverter.pvwatts`):
//! η(ζ) = η_nom/η_ref·(−0.0162·ζ − 0.0059/ζ + 0.9858) with ζ = P_dc/P_dc0,
//! P_dc0 = P_ac0/η_nom and η_ref = 0.9637 (so that η(1) = η_nom);
//! P_ac = min(η·P_dc, P_ac0), never below 0 (η < 0 below ζ ≈ 0.006, where
//! pvlib's `inverter.pvwatts` also returns 0).
//!
//! What it is not: no night-time consumption, no voltage dependence (the
//! Sandia and ADR models need it), no temperature derating.

/// Reference efficiency of the PVWatts v5 curve (Dobos 2014): the value of
/// the bracket at ζ = 1.
pub const PVWATTS_ETA_REF: f64 = 0.9637;

/// PVWatts v5 part-load efficiency at ζ = P_dc/P_dc0 for a nominal
/// efficiency `eta_nom` (0 for ζ ≤ 0).
pub fn pvwatts_efficiency(zeta: f64, eta_nom: f64) -> f64 {
    if zeta > 0.0 { eta_nom / PVWATTS_ETA_REF * (-0.0162 * zeta - 0.0059 / zeta + 0.9858) } else { 0.0 }
}

/// AC power of an inverter (or a fleet of identical, equally loaded ones)
/// with AC rating `p_ac0` under DC input `p_dc`, PVWatts v5 model.
pub fn pvwatts_ac(p_dc: f64, p_ac0: f64, eta_nom: f64) -> f64 {
    if !(p_dc > 0.0 && p_ac0 > 0.0 && eta_nom > 0.0) {
        return 0.0;
    }
    let p_dc0 = p_ac0 / eta_nom;
    (pvwatts_efficiency(p_dc / p_dc0, eta_nom) * p_dc).clamp(0.0, p_ac0)
}

/// AC power with a tabulated efficiency: `efficiency(x)` of the DC input
/// per unit of the AC rating, x = P_dc/P_ac0; P_ac = min(η·P_dc, P_ac0).
pub fn curve_ac(p_dc: f64, p_ac0: f64, efficiency: impl Fn(f64) -> f64) -> f64 {
    if !(p_dc > 0.0 && p_ac0 > 0.0) {
        return 0.0;
    }
    (efficiency(p_dc / p_ac0) * p_dc).clamp(0.0, p_ac0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pvwatts_matches_dobos_2014() {
        // Hand-computed from Dobos 2014 with η_nom = 0.96 (the PVWatts
        // default): ζ = 1 → 0.96 exactly; ζ = 0.5 → 0.96·0.9659/0.9637 =
        // 0.962192; ζ = 0.2 → 0.96·0.95306/0.9637 = 0.949401; ζ = 0.1 →
        // 0.96·0.92518/0.9637 = 0.921628; ζ = 0.01 → 0.394119.
        for (z, want) in
            [(1.0, 0.96), (0.5, 0.962_191_553), (0.2, 0.949_400_851), (0.1, 0.921_627_892), (0.01, 0.394_119)]
        {
            assert!((pvwatts_efficiency(z, 0.96) - want).abs() < 1e-6, "ζ {z}: {}", pvwatts_efficiency(z, 0.96));
        }
        // 1 MWac inverter: P_dc0 = 1/0.96 MW. Half load → 0.5/0.96 MWdc in,
        // 0.962192·0.5/0.96 = 0.501141 MWac out; full DC rating → exactly
        // 1 MWac; over it → clipped.
        assert!((pvwatts_ac(0.5 / 0.96, 1.0, 0.96) - 0.501_141_434).abs() < 1e-8);
        assert!((pvwatts_ac(1.0 / 0.96, 1.0, 0.96) - 1.0).abs() < 1e-12);
        assert_eq!(pvwatts_ac(2.0, 1.0, 0.96), 1.0);
        // Below ζ ≈ 0.006 the curve is negative: output 0, as pvlib.
        assert_eq!(pvwatts_ac(0.005 / 0.96, 1.0, 0.96), 0.0);
        assert_eq!(pvwatts_ac(0.0, 1.0, 0.96), 0.0);
        assert_eq!(pvwatts_ac(1.0, 0.0, 0.96), 0.0);
    }

    #[test]
    fn curve_clips_and_guards() {
        assert_eq!(curve_ac(2.0, 1.0, |_| 0.97), 1.0);
        assert!((curve_ac(0.5, 1.0, |_| 0.97) - 0.485).abs() < 1e-12);
        assert_eq!(curve_ac(0.0, 0.0, |_| f64::NAN), 0.0);
    }
}
