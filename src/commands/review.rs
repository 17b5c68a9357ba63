//! `convene logs`, `convene report`, `convene actions`: reviewing past sessions. The queries
//! live in [`crate::review`]; this file parses options, prints, and turns errors into messages.

use std::process::ExitCode;

use crate::cli::{ActionsArgs, Dirs, ExportFormat, LogFilter, LogsAction, LogsArgs, ReportArgs};
use crate::output;
use crate::review::actions::ActionFilter;
use crate::review::{
    self, Filter, FilterText, Index, Query, ReviewError, detail, export, list, report as rep,
};

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

/// Opens the index, and names on standard error any folder whose logs are not read, so that no
/// log is left out of a review silently.
fn open(data: &std::path::Path) -> Result<Index, ReviewError> {
    let index = Index::open(data)?;
    if let Some(note) = index.left_out_note() {
        output::error(&note);
    }
    Ok(index)
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
            let run = || -> Result<ExitCode, ReviewError> {
                let filter = filter_from(filter)?;
                let index = open(&data)?;
                if *as_json {
                    let mut printed = Ok(());
                    list::json(&index, &filter, |piece| {
                        printed = output::print(piece);
                        printed.is_ok()
                    })?;
                    Ok(output::finish(printed))
                } else {
                    let mut printed = Ok(());
                    list::table(&index, &filter, |piece| {
                        flush(piece, &mut printed);
                        printed.is_ok()
                    })?;
                    Ok(output::finish(printed))
                }
            };
            Ok(run().unwrap_or_else(|e| fail(&e)))
        }
        LogsAction::Show { id } => match open(&data).and_then(|index| {
            index.map_for_few();
            detail::load_from(&index, id)
        }) {
            Ok(s) => Ok(print(&detail::show(&s))),
            Err(e) => Ok(fail(&e)),
        },
        LogsAction::Export { id, format, output, redact, bom, filter } => {
            let run = || -> Result<(), ReviewError> {
                let filter = filter_from(filter)?;
                if *bom && *format != ExportFormat::Csv {
                    return Err(ReviewError::BomNeedsCsv);
                }
                match id {
                    Some(_) if !filter.is_empty() => Err(ReviewError::IdAndFilters),
                    Some(id) => export_one(&data, id, *format, output.as_deref(), *redact, *bom),
                    None if *format != ExportFormat::Csv => Err(ReviewError::ManyNeedCsv {
                        format: if *format == ExportFormat::Md { "Markdown" } else { "JSON" },
                    }),
                    None => export_many(&data, &filter, output.as_deref(), *redact, *bom),
                }
            };
            Ok(run().map_or_else(|e| fail(&e), |()| ExitCode::SUCCESS))
        }
    }
}

/// `logs export ID`: one session, to standard output or a new file.
fn export_one(
    data: &std::path::Path,
    id: &str,
    format: ExportFormat,
    output: Option<&std::path::Path>,
    redact: bool,
    bom: bool,
) -> Result<(), ReviewError> {
    let index = open(data)?;
    index.map_for_few();
    let sess = detail::load_from(&index, id)?;
    let mut text = match format {
        ExportFormat::Md => export::markdown(&sess, redact),
        ExportFormat::Csv => export::csv(&sess)?,
        ExportFormat::Json => export::json(&sess, redact)?,
    };
    if bom {
        text.insert_str(0, export::BOM);
    }
    match output {
        None => write_out(output::print(&text)),
        Some(path) => {
            export::write_new(path, &text)?;
            output::info(&format!("Wrote {}", path.display()));
            Ok(())
        }
    }
}

/// A failure to print is the machine's (a full disk behind a redirect).
fn write_out(r: std::io::Result<()>) -> Result<(), ReviewError> {
    r.map_err(|e| ReviewError::Write {
        action: "write",
        path: "standard output".into(),
        reason: e.to_string(),
    })
}

/// `logs export --format csv [filters]`: every session the filters select, one row per stage
/// run, written as it is read from the index.
fn export_many(
    data: &std::path::Path,
    filter: &Filter,
    output: Option<&std::path::Path>,
    redact: bool,
    bom: bool,
) -> Result<(), ReviewError> {
    let index = open(data)?;
    let query = Query::new(filter);
    match output {
        None => {
            if bom {
                write_out(output::print(export::BOM))?;
            }
            export::csv_many(&index, &query, redact, output::print)
        }
        Some(path) => {
            use std::io::Write as _;
            let file = export::create_new(path)?;
            let mut w = std::io::BufWriter::new(file);
            let written = (|| {
                if bom {
                    w.write_all(export::BOM.as_bytes()).map_err(|e| write_error(path, &e))?;
                }
                export::csv_many(&index, &query, redact, |piece| w.write_all(piece.as_bytes()))?;
                let f = w.into_inner().map_err(|e| write_error(path, e.error()))?;
                f.sync_all().map_err(|e| write_error(path, &e))
            })();
            if written.is_err() {
                // Never leave half a file behind.
                let _ = std::fs::remove_file(path);
            }
            written?;
            output::info(&format!("Wrote {}", path.display()));
            Ok(())
        }
    }
}

fn write_error(path: &std::path::Path, e: &std::io::Error) -> ReviewError {
    ReviewError::Write { action: "write", path: path.to_path_buf(), reason: e.to_string() }
}

pub fn report(dirs: &Dirs, args: &ReportArgs) -> color_eyre::Result<ExitCode> {
    let run = || -> Result<rep::Report, ReviewError> {
        let filter = filter_from(&args.filter)?;
        let data = review::data_dir(dirs.data_dir.as_deref())?;
        open(&data)?.report(&Query::new(&filter))
    };
    match run() {
        Ok(r) if args.json => Ok(json(output::schema::REPORT, &r)),
        Ok(r) => Ok(print(&rep::text(&r))),
        Err(e) => Ok(fail(&e)),
    }
}

/// Prints a piece of a long output, unless printing failed already.
fn flush(piece: &str, printed: &mut std::io::Result<()>) {
    if printed.is_ok() {
        *printed = output::print(piece);
    }
}

pub fn actions(dirs: &Dirs, args: &ActionsArgs) -> color_eyre::Result<ExitCode> {
    let today = match crate::clock::today() {
        Ok(d) => d,
        Err(e) => return Ok(output::fail(output::BAD_INPUT, &e)),
    };
    let filter = ActionFilter {
        group: args.group.clone().filter(|g| !g.trim().is_empty()),
        person: args.person.clone().filter(|p| !p.trim().is_empty()),
        open: args.open,
        overdue: args.overdue,
    };
    let run = || -> Result<ExitCode, ReviewError> {
        let data = review::data_dir(dirs.data_dir.as_deref())?;
        let index = open(&data)?;
        // Printed as the commitments come from the index, in pieces.
        let mut printed = Ok(());
        if args.json {
            let mut buf = format!(
                "{{\n  \"schema\": \"{}\",\n  \"today\": \"{today}\",\n  \"commitments\": [",
                output::schema::ACTIONS
            );
            let mut first = true;
            let mut failed = None;
            index.for_each_action(&filter, today, |a| {
                match crate::text::to_json_pretty(&a) {
                    Ok(item) => {
                        buf.push_str(if first { "\n" } else { ",\n" });
                        first = false;
                        for (i, line) in item.lines().enumerate() {
                            if i > 0 {
                                buf.push('\n');
                            }
                            buf.push_str("    ");
                            buf.push_str(line);
                        }
                    }
                    Err(e) => {
                        failed =
                            Some(ReviewError::Encode { format: "JSON", reason: e.to_string() });
                        return false;
                    }
                }
                if buf.len() > 1 << 16 {
                    flush(&std::mem::take(&mut buf), &mut printed);
                }
                printed.is_ok()
            })?;
            if let Some(e) = failed {
                return Err(e);
            }
            buf.push_str(if first { "]\n}\n" } else { "\n  ]\n}\n" });
            flush(&buf, &mut printed);
        } else {
            let mut text = review::actions::Text::new(today);
            index.for_each_action(&filter, today, |a| {
                text.push(&a);
                if text.pending() > 1 << 16 {
                    flush(&text.take(), &mut printed);
                }
                printed.is_ok()
            })?;
            flush(&text.finish(), &mut printed);
        }
        Ok(output::finish(printed))
    };
    Ok(run().unwrap_or_else(|e| fail(&e)))
}
