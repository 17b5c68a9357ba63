//! Protocols: the file format, duration parsing, validation, and the library of built-in and user
//! protocols. A session's plan (groups, rounds, budgets, totals) is `session::plan`.

pub(crate) mod duration;
pub mod library;
pub mod load;
pub(crate) mod model;
pub(crate) mod validate;

pub use duration::{Minutes, clock, format_duration_short, parse_duration, parse_duration_range};
pub use library::{Entry, Library, Origin};
pub use load::{LoadError, MAX_FILE_BYTES, load_file, parse_protocol, parse_protocol_bytes};
pub use model::*;

/// The longest word, or candidate, that [`nearest`] compares: edit distance takes time and memory
/// in the product of the two lengths, and a typo hint for a longer word would not help anyway.
const NEAREST_MAX_CHARS: usize = 64;

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo.
/// Words and candidates longer than 64 characters get no hint.
pub(crate) fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let short = |s: &str| s.chars().nth(NEAREST_MAX_CHARS).is_none();
    if !short(word) {
        return None;
    }
    candidates
        .iter()
        .filter(|c| short(c))
        .map(|c| (strsim::damerau_levenshtein(word, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}
