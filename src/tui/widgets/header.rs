//! The header line: screen tabs, the case, the reviewer and the spinner of running jobs.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Tabs};

use super::theme;
use crate::tui::app::{App, Screen};

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let [tabs_area, info_area] =
        Layout::horizontal([Constraint::Length(40), Constraint::Fill(1)]).areas(area);
    let titles = Screen::ALL
        .iter()
        .enumerate()
        .map(|(index, screen)| format!("{} {}", index + 1, screen.title()));
    let selected = Screen::ALL.iter().position(|&s| s == app.screen);
    let tabs = Tabs::new(titles)
        .select(selected)
        .style(Style::new().fg(Color::Gray))
        .highlight_style(
            Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
        )
        .divider("|");
    frame.render_widget(tabs, tabs_area);
    // The case name is dropped first when the line does not fit.
    let mut info = info_line(app, true);
    if info.width() > usize::from(info_area.width) {
        info = info_line(app, false);
    }
    frame.render_widget(Paragraph::new(info).right_aligned(), info_area);
}

fn info_line(app: &App, with_case: bool) -> Line<'static> {
    let mut spans = Vec::new();
    if app.requests.busy() {
        let text = format!("{} loading… ", theme::spinner_frame(app.spinner));
        spans.push(Span::styled(text, Style::new().fg(Color::Yellow)));
    }
    if with_case {
        spans.push(Span::styled("case ", theme::DIM));
        spans.push(Span::raw(theme::evidence(&app.case_name)));
        spans.push(Span::raw("  "));
    }
    spans.push(Span::styled("reviewer ", theme::DIM));
    spans.push(Span::styled(
        theme::evidence(&app.reviewer),
        Style::new().add_modifier(Modifier::BOLD),
    ));
    spans.push(Span::raw(" "));
    Line::from(spans)
}
