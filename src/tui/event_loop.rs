//! The one loop every full-screen view runs in: the live screen, the mirror, the home screen and
//! the review browser. Each is a [`Screen`]; the loop owns the terminal, the clock, the signals
//! and the input.
//!
//! One turn: handle the signals received ([`signals::pending`]), bring the screen up to the clock
//! ([`Screen::advance`], which is told of a sleep the clock noticed), read a followed log
//! ([`Source`]), ring the bells, draw if anything changed, then sleep until the moment the display
//! changes by itself ([`Screen::wake_in`]), a key, a resize or a signal. A key becomes an intent
//! ([`Screen::key`]) that the loop performs ([`Screen::perform`]): only there are files read or
//! written. A screen with no next moment (paused, idle, the home screen, the browser) blocks on
//! input and never wakes by itself.

use std::io::Write;
use std::time::Duration;

use crossterm::event::{self, Event as TermEvent, KeyEvent};
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Rect, Size};

use super::input::{self, Wait};
use super::signals::{self, Quit};
use super::term::{self, Kept, Term, Ticking};
use crate::clock::SystemClock;
use crate::session::Now;

/// A full-screen view as the loop runs it.
pub trait Screen {
    /// What a key asks the loop to do that is more than a change of state (writing the log,
    /// reading or writing a file, starting a session).
    type Intent;

    /// Draws the screen as it is at `now`; drawing only reads the state.
    fn draw(&self, frame: &mut Frame, now: Now);

    /// Draws the whole screen as [`Screen::draw`] does, and says where the part that changes by
    /// itself each second is (the countdown), for the seconds after to redraw alone.
    fn draw_whole(&self, frame: &mut Frame, now: Now) -> Option<Ticking> {
        self.draw(frame, now);
        None
    }

    /// Everything the screen shows at `now` at `size` that time alone can change, but the
    /// ticking part, as a key ([`Ticking::key`]); `None`: the whole screen must be drawn.
    fn ticking_key(&self, _size: Size, _now: Now) -> Option<u64> {
        None
    }

    /// Where the ticking part may have changed since it showed `t.shows` (within `t.area`), and
    /// what it shows at `now`.
    fn ticking_changed(&self, t: &Ticking, _now: Now) -> (Rect, String) {
        (t.area, t.shows.clone())
    }

    /// Draws the ticking part alone, as the whole screen at `now` would, into `buf` (a part of
    /// `t.area`).
    fn draw_ticking(&self, _buf: &mut Buffer, _t: &Ticking, _now: Now) {}

    /// Brings the screen up to `now`: what time alone causes, and `gap` milliseconds of wall time
    /// that passed without monotonic time (the machine slept), if the clock noticed one. Returns
    /// whether the display changed.
    fn advance(&mut self, _now: Now, _gap: Option<u64>) -> bool {
        false
    }

    /// How long from `mono` until the display changes by itself; `None`: not until a key.
    fn wake_in(&self, _mono: u64) -> Option<u64> {
        None
    }

    /// A key press (Ctrl-Z never reaches here: the loop suspends). Changes the state and returns
    /// what the loop must perform. `size` is the terminal's.
    fn key(&mut self, key: KeyEvent, size: Size) -> Self::Intent;

    /// Performs an intent: the only place a screen's keys lead to reading or writing files.
    fn perform(&mut self, intent: Self::Intent, now: Now);

    /// The screen is finished: the loop returns.
    fn done(&self) -> bool;

    /// Bells to ring now; the screen forgets them.
    fn take_bells(&mut self) -> u8 {
        0
    }

    /// Ctrl-Z could not suspend convene (no shell here would bring it back).
    fn cannot_suspend(&mut self) {}

    /// Ends convene on a quit signal. A screen that holds no session leaves the terminal, says
    /// which signal and exits; the live screen keeps its log first.
    fn quit_by_signal(&mut self, terminal: &mut Term, q: Quit) -> ! {
        signals::end_screen(terminal, q)
    }
}

/// Something else the loop waits on: the log the mirror follows.
pub trait Source<S> {
    /// Reads what is new and applies it to the screen; may set the clock again (the mirror
    /// follows the facilitator's clock from the newest event). Returns whether anything changed.
    fn poll(&mut self, screen: &mut S, clock: &mut SystemClock) -> bool;
    /// How often to look, in milliseconds.
    fn interval(&self) -> u64;
    /// Whether the last look left something unread: look again at once.
    fn behind(&self) -> bool {
        false
    }
}

/// Runs `screen` until it is [`Screen::done`]. The terminal's end (a closed window, a lost
/// connection) ends it at once as SIGHUP does (see [`input`]).
pub fn run<S: Screen>(
    terminal: &mut Term,
    screen: &mut S,
    mut clock: SystemClock,
    mut source: Option<&mut dyn Source<S>>,
) -> color_eyre::Result<()> {
    let _signals = signals::watch();
    // Draw only when something changed: a key, a resize, a signal, what `advance` or the source
    // report, or the moment the display changes by itself (`wake_in`). The mirror looks at its
    // log when told it changed (or polls it where it cannot be told) but redraws only when that
    // moment comes or the log grew.
    let mut redraw = true;
    let mut draw_at: Option<u64> = None;
    // Something besides time changed since the last frame (a key, a resize, a signal, an event,
    // the log read): the next frame is drawn whole. A frame that only time calls for may redraw
    // the countdown alone.
    let mut whole = true;
    let mut kept = Kept::default();
    loop {
        // A signal wakes the wait below (see `signals`): handled before the clock is read, so
        // the time a stop lasted is seen at once.
        match signals::pending(terminal)? {
            signals::Pending::Quit(q) => screen.quit_by_signal(terminal, q),
            signals::Pending::Redraw => {
                // Back from a stop: the window may have been resized meanwhile.
                term::resized();
                redraw = true;
                whole = true;
            }
            signals::Pending::Nothing => {}
        }
        let now = clock.now();
        let gap = clock.gap(now);
        whole |= screen.advance(now, gap);
        if let Some(src) = source.as_deref_mut() {
            whole |= src.poll(screen, &mut clock);
        }
        redraw |= whole;
        redraw |= draw_at.is_some_and(|at| now.mono >= at);
        ring(terminal, screen.take_bells());
        if redraw {
            draw(terminal, &mut kept, screen, now, whole)?;
            redraw = false;
            whole = false;
            draw_at = screen.wake_in(now.mono).map(|w| now.mono.saturating_add(w));
        }
        if screen.done() {
            return Ok(());
        }
        let mut wait = draw_at.map(|at| at.saturating_sub(now.mono).max(1));
        if let Some(src) = source.as_deref() {
            // A source still behind (a long log read a chunk at a time) is read again at once,
            // once the keys typed meanwhile are taken: `q` works while a long log is read.
            let i = if src.behind() { 0 } else { src.interval().max(1) };
            wait = Some(wait.map_or(i, |w| w.min(i)));
        }
        // `None`: nothing will change by itself: block until input.
        match input::wait(wait.map(Duration::from_millis))? {
            Wait::Input => {}
            Wait::Timeout => continue,
            Wait::Closed => screen.quit_by_signal(terminal, signals::hung_up()),
        }
        redraw = true; // a key or a resize
        whole = true;
        let ev = event::read()?;
        if let TermEvent::Resize(..) = ev {
            // The size is asked of the terminal only now, not for every frame.
            term::resized();
        }
        if let TermEvent::Key(k) = ev {
            if signals::is_suspend_key(&k) {
                if !signals::suspend(terminal)? {
                    screen.cannot_suspend();
                }
                continue;
            }
            // A sleep noticed only now (the loop was blocked, e.g. paused) is reported before
            // the key acts, so it is judged against the state the room was in.
            let now = clock.now();
            let gap = clock.gap(now);
            screen.advance(now, gap);
            let intent = screen.key(k, terminal.size()?);
            screen.perform(intent, now);
        }
    }
}

/// Draws `screen` at `now`: only its ticking part when nothing but time changed (`whole` false)
/// and the screen's [`Screen::ticking_key`] is the last whole frame's, else the whole screen.
/// Returns whether only the ticking part was drawn.
pub(crate) fn draw<S: Screen, W: Write>(
    terminal: &mut ratatui::Terminal<term::FrameBackend<W>>,
    kept: &mut Kept,
    screen: &S,
    now: Now,
    whole: bool,
) -> std::io::Result<bool> {
    if !whole && kept.ticking().is_some() {
        let size = terminal.size()?;
        if let Some(key) = screen.ticking_key(size, now)
            && term::draw_ticking(
                terminal,
                kept,
                key,
                |t| screen.ticking_changed(t, now),
                |buf, t| screen.draw_ticking(buf, t, now),
            )?
        {
            return Ok(true);
        }
    }
    term::draw_whole(terminal, kept, |f| screen.draw_whole(f, now)).map(|()| false)
}

/// Rings the terminal's bell `n` times.
fn ring(terminal: &mut Term, n: u8) {
    if n > 0 {
        let bells = "\x07".repeat(usize::from(n));
        let out = terminal.backend_mut().writer_mut();
        let _ = out.write_all(bells.as_bytes());
        let _ = out.flush();
    }
}
