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

use crate::model::{DeficitSource, Model, SurplusUse};

const EPS: f64 = 1e-9;

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

fn reset(v: &mut Vec<Vec<f64>>, n: usize, h: usize) {
    v.resize_with(n, Vec::new);
    for x in v.iter_mut() {
        x.clear();
        x.resize(h, 0.0);
    }
}

/// Size `v` to `n` × `h` without clearing it (for arrays written in every
/// hour of [`Dispatcher::run`]).
fn size(v: &mut Vec<Vec<f64>>, n: usize, h: usize) {
    v.resize_with(n, Vec::new);
    for x in v.iter_mut() {
        x.resize(h, 0.0);
    }
}

impl Hourly {
    /// Zero what the dispatch accumulates or writes only in some hours;
    /// size the arrays it assigns in every hour (their old values are
    /// overwritten, so clearing them would be wasted work).
    fn reset(&mut self, m: &Model) {
        let h = m.hours();
        let nz = m.zones.len();
        size(&mut self.zone_load_mw, nz, h);
        size(&mut self.zone_unserved_mw, nz, h);
        size(&mut self.zone_curtailed_mw, nz, h);
        reset(&mut self.gen_mw, m.generators.len(), h);
        reset(&mut self.storage_charge_mw, m.storage.len(), h);
        reset(&mut self.storage_discharge_mw, m.storage.len(), h);
        size(&mut self.storage_soc_mwh, m.storage.len(), h);
        size(&mut self.storage_self_discharge_mwh, m.storage.len(), h);
        reset(&mut self.electrolyser_mw, m.electrolysers.len(), h);
        reset(&mut self.h2_kg, m.electrolysers.len(), h);
        size(&mut self.h2_store_kg, m.electrolysers.len(), h);
        size(&mut self.h2_shortfall_kg, m.electrolysers.len(), h);
        size(&mut self.line_from_mw, m.lines.len(), h);
        size(&mut self.line_to_mw, m.lines.len(), h);
        size(&mut self.line_cap_mw, m.lines.len(), h);
        self.line_congested.resize_with(m.lines.len(), Vec::new);
        for x in self.line_congested.iter_mut() {
            x.resize(h, false);
        }
        reset(&mut self.export_mw, m.external_grids.len(), h);
        reset(&mut self.import_mw, m.external_grids.len(), h);
    }
}

/// The transfer network of one hour: line capacities and flows so far.
#[derive(Debug, Clone)]
struct Net {
    n: usize,
    /// Nodes below this index are zones; the rest are external grids, which
    /// are sources or sinks but never transit nodes.
    zones: usize,
    /// (from, to, loss) per line.
    ends: Vec<(usize, usize, f64)>,
    /// Lines touching each node: (line, node is the `from` end).
    adj: Vec<Vec<(usize, bool)>>,
    /// One zone and every line ends in it (a star: zone ↔ external grids,
    /// the bundled Alxa layouts). Paths are then single lines and the
    /// breadth-first search reduces to a scan (see [`Net::augment_star`]).
    star: bool,
    cap: Vec<f64>,
    /// Capability to → from as a share of `cap` (per-direction limits).
    reverse: Vec<f64>,
    from_out: Vec<f64>,
    to_in: Vec<f64>,
    // BFS scratch
    parent: Vec<Option<(usize, bool)>>,
    seen: Vec<bool>,
    queue: Vec<usize>,
    path: Vec<(usize, bool)>,
}

impl Net {
    fn new(m: &Model) -> Self {
        let n = m.n_nodes();
        let zones = m.zones.len();
        let mut adj = vec![Vec::new(); n];
        for (i, l) in m.lines.iter().enumerate() {
            adj[l.from].push((i, true));
            adj[l.to].push((i, false));
        }
        let nl = m.lines.len();
        let star = zones == 1 && m.lines.iter().all(|l| l.from == 0 || l.to == 0);
        Net {
            n,
            zones,
            star,
            ends: m.lines.iter().map(|l| (l.from, l.to, l.loss_pu)).collect(),
            adj,
            cap: vec![0.0; nl],
            reverse: m.lines.iter().map(|l| l.reverse_capacity_pu).collect(),
            from_out: vec![0.0; nl],
            to_in: vec![0.0; nl],
            parent: vec![None; n],
            seen: vec![false; n],
            queue: Vec::with_capacity(n),
            path: Vec::with_capacity(n),
        }
    }

    fn start_hour(&mut self, caps: impl Iterator<Item = f64>) {
        for (c, x) in self.cap.iter_mut().zip(caps) {
            *c = x;
        }
        self.from_out.iter_mut().for_each(|x| *x = 0.0);
        self.to_in.iter_mut().for_each(|x| *x = 0.0);
    }

    /// Residual sending capacity of line `l` leaving from its `from` end
    /// (`forward`) or its `to` end.
    #[inline]
    fn residual(&self, l: usize, forward: bool) -> f64 {
        self.edge(l, forward).0
    }

    /// (residual MW at the sending end, gain) of line `l` used from its
    /// `from` end (`forward`) or its `to` end. Against an existing flow the
    /// push first cancels it: up to the MW arriving at this end, with gain
    /// 1/(1 − loss) (cancelling saves the losses too). Otherwise a new or
    /// larger flow: up to the capacity left at the sending end, gain
    /// 1 − loss. The gain is constant within one push: a push that would
    /// cross from cancelling to a new flow stops at zero flow, and the next
    /// augmentation continues.
    #[inline]
    fn edge(&self, l: usize, forward: bool) -> (f64, f64) {
        let g = 1.0 - self.ends[l].2;
        let (f, t) = (self.from_out[l], self.to_in[l]);
        if forward {
            if f < 0.0 { (-f, 1.0 / g) } else { ((self.cap[l] - f).max(0.0), g) }
        } else if f > 0.0 {
            (t, 1.0 / g)
        } else {
            ((self.cap[l] * self.reverse[l] + t).max(0.0), g)
        }
    }

    /// Move supply to demand: local first, then over fewest-hop paths.
    /// `sup` and `dem` are reduced by what was moved (demand by what was
    /// delivered, supply by what was sent).
    ///
    /// The local step and the checks are inlined into the callers (most
    /// transfers end there: one zone has nothing to send or to receive);
    /// the path search is a separate function.
    #[inline(always)]
    fn transfer(&mut self, sup: &mut [f64], dem: &mut [f64]) {
        let (sup, dem) = (&mut sup[..self.n], &mut dem[..self.n]);
        for (s, d) in sup.iter_mut().zip(dem.iter_mut()) {
            let x = s.min(*d);
            if x > 0.0 {
                *s -= x;
                *d -= x;
            }
        }
        if self.ends.is_empty() || !sup.iter().any(|x| *x > EPS) || !dem.iter().any(|x| *x > EPS) {
            return;
        }
        self.transfer_paths(sup, dem);
    }

    /// The path part of [`Net::transfer`].
    #[inline(never)]
    fn transfer_paths(&mut self, sup: &mut [f64], dem: &mut [f64]) {
        // Each augmentation saturates a supply, a demand or a line, so the
        // loop ends; the bound guards against floating-point stalls.
        let bound = 4 * (self.n + self.ends.len()) + 8;
        if self.star && self.transfer_star(sup, dem, bound) {
            return;
        }
        for _ in 0..bound {
            if !self.augment(sup, dem) {
                break;
            }
        }
    }

    /// [`Net::transfer`]'s augmentation loop on a star network when every
    /// path is one line (see [`Net::augment_star`]): the scan resumes at
    /// the line of the previous push instead of restarting, which picks the
    /// same lines (a push changes only its own line, source and sink, so
    /// earlier lines stay ineligible). Returns false when the case does not
    /// apply and the general loop must run.
    fn transfer_star(&mut self, sup: &mut [f64], dem: &mut [f64], bound: usize) -> bool {
        let zone_source = sup[0] > EPS;
        let grid_source = sup[1..].iter().any(|x| *x > EPS);
        let grid_sink = dem[1..].iter().any(|x| *x > EPS);
        let mut pushes = 0;
        if zone_source && !grid_source {
            let mut k = 0;
            while k < self.adj[0].len() && pushes < bound {
                if sup[0] <= EPS {
                    break;
                }
                let (l, is_from) = self.adj[0][k];
                let v = if is_from { self.ends[l].1 } else { self.ends[l].0 };
                if self.residual(l, is_from) > EPS && dem[v] > EPS {
                    pushes += 1;
                    if !self.push_path(&[(l, is_from)], 0, v, sup, dem) {
                        break;
                    }
                } else {
                    k += 1;
                }
            }
            return true;
        }
        if grid_source && !zone_source && !grid_sink {
            let mut g = 1;
            'grids: while g < self.n && pushes < bound {
                if dem[0] <= EPS {
                    break;
                }
                if sup[g] > EPS {
                    for k in 0..self.adj[g].len() {
                        let (l, is_from) = self.adj[g][k];
                        if self.residual(l, is_from) > EPS {
                            pushes += 1;
                            if !self.push_path(&[(l, is_from)], g, 0, sup, dem) {
                                break 'grids;
                            }
                            continue 'grids;
                        }
                    }
                }
                g += 1;
            }
            return true;
        }
        false
    }

    fn augment(&mut self, sup: &mut [f64], dem: &mut [f64]) -> bool {
        if self.star
            && let Some(moved) = self.augment_star(sup, dem)
        {
            return moved;
        }
        self.seen.iter_mut().for_each(|x| *x = false);
        self.queue.clear();
        for (i, x) in sup.iter().enumerate() {
            if *x > EPS {
                self.seen[i] = true;
                self.parent[i] = None;
                self.queue.push(i);
            }
        }
        if self.queue.is_empty() {
            return false;
        }
        let mut head = 0;
        let mut sink = None;
        while head < self.queue.len() {
            let u = self.queue[head];
            head += 1;
            if dem[u] > EPS && self.parent[u].is_some() {
                sink = Some(u);
                break;
            }
            if u >= self.zones && self.parent[u].is_some() {
                continue;
            }
            for k in 0..self.adj[u].len() {
                let (l, is_from) = self.adj[u][k];
                let v = if is_from { self.ends[l].1 } else { self.ends[l].0 };
                if !self.seen[v] && self.residual(l, is_from) > EPS {
                    self.seen[v] = true;
                    self.parent[v] = Some((l, is_from));
                    self.queue.push(v);
                }
            }
        }
        let Some(sink) = sink else { return false };
        // Walk back to the source, collecting the path's gain and the
        // largest amount (at the source) each edge allows.
        let mut path = std::mem::take(&mut self.path);
        path.clear();
        let mut v = sink;
        while let Some((l, fwd)) = self.parent[v] {
            path.push((l, fwd));
            v = if fwd { self.ends[l].0 } else { self.ends[l].1 };
        }
        let source = v;
        path.reverse();
        let moved = self.push_path(&path, source, sink, sup, dem);
        self.path = path;
        moved
    }

    /// The augmentation [`Net::augment`] would make on a star network, found
    /// by a scan instead of a breadth-first search, when every path is one
    /// line: either the zone is the only source and grids the only sinks
    /// (exports), or grids are the only sources and the zone the only sink
    /// (imports). The scan visits lines in the order the search would
    /// discover them (zone's lines in adjacency order; or grids in index
    /// order, each grid's lines in adjacency order), so it picks the same
    /// path and pushes the same amount: results are bitwise identical.
    /// `None` when neither case applies (e.g. a grid → zone → grid path),
    /// and the search runs instead.
    fn augment_star(&mut self, sup: &mut [f64], dem: &mut [f64]) -> Option<bool> {
        let zone_source = sup[0] > EPS;
        let zone_sink = dem[0] > EPS;
        let grid_source = sup[1..].iter().any(|x| *x > EPS);
        let grid_sink = dem[1..].iter().any(|x| *x > EPS);
        if zone_source && !grid_source {
            if !grid_sink {
                return Some(false);
            }
            for k in 0..self.adj[0].len() {
                let (l, is_from) = self.adj[0][k];
                let v = if is_from { self.ends[l].1 } else { self.ends[l].0 };
                if self.residual(l, is_from) > EPS && dem[v] > EPS {
                    return Some(self.push_path(&[(l, is_from)], 0, v, sup, dem));
                }
            }
            return Some(false);
        }
        if grid_source && !zone_source && !grid_sink {
            if !zone_sink {
                return Some(false);
            }
            for g in 1..self.n {
                if sup[g] <= EPS {
                    continue;
                }
                for k in 0..self.adj[g].len() {
                    let (l, is_from) = self.adj[g][k];
                    if self.residual(l, is_from) > EPS {
                        return Some(self.push_path(&[(l, is_from)], g, 0, sup, dem));
                    }
                }
            }
            return Some(false);
        }
        if !zone_source && !grid_source {
            return Some(false);
        }
        None
    }

    /// Push as much as possible along `path` from `source` to `sink`.
    fn push_path(
        &mut self,
        path: &[(usize, bool)],
        source: usize,
        sink: usize,
        sup: &mut [f64],
        dem: &mut [f64],
    ) -> bool {
        let mut gain = 1.0;
        let mut x = sup[source];
        for &(l, fwd) in path.iter() {
            let (res, g) = self.edge(l, fwd);
            x = x.min(res / gain);
            gain *= g;
        }
        x = x.min(dem[sink] / gain);
        if x <= EPS {
            return false;
        }
        sup[source] -= x;
        dem[sink] -= x * gain;
        let mut sent = x;
        for &(l, fwd) in path.iter() {
            let (_, g) = self.edge(l, fwd);
            let recv = sent * g;
            if fwd {
                self.from_out[l] += sent;
                self.to_in[l] += recv;
            } else {
                self.to_in[l] -= sent;
                self.from_out[l] -= recv;
            }
            // Snap a cancelled flow to exactly zero.
            if self.from_out[l].abs() < EPS * 1e-3 || self.to_in[l].abs() < EPS * 1e-3 {
                self.from_out[l] = 0.0;
                self.to_in[l] = 0.0;
            }
            sent = recv;
        }
        true
    }
}

/// Dispatch state and scratch, reused across samples.
#[derive(Debug, Clone)]
pub struct Dispatcher {
    net: Net,
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
        Dispatcher {
            net: Net::new(m),
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
        }
    }

    /// Dispatch every hour of one sample.
    pub fn run(&mut self, m: &Model, inp: &Inputs, out: &mut Hourly) {
        out.reset(m);
        let nz = m.zones.len();
        for (i, s) in m.storage.iter().enumerate() {
            self.soc[i] = s.initial_soc_pu * s.energy_mwh;
        }
        for (i, e) in m.electrolysers.iter().enumerate() {
            self.h2[i] = e.initial_store_pu * e.store_kg;
        }
        for t in 0..m.hours() {
            self.net.start_hour(inp.line_cap_mw.iter().map(|c| c[t]));
            // 0. self-discharge
            for (i, s) in m.storage.iter().enumerate() {
                let loss = self.soc[i] * s.self_discharge_pu_per_h;
                self.soc[i] -= loss;
                out.storage_self_discharge_mwh[i][t] = loss;
            }
            // 1. local renewables serve local load
            self.sup.iter_mut().for_each(|x| *x = 0.0);
            self.dem.iter_mut().for_each(|x| *x = 0.0);
            for z in 0..nz {
                let load = self.load_by_zone[z][t];
                out.zone_load_mw[z][t] = load;
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
                            for k in 0..self.elec_in[z].len() {
                                let i = self.elec_in[z][k];
                                let x = self.electrolyse(m, i, self.sup[z], inp.electrolyser_up[i][t], t, out);
                                self.sup[z] -= x;
                            }
                        }
                    }
                    SurplusUse::Storage => {
                        for z in 0..nz {
                            for k in 0..self.storage_in[z].len() {
                                let i = self.storage_in[z][k];
                                let x = self.charge(m, i, self.sup[z], inp.storage_up[i][t], t, out);
                                self.sup[z] -= x;
                            }
                        }
                    }
                }
            }
            // 3b. optionally, stores charge from generators' spare capacity in
            // their own zone (PRAS-style adequacy: energy-limited resources are
            // refilled from spare thermal capacity when no load is short).
            if m.dispatch.storage_charge_from_generators && (0..nz).all(|z| out.zone_unserved_mw[z][t] <= 0.0) {
                for z in 0..nz {
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
                    for &i in &self.storage_in[z] {
                        self.sup[z] += self.leftover_discharge(m, i, inp.storage_up[i][t], t, out);
                    }
                    any |= self.sup[z] > EPS;
                }
                if any {
                    self.before[..nz].copy_from_slice(&self.sup[..nz]);
                    self.export_from_sup(m, t, out);
                    for z in 0..nz {
                        let mut used = self.before[z] - self.sup[z];
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
                }
            }
            // Hydrogen offtake from each store.
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
            for (i, _) in m.storage.iter().enumerate() {
                out.storage_soc_mwh[i][t] = self.soc[i];
            }
            for l in 0..m.lines.len() {
                out.line_from_mw[l][t] = self.net.from_out[l];
                out.line_to_mw[l][t] = self.net.to_in[l];
                let cap = self.net.cap[l];
                out.line_cap_mw[l][t] = cap;
                // Sending-end flow in the direction of flow, against that
                // direction's limit.
                let (f, lim) = if self.net.from_out[l] >= 0.0 {
                    (self.net.from_out[l], cap)
                } else {
                    (-self.net.to_in[l], cap * self.net.reverse[l])
                };
                out.line_congested[l][t] = lim > EPS && f >= lim * (1.0 - 1e-9) - EPS;
            }
            #[cfg(debug_assertions)]
            self.debug_check_balance(m, inp, t, out);
        }
    }

    /// Tier (b): storage discharge, local first, then over the network.
    fn deficit_from_storage(&mut self, m: &Model, inp: &Inputs, t: usize, out: &mut Hourly) {
        let nz = m.zones.len();
        self.sup.iter_mut().for_each(|x| *x = 0.0);
        for z in 0..nz {
            for &i in &self.storage_in[z] {
                self.sup[z] += storage_discharge_cap(m, i, self.soc[i], inp.storage_up[i][t]);
            }
        }
        self.before[..nz].copy_from_slice(&self.sup[..nz]);
        self.net.transfer(&mut self.sup, &mut self.dem);
        for z in 0..nz {
            let mut used = self.before[z] - self.sup[z];
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
    }

    /// Tier (c): dispatchable generators, merit order within a zone.
    fn deficit_from_generators(&mut self, m: &Model, inp: &Inputs, t: usize, out: &mut Hourly) {
        let nz = m.zones.len();
        self.sup.iter_mut().for_each(|x| *x = 0.0);
        for z in 0..nz {
            for &g in &self.gen_in[z] {
                self.sup[z] += m.generators[g].capacity_at(t) * inp.gen_up[g][t];
            }
        }
        self.before[..nz].copy_from_slice(&self.sup[..nz]);
        self.net.transfer(&mut self.sup, &mut self.dem);
        for z in 0..nz {
            let mut used = self.before[z] - self.sup[z];
            for &g in &self.gen_in[z] {
                let x = (m.generators[g].capacity_at(t) * inp.gen_up[g][t]).min(used);
                out.gen_mw[g][t] = x;
                used -= x;
            }
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
    fn leftover_discharge(&self, m: &Model, i: usize, up: f64, t: usize, out: &Hourly) -> f64 {
        if out.storage_charge_mw[i][t] > 0.0 {
            return 0.0;
        }
        let power_left = (m.storage[i].discharge_mw * up - out.storage_discharge_mw[i][t]).max(0.0);
        power_left.min(storage_discharge_cap(m, i, self.soc[i], 1.0))
    }

    fn discharge(&mut self, m: &Model, i: usize, mw: f64, t: usize, out: &mut Hourly) {
        let s = &m.storage[i];
        self.soc[i] = (self.soc[i] - mw / s.discharge_efficiency_pu).max(s.soc_min_pu * s.energy_mwh);
        out.storage_discharge_mw[i][t] += mw;
    }

    /// Charge store `i` from up to `avail` MW of surplus; returns MW taken.
    fn charge(&mut self, m: &Model, i: usize, avail: f64, up: f64, t: usize, out: &mut Hourly) -> f64 {
        let s = &m.storage[i];
        let room = (s.soc_max_pu * s.energy_mwh - self.soc[i]).max(0.0) / s.charge_efficiency_pu;
        let x = avail.min(s.charge_mw * up).min(room).max(0.0);
        self.soc[i] += x * s.charge_efficiency_pu;
        out.storage_charge_mw[i][t] += x;
        x
    }

    /// Run electrolyser `i` on up to `avail` MW; returns MW taken.
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
