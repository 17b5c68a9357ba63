//! A session's names kept by number in the review index (issue 24, schema 21): whatever its
//! protocol, group, facilitator and participants are called (quotes, escapes, control
//! characters, right-to-left text, CJK, emoji), the index gives them back as its log holds
//! them, to the list, `--json` and `logs show`; and a log that goes takes its names out of the
//! person filter even though the names stay in the shared dictionary.

use std::path::Path;

use convene::log::Header;
use convene::log::writer::LogWriter;
use convene::protocol::Library;
use convene::review::{Digest, Filter, FilterText, Index, Query};
use convene::session::Setup;
use proptest::prelude::*;

use crate::support::cli::{ok, run};
use crate::support::fixtures::{ALL, data_with};
use crate::support::oracle::scan;

/// Names holding every kind of odd character: quotes, a bar, a backslash, JSON escape
/// sequences written out, a tab, a newline, control characters, an escape sequence, a
/// combining mark, right-to-left text, an emoji sequence, a byte order mark, the largest
/// scalar, CJK, Hangul and white space around.
const ODD: [&str; 12] = [
    "Zoë \"Q\" O'Brien",
    r"back\slash|bar \u0041 \n",
    "tab\there\nnew line\r",
    "\u{0}nul \u{7f}del",
    "\u{1b}[31mred\u{1b}[0m",
    "e\u{301}le\u{300}ve",
    "\u{202e}cba \u{5d0}\u{5d1}",
    "\u{1f469}\u{200d}\u{1f467} family",
    "\u{feff}bom \u{10ffff}",
    "李小龙 王芳",
    "김민준",
    "  spaced  out  ",
];

/// A log with its header only (set up, not started), names as given, unchecked.
fn header_only(
    data: &Path,
    id: &str,
    protocol: &str,
    people: &[String],
    facilitator: Option<&str>,
    group: Option<&str>,
) -> std::path::PathBuf {
    let mut p = Library::builtin_only().get("project-tuning").expect("built-in").clone();
    protocol.clone_into(&mut p.name);
    let setup = Setup {
        facilitator: facilitator.map(str::to_string),
        group_name: group.map(str::to_string),
        ..Setup::new(p, people.iter().cloned())
    };
    let start = chrono::DateTime::parse_from_rfc3339("2026-12-01T09:00:00+05:30").expect("start");
    let w = LogWriter::create(data, id, &Header::new(id.into(), start, setup));
    assert!(w.error.is_none(), "{:?}", w.error);
    w.path.clone()
}

/// The session's digest replayed from its log.
fn direct(path: &Path) -> Digest {
    let log = convene::log::reader::read_log(path).expect("readable");
    Digest::of_log(&log)
}

/// The index gives back every session's names (and the rest of its digest) as replaying its
/// log does: `logs show` (the entry), the list's rows, and their count.
fn check_names(data: &Path) {
    let s = scan(data).expect("scan");
    for e in &s.entries {
        let log = convene::log::reader::read_log(&e.path)
            .map(|log| Digest::of_log(&log))
            .map_err(|err| err.0);
        assert_eq!(e.digest, log, "{}", e.id);
    }
    let index = Index::open(data).expect("index");
    let rows = index.rows(&Query::default(), 0, 1000).expect("rows");
    assert_eq!(rows.len(), s.entries.len());
    for r in rows {
        let e = s.entries.iter().find(|e| e.id == r.id).expect("listed");
        match (&r.summary, &e.digest) {
            (Ok(row), Ok(d)) => {
                assert_eq!(row.protocol_name, d.protocol_name, "{}", r.id);
                assert_eq!(row.group, d.group, "{}", r.id);
                assert_eq!(row.facilitator, d.facilitator, "{}", r.id);
                assert_eq!(row.participants, d.participants, "{}", r.id);
            }
            (Err(_), Err(_)) => {}
            (row, d) => panic!("{}: listed {row:?}, replayed {d:?}", r.id),
        }
    }
}

#[test]
fn a_session_whose_names_hold_every_odd_character_lists_and_shows_them_as_its_log() {
    let data = data_with(&ALL);
    let id = "20261201-090000-000-odd1";
    let people: Vec<String> = ODD.iter().map(|s| (*s).to_string()).collect();
    let log = header_only(data.path(), id, ODD[6], &people, Some(ODD[4]), Some(ODD[9]));
    // A second session shares some of the names, in another order.
    let id2 = "20261202-090000-000-odd2";
    let some: Vec<String> = people.iter().rev().step_by(3).cloned().collect();
    header_only(data.path(), id2, ODD[6], &some, Some(ODD[0]), None);
    check_names(data.path());
    let d = direct(&log);
    // The list as JSON carries the names exactly.
    let list: serde_json::Value =
        serde_json::from_str(&ok(&run(data.path(), &["logs", "list", "--json"]))).expect("json");
    let sessions = list["sessions"].as_array().expect("sessions");
    let s = sessions.iter().find(|s| s["id"] == id).expect("listed");
    assert_eq!(s["participants"], serde_json::json!(d.participants), "{s}");
    assert_eq!(s["facilitator"], serde_json::json!(d.facilitator), "{s}");
    assert_eq!(s["group"], serde_json::json!(d.group), "{s}");
    // `logs show` (from the index) names every participant as `logs show --json` (the log) does.
    let shown = ok(&run(data.path(), &["logs", "show", id]));
    let export: serde_json::Value =
        serde_json::from_str(&ok(&run(data.path(), &["logs", "show", id, "--json"])))
            .expect("json");
    assert!(shown.contains("family"), "{shown}");
    assert!(shown.contains("李小龙 王芳"), "{shown}");
    assert!(shown.contains("김민준"), "{shown}");
    assert!(!shown.contains('\u{1b}'), "an escape reached the terminal: {shown}");
    assert!(export.to_string().contains("김민준"), "{export}");
    // Each name finds its sessions.
    let index = Index::open(data.path()).expect("index");
    let person = |who: &str| -> Vec<String> {
        let filter =
            Filter::parse(FilterText { person: Some(who), ..Default::default() }).expect("filter");
        index.rows(&Query::new(&filter), 0, 100).expect("rows").into_iter().map(|r| r.id).collect()
    };
    assert_eq!(person("spaced"), [id2, id]);
    assert_eq!(person("김민준"), [id]);
    assert_eq!(person("李小龙"), [id]);
}

#[test]
fn a_log_that_goes_takes_its_names_out_of_the_lists_though_they_stay_in_the_dictionary() {
    let data = data_with(&ALL);
    let names = |v: &[&str]| v.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
    let gone = header_only(
        data.path(),
        "20261201-090000-000-go01",
        "Tuning",
        &names(&["Quentin Quill", "李小龙"]),
        Some("Wren Ortiz"),
        Some("Quill club"),
    );
    check_names(data.path());
    std::fs::remove_file(gone).expect("removed");
    header_only(
        data.path(),
        "20261202-090000-000-go02",
        "Tuning",
        &names(&["Rita Rowe", "李小龙"]),
        None,
        None,
    );
    check_names(data.path());
    let index = Index::open(data.path()).expect("index");
    let person = |who: &str| -> Vec<String> {
        let filter =
            Filter::parse(FilterText { person: Some(who), ..Default::default() }).expect("filter");
        index.rows(&Query::new(&filter), 0, 100).expect("rows").into_iter().map(|r| r.id).collect()
    };
    assert!(person("quentin quill").is_empty());
    assert!(person("wren ortiz").is_empty());
    assert_eq!(person("李小龙"), ["20261202-090000-000-go02"]);
}

/// A name: any characters, CJK and escapes more often than chance gives them.
fn any_name() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z' -]{1,8}",
        "[\u{4e00}-\u{9fff}\u{ac00}-\u{d7a3}]{1,4}",
        Just("\u{1b}[1m".to_string()),
        Just("\\u0000\\n\"".to_string()),
        Just("\u{0}\t\n\u{7f}".to_string()),
        "\\PC{1,4}",
        any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(piece, 1..4).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Any names, packed by number and read back through the dictionary, are the log's.
    #[test]
    fn any_names_read_back_as_the_log_holds_them(
        people in proptest::collection::vec(any_name(), 0..7),
        protocol in any_name(),
        facilitator in proptest::option::of(any_name()),
        group in proptest::option::of(any_name()),
    ) {
        let data = data_with(&[]);
        header_only(
            data.path(),
            "20261201-090000-000-any1",
            &protocol,
            &people,
            facilitator.as_deref(),
            group.as_deref(),
        );
        check_names(data.path());
    }
}
