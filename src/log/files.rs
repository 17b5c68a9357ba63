//! Files convene writes privately: folders 0700 and files 0600 on Unix (on Windows the user's
//! profile folders are private to the user already), appends that always land at the end, folder
//! syncs, and plain error wording.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Creates a folder and any missing parents with mode 0700. A folder that already exists keeps
/// its mode (it may be the user's own, such as the place a copy is saved to).
pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// Makes a folder of convene's own private (0700), whatever mode it had.
#[cfg_attr(not(unix), allow(clippy::unnecessary_wraps))]
pub(crate) fn make_private(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Creates a new file, 0600, for appending: every write goes to the end of the file, even if
/// something else cut the file short.
pub(crate) fn open_new_private(path: &Path) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.append(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

pub(crate) fn open_append(path: &Path) -> io::Result<File> {
    OpenOptions::new().append(true).open(path)
}

/// Syncs a folder so that a file just created in it survives a power cut. Best effort: not every
/// platform can open a folder as a file.
pub(crate) fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        d.sync_all().ok();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// "cannot write /path/x.jsonl: No space left on device", without the "(os error 28)".
pub(crate) fn cannot(what: &str, path: &Path, e: &io::Error) -> String {
    let text = e.to_string();
    let text = match text.find(" (os error ") {
        Some(i) => &text[..i],
        None => &text,
    };
    format!("cannot {what} {}: {text}", path.display())
}

/// The file's (device, inode): what a path names, to tell whether it is still the same file.
/// (An `Option` for the platforms where it is not known.)
#[cfg(unix)]
#[allow(clippy::unnecessary_wraps)]
pub(crate) fn file_id(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

/// Not known here: the checks fall back to whether the file exists and how long it is.
#[cfg(not(unix))]
pub(crate) fn file_id(_meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}
