//! What the review needs from one log, computed once by replaying it: a [`Digest`].
//!
//! Digests are pure functions of a [`SessionLog`] and are what the cache keeps, so listing,
//! the report and the commitments view never replay thousands of logs twice. Private note
//! texts are never part of a digest: only their number.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use std::collections::HashMap;

use crate::log::reader::SessionLog;
use crate::session::state::SessionState;
use crate::session::{CommitmentStatus, Event, Leave, Outcome, Stamped, Status, replay};

/// How a session ended, as the review shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum SessionStatus {
    Completed,
    EndedEarly,
    /// The log does not end with `session-ended`: convene stopped (or is still running).
    Unfinished,
}

impl SessionStatus {
    pub(crate) fn label(self) -> &'static str {
        match self {
            SessionStatus::Completed => "completed",
            SessionStatus::EndedEarly => "ended early",
            SessionStatus::Unfinished => "unfinished",
        }
    }

    /// The word used on the command line and in JSON.
    pub(crate) fn key(self) -> &'static str {
        match self {
            SessionStatus::Completed => "completed",
            SessionStatus::EndedEarly => "ended-early",
            SessionStatus::Unfinished => "unfinished",
        }
    }

    pub(crate) fn of(state: &SessionState) -> Self {
        match state.status {
            Status::Ended(Outcome::Completed) => SessionStatus::Completed,
            Status::Ended(Outcome::EndedEarly) => SessionStatus::EndedEarly,
            Status::NotStarted | Status::Running => SessionStatus::Unfinished,
        }
    }
}

/// One position of the running order that was entered at least once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunDigest {
    /// Position in the running order, from 0.
    pub pos: usize,
    pub stage: String,
    pub name: String,
    /// Round from 0, for round stages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round: Option<usize>,
    pub planned_ms: u64,
    /// Running time (pauses excluded; reported gaps while it ran included).
    pub actual_ms: u64,
    pub extended_ms: u64,
    pub extensions: u32,
    pub refusals: u32,
    pub pauses: u32,
    pub paused_ms: u64,
    /// Times taken off its budget (`shortened` events) and their total.
    #[serde(default)]
    pub shortenings: u32,
    #[serde(default)]
    pub shortened_ms: u64,
    /// How it was last left; `None` for the stage an unfinished log stopped in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left: Option<Leave>,
    /// It was last left although the record it expects (a commitment, a note) was missing.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub without_record: bool,
    /// The label of the record the stage expects (`The coachee's commitment`), if it expects one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expects: Option<String>,
    /// `false` for the stage an unfinished log stopped in: its time is only known up to the
    /// last event, so the report leaves it out.
    pub finished: bool,
}

impl RunDigest {
    /// Time beyond the plan (extensions do not move the plan).
    pub(crate) fn overrun_ms(&self) -> u64 {
        self.actual_ms.saturating_sub(self.planned_ms)
    }

    pub fn skipped(&self) -> bool {
        self.left == Some(Leave::Skip)
    }

    /// What the stage was left without, when it was left without its expected record.
    pub(crate) fn left_without(&self) -> Option<String> {
        self.without_record
            .then(|| self.expects.clone().unwrap_or_else(|| "its expected record".into()))
    }
}

/// The key of how a stage was left, as in the log: `next`, `back`, `skip`, `jump`, `auto`, `end`.
pub(crate) fn leave_key(how: Leave) -> &'static str {
    match how {
        Leave::Next => "next",
        Leave::Back => "back",
        Leave::Skip => "skip",
        Leave::Jump => "jump",
        Leave::Auto => "auto",
        Leave::End => "end",
    }
}

/// A `shortened` event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortening {
    pub pos: usize,
    pub by_ms: u64,
    pub wall: DateTime<FixedOffset>,
}

/// What the replayed state does not keep: how each position was last left (and whether its
/// expected record was missing then), and the shortenings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StageLog {
    pub left: HashMap<usize, (Leave, bool)>,
    pub shortenings: Vec<Shortening>,
}

impl StageLog {
    pub(crate) fn of(events: &[Stamped]) -> Self {
        let mut out = Self::default();
        for e in events {
            match &e.event {
                Event::StageLeft { pos, how, without_record, .. } => {
                    out.left.insert(*pos, (*how, *without_record));
                }
                Event::Shortened { pos, by_ms } => {
                    out.shortenings.push(Shortening { pos: *pos, by_ms: *by_ms, wall: e.wall });
                }
                _ => {}
            }
        }
        out
    }
}

/// A commitment made in a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitmentDigest {
    pub id: String,
    pub owner: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    pub made: DateTime<FixedOffset>,
}

/// A follow-up recorded in a session, of its own commitment (`session` None) or an earlier one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateDigest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    pub id: String,
    pub status: CommitmentStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub wall: DateTime<FixedOffset>,
}

/// Everything the review lists and counts about one session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Digest {
    pub id: String,
    pub protocol_id: String,
    pub protocol_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub participants: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facilitator: Option<String>,
    /// When the session was set up (the header's `created`).
    pub created: DateTime<FixedOffset>,
    /// When the session started (or was set up, if it never started).
    pub start: DateTime<FixedOffset>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<DateTime<FixedOffset>>,
    /// Its hard stop (`--until`, or set on the start card), as last set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hard_stop: Option<DateTime<FixedOffset>>,
    pub status: SessionStatus,
    /// Sum of the planned stage times of the whole running order.
    pub planned_ms: u64,
    /// Sum of the stages' running times.
    pub actual_ms: u64,
    /// Sum of each stage's time beyond its plan.
    pub overrun_ms: u64,
    pub notes: usize,
    pub private_notes: usize,
    pub runs: Vec<RunDigest>,
    pub commitments: Vec<CommitmentDigest>,
    pub updates: Vec<UpdateDigest>,
    /// Lines that could not be read: (line number, problem).
    pub problems: Vec<(usize, String)>,
    /// How many events were read (of two copies of one log, the one with more is more complete).
    #[serde(default)]
    pub events: usize,
    /// Its place among its group's sessions ([`crate::session::Setup::sequence`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<u32>,
    /// Copies of its log that fork (it was continued in two places): this digest is of their
    /// merge ([`super::copies::merge`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fork: Option<super::copies::Fork>,
}

impl Digest {
    /// The calendar day the session started, in its own time zone.
    pub(crate) fn date(&self) -> NaiveDate {
        self.start.date_naive()
    }

    /// Replays a log and keeps what the review needs.
    pub fn of_log(log: &SessionLog) -> Self {
        let state = replay(log.header.setup.clone(), &log.events);
        let mut d = Self::of_state(
            &log.header.session,
            log.header.created,
            &state,
            &StageLog::of(&log.events),
        );
        d.problems.clone_from(&log.problems);
        d.events = log.events.len();
        d
    }

    /// The digest of a replayed state and what its log says about how stages went.
    pub(crate) fn of_state(
        id: &str,
        created: DateTime<FixedOffset>,
        s: &SessionState,
        stage_log: &StageLog,
    ) -> Self {
        let runs = runs(s, stage_log);
        let setup = &s.setup;
        Self {
            id: id.to_string(),
            protocol_id: setup.protocol.id.clone(),
            protocol_name: setup.protocol.name.clone(),
            group: setup.group_name.clone(),
            participants: setup.participants.clone(),
            facilitator: setup.facilitator.clone(),
            created,
            start: s.started_wall.unwrap_or(created),
            end: s.ended_wall,
            hard_stop: setup.hard_stop,
            status: SessionStatus::of(s),
            planned_ms: s.planned_ms(),
            actual_ms: runs.iter().map(|r| r.actual_ms).sum(),
            overrun_ms: runs.iter().map(RunDigest::overrun_ms).sum(),
            notes: s.notes.len(),
            private_notes: s.notes.iter().filter(|n| n.private).count(),
            runs,
            commitments: s
                .commitments
                .iter()
                .map(|c| CommitmentDigest {
                    id: c.id.clone(),
                    owner: c.owner.clone(),
                    text: c.text.clone(),
                    due: c.due.clone(),
                    made: c.wall,
                })
                .collect(),
            updates: s
                .updates
                .iter()
                .map(|u| UpdateDigest {
                    session: u.session.clone(),
                    id: u.id.clone(),
                    status: u.status,
                    note: u.note.clone(),
                    wall: u.wall,
                })
                .collect(),
            problems: Vec::new(),
            events: 0,
            sequence: setup.sequence,
            fork: None,
        }
    }
}

/// The positions of the running order that were entered, with their times. The stage an
/// unfinished log stopped in counts up to the last event.
pub(crate) fn runs(s: &SessionState, stage_log: &StageLog) -> Vec<RunDigest> {
    let now = s.effective(s.last_at);
    s.clocks
        .iter()
        .enumerate()
        .filter(|(_, c)| c.visits > 0)
        .map(|(pos, c)| {
            let stage = s.stages.get(pos);
            let ext: Vec<_> = s.extensions.iter().filter(|e| e.pos == pos).collect();
            let short: Vec<_> = stage_log.shortenings.iter().filter(|x| x.pos == pos).collect();
            let finished = !(s.status == Status::Running && pos == s.pos);
            let left = stage_log.left.get(&pos).filter(|_| finished);
            RunDigest {
                pos,
                stage: stage.map(|r| r.id.clone()).unwrap_or_default(),
                name: s.spec(pos).map(crate::protocol::StageSpec::title).unwrap_or_default(),
                round: stage.and_then(|r| r.round),
                planned_ms: c.planned_ms,
                actual_ms: c.elapsed(now),
                extended_ms: ext.iter().map(|e| e.by_ms).sum(),
                extensions: u32::try_from(ext.len()).unwrap_or(u32::MAX),
                refusals: u32::try_from(s.refusals.iter().filter(|r| r.pos == pos).count())
                    .unwrap_or(u32::MAX),
                pauses: c.pauses,
                paused_ms: c.paused_ms + c.paused_since.map_or(0, |p| now.saturating_sub(p)),
                shortenings: u32::try_from(short.len()).unwrap_or(u32::MAX),
                shortened_ms: short.iter().map(|x| x.by_ms).sum(),
                left: left.map(|(how, _)| *how),
                without_record: left.is_some_and(|(_, w)| *w),
                // Every record the stage expects (format 2: several), by label.
                expects: s.spec(pos).map(expected_labels).filter(|l| !l.is_empty()),
                finished,
            }
        })
        .collect()
}

/// The labels of every record a stage expects, joined: "Problem; Challenges; Action plan".
fn expected_labels(spec: &crate::protocol::StageSpec) -> String {
    crate::protocol::Protocol::expected_records(spec)
        .map(|x| x.label.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}
