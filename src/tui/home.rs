//! The home screen (`convene` alone): pick a protocol, type the participants, review, start.

use std::process::ExitCode;

use crate::cli::Dirs;

pub fn run(_dirs: &Dirs) -> color_eyre::Result<ExitCode> {
    Ok(ExitCode::from(2))
}
