//! The identity table and filter line that the Identities and Review screens share.

use ratatui::Frame;
use ratatui::layout::{Constraint, Position, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use crate::model::{IdentityKind, IdentityRow};
use crate::tui::app::{App, Prompt};
use crate::tui::widgets::cursor_table;
use crate::tui::widgets::theme::{self, evidence, evidence_or_dash};
use crate::tui::widgets::zone::Zone;

/// The findings column's text while the rules run, so that a count of 0 always means none.
const COMPUTING_MARK: &str = "…";

/// A column of the identity table.
#[derive(Debug, Clone, Copy)]
pub enum Column {
    Name,
    Kind,
    State,
    Owner,
    Events,
    /// The number of findings of the built-in rules on the identity.
    Findings,
    LastSeen,
    /// The last-seen date without the time, for narrow terminals.
    LastSeenDate,
    Decision,
    Reviewer,
    Justification,
}

impl Column {
    fn header(self, zone: Zone) -> String {
        match self {
            // Times are drawn in the zone the user chose, and the header says which.
            Column::LastSeen => format!("Last seen ({})", zone.label()),
            Column::LastSeenDate => format!("Seen ({})", zone.label()),
            other => other.fixed_header().to_string(),
        }
    }

    fn fixed_header(self) -> &'static str {
        match self {
            Column::Name => "Name",
            Column::Kind => "Kind",
            Column::State => "State",
            Column::Owner => "Owner",
            Column::Events => "Events",
            Column::Findings => "Finds",
            Column::LastSeen | Column::LastSeenDate => "Last seen",
            Column::Decision => "Decision",
            Column::Reviewer => "By",
            Column::Justification => "Justification",
        }
    }

    fn width(self) -> Constraint {
        match self {
            Column::Name => Constraint::Fill(3),
            Column::Kind => Constraint::Length(7),
            Column::State => Constraint::Length(8),
            Column::Owner | Column::Reviewer => Constraint::Fill(2),
            Column::Events => Constraint::Length(6),
            Column::Findings => Constraint::Length(5),
            Column::LastSeen => Constraint::Length(16),
            Column::LastSeenDate => Constraint::Length(10),
            Column::Decision => Constraint::Length(8),
            Column::Justification => Constraint::Fill(4),
        }
    }

    fn cell(self, row: &IdentityRow, app: &App) -> Cell<'static> {
        let decision = app.identities.decisions.get(&row.identity_key);
        match self {
            Column::Name if app.identities.marked.contains(&row.identity_key) => {
                Cell::from(Line::from(vec![
                    Span::styled("● ", theme::LABEL),
                    Span::raw(evidence(row.label())),
                ]))
            }
            Column::Name => Cell::from(evidence(row.label())),
            Column::Kind => Cell::from(theme::kind_badge(row.kind)),
            // SCIM Groups have no `active` attribute, so their state is not unknown but absent.
            Column::State if row.kind == IdentityKind::Group => {
                Cell::from(Span::styled("-", theme::DIM))
            }
            // A newer snapshot lacks the identity, so its last `active` value is stale.
            Column::State if row.deleted_in.is_some() => {
                Cell::from(Span::styled("deleted", theme::ERROR))
            }
            Column::State => Cell::from(theme::active_state(row.active)),
            Column::Owner => Cell::from(owner_label(row.owner.as_deref(), app)),
            Column::Events => Cell::from(Line::from(row.event_count.to_string()).right_aligned()),
            Column::Findings if !app.identities.findings_loaded => {
                Cell::from(Line::styled(COMPUTING_MARK, theme::DIM).right_aligned())
            }
            Column::Findings => finding_count(app.identities.finding_count(&row.identity_key)),
            Column::LastSeen => Cell::from(time_or_dash(row, |ts| app.zone.short_minute(ts))),
            Column::LastSeenDate => Cell::from(time_or_dash(row, |ts| app.zone.date(ts))),
            Column::Decision => Cell::from(decision_span(row, app)),
            Column::Reviewer => Cell::from(evidence_or_dash(decision.map(|d| d.reviewer.as_str()))),
            Column::Justification => {
                Cell::from(evidence_or_dash(decision.map(|d| d.justification.as_str())))
            }
        }
    }
}

fn time_or_dash(row: &IdentityRow, format: impl Fn(&str) -> String) -> String {
    row.last_seen.as_deref().map_or_else(|| "-".into(), format)
}

/// Returns the owner's name when the owner's SCIM id is an identity of the case.
fn owner_label(owner: Option<&str>, app: &App) -> String {
    match owner {
        Some(id) => evidence(app.identities.label_of_scim_id(id).unwrap_or(id)),
        None => "-".to_string(),
    }
}

fn decision_span(row: &IdentityRow, app: &App) -> Span<'static> {
    if let Some(verdict) = app.identities.pending.get(&row.identity_key) {
        return Span::styled(format!("{}…", verdict.as_str()), theme::DIM);
    }
    match &row.decision {
        Some(verdict) => theme::verdict(verdict),
        None => Span::styled("-", theme::DIM),
    }
}

/// Draws the visible identities with `columns` in a block titled `title`.
pub fn render(frame: &mut Frame, area: Rect, app: &App, title: &str, columns: &[Column]) {
    let list = &app.identities;
    let count = if list.filter.as_str().is_empty() {
        format!("{title} ({})", list.total())
    } else {
        format!("{title} ({} of {})", list.visible.len(), list.total())
    };
    let block = Block::bordered().title(theme::title(count));
    let inner = block.inner(area);

    let header =
        Row::new(columns.iter().map(|column| column.header(app.zone))).style(theme::HEADER_ROW);
    let table = Table::default()
        .widths(columns.iter().map(|column| column.width()))
        .header(header)
        .block(block);
    let cells = |position| match list.visible_row(position) {
        Some(row) => Row::new(columns.iter().map(|column| column.cell(row, app))),
        None => Row::default(),
    };
    let page_rows = inner.height.saturating_sub(1);
    cursor_table::render(
        frame,
        area,
        table,
        &list.cursor,
        list.visible.len(),
        page_rows,
        cells,
    );

    if list.visible.is_empty() {
        let message_area = Rect {
            y: inner.y + 1,
            height: page_rows,
            ..inner
        };
        let message = Paragraph::new(empty_message(app))
            .style(theme::DIM)
            .centered();
        frame.render_widget(message, message_area);
    }
}

fn empty_message(app: &App) -> &'static str {
    if !app.identities.loaded {
        "Loading identities…"
    } else if app.identities.rows.is_empty() {
        "The case has no identities. Import a SCIM snapshot with `scimtrail import`."
    } else {
        "No identity matches the filter. Esc clears it."
    }
}

/// Draws the filter line: the filter text with the cursor while typing, else a hint.
pub fn render_filter(frame: &mut Frame, area: Rect, app: &App) {
    let typing = matches!(app.prompt, Some(Prompt::Filter));
    let filter = &app.identities.filter;
    if !typing && filter.as_str().is_empty() {
        let hint = Line::from(vec![Span::styled(" Press / to filter.", theme::DIM)]);
        frame.render_widget(Paragraph::new(hint), area);
        return;
    }
    let label = " Filter: ";
    let field = usize::from(area.width).saturating_sub(label.len() + 1);
    let typed = evidence(filter.tail(field));
    let typed_width = typed.chars().count();
    let text = Text::from(Line::from(vec![
        Span::styled(label, theme::LABEL),
        Span::raw(typed),
    ]));
    frame.render_widget(Paragraph::new(text), area);
    if typing {
        let x = area.x + u16::try_from(label.len() + typed_width).unwrap_or(area.width);
        frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
    }
}

/// Draws a finding count right-aligned, in the error style when there are any.
fn finding_count(count: usize) -> Cell<'static> {
    let style = if count > 0 { theme::ERROR } else { theme::DIM };
    Cell::from(Line::styled(count.to_string(), style).right_aligned())
}
