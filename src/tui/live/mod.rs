//! The live screen: the start card before the first stage, then the projected stage view, with
//! its questions, lists and forms; the read-only mirror shows the same screen. Where things live:
//!
//! - `mod.rs`: the state ([`LiveScreen`]) and the engine glue: a command is decided, its events
//!   written to the log and flushed, *then* applied and shown; what time alone causes; when the
//!   display next changes; how the [`event_loop`](crate::tui::event_loop) runs the screen;
//! - `keys.rs`: the actions and every binding table (running, start card, quit, leave,
//!   agreement, follow-up, forms, too small, mirror), which dispatch the keys and write the
//!   footer, the help and every question's key lines;
//! - `update.rs`: keys to actions, actions to state changes and [`Intent`]s; the intents are
//!   performed apart ([`perform`]), the only place the log is written or a copy saved;
//! - `view.rs`: drawing the running stage and the end, a pure function of the state, and the one
//!   line a terminal too small for the rest still shows;
//! - `layout.rs`: how the running stage shares its rows out by priority (the countdown as large
//!   as the rest allows; cues never dropped);
//! - `middle.rs`: the lines about people and the stage (cues, each group's roles, prompts,
//!   follow-up), with `names.rs` shortening names to fit (first names, initials, "and 3 more");
//! - `start_card.rs`: drawing the start card and the rotation roster;
//! - `overlay.rs`: the overlays: the popups (help, norms, roster) and the questions, the
//!   follow-up list and the forms in the panel at the bottom; their state and their drawing;
//! - `form.rs`: the forms: their state, how each one opens, and their rows in the panel.
//!
//! Time is an argument, so tests drive the screen with a fake clock and no terminal.

mod form;
pub mod keys;
mod layout;
mod middle;
mod names;
mod overlay;
mod start_card;
mod update;
mod view;

use std::path::PathBuf;

use crate::tui::term::Term;
use crossterm::event::KeyEvent;
use ratatui::layout::Size;

use super::event_loop::Screen;
use super::signals::{self, Quit};
use super::theme::Theme;
use super::widgets;
use crate::log::writer::LogWriter;
use crate::session::display::{self, Phase};
use crate::session::{
    Command, Event, GapCause, Now, Rejection, SessionState, Stamped, Status, apply, decide, due,
    next_wake,
};

pub use form::{Field, Form, FormKind};
pub use keys::Action;
pub use overlay::Overlay;
pub use update::{
    Exec, Intent, action_for, intent_for, perform, roster_name, tables_in_force, type_char, update,
};
pub use view::render;

/// One minute, the step for `+` and `-`.
pub const STEP_MS: u64 = 60_000;
/// How long the screen flashes on a stage change.
pub const FLASH_MS: u64 = 400;
/// Time alone can enter a stage that is itself already over (auto-advance): at most this many
/// rounds of due events are recorded at once, so a protocol of zero-length stages cannot spin.
const MOST_DUE_ROUNDS: usize = 64;

#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub quiet: bool,
    pub flash: bool,
    pub theme: Theme,
    /// A read-only mirror: no keys change the session.
    pub mirror: bool,
}

/// How the live screen finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The session was ended (completed or early).
    Ended,
    /// Left to resume later.
    Left,
}

/// Everything the live screen shows; drawing reads only this.
pub struct LiveScreen {
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
    /// The session shared with the devices in the room (`--share`), while it is.
    pub share: Option<crate::share::Share>,
    /// How the share key shares (names from `--share-names` or config.toml).
    pub share_options: crate::share::ShareOptions,
    /// The devices the screen last showed: a change (the share wakes the loop for it) redraws.
    pub shown_devices: usize,
    /// A rebalance was offered when the projection first passed the hard stop (offered once).
    pub rebalance_offered: bool,
}

impl LiveScreen {
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
            share: None,
            share_options: crate::share::ShareOptions::default(),
            shown_devices: 0,
            rebalance_offered: false,
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
        match &e.event {
            // Format 2: a timed cue rings as a warning does.
            Event::WarningReached { .. } | Event::CueReached { .. } => {
                self.bells = self.bells.saturating_add(1);
            }
            Event::TimeUp { .. } => self.bells = self.bells.saturating_add(2),
            // Format 2: a session marker that is a warning.
            Event::MarkerReached { index, .. }
                if self.state.setup.protocol.markers.get(*index).is_some_and(|m| m.warn) =>
            {
                self.bells = self.bells.saturating_add(1);
            }
            Event::StageEntered { .. } if self.opts.flash => {
                self.flash_until = Some(now.mono.saturating_add(FLASH_MS));
            }
            _ => {}
        }
    }

    /// Whether the number of devices connected changed since the screen last looked (the share
    /// wakes the loop when it does: see [`update::start_sharing`]).
    pub fn devices_changed(&mut self) -> bool {
        let now =
            self.share.as_ref().filter(|s| !s.ended()).map_or(0, crate::share::Share::devices);
        let changed = now != self.shown_devices;
        self.shown_devices = now;
        changed
    }

    /// Shares the session with the room now (`--share`, `share = true`) and logs that it did; a
    /// failure is said in one line on the screen.
    pub fn start_sharing(&mut self, now: Now) {
        update::start_sharing(self, now);
    }

    /// Decides a command and records its events (writes them to the log, then applies them).
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
        for _ in 0..MOST_DUE_ROUNDS {
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
        if self.offer_rebalance(now) {
            any = true;
        }
        any
    }

    /// Offers a rebalance once, when the projected end first passes the hard stop (`--until`)
    /// while nothing else is open. Returns whether it opened.
    fn offer_rebalance(&mut self, now: Now) -> bool {
        let st = &self.state;
        if self.rebalance_offered
            || self.opts.mirror
            || st.setup.hard_stop.is_none()
            || st.status != Status::Running
            || st.paused
            || self.overlay != Overlay::None
            || display::schedule(st, now.mono, now.wall).past_stop_text().is_none()
        {
            return false;
        }
        self.rebalance_offered = true;
        update::propose_rebalance(self, now);
        true
    }

    /// How long from `mono` until the display must change by itself, if ever.
    pub fn wake_in(&self, mono: u64) -> Option<u64> {
        let st = &self.state;
        // A flash that is over needs no wake-up: the mirror's loop never ticks it away, and
        // waking "in 0 ms" for it would spin.
        let mut next: Option<u64> = self.flash_until.filter(|u| *u > mono).map(|u| u - mono);
        let mut consider = |ms: u64| next = Some(next.map_or(ms, |n| n.min(ms)));
        if st.status == Status::Running && !st.paused {
            let r = display::remaining(st, mono);
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
            if let Phase::Running = display::phase(st, mono)
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

    /// A refusal, shown as the message.
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

    /// A key, as the loop handles it on a screen large enough: the action it stands for changes
    /// the state, and its intent is performed.
    pub fn handle_key(&mut self, key: KeyEvent, now: Now) {
        let intent = intent_for(self, key);
        perform(self, intent, now);
    }
}

impl Screen for LiveScreen {
    type Intent = Intent;

    fn draw(&self, frame: &mut ratatui::Frame, now: Now) {
        render(frame, self, now.mono, now.wall);
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
        // The mirror only follows the log: the facilitator's convene records what falls due.
        if !self.opts.mirror {
            changed |= self.report_gap(gap, now);
            changed |= self.tick(now);
        }
        changed |= self.devices_changed();
        changed
    }

    fn wake_in(&self, mono: u64) -> Option<u64> {
        LiveScreen::wake_in(self, mono)
    }

    fn key(&mut self, key: KeyEvent, size: Size) -> Intent {
        if size.width < widgets::MIN_W || size.height < widgets::MIN_H {
            // Nothing acts unseen: only Ctrl-C, which leaves the session to resume later.
            return match crate::tui::keys::action(keys::TOO_SMALL, key) {
                Some(Action::Leave) => Intent::Leave,
                _ => Intent::None,
            };
        }
        intent_for(self, key)
    }

    fn perform(&mut self, intent: Intent, now: Now) {
        perform(self, intent, now);
    }

    fn done(&self) -> bool {
        self.exit.is_some()
    }

    fn take_bells(&mut self) -> u8 {
        let n = std::mem::take(&mut self.bells);
        if self.opts.quiet { 0 } else { n }
    }

    fn cannot_suspend(&mut self) {
        self.message = Some(signals::CANNOT_SUSPEND.into());
    }

    /// Ends the session on a quit signal (SIGINT, SIGQUIT, SIGTERM, SIGHUP), as a crash would
    /// for the room (the clock is not paused), but tidily: what the log still holds only in
    /// memory is written or saved elsewhere, the terminal restored, and the summary says how to
    /// resume.
    fn quit_by_signal(&mut self, terminal: &mut Term, q: Quit) -> ! {
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
        crate::tui::farewell::after_session(self);
        signals::exit(q)
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
