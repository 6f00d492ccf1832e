//! The identity detail, drawn over the Identities screen: attributes, relations,
//! entitlements, activity over time, sessions and the ledger's decisions.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::case::IdentityDetail;
use crate::tui::app::{App, DetailView};
use crate::tui::widgets::histogram;
use crate::tui::widgets::theme::{self, evidence};
use crate::tui::widgets::zone::Zone;

/// The width of the attribute names column.
const NAME_WIDTH: usize = 14;

pub fn render(frame: &mut Frame, area: Rect, app: &App, view: &DetailView) {
    let label = app
        .identities
        .label_of(&view.identity_key)
        .unwrap_or(&view.identity_key);
    let title = format!("{} ({})", evidence(label), evidence(&view.identity_key));
    let Some(detail) = &view.data else {
        let block = Block::bordered().title(theme::title(title));
        let loading = Paragraph::new("Loading…").style(theme::DIM).block(block);
        frame.render_widget(loading, area);
        return;
    };
    let [activity_area, text_area] =
        Layout::vertical([Constraint::Length(histogram::HEIGHT), Constraint::Fill(1)]).areas(area);
    histogram::render(
        frame,
        activity_area,
        &detail.activity,
        None,
        false,
        app.zone,
    );
    let name_of = |id: &str| app.identities.label_of_scim_id(id).map(str::to_string);
    let paragraph = Paragraph::new(lines(detail, &name_of, app.zone))
        .block(Block::bordered().title(theme::title(title)))
        .wrap(Wrap { trim: false })
        .scroll((view.scroll, 0));
    frame.render_widget(paragraph, text_area);
}

fn heading(text: &str) -> Line<'static> {
    Line::styled(text.to_string(), theme::HEADER_ROW)
}

fn field(name: &str, value: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{name:<NAME_WIDTH$}"), theme::LABEL),
        Span::raw(value),
    ])
}

fn none() -> Line<'static> {
    Line::styled("none", theme::DIM)
}

/// Returns the detail as text lines, every evidence string escaped. `name_of` returns the
/// name of the identity with a SCIM id, so relations show who they point to.
pub fn lines(
    detail: &IdentityDetail,
    name_of: &dyn Fn(&str) -> Option<String>,
    zone: Zone,
) -> Vec<Line<'static>> {
    let mut lines = vec![heading("Attributes")];
    for (name, value) in &detail.attributes {
        let value = if value.is_empty() { "-" } else { value };
        lines.push(field(name, evidence(value)));
    }

    lines.push(Line::default());
    lines.push(heading("Owners and manager"));
    if detail.relations.is_empty() {
        lines.push(none());
    }
    for relation in &detail.relations {
        let value = match name_of(&relation.value) {
            Some(name) => format!("{} ({})", evidence(&name), evidence(&relation.value)),
            None => evidence(&relation.value),
        };
        lines.push(field(&relation.relation, value));
    }

    lines.push(Line::default());
    lines.push(heading("Effective entitlements (granting group path)"));
    if detail.effective.is_empty() {
        lines.push(none());
    }
    for grant in &detail.effective {
        let display = grant
            .display
            .as_deref()
            .map(|d| format!(" ({})", evidence(d)))
            .unwrap_or_default();
        let via = if grant.path.is_empty() {
            evidence(&grant.granted_via)
        } else {
            evidence(&grant.path.join(" → "))
        };
        let value = format!("{}{display}, via {via}", evidence(&grant.value));
        lines.push(field(&grant.kind, value));
    }

    lines.push(Line::default());
    lines.push(heading(&format!(
        "Sessions (newest first, {})",
        zone.label()
    )));
    if detail.sessions.is_empty() {
        lines.push(none());
    }
    for session in &detail.sessions {
        lines.push(Line::raw(format!(
            "{}  {} events  {} → {}",
            evidence(&session.session_id),
            session.events,
            zone.short_time(&session.first),
            zone.short_time(&session.last),
        )));
    }

    lines.push(Line::default());
    lines.push(heading(&format!(
        "Decisions (oldest first, {})",
        zone.label()
    )));
    if detail.decisions.is_empty() {
        lines.push(none());
    }
    for decision in &detail.decisions {
        let superseded = if decision.current {
            ""
        } else {
            " (superseded)"
        };
        lines.push(Line::from(vec![
            Span::raw(format!(
                "#{} {} ",
                decision.seq,
                zone.short_time(&decision.decided_at)
            )),
            theme::verdict(&decision.verdict),
            Span::raw(format!(
                " by {}: {}{superseded}",
                evidence(&decision.reviewer),
                evidence(&decision.justification)
            )),
        ]));
    }
    lines
}
