//! Colours and emphasis. Every state is also a word on screen; colour only reinforces it.
//!
//! The default palette takes its hues from Okabe and Ito's colour-blind-safe set: sky blue for
//! running, orange for wrap-up, vermilion for time and overrun — told apart by lightness as well
//! as hue, so red-green colour blindness does not merge them. `high-contrast` uses only black,
//! white, bold and reverse video; `mono` (or `NO_COLOR`) uses no colour at all.
//!
//! The palette is drawn in as many colours as the terminal shows ([`Depth`]): 24-bit where the
//! terminal says it takes them (`COLORTERM=truecolor`, Windows Terminal, iTerm2...), else the
//! nearest of the 256 indexed colours (`TERM=*-256color`, macOS Terminal), else the sixteen basic
//! colours, chosen so the colour-blind-safe distinctions hold: cyan for running and speaking,
//! yellow for wrap-up and silence, red for time, each state still a word.

use ratatui::style::{Color, Modifier, Style};

use crate::config::ThemeName;
use crate::session::display::Phase;

/// A colour of the palette: its 24-bit value, and its stand-in among the sixteen basic colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Tint {
    rgb: (u8, u8, u8),
    basic: Color,
}

const SKY_BLUE: Tint = Tint { rgb: (86, 180, 233), basic: Color::Cyan };
const ORANGE: Tint = Tint { rgb: (230, 159, 0), basic: Color::Yellow };
const VERMILION: Tint = Tint { rgb: (213, 94, 0), basic: Color::Red };
/// Speaking and done: among sixteen colours cyan, since green and yellow (silence) look alike to
/// people who do not see red and green apart.
const BLUISH_GREEN: Tint = Tint { rgb: (0, 158, 115), basic: Color::Cyan };
const GREY: Tint = Tint { rgb: (150, 150, 150), basic: Color::DarkGray };

/// How many colours the terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Depth {
    /// The sixteen basic colours (a plain `xterm`, the Linux console, an old Windows console).
    Basic,
    /// The 256 indexed colours (`TERM=*-256color`; macOS Terminal).
    Indexed,
    /// 24-bit colour.
    Rgb,
}

impl Depth {
    /// The terminal's colour depth, from its environment (`get` reads a variable): `COLORTERM`
    /// saying `truecolor` or `24bit`, a terminal known to take 24-bit colour (`WT_SESSION` for
    /// Windows Terminal, `TERM_PROGRAM`), `TERM` with `direct` (24-bit) or `256`; else the
    /// sixteen basic colours. `windows_console` says what a Windows console without `TERM`
    /// takes: 24-bit with virtual terminal sequences, sixteen colours without.
    pub(crate) fn detect(
        get: impl Fn(&str) -> Option<String>,
        windows_console: Option<bool>,
    ) -> Self {
        let var = |k: &str| get(k).filter(|v| !v.is_empty());
        let colorterm = var("COLORTERM").unwrap_or_default().to_lowercase();
        let term = var("TERM").map(|t| t.to_lowercase());
        let program = var("TERM_PROGRAM").unwrap_or_default();
        if colorterm.contains("truecolor") || colorterm.contains("24bit") {
            return Depth::Rgb;
        }
        if term.as_deref().is_some_and(|t| t.contains("direct") || t.contains("truecolor")) {
            return Depth::Rgb;
        }
        if var("WT_SESSION").is_some()
            || ["iTerm.app", "WezTerm", "vscode", "ghostty"].contains(&program.as_str())
        {
            return Depth::Rgb;
        }
        match (term, windows_console) {
            (Some(t), _) if t.contains("256") => Depth::Indexed,
            (None, _) if program == "Apple_Terminal" => Depth::Indexed,
            (None, Some(true)) => Depth::Rgb,
            _ => Depth::Basic,
        }
    }

    /// The depth of the terminal convene runs in.
    pub(crate) fn from_env() -> Self {
        // A Windows console tells by its mode whether it takes escape sequences (24-bit colour).
        let console = cfg!(windows).then(|| crossterm::style::available_color_count() >= 256);
        Self::detect(|k| std::env::var(k).ok(), console)
    }
}

/// The nearest of the 256 indexed colours to `rgb`, from the 6x6x6 cube and the grey ramp (the
/// first sixteen are left out: terminals change them).
pub(crate) fn nearest_indexed((r, g, b): (u8, u8, u8)) -> u8 {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    let dist = |(r2, g2, b2): (u8, u8, u8)| {
        let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
        // Weighted as the eye weighs them, roughly: green most, blue least.
        3 * d(r, r2) + 4 * d(g, g2) + 2 * d(b, b2)
    };
    let level = |c: u8| {
        (0..6u8)
            .min_by_key(|i| (i32::from(LEVELS[usize::from(*i)]) - i32::from(c)).abs())
            .unwrap_or(0)
    };
    let (ri, gi, bi) = (level(r), level(g), level(b));
    let cube = 16 + 36 * ri + 6 * gi + bi;
    let cube_rgb = (LEVELS[usize::from(ri)], LEVELS[usize::from(gi)], LEVELS[usize::from(bi)]);
    let grey = (0..24u8).min_by_key(|i| dist((8 + 10 * i, 8 + 10 * i, 8 + 10 * i))).unwrap_or(0);
    let grey_v = 8 + 10 * grey;
    if dist((grey_v, grey_v, grey_v)) < dist(cube_rgb) { 232 + grey } else { cube }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub name: ThemeName,
    /// How many colours the terminal shows; the default theme's colours are drawn to it.
    pub depth: Depth,
}

/// Whether `NO_COLOR` asks for no colour (set and not empty, as no-color.org says).
pub(crate) fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

impl Theme {
    /// The theme asked for, or `mono` when `NO_COLOR` asks for no colour, in the colours the
    /// terminal shows ([`Depth::from_env`]).
    pub(crate) fn from_env(name: ThemeName) -> Self {
        Self::resolve(name, no_color()).with_depth(Depth::from_env())
    }

    /// The theme asked for, or `mono` when `NO_COLOR` is set (and not empty); in 24-bit colour.
    pub fn resolve(name: ThemeName, no_color: bool) -> Self {
        let name = if no_color && name == ThemeName::Default { ThemeName::Mono } else { name };
        Self { name, depth: Depth::Rgb }
    }

    /// The same theme drawn in `depth` colours.
    #[must_use]
    pub(crate) fn with_depth(self, depth: Depth) -> Self {
        Self { depth, ..self }
    }

    /// A palette colour as the terminal can show it.
    fn paint(self, t: Tint) -> Color {
        match self.depth {
            Depth::Rgb => Color::Rgb(t.rgb.0, t.rgb.1, t.rgb.2),
            Depth::Indexed => Color::Indexed(nearest_indexed(t.rgb)),
            Depth::Basic => t.basic,
        }
    }

    fn colour(self, t: Tint) -> Style {
        match self.name {
            ThemeName::Default => Style::new().fg(self.paint(t)),
            ThemeName::HighContrast | ThemeName::Mono => Style::new(),
        }
    }

    /// Text on a palette colour: black, or white where the basic red or grey is too dark for
    /// black to read.
    fn on(self, t: Tint) -> Style {
        let dark = self.depth == Depth::Basic && matches!(t.basic, Color::Red | Color::DarkGray);
        let fg = if dark { Color::White } else { Color::Black };
        Style::new().fg(fg).bg(self.paint(t))
    }

    /// The big clock and the state word for a phase.
    pub(crate) fn phase(self, p: Phase) -> Style {
        let bold = Modifier::BOLD;
        match (self.name, p) {
            (ThemeName::Default, Phase::Running | Phase::NotStarted) => {
                self.colour(SKY_BLUE).add_modifier(bold)
            }
            (ThemeName::Default, Phase::WrapUp) => self.colour(ORANGE).add_modifier(bold),
            // Time up and over differ from the wrap-up's orange in more than hue: the clock is
            // drawn inverse, in a filled box, as in the themes without colour.
            (ThemeName::Default, Phase::Time | Phase::Over(_)) => {
                self.colour(VERMILION).add_modifier(bold | Modifier::REVERSED)
            }
            (ThemeName::Default, Phase::Paused | Phase::Ended) => {
                self.colour(GREY).add_modifier(bold)
            }
            (_, Phase::Time | Phase::Over(_)) => {
                Style::new().add_modifier(bold | Modifier::REVERSED)
            }
            (_, Phase::Paused | Phase::Ended) => Style::new().add_modifier(Modifier::DIM),
            _ => Style::new().add_modifier(bold),
        }
    }

    /// The state badge: reversed, so it stands out in any theme. Black text on a colour is never
    /// bold: terminals that brighten bold (Windows Terminal's default) turn it grey.
    pub(crate) fn badge(self, p: Phase) -> Style {
        match self.name {
            ThemeName::Default => {
                let bg = match p {
                    Phase::WrapUp => ORANGE,
                    Phase::Time | Phase::Over(_) => VERMILION,
                    Phase::Paused | Phase::Ended => GREY,
                    _ => SKY_BLUE,
                };
                let style = self.on(bg);
                if style.fg == Some(Color::Black) {
                    style
                } else {
                    style.add_modifier(Modifier::BOLD)
                }
            }
            _ => Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED),
        }
    }

    #[allow(clippy::unused_self)] // the same in every theme, asked of the theme as the rest
    pub(crate) fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub(crate) fn muted(self) -> Style {
        match self.name {
            ThemeName::Default => self.colour(GREY),
            ThemeName::HighContrast => Style::new(),
            ThemeName::Mono => Style::new().add_modifier(Modifier::DIM),
        }
    }

    pub(crate) fn speak(self) -> Style {
        self.colour(BLUISH_GREEN).add_modifier(Modifier::BOLD)
    }

    pub(crate) fn silent(self) -> Style {
        self.colour(ORANGE).add_modifier(Modifier::BOLD)
    }

    pub(crate) fn key(self) -> Style {
        self.colour(SKY_BLUE).add_modifier(Modifier::BOLD)
    }

    pub(crate) fn done(self) -> Style {
        self.colour(BLUISH_GREEN)
    }

    #[allow(clippy::unused_self)] // the same in every theme, asked of the theme as the rest
    pub(crate) fn current(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
    }

    /// The banner that says the log is not being saved.
    pub(crate) fn alarm(self) -> Style {
        match self.name {
            ThemeName::Default => {
                Style::new().fg(Color::White).bg(self.paint(VERMILION)).add_modifier(Modifier::BOLD)
            }
            _ => Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED),
        }
    }

    /// The message to the room: black on sky blue (not bold, see [`Theme::badge`]), or
    /// reversed in the themes without colour.
    pub(crate) fn room(self) -> Style {
        match self.name {
            ThemeName::Default => self.on(SKY_BLUE),
            _ => Style::new().add_modifier(Modifier::REVERSED),
        }
    }

    /// The frame around the message to the room.
    pub(crate) fn room_frame(self) -> Style {
        self.room()
    }

    #[allow(clippy::unused_self)] // the same in every theme, asked of the theme as the rest
    pub(crate) fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// Planned time in the review charts.
    pub(crate) fn planned(self) -> Style {
        self.colour(GREY)
    }

    /// Actual time in the review charts: blue within the plan, vermilion and bold over it.
    pub(crate) fn actual(self, over: bool) -> Style {
        if over {
            self.colour(VERMILION).add_modifier(Modifier::BOLD)
        } else {
            self.colour(SKY_BLUE)
        }
    }

    /// The heading over private notes in review: it must not be missed on a shared screen.
    pub(crate) fn private(self) -> Style {
        self.colour(ORANGE).add_modifier(Modifier::BOLD | Modifier::REVERSED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_string())
    }

    #[test]
    fn the_colour_depth_comes_from_the_terminal() {
        let d = |vars: &[(&str, &str)]| Depth::detect(env(vars), None);
        assert_eq!(d(&[("COLORTERM", "truecolor"), ("TERM", "xterm-256color")]), Depth::Rgb);
        assert_eq!(d(&[("COLORTERM", "24bit")]), Depth::Rgb);
        assert_eq!(d(&[("TERM", "xterm-direct")]), Depth::Rgb);
        assert_eq!(d(&[("TERM", "xterm-256color")]), Depth::Indexed);
        assert_eq!(d(&[("TERM", "tmux-256color"), ("COLORTERM", "")]), Depth::Indexed);
        assert_eq!(
            d(&[("TERM", "xterm-256color"), ("TERM_PROGRAM", "Apple_Terminal")]),
            Depth::Indexed,
            "macOS Terminal does not take 24-bit colour"
        );
        assert_eq!(d(&[("TERM", "xterm"), ("TERM_PROGRAM", "iTerm.app")]), Depth::Rgb);
        assert_eq!(d(&[("TERM", "xterm")]), Depth::Basic);
        assert_eq!(d(&[("TERM", "linux")]), Depth::Basic);
        assert_eq!(d(&[]), Depth::Basic);
        // Windows: Windows Terminal says so; a console tells by its mode.
        assert_eq!(Depth::detect(env(&[("WT_SESSION", "1")]), Some(false)), Depth::Rgb);
        assert_eq!(Depth::detect(env(&[]), Some(true)), Depth::Rgb);
        assert_eq!(Depth::detect(env(&[]), Some(false)), Depth::Basic);
    }

    #[test]
    fn the_palette_keeps_its_distinctions_in_fewer_colours() {
        assert_eq!(nearest_indexed((86, 180, 233)), 74, "sky blue");
        assert_eq!(nearest_indexed((230, 159, 0)), 178, "orange");
        assert_eq!(nearest_indexed((213, 94, 0)), 166, "vermilion");
        assert_eq!(nearest_indexed((0, 158, 115)), 35, "bluish green");
        assert_eq!(nearest_indexed((150, 150, 150)), 246, "grey");
        let phases = [Phase::Running, Phase::WrapUp, Phase::Time, Phase::Paused];
        for depth in [Depth::Rgb, Depth::Indexed, Depth::Basic] {
            let t = Theme::resolve(ThemeName::Default, false).with_depth(depth);
            let fg: Vec<Option<Color>> = phases.iter().map(|p| t.phase(*p).fg).collect();
            for (i, a) in fg.iter().enumerate() {
                assert!(a.is_some());
                assert!(!fg[i + 1..].contains(a), "{depth:?}: two states share {a:?}");
            }
            assert_ne!(t.speak().fg, t.silent().fg, "{depth:?}");
            let basic = matches!(t.phase(Phase::Time).fg, Some(Color::Red));
            assert_eq!(basic, depth == Depth::Basic);
        }
        // NO_COLOR and the other themes draw no colour at any depth.
        let mono = Theme::resolve(ThemeName::Default, true).with_depth(Depth::Basic);
        assert_eq!(mono.name, ThemeName::Mono);
        assert_eq!(mono.phase(Phase::Time).fg, None);
        let hc = Theme::resolve(ThemeName::HighContrast, false).with_depth(Depth::Indexed);
        assert_eq!(hc.badge(Phase::Running).fg, None);
    }

    #[test]
    fn wrap_up_and_over_differ_in_more_than_hue_and_black_on_colour_is_never_bold() {
        for name in [ThemeName::Default, ThemeName::HighContrast, ThemeName::Mono] {
            for depth in [Depth::Rgb, Depth::Indexed, Depth::Basic] {
                let t = Theme::resolve(name, false).with_depth(depth);
                let (wrap, over) = (t.phase(Phase::WrapUp), t.phase(Phase::Over(5_000)));
                let strip = |s: Style| (s.add_modifier, s.sub_modifier);
                assert_ne!(strip(wrap), strip(over), "{name:?} {depth:?}: only the hue differs");
                for p in [Phase::Running, Phase::WrapUp, Phase::Time, Phase::Over(1), Phase::Paused]
                {
                    let b = t.badge(p);
                    if b.fg == Some(Color::Black) {
                        assert!(
                            !b.add_modifier.contains(Modifier::BOLD),
                            "{name:?} {depth:?} {p:?}"
                        );
                    }
                }
            }
        }
    }
}
