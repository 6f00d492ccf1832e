//! A table that scrolls with a [`ListCursor`].

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Row, Table, TableState};

use super::theme;
use crate::tui::state::ListCursor;

/// Draws `table` with the rows of the cursor's window, built by `row` from their list
/// index, and the cursor's row selected. It then stores the scroll offset, the page size
/// `page_rows` and the first row's screen position back into the cursor. Building only the
/// window keeps a key press cheap on lists of any length. The rows come out as ratatui
/// would draw the whole list, because the window scrolls the way its table does. Every
/// caller's table has a border and a one-row header, so its first row is drawn two rows
/// below `area`'s top.
pub fn render<'a>(
    frame: &mut Frame,
    area: Rect,
    table: Table<'a>,
    cursor: &ListCursor,
    row_count: usize,
    page_rows: u16,
    row: impl FnMut(usize) -> Row<'a>,
) {
    let window = cursor.window(row_count, usize::from(page_rows));
    let selected = (row_count > 0).then(|| cursor.selected.min(row_count - 1) - window.start);
    let table = table
        .rows(window.clone().map(row))
        .row_highlight_style(theme::SELECTED)
        .highlight_symbol("▶ ");
    let mut state = TableState::default().with_selected(selected);
    frame.render_stateful_widget(table, area, &mut state);
    cursor.offset.set(window.start);
    cursor.page_rows.set(usize::from(page_rows));
    cursor.first_row_y.set(Some(area.y + 2));
}
