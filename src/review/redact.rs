//! Redaction for exports that leave the room (`--redact`).
//!
//! - the facilitator becomes `Facilitator`;
//! - every other person becomes their initials (`Ann Lee` → `AL`, `Ben` → `B`), numbered when two
//!   people share them (`AL`, `AL2`), in the order they appear in the session (participants
//!   first, then anyone else named as an owner, agreer or subject of a note);
//! - the same person gets the same label everywhere in the export, including inside free text
//!   (commitments, public notes, follow-up notes, refusal reasons, the group name), where a whole
//!   full name, or a first name that only one person in the session has, is replaced;
//! - private notes are left out altogether (the caller drops them).
//!
//! A [`Names`] that is not redacting returns everything unchanged, so exports have one code path.

use crate::session::Agreement;
use crate::session::state::SessionState;

/// How names appear in an export.
#[derive(Debug, Clone, Default)]
pub(crate) struct Names {
    redact: bool,
    /// (name as chars, lowercase, label), longest first for text replacement.
    patterns: Vec<(Vec<char>, String)>,
    /// Exact names (lowercase) to labels.
    labels: Vec<(String, String)>,
}

fn initials(name: &str) -> String {
    let s: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .flat_map(char::to_uppercase)
        .collect();
    if s.is_empty() { "?".into() } else { s }
}

fn lower(s: &str) -> String {
    s.trim().to_lowercase()
}

impl Names {
    /// Names shown as they are.
    pub(crate) fn plain() -> Self {
        Self::default()
    }

    /// Labels for everyone named in this session.
    pub(crate) fn redacting(s: &SessionState) -> Self {
        let mut n = Self { redact: true, ..Self::default() };
        if let Some(f) = &s.setup.facilitator {
            n.add(f, Some("Facilitator".into()));
        }
        let mut people: Vec<&String> = s.setup.participants.iter().collect();
        people.extend(s.order.iter());
        people.extend(s.commitments.iter().map(|c| &c.owner));
        people.extend(s.setup.carried.iter().map(|c| &c.owner));
        people.extend(s.notes.iter().filter_map(|x| x.about.as_ref()));
        for e in &s.extensions {
            if let Some(Agreement::People(p)) = &e.agreement {
                people.extend(p.iter());
            }
        }
        for p in people {
            n.add(p, None);
        }
        // Text patterns: full names, and first names that only one person has.
        let mut patterns: Vec<(Vec<char>, String)> = Vec::new();
        let firsts: Vec<(String, String)> = n
            .labels
            .iter()
            .filter_map(|(name, label)| {
                let first = name.split_whitespace().next()?;
                (first != name && first.chars().count() >= 2)
                    .then(|| (first.to_string(), label.clone()))
            })
            .collect();
        for (name, label) in &n.labels {
            patterns.push((name.chars().collect(), label.clone()));
        }
        for (first, label) in &firsts {
            let unique = firsts.iter().filter(|(f, _)| f == first).count() == 1
                && !n.labels.iter().any(|(name, _)| name == first);
            if unique {
                patterns.push((first.chars().collect(), label.clone()));
            }
        }
        patterns.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        n.patterns = patterns;
        n
    }

    fn add(&mut self, name: &str, label: Option<String>) {
        let key = lower(name);
        if key.is_empty() || self.labels.iter().any(|(k, _)| *k == key) {
            return;
        }
        let label = label.unwrap_or_else(|| {
            let base = initials(name);
            let mut candidate = base.clone();
            let mut k = 2;
            while self.labels.iter().any(|(_, l)| *l == candidate) {
                candidate = format!("{base}{k}");
                k += 1;
            }
            candidate
        });
        self.labels.push((key, label));
    }

    /// A person's name or label.
    pub(crate) fn name(&self, name: &str) -> String {
        if !self.redact {
            return name.to_string();
        }
        let key = lower(name);
        self.labels
            .iter()
            .find(|(k, _)| *k == key)
            .map_or_else(|| initials(name), |(_, l)| l.clone())
    }

    /// Free text with every known name replaced by its label.
    pub(crate) fn text(&self, text: &str) -> String {
        if !self.redact {
            return text.to_string();
        }
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        'outer: while i < chars.len() {
            let at_start = i == 0 || !chars[i - 1].is_alphanumeric();
            if at_start {
                for (pat, label) in &self.patterns {
                    if matches_at(&chars, i, pat) {
                        out.push_str(label);
                        i += pat.len();
                        continue 'outer;
                    }
                }
            }
            out.push(chars[i]);
            i += 1;
        }
        out
    }
}

/// Whether `pat` (lowercase) is at `i`, case-insensitively, as a whole word.
fn matches_at(chars: &[char], i: usize, pat: &[char]) -> bool {
    if i + pat.len() > chars.len() {
        return false;
    }
    let same = chars[i..i + pat.len()]
        .iter()
        .zip(pat)
        .all(|(c, p)| c == p || c.to_lowercase().eq(p.to_lowercase()));
    same && chars.get(i + pat.len()).is_none_or(|c| !c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Library;
    use crate::session::Setup;

    fn state(people: &[&str], facilitator: Option<&str>) -> SessionState {
        SessionState::new(Setup {
            facilitator: facilitator.map(str::to_string),
            ..Setup::new(
                Library::builtin_only().get("project-tuning").unwrap().clone(),
                people.iter().copied(),
            )
        })
    }

    #[test]
    fn people_become_initials_and_the_facilitator_a_role() {
        let n = Names::redacting(&state(&["Ann Lee", "Alan Lo", "Ben"], Some("Fiona Grant")));
        assert_eq!(n.name("Ann Lee"), "AL");
        assert_eq!(n.name("alan lo"), "AL2");
        assert_eq!(n.name("Ben"), "B");
        assert_eq!(n.name("Fiona Grant"), "Facilitator");
        assert_eq!(
            n.text("Ann said Ben and Fiona Grant should ask ann lee; Annette stays."),
            "AL said B and Facilitator should ask AL; Annette stays."
        );
        assert_eq!(Names::plain().text("Ann Lee"), "Ann Lee");
    }
}
