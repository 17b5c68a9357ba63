//! Session state as a fold of events: [`SessionState::new`] from a setup, then [`apply`] each event.
//! `apply` is infallible: every event in a log is a fact, already decided.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::event::{Agreement, CommitmentStatus, Event, GapCause, Outcome, ShareListen, Stamped};
use super::plan::{Plan, StageRef, spec_of};
use super::setup::Setup;
use super::stage_clock::StageClock;
use crate::protocol::{Expectation, Per, Protocol, RecordField, RecordKind, StageSpec};

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
#[allow(clippy::struct_field_names)] // `gap_ms` is the log's field
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
    /// Paused because the facilitator left the session to resume it later (until resumed).
    pub left_to_resume: bool,
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
    /// One-per-person records still missing when the session was ended anyway.
    pub ended_without: Vec<String>,
    /// Monotonic offset of the last event applied.
    pub last_at: u64,
    pub last_wall: Option<DateTime<FixedOffset>>,
    /// Number of events applied.
    pub events: u64,
    /// Format 2: the session markers reached (fired, or passed over), in the protocol's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub markers_done: Vec<bool>,
    /// Format 2: the marker shown now, the last one that fired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown_marker: Option<usize>,
    /// Format 2: the stage the shown marker was reached in; the screen shows it in large type
    /// while that stage lasts, until a timed cue fires after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker_pos: Option<usize>,
    /// Each time the session was shared with the room (`sharing-started`), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shares: Vec<Sharing>,
    /// The message to the room shown now (`message-shown`), until it is cleared or the session
    /// ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_message: Option<String>,
    /// Each rebalance the facilitator accepted (`rebalanced`), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rebalances: Vec<Rebalanced>,
}

/// A rebalance the facilitator accepted, as the log says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rebalanced {
    pub wall: DateTime<FixedOffset>,
    /// The position it was accepted at.
    pub pos: usize,
    pub stages: Vec<super::display::NewBudget>,
    /// How far past the stop the session still ended with it (0: it landed on the stop).
    pub short_ms: u64,
}

/// One time the session was shared with the room, as the log says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sharing {
    pub since: DateTime<FixedOffset>,
    /// When it stopped (`sharing-stopped`, the session's end, or the last event before convene
    /// restarted); `None` while it runs.
    pub until: Option<DateTime<FixedOffset>>,
    pub port: u16,
    /// How names were shown: `full`, `first`, `initials` or `none`.
    pub names: String,
    pub listen: ShareListen,
}

impl SessionState {
    /// The state of a set-up session before any event.
    /// The share the log says is running now, if any.
    pub fn sharing(&self) -> Option<&Sharing> {
        self.shares.last().filter(|s| s.until.is_none())
    }

    /// Closes the running share, if any, at `at`.
    fn stop_sharing(&mut self, at: DateTime<FixedOffset>) {
        if let Some(s) = self.shares.last_mut().filter(|s| s.until.is_none()) {
            s.until = Some(at);
        }
    }

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
            left_to_resume: false,
            skew_ms: 0,
            notes: Vec::new(),
            commitments: Vec::new(),
            updates: Vec::new(),
            extensions: Vec::new(),
            refusals: Vec::new(),
            gaps: Vec::new(),
            started_wall: None,
            ended_wall: None,
            ended_without: Vec::new(),
            last_at: 0,
            last_wall: None,
            events: 0,
            markers_done: Vec::new(),
            shown_marker: None,
            marker_pos: None,
            shares: Vec::new(),
            room_message: None,
            rebalances: Vec::new(),
        };
        s.markers_done = vec![false; s.setup.protocol.markers.len()];
        s.replan();
        s
    }

    /// Recomputes groups, rounds, the running order and fresh clocks from the order and the
    /// facts: the session's [`Plan`].
    fn replan(&mut self) {
        let plan = self.plan();
        self.clocks = plan.clocks();
        self.stages = plan.stages.into_iter().map(|s| s.at).collect();
        self.groups = plan.groups;
        self.rounds = plan.rounds;
    }

    /// The plan for the roster as it stands (its order and facts), before any time is spent:
    /// what the start card, the log's header and review quote (see [`super::plan`]).
    pub(crate) fn plan(&self) -> Plan {
        let s = &self.setup;
        Plan::new(&s.protocol, &self.order, &s.facts, &s.overrides, s.session_number)
    }

    fn spec_of(&self, r: &StageRef) -> Option<&StageSpec> {
        spec_of(&self.setup.protocol, r)
    }

    /// The protocol's definition of the stage at a position.
    pub fn spec(&self, pos: usize) -> Option<&StageSpec> {
        self.stages.get(pos).and_then(|r| self.spec_of(r))
    }

    /// The session's effective time for a monotonic offset: reported gaps count as time passed.
    pub fn effective(&self, mono: u64) -> u64 {
        mono.saturating_add(self.skew_ms)
    }

    pub fn clock(&self) -> Option<&StageClock> {
        self.clocks.get(self.pos)
    }

    pub fn is_running(&self) -> bool {
        self.status == Status::Running
    }

    /// Whether the stage at `pos` has its expected record(s). An optional stage always has:
    /// it is run or skipped without the "not recorded" question.
    pub fn has_expected_record(&self, pos: usize) -> bool {
        self.spec(pos).is_some_and(|sp| sp.optional)
            || self.record_progress(pos).iter().all(RecordProgress::done)
    }

    /// For a stage that expects records: how many it has and how many it needs, over all its
    /// expected records. A round stage of a protocol run in parallel groups needs one per group
    /// (each triad's coachee commits); a record `per` participant needs one per person.
    pub fn expected_progress(&self, pos: usize) -> Option<(usize, usize)> {
        let all = self.record_progress(pos);
        if all.is_empty() {
            return None;
        }
        Some(all.iter().fold((0, 0), |(have, need), r| (have + r.have.min(r.need), need + r.need)))
    }

    /// Each record the stage at `pos` expects (`expects`, then `records`), with how far it is.
    pub fn record_progress(&self, pos: usize) -> Vec<RecordProgress> {
        let Some(spec) = self.spec(pos) else { return Vec::new() };
        let all: Vec<&Expectation> = Protocol::expected_records(spec).collect();
        let only = all.len() == 1;
        let in_round = self.stages.get(pos).is_some_and(|r| r.round.is_some());
        all.into_iter()
            .map(|x| {
                // Who made each matching record: a commitment's owner, a note's subject.
                let made: Vec<Option<&str>> = match x.record {
                    RecordKind::Commitment => self
                        .commitments
                        .iter()
                        .filter(|c| c.pos == pos && counts_for(x, only, c.record.as_deref()))
                        .filter(|c| !x.requires(RecordField::Due) || c.due.is_some())
                        .map(|c| Some(c.owner.as_str()))
                        .collect(),
                    RecordKind::Note => self
                        .notes
                        .iter()
                        .filter(|n| n.pos == pos && counts_for(x, only, n.record.as_deref()))
                        .filter(|n| !x.requires(RecordField::About) || n.about.is_some())
                        .map(|n| n.about.as_deref())
                        .collect(),
                };
                let (have, need, missing) = if x.per == Some(Per::Participant) {
                    // The same name in any case, as it looks ("zoë" is Zoë's): who made one,
                    // gathered once, so checking everyone is linear, not people × records.
                    let made: std::collections::HashSet<String> =
                        made.iter().flatten().map(|who| crate::text::name_key(who)).collect();
                    let has = |person: &String| made.contains(&crate::text::name_key(person));
                    let missing: Vec<String> =
                        self.order.iter().filter(|p| !has(p)).cloned().collect();
                    (self.order.len() - missing.len(), self.order.len(), missing)
                } else {
                    let need = if in_round { self.groups.len().max(1) } else { 1 };
                    (made.len(), need, Vec::new())
                };
                RecordProgress {
                    id: x.id.clone(),
                    label: x.label.clone(),
                    kind: x.record,
                    require: x.required_fields(),
                    per_person: x.per.is_some(),
                    have,
                    need,
                    missing,
                }
            })
            .collect()
    }

    /// The records the stage at `pos` still lacks (none in an optional stage).
    pub fn missing_records(&self, pos: usize) -> Vec<RecordProgress> {
        if self.spec(pos).is_some_and(|sp| sp.optional) {
            return Vec::new();
        }
        self.record_progress(pos).into_iter().filter(|r| !r.done()).collect()
    }

    /// One-per-person records missing anywhere in the session, by the stage's position: what
    /// ending the session now would leave without them.
    pub(crate) fn missing_per_person(&self) -> Vec<(usize, RecordProgress)> {
        (0..self.stages.len())
            .flat_map(|pos| {
                self.missing_records(pos)
                    .into_iter()
                    .filter(|r| r.per_person)
                    .map(move |r| (pos, r))
            })
            .collect()
    }

    /// The planned total in milliseconds: the sum of the stages' planned budgets, which is
    /// [`Plan::total_ms`] of [`Self::plan`] (extensions and shortenings change budgets, not it).
    pub fn planned_ms(&self) -> u64 {
        self.clocks.iter().map(|c| c.planned_ms).fold(0, u64::saturating_add)
    }

    /// The time accepted rebalances took off the stages to come, in milliseconds: the plan the
    /// screen measures ahead or behind against is the planned total less this.
    pub(crate) fn rebalanced_ms(&self) -> u64 {
        self.rebalances
            .iter()
            .flat_map(|r| &r.stages)
            .map(|b| b.from_ms.saturating_sub(b.to_ms))
            .fold(0, u64::saturating_add)
    }

    /// Format 2: the session's elapsed time at effective time `eff`, as the markers count it:
    /// the time the stage clocks ran, from the start of the first stage. Pauses do not count.
    pub(crate) fn session_elapsed(&self, eff: u64) -> u64 {
        self.clocks.iter().map(|c| c.elapsed(eff)).fold(0, u64::saturating_add)
    }

    /// Format 2: each marker's point on the session's elapsed time, in milliseconds.
    pub(crate) fn marker_points(&self) -> Vec<u64> {
        super::plan::markers_ms(&self.setup.protocol)
    }
}

/// One record a stage expects, and how far it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordProgress {
    /// The expectation's id (format 2), if it has one.
    pub id: Option<String>,
    /// What is expected, as the protocol words it.
    pub label: String,
    pub kind: RecordKind,
    /// Fields a record needs to count.
    pub require: Vec<RecordField>,
    /// One for each participant (`per: "participant"`).
    pub per_person: bool,
    /// Records (or, one per person, people with one) so far.
    pub have: usize,
    pub need: usize,
    /// One per person: who has none yet.
    pub missing: Vec<String>,
}

impl RecordProgress {
    pub(crate) fn done(&self) -> bool {
        self.have >= self.need
    }

    /// The label with how far it is, when that is worth saying: "Gap task (3 of 5 people;
    /// missing: Dev, Eve)", "The coachee's commitment (1 of 2 groups)".
    pub(crate) fn describe(&self) -> String {
        if self.per_person && !self.missing.is_empty() {
            format!(
                "{} ({} of {} people; missing: {})",
                self.label,
                self.have,
                self.need,
                self.missing.join(", ")
            )
        } else if self.per_person {
            format!("{} ({} of {} people)", self.label, self.have, self.need)
        } else if self.need > 1 {
            format!("{} ({} of {} groups)", self.label, self.have.min(self.need), self.need)
        } else {
            self.label.clone()
        }
    }
}

/// Whether a record naming `record` counts for the expectation `x`: when it names `x`'s id, or
/// whatever it names when `x` is the stage's only expectation (format 1 stages).
fn counts_for(x: &Expectation, only: bool, record: Option<&str>) -> bool {
    only || (record.is_some() && x.id.as_deref() == record)
}

/// Applies one event. Infallible: positions out of range are ignored rather than trusted.
pub fn apply(s: &mut SessionState, e: &Stamped) {
    let now = s.effective(e.at);
    let before = s.last_wall.unwrap_or(e.wall);
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
        Event::FactSet { name, key, value } => set_fact(s, name, key, value.as_deref()),
        Event::SessionStarted { .. } => {
            s.status = Status::Running;
            s.started_wall = Some(e.wall);
        }
        Event::StageEntered { pos, .. } => {
            if let Some(c) = s.clocks.get_mut(*pos) {
                s.pos = *pos;
                c.visits += 1;
                c.start(now);
                // Cues whose time has passed already are not fired late.
                c.shown_cue = None;
                // A marker reached in another stage (or an earlier visit) is not large here.
                s.marker_pos = None;
                c.pass_cues(now);
                s.paused = false;
            }
        }
        Event::StageLeft { pos, .. } => {
            if let Some(c) = s.clocks.get_mut(*pos) {
                c.close(now);
            }
        }
        Event::Paused { pos, left, .. } => {
            if let Some(c) = s.clocks.get_mut(*pos) {
                c.pause(now);
                s.paused = true;
                s.left_to_resume = *left;
            }
        }
        Event::Resumed { pos, .. } => {
            if let Some(c) = s.clocks.get_mut(*pos) {
                c.start(now);
                s.paused = false;
                s.left_to_resume = false;
            }
        }
        Event::Extended { .. } | Event::ExtensionRefused { .. } | Event::Shortened { .. } => {
            apply_extension(s, e, now);
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
        Event::TimeGap { .. } | Event::CueReached { .. } | Event::MarkerReached { .. } => {
            // convene was down: its share stopped with it, after the last event it wrote.
            if matches!(e.event, Event::TimeGap { cause: GapCause::Restart, .. }) {
                s.stop_sharing(before);
            }
            apply_timing(s, e);
        }
        Event::NoteAdded { .. }
        | Event::CommitmentAdded { .. }
        | Event::CommitmentUpdated { .. } => apply_record(s, e),
        // Which machine runs it changes nothing in the room.
        Event::ContinuedOn { .. } => {}
        // Sharing changes nothing in the room's timing or records.
        Event::SharingStarted { .. } | Event::SharingStopped => apply_sharing(s, e, before),
        Event::MessageShown { .. } | Event::MessageCleared => s.room_message = room_message(e),
        Event::TimesSet { .. } | Event::Rebalanced { .. } => apply_schedule(s, e),
        Event::SessionEnded { outcome, without, .. } => {
            s.stop_sharing(e.wall);
            s.room_message = None;
            s.ended_without.clone_from(without);
            if let Some(c) = s.clocks.get_mut(s.pos) {
                c.close(now);
            }
            s.paused = false;
            s.status = Status::Ended(*outcome);
            s.ended_wall = Some(e.wall);
        }
    }
}

/// An extension (with the group's agreement, if asked), a refused one, or a stage shortened.
fn apply_extension(s: &mut SessionState, e: &Stamped, now: u64) {
    match &e.event {
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
        _ => {}
    }
}

/// The message to the room after a `message-shown` (its text) or `message-cleared` (none).
fn room_message(e: &Stamped) -> Option<String> {
    match &e.event {
        Event::MessageShown { text } => Some(text.clone()),
        _ => None,
    }
}

/// The planned start and the hard stop were set before the start; or a rebalance was accepted:
/// the stages to come take their new budgets.
fn apply_schedule(s: &mut SessionState, e: &Stamped) {
    if let Event::TimesSet { planned_start, hard_stop } = &e.event {
        if s.status == Status::NotStarted {
            s.setup.planned_start = *planned_start;
            s.setup.hard_stop = *hard_stop;
        }
        return;
    }
    let Event::Rebalanced { pos, stages, short_ms } = &e.event else { return };
    for b in stages {
        if let Some(c) = s.clocks.get_mut(b.pos) {
            c.budget_ms = b.to_ms;
        }
    }
    s.rebalances.push(Rebalanced {
        wall: e.wall,
        pos: *pos,
        stages: stages.clone(),
        short_ms: *short_ms,
    });
}

/// Sharing began or stopped. A share still open when sharing starts again ended with the process
/// that ran it, at `before` (the last event before this one).
fn apply_sharing(s: &mut SessionState, e: &Stamped, before: DateTime<FixedOffset>) {
    if let Event::SharingStarted { port, names, listen } = &e.event {
        s.stop_sharing(before);
        s.shares.push(Sharing {
            since: e.wall,
            until: None,
            port: *port,
            names: names.clone(),
            listen: *listen,
        });
    } else {
        s.stop_sharing(e.wall);
    }
}

/// A participant's fact set (or cleared) before the start: the groups and teams follow it.
fn set_fact(s: &mut SessionState, name: &str, key: &str, value: Option<&str>) {
    if s.status != Status::NotStarted {
        return;
    }
    let facts = s.setup.facts.entry(name.to_string()).or_default();
    match value {
        Some(v) => {
            facts.insert(key.to_string(), v.to_string());
        }
        None => {
            facts.remove(key);
        }
    }
    if facts.is_empty() {
        s.setup.facts.remove(name);
    }
    s.replan();
}

/// Applies a time gap, a cue or a marker: what time alone records beyond the stage clock.
fn apply_timing(s: &mut SessionState, e: &Stamped) {
    match &e.event {
        Event::TimeGap { gap_ms, cause, .. } => {
            s.skew_ms = s.skew_ms.saturating_add(*gap_ms);
            s.gaps.push(Gap { gap_ms: *gap_ms, cause: *cause, pos: s.pos, wall: e.wall });
            // Cues the gap jumped over (a sleep, a crash) are not fired late, in a burst.
            let after = s.effective(e.at);
            if s.is_running()
                && let Some(c) = s.clocks.get_mut(s.pos)
            {
                c.pass_cues(after);
            }
        }
        Event::CueReached { pos, index, missed } => {
            if let Some(c) = s.clocks.get_mut(*pos) {
                for i in missed.iter().chain(std::iter::once(index)) {
                    if let Some(cue) = c.cues.get_mut(*i) {
                        cue.done = true;
                    }
                }
                c.shown_cue = Some(*index);
            }
            // The latest of a marker and a cue is the one shown large.
            if s.marker_pos == Some(*pos) {
                s.marker_pos = None;
            }
        }
        Event::MarkerReached { index, missed, .. } => {
            for i in missed.iter().chain(std::iter::once(index)) {
                if let Some(done) = s.markers_done.get_mut(*i) {
                    *done = true;
                }
            }
            if *index < s.markers_done.len() {
                s.shown_marker = Some(*index);
                s.marker_pos = Some(s.pos);
            }
        }
        _ => {}
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
