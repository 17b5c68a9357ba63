//! When the log in the sessions folder stops being the log: deleted, replaced or cut short
//! under a running session (written again whole from memory), or set aside after the whole
//! session was saved elsewhere.

use std::io;
use std::path::{Path, PathBuf};

use std::fs::File;

use super::{LogWriter, len64};
use crate::log::SessionLock;
use crate::log::files::{
    cannot, create_private_dir, file_id, make_private, open_new_private, sync_dir,
};

/// What became of the log in the sessions folder when the whole session was saved elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Superseded {
    /// Writing worked again after all: the log in the sessions folder is complete too.
    Complete,
    /// The incomplete log was renamed to this path, which no command reads, so it is never
    /// offered to resume or review.
    SetAside(PathBuf),
    /// There is no log of the session in the sessions folder (it could not be created).
    NoLog,
    /// The incomplete log is still in the sessions folder: setting it aside failed, for this
    /// reason.
    Stuck(String),
}

/// How the file at the log's path stopped being the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Loss {
    /// The file is gone.
    Deleted,
    /// The sessions folder is gone (with the log's month folder in it).
    FolderDeleted,
    /// The log's month folder is gone, the sessions folder is still there.
    MonthDeleted,
    /// Another file has the log's name.
    Replaced,
    /// The file is shorter than what was written.
    CutShort,
}

impl Loss {
    pub(super) fn describe(self, path: &Path) -> String {
        let folder = path.parent().unwrap_or(path);
        let sessions = match folder.file_name().and_then(|n| n.to_str()) {
            Some(name) if super::super::is_month_folder(name) => folder.parent().unwrap_or(folder),
            _ => folder,
        };
        match self {
            Self::Deleted => format!("the log file {} was deleted", path.display()),
            Self::FolderDeleted => {
                format!("the sessions folder {} was deleted", sessions.display())
            }
            Self::MonthDeleted => format!("the month folder {} was deleted", folder.display()),
            Self::Replaced => {
                format!("the log file {} was replaced by another file", path.display())
            }
            Self::CutShort => format!("the log file {} was cut short", path.display()),
        }
    }
}

impl LogWriter {
    /// Whether the file at `path` is still the log as written: the same file (on Unix, the same
    /// device and inode as the one written to), not shorter than what was written.
    pub(super) fn check(&self) -> Result<Option<Loss>, String> {
        if self.to_create.is_some() || self.rewrite.is_some() {
            return Ok(None);
        }
        let meta = match std::fs::metadata(&self.path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let folder = self.path.parent().filter(|d| !d.is_dir());
                let top = folder.and_then(Path::parent).filter(|d| !d.is_dir());
                return Ok(Some(match (folder, top) {
                    (None, _) => Loss::Deleted,
                    (Some(d), None)
                        if d.file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(super::super::is_month_folder) =>
                    {
                        Loss::MonthDeleted
                    }
                    _ => Loss::FolderDeleted,
                }));
            }
            Err(e) => return Err(cannot("write", &self.path, &e)),
        };
        let other = !meta.is_file()
            || matches!((self.identity, file_id(&meta)), (Some(a), Some(b)) if a != b);
        Ok(if other {
            Some(Loss::Replaced)
        } else if meta.len() < self.written_len {
            Some(Loss::CutShort)
        } else {
            None
        })
    }

    /// Writes every line to a new file next to the log, locks it and renames it into place
    /// (creating the sessions folder, 0700, if it is gone).
    pub(super) fn rewrite_whole(&mut self) -> Result<(), String> {
        let dir = self.path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        if !dir.is_dir() {
            create_private_dir(&dir)
                .and_then(|()| make_private(&dir))
                .map_err(|e| cannot("create the folder", &dir, &e))?;
        }
        let tmp = dir.join(format!(".{}.jsonl.tmp", self.session));
        // A temporary file left by a try that failed would stop `create_new`.
        let _ = std::fs::remove_file(&tmp);
        let mut buf = String::new();
        for l in &self.lines {
            buf.push_str(l);
            buf.push('\n');
        }
        let result = (|| -> io::Result<(File, Option<SessionLock>)> {
            let mut f = open_new_private(&tmp)?;
            let lock = SessionLock::wait(&tmp);
            self.write_limited(&mut f, buf.as_bytes())?;
            f.sync_data()?;
            Ok((f, lock))
        })();
        let (file, lock) = match result {
            Ok(x) => x,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(cannot("write", &self.path, &e));
            }
        };
        // Windows cannot rename over a file that is open.
        #[cfg(not(unix))]
        {
            self.lock = None;
        }
        if let Err(e) = std::fs::rename(&tmp, &self.path) {
            let _ = std::fs::remove_file(&tmp);
            return Err(cannot("write", &self.path, &e));
        }
        sync_dir(&dir);
        let loss = self.rewrite.take();
        self.identity = file.metadata().ok().as_ref().and_then(file_id);
        self.file = Some(file);
        self.lock = lock;
        self.written = self.lines.len();
        self.written_len = len64(buf.len());
        self.synced = self.written;
        self.synced_len = self.written_len;
        self.dirty = false;
        if let Some(loss) = loss {
            self.notice = Some(format!("{} while the session ran", loss.describe(&self.path)));
        }
        Ok(())
    }

    /// After the whole session was saved elsewhere with [`LogWriter::save_copy`]: tries once more
    /// to write the log in the sessions folder; if that still fails, renames the incomplete log
    /// there to `<id>.jsonl.incomplete`, which no command reads, so that it is never offered to
    /// resume in place of the complete copy (a rename needs no free space). Either way the
    /// writer writes nothing more. The outcome is kept in [`LogWriter::superseded`].
    pub(crate) fn supersede(&mut self) -> &Superseded {
        self.write_out();
        let outcome = if self.error.is_none() {
            Superseded::Complete
        } else if self.to_create.is_some() || !self.path.exists() {
            Superseded::NoLog
        } else {
            let aside = self.path.with_file_name(format!("{}.jsonl.incomplete", self.session));
            match std::fs::rename(&self.path, &aside) {
                Ok(()) => {
                    if let Some(dir) = self.path.parent() {
                        sync_dir(dir);
                    }
                    Superseded::SetAside(aside)
                }
                Err(e) => Superseded::Stuck(cannot("rename", &self.path, &e)),
            }
        };
        self.file = None;
        self.superseded.insert(outcome)
    }
}
