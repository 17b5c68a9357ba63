//! Logs in month folders (`sessions/YYYY-MM/<id>.jsonl`) beside the logs written before them in
//! the sessions folder itself: new logs go into their month folder, every command finds logs in
//! both places, and the index walks only the folders whose listing changed, whatever their times.

use crate::support;

use std::path::{Path, PathBuf};

use convene::log::writer::LogWriter;
use convene::log::{Header, find_log, log_path, sessions_dir};
use convene::protocol::Library;
use convene::review::{Index, scan_unfinished};
use convene::session::Setup;
use support::cli::{ok, run as convene};
use support::fixtures::{FIXTURES, S1, S2, S3, UNFINISHED, data_with};

/// A session of the new kind, with the random part.
const NEW: &str = "20261125-100000-000-abcd";

fn listed_ids(out: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(out).expect("JSON");
    let mut ids: Vec<String> = v["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_string())
        .collect();
    ids.sort();
    ids
}

fn list(data: &Path) -> Vec<String> {
    listed_ids(&ok(&convene(data, &["logs", "list", "--json"])))
}

/// The session `id` as `logs list --json` lists it.
fn listed(data: &Path, id: &str) -> serde_json::Value {
    let v: serde_json::Value =
        serde_json::from_str(&ok(&convene(data, &["logs", "list", "--json"]))).expect("JSON");
    v["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .find(|s| s["id"] == id)
        .cloned()
        .expect("listed")
}

/// A log of session `id` that has started nothing yet (unfinished), written by convene's own
/// writer. Returns its path.
fn new_log(data: &Path, id: &str) -> PathBuf {
    let setup = Setup::new(
        Library::builtin_only().get("grow-coaching").expect("built-in").clone(),
        ["Ann Lee", "Ben Okafor"].map(str::to_string),
    );
    let created = chrono::DateTime::parse_from_rfc3339("2026-11-25T10:00:00+00:00").expect("time");
    let w = LogWriter::create(data, id, &Header::new(id.into(), created, setup));
    assert_eq!(w.error, None);
    w.path.clone()
}

/// The month folder of a fixture: they all are of November 2026.
fn november(data: &Path) -> PathBuf {
    let dir = sessions_dir(data).join("2026-11");
    std::fs::create_dir_all(&dir).expect("month folder");
    dir
}

/// A fixture log delivered into `dir` as sync tools deliver a file: written elsewhere, then
/// renamed into place.
fn arrive(data: &Path, id: &str, dir: &Path, name: &str) {
    let tmp = data.join(format!(".arriving-{name}"));
    std::fs::copy(Path::new(FIXTURES).join(format!("{id}.jsonl")), &tmp).expect("copy");
    std::fs::rename(&tmp, dir.join(name)).expect("rename into place");
}

#[test]
fn new_logs_go_into_month_folders_and_every_command_finds_them_beside_old_ones() {
    // Logs from before month folders, in the sessions folder itself.
    let data = data_with(&[S1, UNFINISHED]);
    let path = new_log(data.path(), NEW);
    assert_eq!(path, sessions_dir(data.path()).join("2026-11").join(format!("{NEW}.jsonl")));
    assert_eq!(path, log_path(data.path(), NEW));
    // An old log moved into its month folder by hand (safe: it is found there too).
    arrive(data.path(), S2, &november(data.path()), &format!("{S2}.jsonl"));

    assert_eq!(list(data.path()), [S1, S2, UNFINISHED, NEW]);
    for id in [S1, S2, NEW] {
        let shown = ok(&convene(data.path(), &["logs", "show", id]));
        assert!(shown.contains(id), "{shown}");
    }
    assert_eq!(listed(data.path(), NEW)["path"].as_str().map(PathBuf::from), Some(path.clone()));

    // `convene resume --list` offers the unfinished ones of both places.
    let unfinished = listed_ids(&ok(&convene(data.path(), &["resume", "--list", "--json"])));
    assert_eq!(unfinished, [UNFINISHED, NEW]);
    // The mirror picks the one running, wherever it is.
    let s = scan_unfinished(data.path()).expect("scan");
    let running = |p: &Path| p == path;
    let picked = convene::tui::launch::pick_session(&s, true, running).expect("one to mirror");
    assert_eq!((picked.id.as_str(), picked.path.as_path()), (NEW, path.as_path()));

    assert_eq!(find_log(data.path(), NEW), Some(path));
    assert_eq!(
        find_log(data.path(), S1),
        Some(sessions_dir(data.path()).join(format!("{S1}.jsonl")))
    );
    assert_eq!(find_log(data.path(), S3), None);
}

#[test]
fn an_id_taken_by_an_old_log_in_the_sessions_folder_is_not_used_again() {
    let data = data_with(&[S1]);
    let path = new_log(data.path(), S1);
    assert_eq!(path, november(data.path()).join(format!("{S1}-02.jsonl")));
    assert_eq!(list(data.path()), [S1.to_string(), format!("{S1}-02")]);
}

#[test]
fn logs_arriving_in_month_folders_by_sync_are_seen_by_the_next_command_once_each() {
    let data = data_with(&[S1]);
    let month = november(data.path());
    arrive(data.path(), S2, &month, &format!("{S2}.jsonl"));
    assert_eq!(list(data.path()), [S1, S2]);

    // A log arrives in a month folder that holds logs already.
    arrive(data.path(), S3, &month, &format!("{S3}.jsonl"));
    assert_eq!(list(data.path()), [S1, S2, S3]);

    // Copies a sync tool makes beside it are the same session: listed once, the whole log shown.
    arrive(data.path(), S3, &month, &format!("{S3} (1).jsonl"));
    let whole = std::fs::read(month.join(format!("{S3}.jsonl"))).expect("read");
    std::fs::write(
        month.join(format!("{S3}.sync-conflict-20261129-083000-ABCDEFG.jsonl")),
        &whole[..whole.len() / 2],
    )
    .expect("a torn copy");
    assert_eq!(list(data.path()), [S1, S2, S3]);
    let v = listed(data.path(), S3);
    assert!(v["path"].as_str().expect("path").ends_with(&format!("{S3}.jsonl")), "{v}");
    assert_eq!(v["problems"].as_array().map(Vec::len), Some(0), "{v}");

    // A new month folder, and a log arriving in it.
    let december = sessions_dir(data.path()).join("2026-12");
    std::fs::create_dir(&december).expect("a new month");
    arrive(data.path(), UNFINISHED, &december, &format!("{UNFINISHED}.jsonl"));
    assert_eq!(list(data.path()), [S1, S2, S3, UNFINISHED]);

    // A month folder removed: its logs are gone from the review.
    std::fs::remove_dir_all(&december).expect("rm");
    assert_eq!(list(data.path()), [S1, S2, S3]);
    // A sync tool's copy of a month folder is read as that month's.
    let other = sessions_dir(data.path()).join("2026-11 (1)");
    std::fs::create_dir(&other).expect("a copy of a folder");
    arrive(data.path(), UNFINISHED, &other, &format!("{UNFINISHED}.jsonl"));
    assert_eq!(list(data.path()), [S1, S2, S3, UNFINISHED]);
}

/// Sets a folder's modification time to long ago (2001), as if nothing had changed in it lately.
fn age(folder: &Path) {
    let f = std::fs::File::open(folder).expect("open the folder");
    let long_ago =
        std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    f.set_modified(long_ago).expect("set the folder's time");
}

#[test]
#[cfg_attr(windows, ignore = "ages a folder by opening it as a file, which Windows does not allow")]
fn an_update_walks_only_the_folders_whose_listing_changed() {
    let data = data_with(&[S1]);
    let top = sessions_dir(data.path());
    let october = top.join("2026-10");
    std::fs::create_dir(&october).expect("october");
    let month = november(data.path());
    arrive(data.path(), S2, &month, &format!("{S2}.jsonl"));
    let live = new_log(data.path(), NEW);
    let age_all = || {
        for dir in [&october, &month, &top] {
            age(dir);
        }
    };
    age_all();
    let first = Index::open(data.path()).expect("index");
    assert_eq!((first.read, first.listed), (3, 3), "a first update lists every folder");
    drop(first);
    // Nothing changed, and every folder's time is old enough to trust.
    let quiet = Index::open(data.path()).expect("index");
    assert_eq!((quiet.read, quiet.listed), (0, 0));
    drop(quiet);

    // A log arrives in November: the sessions folder's own time does not change.
    arrive(data.path(), S3, &month, &format!("{S3}.jsonl"));
    let index = Index::open(data.path()).expect("index");
    assert_eq!((index.read, index.listed), (1, 1), "November alone is listed");
    assert_eq!(index.total().expect("total"), 4);
    drop(index);
    age_all();
    Index::open(data.path()).expect("index");

    // A running session appends to its log in its month folder: read again, nothing listed.
    let mut f = std::fs::OpenOptions::new().append(true).open(&live).expect("open");
    std::io::Write::write_all(&mut f, b"not json\n").expect("append");
    drop(f);
    age_all();
    let index = Index::open(data.path()).expect("index");
    assert_eq!((index.read, index.listed), (1, 0));
    drop(index);

    // An old log added to the sessions folder itself: it alone is listed.
    arrive(data.path(), UNFINISHED, &top, &format!("{UNFINISHED}.jsonl"));
    let index = Index::open(data.path()).expect("index");
    assert_eq!((index.read, index.listed), (1, 1));
    assert_eq!(index.total().expect("total"), 5);
}

#[test]
fn a_log_put_back_goes_into_its_month_folder_or_where_its_old_log_is() {
    let saved = tempfile::tempdir().expect("saved");
    let copy = saved.path().join("saved.jsonl");
    std::fs::copy(Path::new(FIXTURES).join(format!("{UNFINISHED}.jsonl")), &copy).expect("copy");

    let empty = data_with(&[]);
    let put = convene::log::bring_back::bring_back(empty.path(), &copy).expect("put back");
    assert_eq!(put, november(empty.path()).join(format!("{UNFINISHED}.jsonl")));

    // An incomplete log of the session in the sessions folder itself is completed in place.
    let old = data_with(&[]);
    let flat = sessions_dir(old.path()).join(format!("{UNFINISHED}.jsonl"));
    let whole = std::fs::read(&copy).expect("read");
    let half = whole.iter().position(|b| *b == b'\n').expect("a header") + 1;
    std::fs::write(&flat, &whole[..half]).expect("the incomplete log");
    let put = convene::log::bring_back::bring_back(old.path(), &copy).expect("put back");
    assert_eq!(put, flat);
    assert_eq!(std::fs::read(&flat).expect("read"), whole);
    assert!(!sessions_dir(old.path()).join("2026-11").exists(), "no second log of it");
}

#[test]
#[cfg_attr(
    windows,
    ignore = "Windows refuses to remove a folder while convene holds a file in it open"
)]
fn a_month_folder_deleted_under_a_running_session_is_made_again_and_named() {
    let data = data_with(&[]);
    let setup = Setup::new(
        Library::builtin_only().get("grow-coaching").expect("built-in").clone(),
        ["Ann Lee", "Ben Okafor"].map(str::to_string),
    );
    let created = chrono::DateTime::parse_from_rfc3339("2026-11-25T10:00:00+00:00").expect("time");
    let mut w = LogWriter::create(data.path(), NEW, &Header::new(NEW.into(), created, setup));
    let month = november(data.path());
    std::fs::remove_dir_all(&month).expect("rm the month folder");
    assert!(w.retry(), "{:?}", w.error);
    let notice = w.notice.clone().unwrap_or_default();
    assert!(notice.contains("the month folder") && notice.contains("2026-11"), "{notice}");
    assert_eq!(convene::log::reader::read_log(&w.path).expect("whole").header.session, NEW);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&month).expect("made again").permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
    }
}

#[test]
fn resume_tells_the_index_of_a_log_in_a_month_folder() {
    let data = data_with(&[S1]);
    let path = new_log(data.path(), NEW);
    assert_eq!(Index::open(data.path()).expect("index").read, 2);
    assert_eq!(Index::open(data.path()).expect("index").read, 0, "nothing changed");
    // `convene resume` continues it: the next update reads it again, whatever the folders say.
    convene::review::index::note_live(data.path(), &path);
    assert_eq!(Index::open(data.path()).expect("index").read, 1);
}

// ---- sync tools that set folder times back, and copies of month folders ----

/// What the three review commands answer, as JSON: `logs list`, `actions` and `report`, with
/// the index in `cache` (made anew when `None`: the answer from the logs alone).
fn reviews(data: &Path, cache: Option<&Path>) -> [serde_json::Value; 3] {
    let fresh = tempfile::tempdir().expect("tempdir");
    let cache = cache.unwrap_or(fresh.path());
    [["logs", "list", "--json"].as_slice(), &["actions", "--json"], &["report", "--json"]].map(
        |args| {
            let out = support::cli::command(data, args)
                .env("CONVENE_CACHE_DIR", cache)
                .output()
                .expect("convene runs");
            serde_json::from_str(&ok(&out)).expect("JSON")
        },
    )
}

/// The sessions `actions --json` lists commitments of, and the text of each commitment.
fn actions_seen(v: &serde_json::Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = v["commitments"]
        .as_array()
        .expect("commitments")
        .iter()
        .map(|c| {
            (
                c["session"].as_str().expect("session").to_string(),
                c["text"].as_str().expect("text").to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// Checks that the review with the index kept in `cache` gives the answer of the logs alone,
/// that it lists `ids` (sorted) and reports as many sessions; returns the commitments seen.
fn reviews_agree(data: &Path, cache: &Path, ids: &[&str]) -> Vec<(String, String)> {
    let [list, actions, report] = reviews(data, Some(cache));
    assert_eq!(listed_ids(&list.to_string()), ids);
    assert_eq!(report["sessions"], ids.len(), "{report}");
    let [list0, actions0, report0] = reviews(data, None);
    assert_eq!(list, list0, "logs list: the answer of the logs");
    assert_eq!(actions, actions0, "actions: the answer of the logs");
    assert_eq!(report, report0, "report: the answer of the logs");
    actions_seen(&actions)
}

/// A folder's modification time and a way to set it back, as `touch -r` or `rsync -a` do.
struct FolderTime(PathBuf, std::time::SystemTime);

impl FolderTime {
    fn note(dir: &Path) -> Self {
        let t = std::fs::metadata(dir).and_then(|m| m.modified()).expect("the folder's time");
        Self(dir.to_path_buf(), t)
    }

    fn set_back(&self) {
        let f = std::fs::File::open(&self.0).expect("open the folder");
        f.set_modified(self.1).expect("set the folder's time back");
        assert_eq!(FolderTime::note(&self.0).1, self.1);
    }
}

/// Makes the index in `cache` take every folder's recorded times as old enough to trust, as
/// they are a few seconds after a change (without waiting for them here).
fn trust_recorded_times(cache: &Path) {
    for item in std::fs::read_dir(cache.join("index")).expect("the index folder") {
        let path = item.expect("entry").path();
        if path.extension().is_some_and(|x| x == "sqlite") {
            let conn = rusqlite::Connection::open(&path).expect("open the index");
            conn.execute("UPDATE folders SET trusted = 1", []).expect("trust");
        }
    }
}

/// Adds, changes and removes a session in `month` (a month folder or a copy of one), setting
/// every folder's time back after each change, and checks every review after each.
fn add_change_remove_with_times_set_back(data: &Path, month: &Path) {
    let cache = tempfile::tempdir().expect("cache");
    let top = sessions_dir(data);
    // Old enough to be trusted by an index that trusts folder times.
    age(month);
    age(&top);
    assert_eq!(reviews_agree(data, cache.path(), &[S1]).len(), 2);
    let times = [FolderTime::note(month), FolderTime::note(&top)];
    let set_back = || {
        trust_recorded_times(cache.path());
        times.iter().for_each(FolderTime::set_back);
    };

    // Added.
    arrive(data, S2, month, &format!("{S2}.jsonl"));
    set_back();
    let seen = reviews_agree(data, cache.path(), &[S1, S2]);
    assert!(seen.contains(&(S2.into(), "Share the seating plan with the team".into())), "{seen:?}");

    // Changed: a new version of the ended log delivered as sync tools deliver one.
    let whole =
        std::fs::read_to_string(Path::new(FIXTURES).join(format!("{S2}.jsonl"))).expect("read");
    let changed = whole.replace("Share the seating plan", "Share the new seating plan");
    let tmp = data.join(".arriving");
    std::fs::write(&tmp, changed).expect("write");
    std::fs::rename(&tmp, month.join(format!("{S2}.jsonl"))).expect("rename into place");
    set_back();
    let seen = reviews_agree(data, cache.path(), &[S1, S2]);
    assert!(
        seen.contains(&(S2.into(), "Share the new seating plan with the team".into())),
        "{seen:?}"
    );

    // Removed.
    std::fs::remove_file(month.join(format!("{S2}.jsonl"))).expect("rm");
    set_back();
    let seen = reviews_agree(data, cache.path(), &[S1]);
    assert!(seen.iter().all(|(s, _)| s != S2), "{seen:?}");
}

#[test]
#[cfg_attr(
    windows,
    ignore = "sets a folder's time by opening it as a file, which Windows does not allow"
)]
fn a_log_added_changed_or_removed_is_seen_whatever_the_folder_times_say() {
    let data = data_with(&[S1]);
    let month = november(data.path());
    add_change_remove_with_times_set_back(data.path(), &month);
}

#[test]
#[cfg_attr(
    windows,
    ignore = "sets a folder's time by opening it as a file, which Windows does not allow"
)]
fn a_copy_of_a_month_folder_made_by_a_sync_tool_is_read_as_that_month() {
    for name in ["2026-11 (1)", "2026-11 (Ann's conflicted copy 2026-11-29)", "2026-11-LAPTOP-7"] {
        let data = data_with(&[S1]);
        november(data.path());
        let copy = sessions_dir(data.path()).join(name);
        std::fs::create_dir(&copy).expect("a copy of a month folder");
        add_change_remove_with_times_set_back(data.path(), &copy);
    }
    // A session in both the month folder and its copy is one session.
    let data = data_with(&[]);
    let month = november(data.path());
    let copy = sessions_dir(data.path()).join("2026-11 (1)");
    std::fs::create_dir(&copy).expect("a copy of a month folder");
    arrive(data.path(), S2, &month, &format!("{S2}.jsonl"));
    arrive(data.path(), S2, &copy, &format!("{S2}.jsonl"));
    arrive(data.path(), S3, &copy, &format!("{S3}.jsonl"));
    assert_eq!(list(data.path()), [S2, S3]);
    let cache = tempfile::tempdir().expect("cache");
    reviews_agree(data.path(), cache.path(), &[S2, S3]);
}

#[test]
fn a_folder_whose_logs_are_not_read_is_named_by_every_review_command() {
    let data = data_with(&[S1]);
    let top = sessions_dir(data.path());
    let old = top.join("old logs");
    std::fs::create_dir(&old).expect("a folder of the user's");
    arrive(data.path(), S2, &old, &format!("{S2}.jsonl"));
    // A folder without logs is nobody's concern.
    std::fs::create_dir(top.join("notes")).expect("another folder");
    for args in [
        ["logs", "list", "--json"].as_slice(),
        &["logs", "list"],
        &["logs", "show", S1],
        &["logs", "export", S1],
        &["logs", "export", "--format", "csv"],
        &["report"],
        &["actions"],
    ] {
        let o = convene(data.path(), args);
        let err = support::cli::stderr(&o);
        assert!(o.status.success(), "{args:?}: {err}");
        assert!(err.contains("not read") && err.contains("old logs"), "{args:?}: {err}");
        assert!(!err.contains("notes"), "{args:?}: {err}");
    }
    // The browser says it in its status bar.
    let app =
        convene::tui::logs::LogsScreen::open(data.path(), data.path().to_path_buf()).expect("open");
    let said = app.message.clone().unwrap_or_default();
    assert!(said.contains("not read") && said.contains("old logs"), "{said}");
    std::fs::remove_dir_all(&old).expect("rm");
    let o = convene(data.path(), &["logs", "list"]);
    assert_eq!(support::cli::stderr(&o), "", "nothing left out, nothing said");
}
