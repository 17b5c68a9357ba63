//! Session state as a fold of events: [`SessionState::new`] from a setup, then [`apply`] each event.
//! `apply` is infallible: every event in a log is a fact, already decided.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::event::{Agreement, CommitmentStatus, Event, GapCause, Outcome, Stamped};
use super::setup::{Setup, StageRef, groups, running_order};
use super::stage_clock::StageClock;
use crate::protocol::StageSpec;
use crate::protocol::plan::round_count;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    NotStarted,
    Running,
    Ended(Outcome),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub id: String,
    pub pos: usize,
    pub stage: String,
    pub round: Option<usize>,
    pub group: Option<usize>,
    pub about: Option<String>,
    pub private: bool,
    pub text: String,
    pub wall: DateTime<FixedOffset>,
    /// The expected record (format 2 `id`) it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commitment {
    pub id: String,
    pub pos: usize,
    pub stage: String,
    pub round: Option<usize>,
    pub group: Option<usize>,
    pub owner: String,
    pub text: String,
    pub due: Option<String>,
    pub wall: DateTime<FixedOffset>,
    /// The expected record (format 2 `id`) it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
}

/// A follow-up of a commitment (this session's or an earlier one's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Update {
    pub session: Option<String>,
    pub id: String,
    pub status: CommitmentStatus,
    pub note: Option<String>,
    pub pos: usize,
    pub wall: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub pos: usize,
    pub by_ms: u64,
    pub agreement: Option<Agreement>,
    pub wall: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub pos: usize,
    pub by_ms: u64,
    pub reason: String,
    pub wall: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    pub gap_ms: u64,
    pub cause: GapCause,
    pub pos: usize,
    pub wall: DateTime<FixedOffset>,
}

/// The live state of a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionState {
    pub setup: Setup,
    /// The presenting / roster order.
    pub order: Vec<String>,
    pub groups: Vec<Vec<String>>,
    pub rounds: usize,
    /// The running order of stages.
    pub stages: Vec<StageRef>,
    /// One clock per position in the running order.
    pub clocks: Vec<StageClock>,
    pub status: Status,
    /// Current position in the running order.
    pub pos: usize,
    pub paused: bool,
    /// Reported gaps so far: added to the monotonic offset to get the session's effective time.
    pub skew_ms: u64,
    pub notes: Vec<Note>,
    pub commitments: Vec<Commitment>,
    pub updates: Vec<Update>,
    pub extensions: Vec<Extension>,
    pub refusals: Vec<Refusal>,
    pub gaps: Vec<Gap>,
    pub started_wall: Option<DateTime<FixedOffset>>,
    pub ended_wall: Option<DateTime<FixedOffset>>,
    /// Monotonic offset of the last event applied.
    pub last_at: u64,
    pub last_wall: Option<DateTime<FixedOffset>>,
    /// Number of events applied.
    pub events: u64,
}

impl SessionState {
    /// The state of a set-up session before any event.
    pub fn new(setup: Setup) -> Self {
        let order = setup.participants.clone();
        let mut s = Self {
            setup,
            order,
            groups: Vec::new(),
            rounds: 0,
            stages: Vec::new(),
            clocks: Vec::new(),
            status: Status::NotStarted,
            pos: 0,
            paused: false,
            skew_ms: 0,
            notes: Vec::new(),
            commitments: Vec::new(),
            updates: Vec::new(),
            extensions: Vec::new(),
            refusals: Vec::new(),
            gaps: Vec::new(),
            started_wall: None,
            ended_wall: None,
            last_at: 0,
            last_wall: None,
            events: 0,
        };
        s.replan();
        s
    }

    /// Recomputes groups, rounds, the running order and fresh clocks from the order.
    fn replan(&mut self) {
        let p = &self.setup.protocol;
        self.groups = groups(p, &self.order);
        let sizes: Vec<usize> = self.groups.iter().map(Vec::len).collect();
        self.rounds = if p.round.is_empty() { 0 } else { round_count(p, &sizes) };
        self.stages = running_order(p, self.rounds, self.setup.session_number);
        self.clocks = self
            .stages
            .iter()
            .map(|r| {
                let spec = self.spec_of(r);
                let planned = self
                    .setup
                    .overrides
                    .get(&r.id)
                    .copied()
                    .or_else(|| spec.and_then(StageSpec::duration_secs))
                    .unwrap_or(60)
                    * 1000;
                let warn = spec
                    .and_then(|s| s.warning.as_ref())
                    .and_then(crate::protocol::WarningSpec::before_secs)
                    .map(|w| w * 1000)
                    .filter(|w| *w < planned);
                StageClock::new(planned, warn)
            })
            .collect();
    }

    fn spec_of(&self, r: &StageRef) -> Option<&StageSpec> {
        let p = &self.setup.protocol;
        match r.part {
            crate::protocol::Part::Opening => p.opening.get(r.index),
            crate::protocol::Part::Round => p.round.get(r.index),
            crate::protocol::Part::Closing => p.closing.get(r.index),
        }
    }

    /// The protocol's definition of the stage at a position.
    pub fn spec(&self, pos: usize) -> Option<&StageSpec> {
        self.stages.get(pos).and_then(|r| self.spec_of(r))
    }

    /// The session's effective time for a monotonic offset: reported gaps count as time passed.
    pub fn effective(&self, mono: u64) -> u64 {
        mono + self.skew_ms
    }

    pub fn clock(&self) -> Option<&StageClock> {
        self.clocks.get(self.pos)
    }

    pub fn is_running(&self) -> bool {
        self.status == Status::Running
    }

    /// Whether the stage at `pos` has its expected record(s).
    pub fn has_expected_record(&self, pos: usize) -> bool {
        self.expected_progress(pos).is_none_or(|(have, need)| have >= need)
    }

    /// For a stage that expects a record: how many it has and how many it needs. A round stage
    /// of a protocol run in parallel groups needs one per group (each triad's coachee commits).
    pub fn expected_progress(&self, pos: usize) -> Option<(usize, usize)> {
        let x = self.spec(pos)?.expects.as_ref()?;
        let in_round = self.stages.get(pos).is_some_and(|r| r.round.is_some());
        let need = if in_round { self.groups.len().max(1) } else { 1 };
        let have = match x.record {
            crate::protocol::RecordKind::Commitment => {
                self.commitments.iter().filter(|c| c.pos == pos).count()
            }
            crate::protocol::RecordKind::Note => self.notes.iter().filter(|n| n.pos == pos).count(),
        };
        Some((have, need))
    }

    /// Sum of planned budgets, in milliseconds.
    pub fn planned_ms(&self) -> u64 {
        self.clocks.iter().map(|c| c.planned_ms).sum()
    }
}

/// Applies one event. Infallible: positions out of range are ignored rather than trusted.
pub fn apply(s: &mut SessionState, e: &Stamped) {
    let now = s.effective(e.at);
    s.events += 1;
    s.last_at = s.last_at.max(e.at);
    s.last_wall = Some(e.wall);
    match &e.event {
        Event::OrderChanged { order, .. } => {
            if s.status == Status::NotStarted {
                s.order.clone_from(order);
                s.replan();
            }
        }
        Event::SessionStarted { .. } => {
            s.status = Status::Running;
            s.started_wall = Some(e.wall);
        }
        Event::StageEntered { pos, .. } => {
            if let Some(c) = s.clocks.get_mut(*pos) {
                s.pos = *pos;
                c.visits += 1;
                c.start(now);
                s.paused = false;
            }
        }
        Event::StageLeft { pos, .. } => {
            if let Some(c) = s.clocks.get_mut(*pos) {
                c.close(now);
            }
        }
        Event::Paused { pos, .. } => {
            if let Some(c) = s.clocks.get_mut(*pos) {
                c.pause(now);
                s.paused = true;
            }
        }
        Event::Resumed { pos, .. } => {
            if let Some(c) = s.clocks.get_mut(*pos) {
                c.start(now);
                s.paused = false;
            }
        }
        Event::Extended { pos, by_ms, agreement } => {
            if let Some(c) = s.clocks.get_mut(*pos) {
                c.extend(*by_ms, now);
            }
            s.extensions.push(Extension {
                pos: *pos,
                by_ms: *by_ms,
                agreement: agreement.clone(),
                wall: e.wall,
            });
        }
        Event::ExtensionRefused { pos, by_ms, reason } => s.refusals.push(Refusal {
            pos: *pos,
            by_ms: *by_ms,
            reason: reason.clone(),
            wall: e.wall,
        }),
        Event::Shortened { pos, by_ms } => {
            if let Some(c) = s.clocks.get_mut(*pos) {
                c.shorten(*by_ms);
            }
        }
        Event::WarningReached { pos, .. } => {
            if let Some(c) = s.clocks.get_mut(*pos) {
                c.warned = true;
            }
        }
        Event::TimeUp { pos } => {
            if let Some(c) = s.clocks.get_mut(*pos) {
                c.timed_up = true;
            }
        }
        Event::TimeGap { gap_ms, cause, .. } => {
            s.skew_ms += gap_ms;
            s.gaps.push(Gap { gap_ms: *gap_ms, cause: *cause, pos: s.pos, wall: e.wall });
        }
        Event::NoteAdded { .. }
        | Event::CommitmentAdded { .. }
        | Event::CommitmentUpdated { .. } => apply_record(s, e),
        Event::SessionEnded { outcome, .. } => {
            if let Some(c) = s.clocks.get_mut(s.pos) {
                c.close(now);
            }
            s.paused = false;
            s.status = Status::Ended(*outcome);
            s.ended_wall = Some(e.wall);
        }
    }
}

/// Applies a note, a commitment or a follow-up: the records a session keeps.
fn apply_record(s: &mut SessionState, e: &Stamped) {
    match &e.event {
        Event::NoteAdded { id, pos, text, round, group, about, private, record } => {
            let stage = s.stages.get(*pos).map(|r| r.id.clone()).unwrap_or_default();
            s.notes.push(Note {
                id: id.clone(),
                pos: *pos,
                stage,
                round: *round,
                group: *group,
                about: about.clone(),
                private: *private,
                text: text.clone(),
                wall: e.wall,
                record: record.clone(),
            });
        }
        Event::CommitmentAdded { id, pos, owner, text, due, round, group, record } => {
            let stage = s.stages.get(*pos).map(|r| r.id.clone()).unwrap_or_default();
            s.commitments.push(Commitment {
                id: id.clone(),
                pos: *pos,
                stage,
                round: *round,
                group: *group,
                owner: owner.clone(),
                text: text.clone(),
                due: due.clone(),
                wall: e.wall,
                record: record.clone(),
            });
        }
        Event::CommitmentUpdated { session, id, status, note } => s.updates.push(Update {
            session: session.clone(),
            id: id.clone(),
            status: *status,
            note: note.clone(),
            pos: s.pos,
            wall: e.wall,
        }),
        _ => {}
    }
}

/// Replays a setup and its events.
pub fn replay<'a>(setup: Setup, events: impl IntoIterator<Item = &'a Stamped>) -> SessionState {
    let mut s = SessionState::new(setup);
    for e in events {
        apply(&mut s, e);
    }
    s
}
