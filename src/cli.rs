//! Command-line definitions (clap derive), and what they ask of the layers below. Dispatch
//! lives in `main.rs`; behaviour in `commands` and `tui`, which never see a clap type: each
//! command's arguments become its request ([`RunArgs::request`], [`ReportArgs::request`], …),
//! and the options that are settings go to [`crate::config`] ([`Cli::given`]). [`command`] is
//! the definition with the folders' real defaults in the help, which `main`, the completions
//! ([`shell`], [`complete`]) and the man page all use.
//!
//! The folders and the screen options given here win over the environment (`CONVENE_*`), which
//! wins over the config file, which wins over the defaults: [`crate::config`] resolves them, so
//! nothing here has a default of its own for them (an option left out is `None` or `false`).
//! The `[env: …]` and `[config: …]` notes in the help are written here by hand: clap does not
//! read the environment (its `env` feature is off), because `config` must (docs/architecture.md,
//! "Settings").

pub(crate) mod complete;
pub mod shell;

use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::commands::protocols::Request as ProtocolsRequest;
use crate::commands::review::{
    ActionsFormat, ActionsRequest, Destination, ExportFormat, LogFilter, ReportFormat,
    ReportRequest,
};
use crate::config::{Dirs, Given, Settings, SoundMode, ThemeName};
use crate::share::{Names, ShareOptions};
use crate::tui::launch::{ResumeRequest, RunRequest};

#[derive(Debug, Parser)]
#[command(
    name = "convene",
    version,
    about = "Run structured facilitation protocols from a terminal on a projector",
    long_about = "Run structured facilitation protocols (project tuning, action learning sets, \
coaching triads, STORM, GROW) from a terminal on a projector. With no command, opens the home \
screen to pick a protocol and start a session.",
    after_help = "`convene info` shows the folders and settings in effect and where each came from."
)]
pub struct Cli {
    #[command(flatten)]
    pub dirs: DirArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Folders convene reads from and writes to, as the command line gave them ([`crate::config`]
/// resolves the folders in effect).
#[derive(Debug, Args, Clone, Default)]
pub struct DirArgs {
    #[arg(
        long,
        global = true,
        display_order = 100,
        value_name = "DIR",
        help = "Folder of your own protocol files (*.json) [env: CONVENE_PROTOCOLS_DIR] [config: protocols-dir]"
    )]
    pub protocols_dir: Option<PathBuf>,
    #[arg(
        long,
        global = true,
        display_order = 100,
        value_name = "DIR",
        help = "Folder where session logs are kept [env: CONVENE_DATA_DIR] [config: data-dir]"
    )]
    pub data_dir: Option<PathBuf>,
    #[arg(
        long,
        global = true,
        display_order = 100,
        value_name = "DIR",
        help = "Folder of config.toml (and, by default, of the protocols folder) [env: CONVENE_CONFIG_DIR]"
    )]
    pub config_dir: Option<PathBuf>,
}

/// The command line with the folders' real defaults, for this user on this computer, in the help
/// (`[default: /home/ann/.local/share/convene]`, not a placeholder).
pub fn command() -> clap::Command {
    let shown = |p: Option<PathBuf>| {
        p.map_or_else(|| "none: no home folder".to_string(), |p| p.display().to_string())
    };
    let folders = crate::config::platform_folders();
    let protocols = shown(folders.config.as_ref().map(|c| c.join("protocols")));
    let data = shown(folders.data);
    let config = shown(folders.config);
    let with_default = |arg: clap::Arg, default: String| {
        let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
        arg.help(format!("{help} [default: {default}]"))
    };
    Cli::command()
        .mut_arg("protocols_dir", |a| {
            with_default(a, format!("{protocols} (in the config folder)"))
        })
        .mut_arg("data_dir", |a| with_default(a, data))
        .mut_arg("config_dir", |a| with_default(a, config))
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a live session on the projected screen
    Run(RunArgs),
    /// Continue an unfinished session (the newest, or the one named)
    Resume(ResumeArgs),
    /// Show a running session read-only, for a second screen (the projector)
    Mirror(MirrorArgs),
    /// Share a running session with the phones and laptops in the room (read-only, on the
    /// room's network)
    Share(ShareArgs),
    /// List, show and validate protocols
    Protocols(ProtocolsArgs),
    /// Review past sessions (a full-screen browser; or list, show, export)
    Logs(LogsArgs),
    /// Planned against actual time across sessions, per protocol and stage
    Report(ReportArgs),
    /// Commitments across sessions, with owners, due dates and follow-ups
    Actions(ActionsArgs),
    /// The version, the folders and settings in effect (and where each came from), the terminal
    Info(InfoArgs),
    /// Print a completion script for your shell (the README's "Install" says where it goes)
    Completions(CompletionsArgs),
    /// Print the manual page, in roff (the README's "Install" says where it goes)
    Man(ManArgs),
    /// The review indexes kept in the cache folder: remove those of data folders that are gone
    Cache(CacheArgs),
    /// Go on with a live session that convene-live hands back to be shared (internal; the
    /// session is in the environment)
    #[command(hide = true)]
    Handoff,
    /// Take the logs of a data folder into its review index, if it has one (internal: run by
    /// convene-live after a session)
    #[command(name = "index-update", hide = true)]
    IndexUpdate(IndexUpdateArgs),
    /// Write presentation mode into config.toml in a config folder (internal: run by
    /// convene-live when presentation mode is turned on or off)
    #[command(name = "remember-presentation", hide = true)]
    RememberPresentation(RememberPresentationArgs),
}

/// `convene remember-presentation DIR on|off`.
#[derive(Debug, Args)]
pub struct RememberPresentationArgs {
    /// The config folder
    pub config_dir: PathBuf,
    /// Presentation mode on or off
    #[arg(value_parser = ["on", "off"])]
    pub state: String,
}

/// `convene index-update DATA`.
#[derive(Debug, Args)]
pub struct IndexUpdateArgs {
    /// The data folder
    pub data: PathBuf,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  convene cache clean --dry-run
  convene cache clean")]
pub struct CacheArgs {
    #[command(subcommand)]
    pub action: CacheAction,
}

#[derive(Debug, Subcommand)]
pub enum CacheAction {
    /// Remove the review indexes of data folders that no longer exist (a folder on a drive or
    /// share that is not connected looks gone too: its index is rebuilt when it is back)
    #[command(after_help = "Examples:
  convene cache clean --dry-run
  convene cache clean")]
    Clean {
        /// Only say which indexes would be removed
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  convene info
  convene info --json")]
pub struct InfoArgs {
    /// Machine-readable output (JSON, schema `convene-info/1`)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  convene completions bash > ~/.local/share/bash-completion/completions/convene
  convene completions fish > ~/.config/fish/completions/convene.fish
(To complete protocol ids, session ids and group names too: `source <(COMPLETE=bash convene)`
in ~/.bashrc; docs/cli.md says how for zsh, fish and PowerShell.)")]
pub struct CompletionsArgs {
    /// The shell to complete convene's commands and options in
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  convene man > convene.1
  convene man run | man -l -
  convene man logs export > convene-logs-export.1")]
pub struct ManArgs {
    /// A command's own page (`convene man run` is convene-run(1), `convene man logs export`
    /// convene-logs-export(1)); without it, convene(1)
    #[arg(value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// How the screen behaves: shared by run and resume (resolved, [`crate::config::ScreenSettings`],
/// which the home screen, the mirror and the review browser take too).
#[derive(Debug, Args, Clone, Default)]
pub struct ScreenArgs {
    #[arg(
        long,
        help = "No terminal bell at the warning and at time up [env: CONVENE_QUIET=1] [config: quiet]"
    )]
    pub quiet: bool,
    #[arg(
        long,
        value_enum,
        value_name = "HOW",
        help = "How the cues sound: chime (the laptop's speakers), bell (the terminal's) or off [config: sound] [default: chime, or bell in a build without sound]"
    )]
    pub sound: Option<SoundMode>,
    #[arg(
        long,
        help = "No flash of the screen when the stage changes [env: CONVENE_NO_FLASH=1] [config: no-flash]"
    )]
    pub no_flash: bool,
    #[arg(
        long,
        value_enum,
        help = "Colour theme [env: CONVENE_THEME] [config: theme] [default: default]"
    )]
    pub theme: Option<ThemeName>,
}

#[derive(Debug, Args, Clone)]
#[command(after_help = "Examples:
  convene run project-tuning --people \"Priya,Ann,Ben,Cat\"
  convene run action-learning --roster set.csv --group \"AP set\" --start 08:30 --until 12:30 --stage questions=12m
  convene run middle-leader-session --roster people.csv --group \"ML 2026\" --session 2 --theme high-contrast")]
pub struct RunArgs {
    /// A protocol id from the library (`convene protocols`), or a path to a protocol file
    #[arg(add = complete::protocols())]
    pub protocol: String,
    /// The participants, in order, separated by commas, each with facts in parentheses if the
    /// protocol uses any: "Ann (Oak Primary), Ben (Elm; category: parent), Cat"
    #[arg(
        long,
        short = 'p',
        value_name = "NAMES",
        required_unless_present = "roster",
        conflicts_with = "roster"
    )]
    pub people: Option<String>,
    /// A roster file instead of --people: CSV with a "name" column; the other columns are facts
    /// (name,school,category)
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub roster: Option<PathBuf>,
    /// The recurring group this session belongs to, e.g. "AP set" (for follow-up)
    #[arg(long, value_name = "NAME", add = complete::groups())]
    pub group: Option<String>,
    #[arg(
        long,
        value_name = "NAME",
        help = "The facilitator's name [env: CONVENE_FACILITATOR] [config: facilitator]"
    )]
    pub facilitator: Option<String>,
    /// For a course: this session's number (default: 1 + the group's earlier sessions of the
    /// protocol), e.g. --session 2
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub session: Option<u32>,
    /// Change a stage's duration: --stage discussion=8m (repeatable)
    #[arg(long = "stage", value_name = "ID=DURATION")]
    pub stages: Vec<String>,
    /// The planned start, a time of today: --start 08:30. The planned end is the planned start
    /// plus the plan, so a session started late shows as late from its first second
    #[arg(long, value_name = "HH:MM", value_parser = crate::session::setup::parse_time_of_day)]
    pub start: Option<chrono::NaiveTime>,
    /// The hard stop, a time of today: --until 12:30. The screen says how far past it the session
    /// is projected to end, and l proposes new durations for the stages to come that land on it
    #[arg(long, value_name = "HH:MM", value_parser = crate::session::setup::parse_time_of_day)]
    pub until: Option<chrono::NaiveTime>,
    #[arg(
        long,
        help = "Move to the next stage by itself at time up [env: CONVENE_AUTO_ADVANCE=1] [config: auto-advance]"
    )]
    pub auto_advance: bool,
    #[arg(
        long,
        help = "Share the session with the devices in the room, read-only (docs/sharing.md) [config: share]"
    )]
    pub share: bool,
    #[command(flatten)]
    pub sharing: SharingArgs,
    #[command(flatten)]
    pub screen: ScreenArgs,
}

/// How a session is shared: `run --share` and `convene share`.
#[derive(Debug, Args, Clone, Default)]
pub struct SharingArgs {
    /// Listen on this address only (default: the computer's private addresses and loopback)
    #[arg(long, value_name = "ADDRESS")]
    pub share_addr: Option<std::net::IpAddr>,
    /// The first port to try (default 7341; the next free one if it is taken)
    #[arg(long, value_name = "PORT")]
    pub share_port: Option<u16>,
    #[arg(
        long,
        value_enum,
        help = "Names on the shared page [config: share-names] [default: first]"
    )]
    pub share_names: Option<Names>,
}

#[derive(Debug, Args, Clone)]
#[command(after_help = "Examples:
  convene share
  convene share 20261102-090000-000 --share-names initials
  convene share --share-addr 192.168.1.20 --share-port 8080")]
pub struct ShareArgs {
    /// Session id (default: the newest session still running)
    #[arg(add = complete::unfinished_ids())]
    pub id: Option<String>,
    #[command(flatten)]
    pub sharing: SharingArgs,
}

#[derive(Debug, Args, Clone)]
#[command(after_help = "Examples:
  convene resume
  convene resume --list
  convene resume 20261102-090000-000 --theme high-contrast
  convene resume --file /media/usb/20261102-090000-000.jsonl
  convene resume --share --share-names first")]
#[allow(clippy::struct_excessive_bools)] // one per switch on the command line
pub struct ResumeArgs {
    /// Session id (default: the newest unfinished session)
    #[arg(add = complete::unfinished_ids())]
    pub id: Option<String>,
    /// List unfinished sessions instead
    #[arg(long)]
    pub list: bool,
    /// With --list: machine-readable output (JSON, schema `convene-resume-list/1`)
    #[arg(long, requires = "list")]
    pub json: bool,
    /// Continue from a log saved elsewhere when the sessions folder could not be written: puts it
    /// back in the sessions folder, then resumes it
    #[arg(long, value_name = "PATH", conflicts_with_all = ["id", "list"])]
    pub file: Option<std::path::PathBuf>,
    /// Continue a session started on another laptop without asking first (stop it there first:
    /// run on both, it splits in two), also when its log's last line is cut short
    #[arg(long, conflicts_with = "list")]
    pub take_over: bool,
    #[arg(
        long,
        conflicts_with = "list",
        help = "Share the session with the devices in the room, read-only (docs/sharing.md) [config: share]"
    )]
    pub share: bool,
    #[command(flatten)]
    pub sharing: SharingArgs,
    #[command(flatten)]
    pub screen: ScreenArgs,
}

#[derive(Debug, Args, Clone)]
#[command(after_help = "Examples:
  convene mirror
  convene mirror 20261102-090000-000 --theme high-contrast")]
pub struct MirrorArgs {
    /// Session id (default: the newest session still running)
    #[arg(add = complete::unfinished_ids())]
    pub id: Option<String>,
    #[arg(
        long,
        help = "No flash of the screen when the stage changes [env: CONVENE_NO_FLASH=1] [config: no-flash]"
    )]
    pub no_flash: bool,
    #[arg(
        long,
        value_enum,
        help = "Colour theme [env: CONVENE_THEME] [config: theme] [default: default]"
    )]
    pub theme: Option<ThemeName>,
    /// Sound the cues here too, for a second room (alone: chime; or bell) [default: silent]
    #[arg(long, value_enum, value_name = "HOW", num_args = 0..=1, default_missing_value = "chime")]
    pub sound: Option<SoundMode>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  convene protocols --people 6
  convene protocols show coaching-triad --people 9
  convene protocols validate ./peer-review.json")]
pub struct ProtocolsArgs {
    #[command(subcommand)]
    pub action: Option<ProtocolsAction>,
    /// Quote totals for this many people (where the total depends on the group)
    #[arg(long, value_name = "N")]
    pub people: Option<usize>,
    /// Machine-readable output (JSON, schema `convene-protocols/1`)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ProtocolsAction {
    /// A table of every protocol (the default)
    #[command(after_help = "Examples:
  convene protocols list --people 6
  convene protocols list --json")]
    List {
        /// Quote totals for this many people (where the total depends on the group)
        #[arg(long, value_name = "N")]
        people: Option<usize>,
        /// Machine-readable output (JSON, schema `convene-protocols/1`)
        #[arg(long)]
        json: bool,
    },
    /// Every stage of one protocol, in order, with timings, cues, prompts and norms
    #[command(after_help = "Examples:
  convene protocols show coaching-triad --people 9
  convene protocols show ./peer-review.json --json")]
    Show {
        /// A protocol id, or a path to a protocol file
        #[arg(add = complete::protocols())]
        protocol: String,
        /// Quote the total for this many people
        #[arg(long, value_name = "N")]
        people: Option<usize>,
        /// Machine-readable output (JSON, schema `convene-protocol/1`)
        #[arg(long)]
        json: bool,
    },
    /// Check protocol files; exit status 0 when all are valid, 2 otherwise
    #[command(after_help = "Examples:
  convene protocols validate ./peer-review.json
  convene protocols validate ~/.config/convene/protocols/*.json")]
    Validate {
        /// The protocol files to check
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// The JSON Schema of protocol files, for editors (also shipped as
    /// schema/protocol.schema.json)
    Schema,
}

/// Filters shared by `logs list`, `logs export` and `report`.
#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// Only this protocol id
    #[arg(long, value_name = "ID", add = complete::protocols())]
    pub protocol: Option<String>,
    /// Only sessions with this participant (or facilitator)
    #[arg(long, value_name = "NAME")]
    pub person: Option<String>,
    /// Only this recurring group
    #[arg(long, value_name = "NAME", add = complete::groups())]
    pub group: Option<String>,
    /// Only sessions on or after this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only sessions on or before this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only sessions with this status
    #[arg(long, value_enum)]
    pub status: Option<StatusName>,
}

/// How a session finished, for `--status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusName {
    /// Ran to its last stage
    Completed,
    /// Ended before the last stage
    EndedEarly,
    /// Left to resume, or stopped without an end
    Unfinished,
}

impl StatusName {
    /// The word the review filter takes (`ended-early`).
    pub(crate) fn key(self) -> &'static str {
        match self {
            Self::Completed => "completed",
            Self::EndedEarly => "ended-early",
            Self::Unfinished => "unfinished",
        }
    }
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  convene logs
  convene logs list --group \"AP set\" --since 2026-09-01
  convene logs export 20261102-090000-000 --format md --redact -o minutes.md")]
pub struct LogsArgs {
    #[command(subcommand)]
    pub action: Option<LogsAction>,
}

#[derive(Debug, Subcommand)]
pub enum LogsAction {
    /// Sessions, newest first
    #[command(after_help = "Examples:
  convene logs list --group \"AP set\" --since 2026-09-01
  convene logs list --status unfinished --json")]
    List {
        #[command(flatten)]
        filter: FilterArgs,
        /// Machine-readable output (JSON, schema `convene-logs-list/1`)
        #[arg(long)]
        json: bool,
    },
    /// One session in detail, as readable text (or JSON)
    #[command(after_help = "Examples:
  convene logs show 20261102-090000-000
  convene logs show 202611 --json")]
    Show {
        /// The session's id (`convene logs list` shows them), or the start of it
        #[arg(add = complete::session_ids())]
        id: String,
        /// Machine-readable output: the session as `logs export --format json` writes it
        /// (schema `convene-session-export/1`)
        #[arg(long)]
        json: bool,
    },
    /// Export one session as Markdown minutes, printable HTML minutes, CSV (a row per stage run)
    /// or JSON; without an id, every session the filters select as one CSV (`--format csv`)
    #[command(after_help = "Examples:
  convene logs export 20261102-090000-000 --format md --redact -o minutes.md
  convene logs export 20261102-090000-000 --format html -o minutes.html --force
  convene logs export --format csv --group \"AP set\" --bom -o ap-set.csv")]
    Export {
        /// The session's id (`convene logs list` shows them), or the start of it; leave out to
        /// export every session the filters select as one CSV
        #[arg(add = complete::session_ids())]
        id: Option<String>,
        /// What to write
        #[arg(long, value_enum, default_value_t = ExportFormat::Md)]
        format: ExportFormat,
        /// Write to this file instead of standard output
        #[arg(long, short = 'o', value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
        output: Option<PathBuf>,
        /// With -o: replace the file if it exists
        #[arg(long, requires = "output")]
        force: bool,
        /// Replace names with role labels or initials and leave out private notes
        #[arg(long)]
        redact: bool,
        /// Start the CSV with a byte order mark, so that Excel reads it as UTF-8
        #[arg(long)]
        bom: bool,
        #[command(flatten)]
        filter: FilterArgs,
    },
}

/// Where a report or the commitments go: standard output or a file.
#[derive(Debug, Args, Clone, Default)]
pub struct DestinationArgs {
    /// Write to this file instead of standard output
    #[arg(long, short = 'o', value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub output: Option<PathBuf>,
    /// With -o: replace the file if it exists
    #[arg(long, requires = "output")]
    pub force: bool,
    /// Start the CSV with a byte order mark, so that Excel reads it as UTF-8
    #[arg(long)]
    pub bom: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  convene report --protocol project-tuning --since 2026-09-01
  convene report --group \"AP set\" --format csv --bom -o timings.csv")]
pub struct ReportArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// What to print
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Machine-readable output (JSON, schema `convene-report/1`); the same as --format json
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    #[command(flatten)]
    pub to: DestinationArgs,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  convene actions --group \"AP set\" --open
  convene actions --overdue --person Ann
  convene actions --format csv --bom -o actions.csv
  convene actions --open --format ics -o commitments.ics --force")]
pub struct ActionsArgs {
    /// Only this recurring group
    #[arg(long, value_name = "NAME", add = complete::groups())]
    pub group: Option<String>,
    /// Only commitments owned by this person
    #[arg(long, value_name = "NAME")]
    pub person: Option<String>,
    /// Only commitments still open
    #[arg(long)]
    pub open: bool,
    /// Only open commitments past their due date
    #[arg(long)]
    pub overdue: bool,
    /// What to print (`ics`: only the commitments with a due date)
    #[arg(long, value_enum, default_value_t = ActionsFormat::Text)]
    pub format: ActionsFormat,
    /// Machine-readable output (JSON, schema `convene-actions/1`); the same as --format json
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    #[command(flatten)]
    pub to: DestinationArgs,
}

/// How a type of the layers below is spelled on the command line: each value's word (as the
/// type's own `word()` says it, where it has one: a test below checks) and its help.
macro_rules! value_enum {
    ($ty:ty { $($variant:ident = $word:literal: $help:literal,)+ }) => {
        impl ValueEnum for $ty {
            fn value_variants<'a>() -> &'a [Self] {
                &[$(<$ty>::$variant),+]
            }

            fn to_possible_value(&self) -> Option<PossibleValue> {
                Some(match self {
                    $(<$ty>::$variant => PossibleValue::new($word).help($help),)+
                })
            }
        }
    };
}

value_enum!(ThemeName {
    Default = "default":
        "Colour-blind-safe colours (blue, orange, vermilion) on the terminal's background",
    HighContrast = "high-contrast":
        "Black and white with bold and reverse video, for washed-out projectors",
    Mono = "mono": "No colour at all (also chosen by the `NO_COLOR` environment variable)",
});

value_enum!(SoundMode {
    Chime = "chime":
        "Short tones through the laptop's speakers (the terminal's bell where this build has no sound)",
    Bell = "bell": "The terminal's bell (once at a warning or a cue, twice at time up)",
    Off = "off": "No sound at all (as --quiet)",
});

value_enum!(Names {
    Full = "full": "Names as typed on the roster",
    First = "first":
        "First names: \"Ann Lee\" shows as \"Ann\" (\"Ann L.\" where two share a first name)",
    Initials = "initials": "Initials: \"Ann Lee\" shows as \"A.L.\"",
    None = "none": "No names: \"Person 1\", \"Person 2\" and so on, in roster order",
});

value_enum!(ExportFormat {
    Md = "md": "Markdown minutes",
    Html = "html": "Minutes as one printable HTML page",
    Csv = "csv": "A row per stage run",
    Json = "json": "Everything, schema `convene-session-export/1`",
});

value_enum!(ReportFormat {
    Text = "text": "A table for people",
    Json = "json": "Schema `convene-report/1`",
    Csv = "csv": "A row per protocol and stage",
});

value_enum!(ActionsFormat {
    Text = "text": "A list for people",
    Json = "json": "Schema `convene-actions/1`",
    Csv = "csv": "A row per commitment",
    Ics = "ics":
        "An iCalendar file: an all-day event on each due day, for Outlook or Google Calendar",
});

impl DirArgs {
    /// The folders the command line gave (`None` where it gave none).
    pub(crate) fn given(&self) -> Dirs {
        Dirs {
            protocols_dir: self.protocols_dir.clone(),
            data_dir: self.data_dir.clone(),
            config_dir: self.config_dir.clone(),
        }
    }
}

impl Cli {
    /// What the command line gave for the settings [`crate::config::resolve`] resolves (flag >
    /// environment > config file > default): the folders, and the options of the command run.
    pub fn given(&self) -> Given {
        let mut g = Given { dirs: self.dirs.given(), ..Given::default() };
        let screen = match &self.command {
            Some(Command::Run(a)) => {
                g.auto_advance = a.auto_advance;
                g.facilitator.clone_from(&a.facilitator);
                g.share = a.share;
                g.share_names = a.sharing.share_names;
                Some(&a.screen)
            }
            Some(Command::Resume(a)) => {
                g.share = a.share;
                g.share_names = a.sharing.share_names;
                Some(&a.screen)
            }
            Some(Command::Share(a)) => {
                g.share_names = a.sharing.share_names;
                None
            }
            Some(Command::Mirror(a)) => {
                g.theme = a.theme;
                g.no_flash = a.no_flash;
                None
            }
            _ => None,
        };
        if let Some(s) = screen {
            g.theme = s.theme;
            g.quiet = s.quiet;
            g.sound = s.sound;
            g.no_flash = s.no_flash;
        }
        g
    }
}

impl SharingArgs {
    /// How to share: the address and port asked for, and the names in effect (`--share-names`,
    /// else `share-names` in config.toml, else first names).
    pub fn options(&self, settings: &Settings) -> ShareOptions {
        ShareOptions {
            addr: self.share_addr,
            port: self.share_port,
            names: settings.share_names.value,
            ..ShareOptions::default()
        }
    }
}

impl RunArgs {
    /// `convene run`'s request, with the settings in effect.
    pub fn request(self, settings: &Settings) -> RunRequest {
        RunRequest {
            sharing: self.sharing.options(settings),
            protocol: self.protocol,
            people: self.people,
            roster: self.roster,
            group: self.group,
            facilitator: settings.facilitator.value.clone(),
            session: self.session,
            stages: self.stages,
            start: self.start,
            until: self.until,
            auto_advance: settings.auto_advance.value,
            share: settings.share.value,
            screen: settings.screen(),
        }
    }
}

impl ResumeArgs {
    /// `convene resume`'s request (not `--list`), with the settings in effect.
    pub fn request(self, settings: &Settings) -> ResumeRequest {
        ResumeRequest {
            sharing: self.sharing.options(settings),
            id: self.id,
            file: self.file,
            take_over: self.take_over,
            share: settings.share.value,
            screen: settings.screen(),
        }
    }
}

impl ProtocolsArgs {
    /// What `convene protocols` asks, `--people` and `--json` taken before the action
    /// (`protocols --json`) and after it.
    pub fn request(self) -> ProtocolsRequest {
        match self.action {
            None => ProtocolsRequest::List { people: self.people, json: self.json },
            Some(ProtocolsAction::List { people, json }) => {
                ProtocolsRequest::List { people: people.or(self.people), json: json || self.json }
            }
            Some(ProtocolsAction::Show { protocol, people, json }) => ProtocolsRequest::Show {
                protocol,
                people: people.or(self.people),
                json: json || self.json,
            },
            Some(ProtocolsAction::Validate { files }) => ProtocolsRequest::Validate { files },
            Some(ProtocolsAction::Schema) => ProtocolsRequest::Schema,
        }
    }
}

impl FilterArgs {
    /// The filters as typed, for the review.
    pub(crate) fn filter(self) -> LogFilter {
        LogFilter {
            protocol: self.protocol,
            person: self.person,
            group: self.group,
            since: self.since,
            until: self.until,
            status: self.status.map(|s| s.key().to_string()),
        }
    }
}

impl From<DestinationArgs> for Destination {
    fn from(d: DestinationArgs) -> Self {
        Self { output: d.output, force: d.force, bom: d.bom }
    }
}

impl LogsAction {
    /// What `convene logs list`, `show` or `export` asks.
    pub fn action(self) -> crate::commands::review::LogsAction {
        use crate::commands::review::LogsAction as Asked;
        match self {
            Self::List { filter, json } => Asked::List { filter: filter.filter(), json },
            Self::Show { id, json } => Asked::Show { id, json },
            Self::Export { id, format, output, force, redact, bom, filter } => Asked::Export {
                id,
                format,
                to: Destination { output, force, bom },
                redact,
                filter: filter.filter(),
            },
        }
    }
}

impl ReportArgs {
    /// What `convene report` asks (`--json` is `--format json`).
    pub fn request(self) -> ReportRequest {
        ReportRequest {
            filter: self.filter.filter(),
            format: if self.json { ReportFormat::Json } else { self.format },
            to: self.to.into(),
        }
    }
}

impl ActionsArgs {
    /// What `convene actions` asks (`--json` is `--format json`).
    pub fn request(self) -> ActionsRequest {
        ActionsRequest {
            group: self.group,
            person: self.person,
            open: self.open,
            overdue: self.overdue,
            format: if self.json { ActionsFormat::Json } else { self.format },
            to: self.to.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The command line spells a theme and a choice of names as config.toml and `convene info`
    /// do (the types' own `word()`).
    #[test]
    fn every_theme_and_choice_of_names_has_the_same_word_everywhere() {
        for t in ThemeName::value_variants() {
            let name = t.to_possible_value().map(|v| v.get_name().to_string());
            assert_eq!(name.as_deref(), Some(t.word()));
        }
        assert_eq!(ThemeName::value_variants(), ThemeName::ALL);
        for n in Names::value_variants() {
            let name = n.to_possible_value().map(|v| v.get_name().to_string());
            assert_eq!(name.as_deref(), Some(n.word()));
        }
        assert_eq!(Names::value_variants(), Names::ALL);
    }
}
