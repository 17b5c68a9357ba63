//! The entry points of the full-screen commands (`convene run`, `resume`, `mirror`, and `convene`
//! alone: the home screen), and the edge they stand on: finding and reading logs, taking a
//! session's lock, reading what a session takes from its group's earlier ones (open commitments,
//! course number, carried notes), setting the terminal up and down, and
//! the summary printed after the session ([`super::farewell`]). What a user sees when something
//! is wrong is worded here, from typed errors.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::event_loop;
use super::farewell::{after_session, say};
use super::handoff;
use super::live::{LiveScreen, Options, Sharing};
use super::theme::Theme;
use crate::clock::{self, SystemClock, wall_now};
use crate::config::{Dirs, HomeSettings, ScreenSettings, SoundMode};
use crate::log::reader::{ReadError, SessionLog, read_log};
use crate::log::writer::LogWriter;
use crate::log::{Header, LockError, SessionLock, data_dir, in_use, session_id};
use crate::machine::Machine;
use crate::output;
use crate::protocol::Library;
use crate::review::{Entry, ReviewError, Scan, SessionStatus};
use crate::session::{
    CheckedSetup, Command, Event, GapCause, SessionState, SetupRequest, SetupRequestError, Status,
    check_setup, replay,
};
use crate::share::{Share, ShareOptions};

/// Bad input (a setup the engine refuses, an unknown protocol or session): exit 2.
fn fail(msg: &str) -> ExitCode {
    output::fail(output::BAD_INPUT, msg)
}

/// A failure of the machine (a log that can't be read or written): exit 1.
fn failure(msg: &str) -> ExitCode {
    output::fail(output::FAILURE, msg)
}

/// Why `convene resume` or `convene mirror` cannot open a session.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Review(#[from] ReviewError),
    /// The scan found the log unreadable (its reason).
    #[error("{0}")]
    Unreadable(String),
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(
        "no unfinished session to resume (sessions running in another terminal are not listed: \
         `convene mirror` shows them)."
    )]
    NothingToResume,
    /// No session of this laptop can be resumed; the message says what there is instead.
    #[error("{0}")]
    NotOffered(String),
    #[error("no running session to mirror: start one with `convene run`.")]
    NothingToMirror,
    #[error("no running session to share: start one with `convene run … --share`.")]
    NothingToShare,
    #[error("session {id} has ended and cannot be resumed; `convene logs show {id}` shows it.")]
    Ended { id: String },
    #[error(transparent)]
    Locked(#[from] LockError),
}

/// What `convene run` asks for: the session, and the settings in effect (flag > environment >
/// config file > default, resolved by [`crate::config`]).
#[derive(Debug, Clone, Default)]
pub struct RunRequest {
    /// A protocol id from the library, or a path to a protocol file.
    pub protocol: String,
    /// The participants as typed (`--people`).
    pub people: Option<String>,
    /// A roster file instead (`--roster`).
    pub roster: Option<PathBuf>,
    pub group: Option<String>,
    pub facilitator: Option<String>,
    /// For a course: this session's number.
    pub session: Option<u32>,
    /// Stage durations changed: `discussion=8m`.
    pub stages: Vec<String>,
    /// The planned start, a time of today (`--start`).
    pub start: Option<chrono::NaiveTime>,
    /// The hard stop, a time of today (`--until`).
    pub until: Option<chrono::NaiveTime>,
    pub auto_advance: bool,
    /// Shared with the room from the start (else when the share key is pressed).
    pub share: bool,
    pub sharing: ShareOptions,
    pub screen: ScreenSettings,
}

/// What `convene resume` asks for (its `--list` is a command of its own:
/// [`crate::commands::resume`]).
#[derive(Debug, Clone, Default)]
pub struct ResumeRequest {
    /// The session (default: the newest unfinished session of this laptop).
    pub id: Option<String>,
    /// A log saved elsewhere, put back in the sessions folder first.
    pub file: Option<PathBuf>,
    /// Continue a session of another laptop without asking.
    pub take_over: bool,
    /// Shared with the room from the start (else when the share key is pressed).
    pub share: bool,
    pub sharing: ShareOptions,
    pub screen: ScreenSettings,
}

/// How the screen looks and sounds, from the settings in effect.
pub(crate) fn options(screen: &ScreenSettings, mirror: bool) -> Options {
    // Large type in half blocks where the console's fonts lack the quadrants: Windows outside
    // Windows Terminal (which says so in `WT_SESSION`).
    super::live::use_half_blocks(cfg!(windows) && std::env::var_os("WT_SESSION").is_none());
    Options {
        quiet: screen.quiet,
        flash: !screen.no_flash,
        theme: Theme::from_env(screen.theme),
        mirror,
    }
}

/// What the screen takes from the command line beyond [`Options`]: how it sounds, and
/// presentation mode as it was left (`presentation =` in config.toml).
pub(crate) fn dress(app: &mut LiveScreen, screen: &ScreenSettings) {
    let mode = if screen.quiet { SoundMode::Off } else { screen.sound };
    app.set_sound(mode);
    app.presentation = screen.presentation;
    if let Some(dir) = &screen.config_dir {
        app.presentation_file = Some(dir.clone());
    }
}

/// The full-screen views need a terminal: say so plainly instead of failing inside it.
pub fn need_terminal() -> Option<ExitCode> {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() {
        None
    } else {
        Some(fail("this screen needs a terminal (standard input and output are not one)"))
    }
}

/// The data folder, or the exit code saying there is none.
fn need_data(dirs: &Dirs) -> Result<PathBuf, ExitCode> {
    data_dir(dirs.data_dir.as_deref()).ok_or_else(|| fail(&ReviewError::NoDataDir.to_string()))
}

/// Reads what the request takes from its group's earlier sessions in the data folder: the open
/// commitments it follows up (if it has a follow-up stage), and for a format 2 protocol that is a
/// course or carries notes, how many earlier sessions of the protocol the group had and the
/// notes its previous one carries. Every way a session starts (`convene run`, the home screen)
/// comes through here; resume keeps what the log's header says.
pub fn carry_from_group(request: &mut SetupRequest, data: Option<&Path>) {
    let follows = request.follows_up().map(str::to_string);
    let takes = request.takes_from_group().map(str::to_string);
    let Some(data) = data.filter(|_| follows.is_some() || takes.is_some()) else { return };
    // One index, opened (and brought up to date) once for both questions. Read page by page,
    // not mapped: the group's rows are side by side, a few pages, and after a reboot a first
    // touch of a mapping reads the disk's whole read-ahead window (8 MB on the VM of
    // docs/benchmarks.md), a page read only the page.
    let Ok(ix) = crate::review::Index::open(data) else { return };
    if let Some(group) = follows {
        request.carried = ix.open_commitments(&group).unwrap_or_default();
        request.sequence = ix.group_sessions(&group).ok().map(|n| n.saturating_add(1));
    }
    if let Some(group) = takes {
        let from = crate::review::course::from_index(&ix, &group, &request.protocol);
        request.earlier_sessions = from.earlier;
        request.carried_notes = from.notes;
    }
}

/// `convene run`.
pub fn run(dirs: &Dirs, args: &RunRequest) -> color_eyre::Result<ExitCode> {
    let lib = Library::standard(dirs.protocols_dir.as_deref());
    let protocol = match lib.resolve(&args.protocol) {
        Ok(p) => p,
        Err(e) => return Ok(fail(&e)),
    };
    let mut request = SetupRequest {
        group: args.group.clone(),
        facilitator: args.facilitator.clone(),
        stages: args.stages.clone(),
        auto_advance: args.auto_advance,
        session: args.session,
        ..SetupRequest::new(protocol, args.people.as_deref().unwrap_or_default())
    };
    if let Some(path) = &args.roster {
        match read_roster(path) {
            Ok(people) => request.roster = Some(people),
            Err(e) => return Ok(fail(&e)),
        }
    }
    let data = data_dir(dirs.data_dir.as_deref());
    carry_from_group(&mut request, data.as_deref());
    let mut checked = match request.check() {
        Ok(c) => c,
        Err(e) => return Ok(fail(&e.to_string())),
    };
    // Times of today, read here at the edge: the session gets them as data.
    checked.setup.planned_start = args.start.map(clock::today_at);
    checked.setup.hard_stop = args.until.map(clock::today_at);
    if let Some(e) = crate::session::setup::stop_problem(&checked.setup) {
        return Ok(fail(&e));
    }
    let Some(data) = data else {
        return Ok(fail(&ReviewError::NoDataDir.to_string()));
    };
    if let Some(code) = need_terminal() {
        return Ok(code);
    }
    let share = args.sharing.clone();
    start_shared(&data, dirs, checked, &args.screen, args.share, share)
}

/// Reads a roster file (`--roster`): its problems name the file as given, the line and the column.
fn read_roster(path: &Path) -> Result<crate::session::People, String> {
    let shown = path.display().to_string();
    // A regular file of at most MAX_ROSTER_BYTES: a FIFO or /dev/zero is refused at once.
    let bytes = crate::bounded::read(path, crate::session::MAX_ROSTER_BYTES)
        .map_err(|e| format!("cannot read the roster {shown}: {e}"))?;
    crate::session::parse_roster(&bytes, &shown)
}

/// How the home screen says that a roster cannot start (on one line).
pub fn refusal(e: &SetupRequestError) -> String {
    match e {
        SetupRequestError::Refused { protocol, problems } => {
            format!("cannot start {protocol}: {}", problems.join(" "))
        }
        other => other.to_string(),
    }
}

/// Starts a session, shared with the devices in the room at once when `share_now` (`--share`),
/// else when the share key is pressed, as `share` says. Sharing that cannot start says why in
/// one line; the session runs as always.
pub(crate) fn start_shared(
    data: &Path,
    dirs: &Dirs,
    checked: CheckedSetup,
    screen: &ScreenSettings,
    share_now: bool,
    share: ShareOptions,
) -> color_eyre::Result<ExitCode> {
    let CheckedSetup { setup, warnings } = checked;
    let id = session_id(clock::utc_now());
    let header = Header::new(id.clone(), wall_now(), setup.clone())
        .on(crate::machine::this(dirs.config_dir.as_deref()));
    // The writer takes the session lock as it creates the file, before writing to it.
    let writer = LogWriter::create(data, &id, &header);
    let mut app = LiveScreen::new(SessionState::new(setup), Some(writer), options(screen, false));
    dress(&mut app, screen);
    app.warnings = warnings;
    app.share_options = share;
    let clock = SystemClock::new(0);
    go_live(&mut app, clock, screen, share_now, Some(data))
}

/// Runs the live screen from here on: handed to `convene-live` when it is next to convene and
/// the log is whole on disk (not when shared at once: that program does not share), else here.
/// Once the screen closes the review index takes the log in (that of `data`, if any), while
/// nobody waits for it.
fn go_live(
    app: &mut LiveScreen,
    clock: SystemClock,
    screen: &ScreenSettings,
    share_now: bool,
    data: Option<&Path>,
) -> color_eyre::Result<ExitCode> {
    let settled = app.log.as_ref().is_some_and(LogWriter::settled);
    if handoff::may_hand_over()
        && !share_now
        && settled
        && let Some(live) = handoff::program(handoff::LIVE_PROGRAM)
        && let Some(h) = handoff::Handoff::of(app, clock.now(), screen, data)
    {
        // The log closed (and its lock let go) for convene-live to take it.
        drop(app.log.take());
        // Only back here if it could not start: the session goes on here, read back as it was.
        let _ = handoff::exec(&live, &[], &h);
        return handoff::continue_here(&h, convene());
    }
    convene().dress(app);
    if share_now {
        app.start_sharing(clock.now());
    }
    let code = run_live(app, clock, false);
    if let Some(data) = data {
        index_now(data);
    }
    code
}

/// convene's own ways: it shares with its own server, writes config.toml and updates the review
/// index itself.
pub(crate) fn convene() -> handoff::Program {
    handoff::Program {
        sharing: Sharing::Here(Share::start),
        remember: crate::config::remember_presentation,
        index: index_now,
    }
}

/// The review index takes a finished session's log in (if there is an index yet).
pub fn index_now(data: &Path) {
    crate::review::index::refresh_if_present(data);
}

/// Runs the live screen in the terminal, then prints the summary. `clear`: the screen shows
/// another program's frames (a session handed back), cleared first. A session handed over goes
/// on elsewhere on the same screen: no summary, and the alternate screen is kept (no flash of
/// the shell on the projector).
pub(crate) fn run_live(
    app: &mut LiveScreen,
    clock: SystemClock,
    clear: bool,
) -> color_eyre::Result<ExitCode> {
    if let Some(log) = app.log.as_mut() {
        // The log is looked at when its folder changes, not every second.
        log.watch(|| {
            crate::tui::input::wake();
        });
    }
    let mut terminal = crate::tui::term::try_init()?;
    if clear {
        terminal.clear()?;
    }
    let result = event_loop::run(&mut terminal, app, clock, None);
    if result.is_ok() && app.exit == Some(super::live::Exit::HandOver) {
        let _ = crossterm::terminal::disable_raw_mode();
        return Ok(ExitCode::SUCCESS);
    }
    ratatui::restore();
    result?;
    Ok(after_session(app))
}

/// The unfinished sessions, from the review index (only logs that are new or changed since the
/// last use are read). Newest first.
fn scan_sessions(data: &Path) -> Result<Scan, OpenError> {
    Ok(crate::review::scan_unfinished(data)?)
}

/// Whether the log ends with `session-ended` (an unreadable log is not finished either: it
/// cannot be resumed, and saying why is left to reading it).
fn is_finished(entry: &Entry) -> bool {
    entry.ok().is_some_and(|d| d.status != SessionStatus::Unfinished)
}

/// The readable sessions that did not end, newest first.
pub(crate) fn unfinished(scan: &Scan) -> impl Iterator<Item = &Entry> {
    scan.entries.iter().filter(|e| e.ok().is_some_and(|d| d.status == SessionStatus::Unfinished))
}

/// The session `convene resume` (`mirror: false`) or `convene mirror` (`mirror: true`) takes
/// when no id is given. Resume: the newest unfinished session not in use (a running convene
/// holds its lock). Mirror: the newest unfinished session in use, else the newest unfinished.
pub fn pick_session(scan: &Scan, mirror: bool, in_use: impl Fn(&Path) -> bool) -> Option<&Entry> {
    if mirror {
        unfinished(scan).find(|e| in_use(&e.path)).or_else(|| unfinished(scan).next())
    } else {
        unfinished(scan).find(|e| !in_use(&e.path))
    }
}

/// Reads the chosen log in full.
fn read_chosen(entry: &Entry) -> Result<(PathBuf, SessionLog), OpenError> {
    if let Err(e) = &entry.digest {
        return Err(OpenError::Unreadable(e.clone()));
    }
    Ok((entry.path.clone(), read_log(&entry.path)?))
}

/// Finds a session by id (or unique prefix) through the index, and reads only its log.
fn find_log(data: &Path, id: &str) -> Result<(PathBuf, SessionLog), OpenError> {
    read_chosen(&crate::review::find(data, id)?)
}

/// `convene resume`.
pub fn resume(dirs: &Dirs, args: &ResumeRequest) -> color_eyre::Result<ExitCode> {
    let data = match need_data(dirs) {
        Ok(d) => d,
        Err(code) => return Ok(code),
    };
    if let Some(file) = &args.file {
        return resume_file(&data, file, dirs, args);
    }
    let me = crate::machine::known(dirs.config_dir.as_deref());
    let found = match &args.id {
        Some(id) => crate::review::find(&data, id).map_err(OpenError::from).and_then(|e| {
            // Refused before anything else: the digest already knows it ended.
            if is_finished(&e) {
                Err(OpenError::Ended { id: e.id.clone() })
            } else {
                may_continue(&e, me.as_ref(), args.take_over).and_then(|()| read_chosen(&e))
            }
        }),
        None => {
            scan_sessions(&data).and_then(|scan| pick_own(&scan, me.as_ref()).and_then(read_chosen))
        }
    };
    match found {
        Ok((path, _)) => continue_session(&path, dirs, args),
        Err(e) => Ok(fail(&e.to_string())),
    }
}

/// The session `convene resume` takes when no id is given: the newest unfinished session of this
/// laptop not in use and not still being written; else why there is none.
pub fn pick_own<'a>(scan: &'a Scan, me: Option<&Machine>) -> Result<&'a Entry, OpenError> {
    let free: Vec<&Entry> = unfinished(scan).filter(|e| !in_use(&e.path)).collect();
    let paths: Vec<&Path> = free.iter().map(|e| e.path.as_path()).collect();
    let standings = crate::log::standing::standings(&paths, me, crate::log::standing::SETTLE);
    if let Some((e, _)) = free.iter().zip(&standings).find(|(_, s)| s.mine && s.blocked.is_none()) {
        return Ok(e);
    }
    let mut why = Vec::new();
    for (e, s) in free.iter().zip(&standings).filter(|(_, s)| s.mine) {
        if let Some(b) = s.blocked {
            why.push(format!(
                "session {} is not offered: {}.",
                crate::text::sanitize(&e.id),
                b.why()
            ));
        }
    }
    let others: Vec<_> = free.iter().zip(&standings).filter(|(_, s)| !s.mine).collect();
    if let Some((e, s)) = others.first() {
        why.push(format!(
            "{} unfinished session{} last run on other laptops (the latest, {}, on {}): `convene \
             resume --list` lists them, and `convene resume ID` continues one here after asking.",
            others.len(),
            if others.len() == 1 { " was" } else { "s were" },
            crate::text::sanitize(&e.id),
            s.whence(clock::utc_now().into())
        ));
    }
    if why.is_empty() {
        // Said by name: "nothing to resume" would send the facilitator looking for a lost log.
        return Err(match unfinished(scan).find(|e| in_use(&e.path)) {
            Some(e) => OpenError::NotOffered(format!(
                "no unfinished session to resume: session {} is running in another terminal \
                 (`convene mirror` shows it there; quit it there first to continue it here).",
                crate::text::sanitize(&e.id)
            )),
            None => OpenError::NothingToResume,
        });
    }
    Err(OpenError::NotOffered(format!(
        "no unfinished session of this laptop to resume. {}",
        why.join(" ")
    )))
}

/// Whether the session of `entry`, named by id, may be continued here: refused while its log
/// is still being written; another laptop's only after asking (or with `--take-over`), and not
/// at all while its last line is torn unless `--take-over` is given.
fn may_continue(entry: &Entry, me: Option<&Machine>, take_over: bool) -> Result<(), OpenError> {
    use crate::log::standing::{Blocked, SETTLE, standings};
    // Running in another terminal here: taking its lock says so.
    if in_use(&entry.path) {
        return Ok(());
    }
    let Some(s) = standings(&[entry.path.as_path()], me, SETTLE).pop() else { return Ok(()) };
    let id = crate::text::sanitize(&entry.id);
    match s.blocked {
        Some(Blocked::Growing) => {
            return Err(OpenError::NotOffered(format!(
                "session {id} cannot be resumed now: {}. Wait until it stops changing (if it is \
                 running on another laptop, stop it there first).",
                Blocked::Growing.why()
            )));
        }
        Some(Blocked::Torn) if !take_over => {
            return Err(OpenError::NotOffered(format!(
                "session {id} (last run on {}) cannot be resumed now: {}. Wait for the sync to \
                 finish; if that laptop stopped while writing it, `convene resume {id} \
                 --take-over` continues it anyway.",
                s.whence(clock::utc_now().into()),
                Blocked::Torn.why()
            )));
        }
        _ => {}
    }
    if s.mine || take_over {
        return Ok(());
    }
    match ask_take_over(&entry.id, &s) {
        Some(true) => Ok(()),
        Some(false) => Err(OpenError::NotOffered(format!("session {id} was left as it is."))),
        None => Err(OpenError::NotOffered(format!(
            "session {id} was last run on {}: if it is still running there, continuing it here \
             makes two versions of it. Stop it there, then continue it here with `convene resume \
             {id} --take-over`.",
            s.whence(clock::utc_now().into())
        ))),
    }
}

/// Asks on the terminal whether to continue another laptop's session here; `None` when there
/// is no terminal to ask on.
fn ask_take_over(id: &str, s: &crate::log::standing::Standing) -> Option<bool> {
    use std::io::{BufRead as _, IsTerminal as _, Read as _, Write as _};
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return None;
    }
    let mut err = std::io::stderr();
    let _ = write!(
        err,
        "Session {} was last run on {}.\nIs it still running there? Continuing it here too makes \
         two versions of it.\nContinue it on this laptop? [y/N] ",
        crate::text::sanitize(id),
        s.whence(clock::utc_now().into())
    );
    let _ = err.flush();
    let mut answer = String::new();
    std::io::stdin().lock().take(1024).read_line(&mut answer).ok()?;
    Some(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
}

/// `convene resume --file PATH`: puts a log saved elsewhere back into the sessions folder, then
/// resumes it (a session that has ended is only put back).
fn resume_file(
    data: &Path,
    file: &Path,
    dirs: &Dirs,
    args: &ResumeRequest,
) -> color_eyre::Result<ExitCode> {
    let path = match crate::log::bring_back::bring_back(data, file) {
        Ok(p) => p,
        Err(e) => return Ok(fail(&e)),
    };
    let log = match read_log(&path) {
        Ok(l) => l,
        Err(e) => return Ok(fail(&e.to_string())),
    };
    if log.events.iter().any(|e| matches!(e.event, Event::SessionEnded { .. })) {
        let id = crate::text::sanitize(&log.header.session);
        say(&format!(
            "Session {id} has ended; its log is back in the sessions folder, as {}: `convene \
             logs show {id}` shows it.",
            crate::text::sanitize(&path.display().to_string())
        ));
        return Ok(ExitCode::SUCCESS);
    }
    continue_session(&path, dirs, args)
}

/// Takes the session's lock and reads its log again under it: it may have ended, or grown,
/// since it was scanned.
pub(crate) fn lock_and_read(path: &Path) -> Result<(Option<SessionLock>, SessionLog), OpenError> {
    let lock = SessionLock::acquire(path)?;
    let log = read_log(path)?;
    if log.events.iter().any(|e| matches!(e.event, Event::SessionEnded { .. })) {
        return Err(OpenError::Ended { id: log.header.session });
    }
    Ok((lock, log))
}

/// Resumes the unfinished session whose log is at `path`.
fn continue_session(
    path: &Path,
    dirs: &Dirs,
    args: &ResumeRequest,
) -> color_eyre::Result<ExitCode> {
    if let Some(code) = need_terminal() {
        return Ok(code);
    }
    let (lock, log) = match lock_and_read(path) {
        Ok(x) => x,
        Err(e) => return Ok(fail(&e.to_string())),
    };
    for (line, problem) in &log.problems {
        output::error(&format!("{}:{line}: {problem}", path.display()));
    }
    let state = replay(log.header.setup.clone(), &log.events);
    let mut writer = match LogWriter::reopen(path, &log.header.session, log.last_seq) {
        Ok(w) => w,
        Err(e) => return Ok(failure(&format!("cannot continue {}: {e}", path.display()))),
    };
    // The writer keeps the lock, and moves it to the log if it ever writes the log again.
    writer.hold(lock);
    // The log grows again: the review index checks it from now on.
    let data = crate::log::data_dir_of(path);
    if let Some(data) = data {
        crate::review::index::note_live(data, path);
    }
    // The setup as the log's events left it (facts set on the start card included).
    let warnings = check_setup(&state.setup).unwrap_or_default();
    let mut app = LiveScreen::new(state, Some(writer), options(&args.screen, false));
    dress(&mut app, &args.screen);
    app.warnings = warnings;
    let clock = SystemClock::new(app.state.last_at);
    let now = clock.now();
    // Run from now on by this machine: the log says so when another ran it last.
    let before = crate::log::standing::runs_on(&log);
    if let (Some(before), Some(me)) = (before, crate::machine::this(dirs.config_dir.as_deref()))
        && before.id != me.id
    {
        let _ = app.exec(Command::ContinueOn { machine: me.id, name: me.name }, now);
    }
    // The room's clock kept running while convene was down.
    if let Some(last) = app.state.last_wall {
        let gap = (now.wall - last).num_milliseconds();
        if gap > 0 && app.state.status == Status::Running {
            let _ = app.exec(
                Command::ReportGap {
                    gap_ms: u64::try_from(gap).unwrap_or(0),
                    cause: GapCause::Restart,
                },
                now,
            );
        }
    }
    app.share_options = args.sharing.clone();
    go_live(&mut app, clock, &args.screen, args.share, data)
}

/// The session `mirror` and `share` follow: the one named, else the newest still running
/// (`none` when there is none).
fn running_session(
    data: &Path,
    id: Option<&str>,
    none: OpenError,
) -> Result<(PathBuf, SessionLog), OpenError> {
    match id {
        Some(id) => find_log(data, id),
        None => scan_sessions(data)
            .and_then(|scan| pick_session(&scan, true, in_use).ok_or(none).and_then(read_chosen)),
    }
}

/// `convene mirror`: the session `id` (default: the newest still running), on a screen that never
/// rings the bell (`sound`: sounds the cues here too, for a second room; `None`: silent).
pub fn mirror(
    dirs: &Dirs,
    id: Option<&str>,
    screen: ScreenSettings,
    sound: Option<SoundMode>,
) -> color_eyre::Result<ExitCode> {
    let data = match need_data(dirs) {
        Ok(d) => d,
        Err(code) => return Ok(code),
    };
    let (path, log) = match running_session(&data, id, OpenError::NothingToMirror) {
        Ok(x) => x,
        Err(e) => return Ok(fail(&e.to_string())),
    };
    if let Some(code) = need_terminal() {
        return Ok(code);
    }
    let screen = ScreenSettings { quiet: true, sound: SoundMode::Off, ..screen };
    super::mirror::run(&path, &log, options(&screen, true), sound)
}

/// `convene share`: shares a running session from a second terminal, as `mirror` shows it.
/// Prints the address and its QR code, then serves until the session ends (or Ctrl-C).
/// `id` is the session (default: the newest still running).
pub fn share(dirs: &Dirs, id: Option<&str>, opts: &ShareOptions) -> color_eyre::Result<ExitCode> {
    let data = match need_data(dirs) {
        Ok(d) => d,
        Err(code) => return Ok(code),
    };
    let (path, _) = match running_session(&data, id, OpenError::NothingToShare) {
        Ok(x) => x,
        Err(e) => return Ok(fail(&e.to_string())),
    };
    let mut share = match Share::start(&path, opts) {
        Ok(s) => s,
        Err(e) => return Ok(failure(&e.to_string())),
    };
    print!("{}", crate::share::announce(&share));
    let _ = std::io::Write::flush(&mut std::io::stdout());
    share.wait();
    println!("The session has ended: sharing stopped.");
    Ok(ExitCode::SUCCESS)
}

/// `convene` alone: the home screen, then the session it starts.
pub fn home(dirs: &Dirs, args: &HomeSettings) -> color_eyre::Result<ExitCode> {
    if let Some(code) = need_terminal() {
        return Ok(code);
    }
    let lib = Library::standard(dirs.protocols_dir.as_deref());
    let opts = options(&args.screen, false);
    let data = data_dir(dirs.data_dir.as_deref());
    let Some(checked) = super::home::run(&lib, opts.theme, data.as_deref(), args)? else {
        return Ok(ExitCode::SUCCESS);
    };
    let Some(data) = data else {
        return Ok(fail(&ReviewError::NoDataDir.to_string()));
    };
    // `share = true` in config.toml shares what the home screen starts too.
    let share = ShareOptions { names: args.share_names, ..ShareOptions::default() };
    start_shared(&data, dirs, checked, &args.screen, args.share, share)
}
