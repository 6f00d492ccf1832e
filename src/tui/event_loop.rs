//! The event loop: terminal events, worker results, termination signals and the
//! spinner's clock, with a redraw after each change.

use std::io::Stdout;
use std::time::Duration;

use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::MissedTickBehavior;

use super::action::Action;
use super::app::App;
use super::signals::Signals;
use super::worker::Worker;
use super::{keymap, ui};
use crate::{Error, Result};

/// The spinner's frame interval.
const TICK: Duration = Duration::from_millis(100);

pub async fn run(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    app: &mut App,
    worker: &Worker,
    mut results: UnboundedReceiver<Action>,
) -> Result<()> {
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut worker_alive = true;
    let mut signals = Signals::install()?;

    worker.submit(app.initial_job());
    draw(terminal, app)?;
    while !app.should_quit {
        let action = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => translate(event, app),
                Some(Err(err)) => return Err(Error::io("terminal", err)),
                None => break,
            },
            result = results.recv(), if worker_alive => match result {
                Some(action) => Some(action),
                None => {
                    worker_alive = false;
                    Some(Action::WorkerStopped)
                }
            },
            _ = tick.tick() => Some(Action::Tick),
            name = signals.recv() => {
                tracing::info!(signal = name, "quitting on a signal");
                Some(Action::Quit)
            },
        };
        let Some(action) = action else { continue };
        // An idle tick changes nothing on screen, so it skips the redraw.
        let redraw = !matches!(action, Action::Tick) || app.requests.busy();
        if let Some(job) = app.update(action) {
            worker.submit(job);
        }
        if redraw {
            draw(terminal, app)?;
        }
    }
    Ok(())
}

fn translate(event: Event, app: &App) -> Option<Action> {
    match event {
        Event::Key(key) => keymap::action_for(app.mode(), key),
        Event::Mouse(mouse) => keymap::action_for_mouse(app.mode(), mouse),
        Event::Resize(_, _) => Some(Action::Resize),
        _ => None,
    }
}

fn draw(terminal: &mut Terminal<CrosstermBackend<Stdout>>, app: &App) -> Result<()> {
    terminal
        .draw(|frame| ui::render(frame, app))
        .map(|_| ())
        .map_err(|err| Error::io("terminal", err))
}
