//! The review index (`convene::review::index`): kept up to date as logs come and go, rebuilt
//! when damaged, read while a live session writes, and one shared folder written by two machines
//! with the copies sync tools make, where every session is listed once with every commitment.

// Waiting for the live writer's first line uses the clock (a generous wait, not a budget).
#![allow(clippy::disallowed_methods)]

use crate::support;

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output};
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use convene::log::Header;
use convene::log::writer::LogWriter;
use convene::protocol::Library;
use convene::review::actions::ActionFilter;
use convene::review::{Filter, FilterText, Index, Query, open_commitments};
use convene::session::{Command, CommitmentStatus, Now, SessionState, Setup, apply, decide};
use support::fixtures::{ALL, CORRUPT, NEWER, S1, S2, S3, TORN, UNFINISHED, data_with};
use support::oracle::{actions, digests, report, scan};

/// The day the review commands take as today in these tests.
const TODAY: &str = "2026-11-23";

fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

/// `convene ARGS` on a data folder, with its own cache folder (one per "machine"). A process
/// that could not be started is started again (twice at most): Wine's `CreateProcess` has
/// failed with "internal error" (1359) when several threads start processes at once. What
/// convene does once started is never retried.
fn convene(data: &Path, cache: &Path, args: &[&str]) -> Output {
    let start = || {
        Process::new(env!("CARGO_BIN_EXE_convene"))
            .args(args)
            .env("CONVENE_DATA_DIR", data)
            .env("CONVENE_CACHE_DIR", cache)
            .env("CONVENE_PROTOCOLS_DIR", data.join("protocols"))
            .env("HOME", cache)
            .env("NO_COLOR", "1")
            .env("CONVENE_TODAY", TODAY)
            .output()
    };
    start().or_else(|_| start()).or_else(|_| start()).expect("convene runs")
}

fn ok_json(o: &Output) -> serde_json::Value {
    assert_eq!(o.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

fn listed_ids(v: &serde_json::Value) -> Vec<String> {
    v["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_string())
        .collect()
}

fn sessions(data: &Path) -> PathBuf {
    data.join("sessions")
}

/// Every file in the sessions folder and its month folders.
fn logs_in(top: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(top).expect("the sessions folder") {
        let path = e.expect("entry").path();
        if path.is_dir() {
            out.extend(
                std::fs::read_dir(&path).expect("a month folder").map(|e| e.expect("entry").path()),
            );
        } else {
            out.push(path);
        }
    }
    out
}

/// The file name of a log without `.jsonl`.
fn logs_id(log: &Path) -> String {
    log.file_stem().expect("stem").to_string_lossy().into_owned()
}

// ---- the index and the in-memory answers agree ----

#[test]
fn queries_in_the_index_give_the_answers_of_the_digests() {
    let data = data_with(&ALL);
    let s = scan(data.path()).expect("scan");
    // What the index gives back is what replaying each log gives.
    for e in &s.entries {
        let direct = convene::log::reader::read_log(&e.path)
            .map(|log| convene::review::Digest::of_log(&log))
            .map_err(|err| err.0);
        assert_eq!(e.digest, direct, "{}", e.id);
    }
    let index = Index::open(data.path()).expect("index");
    let filters = [
        FilterText::default(),
        FilterText { protocol: Some("PROJECT-tuning"), ..Default::default() },
        FilterText { person: Some("dev"), ..Default::default() },
        FilterText { person: Some("fiona grant"), ..Default::default() },
        FilterText { person: Some("Fi"), ..Default::default() },
        FilterText { group: Some(" year 9 TEAM "), ..Default::default() },
        FilterText { since: Some("2026-11-09"), until: Some("2026-11-18"), ..Default::default() },
        FilterText { status: Some("unfinished"), ..Default::default() },
    ];
    for f in filters {
        let filter = Filter::parse(f).expect("filter");
        let want: Vec<&str> =
            digests(&s).filter(|d| filter.matches(d)).map(|d| d.id.as_str()).collect();
        let q = Query { readable_only: true, ..Query::new(&filter) };
        let rows = index.rows(&q, 0, 100).expect("rows");
        let got: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(got, want, "{filter:?}");
        assert_eq!(index.count(&q).expect("count"), want.len());
        let r = report(digests(&s).filter(|d| filter.matches(d)));
        assert_eq!(index.report(&Query::new(&filter)).expect("report"), r, "{filter:?}");
    }
    for (filter, today) in [
        (ActionFilter::default(), "2026-11-20"),
        (ActionFilter { open: true, ..Default::default() }, "2026-11-20"),
        (ActionFilter { overdue: true, ..Default::default() }, "2026-11-28"),
        (ActionFilter { person: Some("cat".into()), ..Default::default() }, "2027-06-01"),
        (ActionFilter { group: Some("YEAR 9 team".into()), ..Default::default() }, "2026-11-20"),
    ] {
        let want = actions(digests(&s), &filter, day(today));
        let mut got = Vec::new();
        index
            .for_each_action(&filter, day(today), |a| {
                got.push(a);
                true
            })
            .expect("actions");
        assert_eq!(got, want, "{filter:?}");
    }
    assert_eq!(index.total().expect("total"), 7);
}

// ---- kept up to date ----

/// Sets a folder's modification time to long ago (2001), as if nothing had changed in it lately.
fn age(folder: &Path) {
    let f = std::fs::File::open(folder).expect("open the folder");
    let long_ago = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    f.set_modified(long_ago).expect("set the folder's time");
}

#[test]
#[cfg_attr(windows, ignore = "ages a folder by opening it as a file, which Windows does not allow")]
fn an_unchanged_folder_is_not_listed_but_logs_that_can_grow_are_checked() {
    let data = data_with(&[S1, UNFINISHED]);
    let dir = sessions(data.path());
    age(&dir);
    assert_eq!(scan(data.path()).expect("scan").read, 2);
    // The folder's time is old enough to trust now: the next update does not list it.
    let index = Index::open(data.path()).expect("index");
    assert_eq!(index.read, 0);
    drop(index);
    // A running session appends to its log without touching the folder.
    let log = dir.join(format!("{UNFINISHED}.jsonl"));
    let mut f = std::fs::OpenOptions::new().append(true).open(&log).expect("open");
    std::io::Write::write_all(&mut f, b"not json\n").expect("append");
    drop(f);
    age(&dir);
    let s = scan(data.path()).expect("scan");
    assert_eq!(s.read, 1, "only the unfinished log is read again");
    let d = s.entries.iter().find(|e| e.id == UNFINISHED).and_then(|e| e.ok()).expect("read");
    assert_eq!(d.problems.len(), 1, "its new line is seen");
}

#[test]
fn the_old_json_cache_is_removed_and_never_read() {
    let data = data_with(&[S1]);
    let cache = data.path().join("cache");
    std::fs::create_dir_all(&cache).expect("cache");
    std::fs::write(cache.join("review-v1.json"), "{\"version\": 2, \"entries\": []}").expect("old");
    scan(data.path()).expect("scan");
    assert!(!cache.exists(), "the old cache and its empty folder are gone");
    // A folder holding something else is left, without the old cache.
    std::fs::create_dir_all(&cache).expect("cache");
    std::fs::write(cache.join("review-v1.json"), "{}").expect("old");
    std::fs::write(cache.join("mine.txt"), "keep").expect("other");
    scan(data.path()).expect("scan");
    assert!(!cache.join("review-v1.json").exists());
    assert!(cache.join("mine.txt").exists());
}

// ---- damage ----

fn damage_and_check(name: &str, damage: impl Fn(&Path)) {
    let data = data_with(&ALL);
    let first = scan(data.path()).expect("scan");
    let path = convene::review::index::index_path(data.path()).expect("cache folder");
    // Every change is in the main file once no connection is open.
    assert!(path.is_file(), "{name}");
    damage(&path);
    let again = scan(data.path()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(again.read, ALL.len(), "{name}: rebuilt from the logs");
    assert_eq!(
        again.entries.iter().map(|e| (&e.id, &e.digest)).collect::<Vec<_>>(),
        first.entries.iter().map(|e| (&e.id, &e.digest)).collect::<Vec<_>>(),
        "{name}: the same answers"
    );
    assert_eq!(scan(data.path()).expect("scan").read, 0, "{name}: and kept again");
}

#[test]
fn a_damaged_index_is_rebuilt_never_trusted() {
    damage_and_check("cut short mid-page", |p| {
        let len = std::fs::metadata(p).expect("meta").len();
        let f = std::fs::OpenOptions::new().write(true).open(p).expect("open");
        f.set_len(len / 2 + 100).expect("truncate");
    });
    damage_and_check("cut short at a page boundary", |p| {
        let len = std::fs::metadata(p).expect("meta").len();
        let f = std::fs::OpenOptions::new().write(true).open(p).expect("open");
        f.set_len((len / 2) / 4096 * 4096).expect("truncate");
    });
    damage_and_check("garbage", |p| {
        std::fs::write(p, b"this is not a database at all, just some text\n".repeat(200))
            .expect("write");
    });
    damage_and_check("empty", |p| std::fs::write(p, b"").expect("write"));
    damage_and_check("another schema version", |p| {
        let conn = rusqlite::Connection::open(p).expect("open");
        conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema'", []).expect("update");
    });
}

#[test]
fn info_names_the_folder_the_index_is_in() {
    let data = data_with(&[S1]);
    let cache = tempfile::tempdir().expect("cache");
    ok_json(&convene(data.path(), cache.path(), &["logs", "list", "--json"]));
    let index_folder = cache.path().join("index");
    let files: Vec<_> = std::fs::read_dir(&index_folder).expect("the index folder").collect();
    assert!(!files.is_empty(), "the index is in {}", index_folder.display());
    let v = ok_json(&convene(data.path(), cache.path(), &["info", "--json"]));
    assert_eq!(v["folders"]["cache"]["value"], index_folder.display().to_string(), "{v}");
    assert_eq!(v["folders"]["cache"]["from"], "CONVENE_CACHE_DIR", "{v}");
    let o = convene(data.path(), cache.path(), &["info"]);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let line = text.lines().find(|l| l.trim_start().starts_with("cache ")).expect("a cache line");
    assert!(line.contains(&index_folder.display().to_string()), "{line}");
    assert!(!data.path().join("cache").exists(), "nothing is kept in the data folder");
}

#[test]
fn an_index_that_cannot_be_kept_is_built_in_memory() {
    let data = data_with(&[S1, S2]);
    // The cache folder is a file: nothing can be created under it.
    let blocked = tempfile::tempdir().expect("tempdir");
    let cache = blocked.path().join("not-a-folder");
    std::fs::write(&cache, "x").expect("file");
    let out = convene(data.path(), &cache, &["logs", "list", "--json"]);
    assert_eq!(listed_ids(&ok_json(&out)), [S2, S1]);
}

// ---- a live writer ----

fn setup(protocol: &str, people: &[&str], group: Option<&str>) -> Setup {
    Setup {
        facilitator: Some("Fiona Grant".into()),
        group_name: group.map(str::to_string),
        ..Setup::new(
            Library::builtin_only().get(protocol).expect("built-in").clone(),
            people.iter().copied(),
        )
    }
}

/// Runs commands through the engine and the writer, the way the live screen does.
struct Writer {
    st: SessionState,
    w: LogWriter,
    start: DateTime<FixedOffset>,
    ms: u64,
}

impl Writer {
    fn new(data: &Path, id: &str, start: DateTime<FixedOffset>, setup: Setup) -> Self {
        let w = LogWriter::create(data, id, &Header::new(id.into(), start, setup.clone()));
        assert!(w.error.is_none(), "{:?}", w.error);
        Self { st: SessionState::new(setup), w, start, ms: 0 }
    }

    fn exec(&mut self, cmd: Command) {
        self.ms += 1000;
        let at = self.start + chrono::Duration::milliseconds(i64::try_from(self.ms).expect("ms"));
        let events = decide(&self.st, cmd, Now::new(self.ms, at)).expect("allowed");
        for e in events {
            assert!(self.w.append(&e));
            apply(&mut self.st, &e);
        }
    }
}

#[test]
fn reviews_run_while_a_live_session_writes_its_log() {
    let data = data_with(&[S1, S2, S3]);
    let cache = tempfile::tempdir().expect("cache");
    let live_id = "20261123-083000-000-live";
    let dir = data.path().to_path_buf();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stopped = stop.clone();
    let writer = std::thread::spawn(move || {
        let start = DateTime::parse_from_rfc3339("2026-11-23T08:30:00+00:00").expect("start");
        let mut w =
            Writer::new(&dir, live_id, start, setup("grow-coaching", &["Ann", "Ben"], None));
        w.exec(Command::Start);
        let mut notes = 0;
        while !stopped.load(std::sync::atomic::Ordering::Relaxed) && notes < 5000 {
            notes += 1;
            w.exec(Command::AddNote {
                text: format!("note {notes}"),
                about: None,
                group: None,
                private: false,
                record: None,
            });
            std::thread::sleep(Duration::from_millis(2));
        }
        w.exec(Command::End);
        notes
    });
    // Wait until the header is there, however loaded the machine.
    let log = convene::log::log_path(data.path(), live_id);
    let waited = std::time::Instant::now();
    while std::fs::metadata(&log).map_or(0, |m| m.len()) == 0 {
        assert!(waited.elapsed() < Duration::from_secs(60), "the live log never appeared");
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut seen_notes: Vec<u64> = Vec::new();
    for _ in 0..4 {
        // Two reviews at once, beside the writer, on one index.
        let (a, b) = std::thread::scope(|sc| {
            let a = sc.spawn(|| convene(data.path(), cache.path(), &["logs", "list", "--json"]));
            let b = sc.spawn(|| convene(data.path(), cache.path(), &["logs", "list", "--json"]));
            (a.join().expect("a"), b.join().expect("b"))
        });
        for out in [a, b] {
            let v = ok_json(&out);
            let ids = listed_ids(&v);
            assert_eq!(ids.iter().filter(|i| *i == live_id).count(), 1, "{ids:?}");
            assert_eq!(ids.len(), 4, "{ids:?}");
            let live = &v["sessions"][0];
            assert_eq!(live["id"], live_id);
            seen_notes.push(live["notes"].as_u64().expect("notes"));
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writer.join().expect("writer");
    // Once the session has ended, the review has all of it.
    let v = ok_json(&convene(data.path(), cache.path(), &["logs", "list", "--json"]));
    let live = &v["sessions"][0];
    assert_eq!(
        (live["status"].as_str(), live["notes"].as_u64()),
        (Some("ended-early"), Some(written))
    );
    assert!(seen_notes.iter().all(|n| *n <= written), "{seen_notes:?}");
}

// ---- copies made by sync tools ----

fn copy_as(data: &Path, id: &str, name: &str, cut: Option<usize>) {
    let from = Path::new(support::fixtures::FIXTURES).join(format!("{id}.jsonl"));
    let bytes = std::fs::read(from).expect("fixture");
    let bytes = cut.map_or(bytes.clone(), |n| bytes[..n.min(bytes.len())].to_vec());
    std::fs::write(sessions(data).join(name), bytes).expect("write");
}

#[test]
fn conflict_copies_are_one_session_and_a_torn_copy_never_hides_the_whole_one() {
    let data = data_with(&[S1, S2, S3]);
    let len = |id: &str| {
        std::fs::metadata(Path::new(support::fixtures::FIXTURES).join(format!("{id}.jsonl")))
            .expect("m")
            .len()
    };
    // Cut in the middle of the events, after the header: a torn but readable copy.
    let half = |id: &str| usize::try_from(len(id) * 3 / 4).expect("small");
    // S1: an identical copy, and a torn one (cut mid-line), as two sync tools would leave them.
    copy_as(data.path(), S1, &format!("{S1} (1).jsonl"), None);
    copy_as(
        data.path(),
        S1,
        &format!("{S1}.sync-conflict-20261129-083000-ABCDEFG.jsonl"),
        Some(half(S1)),
    );
    // S2: its own name holds a torn copy (a sync still arriving); the whole log is the
    // conflict copy.
    copy_as(data.path(), S2, &format!("{S2}.jsonl"), Some(half(S2)));
    copy_as(data.path(), S2, &format!("{S2}-LAPTOP-7.jsonl"), None);
    // S3: a copy cut inside its header (unreadable), which must not be listed beside it.
    copy_as(data.path(), S3, &format!("{S3} (Ann's conflicted copy 2026-11-29).jsonl"), Some(40));
    // Partial and temporary files of sync tools are not logs.
    copy_as(data.path(), S3, &format!(".syncthing.{S3}.jsonl.tmp"), Some(100));
    copy_as(data.path(), S3, &format!("{S3}.jsonl.part"), Some(100));

    let cache = tempfile::tempdir().expect("cache");
    let v = ok_json(&convene(data.path(), cache.path(), &["logs", "list", "--json"]));
    assert_eq!(listed_ids(&v), [S3, S2, S1]);
    assert_eq!(v["unreadable"], serde_json::json!([]), "the torn header hides behind S3");
    for s in v["sessions"].as_array().expect("sessions") {
        assert_eq!(s["problems"], serde_json::json!([]), "the whole copy is shown: {s}");
    }
    let s2 = &v["sessions"][1];
    assert!(s2["path"].as_str().expect("path").ends_with(&format!("{S2}-LAPTOP-7.jsonl")));
    // Every commitment once, with its follow-ups once.
    let a = ok_json(&convene(data.path(), cache.path(), &["actions", "--json"]));
    let keys: Vec<(String, String)> = a["commitments"]
        .as_array()
        .expect("commitments")
        .iter()
        .map(|c| (c["session"].as_str().expect("s").into(), c["id"].as_str().expect("id").into()))
        .collect();
    let fixtures = data_with(&[S1, S2, S3]);
    let want = ok_json(&convene(fixtures.path(), cache.path(), &["actions", "--json"]));
    assert_eq!(a, want, "the same commitments and histories as without the copies");
    assert_eq!(keys.len(), 3, "{keys:?}");
    // `logs show` by id finds the one session.
    let shown = convene(data.path(), cache.path(), &["logs", "show", S2]);
    assert_eq!(shown.status.code(), Some(0));

    // The whole copy goes away: the torn one is all there is of S2, and says so.
    std::fs::remove_file(sessions(data.path()).join(format!("{S2}-LAPTOP-7.jsonl"))).expect("rm");
    let v = ok_json(&convene(data.path(), cache.path(), &["logs", "list", "--json"]));
    assert_eq!(listed_ids(&v), [S3, S2, S1]);
    assert_ne!(v["sessions"][1]["problems"], serde_json::json!([]), "now the torn copy");
}

#[test]
fn unreadable_logs_still_show_once_each() {
    let data = data_with(&[S1, TORN, CORRUPT, NEWER, UNFINISHED]);
    copy_as(data.path(), NEWER, &format!("{NEWER} (1).jsonl"), None);
    let cache = tempfile::tempdir().expect("cache");
    let v = ok_json(&convene(data.path(), cache.path(), &["logs", "list", "--json"]));
    assert_eq!(v["unreadable"].as_array().expect("unreadable").len(), 1, "{v}");
    assert_eq!(v["unreadable"][0]["id"], NEWER);
    assert_eq!(listed_ids(&v), [CORRUPT, TORN, UNFINISHED, S1]);
}

// ---- two machines, one shared folder ----

/// One machine's share of the sessions: `CONVENE_TEST_MACHINE=A` writes `COUNT` sessions of
/// one group into `CONVENE_DATA_DIR`, each following up the group's open commitments as this
/// machine's index sees them, the way `convene run --group` does. Run by the test below.
#[test]
#[ignore = "run by two_machines_write_into_one_folder as a separate process"]
fn machine_writer() {
    let Ok(machine) = std::env::var("CONVENE_TEST_MACHINE") else { return };
    let data = PathBuf::from(std::env::var("CONVENE_DATA_DIR").expect("data"));
    let count: usize = std::env::var("COUNT").expect("count").parse().expect("number");
    let base = DateTime::parse_from_rfc3339("2026-11-02T09:00:00+00:00").expect("start");
    for i in 0..count {
        // The two machines take turns by the day, both in the same milliseconds.
        let start = base + chrono::Duration::days(i64::try_from(i).expect("small"));
        let id = convene::log::session_id(start.to_utc());
        let mut s = setup("grow-coaching", &["Ann Lee", "Ben Okafor"], Some("Shared team"));
        s.carried = open_commitments(&data, "Shared team");
        let carried = s.carried.clone();
        let mut w = Writer::new(&data, &id, start, s);
        w.exec(Command::Start);
        for (k, c) in carried.iter().enumerate() {
            let status = if k % 2 == 0 { CommitmentStatus::Done } else { CommitmentStatus::Partly };
            w.exec(Command::UpdateCommitment {
                session: Some(c.session.clone()),
                id: c.id.clone(),
                status,
                note: None,
            });
        }
        w.exec(Command::AddCommitment {
            owner: "Ann Lee".into(),
            text: format!("{machine} {i}"),
            due: Some("2 weeks".into()),
            group: None,
            record: None,
        });
        w.exec(Command::End);
    }
}

#[test]
fn two_machines_write_into_one_folder_and_every_session_is_listed_once_with_every_commitment() {
    const EACH: usize = 12;
    let shared = data_with(&[]);
    let machine = |name: &str, cache: &Path| {
        Process::new(std::env::current_exe().expect("this test binary"))
            .args([
                "--exact",
                "index::machine_writer",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("CONVENE_TEST_MACHINE", name)
            .env("CONVENE_DATA_DIR", shared.path())
            .env("CONVENE_CACHE_DIR", cache)
            .env("COUNT", EACH.to_string())
            .spawn()
            .expect("a machine")
    };
    let (cache_a, cache_b) = (tempfile::tempdir().expect("a"), tempfile::tempdir().expect("b"));
    let (mut a, mut b) = (machine("A", cache_a.path()), machine("B", cache_b.path()));
    assert!(a.wait().expect("A").success() && b.wait().expect("B").success());
    let mut logs = logs_in(&sessions(shared.path()));
    logs.sort();
    assert_eq!(logs.len(), 2 * EACH, "ids never collide, though both machines used the same times");
    // Every log is in its month folder, and the copies below are made beside it, as a sync
    // tool makes them.
    let dir = logs[0].parent().expect("its folder").to_path_buf();
    assert!(logs.iter().all(|l| l.parent() == Some(dir.as_path())), "{logs:?}");
    assert_eq!(
        dir.file_name().and_then(|n| n.to_str()),
        convene::log::month_of(&logs_id(&logs[0])).as_deref()
    );

    // What sync tools then do: a copy arrives twice, a conflict copy, a copy still arriving
    // (torn), a session that arrives late (after a review has run), and one whose first copy
    // was cut short and is then replaced by the whole log.
    let name = |p: &Path| p.file_stem().expect("stem").to_string_lossy().into_owned();
    std::fs::copy(&logs[0], dir.join(format!("{} (1).jsonl", name(&logs[0])))).expect("twice");
    std::fs::copy(
        &logs[1],
        dir.join(format!("{}.sync-conflict-20261129-090000-B7.jsonl", name(&logs[1]))),
    )
    .expect("conflict");
    let torn = std::fs::read(&logs[2]).expect("read");
    std::fs::write(dir.join(format!("{}-LAPTOP-B.jsonl", name(&logs[2]))), &torn[..torn.len() / 3])
        .expect("torn");
    let late = std::env::temp_dir().join(format!("late-{}.jsonl", std::process::id()));
    std::fs::rename(&logs[3], &late).expect("not arrived yet");
    let whole = std::fs::read(&logs[4]).expect("read");
    let header_end = whole.iter().position(|b| *b == b'\n').expect("a header line") + 1;
    std::fs::write(&logs[4], &whole[..header_end + 20]).expect("cut short, in its first event");

    let cache = tempfile::tempdir().expect("reviewer");
    let first = ok_json(&convene(shared.path(), cache.path(), &["logs", "list", "--json"]));
    assert_eq!(listed_ids(&first).len(), 2 * EACH - 1, "all but the late one");
    // The late one arrives; the cut one is replaced by the whole log, as sync tools do.
    std::fs::rename(&late, &logs[3]).expect("arrives");
    let tmp = dir.join(format!(".{}.tmp", name(&logs[4])));
    std::fs::write(&tmp, &whole).expect("whole");
    std::fs::rename(&tmp, &logs[4]).expect("replaced");

    for reviewer in [cache.path(), cache_a.path(), cache_b.path()] {
        let v = ok_json(&convene(shared.path(), reviewer, &["logs", "list", "--json"]));
        let mut ids = listed_ids(&v);
        assert_eq!(ids.len(), 2 * EACH, "{ids:?}");
        ids.dedup();
        assert_eq!(ids.len(), 2 * EACH, "each session once");
        assert!(ids.iter().all(|i| convene::log::is_session_id(i) && i.len() == 24), "{ids:?}");
        assert!(
            v["sessions"]
                .as_array()
                .expect("s")
                .iter()
                .all(|s| s["problems"] == serde_json::json!([]))
        );
        let a = ok_json(&convene(shared.path(), reviewer, &["actions", "--json"]));
        let texts: Vec<&str> = a["commitments"]
            .as_array()
            .expect("commitments")
            .iter()
            .map(|c| c["text"].as_str().expect("text"))
            .collect();
        assert_eq!(texts.len(), 2 * EACH, "every commitment once: {texts:?}");
        for m in ["A", "B"] {
            for i in 0..EACH {
                assert!(texts.contains(&format!("{m} {i}").as_str()), "{m} {i} in {texts:?}");
            }
        }
    }
}

#[test]
fn old_and_new_ids_resolve_by_prefix() {
    let data = data_with(&[S1, S2]);
    let start = DateTime::parse_from_rfc3339("2026-11-29T08:30:00.123+00:00").expect("start");
    let new_id = convene::log::session_id(start.to_utc());
    let mut w =
        Writer::new(data.path(), &new_id, start, setup("grow-coaching", &["Ann", "Ben"], None));
    w.exec(Command::Start);
    w.exec(Command::End);
    let index = Index::open(data.path()).expect("index");
    assert_eq!(index.resolve(&new_id).expect("whole id").id, new_id);
    assert_eq!(index.resolve("20261129-0830").expect("prefix").id, new_id);
    assert_eq!(index.resolve(&format!("{new_id}.jsonl")).expect("file name").id, new_id);
    assert_eq!(index.resolve("20261102").expect("old prefix").id, S1);
    let e = index.resolve("20261129-083000-123-zzzz").expect_err("unknown").to_string();
    assert!(e.contains(&format!("The closest: {new_id}")), "{e}");
}

#[test]
#[cfg_attr(windows, ignore = "ages a folder by opening it as a file, which Windows does not allow")]
fn an_old_unfinished_log_is_checked_again_once_it_is_resumed() {
    let data = data_with(&[S1, UNFINISHED]);
    let dir = sessions(data.path());
    let log = dir.join(format!("{UNFINISHED}.jsonl"));
    // Stopped long ago: not written to for years.
    std::fs::File::options()
        .append(true)
        .open(&log)
        .expect("open")
        .set_modified(std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000))
        .expect("old");
    age(&dir);
    assert_eq!(scan(data.path()).expect("scan").read, 2);
    // `convene resume` continues it: it says so to the index, then appends.
    convene::review::index::note_live(data.path(), &log);
    let mut f = std::fs::OpenOptions::new().append(true).open(&log).expect("open");
    std::io::Write::write_all(&mut f, b"not json\n").expect("append");
    drop(f);
    age(&dir);
    let s = scan(data.path()).expect("scan");
    assert_eq!(s.read, 1, "the resumed log is read again, though its folder did not change");
    let d = s.entries.iter().find(|e| e.id == UNFINISHED).and_then(|e| e.ok()).expect("read");
    assert_eq!(d.problems.len(), 1);
}
