//! The Events screen: every event of the case a page at a time, filtered, with a histogram
//! over time that zooms.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use crate::case::EventSummary;
use crate::tui::app::{App, Prompt};
use crate::tui::widgets::theme::{self, evidence, evidence_or_dash};
use crate::tui::widgets::zone::Zone;
use crate::tui::widgets::{cursor_table, histogram};

const COLUMNS: [(&str, Constraint); 6] = [
    // The header names the zone the times are drawn in; see `render_table`.
    ("Time", Constraint::Length(19)),
    ("Source", Constraint::Length(11)),
    ("Actor", Constraint::Fill(2)),
    ("Action", Constraint::Fill(3)),
    ("Outcome", Constraint::Length(7)),
    ("Client IP", Constraint::Length(15)),
];

/// The width from which the client IP column is shown.
const WIDE_FROM: u16 = 110;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let [filter_area, histogram_area, table_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(histogram::HEIGHT),
        Constraint::Fill(1),
    ])
    .areas(area);
    render_filter(frame, filter_area, app);
    let view = &app.events;
    histogram::render(
        frame,
        histogram_area,
        &view.histogram,
        Some(view.bucket),
        !view.zoom_stack.is_empty(),
        app.zone,
    );
    render_table(frame, table_area, app);
}

fn render_filter(frame: &mut Frame, area: Rect, app: &App) {
    let label = " Filter: ";
    let (text, typing) = match &app.prompt {
        Some(Prompt::EventFilter(input)) => {
            let field = usize::from(area.width).saturating_sub(label.len() + 1);
            (evidence(input.tail(field)), true)
        }
        _ => (evidence(app.events.filter_text.as_str()), false),
    };
    if !typing && text.is_empty() {
        let hint = " Press / to filter, e.g. actor:svc-* outcome:denied since:2026-11-01";
        frame.render_widget(Paragraph::new(Span::styled(hint, theme::DIM)), area);
        return;
    }
    let width = text.chars().count();
    let line = Line::from(vec![Span::styled(label, theme::LABEL), Span::raw(text)]);
    frame.render_widget(Paragraph::new(line), area);
    if typing {
        let x = area.x + u16::try_from(label.len() + width).unwrap_or(area.width);
        frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
    }
}

fn render_table(frame: &mut Frame, area: Rect, app: &App) {
    let view = &app.events;
    let columns: &[(&str, Constraint)] = if area.width >= WIDE_FROM {
        &COLUMNS
    } else {
        &COLUMNS[..5]
    };
    let block = Block::bordered().title(theme::title(title(app)));
    let inner = block.inner(area);
    let page_rows = inner.height.saturating_sub(1);
    let time_header = format!("Time ({})", app.zone.label());
    let names = columns
        .iter()
        .enumerate()
        .map(|(index, (name, _))| match index {
            0 => time_header.clone(),
            _ => (*name).to_string(),
        });
    let header = Row::new(names).style(theme::HEADER_ROW);
    let table = Table::default()
        .widths(columns.iter().map(|(_, width)| *width))
        .header(header)
        .block(block);
    let row = |index: usize| event_row(&view.rows[index], columns.len(), app.zone);
    let len = view.rows.len();
    cursor_table::render(frame, area, table, &view.cursor, len, page_rows, row);
    if view.rows.is_empty() {
        let message_area = Rect {
            y: inner.y + 1,
            height: page_rows,
            ..inner
        };
        let message = if view.loaded {
            "No event matches. Esc clears the filter."
        } else {
            "Loading events…"
        };
        let paragraph = Paragraph::new(message).style(theme::DIM).centered();
        frame.render_widget(paragraph, message_area);
    }
}

/// Returns the table's title: the selected position among all matching events.
fn title(app: &App) -> String {
    let view = &app.events;
    match view.total {
        Some(0) | None => "Events".to_string(),
        Some(total) => format!("Events {} of {total}", view.position() + 1),
    }
}

/// Returns the text that the table shows for `event` with every column, its cells joined
/// by spaces, for `n` and `N`.
pub fn row_text(event: &EventSummary, zone: Zone) -> String {
    [
        zone.short_time(&event.ts),
        evidence(&event.source_format),
        evidence_or_dash(event.actor.as_deref()),
        evidence(&event.action),
        evidence(&event.outcome),
        evidence_or_dash(event.client_ip.as_deref()),
    ]
    .join(" ")
}

fn event_row(event: &EventSummary, columns: usize, zone: Zone) -> Row<'static> {
    let outcome_style = match event.outcome.as_str() {
        "denied" | "failure" => theme::ERROR,
        _ => ratatui::style::Style::new(),
    };
    let cells = vec![
        Cell::from(zone.short_time(&event.ts)),
        Cell::from(evidence(&event.source_format)),
        Cell::from(evidence_or_dash(event.actor.as_deref())),
        Cell::from(evidence(&event.action)),
        Cell::from(Span::styled(evidence(&event.outcome), outcome_style)),
        Cell::from(evidence_or_dash(event.client_ip.as_deref())),
    ];
    Row::new(cells.into_iter().take(columns))
}
