//! A session as set up: the protocol, who takes part (with their facts), the durations changed
//! with `--stage`, its number in a course and what it carries from the group's earlier sessions.
//! Written as the log's header; replay starts from it.
//!
//! What is made of it lives beside it: the checks that refuse or advise ([`super::checks`]),
//! the groups and who holds which role in each round ([`super::rotation`]), and the plan
//! ([`super::plan`]: stages, rounds, budgets, the total).

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::protocol::Protocol;
use crate::protocol::validate::parse_course_sessions;

// The checks and the rotation were part of this module; their paths stay.
pub use super::checks::{
    MAX_PARTICIPANTS, SetupError, check_setup, header_errors, name_clashes, team_errors,
    too_many_people,
};
pub use super::rotation::{
    assignment_with, groups, groups_with, roster, roster_with, slots, teams,
};

/// Facts about participants: name → fact key → value.
pub type Facts = BTreeMap<String, BTreeMap<String, String>>;

/// The fact a bare value in parentheses gives: `Ann (Oak Primary)`.
pub const SCHOOL: &str = "school";
/// The fact that puts a person in a team role (`"team": true`): `Cat (role: executive)`.
pub const ROLE_FACT: &str = "role";

/// Everything needed to start a session. Written as the log header; replay starts from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setup {
    pub protocol: Protocol,
    /// Participants in the order given (the presenting order may change before the start).
    pub participants: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facilitator: Option<String>,
    /// A recurring group such as "AP set", used to follow up commitments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
    /// Stage id to duration in seconds.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub overrides: BTreeMap<String, u64>,
    #[serde(default)]
    pub auto_advance: bool,
    /// Open commitments from earlier sessions of this group, for a follow-up stage.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub carried: Vec<CarriedCommitment>,
    /// Facts about participants (format 2 `facts`): name to fact key to value, such as
    /// `"Ann" → {"school": "Oak Primary"}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facts: BTreeMap<String, BTreeMap<String, String>>,
    /// This session's number in the group's course (format 2 `course`), from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_number: Option<u32>,
    /// Notes carried from the group's previous session (records with `"carry": true`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub carried_notes: Vec<CarriedNote>,
    /// This session's place among its group's sessions (1 + the group's sessions already in the
    /// data folder when it was set up): follow-ups are ordered by it before their time, since
    /// laptops' clocks differ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<u32>,
    /// When the session was planned to start (`--start 08:30`, a wall-clock time of the day it
    /// was set up): the planned end counts from it, so a late start shows as late at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_start: Option<DateTime<FixedOffset>>,
    /// The session's hard stop (`--until 12:30`): the screen says how far past it the session is
    /// projected to end, and a rebalance of the stages to come lands on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hard_stop: Option<DateTime<FixedOffset>>,
}

impl Setup {
    /// A session of `protocol` for these participants, in order, and nothing else: no
    /// facilitator, group, changed durations, auto-advance or commitments to follow up. Set any of
    /// those with struct update syntax: `Setup { auto_advance: true, ..Setup::new(p, people) }`.
    pub fn new<S: Into<String>>(
        protocol: Protocol,
        participants: impl IntoIterator<Item = S>,
    ) -> Self {
        Self {
            protocol,
            participants: participants.into_iter().map(Into::into).collect(),
            facilitator: None,
            group_name: None,
            overrides: BTreeMap::new(),
            auto_advance: false,
            carried: Vec::new(),
            facts: BTreeMap::new(),
            session_number: None,
            carried_notes: Vec::new(),
            sequence: None,
            planned_start: None,
            hard_stop: None,
        }
    }
}

/// An open commitment from an earlier session, brought into this one for follow-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarriedCommitment {
    /// The session the commitment was made in.
    pub session: String,
    /// Its id in that session.
    pub id: String,
    pub owner: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// When it was made (RFC 3339), for display.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made: Option<String>,
}

/// A note carried from the group's previous session, shown by the stage that names its record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarriedNote {
    /// The session the note was recorded in.
    pub session: String,
    /// The record id (`expects.id` / `records[].id`) it was recorded for.
    pub record: String,
    pub text: String,
    /// When it was recorded (RFC 3339), for display.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made: Option<String>,
}

/// A time of day as `--start` and `--until` take it: `08:30`, `8:30`, `14:05`.
///
/// # Errors
/// The message to show, with an example.
pub(crate) fn parse_time_of_day(text: &str) -> Result<chrono::NaiveTime, String> {
    chrono::NaiveTime::parse_from_str(text.trim(), "%H:%M").map_err(|_| {
        format!(
            "\"{}\" is not a time of day: write it as HH:MM, e.g. 08:30",
            crate::text::sanitize(text)
        )
    })
}

/// Why a planned start and a hard stop do not go together: a stop at or before the start.
pub(crate) fn stop_problem(s: &Setup) -> Option<String> {
    let (start, stop) = (s.planned_start?, s.hard_stop?);
    (stop <= start).then(|| {
        format!(
            "the hard stop {} is not after the planned start {}: it must come after it",
            stop.format("%H:%M"),
            start.format("%H:%M")
        )
    })
}

/// A person's value of a fact, trimmed; `None` when not given.
pub(crate) fn fact<'a>(facts: &'a Facts, name: &str, key: &str) -> Option<&'a str> {
    facts.get(name).and_then(|f| f.get(key)).map(|v| v.trim()).filter(|v| !v.is_empty())
}

/// A course's length for people: `"3–6"` (an en dash), or `"4"`; `None` without a course (or
/// with a length validation refuses).
pub(crate) fn course_length(p: &Protocol) -> Option<String> {
    let (low, high) = parse_course_sessions(&p.course.as_ref()?.sessions)?;
    Some(if low == high { low.to_string() } else { format!("{low}–{high}") })
}

/// This session's number in its course (`session_number`, else 1); `None` without a course.
pub(crate) fn course_session(s: &Setup) -> Option<u32> {
    s.protocol.course.as_ref().map(|_| s.session_number.unwrap_or(1))
}

/// `"Session 2 of 3–6"`, for the start card and the live header; `None` without a course.
pub(crate) fn session_label(s: &Setup) -> Option<String> {
    let n = course_session(s)?;
    Some(match course_length(&s.protocol) {
        Some(len) => format!("Session {n} of {len}"),
        None => format!("Session {n}"),
    })
}
