//! Queries over many session logs: listing, detail, report, commitments, export.

use std::path::Path;

use crate::session::CarriedCommitment;

/// Open commitments from earlier sessions of a group (filled in by the review work).
pub fn open_commitments(_data: &Path, _group: &str) -> Vec<CarriedCommitment> {
    Vec::new()
}
