//! The frame layout: header, the current screen, status line and footer, with overlays
//! on top. The terminal, the snapshot tests and the screenshots all draw through [`render`].

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::app::{App, Prompt, Screen};
use super::screens::{events, findings, help, identities, overview, review, sql, trace};
use super::widgets::{footer, header, prompt, status, theme};

/// The smallest terminal the layout is designed for, in columns and rows.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

pub fn render(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        render_too_small(frame, area);
        app.palette.apply(frame.buffer_mut());
        return;
    }
    let [header_area, body_area, status_area, footer_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(status::height(app, area.width)),
        Constraint::Length(1),
    ])
    .areas(area);
    header::render(frame, header_area, app);
    match app.screen {
        Screen::Identities => identities::render(frame, body_area, app),
        Screen::Trace => trace::render(frame, body_area, app),
        Screen::Review => review::render(frame, body_area, app),
        Screen::Events => events::render(frame, body_area, app),
        Screen::Overview => overview::render(frame, body_area, app),
        Screen::Sql => sql::render(frame, body_area, app),
    }
    if let Some(Prompt::Export(input)) = &app.prompt {
        let context = vec![
            Line::styled(
                "A relative name is created in the current folder.",
                theme::DIM,
            ),
            Line::styled(
                "A name ending in .json writes JSON, any other CSV.",
                theme::DIM,
            ),
        ];
        let title = format!("Export {}", app.screen.title());
        prompt::render(frame, body_area, &title, context, input);
    }
    if let Some(view) = &app.explain {
        findings::render(frame, body_area, app, view);
    }
    if app.help_open {
        help::render(frame, body_area, app);
    }
    status::render(frame, status_area, app);
    footer::render(frame, footer_area, app);
    app.palette.apply(frame.buffer_mut());
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
