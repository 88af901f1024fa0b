//! The scenario file reference: every table and key, its type, unit,
//! default and meaning. `renewplan reference` prints it as Markdown and
//! `docs/scenario-reference.md` is that output; tests check that the keys
//! listed here are exactly the keys the parser accepts and that the doc file
//! is up to date, so the reference cannot drift from the code.

/// (key, type, default, meaning with unit and source).
pub type Field = (&'static str, &'static str, &'static str, &'static str);

/// (table, how it appears, summary, fields).
pub type Section = (&'static str, &'static str, &'static str, &'static [Field]);

pub const SECTIONS: &[Section] = &[
    (
        "scenario",
        "[scenario]",
        "What is studied.",
        &[
            ("name", "string", "required", "Short identifier, used in file names and charts."),
            ("title", "string", "name", "One-line title for reports."),
            ("description", "string", "\"\"", "What question the scenario answers."),
            ("study_year", "integer", "required", "Year simulated; build-out schedules are evaluated for it."),
            ("horizon_h", "integer", "hours of the year", "Hours per sample, from 1 January 00:00 local time."),
            ("sources", "array of strings", "[]", "Where the numbers come from."),
        ],
    ),
    (
        "run",
        "[run]",
        "Defaults for `renewplan run` (the command line overrides them).",
        &[
            ("samples", "integer", "1000", "Monte Carlo samples (possible years)."),
            ("seed", "integer", "20240601", "Seed; with the sample index, stream and asset name it fixes every draw."),
        ],
    ),
    (
        "dispatch",
        "[dispatch]",
        "How every hour is dispatched (see `src/sim/dispatch/value.rs` for the value policy, `src/sim/dispatch/mod.rs` for the rules).",
        &[
            (
                "policy",
                "string",
                "\"value\"",
                "\"value\": each hour maximises its value (lost load, exports, hydrogen, imports, generator costs) with stores bidding from a look-ahead; \"rules\": the priority lists below (the default when one of them is given without `policy`, so older files reproduce); \"foresight\": the whole horizon as one linear programme (the perfect-foresight optimum; slow on long horizons).",
            ),
            (
                "lookahead_h",
                "integer",
                "48",
                "Hours of the sample's own future the stores see under the value policy, re-planned every 24 h; 0: the whole horizon.",
            ),
            (
                "cyclic_storage",
                "bool",
                "true for horizons of 8760 h or more, else false",
                "Stores end the horizon with at least the energy they started with (value and foresight policies).",
            ),
            (
                "value_of_lost_load_cny_per_mwh",
                "number",
                "30000",
                "CNY per MWh not served. No official Chinese figure; international practice 5,000–20,000 USD/MWh (DOMAIN.md), an assumption.",
            ),
            (
                "storage_cycling_cost_cny_per_mwh",
                "number",
                "0",
                "CNY per MWh a store discharges (wear); 0 leaves cycling free.",
            ),
            (
                "surplus_priority",
                "array of strings",
                "[\"export\", \"hydrogen\", \"storage\"]",
                "Rules policy: order in which surplus renewable energy is used; any order of export, hydrogen, storage.",
            ),
            (
                "deficit_priority",
                "array of strings",
                "[\"storage\", \"generators\", \"imports\"]",
                "Order in which storage, dispatchable generators and imports cover a deficit left after other zones' renewable surplus; a source left out is not used for deficits.",
            ),
            (
                "storage_charge_from_generators",
                "bool",
                "false",
                "Stores also charge from spare dispatchable capacity in their zone when no load is short; with deficit_priority = [\"generators\", \"storage\", \"imports\"] this is PRAS's dispatch.",
            ),
            (
                "storage_discharge_to_export",
                "bool",
                "true",
                "Storage discharges into export capacity left over after surplus.",
            ),
        ],
    ),
    (
        "emissions",
        "[emissions]",
        "Factors for avoided emissions.",
        &[
            ("grid_co2_t_per_mwh", "number", "0.5857", "t CO2/MWh; Northwest China grid 2022 (MEE)."),
            ("coal_tce_per_mwh", "number", "0.300", "t standard coal per MWh of thermal supply (300 gce/kWh)."),
        ],
    ),
    (
        "economics",
        "[economics]",
        "Costs and values, CNY (DOMAIN.md, 2024 prices; M–L confidence). Every asset installed in the study year is costed at overnight capital tied to what it buys (kW, kWh, MW·km of line rating, kW of HVDC converter stations), annualised over its life at the discount rate, plus fixed O&M per kW-year and variable O&M per MWh. A line's capital is its rating with every circuit up (MW) × length (km) × cost per MW·km, plus for `technology = \"hvdc\"` its rating × converter cost per kW: doubling a line's rating doubles its capital.",
        &[
            ("discount_rate_pu", "number", "0.06", "Real discount rate (assumption)."),
            ("project_life_years", "number", "25", "Horizon of the net present value."),
            (
                "export_tariff_cny_per_mwh",
                "number",
                "260",
                "Price of exported energy (assumption: Ningxia coal benchmark ≈ 0.26 CNY/kWh).",
            ),
            ("import_price_cny_per_mwh", "number", "350", "Price of imported energy (assumption)."),
            ("hydrogen_value_cny_per_kg", "number", "20", "Value of hydrogen delivered (assumption; DOMAIN: 20–30)."),
            ("wind_capex_cny_per_kw", "number", "4000", "Onshore wind (DOMAIN)."),
            ("solar_capex_cny_per_kwdc", "number", "3000", "PV, 3.0 CNY/W (DOMAIN)."),
            (
                "storage_capex_cny_per_kwh",
                "number",
                "700",
                "Storage energy (assumption: with the power part, DOMAIN's battery turnkey 0.8 CNY/Wh at 4 h; applied to every storage technology).",
            ),
            (
                "storage_power_capex_cny_per_kw",
                "number",
                "400",
                "Storage power (converters, grid connection) per kW of discharge rating (assumption: 4 h × 700 + 400 = 3,200 CNY/kW = 0.8 CNY/Wh).",
            ),
            ("electrolyser_capex_cny_per_kw", "number", "3000", "Electrolyser installed (DOMAIN)."),
            (
                "line_capex_cny_per_mw_km",
                "number",
                "1250",
                "AC line, per MW of rating per km (DOMAIN: 500 kV double circuit 2.5–3.5 M CNY/km for its 2,400 MW: 3.0 M / 2,400); a line's own capex_cny_per_mw_km overrides it.",
            ),
            (
                "hvdc_line_capex_cny_per_mw_km",
                "number",
                "1100",
                "HVDC line without converters, per MW per km (DOMAIN: ±800 kV, 8 GW, ≈ 1,600 km ≈ 20–30 bn CNY, converters 40–50 %: 55 % of 25 bn / (8,000 MW × 1,600 km)).",
            ),
            (
                "hvdc_converter_capex_cny_per_kw",
                "number",
                "1400",
                "HVDC converter stations, both ends, per kW of rating (DOMAIN: 45 % of 25 bn / 8 GW). With the line: 8 GW × 1,600 km ≈ 25.3 bn CNY.",
            ),
            ("wind_fixed_om_cny_per_kw_year", "number", "80", "Wind fixed O&M (assumption: 2 % of capital a year)."),
            ("solar_fixed_om_cny_per_kwdc_year", "number", "60", "PV fixed O&M (assumption: 2 % of capital a year)."),
            (
                "storage_fixed_om_cny_per_kw_year",
                "number",
                "64",
                "Storage fixed O&M per kW of discharge rating (assumption: 2 % of a 4-h system's capital a year).",
            ),
            (
                "electrolyser_fixed_om_cny_per_kw_year",
                "number",
                "60",
                "Electrolyser fixed O&M (assumption: 2 % of capital a year).",
            ),
            (
                "line_fixed_om_pu_per_year",
                "number",
                "0.02",
                "Line and converter O&M as a share of their capital per year (assumption).",
            ),
            (
                "wind_variable_om_cny_per_mwh",
                "number",
                "0",
                "Wind O&M per MWh used (assumption: O&M is contracted per kW).",
            ),
            (
                "solar_variable_om_cny_per_mwh",
                "number",
                "0",
                "PV O&M per MWh used (assumption: O&M is contracted per kW).",
            ),
            (
                "storage_variable_om_cny_per_mwh",
                "number",
                "0",
                "Storage O&M per MWh discharged (assumption: wear is in the storage life).",
            ),
            (
                "electrolyser_variable_om_cny_per_mwh",
                "number",
                "20",
                "Electrolyser O&M per MWh consumed: stack replacement ≈ 35 % of 3,000 CNY/kW per 60,000 h (DOMAIN stack life) ≈ 17.5, water ≈ 2–4 (assumption).",
            ),
            ("wind_life_years", "number", "25", "Life (assumption)."),
            ("solar_life_years", "number", "25", "Life (assumption)."),
            ("storage_life_years", "number", "15", "Life (assumption)."),
            (
                "electrolyser_life_years",
                "number",
                "20",
                "Life (stack life 60,000 h, DOMAIN; assumption for the plant).",
            ),
            ("line_life_years", "number", "40", "Life (assumption)."),
        ],
    ),
    (
        "zone",
        "[[zone]]",
        "A copper-plate node; energy balances in every zone and hour. The first zone's time zone is the study clock.",
        &[
            ("name", "string", "required", "Unique name."),
            ("latitude_deg", "number", "required", "Degrees north, −90 to 90."),
            ("longitude_deg", "number", "required", "Degrees east, −180 to 180."),
            ("elevation_m", "number", "0", "m above sea level."),
            ("utc_offset_h", "number", "required", "Hours ahead of UTC (China: 8)."),
        ],
    ),
    (
        "external_grid",
        "[[external_grid]]",
        "A grid outside the study that absorbs exports and may supply imports.",
        &[
            ("name", "string", "required", "Unique name."),
            ("max_export_mw", "number or schedule", "1e9", "MW it can absorb."),
            ("max_import_mw", "number or schedule", "0", "MW it can supply."),
            (
                "export_price_cny_per_mwh",
                "number",
                "economics.export_tariff_cny_per_mwh",
                "CNY per MWh that arrives at this grid (value policy).",
            ),
            (
                "import_price_cny_per_mwh",
                "number",
                "economics.import_price_cny_per_mwh",
                "CNY per MWh this grid sends (value policy).",
            ),
        ],
    ),
    (
        "site",
        "[[site]]",
        "A weather site and its stochastic generator (see `src/sim/weather.rs`). Defaults are Luanjingtan values (DOMAIN.md) or marked assumptions.",
        &[
            ("name", "string", "required", "Unique name."),
            ("latitude_deg", "number", "required", "Degrees north."),
            ("longitude_deg", "number", "required", "Degrees east."),
            ("elevation_m", "number", "0", "m above sea level; sets air density and clear-sky irradiance."),
            (
                "wind_mean_m_s",
                "number",
                "6.5",
                "Annual mean wind speed at wind_height_m, m/s (DOMAIN.md: 6.5 at 100 m).",
            ),
            ("wind_height_m", "number", "100", "Height of wind_mean_m_s, m."),
            ("wind_weibull_k", "number", "2.0", "Weibull shape of hourly speeds (DOMAIN.md)."),
            (
                "wind_monthly_factor",
                "12 numbers",
                "spring high, Jul–Aug low",
                "Monthly mean speed / annual mean (normalised to mean 1).",
            ),
            (
                "wind_diurnal_amplitude_pu",
                "number",
                "0.08",
                "Diurnal amplitude as a fraction of the mean (assumption).",
            ),
            (
                "wind_diurnal_peak_hour",
                "number",
                "2",
                "Local hour of the diurnal maximum (night at hub height, DOMAIN.md).",
            ),
            (
                "wind_hourly_persistence",
                "number",
                "0.95",
                "Lag-1 hour autocorrelation of the latent wind process (assumption).",
            ),
            (
                "roughness_length_m",
                "number",
                "0.03",
                "Surface roughness for the log wind profile, m (open desert steppe).",
            ),
            (
                "shear_exponent",
                "number",
                "— (log law)",
                "Power-law shear exponent (e.g. 0.14); when set, replaces the log law with roughness_length_m.",
            ),
            (
                "clear_sky_index_monthly",
                "12 numbers",
                "0.70–0.83",
                "Monthly mean clear-sky index (GHI / clear-sky GHI).",
            ),
            ("clear_sky_index_spread", "number", "1.4", "Spread of the clear-sky index on the logit scale."),
            ("clear_sky_index_daily_share", "number", "0.7", "Share of cloudiness variance at day level (0–1)."),
            ("clear_sky_index_daily_persistence", "number", "0.45", "Day-to-day autocorrelation of cloudiness."),
            (
                "clear_sky_index_hourly_persistence",
                "number",
                "0.8",
                "Hour-to-hour autocorrelation of the hourly cloud process.",
            ),
            (
                "wind_cloudiness_daily_correlation",
                "number",
                "0",
                "Correlation (−0.9 to 0.9) of the latent wind process with the day's cloudiness; positive: windy days are cloudier (frontal passages). The wind's latent score is c·d + √(1−c²)·z with d the daily cloudiness state; c = 0.22 gives a within-month daily wind–GHI correlation ≈ −0.2 on the Alxa defaults (docs/validation.md).",
            ),
            (
                "wind_interannual_sd_pu",
                "number",
                "0.035",
                "Year-to-year factor on the site's wind speed: each sample year draws 1 + σ·N(0,1) (floored at 0.5), correlated across sites as their wind innovations. Published σ of the annual mean wind speed: 4–6 % (Pryor et al. 2018; Watson 2014); the default adds to the 3.5 % the hourly persistence gives for a total of 5 %; 0 switches the layer off.",
            ),
            (
                "irradiance_interannual_sd_pu",
                "number",
                "0.025",
                "Year-to-year factor on the site's clear-sky index (capped at 1.05), drawn per sample year like the wind's, correlated as the cloud innovations. Annual GHI CV 2–5 % (Gueymard & Wilcox 2011); 0 switches it off.",
            ),
            (
                "linke_turbidity_monthly",
                "12 numbers",
                "solar::clearsky default",
                "Linke turbidity for the Ineichen–Perez clear sky.",
            ),
            (
                "clear_sky_model",
                "string",
                "ineichen",
                "Clear-sky GHI of the generator: ineichen (Ineichen & Perez 2002, with elevation and linke_turbidity_monthly) or haurwitz (Haurwitz 1945, zenith only; ignores the turbidity). clear_sky_index_monthly is relative to this model (fit-weather fits against Ineichen).",
            ),
            ("dust_days_per_year", "number", "10", "Expected dust-event days per year (DOMAIN.md: 5–15)."),
            ("dust_months", "array of integers", "[3, 4, 5]", "Months with dust events."),
            ("dust_irradiance_factor_pu", "number", "0.65", "GHI multiplier on a dust day (assumption)."),
            (
                "temperature_monthly_c",
                "12 numbers",
                "Zhongwei-like normals; a data site's monthly means",
                "Monthly mean air temperature, °C (assumption from regional normals); sets the air density of wind power.",
            ),
            ("temperature_diurnal_amplitude_c", "number", "6.5", "Half the daily range, °C."),
            ("temperature_anomaly_sd_c", "number", "3.0", "Standard deviation of the temperature anomaly, °C."),
            ("temperature_hourly_persistence", "number", "0.97", "Lag-1 hour autocorrelation of the anomaly."),
            ("albedo_pu", "number", "0.25", "Ground reflectance (desert sand ≈ 0.25–0.35)."),
            (
                "data_file",
                "string",
                "—",
                "Weather data instead of the generator (relative to the scenario): GHI, air temperature and wind speed, hourly.",
            ),
            (
                "data_format",
                "string",
                "—",
                "pvgis-tmy, pvgis-hourly (horizontal plane), ninja (renewables.ninja weather) or generic (any hourly CSV, its layout declared in [site.generic]).",
            ),
            (
                "generic",
                "table",
                "—",
                "Layout of a generic CSV (data_format = \"generic\"): the [site.generic] table below.",
            ),
            (
                "data_mode",
                "string",
                "resample",
                "replay: the data's year as it is, every sample; resample: a seasonal block bootstrap draws each sample's year.",
            ),
            ("block_days", "integer", "5", "Days per bootstrap block (resample)."),
            (
                "window_days",
                "integer",
                "15",
                "Blocks come from calendar days within ± this many days of their place in the year (resample).",
            ),
        ],
    ),
    (
        "site.generic",
        "[site.generic]",
        "Layout of a site's generic hourly CSV (`data_format = \"generic\"`), written after the site's `[[site]]` keys. The site needs GHI (or DNI and DHI), air temperature and wind speed; rows must be hourly without gaps (up to 3 missing hours in a row are interpolated). NREL PVWatts hourly output: `header_line` = the line of `\"Month\",\"Day\",\"Hour\",...`, `time_column = [\"Month\", \"Day\", \"Hour\"]`, `time_format = \"%m %d %H\"`, `year` (any non-leap year), `time_convention = \"start\"`, the site's standard-time `utc_offset_h`, `dni_column = \"Beam Irradiance (W/m^2)\"`, `dhi_column = \"Diffuse Irradiance (W/m^2)\"`, `temperature_column = \"Ambient Temperature (C)\"`, `wind_column = \"Wind Speed (m/s)\"` (and `footer_lines = 1` if the file ends with a totals row). TMY3: `header_line = 2`, `time_column = [\"Date (MM/DD/YYYY)\", \"Time (HH:MM)\"]`, `time_format = \"%m/%d/%Y %H:%M\"`, `year` (the months come from different years), `time_convention = \"end\"`.",
        &[
            (
                "time_column",
                "string or array of strings",
                "required",
                "Header of the time-stamp column, or of several (e.g. [\"Month\", \"Day\", \"Hour\"]) whose cells are joined with single spaces before time_format applies.",
            ),
            (
                "time_format",
                "string",
                "\"%Y-%m-%d %H:%M\"",
                "unix (seconds since 1970 UTC), or a pattern of %Y %m %d %H (0–24; 24:00 is midnight of the next day) %M %S and literal characters, e.g. \"%d/%m/%Y %H:%M\" or \"%m %d %H\"; %m and %d required.",
            ),
            (
                "year",
                "integer",
                "the stamps' %Y",
                "Year of every time stamp, replacing the file's own: required when time_format has no %Y; for typical years (TMY3) whose months come from different years.",
            ),
            (
                "utc_offset_h",
                "number",
                "required (0 for unix)",
                "Hours ahead of UTC of the time stamps (a fixed offset: local standard time, no daylight saving).",
            ),
            (
                "time_convention",
                "string",
                "required",
                "What a stamp marks about its hour: start (hours 0–23, e.g. PVWatts), middle, or end (hours 1–24, e.g. TMY3 and loggers).",
            ),
            (
                "header_line",
                "integer",
                "first line not blank or #",
                "1-based line of the header row; every line above it (a metadata preamble) is skipped.",
            ),
            ("footer_lines", "integer", "0", "Lines at the end of the file to ignore, e.g. 1 for a totals row."),
            ("delimiter", "string", "\",\"", "Field delimiter, one ASCII character (e.g. \";\", \"\\t\")."),
            (
                "missing",
                "array of strings",
                "[]",
                "Cell texts meaning a missing value (e.g. [\"NA\", \"-9999\", \"\"]); any other non-number is an error.",
            ),
            ("ghi_column", "string", "—", "Header of the global horizontal irradiance column."),
            (
                "dni_column",
                "string",
                "—",
                "Instead of ghi_column, with dhi_column: direct normal irradiance; GHI = DNI·cos z + DHI with the apparent solar zenith z at the middle of the hour (NREL SPA; cos z floored at 0).",
            ),
            ("dhi_column", "string", "—", "Diffuse horizontal irradiance (with dni_column)."),
            (
                "irradiance_unit",
                "string",
                "W/m2",
                "Unit of the irradiance columns: W/m2, kW/m2, Wh/m2 or kWh/m2 (hourly sums), J/m2 (hourly accumulation).",
            ),
            ("temperature_column", "string", "required", "Header of the air temperature column."),
            ("temperature_unit", "string", "C", "C, K or F."),
            ("wind_column", "string", "required", "Header of the wind speed column, m/s."),
            (
                "wind_height_m",
                "number",
                "10",
                "Height of the wind measurement, m; replaces the site's wind_height_m (fleets shear to hub height from it).",
            ),
        ],
    ),
    (
        "correlation",
        "[[correlation]]",
        "Correlation of the hourly innovations of two site variables (`site.wind`, `site.cloud`, `site.temperature`); unlisted pairs are 0. The matrix must be positive definite. Sign convention: `cloud` is cloudiness, rising as the clear-sky index falls, so a positive wind–cloud rho makes windy hours cloudier (before issue 16 the generator used clearness, the opposite sign).",
        &[
            ("a", "string", "required", "First variable, `site.variable`."),
            ("b", "string", "required", "Second variable."),
            ("rho", "number", "required", "Correlation, −1 to 1. DOMAIN.md: wind–PV ≈ −0.2, i.e. wind–cloud ≈ +0.2."),
        ],
    ),
    (
        "wind_fleet",
        "[[wind_fleet]]",
        "Many turbines in one zone over an area.",
        &[
            ("name", "string", "required", "Unique name; keys its random streams."),
            ("zone", "string", "required", "Zone it feeds."),
            ("site", "string", "required", "Weather site."),
            ("capacity_mw", "number or schedule", "required", "Installed MW."),
            (
                "turbine",
                "string",
                "generic-6mw-class",
                "Bundled curve: generic-6mw-class, generic-4mw-class, generic-8mw-lowwind.",
            ),
            (
                "power_curve_m_s",
                "array of numbers",
                "—",
                "Custom curve speeds, m/s (with power_curve_pu, instead of turbine).",
            ),
            ("power_curve_pu", "array of numbers", "—", "Custom curve power per unit of rated."),
            ("unit_mw", "number", "6.25", "MW per turbine (outage unit)."),
            ("hub_height_m", "number", "110", "Hub height, m (DOMAIN.md)."),
            ("area_km2", "number", "0", "Area the fleet is spread over; smooths the fleet power curve."),
            ("losses_pu", "number", "0.10", "Wake, electrical and other losses (fraction)."),
            ("forced_outage_rate_pu", "number", "0.03", "Fraction of time a turbine is down (assumption)."),
            ("mttr_h", "number", "60", "Mean time to repair, h (assumption)."),
        ],
    ),
    (
        "solar_fleet",
        "[[solar_fleet]]",
        "A PV fleet in one zone.",
        &[
            ("name", "string", "required", "Unique name."),
            ("zone", "string", "required", "Zone it feeds."),
            ("site", "string", "required", "Weather site."),
            (
                "capacity_mwdc",
                "number or schedule",
                "required",
                "Installed MWdc; each increase of a schedule is a tranche that ages from its year.",
            ),
            ("dc_ac_ratio", "number", "1.25", "MWdc per MWac (DOMAIN.md)."),
            ("mounting", "string", "fixed", "fixed or single-axis (north–south axis, backtracking)."),
            ("tilt_deg", "number", "35 (fixed)", "Module tilt, degrees (DOMAIN.md optimum ≈ 35°)."),
            ("azimuth_deg", "number", "180", "Module azimuth from north, clockwise (180 = south)."),
            ("tracker_max_angle_deg", "number", "60", "Tracker rotation limit, degrees."),
            ("ground_coverage_ratio_pu", "number", "0.35", "Row ground coverage ratio (backtracking)."),
            ("sky_model", "string", "hay-davies", "Sky-diffuse transposition: hay-davies or isotropic."),
            (
                "temperature_coefficient_per_c",
                "number",
                "-0.0030",
                "Power temperature coefficient, per °C (TOPCon −0.0029 … PERC −0.0035).",
            ),
            (
                "cell_temperature_model",
                "string",
                "sapm",
                "Cell temperature from plane-of-array irradiance, air temperature and the 10 m wind speed: sapm (King et al. 2004, SAND2004-3535, Eq. 11–12) or pvsyst (PVsyst heat-loss factors U = U_c + U_v·WS).",
            ),
            (
                "iam_model",
                "string",
                "ashrae",
                "Incidence-angle loss of the beam on the plane of array: ashrae (1 − b0·(1/cos θ − 1), Souka & Safwat 1966), physical (Fresnel + Bouguer, De Soto et al. 2006, glass n = 1.526, K = 4 /m, L = 2 mm), martin-ruiz ((1 − e^(−cos θ/a_r))/(1 − e^(−1/a_r)), Martin & Ruiz 2001) or none; the formulas of pvlib's iam.ashrae, iam.physical and iam.martin_ruiz. The diffuse is not reduced.",
            ),
            ("iam_b0", "number", "0.05", "iam_model = \"ashrae\": b0 (0 to 0.5; 0.05 typical glass)."),
            ("iam_a_r", "number", "0.16", "iam_model = \"martin-ruiz\": a_r (0.01 to 1; 0.16 typical c-Si glass)."),
            (
                "sapm_mounting",
                "string",
                "open-rack-glass-glass",
                "SAPM coefficient set of King et al. 2004 Table 1 (a, b, ΔT): open-rack-glass-glass (−3.47, −0.0594, 3), close-mount-glass-glass (−2.98, −0.0471, 1), open-rack-glass-polymer (−3.56, −0.075, 3), insulated-back-glass-polymer (−2.81, −0.0455, 0).",
            ),
            (
                "sapm_a",
                "number",
                "from sapm_mounting",
                "SAPM a (−10 to 0): ln of the module–air temperature rise per W/m² at zero wind.",
            ),
            ("sapm_b_s_per_m", "number", "from sapm_mounting", "SAPM b, s/m (−1 to 0): wind cooling."),
            ("sapm_delta_t_c", "number", "from sapm_mounting", "SAPM cell–back-of-module difference at 1000 W/m², °C."),
            (
                "pvsyst_uc_w_m2k",
                "number",
                "29",
                "PVsyst constant heat-loss factor U_c, W/m²K (29 free-standing, 20 semi-integrated, 15 integrated; PVsyst manual).",
            ),
            ("pvsyst_uv_w_s_m3k", "number", "0", "PVsyst wind heat-loss factor U_v, W·s/m³K."),
            (
                "module_efficiency_pu",
                "number",
                "0.1",
                "PVsyst: module efficiency η (energy leaving as electricity, not heat).",
            ),
            ("absorptance_pu", "number", "0.9", "PVsyst: absorption coefficient α of the module."),
            ("noct_c", "number", "45", "Nominal operating cell temperature, °C (informational)."),
            ("losses_pu", "number", "0.09", "DC wiring, mismatch, transformer and other losses."),
            (
                "inverter_efficiency_pu",
                "number",
                "0.985",
                "Inverter efficiency: constant, or the nominal efficiency η_nom of the PVWatts curve (not with a tabulated curve).",
            ),
            (
                "inverter_model",
                "string",
                "constant",
                "constant (AC = η·DC, clipped at the AC rating), pvwatts (part-load curve η = η_nom/0.9637·(−0.0162ζ − 0.0059/ζ + 0.9858), ζ = DC/(MWac/η_nom); Dobos 2014, NREL/TP-6A20-62641) or curve (inverter_curve_*). All inverters of the fleet share its DC power equally.",
            ),
            (
                "inverter_curve_load_pu",
                "array of numbers",
                "—",
                "inverter_model = \"curve\": AC output as a fraction of the AC rating at each point, strictly increasing in (0, 1] (e.g. the CEC test points [0.1, 0.2, 0.3, 0.5, 0.75, 1.0]).",
            ),
            (
                "inverter_curve_efficiency_pu",
                "array of numbers",
                "—",
                "Efficiency at each point (0.01–1). Interpolated linearly in DC input (load/efficiency at the points), held constant outside them; AC clipped at the rating.",
            ),
            ("soiling_rate_pu_per_day", "number", "0.0015", "Soiling build-up per day between cleanings."),
            ("cleaning_interval_days", "integer", "45", "Days between cleanings (DOMAIN.md: 1–2 months)."),
            (
                "dust_soiling_pu",
                "number",
                "0.10",
                "Extra soiling at each dust event, until cleaned (DOMAIN.md: 5–20 %).",
            ),
            ("degradation_first_year_pu", "number", "0.01", "First-year degradation (DOMAIN.md)."),
            ("degradation_per_year_pu", "number", "0.004", "Degradation per later year (DOMAIN.md)."),
            ("inverter_block_mwac", "number", "3.125", "MWac per inverter block (outage unit)."),
            ("forced_outage_rate_pu", "number", "0.01", "Fraction of time a block is down (assumption)."),
            ("mttr_h", "number", "48", "Mean time to repair, h (assumption)."),
        ],
    ),
    (
        "generator",
        "[[generator]]",
        "A dispatchable generator (thermal, hydro ...).",
        &[
            ("name", "string", "required", "Unique name."),
            ("zone", "string", "required", "Zone."),
            ("capacity_mw", "number or schedule", "required", "MW."),
            ("units", "integer", "1", "Identical units (outage units)."),
            ("forced_outage_rate_pu", "number", "0.05", "Fraction of time a unit is down."),
            ("mttr_h", "number", "50", "Mean time to repair, h."),
            ("variable_cost_cny_per_mwh", "number", "300", "Merit order within a zone, CNY/MWh."),
            ("co2_t_per_mwh", "number", "0.82", "Emission factor, t CO2/MWh."),
            (
                "capacity_csv",
                "string",
                "—",
                "CSV with the hourly capacity before outages, MW, one row per hour of the horizon (capacity_mw stays the nameplate).",
            ),
            ("capacity_csv_column", "string", "mw", "Column of capacity_csv."),
            (
                "failure_probability_per_h",
                "number",
                "—",
                "Alternative to FOR + MTTR: probability that an up unit fails in an hour.",
            ),
            (
                "repair_probability_per_h",
                "number",
                "—",
                "With failure_probability_per_h: probability that a down unit is repaired in an hour.",
            ),
            (
                "outage_csv",
                "string",
                "—",
                "Alternative: CSV with columns failure_probability_per_h, repair_probability_per_h, one row per hour (probabilities that vary by step).",
            ),
        ],
    ),
    (
        "storage",
        "[[storage]]",
        "An energy store.",
        &[
            ("name", "string", "required", "Unique name."),
            ("zone", "string", "required", "Zone."),
            ("technology", "string", "battery", "Label: battery, hydraulic-pneumatic, ..."),
            ("charge_mw", "number or schedule", "required", "Charging power, MW."),
            ("discharge_mw", "number or schedule", "charge_mw", "Discharging power, MW."),
            ("energy_mwh", "number or schedule", "required", "Energy capacity, MWh."),
            (
                "round_trip_efficiency_pu",
                "number",
                "0.85",
                "Round trip; split evenly between charge and discharge (LFP 0.85; hydraulic-pneumatic ≈ 0.60).",
            ),
            ("soc_min_pu", "number", "0.05", "Lowest state of charge."),
            ("soc_max_pu", "number", "0.95", "Highest state of charge."),
            ("initial_soc_pu", "number", "0.5", "State of charge at the start of each sample."),
            ("self_discharge_pu_per_h", "number", "0", "Fraction of stored energy lost per hour."),
            ("units", "integer", "1", "Identical units (outage units)."),
            ("forced_outage_rate_pu", "number", "0.02", "Fraction of time a unit is down."),
            ("mttr_h", "number", "24", "Mean time to repair, h."),
            (
                "failure_probability_per_h",
                "number",
                "—",
                "Alternative to FOR + MTTR: probability that an up unit fails in an hour.",
            ),
            (
                "repair_probability_per_h",
                "number",
                "—",
                "With failure_probability_per_h: probability that a down unit is repaired in an hour.",
            ),
            (
                "outage_csv",
                "string",
                "—",
                "Alternative: CSV with columns failure_probability_per_h, repair_probability_per_h, one row per hour (probabilities that vary by step).",
            ),
        ],
    ),
    (
        "electrolyser",
        "[[electrolyser]]",
        "An electrolyser with hydrogen store and offtake.",
        &[
            ("name", "string", "required", "Unique name."),
            ("zone", "string", "required", "Zone."),
            ("capacity_mw", "number or schedule", "required", "Rated input, MW."),
            ("min_load_pu", "number", "0.25", "Minimum stable load (DOMAIN.md: 20–30 %)."),
            (
                "consumption_kwh_per_kg",
                "number",
                "53",
                "kWh per kg H2 at the AC bus (DOMAIN.md: 48–60), at every load; not with a consumption curve.",
            ),
            (
                "consumption_curve_load_pu",
                "array of numbers",
                "—",
                "Part-load curve: load as a fraction of the online capacity at each point, strictly increasing in (0, 1]. The stack curve applies to the whole online plant (all online stacks equally loaded).",
            ),
            (
                "consumption_curve_kwh_per_kg",
                "array of numbers",
                "—",
                "Specific consumption at each point, kWh/kg (39.4–200), interpolated linearly and held constant outside the points; load/consumption must increase (more power, more hydrogen).",
            ),
            ("store_kg", "number or schedule", "0", "Hydrogen store, kg."),
            ("initial_store_pu", "number", "0.5", "Store fill at the start of each sample."),
            (
                "offtake_kg_per_h",
                "number or schedule",
                "0",
                "Hydrogen demand, kg/h; with no store and no offtake, all output is taken.",
            ),
            ("units", "integer", "capacity / 5 MW", "Stacks (outage units)."),
            ("forced_outage_rate_pu", "number", "0.03", "Fraction of time a stack is down."),
            ("mttr_h", "number", "72", "Mean time to repair, h."),
            (
                "failure_probability_per_h",
                "number",
                "—",
                "Alternative to FOR + MTTR: probability that an up unit fails in an hour.",
            ),
            (
                "repair_probability_per_h",
                "number",
                "—",
                "With failure_probability_per_h: probability that a down unit is repaired in an hour.",
            ),
            (
                "outage_csv",
                "string",
                "—",
                "Alternative: CSV with columns failure_probability_per_h, repair_probability_per_h, one row per hour (probabilities that vary by step).",
            ),
        ],
    ),
    (
        "load",
        "[[load]]",
        "A firm load: flat or profiled (`mw` with factors) or an hourly CSV series.",
        &[
            ("name", "string", "required", "Unique name."),
            ("zone", "string", "required", "Zone."),
            ("mw", "number or schedule", "—", "Base MW (exactly one of mw or csv)."),
            ("monthly_factor", "12 numbers", "all 1", "Multiplier by month."),
            ("hourly_factor", "24 numbers", "all 1", "Multiplier by local hour."),
            ("csv", "string", "—", "CSV file (relative to the scenario) with one row per hour of the horizon."),
            ("csv_column", "string", "mw", "Column of the CSV to read, MW."),
            ("firm", "bool", "true", "Firm load (counts towards unserved energy)."),
        ],
    ),
    (
        "line",
        "[[line]]",
        "A line or corridor between two zones, or a zone and an external grid.",
        &[
            ("name", "string", "required", "Unique name."),
            ("from", "string", "required", "Zone or external grid."),
            ("to", "string", "required", "Zone or external grid."),
            ("circuits", "integer or schedule", "required", "Circuits in service in the study year."),
            ("circuit_mw", "number", "required", "MW per circuit."),
            (
                "capacity_by_circuits_up_mw",
                "array of numbers",
                "k × circuit_mw",
                "Transfer limit with 0, 1, ... circuits up (DOMAIN.md: [0, 1500, 2400] for the 500 kV double circuit).",
            ),
            ("loss_pu", "number", "0.02", "Fraction of sent energy lost."),
            ("length_km", "number", "100", "Length, km (outage rate per km)."),
            (
                "outages_per_100km_year",
                "number",
                "0.2",
                "Sustained outages per circuit per 100 km-year (DOMAIN.md: 0.1–0.3).",
            ),
            (
                "forced_outage_rate_pu",
                "number",
                "—",
                "Alternative to outages_per_100km_year: fraction of time a circuit is down.",
            ),
            ("mttr_h", "number", "12", "Mean time to repair, h (DOMAIN.md: 8–24)."),
            (
                "reverse_capacity_pu",
                "number",
                "1",
                "Transfer capability to → from as a fraction of from → to (per-direction interface limits, e.g. 0 for export-only).",
            ),
            (
                "technology",
                "string",
                "\"ac\"",
                "\"ac\" or \"hvdc\": which [economics] line cost applies, and converter stations for HVDC.",
            ),
            (
                "capex_cny_per_mw_km",
                "number",
                "economics.line_capex_cny_per_mw_km (AC) or hvdc_line_capex_cny_per_mw_km",
                "Capital of this line per MW of rating (every circuit up) per km.",
            ),
            (
                "converter_capex_cny_per_kw",
                "number",
                "economics.hvdc_converter_capex_cny_per_kw",
                "HVDC only: capital of this line's converter stations (both ends) per kW of rating.",
            ),
            (
                "capacity_csv",
                "string",
                "—",
                "CSV with the hourly transfer limit with every circuit up, MW (fewer circuits scale it by the capacity_by_circuits_up_mw ratio).",
            ),
            ("capacity_csv_column", "string", "mw", "Column of capacity_csv."),
            (
                "failure_probability_per_h",
                "number",
                "—",
                "Alternative to FOR + MTTR: probability that an up unit fails in an hour.",
            ),
            (
                "repair_probability_per_h",
                "number",
                "—",
                "With failure_probability_per_h: probability that a down unit is repaired in an hour.",
            ),
            (
                "outage_csv",
                "string",
                "—",
                "Alternative: CSV with columns failure_probability_per_h, repair_probability_per_h, one row per hour (probabilities that vary by step).",
            ),
        ],
    ),
];

/// The reference as Markdown (the content of docs/scenario-reference.md).
pub fn markdown() -> String {
    let mut s = String::from(
        "# Scenario file reference\n\n\
         Generated by `renewplan reference`; a test keeps it identical to the parser.\n\
         Units are in key names (`_mw`, `_mwh`, `_pu` = per unit, i.e. a fraction, `_h` = hours).\n\
         A **schedule** is a table of year = value, e.g. `capacity_mw = { 2024 = 1000, 2027 = 5000 }`:\n\
         the value from each listed year on, zero before the first.\n\
         Unknown keys are errors (the nearest valid key is suggested).\n",
    );
    for (table, header, summary, fields) in SECTIONS {
        s.push_str(&format!("\n## `{header}`\n\n{summary}\n\n| key | type | default | meaning |\n|---|---|---|---|\n"));
        for (k, ty, def, meaning) in *fields {
            s.push_str(&format!("| `{k}` | {ty} | {def} | {meaning} |\n"));
        }
        let _ = table;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::scenario::{Source, parse};

    /// Keys the parser accepts in `table`, read from serde's own
    /// unknown-field message.
    fn accepted(table: &str, array: bool) -> Vec<String> {
        let body = "zzz_not_a_key = 1\n";
        let text = if table == "scenario" {
            format!("[scenario]\n{body}")
        } else if let Some((parent, _)) = table.split_once('.') {
            format!("[scenario]\nname='x'\nstudy_year=2030\n[[{parent}]]\n[{table}]\n{body}")
        } else if array {
            format!("[scenario]\nname='x'\nstudy_year=2030\n[[{table}]]\n{body}")
        } else {
            format!("[scenario]\nname='x'\nstudy_year=2030\n[{table}]\n{body}")
        };
        let src = Source { name: "t".into(), dir: None, text };
        let err = parse(&src).expect_err("unknown key must be rejected").to_string();
        let (_, list) = err.split_once("accepted: ").expect("accepted list");
        list.trim_end_matches(')').split(", ").map(str::to_string).collect()
    }

    #[test]
    fn reference_lists_exactly_the_accepted_keys() {
        for (table, header, _, fields) in SECTIONS {
            let mut want = accepted(table, header.starts_with("[["));
            want.sort();
            let mut have: Vec<String> = fields.iter().map(|f| f.0.to_string()).collect();
            have.sort();
            assert_eq!(have, want, "section {table}");
        }
    }

    #[test]
    fn docs_file_is_up_to_date() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scenario-reference.md");
        let on_disk = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            on_disk == markdown(),
            "docs/scenario-reference.md is stale: run `cargo run -- reference > docs/scenario-reference.md`"
        );
    }
}
