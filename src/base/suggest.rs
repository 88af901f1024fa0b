//! Spelling suggestions for error messages.

/// " (did you mean `x`?)" when a close name exists.
pub fn suggest<S: AsRef<str>>(name: &str, options: &[S]) -> String {
    options
        .iter()
        .map(|o| (strsim::jaro_winkler(name, o.as_ref()), o.as_ref()))
        .filter(|(s, _)| *s > 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, o)| format!("; did you mean `{o}`?"))
        .unwrap_or_default()
}
