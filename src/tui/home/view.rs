//! Drawing the home screen: a pure function of [`Home`].

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::{Home, LABELS, Step};
use crate::protocol::{LoadError, Minutes, Origin, Timing, clock};
use crate::session::plan::Quote;
use crate::text::{cut, pad, sanitize, width as width_of};
use crate::tui::widgets::{too_small, wrap};

/// Draws the home screen.
///
/// ```text
/// convene · pick a protocol                 | Project tuning
/// > Project tuning          24:00  built-in | summary…
///   Action learning set   3:40:00  built-in | Stages: 4:00 Presenter …
///   broken.json     (cannot be used)        | Total 24:00
/// ↑↓ choose · Enter next · q quit
/// ```
pub fn render(f: &mut Frame, h: &Home) {
    let area = f.area();
    if too_small(area, f.buffer_mut()) {
        return;
    }
    let t = h.theme;
    let [body, msg_a, foot] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(2), Constraint::Length(1)])
            .areas(area);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(body);
    let rows = protocol_rows(h, left.width);
    visible(f, left, rows, h.selected, "Protocols");
    let detail = details(h);
    // The form has its own place at the bottom, so a long summary never pushes it off screen.
    let mut form: Vec<Line> = Vec::new();
    if h.step == Step::Details {
        for (i, label) in LABELS.iter().enumerate() {
            let cursor = if i == h.focus { "▏" } else { "" };
            let style = if i == h.focus { t.title() } else { ratatui::style::Style::new() };
            form.push(Line::from(vec![
                Span::styled(format!("{label}: "), t.muted()),
                Span::styled(format!("{}{cursor}", sanitize(&h.fields[i])), style),
            ]));
        }
    }
    let block = Block::default().borders(Borders::LEFT).title(" Details ");
    let inner = block.inner(right);
    f.render_widget(block, right);
    // Wrapped here, as drawn, so the rows counted are the rows shown: a roster that wraps to
    // several lines never pushes the fields below it (the facilitator's) out of their place.
    let form: Vec<Line> = form.iter().flat_map(|l| wrap(l, inner.width)).collect();
    let form_h = u16::try_from(form.len() + usize::from(!form.is_empty())).unwrap_or(u16::MAX);
    let [detail_a, form_a] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(form_h)]).areas(inner);
    f.render_widget(Paragraph::new(detail).wrap(Wrap { trim: true }), detail_a);
    if !form.is_empty() {
        let [_, fields_a] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(form_a);
        f.render_widget(Paragraph::new(form), fields_a);
    }
    if let Some(m) = &h.message {
        f.render_widget(
            Paragraph::new(sanitize(m)).style(t.silent()).wrap(Wrap { trim: true }),
            msg_a,
        );
    }
    let keys: Vec<String> =
        h.keys().iter().filter(|b| b.footer).map(|b| format!("{} {}", b.shown, b.short)).collect();
    f.render_widget(Paragraph::new(Span::styled(keys.join(" · "), t.muted())), foot);
}

/// The protocol list's rows: name and total, or the file that has errors.
fn protocol_rows(h: &Home, width: u16) -> Vec<Line<'static>> {
    let t = h.theme;
    let mut rows = Vec::new();
    // "> name  total": the total keeps its column and the name gives way on a narrow screen; on a
    // wide one the names are whole, the totals in a column after the longest.
    let longest = h
        .entries
        .iter()
        .filter_map(|e| e.protocol.as_ref().ok())
        .map(|p| width_of(&sanitize(&p.name)))
        .max()
        .unwrap_or(4);
    let name_w = usize::from(width).saturating_sub(2 + 1 + 8).min(longest).max(4);
    for (i, e) in h.entries.iter().enumerate() {
        let mark = if i == h.selected { "> " } else { "  " };
        let style = if i == h.selected { t.selected() } else { ratatui::style::Style::new() };
        let text = if let Ok(p) = &e.protocol {
            // Session 1's total, as the start card shows it for the protocol's typical group.
            let total = clock(Quote::typical(p).first_ms / 1000, Minutes::Padded);
            format!("{mark}{} {total:>8}", pad(&cut(&sanitize(&p.name), name_w), name_w))
        } else {
            // The file name, not its folder: the folder is in the details on the right.
            let file = match &e.origin {
                Origin::File(p) => p
                    .file_name()
                    .map_or_else(|| e.origin.describe(), |n| sanitize(&n.to_string_lossy())),
                Origin::Builtin => e.origin.describe(),
            };
            let room = usize::from(width).saturating_sub(2 + 13).max(4);
            format!("{mark}{} (has errors)", fit(&file, room))
        };
        rows.push(Line::from(Span::styled(text, style)));
    }
    rows
}

/// The selected protocol's details: summary, stages and total, or what is wrong with its file.
fn details(h: &Home) -> Vec<Line<'static>> {
    let t = h.theme;
    let mut detail: Vec<Line<'static>> = Vec::new();
    match h.entries.get(h.selected).map(|e| (&e.protocol, e)) {
        Some((Ok(p), e)) => {
            detail.push(Line::from(Span::styled(sanitize(&p.name), t.title())));
            detail.push(Line::from(Span::styled(e.origin.describe(), t.muted())));
            detail.push(Line::from(sanitize(&p.summary)));
            detail.push(Line::from(""));
            for (_, st) in p.all_stages() {
                let mark = if st.timing == Timing::Suggested { "*" } else { " " };
                let secs = st.duration.secs();
                detail.push(Line::from(format!(
                    "{:>7}{mark} {}{}",
                    clock(secs, Minutes::Padded),
                    sanitize(&st.title()),
                    st.origin.suffix()
                )));
            }
            if let Some(word) = p.origin.mark() {
                detail.push(Line::from(Span::styled(
                    format!("{word}: the sources give no running order for this session"),
                    t.muted(),
                )));
            }
            let q = Quote::typical(p);
            let n = q.people;
            let suggested = p.all_stages().any(|(_, st)| st.timing == Timing::Suggested);
            // Only one round per member makes the total depend on how many people come.
            let per_member = p.rotation.rounds == crate::protocol::Rounds::PerMember;
            detail.push(Line::from(Span::styled(
                format!(
                    "Total {}{}{}{}{}",
                    clock(q.first_ms / 1000, Minutes::Padded),
                    if per_member { format!(" for {n} people") } else { String::new() },
                    q.rounds_phrase(),
                    // A course whose later sessions run more stages: session 1's and theirs.
                    q.later_phrase(),
                    if suggested { " (* suggested duration)" } else { "" }
                ),
                t.title(),
            )));
        }
        Some((Err(err), _)) => {
            detail.push(Line::from(Span::styled("This protocol file cannot be used:", t.silent())));
            match err {
                // One line per problem, without repeating the path on each.
                LoadError::Invalid { path, problems } => {
                    detail.push(Line::from(sanitize(path)));
                    for p in problems {
                        let at = match (p.line, p.column) {
                            (Some(l), Some(c)) => format!("line {l}:{c}: "),
                            (Some(l), None) => format!("line {l}: "),
                            _ => String::new(),
                        };
                        detail.push(Line::from(format!(
                            "• {at}{}: {}",
                            sanitize(&p.place),
                            sanitize(&p.message)
                        )));
                    }
                }
                _ => detail.extend(err.to_string().lines().map(|l| Line::from(sanitize(l)))),
            }
        }
        None => detail.push(Line::from("No protocols found.")),
    }
    detail
}

/// `text` cut to `width` characters, ending in `…` when cut.
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// Renders only the rows that fit, keeping the selection in view.
fn visible(f: &mut Frame, area: Rect, rows: Vec<Line<'static>>, selected: usize, title: &str) {
    let height = usize::from(area.height.saturating_sub(1));
    let start = selected.saturating_sub(height.saturating_sub(1));
    let shown: Vec<Line> = rows.into_iter().skip(start).take(height).collect();
    let block = Block::default().title(format!(" convene · {title} "));
    f.render_widget(Paragraph::new(shown).block(block), area);
}
