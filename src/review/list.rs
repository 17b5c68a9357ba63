//! `convene logs list`: the sessions table and its JSON, from the index, row by row. Note texts
//! never appear here (private notes are about colleagues): only how many notes a session has.

use std::fmt::Write as _;

use serde::Serialize;

use super::ReviewError;
use super::filter::Filter;
use super::fmt;
use super::index::{Index, Query, SessionRow, Summary};
use crate::text::sanitize;

/// One row of `logs list --json`.
#[derive(Debug, Serialize)]
pub(crate) struct ListedSession<'a> {
    pub id: &'a str,
    pub path: String,
    pub start: String,
    pub protocol: ProtocolRef<'a>,
    pub group: Option<&'a str>,
    pub participants: &'a [String],
    pub facilitator: Option<&'a str>,
    pub planned_ms: u64,
    pub actual_ms: u64,
    pub overrun_ms: u64,
    pub status: &'static str,
    pub notes: usize,
    pub commitments: usize,
    pub problems: Vec<String>,
    /// The session was continued in two places: when, and the files of the branches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fork: Option<&'a crate::review::copies::Fork>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ProtocolRef<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

#[derive(Debug, Serialize)]
pub(crate) struct Unreadable<'a> {
    pub id: &'a str,
    pub path: String,
    pub problem: &'a str,
}

fn problem_text(d: &Summary) -> Vec<String> {
    d.problems.iter().map(|(line, what)| format!("line {line}: {what}")).collect()
}

fn listed<'a>(row: &'a SessionRow, d: &'a Summary) -> ListedSession<'a> {
    ListedSession {
        id: &row.id,
        path: row.path.display().to_string(),
        start: d.start.to_rfc3339_opts(chrono::SecondsFormat::Millis, false),
        protocol: ProtocolRef { id: &d.protocol_id, name: &d.protocol_name },
        group: d.group.as_deref(),
        participants: &d.participants,
        facilitator: d.facilitator.as_deref(),
        planned_ms: d.planned_ms,
        actual_ms: d.actual_ms,
        overrun_ms: d.overrun_ms,
        status: d.status.key(),
        notes: d.notes,
        commitments: d.commitments,
        problems: problem_text(d),
        fork: d.fork.as_ref(),
    }
}

/// Pretty JSON of one value, indented to sit inside an array that is itself in an object.
fn item_json<T: Serialize>(value: &T) -> Result<String, ReviewError> {
    let text = crate::text::to_json_pretty(value)
        .map_err(|e| ReviewError::Encode { format: "JSON", reason: e.to_string() })?;
    Ok(text.lines().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n"))
}

/// Writes `{"schema": …, "sessions": [...], "unreadable": [...]}` (pretty, as `serde_json`
/// would) to `out` in pieces, the sessions as they come from the index. `out` returns `false` to
/// stop. `schema` is the document's (`crate::output::schema::LOGS_LIST`).
pub fn json(
    index: &Index,
    filter: &Filter,
    schema: &str,
    mut out: impl FnMut(&str) -> bool,
) -> Result<(), ReviewError> {
    let mut first = true;
    let mut failed = None;
    let mut buf = format!("{{\n  \"schema\": \"{schema}\",\n  \"sessions\": [");
    index.for_each_row(&Query { readable_only: true, ..Query::new(filter) }, |row| {
        let Some(d) = row.ok() else { return true };
        match item_json(&listed(&row, d)) {
            Ok(item) => {
                buf.push_str(if first { "\n" } else { ",\n" });
                first = false;
                buf.push_str(&item);
            }
            Err(e) => {
                failed = Some(e);
                return false;
            }
        }
        if buf.len() > 1 << 16 { out(&std::mem::take(&mut buf)) } else { true }
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    buf.push_str(if first { "],\n  \"unreadable\": [" } else { "\n  ],\n  \"unreadable\": [" });
    let bad = unreadable(index)?;
    for (i, row) in bad.iter().enumerate() {
        let Err(problem) = &row.summary else { continue };
        let u = Unreadable { id: &row.id, path: row.path.display().to_string(), problem };
        buf.push_str(if i == 0 { "\n" } else { ",\n" });
        buf.push_str(&item_json(&u)?);
    }
    buf.push_str(if bad.is_empty() { "]\n}\n" } else { "\n  ]\n}\n" });
    out(&buf);
    Ok(())
}

/// The logs that cannot be read (few: they are listed apart).
fn unreadable(index: &Index) -> Result<Vec<SessionRow>, ReviewError> {
    let mut bad = Vec::new();
    index.for_each_row(&Query { unreadable_only: true, ..Query::default() }, |row| {
        bad.push(row);
        true
    })?;
    Ok(bad)
}

/// The table, newest first, then what could not be read.
///
/// ```text
/// WHEN              PROTOCOL        GROUP        PARTICIPANTS          PLANNED  ACTUAL  OVER   STATUS     ID
/// 2026-11-23 08:30  project-tuning  Year 9 team  Ann Lee, Ben Diaz +1  24:00    27:30   +4:10  completed  20261123-083000-000
/// ```
///
/// The text is handed to `out` in pieces as it is made (`out` returns `false` to stop), so a
/// list of 100,000 sessions is never held whole. With a `width` (the terminal's), the table is
/// fitted in it by cutting PROTOCOL, GROUP or PARTICIPANTS ([`fmt::Table::fit`]).
pub fn table(
    index: &Index,
    filter: &Filter,
    width: Option<usize>,
    out: impl FnMut(&str) -> bool,
) -> Result<(), ReviewError> {
    table_paged(index, filter, width, None, out)
}

/// [`table`], printed on a terminal of `screen` lines: the first screen of rows (the newest
/// sessions) is laid out and given to `out` as soon as it is read, before the rest are; the rest
/// follow, their columns at least as wide as the first screen's.
// The table, then the notes under it, in the order they print: split, the order would be lost.
#[allow(clippy::too_many_lines)]
pub fn table_paged(
    index: &Index,
    filter: &Filter,
    width: Option<usize>,
    screen: Option<usize>,
    mut out: impl FnMut(&str) -> bool,
) -> Result<(), ReviewError> {
    // The header and the rows that fill the screen, leaving a line for the prompt.
    let first_screen = screen.map(|h| h.saturating_sub(2).max(1));
    let mut going = true;
    let mut rows = fmt::Table::default();
    rows.fit(width, &[1, 2, 3]);
    rows.push(
        &["WHEN", "PROTOCOL", "GROUP", "PARTICIPANTS", "PLANNED", "ACTUAL", "OVER", "STATUS", "ID"]
            .map(String::from),
    );
    let mut damaged: Vec<(String, Vec<String>)> = Vec::new();
    let mut forked: Vec<(String, String)> = Vec::new();
    let mut shown = 0;
    index.for_each_row(&Query { readable_only: true, ..Query::new(filter) }, |row| {
        let Some(d) = row.ok() else { return true };
        shown += 1;
        let mut status = d.status.label().to_string();
        if let Some(fork) = &d.fork {
            status.push_str(", forked");
            forked.push((row.id.clone(), fork.describe()));
        }
        if !d.problems.is_empty() {
            status.push('*');
            damaged.push((row.id.clone(), problem_text(d)));
        }
        rows.push(&[
            fmt::date_time(&d.start),
            fmt::cut(&sanitize(&d.protocol_id), 20),
            fmt::cut(&sanitize(d.group.as_deref().unwrap_or("-")), 18),
            fmt::names(&d.participants, 28),
            fmt::dur(d.planned_ms),
            fmt::dur(d.actual_ms),
            fmt::over(d.overrun_ms),
            status,
            sanitize(&row.id),
        ]);
        if first_screen.is_some_and(|n| rows.len() == n + 1 && shown == n) {
            let mut text = String::new();
            rows.write(|line| text.push_str(line));
            going = out(&text);
            let widths = rows.fitted();
            rows = fmt::Table::default();
            rows.fit(width, &[1, 2, 3]);
            rows.at_least(&widths);
        }
        going
    })?;
    if !going {
        return Ok(());
    }
    let unreadable = unreadable(index)?;
    let mut text = String::new();
    if shown == 0 {
        if index.total()? == 0 {
            let _ = writeln!(text, "No session logs yet in {}.", index.sessions_dir().display());
        } else {
            text.push_str("No sessions match.\n");
        }
    } else {
        if filter.is_empty() {
            for e in &unreadable {
                let when = super::id_time(&e.id)
                    .and_then(chrono::DateTime::from_timestamp_millis)
                    .map_or_else(|| "?".into(), |t| t.format("%Y-%m-%d %H:%M").to_string());
                let cells: Vec<String> = [when.as_str(), "?", "?", "?", "", "", "", "unreadable"]
                    .map(String::from)
                    .into_iter()
                    .chain([sanitize(&e.id)])
                    .collect();
                rows.push(&cells);
            }
        }
        rows.write(|line| {
            text.push_str(line);
            if going && text.len() > 1 << 16 {
                going = out(&std::mem::take(&mut text));
            }
        });
        drop(rows);
        let _ = writeln!(text, "{}", crate::text::plural(shown, "session", "sessions"));
    }
    if !forked.is_empty() {
        text.push_str("\nForked sessions (a sync conflict: each was continued in two places):\n");
        for (id, fork) in forked {
            let _ = writeln!(text, "  {}: {}", sanitize(&id), sanitize(&fork));
        }
    }
    if !damaged.is_empty() {
        text.push_str("\n* Some lines of these logs could not be read (the rest was):\n");
        for (id, problems) in damaged {
            for p in problems {
                let _ = writeln!(text, "  {}: {}", sanitize(&id), sanitize(&p));
            }
        }
    }
    if !unreadable.is_empty() {
        let _ = writeln!(
            text,
            "\n{} could not be read{}:",
            crate::text::plural(unreadable.len(), "log", "logs"),
            if filter.is_empty() { "" } else { " (so no filter could match them)" }
        );
        for e in unreadable {
            if let Err(p) = &e.summary {
                let _ = writeln!(text, "  {}", sanitize(p));
            }
        }
    }
    out(&text);
    Ok(())
}
