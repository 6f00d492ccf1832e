//! The selected row of a scrolling list.

use std::cell::Cell;
use std::ops::Range;

/// The page size until the first render has measured the list's height.
const DEFAULT_PAGE_ROWS: usize = 10;

/// A selected row index with the scroll offset and page size of the last render. Render
/// functions take the app by shared reference, so they store the offset that ratatui
/// computes in a `Cell`, which keeps scrolling smooth from one frame to the next.
#[derive(Debug, Clone)]
pub struct ListCursor {
    pub selected: usize,
    pub offset: Cell<usize>,
    pub page_rows: Cell<usize>,
    /// The screen row of the first visible list row at the last render, for mouse clicks.
    pub first_row_y: Cell<Option<u16>>,
}

impl Default for ListCursor {
    fn default() -> Self {
        ListCursor {
            selected: 0,
            offset: Cell::new(0),
            page_rows: Cell::new(DEFAULT_PAGE_ROWS),
            first_row_y: Cell::new(None),
        }
    }
}

impl ListCursor {
    /// Moves the selection by `delta` rows within a list of `len` rows.
    pub fn move_by(&mut self, delta: isize, len: usize) {
        let last = len.saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    pub fn page_down(&mut self, len: usize) {
        self.move_by(self.page_delta(), len);
    }

    pub fn page_up(&mut self, len: usize) {
        self.move_by(-self.page_delta(), len);
    }

    pub fn first(&mut self) {
        self.selected = 0;
    }

    pub fn last(&mut self, len: usize) {
        self.selected = len.saturating_sub(1);
    }

    /// Keeps the selection inside a list that now has `len` rows.
    pub fn clamp(&mut self, len: usize) {
        self.selected = self.selected.min(len.saturating_sub(1));
    }

    pub fn reset(&mut self) {
        self.selected = 0;
        self.offset.set(0);
    }

    /// Returns the list index drawn at screen row `y`, if a row of the list is there.
    pub fn index_at(&self, y: u16, len: usize) -> Option<usize> {
        let top = self.first_row_y.get()?;
        let visible_row = usize::from(y.checked_sub(top)?);
        if visible_row >= self.page_rows.get() {
            return None;
        }
        let index = self.offset.get() + visible_row;
        (index < len).then_some(index)
    }

    /// Returns the rows of a list of `len` rows that a page of `page_rows` rows shows, with
    /// the selection inside it. Like ratatui's table, the window keeps the last offset
    /// while the selection stays in view and scrolls only as far as needed to show it. A
    /// caller can so build just these rows and still draw what the whole list would.
    pub fn window(&self, len: usize, page_rows: usize) -> Range<usize> {
        let last = len.saturating_sub(1);
        let selected = self.selected.min(last);
        let mut start = self.offset.get().min(last).min(selected);
        if page_rows == 0 {
            return start..start;
        }
        if selected >= start + page_rows {
            start = selected + 1 - page_rows;
        }
        start..len.min(start + page_rows)
    }

    fn page_delta(&self) -> isize {
        isize::try_from(self.page_rows.get().max(1)).unwrap_or(isize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn move_stays_in_bounds() {
        let mut cursor = ListCursor::default();
        cursor.move_by(-1, 5);
        assert_eq!(cursor.selected, 0);
        cursor.move_by(7, 5);
        assert_eq!(cursor.selected, 4);
        cursor.move_by(1, 0);
        assert_eq!(cursor.selected, 0);
    }

    #[test]
    fn page_uses_rendered_rows() {
        let mut cursor = ListCursor::default();
        cursor.page_rows.set(3);
        cursor.page_down(10);
        assert_eq!(cursor.selected, 3);
        cursor.page_down(10);
        cursor.page_down(10);
        cursor.page_down(10);
        assert_eq!(cursor.selected, 9);
        cursor.page_up(10);
        assert_eq!(cursor.selected, 6);
    }

    #[test]
    fn index_at_maps_rows() {
        let cursor = ListCursor::default();
        assert_eq!(cursor.index_at(5, 10), None, "nothing drawn yet");
        cursor.first_row_y.set(Some(4));
        cursor.offset.set(2);
        cursor.page_rows.set(5);
        assert_eq!(cursor.index_at(4, 10), Some(2));
        assert_eq!(cursor.index_at(8, 10), Some(6));
        assert_eq!(cursor.index_at(9, 10), None, "below the last visible row");
        assert_eq!(cursor.index_at(3, 10), None, "on the header");
        assert_eq!(cursor.index_at(6, 4), None, "past the end of the list");
    }

    #[test]
    fn window_follows_the_selection() {
        let mut cursor = ListCursor::default();
        assert_eq!(cursor.window(0, 5), 0..0);
        assert_eq!(cursor.window(3, 5), 0..3, "a short list shows whole");
        cursor.selected = 4;
        assert_eq!(cursor.window(100, 5), 0..5, "still on the first page");
        cursor.selected = 5;
        assert_eq!(cursor.window(100, 5), 1..6, "one row down scrolls one row");
        cursor.offset.set(1);
        cursor.selected = 3;
        assert_eq!(
            cursor.window(100, 5),
            1..6,
            "moving up inside keeps the offset"
        );
        cursor.selected = 0;
        assert_eq!(cursor.window(100, 5), 0..5, "above the window scrolls up");
        cursor.offset.set(90);
        cursor.selected = 99;
        assert_eq!(cursor.window(100, 20), 90..100);
        cursor.selected = 500;
        assert_eq!(
            cursor.window(100, 20),
            90..100,
            "a stale selection is clamped"
        );
        assert_eq!(cursor.window(100, 0), 90..90);
    }

    #[test]
    fn first_last_and_clamp() {
        let mut cursor = ListCursor::default();
        cursor.last(8);
        assert_eq!(cursor.selected, 7);
        cursor.clamp(3);
        assert_eq!(cursor.selected, 2);
        cursor.first();
        assert_eq!(cursor.selected, 0);
    }
}
