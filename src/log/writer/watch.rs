//! Being told when the log's folder changes, so that the live screen looks at the log (a `stat`)
//! only then, not at every wake-up: a second in which only the countdown changes makes no system
//! call for the log. A log deleted, replaced or cut short under the session is still noticed at
//! once, with no key pressed: the file system's notification (inotify, `FSEvents`,
//! `ReadDirectoryChangesW`, through `notify`) wakes the screen's loop, which checks and writes
//! the log again. Where the folder cannot be watched, the log is checked at every wake-up, as
//! without a watch.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use notify::{RecommendedWatcher, RecursiveMode, Watcher};

/// The log's folder, watched.
pub(super) struct Watch {
    /// Called from the watcher's thread when something changed: wakes the screen's loop.
    wake: fn(),
    /// Something in the folder changed since the last look (set at first: look once).
    changed: Arc<AtomicBool>,
    watcher: Option<RecommendedWatcher>,
    /// The folder being watched, if any.
    dir: Option<PathBuf>,
}

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watch").field("dir", &self.dir).finish_non_exhaustive()
    }
}

impl Watch {
    pub(super) fn new(wake: fn()) -> Self {
        Watch { wake, changed: Arc::new(AtomicBool::new(true)), watcher: None, dir: None }
    }

    /// Whether the log must be looked at: something changed in its folder, or the folder is not
    /// watched. Clears the change.
    pub(super) fn must_look(&self) -> bool {
        self.dir.is_none() || self.changed.swap(false, Ordering::AcqRel)
    }

    /// Watches the folder of the log at `path` afresh (it may have been deleted and made again,
    /// which ends a watch); on failure nothing is watched and the log is looked at every time.
    pub(super) fn follow(&mut self, path: &Path) {
        let Some(dir) = path.parent() else { return };
        if self.watcher.is_none() {
            let changed = Arc::clone(&self.changed);
            let wake = self.wake;
            self.watcher = notify::recommended_watcher(move |_: notify::Result<notify::Event>| {
                changed.store(true, Ordering::Release);
                wake();
            })
            .ok();
        }
        let Some(w) = self.watcher.as_mut() else { return };
        if let Some(old) = self.dir.take() {
            let _ = w.unwatch(&old);
        }
        if w.watch(dir, RecursiveMode::NonRecursive).is_ok() {
            self.dir = Some(dir.to_path_buf());
        }
    }
}
