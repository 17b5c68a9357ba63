//! What a state shows at a moment, as data (not a screen: the screens in `tui`, the review and the
//! exports all draw from it): the clock phase, who speaks and who stays silent (with names), the
//! current roles, the countdown text and the projected end of the session.

use chrono::{DateTime, Duration, FixedOffset};

use super::rotation::assignment_with;
use super::stage_clock::to_i64;
use super::state::{SessionState, Status};
use crate::protocol::{Cue, EVERYONE, FACILITATOR, Minutes, Protocol, clock};

/// The clock's state, always shown as a word as well as a colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    NotStarted,
    Running,
    Paused,
    /// Inside the warning window.
    WrapUp,
    /// Format 2: past the lower end of a duration range by this many milliseconds, and not
    /// past its upper end: not over.
    InRange(u64),
    /// At zero (less than a second over), or at a range's upper end.
    Time,
    /// Over time by this many milliseconds (past a range's upper end, for a range).
    Over(u64),
    Ended,
}

impl Phase {
    /// The word shown on screen.
    pub fn label(self) -> String {
        match self {
            Phase::NotStarted => "READY".into(),
            Phase::Running => "RUNNING".into(),
            Phase::Paused => "PAUSED".into(),
            Phase::WrapUp => "WRAP UP".into(),
            Phase::InRange(_) => "IN RANGE".into(),
            Phase::Time => "TIME".into(),
            Phase::Over(ms) => format!("+{} OVER", clock(ms / 1000, Minutes::Plain)),
            Phase::Ended => "ENDED".into(),
        }
    }
}

/// Seconds shown on a countdown for `remaining` milliseconds: rounded up while counting down (so
/// 0:01 shows until the very end) and down in overrun (so +0:01 appears a second after zero).
pub(crate) fn shown_secs(remaining_ms: i64) -> (bool, u64) {
    if remaining_ms > 0 {
        (false, u64::try_from(remaining_ms).unwrap_or(0).div_ceil(1000))
    } else {
        (true, u64::try_from(-remaining_ms).unwrap_or(0) / 1000)
    }
}

/// The countdown text: `04:00` counting down, `+1:20` in overrun.
pub fn countdown_text(remaining_ms: i64) -> String {
    match shown_secs(remaining_ms) {
        (false, s) => clock(s, Minutes::Padded),
        (true, 0) => "00:00".into(),
        (true, s) => format!("+{}", clock(s, Minutes::Plain)),
    }
}

pub fn phase(s: &SessionState, mono: u64) -> Phase {
    match s.status {
        Status::NotStarted => return Phase::NotStarted,
        Status::Ended(_) => return Phase::Ended,
        Status::Running => {}
    }
    if s.paused {
        return Phase::Paused;
    }
    let Some(c) = s.clock() else { return Phase::Running };
    let remaining = c.remaining(s.effective(mono));
    if remaining <= 0 {
        let past = u64::try_from(-remaining).unwrap_or(0);
        if c.range_ms > 0 && past < c.range_ms {
            return Phase::InRange(past);
        }
        let over = past - c.range_ms;
        if over < 1000 { Phase::Time } else { Phase::Over(over) }
    } else if c.warn_ms.is_some_and(|w| remaining <= to_i64(w)) {
        Phase::WrapUp
    } else {
        Phase::Running
    }
}

/// Remaining milliseconds of the current stage.
pub fn remaining(s: &SessionState, mono: u64) -> i64 {
    s.clock().map_or(0, |c| c.remaining(s.effective(mono)))
}

/// Current round (0-based) if in a round stage.
pub fn current_round(s: &SessionState) -> Option<usize> {
    s.stages.get(s.pos).and_then(|r| r.round)
}

/// The round whose roles hold now: the current round; or, outside the rounds of a protocol with
/// a single round (a one-to-one's opening and closing stages), that round, since nobody's role
/// changes. `None` where roles rotate and no round is running.
pub(crate) fn roles_round(s: &SessionState) -> Option<usize> {
    current_round(s).or_else(|| (s.rounds == 1).then_some(0))
}

/// Roles per group for a round: `(name, role id)` in roster order.
pub fn roles_in_round(s: &SessionState, round: usize) -> Vec<Vec<(String, String)>> {
    s.groups.iter().map(|g| assignment_with(&s.setup.protocol, g, round, &s.setup.facts)).collect()
}

/// The names holding a role now, across all groups (facilitator and everyone included).
pub fn holders(s: &SessionState, role: &str) -> Vec<String> {
    match role {
        FACILITATOR => s.setup.facilitator.iter().cloned().collect(),
        EVERYONE => Vec::new(),
        _ => match roles_round(s) {
            Some(r) => roles_in_round(s, r)
                .into_iter()
                .flatten()
                .filter(|(_, rid)| rid == role)
                .map(|(n, _)| n)
                .collect(),
            None => Vec::new(),
        },
    }
}

/// A role's name as the screen says it (plural when several hold it, or may), and its holders
/// now: `("Observers", ["Cat", "Fay"])`; `("Tuners", [])` where nobody in particular holds it.
pub fn role_label(s: &SessionState, role: &str) -> (String, Vec<String>) {
    let p: &Protocol = &s.setup.protocol;
    let name = p.role_name(role);
    let names = holders(s, role);
    if names.is_empty() {
        let label = if role == EVERYONE || role == FACILITATOR || roles_round(s).is_none() {
            plural_role(&name, role, s)
        } else {
            name
        };
        return (label, names);
    }
    // A team ("Executive team") is one role held together: not pluralised.
    let team = p.role(role).is_some_and(|r| r.team);
    let label = if names.len() > 1 && !team { pluralize(&name) } else { name };
    (label, names)
}

/// A role with the names of its holders: "Observer (Cat)", "Observers (Cat, Fay)", "Tuners".
pub(crate) fn role_with_names(s: &SessionState, role: &str, max_names: usize) -> String {
    let (label, names) = role_label(s, role);
    if names.is_empty() {
        return label;
    }
    if names.len() > max_names {
        format!("{label} ({} …)", names[..max_names].join(", "))
    } else {
        format!("{label} ({})", names.join(", "))
    }
}

/// A role's name for `count` holders: "Observer", "Observers".
pub(crate) fn role_name_for(s: &SessionState, role: &str, count: usize) -> String {
    let name = s.setup.protocol.role_name(role);
    // A team is one role held together ("Executive team"): not pluralised.
    let team = s.setup.protocol.role(role).is_some_and(|r| r.team);
    if count > 1 && !team { pluralize(&name) } else { name }
}

fn plural_role(name: &str, role: &str, s: &SessionState) -> String {
    if role == EVERYONE || role == FACILITATOR {
        return name.to_string();
    }
    let many =
        s.setup.protocol.role(role).is_some_and(|r| r.count == crate::protocol::RoleCount::Rest);
    if many { pluralize(name) } else { name.to_string() }
}

/// English plural of a role name: Coach → Coaches, Observer → Observers; the head of a name
/// with "of" (Head of school → Heads of school), each side of one with "or" (Teacher or TA →
/// Teachers or TAs).
fn pluralize(name: &str) -> String {
    if let Some((head, rest)) = name.split_once(" of ") {
        return format!("{} of {rest}", pluralize(head));
    }
    if let Some((one, other)) = name.split_once(" or ") {
        return format!("{} or {}", pluralize(one), pluralize(other));
    }
    let lower = name.to_lowercase();
    if ["s", "sh", "ch", "x", "z"].iter().any(|e| lower.ends_with(e)) {
        format!("{name}es")
    } else if lower.ends_with('y') && !lower.ends_with("ey") && !lower.ends_with("ay") {
        format!("{}ies", &name[..name.len() - 1])
    } else {
        format!("{name}s")
    }
}

/// One cue with its holders' names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedCue {
    pub silent: bool,
    pub who: String,
    pub cue: String,
}

/// One cue with its role's name and holders apart, for a screen to shorten the names to fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldCue {
    pub silent: bool,
    /// The role's name as shown ([`role_label`]).
    pub label: String,
    pub names: Vec<String>,
    pub cue: String,
    /// The role's name is in the plural ("Coachees"): its cue's verb is too ("present").
    pub plural: bool,
}

/// Who speaks and who stays silent in the current stage: each role, its holders, its cue.
pub fn held_cues(s: &SessionState) -> Vec<HeldCue> {
    let Some(spec) = s.spec(s.pos) else { return Vec::new() };
    let held = |c: &Cue, silent: bool| {
        let (label, names) = role_label(s, &c.role);
        let plural = label != s.setup.protocol.role_name(&c.role);
        HeldCue { silent, label, names, cue: c.cue.clone(), plural }
    };
    spec.speak
        .iter()
        .map(|c| held(c, false))
        .chain(spec.silent.iter().map(|c| held(c, true)))
        .collect()
}

/// Who speaks and who stays silent in the current stage, with names.
pub fn cues(s: &SessionState, max_names: usize) -> Vec<NamedCue> {
    let Some(spec) = s.spec(s.pos) else { return Vec::new() };
    let named = |c: &Cue, silent: bool| NamedCue {
        silent,
        who: role_with_names(s, &c.role, max_names),
        cue: c.cue.clone(),
    };
    spec.speak
        .iter()
        .map(|c| named(c, false))
        .chain(spec.silent.iter().map(|c| named(c, true)))
        .collect()
}

/// The current stage's warning message, naming who acts on it:
/// "Observer (Cat): remind the coach to wrap up".
pub fn warning_text(s: &SessionState, max_names: usize) -> Option<String> {
    let w = s.spec(s.pos)?.warning.as_ref()?;
    Some(match &w.role {
        Some(role) => format!("{}: {}", role_with_names(s, role, max_names), w.message),
        None => w.message.clone(),
    })
}

/// How many stages ran over, against the plan and against the time the room agreed (the plan
/// with its extensions and shortenings, which the countdown showed): `(over the plan, over the
/// time agreed)`. A stage shortened and then run to `+0:04 OVER` is over the time agreed, not
/// over the plan. A stage with a duration range is over only past its upper end.
pub fn overruns(s: &SessionState) -> (usize, usize) {
    let over = |limit: fn(&super::stage_clock::StageClock) -> u64| {
        s.clocks
            .iter()
            .filter(|c| {
                c.visits > 0
                    && c.banked_ms > limit(c).saturating_add(c.range_ms).saturating_add(999)
            })
            .count()
    };
    (over(|c| c.planned_ms), over(|c| c.budget_ms))
}

/// Format 2: the range of the current stage past its lower end: "IN RANGE +0:05, up to
/// 2:00:00" (the upper end as the stage's whole length, with its extensions).
pub fn in_range_text(s: &SessionState, past_ms: u64) -> Option<String> {
    let c = s.clock()?;
    if c.range_ms == 0 {
        return None;
    }
    Some(format!(
        "IN RANGE +{}, up to {}",
        clock(past_ms / 1000, Minutes::Plain),
        clock(c.upper_ms() / 1000, Minutes::Plain)
    ))
}

/// Format 2: the timed cue shown now in the current stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ShownCue {
    /// The role's name as shown ([`role_label`]), if the cue names a role.
    pub label: Option<String>,
    /// Its holders now.
    pub names: Vec<String>,
    pub message: String,
}

/// Format 2: the timed cue that fired last in this visit to the current stage.
pub(crate) fn shown_cue(s: &SessionState) -> Option<ShownCue> {
    let i = s.clock()?.shown_cue?;
    let cue = s.spec(s.pos)?.cues.get(i)?;
    let (label, names) = match &cue.role {
        Some(role) => {
            let (label, names) = role_label(s, role);
            (Some(label), names)
        }
        None => (None, Vec::new()),
    };
    Some(ShownCue { label, names, message: cue.message.clone() })
}

/// Format 2: the timed cue shown now, in words: "Observer (Cat): remind the coach, a few
/// minutes left"; "Facilitator: your turn, if needed".
pub fn cue_text(s: &SessionState, max_names: usize) -> Option<String> {
    let i = s.clock()?.shown_cue?;
    let cue = s.spec(s.pos)?.cues.get(i)?;
    Some(match &cue.role {
        Some(role) => format!("{}: {}", role_with_names(s, role, max_names), cue.message),
        None => cue.message.clone(),
    })
}

/// Format 2: the session marker reached last, in words: "1:30:00 typical minimum reached", or
/// for a warning "WARNING: upper end of the typical 1.5–2 h".
pub fn marker_text(s: &SessionState) -> Option<String> {
    let i = s.shown_marker?;
    let m = s.setup.protocol.markers.get(i)?;
    Some(if m.warn {
        format!("WARNING: {}", m.message)
    } else {
        format!("{} {}", clock(m.after.secs(), Minutes::Plain), m.message)
    })
}

/// Format 2: the session marker reached in the current stage and since its last timed cue,
/// for large type: its words in full ("WARNING: upper end of the typical 1.5–2 h"), then its
/// message alone. Empty once that stage is left or a cue fires (the line under the countdown
/// keeps the marker all session).
pub fn fresh_marker(s: &SessionState) -> Vec<String> {
    if s.marker_pos != Some(s.pos) {
        return Vec::new();
    }
    let Some(m) = s.shown_marker.and_then(|i| s.setup.protocol.markers.get(i)) else {
        return Vec::new();
    };
    marker_text(s).into_iter().chain(std::iter::once(m.message.clone())).collect()
}

/// Planned and projected ends of the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub planned_start: DateTime<FixedOffset>,
    pub planned_end: DateTime<FixedOffset>,
    pub projected_end: DateTime<FixedOffset>,
    /// The hard stop (`--until`), if the session has one.
    pub stop: Option<DateTime<FixedOffset>>,
}

impl Schedule {
    /// Minutes past (positive) or ahead of (negative) the plan, rounded to the nearest minute.
    pub fn minutes_late(&self) -> i64 {
        let secs = self.projected_end.signed_duration_since(self.planned_end).num_seconds();
        round_minutes(secs)
    }

    /// How far past the hard stop the session is projected to end, in milliseconds; `None`
    /// without a stop or when it ends at it or before.
    pub fn past_stop_ms(&self) -> Option<u64> {
        let stop = self.stop?;
        let ms = self.projected_end.signed_duration_since(stop).num_milliseconds();
        u64::try_from(ms).ok().filter(|ms| *ms > 0)
    }

    /// "projected 12:41 · 11 min past the 12:30 stop" while the session is projected to end
    /// past its hard stop (by a minute or more, rounded to the nearest).
    pub(crate) fn past_stop_text(&self) -> Option<String> {
        let stop = self.stop?;
        let past = self.past_stop_ms()?;
        let minutes = round_minutes(i64::try_from(past / 1000).unwrap_or(i64::MAX));
        (minutes > 0).then(|| {
            format!(
                "projected {} · {minutes} min past the {} stop",
                self.projected_end.format("%H:%M"),
                stop.format("%H:%M")
            )
        })
    }
}

/// Seconds to whole minutes, rounded to the nearest (half a minute up, away from zero).
fn round_minutes(secs: i64) -> i64 {
    (secs.abs() + 30) / 60 * secs.signum()
}

/// The schedule at `now`: planned from the planned start (`--start`), else from the start (or
/// now, before it), to the planned total less what accepted rebalances took off; projected as now (or the planned start, before it) plus what is left of this
/// stage plus the remaining budgets of every stage still to come. A session started after its
/// planned start is late from its first second.
pub fn schedule(s: &SessionState, mono: u64, wall: DateTime<FixedOffset>) -> Schedule {
    let eff = s.effective(mono);
    let planned_start = s.setup.planned_start.or(s.started_wall).unwrap_or(wall);
    // An accepted rebalance moves the plan's end with it (review keeps the plan as it was).
    let planned_end = later(planned_start, s.planned_ms().saturating_sub(s.rebalanced_ms()));
    let left: u64 = match s.status {
        Status::Ended(_) => 0,
        Status::NotStarted => s.planned_ms(),
        Status::Running => s
            .clocks
            .iter()
            .skip(s.pos)
            .map(|c| u64::try_from(c.remaining(eff).max(0)).unwrap_or(0))
            .fold(0, u64::saturating_add),
    };
    let projected_end = match s.status {
        Status::Ended(_) => s.ended_wall.unwrap_or(wall),
        Status::NotStarted => later(wall.max(planned_start), left),
        Status::Running => later(wall, left),
    };
    Schedule { planned_start, planned_end, projected_end, stop: s.setup.hard_stop }
}

/// A stage's budget before and after a rebalance.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NewBudget {
    /// Its position in the running order.
    pub pos: usize,
    pub stage: String,
    pub from_ms: u64,
    pub to_ms: u64,
}

/// A rebalance of the stages still to come, to land on the hard stop: what the facilitator
/// sees beside the current plan, and accepts (the `rebalanced` event) or refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub stop: DateTime<FixedOffset>,
    /// How far past the stop the session is projected to end now, in milliseconds.
    pub over_ms: u64,
    /// The stages whose budgets change, in the running order.
    pub changes: Vec<NewBudget>,
    /// How far past the stop it still ends with every stage at its minimum (0: it lands).
    pub short_ms: u64,
}

/// The rebalance [`super::plan::rebalance`] proposes now, for a running session projected to end
/// past its hard stop: the stages after the current one whose protocol says `can_give` give,
/// each round's stages alike in every round to come; the others keep their budgets. `None`
/// without a stop, before the start, after the end, or when the session ends in time.
pub fn proposal(s: &SessionState, mono: u64, wall: DateTime<FixedOffset>) -> Option<Proposal> {
    use super::plan::{Giver, SLOT_GIVE_PERCENT, rebalance};
    if s.status != Status::Running {
        return None;
    }
    let sched = schedule(s, mono, wall);
    let (stop, over_ms) = (sched.stop?, sched.past_stop_ms()?);
    // A round's stage is one giver in every round to come; any other stage is one by itself.
    let mut units: Vec<(Option<usize>, Vec<usize>)> = Vec::new();
    for pos in s.pos + 1..s.stages.len() {
        let at = &s.stages[pos];
        let key = (at.part == crate::protocol::Part::Round).then_some(at.index);
        match units.iter_mut().find(|(k, _)| key.is_some() && *k == key) {
            Some((_, all)) => all.push(pos),
            None => units.push((key, vec![pos])),
        }
    }
    let givers: Vec<Giver> = units
        .iter()
        .map(|(key, all)| {
            let budget_ms = all.iter().map(|p| s.clocks[*p].budget_ms).max().unwrap_or(0);
            let min_ms = s
                .spec(all[0])
                .and_then(|sp| sp.can_give.as_ref())
                .map_or(budget_ms, |g| g.min.ms().min(budget_ms));
            Giver { budget_ms, min_ms, count: all.len() as u64, in_round: key.is_some() }
        })
        .collect();
    let slot_ms: u64 = s
        .stages
        .iter()
        .zip(&s.clocks)
        .filter(|(at, _)| at.round == Some(0))
        .map(|(_, c)| c.planned_ms)
        .fold(0, u64::saturating_add);
    let r = rebalance(&givers, over_ms, slot_ms.saturating_mul(SLOT_GIVE_PERCENT) / 100);
    let mut changes: Vec<NewBudget> = units
        .iter()
        .zip(&r.budgets_ms)
        .flat_map(|((_, all), to)| {
            all.iter().filter(|p| s.clocks[**p].budget_ms != *to).map(|p| NewBudget {
                pos: *p,
                stage: s.stages[*p].id.clone(),
                from_ms: s.clocks[*p].budget_ms,
                to_ms: *to,
            })
        })
        .collect();
    changes.sort_by_key(|c| c.pos);
    Some(Proposal { stop, over_ms, changes, short_ms: r.short_ms })
}

/// `t` plus `v` milliseconds, held at the latest moment chrono can represent rather than
/// overflowing: the times come from a log, which may have been edited by hand.
fn later(t: DateTime<FixedOffset>, v: u64) -> DateTime<FixedOffset> {
    let latest = || DateTime::<chrono::Utc>::MAX_UTC.with_timezone(t.offset());
    i64::try_from(v)
        .ok()
        .and_then(Duration::try_milliseconds)
        .and_then(|d| t.checked_add_signed(d))
        .unwrap_or_else(latest)
}

#[cfg(test)]
mod tests {
    use super::pluralize;

    #[test]
    fn a_role_name_is_pluralised_where_english_does() {
        assert_eq!(pluralize("Coach"), "Coaches");
        assert_eq!(pluralize("Observer"), "Observers");
        assert_eq!(pluralize("Set member"), "Set members");
        assert_eq!(pluralize("Head of school"), "Heads of school");
        assert_eq!(pluralize("Teacher or TA"), "Teachers or TAs");
        assert_eq!(pluralize("Deputy"), "Deputies");
    }
}
