//! The home screen's keys: its actions and one binding table per step. The footer and
//! `docs/keys.md` are written from these tables.

use crossterm::event::KeyCode;

use crate::tui::keys::{Binding, ch, ctrl, key};

/// What a key asks for on the home screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    Next,
    NextField,
    PreviousField,
    DeleteChar,
    ClearField,
    Submit,
    Back,
    Quit,
}

const fn bind(
    keys: &'static [crate::tui::keys::Key],
    action: Action,
    shown: &'static str,
    short: &'static str,
    what: &'static str,
) -> Binding<Action> {
    Binding { keys, action, shown, short, what, footer: !shown.is_empty() }
}

/// Picking a protocol.
pub(crate) const PICK: &[Binding<Action>] = &[
    bind(&[key(KeyCode::Up), ch('k')], Action::Up, "↑↓", "choose", "previous protocol"),
    bind(&[key(KeyCode::Down), ch('j')], Action::Down, "", "", "next protocol"),
    bind(
        &[key(KeyCode::Enter), key(KeyCode::Right), ch(' ')],
        Action::Next,
        "Enter",
        "next",
        "next: type the participants",
    ),
    bind(&[ch('q'), key(KeyCode::Esc), ctrl('c')], Action::Quit, "q", "quit", "quit"),
];

/// Typing the participants, group and facilitator (letters go into the focused field).
pub(crate) const DETAILS: &[Binding<Action>] = &[
    bind(
        &[key(KeyCode::Tab), key(KeyCode::Down)],
        Action::NextField,
        "Tab",
        "next field",
        "next field",
    ),
    bind(
        &[key(KeyCode::BackTab), key(KeyCode::Up)],
        Action::PreviousField,
        "",
        "",
        "previous field",
    ),
    bind(&[key(KeyCode::Backspace)], Action::DeleteChar, "", "", "delete the last character"),
    bind(&[ctrl('u')], Action::ClearField, "", "", "clear the field"),
    bind(
        &[key(KeyCode::Enter)],
        Action::Submit,
        "Enter",
        "review the roster",
        "review the roster on the start card",
    ),
    bind(&[key(KeyCode::Esc)], Action::Back, "Esc", "back", "back to the protocol list"),
    bind(&[ctrl('c')], Action::Quit, "^C", "quit", "quit"),
];
