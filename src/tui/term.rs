//! The terminal every full-screen view draws on: ratatui's [`Terminal`] over a [`FrameBackend`],
//! which sends each frame in one write, inside a synchronized-update bracket (`CSI ? 2026 h` …
//! `CSI ? 2026 l`), and writes as few bytes as the changed cells allow.
//!
//! # One write per frame
//!
//! A slow console, a remote link or a terminal that draws while it reads never shows half a
//! digit: the terminal either holds the frame back until the bracket closes (recent Windows
//! Terminal, kitty, `WezTerm`, foot, tmux and others) or ignores the bracket as an unknown private
//! mode, as compliant terminals do (xterm, the Linux console, the Windows console host), and draws
//! the frame, which came in one piece. (Rust's standard library hands a Windows console at most a
//! few kilobytes per `WriteConsoleW` call: there a large frame is one write from convene and
//! several to the console, which the console parses as one stream.) ratatui flushes its backend in
//! the middle of a frame (to show or hide the cursor): while a frame is being drawn ([`draw`]) the
//! [`FrameWriter`] keeps what it is given and sends it all when the frame ends. Outside a frame
//! (the bell, clearing the screen) a flush sends at once, without the bracket.
//!
//! # The fewest bytes
//!
//! ratatui hands the backend the cells that changed since the last frame. The backend remembers
//! what the terminal has: its pen (colours and attributes), where its cursor is, whether the
//! cursor is shown, and what each cell shows. So it sends a colour or an attribute only when the
//! pen must change, with the shortest SGR sequence that changes it (only what differs, or a reset
//! and what is set, whichever is shorter), also from one frame to the next; it reaches the next
//! changed cell by the cheapest way: writing the few unchanged cells between (with their own
//! colours) when that is shorter than a move, else the shortest of a relative move, a carriage
//! return, a backspace, a row or column address and a full address. After a character whose
//! width terminals may disagree on (wide, or made of several code points) the column is
//! addressed again rather than assumed. Anything else written to the terminal (clearing it,
//! leaving and entering the screen) makes the backend forget what it knew.
//!
//! The terminal's size is asked once and again only after a resize ([`resized`]: a resize event,
//! SIGWINCH, or a return from a stop), never for each frame.
//!
//! Where the console takes no escape sequences (a Windows console without virtual-terminal
//! processing, as crossterm reports it), everything goes through crossterm's own commands (its
//! console API calls), and there is no bracket, since it would show as text.

use std::cell::Cell as Shared;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Rect, Size};
use ratatui::style::{Color, Modifier};
use ratatui::{Frame, Terminal};
use unicode_width::UnicodeWidthStr;

/// The terminal the screens draw on.
pub(crate) type Term = Terminal<FrameBackend<Out>>;

/// Where frames are written: on Unix the standard output's file itself (a duplicate of its
/// descriptor), so that a frame is one `write(2)` even when it holds a line feed, which Rust's
/// line-buffered `Stdout` would cut there; elsewhere `Stdout` (a Windows console is written
/// through `WriteConsoleW`, and convene's frames hold no line feed there).
#[cfg(unix)]
pub(crate) type Out = std::fs::File;
/// Where frames are written (see the Unix definition).
#[cfg(not(unix))]
pub(crate) type Out = io::Stdout;

#[cfg(unix)]
fn out() -> io::Result<Out> {
    use std::os::fd::AsFd;
    Ok(std::fs::File::from(io::stdout().as_fd().try_clone_to_owned()?))
}

#[cfg(not(unix))]
#[allow(clippy::unnecessary_wraps, reason = "the same signature as on Unix, which can fail")]
fn out() -> io::Result<Out> {
    Ok(io::stdout())
}

/// What a frame is collected in before it is sent: a whole frame of a 200x60 terminal in 24-bit
/// colour takes some tens of kilobytes; the buffer grows past this if it must.
const CAPACITY: usize = 16 * 1024;

/// `CSI ? 2026 h`: the terminal holds its display until the matching end.
pub const BEGIN_SYNC: &[u8] = b"\x1b[?2026h";
/// `CSI ? 2026 l`: the frame is complete.
pub const END_SYNC: &[u8] = b"\x1b[?2026l";

/// The terminal's size changed (or may have): ask it again before the next frame.
static SIZE_STALE: AtomicBool = AtomicBool::new(true);

/// Says that the terminal may have been resized: its size is asked again before the next frame.
/// Called on a resize event, on SIGWINCH and when the screen comes back from a stop.
pub(crate) fn resized() {
    SIZE_STALE.store(true, Ordering::Relaxed);
}

/// Raw mode, the alternate screen and ratatui's panic hook (which restores the terminal), as
/// `ratatui::try_init` sets them, with the screens drawing through a [`FrameBackend`].
pub(crate) fn try_init() -> io::Result<Term> {
    // ratatui's own terminal is dropped at once: only what it set up is kept.
    drop(ratatui::try_init()?);
    let ansi = escapes_supported();
    Terminal::new(FrameBackend::new(out()?, ansi, None))
}

/// Whether the terminal takes escape sequences, so that convene may write them itself and the
/// bracket is harmless: always on Unix; on Windows when the console has virtual-terminal
/// processing (crossterm then reports more than the 16 console colours), as Windows 10 and 11's
/// consoles and Windows Terminal do.
fn escapes_supported() -> bool {
    !cfg!(windows) || crossterm::style::available_color_count() >= 256
}

/// Draws one frame and sends it in one write (see the module doc).
pub fn draw<W: Write>(
    terminal: &mut Terminal<FrameBackend<W>>,
    render: impl FnOnce(&mut Frame),
) -> io::Result<()> {
    terminal.backend_mut().writer_mut().begin_frame();
    let drawn = terminal.draw(render).map(|_| ());
    // Sent even if drawing failed half way: the terminal must not be left inside the bracket.
    let sent = terminal.backend_mut().writer_mut().end_frame();
    drawn.and(sent)
}

/// The part of a frame that changes by itself from one second to the next (the live screen's
/// countdown), as a whole frame placed it, for later seconds to redraw alone ([`draw_ticking`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticking {
    /// The cells it can change, on the screen (the countdown: its digits' box).
    pub area: Rect,
    /// Everything else the screen shows that time alone can change, in one number (the state
    /// word, the lines under the clock, the projected end, the clock's possible sizes…): while
    /// it is the same and nothing else happened, only `area` changes.
    pub key: u64,
    /// How the whole frame drew it (the live screen: the digits' height and width).
    pub scale: (u16, u16),
    /// The area it is laid out in (the countdown is centred in it), which holds `area`.
    pub layout: Rect,
    /// What it shows, as text (the countdown's): a later second redraws only the part of
    /// `area` where the text changed.
    pub shows: String,
}

/// What the last whole frame left behind for drawing its [`Ticking`] part alone: where it is,
/// and the cells there, as ratatui's buffer of that frame holds them and as the terminal shows
/// them now. Only the ticking area is kept, not a third copy of the screen, and each of its
/// cells as a number into the few different cells the area holds ([`Cells`]): the countdown's
/// box is made of a handful of block characters in one style, so the area's two copies take two
/// bytes a cell, not the fifty of a ratatui cell (some 480 kB at 200x50).
#[derive(Debug, Default)]
pub struct Kept {
    ticking: Option<Ticking>,
    /// The different cells `base` and `shown` hold.
    cells: Cells,
    /// The whole frame's cells in the area, row by row (ratatui compares the next whole frame
    /// with these).
    base: Vec<u16>,
    /// What the terminal shows in the area now, row by row.
    shown: Vec<u16>,
    /// The next second's cells where they may change, drawn here (a band of rows at a time):
    /// the same memory each second.
    next: Buffer,
    /// The backend's count of clears and the screen's size at that frame.
    clears: u64,
    size: Size,
}

/// The different cells a kept area holds, each once; the area refers to them by number.
#[derive(Debug, Default)]
struct Cells {
    all: Vec<Cell>,
    /// The two numbers last given, tried first: neighbouring cells are mostly one of two (a
    /// block and a blank).
    last: [u16; 2],
}

impl Cells {
    /// More different cells than this in the area and it is not kept (drawn whole instead):
    /// the countdown's box has a few dozen.
    const MOST: usize = 4096;

    fn clear(&mut self) {
        self.all.clear();
        self.last = [0; 2];
    }

    fn get(&self, i: u16) -> &Cell {
        &self.all[usize::from(i)]
    }

    /// The number of `cell`, added if new; `None` past [`Cells::MOST`].
    fn number(&mut self, cell: &Cell) -> Option<u16> {
        for n in self.last {
            if self.all.get(usize::from(n)) == Some(cell) {
                return Some(n);
            }
        }
        let i = match self.all.iter().position(|c| c == cell) {
            Some(i) => i,
            None if self.all.len() < Self::MOST => {
                self.all.push(cell.clone());
                self.all.len() - 1
            }
            None => return None,
        };
        let n = u16::try_from(i).ok()?;
        self.last = [n, self.last[0]];
        Some(n)
    }
}

/// The most cells of the ticking part drawn at once: a larger box (several digits changing at
/// once, once a minute) is drawn in bands of rows, in the same memory.
const NEXT_KEPT: usize = 1024;

/// The place of `p` in `area`'s cells, row by row (`p` is in `area`).
fn index_in(area: Rect, p: Position) -> usize {
    usize::from(p.y - area.y) * usize::from(area.width) + usize::from(p.x - area.x)
}

impl Kept {
    /// The ticking part of the last whole frame, while the terminal still shows that frame.
    pub fn ticking(&self) -> Option<&Ticking> {
        self.ticking.as_ref()
    }
}

/// Draws the whole frame, as [`draw`] does, and keeps what a later second needs to redraw only
/// the [`Ticking`] part that `render` reports. A kept area the seconds since redrew alone is
/// made whole again: ratatui compares the frame with the last whole one, so the cells there that
/// ratatui would leave (they did not change since that frame) but that the terminal no longer
/// shows as that frame had them are sent too, in the same write.
pub fn draw_whole<W: Write>(
    terminal: &mut Terminal<FrameBackend<W>>,
    kept: &mut Kept,
    render: impl FnOnce(&mut Frame) -> Option<Ticking>,
) -> io::Result<()> {
    terminal.backend_mut().writer_mut().begin_frame();
    let drawn = whole(terminal, kept, render);
    // Sent even if drawing failed half way: the terminal must not be left inside the bracket.
    let sent = terminal.backend_mut().writer_mut().end_frame();
    if drawn.is_err() || sent.is_err() {
        kept.ticking = None;
    }
    drawn.and(sent)
}

fn whole<W: Write>(
    terminal: &mut Terminal<FrameBackend<W>>,
    kept: &mut Kept,
    render: impl FnOnce(&mut Frame) -> Option<Ticking>,
) -> io::Result<()> {
    let before = kept.ticking.take().filter(|_| terminal.backend().clears == kept.clears);
    let mut ticking = None;
    let ansi = terminal.backend().ansi;
    let frame = terminal.draw(|f| ticking = render(f))?;
    let buf = frame.buffer;
    // Cells the terminal shows otherwise than the last whole frame, which ratatui does not send.
    let mut again: Vec<(u16, u16, Cell)> = Vec::new();
    if let Some(t) = before.filter(|_| buf.area.as_size() == kept.size) {
        for ((base, shown), p) in kept.base.iter().zip(&kept.shown).zip(t.area.positions()) {
            let base = kept.cells.get(*base);
            if base != kept.cells.get(*shown) && buf.cell(p).is_some_and(|c| c == base) {
                again.push((p.x, p.y, base.clone()));
            }
        }
    }
    // Where crossterm draws (no escape sequences written here) every frame is drawn whole.
    if let Some(t) = ticking.filter(|t| ansi && t.area.intersection(buf.area) == t.area) {
        let Kept { cells, base, shown, .. } = kept;
        cells.clear();
        base.clear();
        let numbered = t.area.positions().try_for_each(|p| {
            base.push(cells.number(&buf[p])?);
            Some(())
        });
        if numbered.is_some() {
            shown.clone_from(base);
            kept.size = buf.area.as_size();
            kept.ticking = Some(t);
        }
    }
    let backend = terminal.backend_mut();
    kept.clears = backend.clears;
    if !again.is_empty() {
        let cursor = (backend.screen.hidden == Some(false))
            .then_some((backend.screen.col, backend.screen.row));
        backend.draw(again.iter().map(|(x, y, c)| (*x, *y, c)))?;
        if let Some((Some(x), Some(y))) = cursor {
            backend.set_cursor_position(Position { x, y })?;
        }
    }
    Ok(())
}

/// Draws only the [`Ticking`] part of the last whole frame again and sends what changed there
/// in one write: the bytes a whole frame would send, when nothing else changed. `changed` says
/// where in the part the cells may change since the last frame (the digits that changed) and
/// what the part shows now ([`Ticking::shows`]); `render` draws there, given a buffer of a band
/// of that area's rows (within [`Ticking::area`]), once for each band. Returns `false`, drawing nothing, where it cannot: no
/// whole frame kept, one with another `key`, or a terminal cleared or resized since.
pub fn draw_ticking<W: Write>(
    terminal: &mut Terminal<FrameBackend<W>>,
    kept: &mut Kept,
    key: u64,
    changed: impl FnOnce(&Ticking) -> (Rect, String),
    mut render: impl FnMut(&mut Buffer, &Ticking),
) -> io::Result<bool> {
    let Kept { ticking, cells, shown, next, clears, size, .. } = kept;
    let Some(t) = ticking.as_mut().filter(|t| t.key == key) else { return Ok(false) };
    if terminal.backend().clears != *clears || terminal.size()? != *size {
        *ticking = None;
        return Ok(false);
    }
    let (area, shows) = changed(t);
    t.shows = shows;
    let area = area.intersection(t.area);
    if area.is_empty() {
        // Nothing there changes: nothing to send.
        return Ok(true);
    }
    let whole = t.area;
    let backend = terminal.backend_mut();
    backend.writer_mut().begin_frame();
    let cursor =
        (backend.screen.hidden == Some(false)).then_some((backend.screen.col, backend.screen.row));
    // Drawn in bands of rows of at most NEXT_KEPT cells, top to bottom, in the same memory: a
    // box of several digits (once a minute) costs no more memory than the last digit's.
    let band = u16::try_from(NEXT_KEPT / usize::from(area.width)).unwrap_or(u16::MAX).max(1);
    let mut drawn = Ok(());
    let mut overflow = false;
    for y in (area.y..area.bottom()).step_by(usize::from(band)) {
        let rows = Rect { y, height: band.min(area.bottom() - y), ..area };
        next.resize(rows);
        next.reset();
        render(next, t);
        // The cells that differ from what the terminal shows, in screen order: what ratatui's
        // comparison sends for cells one column wide with no diff option, which the part's are
        // (the countdown's blocks, digits and blanks).
        // What the terminal shows is updated as they are found.
        let to_send = rows.positions().zip(&next.content).filter_map(|(p, cell)| {
            let at = &mut shown[index_in(whole, p)];
            if cells.get(*at) == cell {
                return None;
            }
            match cells.number(cell) {
                Some(n) => *at = n,
                None => overflow = true,
            }
            Some((p.x, p.y, cell))
        });
        drawn = drawn.and_then(|()| backend.draw(to_send));
    }
    if let Some((Some(x), Some(y))) = cursor {
        drawn = drawn.and_then(|()| backend.set_cursor_position(Position { x, y }));
    }
    let sent = backend.writer_mut().end_frame();
    if overflow {
        // Too many different cells to keep: the next second is drawn whole.
        *ticking = None;
    }
    if drawn.is_err() || sent.is_err() {
        *ticking = None;
    }
    drawn.and(sent).map(|()| true)
}

/// Collects what is written and sends it on: a frame in one write (see the module doc).
pub(crate) struct FrameWriter<W: Write> {
    inner: W,
    buf: Vec<u8>,
    /// A frame is being drawn: flushes keep what was written.
    in_frame: bool,
    /// Whether frames are sent inside the synchronized-update bracket.
    sync: bool,
}

impl<W: Write> FrameWriter<W> {
    /// A writer sending to `inner`; `sync`: whether to bracket frames.
    pub(crate) fn new(inner: W, sync: bool) -> Self {
        Self { inner, buf: Vec::with_capacity(CAPACITY), in_frame: false, sync }
    }

    /// The writer frames are sent to.
    pub(crate) fn get_ref(&self) -> &W {
        &self.inner
    }

    /// From now on, flushes keep what was written.
    pub(crate) fn begin_frame(&mut self) {
        self.in_frame = true;
        if self.sync {
            self.buf.extend_from_slice(BEGIN_SYNC);
        }
    }

    /// Sends the frame (in the bracket, where supported) in one write, and flushes.
    pub(crate) fn end_frame(&mut self) -> io::Result<()> {
        self.in_frame = false;
        if self.sync {
            if self.buf.ends_with(BEGIN_SYNC) {
                // Nothing changed: nothing is sent.
                self.buf.truncate(self.buf.len() - BEGIN_SYNC.len());
            } else {
                self.buf.extend_from_slice(END_SYNC);
            }
        }
        self.send()
    }

    /// Sends what was written so far in one write, then flushes the terminal.
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let sent = self.inner.write_all(&self.buf);
        // Cleared even on failure: a terminal that has gone must not see the frame grow.
        self.buf.clear();
        // A frame far larger than usual (a first frame at a large size) gives its memory back.
        self.buf.shrink_to(CAPACITY);
        sent?;
        self.inner.flush()
    }
}

impl<W: Write> Write for FrameWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.in_frame { Ok(()) } else { self.send() }
    }
}

/// The colours and attributes the terminal writes with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    underline: Color,
    modifier: Modifier,
}

impl Pen {
    /// The terminal's pen after a reset.
    const RESET: Pen = Pen {
        fg: Color::Reset,
        bg: Color::Reset,
        underline: Color::Reset,
        modifier: Modifier::empty(),
    };

    fn of(cell: &Cell) -> Self {
        Pen { fg: cell.fg, bg: cell.bg, underline: cell.underline_color, modifier: cell.modifier }
    }
}

/// Attributes a blank cell shows (the others, and the foreground colour, show only on a mark).
const SHOWN_ON_BLANK: Modifier = Modifier::REVERSED
    .union(Modifier::UNDERLINED)
    .union(Modifier::CROSSED_OUT)
    .union(Modifier::SLOW_BLINK)
    .union(Modifier::RAPID_BLINK);

/// Whether the terminal's pen `have` writes `sym` as a pen `want` would: the same pen, or, for a
/// blank, the same background and no attribute a blank shows.
fn fits(have: Option<Pen>, sym: &str, want: Pen) -> bool {
    have == Some(want)
        || (sym == " "
            && have.is_some_and(|h| {
                h.bg == want.bg
                    && !h.modifier.intersects(SHOWN_ON_BLANK)
                    && !want.modifier.intersects(SHOWN_ON_BLANK)
            }))
}

/// What changing the pen costs before writing `sym` with `want`.
fn pen_cost(have: Option<Pen>, sym: &str, want: Pen) -> usize {
    if fits(have, sym, want) { 0 } else { sgr_len(have, want) }
}

/// What a cell of the terminal shows, as far as the backend knows: a character of width one,
/// which can be written again to step over the cell, or `None` (anything else, or not known),
/// and its pen, by number among the screen's pens ([`Screen::pens`]): eight bytes a cell.
#[derive(Debug, Clone, Copy)]
struct Shown {
    ch: Option<char>,
    pen: u16,
}

impl Shown {
    const UNKNOWN: Shown = Shown { ch: None, pen: 0 };
    const BLANK: Shown = Shown { ch: Some(' '), pen: 0 };
}

/// More different pens than this on the screen and the cells written with others are not known
/// (never written again to step over them): a screen has a few dozen.
const MOST_PENS: usize = 4096;

/// Whether `c` alone takes one column, known without a look-up for the characters most drawn:
/// printable ASCII and the block elements (the big countdown's). Others are measured.
fn one_column(c: char) -> bool {
    c == ' ' || c.is_ascii_graphic() || ('\u{2580}'..='\u{259F}').contains(&c)
}

/// At most this many unchanged cells are written again to reach the next changed one: past it a
/// move is always shorter.
const MOST_STEPPED: u16 = 8;

/// What the terminal has, as far as the backend knows: its pen, its cursor and its cells.
#[derive(Debug)]
struct Screen {
    width: u16,
    height: u16,
    cells: Vec<Shown>,
    /// The different pens the cells were written with, each once; the first is [`Pen::RESET`].
    pens: Vec<Pen>,
    /// The numbers of the two pens last written with, tried first.
    last_pens: [u16; 2],
    pen: Option<Pen>,
    /// The cursor's row and column, where known. The column is forgotten after a character
    /// whose width terminals may disagree on and after the last column (the cursor then waits to
    /// wrap, and terminals differ on where relative moves start from).
    row: Option<u16>,
    col: Option<u16>,
    /// Whether the cursor is hidden, where known.
    hidden: Option<bool>,
    /// A line feed may move the cursor down ([`LINE_FEEDS`]).
    line_feeds: bool,
    /// Unchanged cells written again to reach a changed one, weighed against a move.
    stepped: Vec<u8>,
}

impl Screen {
    fn new(size: Size) -> Self {
        let mut s = Screen {
            width: 0,
            height: 0,
            cells: Vec::new(),
            pens: Vec::new(),
            last_pens: [0; 2],
            pen: None,
            row: None,
            col: None,
            hidden: None,
            line_feeds: LINE_FEEDS,
            stepped: Vec::new(),
        };
        s.reset(size, Shown::UNKNOWN);
        s
    }

    /// Forgets everything: the terminal is `size` and every cell is `fill`.
    fn reset(&mut self, size: Size, fill: Shown) {
        self.width = size.width;
        self.height = size.height;
        self.cells.clear();
        self.cells.resize(usize::from(size.width) * usize::from(size.height), fill);
        self.cells.shrink_to_fit();
        self.pens.clear();
        self.pens.push(Pen::RESET);
        self.last_pens = [0; 2];
        self.pen = None;
        self.row = None;
        self.col = None;
    }

    /// The number of `pen` among [`Screen::pens`], added if new; `None` past [`MOST_PENS`].
    fn pen_number(&mut self, pen: Pen) -> Option<u16> {
        for n in self.last_pens {
            if self.pens.get(usize::from(n)) == Some(&pen) {
                return Some(n);
            }
        }
        let i = match self.pens.iter().position(|p| *p == pen) {
            Some(i) => i,
            None if self.pens.len() < MOST_PENS => {
                self.pens.push(pen);
                self.pens.len() - 1
            }
            None => return None,
        };
        let n = u16::try_from(i).ok()?;
        self.last_pens = [n, self.last_pens[0]];
        Some(n)
    }

    fn index(&self, x: u16, y: u16) -> Option<usize> {
        (x < self.width && y < self.height)
            .then(|| usize::from(y) * usize::from(self.width) + usize::from(x))
    }

    /// Writes `sym` at `(x, y)` with `pen`, the cheapest way from where the cursor is.
    fn put(&mut self, out: &mut Vec<u8>, x: u16, y: u16, sym: &str, pen: Pen) {
        self.go(out, x, y, sym, pen);
        if !fits(self.pen, sym, pen) {
            sgr(out, self.pen, pen);
            self.pen = Some(pen);
        }
        // What the terminal writes the cell with (for a blank, maybe a pen that looks the same).
        let pen = self.pen.unwrap_or(pen);
        out.extend_from_slice(sym.as_bytes());
        let mut chars = sym.chars();
        let narrow = match (chars.next(), chars.next()) {
            (Some(c), None) if one_column(c) || sym.width() == 1 => Some(c),
            _ => None,
        };
        if let Some(i) = self.index(x, y) {
            self.cells[i] = match self.pen_number(pen) {
                Some(pen) => Shown { ch: narrow, pen },
                None => Shown::UNKNOWN,
            };
            if narrow.is_none()
                && let Some(next) = self.index(x + 1, y)
            {
                self.cells[next] = Shown::UNKNOWN;
            }
        }
        self.row = Some(y);
        self.col = narrow.map(|_| x + 1).filter(|c| *c < self.width);
    }

    /// Takes the cursor to `(x, y)`, to write `sym` there with `pen` next: by a move, or by
    /// writing again the unchanged cells on the way, whichever is shorter.
    fn go(&mut self, out: &mut Vec<u8>, x: u16, y: u16, sym: &str, pen: Pen) {
        if self.row == Some(y) && self.col == Some(x) {
            return;
        }
        let by_move = shortest_move(self.row, self.col, x, y, self.line_feeds);
        if let Some(from) =
            self.col.filter(|c| self.row == Some(y) && *c < x && x - c <= MOST_STEPPED)
        {
            // The same memory each time (a frame steps over cells many times).
            let mut stepped = std::mem::take(&mut self.stepped);
            stepped.clear();
            let mut p = self.pen;
            for cx in from..x {
                let Some(s) = self.index(cx, y).map(|i| self.cells[i]) else { break };
                let Some(ch) = s.ch else { break };
                let was = self.pens[usize::from(s.pen)];
                let mut b = [0; 4];
                let ch = ch.encode_utf8(&mut b);
                if !fits(p, ch, was) {
                    sgr(&mut stepped, p, was);
                    p = Some(was);
                }
                stepped.extend_from_slice(ch.as_bytes());
                if cx + 1 == x {
                    // Through the whole gap: compare with the move, counting the pen each leaves.
                    if stepped.len() + pen_cost(p, sym, pen)
                        < by_move.len() + pen_cost(self.pen, sym, pen)
                    {
                        out.extend_from_slice(&stepped);
                        self.stepped = stepped;
                        self.pen = p;
                        self.col = Some(x);
                        return;
                    }
                }
            }
            self.stepped = stepped;
        }
        out.extend_from_slice(by_move.as_slice());
        self.row = Some(y);
        self.col = Some(x);
    }
}

/// Appends `n` in decimal.
fn push_num(out: &mut impl Bytes, n: u32) {
    let mut b = [0u8; 10];
    let mut i = b.len();
    let mut n = n;
    loop {
        i -= 1;
        b[i] = b'0' + u8::try_from(n % 10).unwrap_or(0);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.put(&b[i..]);
}

/// `CSI n c`, with `n` left out where it is 1 (the default).
fn csi_n(out: &mut impl Bytes, n: u32, c: u8) {
    out.put(b"\x1b[");
    if n != 1 {
        push_num(out, n);
    }
    out.put(&[c]);
}

/// Where escape sequences are written: the frame's bytes, or a [`Seq`] being compared.
trait Bytes {
    fn put(&mut self, bytes: &[u8]);
}

impl Bytes for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// A cursor move being weighed, on the stack (the longest, a full address and a column and row
/// move between the largest coordinates, is under 24 bytes): a frame weighs a move for each
/// changed cell it reaches, without allocating.
#[derive(Clone, Copy)]
struct Seq {
    bytes: [u8; 24],
    len: usize,
}

impl Seq {
    const fn new() -> Self {
        Seq { bytes: [0; 24], len: 0 }
    }

    fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    fn len(&self) -> usize {
        self.len
    }
}

impl Bytes for Seq {
    fn put(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        debug_assert!(end <= self.bytes.len(), "a cursor move of {end} bytes");
        if let Some(to) = self.bytes.get_mut(self.len..end) {
            to.copy_from_slice(bytes);
            self.len = end;
        }
    }
}

/// Whether a line feed moves the cursor down a row and nothing else: in raw mode on Unix (no
/// output processing). A Windows console may return to the first column too, so there a move
/// down is `CSI B`. A line feed is never sent from the last row (where it would scroll): a move
/// down always ends on a row of the screen.
const LINE_FEEDS: bool = cfg!(unix);

/// The shortest bytes that take the cursor from `(col, row)` (each `None` where not known) to
/// `(x, y)`; `lf`: a line feed may move down.
fn move_to(out: &mut Vec<u8>, row: Option<u16>, col: Option<u16>, x: u16, y: u16, lf: bool) {
    out.extend_from_slice(shortest_move(row, col, x, y, lf).as_slice());
}

/// The shortest move, as [`move_to`] writes it.
fn shortest_move(row: Option<u16>, col: Option<u16>, x: u16, y: u16, lf: bool) -> Seq {
    // The full address works from anywhere.
    let mut best = Seq::new();
    best.put(b"\x1b[");
    if (x, y) != (0, 0) {
        push_num(&mut best, u32::from(y) + 1);
        if x != 0 {
            best.put(b";");
            push_num(&mut best, u32::from(x) + 1);
        }
    }
    best.put(b"H");
    if let Some(row) = row {
        // Across: to the column, from the start of the row, or from the column (where known):
        // the first of the shortest.
        let mut across = Seq::new();
        csi_n(&mut across, u32::from(x) + 1, b'G');
        let mut cr = Seq::new();
        cr.put(b"\r");
        if x > 0 {
            csi_n(&mut cr, u32::from(x), b'C');
        }
        if cr.len() < across.len() {
            across = cr;
        }
        if let Some(col) = col {
            let mut rel = Seq::new();
            match x.cmp(&col) {
                std::cmp::Ordering::Greater => csi_n(&mut rel, u32::from(x - col), b'C'),
                std::cmp::Ordering::Less if col - x <= 3 => {
                    rel.put(&b"\x08\x08\x08"[..usize::from(col - x)]);
                }
                std::cmp::Ordering::Less => csi_n(&mut rel, u32::from(col - x), b'D'),
                std::cmp::Ordering::Equal => {}
            }
            if rel.len() < across.len() {
                across = rel;
            }
        }
        // Down or up: relative (a line feed, on Unix: raw mode sends it as it is, where a
        // Windows console may return to the first column too), or to the row.
        let mut down = Seq::new();
        match y.cmp(&row) {
            // Up to three line feeds are shorter than `CSI n B`.
            std::cmp::Ordering::Greater if lf && y - row <= 3 => {
                down.put(&b"\n\n\n"[..usize::from(y - row)]);
            }
            std::cmp::Ordering::Greater => csi_n(&mut down, u32::from(y - row), b'B'),
            std::cmp::Ordering::Less => csi_n(&mut down, u32::from(row - y), b'A'),
            std::cmp::Ordering::Equal => {}
        }
        let mut vpa = Seq::new();
        csi_n(&mut vpa, u32::from(y) + 1, b'd');
        let down = if vpa.len() < down.len() { vpa } else { down };
        if across.len() + down.len() < best.len() {
            // Across first: a carriage return or a column address also ends a pending wrap.
            best = across;
            best.put(down.as_slice());
        }
    }
    best
}

/// The SGR parameter of a colour after `38;`, `48;` or `58;`, as crossterm writes it.
fn push_color(out: &mut Vec<u8>, c: Color) {
    let indexed = match c {
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        Color::DarkGray => 8,
        Color::LightRed => 9,
        Color::LightGreen => 10,
        Color::LightYellow => 11,
        Color::LightBlue => 12,
        Color::LightMagenta => 13,
        Color::LightCyan => 14,
        Color::White => 15,
        Color::Indexed(i) => i,
        Color::Rgb(r, g, b) => {
            out.extend_from_slice(b"2;");
            for (i, v) in [r, g, b].into_iter().enumerate() {
                if i > 0 {
                    out.push(b';');
                }
                push_num(out, u32::from(v));
            }
            return;
        }
        Color::Reset => return,
    };
    out.extend_from_slice(b"5;");
    push_num(out, u32::from(indexed));
}

/// The attributes' SGR codes: (modifier, code to set, code to unset).
const ATTRIBUTES: [(Modifier, u32, u32); 9] = [
    (Modifier::BOLD, 1, 22),
    (Modifier::DIM, 2, 22),
    (Modifier::ITALIC, 3, 23),
    (Modifier::UNDERLINED, 4, 24),
    (Modifier::SLOW_BLINK, 5, 25),
    (Modifier::RAPID_BLINK, 6, 25),
    (Modifier::REVERSED, 7, 27),
    (Modifier::HIDDEN, 8, 28),
    (Modifier::CROSSED_OUT, 9, 29),
];

/// The SGR parameters that change `from` into `to`: only what differs.
fn sgr_diff(p: &mut Vec<u8>, from: Pen, to: Pen) {
    let param = |p: &mut Vec<u8>, f: &dyn Fn(&mut Vec<u8>)| {
        if !p.is_empty() {
            p.push(b';');
        }
        f(p);
    };
    let removed = from.modifier - to.modifier;
    let mut unset_done: Vec<u32> = Vec::new();
    let mut readd = Modifier::empty();
    for (m, _, off) in ATTRIBUTES {
        if removed.contains(m) && !unset_done.contains(&off) {
            unset_done.push(off);
            param(p, &|p| push_num(p, off));
            // One code unsets a pair (bold and dim, the two blinks): the other is set again.
            for (other, _, o) in ATTRIBUTES {
                if o == off && other != m && to.modifier.contains(other) {
                    readd |= other;
                }
            }
        }
    }
    let added = (to.modifier - from.modifier) | readd;
    for (m, on, _) in ATTRIBUTES {
        if added.contains(m) {
            param(p, &|p| push_num(p, on));
        }
    }
    for (from, to, base) in
        [(from.fg, to.fg, 38), (from.bg, to.bg, 48), (from.underline, to.underline, 58)]
    {
        if from != to {
            param(p, &|p| color_param(p, to, base));
        }
    }
}

/// `38;…`, `48;…` or `58;…` for a colour, or the code that resets it (39, 49, 59).
fn color_param(p: &mut Vec<u8>, c: Color, base: u32) {
    if c == Color::Reset {
        push_num(p, base + 1);
    } else {
        push_num(p, base);
        p.push(b';');
        push_color(p, c);
    }
}

/// The shortest SGR sequence that changes the pen `from` (`None`: not known) into `to`.
fn sgr(out: &mut Vec<u8>, from: Option<Pen>, to: Pen) {
    if from == Some(to) {
        return;
    }
    // A reset, then what `to` sets.
    let mut full = b"0".to_vec();
    sgr_diff(&mut full, Pen::RESET, to);
    let params = match from {
        Some(from) => {
            let mut diff = Vec::new();
            sgr_diff(&mut diff, from, to);
            if diff.len() < full.len() { diff } else { full }
        }
        None => full,
    };
    out.extend_from_slice(b"\x1b[");
    out.extend_from_slice(&params);
    out.push(b'm');
}

/// How many bytes [`sgr`] writes.
fn sgr_len(from: Option<Pen>, to: Pen) -> usize {
    let mut v = Vec::new();
    sgr(&mut v, from, to);
    v.len()
}

/// The least a terminal showing `prev` must be sent to show `next` (same size), by any program:
/// the text of every cell that changed; the shortest change of colours and attributes wherever
/// two changed cells in a row (in screen order) differ in what shows (a blank shows only its
/// background and a few attributes); and the least it takes to get from one changed cell to the
/// next ([`least_move`]). What the benchmark (`benches/live_bytes.rs`) and
/// `tests/it/frame_bytes.rs` compare the bytes convene sends with.
pub fn floor(prev: &Buffer, next: &Buffer) -> Floor {
    let mut f = Floor::default();
    let mut pen = None;
    let mut at: Option<(u16, u16)> = None;
    for (x, y, cell) in prev.diff(next) {
        let p = Pen::of(cell);
        if pen.is_some() && !fits(pen, cell.symbol(), p) {
            f.style += sgr_len(pen, p);
            pen = Some(p);
        }
        pen = pen.or(Some(p));
        if let Some(from) = at {
            f.moves += least_move(from, (x, y));
        }
        f.text += cell.symbol().len();
        let w = u16::try_from(cell.symbol().width().max(1)).unwrap_or(1);
        at = Some((x.saturating_add(w), y));
    }
    f
}

/// The least a terminal needs: see [`floor`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Floor {
    /// The changed cells' text.
    pub text: usize,
    /// The changes of colours and attributes.
    pub style: usize,
    /// Getting from one changed cell to the next.
    pub moves: usize,
}

impl Floor {
    /// All of it.
    pub fn total(&self) -> usize {
        self.text + self.style + self.moves
    }
}

/// The fewest bytes that can take a cursor from `(cx, cy)` to `(x, y)`, in any terminal: along
/// the row, a byte a cell (writing the cells again, or backspaces), or 3 (the shortest escape
/// sequence, `CSI C`); to the next row, a line feed and as much again along it (or a carriage
/// return, to the first column), where a line feed only moves down ([`LINE_FEEDS`]: on Unix;
/// elsewhere `CSI B`, 3 bytes, and as much again along it); anywhere else, 3.
pub(crate) fn least_move((cx, cy): (u16, u16), (x, y): (u16, u16)) -> usize {
    let along = |from: u16, to: u16| usize::from(from.abs_diff(to)).min(3);
    if y == cy {
        along(cx, x)
    } else if y == cy + 1 && LINE_FEEDS {
        1 + if x == 0 { along(cx, x).min(1) } else { along(cx, x) }
    } else if y == cy + 1 {
        3 + along(cx, x)
    } else {
        3
    }
}

/// ratatui's backend for the screens: frames in one write, the fewest bytes, the size asked only
/// after a resize (see the module doc).
pub struct FrameBackend<W: Write> {
    inner: CrosstermBackend<FrameWriter<W>>,
    /// The terminal takes escape sequences: the backend writes them itself. Otherwise crossterm
    /// does everything (a console without virtual-terminal processing).
    ansi: bool,
    /// A size given (tests), never asked of the terminal.
    fixed: Option<Size>,
    /// The size last asked of the terminal.
    size: Shared<Option<Size>>,
    screen: Screen,
    /// How many times the terminal was cleared (or left and entered again): a frame kept for
    /// drawing its countdown alone ([`Kept`]) is good only while this stays the same.
    clears: u64,
}

impl<W: Write> FrameBackend<W> {
    /// A backend writing to `out`; `ansi`: the terminal takes escape sequences (and frames go in
    /// the synchronized-update bracket); `size`: a fixed size (tests), else the terminal's.
    pub fn new(out: W, ansi: bool, size: Option<Size>) -> Self {
        let mut b = FrameBackend {
            inner: CrosstermBackend::new(FrameWriter::new(out, ansi)),
            ansi,
            fixed: size,
            size: Shared::new(None),
            screen: Screen::new(Size::default()),
            clears: 0,
        };
        let size = b.size().unwrap_or_default();
        b.screen.reset(size, Shown::UNKNOWN);
        b
    }

    /// Moves down by `CSI B`, never by a line feed, as on Windows (so that a test gets the same
    /// bytes on every platform).
    #[must_use]
    pub fn without_line_feeds(mut self) -> Self {
        self.screen.line_feeds = false;
        self
    }

    /// A test's terminal resized to `size` (its fixed size).
    #[cfg(test)]
    pub(crate) fn resize_to(&mut self, size: Size) {
        self.fixed = Some(size);
    }

    /// The writer frames are collected in.
    pub(crate) fn writer_mut(&mut self) -> &mut FrameWriter<W> {
        self.inner.writer_mut()
    }

    /// The writer frames are sent to.
    pub fn writer(&self) -> &W {
        self.inner.writer().get_ref()
    }

    /// Sets the pen back to the terminal's default, if it may be anything else (before clearing,
    /// which fills with the pen's background, and before leaving the screen).
    fn reset_pen(&mut self) {
        if self.screen.pen != Some(Pen::RESET) {
            self.inner.writer_mut().buf.extend_from_slice(b"\x1b[0m");
            self.screen.pen = Some(Pen::RESET);
        }
    }
}

impl<W: Write> Drop for FrameBackend<W> {
    /// The shell after convene must not inherit its colours.
    fn drop(&mut self) {
        if self.ansi && self.screen.pen.is_some_and(|p| p != Pen::RESET) {
            let w = self.inner.writer_mut();
            w.in_frame = false;
            w.buf.extend_from_slice(b"\x1b[0m");
            let _ = w.send();
        }
    }
}

impl<W: Write> Backend for FrameBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        if !self.ansi {
            return self.inner.draw(content);
        }
        let mut out = std::mem::take(&mut self.inner.writer_mut().buf);
        for (x, y, cell) in content {
            self.screen.put(&mut out, x, y, cell.symbol(), Pen::of(cell));
        }
        self.inner.writer_mut().buf = out;
        Ok(())
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.clears = self.clears.wrapping_add(1);
        let size = self.size()?;
        self.screen.reset(size, Shown::UNKNOWN);
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.screen.hidden == Some(true) {
            return Ok(());
        }
        self.screen.hidden = Some(true);
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        if self.ansi {
            // Shown when leaving too: the shell gets its own colours back.
            self.reset_pen();
        }
        if self.screen.hidden == Some(false) {
            return Ok(());
        }
        self.screen.hidden = Some(false);
        self.inner.show_cursor()
    }

    /// Where the backend last left the cursor, without asking the terminal (which would mean
    /// reading its answer from the keyboard's input): ratatui asks only to put it back after
    /// clearing.
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        if !self.ansi {
            return self.inner.get_cursor_position();
        }
        Ok(Position { x: self.screen.col.unwrap_or(0), y: self.screen.row.unwrap_or(0) })
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let Position { x, y } = position.into();
        if !self.ansi {
            return self.inner.set_cursor_position(Position { x, y });
        }
        let s = &mut self.screen;
        if (s.row, s.col) != (Some(y), Some(x)) {
            let mut out = std::mem::take(&mut self.inner.writer_mut().buf);
            move_to(&mut out, s.row, s.col, x, y, s.line_feeds);
            self.inner.writer_mut().buf = out;
            s.row = Some(y);
            s.col = Some(x);
        }
        Backend::flush(&mut self.inner)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.clears = self.clears.wrapping_add(1);
        let size = self.size()?;
        if !self.ansi {
            self.screen.reset(size, Shown::UNKNOWN);
            return self.inner.clear_region(clear_type);
        }
        // Erased cells take the pen's background on most terminals: the default one.
        self.reset_pen();
        let all = clear_type == ClearType::All;
        self.screen.reset(size, if all { Shown::BLANK } else { Shown::UNKNOWN });
        self.screen.pen = Some(Pen::RESET);
        self.inner.clear_region(clear_type)
    }

    /// The terminal's size, asked again only after [`resized`].
    fn size(&self) -> io::Result<Size> {
        if let Some(s) = self.fixed {
            return Ok(s);
        }
        let stale = SIZE_STALE.swap(false, Ordering::Relaxed);
        match self.size.get() {
            Some(s) if !stale => Ok(s),
            _ => {
                let s = self.inner.size().inspect_err(|_| resized())?;
                // A terminal that says it has no rows or columns (a pane not sized yet) is asked
                // again next frame, not believed until a resize that may never come.
                if s.width > 0 && s.height > 0 {
                    self.size.set(Some(s));
                } else {
                    resized();
                }
                Ok(s)
            }
        }
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::buffer::Buffer;
    use ratatui::style::Style;
    use ratatui::text::Line;
    use ratatui::widgets::Paragraph;

    /// The characters taken as one column without a look-up are the ones Unicode's widths
    /// make one column, alone: the backend tracks the cursor after them as it would otherwise.
    #[test]
    fn the_characters_known_narrow_are_one_column() {
        let known = (' '..='~').chain('\u{2580}'..='\u{259F}');
        for c in known {
            assert!(one_column(c), "{c:?}");
            assert_eq!(c.to_string().width(), 1, "{c:?}");
        }
        assert!(!one_column('\u{1F600}') && !one_column('\n') && !one_column('é'));
    }

    /// Records each write the terminal would receive, and the flushes.
    #[derive(Default)]
    struct Recorder {
        writes: Vec<Vec<u8>>,
        flushes: usize,
    }

    impl Write for Recorder {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            self.writes.push(data.to_vec());
            Ok(data.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            self.flushes += 1;
            Ok(())
        }
    }

    type TestTerm = Terminal<FrameBackend<Recorder>>;

    fn terminal(sync: bool) -> TestTerm {
        let size = Size::new(80, 24);
        let backend = FrameBackend::new(Recorder::default(), sync, Some(size));
        let area = ratatui::layout::Rect::new(0, 0, 80, 24);
        Terminal::with_options(
            backend,
            ratatui::TerminalOptions { viewport: ratatui::Viewport::Fixed(area) },
        )
        .expect("a terminal on a recorder")
    }

    /// A screen of digits in colour, changing with `n`; with the cursor shown when `cursor`
    /// (a form being typed), which makes ratatui flush three times during the frame.
    fn frame(f: &mut Frame, n: u32, cursor: bool) {
        let lines: Vec<Line> = (0..20)
            .map(|r| {
                Line::styled(
                    format!("{r:02} ▀▄█ {n:05} {}", "█".repeat(40)),
                    Style::new().fg(Color::Indexed(246)).bg(Color::Rgb(20, 30, 40)),
                )
            })
            .collect();
        f.render_widget(Paragraph::new(lines), f.area());
        if cursor {
            f.set_cursor_position((3, 4));
        }
    }

    fn recorder(t: &mut TestTerm) -> &mut Recorder {
        t.backend_mut().writer_mut().inner_mut()
    }

    impl<W: Write> FrameWriter<W> {
        fn inner_mut(&mut self) -> &mut W {
            &mut self.inner
        }
    }

    #[test]
    fn each_frame_is_one_write_inside_the_synchronized_update_bracket() {
        let mut t = terminal(true);
        // Every digit changes from one frame to the next, so each frame sends all five.
        for (n, cursor) in [(11111, false), (22222, true), (33333, true), (44444, false)] {
            recorder(&mut t).writes.clear();
            draw(&mut t, |f| frame(f, n, cursor)).expect("drawn");
            let writes = &recorder(&mut t).writes;
            assert_eq!(writes.len(), 1, "frame {n} went out in {} writes", writes.len());
            let w = &writes[0];
            assert!(w.starts_with(BEGIN_SYNC), "frame {n} does not open the bracket");
            assert!(w.ends_with(END_SYNC), "frame {n} does not close the bracket");
            // The frame itself is inside: the digits that changed.
            let text = String::from_utf8_lossy(w);
            assert!(text.contains(&format!("{n:05}")), "frame {n}: {text:?}");
        }
        // The cursor of a form is placed inside the same write, after the frame.
        recorder(&mut t).writes.clear();
        draw(&mut t, |f| frame(f, 77777, true)).expect("drawn");
        let w = String::from_utf8_lossy(&recorder(&mut t).writes[0]).into_owned();
        let body = w.find("77777").expect("the digits");
        let cursor = w[body..].find("\x1b[5;4H").expect("the cursor placed at row 5, column 4");
        assert!(body + cursor < w.len() - END_SYNC.len());
    }

    #[test]
    fn without_escape_sequences_the_frame_is_one_write_with_no_bracket() {
        let mut t = terminal(false);
        draw(&mut t, |f| frame(f, 42, true)).expect("drawn");
        let writes = &recorder(&mut t).writes;
        assert_eq!(writes.len(), 1);
        assert!(!writes[0].windows(BEGIN_SYNC.len()).any(|w| w == BEGIN_SYNC));
        assert!(!writes[0].windows(END_SYNC.len()).any(|w| w == END_SYNC));
    }

    #[test]
    fn outside_a_frame_a_flush_sends_at_once() {
        let mut t = terminal(true);
        draw(&mut t, |f| frame(f, 1, false)).expect("drawn");
        let before = recorder(&mut t).writes.len();
        let out = t.backend_mut().writer_mut();
        out.write_all(b"\x07").expect("bell");
        out.flush().expect("flushed");
        let writes = &recorder(&mut t).writes;
        assert_eq!(writes.len(), before + 1);
        assert_eq!(writes[before], b"\x07", "the bell goes alone, unbracketed");
    }

    #[test]
    fn the_same_frame_drawn_twice_sends_nothing() {
        let mut t = terminal(true);
        draw(&mut t, |f| frame(f, 9, false)).expect("drawn");
        recorder(&mut t).writes.clear();
        draw(&mut t, |f| frame(f, 9, false)).expect("drawn");
        assert!(recorder(&mut t).writes.is_empty(), "{:?}", recorder(&mut t).writes);
    }

    #[test]
    fn colours_are_sent_once_for_a_run_and_not_again_the_next_frame() {
        let mut t = terminal(true);
        draw(&mut t, |f| frame(f, 11111, false)).expect("drawn");
        recorder(&mut t).writes.clear();
        draw(&mut t, |f| frame(f, 22222, false)).expect("drawn");
        let w = String::from_utf8_lossy(&recorder(&mut t).writes[0]).into_owned();
        // The pen the first frame left is the pen of every changed cell: no colour at all.
        assert!(!w.contains('m'), "{w:?}");
        // Twenty rows of digits, each reached by a move down and back along the row.
        assert_eq!(w.matches("22222").count(), 20, "{w:?}");
    }

    /// Random frames (text, wide characters, blanks, colours, attributes) drawn one after the
    /// other at 30x8: after each, a terminal emulator fed the bytes shows what was drawn.
    #[test]
    fn random_frames_show_on_an_emulated_terminal_as_drawn() {
        use ratatui::style::Modifier as M;
        for line_feeds in [true, false] {
            let size = Size::new(30, 8);
            let mut backend = FrameBackend::new(Recorder::default(), true, Some(size));
            if !line_feeds {
                backend = backend.without_line_feeds();
            }
            let area = ratatui::layout::Rect::new(0, 0, 30, 8);
            let mut t = Terminal::with_options(
                backend,
                ratatui::TerminalOptions { viewport: ratatui::Viewport::Fixed(area) },
            )
            .expect("terminal");
            let n = |v| std::num::NonZeroU16::new(v).expect("not zero");
            let mut vt = vt100::Parser::new(n(8), n(30), 0);
            let mut seed: u64 = 0x5eed;
            let mut next = move |k: u64| {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                (seed >> 33) % k
            };
            // Narrow text on the first six rows; wide characters on the last two, at even
            // columns only, so that nothing ever covers half of one (what a terminal then shows
            // in the other half is its own affair).
            let texts = [" ", "  ", "a", "bc", "█▀▄", "é", "   ", "xy", "▀"];
            let wide = ["漢", "字漢", "漢字漢"];
            let colors = [Color::Reset, Color::Rgb(10, 20, 30), Color::Indexed(246), Color::Red];
            // (Not bold and dim at once: the emulator keeps only one intensity.)
            let mods = [M::empty(), M::BOLD, M::DIM, M::REVERSED, M::ITALIC, M::UNDERLINED];
            let mut cells: Vec<(u16, u16, &str, Style)> = Vec::new();
            for frame in 0..300 {
                // Mostly the same screen with a few changes, sometimes many.
                let changes = if frame % 17 == 0 { 40 } else { next(6) + 1 };
                for _ in 0..changes {
                    let m = mods[usize::try_from(next(6)).expect("small")];
                    // The cell's attributes are exactly `m` (a style patches what is there).
                    let style = Style::new()
                        .fg(colors[usize::try_from(next(4)).expect("small")])
                        .bg(colors[usize::try_from(next(4)).expect("small")])
                        .add_modifier(m)
                        .remove_modifier(M::all() - m);
                    let y = u16::try_from(next(8)).expect("small");
                    let (x, text) = if y >= 6 {
                        let x = u16::try_from(next(15) * 2).expect("small");
                        (x, wide[usize::try_from(next(3)).expect("small")])
                    } else {
                        let x = u16::try_from(next(30)).expect("small");
                        (x, texts[usize::try_from(next(9)).expect("small")])
                    };
                    cells.push((x, y, text, style));
                }
                if cells.len() > 120 {
                    cells.drain(..40);
                }
                recorder(&mut t).writes.clear();
                let drawn = {
                    draw(&mut t, |f| {
                        for (x, y, text, style) in &cells {
                            f.buffer_mut().set_stringn(*x, *y, text, 30 - usize::from(*x), *style);
                        }
                    })
                    .expect("drawn");
                    let mut b = Buffer::empty(area);
                    for (x, y, text, style) in &cells {
                        b.set_stringn(*x, *y, text, 30 - usize::from(*x), *style);
                    }
                    b
                };
                for w in &recorder(&mut t).writes {
                    vt.process(w);
                }
                let screen = vt.screen();
                for y in 0..8 {
                    for x in 0..30 {
                        let c = screen.cell(y, x).expect("cell");
                        if c.is_wide_continuation() {
                            continue;
                        }
                        let want = &drawn[(x, y)];
                        if *want == Cell::EMPTY {
                            // The cell after a wide character, or one left by it when something
                            // narrow was written over its first half: what a terminal shows there
                            // is its own affair (ratatui's difference does not send it).
                            continue;
                        }
                        let at = format!("line feeds {line_feeds}, frame {frame}, ({x}, {y})");
                        let text = if c.contents().is_empty() { " " } else { c.contents() };
                        assert_eq!(text, want.symbol(), "{at}");
                        let bg = |col: Color| match col {
                            Color::Reset => vt100::Color::Default,
                            Color::Rgb(r, g, b) => vt100::Color::Rgb(r, g, b),
                            Color::Indexed(i) => vt100::Color::Idx(i),
                            _ => vt100::Color::Idx(1),
                        };
                        assert_eq!(c.bgcolor(), bg(want.bg), "{at}: background");
                        let m = want.modifier;
                        assert_eq!(c.underline(), m.contains(M::UNDERLINED), "{at}: underline");
                        assert_eq!(c.inverse(), m.contains(M::REVERSED), "{at}: reversed");
                        if text != " " || m.intersects(M::REVERSED | M::UNDERLINED) {
                            assert_eq!(c.fgcolor(), bg(want.fg), "{at}: foreground");
                            assert_eq!(c.bold(), m.contains(M::BOLD), "{at}: bold");
                            assert_eq!(c.dim(), m.contains(M::DIM), "{at}: dim");
                            assert_eq!(c.italic(), m.contains(M::ITALIC), "{at}: italic");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn pen_changes_say_only_what_differs() {
        let base = Pen { fg: Color::Rgb(1, 2, 3), ..Pen::RESET };
        let bold = Pen { modifier: Modifier::BOLD, ..base };
        let mut v = Vec::new();
        sgr(&mut v, Some(base), bold);
        assert_eq!(v, b"\x1b[1m");
        v.clear();
        sgr(&mut v, Some(Pen { modifier: Modifier::BOLD | Modifier::DIM, ..base }), bold);
        assert_eq!(v, b"\x1b[22;1m", "22 ends bold and dim: bold is set again");
        v.clear();
        sgr(&mut v, Some(bold), Pen::RESET);
        assert_eq!(v, b"\x1b[0m", "a reset is shorter than 22;39");
        v.clear();
        sgr(&mut v, None, bold);
        assert_eq!(v, b"\x1b[0;1;38;2;1;2;3m", "an unknown pen is reset first");
        v.clear();
        sgr(&mut v, Some(Pen::RESET), Pen { bg: Color::Red, ..Pen::RESET });
        assert_eq!(v, b"\x1b[48;5;1m", "named colours as crossterm writes them");
    }

    #[test]
    fn moves_take_the_shortest_way() {
        let m = |row, col, x, y| {
            let mut v = Vec::new();
            move_to(&mut v, row, col, x, y, false);
            String::from_utf8(v).expect("ascii")
        };
        assert_eq!(m(None, None, 4, 2), "\x1b[3;5H");
        assert_eq!(m(None, None, 0, 0), "\x1b[H");
        assert_eq!(m(Some(2), Some(4), 10, 2), "\x1b[6C");
        assert_eq!(m(Some(2), Some(4), 2, 2), "\x08\x08");
        assert_eq!(m(Some(2), Some(40), 0, 3), "\x1b[4H", "as short as a return and a move down");
        assert_eq!(m(Some(12), Some(40), 0, 13), "\r\x1b[B");
        assert_eq!(m(Some(12), Some(14), 10, 13), "\x1b[4D\x1b[B");
        assert_eq!(m(Some(2), None, 50, 2), "\x1b[51G");
        assert_eq!(m(Some(30), Some(1), 1, 1), "\x1b[2d");
        let mut v = Vec::new();
        move_to(&mut v, Some(3), Some(10), 8, 4, true);
        assert_eq!(v, b"\x08\x08\n", "a line feed, where it only moves down");
    }
}
