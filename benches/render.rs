//! `cargo bench --bench render`: one full render of the live screen at 200x60 (a running coaching
//! triad of 12, four groups) into ratatui's `TestBackend`, median over many frames.
//! `CONVENE_BENCH_QUICK=1`: 20 frames (only to check that the bench runs).

#![allow(clippy::cast_precision_loss, clippy::disallowed_methods)]

mod common;

use std::hint::black_box;
use std::time::Instant;

use chrono::{DateTime, Duration};
use convene::config::ThemeName;
use convene::protocol::Library;
use convene::session::{Command, Now, SessionState, Setup};
use convene::tui::live;
use convene::tui::live::{LiveScreen, Options};
use convene::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn main() {
    let people: Vec<String> = (1..=12).map(|i| format!("Member {i}")).collect();
    let setup = Setup {
        facilitator: Some("Fiona".into()),
        group_name: Some("Middle leaders".into()),
        ..Setup::new(
            Library::builtin_only().get("coaching-triad").expect("built-in").clone(),
            people,
        )
    };
    let opts = Options {
        quiet: true,
        flash: false,
        theme: Theme::resolve(ThemeName::Default, false),
        mirror: false,
    };
    let mut app = LiveScreen::new(SessionState::new(setup), None, opts);
    let wall = DateTime::parse_from_rfc3339("2026-11-23T08:30:00+00:00").expect("valid");
    app.exec(Command::Start, Now::new(0, wall)).expect("starts");
    app.exec(Command::Next { force: false }, Now::new(1000, wall)).expect("next");
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    let mut times = Vec::new();
    for i in 0..u64::try_from(common::size(2000, 20)).expect("small") {
        let mono = 2000 + i * 997;
        let now = wall + Duration::milliseconds(i64::try_from(mono).expect("small"));
        let t = Instant::now();
        terminal.draw(|f| live::render(f, black_box(&app), mono, now)).expect("draw");
        times.push(t.elapsed().as_secs_f64() * 1_000_000.0);
    }
    let frames = times.len();
    println!(
        "full render of the live screen at 200x60: median {:.0} µs, p99 {:.0} µs over {frames} frames",
        common::percentile(&mut times, 500),
        common::percentile(&mut times, 990),
    );
}
