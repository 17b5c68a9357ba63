//! The session engine: pure and event-sourced.
//!
//! Commands go in, events come out, state is a fold of events:
//! - [`decide`]`(&state, command, now)` returns events or a [`Rejection`];
//! - [`apply`]`(&mut state, &event)` is infallible;
//! - [`due`]`(&state, now)` returns the events that time alone causes (warning, time up,
//!   auto-advance, and in format 2 timed cues and session markers) and [`next_wake`] says when
//!   that will next happen.
//!
//! What a session plans (stages, rounds, budgets, markers, the total) is [`plan`]; its module doc
//! says where each part of a stage's time is decided.
//!
//! Time is an argument: `now.mono` is milliseconds since the session was set up on a monotonic
//! clock, `now.wall` the wall-clock time for people to read. Nothing in this module reads a clock,
//! touches a file or the terminal.

pub(crate) mod checks;
pub mod decide;
pub mod display;
pub(crate) mod event;
pub mod plan;
pub(crate) mod request;
pub(crate) mod rotation;
pub mod setup;
pub mod sound;
pub mod stage_clock;
pub(crate) mod state;

pub use checks::{MAX_PARTICIPANTS, SetupError, check_setup};
pub use decide::{decide, due, next_wake};
pub use event::{
    Agreement, Command, CommitmentStatus, Event, GapCause, Leave, Now, Outcome, ROOM_MESSAGE_MAX,
    Rejection, ShareListen, Stamped, clean_room_message,
};
pub use request::{
    CheckedSetup, MAX_ROSTER_BYTES, People, SetupRequest, SetupRequestError, parse_people,
    parse_roster,
};
pub use setup::{CarriedCommitment, CarriedNote, Setup};
pub use state::{RecordProgress, SessionState, Sharing, Status, apply, replay};
