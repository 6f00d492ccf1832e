//! The frame layout: header, the current screen, status line and footer, with overlays
//! on top. The terminal, the snapshot tests and the screenshots all draw through [`render`].

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::app::{App, Screen};
use super::screens::{help, identities, review, trace};
use super::widgets::{footer, header, status};

/// The smallest terminal the layout is designed for, in columns and rows.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

pub fn render(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        render_too_small(frame, area);
        return;
    }
    let [header_area, body_area, status_area, footer_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    header::render(frame, header_area, app);
    match app.screen {
        Screen::Identities => identities::render(frame, body_area, app),
        Screen::Trace => trace::render(frame, body_area, app),
        Screen::Review => review::render(frame, body_area, app),
    }
    if app.help_open {
        help::render(frame, body_area, app);
    }
    status::render(frame, status_area, app);
    footer::render(frame, footer_area, app);
}

fn render_too_small(frame: &mut Frame, area: Rect) {
    let text = vec![
        Line::from(format!("The terminal is {}×{}.", area.width, area.height)),
        Line::from(format!(
            "scimtrail needs at least {MIN_WIDTH}×{MIN_HEIGHT}."
        )),
        Line::from("Enlarge the window, or press q to quit."),
    ];
    let height = u16::try_from(text.len()).unwrap_or(0);
    let [middle] = Layout::vertical([Constraint::Length(height)])
        .flex(ratatui::layout::Flex::Center)
        .areas(area);
    frame.render_widget(
        Paragraph::new(text).centered().wrap(Wrap { trim: true }),
        middle,
    );
}
