//! Reading one protocol file, with errors that name the file, line, column and field.

use std::fmt;
use std::path::{Path, PathBuf};

use super::model::{FORMAT_VERSION, Protocol};
use super::nearest;
use super::validate::{Problem, format_problem, validate};
use crate::text::sanitize;

/// Why a protocol file could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// The file could not be read.
    Io { path: String, message: String },
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
            LoadError::Syntax { path, line, column, message } => {
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
                    match p.line {
                        Some(line) => write!(f, "\n  {path}:{line}: {}: {}", p.place, p.message)?,
                        None => write!(f, "\n  {path}: {}: {}", p.place, p.message)?,
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
    let text = std::fs::read_to_string(path)
        .map_err(|e| LoadError::Io { path: shown.clone(), message: e.to_string() })?;
    parse_protocol(&text, &shown)
}

/// Parses and checks protocol text; `path` is only used in messages.
///
/// A file written for another format version is refused for that reason alone, before its
/// fields are checked: a newer format may well have fields this version does not know.
pub fn parse_protocol(text: &str, path: &str) -> Result<Protocol, LoadError> {
    #[derive(serde::Deserialize)]
    struct Version {
        format: Option<serde_json::Value>,
    }
    if let Ok(Version { format: Some(format) }) = serde_json::from_str::<Version>(text)
        && let Some(found) = format.as_u64()
        && found != u64::from(FORMAT_VERSION)
    {
        return Err(LoadError::Invalid {
            path: path.to_string(),
            problems: vec![format_problem(found, Some(text))],
        });
    }
    let protocol: Protocol = serde_json::from_str(text).map_err(|e| json_error(&e, path))?;
    let problems = validate(&protocol, Some(text));
    if problems.is_empty() {
        Ok(protocol)
    } else {
        Err(LoadError::Invalid { path: path.to_string(), problems })
    }
}

fn json_error(e: &serde_json::Error, path: &str) -> LoadError {
    let raw = e.to_string();
    // serde_json appends " at line L column C"; the location is reported separately.
    let message = raw.rfind(" at line ").map_or(raw.as_str(), |i| &raw[..i]).to_string();
    let (line, column) = (e.line(), e.column());
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
    let message = if e.is_eof() {
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
