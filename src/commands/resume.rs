//! `convene resume --list`: the unfinished sessions, as text or JSON. (Resuming one is the live
//! screen's, in `tui`.)

use std::fmt::Write as _;
use std::process::ExitCode;

use serde::Serialize;

use crate::log::in_use;
use crate::output;
use crate::review::{Entry, Scan, SessionStatus};
use crate::text::sanitize;

/// One unfinished session in `convene resume --list --json`.
#[derive(Debug, Serialize)]
pub struct Unfinished<'a> {
    pub id: &'a str,
    pub path: String,
    /// When the session was created, RFC 3339 with milliseconds.
    pub created: String,
    pub protocol: ProtocolRef<'a>,
    /// The stage it stopped in (the one not finished, else the last one run); `null` when no
    /// stage was started.
    pub stage: Option<&'a str>,
    /// Whether a convene in another terminal is running it (it then cannot be resumed here).
    pub running: bool,
}

#[derive(Debug, Serialize)]
pub struct ProtocolRef<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

#[derive(Debug, Serialize)]
struct ListJson<'a> {
    sessions: Vec<Unfinished<'a>>,
}

/// The readable sessions that did not end, newest first.
pub fn unfinished(scan: &Scan) -> Vec<Unfinished<'_>> {
    scan.entries.iter().filter_map(|e: &Entry| describe(e, in_use(&e.path))).collect()
}

fn describe(e: &Entry, running: bool) -> Option<Unfinished<'_>> {
    let d = e.ok().filter(|d| d.status == SessionStatus::Unfinished)?;
    Some(Unfinished {
        id: &e.id,
        path: e.path.display().to_string(),
        created: d.created.to_rfc3339_opts(chrono::SecondsFormat::Millis, false),
        protocol: ProtocolRef { id: &d.protocol_id, name: &d.protocol_name },
        stage: d.runs.iter().find(|r| !r.finished).or(d.runs.last()).map(|r| r.name.as_str()),
        running,
    })
}

/// The text: `ID  CREATED  PROTOCOL  in STAGE  (running in another terminal)`, one line each.
pub fn text(scan: &Scan) -> String {
    let mut text = String::new();
    for e in &scan.entries {
        let Some(u) = describe(e, in_use(&e.path)) else { continue };
        let Some(d) = e.ok() else { continue };
        let running = if u.running { "  (running in another terminal)" } else { "" };
        let place =
            u.stage.map_or_else(|| "not started".to_string(), |s| format!("in {}", sanitize(s)));
        let _ = writeln!(
            text,
            "{}  {}  {}  {place}{running}",
            u.id,
            d.created.format("%Y-%m-%d %H:%M"),
            sanitize(u.protocol.name),
        );
    }
    if text.is_empty() {
        text.push_str("No unfinished sessions.\n");
    }
    text
}

/// Prints the list (`json`: as the `convene-resume-list/1` document).
/// `convene resume --list [--json]`: scans the data folder, then lists.
pub fn run(dirs: &crate::cli::Dirs, json: bool) -> ExitCode {
    let scan = match crate::review::data_dir(dirs.data_dir.as_deref())
        .and_then(|d| crate::review::scan_unfinished(&d))
    {
        Ok(s) => s,
        Err(e) => {
            let code = if e.is_machine_failure() { output::FAILURE } else { output::BAD_INPUT };
            return output::fail(code, &e.to_string());
        }
    };
    list(&scan, json)
}

pub fn list(scan: &Scan, json: bool) -> ExitCode {
    if json {
        let doc = ListJson { sessions: unfinished(scan) };
        output::finish(output::print_document(output::schema::RESUME_LIST, &doc))
    } else {
        output::finish(output::print(&text(scan)))
    }
}
