//! The projector mirror: the live screen of a running session, read-only, by following its log.
//! It replays the log, then reads new lines as they are appended (within 100 ms), and counts
//! down on its own in between. It never shows notes or commitments (the live screen shows only
//! counts) and survives the facilitator's process restarting: a resume appends to the same log.

use std::path::Path;
use std::process::ExitCode;

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

impl Source<LiveScreen> for Follower {
    fn poll(&mut self, app: &mut LiveScreen, clock: &mut SystemClock) -> bool {
        let any = follow(self, app);
        if any {
            // Follow the facilitator's clock again from the newest event.
            *clock = anchored_clock(&app.state);
        }
        any
    }

    fn interval(&self) -> u64 {
        100
    }
}

/// The mirror's clock: the facilitator's monotonic axis, estimated from the last event and the
/// wall clock.
pub fn anchored_clock(state: &SessionState) -> SystemClock {
    let base = match state.last_wall {
        Some(w) => {
            let since = (wall_now() - w).num_milliseconds().max(0);
            state.last_at + u64::try_from(since).unwrap_or(0)
        }
        None => 0,
    };
    SystemClock::new(base)
}

pub fn run(path: &Path, log: &SessionLog, opts: Options) -> color_eyre::Result<ExitCode> {
    let state = replay(log.header.setup.clone(), &log.events);
    let mut app = LiveScreen::new(state, None, opts);
    let mut follower = Follower::new(path, log.last_seq);
    let clock = anchored_clock(&app.state);
    let mut terminal = ratatui::try_init()?;
    let result = event_loop::run(&mut terminal, &mut app, clock, Some(&mut follower));
    ratatui::restore();
    result?;
    Ok(ExitCode::SUCCESS)
}
