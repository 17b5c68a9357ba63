//! The live screen's forms: a private note, the record a stage expects, a commitment, a
//! follow-up update, who agreed to an extension, and where to save the log. Their state, how
//! each one opens (with what filled in), and how a form is drawn.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::keys::{Action, FORM};
use super::{Exit, LiveScreen, Overlay};
use crate::protocol::RecordKind;
use crate::session::CommitmentStatus;
use crate::session::display;
use crate::text::sanitize;
use crate::tui::keys;
use crate::tui::widgets::popup;

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

/// A private note; or, when the stage still expects a note-type record (the next CPD topic),
/// that record, labelled and not private.
pub fn note(s: &LiveScreen) -> Form {
    let st = &s.state;
    let record = st
        .spec(st.pos)
        .and_then(|sp| sp.expects.as_ref())
        .filter(|x| x.record == RecordKind::Note && !st.has_expected_record(st.pos));
    match record {
        Some(_) => Form::one(FormKind::Record, "Record", false),
        None => Form::one(FormKind::Note, "Note", true),
    }
}

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

/// The message when the engine has taken a form's record.
pub fn saved_message(kind: &FormKind) -> String {
    match kind {
        FormKind::Note => "Note saved (private: not shown on screen).".into(),
        FormKind::Record => "Recorded.".into(),
        FormKind::AgreedBy { .. } => "Extended by 1 min: agreement recorded.".into(),
        FormKind::Commitment => "Commitment recorded.".into(),
        FormKind::FollowUp { status, .. } => format!("Marked {}.", status.label()),
        FormKind::SavePath { .. } => String::new(),
    }
}

/// Draws a form: its fields (secret ones as dots while masked), its key line, and the message
/// (a refusal) under it.
pub fn draw(f: &mut Frame, s: &LiveScreen, form: &Form, area: Rect, w: u16) {
    let t = s.opts.theme;
    let st = &s.state;
    let record_label = st
        .spec(st.pos)
        .and_then(|sp| sp.expects.as_ref())
        .map_or_else(|| "Record".to_string(), |x| sanitize(&x.label));
    let title = match form.kind {
        FormKind::Note => "Private note",
        FormKind::Record => record_label.as_str(),
        FormKind::Commitment => "Commitment",
        FormKind::FollowUp { .. } => "Follow-up",
        FormKind::AgreedBy { .. } => "Who agreed?",
        FormKind::SavePath { .. } => "Save the log",
    };
    let mut lines = Vec::new();
    for (i, field) in form.fields.iter().enumerate() {
        let shown = if form.masked && field.secret {
            "•".repeat(field.value.chars().count())
        } else {
            sanitize(&field.value)
        };
        let cursor = if i == form.focus { "▏" } else { "" };
        let style = if i == form.focus { t.title() } else { Style::new() };
        lines.push(Line::from(vec![
            Span::styled(format!("{}: ", field.label), t.muted()),
            Span::styled(format!("{shown}{cursor}"), style),
        ]));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(key_line(form.masked), t.muted())));
    if let Some(m) = &s.message {
        lines.push(Line::from(Span::styled(sanitize(m), t.silent())));
    }
    popup(f, area, title, lines, w.min(90));
}

/// The form's keys, from [`FORM`]'s footer: F2 says what it will do to the text.
pub fn key_line(masked: bool) -> String {
    let items: Vec<String> = keys::footer(FORM)
        .map(|b| {
            let word = match b.action {
                Action::ToggleText if masked => "show text",
                Action::ToggleText => "hide text",
                _ => b.short,
            };
            format!("{} {word}", b.shown)
        })
        .collect();
    items.join(" · ")
}
