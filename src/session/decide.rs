//! Deciding: a command and the current state give events, or a rejection a facilitator can read.
//! Time alone causes events too: [`due`] returns them, and [`next_wake`] says when to look again.

use super::event::{Command, Event, Leave, Now, Outcome, Rejection, Stamped};
use super::state::{SessionState, Status};
use crate::protocol::{ExtensionPolicy, OrderRule};

fn reject<T>(msg: impl Into<String>) -> Result<T, Rejection> {
    Err(Rejection(msg.into()))
}

/// Decides a command at `now`. Nothing changes until the caller applies the returned events.
pub fn decide(s: &SessionState, cmd: Command, now: Now) -> Result<Vec<Stamped>, Rejection> {
    let events = decide_events(s, cmd, now)?;
    Ok(events.into_iter().map(|event| Stamped { at: now.mono, wall: now.wall, event }).collect())
}

fn decide_events(s: &SessionState, cmd: Command, now: Now) -> Result<Vec<Event>, Rejection> {
    let eff = s.effective(now.mono);
    let p = &s.setup.protocol;
    match cmd {
        Command::SetOrder { order } => {
            before_start(s)?;
            chooses_order(s)?;
            let mut a = order.clone();
            let mut b = s.order.clone();
            a.sort();
            b.sort();
            if a != b {
                return reject("The new order must list exactly the same people.");
            }
            Ok(vec![Event::OrderChanged { order, reason: None }])
        }
        Command::MoveToFront { name, reason } => {
            before_start(s)?;
            chooses_order(s)?;
            let Some(i) = s.order.iter().position(|n| *n == name) else {
                return reject(format!("{name} is not in this session."));
            };
            let mut order = s.order.clone();
            let who = order.remove(i);
            order.insert(0, who);
            Ok(vec![Event::OrderChanged { order, reason }])
        }
        Command::Start => {
            before_start(s)?;
            if s.stages.is_empty() {
                return reject("This protocol has no stages to run.");
            }
            Ok(vec![
                Event::SessionStarted { planned_ms: s.planned_ms() },
                enter(s, 0, Leave::Next, eff),
            ])
        }
        Command::Pause => {
            running(s)?;
            if s.paused {
                return reject("Already paused.");
            }
            let remaining_ms = s.clock().map_or(0, |c| c.remaining(eff));
            Ok(vec![Event::Paused { pos: s.pos, remaining_ms }])
        }
        Command::Resume => {
            running(s)?;
            if !s.paused {
                return reject("The clock is already running.");
            }
            let paused_ms = s.clock().and_then(|c| c.paused_since).map_or(0, |p| eff - p.min(eff));
            Ok(vec![Event::Resumed { pos: s.pos, paused_ms }])
        }
        Command::Next { force } => {
            running(s)?;
            let missing = !s.has_expected_record(s.pos);
            if missing && !force {
                let label = s
                    .spec(s.pos)
                    .and_then(|sp| sp.expects.as_ref())
                    .map_or_else(String::new, |x| x.label.clone());
                let progress = match s.expected_progress(s.pos) {
                    Some((have, need)) if need > 1 => format!(" ({have} of {need} groups)"),
                    _ => String::new(),
                };
                return reject(format!(
                    "Not recorded yet: {label}{progress}. Add it first, or confirm to move on without it."
                ));
            }
            Ok(advance(s, Leave::Next, missing, eff))
        }
        Command::Skip => {
            running(s)?;
            let missing = !s.has_expected_record(s.pos);
            Ok(advance(s, Leave::Skip, missing, eff))
        }
        Command::Back => {
            running(s)?;
            if s.pos == 0 {
                return reject("This is the first stage: there is nothing to go back to.");
            }
            Ok(vec![left(s, Leave::Back, false, eff), enter(s, s.pos - 1, Leave::Back, eff)])
        }
        Command::Jump { to } => {
            running(s)?;
            if to >= s.stages.len() {
                return reject(format!(
                    "There is no stage {} (the session has {}).",
                    to + 1,
                    s.stages.len()
                ));
            }
            if to == s.pos {
                return reject("That is the current stage.");
            }
            Ok(vec![
                left(s, Leave::Jump, !s.has_expected_record(s.pos), eff),
                enter(s, to, Leave::Jump, eff),
            ])
        }
        Command::Extend { by_ms, agreement } => {
            running(s)?;
            if by_ms == 0 {
                return reject("Extend by more than zero.");
            }
            let spec = s.spec(s.pos);
            let policy = spec.map_or(ExtensionPolicy::Free, |sp| p.extension_for(sp));
            match policy {
                ExtensionPolicy::NotAllowed => {
                    return reject(
                        "This stage cannot be extended: the protocol does not allow it.",
                    );
                }
                ExtensionPolicy::GroupAgreement if agreement.is_none() => {
                    return reject(
                        "Extending this stage needs the group's agreement: ask the group, then record that it agreed (or who agreed).",
                    );
                }
                _ => {}
            }
            if let Some(super::event::Agreement::People(names)) = &agreement
                && names.iter().all(|n| n.trim().is_empty())
            {
                return reject("Say who agreed, or record that the group agreed.");
            }
            Ok(vec![Event::Extended { pos: s.pos, by_ms, agreement }])
        }
        Command::RefuseExtension { by_ms, reason } => {
            running(s)?;
            Ok(vec![Event::ExtensionRefused {
                pos: s.pos,
                by_ms,
                reason: reason.unwrap_or_else(|| "the group did not agree".into()),
            }])
        }
        Command::Shorten { by_ms } => {
            running(s)?;
            // Never into overrun: at most down to no time left.
            let left = s.clock().map_or(0, |c| u64::try_from(c.remaining(eff)).unwrap_or(0));
            if by_ms == 0 || left == 0 {
                return reject(
                    "There is no time left to take off this stage: move on with n, or extend it.",
                );
            }
            Ok(vec![Event::Shortened { pos: s.pos, by_ms: by_ms.min(left) }])
        }
        Command::ReportGap { gap_ms, cause } => {
            if gap_ms == 0 {
                return reject("A gap must be longer than zero.");
            }
            let counted = s.is_running() && !s.paused;
            Ok(vec![Event::TimeGap { gap_ms, cause, counted }])
        }
        Command::AddNote { text, about, group, private } => {
            running(s)?;
            let text = text.trim().to_string();
            if text.is_empty() {
                return reject("The note is empty.");
            }
            check_group(s, group)?;
            Ok(vec![Event::NoteAdded {
                id: format!("n{}", s.notes.len() + 1),
                pos: s.pos,
                text,
                round: s.stages.get(s.pos).and_then(|r| r.round),
                group,
                about: about.map(|a| a.trim().to_string()).filter(|a| !a.is_empty()),
                private,
            }])
        }
        Command::AddCommitment { owner, text, due, group } => {
            running(s)?;
            let (owner, text) = (owner.trim().to_string(), text.trim().to_string());
            if text.is_empty() {
                return reject("The commitment is empty: say what will be done.");
            }
            if owner.is_empty() {
                return reject("Say who made the commitment.");
            }
            check_group(s, group)?;
            Ok(vec![Event::CommitmentAdded {
                id: format!("c{}", s.commitments.len() + 1),
                pos: s.pos,
                owner,
                text,
                due: due.map(|d| d.trim().to_string()).filter(|d| !d.is_empty()),
                round: s.stages.get(s.pos).and_then(|r| r.round),
                group,
            }])
        }
        Command::UpdateCommitment { session, id, status, note } => {
            running(s)?;
            let known = match &session {
                None => s.commitments.iter().any(|c| c.id == id),
                Some(sess) => s.setup.carried.iter().any(|c| c.session == *sess && c.id == id),
            };
            if !known {
                return reject(format!("There is no commitment {id} to follow up."));
            }
            Ok(vec![Event::CommitmentUpdated {
                session,
                id,
                status,
                note: note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
            }])
        }
        Command::End => match s.status {
            Status::Ended(_) => reject("The session has already ended."),
            Status::NotStarted => {
                Ok(vec![Event::SessionEnded { outcome: Outcome::EndedEarly, pos: 0 }])
            }
            Status::Running => Ok(vec![
                left(s, Leave::End, !s.has_expected_record(s.pos), eff),
                Event::SessionEnded { outcome: Outcome::EndedEarly, pos: s.pos },
            ]),
        },
    }
}

fn before_start(s: &SessionState) -> Result<(), Rejection> {
    match s.status {
        Status::NotStarted => Ok(()),
        _ => reject("The session has already started."),
    }
}

fn chooses_order(s: &SessionState) -> Result<(), Rejection> {
    if s.setup.protocol.rotation.order == OrderRule::GroupChooses {
        Ok(())
    } else {
        reject("This protocol follows the order the participants were given in.")
    }
}

fn running(s: &SessionState) -> Result<(), Rejection> {
    match s.status {
        Status::Running => Ok(()),
        Status::NotStarted => reject("The session has not started yet."),
        Status::Ended(_) => reject("The session has ended."),
    }
}

fn check_group(s: &SessionState, group: Option<usize>) -> Result<(), Rejection> {
    match group {
        Some(g) if g >= s.groups.len() => {
            reject(format!("There is no group {} (there are {}).", g + 1, s.groups.len()))
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
        out.push(Event::SessionEnded { outcome: Outcome::Completed, pos: s.pos });
    } else {
        out.push(enter(s, s.pos + 1, how, eff));
    }
    out
}

/// Events that time alone causes at `now`: the warning, the time-up, and auto-advance.
pub fn due(s: &SessionState, now: Now) -> Vec<Stamped> {
    let mut out: Vec<Event> = Vec::new();
    if !s.is_running() || s.paused {
        return Vec::new();
    }
    let eff = s.effective(now.mono);
    let Some(c) = s.clock() else { return Vec::new() };
    let remaining = c.remaining(eff);
    let mut timed_up_now = false;
    // Both can be due at once (a late poll, a shortening, a reported gap): the warning still
    // fires, first, so each fires exactly once per stage.
    if c.warning_at().is_some_and(|w| w <= eff) {
        out.push(Event::WarningReached { pos: s.pos, remaining_ms: remaining });
    }
    if !c.timed_up && remaining <= 0 {
        out.push(Event::TimeUp { pos: s.pos });
        timed_up_now = true;
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
    let deadline = if c.timed_up { None } else { c.deadline() };
    let at = [c.warning_at(), deadline].into_iter().flatten().min()?;
    Some(at.saturating_sub(s.skew_ms))
}

/// A one-line description of an extension request's policy, for prompts.
pub fn extension_rule(s: &SessionState) -> ExtensionPolicy {
    s.spec(s.pos).map_or(ExtensionPolicy::Free, |sp| s.setup.protocol.extension_for(sp))
}
