//! Real-terminal smoke tests: the `convene` binary in a detached tmux session, driven with
//! `send-keys` and read with `capture-pane`. Each test has its own tmux server (`tmux -L`), killed
//! when the test ends, pass or fail.
//!
//! Without tmux the tests print a note and pass, unless `CONVENE_E2E_REQUIRED=1` (set by CI),
//! which makes a missing tmux a failure.

// These tests wait for a real process from outside, so they read the clock themselves (for
// timeouts only: nothing here depends on how fast convene is, or on the date).
#![allow(clippy::disallowed_methods)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use convene::tui::widgets::read_clock;

const W: u16 = 120;
const H: u16 = 35;
const PEOPLE: &str = "Ann,Ben,Cat,Dev";

/// Whether tmux can be used; panics when it is required and missing.
fn have_tmux() -> bool {
    let ok = Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CONVENE_E2E_REQUIRED").map_or(true, |v| v != "1"),
            "CONVENE_E2E_REQUIRED=1 but tmux is not installed"
        );
        // Straight to stderr: the test harness would hide an eprintln! of a passing test.
        let _ = writeln!(
            std::io::stderr(),
            "note: tmux is not installed; skipping this end-to-end test"
        );
    }
    ok
}

/// A private tmux server and the folders convene uses; everything goes away on drop.
struct Tmux {
    socket: String,
    home: tempfile::TempDir,
    /// The server's socket file, removed at the end.
    socket_path: Option<PathBuf>,
}

impl Tmux {
    fn new(name: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let socket = format!(
            "convene-e2e-{}-{name}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let home = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(home.path().join("protocols")).expect("mkdir");
        let mut t = Self { socket, home, socket_path: None };
        // A session that outlives the others, so the server does not exit (and race the next
        // new-session) when a test's convene is killed.
        let o = t.tmux(&["new-session", "-d", "-s", "keeper", "sleep", "600"]);
        assert!(o.status.success(), "tmux: {}", String::from_utf8_lossy(&o.stderr));
        let path = t.tmux(&["display-message", "-p", "#{socket_path}"]);
        let path = String::from_utf8_lossy(&path.stdout).trim().to_string();
        t.socket_path = (!path.is_empty()).then(|| PathBuf::from(path));
        t
    }

    fn data(&self) -> PathBuf {
        self.home.path().join("data")
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .env("LANG", "C.UTF-8")
            .env_remove("TMUX")
            .output()
            .expect("tmux runs")
    }

    /// Starts `convene ARGS` in a new detached session of W x H. `wrap` receives the command
    /// line and returns the shell script to run (to echo the exit status, record a pid...).
    fn start(&self, session: &str, args: &str, wrap: impl FnOnce(&str) -> String) {
        let home = self.home.path().display().to_string();
        let convene = format!(
            "env HOME='{home}' XDG_CONFIG_HOME='{home}/config' XDG_DATA_HOME='{home}/share' \
             CONVENE_DATA_DIR='{home}/data' CONVENE_PROTOCOLS_DIR='{home}/protocols' \
             LANG=C.UTF-8 '{}' {args}",
            env!("CARGO_BIN_EXE_convene")
        );
        let script = wrap(&convene);
        let (w, h) = (W.to_string(), H.to_string());
        let o = self.tmux(&[
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            &w,
            "-y",
            &h,
            "sh",
            "-c",
            &script,
        ]);
        assert!(o.status.success(), "tmux new-session: {}", String::from_utf8_lossy(&o.stderr));
    }

    fn keys(&self, session: &str, keys: &[&str]) {
        for k in keys {
            let o = self.tmux(&["send-keys", "-t", session, k]);
            assert!(o.status.success(), "send-keys {k}: {}", String::from_utf8_lossy(&o.stderr));
        }
    }

    fn capture(&self, session: &str) -> String {
        let o = self.tmux(&["capture-pane", "-p", "-t", session]);
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Polls the pane until `seen` holds, returning the screen; fails with the last screen.
    fn wait_for(
        &self,
        session: &str,
        what: &str,
        timeout: Duration,
        seen: impl Fn(&str) -> bool,
    ) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture(session);
            if seen(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < timeout,
                "{what}: not seen within {timeout:?}. The screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_text(&self, session: &str, text: &str, timeout: Duration) -> String {
        self.wait_for(session, &format!("{text:?}"), timeout, |s| s.contains(text))
    }

    fn logs(&self) -> Vec<PathBuf> {
        let dir = self.data().join("sessions");
        let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        v.retain(|p| p.extension().is_some_and(|x| x == "jsonl"));
        v
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        // Ends every session on this private server (and the processes in them).
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .env_remove("TMUX")
            .output();
        if let Some(p) = &self.socket_path {
            let _ = std::fs::remove_file(p);
        }
    }
}

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
    t.start("live", &format!("run project-tuning --people '{PEOPLE}'"), |c| {
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
    let screen = t.wait_text("live", "EXITED 0", SOON);
    // The terminal is restored: the app's screen is gone, its summary printed on the shell.
    assert!(!screen.contains("RUNNING") && !screen.contains("q quit"), "{screen}");
    assert!(screen.contains("Session ended early"), "{screen}");
    let logs = t.logs();
    assert_eq!(logs.len(), 1, "{logs:?}");
    let log = std::fs::read_to_string(&logs[0]).expect("log");
    assert!(log.contains("\"session-ended\""), "{log}");
}

/// Every line of a log, parsed.
fn log_events(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .expect("log")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect()
}

#[test]
#[cfg_attr(windows, ignore = "needs tmux, which Windows does not have")]
fn resume_after_a_kill_shows_the_same_stage() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::new("resume");
    let pidfile = t.home.path().join("pid");
    let pf = pidfile.display().to_string();
    t.start("first", &format!("run project-tuning --people '{PEOPLE}'"), |c| {
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
    let events = log_events(&logs[0]);
    assert!(
        events.iter().any(|e| e["type"] == "stage-entered"
            && e["pos"] == 1
            && e["stage"] == "clarifying-questions"),
        "{events:?}"
    );
    assert!(!events.iter().any(|e| e["type"] == "session-ended"));

    t.start("second", "resume", |c| format!("{c}; echo EXITED $?; sleep 30"));
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
    t.start("live", &format!("run project-tuning --people '{PEOPLE}'"), str::to_string);
    t.wait_text("live", "READY", SOON);
    t.keys("live", &["Space"]);
    t.wait_text("live", "RUNNING", SOON);
    t.start("mirror", "mirror", |c| format!("{c}; echo EXITED $?; sleep 30"));
    let screen = t.wait_text("mirror", "read-only", SOON);
    assert!(screen.contains("stage 1 of 6") && title_is(&screen, "Presenter"), "{screen}");
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
