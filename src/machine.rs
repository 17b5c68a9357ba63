//! Which computer runs a session: a random machine id, made once and kept in the config folder
//! (`<config folder>/machine-id`), recorded in the header of every new log ([`Machine`]).
//!
//! The id is what tells two laptops sharing a data folder apart, so that `convene resume` offers
//! this laptop's own unfinished sessions and asks before continuing another's. It is 128 random
//! bits from the operating system (`getrandom`), written as 32 hexadecimal digits: never the
//! computer's name, which two laptops of one school may share. The computer's name is recorded
//! beside it, cleaned, only to name the laptop in messages ("last written on LAPTOP-7").
//!
//! `CONVENE_MACHINE_ID` (letters, digits and `-`, 8 to 64 of them) replaces the id and
//! `CONVENE_MACHINE_NAME` the name: the tests use them to play two laptops on one computer.
//! When the config folder cannot be written, the session runs without a machine id (its log is
//! then treated as this laptop's, as logs written before machine ids are).

use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The machine id's file, in the config folder.
pub(crate) const ID_FILE: &str = "machine-id";

/// The machine a log was written on, as its header records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Machine {
    /// The random machine id (see the module docs).
    pub id: String,
    /// The computer's name, cleaned, for messages only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Machine {
    /// How messages name it: its name, else `the laptop with machine id 1a2b3c4d`.
    pub(crate) fn label(&self) -> String {
        if let Some(n) = &self.name {
            format!("\"{}\"", crate::text::sanitize(n))
        } else {
            let short: String = self.id.chars().take(8).collect();
            format!("the laptop with machine id {}", crate::text::sanitize(&short))
        }
    }
}

/// Whether `id` is a machine id this build accepts: 8 to 64 ASCII letters, digits or `-`.
pub(crate) fn is_machine_id(id: &str) -> bool {
    (8..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// This computer: the id from `CONVENE_MACHINE_ID`, else the one kept in `config_dir` (made
/// there the first time); `None` when there is neither a valid variable nor a config folder
/// that can be read or written.
pub(crate) fn this(config_dir: Option<&Path>) -> Option<Machine> {
    this_with(config_dir, &|name| std::env::var(name).ok())
}

/// This computer as far as it is known without writing anything: [`this`], but `None` when no
/// id has been made yet (then no log was written here with one, so every log that names a
/// machine is another's). For the commands that only look (`resume`, `resume --list`).
pub(crate) fn known(config_dir: Option<&Path>) -> Option<Machine> {
    with_id(config_dir, &|name| std::env::var(name).ok(), |dir| read_id(&dir.join(ID_FILE)))
}

/// [`this`] with the environment given (for tests).
pub(crate) fn this_with(
    config_dir: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<Machine> {
    with_id(config_dir, env, kept_id)
}

fn with_id(
    config_dir: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
    kept: impl FnOnce(&Path) -> Option<String>,
) -> Option<Machine> {
    let given =
        env("CONVENE_MACHINE_ID").map(|v| v.trim().to_string()).filter(|v| is_machine_id(v));
    let id = match given {
        Some(id) => id,
        None => kept(config_dir?)?,
    };
    let name = env("CONVENE_MACHINE_NAME").or_else(host_name).and_then(|n| clean_name(&n));
    Some(Machine { id, name })
}

/// The id kept in `dir`, made (and written) if there is none yet. Two convenes starting at once
/// agree: the file is created only if it does not exist, and the loser reads the winner's.
fn kept_id(dir: &Path) -> Option<String> {
    let path = dir.join(ID_FILE);
    if let Some(id) = read_id(&path) {
        return Some(id);
    }
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).ok()?;
    let id = bytes.iter().fold(String::with_capacity(32), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    });
    std::fs::create_dir_all(dir).ok()?;
    match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
        Ok(mut f) => {
            std::io::Write::write_all(&mut f, format!("{id}\n").as_bytes()).ok()?;
            f.sync_all().ok()?;
            Some(id)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read_id(&path),
        Err(_) => None,
    }
}

/// The id in a machine-id file (at most 1 KiB is read; anything else there is ignored).
fn read_id(path: &Path) -> Option<String> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut text = String::new();
    file.take(1024).read_to_string(&mut text).ok()?;
    let id = text.trim();
    is_machine_id(id).then(|| id.to_string())
}

/// The computer's name as the system gives it, if it is easy to find: `COMPUTERNAME` on
/// Windows, `/etc/hostname` or `HOSTNAME` elsewhere.
fn host_name() -> Option<String> {
    if cfg!(windows) {
        return std::env::var("COMPUTERNAME").ok();
    }
    let from_file = || {
        use std::io::Read as _;
        let file = std::fs::File::open("/etc/hostname").ok()?;
        let mut text = String::new();
        file.take(256).read_to_string(&mut text).ok()?;
        Some(text)
    };
    from_file().or_else(|| std::env::var("HOSTNAME").ok())
}

/// A name fit for messages: control and invisible characters removed, at most 40 characters;
/// `None` if nothing is left.
fn clean_name(name: &str) -> Option<String> {
    let clean: String =
        crate::text::sanitize(name.trim()).chars().filter(|c| *c != '\u{FFFD}').take(40).collect();
    let clean = clean.trim().to_string();
    (!clean.is_empty()).then_some(clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn the_id_is_made_once_and_kept_in_the_config_folder() {
        let dir = tempfile::tempdir().unwrap();
        let first = this_with(Some(dir.path()), &no_env).unwrap();
        assert_eq!(first.id.len(), 32);
        assert!(is_machine_id(&first.id));
        let again = this_with(Some(dir.path()), &no_env).unwrap();
        assert_eq!(first.id, again.id);
        let other = tempfile::tempdir().unwrap();
        assert_ne!(this_with(Some(other.path()), &no_env).unwrap().id, first.id);
    }

    #[test]
    fn the_environment_replaces_the_id_and_the_name() {
        let env = |n: &str| match n {
            "CONVENE_MACHINE_ID" => Some("laptop-b-0001".to_string()),
            "CONVENE_MACHINE_NAME" => Some("Room 12\u{1b}[31m".to_string()),
            _ => None,
        };
        let m = this_with(None, &env).unwrap();
        assert_eq!(m.id, "laptop-b-0001");
        assert!(!m.name.unwrap().contains('\u{1b}'));
    }

    #[test]
    fn a_damaged_id_file_is_not_taken_for_an_id() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(ID_FILE), "not an id!").unwrap();
        assert_eq!(read_id(&dir.path().join(ID_FILE)), None);
        assert!(this_with(None, &no_env).is_none());
    }
}
