//! The `convene` binary: install error reporting, parse the command line, dispatch.

use std::process::ExitCode;

use clap::Parser;
use convene::cli::{Cli, Command};
use convene::{commands, tui};

fn main() -> color_eyre::Result<ExitCode> {
    color_eyre::install()?;
    let cli = Cli::parse();
    let dirs = &cli.dirs;
    match cli.command {
        None => tui::home(dirs),
        Some(Command::Run(args)) => tui::run(dirs, &args),
        Some(Command::Resume(args)) => tui::resume(dirs, &args),
        Some(Command::Mirror(args)) => tui::mirror(dirs, &args),
        Some(Command::Protocols(args)) => commands::protocols::run(dirs, &args),
        Some(Command::Logs(args)) => commands::review::logs(dirs, &args),
        Some(Command::Report(args)) => commands::review::report(dirs, &args),
        Some(Command::Actions(args)) => commands::review::actions(dirs, &args),
    }
}
