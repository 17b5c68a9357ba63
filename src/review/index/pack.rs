//! A session's stage runs packed into one value (`runs.packed`, see [`super::schema`]): one row
//! a session rather than one a run keeps a million runs in a quarter of the room (at 100,000
//! logs, 66 MB of rows and their index by file became 16 MB). A session's commitments
//! ([`pack_commitments`]) and its follow-ups of one session's commitments
//! ([`pack_follow_ups`]) are packed the same way.
//!
//! Each run, in running order, is a list of unsigned LEB128 numbers: a mask of which of the
//! other figures are there (most are zero or as expected), its stage (`stages.sid`) unless it
//! is the one after the last run's (a protocol's stages are numbered in order the first time
//! they are seen), its position unless it follows the last run's (nearly always), its planned
//! and its actual time, then the other figures the mask names, in the order [`pack`] lists
//! them: its round only when it is not the last run's, how it was left only when it was not for
//! the next stage. A planned time in whole seconds is written in seconds (bit
//! [`PLANNED_IN_S`]).

use crate::review::digest::RunDigest;
use crate::session::Leave;

/// A packed value that does not read back (cut short, or not made by [`pack`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the stage runs kept for a session in the review index cannot be read back")]
pub(crate) struct BadPack;

// The mask's bits: those often set first, so that its mask takes one byte.
const FINISHED: u64 = 1;
const PLANNED_IN_S: u64 = 1 << 1;
/// Its stage is named: it is not the one after the last run's.
const SID_GIVEN: u64 = 1 << 2;
const EXTENDED_MS: u64 = 1 << 3;
const EXTENSIONS: u64 = 1 << 4;
/// Its round is given: it is not the last run's (the first run's is taken to be none).
const ROUND: u64 = 1 << 5;
/// How it was left is given: it was not left for the next stage (`Leave::Next`).
const LEFT: u64 = 1 << 6;
/// Its position is given: it does not follow the last run's.
const POS_GIVEN: u64 = 1 << 7;
const WITHOUT_RECORD: u64 = 1 << 8;
const REFUSALS: u64 = 1 << 9;
const PAUSES: u64 = 1 << 10;
const PAUSED_MS: u64 = 1 << 11;
const SHORTENINGS: u64 = 1 << 12;
const SHORTENED_MS: u64 = 1 << 13;

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
    // What the next run's stage, position and round are taken to be.
    let (mut next_sid, mut next_pos, mut last_round) = (None, 0, None);
    for (sid, r) in runs {
        let left = match r.left {
            Some(Leave::Next) => 0,
            l => l.and_then(|l| LEAVES.iter().position(|x| *x == l)).map_or(0, |i| usize_of(i) + 1),
        };
        // (bit, value, whether it is written)
        let optional = [
            (ROUND, r.round.map_or(0, |n| usize_of(n) + 1), r.round != last_round),
            (EXTENDED_MS, r.extended_ms, r.extended_ms != 0),
            (EXTENSIONS, u64::from(r.extensions), r.extensions != 0),
            (REFUSALS, u64::from(r.refusals), r.refusals != 0),
            (PAUSES, u64::from(r.pauses), r.pauses != 0),
            (PAUSED_MS, r.paused_ms, r.paused_ms != 0),
            (SHORTENINGS, u64::from(r.shortenings), r.shortenings != 0),
            (SHORTENED_MS, r.shortened_ms, r.shortened_ms != 0),
            (LEFT, left, r.left != Some(Leave::Next)),
        ];
        let mut mask = optional.iter().filter(|o| o.2).fold(0, |m, (bit, _, _)| m | bit);
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
        let sid_given = next_sid != Some(sid);
        if sid_given {
            mask |= SID_GIVEN;
        }
        let pos_given = r.pos != next_pos;
        if pos_given {
            mask |= POS_GIVEN;
        }
        next_sid = sid.checked_add(1);
        next_pos = r.pos.saturating_add(1);
        last_round = r.round;
        put(&mut out, mask);
        if sid_given {
            put(&mut out, u64::try_from(sid).unwrap_or(0));
        }
        if pos_given {
            put(&mut out, usize_of(r.pos));
        }
        put(&mut out, if in_s { r.planned_ms / 1000 } else { r.planned_ms });
        put(&mut out, r.actual_ms);
        for (_, v, _) in optional.iter().filter(|o| o.2) {
            put(&mut out, *v);
        }
    }
    out
}

/// The runs [`pack`] packed, in running order, each with its stage's `sid`. Their stage's id,
/// name and expected record are left empty: they are the stage's (`stages`).
pub(crate) fn unpack(bytes: &[u8]) -> Result<Vec<(i64, RunDigest)>, BadPack> {
    let mut out = Vec::new();
    let mut bytes = Reader(bytes);
    let small = |n: u64| u32::try_from(n).map_err(|_| BadPack);
    let index = |n: u64| usize::try_from(n).map_err(|_| BadPack);
    let (mut next_sid, mut next_pos, mut last_round) = (None, 0, None);
    while !bytes.is_empty() {
        let mask = bytes.unsigned()?;
        let sid = if mask & SID_GIVEN == 0 { next_sid.ok_or(BadPack)? } else { bytes.id()? };
        let pos = if mask & POS_GIVEN == 0 { next_pos } else { bytes.index()? };
        next_sid = sid.checked_add(1);
        next_pos = pos.saturating_add(1);
        let planned = bytes.unsigned()?;
        let planned_ms = if mask & PLANNED_IN_S == 0 {
            planned
        } else {
            planned.checked_mul(1000).ok_or(BadPack)?
        };
        let actual_ms = bytes.unsigned()?;
        let mut field = |bit: u64| -> Result<Option<u64>, BadPack> {
            if mask & bit == 0 { Ok(None) } else { bytes.unsigned().map(Some) }
        };
        let round = match field(ROUND)? {
            None => last_round,
            Some(0) => None,
            Some(n) => Some(index(n - 1)?),
        };
        last_round = round;
        let extended_ms = field(EXTENDED_MS)?.unwrap_or(0);
        let extensions = small(field(EXTENSIONS)?.unwrap_or(0))?;
        let refusals = small(field(REFUSALS)?.unwrap_or(0))?;
        let pauses = small(field(PAUSES)?.unwrap_or(0))?;
        let paused_ms = field(PAUSED_MS)?.unwrap_or(0);
        let shortenings = small(field(SHORTENINGS)?.unwrap_or(0))?;
        let shortened_ms = field(SHORTENED_MS)?.unwrap_or(0);
        let left = match field(LEFT)? {
            None => Some(Leave::Next),
            Some(0) => None,
            Some(n) => Some(*LEAVES.get(index(n - 1)?).ok_or(BadPack)?),
        };
        out.push((
            sid,
            RunDigest {
                pos,
                stage: String::new(),
                name: String::new(),
                round,
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

fn put_signed(out: &mut Vec<u8>, n: i64) {
    // Writing into a `Vec` cannot fail.
    let _ = leb128::write::signed(out, n);
}

fn put_text(out: &mut Vec<u8>, text: &str) {
    put(out, usize_of(text.len()));
    out.extend_from_slice(text.as_bytes());
}

/// Reads a packed value front to back; every read refuses what is cut short or out of range.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn unsigned(&mut self) -> Result<u64, BadPack> {
        leb128::read::unsigned(&mut self.0).map_err(|_| BadPack)
    }

    fn signed(&mut self) -> Result<i64, BadPack> {
        leb128::read::signed(&mut self.0).map_err(|_| BadPack)
    }

    fn index(&mut self) -> Result<usize, BadPack> {
        usize::try_from(self.unsigned()?).map_err(|_| BadPack)
    }

    fn id(&mut self) -> Result<i64, BadPack> {
        i64::try_from(self.unsigned()?).map_err(|_| BadPack)
    }

    fn offset(&mut self) -> Result<i32, BadPack> {
        i32::try_from(self.signed()?).map_err(|_| BadPack)
    }

    fn text(&mut self) -> Result<String, BadPack> {
        let len = self.index()?;
        if len > self.0.len() {
            return Err(BadPack);
        }
        let (text, rest) = self.0.split_at(len);
        self.0 = rest;
        String::from_utf8(text.to_vec()).map_err(|_| BadPack)
    }
}

/// A list of text numbers (`texts.tid`; a session's participants, `details.participants`), in
/// order, each an unsigned LEB128 number: four names take about eight bytes, where their JSON
/// took sixty.
pub(crate) fn pack_ids(ids: &[i64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ids.len() * 2);
    for &id in ids {
        put(&mut out, u64::try_from(id).unwrap_or(0));
    }
    out
}

/// The numbers [`pack_ids`] packed.
pub(crate) fn unpack_ids(bytes: &[u8]) -> Result<Vec<i64>, BadPack> {
    let mut r = Reader(bytes);
    let mut out = Vec::new();
    while !r.is_empty() {
        out.push(r.id()?);
    }
    Ok(out)
}

/// A commitment as `commitments.packed` keeps it: its owner and its due date by number (`texts`,
/// each kept once in the index), its time as ms since 1970 and the offset from UTC it was
/// written with (seconds east).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PackedCommitment {
    pub id: String,
    pub owner: i64,
    pub text: String,
    pub due: Option<i64>,
    pub made_ms: i64,
    pub made_offset: i32,
}

// A commitment's bits: its id is `c` and its place (`c1` first), it has a due date, its offset
// from UTC is not the one before it (0 for the first).
const ID_AT: u64 = 1;
const DUE: u64 = 1 << 1;
const OFFSET: u64 = 1 << 2;

/// The commitments of a session, in the order it made them, packed. `base_ms` is kept beside
/// them (`commitments.made_ms`: the earliest); each time is written as its difference from the
/// time before it, starting from `base_ms`.
///
/// Each is a list of LEB128 numbers: a mask of the bits above, its time, its offset (if the
/// mask says), its id (unless the mask says it is `c` and its place), its owner, its text (its
/// length in bytes, then its UTF-8) and its due date (if any).
pub(crate) fn pack_commitments(base_ms: i64, commitments: &[PackedCommitment]) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut ms, mut offset) = (base_ms, 0);
    for (i, c) in commitments.iter().enumerate() {
        let at = c.id == format!("c{}", i + 1);
        let mask = if at { ID_AT } else { 0 }
            | if c.due.is_some() { DUE } else { 0 }
            | if c.made_offset == offset { 0 } else { OFFSET };
        put(&mut out, mask);
        put_signed(&mut out, c.made_ms.wrapping_sub(ms));
        if mask & OFFSET != 0 {
            put_signed(&mut out, i64::from(c.made_offset));
        }
        if !at {
            put_text(&mut out, &c.id);
        }
        put(&mut out, u64::try_from(c.owner).unwrap_or(0));
        put_text(&mut out, &c.text);
        if let Some(due) = c.due {
            put(&mut out, u64::try_from(due).unwrap_or(0));
        }
        (ms, offset) = (c.made_ms, c.made_offset);
    }
    out
}

/// The commitments [`pack_commitments`] packed with `base_ms`, in order.
pub(crate) fn unpack_commitments(
    base_ms: i64,
    bytes: &[u8],
) -> Result<Vec<PackedCommitment>, BadPack> {
    let mut r = Reader(bytes);
    let mut out = Vec::new();
    let (mut ms, mut offset) = (base_ms, 0);
    while !r.is_empty() {
        let mask = r.unsigned()?;
        ms = ms.wrapping_add(r.signed()?);
        if mask & OFFSET != 0 {
            offset = r.offset()?;
        }
        let id = if mask & ID_AT != 0 { format!("c{}", out.len() + 1) } else { r.text()? };
        let owner = r.id()?;
        let text = r.text()?;
        let due = if mask & DUE != 0 { Some(r.id()?) } else { None };
        out.push(PackedCommitment { id, owner, text, due, made_ms: ms, made_offset: offset });
    }
    Ok(out)
}

/// A follow-up as `updates.packed` keeps it: its place among its log's follow-ups (`seq`),
/// whether the event named the session that made the commitment (`about`: else it is the
/// recording session's own), the commitment's id, the status, the note, and when it was
/// recorded (ms since 1970 and seconds east of UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PackedFollowUp {
    pub seq: usize,
    pub about: bool,
    pub id: String,
    pub status: crate::session::CommitmentStatus,
    pub note: Option<String>,
    pub wall_ms: i64,
    pub wall_offset: i32,
}

/// The statuses, in the order their numbers (the mask's two low bits) give.
const STATUSES: [crate::session::CommitmentStatus; 4] = [
    crate::session::CommitmentStatus::Done,
    crate::session::CommitmentStatus::Partly,
    crate::session::CommitmentStatus::NotYet,
    crate::session::CommitmentStatus::CarriedForward,
];
// A follow-up's bits above its status: `about`, its id is `c` and a number (written as the
// number), it has a note, its offset from UTC is not the one before it (0 for the first).
const ABOUT: u64 = 1 << 2;
const ID_NUMBER: u64 = 1 << 3;
const NOTE: u64 = 1 << 4;
const WALL_OFFSET: u64 = 1 << 5;

/// The number of an id that is `c` and a number written plainly (`c12`, not `c012`).
fn plain_number(id: &str) -> Option<u64> {
    let n: u64 = id.strip_prefix('c')?.parse().ok()?;
    (format!("c{n}") == id).then_some(n)
}

/// A log's follow-ups of one session's commitments, in the log's order, packed: all but their
/// notes, and their notes apart (`updates.packed` and `updates.notes`: the index that holds a
/// group's follow-ups side by side holds the first, not the notes, which `convene run --group`
/// does not read).
///
/// Each is a list of LEB128 numbers: a mask (the status, then the bits above), its place as the
/// difference from the place after the one before it, its time as the difference from the time
/// before it (from 0), its offset (if the mask says) and its id (a number, or its length and its
/// UTF-8). The notes are each note in turn (its length, then its UTF-8).
pub(crate) fn pack_follow_ups(follow_ups: &[PackedFollowUp]) -> (Vec<u8>, Vec<u8>) {
    let mut out = Vec::new();
    let mut notes = Vec::new();
    let (mut next, mut ms, mut offset) = (0, 0, 0);
    for u in follow_ups {
        let number = plain_number(&u.id);
        let status = STATUSES.iter().position(|s| *s == u.status).map_or(0, usize_of);
        let mask = status
            | if u.about { ABOUT } else { 0 }
            | if number.is_some() { ID_NUMBER } else { 0 }
            | if u.note.is_some() { NOTE } else { 0 }
            | if u.wall_offset == offset { 0 } else { WALL_OFFSET };
        put(&mut out, mask);
        put_signed(&mut out, i64::try_from(u.seq).unwrap_or(i64::MAX).wrapping_sub(next));
        put_signed(&mut out, u.wall_ms.wrapping_sub(ms));
        if mask & WALL_OFFSET != 0 {
            put_signed(&mut out, i64::from(u.wall_offset));
        }
        match number {
            Some(n) => put(&mut out, n),
            None => put_text(&mut out, &u.id),
        }
        if let Some(note) = &u.note {
            put_text(&mut notes, note);
        }
        next = i64::try_from(u.seq).unwrap_or(i64::MAX).wrapping_add(1);
        (ms, offset) = (u.wall_ms, u.wall_offset);
    }
    (out, notes)
}

/// The follow-ups [`pack_follow_ups`] packed, in order, with their notes if `notes` is given
/// (else every note is left out: `None`).
pub(crate) fn unpack_follow_ups(
    bytes: &[u8],
    notes: Option<&[u8]>,
) -> Result<Vec<PackedFollowUp>, BadPack> {
    let mut r = Reader(bytes);
    let mut notes = notes.map(Reader);
    let mut out = Vec::new();
    let (mut next, mut ms, mut offset) = (0_i64, 0_i64, 0);
    while !r.is_empty() {
        let mask = r.unsigned()?;
        let seq = next.wrapping_add(r.signed()?);
        ms = ms.wrapping_add(r.signed()?);
        if mask & WALL_OFFSET != 0 {
            offset = r.offset()?;
        }
        let id = if mask & ID_NUMBER != 0 { format!("c{}", r.unsigned()?) } else { r.text()? };
        let note = match notes.as_mut() {
            Some(n) if mask & NOTE != 0 => Some(n.text()?),
            _ => None,
        };
        let status =
            *STATUSES.get(usize::try_from(mask & 3).map_err(|_| BadPack)?).ok_or(BadPack)?;
        out.push(PackedFollowUp {
            seq: usize::try_from(seq).map_err(|_| BadPack)?,
            about: mask & ABOUT != 0,
            id,
            status,
            note,
            wall_ms: ms,
            wall_offset: offset,
        });
        next = seq.wrapping_add(1);
    }
    // Notes left over were not packed with these follow-ups.
    if notes.is_some_and(|n| !n.is_empty()) {
        return Err(BadPack);
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

    /// A session's runs in the order of its stages, in one round, each left for the next, take
    /// their mask and their times alone: the first names its stage and round. A run of a stage
    /// seen again (a round, a step back) takes its stage and position, and reads back.
    #[test]
    fn runs_in_order_take_their_mask_and_times_alone() {
        let in_round = |i: u8| RunDigest { round: Some(1), ..run(usize::from(i)) };
        let runs: Vec<(i64, RunDigest)> =
            (0..6u8).map(|i| (40 + i64::from(i), in_round(i))).collect();
        let in_order = pack(runs.iter().map(|(s, r)| (*s, r)));
        let one = pack([(40, &in_round(0))]);
        // mask, stage, planned, actual, round: the others only mask, planned and actual.
        assert_eq!(one.len(), 1 + 1 + 2 + 3 + 1, "{one:?}");
        assert_eq!(in_order.len(), one.len() + 5 * (1 + 2 + 3), "{in_order:?}");
        assert_eq!(unpack(&in_order), Ok(runs));
        let again =
            [(41, run(1)), (42, run(2)), (41, run(1)), (i64::MAX, run(usize::MAX)), (3, run(0))];
        let bytes = pack(again.iter().map(|(s, r)| (*s, r)));
        assert_eq!(unpack(&bytes), Ok(again.to_vec()));
    }

    /// A run with its stage: stages, positions and rounds from a few, so that runs follow
    /// one another, repeat and go back; any way of leaving, or none; any figures.
    fn any_run() -> impl proptest::strategy::Strategy<Value = (i64, RunDigest)> {
        use proptest::prelude::*;
        (
            (prop_oneof![1..6i64, Just(i64::MAX)], prop_oneof![0..6usize, Just(usize::MAX)]),
            (proptest::option::of(0..3usize), proptest::option::of(0..LEAVES.len())),
            (any::<bool>(), any::<bool>(), 0..3_000_000u64, 0..90_000u64),
            (0..3u32, 0..2u32, 0..2u32, 0..2u32),
        )
            .prop_map(
                |((sid, pos), (round, left), (finished, bare, planned_ms, extended_ms), n)| {
                    let (extensions, refusals, pauses, shortenings) = n;
                    let r = RunDigest {
                        round,
                        left: left.map(|i| LEAVES[i]),
                        finished,
                        without_record: bare,
                        planned_ms,
                        extended_ms,
                        extensions,
                        refusals,
                        pauses,
                        paused_ms: u64::from(pauses) * 1_500,
                        shortenings,
                        shortened_ms: u64::from(shortenings) * 60_001,
                        ..run(pos)
                    };
                    (sid, r)
                },
            )
    }

    proptest::proptest! {
        #[test]
        fn any_runs_read_back(runs in proptest::collection::vec(any_run(), 0..24)) {
            let bytes = pack(runs.iter().map(|(s, r)| (*s, r)));
            proptest::prop_assert_eq!(unpack(&bytes), Ok(runs));
        }
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

#[cfg(test)]
mod packed_commitments {
    use super::*;
    use crate::session::CommitmentStatus;
    use proptest::prelude::*;

    /// Text with every kind of character a log may hold: quotes, bars, tabs and newlines,
    /// control characters, combining marks, right-to-left text, emoji, and the largest scalar.
    const ODD: &str = "\"'|\\\t\n\r\u{0}\u{7f}\u{1b}[31m e\u{301} \u{202e}abc \u{1f469}\u{200d}\u{1f467} \u{feff}\u{10ffff}";

    fn commitment(i: usize) -> PackedCommitment {
        PackedCommitment {
            id: format!("c{}", i + 1),
            owner: 7,
            text: "Try cold calling in one lesson a week".into(),
            due: Some(3),
            made_ms: 1_693_818_369_000,
            made_offset: 3600,
        }
    }

    fn follow_up(seq: usize) -> PackedFollowUp {
        PackedFollowUp {
            seq,
            about: true,
            id: format!("c{}", seq + 1),
            status: CommitmentStatus::Done,
            note: Some("Done and shared with the team".into()),
            wall_ms: 1_694_420_986_681,
            wall_offset: 0,
        }
    }

    /// A commitment whose id, owner's and due date's numbers, text and time are all unusual
    /// reads back exactly; a typical one costs little more than its text.
    #[test]
    fn an_odd_commitment_reads_back_as_written() {
        let odd = PackedCommitment {
            id: ODD.into(),
            owner: i64::MAX,
            text: ODD.into(),
            due: None,
            made_ms: -62_135_596_800_000,
            made_offset: -86_399,
        };
        let empty = PackedCommitment { id: String::new(), text: String::new(), ..commitment(5) };
        let all = vec![commitment(0), odd, empty, commitment(3)];
        let base = all.iter().map(|c| c.made_ms).min().unwrap_or_default();
        assert_eq!(unpack_commitments(base, &pack_commitments(base, &all)), Ok(all));
        let plain = pack_commitments(1_693_818_369_000, &[commitment(0)]);
        assert!(plain.len() <= commitment(0).text.len() + 8, "{plain:?}");
    }

    /// A follow-up with an odd id and note, every status, and with and without the session it
    /// is about, reads back exactly.
    #[test]
    fn odd_follow_ups_read_back_as_written() {
        let statuses = [
            CommitmentStatus::Done,
            CommitmentStatus::Partly,
            CommitmentStatus::NotYet,
            CommitmentStatus::CarriedForward,
        ];
        let mut all: Vec<PackedFollowUp> = statuses
            .iter()
            .enumerate()
            .map(|(i, s)| PackedFollowUp { status: *s, about: i % 2 == 0, ..follow_up(i * 3) })
            .collect();
        all.push(PackedFollowUp {
            id: ODD.into(),
            note: Some(ODD.into()),
            wall_offset: 50_400,
            ..follow_up(20)
        });
        all.push(PackedFollowUp { id: "c007".into(), note: None, ..follow_up(21) });
        all.push(PackedFollowUp { id: "c".into(), note: Some(String::new()), ..follow_up(2) });
        let (packed, notes) = pack_follow_ups(&all);
        let without: Vec<PackedFollowUp> =
            all.iter().map(|u| PackedFollowUp { note: None, ..u.clone() }).collect();
        assert_eq!(unpack_follow_ups(&packed, None), Ok(without));
        assert_eq!(unpack_follow_ups(&packed, Some(&notes)), Ok(all));
        assert_eq!(unpack_follow_ups(&[], Some(&[])), Ok(Vec::new()));
        // Notes that do not belong to these follow-ups.
        assert_eq!(
            unpack_follow_ups(&packed, Some(&[notes.as_slice(), &[0]].concat())),
            Err(BadPack)
        );
    }

    #[test]
    fn packed_commitments_and_follow_ups_cut_short_are_refused() {
        let c = pack_commitments(0, &[PackedCommitment { made_ms: 5, ..commitment(0) }]);
        for end in 1..c.len() {
            assert!(unpack_commitments(0, &c[..end]).is_err(), "{end}");
        }
        let (u, notes) = pack_follow_ups(&[follow_up(0)]);
        for end in 1..u.len() {
            assert!(unpack_follow_ups(&u[..end], Some(&notes)).is_err(), "{end}");
        }
        for end in 0..notes.len() {
            assert!(unpack_follow_ups(&u, Some(&notes[..end])).is_err(), "{end}");
        }
        // A text that is not UTF-8.
        assert_eq!(unpack_follow_ups(&[0, 0, 0, 1, 0xff], None), Err(BadPack));
    }

    fn any_commitment() -> impl Strategy<Value = PackedCommitment> {
        (
            prop_oneof![Just(None), "\\PC{0,6}".prop_map(Some), any::<String>().prop_map(Some)],
            0..i64::MAX,
            any::<String>(),
            proptest::option::of(0..i64::MAX),
            any::<i64>(),
            -86_399..86_400_i32,
        )
            .prop_map(|(id, owner, text, due, made_ms, made_offset)| PackedCommitment {
                id: id.unwrap_or_default(),
                owner,
                text,
                due,
                made_ms,
                made_offset,
            })
    }

    fn any_follow_up() -> impl Strategy<Value = PackedFollowUp> {
        (
            0..1_000_000_usize,
            any::<bool>(),
            prop_oneof![(0..u64::MAX).prop_map(|n| format!("c{n}")), any::<String>()],
            0..4_usize,
            proptest::option::of(any::<String>()),
            any::<i64>(),
            -86_399..86_400_i32,
        )
            .prop_map(|(seq, about, id, status, note, wall_ms, wall_offset)| {
                PackedFollowUp {
                    seq,
                    about,
                    id,
                    status: STATUSES[status],
                    note,
                    wall_ms,
                    wall_offset,
                }
            })
    }

    proptest! {
        /// Any list of commitments, with ids in their places or not, reads back as written,
        /// whatever the base time.
        #[test]
        fn commitments_read_back(
            mut all in proptest::collection::vec(any_commitment(), 0..12),
            plain in proptest::collection::vec(any::<bool>(), 12),
            base in any::<i64>(),
        ) {
            for (i, c) in all.iter_mut().enumerate() {
                if plain[i] {
                    c.id = format!("c{}", i + 1);
                }
            }
            prop_assert_eq!(unpack_commitments(base, &pack_commitments(base, &all)), Ok(all));
        }

        /// Any list of follow-ups, in any order of their places, reads back as written.
        #[test]
        fn follow_ups_read_back(all in proptest::collection::vec(any_follow_up(), 0..12)) {
            let (packed, notes) = pack_follow_ups(&all);
            prop_assert_eq!(unpack_follow_ups(&packed, Some(&notes)), Ok(all));
        }

        /// Any list of text numbers (a session's participants) reads back as written, in
        /// order; cut anywhere inside a number, it is refused.
        #[test]
        fn text_numbers_read_back(ids in proptest::collection::vec(1..=i64::MAX, 0..40)) {
            let packed = pack_ids(&ids);
            prop_assert_eq!(unpack_ids(&packed), Ok(ids.clone()));
            if let Some(last) = ids.last() {
                // The last number's bytes but its final one.
                let len = pack_ids(&[*last]).len();
                if len > 1 {
                    prop_assert_eq!(unpack_ids(&packed[..packed.len() - 1]), Err(BadPack));
                }
            }
        }
    }
}
