//! A planned start (`--start`) and a hard stop (`--until`), issue 22: a session started late is
//! late from its first second; past the stop the screen says by how much; a rebalance of the
//! stages to come lands on the stop with the presenters' slots equal, is logged and replayed
//! (review shows it), and a refused one leaves the plan as it was. The rig's clock starts at
//! 08:30 ([`support::START`]); nothing here reads a real clock.

use crate::support;

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use convene::session::display::{proposal, schedule};
use convene::session::{Setup, Stamped, replay};
use crossterm::event::KeyCode;
use support::rig::{Rig, builtin, mono_opts, setup};

/// 08:30 plus `minutes` (negative: before), on the rig's day.
fn at(minutes: i64) -> DateTime<FixedOffset> {
    support::wall(0) + chrono::Duration::minutes(minutes)
}

/// Six people in two triads: three rounds of 28 minutes and a closing of 15, 99 minutes planned.
const TRIADS: &[&str] = &["Ann", "Ben", "Cat", "Dev", "Eve", "Fay"];

fn triads(start: Option<i64>, stop: Option<i64>) -> Setup {
    Setup {
        planned_start: start.map(at),
        hard_stop: stop.map(at),
        ..setup(builtin("coaching-triad"), TRIADS)
    }
}

/// An action learning set of five.
const SET: &[&str] = &["Ann", "Ben", "Cat", "Dev", "Eve"];

/// The session line of the screen (the one saying when the session ends).
fn session_line(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains(" min past") || l.contains("on plan") || l.contains("ahead"))
        .unwrap_or_else(|| panic!("no session line in\n{screen}"))
        .to_string()
}

/// The budgets of each round's stages, round by round.
fn slots(rig: &Rig) -> Vec<u64> {
    let s = &rig.app.state;
    (0..s.rounds)
        .map(|r| {
            s.stages
                .iter()
                .zip(&s.clocks)
                .filter(|(at, _)| at.round == Some(r))
                .map(|(_, c)| c.budget_ms)
                .sum()
        })
        .collect()
}

#[test]
fn a_set_started_late_shows_late_from_its_first_second() {
    // Planned for 08:15, started at 08:30: 15 minutes behind from the first second.
    let mut rig = Rig::new(
        Setup { planned_start: Some(at(-15)), ..setup(builtin("action-learning"), SET) },
        mono_opts(),
    );
    rig.press(' ');
    rig.wait(1000);
    let sched = schedule(&rig.app.state, rig.mono, support::wall(rig.mono));
    assert_eq!(sched.minutes_late(), 15);
    assert_eq!(sched.planned_start, at(-15));
    let line = session_line(&rig.render(140, 40));
    assert!(line.contains("15 min past plan"), "{line}");
    // Without --start the same moment is on plan.
    let mut on_time = Rig::new(setup(builtin("action-learning"), SET), mono_opts());
    on_time.press(' ');
    on_time.wait(1000);
    assert!(session_line(&on_time.render(140, 40)).contains("on plan"));
    // Before the start, a planned start still to come is the plan's start, not now.
    let early = Rig::new(
        Setup { planned_start: Some(at(10)), ..setup(builtin("action-learning"), SET) },
        mono_opts(),
    );
    assert_eq!(schedule(&early.app.state, 0, support::wall(0)).minutes_late(), 0);
}

#[test]
fn past_the_stop_the_screen_says_by_how_much_and_offers_a_rebalance() {
    // 99 minutes from 08:30 end at 10:09: nine minutes past a 10:00 stop.
    let mut rig = Rig::new(triads(None, Some(90)), mono_opts());
    let planned = slots(&rig);
    rig.press(' ');
    let screen = rig.render(140, 40);
    assert!(screen.contains("projected 10:09 · 9 min past the 10:00 stop"), "{screen}");
    // Offered at once, beside the current plan.
    assert!(screen.contains("Land on the stop?"), "{screen}");
    assert!(screen.contains("Lands on the 10:00 stop"), "{screen}");
    assert!(screen.contains("15:00 → "), "the conversation's time now and proposed:\n{screen}");
    // Refused: the plan is as it was, and nothing is logged.
    rig.code(KeyCode::Esc);
    assert_eq!(slots(&rig), planned);
    assert!(rig.events("rebalanced").is_empty());
    assert_eq!(rig.app.message.as_deref(), Some("Rebalance refused: the plan is unchanged."));
    // Offered once; the key asks again.
    rig.wait(1000);
    assert!(!rig.render(140, 40).contains("Land on the stop?"));
    rig.press('l');
    assert!(rig.render(140, 40).contains("Land on the stop?"));
}

#[test]
fn an_accepted_rebalance_lands_on_the_stop_with_equal_slots_and_is_logged() {
    let mut rig = Rig::new(triads(None, Some(90)), mono_opts());
    let planned = slots(&rig);
    rig.press(' ');
    rig.press('y');
    let s = &rig.app.state;
    let sched = schedule(s, rig.mono, support::wall(rig.mono));
    let early = (at(90) - sched.projected_end).num_milliseconds();
    assert!((0..1000).contains(&early), "ends {early} ms before the stop");
    assert!(sched.past_stop_ms().is_none());
    // Started on time, it is on its rebalanced plan.
    assert_eq!(sched.minutes_late(), 0);
    let line = session_line(&rig.render(140, 40));
    assert!(line.contains("ends 09:59, on plan"), "{line}");
    // Every presenter's slot is equal, and none loses more than a tenth of the plan's.
    let now = slots(&rig);
    assert!(now.iter().all(|s| *s == now[0]), "{now:?}");
    assert!(now[0] * 10 >= planned[0] * 9, "{now:?} against {planned:?}");
    // Fixed stages keep their time; those that give stay at or above their minimums.
    let st = &rig.app.state;
    for (pos, c) in st.clocks.iter().enumerate() {
        let spec = st.spec(pos).expect("a stage");
        match &spec.can_give {
            None => assert_eq!(c.budget_ms, c.planned_ms, "{}", spec.id),
            Some(g) => assert!(c.budget_ms >= g.min.ms(), "{}", spec.id),
        }
    }
    // Logged, and replay (resume, the mirror, review) sees it.
    let logged = rig.events("rebalanced");
    assert_eq!(logged.len(), 1, "{}", rig.log_text());
    let events: Vec<Stamped> =
        rig.log_lines().into_iter().map(|l| serde_json::from_value(l).expect("an event")).collect();
    let replayed = replay(triads(None, Some(90)), &events);
    assert_eq!(replayed.clocks, rig.app.state.clocks);
    assert_eq!(replayed.rebalances, rig.app.state.rebalances);
    // Nothing more to propose once it lands.
    assert!(proposal(&rig.app.state, rig.mono, support::wall(rig.mono)).is_none());
    // Review shows the planned start, the stop and the rebalanced times.
    let out = support::cli::run(rig.dir.path(), &["logs", "show", "20261123-083000-000"]);
    let text = support::cli::ok(&out);
    assert!(text.contains("Hard stop 10:00"), "{text}");
    assert!(text.contains("rebalanced once"), "{text}");
    assert!(text.contains("rebalanced 15:00 → "), "{text}");
    assert!(text.contains("to land on the 10:00 stop"), "{text}");
}

#[test]
fn where_no_rebalance_reaches_the_stop_it_says_by_how_much() {
    // Project tuning's steps are fixed: 24 minutes from 08:30 against an 08:40 stop.
    let mut rig = Rig::new(
        Setup {
            hard_stop: Some(at(10)),
            ..setup(builtin("project-tuning"), &["Ann", "Ben", "Cat"])
        },
        mono_opts(),
    );
    rig.press(' ');
    let message = rig.app.message.clone().unwrap_or_default();
    assert!(message.contains("No rebalance reaches the 08:40 stop"), "{message}");
    assert!(message.contains("14 min past"), "{message}");
    // Triads against a 09:30 stop: every stage that gives at its minimum still ends past it.
    let mut rig = Rig::new(triads(None, Some(60)), mono_opts());
    rig.press(' ');
    let screen = rig.render(140, 40);
    assert!(screen.contains("Even so it ends"), "{screen}");
    assert!(screen.contains("min past the 09:30 stop"), "{screen}");
}

#[test]
fn start_and_until_on_the_command_line_are_checked() {
    let root = tempfile::tempdir().expect("tempdir");
    let out = support::cli::run(
        root.path(),
        &["run", "project-tuning", "-p", "Ann,Ben,Cat", "--start", "8h30"],
    );
    let err = support::cli::stderr(&out);
    assert!(!out.status.success());
    assert!(err.contains("\"8h30\" is not a time of day") && err.contains("HH:MM"), "{err}");
    let out = support::cli::run(
        root.path(),
        &["run", "project-tuning", "-p", "Ann,Ben,Cat", "--start", "13:00", "--until", "12:30"],
    );
    let err = support::cli::stderr(&out);
    assert!(err.contains("the hard stop 12:30 is not after the planned start 13:00"), "{err}");
    let help = support::cli::ok(&support::cli::run(root.path(), &["run", "--help"]));
    assert!(help.contains("--start <HH:MM>") && help.contains("--until <HH:MM>"), "{help}");
}

#[test]
fn a_stage_may_give_only_down_to_a_minimum_within_its_duration() {
    let p = builtin("coaching-triad");
    let mut v: serde_json::Value = serde_json::to_value(&p).expect("json");
    v["round"][1]["can_give"] = serde_json::json!({ "min": "20m" });
    let text = serde_json::to_string_pretty(&v).expect("json");
    let e = convene::protocol::parse_protocol(&text, "triad.json").expect_err("refused");
    let e = e.to_string();
    assert!(e.contains("can_give min 20m is longer than the stage (15m)"), "{e}");
    // `protocols show` says which stages may give, and how far.
    let root = tempfile::tempdir().expect("tempdir");
    let shown =
        support::cli::ok(&support::cli::run(root.path(), &["protocols", "show", "coaching-triad"]));
    assert!(shown.contains("may give time to land on a hard stop, down to 12:00"), "{shown}");
    let tuning =
        support::cli::ok(&support::cli::run(root.path(), &["protocols", "show", "project-tuning"]));
    assert!(!tuning.contains("may give time"), "project tuning's steps are fixed:\n{tuning}");
}

/// In a real terminal: a triad started 20 minutes after its `--start`, with a stop 90 minutes
/// away, says how far past the stop it will end and offers the rebalance; accepted, it lands on
/// the stop and stays late against the plan. The times are today's, read from the clock here as
/// convene reads them; near midnight (when "today" would change during the test) it does
/// nothing.
#[test]
#[cfg_attr(windows, ignore = "needs tmux, which Windows does not have")]
#[allow(clippy::disallowed_methods)] // the times given on the command line are today's
fn in_a_real_terminal_the_stop_line_and_the_rebalance() {
    use chrono::Timelike;
    use std::time::Duration;
    use support::tmux::{Tmux, have_tmux};
    const SOON: Duration = Duration::from_secs(60);
    if !have_tmux() {
        return;
    }
    let now = chrono::Local::now();
    if !(1..22).contains(&now.hour()) {
        return;
    }
    let start = (now - chrono::Duration::minutes(20)).format("%H:%M").to_string();
    let until = (now + chrono::Duration::minutes(90)).format("%H:%M").to_string();
    let t = Tmux::new("hard-stop");
    let args = format!("run coaching-triad --people 'Ann,Ben,Cat' --start {start} --until {until}");
    t.start("live", (120, 35), &args, |c| format!("{c}; echo EXITED $?; sleep 30"));
    t.wait_text("live", "READY", SOON);
    t.keys("live", &["Space"]);
    // 99 minutes from now end about nine minutes past a stop 90 minutes away.
    let screen = t.wait_for("live", "the stop line and the offer", SOON, |s| {
        s.contains(&format!("min past the {until} stop")) && s.contains("Land on the stop?")
    });
    assert!(screen.contains("projected "), "{screen}");
    t.keys("live", &["y"]);
    let screen = t.wait_for("live", "the rebalance accepted", SOON, |s| {
        s.contains(&format!("now end at the {until} stop"))
    });
    assert!(!screen.contains("past the"), "{screen}");
    assert!(screen.contains("min past plan"), "started 20 minutes late:\n{screen}");
    t.keys("live", &["q"]);
    t.wait_text("live", "end the session", SOON);
    t.keys("live", &["e"]);
    // Ended early, the end screen shows first; any key leaves it.
    t.wait_text("live", "SESSION ENDED EARLY", SOON);
    t.keys("live", &["x"]);
    t.wait_text("live", "EXITED 0", SOON);
    let log = std::fs::read_to_string(&t.logs()[0]).expect("log");
    assert!(log.contains("\"rebalanced\""), "{log}");
    assert!(log.contains("\"hard_stop\""), "{log}");
}

#[test]
fn the_start_card_sets_the_planned_start_and_the_hard_stop() {
    let mut rig = Rig::new(triads(None, None), mono_opts());
    rig.press('t');
    rig.type_text("8h15");
    rig.code(KeyCode::Enter);
    rig.code(KeyCode::Enter);
    let message = rig.app.message.clone().unwrap_or_default();
    assert!(message.contains("\"8h15\" is not a time of day"), "{message}");
    assert!(rig.events("times-set").is_empty());
    // The form is open again with what was typed: correct it.
    rig.code(KeyCode::Tab);
    rig.ctrl('u');
    rig.type_text("08:15");
    rig.code(KeyCode::Enter);
    rig.type_text("10:00");
    rig.code(KeyCode::Enter);
    assert_eq!(rig.app.state.setup.planned_start, Some(at(-15)));
    assert_eq!(rig.app.state.setup.hard_stop, Some(at(90)));
    assert_eq!(rig.events("times-set").len(), 1, "{}", rig.log_text());
    let card = rig.render(140, 40);
    assert!(
        card.contains("Planned start 08:15 (plan ends 09:54) · hard stop 10:00 · t to change"),
        "{card}"
    );
    // A stop before the start is refused, and nothing changes.
    rig.press('t');
    rig.ctrl('u');
    rig.type_text("11:00");
    rig.code(KeyCode::Enter);
    rig.code(KeyCode::Enter);
    let message = rig.app.message.clone().unwrap_or_default();
    assert!(message.contains("is not after the planned start 11:00"), "{message}");
    assert_eq!(rig.app.state.setup.planned_start, Some(at(-15)));
    // Started at 08:30, against 08:15: late from the first second, as with --start.
    rig.code(KeyCode::Esc);
    rig.press(' ');
    rig.wait(1000);
    let sched = schedule(&rig.app.state, rig.mono, support::wall(rig.mono));
    assert_eq!(sched.minutes_late(), 15);
    assert_eq!(sched.stop, Some(at(90)));
}

#[test]
fn the_home_screen_reads_the_planned_start_and_the_hard_stop() {
    use convene::tui::home::{Home, Intent, action_for, type_char, update};
    let mut h = Home::new(
        &convene::protocol::Library::builtin_only(),
        convene::tui::theme::Theme::resolve(convene::config::ThemeName::Mono, true),
    );
    let press = |h: &mut Home, k: crossterm::event::KeyEvent| {
        if type_char(h, k) {
            return None;
        }
        action_for(h, k).map(|a| update(h, a))
    };
    let key = crossterm::event::KeyEvent::from;
    let typed = |h: &mut Home, text: &str| {
        for c in text.chars() {
            press(h, key(KeyCode::Char(c)));
        }
    };
    press(&mut h, key(KeyCode::Enter));
    typed(&mut h, "Ann,Ben,Cat");
    for _ in 0..3 {
        press(&mut h, key(KeyCode::Tab));
    }
    typed(&mut h, "8h15");
    assert!(matches!(press(&mut h, key(KeyCode::Enter)), Some(Intent::None)));
    let m = h.message.clone().unwrap_or_default();
    assert!(m.contains("\"8h15\" is not a time of day"), "{m}");
    assert_eq!(h.focus, 3, "the field to correct has the focus");
    h.fields[3] = "08:15".into();
    h.fields[4] = "10:00".into();
    let Some(Intent::Start(_, (start, stop))) = press(&mut h, key(KeyCode::Enter)) else {
        panic!("starts with both times");
    };
    let hm = |t: &str| chrono::NaiveTime::parse_from_str(t, "%H:%M").ok();
    assert_eq!((start, stop), (hm("08:15"), hm("10:00")));
}

mod engine {
    //! The rebalance through the engine, for any moment of any session with a stop: it lands
    //! on the stop when it can (else falls short by what it says), keeps a round's stages alike
    //! in every round to come, never goes below a minimum or touches a fixed stage, and replay
    //! gives the same state.

    use super::{Setup, at, builtin, setup};
    use crate::support;
    use convene::protocol::Part;
    use convene::session::display::{proposal, schedule};
    use convene::session::{Command, Now, SessionState, Stamped, apply, decide, replay};
    use proptest::prelude::*;

    fn run(st: &mut SessionState, log: &mut Vec<Stamped>, cmd: Command, mono: u64) -> bool {
        match decide(st, cmd, Now::new(mono, support::wall(mono))) {
            Ok(events) => {
                for e in events {
                    apply(st, &e);
                    log.push(e);
                }
                true
            }
            Err(_) => false,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn a_rebalance_at_any_moment_lands_fairly(
            which in 0usize..3,
            stop_min in 20i64..200,
            moves in 0usize..8,
            step_ms in 1_000u64..900_000,
        ) {
            let (id, people): (&str, &[&str]) = [
                ("coaching-triad", &["Ann", "Ben", "Cat", "Dev", "Eve", "Fay"][..]),
                ("action-learning", &["Ann", "Ben", "Cat", "Dev", "Eve"][..]),
                ("middle-leader-session", &["Ann", "Ben", "Cat", "Dev"][..]),
            ][which];
            let made = Setup { hard_stop: Some(at(stop_min)), ..setup(builtin(id), people) };
            let mut st = SessionState::new(made.clone());
            let mut log = Vec::new();
            let mut mono = 0;
            prop_assert!(run(&mut st, &mut log, Command::Start, mono));
            for _ in 0..moves {
                mono += step_ms;
                run(&mut st, &mut log, Command::Next { force: true }, mono);
            }
            let wall = support::wall(mono);
            let Some(p) = proposal(&st, mono, wall) else { return Ok(()) };
            prop_assert!(p.over_ms > 0);
            if p.changes.is_empty() {
                prop_assert_eq!(p.short_ms, p.over_ms);
                return Ok(());
            }
            let before = st.clone();
            let accept = Command::Rebalance { budgets: p.changes.clone(), short_ms: p.short_ms };
            prop_assert!(run(&mut st, &mut log, accept, mono), "accepted");
            let sched = schedule(&st, mono, wall);
            let past = (sched.projected_end - at(stop_min)).num_milliseconds();
            let stages = i64::try_from(st.stages.len()).unwrap_or(i64::MAX);
            let short = i64::try_from(p.short_ms).unwrap_or(i64::MAX);
            // On the stop (a millisecond a stage early at most), or short by what it said.
            prop_assert!(past <= short && past >= short - stages, "{past} ms past, said {short}");
            for (pos, c) in st.clocks.iter().enumerate() {
                let spec = st.spec(pos).expect("a stage");
                let old = before.clocks[pos].budget_ms;
                if let (Some(g), true) = (&spec.can_give, pos > before.pos) {
                    prop_assert!(c.budget_ms >= g.min.ms().min(old) && c.budget_ms <= old);
                } else {
                    prop_assert_eq!(c.budget_ms, old, "{} may not give", spec.id);
                }
            }
            // A round's stage keeps one budget in every round to come; each round to come keeps
            // at least 90 % of the planned slot.
            let future: Vec<usize> = (before.pos + 1..st.stages.len()).collect();
            for p in &future {
                let at_p = &st.stages[*p];
                if at_p.part != Part::Round { continue; }
                for q in &future {
                    if st.stages[*q].part == Part::Round && st.stages[*q].index == at_p.index {
                        prop_assert_eq!(st.clocks[*p].budget_ms, st.clocks[*q].budget_ms);
                    }
                }
            }
            let slot = |s: &SessionState, r: usize, planned: bool| -> u64 {
                s.stages
                    .iter()
                    .zip(&s.clocks)
                    .filter(|(a, _)| a.round == Some(r))
                    .map(|(_, c)| if planned { c.planned_ms } else { c.budget_ms })
                    .sum()
            };
            let planned = slot(&st, 0, true);
            // Whole rounds still to come: every stage of them after the current one.
            let whole = |r: usize| st.stages.iter().position(|a| a.round == Some(r)).is_some_and(|p| p > before.pos);
            for r in (0..st.rounds).filter(|r| whole(*r)) {
                let now = slot(&st, r, false);
                prop_assert!(now * 10 >= planned * 9, "round {r}: {now} of {planned}");
            }
            prop_assert_eq!(replay(made, &log), st);
        }
    }
}

/// Writes, through the real engine, seven coaching triads of 08:30 on 2 to 8 November with a
/// stop at 09:00 (or none) that end before, on and past it, one unfinished, one without a stop and
/// one whose stop was cleared on the start card; returns the log of the one that ended 10:00 past.
fn write_stop_sessions(data: &Path) -> std::path::PathBuf {
    use convene::session::Command;
    use support::fixtures::write_session;

    let min = |m: u64| m * 60_000;
    let end = Command::EndAnyway;
    // Each starts at 08:30 on its own day; the stop, when there is one, is 09:00 that day.
    let day = |d: u32| format!("2026-11-{d:02}T08:30:00+00:00");
    let stop_on = |d: u32| {
        DateTime::parse_from_rfc3339(&format!("2026-11-{d:02}T09:00:00+00:00")).expect("stop")
    };
    let with_stop = |d: u32| Setup { hard_stop: Some(stop_on(d)), ..triads(None, None) };
    let write = |id: &str, d: u32, setup: Setup, steps: Vec<(u64, Command)>| {
        write_session(data, id, &day(d), setup, steps)
    };
    // Ended at 08:50: before its stop.
    write(
        "20261102-083000-000",
        2,
        with_stop(2),
        vec![(0, Command::Start), (min(20), end.clone())],
    );
    // The stop set on the start card (a `times-set` event); ended at 09:00 sharp: on it.
    write(
        "20261103-083000-000",
        3,
        triads(None, None),
        vec![
            (0, Command::SetTimes { planned_start: None, hard_stop: Some(stop_on(3)) }),
            (1, Command::Start),
            (min(30), end.clone()),
        ],
    );
    // Ended at 09:02:30 and at 09:10: 2:30 and 10:00 past.
    write(
        "20261104-083000-000",
        4,
        with_stop(4),
        vec![(0, Command::Start), (min(32) + 30_000, end.clone())],
    );
    let ten_past = write(
        "20261105-083000-000",
        5,
        with_stop(5),
        vec![(0, Command::Start), (min(40), end.clone())],
    );
    // Unfinished at 09:20: its end is not known, so it is not counted.
    write(
        "20261106-083000-000",
        6,
        with_stop(6),
        vec![(0, Command::Start), (min(50), Command::Pause)],
    );
    // No stop; and a stop cleared on the start card: ended past 09:00, neither counts.
    write(
        "20261107-083000-000",
        7,
        triads(None, None),
        vec![(0, Command::Start), (min(45), end.clone())],
    );
    write(
        "20261108-083000-000",
        8,
        with_stop(8),
        vec![
            (0, Command::SetTimes { planned_start: None, hard_stop: None }),
            (1, Command::Start),
            (min(45), end.clone()),
        ],
    );
    ten_past
}

/// `report`, per protocol: of the sessions that ended and had a hard stop, how many ended past
/// it, the median and the most by how much; sessions written by the real engine that end
/// before, on and past their stop, one unfinished, one without a stop and one whose stop was
/// cleared on the start card. The index's kept figures, the oracle's and the command's agree
/// with the figures worked out by hand, and follow a log removed.
#[test]
fn the_report_counts_the_sessions_that_ended_past_their_stop_and_by_how_much() {
    use convene::review::{Filter, FilterText, Index, Query};
    use support::cli::{ok, run};
    use support::fixtures::data_with;
    use support::oracle::{digests, report, scan};

    let data = data_with(&[]);
    let ten_past = write_stop_sessions(data.path());

    let index = Index::open(data.path()).expect("index");
    let r = index.report(&Query::default()).expect("report");
    let p = &r.protocols[0];
    assert_eq!((r.sessions, p.sessions), (7, 7));
    assert_eq!((p.with_stop, p.past_stop), (4, 2), "before, on, 2:30 and 10:00 past");
    assert_eq!(p.median_past_stop_ms, 375_000, "the median of 2:30 and 10:00: 6:15");
    assert_eq!(p.most_past_stop_ms, 600_000);
    let s = scan(data.path()).expect("scan");
    assert_eq!(r, report(digests(&s)), "the oracle's figures");
    // Each session's stop, as the index gives it back, is the one replaying its log gives.
    for e in &s.entries {
        let direct = convene::log::reader::read_log(&e.path)
            .map(|log| convene::review::Digest::of_log(&log))
            .map_err(|err| err.0);
        assert_eq!(e.digest, direct, "{}", e.id);
    }
    // Filtered, the figures are worked out from the rows: from the 4th, 09:02:30 and 09:10 are
    // left of those with a stop.
    let since = Filter::parse(FilterText { since: Some("2026-11-04"), ..Default::default() })
        .expect("filter");
    let r4 = index.report(&Query::new(&since)).expect("report");
    assert_eq!(r4, report(digests(&s).filter(|d| since.matches(d))), "the oracle's figures");
    let p4 = &r4.protocols[0];
    assert_eq!(
        (p4.with_stop, p4.past_stop, p4.median_past_stop_ms, p4.most_past_stop_ms),
        (2, 2, 375_000, 600_000)
    );
    // The kept figures are read again, and a filter works them out from the rows: the same.
    assert_eq!(index.report(&Query::default()).expect("kept"), r);
    let text = ok(&run(data.path(), &["report"]));
    assert!(
        text.contains(
            "Hard stop: 4 sessions had one; 2 ended past it (median +6:15, most +10:00)."
        ),
        "{text}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok(&run(data.path(), &["report", "--json"]))).expect("json");
    let t = &json["protocols"][0];
    let got =
        [&t["with_stop"], &t["past_stop"], &t["median_past_stop_ms"], &t["most_past_stop_ms"]]
            .map(serde_json::Value::as_u64);
    assert_eq!(got, [Some(4), Some(2), Some(375_000), Some(600_000)], "{t}");
    let csv = ok(&run(data.path(), &["report", "--format", "csv"]));
    let first = csv.lines().nth(1).expect("a row");
    assert!(first.ends_with(",4,2,375,600"), "{csv}");

    // The 10:00 past removed: the kept figures follow.
    std::fs::remove_file(ten_past).expect("rm");
    let index = Index::open(data.path()).expect("index");
    let r = index.report(&Query::default()).expect("report");
    let p = &r.protocols[0];
    assert_eq!(
        (p.with_stop, p.past_stop, p.median_past_stop_ms, p.most_past_stop_ms),
        (3, 1, 150_000, 150_000)
    );
    let text = ok(&run(data.path(), &["report"]));
    assert!(
        text.contains("Hard stop: 3 sessions had one; 1 ended past it (median +2:30, most +2:30)."),
        "{text}"
    );
}

/// The browser's report (`r`) shows the protocol's hard-stop line above its table, and a
/// protocol whose sessions had no stop shows none.
#[test]
fn the_browsers_report_shows_the_hard_stop_line() {
    use convene::config::ThemeName;
    use convene::tui::logs::{LogsScreen, Screen, action_for, perform, render, update};
    use convene::tui::theme::Theme;
    use crossterm::event::{KeyEvent, KeyModifiers};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::layout::Rect;

    let data = support::fixtures::data_with(&[support::fixtures::S1]);
    write_stop_sessions(data.path());
    let mut app = LogsScreen::open(data.path(), data.path().to_path_buf()).expect("index");
    app.theme = Theme::resolve(ThemeName::Mono, true);
    let mut press = |code: KeyCode| {
        let a = action_for(&app, KeyEvent::new(code, KeyModifiers::NONE)).expect("a key");
        let intent = update(&mut app, a, convene::tui::logs::list_rows(Rect::new(0, 0, 80, 24)));
        perform(&mut app, intent);
    };
    press(KeyCode::Char('r'));
    let draw = |app: &LogsScreen| {
        let mut t = Terminal::new(TestBackend::new(80, 30)).expect("terminal");
        t.draw(|f| render(app, f.area(), f.buffer_mut())).expect("draw");
        t.backend().to_string()
    };
    assert_eq!(app.screen, Screen::Report);
    let screen = draw(&app);
    assert!(screen.contains("Report: Coaching triads · 7 sessions"), "{screen}");
    assert!(
        screen.contains(
            "Hard stop: 4 sessions had one; 2 ended past it (median +6:15, most +10:00)."
        ),
        "{screen}"
    );
    let mut press = |code: KeyCode| {
        let a = action_for(&app, KeyEvent::new(code, KeyModifiers::NONE)).expect("a key");
        let intent = update(&mut app, a, convene::tui::logs::list_rows(Rect::new(0, 0, 80, 24)));
        perform(&mut app, intent);
    };
    press(KeyCode::Right);
    let screen = draw(&app);
    assert!(screen.contains("Report: Project tuning"), "{screen}");
    assert!(!screen.contains("Hard stop"), "{screen}");
}

/// The index's rows of sessions removed from outside (its main table only): what they left,
/// their hard stops too, is dropped, so the sessions read again are kept with their own stops
/// (a stop row left behind refused them, and every command rebuilt the index in memory).
#[test]
fn sessions_read_again_into_the_index_keep_their_own_stops() {
    use convene::review::{Index, Query};
    use support::fixtures::data_with;
    use support::oracle::scan;

    let data = data_with(&[]);
    write_stop_sessions(data.path());
    assert_eq!(scan(data.path()).expect("scan").read, 7);
    let path = convene::review::index::index_path(data.path()).expect("cache folder");
    let conn = rusqlite::Connection::open(&path).expect("open the index");
    assert_eq!(conn.execute("DELETE FROM files", []).expect("delete rows"), 7);
    drop(conn);
    assert_eq!(scan(data.path()).expect("scan").read, 7, "read again");
    assert_eq!(scan(data.path()).expect("scan").read, 0, "and kept, not rebuilt each time");
    let r = Index::open(data.path()).expect("index").report(&Query::default()).expect("report");
    let p = &r.protocols[0];
    assert_eq!((p.with_stop, p.past_stop, p.most_past_stop_ms), (4, 2, 600_000));
}
