//! Code shared by the test files (each module of the `it` binary uses it as `crate::support`):
//! - [`rig`]: the live screen headless, with a fake clock and a log in a temporary folder;
//! - [`cli`]: running the `convene` binary on a data folder of its own;
//! - [`fixtures`]: the review fixtures, session logs written by the real engine;
//! - [`oracle`]: the review's answers worked out in memory, to compare the index's with;
//! - [`commands`]: one generator of every engine command, and restarts, for the replay properties;
//! - [`tmux`]: a private tmux server for the real-terminal tests;
//! - [`browser`]: a headless Chromium over `DevTools`, for the shared page;
//! - the one fixed start time every test's wall clock counts from ([`START`], [`wall`]).

#![allow(dead_code, unused_imports, clippy::cast_possible_wrap)]

pub mod browser;
pub mod cli;
pub mod commands;
pub mod fixtures;
pub mod oracle;
pub mod rig;
pub mod tmux;

pub use rig::*;

use chrono::{DateTime, Duration, FixedOffset};

/// Every built-in protocol's id, in `BUILTIN` order: what `convene protocols` must list.
pub const BUILTIN_IDS: [&str; 23] = [
    "project-tuning",
    "action-learning",
    "coaching-triad",
    "storm-rehearsal",
    "grow-coaching",
    "three-ss",
    "half-termly-review",
    "lesson-study-review",
    "peer-coaching-pair",
    "learning-walk-trio",
    "middle-leader-session",
    "headteacher-learning-forum",
    "teacher-learning-community",
    "plan-do-review",
    "weekly-leadership-review",
    "research-lesson",
    "lesson-study-planning",
    "parrot-on-the-shoulder",
    "cross-school-trio",
    "leadership-group",
    "moderation-afternoon",
    "staff-dialogue",
    "jpd-course-day",
];

/// The fixed wall time at mono 0: 08:30 UTC, so a 24-minute plan "ends 08:54".
pub const START: &str = "2026-11-23T08:30:00+00:00";

/// The wall time `mono` milliseconds after [`START`].
pub fn wall(mono: u64) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(START).expect("valid") + Duration::milliseconds(mono as i64)
}
