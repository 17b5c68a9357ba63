//! Commands (what the facilitator asks for) and events (what happened). Events are the log: each
//! carries everything a log reader needs without the engine's help.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// The moment a command is decided: the session's monotonic offset and the wall clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    /// Milliseconds since the session was set up, from a monotonic clock.
    pub mono: u64,
    /// The wall-clock time, for people to read.
    pub wall: DateTime<FixedOffset>,
}

/// An event with the time it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamped {
    /// Monotonic milliseconds since the session was set up.
    pub at: u64,
    /// RFC 3339 with milliseconds and offset.
    #[serde(with = "wall_ms")]
    pub wall: DateTime<FixedOffset>,
    #[serde(flatten)]
    pub event: Event,
}

/// Wall-clock times in logs: RFC 3339 with milliseconds and the UTC offset.
pub(crate) mod wall_ms {
    use chrono::{DateTime, FixedOffset, SecondsFormat};
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(
        t: &DateTime<FixedOffset>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Millis, false))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<DateTime<FixedOffset>, D::Error> {
        let text = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&text).map_err(serde::de::Error::custom)
    }
}

impl Now {
    /// A moment with the wall clock truncated to milliseconds, as logs keep it.
    pub fn new(mono: u64, wall: DateTime<FixedOffset>) -> Self {
        use chrono::Timelike;
        let ms = wall.nanosecond() / 1_000_000 * 1_000_000;
        Self { mono, wall: wall.with_nanosecond(ms).unwrap_or(wall) }
    }
}

/// Who agreed to an extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "by", content = "names")]
pub enum Agreement {
    /// "Group agreed".
    Group,
    /// These people agreed.
    People(Vec<String>),
}

impl Agreement {
    pub(crate) fn describe(&self) -> String {
        match self {
            Agreement::Group => "group agreed".into(),
            Agreement::People(p) => format!("agreed by {}", p.join(", ")),
        }
    }
}

/// How a stage was left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Leave {
    /// Moved on with `next`.
    Next,
    /// Went back to the previous stage.
    Back,
    Skip,
    Jump,
    /// Moved on by itself at time up (auto-advance).
    Auto,
    /// The session ended in this stage.
    End,
}

/// Why a time gap was reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GapCause {
    /// The machine slept: wall time passed while the monotonic clock stood still.
    Suspend,
    /// convene was not running (a crash or a quit to resume later).
    Restart,
}

/// Status of an earlier commitment at follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum CommitmentStatus {
    Done,
    Partly,
    NotYet,
    CarriedForward,
}

impl CommitmentStatus {
    pub fn label(self) -> &'static str {
        match self {
            CommitmentStatus::Done => "done",
            CommitmentStatus::Partly => "partly done",
            CommitmentStatus::NotYet => "not yet",
            CommitmentStatus::CarriedForward => "carried forward",
        }
    }

    /// Whether the commitment stays open for the next session.
    pub(crate) fn stays_open(self) -> bool {
        !matches!(self, CommitmentStatus::Done)
    }
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The last stage finished.
    Completed,
    /// Ended before the last stage finished.
    EndedEarly,
}

/// Where a share listens: the laptop's private addresses (the default), or the one address
/// `--share-addr` named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ShareListen {
    /// The laptop's private addresses and loopback.
    Private,
    /// The address `--share-addr` named.
    Named,
}

impl ShareListen {
    /// How `logs show` says it.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            ShareListen::Private => "the laptop's private addresses",
            ShareListen::Named => "the address named with --share-addr",
        }
    }
}

/// What the facilitator asks the engine to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Before the start: set the whole presenting order.
    SetOrder {
        order: Vec<String>,
    },
    /// Before the start: move one member to the front (a pressing issue).
    MoveToFront {
        name: String,
        reason: Option<String>,
    },
    /// Before the start: set (or, with `None`, clear) a fact of a participant, such as their
    /// school.
    SetFact {
        name: String,
        key: String,
        value: Option<String>,
    },
    /// Before the start: set (or, with `None`, clear) the planned start and the hard stop
    /// (the start card's `t`; times of today the screen read).
    SetTimes {
        planned_start: Option<DateTime<FixedOffset>>,
        hard_stop: Option<DateTime<FixedOffset>>,
    },
    Start,
    Pause,
    /// Pause because the facilitator leaves the session to resume it later (`q`, then `l`):
    /// the mirror and shared screens can say so.
    PauseToLeave,
    Resume,
    /// Move on; `force` leaves a stage whose expected record is missing (and logs that).
    Next {
        force: bool,
    },
    Back,
    Skip,
    /// Jump to a position in the running order (0-based).
    Jump {
        to: usize,
    },
    /// Add time; under a group-agreement policy, `agreement` is required.
    Extend {
        by_ms: u64,
        agreement: Option<Agreement>,
    },
    /// Record that an extension was asked for and the group did not agree.
    RefuseExtension {
        by_ms: u64,
        reason: Option<String>,
    },
    Shorten {
        by_ms: u64,
    },
    /// Wall time passed that the monotonic clock did not see.
    ReportGap {
        gap_ms: u64,
        cause: GapCause,
    },
    AddNote {
        text: String,
        about: Option<String>,
        group: Option<usize>,
        private: bool,
        /// The expected record (format 2 `id`) this note is for, if any.
        record: Option<String>,
    },
    AddCommitment {
        owner: String,
        text: String,
        due: Option<String>,
        group: Option<usize>,
        /// The expected record (format 2 `id`) this commitment is for, if any.
        record: Option<String>,
    },
    /// Follow up a commitment: this session's (`session` None) or an earlier one's.
    UpdateCommitment {
        session: Option<String>,
        id: String,
        status: CommitmentStatus,
        note: Option<String>,
    },
    /// The session is continued on another machine than the one that last ran it (`convene
    /// resume` of another laptop's session): `machine` is this machine's id, `name` its name.
    ContinueOn {
        machine: String,
        name: Option<String>,
    },
    /// The session is now shared with the devices in the room (the live screen started a share):
    /// its port and view settings, never its token.
    StartSharing {
        port: u16,
        /// How names are shown on the page: `full`, `first`, `initials` or `none`.
        names: String,
        listen: ShareListen,
    },
    /// The session's share stopped before the session ended.
    StopSharing,
    /// Show a short message to the room ("Back at 10:45") on the projector, the mirror and the
    /// shared pages until it is cleared: public by design. Cleaned and bounded by the engine
    /// ([`ROOM_MESSAGE_MAX`] characters, one line, no control characters).
    ShowMessage {
        text: String,
    },
    /// Take the message to the room away.
    ClearMessage,
    /// Give the stages still to come these budgets (position, milliseconds): a rebalance to
    /// land on the hard stop ([`super::display::proposal`]) the facilitator accepted.
    /// `short_ms` is how far past the stop it still ends (0: it lands on it).
    Rebalance {
        budgets: Vec<super::display::NewBudget>,
        short_ms: u64,
    },
    /// End the session; refused while a one-per-person record is missing
    /// ([`Rejection::NotRecordedAtEnd`]).
    End,
    /// End the session although one-per-person records are missing (the facilitator
    /// confirmed); the log names them ([`Event::SessionEnded`]'s `without`).
    EndAnyway,
}

/// What happened. Serialized with a `type` tag; see `docs/log-format.md`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Event {
    OrderChanged {
        order: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Before the start, a participant's fact was set (or cleared, without `value`).
    FactSet {
        name: String,
        key: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    },
    /// Before the start, the planned start and the hard stop were set on the start card (each
    /// absent: none). Replay applies them to the setup's `planned_start` and `hard_stop`.
    TimesSet {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        planned_start: Option<DateTime<FixedOffset>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hard_stop: Option<DateTime<FixedOffset>>,
    },
    SessionStarted {
        /// Sum of planned stage budgets, in milliseconds.
        planned_ms: u64,
    },
    StageEntered {
        /// Position in the running order.
        pos: usize,
        stage: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        round: Option<usize>,
        /// Budget when entered (planned, or what is left of it on a return visit).
        budget_ms: u64,
        /// How it was reached.
        via: Leave,
    },
    StageLeft {
        pos: usize,
        stage: String,
        how: Leave,
        planned_ms: u64,
        budget_ms: u64,
        elapsed_ms: u64,
        overrun_ms: u64,
        /// Left although its expected record was missing.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        without_record: bool,
    },
    Paused {
        pos: usize,
        remaining_ms: i64,
        /// Paused because the facilitator left the session, to resume it later.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        left: bool,
    },
    Resumed {
        pos: usize,
        paused_ms: u64,
    },
    Extended {
        pos: usize,
        by_ms: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agreement: Option<Agreement>,
    },
    ExtensionRefused {
        pos: usize,
        by_ms: u64,
        reason: String,
    },
    Shortened {
        pos: usize,
        by_ms: u64,
    },
    WarningReached {
        pos: usize,
        remaining_ms: i64,
    },
    TimeUp {
        pos: usize,
    },
    /// Format 2: a timed cue of the stage (`cues`) fired. Cues that fell due at the same moment
    /// are `missed`: marked done, not shown.
    CueReached {
        pos: usize,
        /// The cue's index in the stage's `cues`.
        index: usize,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        missed: Vec<usize>,
    },
    /// Format 2: a session marker (`markers`) was reached. Markers that fell due at the same
    /// moment are `missed`: marked reached, not shown.
    MarkerReached {
        /// The marker's index in the protocol's `markers`.
        index: usize,
        /// The session's elapsed time (the time its stage clocks ran).
        elapsed_ms: u64,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        missed: Vec<usize>,
    },
    TimeGap {
        gap_ms: u64,
        cause: GapCause,
        /// Whether a stage clock was running, so the gap counted against it.
        counted: bool,
    },
    NoteAdded {
        id: String,
        pos: usize,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        round: Option<usize>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<usize>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        about: Option<String>,
        private: bool,
        /// The expected record (format 2 `id`) this note is for.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        record: Option<String>,
    },
    CommitmentAdded {
        id: String,
        pos: usize,
        owner: String,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        round: Option<usize>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<usize>,
        /// The expected record (format 2 `id`) this commitment is for.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        record: Option<String>,
    },
    CommitmentUpdated {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        session: Option<String>,
        id: String,
        status: CommitmentStatus,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// The session was continued on another machine than the one that last ran it (its log
    /// arrived through a shared folder): from here on that machine runs it.
    ContinuedOn {
        machine: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// The running session began sharing with the devices in the room (`--share`, the share key):
    /// the port and the view settings. The token is never written.
    SharingStarted {
        port: u16,
        /// How names are shown on the page: `full`, `first`, `initials` or `none`.
        names: String,
        listen: ShareListen,
    },
    /// The running session's share stopped before the session ended (the share key again).
    SharingStopped,
    /// A message to the room was put up (it replaces any shown before): shown on the projector,
    /// the mirror and the shared pages until `message-cleared`. Public by design.
    MessageShown {
        text: String,
    },
    /// The message to the room was taken away.
    MessageCleared,
    /// The facilitator accepted a rebalance of the stages still to come, to land on the hard
    /// stop (`--until`): each stage's budget before and after. Replay sets those budgets.
    Rebalanced {
        /// The position it was accepted at.
        pos: usize,
        stages: Vec<super::display::NewBudget>,
        /// How far past the stop the session still ends with it (0: it lands on the stop).
        #[serde(default, skip_serializing_if = "is_zero")]
        short_ms: u64,
    },
    SessionEnded {
        outcome: Outcome,
        /// Where it stopped.
        pos: usize,
        /// One-per-person records still missing when it ended ("Gap task (3 of 5 people;
        /// missing: Dev, Eve)"): the facilitator confirmed ending without them.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        without: Vec<String>,
    },
}

/// A command the engine refused. Its message (`Display`) is what the facilitator reads on screen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("The session has already started.")]
    AlreadyStarted,
    #[error("The session has not started yet.")]
    NotStarted,
    #[error("The session has ended.")]
    Ended,
    #[error("The session has already ended.")]
    AlreadyEnded,
    #[error("This protocol has no stages to run.")]
    NoStages,
    #[error("This protocol follows the order the participants were given in.")]
    FixedOrder,
    #[error("The new order must list exactly the same people.")]
    DifferentPeople,
    #[error("{name} is not in this session.")]
    NotInSession { name: String },
    #[error("{value} is not one of the choices for {label}: {choices}.")]
    NotAChoice { value: String, label: String, choices: String },
    #[error("Type the value as plain text (no control characters).")]
    UnsafeFact,
    #[error("Not changed: {problem}")]
    FactRefused { problem: String },
    #[error("Cannot start yet: {problem}. Mark the others with e (Fact: role).")]
    TeamTooSmall { problem: String },
    #[error("This protocol has no fact \"{key}\" (its facts: {facts}).")]
    UnknownFact { key: String, facts: String },
    #[error("Already paused.")]
    AlreadyPaused,
    #[error("The clock is already running.")]
    NotPaused,
    /// Moving on without the stage's expected records: `label` names each one missing (with
    /// several groups or one per person, how many have it), `count` how many are missing;
    /// `groups` is (recorded, needed) when the stage expects one record per group.
    #[error(
        "Not recorded yet: {label}. Add {} first, or confirm to move on without {}.",
        them(*count), them(*count)
    )]
    NotRecorded { label: String, groups: Option<(usize, usize)>, count: usize },
    /// Ending the session while one-per-person records are missing.
    #[error(
        "Not recorded yet: {label}. Add {} first, or confirm to end the session without {}.",
        them(*count), them(*count)
    )]
    NotRecordedAtEnd { label: String, count: usize },
    #[error("A commitment here needs a time frame: say by when.")]
    NeedsDue,
    #[error("A note here needs its \"About\": say who or what it is about.")]
    NeedsAbout,
    #[error("This stage expects no record \"{id}\".")]
    NoSuchRecord { id: String },
    #[error("This is the first stage: there is nothing to go back to.")]
    FirstStage,
    #[error("There is no stage {number} (the session has {count}).")]
    NoSuchStage { number: usize, count: usize },
    #[error("That is the current stage.")]
    CurrentStage,
    #[error("Extend by more than zero.")]
    EmptyExtension,
    #[error("This stage cannot be extended: the protocol does not allow it.")]
    ExtensionNotAllowed,
    #[error(
        "Extending this stage needs the group's agreement: ask the group, then record that it agreed (or who agreed)."
    )]
    NeedsAgreement,
    /// Format 2: extending a stage of a round under `round_extension: "group-agreement"` that
    /// would take the round (a presenter's slot) past its planned total.
    #[error("This would take {slot} past its {planned}: the group must agree.")]
    SlotNeedsAgreement { slot: String, planned: String },
    /// Format 2: as [`Rejection::SlotNeedsAgreement`], under `round_extension: "not-allowed"`.
    #[error("This would take {slot} past its {planned}, and the protocol does not allow that.")]
    SlotNotAllowed { slot: String, planned: String },
    #[error("Say who agreed, or record that the group agreed.")]
    NoOneAgreed,
    #[error("There is no time left to take off this stage: move on with n, or extend it.")]
    NoTimeLeft,
    #[error("A gap must be longer than zero.")]
    EmptyGap,
    #[error("The note is empty.")]
    EmptyNote,
    #[error("The commitment is empty: say what will be done.")]
    EmptyCommitment,
    #[error("Say who made the commitment.")]
    NoOwner,
    #[error("There is no group {number} (there are {count}).")]
    NoSuchGroup { number: usize, count: usize },
    #[error("The session is not shared with the room.")]
    NotSharing,
    #[error("The message is empty: type what the room should read.")]
    EmptyMessage,
    #[error("There is no message to the room to clear.")]
    NoMessage,
    #[error(
        "There is nothing to rebalance: no stage still to come may give time, or the session already ends by its stop."
    )]
    NothingToRebalance,
    #[error("Not changed: {problem}")]
    TimesRefused { problem: String },
    #[error("There is no commitment {id} to follow up.")]
    UnknownCommitment { id: String },
}

/// The longest message to the room, in characters: it must read from the back of the room.
pub const ROOM_MESSAGE_MAX: usize = 60;

/// A message to the room as the engine keeps it: one line (line breaks and tabs become spaces,
/// runs of spaces one), no control or invisible characters, at most [`ROOM_MESSAGE_MAX`]
/// characters.
pub fn clean_room_message(text: &str) -> String {
    let cleaned: String = crate::text::clean_name(text)
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|c| !crate::text::is_unsafe(*c))
        .collect();
    let words: Vec<&str> = cleaned.split(' ').filter(|w| !w.is_empty()).collect();
    words.join(" ").chars().take(ROOM_MESSAGE_MAX).collect::<String>().trim_end().to_string()
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_zero(v: &u64) -> bool {
    *v == 0
}

/// "it" for one missing record, "them" for several.
fn them(count: usize) -> &'static str {
    if count == 1 { "it" } else { "them" }
}
