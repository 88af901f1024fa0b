//! Issue 16, "Weather and physics you can bet a P90 on": the incidence-angle
//! model as a key, the per-site weather columns of samples.csv and the data
//! readers (duplicate header names, a wind-only
//! site without irradiance, an all-zero GHI column). Exact checks.

mod common;

use common::{header, model};
use renewplan::sim::conversion::Converter;
use renewplan::sim::engine::{Method, Study};
use renewplan::sim::weather::WeatherModel;

/// One site (and zone) `s` at Luanjingtan with `site_extra` keys.
fn site_scenario(hours: usize, site_extra: &str, extra: &str) -> String {
    format!(
        "{}[[site]]\nname = \"s\"\nlatitude_deg = 37.885\nlongitude_deg = 105.403\nelevation_m = 1350\nwind_height_m = 100\n{site_extra}\n{extra}",
        header(hours, &["z"])
    )
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
