//! Issue 16, "Weather and physics you can bet a P90 on": the generator's
//! wind–cloud sign convention and daily coupling, regional dust events,
//! the interannual anomaly layer, the incidence-angle model as a key and
//! the per-site weather columns of samples.csv. Fixed seeds; statistical
//! checks at 3 standard errors (or looser bounds stated at each test),
//! exact checks where the construction gives them.

mod common;

use common::{header, model};
use renewplan::model::Model;
use renewplan::sim::conversion::Converter;
use renewplan::sim::engine::{Method, Study};
use renewplan::sim::weather::{Weather, WeatherModel, dust_regions};

/// One site (and zone) `s` at Luanjingtan with `site_extra` keys, a year long.
fn site_scenario(hours: usize, site_extra: &str, extra: &str) -> String {
    format!(
        "{}[[site]]\nname = \"s\"\nlatitude_deg = 37.885\nlongitude_deg = 105.403\nelevation_m = 1350\nwind_height_m = 100\n{site_extra}\n{extra}",
        header(hours, &["z"])
    )
}

fn corr(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut c, mut va, mut vb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        c += (x - ma) * (y - mb);
        va += (x - ma) * (x - ma);
        vb += (y - mb) * (y - mb);
    }
    c / (va * vb).sqrt()
}

fn sample(m: &Model, wm: &WeatherModel, seed: u64, k: u64) -> Weather {
    let mut w = Weather::default();
    wm.sample(m, seed, k, &mut w);
    w
}

/// Hourly clear-sky index and wind over daylight hours (clear sky ≥ 200
/// W/m²) of `years` sample years.
fn hourly_wind_kc(text: &str, years: u64) -> (Vec<f64>, Vec<f64>) {
    let m = model(text);
    let wm = WeatherModel::new(&m);
    let (mut wind, mut kc) = (Vec::new(), Vec::new());
    for k in 0..years {
        let w = sample(&m, &wm, 7, k);
        for t in 0..m.hours() {
            let clear = wm.geometry[0].clear_ghi_w_m2[t];
            if clear >= 200.0 {
                wind.push(w.wind_m_s[0][t]);
                kc.push(w.ghi_w_m2[0][t] / clear);
            }
        }
    }
    (wind, kc)
}

#[test]
fn positive_wind_cloud_rho_makes_windy_hours_cloudier() {
    // Hourly cloud process only (no daily share), no dust, no interannual
    // layer: the correlation matrix's wind–cloud entry alone couples them.
    let site = "clear_sky_index_daily_share = 0\ndust_days_per_year = 0\nwind_interannual_sd_pu = 0\nirradiance_interannual_sd_pu = 0";
    let corr_at = |rho: f64| {
        let c = format!("[[correlation]]\na = \"s.wind\"\nb = \"s.cloud\"\nrho = {rho}\n");
        let (w, kc) = hourly_wind_kc(&site_scenario(8760, site, if rho == 0.0 { "" } else { &c }), 2);
        corr(&w, &kc)
    };
    let (plus, zero, minus) = (corr_at(0.5), corr_at(0.0), corr_at(-0.5));
    // ≈ 8,000 daylight hours, hourly persistence ≈ 0.9: an effective
    // sample of a few hundred, s.e. of a correlation ≈ 0.05; the effects are
    // several times that.
    assert!(plus < -0.15, "rho = +0.5 (windy hours cloudier): corr(wind, k_c) = {plus}");
    assert!(minus > 0.15, "rho = −0.5 (windy hours clearer): corr(wind, k_c) = {minus}");
    assert!(zero.abs() < 0.15, "rho = 0: corr(wind, k_c) = {zero}");
}

/// Within-month correlation of daily mean wind with daily irradiation,
/// over `years` sample years (day anomalies from each month's mean).
fn daily_wind_ghi_corr(site_extra: &str, years: u64) -> f64 {
    let m = model(&site_scenario(8760, site_extra, ""));
    let wm = WeatherModel::new(&m);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for k in 0..years {
        let w = sample(&m, &wm, 11, k);
        let days = m.hours() / 24;
        let dw: Vec<f64> = (0..days).map(|d| w.wind_m_s[0][24 * d..24 * d + 24].iter().sum::<f64>() / 24.0).collect();
        let dg: Vec<f64> = (0..days).map(|d| w.ghi_w_m2[0][24 * d..24 * d + 24].iter().sum::<f64>()).collect();
        for mo in 1..=12u8 {
            let idx: Vec<usize> = (0..days).filter(|&d| m.calendar.month[24 * d] + 1 == mo).collect();
            let n = idx.len() as f64;
            let (mw, mg) = (idx.iter().map(|&d| dw[d]).sum::<f64>() / n, idx.iter().map(|&d| dg[d]).sum::<f64>() / n);
            for &d in &idx {
                a.push(dw[d] - mw);
                b.push(dg[d] - mg);
            }
        }
    }
    corr(&a, &b)
}

#[test]
fn daily_wind_cloud_coupling_sets_the_daily_wind_ghi_correlation() {
    let base = "dust_days_per_year = 0\nwind_interannual_sd_pu = 0\nirradiance_interannual_sd_pu = 0\n";
    // 8 years ≈ 2,900 days; day-to-day persistence makes the effective
    // sample ≈ 1,000–2,000, s.e. ≈ 0.03.
    let none = daily_wind_ghi_corr(base, 8);
    let coupled = daily_wind_ghi_corr(&format!("{base}wind_cloudiness_daily_correlation = 0.22"), 8);
    eprintln!("daily within-month corr(wind, GHI): coupling 0 → {none:.3}, 0.22 → {coupled:.3}");
    assert!(none.abs() < 0.09, "no coupling: {none}");
    // The bundled scenarios' 0.22 aims at the observed −0.15 (Po valley
    // TMY) to −0.23 (Greensboro TMY3); within 3 s.e. of −0.2.
    assert!((-0.29..=-0.11).contains(&coupled), "coupling 0.22: {coupled}");
}

#[test]
fn dust_events_are_shared_within_the_region_radius() {
    // Two sites 64 km apart (Luanjingtan and Tengger) and one 1,100 km
    // away; the same dust parameters everywhere.
    let text = format!(
        "{}[[site]]\nname = \"a\"\nlatitude_deg = 37.885\nlongitude_deg = 105.403\n\
         [[site]]\nname = \"b\"\nlatitude_deg = 37.6\nlongitude_deg = 104.8\n\
         [[site]]\nname = \"far\"\nlatitude_deg = 43.8\nlongitude_deg = 87.6\n\
         [[site]]\nname = \"b2\"\nlatitude_deg = 37.7\nlongitude_deg = 105.0\ndust_days_per_year = 5\n",
        header(8760, &["z"])
    );
    let m = model(&text);
    assert_eq!(dust_regions(&m.sites), vec![0, 0, 2, 0]);
    let wm = WeatherModel::new(&m);
    let (mut shared, mut far_same, mut dusty, mut nested) = (true, 0usize, 0usize, true);
    for k in 0..10 {
        let w = sample(&m, &wm, 3, k);
        shared &= w.dust_day[0] == w.dust_day[1];
        dusty += w.dust_day[0].iter().filter(|x| **x).count();
        far_same += w.dust_day[0].iter().zip(&w.dust_day[2]).filter(|(a, b)| **a && **b).count();
        // Fewer expected dust days at b2: the same uniform draws start
        // its events only on days that start one at a.
        for d in 1..w.dust_day[3].len() {
            if w.dust_day[3][d] && !w.dust_day[3][d - 1] {
                nested &= w.dust_day[0][d];
            }
        }
    }
    assert!(shared, "sites 64 km apart with equal parameters must share their dust days");
    assert!(nested, "a site with fewer dust days starts its events only with the region's");
    assert!(dusty > 50, "about 10 dust days a year expected, got {dusty} in 10 years");
    // Independent chains: ≈ dusty²/(10·92) coincident days by chance.
    assert!(far_same < dusty / 2, "a site 1,100 km away shares {far_same} of {dusty} dust days");
}

/// Annual mean wind speed and annual irradiation of `years` sample years.
fn annual(text: &str, years: u64) -> (Vec<f64>, Vec<f64>) {
    let m = model(text);
    let wm = WeatherModel::new(&m);
    (0..years)
        .map(|k| {
            let w = sample(&m, &wm, 5, k);
            (w.wind_m_s[0].iter().sum::<f64>() / m.hours() as f64, w.ghi_w_m2[0].iter().sum::<f64>() / 1000.0)
        })
        .unzip()
}

fn cv(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    (x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0)).sqrt() / m
}

#[test]
fn interannual_layer_adds_its_variance() {
    // The Alxa base site's generator parameters (defaults otherwise).
    let alxa = "wind_mean_m_s = 6.5\nwind_monthly_factor = [0.96, 1.00, 1.12, 1.20, 1.12, 1.00, 0.88, 0.84, 0.90, 0.96, 1.02, 1.00]\n\
                clear_sky_index_monthly = [0.82, 0.80, 0.76, 0.75, 0.75, 0.74, 0.70, 0.70, 0.72, 0.78, 0.82, 0.83]\n";
    let n = 300;
    let (w0, g0) = annual(
        &site_scenario(8760, &format!("{alxa}wind_interannual_sd_pu = 0\nirradiance_interannual_sd_pu = 0"), ""),
        n,
    );
    let (w1, g1) = annual(&site_scenario(8760, alxa, ""), n);
    let (cw0, cg0, cw1, cg1) = (cv(&w0), cv(&g0), cv(&w1), cv(&g1));
    eprintln!(
        "annual CV without the layer: wind speed {:.2} %, GHI {:.2} %; with the defaults: {:.2} %, {:.2} %",
        100.0 * cw0,
        100.0 * cg0,
        100.0 * cw1,
        100.0 * cg1
    );
    // Variances add (the layer is independent of the hourly processes):
    // CV² ≈ CV₀² + σ². s.e. of a sample s.d. ≈ s.d./√(2(n−1)) ≈ 4 %.
    let se = 3.0 / (2.0 * (n as f64 - 1.0)).sqrt();
    let want_w = (cw0 * cw0 + renewplan::model::WIND_INTERANNUAL_SD_DEFAULT.powi(2)).sqrt();
    assert!((cw1 / want_w - 1.0).abs() < se, "wind: {cw1} vs {want_w}");
    // The clear-sky index is capped at 1.05, which trims a little of the
    // layer on clear days: a one-sided allowance.
    let want_g = (cg0 * cg0 + renewplan::model::IRRADIANCE_INTERANNUAL_SD_DEFAULT.powi(2)).sqrt();
    assert!(cg1 / want_g - 1.0 < se && cg1 / want_g - 1.0 > -se - 0.1, "GHI: {cg1} vs {want_g}");
    // The published ranges: σ of the annual mean wind speed 4–6 %, annual
    // GHI CV 2–5 %.
    assert!((0.04..=0.06).contains(&cw1), "wind speed CV {cw1}");
    assert!((0.02..=0.05).contains(&cg1), "GHI CV {cg1}");
    // The layer leaves the mean where it was (within 3 s.e.).
    let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
    assert!((mean(&w1) / mean(&w0) - 1.0).abs() < 3.0 * cw1 / (n as f64).sqrt());
}

#[test]
fn incidence_angle_model_is_a_key() {
    use renewplan::physics::solar::irradiance::{iam_ashrae, iam_martin_ruiz, iam_physical};
    let fleets = [
        "",
        "iam_model = \"ashrae\"\niam_b0 = 0.1",
        "iam_model = \"physical\"",
        "iam_model = \"martin-ruiz\"\niam_a_r = 0.2",
        "iam_model = \"none\"",
    ];
    let mut text = site_scenario(96, "", "");
    for (i, f) in fleets.iter().enumerate() {
        text.push_str(&format!(
            "[[solar_fleet]]\nname = \"pv{i}\"\nzone = \"z\"\nsite = \"s\"\ncapacity_mwdc = 100\ntilt_deg = 30\n{f}\n"
        ));
    }
    let m = model(&text);
    let wm = WeatherModel::new(&m);
    let conv = Converter::new(&m, &wm);
    let models: [&dyn Fn(f64) -> f64; 5] = [
        &|a| iam_ashrae(a, 0.05),
        &|a| iam_ashrae(a, 0.1),
        &|a| iam_physical(a, 1.526, 4.0, 2.0),
        &|a| iam_martin_ruiz(a, 0.2),
        &|a| if a.abs() < 90.0 { 1.0 } else { 0.0 },
    ];
    let mut checked = 0;
    for t in 0..96 {
        let cos = conv.solar[0].beam_cos[t] as f64;
        if cos <= 0.0 {
            continue;
        }
        let aoi = cos.clamp(-1.0, 1.0).acos().to_degrees();
        for (i, f) in models.iter().enumerate() {
            let want = cos * f(aoi);
            let got = conv.solar[i].beam_factor[t] as f64;
            // f32 storage, and the angle recovered from an f32 cosine.
            assert!((got - want).abs() < 2e-4, "fleet {i}, hour {t}: {got} vs {want}");
        }
        checked += 1;
    }
    assert!(checked > 20);
    // A coefficient of another model, or an unknown model, is an error that
    // names the key and what is accepted.
    let base = site_scenario(24, "", "");
    let bad = format!(
        "{base}[[solar_fleet]]\nname = \"pv\"\nzone = \"z\"\nsite = \"s\"\ncapacity_mwdc = 1\niam_model = \"martin-ruiz\"\niam_b0 = 0.05\n"
    );
    let e = common::model_error(&bad);
    assert!(e.contains("iam_b0") && e.contains("ashrae"), "{e}");
    let bad = format!(
        "{base}[[solar_fleet]]\nname = \"pv\"\nzone = \"z\"\nsite = \"s\"\ncapacity_mwdc = 1\niam_model = \"martin_ruiz\"\n"
    );
    let e = common::model_error(&bad);
    assert!(e.contains("iam_model") && e.contains("martin-ruiz") && e.contains("physical"), "{e}");
    common::validate_rejects(&[("bad.toml", &bad)], &["bad.toml", "iam_model", "martin-ruiz"]);
}

#[test]
fn samples_carry_annual_ghi_and_mean_wind_per_site() {
    let text = format!(
        "{}[[wind_fleet]]\nname = \"w\"\nzone = \"z\"\nsite = \"s\"\ncapacity_mw = 100\n",
        site_scenario(8760, "", "")
    );
    let m = model(&text);
    let study = Study::new(&m);
    let res = study.run(Method { seed: 9, first: 0, samples: 4, threads: 1 }, &|_| {});
    let (jg, jw) =
        (res.registry.index("site.s.ghi_kwh_m2").unwrap(), res.registry.index("site.s.wind_mean_m_s").unwrap());
    // The last columns, so that no earlier column moved.
    assert_eq!(jw, res.registry.defs.len() - 1);
    assert_eq!(jg, jw - 1);
    let (g, w) = (res.column(jg), res.column(jw));
    for k in 0..4u64 {
        let tr = study.trace(9, k);
        let want_g = tr.weather.ghi_w_m2[0].iter().sum::<f64>() / 1000.0;
        let want_w = tr.weather.wind_m_s[0].iter().sum::<f64>() / 8760.0;
        assert!((g[k as usize] / want_g - 1.0).abs() < 1e-12, "sample {k}: {} vs {want_g}", g[k as usize]);
        assert!((w[k as usize] / want_w - 1.0).abs() < 1e-12);
    }
    // Alxa-like defaults: ≈ 1,700 kWh/m² and 6.5 m/s (within 10 %).
    assert!(g.iter().all(|x| (1400.0..2000.0).contains(x)), "{g:?}");
    assert!(w.iter().all(|x| (5.0..8.5).contains(x)), "{w:?}");
}

// ----------------------------------------------------------- data readers

/// A year of hourly generic CSV (2019, UTC): `header`, then per hour the
/// time stamp and `cells(t)`.
fn generic_year(header: &str, cells: impl Fn(usize) -> String) -> String {
    let mut s = format!("{header}\n");
    let start = renewplan::base::calendar::unix_from_civil(2019, 1, 1, 0, 0, 0.0);
    for t in 0..8760 {
        let l = renewplan::data::local_hour(start + 3600.0 * t as f64, 0.0);
        let (y, mo, d) = renewplan::base::calendar::civil_from_days(l.days);
        s.push_str(&format!("{y}-{mo:02}-{d:02} {:02}:00,{}\n", l.hour, cells(t)));
    }
    s
}

fn generic_spec(ghi: Option<&str>) -> renewplan::data::generic::GenericSpec {
    renewplan::data::generic::GenericSpec {
        ghi_column: ghi.map(String::from),
        temp_column: Some("temp".into()),
        wind_column: Some("ws".into()),
        ..Default::default()
    }
}

#[test]
fn duplicate_header_names_are_an_error() {
    // A mast export with the speed at 10 m and at 100 m under one name.
    let text = generic_year("time,temp,ws,ws", |t| format!("10.0,{:.1},{:.1}", 3.0 + (t % 5) as f64, 9.0));
    let e = renewplan::data::generic::read(&text, "mast.csv", &generic_spec(None)).expect_err("ambiguous column");
    let msg = e.to_string();
    assert_eq!(e.line, Some(1), "{msg}");
    assert!(
        msg.contains("mast.csv") && msg.contains("`ws`") && msg.contains("2 times") && msg.contains("3, 4"),
        "{msg}"
    );
    assert!(msg.contains("unique"), "{msg}");
}

#[test]
fn all_zero_ghi_gets_its_own_message() {
    let text = generic_year("time,ghi,temp,ws", |_| "0.0,10.0,5.0".to_string());
    let e = renewplan::data::generic::read(&text, "station.csv", &generic_spec(Some("ghi"))).expect_err("all zero");
    let msg = e.to_string();
    assert!(msg.contains("is 0 in all 8760 hours") && msg.contains("leave the irradiance column out"), "{msg}");
    assert!(!msg.contains("kW/m²"), "the old, misleading hint: {msg}");
}

#[test]
fn a_wind_only_site_needs_no_irradiance_column() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = generic_year("time,temp,ws", |t| format!("10.0,{:.1}", 4.0 + (t % 7) as f64));
    std::fs::write(tmp.path().join("mast.csv"), &data).expect("write");
    let site = "[[site]]\nname = \"s\"\nlatitude_deg = 38.0\nlongitude_deg = 105.0\ndata_file = \"mast.csv\"\ndata_format = \"generic\"\ndata_mode = \"replay\"\n\n[site.generic]\ntime_column = \"time\"\ntime_format = \"%Y-%m-%d %H:%M\"\nyear = 2019\nutc_offset_h = 0\ntime_convention = \"start\"\ntemperature_column = \"temp\"\nwind_column = \"ws\"\nwind_height_m = 100\n\n";
    let wind = "[[wind_fleet]]\nname = \"w\"\nzone = \"z\"\nsite = \"s\"\ncapacity_mw = 100\n";
    let load = |text: String| {
        renewplan::model::scenario::load(&renewplan::model::scenario::Source {
            name: "s.toml".into(),
            dir: Some(tmp.path().to_path_buf()),
            text,
        })
    };
    let m = load(format!("{}{site}{wind}", header(8760, &["z"]))).expect("a wind-only site resolves without GHI");
    let study = Study::new(&m);
    let tr = study.trace(1, 0);
    assert!(tr.weather.ghi_w_m2[0].iter().all(|g| *g == 0.0));
    assert!(tr.fleets.wind_mw[0].iter().sum::<f64>() > 0.0);
    // A solar fleet on that site needs the irradiance: a clear error.
    let pv = "[[solar_fleet]]\nname = \"pv\"\nzone = \"z\"\nsite = \"s\"\ncapacity_mwdc = 10\n";
    let e = load(format!("{}{site}{wind}{pv}", header(8760, &["z"]))).expect_err("GHI needed").to_string();
    assert!(e.contains("has no GHI") && e.contains("mast.csv") && e.contains("solar fleet"), "{e}");
}

// ------------------------------------------------------------ fit-weather

/// Fit a bundled typical year, simulate the fitted site and return the
/// annual GHI CV over `years` sample years (with `layer` false the
/// interannual layer is off, so the CV is the fitted day-scale
/// persistence's own), with the fit's notes.
fn fitted_annual_ghi_cv(
    series: &renewplan::data::WeatherSeries,
    utc: f64,
    years: u64,
    layer: bool,
) -> (f64, Vec<String>) {
    let f = renewplan::study::fit::fit_site(series, utc).expect("fit");
    // The extra keys go into the [[site]] table, before the fragment's
    // [[correlation]] tables.
    let frag = f.to_toml("s");
    let tail = if layer {
        "\ndust_days_per_year = 0\n"
    } else {
        "\nwind_interannual_sd_pu = 0\nirradiance_interannual_sd_pu = 0\ndust_days_per_year = 0\n"
    };
    let frag = match frag.find("\n[[correlation]]") {
        Some(at) => format!("{}{tail}{}", &frag[..at], &frag[at..]),
        None => format!("{frag}{tail}"),
    };
    let text = format!(
        "[scenario]\nname = \"fit\"\nstudy_year = 2030\n\n[[zone]]\nname = \"z\"\nlatitude_deg = {}\nlongitude_deg = {}\nutc_offset_h = {utc}\n\n{frag}",
        series.latitude_deg.unwrap(),
        series.longitude_deg.unwrap(),
    );
    let (_, g) = annual(&text, years);
    (cv(&g), f.report.notes.clone())
}

#[test]
fn fitted_typical_years_sample_an_annual_ghi_cv_of_2_to_5_percent() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/");
    let read = |p: &str| std::fs::read_to_string(format!("{dir}{p}")).expect("fixture");
    let cases: Vec<(&str, renewplan::data::WeatherSeries, f64)> = vec![
        (
            // The real PVGIS 5.3 TMY of the validation case (the file
            // beside the fixtures, pvgis_tmy_45…, has synthetic numbers).
            "PVGIS TMY 45 N 8 E",
            renewplan::data::pvgis::read_tmy(&read("validation/tmy_45.000_8.000_2005_2023.csv"), "tmy").unwrap(),
            1.0,
        ),
        (
            "TMY3 Greensboro",
            renewplan::data::ninja::read_weather(&read("validation/greensboro_723170_tmy3_ninja.csv"), "gso").unwrap(),
            -5.0,
        ),
        (
            "PVWatts Denver",
            renewplan::data::ninja::read_weather(&read("validation/denver_pvwatts_ninja.csv"), "den").unwrap(),
            -7.0,
        ),
    ];
    for (name, series, utc) in &cases {
        let (cv, notes) = fitted_annual_ghi_cv(series, *utc, 120, false);
        let (cv_all, _) = fitted_annual_ghi_cv(series, *utc, 120, true);
        eprintln!(
            "{name}: sampled annual GHI CV {:.2} % (interannual layer off), {:.2} % (default layer); notes: {notes:?}",
            100.0 * cv,
            100.0 * cv_all
        );
        assert!(
            !notes.iter().any(|n| n.starts_with("clear_sky_index_daily_persistence: estimate")),
            "{name}: the day-to-day persistence was clamped: {notes:?}"
        );
        // The published 2–5 % includes the interannual anomalies, which
        // are off here: the fitted persistence alone must stay below 5 %.
        assert!((0.005..=0.05).contains(&cv), "{name}: annual GHI CV {cv}");
        // With the default interannual layer: the published 2–5 % (120
        // years: s.e. of the CV ≈ 6.5 % of it, so the bounds hold well
        // beyond 3 s.e. for the values measured, 3.4–4.2 %).
        assert!((0.02..=0.05).contains(&cv_all), "{name}: annual GHI CV with the layer {cv_all}");
    }
}
