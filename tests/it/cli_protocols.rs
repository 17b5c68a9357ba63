//! `convene protocols` as a user runs it: the real binary, with its folders pointed at temporary
//! or fixture folders so that the user's own configuration is never read.

use crate::support;

use std::path::Path;
use std::process::Output;

use support::BUILTIN_IDS;
use support::cli::{stderr, stdout};

const VALID: &str = "tests/fixtures/protocols/valid";
const INVALID: &str = "tests/fixtures/protocols/invalid";

/// Runs `convene` from the crate root with `protocols_dir` as the user protocol folder (an empty
/// temporary folder when `None`) and a temporary data folder.
/// convene on a folder of its own ([`support::cli::command`]), with the protocols folder given
/// (else an empty one).
fn convene(args: &[&str], protocols_dir: Option<&str>) -> Output {
    let home = tempfile::tempdir().expect("tempdir");
    let empty = home.path().join("protocols");
    let protocols = protocols_dir.map_or(empty.as_path(), Path::new);
    support::cli::command(&home.path().join("data"), args)
        .env("CONVENE_PROTOCOLS_DIR", protocols)
        .env("HOME", home.path())
        .output()
        .expect("convene runs")
}

#[test]
fn protocols_lists_every_builtin() {
    let o = convene(&["protocols"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(rows.len(), BUILTIN_IDS.len(), "{out}");
    for (row, id) in rows.iter().zip(BUILTIN_IDS) {
        assert!(row.starts_with(id) && row.ends_with("built-in"), "{row}");
    }
    insta::assert_snapshot!(out);
    // `protocols list` is the same table.
    assert_eq!(stdout(&convene(&["protocols", "list"], None)), out);
}

#[test]
fn protocols_show_project_tuning() {
    let o = convene(&["protocols", "show", "project-tuning"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    for stage in [
        "1. Presenter ",
        "2. Clarifying questions ",
        "3. Probing questions ",
        "4. Discussion ",
        "5. Reflection — Presenter ",
        "6. Reflection — Participants on the process ",
    ] {
        assert!(out.contains(stage), "missing {stage:?}");
    }
    assert!(!out.contains("7. "));
    assert!(out.contains("\nTotal: 24:00\n"));
    insta::assert_snapshot!(out);
}

/// `protocols show` says each format 2 rule of a protocol in words.
#[test]
fn protocols_show_says_the_format_2_rules() {
    let o = convene(&["protocols", "show", "action-learning"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    for line in [
        "  one member per school expected\n",
        "  a round runs past its planned total only with the group's agreement; time moves freely \
         between its stages\n",
        "       cue: 03:00 before the end - Facilitator: your turn, if needed: speak last, as little \
         as possible (suggested)\n",
        "       optional: run or skipped by the facilitator\n",
        "       shows what the group recorded last time for next-cpd-topic\n",
        "       expects: The topic agreed for next session (carried to the group's next session)\n",
        "       expects: The presenter's commitment to carry out the plan, by a date (with a time \
         frame (added))\n",
        "  - What is said here stays here (added: not in the source)\n",
    ] {
        assert!(out.contains(line), "missing {line:?}:\n{out}");
    }
    let out = stdout(&convene(&["protocols", "show", "three-ss"], None));
    assert!(out.contains("  1:30:00  typical minimum reached\n"), "{out}");
    assert!(out.contains("  2:00:00  warning: upper end of the typical 1.5–2 h\n"), "{out}");
    let out = stdout(&convene(&["protocols", "show", "middle-leader-session"], None));
    assert!(out.contains("Course: 3-6 sessions\n"), "{out}");
    assert!(out.contains("       from session 2 of the course on\n"), "{out}");
    assert!(out.contains("(one per participant)\n"), "{out}");
    let out = stdout(&convene(&["protocols", "show", "half-termly-review"], None));
    assert!(out.contains("  Executive team (1, a team): "), "{out}");
}

#[test]
fn validate_accepts_valid_files_with_one_ok_line_each() {
    let mut files: Vec<String> = std::fs::read_dir(VALID)
        .expect("fixtures")
        .map(|e| format!("{VALID}/{}", e.expect("entry").file_name().to_string_lossy()))
        .collect();
    files.sort();
    let mut args = vec!["protocols", "validate"];
    args.extend(files.iter().map(String::as_str));
    let o = convene(&args, None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), files.len());
    for (line, file) in lines.iter().zip(&files) {
        assert!(line.starts_with(&format!("ok  {file}: ")), "{line}");
    }
    assert!(!out.contains('\u{1b}'));
    insta::assert_snapshot!(out);
}

#[test]
fn validate_reports_broken_json_with_file_line_and_column() {
    let o = convene(
        &[
            "protocols",
            "validate",
            &format!("{VALID}/minimal.json"),
            &format!("{INVALID}/missing-comma.json"),
            &format!("{INVALID}/truncated.json"),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o).lines().count(), 1, "the valid file still gets its ok line");
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{INVALID}/missing-comma.json:5:3: expected `,` or `}}`")),
        "{err}"
    );
    assert!(err.contains(&format!("{INVALID}/truncated.json:23:6: EOF while parsing")), "{err}");
}

#[test]
fn validate_reports_every_semantic_problem() {
    let o = convene(&["protocols", "validate", &format!("{INVALID}/several-problems.json")], None);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.starts_with(&format!("{INVALID}/several-problems.json: 10 problems:\n")), "{err}");
    assert_eq!(err.lines().count(), 11);
}

#[test]
fn an_unknown_protocol_id_exits_2_with_a_hint() {
    let o = convene(&["protocols", "show", "project-tunning"], None);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    assert!(
        err.contains("no protocol \"project-tunning\". Did you mean \"project-tuning\"?"),
        "{err}"
    );
}

#[test]
fn people_changes_the_action_learning_total() {
    let row = |args: &[&str]| -> String {
        let out = stdout(&convene(args, None));
        out.lines().find(|l| l.starts_with("action-learning")).expect("listed").to_string()
    };
    // 70 minutes of opening, then one 30-minute slot per member.
    assert!(row(&["protocols"]).contains("3:40:00 for 5"));
    assert!(row(&["protocols", "--people", "3"]).contains("2:40:00 for 3"));
    let total = |args: &[&str]| -> String {
        let out = stdout(&convene(args, None));
        out.lines().find(|l| l.starts_with("Total: ")).expect("total").to_string()
    };
    assert_eq!(total(&["protocols", "show", "action-learning"]), "Total: 3:40:00 for 5 people");
    assert_eq!(
        total(&["protocols", "show", "action-learning", "--people", "3"]),
        "Total: 2:40:00 for 3 people"
    );
    // Project tuning does not depend on the head count.
    assert_eq!(total(&["protocols", "show", "project-tuning", "--people", "3"]), "Total: 24:00");
}

#[test]
fn the_user_folder_can_replace_a_builtin() {
    let o = convene(&["protocols"], Some(VALID));
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    let file = Path::new(VALID).join("project-tuning-short.json");
    let replaced = format!("project-tuning (built-in) is replaced by {}", file.display());
    assert!(out.contains(&replaced), "{out}");
    let shown = stdout(&convene(&["protocols", "show", "project-tuning"], Some(VALID)));
    assert!(shown.starts_with("Project tuning (short) (project-tuning)"), "{shown}");
    assert!(shown.contains("\nTotal: 15:00\n"));
}

#[test]
fn a_broken_user_file_is_listed_with_its_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(format!("{INVALID}/unknown-role.json"), dir.path().join("mine.json"))
        .expect("copy");
    let o = convene(&["protocols"], Some(dir.path().to_str().expect("utf-8 path")));
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for id in BUILTIN_IDS {
        assert!(out.contains(&format!("\n{id} ")), "{id} missing from {out}");
    }
    assert!(out.contains("\nCould not load 1 file:\n"), "{out}");
    assert!(out.contains("did you mean \"observer\"?"), "{out}");
    // Asked for by its file name, the broken protocol explains itself.
    let o = convene(&["protocols", "show", "mine"], Some(dir.path().to_str().expect("utf-8")));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("refers to unknown role \"observr\""));
}

// ---- hostile and huge files in the protocol folder ----

fn minimal_text() -> String {
    std::fs::read_to_string(format!("{VALID}/minimal.json")).expect("fixture")
}

fn assert_builtins_listed(out: &str) {
    for id in BUILTIN_IDS {
        assert!(out.lines().any(|l| l.starts_with(&format!("{id} "))), "{id} missing from {out}");
    }
}

#[test]
fn a_protocol_named_with_65536_characters_is_listed_cut_to_fit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = "N".repeat(65_536);
    std::fs::write(
        dir.path().join("long-name.json"),
        minimal_text().replace("Quiet minute", &name),
    )
    .expect("write");
    let id = "a".repeat(70_000);
    std::fs::write(
        dir.path().join("long-id.json"),
        minimal_text().replace("quiet-minute", &id).replace("Quiet minute", "Long id"),
    )
    .expect("write");
    let o = convene(&["protocols"], Some(dir.path().to_str().expect("utf-8 path")));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert_builtins_listed(&out);
    let row = out.lines().find(|l| l.starts_with("quiet-minute ")).expect("long name listed");
    assert!(row.contains("NNN… "), "{row}");
    let row = out.lines().find(|l| l.starts_with("aaa")).expect("long id listed");
    assert!(row.contains("aaa…  Long id"), "{row}");
    let width = dir.path().as_os_str().len() + 200;
    for line in out.lines().take(BUILTIN_IDS.len() + 3) {
        assert!(line.chars().count() < width, "a line of {} characters", line.chars().count());
    }
}

#[test]
fn a_50_mb_file_is_refused_by_size_and_the_rest_of_the_library_still_works() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("mine.json"), minimal_text()).expect("write");
    // Sparse: 50 MB by its size, nothing written.
    std::fs::File::create(dir.path().join("huge.json"))
        .and_then(|f| f.set_len(50_000_000))
        .expect("sparse file");
    let folder = dir.path().to_str().expect("utf-8 path");
    let o = convene(&["protocols"], Some(folder));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert_builtins_listed(&out);
    assert!(out.lines().any(|l| l.starts_with("quiet-minute ")), "{out}");
    assert!(out.contains("\nCould not load 1 file:\n"), "{out}");
    assert!(
        out.contains("huge.json: the file is 50,000,000 bytes, larger than the 1 MiB (1,048,576 bytes) allowed for a protocol file"),
        "{out}"
    );
    let o = convene(&["protocols", "show", "quiet-minute"], Some(folder));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = convene(&["protocols", "show", "huge"], Some(folder));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("larger than the 1 MiB"), "{}", stderr(&o));
}

/// Runs `convene protocols` on `folder`, failing (not hanging) after two minutes.
#[cfg(unix)]
fn list_within_two_minutes(folder: &Path) -> Output {
    let home = tempfile::tempdir().expect("tempdir");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_convene"))
        .arg("protocols")
        .env("CONVENE_PROTOCOLS_DIR", folder)
        .env("CONVENE_DATA_DIR", home.path().join("data"))
        .env("HOME", home.path())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("convene starts");
    let id = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let Ok(out) = rx.recv_timeout(std::time::Duration::from_secs(120)) else {
        let _ = std::process::Command::new("kill").arg("-9").arg(id.to_string()).status();
        panic!("`convene protocols` did not finish in two minutes");
    };
    out.expect("convene runs")
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_in_the_folder_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("mine.json"), minimal_text()).expect("write");
    let fifo = dir.path().join("pipe.json");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo").success());
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.json")).expect("symlink");
    let o = list_within_two_minutes(dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert_builtins_listed(&out);
    assert!(out.lines().any(|l| l.starts_with("quiet-minute ")), "{out}");
    assert!(out.contains("\nCould not load 2 files:\n"), "{out}");
    assert!(out.contains("pipe.json: cannot read: not a regular file"), "{out}");
    assert!(out.contains("zero.json: cannot read: not a regular file"), "{out}");
}

/// `protocols show` says "suggested" or "added" beside what is ours, and what the words mean.
#[test]
fn protocols_show_marks_what_is_ours() {
    let out = stdout(&convene(&["protocols", "show", "headteacher-learning-forum"], None));
    for line in [
        "(suggested: the sources give no running order for this session)\n",
        "(suggested: the sources leave it open; added: the sources do not mention it)\n",
        "[next-forum] (added)\n",
        "[welcome] (suggested)\n",
        "(carried to the group's next session) (added)\n",
    ] {
        assert!(out.contains(line), "missing {line:?}:\n{out}");
    }
    let out = stdout(&convene(&["protocols", "show", "lesson-study-review"], None));
    assert!(out.contains("silent: Teaching teacher - listen first (suggested)\n"), "{out}");
    let out = stdout(&convene(&["protocols", "show", "project-tuning"], None));
    assert!(!out.contains("suggested: the sources leave it open"), "{out}");
    assert!(!out.contains("(added)"), "{out}");
    let out = stdout(&convene(&["protocols", "show", "middle-leader-session"], None));
    assert!(out.contains("in session 1 of the course only\n"), "{out}");
    assert!(out.contains("Total: 2:30:00"), "{out}");
}
