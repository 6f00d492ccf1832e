//! The Review screen: the identities with their current decision, and the keys that
//! record a new one.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

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

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let [intro_area, filter_area, table_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(intro(app)), intro_area);
    identity_table::render_filter(frame, filter_area, app);
    identity_table::render(frame, table_area, app, "Review", COLUMNS);
    if let Some(Prompt::Justification(justification)) = &app.prompt {
        render_prompt(frame, area, app, justification);
    }
}

fn intro(app: &App) -> Line<'static> {
    Line::from(vec![
        Span::raw(" Reviewing as "),
        Span::styled(
            theme::evidence(&app.reviewer),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::styled(". Decisions are appended to the case's ledger.", theme::DIM),
    ])
}

fn render_prompt(frame: &mut Frame, area: Rect, app: &App, justification: &JustificationPrompt) {
    let action = match justification.verdict {
        Verdict::Approve => "Approve",
        Verdict::Revoke => "Revoke",
        Verdict::Flag => "Flag",
        Verdict::Abstain => "Abstain",
    };
    let title = format!("{action} {}", theme::evidence(&justification.label));
    let key = theme::evidence(&justification.identity_key);
    let reviewer = theme::evidence(&app.reviewer);
    let context = vec![
        Line::from(vec![
            theme::verdict(justification.verdict.as_str()),
            Span::raw(format!(" {key}, recorded as {reviewer}. Why?")),
        ]),
        Line::styled(
            "Enter saves, Esc cancels. A justification is required.",
            theme::DIM,
        ),
    ];
    prompt::render(frame, area, &title, context, &justification.input);
}
