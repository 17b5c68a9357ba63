//! Signals while a full-screen view is up. Interrupt, quit, terminate and hang-up (SIGINT,
//! SIGQUIT, SIGTERM, SIGHUP) end convene with the terminal restored, the log complete and the
//! way back named. A stop (SIGTSTP, or Ctrl-Z typed on the screen) leaves the screen and stops
//! the process; on continue (`fg`) the screen comes back, redrawn in full, with the keyboard
//! answering at once, as in other full-screen programs.
//!
//! # Who touches the terminal
//!
//! Only the screen's loop writes to the terminal, so a signal never interleaves its escape
//! sequences with a frame being drawn, and only the loop owns the session and its log. A thread
//! waits on signal-hook's iterator, notes what was asked (atomics below) and wakes the loop
//! through the wake-up pipe its wait watches ([`super::input::wake`]), so that the loop calls
//! [`pending`] before it draws again; before the loop first waits there, or where it waits in
//! crossterm, by raising SIGWINCH on the process (crossterm's event source listens for it to
//! report resizes, so a loop blocked in `crossterm::event::poll` or `read` returns at once).
//! Nothing polls on a timeout: an idle or paused screen still never wakes by itself. (A lost
//! wake-up cannot happen: the request is noted before the wake, and the pipe stays readable
//! until the loop reads it.)
//! The other way, the signal thread restoring the terminal itself under a lock shared with
//! drawing, was not taken: the log (and what it may still hold in memory) belongs to the loop,
//! and coming back from a stop needs the loop to draw anyway.
//!
//! - **Quit** (INT, QUIT, TERM, HUP): the loop writes what the log still holds only in memory
//!   (after a disk error), saves a whole copy elsewhere if the disk still refuses it, restores the
//!   terminal, says how to resume and exits with 128 + the signal's number. Every event shown is
//!   already on disk (write, flush, then show), so nothing else can be pending. A loop that does
//!   not take the request within two seconds is stuck: the signal thread then restores what it
//!   can and exits itself. (After SIGHUP the terminal is gone, and crossterm would never return
//!   from reading it; the loop sees the hang-up itself and ends at once: see [`super::input`].)
//! - **Stop** (TSTP, Ctrl-Z): the loop shows the cursor, leaves raw mode and the alternate screen,
//!   then stops the process as the default action would (signal-hook's
//!   `emulate_default_handler`: SIGSTOP). When continued, it re-enters raw mode and the alternate
//!   screen and clears the terminal so the next frame is drawn whole. A stop the kernel itself
//!   would discard is not taken: when the process group is orphaned (no shell with job control
//!   waits to continue it, e.g. convene started with `exec` or as a tmux window's command),
//!   stopping would freeze the projected screen until someone sends SIGCONT from elsewhere.
//! - **Continue** without a stop of ours (SIGSTOP from outside): raw mode and the alternate screen
//!   are set again (the shell may have reset the terminal meanwhile) and the screen redrawn.
//!
//! Time: a stopped convene is, for the room, like a crashed one: the stage clock runs on. The
//! monotonic clock keeps counting while a process is stopped (checked on Linux, where `Instant`
//! is `CLOCK_MONOTONIC`), so on continue the stage clock includes the time away and a warning or
//! time up that fell due meanwhile is recorded at once; no gap is reported (it would count the
//! time twice). If the computer also slept while convene was stopped, the monotonic clock missed
//! that part, and the loop reports it as a `time-gap` (cause `suspend`) as after any sleep.
//!
//! Outside a screen (before the first, between two, after the last) the signals act as if
//! convene had no handler.
//!
//! # Windows
//!
//! Windows has none of these signals, and Ctrl-Z is an ordinary key there. Ctrl-C reaches a
//! screen as a key (crossterm's raw mode turns the console's processed input off), so each
//! screen handles it as it does on Unix. What is left are the console's control events, which
//! arrive on a thread of their own through `SetConsoleCtrlHandler` (the `ctrlc` crate):
//!
//! - **Ctrl-Break** is taken as a quit, as SIGINT is on Unix: the loop writes what the log still
//!   holds only in memory, restores the console, says how to resume and exits with Windows' own
//!   status for it, `STATUS_CONTROL_C_EXIT` (0xC000013A). There is no signal to wake a loop
//!   blocked in crossterm's `read` on Windows, so the request is taken at the loop's next pass (a
//!   running clock passes every second); a loop that has not taken it within two seconds (an idle
//!   or paused screen) is left to the handler thread, which restores the console and exits the
//!   same way. Every event shown is already on disk.
//! - **Closing the console window, logging off, shutting down**: Windows ends the process as soon
//!   as the handler returns, and `ctrlc`'s returns at once, so this is, for convene, a kill: what
//!   was shown is on disk (write, flush, then show) and `convene resume` continues. Only events
//!   held in memory after a disk error would be lost, as in a power cut.

use std::io;

use crate::tui::term::Term;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::live::LiveScreen;

/// A signal that asks convene to end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quit(pub i32);

impl Quit {
    /// "SIGINT".
    pub(crate) fn name(self) -> String {
        imp::name(self.0)
    }

    /// The exit status a shell expects of a program ended by this signal: 128 + its number on
    /// Unix; on Windows, `STATUS_CONTROL_C_EXIT` as for any program ended by Ctrl-C or Ctrl-Break.
    pub(crate) fn exit_status(self) -> i32 {
        imp::exit_status(self.0)
    }
}

/// The terminal hung up (its window closed, the connection lost): convene ends as on SIGHUP,
/// whose number is 1 on every Unix. Only Unix sees it (see [`super::input`]).
pub(crate) const HANG_UP: Quit = Quit(1);

/// The loop saw the terminal hang up: the quit it ends with (a quit signal already received, or
/// [`HANG_UP`]), taken so that the signal thread leaves the ending to the loop.
pub(crate) fn hung_up() -> Quit {
    #[cfg(unix)]
    imp::note_quit(HANG_UP.0);
    imp::take_quit().unwrap_or(HANG_UP)
}

/// What the screen's loop must do about the signals received since it last asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pending {
    Nothing,
    /// The screen was left and is back (stopped and continued): draw everything again.
    Redraw,
    Quit(Quit),
}

/// Keeps signals turned into requests for the calling loop while it lives.
#[must_use = "signals are handled only while the guard lives"]
pub(crate) struct Watch(());

impl Drop for Watch {
    fn drop(&mut self) {
        imp::set_active(false);
    }
}

/// Starts turning signals into requests for the loop that calls it (see the module doc).
pub(crate) fn watch() -> Watch {
    // crossterm creates its event source, which listens for SIGWINCH, at the first poll: make
    // sure it exists before a signal can raise SIGWINCH to wake the loop.
    let _ = crossterm::event::poll(std::time::Duration::ZERO);
    imp::start();
    imp::set_active(true);
    Watch(())
}

/// Handles the requests received since the last call: a stop (the screen is left, the process
/// stops, and the screen is back when continued) or a continue. A quit is returned for the loop
/// to carry out (it owns the log).
pub(crate) fn pending(terminal: &mut Term) -> io::Result<Pending> {
    if let Some(q) = imp::take_quit() {
        return Ok(Pending::Quit(q));
    }
    let mut redraw = false;
    if imp::take_stop() && imp::can_stop() {
        stop(terminal)?;
        redraw = true;
    }
    if imp::take_continue() {
        enter(terminal)?;
        redraw = true;
    }
    Ok(if redraw { Pending::Redraw } else { Pending::Nothing })
}

/// Ctrl-Z, which reaches a raw-mode screen as a key rather than as a signal.
pub(crate) fn is_suspend_key(key: &KeyEvent) -> bool {
    cfg!(unix)
        && key.code == KeyCode::Char('z')
        && key.modifiers.contains(KeyModifiers::CONTROL)
        && key.kind != crossterm::event::KeyEventKind::Release
}

/// Ctrl-Z typed on the screen: stops as SIGTSTP does. Returns `false` (nothing done) when there
/// is no shell to continue convene.
pub(crate) fn suspend(terminal: &mut Term) -> io::Result<bool> {
    if !imp::can_stop() {
        return Ok(false);
    }
    stop(terminal)?;
    Ok(true)
}

/// What Ctrl-Z says when it cannot stop convene.
pub(crate) const CANNOT_SUSPEND: &str =
    "Ctrl-Z: no shell here can bring convene back (fg), so it carries on. q quits.";

/// Leaves the screen for good: the cursor shown, raw mode and the alternate screen left. Errors
/// are ignored: the terminal may be gone.
pub(crate) fn leave(terminal: &mut Term) {
    let _ = terminal.show_cursor();
    let _ = ratatui::try_restore();
}

/// Leaves the screen, stops until continued, and comes back.
fn stop(terminal: &mut Term) -> io::Result<()> {
    leave(terminal);
    // Under the shell's "Stopped" line, for a facilitator who has not met job control.
    crate::output::error("suspended; type `fg` to bring it back.");
    imp::stop_process();
    // A second Ctrl-Z typed while the screen was being left reached the shell's terminal as
    // SIGTSTP: that stop has happened already.
    imp::take_stop();
    enter(terminal)
}

/// Raw mode and the alternate screen again, cleared so that the next frame is drawn whole. Raw
/// mode is set afresh even if crossterm believes it is on: the shell may have reset the terminal
/// while convene was stopped.
fn enter(terminal: &mut Term) -> io::Result<()> {
    crossterm::terminal::disable_raw_mode()?;
    crossterm::terminal::enable_raw_mode()?;
    crossterm::execute!(io::stdout(), crossterm::terminal::EnterAlternateScreen)?;
    terminal.hide_cursor()?;
    terminal.clear()
}

/// Says which signal ended convene (on stderr).
pub(crate) fn say_stopped(q: Quit) {
    crate::output::error(&format!("stopped by {}.", q.name()));
}

/// Exits with 128 + the signal's number, once the terminal is restored and everything said.
pub(crate) fn exit(q: Quit) -> ! {
    use std::io::Write as _;
    let _ = io::stdout().flush();
    std::process::exit(q.exit_status())
}

/// Ends a screen that holds no session (the home screen, the logs browser) on a quit signal:
/// leaves it, says why and exits.
pub(crate) fn end_screen(terminal: &mut Term, q: Quit) -> ! {
    leave(terminal);
    say_stopped(q);
    exit(q)
}

/// Before exiting on a signal: writes what the log still holds only in memory. If the disk still
/// refuses it, saves the whole log to `to` (as the save form would) and records where in
/// [`LiveScreen::saved_to`]. Returns whether every event is now in a file.
pub fn keep_log(app: &mut LiveScreen, to: &std::path::Path) -> bool {
    let Some(log) = app.log.as_mut() else { return true };
    if log.retry() || app.saved_to.is_some() {
        return true;
    }
    if log.save_copy(to).is_ok() {
        app.saved_to = Some(to.to_path_buf());
        return true;
    }
    false
}

/// Wakes the screen's loop from another thread (the mirror's file watcher), as the signal thread
/// does: on Unix through the loop's own wake-up pipe ([`super::input::wake`]), or, before the
/// loop first waits there, by raising SIGWINCH, which returns a blocked
/// `crossterm::event::poll` at once. `false` where a loop cannot be woken this way (it must poll
/// instead).
pub(crate) fn wake() -> bool {
    #[cfg(unix)]
    {
        super::input::wake() || signal_hook::low_level::raise(signal_hook::consts::SIGWINCH).is_ok()
    }
    #[cfg(not(unix))]
    {
        false
    }
}

#[cfg(unix)]
mod imp {
    use std::sync::Once;
    use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
    use std::time::Duration;

    use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP, SIGWINCH};
    use signal_hook::low_level::{emulate_default_handler, raise, signal_name};

    use super::Quit;

    /// A screen's loop runs and handles the requests below.
    static ACTIVE: AtomicBool = AtomicBool::new(false);
    /// The quit signal received (0: none).
    static QUIT: AtomicI32 = AtomicI32::new(0);
    /// The loop has taken the quit request.
    static QUIT_TAKEN: AtomicBool = AtomicBool::new(false);
    static STOP: AtomicBool = AtomicBool::new(false);
    static CONTINUE: AtomicBool = AtomicBool::new(false);
    /// The loop stopped the process itself and comes back on its own: the SIGCONT that ends the
    /// stop needs no request.
    static SELF_STOPPED: AtomicBool = AtomicBool::new(false);

    /// How long the loop has to take a quit request before the signal thread exits by itself.
    const TAKE_WITHIN: Duration = Duration::from_secs(2);

    pub(crate) fn set_active(on: bool) {
        ACTIVE.store(on, Ordering::SeqCst);
    }

    pub(crate) fn start() {
        static ONCE: Once = Once::new();
        ONCE.call_once(|| {
            let set = [SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGTSTP, SIGCONT];
            if let Ok(mut signals) = signal_hook::iterator::Signals::new(set) {
                let _ = std::thread::Builder::new()
                    .name("signals".into())
                    .spawn(move || signals.forever().for_each(on_signal));
            }
        });
    }

    fn on_signal(sig: i32) {
        if !ACTIVE.load(Ordering::SeqCst) {
            // No screen: as if convene had no handler.
            if (sig == SIGTSTP && !can_stop()) || sig == SIGCONT {
                return;
            }
            let _ = emulate_default_handler(sig);
            if sig != SIGTSTP {
                std::process::exit(128 + sig);
            }
            return;
        }
        match sig {
            SIGTSTP => STOP.store(true, Ordering::SeqCst),
            SIGCONT if SELF_STOPPED.swap(false, Ordering::SeqCst) => return,
            SIGCONT => CONTINUE.store(true, Ordering::SeqCst),
            _ => {
                if QUIT.compare_exchange(0, sig, Ordering::SeqCst, Ordering::SeqCst).is_err() {
                    return; // already ending
                }
            }
        }
        if !crate::tui::input::wake() {
            let _ = raise(SIGWINCH);
        }
        if sig == SIGTSTP || sig == SIGCONT {
            return;
        }
        let step = Duration::from_millis(50);
        for _ in 0..TAKE_WITHIN.as_millis() / step.as_millis() {
            if QUIT_TAKEN.load(Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(step);
        }
        if !QUIT_TAKEN.load(Ordering::SeqCst) {
            // The loop is stuck (a terminal that has gone): every event shown is on disk.
            let _ = crossterm::execute!(std::io::stdout(), crossterm::cursor::Show);
            let _ = ratatui::try_restore();
            crate::output::error(&format!(
                "stopped by {}; the log is saved: `convene resume` continues.",
                name(sig)
            ));
            std::process::exit(128 + sig);
        }
    }

    /// Notes a quit as a quit signal would, unless one was received already.
    pub(crate) fn note_quit(sig: i32) {
        let _ = QUIT.compare_exchange(0, sig, Ordering::SeqCst, Ordering::SeqCst);
    }

    pub(crate) fn take_quit() -> Option<Quit> {
        match QUIT.load(Ordering::SeqCst) {
            0 => None,
            sig => {
                QUIT_TAKEN.store(true, Ordering::SeqCst);
                Some(Quit(sig))
            }
        }
    }

    pub(crate) fn take_stop() -> bool {
        STOP.swap(false, Ordering::SeqCst)
    }

    pub(crate) fn take_continue() -> bool {
        CONTINUE.swap(false, Ordering::SeqCst)
    }

    /// Stops the process until SIGCONT, as SIGTSTP's default action does.
    pub(crate) fn stop_process() {
        SELF_STOPPED.store(true, Ordering::SeqCst);
        if emulate_default_handler(SIGTSTP).is_err() {
            SELF_STOPPED.store(false, Ordering::SeqCst);
        }
    }

    pub(crate) fn name(sig: i32) -> String {
        signal_name(sig).map_or_else(|| format!("signal {sig}"), str::to_string)
    }

    pub(crate) fn exit_status(sig: i32) -> i32 {
        128 + sig
    }

    /// Whether stopping is of use: `false` when the kernel would discard a stop signal with its
    /// default action, because the process group is orphaned — no member's parent is in another
    /// group of the same session, so no shell with job control waits to continue it. Linux reads
    /// `/proc`; elsewhere a stop is assumed possible.
    #[cfg(target_os = "linux")]
    pub(crate) fn can_stop() -> bool {
        struct Stat {
            ppid: u32,
            pgrp: u32,
            session: u32,
        }
        fn stat(pid: &str) -> Option<Stat> {
            let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // After the command name, which is in parentheses and may hold anything.
            let rest = text.get(text.rfind(')')? + 2..)?;
            let mut f = rest.split(' ').skip(1).map(str::parse::<u32>);
            Some(Stat { ppid: f.next()?.ok()?, pgrp: f.next()?.ok()?, session: f.next()?.ok()? })
        }
        let Some(me) = stat("self") else { return true };
        let waits = |member: &Stat| {
            stat(&member.ppid.to_string())
                .is_some_and(|p| p.pgrp != me.pgrp && p.session == me.session)
        };
        // The usual case first: convene's parent is the shell.
        if waits(&me) {
            return true;
        }
        let Ok(dir) = std::fs::read_dir("/proc") else { return true };
        dir.filter_map(Result::ok)
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
            .filter_map(|n| stat(&n))
            .any(|m| m.pgrp == me.pgrp && waits(&m))
    }

    #[cfg(not(target_os = "linux"))]
    pub(crate) fn can_stop() -> bool {
        true
    }
}

/// Windows: the console's control events (Ctrl-Break; the console closing, logoff and shutdown)
/// through `ctrlc`'s handler thread (see the module doc). No stop or continue.
#[cfg(windows)]
mod imp {
    use std::sync::Once;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    use super::Quit;

    /// The one "signal" there is: a console control event (the handler is not told which).
    pub(crate) const CONSOLE_EVENT: i32 = 21; // SIGBREAK in the C runtime's numbering
    /// `STATUS_CONTROL_C_EXIT` (0xC000013A): how Windows ends a program on Ctrl-C or Ctrl-Break.
    pub(crate) const STATUS_CONTROL_C_EXIT: i32 = i32::from_ne_bytes(0xC000_013A_u32.to_ne_bytes());

    static ACTIVE: AtomicBool = AtomicBool::new(false);
    static QUIT: AtomicBool = AtomicBool::new(false);
    static QUIT_TAKEN: AtomicBool = AtomicBool::new(false);

    /// How long the loop has to take a quit request before the handler thread exits by itself.
    const TAKE_WITHIN: Duration = Duration::from_secs(2);

    pub(crate) fn set_active(on: bool) {
        ACTIVE.store(on, Ordering::SeqCst);
    }

    pub(crate) fn start() {
        static ONCE: Once = Once::new();
        // Without a console (output redirected from a service) there is nothing to handle.
        ONCE.call_once(|| {
            let _ = ctrlc::set_handler(on_event);
        });
    }

    fn on_event() {
        if !ACTIVE.load(Ordering::SeqCst) {
            // No screen: as Windows' default handler does.
            std::process::exit(STATUS_CONTROL_C_EXIT);
        }
        if QUIT.swap(true, Ordering::SeqCst) {
            return; // already ending
        }
        let step = Duration::from_millis(50);
        for _ in 0..TAKE_WITHIN.as_millis() / step.as_millis() {
            if QUIT_TAKEN.load(Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(step);
        }
        if !QUIT_TAKEN.load(Ordering::SeqCst) {
            // The loop is blocked waiting for a key: every event shown is on disk.
            let _ = crossterm::execute!(std::io::stdout(), crossterm::cursor::Show);
            let _ = ratatui::try_restore();
            crate::output::error(&format!(
                "stopped by {}; the log is saved: `convene resume` continues.",
                name(CONSOLE_EVENT)
            ));
            std::process::exit(STATUS_CONTROL_C_EXIT);
        }
    }

    pub(crate) fn take_quit() -> Option<Quit> {
        if QUIT.load(Ordering::SeqCst) {
            QUIT_TAKEN.store(true, Ordering::SeqCst);
            Some(Quit(CONSOLE_EVENT))
        } else {
            None
        }
    }

    pub(crate) fn take_stop() -> bool {
        false
    }

    pub(crate) fn take_continue() -> bool {
        false
    }

    pub(crate) fn stop_process() {}

    pub(crate) fn name(_sig: i32) -> String {
        "Ctrl-Break".into()
    }

    pub(crate) fn exit_status(_sig: i32) -> i32 {
        STATUS_CONTROL_C_EXIT
    }

    pub(crate) fn can_stop() -> bool {
        false
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn a_console_event_ends_with_windows_own_status() {
            let q = super::Quit(super::CONSOLE_EVENT);
            assert_eq!(u32::from_ne_bytes(q.exit_status().to_ne_bytes()), 0xC000_013A);
            assert_eq!(q.name(), "Ctrl-Break");
        }
    }
}

/// Elsewhere: nothing to watch.
#[cfg(not(any(unix, windows)))]
mod imp {
    use super::Quit;

    pub(crate) fn set_active(_on: bool) {}

    pub(crate) fn start() {}

    pub(crate) fn take_quit() -> Option<Quit> {
        None
    }

    pub(crate) fn take_stop() -> bool {
        false
    }

    pub(crate) fn take_continue() -> bool {
        false
    }

    pub(crate) fn stop_process() {}

    pub(crate) fn name(sig: i32) -> String {
        format!("signal {sig}")
    }

    pub(crate) fn exit_status(sig: i32) -> i32 {
        128 + sig
    }

    pub(crate) fn can_stop() -> bool {
        false
    }
}
