//! Reading a whole file a person named or put in place (a protocol, `config.toml`, a roster, a
//! log given to `resume --file`), bounded: nothing there can make a command wait or fill memory.
//!
//! Only a regular file is read, after following symbolic links (a link to a log is fine, a link
//! to `/dev/zero` is not): a FIFO, a device, a socket or a folder is refused before it is opened,
//! since opening a FIFO for reading waits for a writer. What is opened is checked again (the path
//! may have changed in between), its size is checked against the limit before reading, and the
//! read itself stops one byte past the limit, so a file that grows while it is read, or one whose
//! size the file system does not report, cannot get past it.
//!
//! Used by every layer, like `text`: it knows nothing of what the bytes mean, and callers put
//! the file's name and what it is for in their messages.

use std::fmt;
use std::io::Read as _;
use std::path::Path;

use crate::text::thousands;

/// Why a file was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ReadError {
    /// The file system's own error (no such file, no permission...), without the OS's code.
    Io { kind: std::io::ErrorKind, message: String },
    /// A folder.
    Folder,
    /// Not a regular file: a FIFO, a device (such as `/dev/zero`) or a socket.
    NotAFile,
    /// Larger than `limit` bytes; `size` when known before reading.
    TooLarge { size: Option<u64>, limit: u64 },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { message, .. } => write!(f, "{message}"),
            Self::Folder => write!(f, "it is a folder, not a file"),
            Self::NotAFile => write!(
                f,
                "not a regular file (a pipe, a device or a socket): convene reads only ordinary files"
            ),
            Self::TooLarge { size, limit } => {
                write!(f, "the file is ")?;
                match size {
                    Some(size) => write!(f, "{} bytes, larger", thousands(*size))?,
                    None => write!(f, "larger")?,
                }
                match human(*limit) {
                    Some(h) => write!(f, " than the {h} ({} bytes) allowed", thousands(*limit)),
                    None => write!(f, " than the {} bytes allowed", thousands(*limit)),
                }
            }
        }
    }
}

impl std::error::Error for ReadError {}

impl ReadError {
    fn io(e: &std::io::Error) -> Self {
        let message = e.to_string();
        let message = message.find(" (os error ").map_or(message.as_str(), |i| &message[..i]);
        Self::Io { kind: e.kind(), message: message.to_string() }
    }

    /// Whether there is no file there (nor a folder on the way).
    pub(crate) fn is_absent(&self) -> bool {
        matches!(
            self,
            Self::Io { kind: std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory, .. }
        )
    }
}

/// The whole file at `path`, if it is a regular file (symbolic links followed) of at most
/// `limit` bytes.
///
/// # Errors
/// See [`ReadError`].
pub(crate) fn read(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let check = |meta: &std::fs::Metadata| {
        if meta.is_dir() {
            return Err(ReadError::Folder);
        }
        if !meta.is_file() {
            return Err(ReadError::NotAFile);
        }
        if meta.len() > limit {
            return Err(ReadError::TooLarge { size: Some(meta.len()), limit });
        }
        Ok(())
    };
    // Checked before opening: opening a FIFO for reading waits for a writer.
    check(&std::fs::metadata(path).map_err(|e| ReadError::io(&e))?)?;
    let file = std::fs::File::open(path).map_err(|e| ReadError::io(&e))?;
    // And again on what was opened, in case the path changed in between.
    check(&file.metadata().map_err(|e| ReadError::io(&e))?)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(|e| ReadError::io(&e))?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { size: None, limit });
    }
    Ok(bytes)
}

/// A limit as people say it, when it is a whole number of MiB or KiB: `1 MiB`, `64 KiB`.
fn human(n: u64) -> Option<String> {
    const KIB: u64 = 1024;
    if n >= KIB * KIB && n.is_multiple_of(KIB * KIB) {
        Some(format!("{} MiB", n / (KIB * KIB)))
    } else if n >= KIB && n.is_multiple_of(KIB) {
        Some(format!("{} KiB", n / KIB))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_within_the_limit_is_read_and_a_larger_one_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f.txt");
        std::fs::write(&path, b"0123456789").expect("write");
        assert_eq!(read(&path, 10).expect("ten bytes"), b"0123456789");
        let e = read(&path, 9).expect_err("too large");
        assert_eq!(e, ReadError::TooLarge { size: Some(10), limit: 9 });
        assert_eq!(e.to_string(), "the file is 10 bytes, larger than the 9 bytes allowed");
        assert_eq!(
            ReadError::TooLarge { size: Some(2_000_000), limit: 1024 * 1024 }.to_string(),
            "the file is 2,000,000 bytes, larger than the 1 MiB (1,048,576 bytes) allowed"
        );
        assert_eq!(read(dir.path(), 10), Err(ReadError::Folder));
        assert!(read(&dir.path().join("none"), 10).expect_err("absent").is_absent());
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_refused_without_reading() {
        assert_eq!(read(Path::new("/dev/zero"), 1024), Err(ReadError::NotAFile));
        let dir = tempfile::tempdir().expect("tempdir");
        let link = dir.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &link).expect("symlink");
        assert_eq!(read(&link, 1024), Err(ReadError::NotAFile));
    }
}
