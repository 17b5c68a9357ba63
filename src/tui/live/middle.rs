//! The running screen's lines about people and the stage, as rows ready to draw at a width: who
//! speaks and who stays silent (the cues), who holds which role in each group, the stage's
//! prompts, and in a follow-up stage how many earlier commitments have been reviewed.
//!
//! Every name is written one way across the screen ([`names::People`]: first names, with a last
//! initial where two share one). A cue or a group line that does not fit on one row wraps; only
//! a list longer than [`names::MOST_ROWS`] rows shortens to the first few. A role is never
//! dropped.

use ratatui::layout::Alignment;
use ratatui::text::{Line, Span};

use super::LiveScreen;
use super::keys::{Action, LIVE};
use super::names::{self, Names};
use crate::session::display::{self, HeldCue};
use crate::text::{plural, sanitize};
use crate::tui::keys::hint;
use crate::tui::widgets::wrap;

/// A group's line for each way of writing its names.
type WayToWrite = Box<dyn Fn(Names) -> Line<'static>>;

/// The line with every first name, wrapped to `width`, when it takes at most
/// [`names::MOST_ROWS`] rows; otherwise the longest "first few" way that fits on one row (or the
/// one that takes the fewest rows).
fn fitted(count: usize, width: u16, make: impl Fn(Names) -> Line<'static>) -> Vec<Line<'static>> {
    let mut best: Vec<Line<'static>> = Vec::new();
    for way in names::ways(count, width) {
        let rows = wrap(&make(way), width);
        let most = if way == Names::First { names::MOST_ROWS } else { 1 };
        if rows.len() <= most {
            return rows;
        }
        if best.is_empty() || rows.len() < best.len() {
            best = rows;
        }
    }
    best
}

/// A silent cue without the word "silent" the tag already says: "silent, take notes" reads
/// "take notes", "silent" alone nothing.
fn cue_words(c: &HeldCue) -> String {
    let cue = c.cue.trim();
    if c.silent && cue.to_lowercase().starts_with("silent") {
        let rest = &cue["silent".len()..];
        if rest.is_empty() || rest.starts_with([',', ' ', ';', ':']) {
            return rest.trim_start_matches([',', ' ', ';', ':']).to_string();
        }
    }
    cue.to_string()
}

/// A cue said of several people takes the plural verb: "presents" for a Coachee, "present"
/// for Coachees ("describes" → "describe", "watches" → "watch", "tries" → "try"). Only its first
/// word, and only a verb: a noun followed by "that" or "of" ("questions that support") and a
/// word ending in "ss" ("progress") stay as they are.
fn plural_verb(cue: &str) -> String {
    let mut words = cue.splitn(2, ' ');
    let first = words.next().unwrap_or_default();
    let rest = words.next();
    let word = first.trim_end_matches([',', ';', ':']);
    let tail = &first[word.len()..];
    let next = rest.and_then(|r| r.split_whitespace().next()).unwrap_or_default();
    let noun = ["that", "of", "since", "from", "for"].contains(&next);
    let verb = word.len() > 3
        && word.chars().all(|c| c.is_ascii_lowercase())
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !noun;
    if !verb {
        return cue.to_string();
    }
    let plain = match word {
        "does" => "do".to_string(),
        "has" => "have".to_string(),
        w if w.ends_with("ies") => format!("{}y", &w[..w.len() - 3]),
        w if ["ches", "shes", "sses", "xes", "zes"].iter().any(|e| w.ends_with(e)) => {
            w[..w.len() - 2].to_string()
        }
        w => w[..w.len() - 1].to_string(),
    };
    match rest {
        Some(r) => format!("{plain}{tail} {r}"),
        None => format!("{plain}{tail}"),
    }
}

/// Who speaks and who stays silent, one cue per row when it fits (centred), "Open discussion"
/// when the stage names nobody.
pub(super) fn cue_rows(app: &LiveScreen, width: u16) -> Vec<Line<'static>> {
    let t = app.opts.theme;
    let cues = display::held_cues(&app.state);
    let people = names::People::of(&app.state);
    if cues.is_empty() {
        return vec![Line::from(Span::styled("Open discussion", t.muted())).centered()];
    }
    let mut rows = Vec::new();
    for c in &cues {
        let (tag, style) =
            if c.silent { ("Silent: ", t.silent()) } else { ("Speaks: ", t.speak()) };
        let words = if c.plural { plural_verb(&cue_words(c)) } else { cue_words(c) };
        let make = |way: Names| {
            let who = if c.names.is_empty() {
                sanitize(&c.label)
            } else {
                format!("{} ({})", sanitize(&c.label), people.write(&c.names, way))
            };
            let mut spans = vec![Span::styled(tag, style), Span::styled(who, t.title())];
            if !words.is_empty() {
                spans.push(Span::raw(format!(": {}", sanitize(&words))));
            }
            Line::from(spans).alignment(Alignment::Center)
        };
        rows.extend(fitted(c.names.len(), width, make));
    }
    rows
}

/// Who holds which role in each group of the current round ("Group 2: Coachee Ben · Coach Cat
/// · Observers Ann, Dev"), or everyone outside the rounds; the facilitator; in a follow-up stage,
/// the follow-up count first.
pub(super) fn group_rows(app: &LiveScreen, width: u16) -> Vec<Line<'static>> {
    let st = &app.state;
    let mut rows: Vec<Line<'static>> = Vec::new();
    if st.spec(st.pos).is_some_and(|sp| sp.follow_up) {
        rows.extend(wrap(&follow_up_line(app), width));
    }
    for line in record_lines(app) {
        rows.extend(wrap(&line, width));
    }
    rows.extend(people_rows(app, width));
    rows
}

/// The lines about people alone: each group's roles (or everyone), and the facilitator.
pub(super) fn people_rows(app: &LiveScreen, width: u16) -> Vec<Line<'static>> {
    let st = &app.state;
    let t = app.opts.theme;
    let mut rows: Vec<Line<'static>> = Vec::new();
    let people = std::rc::Rc::new(names::People::of(st));
    if let Some(r) = display::roles_round(st) {
        let table = display::roles_in_round(st, r);
        let many = table.len() > 1;
        let mut lines: Vec<(usize, WayToWrite)> = Vec::new();
        for (gi, g) in table.iter().enumerate() {
            // Role by role, in the protocol's order, with everyone holding it.
            let held: Vec<(String, Vec<String>)> = st
                .setup
                .protocol
                .roles
                .iter()
                .map(|role| {
                    let names: Vec<String> =
                        g.iter().filter(|(_, id)| *id == role.id).map(|(n, _)| n.clone()).collect();
                    (display::role_name_for(st, &role.id, names.len()), names)
                })
                .filter(|(_, names)| !names.is_empty())
                .collect();
            let count = held.iter().map(|(_, n)| n.len()).sum();
            let people = std::rc::Rc::clone(&people);
            let make = move |way: Names| {
                let mut spans = Vec::new();
                if many {
                    spans.push(Span::styled(format!("Group {}: ", gi + 1), t.muted()));
                }
                for (i, (label, names)) in held.iter().enumerate() {
                    if i > 0 {
                        spans.push(Span::raw(" · "));
                    }
                    spans.push(Span::styled(sanitize(label), t.muted()));
                    spans.push(Span::raw(format!(" {}", people.write(names, way))));
                }
                Line::from(spans)
            };
            lines.push((count, Box::new(make)));
        }
        // Every group with first names, each wrapping where it must.
        for (count, make) in &lines {
            rows.extend(fitted(*count, width, make));
        }
    } else {
        let make = |way: Names| {
            Line::from(vec![
                Span::styled("Everyone ", t.muted()),
                Span::raw(people.write(&st.order, way)),
            ])
        };
        rows.extend(fitted(st.order.len(), width, make));
    }
    if let Some(fac) = &st.setup.facilitator {
        let line =
            Line::from(vec![Span::styled("Facilitator ", t.muted()), Span::raw(people.short(fac))]);
        rows.extend(wrap(&line, width));
    }
    rows
}

/// The stage's prompts, wrapped to `width`; first, in a stage that shows a carried record
/// (`carried`), what the group's previous session recorded for it ("Chosen last time (12 Oct):
/// Managing difficult people"), or that nothing was.
pub(super) fn prompt_rows(app: &LiveScreen, width: u16) -> Vec<Line<'static>> {
    let st = &app.state;
    let t = app.opts.theme;
    let Some(sp) = st.spec(st.pos) else { return Vec::new() };
    let mut rows = Vec::new();
    if let Some(record) = &sp.carried {
        let notes: Vec<_> = st.setup.carried_notes.iter().filter(|n| n.record == *record).collect();
        if notes.is_empty() {
            let line = Span::styled("Nothing was recorded for this last time", t.muted());
            rows.extend(wrap(&Line::from(line), width));
        }
        for n in notes {
            let day = n
                .made
                .as_deref()
                .and_then(|m| chrono::DateTime::parse_from_rfc3339(m).ok())
                .map(|d| format!(" ({})", d.format("%-d %b")))
                .unwrap_or_default();
            let line = Line::from(vec![
                Span::styled(format!("Chosen last time{day}: "), t.title()),
                Span::raw(sanitize(&n.text)),
            ]);
            rows.extend(wrap(&line, width));
        }
    }
    rows.extend(
        sp.prompts.iter().flat_map(|p| wrap(&Line::from(format!("• {}", sanitize(p))), width)),
    );
    rows
}

/// An optional stage says so; a stage that expects records lists each with what is done, in
/// words, from the stage's first second: "✓ done: Problem and desired outcome", "missing: Gap
/// task (3 of 5 people; missing: Dev, Eve)", "missing: The agreed topic" (a format 1 stage's
/// one record too).
fn record_lines(app: &LiveScreen) -> Vec<Line<'static>> {
    let st = &app.state;
    let t = app.opts.theme;
    let Some(spec) = st.spec(st.pos) else { return Vec::new() };
    let mut lines = Vec::new();
    if spec.optional {
        let (key, _) = hint(LIVE, &Action::Skip).unwrap_or_default();
        lines.push(Line::from(vec![
            Span::styled("Optional stage: ", t.title()),
            Span::raw(format!("run it, or skip it with {key}; nothing is asked")),
        ]));
    }
    for r in st.record_progress(st.pos) {
        let (mark, word, style) = if r.done() {
            ("✓ ", "done", t.muted())
        } else if spec.optional {
            ("· ", "not yet (optional)", t.muted())
        } else {
            ("· ", "missing", t.title())
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{mark}{word}: "), style),
            Span::raw(sanitize(&r.describe())),
        ]));
    }
    lines
}

/// Counts only (commitments are never shown on the projected screen): "Follow-up: 2 of 3
/// reviewed · press f".
fn follow_up_line(app: &LiveScreen) -> Line<'static> {
    let st = &app.state;
    let t = app.opts.theme;
    let total = st.setup.carried.len();
    if total == 0 {
        return Line::from(Span::styled(
            match &st.setup.group_name {
                Some(_) => "Follow-up: no open commitments from earlier sessions of this group",
                None => "Follow-up: no group given (--group NAME), so no earlier commitments",
            },
            t.muted(),
        ));
    }
    let reviewed = st
        .setup
        .carried
        .iter()
        .filter(|c| {
            st.updates
                .iter()
                .any(|u| u.session.as_deref() == Some(c.session.as_str()) && u.id == c.id)
        })
        .count();
    Line::from(vec![
        Span::styled("Follow-up: ", t.title()),
        Span::raw(format!(
            "{reviewed} of {} reviewed · press ",
            plural(total, "earlier commitment", "earlier commitments")
        )),
        Span::styled(hint(LIVE, &Action::FollowUp).unwrap_or_default().0, t.key()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_silent_cue_does_not_say_silent_twice() {
        let c = |cue: &str, silent| HeldCue {
            silent,
            label: "Observer".into(),
            names: vec![],
            cue: cue.into(),
            plural: false,
        };
        assert_eq!(cue_words(&c("silent, take notes", true)), "take notes");
        assert_eq!(cue_words(&c("silent", true)), "");
        assert_eq!(cue_words(&c("Silent; listen", true)), "listen");
        assert_eq!(cue_words(&c("silently nod", true)), "silently nod");
        assert_eq!(cue_words(&c("silent, take notes", false)), "silent, take notes");
    }

    #[test]
    fn a_cue_for_several_takes_the_plural_verb() {
        assert_eq!(plural_verb("presents the problem"), "present the problem");
        assert_eq!(plural_verb("describes the situation"), "describe the situation");
        assert_eq!(plural_verb("answers openly and honestly"), "answer openly and honestly");
        assert_eq!(plural_verb("watches, listens"), "watch, listens");
        assert_eq!(plural_verb("observes, takes notes"), "observe, takes notes");
        assert_eq!(plural_verb("reports"), "report");
        assert_eq!(plural_verb("carries on"), "carry on");
        // Not verbs, or already plural.
        assert_eq!(plural_verb("questions that support"), "questions that support");
        assert_eq!(plural_verb("progress since last week"), "progress since last week");
        assert_eq!(plural_verb("listen"), "listen");
        assert_eq!(plural_verb("probing questions"), "probing questions");
    }
}
