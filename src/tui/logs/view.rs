//! Drawing the browser: a pure function of the [`LogsScreen`].

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Bar, BarChart, BarGroup, Block, Borders, Cell, Clear, Paragraph, Row, Table, Widget, Wrap,
};

use super::{DetailView, GroupView, LogsScreen, ReportView, Screen, keys};
use crate::review::{SessionStatus, fmt, report};
use crate::text::sanitize;
use crate::tui::keys::Binding;
use crate::tui::theme::Theme;
use crate::tui::widgets::too_small;

// ---- words shown on screen, kept together ----

const NO_SESSIONS: &str = "No session logs yet. Run a session with `convene run`.";
const NO_MATCH: &str = "No sessions match the filter. Esc clears it.";
const PRIVATE_HEADING: &str = "Private notes";
const CHART_LEGEND: &str = "p planned, a actual, ! over the plan";
const OVERRAN_LEGEND: &str = "How often each stage ran over its plan (% of its runs)";
const GROUP_LEGEND: &str = "Commitments made in each session: d done, o open, ! overdue";

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
pub fn render(app: &LogsScreen, area: Rect, buf: &mut Buffer) {
    if too_small(area, buf) {
        return;
    }
    let theme = app.theme;
    let [main, status, footer] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(1), Constraint::Length(1)])
            .areas(area);
    match app.screen {
        Screen::List => render_list(app, theme, main, buf),
        Screen::Detail => render_detail(app, theme, main, buf),
        Screen::Report => render_report(app, theme, main, buf),
        Screen::Group => render_group(app, theme, main, buf),
    }
    let msg = if app.typing {
        format!("Filter: {}▏", sanitize(&app.filter))
    } else {
        app.message.as_deref().map(crate::text::sanitize).unwrap_or_default()
    };
    Paragraph::new(fmt::cut(&msg, usize::from(area.width))).render(status, buf);
    render_footer(app.keys(), theme, footer, buf);
    if app.help {
        render_help(app, main, buf);
    }
}

fn render_footer(keys: &[Binding<keys::Action>], theme: Theme, area: Rect, buf: &mut Buffer) {
    let mut spans = Vec::new();
    for b in keys.iter().filter(|b| b.footer) {
        spans.push(Span::styled(format!(" {} ", b.shown), theme.selected()));
        spans.push(Span::raw(format!(" {}  ", b.short)));
    }
    Paragraph::new(Line::from(spans)).render(area, buf);
}

fn status_word(d: &crate::review::Summary) -> String {
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

/// The list's columns: all of them from 120 columns on, the essentials below.
fn list_columns(wide: bool) -> (Vec<&'static str>, Vec<Constraint>) {
    if wide {
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
                Constraint::Length(24),
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
    }
}

/// One session's cells in the list (a log that cannot be read says so in its row).
fn list_cells(
    e: &crate::review::SessionRow,
    wide: bool,
    columns: usize,
    people_width: usize,
    theme: Theme,
) -> Vec<Cell<'static>> {
    if let Some(d) = e.ok() {
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
    } else {
        let when = crate::review::id_time(&e.id)
            .and_then(chrono::DateTime::from_timestamp_millis)
            .map_or_else(|| "?".into(), |t| t.format("%Y-%m-%d %H:%M").to_string());
        let mut c = vec![Cell::from(when), Cell::from("cannot be read")];
        c.extend((2..columns - 1).map(|_| Cell::from("")));
        c.push(Cell::from("unreadable"));
        c
    }
}

fn render_list(app: &LogsScreen, theme: Theme, area: Rect, buf: &mut Buffer) {
    let total = app.total;
    let mut title = format!(" Sessions: {} of {total} ", app.shown);
    if !app.filter.is_empty() {
        title = format!("{title}· filter: {} ", sanitize(&app.filter));
    }
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(area);
    block.render(area, buf);
    if app.shown == 0 {
        let text = if total == 0 { NO_SESSIONS } else { NO_MATCH };
        Paragraph::new(text).wrap(Wrap { trim: true }).render(inner, buf);
        return;
    }
    let wide = inner.width >= 120;
    let (header, widths) = list_columns(wide);
    let rows_fit = usize::from(inner.height.saturating_sub(1)).max(1);
    // Keep the selection in view even after a resize.
    let mut offset = app.offset.min(app.selected);
    if app.selected >= offset + rows_fit {
        offset = app.selected + 1 - rows_fit;
    }
    let people_width = usize::from(inner.width.saturating_sub(if wide { 120 } else { 64 })).max(8);
    // Only the rows on screen, from those loaded around the selection.
    let rows: Vec<Row> = (offset..(offset + rows_fit).min(app.shown))
        .map(|k| {
            let cells = app
                .row(k)
                .map_or_else(Vec::new, |e| list_cells(e, wide, header.len(), people_width, theme));
            let row = Row::new(cells);
            if k == app.selected { row.style(theme.selected()) } else { row }
        })
        .collect();
    Table::new(rows, widths)
        .header(Row::new(header).style(theme.title()))
        .column_spacing(1)
        .render(inner, buf);
}

/// Bars as wide as the stages allow: from 2 to 5 columns each, two per stage and gaps.
fn bar_width(width: u16, stages: usize) -> u16 {
    let per = usize::from(width) / stages.max(1);
    u16::try_from(per.saturating_sub(2) / 2).unwrap_or(5).clamp(2, 5)
}

/// The chart of planned against actual per stage, from stage `from` on, as many as fit.
fn stage_chart(d: &DetailView, theme: Theme, width: u16) -> (BarChart<'_>, usize, usize) {
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
fn render_detail(app: &LogsScreen, theme: Theme, area: Rect, buf: &mut Buffer) {
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
                Line::styled(l.clone(), theme.title())
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
/// │ Hard stop: 4 sessions had one; 2 ended past it (median +2:00, most +3:00). │
/// │ Stage  Runs  Planned  Actual  Overran  Median over  Ext  Refused │
/// └─────────────────────────────────────────────────────────────┘
/// ```
fn render_report(app: &LogsScreen, theme: Theme, area: Rect, buf: &mut Buffer) {
    let Some(ReportView { report: r, protocol: which, scroll }) = &app.report else { return };
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
        crate::text::plural(p.sessions, "session", "sessions"),
        which + 1,
        r.protocols.len()
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(fmt::cut(&title, usize::from(area.width.saturating_sub(4))));
    let inner = block.inner(area);
    block.render(area, buf);
    let chart_height = (inner.height / 3).clamp(4, 12);
    let over_height = (inner.height / 5).clamp(3, 8);
    // The hard-stop line only for a protocol with sessions that had a stop.
    let stop_line = p.stop_line();
    let [chart_area, legend_area, over_area, over_legend, stop_area, table_area] =
        Layout::vertical([
            Constraint::Length(chart_height),
            Constraint::Length(1),
            Constraint::Length(over_height),
            Constraint::Length(1),
            Constraint::Length(u16::from(stop_line.is_some())),
            Constraint::Min(1),
        ])
        .areas(inner);
    report_chart(p, theme, chart_area.width).render(chart_area, buf);
    Paragraph::new(format!("Medians per stage run · {CHART_LEGEND}")).render(legend_area, buf);
    overran_chart(p, theme, over_area.width).render(over_area, buf);
    Paragraph::new(OVERRAN_LEGEND).render(over_legend, buf);
    if let Some(line) = stop_line {
        Paragraph::new(line).render(stop_area, buf);
    }
    report_table(p, *scroll, theme).render(table_area, buf);
}

/// How often each stage ran over its plan: the share of its runs, in percent.
fn overran_chart(p: &report::ProtocolStats, theme: Theme, width: u16) -> BarChart<'static> {
    let bar = bar_width(width, p.stages.len()).saturating_mul(2).min(7);
    let mut chart = BarChart::default().bar_width(bar).bar_gap(1).max(100);
    let bars: Vec<Bar> = p
        .stages
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let pct = (s.overran * 100 + s.runs / 2).checked_div(s.runs).unwrap_or(0);
            let pct = u64::try_from(pct).unwrap_or(100);
            Bar::default()
                .value(pct)
                .label(Line::from((i + 1).to_string()))
                .text_value(format!("{pct}%"))
                .style(theme.actual(pct >= 50))
        })
        .collect();
    chart = chart.data(BarGroup::default().bars(&bars));
    chart
}

/// A group: per session, the commitments made in it that are done, open and overdue, and the
/// commitments still open.
///
/// ```text
/// ┌ Group: Year 9 team · 3 sessions · 1 open, 1 overdue on 23 Nov 2026 ┐
/// │ ▒█! ▒█! …   bars per session, oldest first: d done, o open, ! overdue          │
/// │ 02/11 09/11 16/11                                                               │
/// │ OWNER  COMMITMENT  DUE  MADE  LATEST                                            │
/// └─────────────────────────────────────────────────────────────────────────────────┘
/// ```
fn render_group(app: &LogsScreen, theme: Theme, area: Rect, buf: &mut Buffer) {
    let Some(g) = &app.group else { return };
    let open = g.open.iter().filter(|a| !a.overdue).count();
    let overdue = g.open.iter().filter(|a| a.overdue).count();
    let title = format!(
        " Group: {} · {} · {open} open, {overdue} overdue on {} ",
        sanitize(&g.name),
        crate::text::plural(g.sessions.len(), "session", "sessions"),
        g.today.format("%-d %b %Y")
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(fmt::cut(&title, usize::from(area.width.saturating_sub(4))));
    let inner = block.inner(area);
    block.render(area, buf);
    let chart_height = (inner.height / 2).clamp(4, 12);
    let [chart_area, legend_area, table_area] = Layout::vertical([
        Constraint::Length(chart_height),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    let (chart, shown) = group_chart(g, theme, chart_area.width);
    chart.render(chart_area, buf);
    let legend = if shown < g.sessions.len() {
        format!("the last {shown} of {} sessions · {GROUP_LEGEND}", g.sessions.len())
    } else {
        GROUP_LEGEND.to_string()
    };
    Paragraph::new(legend).render(legend_area, buf);
    group_table(g, theme).render(table_area, buf);
}

/// Three bars per session (done, open, overdue), the newest sessions that fit.
fn group_chart(g: &GroupView, theme: Theme, width: u16) -> (BarChart<'static>, usize) {
    let fit = usize::from(width / 8).max(1);
    let from = g.sessions.len().saturating_sub(fit);
    let mut chart = BarChart::default().bar_width(2).bar_gap(0).group_gap(2);
    for s in &g.sessions[from..] {
        let n = |x: usize| u64::try_from(x).unwrap_or(u64::MAX);
        chart = chart.data(
            BarGroup::default().label(Line::from(s.start.format("%d/%m").to_string())).bars(&[
                Bar::default().value(n(s.done)).label("d").style(theme.planned()),
                Bar::default().value(n(s.open)).label("o").style(theme.actual(false)),
                Bar::default().value(n(s.overdue)).label("!").style(theme.actual(true)),
            ]),
        );
    }
    (chart, g.sessions.len() - from)
}

/// The commitments still open, oldest first, from the scroll position.
fn group_table(g: &GroupView, theme: Theme) -> Table<'static> {
    let header = Row::new(["OWNER", "COMMITMENT", "DUE", "MADE", "LATEST"]).style(theme.title());
    let rows: Vec<Row> = g
        .open
        .iter()
        .skip(g.scroll)
        .map(|a| {
            let due = match (&a.due, a.due_date) {
                (_, Some(d)) => d.format("%d %b %Y").to_string(),
                (Some(t), None) => sanitize(t),
                (None, None) => "-".into(),
            };
            let latest = a.latest.map_or("not followed up", |l| l.label());
            let row = Row::new([
                Cell::from(sanitize(&a.owner)),
                Cell::from(sanitize(&a.text)),
                Cell::from(if a.overdue { format!("{due} !") } else { due }),
                Cell::from(a.made.format("%d %b %Y").to_string()),
                Cell::from(latest.to_string()),
            ]);
            if a.overdue { row.style(theme.actual(true)) } else { row }
        })
        .collect();
    Table::new(
        rows,
        [
            Constraint::Length(18),
            Constraint::Fill(1),
            Constraint::Length(13),
            Constraint::Length(11),
            Constraint::Length(15),
        ],
    )
    .header(header)
    .column_spacing(1)
}

/// Bars of the median planned and actual time per stage of one protocol.
fn report_chart(p: &report::ProtocolStats, theme: Theme, width: u16) -> BarChart<'static> {
    let bar = bar_width(width, p.stages.len());
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
    chart
}

/// The report's table: one row per stage, from `scroll` on.
fn report_table(p: &report::ProtocolStats, scroll: usize, theme: Theme) -> Table<'static> {
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
    let header = Row::new(head).style(theme.title());
    let rows: Vec<Row> = p
        .stages
        .iter()
        .enumerate()
        .skip(scroll)
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
    Table::new(rows, widths).header(header).column_spacing(1)
}

fn render_help(app: &LogsScreen, area: Rect, buf: &mut Buffer) {
    let keys = match app.screen {
        Screen::List => keys::LIST,
        Screen::Detail => keys::DETAIL,
        Screen::Report => keys::REPORT,
        Screen::Group => keys::GROUP,
    };
    let mut lines = vec![Line::styled("Keys", app.theme.title())];
    for b in keys.iter().filter(|b| !b.shown.is_empty()) {
        lines.push(Line::from(format!("  {:<10} {}", b.shown, b.what)));
    }
    if app.screen == Screen::List {
        lines.push(Line::raw(""));
        lines.push(Line::raw(
            "/ then type: words match the date, protocol, group, names or status.",
        ));
        lines.push(Line::raw("x writes Markdown minutes to the current folder;"));
        lines.push(Line::raw("X does the same with names redacted and no private notes."));
        lines.push(Line::raw("g shows the selected session's group: its commitments over time."));
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
