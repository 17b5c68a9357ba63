//! Queries over many session logs: listing, detail, report, commitments, export.
//!
//! - [`scan`]: the only code that reads the sessions folder (with its cache); everything else
//!   works on [`Digest`]s or on one replayed log and is pure;
//! - [`filter`]: the `--protocol/--person/--group/--since/--until/--status` filters;
//! - [`detail`]: one session replayed, and `logs show` as text;
//! - [`export`]: Markdown minutes, CSV and JSON, with [`redact`]ion;
//! - [`report`]: planned against actual per protocol and stage;
//! - [`actions`]: commitments across sessions, due dates, follow-up ([`open_commitments`]);
//! - [`fmt`]: durations, dates and bars shared by the text views.

pub mod actions;
pub mod detail;
pub mod digest;
pub mod export;
pub mod filter;
pub mod fmt;
pub mod list;
pub mod redact;
pub mod report;
pub mod scan;

use std::path::Path;

pub use actions::open_commitments;
pub use digest::{Digest, RunDigest, SessionStatus};
pub use filter::{Filter, FilterText};
pub use scan::{Entry, Scan, scan};

/// Why a review command cannot answer. Every message names the file, id or value at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error("there is no data folder: give one with --data-dir or the CONVENE_DATA_DIR variable")]
    NoDataDir,
    /// Reading or writing a file failed.
    #[error("{0}")]
    Io(String),
    /// A filter or option has a value that cannot be used.
    #[error("{0}")]
    BadInput(String),
    /// No session has this id (the message lists the closest ones).
    #[error("{0}")]
    UnknownSession(String),
    /// The log exists but cannot be read at all.
    #[error("{0}")]
    Unreadable(String),
}

/// Finds the entry for a session id or a unique prefix of one.
pub fn resolve<'a>(scan: &'a Scan, id: &str) -> Result<&'a Entry, ReviewError> {
    let id = id.trim().trim_end_matches(".jsonl");
    if let Some(e) = scan.entries.iter().find(|e| e.id == id) {
        return Ok(e);
    }
    let matches: Vec<&Entry> = if id.is_empty() {
        Vec::new()
    } else {
        scan.entries.iter().filter(|e| e.id.starts_with(id)).collect()
    };
    let shown = crate::text::sanitize(id);
    match matches.as_slice() {
        [one] => Ok(one),
        [] => {
            if scan.entries.is_empty() {
                return Err(ReviewError::UnknownSession(format!(
                    "no session \"{shown}\": there are no session logs in {}",
                    scan.sessions_dir.display()
                )));
            }
            let mut near: Vec<(usize, &str)> = scan
                .entries
                .iter()
                .map(|e| (strsim::damerau_levenshtein(id, &e.id), e.id.as_str()))
                .collect();
            near.sort_unstable();
            let ids: Vec<&str> = near.iter().take(3).map(|(_, i)| *i).collect();
            Err(ReviewError::UnknownSession(format!(
                "no session \"{shown}\". The closest: {}. `convene logs list` shows them all.",
                ids.join(", ")
            )))
        }
        many => {
            let ids: Vec<&str> = many.iter().take(8).map(|e| e.id.as_str()).collect();
            let more = if many.len() > 8 {
                format!(" and {} more", many.len() - 8)
            } else {
                String::new()
            };
            Err(ReviewError::UnknownSession(format!(
                "\"{shown}\" matches {} sessions: {}{more}. Give more of the id.",
                many.len(),
                ids.join(", ")
            )))
        }
    }
}

/// The data folder, or the error that says how to give one.
pub fn data_dir(explicit: Option<&Path>) -> Result<std::path::PathBuf, ReviewError> {
    crate::log::data_dir(explicit).ok_or(ReviewError::NoDataDir)
}
