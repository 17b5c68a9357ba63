//! Following a log as it grows: the projector mirror reads a running session's log this way.
//! Complete new lines are read as they are appended; a line still being written waits for the
//! rest of it, and a log cut back (a resume trims a torn last line) is read again from the start,
//! skipping the events already seen by their sequence number.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::Line;

/// Follows a log file from a byte offset.
pub struct Follower {
    path: PathBuf,
    offset: u64,
    /// Bytes after the last complete line (a line still being written).
    partial: Vec<u8>,
    last_seq: u64,
}

impl Follower {
    /// Starts from the beginning of the file, skipping events up to `last_seq` (already
    /// replayed), so nothing appended since the replay read the file is missed.
    pub fn new(path: &Path, last_seq: u64) -> Self {
        Self { path: path.to_path_buf(), offset: 0, partial: Vec::new(), last_seq }
    }

    /// Reads complete new lines. A torn line waits for the rest of it.
    pub fn read_new(&mut self) -> Vec<Line> {
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
        let mut buf = Vec::new();
        if f.take(len - self.offset).read_to_end(&mut buf).is_err() {
            return Vec::new();
        }
        self.offset = len;
        // Whole lines only, decoded whole: a character split across two reads stays intact.
        self.partial.extend_from_slice(&buf);
        let mut out = Vec::new();
        while let Some(i) = self.partial.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.partial.drain(..=i).collect();
            if let Ok(l) = serde_json::from_slice::<Line>(&line) {
                // The writer may write a line again after a failed write: keep the first.
                if l.seq > self.last_seq {
                    self.last_seq = l.seq;
                    out.push(l);
                }
            }
        }
        out
    }
}
