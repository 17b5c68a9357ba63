//! Real-terminal tests of a log lost under a running session: the `convene` binary in a detached
//! tmux session (its own tmux server, killed when the test ends), driven with `send-keys` and
//! read with `capture-pane`. Every wait is for something to appear, with a generous timeout.
//!
//! Without tmux the tests print a note and pass, unless `CONVENE_E2E_REQUIRED=1` (set by CI).

// These tests wait for a real process from outside, so they read the clock themselves.
#![allow(clippy::disallowed_methods)]

use crate::support;

use std::path::Path;
use std::time::Duration;

use support::tmux::{Tmux, have_tmux};

const PEOPLE: &str = "Ann,Ben,Cat,Dev";
/// Generous: the machine may be loaded.
const PATIENCE: Duration = Duration::from_secs(30);

/// Runs `convene ARGS` in a new 120 x 35 session, then prints its exit status and waits.
fn start(t: &Tmux, session: &str, args: &str) {
    t.start(session, (120, 35), args, |c| format!("{c}; echo EXITED $?; sleep 60"));
}

/// Waits for `text` on the screen, wrapped lines joined again.
fn wait_text(t: &Tmux, session: &str, text: &str) -> String {
    t.wait_joined(session, text, PATIENCE)
}

/// Deletes a folder convene is writing in, as `rm -rf` would. convene notices a log deleted
/// at once and may write it again while the folder is being emptied, which then fails ("not
/// empty"): deleted again until it is gone.
fn rm_rf(dir: &Path) {
    let start = std::time::Instant::now();
    loop {
        match std::fs::remove_dir_all(dir) {
            Ok(()) => return,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
            Err(e) => assert!(start.elapsed() < PATIENCE, "rm -rf {}: {e}", dir.display()),
        }
        std::thread::sleep(Duration::from_millis(10));
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
    start(&t, "first", &format!("run project-tuning --people '{PEOPLE}'"));
    wait_text(&t, "first", "READY");
    t.keys("first", &["Space"]);
    wait_text(&t, "first", "RUNNING");
    rm_rf(&t.data().join("sessions"));

    // Noticed with no key pressed: the running screen checks at its next wake-up.
    wait_text(&t, "first", "LOG WRITTEN AGAIN");
    t.keys("first", &["n"]);
    wait_text(&t, "first", "stage 2 of 6");
    t.keys("first", &["q", "l"]);
    let screen = wait_text(&t, "first", "EXITED 0");
    assert!(screen.contains("was deleted"), "{screen}");
    let id = resume_id(&screen);

    let listed = t.convene(&["resume", "--list"]);
    assert!(String::from_utf8_lossy(&listed.stdout).contains(&id), "{listed:?}");
    start(&t, "second", &format!("resume {id}"));
    wait_text(&t, "second", "stage 2 of 6");
    t.keys("second", &["q", "l"]);
    let screen = wait_text(&t, "second", "EXITED 0");
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
    start(&t, "first", &format!("run project-tuning --people '{PEOPLE}'"));
    wait_text(&t, "first", "READY");
    t.keys("first", &["Space"]);
    wait_text(&t, "first", "LOG NOT SAVED");
    t.keys("first", &["n"]);
    wait_text(&t, "first", "stage 2 of 6");
    t.keys("first", &["q", "l"]);
    // The save form, filled in with a place in the home folder: accept it.
    wait_text(&t, "first", "Save the log to");
    t.keys("first", &["Enter"]);
    let screen = wait_text(&t, "first", "EXITED 0");
    assert!(screen.contains("The whole session is in"), "{screen}");
    let at = screen.find("`convene resume --file ").expect("the command") + 1;
    let command = screen[at..].split('`').next().expect("command").to_string();
    let copy = command.trim_start_matches("convene resume --file ").trim().to_string();
    assert!(Path::new(&copy).is_file(), "{copy:?} is the saved file");
    assert!(copy.starts_with(&t.home().display().to_string()), "{copy}");

    // Later, with the data folder usable again, the printed command resumes the session.
    std::fs::remove_file(t.data()).expect("rm");
    start(&t, "second", &format!("resume --file '{copy}'"));
    wait_text(&t, "second", "stage 2 of 6");
    t.keys("second", &["q", "l"]);
    let screen = wait_text(&t, "second", "EXITED 0");
    let id = resume_id(&screen);
    // Put back into its month folder.
    assert!(convene::log::log_path(&t.data(), &id).is_file(), "{screen}");
    let listed = t.convene(&["resume", "--list"]);
    assert!(String::from_utf8_lossy(&listed.stdout).contains(&id), "{listed:?}");
}
