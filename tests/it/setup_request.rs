//! A session as asked for (`convene run`'s arguments or the home screen's fields) becomes a checked
//! setup, or a typed error, the same way from both: `session::SetupRequest`.

use convene::protocol::{Library, Protocol};
use convene::session::{CarriedCommitment, SetupRequest, SetupRequestError};

fn builtin(id: &str) -> Protocol {
    Library::builtin_only().get(id).expect("built-in").clone()
}

#[test]
fn blank_group_and_facilitator_are_none_and_names_are_trimmed() {
    let request = SetupRequest {
        group: Some("  ".into()),
        facilitator: Some(" Fay ".into()),
        ..SetupRequest::new(builtin("project-tuning"), " Priya, Ann ,Ben,Cat")
    };
    assert_eq!(request.follows_up(), None);
    let checked = request.check().expect("a valid roster");
    assert_eq!(checked.setup.participants, ["Priya", "Ann", "Ben", "Cat"]);
    assert_eq!(checked.setup.group_name, None);
    assert_eq!(checked.setup.facilitator.as_deref(), Some("Fay"));
}

#[test]
fn a_stage_duration_that_does_not_read_names_the_item() {
    let request = |stage: &str| SetupRequest {
        stages: vec![stage.to_string()],
        ..SetupRequest::new(builtin("project-tuning"), "Priya, Ann, Ben, Cat")
    };
    assert_eq!(
        request("discussion").check(),
        Err(SetupRequestError::StageForm { item: "discussion".into() })
    );
    let Err(SetupRequestError::StageDuration { item, .. }) = request("discussion=soon").check()
    else {
        panic!("a duration that does not read");
    };
    assert_eq!(item, "discussion=soon");
    let checked = request("discussion = 8m").check().expect("8 minutes");
    assert_eq!(checked.setup.overrides.get("discussion"), Some(&480));
}

#[test]
fn a_refused_roster_carries_every_problem() {
    let err =
        SetupRequest::new(builtin("coaching-triad"), "Ann, Ann").check().expect_err("refused");
    let SetupRequestError::Refused { protocol, problems } = &err else { panic!("{err:?}") };
    assert_eq!(protocol, "coaching-triad");
    assert!(problems.len() >= 2, "{problems:?}");
    assert!(err.to_string().starts_with("cannot start coaching-triad:\n  "), "{err}");
}

#[test]
fn only_a_named_group_with_a_follow_up_stage_is_followed_up() {
    let with_group = |id: &str| SetupRequest {
        group: Some(" AP set ".into()),
        ..SetupRequest::new(builtin(id), "Ann, Ben, Cat, Dev")
    };
    assert_eq!(with_group("action-learning").follows_up(), Some("AP set"));
    assert_eq!(with_group("project-tuning").follows_up(), None, "no follow-up stage");
    let carried = CarriedCommitment {
        session: "20261116-090000-000".into(),
        id: "c1".into(),
        owner: "Ann".into(),
        text: "Observe a lesson".into(),
        due: None,
        made: None,
    };
    let request = SetupRequest { carried: vec![carried.clone()], ..with_group("action-learning") };
    let checked = request.check().expect("valid");
    assert_eq!(checked.setup.carried, [carried]);
    assert_eq!(checked.setup.group_name.as_deref(), Some("AP set"));
}

/// The problems of a refused request, one text.
fn refusal(request: SetupRequest) -> String {
    match request.check() {
        Err(SetupRequestError::Refused { problems, .. }) => problems.join("\n"),
        other => panic!("refused, not {other:?}"),
    }
}

#[test]
fn names_that_look_the_same_are_one_person_and_refused_saying_so() {
    // "Zoë" precomposed, then with a combining accent; "Ann", then with a zero-width space.
    let e = refusal(SetupRequest::new(builtin("project-tuning"), "Zo\u{eb}, Zoe\u{308}, Ben, Cat"));
    assert!(e.contains("look the same"), "{e}");
    assert!(e.contains("Zoe\\u{308}"), "the difference is shown: {e}");
    let e = refusal(SetupRequest::new(builtin("project-tuning"), "Ann, An\u{200B}n, Ben, Cat"));
    assert!(e.contains("\"Ann\" and \"An\\u{200b}n\" look the same"), "{e}");
    // From a roster file too.
    let roster = convene::session::parse_roster(
        "name,school\nAnn,Oak\nAn\u{AD}n,Elm\nBen,Ash\n".as_bytes(),
        "people.csv",
    )
    .expect("reads");
    let e = refusal(SetupRequest {
        roster: Some(roster),
        ..SetupRequest::new(builtin("learning-walk-trio"), "")
    });
    assert!(e.contains("look the same"), "{e}");
    // The same name twice in another case is still "appears twice".
    let e = refusal(SetupRequest::new(builtin("project-tuning"), "Ann, ann, Ben, Cat"));
    assert!(e.contains("\"ann\" appears twice"), "{e}");
}

#[test]
fn names_are_kept_composed_without_invisible_characters() {
    let request = SetupRequest {
        facilitator: Some("Fe\u{301}lix\u{200B}".into()),
        group: Some("Year\u{FEFF} 7".into()),
        ..SetupRequest::new(builtin("project-tuning"), "Zoe\u{308}, A\u{200B}nn, Ben, Cat")
    };
    let checked = request.check().expect("valid");
    assert_eq!(checked.setup.participants, ["Zo\u{eb}", "Ann", "Ben", "Cat"]);
    assert_eq!(checked.setup.facilitator.as_deref(), Some("F\u{e9}lix"));
    assert_eq!(checked.setup.group_name.as_deref(), Some("Year 7"));
    // Facts follow their person's name.
    let roster = convene::session::parse_roster(
        "name,school\nZoe\u{308},Oak\nBen,Elm\nCat,Ash\n".as_bytes(),
        "people.csv",
    )
    .expect("reads");
    let checked = SetupRequest {
        roster: Some(roster),
        ..SetupRequest::new(builtin("learning-walk-trio"), "")
    }
    .check()
    .expect("valid");
    assert_eq!(checked.setup.participants[0], "Zo\u{eb}");
    assert_eq!(checked.setup.facts["Zo\u{eb}"]["school"], "Oak");
}
