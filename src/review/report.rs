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

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::digest::Digest;
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProtocolStats {
    pub id: String,
    pub name: String,
    pub sessions: usize,
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
pub fn median(values: &mut [u64]) -> u64 {
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

#[derive(Default)]
struct Acc {
    name: String,
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

/// Builds the report from the sessions given (already filtered).
pub fn report<'a>(digests: impl IntoIterator<Item = &'a Digest>) -> Report {
    // protocol id -> (latest name, latest start, sessions, stage id -> acc)
    let mut by: BTreeMap<String, (String, i64, usize, BTreeMap<String, Acc>)> = BTreeMap::new();
    let mut sessions = 0;
    let mut left_out = 0;
    for d in digests {
        sessions += 1;
        let t = d.start.timestamp_millis();
        let entry = by
            .entry(d.protocol_id.clone())
            .or_insert_with(|| (d.protocol_name.clone(), t, 0, BTreeMap::new()));
        if t >= entry.1 {
            entry.0.clone_from(&d.protocol_name);
            entry.1 = t;
        }
        entry.2 += 1;
        for r in &d.runs {
            if !r.finished {
                left_out += 1;
                continue;
            }
            let acc = entry
                .3
                .entry(r.stage.clone())
                .or_insert_with(|| Acc { first_pos: r.pos, ..Acc::default() });
            if acc.name.is_empty() || t >= entry.1 {
                acc.name.clone_from(&r.name);
            }
            acc.first_pos = acc.first_pos.min(r.pos);
            acc.planned.push(r.planned_ms);
            acc.actual.push(r.actual_ms);
            if r.actual_ms > r.planned_ms {
                acc.overruns.push(r.actual_ms - r.planned_ms);
            }
            acc.extensions += r.extensions as usize;
            acc.extended_ms += r.extended_ms;
            acc.refusals += r.refusals as usize;
            acc.shortenings += r.shortenings as usize;
            acc.shortened_ms += r.shortened_ms;
            acc.skipped += usize::from(r.skipped());
        }
    }
    let mut protocols: Vec<ProtocolStats> = by
        .into_iter()
        .map(|(id, (name, _, sessions, stages))| {
            let mut stages: Vec<StageStats> = stages
                .into_iter()
                .map(|(stage, mut a)| StageStats {
                    stage,
                    name: a.name,
                    runs: a.actual.len(),
                    median_planned_ms: median(&mut a.planned),
                    median_actual_ms: median(&mut a.actual),
                    overran: a.overruns.len(),
                    median_overrun_ms: median(&mut a.overruns),
                    extensions: a.extensions,
                    extended_ms: a.extended_ms,
                    refusals: a.refusals,
                    shortenings: a.shortenings,
                    shortened_ms: a.shortened_ms,
                    skipped: a.skipped,
                    first_pos: a.first_pos,
                })
                .collect();
            stages
                .sort_by(|a, b| a.first_pos.cmp(&b.first_pos).then_with(|| a.stage.cmp(&b.stage)));
            ProtocolStats { id, name, sessions, stages }
        })
        .collect();
    protocols
        .sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.id.cmp(&b.id)));
    Report { sessions, runs_left_out: left_out, protocols }
}

/// The report as text.
///
/// ```text
/// Project tuning (project-tuning): 3 sessions
///   Stage       Runs  Skipped  Planned  Actual  Overran  Median over  Extensions  Refused  Shortened
///   Presenter      3        0     4:00    4:30  2 of 3        +0:30  1 (+1:00)   0        0
/// ```
pub fn text(r: &Report) -> String {
    fitted_text(r, None)
}

/// [`text`] with each table fitted in `width` columns (the terminal's), cutting the stage names.
pub fn fitted_text(r: &Report, width: Option<usize>) -> String {
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
}
