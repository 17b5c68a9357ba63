//! Synthetic session logs for trying out and measuring the review commands.
//!
//! ```text
//! cargo run --release --example gen_logs -- --count 10000 --out /tmp/convene-data [--seed 7]
//! CONVENE_DATA_DIR=/tmp/convene-data convene logs list
//! ```
//!
//! `--out` is a data folder: logs go to `DIR/sessions/YYYY-MM/`, as convene writes them; with
//! `--flat`, to `DIR/sessions/` itself, as convene wrote them before month folders (to measure
//! that layout). Every session is driven through the
//! real engine (`decide`, `due`, `apply`) and written with the real `LogWriter`, so the files are
//! genuine; only its syncs to the disk are left out (`LogWriter::create_unsynced`), which makes
//! 100,000 logs a matter of seconds rather than hours. Each log's modification time is set to
//! its last event's, as if it had been written then. Recurring groups meet week after week with one of the built-in protocols; stages run
//! short or long, some are paused or extended (with the agreement the protocol asks for) and
//! some extensions are refused; notes (some private) and commitments are recorded, and later
//! sessions of the same group follow the open commitments up. About 1 in 12 sessions ends early,
//! 1 in 25 is left unfinished and 1 in 200 has a torn last line. The same seed gives the same
//! sessions.

use std::collections::HashMap;
use std::error::Error;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone};
use convene::log::writer::LogWriter;
use convene::log::{Header, session_id_with};
use convene::protocol::{ExtensionPolicy, Library, Protocol, RecordKind};
use convene::session::{
    Agreement, CarriedCommitment, Command, CommitmentStatus, Event, Now, SessionState, Setup,
    apply, check_setup, decide, display, due, next_wake,
};

/// Writer threads. The logs do not depend on how many cores run them: each thread owns a fixed
/// share of the groups and its own random stream.
const THREADS: usize = 4;

const FIRST: &[&str] = &[
    "Aisha", "Ben", "Chloe", "Daniel", "Emma", "Farah", "George", "Hannah", "Imran", "Jess",
    "Kwame", "Laura", "Mohammed", "Niamh", "Oliver", "Priya", "Rachel", "Sam", "Tom", "Uma",
    "Victoria", "Wei", "Yusuf", "Zoë", "Ann", "Cat", "Dev", "Eve", "Fiona", "Gus", "Harriet",
    "Joe", "Kate", "Liam", "Maya", "Nathan", "Olu", "Pete", "Ruth", "Sophie", "Amir", "Bethan",
];
const LAST: &[&str] = &[
    "Ahmed", "Brown", "Clarke", "Davies", "Evans", "Fisher", "Green", "Hughes", "Islam", "Jones",
    "Khan", "Lewis", "Morris", "Nowak", "Okafor", "Patel", "Quinn", "Roberts", "Singh", "Taylor",
    "Usman", "Walker", "Young", "Zhang", "Diaz", "Kowalski", "O'Brien", "Murphy", "Chen", "Mensah",
];
const SCHOOLS: &[&str] = &[
    "Oakfield",
    "Riverside",
    "St Mary's",
    "Hillcrest",
    "Northgate",
    "Meadowbank",
    "Kingsway",
    "Ashby",
    "Brookside",
    "Elmwood",
    "Castle Hill",
    "Westfield",
];
/// (protocol, group names, fewest, most people)
const KINDS: &[(&str, &[&str], usize, usize)] = &[
    (
        "project-tuning",
        &["Maths dept", "English dept", "Science dept", "Year 7 team", "Humanities"],
        4,
        8,
    ),
    ("action-learning", &["AP set", "Middle leaders set", "SENCo set"], 3, 5),
    ("coaching-triad", &["ECT triads", "NQT cohort", "Coaching programme"], 6, 12),
    ("storm-rehearsal", &["Pastoral leads", "Heads of year"], 3, 6),
    ("grow-coaching", &["Coaching pair", "Mentor pair"], 2, 2),
    ("three-ss", &["Head's 1:1"], 2, 2),
    ("half-termly-review", &["Trust review", "Governors' review"], 3, 5),
];
const COMMITMENTS: &[&str] = &[
    "Trial exit tickets with one class",
    "Observe a colleague's starter activity",
    "Rewrite the Year 8 homework policy",
    "Share the new seating plan with the team",
    "Meet the SENCo about two students",
    "Try cold calling in one lesson a week",
    "Draft a parent letter about coursework",
    "Plan a joint lesson with the science team",
    "Audit the KS3 reading list",
    "Book a learning walk with the head of year",
    "Set up a peer-marking routine in 10C",
    "Collect student voice on feedback",
];
const DUES: &[&str] = &[
    "2 weeks",
    "by Friday",
    "end of term",
    "3 days",
    "next week",
    "1 month",
    "by Wednesday",
    "4 weeks",
    "after half term",
];
const NOTES: &[&str] = &[
    "Agreed to revisit the marking policy in spring",
    "The group wants more time for probing questions",
    "Useful link between feedback and the reading strategy",
    "Presenter will bring student work next time",
];
const PRIVATE: &[&str] = &[
    "Seemed stressed about the inspection: check in next week",
    "Quiet today; talk one to one about workload",
    "Tension between two members about timetabling",
];
const DONE_NOTES: &[&str] = &["Done and shared with the team", "Done", ""];
const OPEN_NOTES: &[&str] =
    &["Started, half done", "Ran out of time this week", "Mocks got in the way", ""];

/// splitmix64: small, fast and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

struct Group {
    name: String,
    protocol: String,
    members: Vec<String>,
    facilitator: String,
    open: Vec<CarriedCommitment>,
    next: DateTime<FixedOffset>,
}

struct Args {
    count: usize,
    out: PathBuf,
    seed: u64,
    /// Every log in the sessions folder itself (the layout before month folders).
    flat: bool,
}

fn args() -> Result<Args, String> {
    let mut count = None;
    let mut out = None;
    let mut seed = 1;
    let mut flat = false;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--count" => count = Some(value()?.parse().map_err(|_| "--count: a number")?),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--seed" => seed = value()?.parse().map_err(|_| "--seed: a number")?,
            "--flat" => flat = true,
            _ => return Err(format!("unknown argument {a}")),
        }
    }
    match (count, out) {
        (Some(count), Some(out)) => Ok(Args { count, out, seed, flat }),
        _ => Err("usage: gen_logs --count N --out DIR [--seed S] [--flat]".into()),
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = args()?;
    let lib = Library::builtin_only();
    let mut rng = Rng(args.seed);
    let start = FixedOffset::east_opt(0)
        .ok_or("offset")?
        .from_local_datetime(
            &NaiveDate::from_ymd_opt(2023, 9, 4)
                .ok_or("date")?
                .and_hms_opt(0, 0, 0)
                .ok_or("time")?,
        )
        .single()
        .ok_or("start")?;
    let group_count = (args.count / 24).max(4);
    let groups: Vec<Group> = (0..group_count)
        .map(|i| {
            let (protocol, names, lo, hi) = KINDS[i % KINDS.len()];
            let n = lo + rng.below(hi - lo + 1);
            let mut members: Vec<String> = Vec::new();
            while members.len() < n {
                let name = format!("{} {}", rng.pick(FIRST), rng.pick(LAST));
                if !members.contains(&name) {
                    members.push(name);
                }
            }
            Group {
                name: format!("{} ({})", rng.pick(names), SCHOOLS[i % SCHOOLS.len()]),
                protocol: protocol.to_string(),
                members,
                facilitator: format!("{} {}", rng.pick(FIRST), rng.pick(LAST)),
                open: Vec::new(),
                next: start + Duration::days(i64::try_from(rng.below(14)).unwrap_or(0)),
            }
        })
        .collect();
    // Each thread owns a share of the groups (a group's sessions stay in order) and its own
    // random stream.
    let mut buckets: Vec<Vec<Group>> = (0..THREADS).map(|_| Vec::new()).collect();
    for (i, g) in groups.into_iter().enumerate() {
        buckets[i % THREADS].push(g);
    }
    let out = args.out.clone();
    let results: Vec<Result<HashMap<&'static str, usize>, String>> = std::thread::scope(|sc| {
        let handles: Vec<_> = buckets
            .into_iter()
            .enumerate()
            .map(|(k, mut bucket)| {
                let quota = args.count / THREADS + usize::from(k < args.count % THREADS);
                let mut rng = Rng(args.seed.wrapping_mul(31).wrapping_add(k as u64));
                let lib = &lib;
                let out = &out;
                let flat = args.flat;
                sc.spawn(move || -> Result<HashMap<&'static str, usize>, String> {
                    let mut tally = HashMap::new();
                    for _ in 0..quota {
                        let gi = rng.below(bucket.len());
                        let g = &mut bucket[gi];
                        let protocol = lib.get(&g.protocol).cloned().ok_or("no protocol")?;
                        let mut day = g.next.date_naive();
                        while day.weekday().number_from_monday() > 5 {
                            day = day.succ_opt().ok_or("date")?;
                        }
                        let hour = u32::try_from(rng.between(8, 16)).unwrap_or(9);
                        let minute = u32::try_from(rng.between(0, 3) * 15).unwrap_or(0);
                        let when = g
                            .next
                            .timezone()
                            .from_local_datetime(&day.and_hms_opt(hour, minute, 0).ok_or("time")?)
                            .single()
                            .ok_or("time")?;
                        g.next += Duration::days(i64::try_from(rng.between(6, 15)).unwrap_or(7));
                        let outcome = run_session(out, flat, &protocol, g, when, &mut rng)
                            .map_err(|e| e.to_string())?;
                        *tally.entry(outcome).or_default() += 1;
                    }
                    Ok(tally)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("a thread failed".into())))
            .collect()
    });
    let mut tally: HashMap<&str, usize> = HashMap::new();
    for r in results {
        for (k, v) in r? {
            *tally.entry(k).or_default() += v;
        }
    }
    if args.flat {
        // The month folders the writer made, now empty.
        for item in std::fs::read_dir(convene::log::sessions_dir(&args.out))?.flatten() {
            if item.file_type().is_ok_and(|t| t.is_dir()) {
                let _ = std::fs::remove_dir(item.path());
            }
        }
    }
    let written: usize = tally.values().sum();
    let mut t: Vec<_> = tally.into_iter().collect();
    t.sort_unstable();
    println!("wrote {written} logs to {}: {t:?}", convene::log::sessions_dir(&args.out).display());
    Ok(())
}

/// Drives one session through the engine, writing every event.
// One session's script, read top to bottom like the session it plays: splitting it would
// scatter the order of events across functions.
#[allow(clippy::too_many_lines)]
fn run_session(
    out: &Path,
    flat: bool,
    protocol: &Protocol,
    g: &mut Group,
    when: DateTime<FixedOffset>,
    rng: &mut Rng,
) -> Result<&'static str, Box<dyn Error>> {
    // Someone is away now and then.
    let mut people = g.members.clone();
    if people.len() > protocol.group.min as usize + 1 && rng.chance(20) {
        people.remove(rng.below(people.len()));
    }
    let setup = Setup {
        facilitator: Some(g.facilitator.clone()),
        group_name: Some(g.name.clone()),
        carried: g.open.clone(),
        ..Setup::new(protocol.clone(), people)
    };
    check_setup(&setup).map_err(|e| format!("{}: {e}", g.name))?;
    // The id's random part comes from the seed too: the same seed gives the same files.
    let id = session_id_with(when.to_utc(), rng.next());
    let mut w = LogWriter::create_unsynced(out, &id, &Header::new(id.clone(), when, setup.clone()));
    if let Some(e) = &w.error {
        return Err(e.clone().into());
    }
    let session = w.session.clone();
    let path = w.path.clone();
    let mut st = SessionState::new(setup);
    let mut mono: u64 = 0;
    let stages = st.stages.len();
    let ending = rng.below(100);
    let stop_at = if ending < 8 { Some(rng.below(stages)) } else { None };
    let unfinished_at = if (8..12).contains(&ending) { Some(rng.below(stages)) } else { None };
    step(&mut st, &mut w, when, mono, Command::Start);
    for pos in 0..stages {
        if st.pos != pos || !st.is_running() {
            break;
        }
        let planned = st.clocks[pos].budget_ms;
        // Follow up open commitments in the follow-up stage, or the first stage.
        let follow_here = st.spec(pos).is_some_and(|s| s.follow_up)
            || (pos == 0 && !protocol.all_stages().any(|(_, s)| s.follow_up));
        let mut t = mono;
        if follow_here {
            for c in st.setup.carried.clone() {
                t += rng.between(20_000, 90_000);
                let status = match rng.below(10) {
                    0..=4 => CommitmentStatus::Done,
                    5 | 6 => CommitmentStatus::Partly,
                    7 => CommitmentStatus::NotYet,
                    _ => CommitmentStatus::CarriedForward,
                };
                let notes = if status == CommitmentStatus::Done { DONE_NOTES } else { OPEN_NOTES };
                let note = Some(rng.pick(notes).to_string()).filter(|n| !n.is_empty());
                let cmd =
                    Command::UpdateCommitment { session: Some(c.session), id: c.id, status, note };
                step(&mut st, &mut w, when, t, cmd);
            }
        }
        // How long the stage really runs: 0.6–1.0 of the plan, or 1.0–1.6 of it.
        let factor = if rng.chance(45) { rng.between(100, 160) } else { rng.between(60, 100) };
        let run = (planned * factor / 100).saturating_sub(t - mono).max(30_000);
        let mut paused = 0;
        if rng.chance(6) {
            let at = t + run / 3;
            step(&mut st, &mut w, when, at, Command::Pause);
            paused = rng.between(30_000, 300_000);
            step(&mut st, &mut w, when, at + paused, Command::Resume);
        }
        let note_at = t + paused + run / 2;
        let target = t + paused + run;
        if rng.chance(15) {
            let text = rng.pick(NOTES).to_string();
            step(
                &mut st,
                &mut w,
                when,
                note_at,
                Command::AddNote { text, about: None, group: None, private: false, record: None },
            );
        }
        if rng.chance(8) {
            let about = st.order.get(rng.below(st.order.len())).cloned();
            let text = rng.pick(PRIVATE).to_string();
            step(
                &mut st,
                &mut w,
                when,
                note_at,
                Command::AddNote { text, about, group: None, private: true, record: None },
            );
        }
        if let Some(x) = st.spec(pos).and_then(|s| s.expects.clone())
            && x.record == RecordKind::Commitment
        {
            let owner = x
                .owner
                .as_deref()
                .and_then(|role| display::holders(&st, role).into_iter().next())
                .unwrap_or_else(|| st.order[rng.below(st.order.len())].clone());
            let text = rng.pick(COMMITMENTS).to_string();
            let due = Some(rng.pick(DUES).to_string());
            step(
                &mut st,
                &mut w,
                when,
                note_at,
                Command::AddCommitment { owner, text, due, group: None, record: None },
            );
        }
        if rng.chance(12) {
            let at = (t + paused + planned.saturating_sub(t - mono)).clamp(note_at, target);
            let policy = st.spec(pos).map_or(ExtensionPolicy::Free, |s| protocol.extension_for(s));
            if policy != ExtensionPolicy::NotAllowed {
                let by_ms = rng.between(1, 3) * 60_000;
                let agreement = match (policy, rng.below(3)) {
                    (ExtensionPolicy::GroupAgreement, 0) => {
                        Some(Agreement::People(st.order.iter().take(2).cloned().collect()))
                    }
                    (ExtensionPolicy::GroupAgreement, _) | (_, 0) => Some(Agreement::Group),
                    _ => None,
                };
                if rng.chance(25) {
                    step(
                        &mut st,
                        &mut w,
                        when,
                        at,
                        Command::RefuseExtension { by_ms, reason: None },
                    );
                } else {
                    step(&mut st, &mut w, when, at, Command::Extend { by_ms, agreement });
                }
            }
        }
        if stop_at == Some(pos) {
            step(&mut st, &mut w, when, target, Command::End);
            break;
        }
        if unfinished_at == Some(pos) {
            tick(&mut st, &mut w, when, target);
            // convene stops here: the log simply ends.
            let torn = rng.chance(12);
            drop(w);
            if torn {
                tear(&path)?;
            }
            dated(&path, &st)?;
            flatten(out, &path, flat)?;
            if torn {
                return Ok("unfinished, torn");
            }
            remember(g, &st, &session);
            return Ok("unfinished");
        }
        step(&mut st, &mut w, when, target, Command::Next { force: true });
        mono = target;
    }
    drop(w);
    dated(&path, &st)?;
    flatten(out, &path, flat)?;
    remember(g, &st, &session);
    Ok(match st.status {
        convene::session::Status::Ended(convene::session::Outcome::Completed) => "completed",
        _ => "ended early",
    })
}

/// Updates the group's open list: drop what was marked done, add the new commitments.
fn remember(g: &mut Group, st: &SessionState, session: &str) {
    for u in &st.updates {
        if u.status == CommitmentStatus::Done {
            g.open.retain(|c| !(Some(&c.session) == u.session.as_ref() && c.id == u.id));
        }
    }
    for c in &st.commitments {
        g.open.push(CarriedCommitment {
            session: session.to_string(),
            id: c.id.clone(),
            owner: c.owner.clone(),
            text: c.text.clone(),
            due: c.due.clone(),
            made: Some(c.wall.to_rfc3339()),
        });
    }
    // Groups let very old items go.
    let len = g.open.len();
    if len > 6 {
        g.open.drain(..len - 6);
    }
}

fn now(when: DateTime<FixedOffset>, mono: u64) -> Now {
    Now::new(mono, when + Duration::milliseconds(i64::try_from(mono).unwrap_or(0)))
}

/// Lets time pass up to `mono`, writing the warnings and time-ups it causes.
fn tick(st: &mut SessionState, w: &mut LogWriter, when: DateTime<FixedOffset>, mono: u64) {
    while let Some(at) = next_wake(st).filter(|at| *at <= mono) {
        let events = due(st, now(when, at));
        if events.is_empty() {
            break;
        }
        for e in events {
            w.append(&e);
            apply(st, &e);
        }
    }
}

/// Lets time pass, then decides a command; write first, then apply.
fn step(
    st: &mut SessionState,
    w: &mut LogWriter,
    when: DateTime<FixedOffset>,
    mono: u64,
    cmd: Command,
) {
    tick(st, w, when, mono);
    if let Ok(events) = decide(st, cmd, now(when, mono)) {
        for e in events {
            w.append(&e);
            apply(st, &e);
            if matches!(e.event, Event::SessionEnded { .. }) {
                break;
            }
        }
    }
}

/// Gives a log the modification time of its last event, as if it had been written then (the
/// review index checks recently written unfinished logs more often than old ones).
fn dated(path: &Path, st: &SessionState) -> Result<(), Box<dyn Error>> {
    if let Some(last) = st.last_wall {
        let at = std::time::UNIX_EPOCH
            + std::time::Duration::from_millis(u64::try_from(last.timestamp_millis()).unwrap_or(0));
        std::fs::OpenOptions::new().append(true).open(path)?.set_modified(at)?;
    }
    Ok(())
}

/// With `--flat`, moves a log from its month folder into the sessions folder itself (a rename
/// keeps its modification time).
fn flatten(out: &Path, path: &Path, flat: bool) -> Result<(), Box<dyn Error>> {
    if flat {
        let name = path.file_name().ok_or("a file name")?;
        std::fs::rename(path, convene::log::sessions_dir(out).join(name))?;
    }
    Ok(())
}

/// Cuts the last line in half, as a crash mid-write would.
fn tear(path: &Path) -> Result<(), Box<dyn Error>> {
    let text = std::fs::read_to_string(path)?;
    let body = text.trim_end_matches('\n');
    let cut = body.rfind('\n').map_or(0, |i| i + 1);
    let last = &body[cut..];
    let half = last.char_indices().nth(last.chars().count() / 2).map_or(0, |(i, _)| i);
    let mut f = std::fs::OpenOptions::new().write(true).truncate(true).open(path)?;
    f.write_all(&body.as_bytes()[..cut])?;
    f.write_all(&last.as_bytes()[..half])?;
    Ok(())
}
