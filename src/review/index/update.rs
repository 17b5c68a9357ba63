//! Bringing the index up to date with the sessions folder (see the module docs of
//! [`super`] for what is checked and why).

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use rusqlite::{OptionalExtension, Transaction, params};

use super::store::{self, NAME_SQL, Parsed, Seen};
use super::{
    BATCH, Fail, Index, LIVE_CHECKED, LIVE_WINDOW_NS, RACY_NS, file_path, mtime_ns, now_ns,
    progress_wanted, split,
};
use crate::log::reader::read_log;
use crate::review::ReviewError;
use crate::review::copies::{is_log_name, month_of_folder};
use crate::review::digest::Digest;

/// A name found by listing the folder.
struct Listed {
    ino: i64,
    /// Size and time where the listing gives them for free (Windows); `None` elsewhere.
    stat: Option<(i64, i64)>,
}

#[cfg(unix)]
fn ino_of(meta: &std::fs::Metadata) -> i64 {
    use std::os::unix::fs::MetadataExt;
    i64::try_from(meta.ino()).unwrap_or(0)
}

#[cfg(not(unix))]
fn ino_of(_meta: &std::fs::Metadata) -> i64 {
    0
}

#[cfg(unix)]
fn listed(item: &std::fs::DirEntry) -> Option<Listed> {
    use std::os::unix::fs::DirEntryExt;
    // The file type comes with the listing on most file systems (no `stat`).
    let is_file = item.file_type().ok()?.is_file();
    is_file.then(|| Listed { ino: i64::try_from(item.ino()).unwrap_or(0), stat: None })
}

#[cfg(not(unix))]
fn listed(item: &std::fs::DirEntry) -> Option<Listed> {
    // On Windows the listing carries each file's size and time.
    let meta = item.metadata().ok()?;
    meta.is_file().then(|| Listed {
        ino: 0,
        stat: Some((i64::try_from(meta.len()).unwrap_or(i64::MAX), mtime_ns(&meta))),
    })
}

/// A file as the index knows it.
struct Known {
    name: String,
    size: i64,
    mtime_ns: i64,
    ino: i64,
    live: bool,
}

/// What listing a folder found: its logs, in name order (named as the index names them:
/// `YYYY-MM/NAME` in a month folder), and, in the sessions folder itself, its month folders.
struct Listing {
    logs: Vec<(String, Listed)>,
    months: Vec<String>,
    /// In the sessions folder itself: the other folders (not hidden), which are not read.
    others: Vec<String>,
}

/// Lists one folder: `folder` is `''` for the sessions folder `top` itself, or a month folder.
fn list_folder(top: &Path, folder: &str) -> std::io::Result<Listing> {
    let dir = if folder.is_empty() { top.to_path_buf() } else { top.join(folder) };
    let mut logs = Vec::new();
    let mut months = Vec::new();
    let mut others = Vec::new();
    for item in std::fs::read_dir(dir)? {
        let item = item?;
        let Ok(name) = item.file_name().into_string() else { continue };
        if folder.is_empty() && month_of_folder(&name).is_some() {
            // The file type comes with the listing on most file systems (no `stat`).
            if item.file_type().is_ok_and(|t| t.is_dir()) {
                months.push(name);
            }
            continue;
        }
        if folder.is_empty() && !name.starts_with('.') && item.file_type().is_ok_and(|t| t.is_dir())
        {
            others.push(name);
            continue;
        }
        if !is_log_name(&name) {
            continue;
        }
        if let Some(l) = listed(&item) {
            let name = if folder.is_empty() { name } else { format!("{folder}/{name}") };
            logs.push((name, l));
        }
    }
    logs.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(Listing { logs, months, others })
}

/// A folder's change stamp where the platform gives one that no program can set back: its
/// modification time and its status-change time (`ctime`) on Unix. Setting a folder's
/// modification time back (`touch -r`, `rsync -a`) sets its `ctime` to now, and so does adding,
/// removing or renaming a file in it. `None` on Windows, whose folders are listed every time.
#[cfg(unix)]
#[allow(clippy::unnecessary_wraps)] // `None` on Windows.
fn stamp(meta: &std::fs::Metadata) -> Option<(i64, i64)> {
    use std::os::unix::fs::MetadataExt;
    let ctime = meta.ctime().saturating_mul(1_000_000_000).saturating_add(meta.ctime_nsec());
    Some((mtime_ns(meta), ctime))
}

#[cfg(not(unix))]
fn stamp(_meta: &std::fs::Metadata) -> Option<(i64, i64)> {
    None
}

/// What the folders' listings found: the work, the folders not walked, and whether the index's
/// rows disagreed with what it recorded.
#[derive(Default)]
struct Found {
    work: Changes,
    quiet: HashSet<String>,
    inconsistent: bool,
}

/// The spot check: in one second of every [`SPOT_EVERY_S`], the commands list one known folder,
/// each in turn, even if its stamp says it has not changed, so that a file system that keeps no
/// honest `ctime` is caught up with all the same.
fn spot_check(recorded: &HashMap<String, Recorded>, now: i64) -> Option<String> {
    let mut known: Vec<&String> = recorded.keys().collect();
    known.sort();
    let second = now / 1_000_000_000;
    let turn = usize::try_from(second / SPOT_EVERY_S).unwrap_or(0);
    (second % SPOT_EVERY_S == 0 && !known.is_empty()).then(|| known[turn % known.len()].clone())
}

/// How often, in seconds, the commands of one second spot-check a folder (see the module docs).
const SPOT_EVERY_S: i64 = 10;

/// How many logs one update must read for the index to be compacted after it
/// ([`Index::compact`]).
pub(crate) const COMPACT_AFTER: usize = 1_000;

/// What the index recorded of a folder when it last listed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Recorded {
    print: Print,
    /// Its [`stamp`] before that listing, and whether it can be trusted (see [`RACY_NS`]).
    stamp: Option<(i64, i64)>,
    trusted: bool,
}

/// The folders in the sessions folder that hold logs but are not read (not a month folder nor a
/// copy of one): every review command names them, so no log is left out silently.
fn left_out(top: &Path, others: &[String]) -> Vec<std::path::PathBuf> {
    others
        .iter()
        .map(|name| top.join(name))
        .filter(|dir| {
            std::fs::read_dir(dir).is_ok_and(|items| {
                items.flatten().any(|i| i.file_name().to_str().is_some_and(is_log_name))
            })
        })
        .collect()
}

fn seen(name: &str, meta: &std::fs::Metadata) -> Seen {
    Seen {
        name: name.to_string(),
        size: i64::try_from(meta.len()).unwrap_or(i64::MAX),
        mtime_ns: mtime_ns(meta),
        ino: ino_of(meta),
    }
}

fn folder_error(dir: &Path, e: &std::io::Error) -> Fail {
    Fail::Folder(ReviewError::ReadFolder { folder: dir.to_path_buf(), reason: e.to_string() })
}

/// Reads and digests one log.
fn parse(top: &Path, s: Seen) -> Parsed {
    let digest =
        read_log(&file_path(top, &s.name)).map(|log| Digest::of_log(&log)).map_err(|e| e.0);
    Parsed { seen: s, digest }
}

/// What an update found to do: logs to read, files gone, and the folders listed.
#[derive(Default)]
struct Changes {
    changed: Vec<Seen>,
    gone: Vec<String>,
    listed: Vec<Looked>,
}

/// A folder listed by an update: its print, its stamp before the listing, and whether it
/// differed from the index (and was walked).
struct Looked {
    folder: String,
    print: Print,
    stamp: Option<(i64, i64)>,
    walked: bool,
}

/// A folder's listing in brief: how many logs it holds, and a sum of a hash of each one's
/// name and identity (its inode on Unix; its size and time on Windows, where the listing gives
/// them). Two listings with the same print hold the same files, whatever order they come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Print {
    pub count: i64,
    pub sum: i64,
}

fn print_of(logs: &[(String, Listed)]) -> Print {
    let mut sum: u64 = 0;
    let mut bytes = Vec::new();
    for (name, l) in logs {
        bytes.clear();
        bytes.extend_from_slice(name.as_bytes());
        bytes.push(0);
        bytes.extend_from_slice(&l.ino.to_le_bytes());
        if let Some((size, time)) = l.stat {
            bytes.extend_from_slice(&size.to_le_bytes());
            bytes.extend_from_slice(&time.to_le_bytes());
        }
        sum = sum.wrapping_add(super::fnv1a(&bytes));
    }
    Print {
        count: i64::try_from(logs.len()).unwrap_or(i64::MAX),
        sum: i64::from_ne_bytes(sum.to_ne_bytes()),
    }
}

/// The tables whose rows belong to one file (by `fid`): what forgetting a file, or every file,
/// must delete. A table missing here keeps rows a reused `fid` then collides with. (The lists
/// of files of persons and of words, `person_files` and `term_files`, hold many files a row:
/// [`super::postings::drop_orphans`].) `texts` (the names of `details`, owners and due dates)
/// is shared by every file: a text no row uses any more is left, as `terms` and `groups` are,
/// and emptied with the rest by `forget_all`.
const FILE_ROWS: [&str; 6] = ["details", "runs", "stops", "commitments", "updates", "unstarted"];

impl Index {
    /// Brings the index up to date: see the module docs.
    pub(crate) fn update(&mut self, progress: bool) -> Result<(), Fail> {
        let top = self.sessions_dir.clone();
        let top_stamp = match std::fs::metadata(&top) {
            Ok(m) => stamp(&m),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return self.forget_all().map_err(Fail::Db);
            }
            Err(e) => return Err(folder_error(&top, &e)),
        };
        let recorded = self.folder_records()?;
        let rows = self.row_counts(&recorded)?;
        // The latest change the kernel's clock recorded on the folders (never the wall clock,
        // which a test or a wrong clock may move): the logs that can still grow are checked
        // only if written in the [`LIVE_WINDOW_NS`] before it.
        let floor = recorded
            .values()
            .filter_map(|r| r.stamp)
            .chain(top_stamp)
            .map(|(m, c)| m.max(c).saturating_sub(LIVE_WINDOW_NS))
            .max()
            .unwrap_or(i64::MIN);
        let recent = self.live_threshold()?.max(floor);
        let now = now_ns();
        let spot = spot_check(&recorded, now);
        // Unchanged: the stamp recorded (and trusted), as many rows as the listing had, and
        // not this update's spot check.
        let unchanged = |folder: &str, st: Option<(i64, i64)>| {
            st.is_some()
                && spot.as_deref() != Some(folder)
                && recorded.get(folder).is_some_and(|r| {
                    r.trusted
                        && r.stamp == st
                        && rows.get(folder).copied().unwrap_or(0) == r.print.count
                })
        };
        let mut found = Found::default();
        // The sessions folder itself: its logs from before month folders, and which month
        // folders there are (adding or removing one changes its stamp).
        let months: Vec<String> = if unchanged("", top_stamp) {
            found.quiet.insert(String::new());
            let mut m: Vec<String> =
                recorded.keys().chain(rows.keys()).filter(|f| !f.is_empty()).cloned().collect();
            m.sort();
            m.dedup();
            m
        } else {
            let listing = list_folder(&top, "").map_err(|e| folder_error(&top, &e))?;
            let months = listing.months.clone();
            self.set_others(&listing.others)?;
            self.look(&top, "", top_stamp, listing, (&recorded, &rows, recent), &mut found)?;
            months
        };
        self.left_out = left_out(&top, &self.others()?);
        // The month folders (and copies of them): `stat`ed each, listed if changed.
        let mut gone_folders: Vec<String> = Vec::new();
        for month in &months {
            let dir = top.join(month);
            match std::fs::metadata(&dir) {
                Ok(m) if m.is_dir() => {
                    let st = stamp(&m);
                    if unchanged(month, st) {
                        found.quiet.insert(month.clone());
                        continue;
                    }
                    match list_folder(&top, month) {
                        Ok(listing) => self.look(
                            &top,
                            month,
                            st,
                            listing,
                            (&recorded, &rows, recent),
                            &mut found,
                        )?,
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                            gone_folders.push(month.clone());
                        }
                        Err(e) => return Err(folder_error(&dir, &e)),
                    }
                }
                Ok(_) => gone_folders.push(month.clone()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    gone_folders.push(month.clone());
                }
                Err(e) => return Err(folder_error(&dir, &e)),
            }
        }
        let Found { mut work, quiet, inconsistent } = found;
        // A folder the index knows that is not there any more: its logs are gone.
        for folder in recorded.keys().chain(rows.keys()) {
            if !folder.is_empty() && !months.contains(folder) && !gone_folders.contains(folder) {
                gone_folders.push(folder.clone());
            }
        }
        for folder in &gone_folders {
            work.gone.extend(self.known_files(folder)?.into_iter().map(|k| k.name));
        }
        // The logs that can still grow, in the folders not walked (a running session appends
        // to its log without changing its folder). One gone since is dropped, and its folder is
        // listed again next time.
        let (grown, vanished) = self.live_changes(&top, &quiet, floor)?;
        work.changed.extend(grown);
        let mut forget: Vec<String> = gone_folders;
        for name in vanished {
            forget.push(split(&name).0.to_string());
            work.gone.push(name);
        }
        if inconsistent {
            self.drop_orphans()?;
        }
        let Changes { changed, gone, listed } = work;
        self.listed = listed.iter().filter(|l| l.walked).count();
        self.apply(&top, changed, &gone, progress)?;
        self.record_folders(&top, &recorded, listed, &forget, now)
    }

    /// Compacts the index (`VACUUM`) after an update that read [`COMPACT_AFTER`] logs or more
    /// (a first build, a rebuild, a folder of logs copied in), or once a quarter of its pages
    /// are free (logs removed): rows added a log at a time leave their pages about seven
    /// eighths full, so a compacted index takes about a twelfth less room (178 MB became 164 MB
    /// at 100,000 logs, in 0.6 s). A failure (the disk full, another process writing) leaves
    /// the index as it was, only larger: it is a cache, and nothing is lost.
    fn compact(&self, read: usize) {
        let pages = |pragma: &str| {
            self.conn
                .query_row(&format!("PRAGMA {pragma}"), [], |r| r.get::<_, i64>(0))
                .unwrap_or(0)
        };
        if read < COMPACT_AFTER && pages("freelist_count") * 4 <= pages("page_count") {
            return;
        }
        if self.conn.execute_batch("VACUUM").is_ok() {
            // The compacted copy went through the write-ahead log: give its room back now
            // rather than when the last reader closes. Another process reading the index at
            // that moment is not waited for (the log's room is then given back when the last
            // connection closes).
            let _ = self.conn.busy_timeout(std::time::Duration::ZERO);
            let _ = self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
            let _ = self.conn.busy_timeout(std::time::Duration::from_millis(super::BUSY_MS));
        }
    }

    /// Compares a folder's listing with the index (what was recorded, the rows counted, and
    /// from when a live log is checked): the same print and as many rows, and the folder is
    /// quiet; else it is walked.
    fn look(
        &self,
        top: &Path,
        folder: &str,
        st: Option<(i64, i64)>,
        listing: Listing,
        (recorded, rows, recent): (&HashMap<String, Recorded>, &HashMap<String, i64>, i64),
        found: &mut Found,
    ) -> Result<(), Fail> {
        let print = print_of(&listing.logs);
        let had = rows.get(folder).copied().unwrap_or(0);
        let known = recorded.get(folder).map(|r| r.print);
        let walked = !(known == Some(print) && had == print.count);
        if walked {
            // The rows of a folder no longer match the listing they were made from: the index
            // was changed from outside (or an update was cut short). Rebuild what disagrees.
            if known.is_some_and(|k| k.count != had) || (known.is_none() && had > 0) {
                found.inconsistent = true;
            }
            self.walk(top, folder, listing.logs, recent, &mut found.work)?;
        } else {
            found.quiet.insert(folder.to_string());
        }
        found.work.listed.push(Looked { folder: folder.to_string(), print, stamp: st, walked });
        Ok(())
    }

    /// Records the print and stamp of each folder listed (the stamp trusted only if it was old
    /// enough, [`RACY_NS`], and has not moved since); forgets the folders gone (or to list
    /// again). Writes nothing when nothing changed.
    fn record_folders(
        &mut self,
        top: &Path,
        recorded: &HashMap<String, Recorded>,
        listed: Vec<Looked>,
        forget: &[String],
        now: i64,
    ) -> Result<(), Fail> {
        let mut to_record: Vec<(String, Recorded)> = Vec::new();
        for l in listed {
            let dir = if l.folder.is_empty() { top.to_path_buf() } else { top.join(&l.folder) };
            let after = std::fs::metadata(&dir).ok().and_then(|m| stamp(&m));
            let trusted = l
                .stamp
                .is_some_and(|(_, ctime)| after == l.stamp && now.saturating_sub(ctime) >= RACY_NS);
            let r = Recorded { print: l.print, stamp: l.stamp, trusted };
            if recorded.get(&l.folder) != Some(&r) && !forget.contains(&l.folder) {
                to_record.push((l.folder, r));
            }
        }
        if to_record.is_empty() && forget.is_empty() {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        for (folder, r) in &to_record {
            let (mtime, ctime) = r.stamp.unzip();
            tx.execute(
                "INSERT INTO folders(folder, count, sum, mtime_ns, ctime_ns, trusted)
                 VALUES(?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(folder) DO UPDATE SET count = excluded.count, sum = excluded.sum,
                    mtime_ns = excluded.mtime_ns, ctime_ns = excluded.ctime_ns,
                    trusted = excluded.trusted",
                params![folder, r.print.count, r.print.sum, mtime, ctime, r.trusted],
            )?;
        }
        for folder in forget {
            tx.execute("DELETE FROM folders WHERE folder = ?1", [folder])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// What was recorded of every folder (`''`: the sessions folder).
    fn folder_records(&self) -> Result<HashMap<String, Recorded>, Fail> {
        let mut st = self
            .conn
            .prepare("SELECT folder, count, sum, mtime_ns, ctime_ns, trusted FROM folders")?;
        columns! { Cols: folder, count, sum, mtime_ns, ctime_ns, trusted }
        let c = Cols::of(&st)?;
        let rows = st.query_map([], |r| {
            let mtime: Option<i64> = r.get(c.mtime_ns)?;
            let ctime: Option<i64> = r.get(c.ctime_ns)?;
            Ok((
                r.get(c.folder)?,
                Recorded {
                    print: Print { count: r.get(c.count)?, sum: r.get(c.sum)? },
                    stamp: mtime.zip(ctime),
                    trusted: r.get(c.trusted)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The other folders in the sessions folder (not month folders), as last listed.
    fn others(&self) -> Result<Vec<String>, Fail> {
        let text = super::meta(&self.conn, "others")?.unwrap_or_default();
        Ok(text.lines().filter(|l| !l.is_empty()).map(str::to_string).collect())
    }

    /// Records the other folders in the sessions folder (only when they changed).
    fn set_others(&self, others: &[String]) -> Result<(), Fail> {
        let mut sorted = others.to_vec();
        sorted.sort();
        let text = sorted.join("\n");
        if super::meta(&self.conn, "others")?.unwrap_or_default() != text {
            super::set_meta(&self.conn, "others", &text)?;
        }
        Ok(())
    }

    /// How many files the index holds in each folder: the index's own consistency, checked
    /// against the prints recorded. The counts are kept by triggers on `files` (table
    /// `folder_rows`), so this reads a few rows, whatever the number of logs.
    fn row_counts(
        &self,
        recorded: &HashMap<String, Recorded>,
    ) -> Result<HashMap<String, i64>, Fail> {
        let total: i64 =
            self.conn.query_row("SELECT coalesce(sum(n), 0) AS n FROM folder_rows", [], |r| {
                r.get("n")
            })?;
        if total == recorded.values().map(|r| r.print.count).sum::<i64>() {
            return Ok(recorded.iter().map(|(f, r)| (f.clone(), r.print.count)).collect());
        }
        let mut st = self.conn.prepare("SELECT folder, n FROM folder_rows WHERE n > 0")?;
        let rows = st.query_map([], |r| Ok((r.get("folder")?, r.get("n")?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Removes the rows that hang off no file (left by rows of `files` deleted from outside).
    fn drop_orphans(&mut self) -> Result<(), Fail> {
        let tx = self.conn.transaction()?;
        for t in FILE_ROWS {
            tx.execute(&format!("DELETE FROM {t} WHERE fid NOT IN (SELECT fid FROM files)"), [])?;
        }
        super::postings::drop_orphans(&tx, super::postings::PERSONS)?;
        super::postings::drop_orphans(&tx, super::postings::TERMS)?;
        // Follow-ups about sessions whose rows went: with the group their shown copy has now.
        let gid = store::shown_gid_sql("updates.made_in");
        tx.execute(
            &format!("UPDATE updates SET made_gid = {gid} WHERE made_gid IS NOT {gid}"),
            [],
        )?;
        // Runs went: every protocol's kept report is worked out again.
        super::aggregates::mark_all(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// Walks a folder's listing and the names the index knows in it side by side, in name
    /// order: new names, replaced files and the logs that can still grow (the latest written,
    /// from `recent` on) are `stat`ed, the rest are known.
    fn walk(
        &self,
        top: &Path,
        folder: &str,
        logs: Vec<(String, Listed)>,
        recent: i64,
        work: &mut Changes,
    ) -> Result<(), Fail> {
        let known = self.known_files(folder)?;
        let mut listed_names = logs.into_iter().peekable();
        let Changes { changed, gone, .. } = work;
        // A file to `stat`: new, replaced, or able to grow; read if it differs from `was`.
        let mut check = |name: String, was: Option<(i64, i64, i64)>, gone: &mut Vec<String>| {
            match std::fs::metadata(file_path(top, &name)) {
                Ok(m) if m.is_file() => {
                    let s = seen(&name, &m);
                    if was != Some((s.size, s.mtime_ns, s.ino)) {
                        changed.push(s);
                    }
                }
                // Gone since the listing: drop it if it was known.
                _ => gone.push(name),
            }
        };
        for k in known {
            // Listed names before this one are new.
            while let Some((new, _)) = listed_names.next_if(|(n, _)| *n < k.name) {
                check(new, None, gone);
            }
            let Some((_, l)) = listed_names.next_if(|(n, _)| *n == k.name) else {
                gone.push(k.name);
                continue;
            };
            let moved = match l.stat {
                Some(stat) => stat != (k.size, k.mtime_ns),
                None => l.ino != k.ino,
            };
            // A log that can still grow is checked if among the latest written (as when the
            // folder is unchanged); a replaced one always.
            if moved || (k.live && k.mtime_ns >= recent) {
                check(k.name, Some((k.size, k.mtime_ns, k.ino)), gone);
            }
        }
        for (new, _) in listed_names {
            check(new, None, gone);
        }
        Ok(())
    }

    /// Every file the index knows in one folder (`''`: the sessions folder itself), in name
    /// order.
    fn known_files(&self, folder: &str) -> Result<Vec<Known>, Fail> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {NAME_SQL} AS name, f.size, f.mtime_ns, f.ino, f.live
             FROM files f INDEXED BY files_folder WHERE f.folder = ?1"
        ))?;
        columns! { Cols: name, size, mtime_ns, ino, live }
        let c = Cols::of(&st)?;
        let rows = st.query_map([folder], |r| {
            Ok(Known {
                name: r.get(c.name)?,
                size: r.get(c.size)?,
                mtime_ns: r.get(c.mtime_ns)?,
                ino: r.get(c.ino)?,
                live: r.get(c.live)?,
            })
        })?;
        // In the index's order (its session's name first, by `fid`): sorted by name here.
        let mut known: Vec<Known> = rows.collect::<rusqlite::Result<_>>()?;
        known.sort_unstable_by(|a, b| a.name.cmp(&b.name));
        Ok(known)
    }

    /// The time of the last of the [`LIVE_CHECKED`] latest written logs that can still grow.
    fn live_threshold(&self) -> Result<i64, Fail> {
        let t: Option<i64> = self
            .conn
            .query_row(
                "SELECT mtime_ns FROM files INDEXED BY files_live WHERE live = 1
                 ORDER BY mtime_ns DESC LIMIT 1 OFFSET ?1",
                [LIVE_CHECKED - 1],
                |r| r.get("mtime_ns"),
            )
            .optional()?;
        Ok(t.unwrap_or(i64::MIN))
    }

    /// `stat`s the [`LIVE_CHECKED`] latest written logs that can still grow, of those in the
    /// `quiet` folders (whose listing was the index's) written since `floor`. Returns those that
    /// changed, and those gone since the listing.
    fn live_changes(
        &self,
        top: &Path,
        quiet: &HashSet<String>,
        floor: i64,
    ) -> Result<(Vec<Seen>, Vec<String>), Fail> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {NAME_SQL} AS name, f.size, f.mtime_ns, f.ino FROM files f INDEXED BY files_live
             WHERE f.live = 1 AND f.mtime_ns >= ?2 ORDER BY f.mtime_ns DESC LIMIT ?1"
        ))?;
        columns! { Cols: name, size, mtime_ns, ino }
        let c = Cols::of(&st)?;
        let mut rows = st.query([LIVE_CHECKED, floor])?;
        let mut changed = Vec::new();
        let mut vanished = Vec::new();
        while let Some(r) = rows.next()? {
            let name = r.get_ref(c.name)?.as_str()?;
            if !quiet.contains(split(name).0) {
                continue;
            }
            let (size, mtime, ino): (i64, i64, i64) =
                (r.get(c.size)?, r.get(c.mtime_ns)?, r.get(c.ino)?);
            match std::fs::metadata(file_path(top, name)) {
                Ok(m) if m.is_file() => {
                    let s = seen(name, &m);
                    if (s.size, s.mtime_ns, s.ino) != (size, mtime, ino) {
                        changed.push(s);
                    }
                }
                _ => vanished.push(name.to_string()),
            }
        }
        Ok((changed, vanished))
    }

    /// Drops every row: the sessions folder is gone.
    fn forget_all(&mut self) -> rusqlite::Result<()> {
        // The numbers of `texts` cached for writing go with the texts.
        self.stages = super::store::StageIds::new();
        let tx = self.conn.transaction()?;
        for t in FILE_ROWS.iter().chain(&[
            "person_files",
            "persons",
            "term_files",
            "terms",
            "files",
            "protocols",
        ]) {
            tx.execute(&format!("DELETE FROM {t}"), [])?;
        }
        super::aggregates::mark_all(&tx)?;
        tx.execute("DELETE FROM folders", [])?;
        tx.execute("DELETE FROM texts", [])?;
        tx.commit()
    }

    /// Removes the gone files, reads the changed ones (in batches, each committed) and chooses
    /// the shown copy of every session touched.
    fn apply(
        &mut self,
        dir: &Path,
        mut changed: Vec<Seen>,
        gone: &[String],
        progress: bool,
    ) -> Result<(), Fail> {
        if changed.is_empty() && gone.is_empty() {
            return Ok(());
        }
        self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS touched(key TEXT PRIMARY KEY)", [])?;
        self.conn.execute(super::postings::PENDING, [])?;
        if !gone.is_empty() {
            // The cache of numbers is kept only if what it caches is committed.
            let mut stages = std::mem::take(&mut self.stages);
            let tx = self.conn.transaction()?;
            for name in gone {
                if let Some(key) = store::delete_name(&tx, name)? {
                    touch(&tx, &key)?;
                }
            }
            store::merge_forks(&tx, &mut stages, dir, true)?;
            store::choose_shown(&tx)?;
            super::postings::flush(&tx)?;
            tx.commit()?;
            self.stages = stages;
        }
        changed.sort_by(|a, b| a.name.cmp(&b.name));
        let total = changed.len();
        let bar = (progress && progress_wanted(total)).then(|| {
            let bar = indicatif::ProgressBar::new(u64::try_from(total).unwrap_or(u64::MAX));
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "Indexing session logs {bar:30} {pos}/{len} ({eta} left; Ctrl-C is safe)",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        let threads = if total < 16 {
            0
        } else {
            std::thread::available_parallelism().map_or(2, std::num::NonZero::get).clamp(1, 2)
        };
        let result = if threads == 0 {
            let parsed: Vec<Parsed> = changed.into_iter().map(|s| parse(dir, s)).collect();
            self.store_batch(&parsed)
        } else {
            self.read_in_parallel(dir, &changed, threads, bar.as_ref())
        };
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        self.read += total;
        result?;
        self.compact(total);
        Ok(())
    }

    /// Reads logs on `threads` threads while this one writes them, [`BATCH`] per transaction.
    fn read_in_parallel(
        &mut self,
        dir: &Path,
        todo: &[Seen],
        threads: usize,
        bar: Option<&indicatif::ProgressBar>,
    ) -> Result<(), Fail> {
        let next = AtomicUsize::new(0);
        let (tx, rx) = std::sync::mpsc::sync_channel::<Parsed>(BATCH);
        let next = &next;
        std::thread::scope(|sc| {
            for _ in 0..threads {
                let tx = tx.clone();
                sc.spawn(move || {
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(s) = todo.get(k) else { break };
                        // The writer stopped (an error): stop too.
                        if tx.send(parse(dir, s.clone())).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            let result = self.store_all(&rx, bar);
            // The readers stop when the writer does: with the receiver gone, a reader waiting
            // for room in the channel is woken with an error instead of waiting for ever (the
            // scope waits for every reader before it returns).
            drop(rx);
            result
        })
    }

    /// Writes what the readers send, [`BATCH`] per transaction, until they are done or a write
    /// fails.
    fn store_all(
        &mut self,
        rx: &std::sync::mpsc::Receiver<Parsed>,
        bar: Option<&indicatif::ProgressBar>,
    ) -> Result<(), Fail> {
        let mut batch = Vec::with_capacity(BATCH);
        for p in rx {
            batch.push(p);
            if batch.len() == BATCH {
                self.store_batch(&batch)?;
                if let Some(b) = bar {
                    b.inc(BATCH as u64);
                }
                batch.clear();
            }
        }
        self.store_batch(&batch)
    }

    /// Writes one batch of read logs in one transaction, with the shown copies chosen again.
    fn store_batch(&mut self, batch: &[Parsed]) -> Result<(), Fail> {
        if batch.is_empty() {
            return Ok(());
        }
        let mut stages = std::mem::take(&mut self.stages);
        let tx = self.conn.transaction()?;
        for p in batch {
            if let Some(old) = store::delete_name(&tx, &p.seen.name)? {
                touch(&tx, &old)?;
            }
            let key = store::insert(&tx, &mut stages, p)?;
            touch(&tx, &key)?;
        }
        store::merge_forks(&tx, &mut stages, &self.sessions_dir, false)?;
        store::choose_shown(&tx)?;
        super::postings::flush(&tx)?;
        tx.commit()?;
        self.stages = stages;
        Ok(())
    }
}

fn touch(tx: &Transaction<'_>, key: &str) -> rusqlite::Result<()> {
    tx.prepare_cached("INSERT OR IGNORE INTO touched(key) VALUES(?1)")?.execute(params![key])?;
    Ok(())
}
