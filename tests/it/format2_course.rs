//! Format 2 courses and carried notes (issue 13): a session of a group is numbered in its course
//! from the group's earlier sessions in the data folder (or `--session N`), a stage that runs from
//! a later session is left out before it, and the note the group agreed for next time is shown
//! at the group's next session, never another group's, and never when it was private.
//!
//! The data folders are written by the real engine ([`support::fixtures::write_session`]) with
//! the fixture protocol `tests/fixtures/protocols/v2/course-leaders.json`; a new session is set
//! up as `convene run` and the home screen do it ([`launch::carry_from_group`], then
//! [`SetupRequest::check`]), and once through `convene run` itself in tmux.

use crate::support;

use std::path::Path;

use convene::protocol::{Expectation, Protocol, Provenance, RecordKind, load_file};
use convene::session::{CheckedSetup, Command, Setup, SetupRequest};
use convene::tui::launch;
use support::fixtures::{data_with, write_session};
use support::{Rig, mono_opts};

const COURSE: &str = "tests/fixtures/protocols/v2/course-leaders.json";
const PEOPLE: &[&str] = &["Ann", "Ben", "Cat"];
const SIZES: [(u16, u16); 2] = [(80, 24), (120, 35)];

fn course() -> Protocol {
    load_file(Path::new(COURSE)).expect("the fixture protocol is valid")
}

fn s(secs: u64) -> u64 {
    secs * 1000
}

fn next() -> Command {
    Command::Next { force: true }
}

fn note(text: &str, private: bool, record: Option<&str>) -> Command {
    Command::AddNote {
        text: text.into(),
        about: None,
        group: None,
        private,
        record: record.map(str::to_string),
    }
}

/// An earlier session of the course for `group` (number `number`), run with `steps` from its
/// start at `start`.
fn earlier(
    data: &Path,
    id: &str,
    start: &str,
    group: &str,
    number: u32,
    steps: Vec<(u64, Command)>,
) {
    let setup = Setup {
        group_name: Some(group.into()),
        session_number: Some(number),
        ..Setup::new(course(), PEOPLE.iter().copied())
    };
    write_session(data, id, start, setup, steps);
}

/// A whole session: every stage run for a minute; in the last one (the next topic) `notes`.
fn whole(number: u32, notes: Vec<Command>) -> Vec<(u64, Command)> {
    let stages = if number >= 2 { 3 } else { 2 };
    let mut steps = vec![(0, Command::Start)];
    for i in 1..stages {
        steps.push((s(60 * i), next()));
    }
    let at = s(60 * stages);
    for (i, n) in notes.into_iter().enumerate() {
        steps.push((at + s(i as u64 + 1), n));
    }
    steps.push((at + s(30), next()));
    steps
}

/// A new session of the course, set up as `convene run` does it.
fn new_session(data: &Path, group: Option<&str>, session: Option<u32>) -> CheckedSetup {
    let mut request = SetupRequest {
        group: group.map(str::to_string),
        session,
        ..SetupRequest::new(course(), &PEOPLE.join(","))
    };
    launch::carry_from_group(&mut request, Some(data));
    request.check().expect("the session starts")
}

fn stage_ids(setup: &Setup) -> Vec<String> {
    convene::session::SessionState::new(setup.clone()).stages.iter().map(|r| r.id.clone()).collect()
}

fn rig_for(checked: CheckedSetup) -> Rig {
    let mut rig = Rig::new(checked.setup, mono_opts());
    rig.app.warnings = checked.warnings;
    rig
}

#[test]
fn sessions_of_a_group_are_numbered_across_the_course() {
    let data = data_with(&[]);
    let d = data.path();
    assert_eq!(new_session(d, Some("ML"), None).setup.session_number, Some(1));
    earlier(d, "20261012-090000-000", "2026-10-12T09:00:00+01:00", "ML", 1, whole(1, vec![]));
    assert_eq!(new_session(d, Some("ML"), None).setup.session_number, Some(2));
    earlier(d, "20261019-090000-000", "2026-10-19T09:00:00+01:00", "ML", 2, whole(2, vec![]));
    let third = new_session(d, Some("ML"), None);
    assert_eq!(third.setup.session_number, Some(3));
    assert!(third.warnings.is_empty(), "{:?}", third.warnings);

    // Another group's session, and one of this group set up but never started, do not count;
    // one that ended early does, and the group's name is matched in any case.
    earlier(d, "20261020-090000-000", "2026-10-20T09:00:00+01:00", "Other", 1, whole(1, vec![]));
    earlier(d, "20261021-090000-000", "2026-10-21T09:00:00+01:00", "ML", 3, vec![]);
    assert_eq!(new_session(d, Some("ML"), None).setup.session_number, Some(3));
    earlier(
        d,
        "20261026-090000-000",
        "2026-10-26T09:00:00+00:00",
        "ML",
        3,
        vec![(0, Command::Start), (s(60), Command::End)],
    );
    assert_eq!(new_session(d, Some("ml"), None).setup.session_number, Some(4));
    assert_eq!(new_session(d, Some("Other"), None).setup.session_number, Some(2));
}

#[test]
fn the_session_option_overrides_the_count() {
    let data = data_with(&[]);
    let d = data.path();
    earlier(d, "20261012-090000-000", "2026-10-12T09:00:00+01:00", "ML", 1, whole(1, vec![]));
    let given = new_session(d, Some("ML"), Some(5));
    assert_eq!(given.setup.session_number, Some(5));
    assert!(given.warnings.is_empty(), "{:?}", given.warnings);
    let alone = new_session(d, None, Some(2));
    assert_eq!(alone.setup.session_number, Some(2));
    assert_eq!(stage_ids(&alone.setup), ["gap-review", "input", "agree"]);
}

#[test]
fn without_a_group_or_a_number_the_session_is_the_first_and_says_so() {
    let data = data_with(&[]);
    let checked = new_session(data.path(), None, None);
    assert_eq!(checked.setup.session_number, Some(1));
    assert_eq!(
        checked.warnings,
        ["No group (--group NAME) and no --session N: this is taken as session 1 of the course."]
    );
}

#[test]
fn a_session_outside_the_course_is_warned_about_and_still_runs() {
    let data = data_with(&[]);
    let checked = new_session(data.path(), Some("ML"), Some(7));
    assert_eq!(checked.setup.session_number, Some(7));
    assert_eq!(checked.warnings, ["session 7: this course has 3–6 sessions."]);
    let mut rig = rig_for(checked);
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("start_card_session_7_{w}x{h}"), rig.render(w, h));
    }
    rig.press(' ');
    assert_eq!(rig.stage_id(), "gap-review");
}

#[test]
fn the_gap_task_review_runs_from_the_second_session() {
    let data = data_with(&[]);
    let d = data.path();
    let first = new_session(d, Some("ML"), None);
    assert_eq!(stage_ids(&first.setup), ["input", "agree"]);
    let rig1 = rig_for(first);
    // The plan and its total leave the review out: 35:00, not 55:00.
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("start_card_session_1_{w}x{h}"), rig1.render(w, h));
    }
    earlier(d, "20261012-090000-000", "2026-10-12T09:00:00+01:00", "ML", 1, whole(1, vec![]));
    let second = new_session(d, Some("ML"), None);
    assert_eq!(stage_ids(&second.setup), ["gap-review", "input", "agree"]);
    let mut rig2 = rig_for(second);
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("start_card_session_2_{w}x{h}"), rig2.render(w, h));
    }
    rig2.press(' ');
    assert_eq!(rig2.stage_id(), "gap-review");
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("gap_review_session_2_{w}x{h}"), rig2.render(w, h));
    }
}

#[test]
fn the_topic_agreed_last_time_is_shown_at_the_groups_next_session_only() {
    let data = data_with(&[]);
    let d = data.path();
    earlier(
        d,
        "20261012-090000-000",
        "2026-10-12T09:00:00+01:00",
        "ML",
        1,
        whole(1, vec![note("Managing difficult people", false, None)]),
    );
    let next = new_session(d, Some("ML"), None);
    let notes = &next.setup.carried_notes;
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].record, "next-topic");
    assert_eq!(notes[0].text, "Managing difficult people");
    assert_eq!(notes[0].session, "20261012-090000-000");
    let mut rig = rig_for(next);
    rig.press(' ');
    rig.press('n');
    assert_eq!(rig.stage_id(), "input");
    for (w, h) in SIZES {
        let screen = rig.render(w, h);
        assert!(
            screen.contains("Chosen last time (12 Oct): Managing difficult people"),
            "{screen}"
        );
        assert!(screen.contains("Session 2 of 3–6"), "{screen}");
        insta::assert_snapshot!(format!("carried_topic_{w}x{h}"), screen);
    }
    // The log's header keeps it: resuming or reviewing the session shows the same.
    assert!(rig.log_text().contains("Managing difficult people"));

    // Another group's next session carries nothing, and says so where the note would be.
    let other = new_session(d, Some("Other group"), None);
    assert!(other.setup.carried_notes.is_empty(), "{:?}", other.setup.carried_notes);
    let mut rig2 = rig_for(other);
    rig2.press(' ');
    for (w, h) in SIZES {
        let screen = rig2.render(w, h);
        assert!(screen.contains("Nothing was recorded for this last time"), "{screen}");
        assert!(!screen.contains("Managing difficult people"), "{screen}");
        insta::assert_snapshot!(format!("nothing_carried_{w}x{h}"), screen);
    }
}

#[test]
fn private_notes_never_travel_and_only_the_previous_session_counts() {
    let data = data_with(&[]);
    let d = data.path();
    earlier(
        d,
        "20261012-090000-000",
        "2026-10-12T09:00:00+01:00",
        "ML",
        1,
        whole(1, vec![note("Finance in the trust", false, None)]),
    );
    earlier(
        d,
        "20261019-090000-000",
        "2026-10-19T09:00:00+01:00",
        "ML",
        2,
        whole(
            2,
            vec![
                note("Ben is struggling with his line manager", true, None),
                note("Risk assessment", false, None),
                note("Adapting your leadership style", false, Some("next-topic")),
            ],
        ),
    );
    let next = new_session(d, Some("ML"), None);
    let texts: Vec<&str> = next.setup.carried_notes.iter().map(|n| n.text.as_str()).collect();
    assert_eq!(texts, ["Risk assessment", "Adapting your leadership style"]);
    assert!(next.setup.carried_notes.iter().all(|n| n.session == "20261019-090000-000"));
}

#[test]
fn at_a_stage_with_several_records_only_the_notes_named_for_the_carried_one_travel() {
    let data = data_with(&[]);
    let d = data.path();
    let mut protocol = course();
    protocol.closing[0].records.push(Expectation {
        id: Some("presenter".into()),
        record: RecordKind::Note,
        owner: None,
        label: "Who presents it".into(),
        require: Vec::new(),
        per: None,
        carry: false,
        origin: Provenance::Source,
    });
    let setup = Setup {
        group_name: Some("ML".into()),
        session_number: Some(1),
        ..Setup::new(protocol.clone(), PEOPLE.iter().copied())
    };
    let steps = vec![
        (0, Command::Start),
        (s(60), next()),
        (s(70), note("Seeking feedback", false, Some("next-topic"))),
        (s(80), note("Ben presents", false, Some("presenter"))),
        (s(90), note("Room 4 next time", false, None)),
        (s(120), next()),
    ];
    write_session(d, "20261012-090000-000", "2026-10-12T09:00:00+01:00", setup, steps);
    let mut request =
        SetupRequest { group: Some("ML".into()), ..SetupRequest::new(protocol, &PEOPLE.join(",")) };
    launch::carry_from_group(&mut request, Some(d));
    let texts: Vec<String> =
        request.check().expect("starts").setup.carried_notes.into_iter().map(|n| n.text).collect();
    assert_eq!(texts, ["Seeking feedback"]);
}

#[test]
fn logs_show_lists_the_notes_a_session_started_with_and_its_number() {
    let data = data_with(&[]);
    let d = data.path();
    earlier(
        d,
        "20261012-090000-000",
        "2026-10-12T09:00:00+01:00",
        "ML",
        1,
        whole(1, vec![note("Managing difficult people", false, None)]),
    );
    let next = new_session(d, Some("ML"), None);
    write_session(
        d,
        "20261019-090000-000",
        "2026-10-19T09:00:00+01:00",
        next.setup,
        whole(2, vec![]),
    );
    let out = support::cli::ok(&support::cli::run(d, &["logs", "show", "20261019-090000-000"]));
    assert!(out.contains("Session 2 of 3–6 of the course"), "{out}");
    assert!(out.contains("Carried from the group's last session"), "{out}");
    assert!(
        out.contains(
            "[Topic agreed for next time] Managing difficult people (from 20261012-090000-000, \
             Mon 12 Oct 2026)"
        ),
        "{out}"
    );
}

#[test]
fn the_session_option_takes_a_number_from_one() {
    let data = data_with(&[]);
    let o = support::cli::run(data.path(), &["run", COURSE, "-p", "Ann,Ben,Cat", "--session", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(support::cli::stderr(&o).contains("--session"), "{}", support::cli::stderr(&o));
}

#[test]
fn a_protocol_without_a_course_is_not_numbered_and_the_session_option_says_so() {
    let data = data_with(&[]);
    let minimal =
        load_file(Path::new("tests/fixtures/protocols/valid/minimal.json")).expect("valid");
    let mut request = SetupRequest {
        group: Some("ML".into()),
        session: Some(2),
        ..SetupRequest::new(minimal, "Ann,Ben")
    };
    launch::carry_from_group(&mut request, Some(data.path()));
    let checked = request.check().expect("the session starts");
    assert_eq!(checked.setup.session_number, None);
    assert_eq!(
        checked.warnings,
        ["--session 2: Quiet minute is not a course, so its sessions are not numbered."]
    );
    let rig = rig_for(checked);
    assert!(!rig.render(80, 24).contains("Session 2"));
}

/// `convene run` in a real terminal: the session is numbered from the data folder, and the
/// topic agreed last time is on screen at the stage that shows it.
#[test]
#[cfg_attr(windows, ignore = "needs tmux, which Windows does not have")]
fn convene_run_numbers_the_session_and_shows_the_topic_agreed_last_time() {
    use std::time::Duration;
    use support::tmux::{Tmux, have_tmux};
    if !have_tmux() {
        return;
    }
    let t = Tmux::new("course");
    earlier(
        &t.data(),
        "20261012-090000-000",
        "2026-10-12T09:00:00+01:00",
        "ML",
        1,
        whole(1, vec![note("Managing difficult people", false, None)]),
    );
    let course = Path::new(env!("CARGO_MANIFEST_DIR")).join(COURSE);
    let args = format!("run '{}' --group ML --people 'Ann,Ben,Cat'", course.display());
    t.start("live", (120, 35), &args, |c| format!("{c}; echo EXITED $?; sleep 30"));
    let soon = Duration::from_secs(60);
    let card = t.wait_text("live", "READY", soon);
    assert!(card.contains("Session 2 of 3–6"), "{card}");
    assert!(card.contains("Gap-task review"), "{card}");
    t.keys("live", &["Space"]);
    t.wait_text("live", "stage 1 of 3", soon);
    t.keys("live", &["n"]);
    t.wait_text("live", "Chosen last time (12 Oct): Managing difficult people", soon);
    t.keys("live", &["q"]);
    t.wait_text("live", "end the session", soon);
    t.keys("live", &["e"]);
    t.wait_text("live", "SESSION ENDED EARLY", soon);
    t.keys("live", &["x"]);
    t.wait_text("live", "EXITED 0", soon);
}

#[test]
fn the_log_keeps_the_number_and_the_notes_for_resume_and_review() {
    let data = data_with(&[]);
    let d = data.path();
    earlier(
        d,
        "20261012-090000-000",
        "2026-10-12T09:00:00+01:00",
        "ML",
        1,
        whole(1, vec![note("Managing difficult people", false, None)]),
    );
    let next = new_session(d, Some("ML"), None);
    // Convene stopped during the gap-task review: resume reads the header again.
    let path = write_session(
        d,
        "20261019-090000-000",
        "2026-10-19T09:00:00+01:00",
        next.setup.clone(),
        vec![(0, Command::Start)],
    );
    let log = convene::log::reader::read_log(&path).expect("readable");
    assert_eq!(log.header.setup.session_number, Some(2));
    assert_eq!(log.header.setup.carried_notes, next.setup.carried_notes);
    let state = convene::session::replay(log.header.setup, &log.events);
    assert_eq!(
        state.stages.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["gap-review", "input", "agree"]
    );
}

#[test]
fn a_format_1_protocol_runs_every_stage_whatever_the_number() {
    let p =
        load_file(Path::new("tests/fixtures/protocols/valid/lesson-review.json")).expect("valid");
    let people = ["Ann", "Ben", "Cat"];
    let first = Setup::new(p.clone(), people);
    let fifth = Setup { session_number: Some(5), ..Setup::new(p, people) };
    assert!(!stage_ids(&first).is_empty());
    assert_eq!(stage_ids(&first), stage_ids(&fifth));
}

#[test]
fn a_long_group_name_gives_way_to_the_session_and_the_stage_in_the_header() {
    let data = data_with(&[]);
    let d = data.path();
    let group = "Inspire Learning Institute middle leaders, cohort 2026";
    earlier(d, "20261012-090000-000", "2026-10-12T09:00:00+01:00", group, 1, whole(1, vec![]));
    let mut rig = rig_for(new_session(d, Some(group), None));
    rig.press(' ');
    let narrow = rig.render(80, 24);
    let top = narrow.lines().next().expect("a first row");
    assert!(top.contains("Leaders course · Session 2 of 3–6 · stage 1 of 3"), "{top}");
    assert!(!top.contains("Inspire"), "{top}");
    let wide = rig.render(160, 40);
    let top = wide.lines().next().expect("a first row");
    assert!(
        top.contains(&format!("Leaders course · {group} · Session 2 of 3–6 · stage 1 of 3")),
        "{top}"
    );
}
