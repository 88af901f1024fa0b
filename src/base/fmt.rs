//! Numbers formatted for people (terminal tables, charts, reports, warnings).

/// Numbers for people: 4 significant figures, thousands separated.
pub fn fmt_num(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    if x == 0.0 {
        return "0".into();
    }
    let a = x.abs();
    if a >= 1000.0 {
        let r = x.round() as i64;
        let digits = r.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        if r < 0 { format!("-{out}") } else { out }
    } else {
        let decimals = (3 - a.log10().floor() as i32).clamp(0, 8) as usize;
        format!("{x:.decimals$}")
    }
}

/// `s` safe to print on a terminal: control characters (escape sequences,
/// carriage returns) shown as `\u{..}` escapes instead of acting.
pub fn printable(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars().map(|c| if c.is_control() { c.escape_unicode().to_string() } else { c.to_string() }).collect()
}
