//! Semantic checks on a parsed protocol. Every problem is reported, not just the first, and each
//! names the stage or role it is about and, when the source text is at hand, the line and column
//! of the field it is about.
//!
//! `serde_json` keeps no positions once a value is parsed, so positions are found again by path
//! (`round/2/warning/before`) in a map built by [`json_positions`], a small scanner over the JSON
//! text: a duplicated id points at the duplicate, and a stage that shares its id with a role
//! points at the stage. A field the file leaves out (a default) points at the nearest enclosing
//! field it does have, and at worst at the protocol's opening brace. The scanner keeps its own
//! stack, so no nesting depth can overflow the program's, and it records only paths a protocol can
//! have (at most 8 levels deep, keys of at most 32 characters), so it takes linear time on any
//! text, even one that only the format check has read.

use std::collections::{HashMap, HashSet};

use super::model::{
    EVERYONE, Expectation, FACILITATOR, FORMAT_1, FORMAT_VERSION, Part, Protocol, RecordField,
    RecordKind, RoleCount, Rounds, StageSpec,
};
use crate::text::sanitize;

/// One semantic problem in a protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line in the file, when the text was at hand.
    pub line: Option<usize>,
    /// 1-based column in characters, with `line`.
    pub column: Option<usize>,
    /// What the problem is about: `stage "discussion"`, `role "coach"`, `group`.
    pub place: String,
    pub message: String,
}

/// The most people a protocol's group rules may name (`min`, `max`, `split_into`, `multiple_of`):
/// far beyond any room, and small enough that planning a session stays cheap.
pub(crate) const MAX_PEOPLE: u32 = 10_000;
/// The most rounds a protocol may fix.
pub(crate) const MAX_ROUNDS: u32 = 1_000;
/// The most sessions a course may have.
pub(crate) const MAX_COURSE_SESSIONS: u32 = 100;

/// A course's `sessions` (`"4"` or `"3-6"`) as its fewest and most sessions, if it is one:
/// whole numbers with 1 ≤ fewest ≤ most ≤ [`MAX_COURSE_SESSIONS`].
pub(crate) fn parse_course_sessions(text: &str) -> Option<(u32, u32)> {
    let number = |t: &str| {
        let t = t.trim();
        (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse::<u32>().ok())?
    };
    let (low, high) = match text.split_once('-') {
        None => {
            let n = number(text)?;
            (n, n)
        }
        Some((low, high)) => (number(low)?, number(high)?),
    };
    (1 <= low && low <= high && high <= MAX_COURSE_SESSIONS).then_some((low, high))
}

/// Checks a protocol. `text` is the file it came from, used only to find positions.
pub(crate) fn validate(p: &Protocol, text: Option<&str>) -> Vec<Problem> {
    let positions = text.map(json_positions).unwrap_or_default();
    let mut v = Validator { positions, problems: Vec::new() };
    v.check(p);
    v.problems
}

/// The problem for a file whose `"format"` is not [`FORMAT_VERSION`]; `text` locates the line.
pub(crate) fn format_problem(found: u64, text: Option<&str>) -> Problem {
    let message = if found > u64::from(FORMAT_VERSION) {
        format!(
            "format {found} is newer than this version of convene understands (it reads formats {FORMAT_1} to {FORMAT_VERSION}): update convene to use this file"
        )
    } else {
        format!(
            "unsupported format {found}: this version of convene reads formats {FORMAT_1} to {FORMAT_VERSION}"
        )
    };
    let at = text.and_then(|t| json_positions(t).get("format").copied());
    Problem { line: at.map(|a| a.0), column: at.map(|a| a.1), place: "format".into(), message }
}

struct Validator {
    /// Position of every key and array element, by path.
    positions: HashMap<String, Position>,
    problems: Vec<Problem>,
}

impl Validator {
    /// Records a problem at `path` (e.g. `round/2/duration`), or at the nearest enclosing path
    /// the file has, at worst the whole protocol (`""`). Place and message are sanitised: ids
    /// come from the file.
    fn push(&mut self, path: &str, place: &str, message: &str) {
        let mut at = path;
        let position = loop {
            if let Some(position) = self.positions.get(at) {
                break Some(*position);
            }
            match at.rfind('/') {
                Some(i) => at = &at[..i],
                None if !at.is_empty() => at = "",
                None => break None,
            }
        };
        self.problems.push(Problem {
            line: position.map(|p| p.0),
            column: position.map(|p| p.1),
            place: sanitize(place),
            message: sanitize(message),
        });
    }

    fn check(&mut self, p: &Protocol) {
        if !(FORMAT_1..=FORMAT_VERSION).contains(&p.format) {
            let Problem { place, message, .. } = format_problem(u64::from(p.format), None);
            self.push("format", &place, &message);
        }
        if p.format == FORMAT_1 {
            for (path, field) in format2_fields(p) {
                let what = if field == "duration" {
                    "a duration range (\"90m-2h\") is format 2".to_string()
                } else {
                    format!("\"{field}\" is a format 2 field")
                };
                self.push(
                    &path,
                    &field,
                    &format!(
                        "{what}: set \"format\": 2 to use it (format 1 files keep meaning what they meant)"
                    ),
                );
            }
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
        self.check_records(p);
        self.check_timing(p);
        self.check_people(p);
        self.check_course(p);
    }

    /// Format 2 records: ids, required fields, `per`, `carry` and `carried` references.
    fn check_records(&mut self, p: &Protocol) {
        let mut ids: HashSet<&str> = HashSet::new();
        let mut carried_ids: HashSet<&str> = HashSet::new();
        let mut all_ids: Vec<&str> = Vec::new();
        // Stages that show a carried record: (path, place, the record's id).
        let mut wants: Vec<(String, String, &str)> = Vec::new();
        for (part, stages) in
            [(Part::Opening, &p.opening), (Part::Round, &p.round), (Part::Closing, &p.closing)]
        {
            for (i, stage) in stages.iter().enumerate() {
                let at = format!("{}/{i}", part.label());
                let place = format!("{} stage \"{}\"", part.label(), stage.id);
                if let Some(carried) = &stage.carried {
                    wants.push((format!("{at}/carried"), place.clone(), carried.as_str()));
                }
                let several = stage.expects.iter().count() + stage.records.len() > 1;
                let paths = stage.expects.iter().map(|x| (format!("{at}/expects"), x)).chain(
                    stage.records.iter().enumerate().map(|(j, x)| (format!("{at}/records/{j}"), x)),
                );
                for (path, x) in paths {
                    match &x.id {
                        Some(id) => {
                            if !is_kebab(id) {
                                self.push(
                                    &format!("{path}/id"),
                                    &place,
                                    &format!("record id \"{id}\" is not kebab-case"),
                                );
                            }
                            if !ids.insert(id) {
                                self.push(
                                    &format!("{path}/id"),
                                    &place,
                                    &format!("duplicate record id \"{id}\""),
                                );
                            }
                            all_ids.push(id);
                            if x.carry {
                                carried_ids.insert(id);
                            }
                        }
                        None if several => self.push(
                            &path,
                            &place,
                            "this stage expects several records: each needs an \"id\"",
                        ),
                        None if x.carry => self.push(
                            &format!("{path}/carry"),
                            &place,
                            "a carried record needs an \"id\", for the stage that shows it to name in \"carried\"",
                        ),
                        None => {}
                    }
                    self.check_record_fields(&path, &place, stage, x);
                }
            }
        }
        for (path, place, carried) in wants {
            if carried_ids.contains(carried) {
                continue;
            }
            let message = if all_ids.contains(&carried) {
                format!(
                    "\"carried\" names record \"{carried}\", which is not carried: give it \"carry\": true"
                )
            } else {
                let hint = super::nearest(carried, &all_ids)
                    .map(|n| format!("; did you mean \"{n}\"?"))
                    .unwrap_or_default();
                format!("\"carried\" names no record \"{carried}\"{hint}")
            };
            self.push(&path, &place, &message);
        }
    }

    /// One expected record's `require`, `per` and `carry`, at `path` (`round/0/records/1`).
    fn check_record_fields(&mut self, path: &str, place: &str, stage: &StageSpec, x: &Expectation) {
        for (j, field) in x.require.iter().enumerate() {
            let message = match (field.field, x.record) {
                (RecordField::Due, RecordKind::Note) => {
                    "\"due\" is a commitment's time frame: this record is a note"
                }
                (RecordField::About, RecordKind::Commitment) => {
                    "\"about\" is a note's field: this record is a commitment (its owner is \"Who\")"
                }
                _ => continue,
            };
            self.push(&format!("{path}/require/{j}"), place, message);
        }
        if x.carry && x.record == RecordKind::Commitment {
            self.push(
                &format!("{path}/carry"),
                place,
                "\"carry\" is for notes: an open commitment is carried to the next session by itself",
            );
        }
        if x.per.is_some() && stage.optional {
            self.push(
                &format!("{path}/per"),
                place,
                "a record for each participant in an optional stage is never asked for: drop \"optional\" or \"per\"",
            );
        }
    }

    /// Format 2 timing: `cues`, `markers`, duration ranges, `round_extension`. (A range's upper
    /// end above its lower end is checked with the duration, in `check_stage`.)
    fn check_timing(&mut self, p: &Protocol) {
        for (part, stages) in
            [(Part::Opening, &p.opening), (Part::Round, &p.round), (Part::Closing, &p.closing)]
        {
            for (i, stage) in stages.iter().enumerate() {
                self.check_cues(p, part, &format!("{}/{i}", part.label()), stage);
            }
        }
        let mut last: Option<(u64, &str)> = None;
        for (i, m) in p.markers.iter().enumerate() {
            let at = format!("markers/{i}/after");
            match m.after.problem().map_or(Ok(m.after.secs()), Err) {
                Ok(0) => self.push(&at, "markers", "marker time is zero"),
                Ok(secs) => {
                    if let Some((before, text)) = last
                        && secs <= before
                    {
                        self.push(
                            &at,
                            "markers",
                            &format!(
                                "marker at {} is not after the one before it ({text}): list markers in increasing order",
                                m.after
                            ),
                        );
                    }
                    last = Some((secs, m.after.as_str()));
                }
                Err(e) => self.push(&at, "markers", &format!("marker time {e}")),
            }
            if m.message.trim().is_empty() {
                self.push(&format!("markers/{i}/message"), "markers", "marker message is empty");
            }
        }
        if p.round_extension.is_some() && p.round.is_empty() {
            self.push(
                "round_extension",
                "round_extension",
                "the protocol has no round stages for \"round_extension\" to apply to",
            );
        }
    }

    /// A stage's timed cues: exactly one of `before` and `after`, readable, more than zero and
    /// inside the stage; roles that exist; a message.
    fn check_cues(&mut self, p: &Protocol, part: Part, at: &str, s: &StageSpec) {
        let place = format!("{} stage \"{}\"", part.label(), s.id);
        let place = place.as_str();
        let (low, high) = match s.duration.problem() {
            None => (
                Some(s.duration.secs()),
                Some(s.duration.upper_secs().unwrap_or(s.duration.secs())),
            ),
            Some(_) => (None, None),
        };
        for (i, cue) in s.cues.iter().enumerate() {
            let cue_at = format!("{at}/cues/{i}");
            let (field, text, limit) = match (&cue.before, &cue.after) {
                (Some(_), Some(_)) => {
                    self.push(
                        &format!("{cue_at}/after"),
                        place,
                        "a cue has both \"before\" and \"after\": give one",
                    );
                    continue;
                }
                (None, None) => {
                    self.push(
                        &cue_at,
                        place,
                        "a cue needs \"before\" (the planned end) or \"after\" (the start)",
                    );
                    continue;
                }
                (Some(b), None) => ("before", b, low),
                (None, Some(a)) => ("after", a, high),
            };
            let time_at = format!("{cue_at}/{field}");
            match text.problem().map_or(Ok(text.secs()), Err) {
                Ok(0) => self.push(&time_at, place, "cue time is zero"),
                Ok(secs) => {
                    if let Some(d) = limit
                        && secs >= d
                    {
                        let what = if field == "before" {
                            "before the planned end"
                        } else {
                            "after the start"
                        };
                        self.push(
                            &time_at,
                            place,
                            &format!(
                                "cue {what} at {text} is not inside the stage ({})",
                                s.duration
                            ),
                        );
                    }
                }
                Err(e) => self.push(&time_at, place, &format!("cue time {e}")),
            }
            if let Some(role) = &cue.role {
                self.check_role_ref(p, &format!("{cue_at}/role"), place, role);
            }
            if cue.message.trim().is_empty() {
                self.push(&format!("{cue_at}/message"), place, "cue message is empty");
            }
        }
    }

    /// Format 2 people: `facts`, `recommended_max`, `one_per`, `mix`, team roles.
    fn check_people(&mut self, p: &Protocol) {
        let mut keys: Vec<&str> = Vec::new();
        for (i, f) in p.facts.iter().enumerate() {
            let at = format!("facts/{i}/key");
            if !is_kebab(&f.key) {
                self.push(
                    &at,
                    "facts",
                    &format!("fact key \"{}\" is not kebab-case, like \"problem-category\"", f.key),
                );
            }
            if keys.contains(&f.key.as_str()) {
                self.push(&at, "facts", &format!("fact key \"{}\" is declared twice", f.key));
            }
            keys.push(&f.key);
            if f.label.trim().is_empty() {
                self.push(
                    &format!("facts/{i}/label"),
                    "facts",
                    &format!("fact \"{}\" has an empty label", f.key),
                );
            }
        }
        let g = &p.group;
        for (field, value) in [("one_per", &g.one_per), ("mix", &g.mix)] {
            let Some(key) = value else { continue };
            if !keys.contains(&key.as_str()) {
                let hint = super::nearest(key, &keys)
                    .map(|n| format!("; did you mean \"{n}\"?"))
                    .unwrap_or_default();
                let declared = if keys.is_empty() {
                    "the protocol declares no facts".to_string()
                } else {
                    format!("facts: {}", keys.join(", "))
                };
                self.push(
                    &format!("group/{field}"),
                    "group",
                    &format!("{field} \"{key}\" is not a declared fact{hint} ({declared})"),
                );
            }
        }
        if g.mix.is_some() && g.split_into.is_none() {
            self.push(
                "group/mix",
                "group",
                "mix needs split_into: only a session split into groups can mix them",
            );
        }
        match (g.recommended_max, g.max) {
            (Some(0), _) => self.push("group/recommended_max", "group", "recommended_max is 0"),
            (Some(r), Some(max)) if r > max => self.push(
                "group/recommended_max",
                "group",
                &format!(
                    "recommended_max {r} is above max {max}: a recommendation within the rule"
                ),
            ),
            _ => {}
        }
        for (i, role) in p.roles.iter().enumerate() {
            if role.team && role.count == RoleCount::Rest {
                self.push(
                    &format!("roles/{i}/count"),
                    &format!("role \"{}\"", role.id),
                    "a team role needs a count (the fewest in the team), not \"rest\"",
                );
            }
        }
    }

    /// Format 2 courses: `course.sessions` is `"N"` or `"N-M"` with 1 ≤ N ≤ M ≤ 100;
    /// `from_session` is at least 1, and only in a protocol with a `course`.
    fn check_course(&mut self, p: &Protocol) {
        if let Some(course) = &p.course
            && parse_course_sessions(&course.sessions).is_none()
        {
            self.push(
                "course/sessions",
                "course",
                &format!(
                    "sessions \"{}\" is not a number of sessions: write \"4\" or a range \"3-6\" (from 1 to {MAX_COURSE_SESSIONS})",
                    course.sessions
                ),
            );
        }
        for (part, stages) in
            [(Part::Opening, &p.opening), (Part::Round, &p.round), (Part::Closing, &p.closing)]
        {
            for (i, stage) in stages.iter().enumerate() {
                let place = format!("{} stage \"{}\"", part.label(), stage.id);
                for (field, value) in
                    [("from_session", stage.from_session), ("until_session", stage.until_session)]
                {
                    let Some(n) = value else { continue };
                    let at = format!("{}/{i}/{field}", part.label());
                    if n == 0 {
                        self.push(
                            &at,
                            &place,
                            &format!("{field} is 0: sessions are numbered from 1"),
                        );
                    } else if p.course.is_none() {
                        self.push(
                            &at,
                            &place,
                            &format!(
                                "{field} needs a \"course\": only the sessions of a course are numbered"
                            ),
                        );
                    }
                }
                if let (Some(from), Some(until)) = (stage.from_session, stage.until_session)
                    && until < from
                {
                    self.push(
                        &format!("{}/{i}/until_session", part.label()),
                        &place,
                        &format!("until_session {until} is before from_session {from}: the stage would never run"),
                    );
                }
            }
        }
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
        for (field, value) in [
            ("min", Some(g.min)),
            ("max", g.max),
            ("split_into", g.split_into),
            ("multiple_of", g.multiple_of),
        ] {
            if let Some(n) = value.filter(|n| *n > MAX_PEOPLE) {
                self.push(
                    &format!("group/{field}"),
                    "group",
                    &format!("{field} {n} is more than 10,000, the most people a session can have"),
                );
            }
        }
        match p.rotation.rounds {
            Rounds::Fixed(0) => self.push("rotation/rounds", "rotation", "rounds is 0"),
            Rounds::Fixed(n) if n > MAX_ROUNDS => self.push(
                "rotation/rounds",
                "rotation",
                &format!("rounds {n} is more than 1,000, the most a protocol can have"),
            ),
            _ => {}
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
        let duration = match s.duration.problem().map_or(Ok(s.duration.secs()), Err) {
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
            match w.before.problem().map_or(Ok(w.before.secs()), Err) {
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
        if let Some(give) = &s.can_give {
            let min_at = format!("{at}/can_give/min");
            match give.min.problem().map_or(Ok(give.min.secs()), Err) {
                Ok(0) => self.push(
                    &min_at,
                    place,
                    "can_give min is zero: a stage cannot give all its time",
                ),
                Ok(min) => {
                    if let Some(d) = duration
                        && min > d
                    {
                        self.push(
                            &min_at,
                            place,
                            &format!(
                                "can_give min {} is longer than the stage ({})",
                                give.min, s.duration
                            ),
                        );
                    }
                }
                Err(e) => self.push(&min_at, place, &format!("can_give min {e}")),
            }
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
pub(crate) fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|w| {
            !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// Where a key or value starts: 1-based line, and 1-based column in characters.
pub(crate) type Position = (usize, usize);

/// The deepest path [`json_positions`] records; a protocol's deepest is `round/0/speak/0/role`.
const MAX_PATH_DEPTH: usize = 8;
/// The longest key [`json_positions`] records; a protocol's longest is `multiple_of`.
const MAX_KEY_CHARS: usize = 32;

/// One open object or array while scanning JSON.
enum Frame {
    /// The key of the member being read (`None` when too long to be a protocol's), and whether
    /// the next string is a key.
    Object {
        key: Option<String>,
        expect_key: bool,
    },
    Array {
        index: usize,
    },
}

/// Characters with the position of the last one read.
struct Cursor<'a> {
    chars: std::str::Chars<'a>,
    line: usize,
    column: usize,
}

impl Cursor<'_> {
    fn next(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        if c == '\n' {
            self.line += 1;
            self.column = 0;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn peek(&self) -> Option<char> {
        self.chars.clone().next()
    }

    fn at(&self) -> Position {
        (self.line, self.column)
    }
}

/// The position of every object key and array element in a JSON text, by path: the top-level
/// `"id"` is `id`, the duration of the third round stage is `round/2/duration`, and the whole
/// text is `""`. A key's position is its opening quote. The text is assumed to be valid JSON (it
/// has already been parsed); on anything else the map is partial. Paths deeper than 8 levels or
/// with a key longer than 32 characters, which no protocol has, are not recorded.
pub(crate) fn json_positions(text: &str) -> HashMap<String, Position> {
    fn path(stack: &[Frame]) -> Option<String> {
        if stack.len() > MAX_PATH_DEPTH {
            return None;
        }
        let mut parts = Vec::with_capacity(stack.len());
        for f in stack {
            parts.push(match f {
                Frame::Object { key, .. } => key.clone()?,
                Frame::Array { index } => index.to_string(),
            });
        }
        Some(parts.join("/"))
    }
    // A value starts here: record array elements and the whole text (object members are
    // recorded at their key).
    fn value(stack: &[Frame], map: &mut HashMap<String, Position>, at: Position) {
        if matches!(stack.last(), None | Some(Frame::Array { .. }))
            && let Some(p) = path(stack)
        {
            map.entry(p).or_insert(at);
        }
    }
    let mut map = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut cur = Cursor { chars: text.chars(), line: 1, column: 0 };
    while let Some(c) = cur.next() {
        match c {
            '"' => {
                let start = cur.at();
                let mut s = String::new();
                let mut long = false;
                while let Some(c) = cur.next() {
                    let piece = match c {
                        '"' => break,
                        '\\' => [Some('\\'), cur.next()],
                        _ => [Some(c), None],
                    };
                    for c in piece.into_iter().flatten() {
                        if s.len() < MAX_KEY_CHARS * 4 {
                            s.push(c);
                        } else {
                            long = true;
                        }
                    }
                }
                if let Some(Frame::Object { key, expect_key }) = stack.last_mut()
                    && *expect_key
                {
                    *key = (!long && s.chars().count() <= MAX_KEY_CHARS).then_some(s);
                    *expect_key = false;
                    if let Some(p) = path(&stack) {
                        map.entry(p).or_insert(start);
                    }
                } else {
                    value(&stack, &mut map, start);
                }
            }
            '{' | '[' => {
                value(&stack, &mut map, cur.at());
                stack.push(if c == '{' {
                    Frame::Object { key: Some(String::new()), expect_key: true }
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
            c if c.is_whitespace() || c == ':' || c == '\u{FEFF}' => {}
            _ => {
                // A number or a literal: record it, then skip to its end.
                value(&stack, &mut map, cur.at());
                while cur.peek().is_some_and(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) {
                    cur.next();
                }
            }
        }
    }
    map
}

/// The format 2 fields a protocol uses, as (path, field name), for refusing them in format 1.
fn format2_fields(p: &Protocol) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut add = |used: bool, path: String| {
        if used {
            let field = path.rsplit('/').next().unwrap_or(&path).to_string();
            found.push((path, field));
        }
    };
    add(!p.added_norms.is_empty(), "added_norms".into());
    add(!p.origin.is_source(), "origin".into());
    for (i, n) in p.norms.iter().enumerate() {
        add(!n.origin.is_source(), format!("norms/{i}/origin"));
    }
    for (i, m) in p.markers.iter().enumerate() {
        add(!m.origin.is_source(), format!("markers/{i}/origin"));
    }
    add(p.round_extension.is_some(), "round_extension".into());
    add(!p.markers.is_empty(), "markers".into());
    add(!p.facts.is_empty(), "facts".into());
    add(p.course.is_some(), "course".into());
    add(p.group.recommended_max.is_some(), "group/recommended_max".into());
    add(p.group.one_per.is_some(), "group/one_per".into());
    add(p.group.mix.is_some(), "group/mix".into());
    for (i, role) in p.roles.iter().enumerate() {
        add(role.team, format!("roles/{i}/team"));
    }
    for (part, stages) in
        [(Part::Opening, &p.opening), (Part::Round, &p.round), (Part::Closing, &p.closing)]
    {
        for (i, s) in stages.iter().enumerate() {
            let at = |field: &str| format!("{}/{i}/{field}", part.label());
            add(s.duration.is_range(), at("duration"));
            add(!s.cues.is_empty(), at("cues"));
            add(s.optional, at("optional"));
            add(s.from_session.is_some(), at("from_session"));
            add(s.until_session.is_some(), at("until_session"));
            add(!s.records.is_empty(), at("records"));
            add(s.carried.is_some(), at("carried"));
            add(!s.origin.is_source(), at("origin"));
            add(s.can_give.is_some(), at("can_give"));
            for (kind, cues) in [("speak", &s.speak), ("silent", &s.silent)] {
                for (j, c) in cues.iter().enumerate() {
                    add(!c.origin.is_source(), at(&format!("{kind}/{j}/origin")));
                }
            }
            if let Some(w) = &s.warning {
                add(!w.origin.is_source(), at("warning/origin"));
            }
            if let Some(x) = &s.expects {
                add(!x.origin.is_source(), at("expects/origin"));
                add(x.id.is_some(), at("expects/id"));
                add(!x.require.is_empty(), at("expects/require"));
                add(x.per.is_some(), at("expects/per"));
                add(x.carry, at("expects/carry"));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn course_lengths_are_a_number_or_a_range_from_1_to_100() {
        assert_eq!(parse_course_sessions("4"), Some((4, 4)));
        assert_eq!(parse_course_sessions("3-6"), Some((3, 6)));
        assert_eq!(parse_course_sessions(" 3 - 6 "), Some((3, 6)));
        assert_eq!(parse_course_sessions("1-100"), Some((1, 100)));
        for bad in ["", "0", "0-3", "6-3", "1-101", "three", "3-", "-3", "+3", "3-6-9"] {
            assert_eq!(parse_course_sessions(bad), None, "{bad:?}");
        }
    }

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
    fn json_positions_finds_keys_and_elements() {
        let text = "{\n  \"id\": \"x\",\n  \"round\": [\n    { \"id\": \"a\" },\n    {\n      \"id\": \"é\",\n      \"speak\": [1, \"two\\\"\"]\n    }\n  ]\n}";
        let map = json_positions(text);
        assert_eq!(map.get(""), Some(&(1, 1)));
        assert_eq!(map.get("id"), Some(&(2, 3)));
        assert_eq!(map.get("round"), Some(&(3, 3)));
        assert_eq!(map.get("round/0/id"), Some(&(4, 7)));
        assert_eq!(map.get("round/1"), Some(&(5, 5)));
        assert_eq!(map.get("round/1/id"), Some(&(6, 7)));
        assert_eq!(map.get("round/1/speak/1"), Some(&(7, 20)));
        assert_eq!(map.get("round/2"), None);
    }

    #[test]
    fn json_positions_skips_what_no_protocol_has() {
        let long = "k".repeat(33);
        let deep = format!("{}1{}", "[".repeat(20), "]".repeat(20));
        let text = format!("{{\"{long}\": [1], \"a\": {deep}, \"b\": 2}}");
        let map = json_positions(&text);
        assert!(!map.keys().any(|k| k.starts_with('k')), "{map:?}");
        assert!(map.keys().all(|k| k.split('/').count() <= MAX_PATH_DEPTH), "{map:?}");
        assert!(map.contains_key("a/0/0/0/0/0/0/0"));
        assert_eq!(map.get("b").map(|p| p.1), Some(text.find("\"b\"").expect("b") + 1));
    }
}
