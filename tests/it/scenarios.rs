//! Scenario files under `tests/scenarios/`: commands fed at given times, with the events and
//! state they must produce. Scenarios are data; this file only runs them.
//!
//! A step: `{"at": "4m10s", "do": "next", "events": [...], "reject": "...", "expect": {...}}`.
//! At each step the runner first applies what time alone causes (`due`), then the command.
//! `events` lists the event types of both, in order. Commands: start, pause, resume, next,
//! next! (leave without the expected record), back, skip, jump N (1-based), extend 1m [group |
//! by Ann,Ben], refuse 1m, shorten 1m, gap 5m, note TEXT, commit OWNER | TEXT [| DUE], front NAME,
//! end, tick (nothing: just let time pass).
//!
//! `protocol` is a built-in's id, or a protocol file's path from the crate root (ending in
//! `.json`), such as a format 1 copy of an old built-in in `tests/fixtures/protocols/v1/`.

#![allow(clippy::cast_possible_wrap)]

use crate::support;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Duration, FixedOffset};
use convene::protocol::{Library, load_file, parse_duration};
use convene::session::display::{self, countdown_text};
use convene::session::{
    Agreement, Command, GapCause, Now, SessionState, Setup, Stamped, Status, apply, check_setup,
    decide, due, replay,
};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    protocol: String,
    people: Vec<String>,
    #[serde(default)]
    facilitator: Option<String>,
    #[serde(default)]
    auto_advance: bool,
    #[serde(default)]
    overrides: BTreeMap<String, String>,
    #[serde(default)]
    warnings: Vec<String>,
    steps: Vec<Step>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    at: String,
    #[serde(default, rename = "do")]
    command: Option<String>,
    #[serde(default)]
    events: Option<Vec<String>>,
    #[serde(default)]
    reject: Option<String>,
    #[serde(default)]
    expect: BTreeMap<String, Value>,
}

fn start_wall() -> DateTime<FixedOffset> {
    support::wall(0)
}

fn secs(text: &str) -> u64 {
    parse_duration(text).unwrap_or_else(|e| panic!("bad duration {text}: {e}"))
}

fn command(text: &str) -> Command {
    let (verb, rest) = text.split_once(' ').unwrap_or((text, ""));
    match verb {
        "start" => Command::Start,
        "pause" => Command::Pause,
        "resume" => Command::Resume,
        "next" => Command::Next { force: false },
        "next!" => Command::Next { force: true },
        "back" => Command::Back,
        "skip" => Command::Skip,
        "end" => Command::End,
        "jump" => Command::Jump { to: rest.parse::<usize>().expect("jump N") - 1 },
        "extend" => {
            let mut parts = rest.splitn(2, ' ');
            let by_ms = secs(parts.next().expect("amount")) * 1000;
            let agreement = match parts.next() {
                None => None,
                Some("group") => Some(Agreement::Group),
                Some(by) => Some(Agreement::People(
                    by.trim_start_matches("by ").split(',').map(str::to_string).collect(),
                )),
            };
            Command::Extend { by_ms, agreement }
        }
        "refuse" => Command::RefuseExtension { by_ms: secs(rest) * 1000, reason: None },
        "shorten" => Command::Shorten { by_ms: secs(rest) * 1000 },
        "gap" => Command::ReportGap { gap_ms: secs(rest) * 1000, cause: GapCause::Suspend },
        "note" => Command::AddNote {
            text: rest.into(),
            about: None,
            group: None,
            private: true,
            record: None,
        },
        "commit" => {
            let parts: Vec<&str> = rest.split('|').map(str::trim).collect();
            Command::AddCommitment {
                owner: parts[0].into(),
                text: parts[1].into(),
                due: parts.get(2).map(|d| (*d).to_string()),
                group: None,
                record: None,
            }
        }
        "front" => Command::MoveToFront { name: rest.into(), reason: Some("pressing".into()) },
        other => panic!("unknown scenario command {other}"),
    }
}

fn kind(e: &Stamped) -> String {
    let v = serde_json::to_value(e).expect("serializes");
    v["type"].as_str().expect("tagged").to_string()
}

fn check(state: &SessionState, now: Now, key: &str, want: &Value, file: &str, at: &str) {
    let got: Value = match key {
        "stage" => state.stages[state.pos].id.clone().into(),
        "position" => (state.pos + 1).into(),
        "round" => display::current_round(state).map(|r| r + 1).into(),
        "phase" => display::phase(state, now.mono).label().into(),
        "clock" => countdown_text(display::remaining(state, now.mono)).into(),
        "status" => match state.status {
            Status::NotStarted => "not-started",
            Status::Running => "running",
            Status::Ended(convene::session::Outcome::Completed) => "completed",
            Status::Ended(convene::session::Outcome::EndedEarly) => "ended-early",
        }
        .into(),
        "cues" => display::cues(state, 4)
            .iter()
            .map(|c| format!("{}{}: {}", if c.silent { "silent " } else { "" }, c.who, c.cue))
            .collect::<Vec<_>>()
            .join(" · ")
            .into(),
        "warning" => display::warning_text(state, 4).into(),
        "roles" => {
            let r = display::current_round(state).expect("in a round");
            display::roles_in_round(state, r)
                .iter()
                .map(|g| g.iter().map(|(n, r)| format!("{n}={r}")).collect::<Vec<_>>().join(","))
                .collect::<Vec<_>>()
                .join(" | ")
                .into()
        }
        "order" => state.order.join(",").into(),
        "notes" => state.notes.len().into(),
        "commitments" => state.commitments.len().into(),
        "extensions" => state.extensions.len().into(),
        "refusals" => state.refusals.len().into(),
        "minutes_late" => display::schedule(state, now.mono, now.wall).minutes_late().into(),
        "projected_end" => display::schedule(state, now.mono, now.wall)
            .projected_end
            .format("%H:%M")
            .to_string()
            .into(),
        "planned_end" => display::schedule(state, now.mono, now.wall)
            .planned_end
            .format("%H:%M")
            .to_string()
            .into(),
        other => panic!("{file}: unknown expectation {other}"),
    };
    assert_eq!(&got, want, "{file} at {at}: {key}");
}

fn run_scenario(path: &Path) {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).expect("readable");
    let sc: Scenario = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    let protocol = if Path::new(&sc.protocol).extension().is_some_and(|x| x == "json") {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(&sc.protocol);
        load_file(&path).unwrap_or_else(|e| panic!("{file}: {e}"))
    } else {
        Library::builtin_only().get(&sc.protocol).expect("built-in").clone()
    };
    let setup = Setup {
        facilitator: sc.facilitator.clone(),
        overrides: sc.overrides.iter().map(|(k, v)| (k.clone(), secs(v))).collect(),
        auto_advance: sc.auto_advance,
        ..Setup::new(protocol, sc.people.clone())
    };
    let warnings = check_setup(&setup).unwrap_or_else(|e| panic!("{file}: setup refused: {e}"));
    assert_eq!(warnings, sc.warnings, "{file}: setup warnings");
    let mut state = SessionState::new(setup.clone());
    let mut log: Vec<Stamped> = Vec::new();
    let mut last = 0;
    for step in &sc.steps {
        let mono = secs(&step.at) * 1000;
        assert!(mono >= last, "{file}: steps must go forward in time ({})", step.at);
        last = mono;
        let now = Now { mono, wall: start_wall() + Duration::milliseconds(mono as i64) };
        let mut produced = Vec::new();
        for e in due(&state, now) {
            apply(&mut state, &e);
            produced.push(e);
        }
        if let Some(c) = &step.command
            && c != "tick"
        {
            match decide(&state, command(c), now) {
                Ok(events) => {
                    assert!(step.reject.is_none(), "{file} at {}: {c} should be refused", step.at);
                    for e in events {
                        apply(&mut state, &e);
                        produced.push(e);
                    }
                }
                Err(r) => {
                    let want = step
                        .reject
                        .as_deref()
                        .unwrap_or_else(|| panic!("{file} at {}: {c} refused: {r}", step.at));
                    assert!(
                        r.to_string().contains(want),
                        "{file} at {}: refusal {r:?} lacks {want:?}",
                        step.at
                    );
                }
            }
        }
        if let Some(want) = &step.events {
            let got: Vec<String> = produced.iter().map(kind).collect();
            assert_eq!(&got, want, "{file} at {}: events", step.at);
        }
        for (k, v) in &step.expect {
            check(&state, now, k, v, &file, &step.at);
        }
        log.extend(produced);
    }
    assert_eq!(replay(setup, &log), state, "{file}: replaying the log gives the live state");
}

#[test]
fn every_scenario_file_runs() {
    let mut files: Vec<_> = std::fs::read_dir("tests/scenarios")
        .expect("scenario folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 4, "expected the scenario files");
    for f in files {
        run_scenario(&f);
    }
}
