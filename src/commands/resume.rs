//! `convene resume --list`: the unfinished sessions, as text or JSON, each with its standing for
//! this laptop ([`crate::log::standing`]). (Resuming one is the live screen's, in `tui`.)

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use serde::Serialize;

use crate::log::in_use;
use crate::log::standing::{Blocked, SETTLE, Standing, standings};
use crate::machine::Machine;
use crate::output;
use crate::review::{Entry, Scan, SessionStatus};
use crate::text::sanitize;

/// One unfinished session in `convene resume --list --json`.
#[derive(Debug, Serialize)]
pub(crate) struct Unfinished<'a> {
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
    /// The machine its log was created on (`null` for logs from before machine ids).
    pub machine: Option<Machine>,
    /// Whether it was created on this laptop (or is not known to be another's).
    pub this_machine: bool,
    /// When its log last changed, RFC 3339.
    pub last_written: Option<String>,
    /// Why it is not offered (`torn`, `growing`), if it is not.
    pub not_offered: Option<Blocked>,
    /// The laptop and when its log last changed, as the text says it.
    #[serde(skip)]
    pub whence: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct ProtocolRef<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

#[derive(Debug, Serialize)]
struct ListJson<'a> {
    sessions: Vec<Unfinished<'a>>,
}

/// The readable sessions that did not end, newest first, with their standing for this laptop.
pub(crate) fn unfinished<'a>(
    scan: &'a Scan,
    me: Option<&Machine>,
    pause: Duration,
) -> Vec<Unfinished<'a>> {
    let entries: Vec<&Entry> = scan
        .entries
        .iter()
        .filter(|e| e.ok().is_some_and(|d| d.status == SessionStatus::Unfinished))
        .collect();
    let running: Vec<bool> = entries.iter().map(|e| in_use(&e.path)).collect();
    let paths: Vec<&Path> = entries.iter().map(|e| e.path.as_path()).collect();
    let standings = standings(&paths, me, pause);
    entries
        .into_iter()
        .zip(running)
        .zip(standings)
        .filter_map(|((e, running), s)| describe(e, running, s))
        .collect()
}

fn describe(e: &Entry, running: bool, s: Standing) -> Option<Unfinished<'_>> {
    let d = e.ok().filter(|d| d.status == SessionStatus::Unfinished)?;
    Some(Unfinished {
        id: &e.id,
        path: e.path.display().to_string(),
        created: d.created.to_rfc3339_opts(chrono::SecondsFormat::Millis, false),
        protocol: ProtocolRef { id: &d.protocol_id, name: &d.protocol_name },
        stage: d.runs.iter().find(|r| !r.finished).or(d.runs.last()).map(|r| r.name.as_str()),
        running,
        this_machine: s.mine,
        last_written: s.last_written.map(|t| {
            chrono::DateTime::<chrono::Utc>::from(t)
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        }),
        // A session running here grows: that is not a reason of its own.
        not_offered: s.blocked.filter(|_| !running),
        whence: s.whence(crate::clock::utc_now().into()),
        machine: s.machine,
    })
}

/// The text: this laptop's sessions, `ID  CREATED  PROTOCOL  in STAGE`, one line each, marked
/// when running in another terminal or not offered; then other laptops' sessions, each with the
/// laptop and when its log last changed.
pub(crate) fn text(list: &[Unfinished<'_>], scan: &Scan) -> String {
    let line = |u: &Unfinished<'_>, out: &mut String| {
        let created = scan
            .entries
            .iter()
            .find(|e| e.id == u.id)
            .and_then(Entry::ok)
            .map(|d| d.created.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        let place =
            u.stage.map_or_else(|| "not started".to_string(), |s| format!("in {}", sanitize(s)));
        let mut marks = String::new();
        if u.running {
            marks.push_str("  (running in another terminal)");
        }
        if !u.this_machine {
            let _ = write!(marks, "  (on {})", u.whence);
        }
        if let Some(b) = u.not_offered {
            let _ = write!(marks, "  (not offered: {})", b.why());
        }
        let _ = writeln!(
            out,
            "{}  {created}  {}  {place}{marks}",
            sanitize(u.id),
            sanitize(u.protocol.name),
        );
    };
    let mut text = String::new();
    for u in list.iter().filter(|u| u.this_machine) {
        line(u, &mut text);
    }
    if text.is_empty() {
        text.push_str("No unfinished sessions on this laptop.\n");
    }
    let others: Vec<_> = list.iter().filter(|u| !u.this_machine).collect();
    if !others.is_empty() {
        text.push_str(
            "\nLast run on other laptops (`convene resume ID` asks before continuing one here):\n",
        );
        for u in others {
            line(u, &mut text);
        }
    }
    text
}

/// Prints the list (`json`: as the `convene-resume-list/1` document).
/// `convene resume --list [--json]`: scans the data folder, then lists.
pub fn run(dirs: &crate::config::Dirs, json: bool) -> ExitCode {
    let scan = match crate::review::data_dir(dirs.data_dir.as_deref())
        .and_then(|d| crate::review::scan_unfinished(&d))
    {
        Ok(s) => s,
        Err(e) => {
            let code = if e.is_machine_failure() { output::FAILURE } else { output::BAD_INPUT };
            return output::fail(code, &e.to_string());
        }
    };
    let me = crate::machine::known(dirs.config_dir.as_deref());
    list(&scan, me.as_ref(), json)
}

pub(crate) fn list(scan: &Scan, me: Option<&Machine>, json: bool) -> ExitCode {
    let sessions = unfinished(scan, me, SETTLE);
    if json {
        let doc = ListJson { sessions };
        output::finish(output::print_document(output::schema::RESUME_LIST, &doc))
    } else {
        output::finish(output::print(&text(&sessions, scan)))
    }
}
