//! Key bindings are data, one type for every screen: a table of [`Binding`]s dispatches keys to
//! a screen's named actions ([`action`]), and the same table writes the footer, the help and
//! `docs/keys.md` (a test keeps the doc in step with every table, see [`TABLES`]).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// One key: a code, with or without Ctrl.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

/// A key without modifiers (Shift is part of the character: `?`, `X`).
pub const fn key(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

/// A character key.
pub const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}

/// Ctrl and a character (`^C`).
pub const fn ctrl(c: char) -> Key {
    Key { code: KeyCode::Char(c), ctrl: true }
}

impl Key {
    /// Whether a key press is this key.
    pub fn matches(self, k: KeyEvent) -> bool {
        k.code == self.code && k.modifiers.contains(KeyModifiers::CONTROL) == self.ctrl
    }

    /// How the help and the docs name the key: `n`, `space`, `→`, `PgDn`, `^C`.
    pub fn name(self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "space".to_string(),
            KeyCode::Char(c) if self.ctrl => c.to_ascii_uppercase().to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Right => "→".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.ctrl { format!("^{base}") } else { base }
    }
}

/// A key binding: the keys, what they ask for, and how the footer and the help name them.
#[derive(Debug, Clone, Copy)]
pub struct Binding<A: 'static> {
    pub keys: &'static [Key],
    pub action: A,
    /// How the footer and the help write the keys (`n → PgDn`, `↑↓`); empty for a binding that
    /// the help shows together with the one before it (`↓` after `↑`).
    pub shown: &'static str,
    /// The footer's word for it.
    pub short: &'static str,
    /// What it does, as the help and `docs/keys.md` say.
    pub what: &'static str,
    /// Shown in the footer (every binding is in the help and the docs).
    pub footer: bool,
}

/// The action a key press stands for in a table, if any. Key releases (sent by Windows
/// terminals and by terminals with the kitty protocol) never act.
pub fn action<A: Copy>(table: &[Binding<A>], k: KeyEvent) -> Option<A> {
    if k.kind == KeyEventKind::Release {
        return None;
    }
    table.iter().find(|b| b.keys.iter().any(|key| key.matches(k))).map(|b| b.action)
}

/// A table as `docs/keys.md` writes it: one row per binding, each key in backticks.
pub fn doc_rows<A>(table: &[Binding<A>]) -> Vec<String> {
    table
        .iter()
        .map(|b| {
            let keys: Vec<String> = b.keys.iter().map(|k| format!("`{}`", k.name())).collect();
            format!("| {} | {} |", keys.join(" "), b.what)
        })
        .collect()
}

/// Every key table of every screen, by the heading `docs/keys.md` lists it under.
pub fn tables() -> Vec<(&'static str, Vec<String>)> {
    use super::home::keys as home;
    use super::logs::keys as browser;
    vec![
        ("Home screen: picking a protocol", doc_rows(home::PICK)),
        ("Home screen: the participants", doc_rows(home::DETAILS)),
        ("Review browser: the list", doc_rows(browser::LIST)),
        ("Review browser: one session", doc_rows(browser::DETAIL)),
        ("Review browser: the report", doc_rows(browser::REPORT)),
        ("Review browser: a group", doc_rows(browser::GROUP)),
        ("Review browser: typing a filter", doc_rows(browser::FILTER)),
        ("Review browser: help", doc_rows(browser::HELP)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_with_and_without_ctrl() {
        let q = KeyEvent::from(KeyCode::Char('q'));
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert!(ch('q').matches(q) && !ctrl('q').matches(q));
        assert!(ctrl('c').matches(ctrl_c) && !ch('c').matches(ctrl_c));
        // Shift is part of the character.
        assert!(ch('X').matches(KeyEvent::new(KeyCode::Char('X'), KeyModifiers::SHIFT)));
        assert_eq!(ctrl('c').name(), "^C");
        assert_eq!(ch(' ').name(), "space");
    }

    #[test]
    fn releases_never_act() {
        const T: &[Binding<u8>] = &[Binding {
            keys: &[ch('n')],
            action: 1,
            shown: "n",
            short: "",
            what: "",
            footer: true,
        }];
        let mut k = KeyEvent::from(KeyCode::Char('n'));
        assert_eq!(action(T, k), Some(1));
        k.kind = KeyEventKind::Release;
        assert_eq!(action(T, k), None);
    }
}
