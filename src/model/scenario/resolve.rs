//! Resolve a parsed scenario into the validated [`Model`].
//!
//! Every check lives here, once: ranges, cross-references (zones, sites,
//! nodes), duplicate names, schedules, series lengths and the correlation
//! matrix. Problems are collected, not returned at the first one, so a user
//! fixes a file in one pass. Defaults are the Alxa values of
//! `shared/design/DOMAIN.md`, each cited where it is set (and listed with its
//! source in `reference`).

use super::raw::*;
use super::{PathProblem, Seg, Source};
use crate::base::calendar::{days_from_civil, days_in_month, is_leap};
use crate::base::suggest::suggest;
use crate::model::*;
use crate::physics::wind::{self, PowerCurve};
use nalgebra::DMatrix;
use std::collections::{BTreeMap, HashMap};

/// Variables of each weather site that take part in the correlation matrix.
pub const SITE_VARIABLES: [&str; 3] = ["wind", "cloud", "temperature"];

struct Ctx<'a> {
    problems: Vec<PathProblem>,
    year: i32,
    source: &'a Source,
    hours: usize,
    schedules: Vec<Vec<[f64; 2]>>,
}

/// Per-step outage options of an asset (alternatives to FOR + MTTR).
struct StepOutages<'a> {
    failure: Option<f64>,
    repair: Option<f64>,
    csv: Option<&'a str>,
}

type P = Vec<Seg>;

fn key(base: &[Seg], k: &str) -> P {
    let mut p = base.to_vec();
    p.push(Seg::Key(k.into()));
    p
}
fn idx(k: &str, i: usize) -> P {
    vec![Seg::Key(k.into()), Seg::Index(i)]
}

impl Ctx<'_> {
    fn bad(&mut self, path: P, problem: impl Into<String>, accepted: impl Into<String>) {
        self.problems.push(PathProblem { path, file: None, problem: problem.into(), accepted: accepted.into() });
    }

    /// A number within [lo, hi] (inclusive), with `default` when absent.
    #[allow(clippy::too_many_arguments)] // key, value, default and the accepted range read best inline
    fn num(&mut self, base: &[Seg], k: &str, v: Option<f64>, default: f64, lo: f64, hi: f64, unit: &str) -> f64 {
        let x = v.unwrap_or(default);
        self.check(key(base, k), x, lo, hi, unit)
    }

    fn check(&mut self, path: P, x: f64, lo: f64, hi: f64, unit: &str) -> f64 {
        if !x.is_finite() {
            self.bad(path, format!("{x} is not a finite number"), range_text(lo, hi, unit));
            return lo.max(0.0).min(hi);
        }
        if x < lo || x > hi {
            let mut problem = format!("{x} is out of range");
            // Only where x / 100 would be accepted (a fraction such as an
            // efficiency), not for, e.g., a correlation of 1.7.
            if hi <= 1.0 && lo >= 0.0 && x > 1.0 && x <= 100.0 {
                problem.push_str(&format!(" (a percentage? write {} for {x} %)", x / 100.0));
            } else if x < 0.0 && lo >= 0.0 {
                problem = format!("{x} is negative");
            }
            self.bad(path, problem, range_text(lo, hi, unit));
            return x.clamp(lo, hi);
        }
        x
    }

    /// Value of a schedule in the study year.
    fn sched(&mut self, base: &[Seg], k: &str, s: &Scheduled, lo: f64, hi: f64, unit: &str) -> f64 {
        let path = key(base, k);
        match s {
            Scheduled::Constant(x) => self.check(path, *x, lo, hi, unit),
            Scheduled::ByYear(map) => {
                let mut value = 0.0;
                for (year, x) in map {
                    let mut p = path.clone();
                    p.push(Seg::Key(year.clone()));
                    let Some(y) = year.trim().parse::<i32>().ok().filter(|y| (1900..=2200).contains(y)) else {
                        self.bad(
                            p,
                            format!("`{year}` is not a year from 1900 to 2200"),
                            "a year such as 2024 as the key, e.g. { 2024 = 1000 }",
                        );
                        continue;
                    };
                    let x = self.check(p, *x, lo, hi, unit);
                    if y <= self.year {
                        value = x;
                    }
                }
                value
            }
        }
    }

    /// Increments of a schedule by commissioning year, for vintage effects.
    fn vintages(s: &Scheduled, year: i32) -> Vec<(i32, f64)> {
        match s {
            Scheduled::Constant(x) => vec![(year, *x)],
            Scheduled::ByYear(map) => {
                let mut years: Vec<(i32, f64)> = map
                    .iter()
                    .filter_map(|(y, x)| {
                        y.trim().parse::<i32>().ok().filter(|y| (1900..=2200).contains(y)).map(|y| (y, *x))
                    })
                    .collect();
                years.sort_by_key(|(y, _)| *y);
                let mut prev = 0.0;
                let mut out = Vec::new();
                for (y, x) in years {
                    if y > year {
                        break;
                    }
                    if x > prev {
                        out.push((y, x - prev));
                    }
                    prev = x;
                }
                out
            }
        }
    }

    #[allow(clippy::too_many_arguments)] // as `num`
    fn array12(
        &mut self,
        base: &[Seg],
        k: &str,
        v: &Option<Vec<f64>>,
        default: [f64; 12],
        lo: f64,
        hi: f64,
        unit: &str,
    ) -> [f64; 12] {
        let Some(v) = v else { return default };
        if v.len() != 12 {
            self.bad(key(base, k), format!("has {} values", v.len()), "exactly 12 values, January to December");
            return default;
        }
        let mut out = [0.0; 12];
        for (i, x) in v.iter().enumerate() {
            let mut p = key(base, k);
            p.push(Seg::Index(i));
            out[i] = self.check(p, *x, lo, hi, unit);
        }
        out
    }

    fn outages(
        &mut self,
        base: &[Seg],
        units: u32,
        r#for: Option<f64>,
        mttr: Option<f64>,
        default_for: f64,
        default_mttr: f64,
    ) -> Outages {
        let f =
            self.num(base, "forced_outage_rate_pu", r#for, default_for, 0.0, 0.99, "fraction of time a unit is down");
        let m = self.num(base, "mttr_h", mttr, default_mttr, 1.0, 1.0e5, "hours");
        Outages::from_for_mttr(units, f, m)
    }

    /// Outage model from per-step probabilities (constant or an hourly CSV
    /// with columns failure_probability_per_h and repair_probability_per_h),
    /// or `None` when neither is given. Giving them together with
    /// `given_for` (FOR/MTTR keys present) is an error.
    fn step_outages(&mut self, base: &[Seg], units: u32, st: &StepOutages, given_for: bool) -> Option<Outages> {
        let any = st.failure.is_some() || st.repair.is_some() || st.csv.is_some();
        if !any {
            return None;
        }
        if given_for {
            self.bad(
                key(base, "failure_probability_per_h"),
                "per-step outage probabilities cannot be combined with forced_outage_rate_pu / mttr_h / outages_per_100km_year",
                "either FOR + MTTR, or failure_probability_per_h + repair_probability_per_h, or outage_csv",
            );
            return Some(Outages::none(units));
        }
        match (st.failure, st.repair, st.csv) {
            (Some(f), Some(r), None) => {
                let f = self.check(key(base, "failure_probability_per_h"), f, 0.0, 1.0, "probability per hour");
                let r = self.check(key(base, "repair_probability_per_h"), r, 0.0, 1.0, "probability per hour");
                if f > 0.0 && r <= 0.0 {
                    self.bad(
                        key(base, "repair_probability_per_h"),
                        "0 with failures possible: units would never come back",
                        "a probability > 0",
                    );
                }
                Some(Outages { units: units.max(1), p_fail: f, p_repair: r.max(1e-12), schedule: None })
            }
            (None, None, Some(file)) => {
                let cols = ["failure_probability_per_h", "repair_probability_per_h"];
                let mut series = Vec::new();
                for c in cols {
                    match read_series(self.source, file, c, self.hours, 1.0) {
                        Ok(v) => series.push(v),
                        Err(mut p) => {
                            p.path = key(base, "outage_csv");
                            self.problems.push(p);
                            return Some(Outages::none(units));
                        }
                    }
                }
                let sched: Vec<[f64; 2]> = series[0].iter().zip(&series[1]).map(|(f, r)| [*f, *r]).collect();
                let (f0, r0) = (sched.first().map_or(0.0, |x| x[0]), sched.first().map_or(1.0, |x| x[1]));
                self.schedules.push(sched);
                Some(Outages {
                    units: units.max(1),
                    p_fail: f0,
                    p_repair: r0.max(1e-12),
                    schedule: Some(self.schedules.len() - 1),
                })
            }
            _ => {
                self.bad(
                    key(base, if st.csv.is_some() { "outage_csv" } else { "failure_probability_per_h" }),
                    "incomplete or conflicting per-step outage keys",
                    "both failure_probability_per_h and repair_probability_per_h, or outage_csv alone",
                );
                Some(Outages::none(units))
            }
        }
    }

    /// A tabulated curve given as two arrays: both present, of equal length
    /// (2 to 100 points), x strictly increasing within its range, y within
    /// its range. `keys` are the (key, value) of the x and y arrays;
    /// ranges are (lo, hi, unit). `None` after reporting a problem.
    fn curve(
        &mut self,
        base: &[Seg],
        keys: [(&str, Option<Vec<f64>>); 2],
        x_range: (f64, f64, &str),
        y_range: (f64, f64, &str),
    ) -> Option<(Vec<f64>, Vec<f64>)> {
        let [(kx, x), (ky, y)] = keys;
        let (Some(x), Some(y)) = (x, y) else {
            self.bad(
                key(base, kx),
                format!("a curve needs both `{kx}` and `{ky}`"),
                format!("`{kx}` and `{ky}`: arrays of equal length"),
            );
            return None;
        };
        if x.len() != y.len() || !(2..=100).contains(&x.len()) {
            self.bad(
                key(base, ky),
                format!("{} values of `{kx}` and {} of `{ky}`", x.len(), y.len()),
                "arrays of equal length, 2 to 100 points",
            );
            return None;
        }
        let before = self.problems.len();
        for (k, v, (lo, hi, unit)) in [(kx, &x, x_range), (ky, &y, y_range)] {
            for (i, val) in v.iter().enumerate() {
                let mut p = key(base, k);
                p.push(Seg::Index(i));
                self.check(p, *val, lo, hi, unit);
            }
        }
        if let Some(i) = x.windows(2).position(|w| w[1] <= w[0]) {
            let mut p = key(base, kx);
            p.push(Seg::Index(i + 1));
            self.bad(p, format!("{} does not increase from {}", x[i + 1], x[i]), "strictly increasing values");
        }
        (self.problems.len() == before).then_some((x, y))
    }

    /// A unit count for outage modelling: at most 100,000 units per group
    /// (the samplers keep tables of that size).
    /// `given`: the user set the unit size or count (an error past the cap);
    /// a default unit size is silently capped (a bigger fleet is then
    /// modelled as 100,000 equal blocks).
    fn unit_count(&mut self, base: &[Seg], k: &str, n: f64, given: bool) -> u32 {
        const MAX_UNITS: f64 = 100_000.0;
        if n > MAX_UNITS && !given {
            return MAX_UNITS as u32;
        }
        if n > MAX_UNITS {
            self.bad(
                key(base, k),
                format!("gives {} units", n.round()),
                "at most 100,000 units per group: use larger units (unit_mw, inverter_block_mwac) or fewer units",
            );
            return MAX_UNITS as u32;
        }
        (n.round() as u32).max(1)
    }

    /// An hourly capacity series from a CSV column, when given.
    fn capacity_series(&mut self, base: &[Seg], file: Option<&str>, column: Option<&str>) -> Option<Vec<f64>> {
        let file = file?;
        match read_series(self.source, file, column.unwrap_or("mw"), self.hours, 1.0e6) {
            Ok(v) => Some(v),
            Err(mut p) => {
                p.path = key(base, "capacity_csv");
                self.problems.push(p);
                None
            }
        }
    }
}

fn range_text(lo: f64, hi: f64, unit: &str) -> String {
    if hi == f64::INFINITY || hi >= 1e15 {
        format!("a finite number ≥ {lo} ({unit})")
    } else {
        format!("{lo} to {hi} ({unit})")
    }
}

/// Resolve `raw` (parsed from `source`) into a [`Model`], or every problem.
pub fn resolve(raw: &RawScenario, source: &Source) -> Result<Model, Vec<PathProblem>> {
    let year = raw.scenario.study_year;
    let mut cx = Ctx { problems: Vec::new(), year, source, hours: 0, schedules: Vec::new() };
    let meta = vec![Seg::Key("scenario".into())];
    if !(1900..=2200).contains(&year) {
        cx.bad(key(&meta, "study_year"), format!("{year} is out of range"), "a year from 1900 to 2200");
    }
    if raw.scenario.name.trim().is_empty() {
        cx.bad(key(&meta, "name"), "is empty", "a non-empty name");
    }

    // ---- names: unique across each kind, and assets unique across kinds
    // (random streams are keyed by asset name, so a name must mean one thing).
    let mut seen: HashMap<String, P> = HashMap::new();
    let mut name_ok = |cx: &mut Ctx, kind: &str, i: usize, name: &str| {
        let p = key(&idx(kind, i), "name");
        if name.trim().is_empty() {
            cx.bad(p.clone(), "is empty", "a non-empty name");
        }
        if let Some(prev) = seen.get(name) {
            cx.bad(
                p.clone(),
                format!("duplicate name `{name}` (also at {})", super::path_string(prev)),
                "names unique across zones, external grids and assets",
            );
        } else {
            seen.insert(name.to_string(), p);
        }
    };
    for (i, z) in raw.zone.iter().enumerate() {
        name_ok(&mut cx, "zone", i, &z.name);
    }
    for (i, z) in raw.external_grid.iter().enumerate() {
        name_ok(&mut cx, "external_grid", i, &z.name);
    }
    for (kind, names) in [
        ("wind_fleet", raw.wind_fleet.iter().map(|x| x.name.as_str()).collect::<Vec<_>>()),
        ("solar_fleet", raw.solar_fleet.iter().map(|x| x.name.as_str()).collect()),
        ("generator", raw.generator.iter().map(|x| x.name.as_str()).collect()),
        ("storage", raw.storage.iter().map(|x| x.name.as_str()).collect()),
        ("electrolyser", raw.electrolyser.iter().map(|x| x.name.as_str()).collect()),
        ("load", raw.load.iter().map(|x| x.name.as_str()).collect()),
        ("line", raw.line.iter().map(|x| x.name.as_str()).collect()),
    ] {
        for (i, n) in names.iter().enumerate() {
            name_ok(&mut cx, kind, i, n);
        }
    }

    // Sites have their own namespace (a site may share its zone's name).
    let mut site_seen: HashMap<&str, usize> = HashMap::new();
    for (i, s) in raw.site.iter().enumerate() {
        if let Some(j) = site_seen.insert(s.name.as_str(), i) {
            cx.bad(
                key(&idx("site", i), "name"),
                format!("duplicate site name `{}` (also at site[{j}])", s.name),
                "unique site names",
            );
        }
    }
    if raw.zone.is_empty() {
        cx.bad(
            vec![Seg::Key("zone".into())],
            "no zone is defined",
            "at least one [[zone]] with name, latitude_deg, longitude_deg, utc_offset_h",
        );
    }

    // ---- zones
    let zones: Vec<Zone> = raw
        .zone
        .iter()
        .enumerate()
        .map(|(i, z)| {
            let b = idx("zone", i);
            Zone {
                name: z.name.clone(),
                latitude_deg: cx.num(&b, "latitude_deg", Some(z.latitude_deg), 0.0, -90.0, 90.0, "degrees north"),
                longitude_deg: cx.num(&b, "longitude_deg", Some(z.longitude_deg), 0.0, -180.0, 180.0, "degrees east"),
                elevation_m: cx.num(&b, "elevation_m", Some(z.elevation_m), 0.0, -500.0, 9000.0, "m above sea level"),
                utc_offset_h: cx.num(&b, "utc_offset_h", Some(z.utc_offset_h), 0.0, -12.0, 14.0, "hours"),
            }
        })
        .collect();
    let zone_names: Vec<&str> = zones.iter().map(|z| z.name.as_str()).collect();

    let external_grids: Vec<ExternalGrid> = raw
        .external_grid
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let b = idx("external_grid", i);
            let inf = Scheduled::Constant(1.0e9);
            let zero = Scheduled::Constant(0.0);
            ExternalGrid {
                name: g.name.clone(),
                max_export_mw: cx.sched(
                    &b,
                    "max_export_mw",
                    g.max_export_mw.as_ref().unwrap_or(&inf),
                    0.0,
                    f64::INFINITY,
                    "MW",
                ),
                max_import_mw: cx.sched(
                    &b,
                    "max_import_mw",
                    g.max_import_mw.as_ref().unwrap_or(&zero),
                    0.0,
                    f64::INFINITY,
                    "MW",
                ),
                // Set from the economics' tariffs below when not given.
                export_price_cny_per_mwh: f64::NAN,
                import_price_cny_per_mwh: f64::NAN,
            }
        })
        .collect();
    let node_names: Vec<&str> =
        zone_names.iter().copied().chain(external_grids.iter().map(|g| g.name.as_str())).collect();

    // ---- calendar
    let utc_offset = zones.first().map_or(0.0, |z| z.utc_offset_h);
    let days = if is_leap(year) { 366 } else { 365 };
    let hours = match raw.scenario.horizon_h {
        Some(h) if h == 0 || h > 24 * 366 * 50 => {
            cx.bad(key(&meta, "horizon_h"), format!("{h} hours"), "1 to 438000 hours (50 years)");
            24 * days
        }
        Some(h) => h as usize,
        None => 24 * days,
    };
    // An out-of-range year was reported above; keep the arithmetic in range.
    let calendar = make_calendar(year.clamp(1900, 2200), utc_offset, hours);
    cx.hours = hours;

    // ---- sites
    let mut sites: Vec<Site> = raw.site.iter().enumerate().map(|(i, s)| resolve_site(&mut cx, i, s)).collect();
    for (i, (site, r)) in sites.iter_mut().zip(&raw.site).enumerate() {
        // Irradiance is needed where a solar fleet uses the site.
        let needs_ghi = raw.solar_fleet.iter().any(|f| f.site == r.name);
        site.data = site_data(&mut cx, i, r, source, utc_offset, needs_ghi);
        if let Some(d) = &site.data {
            // Wind speeds of the data are at the data's height.
            site.wind_height_m = d.series.wind_height_m;
            // Air density (wind power) uses the monthly normals: take them
            // from the data unless the scenario sets them (the defaults are
            // Alxa's, ±2 % of wind energy elsewhere; docs/validation.md).
            if r.temperature_monthly_c.is_none()
                && let Some(normals) = monthly_mean_temperatures(&d.series, utc_offset)
            {
                site.temperature_monthly_c = normals;
            }
        }
    }
    let site_names: Vec<&str> = sites.iter().map(|s| s.name.as_str()).collect();

    // ---- correlation of hourly innovations
    let mut correlation_names = Vec::new();
    for s in &sites {
        for v in SITE_VARIABLES {
            correlation_names.push(format!("{}.{}", s.name, v));
        }
    }
    let n = correlation_names.len();
    let mut corr = DMatrix::<f64>::identity(n, n);
    let mut corr_ok = true;
    let mut pairs: Vec<(usize, usize, usize)> = Vec::new();
    for (i, c) in raw.correlation.iter().enumerate() {
        let b = idx("correlation", i);
        let find = |cx: &mut Ctx, k: &str, name: &str| -> Option<usize> {
            let pos = correlation_names.iter().position(|x| x == name);
            if pos.is_none() {
                cx.bad(
                    key(&b, k),
                    format!("unknown variable `{name}`{}", suggest(name, &correlation_names)),
                    format!(
                        "`site.variable` with variable one of wind, cloud, temperature; defined: {}",
                        correlation_names.join(", ")
                    ),
                );
            }
            pos
        };
        let a = find(&mut cx, "a", &c.a);
        let bb = find(&mut cx, "b", &c.b);
        let rho = cx.num(&b, "rho", Some(c.rho), 0.0, -1.0, 1.0, "correlation coefficient");
        match (a, bb) {
            (Some(a), Some(bb)) if a == bb => {
                cx.bad(
                    key(&b, "b"),
                    "a variable's correlation with itself is 1 by definition",
                    "two different variables",
                );
                corr_ok = false;
            }
            (Some(a), Some(bb)) => {
                if let Some(&(_, _, j)) = pairs.iter().find(|p| (p.0, p.1) == (a.min(bb), a.max(bb))) {
                    cx.bad(
                        key(&b, "b"),
                        format!("the pair {} and {} is already given in correlation[{j}]", c.a, c.b),
                        "each pair of variables once",
                    );
                    corr_ok = false;
                }
                pairs.push((a.min(bb), a.max(bb), i));
                corr[(a, bb)] = rho;
                corr[(bb, a)] = rho;
            }
            _ => corr_ok = false,
        }
    }
    let correlation_cholesky = match nalgebra::Cholesky::new(corr.clone()) {
        Some(ch) => ch.l(),
        None => {
            if corr_ok && n > 0 {
                let eig = corr.clone().symmetric_eigenvalues();
                let min = eig.iter().cloned().fold(f64::INFINITY, f64::min);
                cx.bad(vec![Seg::Key("correlation".into())], format!("the correlation matrix is not positive definite (smallest eigenvalue {min:.4})"), "pairwise correlations that a joint distribution can have: lower the magnitudes so that, e.g., a-b, b-c and a-c agree");
            }
            DMatrix::identity(n, n)
        }
    };

    // ---- fleets and assets
    let zone_ref = |cx: &mut Ctx, base: &[Seg], name: &str| -> usize {
        match zone_names.iter().position(|z| *z == name) {
            Some(i) => i,
            None => {
                cx.bad(
                    key(base, "zone"),
                    format!("unknown zone `{name}`{}", suggest(name, &zone_names)),
                    format!("one of the [[zone]] names: {}", zone_names.join(", ")),
                );
                0
            }
        }
    };
    let site_ref = |cx: &mut Ctx, base: &[Seg], name: &str| -> usize {
        match site_names.iter().position(|z| *z == name) {
            Some(i) => i,
            None => {
                cx.bad(
                    key(base, "site"),
                    format!("unknown site `{name}`{}", suggest(name, &site_names)),
                    format!("one of the [[site]] names: {}", site_names.join(", ")),
                );
                0
            }
        }
    };

    let mut wind_fleets = Vec::new();
    for (i, w) in raw.wind_fleet.iter().enumerate() {
        let b = idx("wind_fleet", i);
        let zone = zone_ref(&mut cx, &b, &w.zone);
        let site = site_ref(&mut cx, &b, &w.site);
        let capacity_mw = cx.sched(&b, "capacity_mw", &w.capacity_mw, 0.0, 1.0e6, "MW");
        let unit_mw = cx.num(&b, "unit_mw", w.unit_mw, 6.25, 0.01, 30.0, "MW per turbine");
        let hub_height_m = cx.num(&b, "hub_height_m", w.hub_height_m, 110.0, 10.0, 300.0, "m");
        let area_km2 = cx.num(&b, "area_km2", w.area_km2, 0.0, 0.0, 1.0e5, "km²");
        let losses_pu = cx.num(&b, "losses_pu", w.losses_pu, 0.10, 0.0, 0.9, "fraction");
        let units = cx.unit_count(&b, "unit_mw", capacity_mw / unit_mw, w.unit_mw.is_some());
        let outages = cx.outages(&b, units, w.forced_outage_rate_pu, w.mttr_h, 0.03, 60.0);
        let (curve, turbine) = match (&w.turbine, &w.power_curve_m_s, &w.power_curve_pu) {
            // One point is no curve (the fleet would make nothing).
            (None, Some(v), Some(_)) if v.len() < 2 => {
                cx.bad(
                    key(&b, "power_curve_m_s"),
                    format!("{} point(s): a power curve needs at least 2", v.len()),
                    "2 or more ascending speeds (m/s), e.g. from cut-in to rated speed, with as many powers",
                );
                (PowerCurve::generic("generic-6mw-class").expect("bundled curve"), "custom".into())
            }
            (None, Some(v), Some(p)) => match PowerCurve::new(v.clone(), p.clone()) {
                Ok(c) => (c, "custom".to_string()),
                Err(e) => {
                    cx.bad(
                        key(&b, "power_curve_pu"),
                        e.to_string(),
                        "ascending speeds (m/s) and per-unit powers in [0, 1] of equal length",
                    );
                    (PowerCurve::generic("generic-6mw-class").expect("bundled curve"), "custom".into())
                }
            },
            (Some(t), None, None) => match PowerCurve::generic(t) {
                Some(c) => (c, t.clone()),
                None => {
                    cx.bad(
                        key(&b, "turbine"),
                        format!("unknown turbine `{t}`{}", suggest(t, wind::PowerCurve::GENERIC_NAMES)),
                        wind::PowerCurve::GENERIC_NAMES.join(", "),
                    );
                    (PowerCurve::generic("generic-6mw-class").expect("bundled curve"), t.clone())
                }
            },
            (None, None, None) => {
                (PowerCurve::generic("generic-6mw-class").expect("bundled curve"), "generic-6mw-class".into())
            }
            _ => {
                cx.bad(
                    key(&b, "turbine"),
                    "give either `turbine` or both `power_curve_m_s` and `power_curve_pu`",
                    "one turbine name, or a tabulated curve",
                );
                (PowerCurve::generic("generic-6mw-class").expect("bundled curve"), "custom".into())
            }
        };
        wind_fleets.push(WindFleet {
            name: w.name.clone(),
            zone,
            site,
            capacity_mw,
            turbine,
            hub_height_m,
            area_km2,
            losses_pu,
            outages,
            curve,
        });
    }

    let mut solar_fleets = Vec::new();
    for (i, s) in raw.solar_fleet.iter().enumerate() {
        let b = idx("solar_fleet", i);
        let zone = zone_ref(&mut cx, &b, &s.zone);
        let site = site_ref(&mut cx, &b, &s.site);
        let capacity_mwdc = cx.sched(&b, "capacity_mwdc", &s.capacity_mwdc, 0.0, 1.0e6, "MWdc");
        let ratio = cx.num(&b, "dc_ac_ratio", s.dc_ac_ratio, 1.25, 0.5, 3.0, "MWdc per MWac");
        let mounting = match s.mounting.as_deref().unwrap_or("fixed") {
            "fixed" => Mounting::Fixed,
            "single-axis" => Mounting::SingleAxis,
            other => {
                cx.bad(key(&b, "mounting"), format!("unknown mounting `{other}`"), "fixed, single-axis");
                Mounting::Fixed
            }
        };
        let lat = site_names.iter().position(|n| *n == s.site).map_or(35.0, |i| sites[i].latitude_deg);
        let inverter_block = cx.num(&b, "inverter_block_mwac", s.inverter_block_mwac, 3.125, 0.001, 1000.0, "MWac");
        let capacity_mwac = capacity_mwdc / ratio;
        let units =
            cx.unit_count(&b, "inverter_block_mwac", capacity_mwac / inverter_block, s.inverter_block_mwac.is_some());
        let d1 = cx.num(&b, "degradation_first_year_pu", s.degradation_first_year_pu, 0.01, 0.0, 0.5, "fraction");
        let dy = cx.num(&b, "degradation_per_year_pu", s.degradation_per_year_pu, 0.004, 0.0, 0.2, "fraction per year");
        // Capacity-weighted ageing of each tranche: a tranche in service from
        // year Y has lost (1−d1)(1−dy)^(study_year−Y) (DOMAIN.md: 1 % first
        // year, then 0.4 %/yr).
        let vint = Ctx::vintages(&s.capacity_mwdc, year);
        let total: f64 = vint.iter().map(|(_, x)| x).sum();
        let degradation_factor_pu = if total > 0.0 {
            vint.iter().map(|(y, x)| x * (1.0 - d1) * (1.0 - dy).powi((year - y).max(0))).sum::<f64>() / total
        } else {
            1.0
        };
        let hay_davies = match s.sky_model.as_deref().unwrap_or("hay-davies") {
            "hay-davies" => true,
            "isotropic" => false,
            other => {
                cx.bad(key(&b, "sky_model"), format!("unknown sky model `{other}`"), "hay-davies, isotropic");
                true
            }
        };
        let cell_temperature = resolve_cell_temperature(&mut cx, &b, s);
        let iam = resolve_iam(&mut cx, &b, s);
        let (inverter, inverter_efficiency_pu) = resolve_inverter(&mut cx, &b, s);
        solar_fleets.push(SolarFleet {
            name: s.name.clone(),
            zone,
            site,
            capacity_mwdc,
            capacity_mwac,
            mounting,
            hay_davies,
            tilt_deg: cx.num(
                &b,
                "tilt_deg",
                s.tilt_deg,
                if mounting == Mounting::Fixed { 35.0_f64.min(lat.abs()) } else { 0.0 },
                0.0,
                90.0,
                "degrees from horizontal",
            ),
            azimuth_deg: cx.num(
                &b,
                "azimuth_deg",
                s.azimuth_deg,
                if lat >= 0.0 { 180.0 } else { 0.0 },
                0.0,
                360.0,
                "degrees from north, clockwise (180 = south)",
            ),
            tracker_max_angle_deg: cx.num(
                &b,
                "tracker_max_angle_deg",
                s.tracker_max_angle_deg,
                60.0,
                0.0,
                90.0,
                "degrees",
            ),
            ground_coverage_ratio_pu: cx.num(
                &b,
                "ground_coverage_ratio_pu",
                s.ground_coverage_ratio_pu,
                0.35,
                0.01,
                0.99,
                "fraction",
            ),
            temperature_coefficient_per_c: cx.num(
                &b,
                "temperature_coefficient_per_c",
                s.temperature_coefficient_per_c,
                -0.0030,
                -0.01,
                0.0,
                "fraction per °C",
            ),
            cell_temperature,
            iam,
            noct_c: cx.num(&b, "noct_c", s.noct_c, 45.0, 30.0, 60.0, "°C"),
            losses_pu: cx.num(&b, "losses_pu", s.losses_pu, 0.09, 0.0, 0.9, "fraction"),
            inverter_efficiency_pu,
            inverter,
            soiling_rate_pu_per_day: cx.num(
                &b,
                "soiling_rate_pu_per_day",
                s.soiling_rate_pu_per_day,
                0.0015,
                0.0,
                0.05,
                "fraction per day",
            ),
            cleaning_interval_days: match s.cleaning_interval_days {
                Some(0) => {
                    cx.bad(key(&b, "cleaning_interval_days"), "0 days", "1 to 3650 days");
                    45
                }
                Some(d) => d,
                None => 45,
            },
            dust_soiling_pu: cx.num(
                &b,
                "dust_soiling_pu",
                s.dust_soiling_pu,
                0.10,
                0.0,
                0.9,
                "fraction lost after a dust day until the next cleaning",
            ),
            degradation_factor_pu,
            outages: cx.outages(&b, units, s.forced_outage_rate_pu, s.mttr_h, 0.01, 48.0),
        });
    }

    let mut generators = Vec::new();
    for (i, g) in raw.generator.iter().enumerate() {
        let b = idx("generator", i);
        let zone = zone_ref(&mut cx, &b, &g.zone);
        let capacity_mw = cx.sched(&b, "capacity_mw", &g.capacity_mw, 0.0, 1.0e6, "MW");
        let units = cx.unit_count(&b, "units", g.units.unwrap_or(1) as f64, true);
        if g.units == Some(0) {
            cx.bad(key(&b, "units"), "0 units", "1 or more");
        }
        generators.push(Generator {
            name: g.name.clone(),
            zone,
            capacity_mw,
            capacity_series_mw: cx.capacity_series(&b, g.capacity_csv.as_deref(), g.capacity_csv_column.as_deref()),
            outages: {
                let st = StepOutages {
                    failure: g.failure_probability_per_h,
                    repair: g.repair_probability_per_h,
                    csv: g.outage_csv.as_deref(),
                };
                let given = g.forced_outage_rate_pu.is_some() || g.mttr_h.is_some();
                match cx.step_outages(&b, units.max(1), &st, given) {
                    Some(o) => o,
                    None => cx.outages(&b, units.max(1), g.forced_outage_rate_pu, g.mttr_h, 0.05, 50.0),
                }
            },
            variable_cost_cny_per_mwh: cx.num(
                &b,
                "variable_cost_cny_per_mwh",
                g.variable_cost_cny_per_mwh,
                300.0,
                0.0,
                1.0e6,
                "CNY/MWh",
            ),
            co2_t_per_mwh: cx.num(&b, "co2_t_per_mwh", g.co2_t_per_mwh, 0.82, 0.0, 2.0, "t CO2 per MWh"),
        });
    }
    // Merit order within a zone: cheapest first (stable on ties: file order).
    generators.sort_by(|a, b| a.variable_cost_cny_per_mwh.total_cmp(&b.variable_cost_cny_per_mwh));

    let mut storage = Vec::new();
    for (i, s) in raw.storage.iter().enumerate() {
        let b = idx("storage", i);
        let zone = zone_ref(&mut cx, &b, &s.zone);
        let charge_mw = cx.sched(&b, "charge_mw", &s.charge_mw, 0.0, 1.0e6, "MW");
        let discharge_mw = match &s.discharge_mw {
            Some(d) => cx.sched(&b, "discharge_mw", d, 0.0, 1.0e6, "MW"),
            None => charge_mw,
        };
        let energy_mwh = cx.sched(&b, "energy_mwh", &s.energy_mwh, 0.0, 1.0e8, "MWh");
        let rte = cx.num(&b, "round_trip_efficiency_pu", s.round_trip_efficiency_pu, 0.85, 0.01, 1.0, "fraction");
        let soc_min_pu = cx.num(&b, "soc_min_pu", s.soc_min_pu, 0.05, 0.0, 1.0, "fraction of energy_mwh");
        let soc_max_pu = cx.num(&b, "soc_max_pu", s.soc_max_pu, 0.95, 0.0, 1.0, "fraction of energy_mwh");
        if soc_min_pu >= soc_max_pu {
            cx.bad(
                key(&b, "soc_min_pu"),
                format!("soc_min_pu {soc_min_pu} is not below soc_max_pu {soc_max_pu}"),
                "soc_min_pu < soc_max_pu",
            );
        }
        let initial_soc_pu = cx.num(&b, "initial_soc_pu", s.initial_soc_pu, 0.5, 0.0, 1.0, "fraction of energy_mwh");
        let units = cx.unit_count(&b, "units", s.units.unwrap_or(1) as f64, true);
        if s.units == Some(0) {
            cx.bad(key(&b, "units"), "0 units", "1 or more");
        }
        storage.push(Storage {
            name: s.name.clone(),
            zone,
            technology: s.technology.clone().unwrap_or_else(|| "battery".into()),
            charge_mw,
            discharge_mw,
            energy_mwh,
            // Round-trip losses split evenly between charging and discharging.
            charge_efficiency_pu: rte.sqrt(),
            discharge_efficiency_pu: rte.sqrt(),
            soc_min_pu,
            soc_max_pu,
            // max/min, not clamp: soc_min ≥ soc_max is reported above, not a panic.
            initial_soc_pu: initial_soc_pu.max(soc_min_pu).min(soc_max_pu),
            self_discharge_pu_per_h: cx.num(
                &b,
                "self_discharge_pu_per_h",
                s.self_discharge_pu_per_h,
                0.0,
                0.0,
                0.5,
                "fraction of stored energy per hour",
            ),
            outages: {
                let st = StepOutages {
                    failure: s.failure_probability_per_h,
                    repair: s.repair_probability_per_h,
                    csv: s.outage_csv.as_deref(),
                };
                let given = s.forced_outage_rate_pu.is_some() || s.mttr_h.is_some();
                match cx.step_outages(&b, units.max(1), &st, given) {
                    Some(o) => o,
                    None => cx.outages(&b, units.max(1), s.forced_outage_rate_pu, s.mttr_h, 0.02, 24.0),
                }
            },
        });
    }

    let mut electrolysers = Vec::new();
    for (i, e) in raw.electrolyser.iter().enumerate() {
        let b = idx("electrolyser", i);
        let zone = zone_ref(&mut cx, &b, &e.zone);
        let capacity_mw = cx.sched(&b, "capacity_mw", &e.capacity_mw, 0.0, 1.0e6, "MW");
        // Default stack size 5 MW (a 1,000 Nm³/h alkaline stack; assumption).
        let units =
            cx.unit_count(&b, "units", e.units.map_or((capacity_mw / 5.0).max(1.0), f64::from), e.units.is_some());
        if e.units == Some(0) {
            cx.bad(key(&b, "units"), "0 units", "1 or more");
        }
        let zero = Scheduled::Constant(0.0);
        let (consumption_kwh_per_kg, consumption_curve) = resolve_consumption(&mut cx, &b, e);
        electrolysers.push(Electrolyser {
            name: e.name.clone(),
            zone,
            capacity_mw,
            min_load_pu: cx.num(&b, "min_load_pu", e.min_load_pu, 0.25, 0.0, 1.0, "fraction of available capacity"),
            consumption_kwh_per_kg,
            consumption_curve,
            store_kg: cx.sched(&b, "store_kg", e.store_kg.as_ref().unwrap_or(&zero), 0.0, 1.0e12, "kg"),
            initial_store_pu: cx.num(&b, "initial_store_pu", e.initial_store_pu, 0.5, 0.0, 1.0, "fraction of store_kg"),
            offtake_kg_per_h: cx.sched(
                &b,
                "offtake_kg_per_h",
                e.offtake_kg_per_h.as_ref().unwrap_or(&zero),
                0.0,
                1.0e9,
                "kg/h",
            ),
            outages: {
                let st = StepOutages {
                    failure: e.failure_probability_per_h,
                    repair: e.repair_probability_per_h,
                    csv: e.outage_csv.as_deref(),
                };
                let given = e.forced_outage_rate_pu.is_some() || e.mttr_h.is_some();
                match cx.step_outages(&b, units.max(1), &st, given) {
                    Some(o) => o,
                    None => cx.outages(&b, units.max(1), e.forced_outage_rate_pu, e.mttr_h, 0.03, 72.0),
                }
            },
        });
    }

    let mut loads = Vec::new();
    for (i, l) in raw.load.iter().enumerate() {
        let b = idx("load", i);
        let zone = zone_ref(&mut cx, &b, &l.zone);
        let mw = match (&l.mw, &l.csv) {
            (Some(mw), None) => {
                let base = cx.sched(&b, "mw", mw, 0.0, 1.0e6, "MW");
                let monthly = cx.array12(&b, "monthly_factor", &l.monthly_factor, [1.0; 12], 0.0, 10.0, "multiplier");
                let hourly = match &l.hourly_factor {
                    None => [1.0; 24],
                    Some(v) if v.len() != 24 => {
                        cx.bad(
                            key(&b, "hourly_factor"),
                            format!("has {} values", v.len()),
                            "exactly 24 values, hour 0 to 23",
                        );
                        [1.0; 24]
                    }
                    Some(v) => {
                        let mut out = [1.0; 24];
                        for (h, x) in v.iter().enumerate() {
                            let mut p = key(&b, "hourly_factor");
                            p.push(Seg::Index(h));
                            out[h] = cx.check(p, *x, 0.0, 10.0, "multiplier");
                        }
                        out
                    }
                };
                (0..hours)
                    .map(|t| base * monthly[calendar.month[t] as usize] * hourly[calendar.hour_of_day[t] as usize])
                    .collect()
            }
            (None, Some(file)) => {
                if l.monthly_factor.is_some() || l.hourly_factor.is_some() {
                    cx.bad(
                        key(&b, "csv"),
                        "factors cannot be combined with a CSV series",
                        "either `mw` (with optional factors) or `csv`",
                    );
                }
                let column = l.csv_column.clone().unwrap_or_else(|| "mw".into());
                match read_series(source, file, &column, hours, 1.0e6) {
                    Ok(v) => v,
                    Err(mut p) => {
                        p.path = key(&b, "csv");
                        cx.problems.push(p);
                        vec![0.0; hours]
                    }
                }
            }
            _ => {
                cx.bad(
                    key(&b, "mw"),
                    "give exactly one of `mw` or `csv`",
                    "`mw = 80` (MW, optionally with monthly_factor / hourly_factor) or `csv = \"load.csv\"`",
                );
                vec![0.0; hours]
            }
        };
        let mean_mw = mw.iter().sum::<f64>() / hours.max(1) as f64;
        loads.push(Load { name: l.name.clone(), zone, firm: l.firm.unwrap_or(true), mw, mean_mw });
    }

    let mut lines = Vec::new();
    // Rating, length, technology and own unit costs of each line in
    // service, for economics.
    let mut line_costs: Vec<LineCostInput> = Vec::new();
    for (i, l) in raw.line.iter().enumerate() {
        let b = idx("line", i);
        let node = |cx: &mut Ctx, k: &str, name: &str| -> usize {
            match node_names.iter().position(|z| *z == name) {
                Some(i) => i,
                None => {
                    cx.bad(
                        key(&b, k),
                        format!("unknown zone or external grid `{name}`{}", suggest(name, &node_names)),
                        format!("one of: {}", node_names.join(", ")),
                    );
                    0
                }
            }
        };
        let from = node(&mut cx, "from", &l.from);
        let to = node(&mut cx, "to", &l.to);
        if l.from == l.to {
            cx.bad(key(&b, "to"), format!("line from `{}` to itself", l.from), "two different zones or grids");
        }
        if from >= zones.len() && to >= zones.len() && !zones.is_empty() {
            cx.bad(key(&b, "from"), "both ends are external grids", "at least one end in a study zone");
        }
        let circuits_f = cx.sched(&b, "circuits", &l.circuits, 0.0, 100.0, "number of circuits");
        if circuits_f.fract() != 0.0 {
            cx.bad(key(&b, "circuits"), format!("{circuits_f} is not a whole number"), "0, 1, 2, ...");
        }
        let circuits = circuits_f as u32;
        let circuit_mw = cx.num(&b, "circuit_mw", Some(l.circuit_mw), 0.0, 0.0, 1.0e6, "MW per circuit");
        let capacity_by_circuits_up_mw = match &l.capacity_by_circuits_up_mw {
            None => (0..=circuits).map(|k| k as f64 * circuit_mw).collect(),
            Some(v) => {
                // One value per number of circuits up, for the most circuits
                // the schedule ever has; the study year uses the first
                // `circuits + 1`.
                if v.len() < circuits as usize + 1 {
                    cx.bad(
                        key(&b, "capacity_by_circuits_up_mw"),
                        format!("has {} values for {circuits} circuits in {year}", v.len()),
                        format!(
                            "at least {} values: the transfer limit with 0, 1, ... {circuits} circuits up",
                            circuits + 1
                        ),
                    );
                    (0..=circuits).map(|k| k as f64 * circuit_mw).collect()
                } else {
                    for (k, x) in v.iter().enumerate() {
                        let mut p = key(&b, "capacity_by_circuits_up_mw");
                        p.push(Seg::Index(k));
                        cx.check(p, *x, 0.0, 1.0e6, "MW");
                    }
                    if v.windows(2).any(|w| w[1] < w[0]) {
                        cx.bad(
                            key(&b, "capacity_by_circuits_up_mw"),
                            "decreases as circuits come back",
                            "non-decreasing values",
                        );
                    }
                    v[..=circuits as usize].to_vec()
                }
            }
        };
        let length_km = cx.num(&b, "length_km", l.length_km, 100.0, 0.0, 1.0e4, "km");
        let hvdc = match l.technology.as_deref() {
            None | Some("ac") => false,
            Some("hvdc") => true,
            Some(other) => {
                cx.bad(key(&b, "technology"), format!("unknown line technology `{other}`"), "\"ac\" or \"hvdc\"");
                false
            }
        };
        let per_mw_km = l
            .capex_cny_per_mw_km
            .map(|c| cx.check(key(&b, "capex_cny_per_mw_km"), c, 0.0, 1.0e7, "CNY per MW of rating per km"));
        let converter_per_kw = l
            .converter_capex_cny_per_kw
            .map(|c| cx.check(key(&b, "converter_capex_cny_per_kw"), c, 0.0, 1.0e6, "CNY per kW of rating"));
        if converter_per_kw.is_some() && !hvdc {
            cx.bad(
                key(&b, "converter_capex_cny_per_kw"),
                "converter stations are costed only on an HVDC line",
                "technology = \"hvdc\" on this line, or no converter_capex_cny_per_kw",
            );
        }
        if circuits > 0 {
            line_costs.push(LineCostInput {
                name: l.name.clone(),
                hvdc,
                rating_mw: capacity_by_circuits_up_mw.last().copied().unwrap_or(0.0),
                length_km,
                per_mw_km,
                converter_per_kw,
            });
        }
        let mttr = cx.num(&b, "mttr_h", l.mttr_h, 12.0, 1.0, 1.0e5, "hours");
        let st = StepOutages {
            failure: l.failure_probability_per_h,
            repair: l.repair_probability_per_h,
            csv: l.outage_csv.as_deref(),
        };
        let given = l.forced_outage_rate_pu.is_some() || l.mttr_h.is_some() || l.outages_per_100km_year.is_some();
        let step = cx.step_outages(&b, circuits.max(1), &st, given);
        let outages = match (l.forced_outage_rate_pu, l.outages_per_100km_year) {
            _ if step.is_some() => step.unwrap_or(Outages::none(circuits)),
            (Some(_), Some(_)) => {
                cx.bad(
                    key(&b, "outages_per_100km_year"),
                    "give either forced_outage_rate_pu or outages_per_100km_year",
                    "one of the two",
                );
                Outages::none(circuits)
            }
            (Some(f), None) => {
                let f = cx.check(key(&b, "forced_outage_rate_pu"), f, 0.0, 0.99, "fraction of time a circuit is down");
                Outages::from_for_mttr(circuits.max(1), f, mttr)
            }
            (None, rate) => {
                // Sustained outages per 100 km-year (DOMAIN.md: 0.1–0.3; 0.2
                // assumed), each lasting MTTR hours on average.
                let r = cx.num(&b, "outages_per_100km_year", rate, 0.2, 0.0, 1000.0, "outages per 100 km per year");
                let per_hour = r * length_km / 100.0 / 8760.0;
                Outages {
                    units: circuits.max(1),
                    p_fail: per_hour.min(1.0),
                    p_repair: (1.0 / mttr).min(1.0),
                    schedule: None,
                }
            }
        };
        lines.push(Line {
            name: l.name.clone(),
            from,
            to,
            circuits,
            capacity_by_circuits_up_mw,
            loss_pu: cx.num(&b, "loss_pu", l.loss_pu, 0.02, 0.0, 0.5, "fraction of sent energy"),
            reverse_capacity_pu: cx.num(
                &b,
                "reverse_capacity_pu",
                l.reverse_capacity_pu,
                1.0,
                0.0,
                10.0,
                "to → from capability as a fraction of from → to",
            ),
            outages,
            capacity_series_mw: cx.capacity_series(&b, l.capacity_csv.as_deref(), l.capacity_csv_column.as_deref()),
        });
    }

    // ---- dispatch rules and factors
    let dpath = vec![Seg::Key("dispatch".into())];
    let surplus_priority = match &raw.dispatch.surplus_priority {
        None => vec![SurplusUse::Export, SurplusUse::Hydrogen, SurplusUse::Storage],
        Some(list) => {
            let mut out = Vec::new();
            for (i, s) in list.iter().enumerate() {
                let mut p = key(&dpath, "surplus_priority");
                p.push(Seg::Index(i));
                match SurplusUse::parse(s) {
                    Some(u) if out.contains(&u) => cx.bad(p, format!("`{s}` listed twice"), "each use once"),
                    Some(u) => out.push(u),
                    None => cx.bad(
                        p,
                        format!("unknown use `{s}`{}", suggest(s, &SurplusUse::NAMES)),
                        SurplusUse::NAMES.join(", "),
                    ),
                }
            }
            out
        }
    };
    let deficit_priority = match &raw.dispatch.deficit_priority {
        None => vec![DeficitSource::Storage, DeficitSource::Generators, DeficitSource::Imports],
        Some(list) => {
            let mut out = Vec::new();
            for (i, s) in list.iter().enumerate() {
                let mut p = key(&dpath, "deficit_priority");
                p.push(Seg::Index(i));
                match DeficitSource::parse(s) {
                    Some(u) if out.contains(&u) => cx.bad(p, format!("`{s}` listed twice"), "each source once"),
                    Some(u) => out.push(u),
                    None => cx.bad(
                        p,
                        format!("unknown source `{s}`{}", suggest(s, &DeficitSource::NAMES)),
                        DeficitSource::NAMES.join(", "),
                    ),
                }
            }
            out
        }
    };
    let epath = vec![Seg::Key("emissions".into())];
    let emissions = Emissions {
        // Northwest China grid factor 2022 (MEE), DOMAIN.md.
        grid_co2_t_per_mwh: cx.num(
            &epath,
            "grid_co2_t_per_mwh",
            raw.emissions.grid_co2_t_per_mwh,
            0.5857,
            0.0,
            2.0,
            "t CO2 per MWh",
        ),
        // 300 gce/kWh of thermal supply, DOMAIN.md.
        coal_tce_per_mwh: cx.num(
            &epath,
            "coal_tce_per_mwh",
            raw.emissions.coal_tce_per_mwh,
            0.300,
            0.0,
            1.0,
            "t standard coal per MWh",
        ),
    };
    let economics =
        resolve_economics(&mut cx, &raw.economics, &wind_fleets, &solar_fleets, &storage, &electrolysers, &line_costs);
    let mut external_grids = external_grids;
    for (i, (g, r)) in external_grids.iter_mut().zip(&raw.external_grid).enumerate() {
        let b = idx("external_grid", i);
        g.export_price_cny_per_mwh = cx.num(
            &b,
            "export_price_cny_per_mwh",
            r.export_price_cny_per_mwh,
            economics.export_tariff_cny_per_mwh,
            -1.0e5,
            1.0e5,
            "CNY/MWh",
        );
        g.import_price_cny_per_mwh = cx.num(
            &b,
            "import_price_cny_per_mwh",
            r.import_price_cny_per_mwh,
            economics.import_price_cny_per_mwh,
            -1.0e5,
            1.0e5,
            "CNY/MWh",
        );
    }
    let dispatch = resolve_dispatch(&mut cx, &raw.dispatch, surplus_priority, deficit_priority, calendar.hours());
    let rpath = vec![Seg::Key("run".into())];
    let default_samples = raw.run.samples.unwrap_or(1000);
    if default_samples == 0 || default_samples > 100_000_000 {
        cx.bad(key(&rpath, "samples"), format!("{default_samples}"), "1 to 100000000 samples");
    }

    if !cx.problems.is_empty() {
        return Err(cx.problems);
    }
    Ok(Model {
        name: raw.scenario.name.clone(),
        title: raw.scenario.title.clone().unwrap_or_else(|| raw.scenario.name.clone()),
        description: raw.scenario.description.clone().unwrap_or_default(),
        sources: raw.scenario.sources.clone(),
        study_year: year,
        calendar,
        zones,
        external_grids,
        sites,
        correlation_names,
        correlation_cholesky,
        wind_fleets,
        solar_fleets,
        generators,
        storage,
        electrolysers,
        loads,
        lines,
        dispatch,
        emissions,
        economics,
        outage_schedules: std::mem::take(&mut cx.schedules),
        default_samples,
        default_seed: raw.run.seed.unwrap_or(20_240_601),
    })
}

/// Capital recovery factor r(1+r)^n / ((1+r)^n − 1) (1/n when r = 0).
pub fn capital_recovery_factor(r: f64, n: f64) -> f64 {
    if r.abs() < 1e-12 { 1.0 / n } else { r * (1.0 + r).powf(n) / ((1.0 + r).powf(n) - 1.0) }
}

/// One line's inputs to its capital cost (see `model::LineCost`).
struct LineCostInput {
    name: String,
    hvdc: bool,
    rating_mw: f64,
    length_km: f64,
    per_mw_km: Option<f64>,
    converter_per_kw: Option<f64>,
}

/// Default unit costs (CNY, 2024 prices). Sources and derivations are in
/// `reference` (the `[economics]` table of docs/scenario-reference.md).
pub mod cost_defaults {
    /// 500 kV AC double circuit: 3.0 M CNY/km (DOMAIN 2.5–3.5) for its
    /// 2,400 MW planning transfer.
    pub const LINE_CNY_PER_MW_KM: f64 = 1250.0;
    /// ±800 kV UHVDC, 8 GW, 1,600 km, ≈ 25 bn CNY in all (DOMAIN 20–30),
    /// converters ≈ 45 % (DOMAIN 40–50 %): the line 55 % of 25 bn over
    /// 8,000 MW × 1,600 km ≈ 1,100 CNY/MW·km ...
    pub const HVDC_LINE_CNY_PER_MW_KM: f64 = 1100.0;
    /// ... and the two converter stations 45 % of 25 bn over 8 GW ≈ 1,400 CNY/kW.
    pub const HVDC_CONVERTER_CNY_PER_KW: f64 = 1400.0;
}

/// Reads `[economics]` keys and lists each resolved value for the
/// assumptions table.
struct Reader<'a, 'b> {
    cx: &'a mut Ctx<'b>,
    base: Vec<Seg>,
    list: Vec<Assumption>,
}

impl Reader<'_, '_> {
    fn get(&mut self, k: &str, v: Option<f64>, d: f64, (lo, hi): (f64, f64), unit: &str, label: &str) -> f64 {
        let x = self.cx.num(&self.base, k, v, d, lo, hi, unit);
        self.list.push(Assumption { key: k.into(), label: label.into(), value: x, unit: unit.into() });
        x
    }
}

/// Costs and values: defaults from DOMAIN.md (CNY, 2024 prices, M–L
/// confidence) or marked assumptions; see `reference`.
fn resolve_economics(
    cx: &mut Ctx,
    e: &RawEconomics,
    wind: &[WindFleet],
    solar: &[SolarFleet],
    storage: &[Storage],
    electrolysers: &[Electrolyser],
    line_inputs: &[LineCostInput],
) -> Economics {
    let mut rd = Reader { cx, base: vec![Seg::Key("economics".into())], list: Vec::new() };
    const M: f64 = 1.0e12;
    let r =
        rd.get("discount_rate_pu", e.discount_rate_pu, 0.06, (0.0, 0.5), "fraction per year", "Discount rate (real)");
    let life =
        rd.get("project_life_years", e.project_life_years, 25.0, (1.0, 100.0), "years", "Project life (NPV horizon)");
    let export =
        rd.get("export_tariff_cny_per_mwh", e.export_tariff_cny_per_mwh, 260.0, (0.0, M), "CNY/MWh", "Export tariff");
    let import =
        rd.get("import_price_cny_per_mwh", e.import_price_cny_per_mwh, 350.0, (0.0, M), "CNY/MWh", "Import price");
    let h2_value =
        rd.get("hydrogen_value_cny_per_kg", e.hydrogen_value_cny_per_kg, 20.0, (0.0, M), "CNY/kg", "Hydrogen value");
    let wind_kw = rd.get("wind_capex_cny_per_kw", e.wind_capex_cny_per_kw, 4000.0, (0.0, M), "CNY/kW", "Wind capital");
    let solar_kw =
        rd.get("solar_capex_cny_per_kwdc", e.solar_capex_cny_per_kwdc, 3000.0, (0.0, M), "CNY/kWdc", "PV capital");
    let st_kwh = rd.get(
        "storage_capex_cny_per_kwh",
        e.storage_capex_cny_per_kwh,
        700.0,
        (0.0, M),
        "CNY/kWh",
        "Storage capital, energy",
    );
    let st_kw = rd.get(
        "storage_power_capex_cny_per_kw",
        e.storage_power_capex_cny_per_kw,
        400.0,
        (0.0, M),
        "CNY/kW",
        "Storage capital, power",
    );
    let el_kw = rd.get(
        "electrolyser_capex_cny_per_kw",
        e.electrolyser_capex_cny_per_kw,
        3000.0,
        (0.0, M),
        "CNY/kW",
        "Electrolyser capital",
    );
    let ac_mw_km = rd.get(
        "line_capex_cny_per_mw_km",
        e.line_capex_cny_per_mw_km,
        cost_defaults::LINE_CNY_PER_MW_KM,
        (0.0, 1.0e7),
        "CNY/(MW·km)",
        "AC line capital per MW of rating per km",
    );
    let dc_mw_km = rd.get(
        "hvdc_line_capex_cny_per_mw_km",
        e.hvdc_line_capex_cny_per_mw_km,
        cost_defaults::HVDC_LINE_CNY_PER_MW_KM,
        (0.0, 1.0e7),
        "CNY/(MW·km)",
        "HVDC line capital per MW of rating per km",
    );
    let conv_kw = rd.get(
        "hvdc_converter_capex_cny_per_kw",
        e.hvdc_converter_capex_cny_per_kw,
        cost_defaults::HVDC_CONVERTER_CNY_PER_KW,
        (0.0, 1.0e6),
        "CNY/kW",
        "HVDC converter stations (both ends)",
    );
    let fom = [
        rd.get(
            "wind_fixed_om_cny_per_kw_year",
            e.wind_fixed_om_cny_per_kw_year,
            80.0,
            (0.0, M),
            "CNY/kW/yr",
            "Wind fixed O&M",
        ),
        rd.get(
            "solar_fixed_om_cny_per_kwdc_year",
            e.solar_fixed_om_cny_per_kwdc_year,
            60.0,
            (0.0, M),
            "CNY/kWdc/yr",
            "PV fixed O&M",
        ),
        rd.get(
            "storage_fixed_om_cny_per_kw_year",
            e.storage_fixed_om_cny_per_kw_year,
            64.0,
            (0.0, M),
            "CNY/kW/yr",
            "Storage fixed O&M",
        ),
        rd.get(
            "electrolyser_fixed_om_cny_per_kw_year",
            e.electrolyser_fixed_om_cny_per_kw_year,
            60.0,
            (0.0, M),
            "CNY/kW/yr",
            "Electrolyser fixed O&M",
        ),
    ];
    let line_om = rd.get(
        "line_fixed_om_pu_per_year",
        e.line_fixed_om_pu_per_year,
        0.02,
        (0.0, 0.5),
        "fraction of capital per year",
        "Line fixed O&M",
    );
    let vom = [
        rd.get(
            "wind_variable_om_cny_per_mwh",
            e.wind_variable_om_cny_per_mwh,
            0.0,
            (0.0, M),
            "CNY/MWh",
            "Wind variable O&M",
        ),
        rd.get(
            "solar_variable_om_cny_per_mwh",
            e.solar_variable_om_cny_per_mwh,
            0.0,
            (0.0, M),
            "CNY/MWh",
            "PV variable O&M",
        ),
        rd.get(
            "storage_variable_om_cny_per_mwh",
            e.storage_variable_om_cny_per_mwh,
            0.0,
            (0.0, M),
            "CNY/MWh",
            "Storage variable O&M (per MWh discharged)",
        ),
        rd.get(
            "electrolyser_variable_om_cny_per_mwh",
            e.electrolyser_variable_om_cny_per_mwh,
            20.0,
            (0.0, M),
            "CNY/MWh",
            "Electrolyser variable O&M (stacks, water; per MWh consumed)",
        ),
    ];
    let mut life_of = |k: &str, v: Option<f64>, d: f64, label: &str| rd.get(k, v, d, (1.0, 100.0), "years", label);
    let lives = [
        life_of("wind_life_years", e.wind_life_years, 25.0, "Wind life"),
        life_of("solar_life_years", e.solar_life_years, 25.0, "PV life"),
        life_of("storage_life_years", e.storage_life_years, 15.0, "Storage life"),
        life_of("electrolyser_life_years", e.electrolyser_life_years, 20.0, "Electrolyser life"),
        life_of("line_life_years", e.line_life_years, 40.0, "Line life"),
    ];
    let lines: Vec<LineCost> = line_inputs
        .iter()
        .map(|l| {
            let per_mw_km = l.per_mw_km.unwrap_or(if l.hvdc { dc_mw_km } else { ac_mw_km });
            let converter = if l.hvdc { l.converter_per_kw.unwrap_or(conv_kw) } else { 0.0 };
            LineCost {
                name: l.name.clone(),
                hvdc: l.hvdc,
                rating_mw: l.rating_mw,
                length_km: l.length_km,
                capex_cny_per_mw_km: per_mw_km,
                converter_capex_cny_per_kw: converter,
                capex_cny: l.rating_mw * l.length_km * per_mw_km + l.rating_mw * 1000.0 * converter,
            }
        })
        .collect();
    let kw = |mw: f64| mw * 1000.0;
    let capex = [
        wind.iter().map(|f| kw(f.capacity_mw) * wind_kw).sum::<f64>(),
        solar.iter().map(|f| kw(f.capacity_mwdc) * solar_kw).sum::<f64>(),
        storage.iter().map(|s| kw(s.energy_mwh) * st_kwh + kw(s.discharge_mw) * st_kw).sum::<f64>(),
        electrolysers.iter().map(|x| kw(x.capacity_mw) * el_kw).sum::<f64>(),
        lines.iter().map(|l| l.capex_cny).sum::<f64>(),
    ];
    let fixed_om = [
        wind.iter().map(|f| kw(f.capacity_mw) * fom[0]).sum::<f64>(),
        solar.iter().map(|f| kw(f.capacity_mwdc) * fom[1]).sum::<f64>(),
        storage.iter().map(|s| kw(s.discharge_mw) * fom[2]).sum::<f64>(),
        electrolysers.iter().map(|x| kw(x.capacity_mw) * fom[3]).sum::<f64>(),
        capex[4] * line_om,
    ];
    let annual: Vec<f64> = (0..5).map(|i| capex[i] * capital_recovery_factor(r, lives[i]) + fixed_om[i]).collect();
    let assumptions = rd.list;
    let annuity_factor = (1..=life.round() as i32).map(|y| (1.0 + r).powi(-y)).sum();
    Economics {
        discount_rate_pu: r,
        project_life_years: life,
        export_tariff_cny_per_mwh: export,
        import_price_cny_per_mwh: import,
        hydrogen_value_cny_per_kg: h2_value,
        capex_cny: capex.iter().sum(),
        capex_wind_cny: capex[0],
        capex_solar_cny: capex[1],
        capex_storage_cny: capex[2],
        capex_electrolysers_cny: capex[3],
        capex_lines_cny: capex[4],
        annual_fixed_renewables_cny: annual[0] + annual[1],
        annual_fixed_storage_cny: annual[2],
        annual_fixed_electrolysers_cny: annual[3],
        annual_fixed_lines_cny: annual[4],
        wind_variable_om_cny_per_mwh: vom[0],
        solar_variable_om_cny_per_mwh: vom[1],
        storage_variable_om_cny_per_mwh: vom[2],
        electrolyser_variable_om_cny_per_mwh: vom[3],
        annuity_factor,
        lines,
        assumptions,
    }
}

/// Incidence-angle modifier of a PV fleet's beam: ashrae (default, b0 =
/// 0.05 as before the key existed), physical, martin-ruiz or none; a
/// coefficient of another model is an error rather than silently ignored.
fn resolve_iam(cx: &mut Ctx, b: &[Seg], s: &RawSolarFleet) -> crate::model::Iam {
    use crate::model::Iam;
    let name = s.iam_model.as_deref().unwrap_or("ashrae");
    let own: &[&str] = match name {
        "ashrae" => &["iam_b0"],
        "martin-ruiz" => &["iam_a_r"],
        "physical" | "none" => &[],
        _ => {
            cx.bad(
                key(b, "iam_model"),
                format!("unknown incidence-angle model `{name}`{}", suggest(name, &Iam::NAMES)),
                Iam::NAMES.join(", "),
            );
            return Iam::Ashrae { b0: 0.05 };
        }
    };
    for (k, given) in [("iam_b0", s.iam_b0.is_some()), ("iam_a_r", s.iam_a_r.is_some())] {
        if given && !own.contains(&k) {
            cx.bad(
                key(b, k),
                format!("has no effect with iam_model = \"{name}\""),
                format!(
                    "remove it, or set iam_model = \"{}\" (the model it belongs to)",
                    if k == "iam_b0" { "ashrae" } else { "martin-ruiz" }
                ),
            );
        }
    }
    match name {
        "ashrae" => Iam::Ashrae { b0: cx.num(b, "iam_b0", s.iam_b0, 0.05, 0.0, 0.5, "ASHRAE coefficient b0") },
        "martin-ruiz" => {
            Iam::MartinRuiz { a_r: cx.num(b, "iam_a_r", s.iam_a_r, 0.16, 0.01, 1.0, "angular losses coefficient a_r") }
        }
        "physical" => Iam::Physical,
        _ => Iam::None,
    }
}

/// Cell-temperature model of a PV fleet: SAPM (default, open rack
/// glass/glass as before the option existed) or PVsyst; a coefficient of
/// the other model is an error rather than silently ignored.
fn resolve_cell_temperature(cx: &mut Ctx, b: &[Seg], s: &RawSolarFleet) -> CellTemperature {
    use crate::physics::solar::temperature::SapmParams;
    let sapm_keys = [
        ("sapm_mounting", s.sapm_mounting.is_some()),
        ("sapm_a", s.sapm_a.is_some()),
        ("sapm_b_s_per_m", s.sapm_b_s_per_m.is_some()),
        ("sapm_delta_t_c", s.sapm_delta_t_c.is_some()),
    ];
    let pvsyst_keys = [
        ("pvsyst_uc_w_m2k", s.pvsyst_uc_w_m2k.is_some()),
        ("pvsyst_uv_w_s_m3k", s.pvsyst_uv_w_s_m3k.is_some()),
        ("module_efficiency_pu", s.module_efficiency_pu.is_some()),
        ("absorptance_pu", s.absorptance_pu.is_some()),
    ];
    let model = s.cell_temperature_model.as_deref().unwrap_or("sapm");
    let other: &[(&str, bool)] = match model {
        "sapm" => &pvsyst_keys,
        "pvsyst" => &sapm_keys,
        _ => {
            cx.bad(
                key(b, "cell_temperature_model"),
                format!("unknown cell-temperature model `{model}`{}", suggest(model, &["sapm", "pvsyst"])),
                "sapm, pvsyst",
            );
            &[]
        }
    };
    for &(k, given) in other {
        if given {
            cx.bad(
                key(b, k),
                format!("has no effect with cell_temperature_model = \"{model}\""),
                format!(
                    "remove it, or set cell_temperature_model = \"{}\" (the model it belongs to)",
                    if model == "sapm" { "pvsyst" } else { "sapm" }
                ),
            );
        }
    }
    if model == "pvsyst" {
        // PVsyst free-standing defaults U_c = 29 W/m²K, U_v = 0 (PVsyst
        // manual, "Array thermal losses"; pvlib `pvsyst_cell`).
        return CellTemperature::Pvsyst {
            uc_w_m2k: cx.num(b, "pvsyst_uc_w_m2k", s.pvsyst_uc_w_m2k, 29.0, 1.0, 100.0, "W/m²K"),
            uv_w_s_m3k: cx.num(b, "pvsyst_uv_w_s_m3k", s.pvsyst_uv_w_s_m3k, 0.0, 0.0, 20.0, "W·s/m³K"),
            module_efficiency_pu: cx.num(
                b,
                "module_efficiency_pu",
                s.module_efficiency_pu,
                0.1,
                0.0,
                0.5,
                "fraction of absorbed irradiance converted to electricity",
            ),
            absorptance_pu: cx.num(b, "absorptance_pu", s.absorptance_pu, 0.9, 0.1, 1.0, "fraction"),
        };
    }
    let names: Vec<&str> = SapmParams::MOUNTINGS.iter().map(|m| m.0).collect();
    let preset = match s.sapm_mounting.as_deref() {
        None => SapmParams::OPEN_RACK_GLASS_GLASS,
        Some(m) => match SapmParams::MOUNTINGS.iter().find(|x| x.0 == m) {
            Some(x) => x.1,
            None => {
                cx.bad(
                    key(b, "sapm_mounting"),
                    format!("unknown SAPM mounting `{m}`{}", suggest(m, &names)),
                    names.join(", "),
                );
                SapmParams::OPEN_RACK_GLASS_GLASS
            }
        },
    };
    CellTemperature::Sapm {
        a: cx.num(b, "sapm_a", s.sapm_a, preset.a, -10.0, 0.0, "SAPM a, natural log of °C·m²/W"),
        b_s_per_m: cx.num(b, "sapm_b_s_per_m", s.sapm_b_s_per_m, preset.b, -1.0, 0.0, "SAPM b, s/m"),
        delta_t_c: cx.num(b, "sapm_delta_t_c", s.sapm_delta_t_c, preset.delta_t, 0.0, 30.0, "°C at 1000 W/m²"),
    }
}

/// Specific consumption of an electrolyser: a constant (default 53 kWh/kg)
/// or a part-load curve, whose value at full load is reported.
fn resolve_consumption(cx: &mut Ctx, b: &[Seg], e: &RawElectrolyser) -> (f64, Option<Curve>) {
    const UNIT: &str = "kWh per kg H2 (39.4 is the higher heating value)";
    let curve_given = e.consumption_curve_load_pu.is_some() || e.consumption_curve_kwh_per_kg.is_some();
    if !curve_given {
        return (cx.num(b, "consumption_kwh_per_kg", e.consumption_kwh_per_kg, 53.0, 39.4, 200.0, UNIT), None);
    }
    if e.consumption_kwh_per_kg.is_some() {
        cx.bad(
            key(b, "consumption_kwh_per_kg"),
            "given together with a consumption curve",
            "either consumption_kwh_per_kg, or consumption_curve_load_pu with consumption_curve_kwh_per_kg",
        );
    }
    let Some((load, kwh)) = cx.curve(
        b,
        [
            ("consumption_curve_load_pu", e.consumption_curve_load_pu.clone()),
            ("consumption_curve_kwh_per_kg", e.consumption_curve_kwh_per_kg.clone()),
        ],
        (1e-3, 1.0, "load as a fraction of the online capacity"),
        (39.4, 200.0, UNIT),
    ) else {
        return (53.0, None);
    };
    // More power must give more hydrogen: load/consumption increasing, so
    // that the output is monotone in power (dispatch inverts it to keep the
    // store from overfilling).
    let h: Vec<f64> = load.iter().zip(&kwh).map(|(l, k)| l / k).collect();
    if let Some(i) = h.windows(2).position(|w| w[1] <= w[0]) {
        cx.bad(
            key(b, "consumption_curve_kwh_per_kg"),
            format!(
                "less hydrogen at more power between points {i} and {}: load/consumption {:.5} then {:.5}",
                i + 1,
                h[i],
                h[i + 1]
            ),
            "consumptions with load/consumption (hydrogen per unit of capacity) increasing from point to point",
        );
    }
    let curve = Curve { x: load, y: kwh };
    (curve.at(1.0), Some(curve))
}

/// Inverter model of a PV fleet and the efficiency reported for it.
fn resolve_inverter(cx: &mut Ctx, b: &[Seg], s: &RawSolarFleet) -> (Inverter, f64) {
    const NAMES: [&str; 3] = ["constant", "pvwatts", "curve"];
    let model = s.inverter_model.as_deref().unwrap_or("constant");
    let curve_keys = [
        ("inverter_curve_load_pu", s.inverter_curve_load_pu.as_ref()),
        ("inverter_curve_efficiency_pu", s.inverter_curve_efficiency_pu.as_ref()),
    ];
    let efficiency =
        |cx: &mut Ctx| cx.num(b, "inverter_efficiency_pu", s.inverter_efficiency_pu, 0.985, 0.5, 1.0, "fraction");
    match model {
        "constant" | "pvwatts" => {
            for (k, v) in curve_keys {
                if v.is_some() {
                    cx.bad(
                        key(b, k),
                        format!("has no effect with inverter_model = \"{model}\""),
                        "remove it, or set inverter_model = \"curve\"",
                    );
                }
            }
            let inv = if model == "pvwatts" { Inverter::PvWatts } else { Inverter::Constant };
            (inv, efficiency(cx))
        }
        "curve" => {
            if s.inverter_efficiency_pu.is_some() {
                cx.bad(
                    key(b, "inverter_efficiency_pu"),
                    "has no effect with inverter_model = \"curve\" (the curve gives the efficiency)",
                    "remove it, or use inverter_model = \"constant\" or \"pvwatts\"",
                );
            }
            let Some((load, eff)) = cx.curve(
                b,
                curve_keys.map(|(k, v)| (k, v.cloned())),
                (1e-3, 1.0, "AC output as a fraction of the AC rating"),
                (0.01, 1.0, "efficiency, fraction"),
            ) else {
                return (Inverter::Constant, 0.985);
            };
            // Nodes in DC input per unit of the AC rating: x = load/η.
            let x: Vec<f64> = load.iter().zip(&eff).map(|(l, e)| l / e).collect();
            if let Some(i) = x.windows(2).position(|w| w[1] <= w[0]) {
                cx.bad(
                    key(b, "inverter_curve_efficiency_pu"),
                    format!(
                        "more AC output for less DC input between points {i} and {}: load/efficiency {:.4} then {:.4}",
                        i + 1,
                        x[i],
                        x[i + 1]
                    ),
                    "efficiencies with load/efficiency (the DC input) increasing from point to point",
                );
            }
            let last = *eff.last().unwrap_or(&0.985);
            (Inverter::Curve(Curve { x, y: eff }), last)
        }
        other => {
            cx.bad(
                key(b, "inverter_model"),
                format!("unknown inverter model `{other}`{}", suggest(other, &NAMES)),
                NAMES.join(", "),
            );
            (Inverter::Constant, 0.985)
        }
    }
}

fn resolve_site(cx: &mut Ctx, i: usize, s: &RawSite) -> Site {
    let b = idx("site", i);
    // Defaults: Luanjingtan values from DOMAIN.md where it gives them;
    // marked "assumption" in `reference` otherwise.
    let mut monthly = cx.array12(
        &b,
        "wind_monthly_factor",
        &s.wind_monthly_factor,
        [0.96, 1.0, 1.12, 1.2, 1.12, 1.0, 0.88, 0.84, 0.9, 0.96, 1.02, 1.0],
        0.05,
        5.0,
        "multiplier of the mean speed",
    );
    let mean: f64 = monthly.iter().sum::<f64>() / 12.0;
    for m in monthly.iter_mut() {
        *m /= mean; // normalised so that wind_mean_m_s is the annual mean
    }
    let dust_months = match &s.dust_months {
        None => vec![3, 4, 5],
        Some(v) => {
            for (k, m) in v.iter().enumerate() {
                if !(1..=12).contains(m) {
                    let mut p = key(&b, "dust_months");
                    p.push(Seg::Index(k));
                    cx.bad(p, format!("month {m}"), "months 1 to 12");
                }
            }
            v.clone()
        }
    };
    let clear_sky_model = match s.clear_sky_model.as_deref() {
        None => ClearSkyModel::Ineichen,
        Some(m) => ClearSkyModel::parse(m).unwrap_or_else(|| {
            cx.bad(
                key(&b, "clear_sky_model"),
                format!("unknown clear-sky model `{m}`{}", suggest(m, &ClearSkyModel::NAMES)),
                ClearSkyModel::NAMES.join(", "),
            );
            ClearSkyModel::Ineichen
        }),
    };
    Site {
        name: s.name.clone(),
        latitude_deg: cx.num(&b, "latitude_deg", Some(s.latitude_deg), 0.0, -90.0, 90.0, "degrees north"),
        longitude_deg: cx.num(&b, "longitude_deg", Some(s.longitude_deg), 0.0, -180.0, 180.0, "degrees east"),
        elevation_m: cx.num(&b, "elevation_m", Some(s.elevation_m), 0.0, -500.0, 9000.0, "m above sea level"),
        wind_mean_m_s: cx.num(&b, "wind_mean_m_s", s.wind_mean_m_s, 6.5, 0.5, 30.0, "m/s at wind_height_m"),
        wind_height_m: cx.num(&b, "wind_height_m", s.wind_height_m, 100.0, 2.0, 300.0, "m"),
        wind_weibull_k: cx.num(&b, "wind_weibull_k", s.wind_weibull_k, 2.0, 1.0, 5.0, "Weibull shape"),
        wind_monthly_factor: monthly,
        wind_diurnal_amplitude_pu: cx.num(
            &b,
            "wind_diurnal_amplitude_pu",
            s.wind_diurnal_amplitude_pu,
            0.08,
            0.0,
            0.5,
            "fraction of the mean",
        ),
        wind_diurnal_peak_hour: cx.num(
            &b,
            "wind_diurnal_peak_hour",
            s.wind_diurnal_peak_hour,
            2.0,
            0.0,
            24.0,
            "local hour",
        ),
        wind_hourly_persistence: cx.num(
            &b,
            "wind_hourly_persistence",
            s.wind_hourly_persistence,
            0.95,
            0.0,
            0.999,
            "lag-1 autocorrelation",
        ),
        roughness_length_m: cx.num(&b, "roughness_length_m", s.roughness_length_m, 0.03, 0.0001, 2.0, "m"),
        clear_sky_index_monthly: cx.array12(
            &b,
            "clear_sky_index_monthly",
            &s.clear_sky_index_monthly,
            [0.82, 0.80, 0.76, 0.75, 0.75, 0.74, 0.70, 0.70, 0.72, 0.78, 0.82, 0.83],
            0.05,
            0.99,
            "mean clear-sky index",
        ),
        clear_sky_index_spread: cx.num(
            &b,
            "clear_sky_index_spread",
            s.clear_sky_index_spread,
            1.4,
            0.05,
            5.0,
            "logit-scale standard deviation",
        ),
        clear_sky_index_daily_share: cx.num(
            &b,
            "clear_sky_index_daily_share",
            s.clear_sky_index_daily_share,
            0.7,
            0.0,
            1.0,
            "share of variance from day-level cloudiness",
        ),
        clear_sky_index_daily_persistence: cx.num(
            &b,
            "clear_sky_index_daily_persistence",
            s.clear_sky_index_daily_persistence,
            0.45,
            0.0,
            0.99,
            "day-to-day autocorrelation",
        ),
        clear_sky_index_hourly_persistence: cx.num(
            &b,
            "clear_sky_index_hourly_persistence",
            s.clear_sky_index_hourly_persistence,
            0.8,
            0.0,
            0.99,
            "hour-to-hour autocorrelation",
        ),
        wind_cloudiness_daily_correlation: cx.num(
            &b,
            "wind_cloudiness_daily_correlation",
            s.wind_cloudiness_daily_correlation,
            0.0,
            -0.9,
            0.9,
            "correlation (positive: windy days are cloudier)",
        ),
        wind_interannual_sd_pu: cx.num(
            &b,
            "wind_interannual_sd_pu",
            s.wind_interannual_sd_pu,
            WIND_INTERANNUAL_SD_DEFAULT,
            0.0,
            0.3,
            "fraction of the annual mean wind speed",
        ),
        irradiance_interannual_sd_pu: cx.num(
            &b,
            "irradiance_interannual_sd_pu",
            s.irradiance_interannual_sd_pu,
            IRRADIANCE_INTERANNUAL_SD_DEFAULT,
            0.0,
            0.3,
            "fraction of the annual clear-sky index",
        ),
        linke_turbidity_monthly: cx.array12(
            &b,
            "linke_turbidity_monthly",
            &s.linke_turbidity_monthly,
            crate::physics::solar::clearsky::LINKE_TURBIDITY_DEFAULT_MONTHLY,
            1.0,
            10.0,
            "Linke turbidity",
        ),
        clear_sky_model,
        dust_days_per_year: cx.num(&b, "dust_days_per_year", s.dust_days_per_year, 10.0, 0.0, 200.0, "days per year"),
        dust_months,
        dust_irradiance_factor_pu: cx.num(
            &b,
            "dust_irradiance_factor_pu",
            s.dust_irradiance_factor_pu,
            0.65,
            0.0,
            1.0,
            "multiplier of GHI on a dust day",
        ),
        temperature_monthly_c: cx.array12(
            &b,
            "temperature_monthly_c",
            &s.temperature_monthly_c,
            [-7.0, -3.0, 4.0, 11.0, 17.0, 21.0, 23.0, 21.0, 16.0, 9.0, 1.0, -5.0],
            -60.0,
            50.0,
            "°C",
        ),
        temperature_diurnal_amplitude_c: cx.num(
            &b,
            "temperature_diurnal_amplitude_c",
            s.temperature_diurnal_amplitude_c,
            6.5,
            0.0,
            30.0,
            "°C",
        ),
        temperature_anomaly_sd_c: cx.num(
            &b,
            "temperature_anomaly_sd_c",
            s.temperature_anomaly_sd_c,
            3.0,
            0.0,
            20.0,
            "°C",
        ),
        temperature_hourly_persistence: cx.num(
            &b,
            "temperature_hourly_persistence",
            s.temperature_hourly_persistence,
            0.97,
            0.0,
            0.9999,
            "lag-1 autocorrelation",
        ),
        albedo_pu: cx.num(&b, "albedo_pu", s.albedo_pu, 0.25, 0.0, 1.0, "fraction"),
        shear_exponent: s
            .shear_exponent
            .map(|a| cx.check(key(&b, "shear_exponent"), a, 0.0, 1.0, "power-law exponent")),
        data: None,
    }
}

/// Load a site's weather data file, when the site has one.
fn site_data(
    cx: &mut Ctx,
    i: usize,
    s: &RawSite,
    source: &Source,
    utc_offset_h: f64,
    needs_ghi: bool,
) -> Option<SiteData> {
    let b = idx("site", i);
    if s.data_file.is_none() && s.generic.is_some() {
        cx.bad(
            key(&b, "generic"),
            "a [site.generic] table without data_file",
            "data_file and data_format = \"generic\" with it",
        );
        return None;
    }
    let file = match (&s.data_file, &s.data_format, &s.data_mode) {
        (None, None, None) => return None,
        (Some(f), _, _) => f.clone(),
        _ => {
            cx.bad(key(&b, "data_file"), "data_format / data_mode given without data_file", "a data_file with them");
            return None;
        }
    };
    let formats = ["pvgis-tmy", "pvgis-hourly", "ninja", "generic"];
    let format = s.data_format.clone().unwrap_or_default();
    if !formats.contains(&format.as_str()) {
        cx.bad(key(&b, "data_format"), format!("`{format}`{}", suggest(&format, &formats)), formats.join(", "));
        return None;
    }
    if format != "generic" && s.generic.is_some() {
        cx.bad(
            key(&b, "generic"),
            format!("a [site.generic] table with data_format = \"{format}\""),
            "[site.generic] only with data_format = \"generic\" (the other formats have a fixed layout)",
        );
        return None;
    }
    let generic = if format == "generic" {
        match generic_spec(cx, &b, s) {
            Some(g) => Some(g),
            None => return None,
        }
    } else {
        None
    };
    let mode = match s.data_mode.as_deref().unwrap_or("resample") {
        "replay" => DataMode::Replay,
        "resample" => DataMode::Resample,
        other => {
            cx.bad(key(&b, "data_mode"), format!("unknown mode `{other}`"), "replay, resample");
            return None;
        }
    };
    let path = match &source.dir {
        Some(d) => d.join(&file),
        None => std::path::PathBuf::from(&file),
    };
    let name = path.display().to_string();
    let text = match crate::base::fsread::read_to_string(&path, crate::base::fsread::DATA_LIMIT) {
        Ok(t) => t,
        Err(e) => {
            cx.problems.push(PathProblem {
                path: key(&b, "data_file"),
                file: Some((name, None)),
                problem: format!("cannot read: {e}"),
                accepted: "a readable weather data file".into(),
            });
            return None;
        }
    };
    let parsed = match (format.as_str(), &generic) {
        ("pvgis-tmy", _) => crate::data::pvgis::read_tmy(&text, &name),
        ("pvgis-hourly", _) => crate::data::pvgis::read_hourly(&text, &name),
        (_, Some(spec)) => crate::data::generic::read(&text, &name, spec),
        _ => crate::data::ninja::read_weather(&text, &name),
    };
    let series = match parsed {
        Ok(x) => x,
        Err(e) => {
            cx.problems.push(PathProblem {
                path: key(&b, "data_file"),
                file: Some((e.file.clone(), e.line)),
                problem: e.message.clone(),
                accepted: e.accepted.clone(),
            });
            return None;
        }
    };
    // GHI only where a solar fleet needs it (a wind-only site needs no fake
    // irradiance column; its GHI is then zero in every hour).
    let missing: Vec<&str> = [
        ("GHI", series.has_ghi() || !needs_ghi),
        ("temperature", series.has_temp()),
        ("wind speed", series.has_wind()),
    ]
    .iter()
    .filter(|(_, ok)| !ok)
    .map(|(n, _)| *n)
    .collect();
    if !missing.is_empty() {
        cx.problems.push(PathProblem {
            path: key(&b, "data_file"),
            file: Some((name, None)),
            problem: format!("has no {}", missing.join(", ")),
            accepted: "weather data with air temperature and wind speed, and GHI where a solar fleet uses the site"
                .into(),
        });
        return None;
    }
    if s.block_days.is_some_and(|d| !(1..=366).contains(&d)) {
        cx.bad(key(&b, "block_days"), format!("{} days is out of range", s.block_days.unwrap_or(0)), "1 to 366 days");
    }
    if s.window_days.is_some_and(|d| d > 182) {
        cx.bad(key(&b, "window_days"), format!("{} days is out of range", s.window_days.unwrap_or(0)), "0 to 182 days");
    }
    let block_days = s.block_days.unwrap_or(5).clamp(1, 366) as usize;
    let window_days = s.window_days.unwrap_or(15).min(182) as usize;
    let year_hours = crate::base::calendar::hours_in_year(cx.year);
    if cx.hours > year_hours {
        cx.bad(
            key(&b, "data_file"),
            format!("a horizon of {} hours is longer than the study year", cx.hours),
            format!("horizon_h ≤ {year_hours} for sites with weather data"),
        );
        return None;
    }
    let as_problem = |e: crate::data::DataError| PathProblem {
        path: key(&b, "data_file"),
        file: Some((e.file.clone(), e.line)),
        problem: e.message.clone(),
        accepted: e.accepted.clone(),
    };
    let replayed = match mode {
        DataMode::Replay => match crate::data::bootstrap::replay(&series, cx.year, utc_offset_h) {
            Ok(r) => Some(std::sync::Arc::new(r)),
            Err(e) => {
                cx.problems.push(as_problem(e));
                return None;
            }
        },
        DataMode::Resample => {
            // Check once that the data can be resampled for this year.
            let mut probe = crate::base::rng::stream(0, 0, "weather.resample.check", &s.name);
            if let Err(e) =
                crate::data::bootstrap::resample(&series, cx.year, utc_offset_h, &mut probe, block_days, window_days)
            {
                cx.problems.push(as_problem(e));
                return None;
            }
            None
        }
    };
    Some(SiteData { file, format, mode, block_days, window_days, series: std::sync::Arc::new(series), replayed })
}

/// Mean air temperature of each calendar month (local time) of a data
/// series; `None` unless every month has data.
fn monthly_mean_temperatures(series: &crate::data::WeatherSeries, utc_offset_h: f64) -> Option<[f64; 12]> {
    let (mut sum, mut n) = ([0.0f64; 12], [0usize; 12]);
    for (t, x) in series.times_utc_s.iter().zip(&series.temp_c) {
        if !x.is_finite() {
            continue;
        }
        let days = ((t + utc_offset_h * 3600.0) / 86_400.0).floor() as i64;
        let (_, month, _) = crate::base::calendar::civil_from_days(days);
        let m = (month as usize).clamp(1, 12) - 1;
        sum[m] += x;
        n[m] += 1;
    }
    if n.contains(&0) {
        return None;
    }
    let mut out = [0.0; 12];
    for m in 0..12 {
        out[m] = sum[m] / n[m] as f64;
    }
    Some(out)
}

/// The reading spec of a site's generic CSV from its `[site.generic]`
/// table, every key checked here (so that a problem points at the scenario
/// key, not at the data file); `None` after reporting problems.
fn generic_spec(cx: &mut Ctx, b: &[Seg], s: &RawSite) -> Option<crate::data::generic::GenericSpec> {
    use crate::data::TimeConvention;
    use crate::data::generic::{self, GenericSpec, TimeFormat};
    let Some(g) = &s.generic else {
        cx.bad(
            key(b, "data_format"),
            "data_format = \"generic\" without a [site.generic] table",
            "a [site.generic] table declaring the file's layout: time_column, time_format, utc_offset_h, \
             time_convention and the ghi_column (or dni_column and dhi_column), temperature_column and wind_column",
        );
        return None;
    };
    let gb = key(b, "generic");
    let before = cx.problems.len();
    let (time_column, more_time_columns) = match &g.time_column {
        ColumnNames::One(c) => (c.clone(), Vec::new()),
        ColumnNames::Many(v) if !v.is_empty() => (v[0].clone(), v[1..].to_vec()),
        ColumnNames::Many(_) => {
            cx.bad(key(&gb, "time_column"), "an empty list", "a column name, or a list of column names");
            (String::new(), Vec::new())
        }
    };
    let time_format = g.time_format.clone().unwrap_or_else(|| GenericSpec::default().time_format);
    let unix = time_format.trim().eq_ignore_ascii_case("unix");
    match TimeFormat::new(&time_format) {
        Err(e) => cx.bad(key(&gb, "time_format"), format!("`{time_format}`: {e}"), generic::TIME_FORMAT_ACCEPTED),
        Ok(f) if !f.has_year() && g.year.is_none() => cx.bad(
            key(&gb, "time_format"),
            format!("`{time_format}` has no %Y and no `year` is given"),
            "a format with %Y, or `year` = the year of the data (any non-leap year for a typical year)",
        ),
        Ok(_) => {}
    }
    if let Some(y) = g.year
        && !(1900..=2200).contains(&y)
    {
        cx.bad(key(&gb, "year"), format!("{y} is out of range"), "a year from 1900 to 2200");
    }
    let utc_offset_h = match g.utc_offset_h {
        Some(x) => cx.check(key(&gb, "utc_offset_h"), x, -12.0, 14.0, "hours ahead of UTC of the time stamps"),
        None if unix => 0.0,
        None => {
            cx.bad(
                key(&gb, "utc_offset_h"),
                "required key `utc_offset_h` is missing",
                "the hours ahead of UTC of the file's time stamps, e.g. 8 for China Standard Time, 0 for UTC",
            );
            0.0
        }
    };
    let convention = match g.time_convention.as_deref() {
        None => {
            cx.bad(
                key(&gb, "time_convention"),
                "required key `time_convention` is missing",
                "start, middle or end: what a time stamp marks about its hour (hours 0–23 usually mark the start, \
                 1–24 the end)",
            );
            TimeConvention::IntervalStart
        }
        Some(c) => TimeConvention::parse(c).unwrap_or_else(|| {
            cx.bad(key(&gb, "time_convention"), format!("unknown convention `{c}`"), "start, middle, end");
            TimeConvention::IntervalStart
        }),
    };
    if g.header_line == Some(0) {
        cx.bad(key(&gb, "header_line"), "0", "the 1-based line number of the header row");
    }
    let delimiter = match g.delimiter.as_deref() {
        None => b',',
        Some(d) if d.len() == 1 && d.is_ascii() && !matches!(d, "\"" | "#" | "\n" | "\r") => d.as_bytes()[0],
        Some(d) => {
            cx.bad(
                key(&gb, "delimiter"),
                format!("`{}`", d.escape_default()),
                "one ASCII character other than a quote, `#` or a line break, e.g. \",\", \";\" or \"\\t\"",
            );
            b','
        }
    };
    let irradiance_unit = g.irradiance_unit.clone().unwrap_or_else(|| "W/m2".into());
    if generic::ghi_unit(&irradiance_unit).is_none() {
        cx.bad(key(&gb, "irradiance_unit"), format!("unknown unit `{irradiance_unit}`"), generic::IRRADIANCE_UNITS);
    }
    let temperature_unit = g.temperature_unit.clone().unwrap_or_else(|| "C".into());
    if generic::temp_unit(&temperature_unit).is_none() {
        cx.bad(key(&gb, "temperature_unit"), format!("unknown unit `{temperature_unit}`"), generic::TEMPERATURE_UNITS);
    }
    // No irradiance column at all is allowed: the site's check then asks
    // for GHI only if a solar fleet uses the site.
    match (&g.ghi_column, &g.dni_column, &g.dhi_column) {
        (Some(_), None, None) | (None, Some(_), Some(_)) | (None, None, None) => {}
        (Some(_), _, _) => cx.bad(
            key(&gb, if g.dni_column.is_some() { "dni_column" } else { "dhi_column" }),
            "given together with ghi_column",
            "either ghi_column, or dni_column and dhi_column (GHI = DNI·cos z + DHI)",
        ),
        (None, _, _) => cx.bad(
            key(&gb, if g.dni_column.is_some() { "dhi_column" } else { "dni_column" }),
            "required with the other of dni_column and dhi_column",
            "both dni_column and dhi_column (GHI = DNI·cos z + DHI), or ghi_column",
        ),
    }
    for (k, v) in [("temperature_column", &g.temperature_column), ("wind_column", &g.wind_column)] {
        if v.is_none() {
            cx.bad(
                key(&gb, k),
                format!("required key `{k}` is missing"),
                "the header of the column (a site's data needs GHI, air temperature and wind speed)",
            );
        }
    }
    let wind_height_m = cx.num(&gb, "wind_height_m", g.wind_height_m, 10.0, 1.0, 300.0, "m above ground");
    if cx.problems.len() > before {
        return None;
    }
    Some(GenericSpec {
        time_column,
        more_time_columns,
        time_format,
        year: g.year,
        utc_offset_h,
        convention,
        ghi_column: g.ghi_column.clone(),
        dni_column: g.dni_column.clone(),
        dhi_column: g.dhi_column.clone(),
        ghi_unit: irradiance_unit,
        temp_column: g.temperature_column.clone(),
        temp_unit: temperature_unit,
        wind_column: g.wind_column.clone(),
        wind_height_m,
        missing: g.missing.clone().unwrap_or_default(),
        delimiter,
        header_line: g.header_line,
        footer_lines: g.footer_lines.unwrap_or(0),
        latitude_deg: Some(s.latitude_deg),
        longitude_deg: Some(s.longitude_deg),
        elevation_m: Some(s.elevation_m),
    })
}

fn make_calendar(year: i32, utc_offset_h: f64, hours: usize) -> Calendar {
    let start_unix_s = days_from_civil(year, 1, 1) as f64 * 86_400.0 - utc_offset_h * 3600.0;
    let mut month = Vec::with_capacity(hours);
    let mut day_of_year = Vec::with_capacity(hours);
    let mut hour_of_day = Vec::with_capacity(hours);
    let mut y = year;
    let mut doy = 0u16;
    let mut m = 0u8;
    let mut dom = 0u32;
    for t in 0..hours {
        let h = (t % 24) as u8;
        if t > 0 && h == 0 {
            doy += 1;
            dom += 1;
            if dom >= days_in_month(y, m as u32 + 1) {
                dom = 0;
                m += 1;
                if m == 12 {
                    m = 0;
                    y += 1;
                    doy = 0;
                }
            }
        }
        month.push(m);
        day_of_year.push(doy);
        hour_of_day.push(h);
    }
    Calendar { year, utc_offset_h, start_unix_s, month, day_of_year, hour_of_day }
}

/// Read one numeric column of an hourly CSV series: exactly `hours` rows,
/// finite and non-negative, errors with file and line.
fn read_series(source: &Source, file: &str, column: &str, hours: usize, max: f64) -> Result<Vec<f64>, PathProblem> {
    let path = match &source.dir {
        Some(d) => d.join(file),
        None => std::path::PathBuf::from(file),
    };
    let name = path.display().to_string();
    let fail = |line: Option<usize>, problem: String, accepted: &str| PathProblem {
        path: vec![],
        file: Some((name.clone(), line)),
        problem,
        accepted: accepted.to_string(),
    };
    let file = crate::base::fsread::open(&path, crate::base::fsread::DATA_LIMIT)
        .map_err(|e| fail(None, format!("cannot read: {e}"), "a readable CSV file with a header row"))?;
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_reader(file);
    let headers = rdr.headers().map_err(|e| fail(Some(1), format!("bad header: {e}"), "a header row"))?.clone();
    let col = headers.iter().position(|h| h.trim() == column).ok_or_else(|| {
        fail(
            Some(1),
            format!("no column `{column}`{}", suggest(column, &headers.iter().collect::<Vec<_>>())),
            &format!("one of: {}", headers.iter().collect::<Vec<_>>().join(", ")),
        )
    })?;
    let mut out = Vec::with_capacity(hours);
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec =
            rec.map_err(|e| fail(Some(line), format!("malformed row: {e}"), "rows with as many fields as the header"))?;
        let cell = rec.get(col).unwrap_or("").trim();
        let x: f64 = cell.parse().map_err(|_| {
            fail(Some(line), format!("`{cell}` in column `{column}` is not a number"), "a number in MW")
        })?;
        if !x.is_finite() || x < 0.0 || x > max {
            let accepted = if max.is_finite() {
                format!("a finite number from 0 to {max}")
            } else {
                "a finite number ≥ 0 (MW)".into()
            };
            return Err(fail(Some(line), format!("{x} in column `{column}`"), &accepted));
        }
        out.push(x);
    }
    if out.len() != hours {
        return Err(fail(
            Some(out.len() + 1),
            format!("has {} data rows", out.len()),
            &format!("exactly {hours} hourly rows for the study horizon"),
        ));
    }
    let _ = BTreeMap::<(), ()>::new();
    Ok(out)
}

/// `[dispatch]`: the policy and its values. The priority-list keys of the
/// rules policy, given without `policy`, select it (an older scenario file
/// reproduces its results); given with `policy = "value"` they are an error.
fn resolve_dispatch(
    cx: &mut Ctx,
    d: &RawDispatch,
    surplus_priority: Vec<SurplusUse>,
    deficit_priority: Vec<DeficitSource>,
    hours: usize,
) -> DispatchRules {
    let dpath = vec![Seg::Key("dispatch".into())];
    let rule_keys: Vec<&str> = [
        ("surplus_priority", d.surplus_priority.is_some()),
        ("deficit_priority", d.deficit_priority.is_some()),
        ("storage_discharge_to_export", d.storage_discharge_to_export.is_some()),
        ("storage_charge_from_generators", d.storage_charge_from_generators.is_some()),
    ]
    .iter()
    .filter(|(_, given)| *given)
    .map(|(k, _)| *k)
    .collect();
    let policy = match d.policy.as_deref() {
        None if rule_keys.is_empty() => DispatchPolicy::Value,
        None => DispatchPolicy::Rules,
        Some(s) => match DispatchPolicy::parse(s) {
            Some(p) => p,
            None => {
                cx.bad(
                    key(&dpath, "policy"),
                    format!("unknown policy `{s}`{}", suggest(s, &DispatchPolicy::NAMES)),
                    DispatchPolicy::NAMES.join(", "),
                );
                DispatchPolicy::Value
            }
        },
    };
    if policy == DispatchPolicy::Value && d.policy.is_some() {
        for k in &rule_keys {
            cx.bad(
                key(&dpath, k),
                format!("`{k}` belongs to policy = \"rules\" (the priority lists); the value policy orders uses by their values"),
                "remove the key, or set policy = \"rules\"",
            );
        }
    }
    let lookahead = cx.num(&dpath, "lookahead_h", d.lookahead_h, 48.0, 0.0, 1.0e6, "hours (0: the whole horizon)");
    if lookahead.fract() != 0.0 {
        cx.bad(key(&dpath, "lookahead_h"), format!("{lookahead}"), "a whole number of hours");
    }
    let voll = cx.num(
        &dpath,
        "value_of_lost_load_cny_per_mwh",
        d.value_of_lost_load_cny_per_mwh,
        30_000.0,
        1.0,
        1.0e7,
        "CNY/MWh",
    );
    let cycling = cx.num(
        &dpath,
        "storage_cycling_cost_cny_per_mwh",
        d.storage_cycling_cost_cny_per_mwh,
        0.0,
        0.0,
        1.0e5,
        "CNY/MWh",
    );
    DispatchRules {
        policy,
        lookahead_h: lookahead as usize,
        cyclic_storage: d.cyclic_storage.unwrap_or(hours >= 8760),
        value_of_lost_load_cny_per_mwh: voll,
        storage_cycling_cost_cny_per_mwh: cycling,
        surplus_priority,
        deficit_priority,
        storage_charge_from_generators: d.storage_charge_from_generators.unwrap_or(false),
        storage_discharge_to_export: d.storage_discharge_to_export.unwrap_or(true),
    }
}
