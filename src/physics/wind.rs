//! Wind turbine and fleet power curves, hub-height shear extrapolation and air
//! density for `renewplan`.
//!
//! What it is: a tabulated, linearly interpolated power curve in per unit of
//! rated power ([`PowerCurve`]) with validation, three bundled generic curves,
//! the IEC 61400-12-1 (ed. 2, 2017) density normalisation for
//! pitch-regulated turbines, a multi-turbine (fleet) curve after Nørgaard &
//! Holttinen, "A multi-turbine power curve approach", Nordic Wind Power
//! Conference 2004 (Gaussian convolution of the single-turbine curve), a
//! uniform lookup table for the simulation hot loop ([`PowerCurveTable`]),
//! logarithmic and power-law shear, and ISA pressure / ideal-gas density
//! (ISO 2533:1975 standard atmosphere, also ICAO Doc 7488).
//!
//! Sources for the bundled curves: they are *generic*, not any manufacturer's
//! curve. Below rated they follow `P = ½·ρ·A·Cp·v³` with a constant electrical
//! power coefficient `Cp = 0.46`, derived from the NREL 5-MW reference turbine
//! (Jonkman et al. 2009, NREL/TP-500-38060: peak aerodynamic Cp 0.482 and
//! 94.4 % generator efficiency, 0.482 × 0.944 ≈ 0.455). The knee is rounded
//! with a p-norm soft minimum (exponent 10), an assumption standing in for
//! peak shaving and the Cp fall-off near rated; rotor size and rating are set
//! by a chosen specific power (W/m²) typical of the class.
//!
//! What it is not: no wake model, no availability or electrical losses, no
//! turbulence-intensity correction of the single-turbine curve, no storm
//! (high-wind ride-through) control, no hysteresis at cut-out, and the generic
//! curves are not warranted curves of any real turbine. Outputs are "before
//! losses"; callers apply loss factors themselves.

use std::fmt;

/// Standard sea-level air density (kg/m³) at which power curves are quoted
/// (ISO 2533:1975 standard atmosphere, 15 °C and 1013.25 hPa; IEC 61400-12-1
/// reference density).
pub const RHO_STANDARD_KG_M3: f64 = 1.225;

/// Specific gas constant of dry air, J/(kg·K) (ISO 2533:1975 / ICAO Doc 7488:
/// R* / M = 8.31432 / 0.0289644).
const R_DRY_AIR_J_KG_K: f64 = 287.05;

/// ISA sea-level pressure, hPa (ISO 2533:1975).
const ISA_P0_HPA: f64 = 1013.25;
/// ISA sea-level temperature, K (ISO 2533:1975).
const ISA_T0_K: f64 = 288.15;
/// ISA tropospheric lapse rate, K/m (ISO 2533:1975).
const ISA_LAPSE_K_M: f64 = 0.0065;
/// Barometric exponent g·M/(R*·L) = 9.80665 × 0.0289644 / (8.31432 × 0.0065)
/// (ISO 2533:1975 constants).
const ISA_BARO_EXPONENT: f64 = 5.255_88;
/// Offset between Celsius and Kelvin (SI definition).
const KELVIN_OFFSET: f64 = 273.15;

/// Electrical power coefficient below rated for the generic curves: NREL 5-MW
/// reference turbine peak aerodynamic Cp 0.482 × generator efficiency 0.944
/// (Jonkman et al. 2009, NREL/TP-500-38060),
/// rounded to 0.46.
const GENERIC_CP_ELECTRICAL: f64 = 0.46;
/// Soft-minimum exponent rounding the knee of the generic curves.
/// Assumption (not from a source): 10 gives ≈ 93 % of rated where the cubic
/// meets rated and ≥ 99 % at 8 % above that speed, similar in shape to
/// published pitch-regulated curves.
const GENERIC_KNEE_EXPONENT: f64 = 10.0;
/// Generic-curve powers are rounded to 1e-4 pu (as manufacturer tables are
/// rounded to whole kW), which also makes the rated plateau exactly 1.0.
const GENERIC_ROUNDING: f64 = 1e4;
/// Speed step of the bundled tables, m/s: the 0.5 m/s bin width of
/// IEC 61400-12-1 power-curve reporting.
const GENERIC_STEP_M_S: f64 = 0.5;
/// Cut-in speed of all generic curves, m/s: the common value for modern
/// utility-scale turbines (NREL 5-MW and IEA 15-MW reference turbines both
/// use 3 m/s; Jonkman et al. 2009; Gaertner et al. 2020, NREL/TP-5000-75698).
const GENERIC_CUT_IN_M_S: f64 = 3.0;

/// Upper end of [`PowerCurveTable`]'s grid, m/s. No commercial turbine
/// operates above this (cut-out speeds are 20–34 m/s); assumption.
const TABLE_MAX_M_S: f64 = 40.0;
/// Grid step of [`PowerCurveTable`], m/s (chosen so the linear-interpolation
/// error on the bundled curves is far below 1e-3 pu).
const TABLE_STEP_M_S: f64 = 0.01;

/// Output grid step of [`PowerCurve::smoothed`], m/s (choice: fine enough
/// that re-interpolating the smooth fleet curve loses < 1e-4 pu).
const SMOOTH_STEP_M_S: f64 = 0.1;
/// Half-width of the Gaussian kernel in standard deviations (choice: the
/// neglected tail mass beyond 6σ is 2e-9).
const SMOOTH_HALF_WIDTH_SIGMAS: f64 = 6.0;
/// Quadrature points per standard deviation for the kernel (choice).
const SMOOTH_POINTS_PER_SIGMA: f64 = 40.0;
/// Smoothed values below this are written as exact zero (numerical dust).
const SMOOTH_ZERO_PU: f64 = 1e-7;

/// Spread floor of [`fleet_smoothing_sigma_fraction`]: relative spread of
/// simultaneous hourly speeds among the turbines of a single wind farm
/// (terrain, wakes, turbine-to-turbine differences). Assumption: 3 %.
const FLEET_SIGMA_FLOOR: f64 = 0.03;
/// Coefficient of variation of hourly wind speed for a Weibull k = 2
/// (Rayleigh) distribution: sqrt(4/π − 1) = 0.5227 (exact property of the
/// Rayleigh distribution).
const FLEET_SPEED_CV: f64 = 0.5227;
/// e-folding distance of the spatial correlation of hourly wind speeds, km.
/// Assumption of the order reported for mid-latitude hourly speeds (several
/// hundred km); 500 km chosen.
const FLEET_CORRELATION_LENGTH_KM: f64 = 500.0;

/// Tabulated power curve, per unit of rated power, linearly interpolated;
/// zero below the first point and above cut-out (the last point).
#[derive(Clone, Debug, PartialEq)]
pub struct PowerCurve {
    speeds_m_s: Vec<f64>,
    power_pu: Vec<f64>,
}

/// Why a power curve was rejected.
#[derive(Debug, Clone, PartialEq)]
pub enum CurveError {
    /// No points given.
    Empty,
    /// Speed at `index` is not strictly greater than the previous one.
    NotAscending { index: usize },
    /// Power at `index` is outside [0, 1] per unit (or, for
    /// [`PowerCurve::from_kw`], outside [0, rated_kw]).
    OutOfRange { index: usize, value: f64 },
    /// Speed at `index` is negative.
    NegativeSpeed { index: usize, value: f64 },
    /// A speed or power at `index` is NaN or infinite.
    NonFinite { index: usize },
    /// Speeds and powers differ in length.
    LengthMismatch { speeds: usize, power: usize },
    /// Rated power is not finite and positive.
    InvalidRated { value: f64 },
}

impl fmt::Display for CurveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CurveError::Empty => write!(f, "power curve has no points"),
            CurveError::NotAscending { index } => write!(
                f,
                "power curve speed at index {index} is not strictly greater than the one before; \
                 speeds must be strictly ascending"
            ),
            CurveError::OutOfRange { index, value } => write!(
                f,
                "power curve power at index {index} is {value}; accepted range is 0 to 1 per unit \
                 of rated power (0 to rated_kw for kW input)"
            ),
            CurveError::NegativeSpeed { index, value } => {
                write!(f, "power curve speed at index {index} is {value} m/s; speeds must be >= 0")
            }
            CurveError::NonFinite { index } => {
                write!(f, "power curve point at index {index} is NaN or infinite; speeds and powers must be finite")
            }
            CurveError::LengthMismatch { speeds, power } => {
                write!(f, "power curve has {speeds} speeds but {power} power values; lengths must match")
            }
            CurveError::InvalidRated { value } => {
                write!(f, "rated power {value} kW is invalid; it must be finite and > 0")
            }
        }
    }
}

impl std::error::Error for CurveError {}

/// One bundled generic turbine class.
struct GenericSpec {
    name: &'static str,
    rated_kw: f64,
    rotor_diameter_m: f64,
    cut_out_m_s: f64,
}

/// Bundled generic classes. Ratings, rotors and cut-outs are assumptions
/// chosen to represent each class (not any manufacturer's turbine):
/// - 6 MW / 160 m: 298 W/m², cut-out 24 m/s; ≈ 97 % of rated at 10.5 m/s.
/// - 4 MW / 120 m: 354 W/m² (IEC class II style), cut-out 25 m/s.
/// - 8 MW / 210 m: 231 W/m² (large-rotor low-wind class), cut-out 22 m/s
///   (large rotors commonly cut out earlier to limit loads; assumption).
const GENERIC_SPECS: &[GenericSpec] = &[
    GenericSpec { name: "generic-6mw-class", rated_kw: 6000.0, rotor_diameter_m: 160.0, cut_out_m_s: 24.0 },
    GenericSpec { name: "generic-4mw-class", rated_kw: 4000.0, rotor_diameter_m: 120.0, cut_out_m_s: 25.0 },
    GenericSpec { name: "generic-8mw-lowwind", rated_kw: 8000.0, rotor_diameter_m: 210.0, cut_out_m_s: 22.0 },
];

impl GenericSpec {
    fn specific_power_w_m2(&self) -> f64 {
        let area = std::f64::consts::PI * 0.25 * self.rotor_diameter_m * self.rotor_diameter_m;
        self.rated_kw * 1000.0 / area
    }

    fn power_pu(&self, v: f64) -> f64 {
        let x = 0.5 * RHO_STANDARD_KG_M3 * GENERIC_CP_ELECTRICAL * v * v * v / self.specific_power_w_m2();
        if x <= 0.0 {
            return 0.0;
        }
        let n = GENERIC_KNEE_EXPONENT;
        let p = (x.powf(-n) + 1.0).powf(-1.0 / n);
        (p * GENERIC_ROUNDING).round() / GENERIC_ROUNDING
    }

    fn curve(&self) -> PowerCurve {
        let mut speeds = Vec::new();
        let mut power = Vec::new();
        let mut v = GENERIC_CUT_IN_M_S;
        let mut i = 0u32;
        while v < self.cut_out_m_s - 1e-9 {
            speeds.push(v);
            power.push(self.power_pu(v));
            i += 1;
            v = GENERIC_CUT_IN_M_S + f64::from(i) * GENERIC_STEP_M_S;
        }
        speeds.push(self.cut_out_m_s);
        power.push(self.power_pu(self.cut_out_m_s));
        PowerCurve { speeds_m_s: speeds, power_pu: power }
    }
}

impl PowerCurve {
    /// Names accepted by [`PowerCurve::generic`].
    pub const GENERIC_NAMES: &'static [&'static str] =
        &["generic-6mw-class", "generic-4mw-class", "generic-8mw-lowwind"];

    /// Validated curve from speeds (m/s, finite, ≥ 0, strictly ascending) and
    /// power per unit of rated (finite, in [0, 1]).
    pub fn new(speeds_m_s: Vec<f64>, power_pu: Vec<f64>) -> Result<Self, CurveError> {
        Self::validate(&speeds_m_s, &power_pu)?;
        for (index, &p) in power_pu.iter().enumerate() {
            if !(0.0..=1.0).contains(&p) {
                return Err(CurveError::OutOfRange { index, value: p });
            }
        }
        Ok(Self { speeds_m_s, power_pu })
    }

    /// Validated curve from a manufacturer-style table in kW; each power must
    /// lie in [0, `rated_kw`].
    pub fn from_kw(speeds_m_s: Vec<f64>, power_kw: Vec<f64>, rated_kw: f64) -> Result<Self, CurveError> {
        if !(rated_kw.is_finite() && rated_kw > 0.0) {
            return Err(CurveError::InvalidRated { value: rated_kw });
        }
        Self::validate(&speeds_m_s, &power_kw)?;
        let mut pu = Vec::with_capacity(power_kw.len());
        for (index, &p) in power_kw.iter().enumerate() {
            if !(0.0..=rated_kw).contains(&p) {
                return Err(CurveError::OutOfRange { index, value: p });
            }
            pu.push((p / rated_kw).clamp(0.0, 1.0));
        }
        Ok(Self { speeds_m_s, power_pu: pu })
    }

    fn validate(speeds: &[f64], power: &[f64]) -> Result<(), CurveError> {
        if speeds.len() != power.len() {
            return Err(CurveError::LengthMismatch { speeds: speeds.len(), power: power.len() });
        }
        if speeds.is_empty() {
            return Err(CurveError::Empty);
        }
        for (index, (&s, &p)) in speeds.iter().zip(power).enumerate() {
            if !s.is_finite() || !p.is_finite() {
                return Err(CurveError::NonFinite { index });
            }
            if s < 0.0 {
                return Err(CurveError::NegativeSpeed { index, value: s });
            }
            if index > 0 && s <= speeds[index - 1] {
                return Err(CurveError::NotAscending { index });
            }
        }
        Ok(())
    }

    /// Tabulated speeds, m/s, strictly ascending.
    pub fn speeds_m_s(&self) -> &[f64] {
        &self.speeds_m_s
    }

    /// Tabulated power, per unit of rated, in [0, 1].
    pub fn power_pu(&self) -> &[f64] {
        &self.power_pu
    }

    /// Power (pu) at speed `v` (m/s): linear interpolation between points,
    /// zero below the first point, above the last (cut-out) and for NaN.
    pub fn power_at(&self, v: f64) -> f64 {
        let s = &self.speeds_m_s;
        let (Some(&first), Some(&last)) = (s.first(), s.last()) else {
            return 0.0;
        };
        if !(v >= first && v <= last) {
            return 0.0;
        }
        self.interp_inside(v)
    }

    /// Linear interpolation for `v` in [first, last] (callers guarantee).
    fn interp_inside(&self, v: f64) -> f64 {
        let s = &self.speeds_m_s;
        let p = &self.power_pu;
        // First index with speed > v; v >= s[0] so hi >= 1 unless len == 1.
        let hi = s.partition_point(|&x| x <= v);
        if hi == 0 {
            return p[0];
        }
        if hi >= s.len() {
            return p[s.len() - 1];
        }
        let lo = hi - 1;
        let t = (v - s[lo]) / (s[hi] - s[lo]);
        p[lo] + t * (p[hi] - p[lo])
    }

    /// Bundled generic curve by name (see [`PowerCurve::GENERIC_NAMES`]).
    ///
    /// All are Cp-based below rated (`P = ½·ρ·A·Cp·v³`, Cp = 0.46 electrical,
    /// from the NREL 5-MW reference turbine; ρ = 1.225 kg/m³), with a knee
    /// rounded by a soft minimum, tabulated every 0.5 m/s from cut-in 3 m/s
    /// to cut-out:
    /// - `generic-6mw-class`: 6.0 MW, 160 m rotor (298 W/m²), 0.966 pu at
    ///   10.5 m/s, ≥ 0.99 from 11 m/s, 1.0 from 13.5 m/s, cut-out 24 m/s.
    /// - `generic-4mw-class`: 4.0 MW, 120 m rotor (354 W/m²), ≥ 0.99 from
    ///   12 m/s, cut-out 25 m/s.
    /// - `generic-8mw-lowwind`: 8.0 MW, 210 m rotor (231 W/m²), ≥ 0.99 from
    ///   10.5 m/s, cut-out 22 m/s.
    ///
    /// Constant Cp makes output slightly optimistic near cut-in (3 m/s gives
    /// ≈ 0.026 pu for the 6 MW class), where little energy is produced.
    pub fn generic(name: &str) -> Option<Self> {
        GENERIC_SPECS.iter().find(|s| s.name == name).map(GenericSpec::curve)
    }

    /// IEC 61400-12-1 density normalisation for pitch-regulated turbines: the
    /// curve measured at `rho_ref_kg_m3` applies at site density
    /// `rho_kg_m3` with speeds scaled by (rho_ref/rho)^(1/3), i.e.
    /// `P_site(v) = P_ref(v · (rho/rho_ref)^(1/3))`.
    ///
    /// Cut-out is a controller set-point on measured speed, so it is kept at
    /// its original speed: at lower density the stretched tail is truncated
    /// there; at higher density the last power is held out to it. Non-finite
    /// or non-positive densities return the curve unchanged.
    pub fn density_adjusted(&self, rho_kg_m3: f64, rho_ref_kg_m3: f64) -> Self {
        let valid = rho_kg_m3.is_finite() && rho_ref_kg_m3.is_finite() && rho_kg_m3 > 0.0 && rho_ref_kg_m3 > 0.0;
        let (Some(&cut_out), true) = (self.speeds_m_s.last(), valid) else {
            return self.clone();
        };
        let stretch = (rho_ref_kg_m3 / rho_kg_m3).cbrt();
        let mut speeds = Vec::with_capacity(self.speeds_m_s.len() + 1);
        let mut power = Vec::with_capacity(self.speeds_m_s.len() + 1);
        for (&s, &p) in self.speeds_m_s.iter().zip(&self.power_pu) {
            let ss = s * stretch;
            if ss >= cut_out {
                break;
            }
            speeds.push(ss);
            power.push(p);
        }
        // Value at the original cut-out on the stretched curve.
        let at_cut_out = if stretch >= 1.0 {
            self.interp_inside((cut_out / stretch).max(self.speeds_m_s[0]))
        } else {
            self.power_pu[self.power_pu.len() - 1]
        };
        if speeds.last().is_none_or(|&l| l < cut_out) {
            speeds.push(cut_out);
            power.push(at_cut_out.clamp(0.0, 1.0));
        }
        Self { speeds_m_s: speeds, power_pu: power }
    }

    /// Multi-turbine (fleet) power curve after Nørgaard & Holttinen (2004):
    /// the single-turbine curve convolved with a Gaussian of speed standard
    /// deviation `σ(v) = max(sigma_min_m_s, sigma_fraction · v)`, the spread
    /// of simultaneous speeds across the fleet's area around the fleet-mean
    /// speed `v`:
    ///
    /// `P_fleet(v) = ∫ P(u) · N(u; v, σ(v)) du`.
    ///
    /// Choose `sigma_fraction` with [`fleet_smoothing_sigma_fraction`] from
    /// the fleet's area; a `sigma_min_m_s` of 0.5–1 m/s keeps some spread at
    /// low speeds (assumption). The result is tabulated every 0.1 m/s from 0
    /// until the smoothed cut-out tail has decayed to zero, clamped to
    /// [0, 1]. Non-positive or non-finite widths return the curve unchanged.
    pub fn smoothed(&self, sigma_fraction: f64, sigma_min_m_s: f64) -> Self {
        let frac = if sigma_fraction.is_finite() { sigma_fraction.max(0.0) } else { 0.0 };
        let smin = if sigma_min_m_s.is_finite() { sigma_min_m_s.max(0.0) } else { 0.0 };
        let Some(&last) = self.speeds_m_s.last() else {
            return self.clone();
        };
        if frac <= 0.0 && smin <= 0.0 {
            return self.clone();
        }
        // Output speeds v with v - 6σ(v) <= last can see the curve; with
        // σ = frac·v this needs v <= last / (1 - 6 frac) (unbounded if
        // frac >= 1/6), so cap at 2·last + 6·smin + 1 and TABLE range.
        let reach = if frac * SMOOTH_HALF_WIDTH_SIGMAS < 0.5 {
            (last + SMOOTH_HALF_WIDTH_SIGMAS * smin) / (1.0 - frac * SMOOTH_HALF_WIDTH_SIGMAS)
        } else {
            2.0 * last + SMOOTH_HALF_WIDTH_SIGMAS * smin
        };
        let v_end = reach.min(2.0 * last + SMOOTH_HALF_WIDTH_SIGMAS * smin + 1.0);
        let n_out = (v_end / SMOOTH_STEP_M_S).ceil().clamp(1.0, 100_000.0) as usize + 1;

        let mut speeds = Vec::with_capacity(n_out);
        let mut power = Vec::with_capacity(n_out);
        for i in 0..n_out {
            let v = i as f64 * SMOOTH_STEP_M_S;
            let sigma = (frac * v).max(smin);
            let p = if sigma > 0.0 { self.gaussian_average(v, sigma) } else { self.power_at(v) };
            let p = if p < SMOOTH_ZERO_PU { 0.0 } else { p.clamp(0.0, 1.0) };
            speeds.push(v);
            power.push(p);
        }
        // Trim the trailing zeros, keeping one so the curve ends at zero.
        while power.len() > 2 && power[power.len() - 1] == 0.0 && power[power.len() - 2] == 0.0 {
            power.pop();
            speeds.pop();
        }
        Self { speeds_m_s: speeds, power_pu: power }
    }

    /// Normalised midpoint quadrature of `P(u)·N(u; v, σ)`.
    fn gaussian_average(&self, v: f64, sigma: f64) -> f64 {
        let half = SMOOTH_HALF_WIDTH_SIGMAS * sigma;
        let n = (2.0 * SMOOTH_HALF_WIDTH_SIGMAS * SMOOTH_POINTS_PER_SIGMA) as usize;
        let h = 2.0 * half / n as f64;
        let mut num = 0.0;
        let mut den = 0.0;
        for j in 0..n {
            let u = v - half + (j as f64 + 0.5) * h;
            let z = (u - v) / sigma;
            let w = (-0.5 * z * z).exp();
            den += w;
            num += w * self.power_at(u);
        }
        if den > 0.0 { num / den } else { 0.0 }
    }
}

/// Relative standard deviation (fraction of the fleet-mean speed) of
/// simultaneous hourly hub-height speeds across a fleet spread over
/// `area_km2`, for [`PowerCurve::smoothed`].
///
/// Clearly-marked assumption, not a fitted relation: with hourly speeds of
/// coefficient of variation `cv = 0.52` (Rayleigh) and a spatial correlation
/// `ρ(d) = exp(-d / 500 km)`, two points `d` apart differ with variance
/// `2·cv²·(1 − ρ(d))·v̄²`; spread about the area mean is taken at a typical
/// separation of half the linear size `L = √area`, plus a 3 % within-farm
/// floor added in quadrature:
///
/// `f = sqrt(0.03² + cv²·(1 − exp(−L / (2·500 km))))`.
///
/// Gives 0.03 for a point, ≈ 0.095 for 900 km² (30 km × 30 km), ≈ 0.17 for
/// 10 000 km². Non-finite or negative areas are treated as 0.
pub fn fleet_smoothing_sigma_fraction(area_km2: f64) -> f64 {
    let area = if area_km2.is_finite() { area_km2.max(0.0) } else { 0.0 };
    let l_km = area.sqrt();
    let decorrelation = 1.0 - (-0.5 * l_km / FLEET_CORRELATION_LENGTH_KM).exp();
    (FLEET_SIGMA_FLOOR * FLEET_SIGMA_FLOOR + FLEET_SPEED_CV * FLEET_SPEED_CV * decorrelation).sqrt()
}

/// Fast lookup table of a [`PowerCurve`]: uniform grid from 0 to 40 m/s in
/// 0.01 m/s steps, linear interpolation; meant for the hot loop.
///
/// The curve's support `[first point, cut-out]` is kept exactly: outside it
/// the table returns 0, and grid values are sampled from the curve extended
/// flat beyond its ends so the cut-in and cut-out steps are not smeared over
/// a grid cell. Speeds above 40 m/s return 0.
#[derive(Clone, Debug)]
pub struct PowerCurveTable {
    values: Vec<f64>,
    inv_step: f64,
    v_min: f64,
    v_max: f64,
}

impl PowerCurveTable {
    /// Build the table from `curve`.
    pub fn new(curve: &PowerCurve) -> Self {
        let n = (TABLE_MAX_M_S / TABLE_STEP_M_S).round() as usize + 1;
        let s = curve.speeds_m_s();
        let first = s[0];
        let last = s[s.len() - 1];
        let values = (0..n)
            .map(|i| {
                let v = (i as f64 * TABLE_STEP_M_S).clamp(first, last);
                curve.interp_inside(v)
            })
            .collect();
        Self { values, inv_step: 1.0 / TABLE_STEP_M_S, v_min: first, v_max: last.min(TABLE_MAX_M_S) }
    }

    /// Power (pu) at `v` m/s; 0 outside the curve's support and for NaN.
    #[inline]
    pub fn power_pu(&self, v: f64) -> f64 {
        if !(v >= self.v_min && v <= self.v_max) {
            return 0.0;
        }
        let x = v * self.inv_step;
        // v <= 40 so x <= 4000 and the cast is exact and in range.
        let i = x as usize;
        let last = self.values.len() - 1;
        if i >= last {
            return self.values[last];
        }
        let t = x - i as f64;
        let a = self.values[i];
        a + t * (self.values[i + 1] - a)
    }
}

/// Logarithmic-profile shear (neutral surface layer):
/// `v_hub = v_ref · ln(z_hub/z0) / ln(z_ref/z0)`.
///
/// Heights at or below `roughness_m` give 0. Returns NaN when `roughness_m`
/// is not positive or `z_ref_m` is not above it.
pub fn shear_log(v_ref_m_s: f64, z_ref_m: f64, z_hub_m: f64, roughness_m: f64) -> f64 {
    if !(roughness_m > 0.0 && z_ref_m > roughness_m) {
        return f64::NAN;
    }
    if z_hub_m <= roughness_m {
        return 0.0;
    }
    v_ref_m_s * (z_hub_m / roughness_m).ln() / (z_ref_m / roughness_m).ln()
}

/// Power-law shear: `v_hub = v_ref · (z_hub/z_ref)^alpha`.
///
/// Returns NaN when `z_ref_m` is not positive or `z_hub_m` is negative.
pub fn shear_power(v_ref_m_s: f64, z_ref_m: f64, z_hub_m: f64, alpha: f64) -> f64 {
    if !(z_ref_m > 0.0 && z_hub_m >= 0.0) {
        return f64::NAN;
    }
    v_ref_m_s * (z_hub_m / z_ref_m).powf(alpha)
}

/// ISA (ISO 2533) barometric pressure at `elevation_m` above sea level, hPa:
/// `p = 1013.25 · (1 − 0.0065·h / 288.15)^5.25588`, valid in the troposphere
/// (below 11 km); 0 above the formula's zero at ≈ 44.3 km.
pub fn pressure_at_elevation_hpa(elevation_m: f64) -> f64 {
    let base = 1.0 - ISA_LAPSE_K_M * elevation_m / ISA_T0_K;
    if base <= 0.0 {
        return 0.0;
    }
    ISA_P0_HPA * base.powf(ISA_BARO_EXPONENT)
}

/// Dry-air density from the ideal gas law, kg/m³:
/// `ρ = p / (R · T)` with R = 287.05 J/(kg·K), `p` in hPa and `T` in °C.
/// Returns NaN at or below absolute zero.
pub fn air_density_kg_m3(pressure_hpa: f64, temperature_c: f64) -> f64 {
    let t_k = temperature_c + KELVIN_OFFSET;
    if t_k <= 0.0 {
        return f64::NAN;
    }
    pressure_hpa * 100.0 / (R_DRY_AIR_J_KG_K * t_k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gamma_1p5() -> f64 {
        // Γ(1.5) = √π / 2.
        std::f64::consts::PI.sqrt() / 2.0
    }

    /// Mean power (pu) under Weibull(k, scale c) by midpoint integration
    /// over 0–40 m/s in 0.001 m/s steps.
    fn weibull_mean<F: Fn(f64) -> f64>(k: f64, c: f64, f: F) -> f64 {
        let h = 0.001;
        let n = (40.0 / h) as usize;
        let mut acc = 0.0;
        for i in 0..n {
            let v = (i as f64 + 0.5) * h;
            let pdf = (k / c) * (v / c).powf(k - 1.0) * (-(v / c).powf(k)).exp();
            acc += f(v) * pdf * h;
        }
        acc
    }

    fn simple() -> PowerCurve {
        PowerCurve::new(vec![3.0, 5.0, 10.0, 25.0], vec![0.1, 0.3, 1.0, 1.0]).unwrap()
    }

    #[test]
    fn interpolates_at_points_and_midpoints() {
        let c = simple();
        assert_eq!(c.power_at(3.0), 0.1);
        assert_eq!(c.power_at(5.0), 0.3);
        assert_eq!(c.power_at(10.0), 1.0);
        assert_eq!(c.power_at(25.0), 1.0);
        assert!((c.power_at(4.0) - 0.2).abs() < 1e-12);
        assert!((c.power_at(7.5) - 0.65).abs() < 1e-12);
        assert!((c.power_at(17.5) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn zero_outside_support() {
        let c = simple();
        assert_eq!(c.power_at(2.999), 0.0);
        assert_eq!(c.power_at(0.0), 0.0);
        assert_eq!(c.power_at(-5.0), 0.0);
        assert_eq!(c.power_at(25.001), 0.0);
        assert_eq!(c.power_at(f64::NAN), 0.0);
        assert_eq!(c.power_at(f64::INFINITY), 0.0);
        let g = PowerCurve::generic("generic-6mw-class").unwrap();
        assert_eq!(g.power_at(2.9), 0.0);
        assert!(g.power_at(3.0) > 0.0);
        assert!(g.power_at(24.0) > 0.99);
        assert_eq!(g.power_at(24.01), 0.0);
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(PowerCurve::new(vec![], vec![]), Err(CurveError::Empty));
        assert_eq!(PowerCurve::new(vec![1.0, 2.0], vec![0.5]), Err(CurveError::LengthMismatch { speeds: 2, power: 1 }));
        assert_eq!(
            PowerCurve::new(vec![1.0, 3.0, 3.0], vec![0.0, 0.5, 0.6]),
            Err(CurveError::NotAscending { index: 2 })
        );
        assert_eq!(
            PowerCurve::new(vec![1.0, 2.0], vec![0.0, 1.2]),
            Err(CurveError::OutOfRange { index: 1, value: 1.2 })
        );
        assert_eq!(
            PowerCurve::new(vec![1.0, 2.0], vec![-0.1, 0.2]),
            Err(CurveError::OutOfRange { index: 0, value: -0.1 })
        );
        assert_eq!(PowerCurve::new(vec![1.0, f64::NAN], vec![0.0, 0.2]), Err(CurveError::NonFinite { index: 1 }));
        assert_eq!(
            PowerCurve::new(vec![-1.0, 2.0], vec![0.0, 0.2]),
            Err(CurveError::NegativeSpeed { index: 0, value: -1.0 })
        );
        assert_eq!(
            PowerCurve::from_kw(vec![3.0, 4.0], vec![0.0, 2100.0], 2000.0),
            Err(CurveError::OutOfRange { index: 1, value: 2100.0 })
        );
        assert_eq!(PowerCurve::from_kw(vec![3.0], vec![0.0], 0.0), Err(CurveError::InvalidRated { value: 0.0 }));
        let msg = CurveError::OutOfRange { index: 4, value: 1.5 }.to_string();
        assert!(msg.contains("index 4") && msg.contains("0 to 1"), "{msg}");
        let msg = CurveError::NotAscending { index: 7 }.to_string();
        assert!(msg.contains("index 7"), "{msg}");
    }

    #[test]
    fn from_kw_scales() {
        let c = PowerCurve::from_kw(vec![3.0, 10.0], vec![100.0, 2000.0], 2000.0).unwrap();
        assert_eq!(c.power_pu(), &[0.05, 1.0]);
        assert_eq!(c.speeds_m_s(), &[3.0, 10.0]);
    }

    #[test]
    fn generic_curves_have_expected_shape() {
        assert_eq!(PowerCurve::GENERIC_NAMES.len(), GENERIC_SPECS.len());
        for name in PowerCurve::GENERIC_NAMES {
            let c = PowerCurve::generic(name).unwrap();
            // Validates through the public constructor.
            PowerCurve::new(c.speeds_m_s().to_vec(), c.power_pu().to_vec()).unwrap();
            assert_eq!(c.speeds_m_s()[0], 3.0);
            assert!(c.power_pu().windows(2).all(|w| w[1] >= w[0]), "{name}");
        }
        assert!(PowerCurve::generic("nope").is_none());
        let c6 = PowerCurve::generic("generic-6mw-class").unwrap();
        assert_eq!(*c6.speeds_m_s().last().unwrap(), 24.0);
        let at = |v: f64| c6.power_at(v);
        assert!(at(10.5) > 0.95 && at(10.5) < 0.99, "{}", at(10.5));
        assert!(at(11.0) > 0.99);
        assert!(at(8.0) > 0.45 && at(8.0) < 0.55, "{}", at(8.0));
        // Below the knee the curve is the cubic Cp law: P(6)/P(5) ≈ (6/5)³.
        assert!((at(6.0) / at(5.0) - 1.728).abs() < 0.01);
        let c8 = PowerCurve::generic("generic-8mw-lowwind").unwrap();
        let c4 = PowerCurve::generic("generic-4mw-class").unwrap();
        assert!(c8.power_at(8.0) > at(8.0) && at(8.0) > c4.power_at(8.0));
    }

    #[test]
    fn density_adjustment_reduces_below_rated_only() {
        let c = PowerCurve::generic("generic-6mw-class").unwrap();
        let a = c.density_adjusted(1.06, RHO_STANDARD_KG_M3);
        for v in [4.0, 6.0, 8.0, 9.5] {
            let expect = c.power_at(v * (1.06f64 / 1.225).cbrt());
            assert!((a.power_at(v) - expect).abs() < 1e-12);
            assert!(a.power_at(v) < c.power_at(v) * 0.93, "v={v}");
        }
        // Low density: ≈ ratio of densities well below the knee.
        let r = a.power_at(6.0) / c.power_at(6.0);
        assert!((r - 1.06 / 1.225).abs() < 0.01, "{r}");
        assert_eq!(c.power_at(15.0), 1.0);
        assert_eq!(a.power_at(15.0), 1.0);
        assert_eq!(a.power_at(20.0), 1.0);
        // Cut-out stays at 24 m/s.
        assert_eq!(*a.speeds_m_s().last().unwrap(), 24.0);
        assert!(a.power_at(24.0) > 0.999);
        assert_eq!(a.power_at(24.01), 0.0);
        // Higher density holds output out to cut-out too.
        let h = c.density_adjusted(1.30, RHO_STANDARD_KG_M3);
        assert_eq!(*h.speeds_m_s().last().unwrap(), 24.0);
        assert!(h.power_at(23.9) > 0.999);
        assert!(h.power_at(6.0) > c.power_at(6.0));
        // Identity.
        assert_eq!(c.density_adjusted(1.225, 1.225), c);
        assert_eq!(c.density_adjusted(f64::NAN, 1.225), c);
    }

    #[test]
    fn smoothing_preserves_energy_and_flattens_knee() {
        let c = PowerCurve::generic("generic-6mw-class").unwrap();
        let ti = fleet_smoothing_sigma_fraction(900.0);
        let s = c.smoothed(ti, 0.5);
        let scale = 7.0 / gamma_1p5();
        let e0 = weibull_mean(2.0, scale, |v| c.power_at(v));
        let e1 = weibull_mean(2.0, scale, |v| s.power_at(v));
        let rel = (e1 - e0) / e0;
        eprintln!("Weibull(2, mean 7) mean power: single {e0:.4}, fleet {e1:.4}, rel {rel:+.4}");
        assert!(rel.abs() < 0.03, "e0={e0} e1={e1} rel={rel}");
        // Knee flattened: less at rated speed, more than nothing below cut-in.
        assert!(s.power_at(10.5) < c.power_at(10.5) - 0.03);
        assert!(s.power_at(11.5) < c.power_at(11.5) - 0.01);
        assert!(s.power_at(2.8) > 0.0);
        // Stays in [0, 1] and is a valid curve ending at zero.
        assert!(s.power_pu().iter().all(|&p| (0.0..=1.0).contains(&p)));
        PowerCurve::new(s.speeds_m_s().to_vec(), s.power_pu().to_vec()).unwrap();
        assert_eq!(*s.power_pu().last().unwrap(), 0.0);
        // Cut-out spread over a range of fleet speeds.
        assert!(s.power_at(24.0) > 0.3 && s.power_at(24.0) < 0.7);
        // No smoothing requested: unchanged.
        assert_eq!(c.smoothed(0.0, 0.0), c);
        assert_eq!(c.smoothed(f64::NAN, -1.0), c);
        // Extreme widths stay finite and bounded.
        let w = c.smoothed(0.5, 3.0);
        assert!(w.power_pu().iter().all(|&p| (0.0..=1.0).contains(&p)));
    }

    #[test]
    fn fleet_sigma_fraction_values() {
        assert!((fleet_smoothing_sigma_fraction(0.0) - 0.03).abs() < 1e-12);
        let f900 = fleet_smoothing_sigma_fraction(900.0);
        // Hand value: L = 30 km, 1 - exp(-0.03) = 0.029554;
        // sqrt(0.0009 + 0.5227² × 0.029554) = sqrt(0.0009 + 0.0080749) = 0.094736.
        assert!((f900 - 0.094736).abs() < 1e-4, "{f900}");
        assert!(fleet_smoothing_sigma_fraction(10_000.0) > f900);
        assert!((fleet_smoothing_sigma_fraction(f64::NAN) - 0.03).abs() < 1e-12);
    }

    #[test]
    fn table_matches_curve() {
        for curve in [
            PowerCurve::generic("generic-6mw-class").unwrap(),
            PowerCurve::generic("generic-8mw-lowwind").unwrap(),
            PowerCurve::generic("generic-4mw-class").unwrap().density_adjusted(1.06, RHO_STANDARD_KG_M3),
            PowerCurve::generic("generic-6mw-class").unwrap().smoothed(0.1, 0.5),
            PowerCurve::new(vec![3.005, 7.333, 24.999], vec![0.02, 0.5, 1.0]).unwrap(),
        ] {
            let t = PowerCurveTable::new(&curve);
            for i in 0..=45_000 {
                let v = i as f64 * 0.000_97 - 1.0;
                let d = (t.power_pu(v) - curve.power_at(v)).abs();
                assert!(d < 1e-3, "v={v} table={} curve={}", t.power_pu(v), curve.power_at(v));
            }
        }
        let t = PowerCurveTable::new(&simple());
        assert_eq!(t.power_pu(f64::NAN), 0.0);
        assert_eq!(t.power_pu(1e300), 0.0);
        assert_eq!(t.power_pu(-1e300), 0.0);
        assert_eq!(t.power_pu(25.0), 1.0);
        assert_eq!(t.power_pu(25.0001), 0.0);
    }

    #[test]
    fn shear_hand_values() {
        // ln(100/0.03) / ln(10/0.03) = 8.111728 / 5.809143 = 1.396372.
        let v = shear_log(6.0, 10.0, 100.0, 0.03);
        assert!((v - 8.378233).abs() < 1e-4, "{v}");
        // (120/10)^(1/7) = 1.426161.
        let v = shear_power(7.0, 10.0, 120.0, 1.0 / 7.0);
        assert!((v - 9.983127).abs() < 1e-4, "{v}");
        assert_eq!(shear_power(7.0, 100.0, 100.0, 0.2), 7.0);
        assert_eq!(shear_log(7.0, 100.0, 100.0, 0.1), 7.0);
        assert_eq!(shear_log(7.0, 10.0, 0.01, 0.1), 0.0);
        assert!(shear_log(7.0, 10.0, 100.0, 0.0).is_nan());
        assert!(shear_power(7.0, 0.0, 100.0, 0.14).is_nan());
    }

    #[test]
    fn air_density_hand_values() {
        // Sea level: 1013.25 hPa, 15 °C -> 101325 / (287.05 × 288.15) = 1.22501.
        assert!((pressure_at_elevation_hpa(0.0) - 1013.25).abs() < 1e-9);
        assert!(
            (air_density_kg_m3(1013.25, 15.0) - RHO_STANDARD_KG_M3).abs() < 1e-4,
            "{}",
            air_density_kg_m3(1013.25, 15.0)
        );
        // 1350 m: base = 1 - 8.775/288.15 = 0.969547; ^5.25588 = 0.849981;
        // p = 861.25 hPa; ρ(10 °C) = 86125 / (287.05 × 283.15) = 1.05963.
        let p = pressure_at_elevation_hpa(1350.0);
        assert!((p - 861.25).abs() < 0.05, "{p}");
        let rho = air_density_kg_m3(p, 10.0);
        assert!((rho - 1.0596).abs() < 5e-4, "{rho}");
        assert_eq!(pressure_at_elevation_hpa(50_000.0), 0.0);
        assert!(air_density_kg_m3(1000.0, -300.0).is_nan());
    }

    #[test]
    fn capacity_factor_plausible_at_altitude() {
        let c = PowerCurve::generic("generic-6mw-class").unwrap();
        let a = c.density_adjusted(1.06, RHO_STANDARD_KG_M3);
        let scale = 6.5 / gamma_1p5();
        let cf_std = weibull_mean(2.0, scale, |v| c.power_at(v));
        let cf = weibull_mean(2.0, scale, |v| a.power_at(v));
        let t = PowerCurveTable::new(&a);
        let cf_table = weibull_mean(2.0, scale, |v| t.power_pu(v));
        eprintln!("CF std density {cf_std:.4}, at 1.06 kg/m3 {cf:.4}, table {cf_table:.4}");
        assert!((0.27..=0.33).contains(&cf), "cf={cf}");
        assert!(cf < cf_std);
        assert!((cf_table - cf).abs() < 1e-4);
    }
}
