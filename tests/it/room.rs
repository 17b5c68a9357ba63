//! The room, second pass (issue 21): the message to the room (logged, shown framed on the
//! projector and replayed on the mirror), presentation mode (the facilitator's lines hidden,
//! remembered, never on the mirror), and the sounds each cue makes, through a test sink.

use crossterm::event::KeyCode;

use convene::config::SoundMode;
use convene::session::sound::{REMINDER_MS, Sound};
use convene::session::{Command, Now, ROOM_MESSAGE_MAX, Rejection, SessionState, decide};
use convene::tui::event_loop::{Screen, Source};
use convene::tui::live::{LiveScreen, Options};
use convene::tui::sound::Recorder;

use crate::support::rig::{Rig, live_text, mono_opts};
use crate::support::wall;

const PEOPLE: [&str; 3] = ["Ann Lee", "Ben Okoro", "Cat Ng"];

/// The mirror of the rig's log as `convene mirror` opens it, with its follower.
fn mirror(rig: &Rig) -> (LiveScreen, convene::tui::mirror::Watched) {
    let path = rig.app.log.as_ref().expect("a log").path.clone();
    let log = convene::log::reader::read_log(&path).expect("the log reads");
    let opts = Options { mirror: true, ..mono_opts() };
    convene::tui::mirror::open(&path, &log, opts)
}

fn text_of(app: &LiveScreen, mono: u64, w: u16, h: u16) -> String {
    live_text(app, w, h, Now::new(mono, wall(mono)))
}

fn started() -> Rig {
    let mut rig = Rig::builtin("coaching-triad", &PEOPLE);
    rig.press(' ');
    rig.wait(5_000);
    rig
}

// ---- the message to the room ----

#[test]
fn a_message_to_the_room_is_logged_shown_framed_and_replayed_on_the_mirror_until_cleared() {
    let mut rig = started();
    rig.press('m');
    rig.type_text("Back at 10:45");
    rig.code(KeyCode::Enter);
    let shown = rig.events("message-shown");
    assert_eq!(shown.len(), 1, "logged: {}", rig.log_text());
    assert_eq!(shown[0]["text"], "Back at 10:45");
    for (w, h) in [(120, 35), (80, 24), (60, 20)] {
        let screen = rig.render(w, h);
        assert!(screen.contains("Back at 10:45"), "{w}x{h}:\n{screen}");
        assert!(screen.contains('┏') && screen.contains('┛'), "framed at {w}x{h}:\n{screen}");
        // The countdown keeps its place and is still read as one.
        let clock = convene::tui::widgets::read_clock(&text_of(&rig.app, rig.mono, w, h));
        assert!(w < 80 || clock.is_some(), "the big clock at {w}x{h}");
    }
    // The mirror replays it from the log, and follows its clearing.
    let (mut m, mut watched) = mirror(&rig);
    assert!(text_of(&m, rig.mono, 100, 30).contains("Back at 10:45"));
    rig.press('m');
    rig.ctrl('u');
    rig.code(KeyCode::Enter);
    assert_eq!(rig.events("message-cleared").len(), 1);
    assert!(!rig.render(100, 30).contains("Back at 10:45"));
    let mut clock = convene::tui::mirror::anchored_clock(&m.state);
    assert!(watched.poll(&mut m, &mut clock), "the mirror reads the clearing");
    assert!(!text_of(&m, rig.mono, 100, 30).contains("Back at 10:45"));
}

#[test]
fn the_message_is_bounded_as_typed_and_cleaned_by_the_engine() {
    let mut rig = started();
    rig.press('m');
    rig.type_text(&"x".repeat(ROOM_MESSAGE_MAX + 40));
    rig.code(KeyCode::Enter);
    let shown = rig.events("message-shown");
    assert_eq!(shown[0]["text"].as_str().map(str::len), Some(ROOM_MESSAGE_MAX));
    // The engine itself: one line, no control characters, bounded; empty is refused.
    let st: &SessionState = &rig.app.state;
    let now = Now::new(rig.mono, wall(rig.mono));
    let events =
        decide(st, Command::ShowMessage { text: "Swap\n\u{1b}[2J roles\t now".into() }, now)
            .expect("taken");
    let json = serde_json::to_string(&events[0].event).expect("json");
    assert!(json.contains("\"text\":\"Swap [2J roles now\""), "{json}");
    assert_eq!(
        decide(st, Command::ShowMessage { text: " \t ".into() }, now),
        Err(Rejection::EmptyMessage)
    );
}

// ---- presentation mode ----

#[test]
fn presentation_mode_hides_the_facilitators_lines_and_is_remembered() {
    let config = tempfile::tempdir().expect("tempdir");
    let file = config.path().join("config.toml");
    std::fs::write(&file, "# the hall's laptop\ntheme = \"high-contrast\"  # washed out\n")
        .expect("write");
    let kept = || std::fs::read_to_string(&file).expect("read");
    let mut rig = started();
    rig.app.presentation_file = Some(config.path().to_path_buf());
    let before = rig.render(100, 30);
    assert!(before.contains("space pause"), "{before}");
    assert!(before.contains("0 notes"), "{before}");
    rig.press('p');
    assert!(rig.app.presentation);
    assert_eq!(
        kept(),
        "# the hall's laptop\ntheme = \"high-contrast\"  # washed out\npresentation = true\n",
        "remembered in config.toml, the rest as it was"
    );
    rig.app.message = None;
    for (w, h) in [(120, 35), (100, 30), (80, 24)] {
        let screen = rig.render(w, h);
        for operator in ["space pause", "0 notes", "0 commitments", "? help"] {
            assert!(!screen.contains(operator), "{operator} at {w}x{h}:\n{screen}");
        }
    }
    rig.press(' ');
    let paused = rig.render(100, 30);
    assert!(paused.contains("PAUSED") && !paused.contains("to resume"), "{paused}");
    rig.press('p');
    assert!(kept().ends_with("\npresentation = false\n"), "turned off, remembered: {}", kept());
    rig.app.message = None;
    assert!(rig.render(100, 30).contains("resume"));
}

/// A config.toml convene cannot parse (edited while the session runs) is never overwritten:
/// presentation mode holds for the session and the screen says why it is not remembered.
#[test]
fn presentation_mode_leaves_a_broken_config_toml_alone_and_says_so() {
    let config = tempfile::tempdir().expect("tempdir");
    let file = config.path().join("config.toml");
    let broken = "theme = \"mono\"\nquiet = \n";
    std::fs::write(&file, broken).expect("write");
    let mut rig = started();
    rig.app.presentation_file = Some(config.path().to_path_buf());
    rig.press('p');
    assert!(rig.app.presentation, "on for the session");
    assert_eq!(std::fs::read_to_string(&file).expect("read"), broken, "not overwritten");
    let screen = rig.render(120, 35);
    assert!(screen.contains("this session only"), "{screen}");
    assert!(screen.contains("config.toml"), "{screen}");
}

#[test]
fn the_mirror_never_shows_the_facilitators_lines() {
    let mut rig = started();
    rig.press('e');
    rig.type_text("a private note");
    rig.code(KeyCode::Enter);
    let (m, _) = mirror(&rig);
    for (w, h) in [(120, 35), (100, 30), (80, 24)] {
        let screen = text_of(&m, rig.mono, w, h);
        for operator in ["space pause", "1 note", "0 commitments", "press", "? help", "mirror ·"] {
            assert!(!screen.contains(operator), "{operator} on the mirror at {w}x{h}:\n{screen}");
        }
    }
}

#[test]
fn snapshots_of_the_message_in_presentation_mode() {
    let mut rig = started();
    rig.press('p');
    rig.press('m');
    rig.type_text("Swap roles now");
    rig.code(KeyCode::Enter);
    rig.app.message = None;
    insta::assert_snapshot!("message_presentation_120x35", rig.render(120, 35));
    insta::assert_snapshot!("message_presentation_80x24", rig.render(80, 24));
}

// ---- sounds ----

/// Runs stages until every kind of cue has sounded (the first stages of a coaching triad have a
/// warning, timed cues and a time up), draining the screen's sounds as the loop does.
fn run_through(rig: &mut Rig, stages: usize) -> Vec<u8> {
    let mut bells = Vec::new();
    for _ in 0..stages {
        let c = rig.app.state.clock().expect("a stage").clone();
        let start = rig.mono;
        let mut points: Vec<u64> = (0..c.cues.len()).filter_map(|i| c.cue_point(i)).collect();
        if let Some(w) = c.warn_ms {
            points.push(c.budget_ms - w);
        }
        points.push(c.budget_ms + c.range_ms);
        points.sort_unstable();
        for p in points {
            rig.at((start + p + 10).max(rig.mono));
            bells.push(rig.app.take_bells());
        }
        rig.wait(500);
        let now = rig.now();
        rig.app.exec(Command::Next { force: true }, now).expect("next");
        bells.push(rig.app.take_bells());
    }
    bells
}

#[test]
fn each_cue_kind_plays_its_sound_and_a_reminder_sounds_while_over() {
    let rec = Recorder::default();
    let mut rig = started();
    rig.app.set_player(Box::new(rec.clone()));
    let bells = run_through(&mut rig, 3);
    assert!(bells.iter().all(|b| *b == 0), "chimes, not the bell: {bells:?}");
    let played = rec.played();
    for kind in [Sound::Warning, Sound::TimeUp, Sound::Cue] {
        assert!(played.contains(&kind), "{} was not heard: {played:?}", kind.word());
    }
    assert!(!played.contains(&Sound::Reminder), "nothing ran over yet: {played:?}");
    // Over time: a reminder at each further REMINDER_MS, and not before.
    let c = rig.app.state.clock().expect("a stage").clone();
    let start = rig.mono;
    let up = start + c.budget_ms + c.range_ms;
    rig.at(up + 1_000);
    rig.app.take_bells();
    let count = |r: &Recorder| r.played().iter().filter(|s| **s == Sound::Reminder).count();
    rig.at(up + REMINDER_MS - 1_000);
    rig.app.take_bells();
    assert_eq!(count(&rec), 0, "not yet");
    rig.at(up + REMINDER_MS + 1_500);
    rig.app.take_bells();
    assert_eq!(count(&rec), 1, "the first reminder");
    rig.at(up + 2 * REMINDER_MS + 1_500);
    rig.app.take_bells();
    assert_eq!(count(&rec), 2, "the second");
    // Paused, then resumed: no reminder again for the same overrun.
    rig.press(' ');
    rig.wait(60_000);
    rig.press(' ');
    rig.wait(1_000);
    rig.app.take_bells();
    assert_eq!(count(&rec), 2, "a pause sounds nothing");
}

#[test]
fn sound_off_plays_nothing_and_the_bell_rings_once_or_twice() {
    let rec = Recorder::default();
    let mut rig = started();
    rig.app.set_player(Box::new(rec.clone()));
    rig.app.sound = SoundMode::Off;
    let bells = run_through(&mut rig, 3);
    assert!(rec.played().is_empty(), "{:?}", rec.played());
    assert!(bells.iter().all(|b| *b == 0), "{bells:?}");

    let mut rig = started();
    rig.app.sound = SoundMode::Bell;
    let bells = run_through(&mut rig, 3);
    assert!(
        bells.contains(&1) && bells.contains(&2),
        "one at a warning, two at time up: {bells:?}"
    );
}

#[test]
fn the_mirror_sounds_what_it_reads_when_asked() {
    let rec = Recorder::default();
    let mut rig = started();
    let (mut m, mut watched) = mirror(&rig);
    // Without --sound the mirror is silent.
    let (mut silent, mut silent_watch) = mirror(&rig);
    m.set_player(Box::new(rec.clone()));
    run_through(&mut rig, 2);
    let mut clock = convene::tui::mirror::anchored_clock(&m.state);
    assert!(watched.poll(&mut m, &mut clock));
    assert!(silent_watch.poll(&mut silent, &mut clock));
    m.take_bells();
    assert_eq!(silent.take_bells(), 0, "the mirror rings nothing without --sound");
    let played = rec.played();
    for kind in [Sound::Warning, Sound::TimeUp] {
        assert!(played.contains(&kind), "{} on the mirror: {played:?}", kind.word());
    }
}

/// Issue 21: on a terminal too small for the start card (30x10), space starts the session and
/// the one line shows its clock.
#[test]
fn space_starts_the_session_on_a_screen_too_small_for_the_start_card() {
    use crossterm::event::KeyEvent;
    let mut rig = Rig::builtin("project-tuning", &["Priya", "Ann", "Ben", "Cat"]);
    let small = ratatui::layout::Size { width: 30, height: 10 };
    let before = rig.render(30, 10);
    assert!(before.contains("READY"), "{before}");
    let now = rig.now();
    let intent = Screen::key(&mut rig.app, KeyEvent::from(KeyCode::Char(' ')), small);
    Screen::perform(&mut rig.app, intent, now);
    assert_eq!(rig.app.state.status, convene::session::Status::Running);
    rig.wait(2_000);
    let after = rig.render(30, 10);
    assert!(after.contains("RUNNING") && after.contains(':'), "{after}");
    // Other keys still do nothing unseen.
    let intent = Screen::key(&mut rig.app, KeyEvent::from(KeyCode::Char('n')), small);
    let now = rig.now();
    Screen::perform(&mut rig.app, intent, now);
    assert_eq!(rig.app.state.pos, 0);
}

/// A message put up before the start is shown above the start card, and on the mirror's.
#[test]
fn a_message_before_the_start_sits_above_the_start_card() {
    let mut rig = Rig::builtin("coaching-triad", &PEOPLE);
    rig.press('m');
    rig.type_text("Starting at 9:05");
    rig.code(KeyCode::Enter);
    assert_eq!(rig.events("message-shown").len(), 1);
    for (w, h) in [(100, 30), (80, 24)] {
        let screen = rig.render(w, h);
        assert!(screen.contains("Starting at 9:05") && screen.contains("READY"), "{screen}");
    }
    let (m, _) = mirror(&rig);
    assert!(text_of(&m, rig.mono, 100, 30).contains("Starting at 9:05"));
}
