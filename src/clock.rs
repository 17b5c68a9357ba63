//! The one place that reads the real clocks, for every command and screen (clippy.toml forbids
//! reading them anywhere else). Countdowns run on the monotonic clock (`Instant`, which does not
//! advance while the machine sleeps); the wall clock is for people to read, and for spotting a
//! sleep: wall time that moved while monotonic time did not. "Today" is read here too
//! ([`today`], which `CONVENE_TODAY` overrides).
//!
//! The local time zone is resolved here once, and again only when the local day it was resolved
//! for is over ([`wall_now`]): chrono's `Local` looks at `/etc/localtime` again every second or
//! so, a system call in every second of a countdown that needs none. A change of offset within
//! the day (the clocks going forward or back) is found when the day's zone is resolved, so the
//! wall clock shown is right on both sides of it. The zone is the process's (`TZ`, else the
//! system's), which tests set through `TZ`.

#![allow(clippy::disallowed_methods)]

use std::sync::Mutex;
use std::time::Instant;

use chrono::{DateTime, Days, FixedOffset, Local, NaiveDate, Offset, TimeZone, Utc};

use crate::session::Now;

/// A sleep shorter than this is not reported (scheduling jitter, NTP nudges).
const GAP_THRESHOLD_MS: i64 = 3_000;

#[derive(Debug, Clone)]
pub struct SystemClock {
    origin: Instant,
    /// Session offset at `origin` (0 for a new session; the last event's offset on resume).
    base: u64,
    last: Option<Now>,
}

impl SystemClock {
    pub(crate) fn new(base: u64) -> Self {
        Self { origin: Instant::now(), base, last: None }
    }

    pub(crate) fn now(&self) -> Now {
        let elapsed = u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(u64::MAX / 2);
        Now::new(self.base.saturating_add(elapsed), wall_now())
    }

    /// Wall time that passed without monotonic time since the last call, if more than a few
    /// seconds: the machine slept.
    pub(crate) fn gap(&mut self, now: Now) -> Option<u64> {
        let last = self.last.replace(now)?;
        let wall = (now.wall - last.wall).num_milliseconds();
        let mono = i64::try_from(now.mono.saturating_sub(last.mono)).unwrap_or(i64::MAX);
        let gap = wall - mono;
        (gap > GAP_THRESHOLD_MS).then(|| u64::try_from(gap).unwrap_or(0))
    }
}

/// The wall clock in the local time zone, as resolved for the current local day (see the module
/// doc): reading it makes no system call (the time itself comes from the vDSO on Linux).
pub(crate) fn wall_now() -> DateTime<FixedOffset> {
    static ZONE: Mutex<Option<Zone>> = Mutex::new(None);
    let utc = Utc::now();
    let mut zone = ZONE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let z = match zone.as_mut() {
        Some(z) if utc < z.until => z,
        _ => zone.insert(Zone::resolve(&Local, utc)),
    };
    utc.with_timezone(&z.offset_at(utc))
}

/// A time zone's offsets for one local day: the offset, and the moment it changes within the day
/// and to what, if it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Zone {
    offset: FixedOffset,
    change: Option<(DateTime<Utc>, FixedOffset)>,
    /// The end of the local day: the zone is resolved again from then on.
    until: DateTime<Utc>,
}

impl Zone {
    /// The offsets of `tz` from `utc` to the end of that local day.
    fn resolve<Tz: TimeZone>(tz: &Tz, utc: DateTime<Utc>) -> Self {
        let at = |t: DateTime<Utc>| tz.offset_from_utc_datetime(&t.naive_utc()).fix();
        let offset = at(utc);
        let local = utc.with_timezone(&offset).date_naive();
        let midnight = local
            .checked_add_days(Days::new(1))
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map_or(utc + chrono::Duration::hours(24), |m| {
                m.and_utc() - chrono::Duration::seconds(i64::from(offset.local_minus_utc()))
            });
        // Never longer than a day, never in the past.
        let until =
            midnight.clamp(utc + chrono::Duration::seconds(1), utc + chrono::Duration::hours(24));
        let after = at(until);
        let change = (after != offset).then(|| {
            // The first second with the new offset: at most one change a day.
            let second = |s: i64| DateTime::from_timestamp(s, 0).unwrap_or(until);
            let (mut lo, mut hi) = (utc.timestamp(), until.timestamp());
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if at(second(mid)) == offset {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            (second(hi), after)
        });
        Zone { offset, change, until }
    }

    fn offset_at(&self, utc: DateTime<Utc>) -> FixedOffset {
        match self.change {
            Some((at, after)) if utc >= at => after,
            _ => self.offset,
        }
    }
}

/// `time` today, in the local time zone (the earlier of two when a clock change repeats it; an
/// hour later when it skips it).
pub(crate) fn today_at(time: chrono::NaiveTime) -> DateTime<FixedOffset> {
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
pub(crate) const TODAY_VAR: &str = "CONVENE_TODAY";

/// Today's date: `CONVENE_TODAY` when set, else the local calendar date.
///
/// # Errors
/// A `CONVENE_TODAY` that is not a `YYYY-MM-DD` date, with the message to show.
pub(crate) fn today() -> Result<NaiveDate, String> {
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
pub(crate) fn utc_now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A zone that moves from UTC+1 to UTC+2 at `change`.
    #[derive(Clone)]
    struct Spring {
        change: DateTime<Utc>,
    }

    impl TimeZone for Spring {
        type Offset = FixedOffset;
        fn from_offset(_: &FixedOffset) -> Self {
            unreachable!("not used")
        }
        fn offset_from_local_date(&self, _: &NaiveDate) -> chrono::LocalResult<FixedOffset> {
            unreachable!("not used")
        }
        fn offset_from_local_datetime(
            &self,
            _: &chrono::NaiveDateTime,
        ) -> chrono::LocalResult<FixedOffset> {
            unreachable!("not used")
        }
        fn offset_from_utc_date(&self, _: &NaiveDate) -> FixedOffset {
            unreachable!("not used")
        }
        fn offset_from_utc_datetime(&self, utc: &chrono::NaiveDateTime) -> FixedOffset {
            let h = if utc.and_utc() < self.change { 1 } else { 2 };
            FixedOffset::east_opt(h * 3600).expect("valid")
        }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("valid").with_timezone(&Utc)
    }

    #[test]
    fn a_zone_is_resolved_for_the_local_day_with_its_change_of_offset() {
        let spring = Spring { change: utc("2027-03-28T01:00:00Z") };
        // Saturday 10:00 local: no change before local midnight (23:00 UTC).
        let z = Zone::resolve(&spring, utc("2027-03-27T09:00:00Z"));
        assert_eq!(z.until, utc("2027-03-27T23:00:00Z"));
        assert_eq!(z.change, None);
        // Sunday 00:00 local: the clocks go forward at 01:00 UTC, found to the second.
        let z = Zone::resolve(&spring, z.until);
        let (at, after) = z.change.expect("the change");
        assert_eq!((at, after.local_minus_utc()), (spring.change, 7200));
        assert_eq!(z.offset_at(utc("2027-03-28T00:59:59Z")).local_minus_utc(), 3600);
        assert_eq!(z.offset_at(utc("2027-03-28T01:00:00Z")).local_minus_utc(), 7200);
        // Resolved again at the end of that day (local midnight after the change: 22:00 UTC).
        assert!(z.until <= utc("2027-03-28T23:00:00Z") && z.until > spring.change);
    }

    #[test]
    fn the_wall_clock_reads_the_zone_once() {
        // Two readings in a row: the second is served from the zone resolved for the first.
        let a = wall_now();
        let b = wall_now();
        assert_eq!(a.offset(), b.offset());
        assert!(b >= a);
    }

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
