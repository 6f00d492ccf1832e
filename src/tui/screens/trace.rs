//! The Trace screen: the events connected to one ID as a tree of exact links, a timeline
//! with one row per stage, and the selected event's detail with its provenance and raw
//! record.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Wrap};

use crate::model::TraceEvent;
use crate::trace::stages::{StageKind, classify};
use crate::tui::app::{App, Prompt};
use crate::tui::widgets::theme::{self, evidence};
use crate::tui::widgets::{cursor_table, event_detail, picker, prompt};

/// The share of the body that the event table takes at most, in percent.
const TABLE_MAX_PERCENT: u16 = 45;

/// The narrowest body that shows the timeline beside the tree rather than below it.
const SIDE_TIMELINE_MIN_WIDTH: u16 = 110;

/// The timeline's width when it is beside the tree.
const SIDE_TIMELINE_WIDTH: u16 = 36;

/// The timeline's height when it is below the tree: one row per stage and the border.
const TIMELINE_HEIGHT: u16 = 6;

/// The lowest body that shows the timeline below a narrow tree. A lower body keeps its rows
/// for the detail pane.
const BELOW_TIMELINE_MIN_HEIGHT: u16 = 30;

const STAGES: [StageKind; 4] = [
    StageKind::SessionStart,
    StageKind::Request,
    StageKind::ToolCall,
    StageKind::SessionEnd,
];

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let view = &app.trace;
    let table_rows = u16::try_from(view.events.len())
        .unwrap_or(u16::MAX)
        .saturating_add(3);
    let table_height = table_rows.min((area.height * TABLE_MAX_PERCENT / 100).max(6));
    let side = area.width >= SIDE_TIMELINE_MIN_WIDTH;
    let below = if side || view.events.is_empty() || area.height < BELOW_TIMELINE_MIN_HEIGHT {
        0
    } else {
        TIMELINE_HEIGHT
    };
    let [summary_area, table_area, below_area, detail_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(table_height),
        Constraint::Length(below),
        Constraint::Fill(1),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(summary(app)), summary_area);
    if side && !view.events.is_empty() {
        let [tree_area, timeline_area] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Length(SIDE_TIMELINE_WIDTH)])
                .areas(table_area);
        render_events(frame, tree_area, app);
        render_timeline(frame, timeline_area, app);
    } else {
        render_events(frame, table_area, app);
        if below > 0 {
            render_timeline(frame, below_area, app);
        }
    }
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
        Some(Prompt::Search(input)) => {
            prompt::render(frame, area, "Search", prompt::search_context(), input)
        }
        Some(Prompt::Bookmark(bookmark)) => {
            let context = vec![Line::styled(
                format!(
                    "Recorded as {}; `scimtrail bookmark list` shows it.",
                    evidence(&app.reviewer)
                ),
                theme::DIM,
            )];
            let title = format!("Bookmark event #{}", bookmark.event_key);
            prompt::render(frame, area, &title, context, &bookmark.input);
        }
        _ => {}
    }
}

fn summary(app: &App) -> Line<'static> {
    let view = &app.trace;
    let Some(query) = &view.query else {
        return Line::styled(
            " No ID traced yet. Press i to type one or p to pick one.",
            theme::DIM,
        );
    };
    let status = if !view.loaded {
        "loading…".to_string()
    } else if view.events.is_empty() {
        "no event carries this ID".to_string()
    } else {
        let mut counts = event_counts(&view.events);
        if !view.flags.is_empty() || !view.gaps.is_empty() {
            counts.push_str(&format!(
                "; {} flags, {} gaps",
                view.flags.len(),
                view.gaps.len()
            ));
        }
        counts
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
    // The header names the zone the times are drawn in; see `render_events`.
    ("Time", Constraint::Length(19)),
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

    let time_header = format!("Time ({})", app.zone.label());
    let names = EVENT_COLUMNS.map(|(name, _)| name.to_string());
    let names = std::iter::once(time_header).chain(names.into_iter().skip(1));
    let header = Row::new(names).style(theme::HEADER_ROW);
    let row = |index: usize| {
        let depth = view.tree.get(index).map_or(0, |p| p.depth);
        event_row(&view.events[index], depth, app)
    };
    let table = Table::default()
        .widths(EVENT_COLUMNS.map(|(_, width)| width))
        .header(header)
        .block(block);
    let len = view.events.len();
    cursor_table::render(frame, area, table, &view.cursor, len, page_rows, row);
}

fn event_row(event: &TraceEvent, depth: usize, app: &App) -> Row<'static> {
    let actor_style = if event.identity.is_none() || is_flagged(event) {
        theme::ERROR
    } else {
        Style::new()
    };
    Row::new(vec![
        Cell::from(app.zone.short_time(&event.ts)),
        Cell::from(evidence(&event.source_format)),
        Cell::from(Span::styled(
            event_detail::actor_label(event, &app.identities),
            actor_style,
        )),
        Cell::from(format!("{}{}", "  ".repeat(depth), evidence(&event.action))),
        Cell::from(evidence(&event.outcome)),
        Cell::from(warning(event, app)),
    ])
}

/// Returns the text that the event table shows for the event at `index`, its cells
/// joined by spaces, for the `/` search.
pub fn row_text(app: &App, index: usize) -> String {
    let Some(event) = app.trace.events.get(index) else {
        return String::new();
    };
    [
        app.zone.short_time(&event.ts),
        evidence(&event.source_format),
        event_detail::actor_label(event, &app.identities),
        evidence(&event.action),
        evidence(&event.outcome),
        warning(event, app).content.into_owned(),
    ]
    .join(" ")
}

/// Returns the actor's state marker, else the kind of the event's first flag or gap.
fn warning(event: &TraceEvent, app: &App) -> Span<'static> {
    if let Some(marker) = event_detail::actor_marker(event) {
        return marker;
    }
    match app.trace.findings_of(event.event_key).next() {
        Some(finding) => Span::styled(finding.kind.replace('_', " "), theme::ERROR),
        None => Span::raw(""),
    }
}

/// Returns one line per flag or gap of `event`, with the detail `trace::analyse` gives.
fn finding_lines(event: &TraceEvent, app: &App) -> Vec<Line<'static>> {
    app.trace
        .findings_of(event.event_key)
        .map(|finding| {
            let label = if app.trace.gaps.contains(finding) {
                "Gap         "
            } else {
                "Flag        "
            };
            Line::from(vec![
                Span::styled(label, theme::ERROR),
                Span::raw(format!("{}: {}", finding.kind, evidence(&finding.detail))),
            ])
        })
        .collect()
}

fn render_detail(frame: &mut Frame, area: Rect, app: &App) {
    let block = Block::bordered().title(theme::title("Event detail"));
    let Some(event) = app.trace.selected() else {
        frame.render_widget(block, area);
        return;
    };
    let mut lines = vec![link_line(app)];
    lines.extend(finding_lines(event, app));
    lines.extend(event_detail::lines(event, &app.identities));
    let paragraph = Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .scroll((app.trace.detail_scroll, 0));
    frame.render_widget(paragraph, area);
}

/// Names the stage of the selected event and the exact link from its parent in the tree.
fn link_line(app: &App) -> Line<'static> {
    let view = &app.trace;
    let stage = view.selected().map(|e| classify(e).label()).unwrap_or("-");
    let position = view.selected_position();
    let link = match position.and_then(|p| p.via.as_deref().zip(p.value.as_deref())) {
        Some((kind, value)) => format!("joined by an exact {kind} link on {}", evidence(value)),
        None => "a root of the trace".to_string(),
    };
    Line::from(vec![
        Span::styled("Stage       ", theme::LABEL),
        Span::raw(format!("{stage}, {link}")),
    ])
}

/// Draws one row per stage with a mark at each event's time between the trace's first and
/// last event, the selected event's mark highlighted.
fn render_timeline(frame: &mut Frame, area: Rect, app: &App) {
    let block = Block::bordered().title(theme::title("Timeline"));
    let inner = block.inner(area);
    let view = &app.trace;
    let label_width = 14usize;
    let track_width = usize::from(inner.width).saturating_sub(label_width).max(1);
    let times: Vec<Option<i64>> = view
        .events
        .iter()
        .map(|e| crate::trace::event_time(e).map(|t| t.and_utc().timestamp_millis()))
        .collect();

    let first = times.iter().flatten().min().copied().unwrap_or(0);
    let last = times.iter().flatten().max().copied().unwrap_or(0);
    let column = |at: i64| -> usize {
        if last == first {
            return 0;
        }
        let share = (at - first) as f64 / (last - first) as f64;
        ((share * (track_width - 1) as f64).round() as usize).min(track_width - 1)
    };

    let mut lines = Vec::with_capacity(STAGES.len());
    for stage in STAGES {
        let mut track = vec!['·'; track_width];
        let mut selected_at = None;
        for (index, event) in view.events.iter().enumerate() {
            let (Some(at), true) = (times[index], classify(event) == stage) else {
                continue;
            };
            let col = column(at);
            track[col] = '●';
            if index == view.cursor.selected {
                selected_at = Some(col);
            }
        }

        let mut spans = vec![Span::styled(
            format!("{:<label_width$}", stage.label()),
            theme::LABEL,
        )];
        match selected_at {
            Some(col) => {
                spans.push(Span::raw(track[..col].iter().collect::<String>()));
                spans.push(Span::styled("◆", theme::SELECTED));
                spans.push(Span::raw(track[col + 1..].iter().collect::<String>()));
            }
            None => spans.push(Span::raw(track.into_iter().collect::<String>())),
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
