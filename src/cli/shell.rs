//! `convene completions SHELL` and `convene man [COMMAND]`: made from the same definitions as the
//! command line itself ([`super::command`]), so they never fall behind it. They are the clap
//! definitions printed, so they live with them, under `cli`.

use std::process::ExitCode;

use super::{CompletionsArgs, ManArgs};
use crate::output;

/// The completion script for a shell.
pub(crate) fn completion_script(shell: clap_complete::Shell) -> String {
    let mut cmd = super::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "convene", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

pub fn completions(args: &CompletionsArgs) -> ExitCode {
    output::finish(output::print(&completion_script(args.shell)))
}

/// The manual page of convene (no names), or of one of its commands (`["run"]` is
/// `convene-run(1)`, `["logs", "export"]` is `convene-logs-export(1)`), in roff. Every page
/// named in another's COMMANDS section can be made this way.
///
/// # Errors
/// A command convene does not have, with the ones it has at that level.
pub(crate) fn man_page(names: &[String]) -> Result<String, String> {
    let mut cmd = super::command().disable_help_subcommand(true);
    // Built, every command knows its full name (`convene-logs-export`), which the page is titled
    // with and which names the pages of its own commands.
    cmd.build();
    let mut page = cmd;
    let mut path = String::from("convene");
    for name in names {
        let next = page.find_subcommand(name).cloned().ok_or_else(|| {
            let names: Vec<&str> = page.get_subcommands().map(clap::Command::get_name).collect();
            if names.is_empty() {
                format!(
                    "no command \"{}\": {path} has no commands of its own",
                    crate::text::sanitize(name)
                )
            } else {
                format!(
                    "no command \"{}\": the pages are {path} and {path}-COMMAND for {}",
                    crate::text::sanitize(name),
                    names.join(", ")
                )
            }
        })?;
        path = format!("{path}-{}", next.get_name());
        page = next;
    }
    render(page).map_err(|e| format!("cannot write the manual page: {e}"))
}

/// The page's sections: clap's (NAME, SYNOPSIS, DESCRIPTION, OPTIONS, COMMANDS, EXTRA), then
/// EXIT STATUS, ENVIRONMENT and FILES, then VERSION.
fn render(page: clap::Command) -> std::io::Result<String> {
    let has_args = page.get_arguments().any(|a| !a.is_hide_set());
    let has_commands = page.get_subcommands().any(|c| !c.is_hide_set());
    let has_extra = page.get_after_help().is_some() || page.get_after_long_help().is_some();
    let has_version = page.get_version().is_some() || page.get_long_version().is_some();
    let man = clap_mangen::Man::new(page).source(format!("convene {}", env!("CARGO_PKG_VERSION")));
    let mut buf = Vec::new();
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    man.render_synopsis_section(&mut buf)?;
    man.render_description_section(&mut buf)?;
    if has_args {
        man.render_options_section(&mut buf)?;
    }
    if has_commands {
        man.render_subcommands_section(&mut buf)?;
    }
    if has_extra {
        man.render_extra_section(&mut buf)?;
    }
    buf.extend_from_slice(MORE_SECTIONS.as_bytes());
    if has_version {
        man.render_version_section(&mut buf)?;
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// What every page says about exit codes, the environment and the files (roff; docs/cli.md says
/// the same at more length).
const MORE_SECTIONS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
Success.
.TP
\fB1\fR
A failure of the machine: a disk or file that can't be read or written, no terminal to draw on.
.TP
\fB2\fR
Bad input or usage: an unknown command, option, id or protocol, an invalid file, a refused roster, a broken config file; also a protocol file that \fBconvene protocols validate\fR finds invalid.
.SH ENVIRONMENT
Options given on the command line win over the environment, which wins over config.toml. An empty variable counts as unset.
.TP
\fBCONVENE_DATA_DIR\fR, \fBCONVENE_PROTOCOLS_DIR\fR, \fBCONVENE_CONFIG_DIR\fR
The data folder (session logs), your own protocols, and the folder of config.toml.
.TP
\fBCONVENE_CACHE_DIR\fR
Where the review indexes are kept (default: the platform's cache folder).
.TP
\fBCONVENE_THEME\fR, \fBCONVENE_QUIET\fR, \fBCONVENE_NO_FLASH\fR, \fBCONVENE_AUTO_ADVANCE\fR, \fBCONVENE_FACILITATOR\fR
The screen's settings and the facilitator's name (1 or 0 for the switches).
.TP
\fBCONVENE_TODAY\fR
The day the review takes as today (YYYY-MM-DD), for overdue commitments.
.TP
\fBNO_COLOR\fR
Set and not empty: no colour (the \fBmono\fR theme).
.TP
\fBCOLUMNS\fR
The terminal's width for tables, when standard output is a terminal.
.TP
\fBCOMPLETE\fR
Set by the shell's completion script (COMPLETE=bash convene): convene prints completions instead of running.
.SH FILES
.TP
\fIconfig.toml\fR
In the config folder (~/.config/convene on Linux, ~/Library/Application Support/convene on macOS, %APPDATA%\econvene\econfig on Windows): the settings.
.TP
\fIprotocols/*.json\fR
In the config folder: your own protocols.
.TP
\fIsessions/YYYY-MM/ID.jsonl\fR
In the data folder (~/.local/share/convene on Linux): one log per session, the source of truth.
.TP
\fIindex/sessions-HASH.sqlite\fR
In the cache folder (~/.cache/convene on Linux): the review index of one data folder, rebuilt when missing; \fBconvene cache clean\fR removes those of folders that are gone.
.PP
\fBconvene info\fR shows the folders in effect on this computer.
"#;

pub fn man(args: &ManArgs) -> ExitCode {
    match man_page(&args.command) {
        Ok(page) => output::finish(output::print(&page)),
        Err(e) => output::fail(output::BAD_INPUT, &e),
    }
}
