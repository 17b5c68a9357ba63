//! The JSON Schema of protocol files: `convene protocols schema` prints the one committed as
//! `schema/protocol.schema.json`; every built-in and every valid fixture satisfies it; and
//! `convene protocols validate` still refuses what a schema cannot say.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Stdio;

use support::cli::{ok, run, stderr, stdout};

const COMMITTED: &str = "schema/protocol.schema.json";

fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&read_json(Path::new(COMMITTED))).expect("the schema compiles")
}

/// The `*.json` files under `dir`, in every sub-folder but `invalid`, sorted.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "invalid") {
                out.extend(json_files(&path));
            }
        } else if path.extension().is_some_and(|x| x == "json") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Each schema error of `file`, with the place it is at, or nothing when the file satisfies it.
fn schema_errors(v: &jsonschema::Validator, file: &Path) -> Vec<String> {
    let instance = read_json(file);
    v.iter_errors(&instance).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

#[test]
fn the_committed_schema_is_the_one_convene_prints() {
    let root = tempfile::tempdir().expect("tempdir");
    let printed = ok(&run(root.path(), &["protocols", "schema"]));
    let committed = std::fs::read_to_string(COMMITTED).expect("schema/protocol.schema.json");
    assert!(
        printed == committed,
        "schema/protocol.schema.json is out of date: regenerate it with \
         `cargo run -- protocols schema > schema/protocol.schema.json`"
    );
    let schema: serde_json::Value = serde_json::from_str(&printed).expect("JSON");
    assert_eq!(schema["title"], "convene protocol file");
    // The fields an editor completes, format 2's among them.
    for field in ["$schema", "format", "id", "roles", "round", "markers", "facts", "course"] {
        assert!(schema["properties"].get(field).is_some(), "no {field} in the schema");
    }
}

#[test]
fn every_builtin_and_every_valid_fixture_satisfies_the_schema() {
    let v = validator();
    let mut files = json_files(Path::new("protocols"));
    let builtins = files.len();
    assert!(builtins >= 7, "{files:?}");
    files.extend(json_files(Path::new("tests/fixtures/protocols")));
    let mut failures = Vec::new();
    for f in &files {
        for e in schema_errors(&v, f) {
            failures.push(format!("{}: {e}", f.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // And each built-in points its editor at the schema.
    for f in &files[..builtins] {
        assert_eq!(read_json(f)["$schema"], "../schema/protocol.schema.json", "{}", f.display());
    }
}

#[test]
fn the_schema_refuses_what_a_file_cannot_be() {
    let v = validator();
    let mut p = read_json(Path::new("tests/fixtures/protocols/valid/minimal.json"));
    assert!(v.is_valid(&p));
    // An unknown field, a misspelt duration, a count that is neither a number nor "rest".
    let mut unknown = p.clone();
    unknown["colour"] = "red".into();
    assert!(!v.is_valid(&unknown));
    let mut duration = p.clone();
    duration["round"][0]["duration"] = "4 minutes".into();
    assert!(!v.is_valid(&duration));
    p["roles"][0]["count"] = "all".into();
    assert!(!v.is_valid(&p));
    p["roles"][0]["count"] = "rest".into();
    assert!(v.is_valid(&p));
}

#[test]
fn validate_still_refuses_what_the_schema_cannot_express() {
    // A stage naming a role that the protocol does not declare has the right shape...
    let file = Path::new("tests/fixtures/protocols/invalid/unknown-role.json");
    assert_eq!(schema_errors(&validator(), file), Vec::<String>::new());
    // ...and convene refuses it, saying where.
    let root = tempfile::tempdir().expect("tempdir");
    let o = run(root.path(), &["protocols", "validate", &file.display().to_string()]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("unknown-role.json:"), "{}", stderr(&o));
}

#[test]
fn the_schema_stops_quietly_when_its_reader_goes_away() {
    let root = tempfile::tempdir().expect("tempdir");
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let o = support::cli::command(root.path(), &["protocols", "schema"])
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .output()
        .expect("convene runs");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
}
