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
