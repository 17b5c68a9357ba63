//! Small shared pieces: the big countdown (drawn from font8x8's bitmap glyphs, and read back from
//! a screen's text for the tests), word-wrapping by display width, centred popups and the bottom
//! panel, the too-small notice.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Flex, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};
use unicode_segmentation::UnicodeSegmentation;

use crate::text::width;

/// The smallest terminal convene draws its screens in.
pub(crate) const MIN_W: u16 = 40;
pub(crate) const MIN_H: u16 = 12;

// ---- the big clock ----

/// Pixel rows of a glyph: font8x8's digits use the top seven of their eight.
const GLYPH_ROWS: usize = 7;
/// The largest vertical scale tried (half-rows per pixel): 56 rows of digits.
const MOST_V: u16 = 16;
/// The big clock's characters: a full block, and the upper and lower halves.
const FULL: &str = "█";
const UPPER: &str = "▀";
const LOWER: &str = "▄";

/// A glyph of the big clock: font8x8's bitmap, cut to the columns it uses (all digits the same
/// width, so the clock does not jump sideways as it counts).
#[derive(Debug, Clone, Copy)]
struct Glyph {
    /// Row by row; bit 0 is the leftmost pixel.
    rows: [u8; GLYPH_ROWS],
    width: usize,
}

fn glyph(c: char) -> Option<Glyph> {
    let (first, width) = match c {
        '0'..='9' => (0, 7),
        ':' => (2, 2),
        '+' => (0, 6),
        _ => return None,
    };
    let bitmap = font8x8::legacy::BASIC_LEGACY[c as usize];
    let mask = (1u16 << width) - 1;
    let mut rows = [0u8; GLYPH_ROWS];
    for (row, bits) in rows.iter_mut().zip(bitmap) {
        *row = u8::try_from((u16::from(bits) >> first) & mask).unwrap_or(0);
    }
    Some(Glyph { rows, width })
}

/// The clock's text as pixels: `GLYPH_ROWS` rows of bits (bit `x` is pixel column `x`), glyphs
/// one blank column apart, and the width in pixels; `None` when it has a character the big clock
/// does not draw, or more pixel columns than a row holds (128: a countdown has at most 60).
#[derive(Debug, Clone, Copy)]
struct Pixels {
    rows: [u128; GLYPH_ROWS],
    width: usize,
}

impl Pixels {
    fn on(&self, row: usize, col: usize) -> bool {
        row < GLYPH_ROWS && col < self.width && self.rows[row] >> col & 1 == 1
    }
}

fn pixels(text: &str) -> Option<Pixels> {
    let mut px = Pixels { rows: [0; GLYPH_ROWS], width: 0 };
    for (i, c) in text.chars().enumerate() {
        let g = glyph(c)?;
        let at = px.width + usize::from(i > 0);
        if at + g.width > 128 {
            return None;
        }
        for (row, bits) in px.rows.iter_mut().zip(g.rows) {
            *row |= u128::from(bits) << at;
        }
        px.width = at + g.width;
    }
    (px.width > 0).then_some(px)
}

/// The clock's width in pixels, if the big clock can draw it.
fn pixel_width(text: &str) -> Option<u16> {
    pixels(text).and_then(|p| u16::try_from(p.width).ok())
}

/// How big the clock is drawn: `v` half-rows and `h` columns per pixel (a pixel is square when
/// `v == h`, since a cell is about twice as tall as it is wide). `v == 0` is one line of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockSize {
    pub v: u16,
    pub h: u16,
}

impl ClockSize {
    /// The clock as one line of text.
    pub(crate) const LINE: Self = Self { v: 0, h: 0 };

    /// Rows the clock takes on screen: the digits' height.
    pub(crate) fn rows(self) -> u16 {
        if self.v == 0 { 1 } else { (7 * self.v).div_ceil(2) }
    }
}

/// The sizes the clock can take for `text` in `width` columns, largest first, ending with one
/// line of text. A pixel is at most twice as tall as it is wide and never wider than square, and
/// the digits keep a column free on each side.
pub(crate) fn clock_sizes(text: &str, width: u16) -> Vec<ClockSize> {
    let mut sizes = Vec::new();
    if let Some(px) = pixel_width(text) {
        let most_h = width.saturating_sub(2) / px.max(1);
        for v in (1..=MOST_V).rev() {
            let h = v.min(most_h);
            if h >= 1 && 2 * h >= v {
                sizes.push(ClockSize { v, h });
            }
        }
    }
    sizes.push(ClockSize::LINE);
    sizes
}

/// Draws the clock at `size`, centred in `area` (from its top row). Styles with reverse video
/// (time up in the high-contrast themes) fill the clock's box, so the digits show dark on light.
pub(crate) fn draw_clock(buf: &mut Buffer, area: Rect, text: &str, style: Style, size: ClockSize) {
    let px = pixels(text).filter(|_| size.v > 0);
    let Some(px) = px else {
        let line = Line::from(Span::styled(text.to_string(), style));
        Paragraph::new(line).alignment(Alignment::Center).render(area, buf);
        return;
    };
    let (v, h) = (usize::from(size.v), usize::from(size.h));
    let cells = px.width * h;
    let rows = usize::from(size.rows()).min(usize::from(area.height));
    let x0 = usize::from(area.x) + usize::from(area.width).saturating_sub(cells) / 2;
    let on = |half: usize, col: usize| px.on(half / v, col / h);
    if style.add_modifier.contains(Modifier::REVERSED) {
        let margin = usize::from(usize::from(area.width) >= cells + 2);
        let boxed = Rect {
            x: u16::try_from(x0 - margin).unwrap_or(area.x),
            y: area.y,
            width: u16::try_from(cells + 2 * margin).unwrap_or(area.width).min(area.width),
            height: u16::try_from(rows).unwrap_or(0),
        };
        buf.set_style(boxed.intersection(area).intersection(buf.area), style);
    }
    // Only the columns and rows `buf` holds (a second redraws the digits that change).
    let (bx, by) = (usize::from(buf.area.x), usize::from(buf.area.y));
    let xs = bx.saturating_sub(x0)..(bx + usize::from(buf.area.width)).saturating_sub(x0);
    let ys = by.saturating_sub(usize::from(area.y))
        ..(by + usize::from(buf.area.height)).saturating_sub(usize::from(area.y));
    for y in ys.start..rows.min(ys.end) {
        for x in xs.start..cells.min(usize::from(area.width)).min(xs.end) {
            let symbol = match (on(2 * y, x), on(2 * y + 1, x)) {
                (true, true) => FULL,
                (true, false) => UPPER,
                (false, true) => LOWER,
                (false, false) => continue,
            };
            let (Ok(cx), Ok(cy)) = (u16::try_from(x0 + x), u16::try_from(usize::from(area.y) + y))
            else {
                continue;
            };
            // `buf` may hold only a part of the clock (a second redraws the digits that change).
            if let Some(cell) = buf.cell_mut((cx, cy)) {
                cell.set_symbol(symbol).set_style(style);
            }
        }
    }
}

/// The cells [`draw_clock`] can change in `area` for a text of `text`'s shape at `size`: the
/// digits' box (with the column either side a reversed style fills), or the whole `area` for a
/// clock of one line.
pub(crate) fn clock_box(area: Rect, text: &str, size: ClockSize) -> Rect {
    let Some(px) = pixel_width(text).filter(|_| size.v > 0) else { return area };
    let cells = usize::from(px) * usize::from(size.h);
    let width = usize::from(area.width);
    let x0 = usize::from(area.x) + width.saturating_sub(cells) / 2;
    let margin = usize::from(width >= cells + 2);
    let boxed = Rect {
        x: u16::try_from(x0 - margin).unwrap_or(area.x),
        y: area.y,
        width: u16::try_from(cells + 2 * margin).unwrap_or(area.width),
        height: size.rows(),
    };
    boxed.intersection(area)
}

/// The cells [`draw_clock`] changes in `area` at `size` when its text goes from `old` to `new`:
/// the box around the pixels that differ (none when none do), or the union of both texts' boxes
/// ([`clock_box`]) when the glyphs move (a text of another width, a clock of one line).
pub(crate) fn clock_changed(area: Rect, old: &str, new: &str, size: ClockSize) -> Rect {
    let moved = || clock_box(area, old, size).union(clock_box(area, new, size));
    let (Some(a), Some(b)) = (pixels(old), pixels(new)) else { return moved() };
    if size.v == 0 || a.width != b.width {
        return moved();
    }
    let whole = clock_box(area, new, size);
    let differ = |r: &usize| a.rows[*r] != b.rows[*r];
    let (Some(top), Some(bottom)) =
        ((0..GLYPH_ROWS).find(differ), (0..GLYPH_ROWS).rev().find(differ))
    else {
        return Rect { width: 0, height: 0, ..whole };
    };
    let columns = a.rows.iter().zip(b.rows).fold(0u128, |m, (x, y)| m | (x ^ y));
    let first = columns.trailing_zeros() as usize;
    let last = 127 - columns.leading_zeros() as usize;
    let (v, h) = (usize::from(size.v), usize::from(size.h));
    let x0 = usize::from(area.x) + usize::from(area.width).saturating_sub(a.width * h) / 2;
    // Pixel row r covers half-rows r*v to (r+1)*v - 1, two half-rows a row.
    let (y0, y1) = (top * v / 2, ((bottom + 1) * v - 1) / 2);
    let part = Rect {
        x: u16::try_from(x0 + first * h).unwrap_or(u16::MAX),
        y: u16::try_from(usize::from(area.y) + y0).unwrap_or(u16::MAX),
        width: u16::try_from((last + 1 - first) * h).unwrap_or(u16::MAX),
        height: u16::try_from(y1 + 1 - y0).unwrap_or(u16::MAX),
    };
    part.intersection(whole)
}

/// The big clock as read back from a screen's text (a `TestBackend`'s or tmux's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenClock {
    pub text: String,
    /// The digits' height in rows.
    pub rows: usize,
    /// The first row the digits are on (0-based).
    pub top: usize,
    pub size: ClockSize,
}

/// Reads the big clock back from a screen's text: the first band of rows holding block
/// characters (rows apart from others by a row without any) that decodes, glyph by glyph at the
/// scale it was drawn at, as the clock's digits; the stage name in large type above it is a band
/// of its own and is passed over. `None` when there are no big digits (a clock of one line, or
/// none) or they cannot be read (something drawn over them).
pub fn read_clock(screen: &str) -> Option<SeenClock> {
    let lines: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    // Any of Unicode's block elements (the large name's quadrants among them).
    let block = |c: char| ('\u{2580}'..='\u{259F}').contains(&c);
    let inked = |l: &Vec<char>| l.iter().any(|c| block(*c));
    let mut top = 0;
    while let Some(start) = lines[top..].iter().position(inked).map(|i| top + i) {
        let count = lines[start..].iter().take_while(|l| inked(l)).count();
        if let Some(seen) = read_band(&lines, start, count) {
            return Some(seen);
        }
        top = start + count;
    }
    None
}

/// The clock read from `count` rows of `lines` from `top`, if they hold exactly its digits.
fn read_band(lines: &[Vec<char>], top: usize, count: usize) -> Option<SeenClock> {
    // The rows as half-row pixels.
    let mut half: Vec<Vec<bool>> = Vec::new();
    for l in &lines[top..top + count] {
        half.push(l.iter().map(|c| matches!(c, '█' | '▀')).collect());
        half.push(l.iter().map(|c| matches!(c, '█' | '▄')).collect());
    }
    let lit = |y: usize, x: usize| half.get(y).and_then(|r| r.get(x)).copied().unwrap_or(false);
    let first_y = half.iter().position(|r| r.contains(&true))?;
    let last_y = half.iter().rposition(|r| r.contains(&true))?;
    let first_x = half.iter().filter_map(|r| r.iter().position(|b| *b)).min()?;
    let last_x = half.iter().filter_map(|r| r.iter().rposition(|b| *b)).max()?;
    let tall = last_y - first_y + 1;
    if tall % GLYPH_ROWS != 0 {
        return None;
    }
    let v = tall / GLYPH_ROWS;
    let wide = last_x - first_x + 1;
    (1..=wide).find_map(|h| {
        let cols = wide.div_ceil(h);
        let px: Vec<Vec<bool>> = (0..GLYPH_ROWS)
            .map(|r| (0..cols).map(|c| lit(first_y + r * v, first_x + c * h)).collect())
            .collect();
        // Every half-row and column agrees with its pixel at this scale.
        let agrees = (first_y..=last_y).all(|y| {
            (first_x..=last_x).all(|x| lit(y, x) == px[(y - first_y) / v][(x - first_x) / h])
        });
        let text = agrees.then(|| read_glyphs(&px, 0)).flatten()?;
        let size = ClockSize { v: u16::try_from(v).ok()?, h: u16::try_from(h).ok()? };
        Some(SeenClock { text, rows: last_y / 2 - first_y / 2 + 1, top: top + first_y / 2, size })
    })
}

/// The glyphs in pixel columns `from..`, each followed by a blank column.
fn read_glyphs(px: &[Vec<bool>], from: usize) -> Option<String> {
    let cols = px[0].len();
    if from >= cols {
        return Some(String::new());
    }
    let column = |x: usize| (0..GLYPH_ROWS).map(move |r| px[r].get(x).copied().unwrap_or(false));
    "0123456789:+".chars().find_map(|c| {
        let g = glyph(c)?;
        let fits = (0..g.width)
            .all(|x| column(from + x).zip(g.rows).all(|(seen, bits)| seen == (bits >> x & 1 == 1)));
        let gap = column(from + g.width).all(|b| !b);
        if !(fits && gap) {
            return None;
        }
        let rest = read_glyphs(px, from + g.width + 1)?;
        Some(format!("{c}{rest}"))
    })
}

// ---- text ----

/// `line` word-wrapped to `width` columns, by display width, keeping each span's style and the
/// spaces between words (a table's columns stay aligned; the spaces where a line breaks go): the
/// rows exactly as they are drawn. A word longer than the width is broken between characters.
pub(crate) fn wrap(line: &Line, width: u16) -> Vec<Line<'static>> {
    type Run = Vec<(String, Style)>;
    let width = usize::from(width.max(1));
    // Alternating runs of spaces and of other characters.
    let mut runs: Vec<(bool, Run)> = Vec::new();
    for span in &line.spans {
        let style = line.style.patch(span.style);
        for g in span.content.graphemes(true) {
            let space = g == " ";
            match runs.last_mut() {
                Some((s, run)) if *s == space => run.push((g.to_string(), style)),
                _ => runs.push((space, vec![(g.to_string(), style)])),
            }
        }
    }
    let run_w = |r: &Run| r.iter().map(|(g, _)| width_of(g)).sum::<usize>();
    let mut rows: Vec<Run> = vec![Vec::new()];
    let mut used = 0;
    let mut spaces: Run = Vec::new();
    for (space, run) in runs {
        if space {
            spaces = run;
            continue;
        }
        let gap = std::mem::take(&mut spaces);
        let (gap_w, w) = (run_w(&gap), run_w(&run));
        // Indentation at the start of the line is kept; spaces where a line breaks are not.
        if used + gap_w + w <= width {
            if let Some(row) = rows.last_mut() {
                row.extend(gap);
                row.extend(run);
            }
            used += gap_w + w;
            continue;
        }
        if used > 0 {
            rows.push(Vec::new());
            used = 0;
        }
        for (g, style) in run {
            let gw = width_of(&g);
            if used + gw > width && used > 0 {
                rows.push(Vec::new());
                used = 0;
            }
            if let Some(row) = rows.last_mut() {
                row.push((g, style));
            }
            used += gw;
        }
    }
    rows.into_iter()
        .map(|row| {
            let mut spans: Vec<Span<'static>> = Vec::new();
            for (g, style) in row {
                match spans.last_mut() {
                    Some(last) if last.style == style => last.content.to_mut().push_str(&g),
                    _ => spans.push(Span::styled(g, style)),
                }
            }
            let mut l = Line::from(spans);
            l.alignment = line.alignment;
            l
        })
        .collect()
}

fn width_of(g: &str) -> usize {
    width(g)
}

/// Rows `line` takes when word-wrapped to `width` columns (at least one).
pub(crate) fn wrapped_rows(line: &Line, width: u16) -> usize {
    wrap(line, width).len().max(1)
}

/// Every line word-wrapped to `width` ([`wrap`]).
pub(crate) fn wrap_all(lines: &[Line], width: u16) -> Vec<Line<'static>> {
    lines.iter().flat_map(|l| wrap(l, width)).collect()
}

// ---- popups, the panel, too small ----

/// A centred rectangle of at most `w` x `h` inside `area`.
pub(crate) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let [r] =
        Layout::vertical([Constraint::Length(h.min(area.height))]).flex(Flex::Center).areas(area);
    let [r] =
        Layout::horizontal([Constraint::Length(w.min(area.width))]).flex(Flex::Center).areas(r);
    r
}

/// A popup with a title, tall enough for its lines once wrapped. The rows it stands on are
/// cleared from edge to edge, so no fragments of the screen show beside it.
pub(crate) fn popup(f: &mut Frame, area: Rect, title: &str, lines: &[Line], w: u16) -> Rect {
    let inner_w = w.min(area.width).saturating_sub(2);
    let rows = wrap_all(lines, inner_w);
    let h = u16::try_from(rows.len()).unwrap_or(u16::MAX).saturating_add(2);
    let rect = centered(area, w, h);
    f.render_widget(Clear, Rect { x: area.x, width: area.width, ..rect });
    let block = Block::default().borders(Borders::ALL).title(format!(" {title} "));
    f.render_widget(Paragraph::new(rows).block(block), rect);
    rect
}

/// The bottom panel (questions and forms): a rule with the title (in `title_style`), then the
/// lines, over a cleared area.
pub(crate) fn panel(f: &mut Frame, area: Rect, title: &str, lines: &[Line], title_style: Style) {
    f.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::TOP)
        .title(Span::styled(format!(" {title} "), title_style));
    f.render_widget(Paragraph::new(wrap_all(lines, area.width)).block(block), area);
}

/// Draws the "too small" notice and returns true when the area is below the minimum. Every
/// screen asks this one question, with the same minimum and the same words.
pub(crate) fn too_small(area: Rect, buf: &mut Buffer) -> bool {
    too_small_or(area, buf, None)
}

/// [`too_small`], with what a screen shows instead when it can say the one thing that matters
/// in one line (the live screen: `04:00  RUNNING  Presenter`): that line, centred, if it fits;
/// else the notice.
pub(crate) fn too_small_or(area: Rect, buf: &mut Buffer, instead: Option<Line>) -> bool {
    if area.width >= MIN_W && area.height >= MIN_H {
        return false;
    }
    if let Some(line) = instead.filter(|l| l.width() <= usize::from(area.width) && area.height > 0)
    {
        let row = Rect { y: area.y + area.height.saturating_sub(1) / 2, height: 1, ..area };
        Paragraph::new(line).alignment(Alignment::Center).render(row, buf);
        return true;
    }
    let text = vec![
        Line::from("Terminal too small"),
        Line::from(format!("needs {MIN_W}x{MIN_H}, now {}x{}", area.width, area.height)),
        Line::from("Enlarge the window"),
        Line::from("or reduce the font size."),
    ];
    let rows = wrap_all(&text, area.width);
    Paragraph::new(rows).render(area, buf);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screen(text: &str, w: u16, h: u16, size: ClockSize) -> String {
        let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
        draw_clock(&mut buf, Rect::new(0, 2, w, h - 2), text, Style::new(), size);
        (0..h)
            .map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Windows' classic console with a raster font shows only what its code page (437 or 850)
    /// has: the big clock must keep to the three blocks both have (0xDB, 0xDF, 0xDC there), and
    /// ASCII on its one-line size. (docs/platforms.md)
    #[test]
    fn the_big_clock_draws_only_glyphs_every_windows_console_font_has() {
        for text in ["04:00", "+12:34", "1:00:00", "+1:00:00"] {
            for size in clock_sizes(text, 200).into_iter().filter(|s| s.rows() <= 40) {
                let shown = screen(text, 200, 44, size);
                let odd: Vec<char> = shown
                    .chars()
                    .filter(|c| !c.is_ascii() && !matches!(c, '█' | '▀' | '▄'))
                    .collect();
                assert!(odd.is_empty(), "{text} at {size:?} draws {odd:?}");
            }
        }
    }

    #[test]
    fn the_clock_reads_back_as_drawn_at_every_size() {
        for text in ["04:00", "00:00", "59:59", "+1:20", "+12:34", "1:00:00", "+1:00:00", "18:27"] {
            for size in clock_sizes(text, 200).into_iter().filter(|s| s.rows() <= 40) {
                let shown = screen(text, 200, 44, size);
                if size == ClockSize::LINE {
                    assert_eq!(read_clock(&shown), None, "{text}");
                    continue;
                }
                let seen = read_clock(&shown).unwrap_or_else(|| panic!("{text} {size:?}\n{shown}"));
                assert_eq!(seen.text, text, "{size:?}\n{shown}");
                assert_eq!(seen.rows, usize::from(size.rows()), "{size:?}");
                assert_eq!(seen.size, size);
                assert_eq!(seen.top, 2);
            }
        }
    }

    /// A band of other block characters above the digits (the stage name in large type) does
    /// not hide the clock from the reader.
    #[test]
    fn the_clock_reads_back_under_a_band_of_other_blocks() {
        let size = ClockSize { v: 4, h: 4 };
        let shown = screen("12:34", 200, 30, size);
        let mut lines: Vec<String> = shown.lines().map(str::to_string).collect();
        lines[0] = format!("{:^200}", "▗▛▜▖ █▀▙ ▟▀▟▘ ▀▀");
        let seen = read_clock(&lines.join("\n")).expect("the clock under the name");
        assert_eq!((seen.text.as_str(), seen.top, seen.size), ("12:34", 2, size));
    }

    #[test]
    fn every_glyph_starts_at_its_first_column_and_digits_are_full_height() {
        for c in "0123456789+".chars() {
            let g = glyph(c).expect("drawn");
            assert!(g.rows.iter().any(|r| r & 1 == 1), "{c} starts with a blank column");
            if c != '+' {
                assert!(g.rows[0] != 0 && g.rows[GLYPH_ROWS - 1] != 0, "{c} is not full height");
            }
        }
        assert_eq!(pixel_width("04:00"), Some(34));
        assert_eq!(pixel_width("+1:20"), Some(33));
        assert_eq!(pixel_width("4 min"), None);
    }

    #[test]
    fn sizes_keep_pixels_at_most_twice_as_tall_as_wide() {
        let sizes = clock_sizes("04:00", 120);
        assert_eq!(sizes.first(), Some(&ClockSize { v: 6, h: 3 }));
        assert_eq!(sizes.last(), Some(&ClockSize::LINE));
        assert!(sizes.contains(&ClockSize { v: 4, h: 3 }));
        assert_eq!(ClockSize { v: 4, h: 3 }.rows(), 14);
        assert_eq!(ClockSize { v: 1, h: 1 }.rows(), 4);
        assert_eq!(clock_sizes("04:00", 30), vec![ClockSize::LINE]);
    }

    #[test]
    fn wrapping_measures_display_width_and_keeps_styles() {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let line = Line::from(vec![Span::styled("Silent: ", bold), Span::raw("李小龙 and Ann")]);
        let rows = wrap(&line, 10);
        let text: Vec<String> = rows.iter().map(ToString::to_string).collect();
        assert_eq!(text, ["Silent:", "李小龙 and", "Ann"]);
        assert_eq!(rows[0].spans[0].style, bold);
        assert_eq!(wrap(&Line::from("abcdefghij"), 4).len(), 3);
        let table = wrap(&Line::from("  Ann    Coachee  Coach"), 40);
        assert_eq!(table[0].to_string(), "  Ann    Coachee  Coach", "columns stay aligned");
        assert_eq!(wrapped_rows(&Line::from(""), 10), 1);
    }
}
