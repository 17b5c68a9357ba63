//! Damaged and doctored session logs, as `resume` and `mirror` meet them: a log's header is input
//! like any file. Real logs (the review fixtures and the reader's) have their header mutated: each
//! field given random values, huge numbers, the wrong type, emptied arrays, deleted, or the line
//! cut short. Whatever the reader is given, it must return, never panic: an error names the file
//! and line 1; a log it accepts must replay, draw as the mirror's first frame, take the time
//! that passed while convene was down (as `resume` does) and take the facilitator's commands,
//! without panicking.
//!
//! The case counts are kept small so the file runs in seconds in a debug build.

use crate::support;

use std::path::{Path, PathBuf};

use convene::log::reader::{ReadError, SessionLog, parse_log};
use convene::session::{Command, GapCause, Now, decide, due, replay};
use convene::tui::live::LiveScreen;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;
use support::{live_text, mono_opts, wall};

const NAME: &str = "fuzz.jsonl";

/// Every real log the tests keep: the review fixtures and the reader's hand-checked one.
fn real_logs() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join("logs"))
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    paths.push(root.join("logs-reader/torn-last-line.jsonl"));
    paths.iter().map(|p| std::fs::read_to_string(p).expect("fixture")).collect()
}

/// The header of `log` replaced by `header`.
fn with_header(log: &str, header: &Value) -> String {
    let rest = log.split_once('\n').map_or("", |(_, rest)| rest);
    format!("{header}\n{rest}")
}

fn header_of(log: &str) -> Value {
    serde_json::from_str(log.lines().next().expect("a header")).expect("json")
}

/// What `resume` and `mirror` do with a log, through the library: replay it, draw the first frame,
/// report the time convene was down, let time pass and take commands. Nothing may panic.
fn exercise(log: &SessionLog) {
    let state = replay(log.header.setup.clone(), &log.events);
    let last = state.last_at;
    let mut screen = LiveScreen::new(state.clone(), None, mono_opts());
    for mono in [last, last.saturating_add(3_600_000), u64::MAX / 4] {
        let now = Now::new(mono, wall(mono.min(1 << 40)));
        for (w, h) in [(120, 40), (60, 20)] {
            live_text(&screen, w, h, now);
        }
        let _ = due(&screen.state, now);
        let _ = screen.state.clone().planned_ms();
    }
    let now = Now::new(last.saturating_add(1_000), wall(1_000));
    let _ = screen.exec(Command::ReportGap { gap_ms: u64::MAX / 3, cause: GapCause::Restart }, now);
    screen.tick(now);
    for cmd in [
        Command::Start,
        Command::Next { force: true },
        Command::Back,
        Command::Skip,
        Command::Pause,
        Command::Resume,
        Command::End,
    ] {
        let _ = decide(&screen.state, cmd.clone(), now);
        let _ = screen.exec(cmd, now);
        live_text(&screen, 100, 30, now);
    }
}

/// Reads `text` as a log: an error must name the file and line 1 (headers) or be about the
/// file as a whole; a log must take everything `resume` and `mirror` do. Says whether it read.
fn check(text: &str) -> bool {
    match parse_log(text, NAME) {
        Ok(log) => {
            exercise(&log);
            true
        }
        Err(ReadError(message)) => {
            assert!(message.starts_with(&format!("{NAME}:")), "{message}");
            assert!(!message.contains('\u{1b}'), "{message}");
            assert!(message.chars().count() < 2_000, "a message of {} chars", message.len());
            false
        }
    }
}

/// The JSON pointer of every value in `v`, the root excluded.
fn pointers(v: &Value, at: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(x, &p, out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(x, &p, out);
            }
        }
        _ => {}
    }
}

/// A hostile value for a field.
fn any_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::from(0)),
        Just(Value::from(-1)),
        Just(Value::from(u64::MAX)),
        Just(Value::from(i64::MAX)),
        Just(Value::from(9_223_372_036_854_775_807u64 / 1000)),
        Just(Value::from(1e308)),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        Just(Value::from("")),
        Just(Value::from("x".repeat(5_000))),
        Just(Value::from("9999999999999999h")),
        Just(Value::from("\u{1b}[2J")),
        "[a-z0-9 -]{0,12}".prop_map(Value::from),
        Just(Value::Array(Vec::new())),
        Just(Value::Object(serde_json::Map::new())),
    ]
}

/// One change to a header.
#[derive(Debug, Clone)]
enum Mutation {
    /// The field at a pointer given a value.
    Set(Index, Value),
    /// The field at a pointer deleted.
    Delete(Index),
    /// An array emptied (the first array at or after the pointer).
    Empty(Index),
    /// A changed duration for a stage of the protocol, or one that is none.
    Override(Index, u64),
}

fn any_mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<Index>(), any_value()).prop_map(|(i, v)| Mutation::Set(i, v)),
        1 => any::<Index>().prop_map(Mutation::Delete),
        2 => any::<Index>().prop_map(Mutation::Empty),
        2 => (any::<Index>(), prop_oneof![Just(u64::MAX), Just(i64::MAX as u64), Just(0u64), any::<u64>(), 1..100_000u64])
            .prop_map(|(i, s)| Mutation::Override(i, s)),
    ]
}

fn mutate(header: &mut Value, m: &Mutation) {
    let mut all = Vec::new();
    pointers(header, "", &mut all);
    match m {
        Mutation::Set(i, v) => {
            if let Some(x) = header.pointer_mut(&all[i.index(all.len())]) {
                *x = v.clone();
            }
        }
        Mutation::Delete(i) => {
            let p = &all[i.index(all.len())];
            let (parent, key) = p.rsplit_once('/').expect("a pointer");
            match header.pointer_mut(parent) {
                Some(Value::Object(o)) => {
                    o.remove(&key.replace("~1", "/").replace("~0", "~"));
                }
                Some(Value::Array(a)) => {
                    if let Ok(k) = key.parse::<usize>() {
                        a.remove(k);
                    }
                }
                _ => {}
            }
        }
        Mutation::Empty(i) => {
            let arrays: Vec<&String> =
                all.iter().filter(|p| header.pointer(p).is_some_and(Value::is_array)).collect();
            if !arrays.is_empty() {
                let p = arrays[i.index(arrays.len())].clone();
                if let Some(Value::Array(a)) = header.pointer_mut(&p) {
                    a.clear();
                }
            }
        }
        Mutation::Override(i, secs) => {
            let ids: Vec<String> = all
                .iter()
                .filter(|p| p.ends_with("/id") && p.contains("/protocol/"))
                .filter_map(|p| header.pointer(p).and_then(Value::as_str).map(str::to_string))
                .chain(["nowhere".to_string()])
                .collect();
            let id = ids[i.index(ids.len())].clone();
            let setup = header.pointer_mut("/setup").and_then(Value::as_object_mut);
            if let Some(setup) = setup {
                let o = setup
                    .entry("overrides")
                    .or_insert_with(|| Value::Object(serde_json::Map::default()));
                if let Value::Object(o) = o {
                    o.insert(id, Value::from(*secs));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The two headers of the issue, and the rules of docs/log-format.md

/// The first review fixture with its header changed by `edit`.
fn doctored(edit: impl FnOnce(&mut Value)) -> String {
    let log = &real_logs()[0];
    let mut h = header_of(log);
    edit(&mut h);
    with_header(log, &h)
}

fn refused(text: &str) -> String {
    let e = parse_log(text, "2026-11/x.jsonl").expect_err("refused");
    e.0
}

#[test]
fn a_header_whose_protocol_has_no_stages_is_refused_naming_the_field() {
    let text = doctored(|h| {
        for part in ["opening", "round", "closing"] {
            h["setup"]["protocol"][part] = Value::Array(Vec::new());
        }
    });
    let e = refused(&text);
    assert!(e.starts_with("2026-11/x.jsonl:1: the header is not valid"), "{e}");
    assert!(e.contains("setup.protocol: stages: the protocol has no stages"), "{e}");
}

#[test]
fn a_header_changing_a_duration_to_centuries_is_refused_naming_the_stage() {
    let text = doctored(|h| {
        h["setup"]["overrides"] = serde_json::json!({ "discussion": 9_223_372_036_854_775_807u64 });
    });
    let e = refused(&text);
    assert!(e.starts_with("2026-11/x.jsonl:1: the header is not valid"), "{e}");
    assert!(
        e.contains(
            "setup.overrides: --stage discussion: 9223372036854775807 seconds is longer than a day"
        ),
        "{e}"
    );
}

#[test]
fn a_header_with_a_protocol_that_fails_validation_lists_the_first_problems() {
    let text = doctored(|h| {
        h["setup"]["protocol"]["id"] = Value::from("Not Kebab");
        h["setup"]["participants"] = serde_json::json!(["Ann"]);
    });
    let e = refused(&text);
    assert!(e.contains("setup.protocol: id: \"Not Kebab\" is not kebab-case"), "{e}");
    assert!(
        e.contains("setup.participants: Project tuning needs at least 2 people; 1 given"),
        "{e}"
    );
}

#[test]
fn a_header_field_of_the_wrong_type_is_named_by_its_path() {
    let text = doctored(|h| {
        h["setup"]["protocol"]["round"][1]["duration"] = Value::from(u64::MAX);
    });
    let e = refused(&text);
    assert_eq!(
        e,
        "2026-11/x.jsonl:1: the header is not readable: setup.protocol.round[1].duration: \
         invalid type: integer `18446744073709551615`, expected a string"
    );
    let text = doctored(|h| {
        h["setup"]["protocol"]["roles"][0].as_object_mut().expect("role").remove("name");
    });
    let e = refused(&text);
    assert!(e.contains("setup.protocol.roles[0]: missing field `name`"), "{e}");
}

#[test]
fn every_real_log_is_still_read_and_replayed() {
    // One fixture is written by a newer convene (format 2), and is refused as such.
    let read = real_logs().iter().filter(|log| check(log)).count();
    assert_eq!(read, real_logs().len() - 1);
}

#[test]
fn the_engine_survives_times_near_the_end_of_the_representable() {
    // Events whose times are doctored (they are not validated as the header is): the clock
    // arithmetic saturates instead of overflowing.
    let log = &real_logs()[0];
    let mut lines: Vec<String> = log.lines().map(str::to_string).collect();
    for l in lines.iter_mut().skip(1) {
        let mut v: Value = serde_json::from_str(l).expect("json");
        v["at"] = Value::from(u64::MAX - 5);
        if v.get("by_ms").is_some() {
            v["by_ms"] = Value::from(u64::MAX);
        }
        *l = v.to_string();
    }
    let text = lines.join("\n") + "\n";
    assert!(check(&text));
}

// ---------------------------------------------------------------------------------------------
// The fuzz

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_mutated_header_is_refused_clearly_or_replayed(
        which in any::<Index>(),
        mutations in prop::collection::vec(any_mutation(), 1..4),
    ) {
        let logs = real_logs();
        let log = &logs[which.index(logs.len())];
        let mut h = header_of(log);
        for m in &mutations {
            mutate(&mut h, m);
        }
        check(&with_header(log, &h));
    }

    #[test]
    fn a_cut_header_is_refused_with_its_line(which in any::<Index>(), at in any::<Index>()) {
        let logs = real_logs();
        let log = &logs[which.index(logs.len())];
        let first = log.lines().next().expect("header");
        let mut cut = at.index(first.len());
        while !first.is_char_boundary(cut) {
            cut -= 1;
        }
        let text = format!("{}\n{}", &first[..cut], log.split_once('\n').map_or("", |x| x.1));
        prop_assert!(!check(&text));
    }
}

// ---------------------------------------------------------------------------------------------
// The commands

/// `convene resume --file` and `convene mirror ID` on a log whose protocol has no stages: a
/// message naming the log and the field, and an ordinary failure (not a panic's 101).
#[test]
fn resume_and_mirror_refuse_a_doctored_log_by_name() {
    let root = tempfile::tempdir().expect("tempdir");
    let text = doctored(|h| {
        for part in ["opening", "round", "closing"] {
            h["setup"]["protocol"][part] = Value::Array(Vec::new());
        }
    });
    // Unfinished, so that resume would continue it.
    let text: String =
        text.lines().filter(|l| !l.contains("\"session-ended\"")).flat_map(|l| [l, "\n"]).collect();
    let file = root.path().join("elsewhere.jsonl");
    std::fs::write(&file, &text).expect("write");
    let o = support::cli::run(root.path(), &["resume", "--file", &file.display().to_string()]);
    let err = support::cli::stderr(&o);
    assert!(!o.status.success() && o.status.code() != Some(101), "{o:?}");
    assert!(err.contains(".jsonl:1: the header is not valid"), "{err}");
    assert!(err.contains("setup.protocol: stages: the protocol has no stages"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    let id = header_of(&text)["session"].as_str().expect("id").to_string();
    let path = convene::log::log_path(root.path(), &id);
    std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
    std::fs::write(&path, &text).expect("write");
    let o = support::cli::run(root.path(), &["mirror", &id]);
    let err = support::cli::stderr(&o);
    assert!(!o.status.success() && o.status.code() != Some(101), "{o:?}");
    assert!(err.contains("the header is not valid"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
