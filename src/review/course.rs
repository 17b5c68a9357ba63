//! What a new session of a recurring group takes from the group's earlier sessions of the same
//! protocol (format 2): its number in a course, and the notes its previous session recorded for
//! the records the protocol carries (`"carry": true`).
//!
//! The earlier sessions are found through the review index ([`Index::group_history`], which
//! reads only that group's rows of that protocol); the previous session's notes are read from
//! its one log.

use super::index::Index;
use crate::log::reader::read_log;
use crate::protocol::{Protocol, RecordKind};
use crate::session::state::Note;
use crate::session::{CarriedNote, replay};

/// What a new session takes from its group's earlier sessions of its protocol.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FromGroup {
    /// How many earlier sessions started (this one is number `earlier + 1` of a course).
    pub earlier: u32,
    /// The notes the previous session recorded for carried records (never private ones).
    pub notes: Vec<CarriedNote>,
}

/// Reads what a new session of `protocol` for `group` takes from the index (open and up to
/// date). No earlier session, or an index or log that cannot be read, gives nothing (a session
/// is never refused for it).
pub(crate) fn from_index(ix: &Index, group: &str, protocol: &Protocol) -> FromGroup {
    let Ok(history) = ix.group_history(group, &protocol.id) else { return FromGroup::default() };
    let notes = match &history.latest {
        Some((_, path)) if carries(protocol) => read_log(path)
            .map(|log| {
                let state = replay(log.header.setup.clone(), &log.events);
                carried_notes(protocol, &log.header.session, &state.notes)
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    FromGroup { earlier: history.started, notes }
}

/// Whether the protocol carries any note to the group's next session.
pub(crate) fn carries(protocol: &Protocol) -> bool {
    carried_records(protocol).next().is_some()
}

/// The records a protocol carries, each with the stage that expects it and whether that stage
/// expects only it: `(record id, stage id, only record)`.
fn carried_records(p: &Protocol) -> impl Iterator<Item = (&str, &str, bool)> {
    p.all_stages().flat_map(|(_, stage)| {
        let only = Protocol::expected_records(stage).count() == 1;
        Protocol::expected_records(stage)
            .filter(|x| x.carry && x.record == RecordKind::Note)
            .filter_map(move |x| Some((x.id.as_deref()?, stage.id.as_str(), only)))
    })
}

/// The notes of a previous session (`session`, its `notes`) that `protocol` carries, in the
/// order they were recorded: a note recorded for a carried record (its `record` is the record's
/// id), or, when the record's stage expects only that record, any note recorded at that stage
/// without naming a record. Private notes never travel.
pub(crate) fn carried_notes(
    protocol: &Protocol,
    session: &str,
    notes: &[Note],
) -> Vec<CarriedNote> {
    let records: Vec<(&str, &str, bool)> = carried_records(protocol).collect();
    notes
        .iter()
        .filter(|n| !n.private)
        .filter_map(|n| {
            let (record, _, _) = records.iter().find(|(id, stage, only)| match &n.record {
                Some(r) => r == id,
                None => *only && n.stage == *stage,
            })?;
            Some(CarriedNote {
                session: session.to_string(),
                record: (*record).to_string(),
                text: n.text.clone(),
                made: Some(n.wall.to_rfc3339()),
            })
        })
        .collect()
}
