//! The review's questions, asked of the index: only the copies shown for their sessions count,
//! and rows come back in the order the views show them, one at a time where a view can print as
//! it goes (so memory does not grow with the number of sessions).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet};
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, NaiveDate};
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Row, params, params_from_iter};

use super::Index;
use super::pack::{PackedFollowUp, unpack, unpack_commitments, unpack_follow_ups, unpack_ids};
use super::store::{
    NAME_SQL, fold, id_number, name_sql, status_key, status_number, status_of_number,
};
use crate::review::ReviewError;
use crate::review::actions::{Action, ActionFilter, UpdateRef, is_open, resolve_due};
use crate::review::digest::{CommitmentDigest, Digest, RunDigest, SessionStatus, UpdateDigest};
use crate::review::filter::{Filter, name_matches};
use crate::review::report::{
    Figures, ProtocolStats, Report, StageAcc, StageStats, StopAcc, sort_protocols, sort_stages,
};
use crate::review::scan::Entry;
use crate::session::CarriedCommitment;

/// Which sessions: the command line's filters and the browser's typed words (each must appear
/// in the date, protocol, group, names, status or id).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub filter: Filter,
    pub words: Vec<String>,
    /// Leave out the logs that cannot be read (they never match a filter anyway).
    pub readable_only: bool,
    /// Only the logs that cannot be read.
    pub unreadable_only: bool,
}

impl Query {
    pub fn new(filter: &Filter) -> Self {
        Self { filter: filter.clone(), ..Self::default() }
    }

    /// The browser's filter: words, any case.
    pub(crate) fn words(text: &str) -> Self {
        Self {
            words: text.to_lowercase().split_whitespace().map(String::from).collect(),
            ..Self::default()
        }
    }

    /// The `WHERE` clause over `f` (a `files` row) and its parameters. The person filter's
    /// files are read from `conn` ([`super::postings`]) and passed as a JSON array.
    fn sql(&self, conn: &rusqlite::Connection) -> rusqlite::Result<(String, Vec<Value>)> {
        let mut sql = String::from("f.shown = 1");
        let mut args: Vec<Value> = Vec::new();
        let f = &self.filter;
        if self.readable_only || !f.is_empty() {
            sql.push_str(" AND f.readable = 1");
        }
        if self.unreadable_only {
            sql.push_str(" AND f.readable = 0");
        }
        let mut arg = |clause: &str, value: Value, args: &mut Vec<Value>| {
            args.push(value);
            sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
        };
        let text = Value::Text;
        if let Some(p) = &f.protocol {
            arg(" AND coalesce(f.protocol_key, f.protocol_id) = ?", text(fold(p)), &mut args);
        }
        if let Some(g) = &f.group {
            arg(" AND f.gid = (SELECT gid FROM groups WHERE key = ?)", text(fold(g)), &mut args);
        }
        if let Some(who) = f.person.as_deref().map(fold).filter(|w| !w.is_empty()) {
            // One of the keys `store::person_keys` gives: looked up, not searched for.
            let fids = super::postings::files_of(conn, &who.replace('|', ""))?;
            let list = serde_json::to_string(&fids).unwrap_or_default();
            arg(" AND f.fid IN (SELECT value FROM json_each(?))", text(list), &mut args);
        }
        // A day as the local time of a start (`sort_ms + 1000 * start_offset`) in ms.
        let day_ms = |d: NaiveDate| d.and_time(chrono::NaiveTime::MIN).and_utc().timestamp_millis();
        let local = " AND f.sort_ms + 1000 * f.start_offset";
        if let Some(d) = f.since {
            arg(&format!("{local} >= ?"), Value::Integer(day_ms(d)), &mut args);
        }
        if let Some(next) = f.until.and_then(|d| d.succ_opt()) {
            arg(&format!("{local} < ?"), Value::Integer(day_ms(next)), &mut args);
        }
        if let Some(s) = f.status {
            arg(" AND f.status = ?", Value::Integer(status_number(s)), &mut args);
        }
        for w in &self.words {
            // In one of the words of the session's text (`terms`), or in its id: `LIKE`
            // lowercases ASCII, and the word typed is lowercase (see `store::search_terms`).
            let list = serde_json::to_string(&files_with_word(conn, w)?).unwrap_or_default();
            arg(" AND (+f.fid IN (SELECT value FROM json_each(?))", text(list), &mut args);
            let escaped = w.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            arg(" OR f.key LIKE ? ESCAPE '\\')", text(format!("%{escaped}%")), &mut args);
        }
        Ok((sql, args))
    }
}

/// The files whose search text has a word (`terms`) that holds `word`, ascending.
fn files_with_word(conn: &rusqlite::Connection, word: &str) -> rusqlite::Result<Vec<i64>> {
    let mut tids = Vec::new();
    {
        let mut st = conn.prepare_cached("SELECT tid, text FROM terms")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            if r.get_ref("text")?.as_str()?.contains(word) {
                tids.push(r.get("tid")?);
            }
        }
    }
    super::postings::union(conn, super::postings::TERMS, &tids)
}

/// What the list shows of a readable session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub start: DateTime<FixedOffset>,
    pub protocol_id: String,
    pub protocol_name: String,
    pub group: Option<String>,
    pub participants: Vec<String>,
    pub facilitator: Option<String>,
    pub planned_ms: u64,
    pub actual_ms: u64,
    pub overrun_ms: u64,
    pub status: SessionStatus,
    pub notes: usize,
    pub commitments: usize,
    pub problems: Vec<(usize, String)>,
    /// Its copies fork: it was continued in two places ([`crate::review::copies::Fork`]).
    pub fork: Option<crate::review::copies::Fork>,
}

/// One session in the list: its summary, or why its log cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub id: String,
    pub path: PathBuf,
    pub summary: Result<Summary, String>,
}

impl SessionRow {
    pub(crate) fn ok(&self) -> Option<&Summary> {
        self.summary.as_ref().ok()
    }
}

/// A group's earlier sessions of one protocol ([`Index::group_history`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupHistory {
    /// How many started.
    pub started: u32,
    /// The latest that started: its id and its log.
    pub latest: Option<(String, PathBuf)>,
}

/// The started sessions of a group (`?1`, folded) and protocol (`?2`), newest first. A session
/// started if a stage ran (it has runs): the group's others are in `unstarted`. Reads the
/// `files_group` index alone (its rows hold `fid`), not the sessions' rows.
pub(crate) const GROUP_HISTORY: &str = "SELECT f.fid, f.key FROM files f INDEXED BY files_group
     WHERE f.gid = (SELECT g.gid FROM groups g WHERE g.key = ?1)
       AND f.pnum = (SELECT p.pnum FROM protocols p WHERE p.id = ?2)
       AND f.shown = 1
       AND f.fid NOT IN (SELECT u.fid FROM unstarted u
            WHERE u.gid = (SELECT g.gid FROM groups g WHERE g.key = ?1))
     ORDER BY f.sort_ms DESC, f.key DESC";

/// The follow-ups of the commitments of a group (`?1`, its `gid`), packed a recording file and
/// a session followed up to a row: a range of the `updates_target` index.
pub(crate) const GROUP_FOLLOW_UPS: &str =
    "SELECT made_in, fid, recorded_seq, packed FROM updates INDEXED BY updates_target
     WHERE made_gid = ?1 AND shown = 1";

/// The commitments of a group's shown sessions (`?1`, its key), packed a session to a row: the
/// group's sessions from the `files_group` index, then each one's commitments (a page or two),
/// never a session's own row.
pub(crate) const GROUP_COMMITMENTS: &str = "SELECT f.key AS session, c.fid, c.made_ms, c.packed
     FROM files f INDEXED BY files_group JOIN commitments c ON c.fid = f.fid
     WHERE f.gid = (SELECT g.gid FROM groups g WHERE g.key = ?1) AND f.shown = 1";

/// Where a commitment comes in the order `actions` gives them: when it was made, its session,
/// the number in its id (`c2` before `c10`), its id, its file and its place in the file.
type MadeOrder = (i64, String, Option<i64>, String, i64, usize);

/// A commitment waiting for its turn in `actions` ([`Index::for_each_action`]).
struct Pending {
    order: MadeOrder,
    action: Action,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        self.order == other.order
    }
}

impl Eq for Pending {}

impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Pending {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.order.cmp(&other.order)
    }
}

/// A session's rows being read by `actions`: its file, when its first commitment was made, its
/// commitments packed, what its file gives, and its follow-ups so far, each with the id of the
/// session that recorded it.
struct SessionRead {
    fid: i64,
    first_ms: i64,
    packed: Vec<u8>,
    session: String,
    protocol: String,
    group: Option<String>,
    found: Vec<(String, FollowUpRow)>,
}

impl SessionRead {
    /// Puts its commitments in the queue, each with its follow-ups.
    fn queue(
        self,
        texts: &mut Texts<'_>,
        waiting: &mut BinaryHeap<Reverse<Pending>>,
    ) -> rusqlite::Result<()> {
        let follow_ups = by_commitment(self.found)?;
        let made = unpack_commitments(self.first_ms, &self.packed).map_err(|e| bad(0, e))?;
        for (seq, m) in made.into_iter().enumerate() {
            let at = time_at(m.made_ms, m.made_offset)?;
            let due = m.due.map(|t| texts.get(t)).transpose()?;
            let order =
                (m.made_ms, self.session.clone(), id_number(&m.id), m.id.clone(), self.fid, seq);
            let action = Action {
                session: self.session.clone(),
                history: follow_ups.get(&m.id).cloned().unwrap_or_default(),
                id: m.id,
                protocol: self.protocol.clone(),
                group: self.group.clone(),
                owner: texts.get(m.owner)?,
                text: m.text,
                due_date: due.as_deref().and_then(|t| resolve_due(t, at.date_naive())),
                due,
                made: at,
                status: "open",
                latest: None,
                overdue: false,
            };
            waiting.push(Reverse(Pending { order, action }));
        }
        Ok(())
    }
}

/// A follow-up read from `updates`, with what orders it among its commitment's others.
struct FollowUpRow {
    fid: i64,
    recorded_seq: Option<u32>,
    u: PackedFollowUp,
}

impl FollowUpRow {
    /// Its order among the follow-ups of its commitment, after the recording session's id
    /// (`recorded_in`, compared by the caller): as the index on them used to keep them.
    fn rest(&self) -> (&str, &Option<String>, i32, i64, usize) {
        (status_key(self.u.status), &self.u.note, self.u.wall_offset, self.fid, self.u.seq)
    }
}

/// The texts of `texts` by number, each read once.
struct Texts<'c> {
    st: rusqlite::CachedStatement<'c>,
    known: HashMap<i64, String>,
}

impl Texts<'_> {
    fn get(&mut self, tid: i64) -> rusqlite::Result<String> {
        if let Some(t) = self.known.get(&tid) {
            return Ok(t.clone());
        }
        let text: String = self.st.query_row([tid], |r| r.get("text"))?;
        self.known.insert(tid, text.clone());
        Ok(text)
    }

    /// The text of a number that may be NULL.
    fn opt(&mut self, tid: Option<i64>) -> rusqlite::Result<Option<String>> {
        tid.map(|t| self.get(t)).transpose()
    }

    /// The texts of a packed list of numbers (`details.participants`; NULL: none), in order.
    fn list(&mut self, packed: Option<&[u8]>) -> rusqlite::Result<Vec<String>> {
        let ids = unpack_ids(packed.unwrap_or_default()).map_err(|e| bad(0, e))?;
        ids.into_iter().map(|t| self.get(t)).collect()
    }

    /// The names `details` keeps by number, from a row's columns `protocol`, `group`,
    /// `facilitator` and `participants`.
    fn names(
        &mut self,
        r: &Row<'_>,
        [protocol, group, facilitator, participants]: [usize; 4],
    ) -> rusqlite::Result<Names> {
        Ok(Names {
            protocol: self.get(r.get(protocol)?)?,
            group: self.opt(r.get(group)?)?,
            facilitator: self.opt(r.get(facilitator)?)?,
            participants: self.list(r.get_ref(participants)?.as_blob_or_null()?)?,
        })
    }
}

/// A session's names, read through [`Texts`].
struct Names {
    protocol: String,
    group: Option<String>,
    facilitator: Option<String>,
    participants: Vec<String>,
}

/// Follow-ups (each with the id of the session that recorded it) by commitment id, each
/// commitment's in the order `actions` gives them: by the recording session's place in its
/// group, time, and id.
fn by_commitment(
    mut found: Vec<(String, FollowUpRow)>,
) -> rusqlite::Result<HashMap<String, Vec<UpdateRef>>> {
    found.sort_by(|(a_in, a), (b_in, b)| {
        (&a.u.id, a.recorded_seq, a.u.wall_ms, a_in)
            .cmp(&(&b.u.id, b.recorded_seq, b.u.wall_ms, b_in))
            .then_with(|| a.rest().cmp(&b.rest()))
    });
    let mut out: HashMap<String, Vec<UpdateRef>> = HashMap::new();
    for (recorded_in, f) in found {
        out.entry(f.u.id).or_default().push(UpdateRef {
            session: recorded_in,
            status: f.u.status,
            note: f.u.note,
            at: time_at(f.u.wall_ms, f.u.wall_offset)?,
            seq: f.recorded_seq,
        });
    }
    Ok(out)
}

/// What `actions` reads: every shown session's commitments (with `grouped`, those of the
/// group `?1`), a row for each log that followed them up (or one, with none), in the order of
/// each session's earliest commitment; a session's rows come together.
fn actions_sql(grouped: bool) -> String {
    let from = if grouped {
        "files f JOIN commitments c ON c.fid = f.fid"
    } else {
        "commitments c INDEXED BY commitments_made JOIN files f ON f.fid = c.fid"
    };
    format!(
        "SELECT c.fid, c.made_ms, c.packed, f.key, d.protocol_tid, d.group_tid,
            u.fid AS by_fid, u.recorded_seq, u.packed AS follow_ups, u.notes,
            r.key AS recorded_in
         FROM {from} JOIN details d ON d.fid = c.fid
         LEFT JOIN updates u INDEXED BY updates_target
            ON u.made_gid = c.gid AND u.made_in = f.key AND u.shown = 1
         LEFT JOIN files r ON r.fid = u.fid
         WHERE f.shown = 1 {}
         ORDER BY c.made_ms, c.fid",
        if grouped { "AND f.gid = (SELECT g.gid FROM groups g WHERE g.key = ?1)" } else { "" }
    )
}

/// A time from its ms since 1970 and its offset from UTC (seconds east): the time the log wrote.
fn time_at(millis: i64, east: i32) -> rusqlite::Result<DateTime<FixedOffset>> {
    let zone = FixedOffset::east_opt(east)
        .ok_or(rusqlite::Error::IntegralValueOutOfRange(0, i64::from(east)))?;
    DateTime::from_timestamp_millis(millis)
        .map(|t| t.with_timezone(&zone))
        .ok_or(rusqlite::Error::IntegralValueOutOfRange(0, millis))
}

/// A stage as `stages` keeps it.
struct StageRow {
    /// The stage's id in its protocol.
    id: String,
    name: String,
    /// '' for none.
    expects: String,
}

impl StageRow {
    /// Gives a run read from `runs` ([`super::pack::unpack`]) its stage's id, name and record.
    fn fill(&self, run: &mut RunDigest) {
        run.stage.clone_from(&self.id);
        run.name.clone_from(&self.name);
        run.expects = Some(self.expects.clone()).filter(|x| !x.is_empty());
    }
}

/// A session found by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub id: String,
    pub path: PathBuf,
    fid: i64,
}

/// One stage run with its session, for the CSV of many sessions.
#[derive(Debug, Clone)]
pub(crate) struct RunRow {
    pub session: String,
    pub start: DateTime<FixedOffset>,
    pub protocol: String,
    pub group: Option<String>,
    pub facilitator: Option<String>,
    pub run: RunDigest,
}

/// (Over `files f JOIN details d ON d.fid = f.fid`.)
const ROW: &str = concat!(
    "f.key, ",
    name_sql!(),
    " AS name, d.error, f.sort_ms, f.start_offset, f.protocol_id,
    d.protocol_tid, d.group_tid, d.participants, d.facilitator_tid, d.planned_ms, d.actual_ms,
    d.overrun_ms, f.status, d.notes, d.commitment_count, d.problems, f.readable, d.fork"
);

fn bad<E: std::error::Error + Send + Sync + 'static>(i: usize, e: E) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
}

/// A time kept as its milliseconds since 1970 (column `ms`) and its offset from UTC in seconds
/// (column `offset`): the time the log wrote, to the millisecond.
fn moment(r: &Row<'_>, ms: usize, offset: usize) -> rusqlite::Result<DateTime<FixedOffset>> {
    let (millis, east): (i64, i32) = (r.get(ms)?, r.get(offset)?);
    let zone = FixedOffset::east_opt(east)
        .ok_or(rusqlite::Error::IntegralValueOutOfRange(offset, i64::from(east)))?;
    DateTime::from_timestamp_millis(millis)
        .map(|t| t.with_timezone(&zone))
        .ok_or(rusqlite::Error::IntegralValueOutOfRange(ms, millis))
}

fn opt_time(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<DateTime<FixedOffset>>> {
    let text: Option<String> = r.get(i)?;
    text.map(|t| DateTime::parse_from_rfc3339(&t).map_err(|e| bad(i, e))).transpose()
}

fn opt_json<T: serde::de::DeserializeOwned>(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<T>> {
    let text: Option<String> = r.get(i)?;
    text.map(|t| serde_json::from_str(&t).map_err(|e| bad(i, e))).transpose()
}

fn unsigned(r: &Row<'_>, i: usize) -> rusqlite::Result<u64> {
    Ok(u64::try_from(r.get::<_, i64>(i)?).unwrap_or(0))
}

fn size(r: &Row<'_>, i: usize) -> rusqlite::Result<usize> {
    Ok(usize::try_from(r.get::<_, i64>(i)?).unwrap_or(0))
}

fn status(r: &Row<'_>, i: usize) -> rusqlite::Result<SessionStatus> {
    let n: i64 = r.get(i)?;
    status_of_number(n).ok_or(rusqlite::Error::IntegralValueOutOfRange(i, n))
}

columns! {
    RowCols:
    key, name, error, sort_ms, start_offset, protocol_id, protocol_tid, group_tid, participants,
    facilitator_tid, planned_ms, actual_ms, overrun_ms, status, notes, commitment_count, problems,
    readable, fork,
}

impl Index {
    fn row(&self, r: &Row<'_>, c: &RowCols, texts: &mut Texts<'_>) -> rusqlite::Result<SessionRow> {
        let id: String = r.get(c.key)?;
        let path = self.log_path(&r.get::<_, String>(c.name)?);
        let summary = if r.get::<_, bool>(c.readable)? {
            let n =
                texts.names(r, [c.protocol_tid, c.group_tid, c.facilitator_tid, c.participants])?;
            Ok(Summary {
                start: moment(r, c.sort_ms, c.start_offset)?,
                protocol_id: r.get(c.protocol_id)?,
                protocol_name: n.protocol,
                group: n.group,
                participants: n.participants,
                facilitator: n.facilitator,
                planned_ms: unsigned(r, c.planned_ms)?,
                actual_ms: unsigned(r, c.actual_ms)?,
                overrun_ms: unsigned(r, c.overrun_ms)?,
                status: status(r, c.status)?,
                notes: size(r, c.notes)?,
                commitments: size(r, c.commitment_count)?,
                problems: opt_json(r, c.problems)?.unwrap_or_default(),
                fork: opt_json(r, c.fork)?,
            })
        } else {
            Err(r.get::<_, Option<String>>(c.error)?.unwrap_or_else(|| "unreadable".into()))
        };
        Ok(SessionRow { id, path, summary })
    }

    /// How many sessions there are (every log counted once, readable or not).
    /// Read from the counts the index keeps (table `folder_rows`), not counted.
    pub fn total(&self) -> Result<usize, ReviewError> {
        self.conn
            .query_row("SELECT coalesce(sum(shown), 0) AS n FROM folder_rows", [], |r| {
                r.get::<_, i64>("n")
            })
            .map(|n| usize::try_from(n).unwrap_or(0))
            .map_err(|e| self.failed(&e))
    }

    /// How many sessions match.
    pub fn count(&self, q: &Query) -> Result<usize, ReviewError> {
        let (w, args) = q.sql(&self.conn).map_err(|e| self.failed(&e))?;
        self.conn
            .query_row(
                &format!("SELECT count(*) AS n FROM files f WHERE {w}"),
                params_from_iter(args),
                |r| r.get::<_, i64>("n"),
            )
            .map(|n| usize::try_from(n).unwrap_or(0))
            .map_err(|e| self.failed(&e))
    }

    /// The matching sessions from `offset`, at most `limit`, newest first.
    pub fn rows(
        &self,
        q: &Query,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<SessionRow>, ReviewError> {
        let mut out = Vec::new();
        self.each_row(q, offset, limit, |r| {
            out.push(r);
            true
        })?;
        Ok(out)
    }

    /// Calls `f` with each matching session, newest first, while it returns `true`.
    pub(crate) fn for_each_row(
        &self,
        q: &Query,
        f: impl FnMut(SessionRow) -> bool,
    ) -> Result<(), ReviewError> {
        self.each_row(q, 0, usize::MAX, f)
    }

    fn each_row(
        &self,
        q: &Query,
        offset: usize,
        limit: usize,
        mut f: impl FnMut(SessionRow) -> bool,
    ) -> Result<(), ReviewError> {
        let (w, mut args) = q.sql(&self.conn).map_err(|e| self.failed(&e))?;
        args.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
        args.push(Value::Integer(i64::try_from(offset).unwrap_or(i64::MAX)));
        let n = args.len();
        let sql = format!(
            "SELECT {ROW} FROM files f JOIN details d ON d.fid = f.fid WHERE {w}
             ORDER BY f.sort_ms DESC, f.key DESC LIMIT ?{} OFFSET ?{n}",
            n - 1
        );
        let mut run = || -> rusqlite::Result<()> {
            let mut texts = self.texts()?;
            let mut st = self.conn.prepare(&sql)?;
            let c = RowCols::of(&st)?;
            let mut rows = st.query(params_from_iter(args.iter()))?;
            while let Some(r) = rows.next()? {
                if !f(self.row(r, &c, &mut texts)?) {
                    break;
                }
            }
            Ok(())
        };
        run().map_err(|e| self.failed(&e))
    }

    /// Finds a session by id, or by a unique beginning of one (`.jsonl` after it is ignored).
    pub fn resolve(&self, id: &str) -> Result<Located, ReviewError> {
        let id = id.trim().trim_end_matches(".jsonl");
        self.try_resolve(id).map_err(|e| self.failed(&e))?
    }

    fn try_resolve(&self, id: &str) -> rusqlite::Result<Result<Located, ReviewError>> {
        let located = |r: &Row<'_>| -> rusqlite::Result<Located> {
            Ok(Located {
                id: r.get("key")?,
                path: self.log_path(&r.get::<_, String>("name")?),
                fid: r.get("fid")?,
            })
        };
        let exact = {
            let mut st = self.conn.prepare_cached(&format!(
                "SELECT f.key, {NAME_SQL} AS name, f.fid FROM files f
                     WHERE f.shown = 1 AND f.key = ?1"
            ))?;
            let mut rows = st.query([id])?;
            rows.next()?.map(located).transpose()?
        };
        if let Some(l) = exact {
            return Ok(Ok(l));
        }
        let mut matches: Vec<Located> = Vec::new();
        let mut count = 0;
        if !id.is_empty() {
            let mut st = self.conn.prepare_cached(&format!(
                "SELECT f.key, {NAME_SQL} AS name, f.fid FROM files f
                 WHERE f.shown = 1 AND f.key >= ?1 AND f.key < ?2 ORDER BY f.key"
            ))?;
            let mut rows = st.query([id, &format!("{id}\u{10FFFF}")])?;
            while let Some(r) = rows.next()? {
                count += 1;
                if matches.len() < 8 {
                    matches.push(located(r)?);
                }
            }
        }
        if count == 1 {
            return Ok(Ok(matches.remove(0)));
        }
        if count > 1 {
            return Ok(Err(ReviewError::Ambiguous {
                id: id.to_string(),
                matches: matches.into_iter().map(|m| m.id).collect(),
                count,
            }));
        }
        // No match: the closest ids, by edit distance.
        let mut near: Vec<(usize, String)> = Vec::new();
        {
            let mut st = self.conn.prepare("SELECT key FROM files WHERE shown = 1")?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let key = r.get_ref("key")?.as_str()?;
                let d = strsim::damerau_levenshtein(id, key);
                if near.len() < 3 || near.iter().any(|(n, k)| (d, key) < (*n, k.as_str())) {
                    near.push((d, key.to_string()));
                    near.sort_unstable();
                    near.truncate(3);
                }
            }
        }
        if near.is_empty() {
            return Ok(Err(ReviewError::NoSessions {
                id: id.to_string(),
                folder: self.sessions_dir().to_path_buf(),
            }));
        }
        Ok(Err(ReviewError::UnknownSession {
            id: id.to_string(),
            closest: near.into_iter().map(|(_, k)| k).collect(),
        }))
    }

    /// The session's entry: its digest rebuilt from the index, or why its log is unreadable.
    pub(crate) fn entry(&self, at: &Located) -> Result<Entry, ReviewError> {
        self.entry_of(at.fid, at.id.clone(), at.path.clone()).map_err(|e| self.failed(&e))
    }

    fn entry_of(&self, fid: i64, id: String, path: PathBuf) -> rusqlite::Result<Entry> {
        let mut st = self.conn.prepare_cached(
            "SELECT f.readable, d.error, f.sort_ms + d.created_rel_ms AS created_ms,
                coalesce(d.created_offset, f.start_offset) AS created_offset, f.sort_ms,
                f.start_offset, f.sort_ms + d.end_rel_ms AS end_ms,
                coalesce(d.end_offset, f.start_offset) AS end_offset, f.protocol_id,
                d.protocol_tid, d.group_tid, d.participants, d.facilitator_tid, f.status,
                d.planned_ms, d.actual_ms, d.overrun_ms, d.notes, d.private_notes, d.problems,
                f.events, d.fork
             FROM files f JOIN details d ON d.fid = f.fid WHERE f.fid = ?1",
        )?;
        columns! {
            Cols:
            readable, error, created_ms, created_offset, sort_ms, start_offset, end_ms,
            end_offset, protocol_id, protocol_tid, group_tid,
            participants, facilitator_tid, status, planned_ms, actual_ms, overrun_ms, notes,
            private_notes, problems, events, fork,
        }
        let c = Cols::of(&st)?;
        let mut texts = self.texts()?;
        let mut d = st.query_row([fid], |r| {
            if !r.get::<_, bool>(c.readable)? {
                return Ok(Err(r.get::<_, Option<String>>(c.error)?.unwrap_or_default()));
            }
            let n =
                texts.names(r, [c.protocol_tid, c.group_tid, c.facilitator_tid, c.participants])?;
            Ok(Ok(Digest {
                id: id.clone(),
                protocol_id: r.get(c.protocol_id)?,
                protocol_name: n.protocol,
                group: n.group,
                participants: n.participants,
                facilitator: n.facilitator,
                created: moment(r, c.created_ms, c.created_offset)?,
                start: moment(r, c.sort_ms, c.start_offset)?,
                end: match r.get::<_, Option<i64>>(c.end_ms)? {
                    Some(_) => Some(moment(r, c.end_ms, c.end_offset)?),
                    None => None,
                },
                // Read from `stops` below.
                hard_stop: None,
                status: status(r, c.status)?,
                planned_ms: unsigned(r, c.planned_ms)?,
                actual_ms: unsigned(r, c.actual_ms)?,
                overrun_ms: unsigned(r, c.overrun_ms)?,
                notes: size(r, c.notes)?,
                private_notes: size(r, c.private_notes)?,
                runs: Vec::new(),
                commitments: Vec::new(),
                updates: Vec::new(),
                problems: opt_json(r, c.problems)?.unwrap_or_default(),
                events: size(r, c.events)?,
                // Known from its follow-ups' rows, the only place it is needed.
                sequence: None,
                fork: opt_json(r, c.fork)?,
            }))
        })?;
        if let Ok(d) = &mut d {
            d.runs = self.runs_of(&d.protocol_id, fid)?;
            d.hard_stop = self
                .conn
                .prepare_cached("SELECT hard_stop FROM stops WHERE fid = ?1")?
                .query_row([fid], |r| opt_time(r, 0))
                .optional()?
                .flatten();
            d.commitments = self.commitments_of(fid)?;
            (d.updates, d.sequence) = self.updates_of(fid)?;
        }
        Ok(Entry { id, path, digest: d })
    }

    /// A file's commitments, in the order the log made them.
    fn commitments_of(&self, fid: i64) -> rusqlite::Result<Vec<CommitmentDigest>> {
        let mut out = Vec::new();
        let mut texts = self.texts()?;
        let packed: Option<(i64, Vec<u8>)> = self
            .conn
            .prepare_cached("SELECT made_ms, packed FROM commitments WHERE fid = ?1")?
            .query_row([fid], |r| Ok((r.get("made_ms")?, r.get("packed")?)))
            .optional()?;
        if let Some((base_ms, packed)) = packed {
            for c in unpack_commitments(base_ms, &packed).map_err(|e| bad(0, e))? {
                out.push(CommitmentDigest {
                    owner: texts.get(c.owner)?,
                    due: c.due.map(|t| texts.get(t)).transpose()?,
                    made: time_at(c.made_ms, c.made_offset)?,
                    id: c.id,
                    text: c.text,
                });
            }
        }
        Ok(out)
    }

    /// A file's follow-ups, in the log's order, and the recording session's place in its
    /// group (known from its follow-ups' rows, the only place it is needed).
    fn updates_of(&self, fid: i64) -> rusqlite::Result<(Vec<UpdateDigest>, Option<u32>)> {
        let mut st = self.conn.prepare_cached(
            "SELECT made_in, recorded_seq, packed, notes FROM updates WHERE fid = ?1",
        )?;
        columns! { UpdateCols: made_in, recorded_seq, packed, notes }
        let c = UpdateCols::of(&st)?;
        let mut sequence = None;
        let mut updates: Vec<(usize, UpdateDigest)> = Vec::new();
        let mut rows = st.query([fid])?;
        while let Some(r) = rows.next()? {
            sequence = sequence.or(r.get(c.recorded_seq)?);
            let made_in: String = r.get(c.made_in)?;
            let packed = r.get_ref(c.packed)?.as_blob()?;
            let notes = r.get_ref(c.notes)?.as_blob()?;
            for u in unpack_follow_ups(packed, Some(notes)).map_err(|e| bad(c.packed, e))? {
                updates.push((
                    u.seq,
                    UpdateDigest {
                        session: u.about.then(|| made_in.clone()),
                        id: u.id,
                        status: u.status,
                        note: u.note,
                        wall: time_at(u.wall_ms, u.wall_offset)?,
                    },
                ));
            }
        }
        updates.sort_by_key(|(seq, _)| *seq);
        Ok((updates.into_iter().map(|(_, u)| u).collect(), sequence))
    }

    /// A session's stage runs, in running order.
    fn runs_of(&self, protocol_id: &str, fid: i64) -> rusqlite::Result<Vec<RunDigest>> {
        let packed: Option<Vec<u8>> = self
            .conn
            .prepare_cached(
                "SELECT packed FROM runs
                 WHERE pnum = (SELECT pnum FROM protocols WHERE id = ?1) AND fid = ?2",
            )?
            .query_row(params![protocol_id, fid], |r| r.get("packed"))
            .optional()?;
        let Some(packed) = packed else { return Ok(Vec::new()) };
        let mut st =
            self.conn.prepare_cached("SELECT stage, name, expects FROM stages WHERE sid = ?1")?;
        unpack(&packed)
            .map_err(|e| bad(0, e))?
            .into_iter()
            .map(|(sid, mut run)| {
                let stage = st.query_row([sid], |r| {
                    Ok(StageRow {
                        id: r.get("stage")?,
                        name: r.get("name")?,
                        expects: r.get("expects")?,
                    })
                })?;
                stage.fill(&mut run);
                Ok(run)
            })
            .collect()
    }

    /// Every stage the index knows, by `sid` (a few hundred rows).
    fn stages(&self) -> rusqlite::Result<HashMap<i64, StageRow>> {
        let mut st = self.conn.prepare_cached("SELECT sid, stage, name, expects FROM stages")?;
        st.query_map([], |r| {
            Ok((
                r.get("sid")?,
                StageRow { id: r.get("stage")?, name: r.get("name")?, expects: r.get("expects")? },
            ))
        })?
        .collect()
    }

    /// Every matching session with its whole digest, newest first. Reads every row of every
    /// table for them: for small sets (a few thousand sessions), and for tests.
    pub fn entries(&self, q: &Query) -> Result<Vec<Entry>, ReviewError> {
        let run = || -> rusqlite::Result<Vec<Entry>> {
            let (w, args) = q.sql(&self.conn)?;
            let mut st = self.conn.prepare(&format!(
                "SELECT f.fid, f.key, {NAME_SQL} AS name FROM files f WHERE {w}
                 ORDER BY f.sort_ms DESC, f.key DESC"
            ))?;
            let found: Vec<(i64, String, String)> = st
                .query_map(params_from_iter(args), |r| {
                    Ok((r.get("fid")?, r.get("key")?, r.get("name")?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            found
                .into_iter()
                .map(|(fid, id, name)| self.entry_of(fid, id, self.log_path(&name)))
                .collect()
        };
        run().map_err(|e| self.failed(&e))
    }

    /// The texts of `texts` by number, each read once.
    fn texts(&self) -> rusqlite::Result<Texts<'_>> {
        Ok(Texts {
            st: self.conn.prepare_cached("SELECT text FROM texts WHERE tid = ?1")?,
            known: HashMap::new(),
        })
    }

    /// Follow-ups of the commitments made in `session`, recorded in it or in later sessions,
    /// oldest first, by commitment id.
    pub(crate) fn follow_ups(
        &self,
        session: &str,
    ) -> Result<HashMap<String, Vec<UpdateRef>>, ReviewError> {
        let run = || -> rusqlite::Result<HashMap<String, Vec<UpdateRef>>> {
            let gid: i64 = self
                .conn
                .prepare_cached(&format!("SELECT {} AS gid", super::store::shown_gid_sql("?1")))?
                .query_row([session], |r| r.get("gid"))?;
            self.follow_ups_in(gid, session)
        };
        run().map_err(|e| self.failed(&e))
    }

    /// The shown follow-ups of the commitments made in `session`, whose group is `gid` (their
    /// `made_gid`), by commitment id, each commitment's in the order `actions` gives them: by
    /// the recording session's place in its group, time, and id.
    fn follow_ups_in(
        &self,
        gid: i64,
        session: &str,
    ) -> rusqlite::Result<HashMap<String, Vec<UpdateRef>>> {
        let mut st = self.conn.prepare_cached(
            "SELECT u.fid, u.recorded_seq, u.packed, u.notes, f.key AS recorded_in
             FROM updates u INDEXED BY updates_target JOIN files f ON f.fid = u.fid
             WHERE u.made_gid = ?1 AND u.made_in = ?2 AND u.shown = 1",
        )?;
        columns! { Cols: fid, recorded_seq, packed, notes, recorded_in }
        let c = Cols::of(&st)?;
        let mut found: Vec<(String, FollowUpRow)> = Vec::new();
        let mut rows = st.query(params![gid, session])?;
        while let Some(r) = rows.next()? {
            let fid: i64 = r.get(c.fid)?;
            let recorded_seq: Option<u32> = r.get(c.recorded_seq)?;
            let recorded_in: String = r.get(c.recorded_in)?;
            let packed = r.get_ref(c.packed)?.as_blob()?;
            let notes = r.get_ref(c.notes)?.as_blob()?;
            for u in unpack_follow_ups(packed, Some(notes)).map_err(|e| bad(c.packed, e))? {
                found.push((recorded_in.clone(), FollowUpRow { fid, recorded_seq, u }));
            }
        }
        by_commitment(found)
    }

    /// Calls `f` with every commitment that passes the filter, while it returns `true`: oldest
    /// first (by when it was made, then its session, then the number in its id: `c2` before
    /// `c10`), each with its follow-ups (see [`crate::review::actions`] for their order).
    ///
    /// A session's commitments are one row, and the rows are read in the order of the earliest
    /// commitment of each (`commitments_made`; one group's are found from its sessions and
    /// sorted, a few hundred): a commitment is given once no session still to be read can hold
    /// one made before it, so only the sessions whose commitments overlap in time are held, and
    /// all of them are never sorted. Each session's follow-ups are read with it, side by side in
    /// the index on them.
    pub fn for_each_action(
        &self,
        filter: &ActionFilter,
        today: NaiveDate,
        mut f: impl FnMut(Action) -> bool,
    ) -> Result<(), ReviewError> {
        let group = filter.group.as_deref().map(fold);
        let sql = actions_sql(group.is_some());
        let finish = |a: Option<Action>, f: &mut dyn FnMut(Action) -> bool| -> bool {
            let Some(mut a) = a else { return true };
            if let Some(p) = &filter.person
                && !name_matches(&a.owner, p)
            {
                return true;
            }
            let open = is_open(&a.history);
            a.overdue = open && a.due_date.is_some_and(|d| d < today);
            a.status = if open { "open" } else { "done" };
            a.latest = a.history.last().map(|u| u.status);
            if (filter.open && !open) || (filter.overdue && !a.overdue) {
                return true;
            }
            f(a)
        };
        // Gives the next commitment in order: a second one of the same session and id (a log
        // written by hand) adds its follow-ups to the first.
        let give =
            |p: Pending, current: &mut Option<Action>, f: &mut dyn FnMut(Action) -> bool| -> bool {
                if let Some(a) = current.as_mut()
                    && a.session == p.action.session
                    && a.id == p.action.id
                {
                    a.history.extend(p.action.history);
                    return true;
                }
                let keep_on = finish(current.take(), f);
                *current = Some(p.action);
                keep_on
            };
        columns! {
            Cols:
            fid, made_ms, packed, key, protocol_tid, group_tid, by_fid, recorded_seq,
            follow_ups, notes, recorded_in,
        }
        let mut run = || -> rusqlite::Result<()> {
            let mut texts = self.texts()?;
            let mut st = self.conn.prepare(&sql)?;
            let c = Cols::of(&st)?;
            let mut rows = match &group {
                Some(g) => st.query([g])?,
                None => st.query([])?,
            };
            let mut waiting: BinaryHeap<Reverse<Pending>> = BinaryHeap::new();
            let mut current: Option<Action> = None;
            let mut reading: Option<SessionRead> = None;
            while let Some(r) = rows.next()? {
                let fid: i64 = r.get(c.fid)?;
                if reading.as_ref().is_none_or(|s| s.fid != fid) {
                    if let Some(s) = reading.take() {
                        s.queue(&mut texts, &mut waiting)?;
                    }
                    let first_ms = r.get(c.made_ms)?;
                    // No session still to be read holds a commitment made before this one's
                    // first.
                    while let Some(Reverse(p)) = waiting.peek() {
                        if p.order.0 >= first_ms {
                            break;
                        }
                        let Some(Reverse(p)) = waiting.pop() else { break };
                        if !give(p, &mut current, &mut f) {
                            return Ok(());
                        }
                    }
                    reading = Some(SessionRead {
                        fid,
                        first_ms,
                        packed: r.get(c.packed)?,
                        session: r.get(c.key)?,
                        protocol: texts.get(r.get(c.protocol_tid)?)?,
                        group: texts.opt(r.get(c.group_tid)?)?,
                        found: Vec::new(),
                    });
                }
                if let (Some(by), Some(s)) = (r.get::<_, Option<i64>>(c.by_fid)?, reading.as_mut())
                {
                    let recorded_seq: Option<u32> = r.get(c.recorded_seq)?;
                    let recorded_in: String = r.get(c.recorded_in)?;
                    let packed = r.get_ref(c.follow_ups)?.as_blob()?;
                    let notes = r.get_ref(c.notes)?.as_blob()?;
                    let each = unpack_follow_ups(packed, Some(notes));
                    for u in each.map_err(|e| bad(c.follow_ups, e))? {
                        let row = FollowUpRow { fid: by, recorded_seq, u };
                        s.found.push((recorded_in.clone(), row));
                    }
                }
            }
            if let Some(s) = reading.take() {
                s.queue(&mut texts, &mut waiting)?;
            }
            while let Some(Reverse(p)) = waiting.pop() {
                if !give(p, &mut current, &mut f) {
                    return Ok(());
                }
            }
            finish(current, &mut f);
            Ok(())
        };
        run().map_err(|e| self.failed(&e))
    }

    /// Every commitment from earlier sessions of `group` (any case) that no follow-up has marked
    /// done, oldest first: what a follow-up stage brings into a new session.
    ///
    /// The first frame of a new session of the group waits for it, so it reads only the group's
    /// rows (see [`super::schema`]): the follow-ups of its commitments, side by side, the list of
    /// its shown sessions, and each one's commitments, never a session's own row. The same
    /// commitments, in the same order, as `convene actions --group G --open`
    /// ([`Index::for_each_action`]).
    pub fn open_commitments(&self, group: &str) -> Result<Vec<CarriedCommitment>, ReviewError> {
        let key = fold(group);
        let run = || -> rusqlite::Result<Vec<CarriedCommitment>> {
            let gid: Option<i64> = self
                .conn
                .prepare_cached("SELECT gid FROM groups WHERE key = ?1")?
                .query_row([&key], |r| r.get("gid"))
                .optional()?;
            let Some(gid) = gid else { return Ok(Vec::new()) };
            let mut texts = self.texts()?;
            let closed = self.closed_in_group(gid)?;
            let mut made: Vec<(MadeOrder, super::pack::PackedCommitment)> = Vec::new();
            {
                let mut st = self.conn.prepare_cached(GROUP_COMMITMENTS)?;
                columns! { Cols: session, fid, made_ms, packed }
                let c = Cols::of(&st)?;
                let mut rows = st.query([&key])?;
                while let Some(r) = rows.next()? {
                    let session: String = r.get(c.session)?;
                    let fid: i64 = r.get(c.fid)?;
                    let packed = r.get_ref(c.packed)?.as_blob()?;
                    let each = unpack_commitments(r.get(c.made_ms)?, packed)
                        .map_err(|e| bad(c.packed, e))?;
                    for (seq, m) in each.into_iter().enumerate() {
                        let order =
                            (m.made_ms, session.clone(), id_number(&m.id), m.id.clone(), fid, seq);
                        made.push((order, m));
                    }
                }
            }
            made.sort_by(|a, b| a.0.cmp(&b.0));
            let mut out: Vec<CarriedCommitment> = Vec::new();
            let mut last: Option<(String, String)> = None;
            for ((_, session, _, _, _, _), m) in made {
                let id = (session, m.id);
                // One commitment per session and id, as `actions` lists it.
                if last.as_ref() == Some(&id) {
                    continue;
                }
                last = Some(id.clone());
                if closed.contains(&id) {
                    continue;
                }
                let at = time_at(m.made_ms, m.made_offset)?;
                out.push(CarriedCommitment {
                    session: id.0,
                    id: id.1,
                    owner: texts.get(m.owner)?,
                    text: m.text,
                    due: m.due.map(|t| texts.get(t)).transpose()?,
                    made: Some(at.to_rfc3339_opts(chrono::SecondsFormat::Millis, false)),
                });
            }
            Ok(out)
        };
        run().map_err(|e| self.failed(&e))
    }

    /// The commitments of a group (its `gid`) whose latest follow-up closed them, as (session,
    /// id): from the group's follow-ups alone, side by side in `updates_target`.
    fn closed_in_group(&self, gid: i64) -> rusqlite::Result<HashSet<(String, String)>> {
        // The latest follow-up of each commitment followed up (by its session and its id), in
        // the order `actions` gives its follow-ups.
        let mut latest: HashMap<(String, String), FollowUpRow> = HashMap::new();
        {
            let mut st = self.conn.prepare_cached(GROUP_FOLLOW_UPS)?;
            columns! { Cols: made_in, fid, recorded_seq, packed }
            let c = Cols::of(&st)?;
            let mut rows = st.query([gid])?;
            // The recording sessions' ids, read only to order two follow-ups of a
            // commitment recorded at the same time in the same place of the group.
            let mut recorded_in: HashMap<i64, String> = HashMap::new();
            let mut key_of = |fid: i64| -> rusqlite::Result<String> {
                if let Some(k) = recorded_in.get(&fid) {
                    return Ok(k.clone());
                }
                let k: String = self
                    .conn
                    .prepare_cached("SELECT key FROM files WHERE fid = ?1")?
                    .query_row([fid], |r| r.get("key"))?;
                recorded_in.insert(fid, k.clone());
                Ok(k)
            };
            while let Some(r) = rows.next()? {
                let made_in: String = r.get(c.made_in)?;
                let fid: i64 = r.get(c.fid)?;
                let recorded_seq: Option<u32> = r.get(c.recorded_seq)?;
                let packed = r.get_ref(c.packed)?.as_blob()?;
                // Notes are left out: they do not change which follow-up is the latest.
                for u in unpack_follow_ups(packed, None).map_err(|e| bad(c.packed, e))? {
                    let row = FollowUpRow { fid, recorded_seq, u };
                    let at = (made_in.clone(), row.u.id.clone());
                    let later = match latest.get(&at) {
                        None => true,
                        Some(was) => {
                            let by_time = (row.recorded_seq, row.u.wall_ms)
                                .cmp(&(was.recorded_seq, was.u.wall_ms));
                            let by_id = if by_time.is_eq() && row.fid != was.fid {
                                key_of(row.fid)?.cmp(&key_of(was.fid)?)
                            } else {
                                std::cmp::Ordering::Equal
                            };
                            by_time.then(by_id).then_with(|| row.rest().cmp(&was.rest()))
                                == std::cmp::Ordering::Greater
                        }
                    };
                    if later {
                        latest.insert(at, row);
                    }
                }
            }
        }
        Ok(latest
            .into_iter()
            .filter(|(_, row)| !row.u.status.stays_open())
            .map(|(at, _)| at)
            .collect())
    }

    /// The fork of a session's copies, if they fork ([`crate::review::copies::Fork`]).
    pub(crate) fn fork_of(
        &self,
        at: &Located,
    ) -> Result<Option<crate::review::copies::Fork>, ReviewError> {
        let run = || -> rusqlite::Result<Option<crate::review::copies::Fork>> {
            let text: Option<Option<String>> = self
                .conn
                .prepare_cached("SELECT fork FROM details WHERE fid = ?1")?
                .query_row([at.fid], |r| r.get("fork"))
                .optional()?;
            Ok(text.flatten().and_then(|t: String| serde_json::from_str(&t).ok()))
        };
        run().map_err(|e| self.failed(&e))
    }

    /// How many sessions of a group (any case, any protocol) the data folder holds: a new
    /// session of the group is its `sequence` + 1 ([`crate::session::Setup::sequence`]).
    pub(crate) fn group_sessions(&self, group: &str) -> Result<u32, ReviewError> {
        let run = || -> rusqlite::Result<u32> {
            self.conn
                .prepare_cached(
                    "SELECT count(*) AS n FROM files
                     WHERE gid = (SELECT gid FROM groups WHERE key = ?1) AND shown = 1",
                )?
                .query_row([fold(group)], |r| r.get("n"))
        };
        run().map_err(|e| self.failed(&e))
    }

    /// A group's earlier sessions of one protocol (the group in any case): how many started
    /// (ended early or unfinished included; one set up and never started is not counted), and
    /// the log of the latest. Reads only that group's rows of that protocol, through the
    /// `files_group` index: a new session of a course is numbered by it, and its carried notes
    /// come from that log.
    pub(crate) fn group_history(
        &self,
        group: &str,
        protocol_id: &str,
    ) -> Result<GroupHistory, ReviewError> {
        let run = || -> rusqlite::Result<GroupHistory> {
            let mut st = self.conn.prepare_cached(GROUP_HISTORY)?;
            let mut rows = st.query(params![fold(group), protocol_id])?;
            let mut latest: Option<(i64, String)> = None;
            let mut out = GroupHistory::default();
            while let Some(r) = rows.next()? {
                if latest.is_none() {
                    latest = Some((r.get("fid")?, r.get("key")?));
                }
                out.started += 1;
            }
            if let Some((fid, key)) = latest {
                let name: String = self
                    .conn
                    .prepare_cached(&format!(
                        "SELECT {NAME_SQL} AS name FROM files f WHERE f.fid = ?1"
                    ))?
                    .query_row([fid], |r| r.get("name"))?;
                out.latest = Some((key, self.log_path(&name)));
            }
            Ok(out)
        };
        run().map_err(|e| self.failed(&e))
    }

    /// The report over the matching sessions (see [`crate::review::report`] for the figures).
    /// Runs are read in (protocol, stage) order and each stage's medians computed before the
    /// next is read, so only one stage's times are held at once.
    /// With no filter, the figures the index keeps are read ([`super::aggregates`]).
    pub fn report(&self, q: &Query) -> Result<Report, ReviewError> {
        if q.filter.is_empty()
            && q.words.is_empty()
            && !q.unreadable_only
            && let Some(r) = self.kept_report()?
        {
            return Ok(r);
        }
        self.report_where(q, None)
    }

    /// The report over the matching sessions, worked out from their runs; with `protocol`, over
    /// that protocol's only (its runs alone are read).
    pub(crate) fn report_where(
        &self,
        q: &Query,
        protocol: Option<&str>,
    ) -> Result<Report, ReviewError> {
        let q = Query { readable_only: true, ..q.clone() };
        let run = || -> rusqlite::Result<Report> {
            let (w, args) = with_protocol(q.sql(&self.conn)?, protocol);
            // protocol id -> (name of its newest session, sessions)
            let mut protocols: BTreeMap<String, (String, usize)> = BTreeMap::new();
            let mut sessions = 0;
            {
                let mut st = self.conn.prepare(&format!(
                    "SELECT f.protocol_id, count(*) AS sessions, max(f.sort_ms), f.fid
                     FROM files f WHERE {w} GROUP BY f.protocol_id"
                ))?;
                columns! { Cols: protocol_id, sessions, fid }
                let c = Cols::of(&st)?;
                let mut name = self.conn.prepare_cached(
                    "SELECT t.text AS protocol_name FROM details d
                         JOIN texts t ON t.tid = d.protocol_tid WHERE d.fid = ?1",
                )?;
                let mut rows = st.query(params_from_iter(args.iter()))?;
                while let Some(r) = rows.next()? {
                    let n = size(r, c.sessions)?;
                    sessions += n;
                    let newest: i64 = r.get(c.fid)?;
                    let label: String = name.query_row([newest], |x| x.get("protocol_name"))?;
                    protocols.insert(r.get(c.protocol_id)?, (label, n));
                }
            }
            let mut stops = self.stops_where(&w, &args)?;
            // Every shown session's runs need no test of their file: runs carry `shown`.
            let (chosen, run_args) =
                if let Some(p) = protocol.filter(|_| q.filter.is_empty() && q.words.is_empty()) {
                    (
                        "r.shown = 1 AND r.pnum = (SELECT pnum FROM protocols WHERE id = ?1)"
                            .to_string(),
                        vec![Value::Text(p.to_string())],
                    )
                } else if q.filter.is_empty() && q.words.is_empty() {
                    ("r.shown = 1".to_string(), Vec::new())
                } else if protocol.is_some() {
                    // `with_protocol` put the protocol last.
                    let chosen = format!(
                        "r.shown = 1 AND +r.fid IN (SELECT f.fid FROM files f WHERE {w})
                     AND r.pnum = (SELECT pnum FROM protocols WHERE id = ?{})",
                        args.len()
                    );
                    (chosen, args.clone())
                } else {
                    let chosen =
                        format!("r.shown = 1 AND +r.fid IN (SELECT f.fid FROM files f WHERE {w})");
                    (chosen, args.clone())
                };
            let (mut stats, left_out) = self.stage_stats(&chosen, &run_args)?;
            let mut out: Vec<ProtocolStats> = protocols
                .into_iter()
                .map(|(id, (name, sessions))| {
                    let mut stages = stats.remove(&id).unwrap_or_default();
                    sort_stages(&mut stages);
                    let mut p = ProtocolStats { id, name, sessions, stages, ..Default::default() };
                    p.set_stops(stops.remove(&p.id).unwrap_or_default().finish());
                    p
                })
                .collect();
            sort_protocols(&mut out);
            Ok(Report { sessions, runs_left_out: left_out, protocols: out })
        };
        run().map_err(|e| self.failed(&e))
    }

    /// The figures of each stage of the runs `chosen` (a `WHERE` clause over `runs r`, with
    /// `args`), by protocol, and how many runs were left out (unfinished). The rows, a session's
    /// runs to a row, are read in protocol order (the key of `runs` begins with the protocol): a
    /// protocol's stages are worked out before the next protocol is read, so only one protocol's
    /// times are held at once. `+r.fid` in `chosen` keeps `SQLite` from driving the loop from
    /// the set of files instead.
    fn stage_stats(
        &self,
        chosen: &str,
        args: &[Value],
    ) -> rusqlite::Result<(BTreeMap<String, Vec<StageStats>>, usize)> {
        let mut stats: BTreeMap<String, Vec<StageStats>> = BTreeMap::new();
        let mut left_out = 0;
        let names = self.stages()?;
        let mut st = self.conn.prepare(&format!(
            "SELECT (SELECT p.id FROM protocols p WHERE p.pnum = r.pnum) AS protocol_id,
                r.sort_ms, r.packed
             FROM runs r WHERE {chosen} ORDER BY r.pnum"
        ))?;
        columns! { Cols: protocol_id, sort_ms, packed }
        let c = Cols::of(&st)?;
        let mut rows = st.query(params_from_iter(args.iter()))?;
        // The protocol being read, and its stages by id.
        let mut current: Option<(String, BTreeMap<String, StageAcc>)> = None;
        let mut flush = |current: Option<(String, BTreeMap<String, StageAcc>)>| {
            if let Some((p, accs)) = current {
                stats.entry(p).or_default().extend(accs.into_values().map(StageAcc::finish));
            }
        };
        while let Some(r) = rows.next()? {
            let protocol = r.get_ref(c.protocol_id)?.as_str()?;
            if current.as_ref().is_none_or(|(p, _)| p != protocol) {
                flush(current.take());
                current = Some((protocol.to_string(), BTreeMap::new()));
            }
            let Some((_, accs)) = current.as_mut() else { continue };
            let sort_ms: i64 = r.get(c.sort_ms)?;
            let runs = unpack(r.get_ref(c.packed)?.as_blob()?).map_err(|e| bad(c.packed, e))?;
            for (sid, run) in runs {
                if !run.finished {
                    left_out += 1;
                    continue;
                }
                let Some(stage) = names.get(&sid) else { continue };
                let a = match accs.get_mut(&stage.id) {
                    Some(a) => a,
                    None => accs
                        .entry(stage.id.clone())
                        .or_insert_with(|| StageAcc::new(&stage.id, run.pos)),
                };
                a.name_at(&stage.name, sort_ms);
                a.add(&Figures {
                    pos: run.pos,
                    planned_ms: run.planned_ms,
                    actual_ms: run.actual_ms,
                    extensions: usize::try_from(run.extensions).unwrap_or(usize::MAX),
                    extended_ms: run.extended_ms,
                    refusals: usize::try_from(run.refusals).unwrap_or(usize::MAX),
                    shortenings: usize::try_from(run.shortenings).unwrap_or(usize::MAX),
                    shortened_ms: run.shortened_ms,
                    skipped: run.left == Some(crate::session::Leave::Skip),
                });
            }
        }
        flush(current.take());
        Ok((stats, left_out))
    }

    /// The hard stops of the sessions `w` chooses that ended, by protocol.
    fn stops_where(&self, w: &str, args: &[Value]) -> rusqlite::Result<BTreeMap<String, StopAcc>> {
        let mut stops: BTreeMap<String, StopAcc> = BTreeMap::new();
        let mut st = self.conn.prepare(&format!(
            "SELECT f.protocol_id, s.stop_ms, s.end_ms
             FROM files f JOIN stops s ON s.fid = f.fid
             WHERE {w} AND s.end_ms IS NOT NULL"
        ))?;
        columns! { Cols: protocol_id, stop_ms, end_ms }
        let c = Cols::of(&st)?;
        let mut rows = st.query(params_from_iter(args.iter()))?;
        while let Some(r) = rows.next()? {
            stops
                .entry(r.get(c.protocol_id)?)
                .or_default()
                .add(r.get(c.stop_ms)?, r.get(c.end_ms)?);
        }
        Ok(stops)
    }

    /// Calls `f` with every stage run of the matching sessions, oldest session first, in running
    /// order, while it returns `true`.
    pub(crate) fn for_each_run(
        &self,
        q: &Query,
        mut f: impl FnMut(RunRow) -> bool,
    ) -> Result<(), ReviewError> {
        let q = Query { readable_only: true, ..q.clone() };
        let mut run_all = || -> rusqlite::Result<()> {
            let (w, args) = q.sql(&self.conn)?;
            let stages = self.stages()?;
            let mut texts = self.texts()?;
            let mut st = self.conn.prepare(&format!(
                "SELECT f.key, f.sort_ms, f.start_offset, f.protocol_id, d.group_tid,
                    d.facilitator_tid, r.packed
                 FROM files f CROSS JOIN details d ON d.fid = f.fid
                 CROSS JOIN runs r ON r.pnum = f.pnum AND r.fid = f.fid
                 WHERE {w} ORDER BY f.sort_ms, f.key"
            ))?;
            columns! {
                Cols: key, sort_ms, start_offset, protocol_id, group_tid, facilitator_tid, packed,
            }
            let c = Cols::of(&st)?;
            let mut rows = st.query(params_from_iter(args))?;
            while let Some(r) = rows.next()? {
                let runs = unpack(r.get_ref(c.packed)?.as_blob()?).map_err(|e| bad(c.packed, e))?;
                let session: String = r.get(c.key)?;
                let start = moment(r, c.sort_ms, c.start_offset)?;
                let protocol: String = r.get(c.protocol_id)?;
                let group = texts.opt(r.get(c.group_tid)?)?;
                let facilitator = texts.opt(r.get(c.facilitator_tid)?)?;
                for (sid, mut run) in runs {
                    if let Some(stage) = stages.get(&sid) {
                        stage.fill(&mut run);
                    }
                    let row = RunRow {
                        session: session.clone(),
                        start,
                        protocol: protocol.clone(),
                        group: group.clone(),
                        facilitator: facilitator.clone(),
                        run,
                    };
                    if !f(row) {
                        return Ok(());
                    }
                }
            }
            Ok(())
        };
        run_all().map_err(|e| self.failed(&e))
    }
}

/// A `WHERE` clause over `f` and its parameters, narrowed to one protocol's sessions if given.
fn with_protocol(
    (mut w, mut args): (String, Vec<Value>),
    protocol: Option<&str>,
) -> (String, Vec<Value>) {
    if let Some(p) = protocol {
        args.push(Value::Text(p.to_string()));
        w.push_str(" AND f.protocol_id = ?");
        w.push_str(&args.len().to_string());
    }
    (w, args)
}

#[cfg(test)]
mod tests {
    use super::{GROUP_COMMITMENTS, GROUP_FOLLOW_UPS, GROUP_HISTORY};

    fn plan(sql: &str, args: &[&dyn rusqlite::ToSql]) -> String {
        let conn = rusqlite::Connection::open_in_memory().expect("in memory");
        conn.execute_batch(super::super::schema::CREATE).expect("schema");
        let mut st = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).expect("plan");
        let plan: Vec<String> = st
            .query_map(args, |r| r.get::<_, String>("detail"))
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("plan rows");
        plan.join("\n")
    }

    /// A new session of a course is numbered from its group's rows alone, however long the
    /// history of other groups and protocols: the query walks the `files_group` index on the
    /// group, the protocol and `shown`, in date order, and reads the group's `unstarted` rows,
    /// never a session's own rows (each would be a read of the disk after a reboot).
    #[test]
    fn a_groups_history_reads_only_that_groups_rows_of_the_protocol() {
        let plan = plan(GROUP_HISTORY, &[&"ml", &"course"]);
        assert!(
            plan.contains("USING COVERING INDEX files_group (gid=? AND pnum=? AND shown=?)"),
            "{plan}"
        );
        assert!(plan.contains("SEARCH u USING PRIMARY KEY (gid=?)"), "{plan}");
        assert!(!plan.contains("runs"), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "sorted without an index: {plan}");
        assert!(!plan.lines().any(|l| l.starts_with("SCAN")), "a whole table is read: {plan}");
    }

    /// The open commitments a new session of a group carries are read from the group's rows
    /// alone: their follow-ups side by side, by the group of the session that made them, its
    /// sessions from `files_group`, and each session's commitments. No session's own row is
    /// looked up (each a read of the disk after a reboot).
    #[test]
    fn a_groups_open_commitments_are_read_from_the_groups_rows_alone() {
        let plan_c = plan(GROUP_COMMITMENTS, &[&"ml"]);
        assert!(plan_c.contains("SEARCH c USING PRIMARY KEY (fid=?)"), "{plan_c}");
        assert!(plan_c.contains("COVERING INDEX files_group (gid=?"), "{plan_c}");
        assert!(!plan_c.lines().any(|l| l.starts_with("SCAN")), "{plan_c}");
        let plan_u = plan(GROUP_FOLLOW_UPS, &[&1]);
        assert!(plan_u.contains("COVERING INDEX updates_target (made_gid=?)"), "{plan_u}");
        assert!(!plan_u.lines().any(|l| l.starts_with("SCAN")), "{plan_u}");
    }

    /// A file's name is looked up among its session's few copies (`files_key`) or, for a name
    /// of its own, in its folder (`files_folder`): never by reading a whole folder's rows, now
    /// that no index holds every column the update compares (schema 21).
    #[test]
    fn a_files_name_is_looked_up_through_an_index_not_a_folders_rows() {
        let plan = plan(super::super::store::FID_OF_NAME, &[&"2026-12", &"k", &"k (1).jsonl"]);
        assert!(plan.contains("USING INDEX files_key (key=?)"), "{plan}");
        assert!(plan.contains("USING COVERING INDEX files_folder (folder=? AND name=?)"), "{plan}");
        assert!(!plan.lines().any(|l| l.contains("SCAN")), "a whole table is read: {plan}");
    }

    /// Every session status is kept as a number of its own and read back as itself; a number
    /// that stands for none is refused, not read as some status.
    #[test]
    fn a_session_status_is_kept_as_a_number_of_its_own() {
        use super::super::store::{status_number, status_of_number};
        use crate::review::SessionStatus as S;
        let all = [S::Completed, S::EndedEarly, S::Unfinished];
        for s in all {
            assert_eq!(status_of_number(status_number(s)), Some(s));
        }
        let numbers: std::collections::BTreeSet<i64> = all.into_iter().map(status_number).collect();
        assert_eq!(numbers.len(), all.len());
        assert_eq!(status_of_number(0), None);
        assert_eq!(status_of_number(4), None);
    }
}
