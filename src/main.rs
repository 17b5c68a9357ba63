//! The `convene` binary: install the panic report, parse the command line, dispatch, and turn what
//! comes back into an exit code.
//!
//! Exit codes: 0 success, 2 bad input or usage (a wrong id, an invalid file, a refused roster;
//! clap's own usage errors are 2 too), 1 a failure of the machine (a disk that can't be written,
//! a terminal that can't be drawn on). Failures are printed as plain `convene:` lines; the full
//! colour-eyre report is kept for genuine bugs (panics), without colour when standard error is
//! not a terminal or `NO_COLOR` is set.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use convene::cli::{Cli, Command};
use convene::{commands, output, tui};

fn main() -> ExitCode {
    install_panic_report();
    let cli = Cli::parse();
    let dirs = &cli.dirs;
    let result = match cli.command {
        None => tui::home(dirs),
        Some(Command::Run(args)) => tui::run(dirs, &args),
        Some(Command::Resume(args)) => tui::resume(dirs, &args),
        Some(Command::Mirror(args)) => tui::mirror(dirs, &args),
        Some(Command::Protocols(args)) => commands::protocols::run(dirs, &args),
        Some(Command::Logs(args)) => commands::review::logs(dirs, &args),
        Some(Command::Report(args)) => commands::review::report(dirs, &args),
        Some(Command::Actions(args)) => commands::review::actions(dirs, &args),
    };
    match result {
        Ok(code) => code,
        // Everything that reaches here is the machine's failure (a disk, the terminal): one line.
        Err(report) => {
            let causes: Vec<String> = report.chain().map(ToString::to_string).collect();
            output::fail(output::FAILURE, &causes.join(": "))
        }
    }
}

/// colour-eyre's panic report (the terminal is restored first by ratatui's own hook), plain when
/// standard error is not a terminal or `NO_COLOR` is set.
fn install_panic_report() {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let mut hook = color_eyre::config::HookBuilder::default();
    if no_color || !std::io::stderr().is_terminal() {
        hook = hook.theme(color_eyre::config::Theme::new());
    }
    if let Err(e) = hook.install() {
        output::error(&format!("cannot install the panic report: {e}"));
    }
}
