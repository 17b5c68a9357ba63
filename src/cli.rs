//! Command-line definitions (clap derive). Dispatch lives in `main.rs`; behaviour in `commands`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "convene",
    version,
    about = "Run structured facilitation protocols from a terminal on a projector",
    long_about = None
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
    /// Folder of your own protocol files (*.json) [default: your config folder]/convene/protocols
    #[arg(long, global = true, env = "CONVENE_PROTOCOLS_DIR", value_name = "DIR")]
    pub protocols_dir: Option<PathBuf>,
    /// Folder where session logs are kept [default: your data folder]/convene
    #[arg(long, global = true, env = "CONVENE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List, show and validate protocols
    Protocols(ProtocolsArgs),
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
