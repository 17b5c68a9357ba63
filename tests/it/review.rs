//! The review library on the fixture sessions (see `tests/it/support/fixtures.rs` for what each holds):
//! figures computed by hand, filters, the follow-up loop, unreadable logs and the cache.

use crate::support;

use chrono::NaiveDate;
use convene::review::actions::ActionFilter;
use convene::review::{Filter, FilterText, SessionStatus, open_commitments};
use support::fixtures::{ALL, CORRUPT, NEWER, S1, S2, S3, TORN, UNFINISHED, data_with};
use support::oracle::{actions, digests, report, resolve, scan};

/// Rewrites `tests/fixtures/logs/` with the engine. Run on purpose only:
/// `cargo test --test it -- --ignored review::regenerate`.
#[test]
#[ignore = "writes the committed fixtures"]
fn regenerate_fixtures() {
    let dir = tempfile::tempdir().expect("tempdir");
    support::fixtures::build(dir.path());
    let out = std::path::Path::new(support::fixtures::FIXTURES);
    std::fs::create_dir_all(out).expect("fixtures dir");
    for id in ALL {
        let name = format!("{id}.jsonl");
        // Written into month folders; committed flat (the layout of logs from before them).
        std::fs::copy(convene::log::log_path(dir.path(), id), out.join(&name)).expect("copy");
    }
}

/// stage, runs, median planned, median actual, overran, median overrun, extensions, s, refused
type Row<'a> = (&'a str, usize, u64, u64, usize, u64, usize, u64, usize);

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn filter(f: FilterText) -> Filter {
    Filter::parse(f).expect("valid filter")
}

#[test]
fn every_fixture_is_listed_newest_first_and_the_broken_ones_say_why() {
    let data = data_with(&ALL);
    let s = scan(data.path()).expect("scan");
    let ids: Vec<&str> = s.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, [NEWER, CORRUPT, TORN, UNFINISHED, S3, S2, S1]);
    let newer = s.entries[0].digest.as_ref().expect_err("format 2 cannot be read");
    assert!(newer.contains("20261121-090000-000.jsonl:1: log format 2"), "{newer}");
    assert!(newer.contains("update convene"), "{newer}");

    let status = |id: &str| resolve(&s, id).expect("known").ok().expect("readable").status;
    assert_eq!(status(S1), SessionStatus::Completed);
    assert_eq!(status(S2), SessionStatus::EndedEarly);
    assert_eq!(status(UNFINISHED), SessionStatus::Unfinished);
    assert_eq!(status(TORN), SessionStatus::Unfinished);
    assert_eq!(status(CORRUPT), SessionStatus::Completed);

    let torn = resolve(&s, TORN).expect("known").ok().expect("readable");
    assert_eq!(torn.problems.len(), 1);
    assert!(torn.problems[0].1.starts_with("torn last line"), "{:?}", torn.problems);
    assert!(torn.commitments.is_empty(), "the torn commitment is not half-read");
    let corrupt = resolve(&s, CORRUPT).expect("known").ok().expect("readable");
    assert!(corrupt.problems[0].1.starts_with("unreadable line ignored"), "{:?}", corrupt.problems);
    assert_eq!(corrupt.notes, 0, "the corrupt line was the note");
    assert_eq!(corrupt.commitments.len(), 1, "lines after the corrupt one are kept");
}

#[test]
fn session_totals_match_the_hand_computed_figures() {
    let data = data_with(&ALL);
    let s = scan(data.path()).expect("scan");
    let d = |id: &str| resolve(&s, id).expect("known").ok().expect("readable").clone();
    // (planned, actual, overrun) in seconds, from the comments in tests/it/support/fixtures.rs.
    for (id, planned, actual, over) in [
        (S1, 1440, 1560, 150),
        (S2, 1440, 1080, 150),
        (S3, 1440, 1480, 80),
        // Issue 5:30 of 5:00; the conversation ran 9:30 when the log stops.
        (UNFINISHED, 3 * 28 * 60 + 15 * 60, 330 + 570, 30),
        // Goal 11:00, reality 9:00; options was only entered on the last whole line.
        (TORN, 2400, 660 + 540, 60),
        (CORRUPT, 6000, 6000, 0),
    ] {
        let x = d(id);
        assert_eq!(
            (x.planned_ms, x.actual_ms, x.overrun_ms),
            (planned * 1000, actual * 1000, over * 1000),
            "{id}"
        );
    }
    let s1 = d(S1);
    assert_eq!((s1.notes, s1.private_notes, s1.commitments.len()), (2, 1, 2));
    let clarifying = &s1.runs[1];
    assert_eq!((clarifying.extensions, clarifying.extended_ms), (1, 60_000));
    assert_eq!((s1.runs[2].pauses, s1.runs[2].paused_ms), (1, 120_000));
    assert_eq!(s1.runs[4].refusals, 1);
}

#[test]
fn the_torn_log_ends_at_its_last_whole_line() {
    let data = data_with(&[TORN]);
    let s = scan(data.path()).expect("scan");
    let d = s.entries[0].ok().expect("readable");
    // options was entered at 20:00 and the last whole line is its entry, so it has run 0:00.
    assert_eq!(d.runs.len(), 3);
    assert_eq!(d.runs[2].actual_ms, 0);
    assert!(!d.runs[2].finished);
}

#[test]
fn the_report_gives_the_hand_computed_medians_and_counts() {
    let data = data_with(&ALL);
    let s = scan(data.path()).expect("scan");
    let r = report(digests(&s));
    assert_eq!(r.sessions, 6, "the newer-format log cannot be counted");
    // The stage each unfinished log stopped in: the conversation and GROW's options.
    assert_eq!(r.runs_left_out, 2);
    let pt = r.protocols.iter().find(|p| p.id == "project-tuning").expect("project tuning");
    assert_eq!(pt.sessions, 3);
    let got: Vec<Row> = pt
        .stages
        .iter()
        .map(|x| {
            (
                x.stage.as_str(),
                x.runs,
                x.median_planned_ms / 1000,
                x.median_actual_ms / 1000,
                x.overran,
                x.median_overrun_ms / 1000,
                x.extensions,
                x.extended_ms / 1000,
                x.refusals,
            )
        })
        .collect();
    // stage, runs, median planned, median actual, overran, median overrun, extensions, s, refused
    assert_eq!(
        got,
        [
            // actual 270, 300, 240 → 270; over 30 and 60 → 45
            ("presenter", 3, 240, 270, 2, 45, 0, 0, 0),
            // actual 240, 150, 200 → 200; over 60 and 20 → 40
            ("clarifying-questions", 3, 180, 200, 2, 40, 1, 60, 0),
            // actual 240, 330, 240 → 240; over 90
            ("probing-questions", 3, 240, 240, 1, 90, 1, 120, 0),
            // actual 480, 300 (ended early here), 400 → 400; over 60
            ("discussion", 3, 420, 400, 1, 60, 0, 0, 0),
            // actual 210, 300 → 255; over 60; S1's refusal, S3's extension
            ("presenter-reflection", 2, 240, 255, 1, 60, 1, 60, 1),
            // actual 120, 100 → 110
            ("process-reflection", 2, 120, 110, 0, 0, 0, 0, 0),
        ]
    );
    let triad = r.protocols.iter().find(|p| p.id == "coaching-triad").expect("triad");
    assert_eq!(triad.stages.len(), 1, "only the finished issue stage counts");
    assert_eq!(
        (triad.stages[0].runs, triad.stages[0].overran, triad.stages[0].median_overrun_ms),
        (1, 1, 30_000)
    );
}

#[test]
fn filters_pick_the_sessions_a_user_means() {
    let data = data_with(&ALL);
    let s = scan(data.path()).expect("scan");
    let ids = |f: Filter| -> Vec<String> {
        digests(&s).filter(|d| f.matches(d)).map(|d| d.id.clone()).collect()
    };
    assert_eq!(
        ids(filter(FilterText { protocol: Some("Project-Tuning"), ..Default::default() })),
        [S3, S2, S1]
    );
    // Dev joined in S2; "dev" matches "Dev Patel" by a whole word.
    assert_eq!(ids(filter(FilterText { person: Some("dev"), ..Default::default() })), [S3, S2]);
    // The facilitator counts as a person.
    assert_eq!(
        ids(filter(FilterText { person: Some("fiona grant"), ..Default::default() })),
        [S3, S2, S1]
    );
    assert!(ids(filter(FilterText { person: Some("Fi"), ..Default::default() })).is_empty());
    assert_eq!(
        ids(filter(FilterText { group: Some("ect TRIAD"), ..Default::default() })),
        [UNFINISHED]
    );
    assert_eq!(
        ids(filter(FilterText {
            since: Some("2026-11-09"),
            until: Some("2026-11-18"),
            ..Default::default()
        })),
        [UNFINISHED, S3, S2]
    );
    assert_eq!(
        ids(filter(FilterText { status: Some("unfinished"), ..Default::default() })),
        [TORN, UNFINISHED]
    );
    assert_eq!(ids(filter(FilterText { status: Some("ended-early"), ..Default::default() })), [S2]);
}

#[test]
fn unknown_ids_get_the_closest_ones_and_prefixes_work() {
    let data = data_with(&ALL);
    let s = scan(data.path()).expect("scan");
    assert_eq!(resolve(&s, "20261116").expect("unique prefix").id, S3);
    let many = resolve(&s, "202611").expect_err("ambiguous").to_string();
    assert!(many.contains("matches 7 sessions"), "{many}");
    let e = resolve(&s, "20261102-090000-001").expect_err("unknown").to_string();
    assert!(
        e.starts_with("no session \"20261102-090000-001\". The closest: 20261102-090000-000"),
        "{e}"
    );
}

#[test]
fn a_commitment_is_followed_up_across_three_sessions_of_its_group() {
    // After S1: both of S1's commitments are open.
    let data = data_with(&[S1]);
    let open = open_commitments(data.path(), "Year 9 team");
    let keys: Vec<(String, String)> =
        open.iter().map(|c| (c.session.clone(), c.id.clone())).collect();
    assert_eq!(keys, [(S1.into(), "c1".into()), (S1.into(), "c2".into())]);
    assert_eq!(open[0].owner, "Ann Lee");
    assert_eq!(open[0].due.as_deref(), Some("2 weeks"));
    assert_eq!(open[0].made.as_deref(), Some("2026-11-02T09:23:20.000+00:00"));

    // After S2 (carried forward; Cat was absent and her item stays open), oldest first.
    let data = data_with(&[S1, S2]);
    let keys: Vec<(String, String)> = open_commitments(data.path(), "year 9 team")
        .iter()
        .map(|c| (c.session.clone(), c.id.clone()))
        .collect();
    assert_eq!(
        keys,
        [(S1.into(), "c1".into()), (S1.into(), "c2".into()), (S2.into(), "c1".into())]
    );

    // After S3 (c1 done; S2's c1 only partly): c1 is closed.
    let data = data_with(&[S1, S2, S3, UNFINISHED]);
    let keys: Vec<(String, String)> = open_commitments(data.path(), "Year 9 team")
        .iter()
        .map(|c| (c.session.clone(), c.id.clone()))
        .collect();
    assert_eq!(keys, [(S1.into(), "c2".into()), (S2.into(), "c1".into())]);
    assert!(open_commitments(data.path(), "Another group").is_empty());

    // The actions view agrees, with the history of each.
    let s = scan(data.path()).expect("scan");
    let all = actions(digests(&s), &ActionFilter::default(), day("2026-11-20"));
    let ann = all.iter().find(|a| a.owner == "Ann Lee").expect("Ann's");
    assert_eq!(ann.status, "done");
    let history: Vec<(&str, &str)> =
        ann.history.iter().map(|u| (u.session.as_str(), u.status.label())).collect();
    assert_eq!(history, [(S2, "carried forward"), (S3, "done")]);
    let open =
        actions(digests(&s), &ActionFilter { open: true, ..Default::default() }, day("2026-11-20"));
    let owners: Vec<&str> = open.iter().map(|a| a.owner.as_str()).collect();
    assert_eq!(owners, ["Cat Diaz", "Dev Patel"]);
}

#[test]
fn overdue_means_open_and_past_its_resolved_date() {
    let data = data_with(&[S1, S2, S3, CORRUPT]);
    let s = scan(data.path()).expect("scan");
    let overdue = |today: &str| -> Vec<String> {
        actions(digests(&s), &ActionFilter { overdue: true, ..Default::default() }, day(today))
            .iter()
            .map(|a| {
                format!("{} {}", a.owner, a.due_date.map(|d| d.to_string()).unwrap_or_default())
            })
            .collect()
    };
    // Dev's "by Friday" from Monday 9 November is Friday 13 November; Tom's date is 27 November;
    // Cat's "end of term" never becomes overdue; Ann's is done.
    assert!(overdue("2026-11-13").is_empty());
    assert_eq!(overdue("2026-11-14"), ["Dev Patel 2026-11-13"]);
    assert_eq!(overdue("2026-11-28"), ["Dev Patel 2026-11-13", "Tom Reid 2026-11-27"]);
    let by_person = actions(
        digests(&s),
        &ActionFilter { person: Some("cat".into()), ..Default::default() },
        day("2027-06-01"),
    );
    assert_eq!(by_person.len(), 1);
    assert_eq!(
        (by_person[0].due.as_deref(), by_person[0].due_date, by_person[0].overdue),
        (Some("end of term"), None, false)
    );
}

#[test]
fn the_index_reads_only_new_or_changed_logs_and_drops_deleted_ones() {
    let data = data_with(&[S1, S2, UNFINISHED]);
    let first = scan(data.path()).expect("scan");
    assert_eq!(first.read, 3);
    let path = convene::review::index::index_path(data.path()).expect("a cache folder");
    assert!(path.is_file(), "{}", path.display());
    assert!(
        path.starts_with(support::fixtures::test_cache_dir()),
        "kept in the cache folder, not the data"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(&path).expect("meta");
        assert_eq!(meta.permissions().mode() & 0o777, 0o600, "the index is private");
    }
    let again = scan(data.path()).expect("scan");
    assert_eq!(again.read, 0, "every log comes from the index");
    assert_eq!(
        again.entries.iter().map(|e| e.digest.clone()).collect::<Vec<_>>(),
        first.entries.iter().map(|e| e.digest.clone()).collect::<Vec<_>>(),
        "the digests come back from the index exactly as they were read"
    );

    // A session added, one that grows (an unfinished log, appended to in place, as a running
    // session does), and one replaced by a new version (as sync tools deliver it: a new file
    // renamed over the old): only those are read again.
    let sessions = data.path().join("sessions");
    std::fs::copy(
        format!("{}/{S3}.jsonl", support::fixtures::FIXTURES),
        sessions.join(format!("{S3}.jsonl")),
    )
    .expect("copy");
    let grows = sessions.join(format!("{UNFINISHED}.jsonl"));
    let mut f = std::fs::OpenOptions::new().append(true).open(&grows).expect("open");
    std::io::Write::write_all(&mut f, b"not json\n").expect("append");
    drop(f);
    let s2 = sessions.join(format!("{S2}.jsonl"));
    let mut text = std::fs::read_to_string(&s2).expect("read");
    text.push_str("not json either\n");
    let tmp = sessions.join(format!(".{S2}.jsonl.tmp"));
    std::fs::write(&tmp, text).expect("write");
    std::fs::rename(&tmp, &s2).expect("rename");
    let third = scan(data.path()).expect("scan");
    assert_eq!(third.read, 3);
    for id in [S2, UNFINISHED] {
        let d = resolve(&third, id).expect("known").ok().expect("readable");
        assert_eq!(d.problems.len(), 1, "{id}: the change is seen");
    }

    // A log deleted drops out; nothing is read.
    std::fs::remove_file(sessions.join(format!("{S1}.jsonl"))).expect("remove");
    let fourth = scan(data.path()).expect("scan");
    assert_eq!(fourth.read, 0);
    let ids: Vec<&str> = fourth.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, [UNFINISHED, S3, S2]);
}

#[test]
fn a_missing_sessions_folder_is_an_empty_list() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = scan(&dir.path().join("nothing-here")).expect("scan");
    assert!(s.entries.is_empty());
    assert!(open_commitments(dir.path(), "Year 9 team").is_empty());
}

/// A coaching triad run with the engine and written with the real writer: the issue is
/// shortened by a minute, the conversation is skipped, the commitment stage is left without the
/// coachee's commitment, and Ben's commitment is due "after Ann's return".
const ODD: &str = "20261125-090000-000";

fn odd_session(data: &std::path::Path) {
    use chrono::{DateTime, Duration};
    use convene::log::Header;
    use convene::log::writer::LogWriter;
    use convene::session::{Command, Now, SessionState, Setup, apply, decide};
    let start = DateTime::parse_from_rfc3339("2026-11-25T09:00:00+00:00").expect("start");
    let setup = Setup {
        facilitator: Some("Fiona Grant".into()),
        ..Setup::new(
            // The format 1 triad: its commitment stage expects one commitment.
            support::v1("coaching-triad"),
            ["Ann Lee", "Ben Okafor", "Cat Diaz"],
        )
    };
    let mut w = LogWriter::create(data, ODD, &Header::new(ODD.into(), start, setup.clone()));
    let mut st = SessionState::new(setup);
    let steps = [
        (0, Command::Start),
        (60, Command::Shorten { by_ms: 60_000 }),
        (240, Command::Next { force: true }),
        (300, Command::Skip),
        (360, Command::Next { force: true }),
        (
            400,
            Command::AddCommitment {
                owner: "Ben Okafor".into(),
                text: "Ask Ann about the seating plan".into(),
                due: Some("after Ann's return".into()),
                group: None,
                record: None,
            },
        ),
        (480, Command::End),
    ];
    for (s, cmd) in steps {
        let ms = s * 1000;
        let now = Now::new(ms, start + Duration::milliseconds(i64::try_from(ms).expect("small")));
        for e in decide(&st, cmd, now).expect("allowed") {
            w.append(&e);
            apply(&mut st, &e);
        }
    }
    assert!(w.error.is_none(), "{:?}", w.error);
}

#[test]
fn skipped_stages_and_missing_records_show_in_show_the_exports_and_the_report() {
    use convene::review::{detail, export};
    let data = data_with(&[]);
    odd_session(data.path());
    let sess = detail::load(data.path(), ODD).expect("load");
    let label = "left without: The coachee's commitment, with a time frame";

    let show = detail::show(&sess);
    let conversation = show.lines().find(|l| l.contains("Coaching conversation")).expect("row");
    assert!(conversation.ends_with("(skipped)"), "{show}");
    assert_eq!(show.matches("(skipped)").count(), 1, "{show}");
    assert!(show.contains(&format!("      {label}\n")), "{show}");

    let md = export::markdown(&sess, false);
    assert!(md.contains("| skipped |"), "{md}");
    assert!(md.contains(label), "{md}");

    let csv = export::csv(&sess).expect("csv");
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let head = r.headers().expect("header").clone();
    let col = |name: &str| head.iter().position(|h| h == name).expect(name);
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("row")).collect();
    let left: Vec<&str> = rows.iter().map(|x| &x[col("left")]).collect();
    assert_eq!(left[..4], ["next", "skip", "next", "end"]);
    assert_eq!(&rows[2][col("left_without")], "The coachee's commitment, with a time frame");
    assert_eq!(&rows[1][col("left_without")], "");

    let json: serde_json::Value =
        serde_json::from_str(&export::json(&sess, false).expect("json")).expect("valid");
    assert_eq!(json["stages"][1]["left"], "skip");
    assert_eq!(json["stages"][2]["left_without"], "The coachee's commitment, with a time frame");
    assert_eq!(json["stages"][4]["left"], serde_json::Value::Null, "never entered");

    let all = scan(data.path()).expect("scan");
    let rep = report(digests(&all));
    let stages = &rep.protocols[0].stages;
    let skipped: Vec<(&str, usize)> =
        stages.iter().map(|s| (s.stage.as_str(), s.skipped)).collect();
    assert_eq!(skipped[..3], [("issue", 0), ("conversation", 1), ("commitment", 0)]);
    let text = convene::review::report::text(&rep);
    assert!(text.contains("Skipped"), "{text}");
}

#[test]
fn shortenings_show_beside_extensions_and_count_in_the_report() {
    use convene::review::{detail, export};
    let data = data_with(&[]);
    odd_session(data.path());
    let sess = detail::load(data.path(), ODD).expect("load");

    let show = detail::show(&sess);
    assert!(show.contains("      shortened -1:00 at 09:01\n"), "{show}");
    assert!(show.contains("budget -1:00 net (0:00 extended, 1:00 shortened)"), "{show}");
    let md = export::markdown(&sess, false);
    assert!(md.contains("shortened -1:00; budget -1:00 net"), "{md}");
    let csv = export::csv(&sess).expect("csv");
    assert!(csv.lines().nth(1).expect("row").contains(",60,1,next,"), "{csv}");
    let json: serde_json::Value =
        serde_json::from_str(&export::json(&sess, false).expect("json")).expect("valid");
    assert_eq!(json["stages"][0]["shortened_ms"], 60_000);
    assert_eq!(json["stages"][0]["net_change_ms"], -60_000);
    assert_eq!(json["stages"][0]["shortenings"][0]["at"], "2026-11-25T09:01:00.000+00:00");

    let rep = report(digests(&scan(data.path()).expect("scan")));
    let issue = &rep.protocols[0].stages[0];
    assert_eq!((issue.stage.as_str(), issue.shortenings, issue.shortened_ms), ("issue", 1, 60_000));
    assert!(convene::review::report::text(&rep).contains("1 (-1:00)"));
}

#[test]
fn redaction_reaches_the_due_text() {
    use convene::review::{detail, export};
    let data = data_with(&[]);
    odd_session(data.path());
    let sess = detail::load(data.path(), ODD).expect("load");
    let md = export::markdown(&sess, true);
    assert!(md.contains("after AL's return"), "{md}");
    let json = export::json(&sess, true).expect("json");
    assert!(json.contains("\"due\": \"after AL's return\""), "{json}");
    for name in ["Ann", "Ben", "Fiona"] {
        assert!(!md.contains(name) && !json.contains(name), "{name}:\n{md}\n{json}");
    }
}

#[test]
fn resume_and_mirror_pick_from_the_scan() {
    use convene::tui::launch::pick_session;
    let data = data_with(&ALL);
    let s = scan(data.path()).expect("scan");
    let pick = |mirror: bool, busy: &'static [&'static str]| {
        pick_session(&s, mirror, |p: &std::path::Path| {
            busy.iter().any(|id| p.ends_with(format!("{id}.jsonl")))
        })
        .map(|e| e.id.clone())
    };
    // The two unfinished sessions: TORN is newer than UNFINISHED.
    assert_eq!(pick(false, &[]).as_deref(), Some(TORN));
    assert_eq!(pick(false, &[TORN]).as_deref(), Some(UNFINISHED), "not one in use");
    assert_eq!(pick(false, &[TORN, UNFINISHED]), None);
    assert_eq!(pick(true, &[UNFINISHED]).as_deref(), Some(UNFINISHED), "the one in use");
    assert_eq!(pick(true, &[]).as_deref(), Some(TORN), "else the newest unfinished");
    assert_eq!(pick(true, &[S1]).as_deref(), Some(TORN), "a finished one is never picked");
}
