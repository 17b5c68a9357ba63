//! The full-screen views: the live facilitation screen, the home screen, resume and the mirror.

pub mod logs;

use std::process::ExitCode;

use crate::cli::{Dirs, MirrorArgs, ResumeArgs, RunArgs};

pub fn home(_dirs: &Dirs) -> color_eyre::Result<ExitCode> {
    Ok(ExitCode::from(2))
}

pub fn run(_dirs: &Dirs, _args: &RunArgs) -> color_eyre::Result<ExitCode> {
    Ok(ExitCode::from(2))
}

pub fn resume(_dirs: &Dirs, _args: &ResumeArgs) -> color_eyre::Result<ExitCode> {
    Ok(ExitCode::from(2))
}

pub fn mirror(_dirs: &Dirs, _args: &MirrorArgs) -> color_eyre::Result<ExitCode> {
    Ok(ExitCode::from(2))
}
