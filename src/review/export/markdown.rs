//! Markdown minutes a leader can share.

use std::fmt::Write as _;

use super::{agreement, names_for};
use crate::review::actions::resolve_due;
use crate::review::detail::Session;
use crate::review::fmt;
use crate::review::redact::Names;
use crate::session::state::Note;
use crate::text::sanitize_multiline;

/// Markdown-safe text for one line or table cell.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in sanitize_multiline(text).chars() {
        match c {
            '\n' => out.push(' '),
            '\\' | '|' | '*' | '_' | '`' | '<' | '>' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Markdown minutes a leader can share. With `redact`, names become labels and private notes
/// are left out; without it, private notes come last under their own heading.
///
/// ```text
/// # Project tuning — Year 9 team
/// - **Date:** … - **Facilitator:** … - **Participants:** … - **Time:** planned, actual, over
/// ## Stages   (table: # | Stage | Round | Planned | Actual | Over | What happened)
/// ## Roles · ## Notes · ## Commitments · ## Follow-up of earlier commitments · ## Private notes
/// ```
pub fn markdown(sess: &Session, redact: bool) -> String {
    let names = names_for(sess, redact);
    let mut out = String::new();
    for section in
        [md_header, md_stages, md_roles, md_notes, md_commitments, md_follow_up, md_private]
    {
        section(&mut out, sess, &names, redact);
    }
    out
}

/// The title and the facts: date, facilitator, participants, status, time, session.
fn md_header(out: &mut String, sess: &Session, names: &Names, redact: bool) {
    let s = &sess.state;
    let d = &sess.digest;
    let p = &s.setup.protocol;
    let group =
        d.group.as_deref().map(|g| format!(" — {}", md(&names.text(g)))).unwrap_or_default();
    let _ = writeln!(out, "# {}{group}\n", md(&p.name));
    let end = d.end.map(|e| format!("–{}", e.format("%H:%M"))).unwrap_or_default();
    let _ = writeln!(out, "- **Date:** {}{end}", fmt::long_date_time(&d.start));
    if let Some(f) = &d.facilitator {
        let _ = writeln!(out, "- **Facilitator:** {}", md(&names.name(f)));
    }
    let people: Vec<String> = s.order.iter().map(|n| md(&names.name(n))).collect();
    let _ = writeln!(out, "- **Participants:** {}", people.join(", "));
    let _ = writeln!(out, "- **Status:** {}", d.status.label());
    let _ = writeln!(
        out,
        "- **Time:** planned {}, actual {}, over the plan {}",
        fmt::dur(d.planned_ms),
        fmt::dur(d.actual_ms),
        fmt::dur(d.overrun_ms)
    );
    let _ = writeln!(out, "- **Session:** {}", md(&sess.id));
    if redact {
        let _ = writeln!(out, "\n*Names are replaced by initials; private notes are left out.*");
    }
}

/// The stages table: planned against actual, and what happened in each run.
fn md_stages(out: &mut String, sess: &Session, names: &Names, _redact: bool) {
    let _ = writeln!(out, "\n## Stages\n");
    let _ = writeln!(out, "| # | Stage | Round | Planned | Actual | Over | What happened |");
    let _ = writeln!(out, "|---:|---|---:|---:|---:|---:|---|");
    for r in sess.timeline() {
        let mut happened: Vec<String> = Vec::new();
        for e in &r.extensions {
            happened.push(format!(
                "extended +{} ({})",
                fmt::dur(e.by_ms),
                agreement(names, e.agreement.as_ref())
            ));
        }
        for x in &r.shortenings {
            happened.push(format!("shortened -{}", fmt::dur(x.by_ms)));
        }
        if !r.shortenings.is_empty() {
            happened.push(format!("budget {} net", fmt::signed(r.net_change_ms())));
        }
        for x in &r.refusals {
            happened.push(format!(
                "extension of +{} refused: {}",
                fmt::dur(x.by_ms),
                names.text(&x.reason)
            ));
        }
        if r.pauses > 0 {
            happened.push(format!("paused {} ({})", fmt::times(r.pauses), fmt::dur(r.paused_ms)));
        }
        for g in &r.gaps {
            happened.push(format!("gap of {}", fmt::dur(g.gap_ms)));
        }
        if r.skipped() {
            happened.push("skipped".into());
        }
        if let Some(label) = &r.left_without {
            happened.push(format!("left without: {label}"));
        }
        if r.in_progress {
            happened.push("the log stops here".into());
        }
        let (actual, over) = match r.actual_ms {
            Some(a) => (fmt::dur(a), fmt::over(r.overrun_ms())),
            None => ("not run".into(), String::new()),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {actual} | {over} | {} |",
            r.pos + 1,
            md(&r.name),
            r.round.map(|x| (x + 1).to_string()).unwrap_or_default(),
            fmt::dur(r.planned_ms),
            md(&happened.join("; "))
        );
    }
}

/// Who held which role, round by round (and group by group).
fn md_roles(out: &mut String, sess: &Session, names: &Names, _redact: bool) {
    let rounds = sess.roles();
    if !rounds.is_empty() {
        let _ = writeln!(out, "\n## Roles\n");
        for (ri, groups) in rounds.iter().enumerate() {
            for (gi, members) in groups.iter().enumerate() {
                let who: Vec<String> = members
                    .iter()
                    .map(|(n, role)| format!("{} ({})", md(&names.name(n)), md(role)))
                    .collect();
                let label = if groups.len() > 1 {
                    format!("Round {}, group {}", ri + 1, gi + 1)
                } else {
                    format!("Round {}", ri + 1)
                };
                let _ = writeln!(out, "- **{label}:** {}", who.join(", "));
            }
        }
    }
}

/// The notes that are not private.
fn md_notes(out: &mut String, sess: &Session, names: &Names, _redact: bool) {
    let s = &sess.state;
    let public: Vec<&Note> = s.notes.iter().filter(|n| !n.private).collect();
    if !public.is_empty() {
        let _ = writeln!(out, "\n## Notes\n");
        for n in public {
            let _ = writeln!(out, "{}", md_note(sess, names, n));
        }
    }
}

/// The commitments made, with their due dates and follow-ups.
fn md_commitments(out: &mut String, sess: &Session, names: &Names, _redact: bool) {
    let s = &sess.state;
    if !s.commitments.is_empty() {
        let _ = writeln!(out, "\n## Commitments\n");
        let _ = writeln!(out, "| Owner | Commitment | Due | Follow-up |");
        let _ = writeln!(out, "|---|---|---|---|");
        for c in &s.commitments {
            let due = match &c.due {
                None => String::new(),
                Some(t) => match resolve_due(t, c.wall.date_naive()) {
                    Some(date) if date.to_string() == t.trim() => fmt::long_date(date),
                    Some(date) => format!("{} ({})", md(&names.text(t)), fmt::long_date(date)),
                    None => md(&names.text(t)),
                },
            };
            let follow: Vec<String> = sess
                .history(&c.id)
                .iter()
                .map(|u| {
                    let note = u
                        .note
                        .as_deref()
                        .map(|n| format!(": {}", md(&names.text(n))))
                        .unwrap_or_default();
                    format!("{} {}{note}", u.status.label(), fmt::long_date(u.at.date_naive()))
                })
                .collect();
            let _ = writeln!(
                out,
                "| {} | {} | {due} | {} |",
                md(&names.name(&c.owner)),
                md(&names.text(&c.text))
                    + &sess
                        .record_label(c.pos, c.record.as_deref())
                        .map(|l| format!(" (for {})", md(&l)))
                        .unwrap_or_default(),
                if follow.is_empty() { "open".to_string() } else { follow.join("; ") }
            );
        }
    }
}

/// What was said this time about commitments from earlier sessions.
fn md_follow_up(out: &mut String, sess: &Session, names: &Names, _redact: bool) {
    let s = &sess.state;
    let earlier: Vec<_> = s.updates.iter().filter(|u| u.session.is_some()).collect();
    if !earlier.is_empty() {
        let _ = writeln!(out, "\n## Follow-up of earlier commitments\n");
        for u in earlier {
            let sid = u.session.as_deref().unwrap_or_default();
            let what =
                s.setup.carried.iter().find(|c| c.session == sid && c.id == u.id).map_or_else(
                    || format!("{} from session {}", md(&u.id), md(sid)),
                    |c| format!("{}: {}", md(&names.name(&c.owner)), md(&names.text(&c.text))),
                );
            let note =
                u.note.as_deref().map(|n| format!(" — {}", md(&names.text(n)))).unwrap_or_default();
            let _ = writeln!(out, "- {what}: **{}**{note}", u.status.label());
        }
    }
}

/// The private notes (never in a redacted export).
fn md_private(out: &mut String, sess: &Session, names: &Names, redact: bool) {
    let s = &sess.state;
    let private: Vec<&Note> = s.notes.iter().filter(|n| n.private).collect();
    if !redact && !private.is_empty() {
        let _ = writeln!(out, "\n## Private notes\n");
        let _ = writeln!(
            out,
            "*About colleagues: remove this section before sharing, or export with --redact.*\n"
        );
        for n in private {
            let _ = writeln!(out, "{}", md_note(sess, names, n));
        }
    }
}

/// A note as a Markdown list item: its stage, who it is about, its text.
fn md_note(sess: &Session, names: &Names, n: &Note) -> String {
    let about =
        n.about.as_deref().map(|a| format!(", about {}", md(&names.name(a)))).unwrap_or_default();
    let record = sess
        .record_label(n.pos, n.record.as_deref())
        .map(|l| format!(", for {}", md(&l)))
        .unwrap_or_default();
    format!("- *{}{about}{record}:* {}", md(&sess.stage_label(n.pos)), md(&names.text(&n.text)))
}
