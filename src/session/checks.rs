//! The checks of a setup: what refuses a session (too few or too many people, names that clash,
//! a team short of members, a changed duration of a stage that does not exist) and what the start
//! card advises (uneven groups, someone who never holds a role, facts missing or unused, a session
//! beyond its course).

use std::collections::HashMap;

use super::plan::group_sizes;
use super::rotation::{groups_with, marked, roster_with, team_count, teams};
use super::setup::{Facts, ROLE_FACT, SCHOOL, Setup, course_length, course_session, fact};
use crate::protocol::validate::parse_course_sessions;
use crate::protocol::{Protocol, RoleCount};

/// A setup problem that refuses the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupError(pub Vec<String>);

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join("\n"))
    }
}

impl std::error::Error for SetupError {}

/// The most people a session takes: 2,000. Every key of the live screen stays within 50 ms up
/// to there (docs/benchmarks.md), and a roster of that many is already a whole conference; more
/// is refused with the count, before anything else is checked.
pub const MAX_PARTICIPANTS: usize = 2_000;

/// Why `n` people are refused: over [`MAX_PARTICIPANTS`] (`2,001 people: convene runs...`).
pub fn too_many_people(n: usize) -> String {
    format!(
        "{} people: convene runs a session of at most {} people; split them into several \
         sessions (one roster each)",
        crate::text::thousands(u64::try_from(n).unwrap_or(u64::MAX)),
        crate::text::thousands(u64::try_from(MAX_PARTICIPANTS).unwrap_or(u64::MAX))
    )
}

/// Checks a setup: refusals as an error, advice as warnings.
pub fn check_setup(s: &Setup) -> Result<Vec<String>, SetupError> {
    let p = &s.protocol;
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let n = s.participants.len();
    if n > MAX_PARTICIPANTS {
        return Err(SetupError(vec![too_many_people(n)]));
    }
    errors.extend(name_errors(s));
    errors.extend(size_errors(p, n));
    errors.extend(override_errors(s));
    errors.extend(fact_errors(s));
    errors.extend(team_errors(s));
    if !errors.is_empty() {
        return Err(SetupError(errors));
    }
    if let Some(m) = p.group.multiple_of
        && m > 0
        && !n.is_multiple_of(m as usize)
    {
        warnings.push(format!("{n} people is not a multiple of {m}."));
    }
    if let Some(r) = p.group.recommended_max
        && n > r as usize
    {
        warnings.push(format!("{n} people is more than the {r} this protocol recommends."));
    }
    warnings.extend(fact_warnings(s));
    for (id, secs) in &s.overrides {
        if let Some(w) = p.stage(id).and_then(|st| st.warning.as_ref())
            && w.before.secs() >= *secs
        {
            warnings.push(format!(
                "--stage {id}: {} is not longer than its warning ({} before the end), so that stage has no warning.",
                crate::protocol::format_duration_short(*secs),
                w.before
            ));
        }
    }
    warnings.extend(roster_warnings(p, &s.participants, &s.facts));
    warnings.extend(team_warnings(s));
    warnings.extend(course_warnings(s));
    Ok(warnings)
}

/// The refusals a log's header must not have, by the header field they are about: a number of
/// participants the protocol's groups and roles take, and changed durations of stages it has,
/// of at most a day. What people typed (names, facts) is not refused here: a log keeps it as
/// written, and every screen and report shows it sanitised; the team check is left to the start,
/// as on the start card.
pub fn header_errors(s: &Setup) -> Vec<(&'static str, String)> {
    let n = s.participants.len();
    size_errors(&s.protocol, n)
        .into_iter()
        .map(|e| ("participants", e))
        .chain(override_errors(s).into_iter().map(|e| ("overrides", e)))
        .collect()
}

/// How a fact is named in a sentence: its label in lower case ("problem category"), or its key.
fn fact_label(p: &Protocol, key: &str) -> String {
    p.facts
        .iter()
        .find(|f| f.key == key)
        .map_or_else(|| key.to_string(), |f| f.label.to_lowercase())
}

/// `Ann`, `Ann and Ben`, `Ann, Ben and Cat`.
fn and_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Facts that cannot be used: with control characters, or outside the protocol's choices.
fn fact_errors(s: &Setup) -> Vec<String> {
    let mut errors = Vec::new();
    for name in &s.participants {
        let Some(facts) = s.facts.get(name) else { continue };
        for (key, value) in facts {
            if key.chars().chain(value.chars()).any(crate::text::is_unsafe) {
                errors.push(format!(
                    "{}: {} \"{}\" contains a control character or escape sequence: type it as plain text",
                    name.escape_default(),
                    key.escape_default(),
                    value.escape_default()
                ));
                continue;
            }
            let Some(spec) = s.protocol.facts.iter().find(|f| f.key == *key) else { continue };
            if !spec.choices.is_empty()
                && !spec.choices.iter().any(|c| c.trim().eq_ignore_ascii_case(value.trim()))
            {
                errors.push(format!(
                    "{name}: {} \"{value}\" is not one of the choices: {}",
                    spec.label.to_lowercase(),
                    spec.choices.join(", ")
                ));
            }
        }
    }
    errors
}

/// Required facts not given, and people sharing a value that should be one per session
/// (`group.one_per`).
fn fact_warnings(s: &Setup) -> Vec<String> {
    let p = &s.protocol;
    let mut out = unused_fact_warnings(s);
    for spec in p.facts.iter().filter(|f| f.required) {
        let missing: Vec<&str> = s
            .participants
            .iter()
            .filter(|n| fact(&s.facts, n, &spec.key).is_none())
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            out.push(format!(
                "No {} given for {}: the protocol asks for everyone's.",
                spec.label.to_lowercase(),
                and_list(&missing)
            ));
        }
    }
    if let Some(key) = &p.group.one_per {
        let label = fact_label(p, key);
        // In the order values first appear; found by value, not by a search of the list.
        let mut seen: Vec<(String, &str, Vec<&str>)> = Vec::new();
        let mut place: HashMap<String, usize> = HashMap::new();
        let mut none = Vec::new();
        for name in &s.participants {
            match fact(&s.facts, name, key) {
                Some(v) => {
                    let i = *place.entry(v.to_lowercase()).or_insert_with(|| {
                        seen.push((v.to_lowercase(), v, Vec::new()));
                        seen.len() - 1
                    });
                    seen[i].2.push(name.as_str());
                }
                None => none.push(name.as_str()),
            }
        }
        for (_, value, names) in seen.iter().filter(|(_, _, n)| n.len() > 1) {
            let shared = if names.len() == 2 { "both" } else { "all" };
            let what =
                if key == SCHOOL { format!("from {value}") } else { format!("{label} {value}") };
            out.push(format!(
                "{} are {shared} {what}: one member per {label} is expected.",
                and_list(names)
            ));
        }
        let required = p.facts.iter().any(|f| f.key == *key && f.required);
        if !none.is_empty() && !required {
            out.push(format!(
                "No {label} given for {}: one member per {label} is expected.",
                and_list(&none)
            ));
        }
    }
    out
}

/// Facts given that the protocol does not use (a typo such as `schol`, or facts for a protocol
/// that names none): kept in the log, but they change nothing.
fn unused_fact_warnings(s: &Setup) -> Vec<String> {
    let p = &s.protocol;
    let mut used: Vec<&str> = p.facts.iter().map(|f| f.key.as_str()).collect();
    // A declared fact `role` and a team role's fact are one fact, named once.
    if p.roles.iter().any(|r| r.team) && !used.contains(&ROLE_FACT) {
        used.push(ROLE_FACT);
    }
    let mut unused: Vec<&str> = Vec::new();
    for name in &s.participants {
        for key in s.facts.get(name).into_iter().flat_map(|f| f.keys()) {
            if !used.contains(&key.as_str()) && !unused.contains(&key.as_str()) {
                unused.push(key);
            }
        }
    }
    if unused.is_empty() {
        return Vec::new();
    }
    let in_use = if used.is_empty() {
        "it uses none".to_string()
    } else {
        format!("it uses {}", used.join(", "))
    };
    vec![format!(
        "{} uses no fact {}: kept in the log, but it changes nothing ({in_use}).",
        p.name,
        unused.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", ")
    )]
}

/// A team role with fewer people marked than its count.
/// Team roles with some people marked, but fewer than the role needs. Refused at the command
/// line and at the start; on the start card, while the facilitator marks people one by one, they
/// are shown, not refused.
pub fn team_errors(s: &Setup) -> Vec<String> {
    let mut errors = Vec::new();
    for role in s.protocol.roles.iter().filter(|r| r.team) {
        let names: Vec<&str> = s
            .participants
            .iter()
            .filter(|n| marked(role, &s.facts, n))
            .map(String::as_str)
            .collect();
        let need = team_count(role);
        if !names.is_empty() && names.len() < need {
            errors.push(format!(
                "{} needs at least {need} people, but only {} {} marked role: {}",
                role.name,
                and_list(&names),
                if names.len() == 1 { "is" } else { "are" },
                role.id
            ));
        }
    }
    errors
}

/// A team role nobody is marked for: who holds it instead.
fn team_warnings(s: &Setup) -> Vec<String> {
    let p = &s.protocol;
    let mut out = Vec::new();
    for role in p.roles.iter().filter(|r| r.team) {
        if s.participants.iter().any(|n| marked(role, &s.facts, n)) {
            continue;
        }
        let gs = groups_with(p, &s.participants, &s.facts);
        let holders: Vec<String> = gs
            .iter()
            .flat_map(|g| teams(p, g, &s.facts))
            .filter(|(id, _)| *id == role.id)
            .flat_map(|(_, names)| names)
            .collect();
        let names: Vec<&str> = holders.iter().map(String::as_str).collect();
        out.push(format!(
            "Nobody is marked role: {}, so {} {} {} (the first {}); mark the team with \"Name (role: {})\".",
            role.id,
            and_list(&names),
            if names.len() == 1 { "holds" } else { "hold" },
            role.name,
            plural(team_count(role)),
            role.id
        ));
    }
    out
}

/// `3 people`, `1 person`.
fn plural(n: usize) -> String {
    crate::text::plural(n, "person", "people")
}

/// Names that cannot be used: empty, with control characters, or given twice.
fn name_errors(s: &Setup) -> Vec<String> {
    let mut errors = Vec::new();
    for (i, name) in s.participants.iter().enumerate() {
        if name.trim().is_empty() {
            errors.push(format!("participant {} has an empty name", i + 1));
        } else if name.chars().any(crate::text::is_unsafe) {
            errors.push(format!(
                "participant {} (\"{}\") contains a control character or escape sequence: type the name as plain text",
                i + 1,
                name.escape_default()
            ));
        }
    }
    for (what, value) in
        [("the facilitator's name", &s.facilitator), ("the group name", &s.group_name)]
    {
        if let Some(v) = value
            && v.chars().any(crate::text::is_unsafe)
        {
            errors.push(format!(
                "{what} (\"{}\") contains a control character or escape sequence: type it as plain text",
                v.escape_default()
            ));
        }
    }
    errors.extend(name_clashes(&s.participants));
    errors
}

/// Names given twice: the same but for case ("appears twice"), or looking the same while written
/// differently (an accent typed as its own character, an invisible character inside): "look the
/// same", each shown escaped so the difference can be seen. Linear in the names.
pub fn name_clashes(names: &[String]) -> Vec<String> {
    let mut errors = Vec::new();
    let mut seen: HashMap<String, &str> = HashMap::new();
    for name in names {
        let key = crate::text::name_key(name);
        if key.is_empty() || name.chars().any(crate::text::is_unsafe) {
            continue;
        }
        match seen.get(&key) {
            Some(first) if first.trim().to_lowercase() == name.trim().to_lowercase() => {
                errors.push(format!(
                    "\"{}\" appears twice: give each person a distinct name (add an initial, for example)",
                    crate::text::sanitize(name.trim())
                ));
            }
            Some(first) => errors.push(format!(
                "\"{}\" and \"{}\" look the same (they differ only in invisible characters or \
                 in how an accent was typed): give each person a distinct name",
                first.trim().escape_default(),
                name.trim().escape_default()
            )),
            None => {
                seen.insert(key, name);
            }
        }
    }
    errors
}

/// A roster the protocol's groups and roles cannot hold.
fn size_errors(p: &Protocol, n: usize) -> Vec<String> {
    let mut errors = Vec::new();
    if n < p.group.min as usize {
        errors.push(format!("{} needs at least {} people; {n} given", p.name, p.group.min));
    }
    if let Some(max) = p.group.max
        && n > max as usize
    {
        let why = if p.splits() {
            String::new()
        } else {
            " (each member needs their own slot)".to_string()
        };
        errors.push(format!("{} takes at most {max} people{why}; {n} given", p.name));
    }
    let fixed = p.fixed_role_count() as usize;
    let has_rest = p.roles.iter().any(|r| r.count == RoleCount::Rest);
    if n > 0
        && !has_rest
        && let Some(big) = group_sizes(p, n).into_iter().max()
        && big > fixed
    {
        errors.push(format!(
            "{} has roles for exactly {fixed} people in a group, but a group would have {big}: \
             nobody would have a role for the others",
            p.name
        ));
    }
    if n > 0 {
        let sizes = group_sizes(p, n);
        if let Some(small) = sizes.iter().copied().min()
            && small < fixed
        {
            errors.push(format!(
                "the roles need {fixed} people in each group, but a group would have only {small}"
            ));
        }
    }
    errors
}

/// `--stage` overrides of stages the protocol does not have, or of no time.
fn override_errors(s: &Setup) -> Vec<String> {
    let p = &s.protocol;
    let mut errors = Vec::new();
    for (id, secs) in &s.overrides {
        if p.stage(id).is_none() {
            let ids: Vec<&str> = p.all_stages().map(|(_, st)| st.id.as_str()).collect();
            let hint = crate::protocol::nearest(id, &ids)
                .map(|n| format!(" Did you mean \"{n}\"?"))
                .unwrap_or_default();
            errors.push(format!(
                "--stage {}: {} has no stage \"{}\".{hint} Stages: {}",
                id.escape_default(),
                p.id,
                id.escape_default(),
                ids.join(", ")
            ));
        } else if *secs == 0 {
            errors.push(format!("--stage {id}: the duration must be more than zero"));
        } else if *secs > crate::protocol::duration::MAX_DURATION_SECS {
            errors.push(format!("--stage {id}: {secs} seconds is longer than a day"));
        }
    }
    errors
}

/// People of the same value in one group of a protocol that mixes them (`group.mix`).
fn mix_warnings(p: &Protocol, gs: &[Vec<String>], facts: &Facts) -> Vec<String> {
    let Some(key) = p.group.mix.as_ref().filter(|_| gs.len() > 1) else { return Vec::new() };
    let label = fact_label(p, key);
    let mut out = Vec::new();
    // How many people hold each value, counted once for every group's message.
    let mut totals: HashMap<String, usize> = HashMap::new();
    for name in gs.iter().flatten() {
        if let Some(v) = fact(facts, name, key) {
            *totals.entry(v.to_lowercase()).or_default() += 1;
        }
    }
    for (gi, g) in gs.iter().enumerate() {
        let mut seen: Vec<(String, &str, Vec<&str>)> = Vec::new();
        for name in g {
            if let Some(v) = fact(facts, name, key) {
                match seen.iter_mut().find(|(k, _, _)| *k == v.to_lowercase()) {
                    Some((_, _, names)) => names.push(name),
                    None => seen.push((v.to_lowercase(), v, vec![name.as_str()])),
                }
            }
        }
        for (lower, value, names) in seen.iter().filter(|(_, _, n)| n.len() > 1) {
            let total = totals.get(lower).copied().unwrap_or_default();
            let whose =
                if key == SCHOOL { (*value).to_string() } else { format!("{label} {value}") };
            out.push(format!(
                "{} of {whose}'s {total} people share group {} ({}): the roster cannot mix every group by {label}.",
                names.len(),
                gi + 1,
                and_list(names)
            ));
        }
    }
    out
}

/// Warnings about fairness: uneven groups, and members who never hold a role in this roster.
fn roster_warnings(p: &Protocol, order: &[String], facts: &Facts) -> Vec<String> {
    let mut out = Vec::new();
    let gs = groups_with(p, order, facts);
    out.extend(mix_warnings(p, &gs, facts));
    let sizes: Vec<usize> = gs.iter().map(Vec::len).collect();
    if p.splits() && sizes.iter().any(|s| u32::try_from(*s).ok() != p.group.split_into) {
        let desc: Vec<String> = sizes.iter().map(ToString::to_string).collect();
        let extra = p
            .roles
            .iter()
            .find(|r| r.count == RoleCount::Rest)
            .map_or_else(|| "member".to_string(), |r| r.name.to_lowercase());
        out.push(if sizes.len() == 1 {
            format!("One group of {}: the extra people are each an extra {extra}.", desc[0])
        } else {
            format!(
                "Groups of {}: the larger groups come first and have an extra {extra}.",
                desc.join(" + ")
            )
        });
    }
    if p.round.is_empty() {
        return out;
    }
    let table = roster_with(p, order, facts);
    for role in p.roles.iter().filter(|r| r.count != RoleCount::Rest && !r.team) {
        for (gi, g) in gs.iter().enumerate() {
            // A team's members hold their team role throughout, by design.
            let team: Vec<String> =
                teams(p, g, facts).into_iter().flat_map(|(_, names)| names).collect();
            let missing: Vec<&String> = g
                .iter()
                .filter(|name| !team.contains(name))
                .filter(|name| {
                    !table.iter().any(|round| {
                        round[gi].iter().any(|(who, rid)| who == *name && *rid == role.id)
                    })
                })
                .collect();
            if !missing.is_empty() && table.len() < g.len() && table.len() >= 2 {
                let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
                out.push(format!(
                    "Over {} rounds, {} {} never {}.",
                    table.len(),
                    names.join(", "),
                    if names.len() == 1 { "is" } else { "are" },
                    role.name.to_lowercase()
                ));
            }
        }
    }
    out
}

/// A session numbered beyond its course's length: "session 7: this course has 3–6 sessions"
/// (advice: it never refuses). Sessions 1 and 2 of a course of 3–6 are within it.
fn course_warnings(s: &Setup) -> Vec<String> {
    let (Some(n), Some(course)) = (course_session(s), s.protocol.course.as_ref()) else {
        return Vec::new();
    };
    match parse_course_sessions(&course.sessions) {
        Some((_, high)) if n > high => {
            let len = course_length(&s.protocol).unwrap_or_default();
            let what = if high == 1 { "session" } else { "sessions" };
            vec![format!("session {n}: this course has {len} {what}.")]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Library;

    fn proto(id: &str) -> Protocol {
        Library::builtin_only().get(id).expect("built-in").clone()
    }

    fn names(s: &str) -> Vec<String> {
        s.split(',').map(str::to_string).collect()
    }

    fn setup(id: &str, people: &str) -> Setup {
        Setup::new(proto(id), names(people))
    }

    #[test]
    fn impossible_setups_are_refused_with_reasons() {
        let too_many = check_setup(&setup("action-learning", "A,B,C,D,E,F")).unwrap_err();
        assert!(too_many.to_string().contains("at most 5 people"), "{too_many}");
        let dup = check_setup(&setup("project-tuning", "Ann,Ben,ann")).unwrap_err();
        assert!(dup.to_string().contains("appears twice"), "{dup}");
        let empty = check_setup(&setup("project-tuning", "Ann, ,Ben")).unwrap_err();
        assert!(empty.to_string().contains("participant 2 has an empty name"), "{empty}");
        let few = check_setup(&setup("coaching-triad", "Ann,Ben")).unwrap_err();
        assert!(few.to_string().contains("at least 3 people"), "{few}");
        let esc = check_setup(&setup("project-tuning", "Ann\u{1b}[2J,Ben")).unwrap_err();
        assert!(esc.to_string().contains("control character"), "{esc}");
        let mut bad = setup("project-tuning", "Ann,Ben");
        bad.overrides.insert("discusion".into(), 60);
        let e = check_setup(&bad).unwrap_err();
        assert!(e.to_string().contains("Did you mean \"discussion\""), "{e}");
    }
}
