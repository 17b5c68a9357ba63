//! `cargo bench --bench log`: appending events to a session log (write + flush, and the sync at
//! stage changes), and replaying a 10,000-event log from disk (read + parse + replay). A plain
//! harness; the log is written in a temporary folder on the disk that holds `$TMPDIR`.

#![allow(clippy::cast_precision_loss, clippy::disallowed_methods)]

use std::hint::black_box;
use std::time::Instant;

use chrono::{DateTime, Duration, FixedOffset};
use convene::log::reader::read_log;
use convene::log::writer::LogWriter;
use convene::log::{Header, session_id};
use convene::protocol::Library;
use convene::session::{
    Command, Event, Now, SessionState, Setup, Stamped, apply, decide, due, replay,
};

fn wall(ms: u64) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-23T08:30:00+00:00").expect("valid")
        + Duration::milliseconds(i64::try_from(ms).expect("small"))
}

/// A coaching-triad session of 12 people driven until it has at least `n` events (as in the
/// engine bench).
fn session(n: usize) -> (Setup, Vec<Stamped>) {
    let people: Vec<String> = (1..=12).map(|i| format!("Member {i}")).collect();
    let setup = Setup {
        protocol: Library::builtin_only().get("coaching-triad").expect("built-in").clone(),
        participants: people,
        facilitator: Some("Fiona".into()),
        group_name: Some("Middle leaders".into()),
        overrides: std::collections::BTreeMap::default(),
        auto_advance: false,
        carried: vec![],
    };
    let mut st = SessionState::new(setup.clone());
    let mut log = Vec::new();
    let mut mono = 0u64;
    let push = |st: &mut SessionState, cmd: Command, mono: u64, log: &mut Vec<Stamped>| {
        let now = Now::new(mono, wall(mono));
        for e in due(st, now) {
            apply(st, &e);
            log.push(e);
        }
        if let Ok(es) = decide(st, cmd, now) {
            for e in es {
                apply(st, &e);
                log.push(e);
            }
        }
    };
    push(&mut st, Command::Start, 0, &mut log);
    let mut i = 0u64;
    while log.len() < n {
        assert!(st.is_running(), "the generated session must keep running");
        i += 1;
        mono += 7_000;
        let cmd = match i % 9 {
            0 => Command::Pause,
            1 => Command::Resume,
            2 => Command::Extend { by_ms: 60_000, agreement: None },
            3 => Command::Shorten { by_ms: 60_000 },
            4 => Command::AddNote {
                text: format!("note {i}: what the coachee said about the next lesson"),
                about: Some("Member 2".into()),
                group: Some(usize::try_from(i % 4).expect("small")),
                private: true,
            },
            5 => Command::AddCommitment {
                owner: "Member 1".into(),
                text: format!("commitment {i}"),
                due: Some("2 weeks".into()),
                group: None,
            },
            6 => Command::Next { force: true },
            7 => Command::Back,
            _ => Command::Jump { to: usize::try_from(i % 7).expect("small") },
        };
        push(&mut st, cmd, mono, &mut log);
    }
    log.truncate(n);
    (setup, log)
}

/// The value at `permille`/1000 of the sorted values (nearest rank).
fn percentile(v: &mut [f64], permille: usize) -> f64 {
    v.sort_by(f64::total_cmp);
    v[(v.len() - 1) * permille / 1000]
}

fn main() {
    let n = 10_000;
    let (setup, log) = session(n);
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
    let runs = 30;
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
