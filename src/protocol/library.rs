//! The protocol library: the built-ins embedded in the binary, then every `*.json` in the user's
//! protocol folder, then any files named on the command line. A user protocol with a built-in's
//! id replaces it. A broken file never stops the others from loading: it stays in the list with
//! its error.

use std::path::{Path, PathBuf};

use super::load::{LoadError, display_path, load_file, parse_protocol};
use super::model::Protocol;

/// The built-in protocols, embedded at compile time from `protocols/`.
pub const BUILTIN: &[(&str, &str)] = &[
    ("project-tuning.json", include_str!("../../protocols/project-tuning.json")),
    ("action-learning.json", include_str!("../../protocols/action-learning.json")),
    ("coaching-triad.json", include_str!("../../protocols/coaching-triad.json")),
    ("storm-rehearsal.json", include_str!("../../protocols/storm-rehearsal.json")),
    ("grow-coaching.json", include_str!("../../protocols/grow-coaching.json")),
    ("three-ss.json", include_str!("../../protocols/three-ss.json")),
    ("half-termly-review.json", include_str!("../../protocols/half-termly-review.json")),
    ("lesson-study-review.json", include_str!("../../protocols/lesson-study-review.json")),
    ("peer-coaching-pair.json", include_str!("../../protocols/peer-coaching-pair.json")),
    ("learning-walk-trio.json", include_str!("../../protocols/learning-walk-trio.json")),
    ("middle-leader-session.json", include_str!("../../protocols/middle-leader-session.json")),
    (
        "headteacher-learning-forum.json",
        include_str!("../../protocols/headteacher-learning-forum.json"),
    ),
    (
        "teacher-learning-community.json",
        include_str!("../../protocols/teacher-learning-community.json"),
    ),
    ("plan-do-review.json", include_str!("../../protocols/plan-do-review.json")),
    (
        "weekly-leadership-review.json",
        include_str!("../../protocols/weekly-leadership-review.json"),
    ),
    ("research-lesson.json", include_str!("../../protocols/research-lesson.json")),
    ("lesson-study-planning.json", include_str!("../../protocols/lesson-study-planning.json")),
    ("parrot-on-the-shoulder.json", include_str!("../../protocols/parrot-on-the-shoulder.json")),
    ("cross-school-trio.json", include_str!("../../protocols/cross-school-trio.json")),
    ("leadership-group.json", include_str!("../../protocols/leadership-group.json")),
    ("moderation-afternoon.json", include_str!("../../protocols/moderation-afternoon.json")),
    ("staff-dialogue.json", include_str!("../../protocols/staff-dialogue.json")),
    ("jpd-course-day.json", include_str!("../../protocols/jpd-course-day.json")),
];

/// Where a protocol came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Builtin,
    File(PathBuf),
}

impl Origin {
    pub(crate) fn describe(&self) -> String {
        match self {
            Origin::Builtin => "built-in".into(),
            Origin::File(p) => display_path(p),
        }
    }
}

/// One file in the library, loaded or not.
#[derive(Debug, Clone)]
pub struct Entry {
    pub origin: Origin,
    pub protocol: Result<Protocol, LoadError>,
    /// This user protocol has a built-in's id and replaces it.
    pub replaces_builtin: bool,
    /// Another entry with the same id takes precedence over this one.
    pub shadowed_by: Option<Origin>,
}

impl Entry {
    pub fn id(&self) -> Option<&str> {
        self.protocol.as_ref().ok().map(|p| p.id.as_str())
    }
}

/// All protocols available to this run.
#[derive(Debug, Clone, Default)]
pub struct Library {
    pub entries: Vec<Entry>,
}

impl Library {
    /// Only the built-ins.
    pub fn builtin_only() -> Self {
        let mut lib = Library::default();
        for (name, text) in BUILTIN {
            let protocol = parse_protocol(text, &format!("protocols/{name}"));
            lib.entries.push(Entry {
                origin: Origin::Builtin,
                protocol,
                replaces_builtin: false,
                shadowed_by: None,
            });
        }
        lib
    }

    /// Built-ins, then the user folder (if it exists), then extra files.
    /// The library every command uses: the built-ins plus the user's folder (`protocols_dir`
    /// when given, else [`default_user_dir`]).
    pub(crate) fn standard(protocols_dir: Option<&Path>) -> Self {
        let user = protocols_dir.map(Path::to_path_buf).or_else(default_user_dir);
        Self::load(user.as_deref(), &[])
    }

    pub fn load(user_dir: Option<&Path>, extra: &[PathBuf]) -> Self {
        let mut lib = Self::builtin_only();
        if let Some(dir) = user_dir {
            match std::fs::read_dir(dir) {
                Ok(read) => {
                    let mut files: Vec<PathBuf> = read
                        .filter_map(Result::ok)
                        .map(|e| e.path())
                        .filter(|p| p.extension().is_some_and(|x| x == "json"))
                        .collect();
                    files.sort();
                    for f in files {
                        lib.add_file(&f);
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => lib.entries.push(Entry {
                    origin: Origin::File(dir.to_path_buf()),
                    protocol: Err(LoadError::Io {
                        path: display_path(dir),
                        message: e.to_string(),
                    }),
                    replaces_builtin: false,
                    shadowed_by: None,
                }),
            }
        }
        for f in extra {
            lib.add_file(f);
        }
        lib
    }

    /// Adds one user file; later files take precedence over earlier ones with the same id.
    pub(crate) fn add_file(&mut self, path: &Path) {
        let protocol = load_file(path);
        let origin = Origin::File(path.to_path_buf());
        let mut replaces_builtin = false;
        if let Ok(p) = &protocol {
            for other in &mut self.entries {
                if other.shadowed_by.is_none() && other.id() == Some(p.id.as_str()) {
                    if other.origin == Origin::Builtin {
                        replaces_builtin = true;
                    }
                    other.shadowed_by = Some(origin.clone());
                }
            }
        }
        self.entries.push(Entry { origin, protocol, replaces_builtin, shadowed_by: None });
    }

    /// The protocol in force for an id.
    pub fn get(&self, id: &str) -> Option<&Protocol> {
        self.entries
            .iter()
            .filter(|e| e.shadowed_by.is_none())
            .find_map(|e| e.protocol.as_ref().ok().filter(|p| p.id == id))
    }

    /// Ids of every usable protocol, for "did you mean" messages.
    pub fn ids(&self) -> Vec<&str> {
        self.entries.iter().filter(|e| e.shadowed_by.is_none()).filter_map(Entry::id).collect()
    }

    /// Resolves a command-line argument: a library id, or a path to a protocol file.
    pub fn resolve(&self, arg: &str) -> Result<Protocol, String> {
        if let Some(p) = self.get(arg) {
            return Ok(p.clone());
        }
        let path = Path::new(arg);
        let looks_like_path = arg.contains('/')
            || arg.contains('\\')
            || path.extension().is_some_and(|x| x == "json");
        if looks_like_path || path.is_file() {
            return load_file(path).map_err(|e| e.to_string());
        }
        // A broken user file with this name?
        for e in &self.entries {
            if let (Origin::File(f), Err(err)) = (&e.origin, &e.protocol)
                && f.file_stem().is_some_and(|s| s == arg)
            {
                return Err(err.to_string());
            }
        }
        let ids = self.ids();
        let hint = super::nearest(arg, &ids)
            .map(|n| format!(" Did you mean \"{n}\"?"))
            .unwrap_or_default();
        Err(format!(
            "no protocol \"{}\".{hint} Known protocols: {}. `convene protocols` lists them.",
            crate::text::sanitize(arg),
            ids.join(", ")
        ))
    }
}

/// The default user protocol folder: `<config dir>/convene/protocols`.
pub(crate) fn default_user_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "convene").map(|d| d.config_dir().join("protocols"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_loads() {
        let lib = Library::builtin_only();
        for e in &lib.entries {
            if let Err(err) = &e.protocol {
                panic!("built-in failed: {err}");
            }
        }
        assert_eq!(lib.entries.len(), BUILTIN.len());
    }
}
