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
use convene::cli::{self, CacheAction, Cli, Command};
use convene::{commands, config, output, tui};

fn main() -> ExitCode {
    // A shell asking for completions (`COMPLETE=bash convene -- convene run coa`): answered and
    // exited here, before anything is printed (src/cli/complete.rs).
    clap_complete::CompleteEnv::with_factory(cli::command).complete();
    install_panic_report();
    let cli = match cli::command().try_get_matches().and_then(|m| Cli::from_arg_matches(&m)) {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    // Printing these needs no settings: a broken config file does not stop them.
    match &cli.command {
        Some(Command::Completions(args)) => return cli::shell::completions(args),
        Some(Command::Man(args)) => return cli::shell::man(args),
        // What convene-live asks of convene: the settings are in what it hands over.
        Some(Command::Handoff) => return tui::handoff::from_live(),
        Some(Command::IndexUpdate(args)) => {
            tui::launch::index_now(&args.data);
            return ExitCode::SUCCESS;
        }
        Some(Command::RememberPresentation(args)) => {
            return match config::remember_presentation(&args.config_dir, args.state == "on") {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => output::fail(output::FAILURE, &e),
            };
        }
        _ => {}
    }
    // Each command gets its request and the settings in effect, never its arguments.
    let settings = match config::resolve(&cli.given()) {
        Ok(s) => s,
        Err(e) => return output::fail(output::BAD_INPUT, &e.to_string()),
    };
    let dirs = &settings.dirs();
    let result = match cli.command {
        None => tui::home(dirs, &settings.home()),
        Some(Command::Run(args)) => tui::run(dirs, &args.request(&settings)),
        Some(Command::Resume(args)) if args.list => Ok(commands::resume::run(dirs, args.json)),
        Some(Command::Resume(args)) => tui::resume(dirs, &args.request(&settings)),
        Some(Command::Mirror(args)) => {
            tui::mirror(dirs, args.id.as_deref(), settings.screen(), args.sound)
        }
        Some(Command::Share(args)) => {
            tui::share(dirs, args.id.as_deref(), &args.sharing.options(&settings))
        }
        Some(Command::Protocols(args)) => commands::protocols::run(dirs, &args.request()),
        Some(Command::Logs(args)) => match args.action {
            None => commands::review::browse(dirs, settings.theme.value),
            Some(action) => commands::review::logs(dirs, &action.action()),
        },
        Some(Command::Report(args)) => commands::review::report(dirs, &args.request()),
        Some(Command::Actions(args)) => commands::review::actions(dirs, &args.request()),
        Some(Command::Info(args)) => Ok(commands::info::run(&settings, args.json)),
        Some(Command::Cache(args)) => {
            let CacheAction::Clean { dry_run } = args.action;
            Ok(commands::cache::run(dry_run))
        }
        Some(
            Command::Completions(_)
            | Command::Man(_)
            | Command::Handoff
            | Command::IndexUpdate(_)
            | Command::RememberPresentation(_),
        ) => Ok(ExitCode::SUCCESS),
    };
    // Everything that fails here is the machine's failure (a disk, the terminal): one line.
    output::exit_code(result)
}

/// clap's answer to a command line it could not parse: help and the version as clap prints them;
/// a usage error as every other error, `convene: WHAT` with clap's tip and usage lines indented
/// under it, exit status 2.
fn usage_error(e: &clap::Error) -> ExitCode {
    if !e.use_stderr() {
        e.exit();
    }
    let code = u8::try_from(e.exit_code()).unwrap_or(output::BAD_INPUT);
    let text = e.render().to_string();
    // A command that needs one of its commands (`convene cache`): its help, as help is shown.
    if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        let help: Vec<String> = text
            .trim_end()
            .lines()
            .map(|l| if l.is_empty() { String::new() } else { format!("  {l}") })
            .collect();
        return output::fail(code, &format!("a command is needed here:\n{}", help.join("\n")));
    }
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let first = lines.next().unwrap_or("the command line could not be read");
    let mut msg = first.strip_prefix("error: ").unwrap_or(first).to_string();
    for line in lines {
        // clap's tips are indented already; its usage line is not.
        msg.push_str(if line.starts_with(' ') { "\n" } else { "\n  " });
        msg.push_str(line.trim_end());
    }
    output::fail(code, &msg)
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
