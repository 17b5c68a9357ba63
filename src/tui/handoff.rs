//! A live session handed from one of convene's programs to the other, in the same process and on
//! the same terminal.
//!
//! The live screen runs in a small program of its own, `convene-live`, installed next to
//! `convene`: it carries the screen, the session engine and the log, and none of the rest
//! (the review index, the protocol library, the command line, the share's server), so the
//! screen a room watches for an hour holds a few megabytes (docs/benchmarks.md). `convene run`,
//! `convene resume` and the home screen do everything before the first frame (the protocol, the
//! roster, what the group's earlier sessions carry, the log's header, a restart's gap), then
//! replace themselves with `convene-live` (Unix `exec`: the same process, the same terminal),
//! handing it a [`Handoff`]. The log on disk is the session: `convene-live` reads it back, as
//! `convene resume` does, and goes on from the session's clock as it was handed over.
//!
//! The share key there hands the session back the same way to `convene handoff`, which shares
//! it and goes on with the screen; `--share` keeps the session in convene from the start.
//!
//! convene keeps the session itself when `convene-live` is not next to it (`cargo run` builds
//! only convene), on Windows (which has no `exec`), when `CONVENE_ONE_PROGRAM` is set, and when
//! its log is not whole on disk (a failing folder: the session's lines are then only in memory).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::live::{Exit, LiveScreen, Overlay, Sharing};
use crate::clock::{SystemClock, wall_now};
use crate::config::ScreenSettings;
use crate::log::writer::LogWriter;
use crate::output;
use crate::session::{Now, replay};
use crate::share::ShareOptions;

/// The live screen's own program, installed next to convene.
pub const LIVE_PROGRAM: &str = "convene-live";
/// convene, as `convene-live` finds it to share a session.
pub const MAIN_PROGRAM: &str = "convene";
/// Where one program hands the other the session (JSON): the environment, which only this user
/// can read (a command line can be read by anyone on the machine).
pub const HANDOFF_ENV: &str = "CONVENE_HANDOFF";
/// How many times (20 ms apart) a program handed a session waits for its lock.
const LOCK_TRIES: u32 = 100;
/// convene's command that takes a session handed back (hidden from help).
pub const HANDOFF_COMMAND: &str = "handoff";
/// convene's command that takes a finished session into the review index (hidden from help).
pub const INDEX_COMMAND: &str = "index-update";
/// convene's command that writes presentation mode into config.toml (hidden from help).
pub const REMEMBER_COMMAND: &str = "remember-presentation";
/// Set (to anything), convene keeps every session in its own process.
pub const ONE_PROGRAM: &str = "CONVENE_ONE_PROGRAM";
/// The longest a handover is believed to take: a wall clock further on than this was changed,
/// not waited for, and is not added to the session's clock.
const LONGEST_HANDOVER_MS: i64 = 10_000;

/// This build's identity (`build.rs`): both programs of one build have the same.
pub const BUILD: &str = env!("CONVENE_BUILD_ID");

/// What one program hands the other: where the session is, and what its screen was told.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handoff {
    /// The build that wrote it ([`BUILD`]): `convene-live` takes only its own build's.
    pub build: String,
    /// The session's log, whole on disk: the session is read back from it.
    pub log: PathBuf,
    /// The session's clock (ms) when it was handed over, and the wall clock then: the clock goes
    /// on from there, the moments of the handover included.
    pub at: u64,
    pub wall: DateTime<FixedOffset>,
    pub screen: ScreenSettings,
    pub sharing: ShareOptions,
    /// Share with the room as soon as the screen is up.
    pub share: Option<ShareNow>,
    /// The setup's warnings, for the start card.
    pub warnings: Vec<String>,
    /// The data folder whose review index takes the log in once the screen closes.
    pub index: Option<PathBuf>,
    /// A loss of the log repaired before the handover (`LogWriter::notice`), said after the
    /// session.
    #[serde(default)]
    pub notice: Option<String>,
}

/// What a program of convene's does itself, and what it leaves to the other: convene's
/// ([`super::launch::convene`]) or `convene-live`'s ([`live_program`]).
#[derive(Debug, Clone, Copy)]
pub struct Program {
    /// How the share key shares.
    pub sharing: Sharing,
    /// How presentation mode is written into config.toml.
    pub remember: fn(&Path, bool) -> Result<(), String>,
    /// How the review index takes a finished session in.
    pub index: fn(&Path),
}

impl Program {
    /// The screen shares and remembers as this program does.
    pub(crate) fn dress(self, app: &mut LiveScreen) {
        app.sharing = self.sharing;
        app.remember = self.remember;
    }
}

/// `convene-live`'s ways: it hands the session to convene to share it, and asks convene to write
/// config.toml and to update the review index (neither the share's server, nor the TOML editor,
/// nor `SQLite` is in it).
fn live_program() -> Program {
    Program {
        sharing: if program(MAIN_PROGRAM).is_some() {
            Sharing::HandOver
        } else {
            Sharing::Unavailable
        },
        remember: remember_by_convene,
        index: index_elsewhere,
    }
}

/// Why the session is shared at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ShareNow {
    /// `--share` (or `share = true`): shared from the start.
    Start,
    /// The share key was pressed: shared, with its address and QR code shown.
    Key,
}

impl Handoff {
    /// The session on `app`'s screen as it stands at `now`.
    pub(crate) fn of(
        app: &LiveScreen,
        now: Now,
        screen: &ScreenSettings,
        index: Option<&Path>,
    ) -> Option<Self> {
        let log = app.log.as_ref()?;
        Some(Self {
            build: BUILD.to_string(),
            log: log.path.clone(),
            at: now.mono,
            wall: now.wall,
            screen: ScreenSettings { presentation: app.presentation, ..screen.clone() },
            sharing: app.share_options.clone(),
            share: None,
            warnings: app.warnings.clone(),
            index: index.map(Path::to_path_buf),
            notice: log.notice.clone(),
        })
    }

    /// Read from its one argument.
    pub fn parse(arg: &str) -> Result<Self, String> {
        serde_json::from_str(arg)
            .map_err(|e| format!("the session handed over cannot be read: {e}"))
    }
}

/// The program `name`, installed next to this one, if it is there and may be run.
pub fn program(name: &str) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let path = exe.with_file_name(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let meta = std::fs::metadata(&path).ok().filter(std::fs::Metadata::is_file)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        // Not executable: a failed `exec` would have changed this process's signals already.
        if meta.permissions().mode() & 0o111 == 0 {
            return None;
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    Some(path)
}

/// Whether sessions may be handed to `convene-live`: on Unix, unless `CONVENE_ONE_PROGRAM` is set.
pub fn may_hand_over() -> bool {
    cfg!(unix) && std::env::var_os(ONE_PROGRAM).is_none()
}

/// Replaces this process with `program` (`args`; the handoff as JSON in `CONVENE_HANDOFF`, which
/// only this user can read, where a command line is anyone's), on the same terminal. Returns
/// only if that failed, with why. The caller has closed the log.
pub fn exec(program: &Path, args: &[&str], h: &Handoff) -> std::io::Error {
    match serde_json::to_string(h) {
        Ok(json) => exec_with(program, args, &json),
        Err(e) => std::io::Error::other(e),
    }
}

/// [`exec`] with the handoff as it was given (JSON).
#[cfg(unix)]
fn exec_with(program: &Path, args: &[&str], json: &str) -> std::io::Error {
    use std::os::unix::process::CommandExt as _;
    std::process::Command::new(program).args(args).env(HANDOFF_ENV, json).exec()
}

/// Where there is no `exec` the session is never handed over (see [`may_hand_over`]).
#[cfg(not(unix))]
fn exec_with(_program: &Path, _args: &[&str], _json: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::Unsupported, "a program cannot replace itself here")
}

/// The handoff this program was given, as JSON (`CONVENE_HANDOFF`).
fn given() -> Option<String> {
    std::env::var(HANDOFF_ENV).ok().filter(|j| !j.is_empty())
}

/// A child of this program: without the handoff in its environment.
fn child(program: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(program);
    c.env_remove(HANDOFF_ENV).stdin(std::process::Stdio::null());
    c
}

/// The session's clock as handed over, gone on by the wall time the handover took; never
/// before the log's last event (`last_at`).
fn clock_of(h: &Handoff, last_at: u64) -> SystemClock {
    let took = (wall_now() - h.wall).num_milliseconds();
    let took = if (0..=LONGEST_HANDOVER_MS).contains(&took) { took } else { 0 };
    SystemClock::new(h.at.saturating_add(u64::try_from(took).unwrap_or(0)).max(last_at))
}

/// How to go on with the session of `log` if this program cannot.
fn resume_hint(log: &Path) -> String {
    let id = log.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default();
    format!(
        "it is saved as it was: continue it with `convene resume {}`",
        crate::text::sanitize(&id)
    )
}

/// Takes the session's lock and reads its log, waiting up to two seconds for another command
/// that only looks whether the session is in use (`convene resume` listing, the home screen).
fn lock_when_free(
    log: &Path,
) -> Result<
    (Option<crate::log::SessionLock>, crate::log::reader::SessionLog),
    super::launch::OpenError,
> {
    let mut tries = 0;
    loop {
        match super::launch::lock_and_read(log) {
            Err(super::launch::OpenError::Locked(_)) if tries < LOCK_TRIES => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

/// Goes on with a session handed over: its log read back under its lock, the screen as it was
/// told, sharing at once if asked, in the ways of `this` program. If convene cannot take the
/// session back to share it, it goes on here, saying why.
pub fn continue_here(h: &Handoff, this: Program) -> color_eyre::Result<ExitCode> {
    let mut h = h.clone();
    let mut this = this;
    let mut said = None;
    loop {
        // Handed back by the share key (or not taken back): the screen is still up.
        let on_screen = h.share == Some(ShareNow::Key) || said.is_some();
        let fail = |code: u8, msg: String| {
            if on_screen {
                ratatui::restore();
            }
            Ok(output::fail(code, &format!("{msg}; {}", resume_hint(&h.log))))
        };
        let (lock, log) = match lock_when_free(&h.log) {
            Ok(x) => x,
            Err(e) => return fail(output::BAD_INPUT, e.to_string()),
        };
        let state = replay(log.header.setup.clone(), &log.events);
        let mut writer = match LogWriter::reopen(&h.log, &log.header.session, log.last_seq) {
            Ok(w) => w,
            Err(e) => {
                let shown = crate::text::sanitize(&h.log.display().to_string());
                return fail(output::FAILURE, format!("cannot continue {shown}: {e}"));
            }
        };
        writer.hold(lock);
        // A loss repaired before the handover is still said after the session.
        writer.notice.clone_from(&h.notice);
        let mut app =
            LiveScreen::new(state, Some(writer), super::launch::options(&h.screen, false));
        super::launch::dress(&mut app, &h.screen);
        // As convene found them (not checked again here: the checks are not in this program).
        app.warnings.clone_from(&h.warnings);
        app.share_options = h.sharing.clone();
        this.dress(&mut app);
        let clock = clock_of(&h, app.state.last_at);
        match h.share {
            Some(ShareNow::Start) => app.start_sharing(clock.now()),
            Some(ShareNow::Key) => {
                app.overlay = Overlay::Share;
                app.start_sharing(clock.now());
            }
            None => {}
        }
        if let Some(why) = said.take() {
            app.message = Some(why);
        }
        let code = super::launch::run_live(&mut app, clock.clone(), on_screen)?;
        if app.exit == Some(Exit::HandOver) {
            // Only back here if convene could not take it: the session goes on here.
            let (back, why) = hand_back(&mut app, &clock, &h);
            h = back;
            this.sharing = Sharing::Unavailable;
            said = Some(format!(
                "not sharing: {}; the session goes on (`convene share` in another terminal \
                 shares it)",
                crate::text::sanitize(&why)
            ));
            continue;
        }
        if let Some(data) = &h.index {
            (this.index)(data);
        }
        return Ok(code);
    }
}

/// The share key on `convene-live`: the session goes to convene, which shares it, on the screen
/// as it is. Returns only if convene could not take it, with the session as it stands and why.
fn hand_back(app: &mut LiveScreen, clock: &SystemClock, h: &Handoff) -> (Handoff, String) {
    let mut back =
        Handoff::of(app, clock.now(), &h.screen, h.index.as_deref()).unwrap_or_else(|| h.clone());
    back.share = Some(ShareNow::Key);
    let mut stays = back.clone();
    stays.share = None;
    // The log closed (and its lock let go) before convene takes it.
    drop(app.log.take());
    let why = match program(MAIN_PROGRAM) {
        Some(convene) => exec(&convene, &[HANDOFF_COMMAND], &back).to_string(),
        None => format!("{MAIN_PROGRAM} is not installed next to {LIVE_PROGRAM}"),
    };
    (stays, why)
}

/// `convene-live`'s whole program: the session handed over in `CONVENE_HANDOFF`.
pub fn live_main() -> ExitCode {
    let (Some(json), None) = (given(), std::env::args_os().nth(1)) else {
        return output::fail(
            output::BAD_INPUT,
            &format!(
                "{LIVE_PROGRAM} shows a session convene hands it; start one with `convene run \
                 PROTOCOL`."
            ),
        );
    };
    // Another build's handoff (a convene-live left over beside a newer convene): convene keeps
    // the session, as it would without convene-live.
    let h = match Handoff::parse(&json) {
        Ok(h) if h.build == BUILD => h,
        mine => {
            let why = match (mine, program(MAIN_PROGRAM)) {
                (_, Some(convene)) => exec_with(&convene, &[HANDOFF_COMMAND], &json).to_string(),
                (Err(e), None) => e,
                (Ok(_), None) => format!("{MAIN_PROGRAM} is not installed next to {LIVE_PROGRAM}"),
            };
            return output::fail(
                output::FAILURE,
                &format!(
                    "{LIVE_PROGRAM} is not of the same build as convene, which could not take \
                     the session back: {}. Continue it with `convene resume`.",
                    crate::text::sanitize(&why)
                ),
            );
        }
    };
    output::exit_code(continue_here(&h, live_program()))
}

/// `convene handoff`: the session `convene-live` hands back (in `CONVENE_HANDOFF`) when the
/// share key is pressed, shared here at once; one of another build (a newer or older
/// `convene-live`) is read for its log and clock, whatever else it holds.
pub fn from_live() -> ExitCode {
    let Some(h) = given().and_then(|json| Handoff::parse(&json).ok().or_else(|| lenient(&json)))
    else {
        // The screen is still up: put it away before saying so.
        ratatui::restore();
        return output::fail(
            output::BAD_INPUT,
            "the session handed over cannot be read: `convene resume` continues it",
        );
    };
    output::exit_code(continue_here(&h, super::launch::convene()))
}

/// What any build's handoff holds: its log, and its clock if it can be read.
fn lenient(json: &str) -> Option<Handoff> {
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    Some(Handoff {
        build: String::new(),
        log: PathBuf::from(v.get("log")?.as_str()?),
        at: v.get("at").and_then(serde_json::Value::as_u64).unwrap_or(0),
        wall: v
            .get("wall")
            .and_then(serde_json::Value::as_str)
            .and_then(|w| DateTime::parse_from_rfc3339(w).ok())
            .unwrap_or_else(wall_now),
        screen: ScreenSettings::default(),
        sharing: ShareOptions::default(),
        share: Some(ShareNow::Key),
        warnings: Vec::new(),
        index: v.get("index").and_then(serde_json::Value::as_str).map(PathBuf::from),
        notice: None,
    })
}

/// `convene-live` has convene write presentation mode into config.toml (`convene
/// remember-presentation DIR on|off`), and shows what it says if it cannot.
fn remember_by_convene(dir: &Path, on: bool) -> Result<(), String> {
    let convene = program(MAIN_PROGRAM)
        .ok_or_else(|| format!("{MAIN_PROGRAM} is not installed next to {LIVE_PROGRAM}"))?;
    let out = child(&convene)
        .arg(REMEMBER_COMMAND)
        .arg(dir)
        .arg(if on { "on" } else { "off" })
        .output()
        .map_err(|e| format!("cannot run {MAIN_PROGRAM}: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let said = String::from_utf8_lossy(&out.stderr);
    let said = said.trim();
    Err(crate::text::sanitize(said.strip_prefix("convene: ").unwrap_or(said)))
}

/// `convene-live` leaves the review index to convene (`convene index-update DATA`), which
/// knows it; nothing is said if that fails: the next review brings the index up to date.
fn index_elsewhere(data: &Path) {
    if let Some(convene) = program(MAIN_PROGRAM) {
        let _ = child(&convene)
            .arg(INDEX_COMMAND)
            .arg(data)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handoff_reads_back_what_was_written() {
        let h = Handoff {
            build: BUILD.into(),
            log: PathBuf::from("/data/sessions/2026-12/x.jsonl"),
            at: 61_234,
            wall: DateTime::parse_from_rfc3339("2026-12-07T17:00:00+01:00").expect("a time"),
            screen: ScreenSettings { quiet: true, presentation: true, ..ScreenSettings::default() },
            sharing: ShareOptions { port: Some(8000), ..ShareOptions::default() },
            share: Some(ShareNow::Key),
            warnings: vec!["Ann is both facilitator and participant".into()],
            index: Some(PathBuf::from("/data")),
            notice: None,
        };
        let json = serde_json::to_string(&h).expect("written");
        let back = Handoff::parse(&json).expect("read back");
        assert_eq!(serde_json::to_string(&back).expect("written again"), json);
        assert_eq!(
            (back.at, back.share, back.screen.presentation),
            (61_234, Some(ShareNow::Key), true)
        );
    }

    #[test]
    fn anything_else_is_refused_with_why() {
        let e = Handoff::parse(r#"{"log":"x","surprise":1}"#).expect_err("refused");
        assert!(e.contains("cannot be read"), "{e}");
        assert!(Handoff::parse("not json").is_err());
    }
}
