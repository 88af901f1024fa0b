//! The validated system model: what the engine simulates.
//!
//! Built only by `scenario::resolve` from a parsed scenario; every name has
//! become an index, every schedule has been evaluated for the study year,
//! every default applied and every range checked. Nothing here does I/O or
//! touches serde's raw structs (Architecture invariant: the engine never sees
//! a `Raw*` type). All powers are MW, energies MWh, masses kg, times hours.

pub mod scenario;

use crate::physics::wind::PowerCurve;
use nalgebra::DMatrix;
use serde::Serialize;

/// Two-state Markov outage model for a group of identical units, counted in
/// aggregate (a 5 GW wind fleet is ~800 turbines: we track how many are up,
/// not each one).
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Outages {
    /// Number of identical units in the group (≥ 1).
    pub units: u32,
    /// Probability that an up unit fails during one hour.
    pub p_fail: f64,
    /// Probability that a down unit is repaired during one hour.
    pub p_repair: f64,
    /// Per-step probabilities instead of the constants: index into
    /// `Model::outage_schedules` (`[p_fail, p_repair]` for every hour).
    pub schedule: Option<usize>,
}

impl Outages {
    /// A group that never fails.
    pub fn none(units: u32) -> Self {
        Outages { units: units.max(1), p_fail: 0.0, p_repair: 1.0, schedule: None }
    }

    /// From a forced outage rate (stationary fraction of time down) and mean
    /// time to repair: p_repair = 1/MTTR, p_fail = FOR/(1−FOR) · p_repair, so
    /// the chain's stationary down-probability is exactly FOR
    /// (Billinton & Allan, *Reliability Evaluation of Power Systems*, ch. 2).
    pub fn from_for_mttr(units: u32, forced_outage_rate: f64, mttr_h: f64) -> Self {
        if forced_outage_rate <= 0.0 {
            return Self::none(units);
        }
        let p_repair = (1.0 / mttr_h).min(1.0);
        let p_fail = (forced_outage_rate / (1.0 - forced_outage_rate) * p_repair).min(1.0);
        Outages { units: units.max(1), p_fail, p_repair, schedule: None }
    }

    /// Stationary probability that one unit is up.
    pub fn availability(&self) -> f64 {
        if self.p_fail <= 0.0 { 1.0 } else { self.p_repair / (self.p_fail + self.p_repair) }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Zone {
    pub name: String,
    pub latitude_deg: f64,
    pub longitude_deg: f64,
    pub elevation_m: f64,
    pub utc_offset_h: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExternalGrid {
    pub name: String,
    pub max_export_mw: f64,
    pub max_import_mw: f64,
    /// What the value-based dispatch earns per MWh delivered to this grid
    /// (default: `economics.export_tariff_cny_per_mwh`).
    pub export_price_cny_per_mwh: f64,
    /// What it pays per MWh this grid sends (default:
    /// `economics.import_price_cny_per_mwh`).
    pub import_price_cny_per_mwh: f64,
}

/// Default standard deviation of the year-to-year factor on a site's wind
/// speed (`wind_interannual_sd_pu`). Published interannual standard
/// deviations of the annual mean wind speed are about 4–6 % (Pryor et al.
/// 2018, "Interannual variability of wind climates and wind turbine annual
/// energy production", Wind Energ. Sci. 3, 651–665: 4–6 % over the US from
/// reanalyses; Watson 2014, "Quantifying the variability of wind energy",
/// WIREs Energy Environ. 3, 330–342: ≈ 6 % for northern Europe). The
/// generator's own hourly persistence already gives 3.5 % on the Alxa
/// defaults (measured, docs/validation.md), so the layer's default of
/// 3.5 % makes a total of 5.0 %.
pub const WIND_INTERANNUAL_SD_DEFAULT: f64 = 0.035;

/// Default standard deviation of the year-to-year factor on a site's
/// clear-sky index (`irradiance_interannual_sd_pu`): the coefficient of
/// variation of annual GHI is 2–5 % at most sites (Gueymard & Wilcox 2011,
/// "Assessment of spatial and temporal variability in the US solar resource
/// from radiometric measurements and predictions from models using
/// ground-based or satellite data", Solar Energy 85, 1068–1084: mostly
/// 2–5 %, lower in deserts; Lohmann et al. 2006 ≈ 3–4 % for Europe). The
/// generator's daily persistence and dust give 2.6 % on the Alxa defaults
/// (measured), so 2.5 % makes a total of 3.4 % (the 1.05 cap on the
/// clear-sky index trims a little of it).
pub const IRRADIANCE_INTERANNUAL_SD_DEFAULT: f64 = 0.025;

/// Parameters of one weather site's stochastic generator (see `weather`).
#[derive(Debug, Clone, Serialize)]
pub struct Site {
    pub name: String,
    pub latitude_deg: f64,
    pub longitude_deg: f64,
    pub elevation_m: f64,
    pub wind_mean_m_s: f64,
    pub wind_height_m: f64,
    pub wind_weibull_k: f64,
    pub wind_monthly_factor: [f64; 12],
    pub wind_diurnal_amplitude_pu: f64,
    pub wind_diurnal_peak_hour: f64,
    pub wind_hourly_persistence: f64,
    pub roughness_length_m: f64,
    /// Power-law shear exponent; when set it replaces the log law.
    pub shear_exponent: Option<f64>,
    pub clear_sky_index_monthly: [f64; 12],
    pub clear_sky_index_spread: f64,
    pub clear_sky_index_daily_share: f64,
    pub clear_sky_index_daily_persistence: f64,
    pub clear_sky_index_hourly_persistence: f64,
    /// Correlation of the latent wind process with the day's cloudiness
    /// (positive: windy days are cloudier).
    pub wind_cloudiness_daily_correlation: f64,
    /// Standard deviation of the year-to-year factor on wind speed.
    pub wind_interannual_sd_pu: f64,
    /// Standard deviation of the year-to-year factor on the clear-sky index.
    pub irradiance_interannual_sd_pu: f64,
    pub linke_turbidity_monthly: [f64; 12],
    /// Clear-sky model of the weather generator's irradiance.
    pub clear_sky_model: ClearSkyModel,
    pub dust_days_per_year: f64,
    pub dust_months: Vec<u32>,
    pub dust_irradiance_factor_pu: f64,
    pub temperature_monthly_c: [f64; 12],
    pub temperature_diurnal_amplitude_c: f64,
    pub temperature_anomaly_sd_c: f64,
    pub temperature_hourly_persistence: f64,
    pub albedo_pu: f64,
    /// Measured or typical-year weather used instead of the generator.
    pub data: Option<SiteData>,
}

/// Clear-sky GHI model of a site's weather generator.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub enum ClearSkyModel {
    /// Ineichen & Perez (2002) with the site's elevation and monthly Linke
    /// turbidity (the default).
    Ineichen,
    /// Haurwitz (1945): zenith angle only (no turbidity, no elevation).
    Haurwitz,
}

impl ClearSkyModel {
    pub const NAMES: [&'static str; 2] = ["ineichen", "haurwitz"];
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ineichen" => Some(Self::Ineichen),
            "haurwitz" => Some(Self::Haurwitz),
            _ => None,
        }
    }
}

/// How a site uses measured or typical-year data (see `data::bootstrap`).
#[derive(Debug, Clone, Serialize)]
pub struct SiteData {
    pub file: String,
    pub format: String,
    /// `replay`: every sample sees the data's year as it is (weather is then
    /// deterministic; outages still vary). `resample`: each sample draws a
    /// year by a seasonal block bootstrap of the data.
    pub mode: DataMode,
    pub block_days: usize,
    pub window_days: usize,
    #[serde(skip)]
    pub series: std::sync::Arc<crate::data::WeatherSeries>,
    /// The data mapped onto the study year (`replay` mode).
    #[serde(skip)]
    pub replayed: Option<std::sync::Arc<crate::data::WeatherSeries>>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub enum DataMode {
    Replay,
    Resample,
}

#[derive(Debug, Clone, Serialize)]
pub struct WindFleet {
    pub name: String,
    pub zone: usize,
    pub site: usize,
    pub capacity_mw: f64,
    pub turbine: String,
    pub hub_height_m: f64,
    pub area_km2: f64,
    pub losses_pu: f64,
    pub outages: Outages,
    /// Single-turbine power curve at standard density, per unit of rated;
    /// `conversion` adjusts it for the site's air density and smooths it
    /// over the fleet's area.
    #[serde(skip)]
    pub curve: PowerCurve,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub enum Mounting {
    Fixed,
    SingleAxis,
}

/// Incidence-angle modifier applied to the beam on the plane of array (the
/// diffuse IAM is not modelled; pvlib's ModelChain applies its `aoi_model`
/// to the beam only as well).
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub enum Iam {
    /// No optical loss.
    None,
    /// ASHRAE 1 − b0(1/cos θ − 1) (Souka & Safwat 1966).
    Ashrae { b0: f64 },
    /// Fresnel + Bouguer (De Soto et al. 2006) with pvlib's defaults
    /// n = 1.526, K = 4 /m, L = 2 mm.
    Physical,
    /// Martin & Ruiz (2001).
    MartinRuiz { a_r: f64 },
}

impl Iam {
    pub const NAMES: [&'static str; 4] = ["ashrae", "physical", "martin-ruiz", "none"];

    /// The modifier at angle of incidence `aoi_deg`.
    pub fn at(&self, aoi_deg: f64) -> f64 {
        use crate::physics::solar::irradiance as ir;
        match *self {
            Iam::None => {
                if aoi_deg.abs() < 90.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Iam::Ashrae { b0 } => ir::iam_ashrae(aoi_deg, b0),
            Iam::Physical => ir::iam_physical(aoi_deg, 1.526, 4.0, 2.0),
            Iam::MartinRuiz { a_r } => ir::iam_martin_ruiz(aoi_deg, a_r),
        }
    }
}

/// Cell-temperature model of a PV fleet (see `solar::temperature`). Both
/// take the wind speed at 10 m.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub enum CellTemperature {
    /// Sandia (King et al. 2004, Eq. 11–12): T_c = E·e^(a + b·WS) + T_a + E/1000·ΔT.
    Sapm { a: f64, b_s_per_m: f64, delta_t_c: f64 },
    /// PVsyst: T_c = T_a + α·E·(1 − η)/(U_c + U_v·WS).
    Pvsyst { uc_w_m2k: f64, uv_w_s_m3k: f64, module_efficiency_pu: f64, absorptance_pu: f64 },
}

/// A piecewise-linear function y(x) through points with strictly increasing
/// x, held constant outside them.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Curve {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
}

impl Curve {
    /// Linear interpolation; the first/last y outside the points (NaN → the
    /// first y).
    pub fn at(&self, x: f64) -> f64 {
        let n = self.x.len();
        let i = self.x.partition_point(|&xi| xi < x);
        if i == 0 {
            return self.y[0];
        }
        if i == n {
            return self.y[n - 1];
        }
        let (x0, x1, y0, y1) = (self.x[i - 1], self.x[i], self.y[i - 1], self.y[i]);
        y0 + (x - x0) / (x1 - x0) * (y1 - y0)
    }
}

/// Inverter model of a PV fleet (all of a fleet's inverters share its DC
/// power equally; see `solar::inverter`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub enum Inverter {
    /// AC = min(η·DC, rating) with η = `inverter_efficiency_pu`.
    Constant,
    /// PVWatts v5 part-load curve (Dobos 2014) with η_nom =
    /// `inverter_efficiency_pu`.
    PvWatts,
    /// Tabulated efficiency against the DC input per unit of the AC rating
    /// (the user's load points, AC output / rating, divided by their
    /// efficiency).
    Curve(Curve),
}

#[derive(Debug, Clone, Serialize)]
pub struct SolarFleet {
    pub name: String,
    pub zone: usize,
    pub site: usize,
    pub capacity_mwdc: f64,
    pub capacity_mwac: f64,
    pub mounting: Mounting,
    /// Sky-diffuse transposition: Hay–Davies (default) or isotropic.
    pub hay_davies: bool,
    pub tilt_deg: f64,
    pub azimuth_deg: f64,
    pub tracker_max_angle_deg: f64,
    pub ground_coverage_ratio_pu: f64,
    pub temperature_coefficient_per_c: f64,
    /// Cell-temperature model and its coefficients.
    pub cell_temperature: CellTemperature,
    /// Incidence-angle modifier of the beam.
    pub iam: Iam,
    pub noct_c: f64,
    pub losses_pu: f64,
    /// Constant efficiency, the PVWatts nominal efficiency, or (curve) the
    /// efficiency at the curve's highest load, for reports.
    pub inverter_efficiency_pu: f64,
    pub inverter: Inverter,
    pub soiling_rate_pu_per_day: f64,
    pub cleaning_interval_days: u32,
    pub dust_soiling_pu: f64,
    /// Capacity-weighted derate for module ageing in the study year.
    pub degradation_factor_pu: f64,
    pub outages: Outages,
}

#[derive(Debug, Clone, Serialize)]
pub struct Generator {
    pub name: String,
    pub zone: usize,
    pub capacity_mw: f64,
    /// Hourly capacity before outages (MW), when given as a CSV series.
    #[serde(skip)]
    pub capacity_series_mw: Option<Vec<f64>>,
    pub outages: Outages,
    pub variable_cost_cny_per_mwh: f64,
    pub co2_t_per_mwh: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Storage {
    pub name: String,
    pub zone: usize,
    pub technology: String,
    pub charge_mw: f64,
    pub discharge_mw: f64,
    pub energy_mwh: f64,
    pub charge_efficiency_pu: f64,
    pub discharge_efficiency_pu: f64,
    pub soc_min_pu: f64,
    pub soc_max_pu: f64,
    pub initial_soc_pu: f64,
    pub self_discharge_pu_per_h: f64,
    pub outages: Outages,
}

#[derive(Debug, Clone, Serialize)]
pub struct Electrolyser {
    pub name: String,
    pub zone: usize,
    pub capacity_mw: f64,
    pub min_load_pu: f64,
    /// Specific consumption, kWh/kg: the constant, or with a curve its value
    /// at full load (for reports).
    pub consumption_kwh_per_kg: f64,
    /// Part-load specific consumption: x = load as a fraction of the online
    /// capacity, y = kWh/kg; `None` for the constant.
    pub consumption_curve: Option<Curve>,
    pub store_kg: f64,
    pub initial_store_pu: f64,
    pub offtake_kg_per_h: f64,
    pub outages: Outages,
}

#[derive(Debug, Clone, Serialize)]
pub struct Load {
    pub name: String,
    pub zone: usize,
    pub firm: bool,
    /// Hourly demand over the horizon, MW.
    #[serde(skip)]
    pub mw: Vec<f64>,
    pub mean_mw: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub name: String,
    /// Node index: zones first, then external grids.
    pub from: usize,
    pub to: usize,
    pub circuits: u32,
    /// Transfer capability with k circuits up, k = 0..=circuits.
    pub capacity_by_circuits_up_mw: Vec<f64>,
    pub loss_pu: f64,
    /// Transfer capability to → from as a fraction of from → to.
    pub reverse_capacity_pu: f64,
    pub outages: Outages,
    /// Hourly transfer limit with every circuit up (MW), when given as a CSV
    /// series; fewer circuits scale it by the capacity_by_circuits_up ratio.
    #[serde(skip)]
    pub capacity_series_mw: Option<Vec<f64>>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub enum SurplusUse {
    Export,
    Hydrogen,
    Storage,
}

impl SurplusUse {
    pub const NAMES: [&'static str; 3] = ["export", "hydrogen", "storage"];
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "export" => Some(Self::Export),
            "hydrogen" => Some(Self::Hydrogen),
            "storage" => Some(Self::Storage),
            _ => None,
        }
    }
}

/// Sources that cover a deficit after other zones' renewable surplus.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub enum DeficitSource {
    Storage,
    Generators,
    Imports,
}

impl DeficitSource {
    pub const NAMES: [&'static str; 3] = ["storage", "generators", "imports"];
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "storage" => Some(Self::Storage),
            "generators" => Some(Self::Generators),
            "imports" => Some(Self::Imports),
            _ => None,
        }
    }
}

/// How each hour is dispatched (`[dispatch] policy`).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DispatchPolicy {
    /// Maximise the hour's value (lost load, exports, hydrogen, imports,
    /// generator costs, cycling) with stores bidding from a look-ahead over
    /// the sample's own next hours (`src/sim/dispatch/value.rs`).
    Value,
    /// The fixed priority lists (`surplus_priority`, `deficit_priority`),
    /// kept so that earlier studies can be reproduced.
    Rules,
    /// The whole horizon as one linear programme: the perfect-foresight
    /// optimum of each sample (a reference; slow on long horizons).
    Foresight,
}

impl DispatchPolicy {
    pub const NAMES: [&'static str; 3] = ["value", "rules", "foresight"];
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "value" => Some(Self::Value),
            "foresight" => Some(Self::Foresight),
            "rules" => Some(Self::Rules),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DispatchRules {
    pub policy: DispatchPolicy,
    /// Hours of the sample's own future a store sees (value policy);
    /// 0: the whole horizon.
    pub lookahead_h: usize,
    /// Stores end the horizon with at least the energy they started with
    /// (value policy; default for horizons of a year or more).
    pub cyclic_storage: bool,
    /// Value of lost load, CNY per MWh not served.
    pub value_of_lost_load_cny_per_mwh: f64,
    /// Cost of cycling a store, CNY per MWh discharged.
    pub storage_cycling_cost_cny_per_mwh: f64,
    pub surplus_priority: Vec<SurplusUse>,
    pub deficit_priority: Vec<DeficitSource>,
    pub storage_discharge_to_export: bool,
    pub storage_charge_from_generators: bool,
}

/// Costs and values (CNY), resolved into annual figures for the study year.
/// Every capital cost scales with what it buys: wind per kW, PV per kWdc,
/// storage per kW plus per kWh, electrolysers per kW, lines per MW·km of
/// rating plus, for HVDC, converter stations per kW. Capital is annualised
/// with the capital recovery factor r(1+r)^n/((1+r)^n − 1) over each
/// technology's life; fixed O&M is per kW-year (lines: a share of their
/// capital per year); variable O&M is per MWh (`metrics::record`).
#[derive(Debug, Clone, Serialize)]
pub struct Economics {
    pub discount_rate_pu: f64,
    pub project_life_years: f64,
    pub export_tariff_cny_per_mwh: f64,
    pub import_price_cny_per_mwh: f64,
    pub hydrogen_value_cny_per_kg: f64,
    /// Overnight capital of everything installed in the study year.
    pub capex_cny: f64,
    /// Its parts: wind, solar, storage, electrolysers, lines (with converters).
    pub capex_wind_cny: f64,
    pub capex_solar_cny: f64,
    pub capex_storage_cny: f64,
    pub capex_electrolysers_cny: f64,
    pub capex_lines_cny: f64,
    /// Annualised capital + fixed O&M of wind and solar fleets.
    pub annual_fixed_renewables_cny: f64,
    /// ... of storage, electrolysers and lines.
    pub annual_fixed_storage_cny: f64,
    pub annual_fixed_electrolysers_cny: f64,
    pub annual_fixed_lines_cny: f64,
    /// Variable O&M per MWh generated (wind, solar), discharged (storage)
    /// or consumed (electrolysers).
    pub wind_variable_om_cny_per_mwh: f64,
    pub solar_variable_om_cny_per_mwh: f64,
    pub storage_variable_om_cny_per_mwh: f64,
    pub electrolyser_variable_om_cny_per_mwh: f64,
    /// Σ 1/(1+r)^y for y = 1..project life.
    pub annuity_factor: f64,
    /// Capital of each line in service.
    pub lines: Vec<LineCost>,
    /// The prices and unit costs used, for the report's assumptions table.
    pub assumptions: Vec<Assumption>,
}

/// One line's capital: rating (MW with every circuit up) × length ×
/// cost per MW·km, plus converter stations (both ends) per kW of rating
/// for HVDC.
#[derive(Debug, Clone, Serialize)]
pub struct LineCost {
    pub name: String,
    pub hvdc: bool,
    pub rating_mw: f64,
    pub length_km: f64,
    pub capex_cny_per_mw_km: f64,
    pub converter_capex_cny_per_kw: f64,
    pub capex_cny: f64,
}

/// One resolved economic input: its scenario key, a name for people, the
/// value and its unit.
#[derive(Debug, Clone, Serialize)]
pub struct Assumption {
    pub key: String,
    pub label: String,
    pub value: f64,
    pub unit: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Emissions {
    pub grid_co2_t_per_mwh: f64,
    pub coal_tce_per_mwh: f64,
}

/// Clock of the study: hour `t` of the horizon starts at
/// `start_unix_s + 3600 t` (UTC); `month`, `day_of_year` and `hour_of_day`
/// are in the study time zone (that of the first zone).
#[derive(Debug, Clone, Serialize)]
pub struct Calendar {
    pub year: i32,
    pub utc_offset_h: f64,
    pub start_unix_s: f64,
    #[serde(skip)]
    pub month: Vec<u8>,
    #[serde(skip)]
    pub day_of_year: Vec<u16>,
    #[serde(skip)]
    pub hour_of_day: Vec<u8>,
}

impl Calendar {
    pub fn hours(&self) -> usize {
        self.month.len()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Model {
    pub name: String,
    pub title: String,
    pub description: String,
    pub sources: Vec<String>,
    pub study_year: i32,
    pub calendar: Calendar,
    pub zones: Vec<Zone>,
    pub external_grids: Vec<ExternalGrid>,
    pub sites: Vec<Site>,
    /// Names of the correlated latent variables, `site.variable`.
    pub correlation_names: Vec<String>,
    /// Lower Cholesky factor of the correlation of the hourly innovations,
    /// ordered as `correlation_names` (site-major: wind, cloud, temperature).
    #[serde(skip)]
    pub correlation_cholesky: DMatrix<f64>,
    pub wind_fleets: Vec<WindFleet>,
    pub solar_fleets: Vec<SolarFleet>,
    pub generators: Vec<Generator>,
    pub storage: Vec<Storage>,
    pub electrolysers: Vec<Electrolyser>,
    pub loads: Vec<Load>,
    pub lines: Vec<Line>,
    pub dispatch: DispatchRules,
    pub emissions: Emissions,
    pub economics: Economics,
    /// Hourly `[p_fail, p_repair]` of outage groups with per-step
    /// probabilities (see `Outages::schedule`).
    #[serde(skip)]
    pub outage_schedules: Vec<Vec<[f64; 2]>>,
    pub default_samples: u64,
    pub default_seed: u64,
}

impl Model {
    pub fn n_nodes(&self) -> usize {
        self.zones.len() + self.external_grids.len()
    }
    pub fn hours(&self) -> usize {
        self.calendar.hours()
    }
    pub fn node_name(&self, node: usize) -> &str {
        if node < self.zones.len() {
            &self.zones[node].name
        } else {
            &self.external_grids[node - self.zones.len()].name
        }
    }
}

/// Hydrogen output of an electrolyser plant.
///
/// Simplification: a part-load curve is a stack-level curve applied to the
/// whole online plant, i.e. every online stack runs at the same load
/// (P / online capacity); no stack rotation or sequential dispatch of stacks.
impl Electrolyser {
    /// Hydrogen per MWh of input at `load_pu` of the online capacity, kg/MWh.
    #[inline]
    pub fn kg_per_mwh(&self, load_pu: f64) -> f64 {
        match &self.consumption_curve {
            None => 1000.0 / self.consumption_kwh_per_kg,
            Some(c) => 1000.0 / c.at(load_pu),
        }
    }

    /// Largest input power (MW, at most `cap_mw` online) whose hour of
    /// hydrogen, `P·kg_per_mwh(P/cap_mw)`, is at most `room_kg`. With a curve
    /// the output is not linear in power but increasing (checked in
    /// `resolve`): between two points the consumption is a + b·ℓ, so
    /// ℓ/(a + b·ℓ) = r solves to ℓ = r·a/(1 − r·b), r = room/(1000·cap).
    pub fn power_for_kg(&self, cap_mw: f64, room_kg: f64) -> f64 {
        let Some(c) = &self.consumption_curve else {
            return cap_mw.min(room_kg / self.kg_per_mwh(1.0));
        };
        if cap_mw.is_nan() || cap_mw <= 0.0 {
            return 0.0;
        }
        let r = room_kg.max(0.0) / (1000.0 * cap_mw);
        if r >= 1.0 / c.at(1.0) {
            return cap_mw;
        }
        let (l, k) = (&c.x, &c.y);
        let n = l.len();
        let load = if r <= l[0] / k[0] {
            r * k[0]
        } else if let Some(i) = (0..n - 1).find(|&i| r <= l[i + 1] / k[i + 1]) {
            let b = (k[i + 1] - k[i]) / (l[i + 1] - l[i]);
            let a = k[i] - b * l[i];
            r * a / (1.0 - r * b)
        } else {
            r * k[n - 1]
        };
        (load * cap_mw).clamp(0.0, cap_mw)
    }
}

impl Generator {
    /// Capacity before outages in hour `t`.
    #[inline]
    pub fn capacity_at(&self, t: usize) -> f64 {
        self.capacity_series_mw.as_ref().map_or(self.capacity_mw, |s| s[t])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn electrolyser(curve: Option<Curve>) -> Electrolyser {
        Electrolyser {
            name: "e".into(),
            zone: 0,
            capacity_mw: 100.0,
            min_load_pu: 0.1,
            consumption_kwh_per_kg: 50.0,
            consumption_curve: curve,
            store_kg: 0.0,
            initial_store_pu: 0.0,
            offtake_kg_per_h: 0.0,
            outages: Outages::none(1),
        }
    }

    #[test]
    fn electrolyser_part_load_inverts_exactly() {
        let e = electrolyser(Some(Curve { x: vec![0.2, 0.5, 1.0], y: vec![60.0, 50.0, 55.0] }));
        // Hand values: 30 % load → 60 − (0.1/0.3)·10 = 56.667 kWh/kg,
        // 17.647 kg/MWh; 100 % → 55 kWh/kg; below 20 % → 60 kWh/kg.
        assert!((e.kg_per_mwh(0.3) - 1000.0 / 56.666_666_666_666_664).abs() < 1e-9);
        assert!((e.kg_per_mwh(1.0) - 1000.0 / 55.0).abs() < 1e-12);
        assert!((e.kg_per_mwh(0.05) - 1000.0 / 60.0).abs() < 1e-12);
        let kg = |p: f64, cap: f64| p * e.kg_per_mwh(p / cap);
        for cap in [100.0, 37.5] {
            for p in [0.0, 1.0, 10.0, 19.0, 20.0, 33.0, 50.0, 70.0, 99.0] {
                let p = p * cap / 100.0;
                let back = e.power_for_kg(cap, kg(p, cap));
                assert!((back - p).abs() < 1e-9 * cap, "cap {cap} p {p}: {back}");
            }
            assert_eq!(e.power_for_kg(cap, f64::INFINITY), cap);
            assert_eq!(e.power_for_kg(cap, kg(cap, cap) * 1.01), cap);
        }
        assert_eq!(e.power_for_kg(0.0, 100.0), 0.0);
        // Constant consumption: the room divided by 20 kg/MWh.
        let c = electrolyser(None);
        assert_eq!(c.kg_per_mwh(0.3), 20.0);
        assert_eq!(c.power_for_kg(100.0, 500.0), 25.0);
        assert_eq!(c.power_for_kg(100.0, 5000.0), 100.0);
    }

    #[test]
    fn curve_interpolates_and_holds_its_ends() {
        let c = Curve { x: vec![0.2, 0.5, 1.0], y: vec![10.0, 4.0, 6.0] };
        assert_eq!(c.at(0.0), 10.0);
        assert_eq!(c.at(0.2), 10.0);
        assert!((c.at(0.35) - 7.0).abs() < 1e-12);
        assert_eq!(c.at(0.5), 4.0);
        assert!((c.at(0.75) - 5.0).abs() < 1e-12);
        assert_eq!(c.at(1.0), 6.0);
        assert_eq!(c.at(3.0), 6.0);
        assert_eq!(c.at(f64::NAN), 10.0);
    }
}
