//! The protocol file format (`"format": 1` and `"format": 2`), as serde types. See
//! `docs/protocol-format.md`.
//!
//! Format 2 is format 1 plus the fields marked "format 2" below; a format 1 file that uses one of
//! them is refused with a message naming the field (`validate`), so format 1 files keep meaning
//! exactly what they meant.
//!
//! Durations are read once, with the file, into [`TimeSpan`] and [`TimeRange`]: they keep the
//! text the author wrote, so that a log embeds the protocol exactly as it was used, and the
//! seconds the engine counts. `validate` reports any that is not a duration.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, SchemaGenerator, json_schema};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub(crate) use super::duration::{TimeRange, TimeSpan};

/// The newest protocol format this build reads (it reads every format from 1 up to this one).
pub(crate) const FORMAT_VERSION: u32 = 2;
/// The first format, still read unchanged.
pub(crate) const FORMAT_1: u32 = 1;

/// What a duration looks like in the JSON Schema: hours, minutes and seconds, each at most once
/// and in that order (`"4m"`, `"90s"`, `"1h30m"`, `"1h 30m"`). `validate` says more precisely
/// what is wrong with one.
pub(crate) const DURATION_PATTERN: &str = r"^ *[0-9]+[hms]( *[0-9]+[ms])?( *[0-9]+s)? *$";
/// A stage's duration in the JSON Schema: a duration, or (format 2) a range `"90m-2h"`.
pub(crate) const DURATION_RANGE_PATTERN: &str =
    r"^ *[0-9]+[hms]( *[0-9]+[ms])?( *[0-9]+s)? *(- *[0-9]+[hms]( *[0-9]+[ms])?( *[0-9]+s)? *)?$";
/// A kebab-case id in the JSON Schema: `project-tuning`.
pub(crate) const KEBAB_PATTERN: &str = r"^[a-z0-9]+(-[a-z0-9]+)*$";

/// Role ids that every protocol may use in stages without declaring them.
pub(crate) const FACILITATOR: &str = "facilitator";
/// Everyone in the group.
pub(crate) const EVERYONE: &str = "everyone";

/// One protocol: identity, roles, group rules, rotation, stages and norms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Protocol {
    /// A JSON Schema reference for editors (`convene protocols schema`); ignored by convene.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Format version: 1 or 2 ([`FORMAT_VERSION`]).
    #[schemars(range(min = 1, max = 2), description = "Format version: 1 or 2.")]
    pub format: u32,
    /// Kebab-case, unique in the library.
    #[schemars(regex(pattern = KEBAB_PATTERN))]
    pub id: String,
    #[schemars(description = "Shown on screen and in lists.")]
    pub name: String,
    /// One paragraph: what the protocol is for.
    pub summary: String,
    /// Where the protocol comes from, as plain attribution.
    pub source: String,
    /// Format 2: whether the whole structure is the sources' or ours (see [`Provenance`]).
    #[serde(default, skip_serializing_if = "Provenance::is_source")]
    pub origin: Provenance,
    /// Whether a facilitator runs it, and the facilitator's rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facilitator: Option<FacilitatorSpec>,
    #[schemars(description = "The roles people hold in a group (at least one).")]
    pub roles: Vec<RoleSpec>,
    #[serde(default)]
    #[schemars(description = "How many people may take part, and whether they split into groups.")]
    pub group: GroupRules,
    #[serde(default)]
    #[schemars(description = "How many rounds a session has, and who decides the order.")]
    pub rotation: Rotation,
    /// The extension policy for every stage that does not set its own.
    #[serde(default)]
    pub extension: ExtensionPolicy,
    /// Run once, before the rounds.
    #[serde(default)]
    pub opening: Vec<StageSpec>,
    /// Run once per round, with that round's role assignment.
    #[serde(default)]
    pub round: Vec<StageSpec>,
    /// Run once, after the rounds.
    #[serde(default)]
    pub closing: Vec<StageSpec>,
    /// Ground rules, shown before the first stage and on demand: a string, or (format 2)
    /// `{ "text": ..., "origin": "added" }` for one that is ours.
    #[serde(default)]
    pub norms: Vec<Norm>,
    /// Format 2, the older spelling of `{ "text": ..., "origin": "added" }` in `norms`: ground
    /// rules that are ours, not the source's; still read, shown marked as added.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub added_norms: Vec<String>,
    /// Format 2: the extension policy of a round as a whole (a presenter's slot). Under
    /// `group-agreement`, extending a stage of the round asks for agreement only when it would
    /// take the round past its planned total; moving time between its stages is free. Stages of
    /// the round then use `free` unless they set their own policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round_extension: Option<ExtensionPolicy>,
    /// Format 2: markers on the session's elapsed time (from the start of the first stage).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub markers: Vec<MarkerSpec>,
    /// Format 2: facts about participants the protocol uses (school, category...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<FactSpec>,
    /// Format 2: the sessions of one group form a numbered course.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course: Option<CourseSpec>,
}

/// Format 2: a marker on the session's elapsed time, e.g. "typical minimum reached" at 1h30m.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkerSpec {
    /// Elapsed session time, such as `"1h30m"`.
    #[schemars(regex(pattern = DURATION_PATTERN))]
    pub after: TimeSpan,
    #[schemars(description = "What the marker says.")]
    pub message: String,
    /// A warning (shown as one, with its word), rather than information. It never stops the
    /// session.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub warn: bool,
    /// Format 2: whether the sources give this marker (see [`Provenance`]).
    #[serde(default, skip_serializing_if = "Provenance::is_source")]
    pub origin: Provenance,
}

/// Format 2: a fact about each participant, given with `--people "Ann (Oak Primary)"` or a roster
/// file's column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FactSpec {
    /// Kebab-case key; the roster file's column of the same name. `school` is the fact a bare
    /// value in parentheses gives (`Ann (Oak Primary)`).
    pub key: String,
    /// How the fact is named on screen: "School", "Problem category".
    pub label: String,
    /// The values allowed, if the fact is a choice (e.g. pupil, parent, course leader,
    /// colleague).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// Every participant should have it: the start card warns for those without it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
}

/// Format 2: a course, such as the middle-leader programme's three to six sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CourseSpec {
    /// How many sessions a course has: `"3-6"` or `"4"`. A session numbered outside it is
    /// warned about, never refused.
    #[schemars(regex(pattern = r"^ *[0-9]+ *(- *[0-9]+ *)?$"))]
    pub sessions: String,
}

/// Present when a facilitator runs the protocol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FacilitatorSpec {
    /// The facilitator's rule, e.g. "Speaks last and as little as possible".
    pub rule: String,
}

/// A role people hold in a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleSpec {
    #[schemars(
        description = "How stages refer to the role; unique, not `facilitator` or `everyone`."
    )]
    pub id: String,
    #[schemars(description = "Shown on screen.")]
    pub name: String,
    /// How many people hold it in a group: a number, or `"rest"`.
    pub count: RoleCount,
    /// What this role does and must not do, in one line.
    pub guidance: String,
    /// Format 2: the role is held by a team of named people together (an executive team),
    /// those given the fact `role` with this role's id or name; `count` is then the fewest.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub team: bool,
}

/// How many people hold a role in one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleCount {
    Exact(u32),
    /// Everyone not holding another role (possibly nobody).
    Rest,
}

/// Who can take part: limits (rules) and recommendations (warnings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupRules {
    /// Fewest participants in a session.
    #[serde(default = "one")]
    pub min: u32,
    /// Most participants in a session (refused above): a rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
    /// Format 2: most participants recommended (a warning above, never a refusal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommended_max: Option<u32>,
    /// Format 2: a fact key (e.g. `school`) each member of the session is expected to differ
    /// on: "one member per school" (a warning).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_per: Option<String>,
    /// Format 2: a fact key (e.g. `school`) the split groups should mix: members are dealt so
    /// that a group's members differ on it where the roster allows (cross-school trios).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mix: Option<String>,
    /// Split the participants into parallel groups of this size that share one clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split_into: Option<u32>,
    /// Recommended: a participant count that is a multiple of this (a warning, never a refusal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiple_of: Option<u32>,
}

fn one() -> u32 {
    1
}

impl Default for GroupRules {
    fn default() -> Self {
        Self {
            min: 1,
            max: None,
            recommended_max: None,
            split_into: None,
            multiple_of: None,
            one_per: None,
            mix: None,
        }
    }
}

/// How many rounds a session has, and who decides the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rotation {
    #[serde(default)]
    #[schemars(description = "A whole number, \"per-member\" or \"role-cycle\" (default 1).")]
    pub rounds: Rounds,
    /// Whether the group chooses the presenting order at the start.
    #[serde(default)]
    pub order: OrderRule,
}

/// How many rounds a session has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rounds {
    /// One round per member of the (smallest) group: everyone takes the first role once.
    PerMember,
    /// One round per role: in a group as large as the role list, everyone holds each role once.
    RoleCycle,
    /// A fixed number of rounds.
    Fixed(u32),
    /// One round (the default).
    #[default]
    Once,
}

/// Who decides the order of the rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OrderRule {
    /// Rounds follow the order the participants were given in.
    #[default]
    Given,
    /// The group chooses the order at the start (it can be changed on the start card).
    GroupChooses,
}

/// Whether a stage's time can be extended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ExtensionPolicy {
    #[default]
    Free,
    /// An extension must record the group's agreement.
    GroupAgreement,
    NotAllowed,
}

/// Whether a stage's duration comes from the source or is only a suggestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Timing {
    /// The source fixes this duration.
    Fixed,
    /// The source gives no duration: this is a default the facilitator should confirm.
    #[default]
    Suggested,
}

/// A stage: its time, who speaks and who stays silent, prompts, warnings and records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StageSpec {
    /// Unique across the protocol.
    #[schemars(regex(pattern = KEBAB_PATTERN))]
    pub id: String,
    #[schemars(description = "Shown on screen; two stages may share a name if subtitles differ.")]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(description = "Shown after the name: \"Reflection — Presenter\".")]
    pub subtitle: Option<String>,
    /// `"4m"`, `"90s"`, `"1h30m"`; format 2 also a range, `"90m-2h"`: planned at the lower
    /// end, warned at the upper.
    #[schemars(regex(pattern = DURATION_RANGE_PATTERN))]
    pub duration: TimeRange,
    #[serde(default)]
    #[schemars(description = "\"fixed\" when the source gives the duration, else \"suggested\".")]
    pub timing: Timing,
    /// Roles that speak, each with a short cue.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub speak: Vec<Cue>,
    /// Roles that must stay silent, each with a short cue.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub silent: Vec<Cue>,
    /// Questions shown on screen.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prompts: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<WarningSpec>,
    /// Something that should be recorded before the stage is left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expects: Option<Expectation>,
    /// Overrides the protocol's extension policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<ExtensionPolicy>,
    /// This stage reviews the group's open commitments from earlier sessions.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub follow_up: bool,
    /// Format 2: more timed cues, counted from the end (`before`) or the start (`after`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cues: Vec<TimedCue>,
    /// Format 2: run or skipped by the facilitator; skipping it asks nothing.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
    /// Format 2: the stage runs only from this session of a course on (2: the gap-task review).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_session: Option<u32>,
    /// Format 2: the stage runs only up to this session of a course (1: the longer theory input
    /// of a first session, which has no gap tasks to review).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until_session: Option<u32>,
    /// Format 2: several records expected before the stage is left (with `expects`, if both).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<Expectation>,
    /// Format 2: the id of a carried record (`"carry": true`) whose note from the group's
    /// previous session this stage shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried: Option<String>,
    /// Format 2: whether the sources give this stage (see [`Provenance`]); its duration's own mark
    /// is `timing`.
    #[serde(default, skip_serializing_if = "Provenance::is_source")]
    pub origin: Provenance,
    /// Format 2: the stage may give time when a session is rebalanced to land on its hard stop
    /// (`--until`), down to `min`; a stage without it keeps its time (a presenter's slot, a
    /// step whose time the source gives).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_give: Option<CanGive>,
}

/// Format 2: how far a stage may give time when a session is rebalanced to land on its hard stop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CanGive {
    /// The shortest the stage may become, e.g. `"5m"`: at most its duration (a range's lower end).
    #[schemars(regex(pattern = DURATION_PATTERN))]
    pub min: TimeSpan,
}

/// Format 2: a cue shown at a time in a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimedCue {
    /// Time before the planned end, such as `"3m"` (exactly one of `before` and `after`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = DURATION_PATTERN))]
    pub before: Option<TimeSpan>,
    /// Time after the stage starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = DURATION_PATTERN))]
    pub after: Option<TimeSpan>,
    #[schemars(description = "What the cue says.")]
    pub message: String,
    /// The role that acts on the cue; the screen names its holders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Format 2: whether the sources give this cue (see [`Provenance`]).
    #[serde(default, skip_serializing_if = "Provenance::is_source")]
    pub origin: Provenance,
}

/// What a role does in a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cue {
    /// A role id, `facilitator` or `everyone`.
    pub role: String,
    #[schemars(description = "What the role does in this stage, in a few words.")]
    pub cue: String,
    /// Format 2: whether the sources give this cue (see [`Provenance`]).
    #[serde(default, skip_serializing_if = "Provenance::is_source")]
    pub origin: Provenance,
}

/// A warning some time before the end of a stage (the WRAP UP state).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WarningSpec {
    /// Lead time before the end of the stage, e.g. `"3m"`.
    #[schemars(regex(pattern = DURATION_PATTERN))]
    pub before: TimeSpan,
    #[schemars(description = "What the warning says.")]
    pub message: String,
    /// The role that acts on the warning; the screen names its holders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Format 2: whether the sources give this warning (see [`Provenance`]).
    #[serde(default, skip_serializing_if = "Provenance::is_source")]
    pub origin: Provenance,
}

/// Something that should be recorded before a stage is left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// Format 2: kebab-case id, unique in the protocol; needed to carry the record or to tell
    /// several records of a stage apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[schemars(description = "\"commitment\" (followed up later) or \"note\".")]
    pub record: RecordKind,
    /// The role that owns the record (default owner of a commitment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// What is expected, in a few words: "Coachee's commitment, with a time frame".
    pub label: String,
    /// Format 2: fields the record must have: `"due"` (a commitment's time frame), `"about"`
    /// (a note's subject or owner); `{ "field": "due", "origin": "added" }` for a requirement
    /// that is ours.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub require: Vec<Required>,
    /// Format 2: one record for each participant (or, in a stage of a round, each member of
    /// the group), not one in all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per: Option<Per>,
    /// Format 2: the note is carried to the next session of the same group, where the stage
    /// naming this record's id in `carried` shows it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub carry: bool,
    /// Format 2: whether the sources ask for this record (see [`Provenance`]).
    #[serde(default, skip_serializing_if = "Provenance::is_source")]
    pub origin: Provenance,
}

/// Format 2: whether something in a protocol comes from its sources or from us, so that what is
/// ours is shown as ours ("suggested", "added").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Provenance {
    /// The sources give it (the default).
    #[default]
    Source,
    /// The sources leave it open: a sensible default, for the facilitator to confirm or change.
    Suggested,
    /// The sources do not mention it: something convene adds.
    Added,
}

impl Provenance {
    /// The default: the sources give it.
    #[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
    pub(crate) fn is_source(&self) -> bool {
        *self == Provenance::Source
    }

    /// The word shown beside what is ours: `Some("suggested")`, `Some("added")`, or `None`.
    pub(crate) fn mark(self) -> Option<&'static str> {
        match self {
            Provenance::Source => None,
            Provenance::Suggested => Some("suggested"),
            Provenance::Added => Some("added"),
        }
    }

    /// `" (suggested)"`, `" (added)"`, or nothing: appended to what a screen or list shows.
    pub(crate) fn suffix(self) -> String {
        self.mark().map(|m| format!(" ({m})")).unwrap_or_default()
    }

    /// The longer note for a norm: `" (added: not in the source)"`, `" (suggested: the sources
    /// leave it open)"`, or nothing.
    pub(crate) fn note(self) -> &'static str {
        match self {
            Provenance::Source => "",
            Provenance::Suggested => " (suggested: the sources leave it open)",
            Provenance::Added => " (added: not in the source)",
        }
    }
}

/// A ground rule: its text and (format 2) whether the sources give it. Written as a bare string
/// when it is the source's; it reads as its text (`&*norm`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Norm {
    pub text: String,
    pub origin: Provenance,
}

impl std::ops::Deref for Norm {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl From<&str> for Norm {
    fn from(text: &str) -> Self {
        Norm { text: text.to_string(), origin: Provenance::Source }
    }
}

/// Format 2: a field a record must have, and whether the sources ask for it. Written as a bare
/// `"due"` when they do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Required {
    pub field: RecordField,
    pub origin: Provenance,
}

/// A requirement is its field, wherever it comes from: `x.require == [RecordField::Due]`.
impl PartialEq<RecordField> for Required {
    fn eq(&self, other: &RecordField) -> bool {
        self.field == *other
    }
}

/// A norm compares with its text.
impl PartialEq<str> for Norm {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for Norm {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl From<RecordField> for Required {
    fn from(field: RecordField) -> Self {
        Required { field, origin: Provenance::Source }
    }
}

impl Expectation {
    /// Whether the record must have this field.
    pub(crate) fn requires(&self, field: RecordField) -> bool {
        self.require.iter().any(|r| r.field == field)
    }

    /// The fields the record must have.
    pub fn required_fields(&self) -> Vec<RecordField> {
        self.require.iter().map(|r| r.field).collect()
    }
}

/// Format 2: a field a record must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RecordField {
    /// A commitment's time frame ("By").
    Due,
    /// A note's "About" (a subject, or the owner of an area).
    About,
}

/// Format 2: whom a record is expected for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Per {
    /// One for each participant.
    Participant,
}

/// The kind of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RecordKind {
    Commitment,
    Note,
}

/// Which part of the protocol a stage belongs to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Part {
    Opening,
    Round,
    Closing,
}

impl Part {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Part::Opening => "opening",
            Part::Round => "round",
            Part::Closing => "closing",
        }
    }
}

impl Protocol {
    /// Every stage with its part, in file order.
    pub fn all_stages(&self) -> impl Iterator<Item = (Part, &StageSpec)> {
        self.opening
            .iter()
            .map(|s| (Part::Opening, s))
            .chain(self.round.iter().map(|s| (Part::Round, s)))
            .chain(self.closing.iter().map(|s| (Part::Closing, s)))
    }

    pub fn stage(&self, id: &str) -> Option<&StageSpec> {
        self.all_stages().map(|(_, s)| s).find(|s| s.id == id)
    }

    pub fn role(&self, id: &str) -> Option<&RoleSpec> {
        self.roles.iter().find(|r| r.id == id)
    }

    /// Display name of a role id, including the built-in `facilitator` and `everyone`.
    pub(crate) fn role_name(&self, id: &str) -> String {
        match id {
            FACILITATOR => "Facilitator".into(),
            EVERYONE => "Everyone".into(),
            _ => self.role(id).map_or_else(|| id.to_string(), |r| r.name.clone()),
        }
    }

    /// The extension policy in force for a stage (under a `round_extension`, a round's stages
    /// are `free` unless they set their own; the round's rule is checked on its total).
    pub fn extension_for(&self, stage: &StageSpec) -> ExtensionPolicy {
        let in_round = self.round.iter().any(|s| s.id == stage.id);
        match stage.extension {
            Some(policy) => policy,
            None if in_round && self.round_extension.is_some() => ExtensionPolicy::Free,
            None => self.extension,
        }
    }

    /// Every record a stage expects: `expects`, then `records`.
    pub fn expected_records(stage: &StageSpec) -> impl Iterator<Item = &Expectation> {
        stage.expects.iter().chain(stage.records.iter())
    }

    /// People needed in a group for the roles with a fixed count (the `rest` role needs none),
    /// at most `u32::MAX`: validation refuses any count above the group size.
    pub(crate) fn fixed_role_count(&self) -> u32 {
        self.roles
            .iter()
            .map(|r| match r.count {
                RoleCount::Exact(n) => n,
                RoleCount::Rest => 0,
            })
            .fold(0, u32::saturating_add)
    }

    /// Every norm with its provenance: `norms`, then the older `added_norms` (added).
    pub fn all_norms(&self) -> impl Iterator<Item = (&str, Provenance)> {
        self.norms
            .iter()
            .map(|n| (n.text.as_str(), n.origin))
            .chain(self.added_norms.iter().map(|n| (n.as_str(), Provenance::Added)))
    }

    /// How many norms it has, in `norms` and `added_norms`.
    pub(crate) fn norm_count(&self) -> usize {
        self.norms.len() + self.added_norms.len()
    }

    /// Whether this protocol splits participants into parallel groups.
    pub(crate) fn splits(&self) -> bool {
        self.group.split_into.is_some()
    }
}

impl StageSpec {
    /// Whether the stage runs in session number `session` of a course (`from_session`,
    /// `until_session`); outside a course, pass 1.
    pub fn runs_in(&self, session: u32) -> bool {
        self.from_session.is_none_or(|from| from <= session)
            && self.until_session.is_none_or(|until| session <= until)
    }

    /// `Name — subtitle`, or the name alone.
    pub fn title(&self) -> String {
        match &self.subtitle {
            Some(sub) if !sub.is_empty() => format!("{} — {}", self.name, sub),
            _ => self.name.clone(),
        }
    }
}

// ---- hand-written serde for the two "number or word" fields, for clear messages ----

impl JsonSchema for RoleCount {
    fn schema_name() -> Cow<'static, str> {
        "RoleCount".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> schemars::Schema {
        json_schema!({
            "description": "How many people hold a role in one group: a whole number, or \"rest\" (everyone not holding another role).",
            "oneOf": [
                { "type": "integer", "minimum": 0, "maximum": u32::MAX },
                { "const": "rest" }
            ]
        })
    }
}

impl JsonSchema for Rounds {
    fn schema_name() -> Cow<'static, str> {
        "Rounds".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> schemars::Schema {
        json_schema!({
            "description": "How many rounds a session has: a whole number, \"per-member\" (one per member of the smallest group) or \"role-cycle\" (one per role).",
            "oneOf": [
                { "type": "integer", "minimum": 1, "maximum": u32::MAX },
                { "enum": ["per-member", "role-cycle"] }
            ]
        })
    }
}

impl Serialize for RoleCount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            RoleCount::Exact(n) => s.serialize_u32(*n),
            RoleCount::Rest => s.serialize_str("rest"),
        }
    }
}

impl<'de> Deserialize<'de> for RoleCount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = RoleCount;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a whole number of people, or \"rest\"")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RoleCount, E> {
                u32::try_from(v).map(RoleCount::Exact).map_err(|_| E::custom("count is too large"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RoleCount, E> {
                if v == "rest" {
                    Ok(RoleCount::Rest)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(v), &self))
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for Rounds {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Rounds::PerMember => s.serialize_str("per-member"),
            Rounds::RoleCycle => s.serialize_str("role-cycle"),
            Rounds::Once => s.serialize_u32(1),
            Rounds::Fixed(n) => s.serialize_u32(*n),
        }
    }
}

impl<'de> Deserialize<'de> for Rounds {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Rounds;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("\"per-member\", \"role-cycle\" or a whole number of rounds")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Rounds, E> {
                match u32::try_from(v) {
                    Ok(1) => Ok(Rounds::Once),
                    Ok(n) => Ok(Rounds::Fixed(n)),
                    Err(_) => Err(E::custom("too many rounds")),
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Rounds, E> {
                match v {
                    "per-member" => Ok(Rounds::PerMember),
                    "role-cycle" => Ok(Rounds::RoleCycle),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// `"text"` or `{ "text": ..., "origin": ... }`, and `"due"` or `{ "field": ..., "origin": ... }`:
/// the object forms, read through these, refuse unknown fields like every other object.
#[derive(Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct NormObject {
    /// The ground rule, as shown.
    text: String,
    /// Whether the sources give it.
    #[serde(default)]
    origin: Provenance,
}

#[derive(Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RequiredObject {
    /// The field the record must have.
    field: RecordField,
    /// Whether the sources ask for it.
    #[serde(default)]
    origin: Provenance,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NormForm {
    Text(String),
    Object(NormObject),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RequiredForm {
    Field(RecordField),
    Object(RequiredObject),
}

impl JsonSchema for Norm {
    fn schema_name() -> Cow<'static, str> {
        "Norm".into()
    }

    fn json_schema(g: &mut SchemaGenerator) -> schemars::Schema {
        let object = g.subschema_for::<NormObject>();
        json_schema!({
            "description": "A ground rule: its text, or (format 2) an object with its text and origin.",
            "anyOf": [ { "type": "string" }, object ]
        })
    }
}

impl JsonSchema for Required {
    fn schema_name() -> Cow<'static, str> {
        "Required".into()
    }

    fn json_schema(g: &mut SchemaGenerator) -> schemars::Schema {
        let field = g.subschema_for::<RecordField>();
        let object = g.subschema_for::<RequiredObject>();
        json_schema!({
            "description": "A field the record must have: \"due\" or \"about\", or an object with the field and its origin.",
            "anyOf": [ field, object ]
        })
    }
}

impl Serialize for Norm {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.origin.is_source() {
            s.serialize_str(&self.text)
        } else {
            NormObject { text: self.text.clone(), origin: self.origin }.serialize(s)
        }
    }
}

impl<'de> Deserialize<'de> for Norm {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match NormForm::deserialize(d).map_err(|_| {
            de::Error::custom(
                "expected a ground rule: a string, or { \"text\": ..., \"origin\": \"suggested\" or \"added\" }",
            )
        })? {
            NormForm::Text(text) => Ok(Norm { text, origin: Provenance::Source }),
            NormForm::Object(o) => Ok(Norm { text: o.text, origin: o.origin }),
        }
    }
}

impl Serialize for Required {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.origin.is_source() {
            self.field.serialize(s)
        } else {
            RequiredObject { field: self.field, origin: self.origin }.serialize(s)
        }
    }
}

impl<'de> Deserialize<'de> for Required {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match RequiredForm::deserialize(d).map_err(|_| {
            de::Error::custom(
                "expected \"due\", \"about\", or { \"field\": \"due\" or \"about\", \"origin\": \"suggested\" or \"added\" }",
            )
        })? {
            RequiredForm::Field(field) => Ok(Required { field, origin: Provenance::Source }),
            RequiredForm::Object(o) => Ok(Required { field: o.field, origin: o.origin }),
        }
    }
}
