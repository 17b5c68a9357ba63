//! The generator behind `examples/gen_logs` (its `main.rs` reads the arguments): synthetic
//! session logs for trying out and measuring the review commands. The integration tests include
//! this file as a module (`tests/it/gen_logs.rs`) and call [`generate`].
//!
//! Every setup is built as `convene run` builds it: a [`SetupRequest`] checked by
//! [`SetupRequest::check`], with the group's open commitments, its place among the group's
//! sessions and its earlier sessions given as `convene run` reads them from the index. A setup
//! the protocol refuses stops the generator with the group and the protocol's reason, so a
//! protocol change cannot silently break it. Group sizes are taken within the protocol's own
//! limits (`group.min`, `group.max`).
//!
//! Every session is driven through the real engine (`decide`, `due`, `apply`) and written with
//! the real `LogWriter`, so the files are genuine; only its syncs to the disk are left out
//! (`LogWriter::create_unsynced`), which makes 100,000 logs a matter of seconds rather than
//! hours. Each log's modification time is set to its last event's, as if it had been written
//! then. Recurring groups meet week after week with one of the built-in protocols; stages run
//! short or long, some are paused or extended (with the agreement the protocol asks for) and
//! some extensions are refused; notes (some private) are recorded, and a commitment for each
//! person the protocol asks one of (each holder of the owning role, or everyone when the record
//! names no owner), which later sessions of the same group follow up. About 1 in 12 sessions
//! ends early, 1 in 25 is left unfinished and 1 in 200 has a torn last line. The same seed gives
//! the same sessions.
//!
//! The logs are written into a folder beside `--out` (`.NAME.partial`), renamed to `--out` only
//! when every log is written: a failure removes it, and never leaves a half-written data folder.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone};
use convene::log::writer::LogWriter;
use convene::log::{Header, session_id_with};
use convene::protocol::{ExtensionPolicy, Library, Protocol, RecordKind};
use convene::session::{
    Agreement, CarriedCommitment, Command, CommitmentStatus, Event, Now, SessionState,
    SetupRequest, apply, decide, display, due, next_wake,
};

/// Why the generator stopped. Nothing is left behind: the folder being written is removed.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    /// `--out` already holds files: the generator writes only into a new (or empty) folder.
    #[error("{}: already holds files; give a new folder (nothing was written)", .0.display())]
    Exists(PathBuf),
    /// The protocol refuses the setup the generator asked for.
    #[error(
        "the setup of {group} ({protocol}) is refused, as `convene run` would refuse it: {problem}"
    )]
    Refused { group: String, protocol: String, problem: String },
    /// A protocol of the generator's list is not built in any more.
    #[error("no built-in protocol {0}")]
    NoProtocol(String),
    /// Reading or writing a file or folder.
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    /// The log writer could not save a log (its message names the path).
    #[error("{0}")]
    Log(String),
    /// A date or time out of range, or a writer thread that panicked.
    #[error("{0}")]
    Other(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> GenError + '_ {
    move |source| GenError::Io { path: path.to_path_buf(), source }
}

fn other(what: &str) -> GenError {
    GenError::Other(what.to_string())
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// How many logs.
    pub count: usize,
    /// The data folder to make (it must not exist, or be empty).
    pub out: PathBuf,
    pub seed: u64,
    /// Every log in the sessions folder itself (the layout before month folders).
    pub flat: bool,
}

/// What was generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// How many logs were written.
    pub logs: usize,
    /// How many commitments they hold (made in them, not counting follow-ups).
    pub commitments: usize,
    /// How the sessions ended ("completed", "ended early", "unfinished", "unfinished, torn"),
    /// with how many of each, in that order of the names.
    pub outcomes: Vec<(&'static str, usize)>,
    /// The sessions folder.
    pub sessions: PathBuf,
}

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
    /// How many sessions the group has had (all with its one protocol).
    sessions: u32,
    next: DateTime<FixedOffset>,
}

/// What one thread wrote: how many sessions ended each way, and the commitments made.
type Tally = (HashMap<&'static str, usize>, usize);

/// Writes `o.count` logs into the data folder `o.out`, made only when every log is written.
///
/// # Errors
/// `o.out` already holds files, a setup the protocol refuses, or a file that cannot be
/// written: the folder being written is removed, and `o.out` is left as it was.
pub fn generate(o: &Options) -> Result<Summary, GenError> {
    if std::fs::read_dir(&o.out).is_ok_and(|mut d| d.next().is_some()) {
        return Err(GenError::Exists(o.out.clone()));
    }
    let name = o.out.file_name().ok_or_else(|| other("--out needs a folder name"))?;
    let parent = match o.out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    let partial = parent.join(format!(".{}.partial", name.to_string_lossy()));
    // Left by a run that was killed: never a data folder anyone uses.
    if partial.exists() {
        std::fs::remove_dir_all(&partial).map_err(io(&partial))?;
    }
    let outcome = write_all(o, &partial).and_then(|summary| {
        if o.out.exists() {
            // An empty folder (checked above): the complete one takes its place.
            std::fs::remove_dir(&o.out).map_err(io(&o.out))?;
        }
        std::fs::rename(&partial, &o.out).map_err(io(&o.out))?;
        Ok(summary)
    });
    match outcome {
        Ok(mut summary) => {
            summary.sessions = convene::log::sessions_dir(&o.out);
            Ok(summary)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&partial);
            Err(e)
        }
    }
}

/// The recurring groups, each with its protocol, members (as many as the protocol takes) and
/// first meeting in the fortnight after `start`.
fn make_groups(
    lib: &Library,
    rng: &mut Rng,
    group_count: usize,
    start: DateTime<FixedOffset>,
) -> Result<Vec<Group>, GenError> {
    let mut groups: Vec<Group> = Vec::with_capacity(group_count);
    for i in 0..group_count {
        let (protocol, names, lo, hi) = KINDS[i % KINDS.len()];
        let rules = &lib.get(protocol).ok_or_else(|| GenError::NoProtocol(protocol.into()))?.group;
        // The group's size within the protocol's own limits.
        let min = rules.min as usize;
        let max = rules.max.map_or(usize::MAX, |m| m as usize);
        let (lo, hi) = (lo.clamp(min, max), hi.clamp(min, max));
        let n = lo + rng.below(hi - lo + 1);
        let mut members: Vec<String> = Vec::new();
        while members.len() < n {
            let name = format!("{} {}", rng.pick(FIRST), rng.pick(LAST));
            if !members.contains(&name) {
                members.push(name);
            }
        }
        groups.push(Group {
            // Each group its own name (`AP set 3 (Ashby)`): a group's history is its own
            // sessions (about 24), as in a trust, not every group of that kind.
            name: format!(
                "{} {} ({})",
                rng.pick(names),
                i / SCHOOLS.len() + 1,
                SCHOOLS[i % SCHOOLS.len()]
            ),
            protocol: protocol.to_string(),
            members,
            facilitator: format!("{} {}", rng.pick(FIRST), rng.pick(LAST)),
            open: Vec::new(),
            sessions: 0,
            next: start + Duration::days(i64::try_from(rng.below(14)).unwrap_or(0)),
        });
    }
    Ok(groups)
}

/// Writes every log into `out`.
fn write_all(o: &Options, out: &Path) -> Result<Summary, GenError> {
    let lib = Library::builtin_only();
    let mut rng = Rng(o.seed);
    let start = FixedOffset::east_opt(0)
        .ok_or_else(|| other("offset"))?
        .from_local_datetime(
            &NaiveDate::from_ymd_opt(2023, 9, 4)
                .ok_or_else(|| other("date"))?
                .and_hms_opt(0, 0, 0)
                .ok_or_else(|| other("time"))?,
        )
        .single()
        .ok_or_else(|| other("start"))?;
    let groups = make_groups(&lib, &mut rng, (o.count / 24).max(4), start)?;
    // Each thread owns a share of the groups (a group's sessions stay in order) and its own
    // random stream.
    let mut buckets: Vec<Vec<Group>> = (0..THREADS).map(|_| Vec::new()).collect();
    for (i, g) in groups.into_iter().enumerate() {
        buckets[i % THREADS].push(g);
    }
    let results: Vec<Result<Tally, GenError>> = std::thread::scope(|sc| {
        let handles: Vec<_> = buckets
            .into_iter()
            .enumerate()
            .map(|(k, mut bucket)| {
                let quota = o.count / THREADS + usize::from(k < o.count % THREADS);
                let mut rng = Rng(o.seed.wrapping_mul(31).wrapping_add(k as u64));
                let lib = &lib;
                let flat = o.flat;
                sc.spawn(move || -> Result<Tally, GenError> {
                    let mut tally = HashMap::new();
                    let mut commitments = 0;
                    for _ in 0..quota {
                        let gi = rng.below(bucket.len());
                        let g = &mut bucket[gi];
                        let protocol = lib
                            .get(&g.protocol)
                            .cloned()
                            .ok_or_else(|| GenError::NoProtocol(g.protocol.clone()))?;
                        let mut day = g.next.date_naive();
                        while day.weekday().number_from_monday() > 5 {
                            day = day.succ_opt().ok_or_else(|| other("date"))?;
                        }
                        let hour = u32::try_from(rng.between(8, 16)).unwrap_or(9);
                        let minute = u32::try_from(rng.between(0, 3) * 15).unwrap_or(0);
                        let when = g
                            .next
                            .timezone()
                            .from_local_datetime(
                                &day.and_hms_opt(hour, minute, 0).ok_or_else(|| other("time"))?,
                            )
                            .single()
                            .ok_or_else(|| other("time"))?;
                        g.next += Duration::days(i64::try_from(rng.between(6, 15)).unwrap_or(7));
                        let (outcome, made) = run_session(out, flat, protocol, g, when, &mut rng)?;
                        *tally.entry(outcome).or_default() += 1;
                        commitments += made;
                    }
                    Ok((tally, commitments))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(other("a writer thread failed"))))
            .collect()
    });
    let mut tally: HashMap<&'static str, usize> = HashMap::new();
    let mut commitments = 0;
    for r in results {
        let (t, made) = r?;
        commitments += made;
        for (k, v) in t {
            *tally.entry(k).or_default() += v;
        }
    }
    let sessions = convene::log::sessions_dir(out);
    if o.flat {
        // The month folders the writer made, now empty.
        for item in std::fs::read_dir(&sessions).map_err(io(&sessions))?.flatten() {
            if item.file_type().is_ok_and(|t| t.is_dir()) {
                let _ = std::fs::remove_dir(item.path());
            }
        }
    }
    let mut outcomes: Vec<_> = tally.into_iter().collect();
    outcomes.sort_unstable();
    Ok(Summary { logs: outcomes.iter().map(|(_, n)| n).sum(), commitments, outcomes, sessions })
}

/// Drives one session through the engine, writing every event.
// One session's script, read top to bottom like the session it plays: splitting it would
// scatter the order of events across functions.
#[allow(clippy::too_many_lines)]
fn run_session(
    out: &Path,
    flat: bool,
    protocol: Protocol,
    g: &mut Group,
    when: DateTime<FixedOffset>,
    rng: &mut Rng,
) -> Result<(&'static str, usize), GenError> {
    // Someone is away now and then.
    let mut people = g.members.clone();
    if people.len() > protocol.group.min as usize + 1 && rng.chance(20) {
        people.remove(rng.below(people.len()));
    }
    // As `convene run --group NAME --facilitator NAME --people A,B,...` asks for it, with what
    // `convene run` reads from the group's earlier sessions (`carry_from_group`).
    let mut request = SetupRequest {
        group: Some(g.name.clone()),
        facilitator: Some(g.facilitator.clone()),
        ..SetupRequest::new(protocol, &people.join(", "))
    };
    if request.follows_up().is_some() {
        request.carried.clone_from(&g.open);
        request.sequence = Some(g.sessions + 1);
    }
    if request.takes_from_group().is_some() {
        request.earlier_sessions = g.sessions;
    }
    let protocol_id = request.protocol.id.clone();
    let setup = request
        .check()
        .map_err(|e| GenError::Refused {
            group: g.name.clone(),
            protocol: protocol_id,
            problem: e.to_string(),
        })?
        .setup;
    let protocol = setup.protocol.clone();
    g.sessions += 1;
    // The id's random part comes from the seed too: the same seed gives the same files.
    let id = session_id_with(when.to_utc(), rng.next());
    let mut w = LogWriter::create_unsynced(out, &id, &Header::new(id.clone(), when, setup.clone()));
    if let Some(e) = &w.error {
        return Err(GenError::Log(e.clone()));
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
        // A commitment for each person the protocol asks one of: each holder of the role that
        // owns the record, or everyone when it names no owner.
        let asked: Vec<_> = st
            .spec(pos)
            .map(|s| {
                Protocol::expected_records(s)
                    .filter(|x| x.record == RecordKind::Commitment)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        for x in asked {
            let owners = match x.owner.as_deref() {
                Some(role) => display::holders(&st, role),
                None => st.order.clone(),
            };
            for owner in owners {
                let text = rng.pick(COMMITMENTS).to_string();
                let due = Some(rng.pick(DUES).to_string());
                let record = x.id.clone();
                let cmd = Command::AddCommitment { owner, text, due, group: None, record };
                step(&mut st, &mut w, when, note_at, cmd);
            }
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
            check_written(&w)?;
            drop(w);
            if torn {
                tear(&path)?;
            }
            dated(&path, &st)?;
            flatten(out, &path, flat)?;
            if torn {
                return Ok(("unfinished, torn", st.commitments.len()));
            }
            remember(g, &st, &session);
            return Ok(("unfinished", st.commitments.len()));
        }
        step(&mut st, &mut w, when, target, Command::Next { force: true });
        mono = target;
    }
    check_written(&w)?;
    drop(w);
    dated(&path, &st)?;
    flatten(out, &path, flat)?;
    remember(g, &st, &session);
    let outcome = match st.status {
        convene::session::Status::Ended(convene::session::Outcome::Completed) => "completed",
        _ => "ended early",
    };
    Ok((outcome, st.commitments.len()))
}

/// A log the writer could not save stops the generator.
fn check_written(w: &LogWriter) -> Result<(), GenError> {
    w.error.clone().map_or(Ok(()), |e| Err(GenError::Log(e)))
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
fn dated(path: &Path, st: &SessionState) -> Result<(), GenError> {
    if let Some(last) = st.last_wall {
        let at = std::time::UNIX_EPOCH
            + std::time::Duration::from_millis(u64::try_from(last.timestamp_millis()).unwrap_or(0));
        std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .and_then(|f| f.set_modified(at))
            .map_err(io(path))?;
    }
    Ok(())
}

/// With `--flat`, moves a log from its month folder into the sessions folder itself (a rename
/// keeps its modification time).
fn flatten(out: &Path, path: &Path, flat: bool) -> Result<(), GenError> {
    if flat {
        let name = path.file_name().ok_or_else(|| other("a file name"))?;
        std::fs::rename(path, convene::log::sessions_dir(out).join(name)).map_err(io(path))?;
    }
    Ok(())
}

/// Cuts the last line in half, as a crash mid-write would.
fn tear(path: &Path) -> Result<(), GenError> {
    let text = std::fs::read_to_string(path).map_err(io(path))?;
    let body = text.trim_end_matches('\n');
    let cut = body.rfind('\n').map_or(0, |i| i + 1);
    let last = &body[cut..];
    let half = last.char_indices().nth(last.chars().count() / 2).map_or(0, |(i, _)| i);
    std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)
        .and_then(|mut f| {
            f.write_all(&body.as_bytes()[..cut])?;
            f.write_all(&last.as_bytes()[..half])
        })
        .map_err(io(path))
}
