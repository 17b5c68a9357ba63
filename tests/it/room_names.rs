//! The room, second pass (issue 21): every name in full first names on the group and role lines
//! at the projector sizes, one form of each name across the screen; every stage shows the records
//! it expects from its first second; a double press of `n` or `PgDn` (a clicker) never leaves a
//! stage without its record.

use crate::support;

use convene::protocol::Library;
use convene::session::{Command, Status, check_setup};
use convene::tui::live::Overlay;
use crossterm::event::KeyCode;
use support::{Rig, builtin, mono_opts, setup};

/// Thirteen people: long names, CJK, an emoji, and two who share a first name with the
/// facilitator (Fiona Hale).
const THIRTEEN: &[&str] = &[
    "Alexandra Oyelaran-Whitfield",
    "Bartholomew Castellanos",
    "李小龙",
    "Dörte 🚀 Pfeiffer",
    "Esmeralda Quintanilla",
    "Fiona Abernathy",
    "Gabriel Fontaine",
    "Hiroshi Watanabe",
    "Ingrid Johansson",
    "Jamal Okonkwo",
    "Katarzyna Wiśniewska",
    "Leopold Baumgartner",
    "Claire Munro",
];

const SIZES: [(u16, u16); 3] = [(120, 35), (100, 30), (80, 24)];

/// A built-in started with as many of [`THIRTEEN`] as it takes (thirteen, else five, three or
/// two), Fiona Hale facilitating.
fn started(id: &str) -> Rig {
    let s = [13, 5, 3, 2]
        .into_iter()
        .map(|n| {
            let mut s = setup(builtin(id), &THIRTEEN[..n]);
            s.facilitator = Some("Fiona Hale".into());
            s
        })
        .find(|s| check_setup(s).is_ok())
        .unwrap_or_else(|| panic!("{id}: no roster size fits"));
    let mut rig = Rig::new(s, mono_opts());
    rig.press(' ');
    assert_eq!(rig.app.state.status, Status::Running, "{id}");
    rig
}

/// The screen's rows, trimmed.
fn rows(rig: &Rig, w: u16, h: u16) -> Vec<String> {
    rig.render(w, h).lines().map(|l| l.trim().trim_matches('"').trim_end().to_string()).collect()
}

/// How the screen writes each of [`THIRTEEN`]: the first name; Fiona keeps her initial, since
/// the facilitator is a Fiona too.
fn first(name: &str) -> String {
    match name {
        "Fiona Abernathy" => "Fiona A.".into(),
        n => n.split_whitespace().next().unwrap_or(n).to_string(),
    }
}

#[test]
fn group_lines_name_everyone_by_first_name_at_the_projector_sizes() {
    for id in ["coaching-triad", "storm-rehearsal", "middle-leader-session"] {
        let mut rig = started(id);
        // Into the first round.
        while rig.app.state.stages[rig.app.state.pos].round.is_none() {
            rig.press('n');
            if rig.app.overlay == Overlay::ConfirmLeave {
                rig.press('l');
            }
        }
        for (w, h) in SIZES {
            let screen = rows(&rig, w, h);
            let groups: Vec<&String> = screen.iter().filter(|r| r.starts_with("Group ")).collect();
            assert!(!groups.is_empty(), "{id} at {w}x{h}: no group line\n{}", screen.join("\n"));
            let text = screen.join("\n");
            for name in THIRTEEN {
                assert!(
                    text.contains(&first(name)),
                    "{id} at {w}x{h}: {name} is not named as {}\n{text}",
                    first(name)
                );
            }
            // Never initials, never a full name where the first name is the form.
            for bad in ["AO", "BC", "D🚀P", "GF", "Oyelaran", "Castellanos", "Fiona Hale"] {
                assert!(!text.contains(bad), "{id} at {w}x{h}: {bad} on screen\n{text}");
            }
            assert!(text.contains("Facilitator Fiona H."), "{id} at {w}x{h}\n{text}");
        }
    }
}

#[test]
fn a_team_reads_in_first_names() {
    let mut s = setup(
        builtin("half-termly-review"),
        &["Claire Munro", "Cathy Doyle", "Frederick Nash", "Harriet Stone", "Ian Wu"],
    );
    s.facilitator = Some("Fiona Hale".into());
    let mut rig = Rig::new(s, mono_opts());
    rig.press(' ');
    let text = rows(&rig, 80, 24).join("\n");
    assert!(!text.contains("CM") && !text.contains("C, C, F"), "{text}");
    assert!(text.contains("Claire"), "{text}");
}

/// Every stage of every built-in that expects a record says so, and what is missing, from its
/// first second: action learning's problem and challenges, STORM's problem, GROW, the
/// half-termly review, lesson study, peer coaching, Plan–Do–Review, the forum, and every other.
#[test]
fn every_expected_record_is_in_view_from_the_stage_start() {
    let lib = Library::builtin_only();
    let mut kinds = std::collections::BTreeSet::new();
    for id in lib.ids() {
        let mut rig = started(id);
        for pos in 0..rig.app.state.stages.len() {
            if pos != rig.app.state.pos {
                let now = rig.now();
                rig.app.exec(Command::Jump { to: pos }, now).expect("jump");
            }
            let st = &rig.app.state;
            let spec = st.spec(pos).expect("a stage");
            if spec.optional {
                continue;
            }
            for r in st.record_progress(pos) {
                kinds.insert((id.to_string(), format!("{:?}", r.kind), r.per_person, r.need > 1));
                let (w, h) = (120, 35);
                let text = rows(&rig, w, h).join(" ");
                let label: String =
                    r.label.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
                assert!(
                    text.contains(&format!("· missing: {label}")),
                    "{id}, stage {} ({}): \"missing: {label}\" not shown at its start\n{}",
                    pos + 1,
                    spec.id,
                    rows(&rig, w, h).join("\n")
                );
            }
        }
    }
    // The kinds covered: notes and commitments, one per group and one per person.
    for id in [
        "action-learning",
        "storm-rehearsal",
        "grow-coaching",
        "half-termly-review",
        "lesson-study-review",
        "peer-coaching-pair",
        "plan-do-review",
        "headteacher-learning-forum",
    ] {
        assert!(kinds.iter().any(|k| k.0 == id), "{id} expects no record? {kinds:?}");
    }
    assert!(kinds.iter().any(|k| k.1 == "Note"), "{kinds:?}");
    assert!(kinds.iter().any(|k| k.1 == "Commitment"), "{kinds:?}");
    assert!(kinds.iter().any(|k| k.2), "a record per person: {kinds:?}");
    assert!(kinds.iter().any(|k| k.3), "a record per group: {kinds:?}");
}

/// Once the record is made, the line says so.
#[test]
fn the_record_line_turns_done_when_it_is_made() {
    let mut rig = started("grow-coaching");
    let pos = (0..rig.app.state.stages.len())
        .find(|p| !rig.app.state.record_progress(*p).is_empty())
        .expect("a stage with a record");
    if pos != rig.app.state.pos {
        let now = rig.now();
        rig.app.exec(Command::Jump { to: pos }, now).expect("jump");
    }
    let label = rig.app.state.record_progress(pos)[0].label.clone();
    assert!(rows(&rig, 80, 24).join(" ").contains("· missing:"));
    let kind = rig.app.state.record_progress(pos)[0].kind;
    let now = rig.now();
    let who = rig.app.state.order[0].clone();
    let cmd = match kind {
        convene::protocol::RecordKind::Note => Command::AddNote {
            text: "x".into(),
            about: Some(who),
            group: None,
            private: false,
            record: None,
        },
        convene::protocol::RecordKind::Commitment => Command::AddCommitment {
            owner: who,
            text: "x".into(),
            due: Some("2 weeks".into()),
            group: None,
            record: None,
        },
    };
    rig.app.exec(cmd, now).expect("recorded");
    let text = rows(&rig, 80, 24).join(" ");
    let start: String = label.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
    assert!(text.contains(&format!("✓ done: {start}")), "{text}");
}

/// A clicker sends `n` or `PgDn` twice: the second press never answers "Leave this stage?", on
/// any stage of any built-in, the last included; only `l` leaves without the record.
#[test]
fn a_double_press_never_leaves_a_stage_without_its_record() {
    let lib = Library::builtin_only();
    for id in lib.ids() {
        let mut rig = started(id);
        let mut left_without = 0;
        let mut turn = 0;
        while rig.app.state.status == Status::Running {
            turn += 1;
            assert!(turn < 200, "{id}: never ends");
            let pos = rig.app.state.pos;
            let missing = !rig.app.state.missing_records(pos).is_empty();
            let key = if turn % 2 == 0 { KeyCode::PageDown } else { KeyCode::Char('n') };
            rig.code(key);
            rig.code(key);
            let without =
                rig.events("stage-left").iter().filter(|e| e["without_record"] == true).count();
            assert_eq!(
                without, left_without,
                "{id}: a double {key:?} left a stage without its record"
            );
            if missing {
                assert_eq!(rig.app.state.pos, pos, "{id}: left stage {}", pos + 1);
                assert_eq!(rig.app.state.status, Status::Running, "{id}: ended at {}", pos + 1);
            }
            if rig.app.overlay == Overlay::ConfirmLeave {
                assert!(rig.render(80, 24).contains("l  leave the stage without it"));
                rig.press('l');
                left_without += 1;
            }
        }
        assert!(matches!(rig.app.state.status, Status::Ended(_)), "{id}");
    }
}

/// `e` twice on the quit question does not end the session without everyone's record: the
/// question the first `e` raised takes `e` only a second later (the key's own time).
#[test]
fn a_double_e_does_not_end_without_everyones_record() {
    let lib = Library::builtin_only();
    let id = lib
        .ids()
        .into_iter()
        .find(|id| {
            let p = builtin(id);
            p.all_stages().any(|(_, s)| {
                convene::protocol::Protocol::expected_records(s).any(|x| x.per.is_some())
            })
        })
        .expect("a built-in with a record per person")
        .to_string();
    let mut rig = started(&id);
    let last = rig.app.state.stages.len() - 1;
    let now = rig.now();
    rig.app.exec(Command::Jump { to: last }, now).expect("jump");
    rig.press('q');
    rig.press('e');
    assert_eq!(rig.app.overlay, Overlay::ConfirmEnd, "{id}: no question at the end");
    rig.press('e');
    assert_eq!(rig.app.state.status, Status::Running, "{id}: ended by a double e");
    rig.wait(999);
    rig.press('e');
    assert_eq!(rig.app.state.status, Status::Running, "{id}: still within the second");
    rig.wait(1);
    rig.press('e');
    assert!(matches!(rig.app.state.status, Status::Ended(_)), "{id}: a deliberate e ends it");
}

/// The rotation roster at 60x20 (the smallest the live screen supports with room for it):
/// one person a line with their roles below, never a table wrapped into nonsense; `PgDn` scrolls
/// to its end, and any other key closes it.
#[test]
fn the_roster_reads_at_60x20_and_scrolls_to_its_end() {
    let mut rig = started("coaching-triad");
    rig.press('r');
    assert_eq!(rig.app.overlay, Overlay::Roster);
    let mut seen = String::new();
    for _ in 0..12 {
        let screen = rows(&rig, 60, 20);
        for r in &screen {
            // Inside the box, no row is a fragment of a wrapped table ("Round 3" alone).
            assert!(!r.contains("│Round") && !r.contains("│Observer"), "{}", screen.join("\n"));
        }
        seen.push_str(&screen.join("\n"));
        rig.code(KeyCode::PageDown);
    }
    assert_eq!(rig.app.overlay, Overlay::Roster, "PgDn scrolls, it does not close");
    for name in THIRTEEN {
        assert!(seen.contains(name), "{name} never shown in full\n{seen}");
    }
    assert!(seen.contains("R1 Coachee · R2 Observer · R3 Observer"), "{seen}");
    assert!(seen.contains("Observer (everyone else in each group)"), "{seen}");
    let last = rows(&rig, 60, 20).join("\n");
    assert!(last.contains("27–42 of 42 · PgDn more"), "{last}");
    assert!(last.contains("Any key closes this."), "scrolled to the end\n{last}");
    rig.code(KeyCode::PageUp);
    assert_eq!(rig.app.overlay, Overlay::Roster);
    rig.press('x');
    assert_eq!(rig.app.overlay, Overlay::None);
}

/// The top line drops whole items, least important first (the group, the session, the
/// protocol's name, the round), and never loses the stage number or cuts an item mid-phrase.
#[test]
fn the_top_line_drops_whole_items_and_keeps_the_stage() {
    for id in ["middle-leader-session", "coaching-triad", "plan-do-review"] {
        let mut rig = started(id);
        rig.app.state.setup.group_name = Some("Middle leaders of the Northern Federation".into());
        let to = 6.min(rig.app.state.stages.len() - 1);
        while rig.app.state.pos < to {
            rig.press('n');
            if rig.app.overlay == Overlay::ConfirmLeave {
                rig.press('l');
            }
        }
        let st = &rig.app.state;
        let stage = format!("stage {} of {}", st.pos + 1, st.stages.len());
        let round = st.stages[st.pos].round.map(|r| format!("round {} of {}", r + 1, st.rounds));
        for (w, h) in [(120, 35), (100, 30), (80, 24), (60, 20)] {
            let top = rows(&rig, w, h)[0].clone();
            assert!(top.contains(&stage), "{id} at {w}x{h}: {top}");
            assert!(!top.contains('…'), "{id} at {w}x{h}: cut: {top}");
            if let Some(round) = &round
                && top.contains("round")
            {
                assert!(top.contains(round.as_str()), "{id} at {w}x{h}: {top}");
            }
            for item in top.split(" · ") {
                assert!(!item.ends_with(" o") && !item.ends_with(" of"), "{id}: {top}");
            }
        }
    }
}

/// After `q` then `l`, the log says the pause was to leave, and the mirror says the session
/// was left to resume, not only PAUSED.
#[test]
fn the_mirror_says_a_session_was_left_to_resume() {
    let mut rig = started("project-tuning");
    rig.press('q');
    rig.press('l');
    let paused = rig.events("paused");
    assert_eq!(paused.len(), 1);
    assert_eq!(paused[0]["left"], true, "{}", paused[0]);
    // The mirror replays the log.
    let path = rig.app.log.as_ref().expect("a log").path.clone();
    let log = convene::log::reader::read_log(&path).expect("log");
    let state = convene::session::replay(log.header.setup.clone(), &log.events);
    let mut mirror = convene::tui::live::LiveScreen::new(state, None, mono_opts());
    mirror.opts.mirror = true;
    let now = rig.now();
    let text = support::live_text(&mirror, 80, 24, now);
    assert!(
        text.contains("PAUSED · the facilitator left the session, to resume it later"),
        "{text}"
    );
    // An ordinary pause says PAUSED alone.
    let mut rig = started("project-tuning");
    rig.press(' ');
    assert!(rig.events("paused")[0].get("left").is_none());
    rig.app.opts.mirror = true;
    assert!(!rig.render(80, 24).contains("left the session"));
}

/// `+` and `-` say what they did in words, as well as by the digits.
#[test]
fn plus_and_minus_say_what_they_did() {
    let mut rig = started("project-tuning");
    rig.press('+');
    assert!(rig.render(80, 24).contains("Extended by 1 min."), "{}", rig.render(80, 24));
    rig.press('-');
    assert!(rig.render(80, 24).contains("Shortened by 1 min."), "{}", rig.render(80, 24));
}

/// Roles held by several read in the plural, and so do their cues' verbs.
#[test]
fn several_holders_read_in_the_plural() {
    let mut rig = started("storm-rehearsal");
    while rig.app.state.stages[rig.app.state.pos].round.is_none() {
        rig.press('n');
        if rig.app.overlay == Overlay::ConfirmLeave {
            rig.press('l');
        }
    }
    let text = rows(&rig, 120, 35).join("\n");
    assert!(text.contains("Rehearsers ("), "{text}");
    assert!(!text.contains("): describes"), "{text}");
    let mut s = setup(
        builtin("weekly-leadership-review"),
        &["Claire Munro", "Cathy Doyle", "Frederick Nash", "Harriet Stone", "Ian Wu"],
    );
    s.facilitator = None;
    let mut rig = Rig::new(s, mono_opts());
    rig.press(' ');
    let mut seen = String::new();
    for _ in 0..rig.app.state.stages.len() {
        seen.push_str(&rows(&rig, 120, 35).join("\n"));
        rig.press('n');
        if rig.app.overlay == Overlay::ConfirmLeave {
            rig.press('l');
        }
    }
    assert!(!seen.contains("Head of schools"), "{seen}");
}

/// `convene info` names the colour depth the screen draws in: a plain `xterm` draws the sixteen
/// basic colours (grey is colour 8), so it says 16, not 8.
#[test]
fn info_names_the_colours_the_screen_uses() {
    let root = tempfile::tempdir().expect("tempdir");
    let o = support::cli::command(root.path(), &["info"])
        .env_remove("NO_COLOR")
        .env_remove("COLORTERM")
        .env_remove("TERM_PROGRAM")
        .env_remove("WT_SESSION")
        .env("TERM", "xterm")
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&o.stdout);
    let line = text.lines().find(|l| l.trim_start().starts_with("colours")).expect("a line");
    assert!(line.contains("16 colours"), "{line}");
    // The reason: the terminal's name on Unix; on Windows the console's own answer (it takes
    // virtual terminal sequences), whatever TERM says.
    assert!(cfg!(windows) || line.contains("TERM=xterm"), "{line}");
}

/// A roster column named as the screen names the fact ("Problem category") gives the fact, as
/// `category` does; facts given are not asked for again in the stage (STORM's problem).
#[test]
fn a_fact_named_by_its_label_is_the_protocols_fact() {
    use convene::session::{SetupRequest, parse_roster};
    let roster = parse_roster(
        "name,Problem category\nAnn,pupil\nBen,parent\nCat,colleague\n".as_bytes(),
        "people.csv",
    )
    .expect("reads");
    let checked =
        SetupRequest { roster: Some(roster), ..SetupRequest::new(builtin("storm-rehearsal"), "") }
            .check()
            .expect("valid");
    assert_eq!(checked.setup.facts["Ann"]["category"], "pupil");
    assert!(!checked.setup.facts["Ann"].contains_key("problem-category"));
    assert!(
        !checked.warnings.iter().any(|w| w.contains("category")),
        "no warning about the category: {:?}",
        checked.warnings
    );
    // Typed the same way on --people.
    let checked = SetupRequest::new(
        builtin("storm-rehearsal"),
        "Ann (problem category: pupil), Ben (category: parent), Cat (Problem category: colleague)",
    )
    .check()
    .expect("valid");
    assert_eq!(checked.setup.facts["Cat"]["category"], "colleague");
    // The problem stage does not ask for the category again.
    let p = builtin("storm-rehearsal");
    let (_, stage) = p.all_stages().find(|(_, s)| s.id == "the-problem").expect("the stage");
    let asked: Vec<String> = stage
        .prompts
        .iter()
        .cloned()
        .chain(convene::protocol::Protocol::expected_records(stage).map(|x| x.label.clone()))
        .collect();
    assert!(
        !asked.iter().any(|a| a.contains("category") || a.contains("a pupil, a parent")),
        "{asked:?}"
    );
}

/// The conversation stage of a room of thirteen in four triads (CJK, emoji and long names),
/// at the projector sizes: every group line in first names.
#[test]
fn thirteen_people_in_first_names_snapshots() {
    let mut rig = started("coaching-triad");
    while rig.stage_id() != "conversation" {
        rig.press('n');
    }
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("thirteen_{w}x{h}"), rig.render(w, h));
    }
}

/// The same in a real terminal (tmux), resized through the three sizes; then a double `PgDn`
/// (as a clicker sends it) in the stage whose commitment is missing stops at the question.
#[test]
#[cfg_attr(windows, ignore = "needs tmux, which Windows does not have")]
fn in_a_real_terminal_group_lines_use_first_names_and_a_double_pgdn_stops() {
    use std::time::Duration;
    use support::tmux::{Tmux, have_tmux};
    const SOON: Duration = Duration::from_secs(60);
    if !have_tmux() {
        return;
    }
    let t = Tmux::new("roomnames");
    let people = THIRTEEN.join(", ");
    t.start(
        "live",
        (120, 35),
        &format!("run coaching-triad --people '{people}' --facilitator 'Fiona Hale'"),
        |c| format!("{c}; echo EXITED $?; sleep 30"),
    );
    t.wait_text("live", "READY", SOON);
    t.keys("live", &["Space"]);
    t.wait_text("live", "stage 1 of", SOON);
    t.keys("live", &["n"]);
    t.wait_text("live", "Group 4:", SOON);
    for (w, h) in SIZES {
        t.resize("live", w, h);
        // Drawn by convene at the new size, not tmux's crop of the old frame: the state word
        // ends at the new right edge. A key sent while the resize is still unread can be held
        // by crossterm until the next key (see the note in src/tui/input.rs), so the keys below
        // wait for this.
        let screen = t.wait_for("live", &format!("the groups at {w}x{h}"), SOON, |s| {
            s.lines().next().is_some_and(|l| {
                let l = l.trim_end();
                l.ends_with("RUNNING") && l.chars().count() + 1 == usize::from(w)
            }) && s.contains("Group 4: Coachee Katarzyna · Coach Leopold · Observer Claire")
        });
        for name in THIRTEEN {
            assert!(screen.contains(&first(name)), "{w}x{h}: {name}\n{screen}");
        }
        for bad in ["Coachee AO", "Coach BC", "D🚀P", "Observer GF"] {
            assert!(!screen.contains(bad), "{w}x{h}: {bad}\n{screen}");
        }
    }
    // The commitment stage: a double PgDn asks, and does not leave.
    t.keys("live", &["n"]);
    t.wait_text("live", "stage 3 of", SOON);
    t.keys("live", &["PageDown", "PageDown"]);
    let screen = t.wait_text("live", "Leave this stage?", SOON);
    assert!(screen.contains("l  leave the stage without it"), "{screen}");
    // Stay (the question closes), then `+`: its words show once every key before it has been
    // read. Apart: Esc and `+` sent together would read as Alt-+.
    t.keys("live", &["Escape"]);
    t.wait_for("live", "the question closed", SOON, |s| !s.contains("Leave this stage?"));
    t.keys("live", &["+"]);
    let screen = t.wait_text("live", "Extended by 1 min.", SOON);
    assert!(screen.contains("stage 3 of"), "still in the commitment stage:\n{screen}");
    let left = t.logs();
    assert_eq!(left.len(), 1);
    let log = std::fs::read_to_string(&left[0]).expect("log");
    assert!(!log.contains("\"without_record\":true"), "{log}");
}

/// On a narrow start card the roster stacks, two lines a person: `PgDn` still reaches the end
/// of the card (its norms).
#[test]
fn the_start_card_scrolls_to_its_end_at_60x20() {
    let s = {
        let mut s = setup(builtin("coaching-triad"), THIRTEEN);
        s.facilitator = Some("Fiona Hale".into());
        s
    };
    let mut rig = Rig::new(s, mono_opts());
    let first = rows(&rig, 60, 20).join("\n");
    assert!(first.contains("R1 Coachee · R2 Observer · R3 Observer"), "{first}");
    for _ in 0..40 {
        rig.code(KeyCode::PageDown);
    }
    let last = rows(&rig, 60, 20).join("\n");
    assert!(!last.contains("more below"), "{last}");
    assert!(last.contains("Norms") || last.contains('•'), "{last}");
}

/// `convene info` shows the sound in effect and where it comes from (quiet silences it), and
/// presentation mode as config.toml keeps it.
#[test]
fn info_shows_the_sound_in_effect_and_presentation_mode() {
    let root = tempfile::tempdir().expect("tempdir");
    let config = root.path().join("cfg");
    std::fs::create_dir_all(&config).expect("mkdir");
    std::fs::write(config.join("config.toml"), "sound = \"bell\"\npresentation = true\n")
        .expect("write");
    let row = |quiet: &str, key: &str| {
        let o = support::cli::command(root.path(), &["info"])
            .env("CONVENE_CONFIG_DIR", &config)
            .env("CONVENE_QUIET", quiet)
            .output()
            .expect("runs");
        let text = String::from_utf8_lossy(&o.stdout).to_string();
        text.lines()
            .find(|l| l.trim_start().starts_with(key))
            .unwrap_or_else(|| panic!("no {key} line:\n{text}"))
            .to_string()
    };
    let sound = row("0", "sound");
    assert!(sound.contains("bell") && sound.contains("config.toml"), "{sound}");
    let quiet = row("1", "sound");
    assert!(quiet.contains("off") && quiet.contains("quiet is on"), "{quiet}");
    let presentation = row("0", "presentation");
    assert!(presentation.contains("yes") && presentation.contains("config.toml"), "{presentation}");
}
