//! The dispatch policies against the perfect-foresight optimum on issue 14's
//! single-node test system: one node for one year, 500 MW wind, 2.4 GW PV,
//! 300 MW flat load, a 500 MW / 2 GWh store, a 600 MW electrolyser, a 1 GW
//! export line, no imports; weather and outages of the sampled years of
//! the Luanjingtan site. Figures in docs/dispatch.md.
//!
//! `cargo run --release --example dispatch_quality -- [SAMPLES] [LOOKAHEAD_H...]`

use renewplan::model::scenario::{Source, load};
use renewplan::model::{DispatchPolicy, Model};
use renewplan::sim::dispatch::{Dispatcher, Hourly, Inputs};
use renewplan::sim::engine::Study;
use std::time::Instant;

const SYSTEM: &str = r#"
[scenario]
name = "single-node"
study_year = 2030

[[zone]]
name = "n"
latitude_deg = 37.885
longitude_deg = 105.403
elevation_m = 1350
utc_offset_h = 8

[[external_grid]]
name = "grid"
max_export_mw = 1000
max_import_mw = 0

[[site]]
name = "n"
latitude_deg = 37.885
longitude_deg = 105.403
elevation_m = 1350

[[wind_fleet]]
name = "w"
zone = "n"
site = "n"
capacity_mw = 500

[[solar_fleet]]
name = "pv"
zone = "n"
site = "n"
capacity_mwdc = 2400
dc_ac_ratio = 1.0

[[load]]
name = "l"
zone = "n"
mw = 300.0

[[storage]]
name = "s"
zone = "n"
charge_mw = 500
energy_mwh = 2000

[[electrolyser]]
name = "e"
zone = "n"
capacity_mw = 600

[[line]]
name = "out"
from = "n"
to = "grid"
circuits = 1
circuit_mw = 1000
loss_pu = 0.0
"#;

/// (total value incl. served load, market value = export + hydrogen − cycling,
/// unserved MWh, curtailed MWh).
fn score(m: &Model, h: &Hourly) -> (f64, f64, f64, f64) {
    let voll = m.dispatch.value_of_lost_load_cny_per_mwh;
    let served: f64 = (0..m.hours()).map(|t| h.zone_load_mw[0][t] - h.zone_unserved_mw[0][t]).sum();
    let export: f64 = h.export_mw[0].iter().sum::<f64>() * m.external_grids[0].export_price_cny_per_mwh;
    let h2: f64 = h.electrolyser_mw[0].iter().sum::<f64>()
        * m.economics.hydrogen_value_cny_per_kg
        * m.electrolysers[0].kg_per_mwh(1.0);
    let cycling: f64 = h.storage_discharge_mw[0].iter().sum::<f64>() * m.dispatch.storage_cycling_cost_cny_per_mwh;
    let market = export + h2 - cycling;
    let unserved: f64 = h.zone_unserved_mw[0].iter().sum();
    let curtailed: f64 = h.zone_curtailed_mw[0].iter().sum();
    (voll * served + market, market, unserved, curtailed)
}

fn dispatch(m: &Model, inp: &Inputs) -> (Hourly, f64) {
    let t = Instant::now();
    let mut h = Hourly::default();
    Dispatcher::new(m).run(m, inp, &mut h);
    (h, t.elapsed().as_secs_f64())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let samples: u64 = args.first().and_then(|s| s.parse().ok()).unwrap_or(3);
    let lookaheads: Vec<usize> =
        if args.len() > 1 { args[1..].iter().filter_map(|s| s.parse().ok()).collect() } else { vec![24, 48, 168, 0] };
    let base = load(&Source { name: "single-node".into(), dir: None, text: SYSTEM.into() }).expect("valid system");
    let study = Study::new(&base);
    println!(
        "sample policy              total value (bn CNY)  of optimum  market value (bn CNY)  of optimum  unserved MWh  curtailed MWh  seconds"
    );
    for k in 0..samples {
        let inp = study.trace(base.default_seed, k).inputs;
        let mut best = base.clone();
        best.dispatch.policy = DispatchPolicy::Foresight;
        let (h, secs) = dispatch(&best, &inp);
        let opt = score(&best, &h);
        let row = |label: &str, s: (f64, f64, f64, f64), secs: f64| {
            println!(
                "{k:>6} {label:<20} {:>21.6} {:>10.4}% {:>22.6} {:>10.4}% {:>13.0} {:>14.0} {secs:>8.3}",
                s.0 / 1e9,
                100.0 * s.0 / opt.0,
                s.1 / 1e9,
                100.0 * s.1 / opt.1,
                s.2,
                s.3
            )
        };
        row("foresight (LP)", opt, secs);
        for &w in &lookaheads {
            let mut m = base.clone();
            m.dispatch.policy = DispatchPolicy::Value;
            m.dispatch.lookahead_h = w;
            let (h, secs) = dispatch(&m, &inp);
            row(
                &format!("value, look-ahead {}", if w == 0 { "all".to_string() } else { format!("{w} h") }),
                score(&m, &h),
                secs,
            );
        }
        for (label, order) in [("rules (default)", None), ("rules storage-first", Some(true))] {
            let mut m = base.clone();
            m.dispatch.policy = DispatchPolicy::Rules;
            if order.is_some() {
                use renewplan::model::SurplusUse::*;
                m.dispatch.surplus_priority = vec![Storage, Export, Hydrogen];
            }
            let (h, secs) = dispatch(&m, &inp);
            row(label, score(&m, &h), secs);
        }
    }
}
