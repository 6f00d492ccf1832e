//! The Trace screen: the events that carry one ID in time order, and the selected event's
//! detail with its provenance and raw record.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Wrap};

use crate::model::TraceEvent;
use crate::tui::app::{App, Prompt};
use crate::tui::widgets::theme::{self, evidence};
use crate::tui::widgets::{cursor_table, event_detail, picker, prompt};

/// The share of the body that the event table takes at most, in percent.
const TABLE_MAX_PERCENT: u16 = 45;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let view = &app.trace;
    let table_rows = u16::try_from(view.events.len())
        .unwrap_or(u16::MAX)
        .saturating_add(3);
    let table_height = table_rows.min((area.height * TABLE_MAX_PERCENT / 100).max(6));
    let [summary_area, table_area, detail_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(table_height),
        Constraint::Fill(1),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(summary(app)), summary_area);
    render_events(frame, table_area, app);
    render_detail(frame, detail_area, app);

    match &app.prompt {
        Some(Prompt::TraceId(input)) => {
            let context = vec![Line::styled(
                "A correlation, session, request or event ID.",
                theme::DIM,
            )];
            prompt::render(frame, area, "Trace an ID", context, input);
        }
        Some(Prompt::Picker(state)) => picker::render(frame, area, state, app.known_ids.as_deref()),
        _ => {}
    }
}

fn summary(app: &App) -> Line<'static> {
    let view = &app.trace;
    let Some(query) = &view.query else {
        return Line::styled(
            " No ID traced yet. Press / to type one or g to pick one.",
            theme::DIM,
        );
    };
    let status = if !view.loaded {
        "loading…".to_string()
    } else if view.events.is_empty() {
        "no event carries this ID".to_string()
    } else {
        event_counts(&view.events)
    };
    Line::from(vec![
        Span::styled(" Trace ", theme::LABEL),
        Span::styled(evidence(query), Style::new().add_modifier(Modifier::BOLD)),
        Span::raw(format!("  {status}")),
    ])
}

/// Counts the events and, when there are any, those by unknown actors and by identities
/// that were inactive, deleted or not yet provisioned at the event's time.
fn event_counts(events: &[TraceEvent]) -> String {
    let mut text = format!("{} events", events.len());
    let unknown = events.iter().filter(|e| e.identity.is_none()).count();
    if unknown > 0 {
        text.push_str(&format!(", {unknown} by unknown actors"));
    }
    let flagged = events.iter().filter(|e| is_flagged(e)).count();
    if flagged > 0 {
        text.push_str(&format!(
            ", {flagged} by inactive, deleted or unprovisioned identities"
        ));
    }
    text
}

fn is_flagged(event: &TraceEvent) -> bool {
    event
        .identity
        .as_ref()
        .is_some_and(|identity| identity.marker().is_some())
}

const EVENT_COLUMNS: [(&str, Constraint); 6] = [
    ("Time (UTC)", Constraint::Length(19)),
    ("Source", Constraint::Length(11)),
    ("Actor", Constraint::Fill(2)),
    ("Action", Constraint::Fill(3)),
    ("Outcome", Constraint::Length(7)),
    ("Warning", Constraint::Length(8)),
];

fn render_events(frame: &mut Frame, area: Rect, app: &App) {
    let view = &app.trace;
    let block = Block::bordered().title(theme::title("Events"));
    let page_rows = block.inner(area).height.saturating_sub(1);

    let header = Row::new(EVENT_COLUMNS.map(|(name, _)| name)).style(theme::HEADER_ROW);
    let rows = view.events.iter().map(|event| event_row(event, app));
    let table = Table::new(rows, EVENT_COLUMNS.map(|(_, width)| width))
        .header(header)
        .block(block);
    cursor_table::render(
        frame,
        area,
        table,
        &view.cursor,
        view.events.len(),
        page_rows,
    );
}

fn event_row(event: &TraceEvent, app: &App) -> Row<'static> {
    let actor_style = if event.identity.is_none() || is_flagged(event) {
        theme::ERROR
    } else {
        Style::new()
    };
    Row::new(vec![
        Cell::from(theme::short_time(&event.ts)),
        Cell::from(evidence(&event.source_format)),
        Cell::from(Span::styled(
            event_detail::actor_label(event, &app.identities),
            actor_style,
        )),
        Cell::from(evidence(&event.action)),
        Cell::from(evidence(&event.outcome)),
        Cell::from(event_detail::actor_marker(event).unwrap_or_default()),
    ])
}

fn render_detail(frame: &mut Frame, area: Rect, app: &App) {
    let block = Block::bordered().title(theme::title("Event detail"));
    let Some(event) = app.trace.selected() else {
        frame.render_widget(block, area);
        return;
    };
    let lines = event_detail::lines(event, &app.identities);
    let paragraph = Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .scroll((app.trace.detail_scroll, 0));
    frame.render_widget(paragraph, area);
}
