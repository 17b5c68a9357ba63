//! `convene-live`: the live screen's own small program. convene hands it a session once
//! everything before the first frame is done (`convene run`, `convene resume`, the home screen),
//! in the same process and on the same terminal; it carries the screen, the session engine and
//! the log, and nothing else, so the screen a room watches holds little memory. See
//! `convene::tui::handoff`.

fn main() -> std::process::ExitCode {
    convene::tui::handoff::live_main()
}
