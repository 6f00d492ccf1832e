//! Keys of the Trace screen that act on the selected event: bookmarking it and pivoting
//! to a new trace of its actor or of the value that links it.

use crate::tui::state::TextInput;
use crate::tui::worker::Job;

use super::{App, BookmarkPrompt, Prompt, Screen};

impl App {
    /// `m`: opens the note prompt that bookmarks the selected event.
    pub(super) fn start_bookmark(&mut self) {
        if self.screen != Screen::Trace {
            return;
        }
        let Some(event) = self.trace.selected() else {
            self.set_status("No event is selected.", true);
            return;
        };
        self.prompt = Some(Prompt::Bookmark(BookmarkPrompt {
            event_key: event.event_key,
            input: TextInput::default(),
        }));
    }

    /// Enter in the note prompt: bookmarks the event under the reviewer's name. An empty
    /// note is allowed, as with `scimtrail bookmark add`.
    pub(super) fn submit_bookmark(&mut self, prompt: BookmarkPrompt) -> Option<Job> {
        Some(Job::Bookmark {
            event_key: prompt.event_key,
            note: prompt.input.as_str().trim().to_string(),
            author: self.reviewer.clone(),
        })
    }

    /// Traces the identity that the selected event's actor resolved to. The trace of an
    /// identity key collects every event of that identity, so its other sessions too.
    pub(super) fn trace_actor(&mut self) -> Option<Job> {
        let event = self.trace.selected()?;
        let Some(identity) = &event.identity else {
            self.set_status(
                "The actor of this event is not in the SCIM snapshots, so there is no identity to trace.",
                true,
            );
            return None;
        };
        let key = identity.identity_key.clone();
        Some(self.start_trace(key))
    }

    /// Traces the identifier shared by the link from the selected event's parent.
    pub(super) fn trace_link_value(&mut self) -> Option<Job> {
        let value = self
            .trace
            .selected_position()
            .and_then(|position| position.value.clone());
        let Some(value) = value else {
            self.set_status(
                "This event is a root of the trace, so no link joins it to a parent.",
                true,
            );
            return None;
        };
        Some(self.start_trace(value))
    }
}
