//! Minimal ratatui program: a block with a title, 256-colour and RGB text, half blocks, a counter
//! that changes on each key; `q` quits. `stdout` as ratatui::init makes it.
use ratatui::{style::{Color, Style}, text::Line, widgets::{Block, Paragraph}};
use crossterm::event;

fn main() -> std::io::Result<()> {
    let mut term = ratatui::init();
    let mut n = 0u32;
    loop {
        term.draw(|f| {
            let lines: Vec<Line> = (0..18).map(|r| Line::styled(format!("row {r:02} count {n:05} ▀▄█ abcdefghijklmnopqrstuvwxyz"),
                Style::new().fg(Color::Indexed(246)).bg(Color::Rgb(20, 30, 40)))).collect();
            f.render_widget(Paragraph::new(lines).block(Block::bordered().title(format!("ratatui {n}"))), f.area());
        })?;
        if let event::Event::Key(k) = event::read()? {
            if k.kind == event::KeyEventKind::Press {
                if k.code == event::KeyCode::Char('q') { break; }
                n += 1;
            }
        }
    }
    ratatui::restore();
    Ok(())
}
