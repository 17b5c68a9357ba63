//! The review browser, `convene logs` with no subcommand: a list of past sessions, one session
//! in detail with a chart of planned against actual time, and the report as a chart.
//!
//! The shape follows the Elm architecture: a key press becomes an [`Action`] through the
//! binding tables (which also write the footer and the help), [`update`] changes the [`App`],
//! and [`render`] draws from the `App` alone, so tests draw into a `TestBackend` without a
//! terminal. The loop blocks in `crossterm::event::read`: an idle browser never wakes.
//! Only the rows that fit on screen are built, so ten thousand sessions cost nothing to show.
//! Every name and note from a log goes through [`sanitize`] before it is drawn.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Bar, BarChart, BarGroup, Block, Borders, Cell, Clear, Paragraph, Row, Table, Widget, Wrap,
};

use crate::cli::Dirs;
use crate::log::reader::read_log;
use crate::review::actions::{UpdateIndex, update_index};
use crate::review::detail::{self, Session};
use crate::review::report::{self, Report};
use crate::review::{Entry, Scan, SessionStatus, export, fmt};
use crate::text::sanitize;

/// Smallest terminal the browser draws in.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;

// ---- words shown on screen, kept together ----

const TOO_SMALL: &str = "Terminal too small: make it at least 40×12";
const NO_SESSIONS: &str = "No session logs yet. Run a session with `convene run`.";
const NO_MATCH: &str = "No sessions match the filter. Esc clears it.";
const PRIVATE_HEADING: &str = "Private notes";
const CHART_LEGEND: &str = "p planned, a actual, ! over the plan";

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    Left,
    Right,
    Open,
    Back,
    Quit,
    Filter,
    Export,
    ExportRedacted,
    Report,
    Help,
}

/// A key binding: the keys, how the footer names them, what they do.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [KeyCode],
    pub label: &'static str,
    pub what: &'static str,
    pub action: Action,
    /// Shown in the footer (all bindings are in the help).
    pub footer: bool,
}

const fn bind(
    keys: &'static [KeyCode],
    label: &'static str,
    what: &'static str,
    action: Action,
    footer: bool,
) -> Binding {
    Binding { keys, label, what, action, footer }
}

const MOVE: [Binding; 4] = [
    bind(&[KeyCode::Up, KeyCode::Char('k')], "↑↓", "move", Action::Up, true),
    bind(&[KeyCode::Down, KeyCode::Char('j')], "", "", Action::Down, false),
    bind(&[KeyCode::PageUp], "PgUp/PgDn", "page", Action::PageUp, false),
    bind(&[KeyCode::PageDown], "", "", Action::PageDown, false),
];

/// Keys of the session list.
pub const LIST_KEYS: &[Binding] = &[
    MOVE[0],
    MOVE[1],
    MOVE[2],
    MOVE[3],
    bind(&[KeyCode::Home], "Home/End", "first/last", Action::Home, false),
    bind(&[KeyCode::End], "", "", Action::End, false),
    bind(&[KeyCode::Enter], "Enter", "open", Action::Open, true),
    bind(&[KeyCode::Char('/')], "/", "filter", Action::Filter, true),
    bind(&[KeyCode::Char('x')], "x", "export", Action::Export, true),
    bind(&[KeyCode::Char('X')], "X", "export redacted", Action::ExportRedacted, false),
    bind(&[KeyCode::Char('r')], "r", "report", Action::Report, true),
    bind(&[KeyCode::Char('?')], "?", "help", Action::Help, true),
    bind(&[KeyCode::Esc], "Esc", "clear filter", Action::Back, false),
    bind(&[KeyCode::Char('q')], "q", "quit", Action::Quit, true),
];

/// Keys of one session's detail.
pub const DETAIL_KEYS: &[Binding] = &[
    bind(&[KeyCode::Up, KeyCode::Char('k')], "↑↓", "scroll", Action::Up, true),
    MOVE[1],
    MOVE[2],
    MOVE[3],
    bind(&[KeyCode::Left, KeyCode::Char('h')], "←→", "more stages", Action::Left, true),
    bind(&[KeyCode::Right, KeyCode::Char('l')], "", "", Action::Right, false),
    bind(&[KeyCode::Char('x')], "x", "export", Action::Export, true),
    bind(&[KeyCode::Char('X')], "X", "export redacted", Action::ExportRedacted, false),
    bind(&[KeyCode::Char('?')], "?", "help", Action::Help, true),
    bind(&[KeyCode::Esc, KeyCode::Char('q')], "q/Esc", "back", Action::Back, true),
];

/// Keys of the report.
pub const REPORT_KEYS: &[Binding] = &[
    bind(&[KeyCode::Left, KeyCode::Char('h')], "←→", "protocol", Action::Left, true),
    bind(&[KeyCode::Right, KeyCode::Char('l')], "", "", Action::Right, false),
    bind(&[KeyCode::Up, KeyCode::Char('k')], "↑↓", "scroll", Action::Up, true),
    MOVE[1],
    bind(&[KeyCode::Char('?')], "?", "help", Action::Help, true),
    bind(&[KeyCode::Esc, KeyCode::Char('q')], "q/Esc", "back", Action::Back, true),
];

/// Keys while typing a filter: letters go into the filter.
pub const FILTER_KEYS: &[Binding] = &[
    bind(&[KeyCode::Enter], "Enter", "keep filter", Action::Open, true),
    bind(&[KeyCode::Esc], "Esc", "clear", Action::Back, true),
    bind(&[KeyCode::Up], "↑↓", "move", Action::Up, true),
    bind(&[KeyCode::Down], "", "", Action::Down, false),
];

const HELP_KEYS: &[Binding] = &[bind(
    &[KeyCode::Esc, KeyCode::Char('q'), KeyCode::Char('?')],
    "q/Esc",
    "close help",
    Action::Back,
    true,
)];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    List,
    Detail,
    Report,
}

/// One session opened in the detail view.
#[derive(Debug, Clone)]
pub struct DetailView {
    pub session: Session,
    /// The `logs show` text, one entry per line.
    pub lines: Vec<String>,
    pub scroll: usize,
    /// First stage shown in the chart.
    pub chart_from: usize,
}

/// Everything the browser shows. [`render`] reads only this.
#[derive(Debug, Clone)]
pub struct App {
    pub scan: Scan,
    pub screen: Screen,
    /// The filter typed after `/` (matched against date, protocol, group, names, status, id).
    pub filter: String,
    pub typing: bool,
    /// Indexes into `scan.entries` that match the filter, newest first.
    pub visible: Vec<usize>,
    pub selected: usize,
    /// First visible row of the list.
    pub offset: usize,
    pub detail: Option<DetailView>,
    pub report: Option<(Report, usize, usize)>,
    pub help: bool,
    /// A line for the status bar: where an export went, or what went wrong.
    pub message: Option<String>,
    /// Where `x` writes exports (the current folder).
    pub export_dir: PathBuf,
    pub color: bool,
    haystacks: Vec<String>,
    index: UpdateIndex,
}

fn haystack(e: &Entry) -> String {
    match e.ok() {
        None => format!("{} unreadable", e.id).to_lowercase(),
        Some(d) => {
            let mut s = format!(
                "{} {} {} {} {} {} {} {}",
                fmt::date_time(&d.start),
                d.protocol_id,
                d.protocol_name,
                d.group.as_deref().unwrap_or_default(),
                d.participants.join(" "),
                d.facilitator.as_deref().unwrap_or_default(),
                d.status.label(),
                e.id
            );
            s = s.to_lowercase();
            s
        }
    }
}

impl App {
    pub fn new(scan: Scan, export_dir: PathBuf) -> Self {
        let haystacks = scan.entries.iter().map(haystack).collect();
        let index = update_index(scan.digests());
        let mut app = Self {
            visible: (0..scan.entries.len()).collect(),
            scan,
            screen: Screen::List,
            filter: String::new(),
            typing: false,
            selected: 0,
            offset: 0,
            detail: None,
            report: None,
            help: false,
            message: None,
            export_dir,
            color: std::env::var_os("NO_COLOR").is_none(),
            haystacks,
            index,
        };
        app.refilter();
        app
    }

    fn refilter(&mut self) {
        let words: Vec<String> =
            self.filter.to_lowercase().split_whitespace().map(String::from).collect();
        self.visible = self
            .haystacks
            .iter()
            .enumerate()
            .filter(|(_, h)| words.iter().all(|w| h.contains(w.as_str())))
            .map(|(i, _)| i)
            .collect();
        self.selected = 0;
        self.offset = 0;
    }

    pub fn selected_entry(&self) -> Option<&Entry> {
        self.visible.get(self.selected).and_then(|i| self.scan.entries.get(*i))
    }

    /// The bindings in force.
    pub fn keys(&self) -> &'static [Binding] {
        if self.help {
            HELP_KEYS
        } else if self.typing {
            FILTER_KEYS
        } else {
            match self.screen {
                Screen::List => LIST_KEYS,
                Screen::Detail => DETAIL_KEYS,
                Screen::Report => REPORT_KEYS,
            }
        }
    }

    /// Reads the selected session's log.
    fn load_selected(&self) -> Option<Result<Session, String>> {
        let entry = self.selected_entry()?;
        Some(
            read_log(&entry.path)
                .map(|log| Session::from_log(entry.path.clone(), &log, &self.index))
                .map_err(|e| sanitize(&e.to_string())),
        )
    }

    fn open(&mut self) {
        match self.load_selected() {
            Some(Ok(session)) => {
                let lines = detail::show(&session).lines().map(String::from).collect();
                self.detail = Some(DetailView { session, lines, scroll: 0, chart_from: 0 });
                self.screen = Screen::Detail;
                self.message = None;
            }
            Some(Err(e)) => self.message = Some(e),
            None => {}
        }
    }

    fn export(&mut self, redact: bool) {
        let loaded;
        let session = match (self.screen, &self.detail) {
            (Screen::Detail, Some(d)) => &d.session,
            _ => match self.load_selected() {
                Some(Ok(s)) => {
                    loaded = s;
                    &loaded
                }
                Some(Err(e)) => {
                    self.message = Some(format!("Cannot export: {e}"));
                    return;
                }
                None => return,
            },
        };
        let text = export::markdown(session, redact);
        let stem = if redact { format!("{}-redacted", session.id) } else { session.id.clone() };
        self.message = Some(match write_unique(&self.export_dir, &stem, &text) {
            Ok(path) => format!("Exported to {}", path.display()),
            Err(e) => format!("Export failed: {e}"),
        });
    }
}

/// Writes `dir/stem.md`, or `stem-2.md`… if that exists: never over an existing file.
fn write_unique(dir: &Path, stem: &str, text: &str) -> Result<PathBuf, String> {
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    for n in 1..100 {
        let name = if n == 1 { format!("{stem}.md") } else { format!("{stem}-{n}.md") };
        let path = dir.join(name);
        if path.exists() {
            continue;
        }
        return export::write_new(&path, text).map(|()| path).map_err(|e| e.to_string());
    }
    Err(format!("too many exports of {stem} in {}", dir.display()))
}

/// The action a key stands for on the current screen, if any.
pub fn action_for(app: &App, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    app.keys().iter().find(|b| b.keys.contains(&key.code)).map(|b| b.action)
}

/// Rows of the session list that fit in a terminal of this size.
pub fn list_rows(size: Rect) -> usize {
    usize::from(size.height.saturating_sub(5))
}

/// Applies an action. `rows` is how many list rows fit on screen. Returns `false` to quit.
pub fn update(app: &mut App, action: Action, rows: usize) -> bool {
    let rows = rows.max(1);
    if app.help {
        app.help = false;
        return true;
    }
    if action == Action::Help {
        app.help = true;
        return true;
    }
    match app.screen {
        Screen::List => {
            let n = app.visible.len();
            let last = n.saturating_sub(1);
            match action {
                Action::Up => app.selected = app.selected.saturating_sub(1),
                Action::Down => app.selected = (app.selected + 1).min(last),
                Action::PageUp => app.selected = app.selected.saturating_sub(rows),
                Action::PageDown => app.selected = (app.selected + rows).min(last),
                Action::Home => app.selected = 0,
                Action::End => app.selected = last,
                Action::Open if app.typing => app.typing = false,
                Action::Open => app.open(),
                Action::Filter => {
                    app.typing = true;
                    app.message = None;
                }
                Action::Back if app.typing || !app.filter.is_empty() => {
                    app.typing = false;
                    app.filter.clear();
                    app.refilter();
                }
                Action::Back | Action::Quit => return false,
                Action::Export => app.export(false),
                Action::ExportRedacted => app.export(true),
                Action::Report => {
                    let digests = app.visible.iter().filter_map(|i| app.scan.entries[*i].ok());
                    app.report = Some((report::report(digests), 0, 0));
                    app.screen = Screen::Report;
                }
                Action::Left | Action::Right | Action::Help => {}
            }
            if app.selected < app.offset {
                app.offset = app.selected;
            } else if app.selected >= app.offset + rows {
                app.offset = app.selected + 1 - rows;
            }
        }
        Screen::Detail => {
            let Some(d) = app.detail.as_mut() else {
                app.screen = Screen::List;
                return true;
            };
            let max = d.lines.len().saturating_sub(1);
            let stages = d.session.state.stages.len().saturating_sub(1);
            match action {
                Action::Up => d.scroll = d.scroll.saturating_sub(1),
                Action::Down => d.scroll = (d.scroll + 1).min(max),
                Action::PageUp => d.scroll = d.scroll.saturating_sub(10),
                Action::PageDown => d.scroll = (d.scroll + 10).min(max),
                Action::Home => d.scroll = 0,
                Action::End => d.scroll = max,
                Action::Left => d.chart_from = d.chart_from.saturating_sub(4),
                Action::Right => d.chart_from = (d.chart_from + 4).min(stages),
                Action::Export => app.export(false),
                Action::ExportRedacted => app.export(true),
                Action::Back | Action::Quit => {
                    app.screen = Screen::List;
                    app.message = None;
                }
                _ => {}
            }
        }
        Screen::Report => {
            if let Some((r, which, scroll)) = app.report.as_mut() {
                let last = r.protocols.len().saturating_sub(1);
                match action {
                    Action::Left => *which = which.saturating_sub(1),
                    Action::Right => *which = (*which + 1).min(last),
                    Action::Up => *scroll = scroll.saturating_sub(1),
                    Action::Down => *scroll += 1,
                    Action::Back | Action::Quit => app.screen = Screen::List,
                    _ => {}
                }
                if matches!(action, Action::Left | Action::Right) {
                    *scroll = 0;
                }
            }
        }
    }
    true
}

/// A character typed while the filter is open.
pub fn type_char(app: &mut App, key: KeyEvent) -> bool {
    if !app.typing || app.help {
        return false;
    }
    match key.code {
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => app.filter.push(c),
        KeyCode::Backspace => {
            app.filter.pop();
        }
        _ => return false,
    }
    app.refilter();
    true
}

// ---- drawing ----

struct Theme {
    color: bool,
}

impl Theme {
    fn fg(&self, c: Color) -> Style {
        if self.color { Style::new().fg(c) } else { Style::new() }
    }
    fn planned(&self) -> Style {
        self.fg(Color::DarkGray)
    }
    /// Colour-blind-safe: blue within the plan, vermilion (and bold) over it.
    fn actual(&self, over: bool) -> Style {
        if over {
            self.fg(Color::Rgb(213, 94, 0)).add_modifier(Modifier::BOLD)
        } else {
            self.fg(Color::Rgb(0, 114, 178))
        }
    }
    fn selected() -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    fn heading() -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    fn private(&self) -> Style {
        self.fg(Color::Rgb(230, 159, 0)).add_modifier(Modifier::BOLD | Modifier::REVERSED)
    }
}

/// Draws the whole browser.
///
/// ```text
/// ┌ Sessions 3 of 7 · filter: maths ──────────────────────┐
/// │ WHEN              PROTOCOL        GROUP   PEOPLE  OVER │
/// │ 2026-11-16 09:00  project-tuning  Year 9  Ann…   +1:20 │   ← only visible rows
/// └────────────────────────────────────────────────────────┘
///  Exported to /home/…/20261116-090000-000.md              ← message line
///  ↑↓ move  Enter open  / filter  x export  r report  ? help  q quit
/// ```
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        Paragraph::new(TOO_SMALL).wrap(Wrap { trim: true }).render(area, buf);
        return;
    }
    let theme = Theme { color: app.color };
    let [main, status, footer] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(1), Constraint::Length(1)])
            .areas(area);
    match app.screen {
        Screen::List => render_list(app, &theme, main, buf),
        Screen::Detail => render_detail(app, &theme, main, buf),
        Screen::Report => render_report(app, &theme, main, buf),
    }
    let msg = if app.typing {
        format!("Filter: {}▏", sanitize(&app.filter))
    } else {
        app.message.clone().unwrap_or_default()
    };
    Paragraph::new(fmt::cut(&msg, usize::from(area.width))).render(status, buf);
    render_footer(app.keys(), footer, buf);
    if app.help {
        render_help(app, main, buf);
    }
}

fn render_footer(keys: &[Binding], area: Rect, buf: &mut Buffer) {
    let mut spans = Vec::new();
    for b in keys.iter().filter(|b| b.footer) {
        spans.push(Span::styled(format!(" {} ", b.label), Theme::selected()));
        spans.push(Span::raw(format!(" {}  ", b.what)));
    }
    Paragraph::new(Line::from(spans)).render(area, buf);
}

fn status_word(d: &crate::review::Digest) -> String {
    let mut s = match d.status {
        SessionStatus::Completed => "completed",
        SessionStatus::EndedEarly => "ended early",
        SessionStatus::Unfinished => "unfinished",
    }
    .to_string();
    if !d.problems.is_empty() {
        s.push('*');
    }
    s
}

fn render_list(app: &App, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let total = app.scan.entries.len();
    let mut title = format!(" Sessions: {} of {total} ", app.visible.len());
    if !app.filter.is_empty() {
        title = format!("{title}· filter: {} ", sanitize(&app.filter));
    }
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(area);
    block.render(area, buf);
    if app.visible.is_empty() {
        let text = if total == 0 { NO_SESSIONS } else { NO_MATCH };
        Paragraph::new(text).wrap(Wrap { trim: true }).render(inner, buf);
        return;
    }
    let wide = inner.width >= 120;
    let (header, widths): (Vec<&str>, Vec<Constraint>) = if wide {
        (
            vec![
                "WHEN",
                "PROTOCOL",
                "GROUP",
                "PARTICIPANTS",
                "PLANNED",
                "ACTUAL",
                "OVER",
                "STATUS",
                "ID",
            ],
            vec![
                Constraint::Length(16),
                Constraint::Length(18),
                Constraint::Length(20),
                Constraint::Fill(1),
                Constraint::Length(7),
                Constraint::Length(7),
                Constraint::Length(6),
                Constraint::Length(12),
                Constraint::Length(21),
            ],
        )
    } else {
        (
            vec!["WHEN", "PROTOCOL", "GROUP", "PEOPLE", "OVER", "STATUS"],
            vec![
                Constraint::Length(16),
                Constraint::Length(14),
                Constraint::Length(12),
                Constraint::Fill(1),
                Constraint::Length(6),
                Constraint::Length(11),
            ],
        )
    };
    let rows_fit = usize::from(inner.height.saturating_sub(1)).max(1);
    // Keep the selection in view even after a resize.
    let mut offset = app.offset.min(app.selected);
    if app.selected >= offset + rows_fit {
        offset = app.selected + 1 - rows_fit;
    }
    let people_width = usize::from(inner.width.saturating_sub(if wide { 120 } else { 64 })).max(8);
    let rows: Vec<Row> = app
        .visible
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows_fit)
        .map(|(k, i)| {
            let e = &app.scan.entries[*i];
            let cells: Vec<Cell> = if let Some(d) = e.ok() {
                {
                    let over = d.overrun_ms >= 500;
                    let mut c = vec![
                        Cell::from(fmt::date_time(&d.start)),
                        Cell::from(sanitize(&d.protocol_id)),
                        Cell::from(sanitize(d.group.as_deref().unwrap_or("-"))),
                        Cell::from(fmt::names(&d.participants, people_width)),
                    ];
                    if wide {
                        c.push(Cell::from(fmt::dur(d.planned_ms)));
                        c.push(Cell::from(fmt::dur(d.actual_ms)));
                    }
                    c.push(Cell::from(fmt::over(d.overrun_ms)).style(theme.actual(over)));
                    c.push(Cell::from(status_word(d)));
                    if wide {
                        c.push(Cell::from(sanitize(&e.id)));
                    }
                    c
                }
            } else {
                {
                    let when = crate::review::scan::id_time(&e.id)
                        .and_then(chrono::DateTime::from_timestamp_millis)
                        .map_or_else(|| "?".into(), |t| t.format("%Y-%m-%d %H:%M").to_string());
                    let mut c = vec![Cell::from(when), Cell::from("cannot be read")];
                    c.extend((2..header.len() - 1).map(|_| Cell::from("")));
                    c.push(Cell::from("unreadable"));
                    c
                }
            };
            let row = Row::new(cells);
            if k == app.selected { row.style(Theme::selected()) } else { row }
        })
        .collect();
    Table::new(rows, widths)
        .header(Row::new(header).style(Theme::heading()))
        .column_spacing(1)
        .render(inner, buf);
}

/// Bars as wide as the stages allow: from 2 to 5 columns each, two per stage and gaps.
fn bar_width(width: u16, stages: usize) -> u16 {
    let per = usize::from(width) / stages.max(1);
    u16::try_from(per.saturating_sub(2) / 2).unwrap_or(5).clamp(2, 5)
}

/// The chart of planned against actual per stage, from stage `from` on, as many as fit.
fn stage_chart<'a>(d: &'a DetailView, theme: &Theme, width: u16) -> (BarChart<'a>, usize, usize) {
    let rows = d.session.timeline();
    let from = d.chart_from.min(rows.len().saturating_sub(1));
    let bar = bar_width(width, rows.len() - from);
    let gap = u16::from(bar > 2);
    let fit = usize::from((width / (2 * bar + gap + 1)).max(1));
    let shown: Vec<_> = rows.iter().skip(from).take(fit).collect();
    let groups: Vec<BarGroup> = shown
        .iter()
        .map(|r| {
            let actual = r.actual_ms.unwrap_or(0);
            let over = r.overrun_ms() >= 500;
            let label = format!("{}{}", r.pos + 1, if over { "!" } else { "" });
            BarGroup::default().label(Line::from(label)).bars(&[
                Bar::default()
                    .value(r.planned_ms / 1000)
                    .label("p")
                    .text_value(String::new())
                    .style(theme.planned()),
                Bar::default()
                    .value(actual / 1000)
                    .label("a")
                    .text_value(String::new())
                    .style(theme.actual(over)),
            ])
        })
        .collect();
    let mut chart = BarChart::default().bar_width(bar).bar_gap(gap).group_gap(1);
    for g in groups {
        chart = chart.data(g);
    }
    (chart, from, shown.len())
}

/// One session.
///
/// ```text
/// ┌ Project tuning · Year 9 team · Mon 2 Nov 2026, 09:00 · completed ┐
/// │ ▒█ ▒█ ▒█  bars per stage: planned ▒, actual █ (vermilion with ! when over)
/// │ 1  2! 3   stages 1–6 of 6 · ▒ planned █ actual (! = over the plan)
/// ├──────────────────────────────────────────────────────────────────┤
/// │ the `logs show` text, scrolled; "Private notes" highlighted       │
/// └──────────────────────────────────────────────────────────────────┘
/// ```
fn render_detail(app: &App, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let Some(d) = &app.detail else { return };
    let dg = &d.session.digest;
    let group = dg.group.as_deref().map(|g| format!(" · {}", sanitize(g))).unwrap_or_default();
    let title = format!(
        " {}{group} · {} · {} ",
        sanitize(&dg.protocol_name),
        fmt::long_date_time(&dg.start),
        dg.status.label()
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(fmt::cut(&title, usize::from(area.width.saturating_sub(4))));
    let inner = block.inner(area);
    block.render(area, buf);
    let chart_height = (inner.height / 2).clamp(4, 14);
    let [chart_area, legend_area, rule, text_area] = Layout::vertical([
        Constraint::Length(chart_height),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    let (chart, from, shown) = stage_chart(d, theme, chart_area.width);
    chart.render(chart_area, buf);
    let total = d.session.state.stages.len();
    let range = if shown == 0 {
        "no stages".to_string()
    } else if shown < total {
        format!("stages {}–{} of {total} (←→ for more)", from + 1, from + shown)
    } else {
        format!("stages 1–{total}")
    };
    Paragraph::new(format!("{range} · {CHART_LEGEND}")).render(legend_area, buf);
    Paragraph::new("─".repeat(usize::from(rule.width))).render(rule, buf);
    let lines: Vec<Line> = d
        .lines
        .iter()
        .skip(d.scroll)
        .take(usize::from(text_area.height))
        .map(|l| {
            if l.starts_with(PRIVATE_HEADING) {
                Line::styled(l.clone(), theme.private())
            } else if !l.starts_with(' ') && !l.is_empty() {
                Line::styled(l.clone(), Theme::heading())
            } else {
                Line::raw(l.clone())
            }
        })
        .collect();
    Paragraph::new(lines).render(text_area, buf);
}

/// The report for the sessions in the list.
///
/// ```text
/// ┌ Report: Project tuning · 3 sessions (protocol 1 of 4, ←→) ┐
/// │ bars per stage: median planned ▒, median actual █           │
/// ├─────────────────────────────────────────────────────────────┤
/// │ Stage  Runs  Planned  Actual  Overran  Median over  Ext  Refused │
/// └─────────────────────────────────────────────────────────────┘
/// ```
fn render_report(app: &App, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let Some((r, which, scroll)) = &app.report else { return };
    let Some(p) = r.protocols.get(*which) else {
        let block = Block::default().borders(Borders::ALL).title(" Report ");
        let inner = block.inner(area);
        block.render(area, buf);
        Paragraph::new("No readable sessions in the list.").render(inner, buf);
        return;
    };
    let title = format!(
        " Report: {} · {} (protocol {} of {}, ←→) ",
        sanitize(&p.name),
        fmt::count(p.sessions, "session", "sessions"),
        which + 1,
        r.protocols.len()
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(fmt::cut(&title, usize::from(area.width.saturating_sub(4))));
    let inner = block.inner(area);
    block.render(area, buf);
    let chart_height = (inner.height / 2).clamp(4, 14);
    let [chart_area, legend_area, table_area] = Layout::vertical([
        Constraint::Length(chart_height),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    let bar = bar_width(chart_area.width, p.stages.len());
    let mut chart = BarChart::default().bar_width(bar).bar_gap(u16::from(bar > 2)).group_gap(1);
    for (i, s) in p.stages.iter().enumerate() {
        let over = s.median_actual_ms > s.median_planned_ms;
        chart = chart.data(
            BarGroup::default()
                .label(Line::from(format!("{}{}", i + 1, if over { "!" } else { "" })))
                .bars(&[
                    Bar::default()
                        .value(s.median_planned_ms / 1000)
                        .label("p")
                        .text_value(String::new())
                        .style(theme.planned()),
                    Bar::default()
                        .value(s.median_actual_ms / 1000)
                        .label("a")
                        .text_value(String::new())
                        .style(theme.actual(over)),
                ]),
        );
    }
    chart.render(chart_area, buf);
    Paragraph::new(format!("Medians per stage run · {CHART_LEGEND}")).render(legend_area, buf);
    // Skipped runs and shortenings get a column only when there are any, so the usual table
    // still fits 80 columns with the stage names readable.
    let skips = p.stages.iter().any(|s| s.skipped > 0);
    let shorts = p.stages.iter().any(|s| s.shortenings > 0);
    let mut head = vec!["#", "Stage", "Runs"];
    let mut widths = vec![Constraint::Length(3), Constraint::Fill(1), Constraint::Length(4)];
    if skips {
        head.push("Skip");
        widths.push(Constraint::Length(4));
    }
    head.extend(["Planned", "Actual", "Overran", "Median over", "Extended"]);
    widths.extend([
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Length(9),
        Constraint::Length(11),
        Constraint::Length(10),
    ]);
    if shorts {
        head.push("Shortened");
        widths.push(Constraint::Length(10));
    }
    head.push("Refused");
    widths.push(Constraint::Length(7));
    let header = Row::new(head).style(Theme::heading());
    let rows: Vec<Row> = p
        .stages
        .iter()
        .enumerate()
        .skip(*scroll)
        .map(|(i, s)| {
            let mut cells = vec![
                Cell::from((i + 1).to_string()),
                Cell::from(sanitize(&s.name)),
                Cell::from(s.runs.to_string()),
            ];
            if skips {
                cells.push(Cell::from(s.skipped.to_string()));
            }
            cells.extend([
                Cell::from(fmt::dur(s.median_planned_ms)),
                Cell::from(fmt::dur(s.median_actual_ms)),
                Cell::from(format!("{} of {}", s.overran, s.runs)),
                Cell::from(if s.overran == 0 {
                    "-".into()
                } else {
                    format!("+{}", fmt::dur(s.median_overrun_ms))
                }),
                Cell::from(if s.extensions == 0 {
                    "0".into()
                } else {
                    format!("{} (+{})", s.extensions, fmt::dur(s.extended_ms))
                }),
            ]);
            if shorts {
                cells.push(Cell::from(if s.shortenings == 0 {
                    "0".into()
                } else {
                    format!("{} (-{})", s.shortenings, fmt::dur(s.shortened_ms))
                }));
            }
            cells.push(Cell::from(s.refusals.to_string()));
            Row::new(cells)
        })
        .collect();
    Table::new(rows, widths).header(header).column_spacing(1).render(table_area, buf);
}

fn render_help(app: &App, area: Rect, buf: &mut Buffer) {
    let keys = match app.screen {
        Screen::List => LIST_KEYS,
        Screen::Detail => DETAIL_KEYS,
        Screen::Report => REPORT_KEYS,
    };
    let mut lines = vec![Line::styled("Keys", Theme::heading())];
    for b in keys.iter().filter(|b| !b.label.is_empty()) {
        lines.push(Line::from(format!("  {:<10} {}", b.label, b.what)));
    }
    if app.screen == Screen::List {
        lines.push(Line::raw(""));
        lines.push(Line::raw(
            "/ then type: words match the date, protocol, group, names or status.",
        ));
        lines.push(Line::raw("x writes Markdown minutes to the current folder;"));
        lines.push(Line::raw("X does the same with names redacted and no private notes."));
    }
    let w = area.width.saturating_sub(4).min(90);
    let h = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    Clear.render(popup, buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(Block::default().borders(Borders::ALL).title(" Help "))
        .render(popup, buf);
}

/// `convene logs`: scans the logs, then runs the browser until `q`.
pub fn browse(dirs: &Dirs) -> color_eyre::Result<ExitCode> {
    let scan = match crate::review::data_dir(dirs.data_dir.as_deref())
        .and_then(|d| crate::review::scan(&d))
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("convene: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut app = App::new(scan, here);
    let mut terminal = ratatui::init();
    let result = run_loop(&mut terminal, &mut app);
    ratatui::restore();
    result.map(|()| ExitCode::SUCCESS)
}

fn run_loop(terminal: &mut ratatui::DefaultTerminal, app: &mut App) -> color_eyre::Result<()> {
    let _signals = super::signals::watch();
    loop {
        if let super::signals::Pending::Quit(q) = super::signals::pending(terminal)? {
            super::signals::end_screen(terminal, q);
        }
        terminal.draw(|f| render(app, f.area(), f.buffer_mut()))?;
        // Blocks until a key, a resize or a signal (see `signals`): nothing runs while the
        // browser sits idle.
        let TermEvent::Key(key) = crossterm::event::read()? else { continue };
        if super::signals::is_suspend_key(&key) {
            super::signals::suspend(terminal)?;
            continue;
        }
        if type_char(app, key) {
            continue;
        }
        let Some(action) = action_for(app, key) else { continue };
        let size = terminal.size()?;
        if !update(app, action, list_rows(Rect::new(0, 0, size.width, size.height))) {
            return Ok(());
        }
    }
}
