//! Variants: CT_COLOR=none|16|256|rgb, CT_FLUSH=row|frame. Draws 20 rows, a key redraws with n+1.
use std::io::{Write, stdout};
use crossterm::{cursor::MoveTo, event, execute, queue, style::{Color, Print, SetBackgroundColor, SetForegroundColor, ResetColor}, terminal};

fn main() -> std::io::Result<()> {
    let color = std::env::var("CT_COLOR").unwrap_or_default();
    let per_row = std::env::var("CT_FLUSH").is_ok_and(|v| v == "row");
    terminal::enable_raw_mode()?;
    let mut out = stdout();
    execute!(out, terminal::EnterAlternateScreen, terminal::Clear(terminal::ClearType::All))?;
    let mut n = 0u32;
    loop {
        for row in 0..20u16 {
            queue!(out, MoveTo(0, row))?;
            match color.as_str() {
                "16" => queue!(out, SetForegroundColor(Color::DarkYellow), SetBackgroundColor(Color::DarkBlue))?,
                "256" => queue!(out, SetForegroundColor(Color::AnsiValue(246)), SetBackgroundColor(Color::AnsiValue(17)))?,
                "rgb" => queue!(out, SetForegroundColor(Color::Rgb { r: 200, g: 100, b: 0 }), SetBackgroundColor(Color::Rgb { r: 20, g: 30, b: 40 }))?,
                _ => {}
            }
            queue!(out, Print(format!("row {row:02} count {n:05} ▀▄█ abcdefghijklmnopqrstuvwxyz")), ResetColor)?;
            if per_row { out.flush()?; }
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
