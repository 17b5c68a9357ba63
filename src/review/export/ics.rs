//! `convene actions --format ics`: the commitments that have a due date as an iCalendar file
//! (RFC 5545) that Outlook, Google Calendar and Apple Calendar import.
//!
//! - One all-day `VEVENT` per commitment, on its resolved due day (commitments whose due date
//!   can't be resolved, `end of term`, are left out), with a reminder (`VALARM`) at 9:00 that
//!   day for the calendars that take reminders from a file.
//! - The `UID` is made from the session id and the commitment's id, so importing a later export
//!   updates the events rather than adding them again; `SEQUENCE` is the number of follow-ups
//!   and `DTSTAMP` the time of the latest (else of the commitment), so an event that changed is
//!   newer than the one imported before. Nothing depends on the clock: the same logs give the
//!   same file.
//! - A commitment that is done stays in the file with `done:` before its summary and no
//!   reminder (a calendar that already holds it then shows it done).
//! - Text is sanitised, then escaped (`\\`, `\;`, `\,`, `\n`); lines are folded at 75 octets
//!   without splitting a character; every line ends with CRLF.

use chrono::{DateTime, Days, FixedOffset, NaiveDate, Utc};

use crate::review::actions::Action;
use crate::text::sanitize;

/// The lines before the events.
pub fn ics_head() -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        &format!("PRODID:-//convene//convene {}//EN", env!("CARGO_PKG_VERSION")),
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:convene commitments",
    ] {
        push_line(&mut out, line);
    }
    out
}

/// The line after the events.
pub fn ics_tail() -> String {
    let mut out = String::new();
    push_line(&mut out, "END:VCALENDAR");
    out
}

/// One commitment's `VEVENT`, or nothing when it has no resolved due date.
pub fn ics_event(a: &Action) -> String {
    let Some(day) = a.due_date else { return String::new() };
    let mut out = String::new();
    let stamp: DateTime<FixedOffset> = a.history.iter().map(|u| u.at).max().unwrap_or(a.made).max(a.made);
    let done = if a.is_open() { "" } else { "done: " };
    let mut description = format!("{}: {}", sanitize(&a.owner), sanitize(&a.text));
    if let Some(due) = &a.due {
        description.push_str(&format!("\nDue: {}", sanitize(due)));
    }
    description.push_str(&format!("\nProtocol: {}", sanitize(&a.protocol)));
    if let Some(g) = &a.group {
        description.push_str(&format!("\nGroup: {}", sanitize(g)));
    }
    for u in &a.history {
        let note = u.note.as_deref().map(|n| format!(": {}", sanitize(n))).unwrap_or_default();
        description.push_str(&format!("\n{} {}{note}", u.at.date_naive(), u.status.label()));
    }
    description.push_str(&format!("\nSession: {}", sanitize(&a.session)));
    let summary = format!("{done}{}: {}", sanitize(&a.owner), sanitize(&a.text));
    for line in [
        "BEGIN:VEVENT".to_string(),
        format!("UID:{}", escape(&uid(&a.session, &a.id))),
        format!("DTSTAMP:{}", stamp.with_timezone(&Utc).format("%Y%m%dT%H%M%SZ")),
        format!("SEQUENCE:{}", a.history.len()),
        format!("DTSTART;VALUE=DATE:{}", date(day)),
        format!("DTEND;VALUE=DATE:{}", date(day.checked_add_days(Days::new(1)).unwrap_or(day))),
        format!("SUMMARY:{}", escape(&summary)),
        format!("DESCRIPTION:{}", escape(&description)),
        "TRANSP:TRANSPARENT".to_string(),
    ] {
        push_line(&mut out, &line);
    }
    // A reminder at 9:00 on the day, while there is something to be reminded of.
    if a.is_open() {
        for line in [
            "BEGIN:VALARM".to_string(),
            "ACTION:DISPLAY".to_string(),
            format!("DESCRIPTION:{}", escape(&summary)),
            "TRIGGER;RELATED=START:PT9H".to_string(),
            "END:VALARM".to_string(),
        ] {
            push_line(&mut out, &line);
        }
    }
    push_line(&mut out, "END:VEVENT");
    out
}

/// The event's UID: the same commitment always gets the same one.
pub fn uid(session: &str, commitment: &str) -> String {
    format!("{}-{}@convene", sanitize(session), sanitize(commitment))
}

fn date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// RFC 5545 TEXT escaping: backslash, semicolon, comma and newline.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// Appends a content line folded at 75 octets (continuations start with one space, which counts
/// in their 75), never inside a character, each line ending with CRLF.
pub fn push_line(out: &mut String, line: &str) {
    let mut limit = 75;
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > limit {
            out.push_str("\r\n ");
            limit = 74;
            used = 0;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
}
