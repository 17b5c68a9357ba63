//! Real-terminal smoke tests: the `convene` binary in a detached tmux session, driven with
//! `send-keys` and read with `capture-pane`. Each test has its own tmux server (`tmux -L`), killed
//! when the test ends, pass or fail.
//!
//! Without tmux the tests print a note and pass, unless `CONVENE_E2E_REQUIRED=1` (set by CI),
//! which makes a missing tmux a failure (`support::tmux`).

// These tests wait for a real process from outside, so they read the clock themselves (for
// timeouts only: nothing here depends on how fast convene is, or on the date).
#![allow(clippy::disallowed_methods)]

use crate::support;

use std::process::Command;
use std::time::{Duration, Instant};

use convene::tui::widgets::read_clock;
use support::tmux::{Tmux, have_tmux, log_events};

const W: u16 = 120;
const H: u16 = 35;
const PEOPLE: &str = "Ann,Ben,Cat,Dev";

/// The seconds left that the screen shows in big digits, if any, read back from the screen
/// ([`convene::tui::widgets::read_clock`]) at whatever size the screen draws them.
fn shown(screen: &str) -> Option<u32> {
    let seen = read_clock(screen)?;
    let (m, s) = seen.text.split_once(':')?;
    Some(m.parse::<u32>().ok()? * 60 + s.parse::<u32>().ok()?)
}

/// Waits until `session` shows the big countdown, then until it shows a later value: the clock
/// runs on its own. Only events are awaited, never a value that is on screen for just one
/// second, so a slow machine cannot miss it. Returns the screen first seen with it.
fn wait_running(t: &Tmux, session: &str) -> String {
    let first = t.wait_for(session, "the big countdown", SOON, |s| shown(s).is_some());
    let from = shown(&first).expect("shown");
    t.wait_for(session, &format!("the countdown moving on from {from} s"), SOON, |s| {
        shown(s).is_some_and(|now| now < from)
    });
    first
}

/// Whether `name` is the stage title: a line of its own (not "Next: name (3:00)").
fn title_is(screen: &str, name: &str) -> bool {
    screen.lines().any(|l| l.trim() == name)
}

/// How long to wait for something to appear. Generous: the tests wait for events, they do not
/// time them (a loaded 2-core machine can be slow); a passing test does not wait this long.
const SOON: Duration = Duration::from_secs(60);

#[test]
#[cfg_attr(windows, ignore = "needs tmux, which Windows does not have")]
fn a_session_runs_in_a_real_terminal_and_ends_cleanly() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::new("run");
    t.start("live", (W, H), &format!("run project-tuning --people '{PEOPLE}'"), |c| {
        format!("{c}; echo EXITED $?; sleep 30")
    });
    t.wait_text("live", "READY", SOON);
    t.keys("live", &["Space"]);
    let screen = wait_running(&t, "live");
    assert!(screen.contains("RUNNING"), "{screen}");
    t.keys("live", &["n"]);
    t.wait_for("live", "stage 2", SOON, |s| {
        s.contains("stage 2 of 6") && title_is(s, "Clarifying questions")
    });
    t.keys("live", &["q"]);
    t.wait_text("live", "end the session", SOON);
    t.keys("live", &["e"]);
    // Ended early, the end screen shows first, as for a completed session; any key leaves it.
    t.wait_text("live", "SESSION ENDED EARLY", SOON);
    t.keys("live", &["x"]);
    let screen = t.wait_text("live", "EXITED 0", SOON);
    // The terminal is restored: the app's screen is gone, its summary printed on the shell.
    assert!(!screen.contains("RUNNING") && !screen.contains("q quit"), "{screen}");
    assert!(screen.contains("Session ended early"), "{screen}");
    let logs = t.logs();
    assert_eq!(logs.len(), 1, "{logs:?}");
    let log = std::fs::read_to_string(&logs[0]).expect("log");
    assert!(log.contains("\"session-ended\""), "{log}");
}

#[test]
#[cfg_attr(windows, ignore = "needs tmux, which Windows does not have")]
fn resume_after_a_kill_shows_the_same_stage() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::new("resume");
    let pidfile = t.home().join("pid");
    let pf = pidfile.display().to_string();
    t.start("first", (W, H), &format!("run project-tuning --people '{PEOPLE}'"), |c| {
        format!("echo $$ > '{pf}'; exec {c}")
    });
    t.wait_text("first", "READY", SOON);
    t.keys("first", &["Space", "n"]);
    let screen = t.wait_text("first", "stage 2 of 6", SOON);
    assert!(title_is(&screen, "Clarifying questions"), "{screen}");
    let pid = std::fs::read_to_string(&pidfile).expect("pid").trim().to_string();
    let killed = Command::new("kill").args(["-9", &pid]).status().expect("kill");
    assert!(killed.success());
    // Gone, with its lock on the log: the pane closes with it (convene was its process). Resuming
    // before that would find the session still locked.
    let start = Instant::now();
    while t.tmux(&["has-session", "-t", "first"]).status.success() {
        assert!(start.elapsed() < SOON, "the killed convene is still there");
        std::thread::sleep(Duration::from_millis(50));
    }

    // Whatever was on screen is on disk.
    let logs = t.logs();
    assert_eq!(logs.len(), 1, "{logs:?}");
    // The pane closes as the killed process lets go of its terminal, which may be a moment
    // before it lets go of the log's lock (a loaded machine can run the test in between):
    // until then `resume` rightly finds the session still running.
    let start = Instant::now();
    while std::fs::File::open(&logs[0])
        .is_ok_and(|f| matches!(f.try_lock(), Err(std::fs::TryLockError::WouldBlock)))
    {
        assert!(start.elapsed() < SOON, "the killed convene still holds the log's lock");
        std::thread::sleep(Duration::from_millis(20));
    }
    let events = log_events(&logs[0]);
    assert!(
        events.iter().any(|e| e["type"] == "stage-entered"
            && e["pos"] == 1
            && e["stage"] == "clarifying-questions"),
        "{events:?}"
    );
    assert!(!events.iter().any(|e| e["type"] == "session-ended"));

    t.start("second", (W, H), "resume", |c| format!("{c}; echo EXITED $?; sleep 30"));
    let screen = t.wait_text("second", "stage 2 of 6", SOON);
    assert!(title_is(&screen, "Clarifying questions"), "{screen}");
    // The time convene was down is accounted for, as a restart.
    let events = log_events(&logs[0]);
    assert!(
        events.iter().any(|e| e["type"] == "time-gap" && e["cause"] == "restart"),
        "{events:?}"
    );
    t.keys("second", &["q", "l"]);
    let screen = t.wait_text("second", "EXITED 0", SOON);
    assert!(screen.contains("convene resume"), "{screen}");
}

#[test]
#[cfg_attr(windows, ignore = "needs tmux, which Windows does not have")]
fn the_mirror_follows_a_running_session() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::new("mirror");
    t.start("live", (W, H), &format!("run project-tuning --people '{PEOPLE}'"), str::to_string);
    t.wait_text("live", "READY", SOON);
    t.keys("live", &["Space"]);
    t.wait_text("live", "RUNNING", SOON);
    t.start("mirror", (W, H), "mirror", |c| format!("{c}; echo EXITED $?; sleep 30"));
    let screen = t.wait_text("mirror", "stage 1 of 6", SOON);
    assert!(title_is(&screen, "Presenter"), "{screen}");
    // What the room sees: never the facilitator's key line or counts (issue 21).
    assert!(!screen.contains("space pause") && !screen.contains("0 notes"), "{screen}");
    // The mirror counts down on its own.
    wait_running(&t, "mirror");

    // It follows the session's stage changes. (How fast, and how little it costs while idle, is
    // measured in benches/mirror_latency.py and benches/live_cpu.sh, not timed here.)
    t.keys("live", &["n"]);
    t.wait_for("mirror", "stage 2 in the mirror", SOON, |s| {
        s.contains("stage 2 of 6") && title_is(s, "Clarifying questions")
    });

    // Keys in the mirror change nothing; q leaves it.
    t.keys("mirror", &["n", "q"]);
    t.wait_text("mirror", "EXITED 0", SOON);
    let live = t.capture("live");
    assert!(live.contains("stage 2 of 6"), "{live}");
}

/// The built-ins added from the sources (issue 22) each start, run and end in a real terminal,
/// and log the protocol they ran.
#[test]
#[cfg_attr(windows, ignore = "needs tmux, which Windows does not have")]
fn the_builtins_from_the_sources_run_in_a_real_terminal() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::new("sources");
    for (i, id) in [
        "research-lesson",
        "lesson-study-planning",
        "parrot-on-the-shoulder",
        "cross-school-trio",
        "leadership-group",
        "moderation-afternoon",
        "staff-dialogue",
        "jpd-course-day",
    ]
    .into_iter()
    .enumerate()
    {
        let session = format!("s{i}");
        t.start(&session, (W, H), &format!("run {id} --people 'Ann,Ben,Cat'"), |c| {
            format!("{c}; echo EXITED $?; sleep 30")
        });
        t.wait_text(&session, "READY", SOON);
        t.keys(&session, &["Space"]);
        // The clock may read hours (1:30:00): wait for what it shows to change.
        let first = t.wait_for(&session, "the big countdown", SOON, |s| read_clock(s).is_some());
        let from = read_clock(&first).expect("shown").text;
        t.wait_for(&session, &format!("the countdown moving on from {from}"), SOON, |s| {
            read_clock(s).is_some_and(|now| now.text != from)
        });
        assert!(first.contains("RUNNING"), "{id}:\n{first}");
        t.keys(&session, &["q"]);
        t.wait_text(&session, "end the session", SOON);
        t.keys(&session, &["e"]);
        // A protocol with a record for everyone asks again before ending without them.
        // The question does not take the key that raised it within the same second (a double
        // press): press again, a bounded number of times, while it is still asked.
        let mut screen = t.wait_for(&session, "the end", SOON, |s| {
            s.contains("SESSION ENDED EARLY") || s.contains("end without them")
        });
        for _ in 0..20 {
            if !screen.contains("end without them") {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(250));
            screen = t.capture(&session);
            if screen.contains("end without them") {
                t.keys(&session, &["e"]);
                screen = t.capture(&session);
            }
        }
        // The end screen (any key leaves it), or already the shell if a last press closed it.
        let screen = t.wait_for(&session, "the end screen", SOON, |s| {
            s.contains("SESSION ENDED EARLY") || s.contains("EXITED 0")
        });
        if !screen.contains("EXITED 0") {
            t.keys(&session, &["x"]);
        }
        t.wait_text(&session, "EXITED 0", SOON);
        let logs = t.logs();
        assert_eq!(logs.len(), i + 1, "{id}: {logs:?}");
        let ran = logs.iter().map(|l| std::fs::read_to_string(l).expect("log")).find(|log| {
            log.contains(&format!("\"id\":\"{id}\"")) && log.contains("\"session-ended\"")
        });
        assert!(ran.is_some(), "{id}: no ended log in {logs:?}");
    }
}
