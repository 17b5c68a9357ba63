//! `convene report`: planned against actual across sessions, per protocol and stage.
//!
//! # Definitions
//!
//! - A **run** is one position of a session's running order that was entered: a stage in a
//!   protocol with five rounds has up to five runs per session. Going back to a stage adds to the
//!   same run. The stage an unfinished log stopped in is left out (its time is not known); the
//!   report says how many runs were left out.
//! - **planned**: the stage's planned time when the session was set up (with `--stage`
//!   overrides); **actual**: its running time, pauses excluded.
//! - A run **overran** when its actual time is longer than planned, by any amount (milliseconds
//!   count); **overrun** is actual − planned. Extensions do not move the plan: an extended stage
//!   that used its extension overran.
//! - **Medians**: the middle value of the sorted values; for an even count, the mean of the two
//!   middle values rounded down to the millisecond. The median overrun is taken over the runs
//!   that overran only.
//! - **Extensions** (count and total time), **shortenings** (count and total time) and
//!   **refusals** are those recorded in the runs counted.
//! - A run was **skipped** when it was last left with `skip` (moved on before its work was
//!   done); skipped runs still count in the medians with the time they took.
//! - **Hard stop**, per protocol: of its sessions that ended (not unfinished logs) and had a
//!   hard stop (`--until`, or set on the start card), how many ended **past** it (the
//!   `session-ended` event's wall time later than the stop, by any amount), the median of how
//!   far past (over those that ended past only) and the most.
//!
//! The report is asked of the index ([`crate::review::Index::report`]); [`StageAcc`] computes
//! each stage's figures from its runs.

use std::fmt::Write as _;

use serde::Serialize;

use super::fmt;
use crate::text::sanitize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageStats {
    pub stage: String,
    pub name: String,
    pub runs: usize,
    pub median_planned_ms: u64,
    pub median_actual_ms: u64,
    /// Runs whose actual time was longer than planned.
    pub overran: usize,
    /// Median overrun of the runs that overran (0 when none did).
    pub median_overrun_ms: u64,
    pub extensions: usize,
    pub extended_ms: u64,
    pub refusals: usize,
    pub shortenings: usize,
    pub shortened_ms: u64,
    /// Runs last left with `skip`.
    pub skipped: usize,
    /// Where the stage first appears in the running order (for ordering).
    #[serde(skip)]
    pub first_pos: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProtocolStats {
    pub id: String,
    pub name: String,
    pub sessions: usize,
    /// Its ended sessions that had a hard stop.
    pub with_stop: usize,
    /// Of those, how many ended past the stop.
    pub past_stop: usize,
    /// The median of how far past the stop those ended (0 when none did).
    pub median_past_stop_ms: u64,
    /// The most any ended past the stop (0 when none did).
    pub most_past_stop_ms: u64,
    pub stages: Vec<StageStats>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub sessions: usize,
    /// Runs left out because an unfinished log stopped in them.
    pub runs_left_out: usize,
    pub protocols: Vec<ProtocolStats>,
}

/// The median as defined in the module docs; 0 for no values.
pub(crate) fn median(values: &mut [u64]) -> u64 {
    if values.is_empty() {
        return 0;
    }
    values.sort_unstable();
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        let (a, b) = (u128::from(values[n / 2 - 1]), u128::from(values[n / 2]));
        u64::try_from(u128::midpoint(a, b)).unwrap_or(u64::MAX)
    }
}

/// What one stage run adds to its stage's figures.
#[derive(Debug, Clone, Copy, Default)]
pub struct Figures {
    /// Its position in the running order.
    pub pos: usize,
    pub planned_ms: u64,
    pub actual_ms: u64,
    pub extensions: usize,
    pub extended_ms: u64,
    pub refusals: usize,
    pub shortenings: usize,
    pub shortened_ms: u64,
    /// Last left with `skip`.
    pub skipped: bool,
}

/// One stage's runs, gathered ([`StageAcc::add`]) and turned into its [`StageStats`]
/// ([`StageAcc::finish`]): the one place the figures in the module docs are computed.
#[derive(Debug, Clone)]
pub struct StageAcc {
    stage: String,
    name: String,
    /// The start of the session the name was taken from (the newest has the name shown).
    name_from: i64,
    planned: Vec<u64>,
    actual: Vec<u64>,
    overruns: Vec<u64>,
    extensions: usize,
    extended_ms: u64,
    refusals: usize,
    shortenings: usize,
    shortened_ms: u64,
    skipped: usize,
    first_pos: usize,
}

impl StageAcc {
    /// No runs yet of `stage`, first seen at position `pos`.
    pub fn new(stage: &str, pos: usize) -> Self {
        Self {
            stage: stage.to_string(),
            name: String::new(),
            name_from: i64::MIN,
            planned: Vec::new(),
            actual: Vec::new(),
            overruns: Vec::new(),
            extensions: 0,
            extended_ms: 0,
            refusals: 0,
            shortenings: 0,
            shortened_ms: 0,
            skipped: 0,
            first_pos: pos,
        }
    }

    /// The stage's name in a session that started at `start_ms`: the newest session's is kept.
    pub fn name_at(&mut self, name: &str, start_ms: i64) {
        if start_ms > self.name_from {
            self.name.clear();
            self.name.push_str(name);
            self.name_from = start_ms;
        }
    }

    /// Adds one run.
    pub fn add(&mut self, r: &Figures) {
        self.first_pos = self.first_pos.min(r.pos);
        self.planned.push(r.planned_ms);
        self.actual.push(r.actual_ms);
        if r.actual_ms > r.planned_ms {
            self.overruns.push(r.actual_ms - r.planned_ms);
        }
        self.extensions += r.extensions;
        self.extended_ms += r.extended_ms;
        self.refusals += r.refusals;
        self.shortenings += r.shortenings;
        self.shortened_ms += r.shortened_ms;
        self.skipped += usize::from(r.skipped);
    }

    /// The stage's figures.
    pub fn finish(mut self) -> StageStats {
        StageStats {
            runs: self.actual.len(),
            median_planned_ms: median(&mut self.planned),
            median_actual_ms: median(&mut self.actual),
            overran: self.overruns.len(),
            median_overrun_ms: median(&mut self.overruns),
            stage: self.stage,
            name: self.name,
            extensions: self.extensions,
            extended_ms: self.extended_ms,
            refusals: self.refusals,
            shortenings: self.shortenings,
            shortened_ms: self.shortened_ms,
            skipped: self.skipped,
            first_pos: self.first_pos,
        }
    }
}

/// A protocol's sessions that ended with a hard stop, gathered ([`StopAcc::add`]) and turned
/// into its hard-stop figures ([`StopAcc::finish`]): the one place they are computed.
#[derive(Debug, Clone, Default)]
pub struct StopAcc {
    with_stop: usize,
    past: Vec<u64>,
}

/// A protocol's hard-stop figures: see the module docs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StopStats {
    pub with_stop: usize,
    pub past_stop: usize,
    pub median_past_stop_ms: u64,
    pub most_past_stop_ms: u64,
}

impl StopAcc {
    /// Adds a session that ended at `end_ms` and had a hard stop at `stop_ms` (Unix ms).
    pub fn add(&mut self, stop_ms: i64, end_ms: i64) {
        self.with_stop += 1;
        if end_ms > stop_ms {
            self.past.push(end_ms.abs_diff(stop_ms));
        }
    }

    /// The figures.
    pub fn finish(mut self) -> StopStats {
        StopStats {
            with_stop: self.with_stop,
            past_stop: self.past.len(),
            most_past_stop_ms: self.past.iter().copied().max().unwrap_or(0),
            median_past_stop_ms: median(&mut self.past),
        }
    }
}

impl ProtocolStats {
    /// Its hard-stop figures set to `s`.
    pub fn set_stops(&mut self, s: StopStats) {
        self.with_stop = s.with_stop;
        self.past_stop = s.past_stop;
        self.median_past_stop_ms = s.median_past_stop_ms;
        self.most_past_stop_ms = s.most_past_stop_ms;
    }

    /// The line the text report gives under its heading; `None` when no session had a stop.
    pub fn stop_line(&self) -> Option<String> {
        if self.with_stop == 0 {
            return None;
        }
        let had = crate::text::plural(self.with_stop, "session", "sessions");
        Some(if self.past_stop == 0 {
            format!("Hard stop: {had} had one; none ended past it.")
        } else {
            format!(
                "Hard stop: {had} had one; {} ended past it (median +{}, most +{}).",
                self.past_stop,
                fmt::dur(self.median_past_stop_ms),
                fmt::dur(self.most_past_stop_ms)
            )
        })
    }
}

/// Orders a protocol's stages as the running order first shows them.
pub fn sort_stages(stages: &mut [StageStats]) {
    stages.sort_by(|a, b| a.first_pos.cmp(&b.first_pos).then_with(|| a.stage.cmp(&b.stage)));
}

/// Orders the protocols by name (any case), then id.
pub fn sort_protocols(protocols: &mut [ProtocolStats]) {
    protocols
        .sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.id.cmp(&b.id)));
}

/// The report as text.
///
/// ```text
/// Project tuning (project-tuning): 3 sessions
///   Hard stop: 2 sessions had one; 1 ended past it (median +4:00, most +4:00).
///   Stage       Runs  Skipped  Planned  Actual  Overran  Median over  Extensions  Refused  Shortened
///   Presenter      3        0     4:00    4:30  2 of 3        +0:30  1 (+1:00)   0        0
/// ```
pub fn text(r: &Report) -> String {
    fitted_text(r, None)
}

/// [`text`] with each table fitted in `width` columns (the terminal's), cutting the stage names.
pub(crate) fn fitted_text(r: &Report, width: Option<usize>) -> String {
    let mut out = String::new();
    if r.sessions == 0 {
        return "No sessions match.\n".into();
    }
    let _ = writeln!(
        out,
        "Planned against actual time in {}; medians per stage run.",
        crate::text::plural(r.sessions, "session", "sessions")
    );
    for p in &r.protocols {
        let _ = writeln!(
            out,
            "\n{} ({}): {}",
            sanitize(&p.name),
            sanitize(&p.id),
            crate::text::plural(p.sessions, "session", "sessions")
        );
        if let Some(line) = p.stop_line() {
            let _ = writeln!(out, "  {line}");
        }
        let mut rows = vec![
            [
                "Stage",
                "Runs",
                "Skipped",
                "Planned",
                "Actual",
                "Overran",
                "Median over",
                "Extensions",
                "Refused",
                "Shortened",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for s in &p.stages {
            rows.push(vec![
                fmt::cut(&sanitize(&s.name), 44),
                s.runs.to_string(),
                s.skipped.to_string(),
                fmt::dur(s.median_planned_ms),
                fmt::dur(s.median_actual_ms),
                format!("{} of {}", s.overran, s.runs),
                if s.overran == 0 {
                    "-".into()
                } else {
                    format!("+{}", fmt::dur(s.median_overrun_ms))
                },
                if s.extensions == 0 {
                    "0".into()
                } else {
                    format!("{} (+{})", s.extensions, fmt::dur(s.extended_ms))
                },
                s.refusals.to_string(),
                if s.shortenings == 0 {
                    "0".into()
                } else {
                    format!("{} (-{})", s.shortenings, fmt::dur(s.shortened_ms))
                },
            ]);
        }
        // Indented by two: fitted in two columns less; the stage's name is the text to cut.
        let inner = width.map(|w| w.saturating_sub(2));
        for line in fmt::fitted_table(&rows, inner, &[0]).lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    if r.runs_left_out > 0 {
        let _ = writeln!(
            out,
            "\n{} left out: unfinished logs stop in them, so their time is not known.",
            crate::text::plural(r.runs_left_out, "stage run", "stage runs")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&mut []), 0);
        assert_eq!(median(&mut [5]), 5);
        assert_eq!(median(&mut [9, 1, 5]), 5);
        assert_eq!(median(&mut [4, 1, 3, 2]), 2, "(2 + 3) / 2 rounded down");
        assert_eq!(median(&mut [10, 20]), 15);
    }

    #[test]
    fn sessions_that_end_on_their_stop_are_not_past_it() {
        let mut a = StopAcc::default();
        a.add(1_000, 900); // before
        a.add(1_000, 1_000); // on
        a.add(1_000, 61_000); // a minute past
        a.add(1_000, 181_000); // three minutes past
        let s = a.finish();
        assert_eq!(
            s,
            StopStats {
                with_stop: 4,
                past_stop: 2,
                median_past_stop_ms: 120_000,
                most_past_stop_ms: 180_000
            }
        );
        assert_eq!(StopAcc::default().finish(), StopStats::default());
    }
}
