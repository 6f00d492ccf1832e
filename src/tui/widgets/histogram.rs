//! Events over time as a bar per time slice, with the selected slice marked.

use chrono::NaiveDateTime;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Sparkline};

use super::theme;
use super::zone::Zone;
use crate::case::Histogram;

/// The rows the histogram takes: three rows of bars, the marker row and the borders.
pub const HEIGHT: u16 = 6;

fn minute(ts: NaiveDateTime, zone: Zone) -> String {
    zone.naive(ts, "%Y-%m-%d %H:%M")
}

/// Draws `histogram` in `area`, with the slice at `selected` marked when given. `zoomed`
/// adds a hint that Z zooms back out.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    histogram: &Histogram,
    selected: Option<usize>,
    zoomed: bool,
    zone: Zone,
) {
    let range = match (histogram.start, histogram.end) {
        (Some(start), Some(end)) => format!(
            "{} → {} {}",
            minute(start, zone),
            minute(end, zone),
            zone.label()
        ),
        _ => "no events".to_string(),
    };
    let mut block = Block::bordered().title(theme::title(format!("Events over time, {range}")));
    if let Some(index) = selected
        && let Some((from, to)) = histogram.bucket_range(index)
    {
        let count = histogram.counts.get(index).copied().unwrap_or(0);
        let zoom = if zoomed { "  Z zooms out" } else { "" };
        let text = format!(
            " ← → slice {} → {}: {count} events{zoom} ",
            minute(from, zone),
            minute(to, zone)
        );
        block = block.title_bottom(Line::styled(text, theme::DIM));
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let [bars_area, marker_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(inner);
    let data: Vec<u64> = histogram
        .counts
        .iter()
        .map(|&count| u64::try_from(count).unwrap_or(0))
        .collect();
    let sparkline = Sparkline::default()
        .data(&data)
        .style(Style::new().fg(Color::Cyan));
    frame.render_widget(sparkline, bars_area);
    if let Some(index) = selected.filter(|_| !data.is_empty()) {
        let marker = Line::from(vec![
            Span::raw(" ".repeat(index)),
            Span::styled("▲", theme::LABEL),
        ]);
        frame.render_widget(Paragraph::new(marker), marker_area);
    }
}
