//! Human durations: `"4m"`, `"90s"`, `"1h30m"`, `"1h 30m"`, and their canonical display; and
//! the two types a protocol's durations are read into, once, when the file is read
//! ([`TimeSpan`], [`TimeRange`]).

use std::borrow::Cow;
use std::fmt::Write as _;

use schemars::{JsonSchema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The longest duration convene takes anywhere (a stage, a `--stage` change, a log's header): a
/// day, in seconds.
pub(crate) const MAX_DURATION_SECS: u64 = 24 * 3600;

/// Parses a human duration into whole seconds.
///
/// Accepts one or more `<number><unit>` parts with units `h`, `m` and `s`, in that order, each at
/// most once, optionally separated by spaces: `"4m"`, `"90s"`, `"1h30m"`, `"1h 30m 15s"`.
///
/// # Errors
/// A message saying what is wrong, for the protocol validator or the command line to show.
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("is empty: write a duration such as \"4m\", \"90s\" or \"1h30m\"".into());
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    let mut last_unit_rank = 0u8;
    for ch in trimmed.chars() {
        if ch.is_ascii_digit() {
            number.push(ch);
            continue;
        }
        if ch == ' ' && number.is_empty() {
            continue;
        }
        let (rank, factor) = match ch {
            'h' => (1, 3600),
            'm' => (2, 60),
            's' => (3, 1),
            _ => {
                return Err(match spelled_out(trimmed) {
                    Some(short) => {
                        format!("\"{trimmed}\" is not a duration; did you mean \"{short}\"?")
                    }
                    None => format!(
                        "\"{trimmed}\" is not a duration: unexpected '{}'; use h, m and s, as in \"1h30m\"",
                        ch.escape_default()
                    ),
                });
            }
        };
        if number.is_empty() {
            return Err(format!("\"{trimmed}\" is not a duration: '{ch}' has no number before it"));
        }
        if rank <= last_unit_rank {
            return Err(format!(
                "\"{trimmed}\" is not a duration: give hours, minutes and seconds once each, in that order"
            ));
        }
        last_unit_rank = rank;
        let value: u64 = number
            .parse()
            .map_err(|_| format!("\"{trimmed}\" is not a duration: the number is too large"))?;
        total = value
            .checked_mul(factor)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| format!("\"{trimmed}\" is not a duration: it is too long"))?;
        number.clear();
    }
    if !number.is_empty() {
        return Err(format!(
            "\"{trimmed}\" is not a duration: the number {number} has no unit (h, m or s)"
        ));
    }
    if total > MAX_DURATION_SECS {
        return Err(format!("\"{trimmed}\" is longer than a day"));
    }
    Ok(total)
}

/// The short form of a duration written with words or spaces (`"4 minutes"`, `"1 hr 30 min"`,
/// `"4 m"`), if it has one.
fn spelled_out(text: &str) -> Option<String> {
    const UNITS: [(&str, &str); 12] = [
        ("hours", "h"),
        ("hour", "h"),
        ("hrs", "h"),
        ("hr", "h"),
        ("minutes", "m"),
        ("minute", "m"),
        ("mins", "m"),
        ("min", "m"),
        ("seconds", "s"),
        ("second", "s"),
        ("secs", "s"),
        ("sec", "s"),
    ];
    let mut short: String =
        text.to_lowercase().chars().filter(|c| !c.is_whitespace() && *c != ',').collect();
    for (word, unit) in UNITS {
        short = short.replace(word, unit);
    }
    // Only digits and unit letters are left, so this parse cannot come back here.
    if !short.chars().all(|c| c.is_ascii_digit() || "hms".contains(c)) {
        return None;
    }
    let secs = parse_duration(&short).ok()?;
    Some(format_duration_short(secs))
}

/// Canonical short form: `4m`, `1m30s`, `1h30m`.
pub fn format_duration_short(secs: u64) -> String {
    if secs == 0 {
        return "0s".into();
    }
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        let _ = write!(out, "{h}h");
    }
    if m > 0 {
        let _ = write!(out, "{m}m");
    }
    if s > 0 {
        let _ = write!(out, "{s}s");
    }
    out
}

/// How a clock writes the minutes of a time under an hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Minutes {
    /// `04:00`: the countdown, tables and totals, where times line up in a column.
    Padded,
    /// `4:00`: durations within a sentence (`+1:20 OVER`, `planned 24:00, actual 26:10`).
    Plain,
}

/// Seconds as a clock: `04:00` or `4:00` (see [`Minutes`]); from an hour on, `1:30:00`. The one
/// clock formatter: every screen, table and export writes times through it.
pub fn clock(secs: u64, minutes: Minutes) -> String {
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    match (h, minutes) {
        (1.., _) => format!("{h}:{m:02}:{s:02}"),
        (0, Minutes::Padded) => format!("{m:02}:{s:02}"),
        (0, Minutes::Plain) => format!("{m}:{s:02}"),
    }
}

/// Parses a duration or a range of two (`"90m-2h"`, format 2) into the lower end and, for a
/// range, the upper end, in seconds.
///
/// # Errors
/// What is wrong: either end not a duration, or an upper end not above the lower.
pub fn parse_duration_range(text: &str) -> Result<(u64, Option<u64>), String> {
    match text.split_once('-') {
        None => parse_duration(text).map(|secs| (secs, None)),
        Some((low, high)) => {
            let low = parse_duration(low)?;
            let high = parse_duration(high)?;
            if high <= low {
                return Err(format!(
                    "\"{}\" is not a range: the upper end must be longer than the lower",
                    text.trim()
                ));
            }
            Ok((low, Some(high)))
        }
    }
}

/// A duration in a protocol file (a warning's lead time, a timed cue, a marker), read when the
/// file is: the text as the author wrote it (a log embeds the protocol as it was used, and
/// `protocols show` quotes it) and its seconds, for the engine. Nothing parses it again.
///
/// Text that is not a duration is still read, so that validation can report it with the file's
/// other problems, naming the file, line and field ([`TimeSpan::problem`]); a protocol with one
/// is never used (`load_file`, `Library` and a log's header all refuse it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeSpan {
    text: String,
    secs: u64,
    problem: Option<String>,
}

impl TimeSpan {
    /// Reads `text` (see [`parse_duration`]); what is wrong with it is kept for validation.
    pub(crate) fn read(text: impl Into<String>) -> Self {
        let text = text.into();
        match parse_duration(&text) {
            Ok(secs) => Self { text, secs, problem: None },
            Err(e) => Self { text, secs: 0, problem: Some(e) },
        }
    }

    /// The seconds (0 for text that is not a duration, which validation refuses).
    pub(crate) fn secs(&self) -> u64 {
        self.secs
    }

    /// The milliseconds, as the engine counts.
    pub fn ms(&self) -> u64 {
        self.secs.saturating_mul(1000)
    }

    /// The text as written in the file.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Why the text is not a duration, for validation to report: `"\"4 minutes\" is not a
    /// duration; did you mean \"4m\"?"`.
    pub(crate) fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }
}

/// A stage's duration in a protocol file: a duration, or (format 2) a range `"90m-2h"`, planned
/// at its lower end and warned at its upper. Read once, like [`TimeSpan`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeRange {
    text: String,
    low: u64,
    high: Option<u64>,
    problem: Option<String>,
}

impl TimeRange {
    /// Reads `text` (see [`parse_duration_range`]); what is wrong with it is kept for validation.
    pub(crate) fn read(text: impl Into<String>) -> Self {
        let text = text.into();
        match parse_duration_range(&text) {
            Ok((low, high)) => Self { text, low, high, problem: None },
            Err(e) => Self { text, low: 0, high: None, problem: Some(e) },
        }
    }

    /// The planned seconds: the duration, or a range's lower end (validation refuses 0).
    pub fn secs(&self) -> u64 {
        self.low
    }

    /// The upper end of a range (`"90m-2h"` gives 7200), if the duration is one.
    pub fn upper_secs(&self) -> Option<u64> {
        self.high
    }

    /// Whether it is written as a range (format 2), readable or not.
    pub(crate) fn is_range(&self) -> bool {
        self.text.contains('-')
    }

    /// Why the text is not a duration or a range, for validation to report.
    pub(crate) fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }
}

impl std::fmt::Display for TimeSpan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::fmt::Display for TimeRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

// Both are written as the text they were read from, so a log embeds the protocol unchanged.
impl Serialize for TimeSpan {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl Serialize for TimeRange {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for TimeSpan {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self::read)
    }
}

impl<'de> Deserialize<'de> for TimeRange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self::read)
    }
}

// In the JSON Schema both are strings; the fields give the pattern.
impl JsonSchema for TimeSpan {
    fn schema_name() -> Cow<'static, str> {
        "TimeSpan".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> schemars::Schema {
        json_schema!({ "type": "string" })
    }
}

impl JsonSchema for TimeRange {
    fn schema_name() -> Cow<'static, str> {
        "TimeRange".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> schemars::Schema {
        json_schema!({ "type": "string" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_protocols_use() {
        assert_eq!(parse_duration("4m"), Ok(240));
        assert_eq!(parse_duration("90s"), Ok(90));
        assert_eq!(parse_duration("1h30m"), Ok(5400));
        assert_eq!(parse_duration("1h 30m 15s"), Ok(5415));
        assert_eq!(parse_duration(" 30m "), Ok(1800));
    }

    #[test]
    fn refuses_what_is_not_a_duration() {
        for bad in ["", "4", "m", "4x", "4 minutes", "30m1h", "4m4m", "-4m", "25h"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} should be refused");
        }
        assert_eq!(
            parse_duration("4 minutes"),
            Err("\"4 minutes\" is not a duration; did you mean \"4m\"?".into())
        );
        assert_eq!(
            parse_duration("1 hour 30 mins"),
            Err("\"1 hour 30 mins\" is not a duration; did you mean \"1h30m\"?".into())
        );
        assert!(parse_duration("ten minutes").is_err_and(|e| e.contains("unexpected 't'")));
    }

    #[test]
    fn a_protocol_duration_is_read_once_and_written_as_it_was() {
        let span: TimeSpan = serde_json::from_str("\"1h 30m\"").expect("a string");
        assert_eq!(
            (span.secs(), span.ms(), span.as_str(), span.problem()),
            (5400, 5_400_000, "1h 30m", None)
        );
        assert_eq!(serde_json::to_string(&span).expect("json"), "\"1h 30m\"");
        let range: TimeRange = serde_json::from_str("\"90m-2h\"").expect("a string");
        assert_eq!((range.secs(), range.upper_secs(), range.is_range()), (5400, Some(7200), true));
        let bad = TimeRange::read("4 minutes");
        assert_eq!(bad.problem(), Some("\"4 minutes\" is not a duration; did you mean \"4m\"?"));
        let e = serde_json::from_str::<TimeSpan>("5").expect_err("not a string");
        assert!(e.to_string().starts_with("invalid type: integer `5`, expected a string"), "{e}");
    }

    #[test]
    fn formats_round_trip() {
        for secs in [1, 59, 60, 90, 240, 3599, 3600, 5400, 5415] {
            assert_eq!(parse_duration(&format_duration_short(secs)), Ok(secs));
        }
        assert_eq!(clock(24 * 60, Minutes::Padded), "24:00");
        assert_eq!(clock(4 * 60, Minutes::Padded), "04:00");
        assert_eq!(clock(4 * 60, Minutes::Plain), "4:00");
        assert_eq!(clock(5400, Minutes::Padded), "1:30:00");
        assert_eq!(clock(5400, Minutes::Plain), "1:30:00");
    }
}
