//! Windows consoles (and terminals with the kitty keyboard protocol) send a key's release as well
//! as its press. Every screen acts on the press only: a letter typed into a form or a filter
//! arrives once, and a key that opens something does not close it again as it is let go.

use crate::support;

use convene::config::ThemeName;
use convene::protocol::Library;
use convene::tui::live::Overlay;
use convene::tui::theme::Theme;
use convene::tui::{home, logs};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::Rect;
use support::Rig;
use support::fixtures::{ALL, data_with};

/// A key as a Windows console delivers it: the press, then the release.
fn press_and_release(code: KeyCode) -> [KeyEvent; 2] {
    let press = KeyEvent::new(code, KeyModifiers::NONE);
    let mut release = press;
    release.kind = KeyEventKind::Release;
    [press, release]
}

#[test]
fn the_review_filter_gets_each_letter_once() {
    let data = data_with(&ALL);
    let mut app =
        logs::LogsScreen::open(data.path(), data.path().to_path_buf()).expect("the index");
    app.theme = Theme::resolve(ThemeName::Mono, true);
    let feed = |app: &mut logs::LogsScreen, k: KeyEvent| {
        if let Some(intent) = logs::type_char(app, k) {
            logs::perform(app, intent);
            return;
        }
        if let Some(a) = logs::action_for(app, k) {
            let intent = logs::update(app, a, logs::list_rows(Rect::new(0, 0, 80, 24)));
            logs::perform(app, intent);
        }
    };
    for k in "/ann".chars().flat_map(|c| press_and_release(KeyCode::Char(c))) {
        feed(&mut app, k);
    }
    assert!(app.typing);
    assert_eq!(app.filter, "ann");
    for k in press_and_release(KeyCode::Backspace) {
        feed(&mut app, k);
    }
    assert_eq!(app.filter, "an", "one backspace takes one letter");
}

#[test]
fn the_home_screen_types_each_letter_once() {
    let lib = Library::load(None, &[]);
    let mut h = home::Home::new(&lib, Theme::resolve(ThemeName::Mono, true));
    let feed = |h: &mut home::Home, k: KeyEvent| {
        if home::type_char(h, k) {
            return;
        }
        if let Some(a) = home::action_for(h, k) {
            home::update(h, a);
        }
    };
    for k in press_and_release(KeyCode::Down) {
        feed(&mut h, k);
    }
    assert_eq!(h.selected, 1, "one step down");
    for k in press_and_release(KeyCode::Enter) {
        feed(&mut h, k);
    }
    assert_eq!(h.step, home::Step::Details);
    for k in "Ann, Ben".chars().flat_map(|c| press_and_release(KeyCode::Char(c))) {
        feed(&mut h, k);
    }
    assert_eq!(h.fields[0], "Ann, Ben");
}

#[test]
fn the_live_screen_acts_once_per_key() {
    let mut rig = Rig::builtin("project-tuning", &["Priya", "Ann", "Ben"]);
    for k in press_and_release(KeyCode::Char(' ')) {
        rig.key(k);
    }
    assert!(!rig.app.state.paused, "started, not started and paused");
    for k in press_and_release(KeyCode::Char('?')) {
        rig.key(k);
    }
    assert!(matches!(rig.app.overlay, Overlay::Help), "the help stays open: {:?}", rig.app.overlay);
    for k in press_and_release(KeyCode::Esc) {
        rig.key(k);
    }
    for k in press_and_release(KeyCode::Char('e')) {
        rig.key(k);
    }
    for k in "calm".chars().flat_map(|c| press_and_release(KeyCode::Char(c))) {
        rig.key(k);
    }
    let Overlay::Form(form) = &rig.app.overlay else {
        panic!("the note form: {:?}", rig.app.overlay)
    };
    let note = form.fields.iter().find(|f| f.label.starts_with("Note")).expect("a note field");
    assert_eq!(note.value, "calm");
}
