//! The TUI's state and the one function that changes it, [`App::update`].

mod console;
mod events;
mod explain;
mod export;
mod navigation;
mod prompts;
mod results;
mod search;
mod trace_actions;

use std::sync::Arc;

use crate::model::Verdict;

use super::action::Action;
use super::keymap::Mode;
use super::state::search::Step;
use super::state::{
    EventsView, IdentityList, ListCursor, Picker, SqlConsole, TextInput, TraceView,
};
use super::widgets::theme::Palette;
use super::widgets::zone::Zone;
use super::worker::{Job, KnownId, ReviewSetup};
use crate::case::Overview;

pub use explain::ExplainView;
pub use results::Requests;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Identities,
    Trace,
    Review,
    Events,
    Overview,
    Sql,
}

impl Screen {
    /// The screens in tab order; a screen's number key is its position plus one.
    pub const ALL: [Screen; 6] = [
        Screen::Identities,
        Screen::Trace,
        Screen::Review,
        Screen::Events,
        Screen::Overview,
        Screen::Sql,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Screen::Identities => "Identities",
            Screen::Trace => "Trace",
            Screen::Review => "Review",
            Screen::Events => "Events",
            Screen::Overview => "Overview",
            Screen::Sql => "SQL",
        }
    }

    fn index(self) -> usize {
        Screen::ALL.iter().position(|&s| s == self).unwrap_or(0)
    }

    fn next(self) -> Screen {
        Screen::ALL[(self.index() + 1) % Screen::ALL.len()]
    }

    fn previous(self) -> Screen {
        Screen::ALL[(self.index() + Screen::ALL.len() - 1) % Screen::ALL.len()]
    }
}

/// The prompt or picker that has the keyboard, if any.
#[derive(Debug)]
pub enum Prompt {
    /// Typing into the identity filter, whose text lives in [`IdentityList::filter`].
    Filter,
    TraceId(TextInput),
    Picker(Picker),
    Justification(JustificationPrompt),
    /// Editing the Events filter; Enter applies the text.
    EventFilter(TextInput),
    /// The file name that Ctrl-E exports the current view to.
    Export(TextInput),
    /// A query of the SQL console.
    Sql(TextInput),
    /// The note of a bookmark on a trace event.
    Bookmark(BookmarkPrompt),
    /// The text that `/` searches the Trace or SQL list for.
    Search(TextInput),
}

/// The note prompt of a bookmark that is about to be added.
#[derive(Debug)]
pub struct BookmarkPrompt {
    pub event_key: i64,
    pub input: TextInput,
}

/// The justification prompt of a decision that is about to be recorded.
#[derive(Debug)]
pub struct JustificationPrompt {
    pub verdict: Verdict,
    pub identity_key: String,
    /// The identity's name as the list shows it.
    pub label: String,
    /// Further identities, marked with Space, that receive the same decision.
    pub also: Vec<String>,
    pub input: TextInput,
}

/// The detail of one identity: its key at once, its data when the worker has loaded it.
#[derive(Debug)]
pub struct DetailView {
    pub identity_key: String,
    pub data: Option<crate::case::IdentityDetail>,
    /// The first line shown of the scrolled detail text.
    pub scroll: u16,
}

/// The message in the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub is_error: bool,
}

#[derive(Debug)]
pub struct App {
    pub screen: Screen,
    /// The reviewer name that decisions are recorded under.
    pub reviewer: String,
    /// The case file's name, for the header.
    pub case_name: String,
    /// The rules and campaign that loads and decisions run with.
    pub review: Arc<ReviewSetup>,
    pub identities: IdentityList,
    pub trace: TraceView,
    pub events: EventsView,
    /// The Overview screen's data, once loaded.
    pub overview: Option<Overview>,
    pub console: SqlConsole,
    /// The identity detail shown over the Identities screen, if open.
    pub detail: Option<DetailView>,
    /// The picker's IDs, loaded when the picker first opens.
    pub known_ids: Option<Vec<KnownId>>,
    pub prompt: Option<Prompt>,
    /// The findings overlay, if open.
    pub explain: Option<ExplainView>,
    pub help_open: bool,
    /// The colours the frame is drawn with.
    pub palette: Palette,
    /// The zone times are drawn in.
    pub zone: Zone,
    pub status: Option<Status>,
    pub requests: Requests,
    /// The spinner's frame, advanced by ticks while a job runs.
    pub spinner: usize,
    pub should_quit: bool,
    pub worker_stopped: bool,
}

impl App {
    pub fn new(reviewer: String, case_name: String) -> App {
        App {
            screen: Screen::Identities,
            reviewer,
            case_name,
            review: Arc::default(),
            identities: IdentityList::default(),
            trace: TraceView::default(),
            events: EventsView::default(),
            overview: None,
            console: SqlConsole::default(),
            detail: None,
            known_ids: None,
            prompt: None,
            explain: None,
            help_open: false,
            palette: Palette::default(),
            zone: Zone::default(),
            status: None,
            requests: Requests::default(),
            spinner: 0,
            should_quit: false,
            worker_stopped: false,
        }
    }

    /// Sets the rules whose findings are shown and the campaign whose items the Review
    /// screen lists and whose id each decision carries.
    pub fn with_review(mut self, review: ReviewSetup) -> App {
        self.review = Arc::new(review);
        self
    }

    /// Issues the load that fills the app when it starts and returns its job. Its result
    /// requests the findings next, so the identity list is drawn before the rules run.
    pub fn initial_job(&mut self) -> Job {
        self.request_identities()
    }

    /// Returns the mode that decides how the keymap reads keys.
    pub fn mode(&self) -> Mode {
        if self.help_open {
            return Mode::Help(self.screen);
        }
        match &self.prompt {
            None if self.explain.is_some() => Mode::Explain,
            None if self.screen == Screen::Identities && self.detail.is_some() => Mode::Detail,
            None => Mode::Normal(self.screen),
            Some(Prompt::Filter) => Mode::Filter,
            Some(Prompt::TraceId(_)) => Mode::TraceInput,
            Some(Prompt::Picker(_)) => Mode::Picker,
            Some(Prompt::Justification(_)) => Mode::Justification,
            Some(Prompt::EventFilter(_)) => Mode::EventFilter,
            Some(Prompt::Export(_)) => Mode::Export,
            Some(Prompt::Sql(_)) => Mode::SqlInput,
            Some(Prompt::Bookmark(_)) => Mode::BookmarkNote,
            Some(Prompt::Search(_)) => Mode::SearchInput,
        }
    }

    /// Applies `action` and returns the job it needs from the database worker, if any.
    pub fn update(&mut self, action: Action) -> Option<Job> {
        if action.is_user_input() {
            self.status = None;
        }
        match action {
            Action::Quit => self.should_quit = true,
            Action::NextScreen => return self.show_screen(self.screen.next()),
            Action::PreviousScreen => return self.show_screen(self.screen.previous()),
            Action::ShowScreen(screen) => return self.show_screen(screen),
            Action::ToggleHelp => self.help_open = !self.help_open,
            Action::Back => return self.back(),
            Action::MoveUp => return self.move_cursor(|c, len| c.move_by(-1, len)),
            Action::MoveDown => return self.move_cursor(|c, len| c.move_by(1, len)),
            Action::PageUp => return self.move_cursor(ListCursor::page_up),
            Action::PageDown => return self.move_cursor(ListCursor::page_down),
            Action::First => return self.move_cursor(|c, _| c.first()),
            Action::Last => return self.move_cursor(ListCursor::last),
            Action::ScrollDetailUp => self.scroll_detail(-1),
            Action::ScrollDetailDown => self.scroll_detail(1),
            Action::Explain => self.toggle_explain(),
            Action::ScrollExplain(delta) => self.scroll_explain(i32::from(delta)),
            Action::Open => return self.open_selected(),
            Action::Reload => return Some(self.reload()),
            Action::StartFilter => self.start_filter(),
            Action::StartTraceInput => self.prompt = Some(Prompt::TraceId(TextInput::default())),
            Action::StartSearch => self.start_search(),
            Action::SearchNext => self.search_step(Step::Next),
            Action::SearchPrevious => self.search_step(Step::Previous),
            Action::OpenPicker => return self.open_picker(),
            Action::StartBookmark => self.start_bookmark(),
            Action::TraceActor => return self.trace_actor(),
            Action::TraceLinkValue => return self.trace_link_value(),
            Action::StartDecision(verdict) => self.start_decision(verdict),
            Action::ToggleMark => self.toggle_mark(),
            Action::MoveBucket(delta) => self.events.move_bucket(delta),
            Action::ZoomIn => return self.zoom_in(),
            Action::ZoomOut => return self.zoom_out(),
            Action::StartExport => self.start_export(),
            Action::CyclePalette => {
                self.palette = self.palette.next();
                self.set_status(format!("Colours: {}.", self.palette.name()), false);
            }
            Action::ToggleZone => {
                self.zone = self.zone.toggle();
                self.set_status(format!("Times in {}.", self.zone.label()), false);
            }
            Action::Click { y } => self.click_row(y),
            Action::OpenConsole => self.open_console(),
            Action::BrowseHistory(delta) => self.browse_history(delta),
            Action::ScrollColumns(delta) => self.console.scroll_columns(isize::from(delta)),
            Action::InputChar(c) => self.input_char(c),
            Action::InputBackspace => self.input_backspace(),
            Action::InputSubmit => return self.input_submit(),
            Action::InputCancel => self.input_cancel(),
            Action::Tick => {
                if self.requests.busy() {
                    self.spinner = self.spinner.wrapping_add(1);
                }
            }
            Action::Resize => {}
            result => return self.apply_result(result),
        }
        None
    }

    pub fn set_status(&mut self, text: impl Into<String>, is_error: bool) {
        self.status = Some(Status {
            text: text.into(),
            is_error,
        });
    }

    fn request_identities(&mut self) -> Job {
        let request = self.requests.issue();
        self.requests.identities = Some(request);
        Job::LoadIdentities {
            request,
            review: Arc::clone(&self.review),
        }
    }

    fn request_findings(&mut self) -> Job {
        let request = self.requests.issue();
        self.requests.findings = Some(request);
        Job::LoadFindings {
            request,
            review: Arc::clone(&self.review),
        }
    }

    /// Switches to `screen` and returns the load it needs the first time it is shown.
    fn show_screen(&mut self, screen: Screen) -> Option<Job> {
        self.screen = screen;
        self.explain = None;
        self.identities.set_scoped(screen == Screen::Review);
        match screen {
            Screen::Overview if self.overview.is_none() && self.requests.overview.is_none() => {
                Some(self.request_overview())
            }
            Screen::Events if !self.events.loaded && self.requests.events.is_none() => {
                Some(self.request_events(crate::case::PageAt::First, 0, true))
            }
            _ => None,
        }
    }

    /// R: reloads the data of the screen shown, the Overview's or the Events', else the
    /// identities.
    fn reload(&mut self) -> Job {
        match self.screen {
            Screen::Overview => self.request_overview(),
            Screen::Events => self.reload_event_page(),
            _ => self.request_identities(),
        }
    }

    fn request_overview(&mut self) -> Job {
        let request = self.requests.issue();
        self.requests.overview = Some(request);
        Job::LoadOverview { request }
    }
}

#[cfg(test)]
mod tests;
