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

use std::path::{Path, PathBuf};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::case::{Campaign, Case};
use crate::review::rules::RuleSet;
use crate::{Error, Result};

pub use action::Action;
pub use app::App;
pub use worker::Job;

/// The settings the TUI opens with.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The reviewer that decisions are recorded as.
    pub reviewer: String,
    /// Open the case without writing to it, so no decision is recorded.
    pub read_only: bool,
    /// The campaign to work: the Review screen lists its items and every decision carries
    /// its id.
    pub campaign: Option<String>,
    /// A rules file whose findings replace the built-in rules' findings.
    pub rules: Option<PathBuf>,
}

/// Opens the case at `case_path` and runs the TUI until the user quits.
///
/// The rules file, the case and the campaign are all checked before the terminal changes
/// mode, so an error such as an invalid rules file, an unknown campaign or a case locked
/// by another process is printed on the normal screen.
pub fn run(case_path: &Path, options: Options) -> Result<()> {
    let Options {
        reviewer,
        read_only,
        campaign,
        rules,
    } = options;
    let rules = match &rules {
        Some(path) => RuleSet::load(path)?,
        None => RuleSet::builtin(),
    };
    let case = if read_only {
        Case::open_read_only(case_path)?
    } else {
        Case::open(case_path)?
    };
    let campaign = match &campaign {
        Some(id) => Some(campaign_for(&case, id, &reviewer, read_only)?),
        None => None,
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
    let mut app = App::new(reviewer, name).with_review(worker::ReviewSetup { rules, campaign });
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

/// Loads campaign `id` and checks that `reviewer` may decide in it, which every decision
/// would otherwise fail on; a read-only look needs no such check.
fn campaign_for(case: &Case, id: &str, reviewer: &str, read_only: bool) -> Result<Campaign> {
    let campaign = case.campaign(id)?;
    let named = campaign
        .reviewers
        .iter()
        .any(|r| r.eq_ignore_ascii_case(reviewer.trim()));
    if !read_only && !named {
        return Err(Error::InvalidInput(format!(
            "{reviewer} is not a reviewer of campaign {} ({}); pass one of them with --reviewer",
            campaign.campaign_id,
            campaign.reviewers.join(", ")
        )));
    }
    Ok(campaign)
}

fn case_name(case_path: &Path) -> String {
    case_path.file_name().map_or_else(
        || case_path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}
