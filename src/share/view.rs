//! What a shared page may know: the public view of a session, a pure function of its state.
//!
//! Only the protocol's name, the stage, its timing, the roles, their cues and the people's names
//! (as `--share-names` asks) leave the laptop. Never a note, a commitment, a record's text, a
//! participant's facts (schools, categories), a path, the group's name or anything from another
//! session: [`project`] reads none of them, and the tests below check the bytes.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::session::display::{held_cues, roles_in_round, roles_round};
use crate::session::{Event, SessionState, Status};

/// How people's names are shown on the shared page (`--share-names`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Names {
    /// Names as typed on the roster
    Full,
    /// First names: "Ann Lee" shows as "Ann" ("Ann L." where two share a first name)
    #[default]
    First,
    /// Initials: "Ann Lee" shows as "A.L."
    Initials,
    /// No names: "Person 1", "Person 2" and so on, in roster order
    None,
}

impl Names {
    /// Every choice, in the order the help lists them.
    pub(crate) const ALL: [Names; 4] = [Names::Full, Names::First, Names::Initials, Names::None];

    /// The choice a word names (`first`), as the command line and config.toml spell it.
    pub(crate) fn from_word(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|n| n.word() == word)
    }

    /// The word used on the command line and in config.toml.
    pub(crate) fn word(self) -> &'static str {
        match self {
            Names::Full => "full",
            Names::First => "first",
            Names::Initials => "initials",
            Names::None => "none",
        }
    }
}

/// The shown name of every person in the session (participants, then the facilitator).
fn shown_names(s: &SessionState, policy: Names) -> BTreeMap<String, String> {
    let mut people: Vec<&String> = s.setup.participants.iter().collect();
    for n in &s.order {
        if !people.contains(&n) {
            people.push(n);
        }
    }
    let mut out = BTreeMap::new();
    let words = |n: &str| n.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    for (i, n) in people.iter().enumerate() {
        let w = words(n);
        let shown = match policy {
            Names::Full => (*n).clone(),
            Names::None => format!("Person {}", i + 1),
            Names::Initials => initials(n),
            Names::First => {
                let first = w.first().cloned().unwrap_or_default();
                let shared = people.iter().filter(|o| words(o).first() == Some(&first)).count();
                match (shared > 1, w.get(1).and_then(|l| l.chars().next())) {
                    (true, Some(c)) => format!("{first} {c}."),
                    _ => first,
                }
            }
        };
        out.insert((*n).clone(), shown);
    }
    if let Some(f) = &s.setup.facilitator {
        let shown = match policy {
            Names::Full => f.clone(),
            Names::None => String::new(),
            Names::Initials => initials(f),
            Names::First => f.split_whitespace().next().unwrap_or_default().to_string(),
        };
        out.entry(f.clone()).or_insert(shown);
    }
    out
}

/// "Ann Lee" → "A.L.".
fn initials(name: &str) -> String {
    let mut out = String::new();
    for c in name.split_whitespace().filter_map(|p| p.chars().next()) {
        out.extend(c.to_uppercase());
        out.push('.');
    }
    out
}

/// The public view after one log event. Sent as the `data` of a server-sent event whose `id`
/// is the event's sequence number in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicView {
    /// What happened: the log event's type (`stage-entered`, `warning-reached`, `time-up`,
    /// `cue-reached`, `paused`, …), or `snapshot` for the state when a page connects.
    pub kind: String,
    pub protocol: String,
    /// `ready`, `running`, `paused` or `ended`.
    pub status: &'static str,
    /// Paused because the facilitator left the session, to resume it later (`q`, then `l`): the
    /// page says so, as the mirror does, rather than only PAUSED.
    pub left: bool,
    pub stage: Option<StageView>,
    pub clock: Option<ClockView>,
    /// The laptop's wall clock at this event (ms since 1970).
    pub at: i64,
    /// Who speaks and who stays silent now.
    pub cues: Vec<CueView>,
    /// The stage's warning: what it says and which role acts on it.
    pub warning: Option<RoleMessage>,
    /// Format 2: the timed cue shown now.
    pub timed: Option<RoleMessage>,
    /// The groups with their roles now (empty where no round's roles hold).
    pub groups: Vec<Vec<Member>>,
    /// The groups with their roles next round, if there is one.
    pub next_groups: Vec<Vec<Member>>,
    /// 1-based round whose roles `groups` shows; `rounds` in all.
    pub round: Option<usize>,
    pub rounds: usize,
    pub next_stage: Option<StageView>,
    /// Everyone's shown name, in roster order: the names a page offers to pick from.
    pub people: Vec<String>,
    /// The facilitator's shown name, if named.
    pub facilitator: Option<String>,
    /// The message to the room shown now ("Back at 10:45"): public by design, as on the
    /// projector.
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageView {
    pub name: String,
    pub subtitle: Option<String>,
    /// 1-based position in the running order, of `count`.
    pub pos: usize,
    pub count: usize,
}

/// The stage's timing: enough for a page to count down by itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClockView {
    /// When the countdown reaches zero, on the laptop's wall clock (ms since 1970); `None` while
    /// paused or before the start.
    pub deadline: Option<i64>,
    /// Milliseconds left at `at` (negative in overrun): the frozen time while paused.
    pub remaining_ms: i64,
    pub budget_ms: u64,
    /// The WRAP UP window before zero, if the stage has a warning.
    pub warn_ms: Option<u64>,
    /// Format 2: how long past zero the stage is still within its range.
    pub range_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CueView {
    pub silent: bool,
    /// The role's id (`facilitator` and `everyone` included), for a page to find a person's own.
    pub role: String,
    pub label: String,
    pub names: Vec<String>,
    pub cue: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleMessage {
    pub role: Option<String>,
    pub label: Option<String>,
    pub names: Vec<String>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    pub name: String,
    pub role: String,
    pub label: String,
}

/// Whether a log event can change what a page shows. Notes, commitments, their follow-ups and
/// facts never do: they are not sent at all, not even as an empty update.
pub fn is_public(e: &Event) -> bool {
    !matches!(
        e,
        Event::NoteAdded { .. }
            | Event::CommitmentAdded { .. }
            | Event::CommitmentUpdated { .. }
            | Event::FactSet { .. }
            | Event::ExtensionRefused { .. }
            // Sharing itself changes nothing the room sees.
            | Event::SharingStarted { .. }
            | Event::SharingStopped
    )
}

/// The event's type as the log writes it (`stage-entered`).
pub fn kind_of(e: &Event) -> String {
    serde_json::to_value(e)
        .ok()
        .and_then(|v| v.get("type").and_then(|t| t.as_str().map(str::to_string)))
        .unwrap_or_else(|| "update".into())
}

/// The public view of `s` as it stands after an event stamped `mono` on the session's monotonic
/// axis and `wall` on the laptop's wall clock (ms since 1970).
#[allow(clippy::too_many_lines)] // one field after another, in the order sent
pub fn project(s: &SessionState, kind: &str, mono: u64, wall: i64, policy: Names) -> PublicView {
    let shown = shown_names(s, policy);
    let name = |n: &String| shown.get(n).cloned().unwrap_or_default();
    let p = &s.setup.protocol;
    let status = match s.status {
        Status::NotStarted => "ready",
        Status::Ended(_) => "ended",
        Status::Running if s.paused => "paused",
        Status::Running => "running",
    };
    let running = matches!(s.status, Status::Running);
    let stage_at = |pos: usize| {
        s.spec(pos).map(|spec| StageView {
            name: spec.name.clone(),
            subtitle: spec.subtitle.clone(),
            pos: pos + 1,
            count: s.stages.len(),
        })
    };
    let stage = if running { stage_at(s.pos) } else { None };
    let next_stage = match s.status {
        Status::NotStarted => stage_at(0),
        Status::Running => stage_at(s.pos + 1),
        Status::Ended(_) => None,
    };
    let clock = s.clock().filter(|_| running).map(|c| {
        let remaining_ms = c.remaining(s.effective(mono));
        ClockView {
            deadline: (!s.paused).then_some(wall + remaining_ms),
            remaining_ms,
            budget_ms: c.budget_ms,
            warn_ms: c.warn_ms,
            range_ms: c.range_ms,
        }
    });
    let cues = if running {
        let spec = s.spec(s.pos);
        let roles: Vec<String> = spec
            .map(|sp| sp.speak.iter().chain(sp.silent.iter()).map(|c| c.role.clone()).collect())
            .unwrap_or_default();
        held_cues(s)
            .into_iter()
            .zip(roles)
            .map(|(h, role)| CueView {
                silent: h.silent,
                role,
                label: h.label,
                names: h.names.iter().map(name).collect(),
                cue: h.cue,
            })
            .collect()
    } else {
        Vec::new()
    };
    let role_message = |role: &Option<String>, message: &str| {
        let (label, names) = match role {
            Some(r) => {
                let (label, names) = crate::session::display::role_label(s, r);
                (Some(label), names.iter().map(name).collect())
            }
            None => (None, Vec::new()),
        };
        RoleMessage { role: role.clone(), label, names, message: message.to_string() }
    };
    let spec = s.spec(s.pos).filter(|_| running);
    let warning =
        spec.and_then(|sp| sp.warning.as_ref()).map(|w| role_message(&w.role, &w.message));
    let timed = spec.and_then(|sp| {
        let i = s.clock()?.shown_cue?;
        let cue = sp.cues.get(i)?;
        Some(role_message(&cue.role, &cue.message))
    });
    let members = |round: usize| -> Vec<Vec<Member>> {
        roles_in_round(s, round)
            .into_iter()
            .map(|g| {
                g.into_iter()
                    .map(|(n, role)| Member { name: name(&n), label: p.role_name(&role), role })
                    .collect()
            })
            .collect()
    };
    let round = if matches!(s.status, Status::Ended(_)) { None } else { roles_round(s) };
    let groups = round.map(members).unwrap_or_default();
    let next_round = match (s.status, round) {
        (Status::NotStarted, _) if s.rounds > 0 => Some(0),
        (Status::Running, Some(r)) if r + 1 < s.rounds => Some(r + 1),
        (Status::Running, None) => {
            // Between rounds (an opening stage): the next round stage's roles.
            s.stages.iter().skip(s.pos).find_map(|r| r.round)
        }
        _ => None,
    };
    let next_groups = next_round.filter(|n| Some(*n) != round).map(members).unwrap_or_default();
    PublicView {
        kind: kind.to_string(),
        protocol: p.name.clone(),
        status,
        left: running && s.paused && s.left_to_resume,
        stage,
        clock,
        at: wall,
        cues,
        warning,
        timed,
        groups,
        next_groups,
        round: round.map(|r| r + 1),
        rounds: s.rounds,
        next_stage,
        people: s.order.iter().map(name).collect(),
        facilitator: s.setup.facilitator.as_ref().map(name).filter(|n| !n.is_empty()),
        message: s.room_message.clone(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::DateTime;

    use super::*;
    use crate::protocol::Library;
    use crate::session::{Command, Now, Setup, decide};

    fn now(ms: u64) -> Now {
        let t0 = DateTime::parse_from_rfc3339("2026-11-23T08:30:00+00:00").expect("date");
        Now::new(ms, t0 + chrono::Duration::milliseconds(i64::try_from(ms).expect("ms")))
    }

    /// A coaching triad under way, with a note, a commitment and facts about everyone.
    fn triad() -> SessionState {
        let people = ["Ann Lee", "Ann Moss", "Cat Pym"];
        let facts = people
            .iter()
            .map(|p| (p.to_string(), BTreeMap::from([("school".into(), "Oak SECRET".into())])))
            .collect();
        let setup = Setup {
            facilitator: Some("Fay Ward".into()),
            group_name: Some("Group SECRET".into()),
            facts,
            ..Setup::new(
                Library::builtin_only().get("coaching-triad").expect("built-in").clone(),
                people,
            )
        };
        let mut s = SessionState::new(setup);
        let run = |s: &mut SessionState, cmd: Command, at: u64| {
            for e in decide(s, cmd, now(at)).expect("accepted") {
                crate::session::apply(s, &e);
            }
        };
        run(&mut s, Command::Start, 0);
        run(
            &mut s,
            Command::AddNote {
                text: "note SECRET".into(),
                about: Some("Ann Lee".into()),
                group: Some(0),
                private: true,
                record: None,
            },
            1_000,
        );
        run(
            &mut s,
            Command::AddCommitment {
                owner: "Ann Lee".into(),
                text: "commitment SECRET".into(),
                due: Some("2026-12-01".into()),
                group: Some(0),
                record: None,
            },
            2_000,
        );
        s
    }

    fn sent(s: &SessionState, names: Names) -> String {
        serde_json::to_string(&project(s, "stage-entered", 2_000, 0, names)).expect("json")
    }

    #[test]
    fn sharing_itself_is_never_sent_to_the_pages() {
        let started = Event::SharingStarted {
            port: 7341,
            names: "first".into(),
            listen: crate::session::ShareListen::Private,
        };
        assert!(!is_public(&started));
        assert!(!is_public(&Event::SharingStopped));
    }

    #[test]
    fn nothing_private_is_in_the_public_view() {
        let s = triad();
        for names in [Names::Full, Names::First, Names::Initials, Names::None] {
            let text = sent(&s, names);
            assert!(!text.contains("SECRET"), "{names:?}: {text}");
            assert!(!text.contains("school"), "{names:?}: {text}");
        }
    }

    #[test]
    fn names_are_shown_as_asked() {
        let s = triad();
        let full = sent(&s, Names::Full);
        assert!(full.contains("Ann Lee") && full.contains("Fay Ward"));
        // Two Anns: the first letter of the surname tells them apart; Cat needs no more.
        let first = project(&s, "x", 0, 0, Names::First);
        assert_eq!(first.people, ["Ann L.", "Ann M.", "Cat"]);
        assert_eq!(first.facilitator.as_deref(), Some("Fay"));
        let initials = project(&s, "x", 0, 0, Names::Initials);
        assert_eq!(initials.people, ["A.L.", "A.M.", "C.P."]);
        let none = sent(&s, Names::None);
        for n in ["Ann", "Cat", "Lee", "Pym", "Fay"] {
            assert!(!none.contains(n), "{n} in {none}");
        }
        assert!(none.contains("Person 1"));
    }

    /// After `q` then `l` the page says the session was left, to resume later, as the mirror
    /// does; a plain pause is only paused.
    #[test]
    fn a_page_says_the_session_was_left_to_resume_later() {
        let mut s = triad();
        let run = |s: &mut SessionState, cmd: Command, at: u64| {
            for e in decide(s, cmd, now(at)).expect("accepted") {
                crate::session::apply(s, &e);
            }
        };
        assert!(!project(&s, "x", 3_000, 0, Names::First).left);
        run(&mut s, Command::Pause, 3_000);
        let v = project(&s, "paused", 3_000, 0, Names::First);
        assert_eq!((v.status, v.left), ("paused", false));
        run(&mut s, Command::Resume, 4_000);
        run(&mut s, Command::PauseToLeave, 5_000);
        let v = project(&s, "paused", 5_000, 0, Names::First);
        assert_eq!((v.status, v.left), ("paused", true));
        assert!(include_str!("page/app.js").contains("view.left"), "the page reads it");
    }

    #[test]
    fn a_page_gets_the_deadline_the_roles_and_the_cues() {
        let s = triad();
        let v = project(&s, "stage-entered", 2_000, 1_000_000, Names::First);
        assert_eq!(v.status, "running");
        let c = v.clock.expect("a clock");
        // 5 minutes from the start at 0; the event at 2 s was stamped at wall 1,000,000.
        assert_eq!(c.remaining_ms, 298_000);
        assert_eq!(c.deadline, Some(1_298_000));
        assert_eq!(c.warn_ms, Some(60_000));
        assert_eq!(v.round, Some(1));
        assert_eq!(v.groups.len(), 1);
        let roles: Vec<&str> = v.groups[0].iter().map(|m| m.role.as_str()).collect();
        assert!(roles.contains(&"coach") && roles.contains(&"coachee"));
        assert!(v.cues.iter().any(|c| c.role == "coachee" && !c.silent));
        assert_eq!(v.next_groups.len(), 1, "the next round's roles");
    }

    #[test]
    fn notes_commitments_and_facts_send_no_event() {
        let s = triad();
        let note = Event::NoteAdded {
            id: "n1".into(),
            pos: 0,
            text: "x".into(),
            round: None,
            group: None,
            about: None,
            private: false,
            record: None,
        };
        assert!(!is_public(&note));
        assert!(is_public(&Event::TimeUp { pos: s.pos }));
        assert_eq!(kind_of(&Event::TimeUp { pos: 0 }), "time-up");
    }
}
