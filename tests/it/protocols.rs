//! The protocol library through its public API: every invalid fixture's exact error text
//! (snapshots), the built-ins against the source facts, and how the library loads user folders.

use crate::support;

use std::path::{Path, PathBuf};

use convene::commands::protocols::list;
use convene::protocol::library::BUILTIN;
use convene::session::plan::{Quote, group_sizes, round_count};

/// The planned total in seconds of session 1 of `p` for `n` people, as `convene protocols` and
/// the start card quote it.
fn planned_total(p: &Protocol, n: usize) -> u64 {
    Quote::new(p, n).first_ms / 1000
}
use convene::protocol::{
    Expectation, ExtensionPolicy, Library, LoadError, OrderRule, Origin, Part, Per, Protocol,
    Provenance, RecordField, RecordKind, RoleCount, Rounds, StageSpec, Timing, load_file,
};

use support::BUILTIN_IDS;

const INVALID: &str = "tests/fixtures/protocols/invalid";
const VALID: &str = "tests/fixtures/protocols/valid";

fn builtin(id: &str) -> Protocol {
    Library::builtin_only().get(id).unwrap_or_else(|| panic!("no built-in {id}")).clone()
}

/// The error text for an invalid fixture, loaded by its path relative to the crate root.
fn error_text(name: &str) -> String {
    let path = format!("{INVALID}/{name}.json");
    let err = load_file(Path::new(&path)).expect_err("the fixture should be refused");
    let text = err.to_string();
    assert!(text.starts_with(&path), "the message should start with the relative path: {text}");
    assert!(!text.contains(env!("CARGO_MANIFEST_DIR")), "absolute path in: {text}");
    assert!(!text.contains('\u{1b}'), "raw escape character in: {text}");
    text
}

fn json_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("fixture folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

// ---- invalid fixtures: one snapshot of the exact message each ----

macro_rules! invalid {
    ($($test:ident => $file:literal),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                insta::assert_snapshot!(error_text($file));
            }
        )*
        const INVALID_FIXTURES: &[&str] = &[$($file),*];
    };
}

invalid! {
    missing_comma => "missing-comma",
    truncated_file => "truncated",
    unknown_top_level_field => "unknown-top-level-field",
    unknown_stage_field => "unknown-stage-field",
    wrong_type_count => "wrong-type-count",
    duplicate_stage_ids => "duplicate-stage-ids",
    duplicate_role_ids => "duplicate-role-ids",
    unknown_role => "unknown-role",
    zero_duration => "zero-duration",
    unparseable_duration => "unparseable-duration",
    warning_not_shorter => "warning-not-shorter",
    min_above_max => "min-above-max",
    too_many_roles_for_group => "too-many-roles-for-group",
    unsupported_format => "unsupported-format",
    format2_field_in_format1 => "format2-field-in-format1",
    non_kebab_id => "non-kebab-id",
    facilitator_cue_without_facilitator => "facilitator-cue-without-facilitator",
    several_problems => "several-problems",
    escape_in_id => "escape-in-id",
    escape_in_unknown_field => "escape-in-unknown-field",
    people_fact_key_not_kebab => "people-fact-key-not-kebab",
    people_fact_key_twice => "people-fact-key-twice",
    people_fact_empty_label => "people-fact-empty-label",
    people_one_per_unknown_fact => "people-one-per-unknown-fact",
    people_mix_without_split => "people-mix-without-split",
    people_recommended_max_zero => "people-recommended-max-zero",
    people_recommended_max_above_max => "people-recommended-max-above-max",
    people_team_role_rest => "people-team-role-rest",
    course_sessions_not_a_range => "course-sessions-not-a-range",
    from_session_without_course => "from-session-without-course",
    from_session_zero => "from-session-zero",
    record_id_not_kebab => "record-id-not-kebab",
    duplicate_record_id => "duplicate-record-id",
    several_records_without_id => "several-records-without-id",
    carry_without_id => "carry-without-id",
    require_due_on_note => "require-due-on-note",
    require_about_on_commitment => "require-about-on-commitment",
    carry_on_commitment => "carry-on-commitment",
    per_in_optional_stage => "per-in-optional-stage",
    carried_unknown_record => "carried-unknown-record",
    carried_not_carried => "carried-not-carried",
    cue_before_and_after => "cue-before-and-after",
    cue_without_time => "cue-without-time",
    cue_time_zero => "cue-time-zero",
    cue_outside_stage => "cue-outside-stage",
    cue_time_unreadable => "cue-time-unreadable",
    cue_message_empty => "cue-message-empty",
    marker_time_zero => "marker-time-zero",
    markers_out_of_order => "markers-out-of-order",
    marker_time_unreadable => "marker-time-unreadable",
    marker_message_empty => "marker-message-empty",
    round_extension_without_rounds => "round-extension-without-rounds",
    range_upper_below_lower => "range-upper-below-lower",
}

#[test]
fn every_invalid_fixture_has_a_snapshot_test() {
    let on_disk: Vec<String> = json_files(INVALID)
        .iter()
        .map(|p| p.file_stem().expect("stem").to_string_lossy().into_owned())
        .collect();
    let mut tested: Vec<String> = INVALID_FIXTURES.iter().map(ToString::to_string).collect();
    tested.sort();
    assert_eq!(on_disk, tested);
}

#[test]
fn broken_json_names_line_and_column() {
    for (name, line, column) in [("missing-comma", 5, 3), ("truncated", 23, 6)] {
        match load_file(Path::new(&format!("{INVALID}/{name}.json"))) {
            Err(LoadError::Syntax { line: l, column: c, .. }) => assert_eq!((l, c), (line, column)),
            other => panic!("{name}: expected a syntax error, got {other:?}"),
        }
    }
}

#[test]
fn unknown_fields_suggest_the_nearest_known_field() {
    for (name, field, suggestion) in [
        ("unknown-top-level-field", "sumary", "summary"),
        ("unknown-stage-field", "durration", "duration"),
    ] {
        match load_file(Path::new(&format!("{INVALID}/{name}.json"))) {
            Err(LoadError::UnknownField { field: f, suggestion: s, .. }) => {
                assert_eq!(f, field);
                assert_eq!(s.as_deref(), Some(suggestion));
            }
            other => panic!("{name}: expected an unknown field, got {other:?}"),
        }
    }
}

#[test]
fn several_problems_are_all_reported_with_place_and_line() {
    let Err(LoadError::Invalid { problems, .. }) =
        load_file(Path::new(&format!("{INVALID}/several-problems.json")))
    else {
        panic!("expected semantic problems");
    };
    assert_eq!(problems.len(), 10);
    for p in &problems {
        assert!(p.line.is_some(), "no line for {p:?}");
        assert!(p.place.starts_with("role \"") || p.place.contains(" stage \""), "{p:?}");
    }
    // The duplicate points at the second "welcome", not the first; the round stage "chair" at
    // itself, not at the role of the same id.
    let dup = problems.iter().find(|p| p.message == "duplicate stage id").expect("duplicate");
    assert_eq!((dup.place.as_str(), dup.line), ("round stage \"welcome\"", Some(37)));
    let chair = problems.iter().find(|p| p.place == "round stage \"chair\"").expect("chair");
    assert_eq!(chair.line, Some(27));
}

#[test]
fn a_newer_format_is_refused_for_that_reason_alone() {
    // The fixture also has a field format 1 does not know; only the format is reported.
    let Err(LoadError::Invalid { problems, .. }) =
        load_file(Path::new(&format!("{INVALID}/unsupported-format.json")))
    else {
        panic!("expected the format problem");
    };
    assert_eq!(problems.len(), 1);
    assert_eq!((problems[0].place.as_str(), problems[0].line), ("format", Some(2)));
}

// ---- valid fixtures ----

#[test]
fn valid_fixtures_load() {
    let files = json_files(VALID);
    assert!(files.len() >= 4);
    for f in files {
        if let Err(e) = load_file(&f) {
            panic!("{e}");
        }
    }
}

#[test]
fn a_minimal_protocol_takes_the_defaults() {
    let p = load_file(Path::new(&format!("{VALID}/minimal.json"))).expect("valid");
    assert_eq!(p.all_stages().count(), 1);
    assert!(p.facilitator.is_none());
    assert_eq!(p.group.min, 1);
    assert_eq!(p.group.max, None);
    assert_eq!(p.rotation.rounds, Rounds::Once);
    assert_eq!(p.rotation.order, OrderRule::Given);
    assert_eq!(p.extension, ExtensionPolicy::Free);
    assert_eq!(p.round[0].timing, Timing::Suggested);
    assert_eq!(planned_total(&p, 6), 60);
}

#[test]
fn opening_round_closing_and_facilitator() {
    let p = load_file(Path::new(&format!("{VALID}/lesson-review.json"))).expect("valid");
    assert!(p.facilitator.is_some());
    let parts: Vec<Part> = p.all_stages().map(|(part, _)| part).collect();
    assert_eq!(parts, [Part::Opening, Part::Round, Part::Round, Part::Closing]);
    assert_eq!(p.extension_for(&p.round[0]), ExtensionPolicy::GroupAgreement);
    assert_eq!(p.extension_for(&p.round[1]), ExtensionPolicy::NotAllowed);
    // 9 people: three triads, three rounds (role-cycle) of 8 minutes, plus 5 + 10.
    assert_eq!(group_sizes(&p, 9), [3, 3, 3]);
    assert_eq!(planned_total(&p, 9), (5 + 3 * 8 + 10) * 60);
}

#[test]
fn an_escape_sequence_in_a_name_is_shown_as_a_replacement_character() {
    let lib = Library::load(Some(Path::new(VALID)), &[]);
    let p = lib.get("escape-in-name").expect("loads");
    assert_eq!(p.name, "Clear\u{1b}[2J screen", "the protocol keeps the text as written");
    let listed = list(&lib, None);
    let shown = convene::commands::protocols::show(p, None);
    let summary = convene::commands::protocols::summary_line("x.json", p);
    for text in [&listed, &shown, &summary] {
        assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'), "{text:?}");
    }
    assert!(listed.contains("Clear\u{FFFD}[2J screen"));
    assert!(shown.contains("Clear\u{FFFD}[2J screen"));
    assert!(shown.contains("Mem\u{FFFD}[2Jber (the rest): Says hello\u{FFFD}"));
    assert!(shown.contains("1. Hello\u{FFFD}[2J"));
}

// ---- built-ins against the sources ----

#[test]
fn every_builtin_validates() {
    let lib = Library::builtin_only();
    assert_eq!(lib.entries.len(), BUILTIN_IDS.len());
    for e in &lib.entries {
        assert_eq!(e.origin, Origin::Builtin);
        if let Err(err) = &e.protocol {
            panic!("built-in failed: {err}");
        }
    }
    // The files on disk are the ones embedded, and they load from disk too.
    for (name, text) in BUILTIN {
        let path = format!("protocols/{name}");
        assert_eq!(std::fs::read_to_string(&path).expect("readable"), *text);
        let p = load_file(Path::new(&path)).expect("valid");
        assert_eq!(format!("{}.json", p.id), *name);
        // Every built-in is format 2, says where it comes from and points editors at the schema.
        assert_eq!(p.format, 2, "{name}");
        assert!(!p.source.trim().is_empty(), "{name}");
        assert_eq!(p.schema.as_deref(), Some("../schema/protocol.schema.json"), "{name}");
    }
    assert_eq!(lib.ids(), BUILTIN_IDS);
    // Every file in protocols/ is a built-in.
    assert_eq!(json_files("protocols").len(), BUILTIN.len());
}

/// The records a stage expects, by id.
fn record<'a>(s: &'a StageSpec, id: &str) -> &'a Expectation {
    Protocol::expected_records(s)
        .find(|x| x.id.as_deref() == Some(id))
        .unwrap_or_else(|| panic!("{} expects no record {id}", s.id))
}

fn stage<'a>(p: &'a Protocol, id: &str) -> &'a StageSpec {
    p.stage(id).unwrap_or_else(|| panic!("{} has no stage {id}", p.id))
}

#[test]
fn project_tuning_is_six_fixed_stages_in_24_minutes() {
    let p = builtin("project-tuning");
    let stages: Vec<(&str, u64)> =
        p.all_stages().map(|(_, s)| (s.name.as_str(), s.duration.secs() / 60)).collect();
    assert_eq!(
        stages,
        [
            ("Presenter", 4),
            ("Clarifying questions", 3),
            ("Probing questions", 4),
            ("Discussion", 7),
            ("Reflection", 4),
            ("Reflection", 2)
        ]
    );
    assert!(p.all_stages().all(|(part, s)| part == Part::Round && s.timing == Timing::Fixed));
    let (first, second) = (&p.round[4], &p.round[5]);
    assert!(first.subtitle.is_some() && second.subtitle.is_some());
    assert_ne!(first.subtitle, second.subtitle);
    assert_ne!(first.title(), second.title());
    for n in 2..=8 {
        assert_eq!(planned_total(&p, n), 24 * 60, "{n} people");
    }
    assert_eq!(p.norms.len(), 3);
    // The presenter only listens in the discussion.
    assert!(p.round[3].silent.iter().any(|c| c.role == "presenter"));
    // The second reflection is the participants', on the process (1.9).
    assert_eq!(second.subtitle.as_deref(), Some("Participants on the process"));
    assert_eq!(second.speak.iter().map(|c| c.role.as_str()).collect::<Vec<_>>(), ["tuner"]);
}

#[test]
fn action_learning_matches_the_source() {
    let p = builtin("action-learning");
    assert_eq!(p.group.max, Some(5));
    assert_eq!(p.group.recommended_max, None);
    assert_eq!(p.group.one_per.as_deref(), Some("school"));
    assert!(p.facts.iter().any(|f| f.key == "school"));
    assert_eq!(p.rotation.rounds, Rounds::PerMember);
    assert_eq!(p.rotation.order, OrderRule::GroupChooses);
    let cpd = stage(&p, "bitesize-cpd");
    assert_eq!(cpd.duration.secs(), 30 * 60);
    assert_eq!(cpd.timing, Timing::Fixed);
    // Each presenter's slot is half an hour, and runs longer only with the group's agreement:
    // by the slot, not by the stage.
    let slot: u64 = p.round.iter().map(|s| s.duration.secs()).sum();
    assert_eq!(slot, 30 * 60);
    assert_eq!(p.round_extension, Some(ExtensionPolicy::GroupAgreement));
    for s in &p.round {
        assert_eq!(s.extension, None, "{}", s.id);
        assert_eq!(p.extension_for(s), ExtensionPolicy::Free, "{}", s.id);
    }
    for (_, s) in p.all_stages().filter(|(part, _)| *part != Part::Round) {
        assert_ne!(p.extension_for(s), ExtensionPolicy::GroupAgreement, "{}", s.id);
    }
    let rule = &p.facilitator.as_ref().expect("a facilitator").rule;
    assert!(rule.starts_with("Speaks last"), "{rule}");
    // One slot per member: five members, five slots.
    let opening: u64 = p.opening.iter().map(|s| s.duration.secs()).sum();
    assert_eq!(round_count(&p, &group_sizes(&p, 5)), 5);
    assert_eq!(planned_total(&p, 5), opening + 5 * 30 * 60);
    assert_eq!(planned_total(&p, 3), opening + 3 * 30 * 60);
    // The records the source names: problem and outcome, challenges, action plan, commitment.
    assert_eq!(record(stage(&p, "problem"), "problem").record, RecordKind::Note);
    assert!(record(stage(&p, "questions"), "challenges").label.contains("because"));
    let plan = stage(&p, "action-plan");
    assert_eq!(record(plan, "action-plan").record, RecordKind::Note);
    let commitment = record(plan, "commitment");
    assert_eq!(
        (commitment.record, commitment.owner.as_deref()),
        (RecordKind::Commitment, Some("presenter"))
    );
    assert_eq!(commitment.require, [RecordField::Due]);
    // The facilitator's turn is optional, and cued near the end of the questions.
    assert!(stage(&p, "facilitator-turn").optional);
    let questions = stage(&p, "questions");
    let cue = questions.cues.iter().find(|c| c.role.as_deref() == Some("facilitator"));
    let cue = cue.expect("a cue for the facilitator");
    assert!(cue.message.starts_with("your turn, if needed"), "{}", cue.message);
    assert!(cue.before.is_some());
    // The topic agreed for the next CPD is carried to the next session's CPD.
    let topic = record(stage(&p, "next-topic"), "next-cpd-topic");
    assert!(topic.carry && topic.record == RecordKind::Note);
    assert_eq!(cpd.carried.as_deref(), Some("next-cpd-topic"));
    assert!(stage(&p, "follow-up").follow_up);
    // Norms faithful to the source; ours marked as ours.
    let ours: Vec<&str> =
        p.all_norms().filter(|(_, o)| *o == Provenance::Added).map(|(n, _)| n).collect();
    assert_eq!(ours, ["What is said here stays here"]);
    assert!(
        p.all_norms()
            .filter(|(n, _)| n.contains("stays here"))
            .all(|(_, o)| o != Provenance::Source)
    );
    // The date a commitment must have is ours; the commitment is the source's.
    let commitment = record(stage(&p, "action-plan"), "commitment");
    assert_eq!(commitment.origin, Provenance::Source);
    assert_eq!(commitment.require[0].origin, Provenance::Added);
}

#[test]
fn coaching_triad_matches_the_source() {
    let p = builtin("coaching-triad");
    let roles: Vec<&str> = p.roles.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(roles, ["coachee", "coach", "observer"]);
    assert_eq!(p.group.split_into, Some(3));
    // Twelve is what the programme takes: a recommendation, not a rule.
    assert_eq!((p.group.max, p.group.recommended_max), (None, Some(12)));
    assert_eq!(p.rotation.rounds, Rounds::RoleCycle);
    assert_eq!(group_sizes(&p, 12), [3, 3, 3, 3]);
    assert_eq!(round_count(&p, &group_sizes(&p, 12)), 3);
    // Uneven cohorts: the remainder goes to the first groups; still one round per role.
    assert_eq!(group_sizes(&p, 7), [4, 3]);
    assert_eq!(round_count(&p, &group_sizes(&p, 7)), 3);

    // The observer's reminder near the end is a cue for the observer.
    let conversation = stage(&p, "conversation");
    let cue = conversation.cues.first().expect("the observer's reminder");
    assert_eq!(cue.role.as_deref(), Some("observer"));
    assert!(cue.message.contains("remind the coach"), "{}", cue.message);
    assert!(conversation.silent.iter().any(|c| c.role == "observer"));

    // A commitment within a time frame: the time frame is required.
    let commitment = record(stage(&p, "commitment"), "commitment");
    assert_eq!(commitment.owner.as_deref(), Some("coachee"));
    assert_eq!(commitment.require, [RecordField::Due]);

    assert_eq!(p.norms.len(), 7);
    let notes = &p.closing[0];
    assert_eq!(notes.id, "notes-for-coachees");
    assert!(notes.speak.iter().any(|c| c.role == "observer"));
    assert_eq!(
        p.roles.iter().map(|r| r.count).collect::<Vec<_>>(),
        [RoleCount::Exact(1), RoleCount::Exact(1), RoleCount::Rest]
    );
}

#[test]
fn storm_rehearsal_has_the_five_storm_stages_in_order() {
    let p = builtin("storm-rehearsal");
    let ids: Vec<&str> = p.round.iter().map(|s| s.id.as_str()).collect();
    let start = ids.iter().position(|id| *id == "state").expect("S");
    assert_eq!(ids[start..start + 5], ["state", "their-side", "options", "resolution", "move"]);
    let letters: String =
        p.round[start..start + 5].iter().map(|s| s.name.chars().next().expect("name")).collect();
    assert_eq!(letters, "STORM");
    assert_eq!(p.round[start + 4].name, "M: Move and follow up");
    assert_eq!(p.rotation.rounds, Rounds::RoleCycle);
    assert_eq!((p.group.max, p.group.recommended_max), (None, Some(12)));
    // The category of each participant's problem (1.5).
    let category = p.facts.iter().find(|f| f.key == "category").expect("a category fact");
    assert_eq!(category.choices, ["pupil", "parent", "course leader", "colleague"]);
    assert_eq!(record(stage(&p, "the-problem"), "problem").record, RecordKind::Note);
    // The source gives no durations.
    assert!(p.all_stages().all(|(_, s)| s.timing == Timing::Suggested));
}

#[test]
fn grow_is_a_mentor_and_a_trainee_ending_with_the_trainees_action_points() {
    let p = builtin("grow-coaching");
    let names: Vec<&str> = p.all_stages().map(|(_, s)| s.name.as_str()).collect();
    assert_eq!(names, ["Goal", "Reality", "Options", "Way forward"]);
    let roles: Vec<&str> = p.roles.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(roles, ["trainee", "mentor"]);
    assert_eq!((p.group.min, p.group.max), (2, Some(2)));
    let last = p.round.last().expect("way forward");
    let points = record(last, "action-points");
    assert_eq!((points.record, points.owner.as_deref()), (RecordKind::Commitment, Some("trainee")));
    assert!(p.round[..3].iter().all(|s| Protocol::expected_records(s).next().is_none()));
}

#[test]
fn half_termly_review_has_an_executive_team_and_an_owner_for_each_area() {
    let p = builtin("half-termly-review");
    let exec = p.role("executive").expect("the executive team");
    assert!(exec.team);
    assert_eq!(planned_total(&p, 4), 90 * 60);
    for (id, rec) in [("support", "support-areas"), ("challenge", "challenge-areas")] {
        let x = record(stage(&p, id), rec);
        assert_eq!(
            (x.record, x.required_fields().as_slice()),
            (RecordKind::Note, &[RecordField::About][..])
        );
    }
    // It may run longer: a warning at 90 minutes, never a stop.
    let marker = p.markers.first().expect("a marker");
    assert_eq!((marker.after.as_str(), marker.warn), ("1h30m", true));
}

#[test]
fn three_ss_marks_the_typical_one_and_a_half_to_two_hours() {
    let p = builtin("three-ss");
    let markers: Vec<(&str, bool)> = p.markers.iter().map(|m| (m.after.as_str(), m.warn)).collect();
    assert_eq!(markers, [("1h30m", false), ("2h", true)]);
    assert_eq!(p.markers[0].message, "typical minimum reached");
    assert_eq!(p.markers[1].message, "upper end of the typical 1.5–2 h");
    assert!(p.all_stages().all(|(_, s)| s.timing == Timing::Suggested));
}

#[test]
fn the_middle_leader_session_is_a_course_with_a_gap_task_for_everyone() {
    let p = builtin("middle-leader-session");
    assert_eq!(p.course.as_ref().map(|c| c.sessions.as_str()), Some("3-6"));
    // Session 1 has no gap tasks to review: it is planned 15 minutes shorter than the rest.
    let q = Quote::new(&p, 9);
    assert_eq!((q.first_ms, q.later), (150 * 60_000, vec![]), "every session 2.5 hours");
    let review = stage(&p, "gap-task-review");
    assert_eq!(review.from_session, Some(2));
    assert_eq!(p.opening[0].id, "gap-task-review");
    let gap = record(stage(&p, "gap-task"), "gap-task");
    assert_eq!((gap.record, gap.per), (RecordKind::Commitment, Some(Per::Participant)));
    assert_eq!(p.closing.last().map(|s| s.id.as_str()), Some("gap-task"));
    assert_eq!((p.group.recommended_max, p.group.split_into), (Some(12), Some(3)));
    // The STORM rehearsal's letters come as cues in the rehearsal.
    let storm: Vec<&str> = stage(&p, "rehearsal").cues.iter().map(|c| &c.message[..1]).collect();
    assert_eq!(storm, ["T", "O", "R", "M"]);
}

#[test]
fn the_new_builtins_record_what_their_sources_record() {
    // Lesson study: the next research lesson is agreed and carried to the next review.
    let p = builtin("lesson-study-review");
    assert!(record(stage(&p, "next-lesson"), "next-lesson").carry);
    assert_eq!(stage(&p, "focus").carried.as_deref(), Some("next-lesson"));
    assert!(p.norms.iter().any(|n| n == "Observe the children, not the teacher"));
    // Peer coaching: two full cycles in the first year, one session each, the partners
    // swapping between them.
    let p = builtin("peer-coaching-pair");
    assert_eq!(p.course.as_ref().map(|c| c.sessions.as_str()), Some("2"));
    assert_eq!(round_count(&p, &group_sizes(&p, 2)), 1);
    assert!(stage(&p, "observe-class").optional);
    // Learning walks: cross-school trios, and what each will improve.
    let p = builtin("learning-walk-trio");
    assert_eq!((p.group.split_into, p.group.mix.as_deref()), (Some(3), Some("school")));
    assert_eq!(record(stage(&p, "reflection"), "improvement").per, Some(Per::Participant));
    // Teacher learning community: each member's next step.
    let p = builtin("teacher-learning-community");
    assert_eq!(record(stage(&p, "next-steps"), "next-step").per, Some(Per::Participant));
    // Weekly leadership review: the executive team holds its role together.
    let p = builtin("weekly-leadership-review");
    assert!(p.role("executive").expect("executive").team);
    // Durations the sources do not give are marked suggested.
    for id in BUILTIN_IDS {
        let p = builtin(id);
        if !["project-tuning", "action-learning", "research-lesson", "jpd-course-day"].contains(&id)
        {
            assert!(p.all_stages().all(|(_, s)| s.timing == Timing::Suggested), "{id}");
        }
    }
}

// ---- the library ----

#[test]
fn a_broken_user_file_does_not_stop_the_built_ins() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(format!("{INVALID}/missing-comma.json"), dir.path().join("broken.json"))
        .expect("copy");
    std::fs::copy(format!("{VALID}/minimal.json"), dir.path().join("minimal.json")).expect("copy");
    std::fs::write(dir.path().join("notes.txt"), "not a protocol").expect("write");

    let lib = Library::load(Some(dir.path()), &[]);
    assert_eq!(lib.entries.len(), BUILTIN.len() + 2);
    assert!(lib.entries.iter().filter(|e| e.origin == Origin::Builtin).all(|e| e.protocol.is_ok()));
    assert!(lib.get("quiet-minute").is_some());
    assert!(lib.get("project-tuning").is_some());

    let listed = list(&lib, None);
    assert!(listed.contains("\nCould not load 1 file:\n"), "{listed}");
    let broken = listed.lines().last().expect("a line");
    assert!(broken.contains("broken.json"), "{broken}");
    assert!(
        broken.ends_with(
            "broken.json:5:3: expected `,` or `}` (is a comma missing before this point?)"
        ),
        "{broken}"
    );
    // Asked for by name, the broken file gives its own error, not "no such protocol".
    let err = lib.resolve("broken").expect_err("broken");
    assert!(err.contains(":5:3: expected `,`"), "{err}");
}

#[test]
fn a_missing_user_folder_is_not_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lib = Library::load(Some(&dir.path().join("nope")), &[]);
    assert_eq!(lib.entries.len(), BUILTIN.len());
    assert!(!list(&lib, None).contains("Could not load"));
}

#[test]
fn a_user_protocol_with_a_builtin_id_replaces_it() {
    let lib = Library::load(Some(Path::new(VALID)), &[]);
    let p = lib.get("project-tuning").expect("project tuning");
    assert_eq!(p.name, "Project tuning (short)");
    assert_eq!(planned_total(p, 4), 15 * 60);
    let builtin = lib
        .entries
        .iter()
        .find(|e| e.origin == Origin::Builtin && e.id() == Some("project-tuning"))
        .expect("still listed");
    assert_eq!(
        builtin.shadowed_by,
        Some(Origin::File(PathBuf::from(format!("{VALID}/project-tuning-short.json"))))
    );
    assert_eq!(lib.ids().iter().filter(|id| **id == "project-tuning").count(), 1);
    let text = list(&lib, None);
    // Windows joins the folder and the file name with `\`; the snapshot is written with `/`.
    let text = if cfg!(windows) { text.replace('\\', "/") } else { text };
    insta::assert_snapshot!(text);
}

// ---- docs/protocol-format.md ----

fn format_doc() -> String {
    std::fs::read_to_string("docs/protocol-format.md").expect("the format reference")
}

#[test]
fn the_documented_example_is_valid() {
    let doc = format_doc();
    let start = doc.find("```json\n").expect("a JSON example") + "```json\n".len();
    let end = start + doc[start..].find("```").expect("end of the example");
    let p = convene::protocol::parse_protocol(&doc[start..end], "docs/protocol-format.md")
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(p.facilitator.is_some());
    assert!(!p.opening.is_empty() && !p.round.is_empty() && !p.closing.is_empty());
    assert_eq!(group_sizes(&p, 12), [3, 3, 3, 3]);
    assert_eq!(round_count(&p, &group_sizes(&p, 12)), 3);
    assert_eq!(planned_total(&p, 12), 37 * 60 + 30, "the doc says 37:30 for 12 people");
}

#[test]
fn the_documented_format_2_example_is_valid_and_uses_format_2() {
    let doc = format_doc();
    let at = doc.find("## A complete format 2 example").expect("the format 2 example");
    let start = at + doc[at..].find("```json\n").expect("its JSON") + "```json\n".len();
    let end = start + doc[start..].find("```").expect("end of the example");
    let p = convene::protocol::parse_protocol(&doc[start..end], "docs/protocol-format.md")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.format, 2);
    assert_eq!(p.schema.as_deref(), Some("../schema/protocol.schema.json"));
    assert!(p.all_norms().any(|(_, o)| o == Provenance::Added));
    assert!(!p.markers.is_empty() && !p.facts.is_empty());
    assert!(p.all_stages().any(|(_, s)| s.origin == Provenance::Suggested));
    assert!(p.course.is_some() && p.round_extension.is_some());
    assert!(p.roles.iter().any(|r| r.team));
    let g = &p.group;
    assert!(g.recommended_max.is_some() && g.one_per.is_some());
    let stages: Vec<&StageSpec> = p.all_stages().map(|(_, s)| s).collect();
    assert!(stages.iter().any(|s| s.optional));
    assert!(stages.iter().any(|s| s.from_session.is_some()));
    assert!(stages.iter().any(|s| s.carried.is_some()));
    assert!(stages.iter().any(|s| s.duration.upper_secs().is_some()));
    let cues: Vec<_> = stages.iter().flat_map(|s| &s.cues).collect();
    assert!(cues.iter().any(|c| c.before.is_some()) && cues.iter().any(|c| c.after.is_some()));
    let records: Vec<&Expectation> =
        stages.iter().flat_map(|s| Protocol::expected_records(s)).collect();
    assert!(records.iter().any(|x| x.carry));
    assert!(records.iter().any(|x| x.per == Some(Per::Participant)));
    assert!(records.iter().any(|x| x.require == [RecordField::Due]));
    assert!(records.iter().any(|x| x.require == [RecordField::About]));
    // Five people, one of them the sponsors' team (who presents no problem): the talk at its
    // lower end, four slots of 30 minutes, the close; from the second session on, the 15-minute
    // review of what was done since first. The start card says the same.
    assert_eq!(planned_total(&p, 5), (20 + 4 * 30 + 10) * 60);
    assert_eq!(Quote::new(&p, 5).later, vec![(2, (15 + 20 + 4 * 30 + 10) * 60_000)]);
}

#[test]
fn the_readme_and_the_format_doc_list_every_builtin() {
    let readme = std::fs::read_to_string("README.md").expect("README");
    let doc = format_doc();
    for id in BUILTIN_IDS {
        assert!(readme.contains(&format!("| `{id}` |")), "README's protocol list lacks {id}");
        assert!(doc.contains(&format!("`{id}`")), "docs/protocol-format.md lacks {id}");
    }
}

#[test]
fn the_documented_messages_are_the_real_ones() {
    let doc = format_doc();
    for name in INVALID_FIXTURES.iter().filter(|n| !n.starts_with("escape")) {
        let messages = match load_file(Path::new(&format!("{INVALID}/{name}.json"))) {
            Err(LoadError::Invalid { problems, .. }) => {
                problems.into_iter().map(|p| format!("{}: {}", p.place, p.message)).collect()
            }
            Err(LoadError::Syntax { message, .. }) => vec![message],
            Err(LoadError::UnknownField { field, .. }) => {
                vec![format!("unknown field \"{field}\"")]
            }
            other => panic!("{name}: {other:?}"),
        };
        for m in messages {
            // The doc's table has place and message in separate columns.
            let (place, message) = m.split_once(": ").unwrap_or(("", &m));
            assert!(
                doc.contains(&m) || (doc.contains(place) && doc.contains(message)),
                "{name}: docs/protocol-format.md does not show {m:?}"
            );
        }
    }
}

// ---- hostile and huge input ----

/// The minimal valid fixture's text.
fn minimal_text() -> String {
    std::fs::read_to_string(format!("{VALID}/minimal.json")).expect("fixture")
}

/// Writes `bytes` to a file in a fresh temporary folder and loads it.
fn load_bytes(bytes: &[u8]) -> Result<Protocol, LoadError> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.json");
    std::fs::write(&path, bytes).expect("write");
    load_file(&path)
}

fn load_err(bytes: &[u8]) -> String {
    load_bytes(bytes).expect_err("should be refused").to_string()
}

#[test]
fn a_utf8_byte_order_mark_is_accepted() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(minimal_text().as_bytes());
    let p = load_bytes(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.id, "quiet-minute");
    // And an error after it is placed as an editor shows it (the mark takes no column).
    let err = load_err(b"\xEF\xBB\xBF{\"format\": 1, \"id\": x}");
    assert!(err.contains(":1:21: expected value"), "{err}");
}

#[test]
fn utf16_files_are_refused_saying_so_and_that_utf8_is_required() {
    let text = minimal_text();
    let le_bom: Vec<u8> =
        [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let be_plain: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let le_plain: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    for (bytes, found) in [
        (le_bom, "UTF-16 (little-endian, with a byte-order mark)"),
        (be_plain, "UTF-16 (big-endian)"),
        (le_plain, "UTF-16 (little-endian)"),
    ] {
        let err = load_err(&bytes);
        assert!(err.contains(&format!("p.json:1:1: the file is {found}; ")), "{err}");
        assert!(err.contains("protocol files must be UTF-8"), "{err}");
    }
}

#[test]
fn invalid_utf8_names_the_line_and_column_of_the_first_bad_byte() {
    // "Café" written in Latin-1 on line 4: the é is the 15th character.
    let text = minimal_text().replace("Quiet minute", "Caf\u{1}");
    let bytes: Vec<u8> = text.bytes().map(|b| if b == 1 { 0xE9 } else { b }).collect();
    let err = load_err(&bytes);
    assert!(err.contains("p.json:4:15: the file is not valid UTF-8 (byte 0xE9)"), "{err}");
    assert!(err.contains("protocol files must be UTF-8"), "{err}");
}

#[test]
fn a_rule_error_names_line_and_column_of_the_field() {
    let err = error_text("unknown-role");
    // `"role": "observr"` on line 19: the key starts at column 20.
    assert!(
        err.contains("unknown-role.json:19:20: round stage \"present\": refers to unknown role"),
        "{err}"
    );
}

#[test]
fn an_early_end_of_file_points_at_the_last_character_not_column_0() {
    let err = load_err(b"{\n  \"format\": 1,\n");
    assert!(err.contains("p.json:2:14: EOF while parsing"), "{err}");
    let err = load_err(b"{\r\n  \"format\": 1,\r\n\r\n");
    assert!(err.contains("p.json:2:14: EOF while parsing"), "{err}");
    let err = load_err(b"");
    assert!(err.contains("p.json:1:1: "), "{err}");
}

#[test]
fn a_file_above_one_mib_is_refused_naming_the_file_and_the_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Exactly at the limit is fine: a real protocol padded with spaces.
    let at_limit = dir.path().join("at-limit.json");
    let mut text = minimal_text();
    text.push_str(&" ".repeat(1024 * 1024 - text.len()));
    std::fs::write(&at_limit, &text).expect("write");
    load_file(&at_limit).unwrap_or_else(|e| panic!("{e}"));
    // One byte more is refused, before it is read.
    let over = dir.path().join("over.json");
    text.push(' ');
    std::fs::write(&over, &text).expect("write");
    let err = load_file(&over).expect_err("too large").to_string();
    assert!(err.contains("over.json: "), "{err}");
    assert!(
        err.contains("larger than the 1 MiB (1,048,576 bytes) allowed for a protocol file"),
        "{err}"
    );
    // A 50 MB file (sparse, so the test writes nothing) is refused the same way.
    let huge = dir.path().join("huge.json");
    std::fs::File::create(&huge).and_then(|f| f.set_len(50_000_000)).expect("sparse file");
    let err = load_file(&huge).expect_err("too large").to_string();
    assert!(
        err.contains("huge.json: the file is 50,000,000 bytes, larger than the 1 MiB"),
        "{err}"
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash_or_a_hang() {
    let deep = "[".repeat(100_000);
    for text in [
        deep.clone(),
        format!("{{\"format\": {deep}"),
        format!("{{\"format\": 1, \"norms\": {deep}"),
        format!("{{\"format\": 1, \"x\": {deep}"),
    ] {
        let err = load_err(text.as_bytes());
        assert!(err.contains("p.json:1:"), "{err}");
    }
    // Deep nesting beside a format number this version does not read: refused for the format,
    // without walking the nesting slowly.
    let text = format!("{{\"format\": 3, \"x\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    let err = load_err(text.as_bytes());
    assert!(err.contains("p.json:1:2: format: format 3 is newer"), "{err}");
}

#[test]
fn huge_numbers_are_refused_without_overflow() {
    let with = |from: &str, to: &str| {
        let text = minimal_text();
        assert!(text.contains(from));
        text.replace(from, to)
    };
    // Two roles of 4294967295 people: more than any group, not an arithmetic overflow.
    let two_huge_roles = with(
        "{ \"id\": \"member\", \"name\": \"Member\", \"count\": \"rest\", \"guidance\": \"Writes silently\" }",
        "{ \"id\": \"a\", \"name\": \"A\", \"count\": 4294967295, \"guidance\": \"g\" }, { \"id\": \"b\", \"name\": \"B\", \"count\": 4294967295, \"guidance\": \"g\" }",
    );
    let err = load_err(two_huge_roles.as_bytes());
    assert!(err.contains("the roles need"), "{err}");
    // Rounds and group sizes far beyond any session are refused: running or listing them would
    // need memory for billions of rounds or groups.
    let roles = "\"roles\": [";
    let err = load_err(
        with(roles, &format!("\"rotation\": {{ \"rounds\": 4294967295 }}, {roles}")).as_bytes(),
    );
    assert!(err.contains("rotation: rounds 4294967295 is more than 1,000"), "{err}");
    let err = load_err(
        with(roles, &format!("\"group\": {{ \"min\": 4294967295, \"split_into\": 1 }}, {roles}"))
            .as_bytes(),
    );
    assert!(err.contains("group: min 4294967295 is more than 10,000"), "{err}");
    // Numbers that don't fit at all, and durations past u64.
    for (from, to) in [
        ("\"format\": 1", "\"format\": 18446744073709551616"),
        ("\"format\": 1", "\"format\": 1e308"),
        ("\"format\": 1", "\"format\": -1"),
        ("\"duration\": \"1m\"", "\"duration\": \"18446744073709551615s\""),
        ("\"duration\": \"1m\"", "\"duration\": \"99999999999999999999999h\""),
        ("\"duration\": \"1m\"", "\"duration\": 1e308"),
    ] {
        load_err(with(from, to).as_bytes());
    }
}

#[test]
fn a_huge_unknown_role_is_reported_without_a_slow_suggestion() {
    // Comparing two 200,000-character ids letter by letter would take gigabytes and minutes.
    let text = minimal_text()
        .replace("\"id\": \"member\"", &format!("\"id\": \"{}\"", "a".repeat(200_000)))
        .replace(
            "\"duration\": \"1m\"",
            &format!(
                "\"duration\": \"1m\", \"speak\": [{{ \"role\": \"{}\", \"cue\": \"c\" }}]",
                "b".repeat(200_000)
            ),
        );
    let err = load_err(text.as_bytes());
    assert!(err.contains("refers to unknown role"), "{err}");
    assert!(!err.contains("did you mean"), "{err}");
}

#[test]
fn the_list_cuts_a_65536_character_name_to_fit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let long_name = "N".repeat(65_536);
    let text = minimal_text().replace("Quiet minute", &long_name);
    std::fs::write(dir.path().join("long.json"), text).expect("write");
    let lib = Library::load(Some(dir.path()), &[]);
    let listed = list(&lib, None);
    let row = listed.lines().find(|l| l.starts_with("quiet-minute ")).expect("listed");
    assert!(row.contains("NNN…"), "{row}");
    assert!(row.chars().count() < 200 + dir.path().as_os_str().len(), "{row}");
    // The people count comes from the command line and can be anything.
    for people in [0, usize::MAX] {
        list(&lib, Some(people));
        for e in &lib.entries {
            convene::commands::protocols::show(e.protocol.as_ref().expect("loads"), Some(people));
        }
    }
}

/// What the sources do not give is marked in the built-ins, with the one `origin` field: every
/// addition issue 22 lists.
#[test]
fn what_is_ours_is_marked_as_ours_in_the_builtins() {
    use Provenance::{Added, Suggested};
    let stage_origin = |id: &str, s: &str| stage(&builtin(id), s).origin;
    // Whole structures the sources do not give.
    assert_eq!(builtin("headteacher-learning-forum").origin, Suggested);
    assert_eq!(builtin("teacher-learning-community").origin, Suggested);
    // Plan–Do–Review: reviewing first is ours; so is the time frame every action must have.
    let pdr = builtin("plan-do-review");
    assert_eq!(stage(&pdr, "review").origin, Suggested);
    assert_eq!(record(stage(&pdr, "do"), "actions").require[0].origin, Added);
    // The weekly review's "last week's actions".
    assert_eq!(stage_origin("weekly-leadership-review", "follow-up"), Added);
    // The middle-leader plenary, the triad's closing reflection, STORM's per-round feedback.
    assert_eq!(stage_origin("middle-leader-session", "plenary"), Added);
    assert_eq!(stage_origin("coaching-triad", "process-reflection"), Added);
    assert_eq!(stage_origin("storm-rehearsal", "debrief"), Added);
    // Lesson study's "listen first".
    let ls = builtin("lesson-study-review");
    let listen = stage(&ls, "case-pupils").silent.iter().find(|c| c.cue == "listen first");
    assert_eq!(listen.map(|c| c.origin), Some(Suggested));
    // Action learning's required date (the commitment itself is the source's).
    let al = builtin("action-learning");
    let commitment = record(stage(&al, "action-plan"), "commitment");
    assert_eq!((commitment.origin, commitment.require[0].origin), (Provenance::Source, Added));
}

/// The old marker for our own norms still loads, as added; the one field says the same, and a
/// format 1 file may not use it.
#[test]
fn added_norms_and_the_origin_field_say_the_same_and_need_format_2() {
    let base = r#"{"format": 2, "id": "x", "name": "X", "summary": "s", "source": "s",
        "roles": [{"id": "m", "name": "M", "count": "rest", "guidance": "g"}],
        "closing": [{"id": "a", "name": "A", "duration": "5m"}], NORMS}"#;
    let old = base.replace("NORMS", r#""norms": ["Ours"], "added_norms": ["Mine"]"#);
    let new = base.replace("NORMS", r#""norms": ["Ours", {"text": "Mine", "origin": "added"}]"#);
    let old = convene::protocol::parse_protocol(&old, "old.json").expect("old marker loads");
    let new = convene::protocol::parse_protocol(&new, "new.json").expect("the origin field loads");
    let norms = |p: &Protocol| p.all_norms().map(|(n, o)| (n.to_string(), o)).collect::<Vec<_>>();
    assert_eq!(norms(&old), norms(&new));
    assert_eq!(norms(&new)[1], ("Mine".to_string(), Provenance::Added));
    // Written back, a source norm stays a bare string and ours keeps its mark.
    let json = serde_json::to_string(&new).expect("serialises");
    assert!(json.contains(r#""norms":["Ours",{"text":"Mine","origin":"added"}]"#), "{json}");
    // Format 1 refuses the field, naming it.
    let v1 = base
        .replace("\"format\": 2", "\"format\": 1")
        .replace("NORMS", r#""norms": [], "origin": "suggested""#);
    let err =
        convene::protocol::parse_protocol(&v1, "v1.json").expect_err("format 1 has no origin");
    assert!(err.to_string().contains("origin"), "{err}");
    // A value outside the three is refused.
    let bad = base.replace("NORMS", r#""origin": "ours""#);
    assert!(convene::protocol::parse_protocol(&bad, "bad.json").is_err());
}

/// "Each session is two and a half hours long": session 1 too, its theory input taking the
/// quarter of an hour the gap-task review has from session 2 on.
#[test]
fn every_middle_leader_session_is_two_and_a_half_hours() {
    use convene::session::plan::running_order;
    let p = builtin("middle-leader-session");
    let rounds = round_count(&p, &group_sizes(&p, 12));
    for session in 1..=6 {
        let secs: u64 = running_order(&p, rounds, Some(session))
            .iter()
            .map(|r| p.stage(&r.id).map_or(0, |s| s.duration.secs()))
            .sum();
        assert_eq!(secs, 150 * 60, "session {session}");
    }
    assert_eq!(planned_total(&p, 12), 150 * 60);
    // The learning walk's afternoon runs 1.30–4.30.
    assert_eq!(planned_total(&builtin("learning-walk-trio"), 6), 3 * 3600);
}

/// `until_session` needs a course, and may not come before `from_session`: each is refused
/// naming the stage and the field.
#[test]
fn until_session_is_checked_like_from_session() {
    let with = |course: &str, stage: &str| {
        format!(
            r#"{{"format": 2, "id": "x", "name": "X", "summary": "s", "source": "s", {course}
            "roles": [{{"id": "m", "name": "M", "count": "rest", "guidance": "g"}}],
            "opening": [{{"id": "theory", "name": "Theory", "duration": "5m", {stage}}}]}}"#
        )
    };
    let err = convene::protocol::parse_protocol(&with("", r#""until_session": 1"#), "a.json")
        .expect_err("no course");
    assert!(err.to_string().contains("until_session needs a \"course\""), "{err}");
    let text = with(r#""course": {"sessions": "3"},"#, r#""from_session": 2, "until_session": 1"#);
    let err = convene::protocol::parse_protocol(&text, "b.json").expect_err("never runs");
    assert!(err.to_string().contains("until_session 1 is before from_session 2"), "{err}");
    let text = with(r#""course": {"sessions": "3"},"#, r#""until_session": 1"#);
    let p = convene::protocol::parse_protocol(&text, "c.json").expect("valid");
    let theory = stage(&p, "theory");
    assert!(theory.runs_in(1) && !theory.runs_in(2));
    // Format 1 refuses it, naming it.
    let v1 = text
        .replace("\"format\": 2", "\"format\": 1")
        .replace(r#""course": {"sessions": "3"},"#, "");
    let err = convene::protocol::parse_protocol(&v1, "d.json").expect_err("format 2 field");
    assert!(err.to_string().contains("until_session"), "{err}");
}
