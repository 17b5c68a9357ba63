//! Engine properties: replaying the log equals the live state for any command sequence; every
//! built-in protocol runs start to finish; warnings and time-ups fire exactly once per stage.

#![allow(clippy::cast_possible_wrap)]

use crate::support;

use chrono::{DateTime, FixedOffset};
use convene::protocol::{Library, RecordKind};
use convene::session::{
    Agreement, Command, Event, Now, Rejection, SessionState, Setup, Stamped, Status, apply,
    check_setup, decide, due, next_wake, replay,
};
use proptest::prelude::*;
use support::commands::{Clocks, Step, any_step, restart_gap};

fn wall(ms: u64) -> DateTime<FixedOffset> {
    support::wall(ms)
}

fn setup(id: &str, people: &[&str], auto: bool) -> Setup {
    Setup {
        facilitator: Some("Fiona".into()),
        group_name: Some("AP set".into()),
        auto_advance: auto,
        ..Setup::new(
            Library::builtin_only().get(id).expect("built-in").clone(),
            people.iter().copied(),
        )
    }
}

const PROTOCOLS: &[(&str, &[&str])] = &[
    ("project-tuning", &["Priya", "Ann", "Ben"]),
    ("action-learning", &["Ann", "Ben", "Cat", "Dev"]),
    ("coaching-triad", &["Ann", "Ben", "Cat", "Dev", "Eve", "Fay", "Gus"]),
    ("storm-rehearsal", &["Ann", "Ben", "Cat"]),
    ("grow-coaching", &["Ann", "Ben"]),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn replaying_the_log_gives_the_live_state(
        (which, steps) in (0..PROTOCOLS.len()).prop_flat_map(|w| {
            let people: Vec<String> = PROTOCOLS[w].1.iter().map(|p| (*p).to_string()).collect();
            (Just(w), prop::collection::vec((0u64..400_000, any_step(&people)), 1..60))
        }),
        auto in any::<bool>(),
    ) {
        let (id, people) = PROTOCOLS[which];
        let setup = setup(id, people, auto);
        let mut live = SessionState::new(setup.clone());
        let mut log: Vec<Stamped> = Vec::new();
        let mut clocks = Clocks::default();
        let run = |live: &mut SessionState, log: &mut Vec<Stamped>, cmd: Command, now: Now| {
            if let Ok(events) = decide(live, cmd, now) {
                for e in events {
                    apply(live, &e);
                    log.push(e);
                }
            }
        };
        let tick = |live: &mut SessionState, log: &mut Vec<Stamped>, now: Now| {
            for e in due(live, now) {
                apply(live, &e);
                log.push(e);
            }
        };
        for (dt, step) in steps {
            clocks.mono += dt;
            let mut now = clocks.now(support::wall(0));
            tick(&mut live, &mut log, now);
            match step {
                Step::Command(cmd) => run(&mut live, &mut log, cmd, now),
                Step::Wait => {}
                Step::Restart { down_ms } => {
                    // convene stops and starts again: what it runs on is the log's replay.
                    let replayed = replay(setup.clone(), &log);
                    prop_assert_eq!(&replayed, &live, "before the restart");
                    clocks.restart(&replayed, down_ms);
                    live = replayed;
                    now = clocks.now(support::wall(0));
                    if let Some(gap) = restart_gap(&live, now) {
                        run(&mut live, &mut log, gap, now);
                    }
                }
            }
            // A command can make time-caused events due (a gap, a shortening): the screen
            // applies them straight away, as here.
            tick(&mut live, &mut log, now);
            // Once time-caused events are applied, nothing more is due at the same instant
            // (unless auto-advance moved on into a stage that is itself already over).
            if !auto {
                prop_assert!(due(&live, now).is_empty());
            }
        }
        // Through JSON as well: the log on disk must replay too.
        let text: Vec<String> = log.iter().map(|e| serde_json::to_string(e).expect("json")).collect();
        let back: Vec<Stamped> = text.iter().map(|t| serde_json::from_str(t).expect("parse")).collect();
        prop_assert_eq!(&back, &log);
        prop_assert_eq!(replay(setup, &back), live);
    }

    #[test]
    fn warning_and_time_up_fire_once_per_stage_across_pauses(
        pauses in prop::collection::vec((1u64..120_000, 1u64..120_000), 0..6),
    ) {
        let s = setup("project-tuning", &["Priya", "Ann"], false);
        let mut st = SessionState::new(s);
        let mut mono = 0;
        let mut all = Vec::new();
        let step = |st: &mut SessionState, cmd: Command, mono: u64, all: &mut Vec<Stamped>| {
            let now = Now { mono, wall: wall(mono) };
            for e in due(st, now) { apply(st, &e); all.push(e); }
            if let Ok(es) = decide(st, cmd, now) { for e in es { apply(st, &e); all.push(e); } }
        };
        step(&mut st, Command::Start, 0, &mut all);
        for (run, rest) in pauses {
            mono += run;
            step(&mut st, Command::Pause, mono, &mut all);
            mono += rest;
            step(&mut st, Command::Resume, mono, &mut all);
        }
        // Poll every second to ten minutes past the 4-minute stage.
        for _ in 0..1200 {
            mono += 1000;
            let now = Now { mono, wall: wall(mono) };
            for e in due(&st, now) { apply(&mut st, &e); all.push(e); }
        }
        let warnings = all.iter().filter(|e| matches!(e.event, Event::WarningReached { .. })).count();
        let ups = all.iter().filter(|e| matches!(e.event, Event::TimeUp { .. })).count();
        prop_assert_eq!(warnings, 1);
        prop_assert_eq!(ups, 1);
    }
}

#[test]
fn every_builtin_runs_start_to_finish() {
    for entry in &Library::builtin_only().entries {
        let p = entry.protocol.as_ref().expect("valid").clone();
        let n = p.group.max.unwrap_or(p.group.min.max(4)).min(6) as usize;
        let names = ["Ann", "Ben", "Cat", "Dev", "Eve", "Fay"];
        let people: Vec<String> = names[..n].iter().map(|s| (*s).to_string()).collect();
        let s = Setup { facilitator: Some("Fiona".into()), ..Setup::new(p.clone(), people) };
        check_setup(&s).unwrap_or_else(|e| panic!("{}: {e}", p.id));
        let mut st = SessionState::new(s);
        let mut mono = 0;
        let go = |st: &mut SessionState, cmd: Command, mono: u64| {
            let now = Now { mono, wall: wall(mono) };
            for e in due(st, now) {
                apply(st, &e);
            }
            for e in decide(st, cmd, now).unwrap_or_else(|r| panic!("{}: {r}", p.id)) {
                apply(st, &e);
            }
        };
        go(&mut st, Command::Start, 0);
        let total = st.stages.len();
        for _ in 0..total {
            let budget = st.clock().expect("clock").budget_ms;
            mono += budget;
            // Every record the stage expects, each for its record, with the fields it requires:
            // one per person where it is one per person, else one per group.
            for r in st.missing_records(st.pos) {
                let who: Vec<String> = if r.per_person {
                    r.missing.clone()
                } else {
                    vec!["Ann".to_string(); r.need - r.have]
                };
                for person in who {
                    let cmd = match r.kind {
                        RecordKind::Commitment => Command::AddCommitment {
                            owner: person,
                            text: "something".into(),
                            due: Some("next week".into()),
                            group: None,
                            record: r.id.clone(),
                        },
                        RecordKind::Note => Command::AddNote {
                            text: "x".into(),
                            about: Some(person),
                            group: None,
                            private: true,
                            record: r.id.clone(),
                        },
                    };
                    go(&mut st, cmd, mono);
                }
            }
            go(&mut st, Command::Next { force: false }, mono);
        }
        assert_eq!(st.status, Status::Ended(convene::session::Outcome::Completed), "{}", p.id);
        let planned = st.planned_ms();
        let actual: u64 = st.clocks.iter().map(|c| c.banked_ms).sum();
        assert_eq!(planned, actual, "{}: ran exactly to plan", p.id);
    }
}

#[test]
fn a_paused_session_has_nothing_to_wake_for() {
    let mut st = SessionState::new(setup("project-tuning", &["Priya", "Ann"], false));
    let go = |st: &mut SessionState, cmd, mono| {
        for e in decide(st, cmd, Now { mono, wall: wall(mono) }).expect("accepted") {
            apply(st, &e);
        }
    };
    go(&mut st, Command::Start, 0);
    assert_eq!(next_wake(&st), Some(180_000), "the warning at 3:00 is next");
    go(&mut st, Command::Pause, 10_000);
    assert_eq!(next_wake(&st), None);
    go(&mut st, Command::Resume, 70_000);
    assert_eq!(next_wake(&st), Some(240_000));
}

#[test]
fn extension_policy_is_enforced_with_a_reason() {
    // Format 1's action learning: every stage of a slot under `group-agreement`.
    let v1 = Setup {
        protocol: support::v1("action-learning"),
        ..setup("action-learning", &["Ann", "Ben", "Cat"], false)
    };
    let mut st = SessionState::new(v1);
    let now = |mono| Now { mono, wall: wall(mono) };
    for e in decide(&st, Command::Start, now(0)).expect("start") {
        apply(&mut st, &e);
    }
    for e in decide(&st, Command::Jump { to: 5 }, now(0)).expect("jump") {
        apply(&mut st, &e);
    }
    let r = decide(&st, Command::Extend { by_ms: 60_000, agreement: None }, now(1)).unwrap_err();
    assert_eq!(r, Rejection::NeedsAgreement);
    assert!(r.to_string().contains("group's agreement"), "{r}");
    let blank =
        Command::Extend { by_ms: 60_000, agreement: Some(Agreement::People(vec![" ".into()])) };
    assert!(decide(&st, blank, now(1)).is_err());
}
