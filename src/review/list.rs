//! `convene logs list`: the sessions table and its JSON. Note texts never appear here (private
//! notes are about colleagues): only how many notes a session has.

use std::fmt::Write as _;

use serde::Serialize;

use super::digest::Digest;
use super::filter::Filter;
use super::fmt;
use super::scan::{Entry, Scan};
use crate::text::sanitize;

/// One row of `logs list --json`.
#[derive(Debug, Serialize)]
pub struct ListedSession<'a> {
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
}

#[derive(Debug, Serialize)]
pub struct ProtocolRef<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

#[derive(Debug, Serialize)]
pub struct Unreadable<'a> {
    pub id: &'a str,
    pub path: String,
    pub problem: &'a str,
}

#[derive(Debug, Serialize)]
pub struct ListJson<'a> {
    pub sessions: Vec<ListedSession<'a>>,
    pub unreadable: Vec<Unreadable<'a>>,
}

fn problem_text(d: &Digest) -> Vec<String> {
    d.problems.iter().map(|(line, what)| format!("line {line}: {what}")).collect()
}

/// The `--json` shape.
pub fn json<'a>(scan: &'a Scan, filter: &Filter) -> ListJson<'a> {
    let mut sessions = Vec::new();
    let mut unreadable = Vec::new();
    for e in &scan.entries {
        match &e.digest {
            Ok(d) if filter.matches(d) => sessions.push(ListedSession {
                id: &e.id,
                path: e.path.display().to_string(),
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
                commitments: d.commitments.len(),
                problems: problem_text(d),
            }),
            Ok(_) => {}
            Err(problem) => {
                unreadable.push(Unreadable {
                    id: &e.id,
                    path: e.path.display().to_string(),
                    problem,
                });
            }
        }
    }
    ListJson { sessions, unreadable }
}

/// The table, newest first, then what could not be read.
///
/// ```text
/// WHEN              PROTOCOL        GROUP        PARTICIPANTS          PLANNED  ACTUAL  OVER   STATUS     ID
/// 2026-11-23 08:30  project-tuning  Year 9 team  Ann Lee, Ben Diaz +1  24:00    27:30   +4:10  completed  20261123-083000-000
/// ```
pub fn table(scan: &Scan, filter: &Filter) -> String {
    let mut rows = vec![
        ["WHEN", "PROTOCOL", "GROUP", "PARTICIPANTS", "PLANNED", "ACTUAL", "OVER", "STATUS", "ID"]
            .map(String::from)
            .to_vec(),
    ];
    let mut damaged: Vec<&Entry> = Vec::new();
    let mut unreadable: Vec<&Entry> = Vec::new();
    let mut shown = 0;
    for e in &scan.entries {
        match &e.digest {
            Ok(d) if filter.matches(d) => {
                shown += 1;
                let mut status = d.status.label().to_string();
                if !d.problems.is_empty() {
                    status.push('*');
                    damaged.push(e);
                }
                rows.push(vec![
                    fmt::date_time(&d.start),
                    fmt::cut(&sanitize(&d.protocol_id), 20),
                    fmt::cut(&sanitize(d.group.as_deref().unwrap_or("-")), 18),
                    fmt::names(&d.participants, 28),
                    fmt::dur(d.planned_ms),
                    fmt::dur(d.actual_ms),
                    fmt::over(d.overrun_ms),
                    status,
                    sanitize(&e.id),
                ]);
            }
            Ok(_) => {}
            Err(_) => unreadable.push(e),
        }
    }
    let mut out = String::new();
    if shown == 0 {
        if scan.entries.is_empty() {
            let _ = writeln!(out, "No session logs yet in {}.", scan.sessions_dir.display());
        } else {
            out.push_str("No sessions match.\n");
        }
    } else {
        if filter.is_empty() {
            for e in &unreadable {
                let when = super::scan::id_time(&e.id)
                    .and_then(chrono::DateTime::from_timestamp_millis)
                    .map_or_else(|| "?".into(), |t| t.format("%Y-%m-%d %H:%M").to_string());
                rows.push(
                    [when.as_str(), "?", "?", "?", "", "", "", "unreadable"]
                        .map(String::from)
                        .into_iter()
                        .chain([sanitize(&e.id)])
                        .collect(),
                );
            }
        }
        out.push_str(&fmt::table(&rows));
        let _ = writeln!(out, "{}", crate::text::plural(shown, "session", "sessions"));
    }
    if !damaged.is_empty() {
        out.push_str("\n* Some lines of these logs could not be read (the rest was):\n");
        for e in damaged {
            if let Ok(d) = &e.digest {
                for p in problem_text(d) {
                    let _ = writeln!(out, "  {}: {}", sanitize(&e.id), sanitize(&p));
                }
            }
        }
    }
    if !unreadable.is_empty() {
        let _ = writeln!(
            out,
            "\n{} could not be read{}:",
            crate::text::plural(unreadable.len(), "log", "logs"),
            if filter.is_empty() { "" } else { " (so no filter could match them)" }
        );
        for e in unreadable {
            if let Err(p) = &e.digest {
                let _ = writeln!(out, "  {}", sanitize(p));
            }
        }
    }
    out
}
