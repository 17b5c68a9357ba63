//! Writing one log's digest into the index, and deleting it.

use rusqlite::{OptionalExtension, Transaction, params};

use super::super::copies::{is_own_name, name_id};
use super::super::digest::{Digest, SessionStatus};
use super::super::fmt;

/// A log file as seen on disk.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    /// Its path in the sessions folder (`2026-11/ID.jsonl`, or `ID.jsonl`): see [`super::split`].
    pub name: String,
    pub size: i64,
    pub mtime_ns: i64,
    pub ino: i64,
}

/// A log file read: its digest, or why it could not be read.
pub(crate) struct Parsed {
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
pub(crate) fn wall_text(t: &chrono::DateTime<chrono::FixedOffset>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
}

/// What the browser's typed filter searches of a readable session, besides its id.
pub(crate) struct Searched<'a> {
    pub start: chrono::DateTime<chrono::FixedOffset>,
    pub protocol_id: &'a str,
    pub protocol_name: &'a str,
    pub group: Option<&'a str>,
    pub participants: &'a [String],
    pub facilitator: Option<&'a str>,
    pub status: SessionStatus,
}

impl<'a> Searched<'a> {
    fn of(d: &'a Digest) -> Self {
        Self {
            start: d.start,
            protocol_id: &d.protocol_id,
            protocol_name: &d.protocol_name,
            group: d.group.as_deref(),
            participants: &d.participants,
            facilitator: d.facilitator.as_deref(),
            status: d.status,
        }
    }
}

/// The words of what the browser's typed filter searches in a session (`id`; `None`:
/// unreadable), each once, as `terms` keeps them: its date, protocol, group, names and status
/// (or `unreadable`), lowercased, cut at white space. A word typed is in the text if it is in
/// one of these or in the id. The id's own words are among them only if it is not ASCII: an
/// ASCII id is searched in `files_key` (`key LIKE`), as SQL lowercases ASCII alone.
pub(crate) fn search_terms(id: &str, s: Option<&Searched<'_>>) -> Vec<String> {
    let text = match s {
        None => "unreadable".to_string(),
        Some(s) => format!(
            "{} {} {} {} {} {} {}",
            fmt::date_time(&s.start),
            s.protocol_id,
            s.protocol_name,
            s.group.unwrap_or_default(),
            s.participants.join(" "),
            s.facilitator.unwrap_or_default(),
            s.status.label(),
        )
        .to_lowercase(),
    };
    let id = if id.is_ascii() { String::new() } else { id.to_lowercase() };
    let mut out: Vec<String> = Vec::new();
    for t in text.split_whitespace().chain(id.split_whitespace()) {
        if !out.iter().any(|k| k == t) {
            out.push(t.to_string());
        }
    }
    out
}

/// As the filters compare: trimmed, lowercased, NFC, invisible characters out (`text::name_key`).
pub(crate) fn fold(text: &str) -> String {
    crate::text::name_key(text)
}

/// An SQL expression over `files f`: the file's name as the index names it ([`super::split`]),
/// from its folder and its own name (`f.name`, NULL for its session's: `KEY.jsonl`).
macro_rules! name_sql {
    () => {
        "(CASE f.folder WHEN '' THEN '' ELSE f.folder || '/' END
            || coalesce(f.name, f.key || '.jsonl'))"
    };
}
pub(crate) use name_sql;

/// [`name_sql!`] as a constant.
pub(crate) const NAME_SQL: &str = name_sql!();

/// The `fid` of the file of a name ([`super::split`]), given as [`name_args`] gives it: the
/// one under its session's own name (among its session's few copies, by `files_key`), or under
/// a name of its own (at most one is there).
pub(crate) const FID_OF_NAME: &str =
    "SELECT fid FROM files INDEXED BY files_key WHERE key = ?2 AND folder = ?1 AND name IS NULL
     UNION ALL
     SELECT fid FROM files INDEXED BY files_folder WHERE folder = ?1 AND name = ?3";

/// A file's name as [`FID_OF_NAME`] looks it up: its folder, the session it would stand for if
/// named after it, and its own name.
pub(crate) fn name_args(name: &str) -> (&str, Option<&str>, &str) {
    let (folder, base) = super::split(name);
    (folder, base.strip_suffix(".jsonl"), base)
}

/// The `fid` of the file of a name, if the index holds it.
fn fid_of(tx: &Transaction<'_>, name: &str) -> rusqlite::Result<Option<i64>> {
    let (folder, own, base) = name_args(name);
    tx.prepare_cached(&format!("{FID_OF_NAME} LIMIT 1"))?
        .query_row(params![folder, own, base], |r| r.get("fid"))
        .optional()
}

/// The number in a commitment id (`c10` → 10), for ordering `c2` before `c10`.
pub(crate) fn id_number(id: &str) -> Option<i64> {
    id.trim_start_matches(|c: char| !c.is_ascii_digit()).parse::<i64>().ok()
}

/// The person filter's keys of a session, each once: every whole name and every word of one, of
/// the participants and the facilitator, lowercased (`Ann Lee` gives `ann lee`, `ann` and `lee`).
/// A name is matched by its key (see [`crate::review::filter::name_matches`]); a bar in a name is
/// dropped, as the filter drops it.
fn person_keys(participants: &[String], facilitator: Option<&str>) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for name in participants.iter().map(String::as_str).chain(facilitator) {
        let whole = fold(&name.replace('|', ""));
        for key in std::iter::once(whole.as_str()).chain(whole.split_whitespace()) {
            if !key.is_empty() && !keys.iter().any(|k| k == key) {
                keys.push(key.to_string());
            }
        }
    }
    keys
}

/// Removes a file's rows; returns the session it stood for, if it was known. The protocol of
/// a readable one is marked for the report to work out again ([`super::aggregates`]).
pub(crate) fn delete_name(tx: &Transaction<'_>, name: &str) -> rusqlite::Result<Option<String>> {
    let Some(fid) = fid_of(tx, name)? else { return Ok(None) };
    let (key, protocol, pnum, gid, shown): (String, Option<String>, Option<i64>, i64, bool) = tx
        .prepare_cached(
            "SELECT key, protocol_id, pnum, coalesce(gid, 0) AS gid, shown FROM files
             WHERE fid = ?1",
        )?
        .query_row([fid], |r| {
            Ok((
                r.get("key")?,
                r.get("protocol_id")?,
                r.get("pnum")?,
                r.get("gid")?,
                r.get("shown")?,
            ))
        })?;
    // Its person keys and search words, found from what its rows hold.
    let held = tx
        .prepare_cached(
            "SELECT f.readable, f.sort_ms, f.start_offset, f.protocol_id, f.status,
                (SELECT t.text FROM texts t WHERE t.tid = d.protocol_tid) AS protocol_name,
                (SELECT t.text FROM texts t WHERE t.tid = d.group_tid) AS group_name,
                (SELECT t.text FROM texts t WHERE t.tid = d.facilitator_tid) AS facilitator,
                d.participants
             FROM files f JOIN details d ON d.fid = f.fid WHERE f.fid = ?1",
        )?
        .query_row([fid], Held::of)
        .optional()?;
    if let Some(mut held) = held {
        let mut text_of = tx.prepare_cached("SELECT text FROM texts WHERE tid = ?1")?;
        for tid in std::mem::take(&mut held.participant_ids) {
            if let Some(name) = text_of.query_row([tid], |r| r.get("text")).optional()? {
                held.participants.push(name);
            }
        }
        let mut pid_of = tx.prepare_cached("SELECT pid FROM persons WHERE key = ?1")?;
        for k in person_keys(&held.participants, held.facilitator.as_deref()) {
            if let Some(pid) = pid_of.query_row([&k], |r| r.get("pid")).optional()? {
                super::postings::remove(tx, super::postings::PERSONS, pid, fid)?;
            }
        }
        let mut tid_of = tx.prepare_cached("SELECT tid FROM terms WHERE text = ?1")?;
        for t in search_terms(&key, held.searched().as_ref()) {
            if let Some(tid) = tid_of.query_row([&t], |r| r.get("tid")).optional()? {
                super::postings::remove(tx, super::postings::TERMS, tid, fid)?;
            }
        }
    }
    for sql in [
        "DELETE FROM details WHERE fid = ?1",
        "DELETE FROM stops WHERE fid = ?1",
        "DELETE FROM commitments WHERE fid = ?1",
        "DELETE FROM updates WHERE fid = ?1",
        "DELETE FROM files WHERE fid = ?1",
    ] {
        tx.prepare_cached(sql)?.execute([fid])?;
    }
    tx.prepare_cached("DELETE FROM unstarted WHERE gid = ?1 AND fid = ?2")?
        .execute(params![gid, fid])?;
    // The session has no shown copy until one is chosen again: its follow-ups go to group 0
    // meanwhile ([`choose_shown`] moves them to the group of the copy it shows).
    if shown && gid != 0 {
        move_follow_ups(tx, &key, gid, 0)?;
    }
    if let Some(pnum) = pnum {
        tx.prepare_cached("DELETE FROM runs WHERE pnum = ?1 AND fid = ?2")?
            .execute(params![pnum, fid])?;
    }
    if let Some(p) = protocol {
        super::aggregates::mark(tx, &p)?;
    }
    Ok(Some(key))
}

/// What a file's rows hold of its search text and names ([`search_terms`], [`person_keys`]).
struct Held {
    readable: bool,
    start: Option<chrono::DateTime<chrono::FixedOffset>>,
    protocol_id: String,
    status: Option<SessionStatus>,
    protocol_name: String,
    group: Option<String>,
    /// Read as numbers in `texts` (`details.participants`), then as names.
    participant_ids: Vec<i64>,
    participants: Vec<String>,
    facilitator: Option<String>,
}

impl Held {
    fn of(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        let ms: i64 = r.get("sort_ms")?;
        let offset: Option<i32> = r.get("start_offset")?;
        let start = offset.and_then(chrono::FixedOffset::east_opt).and_then(|zone| {
            chrono::DateTime::from_timestamp_millis(ms).map(|t| t.with_timezone(&zone))
        });
        let status: Option<i64> = r.get("status")?;
        let participants: Option<Vec<u8>> = r.get("participants")?;
        Ok(Self {
            readable: r.get("readable")?,
            start,
            protocol_id: r.get::<_, Option<String>>("protocol_id")?.unwrap_or_default(),
            status: status.and_then(status_of_number),
            protocol_name: r.get::<_, Option<String>>("protocol_name")?.unwrap_or_default(),
            group: r.get("group_name")?,
            participant_ids: participants
                .and_then(|p| super::pack::unpack_ids(&p).ok())
                .unwrap_or_default(),
            participants: Vec::new(),
            facilitator: r.get("facilitator")?,
        })
    }

    /// What the search text was made of (`None`: unreadable).
    fn searched(&self) -> Option<Searched<'_>> {
        if !self.readable {
            return None;
        }
        Some(Searched {
            start: self.start?,
            protocol_id: &self.protocol_id,
            protocol_name: &self.protocol_name,
            group: self.group.as_deref(),
            participants: &self.participants,
            facilitator: self.facilitator.as_deref(),
            status: self.status?,
        })
    }
}

/// The number of a group key (`groups`), added if new; 0 for no group.
fn group_id(tx: &Transaction<'_>, key: Option<&str>) -> rusqlite::Result<i64> {
    let Some(key) = key else { return Ok(0) };
    tx.prepare_cached("INSERT OR IGNORE INTO groups(key) VALUES(?1)")?.execute([key])?;
    tx.prepare_cached("SELECT gid FROM groups WHERE key = ?1")?.query_row([key], |r| r.get("gid"))
}

/// The number of a protocol id (`protocols`), added if new.
fn protocol_num(tx: &Transaction<'_>, id: &str) -> rusqlite::Result<i64> {
    tx.prepare_cached("INSERT OR IGNORE INTO protocols(id) VALUES(?1)")?.execute([id])?;
    tx.prepare_cached("SELECT pnum FROM protocols WHERE id = ?1")?
        .query_row([id], |r| r.get("pnum"))
}

/// The number of a text in `texts` (a name of `details`, an owner or a due date), added if new.
fn text_id(tx: &Transaction<'_>, text: &str) -> rusqlite::Result<i64> {
    let known: Option<i64> = tx
        .prepare_cached("SELECT tid FROM texts WHERE text = ?1")?
        .query_row([text], |r| r.get("tid"))
        .optional()?;
    if let Some(tid) = known {
        return Ok(tid);
    }
    tx.prepare_cached("INSERT INTO texts(text) VALUES(?1)")?.execute([text])?;
    Ok(tx.last_insert_rowid())
}

/// [`text_id`], through the cache of numbers already looked up.
fn known_text_id(tx: &Transaction<'_>, known: &mut StageIds, text: &str) -> rusqlite::Result<i64> {
    if let Some(tid) = known.texts.get(text) {
        return Ok(*tid);
    }
    let tid = text_id(tx, text)?;
    known.texts.insert(text.to_string(), tid);
    Ok(tid)
}

/// An SQL expression: the group of the shown copy of the session `session` (an SQL expression
/// too) (0: none, no group, or not in the index), the `made_gid` of the follow-ups of its
/// commitments.
pub(crate) fn shown_gid_sql(session: &str) -> String {
    format!(
        "coalesce((SELECT f.gid FROM files f WHERE f.key = {session} AND f.shown = 1 LIMIT 1),
            0)"
    )
}

fn shown_gid(tx: &Transaction<'_>, session: &str) -> rusqlite::Result<i64> {
    tx.prepare_cached(&format!("SELECT {} AS gid", shown_gid_sql("?1")))?
        .query_row([session], |r| r.get("gid"))
}

/// Moves the follow-ups of the commitments made in `session` from group `from` to group `to`
/// (`updates.made_gid`).
fn move_follow_ups(
    tx: &Transaction<'_>,
    session: &str,
    from: i64,
    to: i64,
) -> rusqlite::Result<()> {
    tx.prepare_cached("UPDATE updates SET made_gid = ?3 WHERE made_gid = ?2 AND made_in = ?1")?
        .execute(params![session, from, to])?;
    Ok(())
}

/// Numbers already in the index, a cache for writing: stage ids by (protocol, stage, name,
/// expected record), and numbers of `texts` (a first build looks up each session's names once
/// rather than with a query each). Kept only while the transaction that wrote them commits
/// (`update::store_batch`), and emptied with `texts` (`update::forget_all`).
#[derive(Default)]
pub(crate) struct StageIds {
    sids: std::collections::HashMap<(String, String, String, String), i64>,
    texts: std::collections::HashMap<String, i64>,
}

impl StageIds {
    pub(crate) fn new() -> Self {
        Self::default()
    }
}

/// The `sid` of a run's stage, added to `stages` if new.
fn stage_id(
    tx: &Transaction<'_>,
    known: &mut StageIds,
    protocol: &str,
    r: &super::super::digest::RunDigest,
) -> rusqlite::Result<i64> {
    let key = (
        protocol.to_string(),
        r.stage.clone(),
        r.name.clone(),
        r.expects.clone().unwrap_or_default(),
    );
    if let Some(sid) = known.sids.get(&key) {
        return Ok(*sid);
    }
    tx.prepare_cached(
        "INSERT OR IGNORE INTO stages(protocol_id, stage, name, expects) VALUES(?1, ?2, ?3, ?4)",
    )?
    .execute(params![key.0, key.1, key.2, key.3])?;
    let sid: i64 = tx
        .prepare_cached(
            "SELECT sid FROM stages WHERE protocol_id = ?1 AND stage = ?2 AND name = ?3
             AND expects = ?4",
        )?
        .query_row(params![key.0, key.1, key.2, key.3], |row| row.get("sid"))?;
    known.sids.insert(key, sid);
    Ok(sid)
}

/// Writes a file's rows (replacing any it had); returns the session it stands for.
// One session's rows, table by table in the schema's order: split, the statements would lose the
// order a reader checks them against.
#[allow(clippy::too_many_lines)]
pub(crate) fn insert(
    tx: &Transaction<'_>,
    stages: &mut StageIds,
    p: &Parsed,
) -> rusqlite::Result<String> {
    let s = &p.seen;
    let d = p.digest.as_ref().ok();
    let (folder, base) = super::split(&s.name);
    let key = d.map_or_else(|| name_id(base).to_string(), |d| d.id.clone());
    let sort_ms = d.map_or_else(
        || super::super::id_time(&key).unwrap_or(i64::MIN),
        |d| d.start.timestamp_millis(),
    );
    let status = d.map(|d| d.status);
    let live = status.is_none_or(|st| st == SessionStatus::Unfinished);
    let participants = match d {
        Some(d) => {
            let ids = d
                .participants
                .iter()
                .map(|n| known_text_id(tx, stages, n))
                .collect::<Result<Vec<_>, _>>()?;
            Some(super::pack::pack_ids(&ids))
        }
        None => None,
    };
    let problems = d
        .filter(|d| !d.problems.is_empty())
        .map(|d| serde_json::to_string(&d.problems).unwrap_or_default());
    let start_offset = d.map(|d| d.start.offset().local_minus_utc());
    let group_key = d.and_then(|d| d.group.as_deref().map(fold));
    let gid = group_id(tx, group_key.as_deref())?;
    let protocol_key =
        d.map(|d| fold(&d.protocol_id)).filter(|k| d.is_none_or(|d| *k != d.protocol_id));
    let pnum = d.map(|d| protocol_num(tx, &d.protocol_id)).transpose()?;
    tx.prepare_cached(
        "INSERT INTO files(name, size, mtime_ns, ino, key, readable, live, events, ended,
            problem_count, sort_ms, protocol_id, protocol_key, gid, status, folder, start_offset,
            pnum)
         VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
            ?18)",
    )?
    .execute(params![
        (!is_own_name(base, &key)).then_some(base),
        s.size,
        s.mtime_ns,
        s.ino,
        key,
        d.is_some(),
        live,
        d.map_or(0, |d| count(d.events)),
        status.is_some_and(|st| st != SessionStatus::Unfinished),
        d.map_or(0, |d| count(d.problems.len())),
        sort_ms,
        d.map(|d| d.protocol_id.clone()),
        protocol_key,
        (gid != 0).then_some(gid),
        status.map(status_number),
        folder,
        start_offset,
        pnum,
    ])?;
    let fid = tx.last_insert_rowid();
    let protocol_tid = d.map(|d| known_text_id(tx, stages, &d.protocol_name)).transpose()?;
    let group_tid =
        d.and_then(|d| d.group.as_deref()).map(|g| known_text_id(tx, stages, g)).transpose()?;
    let facilitator_tid = d
        .and_then(|d| d.facilitator.as_deref())
        .map(|f| known_text_id(tx, stages, f))
        .transpose()?;
    tx.prepare_cached(
        "INSERT INTO details(fid, error, created_rel_ms, created_offset, end_rel_ms, end_offset,
            protocol_tid, group_tid, facilitator_tid, participants, planned_ms, actual_ms,
            overrun_ms, notes, private_notes, commitment_count, problems, fork)
         VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    )?
    .execute(params![
        fid,
        p.digest.as_ref().err(),
        d.map(|d| d.created.timestamp_millis().saturating_sub(sort_ms)),
        d.map(|d| d.created.offset().local_minus_utc()).filter(|o| Some(*o) != start_offset),
        d.and_then(|d| d.end.map(|e| e.timestamp_millis().saturating_sub(sort_ms))),
        d.and_then(|d| d.end.map(|e| e.offset().local_minus_utc()))
            .filter(|o| Some(*o) != start_offset),
        protocol_tid,
        group_tid,
        facilitator_tid,
        participants,
        d.map(|d| int(d.planned_ms)),
        d.map(|d| int(d.actual_ms)),
        d.map(|d| int(d.overrun_ms)),
        d.map(|d| count(d.notes)),
        d.map(|d| count(d.private_notes)),
        d.map(|d| count(d.commitments.len())),
        problems,
        d.and_then(|d| d.fork.as_ref()).and_then(|f| serde_json::to_string(f).ok()),
    ])?;
    {
        let mut add = tx.prepare_cached("INSERT OR IGNORE INTO terms(text) VALUES(?1)")?;
        let mut tid_of = tx.prepare_cached("SELECT tid FROM terms WHERE text = ?1")?;
        for t in search_terms(&key, d.map(Searched::of).as_ref()) {
            add.execute([&t])?;
            let tid: i64 = tid_of.query_row([&t], |r| r.get("tid"))?;
            super::postings::note(tx, super::postings::TERMS, tid, fid)?;
        }
    }
    let Some(d) = d else { return Ok(key) };
    {
        let mut add = tx.prepare_cached("INSERT OR IGNORE INTO persons(key) VALUES(?1)")?;
        let mut pid_of = tx.prepare_cached("SELECT pid FROM persons WHERE key = ?1")?;
        for k in person_keys(&d.participants, d.facilitator.as_deref()) {
            add.execute([&k])?;
            let pid: i64 = pid_of.query_row([&k], |r| r.get("pid"))?;
            super::postings::note(tx, super::postings::PERSONS, pid, fid)?;
        }
    }
    super::aggregates::mark(tx, &d.protocol_id)?;
    if gid != 0 && d.runs.is_empty() {
        tx.prepare_cached("INSERT OR IGNORE INTO unstarted(gid, fid) VALUES(?1, ?2)")?
            .execute(params![gid, fid])?;
    }
    if let Some(stop) = &d.hard_stop {
        tx.prepare_cached(
            "INSERT INTO stops(fid, hard_stop, stop_ms, end_ms) VALUES(?1, ?2, ?3, ?4)",
        )?
        .execute(params![
            fid,
            wall_text(stop),
            stop.timestamp_millis(),
            d.end.map(|e| e.timestamp_millis()),
        ])?;
    }
    if !d.runs.is_empty() {
        let mut sids = Vec::with_capacity(d.runs.len());
        for r in &d.runs {
            sids.push(stage_id(tx, stages, &d.protocol_id, r)?);
        }
        tx.prepare_cached(
            "INSERT OR REPLACE INTO runs(pnum, fid, shown, sort_ms, packed)
             VALUES(?1, ?2, 0, ?3, ?4)",
        )?
        .execute(params![
            pnum,
            fid,
            sort_ms,
            super::pack::pack(sids.into_iter().zip(&d.runs))
        ])?;
    }
    if let Some(base_ms) = d.commitments.iter().map(|c| c.made.timestamp_millis()).min() {
        let mut packed = Vec::with_capacity(d.commitments.len());
        for c in &d.commitments {
            packed.push(super::pack::PackedCommitment {
                id: c.id.clone(),
                owner: known_text_id(tx, stages, &c.owner)?,
                text: c.text.clone(),
                due: c.due.as_deref().map(|due| known_text_id(tx, stages, due)).transpose()?,
                made_ms: c.made.timestamp_millis(),
                made_offset: c.made.offset().local_minus_utc(),
            });
        }
        tx.prepare_cached(
            "INSERT INTO commitments(fid, gid, made_ms, packed) VALUES(?1, ?2, ?3, ?4)",
        )?
        .execute(params![
            fid,
            gid,
            base_ms,
            super::pack::pack_commitments(base_ms, &packed)
        ])?;
    }
    {
        // One row for each session whose commitments the log follows up, in the order the
        // log first names them.
        let mut by_session: Vec<(&str, Vec<super::pack::PackedFollowUp>)> = Vec::new();
        for (seq, u) in d.updates.iter().enumerate() {
            let made_in = u.session.as_deref().unwrap_or(&d.id);
            let packed = super::pack::PackedFollowUp {
                seq,
                about: u.session.is_some(),
                id: u.id.clone(),
                status: u.status,
                note: u.note.clone(),
                wall_ms: u.wall.timestamp_millis(),
                wall_offset: u.wall.offset().local_minus_utc(),
            };
            match by_session.iter_mut().find(|(s, _)| *s == made_in) {
                Some((_, v)) => v.push(packed),
                None => by_session.push((made_in, vec![packed])),
            }
        }
        let mut st = tx.prepare_cached(
            "INSERT INTO updates(fid, made_in, made_gid, shown, recorded_seq, packed, notes)
             VALUES(?1, ?2, ?3, 0, ?4, ?5, ?6)",
        )?;
        for (made_in, follow_ups) in by_session {
            let (packed, notes) = super::pack::pack_follow_ups(&follow_ups);
            // The group of the session they are about, as the index shows it now: the
            // session's copies being chosen again later moves them ([`choose_shown`]).
            st.execute(params![fid, made_in, shown_gid(tx, made_in)?, d.sequence, packed, notes,])?;
        }
    }
    Ok(key)
}

/// A session's status as `files.status` keeps it: a small number (a byte), where its key
/// (`completed`) took ten.
pub(crate) fn status_number(s: SessionStatus) -> i64 {
    match s {
        SessionStatus::Completed => 1,
        SessionStatus::EndedEarly => 2,
        SessionStatus::Unfinished => 3,
    }
}

/// The status a number of `files.status` stands for ([`status_number`]).
pub(crate) fn status_of_number(n: i64) -> Option<SessionStatus> {
    [SessionStatus::Completed, SessionStatus::EndedEarly, SessionStatus::Unfinished]
        .into_iter()
        .find(|&s| status_number(s) == n)
}

/// A follow-up status as the logs write it (`done`, `partly`, `not-yet`, `carried-forward`).
pub(crate) fn status_key(s: crate::session::CommitmentStatus) -> &'static str {
    use crate::session::CommitmentStatus as C;
    match s {
        C::Done => "done",
        C::Partly => "partly",
        C::NotYet => "not-yet",
        C::CarriedForward => "carried-forward",
    }
}

/// For each session in the temporary table `touched(key)` with two or more readable copies:
/// reads them all again from the sessions folder `top` and, if they fork, stores the digest of
/// their merge ([`crate::review::copies::merge`]) for every copy (each keeps its own name, size
/// and time, so none is read again until it changes), so whichever is shown stands for both
/// branches. With `singles` (files were removed) a session left with one copy is read again
/// too, so that it no longer holds a merge. Sessions with one copy, nearly all, cost one query.
pub(crate) fn merge_forks(
    tx: &Transaction<'_>,
    stages: &mut StageIds,
    top: &std::path::Path,
    singles: bool,
) -> rusqlite::Result<()> {
    use crate::log::reader::read_log;
    let copies: Vec<(String, Vec<Seen>)> = {
        let mut st = tx.prepare_cached(&format!(
            "SELECT t.key, {NAME_SQL} AS name, f.size, f.mtime_ns, f.ino FROM touched t
                 JOIN files f ON f.key = t.key AND f.readable = 1
                 WHERE (SELECT count(*) FROM files g WHERE g.key = t.key AND g.readable = 1)
                    >= ?1
                 ORDER BY t.key, name"
        ))?;
        columns! { Cols: key, name, size, mtime_ns, ino }
        let c = Cols::of(&st)?;
        let mut rows = st.query([if singles { 1 } else { 2 }])?;
        let mut out: Vec<(String, Vec<Seen>)> = Vec::new();
        while let Some(r) = rows.next()? {
            let key: String = r.get(c.key)?;
            let seen = Seen {
                name: r.get(c.name)?,
                size: r.get(c.size)?,
                mtime_ns: r.get(c.mtime_ns)?,
                ino: r.get(c.ino)?,
            };
            match out.last_mut() {
                Some((k, v)) if *k == key => v.push(seen),
                _ => out.push((key, vec![seen])),
            }
        }
        out
    };
    for (_, files) in copies {
        if files.len() == 1 && !has_fork(tx, &files[0].name)? {
            continue;
        }
        let logs: Vec<(String, crate::log::reader::SessionLog)> = files
            .iter()
            .filter_map(|s| {
                read_log(&super::file_path(top, &s.name)).ok().map(|l| (s.name.clone(), l))
            })
            .collect();
        let merged = crate::review::copies::merge(&logs);
        // Copies that do not fork keep the digests they were stored with, unless one of them
        // held a merge.
        if merged.is_none() && files.len() > 1 {
            let mut held = false;
            for s in &files {
                held |= has_fork(tx, &s.name)?;
            }
            if !held {
                continue;
            }
        }
        for s in &files {
            let digest = match (&merged, logs.iter().find(|(n, _)| *n == s.name)) {
                (Some((log, fork)), _) => {
                    let mut d = Digest::of_log(log);
                    d.fork = Some(fork.clone());
                    d
                }
                (None, Some((_, log))) => Digest::of_log(log),
                // Gone or unreadable since it was read: the next update sees it.
                (None, None) => continue,
            };
            delete_name(tx, &s.name)?;
            insert(tx, stages, &Parsed { seen: s.clone(), digest: Ok(digest) })?;
        }
    }
    Ok(())
}

/// Whether the file's rows hold the digest of a merge.
fn has_fork(tx: &Transaction<'_>, name: &str) -> rusqlite::Result<bool> {
    let Some(fid) = fid_of(tx, name)? else { return Ok(false) };
    tx.prepare_cached("SELECT fork IS NOT NULL AS forked FROM details WHERE fid = ?1")?
        .query_row([fid], |r| r.get("forked"))
        .optional()
        .map(|v| v.unwrap_or(false))
}

/// Chooses the shown copy of each session in the temporary table `touched(key)` (and marks its
/// runs), then empties the table.
pub(crate) fn choose_shown(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let keys: Vec<String> = tx
        .prepare_cached("SELECT key FROM touched")?
        .query_map([], |r| r.get("key"))?
        .collect::<rusqlite::Result<_>>()?;
    // Its own name first (`name` NULL), then by name.
    let mut best = tx.prepare_cached(&format!(
        "SELECT f.fid FROM files f WHERE f.key = ?1
         ORDER BY f.readable DESC, f.events DESC, f.ended DESC, f.problem_count ASC,
                  f.name IS NULL DESC, {NAME_SQL} ASC
         LIMIT 1"
    ))?;
    let mut files = tx.prepare_cached(
        "UPDATE files SET shown = (fid IS ?2) WHERE key = ?1 AND shown IS NOT (fid IS ?2)",
    )?;
    // A session's runs are found by their file's protocol and `fid` (the key of `runs`).
    let mut runs = tx.prepare_cached(
        "UPDATE runs SET shown = (fid IS ?2)
         WHERE (pnum, fid) IN (SELECT pnum, fid FROM files WHERE key = ?1 AND pnum IS NOT NULL)
           AND shown IS NOT (fid IS ?2)",
    )?;
    let mut updates = tx.prepare_cached(
        "UPDATE updates SET shown = (fid IS ?2)
         WHERE fid IN (SELECT fid FROM files WHERE key = ?1) AND shown IS NOT (fid IS ?2)",
    )?;
    let mut mark = tx.prepare_cached(
        "INSERT OR IGNORE INTO report_dirty(protocol_id)
         SELECT protocol_id FROM files WHERE key = ?1 AND protocol_id IS NOT NULL",
    )?;
    let mut gid_of =
        tx.prepare_cached("SELECT coalesce((SELECT gid FROM files WHERE fid = ?1), 0) AS gid")?;
    for key in keys {
        mark.execute([&key])?;
        let fid: Option<i64> = best.query_row([&key], |r| r.get("fid")).optional()?;
        // The follow-ups of its commitments go with the group of the copy shown.
        let before = shown_gid(tx, &key)?;
        let after: i64 = gid_of.query_row([fid], |r| r.get("gid"))?;
        if before != after {
            move_follow_ups(tx, &key, before, after)?;
        }
        files.execute(params![key, fid])?;
        runs.execute(params![key, fid])?;
        updates.execute(params![key, fid])?;
    }
    tx.execute("DELETE FROM touched", [])?;
    Ok(())
}
