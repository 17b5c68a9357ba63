//! `convene cache clean`: removes the review indexes of data folders that no longer exist.
//!
//! Each data folder reviewed gets an index in the cache folder
//! ([`crate::review::index::index_path`]: `<cache>/index/sessions-<hash>.sqlite`), which records
//! the data folder's canonical path in its `meta` table. Indexes are not removed by themselves on
//! a later run: a data folder on a USB stick or a network share that is not connected looks gone,
//! and its index would then be rebuilt (minutes, with many logs) when it is back. `cache clean` is
//! asked for; it removes an index whose data folder is gone, with its `-wal` and `-shm` files, and
//! leaves the rest. An index it can't read (damaged, or being rebuilt) is named and left: any
//! review of its folder rebuilds it, and deleting it by hand is always safe.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rusqlite::{Connection, OpenFlags};

use crate::output;
use crate::text::plural;

/// What became of one index.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Its data folder exists: kept.
    Kept { data: PathBuf },
    /// Its data folder is gone: removed (or, in a dry run, to be removed).
    Gone { data: PathBuf },
    /// Not readable as an index: left alone.
    Unreadable { reason: String },
}

/// The index files in `<cache>/index`, sorted by name.
fn index_files(cache: &Path) -> std::io::Result<Vec<PathBuf>> {
    let dir = cache.join("index");
    let rd = match std::fs::read_dir(&dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut files: Vec<PathBuf> = rd
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with("sessions-")
                    && Path::new(n).extension().is_some_and(|x| x == "sqlite")
            })
        })
        .collect();
    files.sort();
    Ok(files)
}

/// The data folder an index was made for (its `meta` row `data`).
fn data_folder_of(index: &Path) -> Result<PathBuf, String> {
    let conn = Connection::open_with_flags(
        index,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| e.to_string())?;
    let _ = conn.busy_timeout(std::time::Duration::from_secs(2));
    conn.query_row("SELECT value FROM meta WHERE key = 'data'", [], |r| r.get::<_, String>(0))
        .map(PathBuf::from)
        .map_err(|e| e.to_string())
}

/// Looks at every index under `cache` and removes (unless `dry_run`) those whose data folder is
/// gone. Returns each index with its verdict.
///
/// # Errors
/// The index folder can't be listed, or an index can't be removed.
pub(crate) fn clean(cache: &Path, dry_run: bool) -> Result<Vec<(PathBuf, Verdict)>, String> {
    let files = index_files(cache)
        .map_err(|e| format!("cannot list {}: {e}", cache.join("index").display()))?;
    let mut out = Vec::new();
    for f in files {
        let verdict = match data_folder_of(&f) {
            Err(reason) => Verdict::Unreadable { reason },
            // A folder that can't be looked at (no permission) is not known to be gone.
            Ok(data)
                if std::fs::symlink_metadata(&data)
                    .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) =>
            {
                if !dry_run {
                    remove_index(&f)?;
                }
                Verdict::Gone { data }
            }
            Ok(data) => Verdict::Kept { data },
        };
        out.push((f, verdict));
    }
    Ok(out)
}

/// Removes an index with its WAL and shared-memory files.
fn remove_index(path: &Path) -> Result<(), String> {
    for suffix in ["-wal", "-shm", ""] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("cannot remove {}: {e}", Path::new(&p).display())),
        }
    }
    Ok(())
}

/// What `cache clean` prints.
pub(crate) fn text(verdicts: &[(PathBuf, Verdict)], dry_run: bool) -> String {
    let mut o = String::new();
    let mut gone = 0;
    let mut kept = 0;
    for (file, v) in verdicts {
        match v {
            Verdict::Gone { data } => {
                gone += 1;
                let what = if dry_run { "would remove" } else { "removed" };
                let _ = writeln!(
                    o,
                    "{what} {} (its data folder {} is gone)",
                    file.display(),
                    data.display()
                );
            }
            Verdict::Kept { .. } => kept += 1,
            Verdict::Unreadable { reason } => {
                let _ = writeln!(o, "left {} (not readable as an index: {reason})", file.display());
            }
        }
    }
    let _ = writeln!(
        o,
        "{} {}, {} kept",
        plural(gone, "index", "indexes"),
        if dry_run { "to remove" } else { "removed" },
        kept
    );
    o
}

/// `convene cache clean` (`dry_run`: only say which indexes would be removed).
pub fn run(dry_run: bool) -> ExitCode {
    let Some(cache) = crate::review::index::cache_dir() else {
        return output::fail(output::FAILURE, "no cache folder: no home folder to keep it in");
    };
    match clean(&cache, dry_run) {
        Ok(v) => output::finish(output::print(&text(&v, dry_run))),
        Err(e) => output::fail(output::FAILURE, &e),
    }
}
