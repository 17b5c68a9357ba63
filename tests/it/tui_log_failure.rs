//! An unwritable data folder: the banner says the log is not being saved and why, the session
//! runs on, and on quit the facilitator saves every event elsewhere; nothing is lost.

use crate::support;

use convene::config::ThemeName;
use convene::log::Header;
use convene::log::reader::read_log;
use convene::log::writer::LogWriter;
use convene::protocol::Library;
use convene::session::{Now, SessionState, Setup, replay};
use convene::tui::live::{Exit, LiveScreen, Options, Overlay};
use convene::tui::theme::Theme;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn now(ms: u64) -> Now {
    Now::new(ms, support::wall(ms))
}

fn screen(app: &LiveScreen, ms: u64) -> String {
    support::live_text(app, 100, 30, now(ms))
}

fn key(app: &mut LiveScreen, code: KeyCode, ms: u64) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE), now(ms));
}

#[test]
fn an_unwritable_data_folder_loses_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // A regular file where the data folder should be: creating the folder fails, even as root.
    let blocked = tmp.path().join("not-a-folder");
    std::fs::write(&blocked, "x").expect("write");
    let setup = Setup::new(
        Library::builtin_only().get("project-tuning").expect("built-in").clone(),
        ["Priya", "Ann", "Ben"],
    );
    let header = Header::new("20261123-083000-000".into(), now(0).wall, setup.clone());
    let writer = LogWriter::create(&blocked, "20261123-083000-000", &header);
    assert!(writer.error.is_some());
    let opts = Options {
        quiet: true,
        flash: false,
        theme: Theme::resolve(ThemeName::Mono, true),
        mirror: false,
    };
    let mut app = LiveScreen::new(SessionState::new(setup.clone()), Some(writer), opts);

    key(&mut app, KeyCode::Char(' '), 0);
    key(&mut app, KeyCode::Char('n'), 60_000);
    let shown = screen(&app, 61_000);
    assert!(shown.contains("LOG NOT SAVED"), "{shown}");
    assert!(shown.contains("not-a-folder"), "the banner says why: {shown}");
    assert!(shown.contains("Clarifying questions"), "the session runs on: {shown}");

    // Quit and end: the screen offers to save the log elsewhere before leaving.
    key(&mut app, KeyCode::Char('q'), 62_000);
    key(&mut app, KeyCode::Char('e'), 62_000);
    assert!(matches!(app.overlay, Overlay::Form(_)), "a save form opens: {:?}", app.overlay);
    assert_eq!(app.exit, None, "it does not leave before the log is saved");
    let target = tmp.path().join("saved").join("session.jsonl");
    app.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL), now(63_000));
    for c in target.display().to_string().chars() {
        key(&mut app, KeyCode::Char(c), 63_000);
    }
    key(&mut app, KeyCode::Enter, 63_000);
    assert_eq!(app.exit, Some(Exit::Ended));
    assert_eq!(app.saved_to.as_deref(), Some(target.as_path()));

    let log = read_log(&target).expect("the saved log reads back");
    assert!(log.problems.is_empty(), "{:?}", log.problems);
    assert_eq!(replay(log.header.setup.clone(), &log.events), app.state);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&target).expect("exists").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[test]
fn a_session_completed_while_the_log_fails_still_offers_to_save_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let blocked = tmp.path().join("not-a-folder");
    std::fs::write(&blocked, "x").expect("write");
    let setup = Setup::new(
        Library::builtin_only().get("project-tuning").expect("built-in").clone(),
        ["Priya", "Ann"],
    );
    let header = Header::new("20261123-083000-001".into(), now(0).wall, setup.clone());
    let writer = LogWriter::create(&blocked, "20261123-083000-001", &header);
    let opts = Options {
        quiet: true,
        flash: false,
        theme: Theme::resolve(ThemeName::Mono, true),
        mirror: false,
    };
    let mut app = LiveScreen::new(SessionState::new(setup), Some(writer), opts);
    key(&mut app, KeyCode::Char(' '), 0);
    for i in 1..=6 {
        key(&mut app, KeyCode::Char('n'), i * 1000);
    }
    assert!(matches!(app.state.status, convene::session::Status::Ended(_)));
    // Any key on the end screen: not gone yet, the save form first.
    key(&mut app, KeyCode::Char('x'), 7000);
    assert_eq!(app.exit, None);
    assert!(matches!(app.overlay, Overlay::Form(_)), "{:?}", app.overlay);
    // Ctrl-C on that form goes back to the quit question, not away.
    app.handle_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL), now(7000));
    assert_eq!(app.overlay, Overlay::Quit);
}
