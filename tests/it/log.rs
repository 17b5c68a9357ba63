//! Session logs on disk: the writer, the reader and the documented format.
//!
//! - a session written through `LogWriter`, read back and replayed equals the live state;
//! - folders are 0700 and files 0600;
//! - the reader keeps every readable event and reports the rest by line number (fixtures in
//!   `tests/fixtures/logs-reader/`);
//! - when the log cannot be written, or the disk fills up, nothing is lost;
//! - every example line in `docs/log-format.md` is exactly what the code writes.

#![allow(clippy::cast_possible_wrap)]

use crate::support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, FixedOffset};
use convene::log::reader::{SessionLog, parse_log, read_log};
use convene::log::writer::LogWriter;
use convene::log::{Header, Line, session_id, sessions_dir};
use convene::protocol::{Library, parse_protocol};
use convene::session::{
    Agreement, CarriedCommitment, Command, CommitmentStatus, Event, GapCause, Now, SessionState,
    Setup, Stamped, apply, decide, due, replay,
};
use proptest::prelude::*;
use support::commands::{Clocks, Step, any_step, restart_gap};

/// A small protocol for hand-checked examples: a follow-up stage, then one round per member.
const QUICK_CHECK: &str = r#"{
  "format": 1,
  "id": "quick-check",
  "name": "Quick check",
  "summary": "Follow up last time's commitments, then each member presents one issue.",
  "source": "Example for the log format",
  "facilitator": { "rule": "Keeps time" },
  "roles": [
    { "id": "presenter", "name": "Presenter", "count": 1, "guidance": "Presents one issue" },
    { "id": "listener", "name": "Listener", "count": "rest", "guidance": "Listens" }
  ],
  "group": { "min": 2, "max": 4 },
  "rotation": { "rounds": "per-member", "order": "group-chooses" },
  "extension": "group-agreement",
  "opening": [
    { "id": "follow-up", "name": "Follow-up", "duration": "3m", "follow_up": true, "extension": "free" }
  ],
  "round": [
    {
      "id": "present",
      "name": "Present",
      "duration": "4m",
      "timing": "fixed",
      "speak": [{ "role": "presenter", "cue": "presents the issue" }],
      "silent": [{ "role": "listener", "cue": "listens" }],
      "warning": { "before": "1m", "message": "one minute left" },
      "expects": { "record": "commitment", "owner": "presenter", "label": "The presenter's next step" }
    }
  ]
}"#;

fn t0() -> DateTime<FixedOffset> {
    support::wall(0)
}

fn now(ms: u64) -> Now {
    Now::new(ms, t0() + Duration::milliseconds(ms as i64))
}

fn quick_setup() -> Setup {
    Setup {
        protocol: parse_protocol(QUICK_CHECK, "quick-check").expect("valid protocol"),
        participants: vec!["Ann".into(), "Ben".into()],
        facilitator: Some("Fiona".into()),
        group_name: Some("Maths department".into()),
        overrides: std::collections::BTreeMap::default(),
        auto_advance: false,
        carried: vec![CarriedCommitment {
            session: "20261109-083012-345".into(),
            id: "c1".into(),
            owner: "Ann".into(),
            text: "Try the card sort with 8B".into(),
            due: Some("2 weeks".into()),
            made: Some("2026-11-09T08:41:07.215+00:00".into()),
        }],
        facts: std::collections::BTreeMap::new(),
        sequence: None,
        session_number: None,
        carried_notes: vec![],
        planned_start: None,
        hard_stop: None,
    }
}

/// Format 2 timing, for the examples of the events it adds: a timed cue and two session markers.
const TIMED_CHECK: &str = r#"{
  "format": 2,
  "id": "timed-check",
  "name": "Timed check",
  "summary": "One member presents; the facilitator may speak near the end.",
  "source": "Example for the log format",
  "facilitator": { "rule": "Speaks last" },
  "roles": [
    { "id": "presenter", "name": "Presenter", "count": 1, "guidance": "Presents one issue" },
    { "id": "listener", "name": "Listener", "count": "rest", "guidance": "Listens" }
  ],
  "group": { "min": 2, "max": 4 },
  "markers": [
    { "after": "2m", "message": "typical minimum reached" },
    { "after": "3m", "message": "upper end of the typical 2-3 min", "warn": true }
  ],
  "round": [
    {
      "id": "present",
      "name": "Present",
      "duration": "2m-4m",
      "cues": [{ "before": "1m", "role": "facilitator", "message": "your turn, if needed" }]
    }
  ]
}"#;

fn builtin_setup(id: &str, people: &[&str], auto: bool) -> Setup {
    Setup {
        facilitator: Some("Fiona".into()),
        group_name: Some("AP set".into()),
        auto_advance: auto,
        ..Setup::new(
            Library::builtin_only().get(id).expect("built-in").clone(),
            people.iter().copied(),
        )
    }
}

/// A live session as the screen runs it: each event is written, then applied.
struct Live {
    st: SessionState,
    w: LogWriter,
    events: Vec<Stamped>,
    /// Whether every `append` so far returned true.
    all_written: bool,
    /// How far the wall clock is ahead of the monotonic one (the time convene was down).
    down_ms: u64,
    /// The header written at the start (the setup as it was then: facts set on the start card
    /// are events after it).
    header: Header,
}

impl Live {
    fn new(data: &Path, setup: Setup) -> Self {
        // The fixtures were written before ids had a random part: an id of that shape.
        let header = Header::new("20261123-083000-000".into(), t0(), setup.clone());
        let w = LogWriter::create(data, &header.session, &header);
        let st = SessionState::new(setup);
        Self { st, w, events: Vec::new(), all_written: true, down_ms: 0, header }
    }

    fn now(&self, mono: u64) -> Now {
        Now::new(mono, t0() + Duration::milliseconds((mono + self.down_ms) as i64))
    }

    /// convene stops at `mono` and is started again `down_ms` later, as `convene resume` does:
    /// the log is read back (it must hold everything), the writer reopened, the state replayed,
    /// and the gap the room's clock ran is reported. Returns the monotonic time it goes on from.
    fn restart(&mut self, mono: u64, down_ms: u64) -> u64 {
        let log = assert_complete(&self.w.path.clone(), self);
        let path = self.w.path.clone();
        self.w = LogWriter::reopen(&path, &log.header.session, log.last_seq).expect("reopen");
        self.st = replay(log.header.setup.clone(), &log.events);
        let mut clocks = Clocks { mono, down_ms: self.down_ms };
        clocks.restart(&self.st, down_ms);
        self.down_ms = clocks.down_ms;
        if let Some(gap) = restart_gap(&self.st, self.now(clocks.mono)) {
            self.command(gap, clocks.mono);
        }
        clocks.mono
    }

    fn record(&mut self, e: Stamped) {
        let ok = self.w.append(&e);
        self.all_written &= ok;
        apply(&mut self.st, &e);
        self.events.push(e);
    }

    fn tick(&mut self, mono: u64) {
        for e in due(&self.st, self.now(mono)) {
            self.record(e);
        }
    }

    /// Time-caused events, the command's events, then anything the command made due.
    fn command(&mut self, cmd: Command, mono: u64) -> bool {
        self.tick(mono);
        let accepted = match decide(&self.st, cmd, self.now(mono)) {
            Ok(events) => {
                for e in events {
                    self.record(e);
                }
                true
            }
            Err(_) => false,
        };
        self.tick(mono);
        accepted
    }

    fn header(&self) -> Header {
        self.header.clone()
    }
}

/// A session that produces every event type once or more (used for the documentation's examples
/// and the reader fixtures).
fn scripted(data: &Path) -> Live {
    let mut l = Live::new(data, quick_setup());
    let steps: Vec<(u64, Command)> = vec![
        (0, Command::MoveToFront { name: "Ben".into(), reason: Some("a pressing issue".into()) }),
        (1_000, Command::Start),
        (
            30_000,
            Command::UpdateCommitment {
                session: Some("20261109-083012-345".into()),
                id: "c1".into(),
                status: CommitmentStatus::Partly,
                note: Some("tried it with one class".into()),
            },
        ),
        (
            60_000,
            Command::AddNote {
                text: "Ann wants to observe 8B".into(),
                about: Some("Ann".into()),
                group: None,
                private: true,
                record: None,
            },
        ),
        (90_000, Command::Next { force: false }),
        (100_000, Command::Pause),
        (160_000, Command::Resume),
        (170_000, Command::ReportGap { gap_ms: 120_000, cause: GapCause::Suspend }),
        (215_000, Command::Extend { by_ms: 60_000, agreement: Some(Agreement::Group) }),
        (
            225_000,
            Command::RefuseExtension { by_ms: 120_000, reason: Some("the bell goes at 9".into()) },
        ),
        (
            240_000,
            Command::AddCommitment {
                owner: "Ben".into(),
                text: "Ask the SENCo about seating".into(),
                due: Some("next Friday".into()),
                group: None,
                record: None,
            },
        ),
        (335_000, Command::Next { force: false }),
        (350_000, Command::Shorten { by_ms: 60_000 }),
        (400_000, Command::End),
    ];
    for (mono, cmd) in steps {
        let what = format!("{cmd:?}");
        assert!(l.command(cmd, mono), "the script's command was refused: {what}");
        if mono == 240_000 {
            l.tick(300_000); // the re-armed warning
            l.tick(330_000); // time up
        }
    }
    l
}

/// A session that produces the events format 2 timing adds (a cue, two markers).
fn scripted_timing(data: &Path) -> Live {
    let setup = Setup {
        facilitator: Some("Fiona".into()),
        ..Setup::new(parse_protocol(TIMED_CHECK, "timed-check").expect("valid"), ["Ann", "Ben"])
    };
    let mut l = Live::new(data, setup);
    assert!(l.command(Command::Start, 1_000));
    for mono in [61_000, 121_000, 181_000] {
        l.tick(mono);
    }
    // Continued on another laptop (`convene resume` of its session there).
    let other = Command::ContinueOn {
        machine: "4f1c2a9be07d4c55a1e3b6d8c9f02e17".into(),
        name: Some("LAPTOP-7".into()),
    };
    assert!(l.command(other, 190_000));
    // Shared with the room for a while (the live screen's share key, twice).
    let share = Command::StartSharing {
        port: 7341,
        names: "first".into(),
        listen: convene::session::ShareListen::Private,
    };
    assert!(l.command(share, 192_000));
    assert!(l.command(Command::StopSharing, 195_000));
    assert!(!l.command(Command::StopSharing, 196_000), "not shared any more");
    // A message to the room, then taken away.
    assert!(!l.command(Command::ClearMessage, 196_000), "no message to clear yet");
    assert!(l.command(Command::ShowMessage { text: " Back at\t10:45 ".into() }, 197_000));
    assert!(l.command(Command::ClearMessage, 198_000));
    assert!(l.command(Command::End, 200_000));
    l
}

/// The `type` of an event as written. No wildcard: a new event type fails to compile here until
/// it is added, and then the documentation test asks for an example of it.
fn type_of(e: &Event) -> &'static str {
    match e {
        Event::OrderChanged { .. } => "order-changed",
        Event::FactSet { .. } => "fact-set",
        Event::TimesSet { .. } => "times-set",
        Event::SessionStarted { .. } => "session-started",
        Event::StageEntered { .. } => "stage-entered",
        Event::StageLeft { .. } => "stage-left",
        Event::Paused { .. } => "paused",
        Event::Resumed { .. } => "resumed",
        Event::Extended { .. } => "extended",
        Event::ExtensionRefused { .. } => "extension-refused",
        Event::Shortened { .. } => "shortened",
        Event::WarningReached { .. } => "warning-reached",
        Event::TimeUp { .. } => "time-up",
        Event::CueReached { .. } => "cue-reached",
        Event::MarkerReached { .. } => "marker-reached",
        Event::TimeGap { .. } => "time-gap",
        Event::NoteAdded { .. } => "note-added",
        Event::CommitmentAdded { .. } => "commitment-added",
        Event::CommitmentUpdated { .. } => "commitment-updated",
        Event::ContinuedOn { .. } => "continued-on",
        Event::SharingStarted { .. } => "sharing-started",
        Event::SharingStopped => "sharing-stopped",
        Event::MessageShown { .. } => "message-shown",
        Event::MessageCleared => "message-cleared",
        Event::Rebalanced { .. } => "rebalanced",
        Event::SessionEnded { .. } => "session-ended",
    }
}

const ALL_TYPES: &[&str] = &[
    "order-changed",
    "fact-set",
    "times-set",
    "session-started",
    "stage-entered",
    "stage-left",
    "paused",
    "resumed",
    "extended",
    "extension-refused",
    "shortened",
    "warning-reached",
    "time-up",
    "cue-reached",
    "marker-reached",
    "time-gap",
    "note-added",
    "commitment-added",
    "commitment-updated",
    "continued-on",
    "sharing-started",
    "sharing-stopped",
    "message-shown",
    "message-cleared",
    "rebalanced",
    "session-ended",
];

/// A second session, for the events of format 2 protocols the first one cannot show without
/// renumbering every documented line: a fact set on the start card.
fn scripted_v2(data: &Path) -> Live {
    let mut setup = quick_setup();
    setup.protocol.format = 2;
    setup.protocol.facts = vec![convene::protocol::FactSpec {
        key: "category".into(),
        label: "Problem category".into(),
        choices: vec!["pupil".into(), "parent".into()],
        required: false,
    }];
    let mut l = Live::new(data, setup);
    let cmd = Command::SetFact {
        name: "Ann".into(),
        key: "category".into(),
        value: Some("parent".into()),
    };
    assert!(l.command(cmd, 0), "the fact was refused");
    // The planned start and the hard stop set on the start card.
    let times = Command::SetTimes {
        planned_start: Some(t0() - Duration::minutes(15)),
        hard_stop: Some(t0() + Duration::minutes(10)),
    };
    assert!(l.command(times, 500), "the times were refused");
    // A rebalance accepted to land on a hard stop: the second presenter's slot gives 30 s.
    assert!(l.command(Command::Start, 1_000));
    let budgets = vec![convene::session::display::NewBudget {
        pos: 2,
        stage: "present".into(),
        from_ms: 240_000,
        to_ms: 210_000,
    }];
    assert!(l.command(Command::Rebalance { budgets, short_ms: 0 }, 2_000), "refused");
    l
}

/// Reads a log back and checks it is complete: no problems, the header, every event, and a
/// replay equal to the live state.
fn assert_complete(path: &Path, live: &Live) -> SessionLog {
    let log = read_log(path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(log.problems, vec![], "{}", path.display());
    assert_eq!(log.header, live.header());
    assert_eq!(log.events, live.events);
    assert_eq!(log.last_seq, live.events.len() as u64);
    assert_eq!(replay(log.header.setup.clone(), &log.events), live.st);
    log
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).expect("metadata").len()
}

// ---------------------------------------------------------------------------------------------
// Round trip

fn any_setup() -> impl Strategy<Value = Setup> {
    prop_oneof![
        Just(quick_setup()),
        any::<bool>().prop_map(|a| builtin_setup("action-learning", &["Ann", "Ben", "Cat"], a)),
        any::<bool>().prop_map(|a| builtin_setup(
            "coaching-triad",
            &["Ann", "Ben", "Cat", "Dev", "Eve", "Fay", "Gus"],
            a
        )),
        any::<bool>().prop_map(|a| builtin_setup("project-tuning", &["Priya", "Ann", "Ben"], a)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn a_session_written_read_back_and_replayed_equals_the_live_state(
        (setup, steps) in any_setup().prop_flat_map(|setup| {
            let steps = any_step(&setup.participants);
            (Just(setup), prop::collection::vec((0u64..400_000, steps), 1..50))
        }),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut live = Live::new(dir.path(), setup);
        let mut mono = 0;
        for (dt, step) in steps {
            mono += dt;
            match step {
                Step::Command(cmd) => {
                    live.command(cmd, mono);
                }
                Step::Wait => live.tick(mono),
                Step::Restart { down_ms } => mono = live.restart(mono, down_ms),
            }
        }
        prop_assert!(live.all_written, "{:?}", live.w.error);
        prop_assert_eq!(live.w.pending(), 0);
        assert_complete(&live.w.path.clone(), &live);
    }
}

// ---------------------------------------------------------------------------------------------
// Files and folders

#[cfg(unix)]
#[test]
fn folders_are_0700_and_logs_0600() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;

    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("deep").join("data");
    let live = scripted(&data);
    assert_eq!(mode(&tmp.path().join("deep")), 0o700, "a missing parent is created private");
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&sessions_dir(&data)), 0o700);
    assert_eq!(mode(&live.w.path), 0o600);
    let month = convene::log::month_of(&live.w.session).expect("an id begins with its date");
    assert_eq!(mode(&sessions_dir(&data).join(&month)), 0o700, "the month folder too");
    assert_eq!(
        live.w.path,
        sessions_dir(&data).join(month).join(format!("{}.jsonl", live.w.session))
    );

    // A sessions folder that was opened up is made private again; a data folder the user
    // chose, which already existed, keeps its mode.
    let data2 = tmp.path().join("shared");
    std::fs::create_dir_all(sessions_dir(&data2)).expect("mkdir");
    std::fs::set_permissions(&data2, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::set_permissions(sessions_dir(&data2), std::fs::Permissions::from_mode(0o755))
        .expect("chmod");
    let live2 = Live::new(&data2, quick_setup());
    assert_eq!(live2.w.error, None);
    assert_eq!(mode(&sessions_dir(&data2)), 0o700);
    assert_eq!(mode(&data2), 0o755);
    assert_eq!(mode(&live2.w.path), 0o600);

    // A saved copy is 0600; saving into an existing folder (a desktop) leaves it as it was.
    let desk = tmp.path().join("desk");
    std::fs::create_dir(&desk).expect("mkdir");
    std::fs::set_permissions(&desk, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    live.w.save_copy(&desk.join("copy.jsonl")).expect("copy");
    assert_eq!(mode(&desk.join("copy.jsonl")), 0o600);
    assert_eq!(mode(&desk), 0o755);
    live.w.save_copy(&tmp.path().join("new").join("copy.jsonl")).expect("copy");
    assert_eq!(mode(&tmp.path().join("new")), 0o700);
    assert!(live.w.save_copy(&desk.join("copy.jsonl")).is_err(), "a copy never overwrites");
}

#[test]
fn session_ids_sort_by_start_time() {
    let at = |s: &str| DateTime::parse_from_rfc3339(s).expect("valid").to_utc();
    let stamp = |id: String| id[..19].to_string();
    assert_eq!(stamp(session_id(at("2026-11-23T08:30:00.123+00:00"))), "20261123-083000-123");
    assert_eq!(stamp(session_id(at("2026-11-23T08:30:00.123999+00:00"))), "20261123-083000-123");
    assert_eq!(stamp(session_id(at("2026-11-23T09:30:00.123+01:00"))), "20261123-083000-123");
    let times = [
        "2026-11-23T08:30:00.000+00:00",
        "2026-11-23T08:30:00.009+00:00",
        "2026-11-23T08:30:00.010+00:00",
        "2026-11-23T08:30:09.999+00:00",
        "2026-11-23T08:31:00.000+00:00",
        "2026-11-23T10:00:00.000+00:00",
        "2026-12-01T00:00:00.000+00:00",
        "2027-01-01T00:00:00.000+00:00",
    ];
    let ids: Vec<String> = times.iter().map(|t| session_id(at(t))).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(sorted, ids);
}

#[test]
fn new_ids_have_a_random_part_so_two_machines_never_share_one() {
    use convene::log::is_session_id;
    let t = DateTime::parse_from_rfc3339("2026-11-29T08:30:00.123+00:00").expect("valid").to_utc();
    let ids: BTreeSet<String> = (0..50).map(|_| session_id(t)).collect();
    assert!(ids.len() > 45, "the same millisecond gives different ids: {ids:?}");
    for id in &ids {
        assert!(id.starts_with("20261129-083000-123-") && id.len() == 24, "{id}");
        assert!(is_session_id(id), "{id}");
        assert!(is_session_id(&format!("{id}-02")), "{id}-02");
    }
    // Ids made before the random part, and the writer's -02… after them, keep working.
    for old in ["20261123-083000-123", "20261123-083000-123-02", "20261123-083000-123-99"] {
        assert!(is_session_id(old), "{old}");
    }
    for bad in [
        "20261123-083000-123-01",
        "20261123-083000-123-K3F9",
        "20261123-083000-123-k3f",
        "20261123-083000-123-k3f9-1",
        "../20261123-083000-123",
        "20261123-083000-123-k3f9/x",
    ] {
        assert!(!is_session_id(bad), "{bad}");
    }
}

#[test]
fn sessions_started_in_the_same_millisecond_get_distinct_files_in_start_order() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let id = "20261123-083000-123";
    let header = Header::new(id.into(), t0(), quick_setup());
    let writers: Vec<LogWriter> =
        (0..12).map(|_| LogWriter::create(tmp.path(), id, &header)).collect();
    let ids: Vec<&str> = writers.iter().map(|w| w.session.as_str()).collect();
    assert_eq!(&ids[..3], &[id, "20261123-083000-123-02", "20261123-083000-123-03"]);
    let distinct: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(distinct.len(), 12);
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, ids, "ids sort in the order the sessions started");
    assert!(ids.iter().all(|i| *i < "20261123-083000-124"), "and before the next millisecond");
    for w in &writers {
        assert_eq!(w.error, None);
        assert_eq!(
            w.path,
            sessions_dir(tmp.path()).join("2026-11").join(format!("{}.jsonl", w.session))
        );
        let log = read_log(&w.path).expect("read");
        assert_eq!(log.header.session, w.session, "the header names the file's session");
        assert_eq!(log.events, vec![]);
    }
}

// ---------------------------------------------------------------------------------------------
// Durability

#[test]
fn every_event_is_in_the_file_when_append_returns() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let reference = scripted(&tmp.path().join("reference"));
    let mut live = Live::new(&tmp.path().join("data"), quick_setup());
    let path = live.w.path.clone();
    let header = std::fs::read_to_string(&path).expect("read");
    assert_eq!(header.lines().count(), 1, "the header is written at once");
    for (i, e) in reference.events.iter().enumerate() {
        live.record(e.clone());
        let text = std::fs::read_to_string(&path).expect("read");
        let last = text.strip_suffix('\n').expect("whole lines").lines().last().expect("line");
        let written: Line = serde_json::from_str(last).expect("an event line");
        assert_eq!(written.seq, i as u64 + 1);
        assert_eq!(&written.stamped, e);
        assert_eq!(text.lines().count(), i + 2);
    }
    assert!(live.all_written);
    assert_complete(&path, &live);
}

#[test]
fn an_unwritable_data_folder_loses_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // A regular file where the data folder should be: creating the folder fails, even as root.
    let data = tmp.path().join("data");
    std::fs::write(&data, "not a folder").expect("write");
    let mut live = scripted(&data);
    let error = live.w.error.clone().expect("an error");
    assert!(error.starts_with("cannot create the folder "), "{error}");
    assert!(error.contains(&data.display().to_string()), "names the path: {error}");
    assert!(!error.contains("os error"), "plain words: {error}");
    assert!(!live.all_written, "append said the events were not saved");
    assert_eq!(live.w.pending(), 1 + live.events.len());
    let more = Stamped {
        at: 400_001,
        wall: now(400_001).wall,
        event: Event::TimeGap { gap_ms: 5, cause: GapCause::Restart, counted: false },
    };
    assert!(!live.w.append(&more), "append keeps saying so");
    live.events.push(more.clone());
    apply(&mut live.st, &more);

    // Saved elsewhere: the header and every event, readable and replayable.
    let other = tempfile::tempdir().expect("tempdir");
    let copy = other.path().join("rescued").join("session.jsonl");
    live.w.save_copy(&copy).expect("copy");
    assert_complete(&copy, &live);

    // Once the folder can be created, the next try writes everything.
    std::fs::remove_file(&data).expect("rm");
    assert!(live.w.retry(), "{:?}", live.w.error);
    assert_eq!(live.w.error, None);
    assert_eq!(live.w.pending(), 0);
    assert_complete(&live.w.path.clone(), &live);
}

#[test]
fn a_full_disk_loses_nothing_and_writes_nothing_twice() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let reference = scripted(&tmp.path().join("reference"));
    let mut live = Live::new(&tmp.path().join("data"), quick_setup());
    let path = live.w.path.clone();
    let events = reference.events.clone();
    for e in &events[..5] {
        live.record(e.clone());
    }
    assert!(live.all_written);
    let good = std::fs::read_to_string(&path).expect("read");

    // The disk fills up in the middle of the next line.
    live.w.simulate_disk_limit(Some(file_len(&path) + 30));
    for e in &events[5..8] {
        live.record(e.clone());
        assert!(live.w.error.as_deref().is_some_and(|m| m.contains("No space left")));
    }
    assert!(!live.all_written);
    assert_eq!(live.w.pending(), 3);
    let torn = std::fs::read_to_string(&path).expect("read");
    assert!(torn.starts_with(&good) && !torn.ends_with('\n'), "a torn line is on disk");
    let log = read_log(&path).expect("read");
    assert_eq!(log.events, events[..5]);
    assert_eq!(log.problems.len(), 1);
    assert_eq!(log.problems[0].0, 7, "{:?}", log.problems);
    assert!(log.problems[0].1.contains("torn"), "{:?}", log.problems);

    // Some space comes back: two whole lines and part of a third fit; the write still fails.
    let lines: Vec<String> = (5..8)
        .map(|i| {
            let expected = Line { seq: i as u64 + 1, stamped: events[i].clone() };
            serde_json::to_string(&expected).expect("json")
        })
        .collect();
    let two = (lines[0].len() + lines[1].len() + 2) as u64;
    live.w.simulate_disk_limit(Some(good.len() as u64 + two + 10));
    assert!(!live.w.retry());
    assert!(std::fs::read_to_string(&path).expect("read").contains(&lines[1]));

    // The disk frees up: the next event writes everything once, in order.
    live.w.simulate_disk_limit(None);
    live.record(events[8].clone());
    assert_eq!(live.w.error, None);
    assert_eq!(live.w.pending(), 0);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.starts_with(&good));
    assert_eq!(text.lines().count(), 1 + 9);
    let seqs: Vec<u64> = text
        .lines()
        .skip(1)
        .map(|l| serde_json::from_str::<Line>(l).expect("every line whole").seq)
        .collect();
    assert_eq!(seqs, (1..=9).collect::<Vec<u64>>());
    assert_complete(&path, &live);

    // And carries on normally.
    for e in &events[9..] {
        live.record(e.clone());
    }
    assert_eq!(live.w.error, None);
    assert_complete(&path, &live);
    assert_eq!(live.st, reference.st);
}

#[test]
fn resuming_continues_the_same_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let reference = scripted(&tmp.path().join("reference"));
    let mut live = Live::new(&tmp.path().join("data"), quick_setup());
    let path = live.w.path.clone();
    for e in &reference.events[..6] {
        live.record(e.clone());
    }
    // convene stops while writing the seventh event.
    let seventh =
        serde_json::to_string(&Line { seq: 7, stamped: reference.events[6].clone() }).expect("j");
    let mut text = std::fs::read_to_string(&path).expect("read");
    text.push_str(&seventh[..20]);
    std::fs::write(&path, &text).expect("write");

    let log = read_log(&path).expect("read");
    assert_eq!(log.problems.len(), 1);
    let session = live.w.session.clone();
    live.w = LogWriter::reopen(&path, &session, log.last_seq).expect("reopen");
    assert_eq!(live.w.error, None);
    for e in &reference.events[6..] {
        live.record(e.clone());
    }
    assert!(live.all_written);
    assert_complete(&path, &live);
    // A log of a newer format, or not a log, is never added to.
    for name in ["format-2.jsonl", "garbage-header.jsonl", "empty.jsonl"] {
        let copy = tmp.path().join(name);
        std::fs::copy(fixture(name), &copy).expect("copy");
        let e = LogWriter::reopen(&copy, "x", 3).expect_err("refused");
        assert!(e.to_string().contains("is not a session log of format 1"), "{e}");
        assert_eq!(std::fs::read(&copy).expect("read"), std::fs::read(fixture(name)).expect("r"));
    }
    // The reopened writer still holds the whole session for a copy.
    let copy = tmp.path().join("copy.jsonl");
    live.w.save_copy(&copy).expect("copy");
    assert_complete(&copy, &live);
}

// ---------------------------------------------------------------------------------------------
// The tolerant reader

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/logs-reader").join(name)
}

/// (type, at) of each event, to compare with the hand-checked fixtures.
fn summary(events: &[Stamped]) -> Vec<(&'static str, u64)> {
    events.iter().map(|e| (type_of(&e.event), e.at)).collect()
}

/// The first nine events of the scripted session, as in the fixtures.
const NINE: &[(&str, u64)] = &[
    ("order-changed", 0),
    ("session-started", 1_000),
    ("stage-entered", 1_000),
    ("commitment-updated", 30_000),
    ("note-added", 60_000),
    ("stage-left", 90_000),
    ("stage-entered", 90_000),
    ("paused", 100_000),
    ("resumed", 160_000),
];

#[test]
fn the_fixtures_start_as_the_engine_writes_them() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let live = scripted(tmp.path());
    assert_eq!(summary(&live.events[..9]), NINE);
    let written = std::fs::read_to_string(&live.w.path).expect("read");
    let written: Vec<&str> = written.lines().collect();
    let version = format!("\"convene\":\"{}\"", env!("CARGO_PKG_VERSION"));
    let header = written[0].replace(&version, "\"convene\":\"0.1.0\"");
    // Lines the fixtures kept unedited are byte for byte what the writer wrote.
    let good = std::fs::read_to_string(fixture("torn-last-line.jsonl")).expect("fixture");
    let mut good: Vec<&str> = good.lines().collect();
    good.pop();
    assert_eq!(good[0], header);
    assert_eq!(&good[1..], &written[1..good.len()]);
}

#[test]
fn a_torn_last_line_is_reported_and_the_rest_kept() {
    let log = read_log(&fixture("torn-last-line.jsonl")).expect("read");
    assert_eq!(summary(&log.events), &NINE[..8]);
    assert_eq!(log.last_seq, 8);
    assert_eq!(log.problems.len(), 1, "{:?}", log.problems);
    assert_eq!(log.problems[0].0, 10);
    assert!(log.problems[0].1.starts_with("torn last line"), "{:?}", log.problems);
    assert_eq!(log.header.session, "20261123-083000-000");
    replay(log.header.setup, &log.events);
}

#[test]
fn a_corrupt_middle_line_is_reported_and_the_rest_kept() {
    let log = read_log(&fixture("corrupt-middle-line.jsonl")).expect("read");
    let mut want = NINE.to_vec();
    want.remove(3); // seq 4, line 5
    assert_eq!(summary(&log.events), want);
    assert_eq!(log.last_seq, 9);
    assert_eq!(log.problems.len(), 1, "{:?}", log.problems);
    assert_eq!(log.problems[0].0, 5);
    assert!(log.problems[0].1.starts_with("unreadable line ignored"), "{:?}", log.problems);
}

#[test]
fn a_repeated_line_is_reported_and_the_first_copy_kept() {
    let log = read_log(&fixture("repeated-line.jsonl")).expect("read");
    assert_eq!(summary(&log.events), NINE);
    assert_eq!(log.problems.len(), 1, "{:?}", log.problems);
    assert_eq!(log.problems[0].0, 6);
    assert!(log.problems[0].1.contains("repeats event 4"), "{:?}", log.problems);
}

#[test]
fn a_newer_format_asks_for_a_newer_convene() {
    let e = read_log(&fixture("format-2.jsonl")).expect_err("refused");
    assert!(e.0.ends_with("format-2.jsonl:1: log format 2, but this convene reads format 1: it was written by a newer convene: update convene to read it"), "{e}");
}

#[test]
fn an_empty_file_is_not_a_log() {
    let e = read_log(&fixture("empty.jsonl")).expect_err("refused");
    assert!(e.0.ends_with("empty.jsonl: empty file: this is not a session log"), "{e}");
}

#[test]
fn a_garbage_header_is_refused_with_its_line_number() {
    let e = read_log(&fixture("garbage-header.jsonl")).expect_err("refused");
    assert!(
        e.0.ends_with(
            "garbage-header.jsonl:1: the header is not readable: expected value at line 1 column 1"
        ),
        "{e}"
    );
    let e = parse_log("{\"seq\":1,\"at\":0}\n", "x.jsonl").expect_err("refused");
    assert_eq!(
        e.0,
        "x.jsonl:1: this is not a convene session log (the first line is not a log header)"
    );
}

#[test]
fn unknown_fields_are_ignored_and_unknown_event_types_reported() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let live = scripted(tmp.path());
    let text = std::fs::read_to_string(&live.w.path).expect("read");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // A newer convene adds optional fields to the header, the setup and an event line...
    lines[0] = lines[0].replacen('{', "{\"future\":1,", 1).replacen(
        "\"setup\":{",
        "\"setup\":{\"future\":[1],",
        1,
    );
    lines[3] = lines[3].replacen('{', "{\"future\":\"x\",", 1);
    // ...and a new event type.
    lines.insert(
        5,
        r#"{"seq":99,"at":1,"wall":"2026-11-23T08:30:00.001+00:00","type":"hand-raised"}"#.into(),
    );
    let log = parse_log(&(lines.join("\n") + "\n"), "x").expect("read");
    assert_eq!(log.events, live.events);
    assert_eq!(log.problems.len(), 1);
    assert_eq!(log.problems[0].0, 6);
    assert!(log.problems[0].1.contains("unknown variant `hand-raised`"), "{:?}", log.problems);
    // The protocol inside the header follows the protocol format: unknown fields are refused.
    let bad = lines[0].replacen("\"protocol\":{", "\"protocol\":{\"future\":1,", 1);
    assert!(parse_log(&(bad + "\n"), "x").is_err());
}

#[test]
fn a_share_ends_when_stopped_when_the_session_ends_or_when_convene_stopped() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut l = Live::new(tmp.path(), quick_setup());
    let share = |port| Command::StartSharing {
        port,
        names: "initials".into(),
        listen: convene::session::ShareListen::Private,
    };
    assert!(!l.command(Command::StopSharing, 0), "nothing to stop before sharing");
    assert!(l.command(share(7341), 1_000));
    assert!(l.command(Command::Start, 2_000));
    assert!(l.command(Command::StopSharing, 60_000));
    assert!(l.command(share(7342), 90_000));
    // convene stopped after 100 s and ran again 10 minutes later: the share ended with it.
    assert!(l.command(Command::Pause, 100_000));
    assert!(l.command(Command::ReportGap { gap_ms: 600_000, cause: GapCause::Restart }, 100_000));
    assert!(l.command(share(7343), 100_500));
    assert!(l.command(Command::End, 130_000));
    assert!(!l.command(share(7344), 131_000), "an ended session is not shared");
    let spans: Vec<(u16, i64, Option<i64>)> =
        l.st.shares
            .iter()
            .map(|s| {
                let ms = |t: DateTime<FixedOffset>| (t - t0()).num_milliseconds();
                (s.port, ms(s.since), s.until.map(ms))
            })
            .collect();
    assert_eq!(
        spans,
        [
            (7341, 1_000, Some(60_000)),
            (7342, 90_000, Some(100_000)),
            (7343, 100_500, Some(130_000))
        ]
    );
    assert!(l.st.sharing().is_none());
    assert_complete(&l.w.path, &l);
}

// ---------------------------------------------------------------------------------------------
// The documentation

fn doc_blocks() -> Vec<String> {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/log-format.md"))
            .expect("docs/log-format.md");
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in doc.lines() {
        match (&mut current, line.trim_start()) {
            (None, l) if l.starts_with("```json") => current = Some(String::new()),
            (Some(b), "```") => {
                blocks.push(std::mem::take(b));
                current = None;
            }
            (Some(b), _) => {
                b.push_str(line);
                b.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[test]
fn the_documented_examples_are_what_convene_writes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let live = scripted(tmp.path());
    let tmp2 = tempfile::tempdir().expect("tempdir");
    let live2 = scripted_v2(tmp2.path());
    let timed = scripted_timing(&tmp.path().join("timed"));
    let written = std::fs::read_to_string(&live.w.path).expect("read")
        + &std::fs::read_to_string(&live2.w.path).expect("read")
        + &std::fs::read_to_string(&timed.w.path).expect("read");
    let written: BTreeSet<&str> = written.lines().collect();
    let mut types = BTreeSet::new();
    let mut header_seen = false;
    for block in doc_blocks() {
        let one_per_line = block.lines().all(|l| l.starts_with("{\"") && l.ends_with('}'));
        if one_per_line {
            for l in block.lines() {
                let parsed: Line = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
                assert_eq!(serde_json::to_string(&parsed).expect("json"), l, "written as shown");
                assert!(written.contains(l), "not what the example session writes: {l}");
                types.insert(type_of(&parsed.stamped.event));
            }
        } else {
            // The pretty-printed header.
            let shown: serde_json::Value =
                serde_json::from_str(&block).unwrap_or_else(|e| panic!("{e}: {block}"));
            let header: Header = serde_json::from_value(shown.clone()).expect("a header");
            let mut want = serde_json::to_value(live.header()).expect("json");
            want["convene"] = "0.1.0".into();
            assert_eq!(shown, want);
            assert_eq!(header.setup, live.st.setup);
            header_seen = true;
        }
    }
    assert!(header_seen, "the header example is shown");
    let all: BTreeSet<&str> = ALL_TYPES.iter().copied().collect();
    assert_eq!(types, all, "every event type has an example");
    let produced: BTreeSet<&str> = live
        .events
        .iter()
        .chain(&live2.events)
        .chain(&timed.events)
        .map(|e| type_of(&e.event))
        .collect();
    assert_eq!(produced, all, "the example sessions produce every event type");
}

/// `cargo test --test it -- --ignored --nocapture log::print_examples`: the lines for the docs.
#[test]
#[ignore = "prints the documentation's examples"]
fn print_examples() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let live = scripted(tmp.path());
    let text = std::fs::read_to_string(&live.w.path).expect("read");
    println!("{}", serde_json::to_string_pretty(&live.header()).expect("json"));
    print!("{text}");
    let timed = scripted_timing(&tmp.path().join("timed"));
    print!("{}", std::fs::read_to_string(&timed.w.path).expect("read"));
    let v2 = scripted_v2(&tmp.path().join("v2"));
    print!("{}", std::fs::read_to_string(&v2.w.path).expect("read"));
}
