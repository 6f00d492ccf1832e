//! The SQL console: the query prompt, its history, and the result.

use crate::tui::state::TextInput;
use crate::tui::worker::Job;

use super::{App, Prompt, Screen};

impl App {
    /// `;`: shows the console with the prompt open on the last query.
    pub(super) fn open_console(&mut self) {
        self.screen = Screen::Sql;
        let mut input = TextInput::default();
        if let Some(last) = &self.console.query {
            last.chars().for_each(|c| input.push(c));
        }
        self.console.history_pos = None;
        self.prompt = Some(Prompt::Sql(input));
    }

    pub(super) fn browse_history(&mut self, delta: i8) {
        if let Some(Prompt::Sql(input)) = &mut self.prompt {
            self.console.browse(isize::from(delta), input);
        }
    }

    pub(super) fn submit_sql(&mut self, input: TextInput) -> Option<Job> {
        let sql = input.as_str().trim().to_string();
        if sql.is_empty() {
            self.set_status("Type a SELECT query, or press Esc to cancel.", true);
            self.prompt = Some(Prompt::Sql(input));
            return None;
        }
        self.console.remember(&sql);
        self.console.query = Some(sql.clone());
        let request = self.requests.issue();
        self.requests.sql = Some(request);
        Some(Job::RunSql { request, sql })
    }
}
