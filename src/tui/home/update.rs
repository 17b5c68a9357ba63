//! Keys to actions and actions to state changes. Starting a session reads the data folder
//! (commitments to follow up), so it is an [`Intent`] that the loop performs ([`super::run`]).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use chrono::NaiveTime;

use super::{Action, FIELDS, Home, Step};
use crate::session::SetupRequest;
use crate::tui::keys;

const HAS_ERRORS: &str =
    "This file has errors (shown on the right): fix it, or pick another protocol.";
const NO_PEOPLE: &str = "Type the participants' names, separated by commas.";

/// What the loop must do after an action.
#[derive(Debug, Clone)]
pub enum Intent {
    None,
    Quit,
    /// Check the roster and start the session (shown on the start card first). The loop reads
    /// the group's open commitments for it from the data folder, and makes the planned start
    /// and the hard stop (times of day) times of today.
    Start(Box<SetupRequest>, (Option<NaiveTime>, Option<NaiveTime>)),
}

/// The action a key stands for in the current step, if any.
pub fn action_for(home: &Home, key: KeyEvent) -> Option<Action> {
    keys::action(home.keys(), key)
}

/// A character typed into the focused field (only while typing the details). Returns whether
/// the key was taken.
pub fn type_char(home: &mut Home, key: KeyEvent) -> bool {
    if home.step != Step::Details || key.kind == KeyEventKind::Release {
        return false;
    }
    match key.code {
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) && !c.is_control() => {
            home.message = None;
            home.fields[home.focus].push(c);
            true
        }
        _ => false,
    }
}

/// Applies an action.
pub fn update(home: &mut Home, action: Action) -> Intent {
    if action == Action::Quit {
        return Intent::Quit;
    }
    home.message = None;
    match action {
        Action::Up => home.selected = home.selected.saturating_sub(1),
        Action::Down => {
            home.selected = (home.selected + 1).min(home.entries.len().saturating_sub(1));
        }
        Action::Next => match home.entries.get(home.selected).map(|e| &e.protocol) {
            Some(Ok(_)) => home.step = Step::Details,
            Some(Err(_)) => home.message = Some(HAS_ERRORS.into()),
            None => {}
        },
        Action::Back => home.step = Step::Pick,
        Action::NextField => home.focus = (home.focus + 1) % FIELDS,
        Action::PreviousField => home.focus = (home.focus + FIELDS - 1) % FIELDS,
        Action::DeleteChar => {
            crate::text::pop_grapheme(&mut home.fields[home.focus]);
        }
        Action::ClearField => home.fields[home.focus].clear(),
        Action::Submit => return submit(home),
        Action::Quit => {}
    }
    Intent::None
}

fn submit(home: &mut Home) -> Intent {
    let Some(Ok(protocol)) = home.entries.get(home.selected).map(|e| e.protocol.clone()) else {
        return Intent::None;
    };
    if home.fields[0].trim().is_empty() {
        home.message = Some(NO_PEOPLE.into());
        home.focus = 0;
        return Intent::None;
    }
    let mut times = [None, None];
    for (i, time) in times.iter_mut().enumerate() {
        let text = home.fields[3 + i].trim();
        if text.is_empty() {
            continue;
        }
        match crate::session::setup::parse_time_of_day(text) {
            Ok(t) => *time = Some(t),
            Err(e) => {
                home.message = Some(e);
                home.focus = 3 + i;
                return Intent::None;
            }
        }
    }
    Intent::Start(
        Box::new(SetupRequest {
            group: Some(home.fields[1].clone()),
            facilitator: Some(home.fields[2].clone()),
            ..SetupRequest::new(protocol, &home.fields[0])
        }),
        (times[0], times[1]),
    )
}
