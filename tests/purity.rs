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
