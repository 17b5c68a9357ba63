//! The full-screen views. Where things live:
//!
//! - [`launch`]: the entry points (`convene run`, `resume`, `mirror`, and `convene` alone),
//!   finding and opening sessions, and the typed errors worded for the user;
//! - [`event_loop`]: the one loop every screen runs in: sleeping until the display changes,
//!   signals, sleeps of the machine, keys to intents and intents performed;
//! - [`farewell`]: what is printed after the live screen closes;
//! - [`live`]: the live screen (the start card, the projected session, its questions and forms);
//! - [`mirror`]: the live screen, read-only, following a running session's log;
//! - [`home`]: the home screen (pick a protocol, type the roster);
//! - [`logs`]: the review browser (`convene logs`);
//! - [`keys`]: the one key-binding type every screen's tables use, and the list of all tables;
//! - [`theme`], [`widgets`]: the one theme, and shared drawing (the big clock, popups, the
//!   too-small notice);
//! - [`signals`]: interrupt, quit, stop and continue while a screen is up;
//! - [`input`]: waiting for a key, a resize or a wake-up, and seeing the terminal's end;
//! - [`term`]: the terminal the screens draw on, a frame sent in one write in a
//!   synchronized-update bracket.

pub mod event_loop;
pub mod farewell;
pub mod handoff;
pub mod home;
pub(crate) mod input;
pub mod keys;
pub mod launch;
pub mod live;
pub mod logs;
pub mod mirror;
pub mod signals;
pub mod sound;
pub mod term;
pub mod theme;
pub mod widgets;

pub use launch::{home, mirror, need_terminal, resume, run, share};
