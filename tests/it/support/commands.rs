//! One generator of the session engine's commands, for the replay properties
//! (`engine::replaying_the_log_gives_the_live_state`,
//! `log::a_session_written_read_back_and_replayed_equals_the_live_state`): every variant of
//! [`Command`], with the setup's own names (and one nobody has), and restarts of convene, after
//! which the room's clock has moved on and the session is followed by a
//! [`GapCause::Restart`] gap, as `convene resume` reports it.
//!
//! [`variant`] matches on every variant with no catch-all: a new command does not compile here
//! until it is given a name and a place in [`any_command`], and
//! `every_command_is_generated` checks that each one is.

use chrono::{DateTime, FixedOffset};
use convene::session::{
    Agreement, Command, CommitmentStatus, GapCause, Now, SessionState, ShareListen, Status,
};
use proptest::prelude::*;

/// Every variant's name, in [`Command`]'s order.
pub const VARIANTS: [&str; 29] = [
    "SetOrder",
    "MoveToFront",
    "SetFact",
    "SetTimes",
    "Start",
    "Pause",
    "PauseToLeave",
    "Resume",
    "Next",
    "Back",
    "Skip",
    "Jump",
    "Extend",
    "RefuseExtension",
    "Shorten",
    "ReportGap",
    "AddNote",
    "AddCommitment",
    "UpdateCommitment",
    "ContinueOn",
    "StartSharing",
    "StopSharing",
    "ShowMessage",
    "ClearMessage",
    "Rebalance",
    "End",
    "EndAnyway",
    // Not commands: kept in step with `Step`.
    "Restart",
    "Wait",
];

/// A command's variant (its place in [`VARIANTS`]). No catch-all: a new variant of [`Command`]
/// is a compile error here until it is added to [`VARIANTS`] and [`any_command`].
pub fn variant(c: &Command) -> usize {
    match c {
        Command::SetOrder { .. } => 0,
        Command::MoveToFront { .. } => 1,
        Command::SetFact { .. } => 2,
        Command::SetTimes { .. } => 3,
        Command::Start => 4,
        Command::Pause => 5,
        Command::PauseToLeave => 6,
        Command::Resume => 7,
        Command::Next { .. } => 8,
        Command::Back => 9,
        Command::Skip => 10,
        Command::Jump { .. } => 11,
        Command::Extend { .. } => 12,
        Command::RefuseExtension { .. } => 13,
        Command::Shorten { .. } => 14,
        Command::ReportGap { .. } => 15,
        Command::AddNote { .. } => 16,
        Command::AddCommitment { .. } => 17,
        Command::UpdateCommitment { .. } => 18,
        Command::ContinueOn { .. } => 19,
        Command::StartSharing { .. } => 20,
        Command::StopSharing => 21,
        Command::ShowMessage { .. } => 22,
        Command::ClearMessage => 23,
        Command::Rebalance { .. } => 24,
        Command::End => 25,
        Command::EndAnyway => 26,
    }
}

/// A name: one of the setup's people mostly, sometimes one nobody has.
fn any_name(people: &[String]) -> BoxedStrategy<String> {
    if people.is_empty() {
        return Just("Zed".to_string()).boxed();
    }
    prop_oneof![9 => prop::sample::select(people.to_vec()), 1 => Just("Zed".to_string())].boxed()
}

/// Text as people type it: quotes, backslashes, accents, emoji, new lines.
fn any_text() -> impl Strategy<Value = String> {
    "[a-z \"\\\\é\u{1F600}\n]{0,12}"
}

/// Any command of the engine, naming `people` (the session's participants).
pub fn any_command(people: &[String]) -> impl Strategy<Value = Command> + use<> {
    let name = any_name(people);
    let order = Just(people.to_vec()).prop_shuffle();
    let group = proptest::option::of(0usize..3);
    let record = proptest::option::weighted(0.2, "[a-z]{1,6}");
    prop_oneof![
        1 => order.prop_map(|order| Command::SetOrder { order }),
        1 => (name.clone(), proptest::option::of(any_text()))
            .prop_map(|(name, reason)| Command::MoveToFront { name, reason }),
        1 => (name.clone(), prop::sample::select(vec!["school", "category"]),
              proptest::option::of("[a-z]{1,6}"))
            .prop_map(|(name, key, value)| Command::SetFact { name, key: key.into(), value }),
        // The planned start and the hard stop: times around the properties' start, or none.
        1 => (proptest::option::of(-120i64..120), proptest::option::of(0i64..600))
            .prop_map(|(start, stop)| {
                let at = |min: i64| super::wall(0) + chrono::Duration::minutes(min);
                Command::SetTimes { planned_start: start.map(at), hard_stop: stop.map(at) }
            }),
        4 => Just(Command::Start),
        2 => Just(Command::Pause),
        1 => Just(Command::PauseToLeave),
        2 => Just(Command::Resume),
        5 => any::<bool>().prop_map(|force| Command::Next { force }),
        1 => Just(Command::Back),
        2 => Just(Command::Skip),
        1 => (0usize..40).prop_map(|to| Command::Jump { to }),
        2 => (1u64..600_000, 0..3u8, prop::collection::vec(name.clone(), 0..3)).prop_map(
            |(by_ms, how, who)| Command::Extend {
                by_ms,
                agreement: match how {
                    0 => None,
                    1 => Some(Agreement::Group),
                    _ => Some(Agreement::People(who)),
                },
            }
        ),
        1 => (1u64..600_000, proptest::option::of(any_text()))
            .prop_map(|(by_ms, reason)| Command::RefuseExtension { by_ms, reason }),
        1 => (1u64..600_000).prop_map(|by_ms| Command::Shorten { by_ms }),
        1 => (1u64..3_600_000, any::<bool>()).prop_map(|(gap_ms, s)| Command::ReportGap {
            gap_ms,
            cause: if s { GapCause::Suspend } else { GapCause::Restart },
        }),
        2 => (any_text(), proptest::option::of(name.clone()), group.clone(), any::<bool>(),
              record.clone())
            .prop_map(|(text, about, group, private, record)| Command::AddNote {
                text,
                about,
                group,
                private,
                record,
            }),
        2 => (name, any_text(), proptest::option::of("2 weeks|Friday|end of term"), group,
              record)
            .prop_map(|(owner, text, due, group, record)| Command::AddCommitment {
                owner,
                text,
                due,
                group,
                record,
            }),
        2 => (1usize..4, any::<bool>(), 0..4u8, proptest::option::of(any_text())).prop_map(
            |(n, earlier, status, note)| Command::UpdateCommitment {
                session: earlier.then(|| "20261109-083012-345".to_string()),
                id: format!("c{n}"),
                status: [
                    CommitmentStatus::Done,
                    CommitmentStatus::Partly,
                    CommitmentStatus::NotYet,
                    CommitmentStatus::CarriedForward,
                ][usize::from(status)],
                note,
            }
        ),
        1 => ("[0-9a-f]{8}", proptest::option::of("LAPTOP-[0-9]"))
            .prop_map(|(machine, name)| Command::ContinueOn { machine, name }),
        1 => (any::<u16>(), prop::sample::select(vec!["full", "first", "initials", "none"]),
              any::<bool>())
            .prop_map(|(port, names, named)| Command::StartSharing {
                port,
                names: names.into(),
                listen: if named { ShareListen::Named } else { ShareListen::Private },
            }),
        1 => Just(Command::StopSharing),
        // Typed as people do, escape sequences and bidi controls too: the engine cleans it.
        1 => "[a-z \t\u{1b}\u{202e}é]{0,80}".prop_map(|text| Command::ShowMessage { text }),
        1 => Just(Command::ClearMessage),
        // A rebalance as the screen proposes it, or one made up: any positions, any budgets
        // (the engine ignores positions out of range and budgets for stages already run).
        1 => (prop::collection::vec((0usize..40, 0u64..3_600_000), 0..6), 0u64..600_000)
            .prop_map(|(stages, short_ms)| Command::Rebalance {
                budgets: stages
                    .into_iter()
                    .map(|(pos, to_ms)| convene::session::display::NewBudget {
                        pos,
                        stage: format!("s{pos}"),
                        from_ms: 60_000,
                        to_ms,
                    })
                    .collect(),
                short_ms,
            }),
        1 => Just(Command::End),
        1 => Just(Command::EndAnyway),
    ]
}

/// One step of a property: time passes, then a command, a restart or nothing.
#[derive(Debug, Clone)]
pub enum Step {
    Command(Command),
    /// convene stops (a crash, a quit to resume later) and is started again `down_ms` later:
    /// the state is replayed from the log and the monotonic clock goes on from the last event.
    Restart {
        down_ms: u64,
    },
    /// Only time passes (what is due fires).
    Wait,
}

impl Step {
    /// The step's place in [`VARIANTS`].
    pub fn variant(&self) -> usize {
        match self {
            Step::Command(c) => variant(c),
            Step::Restart { .. } => VARIANTS.len() - 2,
            Step::Wait => VARIANTS.len() - 1,
        }
    }
}

/// Steps: commands mostly, a restart now and then (down for a second to two hours).
pub fn any_step(people: &[String]) -> impl Strategy<Value = Step> + use<> {
    prop_oneof![
        30 => any_command(people).prop_map(Step::Command),
        2 => (1_000u64..7_200_000).prop_map(|down_ms| Step::Restart { down_ms }),
        1 => Just(Step::Wait),
    ]
}

/// The clocks of a property: the monotonic time, and how far the wall clock has run ahead of it
/// (the time convene was down, over every restart).
#[derive(Debug, Clone, Copy, Default)]
pub struct Clocks {
    pub mono: u64,
    pub down_ms: u64,
}

impl Clocks {
    /// Now, the wall clock counting from `start` at mono 0.
    pub fn now(&self, start: DateTime<FixedOffset>) -> Now {
        let wall = start + chrono::Duration::milliseconds((self.mono + self.down_ms) as i64);
        Now::new(self.mono, wall)
    }

    /// After a restart `down_ms` long, for the state replayed from the log: the monotonic clock
    /// goes on from the last event (as `convene resume` starts it), the wall clock is later.
    pub fn restart(&mut self, replayed: &SessionState, down_ms: u64) {
        self.down_ms += down_ms + self.mono.saturating_sub(replayed.last_at);
        self.mono = replayed.last_at;
    }
}

/// What `convene resume` tells the engine after a restart, at `now`: the time the room's clock
/// ran while convene was down, if the session was running.
pub fn restart_gap(st: &SessionState, now: Now) -> Option<Command> {
    let last = st.last_wall?;
    let gap = (now.wall - last).num_milliseconds();
    (gap > 0 && st.status == Status::Running).then(|| Command::ReportGap {
        gap_ms: u64::try_from(gap).unwrap_or(0),
        cause: GapCause::Restart,
    })
}

#[test]
fn every_command_is_generated() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let people: Vec<String> = ["Ann", "Ben", "Cat"].map(String::from).to_vec();
    let strategy = any_step(&people);
    let mut runner = TestRunner::deterministic();
    let mut seen = [false; VARIANTS.len()];
    for _ in 0..5_000 {
        let step = strategy.new_tree(&mut runner).expect("a step").current();
        seen[step.variant()] = true;
    }
    let missing: Vec<&str> =
        VARIANTS.iter().zip(seen).filter(|(_, s)| !s).map(|(v, _)| *v).collect();
    assert!(missing.is_empty(), "never generated: {missing:?}");
}
