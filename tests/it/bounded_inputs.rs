//! Files a person names or puts in place are read bounded (issue 18): a FIFO or `/dev/zero`
//! given as a roster, to `resume --file` or as `config.toml` is refused within seconds, naming the
//! file, where it once made convene wait for ever or fill memory; a roster over the participant
//! cap is refused with its count; settings that can't be used are refused naming where they are.

use crate::support;

#[cfg(unix)]
use std::path::Path;

use std::fmt::Write as _;

use support::cli::{run, run_within, stderr};

/// Long enough for a loaded 2-core machine; a hang is for ever.
const SECS: u64 = 60;

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo").arg(path).status().expect("mkfifo runs");
    assert!(made.success(), "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn a_roster_that_is_a_fifo_or_dev_zero_is_refused_at_once() {
    let root = tempfile::tempdir().expect("tempdir");
    let fifo = root.path().join("people.csv");
    mkfifo(&fifo);
    let zero = root.path().join("zero.csv");
    std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
    for roster in [fifo.as_path(), zero.as_path(), Path::new("/dev/zero")] {
        let shown = roster.to_str().expect("utf-8");
        let out = run_within(root.path(), &["run", "learning-walk-trio", "--roster", shown], SECS);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("cannot read the roster {shown}: not a regular file")),
            "{err}"
        );
    }
}

/// On every platform (Windows has no FIFO nor `/dev/zero`): a folder given as the roster or to
/// `resume --file` is refused at once, naming it.
#[test]
fn a_folder_given_as_a_roster_or_to_resume_file_is_refused() {
    let root = tempfile::tempdir().expect("tempdir");
    let folder = root.path().join("people.csv");
    std::fs::create_dir(&folder).expect("mkdir");
    let shown = folder.to_str().expect("utf-8");
    let out = run_within(root.path(), &["run", "learning-walk-trio", "--roster", shown], SECS);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains(&format!("cannot read the roster {shown}: it is a folder")), "{err}");
    let out = run_within(root.path(), &["resume", "--file", shown], SECS);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("cannot read {shown}: it is a folder")), "{out:?}");
}

#[cfg(unix)]
#[test]
fn resume_file_refuses_a_fifo_or_dev_zero_at_once() {
    let root = tempfile::tempdir().expect("tempdir");
    let fifo = root.path().join("saved.jsonl");
    mkfifo(&fifo);
    let zero = root.path().join("zero.jsonl");
    std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
    for file in [fifo.as_path(), zero.as_path()] {
        let shown = file.to_str().expect("utf-8");
        let out = run_within(root.path(), &["resume", "--file", shown], SECS);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(&format!("cannot read {shown}: not a regular file")), "{err}");
    }
}

#[cfg(unix)]
#[test]
fn a_config_toml_that_is_a_fifo_or_a_link_to_dev_zero_stops_no_command() {
    let root = tempfile::tempdir().expect("tempdir");
    let config = root.path().join("config");
    std::fs::create_dir(&config).expect("mkdir");
    let file = config.join("config.toml");
    mkfifo(&file);
    for args in [&["info"][..], &["protocols"], &["logs", "list"]] {
        let out = run_within(root.path(), args, SECS);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("config.toml: not a regular file"), "{args:?}: {err}");
    }
    std::fs::remove_file(&file).expect("remove");
    std::os::unix::fs::symlink("/dev/zero", &file).expect("symlink");
    let out = run_within(root.path(), &["info"], SECS);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("config.toml: not a regular file"), "{}", stderr(&out));
}

#[test]
fn a_config_toml_over_its_size_limit_is_refused_naming_it() {
    let root = tempfile::tempdir().expect("tempdir");
    let config = root.path().join("config");
    std::fs::create_dir(&config).expect("mkdir");
    let mut text = String::from("quiet = true\n");
    text.push_str(&"# a comment that goes on\n".repeat(4000));
    std::fs::write(config.join("config.toml"), text).expect("write");
    let out = run(root.path(), &["info"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("config.toml: the file is 100,013 bytes, larger than the 64 KiB"),
        "{err}"
    );
}

#[test]
fn a_config_dir_that_is_a_file_is_refused() {
    let root = tempfile::tempdir().expect("tempdir");
    std::fs::write(root.path().join("config"), "").expect("a file where the folder goes");
    let out = run(root.path(), &["info"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("CONVENE_CONFIG_DIR="), "{err}");
    assert!(err.contains("not a folder"), "{err}");
}

#[test]
fn a_facilitator_with_an_escape_in_config_toml_is_refused_naming_the_file_and_key() {
    let root = tempfile::tempdir().expect("tempdir");
    let config = root.path().join("config");
    std::fs::create_dir(&config).expect("mkdir");
    std::fs::write(config.join("config.toml"), "facilitator = \"Fi\\u001b[2Jona\"\n")
        .expect("write");
    let out = run(root.path(), &["run", "grow-coaching", "--people", "Ann,Ben"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("config.toml:1:15: facilitator: "), "{err}");
    assert!(!err.contains('\u{1b}'), "{err:?}");
}

/// A roster of `n` people from 20 schools.
fn roster(n: usize) -> String {
    let mut csv = String::from("name,school\n");
    for i in 1..=n {
        let _ = writeln!(csv, "Teacher {i},School {}", i % 20);
    }
    csv
}

#[test]
fn a_roster_over_the_participant_cap_is_refused_with_its_file_and_count() {
    let root = tempfile::tempdir().expect("tempdir");
    let file = root.path().join("people.csv");
    std::fs::write(&file, roster(2_001)).expect("write");
    let shown = file.to_str().expect("utf-8");
    let out = run(root.path(), &["run", "learning-walk-trio", "--roster", shown]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{shown}: 2,001 people: convene runs a session of at most 2,000 people"
        )),
        "{err}"
    );
    // At the cap, the roster passes the checks (and then needs a terminal).
    std::fs::write(&file, roster(1_998)).expect("write");
    let out = run(root.path(), &["run", "learning-walk-trio", "--roster", shown]);
    assert!(stderr(&out).contains("needs a terminal"), "{}", stderr(&out));
}

#[test]
fn typed_people_over_the_cap_are_refused_with_the_count() {
    let root = tempfile::tempdir().expect("tempdir");
    let people: Vec<String> = (1..=2_004).map(|i| format!("P{i}")).collect();
    let people = people.join(",");
    let out = run(root.path(), &["run", "learning-walk-trio", "--people", &people]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("2,004 people: convene runs a session of at most 2,000 people"), "{err}");
}
