//! Snapshots of every screen, drawn into a `TestBackend` with a fake clock, at a projector's
//! usual 80x24, at 120x35 and at a large 200x50, with small rosters and a room of twelve in four
//! triads whose names are long or written in CJK. Most use the `mono` theme so that the text
//! alone is compared; one checks the default theme still says every state in words.
//!
//! Then what the room must always see, measured on the drawn screen: the countdown's digits
//! (read back from the block characters) are as tall as each size allows, and every cue stays
//! on screen, also while a form or a question is open.

use crate::support;

use std::path::Path;

use convene::config::ThemeName;
use convene::protocol::{Library, LoadError, Origin};
use convene::session::CarriedCommitment;
use convene::tui::home::{self, Home, Step};
use convene::tui::live::{Exit, Field, Form, FormKind, Overlay};
use convene::tui::theme::Theme;
use convene::tui::widgets::read_clock;
use crossterm::event::KeyCode;
use support::{Rig, builtin, default_opts, mono_opts, render_terminal, setup};

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 35), (200, 50)];

/// Snapshots the live screen at every size.
fn all(name: &str, rig: &Rig) {
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), rig.render(w, h));
    }
}

fn started(id: &str, people: &[&str]) -> Rig {
    let mut rig = Rig::builtin(id, people);
    rig.press(' ');
    rig
}

/// [`started`] on the format 1 copy of a built-in ([`support::v1`]), for the screens of what
/// format 2 says differently: the triad's observer warning (now a cue), its one expected
/// commitment, action learning's per-stage group agreement.
fn started_v1(id: &str, people: &[&str]) -> Rig {
    let mut rig = Rig::v1(id, people);
    rig.press(' ');
    rig
}

const TUNING: &[&str] = &["Priya", "Ann", "Ben", "Cat"];
const TRIAD: &[&str] = &["Ann", "Ben", "Cat"];
/// Twelve people, four triads: long names, names in CJK, an emoji.
const ROOM: &[&str] = &[
    "李小龙",
    "Maximiliana Featherstonehaugh-Wolfeschlegelsteinhausen",
    "Ann Lee",
    "Zoë Ng",
    "Bartholomew Okonkwo-Abernathy",
    "山田 花子",
    "Dev Patel",
    "Evangeline Montgomery-Smythe",
    "Fay 👩‍🏫 Khan",
    "Gus O'Neill",
    "Hal Jordan",
    "Guadalupe Fernández-Villanueva",
];
/// Seven people with long names: two triads, one of four (two observers).
const SEVEN: &[&str] = &[
    "Alexandra Konstantinopoulou",
    "Bartholomew Okonkwo-Abernathy",
    "Catherine Wellington-Hughes",
    "Devendra Ramaswamy",
    "Evangeline Montgomery-Smythe",
    "Frederick Oyelaran-Adeyemi",
    "Guadalupe Fernández-Villanueva",
];

/// The room's four triads (format 1) in the coaching conversation, a minute in.
fn room_conversation() -> Rig {
    let mut rig = started_v1("coaching-triad", ROOM);
    rig.press('n');
    assert_eq!(rig.stage_id(), "conversation");
    rig.wait(60_000);
    rig
}

#[test]
fn start_card_project_tuning() {
    let rig = Rig::builtin("project-tuning", TUNING);
    let text = rig.render(80, 24);
    assert!(text.contains("READY"), "{text}");
    assert!(text.contains("Project tuning"), "{text}");
    all("start_card_project_tuning", &rig);
}

#[test]
fn start_card_action_learning_shows_the_presenting_order() {
    let mut s = setup(builtin("action-learning"), &["Ann", "Ben", "Cat", "Dev"]);
    s.group_name = Some("AP set".into());
    s.facilitator = Some("Fiona".into());
    s.facts = four_schools();
    let mut rig = Rig::new(s, mono_opts());
    // The group puts Cat first: a pressing issue.
    rig.code(KeyCode::Down);
    rig.code(KeyCode::Down);
    rig.press('f');
    assert_eq!(rig.app.state.order, ["Cat", "Ann", "Ben", "Dev"]);
    let text = rig.render(80, 24);
    assert!(text.contains("Presenting order"), "{text}");
    assert!(text.contains("AP set"), "{text}");
    all("start_card_action_learning", &rig);
}

/// One school for each of Ann, Ben, Cat and Dev, as an action learning set expects.
fn four_schools() -> convene::session::setup::Facts {
    [("Ann", "Oak Primary"), ("Ben", "Elm"), ("Cat", "Ash"), ("Dev", "Birch")]
        .into_iter()
        .map(|(name, school)| {
            (name.to_string(), [("school".to_string(), school.to_string())].into())
        })
        .collect()
}

/// Our own norms (format 2's `added_norms`) are shown after the source's, marked in words as not
/// the source's, on the start card and in the norms overlay.
#[test]
fn added_norms_are_shown_marked_as_not_the_sources() {
    let mut s = setup(builtin("action-learning"), &["Ann", "Ben", "Cat", "Dev"]);
    s.facts = four_schools();
    let mut rig = Rig::new(s, mono_opts());
    let marked = "What is said here stays here (added: not in the source)";
    let text = rig.render(200, 50);
    assert!(text.contains(&format!("• {marked}")), "{text}");
    assert!(text.contains("• Psychological safety "), "the source's norm, as it is:\n{text}");
    rig.press(' ');
    rig.press('o');
    let text = rig.render(120, 35);
    assert!(text.contains(&format!("• {marked}")), "{text}");
}

/// The roster's columns line up however wide the names are on screen (CJK takes two columns).
#[test]
fn start_card_lines_up_cjk_and_long_names() {
    let rig = Rig::builtin("coaching-triad", ROOM);
    let text = rig.render(200, 50);
    // Each member's row: the three rounds' roles start in the same columns.
    let columns: Vec<Vec<usize>> = text
        .lines()
        .filter(|l| ["李小龙", "Ann Lee", "Zoë Ng", "山田"].iter().any(|n| l.contains(n)))
        .filter(|l| l.contains("Coachee") || l.contains("Observer"))
        .map(|l| {
            let l = l.trim_matches('"');
            ["Coachee", "Coach ", "Observer"]
                .iter()
                .filter_map(|role| l.find(role).map(|i| convene::text::width(&l[..i])))
                .collect()
        })
        .collect();
    assert!(columns.len() >= 4, "{text}");
    let starts: std::collections::BTreeSet<usize> = columns.iter().flatten().copied().collect();
    assert_eq!(starts.len(), 3, "three role columns, every row aligned: {columns:?}\n{text}");
    all("start_card_room", &rig);
}

#[test]
fn running() {
    let mut rig = started("project-tuning", TUNING);
    rig.wait(15_000);
    let text = rig.render(80, 24);
    for word in ["RUNNING", "Presenter", "ends 08:54", "Speaks:", "Silent:"] {
        assert!(text.contains(word), "{word} missing:\n{text}");
    }
    all("running", &rig);
}

#[test]
fn paused() {
    let mut rig = started("project-tuning", TUNING);
    rig.wait(15_000);
    rig.press(' ');
    rig.wait(5_000);
    let text = rig.render(80, 24);
    assert!(text.contains("PAUSED · press space to resume"), "{text}");
    all("paused", &rig);
}

#[test]
fn wrap_up_names_the_observer() {
    let mut rig = started_v1("coaching-triad", TRIAD);
    rig.press('n');
    assert_eq!(rig.stage_id(), "conversation");
    rig.wait(12 * 60_000 + 10_000);
    let text = rig.render(80, 24);
    assert!(text.contains("WRAP UP"), "{text}");
    assert!(text.contains("Observer (Cat), remind the coach to wrap up"), "{text}");
    assert!(text.contains("Silent: Observer (Cat): take notes on the coach"), "{text}");
    all("wrap_up", &rig);
}

/// A warning whose message has a colon of its own is not given a second one.
#[test]
fn a_warning_reads_with_one_colon() {
    let mut rig = started_v1("coaching-triad", TRIAD);
    for _ in 0..3 {
        rig.press('n');
    }
    rig.press('l'); // leave the commitment stage without one
    assert_eq!(rig.stage_id(), "observer-feedback");
    rig.wait(4 * 60_000 + 10_000);
    let text = rig.render(120, 35);
    assert!(text.contains("WRAP UP · Observer (Cat), one minute: close with a positive"), "{text}");
}

#[test]
fn time_up_at_zero() {
    let mut rig = started("project-tuning", TUNING);
    rig.wait(240_000);
    let text = rig.render(80, 24);
    assert!(text.contains(" TIME "), "{text}");
    assert!(text.contains("TIME · move on, or extend"), "{text}");
    all("time_up", &rig);
}

/// The TIME message follows the stage's extension rule: an action learning slot runs longer
/// only with the group's agreement.
#[test]
fn time_up_says_how_the_stage_may_be_extended() {
    let mut rig = action_learning_slot();
    rig.wait(5 * 60_000);
    let text = rig.render(120, 35);
    assert!(text.contains("TIME · move on, or extend if the group agrees"), "{text}");
    all("time_up_group_agreement", &rig);
}

/// With auto-advance, a stage that waits for its record says what it waits for.
#[test]
fn auto_advance_says_what_it_waits_for() {
    let mut s = setup(support::v1("coaching-triad"), TRIAD);
    s.auto_advance = true;
    let mut rig = Rig::new(s, mono_opts());
    rig.press(' ');
    rig.wait(5 * 60_000 + 1_000);
    rig.wait(15 * 60_000 + 1_000);
    assert_eq!(rig.stage_id(), "commitment", "moved on by itself until the commitment");
    rig.wait(3 * 60_000 + 5_000);
    assert_eq!(rig.stage_id(), "commitment", "waits for the record");
    let text = rig.render(120, 35);
    assert!(
        text.contains("waiting for the coachee's commitment, with a time frame: press a"),
        "{text}"
    );
    all("auto_advance_waiting", &rig);
}

/// An opening stage of a protocol whose roles never change names who holds each.
#[test]
fn opening_stages_name_the_role_holders() {
    let rig = started("three-ss", &["Lee", "Pat"]);
    assert_eq!(rig.stage_id(), "check-in");
    let text = rig.render(120, 35);
    assert!(text.contains("Speaks: Executive leader (Lee): asks how the principal is"), "{text}");
    assert!(text.contains("Speaks: Principal (Pat): answers"), "{text}");
    all("opening_names", &rig);
}

#[test]
fn overrun() {
    let mut rig = started("project-tuning", TUNING);
    rig.wait(240_000 + 80_000);
    let text = rig.render(80, 24);
    assert!(text.contains("+1:20 OVER"), "{text}");
    assert_eq!(read_clock(&text).map(|c| c.text), Some("+1:20".into()), "{text}");
    all("overrun", &rig);
}

#[test]
fn four_triads_at_once() {
    let mut rig = room_conversation();
    assert_eq!(rig.app.state.groups.len(), 4);
    let text = rig.render(120, 35);
    for g in 1..=4 {
        assert!(text.contains(&format!("Group {g}:")), "group {g} missing:\n{text}");
    }
    all("four_triads", &rig);
    // Three minutes before the end, every observer is named (as many as fit).
    rig.wait(11 * 60_000);
    let text = rig.render(80, 24);
    assert!(text.contains("WRAP UP"), "{text}");
    assert!(text.contains("remind the coach to wrap up · 3:00 left"), "{text}");
    all("four_triads_wrap_up", &rig);
}

/// Seven people with long names at 80x24: the observers' cue stays, names shortened, and no
/// group line is cut in the middle of a name.
#[test]
fn seven_long_names() {
    let mut rig = started("coaching-triad", SEVEN);
    rig.press('n');
    rig.wait(30_000);
    let text = rig.render(80, 24);
    assert!(text.contains("Silent: Observers ("), "{text}");
    for (w, h) in SIZES {
        let text = rig.render(w, h);
        for line in text.lines().filter(|l| l.contains("Group ")) {
            let line = line.trim_matches('"').trim_end();
            assert!(!line.ends_with('…'), "a group line cut at {w}x{h}:\n{text}");
        }
    }
    all("seven_long_names", &rig);
}

#[test]
fn help_overlay() {
    let mut rig = started("project-tuning", TUNING);
    rig.wait(15_000);
    rig.press('?');
    let text = rig.render(80, 24);
    assert!(text.contains("Keys"), "{text}");
    assert_eq!(text.contains("Ctrl-Z suspends"), cfg!(unix), "{text}");
    // Windows has no Ctrl-Z line (no job control), so the snapshots are Unix's.
    if cfg!(unix) {
        all("help", &rig);
    }
}

#[test]
fn norms_and_roster_say_how_to_close_them() {
    let mut rig = room_conversation();
    rig.press('o');
    let text = rig.render(120, 35);
    assert!(text.contains("Any key closes this."), "{text}");
    all("norms", &rig);
    rig.press('x');
    rig.press('r');
    let text = rig.render(120, 35);
    assert!(text.contains("Any key closes this."), "{text}");
    all("roster", &rig);
}

/// A popup clears the rows it stands on from edge to edge: no fragments of the screen are left
/// beside it (such as `S└────┘k`).
#[test]
fn popups_leave_no_fragments_beside_them() {
    let mut rig = room_conversation();
    for key in ['?', 'o', 'r'] {
        rig.press(key);
        for (w, h) in [(40, 12), (44, 14), (50, 16), (64, 20), (80, 24), (120, 35)] {
            let text = rig.render(w, h);
            for row in text.lines().filter_map(|l| l.split('"').nth(1)) {
                let row = row.trim();
                if row.contains(['┌', '│', '└']) {
                    let boxed = row.starts_with(['┌', '│', '└']) && row.ends_with(['┐', '│', '┘']);
                    assert!(boxed, "{key} at {w}x{h}: a fragment beside the popup: {row}\n{text}");
                }
            }
        }
        rig.press('x');
        assert_eq!(rig.app.overlay, Overlay::None);
    }
}

#[test]
fn quit_dialog() {
    let mut rig = started("project-tuning", TUNING);
    rig.wait(15_000);
    rig.press('q');
    let text = rig.render(80, 24);
    assert!(text.contains("end the session"), "{text}");
    all("quit", &rig);
}

#[test]
fn note_being_typed_is_masked() {
    let mut rig = started("project-tuning", TUNING);
    rig.wait(15_000);
    rig.press('e');
    rig.type_text("Priya seems anxious");
    let text = rig.render(80, 24);
    assert!(text.contains("Private note"), "{text}");
    assert!(!text.contains("anxious"), "{text}");
    assert!(text.contains("About (optional: a name)"), "{text}");
    all("note_typing", &rig);
}

/// A form with one field does not offer to go to the next.
#[test]
fn a_one_field_form_offers_no_next_field() {
    let mut rig = started("coaching-triad", TRIAD);
    rig.press('e');
    let text = rig.render(120, 35);
    assert!(text.contains("Tab next field"), "the note has two fields:\n{text}");
    rig.code(KeyCode::Esc);
    rig.app.overlay = save_form();
    let text = rig.render(120, 35);
    assert!(text.contains("Save the log"), "{text}");
    assert!(!text.contains("Tab next field"), "{text}");
}

#[test]
fn commitment_form() {
    let mut rig = room_conversation();
    rig.press('n');
    assert_eq!(rig.stage_id(), "commitment");
    rig.press('a');
    rig.type_text("Observe a lesson");
    let text = rig.render(120, 35);
    assert!(text.contains("Who: 李小龙"), "{text}");
    assert!(!text.contains("Observe a lesson"), "{text}");
    all("commitment_form", &rig);
    // Leaving the stage without every triad's commitment asks first.
    rig.code(KeyCode::Esc);
    rig.press('n');
    let text = rig.render(120, 35);
    assert!(text.contains("Not recorded yet"), "{text}");
    all("confirm_leave_room", &rig);
}

/// An action learning set (format 1) in its first presenter's slot (extended only with the
/// group's agreement).
fn action_learning_slot() -> Rig {
    let mut rig = started_v1("action-learning", &["Ann", "Ben", "Cat", "Dev"]);
    for _ in 0..4 {
        rig.press('n');
    }
    rig.press('l'); // leave the topic stage without its note
    rig.press('n');
    assert_eq!(rig.stage_id(), "problem");
    rig
}

#[test]
fn agreement_question() {
    let mut rig = action_learning_slot();
    rig.press('+');
    let text = rig.render(80, 24);
    assert!(text.contains("Has the group agreed?"), "{text}");
    assert!(text.contains("Esc  cancel"), "the last choice is cut off:\n{text}");
    all("agreement", &rig);
    rig.press('w');
    rig.type_text("Ann, ben");
    all("who_agreed_form", &rig);
    rig.code(KeyCode::Enter);
    let text = rig.render(80, 24);
    assert!(text.contains("Extended by 1 min: Ann and Ben agreed (recorded)."), "{text}");
}

/// A name nobody in the session has is questioned, not silently recorded.
#[test]
fn a_name_not_in_the_session_is_questioned() {
    let mut rig = action_learning_slot();
    rig.press('+');
    rig.press('w');
    rig.type_text("Ann, Zed");
    rig.code(KeyCode::Enter);
    let text = rig.render(80, 24);
    assert!(text.contains("Zed is not in this session: record anyway?"), "{text}");
    assert!(rig.events("extended").is_empty(), "nothing recorded yet");
    all("not_in_session", &rig);
    // Esc goes back to the form, with what was typed.
    rig.code(KeyCode::Esc);
    assert!(matches!(&rig.app.overlay, Overlay::Form(f) if f.fields[0].value == "Ann, Zed"));
    rig.code(KeyCode::Enter);
    rig.press('y');
    let ext = rig.events("extended");
    assert_eq!(ext.len(), 1);
    assert_eq!(ext[0]["agreement"]["names"], serde_json::json!(["Ann", "Zed"]), "{ext:?}");
    let text = rig.render(80, 24);
    assert!(text.contains("Ann and Zed agreed (recorded)"), "{text}");
}

#[test]
fn confirm_leave() {
    let mut rig = started_v1("coaching-triad", TRIAD);
    rig.press('n');
    rig.press('n');
    assert_eq!(rig.stage_id(), "commitment");
    rig.press('n');
    let text = rig.render(80, 24);
    assert!(text.contains("Esc  stay in this stage"), "{text}");
    all("confirm_leave", &rig);
}

/// The room with a group name and earlier commitments to follow up.
fn room_with_carried() -> Rig {
    let mut s = setup(builtin("coaching-triad"), ROOM);
    s.group_name = Some("Year 9 team".into());
    s.carried = (1..=3)
        .map(|i| CarriedCommitment {
            session: "20261116-090000-000".into(),
            id: format!("c{i}"),
            owner: ROOM[i].into(),
            text: "Observe a lesson in another department".into(),
            due: Some(if i == 1 { "by Friday".into() } else { "2 weeks".into() }),
            made: None,
        })
        .collect();
    let mut rig = Rig::new(s, mono_opts());
    rig.press(' ');
    rig.press('n');
    rig.wait(60_000);
    rig
}

#[test]
fn follow_up_list() {
    let mut rig = room_with_carried();
    rig.press('f');
    let text = rig.render(120, 35);
    assert!(text.contains("(by Friday)") && !text.contains("by by"), "{text}");
    assert!(text.contains("(by 2 weeks)"), "{text}");
    assert!(!text.contains("Observe a lesson"), "texts hidden:\n{text}");
    all("follow_up", &rig);
}

/// The save form, as the quit question offers it when the log cannot be written.
fn save_form() -> Overlay {
    Overlay::Form(Form {
        kind: FormKind::SavePath { then: Exit::Left },
        fields: vec![Field {
            label: "Save the log to",
            value: "/home/ann/convene-20261123-083000-000.jsonl".into(),
            secret: false,
        }],
        focus: 0,
        masked: false,
    })
}

#[test]
fn save_elsewhere_form() {
    let mut rig = room_conversation();
    rig.app.overlay = save_form();
    all("save_form", &rig);
}

#[test]
fn the_ended_screen_says_over_the_plan_and_over_the_time_agreed() {
    let mut rig = started("project-tuning", TUNING);
    // Shortened by a minute, then run four seconds past what was left: over the time agreed,
    // not over the plan.
    rig.press('-');
    rig.wait(3 * 60_000 + 4_000);
    assert!(rig.render(80, 24).contains("+0:04 OVER"));
    rig.press('q');
    rig.press('e');
    let text = rig.render(80, 24);
    assert!(text.contains("0 over the plan · 1 over the time agreed"), "{text}");
    all("ended", &rig);
    let f = convene::tui::farewell::farewell(&rig.app);
    assert!(f.out[0].contains("(0 over the plan, 1 over the time agreed)"), "{:?}", f.out);
}

#[test]
fn mirror() {
    let mut rig = room_conversation();
    rig.app.opts.mirror = true;
    let text = rig.render(80, 24);
    // What the room sees: no key line, no counts (issue 21).
    assert!(!text.contains("read-only") && !text.contains("0 notes"), "{text}");
    all("mirror", &rig);
}

/// The library with a broken user protocol, loaded from a temporary folder. The folder is then
/// shown under a fixed name so that the snapshot does not depend on where the folder was made.
fn library_with_a_broken_user_protocol() -> Library {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/protocols/invalid/unknown-role.json");
    std::fs::copy(fixture, dir.path().join("peer-feedback.json")).expect("copy");
    let mut lib = Library::load(Some(dir.path()), &[]);
    let real = convene::protocol::load::display_path(dir.path());
    let shown = "~/.config/convene/protocols";
    for e in &mut lib.entries {
        // Shown with `/` on every platform (Windows would join the file name with `\`).
        if let Origin::File(p) = &e.origin {
            let rest = p.strip_prefix(dir.path()).expect("in the folder");
            e.origin = Origin::File(format!("{shown}/{}", rest.display()).into());
        }
        if let Err(LoadError::Invalid { path, .. }) = &mut e.protocol {
            *path =
                path.replace(&format!("{real}{}", std::path::MAIN_SEPARATOR), &format!("{shown}/"));
        }
        if let Err(err) = &e.protocol {
            assert!(!err.to_string().contains(&real), "{err}");
        }
    }
    lib
}

fn home_screens(name: &str, h: &Home) {
    for (w, ht) in SIZES {
        let text = render_terminal(w, ht, |f| home::render(f, h)).to_string();
        insta::assert_snapshot!(format!("{name}_{w}x{ht}"), text);
    }
}

#[test]
fn home_screen_lists_protocols_and_a_broken_one() {
    let lib = library_with_a_broken_user_protocol();
    let mut h = Home::new(&lib, Theme::resolve(ThemeName::Mono, true));
    // Twenty-three built-ins and the broken file: the whole list fits at 120x35.
    let text = render_terminal(120, 35, |f| home::render(f, &h)).to_string();
    assert!(text.contains("Project tuning"), "{text}");
    assert!(text.contains("(has errors)"), "{text}");
    home_screens("home_pick", &h);

    h.selected = h.entries.iter().position(|e| e.protocol.is_err()).expect("the broken one");
    let text = render_terminal(80, 24, |f| home::render(f, &h)).to_string();
    assert!(text.contains("cannot be used"), "{text}");
    assert!(text.contains("observr"), "{text}");
    home_screens("home_broken", &h);

    h.selected = 1;
    h.step = Step::Details;
    h.fields[0] = "Ann, Ben, Cat, Dev".into();
    h.fields[1] = "AP set".into();
    h.focus = 1;
    home_screens("home_details", &h);
}

/// The total of a protocol whose length does not depend on how many come is not given "for 12
/// people".
#[test]
fn home_screen_says_for_how_many_only_when_it_matters() {
    let lib = Library::builtin_only();
    let mut h = Home::new(&lib, Theme::resolve(ThemeName::Mono, true));
    let pick = |h: &mut Home, id: &str| {
        h.selected = h
            .entries
            .iter()
            .position(|e| e.protocol.as_ref().is_ok_and(|p| p.id == id))
            .expect("listed");
        render_terminal(120, 35, |f| home::render(f, h)).to_string()
    };
    let text = pick(&mut h, "coaching-triad");
    assert!(text.contains("Total 1:39:00") && !text.contains("for 12 people"), "{text}");
    let text = pick(&mut h, "action-learning");
    assert!(text.contains("for 5 people"), "{text}");
}

/// Below the smallest size, the live screen still says the time, the state and the stage in one
/// line; the "too small" note only when even that does not fit.
#[test]
fn too_small_shows_one_line_or_says_how_large_it_needs_to_be() {
    let mut rig = started("project-tuning", TUNING);
    rig.wait(15_000);
    let text = rig.render(30, 10);
    assert!(text.contains("03:45  RUNNING  Presenter"), "{text}");
    insta::assert_snapshot!("one_line_30x10", text);
    let text = rig.render(20, 6);
    assert!(text.contains("03:45  RUNNING  Pre…"), "{text}");
    let text = rig.render(12, 6);
    assert!(text.contains("Terminal too"), "{text}");
    assert!(text.contains("12x6"), "{text}");
    insta::assert_snapshot!("too_small_12x6", text);
    rig.wait(4 * 60_000);
    assert!(rig.render(30, 10).contains("+0:15  OVER  Presenter"));
    // Screens without a clock say it in the same words.
    let lib = Library::builtin_only();
    let h = Home::new(&lib, Theme::resolve(ThemeName::Mono, true));
    let home = render_terminal(30, 10, |f| home::render(f, &h)).to_string();
    assert!(home.contains("needs 40x12, now 30x10"), "{home}");
}

/// With colour, every state is still a word on screen.
#[test]
fn default_theme_says_every_state_in_words() {
    let mut rig = Rig::new(setup(builtin("coaching-triad"), TRIAD), default_opts());
    assert!(rig.render(80, 24).contains("READY"));
    rig.press(' ');
    rig.wait(1_000);
    assert!(rig.render(80, 24).contains("RUNNING"));
    rig.press(' ');
    assert!(rig.render(80, 24).contains("PAUSED"));
    rig.press(' ');
    // The issue stage: 5 minutes (1 s gone), warned at 1 minute left.
    rig.wait(4 * 60_000 - 1_000);
    assert!(rig.render(80, 24).contains("WRAP UP"));
    rig.wait(60_000);
    assert!(rig.render(80, 24).contains("TIME"));
    rig.wait(80_000);
    assert!(rig.render(80, 24).contains("+1:20 OVER"));
    // The colour is not the only signal, but it is there.
    let buf = rig.buffer(80, 24);
    assert!(buf.content.iter().any(|c| c.bg != ratatui::style::Color::Reset));
    rig.press('q');
    rig.press('e');
    assert!(rig.render(80, 24).contains("ENDED"));
}

/// From the smallest size convene draws in to a large one, every screen draws without panicking
/// and says its state in words.
#[test]
fn every_size_shows_the_state_word() {
    let widths = [40, 41, 50, 60, 79, 80, 99, 100, 101, 110, 120, 121, 160, 200, 240];
    let heights = [12, 13, 16, 20, 24, 29, 30, 35, 45, 50, 70];
    let mut card = Rig::builtin("action-learning", &["Ann", "Ben", "Cat", "Dev", "Eve"]);
    card.code(KeyCode::PageDown);
    let mut screens: Vec<(Rig, &str)> = vec![(card, "READY")];
    let mut triads = started_v1("coaching-triad", ROOM);
    triads.press('n');
    triads.wait(12 * 60_000 + 1_000);
    screens.push((triads, "WRAP UP"));
    let mut over = started("project-tuning", TUNING);
    over.wait(240_000 + 3_600_000);
    screens.push((over, "+1:00:00 OVER"));
    let mut paused = started("project-tuning", TUNING);
    paused.press(' ');
    paused.press('?');
    screens.push((paused, "PAUSED"));
    let mut card_help = Rig::builtin("project-tuning", TUNING);
    card_help.press('?');
    screens.push((card_help, "READY"));
    let mut form = room_conversation();
    form.press('a');
    screens.push((form, "RUNNING"));
    for (rig, word) in &screens {
        for w in widths {
            for h in heights {
                let text = rig.render(w, h);
                let first = text.lines().next().unwrap_or_default();
                let shown =
                    if *word == "READY" { text.contains(word) } else { first.contains(word) };
                assert!(shown, "{word} missing at {w}x{h}:\n{text}");
            }
        }
    }
}

// ---- what the room must always see ----

/// The cue lines on a screen: each row with "Speaks:" or "Silent:".
fn cue_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.contains("Speaks:") || l.contains("Silent:"))
        .map(|l| l.trim_matches('"').trim().to_string())
        .collect()
}

/// The countdown's digits are as tall as each size allows, with every cue still on screen.
#[test]
fn the_countdown_grows_with_the_screen() {
    let rig = room_conversation();
    let cues = convene::session::display::held_cues(&rig.app.state).len();
    assert_eq!(cues, 3);
    let mut measured = Vec::new();
    for (w, h, least) in [(80, 24, 7), (120, 35, 14), (200, 50, 20)] {
        let text = rig.render(w, h);
        let clock =
            read_clock(&text).unwrap_or_else(|| panic!("no big digits at {w}x{h}:\n{text}"));
        assert_eq!(clock.text, "14:00", "{text}");
        assert!(
            clock.rows >= least,
            "{w}x{h}: digits {} rows tall, want {least}:\n{text}",
            clock.rows
        );
        assert_eq!(cue_lines(&text).len(), cues, "a cue is missing at {w}x{h}:\n{text}");
        measured.push((w, h, clock.rows));
    }
    // Smaller sizes step down: half-height digits, then one line.
    let text = rig.render(60, 16);
    let clock = read_clock(&text).unwrap_or_else(|| panic!("no big digits at 60x16:\n{text}"));
    assert!(clock.rows >= 4, "{text}");
    assert_eq!(cue_lines(&text).len(), cues, "{text}");
    let text = rig.render(40, 12);
    assert_eq!(cue_lines(&text).len(), cues, "{text}");
    assert!(text.contains("14:00"), "{text}");
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("digit heights (cols x rows: digit rows): {measured:?}\n").as_bytes(),
    );
}

/// The places a form or a question opens in, on the room's four triads.
fn forms() -> Vec<(&'static str, Rig)> {
    let open = |keys: &str| {
        let mut rig = room_conversation();
        for c in keys.chars() {
            rig.press(c);
        }
        rig
    };
    let mut leave = room_conversation();
    leave.press('n');
    leave.press('n');
    let mut save = room_conversation();
    save.app.overlay = save_form();
    let mut unknown = room_conversation();
    unknown.press('e');
    unknown.code(KeyCode::Up);
    unknown.type_text("Zed");
    unknown.code(KeyCode::Enter);
    unknown.code(KeyCode::Enter);
    assert!(matches!(unknown.app.overlay, Overlay::NotInSession { .. }));
    let mut follow_up = room_with_carried();
    follow_up.press('f');
    let mut agreement = open("");
    agreement.app.overlay = Overlay::Agreement { by_ms: 60_000 };
    let mut who = open("");
    who.app.overlay = Overlay::Agreement { by_ms: 60_000 };
    who.press('w');
    vec![
        ("note", open("e")),
        ("commitment", open("a")),
        ("quit", open("q")),
        ("leave", leave),
        ("save elsewhere", save),
        ("not in this session", unknown),
        ("follow-up", follow_up),
        ("agreement", agreement),
        ("who agreed", who),
    ]
}

/// Typing never hides the room's view: with any form or question open, the countdown's digits
/// and every cue are still on screen, as they are without it.
#[test]
fn forms_and_questions_leave_the_countdown_and_every_cue_in_view() {
    for (w, h, least) in [(120, 35, 7), (80, 24, 4)] {
        for (name, mut rig) in forms() {
            let open = std::mem::replace(&mut rig.app.overlay, Overlay::None);
            let plain = rig.render(w, h);
            rig.app.overlay = open;
            let text = rig.render(w, h);
            let clock = read_clock(&text)
                .unwrap_or_else(|| panic!("{name} at {w}x{h}: no big digits:\n{text}"));
            assert_eq!(Some(&clock.text), read_clock(&plain).map(|c| c.text).as_ref(), "{name}");
            assert!(clock.rows >= least, "{name} at {w}x{h}: {} rows:\n{text}", clock.rows);
            let cues = cue_lines(&plain);
            assert!(cues.len() >= 2, "{name}: {cues:?}");
            assert_eq!(cue_lines(&text), cues, "{name} at {w}x{h} hides a cue:\n{text}");
        }
    }
}

/// The start card lists the markers on the session's elapsed time, at their times, a warning
/// in words: the room knows before the start when "typical minimum reached" will show.
#[test]
fn the_start_card_lists_the_session_markers() {
    let rig = Rig::builtin("three-ss", &["Lee", "Pat"]);
    for (w, h) in [(120, 35), (200, 50)] {
        let text = rig.render(w, h);
        assert!(text.contains("Markers on the session's time"), "{w}x{h}:\n{text}");
        assert!(text.contains("1:30:00   typical minimum reached"), "{w}x{h}:\n{text}");
        assert!(
            text.contains("2:00:00   warning: upper end of the typical 1.5–2 h"),
            "{w}x{h}:\n{text}"
        );
    }
}

/// The home screen and the start card say "suggested" or "added" beside what is ours, and that
/// a running order is ours when the sources give none (issue 22).
#[test]
fn the_home_screen_and_the_start_card_mark_what_is_ours() {
    let lib = Library::builtin_only();
    let mut h = Home::new(&lib, Theme::resolve(ThemeName::Mono, true));
    h.selected = h
        .entries
        .iter()
        .position(|e| e.protocol.as_ref().is_ok_and(|p| p.id == "headteacher-learning-forum"))
        .expect("listed");
    let text = render_terminal(200, 50, |f| home::render(f, &h)).to_string();
    assert!(text.contains("Next forum (added)"), "{text}");
    assert!(text.contains("Welcome (suggested)"), "{text}");
    assert!(text.contains("suggested: the sources give no running order"), "{text}");

    let rig =
        Rig::new(setup(builtin("headteacher-learning-forum"), &["Ann", "Ben", "Cat"]), mono_opts());
    let screen = rig.render(200, 50);
    assert!(screen.contains("Next forum (added)"), "{screen}");
    assert!(screen.contains("suggested: the sources give no running order"), "{screen}");
    let rig = Rig::new(setup(builtin("action-learning"), &["Ann", "Ben", "Cat"]), mono_opts());
    let screen = rig.render(200, 50);
    assert!(screen.contains("What is said here stays here (added: not in the source)"), "{screen}");
    // The sources do not say whether the follow-up comes before or after the check-in.
    assert!(screen.contains("Last session's issues (suggested)"), "{screen}");
    assert!(!screen.contains("Check-in (suggested)"), "{screen}");
}

/// Where the screen has rows to spare, the stage's name is drawn in large type above the
/// countdown (as Stagetimer and Ontime show a title); the countdown keeps what the back row
/// needs and every cue stays. At 80x24 it is the plain line.
#[test]
fn the_stage_name_is_large_where_the_screen_has_room() {
    let rig = room_conversation();
    let quadrant = |text: &str| text.chars().any(|c| ('\u{2596}'..='\u{259F}').contains(&c));
    for (w, h, large) in [(80, 24, false), (120, 35, true), (200, 50, true)] {
        let text = rig.render(w, h);
        assert_eq!(quadrant(&text), large, "{w}x{h}:\n{text}");
        assert!(text.contains("Coaching conversation"), "the plain line stays: {w}x{h}:\n{text}");
        let clock =
            read_clock(&text).unwrap_or_else(|| panic!("no big digits at {w}x{h}:\n{text}"));
        assert_eq!(clock.text, "14:00", "{text}");
        if large {
            assert!(clock.rows >= 14, "{w}x{h}: digits {} rows:\n{text}", clock.rows);
        }
        assert_eq!(cue_lines(&text).len(), 3, "a cue is missing at {w}x{h}:\n{text}");
    }
}
