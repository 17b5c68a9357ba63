//! The one place that reads the real clocks, for every command and screen (clippy.toml forbids
//! reading them anywhere else). Countdowns run on the monotonic clock (`Instant`, which does not
//! advance while the machine sleeps); the wall clock is for people to read, and for spotting a
//! sleep: wall time that moved while monotonic time did not. "Today" is read here too
//! ([`today`], which `CONVENE_TODAY` overrides).

#![allow(clippy::disallowed_methods)]

use std::time::Instant;

use chrono::{DateTime, FixedOffset, Local, NaiveDate};

use crate::session::Now;

/// A sleep shorter than this is not reported (scheduling jitter, NTP nudges).
const GAP_THRESHOLD_MS: i64 = 3_000;

pub struct SystemClock {
    origin: Instant,
    /// Session offset at `origin` (0 for a new session; the last event's offset on resume).
    base: u64,
    last: Option<Now>,
}

impl SystemClock {
    pub fn new(base: u64) -> Self {
        Self { origin: Instant::now(), base, last: None }
    }

    pub fn now(&self) -> Now {
        let elapsed = u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(u64::MAX / 2);
        Now::new(self.base.saturating_add(elapsed), wall_now())
    }

    /// Wall time that passed without monotonic time since the last call, if more than a few
    /// seconds: the machine slept.
    pub fn gap(&mut self, now: Now) -> Option<u64> {
        let last = self.last.replace(now)?;
        let wall = (now.wall - last.wall).num_milliseconds();
        let mono = i64::try_from(now.mono.saturating_sub(last.mono)).unwrap_or(i64::MAX);
        let gap = wall - mono;
        (gap > GAP_THRESHOLD_MS).then(|| u64::try_from(gap).unwrap_or(0))
    }
}

pub fn wall_now() -> DateTime<FixedOffset> {
    Local::now().fixed_offset()
}

/// `time` today, in the local time zone (the earlier of two when a clock change repeats it; an
/// hour later when it skips it).
pub fn today_at(time: chrono::NaiveTime) -> DateTime<FixedOffset> {
    use chrono::TimeZone;
    let now = wall_now();
    let at = now.date_naive().and_time(time);
    Local
        .from_local_datetime(&at)
        .earliest()
        .or_else(|| Local.from_local_datetime(&(at + chrono::Duration::hours(1))).earliest())
        .map_or(now, |t| t.fixed_offset())
}

/// The environment variable that sets "today" for the review commands (`YYYY-MM-DD`), so that
/// tests and reports for a given day do not depend on the machine's calendar.
pub const TODAY_VAR: &str = "CONVENE_TODAY";

/// Today's date: `CONVENE_TODAY` when set, else the local calendar date.
///
/// # Errors
/// A `CONVENE_TODAY` that is not a `YYYY-MM-DD` date, with the message to show.
pub fn today() -> Result<NaiveDate, String> {
    match std::env::var(TODAY_VAR) {
        Ok(v) if !v.trim().is_empty() => parse_today(&v),
        _ => Ok(wall_now().date_naive()),
    }
}

fn parse_today(v: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| {
        format!(
            "{TODAY_VAR}={}: write the date as YYYY-MM-DD, e.g. 2026-11-23",
            crate::text::sanitize(v)
        )
    })
}

/// The current UTC time, for session ids.
pub fn utc_now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_override_is_a_plain_date() {
        assert_eq!(
            parse_today(" 2031-02-28 "),
            NaiveDate::from_ymd_opt(2031, 2, 28).ok_or(String::new())
        );
        let e = parse_today("28/02/2031").expect_err("not iso");
        assert!(e.contains("CONVENE_TODAY=28/02/2031") && e.contains("YYYY-MM-DD"), "{e}");
    }
}
