//! The exact bytes convene writes to the terminal for the frames of a session, compared with
//! `tests/golden/frames-coaching-triad.txt` (written on Linux; `UPDATE_GOLDEN=1` rewrites it).
//! Under Wine (`.ci/wine/test`) the Windows build runs the same test against the same file: the
//! Windows program sends a console byte for byte what the Linux one sends a terminal. This stands
//! in for reading the screen back under Wine, whose terminal console garbles any full-screen
//! program's output, convene's or not (docs/platforms.md).
//!
//! Each frame is drawn as the live screen draws it ([`convene::tui::term::draw`] into a
//! [`FrameWriter`]): one write, inside the synchronized-update bracket. The 24-bit default theme
//! (what Windows Terminal and the consoles of Windows 10 and 11 get) at 100x30.

use crate::support;

use std::io::Write;
use std::path::Path;

use convene::tui::live;
use convene::tui::term::{self, BEGIN_SYNC, END_SYNC, FrameWriter};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
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

#[test]
fn a_sessions_frames_are_the_same_bytes_on_every_platform() {
    let mut rig =
        Rig::new(setup(builtin("coaching-triad"), &["Ann", "Ben", "Cat"]), default_opts());
    let backend = CrosstermBackend::new(FrameWriter::new(Writes::default(), true));
    let area = ratatui::layout::Rect::new(0, 0, 100, 30);
    let mut t = Terminal::with_options(
        backend,
        ratatui::TerminalOptions { viewport: ratatui::Viewport::Fixed(area) },
    )
    .expect("a terminal");
    let mut frames = Vec::new();
    let mut draw = |rig: &Rig, what: &str, frames: &mut Vec<String>| {
        let before = t.backend_mut().writer_mut_len();
        term::draw(&mut t, |f| live::render(f, &rig.app, rig.mono, wall(rig.mono))).expect("drawn");
        let writes = t.backend_mut().writes();
        assert_eq!(writes.len(), before + 1, "{what}: the frame went out in one write");
        let frame = &writes[before];
        assert!(frame.starts_with(BEGIN_SYNC) && frame.ends_with(END_SYNC), "{what}");
        frames.push(format!("{what}\n{}\n", escaped(frame)));
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

impl Recorded for CrosstermBackend<FrameWriter<Writes>> {
    fn writes(&mut self) -> &Vec<Vec<u8>> {
        &self.writer_mut().get_ref().0
    }
}
