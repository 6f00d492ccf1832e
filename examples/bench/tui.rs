//! Key press to finished frame on ratatui's TestBackend, the way the TUI's loop does it:
//! the key's action, the database job it starts (run inline, as the worker thread would),
//! the result applied, and the frame drawn.

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use scimtrail::case::Case;
use scimtrail::tui::app::Screen as View;
use scimtrail::tui::{Action, App, Job, ui, worker};

const WIDTH: u16 = 160;
const HEIGHT: u16 = 48;

pub struct Screen {
    app: App,
    terminal: Terminal<TestBackend>,
    /// The job that the loaded identity list asked for next (the findings), not yet run.
    pending: Option<Job>,
}

impl Screen {
    /// Opens the app on `case`, loads the identity list and draws the frame that shows
    /// it. Reopening is timed to this frame, the first a reviewer can work in, and not to
    /// the findings: the TUI runs the rules in a later job while the list is shown, so
    /// [`Screen::finish_loading`] runs them apart.
    pub fn open(case: &Case) -> Screen {
        let mut screen = Screen {
            app: App::new("bench".into(), "bench.duckdb".into()),
            terminal: Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("test backend"),
            pending: None,
        };
        let job = screen.app.initial_job();
        let action = worker::run_job(case, job);
        screen.pending = screen.app.update(action);
        assert!(
            screen.app.identities.loaded,
            "the first frame shows the identity list"
        );
        screen.draw();
        screen
    }

    /// Runs the jobs that the first frame left pending, the findings among them, and
    /// draws the frame that shows them. Later figures are then taken on a loaded app.
    pub fn finish_loading(&mut self, case: &Case) {
        if let Some(job) = self.pending.take() {
            self.run(case, job);
        }
        self.draw();
    }

    fn run(&mut self, case: &Case, job: Job) {
        let mut next = Some(job);
        while let Some(job) = next.take() {
            let action = worker::run_job(case, job);
            next = self.app.update(action);
        }
    }

    fn apply(&mut self, case: &Case, action: Action) {
        if let Some(job) = self.app.update(action) {
            self.run(case, job);
        }
    }

    fn draw(&mut self) {
        self.terminal
            .draw(|frame| ui::render(frame, &self.app))
            .expect("draw on the test backend");
    }

    /// Times Down, `presses` times, on the screen shown: the identity list, the trace's
    /// events after [`Screen::trace_submits`], or the Events list.
    pub fn down_keys(&mut self, case: &Case, presses: usize) -> Vec<Duration> {
        (0..presses)
            .map(|_| {
                let started = Instant::now();
                self.apply(case, Action::MoveDown);
                self.draw();
                started.elapsed()
            })
            .collect()
    }

    /// Shows the Events screen, with its first page, count and histogram loaded, and times
    /// Down `presses` times from its first row. Every `worker::EVENT_PAGE_ROWS` presses
    /// one crosses into the next page, whose keyset query is timed with its frame.
    pub fn events_down_keys(&mut self, case: &Case, presses: usize) -> Vec<Duration> {
        self.apply(case, Action::ShowScreen(View::Events));
        self.draw();
        self.down_keys(case, presses)
    }

    /// Times Enter in the trace prompt for each of `ids`: the trace query and the frame.
    pub fn trace_submits(&mut self, case: &Case, ids: &[String]) -> Vec<Duration> {
        ids.iter()
            .map(|id| {
                self.apply(case, Action::StartTraceInput);
                for c in id.chars() {
                    self.apply(case, Action::InputChar(c));
                }
                let started = Instant::now();
                self.apply(case, Action::InputSubmit);
                self.draw();
                started.elapsed()
            })
            .collect()
    }
}
