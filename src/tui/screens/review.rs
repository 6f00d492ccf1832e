//! The Review screen: the identities with their current decision, and the keys that
//! record a new one.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{LineGauge, Paragraph};

use super::explain;
use super::identity_table::{self, Column};
use crate::model::Verdict;
use crate::tui::app::{App, JustificationPrompt, Prompt};
use crate::tui::widgets::{prompt, theme};

const COLUMNS: &[Column] = &[
    Column::Name,
    Column::Kind,
    Column::State,
    Column::Events,
    Column::Decision,
    Column::Reviewer,
    Column::Justification,
];

/// The width of the progress gauge at the end of the intro line.
const GAUGE_WIDTH: u16 = 20;
/// The width from which the explain pane is shown beside the table, and its width.
const EXPLAIN_FROM: u16 = 110;
const EXPLAIN_WIDTH: u16 = 36;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let [intro_area, filter_area, table_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(area);
    let [text_area, gauge_area] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(GAUGE_WIDTH)])
            .spacing(1)
            .areas(intro_area);
    frame.render_widget(Paragraph::new(intro(app)), text_area);
    render_progress(frame, gauge_area, app);
    identity_table::render_filter(frame, filter_area, app);
    let title = title(app);
    if area.width >= EXPLAIN_FROM {
        let [list_area, explain_area] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Length(EXPLAIN_WIDTH)])
                .areas(table_area);
        identity_table::render(frame, list_area, app, &title, COLUMNS);
        explain::render(frame, explain_area, app);
    } else {
        identity_table::render(frame, table_area, app, &title, COLUMNS);
    }
    if let Some(Prompt::Justification(justification)) = &app.prompt {
        render_prompt(frame, area, app, justification);
    }
}

/// Returns the table's title: the campaign with its due date when one is worked.
fn title(app: &App) -> String {
    match &app.identities.campaign {
        Some(queue) => format!(
            "Campaign {} {}, due {}",
            theme::evidence(&queue.campaign.campaign_id),
            theme::evidence(&queue.campaign.name),
            theme::evidence(&queue.campaign.due_date)
        ),
        None => "Review".to_string(),
    }
}

fn intro(app: &App) -> Line<'static> {
    let marked = app.identities.marked.len();
    let mut tail = if marked > 0 {
        format!(". {marked} marked; Esc unmarks.")
    } else {
        ". Space marks rows.".to_string()
    };
    // Items of an older snapshot that a newer one dropped cannot be listed, so without this
    // note the gauge would count rows that the table does not show.
    let missing = app.identities.campaign_items_missing();
    if missing > 0 {
        tail.push_str(&format!(" {missing} items left the current snapshots."));
    }
    let mut spans = vec![
        Span::raw(" Reviewing as "),
        Span::styled(
            theme::evidence(&app.reviewer),
            Style::new().add_modifier(Modifier::BOLD),
        ),
    ];
    // Decisions wait for the findings, so the line tells the reviewer before a key is rejected.
    if app.identities.loaded && !app.identities.findings_loaded {
        spans.push(Span::styled(". Computing findings…", theme::HEADER_ROW));
    } else {
        spans.push(Span::styled(tail, theme::DIM));
    }
    Line::from(spans)
}

/// Draws how many identities have a current decision, as a one-line gauge.
fn render_progress(frame: &mut Frame, area: Rect, app: &App) {
    let (decided, total) = app.identities.progress();
    let ratio = if total == 0 {
        0.0
    } else {
        decided as f64 / total as f64
    };
    let gauge = LineGauge::default()
        .filled_style(theme::LABEL)
        .ratio(ratio)
        .label(format!("{decided}/{total} decided "));
    frame.render_widget(gauge, area);
}

fn render_prompt(frame: &mut Frame, area: Rect, app: &App, justification: &JustificationPrompt) {
    let action = match justification.verdict {
        Verdict::Approve => "Approve",
        Verdict::Revoke => "Revoke",
        Verdict::Flag => "Flag",
        Verdict::Abstain => "Abstain",
    };
    let label = theme::evidence(&justification.label);
    let others = justification.also.len();
    let title = match others {
        0 => format!("{action} {label}"),
        _ => format!("{action} {label} and {others} more"),
    };
    let key = theme::evidence(&justification.identity_key);
    let subject = match others {
        0 => key,
        _ => format!("{} identities", others + 1),
    };
    let reviewer = theme::evidence(&app.reviewer);
    let context = vec![
        Line::from(vec![
            theme::verdict(justification.verdict.as_str()),
            Span::raw(format!(" {subject}, recorded as {reviewer}. Why?")),
        ]),
        Line::styled(
            "Enter saves, Esc cancels. Revoke needs a reason, approve too with findings.",
            theme::DIM,
        ),
    ];
    prompt::render(frame, area, &title, context, &justification.input);
}
