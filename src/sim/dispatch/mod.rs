//! Hourly dispatch: who serves each load, what is stored, turned into
//! hydrogen, exported, curtailed or left unserved.
//!
//! Rules, applied in every hour in this order (the scenario's `[dispatch]`
//! table sets the surplus order; everything else is fixed and documented):
//!
//! 0. **Self-discharge** of every store, then the hour's availabilities
//!    (outages) and weather-driven renewable MW are taken as given.
//! 1. **Local renewables serve local load.** Each zone's available wind and
//!    solar first covers its own firm load.
//! 2. **Deficits are covered in tiers**, each a maximum transfer over the
//!    network (see *Transfers*): (a) other zones' renewable surplus; then,
//!    in the order of `dispatch.deficit_priority` (default `storage,
//!    generators, imports`): (b) storage discharge, local first; (c)
//!    dispatchable generators in merit order (cheapest variable cost first
//!    within a zone); (d) imports from external grids up to their import
//!    limit. What is still missing is
//!    **unserved energy**. Serving load comes before every surplus use:
//!    curtailing while load is unserved is impossible by construction.
//! 3. **Surplus** renewable energy left in each zone goes to the uses in
//!    `dispatch.surplus_priority` (default `export, hydrogen, storage`):
//!    *export* transfers it to external grids up to their limits and the
//!    lines' available capacity; *hydrogen* runs the zone's electrolysers
//!    (nothing below the minimum stable load; no more than the hydrogen
//!    store's room plus this hour's offtake); *storage* charges the zone's
//!    stores (power, state-of-charge ceiling, charge efficiency). Surplus
//!    does not cross lines to reach another zone's electrolyser or store.
//! 4. **Storage to export** (`storage_discharge_to_export`, default on):
//!    stores in zones with no surplus left discharge into the remaining
//!    export capacity, so energy stored while the corridor was full leaves
//!    when it has room. A store that charged in this hour does not also
//!    discharge. Stores keep nothing in reserve for later deficits
//!    (no foresight: a documented simplification; imports cover deficits).
//!    With `storage_charge_from_generators` (default off), stores then also
//!    charge from spare dispatchable capacity in their zone when no load is
//!    short (PRAS-style adequacy studies).
//! 5. **Curtailment** is the renewable surplus still left. Hydrogen offtake
//!    is then drawn from each store; a shortfall is recorded, not served.
//!
//! *Transfers*: a multi-source, multi-sink augmenting-path flow on the
//! zone/grid graph. Supplies first serve demand in their own node; then
//! breadth-first search finds the fewest-hop path with residual capacity
//! from any node with supply to any node with demand, and pushes as much as
//! the path allows. A line carries one net flow; its capacity binds at the
//! sending end and a fraction `loss_pu` of what is sent is lost. A push
//! against an existing flow cancels it first (gaining back its losses,
//! gain 1/(1 − loss)) and only then starts a flow the other way, so the
//! residual graph is the standard one: without losses this is
//! Ford–Fulkerson and each transfer is a maximum flow (exact). With losses
//! paths are still fewest-hop first, which is exact for radial networks
//! (the Alxa layouts) and a heuristic on meshed ones (a min-cost
//! generalized flow would be exact; not implemented). Ties between
//! equal-length paths go to the lower node index (file order).
//!
//! Energy balances exactly in every zone and hour (checked by
//! `debug_assert!` and by property tests): renewables + generation + storage
//! discharge + line inflow = served load + storage charge + electrolyser
//! input + line outflow + curtailment.

mod lp;
mod net;
mod value;

use crate::base::buffers::{reset, size};
use crate::model::{DeficitSource, DispatchPolicy, Model, SurplusUse};
use net::Net;

const EPS: f64 = 1e-9;

/// A node's own supply serves its own demand first: both are reduced by
/// what is moved.
#[inline(always)]
fn local_step(s: &mut f64, d: &mut f64) {
    let x = s.min(*d);
    if x > 0.0 {
        *s -= x;
        *d -= x;
    }
}

/// Sample-independent hourly inputs gathered for one sample.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Renewable available MW per zone per hour.
    pub re_mw: Vec<Vec<f64>>,
    /// Share of units up per hour: generators, storage, electrolysers, lines
    /// (line entries hold available transfer MW, not a share).
    pub gen_up: Vec<Vec<f64>>,
    pub storage_up: Vec<Vec<f64>>,
    pub electrolyser_up: Vec<Vec<f64>>,
    pub line_cap_mw: Vec<Vec<f64>>,
}

/// Hourly results of one sample, entity-major (`x[entity][hour]`).
#[derive(Debug, Clone, Default)]
pub struct Hourly {
    pub zone_load_mw: Vec<Vec<f64>>,
    pub zone_unserved_mw: Vec<Vec<f64>>,
    pub zone_curtailed_mw: Vec<Vec<f64>>,
    pub gen_mw: Vec<Vec<f64>>,
    pub storage_charge_mw: Vec<Vec<f64>>,
    pub storage_discharge_mw: Vec<Vec<f64>>,
    pub storage_soc_mwh: Vec<Vec<f64>>,
    pub storage_self_discharge_mwh: Vec<Vec<f64>>,
    pub electrolyser_mw: Vec<Vec<f64>>,
    pub h2_kg: Vec<Vec<f64>>,
    pub h2_store_kg: Vec<Vec<f64>>,
    pub h2_shortfall_kg: Vec<Vec<f64>>,
    /// MW leaving the `from` end (negative: flow towards `from`).
    pub line_from_mw: Vec<Vec<f64>>,
    /// MW arriving at the `to` end (negative: leaving `to`).
    pub line_to_mw: Vec<Vec<f64>>,
    pub line_cap_mw: Vec<Vec<f64>>,
    /// Hour at the limit in the direction of flow.
    pub line_congested: Vec<Vec<bool>>,
    pub export_mw: Vec<Vec<f64>>,
    pub import_mw: Vec<Vec<f64>>,
}

impl Hourly {
    /// Zero what the dispatch accumulates or writes only in some hours;
    /// size the arrays it assigns in every hour (their old values are
    /// overwritten, so clearing them would be wasted work).
    fn reset(&mut self, m: &Model) {
        let h = m.hours();
        let nz = m.zones.len();
        size(&mut self.zone_load_mw, nz, h, 0.0);
        size(&mut self.zone_unserved_mw, nz, h, 0.0);
        size(&mut self.zone_curtailed_mw, nz, h, 0.0);
        reset(&mut self.gen_mw, m.generators.len(), h, 0.0);
        reset(&mut self.storage_charge_mw, m.storage.len(), h, 0.0);
        reset(&mut self.storage_discharge_mw, m.storage.len(), h, 0.0);
        size(&mut self.storage_soc_mwh, m.storage.len(), h, 0.0);
        size(&mut self.storage_self_discharge_mwh, m.storage.len(), h, 0.0);
        reset(&mut self.electrolyser_mw, m.electrolysers.len(), h, 0.0);
        reset(&mut self.h2_kg, m.electrolysers.len(), h, 0.0);
        size(&mut self.h2_store_kg, m.electrolysers.len(), h, 0.0);
        size(&mut self.h2_shortfall_kg, m.electrolysers.len(), h, 0.0);
        size(&mut self.line_from_mw, m.lines.len(), h, 0.0);
        size(&mut self.line_to_mw, m.lines.len(), h, 0.0);
        size(&mut self.line_cap_mw, m.lines.len(), h, 0.0);
        size(&mut self.line_congested, m.lines.len(), h, false);
        reset(&mut self.export_mw, m.external_grids.len(), h, 0.0);
        reset(&mut self.import_mw, m.external_grids.len(), h, 0.0);
    }
}

/// Dispatch state and scratch, reused across samples.
#[derive(Debug, Clone)]
pub struct Dispatcher {
    net: Net,
    /// Use [`Dispatcher::run_one_zone`] when the network is a star.
    one_zone: bool,
    sup: Vec<f64>,
    dem: Vec<f64>,
    surplus: Vec<f64>,
    before: Vec<f64>,
    soc: Vec<f64>,
    h2: Vec<f64>,
    /// Storage, electrolyser and generator indices per zone.
    storage_in: Vec<Vec<usize>>,
    elec_in: Vec<Vec<usize>>,
    gen_in: Vec<Vec<usize>>,
    load_by_zone: Vec<Vec<f64>>,
    /// Plan and scratch of the value policy.
    value: value::ValueState,
}

impl Dispatcher {
    pub fn new(m: &Model) -> Self {
        let nz = m.zones.len();
        let n = m.n_nodes();
        let mut storage_in = vec![Vec::new(); nz];
        for (i, s) in m.storage.iter().enumerate() {
            storage_in[s.zone].push(i);
        }
        let mut elec_in = vec![Vec::new(); nz];
        for (i, e) in m.electrolysers.iter().enumerate() {
            elec_in[e.zone].push(i);
        }
        let mut gen_in = vec![Vec::new(); nz];
        for (i, g) in m.generators.iter().enumerate() {
            gen_in[g.zone].push(i); // generators are sorted by cost in `resolve`
        }
        let h = m.hours();
        let mut load_by_zone = vec![vec![0.0; h]; nz];
        for l in &m.loads {
            for (t, x) in l.mw.iter().enumerate() {
                load_by_zone[l.zone][t] += x;
            }
        }
        let net = Net::new(m);
        Dispatcher {
            one_zone: net.star,
            net,
            sup: vec![0.0; n],
            dem: vec![0.0; n],
            surplus: vec![0.0; n],
            before: vec![0.0; n],
            soc: vec![0.0; m.storage.len()],
            h2: vec![0.0; m.electrolysers.len()],
            storage_in,
            elec_in,
            gen_in,
            load_by_zone,
            value: value::ValueState::default(),
        }
    }

    /// Always take the general path with the breadth-first path search,
    /// never [`Dispatcher::run_one_zone`]'s specialisation nor the star
    /// network's line scans: for tests that check they agree to the last
    /// bit, and for measuring what they save.
    pub fn general(mut self) -> Self {
        self.one_zone = false;
        self.net.star = false;
        self
    }

    /// Dispatch every hour of one sample.
    pub fn run(&mut self, m: &Model, inp: &Inputs, out: &mut Hourly) {
        out.reset(m);
        // Inputs recorded as they are: copied once, not hour by hour.
        let h = m.hours();
        for (o, x) in out.zone_load_mw.iter_mut().zip(&self.load_by_zone) {
            o.copy_from_slice(&x[..h]);
        }
        for (o, x) in out.line_cap_mw.iter_mut().zip(&inp.line_cap_mw) {
            o.copy_from_slice(&x[..h]);
        }
        for (i, s) in m.storage.iter().enumerate() {
            self.soc[i] = s.initial_soc_pu * s.energy_mwh;
        }
        for (i, e) in m.electrolysers.iter().enumerate() {
            self.h2[i] = e.initial_store_pu * e.store_kg;
        }
        if m.dispatch.policy == DispatchPolicy::Foresight {
            self.run_foresight(m, inp, out);
        } else if m.dispatch.policy == DispatchPolicy::Value {
            if self.net.star {
                self.run_value_star(m, inp, out);
            } else {
                self.run_value_network(m, inp, out);
            }
        } else if self.one_zone {
            self.run_one_zone(m, inp, out);
        } else {
            self.run_general(m, inp, out);
        }
    }

    /// The rules over any network, every transfer a flow on the zone/grid
    /// graph.
    fn run_general(&mut self, m: &Model, inp: &Inputs, out: &mut Hourly) {
        let nz = m.zones.len();
        for t in 0..m.hours() {
            self.net.start_hour(inp.line_cap_mw.iter().map(|c| c[t]));
            // 0. self-discharge
            self.self_discharge(m, t, out);
            // 1. local renewables serve local load
            self.sup.iter_mut().for_each(|x| *x = 0.0);
            self.dem.iter_mut().for_each(|x| *x = 0.0);
            for z in 0..nz {
                let load = self.load_by_zone[z][t];
                self.sup[z] = inp.re_mw[z][t];
                self.dem[z] = load;
            }
            // 2a. renewable surplus across the network
            self.net.transfer(&mut self.sup, &mut self.dem);
            // Keep the surplus aside while the deficit tiers run.
            self.surplus.copy_from_slice(&self.sup);
            let any_deficit = self.dem.iter().any(|d| *d > EPS);
            if any_deficit {
                for tier in &m.dispatch.deficit_priority {
                    // A tier after the deficit is covered would move nothing.
                    if !self.dem[..nz].iter().any(|d| *d > EPS) {
                        break;
                    }
                    match tier {
                        DeficitSource::Storage => self.deficit_from_storage(m, inp, t, out),
                        DeficitSource::Generators => self.deficit_from_generators(m, inp, t, out),
                        DeficitSource::Imports => self.deficit_from_imports(m, t, out),
                    }
                }
            }
            for z in 0..nz {
                // Rounding dust below EPS is not a shortfall.
                out.zone_unserved_mw[z][t] = if self.dem[z] > EPS { self.dem[z] } else { 0.0 };
            }
            // 3. surplus uses in priority order
            self.sup.copy_from_slice(&self.surplus);
            // With no surplus at all (e.g. at night) no use takes anything.
            let any_surplus = self.sup[..nz].iter().any(|x| *x != 0.0);
            for use_ in m.dispatch.surplus_priority.iter().filter(|_| any_surplus) {
                match use_ {
                    SurplusUse::Export => self.export(m, t, out),
                    SurplusUse::Hydrogen => {
                        for z in 0..nz {
                            self.sup[z] = self.electrolyse_in(m, inp, z, self.sup[z], t, out);
                        }
                    }
                    SurplusUse::Storage => {
                        for z in 0..nz {
                            self.sup[z] = self.charge_in(m, inp, z, self.sup[z], t, out);
                        }
                    }
                }
            }
            // 3b. optionally, stores charge from generators' spare capacity in
            // their own zone (PRAS-style adequacy: energy-limited resources are
            // refilled from spare thermal capacity when no load is short).
            if m.dispatch.storage_charge_from_generators && (0..nz).all(|z| out.zone_unserved_mw[z][t] <= 0.0) {
                for z in 0..nz {
                    self.charge_from_generators(m, inp, z, t, out);
                }
            }
            // 5. curtailment (before step 4 reuses `sup`)
            for z in 0..nz {
                out.zone_curtailed_mw[z][t] = if self.sup[z] > EPS { self.sup[z] } else { 0.0 };
            }
            // 4. storage into remaining export capacity
            if m.dispatch.storage_discharge_to_export && !m.storage.is_empty() {
                let mut any = false;
                for z in 0..nz {
                    self.sup[z] = 0.0;
                    if out.zone_curtailed_mw[z][t] > EPS {
                        continue;
                    }
                    self.sup[z] = self.leftover_in(m, inp, z, t, out);
                    any |= self.sup[z] > EPS;
                }
                if any {
                    self.before[..nz].copy_from_slice(&self.sup[..nz]);
                    self.export_from_sup(m, t, out);
                    for z in 0..nz {
                        self.discharge_leftover_in(m, inp, z, self.before[z] - self.sup[z], t, out);
                    }
                }
            }
            self.end_hour(m, t, out);
            #[cfg(debug_assertions)]
            self.debug_check_balance(m, inp, t, out);
        }
    }

    /// [`Dispatcher::run_general`] specialised to a star network: one zone,
    /// every line between it and an external grid (all the bundled Alxa
    /// layouts). The same rules in the same order with the same arithmetic,
    /// so the results are the same to the last bit (property test
    /// `tests/dispatch_one_zone.rs`); what changes is the bookkeeping. The
    /// zone's supply and demand are scalars, and a transfer is either the
    /// local step alone (renewables, storage and generators serving the
    /// zone's own load: no other node has demand in those tiers) or one
    /// scan of single-line paths (imports from grids, exports to grids).
    fn run_one_zone(&mut self, m: &Model, inp: &Inputs, out: &mut Hourly) {
        let ng = m.external_grids.len();
        let load = std::mem::take(&mut self.load_by_zone[0]);
        for t in 0..m.hours() {
            self.net.start_hour(inp.line_cap_mw.iter().map(|c| c[t]));
            // 0. self-discharge
            self.self_discharge(m, t, out);
            // 1. local renewables serve local load
            let (mut s, mut d) = (inp.re_mw[0][t], load[t]);
            local_step(&mut s, &mut d);
            let surplus = s;
            // 2. deficit tiers
            if d > EPS {
                for tier in &m.dispatch.deficit_priority {
                    if d <= EPS {
                        break;
                    }
                    match tier {
                        DeficitSource::Storage => {
                            let cap = self.storage_cap_in(m, inp, 0, t);
                            let mut left = cap;
                            local_step(&mut left, &mut d);
                            self.discharge_for_deficit_in(m, inp, 0, cap - left, t, out);
                        }
                        DeficitSource::Generators => {
                            let cap = self.generator_cap_in(m, inp, 0, t);
                            let mut left = cap;
                            local_step(&mut left, &mut d);
                            self.generate_in(m, inp, 0, cap - left, t, out);
                        }
                        DeficitSource::Imports => {
                            let any = m.external_grids.iter().any(|g| g.max_import_mw > EPS);
                            for (k, g) in m.external_grids.iter().enumerate() {
                                self.sup[1 + k] = g.max_import_mw;
                            }
                            if any && !self.net.ends_empty() {
                                self.net.grids_to_zone(&mut self.sup, &mut d);
                            }
                            for (k, g) in m.external_grids.iter().enumerate() {
                                out.import_mw[k][t] = g.max_import_mw - self.sup[1 + k];
                            }
                        }
                    }
                }
            }
            out.zone_unserved_mw[0][t] = if d > EPS { d } else { 0.0 };
            // 3. surplus uses in priority order
            let mut s = surplus;
            if s != 0.0 {
                for use_ in &m.dispatch.surplus_priority {
                    match use_ {
                        SurplusUse::Export if ng > 0 => s = self.export_one_zone(m, s, t, out),
                        SurplusUse::Export => {}
                        SurplusUse::Hydrogen => s = self.electrolyse_in(m, inp, 0, s, t, out),
                        SurplusUse::Storage => s = self.charge_in(m, inp, 0, s, t, out),
                    }
                }
            }
            // 3b. stores charge from generators' spare capacity
            if m.dispatch.storage_charge_from_generators && out.zone_unserved_mw[0][t] <= 0.0 {
                self.charge_from_generators(m, inp, 0, t, out);
            }
            // 5. curtailment
            let curtailed = if s > EPS { s } else { 0.0 };
            out.zone_curtailed_mw[0][t] = curtailed;
            // 4. storage into remaining export capacity
            if m.dispatch.storage_discharge_to_export && !m.storage.is_empty() && curtailed <= EPS {
                let before = self.leftover_in(m, inp, 0, t, out);
                if before > EPS {
                    let left = self.export_one_zone(m, before, t, out);
                    self.discharge_leftover_in(m, inp, 0, before - left, t, out);
                }
            }
            self.end_hour(m, t, out);
            #[cfg(debug_assertions)]
            self.debug_check_balance(m, inp, t, out);
        }
        self.load_by_zone[0] = load;
    }

    /// Export up to `s` MW of the one zone's surplus to the external grids
    /// (what [`Dispatcher::export_from_sup`] does on a star network);
    /// returns what is left.
    #[inline(always)]
    fn export_one_zone(&mut self, m: &Model, mut s: f64, t: usize, out: &mut Hourly) -> f64 {
        let mut any_room = false;
        for (k, g) in m.external_grids.iter().enumerate() {
            let room = (g.max_export_mw - out.export_mw[k][t]).max(0.0);
            self.dem[1 + k] = room;
            self.before[1 + k] = room;
            any_room |= room > EPS;
        }
        if s > EPS && any_room && !self.net.ends_empty() {
            self.net.zone_to_grids(&mut s, &mut self.dem);
        }
        for k in 0..m.external_grids.len() {
            out.export_mw[k][t] += self.before[1 + k] - self.dem[1 + k];
        }
        s
    }

    /// 0. Self-discharge of every store.
    #[inline(always)]
    fn self_discharge(&mut self, m: &Model, t: usize, out: &mut Hourly) {
        for (i, s) in m.storage.iter().enumerate() {
            let loss = self.soc[i] * s.self_discharge_pu_per_h;
            self.soc[i] -= loss;
            out.storage_self_discharge_mwh[i][t] = loss;
        }
    }

    /// MW the stores of zone `z` can discharge in hour `t`.
    #[inline(always)]
    fn storage_cap_in(&self, m: &Model, inp: &Inputs, z: usize, t: usize) -> f64 {
        let mut cap = 0.0;
        for &i in &self.storage_in[z] {
            cap += storage_discharge_cap(m, i, self.soc[i], inp.storage_up[i][t]);
        }
        cap
    }

    /// Discharge `used` MW from zone `z`'s stores, in order.
    #[inline(always)]
    fn discharge_for_deficit_in(
        &mut self,
        m: &Model,
        inp: &Inputs,
        z: usize,
        mut used: f64,
        t: usize,
        out: &mut Hourly,
    ) {
        for k in 0..self.storage_in[z].len() {
            let i = self.storage_in[z][k];
            let c = storage_discharge_cap(m, i, self.soc[i], inp.storage_up[i][t]);
            let x = c.min(used);
            if x > 0.0 {
                self.discharge(m, i, x, t, out);
                used -= x;
            }
        }
    }

    /// MW zone `z`'s generators can produce in hour `t`.
    #[inline(always)]
    fn generator_cap_in(&self, m: &Model, inp: &Inputs, z: usize, t: usize) -> f64 {
        let mut cap = 0.0;
        for &g in &self.gen_in[z] {
            cap += m.generators[g].capacity_at(t) * inp.gen_up[g][t];
        }
        cap
    }

    /// Run zone `z`'s generators for `used` MW in merit order.
    #[inline(always)]
    fn generate_in(&self, m: &Model, inp: &Inputs, z: usize, mut used: f64, t: usize, out: &mut Hourly) {
        for &g in &self.gen_in[z] {
            let x = (m.generators[g].capacity_at(t) * inp.gen_up[g][t]).min(used);
            out.gen_mw[g][t] = x;
            used -= x;
        }
    }

    /// Zone `z`'s electrolysers take what they can of `s` MW; returns the rest.
    #[inline(always)]
    fn electrolyse_in(&mut self, m: &Model, inp: &Inputs, z: usize, mut s: f64, t: usize, out: &mut Hourly) -> f64 {
        for k in 0..self.elec_in[z].len() {
            let i = self.elec_in[z][k];
            s -= self.electrolyse(m, i, s, inp.electrolyser_up[i][t], t, out);
        }
        s
    }

    /// Zone `z`'s stores charge from `s` MW; returns the rest.
    #[inline(always)]
    fn charge_in(&mut self, m: &Model, inp: &Inputs, z: usize, mut s: f64, t: usize, out: &mut Hourly) -> f64 {
        for k in 0..self.storage_in[z].len() {
            let i = self.storage_in[z][k];
            s -= self.charge(m, i, s, inp.storage_up[i][t], t, out);
        }
        s
    }

    /// 3b. Zone `z`'s stores charge from its generators' spare capacity.
    fn charge_from_generators(&mut self, m: &Model, inp: &Inputs, z: usize, t: usize, out: &mut Hourly) {
        for k in 0..self.gen_in[z].len() {
            let g = self.gen_in[z][k];
            let mut spare = (m.generators[g].capacity_at(t) * inp.gen_up[g][t] - out.gen_mw[g][t]).max(0.0);
            for j in 0..self.storage_in[z].len() {
                let i = self.storage_in[z][j];
                if spare <= EPS || out.storage_discharge_mw[i][t] > 0.0 {
                    continue;
                }
                let x = self.charge(m, i, spare, inp.storage_up[i][t], t, out);
                out.gen_mw[g][t] += x;
                spare -= x;
            }
        }
    }

    /// MW zone `z`'s stores can still discharge into export (step 4).
    #[inline(always)]
    fn leftover_in(&self, m: &Model, inp: &Inputs, z: usize, t: usize, out: &Hourly) -> f64 {
        let mut cap = 0.0;
        for &i in &self.storage_in[z] {
            cap += self.leftover_discharge(m, i, inp.storage_up[i][t], t, out);
        }
        cap
    }

    /// Discharge `used` MW exported from zone `z`'s stores, in order.
    #[inline(always)]
    fn discharge_leftover_in(&mut self, m: &Model, inp: &Inputs, z: usize, mut used: f64, t: usize, out: &mut Hourly) {
        for k in 0..self.storage_in[z].len() {
            let i = self.storage_in[z][k];
            let c = self.leftover_discharge(m, i, inp.storage_up[i][t], t, out);
            let x = c.min(used);
            if x > 0.0 {
                self.discharge(m, i, x, t, out);
                used -= x;
            }
        }
    }

    /// Hydrogen offtake, and the hour's states and line flows recorded.
    #[inline(always)]
    fn end_hour(&mut self, m: &Model, t: usize, out: &mut Hourly) {
        for (i, e) in m.electrolysers.iter().enumerate() {
            let take = e.offtake_kg_per_h.min(self.h2[i]);
            self.h2[i] -= take;
            if e.store_kg <= 0.0 {
                // No store: what the offtake did not take went straight
                // to the unconstrained consumer.
                self.h2[i] = 0.0;
            }
            out.h2_shortfall_kg[i][t] = e.offtake_kg_per_h - take;
            out.h2_store_kg[i][t] = self.h2[i];
        }
        for i in 0..m.storage.len() {
            out.storage_soc_mwh[i][t] = self.soc[i];
        }
        for l in 0..m.lines.len() {
            let (from, to, cap, reverse) =
                (self.net.from_out[l], self.net.to_in[l], self.net.cap[l], self.net.reverse[l]);
            out.line_from_mw[l][t] = from;
            out.line_to_mw[l][t] = to;
            // Sending-end flow in the direction of flow, against that
            // direction's limit.
            let (f, lim) = if from >= 0.0 { (from, cap) } else { (-to, cap * reverse) };
            out.line_congested[l][t] = lim > EPS && f >= lim * (1.0 - 1e-9) - EPS;
        }
    }

    /// Tier (b): storage discharge, local first, then over the network.
    fn deficit_from_storage(&mut self, m: &Model, inp: &Inputs, t: usize, out: &mut Hourly) {
        let nz = m.zones.len();
        self.sup.iter_mut().for_each(|x| *x = 0.0);
        for z in 0..nz {
            self.sup[z] = self.storage_cap_in(m, inp, z, t);
        }
        self.before[..nz].copy_from_slice(&self.sup[..nz]);
        self.net.transfer(&mut self.sup, &mut self.dem);
        for z in 0..nz {
            self.discharge_for_deficit_in(m, inp, z, self.before[z] - self.sup[z], t, out);
        }
    }

    /// Tier (c): dispatchable generators, merit order within a zone.
    fn deficit_from_generators(&mut self, m: &Model, inp: &Inputs, t: usize, out: &mut Hourly) {
        let nz = m.zones.len();
        self.sup.iter_mut().for_each(|x| *x = 0.0);
        for z in 0..nz {
            self.sup[z] = self.generator_cap_in(m, inp, z, t);
        }
        self.before[..nz].copy_from_slice(&self.sup[..nz]);
        self.net.transfer(&mut self.sup, &mut self.dem);
        for z in 0..nz {
            self.generate_in(m, inp, z, self.before[z] - self.sup[z], t, out);
        }
    }

    /// Tier (d): imports from external grids up to their import limits.
    fn deficit_from_imports(&mut self, m: &Model, t: usize, out: &mut Hourly) {
        let nz = m.zones.len();
        self.sup.iter_mut().for_each(|x| *x = 0.0);
        for (k, g) in m.external_grids.iter().enumerate() {
            self.sup[nz + k] = g.max_import_mw;
        }
        self.net.transfer(&mut self.sup, &mut self.dem);
        for (k, g) in m.external_grids.iter().enumerate() {
            out.import_mw[k][t] = g.max_import_mw - self.sup[nz + k];
        }
    }

    /// Export the zones' surplus (`self.sup`) to external grids.
    fn export(&mut self, m: &Model, t: usize, out: &mut Hourly) {
        if m.external_grids.is_empty() {
            return;
        }
        self.export_from_sup(m, t, out);
    }

    fn export_from_sup(&mut self, m: &Model, t: usize, out: &mut Hourly) {
        let nz = m.zones.len();
        self.dem.iter_mut().for_each(|x| *x = 0.0);
        for (k, g) in m.external_grids.iter().enumerate() {
            self.dem[nz + k] = (g.max_export_mw - out.export_mw[k][t]).max(0.0);
        }
        for z in nz..self.sup.len() {
            self.sup[z] = 0.0;
        }
        self.before[nz..].copy_from_slice(&self.dem[nz..]);
        self.net.transfer(&mut self.sup, &mut self.dem);
        for k in 0..m.external_grids.len() {
            out.export_mw[k][t] += self.before[nz + k] - self.dem[nz + k];
        }
    }

    /// What store `i` can still discharge in hour `t` after what it already
    /// did: the power left and the energy left (its state of charge is
    /// already net of earlier discharge). A store that charged this hour
    /// does not also discharge (that would only add losses).
    #[inline(always)]
    fn leftover_discharge(&self, m: &Model, i: usize, up: f64, t: usize, out: &Hourly) -> f64 {
        if out.storage_charge_mw[i][t] > 0.0 {
            return 0.0;
        }
        let power_left = (m.storage[i].discharge_mw * up - out.storage_discharge_mw[i][t]).max(0.0);
        power_left.min(storage_discharge_cap(m, i, self.soc[i], 1.0))
    }

    #[inline(always)]
    fn discharge(&mut self, m: &Model, i: usize, mw: f64, t: usize, out: &mut Hourly) {
        let s = &m.storage[i];
        self.soc[i] = (self.soc[i] - mw / s.discharge_efficiency_pu).max(s.soc_min_pu * s.energy_mwh);
        out.storage_discharge_mw[i][t] += mw;
    }

    /// Charge store `i` from up to `avail` MW of surplus; returns MW taken.
    #[inline(always)]
    fn charge(&mut self, m: &Model, i: usize, avail: f64, up: f64, t: usize, out: &mut Hourly) -> f64 {
        let s = &m.storage[i];
        let room = (s.soc_max_pu * s.energy_mwh - self.soc[i]).max(0.0) / s.charge_efficiency_pu;
        let x = avail.min(s.charge_mw * up).min(room).max(0.0);
        self.soc[i] += x * s.charge_efficiency_pu;
        out.storage_charge_mw[i][t] += x;
        x
    }

    /// Run electrolyser `i` on up to `avail` MW; returns MW taken.
    #[inline(always)]
    fn electrolyse(&mut self, m: &Model, i: usize, avail: f64, up: f64, t: usize, out: &mut Hourly) -> f64 {
        let e = &m.electrolysers[i];
        let cap = e.capacity_mw * up;
        // Room: what the store can take plus what this hour's offtake draws.
        // An electrolyser with neither store nor offtake delivers straight to
        // an unconstrained consumer (e.g. a pipeline).
        let room_kg = if e.store_kg <= 0.0 && e.offtake_kg_per_h <= 0.0 {
            f64::INFINITY
        } else {
            (e.store_kg - self.h2[i]).max(0.0) + e.offtake_kg_per_h
        };
        let pmax = e.power_for_kg(cap, room_kg);
        let pmin = e.min_load_pu * cap;
        if cap <= EPS || pmax < pmin || avail < pmin || avail <= EPS {
            return 0.0;
        }
        let x = avail.min(pmax);
        let kg = x * e.kg_per_mwh(x / cap);
        self.h2[i] += kg;
        out.electrolyser_mw[i][t] += x;
        out.h2_kg[i][t] += kg;
        x
    }

    #[cfg(debug_assertions)]
    fn debug_check_balance(&self, m: &Model, inp: &Inputs, t: usize, out: &Hourly) {
        for z in 0..m.zones.len() {
            let r = zone_residual(m, inp, out, z, t);
            debug_assert!(
                r.abs() < 1e-6 * (1.0 + inp.re_mw[z][t] + out.zone_load_mw[z][t]),
                "zone {z} hour {t}: energy balance residual {r}"
            );
            debug_assert!(out.zone_curtailed_mw[z][t] >= 0.0 && out.zone_unserved_mw[z][t] >= 0.0);
            debug_assert!(out.zone_unserved_mw[z][t] <= out.zone_load_mw[z][t] + 1e-6);
        }
        for (i, s) in m.storage.iter().enumerate() {
            let soc = self.soc[i];
            debug_assert!(
                soc >= -1e-9 && soc <= s.soc_max_pu.max(s.initial_soc_pu) * s.energy_mwh + 1e-6,
                "storage {i} hour {t}: SOC {soc}"
            );
            debug_assert!(out.storage_charge_mw[i][t] >= 0.0 && out.storage_discharge_mw[i][t] >= 0.0);
        }
        for (i, e) in m.electrolysers.iter().enumerate() {
            debug_assert!(out.electrolyser_mw[i][t] >= 0.0 && out.electrolyser_mw[i][t] <= e.capacity_mw + 1e-6);
            debug_assert!(self.h2[i] >= -1e-9, "electrolyser {i} hour {t}: hydrogen store {}", self.h2[i]);
        }
        for l in 0..m.lines.len() {
            let sent = self.net.from_out[l].max(-self.net.to_in[l]);
            debug_assert!(
                sent <= self.net.cap[l] * (1.0 + 1e-9) + 1e-6,
                "line {l} hour {t}: {sent} MW over {} MW",
                self.net.cap[l]
            );
        }
        for k in 0..m.external_grids.len() {
            debug_assert!(out.export_mw[k][t] >= -1e-9 && out.import_mw[k][t] >= -1e-9);
        }
    }
}

/// Largest MW store `i` can deliver this hour (power, availability and the
/// energy above its floor after discharge losses).
fn storage_discharge_cap(m: &Model, i: usize, soc: f64, up: f64) -> f64 {
    let s = &m.storage[i];
    let energy = (soc - s.soc_min_pu * s.energy_mwh).max(0.0) * s.discharge_efficiency_pu;
    (s.discharge_mw * up).min(energy)
}

/// Energy-balance residual of zone `z` in hour `t` (MW; zero up to rounding).
pub fn zone_residual(m: &Model, inp: &Inputs, out: &Hourly, z: usize, t: usize) -> f64 {
    let mut supply = inp.re_mw[z][t];
    let mut use_ = out.zone_load_mw[z][t] - out.zone_unserved_mw[z][t] + out.zone_curtailed_mw[z][t];
    for (i, g) in m.generators.iter().enumerate() {
        if g.zone == z {
            supply += out.gen_mw[i][t];
        }
    }
    for (i, s) in m.storage.iter().enumerate() {
        if s.zone == z {
            supply += out.storage_discharge_mw[i][t];
            use_ += out.storage_charge_mw[i][t];
        }
    }
    for (i, e) in m.electrolysers.iter().enumerate() {
        if e.zone == z {
            use_ += out.electrolyser_mw[i][t];
        }
    }
    for (l, line) in m.lines.iter().enumerate() {
        if line.from == z {
            use_ += out.line_from_mw[l][t];
        }
        if line.to == z {
            supply += out.line_to_mw[l][t];
        }
    }
    supply - use_
}
