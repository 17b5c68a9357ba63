//! `convene resume --list`: the unfinished sessions, as text or JSON; and what `convene resume`
//! checks before it continues one ([`standings`]): whose laptop the log was written on, and
//! whether the log is still arriving or still being written. (Resuming one is the live
//! screen's, in `tui`.)
//!
//! A data folder may be shared between laptops (a sync service, a network drive). Each log's
//! header records the machine that created it ([`crate::machine`]). `resume` without an id takes
//! only this laptop's sessions (and logs older than machine ids); another laptop's is continued
//! only when named, after asking (or with `--take-over`). A log that is not offered at all:
//!
//! - **torn**: another laptop's log whose last line is cut short or unreadable: a sync tool is
//!   still copying it in (or that laptop stopped while writing). This laptop's own torn log is
//!   what a crash leaves, and resuming it recovers it as before.
//! - **growing**: its size or time changed while checked (twice, [`SETTLE`] apart): something is
//!   still writing it, here through a sync tool or on a network drive.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use serde::Serialize;

use crate::log::in_use;
use crate::log::reader::{ends_torn, read_header};
use crate::machine::Machine;
use crate::output;
use crate::review::{Entry, Scan, SessionStatus};
use crate::text::sanitize;

/// How long resume waits between the two looks at a log's size and time.
pub const SETTLE: Duration = Duration::from_millis(300);

/// Why a log is not offered for resuming.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Blocked {
    /// Another laptop's log whose last line is torn.
    Torn,
    /// Its size or time changed while it was checked.
    Growing,
}

impl Blocked {
    /// The reason, as the messages give it.
    pub fn why(self) -> &'static str {
        match self {
            Blocked::Torn => {
                "its last line is cut short: it is probably still being copied in from the other \
                 laptop"
            }
            Blocked::Growing => {
                "its log changed while convene looked at it: it is still being written or copied \
                 in"
            }
        }
    }
}

/// Whose an unfinished log is, and whether it can be continued here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// The machine its header names (`None` in logs written before machine ids).
    pub machine: Option<Machine>,
    /// Written on this laptop (or not known to be another's).
    pub mine: bool,
    /// When its log last changed.
    pub last_written: Option<SystemTime>,
    pub blocked: Option<Blocked>,
}

impl Standing {
    /// How messages name the laptop and when its log last changed:
    /// `"LAPTOP-7", last written 40 s ago`.
    pub fn whence(&self) -> String {
        let who =
            self.machine.as_ref().map_or_else(|| "another laptop".to_string(), Machine::label);
        match self.last_written {
            Some(t) => format!("{who}, last written {}", ago(t, crate::clock::utc_now().into())),
            None => who,
        }
    }
}

/// `40 s ago`, `12 min ago`, `3 h ago`, `2 days ago`; `just now` for a time ahead of `now` (a
/// file server's clock ahead of this laptop's).
pub fn ago(then: SystemTime, now: SystemTime) -> String {
    let Ok(d) = now.duration_since(then) else { return "just now".into() };
    let s = d.as_secs();
    match s {
        0..90 => format!("{s} s ago"),
        90..5_400 => format!("{} min ago", (s + 30) / 60),
        5_400..172_800 => format!("{} h ago", (s + 1_800) / 3_600),
        _ => format!("{} days ago", s / 86_400),
    }
}

fn look(path: &Path) -> Option<(u64, Option<SystemTime>)> {
    std::fs::metadata(path).ok().map(|m| (m.len(), m.modified().ok()))
}

/// The standing of each log in `paths` for this laptop (`me`; `None` when this laptop has no
/// machine id yet, and then every log that names a machine is another's). Logs that name no
/// machine (written before machine ids) count as this laptop's. Every log is looked at, then again after
/// `pause` (once for all of them), to see whether it is still growing.
pub fn standings(paths: &[&Path], me: Option<&Machine>, pause: Duration) -> Vec<Standing> {
    let first: Vec<_> = paths.iter().map(|p| look(p)).collect();
    let mut out: Vec<Standing> = paths
        .iter()
        .zip(&first)
        .map(|(p, seen)| {
            let machine = read_header(p).ok().and_then(|h| h.machine);
            let mine = match (&machine, me) {
                (None, _) => true,
                (Some(m), Some(me)) => m.id == me.id,
                (Some(_), None) => false,
            };
            let torn = !mine && ends_torn(p);
            Standing {
                machine,
                mine,
                last_written: seen.and_then(|s| s.1),
                blocked: torn.then_some(Blocked::Torn),
            }
        })
        .collect();
    if !paths.is_empty() && !pause.is_zero() {
        std::thread::sleep(pause);
    }
    for ((p, before), s) in paths.iter().zip(&first).zip(&mut out) {
        if look(p) != *before {
            s.blocked = Some(Blocked::Growing);
        }
    }
    out
}

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
pub struct ProtocolRef<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

#[derive(Debug, Serialize)]
struct ListJson<'a> {
    sessions: Vec<Unfinished<'a>>,
}

/// The readable sessions that did not end, newest first, with their standing for this laptop.
pub fn unfinished<'a>(
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
        whence: s.whence(),
        machine: s.machine,
    })
}

/// The text: this laptop's sessions, `ID  CREATED  PROTOCOL  in STAGE`, one line each, marked
/// when running in another terminal or not offered; then other laptops' sessions, each with the
/// laptop and when its log last changed.
pub fn text(list: &[Unfinished<'_>], scan: &Scan) -> String {
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
            "\nStarted on other laptops (`convene resume ID` asks before continuing one here):\n",
        );
        for u in others {
            line(u, &mut text);
        }
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
    let me = crate::machine::known(dirs.config_dir.as_deref());
    list(&scan, me.as_ref(), json)
}

pub fn list(scan: &Scan, me: Option<&Machine>, json: bool) -> ExitCode {
    let sessions = unfinished(scan, me, SETTLE);
    if json {
        let doc = ListJson { sessions };
        output::finish(output::print_document(output::schema::RESUME_LIST, &doc))
    } else {
        output::finish(output::print(&text(&sessions, scan)))
    }
}

/// Asks on the terminal whether to continue another laptop's session here; `None` when there
/// is no terminal to ask on.
pub fn ask_take_over(id: &str, s: &Standing) -> Option<bool> {
    use std::io::{BufRead as _, IsTerminal as _, Read as _, Write as _};
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return None;
    }
    let mut err = std::io::stderr();
    let _ = write!(
        err,
        "Session {} was started on {}.\nIs it still running there? Continuing it here too makes \
         two versions of it.\nContinue it on this laptop? [y/N] ",
        sanitize(id),
        s.whence()
    );
    let _ = err.flush();
    let mut answer = String::new();
    std::io::stdin().lock().take(1024).read_line(&mut answer).ok()?;
    Some(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_ago_read_as_people_say_them() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let at = |s: u64| now - Duration::from_secs(s);
        assert_eq!(ago(at(40), now), "40 s ago");
        assert_eq!(ago(at(600), now), "10 min ago");
        assert_eq!(ago(at(3 * 3_600), now), "3 h ago");
        assert_eq!(ago(at(3 * 86_400), now), "3 days ago");
        assert_eq!(ago(now + Duration::from_secs(5), now), "just now");
    }
}
