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

use crate::support;

use std::time::Duration;

use convene::tui::widgets::{SeenClock, read_clock};
use support::tmux::{Tmux, have_tmux};

const W: u16 = 120;
const H: u16 = 35;
/// Twelve people, four triads, with long names and names in CJK.
const ROOM: &str = "李小龙,Maximiliana Featherstonehaugh-Wolfeschlegelsteinhausen,Ann Lee,Zoë Ng,\
                    Bartholomew Okonkwo-Abernathy,山田 花子,Dev Patel,Evangeline Montgomery-Smythe,\
                    Fay Khan,Gus Oneill,Hal Jordan,Guadalupe Fernández-Villanueva";
/// How long to wait for something to appear. Generous: the tests wait for events, they do not
/// time them (a loaded 2-core machine can be slow); a passing test does not wait this long.
const SOON: Duration = Duration::from_secs(60);

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
#[cfg_attr(windows, ignore = "needs tmux, which Windows does not have")]
fn the_projected_screen_keeps_the_countdown_and_every_cue_in_view() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::new("projected");
    // The format 1 triad: its one expected commitment per stage asks before leaving.
    let v1 =
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/protocols/v1/coaching-triad.json");
    t.start("live", (W, H), &format!("run '{v1}' --people '{ROOM}'"), |c| {
        format!("{c}; echo EXITED $?; sleep 30")
    });
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
    // Ended early, the end screen shows first; any key leaves it.
    t.wait_text("live", "SESSION ENDED EARLY", SOON);
    t.keys("live", &["x"]);
    let screen = t.wait_text("live", "EXITED 0", SOON);
    assert!(screen.contains("over the plan"), "{screen}");
}
