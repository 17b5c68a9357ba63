//! The command line's rough edges (issue 23), each as a user meets it: the real binary on a
//! folder of its own. Usage errors in convene's own style, completion of ids and group names as
//! a shell asks for it, every man page that another names, the options of `protocols list`,
//! `logs show --json`, `--force`, a Windows folder in config.toml, `convene cache clean`, the
//! examples at the end of every command's help, and tables fitted to the terminal.

use crate::support;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use support::cli::{ok, stderr, stdout};
use support::fixtures::{ALL, S1, S2, S3, TORN, UNFINISHED, data_with};

fn convene(root: &Path, args: &[&str]) -> Output {
    support::cli::run(root, args)
}

fn convene_env(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = support::cli::command(root, args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("convene runs")
}

/// What a shell's completion script asks: `COMPLETE=SHELL convene -- convene WORDS...`, the
/// cursor on the last word (bash says which word by `_CLAP_COMPLETE_INDEX`). One candidate a
/// line (fish adds a tab and the candidate's help, cut off here).
fn complete(root: &Path, shell: &str, words: &[&str]) -> Vec<String> {
    let mut args = vec!["--", "convene"];
    args.extend_from_slice(words);
    let index = words.len().to_string();
    let o = convene_env(
        root,
        &args,
        &[("COMPLETE", shell), ("_CLAP_COMPLETE_INDEX", &index), ("_CLAP_IFS", "\n")],
    );
    assert!(o.status.success(), "completion failed: {}", stderr(&o));
    stdout(&o)
        .lines()
        .map(|l| l.split('\t').next().unwrap_or("").to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn usage_errors_are_convene_lines_with_clap_tips_and_status_2() {
    let root = tempfile::tempdir().expect("tempdir");
    let o = convene(root.path(), &["logs", "list", "--jsn"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.starts_with("convene: unexpected argument '--jsn' found\n"), "{err}");
    assert!(err.contains("\n  tip: a similar argument exists: '--json'\n"), "{err}");
    // clap names the program as it was started: `convene.exe` on Windows.
    let usage = if cfg!(windows) {
        "\n  Usage: convene.exe logs list"
    } else {
        "\n  Usage: convene logs list"
    };
    assert!(err.contains(usage), "{err}");
    assert!(!err.contains("error:"), "one style for every error: {err}");
    assert!(stdout(&o).is_empty());

    let o = convene(root.path(), &["run"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("convene: the following required arguments"), "{}", stderr(&o));

    let o = convene(root.path(), &["protocols", "shw"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("convene: unrecognized subcommand 'shw'"), "{}", stderr(&o));
    assert!(stderr(&o).contains("tip: a similar subcommand exists: 'show'"), "{}", stderr(&o));

    // A command that needs one of its commands shows its help under one convene: line.
    let o = convene(root.path(), &["cache"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.starts_with("convene: a command is needed here:\n"), "{err}");
    assert!(err.contains("\n  Commands:\n    clean  "), "{err}");
    assert_eq!(err.matches("convene:").count(), 1, "{err}");

    // Help and the version are not errors: printed as clap prints them, status 0.
    let o = convene(root.path(), &["--version"]);
    assert!(o.status.success() && stdout(&o).starts_with("convene "), "{}", stdout(&o));
    let o = convene(root.path(), &["logs", "--help"]);
    let usage = if cfg!(windows) { "Usage: convene.exe logs" } else { "Usage: convene logs" };
    assert!(o.status.success() && stdout(&o).contains(usage), "{}", stdout(&o));
}

#[test]
fn protocols_list_takes_json_and_people_after_list_too() {
    let root = tempfile::tempdir().expect("tempdir");
    let text = ok(&convene(root.path(), &["protocols", "list", "--people", "6"]));
    assert!(text.contains("for 6"), "{text}");
    assert_eq!(text, ok(&convene(root.path(), &["protocols", "--people", "6"])));
    let json: serde_json::Value =
        serde_json::from_str(&ok(&convene(root.path(), &["protocols", "list", "--json"])))
            .expect("json");
    assert_eq!(json["schema"], "convene-protocols/1");
    let with_six: serde_json::Value = serde_json::from_str(&ok(&convene(
        root.path(),
        &["protocols", "list", "--json", "--people", "6"],
    )))
    .expect("json");
    let tuning = with_six["protocols"]
        .as_array()
        .expect("protocols")
        .iter()
        .find(|p| p["id"] == "action-learning")
        .expect("action-learning");
    assert_eq!(tuning["people"], 6);
}

#[test]
fn logs_show_json_is_the_session_document_with_its_schema() {
    let data = data_with(&ALL);
    let o = convene(data.path(), &["logs", "show", S1, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&ok(&o)).expect("json");
    assert_eq!(v["schema"], "convene-session-export/1");
    assert_eq!(v["id"], S1);
    // The same document as the export, never the raw log.
    assert_eq!(ok(&o), ok(&convene(data.path(), &["logs", "export", S1, "--format", "json"])));
    let bad = convene(data.path(), &["logs", "show", "19990101", "--json"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stdout(&bad).is_empty());
}

#[test]
fn force_replaces_an_existing_file_and_without_it_nothing_is_written() {
    let data = data_with(&ALL);
    let target = data.path().join("minutes.md");
    std::fs::write(&target, "keep me").expect("write");
    let t = target.to_str().expect("utf-8");
    let o = convene(data.path(), &["logs", "export", S1, "-o", t]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("add --force to replace it"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&target).expect("read"), "keep me");

    let o = convene(data.path(), &["logs", "export", S1, "-o", t, "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = std::fs::read_to_string(&target).expect("read");
    assert!(md.starts_with("# Project tuning"), "{md}");
    assert_eq!(md, ok(&convene(data.path(), &["logs", "export", S1])));

    // The many-session CSV, the report and the commitments take it too.
    for args in [
        &["logs", "export", "--format", "csv", "-o", t][..],
        &["report", "--format", "csv", "-o", t],
        &["actions", "--format", "ics", "-o", t],
    ] {
        let again = convene(data.path(), args);
        assert_eq!(again.status.code(), Some(2), "{args:?} replaced the file without --force");
        let mut forced = args.to_vec();
        forced.push("--force");
        let o = convene(data.path(), &forced);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    }
    assert!(std::fs::read_to_string(&target).expect("read").starts_with("BEGIN:VCALENDAR\r\n"));

    // --force needs a file to replace.
    let o = convene(data.path(), &["logs", "export", S1, "--force"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_windows_folder_in_double_quotes_says_to_use_single_quotes_or_forward_slashes() {
    let root = tempfile::tempdir().expect("tempdir");
    let config = root.path().join("config");
    std::fs::create_dir_all(&config).expect("mkdir");
    std::fs::write(
        config.join("config.toml"),
        "theme = \"mono\"\ndata-dir = \"D:\\Facilitation\"\n",
    )
    .expect("write");
    let o = convene(root.path(), &["logs", "list"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("config.toml:2:"), "names the file and the line: {err}");
    assert!(err.contains("data-dir: a backslash in double quotes"), "names the key: {err}");
    assert!(err.contains("data-dir = 'D:\\Facilitation'"), "{err}");
    assert!(err.contains("data-dir = \"D:/Facilitation\""), "{err}");

    // Both ways it suggests are read.
    for line in ["data-dir = 'D:\\Facilitation'\n", "data-dir = \"D:/Facilitation\"\n"] {
        std::fs::write(config.join("config.toml"), line).expect("write");
        let o = support::cli::command(root.path(), &["info", "--json"])
            .env_remove("CONVENE_DATA_DIR")
            .output()
            .expect("convene runs");
        assert!(o.status.success(), "{line}: {}", stderr(&o));
        assert!(stdout(&o).contains("Facilitation"), "{}", stdout(&o));
    }
}

/// The pages another page names in its COMMANDS section: `convene\-logs\-export(1)`.
fn named_pages(page: &str) -> Vec<String> {
    page.lines()
        .filter_map(|l| l.strip_suffix("(1)"))
        .map(|l| l.replace("\\-", "-"))
        .filter(|l| l.starts_with("convene-"))
        .collect()
}

#[test]
fn every_man_page_named_can_be_made_and_has_exit_status_environment_and_files() {
    let root = tempfile::tempdir().expect("tempdir");
    let mut todo = vec![String::from("convene")];
    let mut made = Vec::new();
    while let Some(name) = todo.pop() {
        let words: Vec<&str> = name.split('-').skip(1).collect();
        let mut args = vec!["man"];
        args.extend_from_slice(&words);
        let o = convene(root.path(), &args);
        assert!(o.status.success(), "{name}(1) can't be made: {}", stderr(&o));
        let page = stdout(&o);
        let title = format!(".TH {name} 1");
        assert!(page.lines().any(|l| l.starts_with(&title)), "{name}: {page}");
        for section in [".SH \"EXIT STATUS\"", ".SH ENVIRONMENT", ".SH FILES"] {
            assert!(page.contains(section), "{name}(1) has no {section}");
        }
        assert!(page.contains("CONVENE_DATA_DIR") && page.contains("config.toml"));
        if Command::new("groff").arg("-v").output().is_ok_and(|o| o.status.success()) {
            let file = root.path().join("page.1");
            std::fs::write(&file, &page).expect("write");
            let g = Command::new("groff")
                .args(["-man", "-Tutf8", "-ww", "-z"])
                .arg(&file)
                .output()
                .expect("groff runs");
            assert!(g.status.success() && g.stderr.is_empty(), "groff on {name}: {g:?}");
        }
        todo.extend(named_pages(&page));
        made.push(name);
    }
    for page in ["convene-logs-export", "convene-protocols-show", "convene-cache-clean"] {
        assert!(made.iter().any(|m| m == page), "{page} not reached: {made:?}");
    }
    let o = convene(root.path(), &["man", "logs", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("convene-logs-COMMAND for list, show, export"), "{}", stderr(&o));
}

#[test]
fn the_shell_completes_protocol_ids_session_ids_and_group_names() {
    let data = data_with(&ALL);
    let root = data.path();
    assert_eq!(complete(root, "bash", &["run", "coa"]), ["coaching-triad"]);
    assert!(
        complete(root, "bash", &["protocols", "show", ""]).contains(&"grow-coaching".to_string())
    );
    assert_eq!(complete(root, "bash", &["logs", "show", "2026110"]), [S2, S1]);
    let mut all = complete(root, "bash", &["logs", "export", ""]);
    // The id is optional here, so the options come after the ids.
    all.retain(|c| !c.starts_with("--"));
    assert_eq!(all.first().map(String::as_str), Some("20261121-090000-000"), "{all:?}");
    assert_eq!(all.len(), ALL.len(), "{all:?}");
    // Group names and unfinished sessions come from the review index; a TAB never builds it.
    assert!(complete(root, "fish", &["resume", "2026"]).is_empty());
    assert!(complete(root, "fish", &["actions", "--group", ""]).iter().all(|c| c.starts_with('-')));
    ok(&convene(root, &["logs", "list"]));
    // resume and mirror offer the sessions that did not end.
    assert_eq!(complete(root, "fish", &["resume", "2026"]), [TORN, UNFINISHED]);
    assert_eq!(complete(root, "bash", &["mirror", "2026111"]), [TORN, UNFINISHED]);
    let groups = complete(root, "zsh", &["actions", "--group", ""]);
    assert!(groups.contains(&"Year 9 team".to_string()), "{groups:?}");
    assert_eq!(complete(root, "fish", &["logs", "list", "--group", "Yea"]), ["Year 9 team"]);
    assert!(complete(root, "bash", &["logs", "show", "1999"]).is_empty());
    // Options still complete as before.
    assert!(complete(root, "bash", &["logs", "list", "--st"]).contains(&"--status".to_string()));
    let _ = S3;

    // Each shell's registration script, as `source <(COMPLETE=bash convene)` reads it.
    for (shell, marker) in [
        ("bash", "complete -o"),
        ("zsh", "compdef"),
        ("fish", "complete --keep-order"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let o = convene_env(root, &[], &[("COMPLETE", shell)]);
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        assert!(script.contains(marker) && script.contains("convene"), "{shell}: {script}");
    }
}

#[test]
fn cache_clean_removes_the_indexes_of_data_folders_that_are_gone() {
    let cache = tempfile::tempdir().expect("tempdir");
    let c = cache.path().to_str().expect("utf-8");
    let kept = data_with(&[S1]);
    let gone = data_with(&[S2]);
    for d in [&kept, &gone] {
        let o = convene_env(d.path(), &["logs", "list"], &[("CONVENE_CACHE_DIR", c)]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let indexes = || -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(cache.path().join("index"))
            .expect("index folder")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sqlite"))
            .collect();
        v.sort();
        v
    };
    assert_eq!(indexes().len(), 2);
    let broken = cache.path().join("index").join("sessions-00000000deadbeef.sqlite");
    std::fs::write(&broken, "not an index").expect("write");
    let gone_path = gone.path().to_path_buf();
    drop(gone);
    assert!(!gone_path.exists());

    let o = convene_env(kept.path(), &["cache", "clean", "--dry-run"], &[("CONVENE_CACHE_DIR", c)]);
    let out = ok(&o);
    assert!(out.contains("would remove") && out.contains("is gone"), "{out}");
    assert!(out.contains("1 index to remove, 1 kept"), "{out}");
    assert!(out.contains("left") && out.contains("deadbeef"), "an unreadable file is named: {out}");
    assert_eq!(indexes().len(), 3, "a dry run removes nothing");

    let out = ok(&convene_env(kept.path(), &["cache", "clean"], &[("CONVENE_CACHE_DIR", c)]));
    assert!(out.contains("removed") && out.contains("1 index removed, 1 kept"), "{out}");
    let left = indexes();
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(left.iter().any(|n| n.contains("deadbeef")));
    // No -wal or -shm file of the removed index is left.
    for e in std::fs::read_dir(cache.path().join("index")).expect("index folder").flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let base = name.trim_end_matches("-wal").trim_end_matches("-shm");
        assert!(left.iter().any(|l| l == base), "{name} left behind");
    }
    // The data folder that is still there keeps its index: its review needs no rebuild.
    let o = convene_env(kept.path(), &["logs", "list", "--json"], &[("CONVENE_CACHE_DIR", c)]);
    assert!(ok(&o).contains(S1));
    let out = ok(&convene_env(kept.path(), &["cache", "clean"], &[("CONVENE_CACHE_DIR", c)]));
    assert!(out.contains("0 indexes removed, 1 kept"), "{out}");
}

/// Every command and its commands people are shown, with their paths (`logs export`): not the
/// hidden ones that convene's own programs run (`handoff`, `index-update`).
fn commands(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Command)>) {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let p = if path.is_empty() {
            sub.get_name().to_string()
        } else {
            format!("{path} {}", sub.get_name())
        };
        out.push((p.clone(), sub.clone()));
        commands(sub, &p, out);
    }
}

#[test]
fn every_command_that_takes_arguments_ends_its_help_with_examples_of_itself() {
    let root = tempfile::tempdir().expect("tempdir");
    let mut all = Vec::new();
    commands(&convene::cli::command(), "", &mut all);
    let mut checked = 0;
    for (path, cmd) in all {
        let takes = cmd
            .get_arguments()
            .any(|a| !a.is_global_set() && !matches!(a.get_id().as_str(), "help" | "version"));
        if !takes {
            continue;
        }
        let mut args: Vec<&str> = path.split(' ').collect();
        args.push("--help");
        let help = ok(&convene(root.path(), &args));
        let (_, examples) = help
            .rsplit_once("\nExamples:\n")
            .unwrap_or_else(|| panic!("`convene {path} --help` has no examples:\n{help}"));
        // The examples are indented; a note may follow them.
        let lines: Vec<&str> = examples.lines().filter(|l| l.starts_with("  ")).collect();
        assert!(!lines.is_empty(), "{path}");
        for l in lines {
            assert!(l.trim_start().starts_with(&format!("convene {path}")), "{path}: {l}");
        }
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} commands checked");
}

#[test]
fn tables_are_never_cut_when_piped() {
    let data = data_with(&ALL);
    // COLUMNS is the terminal's width; piped output is not for a terminal.
    let out = ok(&convene_env(data.path(), &["logs", "list"], &[("COLUMNS", "50")]));
    assert!(out.lines().any(|l| l.chars().count() > 50), "{out}");
    assert!(!out.lines().next().unwrap_or("").contains('…'), "{out}");
}

#[test]
#[cfg_attr(windows, ignore = "tmux: a terminal of a given width is tested on Linux")]
fn tables_fit_the_terminal_by_cutting_their_widest_text_column() {
    if !support::tmux::have_tmux() {
        return;
    }
    let t = support::tmux::Tmux::new("fit");
    let sessions = t.data().join("sessions");
    std::fs::create_dir_all(&sessions).expect("mkdir");
    for id in ALL {
        let name = format!("{id}.jsonl");
        std::fs::copy(Path::new(support::fixtures::FIXTURES).join(&name), sessions.join(&name))
            .expect("copy");
    }
    for (width, columns) in [(200u16, "COLUMNS=100"), (100, "")] {
        let session = format!("w{width}");
        t.start(&session, (width, 40), "logs list", |line| {
            format!("{columns} {line}; echo END; sleep 60")
        });
        t.wait_text(&session, "END", Duration::from_secs(30));
        // Lines the terminal wrapped are joined again: a table that did not fit would show.
        let screen = t.capture_joined(&session);
        let table: Vec<&str> = screen.lines().take_while(|l| !l.ends_with(" sessions")).collect();
        assert!(table.len() > 3, "{screen}");
        for l in &table {
            assert!(l.chars().count() <= 100, "{width} wide, {columns:?}: {l:?}\n{screen}");
        }
        assert!(table.iter().any(|l| l.contains('…')), "the widest text column is cut:\n{screen}");
        for id in [S1, S2, UNFINISHED] {
            assert!(screen.contains(id), "ids are never cut:\n{screen}");
        }
        assert!(screen.contains("2026-11-02 09:00"), "times are never cut:\n{screen}");
    }
    // The report and the protocols too.
    for (args, width, kept) in [("report", 96usize, "Reality"), ("protocols", 80, "coaching-triad")]
    {
        let session = args.to_string();
        t.start(&session, (200, 50), args, |line| {
            format!("COLUMNS={width} {line}; echo END; sleep 60")
        });
        t.wait_text(&session, "END", Duration::from_secs(30));
        let screen = t.capture_joined(&session);
        for l in screen.lines() {
            assert!(l.chars().count() <= width, "{args}: {l:?}\n{screen}");
        }
        assert!(screen.contains('…') && screen.contains(kept), "{args}:\n{screen}");
    }
}
