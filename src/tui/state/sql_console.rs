//! The SQL console's state: the query history and the last result.

use crate::tui::console::QueryResult;

use super::{ListCursor, TextInput};

/// The most queries the history keeps; the oldest is dropped first.
const HISTORY_LIMIT: usize = 100;

#[derive(Debug, Default)]
pub struct SqlConsole {
    /// Queries run so far, oldest first, without repeats in a row.
    pub history: Vec<String>,
    /// The history entry the prompt shows while Up and Down browse it.
    pub history_pos: Option<usize>,
    pub result: Option<QueryResult>,
    /// The query whose result is shown.
    pub query: Option<String>,
    pub cursor: ListCursor,
    /// The first result column shown, for results wider than the screen.
    pub first_column: usize,
    /// The text that `/` last searched the result for.
    pub search: Option<String>,
}

impl SqlConsole {
    /// Records `sql` in the history.
    pub fn remember(&mut self, sql: &str) {
        if self.history.last().is_none_or(|last| last != sql) {
            self.history.push(sql.to_string());
        }
        if self.history.len() > HISTORY_LIMIT {
            self.history.remove(0);
        }
        self.history_pos = None;
    }

    /// Moves through the history, `-1` towards older queries, and puts the entry in
    /// `input`. Past the newest entry the input is cleared.
    pub fn browse(&mut self, delta: isize, input: &mut TextInput) {
        if self.history.is_empty() {
            return;
        }
        let newest = self.history.len() - 1;
        let position = match self.history_pos {
            None if delta < 0 => Some(newest),
            None => None,
            Some(pos) => match pos.checked_add_signed(delta) {
                Some(next) if next <= newest => Some(next),
                Some(_) => None,
                None => Some(0),
            },
        };
        self.history_pos = position;
        input.clear();
        if let Some(entry) = position.and_then(|pos| self.history.get(pos)) {
            entry.chars().for_each(|c| input.push(c));
        }
    }

    pub fn set_result(&mut self, result: QueryResult) {
        self.result = Some(result);
        self.cursor.reset();
        self.first_column = 0;
    }

    /// Scrolls the result columns by `delta`, keeping at least one column shown.
    pub fn scroll_columns(&mut self, delta: isize) {
        let count = self.result.as_ref().map_or(0, |r| r.columns.len());
        self.first_column = self
            .first_column
            .saturating_add_signed(delta)
            .min(count.saturating_sub(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_browses_back_and_forth() {
        let mut console = SqlConsole::default();
        console.remember("select 1");
        console.remember("select 2");
        console.remember("select 2");
        assert_eq!(console.history.len(), 2, "a repeat is kept once");
        let mut input = TextInput::default();
        console.browse(-1, &mut input);
        assert_eq!(input.as_str(), "select 2");
        console.browse(-1, &mut input);
        assert_eq!(input.as_str(), "select 1");
        console.browse(-1, &mut input);
        assert_eq!(input.as_str(), "select 1", "stays at the oldest");
        console.browse(1, &mut input);
        console.browse(1, &mut input);
        assert_eq!(input.as_str(), "", "past the newest clears");
    }
}
