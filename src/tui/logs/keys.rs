//! The browser's keys: its actions, and one binding table per view. The footer, the help and
//! `docs/keys.md` are written from these tables.

use crossterm::event::KeyCode;

use crate::tui::keys::{Binding, Key, ch, key};

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    Left,
    Right,
    Open,
    Back,
    Quit,
    Filter,
    Export,
    ExportRedacted,
    Report,
    Group,
    Help,
}

const fn bind(
    keys: &'static [Key],
    shown: &'static str,
    what: &'static str,
    action: Action,
    footer: bool,
) -> Binding<Action> {
    Binding { keys, action, shown, short: what, what, footer }
}

const UP: Key = key(KeyCode::Up);
const DOWN: Key = key(KeyCode::Down);
const LEFT: Key = key(KeyCode::Left);
const RIGHT: Key = key(KeyCode::Right);
const ESC: Key = key(KeyCode::Esc);
const ENTER: Key = key(KeyCode::Enter);

const MOVE: [Binding<Action>; 4] = [
    bind(&[UP, ch('k')], "↑↓", "move", Action::Up, true),
    bind(&[DOWN, ch('j')], "", "move down", Action::Down, false),
    bind(&[key(KeyCode::PageUp)], "PgUp/PgDn", "page", Action::PageUp, false),
    bind(&[key(KeyCode::PageDown)], "", "page down", Action::PageDown, false),
];

/// Keys of the session list.
pub(crate) const LIST: &[Binding<Action>] = &[
    MOVE[0],
    MOVE[1],
    MOVE[2],
    MOVE[3],
    bind(&[key(KeyCode::Home)], "Home/End", "first/last", Action::Home, false),
    bind(&[key(KeyCode::End)], "", "last", Action::End, false),
    bind(&[ENTER], "Enter", "open", Action::Open, true),
    bind(&[ch('/')], "/", "filter", Action::Filter, true),
    bind(&[ch('x')], "x", "export", Action::Export, true),
    bind(&[ch('X')], "X", "export redacted", Action::ExportRedacted, false),
    bind(&[ch('r')], "r", "report", Action::Report, true),
    bind(&[ch('g')], "g", "the selected session's group", Action::Group, false),
    bind(&[ch('?')], "?", "help", Action::Help, true),
    bind(&[ESC], "Esc", "clear filter", Action::Back, false),
    bind(&[ch('q'), QUIT_CTRL_C], "q", "quit", Action::Quit, true),
];

/// Keys of one session's detail.
pub(crate) const DETAIL: &[Binding<Action>] = &[
    bind(&[UP, ch('k')], "↑↓", "scroll", Action::Up, true),
    bind(&[DOWN, ch('j')], "", "scroll down", Action::Down, false),
    MOVE[2],
    MOVE[3],
    bind(&[LEFT, ch('h')], "←→", "more stages", Action::Left, true),
    bind(&[RIGHT, ch('l')], "", "later stages", Action::Right, false),
    bind(&[ch('x')], "x", "export", Action::Export, true),
    bind(&[ch('X')], "X", "export redacted", Action::ExportRedacted, false),
    bind(&[ch('?')], "?", "help", Action::Help, true),
    bind(&[ESC, ch('q')], "q/Esc", "back", Action::Back, true),
    bind(&[QUIT_CTRL_C], "", "quit", Action::Quit, false),
];

/// Keys of the report.
pub(crate) const REPORT: &[Binding<Action>] = &[
    bind(&[LEFT, ch('h')], "←→", "protocol", Action::Left, true),
    bind(&[RIGHT, ch('l')], "", "next protocol", Action::Right, false),
    bind(&[UP, ch('k')], "↑↓", "scroll", Action::Up, true),
    bind(&[DOWN, ch('j')], "", "scroll down", Action::Down, false),
    bind(&[ch('?')], "?", "help", Action::Help, true),
    bind(&[ESC, ch('q')], "q/Esc", "back", Action::Back, true),
    bind(&[QUIT_CTRL_C], "", "quit", Action::Quit, false),
];

/// Keys of a group's view.
pub(crate) const GROUP: &[Binding<Action>] = &[
    bind(&[UP, ch('k')], "↑↓", "scroll", Action::Up, true),
    bind(&[DOWN, ch('j')], "", "scroll down", Action::Down, false),
    bind(&[ch('?')], "?", "help", Action::Help, true),
    bind(&[ESC, ch('q')], "q/Esc", "back", Action::Back, true),
    bind(&[QUIT_CTRL_C], "", "quit", Action::Quit, false),
];

/// Keys while typing a filter: letters go into the filter.
pub(crate) const FILTER: &[Binding<Action>] = &[
    bind(&[ENTER], "Enter", "keep filter", Action::Open, true),
    bind(&[ESC], "Esc", "clear", Action::Back, true),
    bind(&[UP], "↑↓", "move", Action::Up, true),
    bind(&[DOWN], "", "move down", Action::Down, false),
    bind(&[QUIT_CTRL_C], "", "quit", Action::Quit, false),
];

/// Keys while the help is shown.
pub(crate) const HELP: &[Binding<Action>] = &[
    bind(&[ESC, ch('q'), ch('?')], "q/Esc", "close help", Action::Back, true),
    bind(&[QUIT_CTRL_C], "", "quit", Action::Quit, false),
];

/// Ctrl-C quits the browser from anywhere.
const QUIT_CTRL_C: Key = crate::tui::keys::ctrl('c');
