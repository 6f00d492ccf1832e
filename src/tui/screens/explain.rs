//! The explain pane beside the Review table: the facts about the selected identity that
//! bear on a decision, from the loaded list alone.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::model::{IdentityKind, IdentityRow};
use crate::tui::app::App;
use crate::tui::widgets::theme::{self, evidence};

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let block = Block::bordered().title(theme::title("Why review it"));
    let lines = match app.identities.selected() {
        Some(row) => lines(row, app),
        None => vec![Line::styled("No identity is selected.", theme::DIM)],
    };
    let paragraph = Paragraph::new(lines).block(block).wrap(Wrap { trim: true });
    frame.render_widget(paragraph, area);
}

/// Returns the findings about `row`, warnings first, then the plain facts.
fn lines(row: &IdentityRow, app: &App) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(vec![
        theme::kind_badge(row.kind),
        Span::raw(format!(" {}", evidence(row.label()))),
    ])];
    let warn = |text: String| Line::from(vec![Span::styled("! ", theme::ERROR), Span::raw(text)]);
    let zone = app.zone.label();
    let last_seen = row.last_seen.as_deref().map(|ts| app.zone.short_minute(ts));
    if row.active == Some(false) && row.event_count > 0 {
        let last = last_seen.clone().unwrap_or_default();
        lines.push(warn(format!(
            "Inactive in the newest snapshot, yet {} events are attributed to it, the last at {last} {zone}.",
            row.event_count
        )));
    }
    if row.owner.is_none() && row.kind != IdentityKind::Group && row.kind != IdentityKind::Human {
        lines.push(warn("No owner or manager in SCIM.".to_string()));
    }
    if row.event_count == 0 && row.kind != IdentityKind::Group {
        lines.push(warn("No event in the audit logs names it.".to_string()));
    }
    let owner = row.owner.as_deref().map_or_else(
        || "-".to_string(),
        |id| evidence(app.identities.label_of_scim_id(id).unwrap_or(id)),
    );
    lines.push(Line::default());
    lines.push(Line::raw(format!("Owner: {owner}")));
    lines.push(Line::raw(format!("Events: {}", row.event_count)));
    if app.identities.findings_loaded {
        let findings = app.identities.finding_count(&row.identity_key);
        lines.push(Line::raw(format!("Findings: {findings} (e explains)")));
    } else {
        lines.push(Line::from(vec![
            Span::raw("Findings: "),
            Span::styled("computing findings…", theme::DIM),
        ]));
    }
    lines.push(Line::raw(format!(
        "Last seen: {}",
        last_seen.map_or("-".to_string(), |t| format!("{t} {zone}"))
    )));
    if let Some(decision) = app.identities.decisions.get(&row.identity_key) {
        lines.push(Line::from(vec![
            Span::raw(format!("Decision #{}: ", decision.seq)),
            theme::verdict(&decision.verdict),
            Span::raw(format!(" by {}", evidence(&decision.reviewer))),
        ]));
    }
    lines
}
