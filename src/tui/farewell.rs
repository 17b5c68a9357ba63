//! What is printed once the live screen has closed: how the session went, where its log is, and
//! how to continue it; or, when the log could not be saved, where the whole session is instead.

use std::process::ExitCode;

use super::live::{Exit, LiveScreen};
use crate::output;
use crate::session::Status;
use crate::text::plural;

/// What is printed after the screen closes: lines for standard output, lines for standard
/// error, and whether the session's log failed (exit status 1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Farewell {
    pub out: Vec<String>,
    pub err: Vec<String>,
    pub failed: bool,
}

/// Quotes a path for a shell command the user may copy, when it needs quoting.
#[cfg(not(windows))]
fn shell_quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+,:@=%~".contains(c));
    if plain && !text.starts_with('~') {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// Windows: `C:\Users\ann\x.jsonl` as it is; in double quotes (the same in PowerShell and cmd)
/// when it holds a space or the like; in PowerShell's single quotes when it holds `$` or a
/// backtick, which double quotes would expand there.
#[cfg(windows)]
fn shell_quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text.chars().all(|c| c.is_ascii_alphanumeric() || "\\/._-+,:@=~".contains(c));
    if plain {
        text.to_string()
    } else if text.contains(['$', '`']) {
        format!("'{}'", text.replace('\'', "''"))
    } else {
        format!("\"{text}\"")
    }
}

/// What to print after the screen closes (every path sanitised).
pub fn farewell(app: &LiveScreen) -> Farewell {
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
            let run = st.clocks.iter().filter(|c| c.visits > 0).count();
            // As the ended screen says it: over the plan, and over the time the room agreed.
            let (over_plan, over_agreed) = crate::session::display::overruns(st);
            f.out.push(format!(
                "Session {how}: {} of {} run ({over_plan} over the plan, {over_agreed} over the \
                 time agreed), {}, {}.",
                run,
                plural(st.stages.len(), "stage", "stages"),
                plural(st.notes.len(), "note", "notes"),
                plural(st.commitments.len(), "commitment", "commitments")
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
pub(crate) fn after_session(app: &LiveScreen) -> ExitCode {
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
pub(crate) fn say(line: &str) {
    let _ = output::println(line);
}

#[cfg(test)]
mod tests {
    use super::shell_quote;

    #[test]
    #[cfg(windows)]
    fn paths_in_printed_commands_are_quoted_for_windows_shells() {
        assert_eq!(shell_quote(r"C:\Users\ann\x.jsonl"), r"C:\Users\ann\x.jsonl");
        assert_eq!(shell_quote(r"E:\Ann's stick\x"), r#""E:\Ann's stick\x""#);
        assert_eq!(shell_quote(r"C:\$money\x"), r"'C:\$money\x'");
    }

    #[test]
    #[cfg(not(windows))]
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
