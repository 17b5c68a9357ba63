//! The exact bytes convene writes to the terminal for the frames of a session, compared with
//! `tests/golden/frames-coaching-triad.txt` (written on Linux; `UPDATE_GOLDEN=1` rewrites it).
//! Under Wine (`.ci/wine/test`) the Windows build runs the same test against the same file: the
//! Windows program sends a console byte for byte what the Linux one sends a terminal. This stands
//! in for reading the screen back under Wine, whose terminal console garbles any full-screen
//! program's output, convene's or not (docs/platforms.md).
//!
//! Each frame is drawn as the live screen draws it ([`convene::tui::term::draw`] through a
//! [`FrameBackend`]): one write, inside the synchronized-update bracket. The 24-bit default theme
//! (what Windows Terminal and the consoles of Windows 10 and 11 get) at 100x30, moving down as on
//! Windows (`CSI B`: on Unix convene also moves down by line feeds, checked below). Every frame is
//! also fed to a terminal emulator (the `vt100` crate), which must then show exactly the screen
//! ratatui drew: text, colours and attributes, cell by cell. And a second of a running stage
//! costs at most 1.1 times the least the changed cells need ([`term::floor`]).

use crate::support;

use std::io::Write;
use std::path::Path;

use convene::tui::live;
use convene::tui::term::{self, BEGIN_SYNC, END_SYNC, FrameBackend};
use ratatui::Terminal;
use ratatui::buffer::Buffer;
use ratatui::layout::{Rect, Size};
use ratatui::style::{Color, Modifier};
use support::{Rig, builtin, default_opts, setup, wall};

/// Every write the terminal receives, in order.
#[derive(Default)]
struct Writes(Vec<Vec<u8>>);

impl Write for Writes {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.push(data.to_vec());
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The bytes as text: printable ASCII as is, everything else escaped, a line per frame.
fn escaped(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).chars().flat_map(char::escape_default).collect()
}

/// A terminal of `w` x `h` drawing into [`Writes`]; `same_everywhere`: moving down as on Windows
/// (no line feeds), for bytes that are the same on every platform.
fn terminal(w: u16, h: u16, same_everywhere: bool) -> Terminal<FrameBackend<Writes>> {
    let mut backend = FrameBackend::new(Writes::default(), true, Some(Size::new(w, h)));
    if same_everywhere {
        backend = backend.without_line_feeds();
    }
    Terminal::with_options(
        backend,
        ratatui::TerminalOptions { viewport: ratatui::Viewport::Fixed(Rect::new(0, 0, w, h)) },
    )
    .expect("a terminal")
}

/// An emulated terminal of `w` x `h`.
fn emulator(w: u16, h: u16) -> vt100::Parser {
    let n = |v: u16| std::num::NonZeroU16::new(v).expect("not empty");
    vt100::Parser::new(n(h), n(w), 0)
}

/// The colour a terminal emulator reports for a ratatui colour (crossterm's numbering).
fn vt_color(c: Color) -> vt100::Color {
    let named = [
        Color::Black,
        Color::Red,
        Color::Green,
        Color::Yellow,
        Color::Blue,
        Color::Magenta,
        Color::Cyan,
        Color::Gray,
        Color::DarkGray,
        Color::LightRed,
        Color::LightGreen,
        Color::LightYellow,
        Color::LightBlue,
        Color::LightMagenta,
        Color::LightCyan,
        Color::White,
    ];
    match c {
        Color::Reset => vt100::Color::Default,
        Color::Indexed(i) => vt100::Color::Idx(i),
        Color::Rgb(r, g, b) => vt100::Color::Rgb(r, g, b),
        named_color => vt100::Color::Idx(
            u8::try_from(named.iter().position(|n| *n == named_color).expect("a named colour"))
                .expect("small"),
        ),
    }
}

/// Asserts that the emulated terminal shows `want`, cell by cell.
fn assert_shows(vt: &vt100::Parser, want: &Buffer, what: &str) {
    let screen = vt.screen();
    for y in 0..want.area.height {
        for x in 0..want.area.width {
            let c = screen.cell(y, x).expect("a cell");
            if c.is_wide_continuation() {
                continue;
            }
            let w = &want[(x, y)];
            let text = if c.contents().is_empty() { " " } else { c.contents() };
            let at = format!("{what}: cell ({x}, {y})");
            assert_eq!(text, w.symbol(), "{at}");
            let m = w.modifier;
            let shown_on_blank = Modifier::REVERSED
                | Modifier::UNDERLINED
                | Modifier::CROSSED_OUT
                | Modifier::SLOW_BLINK
                | Modifier::RAPID_BLINK;
            if text == " " && !m.intersects(shown_on_blank) {
                // A blank shows only its background (its colour and bold do not show).
                assert_eq!(c.bgcolor(), vt_color(w.bg), "{at} {text:?}: background");
                assert!(!c.inverse() && !c.underline(), "{at}: a plain blank");
                continue;
            }
            assert_eq!(c.fgcolor(), vt_color(w.fg), "{at} {text:?}: foreground");
            assert_eq!(c.bgcolor(), vt_color(w.bg), "{at} {text:?}: background");
            assert_eq!(c.bold(), m.contains(Modifier::BOLD), "{at} {text:?}: bold");
            assert_eq!(c.dim(), m.contains(Modifier::DIM), "{at} {text:?}: dim");
            assert_eq!(c.italic(), m.contains(Modifier::ITALIC), "{at} {text:?}: italic");
            assert_eq!(c.underline(), m.contains(Modifier::UNDERLINED), "{at} {text:?}: underline");
            assert_eq!(c.inverse(), m.contains(Modifier::REVERSED), "{at} {text:?}: reversed");
        }
    }
}

#[test]
fn a_sessions_frames_are_the_same_bytes_on_every_platform() {
    let mut rig =
        Rig::new(setup(builtin("coaching-triad"), &["Ann", "Ben", "Cat"]), default_opts());
    let mut t = terminal(100, 30, true);
    let mut vt = emulator(100, 30);
    let mut frames = Vec::new();
    let mut draw = |rig: &Rig, what: &str, frames: &mut Vec<String>| {
        let before = t.backend_mut().writer_mut_len();
        term::draw(&mut t, |f| live::render(f, &rig.app, rig.mono, wall(rig.mono))).expect("drawn");
        let writes = t.backend_mut().writes();
        assert_eq!(writes.len(), before + 1, "{what}: the frame went out in one write");
        let frame = &writes[before];
        assert!(frame.starts_with(BEGIN_SYNC) && frame.ends_with(END_SYNC), "{what}");
        frames.push(format!("{what}\n{}\n", escaped(frame)));
        // A terminal that reads these bytes shows the screen ratatui drew.
        vt.process(frame);
        assert_shows(&vt, &rig.buffer(100, 30), what);
    };
    draw(&rig, "the start card", &mut frames);
    rig.press(' ');
    draw(&rig, "started", &mut frames);
    rig.wait(61_000);
    draw(&rig, "a minute later", &mut frames);
    rig.press('n');
    draw(&rig, "the next stage", &mut frames);
    rig.press(' ');
    draw(&rig, "paused", &mut frames);
    let got = frames.concat();
    // What the room must see is in the bytes: the state word and the cue lines.
    assert!(got.contains("PAUSED"), "the state word");
    assert!(got.contains("Speak"), "the cue lines");

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/frames-coaching-triad.txt");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &got).expect("write golden");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{}: {e} (run with UPDATE_GOLDEN=1 to create it)", path.display())
    });
    // Compared frame by frame, so a difference names the frame.
    for (w, g) in want.split("\n\n").zip(got.split("\n\n")) {
        assert_eq!(w.lines().next(), g.lines().next(), "the frames' order");
        assert!(
            w == g,
            "{} differs from {}:\n--- want\n{w}\n--- got\n{g}",
            g.lines().next().unwrap_or(""),
            path.display()
        );
    }
    assert_eq!(want.len(), got.len(), "{}", path.display());
}

/// Reaching the recorder through the backend.
trait Recorded {
    fn writes(&mut self) -> &Vec<Vec<u8>>;
    fn writer_mut_len(&mut self) -> usize {
        self.writes().len()
    }
}

impl Recorded for FrameBackend<Writes> {
    fn writes(&mut self) -> &Vec<Vec<u8>> {
        &self.writer().0
    }
}

/// The bytes of each frame of a running stage over `seconds` seconds at `w` x `h`, with the
/// least each needed ([`term::floor`] of the frame before and the frame), drawn as the live
/// screen draws them; every frame checked on an emulated terminal.
fn running_frames(w: u16, h: u16, seconds: u64) -> Vec<(usize, term::Floor)> {
    let mut rig =
        Rig::new(setup(builtin("project-tuning"), &["Ann", "Ben", "Cat", "Dev"]), default_opts());
    rig.press(' ');
    rig.wait(2_000);
    let mut t = terminal(w, h, false);
    let mut vt = emulator(w, h);
    let mut prev: Option<Buffer> = None;
    let mut out = Vec::new();
    for s in 0..seconds {
        let before = t.backend_mut().writer_mut_len();
        term::draw(&mut t, |f| live::render(f, &rig.app, rig.mono, wall(rig.mono))).expect("drawn");
        let writes = t.backend_mut().writes();
        assert_eq!(writes.len(), before + 1, "second {s}: one write");
        let frame = writes[before].clone();
        vt.process(&frame);
        let now = rig.buffer(w, h);
        assert_shows(&vt, &now, &format!("{w}x{h}, second {s}"));
        if let Some(p) = &prev {
            let body = frame.len() - BEGIN_SYNC.len() - END_SYNC.len();
            out.push((body, term::floor(p, &now)));
        }
        prev = Some(now);
        rig.wait(1_000);
    }
    out
}

#[test]
fn a_second_of_a_running_stage_costs_at_most_a_tenth_more_than_the_least_possible() {
    for (w, h) in [(120, 40), (200, 50)] {
        let frames = running_frames(w, h, 15);
        let sent: usize = frames.iter().map(|f| f.0).sum();
        let floor: usize = frames.iter().map(|f| f.1.total()).sum();
        let text: usize = frames.iter().map(|f| f.1.text).sum();
        assert!(text > 0, "the countdown changes every second");
        // Over the seconds together (each frame's own figures are in the message).
        assert!(
            sent * 10 <= floor * 11,
            "{w}x{h}: {sent} bytes sent for a floor of {floor} (frames: {frames:?})"
        );
    }
}
