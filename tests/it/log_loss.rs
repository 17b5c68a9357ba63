//! A log that disappears or shrinks under a running session, and a full disk saved elsewhere:
//! nothing is lost, the screen says what happened, and whatever the facilitator is told to run
//! leads to the whole session.
//!
//! - the log file deleted, the sessions folder deleted, the file cut short (`: > LOG`): the log
//!   is written again whole from memory, with a banner, and is listed and resumable;
//! - the session lock is held from the moment the log exists;
//! - a full disk, then "save elsewhere": the incomplete log is never offered to resume, and the
//!   message names the file that holds the whole session and the command that resumes it.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Output;

use convene::config::ThemeName;
use convene::log::reader::read_log;
use convene::log::writer::LogWriter;
use convene::log::{Header, in_use, sessions_dir};
use convene::protocol::Library;
use convene::session::{Command, Now, SessionState, Setup, Status, replay};
use convene::tui::live::{Exit, LiveScreen, Options, Overlay};
use convene::tui::theme::Theme;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const ID: &str = "20261123-083000-000";

fn now(ms: u64) -> Now {
    Now::new(ms, support::wall(ms))
}

fn setup() -> Setup {
    Setup::new(
        Library::builtin_only().get("project-tuning").expect("built-in").clone(),
        ["Priya", "Ann", "Ben"],
    )
}

/// A live screen writing its log under `data`, started.
fn started(data: &Path) -> LiveScreen {
    let header = Header::new(ID.into(), now(0).wall, setup());
    let writer = LogWriter::create(data, ID, &header);
    assert_eq!(writer.error, None);
    let opts = Options {
        quiet: true,
        flash: false,
        theme: Theme::resolve(ThemeName::Mono, true),
        mirror: false,
    };
    let mut app = LiveScreen::new(SessionState::new(setup()), Some(writer), opts);
    key(&mut app, KeyCode::Char(' '), 0);
    assert_eq!(app.state.status, Status::Running);
    app
}

fn key(app: &mut LiveScreen, code: KeyCode, ms: u64) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE), now(ms));
}

fn note(app: &mut LiveScreen, text: &str, ms: u64) {
    app.exec(
        Command::AddNote {
            text: text.into(),
            about: None,
            group: None,
            private: true,
            record: None,
        },
        now(ms),
    )
    .expect("a note");
}

fn screen(app: &LiveScreen, ms: u64) -> String {
    support::live_text(app, 160, 30, now(ms))
}

fn log_path(app: &LiveScreen) -> PathBuf {
    app.log.as_ref().expect("a log").path.clone()
}

/// The log on disk replays to exactly the state on screen, with nothing skipped.
fn assert_whole(path: &Path, app: &LiveScreen) {
    let bytes = std::fs::read(path).expect("the log is there");
    assert!(!bytes.contains(&0), "no NUL bytes in the log");
    let log = read_log(path).expect("a readable log");
    assert!(log.problems.is_empty(), "{:?}", log.problems);
    assert_eq!(replay(log.header.setup.clone(), &log.events), app.state);
}

fn convene(data: &Path, args: &[&str]) -> Output {
    support::cli::run(data, args)
}

use support::cli::stdout;

fn resume_list(data: &Path) -> String {
    let o = convene(data, &["resume", "--list"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    stdout(&o)
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).expect("exists").permissions().mode() & 0o777
}

#[test]
#[cfg_attr(
    windows,
    ignore = "Wine keeps the name of a deleted file that is still open until it is closed (Windows \
              before 10 did too): a log deleted under a running session can't be shown there"
)]
fn a_log_deleted_mid_session_is_written_again_whole() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let mut app = started(&data);
    note(&mut app, "first", 1_000);
    let path = log_path(&app);
    std::fs::remove_file(&path).expect("rm");

    // The next event notices: the whole log is back, with the new event, and the screen says so.
    note(&mut app, "second", 2_000);
    assert_whole(&path, &app);
    assert_eq!(app.log_error(), None);
    let shown = screen(&app, 2_000);
    assert!(shown.contains("LOG WRITTEN AGAIN"), "{shown}");
    assert!(shown.contains("was deleted"), "{shown}");

    // A deletion with no event after it is noticed by the live screen's next wake-up (a retry).
    std::fs::remove_file(&path).expect("rm");
    assert!(app.log.as_mut().expect("log").retry());
    assert_whole(&path, &app);
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);

    // Leaving: the id printed is valid, listed and resumable.
    key(&mut app, KeyCode::Char('q'), 3_000);
    key(&mut app, KeyCode::Char('l'), 3_000);
    assert_eq!(app.exit, Some(Exit::Left));
    assert!(resume_list(&data).contains(ID), "resume --list shows it");
}

#[test]
#[cfg_attr(
    windows,
    ignore = "Windows refuses to remove a folder while convene holds a file in it open"
)]
fn a_deleted_sessions_folder_is_created_again_private() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let mut app = started(&data);
    note(&mut app, "first", 1_000);
    let path = log_path(&app);
    std::fs::remove_dir_all(&data).expect("rm -rf the whole data folder");

    key(&mut app, KeyCode::Char('n'), 60_000); // a stage change
    assert_whole(&path, &app);
    let shown = screen(&app, 60_000);
    assert!(shown.contains("LOG WRITTEN AGAIN"), "{shown}");
    assert!(shown.contains("sessions folder"), "{shown}");
    #[cfg(unix)]
    {
        assert_eq!(mode(&sessions_dir(&data)), 0o700);
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&path), 0o600);
    }
    key(&mut app, KeyCode::Char('q'), 61_000);
    key(&mut app, KeyCode::Char('l'), 61_000);
    assert_eq!(app.exit, Some(Exit::Left));
    assert_whole(&path, &app);
    assert!(resume_list(&data).contains(ID), "resume --list shows it");
    let farewell = convene::tui::farewell::farewell(&app);
    assert!(
        farewell.out.iter().any(|l| l.contains(&format!("convene resume {ID}"))),
        "{farewell:?}"
    );
    assert!(farewell.out.iter().any(|l| l.contains("was deleted")), "{farewell:?}");
}

#[test]
fn a_log_cut_short_is_written_again_whole() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let mut app = started(&data);
    note(&mut app, "first", 1_000);
    note(&mut app, "second", 2_000);
    let path = log_path(&app);
    // `: > LOG`
    std::fs::OpenOptions::new().write(true).truncate(true).open(&path).expect("truncate");

    note(&mut app, "third", 3_000);
    assert_whole(&path, &app);
    let shown = screen(&app, 3_000);
    assert!(shown.contains("LOG WRITTEN AGAIN"), "{shown}");
    assert!(shown.contains("cut short"), "{shown}");

    // Cut to part of its length (no event after it): the next wake-up writes it again.
    let len = std::fs::metadata(&path).expect("meta").len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("open")
        .set_len(len / 2)
        .expect("cut");
    assert!(app.log.as_mut().expect("log").retry());
    assert_whole(&path, &app);
    assert!(resume_list(&data).contains(ID));
}

#[test]
fn the_session_lock_is_held_from_the_moment_the_log_exists() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let header = Header::new(ID.into(), now(0).wall, setup());
    let w = LogWriter::create(&data, ID, &header);
    assert!(read_log(&w.path).is_ok(), "the header is written");
    assert!(in_use(&w.path), "the log is locked as soon as it exists");
    // Another process sees it running.
    assert!(resume_list(&data).contains("running in another terminal"));
    // `convene resume` names it, rather than saying there is nothing to resume.
    let o = convene(&data, &["resume"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("session {ID} is running in another terminal"))
            && err.contains("convene mirror"),
        "{err}"
    );
    drop(w);
    assert!(!in_use(&header_path(&data)), "released with the writer");
}

fn header_path(data: &Path) -> PathBuf {
    sessions_dir(data).join(format!("{ID}.jsonl"))
}

#[test]
#[cfg_attr(
    windows,
    ignore = "Windows refuses to remove a folder while convene holds a file in it open"
)]
fn a_log_written_again_is_locked_again() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let mut app = started(&data);
    let path = log_path(&app);
    std::fs::remove_dir_all(sessions_dir(&data)).expect("rm -rf");
    note(&mut app, "after", 1_000);
    assert_whole(&path, &app);
    assert!(in_use(&path), "the new file is locked too");
}

/// A full disk: the sessions folder holds 23 of 30 notes and a torn line.
fn full_disk(data: &Path) -> LiveScreen {
    let mut app = started(data);
    for i in 1..=23 {
        note(&mut app, &format!("note {i}"), i * 1_000);
    }
    let path = log_path(&app);
    let len = std::fs::metadata(&path).expect("meta").len();
    app.log.as_mut().expect("log").simulate_disk_limit(Some(len + 30));
    for i in 24..=30 {
        note(&mut app, &format!("note {i}"), i * 1_000);
    }
    assert!(app.log_error().is_some_and(|e| e.contains("No space left")));
    let on_disk = read_log(&path).expect("read");
    assert_eq!(on_disk.events.len() + 7, app.state.notes.len() + 2, "{:?}", on_disk.problems);
    assert_eq!(on_disk.problems.len(), 1, "a torn line");
    app
}

fn save_elsewhere(app: &mut LiveScreen, to: &Path) {
    assert!(matches!(app.overlay, Overlay::Form(_)), "the save form: {:?}", app.overlay);
    app.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL), now(40_000));
    for c in to.display().to_string().chars() {
        key(app, KeyCode::Char(c), 40_000);
    }
    key(app, KeyCode::Enter, 40_000);
    assert_eq!(app.saved_to.as_deref(), Some(to));
}

#[test]
fn a_full_disk_saved_elsewhere_is_never_resumed_from_the_incomplete_log() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let mut app = full_disk(&data);
    let path = log_path(&app);
    key(&mut app, KeyCode::Char('q'), 31_000);
    key(&mut app, KeyCode::Char('l'), 31_000);
    let copy = tmp.path().join("usb stick").join("session.jsonl");
    save_elsewhere(&mut app, &copy);
    assert_eq!(app.exit, Some(Exit::Left));
    assert_whole(&copy, &app);

    // The incomplete log is not offered, in any way.
    assert!(!resume_list(&data).contains(ID), "resume --list offers the incomplete log");
    let o = convene(&data, &["resume", ID]);
    assert_eq!(o.status.code(), Some(2), "resume ID refuses: {}", stdout(&o));
    assert!(!path.exists(), "the incomplete log is set aside");
    let aside = path.with_file_name(format!("{ID}.jsonl.incomplete"));
    assert!(aside.exists(), "and kept, renamed");

    // The message names the complete file and the command that resumes it; not the bare id.
    let f = convene::tui::farewell::farewell(&app);
    let text = f.out.join("\n");
    assert!(!f.failed && f.err.is_empty(), "{f:?}");
    assert!(text.contains(&format!("The whole session is in {}.", copy.display())), "{text}");
    assert!(!text.contains(&format!("convene resume {ID}")), "{text}");
    let quoted = if cfg!(windows) {
        format!("\"{}\"", copy.display())
    } else {
        format!("'{}'", copy.display())
    };
    let command = format!("convene resume --file {quoted}");
    assert!(text.contains(&command), "{text}");
    // convene has exited: its files are closed (Windows removes a file still open only once it
    // is closed).
    drop(app.log.take());

    // Following it (space has come back): the whole session is back in the sessions folder and
    // resumable. Without a terminal the live screen cannot open, but the log is put back first.
    let o = convene(&data, &["resume", "--file", &copy.display().to_string()]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("needs a terminal"), "{o:?}");
    assert_whole(&path, &app);
    assert!(!aside.exists(), "the incomplete log, now replaced, is removed");
    assert!(resume_list(&data).contains(ID));
    assert_eq!(read_log(&path).expect("read").header.session, ID);
    assert!(copy.exists(), "the copy is left as it was");
    // Twice is harmless.
    let o = convene(&data, &["resume", "--file", &copy.display().to_string()]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("needs a terminal"), "{o:?}");
}

#[test]
fn a_full_disk_saved_elsewhere_at_the_end_is_put_back_for_review() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let mut app = full_disk(&data);
    key(&mut app, KeyCode::Char('q'), 31_000);
    key(&mut app, KeyCode::Char('e'), 31_000);
    let copy = tmp.path().join("copy.jsonl");
    save_elsewhere(&mut app, &copy);
    assert_eq!(app.exit, Some(Exit::Ended));
    assert!(!resume_list(&data).contains(ID), "an ended session is never offered");
    let text = convene::tui::farewell::farewell(&app).out.join("\n");
    let command = format!("convene resume --file {}", copy.display());
    assert!(text.contains(&command), "{text}");
    let o = convene(&data, &["resume", "--file", &copy.display().to_string()]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(stdout(&o).contains("has ended"), "{o:?}");
    assert_whole(&log_path(&app), &app);
    let o = convene(&data, &["logs", "show", ID]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
}

#[test]
fn when_space_returns_before_saving_elsewhere_the_sessions_folder_log_is_complete() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let mut app = full_disk(&data);
    key(&mut app, KeyCode::Char('q'), 31_000);
    key(&mut app, KeyCode::Char('l'), 31_000);
    // Space comes back while the save form is open: the copy and the log are both complete.
    app.log.as_mut().expect("log").simulate_disk_limit(None);
    let copy = tmp.path().join("copy.jsonl");
    save_elsewhere(&mut app, &copy);
    let path = log_path(&app);
    assert_whole(&path, &app);
    assert_whole(&copy, &app);
    let text = convene::tui::farewell::farewell(&app).out.join("\n");
    assert!(text.contains(&format!("convene resume {ID}")), "{text}");
    assert!(resume_list(&data).contains(ID));
}

#[test]
fn putting_back_refuses_a_different_log_of_the_same_session() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let mut app = started(&data);
    note(&mut app, "kept", 1_000);
    let path = log_path(&app);
    let copy = tmp.path().join("copy.jsonl");
    std::fs::copy(&path, &copy).expect("copy");
    note(&mut app, "only in the sessions folder", 2_000);
    drop(app);
    // The copy is older than the log in the sessions folder: never replace the longer log.
    let mut text = std::fs::read_to_string(&copy).expect("read");
    text.push_str(
        &std::fs::read_to_string(&path)
            .expect("read")
            .lines()
            .last()
            .expect("l")
            .replace("only in", "different in"),
    );
    text.push('\n');
    std::fs::write(&copy, text).expect("write");
    let before = std::fs::read(&path).expect("read");
    let o = convene(&data, &["resume", "--file", &copy.display().to_string()]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("different log"), "{o:?}");
    assert_eq!(std::fs::read(&path).expect("read"), before, "the log is left alone");
}

#[test]
fn putting_back_refuses_a_header_id_that_is_not_a_session_id() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let mut app = started(&data);
    note(&mut app, "kept", 1_000);
    let text = std::fs::read_to_string(log_path(&app)).expect("read");
    drop(app);
    for bad in ["../../evil", "20261123-083000-000/../x", ".hidden", "20261123-083000-000-01"] {
        let copy = tmp.path().join("copy.jsonl");
        std::fs::write(&copy, text.replacen(ID, bad, 1)).expect("write");
        let o = convene(&data, &["resume", "--file", &copy.display().to_string()]);
        assert_eq!(o.status.code(), Some(2), "{bad}: {o:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("not one convene makes"), "{o:?}");
    }
    assert!(!tmp.path().join("evil.jsonl").exists());
    assert_eq!(std::fs::read_dir(sessions_dir(&data)).expect("dir").count(), 1);
}
