//! The review index: what the review needs from every log, in an `SQLite` database kept in the
//! user's cache folder, so that listing, filtering, the report and the commitments are queries,
//! and showing one session reads only that session's log.
//!
//! # The logs stay the source of truth
//!
//! The index is a copy, made from the logs and checked against them on every use; it is never
//! needed for a correct answer, only for a fast one:
//!
//! - it lives in `<cache folder>/index/sessions-<hash>.sqlite` ([`index_path`]), one per data
//!   folder (the hash is of the data folder's canonical path, which is also stored inside and
//!   checked), never inside the data folder, which may be shared between machines;
//! - a missing index is built; one whose schema version ([`schema::SCHEMA`]), convene version or
//!   data folder differ is rebuilt; a damaged one (not an `SQLite` file, cut short, or an `SQLite`
//!   error saying it is corrupt) is deleted and rebuilt; if the cache folder cannot be written
//!   the index is built in memory for the one command. Deleting it is always safe;
//! - WAL mode: a review reads while a live session appends to its log and while another review
//!   updates the index; writers wait for each other a little ([`BUSY_MS`], 2 s). An index that
//!   cannot be written (a full cache disk, another process holding its lock longer than that)
//!   is given up for the command, which reads the logs into an index in memory instead: it
//!   takes longer, never hangs, and gives the same answers;
//! - the old JSON cache (`<data>/cache/review-v1.json`) is deleted when found, with its folder
//!   if that is left empty.
//!
//! # Keeping it up to date, cheaply
//!
//! Every command that opens the index first brings it up to date ([`Index::open`]). A log is
//! read again only if it is new or changed; rows of deleted logs are dropped. A folder's
//! modification time alone is never trusted: sync tools that carry folder times (`rsync -a`,
//! two-way sync) set it back after adding or removing a log. Listing every folder on every
//! command is not cheap either (the kernel's part of listing 10,000 names is several
//! milliseconds), so:
//!
//! - **Logs are kept in month folders**, `sessions/YYYY-MM/<id>.jsonl` (the month of the id's
//!   date: [`crate::log::log_path`]). Logs from before month folders stay in the sessions folder
//!   itself and are read there too. A folder a sync tool made as a copy of a month folder
//!   (`2026-12 (1)`, and the other conflict names: [`super::copies::month_of_folder`]) is read
//!   as that month's. The index names a file by its path in the sessions folder,
//!   `2026-11/ID.jsonl` or `ID.jsonl` ([`split`]), and keeps each file's folder in a column of
//!   its own (`files.folder`).
//! - **Each folder's listing is recorded** (table `folders`) as a print: how many logs it holds
//!   and a sum of a hash of each one's name and identity: its inode on Unix, which the listing
//!   gives without a `stat` (a log replaced by a rename, as sync tools and `rsync` deliver a new
//!   version, has a new one), and its size and modification time on Windows, where the listing
//!   gives them. With it, the folder's **stamp** before the listing: on Unix its modification
//!   time and its status-change time (`ctime`). No program can set a `ctime` back: adding,
//!   removing or renaming a file in the folder sets it to now, and so does setting the folder's
//!   modification time back. Windows has no such time: there every folder is listed every time.
//!
//! An update `stat`s the sessions folder and every month folder (a few hundred at most), then
//! for each:
//!
//! 1. **Its stamp is the one recorded, and trusted, and the index holds as many rows for it as
//!    its recorded listing had** (all rows are counted, quickly, on a narrow index, and only if
//!    the total disagrees, folder by folder): nothing was added,
//!    removed, renamed or replaced, and nobody removed rows. It is not listed. Only the logs
//!    that can still grow in place are `stat`ed: the [`LIVE_CHECKED`] most lately written of
//!    the unfinished and unreadable ones, of those written in the 14 days before the latest
//!    change to a folder ([`LIVE_WINDOW_NS`]; a running session appends to its log without changing
//!    its folder, and its log is the latest written). An unfinished log left long ago grows
//!    again only when `convene resume` continues it, and resume tells the index
//!    ([`note_live`]), which puts it first. When nothing changed, this is the whole update: a
//!    `stat` per folder, no listing, no log read.
//! 2. **Otherwise it is listed**, and its print compared with the one recorded. The same print
//!    and as many rows: nothing to do. Else the listing and the names the index knows in the
//!    folder are walked side by side in name order: new names, replaced files and the logs that
//!    can still grow are `stat`ed, the rest are known. A month folder that has gone takes its
//!    rows with it. Rows that disagree with the recorded count (removed from outside, or an
//!    update cut short) make the folder walked: its missing logs are read again, and rows left
//!    hanging off no file are dropped.
//! 3. **A spot check**: the commands of one second in ten list one known folder, each folder in
//!    turn, as in 2 whatever its stamp says, so that a file system that keeps no honest `ctime`
//!    (some network or FUSE file systems) is caught up with as the review is used. Most commands
//!    pay nothing for it.
//!
//! A stamp is trusted only if its `ctime` was at least [`RACY_NS`] (2 s) old when it was
//! recorded: on file systems with coarse times, a log added within the same tick would not move
//! it. A young stamp is recorded as untrusted and the next update lists that folder again. The
//! one change this does not see is a log that has ended being rewritten in place on Unix,
//! keeping its name and inode (no sync tool delivers a file so; a file deleted and written again
//! between two updates may also get its old inode back); deleting the index makes it read
//! again.
//!
//! Logs to read are parsed on two threads and written in batches of [`BATCH`], each its own
//! transaction, so a first build can be interrupted at any point and the next run goes on where
//! it stopped; the folders' prints are recorded only once every log is in. When a write fails,
//! the readers stop with the writer. A build that reads many
//! logs shows a progress bar on standard error when that is a terminal.
//!
//! # Reading it
//!
//! The commands that ask about a few sessions (one session, one group, a page of the browser)
//! read the index through a memory mapping ([`Index::map_for_few`]); those that read everything
//! (report, actions, the whole list, the CSV of many sessions) read it page by page and keep
//! their memory small. See [`schema`] for how the tables are laid out for those questions.
//!
//! # Copies of one session
//!
//! Every `*.jsonl` file in the sessions folder and its month folders is indexed
//! ([`super::copies`]); files whose headers name the same
//! session are copies of it (a sync tool's conflict copy, a copy that arrived twice). One copy is
//! **shown** for each session — the one with the most events, then one that ended, then the one
//! with fewer unreadable lines, then the one under the session's own name — and only shown copies
//! count in any query, so a session is listed once and its commitments and follow-ups once. A
//! torn copy has fewer events or more problems than the complete one and never hides it. An
//! unreadable file is listed only if no readable copy stands for the session its name names.
//!
//! Copies that **fork** (a session continued on two laptops: common events, then each its own)
//! are merged ([`super::copies::merge`]): when a session with two or more readable copies is
//! touched by an update, its copies are read again and, if they fork, every copy's rows hold the
//! merged digest, with the fork (`details.fork`), so whichever is shown stands for both
//! branches ([`store::merge_forks`]). Removing a copy reads the rest again.

/// A statement's columns by name: `columns! { Cols: key, start }` makes a struct `Cols` whose
/// fields are the positions of the columns so named (`f.key` is named `key`; an expression needs
/// `AS`), found once by `Cols::of(&statement)` before the rows are read: looking a name up on
/// every row would search the names for each value read, and a million rows are read so.
/// A name the statement does not have fails at once, with its name.
macro_rules! columns {
    ($name:ident: $($col:ident),* $(,)?) => {
        struct $name {
            $($col: usize,)*
        }
        impl $name {
            fn of(st: &rusqlite::Statement<'_>) -> rusqlite::Result<Self> {
                Ok(Self { $($col: st.column_index(stringify!($col))?,)* })
            }
        }
    };
}

mod aggregates;
mod pack;
mod postings;
pub(crate) mod query;
pub(crate) mod schema;
mod store;
mod update;

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::ReviewError;

pub use query::{GroupHistory, Query, SessionRow, Summary};

/// How old a folder's `ctime` must be, when recorded, for its stamp to be trusted (see the
/// module docs).
pub(crate) const RACY_NS: i64 = 2_000_000_000;

/// How many of the logs that can still grow an update checks, the most lately written first
/// (see the module docs). A running session's log is always among them.
pub(crate) const LIVE_CHECKED: i64 = 256;

/// How lately a log that can still grow must have been written, as the index last saw it, for an
/// update to `stat` it (see the module docs): within 14 days of the latest change to the
/// sessions folder or a month folder (their modification or status-change time, the kernel's
/// clock like the logs' times, never the wall clock). No session runs that long; an unfinished
/// log left longer grows again only through `convene resume`, which tells the index
/// ([`note_live`]). So a data folder whose unfinished logs are old costs no `stat` of a log at
/// all, which matters after a reboot, when each `stat` is a read from the disk.
pub(crate) const LIVE_WINDOW_NS: i64 = 14 * 24 * 3_600 * 1_000_000_000;

/// Logs written per transaction.
pub(crate) const BATCH: usize = 500;

/// From how many logs to read a progress bar is shown (on a terminal).
const PROGRESS_FROM: usize = 200;

/// How long a writer waits for another process's transaction before the index is given up for
/// the command (it then reads the logs into an index in memory).
pub(crate) const BUSY_MS: u64 = 2_000;

/// An index opened and brought up to date for one data folder.
pub struct Index {
    pub(crate) conn: Connection,
    sessions_dir: PathBuf,
    /// Where the index is kept; `None` when it is in memory for this command only.
    pub path: Option<PathBuf>,
    /// How many logs the update that opened it read (the rest were known).
    pub read: usize,
    /// How many folders the update that opened it found changed and walked (the sessions folder
    /// itself and month folders; every folder is listed, the rest matched the index).
    pub listed: usize,
    /// Folders in the sessions folder that hold logs but are not read (neither a month folder
    /// nor a copy of one): review commands name them.
    pub left_out: Vec<PathBuf>,
    /// Stage ids known to be in the index (a cache for writing runs).
    stages: store::StageIds,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("sessions_dir", &self.sessions_dir)
            .field("path", &self.path)
            .field("read", &self.read)
            .finish_non_exhaustive()
    }
}

static CACHE_DIR: OnceLock<PathBuf> = OnceLock::new();

/// Makes this process keep its indexes under `dir` instead of [`cache_dir`]'s answer (tests use
/// a folder of their own). Only the first call counts; returns whether it did.
pub fn use_cache_dir(dir: PathBuf) -> bool {
    CACHE_DIR.set(dir).is_ok()
}

/// The folder convene keeps its indexes under: `CONVENE_CACHE_DIR` if set, else the platform's
/// cache folder (`~/.cache/convene` on Linux, `~/Library/Caches/convene` on macOS,
/// `%LOCALAPPDATA%\convene\cache` on Windows). `convene info` shows it.
pub fn cache_dir() -> Option<PathBuf> {
    if let Some(d) = CACHE_DIR.get() {
        return Some(d.clone());
    }
    if let Some(d) = std::env::var_os("CONVENE_CACHE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    directories::ProjectDirs::from("", "", "convene").map(|d| d.cache_dir().to_path_buf())
}

/// The data folder as the index knows it: canonical when it exists.
fn canonical(data: &Path) -> PathBuf {
    std::fs::canonicalize(data)
        .or_else(|_| std::path::absolute(data))
        .unwrap_or_else(|_| data.to_path_buf())
}

/// FNV-1a: a hash that stays the same across Rust versions and machines.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// The index file of a data folder: `<cache folder>/index/sessions-<hash>.sqlite`.
pub fn index_path(data: &Path) -> Option<PathBuf> {
    let key = canonical(data);
    let hash = fnv1a(key.as_os_str().as_encoded_bytes());
    Some(cache_dir()?.join("index").join(format!("sessions-{hash:016x}.sqlite")))
}

/// What went wrong while opening or updating.
#[derive(Debug)]
pub(crate) enum Fail {
    /// The sessions folder itself: the command fails.
    Folder(ReviewError),
    /// The database: rebuild, or fall back to memory.
    Db(rusqlite::Error),
}

impl From<rusqlite::types::FromSqlError> for Fail {
    fn from(e: rusqlite::types::FromSqlError) -> Self {
        Fail::Db(e.into())
    }
}

impl From<rusqlite::Error> for Fail {
    fn from(e: rusqlite::Error) -> Self {
        Fail::Db(e)
    }
}

/// Whether `SQLite` says the file is damaged or not a database.
pub(crate) fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
    )
}

/// The `SQLite` file and its companions.
fn remove_files(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// A quick look at the file before `SQLite` opens it: an `SQLite` header, a whole number of pages,
/// and (when no write-ahead log holds more) as many pages as the header says. A file that fails
/// this was cut short or overwritten.
fn looks_damaged(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else { return false };
    let len = meta.len();
    if len == 0 {
        return false;
    }
    let mut head = [0u8; 100];
    let read = std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head));
    if read.is_err() || &head[..16] != b"SQLite format 3\0" {
        return true;
    }
    let page = match u32::from(u16::from_be_bytes([head[16], head[17]])) {
        1 => 65_536,
        p => p,
    };
    if page < 512 || !page.is_power_of_two() || len % u64::from(page) != 0 {
        return true;
    }
    let pages = u64::from(u32::from_be_bytes([head[28], head[29], head[30], head[31]]));
    let counter_valid = head[24..28] == head[92..96];
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let wal_empty = std::fs::metadata(PathBuf::from(wal)).map_or(true, |m| m.len() == 0);
    counter_valid && wal_empty && pages > 0 && len < pages * u64::from(page)
}

fn meta(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get("value")).optional()
}

pub(crate) fn set_meta(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES(?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_millis(BUSY_MS))?;
    // Large pages: a scan of 100,000 sessions reads a quarter as many. Only a new, empty
    // database takes it (and only before it is in WAL mode).
    conn.execute_batch("PRAGMA page_size = 16384;")?;
    // `journal_mode` answers with the mode in force; an in-memory database stays `memory`.
    let _: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get("journal_mode"))?;
    conn.execute_batch(
        "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -8000; PRAGMA foreign_keys = OFF;",
    )?;
    Ok(())
}

fn create_schema(conn: &Connection, data: &Path) -> rusqlite::Result<()> {
    let tx = conn.unchecked_transaction()?;
    tx.execute_batch(schema::CREATE)?;
    set_meta(&tx, "schema", &schema::SCHEMA.to_string())?;
    set_meta(&tx, "convene", env!("CARGO_PKG_VERSION"))?;
    set_meta(&tx, "data", &canonical(data).display().to_string())?;
    tx.commit()
}

/// Whether an opened database is an index of this version for this data folder: `Ok(None)` when
/// it is empty (new), `Ok(Some(false))` when it must be rebuilt.
fn is_current(conn: &Connection, data: &Path) -> rusqlite::Result<Option<bool>> {
    let tables: i64 =
        conn.query_row("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'", [], |r| {
            r.get("n")
        })?;
    if tables == 0 {
        return Ok(None);
    }
    let has_meta: i64 = conn.query_row(
        "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
        [],
        |r| r.get("n"),
    )?;
    if has_meta == 0 {
        return Ok(Some(false));
    }
    let ok = meta(conn, "schema")?.as_deref() == Some(&schema::SCHEMA.to_string())
        && meta(conn, "convene")?.as_deref() == Some(env!("CARGO_PKG_VERSION"))
        && meta(conn, "data")?.as_deref() == Some(&canonical(data).display().to_string());
    Ok(Some(ok))
}

/// Opens the index file, creating it (0600, in a 0700 folder) or rebuilding it as needed.
fn open_file(path: &Path, data: &Path) -> rusqlite::Result<Connection> {
    if looks_damaged(path) {
        remove_files(path);
    }
    if let Some(dir) = path.parent() {
        let _ = crate::log::files::create_private_dir(dir);
    }
    if !path.exists() {
        // Created private before `SQLite` opens it; its companions take its permissions.
        let _ = crate::log::files::open_new_private(path);
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags)?;
    let checked = configure(&conn).and_then(|()| is_current(&conn, data));
    match checked {
        Ok(Some(true)) => Ok(conn),
        Ok(None) => {
            create_schema(&conn, data)?;
            Ok(conn)
        }
        Ok(Some(false)) => {
            drop(conn);
            remove_files(path);
            open_fresh(path, data)
        }
        Err(e) if is_damage(&e) => {
            drop(conn);
            remove_files(path);
            open_fresh(path, data)
        }
        Err(e) => Err(e),
    }
}

/// A new, empty index at `path` (whatever was there was removed).
fn open_fresh(path: &Path, data: &Path) -> rusqlite::Result<Connection> {
    let _ = crate::log::files::open_new_private(path);
    let conn = Connection::open(path)?;
    configure(&conn)?;
    create_schema(&conn, data)?;
    Ok(conn)
}

/// Deletes the JSON review cache of earlier versions (`<data>/cache/review-v1.json`, and its
/// folder when nothing else is in it).
fn remove_old_cache(data: &Path) {
    let dir = data.join("cache");
    let Ok(items) = std::fs::read_dir(&dir) else { return };
    for item in items.flatten() {
        let name = item.file_name();
        let name = name.to_string_lossy();
        if name == "review-v1.json"
            || (name.starts_with(".review-v1.json.") && name.ends_with(".tmp"))
        {
            let _ = std::fs::remove_file(item.path());
        }
    }
    // Fails, harmlessly, when anything else is in it.
    let _ = std::fs::remove_dir(&dir);
}

impl Index {
    /// Opens the index of a data folder and brings it up to date, showing progress on a
    /// terminal if many logs must be read. A missing sessions folder is an empty index.
    pub fn open(data: &Path) -> Result<Self, ReviewError> {
        Self::open_with(data, true)
    }

    /// [`Index::open`]; `progress: false` never shows a progress bar.
    pub(crate) fn open_with(data: &Path, progress: bool) -> Result<Self, ReviewError> {
        remove_old_cache(data);
        let sessions_dir = crate::log::sessions_dir(data);
        match std::fs::metadata(&sessions_dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(ReviewError::ReadFolder {
                    folder: sessions_dir,
                    reason: "not a folder".into(),
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Self::in_memory(data, sessions_dir, progress);
            }
            Err(e) => {
                return Err(ReviewError::ReadFolder {
                    folder: sessions_dir,
                    reason: e.to_string(),
                });
            }
        }
        if let Some(path) = index_path(data) {
            for attempt in 0..2 {
                let Ok(conn) = open_file(&path, data) else { break };
                let mut ix = Self {
                    conn,
                    sessions_dir: sessions_dir.clone(),
                    path: Some(path.clone()),
                    read: 0,
                    listed: 0,
                    left_out: Vec::new(),
                    stages: store::StageIds::new(),
                };
                match ix.update(progress) {
                    Ok(()) => return Ok(ix),
                    Err(Fail::Folder(e)) => return Err(e),
                    Err(Fail::Db(e)) if is_damage(&e) && attempt == 0 => {
                        drop(ix);
                        remove_files(&path);
                    }
                    Err(Fail::Db(_)) => break,
                }
            }
        }
        Self::in_memory(data, sessions_dir, progress)
    }

    /// An index in memory, for one command: when the cache folder cannot hold one.
    fn in_memory(data: &Path, sessions_dir: PathBuf, progress: bool) -> Result<Self, ReviewError> {
        let fail = |e: rusqlite::Error| ReviewError::Index { reason: e.to_string() };
        let conn = Connection::open_in_memory().map_err(fail)?;
        configure(&conn).map_err(fail)?;
        create_schema(&conn, data).map_err(fail)?;
        let mut ix = Self {
            conn,
            sessions_dir,
            path: None,
            read: 0,
            listed: 0,
            left_out: Vec::new(),
            stages: store::StageIds::new(),
        };
        match ix.update(progress) {
            Ok(()) => Ok(ix),
            Err(Fail::Folder(e)) => Err(e),
            Err(Fail::Db(e)) => Err(fail(e)),
        }
    }

    /// Reads the index through a memory mapping from now on: for the commands that ask about a
    /// few sessions (one session, one group, a page of the list). A new process starts with an
    /// empty page cache, and reading through `mmap` rather than a system call per page makes
    /// such a cold query several times faster (measured at 100,000 sessions: a group's open
    /// commitments in 9 ms rather than 77 ms). Not for the commands that read everything
    /// (report, actions, the whole list), whose every mapped page would count in the process's
    /// memory; nor for the update, which may be a first build; nor for a group's first frame
    /// ([`Index::open_commitments`], [`Index::group_history`]), whose rows are side by side in a
    /// few pages: after a reboot, the first touch of each mapped page reads the device's whole
    /// read-ahead window around it (8 MB on the VM of docs/benchmarks.md: a group's first frame
    /// read 56–230 MB so), while a page read reads the page.
    pub(crate) fn map_for_few(&self) {
        let _ = self.conn.query_row("PRAGMA mmap_size = 1073741824", [], |_| Ok(()));
    }

    /// What a review command says when folders holding logs are not read ([`Index::left_out`]),
    /// one line each; `None` when every log is read.
    pub(crate) fn left_out_note(&self) -> Option<String> {
        if self.left_out.is_empty() {
            return None;
        }
        let mut note = String::from(
            "logs in these folders are not read (only month folders, YYYY-MM, and the copies \
             sync tools make of them are): move them into the sessions folder",
        );
        for dir in &self.left_out {
            note.push_str("\n  ");
            note.push_str(&dir.display().to_string());
        }
        Some(note)
    }

    /// `<data dir>/sessions`.
    pub fn sessions_dir(&self) -> &Path {
        &self.sessions_dir
    }

    /// The path of a log the index names (`2026-11/ID.jsonl`, or `ID.jsonl` for one in the
    /// sessions folder itself).
    pub(crate) fn log_path(&self, name: &str) -> PathBuf {
        file_path(&self.sessions_dir, name)
    }

    /// A failed query: the index file is removed (the next command builds it again) and the
    /// error says so.
    pub(crate) fn failed(&self, e: &rusqlite::Error) -> ReviewError {
        if let Some(path) = &self.path
            && is_damage(e)
        {
            remove_files(path);
        }
        ReviewError::Index { reason: e.to_string() }
    }
}

/// Brings an existing index up to date, quietly, and never builds one: `convene run` and
/// `convene resume` call it once the screen has closed, so that the review after a session does
/// not pay for the listing its new log makes necessary. Errors are ignored (the next review
/// command updates the index anyway).
pub(crate) fn refresh_if_present(data: &Path) {
    if index_path(data).is_some_and(|p| p.is_file()) {
        let _ = Index::open_with(data, false);
    }
}

/// Tells the index that a log is being written to again (`convene resume` continues it): an
/// unfinished log left long ago may not be among the [`LIVE_CHECKED`] an update checks while
/// its folder does not change. Best effort and quick: no update, nothing read; an index that
/// does not exist yet is left so.
pub fn note_live(data: &Path, log: &Path) {
    let (Some(path), Some(name)) =
        (index_path(data), name_in(&crate::log::sessions_dir(data), log))
    else {
        return;
    };
    if !path.is_file() {
        return;
    }
    let Ok(conn) = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_WRITE) else {
        return;
    };
    let _ = conn.busy_timeout(std::time::Duration::from_millis(BUSY_MS));
    // The latest time there can be, which is not the file's: the next update checks it first,
    // sees it differ, and reads it.
    let (folder, own, base) = store::name_args(&name);
    let _ = conn.execute(
        &format!("UPDATE files SET mtime_ns = ?4, live = 1 WHERE fid IN ({})", store::FID_OF_NAME),
        rusqlite::params![folder, own, base, i64::MAX],
    );
}

/// A file's name as the index keeps it ([`split`]): its path in the sessions folder `top`,
/// `YYYY-MM/NAME` or `NAME`. `None` for a file elsewhere.
pub(crate) fn name_in(top: &Path, log: &Path) -> Option<String> {
    let name = log.file_name()?.to_str()?;
    let parent = log.parent()?;
    let same = |a: &Path, b: &Path| {
        a == b
            || matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
    };
    if same(parent, top) {
        return Some(name.to_string());
    }
    let month = parent.file_name()?.to_str()?;
    (super::copies::month_of_folder(month).is_some() && same(parent.parent()?, top))
        .then(|| format!("{month}/{name}"))
}

/// A name as the index keeps it, split into its folder (`''` for the sessions folder itself, or
/// `YYYY-MM`) and the file's own name.
pub(crate) fn split(name: &str) -> (&str, &str) {
    name.split_once('/').unwrap_or(("", name))
}

/// The path of a file the index names ([`split`]), in the sessions folder `top`.
pub(crate) fn file_path(top: &Path, name: &str) -> PathBuf {
    match split(name) {
        ("", file) => top.join(file),
        (folder, file) => top.join(folder).join(file),
    }
}

/// Now, in nanoseconds since 1970 (for the folder-stamp guard and the spot check).
pub(crate) fn now_ns() -> i64 {
    crate::clock::utc_now().timestamp_nanos_opt().unwrap_or(i64::MAX)
}

/// A file's modification time in nanoseconds since 1970 (0 if unknown).
pub(crate) fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// Whether a progress bar goes to standard error.
pub(crate) fn progress_wanted(todo: usize) -> bool {
    use std::io::IsTerminal;
    todo >= PROGRESS_FROM && std::io::stderr().is_terminal()
}
