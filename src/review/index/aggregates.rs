//! The report over every session, kept in the index (tables `report_protocols`,
//! `report_stages` and `report_dirty`: see [`super::schema`]).
//!
//! A report with no filter reads the figures kept for each protocol. Writing a log's rows, or
//! deleting them, marks its protocol ([`mark`]), and so does showing another copy of a session;
//! the next report works out the figures of each marked protocol again from that protocol's
//! runs alone ([`Index::report_of_protocol`]), keeps them and unmarks it, all in one write
//! transaction, so a mark made meanwhile by another process is never lost. When the index cannot
//! be written (another process holds it), the report is worked out from the runs, as with a
//! filter, and nothing is kept.
//!
//! The figures kept are the ones the report would give: medians need every run, which is why a
//! changed protocol is worked out again whole, rather than its figures adjusted.

use rusqlite::{Transaction, TransactionBehavior, params};

use super::Index;
use super::query::Query;
use crate::review::ReviewError;
use crate::review::report::{ProtocolStats, Report, StageStats};

/// Marks a protocol's kept figures as out of date.
pub(crate) fn mark(tx: &Transaction<'_>, protocol_id: &str) -> rusqlite::Result<()> {
    tx.prepare_cached("INSERT OR IGNORE INTO report_dirty(protocol_id) VALUES(?1)")?
        .execute([protocol_id])?;
    Ok(())
}

/// Marks every protocol the report keeps figures of (rows were dropped wholesale).
pub(crate) fn mark_all(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO report_dirty(protocol_id) SELECT protocol_id FROM report_protocols",
        [],
    )?;
    Ok(())
}

fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn size(r: &rusqlite::Row<'_>, col: &str) -> rusqlite::Result<usize> {
    Ok(usize::try_from(r.get::<_, i64>(col)?).unwrap_or(0))
}

fn ms(r: &rusqlite::Row<'_>, col: &str) -> rusqlite::Result<u64> {
    Ok(u64::try_from(r.get::<_, i64>(col)?).unwrap_or(0))
}

/// Replaces what is kept of one protocol with `figures` (none: it has no session any more).
fn keep(
    tx: &Transaction<'_>,
    id: &str,
    figures: Option<&ProtocolStats>,
    left_out: usize,
) -> rusqlite::Result<()> {
    tx.prepare_cached("DELETE FROM report_stages WHERE protocol_id = ?1")?.execute([id])?;
    tx.prepare_cached("DELETE FROM report_protocols WHERE protocol_id = ?1")?.execute([id])?;
    tx.prepare_cached("DELETE FROM report_dirty WHERE protocol_id = ?1")?.execute([id])?;
    let Some(p) = figures else { return Ok(()) };
    tx.prepare_cached(
        "INSERT INTO report_protocols(protocol_id, name, sessions, runs_left_out, with_stop,
            past_stop, median_past_stop_ms, most_past_stop_ms)
         VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        id,
        p.name,
        count(p.sessions),
        count(left_out),
        count(p.with_stop),
        count(p.past_stop),
        int(p.median_past_stop_ms),
        int(p.most_past_stop_ms),
    ])?;
    let mut st = tx.prepare_cached(
        "INSERT INTO report_stages(protocol_id, stage, name, runs, median_planned_ms,
            median_actual_ms, overran, median_overrun_ms, extensions, extended_ms, refusals,
            shortenings, shortened_ms, skipped, first_pos)
         VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?;
    for s in &p.stages {
        st.execute(params![
            id,
            s.stage,
            s.name,
            count(s.runs),
            int(s.median_planned_ms),
            int(s.median_actual_ms),
            count(s.overran),
            int(s.median_overrun_ms),
            count(s.extensions),
            int(s.extended_ms),
            count(s.refusals),
            count(s.shortenings),
            int(s.shortened_ms),
            count(s.skipped),
            count(s.first_pos),
        ])?;
    }
    Ok(())
}

impl Index {
    /// The report over every session, from the figures kept, after working out again those of
    /// the protocols marked since ([`mark`]). `Ok(None)` when the index cannot be written now
    /// (the caller works the report out from the runs).
    pub(crate) fn kept_report(&self) -> Result<Option<Report>, ReviewError> {
        let fail = |e: rusqlite::Error| self.failed(&e);
        let marked = |tx: &Transaction<'_>| -> rusqlite::Result<Vec<String>> {
            let mut st = tx.prepare_cached("SELECT protocol_id FROM report_dirty")?;
            st.query_map([], |r| r.get("protocol_id"))?.collect()
        };
        {
            // Nothing marked, nearly always: read in one snapshot, nothing written.
            let tx = self.conn.unchecked_transaction().map_err(fail)?;
            if marked(&tx).map_err(fail)?.is_empty() {
                return read(&tx).map(Some).map_err(fail);
            }
        }
        let tx = match Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate) {
            Ok(tx) => tx,
            Err(e) if super::is_damage(&e) => return Err(fail(e)),
            // Busy, or read-only: worked out from the runs, nothing kept.
            Err(_) => return Ok(None),
        };
        for id in marked(&tx).map_err(fail)? {
            let r = self.report_of_protocol(&id)?;
            let p = r.protocols.iter().find(|p| p.id == id);
            keep(&tx, &id, p, r.runs_left_out).map_err(fail)?;
        }
        let report = read(&tx).map_err(fail)?;
        // A commit that fails keeps the marks: the figures are worked out again next time, and
        // this answer stands.
        let _ = tx.commit();
        Ok(Some(report))
    }

    /// The report of one protocol's sessions, worked out from their runs.
    fn report_of_protocol(&self, id: &str) -> Result<Report, ReviewError> {
        self.report_where(&Query { readable_only: true, ..Query::default() }, Some(id))
    }
}

/// The report from the figures kept, in the order [`Index::report`] gives.
fn read(tx: &Transaction<'_>) -> rusqlite::Result<Report> {
    let mut protocols: Vec<ProtocolStats> = Vec::new();
    let mut left_out = 0;
    {
        let mut st = tx.prepare_cached(
            "SELECT protocol_id, name, sessions, runs_left_out, with_stop, past_stop,
                median_past_stop_ms, most_past_stop_ms
             FROM report_protocols ORDER BY protocol_id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            left_out += size(r, "runs_left_out")?;
            protocols.push(ProtocolStats {
                id: r.get("protocol_id")?,
                name: r.get("name")?,
                sessions: size(r, "sessions")?,
                with_stop: size(r, "with_stop")?,
                past_stop: size(r, "past_stop")?,
                median_past_stop_ms: ms(r, "median_past_stop_ms")?,
                most_past_stop_ms: ms(r, "most_past_stop_ms")?,
                stages: Vec::new(),
            });
        }
    }
    let mut st = tx.prepare_cached(
        "SELECT protocol_id, stage, name, runs, median_planned_ms, median_actual_ms, overran,
            median_overrun_ms, extensions, extended_ms, refusals, shortenings, shortened_ms,
            skipped, first_pos
         FROM report_stages ORDER BY protocol_id, first_pos, stage",
    )?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let id: String = r.get("protocol_id")?;
        let Some(p) = protocols.iter_mut().find(|p| p.id == id) else { continue };
        p.stages.push(StageStats {
            stage: r.get("stage")?,
            name: r.get("name")?,
            runs: size(r, "runs")?,
            median_planned_ms: ms(r, "median_planned_ms")?,
            median_actual_ms: ms(r, "median_actual_ms")?,
            overran: size(r, "overran")?,
            median_overrun_ms: ms(r, "median_overrun_ms")?,
            extensions: size(r, "extensions")?,
            extended_ms: ms(r, "extended_ms")?,
            refusals: size(r, "refusals")?,
            shortenings: size(r, "shortenings")?,
            shortened_ms: ms(r, "shortened_ms")?,
            skipped: size(r, "skipped")?,
            first_pos: size(r, "first_pos")?,
        });
    }
    let sessions = protocols.iter().map(|p| p.sessions).sum();
    protocols
        .sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.id.cmp(&b.id)));
    Ok(Report { sessions, runs_left_out: left_out, protocols })
}
