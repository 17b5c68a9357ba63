//! Protocols: the file format, duration parsing, validation, and the library of built-in and user
//! protocols.

pub mod duration;
pub mod library;
pub mod load;
pub mod model;
pub mod plan;
pub mod validate;

pub use duration::{format_clock, format_duration_short, parse_duration};
pub use library::{Entry, Library, Origin};
pub use load::{LoadError, load_file, parse_protocol};
pub use model::*;

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo.
pub fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}
