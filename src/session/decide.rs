//! Deciding: a command and the current state give events, or a rejection a facilitator can read.
//! Time alone causes events too: [`due`] returns them, and [`next_wake`] says when to look again.
//! The budgets, cues and markers they count against come from [`super::plan`].

use super::event::{Agreement, Command, Event, Leave, Now, Outcome, Rejection, Stamped};
use super::state::{RecordProgress, SessionState, Status};
use crate::protocol::{
    Expectation, ExtensionPolicy, Minutes, OrderRule, Part, Protocol, RecordField, RecordKind,
    clock,
};

fn reject<T>(why: Rejection) -> Result<T, Rejection> {
    Err(why)
}

/// Decides a command at `now`. Nothing changes until the caller applies the returned events.
pub fn decide(s: &SessionState, cmd: Command, now: Now) -> Result<Vec<Stamped>, Rejection> {
    let events = decide_events(s, cmd, now)?;
    Ok(events.into_iter().map(|event| Stamped { at: now.mono, wall: now.wall, event }).collect())
}

/// One arm per command; the longer ones have a function of their own below, grouped as the
/// facilitator thinks of them: the order, moving between stages, the clock, the records.
/// Sharing with the room began or stopped: logged, never a change to the room's timing.
fn sharing(s: &SessionState, cmd: Command) -> Result<Vec<Event>, Rejection> {
    if let Command::StartSharing { port, names, listen } = cmd {
        if matches!(s.status, Status::Ended(_)) {
            return reject(Rejection::Ended);
        }
        return Ok(vec![Event::SharingStarted { port, names, listen }]);
    }
    if s.sharing().is_none() {
        return reject(Rejection::NotSharing);
    }
    Ok(vec![Event::SharingStopped])
}

/// A message to the room put up (cleaned and bounded) or taken away.
fn room_message(s: &SessionState, cmd: Command) -> Result<Vec<Event>, Rejection> {
    if let Command::ShowMessage { text } = cmd {
        if matches!(s.status, Status::Ended(_)) {
            return reject(Rejection::Ended);
        }
        let text = super::event::clean_room_message(&text);
        if text.is_empty() {
            return reject(Rejection::EmptyMessage);
        }
        return Ok(vec![Event::MessageShown { text }]);
    }
    if s.room_message.is_none() {
        return reject(Rejection::NoMessage);
    }
    Ok(vec![Event::MessageCleared])
}

fn decide_events(s: &SessionState, cmd: Command, now: Now) -> Result<Vec<Event>, Rejection> {
    let eff = s.effective(now.mono);
    match cmd {
        Command::SetOrder { order } => set_order(s, order),
        Command::MoveToFront { name, reason } => move_to_front(s, &name, reason),
        Command::SetFact { name, key, value } => set_fact(s, name, key, value),
        Command::SetTimes { planned_start, hard_stop } => set_times(s, planned_start, hard_stop),
        Command::Start => {
            before_start(s)?;
            if s.stages.is_empty() {
                return reject(Rejection::NoStages);
            }
            let team = super::checks::team_errors(&s.setup);
            if !team.is_empty() {
                return reject(Rejection::TeamTooSmall { problem: team.join(" ") });
            }
            Ok(vec![
                Event::SessionStarted { planned_ms: s.planned_ms() },
                enter(s, 0, Leave::Next, eff),
            ])
        }
        Command::Next { force } => next(s, force, eff),
        Command::Skip => {
            running(s)?;
            let missing = !s.has_expected_record(s.pos);
            Ok(advance(s, Leave::Skip, missing, eff))
        }
        Command::Back => {
            running(s)?;
            if s.pos == 0 {
                return reject(Rejection::FirstStage);
            }
            Ok(vec![left(s, Leave::Back, false, eff), enter(s, s.pos - 1, Leave::Back, eff)])
        }
        Command::Jump { to } => jump(s, to, eff),
        Command::End => end(s, false, eff),
        Command::EndAnyway => end(s, true, eff),
        Command::Pause | Command::PauseToLeave => {
            running(s)?;
            if s.paused {
                return reject(Rejection::AlreadyPaused);
            }
            let remaining_ms = s.clock().map_or(0, |c| c.remaining(eff));
            let left = matches!(cmd, Command::PauseToLeave);
            Ok(vec![Event::Paused { pos: s.pos, remaining_ms, left }])
        }
        Command::Resume => {
            running(s)?;
            if !s.paused {
                return reject(Rejection::NotPaused);
            }
            let paused_ms = s.clock().and_then(|c| c.paused_since).map_or(0, |p| eff - p.min(eff));
            Ok(vec![Event::Resumed { pos: s.pos, paused_ms }])
        }
        Command::Extend { by_ms, agreement } => extend(s, by_ms, agreement, eff),
        Command::RefuseExtension { by_ms, reason } => {
            running(s)?;
            Ok(vec![Event::ExtensionRefused {
                pos: s.pos,
                by_ms,
                reason: reason.unwrap_or_else(|| "the group did not agree".into()),
            }])
        }
        Command::Shorten { by_ms } => shorten(s, by_ms, eff),
        Command::Rebalance { budgets, short_ms } => rebalanced(s, budgets, short_ms),
        Command::ReportGap { gap_ms, cause } => {
            if gap_ms == 0 {
                return reject(Rejection::EmptyGap);
            }
            let counted = s.is_running() && !s.paused;
            Ok(vec![Event::TimeGap { gap_ms, cause, counted }])
        }
        Command::ContinueOn { machine, name } => Ok(vec![Event::ContinuedOn { machine, name }]),
        Command::StartSharing { .. } | Command::StopSharing => sharing(s, cmd),
        Command::ShowMessage { .. } | Command::ClearMessage => room_message(s, cmd),
        Command::AddNote { text, about, group, private, record } => {
            add_note(s, &text, about, group, private, record)
        }
        Command::AddCommitment { owner, text, due, group, record } => {
            add_commitment(s, &owner, &text, due, group, record)
        }
        Command::UpdateCommitment { session, id, status, note } => {
            running(s)?;
            let known = match &session {
                None => s.commitments.iter().any(|c| c.id == id),
                Some(sess) => s.setup.carried.iter().any(|c| c.session == *sess && c.id == id),
            };
            if !known {
                return reject(Rejection::UnknownCommitment { id });
            }
            Ok(vec![Event::CommitmentUpdated {
                session,
                id,
                status,
                note: note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
            }])
        }
    }
}

// ---- the order ----

fn set_order(s: &SessionState, order: Vec<String>) -> Result<Vec<Event>, Rejection> {
    before_start(s)?;
    chooses_order(s)?;
    let mut a = order.clone();
    let mut b = s.order.clone();
    a.sort();
    b.sort();
    if a != b {
        return reject(Rejection::DifferentPeople);
    }
    Ok(vec![Event::OrderChanged { order, reason: None }])
}

/// A participant's fact, before the start: a value among the protocol's choices (written as the
/// choice is), or none.
fn set_fact(
    s: &SessionState,
    name: String,
    key: String,
    value: Option<String>,
) -> Result<Vec<Event>, Rejection> {
    before_start(s)?;
    if !s.order.contains(&name) {
        return reject(Rejection::NotInSession { name });
    }
    let value = value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    if value.iter().chain([&key]).any(|v| v.chars().any(crate::text::is_unsafe)) {
        return reject(Rejection::UnsafeFact);
    }
    let p = &s.setup.protocol;
    let spec = p.facts.iter().find(|f| f.key == key);
    let team_fact = key == super::setup::ROLE_FACT && p.roles.iter().any(|r| r.team);
    if spec.is_none() && !team_fact {
        let mut facts: Vec<&str> = p.facts.iter().map(|f| f.key.as_str()).collect();
        if p.roles.iter().any(|r| r.team) {
            facts.push(super::setup::ROLE_FACT);
        }
        return reject(Rejection::UnknownFact { key, facts: facts.join(", ") });
    }
    let value = match (value, spec) {
        (Some(v), Some(spec)) if !spec.choices.is_empty() => {
            match spec.choices.iter().find(|c| c.trim().eq_ignore_ascii_case(&v)) {
                Some(choice) => Some(choice.clone()),
                None => {
                    return reject(Rejection::NotAChoice {
                        value: v,
                        label: spec.label.to_lowercase(),
                        choices: spec.choices.join(", "),
                    });
                }
            }
        }
        (v, _) => v,
    };
    // A change that would make the setup refused (a team now too small) is refused itself.
    let mut after = s.setup.clone();
    after.participants.clone_from(&s.order);
    let facts = after.facts.entry(name.clone()).or_default();
    match &value {
        Some(v) => facts.insert(key.clone(), v.clone()),
        None => facts.remove(&key),
    };
    // A team being marked one person at a time is too small until the last one: that is
    // checked at the start, not here.
    if let Err(e) = super::checks::check_setup(&after) {
        let team = super::checks::team_errors(&after);
        let problems: Vec<String> = e.0.into_iter().filter(|p| !team.contains(p)).collect();
        if !problems.is_empty() {
            return reject(Rejection::FactRefused { problem: problems.join(" ") });
        }
    }
    Ok(vec![Event::FactSet { name, key, value }])
}

fn move_to_front(
    s: &SessionState,
    name: &str,
    reason: Option<String>,
) -> Result<Vec<Event>, Rejection> {
    before_start(s)?;
    chooses_order(s)?;
    let Some(i) = s.order.iter().position(|n| n == name) else {
        return reject(Rejection::NotInSession { name: name.to_string() });
    };
    let mut order = s.order.clone();
    let who = order.remove(i);
    order.insert(0, who);
    Ok(vec![Event::OrderChanged { order, reason }])
}

// ---- moving between stages ----

fn next(s: &SessionState, force: bool, eff: u64) -> Result<Vec<Event>, Rejection> {
    running(s)?;
    let missing = s.missing_records(s.pos);
    if !missing.is_empty() && !force {
        let groups = match missing.as_slice() {
            [one] if !one.per_person && one.need > 1 => Some((one.have.min(one.need), one.need)),
            _ => None,
        };
        return reject(Rejection::NotRecorded {
            label: describe_all(&missing),
            groups,
            count: missing.len(),
        });
    }
    Ok(advance(s, Leave::Next, !missing.is_empty(), eff))
}

/// The missing records, each described, in one line: "Challenges, with their 'because'; Action
/// plan".
fn describe_all(missing: &[RecordProgress]) -> String {
    missing.iter().map(RecordProgress::describe).collect::<Vec<_>>().join("; ")
}

/// The one-per-person records missing anywhere in the session, each described once.
fn missing_at_end(s: &SessionState) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, r) in s.missing_per_person() {
        let d = r.describe();
        if !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

fn jump(s: &SessionState, to: usize, eff: u64) -> Result<Vec<Event>, Rejection> {
    running(s)?;
    if to >= s.stages.len() {
        return reject(Rejection::NoSuchStage { number: to + 1, count: s.stages.len() });
    }
    if to == s.pos {
        return reject(Rejection::CurrentStage);
    }
    Ok(vec![
        left(s, Leave::Jump, !s.has_expected_record(s.pos), eff),
        enter(s, to, Leave::Jump, eff),
    ])
}

fn end(s: &SessionState, force: bool, eff: u64) -> Result<Vec<Event>, Rejection> {
    match s.status {
        Status::Ended(_) => reject(Rejection::AlreadyEnded),
        Status::NotStarted => Ok(vec![Event::SessionEnded {
            outcome: Outcome::EndedEarly,
            pos: 0,
            without: Vec::new(),
        }]),
        Status::Running => {
            let without = missing_at_end(s);
            if !without.is_empty() && !force {
                return reject(Rejection::NotRecordedAtEnd {
                    label: without.join("; "),
                    count: without.len(),
                });
            }
            Ok(vec![
                left(s, Leave::End, !s.has_expected_record(s.pos), eff),
                Event::SessionEnded { outcome: Outcome::EndedEarly, pos: s.pos, without },
            ])
        }
    }
}

// ---- the clock ----

fn extend(
    s: &SessionState,
    by_ms: u64,
    agreement: Option<Agreement>,
    eff: u64,
) -> Result<Vec<Event>, Rejection> {
    running(s)?;
    if by_ms == 0 {
        return reject(Rejection::EmptyExtension);
    }
    let slot = slot_overrun(s, by_ms, eff);
    match (rule_at(s, by_ms, eff), slot) {
        (ExtensionPolicy::NotAllowed, Some(slot)) => {
            return reject(Rejection::SlotNotAllowed { slot: slot.name, planned: slot.planned });
        }
        (ExtensionPolicy::NotAllowed, None) => return reject(Rejection::ExtensionNotAllowed),
        (ExtensionPolicy::GroupAgreement, Some(slot)) if agreement.is_none() => {
            return reject(Rejection::SlotNeedsAgreement {
                slot: slot.name,
                planned: slot.planned,
            });
        }
        (ExtensionPolicy::GroupAgreement, None) if agreement.is_none() => {
            return reject(Rejection::NeedsAgreement);
        }
        _ => {}
    }
    if let Some(Agreement::People(names)) = &agreement
        && names.iter().all(|n| n.trim().is_empty())
    {
        return reject(Rejection::NoOneAgreed);
    }
    Ok(vec![Event::Extended { pos: s.pos, by_ms, agreement }])
}

fn shorten(s: &SessionState, by_ms: u64, eff: u64) -> Result<Vec<Event>, Rejection> {
    running(s)?;
    // Never into overrun: at most down to no time left.
    let left = s.clock().map_or(0, |c| u64::try_from(c.remaining(eff)).unwrap_or(0));
    if by_ms == 0 || left == 0 {
        return reject(Rejection::NoTimeLeft);
    }
    Ok(vec![Event::Shortened { pos: s.pos, by_ms: by_ms.min(left) }])
}

// ---- the records ----

fn add_note(
    s: &SessionState,
    text: &str,
    about: Option<String>,
    group: Option<usize>,
    private: bool,
    record: Option<String>,
) -> Result<Vec<Event>, Rejection> {
    running(s)?;
    let text = text.trim().to_string();
    if text.is_empty() {
        return reject(Rejection::EmptyNote);
    }
    check_group(s, group)?;
    let about = about.map(|a| a.trim().to_string()).filter(|a| !a.is_empty());
    // A private note that names no record is only a note.
    let x = if private && record.is_none() {
        None
    } else {
        target(s, RecordKind::Note, record.as_deref())?
    };
    // A note for each participant is for the person it is about: it needs its "About" too.
    let needs_about = |x: &Expectation| x.requires(RecordField::About) || x.per.is_some();
    if x.is_some_and(needs_about) && about.is_none() {
        return reject(Rejection::NeedsAbout);
    }
    let record = record.or_else(|| x.and_then(|x| x.id.clone()));
    Ok(vec![Event::NoteAdded {
        id: format!("n{}", s.notes.len() + 1),
        pos: s.pos,
        text,
        round: s.stages.get(s.pos).and_then(|r| r.round),
        group,
        about,
        private,
        record,
    }])
}

fn add_commitment(
    s: &SessionState,
    owner: &str,
    text: &str,
    due: Option<String>,
    group: Option<usize>,
    record: Option<String>,
) -> Result<Vec<Event>, Rejection> {
    running(s)?;
    let (owner, text) = (owner.trim().to_string(), text.trim().to_string());
    if text.is_empty() {
        return reject(Rejection::EmptyCommitment);
    }
    if owner.is_empty() {
        return reject(Rejection::NoOwner);
    }
    check_group(s, group)?;
    let due = due.map(|d| d.trim().to_string()).filter(|d| !d.is_empty());
    let x = target(s, RecordKind::Commitment, record.as_deref())?;
    if x.is_some_and(|x| x.requires(RecordField::Due)) && due.is_none() {
        return reject(Rejection::NeedsDue);
    }
    let record = record.or_else(|| x.and_then(|x| x.id.clone()));
    Ok(vec![Event::CommitmentAdded {
        id: format!("c{}", s.commitments.len() + 1),
        pos: s.pos,
        owner,
        text,
        due,
        round: s.stages.get(s.pos).and_then(|r| r.round),
        group,
        record,
    }])
}

/// The expected record a note or commitment is for at the current stage: the one it names, or
/// the stage's only expectation of that kind. Naming a record the stage does not expect is
/// refused (a stage with one expectation takes any record of its kind, as format 1 does).
fn target<'a>(
    s: &'a SessionState,
    kind: RecordKind,
    record: Option<&str>,
) -> Result<Option<&'a Expectation>, Rejection> {
    let all: Vec<&Expectation> =
        s.spec(s.pos).map(|sp| Protocol::expected_records(sp).collect()).unwrap_or_default();
    let only = match all.as_slice() {
        [x] if x.record == kind => Some(*x),
        _ => None,
    };
    match record {
        None => Ok(only),
        Some(id) => match all.iter().find(|x| x.record == kind && x.id.as_deref() == Some(id)) {
            Some(x) => Ok(Some(*x)),
            None if only.is_some() => Ok(only),
            None => reject(Rejection::NoSuchRecord { id: id.to_string() }),
        },
    }
}

// ---- checks and events shared by the commands ----

fn before_start(s: &SessionState) -> Result<(), Rejection> {
    match s.status {
        Status::NotStarted => Ok(()),
        _ => reject(Rejection::AlreadyStarted),
    }
}

fn chooses_order(s: &SessionState) -> Result<(), Rejection> {
    if s.setup.protocol.rotation.order == OrderRule::GroupChooses {
        Ok(())
    } else {
        reject(Rejection::FixedOrder)
    }
}

fn running(s: &SessionState) -> Result<(), Rejection> {
    match s.status {
        // A log whose header names fewer stages than its events reached: nothing to act on.
        Status::Running if s.pos >= s.stages.len() => reject(Rejection::NoStages),
        Status::Running => Ok(()),
        Status::NotStarted => reject(Rejection::NotStarted),
        Status::Ended(_) => reject(Rejection::Ended),
    }
}

fn check_group(s: &SessionState, group: Option<usize>) -> Result<(), Rejection> {
    match group {
        Some(g) if g >= s.groups.len() => {
            reject(Rejection::NoSuchGroup { number: g + 1, count: s.groups.len() })
        }
        _ => Ok(()),
    }
}

fn left(s: &SessionState, how: Leave, without_record: bool, eff: u64) -> Event {
    let c = &s.clocks[s.pos];
    Event::StageLeft {
        pos: s.pos,
        stage: s.stages[s.pos].id.clone(),
        how,
        planned_ms: c.planned_ms,
        budget_ms: c.budget_ms,
        elapsed_ms: c.elapsed(eff),
        overrun_ms: c.overrun(eff),
        without_record,
    }
}

fn enter(s: &SessionState, pos: usize, via: Leave, eff: u64) -> Event {
    let c = &s.clocks[pos];
    Event::StageEntered {
        pos,
        stage: s.stages[pos].id.clone(),
        round: s.stages[pos].round,
        budget_ms: u64::try_from(c.remaining(eff).max(0)).unwrap_or(0),
        via,
    }
}

/// Leaves the current stage forwards: to the next stage, or completing the session.
fn advance(s: &SessionState, how: Leave, missing: bool, eff: u64) -> Vec<Event> {
    let mut out = vec![left(s, how, missing, eff)];
    if s.pos + 1 >= s.stages.len() {
        // What was confirmed missing in earlier stages is named too.
        out.push(Event::SessionEnded {
            outcome: Outcome::Completed,
            pos: s.pos,
            without: missing_at_end(s),
        });
    } else {
        out.push(enter(s, s.pos + 1, how, eff));
    }
    out
}

/// Events that time alone causes at `now`: a timed cue, the warning, the time-up (a range's
/// past its upper end), a session marker, and auto-advance.
pub fn due(s: &SessionState, now: Now) -> Vec<Stamped> {
    let mut out: Vec<Event> = Vec::new();
    if !s.is_running() || s.paused {
        return Vec::new();
    }
    let eff = s.effective(now.mono);
    let Some(c) = s.clock() else { return Vec::new() };
    let remaining = c.remaining(eff);
    let mut timed_up_now = false;
    // Several cues due at once (a late poll, a shortening): the latest is shown, the others are
    // marked missed, so the room never sees a burst of them.
    if let Some((&index, earlier)) = c.cues_due(eff).split_last() {
        out.push(Event::CueReached { pos: s.pos, index, missed: earlier.to_vec() });
    }
    // Both can be due at once (a late poll, a shortening, a reported gap): the warning still
    // fires, first, so each fires exactly once per stage.
    if c.warning_at().is_some_and(|w| w <= eff) {
        out.push(Event::WarningReached { pos: s.pos, remaining_ms: remaining });
    }
    // A duration range's stage is up only past its upper end.
    if !c.timed_up && c.past_upper(eff) {
        out.push(Event::TimeUp { pos: s.pos });
        timed_up_now = true;
    }
    if let Some(marker) = marker_due(s, eff) {
        out.push(marker);
    }
    // Only at the moment of time up: going back into a stage that is already over, or adding
    // its record later, does not move on by itself.
    if timed_up_now && s.setup.auto_advance && s.has_expected_record(s.pos) {
        out.extend(advance(s, Leave::Auto, false, eff));
    }
    out.into_iter().map(|event| Stamped { at: now.mono, wall: now.wall, event }).collect()
}

/// The next monotonic offset at which [`due`] will have something to say, if any.
pub fn next_wake(s: &SessionState) -> Option<u64> {
    if !s.is_running() || s.paused {
        return None;
    }
    let c = s.clock()?;
    let deadline = if c.timed_up { None } else { c.time_up_at() };
    let at = [c.warning_at(), deadline, c.next_cue_at(), next_marker_at(s)]
        .into_iter()
        .flatten()
        .min()?;
    Some(at.saturating_sub(s.skew_ms))
}

/// The markers reached at `eff` and not yet fired: the latest fires, earlier ones (passed over
/// by a gap) are marked missed.
fn marker_due(s: &SessionState, eff: u64) -> Option<Event> {
    let elapsed = s.session_elapsed(eff);
    let mut due: Vec<(u64, usize)> = s
        .marker_points()
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !s.markers_done.get(*i).copied().unwrap_or(true))
        .filter(|(_, p)| *p <= elapsed)
        .map(|(i, p)| (p, i))
        .collect();
    due.sort_unstable();
    let (&(_, index), earlier) = due.split_last()?;
    Some(Event::MarkerReached {
        index,
        elapsed_ms: elapsed,
        missed: earlier.iter().map(|(_, i)| *i).collect(),
    })
}

/// The effective moment the next marker is reached, if the current stage's clock runs: only it
/// runs, so the session's elapsed time grows with it.
fn next_marker_at(s: &SessionState) -> Option<u64> {
    let since = s.clock()?.running_since?;
    let banked: u64 = s.clocks.iter().map(|c| c.banked_ms).fold(0, u64::saturating_add);
    s.marker_points()
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !s.markers_done.get(*i).copied().unwrap_or(true))
        .map(|(_, p)| since.saturating_add(p.saturating_sub(banked)))
        .min()
}

/// The extension policy for extending the current stage by `by_ms` at monotonic `mono`: the
/// stage's own policy, or, for a stage of a round under a `round_extension`, the round's policy
/// when the extension would take the round (a presenter's slot) past its planned total, and
/// `free` when it would not. The live screen asks "Has the group agreed?" when this says so.
pub fn extension_rule(s: &SessionState, by_ms: u64, mono: u64) -> ExtensionPolicy {
    rule_at(s, by_ms, s.effective(mono))
}

fn rule_at(s: &SessionState, by_ms: u64, eff: u64) -> ExtensionPolicy {
    let Some(spec) = s.spec(s.pos) else { return ExtensionPolicy::Free };
    let own = s.setup.protocol.extension_for(spec);
    match (spec.extension, s.setup.protocol.round_extension) {
        (None, Some(round)) if in_round(s) => {
            if slot_overrun(s, by_ms, eff).is_some() {
                round
            } else {
                ExtensionPolicy::Free
            }
        }
        _ => own,
    }
}

fn in_round(s: &SessionState) -> bool {
    s.stages.get(s.pos).is_some_and(|r| r.part == Part::Round && r.round.is_some())
}

/// A round that an extension would take past its planned total: its name for people ("Ann's
/// slot", or "round 2") and its planned total ("30:00").
pub(crate) struct SlotOverrun {
    pub name: String,
    pub planned: String,
}

/// Whether extending the current stage of a round by `by_ms` would take the round past its
/// planned total, under a `round_extension`. Projected: the time spent in its finished stages,
/// the current stage's larger of budget (with the extension) and elapsed time, and the budgets
/// of its stages still to come. Shortening a stage frees time for the others.
pub(crate) fn slot_overrun(s: &SessionState, by_ms: u64, eff: u64) -> Option<SlotOverrun> {
    s.setup.protocol.round_extension?;
    if !in_round(s) || s.spec(s.pos).is_some_and(|sp| sp.extension.is_some()) {
        return None;
    }
    let round = s.stages[s.pos].round?;
    let mut planned = 0u64;
    let mut projected = 0u64;
    for (i, r) in s.stages.iter().enumerate() {
        if r.part != Part::Round || r.round != Some(round) {
            continue;
        }
        let c = &s.clocks[i];
        planned = planned.saturating_add(c.planned_ms);
        projected = projected.saturating_add(if i == s.pos {
            c.budget_ms.saturating_add(by_ms).max(c.elapsed(eff))
        } else if c.visits > 0 {
            c.banked_ms
        } else {
            c.budget_ms
        });
    }
    if projected <= planned {
        return None;
    }
    // The slot is its presenter's (the first role's) when one person holds it; in parallel
    // groups, the round's.
    let holders: Vec<String> = s
        .setup
        .protocol
        .roles
        .first()
        .map(|role| {
            super::display::roles_in_round(s, round)
                .into_iter()
                .flatten()
                .filter(|(_, id)| *id == role.id)
                .map(|(name, _)| name)
                .collect()
        })
        .unwrap_or_default();
    let name = match holders.as_slice() {
        [one] => format!("{one}'s slot"),
        _ => format!("round {}", round + 1),
    };
    Some(SlotOverrun { name, planned: clock(planned / 1000, Minutes::Plain) })
}

/// A rebalance the facilitator accepted: new budgets for stages still to come (after the current
/// one), each more than zero, named as the running order names them.
fn rebalanced(
    s: &SessionState,
    budgets: Vec<super::display::NewBudget>,
    short_ms: u64,
) -> Result<Vec<Event>, Rejection> {
    running(s)?;
    let fits = |b: &super::display::NewBudget| {
        b.pos > s.pos && b.to_ms > 0 && s.stages.get(b.pos).is_some_and(|at| at.id == b.stage)
    };
    if budgets.is_empty() || !budgets.iter().all(fits) {
        return reject(Rejection::NothingToRebalance);
    }
    let stages = budgets
        .into_iter()
        .map(|b| super::display::NewBudget { from_ms: s.clocks[b.pos].budget_ms, ..b })
        .collect();
    Ok(vec![Event::Rebalanced { pos: s.pos, stages, short_ms }])
}

/// Before the start: the planned start and the hard stop, the stop after the start.
fn set_times(
    s: &SessionState,
    planned_start: Option<chrono::DateTime<chrono::FixedOffset>>,
    hard_stop: Option<chrono::DateTime<chrono::FixedOffset>>,
) -> Result<Vec<Event>, Rejection> {
    before_start(s)?;
    let asked = super::setup::Setup { planned_start, hard_stop, ..s.setup.clone() };
    if let Some(problem) = super::setup::stop_problem(&asked) {
        return reject(Rejection::TimesRefused { problem });
    }
    Ok(vec![Event::TimesSet { planned_start, hard_stop }])
}
