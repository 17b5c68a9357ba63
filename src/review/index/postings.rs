//! Lists of files (see [`super::schema`]): for each person key (`person_files`, the person
//! filter's) and each word of the browser's search text (`term_files`), the `fid`s of the files
//! that hold it, in ascending order, cut into chunks of at most [`CHUNK`] files, a row each. A
//! chunk is keyed by its person or word and its first `fid`; its value is the gap from each
//! `fid` to the next, as unsigned LEB128 numbers (a byte or two each). One row a person and file
//! took 17.6 MB at 100,000 logs (1.5 million rows); the chunks take about 2.
//!
//! A new file has the highest `fid` yet, so adding it to a list rewrites the last, small chunk
//! only; removing one rewrites the chunk that holds it. Files added are first noted in the
//! temporary table `pending` ([`PENDING`]) and written to their lists together ([`flush`])
//! before the transaction that adds them ends: a list is then rewritten once for a batch of
//! logs rather than once for each (a first build at 100,000 logs took 60 s, not 38, without).

use rusqlite::{Connection, OptionalExtension, Transaction, params};

/// A table of lists: its name, the column of the number of what each list is of, and its
/// number in `pending`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lists {
    table: &'static str,
    id: &'static str,
    number: i64,
}

/// The person filter's: the files of each person key (`persons.pid`).
pub(crate) const PERSONS: Lists = Lists { table: "person_files", id: "pid", number: 0 };
/// The browser's filter's: the files of each word of the search text (`terms.tid`).
pub(crate) const TERMS: Lists = Lists { table: "term_files", id: "tid", number: 1 };

/// The files added to lists in this transaction and not yet written to them ([`flush`]): made
/// by every connection that writes the index.
pub(crate) const PENDING: &str = "CREATE TEMP TABLE IF NOT EXISTS pending(
    list INTEGER NOT NULL, id INTEGER NOT NULL, fid INTEGER NOT NULL,
    PRIMARY KEY(list, id, fid)) WITHOUT ROWID";

/// A list that does not read back (cut short, or not made by [`pack`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a person's list of sessions in the review index cannot be read back")]
pub(crate) struct BadPostings;

/// The most files a chunk takes when one is added at the end of a list.
pub(crate) const CHUNK: usize = 128;

/// The gaps between ascending `fids`, the first left out (it is the chunk's key).
pub(crate) fn pack(fids: &[i64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(fids.len());
    for w in fids.windows(2) {
        let gap = u64::try_from(w[1] - w[0]).unwrap_or(0);
        // Writing into a `Vec` cannot fail.
        let _ = leb128::write::unsigned(&mut out, gap);
    }
    out
}

/// The `fid`s of a chunk: `first`, then one for each gap in `packed`.
pub(crate) fn unpack(first: i64, mut packed: &[u8]) -> Result<Vec<i64>, BadPostings> {
    let mut out = vec![first];
    let mut at = first;
    while !packed.is_empty() {
        let gap = leb128::read::unsigned(&mut packed).map_err(|_| BadPostings)?;
        let gap = i64::try_from(gap).map_err(|_| BadPostings)?;
        at = at.checked_add(gap).filter(|_| gap > 0).ok_or(BadPostings)?;
        out.push(at);
    }
    Ok(out)
}

fn bad(e: BadPostings) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Blob, Box::new(e))
}

/// The chunk of person `pid`'s list that holds `fid` or would: the last whose first `fid` is
/// not above it.
fn chunk_of(
    tx: &Transaction<'_>,
    l: Lists,
    pid: i64,
    fid: i64,
) -> rusqlite::Result<Option<Vec<i64>>> {
    let found: Option<(i64, Vec<u8>)> = tx
        .prepare_cached(&format!(
            "SELECT first, fids FROM {} WHERE {} = ?1 AND first <= ?2
             ORDER BY first DESC LIMIT 1",
            l.table, l.id
        ))?
        .query_row(params![pid, fid], |r| Ok((r.get("first")?, r.get("fids")?)))
        .optional()?;
    found.map(|(first, packed)| unpack(first, &packed).map_err(bad)).transpose()
}

/// Writes a chunk (its first `fid` is its key); an empty one is nothing.
fn put(tx: &Transaction<'_>, l: Lists, pid: i64, fids: &[i64]) -> rusqlite::Result<()> {
    let Some(first) = fids.first() else { return Ok(()) };
    tx.prepare_cached(&format!(
        "INSERT OR REPLACE INTO {}({}, first, fids) VALUES(?1, ?2, ?3)",
        l.table, l.id
    ))?
    .execute(params![pid, first, pack(fids)])?;
    Ok(())
}

fn drop_chunk(tx: &Transaction<'_>, l: Lists, pid: i64, first: i64) -> rusqlite::Result<()> {
    tx.prepare_cached(&format!("DELETE FROM {} WHERE {} = ?1 AND first = ?2", l.table, l.id))?
        .execute(params![pid, first])?;
    Ok(())
}

/// Notes file `fid` for list `pid` of `l`: it is in the list once [`flush`]ed.
pub(crate) fn note(tx: &Transaction<'_>, l: Lists, pid: i64, fid: i64) -> rusqlite::Result<()> {
    tx.prepare_cached("INSERT OR IGNORE INTO pending(list, id, fid) VALUES(?1, ?2, ?3)")?
        .execute(params![l.number, pid, fid])?;
    Ok(())
}

/// Writes the files noted ([`note`]) into their lists: each list's last chunk is read and
/// written once, however many files it takes.
pub(crate) fn flush(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let noted: Vec<(i64, i64, i64)> = {
        let mut st =
            tx.prepare_cached("SELECT list, id, fid FROM pending ORDER BY list, id, fid")?;
        st.query_map([], |r| Ok((r.get("list")?, r.get("id")?, r.get("fid")?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    let mut rest = noted.as_slice();
    while let Some(&(list, id, _)) = rest.first() {
        let n = rest.iter().take_while(|(l, i, _)| (*l, *i) == (list, id)).count();
        let (group, after) = rest.split_at(n);
        rest = after;
        let l = if list == TERMS.number { TERMS } else { PERSONS };
        let fids: Vec<i64> = group.iter().map(|(_, _, f)| *f).collect();
        append(tx, l, id, &fids)?;
    }
    tx.prepare_cached("DELETE FROM pending")?.execute([])?;
    Ok(())
}

/// Adds ascending `fids` to list `id` of `l`: at the end of its last chunk, and in new chunks
/// of [`CHUNK`] beyond it, when they all come after it (as new files do); one at a time if not.
fn append(tx: &Transaction<'_>, l: Lists, id: i64, fids: &[i64]) -> rusqlite::Result<()> {
    let (Some(&lowest), Some(&highest)) = (fids.first(), fids.last()) else { return Ok(()) };
    let mut chunk = chunk_of(tx, l, id, highest)?.unwrap_or_default();
    if chunk.last().is_some_and(|&last| last >= lowest) {
        for &fid in fids {
            add(tx, l, id, fid)?;
        }
        return Ok(());
    }
    for &fid in fids {
        if chunk.len() >= CHUNK {
            put(tx, l, id, &chunk)?;
            chunk.clear();
        }
        chunk.push(fid);
    }
    put(tx, l, id, &chunk)
}

/// Adds file `fid` to list `pid` of `l` (nothing if it is there).
fn add(tx: &Transaction<'_>, l: Lists, pid: i64, fid: i64) -> rusqlite::Result<()> {
    let Some(mut fids) = chunk_of(tx, l, pid, fid)? else {
        // Before every chunk (or the first): a chunk of its own.
        return put(tx, l, pid, &[fid]);
    };
    let Err(at) = fids.binary_search(&fid) else { return Ok(()) };
    if at == fids.len() && fids.len() >= CHUNK {
        return put(tx, l, pid, &[fid]);
    }
    fids.insert(at, fid);
    put(tx, l, pid, &fids)
}

/// Removes file `fid` from list `pid` of `l`, noted or written (nothing if it is not there).
pub(crate) fn remove(tx: &Transaction<'_>, l: Lists, pid: i64, fid: i64) -> rusqlite::Result<()> {
    tx.prepare_cached("DELETE FROM pending WHERE list = ?1 AND id = ?2 AND fid = ?3")?
        .execute(params![l.number, pid, fid])?;
    let Some(mut fids) = chunk_of(tx, l, pid, fid)? else { return Ok(()) };
    let Ok(at) = fids.binary_search(&fid) else { return Ok(()) };
    let first = fids[0];
    fids.remove(at);
    if at == 0 {
        // Its key was the `fid` removed: the rest, if any, under a key of their own.
        drop_chunk(tx, l, pid, first)?;
    }
    put(tx, l, pid, &fids)
}

/// The files of any of the lists `ids` of `l`, ascending, each once.
pub(crate) fn union(conn: &Connection, l: Lists, ids: &[i64]) -> rusqlite::Result<Vec<i64>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT first, fids FROM {} WHERE {} = ?1 ORDER BY first",
        l.table, l.id
    ))?;
    // A bit a `fid`: as quick for a word every session holds as for one a few do.
    let mut bits: Vec<u64> = Vec::new();
    for id in ids {
        let mut rows = st.query([id])?;
        while let Some(r) = rows.next()? {
            for fid in unpack(r.get("first")?, r.get_ref("fids")?.as_blob()?).map_err(bad)? {
                let Ok(at) = usize::try_from(fid) else { continue };
                if bits.len() <= at / 64 {
                    bits.resize(at / 64 + 1, 0);
                }
                bits[at / 64] |= 1 << (at % 64);
            }
        }
    }
    let mut out = Vec::new();
    for (i, word) in bits.iter().enumerate() {
        let mut w = *word;
        while w != 0 {
            let bit = w.trailing_zeros() as usize;
            out.push(i64::try_from(i * 64 + bit).unwrap_or(i64::MAX));
            w &= w - 1;
        }
    }
    Ok(out)
}

/// The files of person key `key` (`persons.key`), ascending; none for a key the index does not
/// hold.
pub(crate) fn files_of(conn: &Connection, key: &str) -> rusqlite::Result<Vec<i64>> {
    let mut st = conn.prepare_cached(
        "SELECT c.first, c.fids FROM persons p JOIN person_files c ON c.pid = p.pid
         WHERE p.key = ?1 ORDER BY c.first",
    )?;
    let mut rows = st.query([key])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let packed = r.get_ref("fids")?.as_blob()?;
        out.extend(unpack(r.get("first")?, packed).map_err(bad)?);
    }
    Ok(out)
}

/// Takes out of every list of `l` the files `files` no longer holds (rows deleted from
/// outside), so that a `fid` used again later is not found under the persons or words of the
/// file it stood for.
pub(crate) fn drop_orphans(tx: &Transaction<'_>, l: Lists) -> rusqlite::Result<()> {
    let chunks: Vec<(i64, Vec<i64>)> = {
        let mut st = tx.prepare(&format!("SELECT {} AS id, first, fids FROM {}", l.id, l.table))?;
        let mut rows = st.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let fids = unpack(r.get("first")?, r.get_ref("fids")?.as_blob()?).map_err(bad)?;
            out.push((r.get("id")?, fids));
        }
        out
    };
    let mut known = tx.prepare_cached("SELECT 1 FROM files WHERE fid = ?1")?;
    for (pid, fids) in chunks {
        let mut kept = Vec::with_capacity(fids.len());
        for fid in &fids {
            if known.exists([fid])? {
                kept.push(*fid);
            }
        }
        if kept != fids {
            drop_chunk(tx, l, pid, fids[0])?;
            put(tx, l, pid, &kept)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any ascending list of files reads back as it was written.
        #[test]
        fn a_chunk_reads_back_as_written(
            mut fids in proptest::collection::btree_set(1_i64..i64::MAX / 2, 1..300)
                .prop_map(|s| s.into_iter().collect::<Vec<_>>())
        ) {
            fids.sort_unstable();
            let packed = pack(&fids);
            prop_assert_eq!(unpack(fids[0], &packed), Ok(fids.clone()));
        }
    }

    /// Files close together take a byte each.
    #[test]
    fn neighbouring_files_take_a_byte_each() {
        let fids: Vec<i64> = (1000..1128).map(|i| i * 90).collect();
        assert_eq!(pack(&fids).len(), 127);
        assert_eq!(unpack(7, &[]), Ok(vec![7]));
    }

    #[test]
    fn a_list_cut_short_or_not_ascending_is_refused() {
        assert_eq!(unpack(1, &[0x80]), Err(BadPostings));
        assert_eq!(unpack(1, &[0]), Err(BadPostings), "a gap of 0 repeats a file");
    }

    fn db() -> Connection {
        let conn = Connection::open_in_memory().expect("in memory");
        conn.execute_batch(super::super::schema::CREATE).expect("schema");
        conn.execute(PENDING, []).expect("pending");
        conn.execute("INSERT INTO persons(pid, key) VALUES(1, 'ann')", []).expect("person");
        conn
    }

    proptest! {
        /// Adding and removing files in any order, written to the lists now and then, leaves
        /// each person's list holding exactly the files added and not removed, in order.
        #[test]
        fn a_list_holds_what_was_added_and_not_removed(
            ops in proptest::collection::vec((0_u8..5, 1_i64..400), 1..600)
        ) {
            let mut conn = db();
            let tx = conn.transaction().expect("tx");
            let mut want = std::collections::BTreeSet::new();
            for (op, fid) in ops {
                match op {
                    0 | 1 => {
                        note(&tx, PERSONS, 1, fid).expect("note");
                        want.insert(fid);
                    }
                    2 => {
                        add(&tx, PERSONS, 1, fid).expect("add");
                        want.insert(fid);
                    }
                    3 => {
                        remove(&tx, PERSONS, 1, fid).expect("remove");
                        want.remove(&fid);
                    }
                    _ => flush(&tx).expect("flush"),
                }
            }
            flush(&tx).expect("flush");
            tx.commit().expect("commit");
            let got = files_of(&conn, "ann").expect("read");
            prop_assert_eq!(got, want.into_iter().collect::<Vec<_>>());
            prop_assert_eq!(files_of(&conn, "bob").expect("read"), Vec::<i64>::new());
        }
    }

    /// Files added in the order the index makes them fill chunks of [`CHUNK`].
    #[test]
    fn files_added_in_order_fill_whole_chunks() {
        let mut conn = db();
        let tx = conn.transaction().expect("tx");
        for batch in 0..4 {
            for fid in batch * 250 + 1..=(batch + 1) * 250 {
                note(&tx, PERSONS, 1, fid * 3).expect("note");
            }
            flush(&tx).expect("flush");
        }
        tx.commit().expect("commit");
        let chunks: i64 =
            conn.query_row("SELECT count(*) FROM person_files", [], |r| r.get(0)).expect("count");
        assert_eq!(chunks, 8);
        assert_eq!(
            files_of(&conn, "ann").expect("read"),
            (1..=1000).map(|f| f * 3).collect::<Vec<_>>()
        );
    }
}
