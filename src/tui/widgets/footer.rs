//! The footer line: the keys that work in the current mode.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme;
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::keymap::{self, Binding};

/// Draws the mode's footer keys from the left, with help and quit kept visible at the
/// right end, where a narrow terminal cannot cut them off.
pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let (always, local): (Vec<&Binding>, Vec<&Binding>) = keymap::tables(app.mode())
        .into_iter()
        .flatten()
        .filter(|binding| binding.footer.is_some())
        .partition(|binding| matches!(binding.action, Action::Quit | Action::ToggleHelp));
    let right = key_line(&always);
    // Two columns of gap keep the right keys apart from a cut-off left part.
    let right_width = u16::try_from(right.width() + 2).unwrap_or(area.width);
    let [left_area, right_area] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(right_width)]).areas(area);
    frame.render_widget(Paragraph::new(key_line(&local)), left_area);
    frame.render_widget(Paragraph::new(right).right_aligned(), right_area);
}

fn key_line(bindings: &[&Binding]) -> Line<'static> {
    let mut spans = Vec::new();
    for (index, binding) in bindings.iter().enumerate() {
        if index > 0 {
            spans.push(Span::raw("  "));
        }
        spans.push(theme::key(binding.label));
        spans.push(Span::raw(format!(
            " {}",
            binding.footer.unwrap_or_default()
        )));
    }
    Line::from(spans)
}
