//! `/`, `n` and `N`: the text search of the Trace and SQL screens, and on Identities,
//! Review and Events the jump to the rows that contain the filter's words.

use crate::case::event_filter::free_words;
use crate::tui::screens;
use crate::tui::state::identity_list::search_text;
use crate::tui::state::search::{self, Needle, Step};
use crate::tui::state::{ListCursor, TextInput};

use super::{App, Prompt, Screen};

/// The text a search step looks for on the screen shown, and its wording in the status.
struct Target {
    needle: Needle,
    /// The searched text as the status line names it.
    described: String,
    /// Appended to the match counter where the search covers only part of the list.
    scope: &'static str,
}

impl App {
    /// `/` on Trace and SQL: opens the search prompt.
    pub(super) fn start_search(&mut self) {
        if matches!(self.screen, Screen::Trace | Screen::Sql) {
            self.prompt = Some(Prompt::Search(TextInput::default()));
        }
    }

    /// Enter in the search prompt: keeps the term and selects the first match at or after
    /// the selected row.
    pub(super) fn submit_search(&mut self, input: TextInput) {
        let term = input.as_str().trim().to_string();
        if term.is_empty() {
            self.prompt = Some(Prompt::Search(input));
            self.set_status("Type a text to search for, or press Esc to cancel.", true);
            return;
        }
        match self.screen {
            Screen::Trace => self.trace.search = Some(term),
            Screen::Sql => self.console.search = Some(term),
            _ => return,
        }
        self.search_step(Step::From);
    }

    /// Selects the match that `step` lands on and shows its number among all matches.
    pub(super) fn search_step(&mut self, step: Step) {
        let target = match self.search_target() {
            Ok(target) => target,
            Err(hint) => {
                self.set_status(hint, false);
                return;
            }
        };
        let matches = self.matching_rows(&target.needle);
        let selected = self.search_cursor().map_or(0, |cursor| cursor.selected);
        let Some(hit) = search::step(&matches, selected, step) else {
            self.set_status(format!("no match for {}", target.described), false);
            return;
        };
        match self.screen {
            Screen::Trace => self
                .trace
                .move_cursor(|cursor, _| cursor.selected = hit.index),
            _ => {
                if let Some(cursor) = self.search_cursor_mut() {
                    cursor.selected = hit.index;
                }
            }
        }
        self.set_status(
            format!(
                "match {} of {} for {}{}",
                hit.ordinal, hit.total, target.described, target.scope
            ),
            false,
        );
    }

    /// Returns what the screen shown searches for, or the hint that it has nothing to
    /// search for yet.
    fn search_target(&self) -> Result<Target, &'static str> {
        let phrase = |term: &str| Target {
            needle: Needle::phrase(term),
            described: quoted(term.trim()),
            scope: "",
        };
        let target = match self.screen {
            Screen::Trace => self.trace.search.as_deref().map(phrase),
            Screen::Sql => self.console.search.as_deref().map(phrase),
            Screen::Identities | Screen::Review => {
                Some(phrase(self.identities.filter.as_str())).filter(|t| !t.needle.is_empty())
            }
            Screen::Events => {
                let words = free_words(self.events.filter_text.as_str());
                let described = words.iter().map(|w| quoted(w)).collect::<Vec<_>>();
                Some(Target {
                    needle: Needle::words(words.iter().map(String::as_str)),
                    described: described.join(" and "),
                    scope: " on this page",
                })
                .filter(|t| !t.needle.is_empty())
            }
            Screen::Overview => return Err("Overview has no list to search."),
        };
        target.ok_or(match self.screen {
            Screen::Trace | Screen::Sql => "No search yet; press / to type one.",
            Screen::Events => "The filter has no words to look for; press / to add some.",
            _ => "No filter text to look for; press / to type one.",
        })
    }

    /// Returns the indexes of the rows of the shown list whose text the needle matches.
    fn matching_rows(&self, needle: &Needle) -> Vec<usize> {
        match self.screen {
            Screen::Trace => needle.matching_rows(self.trace.events.len(), |i| {
                screens::trace::row_text(self, i)
            }),
            Screen::Sql => match &self.console.result {
                Some(result) => {
                    needle.matching_rows(result.rows.len(), |i| screens::sql::row_text(result, i))
                }
                None => Vec::new(),
            },
            Screen::Identities | Screen::Review => {
                let list = &self.identities;
                needle.matching_rows(list.visible.len(), |i| {
                    list.visible_row(i).map(search_text).unwrap_or_default()
                })
            }
            Screen::Events => {
                let rows = &self.events.rows;
                needle.matching_rows(rows.len(), |i| {
                    screens::events::row_text(&rows[i], self.zone)
                })
            }
            Screen::Overview => Vec::new(),
        }
    }

    fn search_cursor(&self) -> Option<&ListCursor> {
        match self.screen {
            Screen::Trace => Some(&self.trace.cursor),
            Screen::Sql => Some(&self.console.cursor),
            Screen::Identities | Screen::Review => Some(&self.identities.cursor),
            Screen::Events => Some(&self.events.cursor),
            Screen::Overview => None,
        }
    }

    fn search_cursor_mut(&mut self) -> Option<&mut ListCursor> {
        match self.screen {
            Screen::Trace => Some(&mut self.trace.cursor),
            Screen::Sql => Some(&mut self.console.cursor),
            Screen::Identities | Screen::Review => Some(&mut self.identities.cursor),
            Screen::Events => Some(&mut self.events.cursor),
            Screen::Overview => None,
        }
    }
}

/// Quotes `text` for the status line, which escapes it as it escapes evidence.
fn quoted(text: &str) -> String {
    format!("\"{text}\"")
}
