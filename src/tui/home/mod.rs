//! The home screen (`convene` alone): pick a protocol from the library, type the participants
//! (and optionally the group and the facilitator), then the start card shows the roster for
//! review before the first stage. Broken user protocols are listed with their error.
//!
//! - `mod.rs`: the state ([`Home`]) and the entry point;
//! - `keys.rs`: the actions and the binding tables (which also write the footer);
//! - `update.rs`: keys to actions, actions to state changes; starting is an [`Intent`] the loop
//!   performs, since it reads the data folder (commitments to follow up);
//! - `view.rs`: drawing, a pure function of [`Home`].

pub mod keys;
mod update;
mod view;

use std::process::ExitCode;

use crossterm::event::{self, Event as TermEvent};

use super::theme::Theme;
use crate::cli::{Dirs, HomeArgs};
use crate::protocol::{Entry, Library};
use crate::session::Setup;

pub use keys::Action;
pub use update::{Intent, action_for, type_char, update};
pub use view::render;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Pick,
    Details,
}

/// The home screen's state; rendering is a pure function of it.
pub struct Home {
    pub entries: Vec<Entry>,
    pub selected: usize,
    pub step: Step,
    /// People, group, facilitator.
    pub fields: [String; 3],
    pub focus: usize,
    pub message: Option<String>,
    pub theme: Theme,
}

/// The form's fields, in order.
const LABELS: [&str; 3] = [
    "People (comma-separated, in order)",
    "Group (optional, e.g. AP set)",
    "Facilitator (optional)",
];

impl Home {
    pub fn new(lib: &Library, theme: Theme) -> Self {
        let entries: Vec<Entry> =
            lib.entries.iter().filter(|e| e.shadowed_by.is_none()).cloned().collect();
        Self {
            entries,
            selected: 0,
            step: Step::Pick,
            fields: Default::default(),
            focus: 0,
            message: None,
            theme,
        }
    }

    /// The bindings in force.
    pub fn keys(&self) -> &'static [crate::tui::keys::Binding<Action>] {
        match self.step {
            Step::Pick => keys::PICK,
            Step::Details => keys::DETAILS,
        }
    }
}

/// `convene` alone: the home screen, then the live session it starts (with the screen options,
/// facilitator and auto-advance from the environment and the config file).
pub fn run(dirs: &Dirs, args: &HomeArgs) -> color_eyre::Result<ExitCode> {
    let lib = crate::commands::protocols::library(dirs);
    let opts = super::options(&args.screen, false);
    let mut home = Home::new(&lib, opts.theme);
    home.fields[2] = args.facilitator.clone().unwrap_or_default();
    let mut terminal = ratatui::try_init()?;
    let result: color_eyre::Result<Option<(Setup, Vec<String>)>> = (|| {
        let _signals = super::signals::watch();
        loop {
            if let super::signals::Pending::Quit(q) = super::signals::pending(&mut terminal)? {
                super::signals::end_screen(&mut terminal, q);
            }
            terminal.draw(|f| render(f, &home))?;
            // Blocks until a key, a resize or a signal: an idle home screen never wakes.
            let TermEvent::Key(k) = event::read()? else { continue };
            if super::signals::is_suspend_key(&k) {
                super::signals::suspend(&mut terminal)?;
                continue;
            }
            if type_char(&mut home, k) {
                continue;
            }
            let Some(action) = action_for(&home, k) else { continue };
            match update(&mut home, action) {
                Intent::None => {}
                Intent::Quit => return Ok(None),
                Intent::Start(request) => match request.perform(dirs) {
                    Ok((mut setup, warnings)) => {
                        setup.auto_advance = args.auto_advance;
                        return Ok(Some((setup, warnings)));
                    }
                    Err(e) => home.message = Some(e.replace("\n  ", " ")),
                },
            }
        }
    })();
    ratatui::restore();
    let Some((setup, warnings)) = result? else { return Ok(ExitCode::SUCCESS) };
    let Some(data) = crate::log::data_dir(dirs.data_dir.as_deref()) else {
        return Ok(super::fail(&crate::review::ReviewError::NoDataDir.to_string()));
    };
    super::start_session(&data, setup, warnings, opts)
}
