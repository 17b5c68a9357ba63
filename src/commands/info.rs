//! `convene info`: the version, the folders and settings in effect and where each came from,
//! and the terminal (size, colours). The first thing to run when a log or a protocol is not
//! where it was expected.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use crate::config::{Setting, Settings, SoundMode, Source, ThemeName};
use crate::output;
use crate::tui::theme::{Depth, Theme, no_color};

/// A folder or setting in effect, for JSON: the value, the kind of source and its detail.
#[derive(Debug, Serialize)]
struct Item<T: Serialize> {
    value: T,
    /// `default`, `flag`, `environment`, `config-file` or `inside`.
    source: &'static str,
    /// The flag, the variable, `FILE:LINE`, or the folder it is in; `null` for a default.
    from: Option<String>,
}

fn item<T: Serialize + Clone>(s: &Setting<T>) -> Item<T> {
    Item { value: s.value.clone(), source: s.source.kind(), from: s.source.detail() }
}

fn folder(value: Option<&PathBuf>, source: &Source) -> Item<Option<String>> {
    Item {
        value: value.map(|p| p.display().to_string()),
        source: source.kind(),
        from: source.detail(),
    }
}

#[derive(Debug, Serialize)]
struct Folders {
    data: Item<Option<String>>,
    sessions: Item<Option<String>>,
    cache: Item<Option<String>>,
    protocols: Item<Option<String>>,
    config: Item<Option<String>>,
}

#[derive(Debug, Serialize)]
struct ConfigFile {
    path: Option<String>,
    found: bool,
}

#[derive(Debug, Serialize)]
struct SettingsJson {
    theme: Item<&'static str>,
    quiet: Item<bool>,
    no_flash: Item<bool>,
    auto_advance: Item<bool>,
    facilitator: Item<Option<String>>,
    share: Item<bool>,
    share_names: Item<&'static str>,
    /// How the cues sound in effect (`off` under quiet; `bell` for `chime` in a build without
    /// sound).
    sound: Item<&'static str>,
    presentation: Item<bool>,
}

/// The terminal convene would draw on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[allow(clippy::struct_field_names)] // `is_terminal` is the JSON field `convene info --json` gives
pub(crate) struct Terminal {
    /// Whether standard output is a terminal.
    pub is_terminal: bool,
    pub width: Option<u16>,
    pub height: Option<u16>,
    /// `24-bit`, `256`, `16`, `8` or `none` (`NO_COLOR`).
    pub colours: &'static str,
    /// What says so (`COLORTERM=truecolor`, `NO_COLOR`, the Windows console's mode).
    pub colours_from: String,
    /// The theme the screens would use with the settings in effect (after `NO_COLOR`, and the
    /// fallback for a console without 24-bit colour).
    pub theme_shown: &'static str,
}

#[derive(Debug, Serialize)]
struct InfoJson {
    version: &'static str,
    os: &'static str,
    arch: &'static str,
    folders: Folders,
    config_file: ConfigFile,
    settings: SettingsJson,
    terminal: Terminal,
}

/// The terminal as convene sees it now.
pub(crate) fn terminal(theme: ThemeName) -> Terminal {
    let size = crossterm::terminal::size().ok().filter(|(w, h)| *w > 0 && *h > 0);
    let count = crossterm::style::available_color_count();
    let (colours, colours_from) = if no_color() {
        ("none", "NO_COLOR is set".to_string())
    } else {
        // The depth the screen draws in, so that the two always agree (a plain `xterm` draws
        // the sixteen basic colours, grey among them).
        let depth = match Depth::from_env() {
            Depth::Rgb => "24-bit",
            Depth::Indexed => "256",
            Depth::Basic => "16",
        };
        let from = if cfg!(windows) && count == u16::MAX {
            "the console takes virtual terminal sequences".to_string()
        } else if cfg!(windows) {
            "a console without virtual terminal sequences".to_string()
        } else {
            ["COLORTERM", "TERM"]
                .iter()
                .find_map(|v| {
                    std::env::var(v).ok().filter(|x| !x.is_empty()).map(|x| format!("{v}={x}"))
                })
                .unwrap_or_else(|| "neither COLORTERM nor TERM is set".into())
        };
        (depth, from)
    };
    Terminal {
        is_terminal: std::io::stdout().is_terminal(),
        width: size.map(|s| s.0),
        height: size.map(|s| s.1),
        colours,
        colours_from,
        theme_shown: Theme::from_env(theme).name.word(),
    }
}

fn json(s: &Settings, t: Terminal) -> InfoJson {
    let inside_data = Source::Inside("the data folder");
    InfoJson {
        version: env!("CARGO_PKG_VERSION"),
        os: std::env::consts::OS,
        arch: std::env::consts::ARCH,
        folders: Folders {
            data: folder(s.data_dir.value.as_ref(), &s.data_dir.source),
            sessions: folder(s.sessions_dir().as_ref(), &inside_data),
            cache: folder(s.cache_dir().as_ref(), &s.cache_source()),
            protocols: folder(s.protocols_dir.value.as_ref(), &s.protocols_dir.source),
            config: folder(s.config_dir.value.as_ref(), &s.config_dir.source),
        },
        config_file: ConfigFile {
            path: s.config_file.as_ref().map(|p| p.display().to_string()),
            found: s.config_found,
        },
        settings: SettingsJson {
            theme: Item {
                value: s.theme.value.word(),
                source: s.theme.source.kind(),
                from: s.theme.source.detail(),
            },
            quiet: item(&s.quiet),
            no_flash: item(&s.no_flash),
            auto_advance: item(&s.auto_advance),
            facilitator: item(&s.facilitator),
            share: item(&s.share),
            share_names: Item {
                value: s.share_names.value.word(),
                source: s.share_names.source.kind(),
                from: s.share_names.source.detail(),
            },
            sound: Item {
                value: sound_in_effect(s).0,
                source: sound_source(s).kind(),
                from: sound_source(s).detail(),
            },
            presentation: item(&s.presentation),
        },
        terminal: t,
    }
}

/// The cues' sound in effect: `off` under quiet, the bell where `chime` is asked of a build
/// without sound; with why, when it is not what was asked.
fn sound_in_effect(s: &Settings) -> (&'static str, Option<&'static str>) {
    let asked = s.sound.value;
    if s.quiet.value && asked != SoundMode::Off {
        (SoundMode::Off.word(), Some("quiet is on"))
    } else if asked == SoundMode::Chime && !cfg!(feature = "sound") {
        (SoundMode::Bell.word(), Some("this build has no sound: the terminal's bell"))
    } else {
        (asked.word(), None)
    }
}

/// Where the sound in effect comes from: quiet's source when quiet silences it.
fn sound_source(s: &Settings) -> &Source {
    if s.quiet.value && s.sound.value != SoundMode::Off { &s.quiet.source } else { &s.sound.source }
}

/// Rows of three columns, padded by hand (no user text sets a formatting width).
fn table(out: &mut String, rows: &[[String; 3]]) {
    let mut widths = [0usize; 3];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in rows {
        let mut line = String::from("  ");
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                line.extend(std::iter::repeat_n(' ', w - cell.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

fn shown(p: Option<&PathBuf>) -> String {
    p.map_or_else(|| "(none: no home folder)".into(), |p| p.display().to_string())
}

fn yes_no(b: bool) -> String {
    if b { "yes".into() } else { "no".into() }
}

/// The text `convene info` prints.
pub(crate) fn text(s: &Settings, t: &Terminal) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "convene {} ({} {})\n",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    let _ = writeln!(o, "Folders");
    let inside_data = Source::Inside("the data folder").describe();
    let config_file = match (&s.config_file, s.config_found) {
        (Some(p), true) => [p.display().to_string(), "read".into()],
        (Some(p), false) => [p.display().to_string(), "not there (it is optional)".into()],
        (None, _) => ["(none: no config folder)".into(), String::new()],
    };
    let [file, state] = config_file;
    table(
        &mut o,
        &[
            ["data".into(), shown(s.data_dir.value.as_ref()), s.data_dir.source.describe()],
            ["sessions".into(), shown(s.sessions_dir().as_ref()), inside_data.clone()],
            [
                "cache".into(),
                shown(s.cache_dir().as_ref()),
                format!("{}, this machine's (the review index)", s.cache_source().describe()),
            ],
            [
                "protocols".into(),
                shown(s.protocols_dir.value.as_ref()),
                s.protocols_dir.source.describe(),
            ],
            ["config".into(), shown(s.config_dir.value.as_ref()), s.config_dir.source.describe()],
            ["config file".into(), file, state],
        ],
    );
    let _ = writeln!(o, "\nSettings");
    table(
        &mut o,
        &[
            ["theme".into(), s.theme.value.word().into(), s.theme.source.describe()],
            ["quiet".into(), yes_no(s.quiet.value), s.quiet.source.describe()],
            ["no-flash".into(), yes_no(s.no_flash.value), s.no_flash.source.describe()],
            ["auto-advance".into(), yes_no(s.auto_advance.value), s.auto_advance.source.describe()],
            [
                "facilitator".into(),
                s.facilitator.value.clone().unwrap_or_else(|| "(none)".into()),
                s.facilitator.source.describe(),
            ],
            ["share".into(), yes_no(s.share.value), s.share.source.describe()],
            [
                "share-names".into(),
                s.share_names.value.word().into(),
                s.share_names.source.describe(),
            ],
            {
                let (word, why) = sound_in_effect(s);
                let from = sound_source(s).describe();
                ["sound".into(), word.into(), why.map_or(from.clone(), |w| format!("{from} ({w})"))]
            },
            ["presentation".into(), yes_no(s.presentation.value), s.presentation.source.describe()],
        ],
    );
    let _ = writeln!(o, "\nTerminal");
    let size = match (t.width, t.height) {
        (Some(w), Some(h)) => format!("{w} x {h}"),
        _ => "unknown (no terminal)".into(),
    };
    let output = if t.is_terminal { "a terminal" } else { "not a terminal (redirected)" };
    let colours = match t.colours {
        "none" => "none".to_string(),
        "24-bit" => "24-bit".to_string(),
        n => format!("{n} colours"),
    };
    let instead = if t.theme_shown == s.theme.value.word() {
        String::new()
    } else {
        format!("instead of {}: {}", s.theme.value.word(), t.colours_from)
    };
    table(
        &mut o,
        &[
            ["size".into(), size, String::new()],
            ["output".into(), output.into(), String::new()],
            ["colours".into(), colours, t.colours_from.clone()],
            ["theme shown".into(), t.theme_shown.into(), instead],
        ],
    );
    o
}

/// `convene info` (`as_json`: schema `convene-info/1`).
pub fn run(settings: &Settings, as_json: bool) -> ExitCode {
    let t = terminal(settings.theme.value);
    if as_json {
        output::finish(output::print_document(output::schema::INFO, &json(settings, t)))
    } else {
        output::finish(output::print(&text(settings, &t)))
    }
}
