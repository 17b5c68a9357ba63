//! The live screen in its own small program (`convene-live`, `src/tui/handoff.rs`), in a real
//! terminal: `convene run` becomes it once the session is set up (the same process, the same
//! terminal), the share key hands the session back to convene, which shares it, and the session
//! reads as one in its log and in what is printed after it. Linux only: the program a process
//! runs is read from `/proc`.

#![cfg(target_os = "linux")]
#![allow(clippy::disallowed_methods)] // these tests time a real process from outside

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::support::tmux::{Tmux, have_tmux, log_events};

const SOON: Duration = Duration::from_secs(30);

/// The pid file the shell writes before it execs convene (`sh -c 'echo $$ > F; exec …'`).
fn start(t: &Tmux, session: &str, env: &str, args: &str) -> PathBuf {
    let pf = t.home().join(format!("{session}.pid"));
    let script = format!(
        "sh -c 'echo $$ > \"{}\"; exec \"$0\" \"$@\"' {env} {}; echo EXITED $?; sleep 60",
        pf.display(),
        t.convene_line(args)
    );
    t.new_session(session, (110, 34), &["sh", "-c", &script]);
    pf
}

/// The program the process of pid file `pf` runs now (`/proc/PID/comm`), once it has one.
fn program(pf: &PathBuf) -> String {
    let until = Instant::now() + SOON;
    loop {
        if let Ok(pid) = std::fs::read_to_string(pf)
            && let Ok(comm) = std::fs::read_to_string(format!("/proc/{}/comm", pid.trim()))
        {
            return comm.trim().to_string();
        }
        assert!(Instant::now() < until, "no process for {}", pf.display());
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// When the review index (the files of the cache folder's `index`) last changed.
fn index_changed(t: &Tmux) -> std::time::SystemTime {
    fn walk(dir: &std::path::Path, latest: &mut std::time::SystemTime) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, latest);
            } else if let Ok(m) = e.metadata().and_then(|m| m.modified()) {
                *latest = (*latest).max(m);
            }
        }
    }
    let mut latest = std::time::SystemTime::UNIX_EPOCH;
    walk(&t.home().join("cache"), &mut latest);
    latest
}

/// Waits until the process of `pf` runs `name`.
fn wait_program(pf: &PathBuf, name: &str) {
    let until = Instant::now() + SOON;
    while program(pf) != name {
        assert!(Instant::now() < until, "the process still runs {}, not {name}", program(pf));
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_live_screen_runs_in_its_own_program_and_the_share_key_hands_it_back_to_convene() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::new("handoff");
    let pf = start(
        &t,
        "live",
        "",
        "run project-tuning --people 'Ann,Ben,Cat,Dev' --share-addr 127.0.0.1 --share-port 0",
    );
    t.wait_text("live", "Project tuning", SOON);
    // Set up by convene, shown by convene-live, in the same process.
    wait_program(&pf, "convene-live");
    let pid = std::fs::read_to_string(&pf).expect("the pid");
    // The session is handed over where only this user can read it: not on the command line,
    // which anyone on the machine can.
    let cmdline = std::fs::read(format!("/proc/{}/cmdline", pid.trim())).expect("cmdline");
    let cmdline = String::from_utf8_lossy(&cmdline);
    assert!(!cmdline.contains("Ann") && !cmdline.contains("sessions"), "{cmdline}");
    t.keys("live", &["Space"]);
    t.wait_text("live", "RUNNING", SOON);
    // A note taken there is in the log convene reads back.
    t.keys("live", &["e"]);
    t.wait_text("live", "Private note", SOON);
    t.type_text("live", "kept across the handover");
    t.keys("live", &["Enter"]);
    t.wait_text("live", "1 note", SOON);

    // The share key: convene takes the session back and shares it, address shown.
    t.keys("live", &["w"]);
    t.wait_text("live", "again: stop sharing", SOON);
    assert_eq!(program(&pf), "convene");
    assert_eq!(std::fs::read_to_string(&pf).expect("the pid"), pid, "the same process");
    let screen = t.wait_text("live", "http://127.0.0.1:", SOON);
    assert!(screen.contains("RUNNING") && screen.contains("1 note"), "{screen}");

    t.keys("live", &["x"]);
    t.keys("live", &["q", "e"]);
    t.wait_text("live", "SESSION ENDED EARLY", SOON);
    t.keys("live", &["x"]);
    let after = t.wait_text("live", "EXITED 0", SOON);
    assert_eq!(after.matches("Session ended early").count(), 1, "said once:\n{after}");

    // One session in the log: one start, one share, the note, times that never go back, and no
    // gap counted for the moments the handovers took.
    let logs = t.logs();
    assert_eq!(logs.len(), 1, "{logs:?}");
    let events = log_events(&logs[0]);
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "session-started").count(), 1, "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| **k == "sharing-started").count(), 1, "{kinds:?}");
    assert!(kinds.contains(&"note-added"), "{kinds:?}");
    assert!(!kinds.iter().any(|k| k.contains("gap")), "{kinds:?}");
    let ats: Vec<u64> = events.iter().filter_map(|e| e["at"].as_u64()).collect();
    assert!(ats.windows(2).all(|w| w[0] <= w[1]), "{ats:?}");
    let seqs: Vec<u64> = events.iter().filter_map(|e| e["seq"].as_u64()).collect();
    assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>(), "one sequence");
}

#[test]
fn convene_keeps_the_session_when_told_to_or_when_shared_from_the_start() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::new("handoff-kept");
    let one = start(&t, "one", "env CONVENE_ONE_PROGRAM=1", "run grow-coaching --people 'Ann,Ben'");
    t.wait_text("one", "GROW coaching", SOON);
    let shared = start(
        &t,
        "shared",
        "",
        "run grow-coaching --people 'Cat,Dev' --share --share-addr 127.0.0.1 --share-port 0",
    );
    t.wait_text("shared", "http://127.0.0.1:", SOON);
    // Given time to have handed over, had they.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(program(&one), "convene");
    assert_eq!(program(&shared), "convene");
    for s in ["one", "shared"] {
        t.keys(s, &["q", "l"]);
        t.wait_text(s, "EXITED 0", SOON);
    }
}

#[test]
fn convene_live_has_the_index_updated_and_one_of_another_build_gives_the_session_back() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::new("handoff-stale");
    // A review index, which takes the session in once it is over: convene-live has convene do it.
    std::fs::create_dir_all(t.data().join("sessions")).expect("the sessions folder");
    let listed = std::process::Command::new("sh")
        .args(["-c", &t.convene_line("logs list")])
        .output()
        .expect("convene runs");
    assert!(listed.status.success(), "{listed:?}");
    let indexed = index_changed(&t);
    assert!(indexed > std::time::SystemTime::UNIX_EPOCH, "an index was made");
    let first = start(&t, "first", "", "run grow-coaching --people 'Ann,Ben'");
    t.wait_text("first", "GROW coaching", SOON);
    wait_program(&first, "convene-live");
    t.keys("first", &["q", "l"]);
    t.wait_text("first", "EXITED 0", SOON);
    assert!(index_changed(&t) > indexed, "the index took the session in");
    let logs = t.logs();
    assert_eq!(logs.len(), 1, "{logs:?}");

    // What a convene-live left over from an older build beside a newer convene would be given.
    let now = chrono::Utc::now().fixed_offset();
    let h = convene::tui::handoff::Handoff {
        build: "0.0.0-another-build".into(),
        log: logs[0].clone(),
        at: 1_000,
        wall: now,
        screen: convene::config::ScreenSettings::default(),
        sharing: convene::share::ShareOptions::default(),
        share: None,
        warnings: Vec::new(),
        index: None,
        notice: None,
    };
    let json = serde_json::to_string(&h).expect("written");
    let pf = t.home().join("stale.pid");
    let program_line = t.convene_line("").replace(
        &format!("'{}'", env!("CARGO_BIN_EXE_convene")),
        &format!("CONVENE_HANDOFF='{json}' '{}'", env!("CARGO_BIN_EXE_convene-live")),
    );
    let script = format!(
        "sh -c 'echo $$ > \"{}\"; exec \"$0\" \"$@\"' {program_line}; echo EXITED $?; \
         sleep 60",
        pf.display()
    );
    t.new_session("stale", (110, 34), &["sh", "-c", &script]);
    t.wait_text("stale", "GROW coaching", SOON);
    assert_eq!(program(&pf), "convene", "convene took the session back");
    t.keys("stale", &["q", "l"]);
    let after = t.wait_text("stale", "EXITED 0", SOON);
    assert!(after.contains("Session left unfinished"), "{after}");
}

#[test]
fn when_convene_cannot_take_the_session_back_it_goes_on_in_convene_live() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::new("handoff-back-fails");
    // Both programs in a folder of their own, as installed.
    let bin = t.home().join("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    for (from, name) in [
        (env!("CARGO_BIN_EXE_convene"), "convene"),
        (env!("CARGO_BIN_EXE_convene-live"), "convene-live"),
    ] {
        std::fs::copy(from, bin.join(name)).expect("copied");
    }
    let convene = bin.join("convene");
    let pf = t.home().join("live.pid");
    let line = t.convene_line("run grow-coaching --people 'Ann,Ben'").replace(
        &format!("'{}'", env!("CARGO_BIN_EXE_convene")),
        &format!("'{}'", convene.display()),
    );
    let script = format!(
        "sh -c 'echo $$ > \"{}\"; exec \"$0\" \"$@\"' {line}; echo EXITED $?; sleep 60",
        pf.display()
    );
    t.new_session("live", (110, 34), &["sh", "-c", &script]);
    t.wait_text("live", "GROW coaching", SOON);
    wait_program(&pf, "convene-live");
    t.keys("live", &["Space"]);
    t.wait_text("live", "RUNNING", SOON);
    // convene can no longer be run (an upgrade half done, say): the share key cannot hand the
    // session back, and the room's screen goes on, saying why.
    std::fs::set_permissions(
        &convene,
        <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o644),
    )
    .expect("chmod");
    t.keys("live", &["w"]);
    let screen = t.wait_text("live", "not sharing:", SOON);
    assert!(screen.contains("RUNNING") && screen.contains("the session goes on"), "{screen}");
    assert_eq!(program(&pf), "convene-live");
    t.keys("live", &["q", "e"]);
    t.wait_text("live", "SESSION ENDED EARLY", SOON);
    t.keys("live", &["x"]);
    let after = t.wait_text("live", "EXITED 0", SOON);
    assert_eq!(after.matches("Session ended early").count(), 1, "{after}");
    let kinds: Vec<String> = log_events(&t.logs()[0])
        .iter()
        .filter_map(|e| e["type"].as_str().map(str::to_string))
        .collect();
    assert!(!kinds.iter().any(|k| k == "sharing-started"), "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| *k == "session-ended").count(), 1, "{kinds:?}");
}
