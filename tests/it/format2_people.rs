//! Format 2 participants: facts given with `--people "Ann (Oak Primary)"` or a roster file, the
//! protocol's hard and advisory limits, required facts and choices, one per school, mixed groups
//! and team roles; a fact set on the start card, logged and replayed. Fixtures:
//! `tests/fixtures/protocols/v2/people-*.json` (none depends on the built-ins).

use crate::support;

use std::path::Path;

use convene::protocol::{Protocol, load_file};
use convene::session::display::{holders, role_label};
use convene::session::setup::roster_with;
use convene::session::{
    Command, Event, Rejection, SessionState, Setup, SetupRequest, SetupRequestError, apply,
    check_setup, decide, parse_people, parse_roster, replay,
};
use support::cli::{run, stderr};
use support::wall;

fn v2(name: &str) -> Protocol {
    let path = format!("tests/fixtures/protocols/v2/{name}.json");
    load_file(Path::new(&path)).unwrap_or_else(|e| panic!("{e}"))
}

/// The checked setup's warnings, or the refusal's problems as the error.
fn check(protocol: &str, people: &str) -> Result<(Setup, Vec<String>), Vec<String>> {
    match SetupRequest::new(v2(protocol), people).check() {
        Ok(c) => Ok((c.setup, c.warnings)),
        Err(SetupRequestError::Refused { problems, .. }) => Err(problems),
        Err(other) => Err(vec![other.to_string()]),
    }
}

fn warnings(protocol: &str, people: &str) -> Vec<String> {
    check(protocol, people).unwrap_or_else(|e| panic!("refused: {e:?}")).1
}

fn refusal(protocol: &str, people: &str) -> String {
    check(protocol, people).map(|_| ()).expect_err("should be refused").join("\n")
}

/// `n` people from schools A, B, C... in turn: `P1 (A), P2 (B), ...`.
fn schooled(n: usize, schools: &[&str]) -> String {
    (1..=n)
        .map(|i| format!("P{i} ({})", schools[(i - 1) % schools.len()]))
        .collect::<Vec<_>>()
        .join(", ")
}

// ---- facts in --people ----

#[test]
fn facts_in_parentheses_are_read_and_commas_inside_them_do_not_split_names() {
    let people = parse_people(
        "Ann (Oak Primary), Ben (Elm; category: parent), Cat (school: Ash, Upper; Problem category: pupil), Dev",
    )
    .expect("reads");
    assert_eq!(people.names, ["Ann", "Ben", "Cat", "Dev"]);
    let fact = |name: &str, key: &str| people.facts[name].get(key).cloned();
    assert_eq!(fact("Ann", "school").as_deref(), Some("Oak Primary"));
    assert_eq!(fact("Ben", "school").as_deref(), Some("Elm"));
    assert_eq!(fact("Ben", "category").as_deref(), Some("parent"));
    assert_eq!(fact("Cat", "school").as_deref(), Some("Ash, Upper"));
    assert_eq!(fact("Cat", "problem-category").as_deref(), Some("pupil"), "keys in kebab-case");
    assert!(!people.facts.contains_key("Dev"));
}

#[test]
fn cjk_names_and_facts_read_as_typed() {
    let people =
        parse_people("王小明 (北京第一中学), 佐藤花子 (school: 東京; role: 校長)").expect("reads");
    assert_eq!(people.names, ["王小明", "佐藤花子"]);
    assert_eq!(people.facts["王小明"]["school"], "北京第一中学");
    assert_eq!(people.facts["佐藤花子"]["role"], "校長");
}

#[test]
fn a_fact_that_does_not_read_names_the_person() {
    let err = |text: &str| parse_people(text).expect_err("refused");
    assert!(
        err("Ann, Ben (Elm, Cat").starts_with("Ben: unclosed parenthesis"),
        "{}",
        err("Ben (Elm")
    );
    assert_eq!(
        err("Ann (Oak) x"),
        "Ann: \"x\" comes after the closing parenthesis: put every fact inside it"
    );
    assert_eq!(
        err("Ann (Oak; Elm)"),
        "Ann: school is given twice: a value without a key is the school; write others as key: value"
    );
    assert_eq!(err("Ann (category:)"), "Ann: category has no value");
    assert_eq!(err("Ann ((Oak))"), "Ann: parentheses inside the parentheses: use ; between facts");
    // Through the request, the same message refuses the session.
    let problem =
        SetupRequest::new(v2("people-set"), "Ann, Ben (Elm").check().expect_err("refused");
    assert!(problem.to_string().starts_with("Ben: unclosed parenthesis"), "{problem}");
}

#[test]
fn escape_sequences_in_names_and_facts_are_refused() {
    let e = refusal("people-set", "Ann (Oak), Ben\u{1b}[2J (Elm), Cat (Ash)");
    assert!(e.contains("control character or escape sequence"), "{e}");
    let e = refusal("people-set", "Ann (Oak\u{1b}[31m), Ben (Elm), Cat (Ash)");
    assert!(e.contains("Ann: school \"Oak\\u{1b}[31m\" contains a control character"), "{e}");
}

// ---- hard and advisory limits ----

#[test]
fn thirteen_people_in_triads_recommending_twelve_start_with_both_warnings() {
    let w = warnings("people-triads", &schooled(13, &["Oak", "Elm", "Ash"]));
    assert!(w.contains(&"13 people is not a multiple of 3.".to_string()), "{w:?}");
    assert!(
        w.contains(&"13 people is more than the 12 this protocol recommends.".to_string()),
        "{w:?}"
    );
    let twelve = warnings("people-triads", &schooled(12, &["Oak", "Elm", "Ash"]));
    assert!(
        !twelve.iter().any(|w| w.contains("recommends") || w.contains("multiple")),
        "{twelve:?}"
    );
}

#[test]
fn six_people_in_a_set_of_at_most_five_are_refused() {
    let e = refusal("people-set", &schooled(6, &["A", "B", "C", "D", "E", "F"]));
    assert!(e.contains("Action learning set takes at most 5 people"), "{e}");
}

// ---- facts the protocol asks for ----

#[test]
fn a_missing_required_fact_is_a_warning_naming_who() {
    let w = warnings("people-triads", "Ann (Oak), Ben, Cat (Ash)");
    assert!(
        w.contains(&"No school given for Ben: the protocol asks for everyone's.".to_string()),
        "{w:?}"
    );
}

#[test]
fn a_value_outside_the_choices_is_refused_with_the_choices() {
    let e = refusal("people-triads", "Ann (Oak; category: uncle), Ben (Elm), Cat (Ash)");
    assert_eq!(
        e,
        "Ann: problem category \"uncle\" is not one of the choices: pupil, parent, course leader, colleague"
    );
    // Any case of a choice is the choice.
    warnings("people-triads", "Ann (Oak; category: Course Leader), Ben (Elm), Cat (Ash)");
}

// ---- one per school ----

#[test]
fn one_per_school_warns_who_shares_a_school_and_who_has_none() {
    let w = warnings("people-set", "Ann (Oak Primary), Ben (Oak Primary), Cat (Elm), Dev");
    assert!(
        w.contains(
            &"Ann and Ben are both from Oak Primary: one member per school is expected."
                .to_string()
        ),
        "{w:?}"
    );
    assert!(
        w.contains(&"No school given for Dev: one member per school is expected.".to_string()),
        "{w:?}"
    );
    let fine = warnings("people-set", "Ann (Oak), Ben (Elm), Cat (Ash)");
    assert!(fine.is_empty(), "{fine:?}");
}

// ---- mixed groups ----

#[test]
fn three_schools_of_three_people_make_cross_school_trios() {
    let people =
        "A1 (Oak), A2 (Oak), A3 (Oak), B1 (Elm), B2 (Elm), B3 (Elm), C1 (Ash), C2 (Ash), C3 (Ash)";
    let (setup, w) = check("people-triads", people).expect("starts");
    assert!(w.is_empty(), "{w:?}");
    let state = SessionState::new(setup.clone());
    let names = |g: &[String]| g.join(" ");
    let groups: Vec<String> = state.groups.iter().map(|g| names(g)).collect();
    assert_eq!(groups, ["A1 B1 C1", "A2 B2 C2", "A3 B3 C3"]);
    // Each trio still rotates every role, in roster order within the trio.
    let table = roster_with(&setup.protocol, &setup.participants, &setup.facts);
    assert_eq!(
        table[0][0],
        [
            ("A1".into(), "coachee".into()),
            ("B1".into(), "coach".into()),
            ("C1".into(), "observer".into())
        ]
    );
    // Dealing the same people again gives the same trios.
    assert_eq!(SessionState::new(setup).groups, state.groups);
}

#[test]
fn a_roster_that_already_mixes_keeps_its_order() {
    let (setup, _) = check("people-triads", &schooled(6, &["Oak", "Elm", "Ash"])).expect("starts");
    assert_eq!(SessionState::new(setup).groups, [["P1", "P2", "P3"], ["P4", "P5", "P6"]]);
}

#[test]
fn when_the_roster_cannot_mix_every_group_a_warning_says_who_shares_one() {
    let people =
        "O1 (Oak Primary), O2 (Oak Primary), O3 (Oak Primary), E1 (Elm), E2 (Elm), E3 (Elm)";
    let (setup, w) = check("people-triads", people).expect("starts");
    let groups = SessionState::new(setup).groups;
    assert_eq!(groups, [["O1", "O3", "E1"], ["O2", "E2", "E3"]]);
    assert!(
        w.contains(&"2 of Oak Primary's 3 people share group 1 (O1 and O3): the roster cannot mix every group by school.".to_string()),
        "{w:?}"
    );
    assert!(
        w.iter().any(|w| w.starts_with("2 of Elm's 3 people share group 2 (E2 and E3)")),
        "{w:?}"
    );
}

// ---- team roles ----

const EXEC: &str =
    "Ann (role: executive), Ben (role: Executive team), Cat (role: EXECUTIVE), Dev, Eve";

#[test]
fn a_team_of_three_holds_its_role_together_in_every_round() {
    let (setup, w) = check("people-exec", EXEC).expect("starts");
    assert!(w.is_empty(), "{w:?}");
    let table = roster_with(&setup.protocol, &setup.participants, &setup.facts);
    assert_eq!(table.len(), 2);
    for (r, presenter) in [(0, "Dev"), (1, "Eve")] {
        let role =
            |who: &str| table[r][0].iter().find(|(n, _)| n == who).expect("member").1.clone();
        for who in ["Ann", "Ben", "Cat"] {
            assert_eq!(role(who), "executive", "round {r}: {who}");
        }
        assert_eq!(role(presenter), "presenter", "round {r}");
    }
    // The screen names the team, under its own name (not "Executive teams").
    let mut state = SessionState::new(setup);
    let now = convene::session::Now::new(0, wall(0));
    for e in decide(&state, Command::Start, now).expect("starts") {
        apply(&mut state, &e);
    }
    assert_eq!(holders(&state, "executive"), ["Ann", "Ben", "Cat"]);
    assert_eq!(role_label(&state, "executive").0, "Executive team");
}

#[test]
fn fewer_marked_than_a_team_needs_is_refused_naming_the_role() {
    let e = refusal("people-exec", "Ann (role: executive), Ben (role: executive), Cat, Dev, Eve");
    assert_eq!(
        e,
        "Executive team needs at least 3 people, but only Ann and Ben are marked role: executive"
    );
}

#[test]
fn with_nobody_marked_the_first_people_hold_the_team_role_and_a_warning_says_so() {
    let (setup, w) = check("people-exec", "Ann, Ben, Cat, Dev, Eve").expect("starts");
    assert_eq!(
        w,
        [
            "Nobody is marked role: executive, so Ann, Ben and Cat hold Executive team (the first 3 people); mark the team with \"Name (role: executive)\"."
        ]
    );
    let table = roster_with(&setup.protocol, &setup.participants, &setup.facts);
    assert_eq!(table[1][0].iter().filter(|(_, r)| r == "executive").count(), 3);
}

// ---- the roster file ----

#[test]
fn a_roster_file_gives_names_and_facts_with_a_bom_and_any_case_of_name() {
    let text = "\u{feff}Name,School,Problem Category\nAnn,Oak Primary,pupil\n\nBen,Elm,\n王小明,Ash,parent\n";
    let people = parse_roster(text.as_bytes(), "people.csv").expect("reads");
    assert_eq!(people.names, ["Ann", "Ben", "王小明"]);
    assert_eq!(people.facts["Ann"]["problem-category"], "pupil");
    assert_eq!(people.facts["Ben"].get("problem-category"), None, "a blank cell is no fact");
    assert_eq!(people.facts["王小明"]["school"], "Ash");
}

#[test]
fn roster_file_errors_name_the_file_line_and_column() {
    let err = |text: &str| parse_roster(text.as_bytes(), "people.csv").expect_err("refused");
    assert_eq!(
        err("who,school\nAnn,Oak\n"),
        "people.csv:1: no \"name\" column: the first row names the columns, such as name,school,category"
    );
    assert_eq!(
        err("name,school\nAnn,Oak\nBen\n"),
        "people.csv:3: 1 columns, but the header row has 2"
    );
    assert_eq!(
        err("name,school\nAnn,Oak\n,Elm\n"),
        "people.csv:3: column \"name\": the name is empty"
    );
    assert_eq!(
        err("name,school\nAnn,\"Oak\u{1b}[2J\"\n"),
        "people.csv:2: column \"school\": \"Oak\\u{1b}[2J\" contains a control character or escape sequence"
    );
    assert_eq!(
        err(""),
        "people.csv: the file is empty: the first row names the columns, one of them \"name\""
    );
}

#[test]
fn cli_run_with_a_roster_file_checks_it_and_refuses_it_with_people() {
    let root = tempfile::tempdir().expect("tempdir");
    let protocol = "tests/fixtures/protocols/v2/people-set.json";
    let roster = root.path().join("people.csv");
    std::fs::write(&roster, "name,school\nAnn,Oak\nBen,Elm\nCat,\"Oak\u{1b}[2J\"\n")
        .expect("write");
    let roster = roster.to_str().expect("utf-8 path");
    let out = run(root.path(), &["run", protocol, "--roster", roster]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("people.csv:4: column \"school\": \"Oak\\u{1b}[2J\" contains a control"),
        "{err}"
    );
    assert!(!err.contains('\u{1b}'), "{err}");
    // A good roster passes the checks (and then needs a terminal, which the tests have not).
    std::fs::write(root.path().join("people.csv"), "Name,School\nAnn,Oak\nBen,Elm\nCat,Ash\n")
        .expect("write");
    let out = run(root.path(), &["run", protocol, "--roster", roster]);
    assert!(stderr(&out).contains("needs a terminal"), "{}", stderr(&out));
    let out = run(root.path(), &["run", protocol, "--roster", roster, "--people", "Ann,Ben,Cat"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot be used with"), "{}", stderr(&out));
    let out = run(root.path(), &["run", protocol, "--people", "Ann (Oak), Ben (Elm"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("convene: Ben: unclosed parenthesis"), "{}", stderr(&out));
    let out = run(root.path(), &["run", protocol, "--roster", "missing.csv"]);
    assert!(stderr(&out).contains("cannot read the roster missing.csv"), "{}", stderr(&out));
}

// ---- a fact set before the start ----

#[test]
fn a_fact_set_before_the_start_is_logged_and_replayed() {
    let (setup, _) = check("people-triads", "Ann (Oak), Ben (Elm), Cat (Ash)").expect("starts");
    let state = SessionState::new(setup.clone());
    let now = convene::session::Now::new(0, wall(0));
    let set = |value: &str| Command::SetFact {
        name: "Ben".into(),
        key: "category".into(),
        value: Some(value.into()),
    };
    // The choice as the protocol writes it.
    let events = decide(&state, set("Course LEADER"), now).expect("a choice");
    assert_eq!(
        events[0].event,
        Event::FactSet {
            name: "Ben".into(),
            key: "category".into(),
            value: Some("course leader".into())
        }
    );
    let after = replay(setup.clone(), &events);
    assert_eq!(after.setup.facts["Ben"]["category"], "course leader");
    assert!(check_setup(&after.setup).is_ok());
    assert_eq!(
        decide(&state, set("uncle"), now).expect_err("not a choice"),
        Rejection::NotAChoice {
            value: "uncle".into(),
            label: "problem category".into(),
            choices: "pupil, parent, course leader, colleague".into()
        }
    );
    // Clearing a required fact: the warning comes back.
    let cleared = decide(
        &after,
        Command::SetFact { name: "Ben".into(), key: "school".into(), value: None },
        now,
    )
    .expect("cleared");
    let after = replay(after.setup.clone(), &cleared);
    let w = check_setup(&after.setup).expect("a warning");
    assert!(w.iter().any(|w| w.starts_with("No school given for Ben")), "{w:?}");
    // After the start, facts no longer change.
    let mut running = SessionState::new(setup);
    for e in decide(&running, Command::Start, now).expect("starts") {
        apply(&mut running, &e);
    }
    assert_eq!(decide(&running, set("pupil"), now), Err(Rejection::AlreadyStarted));
}

// ---- the start card ----

/// The start card of a session of cross-school triads, at 80x24 and 120x40.
fn start_card(rig: &support::Rig, name: &str) {
    for (w, h) in [(80, 24), (120, 40)] {
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), rig.render(w, h));
    }
}

fn triads_rig(people: &str) -> support::Rig {
    let (setup, _) = check("people-triads", people).expect("starts");
    support::Rig::new(setup, support::mono_opts())
}

#[test]
fn the_start_card_shows_each_persons_facts_and_the_warnings() {
    let rig = triads_rig(
        "Ann (Oak Primary; category: pupil), Ben (Oak Primary), Cat (Elm; category: parent), Dev, Eve (Ash), Fay (Ash), Gus (Elm)",
    );
    let screen = rig.render(120, 40);
    assert!(
        screen.contains("Ann   Oak Primary  pupil             Coachee   Observer  Observer"),
        "{screen}"
    );
    // Each fact in its own column, headed by its label, before the rounds: never read as part
    // of the last round's role.
    assert!(screen.contains("School       Problem category  Round 1"), "{screen}");
    assert!(screen.contains("No school given for Dev"), "{screen}");
    assert!(screen.contains("7 people is not a multiple of 3"), "{screen}");
    start_card(&rig, "start_card_facts");
}

#[test]
fn e_on_the_start_card_sets_a_fact_with_its_choices_cycled_and_logs_it() {
    let mut rig = triads_rig("Ann (Oak), Ben, Cat (Ash)");
    assert!(rig.app.warnings.iter().any(|w| w.starts_with("No school given for Ben")));
    // Select Ben (the second row), open the form: Who is Ben, Fact the first fact (school).
    rig.code(crossterm::event::KeyCode::Down);
    rig.press('e');
    let screen = rig.render(80, 24);
    assert!(screen.contains("Who: Ben"), "{screen}");
    assert!(screen.contains("Fact: school"), "{screen}");
    rig.type_text("Elm");
    rig.code(crossterm::event::KeyCode::Enter);
    assert_eq!(rig.events("fact-set")[0]["value"], "Elm");
    assert!(!rig.app.warnings.iter().any(|w| w.contains("No school")), "{:?}", rig.app.warnings);
    assert!(
        rig.render(80, 24).contains("Ben   Elm     Coach     Coachee   Observer"),
        "{}",
        rig.render(80, 24)
    );
    // The category's choices come one by one with → and ← on Value.
    rig.press('e');
    rig.code(crossterm::event::KeyCode::BackTab);
    rig.ctrl('u');
    rig.type_text("Problem category");
    rig.code(crossterm::event::KeyCode::Tab);
    for _ in 0..3 {
        rig.code(crossterm::event::KeyCode::Right);
    }
    assert!(rig.render(80, 24).contains("Value: course leader"), "{}", rig.render(80, 24));
    rig.code(crossterm::event::KeyCode::Left);
    assert!(rig.render(80, 24).contains("Value: parent"), "{}", rig.render(80, 24));
    rig.code(crossterm::event::KeyCode::Enter);
    let set = rig.events("fact-set");
    assert_eq!(
        (set[1]["name"].as_str(), set[1]["key"].as_str(), set[1]["value"].as_str()),
        (Some("Ben"), Some("category"), Some("parent"))
    );
    // The log replays to the facts the session used.
    let replayed = replay(rig.app.state.setup.clone(), &[]);
    assert_eq!(replayed.setup.facts["Ben"]["category"], "parent");
}

#[test]
fn the_live_screen_names_the_team_together() {
    let (setup, _) = check("people-exec", EXEC).expect("starts");
    let mut rig = support::Rig::new(setup, support::mono_opts());
    rig.press(' ');
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = rig.render(w, h);
        assert!(screen.contains("Executive team (Ann, Ben, Cat)"), "{screen}");
        assert!(!screen.contains("Executive teams"), "{screen}");
        insta::assert_snapshot!(format!("live_team_{w}x{h}"), screen);
    }
}

#[test]
fn a_fact_the_protocol_does_not_use_is_a_warning() {
    let w = warnings("people-set", "Ann (Oak), Ben (schol: Elm), Cat (Ash)");
    assert!(
        w.contains(&"Action learning set uses no fact \"schol\": kept in the log, but it changes nothing (it uses school).".to_string()),
        "{w:?}"
    );
}

#[test]
fn one_round_per_member_counts_the_members_who_rotate_not_the_team() {
    let mut p = v2("people-exec");
    p.rotation.rounds = convene::protocol::Rounds::PerMember;
    let checked = SetupRequest::new(p, EXEC).check().expect("starts");
    let state = SessionState::new(checked.setup);
    assert_eq!(state.rounds, 2, "Dev and Eve present once each");
}

#[test]
fn a_fact_the_protocol_does_not_name_cannot_be_set_on_the_start_card() {
    let (setup, _) = check("people-triads", "Ann (Oak), Ben (Elm), Cat (Ash)").expect("starts");
    let state = SessionState::new(setup);
    let now = convene::session::Now::new(0, wall(0));
    let cmd =
        Command::SetFact { name: "Ann".into(), key: "schol".into(), value: Some("Elm".into()) };
    assert_eq!(
        decide(&state, cmd, now).expect_err("no such fact").to_string(),
        "This protocol has no fact \"schol\" (its facts: school, category)."
    );
}

#[test]
fn a_team_is_marked_one_person_at_a_time_and_checked_at_the_start() {
    let (setup, _) = check("people-exec", EXEC).expect("starts");
    let mut state = SessionState::new(setup);
    let now = convene::session::Now::new(0, wall(0));
    // Unmarking Ann leaves a team of two for a role that needs three: allowed while the
    // facilitator is still marking people, refused at the start, with the reason.
    let cmd = Command::SetFact { name: "Ann".into(), key: "role".into(), value: None };
    for e in decide(&state, cmd, now).expect("a team being marked is not refused") {
        convene::session::apply(&mut state, &e);
    }
    assert_eq!(
        decide(&state, Command::Start, now).expect_err("team too small").to_string(),
        "Cannot start yet: Executive team needs at least 3 people, but only Ben and Cat are marked role: executive. Mark the others with e (Fact: role)."
    );
    // Marking Ann again completes the team: the session starts.
    let cmd = Command::SetFact {
        name: "Ann".into(),
        key: "role".into(),
        value: Some("executive".into()),
    };
    for e in decide(&state, cmd, now).expect("marks Ann") {
        convene::session::apply(&mut state, &e);
    }
    decide(&state, Command::Start, now).expect("a whole team starts");
}

#[test]
fn a_request_with_both_a_roster_and_typed_names_is_refused() {
    let roster =
        parse_roster(b"name,school\nAnn,Oak\nBen,Elm\nCat,Ash\n", "people.csv").expect("reads");
    let both =
        SetupRequest { roster: Some(roster.clone()), ..SetupRequest::new(v2("people-set"), "Dev") };
    assert_eq!(both.check(), Err(SetupRequestError::PeopleAndRoster));
    let checked = SetupRequest { roster: Some(roster), ..SetupRequest::new(v2("people-set"), " ") }
        .check()
        .expect("the roster alone");
    assert_eq!(checked.setup.participants, ["Ann", "Ben", "Cat"]);
    assert_eq!(checked.setup.facts["Cat"]["school"], "Ash");
}

/// A format 1 protocol has no facts: `--people` names are taken as typed, parentheses and all,
/// so "Ann (cover)" is the same person as in the logs written before format 2.
#[test]
fn format_1_protocols_take_names_as_typed() {
    let v1 = load_file(Path::new("tests/fixtures/protocols/v1/project-tuning.json")).expect("v1");
    let checked = SetupRequest::new(v1, "Ann (cover), Ben), Cat (x) y").check().expect("starts");
    assert_eq!(checked.setup.participants, ["Ann (cover)", "Ben)", "Cat (x) y"]);
    assert!(checked.setup.facts.is_empty());
}

/// A protocol that declares the fact `role` and has a team role names it once in the note
/// (issue 22: "(it uses role, role)").
#[test]
fn the_unused_fact_note_names_a_declared_team_fact_once() {
    let p = support::builtin("weekly-leadership-review");
    assert!(p.facts.iter().any(|f| f.key == "role") && p.roles.iter().any(|r| r.team));
    let checked = SetupRequest::new(p, "Ann (role: executive), Ben, Cat (colour: red)")
        .check()
        .expect("starts");
    let note = checked.warnings.iter().find(|w| w.contains("uses no fact \"colour\""));
    let note = note.unwrap_or_else(|| panic!("{:?}", checked.warnings));
    assert!(note.ends_with("(it uses role)."), "{note}");
}
