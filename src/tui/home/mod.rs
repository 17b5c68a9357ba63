//! The home screen (`convene` alone): pick a protocol from the library, type the participants
//! (and optionally the group and the facilitator), then the start card shows the roster for
//! review before the first stage. Broken user protocols are listed with their error.
//!
//! - `mod.rs`: the state ([`Home`]) and how the loop runs it ([`run`]);
//! - `keys.rs`: the actions and the binding tables (which also write the footer);
//! - `update.rs`: keys to actions, actions to state changes; starting is an [`Intent`] the loop
//!   performs, since it reads the data folder (commitments to follow up);
//! - `view.rs`: drawing, a pure function of [`Home`].

pub(crate) mod keys;
mod update;
mod view;

use std::path::Path;

use crossterm::event::KeyEvent;
use ratatui::layout::Size;

use super::event_loop::{self, Screen};
use super::launch;
use super::theme::Theme;
use crate::clock::SystemClock;
use crate::protocol::{Entry, Library};
use crate::session::{CheckedSetup, Now};

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
    /// People, group, facilitator, planned start, hard stop.
    pub fields: [String; FIELDS],
    pub focus: usize,
    pub message: Option<String>,
    pub theme: Theme,
}

/// How many fields the form has.
pub(crate) const FIELDS: usize = 5;

/// The form's fields, in order.
const LABELS: [&str; FIELDS] = [
    "People (comma-separated, in order)",
    "Group (optional, e.g. AP set)",
    "Facilitator (optional)",
    "Planned start (optional, HH:MM)",
    "Hard stop (optional, HH:MM)",
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
    pub(crate) fn keys(&self) -> &'static [crate::tui::keys::Binding<Action>] {
        match self.step {
            Step::Pick => keys::PICK,
            Step::Details => keys::DETAILS,
        }
    }
}

/// The home screen as the loop runs it: the state, the data folder (where the group's open
/// commitments are read), and how it ended.
struct HomeScreen<'a> {
    home: Home,
    data: Option<&'a Path>,
    /// Auto-advance for the session started (from the environment or the config file).
    auto_advance: bool,
    quit: bool,
    started: Option<CheckedSetup>,
}

impl Screen for HomeScreen<'_> {
    type Intent = Intent;

    fn draw(&self, frame: &mut ratatui::Frame, _now: Now) {
        render(frame, &self.home);
    }

    fn key(&mut self, key: KeyEvent, _size: Size) -> Intent {
        if type_char(&mut self.home, key) {
            return Intent::None;
        }
        action_for(&self.home, key).map_or(Intent::None, |a| update(&mut self.home, a))
    }

    fn perform(&mut self, intent: Intent, now: Now) {
        match intent {
            Intent::None => {}
            Intent::Quit => self.quit = true,
            Intent::Start(mut request, (start, stop)) => {
                request.auto_advance = self.auto_advance;
                launch::carry_from_group(&mut request, self.data);
                match request.check() {
                    Ok(mut checked) => {
                        // Times of today: the day (and its offset) of the moment the loop read.
                        let today = |t: chrono::NaiveTime| {
                            now.wall.with_time(t).single().unwrap_or(now.wall)
                        };
                        checked.setup.planned_start = start.map(today);
                        checked.setup.hard_stop = stop.map(today);
                        match crate::session::setup::stop_problem(&checked.setup) {
                            Some(problem) => self.home.message = Some(problem),
                            None => self.started = Some(checked),
                        }
                    }
                    Err(e) => self.home.message = Some(launch::refusal(&e)),
                }
            }
        }
    }

    fn done(&self) -> bool {
        self.quit || self.started.is_some()
    }
}

/// Runs the home screen until a session is chosen and checked (`None`: quit). `data` is the data
/// folder, where the group's open commitments are read.
pub fn run(
    lib: &Library,
    theme: Theme,
    data: Option<&Path>,
    defaults: &crate::config::HomeSettings,
) -> color_eyre::Result<Option<CheckedSetup>> {
    let mut home = Home::new(lib, theme);
    // The facilitator from the environment or the config file, ready to be changed.
    home.fields[2] = defaults.facilitator.clone().unwrap_or_default();
    let mut screen =
        HomeScreen { home, data, auto_advance: defaults.auto_advance, quit: false, started: None };
    let mut terminal = crate::tui::term::try_init()?;
    // An idle home screen never wakes: it has no clock of its own to follow.
    let result = event_loop::run(&mut terminal, &mut screen, SystemClock::new(0), None);
    ratatui::restore();
    result?;
    Ok(screen.started)
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration};

    use super::*;
    use crate::config::ThemeName;
    use crate::log::Header;
    use crate::log::writer::LogWriter;
    use crate::protocol::parse_protocol;
    use crate::session::{Command, SessionState, Setup, SetupRequest, apply, decide};

    const COURSE: &str = include_str!("../../../tests/fixtures/protocols/v2/course-leaders.json");

    /// The planned start and the hard stop typed on the home screen are times of the day the
    /// loop read; a stop before the start is refused, saying so.
    #[test]
    fn the_home_screen_gives_the_session_its_planned_start_and_hard_stop() {
        let lib = Library::builtin_only();
        let screen = |start, stop| {
            let mut screen = HomeScreen {
                home: Home::new(&lib, Theme::resolve(ThemeName::Mono, true)),
                data: None,
                auto_advance: false,
                quit: false,
                started: None,
            };
            let protocol = lib.get("project-tuning").unwrap().clone();
            let request = SetupRequest::new(protocol, "Ann, Ben, Cat");
            let hm = |t: &str| chrono::NaiveTime::parse_from_str(t, "%H:%M").ok();
            let wall = DateTime::parse_from_rfc3339("2026-11-23T08:20:00+00:00").unwrap();
            screen.perform(
                Intent::Start(Box::new(request), (hm(start), hm(stop))),
                Now::new(0, wall),
            );
            screen
        };
        let ok = screen("08:30", "09:00");
        let setup = ok.started.expect("started").setup;
        let at = |t| DateTime::parse_from_rfc3339(t).unwrap();
        assert_eq!(setup.planned_start, Some(at("2026-11-23T08:30:00+00:00")));
        assert_eq!(setup.hard_stop, Some(at("2026-11-23T09:00:00+00:00")));
        let refused = screen("09:30", "09:00");
        assert!(refused.started.is_none());
        let m = refused.home.message.unwrap_or_default();
        assert!(m.contains("the hard stop 09:00 is not after the planned start 09:30"), "{m}");
    }

    /// The home screen starts a session as `convene run` does: numbered in the group's course,
    /// with the topic the group's previous session agreed.
    #[test]
    fn a_session_started_from_home_takes_its_number_and_notes_from_the_group() {
        let dir = tempfile::tempdir().unwrap();
        crate::review::index::use_cache_dir(dir.path().join("cache"));
        let data = dir.path().join("data");
        let protocol = parse_protocol(COURSE, "course-leaders.json").unwrap();
        let setup = Setup {
            group_name: Some("ML".into()),
            session_number: Some(1),
            ..Setup::new(protocol.clone(), ["Ann", "Ben"])
        };
        let id = "20261012-090000-000";
        let start = DateTime::parse_from_rfc3339("2026-10-12T09:00:00+01:00").unwrap();
        let mut log = LogWriter::create(&data, id, &Header::new(id.into(), start, setup.clone()));
        let mut st = SessionState::new(setup);
        let note = Command::AddNote {
            text: "Managing difficult people".into(),
            about: None,
            group: None,
            private: false,
            record: None,
        };
        for (mono, cmd) in
            [(0, Command::Start), (60_000, Command::Next { force: true }), (90_000, note)]
        {
            let now = Now::new(mono, start + Duration::milliseconds(i64::try_from(mono).unwrap()));
            for e in decide(&st, cmd, now).unwrap() {
                log.append(&e);
                apply(&mut st, &e);
            }
        }
        assert!(log.error.is_none(), "{:?}", log.error);
        drop(log);

        let lib = Library::builtin_only();
        let mut screen = HomeScreen {
            home: Home::new(&lib, Theme::resolve(ThemeName::Mono, true)),
            data: Some(&data),
            auto_advance: false,
            quit: false,
            started: None,
        };
        let request =
            SetupRequest { group: Some("ml".into()), ..SetupRequest::new(protocol, "Ann, Ben") };
        screen.perform(Intent::Start(Box::new(request), (None, None)), Now::new(0, start));
        let started = screen.started.expect("the session starts");
        assert_eq!(started.setup.session_number, Some(2));
        let notes: Vec<&str> =
            started.setup.carried_notes.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(notes, ["Managing difficult people"]);
    }
}
