//! The durable writer: write, then show. Each event is written to the file (straight to the
//! operating system: convene keeps no buffer of its own) before the caller applies it; the file is
//! synced to the disk when the session starts, at every stage change and at the end. Folders are
//! created 0700 and files 0600.
//!
//! If writing fails the writer keeps every line in memory, says why in [`LogWriter::error`],
//! tries again with the next event (or [`LogWriter::retry`]), and can save everything to another
//! place with [`LogWriter::save_copy`]: nothing is lost silently.
//!
//! # Retrying without duplicates
//!
//! The writer knows how many bytes of the file hold whole lines (`written_len`). A failed write may
//! leave part of a line on disk; before writing again the writer cuts the file back to
//! `written_len`, then writes every line not yet written, whole. So no line is ever written
//! twice and none is glued to a torn fragment. If a sync fails, the kernel may have dropped the
//! data written since the last good sync: the writer cuts the file back to what was last synced
//! and writes the rest again.
//!
//! # A log deleted or cut short under a running session
//!
//! Before every write (each event, each retry, and each wake-up of the live screen that follows a
//! change in the log's folder: see [`LogWriter::watch`]) the writer checks that its path still
//! names the file it writes to (same device and inode on Unix; on
//! other platforms, that the file exists) and that the file is not shorter than what was written.
//! If the file or its folder was deleted, replaced or cut short (`: > LOG`), it writes the whole
//! log again from memory (to a temporary file, then renamed into place; a deleted folder is
//! created again, 0700) and says so in [`LogWriter::notice`]. Writes are in append mode, so they
//! always land at the end of the file.
//!
//! # The session lock
//!
//! The writer holds the session's lock ([`super::SessionLock`]) from the moment the file
//! exists, before its header is written, so no other process ever sees a readable log of this
//! session unlocked; a log written again after a loss is locked before it takes the path.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::files::{
    cannot, create_private_dir, file_id, make_private, open_append, open_new_private, sync_dir,
};
use super::{Header, Line, SessionLock};

mod recovery;
mod watch;

use crate::session::{Event, Stamped};
use recovery::Loss;
pub(crate) use recovery::Superseded;

/// The most sessions that can share one id (start in the same millisecond): `-02` … `-99`.
const MAX_SAME_ID: u32 = 99;

/// Appends a session's lines to its file.
#[derive(Debug)]
pub struct LogWriter {
    /// Where the log is, or will be once it can be created.
    pub path: PathBuf,
    /// The session id: the file name without `.jsonl`.
    pub session: String,
    /// Why the log is not being saved, if it is not: plain words naming the path.
    pub error: Option<String>,
    /// What happened to the log under the session, now repaired: it was deleted or cut short
    /// (in plain words naming the path), and has been written again, whole, from memory. Kept
    /// for the screen and the message after the session.
    pub notice: Option<String>,
    /// What became of the log in the sessions folder once the whole session was saved elsewhere
    /// ([`LogWriter::supersede`]). The writer writes nothing more after that.
    pub superseded: Option<Superseded>,
    /// The open file; `None` before it is created and after a failure, until the next try.
    file: Option<File>,
    /// Set until the file has been created: what is needed to create it.
    to_create: Option<ToCreate>,
    /// Every line of the log, written or not, so a failed log can be saved elsewhere in full.
    lines: Vec<String>,
    /// `lines[..written]` are in the file, taking its first `written_len` bytes.
    written: usize,
    written_len: u64,
    /// `lines[..synced]` (`synced_len` bytes) were on disk at the last successful sync.
    synced: usize,
    synced_len: u64,
    /// `lines[..sync_wanted]` must be synced (a start, a stage change or the end is among them).
    sync_wanted: usize,
    /// The file may hold bytes past `written_len` (a torn write): cut them before writing.
    dirty: bool,
    next_seq: u64,
    /// Test support: the file cannot grow beyond this many bytes (a full disk).
    max_len: Option<u64>,
    /// The session lock, on the file at `path`.
    lock: Option<SessionLock>,
    /// The file written to, as (device, inode); `None` where that cannot be known.
    identity: Option<(u64, u64)>,
    /// Test data only ([`LogWriter::create_unsynced`]): never wait for the disk.
    no_sync: bool,
    /// The file at `path` is not (all of) the log any more: write the whole log again.
    rewrite: Option<Loss>,
    /// The log's folder is watched: [`LogWriter::retry`] looks at the log only after a change.
    watch: Option<watch::Watch>,
}

#[derive(Debug)]
struct ToCreate {
    data: PathBuf,
    id: String,
    header: Header,
}

/// An event line, serialized without copying the event.
#[derive(Serialize)]
struct LineRef<'a> {
    seq: u64,
    #[serde(flatten)]
    stamped: &'a Stamped,
}

fn header_line(header: &Header, id: &str) -> String {
    let mut h = header.clone();
    h.session = id.to_string();
    serde_json::to_string(&h).unwrap_or_default()
}

fn len64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

impl LogWriter {
    /// Creates a new log `<data>/sessions/YYYY-MM/<id>.jsonl` (the month of the id's date: see
    /// [`super::log_path`]) and writes the header, with the session id
    /// in it set to the file's. If that file exists (two sessions started in the same
    /// millisecond), the id becomes `<id>-02`, `<id>-03`…, which sort after `<id>` and before the
    /// next millisecond's ids.
    ///
    /// Never fails: a failure is kept in [`LogWriter::error`], the lines in memory, and creating
    /// the file is tried again with every event.
    pub fn create(data: &Path, id: &str, header: &Header) -> Self {
        Self::create_with(data, id, header, false)
    }

    /// [`LogWriter::create`] for generated test data: the lines are written the same way but
    /// never synced to the disk (a generator writing 100,000 logs would spend its time waiting
    /// for it). No session is ever written this way.
    pub fn create_unsynced(data: &Path, id: &str, header: &Header) -> Self {
        Self::create_with(data, id, header, true)
    }

    fn create_with(data: &Path, id: &str, header: &Header, no_sync: bool) -> Self {
        let mut w = Self {
            path: super::log_path(data, id),
            session: id.to_string(),
            error: None,
            notice: None,
            superseded: None,
            file: None,
            to_create: Some(ToCreate {
                data: data.to_path_buf(),
                id: id.to_string(),
                header: header.clone(),
            }),
            lines: vec![header_line(header, id)],
            written: 0,
            written_len: 0,
            synced: 0,
            synced_len: 0,
            sync_wanted: 1,
            dirty: false,
            next_seq: 1,
            max_len: None,
            lock: None,
            identity: None,
            rewrite: None,
            no_sync,
            watch: None,
        };
        w.write_out();
        w
    }

    /// Continues an existing log (resume) after `last_seq`. Refuses a file whose first line is
    /// not a header of this format. Lines already in the file are kept in memory too, so [`LogWriter::save_copy`] still saves the whole session. A torn last line
    /// (convene stopped while writing it) is cut off; a last line that is whole but lacks its
    /// newline is finished.
    pub fn reopen(path: &Path, session: &str, last_seq: u64) -> io::Result<Self> {
        let mut file = OpenOptions::new().read(true).append(true).open(path)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
        let known = serde_json::from_slice::<serde_json::Value>(first).is_ok_and(|h| {
            h.get("kind").and_then(serde_json::Value::as_str) == Some("header")
                && h.get("format").and_then(serde_json::Value::as_u64)
                    == Some(u64::from(super::LOG_FORMAT))
        });
        if !known {
            // Never add to a file this convene cannot read (a newer format, or not a log).
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{} is not a session log of format {}", path.display(), super::LOG_FORMAT),
            ));
        }
        let whole = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let mut lines: Vec<String> = bytes[..whole]
            .split(|&b| b == b'\n')
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .collect();
        lines.pop(); // the empty piece after the last newline
        let written = lines.len();
        let tail = &bytes[whole..];
        if !tail.is_empty() {
            let complete = std::str::from_utf8(tail).ok().filter(|t| {
                serde_json::from_str::<Line>(t).is_ok()
                    || (whole == 0 && serde_json::from_str::<Header>(t).is_ok())
            });
            match complete {
                Some(t) => lines.push(t.to_string()),
                None if whole == 0 => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("{} has no readable header line", path.display()),
                    ));
                }
                None => {}
            }
        }
        let identity = file.metadata().ok().as_ref().and_then(file_id);
        let mut w = Self {
            path: path.to_path_buf(),
            session: session.to_string(),
            error: None,
            notice: None,
            superseded: None,
            file: Some(file),
            to_create: None,
            sync_wanted: lines.len(),
            lines,
            written,
            written_len: len64(whole),
            synced: written,
            synced_len: len64(whole),
            dirty: !tail.is_empty(),
            next_seq: last_seq + 1,
            max_len: None,
            lock: None,
            identity,
            rewrite: None,
            no_sync: false,
            watch: None,
        };
        if w.dirty {
            w.write_out();
        }
        Ok(w)
    }

    /// Keeps the session lock taken on this log (by `convene resume`, before reading it), so
    /// that the writer can move it to the log if it ever has to write the log again.
    pub(crate) fn hold(&mut self, lock: Option<SessionLock>) {
        self.lock = lock;
    }

    /// Writes one event (and any earlier lines still waiting). Returns `true` when everything so
    /// far is in the file, `false` when some of it is only in memory (see [`LogWriter::error`]).
    pub fn append(&mut self, e: &Stamped) -> bool {
        let line = LineRef { seq: self.next_seq, stamped: e };
        let text = match serde_json::to_string(&line) {
            Ok(t) => t,
            Err(err) => {
                self.error = Some(format!("cannot encode event {}: {err}", self.next_seq));
                return false;
            }
        };
        self.next_seq += 1;
        self.lines.push(text);
        if matches!(
            e.event,
            Event::StageEntered { .. } | Event::SessionEnded { .. } | Event::SessionStarted { .. }
        ) {
            self.sync_wanted = self.lines.len();
        }
        self.write_out();
        self.error.is_none()
    }

    /// Tries again to write everything not yet written, after checking that the log is still
    /// there, whole (see the module documentation). Returns `true` when all of it is.
    pub fn retry(&mut self) -> bool {
        if let Some(w) = &self.watch
            && self.error.is_none()
            && self.to_create.is_none()
            && self.rewrite.is_none()
            && self.pending() == 0
            && !w.must_look()
        {
            // Everything is written and nothing changed in the log's folder since the last look.
            return true;
        }
        self.write_out();
        if self.to_create.is_none()
            && let Some(w) = self.watch.as_mut()
        {
            // Watched afresh: the folder may have been deleted and made again.
            w.follow(&self.path);
        }
        self.error.is_none()
    }

    /// From now on [`LogWriter::retry`] looks at the log only when the file system says that
    /// something changed in its folder (a deletion, a rename, a write), and `wake` is called
    /// (from another thread) when it does, to wake the screen's loop; where the folder cannot be
    /// watched, `retry` looks every time, as before. The live screen's loop calls `retry` at
    /// every wake-up: with the watch, a second in which only the countdown changes makes no
    /// system call for the log.
    pub(crate) fn watch(&mut self, wake: fn()) {
        self.watch = Some(watch::Watch::new(wake));
        if self.to_create.is_none() {
            self.retry();
        }
    }

    /// Whether the file holds the whole log and nothing is wrong with it: created, every line
    /// written, no failure, no loss being repaired (one repaired already, the `notice`, is
    /// fine), not saved elsewhere. Only then may another program continue the session from the
    /// file alone ([`crate::tui::handoff`]).
    pub fn settled(&self) -> bool {
        self.to_create.is_none()
            && self.file.is_some()
            && self.pending() == 0
            && self.error.is_none()
            && self.superseded.is_none()
            && self.rewrite.is_none()
    }

    /// Lines not yet in the file.
    pub fn pending(&self) -> usize {
        self.lines.len() - self.written
    }

    /// Test support: pretend the disk is full once the file reaches `max_len` bytes (a write that
    /// would pass it writes what fits, then fails as a full disk does); `None` frees the disk.
    #[doc(hidden)]
    pub fn simulate_disk_limit(&mut self, max_len: Option<u64>) {
        self.max_len = max_len;
    }

    fn write_out(&mut self) {
        if self.superseded.is_some() {
            // Saved elsewhere and set aside: this log is no longer written.
            return;
        }
        self.error = self.try_write().err();
    }

    fn try_write(&mut self) -> Result<(), String> {
        self.try_create()?;
        if let Some(loss) = self.check()? {
            // Everything is in memory: write it all again, as a new file.
            self.rewrite = Some(loss);
            self.file = None;
            self.written = 0;
            self.written_len = 0;
            self.synced = 0;
            self.synced_len = 0;
            self.sync_wanted = self.lines.len();
            self.dirty = false;
        }
        if let Some(loss) = self.rewrite {
            return self.rewrite_whole().map_err(|e| {
                format!(
                    "{} while the session ran, and writing it again failed: {e}",
                    loss.describe(&self.path)
                )
            });
        }
        let mut file = if let Some(f) = self.file.take() {
            f
        } else {
            // Reopened after a failure: what lies past `written_len` is unknown.
            self.dirty = true;
            open_append(&self.path).map_err(|e| cannot("write", &self.path, &e))?
        };
        if self.dirty {
            file.set_len(self.written_len).map_err(|e| cannot("write", &self.path, &e))?;
            self.dirty = false;
        }
        if self.written < self.lines.len() {
            let mut buf = String::new();
            for l in &self.lines[self.written..] {
                buf.push_str(l);
                buf.push('\n');
            }
            if let Err(e) = self.write_limited(&mut file, buf.as_bytes()) {
                self.dirty = true;
                return Err(cannot("write", &self.path, &e));
            }
            self.written = self.lines.len();
            self.written_len += len64(buf.len());
        }
        if self.synced < self.sync_wanted {
            if let Err(e) = if self.no_sync { Ok(()) } else { file.sync_data() } {
                // What was written since the last good sync may not be on disk: write it again.
                self.written = self.synced;
                self.written_len = self.synced_len;
                self.dirty = true;
                return Err(cannot("save", &self.path, &e));
            }
            self.synced = self.written;
            self.synced_len = self.written_len;
        }
        self.file = Some(file);
        Ok(())
    }

    fn write_limited(&self, file: &mut File, bytes: &[u8]) -> io::Result<()> {
        if let Some(max) = self.max_len {
            let room = usize::try_from(max.saturating_sub(self.written_len)).unwrap_or(usize::MAX);
            if bytes.len() > room {
                file.write_all(&bytes[..room])?;
                return Err(io::Error::new(io::ErrorKind::StorageFull, "No space left on device"));
            }
        }
        file.write_all(bytes)
    }

    /// Creates the folders and the file, if not done yet.
    fn try_create(&mut self) -> Result<(), String> {
        let Some(c) = &self.to_create else {
            return Ok(());
        };
        let top = super::sessions_dir(&c.data);
        create_private_dir(&c.data).map_err(|e| cannot("create the folder", &c.data, &e))?;
        create_private_dir(&top)
            .and_then(|()| make_private(&top))
            .map_err(|e| cannot("create the folder", &top, &e))?;
        let dir =
            super::log_path(&c.data, &c.id).parent().map_or_else(|| top.clone(), Path::to_path_buf);
        let new_month = !dir.is_dir();
        create_private_dir(&dir)
            .and_then(|()| make_private(&dir))
            .map_err(|e| cannot("create the folder", &dir, &e))?;
        if new_month && !self.no_sync {
            sync_dir(&top);
        }
        for n in 1..=MAX_SAME_ID {
            let id = if n == 1 { c.id.clone() } else { format!("{}-{n:02}", c.id) };
            let path = dir.join(format!("{id}.jsonl"));
            // A log of that id written before month folders, in the sessions folder itself,
            // takes the id too.
            if dir != top && top.join(format!("{id}.jsonl")).exists() {
                continue;
            }
            match open_new_private(&path) {
                Ok(f) => {
                    // Locked before a byte is written: until then the file is empty, which no
                    // command offers to resume.
                    self.lock = SessionLock::wait(&path);
                    self.identity = f.metadata().ok().as_ref().and_then(file_id);
                    if !self.no_sync {
                        sync_dir(&dir);
                    }
                    self.lines[0] = header_line(&c.header, &id);
                    self.path = path;
                    self.session = id;
                    self.file = Some(f);
                    self.to_create = None;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(cannot("create", &path, &e)),
            }
        }
        Err(format!(
            "cannot create a log in {}: {MAX_SAME_ID} sessions already have the id {}",
            dir.display(),
            c.id
        ))
    }

    /// Saves the complete log (every line, written or not) to a new file, 0600; missing folders
    /// are created 0700. Refuses to overwrite an existing file. Used when the normal place failed.
    pub fn save_copy(&self, to: &Path) -> io::Result<()> {
        if let Some(parent) = to.parent()
            && !parent.as_os_str().is_empty()
        {
            create_private_dir(parent)?;
        }
        let mut buf = String::new();
        for l in &self.lines {
            buf.push_str(l);
            buf.push('\n');
        }
        let mut f = open_new_private(to)?;
        f.write_all(buf.as_bytes())?;
        f.sync_all()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        let protocol = crate::protocol::Library::builtin_only()
            .get("grow-coaching")
            .expect("built-in")
            .clone();
        let setup = crate::session::Setup::new(protocol, ["Ann", "Ben"]);
        let created =
            chrono::DateTime::parse_from_rfc3339("2026-11-23T08:30:00.000+00:00").expect("valid");
        Header::new("x".into(), created, setup)
    }

    fn note(i: u64) -> Stamped {
        Stamped {
            at: i,
            wall: chrono::DateTime::parse_from_rfc3339("2026-11-23T08:30:00.000+00:00")
                .expect("valid"),
            event: Event::TimeGap {
                gap_ms: i,
                cause: crate::session::GapCause::Suspend,
                counted: false,
            },
        }
    }

    fn expected(w: &LogWriter) -> String {
        w.lines.iter().map(|l| l.clone() + "\n").collect()
    }

    #[test]
    fn a_failed_sync_rewrites_everything_since_the_last_good_sync() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut w = LogWriter::create(dir.path(), "s", &header());
        assert!(w.append(&note(1)));
        assert!(w.append(&note(2)));
        // As after a failed sync: the two events are no longer trusted to be on disk, and the
        // disk may hold anything past the synced header.
        w.written = w.synced;
        w.written_len = w.synced_len;
        w.dirty = true;
        w.file = None;
        let mut f = open_append(&w.path).expect("open");
        f.write_all(b"{\"seq\":2,\"at\"").expect("garbage");
        assert!(w.append(&note(3)));
        let text = std::fs::read_to_string(&w.path).expect("read");
        assert_eq!(text, expected(&w));
        assert_eq!(text.lines().count(), 4);
    }

    #[test]
    fn reopen_cuts_a_torn_line_and_finishes_a_whole_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut w = LogWriter::create(dir.path(), "s", &header());
        assert!(w.append(&note(1)));
        let good = std::fs::read_to_string(&w.path).expect("read");
        let path = w.path.clone();
        drop(w);

        let mut f = open_append(&path).expect("open");
        f.write_all(b"{\"seq\":2,\"at\":").expect("torn");
        drop(f);
        let mut w = LogWriter::reopen(&path, "s", 1).expect("reopen");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), good);
        assert!(w.append(&note(2)));
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(text, expected(&w));
        assert!(text.lines().last().expect("line").starts_with("{\"seq\":2,"));
        drop(w);

        // A whole last line without its newline is kept.
        let trimmed = text.trim_end_matches('\n');
        std::fs::write(&path, trimmed).expect("write");
        let w = LogWriter::reopen(&path, "s", 2).expect("reopen");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
        assert_eq!(w.lines.len(), 3);
        assert_eq!(w.pending(), 0);
    }

    #[test]
    fn error_messages_are_plain() {
        let e = io::Error::from_raw_os_error(2);
        let m = cannot("write", Path::new("/x/y.jsonl"), &e);
        assert!(m.starts_with("cannot write /x/y.jsonl: "), "{m}");
        assert!(!m.contains("os error"), "{m}");
    }
}
