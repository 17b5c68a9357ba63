//! Running the `convene` binary as a user would, on a folder of its own: its home, config, data,
//! protocols and cache folders are all inside `root`, no colour, today's date fixed, and no
//! setting from the environment of the machine running the tests leaks in.

use std::path::Path;
use std::process::{Command, Output};

/// The day the review commands take as today in the tests (commitments "overdue" are judged on
/// it, whatever the machine's calendar says).
pub const TODAY: &str = "2026-11-23";

/// `convene ARGS` with everything under `root`: data `root`, protocols `root/protocols`, config
/// `root/config`, home `root` (and the XDG folders under it).
pub fn command(root: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_convene"));
    c.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("HOME", root)
        .env("XDG_CONFIG_HOME", root.join("xdg-config"))
        .env("XDG_DATA_HOME", root.join("xdg-data"))
        .env("XDG_CACHE_HOME", root.join("xdg-cache"))
        .env("CONVENE_DATA_DIR", root)
        .env("CONVENE_PROTOCOLS_DIR", root.join("protocols"))
        .env("CONVENE_CONFIG_DIR", root.join("config"))
        .env("NO_COLOR", "1")
        .env("CONVENE_TODAY", TODAY);
    for v in [
        "CONVENE_THEME",
        "CONVENE_QUIET",
        "CONVENE_NO_FLASH",
        "CONVENE_AUTO_ADVANCE",
        "CONVENE_FACILITATOR",
    ] {
        c.env_remove(v);
    }
    // The review indexes of the tests' folders go with the build, not the user's cache folder.
    c.env("CONVENE_CACHE_DIR", Path::new(env!("CARGO_TARGET_TMPDIR")).join("index-cache"));
    c
}

/// Runs [`command`].
pub fn run(root: &Path, args: &[&str]) -> Output {
    command(root, args).output().expect("convene runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8")
}

/// Standard output of a run that must succeed (else the failure is shown).
pub fn ok(o: &Output) -> String {
    assert!(o.status.success(), "convene failed: {}\n{}", stderr(o), stdout(o));
    stdout(o)
}

/// Runs [`command`], failing the test if convene has not exited within `secs` seconds (it is
/// then killed): for inputs that once made it wait for ever (a FIFO, `/dev/zero`). The test's
/// own deadline reads the clock; convene's clock is not involved.
#[allow(clippy::disallowed_methods)]
pub fn run_within(root: &Path, args: &[&str], secs: u64) -> Output {
    use std::io::Read as _;
    use std::process::Stdio;
    let mut child = command(root, args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("convene runs");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("convene {args:?} still running after {secs} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let mut out = Output { status, stdout: Vec::new(), stderr: Vec::new() };
    if let Some(mut s) = child.stdout.take() {
        s.read_to_end(&mut out.stdout).expect("stdout");
    }
    if let Some(mut s) = child.stderr.take() {
        s.read_to_end(&mut out.stderr).expect("stderr");
    }
    out
}
