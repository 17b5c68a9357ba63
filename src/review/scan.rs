//! The one place that reads the sessions folder: every `*.jsonl` becomes an [`Entry`], a
//! [`Digest`] or the reason it could not be read.
//!
//! # The cache
//!
//! Replaying ten thousand logs takes seconds, so digests are kept in
//! `<data dir>/cache/review-v1.json` (folder 0700, file 0600), keyed by file name, size and
//! modification time. A log whose size or time differs from its cache entry is read again; the
//! cache is rewritten (to a temporary file, then renamed) only when something changed. A missing,
//! unreadable or outdated cache is simply rebuilt, and a cache that cannot be written is not an
//! error: the cache is never needed for a correct answer, only for a fast one.
//!
//! Logs that must be read are parsed on two threads (the machine this is built for has two
//! cores).

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use super::ReviewError;
use super::digest::Digest;
use crate::log::files::{create_private_dir, open_new_private};
use crate::log::reader::read_log;

/// Bump when the digest changes meaning, so old caches are rebuilt.
const CACHE_VERSION: u32 = 2;
const CACHE_FILE: &str = "review-v1.json";

/// One log file in the sessions folder.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The file name without `.jsonl`: the session id.
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

/// Every log in a data folder, newest first.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    pub sessions_dir: PathBuf,
    pub entries: Vec<Entry>,
    /// How many logs were read (not taken from the cache) in this scan.
    pub read: usize,
}

impl Scan {
    pub fn digests(&self) -> impl Iterator<Item = &Digest> + Clone {
        self.entries.iter().filter_map(Entry::ok)
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct CacheFile {
    version: u32,
    convene: String,
    entries: Vec<CacheEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CacheEntry {
    file: String,
    size: u64,
    mtime_ns: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    digest: Option<Digest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// A log file seen on disk.
struct Seen {
    file: String,
    path: PathBuf,
    size: u64,
    mtime_ns: u64,
}

/// The cache file for a data folder.
pub fn cache_path(data: &Path) -> PathBuf {
    data.join("cache").join(CACHE_FILE)
}

/// Reads every log under `<data>/sessions`, using and refreshing the cache.
pub fn scan(data: &Path) -> Result<Scan, ReviewError> {
    scan_with(data, true)
}

/// Like [`scan`]; `use_cache = false` reads every log and leaves the cache alone.
pub fn scan_with(data: &Path, use_cache: bool) -> Result<Scan, ReviewError> {
    let dir = crate::log::sessions_dir(data);
    let seen = match list_logs(&dir) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Scan { sessions_dir: dir, entries: Vec::new(), read: 0 });
        }
        Err(e) => return Err(ReviewError::ReadFolder { folder: dir, reason: e.to_string() }),
    };
    let mut cached: HashMap<String, CacheEntry> = if use_cache {
        load_cache(&cache_path(data))
            .map(|c| c.entries.into_iter().map(|e| (e.file.clone(), e)).collect())
            .unwrap_or_default()
    } else {
        HashMap::new()
    };
    let stale_entries = cached.len();
    let mut fresh: Vec<Option<CacheEntry>> = Vec::with_capacity(seen.len());
    let mut todo: Vec<usize> = Vec::new();
    let mut reused = 0;
    for (i, s) in seen.iter().enumerate() {
        match cached.remove(&s.file) {
            Some(c) if c.size == s.size && c.mtime_ns == s.mtime_ns => {
                reused += 1;
                fresh.push(Some(c));
            }
            _ => {
                todo.push(i);
                fresh.push(None);
            }
        }
    }
    let parsed = parse_all(&seen, &todo);
    let read = parsed.len();
    for (i, entry) in parsed {
        fresh[i] = Some(entry);
    }
    let fresh: Vec<CacheEntry> = fresh.into_iter().flatten().collect();
    if use_cache && (read > 0 || reused != stale_entries) {
        // Best effort: a cache that cannot be written only makes the next run slower.
        let _ = save_cache(&cache_path(data), &fresh);
    }
    let mut entries: Vec<Entry> = fresh
        .into_iter()
        .zip(&seen)
        .map(|(c, s)| Entry {
            id: s.file.trim_end_matches(".jsonl").to_string(),
            path: s.path.clone(),
            digest: match (c.digest, c.error) {
                (Some(d), _) => Ok(d),
                (None, Some(e)) => Err(e),
                (None, None) => Err(format!("{}: unreadable", s.path.display())),
            },
        })
        .collect();
    sort_newest_first(&mut entries);
    Ok(Scan { sessions_dir: dir, entries, read })
}

/// Newest first by start time; files that could not be read sort by their id (which begins with
/// the creation time), and ties by id.
pub fn sort_newest_first(entries: &mut [Entry]) {
    entries.sort_by_cached_key(|e| {
        let t = e
            .ok()
            .map_or_else(|| id_time(&e.id).unwrap_or(i64::MIN), |d| d.start.timestamp_millis());
        (std::cmp::Reverse(t), std::cmp::Reverse(e.id.clone()))
    });
}

/// The creation time a session id encodes (`20261123-083000-123`, UTC), in milliseconds.
pub fn id_time(id: &str) -> Option<i64> {
    let stamp = id.get(..19)?;
    chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S-%3f")
        .ok()
        .map(|t| t.and_utc().timestamp_millis())
}

fn list_logs(dir: &Path) -> std::io::Result<Vec<Seen>> {
    let mut out = Vec::new();
    for item in std::fs::read_dir(dir)? {
        let item = item?;
        let name = item.file_name();
        let Some(name) = name.to_str() else { continue };
        // Exactly what the writer creates: `<id>.jsonl`.
        if Path::new(name).extension().is_none_or(|x| x != "jsonl") || name.starts_with('.') {
            continue;
        }
        let Ok(meta) = item.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        out.push(Seen { file: name.to_string(), path: item.path(), size: meta.len(), mtime_ns });
    }
    Ok(out)
}

/// Reads and digests the logs at these indexes, on up to two threads.
fn parse_all(seen: &[Seen], todo: &[usize]) -> Vec<(usize, CacheEntry)> {
    let one = |i: usize| -> CacheEntry {
        let s = &seen[i];
        let (digest, error) = match read_log(&s.path) {
            Ok(log) => (Some(Digest::of_log(&log)), None),
            Err(e) => (None, Some(e.to_string())),
        };
        CacheEntry { file: s.file.clone(), size: s.size, mtime_ns: s.mtime_ns, digest, error }
    };
    if todo.len() < 16 {
        return todo.iter().map(|&i| (i, one(i))).collect();
    }
    let next = AtomicUsize::new(0);
    let out = Mutex::new(Vec::with_capacity(todo.len()));
    let threads =
        std::thread::available_parallelism().map_or(2, std::num::NonZero::get).clamp(1, 2);
    std::thread::scope(|sc| {
        for _ in 0..threads {
            sc.spawn(|| {
                let mut mine = Vec::new();
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&i) = todo.get(k) else { break };
                    mine.push((i, one(i)));
                }
                if let Ok(mut all) = out.lock() {
                    all.extend(mine);
                }
            });
        }
    });
    out.into_inner().unwrap_or_default()
}

fn load_cache(path: &Path) -> Option<CacheFile> {
    let bytes = std::fs::read(path).ok()?;
    let c: CacheFile = serde_json::from_slice(&bytes).ok()?;
    (c.version == CACHE_VERSION && c.convene == env!("CARGO_PKG_VERSION")).then_some(c)
}

fn save_cache(path: &Path, entries: &[CacheEntry]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    create_private_dir(dir)?;
    let tmp = dir.join(format!(".{CACHE_FILE}.{}.tmp", std::process::id()));
    // A temporary file left by a run that died would stop `create_new`.
    let _ = std::fs::remove_file(&tmp);
    let result = (|| {
        let f = open_new_private(&tmp)?;
        let mut w = std::io::BufWriter::new(f);
        let file =
            CacheFileRef { version: CACHE_VERSION, convene: env!("CARGO_PKG_VERSION"), entries };
        serde_json::to_writer(&mut w, &file)?;
        w.flush()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[derive(Serialize)]
struct CacheFileRef<'a> {
    version: u32,
    convene: &'a str,
    entries: &'a [CacheEntry],
}
