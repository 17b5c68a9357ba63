//! `cargo bench --bench live_bytes`: the bytes the live screen sends the terminal each second of
//! a running stage (project tuning, four people), at 120x40 and 200x50, against the least any
//! program must send for the same change ([`convene::tui::term::floor`]: the changed cells' text,
//! the shortest colour and attribute changes, the least cursor movement), and against what
//! ratatui's own crossterm backend sends for the same frames (convene before issue 24).
//! Each frame is drawn as the live screen draws it, one second after the one before. Also the
//! median time of a frame (drawing the whole screen, comparing it with the last, encoding the
//! difference), with convene's backend and with ratatui's.
//! `CONVENE_BENCH_QUICK=1`: 5 seconds (only to check that the bench runs).

#![allow(clippy::cast_precision_loss, clippy::disallowed_methods)]

mod common;

use std::io::Write;
use std::time::Instant;

use convene::config::ThemeName;
use convene::protocol::Library;
use convene::session::{Command, Now, SessionState, Setup};
use convene::tui::live::{self, LiveScreen, Options};
use convene::tui::term::{self, BEGIN_SYNC, END_SYNC, FrameBackend};
use convene::tui::theme::Theme;
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::layout::{Rect, Size};
use ratatui::{Terminal, TerminalOptions, Viewport};

/// Counts the bytes written.
#[derive(Default)]
struct Count(usize);

impl Write for Count {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0 += data.len();
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn fixed(w: u16, h: u16) -> TerminalOptions {
    TerminalOptions { viewport: Viewport::Fixed(Rect::new(0, 0, w, h)) }
}

fn main() {
    let seconds = u64::try_from(common::size(60, 5)).expect("small");
    let setup = Setup::new(
        Library::builtin_only().get("project-tuning").expect("built-in").clone(),
        ["Ann", "Ben", "Cat", "Dev"].map(String::from),
    );
    let opts = Options {
        quiet: true,
        flash: false,
        theme: Theme::resolve(ThemeName::Default, false),
        mirror: false,
    };
    for (w, h) in [(120u16, 40u16), (200, 50)] {
        let mut app = LiveScreen::new(SessionState::new(setup.clone()), None, opts);
        app.exec(Command::Start, Now::new(0, common::wall(0))).expect("starts");
        let backend = FrameBackend::new(Count::default(), true, Some(Size::new(w, h)));
        let mut now_t = Terminal::with_options(backend, fixed(w, h)).expect("terminal");
        let mut before_t =
            Terminal::with_options(CrosstermBackend::new(Count::default()), fixed(w, h))
                .expect("terminal");
        let mut shown = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        let (mut sent, mut before, mut floor) = (0, 0, term::Floor::default());
        let mut prev = None;
        let (mut t_now, mut t_before) = (Vec::new(), Vec::new());
        // The first frame draws the whole screen: the seconds after it are measured.
        for s in 0..=seconds {
            let mono = 2_000 + s * 1_000;
            let wall = common::wall(mono);
            app.tick(Now::new(mono, wall));
            let a = now_t.backend().writer().0;
            let t = Instant::now();
            term::draw(&mut now_t, |f| live::render(f, &app, mono, wall)).expect("drawn");
            t_now.push(t.elapsed().as_secs_f64() * 1e6);
            let b = before_t.backend_mut().writer_mut().0;
            let t = Instant::now();
            before_t.draw(|f| live::render(f, &app, mono, wall)).expect("drawn");
            t_before.push(t.elapsed().as_secs_f64() * 1e6);
            let buf =
                shown.draw(|f| live::render(f, &app, mono, wall)).expect("drawn").buffer.clone();
            if let Some(p) = &prev {
                sent += now_t.backend().writer().0 - a;
                // Before: the same bracket, and the cursor hidden again with every frame.
                before +=
                    before_t.backend_mut().writer_mut().0 - b + BEGIN_SYNC.len() + END_SYNC.len();
                let f = term::floor(p, &buf);
                floor.text += f.text;
                floor.style += f.style;
                floor.moves += f.moves;
            }
            prev = Some(buf);
        }
        let n = seconds as f64;
        let per = |b: usize| b as f64 / n;
        let bracket = (BEGIN_SYNC.len() + END_SYNC.len()) as f64;
        let body = per(sent) - bracket;
        println!(
            "live screen {w}x{h}, running stage, {seconds} s: {:.0} bytes/s sent ({body:.0} in the \
             frame, {bracket:.0} the synchronized-update bracket); least possible {:.0} bytes/s \
             (changed text {:.0}, colours and attributes {:.0}, cursor moves {:.0}): {:.3}x the \
             least; changed text and colours alone {:.0} bytes/s ({:.2}x); before (ratatui's \
             crossterm backend): {:.0} bytes/s ({:.2}x the least); a frame takes {:.0} µs (median; \
             {:.0} µs with ratatui's backend)",
            per(sent),
            per(floor.total()),
            per(floor.text),
            per(floor.style),
            per(floor.moves),
            body / per(floor.total()),
            per(floor.text + floor.style),
            body / per(floor.text + floor.style),
            per(before),
            (per(before) - bracket) / per(floor.total()),
            common::percentile(&mut t_now, 500),
            common::percentile(&mut t_before, 500),
        );
    }
}
