//! The status line: the latest message, such as an error from the database worker.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::theme;
use crate::tui::app::App;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let Some(status) = &app.status else {
        return;
    };
    let line = if status.is_error {
        Line::from(vec![
            Span::styled(" Error ", Style::new().fg(Color::White).bg(Color::Red)),
            Span::styled(format!(" {}", theme::evidence(&status.text)), theme::ERROR),
        ])
    } else {
        Line::from(Span::raw(format!(" {}", theme::evidence(&status.text))))
    };
    frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: false }), area);
}

/// Returns the rows the status needs at `width`: two when a message is longer than one
/// row, so a rejection's reason is not cut off.
pub fn height(app: &App, width: u16) -> u16 {
    // The error badge and the spaces around the text take 8 columns.
    let needed = app
        .status
        .as_ref()
        .map_or(0, |s| s.text.chars().count() + 8);
    if needed > usize::from(width) { 2 } else { 1 }
}
