//! `examples/gen_logs`, the generator behind the review benchmarks (docs/benchmarks.md): its
//! setups go through `convene run`'s own checks, every log it writes reads back, it makes a
//! commitment for each person the protocol asks one of, and it never leaves a half-written data
//! folder. Its source is included here as a module and called as a library.

// Also used by the tests of the index's kept figures (`review_aggregates`).
#[path = "../../examples/gen_logs/generate.rs"]
pub mod generate;

use std::path::Path;

use generate::{GenError, Options, generate};

use crate::support::cli;

fn options(out: &Path, count: usize, seed: u64) -> Options {
    Options { count, out: out.to_path_buf(), seed, flat: false }
}

/// `logs list --json` of a data folder: its sessions.
fn listed(data: &Path) -> Vec<serde_json::Value> {
    let out = cli::ok(&cli::run(data, &["logs", "list", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["unreadable"].as_array().map_or(0, Vec::len), 0, "unreadable logs: {v}");
    v["sessions"].as_array().expect("sessions").clone()
}

#[test]
fn two_thousand_logs_from_three_seeds_read_back_with_their_commitments() {
    for seed in [1, 2, 7] {
        let tmp = tempfile::tempdir().expect("temp dir");
        let data = tmp.path().join("data");
        let made = generate(&options(&data, 2_000, seed)).expect("the generator succeeds");
        assert_eq!(made.logs, 2_000, "seed {seed}");
        assert_eq!(made.outcomes.iter().map(|(_, n)| n).sum::<usize>(), 2_000);
        assert_eq!(made.sessions, data.join("sessions"));
        // Only the finished folder is there: no partial one beside it.
        let beside: Vec<_> = std::fs::read_dir(tmp.path())
            .expect("list")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(beside, ["data"], "seed {seed}");
        let sessions = listed(&data);
        assert_eq!(sessions.len(), 2_000, "seed {seed}: every log reads back");
        let count = |s: &serde_json::Value| s["commitments"].as_u64().unwrap_or(0);
        let read: u64 = sessions.iter().map(count).sum();
        assert_eq!(read, made.commitments as u64, "seed {seed}: the commitments it says it made");
        // Three Ss and the half-termly review ask for commitments with no owning role: each
        // completed one has one per person; GROW's asks the trainee: one each.
        for s in sessions.iter().filter(|s| s["status"] == "completed") {
            let people = s["participants"].as_array().map_or(0, Vec::len) as u64;
            match s["protocol"]["id"].as_str() {
                Some("three-ss" | "half-termly-review") => {
                    assert_eq!(count(s), people, "seed {seed}: {s}");
                }
                Some("grow-coaching") => assert_eq!(count(s), 1, "seed {seed}: {s}"),
                _ => {}
            }
        }
    }
}

#[test]
fn a_folder_that_holds_files_is_refused_and_left_as_it_was() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).expect("mkdir");
    std::fs::write(data.join("mine.txt"), "keep me").expect("write");
    let e = generate(&options(&data, 50, 1)).expect_err("refused");
    assert!(matches!(e, GenError::Exists(_)), "{e}");
    assert!(e.to_string().contains("already holds files"), "{e}");
    assert_eq!(std::fs::read_to_string(data.join("mine.txt")).expect("kept"), "keep me");
    let names: Vec<_> = std::fs::read_dir(&data).expect("list").flatten().collect();
    assert_eq!(names.len(), 1, "nothing was written into it");
    assert_eq!(std::fs::read_dir(tmp.path()).expect("list").count(), 1, "nor beside it");
}

#[test]
fn what_a_killed_run_left_half_written_is_not_taken_into_the_new_folder() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("data");
    let stale = tmp.path().join(".data.partial").join("sessions");
    std::fs::create_dir_all(&stale).expect("mkdir");
    std::fs::write(stale.join("20230101-090000-000-half.jsonl"), "{\"torn").expect("write");
    let made = generate(&options(&data, 40, 2)).expect("the generator succeeds");
    assert_eq!(made.logs, 40);
    assert_eq!(listed(&data).len(), 40, "only the new logs");
    assert!(!tmp.path().join(".data.partial").exists());
}

/// An index built from a thousand logs or more is compacted as it is built (`VACUUM`): the room
/// its pages leave free as rows are added a log at a time is given back. Compacting it again
/// gains nothing.
#[test]
fn an_index_built_from_a_thousand_logs_is_compacted() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("data");
    generate(&options(&data, 1_000, 3)).expect("the generator succeeds");
    let scan = crate::support::oracle::scan(&data).expect("index built");
    assert_eq!(scan.read, 1_000);
    let path = convene::review::index::index_path(&data).expect("cache folder");
    let built = std::fs::metadata(&path).expect("index file").len();
    let again = tmp.path().join("compacted.sqlite");
    let conn = rusqlite::Connection::open(&path).expect("open the index");
    let free: i64 = conn.query_row("PRAGMA freelist_count", [], |r| r.get(0)).expect("free pages");
    assert_eq!(free, 0, "no free page left");
    conn.execute("VACUUM INTO ?1", [again.to_str().expect("UTF-8 path")]).expect("vacuum");
    let compacted = std::fs::metadata(&again).expect("compacted copy").len();
    // Rows added a log at a time leave pages about seven eighths full: an index not compacted
    // is some 8 % larger than its compacted copy.
    assert!(
        built * 100 <= compacted * 102,
        "the index ({built} bytes) is larger than compacted ({compacted} bytes)"
    );
    drop(conn);
    std::fs::remove_file(&path).ok();
}
