//! Two laptops sharing one data folder: each log records the machine that created it, `resume`
//! prefers this laptop's own sessions, asks before continuing another's, and does not offer a
//! log that is still arriving (torn) or still being written (growing).

// The waits bound how long a real process may take, from outside it.
#![allow(clippy::disallowed_methods)]

use crate::support;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use convene::log::Header;
use convene::log::writer::LogWriter;
use convene::machine::Machine;
use convene::session::{Command, SessionState, Setup, apply, decide};
use support::cli::{command, ok, stderr, stdout};
use support::fixtures::data_with;

/// This laptop's session, older.
const OWN: &str = "20261123-083000-000-bbbb";
/// Another laptop's session, newer (synced in while it runs there).
const THEIRS: &str = "20261123-093000-000-aaaa";

fn laptop(id: &str, name: &str) -> Machine {
    Machine { id: id.into(), name: Some(name.into()) }
}

fn laptop_a() -> Machine {
    laptop("laptop-a-0001", "Laptop A")
}

fn laptop_b() -> Machine {
    laptop("laptop-b-0002", "Laptop B")
}

/// An unfinished session `id` created on `machine`, started (in its first stage). Its path.
fn session_on(data: &Path, id: &str, start: &str, machine: &Machine, protocol: &str) -> PathBuf {
    // GROW is a pair (a coach and a coachee); the others take three.
    let people: &[&str] = if protocol == "grow-coaching" {
        &["Ann Lee", "Ben Okafor"]
    } else {
        &["Ann Lee", "Ben Okafor", "Cat Diaz"]
    };
    let setup = Setup::new(support::builtin(protocol), people.iter().copied());
    let created = chrono::DateTime::parse_from_rfc3339(start).expect("time");
    let header = Header::new(id.into(), created, setup.clone()).on(Some(machine.clone()));
    let mut w = LogWriter::create(data, id, &header);
    assert_eq!(w.error, None);
    let mut st = SessionState::new(setup);
    let now = convene::session::Now::new(0, created);
    for e in decide(&st, Command::Start, now).expect("starts") {
        w.append(&e);
        apply(&mut st, &e);
    }
    w.path.clone()
}

/// The shared folder: this laptop's (B's) older session and A's newer one.
fn shared() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let data = data_with(&[]);
    let own =
        session_on(data.path(), OWN, "2026-11-23T08:30:00+00:00", &laptop_b(), "grow-coaching");
    let theirs =
        session_on(data.path(), THEIRS, "2026-11-23T09:30:00+00:00", &laptop_a(), "project-tuning");
    (data, own, theirs)
}

/// `convene ARGS` on laptop `m` (its machine id and name from the environment).
fn on(m: &Machine, data: &Path, args: &[&str]) -> std::process::Command {
    let mut c = command(data, args);
    c.env("CONVENE_MACHINE_ID", &m.id)
        .env("CONVENE_MACHINE_NAME", m.name.as_deref().unwrap_or_default())
        .stdin(Stdio::null());
    c
}

fn output(mut c: std::process::Command) -> std::process::Output {
    c.output().expect("convene runs")
}

#[test]
fn resume_takes_this_laptops_session_not_the_newer_one_of_another() {
    let (data, _, _) = shared();
    let scan = convene::review::scan_unfinished(data.path()).expect("scan");
    assert_eq!(scan.entries.first().map(|e| e.id.as_str()), Some(THEIRS), "newest first");
    let picked = convene::tui::launch::pick_own(&scan, Some(&laptop_b())).expect("B's own");
    assert_eq!(picked.id, OWN);
    let picked = convene::tui::launch::pick_own(&scan, Some(&laptop_a())).expect("A's own");
    assert_eq!(picked.id, THEIRS);
    // A third laptop has none of its own: it is told what there is, and how to take one.
    let none = convene::tui::launch::pick_own(&scan, Some(&laptop("laptop-c-0003", "Laptop C")))
        .expect_err("nothing of its own")
        .to_string();
    assert!(none.starts_with("no unfinished session of this laptop to resume."), "{none}");
    assert!(none.contains("2 unfinished sessions were last run on other laptops"), "{none}");
    assert!(
        none.contains(&format!("the latest, {THEIRS}, on \"Laptop A\", last written")),
        "{none}"
    );
    assert!(none.contains("`convene resume ID`"), "{none}");
}

#[test]
fn resume_list_shows_this_laptops_sessions_and_marks_the_others() {
    let (data, _, _) = shared();
    let text = ok(&output(on(&laptop_b(), data.path(), &["resume", "--list"])));
    let (mine, others) = text.split_once("\n\n").expect("two parts");
    assert!(mine.starts_with(&format!("{OWN}  2026-11-23 08:30  GROW coaching  in ")), "{text}");
    assert_eq!(mine.lines().count(), 1, "{text}");
    assert!(others.starts_with("Last run on other laptops (`convene resume ID` asks"), "{text}");
    let line = others.lines().nth(1).expect("A's session");
    assert!(line.starts_with(&format!("{THEIRS}  2026-11-23 09:30  Project tuning")), "{text}");
    assert!(line.contains("(on \"Laptop A\", last written "), "{text}");
    // How long ago is read from the log's modification time against convene's clock (which CI
    // moves years away under faketime, while the file system keeps the real time).
    assert!(line.ends_with(" ago)") || line.ends_with("just now)"), "{text}");

    let json = ok(&output(on(&laptop_b(), data.path(), &["resume", "--list", "--json"])));
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let sessions = v["sessions"].as_array().expect("sessions");
    assert_eq!(sessions[0]["id"], THEIRS);
    assert_eq!(sessions[0]["this_machine"], false);
    assert_eq!(sessions[0]["machine"]["id"], "laptop-a-0001");
    assert_eq!(sessions[0]["machine"]["name"], "Laptop A");
    assert!(sessions[0]["last_written"].is_string());
    assert_eq!(sessions[0]["not_offered"], serde_json::Value::Null);
    assert_eq!(sessions[1]["id"], OWN);
    assert_eq!(sessions[1]["this_machine"], true);

    // On laptop A, the same folder reads the other way round.
    let text = ok(&output(on(&laptop_a(), data.path(), &["resume", "--list"])));
    assert!(text.starts_with(THEIRS), "{text}");
    assert!(text.contains("(on \"Laptop B\", last written"), "{text}");
}

#[test]
fn another_laptops_session_is_continued_only_when_asked_for() {
    let (data, _, _) = shared();
    // Without a terminal to ask on, nothing is continued: the message names the laptop, when
    // the log last changed, and the flag.
    let o = output(on(&laptop_b(), data.path(), &["resume", THEIRS]));
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.starts_with(&format!(
            "convene: session {THEIRS} was last run on \"Laptop A\", last written "
        )),
        "{err}"
    );
    assert!(err.contains("makes two versions of it"), "{err}");
    assert!(err.contains(&format!("`convene resume {THEIRS} --take-over`")), "{err}");
    // With the flag it gets as far as the screen (which needs a terminal here).
    let o = output(on(&laptop_b(), data.path(), &["resume", THEIRS, "--take-over"]));
    assert!(stderr(&o).contains("this screen needs a terminal"), "{}", stderr(&o));
    // Its own session needs no flag.
    let o = output(on(&laptop_b(), data.path(), &["resume", OWN]));
    assert!(stderr(&o).contains("this screen needs a terminal"), "{}", stderr(&o));
    let help = ok(&output(on(&laptop_b(), data.path(), &["resume", "--help"])));
    assert!(help.contains("--take-over"), "{help}");
}

#[test]
fn a_torn_log_from_another_laptop_is_not_offered() {
    let (data, _, theirs) = shared();
    // 60 % of a line has arrived.
    let mut f = std::fs::OpenOptions::new().append(true).open(&theirs).expect("open");
    f.write_all(br#"{"seq":9,"at":60000,"wall":"2026-11-23T09:31:00.000+00"#).expect("append");
    drop(f);
    let text = ok(&output(on(&laptop_b(), data.path(), &["resume", "--list"])));
    let line = text.lines().find(|l| l.starts_with(THEIRS)).expect("listed");
    assert!(line.contains("(not offered: its last line is cut short"), "{text}");
    let o = output(on(&laptop_b(), data.path(), &["resume", THEIRS]));
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("cannot be resumed now: its last line is cut short"), "{err}");
    assert!(err.contains("--take-over` continues it anyway"), "{err}");
    // On the laptop that wrote it, a torn last line is what a crash leaves: it is offered, and
    // resuming recovers it as before.
    let text = ok(&output(on(&laptop_a(), data.path(), &["resume", "--list"])));
    let line = text.lines().find(|l| l.starts_with(THEIRS)).expect("listed");
    assert!(!line.contains("not offered"), "{text}");
}

#[test]
fn a_log_still_growing_is_not_offered() {
    let (data, own, _) = shared();
    for args in [vec!["resume", OWN], vec!["resume"], vec!["resume", "--list"]] {
        let mut child = on(&laptop_b(), data.path(), &args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("convene starts");
        // Something writes the log the whole time convene looks at it (blank lines, which a
        // reader skips).
        let start = Instant::now();
        while child.try_wait().expect("wait").is_none() {
            assert!(start.elapsed() < Duration::from_secs(60), "convene did not finish");
            let mut f = std::fs::OpenOptions::new().append(true).open(&own).expect("open");
            f.write_all(b"\n").expect("append");
            drop(f);
            std::thread::sleep(Duration::from_millis(5));
        }
        let o = child.wait_with_output().expect("output");
        let said = format!("{}{}", stdout(&o), stderr(&o));
        assert!(said.contains("its log changed while convene looked at it"), "{args:?}: {said}");
        if !args.contains(&"--list") {
            assert_eq!(o.status.code(), Some(2), "{args:?}: {said}");
        }
    }
}

#[test]
fn a_laptop_that_never_ran_a_session_takes_no_other_laptops_session() {
    let (data, _, _) = shared();
    let mut c = command(data.path(), &["resume"]);
    c.stdin(Stdio::null()).env_remove("CONVENE_MACHINE_ID");
    let o = output(c);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("2 unfinished sessions were last run on other laptops"),
        "{}",
        stderr(&o)
    );
    // Looking made no machine id: only a session run here makes one.
    assert!(!data.path().join("config").join("machine-id").exists());
}

#[test]
fn logs_without_a_machine_are_this_laptops() {
    // Logs written before machine ids (the fixtures) stay offered on every laptop.
    let data = data_with(&[support::fixtures::UNFINISHED]);
    let text = ok(&output(on(&laptop_a(), data.path(), &["resume", "--list"])));
    assert!(text.starts_with(support::fixtures::UNFINISHED), "{text}");
    assert!(!text.contains("other laptops"), "{text}");
}

/// Waits until `path` (a log) holds an event of `kind`.
fn wait_event(path: &Path, kind: &str) {
    let start = Instant::now();
    while !support::tmux::log_events(path).iter().any(|e| e["type"] == kind) {
        assert!(start.elapsed() < Duration::from_secs(60), "no {kind} in {}", path.display());
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
#[cfg_attr(windows, ignore = "needs tmux, which Windows does not have")]
fn a_run_records_its_laptop_and_another_laptop_asks_before_continuing_it() {
    use support::tmux::{Tmux, have_tmux};
    if !have_tmux() {
        return;
    }
    let soon = Duration::from_secs(60);
    let t = Tmux::new("machines");
    // Laptop A: its machine id is made in its config folder and recorded in the log.
    t.start("a", (100, 32), "run project-tuning --people 'Ann,Ben,Cat'", |c| {
        format!("CONVENE_MACHINE_NAME=Laptop-A {c}; echo EXITED $?; sleep 30")
    });
    t.wait_text("a", "READY", soon);
    t.keys("a", &["Space"]);
    let logs = t.logs();
    assert_eq!(logs.len(), 1, "{logs:?}");
    wait_event(&logs[0], "stage-entered");
    t.keys("a", &["q", "l"]);
    t.wait_text("a", "EXITED 0", soon);
    let id_file = std::fs::read_to_string(t.home().join("config").join("machine-id")).expect("id");
    let header: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(&logs[0]).expect("log").lines().next().expect("header"),
    )
    .expect("JSON");
    assert_eq!(header["machine"]["id"], id_file.trim());
    assert_eq!(id_file.trim().len(), 32, "{id_file}");
    assert_eq!(header["machine"]["name"], "Laptop-A");
    let id = header["session"].as_str().expect("id").to_string();

    // Laptop B (another machine id, same folder) asks first: no continues nothing.
    let b = |c: &str| {
        format!(
            "CONVENE_MACHINE_ID=laptop-b-0002 CONVENE_MACHINE_NAME=Laptop-B {c}; echo EXITED $?; sleep 30"
        )
    };
    t.start("b1", (100, 32), &format!("resume {id}"), b);
    let screen = t.wait_text("b1", "Continue it on this laptop? [y/N]", soon);
    assert!(
        screen.contains(&format!("Session {id} was last run on \"Laptop-A\", last written")),
        "{screen}"
    );
    t.keys("b1", &["n", "Enter"]);
    let screen = t.wait_text("b1", "EXITED 2", soon);
    assert!(screen.contains(&format!("session {id} was left as it is")), "{screen}");
    // Yes continues it here.
    t.start("b2", (100, 32), &format!("resume {id}"), b);
    t.wait_text("b2", "Continue it on this laptop? [y/N]", soon);
    t.keys("b2", &["y", "Enter"]);
    t.wait_text("b2", "stage 1 of 6", soon);
    t.keys("b2", &["q", "l"]);
    t.wait_text("b2", "EXITED 0", soon);
    // The log says B runs it now: B takes it as its own, and A asks before taking it back.
    let moved: Vec<_> = support::tmux::log_events(&logs[0])
        .into_iter()
        .filter(|e| e["type"] == "continued-on")
        .collect();
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert_eq!(moved[0]["machine"], "laptop-b-0002");
    assert_eq!(moved[0]["name"], "Laptop-B");
    let mut c = command(&t.data(), &["resume", "--list"]);
    c.env("HOME", t.home())
        .env("XDG_CACHE_HOME", t.home().join("cache"))
        .env("CONVENE_CONFIG_DIR", t.home().join("config"))
        .env("CONVENE_MACHINE_ID", "laptop-b-0002");
    let on_b = ok(&c.output().expect("convene runs"));
    assert!(on_b.starts_with(&id), "B's own now:\n{on_b}");
    let on_a = ok(&t.convene(&["resume", "--list"]));
    assert!(on_a.contains("Last run on other laptops"), "{on_a}");
    assert!(on_a.contains("(on \"Laptop-B\", last written"), "{on_a}");
}

/// A session of the "SLT" group, the `sequence`-th, started at `start` by the clock of the
/// laptop it runs on, following up `carried` with `status` (or making a commitment when there is
/// nothing to follow up).
fn group_session(
    data: &Path,
    id: &str,
    start: &str,
    sequence: u32,
    carried: Option<(&str, convene::session::CommitmentStatus)>,
) -> PathBuf {
    use convene::session::CarriedCommitment;
    let setup = Setup {
        group_name: Some("SLT".into()),
        sequence: Some(sequence),
        carried: carried
            .map(|(made_in, _)| CarriedCommitment {
                session: made_in.into(),
                id: "c1".into(),
                owner: "Ann Lee".into(),
                text: "Call the parents".into(),
                due: None,
                made: None,
            })
            .into_iter()
            .collect(),
        ..Setup::new(support::builtin("project-tuning"), ["Ann Lee", "Ben Okafor", "Cat Diaz"])
    };
    let step = match carried {
        Some((made_in, status)) => Command::UpdateCommitment {
            session: Some(made_in.into()),
            id: "c1".into(),
            status,
            note: None,
        },
        None => Command::AddCommitment {
            owner: "Ann Lee".into(),
            text: "Call the parents".into(),
            due: None,
            group: None,
            record: None,
        },
    };
    support::fixtures::write_session(
        data,
        id,
        start,
        setup,
        vec![(0, Command::Start), (60_000, step), (120_000, Command::End)],
    )
}

#[test]
fn a_later_follow_up_from_a_laptop_hours_behind_is_still_the_latest() {
    use convene::session::CommitmentStatus::{Done, NotYet};
    let data = data_with(&[]);
    let made = "20261116-090000-000-aaaa";
    // Laptop A, clock right: the commitment, then "done" at 10:00 in the group's 2nd session.
    group_session(data.path(), made, "2026-11-16T09:00:00+00:00", 1, None);
    group_session(
        data.path(),
        "20261123-100000-000-aaaa",
        "2026-11-23T10:00:00+00:00",
        2,
        Some((made, Done)),
    );
    // Laptop B, three hours behind: the 3rd session, at 12:00, says "not yet" at 09:00 by its
    // clock.
    let third = "20261123-090000-000-bbbb";
    group_session(data.path(), third, "2026-11-23T09:00:00+00:00", 3, Some((made, NotYet)));

    let v: serde_json::Value =
        serde_json::from_str(&ok(&output(on(&laptop_a(), data.path(), &["actions", "--json"]))))
            .expect("JSON");
    let c = &v["commitments"][0];
    assert_eq!(c["session"], made);
    let order: Vec<&str> = c["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|u| u["status"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(order, ["done", "not-yet"], "{c}");
    assert_eq!(c["status"], "open", "{c}");
    assert_eq!(c["latest"], "not-yet", "{c}");
    // The commitment is still open for the group's next session.
    let open = ok(&output(on(&laptop_a(), data.path(), &["actions", "--open"])));
    assert!(open.contains("Call the parents"), "{open}");
    // The same order from the logs themselves.
    let scan = support::oracle::scan(data.path()).expect("scan");
    let actions = support::oracle::actions(
        support::oracle::digests(&scan),
        &convene::review::actions::ActionFilter::default(),
        chrono::NaiveDate::MIN,
    );
    assert_eq!(actions[0].latest, Some(NotYet));
    let logs: Vec<_> = [made, "20261123-100000-000-aaaa", third]
        .iter()
        .map(|id| {
            let path = convene::log::find_log(data.path(), id).expect("log");
            convene::review::Digest::of_log(&convene::log::reader::read_log(&path).expect("read"))
        })
        .collect();
    let index = support::oracle::update_index(&logs);
    let history = &index[&(made.to_string(), "c1".to_string())];
    assert_eq!(
        history.iter().map(|u| u.session.as_str()).collect::<Vec<_>>(),
        ["20261123-100000-000-aaaa", third]
    );
}

#[test]
fn a_group_session_records_its_place_in_the_group() {
    let data = data_with(&[]);
    let made = "20261116-090000-000-aaaa";
    group_session(data.path(), made, "2026-11-16T09:00:00+00:00", 1, None);
    group_session(data.path(), "20261123-100000-000-aaaa", "2026-11-23T10:00:00+00:00", 2, None);
    let mut request = convene::session::SetupRequest {
        group: Some("slt".into()),
        ..convene::session::SetupRequest::new(support::builtin("action-learning"), "Ann, Ben, Cat")
    };
    convene::tui::launch::carry_from_group(&mut request, Some(data.path()));
    let setup = request.check().expect("valid").setup;
    assert_eq!(setup.sequence, Some(3));
}

fn commit(owner: &str, text: &str) -> Command {
    Command::AddCommitment {
        owner: owner.into(),
        text: text.into(),
        due: None,
        group: None,
        record: None,
    }
}

#[test]
fn a_session_continued_on_two_laptops_is_shown_whole_in_review() {
    const ID: &str = "20261123-090000-000-aaaa";
    const START: &str = "2026-11-23T09:00:00+00:00";
    let people = ["Ann Lee", "Ben Okafor", "Cat Diaz"];
    let setup = || Setup {
        group_name: Some("SLT".into()),
        ..Setup::new(support::builtin("project-tuning"), people)
    };
    let common = || vec![(0, Command::Start), (60_000, commit("Ann Lee", "Both saw this"))];
    let data = data_with(&[]);
    // Laptop A went on: the next stage, a commitment, the end.
    let mut a = common();
    a.extend([
        (120_000, Command::Next { force: true }),
        (180_000, commit("Ben Okafor", "Only A has this")),
        (240_000, Command::End),
    ]);
    let log_a = support::fixtures::write_session(data.path(), ID, START, setup(), a);
    // Laptop B went on too, from the same point: its log arrived as a sync tool's conflict copy.
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let mut b = common();
    b.extend([
        (150_000, commit("Cat Diaz", "Only B has this")),
        (
            160_000,
            Command::AddNote {
                text: "B's note".into(),
                about: None,
                group: None,
                private: false,
                record: None,
            },
        ),
    ]);
    let log_b = support::fixtures::write_session(elsewhere.path(), ID, START, setup(), b);
    let copy = log_a.with_file_name(format!("{ID}.sync-conflict-20261123-100000-ABCDEFG.jsonl"));
    std::fs::copy(&log_b, &copy).expect("copy");

    let run = |args: &[&str]| ok(&output(on(&laptop_a(), data.path(), args)));
    let list = run(&["logs", "list"]);
    assert_eq!(list.lines().filter(|l| l.starts_with("2026-11-23 09:00")).count(), 1, "{list}");
    assert!(list.contains("\n1 session\n"), "{list}");
    assert!(list.contains("forked"), "{list}");
    assert!(list.contains("continued on two laptops from 09:02"), "{list}");
    assert!(!list.contains("could not be read"), "{list}");
    let json: serde_json::Value =
        serde_json::from_str(&run(&["logs", "list", "--json"])).expect("JSON");
    assert_eq!(json["sessions"][0]["fork"]["at"], "2026-11-23T09:02:00.000+00:00", "{json}");
    assert_eq!(json["sessions"][0]["fork"]["files"].as_array().map(Vec::len), Some(2), "{json}");

    let show = run(&["logs", "show", ID]);
    assert!(show.contains("Forked: continued on two laptops from 09:02"), "{show}");
    for text in ["Both saw this", "Only A has this", "Only B has this", "B's note"] {
        assert_eq!(show.matches(text).count(), 1, "{text} once:\n{show}");
    }

    let v: serde_json::Value = serde_json::from_str(&run(&["actions", "--json"])).expect("JSON");
    let mut got: Vec<(String, String)> = v["commitments"]
        .as_array()
        .expect("commitments")
        .iter()
        .map(|c| (c["id"].as_str().unwrap_or("").into(), c["text"].as_str().unwrap_or("").into()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("c1".to_string(), "Both saw this".to_string()),
            ("c2".to_string(), "Only A has this".to_string()),
            ("c3".to_string(), "Only B has this".to_string()),
        ],
        "each record once, B's renumbered"
    );
    let report: serde_json::Value =
        serde_json::from_str(&run(&["report", "--json"])).expect("JSON");
    assert_eq!(report["sessions"], 1, "{report}");

    // The conflict copy removed: the session is A's alone again.
    std::fs::remove_file(&copy).expect("remove");
    let list = run(&["logs", "list"]);
    assert!(!list.contains("forked"), "{list}");
    let actions = run(&["actions"]);
    assert!(!actions.contains("Only B has this"), "{actions}");
    assert!(actions.contains("Only A has this"), "{actions}");
}
