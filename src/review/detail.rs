//! One session in detail: the log replayed, its timeline, and `convene logs show` as text.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::actions::{UpdateRef, resolve_due};
use super::digest::{Digest, Shortening, StageLog};
use super::index::Index;
use super::{ReviewError, fmt};
use crate::log::reader::{SessionLog, read_log};
use crate::session::state::{Extension, Gap, Refusal, SessionState, Sharing};
use crate::session::{GapCause, Leave, ShareListen, display, replay};
use crate::text::{sanitize, sanitize_multiline};

/// A session read from its log, with the follow-ups other sessions recorded about it.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub path: PathBuf,
    pub state: SessionState,
    pub digest: Digest,
    /// How stages were left and the shortenings (the state does not keep them).
    pub stage_log: StageLog,
    /// Lines of the log that could not be read: (line number, problem).
    pub problems: Vec<(usize, String)>,
    /// Follow-ups of this session's commitments (here or in later sessions), by commitment id.
    pub follow_ups: HashMap<String, Vec<UpdateRef>>,
}

/// One position of the running order, run or not.
#[derive(Debug, Clone)]
pub(crate) struct StageRow<'a> {
    pub pos: usize,
    pub stage: String,
    pub name: String,
    pub round: Option<usize>,
    pub planned_ms: u64,
    /// `None`: the stage was never entered.
    pub actual_ms: Option<u64>,
    pub extensions: Vec<&'a Extension>,
    pub shortenings: Vec<&'a Shortening>,
    pub refusals: Vec<&'a Refusal>,
    pub gaps: Vec<&'a Gap>,
    pub pauses: u32,
    pub paused_ms: u64,
    /// The stage an unfinished log stopped in.
    pub in_progress: bool,
    /// How it was last left (`None`: not run, or the log stopped in it).
    pub left: Option<Leave>,
    /// Left without the record it expects: that record's label (`The presenter's next step`).
    pub left_without: Option<String>,
}

impl StageRow<'_> {
    pub(crate) fn overrun_ms(&self) -> u64 {
        self.actual_ms.unwrap_or(0).saturating_sub(self.planned_ms)
    }

    pub(crate) fn extended_ms(&self) -> u64 {
        self.extensions.iter().map(|e| e.by_ms).sum()
    }

    pub(crate) fn shortened_ms(&self) -> u64 {
        self.shortenings.iter().map(|x| x.by_ms).sum()
    }

    /// Extensions minus shortenings, in milliseconds.
    pub(crate) fn net_change_ms(&self) -> i64 {
        i64::try_from(self.extended_ms()).unwrap_or(i64::MAX)
            - i64::try_from(self.shortened_ms()).unwrap_or(i64::MAX)
    }

    pub(crate) fn skipped(&self) -> bool {
        self.left == Some(Leave::Skip)
    }
}

impl Session {
    /// Replays a log, with the follow-ups of its commitments (by commitment id) as the index
    /// knows them ([`super::index::Index::follow_ups`]).
    pub(crate) fn with_follow_ups(
        path: PathBuf,
        log: &SessionLog,
        mut follow_ups: HashMap<String, Vec<UpdateRef>>,
    ) -> Self {
        let digest = Digest::of_log(log);
        let stage_log = StageLog::of(&log.events);
        let state = replay(log.header.setup.clone(), &log.events);
        let id = log.header.session.clone();
        follow_ups.retain(|c, _| state.commitments.iter().any(|x| &x.id == c));
        Self { id, path, state, digest, stage_log, problems: log.problems.clone(), follow_ups }
    }

    /// Every position of the running order with what happened in it.
    pub(crate) fn timeline(&self) -> Vec<StageRow<'_>> {
        let s = &self.state;
        let ran: HashMap<usize, &super::RunDigest> =
            self.digest.runs.iter().map(|r| (r.pos, r)).collect();
        s.stages
            .iter()
            .enumerate()
            .map(|(pos, r)| {
                let c = &s.clocks[pos];
                let run = ran.get(&pos);
                StageRow {
                    pos,
                    stage: r.id.clone(),
                    name: s
                        .spec(pos)
                        .map_or_else(|| r.id.clone(), crate::protocol::StageSpec::title),
                    round: r.round,
                    planned_ms: c.planned_ms,
                    actual_ms: run.map(|r| r.actual_ms),
                    extensions: s.extensions.iter().filter(|e| e.pos == pos).collect(),
                    shortenings: self
                        .stage_log
                        .shortenings
                        .iter()
                        .filter(|x| x.pos == pos)
                        .collect(),
                    refusals: s.refusals.iter().filter(|e| e.pos == pos).collect(),
                    gaps: s.gaps.iter().filter(|g| g.pos == pos && run.is_some()).collect(),
                    pauses: c.pauses,
                    paused_ms: run.map_or(0, |r| r.paused_ms),
                    in_progress: run.is_some_and(|r| !r.finished),
                    left: run.and_then(|r| r.left),
                    left_without: run.filter(|r| r.without_record).map(|_| {
                        // The records still missing (format 2: several), else all it expects.
                        let missing: Vec<String> =
                            s.missing_records(pos).into_iter().map(|r| r.label).collect();
                        let all: Vec<String> = s
                            .spec(pos)
                            .map(|sp| {
                                crate::protocol::Protocol::expected_records(sp)
                                    .map(|x| x.label.clone())
                                    .collect()
                            })
                            .unwrap_or_default();
                        match (missing.is_empty(), all.is_empty()) {
                            (false, _) => missing.join("; "),
                            (true, false) => all.join("; "),
                            (true, true) => "its expected record".into(),
                        }
                    }),
                }
            })
            .collect()
    }

    /// Rounds with who held which role: `rounds[r][group] = [(name, role name)]`.
    pub(crate) fn roles(&self) -> Vec<Vec<Vec<(String, String)>>> {
        let p = &self.state.setup.protocol;
        (0..self.state.rounds)
            .map(|r| {
                display::roles_in_round(&self.state, r)
                    .into_iter()
                    .map(|g| g.into_iter().map(|(n, role)| (n, p.role_name(&role))).collect())
                    .collect()
            })
            .collect()
    }

    pub(crate) fn history(&self, commitment: &str) -> &[UpdateRef] {
        self.follow_ups.get(commitment).map_or(&[], Vec::as_slice)
    }

    /// Stage label with round: `Discussion (round 2)`.
    /// The label (from the protocol in the log's header) of the expected record a note or
    /// commitment names, if it names one the protocol has: "Challenges, with their 'because'".
    pub(crate) fn record_label(&self, pos: usize, record: Option<&str>) -> Option<String> {
        let record = record?;
        let p = &self.state.setup.protocol;
        let here =
            self.state.spec(pos).into_iter().flat_map(crate::protocol::Protocol::expected_records);
        let anywhere =
            p.all_stages().flat_map(|(_, sp)| crate::protocol::Protocol::expected_records(sp));
        here.chain(anywhere).find(|x| x.id.as_deref() == Some(record)).map(|x| x.label.clone())
    }

    pub(crate) fn stage_label(&self, pos: usize) -> String {
        let s = &self.state;
        let name = s
            .spec(pos)
            .map_or_else(|| format!("stage {}", pos + 1), crate::protocol::StageSpec::title);
        match s.stages.get(pos).and_then(|r| r.round) {
            Some(r) if s.rounds > 1 => format!("{name} (round {})", r + 1),
            _ => name,
        }
    }
}

/// Reads one session by id or unique id prefix: its log, and what the index knows of later
/// follow-ups of its commitments. No other log is read.
pub fn load(data: &Path, id: &str) -> Result<Session, ReviewError> {
    let index = Index::open(data)?;
    index.map_for_few();
    load_from(&index, id)
}

/// [`load`] with an index already open.
pub(crate) fn load_from(index: &Index, id: &str) -> Result<Session, ReviewError> {
    let at = index.resolve(id)?;
    let log = read_log(&at.path).map_err(|e| ReviewError::Unreadable(e.to_string()))?;
    // Continued in two places: both branches, merged (each copy is read).
    let merged = index.fork_of(&at)?.and_then(|fork| {
        let copies: Vec<(String, SessionLog)> = fork
            .files
            .iter()
            .filter_map(|name| read_log(&index.log_path(name)).ok().map(|l| (name.clone(), l)))
            .collect();
        super::copies::merge(&copies)
    });
    let follow_ups = index.follow_ups(&log.header.session)?;
    Ok(match merged {
        Some((log, fork)) => {
            let mut sess = Session::with_follow_ups(at.path, &log, follow_ups);
            sess.digest.fork = Some(fork);
            sess
        }
        None => Session::with_follow_ups(at.path, &log, follow_ups),
    })
}

fn agreement_text(e: &Extension) -> String {
    e.agreement
        .as_ref()
        .map_or_else(|| "no agreement needed".to_string(), |a| sanitize(&a.describe()))
}

fn gap_text(g: &Gap) -> String {
    let cause = match g.cause {
        GapCause::Suspend => "the computer slept",
        GapCause::Restart => "convene was not running",
    };
    format!("gap of {} ({cause})", fmt::dur(g.gap_ms))
}

/// "Shared with the room 09:02–09:40 on port 7341, first names": one time the session was shared.
fn share_text(sh: &Sharing) -> String {
    let when = match sh.until {
        Some(u) => format!("{}–{}", sh.since.format("%H:%M"), u.format("%H:%M")),
        None => format!("from {} (the log stops before it stopped)", sh.since.format("%H:%M")),
    };
    let names = match sh.names.as_str() {
        "full" => "full names".to_string(),
        "first" => "first names".to_string(),
        "initials" => "initials".to_string(),
        "none" => "no names".to_string(),
        other => format!("names: {}", sanitize(other)),
    };
    let listen = match sh.listen {
        ShareListen::Private => String::new(),
        ShareListen::Named => format!(", on {}", sh.listen.describe()),
    };
    format!("Shared with the room {when} on port {}, {names}{listen}", sh.port)
}

/// `convene logs show` as text.
///
/// ```text
/// Session 20261116-090000-000
/// Project tuning (project-tuning) · group Year 9 team · completed
/// Started …, ended …
/// Shared with the room 09:02–09:40 on port 7341, first names
/// Facilitator / Participants
/// Planned 24:00 · actual 27:30 · over the plan 4:10
///
/// Timeline                         planned  actual  over   (= used, . unused plan, ! over plan)
///  1  Presenter                       4:00    4:30  +0:30  ==========!!
///     extended +1:00 at 09:03, group agreed
/// Roles · Carried from the last session · Notes · Private notes · Commitments · Follow-ups made
/// here · Problems
/// ```
pub fn show(sess: &Session) -> String {
    let s = &sess.state;
    let d = &sess.digest;
    let p = &s.setup.protocol;
    let mut out = String::new();
    let _ = writeln!(out, "Session {}", sanitize(&sess.id));
    let group = d.group.as_deref().map(|g| format!(" · group {}", sanitize(g))).unwrap_or_default();
    let _ =
        writeln!(out, "{} ({}){group} · {}", sanitize(&p.name), sanitize(&p.id), d.status.label());
    let end = match (d.end, d.status) {
        (Some(e), _) => format!(", ended {}", e.format("%H:%M")),
        (None, _) => s
            .last_wall
            .map(|w| format!(", last event {} (convene stopped before the end)", w.format("%H:%M")))
            .unwrap_or_default(),
    };
    let started = if s.started_wall.is_some() { "Started" } else { "Set up (never started)" };
    let _ = writeln!(out, "{started} {}{end}", fmt::long_date_time(&d.start));
    if let Some(fork) = &d.fork {
        let _ = writeln!(out, "Forked: {}", fork.describe());
    }
    for share in &s.shares {
        let _ = writeln!(out, "{}", share_text(share));
    }
    for missing in &s.ended_without {
        let _ = writeln!(out, "Ended without: {}", sanitize(missing));
    }
    if let Some(f) = &d.facilitator {
        let _ = writeln!(out, "Facilitator: {}", sanitize(f));
    }
    let people: Vec<String> = s.order.iter().map(|n| sanitize(n)).collect();
    let _ = writeln!(out, "Participants: {}", people.join(", "));
    if let Some(label) = crate::session::setup::session_label(&s.setup) {
        let _ = writeln!(out, "{label} of the course");
    }
    let over_stages = sess.timeline().iter().filter(|r| r.overrun_ms() >= 500).count();
    let _ = writeln!(
        out,
        "Planned {} · actual {} · over the plan {}{}",
        fmt::dur(d.planned_ms),
        fmt::dur(d.actual_ms),
        fmt::dur(d.overrun_ms),
        if over_stages > 0 {
            format!(" in {}", crate::text::plural(over_stages, "stage", "stages"))
        } else {
            String::new()
        }
    );

    markers_text(sess, &mut out);
    if let Some(line) = schedule_line(sess) {
        let _ = writeln!(out, "\n{line}");
    }
    timeline_text(sess, &mut out);
    roles_text(sess, &mut out);
    carried_notes_text(sess, &mut out);
    notes_text(sess, &mut out);
    commitments_text(sess, &mut out);

    if !sess.problems.is_empty() {
        let _ = writeln!(out, "\nProblems reading this log ({})", sess.path.display());
        for (line, what) in &sess.problems {
            let _ = writeln!(out, "  line {line}: {}", sanitize(what));
        }
    }
    out
}

/// Format 2: the session markers the session reached, each at its time on the session's elapsed
/// time ("Marker reached at 1:30:00: warning: 90 minutes: ...").
fn markers_text(sess: &Session, out: &mut String) {
    let s = &sess.state;
    let markers = &s.setup.protocol.markers;
    for ((m, done), at) in markers.iter().zip(&s.markers_done).zip(s.marker_points()) {
        if !done {
            continue;
        }
        let at = fmt::dur(at);
        let warn = if m.warn { "warning: " } else { "" };
        let _ = writeln!(out, "Marker reached at {at}: {warn}{}", sanitize(&m.message));
    }
}

/// The planned start and the hard stop, when the session had them, and how it ended against
/// them: "Planned start 08:15 (started 08:30, 15 min late) · hard stop 10:00 (ended 10:03,
/// 3 min past it) · rebalanced once".
fn schedule_line(sess: &Session) -> Option<String> {
    let s = &sess.state;
    // Whole minutes from `b` to `a`, rounded to the nearest.
    let minutes = |a: chrono::DateTime<chrono::FixedOffset>,
                   b: chrono::DateTime<chrono::FixedOffset>| {
        ((a - b).num_seconds() + 30).div_euclid(60)
    };
    let mut parts = Vec::new();
    if let Some(start) = s.setup.planned_start {
        let mut p = format!("Planned start {}", start.format("%H:%M"));
        if let Some(began) = s.started_wall {
            let late = minutes(began, start);
            let _ = write!(p, " (started {}", began.format("%H:%M"));
            if late >= 1 {
                let _ = write!(p, ", {late} min late");
            }
            p.push(')');
        }
        parts.push(p);
    }
    if let Some(stop) = s.setup.hard_stop {
        let mut p = format!("hard stop {}", stop.format("%H:%M"));
        if let Some(ended) = s.ended_wall {
            let past = minutes(ended, stop);
            let _ = write!(p, " (ended {}", ended.format("%H:%M"));
            if past >= 1 {
                let _ = write!(p, ", {past} min past it");
            }
            p.push(')');
        }
        parts.push(p);
    }
    if parts.is_empty() {
        return None;
    }
    match s.rebalances.len() {
        0 => {}
        1 => parts.push("rebalanced once".into()),
        n => parts.push(format!("rebalanced {n} times")),
    }
    let mut line = parts.join(" · ");
    if let Some(first) = line.get(..1) {
        line = first.to_uppercase() + &line[1..];
    }
    Some(line)
}

/// Under a stage: each time a rebalance changed its budget ("rebalanced 15:00 → 13:24 at 09:05,
/// to land on the 10:15 stop").
fn rebalanced_lines(sess: &Session, pos: usize, indent: &str, out: &mut String) {
    let stop = sess.state.setup.hard_stop.map(|t| t.format("%H:%M").to_string());
    for rb in &sess.state.rebalances {
        for b in rb.stages.iter().filter(|b| b.pos == pos) {
            let _ = writeln!(
                out,
                "{indent}rebalanced {} → {} at {}{}",
                fmt::dur(b.from_ms),
                fmt::dur(b.to_ms),
                rb.wall.format("%H:%M"),
                stop.as_ref().map_or_else(String::new, |t| format!(", to land on the {t} stop"))
            );
        }
    }
}

#[allow(clippy::too_many_lines)] // one kind of line after another, under each stage
fn timeline_text(sess: &Session, out: &mut String) {
    let rows = sess.timeline();
    let scale = rows.iter().map(|r| r.planned_ms.max(r.actual_ms.unwrap_or(0))).max().unwrap_or(0);
    let labels: Vec<String> = rows.iter().map(|r| sanitize(&sess.stage_label(r.pos))).collect();
    let w = labels.iter().map(|l| crate::text::width(l)).max().unwrap_or(5).clamp(5, 48);
    let _ = writeln!(
        out,
        "\nTimeline\n  {:>2}  {:<w$}  {:>7}  {:>7}  {:>6}  (= used, . unused plan, ! over the plan)",
        "#", "Stage", "planned", "actual", "over"
    );
    for (r, label) in rows.iter().zip(&labels) {
        // Padded by the columns the terminal gives it (CJK takes two), not by characters.
        let label = crate::text::pad(label, w);
        match r.actual_ms {
            None => {
                let _ = writeln!(
                    out,
                    "  {:>2}  {label}  {:>7}  {:>7}",
                    r.pos + 1,
                    fmt::dur(r.planned_ms),
                    "not run"
                );
            }
            Some(a) => {
                let mark = if r.in_progress {
                    "  (stopped here)"
                } else if r.skipped() {
                    "  (skipped)"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "  {:>2}  {label}  {:>7}  {:>7}  {:>6}  {}{mark}",
                    r.pos + 1,
                    fmt::dur(r.planned_ms),
                    fmt::dur(a),
                    fmt::over(r.overrun_ms()),
                    fmt::bar(r.planned_ms, a, scale, 24)
                );
            }
        }
        let indent = " ".repeat(6);
        for e in &r.extensions {
            let _ = writeln!(
                out,
                "{indent}extended +{} at {}, {}",
                fmt::dur(e.by_ms),
                e.wall.format("%H:%M"),
                agreement_text(e)
            );
        }
        rebalanced_lines(sess, r.pos, &indent, out);
        for x in &r.shortenings {
            let _ = writeln!(
                out,
                "{indent}shortened -{} at {}",
                fmt::dur(x.by_ms),
                x.wall.format("%H:%M")
            );
        }
        if !r.shortenings.is_empty() {
            let _ = writeln!(
                out,
                "{indent}budget {} net ({} extended, {} shortened)",
                fmt::signed(r.net_change_ms()),
                fmt::dur(r.extended_ms()),
                fmt::dur(r.shortened_ms())
            );
        }
        if let Some(label) = &r.left_without {
            let _ = writeln!(out, "{indent}left without: {}", sanitize(label));
        }
        for x in &r.refusals {
            let _ = writeln!(
                out,
                "{indent}extension of +{} refused at {}: {}",
                fmt::dur(x.by_ms),
                x.wall.format("%H:%M"),
                sanitize(&x.reason)
            );
        }
        if r.pauses > 0 {
            let _ = writeln!(
                out,
                "{indent}paused {} ({} in all)",
                fmt::times(r.pauses),
                fmt::dur(r.paused_ms)
            );
        }
        for g in &r.gaps {
            let _ = writeln!(out, "{indent}{} at {}", gap_text(g), g.wall.format("%H:%M"));
        }
    }
    let unplaced: Vec<&Gap> = sess
        .state
        .gaps
        .iter()
        .filter(|g| !rows.iter().any(|r| r.gaps.iter().any(|x| std::ptr::eq(*x, *g))))
        .collect();
    for g in unplaced {
        let _ = writeln!(out, "  {} at {}, between stages", gap_text(g), g.wall.format("%H:%M"));
    }
}

fn roles_text(sess: &Session, out: &mut String) {
    let rounds = sess.roles();
    if rounds.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nRoles");
    for (r, groups) in rounds.iter().enumerate() {
        for (g, members) in groups.iter().enumerate() {
            let who: Vec<String> = members
                .iter()
                .map(|(n, role)| format!("{} ({})", sanitize(n), sanitize(role)))
                .collect();
            let label = if groups.len() > 1 {
                format!("Round {}, group {}", r + 1, g + 1)
            } else {
                format!("Round {}", r + 1)
            };
            let _ = writeln!(out, "  {label}: {}", who.join(", "));
        }
    }
}

fn note_line(sess: &Session, n: &crate::session::state::Note) -> String {
    let about = n.about.as_deref().map(|a| format!(" about {}", sanitize(a))).unwrap_or_default();
    let record = sess
        .record_label(n.pos, n.record.as_deref())
        .map(|l| format!(", for {}", sanitize(&l)))
        .unwrap_or_default();
    let text = sanitize_multiline(&n.text).replace('\n', "\n      ");
    format!("  [{}{about}{record}] {text}", sanitize(&sess.stage_label(n.pos)))
}

/// The notes the session started with, carried from the group's previous session.
fn carried_notes_text(sess: &Session, out: &mut String) {
    let setup = &sess.state.setup;
    if setup.carried_notes.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nCarried from the group's last session");
    for n in &setup.carried_notes {
        let label = setup
            .protocol
            .all_stages()
            .flat_map(|(_, st)| crate::protocol::Protocol::expected_records(st))
            .find(|x| x.id.as_deref() == Some(n.record.as_str()))
            .map_or_else(|| n.record.clone(), |x| x.label.clone());
        let day = n
            .made
            .as_deref()
            .and_then(|m| chrono::DateTime::parse_from_rfc3339(m).ok())
            .map(|d| format!(", {}", fmt::long_date(d.date_naive())))
            .unwrap_or_default();
        let text = sanitize_multiline(&n.text).replace('\n', "\n      ");
        let _ =
            writeln!(out, "  [{}] {text} (from {}{day})", sanitize(&label), sanitize(&n.session));
    }
}

fn notes_text(sess: &Session, out: &mut String) {
    let notes = &sess.state.notes;
    let public: Vec<_> = notes.iter().filter(|n| !n.private).collect();
    let private: Vec<_> = notes.iter().filter(|n| n.private).collect();
    if !public.is_empty() {
        let _ = writeln!(out, "\nNotes");
        for n in public {
            let _ = writeln!(out, "{}", note_line(sess, n));
        }
    }
    if !private.is_empty() {
        let _ = writeln!(out, "\nPrivate notes (about colleagues: not for sharing)");
        for n in private {
            let _ = writeln!(out, "{}", note_line(sess, n));
        }
    }
}

fn commitments_text(sess: &Session, out: &mut String) {
    let s = &sess.state;
    if !s.commitments.is_empty() {
        let _ = writeln!(out, "\nCommitments");
        for c in &s.commitments {
            let due = match &c.due {
                Some(d) => match resolve_due(d, c.wall.date_naive()) {
                    Some(date) if date.to_string() == d.trim() => {
                        format!(", due {}", fmt::long_date(date))
                    }
                    Some(date) => format!(", due {} ({})", sanitize(d), fmt::long_date(date)),
                    None => format!(", due {}", sanitize(d)),
                },
                None => String::new(),
            };
            let _ = writeln!(
                out,
                "  {}  {}: {}{due}  [{}{}]",
                sanitize(&c.id),
                sanitize(&c.owner),
                sanitize(&c.text),
                sanitize(&sess.stage_label(c.pos)),
                sess.record_label(c.pos, c.record.as_deref())
                    .map(|l| format!(", for {}", sanitize(&l)))
                    .unwrap_or_default()
            );
            for u in sess.history(&c.id) {
                let note =
                    u.note.as_deref().map(|n| format!(": \"{}\"", sanitize(n))).unwrap_or_default();
                let place = if u.session == sess.id {
                    "this session".to_string()
                } else {
                    sanitize(&u.session)
                };
                let _ = writeln!(
                    out,
                    "      {} {}{note} ({place})",
                    fmt::long_date(u.at.date_naive()),
                    u.status.label()
                );
            }
        }
    }
    let earlier: Vec<_> = s.updates.iter().filter(|u| u.session.is_some()).collect();
    if !earlier.is_empty() {
        let _ = writeln!(out, "\nFollow-up of earlier commitments");
        for u in earlier {
            let sess_id = u.session.as_deref().unwrap_or_default();
            let what =
                s.setup.carried.iter().find(|c| c.session == sess_id && c.id == u.id).map_or_else(
                    || "(not in this log's list)".into(),
                    |c| format!("{}: {}", sanitize(&c.owner), sanitize(&c.text)),
                );
            let note =
                u.note.as_deref().map(|n| format!(": \"{}\"", sanitize(n))).unwrap_or_default();
            let _ = writeln!(
                out,
                "  {} {what} (from {}) → {}{note}",
                sanitize(&u.id),
                sanitize(sess_id),
                u.status.label()
            );
        }
    }
}
