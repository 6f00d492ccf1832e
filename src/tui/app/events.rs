//! The Events screen: the filter prompt, paging through the database, the histogram's
//! zoom and the pivot into a trace.

use crate::case::{EventFilter, PageAt};
use crate::tui::state::{ListCursor, TextInput};
use crate::tui::worker::{EVENT_PAGE_ROWS, Job};

use super::{App, Prompt, Screen};

impl App {
    /// `/`: the identity filter on the identity screens, the event filter on Events.
    pub(super) fn start_filter(&mut self) {
        self.prompt = Some(match self.screen {
            Screen::Events => Prompt::EventFilter(self.events.filter_text.clone()),
            _ => Prompt::Filter,
        });
    }

    /// Returns the job that loads the page at `at` of the current filter, whose
    /// `position` is as [`Job::LoadEvents`] describes it, with the count and histogram when
    /// `with_summary`.
    pub(super) fn request_events(
        &mut self,
        at: PageAt,
        position: usize,
        with_summary: bool,
    ) -> Job {
        let request = self.requests.issue();
        self.requests.events = Some(request);
        Job::LoadEvents {
            request,
            filter: self.events.filter.clone(),
            at,
            position,
            with_summary,
        }
    }

    /// R on Events: reads the shown page again from its first row, with a new count.
    pub(super) fn reload_event_page(&mut self) -> Job {
        self.events.pending_target = Some(self.events.position());
        match self.events.rows.first() {
            Some(first) => {
                let at = PageAt::From(first.key);
                self.request_events(at, self.events.page_offset, true)
            }
            None => self.request_events(PageAt::First, 0, true),
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
        self.request_events(PageAt::First, 0, true)
    }

    /// Applies a cursor move to the position among all matching events; a position off
    /// the loaded page loads a page that contains it. Pages are read by keyset: the first or
    /// the last page for a target near either end, else the page just after or before the
    /// loaded one, found from its last or first row. A move that would skip a whole page
    /// stops in the neighbouring page.
    pub(super) fn move_event_cursor(
        &mut self,
        change: impl FnOnce(&mut ListCursor, usize),
    ) -> Option<Job> {
        let total = self.events.total?;
        let mut global = self.events.cursor.clone();
        global.selected = self.events.position();
        change(&mut global, total);
        let target = global.selected;
        let view = &self.events;
        if view.holds(target) {
            self.events.cursor.selected = target - view.page_offset;
            return None;
        }
        let end = view.page_offset + view.rows.len();
        let (at, position, target) = if target < EVENT_PAGE_ROWS {
            (PageAt::First, 0, target)
        } else if target.saturating_add(EVENT_PAGE_ROWS) >= total {
            (PageAt::Last, total, target)
        } else if target >= end {
            let last = view.rows.last()?;
            let target = target.min(end + EVENT_PAGE_ROWS - 1);
            (PageAt::After(last.key), end, target)
        } else {
            let first = view.rows.first()?;
            let target = target.max(view.page_offset.saturating_sub(EVENT_PAGE_ROWS));
            (PageAt::Before(first.key), view.page_offset, target)
        };
        self.events.pending_target = Some(target);
        Some(self.request_events(at, position, false))
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
