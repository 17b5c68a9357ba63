//! `convene logs`, `convene report`, `convene actions`: reviewing past sessions.

use std::process::ExitCode;

use crate::cli::{ActionsArgs, Dirs, LogsArgs, ReportArgs};

pub fn logs(_dirs: &Dirs, _args: &LogsArgs) -> color_eyre::Result<ExitCode> {
    eprintln!("convene: session review is not built yet");
    Ok(ExitCode::from(2))
}

pub fn report(_dirs: &Dirs, _args: &ReportArgs) -> color_eyre::Result<ExitCode> {
    eprintln!("convene: the report is not built yet");
    Ok(ExitCode::from(2))
}

pub fn actions(_dirs: &Dirs, _args: &ActionsArgs) -> color_eyre::Result<ExitCode> {
    eprintln!("convene: the actions list is not built yet");
    Ok(ExitCode::from(2))
}
