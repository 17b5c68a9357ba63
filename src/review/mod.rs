//! Queries over many session logs: listing, detail, report, commitments, export.
//!
//! - [`index`]: the only code that reads the sessions folder: an `SQLite` index of every log,
//!   kept in the cache folder and brought up to date on each use; the commands' queries run in
//!   it. [`copies`]: which files are logs, and copies of one session made by sync tools;
//! - [`scan`]: whole digests of a small set of sessions in memory (resume, mirror); the pure
//!   functions below work on [`Digest`]s or on one replayed log;
//! - [`filter`]: the `--protocol/--person/--group/--since/--until/--status` filters;
//! - [`detail`]: one session replayed, and `logs show` as text;
//! - [`export`]: Markdown minutes, CSV and JSON, with [`redact`]ion;
//! - [`report`]: planned against actual per protocol and stage;
//! - [`actions`]: commitments across sessions, due dates, follow-up ([`open_commitments`]);
//! - [`course`]: what a new session of a group takes from its earlier ones (its number in a
//!   course, carried notes);
//! - [`fmt`]: durations, dates and bars shared by the text views.

pub mod actions;
pub(crate) mod copies;
pub(crate) mod course;
pub mod detail;
pub mod digest;
pub mod export;
pub mod filter;
pub(crate) mod fmt;
pub mod index;
pub mod list;
pub(crate) mod redact;
pub mod report;
pub(crate) mod scan;

use std::path::{Path, PathBuf};

use crate::text::sanitize;

pub use actions::open_commitments;
pub use digest::{Digest, RunDigest, SessionStatus};
pub use filter::{Filter, FilterText};
pub use index::{Index, Query, SessionRow, Summary, cache_dir};
pub use scan::{Entry, Scan, find, id_time, scan_unfinished};

/// Why a review command cannot answer. Every message names the file, id or value at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error("there is no data folder: give one with --data-dir or the CONVENE_DATA_DIR variable")]
    NoDataDir,
    /// The sessions folder exists but cannot be listed.
    #[error("{}: {reason}", folder.display())]
    ReadFolder { folder: PathBuf, reason: String },
    /// An export file could not be created or written.
    #[error("cannot {action} {}: {reason}", path.display())]
    Write { action: &'static str, path: PathBuf, reason: String },
    /// Turning a session into CSV or JSON failed.
    #[error("writing {format}: {reason}")]
    Encode { format: &'static str, reason: String },
    /// An export would replace an existing file.
    #[error(
        "{} already exists: nothing was written. Choose another name, or add --force to replace it.",
        path.display()
    )]
    Exists { path: PathBuf },
    /// A date filter that is not a date.
    #[error("{flag} {}: not a date; write it as YYYY-MM-DD, e.g. 2026-11-23", sanitize(text))]
    BadDate { flag: &'static str, text: String },
    /// A status filter that is not a status.
    #[error("--status {}: use completed, ended-early or unfinished", sanitize(text))]
    BadStatus { text: String },
    /// A date range no session can be in.
    #[error("--since {since} is after --until {until}: no session can match")]
    EmptyRange { since: chrono::NaiveDate, until: chrono::NaiveDate },
    /// There are no logs at all to find the id among.
    #[error("no session \"{}\": there are no session logs in {}", sanitize(id), folder.display())]
    NoSessions { id: String, folder: PathBuf },
    /// No session has this id; `closest` are the nearest ids.
    #[error(
        "no session \"{}\". The closest: {}. `convene logs list` shows them all.",
        sanitize(id),
        closest.join(", ")
    )]
    UnknownSession { id: String, closest: Vec<String> },
    /// Several sessions start with this id (`matches` holds at most 8 of `count`).
    #[error(
        "\"{}\" matches {count} sessions: {}{}. Give more of the id.",
        sanitize(id),
        matches.join(", "),
        if *count > matches.len() { format!(" and {} more", count - matches.len()) } else { String::new() }
    )]
    Ambiguous { id: String, matches: Vec<String>, count: usize },
    /// The log exists but cannot be read at all (the reader's message names the file).
    #[error("{0}")]
    Unreadable(String),
    /// `logs export` without an id exports many sessions, which only CSV can hold.
    #[error(
        "without a session id, `logs export` writes every session the filters select, as CSV: \
         add --format csv, or give the id of one session to export as {format}"
    )]
    ManyNeedCsv { format: &'static str },
    /// `logs export` with an id and filters.
    #[error(
        "give either a session id or filters (--protocol, --person, --group, --since, --until, \
         --status) to `logs export`, not both"
    )]
    IdAndFilters,
    /// `--bom` for Markdown or JSON.
    #[error(
        "--bom is for CSV (it tells Excel the text is UTF-8): add --format csv, or leave it out"
    )]
    BomNeedsCsv,
    /// The review index failed during a query (it has been removed if it was damaged, so the
    /// next command builds it again from the logs).
    #[error(
        "the review index failed: {reason}. Run the command again: the index is rebuilt from the logs when needed."
    )]
    Index { reason: String },
}

impl ReviewError {
    /// Whether this is the machine's failure (a disk), not the user's input.
    pub(crate) fn is_machine_failure(&self) -> bool {
        matches!(
            self,
            Self::ReadFolder { .. } | Self::Write { .. } | Self::Encode { .. } | Self::Index { .. }
        )
    }
}

/// The data folder, or the error that says how to give one.
pub(crate) fn data_dir(explicit: Option<&Path>) -> Result<std::path::PathBuf, ReviewError> {
    crate::log::data_dir(explicit).ok_or(ReviewError::NoDataDir)
}
