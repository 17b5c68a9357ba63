//! Safe text: nothing typed by a user or read from a file reaches the terminal with control
//! characters or escape sequences in it.

/// Replaces control characters (C0, DEL, C1, and bidirectional overrides) with `�`.
///
/// An escape sequence such as `ESC[2J` therefore shows as `�[2J` and does nothing.
pub fn sanitize(s: &str) -> String {
    if !s.chars().any(is_unsafe) {
        return s.to_string();
    }
    s.chars().map(|c| if is_unsafe(c) { '\u{FFFD}' } else { c }).collect()
}

/// Like [`sanitize`] but keeps newlines, for multi-line text such as notes.
pub fn sanitize_multiline(s: &str) -> String {
    s.lines().map(sanitize).collect::<Vec<_>>().join("\n")
}

/// A control character, or a bidirectional override that could reorder what is shown.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_defused() {
        assert_eq!(sanitize("Ann\u{1b}[2J"), "Ann\u{FFFD}[2J");
        assert_eq!(sanitize("Bé\u{7}n"), "Bé\u{FFFD}n");
        assert_eq!(sanitize("Zoë Ng"), "Zoë Ng");
        assert_eq!(sanitize("a\u{9b}31m"), "a\u{FFFD}31m");
        assert_eq!(sanitize_multiline("one\ntwo\u{1b}"), "one\ntwo\u{FFFD}");
    }
}
