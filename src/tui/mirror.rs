//! The projector mirror: the live screen of a running session, read-only, by following its log.
//! It replays the log, then reads new lines as they are appended, and counts down on its own in
//! between. It never shows notes or commitments (the live screen shows only counts) and survives
//! the facilitator's process restarting: a resume appends to the same log.
//!
//! # Waking on change, not on a timer
//!
//! The mirror asks the operating system to tell it when the log's folder changes (the `notify`
//! crate: inotify on Linux, `FSEvents` on macOS, kqueue on the BSDs). The watcher's
//! thread notes the change and wakes the loop ([`super::signals::wake`]), which reads the new
//! lines at once; otherwise the loop sleeps until the countdown's next second, like the live
//! screen. A look every few seconds ([`SAFETY_LOOK_MS`]) covers a notification the system lost
//! (a network drive). Where the watcher cannot be set up, or the loop cannot be woken from
//! another thread, the mirror looks every [`POLL_MS`] instead, as before.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use notify::{RecommendedWatcher, RecursiveMode, Watcher};

use super::event_loop::{self, Source};
use super::live::{LiveScreen, Options};
use crate::clock::{SystemClock, wall_now};
use crate::log::follow::Follower;
use crate::log::reader::SessionLog;
use crate::session::{Now, SessionState, replay};

/// Applies the events appended to the log since the last look. Returns whether there were any.
pub fn follow(follower: &mut Follower, app: &mut LiveScreen) -> bool {
    let lines = follower.read_new();
    let any = !lines.is_empty();
    for l in lines {
        let now = Now::new(l.stamped.at, l.stamped.wall);
        app.apply_event(&l.stamped, now);
    }
    any
}

/// How often the mirror looks at its log when it cannot be told of changes.
pub(crate) const POLL_MS: u64 = 100;
/// How often it looks anyway when it is told of changes (in case one notification is lost).
pub const SAFETY_LOOK_MS: u64 = 5_000;

/// The mirror's source of events: the log follower, woken by file-change notifications.
pub struct Watched {
    follower: Follower,
    /// Set by the watcher's thread when the log's folder changed.
    changed: Arc<AtomicBool>,
    /// `None`: no notifications here; the mirror polls every [`POLL_MS`].
    watcher: Option<RecommendedWatcher>,
}

impl Watched {
    /// Follows the log at `path` from byte `offset` (skipping events up to `last_seq`),
    /// watching its folder for changes.
    pub fn new(path: &Path, offset: u64, last_seq: u64) -> Self {
        let changed = Arc::new(AtomicBool::new(false));
        let watcher = watch_folder(path, Arc::clone(&changed));
        Self { follower: Follower::from_offset(path, offset, last_seq), changed, watcher }
    }

    /// Whether the mirror is told of changes (rather than polling).
    pub fn is_notified(&self) -> bool {
        self.watcher.is_some()
    }

    /// Whether the watcher has reported a change not yet read.
    pub fn change_reported(&self) -> bool {
        self.changed.load(Ordering::SeqCst)
    }
}

/// Watches the folder holding `log` (not the file: a log written again after a loss is a new
/// file under the same name). `None` when notifications cannot be had, or cannot wake the loop.
fn watch_folder(log: &Path, changed: Arc<AtomicBool>) -> Option<RecommendedWatcher> {
    if !cfg!(unix) {
        // The loop can only be woken from another thread on Unix (see `signals::wake`).
        return None;
    }
    let folder = log.parent()?;
    let name = log.file_name()?.to_os_string();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        let ours = match &res {
            Ok(event) => {
                event.paths.is_empty() || event.paths.iter().any(|p| p.file_name() == Some(&name))
            }
            Err(_) => true, // look anyway
        };
        if ours && !changed.swap(true, Ordering::SeqCst) {
            super::signals::wake();
        }
    })
    .ok()?;
    watcher.watch(folder, RecursiveMode::NonRecursive).ok()?;
    Some(watcher)
}

impl Source<LiveScreen> for Watched {
    fn poll(&mut self, app: &mut LiveScreen, clock: &mut SystemClock) -> bool {
        // Told of a change, or the safety look (the loop wakes for it): read what is new.
        self.changed.store(false, Ordering::SeqCst);
        let any = follow(&mut self.follower, app);
        if any {
            // Follow the facilitator's clock again from the newest event.
            *clock = anchored_clock(&app.state);
        }
        any
    }

    fn interval(&self) -> u64 {
        if self.is_notified() { SAFETY_LOOK_MS } else { POLL_MS }
    }

    fn behind(&self) -> bool {
        self.follower.is_behind()
    }
}

/// The mirror's clock: the facilitator's monotonic axis, estimated from the last event and the
/// wall clock.
pub fn anchored_clock(state: &SessionState) -> SystemClock {
    let base = match state.last_wall {
        Some(w) => {
            let since = (wall_now() - w).num_milliseconds().max(0);
            state.last_at.saturating_add(u64::try_from(since).unwrap_or(0))
        }
        None => 0,
    };
    SystemClock::new(base)
}

/// The mirror of the log at `path`, as `log` read it: the screen replayed from its events, and
/// the follower that takes over where that read ended (nothing is read twice). Linear in the
/// log's length: a 20,000-event log opens in milliseconds (docs/benchmarks.md).
pub fn open(path: &Path, log: &SessionLog, opts: Options) -> (LiveScreen, Watched) {
    let state = replay(log.header.setup.clone(), &log.events);
    let app = LiveScreen::new(state, None, opts);
    (app, Watched::new(path, log.complete_len, log.last_seq))
}

/// Runs the mirror; with `sound` (`convene mirror --sound`), it sounds the cues as the
/// facilitator's screen does, for a second room.
pub fn run(
    path: &Path,
    log: &SessionLog,
    opts: Options,
    sound: Option<crate::config::SoundMode>,
) -> color_eyre::Result<ExitCode> {
    let (mut app, mut follower) = open(path, log, opts);
    if let Some(mode) = sound {
        app.set_sound(mode);
    }
    let clock = anchored_clock(&app.state);
    let mut terminal = crate::tui::term::try_init()?;
    let result = event_loop::run(&mut terminal, &mut app, clock, Some(&mut follower));
    ratatui::restore();
    result?;
    Ok(ExitCode::SUCCESS)
}
