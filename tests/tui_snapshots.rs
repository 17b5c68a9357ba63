//! Snapshots of every screen, drawn into a `TestBackend` with a fake clock, at a projector's
//! usual 80x24 and at a roomy 160x45. Most use the `mono` theme so that the text alone is
//! compared; one checks the default theme still says every state in words.

mod support;

use std::path::Path;

use convene::cli::ThemeName;
use convene::protocol::{Library, LoadError, Origin};
use convene::tui::home::{self, Home, Step};
use convene::tui::theme::Theme;
use crossterm::event::KeyCode;
use support::{Rig, builtin, default_opts, mono_opts, render_terminal, setup};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 45)];

/// Snapshots the live screen at both sizes.
fn both(name: &str, rig: &Rig) {
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), rig.render(w, h));
    }
}

fn started(id: &str, people: &[&str]) -> Rig {
    let mut rig = Rig::builtin(id, people);
    rig.press(' ');
    rig
}

const TUNING: &[&str] = &["Priya", "Ann", "Ben", "Cat"];
const TRIAD: &[&str] = &["Ann", "Ben", "Cat"];

#[test]
fn start_card_project_tuning() {
    let rig = Rig::builtin("project-tuning", TUNING);
    let text = rig.render(80, 24);
    assert!(text.contains("READY"), "{text}");
    assert!(text.contains("Project tuning"), "{text}");
    both("start_card_project_tuning", &rig);
}

#[test]
fn start_card_action_learning_shows_the_presenting_order() {
    let mut s = setup(builtin("action-learning"), &["Ann", "Ben", "Cat", "Dev"]);
    s.group_name = Some("AP set".into());
    s.facilitator = Some("Fiona".into());
    let mut rig = Rig::new(s, mono_opts());
    // The group puts Cat first: a pressing issue.
    rig.code(KeyCode::Down);
    rig.code(KeyCode::Down);
    rig.press('f');
    assert_eq!(rig.app.state.order, ["Cat", "Ann", "Ben", "Dev"]);
    let text = rig.render(80, 24);
    assert!(text.contains("Presenting order"), "{text}");
    assert!(text.contains("AP set"), "{text}");
    both("start_card_action_learning", &rig);
}

#[test]
fn running() {
    let mut rig = started("project-tuning", TUNING);
    rig.wait(15_000);
    let text = rig.render(80, 24);
    for word in ["RUNNING", "Presenter", "ends 08:54", "Speaks:", "Silent:"] {
        assert!(text.contains(word), "{word} missing:\n{text}");
    }
    both("running", &rig);
}

#[test]
fn paused() {
    let mut rig = started("project-tuning", TUNING);
    rig.wait(15_000);
    rig.press(' ');
    rig.wait(5_000);
    let text = rig.render(80, 24);
    assert!(text.contains("PAUSED · press space to resume"), "{text}");
    both("paused", &rig);
}

#[test]
fn wrap_up_names_the_observer() {
    let mut rig = started("coaching-triad", TRIAD);
    rig.press('n');
    assert_eq!(rig.stage_id(), "conversation");
    rig.wait(12 * 60_000 + 10_000);
    let text = rig.render(80, 24);
    assert!(text.contains("WRAP UP"), "{text}");
    assert!(text.contains("Observer (Cat): remind the coach to wrap up"), "{text}");
    both("wrap_up", &rig);
}

#[test]
fn time_up_at_zero() {
    let mut rig = started("project-tuning", TUNING);
    rig.wait(240_000);
    let text = rig.render(80, 24);
    assert!(text.contains(" TIME "), "{text}");
    assert!(text.contains("TIME · move on"), "{text}");
    both("time_up", &rig);
}

#[test]
fn overrun() {
    let mut rig = started("project-tuning", TUNING);
    rig.wait(240_000 + 80_000);
    let text = rig.render(80, 24);
    assert!(text.contains("+1:20 OVER"), "{text}");
    both("overrun", &rig);
}

#[test]
fn four_triads_at_once() {
    let people =
        ["Ann", "Ben", "Cat", "Dev", "Eve", "Fay", "Gus", "Hal", "Ivy", "Jo", "Kim", "Lee"];
    let mut rig = started("coaching-triad", &people);
    rig.press('n');
    rig.wait(60_000);
    assert_eq!(rig.app.state.groups.len(), 4);
    let text = rig.render(160, 45);
    for g in 1..=4 {
        assert!(text.contains(&format!("Group {g}:")), "group {g} missing:\n{text}");
    }
    both("four_triads", &rig);
    // Three minutes before the end, every observer is named (as many as fit).
    rig.wait(11 * 60_000);
    let text = rig.render(80, 24);
    assert!(text.contains("WRAP UP"), "{text}");
    assert!(text.contains("remind the coach to wrap up · 3:00 left"), "{text}");
    both("four_triads_wrap_up", &rig);
}

#[test]
fn help_overlay() {
    let mut rig = started("project-tuning", TUNING);
    rig.wait(15_000);
    rig.press('?');
    let text = rig.render(80, 24);
    assert!(text.contains("Keys"), "{text}");
    assert_eq!(text.contains("Ctrl-Z suspends"), cfg!(unix), "{text}");
    if cfg!(windows) {
        // No Ctrl-Z line on Windows: its own snapshots, `help_*@windows.snap`.
        insta::with_settings!({ snapshot_suffix => "windows" }, { both("help", &rig) });
    } else {
        both("help", &rig);
    }
}

#[test]
fn quit_dialog() {
    let mut rig = started("project-tuning", TUNING);
    rig.wait(15_000);
    rig.press('q');
    let text = rig.render(80, 24);
    assert!(text.contains("end the session"), "{text}");
    both("quit", &rig);
}

#[test]
fn note_being_typed_is_masked() {
    let mut rig = started("project-tuning", TUNING);
    rig.wait(15_000);
    rig.press('e');
    rig.type_text("Priya seems anxious");
    let text = rig.render(80, 24);
    assert!(text.contains("Private note"), "{text}");
    assert!(!text.contains("anxious"), "{text}");
    both("note_typing", &rig);
}

/// The library with a broken user protocol, loaded from a temporary folder. The folder is then
/// shown under a fixed name so that the snapshot does not depend on where the folder was made.
fn library_with_a_broken_user_protocol() -> Library {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/protocols/invalid/unknown-role.json");
    std::fs::copy(fixture, dir.path().join("peer-feedback.json")).expect("copy");
    let mut lib = Library::load(Some(dir.path()), &[]);
    let real = convene::protocol::load::display_path(dir.path());
    let shown = "~/.config/convene/protocols";
    for e in &mut lib.entries {
        // Shown with `/` on every platform (Windows would join the file name with `\`).
        if let Origin::File(p) = &e.origin {
            let rest = p.strip_prefix(dir.path()).expect("in the folder");
            e.origin = Origin::File(format!("{shown}/{}", rest.display()).into());
        }
        if let Err(LoadError::Invalid { path, .. }) = &mut e.protocol {
            *path =
                path.replace(&format!("{real}{}", std::path::MAIN_SEPARATOR), &format!("{shown}/"));
        }
        if let Err(err) = &e.protocol {
            assert!(!err.to_string().contains(&real), "{err}");
        }
    }
    lib
}

fn home_screens(name: &str, h: &Home) {
    for (w, ht) in SIZES {
        let text = render_terminal(w, ht, |f| home::render(f, h)).to_string();
        insta::assert_snapshot!(format!("{name}_{w}x{ht}"), text);
    }
}

#[test]
fn home_screen_lists_protocols_and_a_broken_one() {
    let lib = library_with_a_broken_user_protocol();
    let mut h = Home::new(&lib, Theme::resolve(ThemeName::Mono, true));
    let text = render_terminal(80, 24, |f| home::render(f, &h)).to_string();
    assert!(text.contains("Project tuning"), "{text}");
    assert!(text.contains("(has errors)"), "{text}");
    home_screens("home_pick", &h);

    h.selected = h.entries.iter().position(|e| e.protocol.is_err()).expect("the broken one");
    let text = render_terminal(80, 24, |f| home::render(f, &h)).to_string();
    assert!(text.contains("cannot be used"), "{text}");
    assert!(text.contains("observr"), "{text}");
    home_screens("home_broken", &h);

    h.selected = 1;
    h.step = Step::Details;
    h.fields[0] = "Ann, Ben, Cat, Dev".into();
    h.fields[1] = "AP set".into();
    h.focus = 1;
    home_screens("home_details", &h);
}

#[test]
fn too_small_says_how_large_it_needs_to_be() {
    let rig = started("project-tuning", TUNING);
    let text = rig.render(30, 10);
    assert!(text.contains("40x12"), "{text}");
    assert!(text.contains("30x10"), "{text}");
    insta::assert_snapshot!("too_small_30x10", text);
    let lib = Library::builtin_only();
    let h = Home::new(&lib, Theme::resolve(ThemeName::Mono, true));
    let home = render_terminal(30, 10, |f| home::render(f, &h)).to_string();
    assert_eq!(home, text, "the home screen says the same");
}

/// With colour, every state is still a word on screen.
#[test]
fn default_theme_says_every_state_in_words() {
    let mut rig = Rig::new(setup(builtin("coaching-triad"), TRIAD), default_opts());
    assert!(rig.render(80, 24).contains("READY"));
    rig.press(' ');
    rig.wait(1_000);
    assert!(rig.render(80, 24).contains("RUNNING"));
    rig.press(' ');
    assert!(rig.render(80, 24).contains("PAUSED"));
    rig.press(' ');
    // The issue stage: 5 minutes (1 s gone), warned at 1 minute left.
    rig.wait(4 * 60_000 - 1_000);
    assert!(rig.render(80, 24).contains("WRAP UP"));
    rig.wait(60_000);
    assert!(rig.render(80, 24).contains("TIME"));
    rig.wait(80_000);
    assert!(rig.render(80, 24).contains("+1:20 OVER"));
    // The colour is not the only signal, but it is there.
    let buf = rig.buffer(80, 24);
    assert!(buf.content.iter().any(|c| c.bg != ratatui::style::Color::Reset));
    rig.press('q');
    rig.press('e');
    assert!(rig.render(80, 24).contains("ENDED"));
}

#[test]
fn agreement_question() {
    let mut rig = started("action-learning", &["Ann", "Ben", "Cat", "Dev"]);
    for _ in 0..4 {
        rig.press('n');
    }
    rig.press('n'); // leave the topic stage without its note
    rig.press('n');
    assert_eq!(rig.stage_id(), "problem");
    rig.press('+');
    let text = rig.render(80, 24);
    assert!(text.contains("Has the group agreed?"), "{text}");
    assert!(text.contains("Esc  cancel"), "the last choice is cut off:\n{text}");
    both("agreement", &rig);
}

#[test]
fn confirm_leave() {
    let mut rig = started("coaching-triad", TRIAD);
    rig.press('n');
    rig.press('n');
    assert_eq!(rig.stage_id(), "commitment");
    rig.press('n');
    let text = rig.render(80, 24);
    assert!(text.contains("Esc  stay in this stage"), "{text}");
    both("confirm_leave", &rig);
}

/// From the smallest size convene draws in to a large one, every screen draws without panicking
/// and says its state in words.
#[test]
fn every_size_shows_the_state_word() {
    let widths = [40, 41, 50, 60, 79, 80, 99, 100, 101, 110, 120, 121, 160, 240];
    let heights = [12, 13, 16, 20, 24, 29, 30, 35, 45, 70];
    let mut card = Rig::builtin("action-learning", &["Ann", "Ben", "Cat", "Dev", "Eve"]);
    card.code(KeyCode::PageDown);
    let mut screens: Vec<(Rig, &str)> = vec![(card, "READY")];
    let mut triads = started(
        "coaching-triad",
        &["Ann", "Ben", "Cat", "Dev", "Eve", "Fay", "Gus", "Hal", "Ivy", "Jo", "Kim", "Lee"],
    );
    triads.press('n');
    triads.wait(12 * 60_000 + 1_000);
    screens.push((triads, "WRAP UP"));
    let mut over = started("project-tuning", TUNING);
    over.wait(240_000 + 3_600_000);
    screens.push((over, "+1:00:00 OVER"));
    let mut paused = started("project-tuning", TUNING);
    paused.press(' ');
    paused.press('?');
    screens.push((paused, "PAUSED"));
    let mut card_help = Rig::builtin("project-tuning", TUNING);
    card_help.press('?');
    screens.push((card_help, "READY"));
    for (rig, word) in &screens {
        for w in widths {
            for h in heights {
                let text = rig.render(w, h);
                let first = text.lines().next().unwrap_or_default();
                let shown =
                    if *word == "READY" { text.contains(word) } else { first.contains(word) };
                assert!(shown, "{word} missing at {w}x{h}:\n{text}");
            }
        }
    }
}
