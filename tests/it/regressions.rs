//! Behaviour found wrong in review and walkthroughs, pinned down so it stays fixed.

#![allow(clippy::cast_possible_wrap)]

use crate::support;

use convene::log::SessionLock;
use convene::session::{
    Agreement, Command, Event, Now, Rejection, SessionState, Status, apply, decide, due,
};
use convene::tui::live::{Exit, Overlay};
use crossterm::event::KeyCode;
use support::{Rig, builtin, setup, wall};

const TRIAD: &[&str] = &["Ann", "Ben", "Cat"];

fn go(st: &mut SessionState, cmd: Command, mono: u64) -> Vec<Event> {
    let now = Now::new(mono, wall(mono));
    let mut out = Vec::new();
    for e in due(st, now) {
        apply(st, &e);
        out.push(e.event);
    }
    for e in decide(st, cmd, now).unwrap_or_else(|r| panic!("{r}")) {
        apply(st, &e);
        out.push(e.event);
    }
    out
}

fn tick(st: &mut SessionState, mono: u64) -> Vec<Event> {
    let now = Now::new(mono, wall(mono));
    let events = due(st, now);
    for e in &events {
        apply(st, e);
    }
    events.into_iter().map(|e| e.event).collect()
}

#[test]
fn going_back_into_a_stage_that_timed_up_does_not_bounce_forward() {
    let mut s = setup(builtin("project-tuning"), &["Priya", "Ann"]);
    s.auto_advance = true;
    let mut st = SessionState::new(s);
    go(&mut st, Command::Start, 0);
    tick(&mut st, 240_000); // time up: auto-advance to stage 2
    assert_eq!(st.pos, 1);
    go(&mut st, Command::Back, 250_000);
    assert_eq!(st.pos, 0);
    assert!(tick(&mut st, 251_000).is_empty(), "no second advance");
    assert_eq!(st.pos, 0);
}

#[test]
fn an_extension_after_time_up_rearms_the_warning_which_fires_again() {
    // The format 1 triad: its conversation has a warning (format 2's is the observer's cue).
    let mut st = SessionState::new(setup(support::v1("coaching-triad"), TRIAD));
    go(&mut st, Command::Start, 0);
    go(&mut st, Command::Next { force: false }, 0); // conversation, 15:00, warning at 3:00
    let fired = tick(&mut st, 15 * 60_000);
    assert!(fired.iter().any(|e| matches!(e, Event::TimeUp { .. })));
    go(&mut st, Command::Extend { by_ms: 5 * 60_000, agreement: None }, 15 * 60_000);
    assert!(tick(&mut st, 16 * 60_000).is_empty());
    let again = tick(&mut st, 17 * 60_000); // 3:00 left of the extension
    assert!(again.iter().any(|e| matches!(e, Event::WarningReached { .. })), "{again:?}");
}

#[test]
fn time_paused_when_a_stage_is_left_is_counted() {
    let mut st = SessionState::new(setup(builtin("project-tuning"), &["Priya", "Ann"]));
    go(&mut st, Command::Start, 0);
    go(&mut st, Command::Pause, 10_000);
    go(&mut st, Command::Next { force: false }, 70_000);
    assert_eq!(st.clocks[0].paused_ms, 60_000);
    assert_eq!(st.clocks[0].banked_ms, 10_000);
}

#[test]
fn shortening_never_pushes_a_stage_into_overrun() {
    let mut st = SessionState::new(setup(builtin("project-tuning"), &["Priya", "Ann"]));
    go(&mut st, Command::Start, 0);
    go(&mut st, Command::Shorten { by_ms: 10 * 60_000 }, 200_000);
    let now = Now::new(200_000, wall(200_000));
    assert_eq!(st.clocks[0].remaining(st.effective(now.mono)), 0, "down to zero, not below");
    let r = decide(&st, Command::Shorten { by_ms: 60_000 }, now).unwrap_err();
    assert_eq!(r, Rejection::NoTimeLeft, "{r}");
}

#[test]
fn parallel_triads_each_need_their_coachee_commitment() {
    let people = ["Ann", "Ben", "Cat", "Dev", "Eve", "Fay"];
    let mut st = SessionState::new(setup(support::v1("coaching-triad"), &people));
    go(&mut st, Command::Start, 0);
    go(&mut st, Command::Jump { to: 2 }, 0);
    assert_eq!(st.stages[st.pos].id, "commitment");
    let commit = |owner: &str, group| Command::AddCommitment {
        owner: owner.into(),
        text: "x".into(),
        due: Some("2 weeks".into()),
        group: Some(group),
        record: None,
    };
    go(&mut st, commit("Ann", 0), 1_000);
    let r = decide(&st, Command::Next { force: false }, Now::new(1_000, wall(1_000))).unwrap_err();
    assert!(matches!(r, Rejection::NotRecorded { groups: Some((1, 2)), .. }), "{r:?}");
    assert!(r.to_string().contains("(1 of 2 groups)"), "{r}");
    go(&mut st, commit("Dev", 1), 2_000);
    go(&mut st, Command::Next { force: false }, 2_000);
    assert_eq!(st.stages[st.pos].id, "observer-feedback");
}

#[test]
fn the_commitment_form_presets_the_next_coachee_without_a_commitment() {
    let mut rig = Rig::builtin("coaching-triad", &["Ann", "Ben", "Cat", "Dev", "Eve", "Fay"]);
    rig.press(' ');
    rig.press('n');
    rig.press('n'); // the commitment stage
    rig.press('a');
    rig.type_text("Try paired reading");
    rig.code(KeyCode::Enter);
    rig.type_text("2 weeks"); // the triad's commitment needs its time frame
    rig.code(KeyCode::Enter);
    assert_eq!(rig.app.state.commitments[0].owner, "Ann");
    assert_eq!(rig.app.state.commitments[0].group, Some(0));
    rig.press('a');
    let Overlay::Form(form) = &rig.app.overlay else { panic!("a form") };
    assert_eq!(form.fields[0].value, "Dev", "the second triad's coachee is next");
    assert!(form.masked, "commitment text is hidden on the projected screen");
    rig.type_text("Ask the head of maths");
    let shown = rig.render(100, 30);
    assert!(!shown.contains("Ask the head"), "{shown}");
}

#[test]
fn leaving_to_resume_later_pauses_the_clock_first() {
    let mut rig = Rig::builtin("project-tuning", &["Priya", "Ann"]);
    rig.press(' ');
    rig.wait(30_000);
    rig.press('q');
    rig.press('l');
    assert_eq!(rig.app.exit, Some(Exit::Left));
    assert!(rig.app.state.paused);
    assert_eq!(rig.events("paused").len(), 1, "the pause is in the log");
    assert!(rig.events("session-ended").is_empty());
}

#[test]
fn esc_does_not_open_the_quit_question() {
    let mut rig = Rig::builtin("project-tuning", &["Priya", "Ann"]);
    rig.press(' ');
    rig.code(KeyCode::Esc);
    assert_eq!(rig.app.overlay, Overlay::None);
    rig.press('e');
    assert_eq!(rig.app.state.status, Status::Running, "e adds a note; it does not end");
}

#[test]
fn a_clicker_starts_the_session_from_the_start_card() {
    let mut rig = Rig::builtin("project-tuning", &["Priya", "Ann"]);
    rig.code(KeyCode::Right);
    assert_eq!(rig.app.state.status, Status::Running);
}

#[test]
fn the_mirror_does_not_spin_past_a_moment_nobody_recorded() {
    let mut rig = Rig::builtin("project-tuning", &["Priya", "Ann"]);
    rig.press(' ');
    rig.app.opts.mirror = true;
    // 4:00 stage: the warning (3:00) and time up are due but were never ticked (a mirror).
    for mono in [180_500, 239_500, 250_000] {
        let wait = rig.app.wake_in(mono).expect("running");
        assert!(wait > 0, "at {mono}: waits {wait} ms");
    }
}

#[test]
fn a_running_session_cannot_be_taken_over_by_a_second_process() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.jsonl");
    std::fs::write(&path, "{}\n").expect("write");
    let held = SessionLock::acquire(&path).expect("free").expect("locks work here");
    let second = SessionLock::acquire(&path);
    assert_eq!(
        second.map(|_| ()),
        Err(convene::log::LockError::Held { session: "s".into() }),
        "a second lock on a running session is refused, naming the session"
    );
    assert!(convene::log::in_use(&path));
    drop(held);
    assert!(!convene::log::in_use(&path));
}

#[test]
fn agreement_names_can_be_recorded_through_the_engine() {
    let mut st = SessionState::new(setup(builtin("action-learning"), &["Ann", "Ben", "Cat"]));
    go(&mut st, Command::Start, 0);
    go(&mut st, Command::Jump { to: 5 }, 0);
    let by = Agreement::People(vec!["Ann".into(), "Ben".into()]);
    go(&mut st, Command::Extend { by_ms: 60_000, agreement: Some(by.clone()) }, 1_000);
    assert_eq!(st.extensions[0].agreement, Some(by));
}

#[test]
fn who_agreed_to_an_extension_can_be_named_on_screen() {
    // Format 1's action learning asks on every stage of a slot.
    let mut rig = Rig::v1("action-learning", &["Ann", "Ben", "Cat"]);
    rig.press(' ');
    rig.app.exec(Command::Jump { to: 5 }, rig.now()).expect("to the first slot");
    rig.press('+');
    assert!(matches!(rig.app.overlay, Overlay::Agreement { .. }));
    rig.press('w');
    rig.code(KeyCode::Enter);
    assert!(rig.app.state.extensions.is_empty(), "no names, no extension");
    rig.type_text("Ann, Ben");
    rig.code(KeyCode::Enter);
    assert_eq!(
        rig.app.state.extensions[0].agreement,
        Some(Agreement::People(vec!["Ann".into(), "Ben".into()]))
    );
    let logged = rig.events("extended");
    assert_eq!(logged[0]["agreement"]["names"], serde_json::json!(["Ann", "Ben"]));
}

/// A name too long to be a formatting width (65,536 characters or more) is cut on the start
/// card's roster, never passed to `format!` as a width (which panics).
#[test]
fn a_huge_name_is_cut_on_the_start_card_not_a_panic() {
    let huge = "A".repeat(70_000);
    let rig = support::Rig::builtin("coaching-triad", &[&huge, "Ben", "Cat"]);
    let screen = rig.render(120, 35);
    assert!(screen.contains("Roles in each of 3 rounds"), "{screen}");
    assert!(screen.contains("AAAA…"), "the name is cut with an ellipsis:\n{screen}");
}
