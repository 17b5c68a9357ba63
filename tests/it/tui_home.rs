//! The home screen's keys, through the same binding tables as in the terminal.

use convene::config::ThemeName;
use convene::protocol::Library;
use convene::tui::home::{Action, Home, Intent, Step, action_for, type_char, update};
use convene::tui::theme::Theme;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn home() -> Home {
    Home::new(&Library::load(None, &[]), Theme::resolve(ThemeName::Mono, true))
}

/// A key as the loop handles it: typed into a field, or an action.
fn press(h: &mut Home, k: KeyEvent) -> Option<Intent> {
    if type_char(h, k) {
        return None;
    }
    action_for(h, k).map(|a| update(h, a))
}

fn code(c: KeyCode) -> KeyEvent {
    KeyEvent::from(c)
}

#[test]
fn letters_that_are_keys_when_picking_are_text_when_typing() {
    let mut h = home();
    assert_eq!(action_for(&h, code(KeyCode::Char('j'))), Some(Action::Down));
    press(&mut h, code(KeyCode::Char('k')));
    press(&mut h, code(KeyCode::Enter));
    assert_eq!(h.step, Step::Details);
    for c in "Jo, Kim, Quinn".chars() {
        assert!(press(&mut h, code(KeyCode::Char(c))).is_none());
    }
    assert_eq!(h.fields[0], "Jo, Kim, Quinn", "q, j and k are typed, not acted on");
    press(&mut h, code(KeyCode::Backspace));
    assert_eq!(h.fields[0], "Jo, Kim, Quin");
    press(&mut h, KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    assert!(h.fields[0].is_empty(), "^U clears the field");
    press(&mut h, code(KeyCode::Esc));
    assert_eq!(h.step, Step::Pick);
    assert!(matches!(press(&mut h, code(KeyCode::Char('q'))), Some(Intent::Quit)));
}

/// Backspace deletes what a reader sees as one character: a whole emoji, an accented letter.
#[test]
fn backspace_deletes_a_whole_character_as_seen() {
    let mut h = home();
    press(&mut h, code(KeyCode::Enter));
    for c in "Zoe\u{308}, 👩\u{200d}🏫".chars() {
        press(&mut h, code(KeyCode::Char(c)));
    }
    press(&mut h, code(KeyCode::Backspace));
    assert_eq!(h.fields[0], "Zoe\u{308}, ");
    press(&mut h, code(KeyCode::Backspace));
    press(&mut h, code(KeyCode::Backspace));
    press(&mut h, code(KeyCode::Backspace));
    assert_eq!(h.fields[0], "Zo");
}

#[test]
fn enter_asks_for_names_then_hands_the_start_to_the_loop() {
    let mut h = home();
    press(&mut h, code(KeyCode::Enter));
    assert!(matches!(press(&mut h, code(KeyCode::Enter)), Some(Intent::None)));
    assert!(h.message.as_deref().is_some_and(|m| m.contains("participants' names")));
    for c in "Ann,Ben,Cat,Dev".chars() {
        press(&mut h, code(KeyCode::Char(c)));
    }
    assert!(h.message.is_none(), "typing clears the message");
    let Some(Intent::Start(request, _)) = press(&mut h, code(KeyCode::Enter)) else {
        panic!("Enter with names starts");
    };
    let checked = request.check().expect("a valid roster");
    assert_eq!(checked.setup.participants, ["Ann", "Ben", "Cat", "Dev"]);
    assert!(matches!(
        press(&mut h, KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        Some(Intent::Quit)
    ));
}

/// Names typed on the home screen that look the same are refused as they are from `--people`:
/// the refusal the home screen shows names both, the difference escaped.
#[test]
fn names_that_look_the_same_are_refused_from_the_home_screen() {
    let mut h = home();
    press(&mut h, code(KeyCode::Enter));
    for c in "Ann, An\u{200B}n, Ben, Cat".chars() {
        press(&mut h, code(KeyCode::Char(c)));
    }
    let Some(Intent::Start(request, _)) = press(&mut h, code(KeyCode::Enter)) else {
        panic!("Enter with names hands the request to the loop");
    };
    let e = request.check().expect_err("look-alikes");
    let shown = convene::tui::launch::refusal(&e);
    assert!(shown.contains("\"Ann\" and \"An\\u{200b}n\" look the same"), "{shown}");
}

/// The home screen drawn at `w` x `h`, as text.
fn screen(h: &Home, w: u16, rows: u16) -> String {
    crate::support::rig::render_terminal(w, rows, |f| convene::tui::home::render(f, h)).to_string()
}

/// Issue 21: a wide screen shows every protocol's name whole (they were cut at 26 characters even
/// at 200 columns).
#[test]
fn a_wide_screen_shows_the_protocol_names_whole() {
    let h = home();
    let text = screen(&h, 200, 40);
    for e in &h.entries {
        let p = e.protocol.as_ref().expect("a built-in");
        assert!(text.contains(&p.name), "{} is cut:\n{text}", p.name);
    }
    // A narrow one still cuts them, with the totals kept in their column.
    let narrow = screen(&h, 80, 24);
    assert!(narrow.contains('…'), "{narrow}");
}

/// Issue 21: the total says how it is made when the round's stages, listed once, run several
/// times ("Total 1:39:00" beside a list that added up to 43 minutes).
#[test]
fn the_total_says_how_many_rounds_it_counts() {
    let mut h = home();
    h.selected = h
        .entries
        .iter()
        .position(|e| e.protocol.as_ref().is_ok_and(|p| p.id == "coaching-triad"))
        .expect("coaching triads");
    let text = screen(&h, 160, 40);
    let total = text.lines().find(|l| l.contains("Total ")).expect("a total");
    assert!(total.contains(" rounds of "), "{total}");
}

/// Issue 21: the facilitator's field stays drawn while typed in, after a roster that wraps over
/// several rows.
#[test]
fn the_facilitator_field_is_drawn_after_a_roster_that_wraps() {
    let mut h = home();
    press(&mut h, code(KeyCode::Enter));
    let roster = "Maximiliana Okonkwo-Smith, Bartholomew Featherstonehaugh, Evangeline \
                  Papadopoulou, Guadalupe Fernández, Hal Jones, Ann Lee, Ben Okoro";
    for c in roster.chars() {
        press(&mut h, code(KeyCode::Char(c)));
    }
    press(&mut h, code(KeyCode::Tab));
    press(&mut h, code(KeyCode::Tab));
    for c in "Fiona Hale".chars() {
        press(&mut h, code(KeyCode::Char(c)));
    }
    for (w, rows) in [(100, 30), (80, 24), (120, 35)] {
        let text = screen(&h, w, rows);
        assert!(text.contains("Fiona Hale▏"), "the facilitator's field at {w}x{rows}:\n{text}");
    }
}
