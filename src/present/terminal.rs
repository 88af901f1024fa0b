//! Key results as a terminal table (the CLI prints it).

use crate::io::output::Summary;
use crate::present::names::{self, ECONOMIC, Headline, Lang, PHYSICAL};

/// Key results as a terminal table: the physical and the economic headline
/// metrics, each as its mean with the 95 % confidence interval of that mean
/// (± 1.96 s.e.) and P10 / P50 / P90 across sampled years, in display
/// units. A levelised cost resting on too few full-load hours is not shown
/// as a price; a note says why.
pub fn table(summary: &Summary) -> String {
    use std::fmt::Write;
    let lang = Lang::En;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} — {} ({} samples, seed {})",
        crate::base::fmt::printable(&summary.scenario.name),
        crate::base::fmt::printable(&summary.scenario.title),
        summary.run.samples,
        summary.run.seed
    );
    let _ = writeln!(
        s,
        "{:<30} {:>10} {:>21} {:>10} {:>10} {:>10}  unit",
        "metric", "mean", "95 % CI of the mean", "P10", "P50", "P90"
    );
    let mut notes = Vec::new();
    let mut rows = |s: &mut String, list: &[Headline]| {
        for hl in list {
            let Some(m) = names::find(summary, hl.key) else { continue };
            let e = &m.estimate;
            if let Some(note) = names::thin_note(summary, hl.key, lang) {
                let _ = writeln!(
                    s,
                    "{:<30} {:>10} {:>21} {:>10} {:>10} {:>10}  {}",
                    hl.en, "—", "", "", "", "", hl.unit_en
                );
                notes.push(format!("{}: {note}", hl.en));
                continue;
            }
            let ci = 1.96 * e.std_error;
            let _ = writeln!(
                s,
                "{:<30} {:>10} {:>21} {:>10} {:>10} {:>10}  {}",
                hl.en,
                hl.show(lang, e.mean),
                format!("{} – {}", hl.show(lang, e.mean - ci), hl.show(lang, e.mean + ci)),
                hl.show(lang, e.p10),
                hl.show(lang, e.p50),
                hl.show(lang, e.p90),
                hl.unit_en
            );
        }
    };
    rows(&mut s, PHYSICAL);
    let _ = writeln!(s, "economics");
    rows(&mut s, ECONOMIC);
    for n in notes {
        let _ = writeln!(s, "  {n}");
    }
    s
}
