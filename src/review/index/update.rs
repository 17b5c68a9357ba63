//! Bringing the index up to date with the sessions folder (see the module docs of
//! [`super`] for what is checked and why).

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use rusqlite::{OptionalExtension, Transaction, params};

use super::store::{self, Parsed, Seen};
use super::{
    BATCH, Fail, Index, LIVE_CHECKED, RACY_NS, file_path, mtime_ns, now_ns, progress_wanted, split,
};
use crate::log::is_month_folder;
use crate::log::reader::read_log;
use crate::review::ReviewError;
use crate::review::copies::is_log_name;
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
}

/// Lists one folder: `folder` is `''` for the sessions folder `top` itself, or a month folder.
fn list_folder(top: &Path, folder: &str) -> std::io::Result<Listing> {
    let dir = if folder.is_empty() { top.to_path_buf() } else { top.join(folder) };
    let mut logs = Vec::new();
    let mut months = Vec::new();
    for item in std::fs::read_dir(dir)? {
        let item = item?;
        let Ok(name) = item.file_name().into_string() else { continue };
        if folder.is_empty() && is_month_folder(&name) {
            // The file type comes with the listing on most file systems (no `stat`).
            if item.file_type().is_ok_and(|t| t.is_dir()) {
                months.push(name);
            }
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
    Ok(Listing { logs, months })
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

/// What an update found to do: logs to read, files gone, and the folders listed, with the time
/// each had before its listing.
#[derive(Default)]
struct Changes {
    changed: Vec<Seen>,
    gone: Vec<String>,
    listed: Vec<(String, i64)>,
}

impl Index {
    /// Brings the index up to date: see the module docs.
    pub(crate) fn update(&mut self, progress: bool) -> Result<(), Fail> {
        let top = self.sessions_dir.clone();
        let top_time = match std::fs::metadata(&top) {
            Ok(m) => mtime_ns(&m),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return self.forget_all().map_err(Fail::Db);
            }
            Err(e) => return Err(folder_error(&top, &e)),
        };
        let recorded = self.folder_times()?;
        let unchanged = |folder: &str, time: i64| recorded.get(folder) == Some(&(time, true));
        let now = now_ns();
        let recent = self.live_threshold()?;
        let mut work = Changes::default();
        // The sessions folder itself: its logs from before month folders, and which month
        // folders there are (adding or removing one changes its time).
        let months: Vec<String> = if unchanged("", top_time) {
            recorded.keys().filter(|f| !f.is_empty()).cloned().collect()
        } else {
            self.walk(&top, "", top_time, recent, &mut work)?
        };
        // The folders not listed by this update.
        let mut quiet: HashSet<String> = HashSet::new();
        if unchanged("", top_time) {
            quiet.insert(String::new());
        }
        // The month folders: `stat`ed, each; listed if its time changed.
        let mut gone_folders: Vec<String> = Vec::new();
        for month in &months {
            match std::fs::metadata(top.join(month)) {
                Ok(m) if m.is_dir() => {
                    let time = mtime_ns(&m);
                    if unchanged(month, time) {
                        quiet.insert(month.clone());
                    } else {
                        self.walk(&top, month, time, recent, &mut work)?;
                    }
                }
                Ok(_) => gone_folders.push(month.clone()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    gone_folders.push(month.clone());
                }
                Err(e) => return Err(folder_error(&top.join(month), &e)),
            }
        }
        if !unchanged("", top_time) {
            // The sessions folder was listed: any other folder the index knows has gone (one
            // whose logs were read by an update that was interrupted is known by its rows).
            let known = self.known_folders()?;
            for folder in recorded.keys().chain(&known) {
                if !folder.is_empty() && !months.contains(folder) && !gone_folders.contains(folder)
                {
                    gone_folders.push(folder.clone());
                }
            }
        }
        for folder in &gone_folders {
            work.gone.extend(self.known_files(folder)?.into_iter().map(|k| k.name));
        }
        // The logs that can still grow, in the folders not listed (a running session appends
        // to its log without changing its folder's time). One that has gone means its folder
        // changed after all: it is listed.
        let (grown, vanished) = self.live_changes(&top, &quiet)?;
        work.changed.extend(grown.into_iter().filter(|s| !vanished.contains(split(&s.name).0)));
        for folder in &vanished {
            let dir = if folder.is_empty() { top.clone() } else { top.join(folder) };
            match std::fs::metadata(&dir) {
                Ok(m) if m.is_dir() => {
                    self.walk(&top, folder, mtime_ns(&m), recent, &mut work)?;
                }
                // A month folder removed since it was `stat`ed.
                Ok(_) => gone_folders.push(folder.clone()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && !folder.is_empty() => {
                    gone_folders.push(folder.clone());
                }
                Err(e) => return Err(folder_error(&dir, &e)),
            }
            if gone_folders.contains(folder) {
                work.gone.extend(self.known_files(folder)?.into_iter().map(|k| k.name));
            }
        }
        let Changes { changed, gone, listed } = work;
        self.listed = listed.len();
        self.apply(&top, changed, &gone, progress)?;
        self.record_folders(&top, &recorded, listed, &gone_folders, now)
    }

    /// Records each listed folder's time as it was before its listing, trusted only if it was
    /// old enough then ([`RACY_NS`]) and has not moved since; forgets the folders gone.
    fn record_folders(
        &mut self,
        top: &Path,
        recorded: &HashMap<String, (i64, bool)>,
        listed: Vec<(String, i64)>,
        gone_folders: &[String],
        now: i64,
    ) -> Result<(), Fail> {
        let mut to_record: Vec<(String, i64, bool)> = Vec::new();
        for (folder, before) in listed {
            let dir = if folder.is_empty() { top.to_path_buf() } else { top.join(&folder) };
            let after = std::fs::metadata(&dir).map(|m| mtime_ns(&m)).ok();
            let trust = after == Some(before) && now.saturating_sub(before) >= RACY_NS;
            if recorded.get(&folder) != Some(&(before, trust)) {
                to_record.push((folder, before, trust));
            }
        }
        if to_record.is_empty() && gone_folders.is_empty() {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        for folder in gone_folders {
            tx.execute("DELETE FROM folders WHERE folder = ?1", [folder])?;
        }
        for (folder, time, trust) in &to_record {
            tx.execute(
                "INSERT INTO folders(folder, mtime_ns, trusted) VALUES(?1, ?2, ?3)
                 ON CONFLICT(folder) DO UPDATE SET mtime_ns = excluded.mtime_ns,
                    trusted = excluded.trusted",
                params![folder, time, trust],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The recorded time of every folder: (time, trusted) by folder (`''`: the sessions folder).
    fn folder_times(&self) -> Result<HashMap<String, (i64, bool)>, Fail> {
        let mut st = self.conn.prepare("SELECT folder, mtime_ns, trusted FROM folders")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Lists one folder (on a thread of its own, while this one reads the names the index knows
    /// in it) and walks both side by side in name order: new names, replaced files and the logs
    /// that can still grow (the latest written, from `recent` on) are `stat`ed, the rest are
    /// known. Returns the month folders found (in the sessions folder itself).
    fn walk(
        &self,
        top: &Path,
        folder: &str,
        time: i64,
        recent: i64,
        work: &mut Changes,
    ) -> Result<Vec<String>, Fail> {
        let dir = if folder.is_empty() { top.to_path_buf() } else { top.join(folder) };
        let (listing, known) = std::thread::scope(|sc| {
            let listing = sc.spawn(|| list_folder(top, folder));
            let known = self.known_files(folder);
            (listing.join(), known)
        });
        let Listing { logs, months } = listing
            .unwrap_or_else(|_| Err(std::io::Error::other("listing the folder failed")))
            .map_err(|e| folder_error(&dir, &e))?;
        let known = known?;
        work.listed.push((folder.to_string(), time));
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
        Ok(months)
    }

    /// The folders the index knows files in, one index lookup each.
    fn known_folders(&self) -> Result<Vec<String>, Fail> {
        let mut st = self.conn.prepare_cached(
            "SELECT folder FROM files INDEXED BY files_stat WHERE folder > ?1
             ORDER BY folder LIMIT 1",
        )?;
        let mut found: Vec<String> = Vec::new();
        let mut after = String::new();
        while let Some(f) = st.query_row([&after], |r| r.get::<_, String>(0)).optional()? {
            found.push(f.clone());
            after = f;
        }
        Ok(found)
    }

    /// Every file the index knows in one folder (`''`: the sessions folder itself), in name
    /// order.
    fn known_files(&self, folder: &str) -> Result<Vec<Known>, Fail> {
        let mut st = self.conn.prepare_cached(
            "SELECT name, size, mtime_ns, ino, live FROM files INDEXED BY files_stat
             WHERE folder = ?1 ORDER BY name",
        )?;
        let rows = st.query_map([folder], |r| {
            Ok(Known {
                name: r.get(0)?,
                size: r.get(1)?,
                mtime_ns: r.get(2)?,
                ino: r.get(3)?,
                live: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The time of the last of the [`LIVE_CHECKED`] latest written logs that can still grow.
    fn live_threshold(&self) -> Result<i64, Fail> {
        let t: Option<i64> = self
            .conn
            .query_row(
                "SELECT mtime_ns FROM files INDEXED BY files_live WHERE live = 1
                 ORDER BY mtime_ns DESC LIMIT 1 OFFSET ?1",
                [LIVE_CHECKED - 1],
                |r| r.get(0),
            )
            .optional()?;
        Ok(t.unwrap_or(i64::MIN))
    }

    /// `stat`s the [`LIVE_CHECKED`] latest written logs that can still grow, of those in the
    /// `quiet` folders (not listed by this update). Returns those that changed, and the folders
    /// where one has gone (they changed after all: list them).
    fn live_changes(
        &self,
        top: &Path,
        quiet: &HashSet<String>,
    ) -> Result<(Vec<Seen>, HashSet<String>), Fail> {
        let mut st = self.conn.prepare(
            "SELECT name, size, mtime_ns, ino FROM files INDEXED BY files_live
             WHERE live = 1 ORDER BY mtime_ns DESC LIMIT ?1",
        )?;
        let mut rows = st.query([LIVE_CHECKED])?;
        let mut changed = Vec::new();
        let mut vanished = HashSet::new();
        while let Some(r) = rows.next()? {
            let name = r.get_ref(0)?.as_str()?;
            let folder = split(name).0;
            if !quiet.contains(folder) || vanished.contains(folder) {
                continue;
            }
            let (size, mtime, ino): (i64, i64, i64) = (r.get(1)?, r.get(2)?, r.get(3)?);
            match std::fs::metadata(file_path(top, name)) {
                Ok(m) if m.is_file() => {
                    let s = seen(name, &m);
                    if (s.size, s.mtime_ns, s.ino) != (size, mtime, ino) {
                        changed.push(s);
                    }
                }
                _ => {
                    vanished.insert(folder.to_string());
                }
            }
        }
        Ok((changed, vanished))
    }

    /// Drops every row: the sessions folder is gone.
    fn forget_all(&mut self) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        for t in ["details", "people", "words", "runs", "commitments", "updates", "files"] {
            tx.execute(&format!("DELETE FROM {t}"), [])?;
        }
        tx.execute("DELETE FROM folders", [])?;
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
        if !gone.is_empty() {
            let tx = self.conn.transaction()?;
            for name in gone {
                if let Some(key) = store::delete_name(&tx, name)? {
                    touch(&tx, &key)?;
                }
            }
            store::merge_forks(&tx, &mut self.stages, dir, true)?;
            store::choose_shown(&tx)?;
            tx.commit()?;
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
        result
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
            let mut batch = Vec::with_capacity(BATCH);
            for p in &rx {
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
        })
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
        tx.commit()?;
        self.stages = stages;
        Ok(())
    }
}

fn touch(tx: &Transaction<'_>, key: &str) -> rusqlite::Result<()> {
    tx.prepare_cached("INSERT OR IGNORE INTO touched(key) VALUES(?1)")?.execute(params![key])?;
    Ok(())
}
