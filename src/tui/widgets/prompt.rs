//! A one-line text prompt in a centred box, used for the trace ID, justifications and
//! the search of a list.

use ratatui::Frame;
use ratatui::layout::{Constraint, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::theme;
use crate::tui::state::TextInput;

/// The prompt box's width in columns, less on narrower terminals.
const PROMPT_WIDTH: u16 = 72;

/// Draws a prompt titled `title` with `context` lines above the input and places the
/// terminal cursor after the typed text.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    context: Vec<Line<'static>>,
    input: &TextInput,
) {
    let height = u16::try_from(context.len())
        .unwrap_or(u16::MAX)
        .saturating_add(3);
    let popup = area.centered(
        Constraint::Length(PROMPT_WIDTH.min(area.width)),
        Constraint::Length(height),
    );
    frame.render_widget(Clear, popup);
    let block = Block::bordered().title(theme::title(title));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);

    // The field's columns: the inner width less the "> " marker and one column for the cursor.
    let field_width = usize::from(inner.width.saturating_sub(3));
    let typed = theme::evidence(input.tail(field_width));
    let mut lines = context;
    lines.push(Line::from(vec![
        Span::styled("> ", theme::LABEL),
        Span::raw(typed.clone()),
    ]));
    let input_row = inner.y + u16::try_from(lines.len() - 1).unwrap_or(0);
    frame.render_widget(Paragraph::new(lines), inner);

    let typed_width = u16::try_from(typed.chars().count()).unwrap_or(0);
    frame.set_cursor_position(Position::new(inner.x + 2 + typed_width, input_row));
}

/// Returns the hint above the input of the search prompt that `/` opens on the Trace
/// and SQL screens.
pub fn search_context() -> Vec<Line<'static>> {
    vec![Line::styled(
        "Text in a row, any case. Then n and N go to the next and previous.",
        theme::DIM,
    )]
}
