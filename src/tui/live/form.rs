//! The live screen's forms: a private note, the record a stage expects, a commitment, a
//! follow-up update, who agreed to an extension, and where to save the log. Their state, how
//! each one opens (with what filled in), and its rows in the panel at the bottom of the screen.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::keys::{Action, FORM};
use super::{Exit, LiveScreen, Overlay};
use crate::protocol::RecordKind;
use crate::session::CommitmentStatus;
use crate::session::display;
use crate::text::{self, sanitize};
use crate::tui::keys;

/// What a form is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    /// A private note (masked while typed; never shown on screen).
    Note,
    /// The record a stage expects when it is a note, such as the next CPD topic: not private.
    Record,
    Commitment,
    /// A short update when following up an earlier commitment.
    FollowUp {
        session: String,
        id: String,
        status: CommitmentStatus,
    },
    /// Who agreed to an extension, by name.
    AgreedBy {
        by_ms: u64,
    },
    /// Before the start: a participant's fact (who, which fact, its value).
    Fact,
    /// Where to save the log when the usual place failed.
    SavePath {
        then: Exit,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: &'static str,
    pub value: String,
    /// Shown as dots while the form is masked (the text of notes and commitments).
    pub secret: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub kind: FormKind,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Typed text is shown as dots (F2 toggles).
    pub masked: bool,
}

impl Form {
    /// A form of one empty field.
    fn one(kind: FormKind, label: &'static str, secret: bool) -> Self {
        Self {
            kind,
            fields: vec![Field { label, value: String::new(), secret }],
            focus: 0,
            masked: secret,
        }
    }

    /// Where the form goes back to when cancelled with Esc.
    pub fn back_to(&self) -> Overlay {
        match self.kind {
            FormKind::FollowUp { .. } => Overlay::FollowUp { selected: 0 },
            FormKind::SavePath { .. } => Overlay::Quit,
            FormKind::AgreedBy { by_ms } => Overlay::Agreement { by_ms },
            _ => Overlay::None,
        }
    }
}

/// A private note, with who it is about (optional: an observer's note for a coachee, held until
/// the end of the meeting); or, when the stage still expects a note-type record (the next CPD
/// topic), that record, labelled and not private.
pub fn note(s: &LiveScreen) -> Form {
    let st = &s.state;
    let record = st
        .spec(st.pos)
        .and_then(|sp| sp.expects.as_ref())
        .filter(|x| x.record == RecordKind::Note && !st.has_expected_record(st.pos));
    match record {
        Some(_) => Form::one(FormKind::Record, "Record", false),
        None => Form {
            kind: FormKind::Note,
            fields: vec![
                Field { label: ABOUT, value: String::new(), secret: false },
                Field { label: "Note", value: String::new(), secret: true },
            ],
            focus: 1,
            masked: true,
        },
    }
}

/// The note form's field for who a note is about.
pub const ABOUT: &str = "About (optional: a name)";

/// The commitment form, with the owner preset to the role the stage names (e.g. the coachee
/// of the first group).
pub fn commitment(s: &LiveScreen) -> Form {
    let st = &s.state;
    // The role this stage names; otherwise the round's first role (presenter, coachee).
    let role =
        st.spec(st.pos).and_then(|sp| sp.expects.as_ref()).and_then(|x| x.owner.clone()).or_else(
            || {
                display::current_round(st)
                    .and_then(|_| st.setup.protocol.roles.first().map(|r| r.id.clone()))
            },
        );
    // With several groups, the first holder who has not committed yet in this stage.
    let owner = role
        .and_then(|role| {
            let holders = display::holders(st, &role);
            let done =
                |name: &String| st.commitments.iter().any(|c| c.pos == st.pos && c.owner == *name);
            holders.iter().find(|n| !done(n)).or(holders.first()).cloned()
        })
        .unwrap_or_default();
    Form {
        kind: FormKind::Commitment,
        fields: vec![
            Field { label: "Who", value: owner, secret: false },
            Field { label: "Will", value: String::new(), secret: true },
            Field {
                label: "By (optional: a date or \"2 weeks\")",
                value: String::new(),
                secret: false,
            },
        ],
        focus: 1,
        // Commitments, like notes, are never shown on the projected screen: F2 shows them.
        masked: true,
    }
}

/// Before the start: a fact of the selected member, the protocol's first fact, and its value now.
pub fn fact(s: &LiveScreen) -> Form {
    let st = &s.state;
    // The selected row of the roster as shown (mixed groups are not in the given order).
    let shown: Vec<&String> = st.groups.iter().flatten().collect();
    let who = shown.get(s.selected).or(shown.first()).map(|n| (*n).clone()).unwrap_or_default();
    let key = st.setup.protocol.facts.first().map(|f| f.key.clone()).unwrap_or_default();
    let value = crate::session::setup::fact(&st.setup.facts, &who, &key).unwrap_or_default();
    Form {
        kind: FormKind::Fact,
        fields: vec![
            Field { label: "Who", value: who, secret: false },
            Field { label: "Fact", value: key, secret: false },
            Field { label: "Value", value: value.to_string(), secret: false },
        ],
        focus: 2,
        masked: false,
    }
}

/// The key of the fact typed in the fact form: a declared fact by key or label (any case), or
/// the text in kebab-case.
pub fn fact_key_of(s: &LiveScreen, typed: &str) -> String {
    let key = crate::session::request::fact_key(typed);
    s.state
        .setup
        .protocol
        .facts
        .iter()
        .find(|f| f.key == key || crate::session::request::fact_key(&f.label) == key)
        .map_or(key, |f| f.key.clone())
}

/// On the fact form's Value, the next of the fact's choices (after the last: none). Returns
/// whether it did (not on another field, or for a fact without choices).
pub fn cycle_choice(s: &LiveScreen, form: &mut Form) -> bool {
    if form.kind != FormKind::Fact || form.focus != 2 {
        return false;
    }
    let key = fact_key_of(s, &form.fields[1].value);
    let Some(spec) = s.state.setup.protocol.facts.iter().find(|f| f.key == key) else {
        return false;
    };
    if spec.choices.is_empty() {
        return false;
    }
    let now = form.fields[2].value.trim().to_lowercase();
    let next = match spec.choices.iter().position(|c| c.to_lowercase() == now) {
        Some(i) => spec.choices.get(i + 1).cloned().unwrap_or_default(),
        None => spec.choices[0].clone(),
    };
    form.fields[2].value = next;
    true
}

/// The form the stage's expected record needs: a note-type record, or a commitment.
pub fn expected_record(s: &LiveScreen) -> Form {
    let kind = s.state.spec(s.state.pos).and_then(|sp| sp.expects.as_ref()).map(|x| x.record);
    if kind == Some(RecordKind::Note) { note(s) } else { commitment(s) }
}

/// An optional update when marking an earlier commitment.
pub fn follow_up(session: String, id: String, status: CommitmentStatus) -> Form {
    Form::one(FormKind::FollowUp { session, id, status }, "Update (optional)", true)
}

/// Who agreed to an extension of `by_ms`.
pub fn agreed_by(by_ms: u64) -> Form {
    Form::one(FormKind::AgreedBy { by_ms }, "Who agreed (names, separated by commas)", false)
}

/// Where to save the log, then leave as `then`; filled in with a safe default place.
pub fn save_path(s: &LiveScreen, then: Exit) -> Form {
    let session = s.log.as_ref().map_or_else(String::new, |l| l.session.clone());
    let mut form = Form::one(FormKind::SavePath { then }, "Save the log to", false);
    form.fields[0].value = super::default_save_path(&session).display().to_string();
    form
}

/// The message when the engine has taken a form's record (who agreed is said by the form's
/// submission, which knows the names).
pub fn saved_message(kind: &FormKind) -> String {
    match kind {
        FormKind::Note => "Note saved (private: not shown on screen).".into(),
        FormKind::Record => "Recorded.".into(),
        FormKind::AgreedBy { .. } => "Extended by 1 min: agreement recorded.".into(),
        FormKind::Commitment => "Commitment recorded.".into(),
        FormKind::Fact => "Fact set.".into(),
        FormKind::FollowUp { status, .. } => format!("Marked {}.", status.label()),
        FormKind::SavePath { .. } => String::new(),
    }
}

/// The form's title: what it records.
pub fn title(s: &LiveScreen, form: &Form) -> String {
    let st = &s.state;
    match form.kind {
        FormKind::Note => "Private note".into(),
        FormKind::Record => st
            .spec(st.pos)
            .and_then(|sp| sp.expects.as_ref())
            .map_or_else(|| "Record".to_string(), |x| sanitize(&x.label)),
        FormKind::Commitment => "Commitment".into(),
        FormKind::Fact => "A participant's fact (Tab on Value: the next choice)".into(),
        FormKind::FollowUp { .. } => "Follow-up".into(),
        FormKind::AgreedBy { .. } => "Who agreed?".into(),
        FormKind::SavePath { .. } => "Save the log".into(),
    }
}

/// A form's rows: one per field (secret ones as dots while masked; the end of a long value, as
/// it is typed), then its key line.
pub fn lines(s: &LiveScreen, form: &Form, width: u16) -> Vec<Line<'static>> {
    let t = s.opts.theme;
    let mut lines = Vec::new();
    for (i, field) in form.fields.iter().enumerate() {
        let label = format!("{}: ", field.label);
        let shown = if form.masked && field.secret {
            "•".repeat(text::graphemes(&field.value))
        } else {
            sanitize(&field.value)
        };
        let focused = i == form.focus;
        let cursor = if focused { "▏" } else { "" };
        let room = usize::from(width).saturating_sub(text::width(&label) + 1);
        let style = if focused { t.title() } else { Style::new() };
        lines.push(Line::from(vec![
            Span::styled(label, t.muted()),
            Span::styled(format!("{}{cursor}", text::cut_front(&shown, room)), style),
        ]));
    }
    lines.push(Line::from(Span::styled(key_line(form), t.muted())));
    lines
}

/// The form's keys, from [`FORM`]'s footer: F2 says what it will do to the text, and only where
/// there is text to hide; "next field" only when there is another field.
pub fn key_line(form: &Form) -> String {
    let secret = form.fields.iter().any(|f| f.secret);
    let items: Vec<String> = keys::footer(FORM)
        .filter(|b| b.action != Action::NextField || form.fields.len() > 1)
        .filter(|b| b.action != Action::ToggleText || secret)
        .map(|b| {
            let word = match b.action {
                Action::ToggleText if form.masked => "show text",
                Action::ToggleText => "hide text",
                _ => b.short,
            };
            format!("{} {word}", b.shown)
        })
        .collect();
    items.join(" · ")
}
