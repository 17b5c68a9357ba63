//! Signals in a real terminal: the `convene` binary in a detached tmux session, sent signals from
//! outside with `kill` and Ctrl-Z from the keyboard. The pane's terminal state is read from tmux
//! (`#{alternate_on}`) and from `stty` run after convene, and the process state from `ps`.
//!
//! Stopping needs a shell with job control to come back to (`fg`), so those tests type convene's
//! command into an interactive `sh` in the pane, as a user would. Each test has its own tmux
//! server (`tmux -L`), killed when the test ends, pass or fail.
//!
//! Without tmux the tests print a note and pass, unless `CONVENE_E2E_REQUIRED=1` (set by CI),
//! which makes a missing tmux a failure. Conditions are awaited with generous timeouts; nothing
//! depends on catching a value shown for one second.

// These tests time a real process from outside, so they read the clock themselves.
#![allow(clippy::disallowed_methods)]

use crate::support;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use support::tmux::{Tmux, have_tmux, log_events};

const W: u16 = 120;
const H: u16 = 35;
const PEOPLE: &str = "Ann,Ben,Cat,Dev";
/// Long enough for a loaded 2-core machine.
const SOON: Duration = Duration::from_secs(15);
/// The interactive shell's prompt.
const PROMPT: &str = "shell> ";

/// The shared tmux server (`support::tmux`) with what these tests add: convene's pid, and an
/// interactive shell with job control to stop and continue it from.
struct Room(Tmux);

impl std::ops::Deref for Room {
    type Target = Tmux;
    fn deref(&self) -> &Tmux {
        &self.0
    }
}

impl Room {
    fn new(name: &str) -> Self {
        Self(Tmux::new(name))
    }

    fn pidfile(&self) -> PathBuf {
        self.home().join("convene.pid")
    }

    /// The shell command that runs `convene ARGS` with the test's folders, recording its pid
    /// (the shell writing it execs convene).
    fn convene(&self, args: &str) -> String {
        let pf = self.pidfile().display().to_string();
        format!("sh -c 'echo $$ > \"{pf}\"; exec \"$0\" \"$@\"' {}", self.convene_line(args))
    }

    fn new_session(&self, session: &str, command: &[&str]) {
        self.0.new_session(session, (W, H), command);
    }

    /// Runs `script` with `sh -c` as the pane's only program: no shell with job control.
    fn start_script(&self, session: &str, script: &str) {
        self.new_session(session, &["sh", "-c", script]);
    }

    /// An interactive shell with job control in the pane, ready for a command.
    fn start_shell(&self, session: &str) {
        let home = self.home().display().to_string();
        let (ps1, home) = (format!("PS1={PROMPT}"), format!("HOME={home}"));
        self.new_session(session, &["env", &ps1, "ENV=", &home, "LANG=C.UTF-8", "sh", "-i", "-m"]);
        // capture-pane drops trailing spaces.
        self.wait_text(session, PROMPT.trim_end());
    }

    /// Types a command line into the pane's shell and runs it.
    fn type_line(&self, session: &str, line: &str) {
        self.type_text(session, line);
        self.keys(session, &["Enter"]);
    }

    /// Polls the pane until `seen` holds, returning the screen; fails with the last screen.
    fn wait_for(&self, session: &str, what: &str, seen: impl Fn(&Self, &str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture(session);
            if seen(self, &screen) {
                return screen;
            }
            assert!(
                start.elapsed() < SOON,
                "{what}: not seen within {SOON:?}. The screen (alternate screen {}):\n{screen}",
                if self.alternate_on(session) { "on" } else { "off" }
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_text(&self, session: &str, text: &str) -> String {
        self.wait_for(session, &format!("{text:?}"), |_, s| s.contains(text))
    }

    /// convene's pid, once it has started.
    fn pid(&self) -> Pid {
        let start = Instant::now();
        loop {
            if let Ok(text) = std::fs::read_to_string(self.pidfile())
                && let Ok(pid) = text.trim().parse::<u32>()
            {
                return Pid(pid.to_string());
            }
            assert!(start.elapsed() < SOON, "convene did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The one session log.
    fn log(&self) -> PathBuf {
        let mut v = self.logs();
        assert_eq!(v.len(), 1, "one session log: {v:?}");
        v.remove(0)
    }
}

/// convene's process, killed when the test ends (a stopped one would outlive its tmux server).
struct Pid(String);

impl Pid {
    fn signal(&self, sig: &str) {
        let ok = Command::new("kill").args([&format!("-{sig}"), &self.0]).status();
        assert!(ok.is_ok_and(|s| s.success()), "kill -{sig} {}", self.0);
    }

    /// The process state from `ps` (`T` when stopped); empty once it has gone.
    fn state(&self) -> String {
        let o = Command::new("ps").args(["-o", "stat=", "-p", &self.0]).output().expect("ps runs");
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    }

    fn stopped(&self) -> bool {
        self.state().starts_with('T')
    }
}

impl Drop for Pid {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-KILL", &self.0]).status();
    }
}

/// The `at` (monotonic milliseconds) of the event entering stage `pos`.
fn entered_at(events: &[serde_json::Value], pos: u64) -> u64 {
    events
        .iter()
        .find(|e| e["type"] == "stage-entered" && e["pos"] == pos)
        .and_then(|e| e["at"].as_u64())
        .unwrap_or_else(|| panic!("stage {pos} entered: {events:?}"))
}

/// Whether `name` is the stage title: a line of its own (not "Next: name (3:00)").
fn title_is(screen: &str, name: &str) -> bool {
    screen.lines().any(|l| l.trim() == name)
}

/// SIGINT or SIGQUIT from outside, in the second stage: convene restores the terminal (no
/// alternate screen, canonical mode again for the shell), exits with 128 + the signal's number,
/// names the session to resume, and its log holds every event that was shown.
fn ended_by(sig: &str, status: u8) {
    if !have_tmux() {
        return;
    }
    let t = Room::new(&sig.to_lowercase());
    // No core file for SIGQUIT on a convene without a handler for it.
    let script = format!(
        "ulimit -c 0; {}; echo EXITED $?; echo TTY $(stty -a | grep -o -- '-*icanon'); sleep 60",
        t.convene(&format!("run project-tuning --people '{PEOPLE}'"))
    );
    t.start_script("live", &script);
    let pid = t.pid();
    t.wait_text("live", "READY");
    t.keys("live", &["Space", "n"]);
    t.wait_for("live", "stage 2", |_, s| {
        s.contains("stage 2 of 6") && title_is(s, "Clarifying questions")
    });
    assert!(t.alternate_on("live"), "convene runs on the alternate screen");

    pid.signal(sig);
    let screen = t.wait_text("live", "TTY ");
    assert!(screen.contains(&format!("EXITED {status}")), "{screen}");
    assert!(!t.alternate_on("live"), "the alternate screen is left:\n{screen}");
    assert!(screen.contains("TTY icanon"), "the terminal is not left raw:\n{screen}");
    assert!(screen.contains(&format!("convene: stopped by SIG{sig}")), "{screen}");
    assert!(!screen.contains("RUNNING"), "{screen}");

    // The message names the session, whose log holds what was on screen.
    let log = t.log();
    let id = log.file_stem().expect("name").to_string_lossy().to_string();
    assert!(screen.contains(&format!("`convene resume {id}`")), "{screen}");
    let events = log_events(&log);
    entered_at(&events, 0);
    assert!(
        events.iter().any(|e| e["type"] == "stage-entered"
            && e["pos"] == 1
            && e["stage"] == "clarifying-questions"),
        "{events:?}"
    );
    assert!(!events.iter().any(|e| e["type"] == "session-ended"), "{events:?}");
}

#[test]
#[cfg_attr(windows, ignore = "needs tmux and Unix signals, which Windows does not have")]
fn sigint_from_outside_restores_the_terminal_and_says_how_to_resume() {
    ended_by("INT", 130);
}

#[test]
#[cfg_attr(windows, ignore = "needs tmux and Unix signals, which Windows does not have")]
fn sigquit_from_outside_restores_the_terminal_and_says_how_to_resume() {
    ended_by("QUIT", 131);
}

/// Runs a session from an interactive shell, stops it with `stop` (a signal from outside or
/// Ctrl-Z), checks the screen is left while it is stopped, brings it back with `fg` and checks
/// it is redrawn and answers a key at once. The time away counts, once.
fn stops_and_comes_back(name: &str, stop: impl Fn(&Room, &Pid)) {
    if !have_tmux() {
        return;
    }
    let t = Room::new(name);
    t.start_shell("sh");
    t.type_line("sh", &t.convene(&format!("run project-tuning --people '{PEOPLE}'")));
    let pid = t.pid();
    t.wait_text("sh", "READY");
    t.keys("sh", &["Space"]);
    t.wait_for("sh", "stage 1 running", |_, s| s.contains("RUNNING") && title_is(s, "Presenter"));

    stop(&t, &pid);
    // Stopped, with the shell's own screen back and a word on how to return.
    t.wait_for("sh", "stopped, off the alternate screen", |t, _| !t.alternate_on("sh"));
    t.wait_for("sh", "the process stopped", |_, _| pid.stopped());
    let stopped = Instant::now();
    let screen = t.wait_for("sh", "the shell's prompt after a word on fg", |_, s| {
        s.contains("type `fg`") && s.trim_end().ends_with(PROMPT.trim_end())
    });
    assert!(!screen.contains("RUNNING"), "{screen}");
    // Long enough to tell the time away from the time it takes to stop and come back.
    std::thread::sleep(Duration::from_secs(3));
    let away = stopped.elapsed();

    t.type_line("sh", "fg");
    // Redrawn in full: the state word, the title and the footer, not only what changed.
    t.wait_for("sh", "the screen back", |t, s| {
        t.alternate_on("sh")
            && s.contains("RUNNING")
            && title_is(s, "Presenter")
            && s.contains("q quit")
    });
    assert!(!pid.stopped(), "running again: {}", pid.state());
    // A key acts at once: raw mode is back (no Enter needed).
    t.keys("sh", &["n"]);
    t.wait_for("sh", "stage 2 after one key", |_, s| {
        s.contains("stage 2 of 6") && title_is(s, "Clarifying questions")
    });

    // The time away counted as the room's time, and only once: the stage lasted at least as
    // long as convene was stopped, with no gap reported on top (the monotonic clock ran on).
    let events = log_events(&t.log());
    let stage = entered_at(&events, 1) - entered_at(&events, 0);
    let away = u64::try_from(away.as_millis()).expect("ms");
    assert!(stage >= away, "stage 1 lasted {stage} ms, convene was stopped {away} ms");
    assert!(!events.iter().any(|e| e["type"] == "time-gap"), "{events:?}");
}

#[test]
#[cfg_attr(windows, ignore = "needs tmux and Unix signals, which Windows does not have")]
fn sigtstp_from_outside_leaves_the_screen_and_fg_brings_it_back() {
    stops_and_comes_back("tstp", |_, pid| pid.signal("TSTP"));
}

#[test]
#[cfg_attr(windows, ignore = "needs tmux and Unix signals, which Windows does not have")]
fn ctrl_z_suspends_to_the_shell_and_fg_brings_the_screen_back() {
    stops_and_comes_back("ctrl-z", |t, _| t.keys("sh", &["C-z"]));
}

/// Without a shell with job control (convene is the pane's program), stopping would freeze the
/// screen with no `fg` to bring it back: Ctrl-Z says so and the session carries on, and a stop
/// from outside is discarded, as the kernel discards it for a program without a handler.
#[test]
#[cfg_attr(windows, ignore = "needs tmux and Unix signals, which Windows does not have")]
fn ctrl_z_without_a_shell_to_return_to_carries_on() {
    if !have_tmux() {
        return;
    }
    let t = Room::new("orphan");
    let script = format!(
        "{}; echo EXITED $?; sleep 60",
        t.convene(&format!("run project-tuning --people '{PEOPLE}'"))
    );
    t.start_script("live", &script);
    let pid = t.pid();
    t.wait_text("live", "READY");
    t.keys("live", &["Space"]);
    t.wait_text("live", "RUNNING");
    t.keys("live", &["C-z"]);
    t.wait_text("live", "no shell here can bring convene back");
    assert!(t.alternate_on("live") && !pid.stopped(), "{}", pid.state());
    pid.signal("TSTP");
    t.keys("live", &["n"]);
    t.wait_for("live", "stage 2", |_, s| {
        s.contains("stage 2 of 6") && title_is(s, "Clarifying questions")
    });
    assert!(t.alternate_on("live") && !pid.stopped(), "{}", pid.state());
}

/// Closing the terminal (here the tmux session, with its pane, is killed) while a stage runs:
/// convene ends at once, through its own loop (as on SIGHUP), and the log holds
/// every event shown. Before, the loop spun in crossterm on the closed terminal (about 20,000
/// empty reads) until the signal thread's two-second watchdog ended it ("the log is saved").
/// `setsid`: convene in a session of its own still reads the pane's terminal but gets no SIGHUP
/// when it closes, so only the end of input can tell it (before, it spun for ever).
fn closing_the_terminal_ends_convene_at_once(name: &str, setsid: bool) {
    if !have_tmux() {
        return;
    }
    let t = Room::new(name);
    let err = t.home().join("stderr.txt");
    let run = t.convene(&format!("run project-tuning --people '{PEOPLE}'"));
    let run = if setsid { format!("setsid {run}") } else { run };
    t.start_script("live", &format!("{run} 2> '{}'", err.display()));
    let pid = t.pid();
    t.wait_text("live", "READY");
    t.keys("live", &["Space", "n"]);
    t.wait_for("live", "stage 2", |_, s| {
        s.contains("stage 2 of 6") && title_is(s, "Clarifying questions")
    });
    let o = t.tmux(&["kill-session", "-t", "live"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let start = Instant::now();
    while !pid.state().is_empty() {
        assert!(start.elapsed() < SOON, "convene still runs after its terminal closed");
        std::thread::sleep(Duration::from_millis(20));
    }
    let said = std::fs::read_to_string(&err).expect("stderr");
    assert!(said.contains("convene: stopped by SIGHUP."), "{said}");
    assert!(!said.contains("the log is saved"), "the watchdog ended it, not the loop: {said}");
    let events = log_events(&t.log());
    entered_at(&events, 1);
    assert!(!events.iter().any(|e| e["type"] == "session-ended"), "{events:?}");
}

#[test]
#[cfg_attr(windows, ignore = "needs tmux and Unix signals, which Windows does not have")]
fn closing_the_terminal_ends_convene_at_once_with_the_log_kept() {
    closing_the_terminal_ends_convene_at_once("closed", false);
}

#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "needs util-linux's setsid")]
fn a_terminal_that_hangs_up_without_sighup_ends_convene_too() {
    closing_the_terminal_ends_convene_at_once("hangup", true);
}
