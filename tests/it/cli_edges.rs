//! The edges of every printing command: a reader that goes away, hostile text in paths and logs,
//! and failures printed as plain `convene:` lines with the documented exit codes
//! (0 success, 2 bad input or usage, 1 a failure of the machine).

use crate::support;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use support::fixtures::{ALL, S1, UNFINISHED, data_with};

/// [`support::cli::command`], with `NO_COLOR` unset: these tests check no colour leaks anyway.
fn convene_cmd(data: &Path, args: &[&str]) -> Command {
    let mut c = support::cli::command(data, args);
    c.env_remove("NO_COLOR");
    c
}

fn convene(data: &Path, args: &[&str]) -> Output {
    convene_cmd(data, args).output().expect("convene runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("utf-8")
}

/// Runs with standard output a pipe whose reader is already gone, as `convene … | head -0`
/// ends up once `head` has exited: every write fails with a broken pipe.
fn into_closed_pipe(data: &Path, args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    convene_cmd(data, args)
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .output()
        .expect("convene runs")
}

/// Characters a terminal acts on: ESC, BEL, C1 controls (U+009B is a one-character CSI), and
/// bidirectional overrides and isolates.
fn has_raw_controls(s: &str) -> bool {
    s.chars().any(|c| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    })
}

#[test]
fn every_printing_command_stops_quietly_when_its_reader_goes_away() {
    let data = data_with(&ALL);
    for args in [
        &["protocols"][..],
        &["protocols", "show", "project-tuning"],
        &["resume", "--list"],
        &["logs", "list"],
        &["logs", "list", "--json"],
        &["logs", "show", S1],
        &["logs", "export", S1, "--format", "json"],
        &["logs", "export", S1, "--format", "csv"],
        &["report"],
        &["actions", "--json"],
        &["actions"],
    ] {
        let o = into_closed_pipe(data.path(), args);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?} printed on stderr: {err}");
    }
}

#[test]
fn failures_are_plain_convene_lines_with_exit_codes() {
    let data = data_with(&ALL);
    // Bad input: an unknown session id, an unknown protocol.
    for args in [&["logs", "show", "19990101"][..], &["protocols", "show", "nope"]] {
        let o = convene(data.path(), args);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.starts_with("convene: "), "{args:?}: {err}");
        assert!(!err.contains('\u{1b}') && !err.contains("Location:"), "{args:?}: {err}");
    }
    // The machine's failure: a file that cannot be created.
    let out = data.path().join("no-such-folder").join("s1.md");
    let o = convene(data.path(), &["logs", "export", S1, "-o", &out.to_string_lossy()]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.starts_with("convene: cannot create "), "{err}");
    assert_eq!(err.lines().count(), 1, "one plain line:\n{err}");
    // Exporting over an existing file is refused as bad input, and the file is kept.
    std::fs::write(data.path().join("keep.md"), "mine").expect("write");
    let keep = data.path().join("keep.md");
    let o = convene(data.path(), &["logs", "export", S1, "-o", &keep.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_to_string(&keep).expect("read"), "mine");
    // A bad CONVENE_TODAY is bad input.
    let o = convene_cmd(data.path(), &["actions"]).env("CONVENE_TODAY", "soon").output();
    assert_eq!(o.expect("runs").status.code(), Some(2));
}

#[test]
fn escape_sequences_in_paths_never_reach_the_terminal() {
    let root = tempfile::tempdir().expect("tempdir");
    // A folder name that would set the terminal's title. Windows file names cannot hold the C0
    // controls (ESC, BEL): there, the C1 CSI and a right-to-left override, which they can.
    let (name, shown) = if cfg!(windows) {
        ("data\u{9b}2J\u{202e}x", "data\u{FFFD}2J\u{FFFD}x")
    } else {
        ("data\u{1b}]0;pwned\u{7}\u{9b}2J", "data\u{FFFD}]0;pwned\u{FFFD}\u{FFFD}2J")
    };
    let data = root.path().join(name);
    std::fs::create_dir_all(&data).expect("mkdir");
    let o = convene(&data, &["logs", "list"]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(out.starts_with("No session logs yet in "), "{out}");
    assert!(!has_raw_controls(&out), "{out:?}");
    assert!(out.contains(shown), "{out:?}");

    let fixtures = data_with(&[S1]);
    let target = data.join("s1.md");
    let o = convene(fixtures.path(), &["logs", "export", S1, "-o", &target.to_string_lossy()]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.starts_with("Wrote ") && !has_raw_controls(&err), "{err:?}");
    assert!(target.exists());
    // And an error that names such a path.
    let o = convene(fixtures.path(), &["logs", "export", S1, "-o", &target.to_string_lossy()]);
    let err = text(&o.stderr);
    assert!(err.contains("already exists") && !has_raw_controls(&err), "{err:?}");
}

/// A log whose header names people with a one-character CSI and a right-to-left override, as a
/// hand-edited or damaged log could.
fn hostile_log(data: &Path) {
    let path = data.join("sessions").join(format!("{S1}.jsonl"));
    let log = std::fs::read_to_string(&path).expect("read");
    assert!(log.contains("Ann Lee"));
    std::fs::write(&path, log.replace("Ann Lee", "Ann\\u009b31mLee\\u202e")).expect("write");
}

#[test]
fn json_export_escapes_c1_and_bidi_and_keeps_the_data() {
    let data = data_with(&[S1]);
    hostile_log(data.path());
    let o = convene(data.path(), &["logs", "export", S1, "--format", "json"]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(!has_raw_controls(&out), "raw control characters in the JSON");
    assert!(out.contains("Ann\\u009b31mLee\\u202e"), "written as escapes");
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let people = v["participants"].as_array().expect("participants");
    assert!(people.iter().any(|p| p == "Ann\u{9b}31mLee\u{202e}"), "same data: {people:?}");
    // The text views replace them.
    for args in [&["logs", "show", S1][..], &["logs", "list"], &["actions"]] {
        let o = convene(data.path(), args);
        let out = text(&o.stdout);
        assert!(!has_raw_controls(&out), "{args:?}: {out:?}");
    }
}

/// A user protocol `id` in `root/protocols`: the built-in coaching triads with one text replaced.
fn user_triad(root: &Path, id: &str, (from, to): (&str, &str)) {
    let dir = root.join("protocols");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let builtin = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("protocols/coaching-triad.json"),
    )
    .expect("built-in");
    let mine = builtin.replace("\"coaching-triad\"", &format!("\"{id}\"")).replace(from, to);
    assert!(builtin.contains(from), "{from} is in the built-in");
    std::fs::write(dir.join(format!("{id}.json")), mine).expect("write");
}

#[test]
fn protocol_role_names_are_shown_without_c1_or_bidi_controls() {
    let data = tempfile::tempdir().expect("tempdir");
    user_triad(data.path(), "hostile-triads", ("\"Coach\"", "\"Co\\u009b2Jach\\u202e\""));
    for args in [&["protocols", "show", "hostile-triads"][..], &["protocols"]] {
        let o = convene(data.path(), args);
        let out = text(&o.stdout);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o.stderr));
        assert!(!has_raw_controls(&out), "{args:?}: {out:?}");
    }
    let shown = text(&convene(data.path(), &["protocols", "show", "hostile-triads"]).stdout);
    assert!(shown.contains("Co\u{FFFD}2Jach\u{FFFD}"), "{shown}");
}

#[test]
fn resume_list_lists_unfinished_sessions_through_the_shared_printer() {
    let data = data_with(&[S1, UNFINISHED]);
    let o = convene(data.path(), &["resume", "--list"]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0));
    assert!(out.starts_with(UNFINISHED) && !out.contains(S1), "{out}");
}

/// The column at which `needle` starts in `line`, as the terminal shows it (CJK and emoji take
/// two columns).
fn column_of(line: &str, needle: &str) -> usize {
    let at = line.find(needle).unwrap_or_else(|| panic!("{needle:?} in {line:?}"));
    unicode_width::UnicodeWidthStr::width(&line[..at])
}

#[test]
fn text_tables_line_up_with_cjk_and_emoji() {
    // A group named in Japanese with an emoji: the columns after it still line up.
    let data = data_with(&[S1]);
    let path = data.path().join("sessions").join(format!("{S1}.jsonl"));
    let log = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, log.replace("Year 9 team", "数学組 🧮")).expect("write");
    let fixtures = data_with(&[support::fixtures::S2]);
    for entry in std::fs::read_dir(fixtures.path().join("sessions")).expect("dir") {
        let e = entry.expect("entry");
        std::fs::copy(e.path(), data.path().join("sessions").join(e.file_name())).expect("copy");
    }
    let out = text(&convene(data.path(), &["logs", "list"]).stdout);
    let rows: Vec<&str> = out.lines().filter(|l| l.starts_with("2026-")).collect();
    assert_eq!(rows.len(), 2, "{out}");
    let cjk = rows.iter().find(|l| l.contains("数学組")).expect("the CJK row");
    let plain = rows.iter().find(|l| !l.contains("数学組")).expect("the other row");
    let status = |l: &str| {
        ["completed", "ended early", "unfinished"]
            .iter()
            .find_map(|w| l.find(w).map(|_| column_of(l, w)))
    };
    assert_eq!(status(cjk), status(plain), "the STATUS column lines up:\n{out}");

    // A protocol whose name is in Chinese: the table's next column lines up.
    user_triad(data.path(), "zh-triad", ("\"Coaching triads\"", "\"教练三人组 🧑‍🏫\""));
    let out = text(&convene(data.path(), &["protocols"]).stdout);
    let zh = out.lines().find(|l| l.starts_with("zh-triad")).expect("listed");
    let en = out.lines().find(|l| l.starts_with("coaching-triad")).expect("listed");
    assert_eq!(column_of(zh, "coachee"), column_of(en, "coachee"), "ROLES lines up:\n{out}");
}
