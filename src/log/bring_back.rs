//! Putting a log saved elsewhere back into the sessions folder (`convene resume --file`).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::files::{cannot, create_private_dir, make_private, open_new_private, sync_dir};

/// Whether every whole line of `old` begins `new`, in order: `old` is an earlier, incomplete
/// state of the same log (a torn last line of `old` is ignored).
fn is_prefix_log(old: &[u8], new: &[u8]) -> bool {
    let whole = old.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    new.starts_with(&old[..whole])
}

/// Puts a log saved elsewhere (after the sessions folder could not be written) back into the
/// sessions folder, as `YYYY-MM/<id>.jsonl` (or where a log of that session already is, for one
/// written before month folders), the id read from its header, and returns that path. The
/// file must be a readable log, and a log of the same session already in the sessions folder is
/// replaced only if it is an incomplete state of this one (never one that differs, nor one that
/// is running). The incomplete log set aside when the copy was saved (`<id>.jsonl.incomplete`)
/// is removed once it is replaced. The file at `from` is left as it is.
pub fn bring_back(data: &Path, from: &Path) -> Result<PathBuf, String> {
    // A regular file of at most MAX_LOG_BYTES: a FIFO or /dev/zero is refused at once.
    let bytes = crate::bounded::read(from, super::MAX_LOG_BYTES)
        .map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    let log =
        super::reader::parse_log_bytes(&bytes, &from.display().to_string()).map_err(|e| e.0)?;
    let id = log.header.session;
    if !super::is_session_id(&id) {
        return Err(format!(
            "{}: the session id in its header is not one convene makes, so it cannot be put back \
             in the sessions folder",
            from.display()
        ));
    }
    // Where the session's log is (a log written before month folders stays in the sessions
    // folder itself), else where a new one goes: its month folder.
    let target = super::find_log(data, &id).unwrap_or_else(|| super::log_path(data, &id));
    let top = super::sessions_dir(data);
    let dir = target.parent().map_or_else(|| top.clone(), Path::to_path_buf);
    let same_file = matches!(
        (std::fs::canonicalize(from), std::fs::canonicalize(&target)),
        (Ok(a), Ok(b)) if a == b
    );
    if same_file {
        return Ok(target);
    }
    match std::fs::read(&target) {
        Ok(existing) if existing == bytes => return Ok(target),
        Ok(_) if super::in_use(&target) => {
            return Err(format!(
                "session {id} is running in another terminal; `convene mirror` shows it there"
            ));
        }
        Ok(existing) if !is_prefix_log(&existing, &bytes) => {
            return Err(format!(
                "{} already holds a different log of session {id}: move one of the two away \
                 first",
                target.display()
            ));
        }
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(cannot("read", &target, &e)),
    }
    for folder in [&top, &dir] {
        create_private_dir(folder)
            .and_then(|()| make_private(folder))
            .map_err(|e| cannot("create the folder", folder, &e))?;
    }
    let tmp = dir.join(format!(".{id}.jsonl.tmp"));
    let _ = std::fs::remove_file(&tmp);
    let result = (|| {
        let mut f = open_new_private(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &target)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(cannot("write", &target, &e));
    }
    sync_dir(&dir);
    let aside = dir.join(format!("{id}.jsonl.incomplete"));
    if std::fs::read(&aside).is_ok_and(|old| is_prefix_log(&old, &bytes)) {
        let _ = std::fs::remove_file(&aside);
    }
    Ok(target)
}
