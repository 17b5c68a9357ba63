//! Commitments across sessions: who, what, by when, and what became of them.
//!
//! # Status
//!
//! A commitment's status is its latest follow-up recorded in any session (latest in the order
//! of the sessions they were recorded in, by each session's place in its group, then by
//! wall-clock time: a laptop whose clock is hours behind cannot put a later follow-up first):
//! in the session that made it or in a later one that named it (`commitment-updated` with
//! `session` set). It is **open** unless that latest follow-up is `done`: carried forward, partly
//! done, not yet, and never followed up all stay open. Nobody's absence closes anything.
//!
//! # Due dates
//!
//! A due date is kept as it was typed and resolved against the day the commitment was made:
//!
//! | written | resolves to |
//! |---|---|
//! | `2026-12-04` (ISO date) | that day |
//! | `today`, `tomorrow` | the day itself, the next day |
//! | `3 days`, `2 weeks`, `a fortnight`, `1 month`, `two weeks` (up to twelve), optionally with `in`/`within`/`by`, and `time` after | that many days/weeks/months later |
//! | `next week`, `next month` | seven days, one month later |
//! | `Friday`, `by Fri`, `next friday`, `on Tuesday` | the first such weekday *after* the day it was made |
//! | `end of the week`, `end of week` | the first Friday on or after the day it was made |
//! | `end of the month`, `end of month` | the last day of that month |
//! | anything else (`end of term`, `after half term`, `ASAP`) | not resolved: shown as written, never overdue |
//!
//! An open commitment is **overdue** when its resolved date is before today (today is an argument
//! so tests can fix it).

use std::fmt::Write as _;
use std::path::Path;

use chrono::{DateTime, Datelike, Days, FixedOffset, Months, NaiveDate, Weekday};
use serde::Serialize;

use super::fmt;
use crate::session::{CarriedCommitment, CommitmentStatus};
use crate::text::sanitize;

/// A follow-up of a commitment, and the session it was recorded in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpdateRef {
    pub session: String,
    pub status: CommitmentStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(serialize_with = "crate::session::event::wall_ms::serialize")]
    pub at: DateTime<FixedOffset>,
    /// The recording session's place in its group, when its log says
    /// ([`crate::session::Setup::sequence`]).
    #[serde(skip)]
    pub seq: Option<u32>,
}

/// Whether a commitment with this history is still open.
pub fn is_open(history: &[UpdateRef]) -> bool {
    history.last().is_none_or(|u| u.status.stays_open())
}

/// Resolves a due date written in a session held on `made`; see the module docs for the rules.
pub fn resolve_due(text: &str, made: NaiveDate) -> Option<NaiveDate> {
    let mut t = text.trim().to_lowercase().replace(['’', '\''], "");
    for suffix in [" time", "s time"] {
        if let Some(s) = t.strip_suffix(suffix) {
            t = s.trim().to_string();
        }
    }
    loop {
        let before = t.clone();
        for prefix in ["by ", "on ", "before ", "within ", "in ", "due ", "until "] {
            if let Some(s) = t.strip_prefix(prefix) {
                t = s.trim().to_string();
            }
        }
        if t == before {
            break;
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(&t, "%Y-%m-%d") {
        return Some(d);
    }
    match t.as_str() {
        "today" => return Some(made),
        "tomorrow" => return made.checked_add_days(Days::new(1)),
        "next week" => return made.checked_add_days(Days::new(7)),
        "next month" => return made.checked_add_months(Months::new(1)),
        "end of the week" | "end of week" => return next_weekday(made, Weekday::Fri, true),
        "end of the month" | "end of month" => {
            let first = made.with_day(1)?;
            return first.checked_add_months(Months::new(1))?.pred_opt();
        }
        _ => {}
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    if let [n, unit] = words.as_slice()
        && let Some(n) = number(n)
    {
        let unit = unit.trim_end_matches('s');
        return match unit {
            "day" => made.checked_add_days(Days::new(n)),
            "week" => made.checked_add_days(Days::new(n * 7)),
            "fortnight" => made.checked_add_days(Days::new(n * 14)),
            "month" => made.checked_add_months(Months::new(u32::try_from(n).ok()?)),
            _ => None,
        };
    }
    let day = match words.as_slice() {
        [w] | ["next" | "this", w] => weekday(w)?,
        _ => return None,
    };
    next_weekday(made, day, false)
}

fn number(w: &str) -> Option<u64> {
    const WORDS: [&str; 12] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve",
    ];
    match w {
        "a" | "an" => Some(1),
        _ => w
            .parse::<u64>()
            .ok()
            .filter(|n| *n <= 366)
            .or_else(|| WORDS.iter().position(|x| *x == w).map(|i| i as u64 + 1)),
    }
}

fn weekday(w: &str) -> Option<Weekday> {
    Some(match w {
        "monday" | "mon" => Weekday::Mon,
        "tuesday" | "tue" | "tues" => Weekday::Tue,
        "wednesday" | "wed" => Weekday::Wed,
        "thursday" | "thu" | "thur" | "thurs" => Weekday::Thu,
        "friday" | "fri" => Weekday::Fri,
        "saturday" | "sat" => Weekday::Sat,
        "sunday" | "sun" => Weekday::Sun,
        _ => return None,
    })
}

/// The first `day` after `from` (or on it, when `same_day_counts`).
fn next_weekday(from: NaiveDate, day: Weekday, same_day_counts: bool) -> Option<NaiveDate> {
    let gap = (7 + day.num_days_from_monday() - from.weekday().num_days_from_monday()) % 7;
    let gap = if gap == 0 && !same_day_counts { 7 } else { gap };
    from.checked_add_days(Days::new(u64::from(gap)))
}

/// One commitment with everything the actions view shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Action {
    /// The session it was made in.
    pub session: String,
    pub id: String,
    pub protocol: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub owner: String,
    pub text: String,
    /// As written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// Resolved (see the rules); absent when it cannot be.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_date: Option<NaiveDate>,
    #[serde(serialize_with = "crate::session::event::wall_ms::serialize")]
    pub made: DateTime<FixedOffset>,
    /// `open` or `done`.
    pub status: &'static str,
    /// The latest follow-up's status, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest: Option<CommitmentStatus>,
    pub overdue: bool,
    pub history: Vec<UpdateRef>,
}

impl Action {
    pub(crate) fn is_open(&self) -> bool {
        self.status == "open"
    }
}

/// What `convene actions` asks for.
#[derive(Debug, Clone, Default)]
pub struct ActionFilter {
    pub group: Option<String>,
    pub person: Option<String>,
    pub open: bool,
    pub overdue: bool,
}

/// `convene actions` as text, built one commitment at a time; [`Text::take`] hands over what is
/// written so far, so a long list can be printed as it is made:
///
/// ```text
/// OPEN · OVERDUE  Ann Lee: Trial exit tickets with 9B
///   made Mon 16 Nov 2026 in Project tuning, Year 9 team (20261116-090000-000, c1)
///   due "2 weeks" → Mon 30 Nov 2026
///   Mon 23 Nov 2026: carried forward: "not started yet" (20261123-090000-000)
/// ```
#[derive(Debug)]
pub(crate) struct Text {
    today: NaiveDate,
    out: String,
    total: usize,
    open: usize,
    overdue: usize,
}

impl Text {
    pub(crate) fn new(today: NaiveDate) -> Self {
        Self { today, out: String::new(), total: 0, open: 0, overdue: 0 }
    }

    /// How much text is waiting to be taken, in bytes.
    pub(crate) fn pending(&self) -> usize {
        self.out.len()
    }

    /// The text written since the last call.
    pub(crate) fn take(&mut self) -> String {
        std::mem::take(&mut self.out)
    }

    /// Adds one commitment.
    pub(crate) fn push(&mut self, a: &Action) {
        self.total += 1;
        self.open += usize::from(a.is_open());
        self.overdue += usize::from(a.overdue);
        let out = &mut self.out;
        let mut tag = if a.is_open() { "OPEN".to_string() } else { "DONE".to_string() };
        if let Some(l) = a.latest.filter(|l| *l != CommitmentStatus::Done) {
            let _ = write!(tag, " ({})", l.label());
        }
        if a.overdue {
            tag.push_str(" · OVERDUE");
        }
        let _ = writeln!(out, "{tag}  {}: {}", sanitize(&a.owner), sanitize(&a.text));
        let group = a.group.as_deref().map(|g| format!(", {}", sanitize(g))).unwrap_or_default();
        let _ = writeln!(
            out,
            "  made {} in {}{group} ({}, {})",
            fmt::long_date(a.made.date_naive()),
            sanitize(&a.protocol),
            sanitize(&a.session),
            sanitize(&a.id)
        );
        match (&a.due, a.due_date) {
            (Some(d), Some(date)) if d.trim() == date.to_string() => {
                let _ = writeln!(out, "  due {}", fmt::long_date(date));
            }
            (Some(d), Some(date)) => {
                let _ = writeln!(out, "  due \"{}\" → {}", sanitize(d), fmt::long_date(date));
            }
            (Some(d), None) => {
                let _ = writeln!(out, "  due \"{}\" (no date)", sanitize(d));
            }
            (None, _) => out.push_str("  no due date\n"),
        }
        for u in &a.history {
            let note =
                u.note.as_deref().map(|n| format!(": \"{}\"", sanitize(n))).unwrap_or_default();
            let _ = writeln!(
                out,
                "  {}: {}{note} ({})",
                fmt::long_date(u.at.date_naive()),
                u.status.label(),
                sanitize(&u.session)
            );
        }
        out.push('\n');
    }

    /// The closing line (or, for no commitments at all, the line saying so); returns the rest.
    pub(crate) fn finish(mut self) -> String {
        if self.total == 0 {
            return "No commitments match.\n".into();
        }
        let _ = writeln!(
            self.out,
            "{}: {} open, {} overdue (today is {}).",
            crate::text::plural(self.total, "commitment", "commitments"),
            self.open,
            self.overdue,
            fmt::long_date(self.today)
        );
        self.out
    }
}

/// Every commitment from earlier sessions of `group` (case-insensitive) that no later follow-up
/// has marked done, oldest first: the list a follow-up stage brings into a new session. Asked of
/// the index (brought up to date first), so it costs the same with ten sessions or 100,000.
/// Logs that cannot be read are skipped; a missing sessions folder gives an empty list.
pub fn open_commitments(data_dir: &Path, group: &str) -> Vec<CarriedCommitment> {
    // Not mapped ([`super::index::Index::map_for_few`]): the group's rows are a few pages.
    super::index::Index::open(data_dir)
        .and_then(|ix| ix.open_commitments(group))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn due_dates_resolve_against_the_day_they_were_made() {
        // Monday 16 November 2026.
        let made = d("2026-11-16");
        assert_eq!(made.weekday(), Weekday::Mon);
        let cases = [
            ("2 weeks", Some("2026-11-30")),
            ("in 3 days", Some("2026-11-19")),
            ("within two weeks", Some("2026-11-30")),
            ("a fortnight", Some("2026-11-30")),
            ("1 month", Some("2026-12-16")),
            ("by Friday", Some("2026-11-20")),
            ("Monday", Some("2026-11-23")),
            ("next fri", Some("2026-11-20")),
            ("end of the week", Some("2026-11-20")),
            ("end of month", Some("2026-11-30")),
            ("tomorrow", Some("2026-11-17")),
            ("2026-12-04", Some("2026-12-04")),
            ("by 2026-12-04", Some("2026-12-04")),
            ("in 2 weeks' time", Some("2026-11-30")),
            ("end of term", None),
            ("after half term", None),
            ("soon", None),
        ];
        for (text, want) in cases {
            assert_eq!(resolve_due(text, made), want.map(d), "{text}");
        }
        // Made on a Friday, "by Friday" means the next one.
        assert_eq!(resolve_due("by Friday", d("2026-11-20")), Some(d("2026-11-27")));
        assert_eq!(resolve_due("end of week", d("2026-11-20")), Some(d("2026-11-20")));
    }
}
