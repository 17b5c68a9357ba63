//! `convene logs`, `convene report`, `convene actions`: reviewing past sessions. The queries
//! live in [`crate::review`]; this file parses options, prints, and turns errors into messages.

use std::process::ExitCode;

use crate::config::{Dirs, ThemeName};
use crate::output;
use crate::review::actions::ActionFilter;
use crate::review::{
    self, Filter, FilterText, Index, Query, ReviewError, detail, export, list, report as rep,
};

/// The filters of `logs list`, `logs export` and `report`, as typed (blank ones filter nothing;
/// [`Filter::parse`] checks them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// A protocol id.
    pub protocol: Option<String>,
    /// A participant (or the facilitator).
    pub person: Option<String>,
    /// A recurring group.
    pub group: Option<String>,
    /// `YYYY-MM-DD`, the first day.
    pub since: Option<String>,
    /// `YYYY-MM-DD`, the last day.
    pub until: Option<String>,
    /// `completed`, `ended-early` or `unfinished`.
    pub status: Option<String>,
}

/// What `logs export ID` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Markdown minutes.
    Md,
    /// Minutes as one printable HTML page.
    Html,
    /// A row per stage run.
    Csv,
    /// Everything, schema `convene-session-export/1`.
    Json,
}

/// What `convene report` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// A table for people.
    Text,
    /// Schema `convene-report/1`.
    Json,
    /// A row per protocol and stage.
    Csv,
}

/// What `convene actions` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionsFormat {
    /// A list for people.
    Text,
    /// Schema `convene-actions/1`.
    Json,
    /// A row per commitment.
    Csv,
    /// An iCalendar file: an all-day event on each due day.
    Ics,
}

/// Where an export, a report or the commitments go: standard output or a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Destination {
    /// A file instead of standard output.
    pub output: Option<std::path::PathBuf>,
    /// Replace the file if it exists.
    pub force: bool,
    /// Start the CSV with a byte order mark, so that Excel reads it as UTF-8.
    pub bom: bool,
}

/// What `convene logs` was asked besides the browser ([`browse`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogsAction {
    /// Sessions, newest first (`json`: schema `convene-logs-list/1`).
    List { filter: LogFilter, json: bool },
    /// One session in detail (`id` or the start of it).
    Show { id: String, json: bool },
    /// One session (`id`), or every session the filters select as one CSV.
    Export {
        id: Option<String>,
        format: ExportFormat,
        to: Destination,
        redact: bool,
        filter: LogFilter,
    },
}

/// What `convene report` was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRequest {
    pub filter: LogFilter,
    pub format: ReportFormat,
    pub to: Destination,
}

/// What `convene actions` was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // one per switch on the command line
pub struct ActionsRequest {
    /// Only this recurring group.
    pub group: Option<String>,
    /// Only commitments owned by this person.
    pub person: Option<String>,
    /// Only commitments still open.
    pub open: bool,
    /// Only open commitments past their due date.
    pub overdue: bool,
    pub format: ActionsFormat,
    pub to: Destination,
}

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
        status: f.status.as_deref(),
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

/// One session, through [`open`] (so a folder left out is named here too).
fn load_one(data: &std::path::Path, id: &str) -> Result<detail::Session, ReviewError> {
    let index = open(data)?;
    index.map_for_few();
    detail::load_from(&index, id)
}

fn print(text: &str) -> ExitCode {
    output::finish(output::print(text))
}

/// `convene logs`: the full-screen browser, in the theme in effect.
pub fn browse(dirs: &Dirs, theme: ThemeName) -> color_eyre::Result<ExitCode> {
    if let Some(code) = crate::tui::need_terminal() {
        output::error("`convene logs list` prints the sessions without a terminal");
        return Ok(code);
    }
    crate::tui::logs::browse(dirs, theme)
}

/// `convene logs list`, `show` and `export`.
pub fn logs(dirs: &Dirs, action: &LogsAction) -> color_eyre::Result<ExitCode> {
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
                    list::json(&index, &filter, output::schema::LOGS_LIST, |piece| {
                        printed = output::print(piece);
                        printed.is_ok()
                    })?;
                    Ok(output::finish(printed))
                } else {
                    let mut printed = Ok(());
                    let (width, screen) = (output::table_width(), output::table_height());
                    list::table_paged(&index, &filter, width, screen, |piece| {
                        flush(piece, &mut printed);
                        printed.is_ok()
                    })?;
                    Ok(output::finish(printed))
                }
            };
            Ok(run().unwrap_or_else(|e| fail(&e)))
        }
        LogsAction::Show { id, json: true } => {
            match load_one(&data, id).and_then(|s| export::json(&s, false)) {
                Ok(text) => Ok(print(&text)),
                Err(e) => Ok(fail(&e)),
            }
        }
        LogsAction::Show { id, json: false } => match load_one(&data, id) {
            Ok(s) => Ok(print(&detail::show(&s))),
            Err(e) => Ok(fail(&e)),
        },
        LogsAction::Export { id, format, to, redact, filter } => {
            let run = || -> Result<(), ReviewError> {
                let filter = filter_from(filter)?;
                if to.bom && *format != ExportFormat::Csv {
                    return Err(ReviewError::BomNeedsCsv);
                }
                match id {
                    Some(_) if !filter.is_empty() => Err(ReviewError::IdAndFilters),
                    Some(id) => export_one(&data, id, *format, to, *redact),
                    None if *format != ExportFormat::Csv => Err(ReviewError::ManyNeedCsv {
                        format: match format {
                            ExportFormat::Md => "Markdown",
                            ExportFormat::Html => "HTML",
                            _ => "JSON",
                        },
                    }),
                    None => export_many(&data, &filter, to, *redact),
                }
            };
            Ok(run().map_or_else(|e| fail(&e), |()| ExitCode::SUCCESS))
        }
    }
}

/// `logs export ID`: one session, to standard output or a file.
fn export_one(
    data: &std::path::Path,
    id: &str,
    format: ExportFormat,
    to: &Destination,
    redact: bool,
) -> Result<(), ReviewError> {
    let sess = load_one(data, id)?;
    let text = match format {
        ExportFormat::Md => export::markdown(&sess, redact),
        ExportFormat::Html => export::html(&sess, redact),
        ExportFormat::Csv => export::csv(&sess)?,
        ExportFormat::Json => export::json(&sess, redact)?,
    };
    let mut sink = Sink::open(to)?;
    let written = sink.write(&text);
    sink.end(written)
}

/// A failure to print is the machine's (a full disk behind a redirect).
fn write_out(r: std::io::Result<()>) -> Result<(), ReviewError> {
    r.map_err(|e| ReviewError::Write {
        action: "write",
        path: "standard output".into(),
        reason: e.to_string(),
    })
}

/// Where an export goes: standard output (sanitised as everything printed), or a file written
/// from the start (new, or replaced with `--force`), removed again if writing it fails.
enum Sink {
    Out { crlf: bool },
    File { path: std::path::PathBuf, w: std::io::BufWriter<std::fs::File> },
}

impl Sink {
    /// Opens the destination and writes the byte order mark if `--bom` asks for one.
    fn open(to: &Destination) -> Result<Self, ReviewError> {
        Self::open_with(to, false)
    }

    /// [`Sink::open`] for text whose lines end with CRLF (iCalendar).
    fn open_with(to: &Destination, crlf: bool) -> Result<Self, ReviewError> {
        let mut sink = match &to.output {
            None => Self::Out { crlf },
            Some(path) => Self::File {
                path: path.clone(),
                w: std::io::BufWriter::new(export::create(path, to.force)?),
            },
        };
        if to.bom
            && let Err(e) = sink.write(export::BOM)
        {
            return Err(sink.abandon(e));
        }
        Ok(sink)
    }

    fn write(&mut self, piece: &str) -> Result<(), ReviewError> {
        use std::io::Write as _;
        match self {
            Self::Out { crlf: false } => write_out(output::print(piece)),
            Self::Out { crlf: true } => write_out(output::print_crlf(piece)),
            Self::File { path, w } => {
                w.write_all(piece.as_bytes()).map_err(|e| write_error(path, &e))
            }
        }
    }

    /// Ends with what writing gave: a file is synced and named (`Wrote FILE`), or removed if
    /// anything failed, so no half file is left behind.
    fn end(self, written: Result<(), ReviewError>) -> Result<(), ReviewError> {
        if let Err(e) = written {
            return Err(self.abandon(e));
        }
        match self {
            Self::Out { .. } => Ok(()),
            Self::File { path, w } => {
                let synced = w
                    .into_inner()
                    .map_err(|e| write_error(&path, e.error()))
                    .and_then(|f| f.sync_all().map_err(|e| write_error(&path, &e)));
                if let Err(e) = synced {
                    let _ = std::fs::remove_file(&path);
                    return Err(e);
                }
                output::info(&format!("Wrote {}", path.display()));
                Ok(())
            }
        }
    }

    fn abandon(self, e: ReviewError) -> ReviewError {
        if let Self::File { path, w } = self {
            drop(w);
            let _ = std::fs::remove_file(&path);
        }
        e
    }
}

/// `logs export --format csv [filters]`: every session the filters select, one row per stage
/// run, written as it is read from the index.
fn export_many(
    data: &std::path::Path,
    filter: &Filter,
    to: &Destination,
    redact: bool,
) -> Result<(), ReviewError> {
    let index = open(data)?;
    let query = Query::new(filter);
    let mut sink = Sink::open(to)?;
    let mut failed = None;
    let written = export::csv_many(&index, &query, redact, |piece| {
        sink.write(piece).map_err(|e| {
            let msg = e.to_string();
            failed = Some(e);
            std::io::Error::other(msg)
        })
    });
    let written = match (written, failed) {
        (_, Some(e)) | (Err(e), None) => Err(e),
        (Ok(()), None) => Ok(()),
    };
    sink.end(written)
}

fn write_error(path: &std::path::Path, e: &std::io::Error) -> ReviewError {
    ReviewError::Write { action: "write", path: path.to_path_buf(), reason: e.to_string() }
}

pub fn report(dirs: &Dirs, args: &ReportRequest) -> color_eyre::Result<ExitCode> {
    let format = args.format;
    let run = || -> Result<(), ReviewError> {
        let filter = filter_from(&args.filter)?;
        if args.to.bom && format != ReportFormat::Csv {
            return Err(ReviewError::BomNeedsCsv);
        }
        let data = review::data_dir(dirs.data_dir.as_deref())?;
        let r = open(&data)?.report(&Query::new(&filter))?;
        let text = match format {
            // Fitted to the terminal only when printed on it.
            ReportFormat::Text if args.to.output.is_none() => {
                rep::fitted_text(&r, output::table_width())
            }
            ReportFormat::Text => rep::text(&r),
            ReportFormat::Csv => export::report_csv(&r)?,
            ReportFormat::Json => {
                let mut t = crate::text::to_json_pretty(&Document {
                    schema: output::schema::REPORT,
                    body: &r,
                })
                .map_err(|e| ReviewError::Encode { format: "JSON", reason: e.to_string() })?;
                t.push('\n');
                t
            }
        };
        let mut sink = Sink::open(&args.to)?;
        let written = sink.write(&text);
        sink.end(written)
    };
    Ok(run().map_or_else(|e| fail(&e), |()| ExitCode::SUCCESS))
}

/// A JSON document written to a file or printed: `schema` first, as [`output::print_document`].
#[derive(serde::Serialize)]
struct Document<'a, T: serde::Serialize> {
    schema: &'a str,
    #[serde(flatten)]
    body: &'a T,
}

/// Prints a piece of a long output, unless printing failed already.
fn flush(piece: &str, printed: &mut std::io::Result<()>) {
    if printed.is_ok() {
        *printed = output::print(piece);
    }
}

pub fn actions(dirs: &Dirs, args: &ActionsRequest) -> color_eyre::Result<ExitCode> {
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
    let format = args.format;
    let run = || -> Result<(), ReviewError> {
        if args.to.bom && format != ActionsFormat::Csv {
            return Err(ReviewError::BomNeedsCsv);
        }
        let data = review::data_dir(dirs.data_dir.as_deref())?;
        let index = open(&data)?;
        let mut sink = Sink::open_with(&args.to, format == ActionsFormat::Ics)?;
        // Written as the commitments come from the index, in pieces.
        let mut failed: Option<ReviewError> = None;
        let put = |sink: &mut Sink, piece: &str, failed: &mut Option<ReviewError>| {
            if failed.is_none()
                && let Err(e) = sink.write(piece)
            {
                *failed = Some(e);
            }
        };
        let walked = match format {
            ActionsFormat::Json => actions_json(&index, &filter, today, &mut sink, &mut failed),
            ActionsFormat::Csv => {
                let mut csv = export::ActionsCsv::default();
                let walked = index.for_each_action(&filter, today, |a| {
                    csv.push(&a);
                    if csv.pending() >= 2000 {
                        match csv.take() {
                            Ok(t) => put(&mut sink, &t, &mut failed),
                            Err(e) => failed = Some(e),
                        }
                    }
                    failed.is_none()
                });
                match csv.take() {
                    Ok(t) => put(&mut sink, &t, &mut failed),
                    Err(e) => failed = failed.or(Some(e)),
                }
                walked
            }
            ActionsFormat::Ics => {
                let mut buf = export::ics_head();
                let walked = index.for_each_action(&filter, today, |a| {
                    buf.push_str(&export::ics_event(&a));
                    if buf.len() > 1 << 16 {
                        put(&mut sink, &std::mem::take(&mut buf), &mut failed);
                    }
                    failed.is_none()
                });
                buf.push_str(&export::ics_tail());
                put(&mut sink, &buf, &mut failed);
                walked
            }
            ActionsFormat::Text => {
                let mut text = review::actions::Text::new(today);
                let walked = index.for_each_action(&filter, today, |a| {
                    text.push(&a);
                    if text.pending() > 1 << 16 {
                        put(&mut sink, &text.take(), &mut failed);
                    }
                    failed.is_none()
                });
                put(&mut sink, &text.finish(), &mut failed);
                walked
            }
        };
        let written = match (walked, failed) {
            (_, Some(e)) | (Err(e), None) => Err(e),
            (Ok(()), None) => Ok(()),
        };
        sink.end(written)
    };
    Ok(run().map_or_else(|e| fail(&e), |()| ExitCode::SUCCESS))
}

/// `actions --json`: the document written a piece at a time as the commitments come.
fn actions_json(
    index: &Index,
    filter: &ActionFilter,
    today: chrono::NaiveDate,
    sink: &mut Sink,
    failed: &mut Option<ReviewError>,
) -> Result<(), ReviewError> {
    let mut put = |piece: &str, failed: &mut Option<ReviewError>| {
        if failed.is_none()
            && let Err(e) = sink.write(piece)
        {
            *failed = Some(e);
        }
    };
    let mut buf = format!(
        "{{\n  \"schema\": \"{}\",\n  \"today\": \"{today}\",\n  \"commitments\": [",
        output::schema::ACTIONS
    );
    let mut first = true;
    let walked = index.for_each_action(filter, today, |a| {
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
                *failed = Some(ReviewError::Encode { format: "JSON", reason: e.to_string() });
                return false;
            }
        }
        if buf.len() > 1 << 16 {
            put(&std::mem::take(&mut buf), failed);
        }
        failed.is_none()
    });
    buf.push_str(if first { "]\n}\n" } else { "\n  ]\n}\n" });
    put(&buf, failed);
    walked
}
