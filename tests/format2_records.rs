//! Format 2 records: several records per stage, required fields, one record per person and
//! optional stages, in the engine, on the live screen and in `logs show`. Format 1 protocols
//! keep behaving as before.

mod support;

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
    // Twice for one person is still one person.
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
