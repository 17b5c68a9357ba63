//! A session as asked for (on the command line or the home screen), checked into a [`Setup`].

use std::collections::BTreeMap;

use super::checks::check_setup;
use super::setup::{CarriedCommitment, CarriedNote, Facts, SCHOOL, Setup};
use crate::protocol::{Protocol, RecordKind};

/// A session as asked for, on the command line (`convene run`) or on the home screen, before it
/// is checked. Building the [`Setup`] from it is pure: the open commitments of the group
/// ([`SetupRequest::follows_up`]) are read from the data folder by the caller, at the edge, and
/// given in [`SetupRequest::carried`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupRequest {
    pub protocol: Protocol,
    /// The participants as typed: names separated by commas, in order, each with facts in
    /// parentheses if any: `Ann (Oak Primary), Ben (school: Elm; category: parent)`.
    pub people: String,
    /// The participants read from a roster file (`--roster`), instead of `people`.
    pub roster: Option<People>,
    /// A recurring group (blank: none).
    pub group: Option<String>,
    /// The facilitator's name (blank: none).
    pub facilitator: Option<String>,
    /// Durations set for this session, as `ID=DURATION` (`--stage discussion=8m`).
    pub stages: Vec<String>,
    pub auto_advance: bool,
    /// Open commitments of the group from earlier sessions, to follow up.
    pub carried: Vec<CarriedCommitment>,
    /// Format 2 courses: this session's number as given (`--session N`); when not given, it is
    /// counted from [`SetupRequest::earlier_sessions`].
    pub session: Option<u32>,
    /// How many earlier sessions of the group with this protocol started: read from the data
    /// folder by the caller when [`SetupRequest::takes_from_group`] names a group.
    pub earlier_sessions: u32,
    /// Notes the group's previous session recorded for the records the protocol carries: read
    /// with [`SetupRequest::earlier_sessions`].
    pub carried_notes: Vec<CarriedNote>,
    /// The session's place among its group's sessions ([`Setup::sequence`]): read from the data
    /// folder by the caller when [`SetupRequest::follows_up`] names a group.
    pub sequence: Option<u32>,
}

/// A setup the engine accepts, and its advice (shown on the start card).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedSetup {
    pub setup: Setup,
    pub warnings: Vec<String>,
}

/// Why a [`SetupRequest`] cannot start a session.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetupRequestError {
    /// A `--stage` item without `=`.
    #[error("--stage {item}: write it as ID=DURATION, e.g. --stage discussion=8m")]
    StageForm { item: String },
    /// A `--stage` item whose duration does not read.
    #[error("--stage {item}: duration {problem}")]
    StageDuration { item: String, problem: String },
    /// The participants' text does not read (`Ben: unclosed parenthesis`).
    #[error("{problem}")]
    People { problem: String },
    /// Both a roster file and typed names: one list of people only.
    #[error(
        "give the people either with --people or with --roster, not both (the roster file can hold everyone, with their facts)"
    )]
    PeopleAndRoster,
    /// The engine refuses the setup (see [`check_setup`]).
    #[error("cannot start {protocol}:\n  {}", problems.join("\n  "))]
    Refused { protocol: String, problems: Vec<String> },
}

impl SetupRequest {
    /// A request for `protocol` with these people, and nothing else set.
    pub fn new(protocol: Protocol, people: &str) -> Self {
        Self {
            protocol,
            people: people.to_string(),
            roster: None,
            group: None,
            facilitator: None,
            stages: Vec::new(),
            auto_advance: false,
            carried: Vec::new(),
            session: None,
            earlier_sessions: 0,
            carried_notes: Vec::new(),
            sequence: None,
        }
    }

    /// The group whose earlier sessions of this protocol this session takes from (its number
    /// in a course, notes carried to it): when one is named and the protocol is a course or
    /// carries notes.
    pub fn takes_from_group(&self) -> Option<&str> {
        let group = non_blank(self.group.as_deref())?;
        let p = &self.protocol;
        let carries = p.all_stages().any(|(_, s)| {
            Protocol::expected_records(s)
                .any(|x| x.carry && x.id.is_some() && x.record == RecordKind::Note)
        });
        (p.course.is_some() || carries).then_some(group)
    }

    /// This session's number in its course, and what to say about how it was found; `None`
    /// for a protocol that is not a course.
    fn session_number(&self) -> (Option<u32>, Option<String>) {
        let group = non_blank(self.group.as_deref());
        match (&self.protocol.course, self.session, group) {
            (None, Some(n), _) => (
                None,
                Some(format!(
                    "--session {n}: {} is not a course, so its sessions are not numbered.",
                    self.protocol.name
                )),
            ),
            (None, None, _) => (None, None),
            (Some(_), Some(n), _) => (Some(n), None),
            (Some(_), None, Some(_)) => (Some(self.earlier_sessions.saturating_add(1)), None),
            (Some(_), None, None) => (
                Some(1),
                Some(
                    "No group (--group NAME) and no --session N: this is taken as session 1 of \
                     the course."
                        .to_string(),
                ),
            ),
        }
    }

    /// The group whose open commitments this session follows up: when one is named and the
    /// protocol has a follow-up stage.
    pub fn follows_up(&self) -> Option<&str> {
        let group = non_blank(self.group.as_deref())?;
        self.protocol.all_stages().any(|(_, s)| s.follow_up).then_some(group)
    }

    /// The checked setup, or why it cannot start.
    pub fn check(self) -> Result<CheckedSetup, SetupRequestError> {
        let overrides = parse_overrides(&self.stages)?;
        let (session_number, numbering) = self.session_number();
        let people = match self.roster {
            Some(_) if !self.people.trim().is_empty() => {
                return Err(SetupRequestError::PeopleAndRoster);
            }
            Some(roster) => roster,
            // A format 1 protocol has no facts: names are taken as typed, parentheses and
            // all ("Ann (cover)"), as before format 2, so they match earlier logs.
            None if self.protocol.format == crate::protocol::FORMAT_1 => People {
                names: self.people.split(',').map(|n| n.trim().to_string()).collect(),
                facts: Facts::new(),
            },
            None => parse_people(&self.people)
                .map_err(|problem| SetupRequestError::People { problem })?,
        };
        // Names are kept as they look (NFC, no invisible characters), so two that look the
        // same are one person to the checks, and the log holds each person one way.
        let clashes = super::checks::name_clashes(&people.names);
        if clashes.iter().any(|c| c.contains("look the same")) {
            return Err(SetupRequestError::Refused {
                protocol: self.protocol.id.clone(),
                problems: clashes,
            });
        }
        let mut people = people.cleaned();
        label_keys(&mut people.facts, &self.protocol);
        let clean = |text: Option<&str>| {
            non_blank(text).map(crate::text::clean_name).filter(|t| !t.is_empty())
        };
        let setup = Setup {
            participants: people.names,
            facilitator: clean(self.facilitator.as_deref()),
            group_name: clean(self.group.as_deref()),
            protocol: self.protocol,
            overrides,
            auto_advance: self.auto_advance,
            carried: self.carried,
            facts: people.facts,
            session_number,
            carried_notes: self.carried_notes,
            sequence: self.sequence,
            planned_start: None,
            hard_stop: None,
        };
        match check_setup(&setup) {
            Ok(warnings) => {
                let warnings = numbering.into_iter().chain(warnings).collect();
                Ok(CheckedSetup { setup, warnings })
            }
            Err(e) => Err(SetupRequestError::Refused {
                protocol: setup.protocol.id.clone(),
                problems: e.0,
            }),
        }
    }
}

/// A fact given under the name the screen shows it by (a roster column "Problem category",
/// `Ann (problem category: pupil)`) is the protocol's fact of that label (`category`); a value
/// given under the key itself wins.
fn label_keys(facts: &mut Facts, protocol: &crate::protocol::Protocol) {
    for spec in &protocol.facts {
        let label = fact_key(&spec.label);
        if label == spec.key {
            continue;
        }
        for person in facts.values_mut() {
            if let Some(v) = person.remove(&label) {
                person.entry(spec.key.clone()).or_insert(v);
            }
        }
    }
}

/// A text with something in it, trimmed.
fn non_blank(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// Who takes part: the names in order, and the facts given for each (name → key → value).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct People {
    pub names: Vec<String>,
    pub facts: Facts,
}

impl People {
    /// The names (and the facts' names) as convene keeps them: [`crate::text::clean_name`].
    #[must_use]
    pub(crate) fn cleaned(self) -> Self {
        Self {
            names: self.names.iter().map(|n| crate::text::clean_name(n)).collect(),
            facts: self.facts.into_iter().map(|(n, f)| (crate::text::clean_name(&n), f)).collect(),
        }
    }
}

/// Splits `Ann, Ben,Cat` into names, each with its facts in parentheses:
/// `Ann (Oak Primary), Ben (Elm; category: parent), Cat (school: Ash; role: executive)`. A bare
/// value is the `school`; `key: value` pairs are separated by `;`; keys are made kebab-case
/// (`Problem category` → `problem-category`); a comma inside parentheses does not split names.
///
/// # Errors
/// A person whose parentheses do not read, named: `Ben: unclosed parenthesis`.
pub fn parse_people(text: &str) -> Result<People, String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut depth = 0i32;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth <= 0 => {
                items.push(std::mem::take(&mut current));
                depth = 0;
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    items.push(current);
    let mut people = People::default();
    for item in &items {
        let (name, facts) = parse_person(item)?;
        if !facts.is_empty() {
            people.facts.insert(name.clone(), facts);
        }
        people.names.push(name);
    }
    Ok(people)
}

/// How a name is quoted in a message: as typed, or escaped if it holds control characters.
fn shown(name: &str) -> String {
    if name.chars().any(crate::text::is_unsafe) {
        format!("\"{}\"", name.escape_default())
    } else if name.is_empty() {
        "a person with no name".to_string()
    } else {
        name.to_string()
    }
}

/// One person: `Ann`, or `Ann (Oak Primary; category: pupil)`.
fn parse_person(item: &str) -> Result<(String, BTreeMap<String, String>), String> {
    let item = item.trim();
    let Some(open) = item.find('(') else {
        if item.contains(')') {
            return Err(format!(
                "{}: a closing parenthesis without an opening one",
                shown(item.split(')').next().unwrap_or_default().trim())
            ));
        }
        return Ok((item.to_string(), BTreeMap::new()));
    };
    let name = item[..open].trim().to_string();
    let who = shown(&name);
    let rest = &item[open + 1..];
    let Some(close) = rest.rfind(')') else {
        return Err(format!(
            "{who}: unclosed parenthesis (write \"{name} (Oak Primary)\" or \"{name} (school: Oak Primary; category: parent)\")"
        ));
    };
    let after = rest[close + 1..].trim();
    if !after.is_empty() {
        return Err(format!(
            "{who}: \"{}\" comes after the closing parenthesis: put every fact inside it",
            after.escape_default()
        ));
    }
    let inner = &rest[..close];
    if inner.contains(['(', ')']) {
        return Err(format!("{who}: parentheses inside the parentheses: use ; between facts"));
    }
    let mut facts = BTreeMap::new();
    for part in inner.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = match part.split_once(':') {
            Some((k, v)) => (fact_key(k), v.trim()),
            None => (SCHOOL.to_string(), part),
        };
        if key.is_empty() {
            return Err(format!(
                "{who}: \"{}\" has no key before the colon",
                part.escape_default()
            ));
        }
        if value.is_empty() {
            return Err(format!("{who}: {key} has no value"));
        }
        if facts.insert(key.clone(), value.to_string()).is_some() {
            let hint = if key == SCHOOL && !part.contains(':') {
                ": a value without a key is the school; write others as key: value"
            } else {
                ""
            };
            return Err(format!("{who}: {key} is given twice{hint}"));
        }
    }
    Ok((name, facts))
}

/// A fact key as typed (`Problem category`, `problem_category`) in kebab-case:
/// `problem-category`.
pub(crate) fn fact_key(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '_' || c == '-')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

/// Reads `ID=DURATION` items into stage id → seconds.
pub(crate) fn parse_overrides(
    items: &[String],
) -> Result<BTreeMap<String, u64>, SetupRequestError> {
    let mut out = BTreeMap::new();
    for item in items {
        let Some((id, d)) = item.split_once('=') else {
            return Err(SetupRequestError::StageForm { item: item.clone() });
        };
        let secs = crate::protocol::parse_duration(d)
            .map_err(|problem| SetupRequestError::StageDuration { item: item.clone(), problem })?;
        out.insert(id.trim().to_string(), secs);
    }
    Ok(out)
}

/// The largest roster file read: 4 MiB (2,000 people with a few facts each take about 200 KiB).
pub const MAX_ROSTER_BYTES: u64 = 4 * 1024 * 1024;

/// Reads a roster file's bytes (CSV, shown as `file` in messages): a header row with a `name`
/// column (any case), whose other columns become facts (the header in kebab-case: `Problem
/// category` → `problem-category`). A UTF-8 byte-order mark is skipped; blank rows and blank
/// cells are ignored. At most [`super::checks::MAX_PARTICIPANTS`] people; reading is linear in
/// the rows.
///
/// # Errors
/// The problem, with the file, the line and the column: `people.csv:4: column "school": ...`.
pub fn parse_roster(bytes: &[u8], file: &str) -> Result<People, String> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(bytes);
    let mut records = reader.byte_records();
    let line_of = |e: &csv::Error| e.position().map_or(1, csv::Position::line);
    let read_error = |e: &csv::Error| match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("{file}:{}: {len} columns, but the header row has {expected_len}", line_of(e))
        }
        _ => format!("{file}:{}: {e}", line_of(e)),
    };
    let header = match records.next() {
        None => {
            return Err(format!(
                "{file}: the file is empty: the first row names the columns, one of them \"name\""
            ));
        }
        Some(Err(e)) => return Err(read_error(&e)),
        Some(Ok(h)) => h,
    };
    let mut keys = Vec::new();
    for (i, cell) in header.iter().enumerate() {
        let Ok(text) = std::str::from_utf8(cell) else {
            return Err(format!("{file}:1: column {}: the header is not UTF-8 text", i + 1));
        };
        let key = fact_key(text);
        if text.chars().any(crate::text::is_unsafe) {
            return Err(format!(
                "{file}:1: column {}: \"{}\" contains a control character",
                i + 1,
                text.escape_default()
            ));
        }
        if !key.is_empty() && keys.contains(&key) {
            return Err(format!(
                "{file}:1: column {}: \"{key}\" is a second column of that name",
                i + 1
            ));
        }
        keys.push(key);
    }
    let Some(name_col) = keys.iter().position(|k| k == "name") else {
        return Err(format!(
            "{file}:1: no \"name\" column: the first row names the columns, such as name,school,category"
        ));
    };
    let mut people = People::default();
    for record in records {
        let record = record.map_err(|e| read_error(&e))?;
        let line = record.position().map_or(0, csv::Position::line);
        let mut cells = Vec::new();
        for (i, cell) in record.iter().enumerate() {
            let column = keys.get(i).map_or_else(|| format!("{}", i + 1), |k| format!("\"{k}\""));
            let Ok(text) = std::str::from_utf8(cell) else {
                return Err(format!("{file}:{line}: column {column}: not UTF-8 text"));
            };
            let text = text.trim();
            if text.chars().any(crate::text::is_unsafe) {
                return Err(format!(
                    "{file}:{line}: column {column}: \"{}\" contains a control character or escape sequence",
                    text.escape_default()
                ));
            }
            cells.push(text);
        }
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        let name = cells.get(name_col).copied().unwrap_or_default();
        if name.is_empty() {
            return Err(format!("{file}:{line}: column \"name\": the name is empty"));
        }
        let facts: BTreeMap<String, String> = keys
            .iter()
            .zip(&cells)
            .enumerate()
            .filter(|(i, (k, v))| *i != name_col && !k.is_empty() && !v.is_empty())
            .map(|(_, (k, v))| (k.clone(), (*v).to_string()))
            .collect();
        if !facts.is_empty() {
            people.facts.insert(name.to_string(), facts);
        }
        people.names.push(name.to_string());
    }
    if people.names.is_empty() {
        return Err(format!("{file}: no people: the rows after the header each name one"));
    }
    if people.names.len() > super::checks::MAX_PARTICIPANTS {
        return Err(format!("{file}: {}", super::checks::too_many_people(people.names.len())));
    }
    Ok(people)
}
