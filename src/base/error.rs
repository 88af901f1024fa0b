//! User-facing errors: what went wrong, where, and what is accepted.
//!
//! Every error a user can cause carries the file, the line and column where
//! known, the key path and the accepted values, and maps to exit status 2.
//! A broken internal invariant is a bug (`debug_assert!`), never one of these.

use std::fmt;
use std::path::PathBuf;

/// One problem found in a scenario or data file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// File the problem is in (scenario or data file).
    pub file: String,
    /// 1-based line and column, where known.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// Key path in the scenario, e.g. `wind_fleet[0].capacity_mw`.
    pub key: String,
    /// What is wrong.
    pub problem: String,
    /// What would be accepted.
    pub accepted: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        if !self.key.is_empty() {
            write!(f, ": key `{}`", self.key)?;
        }
        write!(f, ": {}", self.problem)?;
        if !self.accepted.is_empty() {
            write!(f, " (accepted: {})", self.accepted)?;
        }
        Ok(())
    }
}

/// Errors that end a command with exit status 2 (bad input) or 1 (I/O).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}", format_problems(.0))]
    Scenario(Vec<Problem>),
    #[error("{path}: {message}")]
    Input { path: PathBuf, message: String },
    #[error("{0}")]
    Usage(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// Exit status: 2 for anything the user can fix in their input, 1 for
    /// failures of the environment (disk full, permissions).
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Scenario(_) | Error::Input { .. } | Error::Usage(_) => 2,
            Error::Io { .. } => 1,
        }
    }
}

fn format_problems(problems: &[Problem]) -> String {
    let mut s = String::new();
    for (i, p) in problems.iter().enumerate() {
        if i > 0 {
            s.push_str("\nerror: ");
        }
        s.push_str(&p.to_string());
    }
    if problems.len() > 1 {
        s.push_str(&format!("\n({} problems)", problems.len()));
    }
    s
}

pub type Result<T> = std::result::Result<T, Error>;
