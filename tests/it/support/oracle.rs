//! The review's answers worked out again in memory, from whole digests: what the tests compare
//! the index's queries with. They hold every session at once, so they live here, not in the
//! library, which asks the index ([`convene::review::Index`]) for all of them.
//!
//! - [`scan`]: every session of a data folder with its whole digest, newest first;
//! - [`resolve`]: a session by id or unique prefix, among those;
//! - [`report`]: planned against actual, per protocol and stage (the figures are those of
//!   [`convene::review::report`]; each stage's are computed by the library's [`StageAcc`]);
//! - [`update_index`], [`actions`]: follow-ups and commitments across sessions.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::NaiveDate;
use convene::review::actions::{Action, ActionFilter, UpdateRef, is_open, resolve_due};
use convene::review::filter::name_matches;
use convene::review::report::{
    Figures, ProtocolStats, Report, StageAcc, StopAcc, sort_protocols, sort_stages,
};
use convene::review::{Digest, Entry, Index, Query, ReviewError, Scan};

/// Every session under `<data>/sessions` (each listed once, whatever copies of its log there
/// are), with its whole digest, through the index (brought up to date first).
pub fn scan(data: &Path) -> Result<Scan, ReviewError> {
    let index = Index::open(data)?;
    let entries = index.entries(&Query::default())?;
    Ok(Scan { sessions_dir: index.sessions_dir().to_path_buf(), entries, read: index.read })
}

/// The digests of the readable sessions of a scan, newest first.
pub fn digests(scan: &Scan) -> impl Iterator<Item = &Digest> + Clone {
    scan.entries.iter().filter_map(Entry::ok)
}

/// Finds the entry for a session id or a unique prefix of one, with the errors
/// [`Index::resolve`] gives.
pub fn resolve<'a>(scan: &'a Scan, id: &str) -> Result<&'a Entry, ReviewError> {
    let id = id.trim().trim_end_matches(".jsonl");
    if let Some(e) = scan.entries.iter().find(|e| e.id == id) {
        return Ok(e);
    }
    let matches: Vec<&Entry> = if id.is_empty() {
        Vec::new()
    } else {
        scan.entries.iter().filter(|e| e.id.starts_with(id)).collect()
    };
    match matches.as_slice() {
        [one] => Ok(one),
        [] => {
            if scan.entries.is_empty() {
                return Err(ReviewError::NoSessions {
                    id: id.to_string(),
                    folder: scan.sessions_dir.clone(),
                });
            }
            let mut near: Vec<(usize, &str)> = scan
                .entries
                .iter()
                .map(|e| (strsim::damerau_levenshtein(id, &e.id), e.id.as_str()))
                .collect();
            near.sort_unstable();
            let closest = near.iter().take(3).map(|(_, i)| (*i).to_string()).collect();
            Err(ReviewError::UnknownSession { id: id.to_string(), closest })
        }
        many => {
            let matches = many.iter().take(8).map(|e| e.id.clone()).collect();
            Err(ReviewError::Ambiguous { id: id.to_string(), matches, count: many.len() })
        }
    }
}

/// The report over these sessions (already filtered).
pub fn report<'a>(digests: impl IntoIterator<Item = &'a Digest>) -> Report {
    // protocol id -> (latest name, latest start, sessions, stage id -> its runs, hard stops)
    type Acc = (String, i64, usize, BTreeMap<String, StageAcc>, StopAcc);
    let mut by: BTreeMap<String, Acc> = BTreeMap::new();
    let mut sessions = 0;
    let mut left_out = 0;
    for d in digests {
        sessions += 1;
        let t = d.start.timestamp_millis();
        let entry = by.entry(d.protocol_id.clone()).or_insert_with(|| {
            (d.protocol_name.clone(), t, 0, BTreeMap::new(), StopAcc::default())
        });
        if t >= entry.1 {
            entry.0.clone_from(&d.protocol_name);
            entry.1 = t;
        }
        entry.2 += 1;
        // A session that ended, with a hard stop: how far past it, if at all.
        if let (Some(stop), Some(end)) = (d.hard_stop, d.end) {
            entry.4.add(stop.timestamp_millis(), end.timestamp_millis());
        }
        for r in &d.runs {
            if !r.finished {
                left_out += 1;
                continue;
            }
            let acc =
                entry.3.entry(r.stage.clone()).or_insert_with(|| StageAcc::new(&r.stage, r.pos));
            acc.name_at(&r.name, t);
            acc.add(&Figures {
                pos: r.pos,
                planned_ms: r.planned_ms,
                actual_ms: r.actual_ms,
                extensions: r.extensions as usize,
                extended_ms: r.extended_ms,
                refusals: r.refusals as usize,
                shortenings: r.shortenings as usize,
                shortened_ms: r.shortened_ms,
                skipped: r.skipped(),
            });
        }
    }
    let mut protocols: Vec<ProtocolStats> = by
        .into_iter()
        .map(|(id, (name, _, sessions, stages, stops))| {
            let mut stages: Vec<_> = stages.into_values().map(StageAcc::finish).collect();
            sort_stages(&mut stages);
            let mut p = ProtocolStats { id, name, sessions, stages, ..Default::default() };
            p.set_stops(stops.finish());
            p
        })
        .collect();
    sort_protocols(&mut protocols);
    Report { sessions, runs_left_out: left_out, protocols }
}

/// Follow-ups keyed by (the session that made the commitment, its id), in the order of
/// [`convene::review::actions`]'s rules.
pub type UpdateIndex = HashMap<(String, String), Vec<UpdateRef>>;

pub fn update_index<'a>(digests: impl IntoIterator<Item = &'a Digest>) -> UpdateIndex {
    let mut out: UpdateIndex = HashMap::new();
    for d in digests {
        for u in &d.updates {
            let made_in = u.session.clone().unwrap_or_else(|| d.id.clone());
            out.entry((made_in, u.id.clone())).or_default().push(UpdateRef {
                session: d.id.clone(),
                status: u.status,
                note: u.note.clone(),
                at: u.wall,
                seq: d.sequence,
            });
        }
    }
    for v in out.values_mut() {
        v.sort_by(|a, b| (a.seq, a.at).cmp(&(b.seq, b.at)).then_with(|| a.session.cmp(&b.session)));
    }
    out
}

/// Every commitment across these sessions that passes the filter, oldest first.
pub fn actions<'a>(
    digests: impl IntoIterator<Item = &'a Digest> + Clone,
    filter: &ActionFilter,
    today: NaiveDate,
) -> Vec<Action> {
    let index = update_index(digests.clone());
    let mut out = Vec::new();
    for d in digests {
        if let Some(g) = &filter.group
            && d.group
                .as_deref()
                .is_none_or(|dg| dg.trim().to_lowercase() != g.trim().to_lowercase())
        {
            continue;
        }
        for c in &d.commitments {
            if let Some(p) = &filter.person
                && !name_matches(&c.owner, p)
            {
                continue;
            }
            let history = index.get(&(d.id.clone(), c.id.clone())).cloned().unwrap_or_default();
            let open = is_open(&history);
            let due_date = c.due.as_deref().and_then(|t| resolve_due(t, c.made.date_naive()));
            let overdue = open && due_date.is_some_and(|dd| dd < today);
            if (filter.open && !open) || (filter.overdue && !overdue) {
                continue;
            }
            out.push(Action {
                session: d.id.clone(),
                id: c.id.clone(),
                protocol: d.protocol_name.clone(),
                group: d.group.clone(),
                owner: c.owner.clone(),
                text: c.text.clone(),
                due: c.due.clone(),
                due_date,
                made: c.made,
                status: if open { "open" } else { "done" },
                latest: history.last().map(|u| u.status),
                overdue,
                history,
            });
        }
    }
    out.sort_by(|a, b| {
        a.made
            .cmp(&b.made)
            .then_with(|| a.session.cmp(&b.session))
            .then_with(|| id_order(&a.id, &b.id))
    });
    out
}

/// `c2` before `c10`.
fn id_order(a: &str, b: &str) -> std::cmp::Ordering {
    let num = |s: &str| s.trim_start_matches(|c: char| !c.is_ascii_digit()).parse::<u64>().ok();
    num(a).cmp(&num(b)).then_with(|| a.cmp(b))
}
