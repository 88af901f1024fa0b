//! The dispatch as a linear programme over the zone/line network, solved
//! with `microlp` (a pure-Rust simplex): for one hour with the stores'
//! bids (the value policy on networks other than a star), or for a run of
//! hours with the stores' and hydrogen stores' states as variables (the
//! perfect-foresight reference, `policy = "foresight"`).
//!
//! Variables per hour: renewable energy used (≤ available; the rest is
//! curtailed), served load (value of lost load), generators (variable
//! cost), electrolysers (hydrogen value per MWh at the rated point),
//! exports and imports at each external grid (their prices), and per line
//! a forward and a reverse flow, each within its direction's rating, losing
//! `loss_pu` of what is sent (a tiny cost per MW sent keeps flows from
//! circulating). Each zone and grid balances exactly.
//!
//! Stores, hour by hour: each zone's stores appear as the value policy's
//! bid segments (see [`super::value`]). Over a run of hours: charge,
//! discharge and state of charge per store and hour, with efficiencies,
//! self-discharge, state-of-charge limits, cycling cost and, with
//! `cyclic_storage`, an end state at least the start. Hydrogen stores:
//! production − offtake = change in store, offtake at most the demand.
//!
//! Simplifications, documented here: an electrolyser's consumption is
//! linear at its rated point and its minimum stable load is relaxed in the
//! multi-hour programme (the hourly one switches an electrolyser matched
//! below it off and solves again); the hourly programme's losses make it a
//! generalized flow, exact as an LP.

use super::value::{HOLD_SHARE, NEED_SHARE, electrolyser_value};
use super::{Dispatcher, EPS, Hourly, Inputs};
use crate::model::Model;
use microlp::{ComparisonOp, OptimizationDirection, Problem, Variable};

/// Cost per MW sent over a line (keeps flows from circulating).
const FLOW_COST: f64 = 1e-6;

/// Stores' bids of one zone for one hour (MW, see the value policy).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Bids {
    pub out_excess: f64,
    pub out_hold: f64,
    pub in_need: f64,
    pub in_free: f64,
}

/// Variables of one hour.
struct HourVars {
    re: Vec<Variable>,
    served: Vec<Variable>,
    gener: Vec<Variable>,
    elec: Vec<Option<Variable>>,
    exp: Vec<Variable>,
    imp: Vec<Variable>,
    fwd: Vec<Variable>,
    rev: Vec<Variable>,
    /// Bids per zone: excess, hold, need, free.
    bids: Vec<[Option<Variable>; 4]>,
    /// Per store (multi-hour): charge, discharge.
    store: Vec<(Variable, Variable)>,
}

/// What the programme decided for a run of hours.
pub(super) struct LpResult {
    pub hours: Vec<LpHour>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct LpHour {
    pub re: Vec<f64>,
    pub served: Vec<f64>,
    pub gener: Vec<f64>,
    pub elec: Vec<f64>,
    pub exp: Vec<f64>,
    pub imp: Vec<f64>,
    pub fwd: Vec<f64>,
    pub rev: Vec<f64>,
    /// Per zone: stores' matched discharge (excess + hold) and charge.
    pub zone_out: Vec<f64>,
    pub zone_in: Vec<f64>,
    /// Per store (multi-hour programme).
    pub charge: Vec<f64>,
    pub discharge: Vec<f64>,
}

/// The programme for hours `t0..t1`. `bids`: one hour with stores as bids
/// (per zone); `None`: stores as states from `soc0`, hydrogen from `h20`.
#[allow(clippy::too_many_arguments)]
pub(super) fn solve(
    m: &Model,
    inp: &Inputs,
    load_by_zone: &[Vec<f64>],
    t0: usize,
    t1: usize,
    bids: Option<&[Bids]>,
    soc0: &[f64],
    h20: &[f64],
    off: &[bool],
) -> Option<LpResult> {
    let nz = m.zones.len();
    let voll = m.dispatch.value_of_lost_load_cny_per_mwh;
    let cycling = m.dispatch.storage_cycling_cost_cny_per_mwh;
    let mut p = Problem::new(OptimizationDirection::Maximize);
    let mut hours = Vec::with_capacity(t1 - t0);
    // State variables of the multi-hour programme.
    let chain = bids.is_none();
    let mut soc_prev: Vec<Option<Variable>> = vec![None; m.storage.len()];
    let mut h2_prev: Vec<Option<Variable>> = vec![None; m.electrolysers.len()];
    #[allow(clippy::needless_range_loop)] // t indexes several per-hour inputs
    for t in t0..t1 {
        // Balance rows per node: (variable, coefficient) lists.
        let mut rows: Vec<Vec<(Variable, f64)>> = vec![Vec::new(); m.n_nodes()];
        let mut hv = HourVars {
            re: Vec::with_capacity(nz),
            served: Vec::with_capacity(nz),
            gener: Vec::new(),
            elec: Vec::new(),
            exp: Vec::new(),
            imp: Vec::new(),
            fwd: Vec::new(),
            rev: Vec::new(),
            bids: Vec::new(),
            store: Vec::new(),
        };
        for z in 0..nz {
            let re = p.add_var(0.0, (0.0, inp.re_mw[z][t].max(0.0)));
            let served = p.add_var(voll, (0.0, load_by_zone[z][t].max(0.0)));
            rows[z].push((re, 1.0));
            rows[z].push((served, -1.0));
            hv.re.push(re);
            hv.served.push(served);
        }
        for (g, gener) in m.generators.iter().enumerate() {
            let v =
                p.add_var(-gener.variable_cost_cny_per_mwh, (0.0, (gener.capacity_at(t) * inp.gen_up[g][t]).max(0.0)));
            rows[gener.zone].push((v, 1.0));
            hv.gener.push(v);
        }
        for (i, e) in m.electrolysers.iter().enumerate() {
            let cap = e.capacity_mw * inp.electrolyser_up[i][t];
            if off[i] || cap <= EPS {
                hv.elec.push(None);
                continue;
            }
            let kgpm = e.kg_per_mwh(1.0);
            let hi = if chain {
                cap
            } else {
                let room_kg = if e.store_kg <= 0.0 && e.offtake_kg_per_h <= 0.0 {
                    f64::INFINITY
                } else {
                    (e.store_kg - h20[i]).max(0.0) + e.offtake_kg_per_h
                };
                e.power_for_kg(cap, room_kg)
            };
            let v = p.add_var(electrolyser_value(m, i), (0.0, hi.max(0.0)));
            rows[e.zone].push((v, -1.0));
            hv.elec.push(Some(v));
            if chain && (e.store_kg > 0.0 || e.offtake_kg_per_h > 0.0) {
                // h[t+1] = h[t] + kg·p − offtake taken; 0 ≤ h ≤ store.
                let take = p.add_var(0.0, (0.0, e.offtake_kg_per_h));
                let h = p.add_var(0.0, (0.0, e.store_kg.max(0.0)));
                let mut row = vec![(h, 1.0), (v, -kgpm), (take, 1.0)];
                let mut rhs = 0.0;
                match h2_prev[i] {
                    Some(prev) => row.push((prev, -1.0)),
                    None => rhs = h20[i],
                }
                p.add_constraint(row.as_slice(), ComparisonOp::Eq, rhs);
                h2_prev[i] = Some(h);
            }
        }
        for (k, g) in m.external_grids.iter().enumerate() {
            let x = p.add_var(g.export_price_cny_per_mwh, (0.0, g.max_export_mw.max(0.0)));
            let y = p.add_var(-g.import_price_cny_per_mwh, (0.0, g.max_import_mw.max(0.0)));
            // At the grid node: arrivals − departures = export − import.
            rows[nz + k].push((x, -1.0));
            rows[nz + k].push((y, 1.0));
            hv.exp.push(x);
            hv.imp.push(y);
        }
        for (l, line) in m.lines.iter().enumerate() {
            let cap = inp.line_cap_mw[l][t].max(0.0);
            let keep = 1.0 - line.loss_pu;
            let f = p.add_var(-FLOW_COST, (0.0, cap));
            let r = p.add_var(-FLOW_COST, (0.0, cap * line.reverse_capacity_pu));
            rows[line.from].push((f, -1.0));
            rows[line.to].push((f, keep));
            rows[line.to].push((r, -1.0));
            rows[line.from].push((r, keep));
            hv.fwd.push(f);
            hv.rev.push(r);
        }
        match bids {
            Some(b) => {
                for (z, bz) in b.iter().enumerate() {
                    let mut vs = [None; 4];
                    let specs = [
                        (bz.out_excess, -cycling, 1.0),
                        (bz.out_hold, -HOLD_SHARE * voll, 1.0),
                        (bz.in_need, NEED_SHARE * voll, -1.0),
                        (bz.in_free, 1e-6, -1.0),
                    ];
                    for (j, (mw, price, sign)) in specs.into_iter().enumerate() {
                        if mw > EPS {
                            let v = p.add_var(price, (0.0, mw));
                            rows[z].push((v, sign));
                            vs[j] = Some(v);
                        }
                    }
                    hv.bids.push(vs);
                }
            }
            None => {
                for (i, s) in m.storage.iter().enumerate() {
                    let up = inp.storage_up[i][t];
                    let c = p.add_var(-1e-7, (0.0, (s.charge_mw * up).max(0.0)));
                    let d = p.add_var(-cycling - 1e-7, (0.0, (s.discharge_mw * up).max(0.0)));
                    rows[s.zone].push((c, -1.0));
                    rows[s.zone].push((d, 1.0));
                    // soc[t+1] = soc[t]·(1 − sd) + ηc·c − d/ηd.
                    let soc = p.add_var(0.0, (s.soc_min_pu * s.energy_mwh, s.soc_max_pu * s.energy_mwh));
                    let keep = 1.0 - s.self_discharge_pu_per_h;
                    let mut row = vec![(soc, 1.0), (c, -s.charge_efficiency_pu), (d, 1.0 / s.discharge_efficiency_pu)];
                    let mut rhs = 0.0;
                    match soc_prev[i] {
                        Some(prev) => row.push((prev, -keep)),
                        None => rhs = soc0[i] * keep,
                    }
                    p.add_constraint(row.as_slice(), ComparisonOp::Eq, rhs);
                    soc_prev[i] = Some(soc);
                    hv.store.push((c, d));
                }
            }
        }
        for row in rows {
            if !row.is_empty() {
                p.add_constraint(row.as_slice(), ComparisonOp::Eq, 0.0);
            }
        }
        hours.push(hv);
    }
    if chain && m.dispatch.cyclic_storage && t1 == m.hours() {
        for (i, s) in soc_prev.iter().enumerate() {
            if let Some(s) = s {
                p.add_constraint([(*s, 1.0)], ComparisonOp::Ge, soc0[i]);
            }
        }
    }
    let sol = p.solve().ok()?.into_solution().ok()?;
    let val = |v: &Variable| sol[*v].max(0.0);
    let hours = hours
        .iter()
        .map(|hv| LpHour {
            re: hv.re.iter().map(val).collect(),
            served: hv.served.iter().map(val).collect(),
            gener: hv.gener.iter().map(val).collect(),
            elec: hv.elec.iter().map(|v| v.as_ref().map_or(0.0, val)).collect(),
            exp: hv.exp.iter().map(val).collect(),
            imp: hv.imp.iter().map(val).collect(),
            fwd: hv.fwd.iter().map(val).collect(),
            rev: hv.rev.iter().map(val).collect(),
            zone_out: hv.bids.iter().map(|b| b[0].as_ref().map_or(0.0, val) + b[1].as_ref().map_or(0.0, val)).collect(),
            zone_in: hv.bids.iter().map(|b| b[2].as_ref().map_or(0.0, val) + b[3].as_ref().map_or(0.0, val)).collect(),
            charge: hv.store.iter().map(|(c, _)| val(c)).collect(),
            discharge: hv.store.iter().map(|(_, d)| val(d)).collect(),
        })
        .collect();
    Some(LpResult { hours })
}

impl Dispatcher {
    /// Write one hour decided by the programme. Stores: per store from the
    /// multi-hour programme, or each zone's matched bids shared in file
    /// order. Line flows: the net of the two directions.
    pub(super) fn apply_lp_hour(&mut self, m: &Model, inp: &Inputs, h: &LpHour, t: usize, out: &mut Hourly) {
        let nz = m.zones.len();
        for z in 0..nz {
            let c = inp.re_mw[z][t] - h.re[z];
            out.zone_curtailed_mw[z][t] = if c > EPS { c } else { 0.0 };
            let u = self.load_by_zone[z][t] - h.served[z];
            out.zone_unserved_mw[z][t] = if u > EPS { u } else { 0.0 };
        }
        for (g, x) in h.gener.iter().enumerate() {
            out.gen_mw[g][t] = *x;
        }
        for (k, (x, y)) in h.exp.iter().zip(&h.imp).enumerate() {
            out.export_mw[k][t] = *x;
            out.import_mw[k][t] = *y;
        }
        for (l, line) in m.lines.iter().enumerate() {
            let keep = 1.0 - line.loss_pu;
            self.net.from_out[l] = h.fwd[l] - h.rev[l] * keep;
            self.net.to_in[l] = h.fwd[l] * keep - h.rev[l];
        }
        for (i, x) in h.elec.iter().enumerate() {
            if *x > 0.0 {
                self.electrolyse(m, i, *x, inp.electrolyser_up[i][t], t, out);
            }
        }
        if h.charge.len() == m.storage.len() && !m.storage.is_empty() {
            for i in 0..m.storage.len() {
                let (c, d) = (h.charge[i], h.discharge[i]);
                // Net of the two within the hour (the programme does both
                // only when it is indifferent).
                if d > c {
                    let x = (d - c) * 1.0;
                    self.discharge(
                        m,
                        i,
                        x.min(super::storage_discharge_cap(m, i, self.soc[i], inp.storage_up[i][t])),
                        t,
                        out,
                    );
                } else if c > d {
                    self.charge(m, i, c - d, inp.storage_up[i][t], t, out);
                }
            }
        } else {
            for z in 0..h.zone_out.len() {
                if h.zone_out[z] > 0.0 {
                    self.discharge_for_deficit_in(m, inp, z, h.zone_out[z], t, out);
                }
                if h.zone_in[z] > 0.0 {
                    self.charge_in(m, inp, z, h.zone_in[z], t, out);
                }
            }
        }
    }
}
