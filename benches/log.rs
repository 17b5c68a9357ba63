//! `cargo bench --bench log`: appending events to a session log (write + flush, and the sync at
//! stage changes), and replaying a 10,000-event log from disk (read + parse + replay). A plain
//! harness; the log is written in a temporary folder on the disk that holds `$TMPDIR`.
//! `CONVENE_BENCH_QUICK=1`: a 500-event log, 3 replays (only to check that the bench runs).

#![allow(clippy::cast_precision_loss, clippy::disallowed_methods)]

mod common;

use common::{percentile, session, size, wall};
use std::hint::black_box;
use std::time::Instant;

use convene::log::reader::read_log;
use convene::log::writer::LogWriter;
use convene::log::{Header, session_id};
use convene::session::{Event, replay};

fn main() {
    let (setup, log) = session(size(10_000, 500));
    let n = log.len();
    let tmp = tempfile::tempdir().expect("tempdir");
    println!("log folder: {}", tmp.path().display());

    // Appending: each call writes the line to the file; stage changes also sync it to disk.
    let header = Header::new(session_id(wall(0).to_utc()), wall(0), setup.clone());
    let mut w = LogWriter::create(tmp.path(), &header.session, &header);
    let mut plain = Vec::new();
    let mut synced = Vec::new();
    let mut all = Vec::new();
    for e in &log {
        let t = Instant::now();
        let ok = w.append(black_box(e));
        let us = t.elapsed().as_secs_f64() * 1_000_000.0;
        assert!(ok, "{:?}", w.error);
        all.push(us);
        if matches!(
            e.event,
            Event::StageEntered { .. } | Event::SessionEnded { .. } | Event::SessionStarted { .. }
        ) {
            synced.push(us);
        } else {
            plain.push(us);
        }
    }
    let bytes = std::fs::metadata(&w.path).expect("metadata").len();
    println!("log of {n} events: {:.1} KiB", bytes as f64 / 1024.0);
    println!(
        "append, all {n}: median {:.1} µs, p99 {:.1} µs",
        percentile(&mut all, 500),
        percentile(&mut all, 990)
    );
    println!(
        "append without sync ({}): median {:.1} µs, p99 {:.1} µs",
        plain.len(),
        percentile(&mut plain, 500),
        percentile(&mut plain, 990)
    );
    println!(
        "append with sync, at stage changes ({}): median {:.2} ms, p99 {:.2} ms",
        synced.len(),
        percentile(&mut synced, 500) / 1000.0,
        percentile(&mut synced, 990) / 1000.0
    );

    // Replaying from disk: read + parse + replay.
    let runs = size(30, 3);
    let (mut total, mut read) = (Vec::new(), Vec::new());
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let read_back = read_log(black_box(&w.path)).expect("read");
        let r = t.elapsed();
        let st = replay(read_back.header.setup.clone(), &read_back.events);
        total.push(t.elapsed().as_secs_f64() * 1000.0);
        read.push(r.as_secs_f64() * 1000.0);
        assert!(read_back.problems.is_empty());
        last = Some((read_back.events.len(), st));
    }
    let (events, st) = last.expect("ran");
    assert_eq!(events, n);
    assert_eq!(st, replay(setup, &log), "the log replays to the live state");
    println!(
        "replay of {events} events from disk (read + parse + replay): median {:.2} ms \
         (read + parse {:.2} ms) over {runs} runs",
        percentile(&mut total, 500),
        percentile(&mut read, 500)
    );
}
