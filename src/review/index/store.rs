//! Writing one log's digest into the index, and deleting it.

use rusqlite::{Transaction, params};

use super::super::copies::{is_own_name, name_id};
use super::super::digest::{Digest, SessionStatus, leave_key};
use super::super::fmt;

/// A log file as seen on disk.
#[derive(Debug, Clone)]
pub struct Seen {
    pub name: String,
    pub size: i64,
    pub mtime_ns: i64,
    pub ino: i64,
}

/// A log file read: its digest, or why it could not be read.
pub struct Parsed {
    pub seen: Seen,
    pub digest: Result<Digest, String>,
}

fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A time as the logs write it: RFC 3339 with milliseconds and the offset.
pub fn wall_text(t: &chrono::DateTime<chrono::FixedOffset>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
}

/// What the browser's typed filter searches: date, protocol, group, names, status and id.
pub fn haystack(id: &str, d: Option<&Digest>) -> String {
    match d {
        None => format!("{id} unreadable").to_lowercase(),
        Some(d) => format!(
            "{} {} {} {} {} {} {} {}",
            fmt::date_time(&d.start),
            d.protocol_id,
            d.protocol_name,
            d.group.as_deref().unwrap_or_default(),
            d.participants.join(" "),
            d.facilitator.as_deref().unwrap_or_default(),
            d.status.label(),
            id
        )
        .to_lowercase(),
    }
}

/// Lowercased and trimmed, as the filters compare.
pub fn fold(text: &str) -> String {
    text.trim().to_lowercase()
}

/// The number in a commitment id (`c10` → 10), for ordering `c2` before `c10`.
pub fn id_number(id: &str) -> Option<i64> {
    id.trim_start_matches(|c: char| !c.is_ascii_digit()).parse::<i64>().ok()
}

/// Removes a file's rows; returns the session it stood for, if it was known.
pub fn delete_name(tx: &Transaction<'_>, name: &str) -> rusqlite::Result<Option<String>> {
    let found: Option<(i64, String)> = {
        let mut st = tx.prepare_cached("SELECT fid, key FROM files WHERE name = ?1")?;
        let mut rows = st.query([name])?;
        match rows.next()? {
            Some(r) => Some((r.get(0)?, r.get(1)?)),
            None => None,
        }
    };
    let Some((fid, key)) = found else { return Ok(None) };
    for sql in [
        "DELETE FROM people WHERE fid = ?1",
        "DELETE FROM runs WHERE fid = ?1",
        "DELETE FROM commitments WHERE fid = ?1",
        "DELETE FROM updates WHERE fid = ?1",
        "DELETE FROM files WHERE fid = ?1",
    ] {
        tx.prepare_cached(sql)?.execute([fid])?;
    }
    Ok(Some(key))
}

/// Writes a file's rows (replacing any it had); returns the session it stands for.
pub fn insert(tx: &Transaction<'_>, p: &Parsed) -> rusqlite::Result<String> {
    let s = &p.seen;
    let d = p.digest.as_ref().ok();
    let key = d.map_or_else(|| name_id(&s.name).to_string(), |d| d.id.clone());
    let sort_ms = d.map_or_else(
        || super::super::id_time(&key).unwrap_or(i64::MIN),
        |d| d.start.timestamp_millis(),
    );
    let status = d.map(|d| d.status);
    let live = status.is_none_or(|st| st == SessionStatus::Unfinished);
    let participants = d.map(|d| serde_json::to_string(&d.participants).unwrap_or_default());
    let problems = d.map(|d| serde_json::to_string(&d.problems).unwrap_or_default());
    tx.prepare_cached(
        "INSERT INTO files(name, size, mtime_ns, ino, key, readable, live, events, ended,
            problem_count, own_name, error, sort_ms, haystack, created, start, end_at, day,
            protocol_id, protocol_key, protocol_name, group_name, group_key, facilitator,
            participants, status, planned_ms, actual_ms, overrun_ms, notes, private_notes,
            commitment_count, problems)
         VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
            ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33)",
    )?
    .execute(params![
        s.name,
        s.size,
        s.mtime_ns,
        s.ino,
        key,
        d.is_some(),
        live,
        d.map_or(0, |d| count(d.events)),
        status.is_some_and(|st| st != SessionStatus::Unfinished),
        d.map_or(0, |d| count(d.problems.len())),
        is_own_name(&s.name, &key),
        p.digest.as_ref().err(),
        sort_ms,
        haystack(&key, d),
        d.map(|d| wall_text(&d.created)),
        d.map(|d| wall_text(&d.start)),
        d.and_then(|d| d.end.as_ref().map(wall_text)),
        d.map(|d| d.date().to_string()),
        d.map(|d| d.protocol_id.clone()),
        d.map(|d| fold(&d.protocol_id)),
        d.map(|d| d.protocol_name.clone()),
        d.and_then(|d| d.group.clone()),
        d.and_then(|d| d.group.as_deref().map(fold)),
        d.and_then(|d| d.facilitator.clone()),
        participants,
        status.map(SessionStatus::key),
        d.map(|d| int(d.planned_ms)),
        d.map(|d| int(d.actual_ms)),
        d.map(|d| int(d.overrun_ms)),
        d.map(|d| count(d.notes)),
        d.map(|d| count(d.private_notes)),
        d.map(|d| count(d.commitments.len())),
        problems,
    ])?;
    let fid = tx.last_insert_rowid();
    let Some(d) = d else { return Ok(key) };
    {
        let mut st = tx.prepare_cached("INSERT OR IGNORE INTO people(word, fid) VALUES(?1, ?2)")?;
        for name in d.participants.iter().chain(&d.facilitator) {
            let whole = fold(name);
            for w in whole.split_whitespace() {
                st.execute(params![w, fid])?;
            }
            st.execute(params![whole, fid])?;
        }
    }
    {
        let mut st = tx.prepare_cached(
            "INSERT OR REPLACE INTO runs(fid, pos, protocol_id, stage, name, round, planned_ms,
                actual_ms, extended_ms, extensions, refusals, pauses, paused_ms, shortenings,
                shortened_ms, left_how, without_record, expects, finished)
             VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                ?18, ?19)",
        )?;
        for r in &d.runs {
            st.execute(params![
                fid,
                count(r.pos),
                d.protocol_id,
                r.stage,
                r.name,
                r.round.map(count),
                int(r.planned_ms),
                int(r.actual_ms),
                int(r.extended_ms),
                r.extensions,
                r.refusals,
                r.pauses,
                int(r.paused_ms),
                r.shortenings,
                int(r.shortened_ms),
                r.left.map(leave_key),
                r.without_record,
                r.expects,
                r.finished,
            ])?;
        }
    }
    {
        let mut st = tx.prepare_cached(
            "INSERT OR REPLACE INTO commitments(fid, seq, session, cid, cnum, owner, text, due,
                made, made_ms)
             VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        for (seq, c) in d.commitments.iter().enumerate() {
            st.execute(params![
                fid,
                count(seq),
                d.id,
                c.id,
                id_number(&c.id),
                c.owner,
                c.text,
                c.due,
                wall_text(&c.made),
                c.made.timestamp_millis(),
            ])?;
        }
    }
    {
        let mut st = tx.prepare_cached(
            "INSERT INTO updates(fid, seq, made_in, cid, about, recorded_in, status, note, wall,
                wall_ms)
             VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        for (seq, u) in d.updates.iter().enumerate() {
            st.execute(params![
                fid,
                count(seq),
                u.session.as_deref().unwrap_or(&d.id),
                u.id,
                u.session,
                d.id,
                status_key(u.status),
                u.note,
                wall_text(&u.wall),
                u.wall.timestamp_millis(),
            ])?;
        }
    }
    Ok(key)
}

/// A follow-up status as the logs write it (`done`, `partly`, `not-yet`, `carried-forward`).
pub fn status_key(s: crate::session::CommitmentStatus) -> &'static str {
    use crate::session::CommitmentStatus as C;
    match s {
        C::Done => "done",
        C::Partly => "partly",
        C::NotYet => "not-yet",
        C::CarriedForward => "carried-forward",
    }
}

/// The status a [`status_key`] stands for.
pub fn status_from_key(key: &str) -> Option<crate::session::CommitmentStatus> {
    use crate::session::CommitmentStatus as C;
    Some(match key {
        "done" => C::Done,
        "partly" => C::Partly,
        "not-yet" => C::NotYet,
        "carried-forward" => C::CarriedForward,
        _ => return None,
    })
}

/// Chooses the shown copy of each session in the temporary table `touched(key)`.
pub fn choose_shown(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE files SET shown = (fid = (
            SELECT c.fid FROM files c WHERE c.key = files.key
            ORDER BY c.readable DESC, c.events DESC, c.ended DESC, c.problem_count ASC,
                     c.own_name DESC, c.name ASC
            LIMIT 1))
         WHERE key IN (SELECT key FROM touched)",
        [],
    )?;
    tx.execute("DELETE FROM touched", [])?;
    Ok(())
}
