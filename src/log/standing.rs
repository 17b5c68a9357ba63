//! Whether an unfinished log may be continued on this laptop: its [`Standing`].
//!
//! A data folder may be shared between laptops (a sync service, a network drive). Each log's
//! header records the machine that created it ([`crate::machine`]), and a `continued-on` event
//! the machine that continued it after ([`runs_on`]). `resume` without an id takes
//! only this laptop's sessions (and logs older than machine ids); another laptop's is continued
//! only when named, after asking (or with `--take-over`). A log that is not offered at all:
//!
//! - **torn**: another laptop's log whose last line is cut short or unreadable: a sync tool is
//!   still copying it in (or that laptop stopped while writing). This laptop's own torn log is
//!   what a crash leaves, and resuming it recovers it as before.
//! - **growing**: its size or time changed while checked (twice, [`SETTLE`] apart): something is
//!   still writing it, here through a sync tool or on a network drive.

use std::path::Path;
use std::time::{Duration, SystemTime};

use serde::Serialize;

use super::reader::{SessionLog, ends_torn, read_log};
use crate::machine::Machine;
use crate::session::Event;

/// The machine that runs the session of `log`: the last `continued-on` event's, else the one
/// that created it (the header's); `None` for logs from before machine ids.
pub(crate) fn runs_on(log: &SessionLog) -> Option<Machine> {
    log.events
        .iter()
        .rev()
        .find_map(|e| match &e.event {
            Event::ContinuedOn { machine, name } => {
                Some(Machine { id: machine.clone(), name: name.clone() })
            }
            _ => None,
        })
        .or_else(|| log.header.machine.clone())
}

/// How long resume waits between the two looks at a log's size and time.
pub(crate) const SETTLE: Duration = Duration::from_millis(300);

/// Why a log is not offered for resuming.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Blocked {
    /// Another laptop's log whose last line is torn.
    Torn,
    /// Its size or time changed while it was checked.
    Growing,
}

impl Blocked {
    /// The reason, as the messages give it.
    pub(crate) fn why(self) -> &'static str {
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
pub(crate) struct Standing {
    /// The machine that runs it ([`runs_on`]; `None` in logs written before machine ids).
    pub machine: Option<Machine>,
    /// Written on this laptop (or not known to be another's).
    pub mine: bool,
    /// When its log last changed.
    pub last_written: Option<SystemTime>,
    pub blocked: Option<Blocked>,
}

impl Standing {
    /// How messages name the laptop and when its log last changed, `now` being the wall clock:
    /// `"LAPTOP-7", last written 40 s ago`.
    pub(crate) fn whence(&self, now: SystemTime) -> String {
        let who =
            self.machine.as_ref().map_or_else(|| "another laptop".to_string(), Machine::label);
        match self.last_written {
            Some(t) => format!("{who}, last written {}", ago(t, now)),
            None => who,
        }
    }
}

/// `40 s ago`, `12 min ago`, `3 h ago`, `2 days ago`; `just now` for a time ahead of `now` (a
/// file server's clock ahead of this laptop's).
pub(crate) fn ago(then: SystemTime, now: SystemTime) -> String {
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
pub(crate) fn standings(paths: &[&Path], me: Option<&Machine>, pause: Duration) -> Vec<Standing> {
    let first: Vec<_> = paths.iter().map(|p| look(p)).collect();
    let mut out: Vec<Standing> = paths
        .iter()
        .zip(&first)
        .map(|(p, seen)| {
            let machine = read_log(p).ok().and_then(|l| runs_on(&l));
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
