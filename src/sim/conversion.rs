//! Conversion of weather into the available AC power of each fleet.
//!
//! Wind (per fleet): site speed → hub height by the log law with the site's
//! roughness length; the single-turbine curve is adjusted to the site's
//! annual air density (IEC 61400-12-1 speed scaling, from elevation and mean
//! temperature) and smoothed over the fleet's area (Nørgaard & Holttinen
//! 2004); month-to-month density changes scale the speed by (ρ_m/ρ̄)^{1/3};
//! then wake/electrical/other losses and the share of turbines up.
//!
//! PV (per fleet): GHI → Erbs decomposition → plane-of-array irradiance with
//! the Hay–Davies sky model and ground reflection (fixed tilt or single-axis
//! tracking with backtracking) → incidence-angle loss on the beam (the fleet's
//! `iam_model`: ASHRAE b0 = 0.05 by default, physical, Martin–Ruiz or none) →
//! cell temperature (SAPM, open rack glass/glass by default, or PVsyst; both
//! with the wind speed at 10 m) → DC power with the temperature coefficient →
//! soiling (daily build-up, reset by cleaning, jump at each dust event) and other
//! DC losses, ageing → inverter efficiency (constant by default, or the
//! PVWatts v5 part-load curve, or a tabulated curve; all inverters of a
//! fleet equally loaded), AC clipping at MWac → share of
//! inverter blocks up. Geometry that does not depend on the sample (angles
//! of incidence, view factors) is computed once per fleet-hour.
//!
//! Not modelled here (documented simplifications): spectral and snow
//! losses, bifacial gain, the sub-hourly variability that clips within an
//! hour, and the diffuse incidence-angle loss.

use crate::model::{CellTemperature, Inverter, Model, Mounting, SolarFleet, WindFleet};
use crate::physics::solar;
use crate::physics::wind::{self, PowerCurveTable};
use crate::sim::weather::{Weather, WeatherModel};

/// Reference height of the wind speed used in the cell-temperature model.
const TEMP_WIND_HEIGHT_M: f64 = 10.0;

#[derive(Debug, Clone)]
pub struct WindPre {
    pub table: PowerCurveTable,
    /// Hub-height speed per site speed (log law).
    pub shear: f64,
    /// (ρ_month/ρ_annual)^{1/3} for each month.
    pub density_speed_factor: [f64; 12],
    /// Capacity × (1 − losses), MW.
    pub net_mw: f64,
    pub site: usize,
}

#[derive(Debug, Clone)]
pub struct SolarPre {
    pub site: usize,
    /// Per hour: cos of the angle of incidence times the beam IAM (0 when
    /// the sun is behind the module or below the horizon).
    pub beam_factor: Vec<f32>,
    /// Per hour: cos of the angle of incidence alone (0 likewise), for the
    /// plane-of-array irradiance the cell-temperature models take.
    pub beam_cos: Vec<f32>,
    /// Per hour: (1 + cos β)/2 and (1 − cos β)/2 (tracker tilt varies).
    pub sky_view: Vec<f32>,
    /// Per hour: Hay–Davies beam ratio R_b = cos θ / cos Z (0 when the sun
    /// is down or behind the module).
    pub rb: Vec<f32>,
    /// Wind speed at 10 m per unit of site speed.
    pub wind_10m: f64,
    /// The SAPM wind term comes with the site's split (the fleet's
    /// coefficients are the site's shared ones, see [`Converter::split`]).
    pub shared_sapm: bool,
}

/// Precomputed physics for every fleet of a model.
#[derive(Debug, Clone)]
pub struct Converter {
    pub wind: Vec<WindPre>,
    pub solar: Vec<SolarPre>,
    /// Per site: SAPM coefficients (a, b) that two or more of its fleets
    /// share, and the site's wind speed at 10 m per unit of site speed; the
    /// wind term exp(a + b·WS) is then computed once per site and hour.
    sapm_shared: Vec<Option<(f64, f64, f64)>>,
}

fn site_density(model: &Model, site: usize, temp_c: f64) -> f64 {
    let p = wind::pressure_at_elevation_hpa(model.sites[site].elevation_m);
    wind::air_density_kg_m3(p, temp_c)
}

impl Converter {
    pub fn new(model: &Model, weather: &WeatherModel) -> Self {
        let wind = model.wind_fleets.iter().map(|f| wind_pre(model, f)).collect();
        let mut solar: Vec<SolarPre> = model.solar_fleets.iter().map(|f| solar_pre(model, weather, f)).collect();
        let sapm = |f: &SolarFleet| match f.cell_temperature {
            CellTemperature::Sapm { a, b_s_per_m, .. } => Some((a.to_bits(), b_s_per_m.to_bits())),
            CellTemperature::Pvsyst { .. } => None,
        };
        let mut sapm_shared = vec![None; model.sites.len()];
        for (site, shared) in sapm_shared.iter_mut().enumerate() {
            // The coefficients most of the site's fleets use (first on ties).
            let keys: Vec<(u64, u64)> =
                model.solar_fleets.iter().filter(|f| f.site == site).filter_map(&sapm).collect();
            let count = |k: &(u64, u64)| keys.iter().filter(|x| *x == k).count();
            let mut best: Option<((u64, u64), usize)> = None;
            for k in &keys {
                if count(k) >= 2 && best.is_none_or(|(_, n)| count(k) > n) {
                    best = Some((*k, count(k)));
                }
            }
            let Some((key, _)) = best else { continue };
            let Some(i) = model.solar_fleets.iter().position(|f| f.site == site) else { continue };
            *shared = Some((f64::from_bits(key.0), f64::from_bits(key.1), solar[i].wind_10m));
            for (f, p) in model.solar_fleets.iter().zip(solar.iter_mut()).filter(|(f, _)| f.site == site) {
                p.shared_sapm = sapm(f) == Some(key);
            }
        }
        Converter { wind, solar, sapm_shared }
    }

    /// Available MW of wind fleet `i` in every hour.
    pub fn wind_available(&self, model: &Model, i: usize, w: &Weather, units_up: &[f64], out: &mut Vec<f64>) {
        let p = &self.wind[i];
        let speed = &w.wind_m_s[p.site];
        let months = &model.calendar.month;
        out.clear();
        out.extend(speed.iter().zip(units_up).zip(months).map(|((v, up), m)| {
            let v_hub = v * p.shear * p.density_speed_factor[*m as usize];
            p.table.power_pu(v_hub) * p.net_mw * up
        }));
    }

    /// Erbs split of site `site`'s GHI into (DNI, DHI) for every hour, and
    /// the SAPM wind term of the site's shared coefficients (0 when none
    /// are shared); the same for every fleet of the site, so computed once
    /// per sample.
    pub fn split(&self, weather: &WeatherModel, site: usize, w: &Weather, out: &mut Vec<[f64; 3]>) {
        let geo = &weather.geometry[site];
        let wind = &w.wind_m_s[site];
        let shared = self.sapm_shared[site];
        out.clear();
        out.extend(w.ghi_w_m2[site].iter().enumerate().map(|(t, &g)| {
            if g <= 0.0 {
                return [0.0; 3];
            }
            let (dni, dhi, _) =
                solar::irradiance::erbs_cos(g, geo.zenith_deg[t], geo.cos_zenith[t], geo.dni_extra_w_m2[t]);
            let factor = shared.map_or(0.0, |(a, b, w10)| solar::temperature::sapm_wind_factor(wind[t] * w10, a, b));
            [dni, dhi, factor]
        }));
    }

    /// Available MW (AC) of solar fleet `i` in every hour.
    pub fn solar_available(
        &self,
        model: &Model,
        weather: &WeatherModel,
        i: usize,
        w: &Weather,
        units_up: &[f64],
        out: &mut Vec<f64>,
    ) {
        let mut split = Vec::new();
        self.split(weather, self.solar[i].site, w, &mut split);
        self.solar_available_split(model, weather, i, w, &split, units_up, out);
    }

    /// [`Converter::solar_available`] with the site's split given (from
    /// [`Converter::split`]).
    #[allow(clippy::too_many_arguments)]
    pub fn solar_available_split(
        &self,
        model: &Model,
        weather: &WeatherModel,
        i: usize,
        w: &Weather,
        split: &[[f64; 3]],
        units_up: &[f64],
        out: &mut Vec<f64>,
    ) {
        let f: &SolarFleet = &model.solar_fleets[i];
        let p = &self.solar[i];
        let geo = &weather.geometry[p.site];
        let site = &model.sites[p.site];
        let ghi = &w.ghi_w_m2[p.site];
        let temp = &w.temp_c[p.site];
        let wind = &w.wind_m_s[p.site];
        let dust = &w.dust_day[p.site];
        let dc_scale = f.capacity_mwdc / 1000.0 * (1.0 - f.losses_pu) * f.degradation_factor_pu;
        // Every hourly input sliced to the horizon once, so that the loop's
        // indexing needs no bounds checks.
        let n = ghi.len();
        let (extra, split, units_up) = (&geo.dni_extra_w_m2[..n], &split[..n], &units_up[..n]);
        let (rb, sky_view, beam_factor, beam_cos) =
            (&p.rb[..n], &p.sky_view[..2 * n], &p.beam_factor[..n], &p.beam_cos[..n]);
        let (temp, wind) = (&temp[..n], &wind[..n]);
        out.clear();
        let mut soiling = 0.0f64;
        out.extend((0..n).map(|t| {
            if t % 24 == 0 {
                // Soiling: linear build-up per day, reset by cleaning every
                // `cleaning_interval_days` days, plus a step at each dust event
                // that lasts until the next cleaning (DOMAIN.md: 3–6 %/yr
                // average; −5 to −20 % after a dust event until cleaned).
                let day = t / 24;
                if day % f.cleaning_interval_days as usize == 0 {
                    soiling = 0.0;
                }
                soiling += f.soiling_rate_pu_per_day;
                // The jump comes with the first day of each dust event.
                let dusty = |d: usize| dust.get(d).copied().unwrap_or(false);
                if dusty(day) && (day == 0 || !dusty(day - 1)) {
                    soiling += f.dust_soiling_pu;
                }
                soiling = soiling.min(0.9);
            }
            let g = ghi[t];
            if g <= 0.0 {
                return 0.0;
            }
            let extra = extra[t];
            let [dni, dhi, sapm_factor] = split[t];
            let rb = rb[t] as f64;
            let (sky_up, sky_down) = (sky_view[2 * t] as f64, sky_view[2 * t + 1] as f64);
            // Hay–Davies: anisotropy index A = DNI / DNI_extra.
            // (Isotropic sky: A = 0, all diffuse spread evenly.)
            let a = if f.hay_davies && extra > 0.0 { (dni / extra).clamp(0.0, 1.0) } else { 0.0 };
            let diffuse = dhi * (a * rb + (1.0 - a) * sky_up) + g * site.albedo_pu * sky_down;
            // Irradiance reaching the cells (beam after the incidence-angle
            // loss) drives DC power; the cell-temperature models are defined
            // on the plane-of-array irradiance before that loss (King et al.
            // 2004, eq. 11; PVsyst), as pvlib and PVWatts use them.
            let poa = dni * beam_factor[t] as f64 + diffuse;
            let poa_thermal = dni * beam_cos[t] as f64 + diffuse;
            let ws = wind[t] * p.wind_10m;
            let t_cell = match f.cell_temperature {
                CellTemperature::Sapm { delta_t_c, .. } if p.shared_sapm => {
                    solar::temperature::cell_temperature_sapm_factor(poa_thermal, temp[t], sapm_factor, delta_t_c)
                }
                CellTemperature::Sapm { a, b_s_per_m, delta_t_c } => {
                    let sapm = solar::temperature::SapmParams { a, b: b_s_per_m, delta_t: delta_t_c };
                    solar::temperature::cell_temperature_sapm(poa_thermal, temp[t], ws, sapm)
                }
                CellTemperature::Pvsyst { uc_w_m2k, uv_w_s_m3k, module_efficiency_pu, absorptance_pu } => {
                    solar::temperature::cell_temperature_pvsyst(
                        poa_thermal,
                        temp[t],
                        ws,
                        uc_w_m2k,
                        uv_w_s_m3k,
                        module_efficiency_pu,
                        absorptance_pu,
                    )
                }
            };
            let dc = dc_scale * poa * (1.0 + f.temperature_coefficient_per_c * (t_cell - 25.0)) * (1.0 - soiling);
            let ac = match &f.inverter {
                Inverter::Constant => (dc.max(0.0) * f.inverter_efficiency_pu).min(f.capacity_mwac),
                Inverter::PvWatts => solar::inverter::pvwatts_ac(dc, f.capacity_mwac, f.inverter_efficiency_pu),
                Inverter::Curve(c) => solar::inverter::curve_ac(dc, f.capacity_mwac, |x| c.at(x)),
            };
            ac * units_up[t]
        }));
    }
}

fn wind_pre(model: &Model, f: &WindFleet) -> WindPre {
    let site = &model.sites[f.site];
    let mean_t = site.temperature_monthly_c.iter().sum::<f64>() / 12.0;
    let rho = site_density(model, f.site, mean_t);
    let sigma = wind::fleet_smoothing_sigma_fraction(f.area_km2);
    let mut curve = f.curve.density_adjusted(rho, wind::RHO_STANDARD_KG_M3);
    if f.area_km2 > 0.0 {
        curve = curve.smoothed(sigma, 0.0);
    }
    let mut density_speed_factor = [1.0; 12];
    for (m, x) in density_speed_factor.iter_mut().enumerate() {
        *x = (site_density(model, f.site, site.temperature_monthly_c[m]) / rho).cbrt();
    }
    WindPre {
        table: PowerCurveTable::new(&curve),
        shear: match site.shear_exponent {
            Some(alpha) => wind::shear_power(1.0, site.wind_height_m, f.hub_height_m, alpha),
            None => wind::shear_log(1.0, site.wind_height_m, f.hub_height_m, site.roughness_length_m),
        },
        density_speed_factor,
        net_mw: f.capacity_mw * (1.0 - f.losses_pu),
        site: f.site,
    }
}

fn solar_pre(model: &Model, weather: &WeatherModel, f: &SolarFleet) -> SolarPre {
    let geo = &weather.geometry[f.site];
    let site = &model.sites[f.site];
    let h = geo.zenith_deg.len();
    let mut beam_factor = Vec::with_capacity(h);
    let mut beam_cos = Vec::with_capacity(h);
    let mut sky_view = Vec::with_capacity(2 * h);
    let mut rb = Vec::with_capacity(h);
    for t in 0..h {
        let zen = geo.zenith_deg[t];
        let az = geo.azimuth_deg[t];
        let (tilt, surf_az) = match f.mounting {
            Mounting::Fixed => (f.tilt_deg, f.azimuth_deg),
            Mounting::SingleAxis => {
                // North–south axis (azimuth 180), horizontal, backtracking.
                let st = solar::tracking::single_axis(
                    zen,
                    az,
                    0.0,
                    180.0,
                    f.tracker_max_angle_deg,
                    f.ground_coverage_ratio_pu,
                    true,
                );
                (st.surface_tilt_deg, st.surface_azimuth_deg)
            }
        };
        let aoi = solar::spa::incidence_angle_deg(zen, az, tilt, surf_az);
        let cos_aoi = aoi.to_radians().cos();
        let cos_zen = zen.to_radians().cos();
        let up = zen < 90.0 && cos_aoi > 0.0;
        beam_factor.push(if up { (cos_aoi * f.iam.at(aoi)) as f32 } else { 0.0 });
        beam_cos.push(if up { cos_aoi as f32 } else { 0.0 });
        // Guard the beam ratio near the horizon as pvlib 0.16's Hay–Davies
        // does (cos Z floored at 0.01745 = cos 89°; the same floor as
        // `solar::irradiance::poa`).
        rb.push(if up { (cos_aoi / cos_zen.max(0.01745)) as f32 } else { 0.0 });
        let ct = tilt.to_radians().cos();
        sky_view.push(((1.0 + ct) / 2.0) as f32);
        sky_view.push(((1.0 - ct) / 2.0) as f32);
    }
    SolarPre {
        site: f.site,
        beam_factor,
        beam_cos,
        sky_view,
        rb,
        wind_10m: match site.shear_exponent {
            Some(alpha) => wind::shear_power(1.0, site.wind_height_m, TEMP_WIND_HEIGHT_M, alpha),
            None => wind::shear_log(1.0, site.wind_height_m, TEMP_WIND_HEIGHT_M, site.roughness_length_m),
        },
        shared_sapm: false,
    }
}
