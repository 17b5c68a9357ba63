//! Format 2 records: several records per stage, required fields, one record per person and
//! optional stages, in the engine, on the live screen and in `logs show`. Format 1 protocols
//! keep behaving as before.

use crate::support;

use convene::protocol::{Protocol, load_file};
use convene::session::{
    Command, Event, Now, Outcome, Rejection, SessionState, Setup, Status, apply, decide,
};
use std::path::Path;
use support::{setup, wall};

const V2: &str = "tests/fixtures/protocols/v2";

fn fixture(name: &str) -> Protocol {
    load_file(Path::new(&format!("{V2}/{name}.json"))).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A session driven through the engine, with every event kept.
struct Session {
    st: SessionState,
    mono: u64,
    events: Vec<Event>,
}

impl Session {
    fn new(setup: Setup) -> Self {
        let mut s = Self { st: SessionState::new(setup), mono: 0, events: Vec::new() };
        s.ok(Command::Start);
        s
    }

    fn of(name: &str, people: &[&str]) -> Self {
        Self::new(setup(fixture(name), people))
    }

    fn go(&mut self, cmd: Command) -> Result<(), Rejection> {
        self.mono += 1_000;
        let events = decide(&self.st, cmd, Now::new(self.mono, wall(self.mono)))?;
        for e in &events {
            apply(&mut self.st, e);
            self.events.push(e.event.clone());
        }
        Ok(())
    }

    fn ok(&mut self, cmd: Command) {
        let shown = format!("{cmd:?}");
        self.go(cmd).unwrap_or_else(|r| panic!("{shown}: {r}"));
    }

    fn refused(&mut self, cmd: Command) -> Rejection {
        let pos = self.st.pos;
        let r = self.go(cmd).expect_err("should be refused");
        assert_eq!(self.st.pos, pos, "a refusal changes nothing");
        r
    }

    fn stage(&self) -> &str {
        &self.st.stages[self.st.pos].id
    }

    fn to(&mut self, stage: &str) {
        let to = self.st.stages.iter().position(|s| s.id == stage).expect("stage");
        self.ok(Command::Jump { to });
    }

    fn left(&self) -> Vec<(String, bool)> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::StageLeft { stage, without_record, .. } => {
                    Some((stage.clone(), *without_record))
                }
                _ => None,
            })
            .collect()
    }
}

fn note(text: &str, about: Option<&str>, record: Option<&str>) -> Command {
    Command::AddNote {
        text: text.into(),
        about: about.map(Into::into),
        group: None,
        private: false,
        record: record.map(Into::into),
    }
}

fn commit(owner: &str, due: Option<&str>, record: Option<&str>) -> Command {
    Command::AddCommitment {
        owner: owner.into(),
        text: "Try it in class".into(),
        due: due.map(Into::into),
        group: None,
        record: record.map(Into::into),
    }
}

const NEXT: Command = Command::Next { force: false };

// ---- several records per stage ----

#[test]
fn a_stage_with_several_records_is_left_only_when_each_is_recorded() {
    let mut s = Session::of("records-several", &["Ann", "Ben", "Cat"]);
    assert_eq!(s.stage(), "problem");
    let r = s.refused(NEXT);
    assert_eq!(
        r.to_string(),
        "Not recorded yet: Problem and desired outcome; Challenges, with their 'because'; \
         Action plan. Add them first, or confirm to move on without them."
    );
    s.ok(note("Reading at KS2", None, Some("problem")));
    // A second note for the same record does not stand in for the others.
    s.ok(note("Reading at KS2, again", None, Some("problem")));
    let r = s.refused(NEXT);
    assert_eq!(
        r.to_string(),
        "Not recorded yet: Challenges, with their 'because'; Action plan. Add them first, or \
         confirm to move on without them."
    );
    s.ok(note("Time, because of the timetable", None, Some("challenges")));
    let r = s.refused(NEXT);
    assert_eq!(
        r.to_string(),
        "Not recorded yet: Action plan. Add it first, or confirm to move on without it."
    );
    assert!(matches!(r, Rejection::NotRecorded { count: 1, .. }), "{r:?}");
    s.ok(note("Pilot in Year 5", None, Some("action-plan")));
    s.ok(NEXT);
    assert_eq!(s.stage(), "facilitator-turn");
    assert_eq!(s.left(), [("problem".to_string(), false)]);
}

#[test]
fn a_note_for_a_record_the_stage_does_not_expect_is_refused() {
    let mut s = Session::of("records-several", &["Ann", "Ben", "Cat"]);
    let r = s.refused(note("x", None, Some("commitment")));
    assert_eq!(r.to_string(), "This stage expects no record \"commitment\".");
    // A private note that names no record is still just a note, and counts for nothing here.
    s.ok(Command::AddNote {
        text: "private".into(),
        about: None,
        group: None,
        private: true,
        record: None,
    });
    assert_eq!(s.st.expected_progress(s.st.pos), Some((0, 3)));
}

#[test]
fn moving_on_without_some_records_is_logged_after_confirming() {
    let mut s = Session::of("records-several", &["Ann", "Ben", "Cat"]);
    s.ok(note("Reading", None, Some("problem")));
    s.ok(Command::Next { force: true });
    assert_eq!(s.left(), [("problem".to_string(), true)]);
}

// ---- required fields ----

#[test]
fn a_commitment_without_the_required_time_frame_is_refused() {
    let mut s = Session::of("records-several", &["Ann", "Ben", "Cat"]);
    s.to("commitment");
    let r = s.refused(commit("Ann", None, Some("commitment")));
    assert_eq!(r.to_string(), "A commitment here needs a time frame: say by when.");
    // Naming no record, in a stage with one expectation, is the same record.
    assert_eq!(s.refused(commit("Ann", Some("  "), None)), Rejection::NeedsDue);
    assert!(s.st.commitments.is_empty());
    assert!(!s.st.has_expected_record(s.st.pos), "no time frame, no record");
    s.ok(commit("Ann", Some("2 weeks"), None));
    assert_eq!(s.st.commitments[0].record.as_deref(), Some("commitment"));
    s.ok(NEXT);
    assert_eq!(s.stage(), "close");
}

#[test]
fn a_note_without_the_required_about_is_refused() {
    let mut s = Session::of("records-per-person", &["Ann", "Ben"]);
    s.to("owners");
    let r = s.refused(note("Reading", None, Some("area-owner")));
    assert_eq!(r.to_string(), "A note here needs its \"About\": say who or what it is about.");
    s.ok(note("Reading", Some("Ann"), Some("area-owner")));
    assert!(s.st.has_expected_record(s.st.pos));
}

// ---- one per person ----

#[test]
fn every_participant_needs_a_record_before_the_stage_is_left() {
    let people = ["Ann", "Ben", "Cat", "Dev", "Eve"];
    let mut s = Session::of("records-per-person", &people);
    s.to("gap-tasks");
    for who in ["Ann", "Ben", "Cat"] {
        s.ok(commit(who, Some("next session"), None));
    }
    // Twice for one person is still one person, in any case.
    s.ok(commit("ann", Some("next session"), None));
    let r = s.refused(NEXT);
    assert_eq!(
        r.to_string(),
        "Not recorded yet: Gap task (3 of 5 people; missing: Dev, Eve). Add it first, or \
         confirm to move on without it."
    );
    s.ok(commit("Dev", Some("next session"), None));
    s.ok(commit("Eve", Some("next session"), None));
    s.ok(NEXT);
    assert_eq!(s.stage(), "owners");
}

#[test]
fn ending_the_session_without_everyones_record_asks_and_is_logged() {
    let mut s = Session::of("records-per-person", &["Ann", "Ben", "Cat"]);
    // Not reached yet, or reached: the session cannot close without everyone's gap task.
    let r = s.refused(Command::End);
    assert_eq!(
        r.to_string(),
        "Not recorded yet: Gap task (0 of 3 people; missing: Ann, Ben, Cat). Add it first, or \
         confirm to end the session without it."
    );
    assert_eq!(s.st.status, Status::Running);
    s.to("gap-tasks");
    s.ok(commit("Ann", Some("2 weeks"), None));
    let r = s.refused(Command::End);
    assert!(r.to_string().contains("Gap task (1 of 3 people; missing: Ben, Cat)"), "{r}");
    s.ok(Command::EndAnyway);
    assert!(matches!(s.st.status, Status::Ended(_)));
    let ended = s.events.last().expect("ended");
    let Event::SessionEnded { without, .. } = ended else { panic!("{ended:?}") };
    assert_eq!(without, &["Gap task (1 of 3 people; missing: Ben, Cat)".to_string()]);
}

#[test]
fn ending_with_everyones_record_asks_nothing() {
    let mut s = Session::of("records-per-person", &["Ann", "Ben"]);
    s.to("gap-tasks");
    s.ok(commit("Ann", Some("2 weeks"), None));
    s.ok(commit("Ben", Some("2 weeks"), None));
    s.ok(Command::End);
    let Some(Event::SessionEnded { without, .. }) = s.events.last() else { panic!() };
    assert!(without.is_empty());
}

#[test]
fn in_a_split_round_every_member_of_each_group_needs_a_record() {
    let people = ["Ann", "Ben", "Cat", "Dev", "Eve", "Fay"];
    let mut s = Session::of("records-split", &people);
    assert_eq!(s.st.groups.len(), 2);
    for who in ["Ann", "Ben", "Cat", "Dev"] {
        s.ok(commit(who, None, None));
    }
    let r = s.refused(NEXT);
    assert!(r.to_string().contains("A commitment (4 of 6 people; missing: Eve, Fay)"), "{r}");
    s.ok(commit("Eve", None, None));
    s.ok(commit("Fay", None, None));
    s.ok(NEXT);
    assert_eq!(s.st.status, Status::Ended(Outcome::Completed));
}

// ---- optional stages ----

#[test]
fn an_optional_stage_is_skipped_or_left_without_the_question() {
    let mut s = Session::of("records-several", &["Ann", "Ben", "Cat"]);
    s.to("facilitator-turn");
    assert!(s.st.has_expected_record(s.st.pos));
    s.ok(Command::Skip);
    assert_eq!(s.stage(), "commitment");
    s.ok(Command::Back);
    s.ok(NEXT);
    assert_eq!(s.stage(), "commitment");
    let left = s.left();
    assert!(left.iter().filter(|(id, _)| id == "facilitator-turn").all(|(_, w)| !w), "{left:?}");
    assert!(
        s.events.iter().any(|e| matches!(
            e,
            Event::StageLeft { stage, how: convene::session::Leave::Skip, .. }
                if stage == "facilitator-turn"
        )),
        "the log shows it was skipped"
    );
}

// ---- format 1 keeps behaving as before ----

#[test]
fn a_format_1_stage_takes_any_record_of_its_kind_and_no_time_frame() {
    let p = fixture("records-format1");
    assert_eq!(p.format, 1);
    let mut s = Session::of("records-format1", &["Ann", "Ben", "Cat", "Dev", "Eve", "Fay"]);
    s.to("commitment");
    let r = s.refused(NEXT);
    assert!(matches!(r, Rejection::NotRecorded { groups: Some((0, 2)), count: 1, .. }), "{r:?}");
    assert_eq!(
        r.to_string(),
        "Not recorded yet: The coachee's commitment, with a time frame (0 of 2 groups). Add it \
         first, or confirm to move on without it."
    );
    // Any commitment counts, with no time frame, whoever makes it.
    s.ok(commit("Ann", None, None));
    s.ok(commit("Ann", None, None));
    assert_eq!(s.st.commitments[0].record, None, "format 1 records name no record");
    assert_eq!(s.st.expected_progress(s.st.pos), Some((2, 2)));
    s.ok(NEXT);
    // It was the last stage: the session completes, with nothing said missing.
    assert_eq!(s.st.status, Status::Ended(Outcome::Completed));
    let Some(Event::SessionEnded { without, .. }) = s.events.last() else { panic!() };
    assert!(without.is_empty());
}

// ---- the live screen ----

use convene::tui::live::Overlay;
use crossterm::event::KeyCode;
use support::{Rig, mono_opts};

fn live(name: &str, people: &[&str]) -> Rig {
    let mut rig = Rig::new(setup(fixture(name), people), mono_opts());
    rig.press(' ');
    assert_eq!(rig.app.state.status, Status::Running);
    rig
}

fn jump(rig: &mut Rig, stage: &str) {
    let to = rig.app.state.stages.iter().position(|s| s.id == stage).expect("stage");
    let now = rig.now();
    rig.app.exec(Command::Jump { to }, now).expect("jump");
}

fn form_fields(rig: &Rig) -> Vec<(String, String)> {
    let Overlay::Form(f) = &rig.app.overlay else { panic!("no form: {:?}", rig.app.overlay) };
    f.fields.iter().map(|x| (x.label.to_string(), x.value.clone())).collect()
}

#[test]
fn the_record_form_has_a_for_field_that_starts_at_the_first_missing_record() {
    let mut rig = live("records-several", &["Ann", "Ben", "Cat"]);
    let screen = rig.render(80, 24);
    for line in [
        "· missing: Problem and desired outcome",
        "· missing: Challenges, with their 'because'",
        "· missing: Action plan",
    ] {
        assert!(screen.contains(line), "{line}\n{screen}");
    }
    rig.press('e');
    assert_eq!(
        form_fields(&rig)[0],
        ("For (←/→ choose)".into(), "Problem and desired outcome".into())
    );
    rig.type_text("Reading at KS2");
    rig.code(KeyCode::Enter);
    assert_eq!(rig.events("note-added")[0]["record"], "problem");
    let screen = rig.render(80, 24);
    assert!(screen.contains("✓ done: Problem and desired outcome"), "{screen}");
    // The next form starts at the next missing record; → and ← choose another.
    rig.press('e');
    assert_eq!(form_fields(&rig)[0].1, "Challenges, with their 'because'");
    rig.code(KeyCode::BackTab);
    rig.code(KeyCode::Right);
    assert_eq!(form_fields(&rig)[0].1, "Action plan");
    rig.code(KeyCode::Right);
    assert_eq!(form_fields(&rig)[0].1, "Problem and desired outcome", "it wraps round");
    rig.code(KeyCode::Left);
    rig.code(KeyCode::Left);
    assert_eq!(form_fields(&rig)[0].1, "Challenges, with their 'because'");
    rig.code(KeyCode::Tab);
    rig.type_text("Time, because of the timetable");
    rig.code(KeyCode::Enter);
    let notes = rig.events("note-added");
    assert_eq!(notes[1]["record"], "challenges");
    assert_eq!(notes[1]["private"], false);
}

#[test]
fn n_with_records_missing_names_them_and_a_names_the_first() {
    let mut rig = live("records-several", &["Ann", "Ben", "Cat"]);
    rig.press('n');
    assert_eq!(rig.app.overlay, Overlay::ConfirmLeave);
    let screen = rig.render(80, 24);
    assert!(
        screen.contains("Not recorded yet: Problem and desired outcome; Challenges,"),
        "{screen}"
    );
    rig.press('a');
    assert_eq!(form_fields(&rig)[0].1, "Problem and desired outcome");
}

#[test]
fn a_required_time_frame_is_marked_and_a_refusal_keeps_what_was_typed() {
    let mut rig = live("records-several", &["Ann", "Ben", "Cat"]);
    jump(&mut rig, "commitment");
    rig.press('a');
    let fields = form_fields(&rig);
    assert!(fields.iter().any(|(l, _)| l == "By (required: a date or \"2 weeks\")"), "{fields:?}");
    assert!(!fields.iter().any(|(l, _)| l.starts_with("For")), "one record here: no For field");
    rig.type_text("Pilot the plan");
    rig.code(KeyCode::Enter);
    rig.code(KeyCode::Enter);
    assert!(rig.events("commitment-added").is_empty());
    assert_eq!(
        rig.app.message.as_deref(),
        Some("A commitment here needs a time frame: say by when.")
    );
    let fields = form_fields(&rig);
    assert!(fields.contains(&("Will".into(), "Pilot the plan".into())), "{fields:?}");
    let screen = rig.render(80, 24);
    assert!(screen.contains("A commitment here needs a time frame"), "{screen}");
    rig.type_text("2 weeks");
    rig.code(KeyCode::Enter);
    let made = rig.events("commitment-added");
    assert_eq!(made[0]["due"], "2 weeks");
    assert_eq!(made[0]["record"], "commitment");
}

#[test]
fn quitting_with_gap_tasks_missing_asks_before_ending_and_logs_it() {
    let mut rig = live("records-per-person", &["Ann", "Ben", "Cat"]);
    jump(&mut rig, "gap-tasks");
    let screen = rig.render(80, 24);
    assert!(
        screen.contains("· missing: Gap task (0 of 3 people; missing: Ann, Ben, Cat)"),
        "{screen}"
    );
    rig.press('a');
    assert_eq!(form_fields(&rig)[0], ("Who".into(), "Ann".into()), "the first without one");
    rig.type_text("Observe a lesson");
    rig.code(KeyCode::Enter);
    rig.type_text("next session");
    rig.code(KeyCode::Enter);
    rig.press('a');
    assert_eq!(form_fields(&rig)[0].1, "Ben");
    rig.code(KeyCode::Esc);
    rig.press('q');
    rig.press('e');
    assert_eq!(rig.app.overlay, Overlay::ConfirmEnd);
    assert_eq!(rig.app.state.status, Status::Running, "not ended while asked");
    let screen = rig.render(80, 24);
    assert!(screen.contains("End without them?"), "{screen}");
    assert!(screen.contains("Gap task (1 of 3 people; missing: Ben, Cat)"), "{screen}");
    // Esc carries on.
    rig.code(KeyCode::Esc);
    assert_eq!((rig.app.state.status, &rig.app.overlay), (Status::Running, &Overlay::None));
    rig.press('q');
    rig.press('e');
    rig.press('e');
    assert_eq!(rig.app.state.status, Status::Running, "a double e does not answer the question");
    rig.wait(1000);
    rig.press('e');
    assert!(matches!(rig.app.state.status, Status::Ended(_)));
    let ended = rig.events("session-ended");
    assert_eq!(ended[0]["without"][0], "Gap task (1 of 3 people; missing: Ben, Cat)");
}

#[test]
fn an_optional_stage_says_so_and_n_asks_nothing() {
    let mut rig = live("records-several", &["Ann", "Ben", "Cat"]);
    jump(&mut rig, "facilitator-turn");
    let screen = rig.render(80, 24);
    assert!(screen.contains("Optional stage: run it, or skip it with s"), "{screen}");
    rig.press('n');
    assert_eq!(rig.app.overlay, Overlay::None);
    assert_eq!(rig.stage_id(), "commitment");
    let card = Rig::new(setup(fixture("records-several"), &["Ann", "Ben", "Cat"]), mono_opts());
    let screen = card.render(100, 40);
    assert!(screen.contains("Facilitator, if needed (optional)"), "{screen}");
}

#[test]
fn snapshots_of_the_for_field_and_the_list_of_records() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut rig = live("records-several", &["Ann", "Ben", "Cat"]);
        rig.press('e');
        rig.type_text("Reading at KS2");
        rig.code(KeyCode::Enter);
        insta::assert_snapshot!(format!("records_list_{w}x{h}"), rig.render(w, h));
        rig.press('e');
        rig.type_text("Time");
        insta::assert_snapshot!(format!("records_for_field_{w}x{h}"), rig.render(w, h));
    }
}

// ---- logs show ----

#[test]
fn logs_show_names_the_record_each_note_and_commitment_is_for() {
    use convene::review::detail::{load, show};
    use convene::review::export::{json, markdown};
    convene::review::index::use_cache_dir(support::fixtures::test_cache_dir());
    let mut rig = live("records-several", &["Ann", "Ben", "Cat"]);
    let now = rig.now();
    rig.app
        .exec(note("Time, because of the timetable", None, Some("challenges")), now)
        .expect("note");
    rig.app.exec(Command::Next { force: true }, now).expect("left without two");
    jump(&mut rig, "commitment");
    let now = rig.now();
    rig.app.exec(commit("Ann", Some("2 weeks"), None), now).expect("commitment");
    rig.app.exec(Command::End, now).expect("end");
    let sess = load(rig.dir.path(), "20261123-083000-000").expect("the session");
    let text = show(&sess);
    assert!(
        text.contains("[The problem, for Challenges, with their 'because'] Time, because of"),
        "{text}"
    );
    assert!(
        text.contains("left without: Problem and desired outcome; Action plan"),
        "only the ones missing: {text}"
    );
    assert!(
        text.contains("[Commitment, for The presenter's commitment, with a time frame]"),
        "{text}"
    );
    let md = markdown(&sess, false);
    assert!(md.contains("- *The problem, for Challenges, with their 'because':*"), "{md}");
    assert!(
        md.contains("Try it in class (for The presenter's commitment, with a time frame)"),
        "{md}"
    );
    let js: serde_json::Value =
        serde_json::from_str(&json(&sess, false).expect("json")).expect("json");
    assert_eq!(js["notes"][0]["record"]["id"], "challenges");
    assert_eq!(js["notes"][0]["record"]["label"], "Challenges, with their 'because'");
    assert_eq!(js["commitments"][0]["record"]["id"], "commitment");
}

#[test]
fn logs_show_says_the_session_ended_without_everyones_record() {
    use convene::review::detail::{load, show};
    convene::review::index::use_cache_dir(support::fixtures::test_cache_dir());
    let mut rig = live("records-per-person", &["Ann", "Ben", "Cat"]);
    jump(&mut rig, "gap-tasks");
    let now = rig.now();
    rig.app.exec(commit("Ann", Some("2 weeks"), None), now).expect("commitment");
    rig.app.exec(Command::EndAnyway, now).expect("ended anyway");
    let sess = load(rig.dir.path(), "20261123-083000-000").expect("the session");
    let text = show(&sess);
    assert!(text.contains("Ended without: Gap task (1 of 3 people; missing: Ben, Cat)"), "{text}");
}

#[test]
fn a_log_from_before_records_still_replays() {
    let old = r#"{"at":400000,"wall":"2026-11-23T08:36:40.000+00:00","type":"session-ended","outcome":"ended-early","pos":2}"#;
    let e: convene::session::Stamped = serde_json::from_str(old).expect("an old line");
    assert!(matches!(e.event, Event::SessionEnded { ref without, .. } if without.is_empty()));
    let back = serde_json::to_string(&e).expect("json");
    assert!(!back.contains("without"), "nothing missing, nothing written: {back}");
}

#[test]
fn a_note_for_each_participant_starts_about_the_first_without_one() {
    let mut rig = live("records-per-note", &["Ann", "Ben"]);
    rig.press('e');
    let fields = form_fields(&rig);
    assert_eq!(fields[0], ("About (required: a name)".into(), "Ann".into()), "{fields:?}");
    rig.type_text("Found the walk useful");
    rig.code(KeyCode::Enter);
    assert_eq!(rig.events("note-added")[0]["about"], "Ann");
    rig.press('e');
    assert_eq!(form_fields(&rig)[0].1, "Ben");
    // Without whom it is about, it is refused, and kept as typed.
    rig.code(KeyCode::BackTab);
    rig.ctrl('u');
    rig.code(KeyCode::Tab);
    rig.type_text("Quiet");
    rig.code(KeyCode::Enter);
    assert_eq!(
        rig.app.message.as_deref(),
        Some("A note here needs its \"About\": say who or what it is about.")
    );
    assert_eq!(form_fields(&rig)[1].1, "Quiet");
    rig.code(KeyCode::Esc);
    rig.press('n');
    let screen = rig.render(80, 24);
    assert!(
        screen.contains("Not recorded yet: A reflection (1 of 2 people; missing: Ben)."),
        "{screen}"
    );
}

#[test]
fn choosing_a_record_for_each_participant_sets_who_to_the_first_without_one() {
    let mut rig = live("records-mixed", &["Ann", "Ben"]);
    rig.press('a');
    let fields = form_fields(&rig);
    assert_eq!(fields[0].1, "The plan");
    assert_eq!(fields[1], ("Who".into(), String::new()), "no one holds a role outside rounds");
    rig.code(KeyCode::BackTab);
    rig.code(KeyCode::BackTab);
    rig.code(KeyCode::Right);
    assert_eq!(form_fields(&rig)[0].1, "Gap task");
    rig.code(KeyCode::Tab);
    rig.ctrl('u');
    rig.type_text("Ben");
    rig.code(KeyCode::Enter);
    rig.type_text("Observe a lesson");
    rig.code(KeyCode::Enter);
    rig.code(KeyCode::Enter);
    assert_eq!(rig.events("commitment-added")[0]["record"], "gap-task");
    // The next form starts at the first missing record; on the gap task, at Ann.
    rig.press('a');
    assert_eq!(form_fields(&rig)[0].1, "The plan");
    rig.code(KeyCode::BackTab);
    rig.code(KeyCode::BackTab);
    rig.code(KeyCode::Left);
    assert_eq!(
        form_fields(&rig)[..2],
        [("For (←/→ choose)".into(), "Gap task".into()), ("Who".into(), "Ann".into())]
    );
}
