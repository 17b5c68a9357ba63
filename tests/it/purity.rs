//! The session core is pure: it imports nothing from the terminal, the file system or the clock.

#[test]
fn the_session_core_reads_no_clock_file_or_terminal() {
    let forbidden =
        ["ratatui", "crossterm", "std::fs", "std::io", "Instant", "SystemTime", "::now("];
    let mut checked = 0;
    for entry in std::fs::read_dir("src/session").expect("src/session") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("readable");
        for word in forbidden {
            for (i, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                assert!(
                    !code.contains(word),
                    "{}:{}: the session core must not use {word}: {line}",
                    path.display(),
                    i + 1
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 6, "expected the session modules");
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The layers import only downwards: the domain (protocol, session, log, review) knows nothing of
/// the command line, the screens or the printing commands, and the screens do not reach into the
/// printing commands.
#[test]
fn the_layers_import_only_downwards() {
    let rules: [(&str, &[&str]); 5] = [
        ("src/protocol", &["crate::cli", "crate::tui", "crate::commands"]),
        ("src/session", &["crate::cli", "crate::tui", "crate::commands"]),
        ("src/log", &["crate::cli", "crate::tui", "crate::commands"]),
        ("src/review", &["crate::cli", "crate::tui", "crate::commands"]),
        ("src/tui", &["crate::commands"]),
    ];
    for (dir, forbidden) in rules {
        let mut files = Vec::new();
        rust_files(std::path::Path::new(dir), &mut files);
        assert!(!files.is_empty(), "{dir} has sources");
        for path in files {
            let text = std::fs::read_to_string(&path).expect("readable");
            for (i, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                for word in forbidden {
                    assert!(
                        !code.contains(word),
                        "{}:{}: {dir} must not import {word}: {line}",
                        path.display(),
                        i + 1
                    );
                }
            }
        }
    }
}
