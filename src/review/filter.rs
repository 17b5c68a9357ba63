//! The filters shared by `logs list`, `report` and the browser.
//!
//! - `--protocol ID`: the protocol id, case-insensitive;
//! - `--person NAME`: a participant or the facilitator; matches a whole name or one whole word of
//!   it, case-insensitive (`ann` finds "Ann Lee" but not "Joanna"), compared as names look (an
//!   accent however it was typed, invisible characters ignored: `text::name_key`);
//! - `--group NAME`: the recurring group, whole name, case-insensitive;
//! - `--since/--until YYYY-MM-DD`: the day the session started, in the time zone it was run in,
//!   both ends included;
//! - `--status completed|ended-early|unfinished`.

use chrono::NaiveDate;

use super::ReviewError;
use super::digest::{Digest, SessionStatus};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub protocol: Option<String>,
    pub person: Option<String>,
    pub group: Option<String>,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub status: Option<SessionStatus>,
}

/// Whether `name` is `query`, or has `query` as one of its words (case-insensitive, and as
/// names look: [`crate::text::name_key`], so "Zoë" finds a log written before names were kept
/// composed, with "Zoe" and a combining accent, or with a zero-width space inside).
pub fn name_matches(name: &str, query: &str) -> bool {
    let q = crate::text::name_key(query);
    if q.is_empty() {
        return true;
    }
    let n = crate::text::name_key(name);
    n == q || n.split_whitespace().any(|w| w == q)
}

fn same(a: &str, b: &str) -> bool {
    crate::text::name_key(a) == crate::text::name_key(b)
}

pub(crate) fn parse_date(flag: &'static str, text: &str) -> Result<NaiveDate, ReviewError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| ReviewError::BadDate { flag, text: text.to_string() })
}

pub(crate) fn parse_status(text: &str) -> Result<SessionStatus, ReviewError> {
    match text.trim().to_lowercase().replace(' ', "-").as_str() {
        "completed" | "complete" => Ok(SessionStatus::Completed),
        "ended-early" | "early" => Ok(SessionStatus::EndedEarly),
        "unfinished" | "interrupted" => Ok(SessionStatus::Unfinished),
        _ => Err(ReviewError::BadStatus { text: text.to_string() }),
    }
}

/// The filter as typed (on the command line, or in a form): text to be checked.
#[derive(Debug, Clone, Copy, Default)]
pub struct FilterText<'a> {
    pub protocol: Option<&'a str>,
    pub person: Option<&'a str>,
    pub group: Option<&'a str>,
    pub since: Option<&'a str>,
    pub until: Option<&'a str>,
    pub status: Option<&'a str>,
}

impl Filter {
    /// Checks typed values; blank ones filter nothing.
    pub fn parse(f: FilterText<'_>) -> Result<Self, ReviewError> {
        let nonempty =
            |o: Option<&str>| o.map(str::trim).filter(|s| !s.is_empty()).map(String::from);
        let out = Self {
            protocol: nonempty(f.protocol),
            person: nonempty(f.person),
            group: nonempty(f.group),
            since: f.since.map(|d| parse_date("--since", d)).transpose()?,
            until: f.until.map(|d| parse_date("--until", d)).transpose()?,
            status: f.status.map(parse_status).transpose()?,
        };
        if let (Some(a), Some(b)) = (out.since, out.until)
            && a > b
        {
            return Err(ReviewError::EmptyRange { since: a, until: b });
        }
        Ok(out)
    }

    pub(crate) fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    pub fn matches(&self, d: &Digest) -> bool {
        if let Some(p) = &self.protocol
            && !same(&d.protocol_id, p)
        {
            return false;
        }
        if let Some(g) = &self.group
            && !d.group.as_deref().is_some_and(|dg| same(dg, g))
        {
            return false;
        }
        if let Some(who) = &self.person
            && !d.participants.iter().chain(&d.facilitator).any(|n| name_matches(n, who))
        {
            return false;
        }
        let day = d.date();
        if self.since.is_some_and(|s| day < s) || self.until.is_some_and(|u| day > u) {
            return false;
        }
        self.status.is_none_or(|s| s == d.status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_matches_a_whole_name_or_a_whole_word() {
        assert!(name_matches("Ann Lee", "ann"));
        assert!(name_matches("Ann Lee", "ANN LEE"));
        assert!(name_matches("Ann Lee", "lee"));
        assert!(!name_matches("Joanna Smith", "ann"));
    }

    #[test]
    fn a_name_in_an_older_log_matches_however_its_accents_and_invisibles_were_written() {
        assert!(name_matches("Zoe\u{308} Ng", "Zo\u{eb}"));
        assert!(name_matches("Zo\u{eb} Ng", "zoe\u{308} ng"));
        assert!(name_matches("An\u{200B}n Lee", "ann"));
        assert!(!name_matches("Zoe Ng", "Zo\u{eb}"));
    }

    #[test]
    fn bad_values_are_named() {
        let e = parse_date("--since", "23/11/2026").unwrap_err();
        assert_eq!(
            e.to_string(),
            "--since 23/11/2026: not a date; write it as YYYY-MM-DD, e.g. 2026-11-23"
        );
        assert!(parse_status("done").unwrap_err().to_string().contains("completed, ended-early"));
        let f = FilterText {
            since: Some("2026-12-01"),
            until: Some("2026-11-01"),
            ..FilterText::default()
        };
        let e = Filter::parse(f).unwrap_err();
        assert!(matches!(e, ReviewError::EmptyRange { .. }), "{e:?}");
        assert!(e.to_string().contains("after --until"));
    }
}
