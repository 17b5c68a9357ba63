//! The protocol loader on hostile input: random bytes, every truncation of every built-in,
//! mutated built-ins (bytes flipped, ranges deleted or repeated, fields deleted, repeated or given
//! the wrong type, huge numbers, deep nesting). Whatever it is given, the loader must return,
//! never panic, and every error about the text must name a line and column inside it; whatever it
//! accepts must list and show without panicking, as `convene protocols` would.
//!
//! No case can hang: every input is at most a few hundred kilobytes, `serde_json` stops at 128
//! levels of nesting, and the position scanner is linear. The case counts are kept small so the
//! file runs in seconds in a debug build.

use std::path::PathBuf;

use convene::commands::protocols::{list, show};
use convene::protocol::library::BUILTIN;
use convene::protocol::{Entry, Library, LoadError, Origin, parse_protocol_bytes};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;

const PATH: &str = "fuzz.json";

/// Loads `bytes` as a user file would be, checks the error or exercises the protocol, and says
/// whether it loaded.
fn exercise(bytes: &[u8]) -> bool {
    match parse_protocol_bytes(bytes, PATH) {
        Ok(p) => {
            for people in [None, Some(0), Some(1), Some(usize::MAX)] {
                show(&p, people);
            }
            let lib = Library {
                entries: vec![Entry {
                    origin: Origin::File(PathBuf::from(PATH)),
                    protocol: Ok(p),
                    replaces_builtin: false,
                    shadowed_by: None,
                }],
            };
            list(&lib, None);
            list(&lib, Some(usize::MAX));
            true
        }
        Err(e) => {
            check_error(bytes, &e);
            false
        }
    }
}

/// Every error names the file, and a line and column that exist in it.
fn check_error(bytes: &[u8], e: &LoadError) {
    let text = e.to_string();
    assert!(text.starts_with(PATH), "{text}");
    let lines = bytes.split(|b| *b == b'\n').count();
    let mut positions = Vec::new();
    match e {
        LoadError::Syntax { line, column, .. }
        | LoadError::Encoding { line, column, .. }
        | LoadError::UnknownField { line, column, .. } => positions.push((*line, *column)),
        LoadError::Invalid { problems, .. } => {
            assert!(!problems.is_empty());
            for p in problems {
                match (p.line, p.column) {
                    (Some(line), Some(column)) => positions.push((line, column)),
                    _ => panic!("a problem without a position: {text}"),
                }
            }
        }
        LoadError::Io { .. } | LoadError::TooLarge { .. } => panic!("not from bytes: {text}"),
    }
    for (line, column) in positions {
        assert!(line >= 1 && line <= lines.max(1), "line {line} of {lines}: {text}");
        assert!(column >= 1, "column {column}: {text}");
    }
}

fn builtin_bytes(i: usize) -> &'static [u8] {
    BUILTIN[i].1.as_bytes()
}

/// Values of the wrong type or of absurd size, for any field.
fn hostile_values() -> Vec<String> {
    let mut v: Vec<String> = [
        "18446744073709551615",
        "18446744073709551616",
        "4294967295",
        "4294967296",
        "-1",
        "0",
        "1e308",
        "-1e308",
        "1.5",
        "null",
        "true",
        "\"\"",
        "\"rest\"",
        "\"per-member\"",
        "\"18446744073709551615s\"",
        "\"99999999999999999999999h\"",
        "\"24h1s\"",
        "\"0s\"",
        "\"\\u001b[2J\\u009b31m\\u202e\"",
        "\"\\ud800\"",
        "[]",
        "{}",
        "[{}]",
        "{\"id\": \"x\"}",
    ]
    .map(String::from)
    .to_vec();
    v.push(format!("\"{}\"", "x".repeat(70_000)));
    v.push(format!("{}{}", "[".repeat(1_000), "]".repeat(1_000)));
    v.push(format!("{}1{}", "{\"a\":".repeat(1_000), "}".repeat(1_000)));
    v.push("[".repeat(100_000));
    v
}

/// Every JSON pointer in `v`, the root (`""`) first.
fn pointers(v: &Value, here: &str, out: &mut Vec<String>) {
    out.push(here.to_string());
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                pointers(
                    child,
                    &format!("{here}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                pointers(child, &format!("{here}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// `v` as JSON text, with the member `key` of the object at pointer `dup` written twice.
fn write_with_duplicate(v: &Value, here: &str, dup: (&str, &str), out: &mut String) {
    match v {
        Value::Object(map) => {
            out.push('{');
            let mut first = true;
            for (k, child) in map {
                let times = if here == dup.0 && k == dup.1 { 2 } else { 1 };
                for _ in 0..times {
                    if !first {
                        out.push_str(",\n");
                    }
                    first = false;
                    out.push_str(&serde_json::to_string(k).expect("a key"));
                    out.push_str(": ");
                    let at = format!("{here}/{}", k.replace('~', "~0").replace('/', "~1"));
                    write_with_duplicate(child, &at, dup, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, child) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_with_duplicate(child, &format!("{here}/{i}"), dup, out);
            }
            out.push(']');
        }
        leaf => out.push_str(&serde_json::to_string(leaf).expect("a value")),
    }
}

/// A change to a parsed built-in, applied at the node picked by an index.
#[derive(Debug, Clone)]
enum Change {
    Delete,
    Duplicate,
    Replace(usize),
}

fn change() -> impl Strategy<Value = Change> {
    let values = hostile_values().len();
    prop_oneof![
        Just(Change::Delete),
        Just(Change::Duplicate),
        (0..values).prop_map(Change::Replace)
    ]
}

/// Every JSON pointer in the built-in `i`, the root (`""`) first.
fn builtin_pointers(i: usize) -> Vec<String> {
    let v: Value = serde_json::from_slice(builtin_bytes(i)).expect("built-ins are JSON");
    let mut all = Vec::new();
    pointers(&v, "", &mut all);
    all
}

/// The built-in `i` with `change` applied at the node `target` (a JSON pointer), as text.
fn changed_builtin(i: usize, target: &str, change: &Change) -> String {
    let mut v: Value = serde_json::from_slice(builtin_bytes(i)).expect("built-ins are JSON");
    let Some((parent, last)) = target.rsplit_once('/') else {
        // The root itself.
        return match change {
            Change::Replace(k) => hostile_values()[*k].clone(),
            _ => String::new(),
        };
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    match change {
        Change::Replace(k) => {
            // A marker string, then the hostile text in its place: the text need not be JSON.
            *v.pointer_mut(target).expect("pointer") = Value::String("@@HOSTILE@@".into());
            let text = serde_json::to_string_pretty(&v).expect("text");
            text.replacen("\"@@HOSTILE@@\"", &hostile_values()[*k], 1)
        }
        Change::Delete => {
            match v.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.remove(&key);
                }
                Some(Value::Array(items)) => {
                    if let Ok(n) = key.parse::<usize>() {
                        items.remove(n);
                    }
                }
                _ => {}
            }
            serde_json::to_string_pretty(&v).expect("text")
        }
        Change::Duplicate => {
            let mut out = String::new();
            write_with_duplicate(&v, "", (parent, &key), &mut out);
            out
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        exercise(&bytes);
    }

    #[test]
    fn random_json_tokens(tokens in proptest::collection::vec(proptest::sample::select(vec![
        "{", "}", "[", "]", ",", ":", " ", "\n", "\"", "\\", "1", "-", "e", "null", "true",
        "\"format\"", "\"id\"", "\"roles\"", "\"round\"", "\"count\"", "\"rest\"", "\"4m\"",
        "\u{feff}", "é", "\u{0}",
    ]), 0..300)) {
        exercise(tokens.concat().as_bytes());
    }

    #[test]
    fn builtins_with_bytes_changed(
        i in 0..BUILTIN.len(),
        edits in proptest::collection::vec((any::<Index>(), any::<u8>()), 1..8),
    ) {
        let mut bytes = builtin_bytes(i).to_vec();
        for (at, byte) in edits {
            let n = at.index(bytes.len());
            bytes[n] = byte;
        }
        exercise(&bytes);
    }

    #[test]
    fn builtins_with_a_range_deleted_or_repeated(
        i in 0..BUILTIN.len(),
        a in any::<Index>(),
        b in any::<Index>(),
        repeat in any::<bool>(),
    ) {
        let bytes = builtin_bytes(i);
        let (a, b) = (a.index(bytes.len()), b.index(bytes.len()));
        let (from, to) = (a.min(b), a.max(b));
        let mut out = bytes[..to].to_vec();
        if repeat {
            out.extend(&bytes[from..]);
        } else {
            out.truncate(from);
            out.extend(&bytes[to..]);
        }
        exercise(&out);
    }

    #[test]
    fn builtins_with_a_field_changed(i in 0..BUILTIN.len(), at in any::<Index>(), c in change()) {
        let all = builtin_pointers(i);
        exercise(changed_builtin(i, &all[at.index(all.len())], &c).as_bytes());
    }
}

#[test]
fn every_truncation_of_every_builtin() {
    for (name, text) in BUILTIN {
        let bytes = text.as_bytes();
        let whole = bytes.trim_ascii_end().len();
        for end in 0..bytes.len() {
            assert_eq!(exercise(&bytes[..end]), end >= whole, "{name} cut at {end}");
        }
    }
}

#[test]
fn each_top_level_field_deleted_repeated_and_given_each_hostile_value() {
    // The deterministic companion to the random changes, on the first built-in.
    let all = builtin_pointers(0);
    for target in all.iter().filter(|p| p.matches('/').count() == 1) {
        assert!(!exercise(changed_builtin(0, target, &Change::Duplicate).as_bytes()), "{target}");
        exercise(changed_builtin(0, target, &Change::Delete).as_bytes());
        for k in 0..hostile_values().len() {
            exercise(changed_builtin(0, target, &Change::Replace(k)).as_bytes());
        }
    }
}
