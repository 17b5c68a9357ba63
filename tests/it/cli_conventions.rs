//! What people who use tools like ripgrep, bottom or gitui expect of a command line, checked on
//! the real binary: completions for every shell, a man page, `convene info`, a config file whose
//! mistakes are named with their line, help text for everything with examples where it helps,
//! and JSON documents that say which schema they follow.
//!
//! Every run gets its own config folder (`CONVENE_CONFIG_DIR`) and home, so the developer's own
//! `config.toml` never takes part.

use crate::support;

use std::path::Path;
use std::process::{Command, Output};

use support::fixtures::{ALL, S1, data_with};

/// convene with a clean environment ([`support::cli::command`]): data and config folders under
/// `root`, protocols from the default folder, and the variables in `env` set.
fn convene_at(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = support::cli::command(root, args);
    c.env_remove("CONVENE_PROTOCOLS_DIR");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("convene runs")
}

use support::cli::{ok, stderr as err, stdout as out};

/// Whether a program can be run here (a shell, groff).
fn have(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok_and(|o| o.status.success())
}

fn write_config(root: &Path, text: &str) -> std::path::PathBuf {
    let dir = root.join("config");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let file = dir.join("config.toml");
    std::fs::write(&file, text).expect("write config");
    file
}

#[test]
fn completions_are_generated_for_every_shell() {
    let root = tempfile::tempdir().expect("tempdir");
    for (shell, checker) in [
        ("bash", Some(("bash", "-n"))),
        ("zsh", Some(("zsh", "-n"))),
        ("fish", Some(("fish", "--no-execute"))),
        ("powershell", None),
        ("elvish", None),
    ] {
        let script = ok(&convene_at(root.path(), &["completions", shell], &[]));
        for word in ["convene", "protocols", "resume", "data-dir", "theme"] {
            assert!(script.contains(word), "{shell}: no {word}");
        }
        // The shell itself reads it, where it is installed.
        if let Some((program, flag)) = checker.filter(|(p, _)| have(p)) {
            let file = root.path().join(format!("convene.{shell}"));
            std::fs::write(&file, &script).expect("write");
            let o = Command::new(program).arg(flag).arg(&file).output().expect("runs");
            assert!(o.status.success(), "{shell} -n: {}", err(&o));
        }
    }
    let o = convene_at(root.path(), &["completions", "tcsh"], &[]);
    assert_eq!(o.status.code(), Some(2), "an unknown shell is a usage error");
    assert!(err(&o).contains("bash") && err(&o).contains("powershell"), "{}", err(&o));
}

#[test]
fn man_prints_a_valid_page_for_convene_and_each_command() {
    let root = tempfile::tempdir().expect("tempdir");
    let page = ok(&convene_at(root.path(), &["man"], &[]));
    assert!(page.lines().any(|l| l.starts_with(".TH convene 1")), "{page}");
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH SUBCOMMANDS"] {
        assert!(page.contains(section), "no {section}");
    }
    let run = ok(&convene_at(root.path(), &["man", "run"], &[]));
    assert!(run.lines().any(|l| l.starts_with(".TH convene-run 1")), "{run}");
    assert!(run.contains("auto\\-advance"), "the command's own options are on its page");
    if have("groff") {
        for text in [&page, &run] {
            let file = root.path().join("page.1");
            std::fs::write(&file, text).expect("write");
            let o = Command::new("groff")
                .args(["-man", "-Tutf8", "-ww", "-z"])
                .arg(&file)
                .output()
                .expect("groff runs");
            assert!(o.status.success() && o.stderr.is_empty(), "groff: {}", err(&o));
        }
    }
    let o = convene_at(root.path(), &["man", "nope"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("convene-COMMAND for run, resume"), "{}", err(&o));
}

#[test]
fn info_shows_the_folders_in_effect_and_where_each_came_from() {
    let root = tempfile::tempdir().expect("tempdir");
    let file = write_config(root.path(), "theme = \"high-contrast\"\n\nfacilitator = \"Fiona\"\n");
    let flag_data = root.path().join("from-flag");
    let env_protocols = root.path().join("from-env");
    let text = ok(&convene_at(
        root.path(),
        &["info", "--data-dir", &flag_data.display().to_string()],
        &[("CONVENE_PROTOCOLS_DIR", &env_protocols.display().to_string())],
    ));
    let line = |name: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name} line in {text}"))
            .to_string()
    };
    assert!(text.starts_with(&format!("convene {} (", env!("CARGO_PKG_VERSION"))), "{text}");
    let data = line("data");
    assert!(data.contains(&flag_data.display().to_string()) && data.ends_with("flag: --data-dir"));
    assert!(line("sessions").contains(&flag_data.join("sessions").display().to_string()));
    // The index is this machine's, in the cache folder, never in the (maybe shared) data folder.
    let cache = line("cache");
    assert!(!cache.contains(&flag_data.display().to_string()), "{cache}");
    assert!(cache.contains("environment: CONVENE_CACHE_DIR"), "{cache}");
    let protocols = line("protocols");
    assert!(protocols.contains(&env_protocols.display().to_string()), "{protocols}");
    assert!(protocols.ends_with("environment: CONVENE_PROTOCOLS_DIR"), "{protocols}");
    assert!(line("config").ends_with("environment: CONVENE_CONFIG_DIR"), "{text}");
    assert!(line("config file").contains(&file.display().to_string()), "{text}");
    let theme = line("theme");
    assert!(theme.contains("high-contrast"), "{theme}");
    assert!(theme.ends_with(&format!("config file: {}:1", file.display())), "{theme}");
    assert!(line("facilitator").ends_with(":3"), "{text}");
    assert!(line("quiet").ends_with("default"), "{text}");
    assert!(text.contains("\nTerminal\n") && line("colours").contains("NO_COLOR"), "{text}");

    // The environment beats the config file; the flag beats both.
    let o = convene_at(root.path(), &["info", "--json"], &[("CONVENE_THEME", "mono")]);
    let doc: serde_json::Value = serde_json::from_str(&ok(&o)).expect("JSON");
    assert_eq!(doc["settings"]["theme"]["value"], "mono");
    assert_eq!(doc["settings"]["theme"]["source"], "environment");
    assert_eq!(doc["settings"]["theme"]["from"], "CONVENE_THEME");
    assert_eq!(doc["folders"]["data"]["source"], "environment");
    assert_eq!(doc["config_file"]["found"], true);
}

#[test]
fn the_config_file_sets_the_data_folder() {
    let root = tempfile::tempdir().expect("tempdir");
    let fixtures = data_with(&ALL);
    let file = write_config(root.path(), &format!("data-dir = '{}'\n", fixtures.path().display()));
    assert!(file.exists());
    let o = Command::new(env!("CARGO_BIN_EXE_convene"))
        .args(["logs", "list"])
        .env("CONVENE_CONFIG_DIR", root.path().join("config"))
        .env_remove("CONVENE_DATA_DIR")
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    assert!(ok(&o).contains(S1), "the sessions in the config's data-dir are listed");
}

#[test]
fn a_broken_config_file_is_named_with_its_line_and_key_and_stops_every_command() {
    let root = tempfile::tempdir().expect("tempdir");
    let file = write_config(root.path(), "# my settings\ntheme = \"mono\"\nquite = true\n");
    for args in
        [&["protocols"][..], &["logs", "list"], &["info"], &["run", "grow-coaching", "-p", "A,B"]]
    {
        let o = convene_at(root.path(), args, &[]);
        assert_eq!(o.status.code(), Some(2), "{args:?} goes on with a broken config");
        let e = err(&o);
        assert!(
            e.starts_with(&format!("convene: {}:3:1: unknown key \"quite\".", file.display())),
            "{e}"
        );
        assert!(e.contains("Did you mean \"quiet\"?"), "{e}");
        assert!(out(&o).is_empty(), "nothing else is printed: {}", out(&o));
    }
    write_config(root.path(), "theme = \"mono\"\nno-flash = \"yes\"\n");
    let e = err(&convene_at(root.path(), &["protocols"], &[]));
    assert!(
        e.starts_with(&format!(
            "convene: {}:2:12: no-flash: expected true or false",
            file.display()
        )),
        "{e}"
    );
    write_config(root.path(), "theme = \"mono\nquiet = true\n");
    let o = convene_at(root.path(), &["protocols"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains(&format!("{}:1:", file.display())), "{}", err(&o));
    assert!(err(&o).contains("not valid TOML"), "{}", err(&o));
    // Completions and the man page do not need the settings.
    assert_eq!(convene_at(root.path(), &["completions", "bash"], &[]).status.code(), Some(0));
    // An environment variable that can't be used is named too.
    write_config(root.path(), "");
    let o = convene_at(root.path(), &["protocols"], &[("CONVENE_QUIET", "perhaps")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).starts_with("convene: CONVENE_QUIET=perhaps: "), "{}", err(&o));
}

/// Every argument and option of every command, with the command's path.
fn every_arg(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Arg)>) {
    for a in cmd.get_arguments() {
        out.push((path.to_string(), a.clone()));
    }
    for sub in cmd.get_subcommands() {
        every_arg(sub, &format!("{path} {}", sub.get_name()), out);
    }
}

#[test]
fn every_argument_and_command_has_help_text() {
    let mut cmd = convene::cli::command();
    cmd.build();
    let mut args = Vec::new();
    every_arg(&cmd, "convene", &mut args);
    assert!(args.len() > 40, "{} arguments", args.len());
    for (path, a) in &args {
        let help = a.get_help().map(ToString::to_string).unwrap_or_default();
        assert!(!help.trim().is_empty(), "{path} {} has no help text", a.get_id());
    }
    about(&cmd, "convene");
}

/// Every command has its line of help.
fn about(cmd: &clap::Command, path: &str) {
    for sub in cmd.get_subcommands() {
        assert!(sub.get_about().is_some(), "{path} {} has no help text", sub.get_name());
        about(sub, &format!("{path} {}", sub.get_name()));
    }
}

#[test]
fn run_logs_and_protocols_help_ends_with_examples() {
    let root = tempfile::tempdir().expect("tempdir");
    for command in ["run", "logs", "protocols"] {
        let help = ok(&convene_at(root.path(), &[command, "--help"], &[]));
        let (_, examples) = help.rsplit_once("\nExamples:\n").expect("an Examples section");
        let lines: Vec<&str> = examples.lines().filter(|l| !l.trim().is_empty()).collect();
        assert!((2..=3).contains(&lines.len()), "{command}: {lines:?}");
        for l in lines {
            assert!(l.trim_start().starts_with(&format!("convene {command}")), "{l}");
        }
    }
}

#[test]
fn defaults_show_the_real_folders_and_enumerations_list_their_values() {
    let root = tempfile::tempdir().expect("tempdir");
    let o = Command::new(env!("CARGO_BIN_EXE_convene"))
        .arg("--help")
        .env("HOME", root.path())
        .env("XDG_DATA_HOME", root.path().join("share"))
        .env("XDG_CONFIG_HOME", root.path().join("conf"))
        .output()
        .expect("runs");
    let help = ok(&o);
    assert!(!help.contains("<data dir>") && !help.contains("<config dir>"), "{help}");
    if cfg!(target_os = "linux") {
        let data = root.path().join("share").join("convene");
        assert!(help.contains(&format!("[default: {}]", data.display())), "{help}");
        let protocols = root.path().join("conf").join("convene").join("protocols");
        assert!(help.contains(&format!("[default: {}", protocols.display())), "{help}");
    }
    let list = ok(&convene_at(root.path(), &["logs", "list", "--help"], &[]));
    assert!(list.contains("completed") && list.contains("ended-early"), "{list}");
    let o = convene_at(root.path(), &["logs", "list", "--status", "finished"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("possible values: completed, ended-early, unfinished"), "{}", err(&o));
}

#[test]
fn every_json_output_parses_and_names_its_schema() {
    let root = tempfile::tempdir().expect("tempdir");
    let data = data_with(&ALL);
    let d = data.path().display().to_string();
    let cases: [(&[&str], &str); 8] = [
        (&["logs", "list", "--json"], "convene-logs-list/1"),
        (&["logs", "export", S1, "--format", "json"], "convene-session-export/1"),
        (&["report", "--json"], "convene-report/1"),
        (&["actions", "--json"], "convene-actions/1"),
        (&["protocols", "--json"], "convene-protocols/1"),
        (&["protocols", "show", "coaching-triad", "--json"], "convene-protocol/1"),
        (&["resume", "--list", "--json"], "convene-resume-list/1"),
        (&["info", "--json"], "convene-info/1"),
    ];
    for (args, schema) in cases {
        let mut all = args.to_vec();
        all.extend(["--data-dir", &d]);
        let text = ok(&convene_at(root.path(), &all, &[]));
        let doc: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: {e}\n{text}"));
        assert_eq!(doc["schema"], schema, "{args:?}");
        assert!(text.trim_start().starts_with("{\n  \"schema\""), "{args:?}: schema first");
    }
}

#[test]
fn the_new_json_documents_hold_what_their_text_shows() {
    let root = tempfile::tempdir().expect("tempdir");
    let data = data_with(&ALL);
    let d = data.path().display().to_string();
    let json = |args: &[&str]| -> serde_json::Value {
        let mut all = args.to_vec();
        all.extend(["--data-dir", &d]);
        serde_json::from_str(&ok(&convene_at(root.path(), &all, &[]))).expect("JSON")
    };
    let list = json(&["protocols", "--json", "--people", "6"]);
    let triad = list["protocols"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|p| p["id"] == "coaching-triad")
        .expect("coaching triads");
    assert_eq!(triad["origin"], "built-in");
    assert_eq!(triad["people"], 6);
    assert_eq!(triad["people_text"], "3-12 advised in groups of 3");
    assert_eq!(triad["roles"], serde_json::json!(["coachee", "coach", "observer"]));
    assert_eq!(triad["total_ms"], 99 * 60 * 1000, "1:39:00, as the table says");

    let show = json(&["protocols", "show", "action-learning", "--people", "3", "--json"]);
    assert_eq!(show["total_ms"], (2 * 3600 + 40 * 60) * 1000, "2:40:00 for 3 people");
    assert_eq!(show["rounds"], 3);
    assert_eq!(show["protocol"]["id"], "action-learning");

    let resume = json(&["resume", "--list", "--json"]);
    let sessions = resume["sessions"].as_array().expect("a list");
    let ids: Vec<&str> = sessions.iter().filter_map(|s| s["id"].as_str()).collect();
    assert_eq!(ids, ["20261119-100000-000", "20261118-140000-000"], "unfinished, newest first");
    assert_eq!(sessions[1]["protocol"]["id"], "coaching-triad");
    assert_eq!(sessions[1]["running"], false);
    let text = ok(&convene_at(root.path(), &["resume", "--list", "--data-dir", &d], &[]));
    for s in sessions {
        let stage = s["stage"].as_str().expect("a stage");
        assert!(text.contains(&format!("in {stage}")), "{text}");
    }
    let o = convene_at(root.path(), &["resume", "--json", "--data-dir", &d], &[]);
    assert_eq!(o.status.code(), Some(2), "--json only goes with --list");
}
