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

use clap::FromArgMatches;
use convene::cli::{self, Cli, Command};
use convene::config::{self, Given};
use convene::{commands, output, tui};

fn main() -> ExitCode {
    install_panic_report();
    let cli = Cli::from_arg_matches(&cli::command().get_matches()).unwrap_or_else(|e| e.exit());
    // Printing these needs no settings: a broken config file does not stop them.
    match &cli.command {
        Some(Command::Completions(args)) => return commands::shell::completions(args),
        Some(Command::Man(args)) => return commands::shell::man(args),
        _ => {}
    }
    let settings = match config::resolve(&given(&cli)) {
        Ok(s) => s,
        Err(e) => return output::fail(output::BAD_INPUT, &e.to_string()),
    };
    let dirs = &settings.dirs();
    let result = match cli.command {
        None => tui::home(dirs, &settings.home()),
        Some(Command::Run(mut args)) => {
            args.screen = settings.screen();
            args.auto_advance = settings.auto_advance.value;
            args.facilitator.clone_from(&settings.facilitator.value);
            args.share = settings.share.value;
            args.sharing.share_names = Some(settings.share_names.value);
            tui::run(dirs, &args)
        }
        Some(Command::Resume(args)) if args.list => Ok(commands::resume::run(dirs, args.json)),
        Some(Command::Resume(mut args)) => {
            args.screen = settings.screen();
            tui::resume(dirs, &args)
        }
        Some(Command::Mirror(mut args)) => {
            args.theme = Some(settings.theme.value);
            args.no_flash = settings.no_flash.value;
            tui::mirror(dirs, &args)
        }
        Some(Command::Share(args)) => tui::share(dirs, &args),
        Some(Command::Protocols(args)) => commands::protocols::run(dirs, &args),
        Some(Command::Logs(mut args)) => {
            args.theme = Some(settings.theme.value);
            commands::review::logs(dirs, &args)
        }
        Some(Command::Report(args)) => commands::review::report(dirs, &args),
        Some(Command::Actions(args)) => commands::review::actions(dirs, &args),
        Some(Command::Info(args)) => Ok(commands::info::run(&settings, &args)),
        Some(Command::Completions(_) | Command::Man(_)) => Ok(ExitCode::SUCCESS),
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

/// What the command line gave for the settings [`config::resolve`] resolves.
fn given(cli: &Cli) -> Given {
    let mut g = Given { dirs: cli.dirs.clone(), ..Given::default() };
    let screen = match &cli.command {
        Some(Command::Run(a)) => {
            g.auto_advance = a.auto_advance;
            g.facilitator.clone_from(&a.facilitator);
            g.share = a.share;
            g.share_names = a.sharing.share_names;
            Some(&a.screen)
        }
        Some(Command::Resume(a)) => Some(&a.screen),
        Some(Command::Mirror(a)) => {
            g.theme = a.theme;
            g.no_flash = a.no_flash;
            None
        }
        _ => None,
    };
    if let Some(s) = screen {
        g.theme = s.theme;
        g.quiet = s.quiet;
        g.no_flash = s.no_flash;
    }
    g
}
