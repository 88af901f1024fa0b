//! The value policy (`[dispatch] policy = "value"`, the default): each hour
//! is dispatched to maximise its value, and stores bid from a look-ahead
//! over the sample's own next hours.
//!
//! **Values** (CNY per MWh, at the zone): served load earns the value of
//! lost load (`value_of_lost_load_cny_per_mwh`, default 30,000: there is no
//! official Chinese figure; international practice is 5,000–20,000 USD/MWh,
//! DOMAIN.md); an export earns its grid's `export_price_cny_per_mwh` on what
//! arrives, i.e. price × (1 − loss) per MW sent; an electrolyser earns
//! `hydrogen_value_cny_per_kg` × kg per MWh at its rated point (part-load
//! curves make part load slightly more efficient; valuing it at the rated
//! point is conservative); a generator costs its variable cost, an import
//! its grid's `import_price_cny_per_mwh` / (1 − loss) per MW received;
//! curtailment earns 0.
//!
//! **The hour** is a single-period problem: sources sorted by cost, uses by
//! value, matched while the value exceeds the cost (merit order). On one
//! zone this is the exact optimum of the hour's linear programme (the
//! supply and demand curves cross); ties go to file order. Three exclusions
//! keep the flows physical and the hydrogen green: imports serve neither
//! exports (no wheeling through the zone) nor electrolysers (grid power
//! is not green hydrogen: at the default prices, 350 CNY/MWh imported
//! against ≈ 364 CNY/MWh of hydrogen, electrolysers would otherwise run on
//! imports), and a store does not charge from a store. The network
//! programme ([`super::lp`]) does not enforce the electrolyser exclusion. An
//! electrolyser matched below its minimum stable load is switched off and
//! the hour matched again (the one non-convexity, resolved by rule).
//!
//! **Stores** bid in segments. Over the look-ahead window (`lookahead_h`,
//! default 48 h; 0 = the whole horizon: perfect foresight of the sample's
//! weather, outages and loads; the window is re-planned every 24 h) the
//! store-free hours give each hour's unserved energy U and curtailment C.
//! Two backward recursions over the window give, for every hour, the least
//! state of charge that covers the later deficits given the later free
//! (curtailed) energy, `req`, and the most state of charge that leaves room
//! for all the later free energy, `ceil`:
//! `x[τ] = clamp(x[τ+1] − ηc·min(C, Pc) + min(U, Pd)/ηd)` (with `req` also
//! at least the floor plus this hour's discharge). The window ends at the
//! floor (`req`) and at the ceiling (`ceil`); at the horizon's end `req` is
//! the starting energy when `cyclic_storage` holds (default for horizons of
//! a year or more), so a sample does not get stored energy for free.
//! In hour t a store below `req[t+1]` buys the shortfall at 0.4 × the value
//! of lost load (from exports, hydrogen, generators or imports: anything
//! cheaper than a later outage); a store above `ceil[t+1]` sells the excess
//! at its cycling cost (it would be spilled later anyway: this is how a
//! store discharges into the corridor ahead of a curtailment peak);
//! otherwise it charges only free energy (value ε) and discharges only to
//! serve load (cost 0.5 × the value of lost load). Stores in a zone plan as
//! one aggregate (summed energies and powers, energy-weighted efficiencies;
//! self-discharge is left out of the plan but applied to the state) and
//! share each matched amount in file order.
//!
//! What this assumes about forecasts: within the window, the sample's own
//! hours are known exactly (a perfect forecast); beyond it, nothing. It is
//! a heuristic, not the multi-hour optimum: arbitrage between two positive
//! prices (charging from exports to feed an electrolyser at night) is not
//! taken. `docs/dispatch.md` measures it against a perfect-foresight linear
//! programme.
//!
//! Networks other than a star (one zone whose lines all end at external
//! grids) are dispatched hour by hour with the same bids by
//! [`super::lp`], a linear programme over the whole zone/line network.

use super::lp::{self, Bids};
use super::{Dispatcher, EPS, Hourly, Inputs, storage_discharge_cap};
use crate::model::Model;

/// Value of a store's free charging (above curtailment's 0).
const FREE: f64 = 1e-6;
/// A store's value of the energy it needs for later deficits, and its
/// price for energy held for load, as shares of the value of lost load.
pub(super) const NEED_SHARE: f64 = 0.4;
pub(super) const HOLD_SHARE: f64 = 0.5;
/// The look-ahead is re-planned every this many hours.
const REPLAN_H: usize = 24;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Renewable,
    Generator(usize),
    /// Line index, grid index (node − zones), zone is the line's `from` end.
    Import(usize, usize, bool),
    Load,
    Electrolyser(usize),
    Export(usize, usize, bool),
    /// Store bids of zone 0's stores: excess and held energy (sources),
    /// needed and free charging (uses).
    StoreExcess,
    StoreHold,
    StoreNeed,
    StoreFree,
}

impl Kind {
    fn store_out(self) -> bool {
        matches!(self, Kind::StoreExcess | Kind::StoreHold)
    }
    fn store_in(self) -> bool {
        matches!(self, Kind::StoreNeed | Kind::StoreFree)
    }
}

/// The merit order of a star network, sorted once (stable: ties keep file
/// order): sources by cost, uses by value; amounts are filled in per hour.
fn templates(m: &Model, v: &mut ValueState) {
    let voll = m.dispatch.value_of_lost_load_cny_per_mwh;
    let nz = m.zones.len();
    v.sources.clear();
    v.uses.clear();
    v.sources.push(Entry::new(Kind::Renewable, 0.0, 0.0));
    if !m.storage.is_empty() {
        v.sources.push(Entry::new(Kind::StoreExcess, m.dispatch.storage_cycling_cost_cny_per_mwh, 0.0));
        v.sources.push(Entry::new(Kind::StoreHold, HOLD_SHARE * voll, 0.0));
        v.uses.push(Entry::new(Kind::StoreNeed, NEED_SHARE * voll, 0.0));
        v.uses.push(Entry::new(Kind::StoreFree, FREE, 0.0));
    }
    for (g, gener) in m.generators.iter().enumerate() {
        v.sources.push(Entry::new(Kind::Generator(g), gener.variable_cost_cny_per_mwh, 0.0));
    }
    v.uses.push(Entry::new(Kind::Load, voll, 0.0));
    for i in 0..m.electrolysers.len() {
        v.uses.push(Entry::new(Kind::Electrolyser(i), electrolyser_value(m, i), 0.0));
    }
    for (l, line) in m.lines.iter().enumerate() {
        let (from_zone, grid) = if line.from == 0 { (true, line.to) } else { (false, line.from) };
        let k = grid - nz;
        let g = &m.external_grids[k];
        let keep = 1.0 - line.loss_pu;
        v.uses.push(Entry::new(Kind::Export(l, k, from_zone), g.export_price_cny_per_mwh * keep, 0.0));
        v.sources.push(Entry::new(Kind::Import(l, k, from_zone), g.import_price_cny_per_mwh / keep, 0.0));
    }
    v.sources.sort_by(|a, b| a.price.total_cmp(&b.price));
    v.uses.sort_by(|a, b| b.price.total_cmp(&a.price));
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    kind: Kind,
    /// CNY/MWh: cost of a source, value of a use.
    price: f64,
    /// MW available (source) or wanted (use).
    mw: f64,
    /// MW matched.
    used: f64,
}

impl Entry {
    fn new(kind: Kind, price: f64, mw: f64) -> Self {
        Entry { kind, price, mw, used: 0.0 }
    }
}

/// Look-ahead plan and merit-order scratch of the value policy.
#[derive(Debug, Clone, Default)]
pub(super) struct ValueState {
    /// Per hour, from the store-free forecast: the energy the stores would
    /// give up serving unserved load, min(U, Pd)/ηd, and take in from
    /// curtailment, ηc·min(C, Pc) (MWh of state of charge).
    dis: Vec<f64>,
    chg: Vec<f64>,
    /// Scratch of the forecast: store power per hour, a grid's line
    /// capacity per hour.
    pd: Vec<f64>,
    pc: Vec<f64>,
    tmp: Vec<f64>,
    /// Targets for the state of charge at the start of each hour.
    req: Vec<f64>,
    ceil: Vec<f64>,
    sources: Vec<Entry>,
    uses: Vec<Entry>,
    /// Electrolysers switched off this hour (matched below minimum load).
    off: Vec<bool>,
    /// MW each external grid can still take or send this hour.
    export_room: Vec<f64>,
    import_room: Vec<f64>,
}

/// Aggregate store of zone 0 in hour `t`.
struct Aggregate {
    floor: f64,
    top: f64,
    eta_c: f64,
    eta_d: f64,
}

fn aggregate(m: &Model) -> Aggregate {
    let (mut floor, mut top, mut wc, mut wd, mut e) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for s in &m.storage {
        floor += s.soc_min_pu * s.energy_mwh;
        top += s.soc_max_pu * s.energy_mwh;
        wc += s.charge_efficiency_pu * s.energy_mwh.max(1e-9);
        wd += s.discharge_efficiency_pu * s.energy_mwh.max(1e-9);
        e += s.energy_mwh.max(1e-9);
    }
    let (eta_c, eta_d) = if e > 0.0 { (wc / e, wd / e) } else { (1.0, 1.0) };
    Aggregate { floor, top, eta_c, eta_d }
}

/// Value of an electrolyser's input, CNY/MWh.
pub(super) fn electrolyser_value(m: &Model, i: usize) -> f64 {
    m.economics.hydrogen_value_cny_per_kg * m.electrolysers[i].kg_per_mwh(1.0)
}

impl Dispatcher {
    /// The value policy on a star network (one zone, lines to external
    /// grids).
    pub(super) fn run_value_star(&mut self, m: &Model, inp: &Inputs, out: &mut Hourly) {
        let h = m.hours();
        let mut v = std::mem::take(&mut self.value);
        let agg = aggregate(m);
        self.prepare_plan(m, inp, &agg, &mut v);
        templates(m, &mut v);
        let has_storage = !m.storage.is_empty();
        let start_energy: f64 = self.soc.iter().sum();
        let window = if m.dispatch.lookahead_h == 0 { h } else { m.dispatch.lookahead_h };
        for t in 0..h {
            if has_storage && t % REPLAN_H == 0 {
                plan(m, &agg, &mut v, t, (t + window).min(h), start_energy);
            }
            self.net.start_hour(inp.line_cap_mw.iter().map(|c| c[t]));
            self.self_discharge(m, t, out);
            self.value_hour(m, inp, &agg, &mut v, t, out);
            self.end_hour(m, t, out);
            #[cfg(debug_assertions)]
            self.debug_check_balance(m, inp, t, out);
        }
        self.value = v;
    }

    /// The stores' bids in hour `t` from the plan: of all stores, or (with
    /// `zone`) the share of that zone's stores in the system's power.
    fn store_bids(
        &self,
        m: &Model,
        inp: &Inputs,
        agg: &Aggregate,
        v: &ValueState,
        t: usize,
        zone: Option<usize>,
    ) -> Bids {
        let mut b = Bids::default();
        if m.storage.is_empty() {
            return b;
        }
        let (mut pd, mut pc, mut pdz, mut pcz) = (0.0, 0.0, 0.0, 0.0);
        for (i, s) in m.storage.iter().enumerate() {
            let d = storage_discharge_cap(m, i, self.soc[i], inp.storage_up[i][t]);
            let room = (s.soc_max_pu * s.energy_mwh - self.soc[i]).max(0.0) / s.charge_efficiency_pu;
            let c = (s.charge_mw * inp.storage_up[i][t]).min(room);
            pd += d;
            pc += c;
            if zone.is_none_or(|z| z == s.zone) {
                pdz += d;
                pcz += c;
            }
        }
        let energy: f64 = self.soc.iter().sum();
        let (lo, hi) = (v.req[t + 1], v.ceil[t + 1]);
        if energy > hi + EPS && energy > lo {
            b.out_excess = ((energy - hi.max(lo)) * agg.eta_d).min(pd);
        } else if energy < lo - EPS {
            b.in_need = ((lo - energy) / agg.eta_c).min(pc);
        }
        b.out_hold = pd - b.out_excess;
        b.in_free = pc - b.in_need;
        let (sd, sc) = (if pd > 0.0 { pdz / pd } else { 0.0 }, if pc > 0.0 { pcz / pc } else { 0.0 });
        Bids {
            out_excess: b.out_excess * sd,
            out_hold: b.out_hold * sd,
            in_need: b.in_need * sc,
            in_free: b.in_free * sc,
        }
    }

    /// The value policy on any other network: the same plan and bids, each
    /// hour a linear programme over the zone/line network ([`super::lp`]).
    pub(super) fn run_value_network(&mut self, m: &Model, inp: &Inputs, out: &mut Hourly) {
        let h = m.hours();
        let mut v = std::mem::take(&mut self.value);
        let agg = aggregate(m);
        self.prepare_plan(m, inp, &agg, &mut v);
        let start_energy: f64 = self.soc.iter().sum();
        let window = if m.dispatch.lookahead_h == 0 { h } else { m.dispatch.lookahead_h };
        let mut off = vec![false; m.electrolysers.len()];
        for t in 0..h {
            if !m.storage.is_empty() && t % REPLAN_H == 0 {
                plan(m, &agg, &mut v, t, (t + window).min(h), start_energy);
            }
            self.net.start_hour(inp.line_cap_mw.iter().map(|c| c[t]));
            self.self_discharge(m, t, out);
            let bids: Vec<Bids> = (0..m.zones.len()).map(|z| self.store_bids(m, inp, &agg, &v, t, Some(z))).collect();
            off.iter_mut().for_each(|x| *x = false);
            let hour = loop {
                let r = lp::solve(m, inp, &self.load_by_zone, t, t + 1, Some(&bids), &self.soc, &self.h2, &off);
                let Some(mut r) = r else { break None };
                let mut again = false;
                for (i, e) in m.electrolysers.iter().enumerate() {
                    let cap = e.capacity_mw * inp.electrolyser_up[i][t];
                    let x = r.hours[0].elec[i];
                    if !off[i] && x > EPS && x < e.min_load_pu * cap - EPS {
                        off[i] = true;
                        again = true;
                    }
                }
                if !again {
                    break r.hours.pop();
                }
            };
            match hour {
                Some(hr) => self.apply_lp_hour(m, inp, &hr, t, out),
                None => self.unsolved_hour(m, inp, t, out),
            }
            self.end_hour(m, t, out);
            #[cfg(debug_assertions)]
            self.debug_check_balance(m, inp, t, out);
        }
        self.value = v;
    }

    /// The perfect-foresight reference (`policy = "foresight"`): the whole
    /// horizon as one linear programme ([`super::lp`]).
    pub(super) fn run_foresight(&mut self, m: &Model, inp: &Inputs, out: &mut Hourly) {
        let h = m.hours();
        let off = vec![false; m.electrolysers.len()];
        let r = lp::solve(m, inp, &self.load_by_zone, 0, h, None, &self.soc, &self.h2, &off);
        for t in 0..h {
            self.net.start_hour(inp.line_cap_mw.iter().map(|c| c[t]));
            self.self_discharge(m, t, out);
            match &r {
                Some(r) => self.apply_lp_hour(m, inp, &r.hours[t], t, out),
                None => self.unsolved_hour(m, inp, t, out),
            }
            self.end_hour(m, t, out);
            #[cfg(debug_assertions)]
            self.debug_check_balance(m, inp, t, out);
        }
    }

    /// An hour the solver could not decide (a numerical failure; never seen
    /// in tests): nothing dispatched, the load unserved, renewables
    /// curtailed, so the energy still balances and the loss is visible.
    fn unsolved_hour(&mut self, m: &Model, inp: &Inputs, t: usize, out: &mut Hourly) {
        debug_assert!(false, "the dispatch programme of hour {t} was not solved");
        for z in 0..m.zones.len() {
            out.zone_curtailed_mw[z][t] = inp.re_mw[z][t];
            out.zone_unserved_mw[z][t] = self.load_by_zone[z][t];
        }
    }

    /// Size the plan's arrays and forecast the store-free hours: per hour,
    /// the unserved energy U (load − renewables − generators cheaper than
    /// lost load − imports) and the curtailment C (renewables − load −
    /// electrolysers − exports) without stores, the whole system as one
    /// node (on a star, the zone; hydrogen-store room is not forecast).
    /// Summed entity by entity over all hours (each a contiguous series).
    fn prepare_plan(&mut self, m: &Model, inp: &Inputs, agg: &Aggregate, v: &mut ValueState) {
        let h = m.hours();
        v.req.resize(h + 1, 0.0);
        v.ceil.resize(h + 1, 0.0);
        v.off.clear();
        v.off.resize(m.electrolysers.len(), false);
        if m.storage.is_empty() {
            return;
        }
        let nz = m.zones.len();
        let voll = m.dispatch.value_of_lost_load_cny_per_mwh;
        // u = load − supply, c = supply − load − uses; pd, pc: store power.
        let (u, c, pd, pc, tmp) = (&mut v.dis, &mut v.chg, &mut v.pd, &mut v.pc, &mut v.tmp);
        for x in [&mut *u, &mut *c, &mut *pd, &mut *pc] {
            x.clear();
            x.resize(h, 0.0);
        }
        for z in 0..nz {
            for ((u, c), (re, load)) in
                u.iter_mut().zip(c.iter_mut()).zip(inp.re_mw[z][..h].iter().zip(&self.load_by_zone[z][..h]))
            {
                *u += load - re;
                *c += re - load;
            }
        }
        for (g, gener) in m.generators.iter().enumerate() {
            if gener.variable_cost_cny_per_mwh < voll {
                for (t, u) in u.iter_mut().enumerate() {
                    *u -= gener.capacity_at(t) * inp.gen_up[g][t];
                }
            }
        }
        if m.economics.hydrogen_value_cny_per_kg > 0.0 {
            for (i, e) in m.electrolysers.iter().enumerate() {
                for (c, up) in c.iter_mut().zip(&inp.electrolyser_up[i][..h]) {
                    *c -= e.capacity_mw * up;
                }
            }
        }
        for (k, g) in m.external_grids.iter().enumerate() {
            let node = nz + k;
            for (import, on) in [(true, g.import_price_cny_per_mwh < voll), (false, g.export_price_cny_per_mwh > 0.0)] {
                if !on {
                    continue;
                }
                tmp.clear();
                tmp.resize(h, 0.0);
                for (l, line) in m.lines.iter().enumerate() {
                    // Share of the rating usable towards (import) or away
                    // from (export) the zones.
                    let share = if line.from < nz && line.to == node {
                        if import { line.reverse_capacity_pu } else { 1.0 }
                    } else if line.to < nz && line.from == node {
                        if import { 1.0 } else { line.reverse_capacity_pu }
                    } else {
                        continue;
                    };
                    let f = share * (1.0 - line.loss_pu);
                    for (x, cap) in tmp.iter_mut().zip(&inp.line_cap_mw[l][..h]) {
                        *x += cap * f;
                    }
                }
                let limit = if import { g.max_import_mw } else { g.max_export_mw };
                let target = if import { &mut *u } else { &mut *c };
                for (y, x) in target.iter_mut().zip(tmp.iter()) {
                    *y -= x.min(limit);
                }
            }
        }
        for (i, s) in m.storage.iter().enumerate() {
            for ((d, ch), up) in pd.iter_mut().zip(pc.iter_mut()).zip(&inp.storage_up[i][..h]) {
                *d += s.discharge_mw * up;
                *ch += s.charge_mw * up;
            }
        }
        for ((u, c), (d, ch)) in u.iter_mut().zip(c.iter_mut()).zip(pd.iter().zip(pc.iter())) {
            *u = u.max(0.0).min(*d) / agg.eta_d;
            *c = c.max(0.0).min(*ch) * agg.eta_c;
        }
    }

    /// One hour of the value policy on a star network. Every price is
    /// constant over the horizon, so the merit order is sorted once per
    /// sample ([`templates`]) and each hour only fills in the amounts.
    fn value_hour(&mut self, m: &Model, inp: &Inputs, agg: &Aggregate, v: &mut ValueState, t: usize, out: &mut Hourly) {
        let re = inp.re_mw[0][t];
        let load = self.load_by_zone[0][t];
        v.off.iter_mut().for_each(|x| *x = false);
        let b = self.store_bids(m, inp, agg, v, t, None);
        loop {
            for s in v.sources.iter_mut() {
                s.used = 0.0;
                s.mw = match s.kind {
                    Kind::Renewable => re,
                    Kind::StoreExcess => b.out_excess,
                    Kind::StoreHold => b.out_hold,
                    Kind::Generator(g) => m.generators[g].capacity_at(t) * inp.gen_up[g][t],
                    Kind::Import(l, k, from_zone) => {
                        let line = &m.lines[l];
                        let cap = inp.line_cap_mw[l][t];
                        let in_cap = if from_zone { cap * line.reverse_capacity_pu } else { cap };
                        if m.external_grids[k].max_import_mw > EPS { in_cap * (1.0 - line.loss_pu) } else { 0.0 }
                    }
                    _ => 0.0,
                };
            }
            for u in v.uses.iter_mut() {
                u.used = 0.0;
                u.mw = match u.kind {
                    Kind::Load => load,
                    Kind::StoreNeed => b.in_need,
                    Kind::StoreFree => b.in_free,
                    Kind::Electrolyser(i) if !v.off[i] => {
                        let e = &m.electrolysers[i];
                        let cap = e.capacity_mw * inp.electrolyser_up[i][t];
                        let room_kg = if e.store_kg <= 0.0 && e.offtake_kg_per_h <= 0.0 {
                            f64::INFINITY
                        } else {
                            (e.store_kg - self.h2[i]).max(0.0) + e.offtake_kg_per_h
                        };
                        let pmax = e.power_for_kg(cap, room_kg);
                        if cap > EPS && pmax >= e.min_load_pu * cap && pmax > EPS { pmax } else { 0.0 }
                    }
                    Kind::Export(l, k, from_zone) => {
                        let line = &m.lines[l];
                        let cap = inp.line_cap_mw[l][t];
                        let out_cap = if from_zone { cap } else { cap * line.reverse_capacity_pu };
                        if m.external_grids[k].max_export_mw > EPS { out_cap } else { 0.0 }
                    }
                    _ => 0.0,
                };
            }
            match_hour(m, &mut v.sources, &mut v.uses, &mut v.export_room, &mut v.import_room);
            // An electrolyser below its minimum stable load is switched off
            // and the hour matched again.
            let mut again = false;
            for u in &v.uses {
                if let Kind::Electrolyser(i) = u.kind {
                    let e = &m.electrolysers[i];
                    let cap = e.capacity_mw * inp.electrolyser_up[i][t];
                    if u.used > EPS && u.used < e.min_load_pu * cap - EPS {
                        v.off[i] = true;
                        again = true;
                    }
                }
            }
            if !again {
                break;
            }
        }
        self.apply_hour(m, inp, v, t, out);
    }
}

/// Match uses (by value, highest first) with sources (by cost, cheapest
/// first) while the value exceeds the cost. Imports serve neither exports
/// nor electrolysers, stores do not charge from stores; grid limits bind across the lines
/// that reach the same grid.
fn match_hour(
    m: &Model,
    sources: &mut [Entry],
    uses: &mut [Entry],
    export_room: &mut Vec<f64>,
    import_room: &mut Vec<f64>,
) {
    export_room.clear();
    export_room.extend(m.external_grids.iter().map(|g| g.max_export_mw));
    import_room.clear();
    import_room.extend(m.external_grids.iter().map(|g| g.max_import_mw));
    for u in uses.iter_mut() {
        for s in sources.iter_mut() {
            if s.price >= u.price {
                break;
            }
            let left_u = u.mw - u.used;
            if left_u <= EPS {
                break;
            }
            let left_s = s.mw - s.used;
            if left_s <= EPS {
                continue;
            }
            if matches!((s.kind, u.kind), (Kind::Import(..), Kind::Export(..) | Kind::Electrolyser(_)))
                || (s.kind.store_out() && u.kind.store_in())
            {
                continue;
            }
            let mut x = left_u.min(left_s);
            // Grid limits: exports are limited where they arrive, imports
            // where they leave the grid.
            if let Kind::Export(l, k, _) = u.kind {
                let keep = 1.0 - m.lines[l].loss_pu;
                x = x.min((export_room[k] / keep).max(0.0));
            }
            if let Kind::Import(l, k, _) = s.kind {
                let keep = 1.0 - m.lines[l].loss_pu;
                x = x.min((import_room[k] * keep).max(0.0));
            }
            if x <= 0.0 {
                continue;
            }
            if let Kind::Export(l, k, _) = u.kind {
                export_room[k] -= x * (1.0 - m.lines[l].loss_pu);
            }
            if let Kind::Import(l, k, _) = s.kind {
                import_room[k] -= x / (1.0 - m.lines[l].loss_pu);
            }
            u.used += x;
            s.used += x;
        }
    }
}

/// The look-ahead plan from hour `t0` to `t1` (exclusive): `req` and
/// `ceil` for the start of each hour in `t0..=t1`.
fn plan(m: &Model, agg: &Aggregate, v: &mut ValueState, t0: usize, t1: usize, start_energy: f64) {
    let end_of_horizon = t1 == m.hours();
    v.req[t1] =
        if end_of_horizon && m.dispatch.cyclic_storage { start_energy.clamp(agg.floor, agg.top) } else { agg.floor };
    v.ceil[t1] = agg.top;
    for tau in (t0..t1).rev() {
        let (dis, chg) = (v.dis[tau], v.chg[tau]);
        v.req[tau] = (v.req[tau + 1] - chg + dis).max(agg.floor + dis).min(agg.top);
        v.ceil[tau] = (v.ceil[tau + 1] - chg + dis).clamp(agg.floor, agg.top);
    }
}

impl Dispatcher {
    /// Write the matched hour: generators, imports and exports with their
    /// line flows, electrolysers, stores, unserved load and curtailment.
    fn apply_hour(&mut self, m: &Model, inp: &Inputs, v: &mut ValueState, t: usize, out: &mut Hourly) {
        let (mut store_out, mut store_in) = (0.0, 0.0);
        for s in &v.sources {
            match s.kind {
                Kind::Renewable => {
                    let c = s.mw - s.used;
                    out.zone_curtailed_mw[0][t] = if c > EPS { c } else { 0.0 };
                }
                Kind::Generator(g) => out.gen_mw[g][t] = s.used,
                Kind::Import(l, k, zone_is_from) if s.used > 0.0 => {
                    let sent = s.used / (1.0 - m.lines[l].loss_pu);
                    out.import_mw[k][t] += sent;
                    if zone_is_from {
                        self.net.to_in[l] -= sent;
                        self.net.from_out[l] -= s.used;
                    } else {
                        self.net.from_out[l] += sent;
                        self.net.to_in[l] += s.used;
                    }
                }
                Kind::StoreExcess | Kind::StoreHold => store_out += s.used,
                _ => {}
            }
        }
        for u in &v.uses {
            match u.kind {
                Kind::Load => {
                    let short = u.mw - u.used;
                    out.zone_unserved_mw[0][t] = if short > EPS { short } else { 0.0 };
                }
                Kind::Export(l, k, zone_is_from) if u.used > 0.0 => {
                    let arrives = u.used * (1.0 - m.lines[l].loss_pu);
                    out.export_mw[k][t] += arrives;
                    if zone_is_from {
                        self.net.from_out[l] += u.used;
                        self.net.to_in[l] += arrives;
                    } else {
                        self.net.to_in[l] -= u.used;
                        self.net.from_out[l] -= arrives;
                    }
                }
                Kind::Electrolyser(i) if u.used > 0.0 => {
                    self.electrolyse(m, i, u.used, inp.electrolyser_up[i][t], t, out);
                }
                Kind::StoreNeed | Kind::StoreFree => store_in += u.used,
                _ => {}
            }
        }
        if store_out > 0.0 {
            self.discharge_for_deficit_in(m, inp, 0, store_out, t, out);
        }
        if store_in > 0.0 {
            self.charge_in(m, inp, 0, store_in, t, out);
        }
    }
}
