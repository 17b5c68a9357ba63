//! Which files in the sessions folder are logs, and which session a file name belongs to, when
//! sync tools have made copies of it.
//!
//! Logs are in month folders (`sessions/2026-11/`) or, written before month folders, in the
//! sessions folder itself; a copy is made beside its log, and the rules below are the same in
//! either place (they look at a file's own name, never at its folder).
//!
//! A session is known by the id in its log's header, never by its file name alone: every
//! `*.jsonl` file is read, and files whose headers name the same session are copies of one
//! session, listed once (see [`super::index`] for which copy is shown). File names matter only
//! for files that cannot be read (a copy cut short in its header, a log of a newer format):
//! such a file belongs to the session whose id its name begins with, so an unreadable
//! `20261116-090000-000 (1).jsonl` is hidden behind a readable `20261116-090000-000.jsonl`.
//!
//! The names sync tools give conflicting copies all begin with the original name:
//!
//! | tool | copy of `ID.jsonl` |
//! |---|---|
//! | Google Drive, Windows | `ID (1).jsonl` |
//! | `Dropbox` | `ID (Ann's conflicted copy 2026-11-29).jsonl` |
//! | `OneDrive`, `SharePoint` | `ID-LAPTOP-7.jsonl` (the machine's name) |
//! | `Nextcloud`, `ownCloud` | `ID (conflicted copy 2026-11-29 083000).jsonl` |
//! | `Syncthing` | `ID.sync-conflict-20261129-083000-ABCDEFG.jsonl` |
//! | others | `ID-conflict-…jsonl`, `ID_conflict….jsonl` |
//!
//! # A session continued in two places
//!
//! Copies usually differ only in how far they got (a torn copy, an older version): one's events
//! are the start of the other's, and the longer one stands for the session. When a session was
//! continued on two laptops (a sync conflict after both resumed it), the copies share their
//! first events and then part: they **fork**. [`merge`] then makes one log of them, so that the
//! review shows both branches and never silently one: the events of the longest branch (its
//! stages and their times, shown once), then every note, commitment and follow-up of the other
//! branches that it lacks (a commitment id taken in both branches is renumbered, `c3` → `c5`,
//! with its follow-ups). The [`Fork`] is kept with the digest: when the branches part, and
//! which files hold them; `logs show` and `logs list` say "continued on two laptops from 10:42".
//!
//! Files being written by a sync tool or a copy are either hidden or not `.jsonl`
//! (`.syncthing.ID.jsonl.tmp`, `ID.jsonl.part`, `~$ID.jsonl`, convene's own
//! `.ID.jsonl.tmp` and `ID.jsonl.incomplete`) and are ignored; a copy still arriving under the
//! final name is a torn copy, which never wins over a complete one.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::log::is_session_id;
use crate::log::reader::SessionLog;
use crate::session::{Event, Stamped};

/// Where copies of one session part: see the module docs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fork {
    /// When the branches part: the time of the first event not in all of them (by the clock of
    /// the laptop that wrote it).
    #[serde(with = "crate::session::event::wall_ms")]
    pub at: DateTime<FixedOffset>,
    /// The files of the branches (their paths in the sessions folder), the one whose stages
    /// are shown first.
    pub files: Vec<String>,
}

impl Fork {
    /// `continued on two laptops from 10:42 (ID.jsonl, ID (1).jsonl): both branches are
    /// shown, each stage and record once`.
    pub(crate) fn describe(&self) -> String {
        let places = match self.files.len() {
            2 => "two laptops".to_string(),
            n => format!("{n} laptops"),
        };
        let files: Vec<String> =
            self.files.iter().map(|f| crate::text::sanitize(base_name(f))).collect();
        format!(
            "continued on {places} from {} ({}): both branches are shown, each stage and record \
             once (the stages as in the first)",
            self.at.format("%H:%M"),
            files.join(", ")
        )
    }
}

/// One log made of the copies of a session that fork (`copies`: each file's path in the
/// sessions folder and its log, all of one session), as the module docs say; `None` when they
/// do not fork (each is the start of the longest, which then stands for the session as it is).
pub(crate) fn merge(copies: &[(String, SessionLog)]) -> Option<(SessionLog, Fork)> {
    let mut order: Vec<&(String, SessionLog)> = copies.iter().collect();
    // The longest first; of equal ones, one that ended, then the one under the session's own
    // name, then by name.
    order.sort_by(|(an, a), (bn, b)| {
        let ended =
            |l: &SessionLog| l.events.iter().any(|e| matches!(e.event, Event::SessionEnded { .. }));
        b.events
            .len()
            .cmp(&a.events.len())
            .then_with(|| ended(b).cmp(&ended(a)))
            .then_with(|| {
                let own = |n: &str| is_own_name(base_name(n), &a.header.session);
                own(bn).cmp(&own(an))
            })
            .then_with(|| an.cmp(bn))
    });
    let ((base_name_, base), rest) = order.split_first()?;
    let mut merged = base.clone();
    let mut files = vec![base_name_.clone()];
    let mut at: Option<DateTime<FixedOffset>> = None;
    for (name, other) in rest {
        let common = base.events.iter().zip(&other.events).take_while(|(a, b)| a == b).count();
        if common == other.events.len() {
            continue;
        }
        let parted = [base.events.get(common), other.events.get(common)]
            .into_iter()
            .flatten()
            .map(|e| e.wall)
            .min();
        at = match (at, parted) {
            (Some(a), Some(p)) => Some(a.min(p)),
            (a, p) => a.or(p),
        };
        files.push(name.clone());
        add_records(&mut merged, &other.events[common..]);
        merged.last_seq = merged.last_seq.max(other.last_seq);
    }
    let at = at?;
    Some((merged, Fork { at, files }))
}

/// The file name in a path of the sessions folder (`2026-11/ID.jsonl` → `ID.jsonl`).
fn base_name(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

/// Adds to `merged` the notes, commitments and follow-ups of `tail` (a branch after the fork)
/// that it does not hold already, renumbering a commitment or note whose id is taken.
fn add_records(merged: &mut SessionLog, tail: &[Stamped]) {
    let mut taken: HashSet<String> = merged
        .events
        .iter()
        .filter_map(|e| match &e.event {
            Event::NoteAdded { id, .. } | Event::CommitmentAdded { id, .. } => Some(id.clone()),
            _ => None,
        })
        .collect();
    let mut renamed: HashMap<String, String> = HashMap::new();
    for e in tail {
        let is_record = matches!(
            e.event,
            Event::NoteAdded { .. }
                | Event::CommitmentAdded { .. }
                | Event::CommitmentUpdated { .. }
        );
        if !is_record || merged.events.iter().any(|m| m.event == e.event) {
            continue;
        }
        let mut e = e.clone();
        match &mut e.event {
            Event::NoteAdded { id, .. } | Event::CommitmentAdded { id, .. } => {
                if taken.contains(id.as_str()) {
                    let fresh = free_id(id, &taken);
                    renamed.insert(id.clone(), fresh.clone());
                    *id = fresh;
                }
                taken.insert(id.clone());
            }
            Event::CommitmentUpdated { session: None, id, .. } => {
                if let Some(new) = renamed.get(id.as_str()) {
                    id.clone_from(new);
                }
            }
            _ => {}
        }
        merged.events.push(e);
    }
}

/// The first id with `id`'s letters and a number not taken (`c3` → `c4`, `c5`…).
fn free_id(id: &str, taken: &HashSet<String>) -> String {
    let stem = id.trim_end_matches(|c: char| c.is_ascii_digit());
    // One of the first `taken.len() + 1` numbers is free.
    (1..=taken.len() + 1)
        .map(|n| format!("{stem}{n}"))
        .find(|c| !taken.contains(c))
        .unwrap_or_else(|| format!("{stem}{}", taken.len() + 2))
}

/// Whether a file name in the sessions folder is a log to read: `*.jsonl`, not hidden (`.`),
/// not an Office-style lock or temporary file (`~`).
pub(crate) fn is_log_name(name: &str) -> bool {
    Path::new(name).extension().is_some_and(|x| x == "jsonl")
        && !name.starts_with('.')
        && !name.starts_with('~')
        && name.len() > ".jsonl".len()
}

/// The session a log file's name stands for: the longest session id its name begins with,
/// followed by the end of the name or by a character that is not a letter or digit (so the
/// `-LAPTOP-7` of a `OneDrive` copy is not taken for part of the id); else the name without
/// `.jsonl`.
pub(crate) fn name_id(name: &str) -> &str {
    let stem = name.strip_suffix(".jsonl").unwrap_or(name);
    for len in [27, 24, 22, 19] {
        let (Some(head), Some(tail)) = (stem.get(..len), stem.get(len..)) else { continue };
        let boundary = tail.chars().next().is_none_or(|c| !c.is_ascii_alphanumeric());
        if boundary && is_session_id(head) {
            return head;
        }
    }
    stem
}

/// The month a folder in the sessions folder holds logs of: a month folder, `YYYY-MM`, or a copy
/// of one that a sync tool made when two machines created the same month folder (`2026-12 (1)`,
/// `2026-12 (Ann's conflicted copy 2026-12-01)`, `2026-12-LAPTOP-7`,
/// `2026-12.sync-conflict-20261201-083000-ABCDEFG`): a month followed by a character that is not
/// a letter or digit. The logs in such a copy are read as the month's (a session in both is one
/// session, its copies compared as any others). `None` for any other folder.
pub(crate) fn month_of_folder(name: &str) -> Option<&str> {
    let month = name.get(..7).filter(|m| crate::log::is_month_folder(m))?;
    let boundary = name[7..].chars().next().is_none_or(|c| !c.is_ascii_alphanumeric());
    boundary.then_some(month)
}

/// Whether `name` is the log's own name, `<id>.jsonl`, rather than a copy's.
pub(crate) fn is_own_name(name: &str, id: &str) -> bool {
    name.strip_suffix(".jsonl") == Some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_made_by_sync_tools_are_known_by_the_id_they_begin_with() {
        let old = "20261116-090000-000";
        let new = "20261129-083000-123-k3f9";
        for (name, id) in [
            (format!("{old}.jsonl"), old),
            (format!("{old}-02.jsonl"), "20261116-090000-000-02"),
            (format!("{old} (1).jsonl"), old),
            (format!("{old} (Ann's conflicted copy 2026-11-29).jsonl"), old),
            (format!("{old}-LAPTOP-7.jsonl"), old),
            (format!("{old}-desktop.jsonl"), old),
            (format!("{old}.sync-conflict-20261129-083000-ABCDEFG.jsonl"), old),
            (format!("{new}.jsonl"), new),
            (format!("{new}-02.jsonl"), "20261129-083000-123-k3f9-02"),
            (format!("{new} (2).jsonl"), new),
            (format!("{new}-conflict-laptop.jsonl"), new),
            (format!("{new}.sync-conflict-20261129-083000-ABCDEFG.jsonl"), new),
            ("notes.jsonl".to_string(), "notes"),
        ] {
            assert_eq!(name_id(&name), id, "{name}");
        }
    }

    fn log(lines: &[&str]) -> SessionLog {
        let header = r#"{"kind":"header","format":1,"convene":"0","session":"20261123-090000-000-aaaa","created":"2026-11-23T09:00:00.000+00:00","setup":{"protocol":{"format":1,"id":"p","name":"P","summary":"s","source":"s","roles":[{"id":"member","name":"Member","count":"rest","guidance":"Takes part"}],"group":{"min":1,"max":9},"rotation":{"rounds":1},"round":[{"id":"a","name":"A","duration":"1m"}]},"participants":["Ann"]}}"#;
        let text: Vec<&str> = std::iter::once(header).chain(lines.iter().copied()).collect();
        crate::log::reader::parse_log(&format!("{}\n", text.join("\n")), "t").unwrap()
    }

    fn commitment(seq: u32, at: u32, id: &str, text: &str) -> String {
        format!(
            r#"{{"seq":{seq},"at":{at},"wall":"2026-11-23T09:0{at}:00.000+00:00","type":"commitment-added","id":"{id}","pos":0,"owner":"Ann","text":"{text}"}}"#
        )
    }

    #[test]
    fn copies_that_fork_are_merged_with_each_record_once() {
        let start =
            r#"{"seq":1,"at":0,"wall":"2026-11-23T09:00:00.000+00:00","type":"session-started"}"#;
        let both = commitment(2, 1, "c1", "both");
        let a = log(&[start, &both, &commitment(3, 2, "c2", "A's")]);
        let b = log(&[
            start,
            &both,
            &commitment(3, 3, "c2", "B's"),
            r#"{"seq":4,"at":4,"wall":"2026-11-23T09:04:00.000+00:00","type":"commitment-updated","id":"c2","status":"done"}"#,
        ]);
        // A prefix is no fork.
        let prefix = log(&[start, &both]);
        assert!(merge(&[("a.jsonl".into(), a.clone()), ("p.jsonl".into(), prefix)]).is_none());
        let (merged, fork) =
            merge(&[("a.jsonl".into(), a), ("b.jsonl".into(), b)]).expect("a fork");
        assert_eq!(fork.files, ["b.jsonl", "a.jsonl"], "the longer first");
        assert_eq!(fork.at.format("%H:%M").to_string(), "09:02");
        let records: Vec<String> = merged
            .events
            .iter()
            .filter_map(|e| match &e.event {
                Event::CommitmentAdded { id, text, .. } => Some(format!("{id} {text}")),
                Event::CommitmentUpdated { id, .. } => Some(format!("{id} updated")),
                _ => None,
            })
            .collect();
        assert_eq!(records, ["c1 both", "c2 B's", "c2 updated", "c3 A's"]);
    }

    #[test]
    fn copies_of_month_folders_are_read_as_the_month() {
        for name in [
            "2026-12",
            "2026-12 (1)",
            "2026-12 (Ann's conflicted copy 2026-12-01)",
            "2026-12 (conflicted copy 2026-12-01 083000)",
            "2026-12-LAPTOP-7",
            "2026-12.sync-conflict-20261201-083000-ABCDEFG",
            "2026-12_conflict",
        ] {
            assert_eq!(month_of_folder(name), Some("2026-12"), "{name}");
        }
        for name in ["2026-13", "2026-1", "2026-123", "2026-12a", "old", "2026", ".2026-12", "é"] {
            assert_eq!(month_of_folder(name), None, "{name}");
        }
    }

    #[test]
    fn temporary_and_hidden_files_are_not_logs() {
        assert!(is_log_name("20261116-090000-000.jsonl"));
        assert!(is_log_name("20261116-090000-000 (1).jsonl"));
        for name in [
            ".20261116-090000-000.jsonl.tmp",
            ".syncthing.20261116-090000-000.jsonl.tmp",
            "20261116-090000-000.jsonl.part",
            "20261116-090000-000.jsonl.incomplete",
            "~$20261116-090000-000.jsonl",
            ".hidden.jsonl",
            ".jsonl",
            "README.md",
        ] {
            assert!(!is_log_name(name), "{name}");
        }
    }
}
