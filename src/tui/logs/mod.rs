//! The review browser, `convene logs` with no subcommand: a list of past sessions, one session
//! in detail with a chart of planned against actual time, and the report as a chart.
//!
//! The shape follows the Elm architecture: a key press becomes an [`Action`] through the
//! binding tables in [`keys`] (which also write the footer and the help), [`update`] changes the
//! [`LogsScreen`] and returns an [`Intent`] for anything that reads or writes a file, which the loop
//! performs ([`perform`]), and [`render`] draws from the `LogsScreen` alone, so tests draw into a
//! `TestBackend` without a terminal. The browser runs in the one event loop ([`event_loop`]);
//! with no clock to follow, an idle browser never wakes.
//!
//! The sessions come from the review index ([`crate::review::index`]) a page at a time: the
//! browser holds the count of matching sessions and the rows around the selection, and a move
//! that leaves them asks for more ([`Intent::Fetch`]), so 100,000 sessions open as fast as ten.
//! The typed filter, the report and the group view are queries of the index too.
//! Every name and note from a log goes through [`crate::text::sanitize`] before it is drawn.

//!
//! - `mod.rs`: the state ([`LogsScreen`]) and the entry point;
//! - `keys.rs`: the actions and the binding tables;
//! - `update.rs`: keys to actions, actions to state changes and intents, intents performed;
//! - `view.rs`: drawing.

pub(crate) mod keys;
mod update;
mod view;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;

use chrono::{DateTime, FixedOffset, NaiveDate};
use crossterm::event::KeyEvent;
use ratatui::layout::{Rect, Size};

use crate::clock::SystemClock;
use crate::config::Dirs;
use crate::review::actions::Action as Commitment;
use crate::review::detail::Session;
use crate::review::report::Report;
use crate::review::{Index, Query, ReviewError, SessionRow};
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
    Group,
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

/// One session of a group, with what became of the commitments made in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSession {
    pub id: String,
    pub start: DateTime<FixedOffset>,
    pub done: usize,
    /// Open and not past their due date.
    pub open: usize,
    pub overdue: usize,
}

/// A recurring group: its sessions, oldest first, and its commitments still open.
#[derive(Debug, Clone)]
pub struct GroupView {
    pub name: String,
    pub today: NaiveDate,
    pub sessions: Vec<GroupSession>,
    /// Open commitments, oldest first.
    pub open: Vec<Commitment>,
    pub scroll: usize,
}

/// Rows loaded beyond the screen on each side, so that moving a little reads nothing.
const MARGIN: usize = 100;

/// The report on screen: the figures, which protocol's page is shown, and how far it is scrolled.
#[derive(Debug, Clone)]
pub struct ReportView {
    pub report: Report,
    /// The protocol shown (an index into `report.protocols`).
    pub protocol: usize,
    /// The first stage row shown.
    pub scroll: usize,
}

/// Everything the browser shows. [`render`] reads only this.
#[derive(Debug, Clone)]
pub struct LogsScreen {
    /// Where the sessions come from; `None` in a browser with nothing to read.
    pub index: Option<Rc<Index>>,
    pub screen: Screen,
    /// The filter typed after `/` (matched against date, protocol, group, names, status, id).
    pub filter: String,
    pub typing: bool,
    /// How many sessions match the filter, and how many there are.
    pub shown: usize,
    pub total: usize,
    /// Rows of the matching sessions, newest first, from row `loaded_from` on.
    pub rows: Vec<SessionRow>,
    pub loaded_from: usize,
    pub selected: usize,
    /// First visible row of the list.
    pub offset: usize,
    /// List rows that fit on screen (as last told to [`update`]).
    pub page: usize,
    pub detail: Option<DetailView>,
    pub report: Option<ReportView>,
    pub group: Option<GroupView>,
    pub help: bool,
    /// A line for the status bar: where an export went, or what went wrong.
    pub message: Option<String>,
    /// Where `x` writes exports (the current folder).
    pub export_dir: PathBuf,
    pub theme: Theme,
    /// The day "overdue" is judged on; `None`: today (see `tui::clock::today`).
    pub today: Option<NaiveDate>,
}

impl LogsScreen {
    /// The browser over a data folder's sessions: the index is opened (and brought up to date),
    /// and the first page of rows read.
    pub fn open(data: &Path, export_dir: PathBuf) -> Result<Self, ReviewError> {
        let index = Index::open(data)?;
        // A page of rows, one session, one group: the questions of a few sessions. The report
        // reads every run, through an index of its own (see `update::report`).
        index.map_for_few();
        // Folders whose logs are not read are named in the status bar from the start.
        let message =
            index.left_out_note().map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "));
        let mut app = Self {
            index: Some(Rc::new(index)),
            screen: Screen::List,
            filter: String::new(),
            typing: false,
            shown: 0,
            total: 0,
            rows: Vec::new(),
            loaded_from: 0,
            selected: 0,
            offset: 0,
            page: 20,
            detail: None,
            report: None,
            group: None,
            help: false,
            message,
            export_dir,
            theme: Theme::from_env(crate::config::ThemeName::Default),
            today: None,
        };
        app.refilter()?;
        Ok(app)
    }

    /// The query the typed filter stands for.
    pub(crate) fn query(&self) -> Query {
        Query::words(&self.filter)
    }

    /// Counts the matching sessions again and reads the first page.
    fn refilter(&mut self) -> Result<(), ReviewError> {
        self.selected = 0;
        self.offset = 0;
        self.rows.clear();
        self.loaded_from = 0;
        let Some(index) = self.index.clone() else { return Ok(()) };
        self.total = index.total()?;
        self.shown =
            if self.filter.trim().is_empty() { self.total } else { index.count(&self.query())? };
        self.fetch()
    }

    /// Whether the rows on screen (and a little around them) are loaded.
    pub(crate) fn is_loaded(&self) -> bool {
        let want = self.offset..(self.offset + self.page).min(self.shown);
        want.is_empty()
            || (want.start >= self.loaded_from && want.end <= self.loaded_from + self.rows.len())
    }

    /// Reads the rows around the selection.
    fn fetch(&mut self) -> Result<(), ReviewError> {
        let Some(index) = self.index.clone() else { return Ok(()) };
        let from = self.offset.saturating_sub(MARGIN);
        let count = self.page + 2 * MARGIN;
        self.rows = index.rows(&self.query(), from, count)?;
        self.loaded_from = from;
        Ok(())
    }

    /// The `k`-th matching session, if it is loaded.
    pub(crate) fn row(&self, k: usize) -> Option<&SessionRow> {
        k.checked_sub(self.loaded_from).and_then(|i| self.rows.get(i))
    }

    pub fn selected_entry(&self) -> Option<&SessionRow> {
        self.row(self.selected)
    }

    /// The bindings in force.
    pub(crate) fn keys(&self) -> &'static [Binding<Action>] {
        if self.help {
            keys::HELP
        } else if self.typing {
            keys::FILTER
        } else {
            match self.screen {
                Screen::List => keys::LIST,
                Screen::Detail => keys::DETAIL,
                Screen::Report => keys::REPORT,
                Screen::Group => keys::GROUP,
            }
        }
    }
}

/// `convene logs`: opens the index (a first build shows its progress before the screen), then
/// runs the browser until `q` (in the theme of the settings in effect).
pub(crate) fn browse(dirs: &Dirs, theme: crate::config::ThemeName) -> color_eyre::Result<ExitCode> {
    let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let opened =
        crate::review::data_dir(dirs.data_dir.as_deref()).and_then(|d| LogsScreen::open(&d, here));
    let mut app = match opened {
        Ok(a) => a,
        Err(e) => return Ok(crate::output::fail(crate::output::BAD_INPUT, &e.to_string())),
    };
    app.theme = Theme::from_env(theme);
    let mut terminal = crate::tui::term::try_init()?;
    let result = run_loop(&mut terminal, app);
    ratatui::restore();
    result.map(|()| ExitCode::SUCCESS)
}

/// The browser as the loop runs it.
struct Browser {
    app: LogsScreen,
    quit: bool,
}

impl event_loop::Screen for Browser {
    type Intent = Intent;

    fn draw(&self, frame: &mut ratatui::Frame, _now: Now) {
        render(&self.app, frame.area(), frame.buffer_mut());
    }

    fn key(&mut self, key: KeyEvent, size: Size) -> Intent {
        // A letter typed into the filter asks to match again.
        if let Some(intent) = type_char(&mut self.app, key) {
            return intent;
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

fn run_loop(terminal: &mut crate::tui::term::Term, app: LogsScreen) -> color_eyre::Result<()> {
    let mut browser = Browser { app, quit: false };
    // An idle browser never wakes: it has no clock of its own to follow.
    event_loop::run(terminal, &mut browser, SystemClock::new(0), None)
}
