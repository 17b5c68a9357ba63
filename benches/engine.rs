//! `cargo bench --bench engine`: replaying a 10,000-event session, and one display-state
//! computation. A plain harness: run each measurement many times and report the median.
//! `CONVENE_BENCH_QUICK=1`: a 500-event session, a few runs (only to check that the bench runs).

#![allow(clippy::cast_precision_loss, clippy::disallowed_methods)]

mod common;

use common::{percentile, session, size, wall};
use std::hint::black_box;
use std::time::Instant;

use convene::session::display;
use convene::session::replay;

fn main() {
    let (setup, log) = session(size(10_000, 500));
    let runs = size(30, 3);
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let st = replay(setup.clone(), black_box(&log));
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        last = Some(st);
    }
    let st = last.expect("ran");
    let replay_ms = percentile(&mut times, 500);
    println!(
        "replay of {} events: median {replay_ms:.2} ms over {runs} runs ({:.3} µs per event)",
        log.len(),
        replay_ms * 1000.0 / log.len() as f64
    );

    let mono = st.last_at + 1_000;
    let mut times = Vec::new();
    for _ in 0..size(10_000, 100) {
        let t = Instant::now();
        let phase = display::phase(black_box(&st), mono);
        let cues = display::cues(&st, 4);
        let sched = display::schedule(&st, mono, wall(mono));
        let text = display::countdown_text(display::remaining(&st, mono));
        black_box((phase, cues, sched, text));
        times.push(t.elapsed().as_secs_f64() * 1_000_000.0);
    }
    println!(
        "display state (phase, cues, schedule, countdown): median {:.2} µs",
        percentile(&mut times, 500)
    );
}
