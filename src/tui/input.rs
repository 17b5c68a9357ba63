//! Waiting for the terminal: a key, a resize, a wake-up from another thread, or the terminal's
//! end.
//!
//! # The terminal's end
//!
//! When the terminal goes away (its window closed, an SSH connection lost, a tmux pane killed),
//! reading it returns end of input (0 bytes) at once, every time. crossterm 0.29's event source
//! reads the terminal in a loop that only "would block" ends, so once the terminal has hung up a
//! call to crossterm's `poll` or `read` never returns: convene spun at full speed (about 20,000
//! empty reads in two seconds) until the signal thread's watchdog after SIGHUP ended it, and a
//! terminal that hung up without a SIGHUP (the process in a background job, the signal ignored)
//! would spin for ever. So on Unix the loop waits with poll(2) itself, on the terminal (stdin when
//! it is one, else `/dev/tty`, as crossterm chooses) and on a pipe that SIGWINCH writes to (a
//! resize, or [`super::signals::wake`]), and calls crossterm only once the terminal has something
//! to read and has not hung up. A hang-up (or an error, or a terminal closed under it) is
//! [`Wait::Closed`]: the loop ends at once, as on SIGHUP, with the log complete.
//!
//! Elsewhere (Windows, or a Unix process whose terminal cannot be polled, such as a device macOS
//! refuses with POLLNVAL, or whose pipe cannot be had) the loop waits in crossterm as before.

use std::io;
use std::time::Duration;

use crossterm::event;

/// What ended a wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wait {
    /// crossterm has an event to read (a key, a resize).
    Input,
    /// The time ran out, or the loop was woken with nothing to read: look at the signals and
    /// the clock again.
    Timeout,
    /// The terminal is gone: end as on SIGHUP. (Unix only: a Windows console closing ends the
    /// process through its control handler instead, `src/tui/signals.rs`.)
    #[cfg_attr(not(unix), allow(dead_code))]
    Closed,
}

/// Waits up to `timeout` (`None`: until something happens) for input, a wake-up or the
/// terminal's end.
pub(crate) fn wait(timeout: Option<Duration>) -> io::Result<Wait> {
    imp::wait(timeout)
}

/// Wakes the loop waiting for the terminal from another thread (the signal thread, the mirror's
/// file watcher) through its own pipe, not through crossterm: a SIGWINCH that crossterm reads in
/// the same look as a key returns the resize and leaves the key unread until the next one (its
/// terminal is watched edge-triggered). `false` when the loop does not wait here yet.
pub(crate) fn wake() -> bool {
    imp::wake()
}

/// What crossterm's own wait says, for where poll(2) is not used.
fn crossterm_wait(timeout: Option<Duration>) -> io::Result<Wait> {
    let ready = match timeout {
        Some(t) => event::poll(t)?,
        None => true, // crossterm's `read` blocks until there is something
    };
    Ok(if ready { Wait::Input } else { Wait::Timeout })
}

#[cfg(unix)]
mod imp {
    use std::fs::File;
    use std::io::{self, IsTerminal, Read};
    use std::os::fd::{AsFd, BorrowedFd};
    use std::os::unix::net::UnixStream;
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    use crossterm::event;
    use rustix::event::{PollFd, PollFlags, Timespec, poll};

    use super::Wait;

    /// How long the loop sleeps when the terminal has bytes that crossterm did not take (it
    /// reads at most 1 KB per wake-up, and waits for the next key for the rest): a poll that
    /// kept reporting them would spin.
    ///
    /// Known limit (crossterm 0.29's mio source, which watches the terminal edge-triggered): when
    /// a SIGWINCH and a key are both pending at crossterm's poll, it returns the resize and
    /// drops the terminal's readiness, so the key stays unread until the next key arrives (then
    /// both act). A key pressed in the instant after a resize can be late. crossterm's
    /// `use-dev-tty` source polls level-triggered and would not lose it, but returns nothing for
    /// a zero timeout, which this module relies on.
    const UNTAKEN_MS: u64 = 20;

    struct Waiter {
        /// `/dev/tty`, when stdin is not the terminal.
        tty: Option<File>,
        /// Readable after a SIGWINCH or a [`wake`].
        woken: UnixStream,
        /// The other end of `woken`, for [`wake`].
        waker: UnixStream,
    }

    static WAITER: OnceLock<Option<Waiter>> = OnceLock::new();
    /// The last wait found the terminal readable and crossterm took nothing from it.
    static UNTAKEN: AtomicBool = AtomicBool::new(false);
    /// crossterm may hold events it read already (several keys in one read): only after a wait
    /// that returned input. After a time-out nothing can be waiting there, so a wait in a second
    /// where nothing happened is one poll(2) and nothing else.
    static MAYBE_QUEUED: AtomicBool = AtomicBool::new(true);
    /// What [`wake`] writes into the pipe; SIGWINCH writes something else (signal-hook's `X`).
    const WAKE_BYTE: u8 = 1;

    fn waiter() -> Option<&'static Waiter> {
        WAITER
            .get_or_init(|| {
                let tty = if io::stdin().is_terminal() {
                    None
                } else {
                    Some(File::open("/dev/tty").ok()?)
                };
                // Where poll(2) cannot watch the terminal (macOS refuses some devices with
                // POLLNVAL), the loop waits in crossterm as before.
                {
                    let stdin = io::stdin();
                    let fd = tty.as_ref().map_or_else(|| stdin.as_fd(), AsFd::as_fd);
                    let mut probe = [PollFd::new(&fd, PollFlags::empty())];
                    poll_for(&mut probe, Some(Duration::ZERO)).ok()?;
                    if probe[0].revents().contains(PollFlags::NVAL) {
                        return None;
                    }
                }
                let (rx, tx) = UnixStream::pair().ok()?;
                rx.set_nonblocking(true).ok()?;
                tx.set_nonblocking(true).ok()?;
                let waker = tx.try_clone().ok()?;
                signal_hook::low_level::pipe::register(signal_hook::consts::SIGWINCH, tx).ok()?;
                Some(Waiter { tty, woken: rx, waker })
            })
            .as_ref()
    }

    /// Wakes a loop waiting in [`wait`] from another thread; `false` before the first wait.
    pub(super) fn wake() -> bool {
        use std::io::Write as _;
        match WAITER.get() {
            Some(Some(w)) => {
                // A full pipe has a wake-up pending already.
                let _ = (&w.waker).write(&[WAKE_BYTE]);
                true
            }
            _ => false,
        }
    }

    /// Whether poll(2) says the terminal is gone.
    pub(super) fn closed(revents: PollFlags) -> bool {
        revents.intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL)
    }

    fn poll_for(fds: &mut [PollFd<'_>], timeout: Option<Duration>) -> io::Result<usize> {
        let ts =
            timeout.map(|d| Timespec::try_from(d).unwrap_or(Timespec { tv_sec: 60, tv_nsec: 0 }));
        match poll(fds, ts.as_ref()) {
            Ok(n) => Ok(n),
            Err(rustix::io::Errno::INTR) => Ok(0),
            Err(e) => Err(e.into()),
        }
    }

    pub(super) fn wait(timeout: Option<Duration>) -> io::Result<Wait> {
        let Some(w) = waiter() else { return super::crossterm_wait(timeout) };
        let stdin = io::stdin();
        let tty: BorrowedFd<'_> = match &w.tty {
            Some(f) => f.as_fd(),
            None => stdin.as_fd(),
        };
        if MAYBE_QUEUED.load(Ordering::Relaxed) {
            // Gone already? Then crossterm must not be asked (it would never return).
            let mut probe = [PollFd::new(&tty, PollFlags::empty())];
            poll_for(&mut probe, Some(Duration::ZERO))?;
            if closed(probe[0].revents()) {
                return Ok(Wait::Closed);
            }
            // crossterm may hold events it has read already (several keys in one read).
            if event::poll(Duration::ZERO)? {
                UNTAKEN.store(false, Ordering::Relaxed);
                return Ok(Wait::Input);
            }
            MAYBE_QUEUED.store(false, Ordering::Relaxed);
        }
        let watch_input = !UNTAKEN.load(Ordering::Relaxed);
        let mut fds = [
            PollFd::new(&tty, if watch_input { PollFlags::IN } else { PollFlags::empty() }),
            PollFd::new(&w.woken, PollFlags::IN),
        ];
        let limit = if watch_input {
            timeout
        } else {
            let nap = Duration::from_millis(UNTAKEN_MS);
            Some(timeout.map_or(nap, |t| t.min(nap)))
        };
        let n = poll_for(&mut fds, limit)?;
        if closed(fds[0].revents()) {
            return Ok(Wait::Closed);
        }
        if n == 0 && watch_input {
            // Nothing happened: the time ran out.
            return Ok(Wait::Timeout);
        }
        if fds[1].revents().contains(PollFlags::IN) {
            let mut sink = [0u8; 64];
            let mut resized = false;
            while let Ok(k) = (&w.woken).read(&mut sink)
                && k > 0
            {
                resized |= sink[..k].iter().any(|b| *b != WAKE_BYTE);
            }
            if resized {
                // SIGWINCH: the terminal's size is asked again before the next frame.
                crate::tui::term::resized();
            }
        }
        if event::poll(Duration::ZERO)? {
            UNTAKEN.store(false, Ordering::Relaxed);
            MAYBE_QUEUED.store(true, Ordering::Relaxed);
            return Ok(Wait::Input);
        }
        if fds[0].revents().contains(PollFlags::IN) {
            UNTAKEN.store(true, Ordering::Relaxed);
        } else {
            // The nap is over: watch the terminal again.
            UNTAKEN.store(false, Ordering::Relaxed);
        }
        Ok(Wait::Timeout)
    }
}

#[cfg(not(unix))]
mod imp {
    use std::io;
    use std::time::Duration;

    use super::Wait;

    pub(super) fn wake() -> bool {
        false
    }

    pub(super) fn wait(timeout: Option<Duration>) -> io::Result<Wait> {
        super::crossterm_wait(timeout)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::io::Write;
    use std::os::unix::net::UnixStream;

    use rustix::event::{PollFd, PollFlags, Timespec, poll};

    use super::imp::closed;

    fn revents(fd: &UnixStream) -> PollFlags {
        let mut fds = [PollFd::new(fd, PollFlags::IN)];
        poll(&mut fds, Some(&Timespec { tv_sec: 0, tv_nsec: 0 })).expect("poll");
        fds[0].revents()
    }

    #[test]
    fn the_end_of_input_is_seen_as_the_end_of_the_terminal_and_input_is_not() {
        let (ours, theirs) = UnixStream::pair().expect("pair");
        assert!(!closed(revents(&ours)), "nothing yet");
        (&theirs).write_all(b"q").expect("write");
        assert!(!closed(revents(&ours)), "a key");
        drop(theirs);
        assert!(closed(revents(&ours)), "the other end is gone");
    }
}
