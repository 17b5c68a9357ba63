//! The stage clock: a budget, banked running time and the moment the current run began.
//!
//! Time is a plain number of milliseconds on the session's effective monotonic axis (see
//! [`super::state::SessionState::effective`]); the clock never reads a real clock. Remaining time
//! is `budget - elapsed` and goes negative in overrun: it is measured, never clamped.
//!
//! A clock starts from its stage's plan ([`super::plan::Plan::clocks`]: the budget, the warning's
//! lead time, a range's width, the timed cues); `super::plan`'s module doc lists where the rest of
//! a stage's time is decided.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageClock {
    /// Planned budget plus extensions minus shortenings.
    pub budget_ms: u64,
    /// The planned budget when the session was set up.
    pub planned_ms: u64,
    /// Running time banked by earlier runs (before a pause or leaving the stage).
    pub banked_ms: u64,
    /// When the current run began, if the clock is running.
    pub running_since: Option<u64>,
    /// Warning lead time, if the stage has a warning.
    pub warn_ms: Option<u64>,
    pub warned: bool,
    pub timed_up: bool,
    pub visits: u32,
    pub pauses: u32,
    pub paused_ms: u64,
    pub paused_since: Option<u64>,
    pub extended_ms: u64,
    pub shortened_ms: u64,
    /// Format 2: a duration range's width (upper end minus lower end); 0 for a single duration.
    /// Past the budget the stage is within its range until `budget + range_ms`, when time is up.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub range_ms: u64,
    /// Format 2: the stage's timed cues, in the protocol's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cues: Vec<CueMark>,
    /// The cue shown now: the last one that fired during this visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown_cue: Option<usize>,
}

/// Format 2: one timed cue of a stage, on the clock's running time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CueMark {
    /// Counted back from the end of the budget (`before`), or from the start (`after`).
    pub before: bool,
    pub ms: u64,
    /// Fired, or passed over without firing (see [`StageClock::pass_cues`]).
    pub done: bool,
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_zero(v: &u64) -> bool {
    *v == 0
}

impl StageClock {
    pub(crate) fn new(planned_ms: u64, warn_ms: Option<u64>) -> Self {
        Self {
            budget_ms: planned_ms,
            planned_ms,
            banked_ms: 0,
            running_since: None,
            warn_ms,
            warned: false,
            timed_up: false,
            visits: 0,
            pauses: 0,
            paused_ms: 0,
            paused_since: None,
            extended_ms: 0,
            shortened_ms: 0,
            range_ms: 0,
            cues: Vec::new(),
            shown_cue: None,
        }
    }

    /// Running time at which cue `i` is due: `before` cues move with extensions and shortenings.
    pub fn cue_point(&self, i: usize) -> Option<u64> {
        let c = self.cues.get(i)?;
        Some(if c.before { self.budget_ms.saturating_sub(c.ms) } else { c.ms })
    }

    /// The cues not yet done whose time has come at `now`, in the order they fell due.
    pub(crate) fn cues_due(&self, now: u64) -> Vec<usize> {
        let elapsed = self.elapsed(now);
        let mut due: Vec<(u64, usize)> = (0..self.cues.len())
            .filter(|i| !self.cues[*i].done)
            .filter_map(|i| self.cue_point(i).map(|p| (p, i)))
            .filter(|(p, _)| *p <= elapsed)
            .collect();
        due.sort_unstable();
        due.into_iter().map(|(_, i)| i).collect()
    }

    /// The moment the next cue is due, if running.
    pub fn next_cue_at(&self) -> Option<u64> {
        let since = self.running_since?;
        (0..self.cues.len())
            .filter(|i| !self.cues[*i].done)
            .filter_map(|i| self.cue_point(i))
            .map(|p| since.saturating_add(p.saturating_sub(self.banked_ms)))
            .min()
    }

    /// Marks every cue whose time has already passed at `now` as done, without firing it: on
    /// entering a stage, and when a gap (a sleep, a crash) jumps over it. Never shown late.
    pub(crate) fn pass_cues(&mut self, now: u64) {
        for i in self.cues_due(now) {
            self.cues[i].done = true;
        }
    }

    /// Running time at which time is up: the budget, or a range's upper end past it.
    pub(crate) fn upper_ms(&self) -> u64 {
        self.budget_ms.saturating_add(self.range_ms)
    }

    /// Whether time is up at `now`: past the budget, and past a range's upper end.
    pub(crate) fn past_upper(&self, now: u64) -> bool {
        self.elapsed(now) >= self.upper_ms()
    }

    /// The moment time is up (the budget, or a range's upper end), if running.
    pub(crate) fn time_up_at(&self) -> Option<u64> {
        self.running_since.map(|s| s.saturating_add(self.upper_ms().saturating_sub(self.banked_ms)))
    }

    /// Running time so far.
    pub(crate) fn elapsed(&self, now: u64) -> u64 {
        self.banked_ms.saturating_add(self.running_since.map_or(0, |s| now.saturating_sub(s)))
    }

    /// Remaining time; negative in overrun.
    pub fn remaining(&self, now: u64) -> i64 {
        to_i64(self.budget_ms) - to_i64(self.elapsed(now))
    }

    /// Overrun so far (0 before the deadline).
    pub(crate) fn overrun(&self, now: u64) -> u64 {
        self.elapsed(now).saturating_sub(self.budget_ms)
    }

    /// The moment the budget runs out, if running (the tests' check of the arithmetic).
    #[cfg(test)]
    fn deadline(&self) -> Option<u64> {
        self.running_since.map(|s| s.saturating_add(self.budget_ms.saturating_sub(self.banked_ms)))
    }

    /// The moment the warning is due, if running, armed and still ahead or due now.
    pub(crate) fn warning_at(&self) -> Option<u64> {
        let warn = self.warn_ms?;
        // Not gated on time up: an extension after time up re-arms the warning (see `rearm`).
        if self.warned {
            return None;
        }
        let since = self.running_since?;
        let point = self.budget_ms.saturating_sub(warn);
        Some(since.saturating_add(point.saturating_sub(self.banked_ms)))
    }

    pub(crate) fn start(&mut self, now: u64) {
        if let Some(p) = self.paused_since.take() {
            self.paused_ms = self.paused_ms.saturating_add(now.saturating_sub(p));
        }
        if self.running_since.is_none() {
            self.running_since = Some(now);
        }
    }

    /// Banks the running time and stops.
    pub(crate) fn stop(&mut self, now: u64) {
        if let Some(s) = self.running_since.take() {
            self.banked_ms = self.banked_ms.saturating_add(now.saturating_sub(s));
        }
    }

    /// Leaves the stage: banks the running time, and a pause still open.
    pub(crate) fn close(&mut self, now: u64) {
        self.stop(now);
        if let Some(p) = self.paused_since.take() {
            self.paused_ms = self.paused_ms.saturating_add(now.saturating_sub(p));
        }
    }

    pub(crate) fn pause(&mut self, now: u64) {
        self.stop(now);
        self.pauses += 1;
        self.paused_since = Some(now);
    }

    pub(crate) fn extend(&mut self, by_ms: u64, now: u64) {
        self.budget_ms = self.budget_ms.saturating_add(by_ms);
        self.extended_ms = self.extended_ms.saturating_add(by_ms);
        self.rearm(now);
    }

    pub(crate) fn shorten(&mut self, by_ms: u64) {
        let by = by_ms.min(self.budget_ms);
        self.budget_ms -= by;
        self.shortened_ms = self.shortened_ms.saturating_add(by);
    }

    /// An extension that moves the deadline back past the warning point re-arms the warning.
    fn rearm(&mut self, now: u64) {
        if let Some(warn) = self.warn_ms
            && self.warned
            && self.remaining(now) > to_i64(warn)
        {
            self.warned = false;
        }
    }
}

pub(crate) fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: u64 = 60_000;

    #[test]
    fn counts_down_to_a_deadline() {
        let mut c = StageClock::new(4 * MIN, Some(MIN));
        c.start(1_000);
        assert_eq!(c.remaining(1_000), 240_000);
        assert_eq!(c.remaining(61_000), 180_000);
        assert_eq!(c.deadline(), Some(241_000));
        assert_eq!(c.warning_at(), Some(181_000));
    }

    #[test]
    fn pause_banks_running_time_and_resume_continues() {
        let mut c = StageClock::new(4 * MIN, None);
        c.start(0);
        c.pause(30_000);
        assert_eq!(c.remaining(500_000), 210_000, "a paused clock does not move");
        c.start(500_000);
        assert_eq!(c.remaining(510_000), 200_000);
        assert_eq!(c.deadline(), Some(710_000));
        assert_eq!(c.paused_ms, 470_000);
        assert_eq!(c.pauses, 1);
    }

    #[test]
    fn overrun_is_measured_never_clamped() {
        let mut c = StageClock::new(MIN, None);
        c.start(0);
        assert_eq!(c.remaining(80_000), -20_000);
        assert_eq!(c.overrun(80_000), 20_000);
        assert_eq!(c.overrun(10_000), 0);
    }

    #[test]
    fn extend_and_shorten_move_the_deadline() {
        let mut c = StageClock::new(4 * MIN, Some(MIN));
        c.start(0);
        c.extend(MIN, 0);
        assert_eq!(c.deadline(), Some(5 * MIN));
        c.shorten(2 * MIN);
        assert_eq!(c.deadline(), Some(3 * MIN));
        c.shorten(10 * MIN);
        assert_eq!(c.budget_ms, 0, "shortening stops at zero");
        assert_eq!(c.remaining(1_000), -1_000);
    }

    #[test]
    fn a_range_is_up_only_past_its_upper_end_and_moves_with_extensions() {
        let mut c = StageClock::new(90 * MIN, None);
        c.range_ms = 30 * MIN;
        c.start(0);
        assert_eq!(c.deadline(), Some(90 * MIN), "the countdown runs to the lower end");
        assert_eq!(c.time_up_at(), Some(120 * MIN));
        assert!(!c.past_upper(119 * MIN));
        assert!(c.past_upper(120 * MIN));
        c.extend(5 * MIN, MIN);
        assert_eq!(c.time_up_at(), Some(125 * MIN));
    }

    #[test]
    fn cues_before_the_end_move_with_the_budget_and_after_the_start_do_not() {
        let mut c = StageClock::new(10 * MIN, None);
        c.cues = vec![
            CueMark { before: true, ms: 2 * MIN, done: false },
            CueMark { before: false, ms: MIN, done: false },
        ];
        c.start(0);
        assert_eq!(c.next_cue_at(), Some(MIN));
        assert_eq!(c.cues_due(9 * MIN), vec![1, 0], "in the order they fell due");
        c.extend(MIN, 0);
        assert_eq!(c.cue_point(0), Some(9 * MIN));
        assert_eq!(c.cue_point(1), Some(MIN));
        c.pass_cues(5 * MIN);
        assert!(c.cues[1].done && !c.cues[0].done);
        assert_eq!(c.next_cue_at(), Some(9 * MIN));
    }

    #[test]
    fn extension_past_the_warning_point_rearms_the_warning() {
        let mut c = StageClock::new(4 * MIN, Some(MIN));
        c.start(0);
        c.warned = true; // the warning fired at 3:00
        c.extend(30_000, 3 * MIN + 10_000); // 50 s left + 30 s = 80 s > 60 s
        assert!(!c.warned);
        assert_eq!(c.warning_at(), Some(3 * MIN + 30_000));

        let mut d = StageClock::new(4 * MIN, Some(MIN));
        d.start(0);
        d.warned = true;
        d.extend(5_000, 3 * MIN + 10_000); // 55 s left: still inside the warning window
        assert!(d.warned, "a small extension inside the window does not re-arm");
    }
}
