//! Minimal crossterm program: the same escape sequences ratatui's backend writes (MoveTo, 256-colour
//! and RGB colours, half blocks), a counter that changes on each key; `q` quits.
use std::io::{Write, stdout};
use crossterm::{cursor::MoveTo, event, execute, queue, style::{Color, Print, SetBackgroundColor, SetForegroundColor, ResetColor}, terminal};

fn main() -> std::io::Result<()> {
    terminal::enable_raw_mode()?;
    let mut out = stdout();
    execute!(out, terminal::EnterAlternateScreen, terminal::Clear(terminal::ClearType::All))?;
    let mut n = 0u32;
    loop {
        for row in 0..20u16 {
            queue!(out, MoveTo(0, row), SetForegroundColor(Color::AnsiValue(246)), SetBackgroundColor(Color::Rgb { r: 20, g: 30, b: 40 }),
                Print(format!("row {row:02} count {n:05} ▀▄█ abcdefghijklmnopqrstuvwxyz")), ResetColor)?;
        }
        out.flush()?;
        if let event::Event::Key(k) = event::read()? {
            if k.kind == event::KeyEventKind::Press {
                if k.code == event::KeyCode::Char('q') { break; }
                n += 1;
            }
        }
    }
    execute!(out, terminal::LeaveAlternateScreen)?;
    terminal::disable_raw_mode()
}
