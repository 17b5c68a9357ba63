//! Session logs on disk: one JSON Lines file per session under `<data dir>/sessions/`, in a
//! folder for the month of the session's id (`sessions/2026-11/<id>.jsonl`); logs written before
//! month folders stay in `sessions/` itself and are found there too. The first
//! line is a [`Header`] (the setup, with the whole protocol as used); each further line is one
//! engine event with a sequence number. See `docs/log-format.md`.
//!
//! The log is the source of truth: resume, the projector mirror and review are all replay.

pub mod bring_back;
pub(crate) mod files;
pub mod follow;
pub mod reader;
pub(crate) mod standing;
pub mod writer;

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

use crate::machine::Machine;
use crate::session::{Setup, Stamped};

/// The log format version this build writes.
pub(crate) const LOG_FORMAT: u32 = 1;

/// The largest log `convene resume --file` reads: 256 MiB (a day-long session's log is under
/// 1 MiB). A FIFO or a device given there is refused at once ([`crate::bounded`]).
pub(crate) const MAX_LOG_BYTES: u64 = 256 * 1024 * 1024;

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
    /// The machine that created the log (absent in logs written before machine ids, which are
    /// taken as this machine's): see [`crate::machine`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine: Option<Machine>,
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
            machine: None,
        }
    }

    /// The header with the machine that creates the log.
    #[must_use]
    pub fn on(mut self, machine: Option<Machine>) -> Self {
        self.machine = machine;
        self
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
pub(crate) fn data_dir(explicit: Option<&Path>) -> Option<PathBuf> {
    explicit.map(Path::to_path_buf).or_else(|| {
        directories::ProjectDirs::from("", "", "convene").map(|d| d.data_dir().to_path_buf())
    })
}

/// `<data dir>/sessions`.
pub fn sessions_dir(data: &Path) -> PathBuf {
    data.join("sessions")
}

/// The data folder a log in it belongs to: the folder holding the `sessions/` folder that holds
/// the log, directly or in a month folder (or a copy of one). `None` for a log elsewhere (`resume
/// --file` from a copy saved outside the data folder).
pub(crate) fn data_dir_of(log: &Path) -> Option<&Path> {
    log.ancestors()
        .skip(1)
        .take(2)
        .find(|dir| dir.file_name().is_some_and(|n| n == "sessions"))
        .and_then(Path::parent)
}

/// The month folder a session's log is written to: `YYYY-MM` from the date its id begins with
/// (`20261123-083000-123-k3f9` → `2026-11`). `None` for an id that does not begin with a date
/// (such a log is kept in the sessions folder itself).
pub fn month_of(id: &str) -> Option<String> {
    let digits = id.get(..8).filter(|d| d.bytes().all(|b| b.is_ascii_digit()))?;
    let folder = format!("{}-{}", &digits[..4], &digits[4..6]);
    is_month_folder(&folder).then_some(folder)
}

/// Whether a folder name in the sessions folder is a month folder: `YYYY-MM`, month 01–12.
/// Other folders (a sync tool's `2026-11 (1)`, anything of the user's) are not read.
pub(crate) fn is_month_folder(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || c.is_ascii_digit())
        && matches!(
            &name[5..],
            "01" | "02" | "03" | "04" | "05" | "06" | "07" | "08" | "09" | "10" | "11" | "12"
        )
}

/// Where a new log of session `id` is written: `<data dir>/sessions/YYYY-MM/<id>.jsonl`.
pub fn log_path(data: &Path, id: &str) -> PathBuf {
    let dir = sessions_dir(data);
    let dir = match month_of(id) {
        Some(month) => dir.join(month),
        None => dir,
    };
    dir.join(format!("{id}.jsonl"))
}

/// The log of session `id` under its own name, if there is one: in its month folder, else in
/// the sessions folder itself (where logs written before month folders stay).
pub fn find_log(data: &Path, id: &str) -> Option<PathBuf> {
    let month = log_path(data, id);
    let flat = sessions_dir(data).join(format!("{id}.jsonl"));
    [month, flat].into_iter().find(|p| p.is_file())
}

/// A new session id: the start time (UTC, to the millisecond) and a short random part,
/// `20261123-083000-123-k3f9`, so that two machines writing into one shared folder never pick
/// the same id. As text, ids sort by start time. If a log with that id already exists anyway the
/// writer adds `-02`, `-03`… `-99` (see [`writer::LogWriter::create`]).
///
/// Ids made before the random part (`20261123-083000-123`, `20261123-083000-123-02`) keep
/// working everywhere: [`is_session_id`] accepts both shapes.
pub fn session_id(at: DateTime<Utc>) -> String {
    use std::hash::{BuildHasher, Hasher};
    // std's RandomState is seeded from the operating system's randomness once per process and
    // moves on with each use: enough for four characters that only have to differ between
    // machines starting a session in the same millisecond.
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_i64(at.timestamp_millis());
    session_id_with(at, h.finish())
}

/// [`session_id`] with the random part taken from `random` (for generators that must give the
/// same ids for the same seed).
pub fn session_id_with(at: DateTime<Utc>, random: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut r = random;
    let mut tail = String::with_capacity(4);
    for _ in 0..RANDOM_LEN {
        tail.push(char::from(DIGITS[usize::try_from(r % 36).unwrap_or(0)]));
        r /= 36;
    }
    format!("{}-{tail}", at.format("%Y%m%d-%H%M%S-%3f"))
}

/// Characters in the random part of a session id.
const RANDOM_LEN: usize = 4;

/// Whether `id` is a session id as convene makes them: `20261123-083000-123-k3f9` (since the
/// random part was added), `20261123-083000-123` (before), either with `-02`…`-99` after it. Such
/// an id is a safe file name, so a log read from elsewhere can be put back under it.
pub fn is_session_id(id: &str) -> bool {
    if !id.is_ascii() || id.len() < 19 {
        return false;
    }
    let (stamp, mut rest) = id.split_at(19);
    let shape = stamp
        .bytes()
        .enumerate()
        .all(|(i, b)| if i == 8 || i == 15 { b == b'-' } else { b.is_ascii_digit() });
    if !shape || chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S-%3f").is_err() {
        return false;
    }
    // The random part: `-` and four lowercase letters or digits.
    if rest.len() == 1 + RANDOM_LEN || rest.len() == 1 + RANDOM_LEN + 3 {
        let (random, after) = rest.split_at(1 + RANDOM_LEN);
        if !(random.starts_with('-')
            && random[1..].bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
        {
            return false;
        }
        rest = after;
    }
    // The writer's `-02`…`-99` for ids taken already.
    rest.is_empty()
        || (rest.len() == 3
            && rest.starts_with('-')
            && rest[1..].bytes().all(|b| b.is_ascii_digit())
            && &rest[1..] >= "02")
}

/// An advisory lock on a session's log, held by the process running the session, so that a
/// second `convene resume` cannot take over a session that is still running elsewhere. The
/// operating system releases it when the process ends, however it ends.
///
/// It is a lock on the log file itself (`flock` on Unix, `LockFileEx` on Windows), not a lock
/// file: it writes nothing, so a sessions folder shared between machines holds only logs. It
/// guards one machine: other machines reading a shared folder may not see it.
#[derive(Debug)]
pub struct SessionLock {
    _file: std::fs::File,
}

impl SessionLock {
    /// Takes the lock on a log convene has just created and not yet written to, waiting for it
    /// if need be: until its header is written the file is empty, which no command offers to
    /// resume, so the only other holders are commands checking [`in_use`] for an instant. `None`
    /// when locks are not supported here (the session runs anyway).
    pub(crate) fn wait(path: &Path) -> Option<Self> {
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::data_dir_of;

    #[test]
    fn the_data_folder_of_a_log_is_found_from_a_month_folder_and_from_the_sessions_folder() {
        let data = Path::new("/home/ann/convene");
        let in_month = data.join("sessions").join("2026-12").join("20261207-090000-000-ab12.jsonl");
        let flat = data.join("sessions").join("20251107-090000-000-ab12.jsonl");
        let copy = data.join("sessions").join("2026-12 (1)").join("20261207-090000-000-ab12.jsonl");
        assert_eq!(data_dir_of(&in_month), Some(data));
        assert_eq!(data_dir_of(&flat), Some(data));
        assert_eq!(data_dir_of(&copy), Some(data));
        // A copy saved elsewhere (`resume --file`) belongs to no data folder.
        assert_eq!(data_dir_of(Path::new("/media/usb/saved/20261207-090000-000-ab12.jsonl")), None);
    }
}
