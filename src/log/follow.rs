//! Following a log as it grows: the projector mirror reads a running session's log this way.
//! Complete new lines are read as they are appended; a line still being written waits for the
//! rest of it, and a log cut back (a resume trims a torn last line) is read again from the start,
//! skipping the events already seen by their sequence number.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::Line;

/// The most a look reads, in bytes: a log that grew by far more (a mirror started on a long
/// session, a log cut back and read again) is read a chunk at a time, with the screen's keys
/// answered in between ([`Follower::is_behind`]).
pub const CHUNK_BYTES: u64 = 1 << 20;

/// Follows a log file from a byte offset.
pub struct Follower {
    path: PathBuf,
    offset: u64,
    /// Bytes after the last complete line (a line still being written).
    partial: Vec<u8>,
    last_seq: u64,
    /// The last look stopped before the end of the file.
    behind: bool,
}

impl Follower {
    /// Starts from the beginning of the file, skipping events up to `last_seq` (already
    /// replayed), so nothing appended since the replay read the file is missed.
    pub fn new(path: &Path, last_seq: u64) -> Self {
        Self::from_offset(path, 0, last_seq)
    }

    /// Starts at byte `offset`, the end of the complete lines already read and replayed (see
    /// [`super::reader::SessionLog::complete_len`]), skipping events up to `last_seq`.
    pub(crate) fn from_offset(path: &Path, offset: u64, last_seq: u64) -> Self {
        Self { path: path.to_path_buf(), offset, partial: Vec::new(), last_seq, behind: false }
    }

    /// Whether the last look left part of the file unread (it read [`CHUNK_BYTES`]): look again
    /// at once.
    pub fn is_behind(&self) -> bool {
        self.behind
    }

    /// Reads complete new lines, at most [`CHUNK_BYTES`] of the file. A torn line waits for the
    /// rest of it. Linear in what is read: lines are decoded where they lie, and what is left of
    /// a line still being written is moved once.
    pub fn read_new(&mut self) -> Vec<Line> {
        self.behind = false;
        // A stat is enough to see that nothing changed (the usual case when the mirror looks without being told of a change).
        let len = std::fs::metadata(&self.path).map_or(0, |m| m.len());
        if len == self.offset {
            return Vec::new();
        }
        let Ok(mut f) = std::fs::File::open(&self.path) else { return Vec::new() };
        let len = f.metadata().map_or(len, |m| m.len());
        if len < self.offset {
            // The file was cut back (a resume trims a torn last line): read it again from the
            // start; events already shown are skipped by their sequence number.
            self.offset = 0;
            self.partial.clear();
        }
        if len <= self.offset {
            return Vec::new();
        }
        if f.seek(SeekFrom::Start(self.offset)).is_err() {
            return Vec::new();
        }
        let want = (len - self.offset).min(CHUNK_BYTES);
        let before = self.partial.len();
        if f.take(want).read_to_end(&mut self.partial).is_err() {
            self.partial.truncate(before);
            return Vec::new();
        }
        let got = (self.partial.len() - before) as u64;
        self.offset += got;
        self.behind = got > 0 && self.offset < len;
        // Whole lines only, decoded whole: a character split across two reads stays intact.
        let mut out = Vec::new();
        let mut start = 0;
        while let Some(i) = self.partial[start..].iter().position(|b| *b == b'\n') {
            let line = &self.partial[start..start + i];
            start += i + 1;
            if let Ok(l) = serde_json::from_slice::<Line>(line) {
                // The writer may write a line again after a failed write: keep the first.
                if l.seq > self.last_seq {
                    self.last_seq = l.seq;
                    out.push(l);
                }
            }
        }
        self.partial.drain(..start);
        out
    }
}
