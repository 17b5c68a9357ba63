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
//! Files being written by a sync tool or a copy are either hidden or not `.jsonl`
//! (`.syncthing.ID.jsonl.tmp`, `ID.jsonl.part`, `~$ID.jsonl`, convene's own
//! `.ID.jsonl.tmp` and `ID.jsonl.incomplete`) and are ignored; a copy still arriving under the
//! final name is a torn copy, which never wins over a complete one.

use std::path::Path;

use crate::log::is_session_id;

/// Whether a file name in the sessions folder is a log to read: `*.jsonl`, not hidden (`.`),
/// not an Office-style lock or temporary file (`~`).
pub fn is_log_name(name: &str) -> bool {
    Path::new(name).extension().is_some_and(|x| x == "jsonl")
        && !name.starts_with('.')
        && !name.starts_with('~')
        && name.len() > ".jsonl".len()
}

/// The session a log file's name stands for: the longest session id its name begins with,
/// followed by the end of the name or by a character that is not a letter or digit (so the
/// `-LAPTOP-7` of a `OneDrive` copy is not taken for part of the id); else the name without
/// `.jsonl`.
pub fn name_id(name: &str) -> &str {
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
pub fn month_of_folder(name: &str) -> Option<&str> {
    let month = name.get(..7).filter(|m| crate::log::is_month_folder(m))?;
    let boundary = name[7..].chars().next().is_none_or(|c| !c.is_ascii_alphanumeric());
    boundary.then_some(month)
}

/// Whether `name` is the log's own name, `<id>.jsonl`, rather than a copy's.
pub fn is_own_name(name: &str, id: &str) -> bool {
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
