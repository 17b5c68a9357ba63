//! The review browser drawn into a `TestBackend`: rendering is a pure function of the `LogsScreen`, and
//! keys go through the same binding tables as in the terminal.

use crate::support;

use convene::config::ThemeName;
use convene::tui::logs::{
    Action, LogsScreen, Screen, action_for, perform, render, type_char, update,
};
use convene::tui::theme::Theme;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use support::fixtures::{ALL, CORRUPT, NEWER, S1, S2, S3, data_with};

fn app(data: &std::path::Path) -> LogsScreen {
    let mut app = LogsScreen::open(data, data.to_path_buf()).expect("the index opens");
    app.theme = Theme::resolve(ThemeName::Mono, true);
    app
}

fn draw(app: &LogsScreen, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| render(app, f.area(), f.buffer_mut())).expect("draw");
    t.backend().to_string()
}

fn key(app: &mut LogsScreen, code: KeyCode) -> bool {
    let k = KeyEvent::new(code, KeyModifiers::NONE);
    if let Some(intent) = type_char(app, k) {
        return perform(app, intent);
    }
    let Some(a) = action_for(app, k) else { return true };
    let intent = update(app, a, convene::tui::logs::list_rows(Rect::new(0, 0, 80, 24)));
    perform(app, intent)
}

fn typed(app: &mut LogsScreen, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

#[test]
fn the_list_at_80_by_24() {
    let data = data_with(&ALL);
    let a = app(data.path());
    let screen = draw(&a, 80, 24);
    assert!(screen.contains("Sessions: 7 of 7"));
    assert!(screen.contains(" Enter  open"), "the footer names the keys");
    insta::assert_snapshot!(screen);
}

#[test]
fn the_list_at_160_by_45_shows_more_columns() {
    let data = data_with(&ALL);
    let a = app(data.path());
    let screen = draw(&a, 160, 45);
    assert!(screen.contains("PLANNED") && screen.contains(S1));
    insta::assert_snapshot!(screen);
}

#[test]
fn typing_a_filter_narrows_the_list_and_esc_clears_it() {
    let data = data_with(&ALL);
    let mut a = app(data.path());
    key(&mut a, KeyCode::Char('/'));
    typed(&mut a, "year 9 ended");
    assert_eq!(a.shown, 1, "only S2 ended early in Year 9 team");
    assert_eq!(a.selected_entry().expect("one").id, S2);
    let screen = draw(&a, 80, 24);
    assert!(screen.contains("Filter: year 9 ended"));
    key(&mut a, KeyCode::Enter);
    assert!(!a.typing, "Enter keeps the filter and leaves typing");
    assert_eq!((a.filter.as_str(), a.shown), ("year 9 ended", 1));
    assert!(!key(&mut a, KeyCode::Char('q')), "out of the filter, q quits again");
    let mut b = app(data.path());
    key(&mut b, KeyCode::Char('/'));
    typed(&mut b, "qx");
    assert!(b.shown == 0, "letters that are keys elsewhere go into the filter");
    key(&mut b, KeyCode::Esc);
    assert_eq!((b.shown, b.filter.as_str()), (7, ""));
}

/// Backspace in the filter deletes a whole character as seen (an emoji of several code points).
#[test]
fn backspace_in_the_filter_deletes_a_whole_emoji() {
    let data = data_with(&[S1]);
    let mut a = app(data.path());
    key(&mut a, KeyCode::Char('/'));
    typed(&mut a, "year 👩\u{200d}🏫");
    key(&mut a, KeyCode::Backspace);
    assert_eq!(a.filter, "year ");
}

#[test]
fn enter_opens_the_detail_with_a_chart_and_the_private_heading() {
    let data = data_with(&ALL);
    let mut a = app(data.path());
    // Newest first: NEWER, CORRUPT, TORN, UNFINISHED, S3, S2, S1.
    for _ in 0..6 {
        key(&mut a, KeyCode::Down);
    }
    assert_eq!(a.selected_entry().expect("S1").id, S1);
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.screen, Screen::Detail);
    let small = draw(&a, 80, 24);
    assert!(small.contains("Project tuning · Year 9 team"));
    assert!(small.contains("2!"), "an overrun stage is marked with text, not only colour");
    insta::assert_snapshot!("detail_80x24", small);
    // Scroll to the private notes.
    for _ in 0..22 {
        key(&mut a, KeyCode::Down);
    }
    let big = draw(&a, 160, 45);
    assert!(big.contains("Private notes (about colleagues: not for sharing)"), "{big}");
    insta::assert_snapshot!("detail_160x45", big);
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.screen, Screen::List);
}

#[test]
fn the_report_view_charts_medians_per_stage() {
    let data = data_with(&[S1, S2, S3]);
    let mut a = app(data.path());
    key(&mut a, KeyCode::Char('r'));
    assert_eq!(a.screen, Screen::Report);
    let screen = draw(&a, 80, 24);
    assert!(screen.contains("Report: Project tuning · 3 sessions"));
    assert!(screen.contains("2 of 3"));
    insta::assert_snapshot!(screen);
}

#[test]
fn x_exports_markdown_to_the_folder_and_says_where() {
    let data = data_with(&[S1, S3]);
    let mut a = app(data.path());
    key(&mut a, KeyCode::Char('x'));
    let path = data.path().join(format!("{S3}.md"));
    let text = std::fs::read_to_string(&path).expect("exported");
    assert!(text.starts_with("# Project tuning — Year 9 team"));
    assert_eq!(a.message.as_deref(), Some(format!("Exported to {}", path.display()).as_str()));
    // Again: a new name, never over the first file.
    key(&mut a, KeyCode::Char('x'));
    assert!(data.path().join(format!("{S3}-2.md")).exists());
    key(&mut a, KeyCode::Char('X'));
    let red =
        std::fs::read_to_string(data.path().join(format!("{S3}-redacted.md"))).expect("redacted");
    assert!(!red.contains("Ann Lee") && !red.contains("Private notes"));
}

#[test]
fn an_unreadable_log_is_listed_and_opening_it_says_why() {
    let data = data_with(&[NEWER, CORRUPT]);
    let mut a = app(data.path());
    let screen = draw(&a, 80, 24);
    assert!(screen.contains("unreadable"));
    assert!(screen.contains("completed*"), "the damaged log is marked");
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.screen, Screen::List);
    assert!(a.message.as_deref().unwrap_or_default().contains("log format 2"), "{:?}", a.message);
}

#[test]
fn help_and_too_small() {
    let data = data_with(&[S1]);
    let mut a = app(data.path());
    key(&mut a, KeyCode::Char('?'));
    let screen = draw(&a, 80, 24);
    assert!(screen.contains("Help") && screen.contains("export redacted"));
    insta::assert_snapshot!("help", screen);
    key(&mut a, KeyCode::Esc);
    assert!(!a.help);
    assert!(draw(&a, 39, 24).contains("Terminal too small"));
    assert!(draw(&a, 80, 11).contains("Terminal too small"));
    assert!(!key(&mut a, KeyCode::Char('q')), "q quits from the list");
}

#[test]
fn thousands_of_sessions_scroll_with_the_selection() {
    // Many copies of one session: only the rows on screen are drawn.
    let data = data_with(&[S1]);
    let sessions = data.path().join("sessions");
    let text = std::fs::read_to_string(sessions.join(format!("{S1}.jsonl"))).expect("read");
    for i in 0..2000 {
        let id = format!("20250101-{i:06}-000");
        std::fs::write(sessions.join(format!("{id}.jsonl")), text.replace(S1, &id)).expect("write");
    }
    let mut a = app(data.path());
    assert_eq!(a.shown, 2001);
    key(&mut a, KeyCode::End);
    assert_eq!(a.selected, 2000);
    let screen = draw(&a, 80, 24);
    assert!(screen.contains("Sessions: 2001 of 2001"));
    assert!(a.offset > 1900, "the view follows the selection");
    assert_eq!(
        Action::Up,
        action_for(&a, KeyEvent::new(KeyCode::Up, KeyModifiers::NONE)).expect("bound")
    );
}

#[test]
fn opening_and_exporting_are_intents_that_update_alone_never_performs() {
    use convene::tui::logs::Intent;
    let data = data_with(&[S1]);
    let mut a = app(data.path());
    let rows = convene::tui::logs::list_rows(Rect::new(0, 0, 80, 24));
    assert_eq!(update(&mut a, Action::Open, rows), Intent::Open);
    assert_eq!(a.screen, Screen::List, "nothing read yet");
    assert_eq!(update(&mut a, Action::Export, rows), Intent::Export { redact: false });
    assert!(!data.path().join(format!("{S1}.md")).exists(), "nothing written yet");
    assert!(perform(&mut a, Intent::Export { redact: false }));
    assert!(data.path().join(format!("{S1}.md")).exists());
    assert!(perform(&mut a, Intent::Open));
    assert_eq!(a.screen, Screen::Detail);
    assert_eq!(action_for(&a, KeyEvent::from(KeyCode::Char('q'))), Some(Action::Back));
    assert_eq!(update(&mut a, Action::Back, rows), Intent::None, "q in the detail goes back");
    assert_eq!(a.screen, Screen::List);
    assert!(perform(&mut a, Intent::Open));
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(action_for(&a, ctrl_c), Some(Action::Quit));
    assert_eq!(update(&mut a, Action::Quit, rows), Intent::Quit, "^C quits from anywhere");
}

#[test]
fn g_shows_the_group_with_its_commitments_done_open_and_overdue() {
    let data = data_with(&[S1, S2, S3]);
    let mut a = app(data.path());
    a.today = Some(chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("day"));
    key(&mut a, KeyCode::Char('g'));
    assert_eq!(a.screen, Screen::Group);
    let g = a.group.as_ref().expect("the group");
    assert_eq!(g.name, "Year 9 team");
    let per_session: Vec<(&str, usize, usize, usize)> =
        g.sessions.iter().map(|s| (s.id.as_str(), s.done, s.open, s.overdue)).collect();
    // S1: Ann's done in S3, Cat's "end of term" open; S2: Dev's "by Friday" (13 Nov) overdue;
    // S3 made none.
    assert_eq!(per_session, [(S1, 1, 1, 0), (S2, 0, 0, 1), (S3, 0, 0, 0)]);
    let screen = draw(&a, 80, 24);
    assert!(
        screen.contains("Group: Year 9 team · 3 sessions · 1 open, 1 overdue on 23 Nov 2026"),
        "{screen}"
    );
    assert!(screen.contains("Dev Patel") && screen.contains("Cat Diaz"), "{screen}");
    insta::assert_snapshot!("group_80x24", screen);
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.screen, Screen::List);
}

#[test]
fn the_report_shows_how_often_each_stage_ran_over() {
    let data = data_with(&[S1, S2, S3]);
    let mut a = app(data.path());
    key(&mut a, KeyCode::Char('r'));
    let screen = draw(&a, 80, 24);
    // Presenter and clarifying questions ran over in 2 of 3 runs, probing and discussion 1 of 3.
    assert!(screen.contains("67%") && screen.contains("33%") && screen.contains("50%"), "{screen}");
    assert!(screen.contains("How often each stage ran over its plan"), "{screen}");
}

#[test]
fn the_browser_reads_only_the_rows_around_the_selection() {
    let data = data_with(&[S1]);
    let sessions = data.path().join("sessions");
    let text = std::fs::read_to_string(sessions.join(format!("{S1}.jsonl"))).expect("read");
    for i in 0..1500 {
        let id = format!("20250101-{i:06}-000");
        std::fs::write(sessions.join(format!("{id}.jsonl")), text.replace(S1, &id)).expect("write");
    }
    let mut a = app(data.path());
    assert_eq!((a.shown, a.total), (1501, 1501));
    assert!(a.rows.len() < 400, "only a page and a margin are read: {}", a.rows.len());
    // The copies share S1's start: the list orders them by id after it.
    key(&mut a, KeyCode::End);
    let last = a.selected_entry().expect("the last, read when reached");
    assert_eq!(last.id, "20250101-000000-000");
    assert!(a.loaded_from > 1000);
    key(&mut a, KeyCode::Home);
    assert_eq!(a.selected_entry().expect("the first").id, S1);
}
