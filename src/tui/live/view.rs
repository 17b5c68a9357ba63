//! Drawing the live screen: the running stage, laid out by priority ([`super::layout`]), the end,
//! and the one line a terminal too small for anything else still shows; the start card, the
//! people's lines and the overlays are drawn by their own modules. Drawing only reads the state;
//! it never changes it.

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, FixedOffset};
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use tui_big_text::{BigText, PixelSize};

use super::keys::{Action, LIVE, MIRROR};
use super::layout::{self, Wants};
use super::names::{self, Names};
use super::{LiveScreen, middle, overlay, start_card};
use crate::protocol::{ExtensionPolicy, Minutes, RecordKind, StageSpec, Timing, clock};
use crate::session::Status;
use crate::session::decide::extension_rule;
use crate::session::display::{self, Phase};
use crate::text::{cut, plural, sanitize, width};
use crate::tui::keys::{self, hint};
use crate::tui::widgets::{ClockSize, clock_sizes, draw_clock, too_small_or, wrap};

/// Draws the whole screen for `app` at the moment (`mono`, `wall`): the start card, the running
/// stage or the end, and the open overlay. While a stage runs (rows by priority, see
/// [`layout`]):
///
/// ```text
/// Coaching triads · stage 2 of 16 · round 1 of 3                       [ RUNNING ]
/// Coaching conversation
///
///        ██████   ██████        ██████   ██████       (the countdown: as large as
///       ██    ██ ██    ██  ██  ██    ██ ██    ██       the rows left allow)
///       ██  ████ ██  ████      ██  ████ ██  ████
///        ██████   ██████   ██   ██████   ██████
///           WRAP UP · Observers (Cat, Fay), remind the coach to wrap up · 3:00 left
///          Speaks: Coaches (Ben, Eve): probing questions, challenge, feedback
///               Speaks: Coachees (Ann, Dev): answers openly and honestly
///                 Silent: Observers (Cat, Fay): take notes on the coach
///
/// Group 1: Coachee Ann · Coach Ben · Observer Cat  | • What assumptions are you making?
/// Group 2: Coachee Dev · Coach Eve · Observer Fay  | • How might someone else see this?
/// Next: Coachee's commitment (3:00) · ends 10:05, on plan · 1 note · 0 commitments
/// ■▶··|····|····|··                                             (progress strip)
/// space pause · n next · b back · + extend · - shorten · e note · …       (footer)
/// ```
///
/// A message (a refusal, a confirmation) takes the footer's row until the next key.
///
/// On a screen with rows to spare (120x35 and larger), the stage's name (or, while a timed cue
/// shows, the cue) is drawn in large type above the countdown, over its plain row (kept as the
/// words to copy, read aloud or search), as long as the countdown keeps [`BACK_ROW`] rows; the
/// message to the room is large in its frame, with its words on the row below, before the name.
///
/// A question or a form takes the footer's place at the bottom, with as many rows as it needs,
/// taken from the lower items first: the countdown and the cues stay in view.
pub fn render(f: &mut Frame, app: &LiveScreen, mono: u64, wall: DateTime<FixedOffset>) {
    render_whole(f, app, mono, wall);
}

/// Where a running stage's countdown was drawn, and at what size: the seconds after redraw it
/// alone there ([`draw_countdown`]) while nothing else changes ([`super::ticking`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Countdown {
    pub area: Rect,
    pub size: ClockSize,
}

/// Draws the whole screen, as [`render`] does, and says where the countdown is, if it shows.
pub(super) fn render_whole(
    f: &mut Frame,
    app: &LiveScreen,
    mono: u64,
    wall: DateTime<FixedOffset>,
) -> Option<Countdown> {
    let area = f.area();
    let line = one_line(app, mono, area.width);
    if too_small_or(area, f.buffer_mut(), line) {
        return None;
    }
    let mut countdown = None;
    match app.state.status {
        Status::NotStarted => {
            // A message to the room before the start ("Starting at 9:05") sits above the card.
            let rows = room_rows(app, area.width);
            let h = if rows.is_empty() { 0 } else { count(&rows) + 2 };
            let [room_a, card_a] =
                Layout::vertical([Constraint::Length(h.min(area.height / 3)), Constraint::Fill(1)])
                    .areas(area);
            draw_room(f, app, &rows, None, room_a);
            start_card::draw(f, app, card_a);
        }
        Status::Ended(outcome) => ended(f, app, area, outcome),
        Status::Running => countdown = live(f, app, area, mono, wall),
    }
    if app.state.status != Status::Running
        && let Some(panel) = overlay::panel(app, area.width)
    {
        // Above the start card's footer (the state word READY), or at the very bottom.
        let keep = u16::from(app.state.status == Status::NotStarted);
        let h = panel.rows().min(area.height.saturating_sub(keep));
        let rect = Rect { y: area.bottom() - keep - h, height: h, ..area };
        overlay::draw_panel(f, app, &panel, rect);
    }
    overlay::draw_popup(f, app, area);
    countdown
}

/// The one line a terminal below the smallest size still shows, cut to fit: `04:00  RUNNING
/// Presenter`; `None` when even the time and the state word do not fit.
pub(super) fn one_line(app: &LiveScreen, mono: u64, cols: u16) -> Option<Line<'static>> {
    let st = &app.state;
    let t = app.opts.theme;
    let phase = display::phase(st, mono);
    let (time, word, name) = match st.status {
        Status::Running => {
            let time = display::countdown_text(display::remaining(st, mono));
            // The clock already says by how much.
            let word = if let Phase::Over(_) = phase { "OVER".into() } else { phase.label() };
            (Some(time), word, st.spec(st.pos).map(StageSpec::title).unwrap_or_default())
        }
        _ => (None, phase.label(), st.setup.protocol.name.clone()),
    };
    let mut spans = Vec::new();
    if let Some(time) = time {
        spans.push(Span::styled(time, t.phase(phase)));
        spans.push(Span::raw("  "));
    }
    spans.push(Span::styled(word, t.badge(phase)));
    let used: usize = spans.iter().map(Span::width).sum();
    let cols = usize::from(cols);
    if used > cols {
        return None;
    }
    if cols >= used + 4 {
        spans.push(Span::raw(format!("  {}", cut(&sanitize(&name), cols - used - 2))));
    }
    Some(Line::from(spans))
}

/// "Project tuning · AP set · stage 2 of 6 · round 1 of 1" (a course's: "Middle leaders · ML
/// 2026 · Session 2 of 3–6 · stage 1 of 5"); reversed while flashing. Too wide for `cols`, it
/// drops whole items, the least important first: the group's name, then the course's length
/// ("Session 2"), the session, the protocol's name, the round; the stage stays in view, never
/// cut mid-phrase.
fn header_line(app: &LiveScreen, flash: bool, cols: u16) -> Line<'static> {
    let st = &app.state;
    let t = app.opts.theme;
    let session = crate::session::setup::session_label(&st.setup);
    let short = crate::session::setup::course_session(&st.setup).map(|n| format!("Session {n}"));
    let running = st.status != Status::NotStarted;
    let round = display::current_round(st).filter(|_| running);
    // Which items to show: the protocol's name, the group, the session (as given), the round.
    let make = |name: bool, group: bool, session: Option<&String>, with_round: bool| {
        let mut parts: Vec<Span<'static>> = Vec::new();
        if name {
            parts.push(Span::styled(sanitize(&st.setup.protocol.name), t.title()));
        }
        if let Some(g) = st.setup.group_name.as_ref().filter(|_| group) {
            parts.push(Span::raw(sanitize(g)));
        }
        if let Some(label) = session {
            parts.push(Span::raw(label.clone()));
        }
        if running {
            parts.push(Span::raw(format!("stage {} of {}", st.pos + 1, st.stages.len())));
            if let Some(r) = round.filter(|_| with_round) {
                parts.push(Span::raw(format!("round {} of {}", r + 1, st.rounds)));
            }
        }
        let mut spans = Vec::new();
        for (i, p) in parts.into_iter().enumerate() {
            if i > 0 {
                spans.push(Span::raw(" · "));
            }
            spans.push(p);
        }
        Line::from(spans)
    };
    let tries = [
        make(true, true, session.as_ref(), true),
        make(true, false, session.as_ref(), true),
        make(true, false, short.as_ref(), true),
        make(true, false, None, true),
        make(false, false, None, true),
    ];
    let fits = |l: &Line| l.width() <= usize::from(cols);
    let line = if let Some(l) = tries.into_iter().find(fits) {
        l
    } else if running {
        // The stage alone (with the round's number, where it fits), never cut.
        let stage = format!("stage {} of {}", st.pos + 1, st.stages.len());
        let texts = [
            round.map(|r| format!("{stage} · round {}", r + 1)).unwrap_or_default(),
            stage.clone(),
            format!("{}/{}", st.pos + 1, st.stages.len()),
        ];
        let text = texts
            .into_iter()
            .find(|x| !x.is_empty() && width(x) <= usize::from(cols))
            .unwrap_or_default();
        Line::from(text)
    } else {
        Line::from(Span::styled(
            cut(&sanitize(&st.setup.protocol.name), usize::from(cols)),
            t.title(),
        ))
    };
    if flash { line.style(Style::new().add_modifier(Modifier::REVERSED)) } else { line }
}

/// What the running screen shows, each item as rows ready to draw at the screen's width.
struct Items {
    banner: Vec<Line<'static>>,
    state: Option<Line<'static>>,
    cues: Vec<Line<'static>>,
    /// The message to the room, wrapped to fit inside its frame.
    room: Vec<Line<'static>>,
    panel: Option<overlay::Panel>,
    /// Groups and prompts side by side (a wide screen), or one under the other.
    beside: bool,
    groups: Vec<Line<'static>>,
    prompts: Vec<Line<'static>>,
    message: Option<Line<'static>>,
}

impl Items {
    fn new(app: &LiveScreen, phase: Phase, remaining: i64, mono: u64, w: u16) -> Self {
        let t = app.opts.theme;
        let banner = app
            .log_banner()
            .map(|b| wrap(&Line::from(Span::styled(b, t.alarm())), w))
            .unwrap_or_default();
        let panel = overlay::panel(app, w);
        let one_column = middle::prompt_rows(app, w);
        // The groups have the width first: the prompts sit beside them on a wide screen only
        // when every line about people still fits on its row there; otherwise they go below.
        let half = (w.saturating_sub(2)) / 2;
        let beside = w >= 100
            && !one_column.is_empty()
            && middle::people_rows(app, half).len() == middle::people_rows(app, w).len();
        let col = if beside { half } else { w };
        let message = app
            .message
            .clone()
            .or_else(|| nobody_hint(app).filter(|_| !app.public_only()))
            .filter(|_| panel.is_none())
            .map(|m| Line::from(Span::styled(cut(&sanitize(&m), usize::from(w)), t.title())));
        Self {
            banner,
            state: state_line(app, phase, remaining, mono, w),
            cues: cue_banner(app, w).into_iter().chain(middle::cue_rows(app, w)).collect(),
            room: room_rows(app, w),
            panel,
            beside,
            groups: middle::group_rows(app, col),
            prompts: if beside { middle::prompt_rows(app, col) } else { one_column },
            message,
        }
    }
}

/// Rows as a count for the layout.
fn count(rows: &[Line]) -> u16 {
    u16::try_from(rows.len()).unwrap_or(u16::MAX)
}

/// The running stage, top to bottom (see the sketch above).
#[allow(clippy::too_many_lines)] // one row after another, in the sketch's order
fn live(
    f: &mut Frame,
    app: &LiveScreen,
    area: Rect,
    mono: u64,
    wall: DateTime<FixedOffset>,
) -> Option<Countdown> {
    let st = &app.state;
    let t = app.opts.theme;
    let phase = display::phase(st, mono);
    let spec = st.spec(st.pos)?;
    let remaining = display::remaining(st, mono);
    let time = display::countdown_text(remaining);
    let sizes = clock_sizes(&time, area.width);
    let items = Items::new(app, phase, remaining, mono, area.width);
    let groups = count(&items.groups);
    let prompts = count(&items.prompts);
    let big = big_title(app, spec, area.width);
    // The message to the room in large type too, where it fits (before the stage's name).
    let big_message = big_room(app, area.width);
    let small_room = if items.room.is_empty() { 0 } else { count(&items.room) + 2 };
    let wants = Wants {
        height: area.height,
        banner: count(&items.banner),
        // The state's row is kept even when empty, so the countdown does not change size as the
        // state comes and goes; the message takes the footer's row (and its place in the
        // priorities while it is shown).
        state: 1,
        cues: count(&items.cues),
        room: if big_message.is_some() { BIG_ROOM_ROWS } else { small_room },
        panel: items.panel.as_ref().map_or(0, overlay::Panel::rows),
        clock: sizes.iter().map(|s| s.rows()).collect(),
        groups,
        message: u16::from(items.message.is_some()),
        next: 1,
        prompts: if items.beside { prompts.saturating_sub(groups) } else { prompts },
        strip: 1,
        // The keys are the facilitator's: hidden in presentation mode, never on the mirror.
        footer: u16::from(items.panel.is_none() && items.message.is_none() && !app.public_only()),
        big_title: if big.is_some() { BIG_TITLE_ROWS + 1 } else { 0 },
    };
    let r = allocate_large(&wants, big_message.is_some(), small_room);
    let big = big.filter(|_| r.big_title > 0);
    let big_message = big_message.filter(|_| r.room == BIG_ROOM_ROWS);
    let middle_h = r.groups + r.prompts;
    let [
        banner_a,
        head_a,
        big_a,
        title_a,
        room_a,
        _,
        clock_a,
        state_a,
        cue_a,
        _,
        mid_a,
        _,
        next_a,
        strip_a,
        panel_a,
        msg_a,
        foot_a,
    ] = layout::stack(
        area,
        [
            Some(r.banner),
            Some(r.head),
            Some(r.big_title),
            Some(r.title),
            Some(r.room),
            None,
            Some(r.clock_height),
            Some(r.state),
            Some(r.cues),
            None,
            Some(middle_h),
            None,
            Some(r.next),
            Some(r.strip),
            Some(r.panel),
            Some(r.message),
            Some(r.footer),
        ],
    );

    f.render_widget(Paragraph::new(items.banner).style(t.alarm()), banner_a);
    header(f, app, head_a, phase, app.flash_until.is_some_and(|u| mono < u));
    if let Some(name) = big {
        draw_big_title(f, app, name, big_a);
    }
    f.render_widget(
        Paragraph::new(title_line(app, spec, area.width)).alignment(Alignment::Center),
        title_a,
    );
    draw_room(f, app, &items.room, big_message, room_a);
    let size = sizes.get(r.clock).copied().unwrap_or(ClockSize::LINE);
    let countdown = Countdown { area: clock_a, size };
    draw_countdown(f.buffer_mut(), app, countdown, mono);
    if let Some(state) = items.state {
        f.render_widget(
            Paragraph::new(state).style(t.badge(phase)).alignment(Alignment::Center),
            state_a,
        );
    }
    f.render_widget(Paragraph::new(items.cues), cue_a);
    draw_middle(f, app, &items.groups, &items.prompts, items.beside, r.groups, mid_a);
    if let Some(m) = items.message {
        f.render_widget(Paragraph::new(m), msg_a);
    }
    f.render_widget(Paragraph::new(session_line(app, mono, wall, next_a.width)), next_a);
    f.render_widget(Paragraph::new(progress_strip(app, strip_a.width)), strip_a);
    if let Some(panel) = &items.panel {
        overlay::draw_panel(f, app, panel, panel_a);
    }
    f.render_widget(Paragraph::new(footer(app, foot_a.width)), foot_a);
    Some(countdown)
}

/// The countdown at `mono`, drawn in its place.
pub(super) fn draw_countdown(buf: &mut Buffer, app: &LiveScreen, c: Countdown, mono: u64) {
    let st = &app.state;
    let time = display::countdown_text(display::remaining(st, mono));
    let style = app.opts.theme.phase(display::phase(st, mono));
    draw_clock(buf, c.area, &time, style, c.size);
}

/// The groups (cut, with a pointer to the roster, when they do not all fit) and the prompts,
/// side by side or one under the other.
fn draw_middle(
    f: &mut Frame,
    app: &LiveScreen,
    groups: &[Line<'static>],
    prompts: &[Line<'static>],
    beside: bool,
    group_rows: u16,
    area: Rect,
) {
    if area.height == 0 {
        return;
    }
    let t = app.opts.theme;
    let shown = usize::from(group_rows);
    let mut left: Vec<Line> = groups.iter().take(shown).cloned().collect();
    if shown < groups.len()
        && let Some(last) = left.last_mut()
    {
        let (key, _) = hint(LIVE, &Action::Roster).unwrap_or_default();
        let more = if app.public_only() {
            "… more in the roster".to_string()
        } else {
            format!("… more in the roster: press {key}")
        };
        *last = Line::from(Span::styled(cut(&more, usize::from(area.width)), t.muted()));
    }
    if beside {
        let [l, r] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)]).spacing(2).areas(area);
        f.render_widget(Paragraph::new(left), l);
        f.render_widget(Paragraph::new(prompts.to_vec()), r);
    } else {
        let [l, r] =
            Layout::vertical([Constraint::Length(group_rows), Constraint::Fill(1)]).areas(area);
        f.render_widget(Paragraph::new(left), l);
        f.render_widget(Paragraph::new(prompts.to_vec()), r);
    }
}

/// Protocol, stage k of n, round r of m; the state word on the right.
fn header(f: &mut Frame, app: &LiveScreen, area: Rect, phase: Phase, flash: bool) {
    let t = app.opts.theme;
    let badge_w = u16::try_from(width(&phase.label()) + 2).unwrap_or(0);
    let [hl, hr] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(badge_w)]).areas(area);
    f.render_widget(Paragraph::new(header_line(app, flash, hl.width)), hl);
    f.render_widget(
        Paragraph::new(Span::styled(format!(" {} ", phase.label()), t.badge(phase))),
        hr,
    );
}

/// The stage's title (cut to fit), and "(suggested duration)" when the source gives none and
/// it fits.
fn title_line(app: &LiveScreen, spec: &StageSpec, cols: u16) -> Line<'static> {
    let t = app.opts.theme;
    let name = sanitize(&spec.title());
    let mut title = vec![Span::styled(cut(&name, usize::from(cols)), t.title())];
    let suffix = "  (suggested duration)";
    // A duration the facilitator set (--stage) is not a suggestion any more.
    if spec.timing == Timing::Suggested
        && !app.state.setup.overrides.contains_key(&spec.id)
        && width(&name) + width(suffix) <= usize::from(cols)
    {
        title.push(Span::styled(suffix, t.muted()));
    }
    Line::from(title)
}

/// The rows of each item, with large type (the message to the room, then the name or cue) only
/// where the countdown keeps what the back row needs ([`BACK_ROW`]); else the plain lines.
fn allocate_large(wants: &Wants, big_message: bool, small_room: u16) -> layout::Rows {
    let fits = |r: &layout::Rows| r.clock_height >= BACK_ROW;
    let without_name = Wants { big_title: 0, ..wants.clone() };
    Some(layout::allocate(wants))
        .filter(|r| (r.big_title > 0 || big_message) && fits(r))
        .or_else(|| Some(layout::allocate(&without_name)).filter(|r| big_message && fits(r)))
        .unwrap_or_else(|| layout::allocate(&Wants { room: small_room, ..without_name }))
}

/// Rows of the stage name in large type: font8x8's eight pixel rows, two to a row.
const BIG_TITLE_ROWS: u16 = 4;
/// Large type in half rows instead of quadrants: chosen once at the edge
/// ([`use_half_blocks`]); quadrants (the default, and in tests on every platform) otherwise.
static HALF_BLOCKS: AtomicBool = AtomicBool::new(false);

/// Large type in half rows (eight columns a character, so fewer names fit) instead of quadrants
/// (four): for the classic Windows console, whose fonts have only the full and half blocks of
/// code page 437 (docs/platforms.md). Set by `launch` before the screen opens.
pub(crate) fn use_half_blocks(on: bool) {
    HALF_BLOCKS.store(on, Ordering::Relaxed);
}

/// The large type's pixels and the columns a character takes.
fn big_pixels() -> (PixelSize, usize) {
    if HALF_BLOCKS.load(Ordering::Relaxed) {
        (PixelSize::HalfHeight, 8)
    } else {
        (PixelSize::Quadrant, 4)
    }
}
/// The fewest rows of countdown the back of a room reads comfortably: the name goes large only
/// when the countdown keeps at least these.
const BACK_ROW: u16 = 14;

/// The stage's name (or the cue shown now) in large type at the top of `area` (its last row
/// left blank).
fn draw_big_title(f: &mut Frame, app: &LiveScreen, name: String, area: Rect) {
    let rows = Rect { height: BIG_TITLE_ROWS.min(area.height), ..area };
    let text = BigText::builder()
        .pixel_size(big_pixels().0)
        .style(app.opts.theme.title())
        .lines(vec![Line::from(name)])
        .alignment(Alignment::Center)
        .build();
    f.render_widget(text, rows);
}

/// What goes in large type above the countdown: the latest of a session marker reached in
/// this stage ("1:30:00 typical minimum reached", or its message alone) and the timed cue
/// shown now (format 2: "remind the coach, a few minutes left"), else the stage's name; each
/// only where it fits.
pub(super) fn big_title(app: &LiveScreen, spec: &StageSpec, cols: u16) -> Option<String> {
    display::fresh_marker(&app.state)
        .iter()
        .find_map(|m| big_fit(m, cols, 2))
        .or_else(|| display::shown_cue(&app.state).and_then(|cue| big_fit(&cue.message, cols, 2)))
        .or_else(|| big_fit(&spec.name, cols, 2))
}

/// `text` for large type ([`big_pixels`]' columns a character), when it fits `cols` with `margin`
/// columns to spare and the font draws every character of it (printable ASCII, once dashes,
/// quotes and the ellipsis are written as their ASCII look-alikes).
fn big_fit(text: &str, cols: u16, margin: usize) -> Option<String> {
    let text = ascii_look_alike(&sanitize(text));
    let text = text.trim();
    let drawable = !text.is_empty() && text.chars().all(|c| c == ' ' || c.is_ascii_graphic());
    let fits = text.len() * big_pixels().1 + margin <= usize::from(cols);
    (drawable && fits).then(|| text.to_string())
}

/// Typographic dashes, quotes and the ellipsis as ASCII, which the large font draws ("1.5–2 h"
/// as "1.5-2 h"); anything else is left for [`big_fit`] to judge.
fn ascii_look_alike(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{2010}'..='\u{2015}' | '\u{2212}' => out.push('-'),
            '\u{2018}' | '\u{2019}' => out.push('\''),
            '\u{201C}' | '\u{201D}' => out.push('"'),
            '\u{2026}' => out.push_str("..."),
            _ => out.push(c),
        }
    }
    out
}

/// The message to the room as rows inside its frame (two columns of border and two of margin
/// taken from `cols`); none when there is no message.
fn room_rows(app: &LiveScreen, cols: u16) -> Vec<Line<'static>> {
    let Some(text) = app.state.room_message.as_deref() else { return Vec::new() };
    let t = app.opts.theme;
    let line = Line::from(Span::styled(sanitize(text), t.room()));
    wrap(&line, cols.saturating_sub(4).max(1))
        .into_iter()
        .map(|l| l.alignment(Alignment::Center))
        .collect()
}

/// The message to the room in a frame of its own, across the screen under the stage's name: the
/// room reads it from the back (a frame and reverse video, not colour alone).
fn draw_room(
    f: &mut Frame,
    app: &LiveScreen,
    rows: &[Line<'static>],
    big: Option<String>,
    area: Rect,
) {
    if rows.is_empty() || area.height == 0 {
        return;
    }
    let t = app.opts.theme;
    let block = ratatui::widgets::Block::bordered()
        .border_type(ratatui::widgets::BorderType::Thick)
        .border_style(t.room_frame())
        .style(t.room());
    let inner = block.inner(area);
    f.render_widget(block, area);
    let inner = Rect { x: inner.x + 1, width: inner.width.saturating_sub(2), ..inner };
    match big {
        // Large, and as text on the row below (as the stage's name keeps its line).
        Some(text) => {
            let [big_a, text_a] =
                Layout::vertical([Constraint::Length(BIG_TITLE_ROWS), Constraint::Min(1)])
                    .areas(inner);
            f.render_widget(
                BigText::builder()
                    .pixel_size(big_pixels().0)
                    .style(t.room())
                    .lines(vec![Line::from(text)])
                    .alignment(Alignment::Center)
                    .build(),
                big_a,
            );
            f.render_widget(Paragraph::new(rows.to_vec()), text_a);
        }
        None => f.render_widget(Paragraph::new(rows.to_vec()), inner),
    }
}

/// Rows of the message to the room in large type: the frame, the large rows, the text's row.
const BIG_ROOM_ROWS: u16 = BIG_TITLE_ROWS + 3;

/// The message to the room for large type inside its frame, when it fits `cols` (the frame and
/// its margins taken) and the font draws every character of it.
pub(super) fn big_room(app: &LiveScreen, cols: u16) -> Option<String> {
    big_fit(app.state.room_message.as_deref()?, cols, 6)
}

/// The first text that fits `cols`, or the last one cut to fit.
fn first_fitting(texts: &[String], cols: u16) -> String {
    let cols = usize::from(cols);
    texts
        .iter()
        .find(|t| width(t) <= cols)
        .cloned()
        .unwrap_or_else(|| texts.last().map(|t| cut(t, cols)).unwrap_or_default())
}

/// What an auto-advancing stage waits for at time up: its record ("waiting for the coachee's
/// commitment, with a time frame: press a").
fn waiting_for(app: &LiveScreen) -> Option<Vec<String>> {
    let st = &app.state;
    if !st.setup.auto_advance || st.has_expected_record(st.pos) {
        return None;
    }
    // The first record still missing (format 2 stages can expect several).
    let x = st.missing_records(st.pos).into_iter().next()?;
    let action = if x.kind == RecordKind::Note { Action::Note } else { Action::Commit };
    let (key, _) = hint(LIVE, &action)?;
    let mut label = sanitize(&x.label);
    if let Some(first) = label.chars().next() {
        label = format!("{}{}", first.to_lowercase(), &label[first.len_utf8()..]);
    }
    // The label, then its first part ("the coachee's commitment, with a time frame").
    let short = label.split(',').next().unwrap_or_default().to_string();
    if app.public_only() {
        // Which key records it is the facilitator's to know.
        return Some(vec![
            format!("waiting for {label}"),
            format!("waiting for {short}"),
            "waiting for its record".into(),
        ]);
    }
    Some(vec![
        format!("waiting for {label}: press {key}"),
        format!("waiting for {short}: press {key}"),
        format!("waiting for its record: press {key}"),
    ])
}

/// Format 2: the timed cue that fired last in this stage, as a banner above the Speak and
/// Silent lines, naming as many of its role's holders as fit: "CUE · Observer (Cat): remind
/// the coach, a few minutes left". It stays until the next cue or the next stage.
fn cue_banner(app: &LiveScreen, cols: u16) -> Vec<Line<'static>> {
    let st = &app.state;
    let t = app.opts.theme;
    let Some(cue) = display::shown_cue(st) else { return Vec::new() };
    let message = sanitize(&cue.message);
    let held = cue.names;
    let mut texts = Vec::new();
    if let Some(label) = cue.label {
        let label = sanitize(&label);
        if held.is_empty() {
            texts.push(format!("CUE · {label}: {message}"));
        } else {
            let people = names::People::of(st);
            texts.extend(
                names::ways(held.len(), cols)
                    .into_iter()
                    .map(|way| format!("CUE · {label} ({}): {message}", people.write(&held, way))),
            );
        }
    }
    texts.push(format!("CUE · {message}"));
    let text = texts
        .iter()
        .find(|t| width(t) <= usize::from(cols))
        .or(texts.first())
        .cloned()
        .unwrap_or_default();
    wrap(&Line::from(Span::styled(text, t.title())), cols)
        .into_iter()
        .map(|l| l.alignment(Alignment::Center))
        .collect()
}

/// The state in words under the clock (none while simply running).
pub(super) fn state_line(
    app: &LiveScreen,
    phase: Phase,
    remaining: i64,
    mono: u64,
    cols: u16,
) -> Option<Line<'static>> {
    let st = &app.state;
    let texts: Vec<String> = match phase {
        Phase::WrapUp => {
            // Name as many of the people who act on it as fit on the line.
            let left = clock(display::shown_secs(remaining).1, Minutes::Plain);
            let warning = st.spec(st.pos).and_then(|sp| sp.warning.as_ref())?;
            let message = sanitize(&warning.message);
            let mut texts = Vec::new();
            if let Some(role) = &warning.role {
                let (label, held) = display::role_label(st, role);
                let people = names::People::of(st);
                let who = |way: Names| {
                    if held.is_empty() {
                        sanitize(&label)
                    } else {
                        format!("{} ({})", sanitize(&label), people.write(&held, way))
                    }
                };
                // Said to them: "Observer (Cat), remind the coach to wrap up".
                texts.extend(
                    names::ways(held.len(), cols)
                        .into_iter()
                        .map(|way| format!("WRAP UP · {}, {message} · {left} left", who(way))),
                );
            }
            texts.push(format!("WRAP UP · {message} · {left} left"));
            texts.push(format!("WRAP UP · {left} left"));
            texts
        }
        Phase::InRange(past) => {
            let text = display::in_range_text(st, past)?;
            let short = format!("IN RANGE +{}", clock(past / 1000, Minutes::Plain));
            vec![text, short]
        }
        Phase::Time | Phase::Over(_) => {
            // Past a duration range's upper end, say which end it is over.
            let upper = st
                .clock()
                .filter(|c| c.range_ms > 0)
                .map(|c| format!(", past {}", clock(c.upper_ms() / 1000, Minutes::Plain)))
                .unwrap_or_default();
            let head = match phase {
                Phase::Over(ms) => {
                    format!("TIME · +{} OVER{upper}", clock(ms / 1000, Minutes::Plain))
                }
                _ => format!("TIME{upper}"),
            };
            if let Some(wait) = waiting_for(app) {
                let mut texts: Vec<String> = wait.iter().map(|w| format!("{head} · {w}")).collect();
                texts.push(head);
                texts
            } else if let Phase::Over(_) = phase {
                vec![head]
            } else {
                let what = match extension_rule(st, super::STEP_MS, mono) {
                    ExtensionPolicy::Free => "move on, or extend",
                    ExtensionPolicy::GroupAgreement => "move on, or extend if the group agrees",
                    ExtensionPolicy::NotAllowed => "move on: this stage cannot be extended",
                };
                vec![format!("{head} · {what}"), head]
            }
        }
        Phase::Paused if app.opts.mirror && st.left_to_resume => vec![
            "PAUSED · the facilitator left the session, to resume it later".into(),
            "PAUSED · left, to resume later".into(),
            "PAUSED".into(),
        ],
        Phase::Paused if app.public_only() => vec!["PAUSED".into()],
        Phase::Paused => {
            let (key, _) = hint(LIVE, &Action::TogglePause).unwrap_or_default();
            vec![format!("PAUSED · press {key} to resume"), "PAUSED".into()]
        }
        Phase::Ended => vec!["SESSION ENDED".into()],
        Phase::Running | Phase::NotStarted => return None,
    };
    Some(Line::from(first_fitting(&texts, cols)))
}

/// After the end: how it went, in counts (never the notes themselves).
fn ended(f: &mut Frame, app: &LiveScreen, area: Rect, outcome: crate::session::Outcome) {
    let st = &app.state;
    let t = app.opts.theme;
    let planned = st.planned_ms() / 1000;
    let actual: u64 = st.clocks.iter().map(|c| c.banked_ms).sum::<u64>() / 1000;
    let run = st.clocks.iter().filter(|c| c.visits > 0).count();
    let (over_plan, over_agreed) = display::overruns(st);
    let word = match outcome {
        crate::session::Outcome::Completed => "SESSION COMPLETE",
        crate::session::Outcome::EndedEarly => "SESSION ENDED EARLY",
    };
    let mut lines = vec![
        Line::from(Span::styled(format!(" {word} "), t.badge(Phase::Ended))),
        Line::from(""),
        Line::from(Span::styled(sanitize(&st.setup.protocol.name), t.title())),
        Line::from(format!(
            "{run} of {} run · {over_plan} over the plan · {over_agreed} over the time agreed",
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
    lines.push(Line::from(""));
    if app.opts.mirror {
        let (key, _) = hint(MIRROR, &Action::StopMirror).unwrap_or_default();
        lines.push(Line::from(Span::styled(
            format!("The facilitator has ended the session · {key} quits"),
            t.muted(),
        )));
    } else {
        lines.push(Line::from(Span::styled("Any key closes this screen.", t.muted())));
    }
    let rows: Vec<Line> = lines
        .iter()
        .flat_map(|l| wrap(l, area.width))
        .map(|l| l.alignment(Alignment::Center))
        .collect();
    let h = u16::try_from(rows.len()).unwrap_or(0);
    let rect = super::widgets::centered(area, area.width, h);
    f.render_widget(Paragraph::new(rows), rect);
}

/// What time alone changes in [`session_line`] at `mono` and `wall` (the rest changes only with
/// an event, a key or the width): the projected end as it is written, and whether it is.
pub(super) fn session_line_times(
    app: &LiveScreen,
    mono: u64,
    wall: DateTime<FixedOffset>,
) -> impl std::hash::Hash {
    use chrono::Timelike;
    let st = &app.state;
    let sched = display::schedule(st, mono, wall);
    let end = &sched.projected_end;
    (st.paused, sched.past_stop_text(), end.hour(), end.minute(), sched.minutes_late())
}

/// "Next: Probing questions (4:00) · ends 08:57, 3 min past plan · 1 note · 0 commitments". On a
/// narrow screen the counts give way first, then the projected end, then the end of the title.
pub(super) fn session_line(
    app: &LiveScreen,
    mono: u64,
    wall: DateTime<FixedOffset>,
    cols: u16,
) -> Line<'static> {
    let narrow = cols < 100;
    let st = &app.state;
    let t = app.opts.theme;
    let cols = usize::from(cols);
    let sched = display::schedule(st, mono, wall);
    let ends = if st.paused {
        "ends later: paused".to_string()
    } else if let Some(past) = sched.past_stop_text() {
        // Past the hard stop (`--until`): by how much, and the key that rebalances.
        match hint(LIVE, &Action::Rebalance) {
            Some((key, _)) if !narrow && !app.opts.mirror => format!("{past} · {key}: land on it"),
            _ => past,
        }
    } else {
        let when = sched.projected_end.format("%H:%M");
        match (sched.minutes_late(), narrow) {
            (0, _) => format!("ends {when}, on plan"),
            (m, false) if m > 0 => format!("ends {when}, {m} min past plan"),
            (m, false) => format!("ends {when}, {} min ahead of plan", -m),
            (m, true) if m > 0 => format!("ends {when}, {m} min late"),
            (m, true) => format!("ends {when}, {} min early", -m),
        }
    };
    let counts = format!(
        "{} · {}",
        plural(st.notes.len(), "note", "notes"),
        plural(st.commitments.len(), "commitment", "commitments")
    );
    let next = match st.spec(st.pos + 1) {
        Some(n) if st.status == Status::Running => {
            // What is left of it (all of it, unless it was visited before).
            let secs = st
                .clocks
                .get(st.pos + 1)
                .map_or(0, |c| u64::try_from(c.remaining(c.banked_ms).max(0)).unwrap_or(0) / 1000);
            let d = format!(" ({})", clock(secs, Minutes::Padded));
            let room = cols.saturating_sub(6 + width(&d)).max(8);
            format!("Next: {}{d}", cut(&sanitize(&n.title()), room))
        }
        _ => "Last stage".to_string(),
    };
    let sep = 3;
    // Format 2: the session marker reached last comes first, and is never dropped.
    let marker = display::marker_text(st).map(|m| sanitize(&m));
    // The counts are the facilitator's: not in presentation mode, never on the mirror.
    let mut parts = if app.public_only() { vec![next, ends] } else { vec![next, ends, counts] };
    let (first, style) = match marker {
        Some(m) => (m, t.title()),
        None => (parts.remove(0), Style::new()),
    };
    let mut spans = vec![Span::styled(cut(&first, cols), style)];
    let mut used = width(&first);
    for part in parts {
        if used + sep + width(&part) > cols {
            break;
        }
        used += sep + width(&part);
        spans.extend([Span::styled(" · ", t.muted()), Span::raw(part)]);
    }
    Line::from(spans)
}

/// One cell per stage: done `■`, current `▶`, to come `·`; rounds separated by `|`.
fn progress_strip(app: &LiveScreen, cols: u16) -> Line<'static> {
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
    if spans.len() > usize::from(cols) {
        // Too many stages for the width: a compact count instead.
        return Line::from(format!("stage {} of {}", st.pos + 1, st.stages.len()));
    }
    Line::from(spans)
}

/// The running session's footer, from [`LIVE`] (pause reads "resume" while paused); the mirror's
/// from [`MIRROR`].
pub(super) fn footer(app: &LiveScreen, cols: u16) -> Line<'static> {
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
    let Some(shared) = share_words(app) else { return key_line(app, items, cols) };
    // Sharing: how many devices are connected, before the keys.
    let room = u16::try_from(width(&shared) + 3).unwrap_or(u16::MAX);
    let mut line = key_line(app, items, cols.saturating_sub(room));
    line.spans.insert(0, Span::styled(" · ", app.opts.theme.muted()));
    line.spans.insert(0, Span::styled(shared, app.opts.theme.key()));
    line
}

/// What [`footer`] is made of, but the width: it changes only with these.
pub(super) fn footer_inputs(app: &LiveScreen) -> impl std::hash::Hash {
    (app.opts.mirror, app.state.paused, app.share.as_ref().map(|s| (s.ended(), s.devices())))
}

/// "shared · 3 devices" while the session is shared.
fn share_words(app: &LiveScreen) -> Option<String> {
    let share = app.share.as_ref().filter(|s| !s.ended())?;
    Some(match share.devices() {
        1 => "shared · 1 device".to_string(),
        n => format!("shared · {n} devices"),
    })
}

/// When sharing began a minute ago and no device has come: what usually blocks it.
pub(super) fn nobody_hint(app: &LiveScreen) -> Option<String> {
    app.share.as_ref().filter(|s| !s.ended() && s.nobody_came())?;
    Some(
        "Nobody has opened the shared page yet: usually the firewall, a guest Wi-Fi that keeps \
         devices apart, or a laptop on the wired network with phones on Wi-Fi. Try the laptop's \
         own hotspot, or ask IT for the one rule in docs/sharing.md."
            .to_string(),
    )
}

/// `k label · k label …`, dropping entries from the middle until it fits (help and quit stay).
pub(super) fn key_line(
    app: &LiveScreen,
    mut items: Vec<(String, &'static str)>,
    cols: u16,
) -> Line<'static> {
    let t = app.opts.theme;
    let len = |items: &[(String, &str)]| -> usize {
        // "k label" per item, " · " between items.
        let words: usize = items.iter().map(|(k, l)| width(k) + width(l) + 1).sum();
        words + 3 * items.len().saturating_sub(1)
    };
    while len(&items) > usize::from(cols) && items.len() > 3 {
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
