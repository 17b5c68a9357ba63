//! The tolerant reader: a torn last line (a crash mid-write), a corrupt line or a line repeating
//! an earlier `seq` is reported with its line number, and everything else is kept.

use std::fmt::Write as _;
use std::path::Path;

use super::{Header, LOG_FORMAT, Line};
use crate::session::Stamped;
use crate::text::sanitize;

/// A session log as read from disk.
#[derive(Debug, Clone)]
pub struct SessionLog {
    pub header: Header,
    pub events: Vec<Stamped>,
    pub last_seq: u64,
    /// Lines that were skipped: (line number from 1, what was wrong).
    pub problems: Vec<(usize, String)>,
    /// Bytes up to the end of the last complete line: where a follower of the log (the mirror)
    /// takes over from this read.
    pub complete_len: u64,
}

/// Why a log could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError(pub String);

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ReadError {}

/// Reads a session log from disk. See [`parse_log`].
pub fn read_log(path: &Path) -> Result<SessionLog, ReadError> {
    let bytes = std::fs::read(path).map_err(|e| ReadError(format!("{}: {e}", path.display())))?;
    parse_log_bytes(&bytes, &path.display().to_string())
}

/// Parses a session log; `name` (usually the path) starts every message.
pub fn parse_log(text: &str, name: &str) -> Result<SessionLog, ReadError> {
    parse_log_bytes(text.as_bytes(), name)
}

/// Parses a session log. The header must be readable and of format [`LOG_FORMAT`]; after it,
/// a line that cannot be read (a torn last line, a corrupt line, a line that is not UTF-8) or that
/// repeats an earlier line's `seq` is reported in [`SessionLog::problems`] with its line number
/// (from 1) and skipped, and every other event is kept, in file order. Blank lines are ignored.
pub(crate) fn parse_log_bytes(bytes: &[u8], name: &str) -> Result<SessionLog, ReadError> {
    let ends_with_newline = bytes.last() == Some(&b'\n');
    let raw: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    let total = raw.len();
    let mut lines = raw.iter().enumerate().filter(|(_, l)| !l.iter().all(u8::is_ascii_whitespace));
    let Some((_, first)) = lines.next() else {
        return Err(ReadError(format!("{name}: empty file: this is not a session log")));
    };
    let header = parse_header(first, name)?;
    let mut events = Vec::new();
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut last_seq = 0;
    for (i, raw) in lines {
        let number = i + 1;
        let torn = !ends_with_newline && number == total;
        let parsed = std::str::from_utf8(raw)
            .map_err(|_| "the line is not valid UTF-8".to_string())
            .and_then(|t| serde_json::from_str::<Line>(t).map_err(|e| e.to_string()));
        match parsed {
            Ok(line) if !seen.insert(line.seq) => problems.push((
                number,
                format!("repeats event {} (seq) of an earlier line; ignored", line.seq),
            )),
            Ok(line) => {
                last_seq = last_seq.max(line.seq);
                events.push(line.stamped);
            }
            Err(_) if torn => problems.push((
                number,
                "torn last line (convene stopped while writing it); ignored".to_string(),
            )),
            Err(e) => problems.push((number, format!("unreadable line ignored: {e}"))),
        }
    }
    let complete_len =
        bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| u64::try_from(i + 1).unwrap_or(0));
    Ok(SessionLog { header, events, last_seq, problems, complete_len })
}

pub(crate) fn parse_header(first: &[u8], name: &str) -> Result<Header, ReadError> {
    let unreadable = |why: String| {
        ReadError(format!("{name}:1: the header is not readable: {}", shorten(&sanitize(&why))))
    };
    let text = std::str::from_utf8(first).map_err(|_| unreadable("not valid UTF-8".into()))?;
    let probe: serde_json::Value =
        serde_json::from_str(text).map_err(|e| unreadable(e.to_string()))?;
    if probe.get("kind").and_then(serde_json::Value::as_str) != Some("header") {
        return Err(ReadError(format!(
            "{name}:1: this is not a convene session log (the first line is not a log header)"
        )));
    }
    let Some(format) = probe.get("format").and_then(serde_json::Value::as_u64) else {
        return Err(unreadable("no format number".into()));
    };
    if format != u64::from(LOG_FORMAT) {
        let hint = if format > u64::from(LOG_FORMAT) {
            "it was written by a newer convene: update convene to read it"
        } else {
            "this convene cannot read it"
        };
        return Err(ReadError(format!(
            "{name}:1: log format {format}, but this convene reads format {LOG_FORMAT}: {hint}"
        )));
    }
    // The field a wrong value is in is named by its path (`setup.protocol.round[2].duration`).
    let header: Header = serde_path_to_error::deserialize(probe).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        unreadable(if path == "." { inner.to_string() } else { format!("{path}: {inner}") })
    })?;
    check_header(&header, name)?;
    Ok(header)
}

/// How many of a header's problems a message lists.
const SHOWN_PROBLEMS: usize = 3;
/// How much of each problem a message shows, in characters.
const SHOWN_CHARS: usize = 300;

/// A header is input like any file: its protocol must pass the checks a protocol file passes,
/// and its setup the checks of a new session's setup that keep replay sound (a number of people
/// the protocol takes, changed durations of its stages of at most a day, a course's session
/// number), so that nothing downstream meets a protocol with no stages or a duration of
/// centuries. See `docs/log-format.md`.
fn check_header(h: &Header, name: &str) -> Result<(), ReadError> {
    let setup = &h.setup;
    let mut problems: Vec<String> = crate::protocol::validate::validate(&setup.protocol, None)
        .into_iter()
        .map(|p| format!("setup.protocol: {}: {}", p.place, p.message))
        .collect();
    problems.extend(
        crate::session::setup::header_errors(setup)
            .into_iter()
            .map(|(field, e)| format!("setup.{field}: {e}")),
    );
    if let Some(n) = setup.session_number
        && !(1..=crate::protocol::validate::MAX_COURSE_SESSIONS).contains(&n)
    {
        problems.push(format!(
            "setup.session_number: {n} is not a session of a course (1 to {})",
            crate::protocol::validate::MAX_COURSE_SESSIONS
        ));
    }
    if problems.is_empty() {
        return Ok(());
    }
    let more = problems.len().saturating_sub(SHOWN_PROBLEMS);
    problems.truncate(SHOWN_PROBLEMS);
    let problems: Vec<String> = problems.iter().map(|p| shorten(&sanitize(p))).collect();
    let mut message = format!(
        "{name}:1: the header is not valid, so this log cannot be replayed: {}",
        problems.join("; ")
    );
    if more > 0 {
        let _ = write!(message, " (and {more} more)");
    }
    Err(ReadError(message))
}

/// A doctored header may hold a field of any length: a message names it, not all of it.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// Whether the log at `path` ends in a torn line: no line break after its last line, or a last
/// line that is not a readable event (a copy still arriving, or a crash while writing). Only
/// the end of the file is read. `false` when the file cannot be read (reading it says why).
pub(crate) fn ends_torn(path: &Path) -> bool {
    use std::io::{Read as _, Seek as _, SeekFrom};
    const TAIL: u64 = 1 << 20;
    let Ok(mut file) = std::fs::File::open(path) else { return false };
    let Ok(len) = file.metadata().map(|m| m.len()) else { return false };
    let from = len.saturating_sub(TAIL);
    if file.seek(SeekFrom::Start(from)).is_err() {
        return false;
    }
    let mut tail = Vec::new();
    if file.read_to_end(&mut tail).is_err() {
        return false;
    }
    let trimmed = tail.trim_ascii_end();
    if trimmed.is_empty() {
        return false;
    }
    if tail.last() != Some(&b'\n') {
        return true;
    }
    // The last line, if it starts within what was read (a longer one is only checked for its
    // line break).
    let Some(start) =
        trimmed.iter().rposition(|&b| b == b'\n').map(|i| i + 1).or((from == 0).then_some(0))
    else {
        return false;
    };
    let last = &trimmed[start..];
    let is_header = from == 0 && start == 0;
    if is_header {
        return parse_header(last, "").is_err();
    }
    serde_json::from_slice::<Line>(last).is_err()
}
