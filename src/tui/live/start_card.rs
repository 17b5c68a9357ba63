//! The start card, before the first stage: protocol, groups and roster, durations, norms,
//! warnings. Two columns on a wide screen; one scrollable column (PgUp/PgDn) on a narrow one. The
//! rotation roster is drawn here too (the roster overlay shows it again).

use std::fmt::Write as _;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::LiveScreen;
use super::keys::{Action, START};
use super::view::{footer, key_line};
use crate::protocol::{Minutes, OrderRule, Part, RoleCount, Timing, clock};
use crate::session::display::{self, Phase};
use crate::text::{pad, sanitize, width};
use crate::tui::keys::{self, hint};
use crate::tui::widgets::wrapped_rows as rows;

/// The widest a roster column grows (names and roles beyond it are cut with `…`).
const ROSTER_COL: usize = 40;

/// Before the first stage: protocol, groups and roster, durations, norms, warnings. Two
/// columns on a wide screen; one scrollable column (PgUp/PgDn) on a narrow one.
///
/// ```text
/// Project tuning · 4 people · 24:00 planned · AP set       (a course's: · Session 2 of 3–6)
/// Roles                                  | Stages
///   Priya  Presenter                     |     4:00    Presenter's overview
///   Ann    Tuner                         |     3:00    Clarifying questions
///                                                              more below: PgDn ↓
///  READY  space start · PgDn more · o norms · ? help · q quit
/// ```
pub(crate) fn draw(f: &mut Frame, app: &LiveScreen, area: Rect) {
    let t = app.opts.theme;
    let roomy = area.height >= 30;
    let head = head_lines(app, roomy);
    let width = usize::from(area.width.max(1));
    let head_h: usize = head.iter().map(|l| l.width().div_ceil(width).max(1)).sum::<usize>() + 1;
    let [head_a, body_a, msg_a, foot] = Layout::vertical([
        Constraint::Length(u16::try_from(head_h).unwrap_or(1)),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    f.render_widget(Paragraph::new(head).wrap(Wrap { trim: true }), head_a);
    let more_below = body(f, app, body_a, roomy);
    if let Some(m) = &app.message {
        f.render_widget(Paragraph::new(sanitize(m)).style(t.title()), msg_a);
    } else if more_below {
        let (more, _) = hint(START, &Action::ScrollDown).unwrap_or_default();
        f.render_widget(
            Paragraph::new(Span::styled(format!("more below: {more} ↓"), t.muted()))
                .alignment(Alignment::Right),
            msg_a,
        );
    }
    let mut line = if app.opts.mirror {
        footer(app, foot.width.saturating_sub(8))
    } else {
        // The reordering keys only when the group chooses the presenting order; facts only
        // when the protocol names some.
        let p = &app.state.setup.protocol;
        let items = keys::footer(START)
            .filter(|b| b.action.on_start_card(p))
            .map(|b| (b.shown.to_string(), b.short))
            .collect();
        key_line(app, items, foot.width.saturating_sub(8))
    };
    line.spans.insert(0, Span::styled(" READY ", t.badge(Phase::NotStarted)));
    line.spans.insert(1, Span::raw(" "));
    f.render_widget(Paragraph::new(line), foot);
}

/// "Planned start 08:15 (plan ends 09:39) · hard stop 10:00 · t to change", when the session has
/// either; `None` otherwise.
fn times_line(app: &LiveScreen) -> Option<Line<'static>> {
    let setup = &app.state.setup;
    if setup.planned_start.is_none() && setup.hard_stop.is_none() {
        return None;
    }
    let mut parts = Vec::new();
    if let Some(start) = setup.planned_start {
        let end = start
            + chrono::Duration::milliseconds(i64::try_from(app.state.planned_ms()).unwrap_or(0));
        parts.push(format!(
            "Planned start {} (plan ends {})",
            start.format("%H:%M"),
            end.format("%H:%M")
        ));
    }
    if let Some(stop) = setup.hard_stop {
        parts.push(format!("hard stop {}", stop.format("%H:%M")));
    }
    let mut text = parts.join(" · ");
    if let Some(first) = text.get(..1) {
        text = first.to_uppercase() + &text[1..];
    }
    if !app.opts.mirror {
        text.push_str(" · t to change");
    }
    Some(Line::from(text))
}

/// The protocol, how many people and how long; the summary (when there is room); the
/// facilitator; the setup's warnings.
fn head_lines(app: &LiveScreen, roomy: bool) -> Vec<Line<'static>> {
    let st = &app.state;
    let t = app.opts.theme;
    let p = &st.setup.protocol;
    let planned = clock(st.planned_ms() / 1000, Minutes::Padded);
    let group = st.setup.group_name.as_ref().map(|g| format!(" · {}", sanitize(g)));
    let session = crate::session::setup::session_label(&st.setup).map(|l| format!(" · {l}"));
    let mut head = vec![Line::from(vec![
        Span::styled(sanitize(&p.name), t.title()),
        Span::raw(format!(" · {} people · {planned} planned", st.order.len())),
        Span::raw(group.unwrap_or_default()),
        Span::raw(session.unwrap_or_default()),
    ])];
    if roomy {
        head.push(Line::from(Span::styled(sanitize(&p.summary), t.muted())));
    }
    if let Some(line) = times_line(app) {
        head.push(line);
    }
    if let Some(fac) = &st.setup.facilitator {
        let rule =
            p.facilitator.as_ref().map(|f| format!(": {}", sanitize(&f.rule))).unwrap_or_default();
        head.push(Line::from(format!("Facilitator {}{rule}", sanitize(fac))));
    }
    for w in &app.warnings {
        head.push(Line::from(Span::styled(format!("Note: {}", sanitize(w)), t.silent())));
    }
    if let Some(share) = &app.share {
        head.push(Line::from(vec![
            Span::styled("Shared read-only with the room: ", t.title()),
            Span::styled(share.url().to_string(), t.key()),
        ]));
        if roomy && let Some(qr) = share.qr.clone() {
            let style = ratatui::style::Style::new()
                .fg(ratatui::style::Color::White)
                .bg(ratatui::style::Color::Black);
            head.extend(qr.into_iter().map(|l| Line::from(Span::styled(l, style))));
        }
    }
    head
}

/// The stages of the first round with their durations (a suggested one marked), then the norms.
fn plan_lines(app: &LiveScreen) -> Vec<Line<'static>> {
    let st = &app.state;
    let t = app.opts.theme;
    let p = &st.setup.protocol;
    let mut plan: Vec<Line> = vec![Line::from(Span::styled("Stages", t.title()))];
    let mut any_suggested = false;
    // A duration range shows as one: planned at its lower end, up to its upper end; the column
    // is as wide as the widest.
    let duration = |i: usize| {
        let c = &st.clocks[i];
        let (low, range) = (c.planned_ms / 1000, c.range_ms / 1000);
        if range > 0 {
            format!("{}-{}", clock(low, Minutes::Padded), clock(low + range, Minutes::Padded))
        } else {
            clock(low, Minutes::Padded)
        }
    };
    let column = (0..st.stages.len()).map(|i| duration(i).len()).max().unwrap_or(0).max(7);
    for (i, r) in st.stages.iter().enumerate() {
        if r.round.is_some_and(|x| x > 0) {
            continue;
        }
        let Some(spec) = st.spec(i) else { continue };
        let mark = if spec.timing == Timing::Suggested && !st.setup.overrides.contains_key(&spec.id)
        {
            any_suggested = true;
            " *"
        } else {
            ""
        };
        let each = if r.part == Part::Round && st.rounds > 1 { " (each round)" } else { "" };
        // "Observe the class first — Optional" says so already.
        let says = spec.title().to_lowercase().contains("optional");
        let optional = if spec.optional && !says { " (optional)" } else { "" };
        // Format 2: a stage that is ours says so ("suggested", "added").
        let origin = spec.origin.suffix();
        plan.push(Line::from(format!(
            "  {:>column$}{mark:2} {}{origin}{optional}{each}",
            duration(i),
            sanitize(&spec.title())
        )));
    }
    if let Some(word) = p.origin.mark() {
        plan.push(Line::from(Span::styled(
            format!("  {word}: the sources give no running order for this session"),
            t.muted(),
        )));
    }
    if any_suggested {
        plan.push(Line::from(Span::styled(
            "  * suggested: the source gives no duration (--stage ID=DURATION)",
            t.muted(),
        )));
    }
    // Markers on the session's elapsed time (format 2), each at its time: the room should know
    // when "typical minimum reached" will show.
    if !p.markers.is_empty() {
        plan.push(Line::from(""));
        plan.push(Line::from(Span::styled("Markers on the session's time", t.title())));
        for (m, at) in p.markers.iter().zip(st.marker_points()) {
            let word = if m.warn { "warning: " } else { "" };
            plan.push(Line::from(format!(
                "  {:>column$}   {word}{}",
                clock(at / 1000, Minutes::Padded),
                sanitize(&m.message)
            )));
        }
    }
    if p.norm_count() > 0 {
        plan.push(Line::from(""));
        plan.push(Line::from(Span::styled("Norms", t.title())));
        for (n, origin) in p.all_norms() {
            plan.push(Line::from(format!("  • {}", super::overlay::shown_norm(n, origin))));
        }
    }
    plan
}

/// The roster and the plan: side by side when the roster table fits in half the width without
/// wrapping, else one under the other; scrolled. Returns whether more is below.
fn body(f: &mut Frame, app: &LiveScreen, area: Rect, roomy: bool) -> bool {
    let plan = plan_lines(app);
    let height = |lines: &[Line], w: u16| -> usize { lines.iter().map(|l| rows(l, w)).sum() };
    // Scrolling stops at the last line (PgDn pressed once too often shows no empty page).
    let clamp = |content: usize| {
        let max = content.saturating_sub(usize::from(area.height));
        app.scroll.min(u16::try_from(max).unwrap_or(u16::MAX))
    };
    let half = usize::from(area.width / 2);
    if area.width >= 110 && table_width(app) + 2 <= half {
        let mut roster = Vec::new();
        roster_lines(app, &mut roster, true, roomy, half);
        let [l, r] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .spacing(2)
            .areas(area);
        let content = height(&roster, l.width).max(height(&plan, r.width));
        let scroll = clamp(content);
        f.render_widget(Paragraph::new(roster).wrap(Wrap { trim: false }).scroll((scroll, 0)), l);
        f.render_widget(Paragraph::new(plan).wrap(Wrap { trim: false }).scroll((scroll, 0)), r);
        content > usize::from(scroll) + usize::from(area.height)
    } else {
        let mut roster = Vec::new();
        roster_lines(app, &mut roster, true, roomy, usize::from(area.width));
        roster.push(Line::from(""));
        roster.extend(plan);
        let content = height(&roster, area.width);
        let scroll = clamp(content);
        f.render_widget(
            Paragraph::new(roster).wrap(Wrap { trim: false }).scroll((scroll, 0)),
            area,
        );
        content > usize::from(scroll) + usize::from(area.height)
    }
}

/// The roster's name and role columns, in columns of the terminal (a CJK character takes two):
/// as wide as the longest name, within reason. A longer name is cut with `…`, never used as a
/// formatting width as it stands (a 65,536-character name would panic `format!`).
fn column_widths(app: &LiveScreen) -> (usize, usize) {
    let st = &app.state;
    let name_w =
        st.order.iter().map(|n| width(&sanitize(n))).max().unwrap_or(4).clamp(4, ROSTER_COL);
    let role_w = st
        .setup
        .protocol
        .roles
        .iter()
        .map(|r| width(&sanitize(&r.name)))
        .max()
        .unwrap_or(6)
        .clamp(6, ROSTER_COL);
    (name_w, role_w)
}

/// Each fact's column: its label and its width (the label's or the widest value's).
fn fact_columns(app: &LiveScreen) -> Vec<(String, String, usize)> {
    let st = &app.state;
    st.setup
        .protocol
        .facts
        .iter()
        .filter(|f| {
            st.order
                .iter()
                .any(|n| crate::session::setup::fact(&st.setup.facts, n, &f.key).is_some())
        })
        .map(|f| {
            let label = sanitize(&f.label);
            let widest = st
                .order
                .iter()
                .filter_map(|n| crate::session::setup::fact(&st.setup.facts, n, &f.key))
                .map(|v| width(&sanitize(v)))
                .max()
                .unwrap_or(0);
            let w = widest.max(width(&label)).clamp(4, ROSTER_COL);
            (f.key.clone(), label, w)
        })
        .collect()
}

/// The roster table's width: the names, the facts' columns, a column per round.
fn table_width(app: &LiveScreen) -> usize {
    let (name_w, role_w) = column_widths(app);
    let facts: usize = fact_columns(app).iter().map(|(_, _, w)| w + 2).sum();
    4 + name_w + facts + app.state.rounds * (role_w + 2)
}

/// The facts the protocol names that a person has, in the protocol's order: ` · Oak Primary ·
/// pupil` (empty when none).
fn facts_of(app: &LiveScreen, name: &str) -> String {
    let st = &app.state;
    let mut out = String::new();
    for f in &st.setup.protocol.facts {
        if let Some(v) = crate::session::setup::fact(&st.setup.facts, name, &f.key) {
            let _ = write!(out, " · {}", sanitize(v));
        }
    }
    out
}

/// How many people hold a role, in words: "one person", "2 people", "everyone else"; "in each
/// group" where the session splits into groups.
fn role_count_words(count: RoleCount, splits: bool) -> String {
    let n = match count {
        RoleCount::Exact(1) => "one person".to_string(),
        RoleCount::Exact(k) => format!("{k} people"),
        RoleCount::Rest => "everyone else".to_string(),
    };
    if splits { format!("{n} in each group") } else { n }
}

/// The rotation roster: one line per member with their facts (each in its own column, headed by
/// its label) and their role in each round, grouped. Where that table is wider than `width`
/// columns, each member takes two lines: the name and facts, then the role in each round
/// ("R1 Coachee · R2 Observer · R3 Coach"), so that it reads at every size.
pub(crate) fn roster_lines(
    app: &LiveScreen,
    lines: &mut Vec<Line<'static>>,
    selectable: bool,
    guidance: bool,
    width: usize,
) {
    let st = &app.state;
    let t = app.opts.theme;
    let p = &st.setup.protocol;
    let chooses = p.rotation.order == OrderRule::GroupChooses;
    let selects = chooses || !p.facts.is_empty();
    if st.rounds == 0 || p.round.is_empty() {
        lines.push(Line::from(format!(
            "People: {}",
            st.order
                .iter()
                .map(|n| format!("{}{}", sanitize(n), facts_of(app, n)))
                .collect::<Vec<_>>()
                .join(", ")
        )));
        return;
    }
    let title = if chooses && selectable {
        "Presenting order and roles (the group may reorder)".to_string()
    } else {
        match st.rounds {
            1 => "Roles".to_string(),
            n => format!("Roles in each of {n} rounds"),
        }
    };
    lines.push(Line::from(Span::styled(title, t.title())));
    let (name_w, role_w) = column_widths(app);
    let facts = fact_columns(app);
    let stacked = table_width(app) > width;
    if !stacked {
        let mut head = format!("  {}  ", pad("", name_w));
        for (_, label, w) in &facts {
            let _ = write!(head, "{}  ", pad(label, *w));
        }
        for r in 0..st.rounds {
            let _ = write!(head, "{}  ", pad(&format!("Round {}", r + 1), role_w));
        }
        lines.push(Line::from(Span::styled(head.trim_end().to_string(), t.muted())));
    }
    // Every round's roles, worked out once: not once per person (quadratic in the roster).
    let table: Vec<Vec<Vec<(String, String)>>> =
        (0..st.rounds).map(|r| display::roles_in_round(st, r)).collect();
    let mut index = 0;
    for (gi, g) in st.groups.iter().enumerate() {
        if st.groups.len() > 1 {
            lines.push(Line::from(Span::styled(format!("  Group {}", gi + 1), t.muted())));
        }
        for name in g {
            let sel = selectable && selects && index == app.selected;
            let style = if sel { t.selected() } else { Style::new() };
            let mark = if sel { "> " } else { "  " };
            let roles: Vec<String> = table
                .iter()
                .map(|round| {
                    round
                        .get(gi)
                        .and_then(|grp| {
                            grp.iter().find(|(n, _)| n == name).map(|(_, role)| role.clone())
                        })
                        .map(|id| sanitize(&p.role_name(&id)))
                        .unwrap_or_default()
                })
                .collect();
            if stacked {
                let row = format!("{mark}{}{}", sanitize(name), facts_of(app, name));
                lines.push(Line::from(Span::styled(row, style)));
                let each: Vec<String> =
                    roles
                        .iter()
                        .enumerate()
                        .map(|(r, role)| {
                            if st.rounds > 1 { format!("R{} {role}", r + 1) } else { role.clone() }
                        })
                        .collect();
                lines.push(Line::from(format!("      {}", each.join(" · "))));
            } else {
                let mut row = format!("{mark}{}  ", pad(&sanitize(name), name_w));
                for (key, _, w) in &facts {
                    let v = crate::session::setup::fact(&st.setup.facts, name, key)
                        .map(sanitize)
                        .unwrap_or_default();
                    let _ = write!(row, "{}  ", pad(&v, *w));
                }
                for role in &roles {
                    let _ = write!(row, "{}  ", pad(role, role_w));
                }
                lines.push(Line::from(Span::styled(row.trim_end().to_string(), style)));
            }
            index += 1;
        }
    }
    if guidance {
        lines.extend(guidance_lines(app));
    }
}

/// Each role with how many hold it, in words, and its guidance: "Observer (everyone else in
/// each group): Watches the coach".
fn guidance_lines(app: &LiveScreen) -> Vec<Line<'static>> {
    let p = &app.state.setup.protocol;
    let t = app.opts.theme;
    p.roles
        .iter()
        .map(|r| {
            let text = format!(
                "  {} ({}): {}",
                sanitize(&r.name),
                role_count_words(r.count, p.splits()),
                sanitize(&r.guidance)
            );
            Line::from(Span::styled(text, t.muted()))
        })
        .collect()
}
