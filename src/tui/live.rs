//! The projected screen: the start card before the first stage, then the live stage view, with
//! its overlays. Rendering only reads the app; it never changes it.
//!
//! ```text
//! Project tuning · stage 2 of 6 · round 1 of 1                        [ RUNNING ]
//! Clarifying questions
//!                 ███  ███     ███  ███          (big countdown)
//! WRAP UP · Observer (Cat): remind the coach to wrap up                (when due)
//! Speak: Tuners (Ann, Ben, Cat): ask questions · Silent: Presenter (Priya): …
//! Roles (round 1)                       | Prompts
//! Next: Probing questions (4:00) · ends 08:54, on plan · notes 1 · commitments 0
//! ■■▶····                                                     (progress strip)
//! space pause/resume · n next · b back · + extend · …                  (footer)
//! ```

use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::app::{App, FormKind, Overlay};
use super::keymap;
use super::widgets::{big_clock, popup, too_small, wrapped_rows as rows};
use crate::protocol::{Part, RoleCount, Timing, format_clock};
use crate::review::fmt::cut;
use crate::session::view::{self, Phase};
use crate::session::{CommitmentStatus, Status};
use crate::text::{plural, sanitize};

/// Draws the whole screen for `app` at the moment (`mono`, `wall`).
pub fn render(f: &mut Frame, app: &App, mono: u64, wall: DateTime<FixedOffset>) {
    let area = f.area();
    if too_small(area, f.buffer_mut()) {
        return;
    }
    match app.state.status {
        Status::NotStarted => start_card(f, app, area),
        Status::Ended(outcome) => ended(f, app, area, outcome),
        Status::Running => live(f, app, area, mono, wall),
    }
    overlay(f, app, area);
}

/// The widest a roster column grows (names and roles beyond it are cut with `…`).
const ROSTER_COL: usize = 40;

/// "Project tuning · AP set · stage 2 of 6 · round 1 of 1"; reversed while flashing.
fn header_line(app: &App, flash: bool) -> Line<'static> {
    let st = &app.state;
    let t = app.opts.theme;
    let mut spans = vec![Span::styled(sanitize(&st.setup.protocol.name), t.title())];
    if let Some(g) = &st.setup.group_name {
        spans.push(Span::raw(format!(" · {}", sanitize(g))));
    }
    if st.status != Status::NotStarted {
        spans.push(Span::raw(format!(" · stage {} of {}", st.pos + 1, st.stages.len())));
        if let Some(r) = view::current_round(st) {
            spans.push(Span::raw(format!(" · round {} of {}", r + 1, st.rounds)));
        }
    }
    let line = Line::from(spans);
    if flash { line.style(Style::new().add_modifier(Modifier::REVERSED)) } else { line }
}

fn live(f: &mut Frame, app: &App, area: Rect, mono: u64, wall: DateTime<FixedOffset>) {
    let st = &app.state;
    let t = app.opts.theme;
    let phase = view::phase(st, mono);
    let flash = app.flash_until.is_some_and(|u| mono < u);
    let Some(spec) = st.spec(st.pos) else { return };
    let banner = app.log_banner();
    let small = area.height < 30;
    let cue_lines = cue_lines(app, area.width);
    let cue_rows: usize = cue_lines.iter().map(|l| rows(l, area.width)).sum();
    let cue_h = u16::try_from(cue_rows.clamp(1, if small { 3 } else { 5 })).unwrap_or(1);
    // Every row but the clock's is one line: banner, header, title, state, cues, next, strip,
    // message, footer. The clock takes what is left: big digits (with a blank row above on a
    // tall screen), half-height digits, or one line of text, so the state word in the header is
    // never pushed off a short screen.
    let banner_h = u16::from(banner.is_some());
    let fixed = banner_h + 7;
    let cue_h = cue_h.min(area.height.saturating_sub(fixed + 1).max(1));
    let spare = area.height.saturating_sub(fixed + cue_h);
    // The clock takes the largest size that still leaves room for every group's roles; prompts
    // get what is left after that.
    let (roles_h, mid_lines) = middle_height(app, area.width);
    let clock_h = [10, 8, 4, 1]
        .into_iter()
        .filter(|h| *h != 10 || !small)
        .find(|h| h + roles_h <= spare)
        .unwrap_or(1)
        .min(spare);
    let mid_lines = mid_lines.min(spare.saturating_sub(clock_h));
    let [
        banner_a,
        head_a,
        _,
        title_a,
        clock_a,
        state_a,
        cue_a,
        _,
        mid_a,
        next_a,
        strip_a,
        msg_a,
        foot_a,
    ] = Layout::vertical([
        Constraint::Length(banner_h),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(clock_h),
        Constraint::Length(1),
        Constraint::Length(cue_h),
        Constraint::Fill(1),
        Constraint::Length(mid_lines),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);

    if let Some(b) = banner {
        f.render_widget(Paragraph::new(b).style(t.alarm()), banner_a);
    }
    // Header: protocol, stage k of n, round r of m, state word on the right.
    let badge_w = u16::try_from(phase.label().chars().count() + 2).unwrap_or(0);
    let [hl, hr] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(badge_w)]).areas(head_a);
    f.render_widget(Paragraph::new(header_line(app, flash)), hl);
    f.render_widget(
        Paragraph::new(Span::styled(format!(" {} ", phase.label()), t.badge(phase))),
        hr,
    );

    let mut title = vec![Span::styled(sanitize(&spec.title()), t.title())];
    let suffix = "  (suggested duration)";
    // A duration the facilitator set (--stage) is not a suggestion any more.
    if spec.timing == Timing::Suggested
        && !st.setup.overrides.contains_key(&spec.id)
        && spec.title().chars().count() + suffix.len() <= usize::from(area.width)
    {
        title.push(Span::styled(suffix, t.muted()));
    }
    f.render_widget(Paragraph::new(Line::from(title)).alignment(Alignment::Center), title_a);

    // The countdown.
    let remaining = view::remaining(st, mono);
    let text = view::countdown_text(remaining);
    let clock_style = t.phase(phase);
    let pad = u16::from(clock_a.height >= 10);
    let clock_rect =
        Rect { y: clock_a.y + pad, height: clock_a.height.saturating_sub(pad), ..clock_a };
    big_clock(f, clock_rect, &text, clock_style);

    // The state line: words, not only colour.
    let state_text = match phase {
        Phase::WrapUp => {
            // Name as many of the people who act on it as fit on the line.
            let left = view::clock_text(view::shown_secs(remaining).1);
            let most = 12;
            let mut texts: Vec<String> = (1..=most)
                .rev()
                .filter_map(|n| view::warning_text(st, n))
                .map(|msg| format!("WRAP UP · {} · {left} left", sanitize(&msg)))
                .collect();
            // Then the message without the names, then only the time left.
            if let Some(w) = spec.warning.as_ref() {
                texts.push(format!("WRAP UP · {} · {left} left", sanitize(&w.message)));
            }
            texts.push(format!("WRAP UP · {left} left"));
            let fits = |t: &&String| t.chars().count() <= usize::from(area.width);
            texts.iter().find(fits).or(texts.last()).cloned().unwrap_or_default()
        }
        Phase::Time => "TIME · move on, or extend with the group".into(),
        Phase::Over(ms) => format!("TIME · +{} OVER", view::clock_text(ms / 1000)),
        Phase::Paused if app.opts.mirror => "PAUSED".into(),
        Phase::Paused => "PAUSED · press space to resume".into(),
        Phase::Ended => "SESSION ENDED".into(),
        Phase::Running | Phase::NotStarted => String::new(),
    };
    if !state_text.is_empty() {
        f.render_widget(
            Paragraph::new(state_text).style(t.badge(phase)).alignment(Alignment::Center),
            state_a,
        );
    }

    // Who speaks, who stays silent.
    f.render_widget(
        Paragraph::new(cue_lines).alignment(Alignment::Center).wrap(Wrap { trim: true }),
        cue_a,
    );

    middle(f, app, mid_a);

    f.render_widget(Paragraph::new(session_line(app, mono, wall, next_a.width)), next_a);
    f.render_widget(Paragraph::new(progress_strip(app, strip_a.width)), strip_a);
    if let Some(m) = &app.message {
        f.render_widget(Paragraph::new(sanitize(m)).style(t.title()), msg_a);
    }
    f.render_widget(Paragraph::new(footer(app, foot_a.width)), foot_a);
}

/// Counts only (commitments are never shown on the projected screen): "Follow-up: 2 of 3
/// reviewed · press f".
fn follow_up_line(app: &App) -> Line<'static> {
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
        Span::styled("f", t.key()),
    ])
}

/// Who speaks and who stays silent, one line per cue. A cue names as many holders as fit on
/// one line (down to one and "…"), so the cue itself is not cut off; if it still does not
/// fit, it wraps.
fn cue_lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let st = &app.state;
    let t = app.opts.theme;
    // Everyone who fits: who stays silent is the key information.
    let most = 12;
    let tries: Vec<Vec<view::NamedCue>> = (1..=most).rev().map(|n| view::cues(st, n)).collect();
    let line = |c: &view::NamedCue| {
        let (tag, style) =
            if c.silent { ("Silent: ", t.silent()) } else { ("Speaks: ", t.speak()) };
        Line::from(vec![
            Span::styled(tag, style),
            Span::styled(sanitize(&c.who), t.title()),
            Span::raw(format!(": {}", sanitize(&c.cue))),
        ])
    };
    let count = tries.first().map_or(0, Vec::len);
    let mut lines: Vec<Line> = (0..count)
        .map(|i| {
            let mut fitting = tries.iter().map(|cues| line(&cues[i]));
            let first = fitting.next().unwrap_or_default();
            if first.width() <= usize::from(width) {
                return first;
            }
            fitting
                .find(|l| l.width() <= usize::from(width))
                .unwrap_or_else(|| tries.last().map_or(first, |cues| line(&cues[i])))
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::from(Span::styled("Open discussion", t.muted())));
    }
    lines
}

/// Rows the roles (every group) and the whole roles-and-prompts section need at this width,
/// counting wrapped lines.
fn middle_height(app: &App, width: u16) -> (u16, u16) {
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

/// After the end: how it went, in counts (never the notes themselves).
fn ended(f: &mut Frame, app: &App, area: Rect, outcome: crate::session::Outcome) {
    let st = &app.state;
    let t = app.opts.theme;
    let planned = st.planned_ms() / 1000;
    let actual: u64 = st.clocks.iter().map(|c| c.banked_ms).sum::<u64>() / 1000;
    let run = st.clocks.iter().filter(|c| c.visits > 0).count();
    let over = st.clocks.iter().filter(|c| c.banked_ms > c.planned_ms + 999).count();
    let word = match outcome {
        crate::session::Outcome::Completed => "SESSION COMPLETE",
        crate::session::Outcome::EndedEarly => "SESSION ENDED EARLY",
    };
    let mut lines = vec![
        Line::from(Span::styled(format!(" {word} "), t.badge(Phase::Ended))),
        Line::from(""),
        Line::from(Span::styled(sanitize(&st.setup.protocol.name), t.title())),
        Line::from(format!(
            "{run} of {} run · {over} ran over",
            plural(st.stages.len(), "stage", "stages")
        )),
        Line::from(format!(
            "{} of stage time against {} planned",
            format_clock(actual),
            format_clock(planned)
        )),
        Line::from(format!(
            "{} · {} · {}",
            plural(st.notes.len(), "note", "notes"),
            plural(st.commitments.len(), "commitment", "commitments"),
            plural(st.extensions.len(), "extension", "extensions")
        )),
    ];
    if app.opts.mirror {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            "The facilitator has ended the session · q quits",
            t.muted(),
        )));
    } else {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled("Any key closes this screen.", t.muted())));
    }
    let h = u16::try_from(lines.len()).unwrap_or(0);
    let rect = super::widgets::centered(area, area.width, h);
    f.render_widget(Paragraph::new(lines).alignment(Alignment::Center), rect);
}

/// Roles of the current round (every group) on the left, prompts on the right.
fn middle(f: &mut Frame, app: &App, area: Rect) {
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
fn middle_lines(app: &App) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
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
    if let Some(r) = view::current_round(st) {
        let table = view::roles_in_round(st, r);
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

/// "Next: Probing questions (4:00) · ends 08:57, 3 min past plan · notes 1 · commitments 0".
fn session_line(app: &App, mono: u64, wall: DateTime<FixedOffset>, width: u16) -> Line<'static> {
    let narrow = width < 100;
    let st = &app.state;
    let t = app.opts.theme;
    let next = match st.spec(st.pos + 1) {
        Some(n) if st.status == Status::Running => {
            // What is left of it (all of it, unless it was visited before).
            let secs = st
                .clocks
                .get(st.pos + 1)
                .map_or(0, |c| u64::try_from(c.remaining(c.banked_ms).max(0)).unwrap_or(0) / 1000);
            Some((sanitize(&n.title()), format!(" ({})", format_clock(secs))))
        }
        _ => None,
    };
    let sched = view::schedule(st, mono, wall);
    let late = sched.minutes_late();
    let ends = if st.paused {
        "ends later: paused".to_string()
    } else {
        let when = sched.projected_end.format("%H:%M");
        match (late, narrow) {
            (0, _) => format!("ends {when}, on plan"),
            (m, false) if m > 0 => format!("ends {when}, {m} min past plan"),
            (m, false) => format!("ends {when}, {} min ahead of plan", -m),
            (m, true) if m > 0 => format!("ends {when}, {m} min late"),
            (m, true) => format!("ends {when}, {} min early", -m),
        }
    };
    let counts = if narrow {
        format!("notes {} · commits {}", st.notes.len(), st.commitments.len())
    } else {
        format!("notes {} · commitments {}", st.notes.len(), st.commitments.len())
    };
    // What gives way on a narrow screen: first the counts, then the end of the next title.
    let width = usize::from(width);
    let tail = format!(" · {ends}");
    let next_w = next.as_ref().map_or(10, |(title, d)| 6 + title.chars().count() + d.len());
    let with_counts = next_w + tail.chars().count() + 3 + counts.chars().count() <= width;
    let next = match next {
        None => "Last stage".to_string(),
        Some((title, d)) => {
            let room = width.saturating_sub(6 + d.len() + tail.chars().count()).max(8);
            let title = if title.chars().count() > room {
                let mut cut: String = title.chars().take(room - 1).collect();
                cut.push('…');
                cut
            } else {
                title
            };
            format!("Next: {title}{d}")
        }
    };
    // Below that, the next stage stays and the projected end goes.
    let mut spans = vec![Span::raw(next.clone())];
    if next.chars().count() + tail.chars().count() <= width {
        spans.extend([Span::styled(" · ", t.muted()), Span::raw(ends)]);
    }
    if with_counts {
        spans.extend([Span::styled(" · ", t.muted()), Span::raw(counts)]);
    }
    Line::from(spans)
}

/// One cell per stage: done `■`, current `▶`, to come `·`; rounds separated by `|`.
fn progress_strip(app: &App, width: u16) -> Line<'static> {
    let st = &app.state;
    let t = app.opts.theme;
    let mut spans = Vec::new();
    let mut last_round = None;
    for (i, r) in st.stages.iter().enumerate() {
        if r.round != last_round && i > 0 {
            spans.push(Span::styled("|", t.muted()));
        }
        last_round = r.round;
        let visited = st.clocks[i].visits > 0;
        let (sym, style) = if i == st.pos && st.status == Status::Running {
            ("▶", t.current())
        } else if visited {
            ("■", t.done())
        } else {
            ("·", t.muted())
        };
        spans.push(Span::styled(sym, style));
    }
    let cells: usize = spans.len();
    if cells > usize::from(width) {
        // Too many stages for the width: a compact count instead.
        return Line::from(format!("stage {} of {}", st.pos + 1, st.stages.len()));
    }
    Line::from(spans)
}

fn footer(app: &App, width: u16) -> Line<'static> {
    let t = app.opts.theme;
    if app.opts.mirror {
        return Line::from(vec![
            Span::styled("mirror", t.key()),
            Span::styled(" · read-only view of the facilitator's session · ", t.muted()),
            Span::styled("q", t.key()),
            Span::styled(" quit", t.muted()),
        ]);
    }
    let paused = app.state.paused;
    let items = keymap::footer()
        .map(|(k, l)| if paused && l == "pause" { (k, "resume") } else { (k, l) })
        .collect();
    key_line(app, items, width)
}

/// `k label · k label …`, dropping entries from the middle until it fits (help and quit stay).
fn key_line(app: &App, mut items: Vec<(&'static str, &'static str)>, width: u16) -> Line<'static> {
    let t = app.opts.theme;
    let len = |items: &[(&str, &str)]| -> usize {
        // "k label" per item, " · " between items.
        let words: usize =
            items.iter().map(|(k, l)| k.chars().count() + l.chars().count() + 1).sum();
        words + 3 * items.len().saturating_sub(1)
    };
    while len(&items) > usize::from(width) && items.len() > 3 {
        items.remove(items.len() - 3);
    }
    let mut spans = Vec::new();
    for (i, (k, label)) in items.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", t.muted()));
        }
        spans.push(Span::styled(k, t.key()));
        spans.push(Span::styled(format!(" {label}"), t.muted()));
    }
    Line::from(spans)
}

/// Before the first stage: protocol, groups and roster, durations, norms, warnings. Two
/// columns on a wide screen; one scrollable column (PgUp/PgDn) on a narrow one.
fn start_card(f: &mut Frame, app: &App, area: Rect) {
    let st = &app.state;
    let t = app.opts.theme;
    let p = &st.setup.protocol;
    let roomy = area.height >= 30;
    let mut head: Vec<Line> = Vec::new();
    let planned = format_clock(st.planned_ms() / 1000);
    head.push(Line::from(vec![
        Span::styled(sanitize(&p.name), t.title()),
        Span::raw(format!(" · {} people · {planned} planned", st.order.len())),
        Span::raw(
            st.setup.group_name.as_ref().map(|g| format!(" · {}", sanitize(g))).unwrap_or_default(),
        ),
    ]));
    if roomy {
        head.push(Line::from(Span::styled(sanitize(&p.summary), t.muted())));
    }
    if let Some(fac) = &st.setup.facilitator {
        let rule =
            p.facilitator.as_ref().map(|f| format!(": {}", sanitize(&f.rule))).unwrap_or_default();
        head.push(Line::from(format!("Facilitator {}{rule}", sanitize(fac))));
    }
    for w in &app.warnings {
        head.push(Line::from(Span::styled(format!("Note: {}", sanitize(w)), t.silent())));
    }
    let mut roster = Vec::new();
    roster_lines(app, &mut roster, true, roomy);
    let mut plan: Vec<Line> = vec![Line::from(Span::styled("Stages", t.title()))];
    let mut any_suggested = false;
    for (i, r) in st.stages.iter().enumerate() {
        if r.round.is_some_and(|x| x > 0) {
            continue;
        }
        let Some(spec) = st.spec(i) else { continue };
        let secs = st.clocks[i].planned_ms / 1000;
        let mark = if spec.timing == Timing::Suggested && !st.setup.overrides.contains_key(&spec.id)
        {
            any_suggested = true;
            " *"
        } else {
            ""
        };
        let each = if r.part == Part::Round && st.rounds > 1 { " (each round)" } else { "" };
        plan.push(Line::from(format!(
            "  {:>7}{mark:2} {}{each}",
            format_clock(secs),
            sanitize(&spec.title())
        )));
    }
    if any_suggested {
        plan.push(Line::from(Span::styled(
            "  * suggested: the source gives no duration (--stage ID=DURATION)",
            t.muted(),
        )));
    }
    if !p.norms.is_empty() {
        plan.push(Line::from(""));
        plan.push(Line::from(Span::styled("Norms", t.title())));
        for n in &p.norms {
            plan.push(Line::from(format!("  • {}", sanitize(n))));
        }
    }
    let width = usize::from(area.width.max(1));
    let head_h: usize = head.iter().map(|l| l.width().div_ceil(width).max(1)).sum::<usize>() + 1;
    let [head_a, body, msg_a, foot] = Layout::vertical([
        Constraint::Length(u16::try_from(head_h).unwrap_or(1)),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    f.render_widget(Paragraph::new(head).wrap(Wrap { trim: true }), head_a);
    let height = |lines: &[Line], w: u16| -> usize { lines.iter().map(|l| rows(l, w)).sum() };
    // Scrolling stops at the last line (PgDn pressed once too often shows no empty page).
    let clamp = |content: usize| {
        let max = content.saturating_sub(usize::from(body.height));
        app.scroll.min(u16::try_from(max).unwrap_or(u16::MAX))
    };
    // Two columns when the roster table fits in half the width without wrapping.
    // Columns as wide as the longest name, within reason: a longer name is cut, never used as
    // a formatting width as it stands (a 65,536-character name would panic `format!`).
    let name_w = st.order.iter().map(|n| n.chars().count()).max().unwrap_or(4).clamp(4, ROSTER_COL);
    let role_w =
        p.roles.iter().map(|r| r.name.chars().count()).max().unwrap_or(6).clamp(6, ROSTER_COL);
    let table_w = 4 + name_w + st.rounds * (role_w + 2);
    let more_below = if area.width >= 110 && table_w + 2 <= usize::from(area.width / 2) {
        let [l, r] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .spacing(2)
            .areas(body);
        let content = height(&roster, l.width).max(height(&plan, r.width));
        let scroll = clamp(content);
        f.render_widget(Paragraph::new(roster).wrap(Wrap { trim: false }).scroll((scroll, 0)), l);
        f.render_widget(Paragraph::new(plan).wrap(Wrap { trim: false }).scroll((scroll, 0)), r);
        content > usize::from(scroll) + usize::from(body.height)
    } else {
        roster.push(Line::from(""));
        roster.extend(plan);
        let content = height(&roster, body.width);
        let scroll = clamp(content);
        f.render_widget(
            Paragraph::new(roster).wrap(Wrap { trim: false }).scroll((scroll, 0)),
            body,
        );
        content > usize::from(scroll) + usize::from(body.height)
    };
    if let Some(m) = &app.message {
        f.render_widget(Paragraph::new(sanitize(m)).style(t.title()), msg_a);
    } else if more_below {
        f.render_widget(
            Paragraph::new(Span::styled("more below: PgDn ↓", t.muted()))
                .alignment(Alignment::Right),
            msg_a,
        );
    }
    let chooses = p.rotation.order == crate::protocol::OrderRule::GroupChooses;
    let mut keys = vec![("space", "start")];
    if chooses {
        keys.extend([("↑↓", "select"), ("f", "to front"), ("u/d", "move")]);
    }
    keys.extend([("PgDn", "more"), ("o", "norms"), ("?", "help"), ("q", "quit")]);
    let mut line = if app.opts.mirror {
        footer(app, foot.width.saturating_sub(8))
    } else {
        key_line(app, keys, foot.width.saturating_sub(8))
    };
    line.spans.insert(0, Span::styled(" READY ", t.badge(Phase::NotStarted)));
    line.spans.insert(1, Span::raw(" "));
    f.render_widget(Paragraph::new(line), foot);
}

/// The rotation roster: one line per member with their role in each round, grouped.
fn roster_lines(app: &App, lines: &mut Vec<Line<'static>>, selectable: bool, guidance: bool) {
    let st = &app.state;
    let t = app.opts.theme;
    let p = &st.setup.protocol;
    let chooses = p.rotation.order == crate::protocol::OrderRule::GroupChooses;
    if st.rounds == 0 || p.round.is_empty() {
        lines.push(Line::from(format!(
            "People: {}",
            st.order.iter().map(|n| sanitize(n)).collect::<Vec<_>>().join(", ")
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
    // Columns as wide as the longest name, within reason: a longer name is cut, never used as
    // a formatting width as it stands (a 65,536-character name would panic `format!`).
    let name_w = st.order.iter().map(|n| n.chars().count()).max().unwrap_or(4).clamp(4, ROSTER_COL);
    let role_w =
        p.roles.iter().map(|r| r.name.chars().count()).max().unwrap_or(6).clamp(6, ROSTER_COL);
    let mut head = format!("  {:name_w$}  ", "");
    for r in 0..st.rounds {
        let _ = write!(head, "{:role_w$}  ", format!("Round {}", r + 1));
    }
    lines.push(Line::from(Span::styled(head.trim_end().to_string(), t.muted())));
    let mut index = 0;
    for (gi, g) in st.groups.iter().enumerate() {
        if st.groups.len() > 1 {
            lines.push(Line::from(Span::styled(format!("  Group {}", gi + 1), t.muted())));
        }
        for name in g {
            let sel = selectable && chooses && index == app.selected;
            let mut row = format!(
                "{}{:name_w$}  ",
                if sel { "> " } else { "  " },
                cut(&sanitize(name), name_w)
            );
            for r in 0..st.rounds {
                let role = view::roles_in_round(st, r)
                    .get(gi)
                    .and_then(|grp| {
                        grp.iter().find(|(n, _)| n == name).map(|(_, role)| role.clone())
                    })
                    .map(|id| p.role_name(&id))
                    .unwrap_or_default();
                let _ = write!(row, "{:role_w$}  ", cut(&sanitize(&role), role_w));
            }
            let style = if sel { t.selected() } else { Style::new() };
            lines.push(Line::from(Span::styled(row.trim_end().to_string(), style)));
            index += 1;
        }
    }
    let fixed: Vec<String> = p
        .roles
        .iter()
        .map(|r| {
            let n = match r.count {
                RoleCount::Exact(k) => k.to_string(),
                RoleCount::Rest => "rest".into(),
            };
            format!("{} ({n}): {}", sanitize(&r.name), sanitize(&r.guidance))
        })
        .collect();
    for r in fixed.into_iter().filter(|_| guidance) {
        lines.push(Line::from(Span::styled(format!("  {r}"), t.muted())));
    }
}

/// The open overlay, if any. It never covers the row with the state word: the header on the
/// live screen, the footer (READY) on the start card.
fn overlay(f: &mut Frame, app: &App, area: Rect) {
    let t = app.opts.theme;
    let st = &app.state;
    let area = if st.status == Status::NotStarted {
        Rect { height: area.height.saturating_sub(1), ..area }
    } else {
        Rect { y: area.y + 1, height: area.height.saturating_sub(1), ..area }
    };
    let w = area.width.saturating_sub(4).min(100);
    match &app.overlay {
        Overlay::None => {}
        Overlay::Help => {
            let mut lines: Vec<Line> = keymap::LIVE
                .iter()
                .map(|b| {
                    Line::from(vec![
                        Span::styled(format!("{:>10}  ", b.keys), t.key()),
                        Span::raw(b.label),
                    ])
                })
                .collect();
            lines.push(Line::from(""));
            lines.push(Line::from(
                "Start card: space/Enter start · ↑↓ select · f to front · u/d move",
            ));
            lines.push(Line::from(
                "Forms: Tab next field · Enter save · F2 show/hide text · Esc cancel",
            ));
            if cfg!(unix) {
                lines.push(Line::from(
                    "Ctrl-Z suspends to the shell; fg there brings this screen back.",
                ));
            }
            lines.push(Line::from(Span::styled("Any key closes this help.", t.muted())));
            popup(f, area, "Keys", lines, w);
        }
        Overlay::Norms => {
            let p = &st.setup.protocol;
            let mut lines: Vec<Line> =
                p.norms.iter().map(|n| Line::from(format!("• {}", sanitize(n)))).collect();
            if let Some(fac) = &p.facilitator {
                lines.push(Line::from(format!("Facilitator: {}", sanitize(&fac.rule))));
            }
            if lines.is_empty() {
                lines.push(Line::from("This protocol has no norms."));
            }
            popup(f, area, "Norms", lines, w);
        }
        Overlay::Roster => {
            let mut lines = Vec::new();
            roster_lines(app, &mut lines, false, true);
            popup(f, area, "Rotation roster", lines, w);
        }
        Overlay::Quit => {
            let mut lines = vec![
                Line::from(vec![Span::styled("e", t.key()), Span::raw("  end the session")]),
                Line::from(vec![
                    Span::styled("l", t.key()),
                    Span::raw("  leave it, to resume later (convene resume)"),
                ]),
            ];
            if app.log_error().is_some() {
                lines.push(Line::from(vec![
                    Span::styled("s", t.key()),
                    Span::raw("  save the log somewhere else now"),
                ]));
            }
            lines.push(Line::from(vec![Span::styled("Esc", t.key()), Span::raw("  carry on")]));
            popup(f, area, "Quit?", lines, 60);
        }
        Overlay::ConfirmLeave => {
            let mut label = st
                .spec(st.pos)
                .and_then(|sp| sp.expects.as_ref())
                .map_or_else(String::new, |x| sanitize(&x.label));
            if let Some((have, need)) = st.expected_progress(st.pos).filter(|(_, n)| *n > 1) {
                let _ = write!(label, " ({have} of {need} groups)");
            }
            let lines = vec![
                Line::from(format!("Not recorded yet: {label}.")),
                Line::from(""),
                Line::from(vec![Span::styled("a", t.key()), Span::raw("  add it now")]),
                Line::from(vec![
                    Span::styled("n", t.key()),
                    Span::raw("  move on without it (this is logged)"),
                ]),
                Line::from(vec![Span::styled("Esc", t.key()), Span::raw("  stay in this stage")]),
            ];
            popup(f, area, "Leave this stage?", lines, 70);
        }
        Overlay::Agreement { by_ms } => {
            let lines = vec![
                Line::from(format!(
                    "Extend by {} min? This stage runs longer only with the group's agreement.",
                    by_ms / 60_000
                )),
                Line::from(""),
                Line::from(vec![
                    Span::styled("y", t.key()),
                    Span::raw("  the group agreed (recorded)"),
                ]),
                Line::from(vec![
                    Span::styled("w", t.key()),
                    Span::raw("  say who agreed, by name (recorded)"),
                ]),
                Line::from(vec![
                    Span::styled("n", t.key()),
                    Span::raw("  the group did not agree (recorded)"),
                ]),
                Line::from(vec![Span::styled("Esc", t.key()), Span::raw("  cancel")]),
            ];
            popup(f, area, "Has the group agreed?", lines, 70);
        }
        Overlay::Form(form) => {
            let record_label = st
                .spec(st.pos)
                .and_then(|sp| sp.expects.as_ref())
                .map_or_else(|| "Record".to_string(), |x| sanitize(&x.label));
            let title = match form.kind {
                FormKind::Note => "Private note",
                FormKind::Record => record_label.as_str(),
                FormKind::Commitment => "Commitment",
                FormKind::FollowUp { .. } => "Follow-up",
                FormKind::AgreedBy { .. } => "Who agreed?",
                FormKind::SavePath { .. } => "Save the log",
            };
            let mut lines = Vec::new();
            for (i, field) in form.fields.iter().enumerate() {
                let shown = if form.masked && field.secret {
                    "•".repeat(field.value.chars().count())
                } else {
                    sanitize(&field.value)
                };
                let cursor = if i == form.focus { "▏" } else { "" };
                let style = if i == form.focus { t.title() } else { Style::new() };
                lines.push(Line::from(vec![
                    Span::styled(format!("{}: ", field.label), t.muted()),
                    Span::styled(format!("{shown}{cursor}"), style),
                ]));
            }
            lines.push(Line::from(""));
            let mask = if form.masked { "F2 show text" } else { "F2 hide text" };
            lines.push(Line::from(Span::styled(
                format!("Enter save · Tab next field · {mask} · Esc cancel"),
                t.muted(),
            )));
            if let Some(m) = &app.message {
                lines.push(Line::from(Span::styled(sanitize(m), t.silent())));
            }
            popup(f, area, title, lines, w.min(90));
        }
        Overlay::FollowUp { selected } => {
            let mut lines = vec![Line::from(Span::styled(
                if app.reveal {
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
                let due =
                    c.due.as_deref().map(|d| format!(" (by {})", sanitize(d))).unwrap_or_default();
                let style = if i == *selected { t.selected() } else { Style::new() };
                let text = if app.reveal {
                    sanitize(&c.text)
                } else {
                    "•".repeat(c.text.chars().count().min(40))
                };
                let mark = if i == *selected { "> " } else { "  " };
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
            lines.push(Line::from(Span::styled(
                format!(
                    "↑↓ select · d {} · p {} · y {} · c {} · F2 show/hide · Esc close",
                    CommitmentStatus::Done.label(),
                    CommitmentStatus::Partly.label(),
                    CommitmentStatus::NotYet.label(),
                    CommitmentStatus::CarriedForward.label()
                ),
                t.muted(),
            )));
            popup(f, area, "Follow-up", lines, w);
        }
    }
}
