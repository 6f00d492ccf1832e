//! The Events screen's state: the applied filter and time range, one page of rows, the
//! selection among all matching events, and the histogram.

use crate::case::{EventFilter, EventSummary, Histogram};
use crate::tui::worker::EventsPage;

use super::{ListCursor, TextInput};

#[derive(Debug, Default)]
pub struct EventsView {
    /// The filter text as last applied; the prompt edits a copy.
    pub filter_text: TextInput,
    /// The applied filter, with the zoomed time range in its `since` and `until`.
    pub filter: EventFilter,
    /// The time ranges before each zoom, newest last.
    pub zoom_stack: Vec<TimeRange>,
    /// The number of matching events, once counted.
    pub total: Option<usize>,
    /// The position of `rows[0]` among all matching events.
    pub page_offset: usize,
    pub rows: Vec<EventSummary>,
    /// The selected row within `rows`.
    pub cursor: ListCursor,
    /// The row to select, among all matching events, when the requested page arrives.
    pub pending_target: Option<usize>,
    pub histogram: Histogram,
    /// The selected histogram slice.
    pub bucket: usize,
    /// Whether a load has finished, so an empty list means no matching event.
    pub loaded: bool,
}

/// A `since` and `until` pair as the filter contains them.
pub type TimeRange = (Option<chrono::NaiveDateTime>, Option<chrono::NaiveDateTime>);

impl EventsView {
    pub fn selected(&self) -> Option<&EventSummary> {
        self.rows.get(self.cursor.selected)
    }

    /// Returns the selected row's position among all matching events.
    pub fn position(&self) -> usize {
        self.page_offset + self.cursor.selected
    }

    /// Returns whether position `target` is on the loaded page.
    pub fn holds(&self, target: usize) -> bool {
        target >= self.page_offset && target < self.page_offset + self.rows.len()
    }

    /// Applies a loaded page and selects the row that was asked for.
    pub fn set_page(&mut self, page: EventsPage) {
        if let Some(summary) = page.summary {
            self.total = Some(summary.total);
            self.bucket = self
                .bucket
                .min(summary.histogram.counts.len().saturating_sub(1));
            self.histogram = summary.histogram;
        }
        self.page_offset = page.offset;
        self.rows = page.rows;
        self.loaded = true;
        let target = self.pending_target.take().unwrap_or(page.offset);
        self.cursor.selected = target.saturating_sub(page.offset);
        self.cursor.clamp(self.rows.len());
    }

    /// Moves the selected histogram slice by `delta`, within the histogram.
    pub fn move_bucket(&mut self, delta: i8) {
        let last = self.histogram.counts.len().saturating_sub(1);
        self.bucket = self
            .bucket
            .saturating_add_signed(isize::from(delta))
            .min(last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::worker::EVENT_PAGE_ROWS;

    fn page(offset: usize, len: usize) -> EventsPage {
        let row = EventSummary {
            event_key: 0,
            ts: String::new(),
            key: crate::case::EventKey::default(),
            source_format: String::new(),
            action: String::new(),
            outcome: String::new(),
            actor: None,
            client_ip: None,
            correlation_id: None,
            session_id: None,
            request_id: None,
            event_id: None,
        };
        EventsPage {
            offset,
            rows: vec![row; len],
            summary: None,
        }
    }

    #[test]
    fn page_selects_pending_target() {
        let mut view = EventsView {
            pending_target: Some(EVENT_PAGE_ROWS + 5),
            ..EventsView::default()
        };
        view.set_page(page(EVENT_PAGE_ROWS, 10));
        assert_eq!(view.cursor.selected, 5);
        assert_eq!(view.position(), EVENT_PAGE_ROWS + 5);
        assert!(view.holds(EVENT_PAGE_ROWS + 9));
        assert!(!view.holds(EVENT_PAGE_ROWS + 10));
    }

    #[test]
    fn page_before_selects_its_last_row() {
        let mut view = EventsView::default();
        view.set_page(page(400, EVENT_PAGE_ROWS));
        view.pending_target = Some(399);
        view.set_page(page(200, EVENT_PAGE_ROWS));
        assert_eq!(view.cursor.selected, EVENT_PAGE_ROWS - 1);
        assert_eq!(view.position(), 399);
    }

    #[test]
    fn short_page_clamps_the_selection() {
        let mut view = EventsView {
            pending_target: Some(450),
            ..EventsView::default()
        };
        view.set_page(page(400, 20));
        assert_eq!(view.cursor.selected, 19, "the last row there is");
        assert_eq!(view.position(), 419);
        view.set_page(page(0, 0));
        assert_eq!(view.cursor.selected, 0);
        assert!(view.selected().is_none());
    }
}
