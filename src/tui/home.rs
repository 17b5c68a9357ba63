//! The home screen (`convene` alone): pick a protocol from the library, type the participants
//! (and optionally the group and the facilitator), then the start card shows the roster for
//! review before the first stage. Broken user protocols are listed with their error.
//!
//! ```text
//! convene · pick a protocol                 | Project tuning
//! > Project tuning          24:00  built-in | summary…
//!   Action learning set   3:40:00  built-in | Stages: 4:00 Presenter …
//!   broken.json     (cannot be used)        | Total 24:00
//! ↑↓ choose · Enter next · q quit
//! ```

use std::process::ExitCode;

use crossterm::event::{self, Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::theme::Theme;
use super::widgets::too_small;
use crate::cli::{Dirs, RunArgs, ScreenArgs};
use crate::protocol::plan::{planned_total, typical_people};
use crate::protocol::{Entry, Library, LoadError, Origin, Timing, format_clock};
use crate::session::Setup;
use crate::text::sanitize;

#[derive(Debug, Clone, PartialEq, Eq)]
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
    pub done: Option<Option<(Setup, Vec<String>)>>,
}

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
            done: None,
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent, dirs: &Dirs) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && key.code == KeyCode::Char('c') {
            self.done = Some(None);
            return;
        }
        self.message = None;
        match self.step {
            Step::Pick => match key.code {
                KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
                KeyCode::Down | KeyCode::Char('j') => {
                    self.selected = (self.selected + 1).min(self.entries.len().saturating_sub(1));
                }
                KeyCode::Enter | KeyCode::Right | KeyCode::Char(' ') => {
                    match self.entries.get(self.selected).map(|e| &e.protocol) {
                        Some(Ok(_)) => self.step = Step::Details,
                        Some(Err(_)) => {
                            self.message = Some("This file has errors (shown on the right): fix it, or pick another protocol.".into());
                        }
                        None => {}
                    }
                }
                KeyCode::Char('q') | KeyCode::Esc => self.done = Some(None),
                _ => {}
            },
            Step::Details => match key.code {
                KeyCode::Esc => self.step = Step::Pick,
                KeyCode::Tab | KeyCode::Down => self.focus = (self.focus + 1) % 3,
                KeyCode::BackTab | KeyCode::Up => self.focus = (self.focus + 2) % 3,
                KeyCode::Enter => self.submit(dirs),
                KeyCode::Backspace => {
                    self.fields[self.focus].pop();
                }
                KeyCode::Char('u') if ctrl => self.fields[self.focus].clear(),
                KeyCode::Char(c) if !ctrl && !c.is_control() => self.fields[self.focus].push(c),
                _ => {}
            },
        }
    }

    fn submit(&mut self, dirs: &Dirs) {
        let Some(Ok(p)) = self.entries.get(self.selected).map(|e| e.protocol.clone()) else {
            return;
        };
        if self.fields[0].trim().is_empty() {
            self.message = Some("Type the participants' names, separated by commas.".into());
            self.focus = 0;
            return;
        }
        let args = RunArgs {
            protocol: p.id.clone(),
            people: self.fields[0].clone(),
            group: Some(self.fields[1].clone()),
            facilitator: Some(self.fields[2].clone()),
            stages: Vec::new(),
            auto_advance: false,
            screen: ScreenArgs::default(),
        };
        match super::build_setup(dirs, p, &args) {
            Ok(x) => self.done = Some(Some(x)),
            Err(e) => self.message = Some(e.replace("\n  ", " ")),
        }
    }
}

pub fn render(f: &mut Frame, h: &Home) {
    let area = f.area();
    if too_small(f, area) {
        return;
    }
    let t = h.theme;
    let [body, msg_a, foot] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(2), Constraint::Length(1)])
            .areas(area);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(body);
    let mut rows = Vec::new();
    // "> name  total": the total keeps its column and the name gives way on a narrow screen.
    let name_w = usize::from(left.width).saturating_sub(2 + 1 + 8).clamp(4, 26);
    for (i, e) in h.entries.iter().enumerate() {
        let mark = if i == h.selected { "> " } else { "  " };
        let style = if i == h.selected { t.selected() } else { ratatui::style::Style::new() };
        let text = if let Ok(p) = &e.protocol {
            let total = format_clock(planned_total(p, typical_people(p)));
            format!("{mark}{:<name_w$} {total:>8}", fit(&sanitize(&p.name), name_w))
        } else {
            // The file name, not its folder: the folder is in the details on the right.
            let file = match &e.origin {
                Origin::File(p) => p
                    .file_name()
                    .map_or_else(|| e.origin.describe(), |n| sanitize(&n.to_string_lossy())),
                Origin::Builtin => e.origin.describe(),
            };
            let room = usize::from(left.width).saturating_sub(2 + 13).max(4);
            format!("{mark}{} (has errors)", fit(&file, room))
        };
        rows.push(Line::from(Span::styled(text, style)));
    }
    visible(f, left, rows, h.selected, "Protocols");
    let mut detail: Vec<Line> = Vec::new();
    match h.entries.get(h.selected).map(|e| (&e.protocol, e)) {
        Some((Ok(p), e)) => {
            detail.push(Line::from(Span::styled(sanitize(&p.name), t.title())));
            detail.push(Line::from(Span::styled(e.origin.describe(), t.muted())));
            detail.push(Line::from(sanitize(&p.summary)));
            detail.push(Line::from(""));
            for (_, st) in p.all_stages() {
                let mark = if st.timing == Timing::Suggested { "*" } else { " " };
                let secs = st.duration_secs().unwrap_or(0);
                detail.push(Line::from(format!(
                    "{:>7}{mark} {}",
                    format_clock(secs),
                    sanitize(&st.title())
                )));
            }
            let n = typical_people(p);
            let suggested = p.all_stages().any(|(_, st)| st.timing == Timing::Suggested);
            detail.push(Line::from(Span::styled(
                format!(
                    "Total {} for {n} people{}",
                    format_clock(planned_total(p, n)),
                    if suggested { " (* suggested duration)" } else { "" }
                ),
                t.title(),
            )));
        }
        Some((Err(err), _)) => {
            detail.push(Line::from(Span::styled("This protocol file cannot be used:", t.silent())));
            match err {
                // One line per problem, without repeating the path on each.
                LoadError::Invalid { path, problems } => {
                    detail.push(Line::from(sanitize(path)));
                    for p in problems {
                        let at = p.line.map(|l| format!("line {l}: ")).unwrap_or_default();
                        detail.push(Line::from(format!(
                            "• {at}{}: {}",
                            sanitize(&p.place),
                            sanitize(&p.message)
                        )));
                    }
                }
                _ => detail.extend(err.to_string().lines().map(|l| Line::from(sanitize(l)))),
            }
        }
        None => detail.push(Line::from("No protocols found.")),
    }
    // The form has its own place at the bottom, so a long summary never pushes it off screen.
    let mut form: Vec<Line> = Vec::new();
    if h.step == Step::Details {
        for (i, label) in LABELS.iter().enumerate() {
            let cursor = if i == h.focus { "▏" } else { "" };
            let style = if i == h.focus { t.title() } else { ratatui::style::Style::new() };
            form.push(Line::from(vec![
                Span::styled(format!("{label}: "), t.muted()),
                Span::styled(format!("{}{cursor}", sanitize(&h.fields[i])), style),
            ]));
        }
    }
    let block = Block::default().borders(Borders::LEFT).title(" Details ");
    let inner = block.inner(right);
    f.render_widget(block, right);
    let width = usize::from(inner.width.max(1));
    let form_rows: usize = form.iter().map(|l| l.width().div_ceil(width).max(1)).sum();
    let form_h = u16::try_from(form_rows + usize::from(!form.is_empty())).unwrap_or(u16::MAX);
    let [detail_a, form_a] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(form_h)]).areas(inner);
    f.render_widget(Paragraph::new(detail).wrap(Wrap { trim: true }), detail_a);
    if !form.is_empty() {
        let [_, fields_a] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(form_a);
        f.render_widget(Paragraph::new(form).wrap(Wrap { trim: false }), fields_a);
    }
    if let Some(m) = &h.message {
        f.render_widget(
            Paragraph::new(sanitize(m)).style(t.silent()).wrap(Wrap { trim: true }),
            msg_a,
        );
    }
    let keys = match h.step {
        Step::Pick => "↑↓ choose · Enter next · q quit",
        Step::Details => "Tab next field · Enter review the roster · Esc back · ^C quit",
    };
    f.render_widget(Paragraph::new(Span::styled(keys, t.muted())), foot);
}

/// `text` cut to `width` characters, ending in `…` when cut.
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// Renders only the rows that fit, keeping the selection in view.
fn visible(f: &mut Frame, area: Rect, rows: Vec<Line<'static>>, selected: usize, title: &str) {
    let height = usize::from(area.height.saturating_sub(1));
    let start = selected.saturating_sub(height.saturating_sub(1));
    let shown: Vec<Line> = rows.into_iter().skip(start).take(height).collect();
    let block = Block::default().title(format!(" convene · {title} "));
    f.render_widget(Paragraph::new(shown).block(block), area);
}

pub fn run(dirs: &Dirs) -> color_eyre::Result<ExitCode> {
    let lib = crate::commands::protocols::library(dirs);
    let opts = super::options(&ScreenArgs::default(), false);
    let mut home = Home::new(&lib, opts.theme);
    let mut terminal = ratatui::init();
    let result: color_eyre::Result<()> = (|| {
        let _signals = super::signals::watch();
        while home.done.is_none() {
            if let super::signals::Pending::Quit(q) = super::signals::pending(&mut terminal)? {
                super::signals::end_screen(&mut terminal, q);
            }
            terminal.draw(|f| render(f, &home))?;
            if let TermEvent::Key(k) = event::read()? {
                if super::signals::is_suspend_key(&k) {
                    super::signals::suspend(&mut terminal)?;
                    continue;
                }
                home.handle_key(k, dirs);
            }
        }
        Ok(())
    })();
    ratatui::restore();
    result?;
    let Some(Some((setup, warnings))) = home.done else { return Ok(ExitCode::SUCCESS) };
    let Some(data) = crate::log::data_dir(dirs.data_dir.as_deref()) else {
        return Ok(super::fail(&crate::review::ReviewError::NoDataDir.to_string()));
    };
    super::start_session(&data, setup, warnings, opts)
}
