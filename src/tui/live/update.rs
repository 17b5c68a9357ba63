//! Keys to actions, actions to state changes, and the intents the loop performs.
//!
//! A key becomes an [`Action`] through the table in force ([`action_for`]); [`update`] changes
//! the screen's state and returns an [`Intent`] for anything that touches a file. Every command
//! to the engine is such an intent: [`perform`] decides it, writes its events to the log and
//! flushes them, then applies them (write, flush, then show). Saving a copy of the log and
//! leaving the screen (which tries the log once more) are intents too, so [`update`] never
//! writes or reads a file.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::form::{self, Form, FormKind};
use super::keys::{
    AGREEMENT, Action, END_WITHOUT, FOLLOW_UP, FORM, LEAVE, LIVE, MIRROR, NOT_IN_SESSION, QUIT,
    REBALANCE, ROSTER, START,
};
use super::overlay::and_list;
use super::{Exit, LiveScreen, Overlay, STEP_MS, Sharing};
use crate::log::writer::LogWriter;
use crate::protocol::ExtensionPolicy;
use crate::session::decide::{extension_rule, slot_overrun};
use crate::session::{Agreement, Command, Now, Rejection, ShareListen, Status};
use crate::tui::keys::{self, Binding};

/// What the loop must do after an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    None,
    /// Decide a command; write its events to the log, then apply and show them.
    Exec(Box<Exec>),
    /// End the session (unless it has ended), then leave the screen; when records each
    /// participant makes are missing, ask first ([`Overlay::ConfirmEnd`]).
    End,
    /// End the session without the records each participant makes (confirmed), then leave.
    EndAnyway,
    /// Leave the session to resume later. Leaving on purpose pauses the clock first, so the time
    /// away is not counted against the stage; after a crash it is (the room went on).
    Leave,
    /// Leave the screen, unless the log is failing: then the save form is offered first.
    Finish(Exit),
    /// Save a copy of the whole log where the save form says (`~/` is the home folder), then
    /// leave the screen as `then`.
    SaveCopy {
        to: String,
        then: Exit,
    },
    /// Start sharing with the room, unless it is shared already.
    Share,
    /// Stop sharing with the room.
    StopSharing,
    /// The key that raised the open question, pressed again: a double press within
    /// [`REPEAT_GUARD_MS`](super::REPEAT_GUARD_MS) of the question is ignored (time is the
    /// key's, given to [`perform`]); later, it acts as any key would.
    Repeat(KeyEvent),
    /// Remember presentation mode as it is now (in the config folder).
    RememberPresentation,
    /// Propose a rebalance of the stages to come that lands on the hard stop (it depends on the
    /// moment).
    Rebalance,
    /// Set the planned start and the hard stop to these times of today (the day is the moment's).
    SetTimes {
        start: Option<chrono::NaiveTime>,
        stop: Option<chrono::NaiveTime>,
    },
}

/// A command for the engine, and what the screen shows after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exec {
    pub command: Command,
    /// The message when the engine takes it.
    pub said: Option<String>,
    /// The form to show again, with what was typed, when the engine refuses it.
    pub refused: Option<Form>,
}

impl Intent {
    /// A command; a refusal is shown as the message.
    fn exec(command: Command) -> Self {
        Intent::Exec(Box::new(Exec { command, said: None, refused: None }))
    }
}

/// The binding tables in force, first match first. Empty where any key acts (help, norms,
/// roster; after the session has ended).
pub fn tables_in_force(s: &LiveScreen) -> &'static [&'static [Binding<Action>]] {
    if s.opts.mirror {
        return &[MIRROR];
    }
    match &s.overlay {
        Overlay::None => match s.state.status {
            Status::NotStarted => &[START, LIVE],
            Status::Running => &[LIVE],
            Status::Ended(_) => &[],
        },
        Overlay::Help | Overlay::Norms | Overlay::Roster | Overlay::Share => &[],
        Overlay::Quit => &[QUIT],
        Overlay::ConfirmLeave => &[LEAVE],
        Overlay::ConfirmEnd => &[END_WITHOUT],
        Overlay::Agreement { .. } => &[AGREEMENT],
        Overlay::Form(_) => &[FORM],
        Overlay::FollowUp { .. } => &[FOLLOW_UP],
        Overlay::NotInSession { .. } => &[NOT_IN_SESSION],
        Overlay::Rebalance(_) => &[REBALANCE],
    }
}

/// The action a key stands for on the screen as it is, if any. Key releases never act.
pub fn action_for(s: &LiveScreen, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let tables = tables_in_force(s);
    // In the share's overlay the share key again stops sharing; any other key closes it.
    if s.overlay == Overlay::Share && !s.opts.mirror {
        return keys::action(LIVE, key).filter(|a| *a == Action::Share).or(Some(Action::AnyKey));
    }
    // The roster scrolls where it is longer than the screen; any other key closes it.
    if s.overlay == Overlay::Roster && !s.opts.mirror {
        return keys::action(ROSTER, key).or(Some(Action::AnyKey));
    }
    if tables.is_empty() {
        return Some(Action::AnyKey);
    }
    if s.state.status == Status::NotStarted && s.overlay == Overlay::None && !s.opts.mirror {
        // Reordering keys act only when the group chooses the order; otherwise the key is read
        // as a live key (which then says how to start).
        let p = &s.state.setup.protocol;
        return keys::action(START, key)
            .filter(|a| a.on_start_card(p))
            .or_else(|| keys::action(LIVE, key));
    }
    tables.iter().find_map(|t| keys::action(t, key))
}

/// A character typed into the open form. Returns whether the key was taken.
pub fn type_char(s: &mut LiveScreen, key: KeyEvent) -> bool {
    let Overlay::Form(form) = &mut s.overlay else { return false };
    match key.code {
        KeyCode::Char(c)
            if key.kind != KeyEventKind::Release
                && !key.modifiers.contains(KeyModifiers::CONTROL)
                && !c.is_control() =>
        {
            // A message to the room is bounded as it is typed: it must read from the back.
            let full = form.kind == FormKind::RoomMessage
                && form.fields[form.focus].value.chars().count()
                    >= crate::session::ROOM_MESSAGE_MAX;
            if !full {
                form.fields[form.focus].value.push(c);
            }
            true
        }
        _ => false,
    }
}

/// A key on a screen large enough: the message goes, and the key is typed into a form or acted
/// on. Returns what the loop must perform.
pub fn intent_for(s: &mut LiveScreen, key: KeyEvent) -> Intent {
    if key.kind == KeyEventKind::Release {
        return Intent::None;
    }
    s.last_key = Some(key);
    if s.asked.is_some_and(|a| a.key.is_some_and(|k| same_key(k, key)))
        && asks_to_confirm(s)
        && action_for(s, key).is_some()
    {
        return Intent::Repeat(key);
    }
    s.message = None;
    if type_char(s, key) {
        return Intent::None;
    }
    action_for(s, key).map_or(Intent::None, |a| update(s, a))
}

/// Whether the open overlay is a question that would leave a stage or end the session without
/// a record.
fn asks_to_confirm(s: &LiveScreen) -> bool {
    matches!(s.overlay, Overlay::ConfirmLeave | Overlay::ConfirmEnd)
}

/// The same key, whatever its kind (press or repeat).
fn same_key(a: KeyEvent, b: KeyEvent) -> bool {
    a.code == b.code && a.modifiers == b.modifiers
}

/// Applies an action to the state. Returns what the loop must perform; never touches a file.
pub fn update(s: &mut LiveScreen, action: Action) -> Intent {
    if s.opts.mirror {
        if action == Action::StopMirror {
            s.exit = Some(Exit::Left);
        }
        return Intent::None;
    }
    if action == Action::Share
        && matches!(s.overlay, Overlay::None)
        && !matches!(s.state.status, Status::Ended(_))
    {
        s.overlay = Overlay::Share;
        return Intent::Share;
    }
    match s.overlay.clone() {
        Overlay::None => match s.state.status {
            Status::NotStarted => start_card(s, action),
            Status::Running => running(s, action),
            // Through `Finish`, so a failing log is offered another place first.
            Status::Ended(_) => Intent::Finish(Exit::Ended),
        },
        // The share key again stops sharing; any other key closes the overlay.
        Overlay::Share
            if action == Action::Share && s.share.as_ref().is_some_and(|sh| !sh.ended()) =>
        {
            Intent::StopSharing
        }
        Overlay::Roster if action == Action::ScrollDown => {
            s.roster_scroll = s.roster_scroll.saturating_add(ROSTER_STEP).min(roster_rows(s));
            Intent::None
        }
        Overlay::Roster if action == Action::ScrollUp => {
            s.roster_scroll = s.roster_scroll.saturating_sub(ROSTER_STEP);
            Intent::None
        }
        Overlay::Help | Overlay::Norms | Overlay::Roster | Overlay::Share => {
            s.overlay = Overlay::None;
            Intent::None
        }
        Overlay::Quit => quit(s, action),
        Overlay::ConfirmLeave => confirm_leave(s, action),
        Overlay::ConfirmEnd => match action {
            Action::EndAnyway => {
                s.overlay = Overlay::None;
                Intent::EndAnyway
            }
            Action::CarryOn => {
                s.overlay = Overlay::None;
                Intent::None
            }
            _ => Intent::None,
        },
        Overlay::Agreement { by_ms } => agreement(s, action, by_ms),
        Overlay::Rebalance(p) => match action {
            Action::AcceptRebalance => {
                s.overlay = Overlay::None;
                let said = format!(
                    "Rebalanced: the stages to come now end at the {} stop.",
                    p.stop.format("%H:%M")
                );
                Intent::Exec(Box::new(Exec {
                    command: Command::Rebalance { budgets: p.changes, short_ms: p.short_ms },
                    said: Some(said),
                    refused: None,
                }))
            }
            Action::RefuseRebalance => {
                s.overlay = Overlay::None;
                s.message = Some("Rebalance refused: the plan is unchanged.".into());
                Intent::None
            }
            _ => Intent::None,
        },
        Overlay::Form(f) => form(s, action, f),
        Overlay::FollowUp { selected } => follow_up(s, action, selected),
        Overlay::NotInSession { form, .. } => match action {
            Action::RecordAnyway => submit(s, form, false),
            Action::Correct => {
                s.overlay = Overlay::Form(form);
                Intent::None
            }
            Action::Dismiss => {
                s.overlay = Overlay::None;
                Intent::None
            }
            _ => Intent::None,
        },
    }
}

/// The keys of the room that act before and during the session: a message to the room, and
/// presentation mode. Returns the intent, or `None` when the action is neither.
fn room_keys(s: &mut LiveScreen, action: Action) -> Option<Intent> {
    match action {
        Action::RoomMessage => {
            s.overlay = Overlay::Form(form::room_message(s));
            Some(Intent::None)
        }
        Action::Presentation => {
            s.presentation = !s.presentation;
            s.message = Some(if s.presentation {
                "Presentation mode: the facilitator's lines are hidden (p shows them).".into()
            } else {
                "The facilitator's lines are shown (p hides them).".into()
            });
            Some(Intent::RememberPresentation)
        }
        _ => None,
    }
}

/// Opens the overlay the keys of every screen open (norms, roster, help, quit). Returns whether
/// the action was one of them.
fn open(s: &mut LiveScreen, action: Action) -> bool {
    s.overlay = match action {
        Action::Norms => Overlay::Norms,
        Action::Roster => {
            s.roster_scroll = 0;
            Overlay::Roster
        }
        Action::Share => Overlay::Share,
        Action::Help => Overlay::Help,
        Action::Quit => Overlay::Quit,
        _ => return false,
    };
    true
}

/// Rows the roster's popup scrolls by.
const ROSTER_STEP: u16 = 5;

/// A generous count of the roster's rows (two a person where it stacks): it scrolls no
/// further; drawing stops at its last row.
fn roster_rows(s: &LiveScreen) -> u16 {
    let st = &s.state;
    let lines = 2 * st.order.len() + st.groups.len() + 2 * st.setup.protocol.roles.len() + 6;
    u16::try_from(lines).unwrap_or(u16::MAX)
}

/// A generous count of the start card's lines: it scrolls no further.
fn card_lines(s: &LiveScreen) -> u16 {
    let st = &s.state;
    let p = &st.setup.protocol;
    // Two lines a person where the roster stacks (a narrow screen); a role's guidance wraps.
    let lines = 2 * st.order.len()
        + st.groups.len()
        + 3 * p.roles.len()
        + p.opening.len()
        + p.round.len()
        + p.closing.len()
        + p.norm_count()
        + 12;
    u16::try_from(lines).unwrap_or(u16::MAX)
}

fn start_card(s: &mut LiveScreen, action: Action) -> Intent {
    let n = s.state.order.len();
    match action {
        Action::Start => return Intent::exec(Command::Start),
        Action::ScrollDown => s.scroll = s.scroll.saturating_add(5).min(card_lines(s)),
        Action::ScrollUp => s.scroll = s.scroll.saturating_sub(5),
        Action::Up => s.selected = s.selected.saturating_sub(1),
        Action::Down => s.selected = (s.selected + 1).min(n.saturating_sub(1)),
        Action::ToFront => {
            if let Some(name) = s.state.order.get(s.selected).cloned() {
                s.selected = 0;
                return Intent::exec(Command::MoveToFront { name, reason: None });
            }
        }
        Action::MoveUp | Action::MoveDown if n > 1 => {
            let i = s.selected;
            let j = if action == Action::MoveUp {
                i.checked_sub(1)
            } else {
                (i + 1 < n).then_some(i + 1)
            };
            if let Some(j) = j {
                let mut order = s.state.order.clone();
                order.swap(i, j);
                s.selected = j;
                return Intent::exec(Command::SetOrder { order });
            }
        }
        Action::MoveUp | Action::MoveDown => {}
        Action::EditFact => s.overlay = Overlay::Form(form::fact(s)),
        Action::EditTimes => s.overlay = Overlay::Form(form::times(s)),
        other => {
            if let Some(intent) = room_keys(s, other) {
                return intent;
            }
            if !open(s, other) {
                s.message = Some("Press space or Enter to start.".into());
            }
        }
    }
    Intent::None
}

fn running(s: &mut LiveScreen, action: Action) -> Intent {
    let st = &s.state;
    match action {
        Action::TogglePause => {
            return Intent::exec(if st.paused { Command::Resume } else { Command::Pause });
        }
        // Leaving a stage whose record is missing asks first.
        Action::Next | Action::Skip if !st.has_expected_record(st.pos) => {
            s.overlay = Overlay::ConfirmLeave;
        }
        Action::Next => return Intent::exec(Command::Next { force: false }),
        Action::Skip => return Intent::exec(Command::Skip),
        Action::Back => return Intent::exec(Command::Back),
        // Whether to ask "Has the group agreed?" depends on the time (a round's slot): `perform`
        // decides, with the moment.
        // Said in words as well as by the digits.
        Action::Extend => {
            return Intent::Exec(Box::new(Exec {
                command: Command::Extend { by_ms: STEP_MS, agreement: None },
                said: Some(format!("Extended by {} min.", STEP_MS / 60_000)),
                refused: None,
            }));
        }
        Action::Shorten => {
            return Intent::Exec(Box::new(Exec {
                command: Command::Shorten { by_ms: STEP_MS },
                said: Some(format!("Shortened by {} min.", STEP_MS / 60_000)),
                refused: None,
            }));
        }
        Action::Note => s.overlay = Overlay::Form(form::note(s)),
        Action::Commit => s.overlay = Overlay::Form(form::commitment(s)),
        Action::FollowUp if st.setup.carried.is_empty() => {
            s.message = Some(match &st.setup.group_name {
                Some(g) => format!("No open commitments from earlier sessions of {g}."),
                None => "Follow-up needs a group: start the session with --group NAME.".into(),
            });
        }
        Action::FollowUp => s.overlay = Overlay::FollowUp { selected: 0 },
        Action::Rebalance => return Intent::Rebalance,
        other => {
            if let Some(intent) = room_keys(s, other) {
                return intent;
            }
            open(s, other);
        }
    }
    Intent::None
}

fn quit(s: &mut LiveScreen, action: Action) -> Intent {
    match action {
        Action::End => return Intent::End,
        Action::Leave => return Intent::Leave,
        // Offered only while the log cannot be written.
        Action::SaveElsewhere if s.log_error().is_some() => {
            s.overlay = Overlay::Form(form::save_path(s, Exit::Left));
        }
        Action::CarryOn => s.overlay = Overlay::None,
        _ => {}
    }
    Intent::None
}

fn confirm_leave(s: &mut LiveScreen, action: Action) -> Intent {
    match action {
        Action::AddRecord => s.overlay = Overlay::Form(form::expected_record(s)),
        Action::MoveOn => {
            s.overlay = Overlay::None;
            return Intent::exec(Command::Next { force: true });
        }
        Action::Stay => s.overlay = Overlay::None,
        _ => {}
    }
    Intent::None
}

fn agreement(s: &mut LiveScreen, action: Action, by_ms: u64) -> Intent {
    let (command, said) = match action {
        Action::Agreed => (
            Command::Extend { by_ms, agreement: Some(Agreement::Group) },
            "Extended by 1 min: the group agreed (recorded).",
        ),
        Action::NotAgreed => (
            Command::RefuseExtension { by_ms, reason: None },
            "Not extended: the group did not agree (recorded).",
        ),
        Action::NameWho => {
            s.overlay = Overlay::Form(form::agreed_by(by_ms));
            return Intent::None;
        }
        Action::Cancel => {
            s.overlay = Overlay::None;
            return Intent::None;
        }
        _ => return Intent::None,
    };
    s.overlay = Overlay::None;
    Intent::Exec(Box::new(Exec { command, said: Some(said.into()), refused: None }))
}

fn follow_up(s: &mut LiveScreen, action: Action, selected: usize) -> Intent {
    let n = s.state.setup.carried.len();
    match action {
        Action::Up => s.overlay = Overlay::FollowUp { selected: selected.saturating_sub(1) },
        Action::Down => {
            s.overlay = Overlay::FollowUp { selected: (selected + 1).min(n.saturating_sub(1)) };
        }
        Action::Close => {
            s.overlay = Overlay::None;
            s.reveal = false;
        }
        Action::ToggleText => s.reveal = !s.reveal,
        Action::Mark(status) => {
            if let Some(c) = s.state.setup.carried.get(selected) {
                let form = form::follow_up(c.session.clone(), c.id.clone(), status);
                s.overlay = Overlay::Form(form);
            }
        }
        _ => {}
    }
    Intent::None
}

fn form(s: &mut LiveScreen, action: Action, mut f: Form) -> Intent {
    match action {
        Action::Cancel => {
            s.overlay = f.back_to();
            return Intent::None;
        }
        Action::Dismiss => {
            s.overlay = match f.kind {
                FormKind::SavePath { .. } => Overlay::Quit,
                _ => Overlay::None,
            };
            return Intent::None;
        }
        Action::ToggleText => f.masked = !f.masked,
        Action::NextChoice | Action::PreviousChoice => {
            // A fact's choices, or the records a "For" field offers.
            let forward = action == Action::NextChoice;
            let _ = form::cycle_choice(s, &mut f, forward) || form::cycle(s, &mut f, forward);
        }
        Action::NextField => f.focus = (f.focus + 1) % f.fields.len(),
        Action::PreviousField => f.focus = (f.focus + f.fields.len() - 1) % f.fields.len(),
        Action::Submit if f.focus + 1 < f.fields.len() => f.focus += 1,
        Action::Submit => return submit(s, f, true),
        Action::DeleteChar => {
            crate::text::pop_grapheme(&mut f.fields[f.focus].value);
        }
        Action::ClearField => f.fields[f.focus].value.clear(),
        _ => {}
    }
    s.overlay = Overlay::Form(f);
    Intent::None
}

/// The roster's spelling of a typed name: the same name in any case, or a first name only one
/// person in the session has ("ann" is "Ann Lee"); `None` when nobody in the session has it.
pub fn roster_name(s: &LiveScreen, typed: &str) -> Option<String> {
    let st = &s.state;
    let typed = typed.trim().to_lowercase();
    let people: Vec<&String> = st.order.iter().chain(st.setup.facilitator.iter()).collect();
    if let Some(p) = people.iter().find(|p| p.to_lowercase() == typed) {
        return Some((*p).clone());
    }
    let first = |p: &&&String| p.split_whitespace().next().map(str::to_lowercase);
    let mut same = people.iter().filter(|p| first(p).as_deref() == Some(typed.as_str()));
    match (same.next(), same.next()) {
        (Some(p), None) => Some((*p).clone()),
        _ => None,
    }
}

/// The names a form gives (who a note is about, who commits, who agreed), as typed.
fn named(f: &Form) -> Vec<String> {
    let value = |i: usize| f.fields.get(i).map_or("", |field| field.value.trim());
    let by_label = |labels: &[&str]| {
        f.fields.iter().find(|field| labels.contains(&field.label)).map_or("", |x| x.value.trim())
    };
    let names = match f.kind {
        FormKind::Note | FormKind::Fact => vec![value(0)],
        FormKind::Commitment => vec![by_label(&["Who"])],
        FormKind::Record => vec![by_label(&[form::ABOUT, form::ABOUT_REQUIRED])],
        FormKind::AgreedBy { .. } => value(0).split(',').map(str::trim).collect(),
        _ => vec![],
    };
    names.into_iter().filter(|n| !n.is_empty()).map(str::to_string).collect()
}

/// The form's command, or the copy of the log it asks for. The form closes now; a refusal
/// shows it again, with what was typed. With `check`, a name nobody in the session has is
/// questioned first ("Zed is not in this session: record anyway?"); names are recorded as the
/// roster spells them.
fn submit(s: &mut LiveScreen, f: Form, check: bool) -> Intent {
    if check {
        let unknown: Vec<String> =
            named(&f).into_iter().filter(|n| roster_name(s, n).is_none()).collect();
        if !unknown.is_empty() {
            s.overlay = Overlay::NotInSession { form: f, unknown };
            return Intent::None;
        }
    }
    let value = |i: usize| f.fields.get(i).map(|field| field.value.trim().to_string());
    let as_roster = |n: String| roster_name(s, &n).unwrap_or(n);
    let mut said = form::saved_message(&f.kind);
    let command = match &f.kind {
        FormKind::Note => {
            let about = value(0).filter(|a| !a.is_empty()).map(as_roster);
            if let Some(a) = &about {
                said = format!("Note about {a} saved (private: not shown on screen).");
            }
            Command::AddNote {
                text: value(1).unwrap_or_default(),
                about,
                group: None,
                private: true,
                record: None,
            }
        }
        FormKind::Record => Command::AddNote {
            text: form::value_of(&f, &[form::RECORD]).unwrap_or_default(),
            about: form::value_of(&f, &[form::ABOUT, form::ABOUT_REQUIRED])
                .filter(|a| !a.is_empty())
                .map(as_roster),
            group: None,
            private: false,
            record: form::chosen_id(s, &f),
        },
        FormKind::Commitment => {
            let owner = as_roster(form::value_of(&f, &["Who"]).unwrap_or_default());
            // Attach it to the owner's group when the session runs several.
            let group = (s.state.groups.len() > 1)
                .then(|| s.state.groups.iter().position(|g| g.contains(&owner)))
                .flatten();
            Command::AddCommitment {
                owner,
                text: form::value_of(&f, &["Will"]).unwrap_or_default(),
                due: form::value_of(&f, &[form::BY, form::BY_REQUIRED]).filter(|d| !d.is_empty()),
                group,
                record: form::chosen_id(s, &f),
            }
        }
        FormKind::Fact => {
            let name = as_roster(value(0).unwrap_or_default());
            let key = form::fact_key_of(s, &value(1).unwrap_or_default());
            let v = value(2).filter(|v| !v.is_empty());
            said = match &v {
                Some(v) => format!("{}: {key} set to {v}.", crate::text::sanitize(&name)),
                None => format!("{}: {key} cleared.", crate::text::sanitize(&name)),
            };
            Command::SetFact { name, key, value: v }
        }
        FormKind::FollowUp { session, id, status } => Command::UpdateCommitment {
            session: Some(session.clone()),
            id: id.clone(),
            status: *status,
            note: value(0),
        },
        FormKind::AgreedBy { by_ms } => {
            let names: Vec<String> = named(&f).into_iter().map(as_roster).collect();
            if !names.is_empty() {
                let shown: Vec<String> = names.iter().map(|n| crate::text::sanitize(n)).collect();
                said = format!(
                    "Extended by {} min: {} agreed (recorded).",
                    by_ms / 60_000,
                    and_list(&shown)
                );
            }
            Command::Extend { by_ms: *by_ms, agreement: Some(Agreement::People(names)) }
        }
        FormKind::Times => return times_intent(s, f),
        FormKind::SavePath { then } => {
            // The form stays open until the copy is saved.
            let then = *then;
            return Intent::SaveCopy { to: value(0).unwrap_or_default(), then };
        }
        FormKind::RoomMessage => match value(0).filter(|v| !v.is_empty()) {
            Some(text) => Command::ShowMessage { text },
            None if s.state.room_message.is_some() => {
                said = "The message to the room is taken away.".into();
                Command::ClearMessage
            }
            None => {
                s.overlay = Overlay::None;
                return Intent::None;
            }
        },
    };
    s.overlay = match f.kind {
        FormKind::FollowUp { .. } => Overlay::FollowUp { selected: 0 },
        _ => Overlay::None,
    };
    Intent::Exec(Box::new(Exec { command, said: Some(said), refused: Some(f) }))
}

/// Starts sharing the session's log (the `w` key, `--share`, `share = true`) and logs that it
/// did (port and view settings, never the token). A failure is said in one line; the session
/// runs as always.
pub(crate) fn start_sharing(s: &mut LiveScreen, now: Now) {
    if s.share.as_ref().is_some_and(|sh| !sh.ended()) {
        return;
    }
    let Some(path) = s.log.as_ref().map(|l| l.path.clone()) else { return };
    let start = match s.sharing {
        Sharing::Here(start) => start,
        // convene takes the session over from the file alone: only when the file holds it all.
        Sharing::HandOver if s.log.as_ref().is_some_and(LogWriter::settled) => {
            s.exit = Some(Exit::HandOver);
            return;
        }
        Sharing::HandOver => {
            s.overlay = Overlay::None;
            s.message = Some(
                "not sharing while the log has a problem (the line above says what); the \
                 session runs as always"
                    .into(),
            );
            return;
        }
        Sharing::Unavailable => {
            s.overlay = Overlay::None;
            s.message = Some(
                "not sharing: this screen cannot share (run `convene share` in another \
                 terminal); the session runs as always"
                    .into(),
            );
            return;
        }
    };
    match start(&path, &s.share_options) {
        Ok(sh) => {
            let command = Command::StartSharing {
                port: sh.port,
                names: sh.names.word().to_string(),
                listen: if s.share_options.addr.is_some() {
                    ShareListen::Named
                } else {
                    ShareListen::Private
                },
            };
            // A device connecting or leaving wakes the loop (through its own wake-up pipe,
            // as the mirror's file watcher does), so the footer's count is never stale, and a
            // paused session with nothing connecting still never wakes.
            sh.on_devices_changed(|| {
                let _ = crate::tui::input::wake();
            });
            s.share = Some(sh);
            let r = s.exec(command, now);
            if r.is_err() {
                s.say(r);
            }
        }
        Err(e) => {
            s.overlay = Overlay::None;
            s.message = Some(e.to_string());
        }
    }
}

/// Stops sharing before the session ends (the share key in the share overlay): the address
/// stops working at once, the pages are told, and the log says it stopped.
pub(crate) fn stop_sharing(s: &mut LiveScreen, now: Now) {
    s.overlay = Overlay::None;
    let Some(sh) = s.share.take() else { return };
    sh.stop();
    if s.state.sharing().is_some() {
        let r = s.exec(Command::StopSharing, now);
        s.say(r);
    }
    s.message = Some("Sharing stopped: the address no longer works.".into());
}

/// Performs an intent: the engine's commands (written to the log, then shown), leaving the
/// screen, saving a copy of the log.
pub fn perform(s: &mut LiveScreen, intent: Intent, now: Now) {
    perform_intent(s, intent, now);
    // A question that leaves without a record remembers the key that raised it, and when.
    if !asks_to_confirm(s) {
        s.asked = None;
    } else if s.asked.is_none() {
        s.asked = Some(super::Asked { key: s.last_key, at: now.mono });
    }
}

/// Remembers presentation mode in the config folder; says so where it cannot.
fn remember_presentation(s: &mut LiveScreen) {
    if let Some(dir) = &s.presentation_file
        && let Err(e) = (s.remember)(dir, s.presentation)
    {
        let state = if s.presentation { "on" } else { "off" };
        s.message = Some(format!("Presentation mode {state} for this session only: {e}"));
    }
}

/// Sets the planned start and the hard stop to these times of today (the start card's `t`).
fn set_times(
    s: &mut LiveScreen,
    start: Option<chrono::NaiveTime>,
    stop: Option<chrono::NaiveTime>,
    now: Now,
) {
    // Times of today: the day (and its offset) of the moment the screen read.
    let today = |t: chrono::NaiveTime| now.wall.with_time(t).single().unwrap_or(now.wall);
    let command = Command::SetTimes { planned_start: start.map(today), hard_stop: stop.map(today) };
    match s.exec(command, now) {
        Ok(()) => s.message = Some("Times set.".into()),
        Err(r) => {
            s.message = Some(r.to_string());
            s.overlay = Overlay::Form(form::times(s));
        }
    }
}

fn perform_intent(s: &mut LiveScreen, intent: Intent, now: Now) {
    match intent {
        Intent::None => {}
        Intent::Repeat(key) => {
            let at = s.asked.map_or(0, |a| a.at);
            if now.mono.saturating_sub(at) >= super::REPEAT_GUARD_MS {
                s.message = None;
                let intent = action_for(s, key).map_or(Intent::None, |a| update(s, a));
                perform_intent(s, intent, now);
            }
        }
        Intent::Share => start_sharing(s, now),
        Intent::StopSharing => stop_sharing(s, now),
        Intent::RememberPresentation => remember_presentation(s),
        Intent::Rebalance => propose_rebalance(s, now),
        Intent::SetTimes { start, stop } => set_times(s, start, stop, now),
        Intent::Exec(exec) => {
            let Exec { command, said, refused } = *exec;
            if let Command::Extend { by_ms, agreement: None } = command
                && s.state.status == Status::Running
                && extension_rule(&s.state, by_ms, now.mono) == ExtensionPolicy::GroupAgreement
            {
                // Why, when it is the round's slot that needs it: "This would take Ann's slot
                // past its 30:00: the group must agree."
                s.message =
                    slot_overrun(&s.state, by_ms, s.state.effective(now.mono)).map(|slot| {
                        Rejection::SlotNeedsAgreement { slot: slot.name, planned: slot.planned }
                            .to_string()
                    });
                s.overlay = Overlay::Agreement { by_ms };
                return;
            }
            let fact = matches!(command, Command::SetFact { .. });
            match s.exec(command, now) {
                Ok(()) => {
                    if said.is_some() {
                        s.message = said;
                    }
                    // The start card's warnings follow the facts.
                    if fact {
                        let mut now_set = s.state.setup.clone();
                        now_set.participants.clone_from(&s.state.order);
                        s.warnings = match crate::session::check_setup(&now_set) {
                            Ok(warnings) => warnings,
                            // A team still being marked: shown, and checked at the start.
                            Err(problems) => problems.0,
                        };
                    }
                }
                Err(r) => {
                    s.message = Some(r.to_string());
                    if let Some(f) = refused {
                        s.overlay = Overlay::Form(f);
                    }
                }
            }
        }
        // Ended early, the session shows its end screen as a completed one does; the next key
        // leaves it.
        Intent::End => {
            if !matches!(s.state.status, Status::Ended(_)) {
                match s.exec(Command::End, now) {
                    Err(Rejection::NotRecordedAtEnd { .. }) => {
                        s.overlay = Overlay::ConfirmEnd;
                        return;
                    }
                    // A failing log is offered another place first, as before.
                    Ok(()) if s.log_error().is_none() => {
                        s.overlay = Overlay::None;
                        return;
                    }
                    r => s.say(r),
                }
            }
            finish(s, Exit::Ended);
        }
        Intent::EndAnyway => {
            if !matches!(s.state.status, Status::Ended(_)) {
                let r = s.exec(Command::EndAnyway, now);
                if r.is_ok() && s.log_error().is_none() {
                    s.overlay = Overlay::None;
                    return;
                }
                s.say(r);
            }
            finish(s, Exit::Ended);
        }
        Intent::Leave => {
            if s.state.status == Status::Running && !s.state.paused {
                let r = s.exec(Command::PauseToLeave, now);
                s.say(r);
            }
            finish(s, Exit::Left);
        }
        Intent::Finish(how) => finish(s, how),
        Intent::SaveCopy { to, then } => save_copy(s, &to, then),
    }
}

/// The times form's intent: both times read, or the form again with why not.
fn times_intent(s: &mut LiveScreen, f: Form) -> Intent {
    let read = |i: usize| {
        let text = f.fields.get(i).map(|field| field.value.trim().to_string()).unwrap_or_default();
        if text.is_empty() {
            Ok(None)
        } else {
            crate::session::setup::parse_time_of_day(&text).map(Some)
        }
    };
    match (read(0), read(1)) {
        (Ok(start), Ok(stop)) => {
            s.overlay = Overlay::None;
            Intent::SetTimes { start, stop }
        }
        (Err(e), _) | (_, Err(e)) => {
            s.message = Some(e);
            s.overlay = Overlay::Form(f);
            Intent::None
        }
    }
}

/// Opens the rebalance the plan proposes now, or says why there is none.
pub(crate) fn propose_rebalance(s: &mut LiveScreen, now: Now) {
    let st = &s.state;
    let Some(stop) = st.setup.hard_stop else {
        s.message = Some("No hard stop to land on: start the session with --until HH:MM.".into());
        return;
    };
    match crate::session::display::proposal(st, now.mono, now.wall) {
        None => {
            s.message = Some(format!(
                "Nothing to rebalance: the session ends by the {} stop.",
                stop.format("%H:%M")
            ));
        }
        Some(p) if p.changes.is_empty() => {
            s.message = Some(format!(
                "No rebalance reaches the {} stop: no stage to come may give time ({} min past).",
                stop.format("%H:%M"),
                (p.short_ms + 30_000) / 60_000
            ));
        }
        Some(p) => s.overlay = Overlay::Rebalance(p),
    }
}

/// Leaves the screen, unless the log is failing: then offers to save it elsewhere first.
fn finish(s: &mut LiveScreen, how: Exit) {
    if let Some(log) = s.log.as_mut() {
        log.retry();
    }
    if s.log_error().is_some() && s.saved_to.is_none() {
        s.overlay = Overlay::Form(form::save_path(s, how));
    } else {
        s.overlay = Overlay::None;
        s.exit = Some(how);
    }
}

/// Saves the whole log to the place typed (`~/` is the home folder), then leaves the screen; or
/// says why not, and keeps the form open to try another place.
fn save_copy(s: &mut LiveScreen, to: &str, then: Exit) {
    let home = directories::UserDirs::new().map(|u| u.home_dir().to_path_buf());
    let path = match (to.strip_prefix("~/"), home) {
        (Some(rest), Some(h)) => h.join(rest),
        _ => PathBuf::from(to),
    };
    match s.log.as_ref().map(|l| l.save_copy(&path)) {
        Some(Ok(())) | None => {
            // The copy holds the whole session: the incomplete log in the sessions folder must
            // not be offered to resume in its place.
            if let Some(log) = s.log.as_mut() {
                log.supersede();
            }
            s.saved_to = Some(path);
            s.overlay = Overlay::None;
            s.exit = Some(then);
        }
        Some(Err(e)) => {
            s.message =
                Some(format!("Could not save to {}: {e}. Try another place.", path.display()));
        }
    }
}
