//! `convene logs export`: Markdown minutes, CSV (one row per stage run) and normalised JSON.
//! The shapes are documented in `docs/review.md`; [`write_new`] writes a file 0600 and never over
//! an existing one.

mod csv;
mod html;
mod ics;
mod json;
mod markdown;
mod tables;

use std::io::Write as _;
use std::path::Path;

use super::ReviewError;
use super::detail::Session;
use super::redact::Names;
use crate::log::files::open_new_private;
use crate::session::Agreement;

pub use self::csv::{BOM, CSV_RUN_COLUMNS, CSV_SESSION_COLUMNS, csv, csv_many};
pub(crate) use self::html::html;
pub(crate) use self::ics::{ics_event, ics_head, ics_tail};
pub use self::json::json;
pub use self::markdown::markdown;
pub(crate) use self::tables::{ActionsCsv, report_csv};

pub use self::json::JSON_SCHEMA;

pub(super) fn names_for(sess: &Session, redact: bool) -> Names {
    if redact { Names::redacting(&sess.state) } else { Names::plain() }
}

pub(super) fn agreement(names: &Names, a: Option<&Agreement>) -> String {
    match a {
        None => "no agreement needed".into(),
        Some(Agreement::Group) => "group agreed".into(),
        Some(Agreement::People(p)) => {
            let who: Vec<String> = p.iter().map(|n| names.name(n)).collect();
            format!("agreed by {}", who.join(", "))
        }
    }
}

/// Creates a new file with mode 0600. An existing file is never replaced.
pub(crate) fn create_new(path: &Path) -> Result<std::fs::File, ReviewError> {
    open_new_private(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            ReviewError::Exists { path: path.to_path_buf() }
        } else {
            ReviewError::Write { action: "create", path: path.to_path_buf(), reason: e.to_string() }
        }
    })
}

/// Creates a file with mode 0600 to be written from the start: a new one, or with `force` an
/// existing one emptied (`-o FILE --force`).
pub(crate) fn create(path: &Path, force: bool) -> Result<std::fs::File, ReviewError> {
    if force {
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.is_dir() => {
                return Err(ReviewError::Write {
                    action: "replace",
                    path: path.to_path_buf(),
                    reason: "it is a folder".into(),
                });
            }
            Ok(_) => {
                std::fs::remove_file(path).map_err(|e| ReviewError::Write {
                    action: "replace",
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                })?;
            }
            Err(_) => {}
        }
    }
    create_new(path)
}

/// Writes a new file with mode 0600. An existing file is never replaced.
pub(crate) fn write_new(path: &Path, contents: &str) -> Result<(), ReviewError> {
    write_file(path, contents, false)
}

/// Writes a file with mode 0600: a new one, or with `force` over an existing one.
pub(crate) fn write_file(path: &Path, contents: &str, force: bool) -> Result<(), ReviewError> {
    let mut f = create(path, force)?;
    f.write_all(contents.as_bytes()).and_then(|()| f.sync_all()).map_err(|e| ReviewError::Write {
        action: "write",
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::Header;
    use crate::log::reader::SessionLog;
    use crate::protocol::Library;
    use crate::session::{Command, Now, SessionState, Setup, apply, decide};

    /// A session whose first stage has a name that needs quoting in CSV and escaping in Markdown.
    fn awkward() -> Session {
        let mut protocol = Library::builtin_only().get("project-tuning").unwrap().clone();
        protocol.round[0].name = "Plan, \"do\" | review".into();
        let setup = Setup::new(protocol, ["Ann Lee", "Ben"]);
        let start = chrono::DateTime::parse_from_rfc3339("2026-11-02T09:00:00+00:00").unwrap();
        let mut st = SessionState::new(setup.clone());
        let mut events = Vec::new();
        for (ms, cmd) in [(0, Command::Start), (61_500, Command::Next { force: true })] {
            let now = Now::new(ms, start + chrono::Duration::milliseconds(ms.cast_signed()));
            for e in decide(&st, cmd, now).unwrap() {
                apply(&mut st, &e);
                events.push(e);
            }
        }
        let log = SessionLog {
            header: Header::new("s".into(), start, setup),
            events,
            last_seq: 3,
            problems: vec![],
            complete_len: 0,
        };
        Session::with_follow_ups("s.jsonl".into(), &log, std::collections::HashMap::new())
    }

    #[test]
    fn csv_quotes_commas_and_quotes_and_keeps_milliseconds() {
        let text = csv(&awkward()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[1],
            "1,presenter,\"Plan, \"\"do\"\" | review\",1,240,61.5,0,0,0,0,0,0,next,"
        );
        assert_eq!(lines.len(), 3, "header, the finished stage and the one in progress");
    }

    #[test]
    fn html_minutes_are_one_page_with_every_piece_of_text_escaped() {
        let mut sess = awkward();
        sess.state.setup.protocol.name = "Tuning <script>alert(1)</script> & \"co\"".into();
        let page = html(&sess, false);
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"), "{page}");
        assert!(page.contains("<meta charset=\"utf-8\">"));
        assert!(page.contains("@media print"), "a print style sheet");
        assert!(!page.contains("<script"), "{page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp;"), "{page}");
        // Self-contained: nothing is fetched.
        for fetch in ["<link", "src=", "url(", "@import", "http"] {
            assert!(!page.contains(fetch), "{fetch} in {page}");
        }
        // The Markdown table became an HTML table, its cells escaped.
        assert!(
            page.contains("<table>") && page.contains("<td>Plan, \"do\" | review</td>"),
            "{page}"
        );
        assert!(page.ends_with("</html>\n"));
    }

    #[test]
    fn markdown_cells_cannot_break_the_table() {
        let md = markdown(&awkward(), false);
        assert!(md.contains("| 1 | Plan, \"do\" \\| review | 1 | 4:00 | 1:02 | - |"), "{md}");
    }
}
