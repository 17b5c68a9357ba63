//! Semantic checks on a parsed protocol. Every problem is reported, not just the first, and each
//! names the stage or role it is about and, when the source text is at hand, its line.
//!
//! Lines are found by path (`round/2/warning/before`) in a map built by a small scanner over the
//! JSON text, so a duplicated id points at the duplicate, and a stage that shares its id with a
//! role points at the stage.

use std::collections::{HashMap, HashSet};

use super::duration::parse_duration;
use super::model::{
    EVERYONE, FACILITATOR, FORMAT_VERSION, Part, Protocol, RoleCount, Rounds, StageSpec,
};
use crate::text::sanitize;

/// One semantic problem in a protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line in the file, when it could be found.
    pub line: Option<usize>,
    /// What the problem is about: `stage "discussion"`, `role "coach"`, `group`.
    pub place: String,
    pub message: String,
}

/// Checks a protocol. `text` is the file it came from, used only to find line numbers.
pub fn validate(p: &Protocol, text: Option<&str>) -> Vec<Problem> {
    let lines = text.map(json_lines).unwrap_or_default();
    let mut v = Validator { lines, problems: Vec::new() };
    v.check(p);
    v.problems
}

/// The problem for a file whose `"format"` is not [`FORMAT_VERSION`]; `text` locates the line.
pub fn format_problem(found: u64, text: Option<&str>) -> Problem {
    let message = if found > u64::from(FORMAT_VERSION) {
        format!(
            "format {found} is newer than this version of convene understands (it reads format {FORMAT_VERSION}): update convene to use this file"
        )
    } else {
        format!("unsupported format {found}: this version of convene reads format {FORMAT_VERSION}")
    };
    let line = text.and_then(|t| json_lines(t).get("format").copied());
    Problem { line, place: "format".into(), message }
}

struct Validator {
    /// Line of every key and array element, by path.
    lines: HashMap<String, usize>,
    problems: Vec<Problem>,
}

impl Validator {
    /// Records a problem at `path` (e.g. `round/2/duration`), or at the nearest enclosing path
    /// the file has. Place and message are sanitised: ids come from the file.
    fn push(&mut self, path: &str, place: &str, message: &str) {
        let mut at = path;
        let line = loop {
            if let Some(line) = self.lines.get(at) {
                break Some(*line);
            }
            match at.rfind('/') {
                Some(i) => at = &at[..i],
                None => break None,
            }
        };
        self.problems.push(Problem { line, place: sanitize(place), message: sanitize(message) });
    }

    fn check(&mut self, p: &Protocol) {
        if p.format != FORMAT_VERSION {
            let Problem { place, message, .. } = format_problem(u64::from(p.format), None);
            self.push("format", &place, &message);
        }
        if !is_kebab(&p.id) {
            self.push(
                "id",
                "id",
                &format!(
                    "\"{}\" is not kebab-case: use lower-case letters, digits and single hyphens, like \"project-tuning\"",
                    p.id
                ),
            );
        }
        for (field, value) in [("name", &p.name), ("summary", &p.summary), ("source", &p.source)] {
            if value.trim().is_empty() {
                self.push(field, field, &format!("{field} is empty"));
            }
        }
        self.check_roles(p);
        self.check_group(p);
        self.check_stages(p);
    }

    fn check_roles(&mut self, p: &Protocol) {
        if p.roles.is_empty() {
            self.push("roles", "roles", "a protocol needs at least one role");
        }
        let mut seen = HashSet::new();
        let mut rest = 0;
        for (i, role) in p.roles.iter().enumerate() {
            let place = format!("role \"{}\"", role.id);
            let at = |field: &str| format!("roles/{i}/{field}");
            if !seen.insert(role.id.as_str()) {
                self.push(&at("id"), &place, "duplicate role id");
            }
            if role.id == FACILITATOR || role.id == EVERYONE {
                self.push(
                    &at("id"),
                    &place,
                    &format!("\"{}\" is reserved; choose another id", role.id),
                );
            }
            if role.name.trim().is_empty() {
                self.push(&at("name"), &place, "name is empty");
            }
            match role.count {
                RoleCount::Exact(0) => self.push(
                    &at("count"),
                    &place,
                    "count is 0: a role must be held by at least one person, or be \"rest\"",
                ),
                RoleCount::Rest => {
                    rest += 1;
                    if rest == 2 {
                        self.push(&at("count"), "roles", "only one role can have count \"rest\"");
                    }
                }
                RoleCount::Exact(_) => {}
            }
        }
    }

    fn check_group(&mut self, p: &Protocol) {
        let g = &p.group;
        if g.min == 0 {
            self.push("group/min", "group", "min is 0: a session needs people");
        }
        if let Some(max) = g.max
            && g.min > max
        {
            self.push(
                "group/min",
                "group",
                &format!("minimum group size {} is above the maximum {max}", g.min),
            );
        }
        for (field, value) in [("split_into", g.split_into), ("multiple_of", g.multiple_of)] {
            if value == Some(0) {
                self.push(&format!("group/{field}"), "group", &format!("{field} is 0"));
            }
        }
        if let Rounds::Fixed(0) = p.rotation.rounds {
            self.push("rotation/rounds", "rotation", "rounds is 0");
        }
        let fixed = p.fixed_role_count();
        // With a split, groups are never smaller than `split_into` unless the whole session is.
        let smallest = g.split_into.map_or(g.min, |s| s.min(g.min)).max(1);
        if fixed > smallest {
            self.push(
                "roles",
                "roles",
                &format!(
                    "the roles need {fixed} people in a group, but the smallest group allowed has {smallest}: raise group.min or lower a role's count"
                ),
            );
        }
    }

    fn check_stages(&mut self, p: &Protocol) {
        if p.opening.is_empty() && p.round.is_empty() && p.closing.is_empty() {
            self.push(
                "round",
                "stages",
                "the protocol has no stages: add some to opening, round or closing",
            );
        }
        let mut seen = HashSet::new();
        for (part, stages) in
            [(Part::Opening, &p.opening), (Part::Round, &p.round), (Part::Closing, &p.closing)]
        {
            for (i, stage) in stages.iter().enumerate() {
                let at = format!("{}/{i}", part.label());
                if !seen.insert(stage.id.as_str()) {
                    self.push(
                        &format!("{at}/id"),
                        &format!("{} stage \"{}\"", part.label(), stage.id),
                        "duplicate stage id",
                    );
                }
                self.check_stage(p, part, &at, stage);
            }
        }
    }

    /// Checks one stage; `at` is its path, such as `round/2`.
    fn check_stage(&mut self, p: &Protocol, part: Part, at: &str, s: &StageSpec) {
        let place = format!("{} stage \"{}\"", part.label(), s.id);
        let place = place.as_str();
        if !is_kebab(&s.id) {
            self.push(&format!("{at}/id"), place, "id is not kebab-case");
        }
        if s.name.trim().is_empty() {
            self.push(&format!("{at}/name"), place, "name is empty");
        }
        let duration = match parse_duration(&s.duration) {
            Ok(0) => {
                self.push(&format!("{at}/duration"), place, "duration is zero");
                None
            }
            Ok(secs) => Some(secs),
            Err(e) => {
                self.push(&format!("{at}/duration"), place, &format!("duration {e}"));
                None
            }
        };
        for (field, cues) in [("speak", &s.speak), ("silent", &s.silent)] {
            for (i, cue) in cues.iter().enumerate() {
                self.check_role_ref(p, &format!("{at}/{field}/{i}/role"), place, &cue.role);
            }
        }
        for (i, cue) in s.silent.iter().enumerate() {
            if s.speak.iter().any(|c| c.role == cue.role) {
                self.push(
                    &format!("{at}/silent/{i}/role"),
                    place,
                    &format!("role \"{}\" is told both to speak and to stay silent", cue.role),
                );
            }
        }
        if let Some(w) = &s.warning {
            let before_at = format!("{at}/warning/before");
            match parse_duration(&w.before) {
                Ok(0) => self.push(&before_at, place, "warning lead time is zero"),
                Ok(before) => {
                    if let Some(d) = duration
                        && before >= d
                    {
                        self.push(
                            &before_at,
                            place,
                            &format!(
                                "warning lead time {} is not shorter than the stage ({})",
                                w.before, s.duration
                            ),
                        );
                    }
                }
                Err(e) => self.push(&before_at, place, &format!("warning lead time {e}")),
            }
            if let Some(role) = &w.role {
                self.check_role_ref(p, &format!("{at}/warning/role"), place, role);
            }
        }
        if let Some(x) = &s.expects
            && let Some(owner) = &x.owner
        {
            self.check_role_ref(p, &format!("{at}/expects/owner"), place, owner);
        }
    }

    fn check_role_ref(&mut self, p: &Protocol, path: &str, place: &str, role: &str) {
        if role == EVERYONE || p.role(role).is_some() {
            return;
        }
        if role == FACILITATOR {
            if p.facilitator.is_none() {
                self.push(
                    path,
                    place,
                    "refers to the facilitator, but the protocol has no \"facilitator\" section",
                );
            }
            return;
        }
        let known: Vec<&str> =
            p.roles.iter().map(|r| r.id.as_str()).chain([FACILITATOR, EVERYONE]).collect();
        let hint = super::nearest(role, &known)
            .map(|n| format!("; did you mean \"{n}\"?"))
            .unwrap_or_default();
        self.push(path, place, &format!("refers to unknown role \"{role}\"{hint}"));
    }
}

/// Kebab-case: lower-case ASCII letters and digits in words joined by single hyphens.
pub fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|w| {
            !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// One open object or array while scanning JSON.
enum Frame {
    /// The key of the member being read, and whether the next string is a key.
    Object {
        key: String,
        expect_key: bool,
    },
    Array {
        index: usize,
    },
}

/// The 1-based line of every object key and array element in a JSON text, by path: the top-level
/// `"id"` is `id`, the duration of the third round stage is `round/2/duration`. The text is
/// assumed to be valid JSON (it has already been parsed); on anything else the map is partial.
pub fn json_lines(text: &str) -> HashMap<String, usize> {
    fn path(stack: &[Frame]) -> String {
        let parts: Vec<String> = stack
            .iter()
            .map(|f| match f {
                Frame::Object { key, .. } => key.clone(),
                Frame::Array { index } => index.to_string(),
            })
            .collect();
        parts.join("/")
    }
    // A value starts here: record array elements (object members are recorded at their key).
    fn value(stack: &[Frame], map: &mut HashMap<String, usize>, line: usize) {
        if let Some(Frame::Array { .. }) = stack.last() {
            map.entry(path(stack)).or_insert(line);
        }
    }
    let mut map = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => line += 1,
            '"' => {
                let start = line;
                let mut s = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => {
                            if let Some(escaped) = chars.next() {
                                s.push('\\');
                                s.push(escaped);
                            }
                        }
                        '\n' => {
                            line += 1;
                            s.push(c);
                        }
                        _ => s.push(c),
                    }
                }
                if let Some(Frame::Object { key, expect_key }) = stack.last_mut()
                    && *expect_key
                {
                    *key = s;
                    *expect_key = false;
                    map.entry(path(&stack)).or_insert(start);
                } else {
                    value(&stack, &mut map, start);
                }
            }
            '{' | '[' => {
                value(&stack, &mut map, line);
                stack.push(if c == '{' {
                    Frame::Object { key: String::new(), expect_key: true }
                } else {
                    Frame::Array { index: 0 }
                });
            }
            '}' | ']' => {
                stack.pop();
            }
            ',' => match stack.last_mut() {
                Some(Frame::Object { expect_key, .. }) => *expect_key = true,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            c if c.is_whitespace() || c == ':' => {}
            _ => {
                // A number or a literal: record it, then skip to its end.
                value(&stack, &mut map, line);
                while chars.peek().is_some_and(|c| c.is_ascii_alphanumeric() || "+-.".contains(*c))
                {
                    chars.next();
                }
            }
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_case() {
        assert!(is_kebab("project-tuning"));
        assert!(is_kebab("grow2"));
        assert!(!is_kebab("Project"));
        assert!(!is_kebab("a--b"));
        assert!(!is_kebab("-a"));
        assert!(!is_kebab(""));
        assert!(!is_kebab("a_b"));
    }

    #[test]
    fn json_lines_finds_keys_and_elements() {
        let text = "{\n  \"id\": \"x\",\n  \"round\": [\n    { \"id\": \"a\" },\n    {\n      \"id\": \"a\",\n      \"speak\": [1, \"two\\\"\"]\n    }\n  ]\n}";
        let map = json_lines(text);
        assert_eq!(map.get("id"), Some(&2));
        assert_eq!(map.get("round"), Some(&3));
        assert_eq!(map.get("round/0/id"), Some(&4));
        assert_eq!(map.get("round/1"), Some(&5));
        assert_eq!(map.get("round/1/id"), Some(&6));
        assert_eq!(map.get("round/1/speak/1"), Some(&7));
        assert_eq!(map.get("round/2"), None);
    }
}
