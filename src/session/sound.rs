//! Which sound the room hears, and when: a pure function of the events and the time, so the live
//! screen, the mirror (`convene mirror --sound`) and the tests all hear the same thing. Playing
//! it is the edge's business (`tui::sound`).
//!
//! - the stage's warning (WRAP UP), or a format 2 session marker that is a warning: [`Sound::Warning`];
//! - time up: [`Sound::TimeUp`];
//! - a format 2 timed cue: [`Sound::Cue`];
//! - every [`REMINDER_MS`] while a stage runs over: [`Sound::Reminder`].

use super::display::{self, Phase};
use super::event::Event;
use super::state::SessionState;

/// A reminder sounds each time a stage has run this much further over (3 minutes).
pub const REMINDER_MS: u64 = 180_000;

/// The sounds convene plays, each distinct.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sound {
    /// Wrap up: a stage's warning, or a session marker that warns.
    Warning,
    /// Time up.
    TimeUp,
    /// A timed cue (format 2 `cues`).
    Cue,
    /// Still over time: a reminder every [`REMINDER_MS`].
    Reminder,
}

impl Sound {
    /// How the docs and the tests name it.
    pub fn word(self) -> &'static str {
        match self {
            Sound::Warning => "warning",
            Sound::TimeUp => "time up",
            Sound::Cue => "timed cue",
            Sound::Reminder => "still over",
        }
    }

    /// How many terminal bells stand for it where only the bell sounds (`--sound bell`).
    pub(crate) fn bells(self) -> u8 {
        match self {
            Sound::TimeUp => 2,
            Sound::Warning | Sound::Cue | Sound::Reminder => 1,
        }
    }
}

/// The sound an event makes, judged on the state it was applied to (`s` is the state after it).
pub(crate) fn of_event(s: &SessionState, e: &Event) -> Option<Sound> {
    match e {
        Event::WarningReached { .. } => Some(Sound::Warning),
        Event::TimeUp { .. } => Some(Sound::TimeUp),
        Event::CueReached { .. } => Some(Sound::Cue),
        Event::MarkerReached { index, .. }
            if s.setup.protocol.markers.get(*index).is_some_and(|m| m.warn) =>
        {
            Some(Sound::Warning)
        }
        _ => None,
    }
}

/// How many reminders the current stage's overrun has reached at `mono`: 0 until it is
/// [`REMINDER_MS`] over, then one more every [`REMINDER_MS`]; 0 while paused. A screen keeps the
/// most it has sounded in the stage, and sounds [`Sound::Reminder`] when this goes past it.
pub(crate) fn reminders(s: &SessionState, mono: u64) -> u64 {
    match display::phase(s, mono) {
        Phase::Over(ms) => ms / REMINDER_MS,
        _ => 0,
    }
}
