//! The index's lists of files (schema 19): the browser's typed filter finds a session by any
//! piece of its date, protocol, group, names, status or id, in any case and any script, exactly
//! as a search of its text would; and a log that goes leaves every list, so that a session
//! written after it is never found by the names or words of the one that went.

use std::path::Path;

use convene::log::Header;
use convene::log::writer::LogWriter;
use convene::protocol::Library;
use convene::review::{Digest, Filter, FilterText, Index, Query, SessionStatus};
use convene::session::Setup;

use crate::support::fixtures::{ALL, data_with};
use crate::support::oracle::scan;

fn setup(people: &[&str], facilitator: &str, group: Option<&str>) -> Setup {
    Setup {
        facilitator: Some(facilitator.into()),
        group_name: group.map(str::to_string),
        ..Setup::new(
            Library::builtin_only().get("project-tuning").expect("built-in").clone(),
            people.iter().copied(),
        )
    }
}

/// A log with its header only (set up, not started), written as `convene run` writes one.
fn header_only(data: &Path, id: &str, start: &str, setup: Setup) -> std::path::PathBuf {
    let start = chrono::DateTime::parse_from_rfc3339(start).expect("start");
    convene::session::check_setup(&setup).expect("a valid setup");
    let w = LogWriter::create(data, id, &Header::new(id.into(), start, setup));
    assert!(w.error.is_none(), "{:?}", w.error);
    w.path.clone()
}

/// What the browser's filter searches in a session, as a person reads the list: its date and
/// time, protocol, group, names, status and id, lowercased.
fn text(id: &str, d: Result<&Digest, &String>) -> String {
    let Ok(d) = d else { return format!("{id} unreadable").to_lowercase() };
    let status = match d.status {
        SessionStatus::Completed => "completed",
        SessionStatus::EndedEarly => "ended early",
        SessionStatus::Unfinished => "unfinished",
    };
    format!(
        "{} {} {} {} {} {} {status} {id}",
        d.start.format("%Y-%m-%d %H:%M"),
        d.protocol_id,
        d.protocol_name,
        d.group.as_deref().unwrap_or_default(),
        d.participants.join(" "),
        d.facilitator.as_deref().unwrap_or_default(),
    )
    .to_lowercase()
}

/// The ids the typed filter `typed` finds, newest first, and those whose text holds every word.
fn found_and_wanted(data: &Path, typed: &str) -> (Vec<String>, Vec<String>) {
    let index = Index::open(data).expect("index");
    let words: Vec<String> = typed.to_lowercase().split_whitespace().map(String::from).collect();
    let q = Query { words: words.clone(), ..Query::default() };
    let got: Vec<String> =
        index.rows(&q, 0, 1000).expect("rows").into_iter().map(|r| r.id).collect();
    assert_eq!(index.count(&q).expect("count"), got.len(), "{typed}");
    let s = scan(data).expect("scan");
    let mut want: Vec<String> = s
        .entries
        .iter()
        .filter(|e| {
            let t = text(&e.id, e.digest.as_ref());
            words.iter().all(|w| t.contains(w.as_str()))
        })
        .map(|e| e.id.clone())
        .collect();
    let mut sorted = got.clone();
    sorted.sort();
    want.sort();
    assert_eq!(sorted, want, "typed {typed:?}");
    (got, want)
}

#[test]
fn the_typed_filter_finds_any_piece_of_a_sessions_text_in_any_case_and_script() {
    let data = data_with(&ALL);
    header_only(
        data.path(),
        "20261125-083000-000-zo3x",
        "2026-11-25T08:30:00+01:00",
        setup(&["Zoë ÖLÇER", "Ann_Lee 100%", "Bo Chen"], "ΣΊΣΥΦΟΣ Παππάς", Some("Ομάδα ΟΔΟΣ 7")),
    );
    header_only(
        data.path(),
        "20261126-140500-000-ab12",
        "2026-11-26T14:05:00-05:00",
        setup(&["Ann Leeds", "Zoe Olcer", "Cat Ng"], "Dev Patel", Some("Year 9 team")),
    );
    let mut matched = 0;
    for typed in [
        "zoë",
        "ÖLÇER",
        "ölç",
        "zoe",
        "_lee",
        "100%",
        "%",
        "_",
        "\\",
        "ann lee",
        "ann_",
        "σίσυφος",
        "ΟΔΟΣ",
        "οδος",
        "ομάδα 7",
        "2026-11",
        "11-2",
        "08:3",
        "14:05",
        "5 14",
        "ended",
        "ended early",
        "unfinished",
        "unreadable",
        "completed",
        "tuning",
        "PROJECT-TUNING year",
        "20261125",
        "-000-",
        "zo3x",
        "ZO3X",
        "ab12 dev",
        "nobody",
        "e",
    ] {
        let (got, _) = found_and_wanted(data.path(), typed);
        matched += usize::from(!got.is_empty());
    }
    // Most of these find something: the filter is not simply empty.
    assert!(matched >= 25, "{matched}");
}

/// A session of the Quill club (Quentin Quill, Ann Lee; Wren Ortiz facilitates), set up on
/// 1 December: its log.
fn quill_session(data: &Path) -> std::path::PathBuf {
    header_only(
        data,
        "20261201-090000-000-qq01",
        "2026-12-01T09:00:00+00:00",
        setup(&["Quentin Quill", "Ann Lee"], "Wren Ortiz", Some("Quill club")),
    )
}

/// A session of Rita Rowe and Sam Sun (Tess Tate facilitates), set up on 2 December.
fn rowe_session(data: &Path) {
    header_only(
        data,
        "20261202-090000-000-rr02",
        "2026-12-02T09:00:00+00:00",
        setup(&["Rita Rowe", "Sam Sun"], "Tess Tate", None),
    );
}

/// The ids the person filter `who` finds.
fn person(data: &Path, who: &str) -> Vec<String> {
    let index = Index::open(data).expect("index");
    let filter =
        Filter::parse(FilterText { person: Some(who), ..Default::default() }).expect("filter");
    index.rows(&Query::new(&filter), 0, 100).expect("rows").into_iter().map(|r| r.id).collect()
}

#[test]
fn a_log_that_goes_leaves_every_list_and_a_later_session_is_not_found_by_its_names() {
    let data = data_with(&ALL);
    let log = quill_session(data.path());
    let person = |who: &str| person(data.path(), who);
    assert_eq!(person("quentin quill"), ["20261201-090000-000-qq01"]);
    assert_eq!(found_and_wanted(data.path(), "quill").0, ["20261201-090000-000-qq01"]);
    // The newest file goes (its number is the next file's), and another session arrives.
    std::fs::remove_file(log).expect("removed");
    assert_eq!(person("quentin quill"), Vec::<String>::new());
    assert_eq!(person("quill"), Vec::<String>::new());
    rowe_session(data.path());
    assert_eq!(person("quentin"), Vec::<String>::new());
    assert_eq!(person("wren ortiz"), Vec::<String>::new());
    assert_eq!(person("rita"), ["20261202-090000-000-rr02"]);
    assert!(found_and_wanted(data.path(), "quill").0.is_empty());
    assert!(found_and_wanted(data.path(), "club").0.is_empty());
    assert_eq!(found_and_wanted(data.path(), "rowe").0, ["20261202-090000-000-rr02"]);
}

/// The newest file's rows removed from the index from outside (by any `SQLite` client), then its
/// log removed and another session written: the new session takes the old one's number, and
/// the lists the old one left must not find it by the old names or words.
#[test]
fn lists_left_by_a_row_removed_from_outside_never_find_the_session_after_it() {
    let data = data_with(&ALL);
    scan(data.path()).expect("the fixtures indexed first");
    let log = quill_session(data.path());
    let person = |who: &str| person(data.path(), who);
    assert_eq!(person("quentin quill"), ["20261201-090000-000-qq01"]);
    let path = convene::review::index::index_path(data.path()).expect("cache folder");
    let conn = rusqlite::Connection::open(&path).expect("open the index");
    let newest = "SELECT fid FROM files ORDER BY fid DESC LIMIT 1";
    let fid: i64 = conn.query_row(newest, [], |r| r.get(0)).expect("newest");
    let key: String =
        conn.query_row("SELECT key FROM files WHERE fid = ?1", [fid], |r| r.get(0)).expect("key");
    assert_eq!(key, "20261201-090000-000-qq01", "the newest file");
    // The session's row and its details go: nothing is left that names its persons and words
    // but the lists themselves.
    conn.execute("DELETE FROM details WHERE fid = ?1", [fid]).expect("delete its details");
    conn.execute("DELETE FROM files WHERE fid = ?1", [fid]).expect("delete its row");
    drop(conn);
    std::fs::remove_file(log).expect("removed");
    rowe_session(data.path());
    assert_eq!(person("rita"), ["20261202-090000-000-rr02"]);
    let conn = rusqlite::Connection::open(&path).expect("open the index");
    let again: i64 = conn.query_row(newest, [], |r| r.get(0)).expect("newest");
    assert_eq!(again, fid, "the new session has the old one's number");
    drop(conn);
    assert_eq!(person("quentin quill"), Vec::<String>::new());
    assert_eq!(person("wren"), Vec::<String>::new());
    assert!(found_and_wanted(data.path(), "quill").0.is_empty());
    assert_eq!(found_and_wanted(data.path(), "rowe").0, ["20261202-090000-000-rr02"]);
}
