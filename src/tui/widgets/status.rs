//! The status line: the latest message, such as an error from the database worker.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

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
    frame.render_widget(Paragraph::new(line), area);
}
