//! Key bindings are data: the live screen dispatches through this table, and the footer and the
//! help overlay are generated from it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks for on the live screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    TogglePause,
    Next,
    Back,
    Skip,
    Extend,
    Shorten,
    Note,
    Commit,
    FollowUp,
    Norms,
    Roster,
    Help,
    Quit,
}

pub struct Binding {
    pub keys: &'static str,
    pub action: Action,
    pub label: &'static str,
    /// The footer's short label.
    pub short: &'static str,
    /// Shown in the footer (the rest only in `?`).
    pub footer: bool,
}

pub const LIVE: &[Binding] = &[
    Binding {
        keys: "space",
        action: Action::TogglePause,
        short: "pause",
        label: "pause/resume",
        footer: true,
    },
    Binding {
        keys: "n → PgDn",
        action: Action::Next,
        short: "next",
        label: "next stage",
        footer: true,
    },
    Binding {
        keys: "b ← PgUp",
        action: Action::Back,
        short: "back",
        label: "previous stage",
        footer: true,
    },
    Binding {
        keys: "+ =",
        action: Action::Extend,
        short: "extend",
        label: "extend 1 min",
        footer: true,
    },
    Binding {
        keys: "- _",
        action: Action::Shorten,
        short: "shorten",
        label: "shorten 1 min",
        footer: true,
    },
    Binding { keys: "e", action: Action::Note, short: "note", label: "add a note", footer: true },
    Binding {
        keys: "a",
        action: Action::Commit,
        short: "commitment",
        label: "add a commitment",
        footer: true,
    },
    Binding {
        keys: "s",
        action: Action::Skip,
        short: "skip",
        label: "skip this stage",
        footer: false,
    },
    Binding {
        keys: "f",
        action: Action::FollowUp,
        short: "follow-up",
        label: "follow up last session's commitments",
        footer: false,
    },
    Binding { keys: "o", action: Action::Norms, short: "norms", label: "norms", footer: false },
    Binding {
        keys: "r",
        action: Action::Roster,
        short: "roster",
        label: "rotation roster",
        footer: false,
    },
    Binding { keys: "?", action: Action::Help, short: "help", label: "all keys", footer: true },
    Binding { keys: "q ^C", action: Action::Quit, short: "quit", label: "quit", footer: true },
];

/// Maps a key press on the live screen to an action.
pub fn live_action(key: KeyEvent) -> Option<Action> {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return matches!(key.code, KeyCode::Char('c')).then_some(Action::Quit);
    }
    Some(match key.code {
        KeyCode::Char(' ') => Action::TogglePause,
        KeyCode::Char('n') | KeyCode::Right | KeyCode::PageDown => Action::Next,
        KeyCode::Char('b') | KeyCode::Left | KeyCode::PageUp => Action::Back,
        KeyCode::Char('s') => Action::Skip,
        KeyCode::Char('+' | '=') => Action::Extend,
        KeyCode::Char('-' | '_') => Action::Shorten,
        KeyCode::Char('e') => Action::Note,
        KeyCode::Char('a') => Action::Commit,
        KeyCode::Char('f') => Action::FollowUp,
        KeyCode::Char('o') => Action::Norms,
        KeyCode::Char('r') => Action::Roster,
        KeyCode::Char('?') => Action::Help,
        // Not Esc: a stray Esc (or a clicker's) must not open the quit question.
        KeyCode::Char('q') => Action::Quit,
        _ => return None,
    })
}

/// Footer entries: `(keys, label)`.
pub fn footer() -> impl Iterator<Item = (&'static str, &'static str)> {
    LIVE.iter().filter(|b| b.footer).map(|b| (first_key(b.keys), b.short))
}

fn first_key(keys: &'static str) -> &'static str {
    keys.split(' ').next().unwrap_or(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_binding_in_the_table_dispatches_to_its_action() {
        for b in LIVE {
            for k in b.keys.split(' ') {
                let key = match k {
                    "space" => KeyEvent::from(KeyCode::Char(' ')),
                    "→" => KeyEvent::from(KeyCode::Right),
                    "←" => KeyEvent::from(KeyCode::Left),
                    "PgDn" => KeyEvent::from(KeyCode::PageDown),
                    "PgUp" => KeyEvent::from(KeyCode::PageUp),
                    "^C" => KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
                    "Esc" => KeyEvent::from(KeyCode::Esc),
                    other => KeyEvent::from(KeyCode::Char(other.chars().next().expect("a key"))),
                };
                assert_eq!(live_action(key), Some(b.action), "{k}");
            }
        }
    }
}
