//! `convene protocols`: list, show and validate.

use std::fmt::Write as _;
use std::process::ExitCode;

use serde::Serialize;

use crate::config::Dirs;
use crate::output;
use crate::protocol::{
    Cue, ExtensionPolicy, GroupRules, Library, Minutes, OrderRule, Part, Per, Protocol,
    RecordField, RoleCount, Rounds, StageSpec, TimeSpan, Timing, clock, load_file,
};
use crate::review::fmt::cut;
use crate::session::plan::{Quote, typical_people};
use crate::text::{plural, sanitize};

/// The widest each column of the `convene protocols` table may be, in characters, except the
/// last (FROM), which is never padded. Longer cells are cut with `…`. No user text ever sets a
/// formatting width: the table pads by hand.
const COLUMN_MAX: [usize; 5] = [32, 40, 40, 32, 24];

/// Loads the library the way every command does: built-ins plus the user folder.
pub(crate) fn library(dirs: &Dirs) -> Library {
    Library::standard(dirs.protocols_dir.as_deref())
}

/// What `convene protocols` was asked (`--people` and `--json` given before the action, as in
/// `protocols --json list`, already merged into it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// The table of every protocol, totals quoted for `people` when given.
    List { people: Option<usize>, json: bool },
    /// One protocol, a library id or a path.
    Show { protocol: String, people: Option<usize>, json: bool },
    /// Check these files.
    Validate { files: Vec<std::path::PathBuf> },
    /// The JSON Schema of protocol files.
    Schema,
}

pub fn run(dirs: &Dirs, request: &Request) -> color_eyre::Result<ExitCode> {
    match request {
        Request::List { people, json: true } => Ok(output::finish(output::print_document(
            output::schema::PROTOCOLS,
            &list_json(&library(dirs), *people),
        ))),
        Request::List { people, json: false } => {
            Ok(output::finish(output::print(&list(&library(dirs), *people))))
        }
        Request::Show { protocol, people, json } => match library(dirs).resolve(protocol) {
            Ok(p) if *json => Ok(output::finish(output::print_document(
                output::schema::PROTOCOL,
                &show_json(&p, *people),
            ))),
            Ok(p) => Ok(output::finish(output::print(&show(&p, *people)))),
            Err(e) => Ok(output::fail(output::BAD_INPUT, &e)),
        },
        Request::Validate { files } => {
            let mut ok = true;
            let mut text = String::new();
            for f in files {
                match load_file(f) {
                    Ok(p) => {
                        text.push_str(&summary_line(&crate::protocol::load::display_path(f), &p));
                        text.push('\n');
                    }
                    Err(e) => {
                        ok = false;
                        output::info(&e.to_string());
                    }
                }
            }
            let printed = output::print(&text);
            if printed.is_err() {
                return Ok(output::finish(printed));
            }
            Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(output::BAD_INPUT) })
        }
        Request::Schema => Ok(output::finish(output::print_json(&protocol_schema()))),
    }
}

/// The JSON Schema of protocol files (formats 1 and 2), generated from the model's types: what
/// `convene protocols schema` prints and `schema/protocol.schema.json` holds. It checks a file's
/// shape (fields, types, duration syntax); `convene protocols validate` checks the rest (role
/// references, durations that fit, unique ids).
pub(crate) fn protocol_schema() -> serde_json::Value {
    let mut schema =
        serde_json::to_value(schemars::schema_for!(Protocol)).unwrap_or(serde_json::Value::Null);
    if let Some(map) = schema.as_object_mut() {
        map.insert("title".into(), "convene protocol file".into());
    }
    schema
}

/// `ok  FILE: id "Name", N stages, total T`.
pub fn summary_line(path: &str, p: &Protocol) -> String {
    let n = typical_people(p);
    let stages = p.all_stages().count();
    format!(
        "ok  {path}: {} \"{}\", {}, {}, {}",
        p.id,
        sanitize(&p.name),
        plural(p.roles.len(), "role", "roles"),
        plural(stages, "stage", "stages"),
        total_phrase(p, n)
    )
}

/// Whether a session of `n` people is allowed by the protocol's group size.
fn fits(p: &Protocol, n: usize) -> bool {
    n >= p.group.min as usize && p.group.max.is_none_or(|m| n <= m as usize)
}

fn depends_on_people(p: &Protocol) -> bool {
    matches!(p.rotation.rounds, Rounds::PerMember) && !p.round.is_empty()
}

/// The planned total in words, as the start card shows it for `n` people: "total 24:00 for 6
/// people"; for a course whose later sessions run more stages, "total 2:15:00 for session 1,
/// 2:30:00 from session 2".
fn total_phrase(p: &Protocol, n: usize) -> String {
    let q = Quote::new(p, n);
    let mut total = format!("total {}", clock(q.first_ms / 1000, Minutes::Padded));
    if depends_on_people(p) {
        let _ = write!(total, " for {n} people");
    }
    total.push_str(&q.later_phrase());
    total
}

/// Describes who can take part: "2-5", "2+", "3-12 in groups of 3", and a recommended most
/// (format 2's `recommended_max`, a warning, never a refusal) as "3-12 advised".
pub(crate) fn people_phrase(p: &Protocol) -> String {
    let g = &p.group;
    let range = match (g.max, g.recommended_max) {
        (Some(max), _) if max == g.min => format!("{max}"),
        (Some(max), Some(advised)) if advised < max => {
            format!("{}-{max} ({advised} advised)", g.min)
        }
        (Some(max), _) => format!("{}-{max}", g.min),
        (None, Some(advised)) if advised > g.min => format!("{}-{advised} advised", g.min),
        (None, _) => format!("{}+", g.min),
    };
    match g.split_into {
        Some(s) => format!("{range} in groups of {s}"),
        None => range,
    }
}

/// The table printed by `convene protocols`.
pub fn list(lib: &Library, people: Option<usize>) -> String {
    let mut rows: Vec<[String; 6]> = vec![[
        "ID".into(),
        "NAME".into(),
        "ROLES".into(),
        "PEOPLE".into(),
        "TOTAL".into(),
        "FROM".into(),
    ]];
    let mut notes = Vec::new();
    let mut broken = Vec::new();
    for e in &lib.entries {
        match &e.protocol {
            Ok(p) => {
                if let Some(by) = &e.shadowed_by {
                    notes.push(format!(
                        "{} ({}) is replaced by {}",
                        p.id,
                        e.origin.describe(),
                        by.describe()
                    ));
                    continue;
                }
                let n = people.unwrap_or_else(|| typical_people(p));
                // Session 1's total, and the last session's when a course's later sessions run
                // more stages: what the start card shows for that many people.
                let q = Quote::new(p, n);
                let mut total = clock(q.first_ms / 1000, Minutes::Padded);
                if let Some((_, ms)) = q.later.last() {
                    let _ = write!(total, ", later {}", clock(ms / 1000, Minutes::Padded));
                }
                let total = match (depends_on_people(p), fits(p, n)) {
                    (true, true) => format!("{total} for {n}"),
                    (true, false) => format!("{total} for {n} (not allowed)"),
                    _ => total,
                };
                let mut from = e.origin.describe();
                if e.replaces_builtin {
                    from.push_str(" (replaces built-in)");
                }
                let roles: Vec<String> = p.roles.iter().map(|r| sanitize(&r.id)).collect();
                rows.push([
                    sanitize(&p.id),
                    sanitize(&p.name),
                    roles.join(", "),
                    people_phrase(p),
                    total,
                    from,
                ]);
            }
            // Every load error already starts with the file it is about.
            Err(err) => broken.push(err.to_string()),
        }
    }
    for row in &mut rows {
        for (cell, max) in row.iter_mut().zip(COLUMN_MAX) {
            *cell = cut(cell, max);
        }
    }
    // Fitted to the terminal by cutting NAME, ROLES, PEOPLE or FROM (never when piped).
    let rows: Vec<Vec<String>> = rows.into_iter().map(Vec::from).collect();
    let mut out = crate::review::fmt::fitted_table(&rows, output::table_width(), &[1, 2, 3, 5]);
    for n in notes {
        let _ = writeln!(out, "note: {n}");
    }
    if !broken.is_empty() {
        let _ = writeln!(out, "\nCould not load {}:", plural(broken.len(), "file", "files"));
        for b in broken {
            let _ = writeln!(out, "  {b}");
        }
    }
    out
}

/// One protocol in `convene protocols --json`.
#[derive(Debug, Serialize)]
pub(crate) struct ListedProtocol<'a> {
    pub id: &'a str,
    pub name: &'a str,
    /// The role ids, in order.
    pub roles: Vec<&'a str>,
    /// Who can take part, as in the protocol file.
    pub group: &'a GroupRules,
    /// The same in words: `2-5`, `3-12 in groups of 3`.
    pub people_text: String,
    /// The head count the total is for: `--people`, or the protocol's typical group.
    pub people: usize,
    /// Whether the protocol allows that many people.
    pub allowed: bool,
    /// The planned total for that many people, in milliseconds (session 1's, in a course).
    pub total_ms: u64,
    /// In a course whose later sessions run more stages: from which session on, and the total.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub later_totals: Vec<LaterTotal>,
    /// Whether the total depends on the head count (a round per member).
    pub total_depends_on_people: bool,
    /// `built-in`, or the file it was loaded from.
    pub origin: String,
    /// A user file that replaces the built-in of the same id.
    pub replaces_builtin: bool,
}

/// A protocol replaced by another with the same id.
#[derive(Debug, Serialize)]
pub(crate) struct Replaced<'a> {
    pub id: &'a str,
    pub origin: String,
    pub by: String,
}

/// A file in the user's folder that could not be loaded.
#[derive(Debug, Serialize)]
pub(crate) struct Unloadable {
    pub origin: String,
    /// The error, starting with the file and its line:column.
    pub problem: String,
}

/// `convene protocols --json` (schema `convene-protocols/1`).
#[derive(Debug, Serialize)]
pub(crate) struct ListJson<'a> {
    pub protocols: Vec<ListedProtocol<'a>>,
    pub replaced: Vec<Replaced<'a>>,
    pub unreadable: Vec<Unloadable>,
}

pub(crate) fn list_json(lib: &Library, people: Option<usize>) -> ListJson<'_> {
    let mut doc = ListJson { protocols: Vec::new(), replaced: Vec::new(), unreadable: Vec::new() };
    for e in &lib.entries {
        match &e.protocol {
            Ok(p) => {
                if let Some(by) = &e.shadowed_by {
                    doc.replaced.push(Replaced {
                        id: &p.id,
                        origin: e.origin.describe(),
                        by: by.describe(),
                    });
                    continue;
                }
                let n = people.unwrap_or_else(|| typical_people(p));
                let q = Quote::new(p, n);
                doc.protocols.push(ListedProtocol {
                    id: &p.id,
                    name: &p.name,
                    roles: p.roles.iter().map(|r| r.id.as_str()).collect(),
                    group: &p.group,
                    people_text: people_phrase(p),
                    people: n,
                    allowed: fits(p, n),
                    total_ms: q.first_ms,
                    later_totals: later_totals(&q),
                    total_depends_on_people: depends_on_people(p),
                    origin: e.origin.describe(),
                    replaces_builtin: e.replaces_builtin,
                });
            }
            Err(err) => {
                doc.unreadable
                    .push(Unloadable { origin: e.origin.describe(), problem: err.to_string() });
            }
        }
    }
    doc
}

/// `convene protocols show --json` (schema `convene-protocol/1`).
#[derive(Debug, Serialize)]
pub struct ShowJson<'a> {
    /// The head count the rounds and total are for: `--people`, or the typical group.
    pub people: usize,
    pub allowed: bool,
    pub rounds: usize,
    /// The planned total for that many people, in milliseconds (session 1's, in a course).
    pub total_ms: u64,
    /// In a course whose later sessions run more stages: from which session on, and the total.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub later_totals: Vec<LaterTotal>,
    /// The protocol as in its file (docs/protocol-format.md).
    pub protocol: &'a Protocol,
}

pub fn show_json(p: &Protocol, people: Option<usize>) -> ShowJson<'_> {
    let n = people.unwrap_or_else(|| typical_people(p));
    let q = Quote::new(p, n);
    ShowJson {
        people: n,
        allowed: fits(p, n),
        rounds: q.rounds,
        total_ms: q.first_ms,
        later_totals: later_totals(&q),
        protocol: p,
    }
}

/// A later session's planned total (`later_totals` in the JSON).
#[derive(Debug, Serialize)]
pub struct LaterTotal {
    pub from_session: u32,
    pub total_ms: u64,
}

fn later_totals(q: &Quote) -> Vec<LaterTotal> {
    q.later.iter().map(|(from, ms)| LaterTotal { from_session: *from, total_ms: *ms }).collect()
}

/// The text printed by `convene protocols show`.
pub fn show(p: &Protocol, people: Option<usize>) -> String {
    let n = people.unwrap_or_else(|| typical_people(p));
    let rounds = Quote::new(p, n).rounds;
    let mut o = String::new();
    let _ = writeln!(o, "{} ({})", sanitize(&p.name), p.id);
    let _ = writeln!(o, "Source: {}", sanitize(&p.source));
    let _ = writeln!(o, "\n{}\n", wrap(&sanitize(&p.summary), 96, ""));
    let _ = writeln!(o, "Roles");
    for r in &p.roles {
        let count = match r.count {
            RoleCount::Exact(n) => n.to_string(),
            RoleCount::Rest => "the rest".into(),
        };
        let team = if r.team { ", a team" } else { "" };
        let _ = writeln!(o, "  {} ({count}{team}): {}", sanitize(&r.name), sanitize(&r.guidance));
    }
    if let Some(f) = &p.facilitator {
        let _ = writeln!(o, "  Facilitator: {}", sanitize(&f.rule));
    }
    let _ = writeln!(o, "\nPeople: {}", people_phrase(p));
    if let Some(m) = p.group.multiple_of {
        let _ = writeln!(o, "  best in multiples of {m}");
    }
    people_facts(&mut o, p);
    if let Some(c) = &p.course {
        let _ = writeln!(o, "Course: {} sessions", sanitize(&c.sessions));
    }
    let rounds_text = match p.rotation.rounds {
        Rounds::Once => "one".to_string(),
        Rounds::Fixed(k) => k.to_string(),
        Rounds::PerMember => format!("one per member ({rounds} for {n} people)"),
        Rounds::RoleCycle => format!("one per role ({rounds}): everyone holds each role once"),
    };
    let _ = writeln!(o, "Rounds: {rounds_text}");
    if p.rotation.order == OrderRule::GroupChooses {
        let _ = writeln!(o, "  the group chooses the presenting order at the start");
    }
    let mut number = 0;
    for (part, title) in [
        (Part::Opening, "Opening (once)".to_string()),
        (
            Part::Round,
            format!("Each round (x{rounds}, {} each)", clock(round_secs(p), Minutes::Padded)),
        ),
        (Part::Closing, "Closing (once)".to_string()),
    ] {
        let stages: Vec<&StageSpec> =
            p.all_stages().filter(|(pt, _)| *pt == part).map(|(_, s)| s).collect();
        if stages.is_empty() {
            continue;
        }
        let _ = writeln!(o, "\n{title}");
        if part == Part::Round {
            match p.round_extension {
                Some(ExtensionPolicy::GroupAgreement) => {
                    let _ = writeln!(
                        o,
                        "  a round runs past its planned total only with the group's agreement; \
                         time moves freely between its stages"
                    );
                }
                Some(ExtensionPolicy::NotAllowed) => {
                    let _ = writeln!(o, "  a round may not run past its planned total");
                }
                Some(ExtensionPolicy::Free) | None => {}
            }
        }
        for s in stages {
            number += 1;
            stage_block(&mut o, p, s, number);
        }
    }
    let _ = writeln!(o, "\nTotal: {}", total_phrase(p, n).trim_start_matches("total "));
    if !fits(p, n) {
        let _ = writeln!(
            o,
            "(note: {} takes {} people, so a session of {n} would be refused)",
            sanitize(&p.name),
            people_phrase(p)
        );
    }
    if let Some(word) = p.origin.mark() {
        let _ = writeln!(o, "({word}: the sources give no running order for this session)");
    }
    if has_marks(p) {
        let _ = writeln!(
            o,
            "(suggested: the sources leave it open; added: the sources do not mention it)"
        );
    }
    if p.all_stages().any(|(_, s)| s.timing == Timing::Suggested) {
        let _ = writeln!(
            o,
            "(* suggested: the source gives no duration; change it with --stage ID=DURATION)"
        );
    }
    markers_and_norms(&mut o, p);
    o
}

/// Whether anything in the protocol below its top level is marked as ours (format 2).
fn has_marks(p: &Protocol) -> bool {
    let ours = |o: crate::protocol::Provenance| !o.is_source();
    p.markers.iter().any(|m| ours(m.origin))
        || p.all_stages().any(|(_, s)| {
            ours(s.origin)
                || s.speak.iter().chain(&s.silent).any(|c| ours(c.origin))
                || s.cues.iter().any(|c| ours(c.origin))
                || s.warning.as_ref().is_some_and(|w| ours(w.origin))
                || Protocol::expected_records(s)
                    .any(|x| ours(x.origin) || x.require.iter().any(|r| ours(r.origin)))
        })
}

/// The session's elapsed-time markers (format 2) and the norms, the source's then ours.
fn markers_and_norms(o: &mut String, p: &Protocol) {
    if !p.markers.is_empty() {
        let _ = writeln!(o, "\nMarkers on the session's elapsed time");
        for m in &p.markers {
            let at = clock(m.after.secs(), Minutes::Padded);
            let warn = if m.warn { "warning: " } else { "" };
            let _ = writeln!(o, "  {at}  {warn}{}{}", sanitize(&m.message), m.origin.suffix());
        }
    }
    if p.norm_count() > 0 {
        let _ = writeln!(o, "\nNorms");
        for (norm, origin) in p.all_norms() {
            let _ = writeln!(o, "  - {}{}", sanitize(norm), origin.note());
        }
    }
}

/// The format 2 group rules and facts: advice, one per school, mixed groups, facts asked for.
fn people_facts(o: &mut String, p: &Protocol) {
    let g = &p.group;
    let label = |key: &str| {
        p.facts.iter().find(|f| f.key == key).map_or_else(|| sanitize(key), |f| sanitize(&f.label))
    };
    if let Some(key) = &g.one_per {
        let _ = writeln!(o, "  one member per {} expected", label(key).to_lowercase());
    }
    if let Some(key) = &g.mix {
        let _ = writeln!(o, "  groups mixed by {}", label(key).to_lowercase());
    }
    for f in &p.facts {
        let choices = if f.choices.is_empty() {
            String::new()
        } else {
            let c: Vec<String> = f.choices.iter().map(|c| sanitize(c)).collect();
            format!(": {}", c.join(", "))
        };
        let required = if f.required { ", asked of everyone" } else { "" };
        let _ = writeln!(o, "  fact {} ({}{required}){choices}", sanitize(&f.label), f.key);
    }
}

/// A duration as the clock shows it (`03:00`).
fn short(d: &TimeSpan) -> String {
    clock(d.secs(), Minutes::Padded)
}

fn round_secs(p: &Protocol) -> u64 {
    p.round.iter().map(|s| s.duration.secs()).fold(0, u64::saturating_add)
}

fn stage_block(o: &mut String, p: &Protocol, s: &StageSpec, number: usize) {
    let secs = s.duration.secs();
    let mark = if s.timing == Timing::Suggested { " *" } else { "" };
    let title = format!("{number}. {}", sanitize(&s.title()));
    // A duration range shows as one: planned at its lower end, up to its upper end.
    let duration = match s.duration.upper_secs() {
        Some(high) => {
            format!("{}-{}", clock(secs, Minutes::Padded), clock(high, Minutes::Padded))
        }
        None => clock(secs, Minutes::Padded),
    };
    let _ = writeln!(o, "  {title:<52} {duration:>7}{mark}   [{}]{}", s.id, s.origin.suffix());
    let cues = |label: &str, cues: &[Cue], o: &mut String| {
        for c in cues {
            let _ = writeln!(
                o,
                "       {label}: {} - {}{}",
                p.role_name(&c.role),
                sanitize(&c.cue),
                c.origin.suffix()
            );
        }
    };
    cues("speaks", &s.speak, o);
    cues("silent", &s.silent, o);
    for q in &s.prompts {
        let _ = writeln!(o, "       prompt: {}", sanitize(q));
    }
    if let Some(w) = &s.warning {
        let who = w.role.as_deref().map(|r| format!("{}: ", p.role_name(r))).unwrap_or_default();
        let _ = writeln!(
            o,
            "       warning: {} before the end - {who}{}{}",
            short(&w.before),
            sanitize(&w.message),
            w.origin.suffix()
        );
    }
    if s.optional {
        let _ = writeln!(o, "       optional: run or skipped by the facilitator");
    }
    if let Some(g) = &s.can_give {
        let _ =
            writeln!(o, "       may give time to land on a hard stop, down to {}", short(&g.min));
    }
    if let Some(n) = s.from_session {
        let _ = writeln!(o, "       from session {n} of the course on");
    }
    match s.until_session {
        Some(1) => {
            let _ = writeln!(o, "       in session 1 of the course only");
        }
        Some(n) => {
            let _ = writeln!(o, "       up to session {n} of the course");
        }
        None => {}
    }
    if let Some(id) = &s.carried {
        let _ = writeln!(o, "       shows what the group recorded last time for {}", sanitize(id));
    }
    for c in &s.cues {
        let when = match (&c.before, &c.after) {
            (Some(b), _) => format!("{} before the end", short(b)),
            (None, Some(a)) => format!("{} in", short(a)),
            (None, None) => String::new(),
        };
        let who = c.role.as_deref().map(|r| format!("{}: ", p.role_name(r))).unwrap_or_default();
        let _ =
            writeln!(o, "       cue: {when} - {who}{}{}", sanitize(&c.message), c.origin.suffix());
    }
    for x in Protocol::expected_records(s) {
        let mut extra = Vec::new();
        if x.per == Some(Per::Participant) {
            extra.push("one per participant".to_string());
        }
        for f in &x.require {
            let what = match f.field {
                RecordField::Due => "with a time frame",
                RecordField::About => "with what it is about",
            };
            extra.push(format!("{what}{}", f.origin.suffix()));
        }
        if x.carry {
            extra.push("carried to the group's next session".into());
        }
        let extra =
            if extra.is_empty() { String::new() } else { format!(" ({})", extra.join("; ")) };
        let _ = writeln!(o, "       expects: {}{extra}{}", sanitize(&x.label), x.origin.suffix());
    }
    if s.follow_up {
        let _ = writeln!(o, "       follows up the group's open commitments from earlier sessions");
    }
    match p.extension_for(s) {
        ExtensionPolicy::Free => {}
        ExtensionPolicy::GroupAgreement => {
            let _ = writeln!(o, "       extension: only with the group's agreement");
        }
        ExtensionPolicy::NotAllowed => {
            let _ = writeln!(o, "       extension: not allowed");
        }
    }
}

/// Greedy word wrap, measured in the columns the terminal shows.
pub(crate) fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    for word in text.split_whitespace() {
        if line.len() > indent.len()
            && crate::text::width(&line) + 1 + crate::text::width(word) > width
        {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(indent);
        }
        if line.len() > indent.len() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(line.trim_end());
    out
}
