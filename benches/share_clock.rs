//! `cargo bench --bench share_clock`: a shared page agrees with the projector within ±250 ms
//! after 90 minutes, with the device's clock five minutes off (issue 19's budget), measured in
//! a real headless Chromium (Debian's `chromium`).
//!
//! The device's clock is the page's own `Date` (set with `Page.addScriptToEvaluateOnNewDocument`
//! before the page's script runs: the page reads no other clock). Each change of the shown
//! second is timed on the real clock and compared with the moment the laptop's countdown shows
//! that second (the stage's deadline minus the seconds shown).
//!
//! - five minutes ahead, and five minutes behind, with the laptop's clock events every 15 s as
//!   served;
//! - after 90 minutes of a device clock running 0.1 % fast (or slow): five minutes and 5.4 s off,
//!   still drifting. Ninety minutes are run ten times faster: the clock events come every 1.5 s
//!   and the device drifts 1 %, so between two clock events it drifts the same 15 ms as in the
//!   room. The page keeps only its last four clock samples, so its error does not grow with
//!   time: what a minute of this shows is what the 90th minute shows.
//!
//! `CONVENE_BENCH_QUICK=1`: six seconds per case (only to check that it runs). Without
//! chromium it says so and measures nothing.

#![allow(clippy::cast_precision_loss, clippy::disallowed_methods)]

#[allow(dead_code)] // the tests use the rest
#[path = "../tests/it/support/browser.rs"]
mod browser;
mod common;

use std::time::Duration;

use browser::{Browser, DeviceClock, chromium, clock_errors};
use common::{quick, triad_setup};
use convene::log::writer::LogWriter;
use convene::log::{Header, session_id};
use convene::session::{Command, Now, SessionState, apply, decide};
use convene::share::{Limits, Names, Share, ShareOptions};

/// A session started now on the real clock and shared on loopback; its first stage's deadline.
fn shared_now(dir: &std::path::Path, clock_every: Duration) -> (Share, i64) {
    let setup = triad_setup();
    let start = chrono::Local::now().fixed_offset();
    let header = Header::new(session_id(start.into()), start, setup.clone());
    let mut w = LogWriter::create(dir, &header.session, &header);
    let mut st = SessionState::new(setup);
    let opts = ShareOptions {
        addr: Some("127.0.0.1".parse().expect("address")),
        port: Some(0),
        limits: Limits { clock_every, ..Limits::default() },
        ..ShareOptions::default()
    };
    let share = Share::start(&w.path.clone(), &opts).expect("sharing starts");
    let now = Now::new(0, start);
    for e in decide(&st, Command::Start, now).expect("starts") {
        assert!(w.append(&e));
        apply(&mut st, &e);
    }
    let view = convene::share::view::project(&st, "", 0, now.wall.timestamp_millis(), Names::First);
    (share, view.clock.and_then(|c| c.deadline).expect("a deadline"))
}

fn main() {
    let Some(exe) = chromium() else {
        println!("skipped: no chromium here (apt-get install chromium)");
        return;
    };
    let run = Duration::from_secs(if quick() { 6 } else { 60 });
    let settle = Duration::from_secs(3);
    let five = 5 * 60_000;
    let ninety = 5_400; // 0.1 % of 90 minutes
    let cases = [
        ("5 min ahead", DeviceClock { shift_ms: five, rate: 0.0 }, 15_000),
        ("5 min behind", DeviceClock { shift_ms: -five, rate: 0.0 }, 15_000),
        ("90 min, 0.1 % fast", DeviceClock { shift_ms: five + ninety, rate: 0.01 }, 1_500),
        ("90 min, 0.1 % slow", DeviceClock { shift_ms: -five - ninety, rate: -0.01 }, 1_500),
    ];
    let chrome = Browser::launch(exe);
    println!("page against projector, per change of the shown second (ms; + late, - early):");
    let mut worst_all = 0;
    for (name, clock, every) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        let (share, deadline) = shared_now(dir.path(), Duration::from_millis(every));
        let errors = clock_errors(&chrome, share.url(), clock, deadline, settle, run);
        assert!(!errors.is_empty(), "{name}: the page's countdown never moved");
        let mean = errors.iter().sum::<i64>() as f64 / errors.len() as f64;
        let (lo, hi) = (errors.iter().min().copied(), errors.iter().max().copied());
        let worst = errors.iter().map(|e| e.abs()).max().unwrap_or(0);
        let within = errors.iter().filter(|e| e.abs() <= 250).count();
        worst_all = worst_all.max(worst);
        println!(
            "  {name:<20} {} changes, mean {mean:+.0}, min {:+}, max {:+}; within ±250 ms: {within} of {}",
            errors.len(),
            lo.unwrap_or(0),
            hi.unwrap_or(0),
            errors.len()
        );
        drop(share);
    }
    println!("worst: {worst_all} ms (budget ±250 ms)");
}
