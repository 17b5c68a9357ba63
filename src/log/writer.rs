//! The durable writer: write, flush, then show. Each event is written and flushed before the
//! caller applies it; the file is synced at stage changes and at the end. Folders are created
//! 0700 and files 0600. If writing fails the writer keeps every line in memory, says why, retries
//! on the next event, and can save everything to another place on request: nothing is lost
//! silently.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Header, Line};
use crate::session::{Event, Stamped};

/// Appends a session's lines to its file.
#[derive(Debug)]
pub struct LogWriter {
    pub path: PathBuf,
    pub session: String,
    file: Option<File>,
    /// Lines not yet on disk (everything, if the file could never be opened).
    pending: Vec<String>,
    /// Every line, kept so a failed log can be saved elsewhere in full.
    all: Vec<String>,
    /// Why the log is not being saved, if it is not.
    pub error: Option<String>,
    next_seq: u64,
}

/// Creates a folder (and its parents) with mode 0700.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

fn open_new_private(path: &Path) -> std::io::Result<File> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

fn open_append(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().append(true).open(path)
}

impl LogWriter {
    /// Creates a new log in `data/sessions`, writing the header. Never fails: a failure is kept
    /// in [`LogWriter::error`] and the lines in memory.
    pub fn create(data: &Path, id: &str, header: &Header) -> Self {
        let dir = super::sessions_dir(data);
        let header_line = serde_json::to_string(header).unwrap_or_default();
        let mut w = Self {
            path: dir.join(format!("{id}.jsonl")),
            session: id.to_string(),
            file: None,
            pending: vec![header_line.clone()],
            all: vec![header_line],
            error: None,
            next_seq: 1,
        };
        if let Err(e) = create_private_dir(data).and_then(|()| create_private_dir(&dir)) {
            w.error = Some(format!("cannot create {}: {e}", dir.display()));
            return w;
        }
        // Unique even when two sessions start in the same millisecond.
        let mut n = 1;
        loop {
            let (name, path) = if n == 1 {
                (id.to_string(), dir.join(format!("{id}.jsonl")))
            } else {
                let name = format!("{id}-{n}");
                let path = dir.join(format!("{name}.jsonl"));
                (name, path)
            };
            match open_new_private(&path) {
                Ok(f) => {
                    w.file = Some(f);
                    w.path = path;
                    if name != id {
                        w.session = name;
                        // The header names the session: rewrite it with the final id.
                        let mut h = header.clone();
                        h.session.clone_from(&w.session);
                        let line = serde_json::to_string(&h).unwrap_or_default();
                        w.pending = vec![line.clone()];
                        w.all = vec![line];
                    }
                    break;
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
                Err(e) => {
                    w.error = Some(format!("cannot create {}: {e}", path.display()));
                    return w;
                }
            }
        }
        w.flush_pending();
        if w.error.is_none() {
            w.sync();
        }
        w
    }

    /// Continues an existing log (resume), after `last_seq`.
    pub fn reopen(path: &Path, session: &str, last_seq: u64) -> Self {
        let mut w = Self {
            path: path.to_path_buf(),
            session: session.to_string(),
            file: None,
            pending: Vec::new(),
            all: Vec::new(),
            error: None,
            next_seq: last_seq + 1,
        };
        match open_append(path) {
            Ok(f) => w.file = Some(f),
            Err(e) => w.error = Some(format!("cannot write {}: {e}", path.display())),
        }
        w
    }

    /// Writes and flushes one event. Returns `false` when it is only kept in memory.
    pub fn append(&mut self, e: &Stamped) -> bool {
        let line = Line { seq: self.next_seq, stamped: e.clone() };
        self.next_seq += 1;
        let text = serde_json::to_string(&line).unwrap_or_default();
        self.all.push(text.clone());
        self.pending.push(text);
        self.flush_pending();
        if matches!(
            e.event,
            Event::StageEntered { .. } | Event::SessionEnded { .. } | Event::SessionStarted { .. }
        ) {
            self.sync();
        }
        self.error.is_none()
    }

    /// Tries to write everything pending.
    pub fn flush_pending(&mut self) {
        if self.file.is_none() {
            match open_append(&self.path) {
                Ok(f) if self.error.is_some() => self.file = Some(f),
                _ => {}
            }
        }
        let Some(f) = self.file.as_mut() else {
            if self.error.is_none() {
                self.error = Some(format!("cannot write {}", self.path.display()));
            }
            return;
        };
        let mut buf = String::new();
        for l in &self.pending {
            buf.push_str(l);
            buf.push('\n');
        }
        match f.write_all(buf.as_bytes()).and_then(|()| f.flush()) {
            Ok(()) => {
                self.pending.clear();
                self.error = None;
            }
            Err(e) => {
                self.error = Some(format!("cannot write {}: {e}", self.path.display()));
                // A partial write may have left a torn line; the reader tolerates it, and the
                // lines are written again whole on the next try.
                self.file = None;
            }
        }
    }

    /// Forces the file to disk.
    pub fn sync(&mut self) {
        if let Some(f) = self.file.as_mut()
            && let Err(e) = f.sync_data()
        {
            self.error = Some(format!("cannot sync {}: {e}", self.path.display()));
        }
    }

    /// Lines not yet on disk.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Saves the complete log (every line) to another file, 0600. Used when the normal place
    /// failed.
    pub fn save_copy(&self, to: &Path) -> std::io::Result<()> {
        if let Some(parent) = to.parent()
            && !parent.as_os_str().is_empty()
        {
            create_private_dir(parent)?;
        }
        let mut f = open_new_private(to)?;
        for l in &self.all {
            f.write_all(l.as_bytes())?;
            f.write_all(b"\n")?;
        }
        f.sync_all()
    }
}
