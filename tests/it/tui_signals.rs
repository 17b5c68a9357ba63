//! A quit signal (SIGINT, SIGQUIT, SIGTERM, SIGHUP) while the log cannot be written: before
//! convene exits, the events held only in memory reach a file — the log itself when the disk has
//! room again, else a whole copy elsewhere — so the summary can point at a complete session.
//! (The terminal side is tested in `e2e_signals.rs`.)

use crate::support;

use convene::log::reader::read_log;
use convene::session::replay;
use convene::tui::signals::keep_log;
use support::Rig;

const PEOPLE: &[&str] = &["Priya", "Ann", "Ben", "Cat"];

/// A running session whose disk filled up after the first stage: the next events are shown but
/// held in memory.
fn disk_full_mid_session() -> Rig {
    let mut rig = Rig::builtin("project-tuning", PEOPLE);
    rig.press(' ');
    rig.wait(5_000);
    let path = rig.app.log.as_ref().expect("log").path.clone();
    let len = std::fs::metadata(&path).expect("log").len();
    rig.app.log.as_mut().expect("log").simulate_disk_limit(Some(len + 10));
    rig.press('n');
    rig.press('n');
    let log = rig.app.log.as_ref().expect("log");
    assert!(log.error.is_some() && log.pending() > 0, "events held in memory");
    rig
}

#[test]
fn a_quit_signal_writes_the_held_events_when_the_disk_has_room_again() {
    let mut rig = disk_full_mid_session();
    rig.app.log.as_mut().expect("log").simulate_disk_limit(None);
    let elsewhere = rig.dir.path().join("copy.jsonl");
    assert!(keep_log(&mut rig.app, &elsewhere));
    assert_eq!(rig.app.saved_to, None, "no copy needed");
    assert!(!elsewhere.exists());
    let log = rig.app.log.as_ref().expect("log");
    assert_eq!((log.pending(), log.error.as_deref()), (0, None));
    let read = read_log(&log.path).expect("readable");
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    assert_eq!(replay(read.header.setup.clone(), &read.events), rig.app.state);
}

#[test]
fn a_quit_signal_saves_the_whole_log_elsewhere_while_the_disk_is_still_full() {
    let mut rig = disk_full_mid_session();
    let elsewhere = rig.dir.path().join("saved").join("copy.jsonl");
    assert!(keep_log(&mut rig.app, &elsewhere));
    assert_eq!(rig.app.saved_to.as_deref(), Some(elsewhere.as_path()));
    let read = read_log(&elsewhere).expect("readable");
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    assert_eq!(replay(read.header.setup.clone(), &read.events), rig.app.state);
}

#[test]
fn a_quit_signal_says_so_when_no_file_can_hold_the_events() {
    let mut rig = disk_full_mid_session();
    // A regular file where the copy's folder should be.
    let blocked = rig.dir.path().join("not-a-folder");
    std::fs::write(&blocked, "x").expect("write");
    assert!(!keep_log(&mut rig.app, &blocked.join("copy.jsonl")));
    assert_eq!(rig.app.saved_to, None);
    assert!(rig.app.log_error().is_some(), "the summary reports the log as not saved");
}
