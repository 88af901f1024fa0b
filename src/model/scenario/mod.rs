//! Scenario files: parse TOML, then resolve into a validated [`Model`].
//!
//! Two steps, as in ripgrep's `LowArgs → HiArgs`: [`raw`] mirrors the file
//! with serde (types and unknown keys only), [`resolve`] checks every value,
//! applies defaults, evaluates build-out schedules for the study year, turns
//! names into indices and loads data series. Every problem is reported with
//! the file, line and column, key path and accepted values; all problems of
//! a file are reported together. This module and `output` are the only ones
//! that know serde's file formats (Architecture invariant).

pub mod raw;
pub mod reference;
pub mod resolve;
pub mod warnings;

use crate::base::error::{Error, Problem};
use crate::model::Model;
use std::path::{Path, PathBuf};

/// The bundled base scenario, embedded in the binary so that
/// `renewplan run` with no argument works on a fresh machine.
pub const DEFAULT_SCENARIO_NAME: &str = "scenarios/alxa-2030-base.toml";
pub const DEFAULT_SCENARIO: &str = include_str!("../../../scenarios/alxa-2030-base.toml");

/// A scenario's source text and where it came from.
#[derive(Debug, Clone)]
pub struct Source {
    /// Name shown in messages (the path as given).
    pub name: String,
    /// Directory that relative data paths are resolved against.
    pub dir: Option<PathBuf>,
    pub text: String,
}

impl Source {
    pub fn from_file(path: &Path) -> Result<Self, Error> {
        let text = crate::base::fsread::read_to_string(path, crate::base::fsread::TEXT_LIMIT).map_err(|e| {
            Error::Input { path: path.to_path_buf(), message: format!("cannot read scenario file: {e}") }
        })?;
        Ok(Source { name: path.display().to_string(), dir: path.parent().map(Path::to_path_buf), text })
    }

    pub fn embedded_default() -> Self {
        Source { name: DEFAULT_SCENARIO_NAME.into(), dir: None, text: DEFAULT_SCENARIO.into() }
    }

    /// SHA-256 of the scenario text, hex; recorded in every result.
    pub fn hash(&self) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(self.text.as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Parse and resolve a scenario. `overrides` are `key.path=value` pairs
/// applied to the TOML document before resolution (used by sweeps).
pub fn load(source: &Source) -> Result<Model, Error> {
    let raw = parse(source)?;
    resolve::resolve(&raw, source)
        .map_err(|problems| Error::Scenario(problems.into_iter().map(|p| locate(source, p)).collect()))
}

/// Parse the TOML into the raw structs, with unknown keys rejected and the
/// nearest valid key suggested.
pub fn parse(source: &Source) -> Result<raw::RawScenario, Error> {
    toml::from_str::<raw::RawScenario>(&source.text).map_err(|e| {
        let (line, column) = match e.span() {
            Some(span) => {
                let (l, c) = line_col(&source.text, span.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        let (problem, accepted) = explain_toml_error(e.message());
        Error::Scenario(vec![Problem {
            file: source.name.clone(),
            line,
            column,
            key: key_at(&source.text, e.span()),
            problem,
            accepted,
        }])
    })
}

/// Turn serde's message into (problem, accepted), suggesting the nearest key
/// for an unknown field.
fn explain_toml_error(msg: &str) -> (String, String) {
    let msg = msg.trim();
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let (field, tail) = rest.split_once('`').unwrap_or((rest, ""));
        let expected: Vec<&str> = tail.split('`').enumerate().filter(|(i, _)| i % 2 == 1).map(|(_, s)| s).collect();
        let nearest = expected
            .iter()
            .map(|k| (strsim::jaro_winkler(field, k), *k))
            .filter(|(score, _)| *score > 0.7)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let problem = match nearest {
            Some((_, k)) => format!("unknown key `{field}`; did you mean `{k}`?"),
            None => format!("unknown key `{field}`"),
        };
        return (problem, expected.join(", "));
    }
    if msg.contains("did not match any variant of untagged enum Scheduled") {
        return (
            "not a number or a build-out schedule".into(),
            "a number, or a table of year = value such as { 2024 = 1000, 2030 = 5000 }".into(),
        );
    }
    if msg.contains("did not match any variant of untagged enum ColumnNames") {
        return (
            "not a column name or a list of column names".into(),
            "a header of the file, e.g. \"time\", or several, e.g. [\"Month\", \"Day\", \"Hour\"]".into(),
        );
    }
    // serde's Rust type names mean nothing to a planner.
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let (found, want) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let accepted = match want.trim() {
            "f64" | "f32" => "a number, e.g. 300 or 0.85",
            "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number ≥ 0, e.g. 5",
            "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number, e.g. 2030",
            "a boolean" => "true or false",
            "a string" => "text in double quotes",
            "a sequence" => "a list, e.g. [1, 2, 3]",
            other => other,
        };
        return (format!("{found} is not accepted here"), accepted.to_string());
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        return (format!("required key `{field}` is missing"), String::new());
    }
    (msg.to_string(), String::new())
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |s| s.chars().count()) + 1;
    (line, col)
}

/// Best-effort key path at a span (the table header or key on that line).
fn key_at(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    let Some(span) = span else { return String::new() };
    let (line, _) = line_col(text, span.start);
    let Some(l) = text.lines().nth(line - 1) else { return String::new() };
    let l = l.trim();
    if let Some((k, _)) = l.split_once('=') {
        // The table the key is in: `wind_fleet[2].capacity_mw`.
        let mut table = String::new();
        let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for h in text.lines().take(line - 1).map(str::trim) {
            if let Some(name) = h.strip_prefix("[[").and_then(|h| h.split("]]").next()) {
                let n = counts.entry(name.trim().to_string()).or_insert(0);
                table = format!("{}[{n}]", name.trim());
                *n += 1;
            } else if let Some(name) = h.strip_prefix('[').and_then(|h| h.split(']').next()) {
                table = name.trim().to_string();
            }
        }
        let k = k.trim();
        return if table.is_empty() { k.to_string() } else { format!("{table}.{k}") };
    }
    l.trim_matches(|c| c == '[' || c == ']').to_string()
}

/// One step of a key path.
#[derive(Debug, Clone, PartialEq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Render a key path as `wind_fleet[0].capacity_mw`.
pub fn path_string(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// A problem found during resolution, before its location is known.
#[derive(Debug, Clone)]
pub struct PathProblem {
    pub path: Vec<Seg>,
    /// The file, when the problem is in a data file rather than the scenario.
    pub file: Option<(String, Option<usize>)>,
    pub problem: String,
    pub accepted: String,
}

/// Find the line and column of a key path in the scenario text.
fn locate(source: &Source, p: PathProblem) -> Problem {
    if let Some((file, line)) = p.file {
        return Problem {
            file,
            line,
            column: None,
            key: path_string(&p.path),
            problem: p.problem,
            accepted: p.accepted,
        };
    }
    let span = span_of(&source.text, &p.path);
    let (line, column) = match span {
        Some(off) => {
            let (l, c) = line_col(&source.text, off);
            (Some(l), Some(c))
        }
        None => (None, None),
    };
    Problem {
        file: source.name.clone(),
        line,
        column,
        key: path_string(&p.path),
        problem: p.problem,
        accepted: p.accepted,
    }
}

/// Byte offset of the deepest existing element of `path` in the TOML text.
fn span_of(text: &str, path: &[Seg]) -> Option<usize> {
    use toml::de::{DeTable, DeValue};
    let doc = DeTable::parse(text).ok()?;
    let mut best = None;
    let mut table: &DeTable = doc.get_ref();
    let mut array: Option<&toml::de::DeArray> = None;
    for seg in path {
        let value = match (seg, array) {
            (Seg::Index(i), Some(arr)) => arr.get(*i)?,
            (Seg::Key(k), None) => {
                let (key, value) = table.get_key_value(k.as_str())?;
                best = Some(key.span().start);
                value
            }
            _ => return best,
        };
        // Point at an indexed element, or at a scalar's value; a key that
        // holds a table or array keeps pointing at the key.
        if !matches!(seg, Seg::Key(_)) || !matches!(value.get_ref(), DeValue::Table(_) | DeValue::Array(_)) {
            best = Some(value.span().start);
        }
        match value.get_ref() {
            DeValue::Table(t) => {
                table = t;
                array = None;
            }
            DeValue::Array(a) => array = Some(a),
            _ => return best,
        }
    }
    best
}
