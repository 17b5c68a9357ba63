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
use super::live::{LiveScreen, Options};
use super::theme::Theme;
use crate::cli::{Dirs, MirrorArgs, ResumeArgs, RunArgs, ScreenArgs};
use crate::clock::{self, SystemClock, wall_now};
use crate::log::reader::{ReadError, SessionLog, read_log};
use crate::log::writer::LogWriter;
use crate::log::{Header, LockError, SessionLock, data_dir, in_use, session_id};
use crate::output;
use crate::protocol::Library;
use crate::review::{Entry, ReviewError, Scan, SessionStatus};
use crate::session::{
    CheckedSetup, Command, Event, GapCause, SessionState, SetupRequest, SetupRequestError, Status,
    check_setup, replay,
};

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
    #[error("no running session to mirror: start one with `convene run`.")]
    NothingToMirror,
    #[error("session {id} has ended and cannot be resumed; `convene logs show {id}` shows it.")]
    Ended { id: String },
    #[error(transparent)]
    Locked(#[from] LockError),
}

/// How the screen looks and sounds, from the command line.
pub fn options(screen: &ScreenArgs, mirror: bool) -> Options {
    Options {
        quiet: screen.quiet,
        flash: !screen.no_flash,
        theme: Theme::from_env(screen.theme.unwrap_or_default()),
        mirror,
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
    // One index, opened (and brought up to date) once for both questions.
    let Ok(ix) = crate::review::Index::open(data) else { return };
    ix.map_for_few();
    if let Some(group) = follows {
        request.carried = ix.open_commitments(&group).unwrap_or_default();
    }
    if let Some(group) = takes {
        let from = crate::review::course::from_index(&ix, &group, &request.protocol);
        request.earlier_sessions = from.earlier;
        request.carried_notes = from.notes;
    }
}

/// `convene run`.
pub fn run(dirs: &Dirs, args: &RunArgs) -> color_eyre::Result<ExitCode> {
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
    let checked = match request.check() {
        Ok(c) => c,
        Err(e) => return Ok(fail(&e.to_string())),
    };
    let Some(data) = data else {
        return Ok(fail(&ReviewError::NoDataDir.to_string()));
    };
    if let Some(code) = need_terminal() {
        return Ok(code);
    }
    start_session(&data, checked, options(&args.screen, false))
}

/// Reads a roster file (`--roster`): its problems name the file as given, the line and the column.
fn read_roster(path: &Path) -> Result<crate::session::People, String> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read the roster {shown}: {e}"))?;
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

/// Creates the log and runs the live screen for a checked setup.
pub fn start_session(
    data: &Path,
    checked: CheckedSetup,
    opts: Options,
) -> color_eyre::Result<ExitCode> {
    let CheckedSetup { setup, warnings } = checked;
    let id = session_id(clock::utc_now());
    let header = Header::new(id.clone(), wall_now(), setup.clone());
    // The writer takes the session lock as it creates the file, before writing to it.
    let writer = LogWriter::create(data, &id, &header);
    let mut app = LiveScreen::new(SessionState::new(setup), Some(writer), opts);
    app.warnings = warnings;
    let code = run_live(&mut app, SystemClock::new(0));
    // The review index takes in the new log now, while nobody waits for it.
    crate::review::index::refresh_if_present(data);
    code
}

/// Runs the live screen in the terminal, then prints the summary.
fn run_live(app: &mut LiveScreen, clock: SystemClock) -> color_eyre::Result<ExitCode> {
    let mut terminal = crate::tui::term::try_init()?;
    let result = event_loop::run(&mut terminal, app, clock, None);
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
pub fn unfinished(scan: &Scan) -> impl Iterator<Item = &Entry> {
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
pub fn resume(dirs: &Dirs, args: &ResumeArgs) -> color_eyre::Result<ExitCode> {
    let data = match need_data(dirs) {
        Ok(d) => d,
        Err(code) => return Ok(code),
    };
    if let Some(file) = &args.file {
        return resume_file(&data, file, args);
    }
    let found = match &args.id {
        Some(id) => crate::review::find(&data, id).map_err(OpenError::from).and_then(|e| {
            // Refused before anything else: the digest already knows it ended.
            if is_finished(&e) {
                Err(OpenError::Ended { id: e.id.clone() })
            } else {
                read_chosen(&e)
            }
        }),
        None => scan_sessions(&data).and_then(|scan| {
            pick_session(&scan, false, in_use)
                .ok_or(OpenError::NothingToResume)
                .and_then(read_chosen)
        }),
    };
    match found {
        Ok((path, _)) => continue_session(&path, args),
        Err(e) => Ok(fail(&e.to_string())),
    }
}

/// `convene resume --file PATH`: puts a log saved elsewhere back into the sessions folder, then
/// resumes it (a session that has ended is only put back).
fn resume_file(data: &Path, file: &Path, args: &ResumeArgs) -> color_eyre::Result<ExitCode> {
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
    continue_session(&path, args)
}

/// Takes the session's lock and reads its log again under it: it may have ended, or grown,
/// since it was scanned.
fn lock_and_read(path: &Path) -> Result<(Option<SessionLock>, SessionLog), OpenError> {
    let lock = SessionLock::acquire(path)?;
    let log = read_log(path)?;
    if log.events.iter().any(|e| matches!(e.event, Event::SessionEnded { .. })) {
        return Err(OpenError::Ended { id: log.header.session });
    }
    Ok((lock, log))
}

/// Resumes the unfinished session whose log is at `path`.
fn continue_session(path: &Path, args: &ResumeArgs) -> color_eyre::Result<ExitCode> {
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
    let data = path.parent().and_then(Path::parent);
    if let Some(data) = data {
        crate::review::index::note_live(data, path);
    }
    // The setup as the log's events left it (facts set on the start card included).
    let warnings = check_setup(&state.setup).unwrap_or_default();
    let mut app = LiveScreen::new(state, Some(writer), options(&args.screen, false));
    app.warnings = warnings;
    let clock = SystemClock::new(app.state.last_at);
    let now = clock.now();
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
    let code = run_live(&mut app, clock);
    if let Some(data) = data {
        crate::review::index::refresh_if_present(data);
    }
    code
}

/// `convene mirror`.
pub fn mirror(dirs: &Dirs, args: &MirrorArgs) -> color_eyre::Result<ExitCode> {
    let data = match need_data(dirs) {
        Ok(d) => d,
        Err(code) => return Ok(code),
    };
    let found = match &args.id {
        Some(id) => find_log(&data, id),
        None => scan_sessions(&data).and_then(|scan| {
            pick_session(&scan, true, in_use)
                .ok_or(OpenError::NothingToMirror)
                .and_then(read_chosen)
        }),
    };
    let (path, log) = match found {
        Ok(x) => x,
        Err(e) => return Ok(fail(&e.to_string())),
    };
    if let Some(code) = need_terminal() {
        return Ok(code);
    }
    let screen = ScreenArgs { quiet: true, no_flash: args.no_flash, theme: args.theme };
    super::mirror::run(&path, &log, options(&screen, true))
}

/// `convene` alone: the home screen, then the session it starts.
pub fn home(dirs: &Dirs, args: &crate::cli::HomeArgs) -> color_eyre::Result<ExitCode> {
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
    start_session(&data, checked, opts)
}
