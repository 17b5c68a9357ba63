//! `convene logs`, `convene report`, `convene actions`: reviewing past sessions. The queries
//! live in [`crate::review`]; this file parses options, prints, and turns errors into messages.

use std::io::Write as _;
use std::process::ExitCode;

use crate::cli::{ActionsArgs, Dirs, ExportFormat, LogsAction, LogsArgs, ReportArgs};
use crate::review::actions::{ActionFilter, actions as list_actions};
use crate::review::{self, Filter, ReviewError, detail, export, list, report as rep};

fn fail(e: &ReviewError) -> ExitCode {
    eprintln!("convene: {e}");
    ExitCode::from(2)
}

fn print(text: &str) -> color_eyre::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        // A closed pipe (`| head`) is not an error worth a report.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e.into()),
        Ok(()) => Ok(ExitCode::SUCCESS),
    }
}

fn json<T: serde::Serialize>(value: &T) -> color_eyre::Result<ExitCode> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    print(&text)
}

pub fn logs(dirs: &Dirs, args: &LogsArgs) -> color_eyre::Result<ExitCode> {
    let Some(action) = &args.action else {
        if let Some(code) = crate::tui::need_terminal() {
            eprintln!("convene: `convene logs list` prints the sessions without a terminal");
            return Ok(code);
        }
        return crate::tui::logs::browse(dirs);
    };
    let data = match review::data_dir(dirs.data_dir.as_deref()) {
        Ok(d) => d,
        Err(e) => return Ok(fail(&e)),
    };
    match action {
        LogsAction::List { filter, json: as_json } => {
            let filter = match Filter::from_cli(filter) {
                Ok(f) => f,
                Err(e) => return Ok(fail(&e)),
            };
            let scan = match review::scan(&data) {
                Ok(s) => s,
                Err(e) => return Ok(fail(&e)),
            };
            if *as_json {
                json(&list::json(&scan, &filter))
            } else {
                print(&list::table(&scan, &filter))
            }
        }
        LogsAction::Show { id } => match detail::load(&data, id) {
            Ok(s) => print(&detail::show(&s)),
            Err(e) => Ok(fail(&e)),
        },
        LogsAction::Export { id, format, output, redact } => {
            let sess = match detail::load(&data, id) {
                Ok(s) => s,
                Err(e) => return Ok(fail(&e)),
            };
            let text = match format {
                ExportFormat::Md => Ok(export::markdown(&sess, *redact)),
                ExportFormat::Csv => export::csv(&sess),
                ExportFormat::Json => export::json(&sess, *redact),
            };
            let text = match text {
                Ok(t) => t,
                Err(e) => return Ok(fail(&e)),
            };
            match output {
                None => print(&text),
                Some(path) => match export::write_new(path, &text) {
                    Ok(()) => {
                        eprintln!("Wrote {}", path.display());
                        Ok(ExitCode::SUCCESS)
                    }
                    Err(e) => Ok(fail(&e)),
                },
            }
        }
    }
}

pub fn report(dirs: &Dirs, args: &ReportArgs) -> color_eyre::Result<ExitCode> {
    let run = || -> Result<rep::Report, ReviewError> {
        let filter = Filter::from_cli(&args.filter)?;
        let data = review::data_dir(dirs.data_dir.as_deref())?;
        let scan = review::scan(&data)?;
        Ok(rep::report(scan.digests().filter(|d| filter.matches(d))))
    };
    match run() {
        Ok(r) if args.json => json(&r),
        Ok(r) => print(&rep::text(&r)),
        Err(e) => Ok(fail(&e)),
    }
}

/// `convene actions --json`.
#[derive(serde::Serialize)]
struct ActionsJson<'a> {
    today: chrono::NaiveDate,
    commitments: &'a [review::actions::Action],
}

pub fn actions(dirs: &Dirs, args: &ActionsArgs) -> color_eyre::Result<ExitCode> {
    let today = match crate::tui::clock::today() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("convene: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let run = || -> Result<Vec<review::actions::Action>, ReviewError> {
        let data = review::data_dir(dirs.data_dir.as_deref())?;
        let scan = review::scan(&data)?;
        let filter = ActionFilter {
            group: args.group.clone().filter(|g| !g.trim().is_empty()),
            person: args.person.clone().filter(|p| !p.trim().is_empty()),
            open: args.open,
            overdue: args.overdue,
        };
        Ok(list_actions(scan.digests(), &filter, today))
    };
    match run() {
        Ok(list) if args.json => json(&ActionsJson { today, commitments: &list }),
        Ok(list) => print(&review::actions::text(&list, today)),
        Err(e) => Ok(fail(&e)),
    }
}
