//! Key bindings are data, one type for every screen: a table of [`Binding`]s dispatches keys to
//! a screen's named actions ([`action`]), and the same table writes the footer, the help and
//! `docs/keys.md` (a test keeps the doc in step with every table, see [`tables`]).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// One key: a code, with or without Ctrl.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

/// A key without modifiers (Shift is part of the character: `?`, `X`).
pub(crate) const fn key(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

/// A character key.
pub(crate) const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}

/// Ctrl and a character (`^C`).
pub(crate) const fn ctrl(c: char) -> Key {
    Key { code: KeyCode::Char(c), ctrl: true }
}

impl Key {
    /// Whether a key press is this key.
    pub(crate) fn matches(self, k: KeyEvent) -> bool {
        k.code == self.code && k.modifiers.contains(KeyModifiers::CONTROL) == self.ctrl
    }

    /// How the help and the docs name the key: `n`, `space`, `→`, `PgDn`, `^C`.
    pub(crate) fn name(self) -> String {
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

/// An upper-case letter as its lower case (`N` → `n`, with Shift dropped): what Caps Lock turns
/// a key into. `None` for anything else.
pub(crate) fn lower_case(k: KeyEvent) -> Option<KeyEvent> {
    let KeyCode::Char(c) = k.code else { return None };
    let mut lower = c.to_lowercase();
    let (Some(l), None) = (lower.next(), lower.next()) else { return None };
    (l != c).then(|| KeyEvent {
        code: KeyCode::Char(l),
        modifiers: k.modifiers - KeyModifiers::SHIFT,
        ..k
    })
}

/// The binding a key press stands for in a table, if any. An upper-case letter no binding of the
/// table claims acts as its lower case, so that keys work with Caps Lock on (`N` is `n`, but in a
/// table with both `x` and `X`, each keeps its own meaning). Key releases (sent by Windows
/// terminals and by terminals with the kitty protocol) never act.
pub fn binding<A>(table: &[Binding<A>], k: KeyEvent) -> Option<&Binding<A>> {
    if k.kind == KeyEventKind::Release {
        return None;
    }
    let find = |k: KeyEvent| table.iter().find(|b| b.keys.iter().any(|key| key.matches(k)));
    find(k).or_else(|| lower_case(k).and_then(find))
}

/// The action a key press stands for in a table, if any ([`binding`]).
pub(crate) fn action<A: Copy>(table: &[Binding<A>], k: KeyEvent) -> Option<A> {
    binding(table, k).map(|b| b.action)
}

/// Every key of a binding by name, as the help's key column writes them: `n → PgDn`.
pub fn key_names<A>(b: &Binding<A>) -> String {
    b.keys.iter().map(|k| k.name()).collect::<Vec<_>>().join(" ")
}

/// The bindings a table shows in its footer, in order.
pub fn footer<A>(table: &[Binding<A>]) -> impl Iterator<Item = &Binding<A>> {
    table.iter().filter(|b| b.footer)
}

/// How a one-line hint writes an action of a table: the `shown` keys of its bindings joined by
/// `/`, and the word of the first (`space/Enter`, `start`). `None` if the table has no such
/// action.
pub(crate) fn hint<A: PartialEq>(
    table: &[Binding<A>],
    action: &A,
) -> Option<(String, &'static str)> {
    let mut bindings = table.iter().filter(|b| b.action == *action);
    let first = bindings.next()?;
    let mut shown = vec![first.shown];
    shown.extend(bindings.map(|b| b.shown).filter(|s| !s.is_empty()));
    Some((shown.join("/"), first.short))
}

/// A table as `docs/keys.md` writes it: one row per binding, each key in backticks.
pub(crate) fn doc_rows<A>(table: &[Binding<A>]) -> Vec<String> {
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
    use super::live::keys as live;
    use super::logs::keys as browser;
    vec![
        ("Live screen", doc_rows(live::LIVE)),
        ("Start card", doc_rows(live::START)),
        ("Forms", doc_rows(live::FORM)),
        ("Quit?", doc_rows(live::QUIT)),
        ("End without them?", doc_rows(live::END_WITHOUT)),
        ("Rotation roster", doc_rows(live::ROSTER)),
        ("Leave this stage?", doc_rows(live::LEAVE)),
        ("Has the group agreed?", doc_rows(live::AGREEMENT)),
        ("Follow-up", doc_rows(live::FOLLOW_UP)),
        ("Not in this session", doc_rows(live::NOT_IN_SESSION)),
        ("Land on the stop?", doc_rows(live::REBALANCE)),
        ("Terminal too small", doc_rows(live::TOO_SMALL)),
        ("Mirror", doc_rows(live::MIRROR)),
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
    fn a_hint_joins_the_keys_of_an_action_and_takes_the_first_word() {
        const T: &[Binding<u8>] = &[
            Binding {
                keys: &[ch(' ')],
                action: 1,
                shown: "space",
                short: "start",
                what: "",
                footer: true,
            },
            Binding {
                keys: &[ch('n')],
                action: 1,
                shown: "Enter",
                short: "",
                what: "",
                footer: false,
            },
            Binding {
                keys: &[ch('x')],
                action: 2,
                shown: "x",
                short: "cut",
                what: "",
                footer: true,
            },
        ];
        assert_eq!(hint(T, &1), Some(("space/Enter".to_string(), "start")));
        assert_eq!(hint(T, &2), Some(("x".to_string(), "cut")));
        assert_eq!(hint(T, &3), None);
        assert_eq!(footer(T).count(), 2);
    }

    #[test]
    fn upper_case_acts_as_lower_case_unless_it_has_a_meaning_of_its_own() {
        const T: &[Binding<u8>] = &[
            Binding { keys: &[ch('n')], action: 1, shown: "n", short: "", what: "", footer: true },
            Binding { keys: &[ch('x')], action: 2, shown: "x", short: "", what: "", footer: true },
            Binding { keys: &[ch('X')], action: 3, shown: "X", short: "", what: "", footer: true },
            Binding {
                keys: &[ctrl('c')],
                action: 4,
                shown: "",
                short: "",
                what: "",
                footer: false,
            },
        ];
        let up = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT);
        assert_eq!(action(T, up('N')), Some(1));
        assert_eq!(action(T, KeyEvent::from(KeyCode::Char('N'))), Some(1), "Caps Lock");
        assert_eq!(action(T, up('X')), Some(3));
        assert_eq!(action(T, KeyEvent::from(KeyCode::Char('x'))), Some(2));
        assert_eq!(action(T, KeyEvent::new(KeyCode::Char('C'), KeyModifiers::CONTROL)), Some(4));
        assert_eq!(action(T, up('?')), None);
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
