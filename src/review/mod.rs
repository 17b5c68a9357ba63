//! Queries over many session logs: listing, detail, report, commitments, export.
