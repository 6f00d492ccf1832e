//! Moving through lists, scrolling the event detail, and what Enter and Esc open or close.

use crate::tui::state::ListCursor;
use crate::tui::state::trace_view::DETAIL_SCROLL_STEP;
use crate::tui::widgets::event_detail;

use super::{App, Prompt, Screen};

impl App {
    /// Esc outside a prompt: closes the help overlay, else clears the identity filter.
    pub(super) fn back(&mut self) {
        if self.help_open {
            self.help_open = false;
        } else if self.screen != Screen::Trace && !self.identities.filter.as_str().is_empty() {
            self.identities.filter.clear();
            self.identities.refilter();
        }
    }

    /// Moves the cursor of the list that has the focus: the picker, else the screen's list.
    pub(super) fn move_cursor(&mut self, change: impl FnOnce(&mut ListCursor, usize)) {
        if let Some(Prompt::Picker(picker)) = &mut self.prompt {
            change(&mut picker.cursor, picker.ranked.len());
        } else if self.screen == Screen::Trace {
            self.trace.move_cursor(change);
        } else {
            let len = self.identities.visible.len();
            change(&mut self.identities.cursor, len);
        }
    }

    pub(super) fn scroll_detail(&mut self, direction: i32) {
        let Some(event) = self.trace.selected() else {
            return;
        };
        let line_count = event_detail::lines(event, &self.identities).len();
        let step = i32::from(DETAIL_SCROLL_STEP);
        self.trace.scroll_detail(direction * step, line_count);
    }

    /// Enter: from Identities opens Review on the selected identity, and from Trace
    /// selects the identity that the event's actor resolved to.
    pub(super) fn open_selected(&mut self) {
        match self.screen {
            Screen::Identities => {
                if self.identities.selected().is_some() {
                    self.screen = Screen::Review;
                }
            }
            Screen::Trace => self.open_event_identity(),
            Screen::Review => {}
        }
    }

    pub(super) fn open_event_identity(&mut self) {
        let Some(event) = self.trace.selected() else {
            return;
        };
        let Some(identity) = &event.identity else {
            self.set_status(
                "The actor of this event is not in the SCIM snapshots.",
                false,
            );
            return;
        };
        let key = identity.identity_key.clone();
        if self.identities.select_key(&key) {
            self.screen = Screen::Identities;
        } else {
            self.set_status(
                format!("Identity {key} is not in the loaded list. Press R to reload."),
                true,
            );
        }
    }
}
