//! Safe text: nothing typed by a user or read from a file reaches the terminal with control
//! characters or escape sequences in it.

use std::io::{self, Write};

use unicode_segmentation::UnicodeSegmentation;

/// `1048576` as `1,048,576`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// Replaces control characters (C0, DEL, C1, and bidirectional overrides) with `�`.
///
/// An escape sequence such as `ESC[2J` therefore shows as `�[2J` and does nothing.
pub(crate) fn sanitize(s: &str) -> String {
    if !s.chars().any(is_unsafe) {
        return s.to_string();
    }
    s.chars().map(|c| if is_unsafe(c) { '\u{FFFD}' } else { c }).collect()
}

/// Like [`sanitize`] but keeps newlines, for multi-line text such as notes.
pub(crate) fn sanitize_multiline(s: &str) -> String {
    s.lines().map(sanitize).collect::<Vec<_>>().join("\n")
}

/// Like [`sanitize`] but keeps line breaks and tabs: for whole blocks of printed output.
pub(crate) fn sanitize_output(s: &str) -> String {
    let keep = |c: char| c == '\n' || c == '\t';
    if !s.chars().any(|c| is_unsafe(c) && !keep(c)) {
        return s.to_string();
    }
    s.chars().map(|c| if is_unsafe(c) && !keep(c) { '\u{FFFD}' } else { c }).collect()
}

/// A count with its noun: `1 note`, `2 notes` (`plural(n, "match", "matches")`). The one plural
/// helper for every view.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// How many columns a terminal gives `s` (CJK and most emoji take two, combining marks none).
pub fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// `s` cut to at most `max` columns, ending with `…` when cut; never splits a character (an
/// emoji sequence, a letter and its accent) or a double-width one in half.
pub(crate) fn cut(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        let w = width(g);
        if used + w > max - 1 {
            break;
        }
        out.push_str(g);
        used += w;
    }
    out.push('…');
    out
}

/// `s` cut to `w` columns ([`cut`]) and padded with spaces to exactly `w` columns.
pub(crate) fn pad(s: &str, w: usize) -> String {
    let mut out = cut(s, w);
    let filled = width(&out);
    out.extend(std::iter::repeat_n(' ', w.saturating_sub(filled)));
    out
}

/// `s` cut from the front to at most `max` columns, starting with `…` when cut: the end of a
/// line being typed.
pub(crate) fn cut_front(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut kept: Vec<&str> = Vec::new();
    let mut used = 0;
    for g in s.graphemes(true).rev() {
        let w = width(g);
        if used + w > max - 1 {
            break;
        }
        kept.push(g);
        used += w;
    }
    kept.reverse();
    format!("…{}", kept.concat())
}

/// Removes the last character as a reader sees it (a whole grapheme: `👩‍🏫`, `é` typed as `e`
/// and an accent), as Backspace does in every text field.
pub(crate) fn pop_grapheme(s: &mut String) {
    if let Some((i, _)) = s.grapheme_indices(true).next_back() {
        s.truncate(i);
    }
}

/// How many characters a reader sees in `s` (graphemes): one dot each when a field is masked.
pub(crate) fn graphemes(s: &str) -> usize {
    s.graphemes(true).count()
}

/// A character that shows nothing and is not a control character: zero-width spaces and
/// joiners, the word joiner, the byte-order mark, the soft hyphen, the left-to-right and
/// right-to-left marks, fillers and invisible operators. (Bidirectional overrides and isolates
/// are [`is_unsafe`]: refused, not dropped.)
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2060}'..='\u{2064}'
            | '\u{206A}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{FFA0}'
    )
}

/// A name as convene keeps it: Unicode NFC (an accent typed as its own character joins its
/// letter: "Zoe\u{308}" is "Zoë") with invisible characters removed ([`is_invisible`]), except
/// the zero-width joiner and non-joiner, which shape some scripts and emoji. Trimmed.
pub(crate) fn clean_name(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    let keep = |c: &char| !is_invisible(*c) || matches!(c, '\u{200C}' | '\u{200D}');
    let cleaned: String = name.nfc().filter(keep).collect();
    cleaned.trim().to_string()
}

/// What two names are compared by: [`clean_name`] without any invisible character, in lower
/// case. Names with the same key look the same on the screen and are the same person.
pub(crate) fn name_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    let visible: String = name.nfc().filter(|c| !is_invisible(*c)).collect();
    visible.trim().to_lowercase()
}

/// A control character, or a bidirectional override that could reorder what is shown.
pub(crate) fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Pretty JSON in which every character a terminal could act on (C0 and C1 controls, DEL,
/// bidirectional overrides) is written as a `\uXXXX` escape: still valid JSON holding the same
/// data, but safe to print.
///
/// # Errors
/// A value that does not serialise.
pub(crate) fn to_json_pretty<T: serde::Serialize + ?Sized>(
    value: &T,
) -> serde_json::Result<String> {
    let mut buf = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, SafeFormatter::default());
    serde::Serialize::serialize(value, &mut ser)?;
    // Only whole UTF-8 strings and ASCII are written, so this cannot fail; map it anyway.
    String::from_utf8(buf).map_err(serde::ser::Error::custom)
}

/// `serde_json`'s pretty formatter, escaping unsafe characters inside strings.
#[derive(Default)]
struct SafeFormatter(serde_json::ser::PrettyFormatter<'static>);

impl serde_json::ser::Formatter for SafeFormatter {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, w: &mut W, s: &str) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in s.char_indices() {
            if is_unsafe(c) {
                w.write_all(&s.as_bytes()[start..i])?;
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    write!(w, "\\u{u:04x}")?;
                }
                start = i + c.len_utf8();
            }
        }
        w.write_all(&s.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
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
        assert_eq!(sanitize("\u{202e}Ann\u{2066}"), "\u{FFFD}Ann\u{FFFD}");
        assert_eq!(
            sanitize_output("a\tb\n\u{1b}]0;x\u{7}\r\n\u{85}"),
            "a\tb\n\u{FFFD}]0;x\u{FFFD}\u{FFFD}\n\u{FFFD}"
        );
    }

    #[test]
    fn json_escapes_what_a_terminal_would_act_on_and_keeps_the_data() {
        let names =
            ["Ann\u{1b}]0;pwned\u{7}", "a\u{9b}31m", "\u{202e}Ben", "李小龙 🧮", "tab\there"];
        let text = to_json_pretty(&serde_json::json!({ "names": names })).expect("json");
        assert!(!text.chars().any(|c| is_unsafe(c) && c != '\n'), "{text:?}");
        assert!(text.contains("\\u009b") && text.contains("\\u202e") && text.contains("李小龙 🧮"));
        let back: serde_json::Value = serde_json::from_str(&text).expect("still valid JSON");
        assert_eq!(back["names"], serde_json::json!(names), "same data");
        assert!(text.starts_with("{\n  \"names\": [\n    \""), "pretty:\n{text}");
    }

    #[test]
    fn text_is_measured_cut_and_padded_as_the_terminal_shows_it() {
        assert_eq!(width("李小龙"), 6);
        assert_eq!(width("Zoë"), 3);
        assert_eq!(cut("李小龙", 6), "李小龙");
        assert_eq!(cut("李小龙", 5), "李小…");
        assert_eq!(cut("李小龙", 4), "李…");
        assert_eq!(cut("Annabel", 4), "Ann…");
        assert_eq!(pad("李", 4), "李  ");
        assert_eq!(width(&pad("李小龙 Bruce", 7)), 7);
        assert_eq!(cut_front("C:/Users/ann/log.jsonl", 8), "…g.jsonl");
        assert_eq!(cut("", 3), "");
        assert_eq!(cut("abc", 0), "");
    }

    #[test]
    fn backspace_removes_a_whole_grapheme() {
        let mut s = "Hi 👩‍🏫".to_string();
        pop_grapheme(&mut s);
        assert_eq!(s, "Hi ");
        let mut s = "Zoe\u{301}".to_string();
        pop_grapheme(&mut s);
        assert_eq!(s, "Zo");
        let mut s = String::new();
        pop_grapheme(&mut s);
        assert_eq!(s, "");
        assert_eq!(graphemes("👩‍🏫é"), 2);
    }

    #[test]
    fn names_that_look_the_same_have_one_key_and_are_kept_composed() {
        assert_eq!(clean_name("Zoe\u{308}"), "Zo\u{eb}");
        assert_eq!(name_key("Zoe\u{308}"), name_key("Zo\u{eb}"));
        assert_eq!(clean_name("An\u{200B}n"), "Ann");
        assert_eq!(name_key(" An\u{AD}N\u{FEFF} "), "ann");
        assert_eq!(name_key("\u{200E}Ann"), "ann");
        // The joiners shape Persian and emoji: kept in the name, ignored when comparing.
        assert_eq!(clean_name("\u{645}\u{6CC}\u{200C}\u{62E}"), "\u{645}\u{6CC}\u{200C}\u{62E}");
        assert_eq!(name_key("Ann\u{200D}"), "ann");
        assert_ne!(name_key("Zoë"), name_key("Zoe"));
    }
}
