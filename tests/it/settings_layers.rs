//! Settings are not the command line: flags, the environment and config.toml are resolved by
//! `config` into settings types of their own, which the screens and the commands take; clap is
//! seen only by the command line's own module (`src/cli.rs`, with its completions and man page
//! under `src/cli/`) and `src/main.rs`.
//!
//! - no other file in `src/` names clap, its helper crates or `crate::cli`, in a path or in a
//!   grouped import (`use crate::{cli, …}`);
//! - a setting read from config.toml reaches a command through those types: `convene share` shows
//!   names as `share-names` in config.toml says, and `--share-names` wins over it.

// The share test waits for a server from outside, so it reads the clock (for timeouts only).
#![allow(clippy::disallowed_methods)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use convene::log::Header;
use convene::log::writer::LogWriter;
use convene::protocol::Library;
use convene::session::Setup;

use crate::support;

/// Where the command line may be named: its module (and its folder) and the binary.
fn may_use_the_command_line(relative: &Path) -> bool {
    relative == Path::new("cli.rs")
        || relative == Path::new("main.rs")
        || relative.starts_with("cli")
}

/// What names the command line: clap and its helper crates, and the `cli` module.
const NAMES: [&str; 6] =
    ["clap::", "clap_complete", "clap_mangen", "crate::cli", "super::cli", "convene::cli"];

/// `text` with the spaces and line breaks around `::`, braces and commas taken out (the others
/// kept as one space), each character with its line: `crate :: { cli }` reads `crate::{cli}`.
fn tidy(text: &str) -> (String, Vec<usize>) {
    let glue = |c: char| matches!(c, ':' | '{' | '}' | ',');
    let mut out = String::new();
    let mut lines = Vec::new();
    let mut space = false;
    for (i, line) in text.lines().enumerate() {
        for c in line.chars().chain(std::iter::once('\n')) {
            if c.is_whitespace() {
                space = true;
                continue;
            }
            if space && !out.is_empty() && !glue(c) && !out.ends_with(glue) {
                out.push(' ');
                lines.push(i + 1);
            }
            space = false;
            out.push(c);
            lines.push(i + 1);
        }
    }
    (out, lines)
}

/// Every place in `text` that names the command line: `(line, what)`. Spaces do not hide a path
/// (`crate :: cli`), nor does a grouped import (`use crate::{config, cli::Dirs};`, over several
/// lines too).
fn uses_of_the_command_line(text: &str) -> Vec<(usize, String)> {
    let (tidy, lines) = tidy(text);
    let mut found = Vec::new();
    for name in NAMES {
        let ident = |c: char| c.is_alphanumeric() || c == '_';
        for (at, _) in tidy.match_indices(name) {
            let before = tidy[..at].chars().next_back().is_none_or(|c| !ident(c));
            let after = name.ends_with(':')
                || tidy[at + name.len()..].chars().next().is_none_or(|c| !ident(c));
            if before && after {
                found.push((lines[at], name.to_string()));
            }
        }
    }
    // Grouped imports: the items of each `crate::{…}`.
    let mut from = 0;
    while let Some(at) = tidy[from..].find("crate::{").map(|a| a + from) {
        let open = at + "crate::".len();
        let mut depth = 0;
        let mut end = tidy.len();
        for (j, c) in tidy[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + j;
                        break;
                    }
                }
                _ => {}
            }
        }
        let group = &tidy[open..end];
        if group.split([',', '{', '}']).any(|item| item == "cli" || item.starts_with("cli::")) {
            found.push((lines[at], format!("a grouped import of cli: {group}}}")));
        }
        from = open;
    }
    found.sort();
    found
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn only_the_command_line_and_main_name_clap_or_the_cli_module() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut checked = 0;
    let mut wrong = Vec::new();
    for path in &files {
        let relative = path.strip_prefix(&src).expect("under src");
        if may_use_the_command_line(relative) {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("readable");
        for (line, what) in uses_of_the_command_line(&text) {
            wrong.push(format!("src/{}:{line}: {what}", relative.display()));
        }
        checked += 1;
    }
    assert!(checked > 50, "expected the crate's modules, checked {checked}");
    assert!(
        wrong.is_empty(),
        "clap's types stay in src/cli.rs (and src/cli/) and src/main.rs; the layers below take \
         settings and requests of their own (docs/architecture.md, \"Settings\"):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_scan_finds_the_command_line_however_it_is_written() {
    let named = |text: &str| -> Vec<usize> {
        uses_of_the_command_line(text).into_iter().map(|(l, _)| l).collect()
    };
    let none: Vec<usize> = Vec::new();
    assert_eq!(named("use crate::config;\nuse crate::cli::Dirs;\n"), vec![2]);
    assert_eq!(named("#[derive(Debug, clap::ValueEnum)]\nenum A {}"), vec![1]);
    assert_eq!(named("use clap::{Args, Parser};"), vec![1]);
    assert_eq!(named("fn f(s: clap_complete::Shell) {}"), vec![1]);
    assert_eq!(named("let d: crate :: cli :: Dirs;"), vec![1]);
    assert_eq!(named("use crate::{cli, config};"), vec![1]);
    assert_eq!(named("use crate::{\n    config::Dirs,\n    cli::{RunArgs},\n};"), vec![1]);
    assert_eq!(named("use crate::{\n    config::Dirs,\n    cli\n};"), vec![1]);
    assert_eq!(named("use crate::{config::{Dirs, Given}, output};"), none);
    assert_eq!(named("//! See `docs/cli.md` (clap's own words).\nuse crate::client;"), none);
    assert_eq!(named("use myclap::Thing;\nlet a = crate::cliche;"), none);
}

/// `convene share ID --share-addr 127.0.0.1 --share-port 0 [more]` on `root` (config.toml in
/// `root/config`): the stream of the first page it shares, once it has the people's names.
fn shared_names(root: &Path, id: &str, more: &[&str], wait_for: &str) -> String {
    let mut args = vec!["share", id, "--share-addr", "127.0.0.1", "--share-port", "0"];
    args.extend_from_slice(more);
    let mut child = support::cli::command(root, &args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("convene runs");
    let out = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if let Some(url) = line.trim().strip_prefix("http://127.0.0.1:") {
                let _ = tx.send(url.to_string());
            }
        }
    });
    let url = rx.recv_timeout(Duration::from_secs(60));
    let Ok(url) = url else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("convene share printed no address");
    };
    let (port, path) = url.split_once('/').expect("a port and a path");
    let addr = SocketAddr::from(([127, 0, 0, 1], port.parse::<u16>().expect("a port")));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(20)).expect("connect");
    write!(
        stream,
        "GET /{path}events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
    )
    .expect("request");
    let bytes = Arc::new(Mutex::new(Vec::new()));
    let (b, mut s) = (Arc::clone(&bytes), stream.try_clone().expect("clone"));
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = s.read(&mut buf) {
            if n == 0 {
                break;
            }
            b.lock().expect("lock").extend_from_slice(&buf[..n]);
        }
    });
    let text = || String::from_utf8_lossy(&bytes.lock().expect("lock")).into_owned();
    let start = Instant::now();
    while !text().contains(wait_for) && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = stream.shutdown(std::net::Shutdown::Both);
    let _ = child.kill();
    let _ = child.wait();
    text()
}

#[test]
fn convene_share_shows_names_as_the_config_file_says_and_the_flag_wins_over_it() {
    let root = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(root.path().join("config")).expect("mkdir");
    std::fs::write(root.path().join("config/config.toml"), "share-names = \"none\"\n")
        .expect("config.toml");
    let id = "20261123-083000-000";
    let setup = Setup::new(
        Library::builtin_only().get("coaching-triad").expect("built-in").clone(),
        ["Ann Zqxlee", "Ben Vwyodd", "Cat Prrym"],
    );
    let start = chrono::DateTime::parse_from_rfc3339("2026-11-23T08:30:00+00:00").expect("date");
    // The session runs here: its writer holds the log's lock while `convene share` follows it.
    let _writer = LogWriter::create(root.path(), id, &Header::new(id.into(), start, setup));

    let from_file = shared_names(root.path(), id, &[], "Person 1");
    assert!(from_file.contains("Person 1"), "share-names = \"none\" is followed:\n{from_file}");
    assert!(!from_file.contains("Ann"), "no name leaves the laptop:\n{from_file}");

    let from_flag = shared_names(root.path(), id, &["--share-names", "full"], "Ann Zqxlee");
    assert!(from_flag.contains("Ann Zqxlee"), "the flag wins over the file:\n{from_flag}");
}
