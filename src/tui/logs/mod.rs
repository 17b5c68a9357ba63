//! The review browser, `convene logs` with no subcommand: a list of past sessions, one session
//! in detail with a chart of planned against actual time, and the report as a chart.
//!
//! The shape follows the Elm architecture: a key press becomes an [`Action`] through the
//! binding tables in [`keys`] (which also write the footer and the help), [`update`] changes the
//! [`App`] and returns an [`Intent`] for anything that reads or writes a file, which the loop
//! performs ([`perform`]), and [`render`] draws from the `App` alone, so tests draw into a
//! `TestBackend` without a terminal. The browser runs in the one event loop ([`event_loop`]); with no clock to follow, an idle
//! browser never wakes.
//! Only the rows that fit on screen are built, so ten thousand sessions cost nothing to show.
//! Every name and note from a log goes through [`sanitize`] before it is drawn.

//!
//! - `mod.rs`: the state ([`App`]) and the entry point;
//! - `keys.rs`: the actions and the binding tables;
//! - `update.rs`: keys to actions, actions to state changes and intents, intents performed;
//! - `view.rs`: drawing.

pub mod keys;
mod update;
mod view;

use std::path::PathBuf;
use std::process::ExitCode;

use crossterm::event::KeyEvent;
use ratatui::layout::{Rect, Size};

use crate::cli::Dirs;
use crate::clock::SystemClock;
use crate::review::actions::{UpdateIndex, update_index};
use crate::review::detail::Session;
use crate::review::report::Report;
use crate::review::{Entry, Scan, fmt};
use crate::session::Now;
use crate::tui::event_loop;
use crate::tui::keys::Binding;
use crate::tui::theme::Theme;

pub use keys::Action;
pub use update::{Intent, action_for, list_rows, perform, type_char, update};
pub use view::render;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    List,
    Detail,
    Report,
}

/// One session opened in the detail view.
#[derive(Debug, Clone)]
pub struct DetailView {
    pub session: Session,
    /// The `logs show` text, one entry per line.
    pub lines: Vec<String>,
    pub scroll: usize,
    /// First stage shown in the chart.
    pub chart_from: usize,
}

/// Everything the browser shows. [`render`] reads only this.
#[derive(Debug, Clone)]
pub struct App {
    pub scan: Scan,
    pub screen: Screen,
    /// The filter typed after `/` (matched against date, protocol, group, names, status, id).
    pub filter: String,
    pub typing: bool,
    /// Indexes into `scan.entries` that match the filter, newest first.
    pub visible: Vec<usize>,
    pub selected: usize,
    /// First visible row of the list.
    pub offset: usize,
    pub detail: Option<DetailView>,
    pub report: Option<(Report, usize, usize)>,
    pub help: bool,
    /// A line for the status bar: where an export went, or what went wrong.
    pub message: Option<String>,
    /// Where `x` writes exports (the current folder).
    pub export_dir: PathBuf,
    pub theme: Theme,
    haystacks: Vec<String>,
    index: UpdateIndex,
}

fn haystack(e: &Entry) -> String {
    match e.ok() {
        None => format!("{} unreadable", e.id).to_lowercase(),
        Some(d) => {
            let mut s = format!(
                "{} {} {} {} {} {} {} {}",
                fmt::date_time(&d.start),
                d.protocol_id,
                d.protocol_name,
                d.group.as_deref().unwrap_or_default(),
                d.participants.join(" "),
                d.facilitator.as_deref().unwrap_or_default(),
                d.status.label(),
                e.id
            );
            s = s.to_lowercase();
            s
        }
    }
}

impl App {
    pub fn new(scan: Scan, export_dir: PathBuf) -> Self {
        let haystacks = scan.entries.iter().map(haystack).collect();
        let index = update_index(scan.digests());
        let mut app = Self {
            visible: (0..scan.entries.len()).collect(),
            scan,
            screen: Screen::List,
            filter: String::new(),
            typing: false,
            selected: 0,
            offset: 0,
            detail: None,
            report: None,
            help: false,
            message: None,
            export_dir,
            theme: Theme::from_env(crate::cli::ThemeName::Default),
            haystacks,
            index,
        };
        app.refilter();
        app
    }

    fn refilter(&mut self) {
        let words: Vec<String> =
            self.filter.to_lowercase().split_whitespace().map(String::from).collect();
        self.visible = self
            .haystacks
            .iter()
            .enumerate()
            .filter(|(_, h)| words.iter().all(|w| h.contains(w.as_str())))
            .map(|(i, _)| i)
            .collect();
        self.selected = 0;
        self.offset = 0;
    }

    pub fn selected_entry(&self) -> Option<&Entry> {
        self.visible.get(self.selected).and_then(|i| self.scan.entries.get(*i))
    }

    /// The bindings in force.
    pub fn keys(&self) -> &'static [Binding<Action>] {
        if self.help {
            keys::HELP
        } else if self.typing {
            keys::FILTER
        } else {
            match self.screen {
                Screen::List => keys::LIST,
                Screen::Detail => keys::DETAIL,
                Screen::Report => keys::REPORT,
            }
        }
    }
}

/// `convene logs`: scans the logs, then runs the browser until `q`.
pub fn browse(dirs: &Dirs, theme: Option<crate::cli::ThemeName>) -> color_eyre::Result<ExitCode> {
    let scan = match crate::review::data_dir(dirs.data_dir.as_deref())
        .and_then(|d| crate::review::scan(&d))
    {
        Ok(s) => s,
        Err(e) => return Ok(crate::output::fail(crate::output::BAD_INPUT, &e.to_string())),
    };
    let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut app = App::new(scan, here);
    app.theme = Theme::from_env(theme.unwrap_or_default());
    let mut terminal = ratatui::try_init()?;
    let result = run_loop(&mut terminal, app);
    ratatui::restore();
    result.map(|()| ExitCode::SUCCESS)
}

/// The browser as the loop runs it.
struct Browser {
    app: App,
    quit: bool,
}

impl event_loop::Screen for Browser {
    type Intent = Intent;

    fn draw(&self, frame: &mut ratatui::Frame, _now: Now) {
        render(&self.app, frame.area(), frame.buffer_mut());
    }

    fn key(&mut self, key: KeyEvent, size: Size) -> Intent {
        if type_char(&mut self.app, key) {
            return Intent::None;
        }
        let Some(action) = action_for(&self.app, key) else { return Intent::None };
        update(&mut self.app, action, list_rows(Rect::new(0, 0, size.width, size.height)))
    }

    fn perform(&mut self, intent: Intent, _now: Now) {
        self.quit |= !perform(&mut self.app, intent);
    }

    fn done(&self) -> bool {
        self.quit
    }
}

fn run_loop(terminal: &mut ratatui::DefaultTerminal, app: App) -> color_eyre::Result<()> {
    let mut browser = Browser { app, quit: false };
    // An idle browser never wakes: it has no clock of its own to follow.
    event_loop::run(terminal, &mut browser, SystemClock::new(0), None)
}
