//! Real-terminal tests of a log lost under a running session: the `convene` binary in a detached
//! tmux session (its own tmux server, killed when the test ends), driven with `send-keys` and
//! read with `capture-pane`. Every wait is for something to appear, with a generous timeout.
//!
//! Without tmux the tests print a note and pass, unless `CONVENE_E2E_REQUIRED=1` (set by CI).

// These tests wait for a real process from outside, so they read the clock themselves.
#![allow(clippy::disallowed_methods)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const PEOPLE: &str = "Ann,Ben,Cat,Dev";
/// Generous: the machine may be loaded.
const PATIENCE: Duration = Duration::from_secs(30);

fn have_tmux() -> bool {
    let ok = Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CONVENE_E2E_REQUIRED").map_or(true, |v| v != "1"),
            "CONVENE_E2E_REQUIRED=1 but tmux is not installed"
        );
        let _ = writeln!(
            std::io::stderr(),
            "note: tmux is not installed; skipping this end-to-end test"
        );
    }
    ok
}

/// A private tmux server and a home folder for convene; everything goes away on drop.
struct Tmux {
    socket: String,
    home: tempfile::TempDir,
    socket_path: Option<PathBuf>,
}

impl Tmux {
    fn new(name: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let socket = format!(
            "convene-e2e-loss-{}-{name}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let home = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(home.path().join("protocols")).expect("mkdir");
        let mut t = Self { socket, home, socket_path: None };
        // Keeps the server alive between the test's own sessions.
        let o = t.tmux(&["new-session", "-d", "-s", "keeper", "sleep", "600"]);
        assert!(o.status.success(), "tmux: {}", String::from_utf8_lossy(&o.stderr));
        let path = t.tmux(&["display-message", "-p", "#{socket_path}"]);
        let path = String::from_utf8_lossy(&path.stdout).trim().to_string();
        t.socket_path = (!path.is_empty()).then(|| PathBuf::from(path));
        t
    }

    fn home(&self) -> &Path {
        self.home.path()
    }

    fn data(&self) -> PathBuf {
        self.home().join("data")
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

    /// Runs `convene ARGS` in a new 120 x 35 session, then prints its exit status and waits.
    fn start(&self, session: &str, args: &str) {
        let home = self.home().display().to_string();
        let script = format!(
            "env HOME='{home}' XDG_CONFIG_HOME='{home}/config' XDG_DATA_HOME='{home}/share' \
             CONVENE_DATA_DIR='{home}/data' CONVENE_PROTOCOLS_DIR='{home}/protocols' \
             LANG=C.UTF-8 '{}' {args}; echo EXITED $?; sleep 60",
            env!("CARGO_BIN_EXE_convene")
        );
        let o = self.tmux(&[
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            "120",
            "-y",
            "35",
            "sh",
            "-c",
            &script,
        ]);
        assert!(o.status.success(), "tmux new-session: {}", String::from_utf8_lossy(&o.stderr));
    }

    /// `convene ARGS` run directly (not in the terminal), as the user would from a shell.
    fn convene(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_convene"))
            .args(args)
            .env("HOME", self.home())
            .env("CONVENE_DATA_DIR", self.data())
            .env("CONVENE_PROTOCOLS_DIR", self.home().join("protocols"))
            .env("NO_COLOR", "1")
            .output()
            .expect("convene runs")
    }

    fn keys(&self, session: &str, keys: &[&str]) {
        for k in keys {
            let o = self.tmux(&["send-keys", "-t", session, k]);
            assert!(o.status.success(), "send-keys {k}: {}", String::from_utf8_lossy(&o.stderr));
        }
    }

    /// The screen, with lines the terminal wrapped joined again.
    fn capture(&self, session: &str) -> String {
        let o = self.tmux(&["capture-pane", "-p", "-J", "-t", session]);
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    fn wait_text(&self, session: &str, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture(session);
            if screen.contains(text) {
                return screen;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "{text:?}: not seen within {PATIENCE:?}. The screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .env_remove("TMUX")
            .output();
        if let Some(p) = &self.socket_path {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// The session id in "continue it with `convene resume ID`".
fn resume_id(screen: &str) -> String {
    let at = screen.find("convene resume ").expect("a resume command") + "convene resume ".len();
    screen[at..].split('`').next().expect("id").trim().to_string()
}

#[test]
#[cfg_attr(windows, ignore = "needs tmux, which Windows does not have")]
fn a_sessions_folder_deleted_mid_session_is_written_again_and_resumes() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::new("deleted");
    t.start("first", &format!("run project-tuning --people '{PEOPLE}'"));
    t.wait_text("first", "READY");
    t.keys("first", &["Space"]);
    t.wait_text("first", "RUNNING");
    std::fs::remove_dir_all(t.data().join("sessions")).expect("rm -rf the sessions folder");

    // Noticed with no key pressed: the running screen checks at its next wake-up.
    t.wait_text("first", "LOG WRITTEN AGAIN");
    t.keys("first", &["n"]);
    t.wait_text("first", "stage 2 of 6");
    t.keys("first", &["q", "l"]);
    let screen = t.wait_text("first", "EXITED 0");
    assert!(screen.contains("was deleted"), "{screen}");
    let id = resume_id(&screen);

    let listed = t.convene(&["resume", "--list"]);
    assert!(String::from_utf8_lossy(&listed.stdout).contains(&id), "{listed:?}");
    t.start("second", &format!("resume {id}"));
    t.wait_text("second", "stage 2 of 6");
    t.keys("second", &["q", "l"]);
    let screen = t.wait_text("second", "EXITED 0");
    assert!(screen.contains(&format!("convene resume {id}")), "{screen}");
}

#[test]
#[cfg_attr(windows, ignore = "needs tmux, which Windows does not have")]
fn a_log_saved_elsewhere_resumes_with_the_command_printed() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::new("elsewhere");
    // A regular file where the data folder should be: the log cannot be written at all.
    std::fs::write(t.data(), "not a folder").expect("write");
    t.start("first", &format!("run project-tuning --people '{PEOPLE}'"));
    t.wait_text("first", "READY");
    t.keys("first", &["Space"]);
    t.wait_text("first", "LOG NOT SAVED");
    t.keys("first", &["n"]);
    t.wait_text("first", "stage 2 of 6");
    t.keys("first", &["q", "l"]);
    // The save form, filled in with a place in the home folder: accept it.
    t.wait_text("first", "Save the log to");
    t.keys("first", &["Enter"]);
    let screen = t.wait_text("first", "EXITED 0");
    assert!(screen.contains("The whole session is in"), "{screen}");
    let at = screen.find("`convene resume --file ").expect("the command") + 1;
    let command = screen[at..].split('`').next().expect("command").to_string();
    let copy = command.trim_start_matches("convene resume --file ").trim().to_string();
    assert!(Path::new(&copy).is_file(), "{copy:?} is the saved file");
    assert!(copy.starts_with(&t.home().display().to_string()), "{copy}");

    // Later, with the data folder usable again, the printed command resumes the session.
    std::fs::remove_file(t.data()).expect("rm");
    t.start("second", &format!("resume --file '{copy}'"));
    t.wait_text("second", "stage 2 of 6");
    t.keys("second", &["q", "l"]);
    let screen = t.wait_text("second", "EXITED 0");
    let id = resume_id(&screen);
    assert!(t.data().join("sessions").join(format!("{id}.jsonl")).is_file(), "{screen}");
    let listed = t.convene(&["resume", "--list"]);
    assert!(String::from_utf8_lossy(&listed.stdout).contains(&id), "{listed:?}");
}
