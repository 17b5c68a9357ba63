//! CSV: one row per stage run, no names; and the CSV of many sessions, a row per stage run with
//! the session it belongs to.

use crate::review::ReviewError;
use crate::review::detail::Session;
use crate::review::digest::leave_key;
use crate::review::fmt;
use crate::text::sanitize;

/// The columns of a stage run in the CSV (after the session's own columns in the CSV of many
/// sessions).
pub const CSV_RUN_COLUMNS: [&str; 14] = [
    "position",
    "stage",
    "name",
    "round",
    "planned_s",
    "actual_s",
    "overrun_s",
    "extensions_s",
    "extensions",
    "pauses",
    "shortened_s",
    "shortenings",
    "left",
    "left_without",
];

/// The columns that name the session in the CSV of many sessions.
pub const CSV_SESSION_COLUMNS: [&str; 6] =
    ["session", "date", "time", "protocol", "group", "facilitator"];

/// One stage run's cells, in [`CSV_RUN_COLUMNS`] order.
fn run_cells(r: &crate::review::digest::RunDigest) -> Vec<String> {
    vec![
        (r.pos + 1).to_string(),
        sanitize(&r.stage),
        sanitize(&r.name),
        r.round.map(|x| (x + 1).to_string()).unwrap_or_default(),
        fmt::secs(r.planned_ms),
        fmt::secs(r.actual_ms),
        fmt::secs(r.overrun_ms()),
        fmt::secs(r.extended_ms),
        r.extensions.to_string(),
        r.pauses.to_string(),
        fmt::secs(r.shortened_ms),
        r.shortenings.to_string(),
        r.left.map(leave_key).unwrap_or_default().to_string(),
        r.left_without().as_deref().map(sanitize).unwrap_or_default(),
    ]
}

fn csv_error(e: &::csv::Error) -> ReviewError {
    ReviewError::Encode { format: "CSV", reason: e.to_string() }
}

/// CSV rows as text.
pub(super) fn csv_text(rows: &[Vec<String>]) -> Result<String, ReviewError> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r).map_err(|e| csv_error(&e))?;
    }
    let bytes =
        w.into_inner().map_err(|e| ReviewError::Encode { format: "CSV", reason: e.to_string() })?;
    String::from_utf8(bytes)
        .map_err(|e| ReviewError::Encode { format: "CSV", reason: e.to_string() })
}

/// The byte order mark `--bom` puts first, so that Excel opens a CSV as UTF-8.
pub const BOM: &str = "\u{FEFF}";

/// CSV, one row per stage run (positions that were entered), in running order:
/// `position,stage,name,round,planned_s,actual_s,overrun_s,extensions_s,extensions,pauses,
/// shortened_s,shortenings,left,left_without`. Seconds have up to three decimals; `round` is
/// empty outside rounds, `left` for the stage an unfinished log stopped in. No names appear.
pub fn csv(sess: &Session) -> Result<String, ReviewError> {
    let mut rows = vec![CSV_RUN_COLUMNS.map(String::from).to_vec()];
    rows.extend(sess.digest.runs.iter().map(run_cells));
    csv_text(&rows)
}

/// CSV of many sessions: for every session the query selects, oldest first, one row per stage
/// run, with the session's id, date and time (in the time zone it was run in), protocol id,
/// group and facilitator first ([`CSV_SESSION_COLUMNS`]), then the columns of [`csv`]. With
/// `redact`, the facilitator is `Facilitator`. Written to `out` in pieces as the rows come from
/// the index, so it costs little memory however many sessions there are.
pub fn csv_many(
    index: &crate::review::index::Index,
    query: &crate::review::index::Query,
    redact: bool,
    mut out: impl FnMut(&str) -> std::io::Result<()>,
) -> Result<(), ReviewError> {
    let head: Vec<String> =
        CSV_SESSION_COLUMNS.iter().chain(&CSV_RUN_COLUMNS).map(|c| (*c).to_string()).collect();
    let mut pending = vec![head];
    let mut failed: Option<ReviewError> = None;
    let mut flush = |rows: &mut Vec<Vec<String>>, failed: &mut Option<ReviewError>| {
        match csv_text(rows) {
            Ok(text) => {
                if let Err(e) = out(&text) {
                    *failed = Some(ReviewError::Write {
                        action: "write",
                        path: "the CSV".into(),
                        reason: e.to_string(),
                    });
                }
            }
            Err(e) => *failed = Some(e),
        }
        rows.clear();
    };
    index.for_each_run(query, |row| {
        let facilitator = match (&row.facilitator, redact) {
            (Some(_), true) => "Facilitator".to_string(),
            (Some(f), false) => sanitize(f),
            (None, _) => String::new(),
        };
        let mut cells = vec![
            sanitize(&row.session),
            row.start.format("%Y-%m-%d").to_string(),
            row.start.format("%H:%M").to_string(),
            sanitize(&row.protocol),
            row.group.as_deref().map(sanitize).unwrap_or_default(),
            facilitator,
        ];
        cells.extend(run_cells(&row.run));
        pending.push(cells);
        if pending.len() >= 2000 {
            flush(&mut pending, &mut failed);
        }
        failed.is_none()
    })?;
    if failed.is_none() {
        flush(&mut pending, &mut failed);
    }
    failed.map_or(Ok(()), Err)
}
