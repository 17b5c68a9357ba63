//! `cargo bench --bench mirror`: the projector mirror's first frame on a long log, and following
//! a log from its start, at 2,000 and 20,000 events: both must grow in step with the log
//! (linear), and the 20,000-event first frame stay well under a second. The first frame is what
//! `convene mirror` does before the screen shows: read the log (read + parse), replay it, the
//! follower's first look (it takes over where the read ended, so reads nothing), and draw at
//! 120x40 into ratatui's `TestBackend`. Following from the start is the follower reading a whole
//! log, a chunk at a time, applying each event to the screen: a log cut back and read again.
//! Also at 200,000 events (30 MiB), to show the growth past the caches.
//! `CONVENE_BENCH_QUICK=1`: 2,000 and 20,000 events, one run of each instead of the median of 7.

#![allow(clippy::cast_precision_loss, clippy::disallowed_methods)]

mod common;

use common::{percentile, session, size, wall};
use std::hint::black_box;
use std::time::Instant;

use convene::config::ThemeName;
use convene::log::follow::Follower;
use convene::log::reader::read_log;
use convene::log::{Header, Line, session_id};
use convene::session::{Now, SessionState};
use convene::tui::event_loop::Source;
use convene::tui::live::{self, LiveScreen, Options};
use convene::tui::mirror;
use convene::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn opts() -> Options {
    Options {
        quiet: true,
        flash: true,
        theme: Theme::resolve(ThemeName::Default, false),
        mirror: true,
    }
}

/// (first frame, following from the start), in milliseconds, medians over `runs`.
fn measure(n: usize, runs: usize) -> (f64, f64, u64) {
    let (setup, log) = session(n);
    let tmp = tempfile::tempdir().expect("tempdir");
    // Written as the writer writes it, in one go (the writer's syncs at stage changes are not
    // what is measured here, and would take minutes in the quick mode's debug build).
    let header = Header::new(session_id(wall(0).to_utc()), wall(0), setup.clone());
    let mut text = serde_json::to_string(&header).expect("header");
    text.push('\n');
    for (seq, e) in (1..).zip(&log) {
        text.push_str(&serde_json::to_string(&Line { seq, stamped: e.clone() }).expect("line"));
        text.push('\n');
    }
    let path = tmp.path().join(format!("{}.jsonl", header.session));
    std::fs::write(&path, text).expect("write");
    let bytes = std::fs::metadata(&path).expect("log").len();
    let (mut first, mut follow) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        let read = read_log(black_box(&path)).expect("read");
        let (mut screen, mut watched) = mirror::open(&path, &read, opts());
        let mut clock = mirror::anchored_clock(&screen.state);
        watched.poll(&mut screen, &mut clock);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        let now = Now::new(screen.state.last_at, wall(screen.state.last_at));
        terminal.draw(|f| live::render(f, &screen, now.mono, now.wall)).expect("draw");
        first.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(screen.state.events, n as u64);

        let t = Instant::now();
        let mut screen = LiveScreen::new(SessionState::new(setup.clone()), None, opts());
        let mut follower = Follower::new(&path, 0);
        loop {
            mirror::follow(&mut follower, &mut screen);
            if !follower.is_behind() {
                break;
            }
        }
        follow.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(screen.state.events, n as u64);
    }
    (percentile(&mut first, 500), percentile(&mut follow, 500), bytes)
}

fn main() {
    let runs = size(7, 1);
    let mut rows = Vec::new();
    let sizes: &[usize] =
        if common::quick() { &[2_000, 20_000] } else { &[2_000, 20_000, 200_000] };
    for &n in sizes {
        let (first, follow, bytes) = measure(n, runs);
        println!(
            "{n} events ({:.1} MiB): first frame {first:.1} ms ({:.2} µs/event), following from \
             the start {follow:.1} ms ({:.2} µs/event); median of {runs}",
            bytes as f64 / 1_048_576.0,
            first * 1000.0 / n as f64,
            follow * 1000.0 / n as f64
        );
        rows.push((first, follow));
    }
    for (i, w) in rows.windows(2).enumerate() {
        println!(
            "{} against {} events (10x the log): first frame {:.1}x, following {:.1}x",
            sizes[i + 1],
            sizes[i],
            w[1].0 / w[0].0,
            w[1].1 / w[0].1
        );
    }
}
