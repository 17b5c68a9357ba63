//! `convene report --format csv` and `convene actions --format csv`: the review's figures and
//! commitments as spreadsheets (a row per protocol stage, a row per commitment), with the same
//! `--bom` as the logs' CSV. Every cell is sanitised text.

use super::csv::csv_text;
use crate::review::ReviewError;
use crate::review::actions::Action;
use crate::review::fmt;
use crate::review::report::Report;
use crate::text::sanitize;

/// The columns of `report --format csv`: one row per protocol and stage, in the report's order.
/// The protocol's hard-stop figures are repeated on each of its rows, as `sessions` is.
pub(crate) const REPORT_COLUMNS: [&str; 20] = [
    "protocol",
    "protocol_name",
    "sessions",
    "stage",
    "stage_name",
    "runs",
    "median_planned_s",
    "median_actual_s",
    "overran",
    "median_overrun_s",
    "extensions",
    "extended_s",
    "refusals",
    "shortenings",
    "shortened_s",
    "skipped",
    "sessions_with_stop",
    "ended_past_stop",
    "median_past_stop_s",
    "most_past_stop_s",
];

/// The report as CSV (seconds with up to three decimals, as in the logs' CSV).
pub(crate) fn report_csv(r: &Report) -> Result<String, ReviewError> {
    let mut rows = vec![REPORT_COLUMNS.map(String::from).to_vec()];
    for p in &r.protocols {
        for s in &p.stages {
            rows.push(vec![
                sanitize(&p.id),
                sanitize(&p.name),
                p.sessions.to_string(),
                sanitize(&s.stage),
                sanitize(&s.name),
                s.runs.to_string(),
                fmt::secs(s.median_planned_ms),
                fmt::secs(s.median_actual_ms),
                s.overran.to_string(),
                fmt::secs(s.median_overrun_ms),
                s.extensions.to_string(),
                fmt::secs(s.extended_ms),
                s.refusals.to_string(),
                s.shortenings.to_string(),
                fmt::secs(s.shortened_ms),
                s.skipped.to_string(),
                p.with_stop.to_string(),
                p.past_stop.to_string(),
                fmt::secs(p.median_past_stop_ms),
                fmt::secs(p.most_past_stop_ms),
            ]);
        }
    }
    csv_text(&rows)
}

/// The columns of `actions --format csv`: one row per commitment, oldest first.
pub(crate) const ACTION_COLUMNS: [&str; 13] = [
    "session",
    "commitment",
    "protocol",
    "group",
    "owner",
    "commitment_text",
    "due",
    "due_date",
    "made",
    "status",
    "latest",
    "overdue",
    "follow_ups",
];

/// `actions --format csv`, built a commitment at a time and handed out in pieces
/// ([`ActionsCsv::take`]), so 100,000 commitments are never held whole.
#[derive(Debug)]
pub(crate) struct ActionsCsv {
    rows: Vec<Vec<String>>,
}

impl Default for ActionsCsv {
    fn default() -> Self {
        Self { rows: vec![ACTION_COLUMNS.map(String::from).to_vec()] }
    }
}

impl ActionsCsv {
    pub(crate) fn push(&mut self, a: &Action) {
        let follow: Vec<String> = a
            .history
            .iter()
            .map(|u| {
                let note = u.note.as_deref().map(|n| format!(": {n}")).unwrap_or_default();
                sanitize(&format!("{} {}{note}", u.at.date_naive(), u.status.label()))
            })
            .collect();
        self.rows.push(vec![
            sanitize(&a.session),
            sanitize(&a.id),
            sanitize(&a.protocol),
            a.group.as_deref().map(sanitize).unwrap_or_default(),
            sanitize(&a.owner),
            sanitize(&a.text),
            a.due.as_deref().map(sanitize).unwrap_or_default(),
            a.due_date.map(|d| d.to_string()).unwrap_or_default(),
            a.made.date_naive().to_string(),
            a.status.to_string(),
            a.latest.map(|s| s.label().to_string()).unwrap_or_default(),
            if a.overdue { "yes" } else { "no" }.to_string(),
            follow.join("; "),
        ]);
    }

    /// How many rows are waiting to be taken.
    pub(crate) fn pending(&self) -> usize {
        self.rows.len()
    }

    /// The rows pushed since the last take, as CSV text.
    pub(crate) fn take(&mut self) -> Result<String, ReviewError> {
        let text = csv_text(&self.rows);
        self.rows.clear();
        text
    }
}
