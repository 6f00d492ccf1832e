//! The fuzzy picker over known correlation, session and request IDs.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Row, Table};

use super::{cursor_table, theme};
use crate::tui::state::Picker;
use crate::tui::worker::KnownId;

/// Draws the picker over the middle of `area`. `ids` is `None` while they load.
pub fn render(frame: &mut Frame, area: Rect, picker: &Picker, ids: Option<&[KnownId]>) {
    let popup = area.centered(Constraint::Percentage(80), Constraint::Percentage(80));
    frame.render_widget(Clear, popup);
    let block = Block::bordered().title(theme::title("Pick an ID to trace"));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [input_area, list_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);

    let typed = theme::evidence(
        picker
            .input
            .tail(usize::from(input_area.width.saturating_sub(3))),
    );
    let input = Line::from(vec![
        Span::styled("> ", theme::LABEL),
        Span::raw(typed.clone()),
    ]);
    frame.render_widget(Paragraph::new(input), input_area);
    let typed_width = u16::try_from(typed.chars().count()).unwrap_or(0);
    frame.set_cursor_position(Position::new(input_area.x + 2 + typed_width, input_area.y));

    match ids {
        None => frame.render_widget(Paragraph::new("Loading IDs…").style(theme::DIM), list_area),
        Some(ids) if picker.ranked.is_empty() => {
            let text = if ids.is_empty() {
                "The case has no shared IDs."
            } else {
                "No ID matches; Enter traces the typed text."
            };
            frame.render_widget(Paragraph::new(text).style(theme::DIM), list_area);
        }
        Some(ids) => render_list(frame, list_area, picker, ids),
    }
}

fn render_list(frame: &mut Frame, area: Rect, picker: &Picker, ids: &[KnownId]) {
    let row = |position: usize| {
        let known = picker
            .ranked
            .get(position)
            .and_then(|&index| ids.get(index));
        let Some(known) = known else {
            return Row::default();
        };
        let count = format!("{:>6}", known.count);
        Row::new(vec![
            theme::evidence(&known.id),
            theme::evidence(&known.kind),
            count,
        ])
    };
    let widths = [
        Constraint::Fill(1),
        Constraint::Length(11),
        Constraint::Length(6),
    ];
    let header = Row::new(["ID", "kind", "events"]).style(theme::HEADER_ROW);
    let table = Table::default().widths(widths).header(header);
    let page_rows = area.height.saturating_sub(1);
    cursor_table::render(
        frame,
        area,
        table,
        &picker.cursor,
        picker.ranked.len(),
        page_rows,
        row,
    );
}
