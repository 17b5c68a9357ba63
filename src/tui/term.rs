//! The terminal every full-screen view draws on: ratatui's crossterm backend writing into a
//! [`FrameWriter`], so that a frame reaches the terminal in one write, inside a
//! synchronized-update bracket (`CSI ? 2026 h` … `CSI ? 2026 l`). A slow console, a remote
//! link or a terminal that draws while it reads never shows half a digit: the terminal either
//! holds the frame back until the bracket closes (recent Windows Terminal, kitty, `WezTerm`, foot
//! and others) or ignores the bracket as an unknown mode and draws the frame, which came in one
//! piece. (Rust's standard library hands a Windows console at most a few kilobytes per
//! `WriteConsoleW` call: there a large frame is one write from convene and several to the console,
//! which the console parses as one stream.)
//!
//! ratatui's backend flushes its writer in the middle of a frame (it shows or hides the cursor
//! with crossterm's `execute!`): while a frame is being drawn ([`draw`]) the writer keeps what
//! it is given and sends it all when the frame ends. Outside a frame (the bell, entering the
//! alternate screen) a flush sends at once, without the bracket.
//!
//! The bracket is left out where the console takes no escape sequences (a Windows console without
//! virtual-terminal processing, as crossterm reports it), since it would show as text there.

use std::io::{self, Stdout, Write};

use ratatui::backend::CrosstermBackend;
use ratatui::{Frame, Terminal};

/// The terminal the screens draw on.
pub type Term = Terminal<CrosstermBackend<FrameWriter<Stdout>>>;

/// What a frame is collected in before it is sent: a full frame of a 200x60 terminal in 24-bit
/// colour takes about 100 KB at worst; the buffer grows past this if it must.
const CAPACITY: usize = 128 * 1024;

/// `CSI ? 2026 h`: the terminal holds its display until the matching end.
pub const BEGIN_SYNC: &[u8] = b"\x1b[?2026h";
/// `CSI ? 2026 l`: the frame is complete.
pub const END_SYNC: &[u8] = b"\x1b[?2026l";

/// Raw mode, the alternate screen and ratatui's panic hook (which restores the terminal), as
/// `ratatui::try_init` sets them, with the backend writing through a [`FrameWriter`].
pub fn try_init() -> io::Result<Term> {
    // ratatui's own terminal is dropped at once: only what it set up is kept.
    drop(ratatui::try_init()?);
    Terminal::new(CrosstermBackend::new(FrameWriter::new(io::stdout(), sync_supported())))
}

/// Whether the terminal takes escape sequences, so that the bracket is harmless: always on Unix;
/// on Windows when the console has virtual-terminal processing (crossterm then reports more
/// than the 16 console colours), as Windows 10 and 11's consoles and Windows Terminal do.
fn sync_supported() -> bool {
    !cfg!(windows) || crossterm::style::available_color_count() >= 256
}

/// Draws one frame and sends it in one write (see the module doc).
pub fn draw<W: FrameWrite>(
    terminal: &mut Terminal<CrosstermBackend<W>>,
    render: impl FnOnce(&mut Frame),
) -> io::Result<()> {
    terminal.backend_mut().writer_mut().begin_frame();
    let drawn = terminal.draw(render).map(|_| ());
    // Sent even if drawing failed half way: the terminal must not be left inside the bracket.
    let sent = terminal.backend_mut().writer_mut().end_frame();
    drawn.and(sent)
}

/// A writer that can hold a frame back until it is complete.
pub trait FrameWrite: Write {
    /// From now on, flushes keep what was written.
    fn begin_frame(&mut self);
    /// Sends the frame (in the bracket, where supported) in one write, and flushes.
    fn end_frame(&mut self) -> io::Result<()>;
}

/// Collects what ratatui writes and sends it on: a frame in one write (see the module doc).
pub struct FrameWriter<W: Write> {
    inner: W,
    buf: Vec<u8>,
    /// A frame is being drawn: flushes keep what was written.
    in_frame: bool,
    /// Whether frames are sent inside the synchronized-update bracket.
    sync: bool,
}

impl<W: Write> FrameWriter<W> {
    /// A writer sending to `inner`; `sync`: whether to bracket frames.
    pub fn new(inner: W, sync: bool) -> Self {
        Self { inner, buf: Vec::with_capacity(CAPACITY), in_frame: false, sync }
    }

    /// The writer frames are sent to.
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// Sends what was written so far in one write, then flushes the terminal.
    fn send(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            let sent = self.inner.write_all(&self.buf);
            // Cleared even on failure: a terminal that has gone must not see the frame grow.
            self.buf.clear();
            sent?;
        }
        self.inner.flush()
    }
}

impl<W: Write> FrameWrite for FrameWriter<W> {
    fn begin_frame(&mut self) {
        self.in_frame = true;
        if self.sync {
            self.buf.extend_from_slice(BEGIN_SYNC);
        }
    }

    fn end_frame(&mut self) -> io::Result<()> {
        self.in_frame = false;
        if self.sync {
            self.buf.extend_from_slice(END_SYNC);
        }
        self.send()
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

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Style};
    use ratatui::text::Line;
    use ratatui::widgets::Paragraph;

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

    fn terminal(sync: bool) -> Terminal<CrosstermBackend<FrameWriter<Recorder>>> {
        let backend = CrosstermBackend::new(FrameWriter::new(Recorder::default(), sync));
        let size = ratatui::layout::Rect::new(0, 0, 80, 24);
        Terminal::with_options(
            backend,
            ratatui::TerminalOptions { viewport: ratatui::Viewport::Fixed(size) },
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

    fn recorder(t: &mut Terminal<CrosstermBackend<FrameWriter<Recorder>>>) -> &mut Recorder {
        &mut t.backend_mut().writer_mut().inner
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
        let cursor = w.find("\x1b[5;4H").expect("the cursor placed at row 5, column 4");
        assert!(body < cursor && cursor < w.len() - END_SYNC.len());
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
        let out = t.backend_mut();
        out.write_all(b"\x07").expect("bell");
        out.flush().expect("flushed");
        let writes = &recorder(&mut t).writes;
        assert_eq!(writes.len(), before + 1);
        assert_eq!(writes[before], b"\x07", "the bell goes alone, unbracketed");
    }

    #[test]
    fn the_same_frame_drawn_twice_sends_no_cell_again() {
        let mut t = terminal(true);
        draw(&mut t, |f| frame(f, 9, false)).expect("drawn");
        recorder(&mut t).writes.clear();
        draw(&mut t, |f| frame(f, 9, false)).expect("drawn");
        let writes = &recorder(&mut t).writes;
        assert_eq!(writes.len(), 1);
        assert!(!String::from_utf8_lossy(&writes[0]).contains("00009"));
    }
}
