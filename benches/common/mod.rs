//! What the benchmarks share: a fixed wall clock and a long, busy coaching-triad session.

#![allow(dead_code)]

use chrono::{DateTime, Duration, FixedOffset};
use convene::protocol::Library;
use convene::session::{Command, Now, SessionState, Setup, Stamped, apply, decide, due};

pub fn wall(ms: u64) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-23T08:30:00+00:00").expect("valid")
        + Duration::milliseconds(i64::try_from(ms).expect("small"))
}

/// A coaching triad of 12 (four groups) on the built-in protocol.
pub fn triad_setup() -> Setup {
    Setup {
        facilitator: Some("Fiona".into()),
        group_name: Some("Middle leaders".into()),
        ..Setup::new(
            Library::builtin_only().get("coaching-triad").expect("built-in").clone(),
            (1..=12).map(|i| format!("Member {i}")),
        )
    }
}

/// Whether to run the short mode (`CONVENE_BENCH_QUICK=1`): a few small runs, only to check that
/// the bench works (CI runs every bench this way); the figures mean nothing.
pub fn quick() -> bool {
    std::env::var("CONVENE_BENCH_QUICK").is_ok_and(|v| v == "1")
}

/// `full` normally, `short` in the short mode.
pub fn size(full: usize, short: usize) -> usize {
    if quick() { short } else { full }
}

/// A session of exactly `n` events: pauses, extensions, notes, commitments, moves back and
/// forth, every 7 seconds, so it keeps running however long it gets. The last command's events
/// may take it past `n`; the log is then cut to `n`, as a session stopped there would leave it.
pub fn session(n: usize) -> (Setup, Vec<Stamped>) {
    let setup = triad_setup();
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
                record: None,
            },
            5 => Command::AddCommitment {
                owner: "Member 1".into(),
                text: format!("commitment {i}"),
                due: Some("2 weeks".into()),
                group: None,
                record: None,
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

/// The value at `permille` (500 = median) of the sorted values.
pub fn percentile(v: &mut [f64], permille: usize) -> f64 {
    v.sort_by(f64::total_cmp);
    v[(v.len() * permille / 1000).min(v.len() - 1)]
}
