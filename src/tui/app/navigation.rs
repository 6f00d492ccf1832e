//! Moving through lists, scrolling the event detail, and what Enter and Esc open or close.

use crate::tui::state::ListCursor;
use crate::tui::state::trace_view::DETAIL_SCROLL_STEP;
use crate::tui::widgets::event_detail;
use crate::tui::worker::Job;

use super::{App, DetailView, Prompt, Screen};

impl App {
    /// Esc outside a prompt: closes the help overlay. On Events it zooms out, else clears
    /// the event filter. On Review it clears the marks, else the identity filter, which it
    /// also clears on Identities.
    pub(super) fn back(&mut self) -> Option<Job> {
        if self.help_open {
            self.help_open = false;
            return None;
        }
        if self.explain.take().is_some() {
            return None;
        }
        if self.screen == Screen::Identities && self.detail.take().is_some() {
            return None;
        }
        match self.screen {
            Screen::Events => self.events_back(),
            Screen::Review if !self.identities.marked.is_empty() => {
                self.identities.marked.clear();
                None
            }
            Screen::Identities | Screen::Review => {
                if !self.identities.filter.as_str().is_empty() {
                    self.identities.filter.clear();
                    self.identities.refilter();
                }
                None
            }
            Screen::Trace | Screen::Overview | Screen::Sql => None,
        }
    }

    /// Moves the cursor of the list that has the focus: the picker, else the screen's list.
    /// On Events a move off the loaded page returns the load of the page it lands on.
    pub(super) fn move_cursor(
        &mut self,
        change: impl FnOnce(&mut ListCursor, usize),
    ) -> Option<Job> {
        if let Some(Prompt::Picker(picker)) = &mut self.prompt {
            change(&mut picker.cursor, picker.ranked.len());
            return None;
        }
        match self.screen {
            Screen::Trace => self.trace.move_cursor(change),
            Screen::Identities if self.detail.is_some() => self.scroll_identity_detail(change),
            Screen::Events => return self.move_event_cursor(change),
            Screen::Sql => {
                let len = self.console.result.as_ref().map_or(0, |r| r.rows.len());
                change(&mut self.console.cursor, len);
            }
            Screen::Overview => {}
            Screen::Identities | Screen::Review => {
                let len = self.identities.visible.len();
                change(&mut self.identities.cursor, len);
            }
        }
        None
    }

    /// Selects the row of the screen's list drawn at screen row `y`. Clicks are ignored
    /// while a prompt or the help is open.
    pub(super) fn click_row(&mut self, y: u16) {
        if self.prompt.is_some() || self.help_open {
            return;
        }
        match self.screen {
            Screen::Identities | Screen::Review => {
                let list = &mut self.identities;
                if let Some(index) = list.cursor.index_at(y, list.visible.len()) {
                    list.cursor.selected = index;
                }
            }
            Screen::Events => {
                let view = &mut self.events;
                if let Some(index) = view.cursor.index_at(y, view.rows.len()) {
                    view.cursor.selected = index;
                }
            }
            Screen::Trace => {
                let index = self.trace.cursor.index_at(y, self.trace.events.len());
                if let Some(index) = index {
                    self.trace.move_cursor(|cursor, _| cursor.selected = index);
                }
            }
            Screen::Sql => {
                let len = self.console.result.as_ref().map_or(0, |r| r.rows.len());
                if let Some(index) = self.console.cursor.index_at(y, len) {
                    self.console.cursor.selected = index;
                }
            }
            Screen::Overview => {}
        }
    }

    pub(super) fn scroll_detail(&mut self, direction: i32) {
        let Some(event) = self.trace.selected() else {
            return;
        };
        // The pane also shows the link line and the event's flags and gaps.
        let extra = 1 + self.trace.findings_of(event.event_key).count();
        let line_count = event_detail::lines(event, &self.identities).len() + extra;
        let step = i32::from(DETAIL_SCROLL_STEP);
        self.trace.scroll_detail(direction * step, line_count);
    }

    /// Enter: from Identities opens the selected identity's detail and from its detail
    /// Review on that identity, from Trace selects
    /// the identity that the event's actor resolved to, from Events traces the selected
    /// event, and on the SQL screen opens the query prompt.
    pub(super) fn open_selected(&mut self) -> Option<Job> {
        match self.screen {
            Screen::Identities if self.detail.is_some() => self.review_detail_identity(),
            Screen::Identities => return self.open_identity_detail(),
            Screen::Trace => self.open_event_identity(),
            Screen::Events => return self.trace_selected_event(),
            Screen::Sql => self.open_console(),
            Screen::Review | Screen::Overview => {}
        }
        None
    }

    fn open_identity_detail(&mut self) -> Option<Job> {
        let identity_key = self.identities.selected()?.identity_key.clone();
        let request = self.requests.issue();
        self.requests.detail = Some(request);
        self.detail = Some(DetailView {
            identity_key: identity_key.clone(),
            data: None,
            scroll: 0,
        });
        Some(Job::LoadDetail {
            request,
            identity_key,
        })
    }

    fn review_detail_identity(&mut self) {
        if let Some(view) = self.detail.take() {
            self.screen = Screen::Review;
            self.identities.set_scoped(true);
            if !self.identities.select_key(&view.identity_key)
                && let Some(queue) = &self.identities.campaign
            {
                let campaign = queue.campaign.campaign_id.clone();
                self.set_status(
                    format!(
                        "{} is not in the scope of campaign {campaign}.",
                        view.identity_key
                    ),
                    true,
                );
            }
        }
    }

    /// Scrolls the detail text by the rows that `change` moves a cursor, using a cursor
    /// placed at the current scroll position.
    fn scroll_identity_detail(&mut self, change: impl FnOnce(&mut ListCursor, usize)) {
        let Some(view) = &mut self.detail else {
            return;
        };
        let mut cursor = ListCursor {
            selected: usize::from(view.scroll),
            ..ListCursor::default()
        };
        change(&mut cursor, usize::from(u16::MAX));
        view.scroll = u16::try_from(cursor.selected).unwrap_or(u16::MAX);
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
        self.identities.set_scoped(false);
        if self.identities.select_key(&key) {
            self.detail = None;
            self.screen = Screen::Identities;
        } else {
            self.set_status(
                format!("Identity {key} is not in the loaded list. Press R to reload."),
                true,
            );
        }
    }
}
