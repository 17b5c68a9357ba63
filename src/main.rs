//! The `convene` binary: install error reporting, parse the command line, dispatch.

use std::process::ExitCode;

use clap::Parser;
use convene::cli::{Cli, Command};
use convene::commands;

fn main() -> color_eyre::Result<ExitCode> {
    color_eyre::install()?;
    let cli = Cli::parse();
    let code = match cli.command {
        Some(Command::Protocols(args)) => commands::protocols::run(&cli.dirs, &args)?,
        None => commands::protocols::run(
            &cli.dirs,
            &convene::cli::ProtocolsArgs { action: None, people: None },
        )?,
    };
    Ok(code)
}
