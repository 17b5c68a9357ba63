//! The tolerant reader: a torn last line (a crash mid-write) or a corrupt line is reported with
//! its line number, and everything else is kept.

use std::path::Path;

use super::{Header, LOG_FORMAT, Line};
use crate::session::Stamped;

/// A session log as read from disk.
#[derive(Debug, Clone)]
pub struct SessionLog {
    pub header: Header,
    pub events: Vec<Stamped>,
    pub last_seq: u64,
    /// Lines that could not be read: (line number, what was wrong).
    pub problems: Vec<(usize, String)>,
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

pub fn read_log(path: &Path) -> Result<SessionLog, ReadError> {
    let text = std::fs::read(path).map_err(|e| ReadError(format!("{}: {e}", path.display())))?;
    let text = String::from_utf8_lossy(&text);
    parse_log(&text, &path.display().to_string())
}

pub fn parse_log(text: &str, name: &str) -> Result<SessionLog, ReadError> {
    let mut lines = text.split('\n').enumerate().filter(|(_, l)| !l.trim().is_empty());
    let Some((_, first)) = lines.next() else {
        return Err(ReadError(format!("{name}: empty file")));
    };
    let probe: serde_json::Value = serde_json::from_str(first)
        .map_err(|e| ReadError(format!("{name}:1: the header is not readable: {e}")))?;
    let format = probe.get("format").and_then(serde_json::Value::as_u64).unwrap_or(0);
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
    let header: Header = serde_json::from_value(probe)
        .map_err(|e| ReadError(format!("{name}:1: the header is not readable: {e}")))?;
    let mut events = Vec::new();
    let mut problems = Vec::new();
    let mut last_seq = 0;
    let ends_with_newline = text.ends_with('\n');
    let total = text.split('\n').count();
    for (i, raw) in lines {
        let number = i + 1;
        match serde_json::from_str::<Line>(raw) {
            Ok(line) => {
                last_seq = last_seq.max(line.seq);
                events.push(line.stamped);
            }
            Err(e) => {
                let torn = !ends_with_newline && i + 1 == total;
                let what = if torn {
                    "torn last line (convene stopped while writing it); ignored".to_string()
                } else {
                    format!("unreadable line ignored: {e}")
                };
                problems.push((number, what));
            }
        }
    }
    Ok(SessionLog { header, events, last_seq, problems })
}
