//! `convene logs`, `convene report`, `convene actions`: reviewing past sessions. The queries
//! live in [`crate::review`]; this file parses options, prints, and turns errors into messages.

use std::process::ExitCode;

use crate::cli::{ActionsArgs, Dirs, ExportFormat, LogFilter, LogsAction, LogsArgs, ReportArgs};
use crate::output;
use crate::review::actions::{ActionFilter, actions as list_actions};
use crate::review::{self, Filter, FilterText, ReviewError, detail, export, list, report as rep};

/// A failed review: a file that can't be read or written is the machine's failure; the rest is
/// bad input (an unknown id, a filter that can't be used, a log that is not one convene reads).
fn fail(e: &ReviewError) -> ExitCode {
    let code = if e.is_machine_failure() { output::FAILURE } else { output::BAD_INPUT };
    output::fail(code, &e.to_string())
}

/// The review filter from the command line's text.
fn filter_from(f: &LogFilter) -> Result<Filter, ReviewError> {
    Filter::parse(FilterText {
        protocol: f.protocol.as_deref(),
        person: f.person.as_deref(),
        group: f.group.as_deref(),
        since: f.since.as_deref(),
        until: f.until.as_deref(),
        status: f.status.map(crate::cli::StatusName::key),
    })
}

fn print(text: &str) -> ExitCode {
    output::finish(output::print(text))
}

fn json<T: serde::Serialize>(schema: &str, value: &T) -> ExitCode {
    output::finish(output::print_document(schema, value))
}

pub fn logs(dirs: &Dirs, args: &LogsArgs) -> color_eyre::Result<ExitCode> {
    let Some(action) = &args.action else {
        if let Some(code) = crate::tui::need_terminal() {
            output::error("`convene logs list` prints the sessions without a terminal");
            return Ok(code);
        }
        return crate::tui::logs::browse(dirs, args.theme);
    };
    let data = match review::data_dir(dirs.data_dir.as_deref()) {
        Ok(d) => d,
        Err(e) => return Ok(fail(&e)),
    };
    match action {
        LogsAction::List { filter, json: as_json } => {
            let filter = match filter_from(filter) {
                Ok(f) => f,
                Err(e) => return Ok(fail(&e)),
            };
            let scan = match review::scan(&data) {
                Ok(s) => s,
                Err(e) => return Ok(fail(&e)),
            };
            if *as_json {
                Ok(json(output::schema::LOGS_LIST, &list::json(&scan, &filter)))
            } else {
                Ok(print(&list::table(&scan, &filter)))
            }
        }
        LogsAction::Show { id } => match detail::load(&data, id) {
            Ok(s) => Ok(print(&detail::show(&s))),
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
                None => Ok(print(&text)),
                Some(path) => match export::write_new(path, &text) {
                    Ok(()) => {
                        output::info(&format!("Wrote {}", path.display()));
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
        let filter = filter_from(&args.filter)?;
        let data = review::data_dir(dirs.data_dir.as_deref())?;
        let scan = review::scan(&data)?;
        Ok(rep::report(scan.digests().filter(|d| filter.matches(d))))
    };
    match run() {
        Ok(r) if args.json => Ok(json(output::schema::REPORT, &r)),
        Ok(r) => Ok(print(&rep::text(&r))),
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
    let today = match crate::clock::today() {
        Ok(d) => d,
        Err(e) => return Ok(output::fail(output::BAD_INPUT, &e)),
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
        Ok(list) if args.json => {
            Ok(json(output::schema::ACTIONS, &ActionsJson { today, commitments: &list }))
        }
        Ok(list) => Ok(print(&review::actions::text(&list, today))),
        Err(e) => Ok(fail(&e)),
    }
}
