//! Small shared pieces: the big countdown, centred popups, the too-small notice.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
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

/// A popup with a title, cleared behind.
pub fn popup(f: &mut Frame, area: Rect, title: &str, lines: Vec<Line<'static>>, w: u16) -> Rect {
    let h = u16::try_from(lines.len()).unwrap_or(u16::MAX).saturating_add(2);
    let rect = centered(area, w, h);
    f.render_widget(Clear, rect);
    let block = Block::default().borders(Borders::ALL).title(format!(" {title} "));
    f.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), rect);
    rect
}

/// Draws the "too small" notice and returns true when the area is below the minimum.
pub fn too_small(f: &mut Frame, area: Rect) -> bool {
    if area.width >= MIN_W && area.height >= MIN_H {
        return false;
    }
    let text = vec![
        Line::from("Terminal too small"),
        Line::from(format!("needs {MIN_W}x{MIN_H}, now {}x{}", area.width, area.height)),
        Line::from("Enlarge the window"),
        Line::from("or reduce the font size."),
    ];
    f.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
    true
}
