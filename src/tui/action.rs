//! The one message type of the TUI: commands from the keymap and results from the
//! database worker both reach [`App::update`](super::App::update) as an [`Action`].

use crate::case::Overview;
use crate::model::{Decision, Verdict};
use crate::trace::Trace;

use super::app::Screen;
use super::worker::{EventsPage, IdentityData, KnownId};

/// A change to the TUI's state. Worker results carry their error as display text because
/// [`crate::Error`] is not `Clone`.
#[derive(Debug, Clone)]
pub enum Action {
    Quit,
    NextScreen,
    PreviousScreen,
    ShowScreen(Screen),
    ToggleHelp,
    /// Esc outside a prompt: closes the help overlay, else clears the identity filter.
    Back,
    MoveUp,
    MoveDown,
    PageUp,
    PageDown,
    First,
    Last,
    ScrollDetailUp,
    ScrollDetailDown,
    /// Enter outside a prompt; what it opens depends on the screen.
    Open,
    Reload,
    StartFilter,
    StartTraceInput,
    OpenPicker,
    StartDecision(Verdict),
    /// Space on Review: marks or unmarks the selected identity for a bulk decision.
    ToggleMark,
    /// Moves the selected slice of the Events histogram by the given number of slices.
    MoveBucket(i8),
    /// Narrows the Events screen's time range to the selected histogram slice.
    ZoomIn,
    /// Returns to the time range before the last zoom.
    ZoomOut,
    /// Ctrl-E: opens the prompt that exports the current view to a file.
    StartExport,
    /// `;`: shows the SQL console with its query prompt open.
    OpenConsole,
    /// Up and Down in the SQL prompt: the previous or next query of the history.
    BrowseHistory(i8),
    /// Scrolls the SQL result's columns.
    ScrollColumns(i8),
    /// Switches to the next colour palette: dark, light, no colour.
    CyclePalette,
    /// A left click on screen row `y`: selects the list row drawn there.
    Click {
        y: u16,
    },
    InputChar(char),
    InputBackspace,
    InputSubmit,
    InputCancel,
    /// The spinner's clock.
    Tick,
    /// The terminal changed size; only a redraw follows.
    Resize,
    IdentitiesLoaded {
        request: u64,
        result: Result<IdentityData, String>,
    },
    TraceLoaded {
        request: u64,
        result: Result<Trace, String>,
    },
    KnownIdsLoaded {
        request: u64,
        result: Result<Vec<KnownId>, String>,
    },
    DecisionSaved {
        identity_key: String,
        result: Result<Box<Decision>, String>,
    },
    /// The results of a bulk decision, in the order they were recorded.
    DecisionsSaved {
        results: Vec<(String, Result<Decision, String>)>,
    },
    OverviewLoaded {
        request: u64,
        result: Result<Overview, String>,
    },
    EventsLoaded {
        request: u64,
        result: Result<EventsPage, String>,
    },
    DetailLoaded {
        request: u64,
        result: Result<crate::case::IdentityDetail, String>,
    },
    SqlDone {
        request: u64,
        result: Result<crate::tui::console::QueryResult, String>,
    },
    ExportWritten {
        path: String,
        result: Result<usize, String>,
    },
    /// The worker's result channel closed, so its thread has ended.
    WorkerStopped,
}

impl Action {
    /// Returns whether the action comes from a key press, which clears the previous status
    /// message.
    pub fn is_user_input(&self) -> bool {
        !matches!(
            self,
            Action::Tick
                | Action::Resize
                | Action::IdentitiesLoaded { .. }
                | Action::TraceLoaded { .. }
                | Action::KnownIdsLoaded { .. }
                | Action::DecisionSaved { .. }
                | Action::DecisionsSaved { .. }
                | Action::OverviewLoaded { .. }
                | Action::EventsLoaded { .. }
                | Action::ExportWritten { .. }
                | Action::SqlDone { .. }
                | Action::DetailLoaded { .. }
                | Action::WorkerStopped
        )
    }
}
