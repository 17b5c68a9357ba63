//! A session's stage runs packed into one value (`runs.packed`, see [`super::schema`]): one row
//! a session rather than one a run keeps a million runs in a quarter of the room (at 100,000
//! logs, 66 MB of rows and their index by file became 16 MB).
//!
//! Each run, in running order, is a list of unsigned LEB128 numbers: its stage (`stages.sid`),
//! its position, a mask of which of the other figures are there (most are zero), its planned and
//! its actual time, then the other figures the mask names, in the order [`pack`] lists them. A
//! planned time in whole seconds is written in seconds (bit [`PLANNED_IN_S`]).

use crate::review::digest::RunDigest;
use crate::session::Leave;

/// A packed value that does not read back (cut short, or not made by [`pack`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the stage runs kept for a session in the review index cannot be read back")]
pub(crate) struct BadPack;

// The mask's bits: those nearly every run has first, so that its mask takes one byte.
const FINISHED: u64 = 1;
const PLANNED_IN_S: u64 = 1 << 1;
const LEFT: u64 = 1 << 2;
const WITHOUT_RECORD: u64 = 1 << 3;
const ROUND: u64 = 1 << 4;
const EXTENDED_MS: u64 = 1 << 5;
const EXTENSIONS: u64 = 1 << 6;
const REFUSALS: u64 = 1 << 7;
const PAUSES: u64 = 1 << 8;
const PAUSED_MS: u64 = 1 << 9;
const SHORTENINGS: u64 = 1 << 10;
const SHORTENED_MS: u64 = 1 << 11;

/// The ways a stage is left, in the order their numbers give.
const LEAVES: [Leave; 6] =
    [Leave::Next, Leave::Back, Leave::Skip, Leave::Jump, Leave::Auto, Leave::End];

fn put(out: &mut Vec<u8>, n: u64) {
    // Writing into a `Vec` cannot fail.
    let _ = leb128::write::unsigned(out, n);
}

fn usize_of(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// The runs of a session, each with the `sid` of its stage, packed.
pub(crate) fn pack<'a>(runs: impl IntoIterator<Item = (i64, &'a RunDigest)>) -> Vec<u8> {
    let mut out = Vec::new();
    for (sid, r) in runs {
        let optional = [
            (ROUND, r.round.map_or(0, |n| usize_of(n) + 1)),
            (EXTENDED_MS, r.extended_ms),
            (EXTENSIONS, u64::from(r.extensions)),
            (REFUSALS, u64::from(r.refusals)),
            (PAUSES, u64::from(r.pauses)),
            (PAUSED_MS, r.paused_ms),
            (SHORTENINGS, u64::from(r.shortenings)),
            (SHORTENED_MS, r.shortened_ms),
            (
                LEFT,
                r.left
                    .and_then(|l| LEAVES.iter().position(|x| *x == l))
                    .map_or(0, |i| usize_of(i) + 1),
            ),
        ];
        let mut mask = optional.iter().filter(|(_, v)| *v != 0).fold(0, |m, (bit, _)| m | bit);
        if r.without_record {
            mask |= WITHOUT_RECORD;
        }
        if r.finished {
            mask |= FINISHED;
        }
        let in_s = r.planned_ms % 1000 == 0;
        if in_s {
            mask |= PLANNED_IN_S;
        }
        put(&mut out, u64::try_from(sid).unwrap_or(0));
        put(&mut out, usize_of(r.pos));
        put(&mut out, mask);
        put(&mut out, if in_s { r.planned_ms / 1000 } else { r.planned_ms });
        put(&mut out, r.actual_ms);
        for (_, v) in optional.iter().filter(|(_, v)| *v != 0) {
            put(&mut out, *v);
        }
    }
    out
}

/// The runs [`pack`] packed, in running order, each with its stage's `sid`. Their stage's id,
/// name and expected record are left empty: they are the stage's (`stages`).
pub(crate) fn unpack(mut bytes: &[u8]) -> Result<Vec<(i64, RunDigest)>, BadPack> {
    let mut out = Vec::new();
    let next = |b: &mut &[u8]| leb128::read::unsigned(b).map_err(|_| BadPack);
    let small = |n: u64| u32::try_from(n).map_err(|_| BadPack);
    let index = |n: u64| usize::try_from(n).map_err(|_| BadPack);
    while !bytes.is_empty() {
        let sid = i64::try_from(next(&mut bytes)?).map_err(|_| BadPack)?;
        let pos = index(next(&mut bytes)?)?;
        let mask = next(&mut bytes)?;
        let planned = next(&mut bytes)?;
        let planned_ms = if mask & PLANNED_IN_S == 0 {
            planned
        } else {
            planned.checked_mul(1000).ok_or(BadPack)?
        };
        let actual_ms = next(&mut bytes)?;
        let mut field = |bit: u64| -> Result<u64, BadPack> {
            if mask & bit == 0 { Ok(0) } else { next(&mut bytes) }
        };
        let round = field(ROUND)?;
        let extended_ms = field(EXTENDED_MS)?;
        let extensions = small(field(EXTENSIONS)?)?;
        let refusals = small(field(REFUSALS)?)?;
        let pauses = small(field(PAUSES)?)?;
        let paused_ms = field(PAUSED_MS)?;
        let shortenings = small(field(SHORTENINGS)?)?;
        let shortened_ms = field(SHORTENED_MS)?;
        let left = match field(LEFT)? {
            0 => None,
            n => Some(*LEAVES.get(index(n - 1)?).ok_or(BadPack)?),
        };
        out.push((
            sid,
            RunDigest {
                pos,
                stage: String::new(),
                name: String::new(),
                round: if round == 0 { None } else { Some(index(round - 1)?) },
                planned_ms,
                actual_ms,
                extended_ms,
                extensions,
                refusals,
                pauses,
                paused_ms,
                shortenings,
                shortened_ms,
                left,
                without_record: mask & WITHOUT_RECORD != 0,
                expects: None,
                finished: mask & FINISHED != 0,
            },
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(pos: usize) -> RunDigest {
        RunDigest {
            pos,
            stage: String::new(),
            name: String::new(),
            round: None,
            planned_ms: 600_000,
            actual_ms: 612_345,
            extended_ms: 0,
            extensions: 0,
            refusals: 0,
            pauses: 0,
            paused_ms: 0,
            shortenings: 0,
            shortened_ms: 0,
            left: Some(Leave::Next),
            without_record: false,
            expects: None,
            finished: true,
        }
    }

    /// Every figure of a run reads back as it was written, zero or not, and a typical run takes
    /// a few bytes.
    #[test]
    fn runs_read_back_as_written() {
        let plain = run(0);
        let full = RunDigest {
            round: Some(0),
            planned_ms: 90_001,
            extended_ms: 120_000,
            extensions: 2,
            refusals: 1,
            pauses: 3,
            paused_ms: 45_000,
            shortenings: 1,
            shortened_ms: 30_000,
            left: Some(Leave::End),
            without_record: true,
            finished: false,
            ..run(7)
        };
        let unfinished = RunDigest { left: None, round: Some(12), planned_ms: 0, ..run(8) };
        for (i, leave) in LEAVES.iter().enumerate() {
            let r = RunDigest { left: Some(*leave), ..run(i) };
            assert_eq!(unpack(&pack([(3, &r)])), Ok(vec![(3, r)]));
        }
        let all = [(1, &plain), (4_000_000, &full), (2, &unfinished)];
        let bytes = pack(all);
        assert!(pack([(1, &plain)]).len() <= 9, "{:?}", pack([(1, &plain)]));
        let back = unpack(&bytes).expect("reads back");
        assert_eq!(back, all.iter().map(|(s, r)| (*s, (*r).clone())).collect::<Vec<_>>());
        assert_eq!(unpack(&[]), Ok(Vec::new()));
    }

    #[test]
    fn a_value_cut_short_is_refused() {
        let bytes = pack([(1, &run(0)), (2, &run(1))]);
        for end in 1..bytes.len() {
            let cut = unpack(&bytes[..end]);
            assert!(cut.is_err() || cut.as_ref().is_ok_and(|r| r.len() == 1), "{end}: {cut:?}");
        }
        assert_eq!(unpack(&[0x80]), Err(BadPack));
    }
}
