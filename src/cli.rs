//! Command-line definitions (clap derive). Dispatch lives in `main.rs`; behaviour in `commands`
//! and `tui`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "convene",
    version,
    about = "Run structured facilitation protocols from a terminal on a projector",
    long_about = "Run structured facilitation protocols (project tuning, action learning sets, \
coaching triads, STORM, GROW) from a terminal on a projector. With no command, opens the home \
screen to pick a protocol and start a session."
)]
pub struct Cli {
    #[command(flatten)]
    pub dirs: Dirs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Folders convene reads from and writes to.
#[derive(Debug, Args, Clone, Default)]
pub struct Dirs {
    /// Folder of your own protocol files (*.json) [default: <config dir>/convene/protocols]
    #[arg(long, global = true, env = "CONVENE_PROTOCOLS_DIR", value_name = "DIR")]
    pub protocols_dir: Option<PathBuf>,
    /// Folder where session logs are kept [default: <data dir>/convene]
    #[arg(long, global = true, env = "CONVENE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a live session on the projected screen
    Run(RunArgs),
    /// Continue an unfinished session (the newest, or the one named)
    Resume(ResumeArgs),
    /// Show a running session read-only, for a second screen (the projector)
    Mirror(MirrorArgs),
    /// List, show and validate protocols
    Protocols(ProtocolsArgs),
    /// Review past sessions (a full-screen browser; or list, show, export)
    Logs(LogsArgs),
    /// Planned against actual time across sessions, per protocol and stage
    Report(ReportArgs),
    /// Commitments across sessions, with owners, due dates and follow-ups
    Actions(ActionsArgs),
}

/// Colours for the live screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ThemeName {
    /// Colour-blind-safe colours (blue, orange, vermilion) on the terminal's background
    #[default]
    Default,
    /// Black and white with bold and reverse video, for washed-out projectors
    HighContrast,
    /// No colour at all (also chosen by the `NO_COLOR` environment variable)
    Mono,
}

/// How the screen behaves: shared by run, resume and mirror.
#[derive(Debug, Args, Clone, Default)]
pub struct ScreenArgs {
    /// No terminal bell at the warning and at time up
    #[arg(long)]
    pub quiet: bool,
    /// No flash of the screen when the stage changes
    #[arg(long)]
    pub no_flash: bool,
    /// Colour theme
    #[arg(long, value_enum, default_value_t = ThemeName::Default)]
    pub theme: ThemeName,
}

#[derive(Debug, Args, Clone)]
pub struct RunArgs {
    /// A protocol id from the library (`convene protocols`), or a path to a protocol file
    pub protocol: String,
    /// The participants, in order, separated by commas: "Ann,Ben,Cat"
    #[arg(long, short = 'p', value_name = "NAMES")]
    pub people: String,
    /// The recurring group this session belongs to, e.g. "AP set" (for follow-up)
    #[arg(long, value_name = "NAME")]
    pub group: Option<String>,
    /// The facilitator's name
    #[arg(long, value_name = "NAME")]
    pub facilitator: Option<String>,
    /// Change a stage's duration: --stage discussion=8m (repeatable)
    #[arg(long = "stage", value_name = "ID=DURATION")]
    pub stages: Vec<String>,
    /// Move to the next stage by itself at time up
    #[arg(long)]
    pub auto_advance: bool,
    #[command(flatten)]
    pub screen: ScreenArgs,
}

#[derive(Debug, Args, Clone)]
pub struct ResumeArgs {
    /// Session id (default: the newest unfinished session)
    pub id: Option<String>,
    /// List unfinished sessions instead
    #[arg(long)]
    pub list: bool,
    /// Continue from a log saved elsewhere when the sessions folder could not be written: puts it
    /// back in the sessions folder, then resumes it
    #[arg(long, value_name = "PATH", conflicts_with_all = ["id", "list"])]
    pub file: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub screen: ScreenArgs,
}

#[derive(Debug, Args, Clone)]
pub struct MirrorArgs {
    /// Session id (default: the newest session still running)
    pub id: Option<String>,
    /// Colour theme
    #[arg(long, value_enum, default_value_t = ThemeName::Default)]
    pub theme: ThemeName,
}

#[derive(Debug, Args)]
pub struct ProtocolsArgs {
    #[command(subcommand)]
    pub action: Option<ProtocolsAction>,
    /// Quote totals for this many people (where the total depends on the group)
    #[arg(long, value_name = "N")]
    pub people: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub enum ProtocolsAction {
    /// A table of every protocol (the default)
    List,
    /// Every stage of one protocol, in order, with timings, cues, prompts and norms
    Show {
        /// A protocol id, or a path to a protocol file
        protocol: String,
        /// Quote the total for this many people
        #[arg(long, value_name = "N")]
        people: Option<usize>,
    },
    /// Check protocol files; exit status 0 when all are valid, 2 otherwise
    Validate {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

/// Filters shared by `logs list` and `report`.
#[derive(Debug, Args, Clone, Default)]
pub struct LogFilter {
    /// Only this protocol id
    #[arg(long, value_name = "ID")]
    pub protocol: Option<String>,
    /// Only sessions with this participant (or facilitator)
    #[arg(long, value_name = "NAME")]
    pub person: Option<String>,
    /// Only this recurring group
    #[arg(long, value_name = "NAME")]
    pub group: Option<String>,
    /// Only sessions on or after this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only sessions on or before this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only sessions with this status: completed, ended-early, unfinished
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,
}

#[derive(Debug, Args)]
pub struct LogsArgs {
    #[command(subcommand)]
    pub action: Option<LogsAction>,
}

#[derive(Debug, Subcommand)]
pub enum LogsAction {
    /// Sessions, newest first
    List {
        #[command(flatten)]
        filter: LogFilter,
        /// Machine-readable output
        #[arg(long)]
        json: bool,
    },
    /// One session in detail, as readable text
    Show { id: String },
    /// Export one session as Markdown minutes, CSV (a row per stage run) or JSON; without an
    /// id, every session the filters select as one CSV (`--format csv`)
    Export {
        /// The session (or a unique beginning of its id); leave out to export many as CSV
        id: Option<String>,
        #[arg(long, value_enum, default_value_t = ExportFormat::Md)]
        format: ExportFormat,
        /// Write to this file instead of standard output
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
        /// Replace names with role labels or initials and leave out private notes
        #[arg(long)]
        redact: bool,
        /// Start the CSV with a byte order mark, so that Excel reads it as UTF-8
        #[arg(long)]
        bom: bool,
        #[command(flatten)]
        filter: LogFilter,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Md,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub filter: LogFilter,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ActionsArgs {
    /// Only this recurring group
    #[arg(long, value_name = "NAME")]
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
    #[arg(long)]
    pub json: bool,
}
