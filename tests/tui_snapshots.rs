//! Snapshot tests of every TUI screen, drawn from the demo case at 80x24 and 120x40.
//!
//! Keys go through the real keymap and `App::update`, and each job the app returns runs
//! synchronously through `worker::run_job`, the function the worker thread calls. The one
//! value masked is the temporary directory in source paths.

#![cfg(feature = "store")]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use scimtrail::case::Case;
use scimtrail::tui::{Action, App, Job, keymap, ui, worker};
use tempfile::TempDir;

/// The correlation id that links Okta and Entra events in the demo case.
const RUN_ID: &str = "b7e0c5d2-4a3f-4f8e-9c1a-6d2e8f0a1b3c";
/// What snapshots show in place of the demo case's temporary directory.
const CASE_DIR_MASK: &str = "<case-dir>";

struct Harness {
    case: Case,
    case_dir: String,
    app: App,
    _dir: TempDir,
}

impl Harness {
    fn new() -> Harness {
        let dir = TempDir::new().expect("temporary directory");
        let path = dir.path().join("demo.duckdb");
        scimtrail::demo::build(&path).expect("demo case builds");
        let case = Case::open(&path).expect("demo case opens");
        let mut harness = Harness {
            case,
            case_dir: dir.path().display().to_string(),
            app: App::new("rita.reviewer".into(), "demo.duckdb".into()),
            _dir: dir,
        };
        let job = harness.app.initial_job();
        harness.run(job);
        harness
    }

    fn run(&mut self, job: Job) {
        let result = self.mask_paths(worker::run_job(&self.case, job));
        self.apply(result);
    }

    fn apply(&mut self, action: Action) {
        if let Some(job) = self.app.update(action) {
            self.run(job);
        }
    }

    fn mask_paths(&self, mut action: Action) -> Action {
        if let Action::TraceLoaded {
            result: Ok(trace), ..
        } = &mut action
        {
            for event in &mut trace.events {
                event.source_path = event.source_path.replace(&self.case_dir, CASE_DIR_MASK);
            }
        }
        action
    }

    fn press(&mut self, code: KeyCode) {
        let key = KeyEvent::new(code, KeyModifiers::NONE);
        let action = keymap::action_for(self.app.mode(), key)
            .unwrap_or_else(|| panic!("{code:?} does nothing in {:?}", self.app.mode()));
        self.apply(action);
    }

    fn keys(&mut self, text: &str) {
        text.chars().for_each(|c| self.press(KeyCode::Char(c)));
    }

    fn trace_run_id(&mut self) {
        self.press(KeyCode::Char('2'));
        self.press(KeyCode::Char('/'));
        self.keys(RUN_ID);
        self.press(KeyCode::Enter);
    }

    fn render(&self, width: u16, height: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
        terminal
            .draw(|frame| ui::render(frame, &self.app))
            .expect("draw");
        terminal.backend().to_string()
    }
}

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn assert_screens(name: &str, harness: &Harness) {
    for (width, height) in SIZES {
        let screen = harness.render(width, height);
        insta::assert_snapshot!(format!("{name}_{width}x{height}"), screen);
    }
}

#[test]
fn identities_screen() {
    let harness = Harness::new();
    assert_screens("identities", &harness);
}

#[test]
fn identities_filtered() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Char('/'));
    harness.keys("svc");
    assert_screens("identities_filter_typing", &harness);
    harness.press(KeyCode::Enter);
    harness.press(KeyCode::Char('j'));
    insta::assert_snapshot!("identities_filter_kept_80x24", harness.render(80, 24));
}

#[test]
fn trace_screen() {
    let mut harness = Harness::new();
    harness.trace_run_id();
    assert_eq!(
        harness.app.trace.events.len(),
        6,
        "scenario C has 5 events and the sign-in of their Okta session"
    );
    harness.press(KeyCode::Char('j'));
    harness.press(KeyCode::Char('j'));
    assert_screens("trace", &harness);
    harness.press(KeyCode::Char('J'));
    insta::assert_snapshot!("trace_detail_scrolled_80x24", harness.render(80, 24));
}

#[test]
fn trace_empty_and_prompt() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Tab);
    assert_screens("trace_empty", &harness);
    harness.press(KeyCode::Char('i'));
    harness.keys("102aliceSess0001");
    insta::assert_snapshot!("trace_prompt_80x24", harness.render(80, 24));
}

#[test]
fn trace_picker() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Char('2'));
    harness.press(KeyCode::Char('g'));
    assert_screens("trace_picker", &harness);
    harness.keys("b7e0");
    insta::assert_snapshot!("trace_picker_typed_80x24", harness.render(80, 24));
    harness.press(KeyCode::Enter);
    assert_eq!(harness.app.trace.query.as_deref(), Some(RUN_ID));
}

#[test]
fn trace_unknown_actor() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Char('2'));
    harness.press(KeyCode::Char('/'));
    harness.keys("102malSess0099");
    harness.press(KeyCode::Enter);
    insta::assert_snapshot!("trace_unknown_actor_120x40", harness.render(120, 40));
}

#[test]
fn review_screen() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Char('3'));
    harness.press(KeyCode::Char('/'));
    harness.keys("carol");
    harness.press(KeyCode::Enter);
    harness.press(KeyCode::Char('r'));
    harness.keys("Deactivated in September, still signing in");
    harness.press(KeyCode::Enter);
    harness.press(KeyCode::Esc);
    harness.press(KeyCode::Char('f'));
    harness.keys("Inactive in SCIM but granting tokens in Okta");
    assert_screens("review_prompt", &harness);
    harness.press(KeyCode::Enter);
    assert_screens("review", &harness);
}

#[test]
fn review_refuses_empty_justification() {
    let mut harness = Harness::new();
    harness.press(KeyCode::Char('3'));
    harness.press(KeyCode::Char('f'));
    harness.press(KeyCode::Enter);
    insta::assert_snapshot!("review_empty_justification_80x24", harness.render(80, 24));
}

#[test]
fn help_overlay() {
    let mut harness = Harness::new();
    for screen in ['1', '2', '3'] {
        harness.press(KeyCode::Char(screen));
        harness.press(KeyCode::Char('?'));
        let title = harness.app.screen.title().to_lowercase();
        assert_screens(&format!("help_{title}"), &harness);
        harness.press(KeyCode::Esc);
    }
}

#[test]
fn terminal_too_small() {
    let harness = Harness::new();
    insta::assert_snapshot!("too_small_60x20", harness.render(60, 20));
}
