//! What convene prints outside the full-screen views: standard output, error lines and exit codes.
//!
//! Every command that prints goes through here, so three promises hold everywhere:
//! - nothing reaches the terminal raw: text is sanitised ([`crate::text`]) at this last step, even
//!   when the caller already did, and JSON writes unsafe characters as `\uXXXX` escapes;
//! - a reader that goes away (`convene protocols | head -1`) ends the command quietly;
//! - failures are one or two plain lines starting `convene:`, with the exit codes below.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use crate::text::{sanitize_output, to_json_pretty};

/// Exit status for bad input or usage: an unknown id, an invalid file, a refused roster.
pub const BAD_INPUT: u8 = 2;
/// Exit status for a failure of the machine: a disk that can't be written, no terminal to draw on.
pub const FAILURE: u8 = 1;

/// Prints `convene: MESSAGE` (sanitised; further lines indented as given) on standard error and
/// returns the exit code to end with.
pub fn fail(code: u8, msg: &str) -> ExitCode {
    error(msg);
    ExitCode::from(code)
}

/// Prints `convene: MESSAGE` on standard error. A closed standard error is ignored: there is
/// nowhere left to say anything.
pub fn error(msg: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "convene: {}", sanitize_output(msg.trim_end()));
}

/// Prints a line on standard error that is not an error (`Wrote FILE`).
pub(crate) fn info(msg: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{}", sanitize_output(msg.trim_end()));
}

/// Prints text on standard output, sanitised. A reader that went away is not an error.
///
/// # Errors
/// Any other failure to write (a full disk behind a redirect).
pub(crate) fn print(text: &str) -> io::Result<()> {
    write_out(sanitize_output(text).as_bytes())
}

/// Prints text whose lines end with CRLF (an iCalendar file): each line sanitised, the CRLFs
/// kept (every other carriage return is replaced, as by [`print`]).
///
/// # Errors
/// Any failure to write but a reader that went away.
pub(crate) fn print_crlf(text: &str) -> io::Result<()> {
    let lines: Vec<String> = text.split("\r\n").map(crate::text::sanitize).collect();
    write_out(lines.join("\r\n").as_bytes())
}

/// [`print`] with a newline.
pub(crate) fn println(text: &str) -> io::Result<()> {
    let mut text = sanitize_output(text);
    text.push('\n');
    write_out(text.as_bytes())
}

/// Prints a value as pretty JSON (see [`to_json_pretty`]) with a newline.
///
/// # Errors
/// A value that does not serialise, or a failure to write.
pub(crate) fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> io::Result<()> {
    let mut text = to_json_pretty(value).map_err(io::Error::other)?;
    text.push('\n');
    write_out(text.as_bytes())
}

/// The `schema` of each JSON document convene prints (`docs/cli.md` lists them). The session
/// export's is [`crate::review::export::JSON_SCHEMA`].
pub(crate) mod schema {
    pub(crate) const LOGS_LIST: &str = "convene-logs-list/1";
    pub(crate) const REPORT: &str = "convene-report/1";
    pub(crate) const ACTIONS: &str = "convene-actions/1";
    pub(crate) const PROTOCOLS: &str = "convene-protocols/1";
    pub(crate) const PROTOCOL: &str = "convene-protocol/1";
    pub(crate) const RESUME_LIST: &str = "convene-resume-list/1";
    pub(crate) const INFO: &str = "convene-info/1";
}

/// A JSON document as every `--json` prints it: `"schema": "convene-NAME/VERSION"` first (the
/// name says what the document is, the version changes when a field changes meaning or goes
/// away), then the document's own fields.
#[derive(serde::Serialize)]
struct Document<'a, T: serde::Serialize + ?Sized> {
    schema: &'a str,
    #[serde(flatten)]
    body: &'a T,
}

/// Prints `value` (a struct) as a JSON document with its `schema`, like [`print_json`].
///
/// # Errors
/// A value that does not serialise, or a failure to write.
pub(crate) fn print_document<T: serde::Serialize + ?Sized>(
    schema: &str,
    value: &T,
) -> io::Result<()> {
    print_json(&Document { schema, body: value })
}

/// The width tables are fitted to: `COLUMNS` (when set to a number), else the terminal's width;
/// `None` when standard output is not a terminal (piped or redirected: never cut).
pub(crate) fn table_width() -> Option<usize> {
    if !io::stdout().is_terminal() {
        return None;
    }
    let columns = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok());
    columns
        .filter(|&c| c > 0)
        .or_else(|| crossterm::terminal::size().ok().map(|(w, _)| usize::from(w)))
}

/// How many lines the terminal shows: `LINES` (when set to a number), else the terminal's
/// height; `None` when standard output is not a terminal. A long list prints its first screen
/// as soon as it has it.
pub(crate) fn table_height() -> Option<usize> {
    if !io::stdout().is_terminal() {
        return None;
    }
    let lines = std::env::var("LINES").ok().and_then(|c| c.trim().parse::<usize>().ok());
    lines
        .filter(|&c| c > 0)
        .or_else(|| crossterm::terminal::size().ok().map(|(_, h)| usize::from(h)))
}

/// Ends a printing command: success, quietly when the reader went away, or the machine's failure.
pub(crate) fn finish(result: io::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(FAILURE, &format!("cannot write the output: {e}")),
    }
}

fn write_out(bytes: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        // `| head`: the reader has what it wanted.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// A command's result as its exit code: a failure of the machine (a disk, the terminal) said in
/// one line, its causes joined (`convene` and `convene-live` alike).
pub fn exit_code(result: color_eyre::Result<ExitCode>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(report) => {
            let causes: Vec<String> = report.chain().map(ToString::to_string).collect();
            fail(FAILURE, &causes.join(": "))
        }
    }
}
