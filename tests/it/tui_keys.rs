//! The live screen driven headless: key presses and a fake clock in, engine state and the log
//! file on disk out. No terminal is involved.

use crate::support;

use convene::protocol::load_file;
use convene::session::Status;
use convene::tui::live::{
    Action, Exit, Field, Form, FormKind, Intent, LiveScreen, Overlay, action_for, intent_for,
    perform, tables_in_force, type_char, update,
};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use support::{Rig, default_opts, mono_opts, setup};

const TUNING: &[&str] = &["Priya", "Ann", "Ben", "Cat"];
const TRIAD: &[&str] = &["Ann", "Ben", "Cat"];

fn started(id: &str, people: &[&str]) -> Rig {
    let mut rig = Rig::builtin(id, people);
    rig.press(' ');
    assert_eq!(rig.app.state.status, Status::Running);
    rig
}

/// [`started`] on the format 1 copy of a built-in ([`support::v1`]): its one expected record
/// per stage (`expects`), its per-stage group agreement.
fn started_v1(id: &str, people: &[&str]) -> Rig {
    let mut rig = Rig::v1(id, people);
    rig.press(' ');
    assert_eq!(rig.app.state.status, Status::Running);
    rig
}

fn remaining(rig: &Rig) -> i64 {
    convene::session::display::remaining(&rig.app.state, rig.mono)
}

#[test]
fn space_pauses_and_resumes() {
    let mut rig = started("project-tuning", TUNING);
    rig.wait(10_000);
    rig.press(' ');
    assert!(rig.app.state.paused);
    rig.wait(30_000);
    assert_eq!(remaining(&rig), 230_000, "a paused clock stands still");
    rig.press(' ');
    assert!(!rig.app.state.paused);
    rig.wait(1_000);
    assert_eq!(remaining(&rig), 229_000);
    let paused = rig.events("paused");
    assert_eq!(paused.len(), 1);
    assert_eq!(paused[0]["remaining_ms"], 230_000);
    let resumed = rig.events("resumed");
    assert_eq!(resumed.len(), 1);
    assert_eq!(resumed[0]["paused_ms"], 30_000);
}

#[test]
fn n_right_and_page_down_advance_b_left_and_page_up_go_back() {
    let mut rig = started("project-tuning", TUNING);
    rig.press('n');
    assert_eq!(rig.app.state.pos, 1);
    rig.code(KeyCode::Right);
    assert_eq!(rig.app.state.pos, 2);
    rig.code(KeyCode::PageDown);
    assert_eq!(rig.app.state.pos, 3);
    rig.press('b');
    assert_eq!(rig.app.state.pos, 2);
    rig.code(KeyCode::Left);
    assert_eq!(rig.app.state.pos, 1);
    rig.code(KeyCode::PageUp);
    assert_eq!(rig.app.state.pos, 0);
    let vias: Vec<String> = rig
        .events("stage-entered")
        .iter()
        .map(|e| format!("{}:{}", e["pos"], e["via"].as_str().expect("via")))
        .collect();
    assert_eq!(vias, ["0:next", "1:next", "2:next", "3:next", "2:back", "1:back", "0:back"]);
}

#[test]
fn plus_extends_and_minus_shortens_by_a_minute() {
    let mut rig = started("project-tuning", TUNING);
    rig.wait(10_000);
    rig.press('+');
    assert_eq!(remaining(&rig), 290_000);
    rig.press('-');
    rig.press('-');
    assert_eq!(remaining(&rig), 170_000);
    let ext = rig.events("extended");
    assert_eq!(ext.len(), 1);
    assert_eq!(ext[0]["by_ms"], 60_000);
    assert!(ext[0].get("agreement").is_none(), "{}", ext[0]);
    assert_eq!(rig.events("shortened").len(), 2);
}

/// Into the first presenting slot of an action learning set (format 1), whose stages run longer
/// only with the group's agreement.
fn action_learning_slot() -> Rig {
    let mut rig = started_v1("action-learning", &["Ann", "Ben", "Cat", "Dev"]);
    for _ in 0..3 {
        rig.press('n');
    }
    assert_eq!(rig.stage_id(), "next-topic");
    rig.press('n'); // the agreed topic was not noted: asked to confirm
    assert_eq!(rig.app.overlay, Overlay::ConfirmLeave);
    rig.press('l');
    rig.press('n'); // the break
    assert_eq!(rig.stage_id(), "problem");
    rig
}

#[test]
fn plus_under_group_agreement_asks_and_records_the_answer() {
    let mut rig = action_learning_slot();
    let before = remaining(&rig);
    rig.press('+');
    assert_eq!(rig.app.overlay, Overlay::Agreement { by_ms: 60_000 });
    assert!(rig.events("extended").is_empty(), "nothing recorded before the answer");
    rig.press('y');
    assert_eq!(rig.app.overlay, Overlay::None);
    assert_eq!(remaining(&rig), before + 60_000);
    let ext = rig.events("extended");
    assert_eq!(ext.len(), 1);
    assert_eq!(ext[0]["agreement"]["by"], "group", "{}", ext[0]);

    rig.press('+');
    rig.press('n');
    assert_eq!(remaining(&rig), before + 60_000, "a refusal adds no time");
    let refused = rig.events("extension-refused");
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0]["by_ms"], 60_000);

    // Esc asks nothing and records nothing.
    rig.press('+');
    rig.code(KeyCode::Esc);
    assert_eq!(rig.events("extended").len() + rig.events("extension-refused").len(), 2);
}

#[test]
fn a_note_is_saved_privately_and_never_shown() {
    let mut rig = started("project-tuning", TUNING);
    rig.press('e');
    let secret = "Priya seems anxious";
    rig.type_text(secret);
    for (w, h) in [(80, 24), (120, 35), (200, 50)] {
        let screen = rig.render(w, h);
        assert!(screen.contains("Private note"), "{screen}");
        assert!(!screen.contains("anxious"), "typed text on screen:\n{screen}");
    }
    rig.code(KeyCode::Enter);
    assert_eq!(rig.app.overlay, Overlay::None);
    let notes = rig.events("note-added");
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["text"], secret);
    assert_eq!(notes[0]["private"], true);
    for (w, h) in [(80, 24), (120, 35), (200, 50)] {
        let screen = rig.render(w, h);
        assert!(w < 100 || screen.contains("1 note · 0 commitments"), "{screen}");
        assert!(!screen.contains("anxious"), "note on screen:\n{screen}");
    }
    // F2 shows the text while typing, on request.
    rig.press('e');
    rig.type_text("visible");
    assert!(!rig.render(80, 24).contains("visible"));
    rig.code(KeyCode::F(2));
    assert!(rig.render(80, 24).contains("visible"));
}

/// Into the coachee's commitment stage of round `round` (0-based) of a coaching triad.
fn triad_commitment(rig: &mut Rig, round: usize) {
    while rig.stage_id() != "commitment"
        || rig.app.state.stages[rig.app.state.pos].round != Some(round)
    {
        rig.press('n');
        if rig.app.overlay == Overlay::ConfirmLeave {
            rig.press('l');
        }
        assert_eq!(rig.app.state.status, Status::Running, "ran past the commitment stage");
    }
}

#[test]
fn a_commitment_is_preset_to_the_coachee_of_the_round() {
    let mut rig = started("coaching-triad", TRIAD);
    for (round, coachee) in [(0, "Ann"), (1, "Ben"), (2, "Cat")] {
        triad_commitment(&mut rig, round);
        rig.press('a');
        let Overlay::Form(form) = &rig.app.overlay else { panic!("{:?}", rig.app.overlay) };
        assert_eq!(form.kind, FormKind::Commitment);
        assert_eq!(form.fields[0].value, coachee, "round {}", round + 1);
        assert_eq!(form.focus, 1, "typing starts in the commitment itself");
        rig.type_text("Observe a colleague's lesson");
        rig.code(KeyCode::Enter);
        rig.type_text("2 weeks");
        rig.code(KeyCode::Enter);
        assert_eq!(rig.app.overlay, Overlay::None);
        // With the commitment recorded, the stage is left without a question.
        rig.press('n');
        assert_eq!(rig.app.overlay, Overlay::None);
    }
    let made: Vec<(String, String)> = rig
        .events("commitment-added")
        .iter()
        .map(|c| {
            (c["owner"].as_str().expect("owner").into(), c["due"].as_str().expect("due").into())
        })
        .collect();
    assert_eq!(
        made,
        [
            ("Ann".into(), "2 weeks".into()),
            ("Ben".into(), "2 weeks".into()),
            ("Cat".into(), "2 weeks".into())
        ]
    );
    assert!(rig.events("stage-left").iter().all(|e| e.get("without_record").is_none()));
}

#[test]
fn leaving_the_commitment_stage_without_one_asks_first() {
    let mut rig = started_v1("coaching-triad", TRIAD);
    triad_commitment(&mut rig, 0);
    let pos = rig.app.state.pos;
    rig.press('n');
    assert_eq!(rig.app.overlay, Overlay::ConfirmLeave);
    assert_eq!(rig.app.state.pos, pos, "still in the stage while asked");
    let screen = rig.render(80, 24);
    assert!(screen.contains("Leave this stage?"), "{screen}");
    assert!(screen.contains("The coachee's commitment"), "{screen}");
    // Esc stays.
    rig.code(KeyCode::Esc);
    assert_eq!((rig.app.state.pos, &rig.app.overlay), (pos, &Overlay::None));
    rig.press('n');
    rig.press('n');
    assert_eq!(rig.app.state.pos, pos, "a second n does not answer the question");
    rig.press('l');
    assert_eq!(rig.app.state.pos, pos + 1);
    let left = rig.events("stage-left");
    let last = left.last().expect("a stage left");
    assert_eq!(last["stage"], "commitment");
    assert_eq!(last["without_record"], true, "{last}");
}

#[test]
fn q_then_e_ends_the_session() {
    let mut rig = started("project-tuning", TUNING);
    rig.press('q');
    assert_eq!(rig.app.overlay, Overlay::Quit);
    rig.press('e');
    assert!(matches!(rig.app.state.status, Status::Ended(_)));
    let ended = rig.events("session-ended");
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0]["outcome"], "ended-early");
    // Ended early, it shows the end screen as a completed session does; any key leaves it.
    assert_eq!(rig.app.exit, None);
    let screen = rig.render(80, 24);
    assert!(screen.contains("SESSION ENDED EARLY"), "{screen}");
    assert!(screen.contains("Any key closes this screen."), "{screen}");
    rig.press('x');
    assert_eq!(rig.app.exit, Some(Exit::Ended));
}

#[test]
fn q_then_l_leaves_it_to_resume() {
    let mut rig = started("project-tuning", TUNING);
    rig.press('n');
    rig.press('q');
    rig.press('l');
    assert_eq!(rig.app.exit, Some(Exit::Left));
    assert_eq!(rig.app.state.status, Status::Running);
    assert!(rig.events("session-ended").is_empty());
    assert!(rig.log_text().contains("\"stage-entered\""));
}

#[test]
fn ctrl_c_asks_like_q() {
    let mut rig = started("project-tuning", TUNING);
    rig.ctrl('c');
    assert_eq!(rig.app.overlay, Overlay::Quit);
    assert_eq!(rig.app.exit, None, "Ctrl-C does not drop the session without asking");
    // Esc carries on; Ctrl-C again, then e, ends.
    rig.code(KeyCode::Esc);
    assert_eq!(rig.app.overlay, Overlay::None);
    rig.ctrl('c');
    rig.press('e');
    assert!(matches!(rig.app.state.status, Status::Ended(_)));
    assert_eq!(rig.events("session-ended").len(), 1);
    // On the start card too.
    let mut card = Rig::builtin("project-tuning", TUNING);
    card.ctrl('c');
    assert_eq!(card.app.overlay, Overlay::Quit);
    card.press('l');
    assert_eq!(card.app.exit, Some(Exit::Left));
}

#[test]
fn one_bell_at_the_warning_and_two_at_time_up() {
    let mut rig = started("project-tuning", TUNING);
    rig.at(179_999);
    assert_eq!(rig.app.bells, 0);
    rig.at(180_000);
    assert_eq!(rig.app.bells, 1, "the warning, one minute before the end");
    rig.app.bells = 0; // the loop rings and resets
    rig.at(239_999);
    assert_eq!(rig.app.bells, 0);
    rig.at(240_000);
    assert_eq!(rig.app.bells, 2, "time up");
    rig.app.bells = 0;
    rig.at(400_000);
    assert_eq!(rig.app.bells, 0, "once per stage");
    assert_eq!(rig.events("warning-reached").len(), 1);
    assert_eq!(rig.events("time-up").len(), 1);
}

#[test]
fn quiet_still_counts_bells() {
    let mut rig = started("project-tuning", TUNING);
    assert!(rig.app.opts.quiet);
    rig.at(180_000);
    assert_eq!(rig.app.bells, 1);
}

#[test]
fn the_screen_flashes_on_a_stage_change_unless_told_not_to() {
    let mut rig = Rig::new(setup(support::builtin("project-tuning"), TUNING), default_opts());
    rig.press(' ');
    rig.wait(1_000);
    assert_eq!(rig.app.flash_until, None, "the flash is over");
    rig.press('n');
    assert_eq!(rig.app.flash_until, Some(rig.mono + 400));
    assert_eq!(rig.app.wake_in(rig.mono), Some(400), "wakes to end the flash");
    rig.wait(400);
    assert_eq!(rig.app.flash_until, None);

    let mut calm = Rig::builtin("project-tuning", TUNING);
    assert!(!calm.app.opts.flash);
    calm.press(' ');
    calm.press('n');
    calm.press('b');
    assert_eq!(calm.app.flash_until, None);
}

#[test]
fn wake_in_sleeps_until_the_shown_second_changes() {
    let mut rig = Rig::builtin("project-tuning", TUNING);
    assert_eq!(rig.app.wake_in(rig.mono), None, "the start card waits for a key");
    rig.wait(5_000);
    assert_eq!(rig.app.wake_in(rig.mono), None);
    rig.press(' ');
    let start = rig.mono;
    assert_eq!(rig.app.wake_in(rig.mono), Some(1_000), "4:00 shows for a whole second");
    rig.at(start + 750);
    assert_eq!(remaining(&rig), 239_250);
    assert_eq!(rig.app.wake_in(rig.mono), Some(250), "3:59.250 left: 4:00 turns 3:59 in 250 ms");
    // Every moment while running: at most a second, and never past a change of the shown text.
    for step in [1, 7, 499, 999, 1_000, 1_001, 59_999, 60_000, 120_333] {
        rig.wait(step);
        let w = rig.app.wake_in(rig.mono).expect("running: wakes");
        assert!((1..=1_000).contains(&w), "{w} at {}", rig.mono);
        let shown = |mono| {
            convene::session::display::countdown_text(convene::session::display::remaining(
                &rig.app.state,
                mono,
            ))
        };
        assert_eq!(shown(rig.mono), shown(rig.mono + w - 1), "changed before the wake");
        assert_ne!(shown(rig.mono), shown(rig.mono + w), "no change at the wake");
    }
    rig.press(' ');
    assert_eq!(rig.app.wake_in(rig.mono), None, "paused: blocks until a key");
    rig.wait(600_000);
    assert_eq!(rig.app.wake_in(rig.mono), None);
}

#[test]
fn an_escape_sequence_in_a_stage_name_is_shown_harmless() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("clear.json");
    let text = r#"{
      "format": 1,
      "id": "clear-screen",
      "name": "Clear screen",
      "summary": "A stage name with an escape sequence in it.",
      "source": "A made-up example for the tests",
      "roles": [{ "id": "member", "name": "Member", "count": "rest", "guidance": "Takes part" }],
      "round": [
        {
          "id": "hello",
          "name": "Hello\u001b[2J world",
          "duration": "1m",
          "speak": [{ "role": "member", "cue": "says \u001b[31mhello" }]
        }
      ]
    }"#;
    std::fs::write(&path, text).expect("write");
    let protocol = load_file(&path).expect("a valid protocol");
    assert!(protocol.round[0].name.contains('\u{1b}'));
    let mut rig = Rig::new(setup(protocol, &["Ann", "Ben"]), mono_opts());
    for started in [false, true] {
        if started {
            rig.press(' ');
        }
        for (w, h) in [(80, 24), (160, 45)] {
            let buf = rig.buffer(w, h);
            let all: String = buf.content.iter().map(ratatui::buffer::Cell::symbol).collect();
            assert!(!all.contains('\u{1b}'), "an ESC reached the screen");
            assert!(all.contains("Hello\u{FFFD}[2J world"), "{}", rig.render(w, h));
        }
    }
    // Members (Ann, Ben): the plural verb.
    assert!(rig.render(80, 24).contains("say \u{FFFD}[31mhello"));
}

/// Every key table of every screen is in `docs/keys.md`, row for row, under its heading.
#[test]
fn docs_keys_md_lists_every_binding_of_every_table() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/keys.md"))
        .expect("docs/keys.md");
    for (heading, table) in convene::tui::keys::tables() {
        let section = doc
            .split("\n#")
            .map(|s| s.trim_start_matches('#').trim_start())
            .find(|s| s.starts_with(heading))
            .unwrap_or_else(|| panic!("docs/keys.md has no section \"{heading}\""));
        let rows: Vec<&str> = section.lines().filter(|l| l.starts_with("| `")).collect();
        assert_eq!(
            rows,
            table,
            "docs/keys.md's \"{heading}\" table differs from the key map; it should read:\n{}",
            table.join("\n")
        );
    }
}

/// Every key press a test can make: printable characters, the named keys, Ctrl and a letter.
fn every_key() -> Vec<KeyEvent> {
    let mut keys: Vec<KeyEvent> = (' '..='~').map(|c| KeyEvent::from(KeyCode::Char(c))).collect();
    for code in [
        KeyCode::Right,
        KeyCode::Left,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::PageDown,
        KeyCode::PageUp,
        KeyCode::Esc,
        KeyCode::Enter,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Backspace,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::Delete,
        KeyCode::F(1),
        KeyCode::F(2),
    ] {
        keys.push(KeyEvent::from(code));
    }
    for c in 'a'..='z' {
        keys.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    }
    keys
}

/// The live screen in each of the places a facilitator meets, by name.
type Place = (&'static str, fn() -> Rig);

fn every_place() -> Vec<Place> {
    vec![
        ("start card", || Rig::builtin("project-tuning", TUNING)),
        ("start card, the group chooses the order", || {
            Rig::builtin("action-learning", &["Ann", "Ben", "Cat", "Dev"])
        }),
        ("running", || started("project-tuning", TUNING)),
        ("paused", || {
            let mut rig = started("project-tuning", TUNING);
            rig.press(' ');
            rig
        }),
        ("quit?", || {
            let mut rig = started("project-tuning", TUNING);
            rig.press('q');
            rig
        }),
        ("leave this stage?", || {
            let mut rig = started_v1("coaching-triad", TRIAD);
            triad_commitment(&mut rig, 0);
            rig.press('n');
            rig
        }),
        ("has the group agreed?", || {
            let mut rig = action_learning_slot();
            rig.press('+');
            rig
        }),
        ("a form", || {
            let mut rig = started("project-tuning", TUNING);
            rig.press('a');
            rig
        }),
        ("follow-up", || {
            let mut rig = with_carried();
            rig.press(' ');
            rig.press('f');
            rig
        }),
        ("mirror", || {
            let mut rig = started("project-tuning", TUNING);
            rig.app.opts.mirror = true;
            rig
        }),
        ("help", || {
            let mut rig = started("project-tuning", TUNING);
            rig.press('?');
            rig
        }),
    ]
}

/// An action learning set of the group "AP set", with one open commitment from an earlier
/// session to follow up.
fn with_carried() -> Rig {
    let mut s = setup(support::builtin("action-learning"), &["Ann", "Ben", "Cat", "Dev"]);
    s.group_name = Some("AP set".into());
    s.carried = vec![convene::session::CarriedCommitment {
        session: "20261116-090000-000".into(),
        id: "c1".into(),
        owner: "Ann".into(),
        text: "Observe a lesson".into(),
        due: None,
        made: None,
    }];
    Rig::new(s, mono_opts())
}

/// What a key can change on the live screen (the message aside: every key clears it).
type Seen = (convene::session::SessionState, Overlay, usize, u16, bool, Option<Exit>);

/// What a key can change on the live screen (the message aside: every key clears it).
fn seen(app: &LiveScreen) -> Seen {
    (app.state.clone(), app.overlay.clone(), app.selected, app.scroll, app.reveal, app.exit)
}

/// The screen as it is, without its log (keys act the same; nothing is written).
fn copy(app: &LiveScreen) -> LiveScreen {
    let mut c = LiveScreen::new(app.state.clone(), None, app.opts);
    c.overlay = app.overlay.clone();
    c.selected = app.selected;
    c.scroll = app.scroll;
    c.reveal = app.reveal;
    c
}

/// Every key the live screen answers to, in every place, is in a table in force there (so in
/// the help, the key lines and the docs), with the action it has. Typing into a form and the
/// places where any key acts (help, norms, roster; the end) are the documented exceptions.
#[test]
fn every_key_the_live_screen_answers_to_is_in_a_table_in_force() {
    for (place, make) in every_place() {
        let rig = make();
        for key in every_key() {
            let mut app = copy(&rig.app);
            let tables = tables_in_force(&app);
            let action = action_for(&app, key);
            let before = seen(&app);
            let typed = type_char(&mut app, key);
            let intent = if typed { Intent::None } else { intent_for(&mut app, key) };
            let answered = intent != Intent::None || seen(&app) != before || app.message.is_some();
            if typed || tables.is_empty() || !answered {
                continue;
            }
            let action = action.unwrap_or_else(|| panic!("{place}: {key:?} acts with no action"));
            // Listed, as is, or as the lower case of an upper-case letter (Caps Lock).
            let listed = tables
                .iter()
                .any(|t| convene::tui::keys::binding(t, key).is_some_and(|b| b.action == action));
            assert!(listed, "{place}: {key:?} does {action:?}, but no table in force lists it");
        }
    }
}

/// Each question, list and form draws its key lines from its own table: every answer with its
/// words, every footer entry with its word.
#[test]
fn every_overlay_writes_its_keys_from_its_table() {
    use convene::tui::keys::{footer, key_names};
    use convene::tui::live::keys::{AGREEMENT, FOLLOW_UP, FORM, LEAVE, LIVE, QUIT};
    let places = every_place();
    let screen = |name: &str| {
        let make = places.iter().find(|(p, _)| *p == name).expect("a place").1;
        make().render(160, 45)
    };
    for (name, table) in [("leave this stage?", LEAVE), ("has the group agreed?", AGREEMENT)] {
        let text = screen(name);
        for b in table {
            assert!(
                text.contains(&format!("{}  {}", b.shown, b.what)),
                "{name}: {}\n{text}",
                b.what
            );
        }
    }
    let quit = screen("quit?");
    for b in QUIT.iter().filter(|b| b.shown != "s") {
        assert!(quit.contains(&format!("{}  {}", b.shown, b.what)), "{}\n{quit}", b.what);
    }
    assert!(!quit.contains("save the log"), "saving elsewhere only when the log fails:\n{quit}");
    for (name, table) in [("follow-up", FOLLOW_UP), ("a form", FORM)] {
        let text = screen(name);
        for b in footer(table).filter(|b| b.shown != "F2") {
            assert!(
                text.contains(&format!("{} {}", b.shown, b.short)),
                "{name}: {}\n{text}",
                b.short
            );
        }
    }
    let help = screen("help");
    for b in LIVE {
        assert!(help.contains(&format!("{:>10}  {}", key_names(b), b.what)), "{}\n{help}", b.what);
    }
}

/// `update` changes only the screen: every command, ending, leaving and saving a copy are
/// intents, and only `perform` writes the log or a file.
#[test]
fn update_never_writes_a_file_perform_does() {
    let mut rig = started("project-tuning", TUNING);
    let log = rig.log_text();
    for action in [Action::TogglePause, Action::Next, Action::Back, Action::Extend, Action::Shorten]
    {
        let intent = update(&mut rig.app, action);
        assert!(matches!(intent, Intent::Exec(_)), "{action:?}: {intent:?}");
        assert_eq!(rig.log_text(), log, "{action:?} wrote the log in update");
    }
    let intent = update(&mut rig.app, Action::Next);
    let now = rig.now();
    perform(&mut rig.app, intent, now);
    assert_eq!(rig.app.state.pos, 1);
    assert_ne!(rig.log_text(), log, "perform writes the log");

    let log = rig.log_text();
    assert_eq!(update(&mut rig.app, Action::Quit), Intent::None);
    assert_eq!(update(&mut rig.app, Action::End), Intent::End);
    assert_eq!((rig.log_text(), rig.app.exit), (log, None), "not ended by update");
    let now = rig.now();
    perform(&mut rig.app, Intent::End, now);
    assert!(matches!(rig.app.state.status, Status::Ended(_)), "the end screen shows");
    assert_eq!(rig.events("session-ended").len(), 1);
    assert_eq!(update(&mut rig.app, Action::AnyKey), Intent::Finish(Exit::Ended));

    // Saving a copy of the log (offered when the log fails): the form's text, written by perform.
    let to = rig.dir.path().join("copy.jsonl");
    rig.app.exit = None;
    rig.app.overlay = Overlay::Form(Form {
        kind: FormKind::SavePath { then: Exit::Left },
        fields: vec![Field {
            label: "Save the log to",
            value: to.display().to_string(),
            secret: false,
        }],
        focus: 0,
        masked: false,
    });
    let intent = update(&mut rig.app, Action::Submit);
    assert_eq!(intent, Intent::SaveCopy { to: to.display().to_string(), then: Exit::Left });
    assert!(!to.exists(), "update saved the copy");
    let now = rig.now();
    perform(&mut rig.app, intent, now);
    assert!(to.exists());
    assert_eq!((rig.app.exit, rig.app.saved_to.as_deref()), (Some(Exit::Left), Some(to.as_path())));
}

/// The mirror follows the log and flashes on a stage change like the live screen; once the
/// flash is over it must not ask to be woken at once, again and again (a busy loop).
#[test]
fn the_mirror_sleeps_after_a_flash() {
    use convene::log::follow::Follower;
    use convene::session::SessionState;
    use convene::tui::live::Options;
    let mut rig = Rig::builtin("project-tuning", TUNING);
    let path = rig.app.log.as_ref().expect("log").path.clone();
    let opts = Options { mirror: true, flash: true, ..mono_opts() };
    let mut mirror = LiveScreen::new(SessionState::new(rig.app.state.setup.clone()), None, opts);
    let mut follower = Follower::new(&path, 0);
    rig.press(' ');
    rig.wait(10_000);
    rig.press('n');
    assert!(convene::tui::mirror::follow(&mut follower, &mut mirror));
    assert_eq!(mirror.state, rig.app.state, "the mirror replays to the same state");
    assert_eq!(mirror.flash_until, Some(rig.mono + 400));
    // The mirror's loop does not tick the engine; the flash simply runs out.
    let later = rig.mono + 700;
    let w = mirror.wake_in(later).expect("running: wakes for the next second");
    assert!(w >= 1, "asks to wake in {w} ms: a busy loop");
    assert_eq!(w, 300, "the next shown second");
    // Paused: the mirror wakes only to look at the log (its loop adds that interval).
    rig.press(' ');
    assert!(convene::tui::mirror::follow(&mut follower, &mut mirror));
    assert_eq!(mirror.wake_in(rig.mono + 5_000), None);
}

/// The mirror is woken by the operating system when the log changes, instead of looking ten
/// times a second: it then only looks now and then in case a notification is lost.
#[cfg(target_os = "linux")]
#[test]
fn the_mirror_is_told_when_its_log_changes() {
    #![allow(clippy::disallowed_methods)] // waits for the watcher's thread
    use convene::tui::event_loop::Source;
    use convene::tui::mirror::{SAFETY_LOOK_MS, Watched};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("20261129-090000-000.jsonl");
    std::fs::write(&path, "").expect("log");
    let watched = Watched::new(&path, 0, 0);
    assert!(watched.is_notified(), "inotify is available on Linux");
    assert_eq!(watched.interval(), SAFETY_LOOK_MS);
    assert!(!watched.change_reported());
    // Another file in the folder is not the log.
    std::fs::write(dir.path().join("other.jsonl"), "x\n").expect("other");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!watched.change_reported(), "a change to another file is not the log's");
    let mut f = std::fs::OpenOptions::new().append(true).open(&path).expect("open");
    std::io::Write::write_all(&mut f, b"{}\n").expect("append");
    let start = std::time::Instant::now();
    while !watched.change_reported() {
        assert!(start.elapsed().as_secs() < 30, "no notification within 30 s");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// With Caps Lock on, the live keys still act: `N` is `n`, `Q` is `q`, `E` and `A` open the
/// forms; and in a form an upper-case letter is typed, not acted on.
#[test]
fn keys_work_with_caps_lock_on() {
    let caps = |c| KeyEvent::from(KeyCode::Char(c));
    let mut rig = started("coaching-triad", TRIAD);
    rig.key(caps('N'));
    assert_eq!(rig.stage_id(), "conversation");
    rig.key(caps('B'));
    assert_eq!(rig.stage_id(), "issue");
    rig.key(caps('E'));
    assert!(matches!(&rig.app.overlay, Overlay::Form(f) if f.kind == FormKind::Note));
    rig.key(caps('Q'));
    rig.key(caps('N'));
    let Overlay::Form(f) = &rig.app.overlay else { panic!("still the form") };
    assert_eq!(f.fields[1].value, "QN", "typed into the note");
    rig.code(KeyCode::Esc);
    rig.key(KeyEvent::new(KeyCode::Char('A'), KeyModifiers::SHIFT));
    assert!(matches!(&rig.app.overlay, Overlay::Form(f) if f.kind == FormKind::Commitment));
    rig.code(KeyCode::Esc);
    rig.key(caps('Q'));
    assert_eq!(rig.app.overlay, Overlay::Quit);
    rig.key(caps('E'));
    assert!(matches!(rig.app.state.status, Status::Ended(_)));
    rig.key(caps('X'));
    assert_eq!(rig.app.exit, Some(Exit::Ended));
}

/// Backspace in a form deletes what a reader sees as one character: a whole emoji.
#[test]
fn backspace_deletes_a_whole_emoji_in_a_form() {
    let mut rig = started("project-tuning", TUNING);
    rig.press('e');
    rig.type_text("Ann 👩‍🏫");
    rig.code(KeyCode::Backspace);
    let Overlay::Form(f) = &rig.app.overlay else { panic!("the note form") };
    assert_eq!(f.fields[1].value, "Ann ");
    // Masked, one dot per character as a reader counts them.
    rig.type_text("é👍");
    let screen = rig.render(80, 24);
    assert!(screen.contains("Note: ••••••▏"), "{screen}");
}

/// A note says who it is about; the name is checked against the roster and recorded as the
/// roster spells it.
#[test]
fn a_note_can_say_who_it_is_about() {
    let mut rig = started("coaching-triad", &["Ann Lee", "Ben Okafor", "Cat Wu"]);
    rig.press('n');
    rig.press('e');
    rig.type_text("Asked open questions throughout");
    rig.code(KeyCode::BackTab);
    rig.type_text("ben");
    rig.code(KeyCode::Enter);
    rig.code(KeyCode::Enter);
    let notes = rig.events("note-added");
    assert_eq!(notes.len(), 1, "{:?}", rig.app.overlay);
    assert_eq!(notes[0]["about"], "Ben Okafor");
    assert_eq!(notes[0]["private"], true);
    let screen = rig.render(120, 35);
    assert!(screen.contains("Note about Ben Okafor saved (private: not shown on screen)."));
    assert!(!screen.contains("open questions"), "{screen}");
    // Someone not in the session is questioned first.
    rig.press('e');
    rig.type_text("Kind words");
    rig.code(KeyCode::Up);
    rig.type_text("Zed");
    rig.code(KeyCode::Enter);
    rig.code(KeyCode::Enter);
    assert!(
        matches!(&rig.app.overlay, Overlay::NotInSession { unknown, .. } if unknown == &["Zed"])
    );
    assert_eq!(rig.events("note-added").len(), 1, "nothing recorded yet");
    rig.press('y');
    let notes = rig.events("note-added");
    assert_eq!((notes.len(), &notes[1]["about"]), (2, &serde_json::json!("Zed")));
}

/// A log of `n` events (the first review fixture's, repeated with new sequence numbers): the
/// size of a long session, for the mirror to open.
fn long_log(dir: &std::path::Path, n: usize) -> std::path::PathBuf {
    use convene::log::Line;
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/logs/20261102-090000-000.jsonl");
    let text = std::fs::read_to_string(fixture).expect("fixture");
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().expect("header"));
    let events: Vec<Line> = lines.map(|l| serde_json::from_str(l).expect("line")).collect();
    for (seq, line) in (1..=n).zip(events.iter().cycle()) {
        let line = Line { seq: u64::try_from(seq).expect("small"), stamped: line.stamped.clone() };
        out.push_str(&serde_json::to_string(&line).expect("json"));
        out.push('\n');
    }
    let path = dir.join("20261102-090000-000.jsonl");
    std::fs::write(&path, out).expect("write");
    path
}

/// A log far longer than one look reads (a mirror started late, a log cut back and read again)
/// is read a chunk at a time, so that the mirror's keys are answered in between (`q` works),
/// and every event arrives once, in order.
#[test]
fn a_long_log_is_followed_a_chunk_at_a_time_every_event_once() {
    use convene::log::follow::{CHUNK_BYTES, Follower};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = long_log(dir.path(), 20_000);
    let len = std::fs::metadata(&path).expect("log").len();
    assert!(len > 2 * CHUNK_BYTES, "{len} bytes");
    let mut follower = Follower::new(&path, 0);
    let mut seqs = Vec::new();
    let mut looks = 0;
    loop {
        seqs.extend(follower.read_new().into_iter().map(|l| l.seq));
        looks += 1;
        if !follower.is_behind() {
            break;
        }
    }
    assert_eq!(looks, len.div_ceil(CHUNK_BYTES), "one look per chunk");
    assert_eq!(seqs, (1..=20_000).collect::<Vec<u64>>());
    assert!(follower.read_new().is_empty() && !follower.is_behind());
}

/// The mirror opens on the events its read replayed, and follows from where that read ended:
/// the log is not read a second time, and what is appended next is shown.
#[test]
fn the_mirror_follows_from_where_its_read_ended() {
    use convene::tui::event_loop::Source;
    use convene::tui::live::Options;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = long_log(dir.path(), 3_000);
    let log = convene::log::reader::read_log(&path).expect("read");
    assert_eq!(log.complete_len, std::fs::metadata(&path).expect("log").len());
    let opts = Options { mirror: true, ..mono_opts() };
    let (mut screen, mut watched) = convene::tui::mirror::open(&path, &log, opts);
    assert_eq!(screen.state.events, 3_000);
    let mut clock = convene::tui::mirror::anchored_clock(&screen.state);
    assert!(!watched.poll(&mut screen, &mut clock), "nothing new: nothing read again");
    assert_eq!(screen.state.events, 3_000);
    let mut more =
        convene::log::Line { seq: 3_001, stamped: log.events.last().expect("events").clone() };
    more.stamped.at += 1;
    let mut f = std::fs::OpenOptions::new().append(true).open(&path).expect("open");
    std::io::Write::write_all(
        &mut f,
        format!("{}\n", serde_json::to_string(&more).expect("json")).as_bytes(),
    )
    .expect("append");
    assert!(watched.poll(&mut screen, &mut clock));
    assert_eq!(screen.state.events, 3_001);
}
