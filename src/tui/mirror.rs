//! The projector mirror: the live screen of a running session, read-only, by following its log.
//! It replays the log, then reads new lines as they are appended (within 100 ms), and counts
//! down on its own in between. It never shows notes or commitments (the live screen shows only
//! counts) and survives the facilitator's process restarting: a resume appends to the same log.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::app::{App, Options};
use super::{Source, live_loop};
use crate::clock::{SystemClock, wall_now};
use crate::log::Line;
use crate::log::reader::SessionLog;
use crate::session::{Now, SessionState, replay};

/// Follows a log file from a byte offset.
pub struct Follower {
    path: PathBuf,
    offset: u64,
    /// Bytes after the last complete line (a line still being written).
    partial: Vec<u8>,
    last_seq: u64,
}

impl Follower {
    /// Starts from the beginning of the file, skipping events up to `last_seq` (already
    /// replayed), so nothing appended since the replay read the file is missed.
    pub fn new(path: &Path, last_seq: u64) -> Self {
        Self { path: path.to_path_buf(), offset: 0, partial: Vec::new(), last_seq }
    }

    /// Reads complete new lines. A torn line waits for the rest of it.
    pub fn read_new(&mut self) -> Vec<Line> {
        // A stat is enough to see that nothing changed (the usual case, ten times a second).
        let len = std::fs::metadata(&self.path).map_or(0, |m| m.len());
        if len == self.offset {
            return Vec::new();
        }
        let Ok(mut f) = std::fs::File::open(&self.path) else { return Vec::new() };
        let len = f.metadata().map_or(len, |m| m.len());
        if len < self.offset {
            // The file was cut back (a resume trims a torn last line): read it again from the
            // start; events already shown are skipped by their sequence number.
            self.offset = 0;
            self.partial.clear();
        }
        if len <= self.offset {
            return Vec::new();
        }
        if f.seek(SeekFrom::Start(self.offset)).is_err() {
            return Vec::new();
        }
        let mut buf = Vec::new();
        if f.take(len - self.offset).read_to_end(&mut buf).is_err() {
            return Vec::new();
        }
        self.offset = len;
        // Whole lines only, decoded whole: a character split across two reads stays intact.
        self.partial.extend_from_slice(&buf);
        let mut out = Vec::new();
        while let Some(i) = self.partial.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.partial.drain(..=i).collect();
            if let Ok(l) = serde_json::from_slice::<Line>(&line) {
                // The writer may write a line again after a failed write: keep the first.
                if l.seq > self.last_seq {
                    self.last_seq = l.seq;
                    out.push(l);
                }
            }
        }
        out
    }
}

impl Source for Follower {
    fn poll(&mut self, app: &mut App) -> bool {
        let lines = self.read_new();
        let any = !lines.is_empty();
        for l in lines {
            let now = Now::new(l.stamped.at, l.stamped.wall);
            app.apply_event(&l.stamped, now);
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
    let mut app = App::new(state, None, opts);
    let mut follower = Follower::new(path, log.last_seq);
    let clock = anchored_clock(&app.state);
    let mut terminal = ratatui::try_init()?;
    let result = live_loop(&mut terminal, &mut app, clock, Some(&mut follower));
    ratatui::restore();
    result?;
    Ok(ExitCode::SUCCESS)
}
