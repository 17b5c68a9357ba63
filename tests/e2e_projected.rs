//! The projected screen in a real terminal: the `convene` binary in a detached tmux session of
//! 120x35, driven with `send-keys` and read with `capture-pane`. Four triads of a room with long
//! and CJK names: the countdown's digits are read back from the pane and measured, and every
//! form and question is opened to check that the digits and every cue stay in view. Each test
//! has its own tmux server (`tmux -L`), killed when the test ends, pass or fail.
//!
//! Without tmux the tests print a note and pass, unless `CONVENE_E2E_REQUIRED=1` (set by CI),
//! which makes a missing tmux a failure. Conditions are awaited with generous timeouts; nothing
//! depends on catching a value shown for one second.

// These tests wait for a real process from outside, so they read the clock themselves (for
// timeouts only: nothing here depends on how fast convene is, or on the date).
#![allow(clippy::disallowed_methods)]

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use convene::tui::widgets::{SeenClock, read_clock};

const W: u16 = 120;
const H: u16 = 35;
/// Twelve people, four triads, with long names and names in CJK.
const ROOM: &str = "李小龙,Maximiliana Featherstonehaugh-Wolfeschlegelsteinhausen,Ann Lee,Zoë Ng,\
                    Bartholomew Okonkwo-Abernathy,山田 花子,Dev Patel,Evangeline Montgomery-Smythe,\
                    Fay Khan,Gus Oneill,Hal Jordan,Guadalupe Fernández-Villanueva";
/// How long to wait for something to appear. Generous: the tests wait for events, they do not
/// time them (a loaded 2-core machine can be slow); a passing test does not wait this long.
const SOON: Duration = Duration::from_secs(60);

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
            "convene-e2e-projected-{}-{name}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let home = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(home.path().join("protocols")).expect("mkdir");
        let mut t = Self { socket, home, socket_path: None };
        // A session that outlives the others, so the server does not exit (and race the next
        // new-session) when a test's convene ends.
        let o = t.tmux(&["new-session", "-d", "-s", "keeper", "sleep", "600"]);
        assert!(o.status.success(), "tmux: {}", String::from_utf8_lossy(&o.stderr));
        let path = t.tmux(&["display-message", "-p", "#{socket_path}"]);
        let path = String::from_utf8_lossy(&path.stdout).trim().to_string();
        t.socket_path = (!path.is_empty()).then(|| PathBuf::from(path));
        t
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

    /// Starts `convene ARGS` in a new detached session of W x H, and echoes its exit status.
    fn start(&self, session: &str, args: &str) {
        let home = self.home.path().display().to_string();
        let script = format!(
            "env HOME='{home}' XDG_CONFIG_HOME='{home}/config' XDG_DATA_HOME='{home}/share' \
             CONVENE_DATA_DIR='{home}/data' CONVENE_PROTOCOLS_DIR='{home}/protocols' \
             LANG=C.UTF-8 '{}' {args}; echo EXITED $?; sleep 30",
            env!("CARGO_BIN_EXE_convene")
        );
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

    /// Types text literally (names, a note).
    fn type_text(&self, session: &str, text: &str) {
        let o = self.tmux(&["send-keys", "-t", session, "-l", text]);
        assert!(o.status.success(), "send-keys -l: {}", String::from_utf8_lossy(&o.stderr));
    }

    fn resize(&self, session: &str, w: u16, h: u16) {
        let (w, h) = (w.to_string(), h.to_string());
        let o = self.tmux(&["resize-window", "-t", session, "-x", &w, "-y", &h]);
        assert!(o.status.success(), "resize-window: {}", String::from_utf8_lossy(&o.stderr));
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

/// The cue lines on the screen: who speaks and who stays silent.
fn cues(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter(|l| l.contains("Speaks:") || l.contains("Silent:"))
        .map(|l| l.trim().to_string())
        .collect()
}

/// The big digits, once the pane shows them with `n` cue lines (and `also`).
fn wait_clock(t: &Tmux, what: &str, n: usize, also: impl Fn(&str) -> bool) -> (SeenClock, String) {
    let screen = t
        .wait_for("live", what, SOON, |s| read_clock(s).is_some() && cues(s).len() == n && also(s));
    (read_clock(&screen).expect("seen"), screen)
}

/// At 120x35 the countdown's digits are at least 14 rows tall with the four triads' cues and
/// roles on screen; every form and question opens at the bottom and leaves the digits (at
/// least 7 rows) and every cue in view; typed notes stay masked. Smaller, the screen steps down
/// to one line.
#[test]
fn the_projected_screen_keeps_the_countdown_and_every_cue_in_view() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::new("projected");
    t.start("live", &format!("run coaching-triad --people '{ROOM}'"));
    t.wait_text("live", "READY", SOON);
    t.keys("live", &["Space"]);
    t.wait_text("live", "stage 1 of 14", SOON);
    t.keys("live", &["n"]);
    let (clock, screen) = wait_clock(&t, "the conversation's countdown", 3, |s| {
        s.contains("stage 2 of 14") && s.contains("Group 4:")
    });
    assert!(clock.rows >= 14, "digits {} rows tall:\n{screen}", clock.rows);
    let before = cues(&screen);
    for cue in ["Speaks: Coaches", "Speaks: Coachees", "Silent: Observers"] {
        assert!(before.iter().any(|l| l.starts_with(cue)), "{cue} missing:\n{screen}");
    }

    // Each form and question, opened and closed again.
    let forms: [(&str, &[&str], &str); 3] = [
        ("e", &["Escape"], "Private note"),
        ("a", &["Escape"], "Commitment"),
        ("q", &["Escape"], "Quit?"),
    ];
    for (open, close, title) in forms {
        t.keys("live", &[open]);
        if open == "e" {
            t.type_text("live", "Zoë seems anxious");
        }
        let (clock, screen) = wait_clock(&t, title, 3, |s| s.contains(title));
        assert!(clock.rows >= 7, "{title}: digits {} rows tall:\n{screen}", clock.rows);
        assert_eq!(cues(&screen), before, "{title} hides a cue:\n{screen}");
        assert!(!screen.contains("anxious"), "{title}: the note is on screen:\n{screen}");
        t.keys("live", close);
        t.wait_for("live", &format!("{title} closed"), SOON, |s| s.contains("? help"));
    }
    // Leaving the commitment stage without the triads' commitments asks, at the bottom.
    t.keys("live", &["n"]);
    t.wait_text("live", "stage 3 of 14", SOON);
    t.keys("live", &["n"]);
    let (clock, screen) =
        wait_clock(&t, "the leave question", 2, |s| s.contains("Not recorded yet"));
    assert!(clock.rows >= 7, "digits {} rows tall:\n{screen}", clock.rows);
    // Esc, then the next key only once it has acted: a key right after it would read as Alt-key.
    t.keys("live", &["Escape"]);
    t.wait_for("live", "the question closed", SOON, |s| s.contains("? help"));

    // Smaller windows: the digits shrink, the cues stay; below 40x12, one line.
    t.keys("live", &["b"]);
    t.wait_text("live", "stage 2 of 14", SOON);
    t.resize("live", 80, 24);
    // The narrow footer leaves out "a commitment".
    let (clock, screen) = wait_clock(&t, "the countdown at 80x24", 3, |s| {
        s.contains("q quit") && !s.contains("a commitment")
    });
    assert!(clock.rows >= 7, "digits {} rows tall at 80x24:\n{screen}", clock.rows);
    t.resize("live", 36, 10);
    t.wait_for("live", "one line at 36x10", SOON, |s| {
        s.lines().any(|l| l.contains("RUNNING  Coaching"))
    });
    t.resize("live", W, H);
    wait_clock(&t, "the countdown again at 120x35", 3, |s| s.contains("Group 4:"));

    t.keys("live", &["q", "e"]);
    let screen = t.wait_text("live", "EXITED 0", SOON);
    assert!(screen.contains("over the plan"), "{screen}");
}
