//! A second in which only the countdown changes, drawn cheaply: the running stage's whole frame
//! says where its countdown is ([`view::render_whole`]), and each second after it the screen
//! works out [`key`], everything else it shows that time alone can change; while that stays the
//! same and nothing else happened (no key, no event, no resize: the
//! [`event_loop`](crate::tui::event_loop) knows), only the box around the countdown's pixels
//! that changed since the last second is drawn again and compared ([`changed`],
//! [`crate::tui::term::draw_ticking`]), not the whole screen. Anything else draws the whole
//! frame.

use std::hash::{DefaultHasher, Hash, Hasher};

use chrono::{DateTime, FixedOffset};
use ratatui::layout::{Rect, Size};

use super::view::{self, Countdown};
use super::{LiveScreen, Overlay};
use crate::session::Status;
use crate::session::display;
use crate::tui::term::Ticking;
use crate::tui::widgets::{self, ClockSize};

/// Everything the running stage shows at `mono` and `wall` on a screen of `size` that time alone
/// can change, but the countdown itself, in one number; `None` where the whole screen is drawn
/// each time (not a running stage, a popup or question open, a screen too small).
pub(super) fn key(
    app: &LiveScreen,
    size: Size,
    mono: u64,
    wall: DateTime<FixedOffset>,
) -> Option<u64> {
    let st = &app.state;
    if st.status != Status::Running
        || app.overlay != Overlay::None
        || size.width < widgets::MIN_W
        || size.height < widgets::MIN_H
    {
        return None;
    }
    let w = size.width;
    let mut h = DefaultHasher::new();
    size.hash(&mut h);
    (st.pos, st.paused).hash(&mut h);
    let phase = display::phase(st, mono);
    // The state word ("+1:00 OVER" changes every second), the line under the clock ("3:00
    // left"), the projected end, the message, the keys (devices connected), the flash.
    phase.label().hash(&mut h);
    let remaining = display::remaining(st, mono);
    view::state_line(app, phase, remaining, mono, w).map(|l| l.to_string()).hash(&mut h);
    view::session_line_times(app, mono, wall).hash(&mut h);
    app.message.hash(&mut h);
    view::nobody_hint(app).is_some().hash(&mut h);
    app.log_banner().hash(&mut h);
    view::footer_inputs(app).hash(&mut h);
    app.flash_until.is_some_and(|u| mono < u).hash(&mut h);
    // Every event the session recorded or read (a cue shown, a marker, a note, a message to the
    // room): what comes of it is drawn whole.
    st.events.hash(&mut h);
    // Large type above the clock (the stage's name or the cue shown) and in the room's frame:
    // whether it shows sets the rows of everything else.
    if let Some(spec) = st.spec(st.pos) {
        view::big_title(app, spec, w).hash(&mut h);
    }
    view::big_room(app, w).hash(&mut h);
    // The countdown's shape (its digits and separators, not which digits): it sets the sizes
    // the clock can take, hence the rows of everything else, and where its glyphs are.
    let time = display::countdown_text(remaining);
    for b in time.bytes() {
        (if b.is_ascii_digit() { b'0' } else { b }).hash(&mut h);
    }
    Some(h.finish())
}

/// The countdown's part of the whole frame just drawn, with `key`: the digits' box, where the
/// seconds after redraw it alone.
pub(super) fn ticking(app: &LiveScreen, c: Countdown, key: u64, mono: u64) -> Ticking {
    let shows = display::countdown_text(display::remaining(&app.state, mono));
    Ticking {
        area: widgets::clock_box(c.area, &shows, c.size),
        key,
        scale: (c.size.v, c.size.h),
        layout: c.area,
        shows,
    }
}

/// Where the countdown changes at `mono` since it showed `t.shows` (the box around the pixels
/// that differ, [`widgets::clock_changed`]), and what it shows then.
pub(super) fn changed(app: &LiveScreen, t: &Ticking, mono: u64) -> (Rect, String) {
    let time = display::countdown_text(display::remaining(&app.state, mono));
    let size = ClockSize { v: t.scale.0, h: t.scale.1 };
    (widgets::clock_changed(t.layout, &t.shows, &time, size), time)
}

/// The countdown at `mono` alone, where and as large as the whole frame drew it.
pub(super) fn draw(buf: &mut ratatui::buffer::Buffer, app: &LiveScreen, t: &Ticking, mono: u64) {
    let size = ClockSize { v: t.scale.0, h: t.scale.1 };
    view::draw_countdown(buf, app, Countdown { area: t.layout, size }, mono);
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::layout::Rect;
    use ratatui::{Terminal, TerminalOptions, Viewport};

    use super::*;
    use crate::config::ThemeName;
    use crate::protocol::Library;
    use crate::session::{Command, Now, SessionState, Setup};
    use crate::tui::event_loop::{self, Screen};
    use crate::tui::live::Options;
    use crate::tui::term::{FrameBackend, Kept};
    use crate::tui::theme::Theme;

    type T = Terminal<FrameBackend<Vec<u8>>>;

    fn terminal(w: u16, h: u16) -> T {
        let backend = FrameBackend::new(Vec::new(), true, Some(Size::new(w, h)));
        let viewport = Viewport::Fixed(Rect::new(0, 0, w, h));
        Terminal::with_options(backend, TerminalOptions { viewport }).expect("a terminal")
    }

    fn now(mono: u64) -> Now {
        let wall = DateTime::parse_from_rfc3339("2026-11-23T08:30:00+00:00").expect("valid")
            + Duration::milliseconds(i64::try_from(mono).expect("small"));
        Now::new(mono, wall)
    }

    fn app(protocol: &str, people: &[&str], mirror: bool) -> LiveScreen {
        let setup = Setup {
            // Time alone moves it on: frames drawn whole as a stage starts by itself.
            auto_advance: protocol == "project-tuning",
            ..Setup::new(
                Library::builtin_only().get(protocol).expect("built-in").clone(),
                people.iter().map(|p| (*p).to_string()),
            )
        };
        let opts = Options {
            quiet: true,
            flash: true,
            theme: Theme::resolve(ThemeName::Default, false),
            mirror,
        };
        let mut app = LiveScreen::new(SessionState::new(setup), None, opts);
        app.exec(Command::Start, now(0)).expect("starts");
        app
    }

    /// What a terminal shows in a cell: its text, background and the attributes a blank shows,
    /// and on a mark its colour and the rest (a blank's foreground is not seen).
    fn cell(c: &vt100::Cell) -> String {
        let text = c.contents();
        let blank = (text.is_empty() || text == " ") && !c.inverse() && !c.underline();
        let mark =
            (!blank).then(|| format!("{:?} {} {} {}", c.fgcolor(), c.bold(), c.dim(), c.italic()));
        format!("{text:?} {:?} {} {} {mark:?}", c.bgcolor(), c.inverse(), c.underline())
    }

    /// What a terminal shows after `bytes`: each cell's text, background and the attributes a
    /// blank shows, and on a mark its colour and the rest (a blank's foreground is not seen).
    fn shown(bytes: &[u8], w: u16, h: u16) -> Vec<String> {
        let n = |v| std::num::NonZeroU16::new(v).expect("not zero");
        let mut vt = vt100::Parser::new(n(h), n(w), 0);
        vt.process(bytes);
        let screen = vt.screen();
        let mut cells = Vec::new();
        for y in 0..h {
            for x in 0..w {
                cells.push(cell(screen.cell(y, x).expect("a cell")));
            }
        }
        cells
    }

    /// Random sessions, seconds and changes: a terminal drawn as the loop draws (the countdown
    /// alone when only time changed) gets, for every frame the countdown is drawn alone, exactly
    /// the bytes that a terminal drawn whole every time gets, and after every frame shows the
    /// same screen. The countdown is drawn alone in most seconds.
    #[test]
    fn the_countdown_drawn_alone_sends_what_a_whole_frame_sends() {
        let sessions: [(&str, &[&str]); 3] = [
            ("project-tuning", &["Ann", "Ben", "Cat", "Dev"]),
            ("coaching-triad", &["Ann", "Ben", "Cat", "Dev", "Eve", "Fay"]),
            ("grow-coaching", &["Ann", "Ben"]),
        ];
        let mut seed: u64 = 0x7157;
        let mut next = move |k: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % k
        };
        let keys = [KeyCode::Char(' '), KeyCode::Char('+'), KeyCode::Char('n'), KeyCode::Esc];
        let (mut alone, mut frames, mut in_step_alone) = (0, 0, 0);
        for (i, (protocol, people)) in sessions.iter().enumerate() {
            for (w, h) in [(120u16, 40u16), (200, 50), (80, 24), (40, 12)] {
                let mut app = app(protocol, people, i == 2);
                let (mut a, mut b) = (terminal(w, h), terminal(w, h));
                let (mut ka, mut kb) = (Kept::default(), Kept::default());
                let mut mono = 500;
                // Until a whole frame follows seconds drawn alone, the two backends have sent the
                // same and know the same pen: the bytes are the same to the last. After it (it
                // may send again a cell the terminal already shows, or leave another pen), the
                // same screen.
                let (mut in_step, mut alone_since) = (true, false);
                for frame in 0..100 {
                    mono += if next(5) == 0 { 1_000 * (1 + next(120)) } else { 1_000 };
                    let t = now(mono);
                    let mut whole = app.advance(t, None);
                    match next(40) {
                        0 if !app.opts.mirror => {
                            let code = keys[usize::try_from(next(4)).expect("small")];
                            app.handle_key(KeyEvent::new(code, KeyModifiers::NONE), t);
                            whole = true;
                        }
                        // A change the loop is not told of: the key sees it.
                        1 => app.message = Some(format!("message {frame}")),
                        2 => app.message = None,
                        _ => {}
                    }
                    let (la, lb) = (a.backend().writer().len(), b.backend().writer().len());
                    event_loop::draw(&mut a, &mut ka, &app, t, true).expect("drawn whole");
                    let by_itself =
                        event_loop::draw(&mut b, &mut kb, &app, t, whole).expect("drawn");
                    let at = format!("{protocol} {w}x{h} frame {frame} at {mono}");
                    let (sa, sb) = (&a.backend().writer()[la..], &b.backend().writer()[lb..]);
                    if by_itself {
                        alone += 1;
                        alone_since = true;
                        if in_step {
                            in_step_alone += 1;
                            assert_eq!(
                                String::from_utf8_lossy(sa),
                                String::from_utf8_lossy(sb),
                                "{at}"
                            );
                        }
                    } else if alone_since {
                        in_step = false;
                    }
                    frames += 1;
                    let (va, vb) =
                        (shown(a.backend().writer(), w, h), shown(b.backend().writer(), w, h));
                    if let Some(d) = va.iter().zip(&vb).position(|(x, y)| x != y) {
                        panic!(
                            "{at} (drawn alone: {by_itself}): the screens differ at cell {d}: {} against {}",
                            va[d], vb[d]
                        );
                    }
                }
            }
        }
        assert!(alone * 3 > frames, "only {alone} of {frames} frames drew the countdown alone");
        assert!(in_step_alone > 100, "{in_step_alone} frames compared byte for byte");
    }

    /// After seconds that drew the countdown alone, a change of anything else in a second (a
    /// message the loop was not told of) draws the whole frame: the message shows.
    #[test]
    fn any_other_change_draws_the_whole_frame() {
        let mut app = app("project-tuning", &["Ann", "Ben", "Cat", "Dev"], false);
        let mut term = terminal(120, 40);
        let mut kept = Kept::default();
        let mut alone = 0;
        for s in 1..=5 {
            alone += u8::from(
                event_loop::draw(&mut term, &mut kept, &app, now(s * 1_000), s == 1)
                    .expect("drawn"),
            );
        }
        assert_eq!(alone, 4, "the seconds after the first draw the countdown alone");
        app.message = Some("Extended by one minute".into());
        let before = term.backend().writer().len();
        let by_itself =
            event_loop::draw(&mut term, &mut kept, &app, now(6_000), false).expect("drawn");
        assert!(!by_itself, "a message changed: the whole frame is drawn");
        let sent = String::from_utf8_lossy(&term.backend().writer()[before..]).into_owned();
        assert!(sent.contains("Extended by one minute"), "{sent:?}");
        let mut vt = vt100::Parser::new(
            std::num::NonZeroU16::new(40).expect("not zero"),
            std::num::NonZeroU16::new(120).expect("not zero"),
            0,
        );
        vt.process(term.backend().writer());
        assert!(vt.screen().contents().contains("Extended by one minute"));
    }

    /// A terminal drawn as the loop draws and its emulator, fed as it goes.
    struct Drawn {
        term: T,
        kept: Kept,
        vt: vt100::Parser,
        sent: usize,
    }

    impl Drawn {
        fn new(w: u16, h: u16) -> Self {
            let n = |v| std::num::NonZeroU16::new(v).expect("not zero");
            Self {
                term: terminal(w, h),
                kept: Kept::default(),
                vt: vt100::Parser::new(n(h), n(w), 0),
                sent: 0,
            }
        }

        /// Draws `app` at `t` (whole, or the countdown alone where the loop would) and feeds
        /// the emulator; returns whether the countdown was drawn alone, and the bytes sent.
        fn draw(&mut self, app: &LiveScreen, t: Now, whole: bool) -> (bool, Vec<u8>) {
            let alone =
                event_loop::draw(&mut self.term, &mut self.kept, app, t, whole).expect("drawn");
            let bytes = self.term.backend().writer()[self.sent..].to_vec();
            self.sent += bytes.len();
            self.vt.process(&bytes);
            (alone, bytes)
        }

        /// The terminal resized to `w` x `h` (the screen cleared, as ratatui does on a resize).
        fn resize(&mut self, w: u16, h: u16) {
            let n = |v| std::num::NonZeroU16::new(v).expect("not zero");
            self.term.backend_mut().resize_to(Size::new(w, h));
            self.term.resize(Rect::new(0, 0, w, h)).expect("resized");
            self.vt.set_size(n(h), n(w));
        }

        /// The screen as the emulator shows it, cell by cell (see [`shown`]).
        fn screen(&self) -> Vec<String> {
            let screen = self.vt.screen();
            let (h, w) = screen.size();
            let (h, w) = (h.get(), w.get());
            let mut cells = Vec::new();
            for y in 0..h {
                for x in 0..w {
                    let c = screen.cell(y, x).expect("a cell");
                    cells.push(cell(c));
                }
            }
            cells
        }
    }

    /// Coaching triads, second by second through the first stage (minute boundaries, WRAP UP at
    /// 4:00, TIME at 5:00, then OVER), the next stage (its cue appearing at 12:00), a message on
    /// the footer's row and one to the room, a resize, none of them told to the loop: at 120x40
    /// and 200x50 (the stage's name in large type) and at 120x30 and 200x34 (none), the terminal
    /// drawn as the loop draws (the countdown alone while nothing else changed) shows after
    /// every second exactly what a terminal drawn whole each second shows, cell by cell, with
    /// the same colours and attributes; until a whole frame follows seconds drawn alone, it also
    /// gets the very same bytes; and the countdown is drawn alone in most seconds.
    #[test]
    fn each_second_drawn_alone_leaves_the_screen_a_whole_frame_leaves() {
        let people = ["Ann", "Ben", "Cat", "Dev", "Eve", "Fay"];
        for (w0, h0) in [(120u16, 40u16), (200, 50), (120, 30), (200, 34)] {
            let (mut w, mut h) = (w0, h0);
            let mut app = app("coaching-triad", &people, false);
            let (mut a, mut b) = (Drawn::new(w, h), Drawn::new(w, h));
            let (mut alone, mut frames, mut in_step, mut since) = (0, 0, true, false);
            let mut saw = std::collections::BTreeSet::new();
            let mut step = |app: &mut LiveScreen,
                            mono: u64,
                            told: bool,
                            size: Option<(u16, u16)>| {
                if let Some((nw, nh)) = size {
                    (w, h) = (nw, nh);
                    a.resize(w, h);
                    b.resize(w, h);
                }
                let t = now(mono);
                let whole = app.advance(t, None) || told;
                let (_, sa) = a.draw(app, t, true);
                let (by_itself, sb) = b.draw(app, t, whole);
                let at = format!("{w}x{h} at {mono} ms");
                if by_itself {
                    alone += 1;
                    since = true;
                    if in_step {
                        assert_eq!(
                            String::from_utf8_lossy(&sa),
                            String::from_utf8_lossy(&sb),
                            "{at}"
                        );
                    }
                } else if since {
                    in_step = false;
                }
                frames += 1;
                let (va, vb) = (a.screen(), b.screen());
                if let Some(d) = va.iter().zip(&vb).position(|(x, y)| x != y) {
                    panic!(
                        "{at} (drawn alone: {by_itself}): cell {} of row {} is {} and should be {}",
                        d % usize::from(w),
                        d / usize::from(w),
                        vb[d],
                        va[d]
                    );
                }
                saw.insert(
                    display::phase(&app.state, mono)
                        .label()
                        .split(' ')
                        .next_back()
                        .map(str::to_string),
                );
            };
            // The first stage: 5 minutes, WRAP UP from 4:00, TIME at 5:00, then OVER.
            for s in 1..=400 {
                // Resized while only the countdown changes, and back; again a second before
                // TIME, and back in the overrun; the loop not told.
                let size = match s {
                    20 | 299 => Some((w0 - 13, h0 - 3)),
                    60 | 350 => Some((w0, h0)),
                    _ => None,
                };
                step(&mut app, s * 1_000 + 250, false, size);
                if s == 30 {
                    app.message = Some("Extended by one minute".into());
                }
                if s == 45 {
                    app.message = None;
                }
                if s == 100 {
                    app.exec(Command::ShowMessage { text: "Back at 10:40".into() }, now(s * 1_000))
                        .expect("shown");
                }
                if s == 200 {
                    app.exec(Command::ClearMessage, now(s * 1_000)).expect("cleared");
                }
            }
            // The next stage (a key: the loop is told), and its cue 12 minutes in.
            let t = now(401_000);
            app.handle_key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::NONE), t);
            step(&mut app, 401_000, true, None);
            for s in 0..=40 {
                step(&mut app, 401_000 + 700_000 + s * 1_000, s == 0, None);
            }
            assert!(display::shown_cue(&app.state).is_some(), "{w}x{h}: the cue shows");
            for word in ["RUNNING", "UP", "TIME", "OVER"] {
                assert!(
                    saw.iter().flatten().any(|s| s == word),
                    "{w}x{h}: {word} never showed: {saw:?}"
                );
            }
            assert!(alone * 2 > frames, "{w}x{h}: only {alone} of {frames} drawn alone");
        }
    }
}
