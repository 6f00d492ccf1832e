//! The SQL screen: the last query's result as a scrollable table, and the query prompt.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Table};

use crate::tui::app::{App, Prompt};
use crate::tui::console::{QueryResult, ROW_LIMIT};
use crate::tui::widgets::theme::{self, evidence};
use crate::tui::widgets::{cursor_table, prompt};

/// The widest a result column is drawn, in characters.
const MAX_COLUMN_WIDTH: usize = 40;
/// The rows whose cells size the columns; later rows are cut to fit.
const SIZING_ROWS: usize = 200;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let [query_area, table_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    let console = &app.console;
    let query_line = match &console.query {
        Some(query) => Line::from(vec![
            Span::styled(" Query: ", theme::LABEL),
            Span::raw(evidence(query)),
        ]),
        None => Line::styled(
            " Press ; or Enter to type a SELECT query, e.g. select * from sources",
            theme::DIM,
        ),
    };
    frame.render_widget(Paragraph::new(query_line), query_area);
    match &console.result {
        Some(result) => render_result(frame, table_area, app, result),
        None => frame.render_widget(Block::bordered().title(theme::title("Result")), table_area),
    }
    if let Some(Prompt::Search(input)) = &app.prompt {
        let context = prompt::search_context();
        prompt::render(frame, area, "Search", context, input);
    }
    if let Some(Prompt::Sql(input)) = &app.prompt {
        let context = vec![
            Line::styled(
                "One SELECT on the case. Changes are rolled back,",
                theme::DIM,
            ),
            Line::styled("and files outside the case cannot be read.", theme::DIM),
        ];
        prompt::render(frame, area, "SQL query", context, input);
    }
}

fn render_result(frame: &mut Frame, area: Rect, app: &App, result: &QueryResult) {
    let console = &app.console;
    let first = console.first_column.min(result.columns.len());
    let cut = if result.truncated {
        format!(", cut at {ROW_LIMIT}")
    } else {
        String::new()
    };
    let hidden = if first > 0 {
        format!(", columns from {}", first + 1)
    } else {
        String::new()
    };
    let title = format!("Result ({} rows{cut}{hidden})", result.rows.len());
    let block = Block::bordered().title(theme::title(title));
    let page_rows = block.inner(area).height.saturating_sub(1);

    let widths: Vec<Constraint> = (first..result.columns.len())
        .map(|index| Constraint::Length(column_width(result, index)))
        .collect();
    let header = Row::new(result.columns[first..].iter().map(|name| evidence(name)))
        .style(theme::HEADER_ROW);
    let row = |index: usize| Row::new(result.rows[index].iter().skip(first).map(|c| evidence(c)));
    let table = Table::default().widths(widths).header(header).block(block);
    let len = result.rows.len();
    cursor_table::render(frame, area, table, &console.cursor, len, page_rows, row);
}

/// Returns the text of result row `index`, every column's cell as the table shows it,
/// joined by spaces, for the `/` search.
pub fn row_text(result: &QueryResult, index: usize) -> String {
    let Some(row) = result.rows.get(index) else {
        return String::new();
    };
    row.iter()
        .map(|cell| evidence(cell))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Returns the width of column `index`: its widest name or cell among the first rows,
/// at most [`MAX_COLUMN_WIDTH`].
fn column_width(result: &QueryResult, index: usize) -> u16 {
    let cells = result
        .rows
        .iter()
        .take(SIZING_ROWS)
        .filter_map(|row| row.get(index));
    let widest = std::iter::once(&result.columns[index])
        .chain(cells)
        .map(|text| evidence(text).chars().count())
        .max()
        .unwrap_or(1);
    u16::try_from(widest.min(MAX_COLUMN_WIDTH)).unwrap_or(1)
}
