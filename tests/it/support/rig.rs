//! The rig for the headless screen tests: a session with a log in a temporary folder, a fake
//! clock (monotonic milliseconds plus the fixed wall time [`super::START`]), key presses, and
//! rendering into a `TestBackend`.

use super::wall;
use convene::config::ThemeName;
use convene::log::Header;
use convene::log::writer::LogWriter;
use convene::protocol::{Library, Protocol};
use convene::session::{Now, SessionState, Setup, check_setup};
use convene::tui::live;
use convene::tui::live::{LiveScreen, Options};
use convene::tui::theme::Theme;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

pub fn builtin(id: &str) -> Protocol {
    Library::builtin_only().get(id).expect("built-in").clone()
}

/// The format 1 copy of a built-in as it was before format 2 (tests/fixtures/protocols/v1/), for
/// the tests of a behaviour that the format 2 built-in now expresses differently (a warning that
/// became a cue, a per-stage agreement that became the slot's, an `expects` that became
/// `records`).
pub fn v1(id: &str) -> Protocol {
    let path = format!("{}/tests/fixtures/protocols/v1/{id}.json", env!("CARGO_MANIFEST_DIR"));
    convene::protocol::load_file(std::path::Path::new(&path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn setup(protocol: Protocol, people: &[&str]) -> Setup {
    Setup::new(protocol, people.iter().copied())
}

pub fn mono_opts() -> Options {
    Options {
        quiet: true,
        flash: false,
        theme: Theme::resolve(ThemeName::Mono, true),
        mirror: false,
    }
}

pub fn default_opts() -> Options {
    Options {
        quiet: false,
        flash: true,
        theme: Theme::resolve(ThemeName::Default, false),
        mirror: false,
    }
}

/// A live session with its log on disk and a fake clock.
pub struct Rig {
    pub app: LiveScreen,
    pub mono: u64,
    pub dir: tempfile::TempDir,
}

impl Rig {
    pub fn new(setup: Setup, opts: Options) -> Self {
        let warnings = check_setup(&setup).unwrap_or_else(|e| panic!("setup refused: {e}"));
        let dir = tempfile::tempdir().expect("tempdir");
        let id = "20261123-083000-000";
        let header = Header::new(id.into(), wall(0), setup.clone());
        let log = LogWriter::create(dir.path(), id, &header);
        assert!(log.error.is_none(), "{:?}", log.error);
        let mut app = LiveScreen::new(SessionState::new(setup), Some(log), opts);
        app.warnings = warnings;
        // Shared by convene itself, as `convene run` does when it keeps the session.
        app.sharing = convene::tui::live::Sharing::Here(convene::share::Share::start);
        app.remember = convene::config::remember_presentation;
        Self { app, mono: 0, dir }
    }

    pub fn builtin(id: &str, people: &[&str]) -> Self {
        Self::new(setup(builtin(id), people), mono_opts())
    }

    /// [`Rig::builtin`] on the format 1 copy of the built-in ([`v1`]).
    pub fn v1(id: &str, people: &[&str]) -> Self {
        Self::new(setup(v1(id), people), mono_opts())
    }

    pub fn now(&self) -> Now {
        Now::new(self.mono, wall(self.mono))
    }

    /// Lets `ms` pass and records what time alone causes, as the loop does.
    pub fn wait(&mut self, ms: u64) {
        self.mono += ms;
        let now = self.now();
        self.app.tick(now);
    }

    /// Moves the clock to `mono` and ticks.
    pub fn at(&mut self, mono: u64) {
        assert!(mono >= self.mono, "time only moves forward");
        self.wait(mono - self.mono);
    }

    pub fn key(&mut self, key: KeyEvent) {
        let now = self.now();
        self.app.handle_key(key, now);
        self.app.tick(now);
    }

    pub fn press(&mut self, c: char) {
        self.key(KeyEvent::from(KeyCode::Char(c)));
    }

    pub fn code(&mut self, code: KeyCode) {
        self.key(KeyEvent::from(code));
    }

    pub fn ctrl(&mut self, c: char) {
        self.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    }

    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press(c);
        }
    }

    /// The screen as text, one quoted line per row (`TestBackend`'s `Display`).
    pub fn render(&self, w: u16, h: u16) -> String {
        render_terminal(w, h, |f| live::render(f, &self.app, self.mono, wall(self.mono)))
            .to_string()
    }

    /// The rendered buffer itself, for style checks.
    pub fn buffer(&self, w: u16, h: u16) -> ratatui::buffer::Buffer {
        render_terminal(w, h, |f| live::render(f, &self.app, self.mono, wall(self.mono)))
            .buffer()
            .clone()
    }

    /// Every event line of the log on disk, as JSON (the header excluded).
    pub fn log_lines(&self) -> Vec<serde_json::Value> {
        let path = &self.app.log.as_ref().expect("a log").path;
        let text = std::fs::read_to_string(path).expect("log readable");
        text.lines().skip(1).map(|l| serde_json::from_str(l).expect("a JSON line")).collect()
    }

    pub fn log_text(&self) -> String {
        let path = &self.app.log.as_ref().expect("a log").path;
        std::fs::read_to_string(path).expect("log readable")
    }

    /// Log events of one type.
    pub fn events(&self, kind: &str) -> Vec<serde_json::Value> {
        self.log_lines().into_iter().filter(|l| l["type"] == kind).collect()
    }

    pub fn stage_id(&self) -> String {
        self.app.state.stages[self.app.state.pos].id.clone()
    }
}

pub fn render_terminal(w: u16, h: u16, draw: impl FnOnce(&mut ratatui::Frame)) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(draw).expect("draw");
    terminal.backend().clone()
}

/// The live screen of `app` drawn at `w` x `h` at `now`, as plain text, one line per row.
pub fn live_text(app: &LiveScreen, w: u16, h: u16, now: Now) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| live::render(f, app, now.mono, now.wall)).expect("draw");
    let buf = t.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}
