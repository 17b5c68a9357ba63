//! `cargo bench --bench live_people`: the live screen with a large group (a learning walk from a
//! roster), driven through its own key handling and drawn into ratatui's `TestBackend` at 200x60:
//! the start card (roster read, setup checked, first frame), `n` (next stage, then the frame) and
//! `e` (the note form opening, then the frame), at 100 and 1,000 people; and reading and
//! checking a roster of 200 and 2,000 rows, and refusing one of 30,000 (growth must be linear).
//! `CONVENE_BENCH_QUICK=1`: one pass at each size (only to check that the bench runs).

#![allow(clippy::cast_precision_loss, clippy::disallowed_methods)]

mod common;

use std::fmt::Write as _;
use std::time::Instant;

use convene::config::ThemeName;
use convene::protocol::Library;
use convene::session::{Now, SessionState, SetupRequest, parse_roster};
use convene::tui::live::{self, LiveScreen, Options};
use convene::tui::theme::Theme;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// A roster of `n` people from 20 schools, as a school's CSV export would hold them.
fn roster(n: usize) -> Vec<u8> {
    let mut csv = String::from("name,school\n");
    for i in 1..=n {
        let _ = writeln!(csv, "Teacher{} Surname{},School {}", i % 97, i, i % 20);
    }
    csv.into_bytes()
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

/// One pass at `n` people: the start card's time, then each `n`'s and each note form's.
fn pass(n: usize) -> (f64, Vec<f64>, Vec<f64>) {
    let protocol = Library::builtin_only().get("learning-walk-trio").expect("built-in").clone();
    let bytes = roster(n);
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    let opts = Options {
        quiet: true,
        flash: false,
        theme: Theme::resolve(ThemeName::Default, false),
        mirror: false,
    };
    let now = |mono: u64| Now::new(mono, common::wall(mono));
    let t = Instant::now();
    let people = parse_roster(&bytes, "people.csv").expect("a valid roster");
    let request = SetupRequest { roster: Some(people), ..SetupRequest::new(protocol, "") };
    let checked = request.check().expect("a setup convene runs");
    let mut app = LiveScreen::new(SessionState::new(checked.setup), None, opts);
    app.warnings = checked.warnings;
    let at = now(0);
    terminal.draw(|f| live::render(f, &app, at.mono, at.wall)).expect("draw");
    let start_card = ms(t);

    app.handle_key(key(' '), now(1000));
    let mut nexts = Vec::new();
    let mut notes = Vec::new();
    let mut mono = 2000;
    while app.state.is_running() && nexts.len() < 5 {
        for _ in 0..3 {
            mono += 1000;
            let t = Instant::now();
            app.handle_key(key('e'), now(mono));
            let at = now(mono);
            terminal.draw(|f| live::render(f, &app, at.mono, at.wall)).expect("draw");
            notes.push(ms(t));
            app.handle_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE), now(mono));
        }
        mono += 1000;
        let t = Instant::now();
        app.handle_key(key('n'), now(mono));
        let at = now(mono);
        terminal.draw(|f| live::render(f, &app, at.mono, at.wall)).expect("draw");
        nexts.push(ms(t));
    }
    assert!(!nexts.is_empty() && !notes.is_empty(), "the session ran");
    (start_card, nexts, notes)
}

fn main() {
    for n in people_sizes() {
        let mut cards = Vec::new();
        let mut nexts = Vec::new();
        let mut notes = Vec::new();
        for _ in 0..common::size(3, 1) {
            let (card, next, note) = pass(n);
            cards.push(card);
            nexts.extend(next);
            notes.extend(note);
        }
        let worst = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
        println!(
            "learning walk, {n:>5} people: start card median {:.1} ms; n median {:.1} ms (worst {:.1}); note form median {:.1} ms (worst {:.1})",
            common::percentile(&mut cards, 500),
            common::percentile(&mut nexts.clone(), 500),
            worst(&nexts),
            common::percentile(&mut notes.clone(), 500),
            worst(&notes),
        );
    }
    // Reading a roster and checking the setup it gives: linear in the rows (200 and 2,000, the
    // cap), and a roster of 30,000 refused in proportion too (it took 5.5 s).
    for rows in [200, 2_000, 30_000] {
        let bytes = roster(rows);
        let protocol = Library::builtin_only().get("learning-walk-trio").expect("built-in").clone();
        let mut times = Vec::new();
        let mut refused = false;
        for _ in 0..common::size(5, 1) {
            let t = Instant::now();
            let checked = parse_roster(&bytes, "people.csv").and_then(|people| {
                SetupRequest { roster: Some(people), ..SetupRequest::new(protocol.clone(), "") }
                    .check()
                    .map_err(|e| e.to_string())
            });
            times.push(ms(t));
            refused = checked.is_err();
            assert_eq!(refused, rows > convene::session::MAX_PARTICIPANTS, "{rows} rows");
        }
        println!(
            "roster of {rows:>6} rows read and checked{}: median {:.1} ms",
            if refused { " (refused: over the cap)" } else { "" },
            common::percentile(&mut times, 500)
        );
    }
}

/// 100 and 1,000 people; `CONVENE_BENCH_PEOPLE=N` adds another size (to see the growth).
fn people_sizes() -> Vec<usize> {
    let mut sizes = vec![100, 1000];
    if let Some(n) = std::env::var("CONVENE_BENCH_PEOPLE").ok().and_then(|v| v.parse().ok()) {
        sizes.push(n);
    }
    sizes
}
