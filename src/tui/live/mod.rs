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
//!   follow-up), with `names.rs` writing each name one way on the whole screen (first names,
//!   an initial where two share one; "and 3 more" only for a list too long to wrap);
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
mod ticking;
mod update;
mod view;

pub(crate) use view::use_half_blocks;

use std::path::PathBuf;

use crate::tui::term::{Term, Ticking};
use crossterm::event::KeyEvent;
use ratatui::layout::Size;

use super::event_loop::Screen;
use super::signals::{self, Quit};
use super::sound::Player;
use super::theme::Theme;
use super::widgets;
use crate::config::SoundMode;
use crate::log::writer::LogWriter;
use crate::session::display::{self, Phase};
use crate::session::sound::{self, Sound};
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
pub(crate) const STEP_MS: u64 = 60_000;
/// How long the screen flashes on a stage change.
pub(crate) const FLASH_MS: u64 = 400;
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
    /// Handed to convene to share it with the room (the share key on the live screen's own small
    /// program, `convene-live`): the session goes on there, on the same terminal
    /// ([`crate::tui::handoff`]).
    HandOver,
}

/// What starts sharing when the share key is pressed.
#[derive(Debug, Clone, Copy)]
pub enum Sharing {
    /// Here, by this function ([`crate::share::Share::start`]): convene itself. A pointer, so
    /// that a program that never shares here (`convene-live`) does not carry the server's code.
    Here(
        fn(
            &std::path::Path,
            &crate::share::ShareOptions,
        ) -> Result<crate::share::Share, crate::share::ShareError>,
    ),
    /// By handing the session over to convene, which shares it (`convene-live`).
    HandOver,
    /// Not from this screen (the message says so).
    Unavailable,
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
    /// What starts sharing: convene itself, or convene handed the session.
    pub sharing: Sharing,
    /// The devices the screen last showed: a change (the share wakes the loop for it) redraws.
    pub shown_devices: usize,
    /// How far the rotation roster's popup is scrolled (rows).
    pub roster_scroll: u16,
    /// The last key pressed, so a question knows the key that raised it.
    pub last_key: Option<KeyEvent>,
    /// The question that would leave a stage or end the session without a record ("Leave this
    /// stage?", "End without them?"): the key that raised it and when (the key's event time).
    pub asked: Option<Asked>,
    /// Sounds to play at the next draw ([`crate::session::sound`] decides them).
    pub sounds: Vec<Sound>,
    /// How the screen sounds (`--sound`, `sound` in config.toml; `--quiet` is `off`).
    pub sound: SoundMode,
    /// What plays the sounds for `--sound chime`; without one, the bell stands in.
    pub player: Option<Box<dyn Player>>,
    /// The stage and how many over-time reminders it has sounded.
    reminded: (usize, u64),
    /// Presentation mode: the facilitator's lines (counts, keys, hints) are hidden. The mirror
    /// never shows them.
    pub presentation: bool,
    /// Where presentation mode is remembered (`presentation =` in `<config folder>/config.toml`), if anywhere.
    pub presentation_file: Option<PathBuf>,
    /// What writes it there ([`crate::config::remember_presentation`] in convene; `convene-live`
    /// asks convene): a pointer, so that `convene-live` does not carry the TOML editor.
    pub remember: fn(&std::path::Path, bool) -> Result<(), String>,
    /// A rebalance was offered when the projection first passed the hard stop (offered once).
    pub rebalance_offered: bool,
}

/// A question, the key that raised it and the moment it was raised (monotonic milliseconds).
/// The same key within [`REPEAT_GUARD_MS`] is a double press, not an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asked {
    pub key: Option<KeyEvent>,
    pub at: u64,
}

/// A question is not answered by the key that raised it within this long (a double press).
pub(crate) const REPEAT_GUARD_MS: u64 = 1000;

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
            sharing: Sharing::Unavailable,
            shown_devices: 0,
            last_key: None,
            asked: None,
            roster_scroll: 0,
            sounds: Vec::new(),
            sound: if opts.quiet { SoundMode::Off } else { SoundMode::Bell },
            player: None,
            reminded: (0, 0),
            presentation: false,
            presentation_file: None,
            remember: |_, _| Err("this screen cannot write config.toml".into()),
            rebalance_offered: false,
        }
    }

    /// Sounds as `mode` says: for `chime`, through the laptop's audio where this build can (else
    /// the bell, with a note saying why).
    pub(crate) fn set_sound(&mut self, mode: SoundMode) {
        let (player, note) = super::sound::player(mode);
        self.sound =
            if player.is_none() && mode == SoundMode::Chime { SoundMode::Bell } else { mode };
        self.player = player;
        if note.is_some() {
            self.message = note;
        }
    }

    /// Plays sounds through `player` (the tests' recorder), as `--sound chime` would.
    pub fn set_player(&mut self, player: Box<dyn Player>) {
        self.sound = SoundMode::Chime;
        self.player = Some(player);
    }

    /// Whether the facilitator's own lines (counts, keys, hints) are hidden: in presentation
    /// mode, and always on the mirror.
    pub(crate) fn public_only(&self) -> bool {
        self.presentation || self.opts.mirror
    }

    /// A reminder while the stage runs over, each [`sound::REMINDER_MS`] further over.
    fn remind(&mut self, mono: u64) {
        let n = sound::reminders(&self.state, mono);
        if self.reminded.0 != self.state.pos {
            // A new stage (or the mirror's first look): nothing sounded here yet, and an overrun
            // already under way when the screen opened is not sounded again.
            self.reminded = (self.state.pos, n);
            return;
        }
        if n > self.reminded.1 {
            self.reminded.1 = n;
            self.sounds.push(Sound::Reminder);
            self.bells = self.bells.saturating_add(Sound::Reminder.bells());
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
    pub(crate) fn apply_event(&mut self, e: &Stamped, now: Now) {
        apply(&mut self.state, e);
        // A warning, time up, a timed cue, a session marker that warns (format 2).
        if let Some(s) = sound::of_event(&self.state, &e.event) {
            self.sounds.push(s);
            self.bells = self.bells.saturating_add(s.bells());
        }
        if let Event::StageEntered { .. } = &e.event {
            self.reminded = (self.state.pos, 0);
            if self.opts.flash {
                self.flash_until = Some(now.mono.saturating_add(FLASH_MS));
            }
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
    pub(crate) fn start_sharing(&mut self, now: Now) {
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
        let before = self.sounds.len();
        self.remind(now.mono);
        any |= self.sounds.len() > before;
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
    pub(crate) fn log_banner(&self) -> Option<String> {
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

    fn draw_whole(&self, frame: &mut ratatui::Frame, now: Now) -> Option<Ticking> {
        let c = view::render_whole(frame, self, now.mono, now.wall)?;
        let key = ticking::key(self, frame.area().as_size(), now.mono, now.wall)?;
        Some(ticking::ticking(self, c, key, now.mono))
    }

    fn ticking_key(&self, size: Size, now: Now) -> Option<u64> {
        ticking::key(self, size, now.mono, now.wall)
    }

    fn ticking_changed(&self, t: &Ticking, now: Now) -> (ratatui::layout::Rect, String) {
        ticking::changed(self, t, now.mono)
    }

    fn draw_ticking(&self, buf: &mut ratatui::buffer::Buffer, t: &Ticking, now: Now) {
        ticking::draw(buf, self, t, now.mono);
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
        if self.opts.mirror {
            self.remind(now.mono);
        } else {
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
            // Nothing acts unseen: only Ctrl-C, which leaves the session to resume later, and
            // space before the start, which starts it (the one line then shows its clock).
            return match crate::tui::keys::action(keys::TOO_SMALL, key) {
                Some(Action::Leave) => Intent::Leave,
                Some(Action::Start)
                    if self.state.status == Status::NotStarted
                        && self.overlay == Overlay::None
                        && !self.opts.mirror =>
                {
                    Intent::Exec(Box::new(update::Exec {
                        command: Command::Start,
                        said: None,
                        refused: None,
                    }))
                }
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
        let sounds = std::mem::take(&mut self.sounds);
        if let Some(note) = self.player.as_mut().and_then(|p| p.take_note()) {
            self.message = Some(note);
        }
        match (self.sound, self.player.as_mut()) {
            (SoundMode::Off, _) => 0,
            (SoundMode::Chime, Some(p)) => {
                for s in sounds {
                    p.play(s);
                }
                0
            }
            _ => n,
        }
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
pub(crate) fn default_save_path(session: &str) -> PathBuf {
    let name = format!("convene-{session}.jsonl");
    directories::UserDirs::new()
        .map(|u| u.home_dir().to_path_buf())
        .filter(|h| h.is_dir())
        .unwrap_or_else(std::env::temp_dir)
        .join(name)
}
