//! The review index under faults: rows removed from it from outside, a cache disk that fills up
//! while it is built, another process holding its lock, and several review commands building it
//! at once. Each command ends, with the answer the logs give, within a generous bound (never a
//! hang), and the index is checked against the folders rather than trusted.

// Waiting for a command with a bound uses the clock (a generous wait, not a budget).
#![allow(clippy::disallowed_methods)]

use crate::support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use convene::review::Index;
use support::fixtures::{FIXTURES, S2, data_with, test_cache_dir};
use support::oracle::scan;

/// How long any one command may take before the test calls it hung.
const BOUND: Duration = Duration::from_secs(60);

/// `n` ended sessions with a commitment each (copies of the fixture `S2` under new ids), in
/// the November month folder. Returns their ids, sorted.
fn sessions(data: &Path, n: usize) -> Vec<String> {
    let template =
        std::fs::read_to_string(Path::new(FIXTURES).join(format!("{S2}.jsonl"))).expect("fixture");
    let month = data.join("sessions").join("2026-11");
    std::fs::create_dir_all(&month).expect("month folder");
    let mut ids: Vec<String> = (0..n)
        .map(|k| format!("20261109-{:02}{:02}{:02}-000", 10 + k / 3600, (k / 60) % 60, k % 60))
        .collect();
    for id in &ids {
        std::fs::write(month.join(format!("{id}.jsonl")), template.replace(S2, id)).expect("log");
    }
    ids.sort();
    ids
}

/// `convene ARGS` on `data`, with the index in `cache`.
fn command(data: &Path, cache: &Path, args: &[&str]) -> Command {
    let mut c = support::cli::command(data, args);
    c.env("CONVENE_CACHE_DIR", cache);
    c
}

/// Runs a command started elsewhere to its end; fails the test (and kills it) if it takes
/// longer than [`BOUND`].
fn finish(child: std::process::Child, what: &str) -> Output {
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    if let Ok(out) = rx.recv_timeout(BOUND) {
        return out.expect("convene runs");
    }
    #[cfg(unix)]
    let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
    #[cfg(windows)]
    let _ = Command::new("taskkill").args(["/F", "/PID", &pid.to_string()]).status();
    panic!("{what}: still running after {BOUND:?} (hung)");
}

fn start(mut c: Command) -> std::process::Child {
    c.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("convene starts")
}

fn json(out: &Output, what: &str) -> serde_json::Value {
    assert_eq!(out.status.code(), Some(0), "{what}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// The ids `logs list --json` lists, sorted.
fn listed(v: &serde_json::Value) -> Vec<String> {
    let mut ids: Vec<String> = v["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_string())
        .collect();
    ids.sort();
    ids
}

/// Checks the three review commands against `ids`: every session listed, reported, and its
/// commitment in `actions`.
fn check_reviews(data: &Path, cache: &Path, ids: &[String], what: &str) {
    let list = finish(start(command(data, cache, &["logs", "list", "--json"])), what);
    assert_eq!(listed(&json(&list, what)), ids, "{what}: logs list");
    let report = finish(start(command(data, cache, &["report", "--json"])), what);
    assert_eq!(json(&report, what)["sessions"], ids.len(), "{what}: report");
    let actions = finish(start(command(data, cache, &["actions", "--json"])), what);
    let v = json(&actions, what);
    let mut sessions: Vec<String> = v["commitments"]
        .as_array()
        .expect("commitments")
        .iter()
        .map(|c| c["session"].as_str().expect("session").to_string())
        .collect();
    sessions.sort();
    assert_eq!(sessions, ids, "{what}: actions");
}

#[test]
fn rows_removed_from_the_index_from_outside_are_noticed_and_read_again() {
    let data = data_with(&[]);
    let ids = sessions(data.path(), 30);
    assert_eq!(scan(data.path()).expect("scan").read, 30);
    let path = convene::review::index::index_path(data.path()).expect("cache folder");
    let conn = rusqlite::Connection::open(&path).expect("open the index");
    // Ten sessions' rows, the latest written among them, gone from the main table only: what
    // they left in the others must not get in the way.
    let removed = conn.execute("DELETE FROM files WHERE fid > 20", []).expect("delete rows");
    assert_eq!(removed, 10);
    drop(conn);
    let index = Index::open(data.path()).expect("index");
    assert_eq!(index.read, 10, "the missing sessions are read again, and only they");
    assert_eq!(index.total().expect("total"), 30);
    drop(index);
    let s = scan(data.path()).expect("scan");
    assert_eq!(s.read, 0, "and kept");
    let mut seen: Vec<String> = s.entries.iter().map(|e| e.id.clone()).collect();
    seen.sort();
    assert_eq!(seen, ids);
    check_reviews(data.path(), &test_cache_dir(), &ids, "after rows were removed");
}

/// Whether `sh` can limit the size of the files a command writes (`ulimit -f`).
#[cfg(unix)]
fn ulimit_works() -> bool {
    Command::new("sh").args(["-c", "ulimit -f 1024"]).status().is_ok_and(|s| s.success())
}

#[test]
#[cfg(unix)]
fn a_cache_disk_that_fills_up_while_the_index_is_built_never_hangs_a_command() {
    if !ulimit_works() {
        println!("skipped: this sh cannot limit file sizes (ulimit -f)");
        return;
    }
    // More logs than the readers can get ahead of the writer by (two batches), so that they
    // are waiting to hand over more when the write fails.
    let data = data_with(&[]);
    let ids = sessions(data.path(), 2_000);
    let cache = tempfile::tempdir().expect("cache");
    for args in [["logs", "list", "--json"], ["report", "--json", ""], ["actions", "--json", ""]] {
        let args: Vec<&str> = args.into_iter().filter(|a| !a.is_empty()).collect();
        // The disk is full once the index holds 512 KiB (in 512-byte blocks): its tables fit,
        // the first batch of logs does not. Writing past the limit fails (EFBIG) rather than
        // stopping the process.
        let mut c = Command::new("sh");
        c.args(["-c", "trap '' XFSZ; ulimit -f 1024; exec \"$0\" \"$@\""])
            .arg(env!("CARGO_BIN_EXE_convene"))
            .args(&args);
        let probe = command(data.path(), cache.path(), &[]);
        for (k, v) in probe.get_envs() {
            match v {
                Some(v) => c.env(k, v),
                None => c.env_remove(k),
            };
        }
        c.current_dir(env!("CARGO_MANIFEST_DIR"));
        let out = finish(start(c), &args.join(" "));
        let v = json(&out, &args.join(" "));
        match args[0] {
            "logs" => assert_eq!(listed(&v), ids),
            "report" => assert_eq!(v["sessions"], ids.len()),
            _ => assert_eq!(v["commitments"].as_array().map(Vec::len), Some(ids.len())),
        }
    }
    // With room again, the index is built and kept.
    check_reviews(data.path(), cache.path(), &ids, "after the disk had room again");
}

/// Holds the index's lock from another connection, as another process would, until dropped.
struct Locker {
    stop: std::sync::mpsc::Sender<()>,
    held: Option<std::thread::JoinHandle<()>>,
}

impl Locker {
    /// `exclusive`: the whole file, readers too (`locking_mode = EXCLUSIVE`); else writers only.
    fn hold(path: PathBuf, exclusive: bool) -> Self {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let (ready, is_ready) = std::sync::mpsc::channel::<()>();
        let held = std::thread::spawn(move || {
            let conn = rusqlite::Connection::open(&path).expect("open the index");
            if exclusive {
                let _: String = conn
                    .query_row("PRAGMA locking_mode = EXCLUSIVE", [], |r| r.get(0))
                    .expect("exclusive");
            }
            conn.execute_batch(
                "BEGIN EXCLUSIVE; UPDATE meta SET value = value WHERE key = 'schema';",
            )
            .expect("lock");
            ready.send(()).expect("ready");
            let _ = stopped.recv();
            conn.execute_batch("COMMIT").expect("release");
        });
        is_ready.recv_timeout(BOUND).expect("the lock is taken");
        Self { stop, held: Some(held) }
    }
}

impl Drop for Locker {
    fn drop(&mut self) {
        let _ = self.stop.send(());
        if let Some(h) = self.held.take() {
            let _ = h.join();
        }
    }
}

#[test]
fn an_index_locked_by_another_process_never_hangs_a_command() {
    for exclusive in [false, true] {
        let data = data_with(&[]);
        let mut ids = sessions(data.path(), 1);
        let cache = test_cache_dir();
        check_reviews(data.path(), &cache, &ids, "building");
        let path = convene::review::index::index_path(data.path()).expect("cache folder");
        // The lock is held for as long as the commands take: they must not wait for it.
        let lock = Locker::hold(path, exclusive);
        // Many sessions arrive: the index would have to take them in, batch after batch.
        ids = sessions(data.path(), 1_200);
        check_reviews(data.path(), &cache, &ids, &format!("locked (exclusive: {exclusive})"));
        drop(lock);
        check_reviews(data.path(), &cache, &ids, "unlocked");
    }
}

#[test]
fn eight_review_commands_building_the_index_at_once_all_finish_right() {
    let data = data_with(&[]);
    let ids = sessions(data.path(), 1_200);
    let cache = tempfile::tempdir().expect("cache");
    let kinds: [&[&str]; 3] =
        [&["logs", "list", "--json"], &["report", "--json"], &["actions", "--json"]];
    let children: Vec<(usize, std::process::Child)> =
        (0..8).map(|k| (k % 3, start(command(data.path(), cache.path(), kinds[k % 3])))).collect();
    for (kind, child) in children {
        let what = kinds[kind].join(" ");
        let v = json(&finish(child, &what), &what);
        match kind {
            0 => assert_eq!(listed(&v), ids),
            1 => assert_eq!(v["sessions"], ids.len()),
            _ => assert_eq!(v["commitments"].as_array().map(Vec::len), Some(ids.len())),
        }
    }
    check_reviews(data.path(), cache.path(), &ids, "afterwards");
}
