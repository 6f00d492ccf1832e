//! Terminal UI: an Identities list, a Trace view of one ID's events and a Review screen
//! that records decisions, on ratatui and crossterm.
//!
//! Data flows in one loop: crossterm key events become [`Action`]s through [`keymap`],
//! [`App::update`] applies them and may return a [`Job`], the [`worker`] thread runs the
//! job against the case and sends its result back as another `Action`. Rendering reads
//! the `App` only, so the same code draws to the terminal, to tests and to screenshots.

pub mod action;
pub mod app;
pub mod console;
mod event_loop;
pub mod export;
pub mod keymap;
pub mod screens;
mod signals;
pub mod state;
pub mod terminal;
pub mod ui;
pub mod widgets;
pub mod worker;

use std::path::Path;

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::case::Case;
use crate::{Error, Result};

pub use action::Action;
pub use app::App;
pub use worker::Job;

/// Opens the case at `case_path` and runs the TUI until the user quits. Decisions are
/// recorded with `reviewer` as their reviewer, unless the case is opened `read_only`.
///
/// The case is opened before the terminal changes mode, so an error such as a case locked
/// by another process is printed on the normal screen.
pub fn run(case_path: &Path, reviewer: String, read_only: bool) -> Result<()> {
    let case = if read_only {
        Case::open_read_only(case_path)?
    } else {
        Case::open(case_path)?
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        // The signal handlers of `signals` run on the IO driver.
        .enable_io()
        .build()
        .map_err(|err| Error::io("tokio runtime", err))?;
    let (results_tx, results_rx) = tokio::sync::mpsc::unbounded_channel();
    let worker = worker::Worker::spawn(case, results_tx)?;
    let mut name = case_name(case_path);
    if read_only {
        // Shown in the title bar, so a reviewer knows before deciding that nothing is saved.
        name.push_str(" [read-only]");
    }
    let mut app = App::new(reviewer, name);
    app.palette = widgets::theme::Palette::from_env();

    let guard = terminal::enter()?;
    let outcome = Terminal::new(CrosstermBackend::new(std::io::stdout()))
        .map_err(|err| Error::io("terminal", err))
        .and_then(|mut terminal| {
            runtime.block_on(event_loop::run(
                &mut terminal,
                &mut app,
                &worker,
                results_rx,
            ))
        });
    let restored = guard.restore();
    worker.shutdown();

    outcome?;
    restored.map_err(|err| Error::io("terminal", err))?;
    if app.worker_stopped {
        return Err(Error::Case {
            path: case_path.to_path_buf(),
            reason: "the database worker thread failed; the panic message above gives the cause"
                .into(),
        });
    }
    Ok(())
}

fn case_name(case_path: &Path) -> String {
    case_path.file_name().map_or_else(
        || case_path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}
