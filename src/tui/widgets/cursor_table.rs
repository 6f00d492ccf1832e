//! A table that scrolls with a [`ListCursor`].

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Table, TableState};

use super::theme;
use crate::tui::state::ListCursor;

/// Draws `table` with the cursor's row selected, then stores the scroll offset that
/// ratatui computed, the page size `page_rows` and the first row's screen position back
/// into the cursor. Every caller's table has a border and a one-row header, so its first
/// row is drawn two rows below `area`'s top.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    table: Table<'_>,
    cursor: &ListCursor,
    row_count: usize,
    page_rows: u16,
) {
    let table = table
        .row_highlight_style(theme::SELECTED)
        .highlight_symbol("▶ ");
    let selected = (row_count > 0).then_some(cursor.selected);
    let mut state = TableState::default()
        .with_offset(cursor.offset.get())
        .with_selected(selected);
    frame.render_stateful_widget(table, area, &mut state);
    cursor.offset.set(state.offset());
    cursor.page_rows.set(usize::from(page_rows));
    cursor.first_row_y.set(Some(area.y + 2));
}
