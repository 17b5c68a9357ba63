//! Semantic checks on a parsed protocol. Every problem is reported, not just the first, and each
//! names the stage or role it is about and, when the source text is at hand, its line.

use std::collections::HashSet;

use super::duration::parse_duration;
use super::model::{
    EVERYONE, FACILITATOR, FORMAT_VERSION, Part, Protocol, RoleCount, Rounds, StageSpec,
};

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
    let mut v = Validator { text, problems: Vec::new() };
    v.check(p);
    v.problems
}

struct Validator<'a> {
    text: Option<&'a str>,
    problems: Vec<Problem>,
}

impl Validator<'_> {
    fn push(&mut self, anchor: Option<&str>, field: &str, place: String, message: String) {
        let line = self.text.and_then(|t| locate(t, anchor, field));
        self.problems.push(Problem { line, place, message });
    }

    fn check(&mut self, p: &Protocol) {
        if p.format != FORMAT_VERSION {
            self.push(
                None,
                "format",
                "format".into(),
                format!(
                    "unsupported format {}: this version of convene reads format {FORMAT_VERSION}",
                    p.format
                ),
            );
        }
        if !is_kebab(&p.id) {
            self.push(
                None,
                "id",
                "id".into(),
                format!(
                    "\"{}\" is not kebab-case: use lower-case letters, digits and single hyphens, like \"project-tuning\"",
                    p.id.escape_default()
                ),
            );
        }
        for (field, value) in [("name", &p.name), ("summary", &p.summary), ("source", &p.source)] {
            if value.trim().is_empty() {
                self.push(None, field, field.into(), format!("{field} is empty"));
            }
        }
        self.check_roles(p);
        self.check_group(p);
        self.check_stages(p);
    }

    fn check_roles(&mut self, p: &Protocol) {
        if p.roles.is_empty() {
            self.push(None, "roles", "roles".into(), "a protocol needs at least one role".into());
        }
        let mut seen = HashSet::new();
        let mut rest = 0;
        for role in &p.roles {
            let place = format!("role \"{}\"", role.id);
            let anchor = Some(role.id.as_str());
            if !seen.insert(role.id.as_str()) {
                self.push(anchor, "id", place.clone(), "duplicate role id".into());
            }
            if role.id == FACILITATOR || role.id == EVERYONE {
                self.push(
                    anchor,
                    "id",
                    place.clone(),
                    format!("\"{}\" is reserved; choose another id", role.id),
                );
            }
            if role.name.trim().is_empty() {
                self.push(anchor, "name", place.clone(), "name is empty".into());
            }
            match role.count {
                RoleCount::Exact(0) => self.push(
                    anchor,
                    "count",
                    place.clone(),
                    "count is 0: a role must be held by at least one person, or be \"rest\"".into(),
                ),
                RoleCount::Rest => rest += 1,
                RoleCount::Exact(_) => {}
            }
        }
        if rest > 1 {
            self.push(None, "rest", "roles".into(), "only one role can have count \"rest\"".into());
        }
    }

    fn check_group(&mut self, p: &Protocol) {
        let g = &p.group;
        if g.min == 0 {
            self.push(None, "min", "group".into(), "min is 0: a session needs people".into());
        }
        if let Some(max) = g.max
            && g.min > max
        {
            self.push(
                None,
                "min",
                "group".into(),
                format!("minimum group size {} is above the maximum {max}", g.min),
            );
        }
        for (field, value) in [("split_into", g.split_into), ("multiple_of", g.multiple_of)] {
            if value == Some(0) {
                self.push(None, field, "group".into(), format!("{field} is 0"));
            }
        }
        if let Rounds::Fixed(0) = p.rotation.rounds {
            self.push(None, "rounds", "rotation".into(), "rounds is 0".into());
        }
        let fixed: u32 = p
            .roles
            .iter()
            .map(|r| match r.count {
                RoleCount::Exact(n) => n,
                RoleCount::Rest => 0,
            })
            .sum();
        // With a split, groups are never smaller than `split_into` unless the whole session is.
        let smallest = g.split_into.map_or(g.min, |s| s.min(g.min)).max(1);
        if fixed > smallest {
            self.push(
                None,
                "roles",
                "roles".into(),
                format!(
                    "the roles need {fixed} people in a group, but the smallest group allowed has {smallest}: raise group.min or lower a role's count"
                ),
            );
        }
    }

    fn check_stages(&mut self, p: &Protocol) {
        if p.opening.is_empty() && p.round.is_empty() && p.closing.is_empty() {
            self.push(
                None,
                "round",
                "stages".into(),
                "the protocol has no stages: add some to opening, round or closing".into(),
            );
        }
        let mut seen = HashSet::new();
        for (part, stage) in p.all_stages() {
            if !seen.insert(stage.id.as_str()) {
                self.push(
                    Some(&stage.id),
                    "id",
                    format!("stage \"{}\"", stage.id),
                    "duplicate stage id".into(),
                );
            }
            self.check_stage(p, part, stage);
        }
    }

    fn check_stage(&mut self, p: &Protocol, part: Part, s: &StageSpec) {
        let place = format!("{} stage \"{}\"", part.label(), s.id);
        let anchor = Some(s.id.as_str());
        if !is_kebab(&s.id) {
            self.push(anchor, "id", place.clone(), "id is not kebab-case".into());
        }
        if s.name.trim().is_empty() {
            self.push(anchor, "name", place.clone(), "name is empty".into());
        }
        let duration = match parse_duration(&s.duration) {
            Ok(0) => {
                self.push(anchor, "duration", place.clone(), "duration is zero".into());
                None
            }
            Ok(secs) => Some(secs),
            Err(e) => {
                self.push(anchor, "duration", place.clone(), format!("duration {e}"));
                None
            }
        };
        for (field, cues) in [("speak", &s.speak), ("silent", &s.silent)] {
            for cue in cues {
                self.check_role_ref(p, anchor, field, &place, &cue.role);
            }
        }
        for cue in &s.speak {
            if s.silent.iter().any(|c| c.role == cue.role) {
                self.push(
                    anchor,
                    "silent",
                    place.clone(),
                    format!("role \"{}\" is told both to speak and to stay silent", cue.role),
                );
            }
        }
        if let Some(w) = &s.warning {
            match parse_duration(&w.before) {
                Ok(before) => {
                    if let Some(d) = duration
                        && before >= d
                    {
                        self.push(
                            anchor,
                            "before",
                            place.clone(),
                            format!(
                                "warning lead time {} is not shorter than the stage ({})",
                                w.before, s.duration
                            ),
                        );
                    }
                    if before == 0 {
                        self.push(
                            anchor,
                            "before",
                            place.clone(),
                            "warning lead time is zero".into(),
                        );
                    }
                }
                Err(e) => {
                    self.push(anchor, "before", place.clone(), format!("warning lead time {e}"));
                }
            }
            if let Some(role) = &w.role {
                self.check_role_ref(p, anchor, "warning", &place, role);
            }
        }
        if let Some(x) = &s.expects
            && let Some(owner) = &x.owner
        {
            self.check_role_ref(p, anchor, "owner", &place, owner);
        }
    }

    fn check_role_ref(
        &mut self,
        p: &Protocol,
        anchor: Option<&str>,
        field: &str,
        place: &str,
        role: &str,
    ) {
        if role == EVERYONE || p.role(role).is_some() {
            return;
        }
        if role == FACILITATOR {
            if p.facilitator.is_none() {
                self.push(
                    anchor,
                    field,
                    place.to_string(),
                    "refers to the facilitator, but the protocol has no \"facilitator\" section"
                        .into(),
                );
            }
            return;
        }
        let known: Vec<&str> =
            p.roles.iter().map(|r| r.id.as_str()).chain([FACILITATOR, EVERYONE]).collect();
        let hint = super::nearest(role, &known)
            .map(|n| format!("; did you mean \"{n}\"?"))
            .unwrap_or_default();
        self.push(
            anchor,
            field,
            place.to_string(),
            format!("refers to unknown role \"{}\"{hint}", role.escape_default()),
        );
    }
}

/// Kebab-case: lower-case ASCII letters and digits in words joined by single hyphens.
pub fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|w| {
            !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// Finds the line of `"field"`, searching from the line holding `"id": "<anchor>"` when given.
fn locate(text: &str, anchor: Option<&str>, field: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let start = match anchor {
        Some(id) => {
            let needle = format!("\"{id}\"");
            lines.iter().position(|l| l.contains("\"id\"") && l.contains(&needle))?
        }
        None => 0,
    };
    let key = format!("\"{field}\"");
    lines
        .iter()
        .enumerate()
        .skip(start)
        .find(|(_, l)| l.contains(&key))
        .map(|(i, _)| i + 1)
        .or(Some(start + 1).filter(|_| anchor.is_some()))
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
}
