//! Reading one protocol file, with errors that name the file, line, column and field.
//!
//! # What is read
//!
//! Only regular files of at most [`MAX_FILE_BYTES`] are read: the size is checked before reading,
//! and the read itself stops one byte past the limit, so a file that grows while it is read, or
//! one whose size the file system does not report, cannot bypass it. A FIFO, a device or a folder
//! named `*.json` is refused without being opened for reading, so nothing in the protocol folder
//! can make a command wait or fill memory.
//!
//! The text must be UTF-8. A UTF-8 byte-order mark is accepted and dropped; UTF-16 and UTF-32
//! (with or without a byte-order mark, recognised as RFC 4627 describes) are refused saying which
//! encoding was found; invalid UTF-8 is refused at the line and column of the first bad byte.
//!
//! # Positions
//!
//! Every message about the text gives `file:line:column`, both 1-based, the column counted in
//! characters (as editors count them), not bytes:
//!
//! - JSON errors come from `serde_json`, which counts columns in bytes; they are converted. An
//!   error at the end of the file (`serde_json`'s "column 0" on the line after the last line
//!   break) points at the file's last character instead.
//! - Rule errors (an unknown role, a zero duration) are found after parsing, when `serde_json` no
//!   longer knows where a value was: [`super::validate`] finds the field again by its path
//!   (`round/2/speak/0/role`) with a small scanner over the already-valid text. No spanned-JSON
//!   crate is needed for that, and the scanner is iterative, so no nesting depth can overflow
//!   the stack. `serde_json`'s own recursion limit (128) bounds parsing.

use std::fmt;
use std::path::{Path, PathBuf};

use super::model::{FORMAT_1, FORMAT_VERSION, Protocol};
use super::nearest;
use super::validate::{Problem, format_problem, validate};
use crate::text::{sanitize, thousands};

/// The largest protocol file read: 1 MiB. The largest built-in is under 6 KiB.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Why a protocol file could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// The file could not be read, or is not a regular file.
    Io { path: String, message: String },
    /// The file is larger than [`MAX_FILE_BYTES`]; `size` when known before reading.
    TooLarge { path: String, size: Option<u64> },
    /// The file is not UTF-8: UTF-16, UTF-32, or invalid bytes (at `line:column`).
    Encoding { path: String, line: usize, column: usize, message: String },
    /// Not valid JSON, or a field of the wrong type.
    Syntax { path: String, line: usize, column: usize, message: String },
    /// A field the format does not know.
    UnknownField {
        path: String,
        line: usize,
        column: usize,
        field: String,
        suggestion: Option<String>,
        known: Vec<String>,
    },
    /// Valid JSON, but the protocol breaks the format's rules.
    Invalid { path: String, problems: Vec<Problem> },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io { path, message } => write!(f, "{path}: cannot read: {message}"),
            LoadError::TooLarge { path, size } => {
                write!(f, "{path}: the file is ")?;
                match size {
                    Some(size) => write!(f, "{} bytes, larger", thousands(*size))?,
                    None => write!(f, "larger")?,
                }
                write!(
                    f,
                    " than the 1 MiB ({} bytes) allowed for a protocol file",
                    thousands(MAX_FILE_BYTES)
                )
            }
            LoadError::Encoding { path, line, column, message }
            | LoadError::Syntax { path, line, column, message } => {
                write!(f, "{path}:{line}:{column}: {message}")
            }
            LoadError::UnknownField { path, line, column, field, suggestion, known } => {
                write!(f, "{path}:{line}:{column}: unknown field \"{field}\"")?;
                if let Some(s) = suggestion {
                    write!(f, "; did you mean \"{s}\"?")?;
                }
                if !known.is_empty() {
                    write!(f, " (known fields here: {})", known.join(", "))?;
                }
                Ok(())
            }
            LoadError::Invalid { path, problems } => {
                let n = problems.len();
                write!(f, "{path}: {n} problem{}:", if n == 1 { "" } else { "s" })?;
                for p in problems {
                    match (p.line, p.column) {
                        (Some(line), Some(column)) => {
                            write!(f, "\n  {path}:{line}:{column}: {}: {}", p.place, p.message)?;
                        }
                        (Some(line), None) => {
                            write!(f, "\n  {path}:{line}: {}: {}", p.place, p.message)?;
                        }
                        _ => write!(f, "\n  {path}: {}: {}", p.place, p.message)?,
                    }
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for LoadError {}

/// Reads and checks a protocol file.
pub fn load_file(path: &Path) -> Result<Protocol, LoadError> {
    let shown = display_path(path);
    let bytes = read_bounded(path, &shown)?;
    parse_protocol_bytes(&bytes, &shown)
}

/// The whole file, if it is a regular file of at most [`MAX_FILE_BYTES`] (see
/// [`crate::bounded`]).
fn read_bounded(path: &Path, shown: &str) -> Result<Vec<u8>, LoadError> {
    crate::bounded::read(path, MAX_FILE_BYTES).map_err(|e| match e {
        crate::bounded::ReadError::TooLarge { size, .. } => {
            LoadError::TooLarge { path: shown.to_string(), size }
        }
        crate::bounded::ReadError::Folder => {
            LoadError::Io { path: shown.to_string(), message: "it is a folder".into() }
        }
        crate::bounded::ReadError::NotAFile => {
            LoadError::Io { path: shown.to_string(), message: "not a regular file".into() }
        }
        e @ crate::bounded::ReadError::Io { .. } => {
            LoadError::Io { path: shown.to_string(), message: e.to_string() }
        }
    })
}

/// Checks the encoding of a file's bytes, then parses and checks the protocol; `path` is only
/// used in messages.
pub fn parse_protocol_bytes(bytes: &[u8], path: &str) -> Result<Protocol, LoadError> {
    let text = decode(bytes).map_err(|(line, column, message)| LoadError::Encoding {
        path: path.to_string(),
        line,
        column,
        message,
    })?;
    parse_protocol(text, path)
}

/// The text of a UTF-8 file without its byte-order mark, or the position and explanation of
/// why it is not UTF-8.
fn decode(bytes: &[u8]) -> Result<&str, (usize, usize, String)> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // RFC 4627, section 3: a JSON text starts with two ASCII characters, so the zero bytes in
    // the first four tell UTF-16 and UTF-32 apart, with or without a byte-order mark.
    let found = match bytes {
        [0x00, 0x00, 0xFE, 0xFF, ..] => Some("UTF-32 (big-endian, with a byte-order mark)"),
        [0xFF, 0xFE, 0x00, 0x00, ..] => Some("UTF-32 (little-endian, with a byte-order mark)"),
        [0xFE, 0xFF, ..] => Some("UTF-16 (big-endian, with a byte-order mark)"),
        [0xFF, 0xFE, ..] => Some("UTF-16 (little-endian, with a byte-order mark)"),
        [0x00, 0x00, 0x00, b, ..] if *b != 0 => Some("UTF-32 (big-endian)"),
        [a, 0x00, 0x00, 0x00, ..] if *a != 0 => Some("UTF-32 (little-endian)"),
        [0x00, a, 0x00, b, ..] if *a != 0 && *b != 0 => Some("UTF-16 (big-endian)"),
        [a, 0x00, b, 0x00, ..] if *a != 0 && *b != 0 => Some("UTF-16 (little-endian)"),
        _ => None,
    };
    if let Some(found) = found {
        return Err((
            1,
            1,
            format!("the file is {found}; protocol files must be UTF-8: save it again as UTF-8"),
        ));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        // The prefix is valid UTF-8 by definition; the fallback is never taken.
        let (line, column) = end_position(std::str::from_utf8(good).unwrap_or(""));
        let byte = bytes[e.valid_up_to()];
        (
            line,
            column + 1,
            format!(
                "the file is not valid UTF-8 (byte 0x{byte:02X}); protocol files must be UTF-8: was it saved as Latin-1 or Windows-1252? Save it again as UTF-8"
            ),
        )
    })
}

/// The line and column (in characters) just after the last character of `text`: the position
/// of a character appended to it.
fn end_position(text: &str) -> (usize, usize) {
    let line = text.matches('\n').count() + 1;
    let start = text.rfind('\n').map_or(0, |i| i + 1);
    (line, text[start..].chars().count())
}

/// The position of the last character of `text` that is not a line break: where a file that
/// "ends too early" ends, as an editor shows it. `1:1` for a file of line breaks only.
fn last_character(text: &str) -> (usize, usize) {
    let body = text.trim_end_matches(['\n', '\r']);
    if body.is_empty() { (1, 1) } else { end_position(body) }
}

/// Converts `serde_json`'s position (1-based line, column in bytes) to a column in characters.
/// `serde_json`'s "column 0", the start of a line, moves back to the last character before it.
fn char_position(text: &str, line: usize, byte_column: usize) -> (usize, usize) {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return last_character(text),
        }
    }
    if byte_column == 0 {
        return last_character(&text[..start]);
    }
    let end = (start + byte_column).min(text.len());
    // Counting the bytes that start a character also counts one whose first byte is in range.
    let column = text.as_bytes()[start..end].iter().filter(|b| (**b & 0xC0) != 0x80).count();
    (line, column.max(1))
}

/// Parses and checks protocol text; `path` is only used in messages. A leading byte-order mark
/// is dropped.
///
/// A file written for another format version is refused for that reason alone, before its
/// fields are checked: a newer format may well have fields this version does not know.
pub fn parse_protocol(text: &str, path: &str) -> Result<Protocol, LoadError> {
    #[derive(serde::Deserialize)]
    struct Version {
        format: Option<serde_json::Value>,
    }
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if let Ok(Version { format: Some(format) }) = serde_json::from_str::<Version>(text)
        && let Some(found) = format.as_u64()
        && !(u64::from(FORMAT_1)..=u64::from(FORMAT_VERSION)).contains(&found)
    {
        return Err(LoadError::Invalid {
            path: path.to_string(),
            problems: vec![format_problem(found, Some(text))],
        });
    }
    let protocol: Protocol = serde_json::from_str(text).map_err(|e| json_error(&e, text, path))?;
    let problems = validate(&protocol, Some(text));
    if problems.is_empty() {
        Ok(protocol)
    } else {
        Err(LoadError::Invalid { path: path.to_string(), problems })
    }
}

fn json_error(e: &serde_json::Error, text: &str, path: &str) -> LoadError {
    let raw = e.to_string();
    // serde_json appends " at line L column C"; the location is reported separately.
    let message = raw.rfind(" at line ").map_or(raw.as_str(), |i| &raw[..i]).to_string();
    let (line, column) =
        if e.is_eof() { last_character(text) } else { char_position(text, e.line(), e.column()) };
    if let Some((field, known)) = parse_unknown_field(&message) {
        let candidates: Vec<&str> = known.iter().map(String::as_str).collect();
        let suggestion = nearest(&field, &candidates).map(str::to_string);
        return LoadError::UnknownField {
            path: path.to_string(),
            line,
            column,
            field: sanitize(&field),
            suggestion,
            known,
        };
    }
    let message = if text.trim().is_empty() {
        "the file is empty: a protocol is a JSON object, `{ \"format\": 1, ... }`".to_string()
    } else if e.is_eof() {
        format!("{message} (the file ends too early: is a closing bracket or brace missing?)")
    } else if message.starts_with("expected `,` or") {
        format!("{message} (is a comma missing before this point?)")
    } else {
        message
    };
    LoadError::Syntax { path: path.to_string(), line, column, message: sanitize(&message) }
}

/// Splits serde's "unknown field `x`, expected one of `a`, `b`" into the field and the list.
fn parse_unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let end = rest.find('`')?;
    let field = rest[..end].to_string();
    let tail = &rest[end + 1..];
    let known = tail
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s.to_string())
        .collect();
    Some((field, known))
}

/// A path as the user should see it: relative to the current folder when it is inside it.
pub fn display_path(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let shown = path.strip_prefix(&cwd).unwrap_or(path);
    sanitize(&shown.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_serde_unknown_field_messages() {
        let (field, known) =
            parse_unknown_field("unknown field `sumary`, expected one of `id`, `summary`")
                .expect("parsed");
        assert_eq!(field, "sumary");
        assert_eq!(known, vec!["id".to_string(), "summary".to_string()]);
        assert!(parse_unknown_field("missing field `id`").is_none());
    }
}
