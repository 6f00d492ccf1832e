//! The Overview screen: the case's sources, its identities by kind and state, review
//! progress, and its events over time.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Gauge, Paragraph, Row, Table};

use super::findings;
use crate::case::{IdentityCount, Overview, SourceRecord};
use crate::review::findings::Finding;
use crate::review::rules::Severity;
use crate::tui::app::App;
use crate::tui::widgets::histogram;
use crate::tui::widgets::theme::{self, evidence};

/// The hex digits of a source's SHA-256 that the table shows, enough to tell files apart
/// and to find one in `scimtrail sources`.
const SHA_PREFIX: usize = 12;
const MIDDLE_HEIGHT: u16 = 8;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let Some(overview) = &app.overview else {
        let text = Paragraph::new(" Loading the overview…").style(theme::DIM);
        frame.render_widget(text, area);
        return;
    };
    let [sources_area, middle_area, histogram_area] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(MIDDLE_HEIGHT),
        Constraint::Length(histogram::HEIGHT),
    ])
    .areas(area);
    render_sources(frame, sources_area, &overview.sources);
    let [identities_area, side_area] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)]).areas(middle_area);
    render_identities(frame, identities_area, &overview.identities);
    let [progress_area, findings_area] =
        Layout::vertical([Constraint::Length(3), Constraint::Fill(1)]).areas(side_area);
    render_progress(frame, progress_area, app);
    render_findings(frame, findings_area, app);
    histogram::render(
        frame,
        histogram_area,
        &overview.histogram,
        None,
        false,
        app.zone,
    );
    render_event_total(frame, histogram_area, overview);
}

fn render_sources(frame: &mut Frame, area: Rect, sources: &[SourceRecord]) {
    let quarantined: i64 = sources.iter().map(|s| s.rejected).sum();
    let title = format!(
        "Sources ({}, {quarantined} records quarantined)",
        sources.len()
    );
    let header = Row::new([
        "File", "Format", "SHA-256", "Read", "Imported", "Dup", "Quar.",
    ])
    .style(theme::HEADER_ROW);
    let rows = sources.iter().map(|source| {
        let quarantine_style = if source.rejected > 0 {
            theme::ERROR
        } else {
            ratatui::style::Style::new()
        };
        Row::new(vec![
            Cell::from(evidence(file_name(&source.path))),
            Cell::from(evidence(&source.format)),
            Cell::from(evidence(
                source.sha256.get(..SHA_PREFIX).unwrap_or(&source.sha256),
            )),
            number(source.records_read),
            number(source.imported),
            number(source.duplicates),
            number(source.rejected).style(quarantine_style),
        ])
    });
    let widths = [
        Constraint::Fill(1),
        Constraint::Length(12),
        Constraint::Length(12),
        Constraint::Length(6),
        Constraint::Length(8),
        Constraint::Length(5),
        Constraint::Length(5),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .block(Block::bordered().title(theme::title(title)));
    frame.render_widget(table, area);
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn number(value: i64) -> Cell<'static> {
    Cell::from(Line::from(value.to_string()).right_aligned())
}

/// The identity kinds in the order the table lists them.
const KINDS: [&str; 5] = ["human", "service", "agent", "group", "other"];

fn render_identities(frame: &mut Frame, area: Rect, counts: &[IdentityCount]) {
    let count_of = |kind: &str, state: Option<&str>| -> i64 {
        counts
            .iter()
            .filter(|c| c.kind == kind && state.is_none_or(|s| c.state == s))
            .map(|c| c.count)
            .sum()
    };
    let header =
        Row::new(["Kind", "Active", "Inactive", "Unknown", "Total"]).style(theme::HEADER_ROW);
    let rows = KINDS
        .iter()
        .filter(|kind| count_of(kind, None) > 0)
        .map(|&kind| {
            let inactive = count_of(kind, Some("inactive"));
            let inactive_cell = number(inactive).style(if inactive > 0 {
                theme::ERROR
            } else {
                ratatui::style::Style::new()
            });
            Row::new(vec![
                Cell::from(kind),
                number(count_of(kind, Some("active"))),
                inactive_cell,
                number(count_of(kind, Some("unknown"))),
                number(count_of(kind, None)),
            ])
        });
    let widths = [
        Constraint::Fill(1),
        Constraint::Length(6),
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Length(5),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .block(Block::bordered().title(theme::title("Identities by kind and state")));
    frame.render_widget(table, area);
}

/// Draws the share of identities with a current decision in the ledger.
fn render_progress(frame: &mut Frame, area: Rect, app: &App) {
    let (decided, total) = app.identities.progress();
    let ratio = if total == 0 {
        0.0
    } else {
        decided as f64 / total as f64
    };
    let gauge = Gauge::default()
        .block(Block::bordered().title(theme::title("Review progress")))
        .gauge_style(theme::LABEL)
        .ratio(ratio)
        .label(format!("{decided} of {total} identities decided"));
    frame.render_widget(gauge, area);
}

/// Draws the findings of the review's rules counted by severity, most severe first.
fn render_findings(frame: &mut Frame, area: Rect, app: &App) {
    let block = Block::bordered().title(theme::title("Findings by severity"));
    let list = &app.identities;
    let text = if let Some(err) = &list.findings_error {
        vec![Line::styled(
            format!("Computing the findings failed: {}", evidence(err)),
            theme::ERROR,
        )]
    } else if !list.findings_loaded {
        vec![Line::styled("Computing findings…", theme::DIM)]
    } else if list.findings.is_empty() {
        vec![Line::styled("No findings: no rule matched.", theme::DIM)]
    } else {
        severity_lines(&list.findings)
    };
    // One row per severity; a narrow panel cuts the rule names, not the counts.
    frame.render_widget(Paragraph::new(text).block(block), area);
}

/// Returns one line per severity that has findings, with their count and rules.
fn severity_lines(found: &[Finding]) -> Vec<Line<'static>> {
    let order = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];
    order
        .into_iter()
        .filter_map(|severity| {
            let of: Vec<&Finding> = found.iter().filter(|f| f.severity == severity).collect();
            if of.is_empty() {
                return None;
            }
            let mut rules: Vec<&str> = of.iter().map(|f| f.rule.as_str()).collect();
            rules.dedup();
            Some(Line::from(vec![
                findings::severity(severity),
                Span::raw(format!(" {:>4}  ", of.len())),
                Span::styled(evidence(&rules.join(", ")), theme::DIM),
            ]))
        })
        .collect()
}

/// Writes the total number of events into the histogram's top border, right-aligned.
fn render_event_total(frame: &mut Frame, area: Rect, overview: &Overview) {
    let text = format!(" {} events ", overview.events);
    let line = Line::from(text).right_aligned();
    let border = Rect {
        x: area.x + 1,
        width: area.width.saturating_sub(2),
        height: 1,
        ..area
    };
    frame.render_widget(Paragraph::new(line), border);
}
