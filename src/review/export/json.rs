//! The normalised JSON export, for other tools (schema in `docs/review.md`).

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::names_for;
use crate::review::ReviewError;
use crate::review::actions::resolve_due;
use crate::review::detail::Session;
use crate::review::digest::leave_key;
use crate::review::redact::Names;
use crate::session::Agreement;
use crate::session::event::wall_ms;

/// The `schema` value of the JSON export.
pub const JSON_SCHEMA: &str = "convene-session-export/1";

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
    /// The expected record it is for (format 2), with its label from the protocol.
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<JsonRecord>,
}

/// The expected record a note or commitment is for: its id and label in the protocol.
#[derive(Serialize)]
struct JsonRecord {
    id: String,
    label: Option<String>,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<JsonRecord>,
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

/// One stage run in the JSON export.
fn json_stage(r: &crate::review::detail::StageRow<'_>, names: &Names) -> JsonStage {
    JsonStage {
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
    }
}

/// One commitment in the JSON export, with its follow-ups.
fn json_commitment(
    sess: &Session,
    c: &crate::session::state::Commitment,
    names: &Names,
) -> JsonCommitment {
    JsonCommitment {
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
        record: json_record(sess, c.pos, c.record.as_deref()),
    }
}

/// The normalised JSON export (pretty-printed, ending in a newline). Positions and rounds count
/// from 1; times are milliseconds; see `docs/review.md` for the schema.
pub fn json(sess: &Session, redact: bool) -> Result<String, ReviewError> {
    let names = names_for(sess, redact);
    let s = &sess.state;
    let d = &sess.digest;
    let stages = sess.timeline().into_iter().map(|r| json_stage(&r, &names)).collect();
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
            record: json_record(sess, n.pos, n.record.as_deref()),
        })
        .collect();
    let commitments = s.commitments.iter().map(|c| json_commitment(sess, c, &names)).collect();
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

/// The record a note or commitment names, with its label when the protocol has it.
fn json_record(sess: &Session, pos: usize, record: Option<&str>) -> Option<JsonRecord> {
    record.map(|id| JsonRecord { id: id.to_string(), label: sess.record_label(pos, Some(id)) })
}
