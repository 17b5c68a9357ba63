//! Small shared pieces: the big countdown, centred popups, the too-small notice.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};
use tui_big_text::{BigText, PixelSize};

/// The smallest terminal convene draws in.
pub const MIN_W: u16 = 40;
pub const MIN_H: u16 = 12;

/// Draws `text` in the largest big-digit size that fits `area`, or as plain bold text.
/// Returns the height used.
pub fn big_clock(f: &mut Frame, area: Rect, text: &str, style: Style) -> u16 {
    let chars = u16::try_from(text.chars().count()).unwrap_or(u16::MAX);
    // (size, cell width per char, rows)
    let sizes =
        [(PixelSize::Full, 8, 8), (PixelSize::HalfHeight, 8, 4), (PixelSize::Quadrant, 4, 4)];
    for (size, w, h) in sizes {
        if chars.saturating_mul(w) <= area.width && h <= area.height {
            let rect = Rect { height: h, ..area };
            let big = BigText::builder()
                .pixel_size(size)
                .style(style)
                .lines(vec![Line::from(text.to_string())])
                .centered()
                .build();
            f.render_widget(big, rect);
            return h;
        }
    }
    let rect = Rect { height: 1.min(area.height), ..area };
    f.render_widget(
        Paragraph::new(text.to_string()).style(style).alignment(Alignment::Center),
        rect,
    );
    rect.height
}

/// A centred rectangle of at most `w` x `h` inside `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let [r] =
        Layout::vertical([Constraint::Length(h.min(area.height))]).flex(Flex::Center).areas(area);
    let [r] =
        Layout::horizontal([Constraint::Length(w.min(area.width))]).flex(Flex::Center).areas(r);
    r
}

/// Rows `line` takes when word-wrapped to `width` columns (at least one).
pub fn wrapped_rows(line: &Line, width: u16) -> usize {
    let width = usize::from(width.max(1));
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let (mut rows, mut col) = (1, 0);
    for word in text.split(' ') {
        let w = Span::raw(word).width();
        let need = if col == 0 { w } else { col + 1 + w };
        if need <= width {
            col = need;
            continue;
        }
        if col > 0 {
            rows += 1;
        }
        // A word longer than the width is broken across rows.
        rows += w.saturating_sub(1) / width;
        col = if w == 0 { 0 } else { (w - 1) % width + 1 };
    }
    rows
}

/// A popup with a title, cleared behind, tall enough for its lines once wrapped.
pub fn popup(f: &mut Frame, area: Rect, title: &str, lines: Vec<Line<'static>>, w: u16) -> Rect {
    let inner_w = w.min(area.width).saturating_sub(2);
    let rows: usize = lines.iter().map(|l| wrapped_rows(l, inner_w)).sum();
    let h = u16::try_from(rows).unwrap_or(u16::MAX).saturating_add(2);
    let rect = centered(area, w, h);
    f.render_widget(Clear, rect);
    let block = Block::default().borders(Borders::ALL).title(format!(" {title} "));
    f.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), rect);
    rect
}

/// Draws the "too small" notice and returns true when the area is below the minimum. Every
/// screen asks this one question, with the same minimum and the same words.
pub fn too_small(area: Rect, buf: &mut Buffer) -> bool {
    if area.width >= MIN_W && area.height >= MIN_H {
        return false;
    }
    let text = vec![
        Line::from("Terminal too small"),
        Line::from(format!("needs {MIN_W}x{MIN_H}, now {}x{}", area.width, area.height)),
        Line::from("Enlarge the window"),
        Line::from("or reduce the font size."),
    ];
    Paragraph::new(text).wrap(Wrap { trim: true }).render(area, buf);
    true
}
