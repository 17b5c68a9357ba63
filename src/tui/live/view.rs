//! Drawing the live screen: the running stage and the end; the start card, the middle rows and
//! the overlays are drawn by their own modules. Drawing only reads the state; it never changes
//! it.

use chrono::{DateTime, FixedOffset};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::keys::{Action, LIVE, MIRROR};
use super::{LiveScreen, middle, overlay, start_card};
use crate::protocol::{Minutes, StageSpec, Timing, clock};
use crate::session::Status;
use crate::session::display::{self, Phase};
use crate::text::{plural, sanitize};
use crate::tui::keys::{self, hint};
use crate::tui::widgets::{big_clock, too_small, wrapped_rows as rows};

/// Draws the whole screen for `app` at the moment (`mono`, `wall`): the start card, the running
/// stage or the end, and the open overlay. While a stage runs:
///
/// ```text
/// Project tuning · stage 2 of 6 · round 1 of 1                        [ RUNNING ]
/// Clarifying questions
///                 ███  ███     ███  ███          (big countdown)
/// WRAP UP · Observer (Cat): remind the coach to wrap up                (when due)
/// Speak: Tuners (Ann, Ben, Cat): ask questions · Silent: Presenter (Priya): …
/// Roles (round 1)                       | Prompts
/// Next: Probing questions (4:00) · ends 08:54, on plan · notes 1 · commitments 0
/// ■■▶····                                                     (progress strip)
/// space pause/resume · n next · b back · + extend · …                  (footer)
/// ```
pub fn render(f: &mut Frame, app: &LiveScreen, mono: u64, wall: DateTime<FixedOffset>) {
    let area = f.area();
    if too_small(area, f.buffer_mut()) {
        return;
    }
    match app.state.status {
        Status::NotStarted => start_card::draw(f, app, area),
        Status::Ended(outcome) => ended(f, app, area, outcome),
        Status::Running => live(f, app, area, mono, wall),
    }
    overlay::draw(f, app, area);
}

/// "Project tuning · AP set · stage 2 of 6 · round 1 of 1"; reversed while flashing.
fn header_line(app: &LiveScreen, flash: bool) -> Line<'static> {
    let st = &app.state;
    let t = app.opts.theme;
    let mut spans = vec![Span::styled(sanitize(&st.setup.protocol.name), t.title())];
    if let Some(g) = &st.setup.group_name {
        spans.push(Span::raw(format!(" · {}", sanitize(g))));
    }
    if st.status != Status::NotStarted {
        spans.push(Span::raw(format!(" · stage {} of {}", st.pos + 1, st.stages.len())));
        if let Some(r) = display::current_round(st) {
            spans.push(Span::raw(format!(" · round {} of {}", r + 1, st.rounds)));
        }
    }
    let line = Line::from(spans);
    if flash { line.style(Style::new().add_modifier(Modifier::REVERSED)) } else { line }
}

/// The running stage, top to bottom (see the sketch above).
fn live(f: &mut Frame, app: &LiveScreen, area: Rect, mono: u64, wall: DateTime<FixedOffset>) {
    let st = &app.state;
    let t = app.opts.theme;
    let phase = display::phase(st, mono);
    let Some(spec) = st.spec(st.pos) else { return };
    let banner = app.log_banner();
    let cues = cue_lines(app, area.width);
    let h = heights(app, area, &cues, banner.is_some());
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
        Constraint::Length(h.banner),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(h.clock),
        Constraint::Length(1),
        Constraint::Length(h.cues),
        Constraint::Fill(1),
        Constraint::Length(h.middle),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);

    if let Some(b) = banner {
        f.render_widget(Paragraph::new(b).style(t.alarm()), banner_a);
    }
    header(f, app, head_a, phase, app.flash_until.is_some_and(|u| mono < u));
    f.render_widget(
        Paragraph::new(title_line(app, spec, area.width)).alignment(Alignment::Center),
        title_a,
    );

    // The countdown.
    let remaining = display::remaining(st, mono);
    let pad = u16::from(clock_a.height >= 10);
    let clock_rect =
        Rect { y: clock_a.y + pad, height: clock_a.height.saturating_sub(pad), ..clock_a };
    big_clock(f, clock_rect, &display::countdown_text(remaining), t.phase(phase));

    // The state line: words, not only colour.
    let state_text = state_line(app, phase, remaining, area.width);
    if !state_text.is_empty() {
        f.render_widget(
            Paragraph::new(state_text).style(t.badge(phase)).alignment(Alignment::Center),
            state_a,
        );
    }

    // Who speaks, who stays silent.
    f.render_widget(
        Paragraph::new(cues).alignment(Alignment::Center).wrap(Wrap { trim: true }),
        cue_a,
    );

    middle::draw(f, app, mid_a);

    f.render_widget(Paragraph::new(session_line(app, mono, wall, next_a.width)), next_a);
    f.render_widget(Paragraph::new(progress_strip(app, strip_a.width)), strip_a);
    if let Some(m) = &app.message {
        f.render_widget(Paragraph::new(sanitize(m)).style(t.title()), msg_a);
    }
    f.render_widget(Paragraph::new(footer(app, foot_a.width)), foot_a);
}

/// The heights of the rows that are not one line.
struct Heights {
    banner: u16,
    clock: u16,
    cues: u16,
    middle: u16,
}

/// Every row but the clock's is one line: banner, header, title, state, cues, next, strip,
/// message, footer. The clock takes what is left: big digits (with a blank row above on a tall
/// screen), half-height digits, or one line of text, so the state word in the header is never
/// pushed off a short screen. It takes the largest size that still leaves room for every group's
/// roles; prompts get what is left after that.
fn heights(app: &LiveScreen, area: Rect, cues: &[Line], banner: bool) -> Heights {
    let small = area.height < 30;
    let cue_rows: usize = cues.iter().map(|l| rows(l, area.width)).sum();
    let cue_h = u16::try_from(cue_rows.clamp(1, if small { 3 } else { 5 })).unwrap_or(1);
    let banner_h = u16::from(banner);
    let fixed = banner_h + 7;
    let cue_h = cue_h.min(area.height.saturating_sub(fixed + 1).max(1));
    let spare = area.height.saturating_sub(fixed + cue_h);
    let (roles_h, mid_lines) = middle::middle_height(app, area.width);
    let clock_h = [10, 8, 4, 1]
        .into_iter()
        .filter(|h| *h != 10 || !small)
        .find(|h| h + roles_h <= spare)
        .unwrap_or(1)
        .min(spare);
    let mid_lines = mid_lines.min(spare.saturating_sub(clock_h));
    Heights { banner: banner_h, clock: clock_h, cues: cue_h, middle: mid_lines }
}

/// Protocol, stage k of n, round r of m; the state word on the right.
fn header(f: &mut Frame, app: &LiveScreen, area: Rect, phase: Phase, flash: bool) {
    let t = app.opts.theme;
    let badge_w = u16::try_from(phase.label().chars().count() + 2).unwrap_or(0);
    let [hl, hr] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(badge_w)]).areas(area);
    f.render_widget(Paragraph::new(header_line(app, flash)), hl);
    f.render_widget(
        Paragraph::new(Span::styled(format!(" {} ", phase.label()), t.badge(phase))),
        hr,
    );
}

/// The stage's title, and "(suggested duration)" when the source gives none and it fits.
fn title_line(app: &LiveScreen, spec: &StageSpec, width: u16) -> Line<'static> {
    let t = app.opts.theme;
    let mut title = vec![Span::styled(sanitize(&spec.title()), t.title())];
    let suffix = "  (suggested duration)";
    // A duration the facilitator set (--stage) is not a suggestion any more.
    if spec.timing == Timing::Suggested
        && !app.state.setup.overrides.contains_key(&spec.id)
        && spec.title().chars().count() + suffix.len() <= usize::from(width)
    {
        title.push(Span::styled(suffix, t.muted()));
    }
    Line::from(title)
}

/// The state in words under the clock (empty while simply running).
fn state_line(app: &LiveScreen, phase: Phase, remaining: i64, width: u16) -> String {
    let st = &app.state;
    match phase {
        Phase::WrapUp => {
            // Name as many of the people who act on it as fit on the line.
            let left = clock(display::shown_secs(remaining).1, Minutes::Plain);
            let most = 12;
            let mut texts: Vec<String> = (1..=most)
                .rev()
                .filter_map(|n| display::warning_text(st, n))
                .map(|msg| format!("WRAP UP · {} · {left} left", sanitize(&msg)))
                .collect();
            // Then the message without the names, then only the time left.
            if let Some(w) = st.spec(st.pos).and_then(|sp| sp.warning.as_ref()) {
                texts.push(format!("WRAP UP · {} · {left} left", sanitize(&w.message)));
            }
            texts.push(format!("WRAP UP · {left} left"));
            let fits = |t: &&String| t.chars().count() <= usize::from(width);
            texts.iter().find(fits).or(texts.last()).cloned().unwrap_or_default()
        }
        Phase::Time => "TIME · move on, or extend with the group".into(),
        Phase::Over(ms) => format!("TIME · +{} OVER", clock(ms / 1000, Minutes::Plain)),
        Phase::Paused if app.opts.mirror => "PAUSED".into(),
        Phase::Paused => {
            let (key, _) = hint(LIVE, &Action::TogglePause).unwrap_or_default();
            format!("PAUSED · press {key} to resume")
        }
        Phase::Ended => "SESSION ENDED".into(),
        Phase::Running | Phase::NotStarted => String::new(),
    }
}

/// Who speaks and who stays silent, one line per cue. A cue names as many holders as fit on
/// one line (down to one and "…"), so the cue itself is not cut off; if it still does not
/// fit, it wraps.
fn cue_lines(app: &LiveScreen, width: u16) -> Vec<Line<'static>> {
    let st = &app.state;
    let t = app.opts.theme;
    // Everyone who fits: who stays silent is the key information.
    let most = 12;
    let tries: Vec<Vec<display::NamedCue>> =
        (1..=most).rev().map(|n| display::cues(st, n)).collect();
    let line = |c: &display::NamedCue| {
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

/// After the end: how it went, in counts (never the notes themselves).
fn ended(f: &mut Frame, app: &LiveScreen, area: Rect, outcome: crate::session::Outcome) {
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
            clock(actual, Minutes::Padded),
            clock(planned, Minutes::Padded)
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

/// "Next: Probing questions (4:00) · ends 08:57, 3 min past plan · notes 1 · commitments 0".
fn session_line(
    app: &LiveScreen,
    mono: u64,
    wall: DateTime<FixedOffset>,
    width: u16,
) -> Line<'static> {
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
            Some((sanitize(&n.title()), format!(" ({})", clock(secs, Minutes::Padded))))
        }
        _ => None,
    };
    let sched = display::schedule(st, mono, wall);
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
fn progress_strip(app: &LiveScreen, width: u16) -> Line<'static> {
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

/// The running session's footer, from [`LIVE`] (pause reads "resume" while paused); the mirror's
/// from [`MIRROR`].
pub(super) fn footer(app: &LiveScreen, width: u16) -> Line<'static> {
    let t = app.opts.theme;
    if app.opts.mirror {
        let quit = &MIRROR[0];
        return Line::from(vec![
            Span::styled("mirror", t.key()),
            Span::styled(" · read-only view of the facilitator's session · ", t.muted()),
            Span::styled(quit.shown, t.key()),
            Span::styled(format!(" {}", quit.short), t.muted()),
        ]);
    }
    let paused = app.state.paused;
    let items = keys::footer(LIVE)
        .map(|b| {
            let word = if paused && b.action == Action::TogglePause { "resume" } else { b.short };
            (b.shown.to_string(), word)
        })
        .collect();
    key_line(app, items, width)
}

/// `k label · k label …`, dropping entries from the middle until it fits (help and quit stay).
pub(super) fn key_line(
    app: &LiveScreen,
    mut items: Vec<(String, &'static str)>,
    width: u16,
) -> Line<'static> {
    let t = app.opts.theme;
    let len = |items: &[(String, &str)]| -> usize {
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
