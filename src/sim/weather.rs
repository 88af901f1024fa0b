//! Stochastic hourly weather at every site: wind speed, global horizontal
//! irradiance and air temperature, correlated across sites and variables.
//!
//! The generator (per site; all parameters in [`crate::model::Site`]):
//! - **Latent Gaussian AR(1) processes** `z ← φ z + √(1−φ²) ε` for wind,
//!   cloud and temperature, each stationary N(0,1) from the first hour. The
//!   innovations `ε = L e` are correlated across all sites and variables by
//!   the Cholesky factor `L` of the scenario's correlation matrix (factored
//!   with nalgebra in `resolve`; a matrix that is not positive definite is a
//!   user error there).
//! - **Wind speed** by Gaussian-copula transform of the wind process to a
//!   Weibull marginal with shape `k` and a scale that follows the month and
//!   the hour of day: `v = c(m,h)·(−ln Φ(−z))^{1/k}`, `c = v̄·f_m·(1 + A
//!   cos 2π(h−h_peak)/24)/Γ(1+1/k)`, so the annual mean is `v̄` and hourly
//!   persistence is that of `z` (Weibull marginals with an AR(1) copula are
//!   the standard synthetic-wind construction, e.g. Brown, Katz & Murphy
//!   1984, J. Clim. Appl. Meteor. 23).
//! - **Irradiance** `GHI = GHI_clear · k_c`, clear sky from solar geometry
//!   (Ineichen–Perez with monthly Linke turbidity by default, or Haurwitz
//!   per site with `clear_sky_model`, [`crate::physics::solar`]). The
//!   clear-sky index is a logistic transform
//!   `k_c = 1.05·σ(μ_m − s·g)` of the cloudiness `g = √a·d + √(1−a)·c`, a
//!   mix of a daily AR(1) cloudiness `d` (day-to-day persistence) and the
//!   hourly cloud process `c`; `μ_m` is solved at set-up so that E[k_c]
//!   equals the scenario's monthly mean (the normal law is symmetric, so
//!   the sign of `g` does not change it). **Sign convention**: the latent
//!   `cloud` variable of the correlation matrix is *cloudiness* — larger
//!   means a lower clear-sky index — so a positive wind–cloud correlation
//!   makes windy hours cloudier. (Before issue 16 `g` entered with a plus
//!   sign, and the bundled `rho = 0.2` "windy hours are cloudier" made them
//!   clearer: +0.08 correlation of wind with the clear-sky index.)
//! - **Daily wind–cloud coupling**: the wind's latent score is
//!   `c_wd·d + √(1 − c_wd²)·z_w`, `c_wd` = `wind_cloudiness_daily_correlation`
//!   (positive: windy days are cloudier, as with frontal passages), so the
//!   daily cloudiness also moves the day's wind (observed within-month daily
//!   wind–GHI correlations: −0.15 Po valley TMY, −0.23 Greensboro TMY3, +0.03
//!   Denver; 0.22 gives −0.2 on the Alxa defaults; docs/validation.md). The
//!   coupling steps with `d` at midnight like the irradiance does.
//! - **Interannual anomalies**: each sample year draws a factor
//!   `1 + σ_w·x_w` on the site's wind speed (floored at 0.5) and
//!   `1 + σ_g·x_g` on its clear-sky index (capped at 1.05), `x` standard
//!   normal, correlated across sites with the wind–wind and cloud–cloud
//!   blocks of the correlation matrix (an assumption: annual anomalies are
//!   at least as coherent in space as hourly ones). Defaults and sources:
//!   [`crate::model::WIND_INTERANNUAL_SD_DEFAULT`],
//!   [`crate::model::IRRADIANCE_INTERANNUAL_SD_DEFAULT`]. Without the layer
//!   the spread of annual totals came from the hourly and daily persistence
//!   alone (on the Alxa defaults 3.5 % for the annual mean wind speed and
//!   2.6 % for annual GHI), set by persistence assumptions rather than by
//!   the climate's year-to-year variability. One factor per sample: a
//!   multi-year horizon has one anomaly for all its years.
//! - Spring **dust events** are a two-state Markov chain over days in the
//!   dust months (mean duration 2 days, expected count as given) that
//!   scale GHI by `dust_irradiance_factor_pu` and soil the PV fleets
//!   (`conversion`). Dust storms are synoptic events (a typical East Asian
//!   dust storm covers 10⁵–10⁶ km²: Shao & Dong 2006, Global Planet. Change
//!   52, 1–22), so sites within [`DUST_REGION_RADIUS_KM`] of a region's
//!   first site share one daily uniform draw: with equal parameters they
//!   have the same dust days, with different ones nested events.
//! - **Temperature**: monthly means interpolated between mid-month days,
//!   a diurnal cosine peaking at 15:00, plus an AR(1) anomaly.
//!
//! Not modelled (documented simplifications): a dependence of temperature
//! on cloudiness beyond the correlation matrix; monthly anomalies beyond
//! what the daily persistence gives; trends; a regime layer for blocking
//! lulls (wind persistence is one AR(1) plus the daily coupling).

use crate::base::buffers::{reset, size};
use crate::base::rng;
use crate::model::{ClearSkyModel, Model, Site};
use crate::physics::solar;
use nalgebra::{DMatrix, DVector};
use rand::RngExt;
use rand_distr::StandardNormal;

/// One sample's weather, site-major: `wind_m_s[s][t]` etc.
#[derive(Debug, Clone, Default)]
pub struct Weather {
    /// Wind speed at the site's measurement height, m/s.
    pub wind_m_s: Vec<Vec<f64>>,
    /// Global horizontal irradiance, W/m² (hourly mean).
    pub ghi_w_m2: Vec<Vec<f64>>,
    /// Air temperature, °C.
    pub temp_c: Vec<Vec<f64>>,
    /// Dust-event flag per day.
    pub dust_day: Vec<Vec<bool>>,
}

/// Sample-independent quantities of one site, computed once per study.
#[derive(Debug, Clone)]
pub struct SiteGeometry {
    pub zenith_deg: Vec<f64>,
    pub cos_zenith: Vec<f64>,
    pub azimuth_deg: Vec<f64>,
    pub dni_extra_w_m2: Vec<f64>,
    pub clear_ghi_w_m2: Vec<f64>,
}

/// Everything the generator precomputes from the model.
#[derive(Debug, Clone)]
pub struct WeatherModel {
    pub geometry: Vec<SiteGeometry>,
    sites: Vec<SitePre>,
    chol: DMatrix<f64>,
    chol_cloud_daily: DMatrix<f64>,
    /// Cholesky factor of the wind–wind block (interannual wind anomalies).
    chol_wind: DMatrix<f64>,
    /// Per site: the index of its dust region's first site.
    dust_leader: Vec<usize>,
    hours: usize,
    days: usize,
}

#[derive(Debug, Clone)]
struct SitePre {
    /// Weibull scale by month and hour of day.
    scale: [[f64; 24]; 12],
    /// Standard-Weibull quantile of z on a uniform grid.
    q_table: Vec<f64>,
    /// Logistic offset by month.
    kc_offset: [f64; 12],
    /// Minus the logit spread: the cloudiness `g` lowers k_c.
    neg_spread: f64,
    /// Weights of the daily cloudiness and of the hourly process in the
    /// wind's latent score.
    wind_cloud_w: f64,
    wind_own_w: f64,
    wind_iav_sd: f64,
    kc_iav_sd: f64,
    w_daily: f64,
    w_hourly: f64,
    phi_w: f64,
    phi_c: f64,
    phi_t: f64,
    /// √(1 − φ²) of the three hourly processes (innovation weights).
    innov: [f64; 3],
    phi_d: f64,
    temp_day: Vec<f64>,
    /// Diurnal temperature deviation by local hour (cosine peaking at 15:00).
    temp_diurnal: [f64; 24],
    temp_sd: f64,
    dust_start: [f64; 12],
    dust_factor: f64,
}

const Z_MIN: f64 = -7.0;
const Z_MAX: f64 = 7.0;
const Z_STEPS: usize = 2800;
/// Upper bound of the hourly clear-sky index (cloud enhancement allows
/// slightly above 1; hourly means rarely exceed 1.05).
pub const KC_MAX: f64 = 1.05;
/// Mean dust-event duration, days (assumption; DOMAIN.md gives 5–15 dust
/// days per year in March–May).
const DUST_MEAN_DAYS: f64 = 2.0;
/// Sites closer than this to a dust region's first site share its dust
/// events, km. Assumption from the size of East Asian dust storms (10⁵–10⁶
/// km², Shao & Dong 2006; a disc of 300 km radius is 2.8·10⁵ km²).
pub const DUST_REGION_RADIUS_KM: f64 = 300.0;

/// Hours the generator draws before it runs each site's processes over
/// them (small enough to stay in L1 cache).
const WEATHER_CHUNK: usize = 128;

/// Standard normal CDF.
pub fn norm_cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

/// The logistic function 1/(1 + e^−x).
pub fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// E[f(Z)], Z ~ N(0,1), by the trapezoid rule on [−8, 8] (smooth f).
pub fn expect_normal(f: impl Fn(f64) -> f64) -> f64 {
    let n = 800;
    let h = 16.0 / n as f64;
    let mut s = 0.0;
    for i in 0..=n {
        let z = -8.0 + i as f64 * h;
        let w = if i == 0 || i == n { 0.5 } else { 1.0 };
        s += w * f(z) * (-0.5 * z * z).exp();
    }
    s * h / (2.0 * std::f64::consts::PI).sqrt()
}

/// Logistic offset μ such that E[KC_MAX·σ(μ + s Z)] = target (bisection).
fn solve_kc_offset(target: f64, spread: f64) -> f64 {
    let (mut lo, mut hi) = (-20.0, 20.0);
    for _ in 0..80 {
        let mid = 0.5 * (lo + hi);
        let m = expect_normal(|z| KC_MAX * logistic(mid + spread * z));
        if m < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

impl WeatherModel {
    pub fn new(model: &Model) -> Self {
        let hours = model.hours();
        let days = hours.div_ceil(24);
        let geometry = model.sites.iter().map(|s| site_geometry(model, s)).collect();
        let sites = model.sites.iter().map(|s| site_pre(model, s)).collect();
        // Daily cloudiness is correlated across sites with the cloud–cloud
        // block of the correlation matrix (its own Cholesky factor).
        let l = &model.correlation_cholesky;
        let full = l * l.transpose();
        let n = model.sites.len();
        let cloud = DMatrix::from_fn(n, n, |i, j| full[(3 * i + 1, 3 * j + 1)]);
        let chol_cloud_daily = nalgebra::Cholesky::new(cloud).map_or_else(|| DMatrix::identity(n, n), |c| c.l());
        let wind = DMatrix::from_fn(n, n, |i, j| full[(3 * i, 3 * j)]);
        let chol_wind = nalgebra::Cholesky::new(wind).map_or_else(|| DMatrix::identity(n, n), |c| c.l());
        let dust_leader = dust_regions(&model.sites);
        WeatherModel { geometry, sites, chol: l.clone(), chol_cloud_daily, chol_wind, dust_leader, hours, days }
    }

    pub fn n_sites(&self) -> usize {
        self.sites.len()
    }

    /// Fill `out` with the weather of one sample.
    pub fn sample(&self, model: &Model, seed: u64, sample: u64, out: &mut Weather) {
        self.sample_generated(model, seed, sample, out);
        self.fill_from_data(model, seed, sample, out);
    }

    /// Sites with data: replay the mapped year, or draw a year by the
    /// seasonal block bootstrap with the site's own keyed stream. Dust is
    /// already in measured irradiance, so no dust days are flagged (PV
    /// soiling then has its regular build-up only).
    fn fill_from_data(&self, model: &Model, seed: u64, sample: u64, out: &mut Weather) {
        let h = self.hours;
        let year = model.calendar.year;
        for (s, site) in model.sites.iter().enumerate() {
            let Some(d) = &site.data else { continue };
            let drawn;
            let series = match (&d.replayed, d.mode) {
                (Some(r), _) => r.as_ref(),
                _ => {
                    let mut r = rng::stream(seed, sample, "weather.resample", &site.name);
                    // Resolution checked that this data can be resampled.
                    match crate::data::bootstrap::resample(
                        &d.series,
                        year,
                        model.calendar.utc_offset_h,
                        &mut r,
                        d.block_days,
                        d.window_days,
                    ) {
                        Ok(x) => {
                            drawn = x;
                            &drawn
                        }
                        Err(_) => {
                            // Not reached (checked in resolution); zeros
                            // rather than the previous sample's values.
                            for x in [&mut out.wind_m_s[s], &mut out.ghi_w_m2[s], &mut out.temp_c[s]] {
                                x.fill(0.0);
                            }
                            continue;
                        }
                    }
                }
            };
            let n = h.min(series.len());
            for t in 0..n {
                out.wind_m_s[s][t] = series.wind_m_s[t].max(0.0);
                out.temp_c[s][t] = series.temp_c[t];
            }
            // A wind-only site's data may have no irradiance (resolution
            // allows it only where no solar fleet uses the site).
            for (t, g) in out.ghi_w_m2[s][..n].iter_mut().enumerate() {
                *g = series.ghi_w_m2.get(t).map_or(0.0, |x| x.max(0.0));
            }
            for x in [&mut out.wind_m_s[s], &mut out.ghi_w_m2[s], &mut out.temp_c[s]] {
                x[n..].fill(0.0);
            }
            out.dust_day[s].iter_mut().for_each(|x| *x = false);
        }
    }

    fn sample_generated(&self, model: &Model, seed: u64, sample: u64, out: &mut Weather) {
        let n = self.sites.len();
        let h = self.hours;
        // Sized, not cleared: the generator writes every hour of every site
        // and every day's dust flag, and `fill_from_data` every hour of a
        // data site (zero past the end of its series).
        size(&mut out.wind_m_s, n, h, 0.0);
        size(&mut out.ghi_w_m2, n, h, 0.0);
        size(&mut out.temp_c, n, h, 0.0);
        reset(&mut out.dust_day, n, self.days, false);
        if n == 0 {
            return;
        }
        // Interannual factors of this sample year: wind speed, clear-sky index.
        let (mut xw, mut xg) = (DVector::<f64>::zeros(n), DVector::<f64>::zeros(n));
        for (s, site) in model.sites.iter().enumerate() {
            let mut r = rng::stream(seed, sample, "weather.annual", &site.name);
            xw[s] = r.sample(StandardNormal);
            xg[s] = r.sample(StandardNormal);
        }
        let (xw, xg) = (&self.chol_wind * xw, &self.chol_cloud_daily * xg);
        let annual: Vec<(f64, f64)> = (0..n)
            .map(|s| {
                let p = &self.sites[s];
                ((1.0 + p.wind_iav_sd * xw[s]).max(0.5), (1.0 + p.kc_iav_sd * xg[s]).max(0.0))
            })
            .collect();
        // Dust: one daily uniform per dust region, from its first site's stream.
        let mut dust_rng: Vec<Option<rng::Rng>> = (0..n)
            .map(|s| {
                (self.dust_leader[s] == s).then(|| rng::stream(seed, sample, "weather.dust", &model.sites[s].name))
            })
            .collect();
        let mut dust_u = vec![0.0f64; n];
        let mut hourly: Vec<rng::Rng> =
            model.sites.iter().map(|s| rng::stream(seed, sample, "weather.hourly", &s.name)).collect();
        let mut daily: Vec<rng::Rng> =
            model.sites.iter().map(|s| rng::stream(seed, sample, "weather.daily", &s.name)).collect();
        let mut e = vec![0.0f64; 3 * n];
        let chol = self.chol.as_slice(); // column-major, 3n × 3n
        let mut ed = DVector::<f64>::zeros(n);
        let mut edc = DVector::<f64>::zeros(n);
        let mut z = vec![[0.0f64; 3]; n];
        let mut d = vec![0.0f64; n];
        let mut dust = vec![false; n];
        // Per hour of a chunk: the 3n correlated innovations, then the n
        // daily cloud states.
        let dim = 3 * n; // chol is dim × dim
        let w = 4 * n;
        let mut buf = vec![0.0f64; WEATHER_CHUNK * w];
        let cal = &model.calendar;
        let Weather { wind_m_s, ghi_w_m2, temp_c, dust_day } = out;
        // In chunks of hours: first the draws and the cross-site
        // correlation, hour by hour; then each site's processes over the
        // chunk. Each site's streams are drawn in the same order as hour by
        // hour, and every value has the same arithmetic, so the split only
        // changes the bookkeeping (fewer lookups per hour), not a bit of
        // the result.
        for t0 in (0..h).step_by(WEATHER_CHUNK) {
            let t1 = (t0 + WEATHER_CHUNK).min(h);
            for (t, row) in (t0..t1).zip(buf.chunks_exact_mut(w)) {
                let m = cal.month[t] as usize;
                // The horizon starts at local midnight: day index is t / 24.
                if t == 0 || cal.hour_of_day[t] == 0 {
                    let day = t / 24;
                    for (u, r) in dust_u.iter_mut().zip(dust_rng.iter_mut()) {
                        if let Some(r) = r {
                            *u = r.random();
                        }
                    }
                    for (s, r) in daily.iter_mut().enumerate() {
                        ed[s] = r.sample(StandardNormal);
                        let p = &self.sites[s];
                        let u = dust_u[self.dust_leader[s]];
                        dust[s] = if p.dust_start[m] <= 0.0 {
                            false
                        } else if dust[s] {
                            u < 1.0 - 1.0 / DUST_MEAN_DAYS
                        } else {
                            u < p.dust_start[m]
                        };
                        dust_day[s][day] = dust[s];
                    }
                    self.chol_cloud_daily.mul_to(&ed, &mut edc);
                    for (s, ds) in d.iter_mut().enumerate() {
                        let x = edc[s];
                        let p = &self.sites[s];
                        *ds = if t == 0 { x } else { p.phi_d * *ds + (1.0 - p.phi_d * p.phi_d).sqrt() * x };
                    }
                }
                for (s, r) in hourly.iter_mut().enumerate() {
                    for v in 0..3 {
                        e[3 * s + v] = r.sample(StandardNormal);
                    }
                }
                // ε = L e: correlated innovations, row by row, each row's
                // terms added in column order as nalgebra's `gemv` adds
                // them (the same result to the last bit), without its
                // dynamic-size dispatch in every hour.
                let (eps, daily_state) = row.split_at_mut(dim);
                for (i, y) in eps.iter_mut().enumerate() {
                    let mut acc = e[0] * chol[i];
                    for j in 1..dim {
                        acc += e[j] * chol[i + j * dim];
                    }
                    *y = acc;
                }
                daily_state.copy_from_slice(&d);
            }
            let len = t1 - t0;
            let month = &cal.month[t0..t1];
            let hod = &cal.hour_of_day[t0..t1];
            let doy = &cal.day_of_year[t0..t1];
            for s in 0..n {
                if model.sites[s].data.is_some() {
                    continue; // filled from data afterwards
                }
                let p = &self.sites[s];
                let zs = &mut z[s];
                let clear = &self.geometry[s].clear_ghi_w_m2[t0..t1];
                let dust_s = &dust_day[s];
                let (wind_f, kc_f) = annual[s];
                let (wind, ghi, temp) = (&mut wind_m_s[s][t0..t1], &mut ghi_w_m2[s][t0..t1], &mut temp_c[s][t0..t1]);
                for k in 0..len {
                    let row = &buf[k * w..(k + 1) * w];
                    let eps = &row[3 * s..3 * s + 3];
                    let t = t0 + k;
                    let (m, hd) = (month[k] as usize, hod[k] as usize);
                    if t == 0 {
                        *zs = [eps[0], eps[1], eps[2]];
                    } else {
                        zs[0] = p.phi_w * zs[0] + p.innov[0] * eps[0];
                        zs[1] = p.phi_c * zs[1] + p.innov[1] * eps[1];
                        zs[2] = p.phi_t * zs[2] + p.innov[2] * eps[2];
                    }
                    let d = row[3 * n + s];
                    let zw = p.wind_cloud_w * d + p.wind_own_w * zs[0];
                    wind[k] = p.scale[m][hd] * wind_f * p.quantile(zw);
                    ghi[k] = if clear[k] > 0.0 {
                        let g = p.w_daily * d + p.w_hourly * zs[1];
                        let kc = (kc_f * KC_MAX * logistic(p.kc_offset[m] + p.neg_spread * g)).min(KC_MAX);
                        clear[k] * kc * if dust_s[t / 24] { p.dust_factor } else { 1.0 }
                    } else {
                        0.0
                    };
                    temp[k] = p.temp_day[doy[k] as usize] + p.temp_diurnal[hd] + p.temp_sd * zs[2];
                }
            }
        }
    }
}

impl SitePre {
    #[inline]
    fn quantile(&self, z: f64) -> f64 {
        let x = (z.clamp(Z_MIN, Z_MAX) - Z_MIN) * (Z_STEPS as f64 / (Z_MAX - Z_MIN));
        let i = (x as usize).min(Z_STEPS - 1);
        let f = x - i as f64;
        self.q_table[i] + f * (self.q_table[i + 1] - self.q_table[i])
    }
}

fn site_pre(model: &Model, s: &Site) -> SitePre {
    let k = s.wind_weibull_k;
    let gamma = libm::tgamma(1.0 + 1.0 / k);
    let mut scale = [[0.0; 24]; 12];
    for (m, row) in scale.iter_mut().enumerate() {
        for (h, c) in row.iter_mut().enumerate() {
            let diurnal = 1.0
                + s.wind_diurnal_amplitude_pu
                    * (2.0 * std::f64::consts::PI * (h as f64 + 0.5 - s.wind_diurnal_peak_hour) / 24.0).cos();
            *c = s.wind_mean_m_s * s.wind_monthly_factor[m] * diurnal / gamma;
        }
    }
    let q_table = (0..=Z_STEPS)
        .map(|i| {
            let z = Z_MIN + i as f64 * (Z_MAX - Z_MIN) / Z_STEPS as f64;
            // (−ln(1−Φ(z)))^{1/k} = (−ln Φ(−z))^{1/k}, stable in both tails.
            (-norm_cdf(-z).ln()).powf(1.0 / k)
        })
        .collect();
    let mut kc_offset = [0.0; 12];
    for (m, o) in kc_offset.iter_mut().enumerate() {
        *o = solve_kc_offset(s.clear_sky_index_monthly[m], s.clear_sky_index_spread);
    }
    // Hourly cloud persistence is that of the hourly process; the daily
    // component is held through the day.
    let cal = &model.calendar;
    let year = cal.year;
    let mid = |m: usize| -> f64 {
        let mut d = 0.0;
        for mm in 0..m {
            d += crate::base::calendar::days_in_month(year, mm as u32 + 1) as f64;
        }
        d + crate::base::calendar::days_in_month(year, m as u32 + 1) as f64 / 2.0
    };
    let temp_day = (0..366)
        .map(|day| {
            let x = day as f64 + 0.5;
            // Linear interpolation between mid-month values, wrapping the year.
            let mut m1 = 11usize;
            for m in 0..12 {
                if mid(m) <= x {
                    m1 = m;
                }
            }
            let (a, b) = if x < mid(0) { (11, 0) } else { (m1, (m1 + 1) % 12) };
            let xa = if x < mid(0) { mid(11) - 365.0 } else { mid(a) };
            let xb = if b == 0 && a == 11 && x >= mid(0) { mid(0) + 365.0 } else { mid(b) };
            let w = ((x - xa) / (xb - xa)).clamp(0.0, 1.0);
            s.temperature_monthly_c[a] * (1.0 - w) + s.temperature_monthly_c[b] * w
        })
        .collect();
    // Dust: expected dust days spread over the dust months' days, as a
    // two-state chain with mean run length DUST_MEAN_DAYS: the start
    // probability p gives a stationary share f = p/(p + 1/D).
    let season_days: f64 = s.dust_months.iter().map(|m| crate::base::calendar::days_in_month(year, *m) as f64).sum();
    let mut dust_start = [0.0; 12];
    if season_days > 0.0 && s.dust_days_per_year > 0.0 {
        let f = (s.dust_days_per_year / season_days).min(0.95);
        let p = f / (1.0 - f) / DUST_MEAN_DAYS;
        for m in &s.dust_months {
            dust_start[*m as usize - 1] = p.min(1.0);
        }
    }
    SitePre {
        scale,
        q_table,
        kc_offset,
        neg_spread: -s.clear_sky_index_spread,
        wind_cloud_w: s.wind_cloudiness_daily_correlation,
        wind_own_w: (1.0 - s.wind_cloudiness_daily_correlation.powi(2)).sqrt(),
        wind_iav_sd: s.wind_interannual_sd_pu,
        kc_iav_sd: s.irradiance_interannual_sd_pu,
        w_daily: s.clear_sky_index_daily_share.sqrt(),
        w_hourly: (1.0 - s.clear_sky_index_daily_share).sqrt(),
        phi_w: s.wind_hourly_persistence,
        phi_c: s.clear_sky_index_hourly_persistence,
        phi_t: s.temperature_hourly_persistence,
        innov: [s.wind_hourly_persistence, s.clear_sky_index_hourly_persistence, s.temperature_hourly_persistence]
            .map(|phi| (1.0 - phi * phi).sqrt()),
        phi_d: s.clear_sky_index_daily_persistence,
        temp_day,
        temp_diurnal: std::array::from_fn(|h| {
            let phase = 2.0 * std::f64::consts::PI * (h as f64 + 0.5 - 15.0) / 24.0;
            s.temperature_diurnal_amplitude_c * phase.cos()
        }),
        temp_sd: s.temperature_anomaly_sd_c,
        dust_start,
        dust_factor: s.dust_irradiance_factor_pu,
    }
}

/// Great-circle distance between two sites, km (haversine, mean Earth
/// radius 6,371 km).
pub fn distance_km(a: &Site, b: &Site) -> f64 {
    let (p1, p2) = (a.latitude_deg.to_radians(), b.latitude_deg.to_radians());
    let dp = p2 - p1;
    let dl = (b.longitude_deg - a.longitude_deg).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}

/// Dust regions: each site joins the first earlier region whose first site
/// is within [`DUST_REGION_RADIUS_KM`], or starts its own (scenario order,
/// so the grouping is deterministic). Returns each site's region's first
/// site.
pub fn dust_regions(sites: &[Site]) -> Vec<usize> {
    let mut leader = Vec::with_capacity(sites.len());
    for (s, site) in sites.iter().enumerate() {
        let l = (0..s).find(|&j| leader[j] == j && distance_km(&sites[j], site) <= DUST_REGION_RADIUS_KM).unwrap_or(s);
        leader.push(l);
    }
    leader
}

/// Solar geometry and clear-sky irradiance at the middle of every hour.
fn site_geometry(model: &Model, s: &Site) -> SiteGeometry {
    let cal = &model.calendar;
    let h = cal.hours();
    let pressure = solar::clearsky::pressure_from_elevation_hpa(s.elevation_m);
    let mut g = SiteGeometry {
        zenith_deg: Vec::with_capacity(h),
        cos_zenith: Vec::with_capacity(h),
        azimuth_deg: Vec::with_capacity(h),
        dni_extra_w_m2: Vec::with_capacity(h),
        clear_ghi_w_m2: Vec::with_capacity(h),
    };
    for t in 0..h {
        let unix = cal.start_unix_s + 3600.0 * (t as f64 + 0.5);
        let pos = solar::spa::solar_position(&solar::spa::SpaInput {
            unix_seconds_utc: unix,
            latitude_deg: s.latitude_deg,
            longitude_deg: s.longitude_deg,
            elevation_m: s.elevation_m,
            pressure_hpa: pressure,
            temperature_c: 10.0,
            delta_t_s: 69.0,
            atmos_refraction_deg: 0.5667,
        });
        let doy = ((unix / 86_400.0).floor() as i64 - crate::base::calendar::days_from_civil(cal.year, 1, 1))
            .rem_euclid(366) as u32
            + 1;
        let extra = solar::clearsky::extraterrestrial_normal_w_m2(doy);
        let clear = if pos.zenith_deg >= 90.0 {
            0.0
        } else if s.clear_sky_model == ClearSkyModel::Haurwitz {
            solar::clearsky::haurwitz(pos.zenith_deg)
        } else {
            let am = solar::clearsky::airmass_absolute(
                solar::clearsky::airmass_relative_kasten_young(pos.zenith_deg),
                pressure,
            );
            let m = cal.month[t] as usize;
            solar::clearsky::ineichen_perez(pos.zenith_deg, am, s.linke_turbidity_monthly[m], s.elevation_m, extra).ghi
        };
        g.zenith_deg.push(pos.zenith_deg);
        g.cos_zenith.push(pos.zenith_deg.to_radians().cos());
        g.azimuth_deg.push(pos.azimuth_deg);
        g.dni_extra_w_m2.push(extra);
        g.clear_ghi_w_m2.push(clear.max(0.0));
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kc_offset_reproduces_target_mean() {
        for target in [0.3, 0.55, 0.72, 0.9] {
            let mu = solve_kc_offset(target, 1.4);
            let m = expect_normal(|z| KC_MAX * logistic(mu + 1.4 * z));
            assert!((m - target).abs() < 1e-6, "{target} -> {m}");
        }
    }

    #[test]
    fn normal_expectation_is_exact_for_moments() {
        assert!((expect_normal(|_| 1.0) - 1.0).abs() < 1e-9);
        assert!((expect_normal(|z| z * z) - 1.0).abs() < 1e-9);
    }
}
