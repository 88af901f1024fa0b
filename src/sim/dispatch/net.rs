//! The transfer network of one hour (see the module documentation of
//! [`crate::sim::dispatch`], *Transfers*).

use super::{EPS, local_step};
use crate::model::Model;

/// The transfer network of one hour: line capacities and flows so far.
#[derive(Debug, Clone)]
pub(super) struct Net {
    n: usize,
    /// Nodes below this index are zones; the rest are external grids, which
    /// are sources or sinks but never transit nodes.
    zones: usize,
    /// (from, to, loss) per line.
    ends: Vec<(usize, usize, f64)>,
    /// Per line: MW arriving per MW sent, 1 − loss, and its inverse (the
    /// gain of cancelling a flow), computed once.
    gain: Vec<(f64, f64)>,
    /// Lines touching each node: (line, node is the `from` end).
    adj: Vec<Vec<(usize, bool)>>,
    /// Node 0's lines in adjacency order: (line, node 0 is the `from` end,
    /// the other end): the scan of [`Net::zone_to_grids`] without the
    /// lookups.
    zone_lines: Vec<(usize, bool, usize)>,
    /// One zone and every line ends in it (a star: zone ↔ external grids,
    /// the bundled Alxa layouts). Paths are then single lines and the
    /// breadth-first search reduces to a scan (see [`Net::augment_star`]).
    pub(super) star: bool,
    pub(super) cap: Vec<f64>,
    /// Capability to → from as a share of `cap` (per-direction limits).
    pub(super) reverse: Vec<f64>,
    pub(super) from_out: Vec<f64>,
    pub(super) to_in: Vec<f64>,
    // BFS scratch
    parent: Vec<Option<(usize, bool)>>,
    seen: Vec<bool>,
    queue: Vec<usize>,
    path: Vec<(usize, bool)>,
}

impl Net {
    pub(super) fn new(m: &Model) -> Self {
        let n = m.n_nodes();
        let zones = m.zones.len();
        let mut adj = vec![Vec::new(); n];
        for (i, l) in m.lines.iter().enumerate() {
            adj[l.from].push((i, true));
            adj[l.to].push((i, false));
        }
        let nl = m.lines.len();
        let star = zones == 1 && m.lines.iter().all(|l| l.from == 0 || l.to == 0);
        let zone_lines = adj.first().map_or_else(Vec::new, |a: &Vec<(usize, bool)>| {
            a.iter().map(|&(l, is_from)| (l, is_from, if is_from { m.lines[l].to } else { m.lines[l].from })).collect()
        });
        Net {
            n,
            zones,
            star,
            ends: m.lines.iter().map(|l| (l.from, l.to, l.loss_pu)).collect(),
            gain: m.lines.iter().map(|l| (1.0 - l.loss_pu, 1.0 / (1.0 - l.loss_pu))).collect(),
            adj,
            zone_lines,
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

    pub(super) fn start_hour(&mut self, caps: impl ExactSizeIterator<Item = f64>) {
        debug_assert_eq!(caps.len(), self.cap.len(), "one capacity per line");
        // One loop for the three arrays: separate zeroing loops became
        // `memset` calls, dear for the few lines a network has.
        for (((c, x), f), t) in self.cap.iter_mut().zip(caps).zip(&mut self.from_out).zip(&mut self.to_in) {
            *c = x;
            *f = 0.0;
            *t = 0.0;
        }
    }

    /// No lines at all.
    #[inline]
    pub(super) fn ends_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Residual sending capacity of line `l` leaving from its `from` end
    /// (`forward`) or its `to` end.
    #[inline(always)]
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
    #[inline(always)]
    fn edge(&self, l: usize, forward: bool) -> (f64, f64) {
        let (g, inv_g) = self.gain[l];
        let (f, t) = (self.from_out[l], self.to_in[l]);
        if forward {
            if f < 0.0 { (-f, inv_g) } else { ((self.cap[l] - f).max(0.0), g) }
        } else if f > 0.0 {
            (t, inv_g)
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
    pub(super) fn transfer(&mut self, sup: &mut [f64], dem: &mut [f64]) {
        let (sup, dem) = (&mut sup[..self.n], &mut dem[..self.n]);
        for (s, d) in sup.iter_mut().zip(dem.iter_mut()) {
            local_step(s, d);
        }
        if self.ends.is_empty() || !sup.iter().any(|x| *x > EPS) || !dem.iter().any(|x| *x > EPS) {
            return;
        }
        self.transfer_paths(sup, dem);
    }

    /// The path part of [`Net::transfer`].
    #[inline(never)]
    fn transfer_paths(&mut self, sup: &mut [f64], dem: &mut [f64]) {
        if self.star && self.transfer_star(sup, dem) {
            return;
        }
        for _ in 0..self.bound() {
            if !self.augment(sup, dem) {
                break;
            }
        }
    }

    /// At most this many augmentations per transfer: each saturates a
    /// supply, a demand or a line, so the loop ends; the bound guards
    /// against floating-point stalls.
    #[inline]
    fn bound(&self) -> usize {
        4 * (self.n + self.ends.len()) + 8
    }

    /// [`Net::transfer`]'s augmentation loop on a star network when every
    /// path is one line (see [`Net::augment_star`]): the scan resumes at
    /// the line of the previous push instead of restarting, which picks the
    /// same lines (a push changes only its own line, source and sink, so
    /// earlier lines stay ineligible). Returns false when the case does not
    /// apply and the general loop must run.
    fn transfer_star(&mut self, sup: &mut [f64], dem: &mut [f64]) -> bool {
        let zone_source = sup[0] > EPS;
        let grid_source = sup[1..].iter().any(|x| *x > EPS);
        let grid_sink = dem[1..].iter().any(|x| *x > EPS);
        if zone_source && !grid_source {
            self.zone_to_grids(&mut sup[0], dem);
            return true;
        }
        if grid_source && !zone_source && !grid_sink {
            let (zone_dem, _) = dem.split_first_mut().expect("a star has its zone");
            self.grids_to_zone(sup, zone_dem);
            return true;
        }
        false
    }

    /// Star network, the zone the only source (`zone_sup` MW) and grids the
    /// only sinks (`dem[grid node]`): push over the zone's lines in
    /// adjacency order. `dem[0]` is not touched.
    pub(super) fn zone_to_grids(&mut self, zone_sup: &mut f64, dem: &mut [f64]) {
        let bound = self.bound();
        let mut pushes = 0;
        let mut k = 0;
        while k < self.zone_lines.len() && pushes < bound {
            if *zone_sup <= EPS {
                break;
            }
            let (l, is_from, v) = self.zone_lines[k];
            let (res, g) = self.edge(l, is_from);
            if res > EPS && dem[v] > EPS {
                pushes += 1;
                if !self.push_edge(l, is_from, (res, g), zone_sup, &mut dem[v]) {
                    break;
                }
            } else {
                k += 1;
            }
        }
    }

    /// Star network, grids the only sources (`sup[grid node]`) and the zone
    /// the only sink (`zone_dem` MW): grids in index order, each over its
    /// lines in adjacency order. `sup[0]` is not touched.
    pub(super) fn grids_to_zone(&mut self, sup: &mut [f64], zone_dem: &mut f64) {
        let bound = self.bound();
        let mut pushes = 0;
        let mut g = 1;
        'grids: while g < self.n && pushes < bound {
            if *zone_dem <= EPS {
                break;
            }
            if sup[g] > EPS {
                for k in 0..self.adj[g].len() {
                    let (l, is_from) = self.adj[g][k];
                    let edge = self.edge(l, is_from);
                    if edge.0 > EPS {
                        pushes += 1;
                        if !self.push_edge(l, is_from, edge, &mut sup[g], zone_dem) {
                            break 'grids;
                        }
                        continue 'grids;
                    }
                }
            }
            g += 1;
        }
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
                    let (s, d) = (&mut sup[0], &mut dem[v]);
                    return Some(self.push_line(l, is_from, s, d));
                }
            }
            return Some(false);
        }
        if grid_source && !zone_source && !grid_sink {
            if !zone_sink {
                return Some(false);
            }
            for (g, s) in sup.iter_mut().enumerate().skip(1) {
                if *s <= EPS {
                    continue;
                }
                for k in 0..self.adj[g].len() {
                    let (l, is_from) = self.adj[g][k];
                    if self.residual(l, is_from) > EPS {
                        return Some(self.push_line(l, is_from, s, &mut dem[0]));
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

    /// [`Net::push_path`] for a one-line path from a node with supply
    /// `src` to a node with demand `dst`: the same arithmetic (a gain of
    /// 1 times the line's), so the same result to the last bit.
    #[inline]
    fn push_line(&mut self, l: usize, fwd: bool, src: &mut f64, dst: &mut f64) -> bool {
        let edge = self.edge(l, fwd);
        self.push_edge(l, fwd, edge, src, dst)
    }

    /// [`Net::push_line`] given the line's [`Net::edge`] (unchanged since
    /// it was read).
    #[inline(always)]
    fn push_edge(&mut self, l: usize, fwd: bool, (res, g): (f64, f64), src: &mut f64, dst: &mut f64) -> bool {
        let x = src.min(res).min(*dst / g);
        if x <= EPS {
            return false;
        }
        *src -= x;
        *dst -= x * g;
        self.send(l, fwd, x, g);
        true
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
            self.send(l, fwd, sent, g);
            sent *= g;
        }
        true
    }

    /// Send `sent` MW into line `l` from its `from` end (`fwd`) or its `to`
    /// end; `g` MW arrive per MW sent.
    #[inline]
    fn send(&mut self, l: usize, fwd: bool, sent: f64, g: f64) {
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
    }
}
