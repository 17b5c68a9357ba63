//! The full-screen views: the live facilitation screen, the home screen, resume and the mirror.
//!
//! The loop sleeps until the next moment the display must change (the shown second, a warning,
//! a time up, the end of a flash) or a key or a signal ([`signals`]) arrives, draws, and goes back
//! to sleep. A paused
//! session has no next moment, so it blocks on input and does not wake at all.

pub mod app;
pub mod clock;
pub mod home;
pub mod keymap;
pub mod keys;
pub mod live;
pub mod logs;
pub mod mirror;
pub mod signals;
pub mod theme;
pub mod widgets;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use crossterm::event::{self, Event as TermEvent};
use ratatui::DefaultTerminal;

use self::app::{App, Exit, Options};
use self::clock::{SystemClock, wall_now};
use self::theme::Theme;
use crate::cli::{Dirs, MirrorArgs, ResumeArgs, RunArgs, ScreenArgs};
use crate::log::reader::{SessionLog, read_log};
use crate::log::writer::LogWriter;
use crate::log::{Header, SessionLock, data_dir, in_use, session_id};
use crate::output;
use crate::protocol::{Protocol, parse_duration};
use crate::review::{Entry, Scan, SessionStatus};
use crate::session::view::{self, Phase};
use crate::session::{
    Command, Event, GapCause, SessionState, Setup, Status, check_setup, next_wake, replay,
};

/// Bad input (a setup the engine refuses, an unknown protocol or session): exit 2.
fn fail(msg: &str) -> ExitCode {
    output::fail(output::BAD_INPUT, msg)
}

/// A failure of the machine (a log that can't be read or written): exit 1.
fn failure(msg: &str) -> ExitCode {
    output::fail(output::FAILURE, msg)
}

pub fn options(screen: &ScreenArgs, mirror: bool) -> Options {
    Options {
        quiet: screen.quiet,
        flash: !screen.no_flash,
        theme: Theme::from_env(screen.theme),
        mirror,
    }
}

/// Splits `--people "Ann, Ben,Cat"`.
pub fn parse_people(text: &str) -> Vec<String> {
    text.split(',').map(|s| s.trim().to_string()).collect()
}

/// Parses repeated `--stage ID=DURATION`.
pub fn parse_overrides(
    items: &[String],
) -> Result<std::collections::BTreeMap<String, u64>, String> {
    let mut out = std::collections::BTreeMap::new();
    for item in items {
        let Some((id, d)) = item.split_once('=') else {
            return Err(format!(
                "--stage {item}: write it as ID=DURATION, e.g. --stage discussion=8m"
            ));
        };
        let secs = parse_duration(d).map_err(|e| format!("--stage {item}: duration {e}"))?;
        out.insert(id.trim().to_string(), secs);
    }
    Ok(out)
}

/// Builds a checked setup from the command line, or the message to print.
pub fn build_setup(
    dirs: &Dirs,
    protocol: Protocol,
    args: &RunArgs,
) -> Result<(Setup, Vec<String>), String> {
    let overrides = parse_overrides(&args.stages)?;
    let group_name = args.group.as_ref().map(|g| g.trim().to_string()).filter(|g| !g.is_empty());
    let carried = match (&group_name, data_dir(dirs.data_dir.as_deref())) {
        (Some(g), Some(data)) if protocol.all_stages().any(|(_, s)| s.follow_up) => {
            crate::review::open_commitments(&data, g)
        }
        _ => Vec::new(),
    };
    let setup = Setup {
        protocol,
        participants: parse_people(&args.people),
        facilitator: args
            .facilitator
            .as_ref()
            .map(|f| f.trim().to_string())
            .filter(|f| !f.is_empty()),
        group_name,
        overrides,
        auto_advance: args.auto_advance,
        carried,
    };
    match check_setup(&setup) {
        Ok(w) => Ok((setup, w)),
        Err(e) => Err(format!("cannot start {}:\n  {}", setup.protocol.id, e.0.join("\n  "))),
    }
}

/// `convene run`.
pub fn run(dirs: &Dirs, args: &RunArgs) -> color_eyre::Result<ExitCode> {
    let lib = crate::commands::protocols::library(dirs);
    let protocol = match lib.resolve(&args.protocol) {
        Ok(p) => p,
        Err(e) => return Ok(fail(&e)),
    };
    let (setup, warnings) = match build_setup(dirs, protocol, args) {
        Ok(x) => x,
        Err(e) => return Ok(fail(&e)),
    };
    let Some(data) = data_dir(dirs.data_dir.as_deref()) else {
        return Ok(fail(&crate::review::ReviewError::NoDataDir.to_string()));
    };
    if let Some(code) = need_terminal() {
        return Ok(code);
    }
    start_session(&data, setup, warnings, options(&args.screen, false))
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

/// Creates the log and runs the live screen for a checked setup.
pub fn start_session(
    data: &std::path::Path,
    setup: Setup,
    warnings: Vec<String>,
    opts: Options,
) -> color_eyre::Result<ExitCode> {
    let id = session_id(clock::utc_now());
    let header = Header::new(id.clone(), wall_now(), setup.clone());
    // The writer takes the session lock as it creates the file, before writing to it.
    let writer = LogWriter::create(data, &id, &header);
    let mut app = App::new(SessionState::new(setup), Some(writer), opts);
    app.warnings = warnings;
    let clock = SystemClock::new(0);
    let mut terminal = ratatui::try_init()?;
    let result = live_loop(&mut terminal, &mut app, clock, None);
    ratatui::restore();
    result?;
    // The review index takes in the new log now, while nobody waits for it.
    crate::review::index::refresh_if_present(data);
    Ok(after_session(&app))
}

/// What is printed after the screen closes: lines for standard output, lines for standard
/// error, and whether the session's log failed (exit status 1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Farewell {
    pub out: Vec<String>,
    pub err: Vec<String>,
    pub failed: bool,
}

/// Quotes a path for a shell command the user may copy, when it needs quoting.
fn shell_quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+,:@=%~".contains(c));
    if plain && !text.starts_with('~') {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// What to print after the screen closes (every path sanitised).
pub fn farewell(app: &App) -> Farewell {
    let mut f = Farewell::default();
    let Some(log) = &app.log else { return f };
    let path = |p: &std::path::Path| crate::text::sanitize(&p.display().to_string());
    let id = crate::text::sanitize(&log.session);
    let st = &app.state;
    // Saved elsewhere while the sessions folder could not hold the whole log.
    let elsewhere = app
        .saved_to
        .as_ref()
        .filter(|_| !matches!(log.superseded, Some(crate::log::writer::Superseded::Complete)));
    match (app.exit, st.status) {
        (Some(Exit::Left), _) if elsewhere.is_some() => {
            f.out.push("Session left unfinished.".into());
        }
        (Some(Exit::Left), _) => {
            f.out.push(format!("Session left unfinished: continue it with `convene resume {id}`."));
        }
        (_, Status::Ended(o)) => {
            let how = match o {
                crate::session::Outcome::Completed => "completed",
                crate::session::Outcome::EndedEarly => "ended early",
            };
            let count =
                |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
            let run = st.clocks.iter().filter(|c| c.visits > 0).count();
            f.out.push(format!(
                "Session {how}: {} of {} run, {}, {}.",
                run,
                count(st.stages.len(), "stage"),
                count(st.notes.len(), "note"),
                count(st.commitments.len(), "commitment")
            ));
        }
        _ => {}
    }
    if let Some(n) = &log.notice {
        f.out.push(format!(
            "Note: {}; convene wrote it again from memory, nothing is lost.",
            crate::text::sanitize(n)
        ));
    }
    if let Some(copy) = elsewhere {
        use crate::log::writer::Superseded;
        let why = log.error.as_deref().map(crate::text::sanitize).unwrap_or_default();
        f.out.push(format!("The whole session is in {}.", path(copy)));
        f.out.push(match &log.superseded {
            Some(Superseded::SetAside(aside)) => format!(
                "The log in the sessions folder is incomplete ({why}); it was renamed {}, so it \
                 is never offered to resume.",
                path(aside)
            ),
            Some(Superseded::Stuck(e)) => format!(
                "The log in the sessions folder, {}, is incomplete ({why}) and could not be set \
                 aside ({}): do not resume it by its id.",
                path(&log.path),
                crate::text::sanitize(e)
            ),
            _ => format!("The sessions folder holds no log of it ({why})."),
        });
        let command = format!("convene resume --file {}", shell_quote(&path(copy)));
        if app.exit == Some(Exit::Left) {
            f.out.push(format!(
                "Continue it with `{command}`: it copies the log into the sessions folder (once \
                 that folder can be written) and resumes it."
            ));
        } else {
            f.out.push(format!(
                "To keep it with your other sessions for `convene logs`, `report` and \
                 `actions`, run `{command}`: it copies the log into the sessions folder (once \
                 that folder can be written)."
            ));
        }
    } else if let Some(e) = &log.error {
        f.err.push(format!("convene: the log could NOT be saved: {}", crate::text::sanitize(e)));
        f.failed = true;
    } else {
        f.out.push(format!("Log: {}", path(&log.path)));
        if let Some(copy) = &app.saved_to {
            f.out.push(format!("A copy was saved to {}.", path(copy)));
        }
    }
    f
}

/// Prints [`farewell`].
fn after_session(app: &App) -> ExitCode {
    let f = farewell(app);
    for l in &f.out {
        say(l);
    }
    for l in &f.err {
        output::info(l);
    }
    if f.failed { ExitCode::from(output::FAILURE) } else { ExitCode::SUCCESS }
}

/// A line for the person at the keyboard after the screen closed (sanitised; a closed output is
/// ignored: the log already holds everything).
fn say(line: &str) {
    let _ = output::println(line);
}

/// Ends the session on a quit signal (SIGINT, SIGQUIT, SIGTERM, SIGHUP), as a crash would for
/// the room (the clock is not paused), but tidily: what the log still holds only in memory is
/// written or saved elsewhere, the terminal restored, and the summary says how to resume.
fn quit_by_signal(terminal: &mut DefaultTerminal, app: &mut App, q: signals::Quit) -> ! {
    let session = app.log.as_ref().map(|l| l.session.clone());
    if let Some(session) = session {
        // The save form's default place, or a name beside it not taken yet.
        let first = app::default_save_path(&session);
        let to = std::iter::once(first.clone())
            .chain((2..10).map(|n| first.with_file_name(format!("convene-{session}-{n}.jsonl"))))
            .find(|p| !p.exists())
            .unwrap_or(first);
        signals::keep_log(app, &to);
    }
    if app.exit.is_none() {
        app.exit = Some(if matches!(app.state.status, Status::Ended(_)) {
            Exit::Ended
        } else {
            Exit::Left
        });
    }
    signals::leave(terminal);
    signals::say_stopped(q);
    after_session(app);
    signals::exit(q)
}

/// How long until the display must change, if ever.
pub fn wake_in(app: &App, mono: u64) -> Option<u64> {
    let st = &app.state;
    // A flash that is over needs no wake-up: the mirror's loop never ticks it away, and waking
    // "in 0 ms" for it would spin.
    let mut next: Option<u64> = app.flash_until.filter(|u| *u > mono).map(|u| u - mono);
    let mut consider = |ms: u64| next = Some(next.map_or(ms, |n| n.min(ms)));
    if st.status == Status::Running && !st.paused {
        let r = view::remaining(st, mono);
        // The shown second changes when remaining crosses a whole second.
        let until_change = if r > 0 {
            let r = u64::try_from(r).unwrap_or(0);
            let step = r % 1000;
            if step == 0 { 1000 } else { step }
        } else {
            let over = u64::try_from(-r).unwrap_or(0);
            1000 - over % 1000
        };
        consider(until_change);
        // Only if still ahead: the mirror never records what is due, so a moment already
        // passed would otherwise make it spin.
        if let Some(w) = next_wake(st).filter(|w| *w > mono) {
            consider(w - mono);
        }
        // The phase word changes at the warning point even without an event (the mirror).
        if let Phase::Running = view::phase(st, mono)
            && let Some(c) = st.clock()
            && let Some(w) = c.warn_ms
        {
            let to_warn = r - i64::try_from(w).unwrap_or(0);
            if to_warn > 0 {
                consider(u64::try_from(to_warn).unwrap_or(0));
            }
        }
    }
    next
}

/// Something else the loop waits on: the mirror's log file.
pub trait Source {
    /// New events since the last call, applied to the app. Returns whether anything changed.
    fn poll(&mut self, app: &mut App) -> bool;
    /// How often to look (milliseconds).
    fn interval(&self) -> u64;
}

/// The live loop. Returns when the app asks to exit.
pub fn live_loop(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    mut clock: SystemClock,
    mut source: Option<&mut dyn Source>,
) -> color_eyre::Result<()> {
    let _signals = signals::watch();
    // Draw only when something changed: an event, a key, a resize, or the moment the display
    // changes by itself (`wake_in`). The mirror looks at its log ten times a second, but redraws
    // only when that moment comes or the log grew.
    let mut redraw = true;
    let mut draw_at: Option<u64> = None;
    loop {
        // A signal wakes the wait below (see `signals`): handled before the clock is read, so
        // the time a stop lasted is seen at once.
        match signals::pending(terminal)? {
            signals::Pending::Quit(q) => quit_by_signal(terminal, app, q),
            signals::Pending::Redraw => redraw = true,
            signals::Pending::Nothing => {}
        }
        let now = clock.now();
        if let Some(log) = app.log.as_mut() {
            // Events kept in memory are written as soon as the disk allows, and a log deleted or
            // cut short under the session is noticed and written again.
            let before = (log.error.is_some(), log.notice.is_some());
            log.retry();
            redraw |= before != (log.error.is_some(), log.notice.is_some());
        }
        if !app.opts.mirror {
            redraw |= report_gap(app, &mut clock, now);
            redraw |= app.tick(now);
        }
        if let Some(src) = source.as_deref_mut()
            && src.poll(app)
        {
            // Follow the facilitator's clock again from the newest event.
            clock = mirror::anchored_clock(&app.state);
            redraw = true;
        }
        redraw |= draw_at.is_some_and(|at| now.mono >= at);
        if app.bells > 0 {
            if !app.opts.quiet {
                let bells = "\x07".repeat(usize::from(app.bells));
                let out = terminal.backend_mut();
                let _ = out.write_all(bells.as_bytes());
                let _ = out.flush();
            }
            app.bells = 0;
        }
        if redraw {
            terminal.draw(|f| live::render(f, app, now.mono, now.wall))?;
            redraw = false;
            draw_at = wake_in(app, now.mono).map(|w| now.mono + w);
        }
        if app.exit.is_some() {
            return Ok(());
        }
        let mut wait = draw_at.map(|at| at.saturating_sub(now.mono));
        if let Some(src) = source.as_deref() {
            let i = src.interval();
            wait = Some(wait.map_or(i, |w| w.min(i)));
        }
        let ready = match wait {
            Some(ms) => event::poll(Duration::from_millis(ms.max(1)))?,
            None => true, // nothing will change by itself: block until input
        };
        if !ready {
            continue;
        }
        redraw = true; // a key or a resize
        if let TermEvent::Key(k) = event::read()? {
            if signals::is_suspend_key(&k) {
                if !signals::suspend(terminal)? {
                    app.message = Some(signals::CANNOT_SUSPEND.into());
                }
                continue;
            }
            // A sleep noticed only now (the loop was blocked, e.g. paused) is reported before
            // the key acts, so it is judged against the state the room was in.
            let now = clock.now();
            if !app.opts.mirror {
                report_gap(app, &mut clock, now);
                app.tick(now);
            }
            let size = terminal.size()?;
            if size.width < widgets::MIN_W || size.height < widgets::MIN_H {
                // Nothing acts unseen: only Ctrl-C, which leaves the session to resume later.
                let ctrl_c = k.code == crossterm::event::KeyCode::Char('c')
                    && k.modifiers.contains(crossterm::event::KeyModifiers::CONTROL);
                if ctrl_c {
                    app.leave(now);
                }
                continue;
            }
            app.handle_key(k, now);
        }
    }
}

/// Reports a sleep (wall time that passed without monotonic time) to the engine. Returns
/// whether one was reported.
fn report_gap(app: &mut App, clock: &mut SystemClock, now: crate::session::Now) -> bool {
    match clock.gap(now) {
        Some(gap) if app.state.status == Status::Running => {
            app.exec(Command::ReportGap { gap_ms: gap, cause: GapCause::Suspend }, now).is_ok()
        }
        _ => false,
    }
}

/// The unfinished sessions, from the review index (only logs that are new or changed since the
/// last use are read). Newest first.
fn scan_sessions(data: &std::path::Path) -> Result<Scan, String> {
    crate::review::scan_unfinished(data).map_err(|e| e.to_string())
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
pub fn pick_session(
    scan: &Scan,
    mirror: bool,
    in_use: impl Fn(&std::path::Path) -> bool,
) -> Option<&Entry> {
    if mirror {
        unfinished(scan).find(|e| in_use(&e.path)).or_else(|| unfinished(scan).next())
    } else {
        unfinished(scan).find(|e| !in_use(&e.path))
    }
}

/// Reads the chosen log in full.
fn read_chosen(entry: &Entry) -> Result<(PathBuf, SessionLog), String> {
    if let Err(e) = &entry.digest {
        return Err(e.clone());
    }
    read_log(&entry.path).map(|l| (entry.path.clone(), l)).map_err(|e| e.0)
}

/// Finds a session by id (or unique prefix) through the index, and reads only its log.
fn find_log(data: &std::path::Path, id: &str) -> Result<(PathBuf, SessionLog), String> {
    let entry = crate::review::find(data, id).map_err(|e| e.to_string())?;
    read_chosen(&entry)
}

fn ended_message(id: &str) -> String {
    format!("session {id} has ended and cannot be resumed; `convene logs show {id}` shows it.")
}

/// `convene resume`.
pub fn resume(dirs: &Dirs, args: &ResumeArgs) -> color_eyre::Result<ExitCode> {
    let Some(data) = data_dir(dirs.data_dir.as_deref()) else {
        return Ok(fail(&crate::review::ReviewError::NoDataDir.to_string()));
    };
    if let Some(file) = &args.file {
        return resume_file(&data, file, args);
    }
    if args.list {
        let scan = match scan_sessions(&data) {
            Ok(s) => s,
            Err(e) => return Ok(fail(&e)),
        };
        let mut text = String::new();
        let mut any = false;
        for e in unfinished(&scan) {
            let Some(d) = e.ok() else { continue };
            any = true;
            let running = if in_use(&e.path) { "  (running in another terminal)" } else { "" };
            let place = match d.runs.iter().find(|r| !r.finished).or(d.runs.last()) {
                Some(r) => format!("in {}", crate::text::sanitize(&r.name)),
                None => "not started".to_string(),
            };
            let line = format!(
                "{}  {}  {}  {place}{running}\n",
                e.id,
                d.created.format("%Y-%m-%d %H:%M"),
                crate::text::sanitize(&d.protocol_name),
            );
            text.push_str(&line);
        }
        if !any {
            text.push_str("No unfinished sessions.\n");
        }
        return Ok(output::finish(output::print(&text)));
    }
    let found = match &args.id {
        Some(id) => match crate::review::find(&data, id) {
            // Refused before anything else: the digest already knows it ended.
            Ok(e) if is_finished(&e) => return Ok(fail(&ended_message(&e.id))),
            Ok(e) => read_chosen(&e),
            Err(e) => Err(e.to_string()),
        },
        None => scan_sessions(&data).and_then(|scan| {
            pick_session(&scan, false, in_use)
                .ok_or_else(|| {
                    "no unfinished session to resume (sessions running in another terminal are \
             not listed: `convene mirror` shows them)."
                        .to_string()
                })
                .and_then(read_chosen)
        }),
    };
    match found {
        Ok((path, _)) => continue_session(&path, args),
        Err(e) => Ok(fail(&e)),
    }
}

/// `convene resume --file PATH`: puts a log saved elsewhere back into the sessions folder, then
/// resumes it (a session that has ended is only put back).
fn resume_file(
    data: &std::path::Path,
    file: &std::path::Path,
    args: &ResumeArgs,
) -> color_eyre::Result<ExitCode> {
    let path = match crate::log::writer::bring_back(data, file) {
        Ok(p) => p,
        Err(e) => return Ok(fail(&e)),
    };
    let log = match read_log(&path) {
        Ok(l) => l,
        Err(e) => return Ok(fail(&e.0)),
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

/// Resumes the unfinished session whose log is at `path`.
fn continue_session(path: &std::path::Path, args: &ResumeArgs) -> color_eyre::Result<ExitCode> {
    if let Some(code) = need_terminal() {
        return Ok(code);
    }
    let lock = match SessionLock::acquire(path) {
        Ok(lock) => lock,
        Err(e) => return Ok(fail(&e)),
    };
    // Read again under the lock: it may have ended, or grown, since it was scanned.
    let log = match read_log(path) {
        Ok(l) => l,
        Err(e) => return Ok(fail(&e.0)),
    };
    if log.events.iter().any(|e| matches!(e.event, Event::SessionEnded { .. })) {
        return Ok(fail(&ended_message(&log.header.session)));
    }
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
    if let Some(data) = path.parent().and_then(std::path::Path::parent) {
        crate::review::index::note_live(data, path);
    }
    let warnings = check_setup(&log.header.setup).unwrap_or_default();
    let mut app = App::new(state, Some(writer), options(&args.screen, false));
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
    let mut terminal = ratatui::try_init()?;
    let result = live_loop(&mut terminal, &mut app, clock, None);
    ratatui::restore();
    result?;
    if let Some(data) = path.parent().and_then(std::path::Path::parent) {
        crate::review::index::refresh_if_present(data);
    }
    Ok(after_session(&app))
}

/// `convene mirror`.
pub fn mirror(dirs: &Dirs, args: &MirrorArgs) -> color_eyre::Result<ExitCode> {
    let Some(data) = data_dir(dirs.data_dir.as_deref()) else {
        return Ok(fail(&crate::review::ReviewError::NoDataDir.to_string()));
    };
    let found = match &args.id {
        Some(id) => find_log(&data, id),
        None => scan_sessions(&data).and_then(|scan| {
            pick_session(&scan, true, in_use)
                .ok_or_else(|| {
                    "no running session to mirror: start one with `convene run`.".to_string()
                })
                .and_then(read_chosen)
        }),
    };
    let (path, log) = match found {
        Ok(x) => x,
        Err(e) => return Ok(fail(&e)),
    };
    if let Some(code) = need_terminal() {
        return Ok(code);
    }
    let screen = ScreenArgs { quiet: true, no_flash: false, theme: args.theme };
    mirror::run(&path, &log, options(&screen, true))
}

/// `convene` alone: the home screen.
pub fn home(dirs: &Dirs) -> color_eyre::Result<ExitCode> {
    if let Some(code) = need_terminal() {
        return Ok(code);
    }
    home::run(dirs)
}

#[cfg(test)]
mod tests {
    use super::shell_quote;

    #[test]
    fn paths_in_printed_commands_are_quoted_when_needed() {
        assert_eq!(shell_quote("/home/ann/convene-1.jsonl"), "/home/ann/convene-1.jsonl");
        assert_eq!(
            shell_quote("/Users/ann/Library/Application Support/x.jsonl"),
            "'/Users/ann/Library/Application Support/x.jsonl'"
        );
        assert_eq!(shell_quote("/media/Ann's stick/x"), r"'/media/Ann'\''s stick/x'");
        assert_eq!(shell_quote("~x"), "'~x'");
    }
}
