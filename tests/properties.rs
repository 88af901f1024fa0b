//! Property tests of the hourly dispatch over random small systems: one to
//! three zones and an external grid, with random loads, stores,
//! electrolysers, generators and lines, driven by random hand-built inputs
//! (renewable MW, shares of units up, line capacities).
//!
//! In every zone and hour: the energy balance closes (residual < 1e-6 MWh),
//! nothing is negative, unserved ≤ load, state of charge stays within its
//! limits, every asset stays within its rating and availability, and line
//! flows stay within the hour's available capacity in the direction of flow.

mod common;

use common::header;
use common::strategies::{hourly, share, some_or_zero};
use proptest::prelude::*;
use renewplan::model::Model;
use renewplan::sim::dispatch::{Hourly, Inputs};

const TOL: f64 = 1e-6;

#[derive(Debug, Clone)]
struct Store {
    zone: usize,
    charge_mw: f64,
    discharge_mw: f64,
    energy_mwh: f64,
    rte: f64,
    soc_min: f64,
    soc_max: f64,
    initial: f64,
    self_discharge: f64,
}

#[derive(Debug, Clone)]
struct Elec {
    zone: usize,
    capacity_mw: f64,
    min_load: f64,
    kwh_per_kg: f64,
    store_kg: f64,
    initial: f64,
    offtake: f64,
}

#[derive(Debug, Clone)]
struct Line {
    /// Node indices: zones 0..zones, the grid is node `zones`.
    from: usize,
    to: usize,
    loss: f64,
}

/// A random system and its inputs.
#[derive(Debug, Clone)]
struct Sys {
    zones: usize,
    hours: usize,
    max_export: f64,
    max_import: f64,
    loads: Vec<(usize, f64)>,
    stores: Vec<Store>,
    elecs: Vec<Elec>,
    gens: Vec<(usize, f64, f64)>,
    lines: Vec<Line>,
    priority: Vec<&'static str>,
    to_export: bool,
    re: Vec<Vec<f64>>,
    gen_up: Vec<Vec<f64>>,
    storage_up: Vec<Vec<f64>>,
    elec_up: Vec<Vec<f64>>,
    line_cap: Vec<Vec<f64>>,
}

fn store(nz: usize) -> impl Strategy<Value = Store> {
    (0..nz, 0.0..100.0, 0.0..100.0, 0.0..400.0, 0.5..=1.0, 0.0..0.4, 0.6..=1.0, 0.0..=1.0, some_or_zero(0.05)).prop_map(
        |(zone, charge_mw, discharge_mw, energy_mwh, rte, soc_min, soc_max, initial, self_discharge)| Store {
            zone,
            charge_mw,
            discharge_mw,
            energy_mwh,
            rte,
            soc_min,
            soc_max,
            initial,
            self_discharge,
        },
    )
}

fn elec(nz: usize) -> impl Strategy<Value = Elec> {
    (0..nz, 0.0..100.0, 0.0..0.6, 40.0..70.0, some_or_zero(5000.0), 0.0..=1.0, some_or_zero(1000.0)).prop_map(
        |(zone, capacity_mw, min_load, kwh_per_kg, store_kg, initial, offtake)| Elec {
            zone,
            capacity_mw,
            min_load,
            kwh_per_kg,
            store_kg,
            initial,
            offtake,
        },
    )
}

fn line(nz: usize, losses: bool) -> impl Strategy<Value = Line> {
    let loss = if losses { prop_oneof![Just(0.0), 0.0..0.1].boxed() } else { Just(0.0).boxed() };
    // Any two different nodes among the zones and the grid.
    (0..=nz, 0..nz, loss).prop_map(move |(from, k, loss)| Line { from, to: (from + 1 + k) % (nz + 1), loss })
}

fn sys(losses: bool) -> impl Strategy<Value = Sys> {
    (1usize..=3, 1usize..=24).prop_flat_map(move |(nz, hours)| {
        let assets = (
            prop::collection::vec((0..nz, some_or_zero(200.0)), 0..=4),
            prop::collection::vec(store(nz), 0..=3),
            prop::collection::vec(elec(nz), 0..=2),
            prop::collection::vec((0..nz, 0.0..150.0, 0.0..1000.0), 0..=3),
            prop::collection::vec(line(nz, losses), 0..=5),
            (Just(vec!["export", "hydrogen", "storage"]).prop_shuffle(), 0usize..=3, any::<bool>()),
            (some_or_zero(500.0), some_or_zero(300.0)),
        );
        assets.prop_flat_map(move |(loads, stores, elecs, gens, lines, (order, n_uses, to_export), grid)| {
            let inputs = (
                hourly(nz, hours, prop_oneof![Just(0.0), 0.0..400.0]),
                hourly(gens.len(), hours, share()),
                hourly(stores.len(), hours, share()),
                hourly(elecs.len(), hours, share()),
                hourly(lines.len(), hours, prop_oneof![Just(0.0), 0.0..300.0]),
            );
            let (loads, stores, elecs, gens, lines) = (loads.clone(), stores.clone(), elecs.clone(), gens, lines);
            let priority: Vec<&'static str> = order[..n_uses].to_vec();
            inputs.prop_map(move |(re, gen_up, storage_up, elec_up, line_cap)| Sys {
                zones: nz,
                hours,
                max_export: grid.0,
                max_import: grid.1,
                loads: loads.clone(),
                stores: stores.clone(),
                elecs: elecs.clone(),
                gens: gens.clone(),
                lines: lines.clone(),
                priority: priority.clone(),
                to_export,
                re,
                gen_up,
                storage_up,
                elec_up,
                line_cap,
            })
        })
    })
}

fn zone_name(z: usize) -> String {
    format!("z{z}")
}

fn node_name(s: &Sys, n: usize) -> String {
    if n < s.zones { zone_name(n) } else { "grid".into() }
}

impl Sys {
    fn toml(&self) -> String {
        let names: Vec<String> = (0..self.zones).map(zone_name).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut t = header(self.hours, &refs);
        let prio: Vec<String> = self.priority.iter().map(|p| format!("\"{p}\"")).collect();
        t += &format!(
            "[dispatch]\nsurplus_priority = [{}]\nstorage_discharge_to_export = {}\n\n",
            prio.join(", "),
            self.to_export
        );
        t += &format!(
            "[[external_grid]]\nname = \"grid\"\nmax_export_mw = {:?}\nmax_import_mw = {:?}\n\n",
            self.max_export, self.max_import
        );
        for (i, (z, mw)) in self.loads.iter().enumerate() {
            t += &format!("[[load]]\nname = \"load{i}\"\nzone = \"{}\"\nmw = {mw:?}\n\n", zone_name(*z));
        }
        for (i, s) in self.stores.iter().enumerate() {
            t += &format!(
                "[[storage]]\nname = \"store{i}\"\nzone = \"{}\"\ncharge_mw = {:?}\ndischarge_mw = {:?}\n\
                 energy_mwh = {:?}\nround_trip_efficiency_pu = {:?}\nsoc_min_pu = {:?}\nsoc_max_pu = {:?}\n\
                 initial_soc_pu = {:?}\nself_discharge_pu_per_h = {:?}\n\n",
                zone_name(s.zone),
                s.charge_mw,
                s.discharge_mw,
                s.energy_mwh,
                s.rte,
                s.soc_min,
                s.soc_max,
                s.initial,
                s.self_discharge
            );
        }
        for (i, e) in self.elecs.iter().enumerate() {
            t += &format!(
                "[[electrolyser]]\nname = \"elec{i}\"\nzone = \"{}\"\ncapacity_mw = {:?}\nmin_load_pu = {:?}\n\
                 consumption_kwh_per_kg = {:?}\nstore_kg = {:?}\ninitial_store_pu = {:?}\nofftake_kg_per_h = {:?}\n\n",
                zone_name(e.zone),
                e.capacity_mw,
                e.min_load,
                e.kwh_per_kg,
                e.store_kg,
                e.initial,
                e.offtake
            );
        }
        for (i, (z, cap, cost)) in self.gens.iter().enumerate() {
            t += &format!(
                "[[generator]]\nname = \"gen{i}\"\nzone = \"{}\"\ncapacity_mw = {cap:?}\nvariable_cost_cny_per_mwh = {cost:?}\n\n",
                zone_name(*z)
            );
        }
        for (i, l) in self.lines.iter().enumerate() {
            t += &format!(
                "[[line]]\nname = \"line{i}\"\nfrom = \"{}\"\nto = \"{}\"\ncircuits = 1\ncircuit_mw = 300\nloss_pu = {:?}\n\n",
                node_name(self, l.from),
                node_name(self, l.to),
                l.loss
            );
        }
        t
    }

    /// The model and the inputs, indexed in the model's order (generators
    /// are sorted by cost when resolved, so their inputs are looked up by name).
    fn build(&self) -> (Model, Inputs) {
        let m = common::model(&self.toml());
        let gen_up =
            m.generators.iter().map(|g| self.gen_up[g.name["gen".len()..].parse::<usize>().unwrap()].clone()).collect();
        let inp = Inputs {
            re_mw: self.re.clone(),
            gen_up,
            storage_up: self.storage_up.clone(),
            electrolyser_up: self.elec_up.clone(),
            line_cap_mw: self.line_cap.clone(),
        };
        (m, inp)
    }
}

/// Everything that must hold whatever the system; `lines` adds the line
/// limits in the direction of flow.
fn invariants(m: &Model, inp: &Inputs, h: &Hourly, lines: bool) -> Result<(), TestCaseError> {
    let nz = m.zones.len();
    for t in 0..m.hours() {
        for z in 0..nz {
            let r = renewplan::sim::dispatch::zone_residual(m, inp, h, z, t);
            prop_assert!(r.abs() < TOL, "zone {z} hour {t}: residual {r}");
            let (load, un, curt) = (h.zone_load_mw[z][t], h.zone_unserved_mw[z][t], h.zone_curtailed_mw[z][t]);
            prop_assert!(un >= 0.0 && un <= load + TOL, "zone {z} hour {t}: unserved {un} of load {load}");
            prop_assert!(curt >= 0.0 && curt <= inp.re_mw[z][t] + TOL, "zone {z} hour {t}: curtailed {curt}");
            prop_assert!(
                un <= TOL || curt <= TOL,
                "zone {z} hour {t}: curtails {curt} while {un} of its own load is unserved"
            );
        }
        for (i, s) in m.storage.iter().enumerate() {
            let up = inp.storage_up[i][t];
            let (ch, dis) = (h.storage_charge_mw[i][t], h.storage_discharge_mw[i][t]);
            let soc = h.storage_soc_mwh[i][t];
            let sd = h.storage_self_discharge_mwh[i][t];
            let prev = if t == 0 { s.initial_soc_pu * s.energy_mwh } else { h.storage_soc_mwh[i][t - 1] };
            prop_assert!(ch >= 0.0 && ch <= s.charge_mw * up + TOL, "store {i} hour {t}: charge {ch}");
            prop_assert!(dis >= 0.0 && dis <= s.discharge_mw * up + TOL, "store {i} hour {t}: discharge {dis}");
            prop_assert!(sd >= 0.0, "store {i} hour {t}: self-discharge {sd}");
            prop_assert!(soc <= s.soc_max_pu * s.energy_mwh + TOL, "store {i} hour {t}: SOC {soc} above its ceiling");
            // Dispatch never takes a store below its floor; self-discharge alone may
            // take it lower (it acts on any stored energy).
            let floor = (s.soc_min_pu * s.energy_mwh).min(prev - sd);
            prop_assert!(soc >= floor - TOL, "store {i} hour {t}: SOC {soc} below floor {floor}");
            prop_assert!(soc >= -TOL, "store {i} hour {t}: SOC {soc} negative");
            if s.self_discharge_pu_per_h == 0.0 {
                prop_assert!(soc >= s.soc_min_pu * s.energy_mwh - TOL, "store {i} hour {t}: SOC {soc} below soc_min");
            }
            // SOC follows from the flows and the efficiencies.
            let expect = prev - sd + ch * s.charge_efficiency_pu - dis / s.discharge_efficiency_pu;
            prop_assert!(
                (soc - expect).abs() <= TOL * (1.0 + s.energy_mwh),
                "store {i} hour {t}: SOC {soc}, flows give {expect}"
            );
        }
        for (i, e) in m.electrolysers.iter().enumerate() {
            let cap = e.capacity_mw * inp.electrolyser_up[i][t];
            let mw = h.electrolyser_mw[i][t];
            prop_assert!(mw >= 0.0 && mw <= cap + TOL, "electrolyser {i} hour {t}: {mw} MW of {cap}");
            prop_assert!(
                mw == 0.0 || mw >= e.min_load_pu * cap - TOL,
                "electrolyser {i} hour {t}: {mw} MW below minimum"
            );
            let kg = h.h2_kg[i][t];
            prop_assert!(
                (kg - mw * 1000.0 / e.consumption_kwh_per_kg).abs() <= TOL,
                "electrolyser {i} hour {t}: {kg} kg"
            );
            let (store, short) = (h.h2_store_kg[i][t], h.h2_shortfall_kg[i][t]);
            prop_assert!(store >= 0.0, "electrolyser {i} hour {t}: store {store}");
            prop_assert!(
                short >= 0.0 && short <= e.offtake_kg_per_h + TOL,
                "electrolyser {i} hour {t}: shortfall {short}"
            );
            if e.store_kg > 0.0 || e.offtake_kg_per_h > 0.0 {
                prop_assert!(store <= e.store_kg + TOL, "electrolyser {i} hour {t}: store {store} > {}", e.store_kg);
            }
        }
        for (g, gen_) in m.generators.iter().enumerate() {
            let x = h.gen_mw[g][t];
            prop_assert!(x >= 0.0 && x <= gen_.capacity_mw * inp.gen_up[g][t] + TOL, "generator {g} hour {t}: {x}");
        }
        for (k, g) in m.external_grids.iter().enumerate() {
            let (ex, im) = (h.export_mw[k][t], h.import_mw[k][t]);
            prop_assert!(ex >= 0.0 && ex <= g.max_export_mw + TOL, "grid {k} hour {t}: export {ex}");
            prop_assert!(im >= 0.0 && im <= g.max_import_mw + TOL, "grid {k} hour {t}: import {im}");
            // What the lines deliver to the grid node is its export less its import.
            let node = nz + k;
            let mut inflow = 0.0;
            for (l, line) in m.lines.iter().enumerate() {
                if line.to == node {
                    inflow += h.line_to_mw[l][t];
                }
                if line.from == node {
                    inflow -= h.line_from_mw[l][t];
                }
            }
            prop_assert!(
                (inflow - (ex - im)).abs() <= TOL,
                "grid {k} hour {t}: lines bring {inflow}, export {ex}, import {im}"
            );
        }
        for (l, line) in m.lines.iter().enumerate() {
            let cap = inp.line_cap_mw[l][t];
            let (from, to) = (h.line_from_mw[l][t], h.line_to_mw[l][t]);
            prop_assert_eq!(h.line_cap_mw[l][t], cap);
            // Loss is never negative: the sending end puts in at least what the other takes out.
            prop_assert!(from - to >= -TOL, "line {l} hour {t}: from {from}, to {to}");
            if lines {
                // Sending end within the available capacity, both ends agree on the
                // direction, and the loss is loss_pu of what is sent.
                let sent = if from > 0.0 { from } else { -to };
                let received = if from > 0.0 { to } else { -from };
                prop_assert!(sent <= cap + TOL, "line {l} hour {t}: sends {sent} MW, capacity {cap}");
                prop_assert!(from * to >= -TOL, "line {l} hour {t}: both ends send (from {from}, to {to})");
                prop_assert!(
                    (sent - received - line.loss_pu * sent.max(0.0)).abs() <= TOL,
                    "line {l} hour {t}: sends {sent}, receives {received}, loss_pu {}",
                    line.loss_pu
                );
            }
        }
    }
    Ok(())
}

/// 128 cases, or `PROPTEST_CASES` when set (for a longer search).
fn config() -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = 128;
    }
    c
}

fn run(s: &Sys, lines: bool) -> Result<(), TestCaseError> {
    let (m, inp) = s.build();
    let h = common::dispatch(&m, &inp);
    invariants(&m, &inp, &h, lines)
}

proptest! {
    #![proptest_config(config())]

    /// Balance, signs, ratings and state of charge on any system, lossy lines included.
    #[test]
    fn balance_limits_and_signs_hold(s in sys(true)) {
        run(&s, false)?;
    }

    /// On lossless lines, every line also stays within its capacity in the
    /// direction of flow.
    #[test]
    fn lossless_lines_stay_within_capacity(s in sys(false)) {
        run(&s, true)?;
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn lossy_lines_stay_within_capacity(s in sys(true)) {
        run(&s, true)?;
    }
}
