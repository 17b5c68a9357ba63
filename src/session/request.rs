//! A session as asked for (on the command line or the home screen), checked into a [`Setup`].

use std::collections::BTreeMap;

use super::setup::{CarriedCommitment, CarriedNote, Setup, check_setup};
use crate::protocol::{Protocol, RecordKind};

/// A session as asked for, on the command line (`convene run`) or on the home screen, before it
/// is checked. Building the [`Setup`] from it is pure: the open commitments of the group
/// ([`SetupRequest::follows_up`]) are read from the data folder by the caller, at the edge, and
/// given in [`SetupRequest::carried`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupRequest {
    pub protocol: Protocol,
    /// The participants as typed: names separated by commas, in order.
    pub people: String,
    /// A recurring group (blank: none).
    pub group: Option<String>,
    /// The facilitator's name (blank: none).
    pub facilitator: Option<String>,
    /// Durations set for this session, as `ID=DURATION` (`--stage discussion=8m`).
    pub stages: Vec<String>,
    pub auto_advance: bool,
    /// Open commitments of the group from earlier sessions, to follow up.
    pub carried: Vec<CarriedCommitment>,
    /// Format 2 courses: this session's number as given (`--session N`); when not given, it is
    /// counted from [`SetupRequest::earlier_sessions`].
    pub session: Option<u32>,
    /// How many earlier sessions of the group with this protocol started: read from the data
    /// folder by the caller when [`SetupRequest::takes_from_group`] names a group.
    pub earlier_sessions: u32,
    /// Notes the group's previous session recorded for the records the protocol carries: read
    /// with [`SetupRequest::earlier_sessions`].
    pub carried_notes: Vec<CarriedNote>,
}

/// A setup the engine accepts, and its advice (shown on the start card).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedSetup {
    pub setup: Setup,
    pub warnings: Vec<String>,
}

/// Why a [`SetupRequest`] cannot start a session.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetupRequestError {
    /// A `--stage` item without `=`.
    #[error("--stage {item}: write it as ID=DURATION, e.g. --stage discussion=8m")]
    StageForm { item: String },
    /// A `--stage` item whose duration does not read.
    #[error("--stage {item}: duration {problem}")]
    StageDuration { item: String, problem: String },
    /// The engine refuses the setup (see [`check_setup`]).
    #[error("cannot start {protocol}:\n  {}", problems.join("\n  "))]
    Refused { protocol: String, problems: Vec<String> },
}

impl SetupRequest {
    /// A request for `protocol` with these people, and nothing else set.
    pub fn new(protocol: Protocol, people: &str) -> Self {
        Self {
            protocol,
            people: people.to_string(),
            group: None,
            facilitator: None,
            stages: Vec::new(),
            auto_advance: false,
            carried: Vec::new(),
            session: None,
            earlier_sessions: 0,
            carried_notes: Vec::new(),
        }
    }

    /// The group whose earlier sessions of this protocol this session takes from (its number
    /// in a course, notes carried to it): when one is named and the protocol is a course or
    /// carries notes.
    pub fn takes_from_group(&self) -> Option<&str> {
        let group = non_blank(self.group.as_deref())?;
        let p = &self.protocol;
        let carries = p.all_stages().any(|(_, s)| {
            Protocol::expected_records(s)
                .any(|x| x.carry && x.id.is_some() && x.record == RecordKind::Note)
        });
        (p.course.is_some() || carries).then_some(group)
    }

    /// This session's number in its course, and what to say about how it was found; `None`
    /// for a protocol that is not a course.
    fn session_number(&self) -> (Option<u32>, Option<String>) {
        let group = non_blank(self.group.as_deref());
        match (&self.protocol.course, self.session, group) {
            (None, Some(n), _) => (
                None,
                Some(format!(
                    "--session {n}: {} is not a course, so its sessions are not numbered.",
                    self.protocol.name
                )),
            ),
            (None, None, _) => (None, None),
            (Some(_), Some(n), _) => (Some(n), None),
            (Some(_), None, Some(_)) => (Some(self.earlier_sessions.saturating_add(1)), None),
            (Some(_), None, None) => (
                Some(1),
                Some(
                    "No group (--group NAME) and no --session N: this is taken as session 1 of \
                     the course."
                        .to_string(),
                ),
            ),
        }
    }

    /// The group whose open commitments this session follows up: when one is named and the
    /// protocol has a follow-up stage.
    pub fn follows_up(&self) -> Option<&str> {
        let group = non_blank(self.group.as_deref())?;
        self.protocol.all_stages().any(|(_, s)| s.follow_up).then_some(group)
    }

    /// The checked setup, or why it cannot start.
    pub fn check(self) -> Result<CheckedSetup, SetupRequestError> {
        let overrides = parse_overrides(&self.stages)?;
        let (session_number, numbering) = self.session_number();
        let setup = Setup {
            participants: parse_people(&self.people),
            facilitator: non_blank(self.facilitator.as_deref()).map(str::to_string),
            group_name: non_blank(self.group.as_deref()).map(str::to_string),
            protocol: self.protocol,
            overrides,
            auto_advance: self.auto_advance,
            carried: self.carried,
            facts: std::collections::BTreeMap::new(),
            session_number,
            carried_notes: self.carried_notes,
        };
        match check_setup(&setup) {
            Ok(warnings) => {
                let warnings = numbering.into_iter().chain(warnings).collect();
                Ok(CheckedSetup { setup, warnings })
            }
            Err(e) => Err(SetupRequestError::Refused {
                protocol: setup.protocol.id.clone(),
                problems: e.0,
            }),
        }
    }
}

/// A text with something in it, trimmed.
fn non_blank(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// Splits `Ann, Ben,Cat` into names.
pub fn parse_people(text: &str) -> Vec<String> {
    text.split(',').map(|s| s.trim().to_string()).collect()
}

/// Reads `ID=DURATION` items into stage id → seconds.
pub fn parse_overrides(items: &[String]) -> Result<BTreeMap<String, u64>, SetupRequestError> {
    let mut out = BTreeMap::new();
    for item in items {
        let Some((id, d)) = item.split_once('=') else {
            return Err(SetupRequestError::StageForm { item: item.clone() });
        };
        let secs = crate::protocol::parse_duration(d)
            .map_err(|problem| SetupRequestError::StageDuration { item: item.clone(), problem })?;
        out.insert(id.trim().to_string(), secs);
    }
    Ok(out)
}
