//! Key results as a terminal table (the CLI prints it).

use crate::base::fmt::fmt_num;
use crate::io::output::Summary;

/// Key results as a terminal table: estimate ± standard error and quantiles.
pub fn table(summary: &Summary) -> String {
    use std::fmt::Write;
    let keys = [
        "system.utilisation_rate",
        "system.available_mwh",
        "system.curtailed_mwh",
        "system.export_mwh",
        "system.import_mwh",
        "system.h2_t",
        "system.unserved_mwh",
        "system.lole_h",
        "system.storage_discharge_mwh",
        "system.co2_avoided_t",
    ];
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} — {} ({} samples, seed {})",
        crate::base::fmt::printable(&summary.scenario.name),
        crate::base::fmt::printable(&summary.scenario.title),
        summary.run.samples,
        summary.run.seed
    );
    let _ =
        writeln!(s, "{:<30} {:>14} {:>11} {:>13} {:>13} {:>13}  unit", "metric", "mean", "± s.e.", "P10", "P50", "P90");
    for k in keys {
        if let Some(m) = summary.metrics.iter().find(|m| m.estimate.key == k) {
            let e = &m.estimate;
            let short = k.trim_start_matches("system.");
            let _ = writeln!(
                s,
                "{:<30} {:>14} {:>11} {:>13} {:>13} {:>13}  {}",
                short,
                fmt_num(e.mean),
                fmt_num(e.std_error),
                fmt_num(e.p10),
                fmt_num(e.p50),
                fmt_num(e.p90),
                e.unit
            );
        }
    }
    s
}
