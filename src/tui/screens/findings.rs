//! The findings overlay: each finding on one identity with its rule, threshold, controls
//! and evidence rows, as `scimtrail findings --explain` prints them.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::review::findings::{Evidence, Finding};
use crate::review::rules::Severity;
use crate::tui::app::{App, ExplainView};
use crate::tui::widgets::theme::{self, evidence};

/// The popup's share of the screen, in percent of each side.
const POPUP_PERCENT: u16 = 90;

pub fn render(frame: &mut Frame, area: Rect, app: &App, view: &ExplainView) {
    let popup = area.centered(
        Constraint::Percentage(POPUP_PERCENT),
        Constraint::Percentage(POPUP_PERCENT),
    );
    frame.render_widget(Clear, popup);
    let lines = lines(app, view);
    // The scroll stops where the last line is at the bottom, however far `j` went.
    let max_scroll = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_sub(popup.height.saturating_sub(2));
    let title = format!("Findings on {}", evidence(&view.label));
    let paragraph = Paragraph::new(lines)
        .block(Block::bordered().title(theme::title(title)))
        .wrap(Wrap { trim: false })
        .scroll((view.scroll.min(max_scroll), 0));
    frame.render_widget(paragraph, popup);
}

fn lines(app: &App, view: &ExplainView) -> Vec<Line<'static>> {
    if let Some(err) = &app.identities.findings_error {
        return vec![Line::styled(
            format!("Computing the findings failed: {}", evidence(err)),
            theme::ERROR,
        )];
    }
    if !app.identities.findings_loaded {
        return vec![Line::styled(
            "Computing findings… This overlay fills in when the rules finish.",
            theme::DIM,
        )];
    }
    let findings: Vec<&Finding> = app.identities.findings_of(&view.identity_key).collect();
    if findings.is_empty() {
        return vec![Line::styled(
            "No built-in rule has a finding on this identity.",
            theme::DIM,
        )];
    }
    let mut lines = vec![Line::styled(
        format!(
            "{} of the built-in rules, as `scimtrail findings --explain` lists them.",
            count(findings.len(), "finding")
        ),
        theme::DIM,
    )];
    for finding in findings {
        lines.push(Line::default());
        lines.extend(finding_lines(finding));
    }
    lines
}

fn finding_lines(finding: &Finding) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::from(vec![
            severity(finding.severity),
            Span::styled(
                format!(" {}", evidence(&finding.title)),
                Style::new().add_modifier(Modifier::BOLD),
            ),
        ]),
        Line::raw(format!("  {}", evidence(&finding.summary))),
        Line::raw(format!(
            "  Rule {}, threshold {}",
            evidence(&finding.rule),
            evidence(&finding.threshold)
        )),
    ];
    if let Some(entitlement) = &finding.entitlement {
        lines.push(Line::raw(format!(
            "  Entitlement: {}",
            evidence(entitlement)
        )));
    }
    for control in &finding.controls {
        lines.push(Line::raw(format!(
            "  Control {} {}: {}",
            evidence(&control.framework),
            evidence(&control.id),
            evidence(&control.title)
        )));
    }
    lines.push(Line::styled(
        format!("  Evidence, {}:", count(finding.evidence.len(), "row")),
        theme::LABEL,
    ));
    lines.extend(finding.evidence.iter().map(evidence_line));
    lines
}

fn evidence_line(row: &Evidence) -> Line<'static> {
    let fields: Vec<String> = row
        .fields
        .iter()
        .map(|(name, value)| {
            let value = match value {
                serde_json::Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            format!("{name}={value}")
        })
        .collect();
    Line::raw(evidence(&format!(
        "    {} {}: {}",
        row.table,
        row.key,
        fields.join(", ")
    )))
}

/// Returns the severity as an upper-case badge, red from high up.
pub fn severity(severity: Severity) -> Span<'static> {
    let style = match severity {
        Severity::Critical | Severity::High => theme::ERROR,
        Severity::Medium => theme::HEADER_ROW,
        Severity::Low | Severity::Info => theme::DIM,
    };
    Span::styled(severity.as_str().to_uppercase(), style)
}

/// Returns `n` and `noun`, with an `s` unless `n` is 1.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
