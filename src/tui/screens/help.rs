//! The help overlay: every key of the current screen and of its prompts, in sections that
//! flow into as many columns as the height needs.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::tui::app::App;
use crate::tui::keymap::{self, Binding};
use crate::tui::widgets::theme;

/// The width of one column: a 10-column key label and the longest help text.
const COLUMN_WIDTH: u16 = 38;
const COLUMN_GAP: u16 = 2;
const LABEL_WIDTH: usize = 10;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let sections: Vec<Vec<Line<'static>>> = keymap::help_sections(app.screen)
        .into_iter()
        .map(|(title, bindings)| section_lines(title, bindings))
        .collect();
    // The popup's borders and intro line take three rows.
    let rows = usize::from(area.height.saturating_sub(3)).max(1);
    let mut columns = flow(sections.clone(), rows, 1);
    if columns_width(columns.len()) + 2 > area.width {
        columns = flow(sections, rows, 0);
    }

    // Two columns of padding inside the borders, where the terminal has room for them.
    let width = columns_width(columns.len()) + 4;
    let tallest = columns.iter().map(Vec::len).max().unwrap_or(0);
    let height = u16::try_from(tallest).unwrap_or(u16::MAX).saturating_add(3);
    let popup = area.centered(
        Constraint::Length(width.min(area.width)),
        Constraint::Length(height.min(area.height)),
    );
    frame.render_widget(Clear, popup);
    let title = format!("Keys of the {} screen", app.screen.title());
    let block = Block::bordered().title(theme::title(title));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);

    let [intro_area, columns_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
    let intro = Line::styled(" Esc closes prompts and this help.", theme::DIM);
    frame.render_widget(Paragraph::new(intro), intro_area);
    let areas = Layout::horizontal(columns.iter().map(|_| Constraint::Length(COLUMN_WIDTH)))
        .spacing(COLUMN_GAP)
        .flex(Flex::Center)
        .split(columns_area);
    for (lines, column_area) in columns.into_iter().zip(areas.iter()) {
        frame.render_widget(Paragraph::new(lines), *column_area);
    }
}

/// Returns the width of `count` columns with the gaps between them.
fn columns_width(count: usize) -> u16 {
    let count = u16::try_from(count.max(1)).unwrap_or(u16::MAX);
    count.saturating_mul(COLUMN_WIDTH + COLUMN_GAP) - COLUMN_GAP
}

fn section_lines(title: &str, bindings: &[Binding]) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(title.to_string(), theme::HEADER_ROW)];
    for binding in bindings {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<LABEL_WIDTH$}", binding.label), theme::LABEL),
            Span::raw(binding.help),
        ]));
    }
    lines
}

/// Places whole sections into columns of at most `rows` lines, with `gap` blank lines
/// between sections of one column. A section taller than `rows` gets a column of its own
/// and is cut off at the bottom.
pub fn flow(sections: Vec<Vec<Line<'static>>>, rows: usize, gap: usize) -> Vec<Vec<Line<'static>>> {
    let mut columns: Vec<Vec<Line<'static>>> = vec![Vec::new()];
    for section in sections {
        let column = columns.last_mut().expect("columns starts non-empty");
        if column.is_empty() {
            column.extend(section);
            continue;
        }
        if column.len() + gap + section.len() > rows {
            columns.push(section);
            continue;
        }
        column.extend(std::iter::repeat_n(Line::default(), gap));
        column.extend(section);
    }
    columns
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(len: usize) -> Vec<Line<'static>> {
        (0..len).map(|i| Line::from(i.to_string())).collect()
    }

    #[test]
    fn flow_keeps_sections_whole() {
        let columns = flow(vec![section(4), section(3), section(5)], 9, 1);
        let heights: Vec<usize> = columns.iter().map(Vec::len).collect();
        assert_eq!(heights, [8, 5]);
    }

    #[test]
    fn flow_without_gap_fits_more() {
        let columns = flow(vec![section(4), section(3), section(5)], 7, 0);
        let heights: Vec<usize> = columns.iter().map(Vec::len).collect();
        assert_eq!(heights, [7, 5]);
    }

    #[test]
    fn flow_one_column_when_tall_enough() {
        let columns = flow(vec![section(2), section(2)], 40, 1);
        assert_eq!(columns.len(), 1);
        assert_eq!(columns[0].len(), 5);
    }
}
