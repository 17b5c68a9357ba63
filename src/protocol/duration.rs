//! Human durations: `"4m"`, `"90s"`, `"1h30m"`, `"1h 30m"`, and their canonical display.

use std::fmt::Write as _;

/// The longest duration convene takes anywhere (a stage, a `--stage` change, a log's header): a
/// day, in seconds.
pub const MAX_DURATION_SECS: u64 = 24 * 3600;

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
