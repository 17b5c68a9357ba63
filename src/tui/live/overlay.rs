//! What can open over the live screen: the help, the norms, the rotation roster, the three
//! questions (quit, leave a stage without its record, extend with the group's agreement), the
//! follow-up list and the forms. Their state, and how each is drawn; every key line comes from
//! its binding table in [`super::keys`].

use std::fmt::Write as _;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::LiveScreen;
use super::form::{self, Form};
use super::keys::{AGREEMENT, Action, FOLLOW_UP, FORM, LEAVE, LIVE, QUIT, START};
use super::start_card::roster_lines;
use crate::session::Status;
use crate::text::sanitize;
use crate::tui::keys::{Binding, footer, hint, key_names};
use crate::tui::theme::Theme;
use crate::tui::widgets::popup;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help,
    Norms,
    Roster,
    Quit,
    /// The stage's expected record is missing: add it, leave anyway, or stay.
    ConfirmLeave,
    /// Under a group-agreement policy: has the group agreed to this extension?
    Agreement {
        by_ms: u64,
    },
    Form(Form),
    FollowUp {
        selected: usize,
    },
}

/// Draws the open overlay, if any. It never covers the row with the state word: the header on
/// the live screen, the footer (READY) on the start card.
pub fn draw(f: &mut Frame, s: &LiveScreen, area: Rect) {
    let area = if s.state.status == Status::NotStarted {
        Rect { height: area.height.saturating_sub(1), ..area }
    } else {
        Rect { y: area.y + 1, height: area.height.saturating_sub(1), ..area }
    };
    let w = area.width.saturating_sub(4).min(100);
    let t = s.opts.theme;
    let (title, lines, width) = match &s.overlay {
        Overlay::None => return,
        Overlay::Form(form) => return form::draw(f, s, form, area, w),
        Overlay::Help => ("Keys", help_lines(t), w),
        Overlay::Norms => ("Norms", norms_lines(s), w),
        Overlay::Roster => {
            let mut lines = Vec::new();
            roster_lines(s, &mut lines, false, true);
            ("Rotation roster", lines, w)
        }
        // Saving elsewhere is offered only while the log cannot be written.
        Overlay::Quit => {
            let offered = |a| a != Action::SaveElsewhere || s.log_error().is_some();
            ("Quit?", question_lines(t, QUIT, offered), 60)
        }
        Overlay::ConfirmLeave => ("Leave this stage?", leave_lines(s), 70),
        Overlay::Agreement { by_ms } => {
            let mut lines = vec![
                Line::from(format!(
                    "Extend by {} min? This stage runs longer only with the group's agreement.",
                    by_ms / 60_000
                )),
                Line::from(""),
            ];
            lines.extend(question_lines(t, AGREEMENT, |_| true));
            ("Has the group agreed?", lines, 70)
        }
        Overlay::FollowUp { selected } => ("Follow-up", follow_up_lines(s, *selected), w),
    };
    popup(f, area, title, lines, width);
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
    lines.push(Line::from(""));
    let start = [Action::Start, Action::Up, Action::ToFront, Action::MoveUp];
    lines.push(Line::from(format!("Start card: {}", hint_line(START, &start))));
    let forms = [Action::NextField, Action::Submit, Action::ToggleText, Action::Cancel];
    lines.push(Line::from(format!("Forms: {}", hint_line(FORM, &forms))));
    if cfg!(unix) {
        lines.push(Line::from("Ctrl-Z suspends to the shell; fg there brings this screen back."));
    }
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
        .filter(|b| offered(b.action))
        .map(|b| {
            Line::from(vec![Span::styled(b.shown, t.key()), Span::raw(format!("  {}", b.what))])
        })
        .collect()
}

fn norms_lines(s: &LiveScreen) -> Vec<Line<'static>> {
    let p = &s.state.setup.protocol;
    let mut lines: Vec<Line> =
        p.norms.iter().map(|n| Line::from(format!("• {}", sanitize(n)))).collect();
    if let Some(fac) = &p.facilitator {
        lines.push(Line::from(format!("Facilitator: {}", sanitize(&fac.rule))));
    }
    if lines.is_empty() {
        lines.push(Line::from("This protocol has no norms."));
    }
    lines
}

/// What is missing (with several groups, how many have it), then the answers.
fn leave_lines(s: &LiveScreen) -> Vec<Line<'static>> {
    let st = &s.state;
    let mut label = st
        .spec(st.pos)
        .and_then(|sp| sp.expects.as_ref())
        .map_or_else(String::new, |x| sanitize(&x.label));
    if let Some((have, need)) = st.expected_progress(st.pos).filter(|(_, n)| *n > 1) {
        let _ = write!(label, " ({have} of {need} groups)");
    }
    let mut lines = vec![Line::from(format!("Not recorded yet: {label}.")), Line::from("")];
    lines.extend(question_lines(s.opts.theme, LEAVE, |_| true));
    lines
}

/// The earlier commitments with their status (texts hidden unless revealed), the stage's
/// prompts, and the keys.
fn follow_up_lines(s: &LiveScreen, selected: usize) -> Vec<Line<'static>> {
    let st = &s.state;
    let t = s.opts.theme;
    let mut lines = vec![Line::from(Span::styled(
        if s.reveal {
            "Open commitments from earlier sessions (F2 hides the texts)"
        } else {
            "Open commitments from earlier sessions (texts hidden: F2 shows them)"
        },
        t.muted(),
    ))];
    for (i, c) in st.setup.carried.iter().enumerate() {
        let status = st
            .updates
            .iter()
            .rev()
            .find(|u| u.session.as_deref() == Some(c.session.as_str()) && u.id == c.id)
            .map_or("to review", |u| u.status.label());
        let due = c.due.as_deref().map(|d| format!(" (by {})", sanitize(d))).unwrap_or_default();
        let style = if i == selected { t.selected() } else { Style::new() };
        let text =
            if s.reveal { sanitize(&c.text) } else { "•".repeat(c.text.chars().count().min(40)) };
        let mark = if i == selected { "> " } else { "  " };
        lines.push(Line::from(Span::styled(
            format!("{mark}{}: {text}{due} — {status}", sanitize(&c.owner)),
            style,
        )));
    }
    if let Some(spec) = st.spec(st.pos).filter(|sp| sp.follow_up) {
        for p in &spec.prompts {
            lines.push(Line::from(Span::styled(format!("• {}", sanitize(p)), t.muted())));
        }
    }
    lines.push(Line::from(""));
    let items: Vec<String> =
        footer(FOLLOW_UP).map(|b| format!("{} {}", b.shown, b.short)).collect();
    lines.push(Line::from(Span::styled(items.join(" · "), t.muted())));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

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
