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

use std::fmt::Write as _;

use chrono::{DateTime, Days, FixedOffset, NaiveDate, Utc};

use crate::review::actions::Action;
use crate::text::sanitize;

/// The lines before the events.
pub(crate) fn ics_head() -> String {
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
pub(crate) fn ics_tail() -> String {
    let mut out = String::new();
    push_line(&mut out, "END:VCALENDAR");
    out
}

/// One commitment's `VEVENT`, or nothing when it has no resolved due date.
pub(crate) fn ics_event(a: &Action) -> String {
    let Some(day) = a.due_date else { return String::new() };
    let mut out = String::new();
    let stamp: DateTime<FixedOffset> =
        a.history.iter().map(|u| u.at).max().unwrap_or(a.made).max(a.made);
    let done = if a.is_open() { "" } else { "done: " };
    let mut description = format!("{}: {}", sanitize(&a.owner), sanitize(&a.text));
    if let Some(due) = &a.due {
        let _ = write!(description, "\nDue: {}", sanitize(due));
    }
    let _ = write!(description, "\nProtocol: {}", sanitize(&a.protocol));
    if let Some(g) = &a.group {
        let _ = write!(description, "\nGroup: {}", sanitize(g));
    }
    for u in &a.history {
        let note = u.note.as_deref().map(|n| format!(": {}", sanitize(n))).unwrap_or_default();
        let _ = write!(description, "\n{} {}{note}", u.at.date_naive(), u.status.label());
    }
    let _ = write!(description, "\nSession: {}", sanitize(&a.session));
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
pub(crate) fn uid(session: &str, commitment: &str) -> String {
    format!("{}-{}@convene", sanitize(session), sanitize(commitment))
}

fn date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// RFC 5545 TEXT escaping: backslash, semicolon, comma and newline.
pub(crate) fn escape(text: &str) -> String {
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
pub(crate) fn push_line(out: &mut String, line: &str) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::actions::UpdateRef;
    use crate::session::CommitmentStatus;

    fn action(text: &str, due: Option<&str>) -> Action {
        let made = DateTime::parse_from_rfc3339("2026-11-02T09:30:00+00:00").unwrap();
        Action {
            session: "20261102-090000-000".into(),
            id: "c1".into(),
            protocol: "Project tuning".into(),
            group: Some("Year 9, team; A".into()),
            owner: "Ann Lee".into(),
            text: text.into(),
            due: due.map(str::to_string),
            due_date: due.map(|_| NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()),
            made,
            status: "open",
            latest: None,
            overdue: false,
            history: vec![],
        }
    }

    /// Unfolds content lines (RFC 5545 3.1): CRLF followed by one space is removed.
    fn unfold(text: &str) -> String {
        text.replace("\r\n ", "")
    }

    #[test]
    fn text_is_escaped_as_rfc_5545_says() {
        assert_eq!(escape(r"a\b;c,d"), r"a\\b\;c\,d");
        assert_eq!(escape("one\ntwo\r\n"), r"one\ntwo\n");
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_a_character() {
        for text in
            ["é".repeat(100), "日本語のテキスト".repeat(20), "a€".repeat(60), "🙂x".repeat(40)]
        {
            let mut out = String::new();
            push_line(&mut out, &format!("SUMMARY:{text}"));
            assert!(out.ends_with("\r\n"));
            for line in out.split("\r\n").filter(|l| !l.is_empty()) {
                assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
            }
            assert!(out.split("\r\n").skip(1).all(|l| l.is_empty() || l.starts_with(' ')));
            assert_eq!(unfold(&out), format!("SUMMARY:{text}\r\n"), "folding loses nothing");
        }
        // Exactly 75 octets is not folded; 76 is.
        let mut out = String::new();
        push_line(&mut out, &"x".repeat(75));
        assert_eq!(out, format!("{}\r\n", "x".repeat(75)));
        out.clear();
        push_line(&mut out, &"x".repeat(76));
        assert_eq!(out, format!("{}\r\n x\r\n", "x".repeat(75)));
    }

    #[test]
    fn a_commitment_with_a_due_date_is_an_all_day_event_with_a_stable_uid() {
        let a = action("Trial exit tickets, with 9B; report back", Some("2 weeks"));
        let ev = ics_event(&a);
        assert!(ev.starts_with("BEGIN:VEVENT\r\n") && ev.ends_with("END:VEVENT\r\n"), "{ev}");
        assert!(ev.split("\r\n").all(|l| !l.contains('\n')), "CRLF only");
        let ev = unfold(&ev);
        assert!(ev.contains("\r\nUID:20261102-090000-000-c1@convene\r\n"), "{ev}");
        assert!(ev.contains("\r\nDTSTART;VALUE=DATE:20261116\r\nDTEND;VALUE=DATE:20261117\r\n"));
        assert!(ev.contains("\r\nDTSTAMP:20261102T093000Z\r\nSEQUENCE:0\r\n"), "{ev}");
        assert!(
            ev.contains(r"SUMMARY:Ann Lee: Trial exit tickets\, with 9B\; report back"),
            "{ev}"
        );
        assert!(ev.contains(r"\nGroup: Year 9\, team\; A\n"), "{ev}");
        assert!(ev.contains("BEGIN:VALARM\r\nACTION:DISPLAY\r\n"), "a reminder on the day");
        assert!(ev.contains("TRIGGER;RELATED=START:PT9H"));
        assert_eq!(ics_event(&a), ics_event(&a), "the same commitment, the same event");
    }

    #[test]
    fn a_follow_up_makes_the_event_newer_and_done_has_no_reminder() {
        let mut a = action("Trial exit tickets", Some("2 weeks"));
        let at = DateTime::parse_from_rfc3339("2026-11-16T10:00:00+01:00").unwrap();
        a.history.push(UpdateRef {
            session: "20261116-090000-000".into(),
            status: CommitmentStatus::Done,
            note: Some("in two lessons".into()),
            at,
            seq: Some(2),
        });
        a.status = "done";
        let ev = unfold(&ics_event(&a));
        assert!(ev.contains("\r\nUID:20261102-090000-000-c1@convene\r\n"), "the UID stays");
        assert!(ev.contains("\r\nDTSTAMP:20261116T090000Z\r\nSEQUENCE:1\r\n"), "{ev}");
        assert!(ev.contains("SUMMARY:done: Ann Lee: Trial exit tickets"), "{ev}");
        assert!(ev.contains(r"\n2026-11-16 done: in two lessons\n"), "{ev}");
        assert!(!ev.contains("VALARM"), "{ev}");
    }

    #[test]
    fn no_due_date_no_event_and_control_characters_never_pass() {
        assert_eq!(ics_event(&action("Someday", None)), "");
        let ev = ics_event(&action("bad\u{1b}[2J\u{7}text", Some("tomorrow")));
        assert!(!ev.chars().any(|c| c.is_control() && c != '\r' && c != '\n'), "{ev:?}");
        assert!(ev.contains("bad\u{FFFD}[2J\u{FFFD}text"));
        let whole = format!("{}{ev}{}", ics_head(), ics_tail());
        assert!(whole.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//convene//"));
        assert!(whole.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
    }
}
