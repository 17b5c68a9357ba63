//! Settings in effect: the folders convene uses and the screen's options, each resolved as
//! **flag > environment (`CONVENE_*`) > config file > default**, with where it came from (for
//! `convene info`).
//!
//! The types here are the settings' own: the command line hands over only what it gave
//! ([`Given`], made by `cli`, which this module never imports), and the screens and commands take
//! what comes out ([`Dirs`], [`ScreenSettings`], [`HomeSettings`], [`ThemeName`]), never clap's
//! arguments. The environment is read here, not by clap (docs/architecture.md, "Settings").
//!
//! The config file is `config.toml` in the config folder (`--config-dir`, `CONVENE_CONFIG_DIR`,
//! or the platform's: `~/.config/convene` on Linux, `~/Library/Application Support/convene` on
//! macOS, `%APPDATA%\convene\config` on Windows). Every key is optional:
//!
//! ```toml
//! theme = "high-contrast"   # default, high-contrast or mono
//! quiet = true              # no bell at the warning and at time up
//! no-flash = true           # no flash when the stage changes
//! auto-advance = false      # the next stage starts by itself at time up
//! facilitator = "Fiona"     # the facilitator's name for new sessions
//! data-dir = "~/convene"    # where session logs are kept
//! protocols-dir = "protocols"   # your own protocol files
//! share = true              # share new sessions with the room (docs/sharing.md)
//! share-names = "first"     # names on the shared page: full, first, initials or none
//! sound = "chime"           # the cues: chime (the speakers), bell (the terminal's) or off
//! presentation = true       # the facilitator's lines hidden (the p key writes this one)
//! ```
//!
//! The live screen's `p` key writes `presentation` into the file itself, changing only that
//! line (comments, order and spacing kept: `toml_edit`), atomically; a file it cannot parse is
//! never rewritten.
//!
//! A folder may start with `~` (the home folder); a relative one is taken from the config
//! folder. A file that can't be used is an error naming the file, line and column and the key,
//! never silently ignored: an unknown key (with the nearest known one), a value of the wrong
//! type, a theme that does not exist, TOML that does not parse. So is an environment variable
//! with a value that can't be used (`CONVENE_QUIET=maybe`). See `docs/cli.md`.

use std::path::{Path, PathBuf};

use crate::share::Names;

/// The config file's name, in the config folder.
pub(crate) const CONFIG_FILE: &str = "config.toml";

/// The keys a config file may hold, in the order the docs list them.
pub(crate) const KEYS: [&str; 11] = [
    "theme",
    "quiet",
    "no-flash",
    "auto-advance",
    "facilitator",
    "data-dir",
    "protocols-dir",
    "share",
    "share-names",
    "sound",
    "presentation",
];

/// The folders convene reads from and writes to. As the command line gives them (in [`Given`]),
/// only what it gave; from [`Settings::dirs`], the folders in effect.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dirs {
    /// Your own protocol files (`--protocols-dir`).
    pub protocols_dir: Option<PathBuf>,
    /// Where session logs are kept (`--data-dir`).
    pub data_dir: Option<PathBuf>,
    /// The folder of `config.toml` (`--config-dir`).
    pub config_dir: Option<PathBuf>,
}

/// Colours for the live screen (`--theme`, `CONVENE_THEME`, `theme =`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum ThemeName {
    /// Colour-blind-safe colours (blue, orange, vermilion) on the terminal's background.
    #[default]
    Default,
    /// Black and white with bold and reverse video, for washed-out projectors.
    HighContrast,
    /// No colour at all (also chosen by the `NO_COLOR` environment variable).
    Mono,
}

impl ThemeName {
    /// Every theme, in the order the help lists them.
    pub(crate) const ALL: [ThemeName; 3] = [Self::Default, Self::HighContrast, Self::Mono];

    /// The word on the command line, in the environment and in config.toml: `high-contrast`.
    pub(crate) fn word(self) -> &'static str {
        match self {
            Self::Default => "default",
            Self::HighContrast => "high-contrast",
            Self::Mono => "mono",
        }
    }

    /// The theme a word names (`ignore_case`: `High-Contrast` too).
    pub(crate) fn from_word(word: &str, ignore_case: bool) -> Option<Self> {
        Self::ALL.into_iter().find(|t| {
            if ignore_case { t.word().eq_ignore_ascii_case(word) } else { t.word() == word }
        })
    }
}

/// How the room hears the cues (a warning, time up, a timed cue, a reminder while over):
/// `--sound`, `sound =`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum SoundMode {
    /// Short tones through the laptop's speakers (the terminal's bell where this build has no
    /// sound).
    #[default]
    Chime,
    /// The terminal's bell (once at a warning or a cue, twice at time up).
    Bell,
    /// No sound at all (as `--quiet`).
    Off,
}

impl SoundMode {
    /// Every choice, in the order the help lists them.
    pub(crate) const ALL: [SoundMode; 3] = [Self::Chime, Self::Bell, Self::Off];

    /// The default: `chime` where this build has sound (the `sound` feature), else `bell`, so a
    /// build without it says nothing about sound unless `chime` is asked for.
    pub(crate) fn preferred() -> Self {
        if cfg!(feature = "sound") { SoundMode::Chime } else { SoundMode::Bell }
    }

    /// The word used on the command line and in config.toml.
    pub(crate) fn word(self) -> &'static str {
        match self {
            SoundMode::Chime => "chime",
            SoundMode::Bell => "bell",
            SoundMode::Off => "off",
        }
    }

    /// The choice a word names.
    pub(crate) fn from_word(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.word() == word)
    }
}

/// How the live screen (and the mirror, and the review browser) behaves, as in effect.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct ScreenSettings {
    /// No terminal bell at the warning and at time up.
    pub quiet: bool,
    /// No flash of the screen when the stage changes.
    pub no_flash: bool,
    pub theme: ThemeName,
    /// How the cues sound (`off` under `--quiet`).
    pub sound: SoundMode,
    /// The config folder in effect, where presentation mode is remembered.
    pub config_dir: Option<PathBuf>,
    /// Presentation mode as last left (`presentation =` in config.toml).
    pub presentation: bool,
}

/// What the home screen starts sessions with (it has no options of its own: the environment's
/// and the config file's settings).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HomeSettings {
    pub screen: ScreenSettings,
    pub facilitator: Option<String>,
    pub auto_advance: bool,
    /// `share = true` in config.toml (or `CONVENE_SHARE`): the session started is shared.
    pub share: bool,
    pub share_names: Names,
}

/// The platform's own folders for convene (the `directories` crate's), when there is a home
/// folder to put them in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PlatformFolders {
    pub data: Option<PathBuf>,
    pub config: Option<PathBuf>,
}

pub(crate) fn platform_folders() -> PlatformFolders {
    match directories::ProjectDirs::from("", "", "convene") {
        Some(d) => PlatformFolders {
            data: Some(d.data_dir().to_path_buf()),
            config: Some(d.config_dir().to_path_buf()),
        },
        None => PlatformFolders::default(),
    }
}

/// Where a setting in effect came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// convene's own default (for a folder, the platform's).
    Default,
    /// A command-line option, such as `--data-dir`.
    Flag(&'static str),
    /// An environment variable, such as `CONVENE_DATA_DIR`.
    Environment(&'static str),
    /// The config file, at this line.
    ConfigFile { path: PathBuf, line: usize },
    /// The default place inside another folder in effect ("the data folder").
    Inside(&'static str),
}

impl Source {
    /// `default`, `flag`, `environment`, `config-file` or `inside` (for JSON).
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::Default => "default",
            Self::Flag(_) => "flag",
            Self::Environment(_) => "environment",
            Self::ConfigFile { .. } => "config-file",
            Self::Inside(_) => "inside",
        }
    }

    /// The flag, the variable, `FILE:LINE` or the folder it is inside of; `None` for a default.
    pub(crate) fn detail(&self) -> Option<String> {
        match self {
            Self::Default => None,
            Self::Flag(f) => Some((*f).to_string()),
            Self::Environment(v) => Some((*v).to_string()),
            Self::ConfigFile { path, line } => Some(format!("{}:{line}", path.display())),
            Self::Inside(folder) => Some((*folder).to_string()),
        }
    }

    /// As `convene info` says it: `environment: CONVENE_DATA_DIR`.
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::Default => "default".into(),
            Self::Flag(f) => format!("flag: {f}"),
            Self::Environment(v) => format!("environment: {v}"),
            Self::ConfigFile { .. } => {
                format!("config file: {}", self.detail().unwrap_or_default())
            }
            Self::Inside(folder) => format!("default, in {folder}"),
        }
    }
}

/// A value in effect and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Setting<T> {
    fn new(value: T, source: Source) -> Self {
        Self { value, source }
    }
}

/// Everything resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub config_dir: Setting<Option<PathBuf>>,
    /// `<config dir>/config.toml`, whether or not it exists.
    pub config_file: Option<PathBuf>,
    /// Whether the config file was there (and read).
    pub config_found: bool,
    pub data_dir: Setting<Option<PathBuf>>,
    pub protocols_dir: Setting<Option<PathBuf>>,
    pub theme: Setting<ThemeName>,
    pub quiet: Setting<bool>,
    pub no_flash: Setting<bool>,
    pub auto_advance: Setting<bool>,
    pub facilitator: Setting<Option<String>>,
    /// `convene run` shares the session with the room (`--share`).
    pub share: Setting<bool>,
    /// The names on the shared page (`--share-names`).
    pub share_names: Setting<Names>,
    /// How the cues sound (`--sound`; `--quiet` is `off`).
    pub sound: Setting<SoundMode>,
    /// The facilitator's lines hidden (`presentation =`, written by the live screen's `p`).
    pub presentation: Setting<bool>,
}

impl Settings {
    /// The folders in effect, for the commands.
    pub fn dirs(&self) -> Dirs {
        Dirs {
            protocols_dir: self.protocols_dir.value.clone(),
            data_dir: self.data_dir.value.clone(),
            config_dir: self.config_dir.value.clone(),
        }
    }

    /// `<data dir>/sessions`.
    pub(crate) fn sessions_dir(&self) -> Option<PathBuf> {
        self.data_dir.value.as_deref().map(crate::log::sessions_dir)
    }

    /// The folder the review index is kept in: `<cache folder>/index`, the cache folder being
    /// `CONVENE_CACHE_DIR` or the platform's (see `review::index::cache_dir`), never in the data
    /// folder, which may be shared between machines.
    #[allow(clippy::unused_self)] // a setting among the others, though no flag sets it
    pub(crate) fn cache_dir(&self) -> Option<PathBuf> {
        crate::review::index::cache_dir().map(|d| d.join("index"))
    }

    /// Where [`Settings::cache_dir`] comes from: `CONVENE_CACHE_DIR`, or the platform's default.
    #[allow(clippy::unused_self)] // as `cache_dir`
    pub(crate) fn cache_source(&self) -> Source {
        if std::env::var_os("CONVENE_CACHE_DIR").is_some_and(|d| !d.is_empty()) {
            Source::Environment("CONVENE_CACHE_DIR")
        } else {
            Source::Default
        }
    }

    /// The screen's options in effect.
    pub fn screen(&self) -> ScreenSettings {
        ScreenSettings {
            quiet: self.quiet.value,
            sound: if self.quiet.value { SoundMode::Off } else { self.sound.value },
            no_flash: self.no_flash.value,
            theme: self.theme.value,
            config_dir: self.config_dir.value.clone(),
            presentation: self.presentation.value,
        }
    }

    /// What the home screen starts sessions with.
    pub fn home(&self) -> HomeSettings {
        HomeSettings {
            screen: self.screen(),
            facilitator: self.facilitator.value.clone(),
            auto_advance: self.auto_advance.value,
            share: self.share.value,
            share_names: self.share_names.value,
        }
    }
}

/// What the command line gave (a flag left out is `None` or `false`).
#[derive(Debug, Clone, Default)]
#[allow(clippy::struct_excessive_bools)] // one per switch on the command line
pub struct Given {
    pub dirs: Dirs,
    pub theme: Option<ThemeName>,
    pub quiet: bool,
    pub no_flash: bool,
    pub auto_advance: bool,
    pub facilitator: Option<String>,
    pub share: bool,
    pub share_names: Option<Names>,
    pub sound: Option<SoundMode>,
}

/// A setting that can't be used: the message names where it is (`FILE:LINE:COL`, or the
/// environment variable) and the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// Resolves every setting from what the command line gave, the process's environment, the
/// config file and the platform's folders.
///
/// # Errors
/// A config file or an environment variable that can't be used.
pub fn resolve(given: &Given) -> Result<Settings, ConfigError> {
    resolve_with(given, &|name| std::env::var_os(name), &platform_folders())
}

/// [`resolve`] with the environment and the platform's folders given (for tests).
///
/// # Errors
/// A config file or an environment variable that can't be used.
#[allow(clippy::too_many_lines)] // one setting after another
pub(crate) fn resolve_with(
    given: &Given,
    env: &dyn Fn(&str) -> Option<std::ffi::OsString>,
    platform: &PlatformFolders,
) -> Result<Settings, ConfigError> {
    // Empty variables count as unset, as they always have for the folders.
    let var = |name: &str| env(name).filter(|v| !v.is_empty());
    let text_var = |name: &'static str| -> Result<Option<String>, ConfigError> {
        var(name)
            .map(|v| {
                v.into_string().map_err(|v| {
                    ConfigError(format!("{name}={}: not valid Unicode", v.to_string_lossy()))
                })
            })
            .transpose()
    };
    let folder = |flag: &Option<PathBuf>, name: &'static str, variable: &'static str| {
        flag.as_ref().map(|p| Setting::new(p.clone(), Source::Flag(name))).or_else(|| {
            var(variable).map(|v| Setting::new(v.into(), Source::Environment(variable)))
        })
    };

    let config_dir = folder(&given.dirs.config_dir, "--config-dir", "CONVENE_CONFIG_DIR")
        .map_or_else(
            || Setting::new(platform.config.clone(), Source::Default),
            |s| Setting::new(Some(s.value), s.source),
        );
    check_config_dir(&config_dir)?;
    let config_file = config_dir.value.as_ref().map(|d| d.join(CONFIG_FILE));
    let (file, config_found) = match &config_file {
        Some(path) => match read_config(path)? {
            Some(f) => (f, true),
            None => (FileConfig::default(), false),
        },
        None => (FileConfig::default(), false),
    };

    let data_dir = folder(&given.dirs.data_dir, "--data-dir", "CONVENE_DATA_DIR")
        .map(|s| Setting::new(Some(s.value), s.source))
        .or_else(|| file.data_dir.clone().map(|s| Setting::new(Some(s.value), s.source)))
        .unwrap_or_else(|| Setting::new(platform.data.clone(), Source::Default));
    let protocols_dir =
        folder(&given.dirs.protocols_dir, "--protocols-dir", "CONVENE_PROTOCOLS_DIR")
            .map(|s| Setting::new(Some(s.value), s.source))
            .or_else(|| file.protocols_dir.clone().map(|s| Setting::new(Some(s.value), s.source)))
            .unwrap_or_else(|| {
                Setting::new(
                    config_dir.value.as_ref().map(|c| c.join("protocols")),
                    Source::Inside("the config folder"),
                )
            });

    let theme = match (given.theme, text_var("CONVENE_THEME")?) {
        (Some(t), _) => Setting::new(t, Source::Flag("--theme")),
        (None, Some(v)) => Setting::new(
            ThemeName::from_word(v.trim(), true)
                .ok_or_else(|| ConfigError(format!("CONVENE_THEME={v}: {}", theme_expected())))?,
            Source::Environment("CONVENE_THEME"),
        ),
        (None, None) => file.theme.unwrap_or(Setting::new(ThemeName::Default, Source::Default)),
    };
    let switch = |flag: bool,
                  name: &'static str,
                  variable: &'static str,
                  from_file: Option<Setting<bool>>|
     -> Result<Setting<bool>, ConfigError> {
        if flag {
            return Ok(Setting::new(true, Source::Flag(name)));
        }
        if let Some(v) = text_var(variable)? {
            let on = parse_switch(&v).ok_or_else(|| {
                ConfigError(format!(
                    "{variable}={v}: expected 1 or 0 (or true/false, yes/no, on/off)"
                ))
            })?;
            return Ok(Setting::new(on, Source::Environment(variable)));
        }
        Ok(from_file.unwrap_or(Setting::new(false, Source::Default)))
    };
    let quiet = switch(given.quiet, "--quiet", "CONVENE_QUIET", file.quiet)?;
    let no_flash = switch(given.no_flash, "--no-flash", "CONVENE_NO_FLASH", file.no_flash)?;
    let auto_advance =
        switch(given.auto_advance, "--auto-advance", "CONVENE_AUTO_ADVANCE", file.auto_advance)?;
    let facilitator = facilitator(
        given.facilitator.as_ref(),
        text_var("CONVENE_FACILITATOR")?,
        file.facilitator,
    )?;
    let share = switch(given.share, "--share", "CONVENE_SHARE", file.share)?;
    let share_names = match given.share_names {
        Some(n) => Setting::new(n, Source::Flag("--share-names")),
        None => file.share_names.unwrap_or(Setting::new(Names::default(), Source::Default)),
    };
    let sound = match given.sound {
        Some(m) => Setting::new(m, Source::Flag("--sound")),
        None => file.sound.unwrap_or(Setting::new(SoundMode::preferred(), Source::Default)),
    };
    let presentation = file.presentation.unwrap_or(Setting::new(false, Source::Default));
    Ok(Settings {
        config_dir,
        config_file,
        config_found,
        data_dir,
        protocols_dir,
        theme,
        quiet,
        no_flash,
        auto_advance,
        facilitator,
        share,
        share_names,
        sound,
        presentation,
    })
}

/// The facilitator's name in effect: the flag's, the environment's (refused with a control
/// character or an escape sequence, as the config file's is), the file's, or none.
fn facilitator(
    flag: Option<&String>,
    variable: Option<String>,
    from_file: Option<Setting<Option<String>>>,
) -> Result<Setting<Option<String>>, ConfigError> {
    Ok(match (flag, variable) {
        (Some(f), _) => Setting::new(Some(f.clone()), Source::Flag("--facilitator")),
        (None, Some(v)) if v.chars().any(crate::text::is_unsafe) => {
            return Err(ConfigError(format!(
                "CONVENE_FACILITATOR=\"{}\": contains a control character or escape sequence: \
                 type the name as plain text",
                v.escape_default()
            )));
        }
        (None, Some(v)) => Setting::new(
            Some(v.trim().to_string()).filter(|v| !v.is_empty()),
            Source::Environment("CONVENE_FACILITATOR"),
        ),
        (None, None) => from_file.unwrap_or(Setting::new(None, Source::Default)),
    })
}

/// A config folder given (`--config-dir`, `CONVENE_CONFIG_DIR`) must not be a file: refused,
/// naming where it was given, rather than taken for a folder with no `config.toml`.
fn check_config_dir(folder: &Setting<Option<PathBuf>>) -> Result<(), ConfigError> {
    if let Some(dir) = &folder.value
        && let Some(given) = folder.source.detail()
        && std::fs::metadata(dir).is_ok_and(|m| !m.is_dir())
    {
        let sep = if matches!(folder.source, Source::Flag(_)) { " " } else { "=" };
        return Err(ConfigError(format!(
            "{given}{sep}{}: not a folder (a file is there): give the folder that holds \
             {CONFIG_FILE}",
            crate::text::sanitize(&dir.display().to_string())
        )));
    }
    Ok(())
}

fn theme_expected() -> String {
    let names: Vec<&str> = ThemeName::ALL.iter().map(|t| t.word()).collect();
    format!("the theme is one of {}", names.join(", "))
}

/// `1`/`0`, `true`/`false`, `yes`/`no`, `on`/`off`, in any case.
fn parse_switch(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// What a config file sets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FileConfig {
    pub theme: Option<Setting<ThemeName>>,
    pub quiet: Option<Setting<bool>>,
    pub no_flash: Option<Setting<bool>>,
    pub auto_advance: Option<Setting<bool>>,
    pub facilitator: Option<Setting<Option<String>>>,
    pub data_dir: Option<Setting<PathBuf>>,
    pub protocols_dir: Option<Setting<PathBuf>>,
    pub share: Option<Setting<bool>>,
    pub share_names: Option<Setting<Names>>,
    pub sound: Option<Setting<SoundMode>>,
    pub presentation: Option<Setting<bool>>,
}

/// The largest config file read: 64 KiB (a config file with every key is under 1 KiB).
pub(crate) const MAX_CONFIG_BYTES: u64 = 64 * 1024;

/// Reads the config file at `path`: `None` when there is none. Only a regular file of at most
/// [`MAX_CONFIG_BYTES`] is read ([`crate::bounded`]): a FIFO or a link to a device is refused
/// at once, never waited on; a symbolic link to nothing is an error, not "no file".
///
/// # Errors
/// A file that exists but can't be read or used.
pub(crate) fn read_config(path: &Path) -> Result<Option<FileConfig>, ConfigError> {
    let bytes = match crate::bounded::read(path, MAX_CONFIG_BYTES) {
        Ok(b) => b,
        // A symbolic link whose target is missing: said, rather than taken for no file.
        Err(e) if e.is_absent() && path.is_symlink() => {
            let target = std::fs::read_link(path)
                .map(|t| format!(" to {}", crate::text::sanitize(&t.display().to_string())))
                .unwrap_or_default();
            return Err(ConfigError(format!(
                "the config file {} is a dangling symbolic link{target}: nothing is there; \
                 remove the link, or point it at a file",
                crate::text::sanitize(&path.display().to_string())
            )));
        }
        // No file, or a folder on the way that is not one (a home that is a file): no settings.
        Err(e) if e.is_absent() => return Ok(None),
        Err(e) => {
            return Err(ConfigError(format!(
                "cannot read the config file {}: {e}",
                crate::text::sanitize(&path.display().to_string())
            )));
        }
    };
    parse_config(&bytes, path).map(Some).map_err(|e| {
        ConfigError(format!(
            "{}\n  (convene's settings: docs/cli.md lists the keys; fix the file, or move it \
             away to use the defaults)",
            e.0
        ))
    })
}

/// The line and column (from 1, in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

/// When a TOML error at `offset` is a backslash in a double-quoted string (a Windows folder,
/// `data-dir = "D:\Facilitation"`, where `\F` is read as an escape), what to write instead,
/// naming the key.
fn backslash_hint(body: &str, offset: usize) -> Option<String> {
    let start = body.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let line = body.get(start..)?.lines().next().unwrap_or("");
    let (key, value) = line.split_once('=')?;
    let value = value.trim();
    if !(value.starts_with('"') && value.contains('\\')) {
        return None;
    }
    let key = key.trim().trim_matches('"');
    let inner = value.trim_matches('"');
    Some(format!(
        "{key}: a backslash in double quotes starts an escape in TOML; write the folder in \
         single quotes, {key} = '{inner}', or with forward slashes, {key} = \"{}\"",
        inner.replace('\\', "/")
    ))
}

/// What a TOML error at byte `start` of `body` says to the person who wrote it: how to write a
/// Windows folder when a backslash was taken for an escape, which key is given twice, else the
/// parser's own words.
fn toml_message(body: &str, start: usize, e: &toml::de::Error) -> String {
    if let Some(hint) = backslash_hint(body, start) {
        return hint;
    }
    let mut msg = e.message().trim().replace('\n', "; ");
    // The parser's "duplicate key" points at the key's second place: say which key.
    if msg == "duplicate key"
        && let Some(rest) = body.get(start..)
    {
        let key = rest.split(['=', '\n']).next().unwrap_or_default().trim();
        let key = key.trim_matches(['"', '\'']);
        if !key.is_empty() {
            msg = format!("the key \"{}\" is given twice: keep one", crate::text::sanitize(key));
        }
    }
    format!("not valid TOML: {msg}")
}

/// What an unknown key in a config file is told: the nearest known key, and them all.
fn unknown_key(name: &str) -> String {
    let hint = crate::protocol::nearest(name, &KEYS)
        .map(|n| format!(" Did you mean \"{n}\"?"))
        .unwrap_or_default();
    format!(
        "unknown key \"{}\".{hint} The keys are: {}.",
        crate::text::sanitize(name),
        KEYS.join(", ")
    )
}

/// Parses a config file's bytes; `path` names it in errors and is where relative folders start.
///
/// # Errors
/// Text that is not UTF-8 or not TOML, an unknown key, a value that can't be used.
pub(crate) fn parse_config(bytes: &[u8], path: &Path) -> Result<FileConfig, ConfigError> {
    let shown = path.display().to_string();
    let at = |text: &str, offset: usize, msg: String| {
        let (line, col) = line_col(text, offset);
        ConfigError(format!("{shown}:{line}:{col}: {msg}"))
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
            let byte = bytes.get(e.valid_up_to()).copied().unwrap_or(0);
            return Err(at(
                good,
                good.len(),
                format!("the file is not valid UTF-8 (byte 0x{byte:02X}): save it again as UTF-8"),
            ));
        }
    };
    // Notepad may start a UTF-8 file with a byte-order mark: not part of the TOML. Offsets below
    // are in `body`; the mark is one character, which shifts no line or column people count.
    let body = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let table: std::collections::BTreeMap<toml::Spanned<String>, toml::Spanned<toml::Value>> =
        toml::from_str(body).map_err(|e| {
            let start = e.span().map_or(0, |s| s.start);
            at(body, start, toml_message(body, start, &e))
        })?;
    let folder_of_file = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut out = FileConfig::default();
    for (key, value) in &table {
        let name = key.get_ref().as_str();
        let line = line_col(body, key.span().start).0;
        let source = Source::ConfigFile { path: path.to_path_buf(), line };
        let bad = |what: String| at(body, value.span().start, format!("{name}: {what}"));
        let found = describe_value(value.get_ref());
        let boolean = || match value.get_ref() {
            toml::Value::Boolean(b) => Ok(Setting::new(*b, source.clone())),
            _ => Err(bad(format!("expected true or false, found {found}"))),
        };
        let string = || match value.get_ref() {
            toml::Value::String(s) => Ok(s.clone()),
            _ => Err(bad(format!("expected a string in quotes, found {found}"))),
        };
        let folder = || -> Result<Setting<PathBuf>, ConfigError> {
            let s = string()?;
            if s.trim().is_empty() {
                return Err(bad("the folder is empty".into()));
            }
            Ok(Setting::new(config_path(&s, &folder_of_file), source.clone()))
        };
        match name {
            "theme" => {
                let s = string()?;
                let t = ThemeName::from_word(&s, false)
                    .ok_or_else(|| bad(format!("\"{s}\" is not a theme: {}", theme_expected())))?;
                out.theme = Some(Setting::new(t, source.clone()));
            }
            "quiet" => out.quiet = Some(boolean()?),
            "no-flash" => out.no_flash = Some(boolean()?),
            "auto-advance" => out.auto_advance = Some(boolean()?),
            "facilitator" => {
                let s = string()?.trim().to_string();
                if s.chars().any(crate::text::is_unsafe) {
                    return Err(bad(format!(
                        "\"{}\" contains a control character or escape sequence: type the name \
                         as plain text",
                        s.escape_default()
                    )));
                }
                out.facilitator = Some(Setting::new(Some(s).filter(|s| !s.is_empty()), source));
            }
            "data-dir" => out.data_dir = Some(folder()?),
            "protocols-dir" => out.protocols_dir = Some(folder()?),
            "share" => out.share = Some(boolean()?),
            "presentation" => out.presentation = Some(boolean()?),
            "share-names" => {
                let s = string()?;
                let n = Names::from_word(&s).ok_or_else(|| {
                    bad(format!("\"{s}\" is not a choice: full, first, initials or none"))
                })?;
                out.share_names = Some(Setting::new(n, source.clone()));
            }
            "sound" => {
                let s = string()?;
                let m = SoundMode::from_word(&s)
                    .ok_or_else(|| bad(format!("\"{s}\" is not a choice: chime, bell or off")))?;
                out.sound = Some(Setting::new(m, source.clone()));
            }
            _ => return Err(at(body, key.span().start, unknown_key(name))),
        }
    }
    Ok(out)
}

/// Why presentation mode could not be written into config.toml (it stays on, or off, for the
/// session).
#[derive(Debug, thiserror::Error)]
pub(crate) enum RememberError {
    /// The file is there but convene cannot use it: left exactly as it is.
    #[error("{0}; the file is left as it is")]
    Unusable(String),
    #[error("cannot write {path}: {source}")]
    Write { path: String, source: std::io::Error },
}

/// Writes `presentation = on` into `config.toml` in `config_dir`, changing only that line (a new
/// line at the end of the top-level keys when there is none): comments, order and spacing are
/// kept ([`toml_edit`]). Written beside the file, flushed, then renamed over it (through a
/// symbolic link, the file it points at), so the file is always whole. A file convene cannot
/// parse, or could not use after the change, is never touched.
///
/// # Errors
/// The file can't be read or parsed; the folder can't be written.
pub(crate) fn write_presentation(config_dir: &Path, on: bool) -> Result<(), RememberError> {
    use std::io::Write as _;
    let link = config_dir.join(CONFIG_FILE);
    let shown = |p: &Path| crate::text::sanitize(&p.display().to_string());
    let write_err = |path: &Path, source| RememberError::Write { path: shown(path), source };
    // The file as it is: read whole, or none; through a link, its target.
    let path = std::fs::canonicalize(&link).unwrap_or_else(|_| link.clone());
    let before = match crate::bounded::read(&path, MAX_CONFIG_BYTES) {
        Ok(b) => Some(b),
        Err(e) if e.is_absent() && !link.is_symlink() => None,
        Err(e) => {
            return Err(RememberError::Unusable(format!("cannot read {}: {e}", shown(&link))));
        }
    };
    let text = match &before {
        Some(bytes) => {
            parse_config(bytes, &link).map_err(|e| RememberError::Unusable(e.0))?;
            String::from_utf8_lossy(bytes).into_owned()
        }
        None => String::new(),
    };
    // A byte-order mark is kept, outside the TOML.
    let (bom, body) = match text.strip_prefix('\u{FEFF}') {
        Some(rest) => ("\u{FEFF}", rest),
        None => ("", text.as_str()),
    };
    let mut doc: toml_edit::DocumentMut = body.parse().map_err(|e: toml_edit::TomlError| {
        RememberError::Unusable(format!("{}: {e}", shown(&link)))
    })?;
    match doc.get_mut("presentation").and_then(toml_edit::Item::as_value_mut) {
        Some(value) => {
            // The spacing and a comment after the value stay.
            let decor = value.decor().clone();
            *value = toml_edit::Value::from(on);
            *value.decor_mut() = decor;
        }
        None => {
            doc.insert("presentation", toml_edit::value(on));
        }
    }
    let after = format!("{bom}{doc}");
    // What is written is read as convene reads it, or not written.
    parse_config(after.as_bytes(), &link).map_err(|e| RememberError::Unusable(e.0))?;
    if before.as_deref() == Some(after.as_bytes()) {
        return Ok(());
    }
    let folder = path.parent().map_or_else(|| config_dir.to_path_buf(), Path::to_path_buf);
    std::fs::create_dir_all(&folder).map_err(|e| write_err(&folder, e))?;
    let tmp = folder.join(format!("{CONFIG_FILE}.convene-tmp"));
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(after.as_bytes())?;
        f.sync_all()?;
        drop(f);
        // The file's permissions as they were.
        if let Ok(meta) = std::fs::metadata(&path) {
            std::fs::set_permissions(&tmp, meta.permissions())?;
        }
        std::fs::rename(&tmp, &path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(write_err(&path, e));
    }
    Ok(())
}

/// [`write_presentation`], its failure in words: how convene remembers presentation mode
/// (`LiveScreen::remember`; `convene-live` asks convene, through `convene
/// remember-presentation`).
pub fn remember_presentation(config_dir: &Path, on: bool) -> Result<(), String> {
    write_presentation(config_dir, on).map_err(|e| e.to_string())
}

/// How an unexpected value is named in an error: `the string "yes"`, `a number`, `a table`.
fn describe_value(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => format!("the string \"{}\"", crate::text::sanitize(s)),
        toml::Value::Integer(_) | toml::Value::Float(_) => "a number".into(),
        toml::Value::Boolean(b) => format!("{b}"),
        toml::Value::Datetime(_) => "a date".into(),
        toml::Value::Array(_) => "a list".into(),
        toml::Value::Table(_) => "a table".into(),
    }
}

/// A folder as written in the config file: `~` is the home folder, a relative path is taken from
/// the config file's folder.
fn config_path(text: &str, config_folder: &Path) -> PathBuf {
    let home = || directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf());
    let rest = text.strip_prefix("~/").or_else(|| text.strip_prefix("~\\"));
    let path = match (text, rest) {
        ("~", _) => home().unwrap_or_else(|| PathBuf::from(text)),
        (_, Some(rest)) => home().map_or_else(|| PathBuf::from(text), |h| h.join(rest)),
        _ => PathBuf::from(text),
    };
    if path.is_relative() { config_folder.join(path) } else { path }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<FileConfig, String> {
        parse_config(text.as_bytes(), Path::new("/cfg/config.toml")).map_err(|e| e.0)
    }

    #[test]
    fn sharing_is_set_in_the_file_and_a_wrong_choice_is_named() {
        let f = parse("share = true\nshare-names = \"initials\"\n").expect("parses");
        assert_eq!(f.share.map(|s| s.value), Some(true));
        assert_eq!(f.share_names.map(|s| s.value), Some(Names::Initials));
        let e = parse("share-names = \"surnames\"\n").expect_err("refused");
        assert!(e.contains("config.toml:1:15: share-names: \"surnames\" is not a choice"), "{e}");
    }

    #[test]
    fn presentation_mode_is_written_into_config_toml_changing_only_its_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join(CONFIG_FILE);
        let read = || std::fs::read_to_string(&config).expect("read");
        // No file: one is made with the key.
        write_presentation(dir.path(), true).expect("written");
        assert_eq!(read(), "presentation = true\n");
        let mine = "# My settings\n\ntheme   = \"mono\"  # for the hall\n\n\
                    # the room's laptop\nfacilitator = 'Fi'\n";
        std::fs::write(&config, mine).expect("write");
        write_presentation(dir.path(), true).expect("written");
        assert_eq!(read(), format!("{mine}presentation = true\n"));
        let f = read_config(&config).expect("read").expect("there");
        assert_eq!(f.presentation.map(|p| (p.value, p.source.kind())), Some((true, "config-file")));
        // Turned off: only the value changes, its comment and spacing stay.
        let with = mine.replace("facilitator", "presentation =  true   # p\nfacilitator");
        std::fs::write(&config, &with).expect("write");
        write_presentation(dir.path(), false).expect("written");
        assert_eq!(read(), with.replace("presentation =  true", "presentation =  false"));
        assert!(!dir.path().join(format!("{CONFIG_FILE}.convene-tmp")).exists());
    }

    #[test]
    fn a_config_toml_convene_cannot_use_is_never_rewritten() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join(CONFIG_FILE);
        for broken in
            ["theme = \"mono\"\nquiet = \n", "thme = \"mono\"\n", "presentation = \"yes\"\n"]
        {
            std::fs::write(&config, broken).expect("write");
            let e = write_presentation(dir.path(), true).expect_err("refused");
            assert!(matches!(e, RememberError::Unusable(_)), "{e}");
            assert!(e.to_string().contains("config.toml"), "{e}");
            assert_eq!(std::fs::read_to_string(&config).expect("read"), broken);
        }
    }

    #[test]
    fn the_sound_is_read_from_the_file_and_a_wrong_choice_is_named() {
        let f = parse("sound = \"bell\"").expect("parsed");
        assert_eq!(f.sound.map(|s| s.value), Some(SoundMode::Bell));
        let e = parse("sound = \"loud\"").expect_err("refused");
        assert!(e.contains("sound: \"loud\" is not a choice: chime, bell or off"), "{e}");
    }

    #[test]
    fn line_and_column_count_characters_from_one() {
        assert_eq!(line_col("a = 1\nbé = 2\n", 9), (2, 3));
        assert_eq!(line_col("", 0), (1, 1));
    }

    #[test]
    fn every_key_is_read_with_its_line() {
        let f = parse(
            "theme = \"mono\"\nquiet = true\nno-flash = false\nauto-advance = true\n\
             facilitator = \" Fiona \"\ndata-dir = \"logs\"\nprotocols-dir = \"/p\"\n",
        )
        .expect("valid");
        assert_eq!(f.theme.as_ref().map(|t| t.value), Some(ThemeName::Mono));
        assert_eq!(
            f.quiet.as_ref().map(|q| q.source.clone()),
            Some(Source::ConfigFile { path: "/cfg/config.toml".into(), line: 2 })
        );
        assert_eq!(f.no_flash.map(|s| s.value), Some(false));
        assert_eq!(f.auto_advance.map(|s| s.value), Some(true));
        assert_eq!(f.facilitator.and_then(|s| s.value), Some("Fiona".into()));
        assert_eq!(f.data_dir.map(|s| s.value), Some(Path::new("/cfg").join("logs")));
        assert_eq!(f.protocols_dir.map(|s| s.value), Some(PathBuf::from("/p")));
    }

    #[test]
    fn errors_name_the_file_line_column_and_key() {
        let e = parse("quiet = true\nthme = \"mono\"\n").expect_err("unknown key");
        assert!(e.starts_with("/cfg/config.toml:2:1: unknown key \"thme\"."), "{e}");
        assert!(e.contains("Did you mean \"theme\"?"), "{e}");
        let e = parse("no_flash = true").expect_err("underscore");
        assert!(e.contains("Did you mean \"no-flash\"?"), "{e}");
        let e = parse("\nquiet = \"yes\"").expect_err("wrong type");
        assert_eq!(
            e,
            "/cfg/config.toml:2:9: quiet: expected true or false, found the string \"yes\""
        );
        let e = parse("theme = \"dark\"").expect_err("no such theme");
        assert!(e.starts_with("/cfg/config.toml:1:9: theme: \"dark\" is not a theme"), "{e}");
        assert!(e.contains("default, high-contrast, mono"), "{e}");
        let e = parse("theme = \"mono\"\nquiet = \n").expect_err("syntax");
        assert!(e.starts_with("/cfg/config.toml:2:"), "{e}");
        assert!(e.contains("not valid TOML"), "{e}");
        let e = parse("[screen]\nquiet = true").expect_err("a table");
        assert!(e.starts_with("/cfg/config.toml:1:2: unknown key \"screen\""), "{e}");
        let e =
            parse_config(b"quiet = true\n# caf\xe9\n", Path::new("c.toml")).expect_err("latin1");
        assert!(e.0.starts_with("c.toml:2:6: the file is not valid UTF-8 (byte 0xE9)"), "{e}");
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_file() {
        let f = parse("\u{FEFF}quiet = true\n").expect("valid");
        assert_eq!(f.quiet.map(|q| q.value), Some(true));
    }

    fn env_of(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<std::ffi::OsString> {
        let vars: Vec<(String, String)> =
            vars.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.into())
    }

    #[test]
    fn a_flag_beats_the_environment_which_beats_the_file_which_beats_the_default() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "theme = \"mono\"\nquiet = true\nno-flash = true\ndata-dir = \"d\"\n",
        )
        .expect("write");
        let platform = PlatformFolders { data: Some("/plat/data".into()), config: None };
        let mut given = Given {
            dirs: Dirs { config_dir: Some(dir.path().into()), ..Dirs::default() },
            ..Given::default()
        };
        let env = env_of(&[("CONVENE_THEME", "High-Contrast"), ("CONVENE_NO_FLASH", "0")]);
        let s = resolve_with(&given, &env, &platform).expect("valid");
        assert_eq!(s.config_dir.source, Source::Flag("--config-dir"));
        assert!(s.config_found);
        assert_eq!(s.theme.value, ThemeName::HighContrast, "environment over file");
        assert_eq!(s.theme.source, Source::Environment("CONVENE_THEME"));
        assert!(!s.no_flash.value, "CONVENE_NO_FLASH=0 turns the file's true off");
        assert!(s.quiet.value);
        assert_eq!(s.quiet.source.kind(), "config-file");
        assert_eq!(s.data_dir.value, Some(dir.path().join("d")));
        assert_eq!(s.protocols_dir.value, Some(dir.path().join("protocols")));
        assert_eq!(s.protocols_dir.source, Source::Inside("the config folder"));
        assert!(!s.auto_advance.value);
        assert_eq!(s.auto_advance.source, Source::Default);

        given.theme = Some(ThemeName::Default);
        given.dirs.data_dir = Some("/flag".into());
        let s = resolve_with(&given, &env, &platform).expect("valid");
        assert_eq!(s.theme, Setting::new(ThemeName::Default, Source::Flag("--theme")));
        assert_eq!(s.data_dir.value, Some(PathBuf::from("/flag")));

        let none = Given::default();
        let s = resolve_with(&none, &env_of(&[]), &platform).expect("valid");
        assert_eq!(s.data_dir, Setting::new(Some("/plat/data".into()), Source::Default));
        assert_eq!(s.config_file, None);
    }

    #[test]
    fn an_environment_value_that_cant_be_used_is_an_error() {
        let platform = PlatformFolders::default();
        let e = resolve_with(&Given::default(), &env_of(&[("CONVENE_QUIET", "maybe")]), &platform)
            .expect_err("bad switch");
        assert!(e.0.starts_with("CONVENE_QUIET=maybe: expected 1 or 0"), "{e}");
        let e = resolve_with(&Given::default(), &env_of(&[("CONVENE_THEME", "dark")]), &platform)
            .expect_err("bad theme");
        assert!(e.0.starts_with("CONVENE_THEME=dark: the theme is one of"), "{e}");
        let s = resolve_with(&Given::default(), &env_of(&[("CONVENE_QUIET", "")]), &platform)
            .expect("empty is unset");
        assert_eq!(s.quiet.source, Source::Default);
    }

    #[test]
    fn a_facilitator_name_with_an_escape_is_refused_naming_the_file_and_key() {
        let e = parse("quiet = true\nfacilitator = \"Fi\\u001b[31mona\"\n").expect_err("escape");
        assert!(e.starts_with("/cfg/config.toml:2:15: facilitator: "), "{e}");
        assert!(e.contains("control character or escape sequence"), "{e}");
        assert!(!e.contains('\u{1b}'), "the escape is not printed: {e:?}");
        let e = resolve_with(
            &Given::default(),
            &env_of(&[("CONVENE_FACILITATOR", "Fi\u{1b}[2Jona")]),
            &PlatformFolders::default(),
        )
        .expect_err("escape in the environment");
        assert!(e.0.starts_with("CONVENE_FACILITATOR="), "{e}");
        assert!(!e.0.contains('\u{1b}'), "{e:?}");
    }

    #[test]
    fn a_key_given_twice_is_named() {
        let e = parse("quiet = true\ntheme = \"mono\"\nquiet = false\n").expect_err("twice");
        assert!(e.starts_with("/cfg/config.toml:3:"), "{e}");
        assert!(e.contains("\"quiet\""), "the key is named: {e}");
    }

    #[test]
    fn a_config_folder_that_is_a_file_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("not-a-folder");
        std::fs::write(&file, "").expect("write");
        let env = |name: &str| {
            (name == "CONVENE_CONFIG_DIR").then(|| std::ffi::OsString::from(file.as_os_str()))
        };
        let e =
            resolve_with(&Given::default(), &env, &PlatformFolders::default()).expect_err("a file");
        assert!(e.0.starts_with("CONVENE_CONFIG_DIR="), "{e}");
        assert!(e.0.contains("not a folder"), "{e}");
        let given = Given {
            dirs: Dirs { config_dir: Some(file.clone()), ..Dirs::default() },
            ..Given::default()
        };
        let e =
            resolve_with(&given, &env_of(&[]), &PlatformFolders::default()).expect_err("a file");
        assert!(e.0.starts_with("--config-dir "), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_dangling_link_is_not_taken_for_no_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(CONFIG_FILE);
        std::os::unix::fs::symlink(dir.path().join("gone.toml"), &path).expect("symlink");
        let e = read_config(&path).expect_err("dangling");
        assert!(e.0.contains("config.toml is a dangling symbolic link to "), "{e}");
        assert!(e.0.contains("gone.toml"), "{e}");
        assert_eq!(read_config(&dir.path().join("absent.toml")), Ok(None));
    }

    /// Runs `f` on a thread and fails the test if it has not answered within 30 seconds (it
    /// would wait for ever on a FIFO before the fix).
    #[cfg(unix)]
    fn within_seconds<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(std::time::Duration::from_secs(30)).expect("answered, not hung")
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_link_to_dev_zero_named_config_toml_is_refused_at_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("fifo").join(CONFIG_FILE);
        std::fs::create_dir(dir.path().join("fifo")).expect("mkdir");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
        assert!(made.success());
        let shown = fifo.clone();
        let e = within_seconds(move || read_config(&shown)).expect_err("a FIFO");
        assert!(e.0.contains("config.toml: not a regular file"), "{e}");
        let zero = dir.path().join(CONFIG_FILE);
        std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
        let e = within_seconds(move || read_config(&zero)).expect_err("/dev/zero");
        assert!(e.0.contains("config.toml: not a regular file"), "{e}");
    }
}
