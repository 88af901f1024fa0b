//! Warnings for valid but suspicious plans, shown once before simulating.
//!
//! None of these stops a run: a planner may mean it (the Alxa base plan *is*
//! ten times its corridor). They point at numbers that are easy to get
//! wrong and change results a lot.

use crate::base::fmt::fmt_num;
use crate::model::Model;

/// Ratio of renewable capacity to what a zone can use or send away above
/// which heavy curtailment is certain.
const OVERBUILD_RATIO: f64 = 3.0;

pub fn check(m: &Model) -> Vec<String> {
    let mut w = Vec::new();
    let nz = m.zones.len();
    for (z, zone) in m.zones.iter().enumerate() {
        let wind: f64 = m.wind_fleets.iter().filter(|f| f.zone == z).map(|f| f.capacity_mw).sum();
        let solar: f64 = m.solar_fleets.iter().filter(|f| f.zone == z).map(|f| f.capacity_mwac).sum();
        let re = wind + solar;
        let load: f64 = m.loads.iter().filter(|l| l.zone == z).map(|l| l.mean_mw).sum();
        let elec: f64 = m.electrolysers.iter().filter(|e| e.zone == z).map(|e| e.capacity_mw).sum();
        let charge: f64 = m.storage.iter().filter(|s| s.zone == z).map(|s| s.charge_mw).sum();
        let lines: f64 = m
            .lines
            .iter()
            .filter(|l| l.from == z || l.to == z)
            .map(|l| l.capacity_by_circuits_up_mw.last().copied().unwrap_or(0.0))
            .sum();
        let outlet = lines + load + elec + charge;
        if re > 0.0 && re > OVERBUILD_RATIO * outlet {
            w.push(format!(
                "zone `{}`: {} MW of wind and solar (AC) is {:.1}× what can leave or be used there ({} MW of lines, {} MW mean load, {} MW electrolysers, {} MW storage charging): expect heavy curtailment",
                zone.name,
                fmt_num(re),
                re / outlet.max(1e-9),
                fmt_num(lines),
                fmt_num(load),
                fmt_num(elec),
                fmt_num(charge)
            ));
        }
        if elec > 0.0 && elec > re && m.external_grids.is_empty() {
            w.push(format!(
                "zone `{}`: {} MW of electrolysers exceed the {} MW of wind and solar feeding them",
                zone.name,
                fmt_num(elec),
                fmt_num(re)
            ));
        } else if elec > re && re > 0.0 {
            w.push(format!(
                "zone `{}`: {} MW of electrolysers exceed the zone's {} MW of wind and solar; they run only on what is left after exports",
                zone.name,
                fmt_num(elec),
                fmt_num(re)
            ));
        }
        let gens: f64 = m.generators.iter().filter(|g| g.zone == z).map(|g| g.capacity_mw).sum();
        let imports: f64 = if nz > 0 { m.external_grids.iter().map(|g| g.max_import_mw).sum() } else { 0.0 };
        if load > 0.0 && re + gens + lines.min(imports + re) < load {
            w.push(format!(
                "zone `{}`: its {} MW mean load exceeds everything that could serve it; expect unserved energy",
                zone.name,
                fmt_num(load)
            ));
        }
    }
    let hours = m.hours() as f64;
    for s in &m.storage {
        if s.energy_mwh > 0.0 && s.charge_mw <= 0.0 {
            w.push(format!(
                "storage `{}`: {} MWh but no charging power: it can never fill",
                s.name,
                fmt_num(s.energy_mwh)
            ));
        } else if s.charge_mw > 0.0
            && (s.soc_max_pu - s.soc_min_pu) * s.energy_mwh / (s.charge_mw * s.charge_efficiency_pu) > hours
        {
            w.push(format!(
                "storage `{}`: filling {} MWh at {} MW takes longer than the {}-hour horizon: it can never fill",
                s.name,
                fmt_num(s.energy_mwh),
                fmt_num(s.charge_mw),
                hours
            ));
        }
        if s.energy_mwh > 0.0 && s.charge_mw > 0.0 && s.energy_mwh / s.charge_mw < 0.25 {
            w.push(format!(
                "storage `{}`: {} MWh for {} MW is under 15 minutes of storage: check MW against MWh",
                s.name,
                fmt_num(s.energy_mwh),
                fmt_num(s.charge_mw)
            ));
        }
    }
    for f in &m.solar_fleets {
        if f.capacity_mwdc / f.capacity_mwac.max(1e-9) > 2.0 {
            w.push(format!("solar fleet `{}`: DC/AC ratio above 2 clips much of the output", f.name));
        }
    }
    for l in &m.lines {
        if l.circuits == 0 {
            w.push(format!("line `{}`: no circuits in service in {}: it carries nothing", l.name, m.study_year));
        }
    }
    for f in &m.wind_fleets {
        if f.capacity_mw == 0.0 {
            w.push(format!("wind fleet `{}`: nothing installed in {} (build-out schedule)", f.name, m.study_year));
        }
    }
    for f in &m.solar_fleets {
        if f.capacity_mwdc == 0.0 {
            w.push(format!("solar fleet `{}`: nothing installed in {} (build-out schedule)", f.name, m.study_year));
        }
    }
    for g in &m.generators {
        let top = g.capacity_series_mw.as_ref().map_or(0.0, |v| v.iter().copied().fold(0.0, f64::max));
        if top > g.capacity_mw {
            w.push(format!(
                "generator `{}`: capacity_csv reaches {} MW, above capacity_mw {} MW: the series is used as given, while costs and the capacity chart use capacity_mw",
                g.name,
                fmt_num(top),
                fmt_num(g.capacity_mw)
            ));
        }
    }
    for s in &m.storage {
        if s.energy_mwh <= 0.0 && (s.charge_mw > 0.0 || s.discharge_mw > 0.0) {
            w.push(format!(
                "storage `{}`: {} MW of charging and {} MW of discharging but 0 MWh of energy: it can store nothing; give energy_mwh",
                s.name,
                fmt_num(s.charge_mw),
                fmt_num(s.discharge_mw)
            ));
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::scenario::{Source, load};

    #[test]
    fn the_base_plan_warns_of_heavy_curtailment_and_nothing_else() {
        let m = load(&Source::embedded_default()).expect("bundled");
        let w = check(&m);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("expect heavy curtailment") && w[0].contains("luanjingtan"), "{w:?}");
    }

    #[test]
    fn storage_that_cannot_fill_is_flagged() {
        let text = Source::embedded_default().text.replace("charge_mw = { 2024 = 10 }", "charge_mw = { 2024 = 0.001 }");
        let m = load(&Source { name: "t".into(), dir: None, text }).expect("valid");
        assert!(check(&m).iter().any(|w| w.contains("can never fill")));
    }
}
