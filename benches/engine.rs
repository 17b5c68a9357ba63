//! `cargo bench --bench engine`: replaying a 10,000-event session, and one display-state
//! computation. A plain harness: run each measurement many times and report the median.

#![allow(clippy::cast_precision_loss, clippy::disallowed_methods)]

use std::hint::black_box;
use std::time::Instant;

use chrono::{DateTime, Duration, FixedOffset};
use convene::protocol::Library;
use convene::session::view;
use convene::session::{Command, Now, SessionState, Setup, Stamped, apply, decide, due, replay};

fn wall(ms: u64) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-23T08:30:00+00:00").expect("valid")
        + Duration::milliseconds(i64::try_from(ms).expect("small"))
}

/// A coaching-triad session of 12 people driven until it has at least `n` events.
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
        let now = Now { mono, wall: wall(mono) };
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
                text: format!("note {i}"),
                about: None,
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
    (setup, log)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let (setup, log) = session(10_000);
    let runs = 30;
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let st = replay(setup.clone(), black_box(&log));
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        last = Some(st);
    }
    let st = last.expect("ran");
    let replay_ms = median(times);
    println!(
        "replay of {} events: median {replay_ms:.2} ms over {runs} runs ({:.3} µs per event)",
        log.len(),
        replay_ms * 1000.0 / log.len() as f64
    );

    let mono = st.last_at + 1_000;
    let mut times = Vec::new();
    for _ in 0..10_000 {
        let t = Instant::now();
        let phase = view::phase(black_box(&st), mono);
        let cues = view::cues(&st, 4);
        let sched = view::schedule(&st, mono, wall(mono));
        let text = view::countdown_text(view::remaining(&st, mono));
        black_box((phase, cues, sched, text));
        times.push(t.elapsed().as_secs_f64() * 1_000_000.0);
    }
    println!("display state (phase, cues, schedule, countdown): median {:.2} µs", median(times));
}
