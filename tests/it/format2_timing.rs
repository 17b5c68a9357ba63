//! Format 2 timing, through the engine and the live screen, with this file's own protocols
//! (`tests/fixtures/protocols/v2/timing-*.json`): several timed cues in a stage, session markers
//! on elapsed time, duration ranges, and extension by a round's slot.

use crate::support;

use std::path::Path;

use convene::commands::protocols::show;
use convene::protocol::{ExtensionPolicy, Protocol, load_file, parse_protocol};
use convene::session::decide::extension_rule;
use convene::session::display::{self, Phase};
use convene::session::{
    Agreement, Command, Event, GapCause, Now, Rejection, SessionState, Setup, Stamped, apply,
    decide, due, next_wake, replay,
};
use support::{Rig, mono_opts, wall};

const MIN: u64 = 60_000;
const TRIO: &[&str] = &["Ann", "Ben", "Cat"];

fn protocol(name: &str) -> Protocol {
    load_file(Path::new(&format!("tests/fixtures/protocols/v2/{name}.json")))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn setup(name: &str) -> Setup {
    Setup { facilitator: Some("Fiona".into()), ..Setup::new(protocol(name), TRIO.iter().copied()) }
}

fn now(mono: u64) -> Now {
    Now::new(mono, wall(mono))
}

/// A session driven as the live screen drives it: what time alone causes is recorded before and
/// after each command.
struct Run {
    st: SessionState,
    log: Vec<Stamped>,
}

impl Run {
    fn new(name: &str) -> Self {
        Self::with(setup(name))
    }

    fn with(setup: Setup) -> Self {
        Self { st: SessionState::new(setup), log: Vec::new() }
    }

    fn record(&mut self, events: Vec<Stamped>) {
        for e in events {
            apply(&mut self.st, &e);
            self.log.push(e);
        }
    }

    fn tick(&mut self, mono: u64) {
        for _ in 0..16 {
            let events = due(&self.st, now(mono));
            if events.is_empty() {
                return;
            }
            self.record(events);
        }
    }

    fn cmd(&mut self, mono: u64, cmd: Command) -> Result<(), Rejection> {
        self.tick(mono);
        let events = decide(&self.st, cmd, now(mono))?;
        self.record(events);
        self.tick(mono);
        Ok(())
    }

    fn ok(&mut self, mono: u64, cmd: Command) {
        let what = format!("{cmd:?}");
        self.cmd(mono, cmd).unwrap_or_else(|r| panic!("{what} refused: {r}"));
    }

    /// Every cue fired so far: (stage position, cue index, cues missed with it).
    fn cues(&self) -> Vec<(usize, usize, Vec<usize>)> {
        self.log
            .iter()
            .filter_map(|e| match &e.event {
                Event::CueReached { pos, index, missed } => Some((*pos, *index, missed.clone())),
                _ => None,
            })
            .collect()
    }

    /// Every marker reached so far: (index, elapsed session time, when).
    fn markers(&self) -> Vec<(usize, u64, u64)> {
        self.log
            .iter()
            .filter_map(|e| match &e.event {
                Event::MarkerReached { index, elapsed_ms, .. } => Some((*index, *elapsed_ms, e.at)),
                _ => None,
            })
            .collect()
    }

    fn count(&self, what: fn(&Event) -> bool) -> usize {
        self.log.iter().filter(|e| what(&e.event)).count()
    }
}

/// The slot protocol, started at 0, with its first sub-stage (Present, 5:00) left at `left_at`:
/// Questions (10:00) has a cue 1:00 after its start and one 2:00 before its end.
fn in_questions(left_at: u64) -> Run {
    let mut run = Run::new("timing-slot");
    run.ok(0, Command::Start);
    run.ok(left_at, Command::Next { force: false });
    assert_eq!(run.st.spec(run.st.pos).map(|s| s.id.as_str()), Some("questions"));
    run
}

// ---- several timed cues ----

#[test]
fn each_cue_fires_once_at_its_time_naming_its_roles_holders() {
    let mut run = in_questions(5 * MIN);
    assert_eq!(next_wake(&run.st), Some(6 * MIN), "wakes for the cue 1:00 after the start");
    run.tick(6 * MIN - 1);
    assert!(run.cues().is_empty());
    run.tick(6 * MIN);
    assert_eq!(run.cues(), vec![(1, 0, vec![])]);
    assert_eq!(
        display::cue_text(&run.st, 3).as_deref(),
        Some("Members (Ben, Cat): ask open questions, no advice")
    );
    // 2:00 before the planned end: 5:00 + 10:00 - 2:00.
    assert_eq!(next_wake(&run.st), Some(13 * MIN));
    run.tick(13 * MIN);
    assert_eq!(run.cues(), vec![(1, 0, vec![]), (1, 1, vec![])]);
    assert_eq!(
        display::cue_text(&run.st, 3).as_deref(),
        Some("Facilitator (Fiona): your turn, if needed")
    );
    run.tick(20 * MIN);
    assert_eq!(run.cues().len(), 2, "each fires once");
    // The stage's time-up is untouched by its cues.
    assert_eq!(run.count(|e| matches!(e, Event::TimeUp { pos: 1 })), 1);
}

#[test]
fn a_cue_before_the_end_moves_with_extensions_and_shortenings() {
    let mut run = in_questions(5 * MIN);
    run.tick(6 * MIN);
    run.ok(7 * MIN, Command::Extend { by_ms: MIN, agreement: Some(Agreement::Group) });
    assert_eq!(next_wake(&run.st), Some(14 * MIN), "the planned end moved by a minute");
    run.ok(8 * MIN, Command::Shorten { by_ms: 3 * MIN });
    assert_eq!(next_wake(&run.st), Some(11 * MIN));
    run.tick(11 * MIN - 1);
    assert_eq!(run.cues().len(), 1);
    run.tick(11 * MIN);
    assert_eq!(run.cues().last(), Some(&(1, 1, vec![])));
}

#[test]
fn a_cue_fires_once_across_pause_and_resume_and_a_replay_of_the_log() {
    let mut run = in_questions(5 * MIN);
    run.tick(6 * MIN);
    run.ok(6 * MIN + 10_000, Command::Pause);
    run.ok(9 * MIN, Command::Resume);
    run.tick(9 * MIN + 1);
    assert_eq!(run.cues(), vec![(1, 0, vec![])], "a resume fires nothing again");
    // The pause moved the cue before the end by its length (2:50).
    let before_end = 13 * MIN + 2 * MIN + 50_000;
    run.tick(before_end - 1);
    assert_eq!(run.cues().len(), 1);
    run.tick(before_end);
    assert_eq!(run.cues().len(), 2);

    let again = replay(run.st.setup.clone(), &run.log);
    assert_eq!(again, run.st);
    assert!(due(&again, now(before_end + 1)).is_empty(), "a replayed log fires nothing again");
    assert_eq!(display::cue_text(&again, 3), display::cue_text(&run.st, 3));
}

#[test]
fn cues_a_sleep_jumps_over_are_not_fired_late() {
    let mut run = in_questions(5 * MIN);
    // The machine sleeps 9 minutes with the clock running: both cues' times pass unseen.
    run.ok(5 * MIN + 10_000, Command::ReportGap { gap_ms: 9 * MIN, cause: GapCause::Suspend });
    run.tick(5 * MIN + 20_000);
    assert!(run.cues().is_empty(), "{:?}", run.cues());
    assert_eq!(display::cue_text(&run.st, 3), None);
    assert_eq!(
        run.st.clock().and_then(convene::session::stage_clock::StageClock::next_cue_at),
        None
    );
}

#[test]
fn cues_due_together_show_the_latest_once_and_mark_the_others_missed() {
    let mut run = in_questions(5 * MIN);
    // A late look (nothing asked for the time in between): both are due at once.
    run.tick(13 * MIN + 5_000);
    assert_eq!(run.cues(), vec![(1, 1, vec![0])]);
    assert_eq!(
        display::cue_text(&run.st, 3).as_deref(),
        Some("Facilitator (Fiona): your turn, if needed")
    );
}

#[test]
fn a_cue_whose_time_has_passed_when_its_stage_is_entered_again_is_not_fired() {
    let mut run = in_questions(5 * MIN);
    run.tick(6 * MIN);
    run.ok(7 * MIN, Command::Back);
    run.ok(8 * MIN, Command::Next { force: false });
    run.tick(8 * MIN + 1);
    assert_eq!(run.cues(), vec![(1, 0, vec![])]);
    assert_eq!(display::cue_text(&run.st, 3), None, "a new visit starts without a banner");
}

// ---- session markers ----

#[test]
fn markers_count_the_time_the_stages_ran_not_pauses_and_never_stop_the_session() {
    let mut run = Run::new("timing-range");
    run.ok(0, Command::Start);
    // A ten-minute pause does not count.
    run.ok(20 * MIN, Command::Pause);
    run.ok(30 * MIN, Command::Resume);
    run.tick(100 * MIN - 1);
    assert!(run.markers().is_empty());
    run.tick(100 * MIN);
    assert_eq!(run.markers(), vec![(0, 90 * MIN, 100 * MIN)]);
    assert_eq!(display::marker_text(&run.st).as_deref(), Some("1:30:00 typical minimum reached"));
    assert!(run.st.is_running() && !run.st.paused, "a marker stops or pauses nothing");
    run.tick(130 * MIN);
    assert_eq!(run.markers().len(), 2);
    assert_eq!(
        display::marker_text(&run.st).as_deref(),
        Some("WARNING: upper end of the typical 1.5–2 h")
    );
    run.tick(200 * MIN);
    assert_eq!(run.markers().len(), 2, "each fires once");
    let again = replay(run.st.setup.clone(), &run.log);
    assert_eq!(again, run.st);
    assert!(due(&again, now(200 * MIN)).is_empty());
}

#[test]
fn after_a_crash_a_cue_the_down_time_jumped_over_is_not_fired_but_the_marker_is_shown() {
    let mut run = Run::new("timing-range");
    run.ok(0, Command::Start);
    // convene was down from 1:20:00 to 1:50:00 with the clock running (a crash).
    run.ok(80 * MIN, Command::ReportGap { gap_ms: 30 * MIN, cause: GapCause::Restart });
    run.tick(80 * MIN + 1);
    assert!(run.cues().is_empty(), "the observer's cue at 1:25:00 is not shown late");
    assert_eq!(run.markers(), vec![(0, 110 * MIN, 80 * MIN)]);
    assert_eq!(display::marker_text(&run.st).as_deref(), Some("1:30:00 typical minimum reached"));
}

#[test]
fn markers_count_across_stages() {
    let mut run = Run::new("timing-range");
    run.ok(0, Command::Start);
    // The conversation ends early, at 1:25:00; the review runs on past the marker.
    run.ok(85 * MIN, Command::Next { force: false });
    assert_eq!(next_wake(&run.st), Some(90 * MIN));
    run.tick(90 * MIN);
    assert_eq!(run.markers(), vec![(0, 90 * MIN, 90 * MIN)]);
}

// ---- duration ranges ----

#[test]
fn a_range_is_planned_at_its_lower_end_and_over_only_past_its_upper() {
    let mut run = Run::new("timing-range");
    assert_eq!(run.st.planned_ms(), 100 * MIN, "90:00 and the review's 10:00");
    run.ok(0, Command::Start);
    assert!(
        matches!(run.log[0].event, Event::SessionStarted { planned_ms } if planned_ms == 100 * MIN)
    );
    run.tick(90 * MIN + 5_000);
    let phase = display::phase(&run.st, 90 * MIN + 5_000);
    assert_eq!(phase, Phase::InRange(5_000));
    assert_eq!(phase.label(), "IN RANGE");
    assert_eq!(
        display::in_range_text(&run.st, 5_000).as_deref(),
        Some("IN RANGE +0:05, up to 2:00:00")
    );
    assert_eq!(run.count(|e| matches!(e, Event::TimeUp { .. })), 0, "not up at the lower end");
    assert_eq!(next_wake(&run.st), Some(120 * MIN));
    run.tick(120 * MIN);
    assert_eq!(run.count(|e| matches!(e, Event::TimeUp { .. })), 1);
    assert_eq!(display::phase(&run.st, 120 * MIN + 30_000), Phase::Over(30_000));
}

#[test]
fn a_stage_left_within_its_range_is_not_counted_over() {
    let mut run = Run::new("timing-range");
    run.ok(0, Command::Start);
    run.ok(110 * MIN, Command::Next { force: false });
    run.ok(115 * MIN, Command::End);
    assert_eq!(display::overruns(&run.st), (0, 0));
}

#[test]
fn protocols_show_gives_a_range_as_a_range() {
    let text = show(&protocol("timing-range"), None);
    assert!(text.contains("1:30:00-2:00:00"), "{text}");
}

// ---- extension by the slot ----

#[test]
fn one_more_minute_on_a_slot_that_is_on_plan_asks_for_the_groups_agreement() {
    let mut run = in_questions(5 * MIN);
    assert_eq!(extension_rule(&run.st, MIN, 7 * MIN), ExtensionPolicy::GroupAgreement);
    let refused = run.cmd(7 * MIN, Command::Extend { by_ms: MIN, agreement: None });
    let Err(why) = refused else { panic!("extended without agreement") };
    assert_eq!(why.to_string(), "This would take Ann's slot past its 20:00: the group must agree.");
    run.ok(7 * MIN, Command::Extend { by_ms: MIN, agreement: Some(Agreement::Group) });
}

#[test]
fn after_an_earlier_sub_stage_finished_two_minutes_early_a_minute_more_is_free() {
    // Present took 3:00 of its 5:00.
    let mut run = in_questions(3 * MIN);
    assert_eq!(extension_rule(&run.st, MIN, 4 * MIN), ExtensionPolicy::Free);
    run.ok(4 * MIN, Command::Extend { by_ms: MIN, agreement: None });
    assert_eq!(run.st.extensions.last().map(|x| x.agreement.clone()), Some(None));
    // One more minute is free too; a third would take the slot past its 20:00.
    run.ok(4 * MIN, Command::Extend { by_ms: MIN, agreement: None });
    assert_eq!(extension_rule(&run.st, MIN, 4 * MIN), ExtensionPolicy::GroupAgreement);
    assert!(matches!(
        run.cmd(4 * MIN, Command::Extend { by_ms: MIN, agreement: None }),
        Err(Rejection::SlotNeedsAgreement { .. })
    ));
}

#[test]
fn a_slot_that_may_not_run_over_refuses_saying_why_and_still_moves_time_freely() {
    let text = std::fs::read_to_string("tests/fixtures/protocols/v2/timing-slot.json")
        .expect("fixture")
        .replace(r#""round_extension": "group-agreement""#, r#""round_extension": "not-allowed""#);
    let p = parse_protocol(&text, "slot.json").unwrap_or_else(|e| panic!("{e}"));
    let mut run = Run::with(Setup { protocol: p, ..setup("timing-slot") });
    run.ok(0, Command::Start);
    run.ok(5 * MIN, Command::Next { force: false });
    let refused =
        run.cmd(6 * MIN, Command::Extend { by_ms: MIN, agreement: Some(Agreement::Group) });
    assert_eq!(
        refused.map_err(|r| r.to_string()),
        Err("This would take Ann's slot past its 20:00, and the protocol does not allow that."
            .into())
    );
    run.ok(6 * MIN, Command::Shorten { by_ms: MIN });
    run.ok(6 * MIN, Command::Extend { by_ms: MIN, agreement: None });
}

#[test]
fn shortening_a_sub_stage_frees_time_for_the_next() {
    let mut run = in_questions(5 * MIN);
    run.ok(6 * MIN, Command::Shorten { by_ms: 2 * MIN });
    run.ok(13 * MIN, Command::Next { force: false });
    run.ok(14 * MIN, Command::Extend { by_ms: MIN, agreement: None });
}

#[test]
fn a_stage_in_overrun_counts_its_time_spent() {
    // Questions ran 2 minutes over its 10:00: a minute more for Action takes the slot past.
    let mut run = in_questions(5 * MIN);
    run.ok(17 * MIN, Command::Next { force: false });
    assert_eq!(extension_rule(&run.st, MIN, 17 * MIN), ExtensionPolicy::GroupAgreement);
}

// ---- the live screen ----

fn rig(name: &str) -> Rig {
    let mut rig = Rig::new(setup(name), mono_opts());
    rig.press(' ');
    rig
}

#[test]
fn the_screen_shows_a_cue_as_a_banner_in_words() {
    let mut rig = rig("timing-slot");
    rig.wait(5 * MIN);
    rig.press('n');
    rig.wait(MIN);
    rig.wait(7 * MIN);
    assert_eq!(rig.events("cue-reached").len(), 2);
    for (w, h) in [(80, 24), (120, 35)] {
        let screen = rig.render(w, h);
        assert!(screen.contains("CUE · Facilitator (Fiona): your turn, if needed"), "{screen}");
        insta::assert_snapshot!(format!("cue_banner_{w}x{h}"), screen);
    }
}

#[test]
fn the_screen_shows_a_marker_and_a_stage_within_its_range() {
    let mut rig = rig("timing-range");
    rig.wait(90 * MIN + 5_000);
    assert_eq!(rig.events("marker-reached").len(), 1);
    for (w, h) in [(80, 24), (120, 35)] {
        let screen = rig.render(w, h);
        assert!(screen.contains("1:30:00 typical minimum reached"), "{screen}");
        assert!(screen.contains("IN RANGE +0:05, up to 2:00:00"), "{screen}");
        assert!(!screen.contains("OVER"), "{screen}");
        insta::assert_snapshot!(format!("marker_in_range_{w}x{h}"), screen);
    }
    rig.wait(30 * MIN);
    let screen = rig.render(80, 24);
    assert!(screen.contains("WARNING: upper end of the typical 1.5–2 h"), "{screen}");
    assert!(screen.contains("OVER, past 2:00:00"), "{screen}");
}

#[test]
fn the_start_card_shows_a_range_as_a_range() {
    let rig = Rig::new(setup("timing-range"), mono_opts());
    let screen = rig.render(80, 24);
    assert!(screen.contains("1:30:00-2:00:00"), "{screen}");
}

#[test]
fn extending_on_screen_asks_only_when_the_slot_would_run_over_and_says_why() {
    let mut rig = rig("timing-slot");
    rig.wait(5 * MIN);
    rig.press('n');
    rig.wait(MIN);
    rig.press('+');
    let screen = rig.render(80, 24);
    assert!(screen.contains("Has the group agreed?"), "{screen}");
    assert!(screen.contains("This would take Ann's slot past its 20:00"), "{screen}");
    assert!(rig.events("extended").is_empty());

    let mut early = rig_early();
    early.press('+');
    assert_eq!(early.events("extended").len(), 1, "{}", early.render(80, 24));
}

/// The slot protocol on screen, Present left 2 minutes early.
fn rig_early() -> Rig {
    let mut rig = rig("timing-slot");
    rig.wait(3 * MIN);
    rig.press('n');
    rig.wait(MIN);
    rig
}

/// `text` as the live screen draws it in large type (quadrants), row by row, trimmed: to find
/// which text the screen shows large.
fn large_rows(text: &str) -> Vec<String> {
    let width = u16::try_from(text.len() * 4).expect("short");
    let screen = support::render_terminal(width, 4, |f| {
        f.render_widget(
            tui_big_text::BigText::builder()
                .pixel_size(tui_big_text::PixelSize::Quadrant)
                .lines(vec![ratatui::text::Line::from(text.to_string())])
                .build(),
            f.area(),
        );
    });
    let buf = screen.buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect::<String>().trim().to_string()
        })
        .filter(|row| !row.is_empty())
        .collect()
}

fn shows_large(screen: &str, text: &str) -> bool {
    let rows = large_rows(text);
    !rows.is_empty() && rows.iter().all(|row| screen.contains(row.as_str()))
}

/// A session marker reached goes into large type above the countdown while its stage lasts,
/// in full where it fits, else its message alone; of a marker and a timed cue the latest is
/// large; the next stage shows its own name again (the marker stays on the line under the
/// clock).
#[test]
fn a_marker_reached_is_shown_large_while_its_stage_lasts() {
    let mut rig = rig("timing-range");
    // The observer's cue fires 5 minutes before the lower end (1:25:00), the marker at 1:30:00.
    rig.wait(88 * MIN);
    let before = rig.render(200, 50);
    assert!(shows_large(&before, "remind the coach, a few minutes left"), "{before}");
    rig.wait(2 * MIN + 5_000);
    let wide = rig.render(200, 50);
    assert!(shows_large(&wide, "1:30:00 typical minimum reached"), "{wide}");
    let mid = rig.render(120, 35);
    assert!(!shows_large(&mid, "1:30:00 typical minimum reached"), "{mid}");
    assert!(shows_large(&mid, "typical minimum reached"), "{mid}");
    assert!(mid.contains("1:30:00 typical minimum reached"), "the line keeps it in full: {mid}");
    insta::assert_snapshot!("marker_large_200x50", wide);

    // Past the upper end: the warning, the latest, is large; the cue's banner stays.
    rig.wait(30 * MIN);
    let wide = rig.render(200, 50);
    assert!(wide.contains("remind the coach"), "the cue's banner stays: {wide}");
    assert!(shows_large(&wide, "WARNING: upper end of the typical 1.5-2 h"), "{wide}");

    rig.press('n');
    let wide = rig.render(200, 50);
    assert!(shows_large(&wide, "Review"), "{wide}");
    assert!(!shows_large(&wide, "WARNING: upper end of the typical 1.5-2 h"), "{wide}");
    assert!(wide.contains("WARNING: upper end of the typical 1.5–2 h"), "{wide}");
    // Back in the conversation: its name, the marker being from the earlier visit.
    rig.press('b');
    let back = rig.render(200, 50);
    assert!(shows_large(&back, "Conversation"), "{back}");
    assert!(!shows_large(&back, "WARNING: upper end of the typical 1.5-2 h"), "{back}");
}

/// A timed cue that fires after a marker in the same stage takes the large type from it.
#[test]
fn a_cue_after_a_marker_takes_the_large_type() {
    let mut setup = setup("timing-range");
    // The conversation set to 1:40:00: its cue (5 minutes before the end) comes at 1:35:00,
    // after the 1:30:00 marker.
    setup.overrides.insert("conversation".into(), 100 * 60);
    let mut rig = Rig::new(setup, mono_opts());
    rig.press(' ');
    rig.wait(92 * MIN);
    let marker = rig.render(200, 50);
    assert!(shows_large(&marker, "1:30:00 typical minimum reached"), "{marker}");
    rig.wait(4 * MIN);
    let cue = rig.render(200, 50);
    assert!(shows_large(&cue, "remind the coach, a few minutes left"), "{cue}");
    assert!(!shows_large(&cue, "1:30:00 typical minimum reached"), "{cue}");
    assert!(cue.contains("1:30:00 typical minimum reached"), "the line keeps it: {cue}");
}
