//! Completion of the values a shell can't know: protocol ids, session ids and group names
//! (`convene run coa<TAB>`, `convene logs show <TAB>`, `--group "AP<TAB>`), through
//! `clap_complete`'s dynamic completion. The shell's script (`COMPLETE=bash convene`, see
//! docs/cli.md) runs `convene` with `COMPLETE` set at each TAB; `main` answers it with
//! [`clap_complete::CompleteEnv`] before anything else, from the definitions in [`crate::cli`],
//! whose arguments name the completers below (they are clap's, so they live under `cli`).
//!
//! The folders are those in effect from the environment and the config file (a `--data-dir` on
//! the line being completed is not read). A completer never prints and never fails: anything
//! that goes wrong (no data folder yet, a broken config file) gives no candidates.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter, CompletionCandidate};

use crate::config::{self, Given};
use crate::review::{Filter, Index, Query, SessionStatus};
use crate::text::sanitize;

/// The settings in effect without a command line; `None` when they can't be resolved.
fn dirs() -> Option<crate::config::Dirs> {
    config::resolve(&Given::default()).ok().map(|s| s.dirs())
}

/// Protocol ids of the library in effect (built-ins and the user's folder), each with its name.
pub(crate) fn protocols() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        let Some(dirs) = dirs() else { return Vec::new() };
        let lib = crate::commands::protocols::library(&dirs);
        lib.entries
            .iter()
            .filter(|e| e.shadowed_by.is_none())
            .filter_map(|e| e.protocol.as_ref().ok())
            .map(|p| CompletionCandidate::new(sanitize(&p.id)).help(Some(sanitize(&p.name).into())))
            .collect()
    })
}

/// Session ids that start with what is typed, newest first, read from the names of the logs
/// (only the month folders the typed start can be in are listed: `202611` lists `2026-11/`).
pub(crate) fn session_ids() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let Some(data) = dirs().and_then(|d| d.data_dir) else { return Vec::new() };
        let typed = current.to_string_lossy();
        ids_in(&crate::log::sessions_dir(&data), &typed)
            .into_iter()
            .map(CompletionCandidate::new)
            .collect()
    })
}

/// The ids of the logs in `sessions` (its month folders and itself) that start with `typed`,
/// newest first. Only names that are session ids count (not a sync tool's conflict copies).
pub(crate) fn ids_in(sessions: &Path, typed: &str) -> Vec<String> {
    let mut folders: Vec<PathBuf> = vec![sessions.to_path_buf()];
    if let Ok(rd) = std::fs::read_dir(sessions) {
        for e in rd.flatten() {
            let name = e.file_name();
            let Some(name) = name.to_str() else { continue };
            if is_month(name) && month_may_hold(name, typed) {
                folders.push(e.path());
            }
        }
    }
    let mut ids = Vec::new();
    for f in folders {
        let Ok(rd) = std::fs::read_dir(&f) else { continue };
        for e in rd.flatten() {
            let name = e.file_name();
            let Some(id) = name.to_str().and_then(|n| n.strip_suffix(".jsonl")) else { continue };
            if crate::review::id_time(id).is_some() && id.len() == 19 && id.starts_with(typed) {
                ids.push(id.to_string());
            }
        }
    }
    ids.sort_unstable_by(|a, b| b.cmp(a));
    ids.dedup();
    ids
}

/// `YYYY-MM`.
fn is_month(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() == 7 && b[4] == b'-' && b.iter().enumerate().all(|(i, c)| i == 4 || c.is_ascii_digit())
}

/// Whether month folder `YYYY-MM` can hold ids starting with `typed` (`YYYYMMDD-…`).
fn month_may_hold(month: &str, typed: &str) -> bool {
    let ym = month.replace('-', "");
    let n = typed.len().min(6);
    ym.get(..n) == typed.get(..n)
}

/// The data folder's index, if one was built already: a TAB never starts a first build (minutes
/// with many logs); an index that exists is brought up to date, which costs little.
fn built_index(data: &Path) -> Option<Index> {
    crate::review::index::index_path(data).filter(|p| p.exists())?;
    Index::open_with(data, false).ok()
}

/// Ids of the sessions that did not end (for `resume` and `mirror`), newest first, each with
/// its protocol's name (none before the index is first built).
pub(crate) fn unfinished_ids() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        let Some(data) = dirs().and_then(|d| d.data_dir) else { return Vec::new() };
        let Some(index) = built_index(&data) else { return Vec::new() };
        let filter = Filter { status: Some(SessionStatus::Unfinished), ..Filter::default() };
        let Ok(entries) = index.entries(&Query::new(&filter)) else { return Vec::new() };
        entries
            .iter()
            .filter_map(|e| e.ok().map(|d| (e, d)))
            .map(|(e, d)| {
                CompletionCandidate::new(sanitize(&e.id))
                    .help(Some(sanitize(&d.protocol_name).into()))
            })
            .collect()
    })
}

/// The names of the recurring groups in the sessions folder's logs, as first written.
pub(crate) fn groups() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        let Some(data) = dirs().and_then(|d| d.data_dir) else { return Vec::new() };
        group_names(&data).into_iter().map(CompletionCandidate::new).collect()
    })
}

/// The group names the index knows for a data folder, one per group, sorted (none before the
/// index is first built).
pub(crate) fn group_names(data: &Path) -> Vec<String> {
    let Some(index) = built_index(data) else { return Vec::new() };
    let sql = "SELECT (SELECT t.text FROM files f JOIN details d ON d.fid = f.fid
                        JOIN texts t ON t.tid = d.group_tid
                        WHERE f.gid = g.gid AND f.shown = 1 LIMIT 1)
               FROM (SELECT DISTINCT gid FROM files WHERE gid IS NOT NULL AND shown = 1) g";
    let Ok(mut stmt) = index.conn.prepare(sql) else { return Vec::new() };
    let Ok(rows) = stmt.query_map([], |r| r.get::<_, Option<String>>(0)) else {
        return Vec::new();
    };
    let mut names: Vec<String> = rows.flatten().flatten().map(|n| sanitize(&n)).collect();
    names.sort_unstable_by_key(|n| n.to_lowercase());
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_month_folders_a_typed_start_can_be_in_are_read() {
        assert!(month_may_hold("2026-11", ""));
        assert!(month_may_hold("2026-11", "2026"));
        assert!(month_may_hold("2026-11", "20261102-09"));
        assert!(!month_may_hold("2026-10", "202611"));
        assert!(!month_may_hold("2025-11", "2026"));
        assert!(is_month("2026-11"));
        assert!(!is_month("2026-11 (1)"));
        assert!(!is_month("cache"));
    }
}
