//! Raw scenario structs: a one-to-one mirror of the TOML file, nothing more.
//!
//! These types only know serde. They carry no validation beyond types and
//! unknown-key rejection (`deny_unknown_fields`); `resolve` turns them into
//! the validated [`crate::model::Model`] the engine sees. Units are in field
//! names (`capacity_mw`, `energy_mwh`, `efficiency_pu`). The field-by-field
//! reference is `crate::model::scenario::reference`, checked against these structs
//! by a test so that the documentation cannot drift.

use serde::Deserialize;
use std::collections::BTreeMap;

/// A value that may change with the study year: either a constant, or a
/// build-out schedule `{ 2024 = 1000, 2027 = 3000 }` giving the value from
/// each year on (zero before the first year listed).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Scheduled {
    Constant(f64),
    ByYear(BTreeMap<String, f64>),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub scenario: RawMeta,
    #[serde(default)]
    pub run: RawRun,
    #[serde(default)]
    pub dispatch: RawDispatch,
    #[serde(default)]
    pub emissions: RawEmissions,
    #[serde(default)]
    pub economics: RawEconomics,
    #[serde(default)]
    pub zone: Vec<RawZone>,
    #[serde(default)]
    pub external_grid: Vec<RawExternalGrid>,
    #[serde(default)]
    pub site: Vec<RawSite>,
    #[serde(default)]
    pub correlation: Vec<RawCorrelation>,
    #[serde(default)]
    pub wind_fleet: Vec<RawWindFleet>,
    #[serde(default)]
    pub solar_fleet: Vec<RawSolarFleet>,
    #[serde(default)]
    pub generator: Vec<RawGenerator>,
    #[serde(default)]
    pub storage: Vec<RawStorage>,
    #[serde(default)]
    pub electrolyser: Vec<RawElectrolyser>,
    #[serde(default)]
    pub load: Vec<RawLoad>,
    #[serde(default)]
    pub line: Vec<RawLine>,
    /// `renewplan sweep` axes: key = "START:STOP:STEP" or "V1,V2,...";
    /// ignored by `run`.
    #[serde(default)]
    pub sweep: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    pub name: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub study_year: i32,
    #[serde(default)]
    pub horizon_h: Option<u32>,
    #[serde(default)]
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawRun {
    #[serde(default)]
    pub samples: Option<u64>,
    #[serde(default)]
    pub seed: Option<u64>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawDispatch {
    #[serde(default)]
    pub policy: Option<String>,
    #[serde(default)]
    pub lookahead_h: Option<f64>,
    #[serde(default)]
    pub cyclic_storage: Option<bool>,
    #[serde(default)]
    pub value_of_lost_load_cny_per_mwh: Option<f64>,
    #[serde(default)]
    pub storage_cycling_cost_cny_per_mwh: Option<f64>,
    #[serde(default)]
    pub surplus_priority: Option<Vec<String>>,
    #[serde(default)]
    pub deficit_priority: Option<Vec<String>>,
    #[serde(default)]
    pub storage_discharge_to_export: Option<bool>,
    #[serde(default)]
    pub storage_charge_from_generators: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawEmissions {
    #[serde(default)]
    pub grid_co2_t_per_mwh: Option<f64>,
    #[serde(default)]
    pub coal_tce_per_mwh: Option<f64>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawEconomics {
    #[serde(default)]
    pub discount_rate_pu: Option<f64>,
    #[serde(default)]
    pub project_life_years: Option<f64>,
    #[serde(default)]
    pub export_tariff_cny_per_mwh: Option<f64>,
    #[serde(default)]
    pub import_price_cny_per_mwh: Option<f64>,
    #[serde(default)]
    pub hydrogen_value_cny_per_kg: Option<f64>,
    #[serde(default)]
    pub wind_capex_cny_per_kw: Option<f64>,
    #[serde(default)]
    pub solar_capex_cny_per_kwdc: Option<f64>,
    #[serde(default)]
    pub storage_capex_cny_per_kwh: Option<f64>,
    #[serde(default)]
    pub storage_power_capex_cny_per_kw: Option<f64>,
    #[serde(default)]
    pub electrolyser_capex_cny_per_kw: Option<f64>,
    #[serde(default)]
    pub line_capex_cny_per_mw_km: Option<f64>,
    #[serde(default)]
    pub hvdc_line_capex_cny_per_mw_km: Option<f64>,
    #[serde(default)]
    pub hvdc_converter_capex_cny_per_kw: Option<f64>,
    #[serde(default)]
    pub wind_fixed_om_cny_per_kw_year: Option<f64>,
    #[serde(default)]
    pub solar_fixed_om_cny_per_kwdc_year: Option<f64>,
    #[serde(default)]
    pub storage_fixed_om_cny_per_kw_year: Option<f64>,
    #[serde(default)]
    pub electrolyser_fixed_om_cny_per_kw_year: Option<f64>,
    #[serde(default)]
    pub line_fixed_om_pu_per_year: Option<f64>,
    #[serde(default)]
    pub wind_variable_om_cny_per_mwh: Option<f64>,
    #[serde(default)]
    pub solar_variable_om_cny_per_mwh: Option<f64>,
    #[serde(default)]
    pub storage_variable_om_cny_per_mwh: Option<f64>,
    #[serde(default)]
    pub electrolyser_variable_om_cny_per_mwh: Option<f64>,
    #[serde(default)]
    pub wind_life_years: Option<f64>,
    #[serde(default)]
    pub solar_life_years: Option<f64>,
    #[serde(default)]
    pub storage_life_years: Option<f64>,
    #[serde(default)]
    pub electrolyser_life_years: Option<f64>,
    #[serde(default)]
    pub line_life_years: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawZone {
    pub name: String,
    pub latitude_deg: f64,
    pub longitude_deg: f64,
    #[serde(default)]
    pub elevation_m: f64,
    pub utc_offset_h: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExternalGrid {
    pub name: String,
    #[serde(default)]
    pub max_export_mw: Option<Scheduled>,
    #[serde(default)]
    pub max_import_mw: Option<Scheduled>,
    #[serde(default)]
    pub export_price_cny_per_mwh: Option<f64>,
    #[serde(default)]
    pub import_price_cny_per_mwh: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSite {
    pub name: String,
    pub latitude_deg: f64,
    pub longitude_deg: f64,
    #[serde(default)]
    pub elevation_m: f64,
    #[serde(default)]
    pub wind_mean_m_s: Option<f64>,
    #[serde(default)]
    pub wind_height_m: Option<f64>,
    #[serde(default)]
    pub wind_weibull_k: Option<f64>,
    #[serde(default)]
    pub wind_monthly_factor: Option<Vec<f64>>,
    #[serde(default)]
    pub wind_diurnal_amplitude_pu: Option<f64>,
    #[serde(default)]
    pub wind_diurnal_peak_hour: Option<f64>,
    #[serde(default)]
    pub wind_hourly_persistence: Option<f64>,
    #[serde(default)]
    pub roughness_length_m: Option<f64>,
    #[serde(default)]
    pub clear_sky_index_monthly: Option<Vec<f64>>,
    #[serde(default)]
    pub clear_sky_index_spread: Option<f64>,
    #[serde(default)]
    pub clear_sky_index_daily_share: Option<f64>,
    #[serde(default)]
    pub clear_sky_index_daily_persistence: Option<f64>,
    #[serde(default)]
    pub clear_sky_index_hourly_persistence: Option<f64>,
    #[serde(default)]
    pub wind_cloudiness_daily_correlation: Option<f64>,
    #[serde(default)]
    pub wind_interannual_sd_pu: Option<f64>,
    #[serde(default)]
    pub irradiance_interannual_sd_pu: Option<f64>,
    #[serde(default)]
    pub linke_turbidity_monthly: Option<Vec<f64>>,
    #[serde(default)]
    pub clear_sky_model: Option<String>,
    #[serde(default)]
    pub dust_days_per_year: Option<f64>,
    #[serde(default)]
    pub dust_months: Option<Vec<u32>>,
    #[serde(default)]
    pub dust_irradiance_factor_pu: Option<f64>,
    #[serde(default)]
    pub temperature_monthly_c: Option<Vec<f64>>,
    #[serde(default)]
    pub temperature_diurnal_amplitude_c: Option<f64>,
    #[serde(default)]
    pub temperature_anomaly_sd_c: Option<f64>,
    #[serde(default)]
    pub temperature_hourly_persistence: Option<f64>,
    #[serde(default)]
    pub albedo_pu: Option<f64>,
    #[serde(default)]
    pub data_file: Option<String>,
    #[serde(default)]
    pub data_format: Option<String>,
    #[serde(default)]
    pub data_mode: Option<String>,
    #[serde(default)]
    pub generic: Option<RawGeneric>,
    #[serde(default)]
    pub block_days: Option<u32>,
    #[serde(default)]
    pub window_days: Option<u32>,
    #[serde(default)]
    pub shear_exponent: Option<f64>,
}

/// One column name, or several (a time stamp spread over columns).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum ColumnNames {
    One(String),
    Many(Vec<String>),
}

/// Layout of a site's generic hourly CSV (`data_format = "generic"`),
/// the `[site.generic]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGeneric {
    pub time_column: ColumnNames,
    #[serde(default)]
    pub time_format: Option<String>,
    #[serde(default)]
    pub year: Option<i32>,
    #[serde(default)]
    pub utc_offset_h: Option<f64>,
    #[serde(default)]
    pub time_convention: Option<String>,
    #[serde(default)]
    pub header_line: Option<usize>,
    #[serde(default)]
    pub footer_lines: Option<usize>,
    #[serde(default)]
    pub delimiter: Option<String>,
    #[serde(default)]
    pub missing: Option<Vec<String>>,
    #[serde(default)]
    pub ghi_column: Option<String>,
    #[serde(default)]
    pub dni_column: Option<String>,
    #[serde(default)]
    pub dhi_column: Option<String>,
    #[serde(default)]
    pub irradiance_unit: Option<String>,
    #[serde(default)]
    pub temperature_column: Option<String>,
    #[serde(default)]
    pub temperature_unit: Option<String>,
    #[serde(default)]
    pub wind_column: Option<String>,
    #[serde(default)]
    pub wind_height_m: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCorrelation {
    pub a: String,
    pub b: String,
    pub rho: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWindFleet {
    pub name: String,
    pub zone: String,
    pub site: String,
    pub capacity_mw: Scheduled,
    #[serde(default)]
    pub turbine: Option<String>,
    #[serde(default)]
    pub power_curve_m_s: Option<Vec<f64>>,
    #[serde(default)]
    pub power_curve_pu: Option<Vec<f64>>,
    #[serde(default)]
    pub unit_mw: Option<f64>,
    #[serde(default)]
    pub hub_height_m: Option<f64>,
    #[serde(default)]
    pub area_km2: Option<f64>,
    #[serde(default)]
    pub losses_pu: Option<f64>,
    #[serde(default)]
    pub forced_outage_rate_pu: Option<f64>,
    #[serde(default)]
    pub mttr_h: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSolarFleet {
    pub name: String,
    pub zone: String,
    pub site: String,
    pub capacity_mwdc: Scheduled,
    #[serde(default)]
    pub dc_ac_ratio: Option<f64>,
    #[serde(default)]
    pub mounting: Option<String>,
    #[serde(default)]
    pub tilt_deg: Option<f64>,
    #[serde(default)]
    pub azimuth_deg: Option<f64>,
    #[serde(default)]
    pub tracker_max_angle_deg: Option<f64>,
    #[serde(default)]
    pub ground_coverage_ratio_pu: Option<f64>,
    #[serde(default)]
    pub temperature_coefficient_per_c: Option<f64>,
    #[serde(default)]
    pub noct_c: Option<f64>,
    #[serde(default)]
    pub losses_pu: Option<f64>,
    #[serde(default)]
    pub inverter_efficiency_pu: Option<f64>,
    #[serde(default)]
    pub soiling_rate_pu_per_day: Option<f64>,
    #[serde(default)]
    pub cleaning_interval_days: Option<u32>,
    #[serde(default)]
    pub dust_soiling_pu: Option<f64>,
    #[serde(default)]
    pub degradation_first_year_pu: Option<f64>,
    #[serde(default)]
    pub degradation_per_year_pu: Option<f64>,
    #[serde(default)]
    pub inverter_block_mwac: Option<f64>,
    #[serde(default)]
    pub forced_outage_rate_pu: Option<f64>,
    #[serde(default)]
    pub mttr_h: Option<f64>,
    #[serde(default)]
    pub sky_model: Option<String>,
    #[serde(default)]
    pub cell_temperature_model: Option<String>,
    #[serde(default)]
    pub sapm_mounting: Option<String>,
    #[serde(default)]
    pub sapm_a: Option<f64>,
    #[serde(default)]
    pub sapm_b_s_per_m: Option<f64>,
    #[serde(default)]
    pub sapm_delta_t_c: Option<f64>,
    #[serde(default)]
    pub pvsyst_uc_w_m2k: Option<f64>,
    #[serde(default)]
    pub pvsyst_uv_w_s_m3k: Option<f64>,
    #[serde(default)]
    pub module_efficiency_pu: Option<f64>,
    #[serde(default)]
    pub absorptance_pu: Option<f64>,
    #[serde(default)]
    pub iam_model: Option<String>,
    #[serde(default)]
    pub iam_b0: Option<f64>,
    #[serde(default)]
    pub iam_a_r: Option<f64>,
    #[serde(default)]
    pub inverter_model: Option<String>,
    #[serde(default)]
    pub inverter_curve_load_pu: Option<Vec<f64>>,
    #[serde(default)]
    pub inverter_curve_efficiency_pu: Option<Vec<f64>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGenerator {
    pub name: String,
    pub zone: String,
    pub capacity_mw: Scheduled,
    #[serde(default)]
    pub units: Option<u32>,
    #[serde(default)]
    pub forced_outage_rate_pu: Option<f64>,
    #[serde(default)]
    pub mttr_h: Option<f64>,
    #[serde(default)]
    pub variable_cost_cny_per_mwh: Option<f64>,
    #[serde(default)]
    pub co2_t_per_mwh: Option<f64>,
    #[serde(default)]
    pub failure_probability_per_h: Option<f64>,
    #[serde(default)]
    pub repair_probability_per_h: Option<f64>,
    #[serde(default)]
    pub outage_csv: Option<String>,
    #[serde(default)]
    pub capacity_csv: Option<String>,
    #[serde(default)]
    pub capacity_csv_column: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStorage {
    pub name: String,
    pub zone: String,
    #[serde(default)]
    pub technology: Option<String>,
    pub charge_mw: Scheduled,
    #[serde(default)]
    pub discharge_mw: Option<Scheduled>,
    pub energy_mwh: Scheduled,
    #[serde(default)]
    pub round_trip_efficiency_pu: Option<f64>,
    #[serde(default)]
    pub soc_min_pu: Option<f64>,
    #[serde(default)]
    pub soc_max_pu: Option<f64>,
    #[serde(default)]
    pub initial_soc_pu: Option<f64>,
    #[serde(default)]
    pub self_discharge_pu_per_h: Option<f64>,
    #[serde(default)]
    pub units: Option<u32>,
    #[serde(default)]
    pub forced_outage_rate_pu: Option<f64>,
    #[serde(default)]
    pub mttr_h: Option<f64>,
    #[serde(default)]
    pub failure_probability_per_h: Option<f64>,
    #[serde(default)]
    pub repair_probability_per_h: Option<f64>,
    #[serde(default)]
    pub outage_csv: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawElectrolyser {
    pub name: String,
    pub zone: String,
    pub capacity_mw: Scheduled,
    #[serde(default)]
    pub min_load_pu: Option<f64>,
    #[serde(default)]
    pub consumption_kwh_per_kg: Option<f64>,
    #[serde(default)]
    pub consumption_curve_load_pu: Option<Vec<f64>>,
    #[serde(default)]
    pub consumption_curve_kwh_per_kg: Option<Vec<f64>>,
    #[serde(default)]
    pub store_kg: Option<Scheduled>,
    #[serde(default)]
    pub initial_store_pu: Option<f64>,
    #[serde(default)]
    pub offtake_kg_per_h: Option<Scheduled>,
    #[serde(default)]
    pub units: Option<u32>,
    #[serde(default)]
    pub forced_outage_rate_pu: Option<f64>,
    #[serde(default)]
    pub mttr_h: Option<f64>,
    #[serde(default)]
    pub failure_probability_per_h: Option<f64>,
    #[serde(default)]
    pub repair_probability_per_h: Option<f64>,
    #[serde(default)]
    pub outage_csv: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLoad {
    pub name: String,
    pub zone: String,
    #[serde(default)]
    pub mw: Option<Scheduled>,
    #[serde(default)]
    pub monthly_factor: Option<Vec<f64>>,
    #[serde(default)]
    pub hourly_factor: Option<Vec<f64>>,
    #[serde(default)]
    pub csv: Option<String>,
    #[serde(default)]
    pub csv_column: Option<String>,
    #[serde(default)]
    pub firm: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLine {
    pub name: String,
    pub from: String,
    pub to: String,
    pub circuits: Scheduled,
    pub circuit_mw: f64,
    #[serde(default)]
    pub capacity_by_circuits_up_mw: Option<Vec<f64>>,
    #[serde(default)]
    pub loss_pu: Option<f64>,
    #[serde(default)]
    pub length_km: Option<f64>,
    #[serde(default)]
    pub outages_per_100km_year: Option<f64>,
    #[serde(default)]
    pub forced_outage_rate_pu: Option<f64>,
    #[serde(default)]
    pub mttr_h: Option<f64>,
    #[serde(default)]
    pub failure_probability_per_h: Option<f64>,
    #[serde(default)]
    pub repair_probability_per_h: Option<f64>,
    #[serde(default)]
    pub outage_csv: Option<String>,
    #[serde(default)]
    pub capacity_csv: Option<String>,
    #[serde(default)]
    pub capacity_csv_column: Option<String>,
    #[serde(default)]
    pub technology: Option<String>,
    #[serde(default)]
    pub capex_cny_per_mw_km: Option<f64>,
    #[serde(default)]
    pub converter_capex_cny_per_kw: Option<f64>,
    #[serde(default)]
    pub reverse_capacity_pu: Option<f64>,
}
