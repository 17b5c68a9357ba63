//! `convene logs export`: Markdown minutes, CSV (one row per stage run) and normalised JSON.
//! The shapes are documented in `docs/review.md`; [`write_new`] writes a file 0600 and never over
//! an existing one.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::actions::resolve_due;
use super::detail::Session;
use super::digest::leave_key;
use super::redact::Names;
use super::{ReviewError, fmt};
use crate::log::writer::open_new_private;
use crate::session::Agreement;
use crate::session::event::wall_ms;
use crate::session::state::Note;
use crate::text::{sanitize, sanitize_multiline};

/// The `schema` value of the JSON export.
pub const JSON_SCHEMA: &str = "convene-session-export/1";

/// Markdown-safe text for one line or table cell.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in sanitize_multiline(text).chars() {
        match c {
            '\n' => out.push(' '),
            '\\' | '|' | '*' | '_' | '`' | '<' | '>' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

fn names_for(sess: &Session, redact: bool) -> Names {
    if redact { Names::redacting(&sess.state) } else { Names::plain() }
}

fn agreement(names: &Names, a: Option<&Agreement>) -> String {
    match a {
        None => "no agreement needed".into(),
        Some(Agreement::Group) => "group agreed".into(),
        Some(Agreement::People(p)) => {
            let who: Vec<String> = p.iter().map(|n| names.name(n)).collect();
            format!("agreed by {}", who.join(", "))
        }
    }
}

/// Markdown minutes a leader can share. With `redact`, names become labels and private notes
/// are left out; without it, private notes come last under their own heading.
///
/// ```text
/// # Project tuning — Year 9 team
/// - **Date:** … - **Facilitator:** … - **Participants:** … - **Time:** planned, actual, over
/// ## Stages   (table: # | Stage | Round | Planned | Actual | Over | What happened)
/// ## Roles · ## Notes · ## Commitments · ## Follow-up of earlier commitments · ## Private notes
/// ```
pub fn markdown(sess: &Session, redact: bool) -> String {
    let names = names_for(sess, redact);
    let mut out = String::new();
    for section in
        [md_header, md_stages, md_roles, md_notes, md_commitments, md_follow_up, md_private]
    {
        section(&mut out, sess, &names, redact);
    }
    out
}

/// The title and the facts: date, facilitator, participants, status, time, session.
fn md_header(out: &mut String, sess: &Session, names: &Names, redact: bool) {
    let s = &sess.state;
    let d = &sess.digest;
    let p = &s.setup.protocol;
    let group =
        d.group.as_deref().map(|g| format!(" — {}", md(&names.text(g)))).unwrap_or_default();
    let _ = writeln!(out, "# {}{group}\n", md(&p.name));
    let end = d.end.map(|e| format!("–{}", e.format("%H:%M"))).unwrap_or_default();
    let _ = writeln!(out, "- **Date:** {}{end}", fmt::long_date_time(&d.start));
    if let Some(f) = &d.facilitator {
        let _ = writeln!(out, "- **Facilitator:** {}", md(&names.name(f)));
    }
    let people: Vec<String> = s.order.iter().map(|n| md(&names.name(n))).collect();
    let _ = writeln!(out, "- **Participants:** {}", people.join(", "));
    let _ = writeln!(out, "- **Status:** {}", d.status.label());
    let _ = writeln!(
        out,
        "- **Time:** planned {}, actual {}, over the plan {}",
        fmt::dur(d.planned_ms),
        fmt::dur(d.actual_ms),
        fmt::dur(d.overrun_ms)
    );
    let _ = writeln!(out, "- **Session:** {}", md(&sess.id));
    if redact {
        let _ = writeln!(out, "\n*Names are replaced by initials; private notes are left out.*");
    }
}

/// The stages table: planned against actual, and what happened in each run.
fn md_stages(out: &mut String, sess: &Session, names: &Names, _redact: bool) {
    let _ = writeln!(out, "\n## Stages\n");
    let _ = writeln!(out, "| # | Stage | Round | Planned | Actual | Over | What happened |");
    let _ = writeln!(out, "|---:|---|---:|---:|---:|---:|---|");
    for r in sess.timeline() {
        let mut happened: Vec<String> = Vec::new();
        for e in &r.extensions {
            happened.push(format!(
                "extended +{} ({})",
                fmt::dur(e.by_ms),
                agreement(names, e.agreement.as_ref())
            ));
        }
        for x in &r.shortenings {
            happened.push(format!("shortened -{}", fmt::dur(x.by_ms)));
        }
        if !r.shortenings.is_empty() {
            happened.push(format!("budget {} net", fmt::signed(r.net_change_ms())));
        }
        for x in &r.refusals {
            happened.push(format!(
                "extension of +{} refused: {}",
                fmt::dur(x.by_ms),
                names.text(&x.reason)
            ));
        }
        if r.pauses > 0 {
            happened.push(format!("paused {} ({})", fmt::times(r.pauses), fmt::dur(r.paused_ms)));
        }
        for g in &r.gaps {
            happened.push(format!("gap of {}", fmt::dur(g.gap_ms)));
        }
        if r.skipped() {
            happened.push("skipped".into());
        }
        if let Some(label) = &r.left_without {
            happened.push(format!("left without: {label}"));
        }
        if r.in_progress {
            happened.push("the log stops here".into());
        }
        let (actual, over) = match r.actual_ms {
            Some(a) => (fmt::dur(a), fmt::over(r.overrun_ms())),
            None => ("not run".into(), String::new()),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {actual} | {over} | {} |",
            r.pos + 1,
            md(&r.name),
            r.round.map(|x| (x + 1).to_string()).unwrap_or_default(),
            fmt::dur(r.planned_ms),
            md(&happened.join("; "))
        );
    }
}

/// Who held which role, round by round (and group by group).
fn md_roles(out: &mut String, sess: &Session, names: &Names, _redact: bool) {
    let rounds = sess.roles();
    if !rounds.is_empty() {
        let _ = writeln!(out, "\n## Roles\n");
        for (ri, groups) in rounds.iter().enumerate() {
            for (gi, members) in groups.iter().enumerate() {
                let who: Vec<String> = members
                    .iter()
                    .map(|(n, role)| format!("{} ({})", md(&names.name(n)), md(role)))
                    .collect();
                let label = if groups.len() > 1 {
                    format!("Round {}, group {}", ri + 1, gi + 1)
                } else {
                    format!("Round {}", ri + 1)
                };
                let _ = writeln!(out, "- **{label}:** {}", who.join(", "));
            }
        }
    }
}

/// The notes that are not private.
fn md_notes(out: &mut String, sess: &Session, names: &Names, _redact: bool) {
    let s = &sess.state;
    let public: Vec<&Note> = s.notes.iter().filter(|n| !n.private).collect();
    if !public.is_empty() {
        let _ = writeln!(out, "\n## Notes\n");
        for n in public {
            let _ = writeln!(out, "{}", md_note(sess, names, n));
        }
    }
}

/// The commitments made, with their due dates and follow-ups.
fn md_commitments(out: &mut String, sess: &Session, names: &Names, _redact: bool) {
    let s = &sess.state;
    if !s.commitments.is_empty() {
        let _ = writeln!(out, "\n## Commitments\n");
        let _ = writeln!(out, "| Owner | Commitment | Due | Follow-up |");
        let _ = writeln!(out, "|---|---|---|---|");
        for c in &s.commitments {
            let due = match &c.due {
                None => String::new(),
                Some(t) => match resolve_due(t, c.wall.date_naive()) {
                    Some(date) if date.to_string() == t.trim() => fmt::long_date(date),
                    Some(date) => format!("{} ({})", md(&names.text(t)), fmt::long_date(date)),
                    None => md(&names.text(t)),
                },
            };
            let follow: Vec<String> = sess
                .history(&c.id)
                .iter()
                .map(|u| {
                    let note = u
                        .note
                        .as_deref()
                        .map(|n| format!(": {}", md(&names.text(n))))
                        .unwrap_or_default();
                    format!("{} {}{note}", u.status.label(), fmt::long_date(u.at.date_naive()))
                })
                .collect();
            let _ = writeln!(
                out,
                "| {} | {} | {due} | {} |",
                md(&names.name(&c.owner)),
                md(&names.text(&c.text)),
                if follow.is_empty() { "open".to_string() } else { follow.join("; ") }
            );
        }
    }
}

/// What was said this time about commitments from earlier sessions.
fn md_follow_up(out: &mut String, sess: &Session, names: &Names, _redact: bool) {
    let s = &sess.state;
    let earlier: Vec<_> = s.updates.iter().filter(|u| u.session.is_some()).collect();
    if !earlier.is_empty() {
        let _ = writeln!(out, "\n## Follow-up of earlier commitments\n");
        for u in earlier {
            let sid = u.session.as_deref().unwrap_or_default();
            let what =
                s.setup.carried.iter().find(|c| c.session == sid && c.id == u.id).map_or_else(
                    || format!("{} from session {}", md(&u.id), md(sid)),
                    |c| format!("{}: {}", md(&names.name(&c.owner)), md(&names.text(&c.text))),
                );
            let note =
                u.note.as_deref().map(|n| format!(" — {}", md(&names.text(n)))).unwrap_or_default();
            let _ = writeln!(out, "- {what}: **{}**{note}", u.status.label());
        }
    }
}

/// The private notes (never in a redacted export).
fn md_private(out: &mut String, sess: &Session, names: &Names, redact: bool) {
    let s = &sess.state;
    let private: Vec<&Note> = s.notes.iter().filter(|n| n.private).collect();
    if !redact && !private.is_empty() {
        let _ = writeln!(out, "\n## Private notes\n");
        let _ = writeln!(
            out,
            "*About colleagues: remove this section before sharing, or export with --redact.*\n"
        );
        for n in private {
            let _ = writeln!(out, "{}", md_note(sess, names, n));
        }
    }
}

/// A note as a Markdown list item: its stage, who it is about, its text.
fn md_note(sess: &Session, names: &Names, n: &Note) -> String {
    let about =
        n.about.as_deref().map(|a| format!(", about {}", md(&names.name(a)))).unwrap_or_default();
    format!("- *{}{about}:* {}", md(&sess.stage_label(n.pos)), md(&names.text(&n.text)))
}

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
fn run_cells(r: &super::digest::RunDigest) -> Vec<String> {
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
fn csv_text(rows: &[Vec<String>]) -> Result<String, ReviewError> {
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
    index: &super::index::Index,
    query: &super::index::Query,
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

/// A wall-clock time, written as in the logs (RFC 3339 with milliseconds and the offset).
#[derive(Serialize)]
struct Wall(#[serde(with = "wall_ms")] DateTime<FixedOffset>);

fn wall(t: &DateTime<FixedOffset>) -> Wall {
    Wall(*t)
}

#[derive(Serialize)]
struct JsonExport {
    schema: &'static str,
    id: String,
    redacted: bool,
    protocol: JsonProtocol,
    group: Option<String>,
    facilitator: Option<String>,
    participants: Vec<String>,
    started: Option<Wall>,
    ended: Option<Wall>,
    status: &'static str,
    planned_ms: u64,
    actual_ms: u64,
    overrun_ms: u64,
    stages: Vec<JsonStage>,
    roles: Vec<JsonRound>,
    notes: Vec<JsonNote>,
    commitments: Vec<JsonCommitment>,
    follow_ups: Vec<JsonFollowUp>,
    problems: Vec<JsonProblem>,
}

#[derive(Serialize)]
struct JsonProtocol {
    id: String,
    name: String,
}

#[derive(Serialize)]
struct JsonStage {
    position: usize,
    stage: String,
    name: String,
    round: Option<usize>,
    planned_ms: u64,
    actual_ms: Option<u64>,
    overrun_ms: u64,
    extended_ms: u64,
    extensions: Vec<JsonExtension>,
    shortened_ms: u64,
    shortenings: Vec<JsonShortening>,
    /// Extensions minus shortenings.
    net_change_ms: i64,
    refusals: Vec<JsonRefusal>,
    pauses: u32,
    paused_ms: u64,
    gaps: Vec<JsonGap>,
    /// How it was last left; null when not run or when the log stopped in it.
    left: Option<&'static str>,
    /// The label of the expected record it was left without.
    left_without: Option<String>,
}

#[derive(Serialize)]
struct JsonShortening {
    by_ms: u64,
    at: Wall,
}

#[derive(Serialize)]
struct JsonExtension {
    by_ms: u64,
    at: Wall,
    /// `"group"`, a list of names, or null when no agreement was needed.
    agreed_by: serde_json::Value,
}

#[derive(Serialize)]
struct JsonRefusal {
    by_ms: u64,
    at: Wall,
    reason: String,
}

#[derive(Serialize)]
struct JsonGap {
    gap_ms: u64,
    cause: crate::session::GapCause,
    at: Wall,
}

#[derive(Serialize)]
struct JsonRound {
    round: usize,
    groups: Vec<Vec<JsonRole>>,
}

#[derive(Serialize)]
struct JsonRole {
    name: String,
    role: String,
}

#[derive(Serialize)]
struct JsonNote {
    position: usize,
    round: Option<usize>,
    about: Option<String>,
    private: bool,
    text: String,
    at: Wall,
}

#[derive(Serialize)]
struct JsonCommitment {
    id: String,
    position: usize,
    round: Option<usize>,
    owner: String,
    text: String,
    due: Option<String>,
    due_date: Option<chrono::NaiveDate>,
    made: Wall,
    follow_ups: Vec<JsonUpdate>,
}

#[derive(Serialize)]
struct JsonUpdate {
    session: String,
    status: crate::session::CommitmentStatus,
    note: Option<String>,
    at: Wall,
}

#[derive(Serialize)]
struct JsonFollowUp {
    session: String,
    id: String,
    owner: Option<String>,
    text: Option<String>,
    status: crate::session::CommitmentStatus,
    note: Option<String>,
    at: Wall,
}

#[derive(Serialize)]
struct JsonProblem {
    line: usize,
    problem: String,
}

/// The normalised JSON export (pretty-printed, ending in a newline). Positions and rounds count
/// from 1; times are milliseconds; see `docs/review.md` for the schema.
pub fn json(sess: &Session, redact: bool) -> Result<String, ReviewError> {
    let names = names_for(sess, redact);
    let s = &sess.state;
    let d = &sess.digest;
    let stages = sess
        .timeline()
        .into_iter()
        .map(|r| JsonStage {
            position: r.pos + 1,
            stage: r.stage.clone(),
            name: r.name.clone(),
            round: r.round.map(|x| x + 1),
            planned_ms: r.planned_ms,
            actual_ms: r.actual_ms,
            overrun_ms: r.overrun_ms(),
            extended_ms: r.extended_ms(),
            extensions: r
                .extensions
                .iter()
                .map(|e| JsonExtension {
                    by_ms: e.by_ms,
                    at: wall(&e.wall),
                    agreed_by: match &e.agreement {
                        None => serde_json::Value::Null,
                        Some(Agreement::Group) => "group".into(),
                        Some(Agreement::People(p)) => {
                            p.iter().map(|n| names.name(n)).collect::<Vec<_>>().into()
                        }
                    },
                })
                .collect(),
            shortened_ms: r.shortened_ms(),
            shortenings: r
                .shortenings
                .iter()
                .map(|x| JsonShortening { by_ms: x.by_ms, at: wall(&x.wall) })
                .collect(),
            net_change_ms: r.net_change_ms(),
            refusals: r
                .refusals
                .iter()
                .map(|x| JsonRefusal {
                    by_ms: x.by_ms,
                    at: wall(&x.wall),
                    reason: names.text(&x.reason),
                })
                .collect(),
            pauses: r.pauses,
            paused_ms: r.paused_ms,
            gaps: r
                .gaps
                .iter()
                .map(|g| JsonGap { gap_ms: g.gap_ms, cause: g.cause, at: wall(&g.wall) })
                .collect(),
            left: r.left.map(leave_key),
            left_without: r.left_without.clone(),
        })
        .collect();
    let roles = sess
        .roles()
        .into_iter()
        .enumerate()
        .map(|(i, groups)| JsonRound {
            round: i + 1,
            groups: groups
                .into_iter()
                .map(|g| {
                    g.into_iter().map(|(n, role)| JsonRole { name: names.name(&n), role }).collect()
                })
                .collect(),
        })
        .collect();
    let notes = s
        .notes
        .iter()
        .filter(|n| !(redact && n.private))
        .map(|n| JsonNote {
            position: n.pos + 1,
            round: n.round.map(|x| x + 1),
            about: n.about.as_deref().map(|a| names.name(a)),
            private: n.private,
            text: names.text(&n.text),
            at: wall(&n.wall),
        })
        .collect();
    let commitments = s
        .commitments
        .iter()
        .map(|c| JsonCommitment {
            id: c.id.clone(),
            position: c.pos + 1,
            round: c.round.map(|x| x + 1),
            owner: names.name(&c.owner),
            text: names.text(&c.text),
            due: c.due.as_deref().map(|t| names.text(t)),
            due_date: c.due.as_deref().and_then(|t| resolve_due(t, c.wall.date_naive())),
            made: wall(&c.wall),
            follow_ups: sess
                .history(&c.id)
                .iter()
                .map(|u| JsonUpdate {
                    session: u.session.clone(),
                    status: u.status,
                    note: u.note.as_deref().map(|n| names.text(n)),
                    at: wall(&u.at),
                })
                .collect(),
        })
        .collect();
    let follow_ups = s
        .updates
        .iter()
        .filter_map(|u| {
            let sid = u.session.clone()?;
            let carried = s.setup.carried.iter().find(|c| c.session == sid && c.id == u.id);
            Some(JsonFollowUp {
                id: u.id.clone(),
                owner: carried.map(|c| names.name(&c.owner)),
                text: carried.map(|c| names.text(&c.text)),
                status: u.status,
                note: u.note.as_deref().map(|n| names.text(n)),
                at: wall(&u.wall),
                session: sid,
            })
        })
        .collect();
    let doc = JsonExport {
        schema: JSON_SCHEMA,
        id: sess.id.clone(),
        redacted: redact,
        protocol: JsonProtocol { id: d.protocol_id.clone(), name: d.protocol_name.clone() },
        group: d.group.as_deref().map(|g| names.text(g)),
        facilitator: d.facilitator.as_deref().map(|f| names.name(f)),
        participants: s.order.iter().map(|n| names.name(n)).collect(),
        started: s.started_wall.as_ref().map(wall),
        ended: s.ended_wall.as_ref().map(wall),
        status: d.status.key(),
        planned_ms: d.planned_ms,
        actual_ms: d.actual_ms,
        overrun_ms: d.overrun_ms,
        stages,
        roles,
        notes,
        commitments,
        follow_ups,
        problems: sess
            .problems
            .iter()
            .map(|(line, problem)| JsonProblem { line: *line, problem: problem.clone() })
            .collect(),
    };
    let mut text = crate::text::to_json_pretty(&doc)
        .map_err(|e| ReviewError::Encode { format: "JSON", reason: e.to_string() })?;
    text.push('\n');
    Ok(text)
}

/// Creates a new file with mode 0600. An existing file is never replaced.
pub fn create_new(path: &Path) -> Result<std::fs::File, ReviewError> {
    open_new_private(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            ReviewError::Exists { path: path.to_path_buf() }
        } else {
            ReviewError::Write { action: "create", path: path.to_path_buf(), reason: e.to_string() }
        }
    })
}

/// Writes a new file with mode 0600. An existing file is never replaced.
pub fn write_new(path: &Path, contents: &str) -> Result<(), ReviewError> {
    let mut f = create_new(path)?;
    f.write_all(contents.as_bytes()).and_then(|()| f.sync_all()).map_err(|e| ReviewError::Write {
        action: "write",
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::Header;
    use crate::log::reader::SessionLog;
    use crate::protocol::Library;
    use crate::session::{Command, Now, SessionState, Setup, apply, decide};

    /// A session whose first stage has a name that needs quoting in CSV and escaping in Markdown.
    fn awkward() -> Session {
        let mut protocol = Library::builtin_only().get("project-tuning").unwrap().clone();
        protocol.round[0].name = "Plan, \"do\" | review".into();
        let setup = Setup {
            protocol,
            participants: vec!["Ann Lee".into(), "Ben".into()],
            facilitator: None,
            group_name: None,
            overrides: std::collections::BTreeMap::new(),
            auto_advance: false,
            carried: vec![],
        };
        let start = chrono::DateTime::parse_from_rfc3339("2026-11-02T09:00:00+00:00").unwrap();
        let mut st = SessionState::new(setup.clone());
        let mut events = Vec::new();
        for (ms, cmd) in [(0, Command::Start), (61_500, Command::Next { force: true })] {
            let now = Now::new(ms, start + chrono::Duration::milliseconds(ms.cast_signed()));
            for e in decide(&st, cmd, now).unwrap() {
                apply(&mut st, &e);
                events.push(e);
            }
        }
        let log = SessionLog {
            header: Header::new("s".into(), start, setup),
            events,
            last_seq: 3,
            problems: vec![],
        };
        Session::from_log("s.jsonl".into(), &log, &std::collections::HashMap::new())
    }

    #[test]
    fn csv_quotes_commas_and_quotes_and_keeps_milliseconds() {
        let text = csv(&awkward()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[1],
            "1,presenter,\"Plan, \"\"do\"\" | review\",1,240,61.5,0,0,0,0,0,0,next,"
        );
        assert_eq!(lines.len(), 3, "header, the finished stage and the one in progress");
    }

    #[test]
    fn markdown_cells_cannot_break_the_table() {
        let md = markdown(&awkward(), false);
        assert!(md.contains("| 1 | Plan, \"do\" \\| review | 1 | 4:00 | 1:02 | - |"), "{md}");
    }
}
