//! Session logs on disk: one JSON Lines file per session under `<data dir>/sessions/`. The first
//! line is a [`Header`] (the setup, with the whole protocol as used); each further line is one
//! engine event with a sequence number. See `docs/log-format.md`.
//!
//! The log is the source of truth: resume, the projector mirror and review are all replay.

pub mod bring_back;
pub mod files;
pub mod follow;
pub mod reader;
pub mod writer;

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

use crate::session::{Setup, Stamped};

/// The log format version this build writes.
pub const LOG_FORMAT: u32 = 1;

/// The first line of a session log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Always `"header"`.
    pub kind: String,
    pub format: u32,
    /// Version of convene that wrote the log.
    pub convene: String,
    pub session: String,
    #[serde(with = "crate::session::event::wall_ms")]
    pub created: DateTime<FixedOffset>,
    pub setup: Setup,
}

impl Header {
    pub fn new(session: String, created: DateTime<FixedOffset>, setup: Setup) -> Self {
        Self {
            kind: "header".into(),
            format: LOG_FORMAT,
            convene: env!("CARGO_PKG_VERSION").into(),
            session,
            created,
            setup,
        }
    }
}

/// One event line: a sequence number and the stamped event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub seq: u64,
    #[serde(flatten)]
    pub stamped: Stamped,
}

/// The data folder: `--data-dir`/`CONVENE_DATA_DIR`, or the platform's data folder.
pub fn data_dir(explicit: Option<&Path>) -> Option<PathBuf> {
    explicit.map(Path::to_path_buf).or_else(|| {
        directories::ProjectDirs::from("", "", "convene").map(|d| d.data_dir().to_path_buf())
    })
}

/// `<data dir>/sessions`.
pub fn sessions_dir(data: &Path) -> PathBuf {
    data.join("sessions")
}

/// A session id that sorts by start time: `20261123-083000-123` (UTC, milliseconds). If a log
/// with that id already exists (two sessions started in the same millisecond) the writer adds
/// `-02`, `-03`… `-99`: as text, `<id>` < `<id>-02` < `<id>-03` < the next millisecond's ids, so
/// sorting ids (file names without `.jsonl`) sorts sessions by start time.
pub fn session_id(at: DateTime<Utc>) -> String {
    at.format("%Y%m%d-%H%M%S-%3f").to_string()
}

/// Whether `id` is a session id as convene makes them (`20261123-083000-123`, or with `-02`…
/// `-99` after it): a safe file name, so a log read from elsewhere can be put back under it.
pub fn is_session_id(id: &str) -> bool {
    if !id.is_ascii() || (id.len() != 19 && id.len() != 22) {
        return false;
    }
    let (stamp, suffix) = id.split_at(19);
    let shape = stamp
        .bytes()
        .enumerate()
        .all(|(i, b)| if i == 8 || i == 15 { b == b'-' } else { b.is_ascii_digit() });
    let suffix_ok = suffix.is_empty()
        || (suffix.starts_with('-')
            && suffix[1..].bytes().all(|b| b.is_ascii_digit())
            && &suffix[1..] >= "02");
    shape && suffix_ok && chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S-%3f").is_ok()
}

/// An advisory lock on a session's log, held by the process running the session, so that a
/// second `convene resume` cannot take over a session that is still running elsewhere. The
/// operating system releases it when the process ends, however it ends.
#[derive(Debug)]
pub struct SessionLock {
    _file: std::fs::File,
}

impl SessionLock {
    /// Takes the lock on a log convene has just created and not yet written to, waiting for it
    /// if need be: until its header is written the file is empty, which no command offers to
    /// resume, so the only other holders are commands checking [`in_use`] for an instant. `None`
    /// when locks are not supported here (the session runs anyway).
    pub fn wait(path: &Path) -> Option<Self> {
        let file = std::fs::File::open(path).ok()?;
        file.lock().ok().map(|()| Self { _file: file })
    }

    /// Takes the lock. `Ok(None)` when locks are not supported here (the session runs anyway);
    /// an error when another process holds it.
    pub fn acquire(path: &Path) -> Result<Option<Self>, LockError> {
        let Ok(file) = std::fs::File::open(path) else { return Ok(None) };
        match file.try_lock() {
            Ok(()) => Ok(Some(Self { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Err(LockError::Held {
                session: path
                    .file_stem()
                    .map(|s| s.to_string_lossy().to_string())
                    .unwrap_or_default(),
            }),
            Err(std::fs::TryLockError::Error(_)) => Ok(None),
        }
    }
}

/// Why a session's lock cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LockError {
    /// Another process runs the session (its id: the log's file name).
    #[error("session {session} is running in another terminal; `convene mirror` shows it there")]
    Held { session: String },
}

/// Whether a running convene process holds this session's log.
pub fn in_use(path: &Path) -> bool {
    SessionLock::acquire(path).is_err()
}
