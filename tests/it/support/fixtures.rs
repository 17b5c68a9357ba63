//! Review fixtures: the sessions under `tests/fixtures/logs/`, and the code that wrote them with
//! the real engine and the real `LogWriter`. The files are committed so that golden files and
//! hand-computed figures stay put; `cargo test --test review -- --ignored regenerate` writes
//! them again.
//!
//! | file | what |
//! |---|---|
//! | 20261102-090000-000 | project tuning, Year 9 team, completed: overruns, extension, pause, refusal, notes (one private), two commitments |
//! | 20261109-090000-000 | project tuning, Year 9 team (Cat absent, Dev new), ended early: carries S1's c1 forward, extension agreed by two people, Dev's commitment |
//! | 20261116-090000-000 | project tuning, Year 9 team: S1's c1 done, S2's c1 partly done; Cat's item untouched |
//! | 20261118-140000-000 | coaching triad, unfinished (convene stopped in the conversation) |
//! | 20261119-100000-000 | GROW coaching, unfinished with a torn last line |
//! | 20261120-153000-000 | Three Ss, completed, with a corrupt line in the middle |
//! | 20261121-090000-000 | a log of format 2 (a newer convene) |
//!
//! Times (seconds from the start) are chosen so that every figure can be checked by hand.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, FixedOffset};
use convene::log::Header;
use convene::log::writer::LogWriter;
use convene::protocol::Library;
use convene::session::{
    Agreement, CarriedCommitment, Command, CommitmentStatus, Now, SessionState, Setup, apply,
    decide, due, next_wake,
};

pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/logs");

pub const S1: &str = "20261102-090000-000";
pub const S2: &str = "20261109-090000-000";
pub const S3: &str = "20261116-090000-000";
pub const UNFINISHED: &str = "20261118-140000-000";
pub const TORN: &str = "20261119-100000-000";
pub const CORRUPT: &str = "20261120-153000-000";
pub const NEWER: &str = "20261121-090000-000";

pub const ALL: [&str; 7] = [S1, S2, S3, UNFINISHED, TORN, CORRUPT, NEWER];

/// Where the review indexes of the tests' data folders go (not the user's cache folder). Each
/// temporary data folder gets an index there; those of earlier runs (untouched for ten minutes) are
/// removed once per test process, so the folder does not grow run after run.
pub fn test_cache_dir() -> PathBuf {
    static CLEANED: std::sync::Once = std::sync::Once::new();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("index-cache");
    CLEANED.call_once(|| {
        let Ok(items) = std::fs::read_dir(dir.join("index")) else { return };
        for item in items.flatten() {
            let old = item
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > std::time::Duration::from_secs(600));
            if old {
                let _ = std::fs::remove_file(item.path());
            }
        }
    });
    dir
}

/// A temporary data folder holding copies of these fixture sessions.
pub fn data_with(ids: &[&str]) -> tempfile::TempDir {
    convene::review::index::use_cache_dir(test_cache_dir());
    let dir = tempfile::tempdir().expect("tempdir");
    let sessions = dir.path().join("sessions");
    std::fs::create_dir_all(&sessions).expect("sessions dir");
    for id in ids {
        let name = format!("{id}.jsonl");
        std::fs::copy(Path::new(FIXTURES).join(&name), sessions.join(&name)).expect("copy");
    }
    dir
}

fn t(s: u64) -> u64 {
    s * 1000
}

struct Script {
    id: &'static str,
    start: &'static str,
    protocol: &'static str,
    people: &'static [&'static str],
    facilitator: Option<&'static str>,
    group: Option<&'static str>,
    carried: Vec<CarriedCommitment>,
    /// (milliseconds from the start, command)
    steps: Vec<(u64, Command)>,
}

fn wall(start: DateTime<FixedOffset>, mono: u64) -> Now {
    Now::new(mono, start + Duration::milliseconds(i64::try_from(mono).expect("small")))
}

fn run(data: &Path, s: Script) -> PathBuf {
    let setup = Setup {
        facilitator: s.facilitator.map(str::to_string),
        group_name: s.group.map(str::to_string),
        carried: s.carried,
        ..Setup::new(
            Library::builtin_only().get(s.protocol).expect("built-in").clone(),
            s.people.iter().map(|p| (*p).to_string()),
        )
    };
    write_session(data, s.id, s.start, setup, s.steps)
}

/// Writes the log of a session `id` of `setup` started at `start` (RFC 3339) into
/// `data/sessions`, running each command at its time (milliseconds from the start) through the
/// real engine, with what time alone causes in between. Returns the log's path.
pub fn write_session(
    data: &Path,
    id: &str,
    start: &str,
    setup: Setup,
    steps: Vec<(u64, Command)>,
) -> PathBuf {
    let start = DateTime::parse_from_rfc3339(start).expect("start");
    convene::session::check_setup(&setup).expect("a valid setup");
    let mut w = LogWriter::create(data, id, &Header::new(id.into(), start, setup.clone()));
    assert!(w.error.is_none(), "{:?}", w.error);
    let mut st = SessionState::new(setup);
    for (mono, cmd) in steps {
        while let Some(at) = next_wake(&st).filter(|at| *at <= mono) {
            let events = due(&st, wall(start, at));
            if events.is_empty() {
                break;
            }
            for e in events {
                w.append(&e);
                apply(&mut st, &e);
            }
        }
        let label = format!("{cmd:?}");
        let events = decide(&st, cmd, wall(start, mono))
            .unwrap_or_else(|r| panic!("{id} at {mono}: {label}: {r}"));
        for e in events {
            w.append(&e);
            apply(&mut st, &e);
        }
    }
    w.path.clone()
}

fn next() -> Command {
    Command::Next { force: true }
}

fn note(text: &str, about: Option<&str>, private: bool) -> Command {
    Command::AddNote {
        text: text.into(),
        about: about.map(str::to_string),
        group: None,
        private,
        record: None,
    }
}

fn commit(owner: &str, text: &str, due: &str) -> Command {
    Command::AddCommitment {
        owner: owner.into(),
        text: text.into(),
        due: Some(due.into()),
        group: None,
        record: None,
    }
}

fn update(session: &str, id: &str, status: CommitmentStatus, note: Option<&str>) -> Command {
    Command::UpdateCommitment {
        session: Some(session.into()),
        id: id.into(),
        status,
        note: note.map(str::to_string),
    }
}

/// Writes every fixture into `data/sessions`.
// The fixtures' scripts, one after another, with the figures each test checks by hand in its
// comments: kept in one place on purpose.
#[allow(clippy::too_many_lines)]
pub fn build(data: &Path) {
    use CommitmentStatus::{CarriedForward, Done, Partly};
    // S1: planned 24:00, actual 26:00, over 2:30 (presenter +0:30, clarifying +1:00, discussion +1:00).
    run(
        data,
        Script {
            id: S1,
            start: "2026-11-02T09:00:00+00:00",
            protocol: "project-tuning",
            people: &["Ann Lee", "Ben Okafor", "Cat Diaz"],
            facilitator: Some("Fiona Grant"),
            group: Some("Year 9 team"),
            carried: vec![],
            steps: vec![
                (0, Command::Start),
                (t(270), next()), // presenter 4:30 of 4:00
                (t(440), Command::Extend { by_ms: t(60), agreement: Some(Agreement::Group) }),
                (t(510), next()), // clarifying 4:00 of 3:00, extended 1:00
                (t(570), Command::Pause),
                (t(690), Command::Resume), // paused 2:00
                (t(870), next()),          // probing 4:00 of 4:00
                (t(900), note("Try exit tickets | in the next *unit*", None, false)),
                (t(960), note("Ben looked worn out; Fiona to check in", Some("Ben Okafor"), true)),
                (t(1350), next()), // discussion 8:00 of 7:00
                (t(1400), commit("Ann Lee", "Trial exit tickets with 9B", "2 weeks")),
                (t(1410), commit("Cat Diaz", "Observe Ben's starter activity", "end of term")),
                (t(1500), Command::RefuseExtension { by_ms: t(120), reason: None }),
                (t(1560), next()), // presenter reflection 3:30 of 4:00
                (t(1680), next()), // process reflection 2:00 of 2:00: completed
            ],
        },
    );
    let carried = |data: &Path| convene::review::open_commitments(data, "year 9 team");
    // S2: planned 24:00, actual 18:00, over 2:30 (presenter +1:00, probing +1:30); ended early.
    run(
        data,
        Script {
            id: S2,
            start: "2026-11-09T09:00:00+00:00",
            protocol: "project-tuning",
            people: &["Ann Lee", "Ben Okafor", "Dev Patel"],
            facilitator: Some("Fiona Grant"),
            group: Some("Year 9 team"),
            carried: carried(data),
            steps: vec![
                (0, Command::Start),
                (t(60), update(S1, "c1", CarriedForward, Some("Not started: mocks week"))),
                (t(300), next()), // presenter 5:00 of 4:00
                (t(450), next()), // clarifying 2:30 of 3:00
                (
                    t(500),
                    Command::Extend {
                        by_ms: t(120),
                        agreement: Some(Agreement::People(vec![
                            "Ben Okafor".into(),
                            "Dev Patel".into(),
                        ])),
                    },
                ),
                (t(780), next()), // probing 5:30 of 4:00, extended 2:00
                (t(900), commit("Dev Patel", "Share the seating plan with the team", "by Friday")),
                (t(1080), Command::End), // discussion 5:00 of 7:00
            ],
        },
    );
    // S3: planned 24:00, actual 24:40, over 1:20 (clarifying +0:20, presenter reflection +1:00).
    run(
        data,
        Script {
            id: S3,
            start: "2026-11-16T09:00:00+00:00",
            protocol: "project-tuning",
            people: &["Ann Lee", "Ben Okafor", "Cat Diaz", "Dev Patel"],
            facilitator: Some("Fiona Grant"),
            group: Some("Year 9 team"),
            carried: carried(data),
            steps: vec![
                (0, Command::Start),
                (t(30), update(S1, "c1", Done, Some("Done in two lessons"))),
                (t(60), update(S2, "c1", Partly, None)),
                (t(240), next()),  // presenter 4:00
                (t(440), next()),  // clarifying 3:20 of 3:00
                (t(680), next()),  // probing 4:00
                (t(1080), next()), // discussion 6:40 of 7:00
                (t(1300), Command::Extend { by_ms: t(60), agreement: None }),
                (t(1380), next()), // presenter reflection 5:00 of 4:00, extended 1:00
                (t(1480), next()), // process reflection 1:40 of 2:00
            ],
        },
    );
    // Unfinished: convene stopped in round 1's conversation, 9:30 after it began.
    run(
        data,
        Script {
            id: UNFINISHED,
            start: "2026-11-18T14:00:00+00:00",
            protocol: "coaching-triad",
            people: &["Eve Morris", "Gus Khan", "Hana Sato"],
            facilitator: None,
            group: Some("ECT triad"),
            carried: vec![],
            steps: vec![
                (0, Command::Start),
                (t(330), next()), // issue 5:30 of 5:00
                (
                    t(900),
                    note(
                        "Eve named the behaviour policy as the blocker",
                        Some("Eve Morris"),
                        false,
                    ),
                ),
            ],
        },
    );
    // Torn: GROW, the last line (a commitment) cut in half as by a crash.
    let torn = run(
        data,
        Script {
            id: TORN,
            start: "2026-11-19T10:00:00+00:00",
            protocol: "grow-coaching",
            people: &["Zoë Ng", "Omar Said"],
            facilitator: None,
            group: Some("Coaching pair"),
            carried: vec![],
            steps: vec![
                (0, Command::Start),
                (t(660), next()),  // goal 11:00 of 10:00
                (t(1200), next()), // reality 9:00 of 10:00
                (t(1500), commit("Zoë Ng", "Ask the head of year for a meeting", "by Friday")),
            ],
        },
    );
    let text = std::fs::read_to_string(&torn).expect("torn log");
    let body = text.trim_end_matches('\n');
    std::fs::write(&torn, &body[..body.len() - 40]).expect("tear");
    // Corrupt: Three Ss, completed, the public note's line replaced by garbage.
    let corrupt = run(
        data,
        Script {
            id: CORRUPT,
            start: "2026-11-20T15:30:00+00:00",
            protocol: "three-ss",
            people: &["Priya Shah", "Tom Reid"],
            facilitator: None,
            group: None,
            carried: vec![],
            steps: vec![
                (0, Command::Start),
                (t(900), next()), // check-in 15:00
                (t(1000), note("Safeguarding log is up to date", None, false)),
                (t(2400), next()), // safeguarding 25:00
                (t(3900), next()), // standards 25:00
                (t(5400), next()), // stakeholders 25:00
                (t(5500), commit("Tom Reid", "Send the attendance data", "2026-11-27")),
                (t(6000), next()), // support 10:00: completed
            ],
        },
    );
    let text = std::fs::read_to_string(&corrupt).expect("corrupt log");
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            if l.contains("\"type\":\"note-added\"") {
                "{\"seq\":9,\"at\":1000000,\"wall\":\"2026-11-20T15:46:40.000+00:00\",\"type\":###"
                    .into()
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(&corrupt, lines.join("\n") + "\n").expect("corrupt");
    // Newer format: a header from a future convene.
    let newer = convene::log::sessions_dir(data).join(format!("{NEWER}.jsonl"));
    std::fs::write(
        newer,
        "{\"kind\":\"header\",\"format\":2,\"convene\":\"9.0.0\",\"session\":\"20261121-090000-000\"}\n",
    )
    .expect("newer");
}
