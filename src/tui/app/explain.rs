//! The findings overlay that `e` opens over Identities, the identity detail and Review.

use super::{App, Screen};

/// The identity whose findings the overlay shows, and how far it is scrolled.
#[derive(Debug)]
pub struct ExplainView {
    pub identity_key: String,
    /// The identity's name as the list shows it.
    pub label: String,
    /// The first line shown of the scrolled text.
    pub scroll: u16,
}

impl App {
    /// Opens the overlay on the identity of the open detail, else on the selected row, or
    /// closes the overlay when it is open.
    pub(super) fn toggle_explain(&mut self) {
        if self.explain.take().is_some() {
            return;
        }
        if !matches!(self.screen, Screen::Identities | Screen::Review) {
            return;
        }
        let identity_key = match (&self.detail, self.identities.selected()) {
            (Some(view), _) if self.screen == Screen::Identities => view.identity_key.clone(),
            (_, Some(row)) => row.identity_key.clone(),
            (_, None) => {
                self.set_status("No identity is selected.", true);
                return;
            }
        };
        let label = self
            .identities
            .label_of(&identity_key)
            .unwrap_or(&identity_key)
            .to_string();
        self.explain = Some(ExplainView {
            identity_key,
            label,
            scroll: 0,
        });
    }

    /// Scrolls the overlay by `delta` lines; the renderer keeps the last line in view.
    pub(super) fn scroll_explain(&mut self, delta: i32) {
        if let Some(view) = &mut self.explain {
            let scroll = i32::from(view.scroll).saturating_add(delta).max(0);
            view.scroll = u16::try_from(scroll).unwrap_or(u16::MAX);
        }
    }
}
