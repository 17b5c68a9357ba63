//! A private tmux server for the real-terminal tests: `convene` in a detached session, driven
//! with `send-keys` and read with `capture-pane`. Each test has its own server (`tmux -L`),
//! killed when the test ends, pass or fail. Waits poll the screen with generous timeouts: a
//! loaded machine is slow, never wrong.
//!
//! Without tmux the tests print a note and pass, unless `CONVENE_E2E_REQUIRED=1` (set by CI),
//! which makes a missing tmux a failure.

#![allow(clippy::disallowed_methods)] // these tests time a real process from outside

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Whether tmux can be used; panics when it is required and missing.
pub fn have_tmux() -> bool {
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

/// A private tmux server and a home folder for convene; everything goes away on drop.
pub struct Tmux {
    socket: String,
    pub home: tempfile::TempDir,
    /// The server's socket file, removed at the end.
    socket_path: Option<PathBuf>,
}

impl Tmux {
    pub fn new(name: &str) -> Self {
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

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// convene's data folder.
    pub fn data(&self) -> PathBuf {
        self.home().join("data")
    }

    pub fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .env("LANG", "C.UTF-8")
            .env_remove("TMUX")
            .output()
            .expect("tmux runs")
    }

    /// The command line that runs `convene ARGS` with this test's folders, for a shell script.
    pub fn convene_line(&self, args: &str) -> String {
        let home = self.home().display().to_string();
        format!(
            "env HOME='{home}' XDG_CONFIG_HOME='{home}/config' XDG_DATA_HOME='{home}/share' \
             XDG_CACHE_HOME='{home}/cache' CONVENE_DATA_DIR='{home}/data' \
             CONVENE_PROTOCOLS_DIR='{home}/protocols' CONVENE_CONFIG_DIR='{home}/config' \
             LANG=C.UTF-8 '{}' {args}",
            env!("CARGO_BIN_EXE_convene")
        )
    }

    /// Runs `convene ARGS` (not in tmux) with this test's folders.
    pub fn convene(&self, args: &[&str]) -> Output {
        super::cli::command(&self.data(), args)
            .env("HOME", self.home())
            .env("CONVENE_PROTOCOLS_DIR", self.home().join("protocols"))
            .env("XDG_CACHE_HOME", self.home().join("cache"))
            .env("CONVENE_CONFIG_DIR", self.home().join("config"))
            .output()
            .expect("convene runs")
    }

    /// Starts `command` in a new detached session of `w` x `h`.
    pub fn new_session(&self, session: &str, (w, h): (u16, u16), command: &[&str]) {
        let (w, h) = (w.to_string(), h.to_string());
        let mut args = vec!["new-session", "-d", "-s", session, "-x", &w, "-y", &h];
        args.extend_from_slice(command);
        let o = self.tmux(&args);
        assert!(o.status.success(), "tmux new-session: {}", String::from_utf8_lossy(&o.stderr));
    }

    /// Starts `convene ARGS` in a new detached session of `w` x `h`. `wrap` receives the command
    /// line and returns the shell script to run (to echo the exit status, record a pid...).
    pub fn start(
        &self,
        session: &str,
        size: (u16, u16),
        args: &str,
        wrap: impl FnOnce(&str) -> String,
    ) {
        let script = wrap(&self.convene_line(args));
        self.new_session(session, size, &["sh", "-c", &script]);
    }

    pub fn keys(&self, session: &str, keys: &[&str]) {
        for k in keys {
            let o = self.tmux(&["send-keys", "-t", session, k]);
            assert!(o.status.success(), "send-keys {k}: {}", String::from_utf8_lossy(&o.stderr));
        }
    }

    /// Types text literally (names, a note).
    pub fn type_text(&self, session: &str, text: &str) {
        let o = self.tmux(&["send-keys", "-t", session, "-l", text]);
        assert!(o.status.success(), "send-keys -l: {}", String::from_utf8_lossy(&o.stderr));
    }

    /// Resizes the session's window, as a facilitator dragging the terminal's corner.
    pub fn resize(&self, session: &str, w: u16, h: u16) {
        let (w, h) = (w.to_string(), h.to_string());
        let o = self.tmux(&["resize-window", "-t", session, "-x", &w, "-y", &h]);
        assert!(o.status.success(), "resize-window: {}", String::from_utf8_lossy(&o.stderr));
    }

    pub fn capture(&self, session: &str) -> String {
        let o = self.tmux(&["capture-pane", "-p", "-t", session]);
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// The screen with the lines the terminal wrapped joined again (a long message read whole).
    pub fn capture_joined(&self, session: &str) -> String {
        let o = self.tmux(&["capture-pane", "-p", "-J", "-t", session]);
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Polls until the screen, wrapped lines joined, shows `text`; returns that screen.
    pub fn wait_joined(&self, session: &str, text: &str, timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture_joined(session);
            if screen.contains(text) {
                return screen;
            }
            assert!(
                start.elapsed() < timeout,
                "{text:?}: not seen within {timeout:?}. The screen:\n{screen}\n{}",
                self.pane_report(session)
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Whether the pane shows the alternate screen (a full-screen program is up).
    pub fn alternate_on(&self, session: &str) -> bool {
        let o = self.tmux(&["display-message", "-p", "-t", session, "#{alternate_on}"]);
        String::from_utf8_lossy(&o.stdout).trim() == "1"
    }

    /// Polls the pane until `seen` holds, returning the screen; fails with the last screen.
    pub fn wait_for(
        &self,
        session: &str,
        what: &str,
        timeout: Duration,
        seen: impl Fn(&str) -> bool,
    ) -> String {
        let start = Instant::now();
        // The last screen the pane showed: a pane whose program ended is gone, and its last
        // screen says why.
        let mut last = String::new();
        loop {
            let screen = self.capture(session);
            if seen(&screen) {
                return screen;
            }
            if !screen.trim().is_empty() {
                last.clone_from(&screen);
            }
            assert!(
                start.elapsed() < timeout,
                "{what}: not seen within {timeout:?}. The screen:\n{screen}\n{}\nThe last \
                 screen with anything on it:\n{last}",
                self.pane_report(session)
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// What the pane and the processes in it are doing: for the message of a wait that failed
    /// (a blank screen says nothing of whether convene is running, stopped or blocked).
    pub fn pane_report(&self, session: &str) -> String {
        let o = self.tmux(&[
            "display-message",
            "-p",
            "-t",
            session,
            "pane #{pane_pid}: #{pane_width}x#{pane_height}, alternate screen #{alternate_on}, \
             dead #{pane_dead}",
        ]);
        let pane = String::from_utf8_lossy(&o.stdout).trim().to_string();
        let pid = pane.split(':').next().unwrap_or("").trim_start_matches("pane ").to_string();
        let ps = Command::new("ps")
            .args(["-o", "pid,ppid,stat,wchan:24,etime,time,args", "-g"])
            .arg(&pid)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        format!("{pane}\n{ps}")
    }

    pub fn wait_text(&self, session: &str, text: &str, timeout: Duration) -> String {
        self.wait_for(session, &format!("{text:?}"), timeout, |s| s.contains(text))
    }

    /// The session logs in the data folder (in its month folders, and any in the sessions
    /// folder itself).
    pub fn logs(&self) -> Vec<PathBuf> {
        let list = |dir: &Path| -> Vec<PathBuf> {
            std::fs::read_dir(dir)
                .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
                .unwrap_or_default()
        };
        let mut v: Vec<PathBuf> = Vec::new();
        for p in list(&self.data().join("sessions")) {
            if p.is_dir() {
                v.extend(list(&p));
            } else {
                v.push(p);
            }
        }
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

/// The events of a log, as JSON values (the header left out).
pub fn log_events(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .expect("log")
        .lines()
        .skip(1)
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}
