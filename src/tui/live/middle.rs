//! The middle of the running screen: the roles of the current round (every group, and the
//! facilitator) on the left, the stage's prompts on the right (one under the other on a narrow
//! screen); in a follow-up stage, how many earlier commitments have been reviewed.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::LiveScreen;
use super::keys::{Action, LIVE};
use crate::session::display;
use crate::text::{plural, sanitize};
use crate::tui::keys::hint;

/// Rows the roles (every group) and the whole roles-and-prompts section need at this width,
/// counting wrapped lines.
pub(super) fn middle_height(app: &LiveScreen, width: u16) -> (u16, u16) {
    let (roles, prompts) = middle_lines(app);
    let rows = |lines: &[Line], w: u16| -> usize {
        let w = usize::from(w.max(1));
        lines.iter().map(|l| l.width().div_ceil(w).max(1)).sum()
    };
    let (roles_rows, all) = if width >= 100 && !prompts.is_empty() {
        let half = width.saturating_sub(2) / 2;
        (rows(&roles, half), rows(&roles, half).max(rows(&prompts, half)))
    } else {
        (rows(&roles, width), rows(&roles, width) + rows(&prompts, width))
    };
    let h = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
    (h(roles_rows), h(all))
}

/// Roles of the current round (every group) on the left, prompts on the right.
pub(super) fn draw(f: &mut Frame, app: &LiveScreen, area: Rect) {
    if area.height == 0 {
        return;
    }
    let (roles, prompts) = middle_lines(app);
    if area.width >= 100 && !prompts.is_empty() {
        let [l, r] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .spacing(2)
            .areas(area);
        f.render_widget(Paragraph::new(roles).wrap(Wrap { trim: true }), l);
        f.render_widget(Paragraph::new(prompts).wrap(Wrap { trim: true }), r);
    } else {
        let mut all = roles;
        all.extend(prompts);
        f.render_widget(Paragraph::new(all).wrap(Wrap { trim: true }), area);
    }
}

/// The roles of the current round (every group, and the facilitator) and the stage's prompts.
fn middle_lines(app: &LiveScreen) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
    let st = &app.state;
    let t = app.opts.theme;
    let prompts: Vec<Line> = st
        .spec(st.pos)
        .map(|sp| sp.prompts.iter().map(|p| Line::from(format!("• {}", sanitize(p)))).collect())
        .unwrap_or_default();
    let mut roles: Vec<Line> = Vec::new();
    if st.spec(st.pos).is_some_and(|sp| sp.follow_up) {
        roles.push(follow_up_line(app));
    }
    if let Some(r) = display::current_round(st) {
        let table = display::roles_in_round(st, r);
        let many = table.len() > 1;
        for (gi, g) in table.iter().enumerate() {
            let mut spans = Vec::new();
            if many {
                spans.push(Span::styled(format!("Group {}: ", gi + 1), t.muted()));
            }
            for (i, (name, role)) in g.iter().enumerate() {
                if i > 0 {
                    spans.push(Span::raw(" · "));
                }
                spans.push(Span::styled(sanitize(&st.setup.protocol.role_name(role)), t.muted()));
                spans.push(Span::raw(format!(" {}", sanitize(name))));
            }
            roles.push(Line::from(spans));
        }
    } else {
        let names: Vec<String> = st.order.iter().map(|n| sanitize(n)).collect();
        roles.push(Line::from(format!("Everyone: {}", names.join(", "))));
    }
    if let Some(fac) = &st.setup.facilitator {
        roles.push(Line::from(vec![
            Span::styled("Facilitator ", t.muted()),
            Span::raw(sanitize(fac)),
        ]));
    }
    (roles, prompts)
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
