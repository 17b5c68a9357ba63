//! The review browser (placeholder while the library is built).

use std::process::ExitCode;

pub fn browse(_dirs: &crate::cli::Dirs) -> color_eyre::Result<ExitCode> {
    Ok(ExitCode::from(2))
}
