//! convene: run structured facilitation protocols from a terminal on a projector.
//!
//! A map of the crate:
//! - [`protocol`]: the protocol file format, durations, validation, the built-in and user library;
//! - [`session`]: the pure, event-sourced session engine (no clock, no files, no terminal);
//! - [`commands`]: the command-line subcommands that print text;
//! - [`cli`]: the clap definitions;
//! - [`config`]: the settings in effect (flag > environment > config file > default);
//! - [`output`]: what the commands print, their error lines and exit codes;
//! - [`text`]: making names and texts safe to show in a terminal.

pub mod cli;
pub mod commands;
pub mod config;
pub mod log;
pub mod output;
pub mod protocol;
pub mod review;
pub mod session;
pub mod text;
pub mod tui;
