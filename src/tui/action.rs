//! The one message type of the TUI: commands from the keymap and results from the
//! database worker both reach [`App::update`](super::App::update) as an [`Action`].

use crate::case::Overview;
use crate::model::{Decision, Verdict};
use crate::review::findings::Finding;
use crate::trace::TraceReport;

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
    /// `e`: opens or closes the findings overlay of the selected identity.
    Explain,
    /// Scrolls the findings overlay by the given number of lines.
    ScrollExplain(i8),
    /// Enter outside a prompt; what it opens depends on the screen.
    Open,
    Reload,
    StartFilter,
    StartTraceInput,
    /// `/` on Trace and SQL: opens the prompt of a text search over the list.
    StartSearch,
    /// `n`: selects the next row that matches the search, or the filter's words.
    SearchNext,
    /// `N`: selects the previous row that matches the search, or the filter's words.
    SearchPrevious,
    /// `m` on Trace: opens the note prompt that bookmarks the selected event.
    StartBookmark,
    /// Traces the selected event's actor identity, which finds its other sessions.
    TraceActor,
    /// Traces the shared value of the link that joins the selected event to its parent.
    TraceLinkValue,
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
    /// Switches the drawn times between UTC and the local zone.
    ToggleZone,
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
    /// The findings of the review's rules, which arrive after the identities.
    FindingsLoaded {
        request: u64,
        result: Result<Vec<Finding>, String>,
    },
    TraceLoaded {
        request: u64,
        result: Result<Box<TraceReport>, String>,
    },
    BookmarkSaved {
        event_key: i64,
        /// The new bookmark's id.
        result: Result<i64, String>,
    },
    KnownIdsLoaded {
        request: u64,
        result: Result<Vec<KnownId>, String>,
    },
    DecisionSaved {
        identity_key: String,
        result: Result<Box<Decision>, String>,
    },
    /// The result of a bulk decision: every decision in order, or the rejection that
    /// recorded none of them.
    DecisionsSaved {
        identity_keys: Vec<String>,
        result: Result<Vec<Decision>, String>,
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
                | Action::FindingsLoaded { .. }
                | Action::TraceLoaded { .. }
                | Action::BookmarkSaved { .. }
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
