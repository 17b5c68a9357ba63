//! Session setup: who takes part, in which groups, with which durations; and the rotation roster.
//!
//! # Rotation rule
//!
//! For a group of `n` members (in roster order) the protocol's roles are expanded, in file order,
//! into `n` slots: a role with an exact count takes that many slots, and the `rest` role fills the
//! remaining ones at its position. In round `r` (from 0), member `i` holds slot `(i - r) mod n`.
//! In a triad with roles coachee, coach, observer this gives: round 1 Ann coachee, Ben coach, Cat
//! observer; round 2 Ben coachee, Cat coach, Ann observer; round 3 Cat coachee, Ann coach, Ben
//! observer. Everyone holds each role exactly once. In action learning (presenter, then the rest)
//! member `r` presents in round `r`, so the roster order is the presenting order.
//!
//! Groups follow [`crate::protocol::plan`]: the roster is dealt into groups in order, the larger
//! groups first.
//!
//! # Mixed groups
//!
//! With `group.mix` (a fact key such as `school`), the roster is dealt so that the members of a
//! group differ on that fact wherever it allows: people are placed one by one, those of the most
//! common value first (ties: the value met first in the roster, then roster order), each into
//! the first group, from group 1, that has room and the fewest people of the same value; people
//! without the fact come last, into the first group with room. Within a group, members keep their
//! roster order (which sets the rotation). If dealing in order already mixes as well, the groups
//! are the plain ones. So 3 schools × 3 people given school by school (A1 A2 A3 B1 B2 B3 C1 C2
//! C3) make the trios A1 B1 C1, A2 B2 C2, A3 B3 C3. Where a value has more people than there are
//! groups, some must share one, and a warning names them.
//!
//! # Teams
//!
//! A role with `"team": true` is held together by the members whose fact `role` is its id or
//! name (any case), in every round: they are left out of the rotation, and the others rotate
//! over the remaining roles as above. With nobody in a group marked, the group's first `count`
//! members hold it (a warning says so).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::protocol::plan::{group_sizes, round_count};
use crate::protocol::validate::parse_course_sessions;
use crate::protocol::{Part, Protocol, RoleCount, RoleSpec, StageSpec};

/// Facts about participants: name → fact key → value.
pub type Facts = BTreeMap<String, BTreeMap<String, String>>;

/// The fact a bare value in parentheses gives: `Ann (Oak Primary)`.
pub const SCHOOL: &str = "school";
/// The fact that puts a person in a team role (`"team": true`): `Cat (role: executive)`.
pub const ROLE_FACT: &str = "role";

/// Everything needed to start a session. Written as the log header; replay starts from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setup {
    pub protocol: Protocol,
    /// Participants in the order given (the presenting order may change before the start).
    pub participants: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facilitator: Option<String>,
    /// A recurring group such as "AP set", used to follow up commitments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
    /// Stage id to duration in seconds.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub overrides: BTreeMap<String, u64>,
    #[serde(default)]
    pub auto_advance: bool,
    /// Open commitments from earlier sessions of this group, for a follow-up stage.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub carried: Vec<CarriedCommitment>,
    /// Facts about participants (format 2 `facts`): name to fact key to value, such as
    /// `"Ann" → {"school": "Oak Primary"}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facts: BTreeMap<String, BTreeMap<String, String>>,
    /// This session's number in the group's course (format 2 `course`), from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_number: Option<u32>,
    /// Notes carried from the group's previous session (records with `"carry": true`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub carried_notes: Vec<CarriedNote>,
    /// This session's place among its group's sessions (1 + the group's sessions already in the
    /// data folder when it was set up): follow-ups are ordered by it before their time, since
    /// laptops' clocks differ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<u32>,
}

impl Setup {
    /// A session of `protocol` for these participants, in order, and nothing else: no
    /// facilitator, group, changed durations, auto-advance or commitments to follow up. Set any of
    /// those with struct update syntax: `Setup { auto_advance: true, ..Setup::new(p, people) }`.
    pub fn new<S: Into<String>>(
        protocol: Protocol,
        participants: impl IntoIterator<Item = S>,
    ) -> Self {
        Self {
            protocol,
            participants: participants.into_iter().map(Into::into).collect(),
            facilitator: None,
            group_name: None,
            overrides: BTreeMap::new(),
            auto_advance: false,
            carried: Vec::new(),
            facts: BTreeMap::new(),
            session_number: None,
            carried_notes: Vec::new(),
            sequence: None,
        }
    }
}

/// An open commitment from an earlier session, brought into this one for follow-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarriedCommitment {
    /// The session the commitment was made in.
    pub session: String,
    /// Its id in that session.
    pub id: String,
    pub owner: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// When it was made (RFC 3339), for display.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made: Option<String>,
}

/// A note carried from the group's previous session, shown by the stage that names its record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarriedNote {
    /// The session the note was recorded in.
    pub session: String,
    /// The record id (`expects.id` / `records[].id`) it was recorded for.
    pub record: String,
    pub text: String,
    /// When it was recorded (RFC 3339), for display.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made: Option<String>,
}

/// One stage of the flattened running order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageRef {
    pub part: Part,
    /// Index into the protocol's list for that part.
    pub index: usize,
    /// Round number from 0, for round stages.
    pub round: Option<usize>,
    pub id: String,
}

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
            && w.before_secs().is_some_and(|b| b >= *secs)
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

/// A person's value of a fact, trimmed; `None` when not given.
pub fn fact<'a>(facts: &'a Facts, name: &str, key: &str) -> Option<&'a str> {
    facts.get(name).and_then(|f| f.get(key)).map(|v| v.trim()).filter(|v| !v.is_empty())
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

/// Whether a person's `role` fact names a team role (its id or name, any case).
fn marked(role: &RoleSpec, facts: &Facts, name: &str) -> bool {
    fact(facts, name, ROLE_FACT)
        .is_some_and(|v| v.eq_ignore_ascii_case(&role.id) || v.eq_ignore_ascii_case(&role.name))
}

/// The fewest a team role needs (its `count`).
fn team_count(role: &RoleSpec) -> usize {
    match role.count {
        RoleCount::Exact(k) => k as usize,
        RoleCount::Rest => 0,
    }
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

/// The groups, in roster order (no facts: no mixing).
pub fn groups(p: &Protocol, order: &[String]) -> Vec<Vec<String>> {
    groups_with(p, order, &Facts::new())
}

/// The groups for this roster: in order, or mixed on `group.mix` (see the module doc).
pub fn groups_with(p: &Protocol, order: &[String], facts: &Facts) -> Vec<Vec<String>> {
    let sizes = group_sizes(p, order.len());
    let mut plain = Vec::new();
    let mut it = 0..order.len();
    for size in &sizes {
        plain.push(it.by_ref().take(*size).collect::<Vec<usize>>());
    }
    let chosen = match &p.group.mix {
        Some(key) if sizes.len() > 1 => {
            let values: Vec<Option<String>> =
                order.iter().map(|n| fact(facts, n, key).map(str::to_lowercase)).collect();
            let mixed = mix_deal(&sizes, &values);
            if clashes(&mixed, &values) < clashes(&plain, &values) { mixed } else { plain }
        }
        _ => plain,
    };
    chosen.into_iter().map(|g| g.into_iter().map(|i| order[i].clone()).collect()).collect()
}

/// Pairs of people in a group with the same value, counted as members beyond the first of
/// each value.
fn clashes(groups: &[Vec<usize>], values: &[Option<String>]) -> usize {
    groups
        .iter()
        .map(|g| {
            let mut seen: Vec<&String> = Vec::new();
            let mut extra = 0;
            for v in g.iter().filter_map(|i| values[*i].as_ref()) {
                if seen.contains(&v) {
                    extra += 1;
                } else {
                    seen.push(v);
                }
            }
            extra
        })
        .sum()
}

/// Deals people (indices into the roster) into groups of these sizes so that a group's members
/// differ on their value where possible: the most common values first.
///
/// Each person goes to the first group (by number) among the groups with room that hold the
/// fewest of their value. People of one value come one after the other, so that is dealing them
/// round the groups with room, in order, from the first: linear in the roster (with the groups
/// with room in an ordered set), where comparing each person with every group was quadratic.
fn mix_deal(sizes: &[usize], values: &[Option<String>]) -> Vec<Vec<usize>> {
    // Each value's count and first place in the roster, counted once.
    let mut seen: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (i, v) in values.iter().enumerate() {
        if let Some(v) = v {
            seen.entry(v.as_str()).or_insert((0, i)).0 += 1;
        }
    }
    let mut people: Vec<usize> = (0..values.len()).collect();
    people.sort_by_key(|i| match &values[*i] {
        Some(v) => {
            let (count, first) = seen.get(v.as_str()).copied().unwrap_or((0, *i));
            (false, std::cmp::Reverse(count), first, *i)
        }
        None => (true, std::cmp::Reverse(0), 0, *i),
    });
    let mut groups: Vec<Vec<usize>> = sizes.iter().map(|s| Vec::with_capacity(*s)).collect();
    let mut room: BTreeSet<usize> = (0..sizes.len()).filter(|gi| sizes[*gi] > 0).collect();
    // Where the dealing of the current value goes on from, and that value.
    let mut cursor = 0;
    let mut dealing: Option<&str> = None;
    for i in people {
        let best = match values[i].as_deref() {
            // Nobody's value to avoid: the first group with room.
            None => room.first().copied(),
            Some(v) => {
                if dealing != Some(v) {
                    dealing = Some(v);
                    cursor = 0;
                }
                room.range(cursor..).next().or_else(|| room.first()).copied()
            }
        };
        let Some(gi) = best else { break };
        groups[gi].push(i);
        cursor = gi + 1;
        if groups[gi].len() >= sizes[gi] {
            room.remove(&gi);
        }
    }
    for g in &mut groups {
        g.sort_unstable();
    }
    groups
}

/// The role slots for a group of `n`, in file order with `rest` filling up.
pub fn slots(p: &Protocol, n: usize) -> Vec<String> {
    rotating_slots(p, n, false)
}

/// The slots of the roles that rotate: every role, or (`skip_teams`) those that are not team
/// roles.
fn rotating_slots(p: &Protocol, n: usize, skip_teams: bool) -> Vec<String> {
    let roles: Vec<&RoleSpec> = p.roles.iter().filter(|r| !(skip_teams && r.team)).collect();
    let fixed: usize = roles.iter().map(|r| team_count(r)).sum();
    let rest = n.saturating_sub(fixed);
    let mut out = Vec::with_capacity(n);
    for r in roles {
        let k = match r.count {
            RoleCount::Exact(k) => k as usize,
            RoleCount::Rest => rest,
        };
        out.extend(std::iter::repeat_n(r.id.clone(), k));
    }
    out.truncate(n);
    out
}

/// The team roles of a group and who holds each: the members marked for it, or (nobody marked)
/// the first `count` members not in another team.
pub fn teams(p: &Protocol, group: &[String], facts: &Facts) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for role in p.roles.iter().filter(|r| r.team) {
        let taken = |n: &String| out.iter().any(|(_, names)| names.contains(n));
        let mut names: Vec<String> =
            group.iter().filter(|n| marked(role, facts, n) && !taken(n)).cloned().collect();
        if names.is_empty() {
            names = group.iter().filter(|n| !taken(n)).take(team_count(role)).cloned().collect();
        }
        out.push((role.id.clone(), names));
    }
    out
}

/// Role held by each member of a group in a round: `(name, role id)` in roster order.
pub fn assignment(p: &Protocol, group: &[String], round: usize) -> Vec<(String, String)> {
    assignment_with(p, group, round, &Facts::new())
}

/// Like [`assignment`], with team roles held by their teams (from the facts) in every round.
pub fn assignment_with(
    p: &Protocol,
    group: &[String],
    round: usize,
    facts: &Facts,
) -> Vec<(String, String)> {
    let teams = teams(p, group, facts);
    let team_of = |name: &String| {
        teams.iter().find(|(_, names)| names.contains(name)).map(|(id, _)| id.clone())
    };
    let others: Vec<&String> = group.iter().filter(|n| team_of(n).is_none()).collect();
    let n = others.len();
    let slots = rotating_slots(p, n, !teams.is_empty());
    let mut k = 0;
    group
        .iter()
        .map(|name| {
            if let Some(id) = team_of(name) {
                return (name.clone(), id);
            }
            let slot = (k + n - round % n) % n;
            k += 1;
            (name.clone(), slots.get(slot).cloned().unwrap_or_default())
        })
        .collect()
}

/// The whole roster: for each round, for each group, who holds which role.
pub fn roster(p: &Protocol, order: &[String]) -> Vec<Vec<Vec<(String, String)>>> {
    roster_with(p, order, &Facts::new())
}

/// Like [`roster`], with the groups mixed and the teams set by the facts.
pub fn roster_with(
    p: &Protocol,
    order: &[String],
    facts: &Facts,
) -> Vec<Vec<Vec<(String, String)>>> {
    let gs = groups_with(p, order, facts);
    let rounds = rounds_with(p, &gs, facts);
    (0..rounds).map(|r| gs.iter().map(|g| assignment_with(p, g, r, facts)).collect()).collect()
}

/// How many rounds these groups have: counted on the members who rotate (a team's members hold
/// their role throughout, so `per-member` gives one round to each of the others).
pub fn rounds_with(p: &Protocol, groups: &[Vec<String>], facts: &Facts) -> usize {
    if p.round.is_empty() {
        return 0;
    }
    let sizes: Vec<usize> = groups
        .iter()
        .map(|g| {
            let team = teams(p, g, facts).iter().map(|(_, names)| names.len()).sum::<usize>();
            g.len().saturating_sub(team)
        })
        .collect();
    round_count(p, &sizes)
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

/// The flattened running order of session number `session` of a course (`None`: session 1):
/// opening, each round's stages, closing; a stage whose `from_session` is above the session's
/// number, or whose `until_session` is below it, is left out (the gap-task review runs from
/// session 2 on). Stages without them, and so every format 1 protocol, always run.
pub fn running_order(p: &Protocol, rounds: usize, session: Option<u32>) -> Vec<StageRef> {
    let session = session.unwrap_or(1);
    let runs = |s: &StageSpec| s.runs_in(session);
    let mut out = Vec::new();
    for (i, s) in p.opening.iter().enumerate().filter(|(_, s)| runs(s)) {
        out.push(StageRef { part: Part::Opening, index: i, round: None, id: s.id.clone() });
    }
    for r in 0..rounds {
        for (i, s) in p.round.iter().enumerate().filter(|(_, s)| runs(s)) {
            out.push(StageRef { part: Part::Round, index: i, round: Some(r), id: s.id.clone() });
        }
    }
    for (i, s) in p.closing.iter().enumerate().filter(|(_, s)| runs(s)) {
        out.push(StageRef { part: Part::Closing, index: i, round: None, id: s.id.clone() });
    }
    out
}

/// A course's length for people: `"3–6"` (an en dash), or `"4"`; `None` without a course (or
/// with a length validation refuses).
pub fn course_length(p: &Protocol) -> Option<String> {
    let (low, high) = parse_course_sessions(&p.course.as_ref()?.sessions)?;
    Some(if low == high { low.to_string() } else { format!("{low}–{high}") })
}

/// This session's number in its course (`session_number`, else 1); `None` without a course.
pub fn course_session(s: &Setup) -> Option<u32> {
    s.protocol.course.as_ref().map(|_| s.session_number.unwrap_or(1))
}

/// `"Session 2 of 3–6"`, for the start card and the live header; `None` without a course.
pub fn session_label(s: &Setup) -> Option<String> {
    let n = course_session(s)?;
    Some(match course_length(&s.protocol) {
        Some(len) => format!("Session {n} of {len}"),
        None => format!("Session {n}"),
    })
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

    fn role_of(table: &[Vec<Vec<(String, String)>>], round: usize, who: &str) -> String {
        table[round]
            .iter()
            .flatten()
            .find(|(n, _)| n == who)
            .map(|(_, r)| r.clone())
            .expect("member present")
    }

    #[test]
    fn a_triad_holds_each_role_exactly_once() {
        let p = proto("coaching-triad");
        let t = roster(&p, &names("Ann,Ben,Cat"));
        assert_eq!(t.len(), 3);
        for who in ["Ann", "Ben", "Cat"] {
            let mut roles: Vec<String> = (0..3).map(|r| role_of(&t, r, who)).collect();
            roles.sort();
            assert_eq!(roles, ["coach", "coachee", "observer"], "{who}");
        }
        assert_eq!(role_of(&t, 0, "Ann"), "coachee");
        assert_eq!(role_of(&t, 0, "Ben"), "coach");
        assert_eq!(role_of(&t, 1, "Ben"), "coachee");
        assert_eq!(role_of(&t, 1, "Cat"), "coach");
    }

    #[test]
    fn twelve_people_make_four_triads_each_fully_rotated() {
        let p = proto("coaching-triad");
        let people = names("A1,A2,A3,B1,B2,B3,C1,C2,C3,D1,D2,D3");
        let gs = groups(&p, &people);
        assert_eq!(gs.len(), 4);
        assert_eq!(gs[1], names("B1,B2,B3"));
        let t = roster(&p, &people);
        for round in &t {
            for g in round {
                let mut roles: Vec<&str> = g.iter().map(|(_, r)| r.as_str()).collect();
                roles.sort_unstable();
                assert_eq!(roles, ["coach", "coachee", "observer"]);
            }
        }
        for who in &people {
            let mut roles: Vec<String> = (0..3).map(|r| role_of(&t, r, who)).collect();
            roles.sort();
            assert_eq!(roles, ["coach", "coachee", "observer"]);
        }
    }

    #[test]
    fn an_uneven_cohort_gets_a_group_of_four_with_two_observers_and_a_warning() {
        let p = proto("coaching-triad");
        let people = names("Ann,Ben,Cat,Dev,Eve,Fay,Gus");
        let gs = groups(&p, &people);
        assert_eq!(gs, vec![names("Ann,Ben,Cat,Dev"), names("Eve,Fay,Gus")]);
        let t = roster(&p, &people);
        for round in &t {
            let obs = round[0].iter().filter(|(_, r)| r == "observer").count();
            assert_eq!(obs, 2);
        }
        // Nobody holds a main role twice.
        for who in ["Ann", "Ben", "Cat", "Dev"] {
            let roles: Vec<String> = (0..3).map(|r| role_of(&t, r, who)).collect();
            assert!(roles.iter().filter(|r| *r == "coachee").count() <= 1);
            assert!(roles.iter().filter(|r| *r == "coach").count() <= 1);
        }
        let s = Setup::new(p, people);
        let w = check_setup(&s).expect("a warning, not a refusal");
        let text = w.join(" ");
        assert!(text.contains("7 people is not a multiple of 3"), "{text}");
        assert!(text.contains("Groups of 4 + 3"), "{text}");
        assert!(text.contains("Dev is never coachee"), "{text}");
        assert!(text.contains("Ann is never coach"), "{text}");
    }

    #[test]
    fn action_learning_presents_in_the_chosen_order() {
        let p = proto("action-learning");
        let t = roster(&p, &names("Ann,Ben,Cat,Dev,Eve"));
        assert_eq!(t.len(), 5);
        let presenters: Vec<String> = (0..5)
            .map(|r| t[r][0].iter().find(|(_, role)| role == "presenter").expect("one").0.clone())
            .collect();
        assert_eq!(presenters, names("Ann,Ben,Cat,Dev,Eve"));
        let t2 = roster(&p, &names("Dev,Ann,Ben,Cat,Eve"));
        assert_eq!(t2[0][0].iter().find(|(_, r)| r == "presenter").expect("one").0, "Dev");
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

    /// The dealing as it was first written, comparing each person with every group: the
    /// reference the linear one must agree with.
    /// Deals people (indices into the roster) into groups of these sizes so that a group's members
    /// differ on their value where possible: the most common values first.
    fn mix_deal_pairwise(sizes: &[usize], values: &[Option<String>]) -> Vec<Vec<usize>> {
        // Each value's count and first place in the roster, counted once.
        let mut seen: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for (i, v) in values.iter().enumerate() {
            if let Some(v) = v {
                seen.entry(v.as_str()).or_insert((0, i)).0 += 1;
            }
        }
        let mut people: Vec<usize> = (0..values.len()).collect();
        people.sort_by_key(|i| match &values[*i] {
            Some(v) => {
                let (count, first) = seen.get(v.as_str()).copied().unwrap_or((0, *i));
                (false, std::cmp::Reverse(count), first, *i)
            }
            None => (true, std::cmp::Reverse(0), 0, *i),
        });
        let mut groups: Vec<Vec<usize>> = sizes.iter().map(|s| Vec::with_capacity(*s)).collect();
        for i in people {
            let same = |g: &Vec<usize>| match &values[i] {
                Some(_) => g.iter().filter(|j| values[**j] == values[i]).count(),
                None => 0,
            };
            let best = groups
                .iter()
                .enumerate()
                .filter(|(gi, g)| g.len() < sizes[*gi])
                .min_by_key(|(gi, g)| (same(g), *gi))
                .map(|(gi, _)| gi);
            if let Some(gi) = best {
                groups[gi].push(i);
            }
        }
        for g in &mut groups {
            g.sort_unstable();
        }
        groups
    }

    #[test]
    fn mixing_deals_as_comparing_every_group_did() {
        // A small linear congruential sequence: many rosters, no dependency.
        let mut seed = 12_345_u64;
        let mut next = |m: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            usize::try_from((seed >> 33) % m).expect("small")
        };
        for _ in 0..300 {
            let groups = 1 + next(9);
            let sizes: Vec<usize> = (0..groups).map(|_| 1 + next(5)).collect();
            let n: usize = sizes.iter().sum();
            let kinds = 1 + next(6);
            let values: Vec<Option<String>> = (0..n)
                .map(|_| {
                    let k = next(u64::try_from(kinds).expect("small") + 1);
                    (k > 0).then(|| format!("school {k}"))
                })
                .collect();
            assert_eq!(
                mix_deal(&sizes, &values),
                mix_deal_pairwise(&sizes, &values),
                "{sizes:?} {values:?}"
            );
        }
    }
}
