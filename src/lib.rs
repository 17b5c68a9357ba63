//! convene: run structured facilitation protocols from a terminal on a projector.
//!
//! A map of the crate, from the pure core outwards (a module only uses those above it, except
//! `text` and `bounded`, used by all; `tests/it/purity.rs` checks it on the module graph):
//! - [`protocol`]: the protocol file format, durations, validation, the built-in and user library;
//! - [`session`]: the pure, event-sourced session engine (no clock, no files, no terminal), and
//!   the one plan of a session (`session::plan`: stages, rounds, budgets, the total);
//! - [`machine`]: this laptop's machine id (kept in the config folder), recorded in each log;
//! - [`clock`]: the one place the real clocks and today's date are read (never by the pure core:
//!   protocol, session and log take time as an argument);
//! - [`log`]: the session log on disk: the durable writer, the tolerant reader, the follower,
//!   and a log's standing for this laptop (resume);
//! - [`review`]: queries over many logs: listing, one session, report, commitments, exports;
//! - [`output`]: what the commands print, their error lines and exit codes;
//! - [`share`]: the session on the devices in the room: a read-only page served on the room's network;
//! - [`config`]: the settings in effect (flag > environment > config file > default), in types of
//!   its own that the screens and commands take (they never see the command line's);
//! - [`tui`]: the full-screen views (live session, mirror, home, review browser) and their loop;
//! - [`commands`]: the command-line subcommands that print text;
//! - [`cli`]: the clap definitions and what each command asks of the layers below; completion
//!   scripts, the man page and the completion of ids and names (only `main` uses it, and only
//!   it and `main` name clap);
//! - [`text`]: making names and texts safe to show in a terminal, and shared wording;
//! - [`bounded`]: reading a whole file a person named, bounded (regular files only, capped).
//!
//! `docs/architecture.md` walks through the layers and the data flow.

pub mod bounded;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod log;
pub mod machine;
pub mod output;
pub mod protocol;
pub mod review;
pub mod session;
pub mod share;
pub mod text;
pub mod tui;
