//! Sessions as whole digests in memory: [`Scan`], for the few uses that want every session of a
//! small set at once (resume and mirror pick among the unfinished ones). The review commands ask
//! the [`super::index`] instead, which never holds every session.

use std::path::{Path, PathBuf};

use super::ReviewError;
use super::digest::{Digest, SessionStatus};
use super::index::{Index, Query};

/// One session.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The session id (from its log's header; for a log that cannot be read, from its name).
    pub id: String,
    pub path: PathBuf,
    /// The digest, or why the file could not be read at all.
    pub digest: Result<Digest, String>,
}

impl Entry {
    pub fn ok(&self) -> Option<&Digest> {
        self.digest.as_ref().ok()
    }
}

/// Sessions of a data folder, newest first.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    pub sessions_dir: PathBuf,
    pub entries: Vec<Entry>,
    /// How many logs were read (not already in the index) to answer.
    pub read: usize,
}

/// The unfinished sessions only (what `convene resume` and `convene mirror` choose from).
pub fn scan_unfinished(data: &Path) -> Result<Scan, ReviewError> {
    let index = Index::open(data)?;
    index.map_for_few();
    let filter = super::Filter { status: Some(SessionStatus::Unfinished), ..Default::default() };
    let entries = index.entries(&Query::new(&filter))?;
    Ok(Scan { sessions_dir: index.sessions_dir().to_path_buf(), entries, read: index.read })
}

/// One session by id or unique beginning of one, with its digest.
pub fn find(data: &Path, id: &str) -> Result<Entry, ReviewError> {
    let index = Index::open(data)?;
    index.map_for_few();
    let at = index.resolve(id)?;
    index.entry(&at)
}

/// The creation time a session id encodes (`20261123-083000-123…`, UTC), in milliseconds.
pub fn id_time(id: &str) -> Option<i64> {
    let stamp = id.get(..19)?;
    chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S-%3f")
        .ok()
        .map(|t| t.and_utc().timestamp_millis())
}
