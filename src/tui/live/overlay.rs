//! What can open over the live screen: the help, the norms and the rotation roster (popups any
//! key closes), and the questions (quit, leave a stage without its record, extend with the
//! group's agreement, a name not in this session), the follow-up list and the forms, which open
//! in a panel at the bottom of the screen so the clock and the cues stay in view. Their state,
//! and how each is drawn; every key line comes from its binding table in [`super::keys`].

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::LiveScreen;
use super::form::{self, Form};
use super::keys::{
    AGREEMENT, Action, END_WITHOUT, FOLLOW_UP, FORM, LEAVE, LIVE, NOT_IN_SESSION, QUIT, REBALANCE,
    ROSTER, START,
};
use super::start_card::roster_lines;
use crate::protocol::Provenance;
use crate::session::Status;
use crate::text::sanitize;
use crate::tui::keys::{Binding, footer, hint, key_names};
use crate::tui::theme::Theme;
use crate::tui::widgets::{popup, wrap_all};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help,
    Norms,
    Roster,
    /// The shared page's address and QR code.
    Share,
    Quit,
    /// The stage's expected record is missing: add it, leave anyway, or stay.
    ConfirmLeave,
    /// Ending the session while records each participant makes are missing: end anyway, or
    /// carry on.
    ConfirmEnd,
    /// Under a group-agreement policy: has the group agreed to this extension?
    Agreement {
        by_ms: u64,
    },
    Form(Form),
    FollowUp {
        selected: usize,
    },
    /// A form named someone who is not in this session: record it anyway, or correct it.
    NotInSession {
        form: Form,
        unknown: Vec<String>,
    },
    /// A rebalance of the stages to come, to land on the hard stop: accept or refuse.
    Rebalance(crate::session::display::Proposal),
}

/// A question or a form in the panel at the bottom of the screen: its title and its rows,
/// wrapped to the screen's width.
#[derive(Debug, Clone)]
pub(crate) struct Panel {
    pub title: String,
    pub lines: Vec<Line<'static>>,
}

impl Panel {
    /// Rows it takes: a rule with the title, then its lines.
    pub(crate) fn rows(&self) -> u16 {
        u16::try_from(self.lines.len()).unwrap_or(u16::MAX).saturating_add(1)
    }
}

/// The open question or form, as a panel for the bottom of the screen (it never covers the
/// clock or the cues); `None` for the popups (help, norms, roster) and when nothing is open.
pub(crate) fn panel(s: &LiveScreen, width: u16) -> Option<Panel> {
    let t = s.opts.theme;
    let (title, mut lines) = match &s.overlay {
        Overlay::None | Overlay::Help | Overlay::Norms | Overlay::Roster | Overlay::Share => {
            return None;
        }
        Overlay::Form(form) => (form::title(s, form), form::lines(s, form, width)),
        // Saving elsewhere is offered only while the log cannot be written.
        Overlay::Quit => {
            let offered = |a| a != Action::SaveElsewhere || s.log_error().is_some();
            ("Quit?".to_string(), question_lines(t, QUIT, offered))
        }
        Overlay::ConfirmLeave => ("Leave this stage?".to_string(), leave_lines(s)),
        Overlay::ConfirmEnd => ("End without them?".to_string(), end_lines(s)),
        Overlay::Agreement { by_ms } => {
            let mut lines = vec![Line::from(format!(
                "Extend by {} min? Only with the group's agreement.",
                by_ms / 60_000
            ))];
            lines.extend(question_lines(t, AGREEMENT, |_| true));
            ("Has the group agreed?".to_string(), lines)
        }
        Overlay::FollowUp { selected } => ("Follow-up".to_string(), follow_up_lines(s, *selected)),
        Overlay::NotInSession { unknown, .. } => {
            let names: Vec<String> = unknown.iter().map(|n| sanitize(n)).collect();
            let verb = if names.len() == 1 { "is" } else { "are" };
            let mut lines = vec![Line::from(format!(
                "{} {verb} not in this session: record anyway?",
                and_list(&names)
            ))];
            lines.extend(question_lines(t, NOT_IN_SESSION, |_| true));
            ("Not in this session".to_string(), lines)
        }
        Overlay::Rebalance(p) => ("Land on the stop?".to_string(), rebalance_lines(s, p)),
    };
    // A refusal or a note about what was typed, under the form or question it concerns.
    if let Some(m) = &s.message {
        lines.push(Line::from(Span::styled(sanitize(m), t.silent())));
    }
    Some(Panel { title, lines: wrap_all(&lines, width) })
}

/// Draws the panel in `area` (at the bottom of the screen), over a cleared area.
pub(crate) fn draw_panel(f: &mut Frame, s: &LiveScreen, panel: &Panel, area: Rect) {
    crate::tui::widgets::panel(f, area, &panel.title, &panel.lines, s.opts.theme.title());
}

/// "Ann", "Ann and Ben", "Ann, Ben and Cat".
pub(crate) fn and_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Draws the open popup (help, norms, roster), if any. It never covers the row with the state
/// word: the header on the live screen, the footer (READY) on the start card.
pub(crate) fn draw_popup(f: &mut Frame, s: &LiveScreen, area: Rect) {
    let area = if s.state.status == Status::NotStarted {
        Rect { height: area.height.saturating_sub(1), ..area }
    } else {
        Rect { y: area.y + 1, height: area.height.saturating_sub(1), ..area }
    };
    let w = area.width.saturating_sub(4).min(100);
    let t = s.opts.theme;
    let close = || Line::from(Span::styled("Any key closes this.", t.muted()));
    let (title, lines) = match &s.overlay {
        Overlay::Help => ("Keys", help_lines(t)),
        Overlay::Norms => {
            let mut lines = norms_lines(s);
            lines.extend([Line::from(""), close()]);
            ("Norms", lines)
        }
        Overlay::Roster => {
            let mut lines = Vec::new();
            roster_lines(s, &mut lines, false, true, usize::from(w.saturating_sub(2)));
            lines.extend([Line::from(""), close()]);
            let lines = scrolled(s, &lines, w.saturating_sub(2), area.height.saturating_sub(2));
            ("Rotation roster", lines)
        }
        Overlay::Share => {
            let mut lines = share_lines(s);
            lines.extend([Line::from(""), close()]);
            ("Shared with the room", lines)
        }
        _ => return,
    };
    popup(f, area, title, &lines, w);
}

/// The roster's rows from where it is scrolled to, as many as `room` holds, the last saying how
/// to scroll and how far it is ("6–17 of 30 · `PgDn` more · `PgUp` back · other keys close"); all
/// of them where they fit.
fn scrolled(s: &LiveScreen, lines: &[Line<'static>], w: u16, room: u16) -> Vec<Line<'static>> {
    let rows = wrap_all(lines, w);
    let room = usize::from(room);
    if rows.len() <= room || room < 2 {
        return rows;
    }
    let shown = room - 1;
    let first = usize::from(s.roster_scroll).min(rows.len() - shown);
    let last = first + shown;
    let more = |a: &Action| hint(ROSTER, a).map(|(k, w)| format!("{k} {w}")).unwrap_or_default();
    let word = format!(
        "{}–{last} of {} · {} · {} · other keys close",
        first + 1,
        rows.len(),
        more(&Action::ScrollDown),
        more(&Action::ScrollUp)
    );
    let mut out: Vec<Line<'static>> = rows.into_iter().skip(first).take(shown).collect();
    out.push(Line::from(Span::styled(
        crate::text::cut(&word, usize::from(w)),
        s.opts.theme.muted(),
    )));
    out
}

/// The address and its QR code (white on black, to scan from the back of the room), and how
/// many devices are connected.
fn share_lines(s: &LiveScreen) -> Vec<Line<'static>> {
    let t = s.opts.theme;
    let Some(share) = s.share.as_ref().filter(|sh| !sh.ended()) else {
        return vec![Line::from("Not sharing.")];
    };
    let mut lines = vec![
        Line::from("Open on a phone or laptop in the room (read-only):"),
        Line::from(Span::styled(share.url().to_string(), t.key())),
    ];
    if let Some(qr) = share.qr.clone() {
        let style = ratatui::style::Style::new()
            .fg(ratatui::style::Color::White)
            .bg(ratatui::style::Color::Black);
        lines.extend(qr.into_iter().map(|l| Line::from(Span::styled(l, style))));
    }
    lines.push(Line::from(format!(
        "{} connected · names: {}",
        match share.devices() {
            1 => "1 device".to_string(),
            n => format!("{n} devices"),
        },
        share.names.word()
    )));
    lines.push(Line::from(vec![
        Span::styled("w", t.key()),
        Span::raw(" again: stop sharing (the address stops working at once)"),
    ]));
    lines
}

/// Every running key with what it does, then the start card's and the forms' keys in a line
/// each.
fn help_lines(t: Theme) -> Vec<Line<'static>> {
    let mut lines: Vec<Line> = LIVE
        .iter()
        .map(|b| {
            Line::from(vec![
                Span::styled(format!("{:>10}  ", key_names(b)), t.key()),
                Span::raw(b.what),
            ])
        })
        .collect();
    let start = [Action::Start, Action::Up, Action::ToFront, Action::MoveUp];
    lines.push(Line::from(format!("Start card: {}", hint_line(START, &start))));
    let forms = [Action::NextField, Action::Submit, Action::ToggleText, Action::Cancel];
    lines.push(Line::from(format!("Forms: {}", hint_line(FORM, &forms))));
    // No live key has an upper case of its own: one line with Ctrl-Z, so the help fits 80x24.
    lines.push(Line::from(if cfg!(unix) {
        "Ctrl-Z suspends to the shell (fg brings it back) · Caps Lock is fine"
    } else {
        "Letter keys work in upper case too (Caps Lock)."
    }));
    lines.push(Line::from(Span::styled("Any key closes this help.", t.muted())));
    lines
}

/// `keys word · keys word` for these actions of a table.
fn hint_line(table: &[Binding<Action>], actions: &[Action]) -> String {
    let items: Vec<String> = actions
        .iter()
        .filter_map(|a| hint(table, a))
        .map(|(k, word)| format!("{k} {word}"))
        .collect();
    items.join(" · ")
}

/// A question's answers: each key as the table shows it, then what it does.
fn question_lines(
    t: Theme,
    table: &[Binding<Action>],
    offered: impl Fn(Action) -> bool,
) -> Vec<Line<'static>> {
    table
        .iter()
        .filter(|b| offered(b.action) && !b.shown.is_empty())
        .map(|b| {
            Line::from(vec![Span::styled(b.shown, t.key()), Span::raw(format!("  {}", b.what))])
        })
        .collect()
}

/// A norm as shown: sanitised, marked when it is ours ("added: not in the source").
pub(super) fn shown_norm(norm: &str, origin: Provenance) -> String {
    format!("{}{}", sanitize(norm), origin.note())
}

fn norms_lines(s: &LiveScreen) -> Vec<Line<'static>> {
    let p = &s.state.setup.protocol;
    // Format 2: our own additions, marked in words as not the source's.
    let mut lines: Vec<Line> =
        p.all_norms().map(|(n, o)| Line::from(format!("• {}", shown_norm(n, o)))).collect();
    if let Some(fac) = &p.facilitator {
        lines.push(Line::from(format!("Facilitator: {}", sanitize(&fac.rule))));
    }
    if lines.is_empty() {
        lines.push(Line::from("This protocol has no norms."));
    }
    lines
}

/// What is missing (with several groups or one per person, how many have it), then the
/// answers.
fn leave_lines(s: &LiveScreen) -> Vec<Line<'static>> {
    let st = &s.state;
    let missing: Vec<String> =
        st.missing_records(st.pos).iter().map(|r| sanitize(&r.describe())).collect();
    let mut lines = vec![Line::from(format!("Not recorded yet: {}.", missing.join("; ")))];
    lines.extend(question_lines(s.opts.theme, LEAVE, |_| true));
    lines
}

/// The records each participant makes that are missing in the session, then the answers.
fn end_lines(s: &LiveScreen) -> Vec<Line<'static>> {
    let mut missing: Vec<String> = Vec::new();
    for (_, r) in s.state.missing_per_person() {
        let d = sanitize(&r.describe());
        if !missing.contains(&d) {
            missing.push(d);
        }
    }
    let mut lines = vec![Line::from(format!("Not recorded yet: {}.", missing.join("; ")))];
    lines.extend(question_lines(s.opts.theme, END_WITHOUT, |_| true));
    lines
}

/// A rebalance beside the current plan: how far past the stop the session ends now, each stage
/// to come that gives (with how many rounds share its new time), and whether it lands.
fn rebalance_lines(s: &LiveScreen, p: &crate::session::display::Proposal) -> Vec<Line<'static>> {
    use crate::protocol::{Minutes, clock};
    let stop = p.stop.format("%H:%M");
    let mut lines = vec![Line::from(format!(
        "Projected {} min past the {stop} stop. Now → proposed:",
        (p.over_ms + 30_000) / 60_000
    ))];
    let mut shown: Vec<(String, u64, u64, usize)> = Vec::new();
    for c in &p.changes {
        match shown
            .iter_mut()
            .find(|(id, from, to, _)| *id == c.stage && *from == c.from_ms && *to == c.to_ms)
        {
            Some(row) => row.3 += 1,
            None => shown.push((c.stage.clone(), c.from_ms, c.to_ms, 1)),
        }
    }
    for (id, from, to, n) in shown {
        let pos = p.changes.iter().find(|c| c.stage == id).map_or(0, |c| c.pos);
        let name = s.state.spec(pos).map_or(id, crate::protocol::StageSpec::title);
        let times = if n > 1 { format!(" (×{n})") } else { String::new() };
        lines.push(Line::from(format!(
            "  {}{times}: {} → {}",
            sanitize(&name),
            clock(from / 1000, Minutes::Plain),
            clock(to / 1000, Minutes::Plain)
        )));
    }
    lines.push(Line::from(if p.short_ms == 0 {
        format!("Lands on the {stop} stop; the other stages keep their time.")
    } else {
        format!(
            "Even so it ends {} min past the {stop} stop: no rebalance reaches it within the minimums.",
            (p.short_ms + 30_000) / 60_000
        )
    }));
    lines.extend(question_lines(s.opts.theme, REBALANCE, |_| true));
    lines
}

/// When a commitment is due, as a note after it: " (by Friday)"; a due date already worded
/// ("by Friday", "before half term") is not prefixed again.
pub(crate) fn due_words(due: &str) -> String {
    let due = sanitize(due.trim());
    let lower = due.to_lowercase();
    let worded =
        ["by ", "before ", "until ", "within ", "in "].iter().any(|w| lower.starts_with(w));
    if worded { format!(" ({due})") } else { format!(" (by {due})") }
}

/// The most earlier commitments the follow-up list shows at once (around the selected one).
const FOLLOW_UP_ROWS: usize = 6;

/// The earlier commitments with their status (texts hidden unless revealed), a few at a time
/// around the selected one, and the keys.
fn follow_up_lines(s: &LiveScreen, selected: usize) -> Vec<Line<'static>> {
    let st = &s.state;
    let t = s.opts.theme;
    let total = st.setup.carried.len();
    let mut lines = vec![Line::from(Span::styled(
        if s.reveal {
            "Open commitments from earlier sessions (F2 hides the texts)"
        } else {
            "Open commitments from earlier sessions (texts hidden: F2 shows them)"
        },
        t.muted(),
    ))];
    let first =
        selected.saturating_sub(FOLLOW_UP_ROWS / 2).min(total.saturating_sub(FOLLOW_UP_ROWS));
    for (i, c) in st.setup.carried.iter().enumerate().skip(first).take(FOLLOW_UP_ROWS) {
        let status = st
            .updates
            .iter()
            .rev()
            .find(|u| u.session.as_deref() == Some(c.session.as_str()) && u.id == c.id)
            .map_or("to review", |u| u.status.label());
        let due = c.due.as_deref().map(due_words).unwrap_or_default();
        let style = if i == selected { t.selected() } else { Style::new() };
        let text = if s.reveal {
            sanitize(&c.text)
        } else {
            "•".repeat(crate::text::graphemes(&c.text).min(40))
        };
        let mark = if i == selected { "> " } else { "  " };
        lines.push(Line::from(Span::styled(
            format!("{mark}{}: {text}{due} — {status}", sanitize(&c.owner)),
            style,
        )));
    }
    if total > FOLLOW_UP_ROWS {
        lines.push(Line::from(Span::styled(
            format!("  {} of {total}: ↑↓ for the others", selected + 1),
            t.muted(),
        )));
    }
    let items: Vec<String> =
        footer(FOLLOW_UP).map(|b| format!("{} {}", b.shown, b.short)).collect();
    lines.push(Line::from(Span::styled(items.join(" · "), t.muted())));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_due_date_already_worded_is_not_prefixed_again() {
        assert_eq!(due_words("by Friday"), " (by Friday)");
        assert_eq!(due_words("Friday"), " (by Friday)");
        assert_eq!(due_words("2 weeks"), " (by 2 weeks)");
        assert_eq!(due_words("within 2 weeks"), " (within 2 weeks)");
        assert_eq!(and_list(&["Ann".into(), "Ben".into(), "Cat".into()]), "Ann, Ben and Cat");
    }

    #[test]
    fn the_marks_are_worded_as_the_statuses_label_themselves() {
        for b in FOLLOW_UP {
            if let Action::Mark(status) = b.action {
                assert_eq!(b.short, status.label());
                assert_eq!(b.what, status.label());
            }
        }
    }
}
