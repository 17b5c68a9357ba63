//! The live screen's forms: a private note, the record a stage expects, a commitment, a
//! follow-up update, who agreed to an extension, and where to save the log. Their state, how
//! each one opens (with what filled in), and its rows in the panel at the bottom of the screen.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::keys::{Action, FORM};
use super::{Exit, LiveScreen, Overlay};
use crate::protocol::{Expectation, Protocol, RecordField, RecordKind};
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
    /// Before the start: the planned start and the hard stop (`HH:MM`, blank: none).
    Times,
    /// Where to save the log when the usual place failed.
    SavePath {
        then: Exit,
    },
    /// A message to the room: public by design, so never masked.
    RoomMessage,
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
    pub(crate) fn back_to(&self) -> Overlay {
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
/// topic), that record, labelled and not private. When the stage expects several records, the
/// record form has a "For" field (←/→ choose which), set to the first one missing.
pub(crate) fn note(s: &LiveScreen) -> Form {
    let st = &s.state;
    let missing = st.missing_records(st.pos).into_iter().any(|r| r.kind == RecordKind::Note);
    if !missing {
        return Form {
            kind: FormKind::Note,
            fields: vec![
                Field { label: ABOUT, value: String::new(), secret: false },
                Field { label: "Note", value: String::new(), secret: true },
            ],
            focus: 1,
            masked: true,
        };
    }
    let mut fields = Vec::new();
    let choice = first_choice(s, RecordKind::Note);
    if let Some(label) = &choice {
        fields.push(Field { label: FOR, value: label.clone(), secret: false });
    }
    // A note counts for a person, or for a required subject, by its "About".
    let any_about = expectations(s).iter().any(|x| {
        x.record == RecordKind::Note && (x.requires(RecordField::About) || x.per.is_some())
    });
    if any_about {
        fields.push(Field { label: ABOUT, value: String::new(), secret: false });
    }
    // A record is about a colleague's school, like a note: dots on the projector, F2 shows it.
    fields.push(Field { label: RECORD, value: String::new(), secret: true });
    let mut form = Form { kind: FormKind::Record, focus: fields.len() - 1, fields, masked: true };
    mark_required(s, &mut form);
    let first = first_without(s, &form);
    if let (Some(name), Some(about)) =
        (first, form.fields.iter_mut().find(|f| f.label == ABOUT || f.label == ABOUT_REQUIRED))
    {
        about.value = name;
    }
    form
}

/// For a record each participant makes, the first participant without one yet.
fn first_without(s: &LiveScreen, form: &Form) -> Option<String> {
    let x = chosen(s, form)?;
    let st = &s.state;
    st.record_progress(st.pos)
        .into_iter()
        .find(|r| r.per_person && r.id == x.id && r.label == x.label)?
        .missing
        .first()
        .cloned()
}

/// The note form's field for who a note is about.
pub(crate) const ABOUT: &str = "About (optional: a name)";
/// The same field when the record requires it.
pub(crate) const ABOUT_REQUIRED: &str = "About (required: a name)";
/// The field for which expected record a note or commitment is for (several in a stage).
pub(crate) const FOR: &str = "For (←/→ choose)";
/// The text of a note-type record.
pub(crate) const RECORD: &str = "Record";
/// The commitment form's time frame.
pub(crate) const BY: &str = "By (optional: a date or \"2 weeks\")";
/// The same field when the record requires it.
pub(crate) const BY_REQUIRED: &str = "By (required: a date or \"2 weeks\")";

/// The records the current stage expects.
fn expectations(s: &LiveScreen) -> Vec<&Expectation> {
    let st = &s.state;
    st.spec(st.pos).map(|sp| Protocol::expected_records(sp).collect()).unwrap_or_default()
}

/// The labels a "For" field offers for a form of this kind: the stage's expected records of the
/// kind, when it expects several records in all (and each has its id); none otherwise.
pub(crate) fn choices(s: &LiveScreen, kind: RecordKind) -> Vec<(String, String)> {
    let all = expectations(s);
    if all.len() < 2 {
        return Vec::new();
    }
    all.iter()
        .filter(|x| x.record == kind)
        .filter_map(|x| x.id.clone().map(|id| (id, x.label.clone())))
        .collect()
}

/// The label of the first record of this kind still missing, else the first of the kind, for a
/// new form's "For" field; `None` when the form has no such field.
fn first_choice(s: &LiveScreen, kind: RecordKind) -> Option<String> {
    let choices = choices(s, kind);
    let st = &s.state;
    let missing = st.missing_records(st.pos);
    choices
        .iter()
        .find(|(id, _)| missing.iter().any(|r| r.id.as_deref() == Some(id.as_str())))
        .or(choices.first())
        .map(|(_, label)| label.clone())
}

/// The expected record a form is for: the one its "For" field names, or the stage's only one of
/// the form's kind.
pub(crate) fn chosen<'a>(s: &'a LiveScreen, form: &Form) -> Option<&'a Expectation> {
    let kind = match form.kind {
        FormKind::Record | FormKind::Note => RecordKind::Note,
        FormKind::Commitment => RecordKind::Commitment,
        _ => return None,
    };
    let all = expectations(s);
    match form.fields.iter().find(|f| f.label == FOR) {
        Some(f) => {
            all.into_iter().find(|x| x.record == kind && x.id.is_some() && x.label == f.value)
        }
        None if form.kind == FormKind::Note => None,
        None => match all.as_slice() {
            [x] if x.record == kind => Some(*x),
            _ => None,
        },
    }
}

/// Before the start: a fact of the selected member, the protocol's first fact, and its value now.
pub(crate) fn fact(s: &LiveScreen) -> Form {
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

/// The planned start and the hard stop, as they are now.
pub(crate) fn times(s: &LiveScreen) -> Form {
    let setup = &s.state.setup;
    let hhmm = |t: Option<chrono::DateTime<chrono::FixedOffset>>| {
        t.map(|t| t.format("%H:%M").to_string()).unwrap_or_default()
    };
    Form {
        kind: FormKind::Times,
        fields: vec![
            Field { label: START_FIELD, value: hhmm(setup.planned_start), secret: false },
            Field { label: STOP_FIELD, value: hhmm(setup.hard_stop), secret: false },
        ],
        focus: 0,
        masked: false,
    }
}

/// The times form's fields.
pub(crate) const START_FIELD: &str = "Planned start (HH:MM, blank: none)";
pub(crate) const STOP_FIELD: &str = "Hard stop (HH:MM, blank: none)";

/// The key of the fact typed in the fact form: a declared fact by key or label (any case), or
/// the text in kebab-case.
pub(crate) fn fact_key_of(s: &LiveScreen, typed: &str) -> String {
    let key = crate::session::request::fact_key(typed);
    s.state
        .setup
        .protocol
        .facts
        .iter()
        .find(|f| f.key == key || crate::session::request::fact_key(&f.label) == key)
        .map_or(key, |f| f.key.clone())
}

/// On the fact form's Value, the next (`forward`) or previous of the fact's choices, round to
/// none and back. Returns whether it did (not on another field, or for a fact without choices).
pub(crate) fn cycle_choice(s: &LiveScreen, form: &mut Form, forward: bool) -> bool {
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
    // The choices, then none (the fact cleared), in a ring.
    let ring: Vec<&str> =
        spec.choices.iter().map(String::as_str).chain(std::iter::once("")).collect();
    let now = form.fields[2].value.trim().to_lowercase();
    let at = ring.iter().position(|c| c.to_lowercase() == now).unwrap_or(ring.len() - 1);
    let n = ring.len();
    let next = if forward { (at + 1) % n } else { (at + n - 1) % n };
    form.fields[2].value = ring[next].to_string();
    true
}

/// The id of the record a form is for, to send with it (format 2 stages with several records).
pub(crate) fn chosen_id(s: &LiveScreen, form: &Form) -> Option<String> {
    if form.fields.iter().any(|f| f.label == FOR) { chosen(s, form)?.id.clone() } else { None }
}

/// Moves the "For" field to the next (`forward`) or previous record it offers, and marks the
/// fields that record requires. Returns whether the form has such a field in focus.
pub(crate) fn cycle(s: &LiveScreen, form: &mut Form, forward: bool) -> bool {
    let kind =
        if form.kind == FormKind::Commitment { RecordKind::Commitment } else { RecordKind::Note };
    let choices = choices(s, kind);
    let Some(field) = form.fields.get_mut(form.focus).filter(|f| f.label == FOR) else {
        return false;
    };
    if choices.is_empty() {
        return false;
    }
    let n = choices.len();
    let at = choices.iter().position(|(_, l)| *l == field.value).unwrap_or(0);
    let next = if forward { (at + 1) % n } else { (at + n - 1) % n };
    field.value.clone_from(&choices[next].1);
    mark_required(s, form);
    // A record each participant makes starts with the first person without one.
    if let Some(name) = first_without(s, form) {
        let whose = [ABOUT, ABOUT_REQUIRED, "Who"];
        if let Some(f) = form.fields.iter_mut().find(|f| whose.contains(&f.label)) {
            f.value = name;
        }
    }
    true
}

/// Labels "By" and "About" "(required)" when the chosen record requires them.
fn mark_required(s: &LiveScreen, form: &mut Form) {
    let x = chosen(s, form);
    let mut require = x.map(Expectation::required_fields).unwrap_or_default();
    // A note for each participant is for the person it is about.
    if x.is_some_and(|x| x.record == RecordKind::Note && x.per.is_some()) {
        require.push(RecordField::About);
    }
    for f in &mut form.fields {
        if f.label == BY || f.label == BY_REQUIRED {
            f.label = if require.contains(&RecordField::Due) { BY_REQUIRED } else { BY };
        }
        if f.label == ABOUT || f.label == ABOUT_REQUIRED {
            f.label = if require.contains(&RecordField::About) { ABOUT_REQUIRED } else { ABOUT };
        }
    }
}

/// A field's value by its label (either wording of a field marked required).
pub(crate) fn value_of(form: &Form, labels: &[&str]) -> Option<String> {
    form.fields.iter().find(|f| labels.contains(&f.label)).map(|f| f.value.trim().to_string())
}

/// The commitment form, with the owner preset to the role the stage names (e.g. the coachee
/// of the first group), or for a record each participant makes, the first without one.
pub(crate) fn commitment(s: &LiveScreen) -> Form {
    let st = &s.state;
    let mut form = Form {
        kind: FormKind::Commitment,
        fields: Vec::new(),
        focus: 0,
        // Commitments, like notes, are never shown on the projected screen: F2 shows them.
        masked: true,
    };
    if let Some(label) = first_choice(s, RecordKind::Commitment) {
        form.fields.push(Field { label: FOR, value: label, secret: false });
    }
    let x = chosen(s, &form);
    let per_person = first_without(s, &form);
    // The role this stage names; otherwise the round's first role (presenter, coachee).
    let role = x
        .and_then(|x| x.owner.clone())
        .or_else(|| {
            st.spec(st.pos).and_then(|sp| sp.expects.as_ref()).and_then(|x| x.owner.clone())
        })
        .or_else(|| {
            display::current_round(st)
                .and_then(|_| st.setup.protocol.roles.first().map(|r| r.id.clone()))
        });
    // With several groups, the first holder who has not committed yet in this stage.
    let owner = per_person
        .or_else(|| {
            role.and_then(|role| {
                let holders = display::holders(st, &role);
                // Who has committed in this stage, gathered once (not once per holder).
                let committed: std::collections::HashSet<&str> = st
                    .commitments
                    .iter()
                    .filter(|c| c.pos == st.pos)
                    .map(|c| c.owner.as_str())
                    .collect();
                let done = |name: &String| committed.contains(name.as_str());
                holders.iter().find(|n| !done(n)).or(holders.first()).cloned()
            })
        })
        .unwrap_or_default();
    form.fields.extend([
        Field { label: "Who", value: owner, secret: false },
        Field { label: "Will", value: String::new(), secret: true },
        Field { label: BY, value: String::new(), secret: false },
    ]);
    form.focus = form.fields.len() - 2;
    mark_required(s, &mut form);
    form
}

/// The form the stage's first missing record needs: a note-type record, or a commitment.
pub(crate) fn expected_record(s: &LiveScreen) -> Form {
    let st = &s.state;
    let kind = st.missing_records(st.pos).first().map(|r| r.kind);
    if kind == Some(RecordKind::Note) { note(s) } else { commitment(s) }
}

/// An optional update when marking an earlier commitment.
pub(crate) fn follow_up(session: String, id: String, status: CommitmentStatus) -> Form {
    Form::one(FormKind::FollowUp { session, id, status }, "Update (optional)", true)
}

/// Who agreed to an extension of `by_ms`.
pub(crate) fn agreed_by(by_ms: u64) -> Form {
    Form::one(FormKind::AgreedBy { by_ms }, "Who agreed (names, separated by commas)", false)
}

/// The field of the message to the room.
pub(crate) const MESSAGE: &str = "Message to the room (empty: take it away)";

/// A message to the room, with the one shown now to change or clear.
pub(crate) fn room_message(s: &LiveScreen) -> Form {
    let mut form = Form::one(FormKind::RoomMessage, MESSAGE, false);
    form.fields[0].value = s.state.room_message.clone().unwrap_or_default();
    form
}

/// Where to save the log, then leave as `then`; filled in with a safe default place.
pub(crate) fn save_path(s: &LiveScreen, then: Exit) -> Form {
    let session = s.log.as_ref().map_or_else(String::new, |l| l.session.clone());
    let mut form = Form::one(FormKind::SavePath { then }, "Save the log to", false);
    form.fields[0].value = super::default_save_path(&session).display().to_string();
    form
}

/// The message when the engine has taken a form's record (who agreed is said by the form's
/// submission, which knows the names).
pub(crate) fn saved_message(kind: &FormKind) -> String {
    match kind {
        FormKind::Note => "Note saved (private: not shown on screen).".into(),
        FormKind::Record => "Recorded.".into(),
        FormKind::AgreedBy { .. } => "Extended by 1 min: agreement recorded.".into(),
        FormKind::Commitment => "Commitment recorded.".into(),
        FormKind::Fact => "Fact set.".into(),
        FormKind::Times => "Times set.".into(),
        FormKind::FollowUp { status, .. } => format!("Marked {}.", status.label()),
        FormKind::SavePath { .. } => String::new(),
        FormKind::RoomMessage => "Shown to the room (m changes it; empty takes it away).".into(),
    }
}

/// The form's title: what it records.
pub(crate) fn title(s: &LiveScreen, form: &Form) -> String {
    match form.kind {
        FormKind::Note => "Private note".into(),
        FormKind::Record if form.fields.iter().any(|f| f.label == FOR) => "Record".into(),
        FormKind::Record => {
            chosen(s, form).map_or_else(|| "Record".to_string(), |x| sanitize(&x.label))
        }
        FormKind::Commitment => "Commitment".into(),
        FormKind::Fact => "A participant's fact (←/→ on Value: its choices)".into(),
        FormKind::Times => "Planned start and hard stop (today)".into(),
        FormKind::FollowUp { .. } => "Follow-up".into(),
        FormKind::AgreedBy { .. } => "Who agreed?".into(),
        FormKind::SavePath { .. } => "Save the log".into(),
        FormKind::RoomMessage => format!(
            "Message to the room (at most {} characters, seen by everyone)",
            crate::session::ROOM_MESSAGE_MAX
        ),
    }
}

/// A form's rows: one per field (secret ones as dots while masked; the end of a long value, as
/// it is typed), then its key line.
pub(crate) fn lines(s: &LiveScreen, form: &Form, width: u16) -> Vec<Line<'static>> {
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
pub(crate) fn key_line(form: &Form) -> String {
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
