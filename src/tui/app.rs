//! The live screen's state machine: key presses become engine commands; engine events are
//! written to the log and flushed *before* they are applied and shown. Time is an argument, so
//! tests drive it with a fake clock and no terminal.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::event_loop::Screen;
use super::keymap::{Action, live_action};
use super::signals::{self, Quit};
use super::theme::Theme;
use crate::log::writer::LogWriter;
use crate::protocol::{ExtensionPolicy, OrderRule, RecordKind};
use crate::session::decide::extension_rule;
use crate::session::view::{self, Phase};
use crate::session::{
    Agreement, Command, CommitmentStatus, Event, GapCause, Now, Rejection, SessionState, Stamped,
    Status, apply, decide, due, next_wake,
};

/// One minute, the step for `+` and `-`.
pub const STEP_MS: u64 = 60_000;
/// How long the screen flashes on a stage change.
pub const FLASH_MS: u64 = 400;

#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub quiet: bool,
    pub flash: bool,
    pub theme: Theme,
    /// A read-only mirror: no keys change the session.
    pub mirror: bool,
}

/// What a form is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    /// A private note (masked while typed; never shown on screen).
    Note,
    /// The record a stage expects when it is a note, such as the next CPD topic: not private.
    Record,
    Commitment,
    /// A short update when following up an earlier commitment.
    FollowUp {
        session: String,
        id: String,
        status: CommitmentStatus,
    },
    /// Who agreed to an extension, by name.
    AgreedBy {
        by_ms: u64,
    },
    /// Where to save the log when the usual place failed.
    SavePath {
        then: Exit,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: &'static str,
    pub value: String,
    /// Shown as dots while the form is masked (the text of notes and commitments).
    pub secret: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub kind: FormKind,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Typed text is shown as dots (F2 toggles).
    pub masked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help,
    Norms,
    Roster,
    Quit,
    /// The stage's expected record is missing: add it, leave anyway, or stay.
    ConfirmLeave,
    /// Under a group-agreement policy: has the group agreed to this extension?
    Agreement {
        by_ms: u64,
    },
    Form(Form),
    FollowUp {
        selected: usize,
    },
}

/// How the live screen finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The session was ended (completed or early).
    Ended,
    /// Left to resume later.
    Left,
}

pub struct App {
    pub state: SessionState,
    /// `None` in the read-only mirror.
    pub log: Option<LogWriter>,
    pub opts: Options,
    pub overlay: Overlay,
    /// A one-line message (a refusal, a confirmation), cleared by the next key.
    pub message: Option<String>,
    /// Setup warnings, shown on the start card.
    pub warnings: Vec<String>,
    /// Selected member on the start card (for reordering presenters).
    pub selected: usize,
    pub flash_until: Option<u64>,
    /// Bells to ring at the next draw (1 at a warning, 2 at time up).
    pub bells: u8,
    pub exit: Option<Exit>,
    pub saved_to: Option<PathBuf>,
    /// Scroll offset of the start card.
    pub scroll: u16,
    /// The follow-up list shows commitment texts (F2); hidden by default on the projected screen.
    pub reveal: bool,
}

impl App {
    pub fn new(state: SessionState, log: Option<LogWriter>, opts: Options) -> Self {
        Self {
            state,
            log,
            opts,
            overlay: Overlay::None,
            message: None,
            warnings: Vec::new(),
            selected: 0,
            flash_until: None,
            bells: 0,
            exit: None,
            saved_to: None,
            scroll: 0,
            reveal: false,
        }
    }

    /// Write, flush, then apply (and so show) one event.
    fn record(&mut self, e: &Stamped, now: Now) {
        if let Some(log) = self.log.as_mut() {
            log.append(e);
        }
        self.apply_event(e, now);
    }

    /// Applies an event already on disk (the mirror, resume) with its screen effects.
    pub fn apply_event(&mut self, e: &Stamped, now: Now) {
        apply(&mut self.state, e);
        match e.event {
            Event::WarningReached { .. } => self.bells = self.bells.saturating_add(1),
            Event::TimeUp { .. } => self.bells = self.bells.saturating_add(2),
            Event::StageEntered { .. } if self.opts.flash => {
                self.flash_until = Some(now.mono + FLASH_MS);
            }
            _ => {}
        }
    }

    /// Decides and records a command.
    pub fn exec(&mut self, cmd: Command, now: Now) -> Result<(), Rejection> {
        let events = decide(&self.state, cmd, now)?;
        for e in &events {
            self.record(e, now);
        }
        self.tick(now);
        Ok(())
    }

    /// Records what time alone has caused by `now`. Returns whether anything happened.
    pub fn tick(&mut self, now: Now) -> bool {
        let mut any = false;
        // Auto-advance can enter a stage that is itself already over: loop until quiet.
        for _ in 0..64 {
            let events = due(&self.state, now);
            if events.is_empty() {
                break;
            }
            any = true;
            for e in &events {
                self.record(e, now);
            }
        }
        if let Some(until) = self.flash_until
            && now.mono >= until
        {
            self.flash_until = None;
            any = true;
        }
        any
    }

    /// How long from `mono` until the display must change by itself, if ever.
    pub fn wake_in(&self, mono: u64) -> Option<u64> {
        let app = self;
        let st = &app.state;
        // A flash that is over needs no wake-up: the mirror's loop never ticks it away, and waking
        // "in 0 ms" for it would spin.
        let mut next: Option<u64> = app.flash_until.filter(|u| *u > mono).map(|u| u - mono);
        let mut consider = |ms: u64| next = Some(next.map_or(ms, |n| n.min(ms)));
        if st.status == Status::Running && !st.paused {
            let r = view::remaining(st, mono);
            // The shown second changes when remaining crosses a whole second.
            let until_change = if r > 0 {
                let r = u64::try_from(r).unwrap_or(0);
                let step = r % 1000;
                if step == 0 { 1000 } else { step }
            } else {
                let over = u64::try_from(-r).unwrap_or(0);
                1000 - over % 1000
            };
            consider(until_change);
            // Only if still ahead: the mirror never records what is due, so a moment already
            // passed would otherwise make it spin.
            if let Some(w) = next_wake(st).filter(|w| *w > mono) {
                consider(w - mono);
            }
            // The phase word changes at the warning point even without an event (the mirror).
            if let Phase::Running = view::phase(st, mono)
                && let Some(c) = st.clock()
                && let Some(w) = c.warn_ms
            {
                let to_warn = r - i64::try_from(w).unwrap_or(0);
                if to_warn > 0 {
                    consider(u64::try_from(to_warn).unwrap_or(0));
                }
            }
        }
        next
    }

    /// Reports a sleep (wall time that passed without monotonic time) to the engine. Returns
    /// whether one was reported.
    fn report_gap(&mut self, gap: Option<u64>, now: Now) -> bool {
        match gap {
            Some(gap) if self.state.status == Status::Running => {
                self.exec(Command::ReportGap { gap_ms: gap, cause: GapCause::Suspend }, now).is_ok()
            }
            _ => false,
        }
    }

    fn say(&mut self, r: Result<(), Rejection>) {
        if let Err(r) = r {
            self.message = Some(r.to_string());
        }
    }

    /// Whether the log is failing (banner on screen).
    pub fn log_error(&self) -> Option<&str> {
        self.log.as_ref().and_then(|l| l.error.as_deref())
    }

    /// The banner at the top of the live screen, if any: the log is failing, or it was deleted
    /// or cut short under the session and written again from memory.
    pub fn log_banner(&self) -> Option<String> {
        let log = self.log.as_ref()?;
        let text = match (&log.error, &log.notice) {
            (Some(e), _) => format!(
                "LOG NOT SAVED: {e}. Events are kept in memory and retried; you can save them on \
                 quit."
            ),
            (None, Some(n)) => {
                format!("LOG WRITTEN AGAIN, NOTHING LOST: {n}; convene wrote it again from memory.")
            }
            (None, None) => return None,
        };
        Some(crate::text::sanitize(&text))
    }

    pub fn handle_key(&mut self, key: KeyEvent, now: Now) {
        if key.kind == crossterm::event::KeyEventKind::Release {
            return;
        }
        self.message = None;
        if self.opts.mirror {
            if matches!(key.code, KeyCode::Char('q') | KeyCode::Esc)
                || (key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL))
            {
                self.exit = Some(Exit::Left);
            }
            return;
        }
        match self.overlay.clone() {
            Overlay::None => {}
            Overlay::Help | Overlay::Norms | Overlay::Roster => {
                self.overlay = Overlay::None;
                return;
            }
            Overlay::Quit => return self.quit_key(key, now),
            Overlay::ConfirmLeave => return self.confirm_leave_key(key, now),
            Overlay::Agreement { by_ms } => return self.agreement_key(key, by_ms, now),
            Overlay::Form(form) => return self.form_key(key, form, now),
            Overlay::FollowUp { selected } => return self.follow_up_key(key, selected, now),
        }
        match self.state.status {
            Status::NotStarted => self.start_card_key(key, now),
            Status::Running => {
                if let Some(a) = live_action(key) {
                    self.live_action(a, now);
                }
            }
            // Through `finish`, so a failing log is offered another place first.
            Status::Ended(_) => self.finish(Exit::Ended),
        }
    }

    fn start_card_key(&mut self, key: KeyEvent, now: Now) {
        let n = self.state.order.len();
        let chooses = self.state.setup.protocol.rotation.order == OrderRule::GroupChooses;
        match key.code {
            KeyCode::Char(' ' | 'n') | KeyCode::Enter | KeyCode::Right => {
                let r = self.exec(Command::Start, now);
                self.say(r);
            }
            KeyCode::PageDown => {
                // At most as far as the card is long (a generous count of its lines).
                let st = &self.state;
                let p = &st.setup.protocol;
                let lines = st.order.len()
                    + st.groups.len()
                    + 2 * p.roles.len()
                    + p.opening.len()
                    + p.round.len()
                    + p.closing.len()
                    + p.norms.len()
                    + 12;
                let most = u16::try_from(lines).unwrap_or(u16::MAX);
                self.scroll = self.scroll.saturating_add(5).min(most);
            }
            KeyCode::PageUp => self.scroll = self.scroll.saturating_sub(5),
            KeyCode::Up | KeyCode::Char('k') if chooses => {
                self.selected = self.selected.saturating_sub(1);
            }
            KeyCode::Down | KeyCode::Char('j') if chooses => {
                self.selected = (self.selected + 1).min(n.saturating_sub(1));
            }
            KeyCode::Char('f') if chooses => {
                if let Some(name) = self.state.order.get(self.selected).cloned() {
                    let r = self.exec(Command::MoveToFront { name, reason: None }, now);
                    self.selected = 0;
                    self.say(r);
                }
            }
            KeyCode::Char('u' | 'd') if chooses && n > 1 => {
                let up = key.code == KeyCode::Char('u');
                let i = self.selected;
                let j = if up { i.checked_sub(1) } else { (i + 1 < n).then_some(i + 1) };
                if let Some(j) = j {
                    let mut order = self.state.order.clone();
                    order.swap(i, j);
                    let r = self.exec(Command::SetOrder { order }, now);
                    self.selected = j;
                    self.say(r);
                }
            }
            _ => {
                if let Some(a) = live_action(key) {
                    match a {
                        Action::Norms => self.overlay = Overlay::Norms,
                        Action::Roster => self.overlay = Overlay::Roster,
                        Action::Help => self.overlay = Overlay::Help,
                        Action::Quit => self.overlay = Overlay::Quit,
                        _ => self.message = Some("Press space or Enter to start.".into()),
                    }
                }
            }
        }
    }

    fn live_action(&mut self, a: Action, now: Now) {
        let r = match a {
            Action::TogglePause => {
                if self.state.paused {
                    self.exec(Command::Resume, now)
                } else {
                    self.exec(Command::Pause, now)
                }
            }
            Action::Next => {
                let missing = !self.state.has_expected_record(self.state.pos);
                if missing {
                    self.overlay = Overlay::ConfirmLeave;
                    Ok(())
                } else {
                    self.exec(Command::Next { force: false }, now)
                }
            }
            Action::Back => self.exec(Command::Back, now),
            Action::Skip => {
                if self.state.has_expected_record(self.state.pos) {
                    self.exec(Command::Skip, now)
                } else {
                    self.overlay = Overlay::ConfirmLeave;
                    Ok(())
                }
            }
            Action::Extend => match extension_rule(&self.state) {
                ExtensionPolicy::GroupAgreement => {
                    self.overlay = Overlay::Agreement { by_ms: STEP_MS };
                    Ok(())
                }
                _ => self.exec(Command::Extend { by_ms: STEP_MS, agreement: None }, now),
            },
            Action::Shorten => self.exec(Command::Shorten { by_ms: STEP_MS }, now),
            Action::Note => {
                self.open_note_form();
                Ok(())
            }
            Action::Commit => {
                self.open_commitment_form();
                Ok(())
            }
            Action::FollowUp => {
                if self.state.setup.carried.is_empty() {
                    self.message = Some(match &self.state.setup.group_name {
                        Some(g) => format!("No open commitments from earlier sessions of {g}."),
                        None => {
                            "Follow-up needs a group: start the session with --group NAME.".into()
                        }
                    });
                } else {
                    self.overlay = Overlay::FollowUp { selected: 0 };
                }
                Ok(())
            }
            Action::Norms => {
                self.overlay = Overlay::Norms;
                Ok(())
            }
            Action::Roster => {
                self.overlay = Overlay::Roster;
                Ok(())
            }
            Action::Help => {
                self.overlay = Overlay::Help;
                Ok(())
            }
            Action::Quit => {
                self.overlay = Overlay::Quit;
                Ok(())
            }
        };
        self.say(r);
    }

    /// A private note; or, when the stage still expects a note-type record (the next CPD topic),
    /// that record, labelled and not private.
    fn open_note_form(&mut self) {
        let st = &self.state;
        let record = st
            .spec(st.pos)
            .and_then(|sp| sp.expects.as_ref())
            .filter(|x| x.record == RecordKind::Note && !st.has_expected_record(st.pos));
        self.overlay = Overlay::Form(match record {
            Some(_) => Form {
                kind: FormKind::Record,
                fields: vec![Field { label: "Record", value: String::new(), secret: false }],
                focus: 0,
                masked: false,
            },
            None => Form {
                kind: FormKind::Note,
                fields: vec![Field { label: "Note", value: String::new(), secret: true }],
                focus: 0,
                masked: true,
            },
        });
    }

    /// The commitment form, with the owner preset to the role the stage names (e.g. the
    /// coachee of the first group).
    fn open_commitment_form(&mut self) {
        // The role this stage names; otherwise the round's first role (presenter, coachee).
        let role = self
            .state
            .spec(self.state.pos)
            .and_then(|s| s.expects.as_ref())
            .and_then(|x| x.owner.clone())
            .or_else(|| {
                crate::session::view::current_round(&self.state)
                    .and_then(|_| self.state.setup.protocol.roles.first().map(|r| r.id.clone()))
            });
        // With several groups, the first holder who has not committed yet in this stage.
        let pos = self.state.pos;
        let owner = role
            .and_then(|role| {
                let holders = crate::session::view::holders(&self.state, &role);
                let done = |name: &String| {
                    self.state.commitments.iter().any(|c| c.pos == pos && c.owner == *name)
                };
                holders.iter().find(|n| !done(n)).or(holders.first()).cloned()
            })
            .unwrap_or_default();
        self.overlay = Overlay::Form(Form {
            kind: FormKind::Commitment,
            fields: vec![
                Field { label: "Who", value: owner, secret: false },
                Field { label: "Will", value: String::new(), secret: true },
                Field {
                    label: "By (optional: a date or \"2 weeks\")",
                    value: String::new(),
                    secret: false,
                },
            ],
            focus: 1,
            // Commitments, like notes, are never shown on the projected screen: F2 shows them.
            masked: true,
        });
    }

    fn quit_key(&mut self, key: KeyEvent, now: Now) {
        match key.code {
            KeyCode::Char('e') => {
                if !matches!(self.state.status, Status::Ended(_)) {
                    let r = self.exec(Command::End, now);
                    self.say(r);
                }
                self.finish(Exit::Ended);
            }
            KeyCode::Char('l') => self.leave(now),
            KeyCode::Char('s') if self.log_error().is_some() => {
                self.open_save_form(Exit::Left);
            }
            KeyCode::Esc | KeyCode::Char('q') => self.overlay = Overlay::None,
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.overlay = Overlay::None;
            }
            _ => {}
        }
    }

    /// Leaves the session to resume later. Leaving on purpose pauses the clock, so the time away
    /// is not counted against the stage; after a crash it is (the room went on).
    pub fn leave(&mut self, now: Now) {
        if self.state.status == Status::Running && !self.state.paused {
            let r = self.exec(Command::Pause, now);
            self.say(r);
        }
        self.finish(Exit::Left);
    }

    /// Leaves the screen, unless the log is failing: then offer to save it elsewhere first.
    fn finish(&mut self, how: Exit) {
        if let Some(log) = self.log.as_mut() {
            log.retry();
        }
        if self.log_error().is_some() && self.saved_to.is_none() {
            self.open_save_form(how);
        } else {
            self.overlay = Overlay::None;
            self.exit = Some(how);
        }
    }

    fn open_save_form(&mut self, then: Exit) {
        let session = self.log.as_ref().map_or_else(String::new, |l| l.session.clone());
        let default = default_save_path(&session);
        self.overlay = Overlay::Form(Form {
            kind: FormKind::SavePath { then },
            fields: vec![Field {
                label: "Save the log to",
                value: default.display().to_string(),
                secret: false,
            }],
            focus: 0,
            masked: false,
        });
    }

    fn confirm_leave_key(&mut self, key: KeyEvent, now: Now) {
        match key.code {
            KeyCode::Char('a') => {
                let kind = self
                    .state
                    .spec(self.state.pos)
                    .and_then(|s| s.expects.as_ref())
                    .map(|x| x.record);
                if kind == Some(RecordKind::Note) {
                    self.open_note_form();
                } else {
                    self.open_commitment_form();
                }
            }
            KeyCode::Char('n') | KeyCode::Right | KeyCode::PageDown => {
                self.overlay = Overlay::None;
                let r = self.exec(Command::Next { force: true }, now);
                self.say(r);
            }
            KeyCode::Esc | KeyCode::Char('q' | 'b') | KeyCode::Left | KeyCode::PageUp => {
                self.overlay = Overlay::None;
            }
            _ => {}
        }
    }

    fn agreement_key(&mut self, key: KeyEvent, by_ms: u64, now: Now) {
        match key.code {
            KeyCode::Char('y') => {
                self.overlay = Overlay::None;
                let r =
                    self.exec(Command::Extend { by_ms, agreement: Some(Agreement::Group) }, now);
                self.say(r);
                if self.message.is_none() {
                    self.message = Some("Extended by 1 min: the group agreed (recorded).".into());
                }
            }
            KeyCode::Char('n') => {
                self.overlay = Overlay::None;
                let r = self.exec(Command::RefuseExtension { by_ms, reason: None }, now);
                self.say(r);
                if self.message.is_none() {
                    self.message = Some("Not extended: the group did not agree (recorded).".into());
                }
            }
            KeyCode::Char('w') => {
                self.overlay = Overlay::Form(Form {
                    kind: FormKind::AgreedBy { by_ms },
                    fields: vec![Field {
                        label: "Who agreed (names, separated by commas)",
                        value: String::new(),
                        secret: false,
                    }],
                    focus: 0,
                    masked: false,
                });
            }
            KeyCode::Esc | KeyCode::Char('q') => self.overlay = Overlay::None,
            _ => {}
        }
    }

    fn follow_up_key(&mut self, key: KeyEvent, selected: usize, _now: Now) {
        let n = self.state.setup.carried.len();
        let status = match key.code {
            KeyCode::Up | KeyCode::Char('k') => {
                self.overlay = Overlay::FollowUp { selected: selected.saturating_sub(1) };
                return;
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.overlay =
                    Overlay::FollowUp { selected: (selected + 1).min(n.saturating_sub(1)) };
                return;
            }
            KeyCode::Esc | KeyCode::Char('q' | 'f') => {
                self.overlay = Overlay::None;
                self.reveal = false;
                return;
            }
            KeyCode::F(2) => {
                self.reveal = !self.reveal;
                return;
            }
            KeyCode::Char('d') => CommitmentStatus::Done,
            KeyCode::Char('p') => CommitmentStatus::Partly,
            KeyCode::Char('y') => CommitmentStatus::NotYet,
            KeyCode::Char('c') => CommitmentStatus::CarriedForward,
            _ => return,
        };
        let Some(c) = self.state.setup.carried.get(selected) else { return };
        self.overlay = Overlay::Form(Form {
            kind: FormKind::FollowUp { session: c.session.clone(), id: c.id.clone(), status },
            fields: vec![Field { label: "Update (optional)", value: String::new(), secret: true }],
            focus: 0,
            masked: true,
        });
    }

    fn form_key(&mut self, key: KeyEvent, mut form: Form, now: Now) {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => {
                self.overlay = match form.kind {
                    FormKind::FollowUp { .. } => Overlay::FollowUp { selected: 0 },
                    FormKind::SavePath { .. } => Overlay::Quit,
                    FormKind::AgreedBy { by_ms } => Overlay::Agreement { by_ms },
                    _ => Overlay::None,
                };
                return;
            }
            KeyCode::F(2) => form.masked = !form.masked,
            KeyCode::Tab | KeyCode::Down => form.focus = (form.focus + 1) % form.fields.len(),
            KeyCode::BackTab | KeyCode::Up => {
                form.focus = (form.focus + form.fields.len() - 1) % form.fields.len();
            }
            KeyCode::Enter if form.focus + 1 < form.fields.len() => form.focus += 1,
            KeyCode::Enter => return self.submit(form, now),
            KeyCode::Backspace => {
                form.fields[form.focus].value.pop();
            }
            KeyCode::Char('u') if ctrl => form.fields[form.focus].value.clear(),
            KeyCode::Char('c') if ctrl => {
                self.overlay = match form.kind {
                    FormKind::SavePath { .. } => Overlay::Quit,
                    _ => Overlay::None,
                };
                return;
            }
            KeyCode::Char(c) if !ctrl && !c.is_control() => form.fields[form.focus].value.push(c),
            _ => {}
        }
        self.overlay = Overlay::Form(form);
    }

    fn submit(&mut self, form: Form, now: Now) {
        let value = |i: usize| form.fields.get(i).map(|f| f.value.trim().to_string());
        let result: Result<(), String> = match &form.kind {
            FormKind::Note | FormKind::Record => self
                .exec(
                    Command::AddNote {
                        text: value(0).unwrap_or_default(),
                        about: None,
                        group: None,
                        private: form.kind == FormKind::Note,
                    },
                    now,
                )
                .map_err(|r| r.to_string()),
            FormKind::Commitment => {
                let owner = value(0).unwrap_or_default();
                // Attach it to the owner's group when the session runs several.
                let group = (self.state.groups.len() > 1)
                    .then(|| self.state.groups.iter().position(|g| g.contains(&owner)))
                    .flatten();
                self.exec(
                    Command::AddCommitment {
                        owner,
                        text: value(1).unwrap_or_default(),
                        due: value(2).filter(|d| !d.is_empty()),
                        group,
                    },
                    now,
                )
                .map_err(|r| r.to_string())
            }
            FormKind::FollowUp { session, id, status } => self
                .exec(
                    Command::UpdateCommitment {
                        session: Some(session.clone()),
                        id: id.clone(),
                        status: *status,
                        note: value(0),
                    },
                    now,
                )
                .map_err(|r| r.to_string()),
            FormKind::AgreedBy { by_ms } => {
                let names: Vec<String> = value(0)
                    .unwrap_or_default()
                    .split(',')
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty())
                    .collect();
                self.exec(
                    Command::Extend { by_ms: *by_ms, agreement: Some(Agreement::People(names)) },
                    now,
                )
                .map_err(|r| r.to_string())
            }
            FormKind::SavePath { then } => {
                let typed = value(0).unwrap_or_default();
                let home = directories::UserDirs::new().map(|u| u.home_dir().to_path_buf());
                let path = match (typed.strip_prefix("~/"), home) {
                    (Some(rest), Some(h)) => h.join(rest),
                    _ => PathBuf::from(typed),
                };
                let then = *then;
                match self.log.as_ref().map(|l| l.save_copy(&path)) {
                    Some(Ok(())) | None => {
                        // The copy holds the whole session: the incomplete log in the sessions
                        // folder must not be offered to resume in its place.
                        if let Some(log) = self.log.as_mut() {
                            log.supersede();
                        }
                        self.saved_to = Some(path);
                        self.overlay = Overlay::None;
                        self.exit = Some(then);
                        return;
                    }
                    Some(Err(e)) => Err(format!(
                        "Could not save to {}: {e}. Try another place.",
                        path.display()
                    )),
                }
            }
        };
        match result {
            Ok(()) => {
                self.message = Some(match form.kind {
                    FormKind::Note => "Note saved (private: not shown on screen).".into(),
                    FormKind::Record => "Recorded.".into(),
                    FormKind::AgreedBy { .. } => "Extended by 1 min: agreement recorded.".into(),
                    FormKind::Commitment => "Commitment recorded.".into(),
                    FormKind::FollowUp { status, .. } => format!("Marked {}.", status.label()),
                    FormKind::SavePath { .. } => String::new(),
                });
                self.overlay = match form.kind {
                    FormKind::FollowUp { .. } => Overlay::FollowUp { selected: 0 },
                    _ => Overlay::None,
                };
            }
            Err(r) => {
                self.message = Some(r);
                self.overlay = Overlay::Form(form);
            }
        }
    }
}

/// A safe default place to save a log when the data folder failed: the home folder, else the
/// temporary folder.
pub fn default_save_path(session: &str) -> PathBuf {
    let name = format!("convene-{session}.jsonl");
    directories::UserDirs::new()
        .map(|u| u.home_dir().to_path_buf())
        .filter(|h| h.is_dir())
        .unwrap_or_else(std::env::temp_dir)
        .join(name)
}

/// What a key leaves for the loop to do (until the live screen's keys become intents).
pub enum Pending {
    None,
    Key(KeyEvent),
    Leave,
}

impl Screen for App {
    type Intent = Pending;

    fn draw(&self, frame: &mut ratatui::Frame, now: Now) {
        super::live::render(frame, self, now.mono, now.wall);
    }

    fn advance(&mut self, now: Now, gap: Option<u64>) -> bool {
        let mut changed = false;
        if let Some(log) = self.log.as_mut() {
            // Events kept in memory are written as soon as the disk allows, and a log deleted or
            // cut short under the session is noticed and written again.
            let before = (log.error.is_some(), log.notice.is_some());
            log.retry();
            changed |= before != (log.error.is_some(), log.notice.is_some());
        }
        if !self.opts.mirror {
            changed |= self.report_gap(gap, now);
            changed |= self.tick(now);
        }
        changed
    }

    fn wake_in(&self, mono: u64) -> Option<u64> {
        App::wake_in(self, mono)
    }

    fn key(&mut self, key: KeyEvent, size: ratatui::layout::Size) -> Pending {
        if size.width < super::widgets::MIN_W || size.height < super::widgets::MIN_H {
            // Nothing acts unseen: only Ctrl-C, which leaves the session to resume later.
            let ctrl_c =
                key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
            return if ctrl_c { Pending::Leave } else { Pending::None };
        }
        Pending::Key(key)
    }

    fn perform(&mut self, intent: Pending, now: Now) {
        match intent {
            Pending::None => {}
            Pending::Key(k) => self.handle_key(k, now),
            Pending::Leave => self.leave(now),
        }
    }

    fn done(&self) -> bool {
        self.exit.is_some()
    }

    fn take_bells(&mut self) -> u8 {
        let n = std::mem::take(&mut self.bells);
        if self.opts.quiet { 0 } else { n }
    }

    fn cannot_suspend(&mut self) {
        self.message = Some(super::signals::CANNOT_SUSPEND.into());
    }

    /// Ends the session on a quit signal (SIGINT, SIGQUIT, SIGTERM, SIGHUP), as a crash would
    /// for the room (the clock is not paused), but tidily: what the log still holds only in
    /// memory is written or saved elsewhere, the terminal restored, and the summary says how to
    /// resume.
    fn quit_by_signal(&mut self, terminal: &mut ratatui::DefaultTerminal, q: Quit) -> ! {
        let session = self.log.as_ref().map(|l| l.session.clone());
        if let Some(session) = session {
            // The save form's default place, or a name beside it not taken yet.
            let first = default_save_path(&session);
            let to = std::iter::once(first.clone())
                .chain(
                    (2..10).map(|n| first.with_file_name(format!("convene-{session}-{n}.jsonl"))),
                )
                .find(|p| !p.exists())
                .unwrap_or(first);
            signals::keep_log(self, &to);
        }
        if self.exit.is_none() {
            self.exit = Some(if matches!(self.state.status, Status::Ended(_)) {
                Exit::Ended
            } else {
                Exit::Left
            });
        }
        signals::leave(terminal);
        signals::say_stopped(q);
        super::farewell::after_session(self);
        signals::exit(q)
    }
}
