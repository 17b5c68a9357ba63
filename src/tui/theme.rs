//! Colours and emphasis. Every state is also a word on screen; colour only reinforces it.
//!
//! The default palette takes its hues from Okabe and Ito's colour-blind-safe set: sky blue for
//! running, orange for wrap-up, vermilion for time and overrun — told apart by lightness as well
//! as hue, so red-green colour blindness does not merge them. `high-contrast` uses only black,
//! white, bold and reverse video; `mono` (or `NO_COLOR`) uses no colour at all.
//!
//! The default palette is 24-bit colour. Windows Terminal and the Windows 10/11 console take it
//! (as virtual terminal sequences). A console without them (Windows 8.1 and earlier, or the
//! "legacy console" option) is drawn through the console API, which has sixteen colours and would
//! turn every one of these into black: there, the default theme is shown as `high-contrast`.

use ratatui::style::{Color, Modifier, Style};

use crate::cli::ThemeName;
use crate::session::view::Phase;

const SKY_BLUE: Color = Color::Rgb(86, 180, 233);
const ORANGE: Color = Color::Rgb(230, 159, 0);
const VERMILION: Color = Color::Rgb(213, 94, 0);
const BLUISH_GREEN: Color = Color::Rgb(0, 158, 115);
const GREY: Color = Color::Rgb(150, 150, 150);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub name: ThemeName,
}

/// Whether `NO_COLOR` asks for no colour (set and not empty, as no-color.org says).
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Whether the terminal can show 24-bit colours. Only a Windows console without virtual
/// terminal sequences cannot (crossterm then has 16 colours, and draws an RGB colour as black);
/// terminals elsewhere are trusted to take them, as they do in practice.
pub fn rgb_colours() -> bool {
    !cfg!(windows) || crossterm::style::available_color_count() >= 256
}

impl Theme {
    /// The theme asked for, or `mono` when `NO_COLOR` asks for no colour, or `high-contrast`
    /// for the default theme where its colours cannot be shown ([`rgb_colours`]).
    pub fn from_env(name: ThemeName) -> Self {
        Self::for_terminal(name, no_color(), rgb_colours())
    }

    /// [`Theme::resolve`], then the default theme as `high-contrast` when the terminal cannot
    /// show 24-bit colours.
    pub fn for_terminal(name: ThemeName, no_color: bool, rgb: bool) -> Self {
        let theme = Self::resolve(name, no_color);
        if theme.name == ThemeName::Default && !rgb {
            Self { name: ThemeName::HighContrast }
        } else {
            theme
        }
    }

    /// The theme asked for, or `mono` when `NO_COLOR` is set (and not empty).
    pub fn resolve(name: ThemeName, no_color: bool) -> Self {
        let name = if no_color && name == ThemeName::Default { ThemeName::Mono } else { name };
        Self { name }
    }

    fn colour(self, c: Color) -> Style {
        match self.name {
            ThemeName::Default => Style::new().fg(c),
            ThemeName::HighContrast | ThemeName::Mono => Style::new(),
        }
    }

    /// The big clock and the state word for a phase.
    pub fn phase(self, p: Phase) -> Style {
        let bold = Modifier::BOLD;
        match (self.name, p) {
            (ThemeName::Default, Phase::Running | Phase::NotStarted) => {
                Style::new().fg(SKY_BLUE).add_modifier(bold)
            }
            (ThemeName::Default, Phase::WrapUp) => Style::new().fg(ORANGE).add_modifier(bold),
            (ThemeName::Default, Phase::Time | Phase::Over(_)) => {
                Style::new().fg(VERMILION).add_modifier(bold)
            }
            (ThemeName::Default, Phase::Paused | Phase::Ended) => {
                Style::new().fg(GREY).add_modifier(bold)
            }
            (_, Phase::Time | Phase::Over(_)) => {
                Style::new().add_modifier(bold | Modifier::REVERSED)
            }
            (_, Phase::Paused | Phase::Ended) => Style::new().add_modifier(Modifier::DIM),
            _ => Style::new().add_modifier(bold),
        }
    }

    /// The state badge: reversed, so it stands out in any theme.
    pub fn badge(self, p: Phase) -> Style {
        match self.name {
            ThemeName::Default => {
                let bg = match p {
                    Phase::WrapUp => ORANGE,
                    Phase::Time | Phase::Over(_) => VERMILION,
                    Phase::Paused | Phase::Ended => GREY,
                    _ => SKY_BLUE,
                };
                Style::new().fg(Color::Black).bg(bg).add_modifier(Modifier::BOLD)
            }
            _ => Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED),
        }
    }

    pub fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn muted(self) -> Style {
        match self.name {
            ThemeName::Default => Style::new().fg(GREY),
            ThemeName::HighContrast => Style::new(),
            ThemeName::Mono => Style::new().add_modifier(Modifier::DIM),
        }
    }

    pub fn speak(self) -> Style {
        self.colour(BLUISH_GREEN).add_modifier(Modifier::BOLD)
    }

    pub fn silent(self) -> Style {
        self.colour(ORANGE).add_modifier(Modifier::BOLD)
    }

    pub fn key(self) -> Style {
        self.colour(SKY_BLUE).add_modifier(Modifier::BOLD)
    }

    pub fn done(self) -> Style {
        self.colour(BLUISH_GREEN)
    }

    pub fn current(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
    }

    /// The banner that says the log is not being saved.
    pub fn alarm(self) -> Style {
        match self.name {
            ThemeName::Default => {
                Style::new().fg(Color::White).bg(VERMILION).add_modifier(Modifier::BOLD)
            }
            _ => Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED),
        }
    }

    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// Planned time in the review charts.
    pub fn planned(self) -> Style {
        self.colour(GREY)
    }

    /// Actual time in the review charts: blue within the plan, vermilion and bold over it.
    pub fn actual(self, over: bool) -> Style {
        if over {
            self.colour(VERMILION).add_modifier(Modifier::BOLD)
        } else {
            self.colour(SKY_BLUE)
        }
    }

    /// The heading over private notes in review: it must not be missed on a shared screen.
    pub fn private(self) -> Style {
        self.colour(ORANGE).add_modifier(Modifier::BOLD | Modifier::REVERSED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_console_without_24_bit_colour_gets_high_contrast_for_the_default_theme() {
        let t = |name, no_color, rgb| Theme::for_terminal(name, no_color, rgb).name;
        assert_eq!(t(ThemeName::Default, false, false), ThemeName::HighContrast);
        assert_eq!(t(ThemeName::Default, false, true), ThemeName::Default);
        assert_eq!(t(ThemeName::Default, true, false), ThemeName::Mono, "NO_COLOR wins");
        assert_eq!(t(ThemeName::Mono, false, false), ThemeName::Mono);
        assert_eq!(t(ThemeName::HighContrast, false, true), ThemeName::HighContrast);
    }
}
