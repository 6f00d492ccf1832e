//! The Events screen: the filter prompt, paging through the database, the histogram's
//! zoom and the pivot into a trace.

use crate::case::EventFilter;
use crate::tui::state::{EventsView, ListCursor, TextInput};
use crate::tui::worker::Job;

use super::{App, Prompt, Screen};

impl App {
    /// `/`: the identity filter on the identity screens, the event filter on Events.
    pub(super) fn start_filter(&mut self) {
        self.prompt = Some(match self.screen {
            Screen::Events => Prompt::EventFilter(self.events.filter_text.clone()),
            _ => Prompt::Filter,
        });
    }

    /// Returns the job that loads the page at `offset` of the current filter, with the
    /// count and histogram when `with_summary`.
    pub(super) fn request_events(&mut self, offset: usize, with_summary: bool) -> Job {
        let request = self.requests.issue();
        self.requests.events = Some(request);
        Job::LoadEvents {
            request,
            filter: self.events.filter.clone(),
            offset,
            with_summary,
        }
    }

    /// Applies the filter text, or keeps the prompt open with the parse error.
    pub(super) fn submit_event_filter(&mut self, input: TextInput) -> Option<Job> {
        match EventFilter::parse(input.as_str()) {
            Ok(filter) => {
                self.events.filter_text = input;
                self.events.filter = filter;
                self.events.zoom_stack.clear();
                Some(self.reload_events())
            }
            Err(err) => {
                self.set_status(format!("Invalid filter: {err}"), true);
                self.prompt = Some(Prompt::EventFilter(input));
                None
            }
        }
    }

    /// Starts over at the first matching event, with a new count and histogram.
    fn reload_events(&mut self) -> Job {
        self.events.pending_target = Some(0);
        self.events.cursor.reset();
        self.request_events(0, true)
    }

    /// Applies a cursor move to the position among all matching events; a position off
    /// the loaded page loads the page that holds it.
    pub(super) fn move_event_cursor(
        &mut self,
        change: impl FnOnce(&mut ListCursor, usize),
    ) -> Option<Job> {
        let total = self.events.total?;
        let mut global = self.events.cursor.clone();
        global.selected = self.events.position();
        change(&mut global, total);
        let target = global.selected;
        if self.events.holds(target) {
            self.events.cursor.selected = target - self.events.page_offset;
            return None;
        }
        self.events.pending_target = Some(target);
        Some(self.request_events(EventsView::page_of(target), false))
    }

    /// z: narrows the time range to the selected histogram slice.
    pub(super) fn zoom_in(&mut self) -> Option<Job> {
        if self.screen != Screen::Events {
            return None;
        }
        let (since, until) = self.events.histogram.bucket_range(self.events.bucket)?;
        let previous = (self.events.filter.since, self.events.filter.until);
        self.events.zoom_stack.push(previous);
        self.events.filter.since = Some(since);
        self.events.filter.until = Some(until);
        self.events.bucket = 0;
        Some(self.reload_events())
    }

    /// Z: returns to the time range before the last zoom.
    pub(super) fn zoom_out(&mut self) -> Option<Job> {
        if self.screen != Screen::Events {
            return None;
        }
        let (since, until) = self.events.zoom_stack.pop()?;
        self.events.filter.since = since;
        self.events.filter.until = until;
        Some(self.reload_events())
    }

    /// Esc on Events: zooms out, else clears an applied filter.
    pub(super) fn events_back(&mut self) -> Option<Job> {
        if !self.events.zoom_stack.is_empty() {
            return self.zoom_out();
        }
        if self.events.filter == EventFilter::default() {
            return None;
        }
        self.events.filter_text.clear();
        self.events.filter = EventFilter::default();
        Some(self.reload_events())
    }

    /// Enter on Events: traces the selected event's correlation, session, request or
    /// event id.
    pub(super) fn trace_selected_event(&mut self) -> Option<Job> {
        let event = self.events.selected()?;
        let Some(id) = event.trace_id().map(str::to_string) else {
            self.set_status(
                "This event has no correlation, session, request or event id to trace.",
                false,
            );
            return None;
        };
        Some(self.start_trace(id))
    }
}
