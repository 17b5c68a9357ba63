//! `convene completions SHELL` and `convene man [COMMAND]`: made from the same definitions as the
//! command line itself ([`crate::cli::command`]), so they never fall behind it.

use std::process::ExitCode;

use crate::cli::{CompletionsArgs, ManArgs};
use crate::output;

/// The completion script for a shell.
pub fn completion_script(shell: clap_complete::Shell) -> String {
    let mut cmd = crate::cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "convene", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

pub fn completions(args: &CompletionsArgs) -> ExitCode {
    output::finish(output::print(&completion_script(args.shell)))
}

/// The manual page of convene (`None`) or of one of its commands (`convene-run(1)`), in roff.
///
/// # Errors
/// A command convene does not have, with the ones it has.
pub fn man_page(command: Option<&str>) -> Result<String, String> {
    let mut cmd = crate::cli::command().disable_help_subcommand(true);
    // Built, every command knows its full name (`convene-run`), which the page is titled with.
    cmd.build();
    let page = match command {
        None => cmd,
        Some(name) => cmd.find_subcommand(name).cloned().ok_or_else(|| {
            let names: Vec<&str> = cmd.get_subcommands().map(clap::Command::get_name).collect();
            format!(
                "no command \"{}\": the pages are convene and convene-COMMAND for {}",
                crate::text::sanitize(name),
                names.join(", ")
            )
        })?,
    };
    let mut buf = Vec::new();
    clap_mangen::Man::new(page)
        .source(format!("convene {}", env!("CARGO_PKG_VERSION")))
        .render(&mut buf)
        .map_err(|e| format!("cannot write the manual page: {e}"))?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

pub fn man(args: &ManArgs) -> ExitCode {
    match man_page(args.command.as_deref()) {
        Ok(page) => output::finish(output::print(&page)),
        Err(e) => output::fail(output::BAD_INPUT, &e),
    }
}
