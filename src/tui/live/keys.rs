//! The live screen's keys: its actions, and one binding table for each thing that can be in
//! front of the facilitator (the running session, the start card, each question, the follow-up
//! list, the forms, the mirror). An upper-case letter acts as its lower case where a table gives
//! it no meaning of its own (Caps Lock; see [`crate::tui::keys::binding`]). The tables dispatch the keys ([`super::update::action_for`]) and
//! write the footer, the help, every question's key lines and `docs/keys.md`.

use crossterm::event::KeyCode;

use crate::session::CommitmentStatus;
use crate::tui::keys::{Binding, Key, ch, ctrl, key};

/// What a key asks for on the live screen. Which table is in force says which of these a key
/// can mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    // The running session.
    TogglePause,
    Next,
    Back,
    Skip,
    Extend,
    Shorten,
    Note,
    Commit,
    FollowUp,
    Norms,
    Roster,
    /// Share with the room: start sharing, and show the address and its QR code.
    Share,
    /// Type a message to the room (shown large on the projector, the mirror and shared pages).
    RoomMessage,
    /// Presentation mode: hide the facilitator's own lines (counts, keys, hints), or show them.
    Presentation,
    Help,
    Quit,
    // The start card (with norms, roster, help and quit).
    Start,
    Up,
    Down,
    ToFront,
    MoveUp,
    MoveDown,
    ScrollDown,
    ScrollUp,
    EditFact,
    /// The planned start and the hard stop (times of today).
    EditTimes,
    // Quit?
    End,
    Leave,
    SaveElsewhere,
    CarryOn,
    // End without everyone's record?
    EndAnyway,
    // Leave this stage?
    AddRecord,
    MoveOn,
    Stay,
    // Has the group agreed?
    Agreed,
    NameWho,
    NotAgreed,
    Cancel,
    // A name not in this session.
    RecordAnyway,
    Correct,
    // The follow-up list (with up and down).
    Mark(CommitmentStatus),
    ToggleText,
    Close,
    // Forms (with cancel and toggle text).
    Submit,
    NextField,
    PreviousField,
    /// On a form's "For" field: the next (or previous) record the stage expects.
    NextChoice,
    PreviousChoice,
    DeleteChar,
    ClearField,
    Dismiss,
    /// Propose new durations for the stages to come that land on the hard stop (`--until`).
    Rebalance,
    // A rebalance proposed.
    AcceptRebalance,
    RefuseRebalance,
    // The mirror.
    StopMirror,
    /// A key where any key acts: help, norms and the roster close; after the end, the screen.
    AnyKey,
}

impl Action {
    /// Whether a start card key acts for this protocol: the reordering keys when the group
    /// chooses the order; selecting a member and `e` (facts) when the protocol names facts.
    pub(crate) fn on_start_card(self, p: &crate::protocol::Protocol) -> bool {
        let chooses = p.rotation.order == crate::protocol::OrderRule::GroupChooses;
        let facts = !p.facts.is_empty();
        match self {
            Action::Up | Action::Down => chooses || facts,
            Action::EditFact => facts,
            a if a.reorders() => chooses,
            _ => true,
        }
    }

    /// Reorders the presenting order on the start card (only when the group chooses it).
    pub(crate) fn reorders(self) -> bool {
        matches!(
            self,
            Action::Up | Action::Down | Action::ToFront | Action::MoveUp | Action::MoveDown
        )
    }
}

const fn bind(
    keys: &'static [Key],
    action: Action,
    shown: &'static str,
    short: &'static str,
    what: &'static str,
    footer: bool,
) -> Binding<Action> {
    Binding { keys, action, shown, short, what, footer }
}

const ESC: Key = key(KeyCode::Esc);
const UP: Key = key(KeyCode::Up);
const DOWN: Key = key(KeyCode::Down);
const LEFT: Key = key(KeyCode::Left);
const RIGHT: Key = key(KeyCode::Right);
const ENTER: Key = key(KeyCode::Enter);
const PAGE_UP: Key = key(KeyCode::PageUp);
const PAGE_DOWN: Key = key(KeyCode::PageDown);
const F2: Key = key(KeyCode::F(2));

/// While a session runs. The footer writes a key as `shown`; the help writes every key.
pub const LIVE: &[Binding<Action>] = &[
    bind(&[ch(' ')], Action::TogglePause, "space", "pause", "pause/resume", true),
    bind(&[ch('n'), RIGHT, PAGE_DOWN], Action::Next, "n", "next", "next stage", true),
    bind(&[ch('b'), LEFT, PAGE_UP], Action::Back, "b", "back", "previous stage", true),
    bind(&[ch('+'), ch('=')], Action::Extend, "+", "extend", "extend 1 min", true),
    bind(&[ch('-'), ch('_')], Action::Shorten, "-", "shorten", "shorten 1 min", true),
    bind(&[ch('e')], Action::Note, "e", "note", "add a note", true),
    bind(&[ch('a')], Action::Commit, "a", "commitment", "add a commitment", true),
    bind(&[ch('s')], Action::Skip, "s", "skip", "skip this stage", false),
    bind(
        &[ch('f')],
        Action::FollowUp,
        "f",
        "follow-up",
        "follow up last session's commitments",
        false,
    ),
    bind(&[ch('o')], Action::Norms, "o", "norms", "norms", false),
    bind(&[ch('r')], Action::Roster, "r", "roster", "rotation roster", false),
    bind(
        &[ch('w')],
        Action::Share,
        "w",
        "share",
        "share with the room: address and QR code",
        false,
    ),
    bind(
        &[ch('m')],
        Action::RoomMessage,
        "m",
        "message",
        "a message to the room, on every screen until cleared",
        false,
    ),
    bind(
        &[ch('p')],
        Action::Presentation,
        "p",
        "presentation",
        "hide or show the facilitator's lines (presentation mode)",
        false,
    ),
    bind(
        &[ch('l')],
        Action::Rebalance,
        "l",
        "land",
        "land on the hard stop (--until): rebalance the stages to come",
        false,
    ),
    bind(&[ch('?')], Action::Help, "?", "help", "all keys", true),
    // Not Esc: a stray Esc (or a clicker's) must not open the quit question.
    bind(&[ch('q'), ctrl('c')], Action::Quit, "q", "quit", "quit", true),
];

/// Before the first stage. The reordering keys act only when the group chooses the presenting
/// order; other keys of [`LIVE`] say how to start.
pub(crate) const START: &[Binding<Action>] = &[
    bind(&[ch(' ')], Action::Start, "space", "start", "start the first stage", true),
    bind(
        &[ENTER, ch('n'), RIGHT],
        Action::Start,
        "Enter",
        "start",
        "start the first stage (so a presentation clicker can start it)",
        false,
    ),
    bind(
        &[UP, ch('k')],
        Action::Up,
        "↑↓",
        "select",
        "select the member before, when the group chooses the presenting order",
        true,
    ),
    bind(&[DOWN, ch('j')], Action::Down, "", "", "select the member after", false),
    bind(
        &[ch('f')],
        Action::ToFront,
        "f",
        "to front",
        "move the selected member to the front (a pressing issue)",
        true,
    ),
    bind(&[ch('u')], Action::MoveUp, "u/d", "move", "move the selected member up the order", true),
    bind(&[ch('d')], Action::MoveDown, "", "", "move the selected member down the order", false),
    bind(
        &[ch('e')],
        Action::EditFact,
        "e",
        "facts",
        "set the selected member's fact (school, category...), when the protocol names facts",
        true,
    ),
    bind(
        &[ch('t')],
        Action::EditTimes,
        "t",
        "times",
        "set the planned start and the hard stop (HH:MM, like --start and --until)",
        false,
    ),
    bind(
        &[PAGE_DOWN],
        Action::ScrollDown,
        "PgDn",
        "more",
        "scroll the card down (when it does not fit)",
        true,
    ),
    bind(&[PAGE_UP], Action::ScrollUp, "", "", "scroll the card up", false),
    bind(&[ch('o')], Action::Norms, "o", "norms", "norms", true),
    bind(&[ch('r')], Action::Roster, "r", "roster", "rotation roster", false),
    bind(
        &[ch('w')],
        Action::Share,
        "w",
        "share",
        "share with the room: address and QR code",
        false,
    ),
    bind(&[ch('?')], Action::Help, "?", "help", "all keys", true),
    bind(
        &[ch('q'), ctrl('c')],
        Action::Quit,
        "q",
        "quit",
        "quit (end it, or leave it to start later)",
        true,
    ),
];

/// The quit question. The question writes each key as `shown`, then `what`.
pub const QUIT: &[Binding<Action>] = &[
    bind(&[ch('e')], Action::End, "e", "end", "end the session", true),
    bind(
        &[ch('l')],
        Action::Leave,
        "l",
        "leave",
        "leave it, to resume later (convene resume)",
        true,
    ),
    bind(&[ch('s')], Action::SaveElsewhere, "s", "save", "save the log somewhere else now", true),
    bind(&[ESC, ch('q'), ctrl('c')], Action::CarryOn, "Esc", "carry on", "carry on", true),
];

/// Ending the session while a record each participant makes is missing.
pub(crate) const END_WITHOUT: &[Binding<Action>] = &[
    bind(&[ch('e')], Action::EndAnyway, "e", "end", "end without them (this is logged)", true),
    bind(&[ESC, ch('q'), ctrl('c')], Action::CarryOn, "Esc", "carry on", "carry on", true),
];

/// A rebalance of the stages to come, proposed to land on the hard stop.
pub(crate) const REBALANCE: &[Binding<Action>] = &[
    bind(
        &[ch('y'), ENTER],
        Action::AcceptRebalance,
        "y",
        "accept",
        "accept: the stages to come take the new durations (logged)",
        true,
    ),
    bind(
        &[ESC, ch('n'), ch('q')],
        Action::RefuseRebalance,
        "Esc",
        "refuse",
        "refuse: keep the plan as it is",
        true,
    ),
];

/// Leaving a stage whose expected record is missing.
pub const LEAVE: &[Binding<Action>] = &[
    bind(&[ch('a')], Action::AddRecord, "a", "add", "add it now", true),
    // Not `n`, `→` or `PgDn`: a double press of the key that moves on (a clicker does this)
    // must not leave the stage without its record.
    bind(
        &[ch('l')],
        Action::MoveOn,
        "l",
        "leave without it",
        "leave the stage without it (this is logged)",
        true,
    ),
    bind(
        &[ESC, ch('q'), ch('b'), LEFT, PAGE_UP],
        Action::Stay,
        "Esc",
        "stay",
        "stay in this stage",
        true,
    ),
];

/// Extending a stage that runs longer only with the group's agreement.
pub const AGREEMENT: &[Binding<Action>] = &[
    bind(&[ch('y')], Action::Agreed, "y", "agreed", "the group agreed (recorded)", true),
    bind(&[ch('w')], Action::NameWho, "w", "who", "say who agreed, by name (recorded)", true),
    bind(
        &[ch('n')],
        Action::NotAgreed,
        "n",
        "not agreed",
        "the group did not agree (recorded)",
        true,
    ),
    bind(&[ESC, ch('q')], Action::Cancel, "Esc", "cancel", "cancel", true),
];

/// A form named someone who is not in this session (who agreed, who a note is about, who
/// commits): a typing slip, or a guest.
pub(crate) const NOT_IN_SESSION: &[Binding<Action>] = &[
    bind(&[ch('y')], Action::RecordAnyway, "y", "record", "record it anyway, as typed", true),
    bind(
        &[ESC, ch('n')],
        Action::Correct,
        "Esc",
        "correct",
        "back to the form, to correct the name",
        true,
    ),
    bind(&[ctrl('c')], Action::Dismiss, "", "", "cancel, back to the session", false),
];

/// The list of earlier commitments to follow up. Its key line is its footer; the words of the
/// marks are the statuses' own labels.
pub const FOLLOW_UP: &[Binding<Action>] = &[
    bind(&[UP, ch('k')], Action::Up, "↑↓", "select", "select the commitment before", true),
    bind(&[DOWN, ch('j')], Action::Down, "", "", "select the commitment after", false),
    bind(&[ch('d')], Action::Mark(CommitmentStatus::Done), "d", "done", "done", true),
    bind(
        &[ch('p')],
        Action::Mark(CommitmentStatus::Partly),
        "p",
        "partly done",
        "partly done",
        true,
    ),
    bind(&[ch('y')], Action::Mark(CommitmentStatus::NotYet), "y", "not yet", "not yet", true),
    bind(
        &[ch('c')],
        Action::Mark(CommitmentStatus::CarriedForward),
        "c",
        "carried forward",
        "carried forward",
        true,
    ),
    bind(
        &[F2],
        Action::ToggleText,
        "F2",
        "show/hide",
        "show or hide the commitments' texts (hidden at first: the screen is projected)",
        true,
    ),
    bind(&[ESC, ch('q'), ch('f')], Action::Close, "Esc", "close", "close", true),
];

/// Forms: a note, a commitment, a follow-up update, who agreed, where to save the log. Other
/// characters are typed into the focused field. The form's key line is its footer.
pub const FORM: &[Binding<Action>] = &[
    bind(&[ENTER], Action::Submit, "Enter", "save", "next field; on the last field, save", true),
    bind(&[key(KeyCode::Tab), DOWN], Action::NextField, "Tab", "next field", "next field", true),
    bind(&[key(KeyCode::BackTab), UP], Action::PreviousField, "", "", "previous field", false),
    bind(
        &[RIGHT],
        Action::NextChoice,
        "→",
        "choose",
        "on the \"For\" field: the next record the stage expects (on a fact's Value: its next choice)",
        false,
    ),
    bind(
        &[LEFT],
        Action::PreviousChoice,
        "",
        "",
        "on the \"For\" field: the previous record the stage expects (on a fact's Value: its previous choice)",
        false,
    ),
    bind(
        &[key(KeyCode::Backspace)],
        Action::DeleteChar,
        "",
        "",
        "delete the last character",
        false,
    ),
    bind(&[ctrl('u')], Action::ClearField, "", "", "clear the field", false),
    bind(
        &[F2],
        Action::ToggleText,
        "F2",
        "show/hide text",
        "show or hide the typed text (notes, commitments and follow-up updates start hidden: the \
         screen is projected)",
        true,
    ),
    bind(
        &[ESC],
        Action::Cancel,
        "Esc",
        "cancel",
        "cancel, back to the question or list the form came from",
        true,
    ),
    bind(
        &[ctrl('c')],
        Action::Dismiss,
        "",
        "",
        "cancel, back to the session (from the save form: to the quit question)",
        false,
    ),
];

/// The rotation roster's popup: where it is longer than the screen, these scroll it; any other
/// key closes it.
pub(crate) const ROSTER: &[Binding<Action>] = &[
    bind(
        &[PAGE_DOWN, DOWN, ch('j')],
        Action::ScrollDown,
        "PgDn",
        "more",
        "scroll the roster down",
        true,
    ),
    bind(&[PAGE_UP, UP, ch('k')], Action::ScrollUp, "PgUp", "back", "scroll the roster up", true),
];

/// While the terminal is smaller than the screen needs, nothing acts unseen but these.
pub(crate) const TOO_SMALL: &[Binding<Action>] = &[
    bind(
        &[ch(' ')],
        Action::Start,
        "space",
        "start",
        "before the start: start the first stage (the line then shows its clock)",
        false,
    ),
    bind(&[ctrl('c')], Action::Leave, "^C", "leave", "leave the session, to resume later", false),
];

/// The read-only mirror.
pub(crate) const MIRROR: &[Binding<Action>] = &[bind(
    &[ch('q'), ESC, ctrl('c')],
    Action::StopMirror,
    "q",
    "quit",
    "quit the mirror (the session carries on)",
    true,
)];
