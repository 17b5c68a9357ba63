//! Keys to actions, actions to state changes, and the file reads and writes those ask for,
//! performed apart from the state change so that [`update`] never touches a disk.

use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use super::{Action, DetailView, GroupSession, GroupView, LogsScreen, ReportView, Screen};
use crate::review::actions::ActionFilter;
use crate::review::detail::{self, Session};
use crate::review::{Filter, Query, ReviewError, export};
use crate::text::sanitize;
use crate::tui::keys;

/// What the loop must do after an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    None,
    Quit,
    /// Read the rows around the selection (it moved beyond the rows loaded).
    Fetch,
    /// The typed filter changed: count the matching sessions and read the first rows.
    Refilter,
    /// Read the selected session's log and show it.
    Open,
    /// Write Markdown minutes of the open (or selected) session to the export folder.
    Export {
        redact: bool,
    },
    /// Compute the report over the sessions in the list.
    Report,
    /// Gather the selected session's group: its sessions and commitments.
    Group,
}

/// Performs an intent's reads and writes. Returns `false` to quit.
pub fn perform(app: &mut LogsScreen, intent: Intent) -> bool {
    let result = match intent {
        Intent::None => Ok(()),
        Intent::Quit => return false,
        Intent::Fetch => app.fetch(),
        Intent::Refilter => app.refilter(),
        Intent::Open => {
            open(app);
            Ok(())
        }
        Intent::Export { redact } => {
            export(app, redact);
            Ok(())
        }
        Intent::Report => report(app),
        Intent::Group => group(app),
    };
    if let Err(e) = result {
        app.message = Some(e.to_string());
    }
    true
}

/// Reads the selected session's log (all its copies, if it was continued in two places), with
/// its commitments' follow-ups from the index.
fn load_selected(app: &LogsScreen) -> Option<Result<Session, String>> {
    let entry = app.selected_entry()?;
    let index = app.index.as_ref()?;
    let loaded = detail::load_from(index, &entry.id).map_err(|e| e.to_string());
    Some(loaded.map_err(|e| sanitize(&e)))
}

/// The report over the sessions the typed filter leaves in the list. It reads every stage run,
/// so it asks an index opened for that (not read through a memory mapping: see
/// `Index::map_for_few`).
fn report(app: &mut LogsScreen) -> Result<(), ReviewError> {
    let Some(index) = app.index.clone() else { return Ok(()) };
    let data = index.sessions_dir().parent().unwrap_or(index.sessions_dir()).to_path_buf();
    let whole = crate::review::Index::open_with(&data, false)?;
    app.report = Some(ReportView { report: whole.report(&app.query())?, protocol: 0, scroll: 0 });
    app.screen = Screen::Report;
    Ok(())
}

/// The selected session's group: its sessions, oldest first, with the commitments made in each
/// done, open and overdue, and the list of those still open.
fn group(app: &mut LogsScreen) -> Result<(), ReviewError> {
    let Some(index) = app.index.clone() else { return Ok(()) };
    let Some(name) = app.selected_entry().and_then(|r| r.ok()).and_then(|d| d.group.clone()) else {
        app.message = Some("This session has no group: g shows a recurring group.".into());
        return Ok(());
    };
    let today = match app.today.map_or_else(crate::clock::today, Ok) {
        Ok(d) => d,
        Err(e) => {
            app.message = Some(e);
            return Ok(());
        }
    };
    let filter = Filter { group: Some(name.clone()), ..Filter::default() };
    let mut sessions: Vec<GroupSession> = Vec::new();
    index.for_each_row(&Query::new(&filter), |r| {
        if let Some(d) = r.ok() {
            sessions.push(GroupSession {
                id: r.id.clone(),
                start: d.start,
                done: 0,
                open: 0,
                overdue: 0,
            });
        }
        true
    })?;
    sessions.reverse();
    let mut open = Vec::new();
    let by = ActionFilter { group: Some(name.clone()), ..ActionFilter::default() };
    index.for_each_action(&by, today, |a| {
        if let Some(s) = sessions.iter_mut().find(|s| s.id == a.session) {
            if !a.is_open() {
                s.done += 1;
            } else if a.overdue {
                s.overdue += 1;
            } else {
                s.open += 1;
            }
        }
        if a.is_open() {
            open.push(a);
        }
        true
    })?;
    app.group = Some(GroupView { name, today, sessions, open, scroll: 0 });
    app.screen = Screen::Group;
    app.message = None;
    Ok(())
}

/// Opens the selected session: reads its log.
fn open(app: &mut LogsScreen) {
    match load_selected(app) {
        Some(Ok(session)) => {
            let lines = detail::show(&session).lines().map(String::from).collect();
            app.detail = Some(DetailView { session, lines, scroll: 0, chart_from: 0 });
            app.screen = Screen::Detail;
            app.message = None;
        }
        Some(Err(e)) => app.message = Some(e),
        None => {}
    }
}

/// Writes Markdown minutes of the open or selected session into the export folder.
fn export(app: &mut LogsScreen, redact: bool) {
    let loaded;
    let session = match (app.screen, &app.detail) {
        (Screen::Detail, Some(d)) => &d.session,
        _ => match load_selected(app) {
            Some(Ok(s)) => {
                loaded = s;
                &loaded
            }
            Some(Err(e)) => {
                app.message = Some(format!("Cannot export: {e}"));
                return;
            }
            None => return,
        },
    };
    let text = export::markdown(session, redact);
    let stem = if redact { format!("{}-redacted", session.id) } else { session.id.clone() };
    app.message = Some(match write_unique(&app.export_dir, &stem, &text) {
        Ok(path) => format!("Exported to {}", path.display()),
        Err(e) => format!("Export failed: {e}"),
    });
}

/// Writes `dir/stem.md`, or `stem-2.md`… if that exists: never over an existing file.
fn write_unique(dir: &Path, stem: &str, text: &str) -> Result<PathBuf, String> {
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    for n in 1..100 {
        let name = if n == 1 { format!("{stem}.md") } else { format!("{stem}-{n}.md") };
        let path = dir.join(name);
        if path.exists() {
            continue;
        }
        return export::write_new(&path, text).map(|()| path).map_err(|e| e.to_string());
    }
    Err(format!("too many exports of {stem} in {}", dir.display()))
}

/// The action a key stands for on the current screen, if any.
pub fn action_for(app: &LogsScreen, key: KeyEvent) -> Option<Action> {
    keys::action(app.keys(), key)
}

/// Rows of the session list that fit in a terminal of this size.
pub fn list_rows(size: Rect) -> usize {
    usize::from(size.height.saturating_sub(5))
}

/// Applies an action. `rows` is how many list rows fit on screen. Returns what the loop must do
/// next: nothing, quit, or read or write a file ([`perform`]).
// One arm per view (list, detail, report, group), each short: a reader finds a key's effect by
// its view.
#[allow(clippy::too_many_lines)]
pub fn update(app: &mut LogsScreen, action: Action, rows: usize) -> Intent {
    let rows = rows.max(1);
    if app.help {
        app.help = false;
        return Intent::None;
    }
    if action == Action::Help {
        app.help = true;
        return Intent::None;
    }
    let mut intent = Intent::None;
    app.page = rows;
    match app.screen {
        Screen::List => {
            let n = app.shown;
            let last = n.saturating_sub(1);
            match action {
                Action::Up => app.selected = app.selected.saturating_sub(1),
                Action::Down => app.selected = (app.selected + 1).min(last),
                Action::PageUp => app.selected = app.selected.saturating_sub(rows),
                Action::PageDown => app.selected = (app.selected + rows).min(last),
                Action::Home => app.selected = 0,
                Action::End => app.selected = last,
                Action::Open if app.typing => app.typing = false,
                Action::Open => intent = Intent::Open,
                Action::Filter => {
                    app.typing = true;
                    app.message = None;
                }
                Action::Back if app.typing || !app.filter.is_empty() => {
                    app.typing = false;
                    app.filter.clear();
                    intent = Intent::Refilter;
                }
                Action::Back | Action::Quit => return Intent::Quit,
                Action::Export => intent = Intent::Export { redact: false },
                Action::ExportRedacted => intent = Intent::Export { redact: true },
                Action::Report => intent = Intent::Report,
                Action::Group => intent = Intent::Group,
                Action::Left | Action::Right | Action::Help => {}
            }
            if app.selected < app.offset {
                app.offset = app.selected;
            } else if app.selected >= app.offset + rows {
                app.offset = app.selected + 1 - rows;
            }
            if intent == Intent::None && !app.is_loaded() {
                intent = Intent::Fetch;
            }
        }
        Screen::Detail => {
            let Some(d) = app.detail.as_mut() else {
                app.screen = Screen::List;
                return Intent::None;
            };
            let max = d.lines.len().saturating_sub(1);
            let stages = d.session.state.stages.len().saturating_sub(1);
            match action {
                Action::Up => d.scroll = d.scroll.saturating_sub(1),
                Action::Down => d.scroll = (d.scroll + 1).min(max),
                Action::PageUp => d.scroll = d.scroll.saturating_sub(10),
                Action::PageDown => d.scroll = (d.scroll + 10).min(max),
                Action::Home => d.scroll = 0,
                Action::End => d.scroll = max,
                Action::Left => d.chart_from = d.chart_from.saturating_sub(4),
                Action::Right => d.chart_from = (d.chart_from + 4).min(stages),
                Action::Export => intent = Intent::Export { redact: false },
                Action::ExportRedacted => intent = Intent::Export { redact: true },
                Action::Quit => return Intent::Quit,
                Action::Back => {
                    app.screen = Screen::List;
                    app.message = None;
                }
                _ => {}
            }
        }
        Screen::Group => {
            if let Some(g) = app.group.as_mut() {
                match action {
                    Action::Up => g.scroll = g.scroll.saturating_sub(1),
                    Action::Down => g.scroll = (g.scroll + 1).min(g.open.len().saturating_sub(1)),
                    Action::Quit => return Intent::Quit,
                    Action::Back => app.screen = Screen::List,
                    _ => {}
                }
            }
        }
        Screen::Report => {
            if let Some(ReportView { report: r, protocol: which, scroll }) = app.report.as_mut() {
                let last = r.protocols.len().saturating_sub(1);
                match action {
                    Action::Left => *which = which.saturating_sub(1),
                    Action::Right => *which = (*which + 1).min(last),
                    Action::Up => *scroll = scroll.saturating_sub(1),
                    Action::Down => *scroll += 1,
                    Action::Quit => return Intent::Quit,
                    Action::Back => app.screen = Screen::List,
                    _ => {}
                }
                if matches!(action, Action::Left | Action::Right) {
                    *scroll = 0;
                }
            }
        }
    }
    intent
}

/// A character typed while the filter is open: `Some` intent (to match again) when the key went
/// into the filter, `None` when it is not a character to type. A key's release (sent by Windows
/// consoles) is taken and ignored: it is not a second letter.
pub fn type_char(app: &mut LogsScreen, key: KeyEvent) -> Option<Intent> {
    if !app.typing || app.help {
        return None;
    }
    if key.kind == crossterm::event::KeyEventKind::Release {
        return Some(Intent::None);
    }
    match key.code {
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => app.filter.push(c),
        KeyCode::Backspace => {
            crate::text::pop_grapheme(&mut app.filter);
        }
        _ => return None,
    }
    Some(Intent::Refilter)
}
