//! `convene logs`, `convene report` and `convene actions` as a user runs them: the real binary
//! with `CONVENE_DATA_DIR` pointing at a temporary copy of the fixture sessions.
//!
//! Exports are compared with the files in `tests/golden/`; run with `UPDATE_GOLDEN=1` to rewrite
//! them after a deliberate change (and read the diff).

use crate::support;

use std::path::Path;
use std::process::Output;

use support::fixtures::{ALL, CORRUPT, NEWER, S1, S2, S3, TORN, UNFINISHED, data_with};

use support::cli::{ok, stderr, stdout};

fn convene(data: &Path, args: &[&str]) -> Output {
    support::cli::run(data, args)
}

/// Output with the temporary folder replaced, so snapshots do not depend on it.
fn stable(text: &str, data: &Path) -> String {
    let text = text.replace(&data.display().to_string(), "<data>");
    // Windows writes `<data>\sessions\ID.jsonl`; the snapshots are written with `/`.
    if cfg!(windows) { text.replace(r"<data>\sessions\", "<data>/sessions/") } else { text }
}

fn golden(name: &str, got: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("golden dir");
        std::fs::write(&path, got).expect("write golden");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{}: {e} (run with UPDATE_GOLDEN=1 to create it)", path.display())
    });
    assert!(
        want == got,
        "{} differs from the export:\n--- want\n{want}\n--- got\n{got}",
        path.display()
    );
}

#[test]
fn logs_list_shows_every_session_newest_first_and_what_could_not_be_read() {
    let data = data_with(&ALL);
    let out = ok(&convene(data.path(), &["logs", "list"]));
    let ids: Vec<&str> =
        out.lines().skip(1).take(7).map(|l| l.rsplit(' ').next().unwrap_or("")).collect();
    assert_eq!(ids, [CORRUPT, TORN, UNFINISHED, S3, S2, S1, NEWER]);
    assert!(!out.contains("worn out"), "private notes never appear in the list");
    insta::assert_snapshot!(stable(&out, data.path()));
}

#[test]
fn logs_list_filters() {
    let data = data_with(&ALL);
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["logs", "list", "--json"];
        all.extend_from_slice(args);
        let v: serde_json::Value =
            serde_json::from_str(&ok(&convene(data.path(), &all))).expect("json");
        v["sessions"]
            .as_array()
            .expect("sessions")
            .iter()
            .map(|s| s["id"].as_str().expect("id").to_string())
            .collect()
    };
    assert_eq!(ids(&["--protocol", "project-tuning"]), [S3, S2, S1]);
    assert_eq!(ids(&["--person", "Cat"]), [S3, S1]);
    assert_eq!(ids(&["--group", "year 9 team", "--status", "ended-early"]), [S2]);
    assert_eq!(ids(&["--since", "2026-11-18", "--until", "2026-11-19"]), [TORN, UNFINISHED]);

    let out = ok(&convene(data.path(), &["logs", "list", "--person", "Nobody"]));
    assert!(out.starts_with("No sessions match.\n"), "{out}");
    assert!(out.contains("1 log could not be read (so no filter could match them)"), "{out}");

    let bad = convene(data.path(), &["logs", "list", "--since", "last week"]);
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        stderr(&bad),
        "convene: --since last week: not a date; write it as YYYY-MM-DD, e.g. 2026-11-23\n"
    );
    let bad = convene(data.path(), &["logs", "list", "--status", "done"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("possible values: completed, ended-early, unfinished"));
}

#[test]
fn logs_list_json_has_the_figures_and_the_unreadable_file() {
    let data = data_with(&ALL);
    let v: serde_json::Value =
        serde_json::from_str(&ok(&convene(data.path(), &["logs", "list", "--json"])))
            .expect("json");
    let s1 = v["sessions"].as_array().expect("array").iter().find(|s| s["id"] == S1).expect("S1");
    assert_eq!(s1["planned_ms"], 1_440_000);
    assert_eq!(s1["actual_ms"], 1_560_000);
    assert_eq!(s1["overrun_ms"], 150_000);
    assert_eq!(s1["status"], "completed");
    assert_eq!(s1["group"], "Year 9 team");
    assert_eq!(s1["notes"], 2);
    assert_eq!(s1["commitments"], 2);
    assert_eq!(v["unreadable"][0]["id"], NEWER);
    assert!(v["unreadable"][0]["problem"].as_str().expect("text").contains("log format 2"));
}

#[test]
fn an_empty_data_folder_says_so() {
    let data = tempfile::tempdir().expect("tempdir");
    let out = ok(&convene(data.path(), &["logs", "list"]));
    assert!(out.starts_with("No session logs yet in "), "{out}");
    assert_eq!(ok(&convene(data.path(), &["report"])), "No sessions match.\n");
    assert_eq!(ok(&convene(data.path(), &["actions"])), "No commitments match.\n");
}

#[test]
fn logs_show_a_completed_session() {
    let data = data_with(&ALL);
    let out = ok(&convene(data.path(), &["logs", "show", S1]));
    for wanted in [
        "   2  Clarifying questions",
        "      extended +1:00 at 09:07, group agreed",
        "      paused once (2:00 in all)",
        "      extension of +2:00 refused at 09:25: the group did not agree",
        "Round 1: Ann Lee (Presenter), Ben Okafor (Tuner), Cat Diaz (Tuner)",
        "Private notes (about colleagues: not for sharing)",
        "      Mon 16 Nov 2026 done: \"Done in two lessons\" (20261116-090000-000)",
    ] {
        assert!(out.contains(wanted), "missing {wanted:?} in\n{out}");
    }
    insta::assert_snapshot!(out);
}

#[test]
fn logs_show_an_early_end_with_a_follow_up() {
    let data = data_with(&ALL);
    // A unique prefix is enough.
    let out = ok(&convene(data.path(), &["logs", "show", "20261109"]));
    assert!(out.contains("   5  Reflection — Presenter"));
    assert!(out.contains("not run"));
    assert!(out.contains("extended +2:00 at 09:08, agreed by Ben Okafor, Dev Patel"));
    insta::assert_snapshot!(out);
}

#[test]
fn logs_show_an_unfinished_and_a_damaged_session() {
    let data = data_with(&ALL);
    let out = ok(&convene(data.path(), &["logs", "show", UNFINISHED]));
    assert!(out.contains("(convene stopped before the end)"));
    assert!(out.contains("(stopped here)"));
    insta::assert_snapshot!("unfinished", out);
    let out = stable(&ok(&convene(data.path(), &["logs", "show", CORRUPT])), data.path());
    assert!(out.contains("Problems reading this log (<data>/sessions/20261120-153000-000.jsonl)"));
    assert!(out.contains("  line 7: unreadable line ignored: "));
    insta::assert_snapshot!("corrupt", out);
}

#[test]
fn logs_show_refuses_unknown_and_unreadable_sessions_clearly() {
    let data = data_with(&ALL);
    let o = convene(data.path(), &["logs", "show", "20261102-090000-001"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(
            "convene: no session \"20261102-090000-001\". The closest: 20261102-090000-000, "
        ),
        "{}",
        stderr(&o)
    );
    let o = convene(data.path(), &["logs", "show", NEWER]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o)
            .contains("20261121-090000-000.jsonl:1: log format 2, but this convene reads format 1")
    );
}

#[test]
fn exports_match_the_golden_files() {
    let data = data_with(&ALL);
    let md = ok(&convene(data.path(), &["logs", "export", S1]));
    assert!(md.contains("## Private notes"), "not redacted: private notes come last");
    golden("20261102-090000-000.md", &md);
    let red = ok(&convene(data.path(), &["logs", "export", S1, "--format", "md", "--redact"]));
    for name in ["Ann", "Ben", "Cat", "Fiona", "Okafor"] {
        assert!(!red.contains(name), "{name} in the redacted export:\n{red}");
    }
    assert!(!red.contains("Private notes") && !red.contains("worn out"));
    golden("20261102-090000-000.redacted.md", &red);
    golden(
        "20261102-090000-000.csv",
        &ok(&convene(data.path(), &["logs", "export", S1, "--format", "csv"])),
    );
    golden(
        "20261109-090000-000.json",
        &ok(&convene(data.path(), &["logs", "export", S2, "--format", "json"])),
    );
    let json = ok(&convene(data.path(), &["logs", "export", S1, "--format", "json", "--redact"]));
    assert!(!json.contains("worn out") && !json.contains("Ann Lee"));
    golden("20261102-090000-000.redacted.json", &json);
}

#[test]
fn csv_rows_are_one_per_stage_run_with_proper_quoting() {
    let data = data_with(&ALL);
    let out = ok(&convene(data.path(), &["logs", "export", S2, "--format", "csv"]));
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("a row")).collect();
    assert_eq!(rows.len(), 4, "S2 ended in its fourth stage");
    assert_eq!(&rows[2][1], "probing-questions");
    assert_eq!(
        (&rows[2][4], &rows[2][5], &rows[2][6], &rows[2][7], &rows[2][8]),
        ("240", "330", "90", "120", "1")
    );
    let out = ok(&convene(data.path(), &["logs", "export", S3, "--format", "csv"]));
    assert!(
        out.contains(
            "\n6,process-reflection,Reflection — Participants on the process,1,120,100,0,0,0,0,0,0,next,\n"
        ),
        "{out}"
    );
}

#[test]
fn export_to_a_file_is_private_and_never_overwrites() {
    let data = data_with(&ALL);
    let out = data.path().join("minutes.md");
    let target = out.to_str().expect("utf-8 path");
    let o = convene(data.path(), &["logs", "export", S1, "-o", target]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), format!("Wrote {target}\n"));
    let first = std::fs::read_to_string(&out).expect("written");
    assert!(first.starts_with("# Project tuning — Year 9 team"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let again = convene(data.path(), &["logs", "export", S2, "--format", "csv", "-o", target]);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(
        stderr(&again),
        format!(
            "convene: {target} already exists: nothing was written. Choose another name, or add --force to replace it.\n"
        )
    );
    assert_eq!(std::fs::read_to_string(&out).expect("still there"), first);
}

#[test]
fn report_figures_match_the_hand_computed_ones() {
    let data = data_with(&ALL);
    let v: serde_json::Value = serde_json::from_str(&ok(&convene(
        data.path(),
        &["report", "--json", "--protocol", "project-tuning"],
    )))
    .expect("json");
    assert_eq!(v["sessions"], 3);
    let st = &v["protocols"][0]["stages"];
    // presenter: actual 270, 300, 240 s; two overran by 30 and 60 s.
    assert_eq!(st[0]["stage"], "presenter");
    assert_eq!(
        (
            st[0]["median_actual_ms"].as_u64(),
            st[0]["overran"].as_u64(),
            st[0]["median_overrun_ms"].as_u64()
        ),
        (Some(270_000), Some(2), Some(45_000))
    );
    // presenter reflection: two runs (S2 ended before it), 210 and 300 s → 255 s.
    assert_eq!(st[4]["runs"], 2);
    assert_eq!(st[4]["median_actual_ms"], 255_000);
    assert_eq!((st[4]["extensions"].as_u64(), st[4]["refusals"].as_u64()), (Some(1), Some(1)));
    let text = ok(&convene(data.path(), &["report"]));
    insta::assert_snapshot!(text);
}

#[test]
fn actions_lists_commitments_with_their_follow_ups() {
    let data = data_with(&ALL);
    let all = ok(&convene(data.path(), &["actions"]));
    assert!(all.contains("DONE  Ann Lee: Trial exit tickets with 9B"));
    assert!(all.contains(
        "  Mon 9 Nov 2026: carried forward: \"Not started: mocks week\" (20261109-090000-000)"
    ));
    let open = ok(&convene(data.path(), &["actions", "--open"]));
    assert!(!open.contains("Ann Lee"), "done is not open:\n{open}");
    assert!(open.contains("OPEN  Cat Diaz: Observe Ben's starter activity\n"));
    assert!(open.contains("  due \"end of term\" (no date)\n"));
    assert!(open.contains(
        "OPEN (partly done) · OVERDUE  Dev Patel: Share the seating plan with the team\n"
    ));
    let overdue = ok(&convene(data.path(), &["actions", "--overdue", "--group", "YEAR 9 TEAM"]));
    assert!(overdue.contains("Dev Patel") && !overdue.contains("Cat Diaz"), "{overdue}");
    let mine = ok(&convene(data.path(), &["actions", "--person", "tom"]));
    assert!(mine.starts_with("OPEN  Tom Reid: Send the attendance data\n"), "{mine}");
    let v: serde_json::Value =
        serde_json::from_str(&ok(&convene(data.path(), &["actions", "--json", "--open"])))
            .expect("json");
    let list = v["commitments"].as_array().expect("array");
    let keys: Vec<(&str, &str)> = list
        .iter()
        .map(|c| (c["session"].as_str().unwrap_or(""), c["id"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(keys, [(S1, "c2"), (S2, "c1"), (CORRUPT, "c1")]);
    assert_eq!(list[1]["due_date"], "2026-11-13");
    assert_eq!(list[1]["history"][0]["status"], "partly");
}

#[test]
fn resume_finds_sessions_through_the_review_scan() {
    let data = data_with(&ALL);
    let list = ok(&convene(data.path(), &["resume", "--list"]));
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 2, "the two unfinished sessions, newest first:\n{list}");
    assert!(
        lines[0].starts_with(&format!("{TORN}  2026-11-19 10:00  GROW coaching  in ")),
        "{list}"
    );
    assert!(lines[1].starts_with(&format!("{UNFINISHED}  2026-11-18 14:00  ")), "{list}");
    assert!(!list.contains("running in another terminal"), "{list}");
    // The index is kept in the cache folder, never in the data folder (which may be shared).
    assert!(!data.path().join("cache").exists());
    let names: Vec<String> = std::fs::read_dir(data.path())
        .expect("data")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["sessions"], "nothing but the logs in the data folder");

    let ended = convene(data.path(), &["resume", S1]);
    assert_eq!(ended.status.code(), Some(2));
    assert_eq!(
        stderr(&ended),
        format!(
            "convene: session {S1} has ended and cannot be resumed; `convene logs show {S1}` shows it.\n"
        )
    );
    let unknown = convene(data.path(), &["resume", "20261119-100000-001"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains(&format!("The closest: {TORN}")), "{}", stderr(&unknown));
    let many = convene(data.path(), &["resume", "202611"]);
    assert!(stderr(&many).contains("matches 7 sessions"), "{}", stderr(&many));
    let newer = convene(data.path(), &["mirror", NEWER]);
    assert!(stderr(&newer).contains("log format 2"), "{}", stderr(&newer));
}

#[test]
fn overdue_is_judged_on_the_day_given_not_the_machines_calendar() {
    let data = data_with(&ALL);
    let run = |today: &str| {
        let o = support::cli::command(data.path(), &["actions", "--person", "tom"])
            .env("CONVENE_TODAY", today)
            .output()
            .expect("convene runs");
        (o.status.code(), stdout(&o), stderr(&o))
    };
    // Tom's commitment is due 27 Nov 2026: not overdue the day before, overdue the day after.
    let (code, before, _) = run("2026-11-26");
    assert_eq!(code, Some(0));
    assert!(before.starts_with("OPEN  Tom Reid") && !before.contains("OVERDUE"), "{before}");
    let (_, after, _) = run("2026-11-28");
    assert!(after.starts_with("OPEN · OVERDUE  Tom Reid"), "{after}");
    assert!(after.contains("today is Sat 28 Nov 2026"), "{after}");
    let (code, out, err) = run("next tuesday");
    assert_eq!(code, Some(2), "a bad override is bad input");
    assert!(out.is_empty());
    assert!(err.contains("CONVENE_TODAY=next tuesday") && err.contains("YYYY-MM-DD"), "{err}");
}

#[test]
fn csv_of_many_sessions_has_a_row_per_stage_run_with_the_session_and_follows_the_filters() {
    let data = data_with(&ALL);
    let out = ok(&convene(data.path(), &["logs", "export", "--format", "csv"]));
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let head: Vec<String> = r.headers().expect("header").iter().map(String::from).collect();
    assert_eq!(
        head[..7],
        ["session", "date", "time", "protocol", "group", "facilitator", "position"]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("row")).collect();
    // Oldest session first; each session's rows are exactly its own CSV's, after its columns.
    let mut sessions: Vec<&str> = rows.iter().map(|x| x.get(0).expect("session")).collect();
    sessions.dedup();
    assert_eq!(sessions, [S1, S2, S3, UNFINISHED, TORN, CORRUPT], "the unreadable one is left out");
    for id in sessions {
        let one = ok(&convene(data.path(), &["logs", "export", id, "--format", "csv"]));
        let mine: Vec<String> = rows
            .iter()
            .filter(|x| x.get(0) == Some(id))
            .map(|x| x.iter().skip(6).collect::<Vec<_>>().join("|"))
            .collect();
        let theirs: Vec<String> = csv::Reader::from_reader(one.as_bytes())
            .records()
            .map(|x| x.expect("row").iter().collect::<Vec<_>>().join("|"))
            .collect();
        assert_eq!(mine, theirs, "{id}");
    }
    let s1 = rows.iter().find(|x| x.get(0) == Some(S1)).expect("S1");
    assert_eq!(
        s1.iter().take(6).collect::<Vec<_>>(),
        [S1, "2026-11-02", "09:00", "project-tuning", "Year 9 team", "Fiona Grant"]
    );

    // The filters choose the sessions; --redact hides the facilitator; --bom is for Excel.
    let year9 = ok(&convene(
        data.path(),
        &["logs", "export", "--format", "csv", "--group", "year 9 team", "--bom", "--redact"],
    ));
    assert!(year9.starts_with('\u{feff}'), "a byte order mark first");
    let mut r = csv::Reader::from_reader(year9.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("row")).collect();
    assert!(rows.iter().all(|x| x.get(4) == Some("Year 9 team")));
    assert!(rows.iter().all(|x| x.get(5) == Some("Facilitator")), "no names with --redact");
    assert!(!year9.contains("Fiona"));

    // To a file: private, never over an existing one.
    let file = data.path().join("all.csv");
    let path = file.to_str().expect("utf-8");
    let o = convene(data.path(), &["logs", "export", "--format", "csv", "-o", path]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&file).expect("written"), out);
    let again = convene(data.path(), &["logs", "export", "--format", "csv", "-o", path]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("already exists"), "{}", stderr(&again));
}

#[test]
fn export_says_what_it_needs_for_many_sessions() {
    let data = data_with(&[S1]);
    for (args, says) in [
        (&["logs", "export"][..], "add --format csv"),
        (&["logs", "export", "--format", "json"][..], "export as JSON"),
        (&["logs", "export", S1, "--group", "x"][..], "not both"),
        (&["logs", "export", S1, "--bom"][..], "--bom is for CSV"),
    ] {
        let o = convene(data.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn a_person_in_an_older_log_is_found_however_their_name_was_encoded() {
    // Logs written before names were kept composed may hold "Zoe" and a combining accent, or a
    // zero-width space typed inside a name: typed as they look, they are found.
    let data = tempfile::tempdir().expect("tempdir");
    let setup = convene::session::Setup::new(
        convene::protocol::Library::builtin_only().get("grow-coaching").expect("built-in").clone(),
        ["Zoe\u{308} Ng".to_string(), "An\u{200B}n Lee".to_string()],
    );
    support::fixtures::write_session(
        data.path(),
        S1,
        "2026-11-02T09:00:00+00:00",
        setup,
        vec![(0, convene::session::Command::Start)],
    );
    for who in ["Zo\u{eb}", "zo\u{eb} ng", "Ann"] {
        let out = ok(&convene(data.path(), &["logs", "list", "--person", who]));
        let all = ok(&convene(data.path(), &["logs", "list"]));
        assert!(out.contains(S1), "--person {who}: {out}\nall: {all}");
    }
}

/// A whole name is matched as a whole: a session with a Fiona and a Grant who are two people is
/// not Fiona Grant's (the index finds whole names through their words, then checks the names).
#[test]
fn a_whole_name_finds_that_person_not_two_people_who_share_its_words() {
    let data = tempfile::tempdir().expect("tempdir");
    let grow =
        convene::protocol::Library::builtin_only().get("grow-coaching").expect("built-in").clone();
    for (id, names) in [(S1, ["Fiona Lee", "Sam Grant"]), (S2, ["Fiona Grant", "Sam Lee"])] {
        let setup = convene::session::Setup::new(grow.clone(), names.map(String::from));
        support::fixtures::write_session(
            data.path(),
            id,
            "2026-11-02T09:00:00+00:00",
            setup,
            vec![(0, convene::session::Command::Start)],
        );
    }
    let list = |who: &str| ok(&convene(data.path(), &["logs", "list", "--person", who]));
    for (who, with, without) in [("fiona grant", S2, S1), ("Sam Grant", S1, S2)] {
        let out = list(who);
        assert!(out.contains(with), "--person {who}: {out}");
        assert!(!out.contains(without), "--person {who}: {out}");
    }
    for word in ["fiona", "GRANT"] {
        let both = list(word);
        assert!(both.contains(S1) && both.contains(S2), "--person {word}: {both}");
    }
}

/// `logs show` lists the markers a session reached: a half-termly review that ran past its
/// 90 minutes says so in review (issue 22).
#[test]
fn logs_show_lists_the_markers_the_session_reached() {
    use convene::protocol::Library;
    use convene::session::{Command, Setup};
    let data = tempfile::tempdir().expect("tempdir");
    let protocol = Library::builtin_only().get("half-termly-review").expect("built-in").clone();
    let marker = protocol.markers[0].message.clone();
    let setup = Setup::new(protocol, ["Ann", "Ben", "Cat"].iter().map(|p| (*p).to_string()));
    let next = || Command::Next { force: true };
    let min = 60_000;
    // Going well, support and challenge on plan (70 minutes), accountability 25 minutes:
    // the session passes 1:30:00 five minutes before its end.
    let steps = vec![
        (0, Command::Start),
        (20 * min, next()),
        (45 * min, next()),
        (70 * min, next()),
        (95 * min, next()),
    ];
    let id = "20261102-090000-000";
    support::fixtures::write_session(data.path(), id, "2026-11-02T09:00:00+00:00", setup, steps);
    let out = ok(&convene(data.path(), &["logs", "show", id]));
    let want = format!("Marker reached at 1:30:00: warning: {marker}\n");
    assert!(out.contains(&want), "missing {want:?}:\n{out}");

    // One that ended on time reached none, and says nothing about markers.
    let setup = Setup::new(
        Library::builtin_only().get("half-termly-review").expect("built-in").clone(),
        ["Ann", "Ben", "Cat"].iter().map(|p| (*p).to_string()),
    );
    let steps = vec![
        (0, Command::Start),
        (20 * min, next()),
        (45 * min, next()),
        (70 * min, next()),
        (85 * min, next()),
    ];
    let id = "20261103-090000-000";
    support::fixtures::write_session(data.path(), id, "2026-11-03T09:00:00+00:00", setup, steps);
    let out = ok(&convene(data.path(), &["logs", "show", id]));
    assert!(!out.contains("Marker reached"), "{out}");
}
