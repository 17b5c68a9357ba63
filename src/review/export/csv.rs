//! CSV: one row per stage run, no names.

use crate::review::ReviewError;
use crate::review::detail::Session;
use crate::review::digest::leave_key;
use crate::review::fmt;
use crate::text::sanitize;

/// CSV, one row per stage run (positions that were entered), in running order:
/// `position,stage,name,round,planned_s,actual_s,overrun_s,extensions_s,extensions,pauses,
/// shortened_s,shortenings,left,left_without`. Seconds have up to three decimals; `round` is
/// empty outside rounds, `left` for the stage an unfinished log stopped in. No names appear.
pub fn csv(sess: &Session) -> Result<String, ReviewError> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let err = |e: ::csv::Error| ReviewError::Encode { format: "CSV", reason: e.to_string() };
    w.write_record([
        "position",
        "stage",
        "name",
        "round",
        "planned_s",
        "actual_s",
        "overrun_s",
        "extensions_s",
        "extensions",
        "pauses",
        "shortened_s",
        "shortenings",
        "left",
        "left_without",
    ])
    .map_err(err)?;
    for r in sess.timeline() {
        let Some(actual) = r.actual_ms else { continue };
        w.write_record([
            (r.pos + 1).to_string(),
            sanitize(&r.stage),
            sanitize(&r.name),
            r.round.map(|x| (x + 1).to_string()).unwrap_or_default(),
            fmt::secs(r.planned_ms),
            fmt::secs(actual),
            fmt::secs(r.overrun_ms()),
            fmt::secs(r.extended_ms()),
            r.extensions.len().to_string(),
            r.pauses.to_string(),
            fmt::secs(r.shortened_ms()),
            r.shortenings.len().to_string(),
            r.left.map(leave_key).unwrap_or_default().to_string(),
            r.left_without.as_deref().map(sanitize).unwrap_or_default(),
        ])
        .map_err(err)?;
    }
    let bytes =
        w.into_inner().map_err(|e| ReviewError::Encode { format: "CSV", reason: e.to_string() })?;
    String::from_utf8(bytes)
        .map_err(|e| ReviewError::Encode { format: "CSV", reason: e.to_string() })
}
