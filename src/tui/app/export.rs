//! Ctrl-E: the export prompt and the table of the view it writes.

use std::path::PathBuf;

use crate::tui::export::Table;
use crate::tui::state::TextInput;
use crate::tui::worker::Job;

use super::{App, Prompt, Screen};

fn text(value: Option<&str>) -> String {
    value.unwrap_or_default().to_string()
}

impl App {
    /// Opens the export prompt with a file name for the current screen.
    pub(super) fn start_export(&mut self) {
        let mut input = TextInput::default();
        let name = format!("scimtrail-{}.csv", self.screen.title().to_lowercase());
        name.chars().for_each(|c| input.push(c));
        self.prompt = Some(Prompt::Export(input));
    }

    pub(super) fn submit_export(&mut self, input: TextInput) -> Option<Job> {
        let path = input.as_str().trim();
        if path.is_empty() {
            self.set_status("Type a file name, or press Esc to cancel.", true);
            self.prompt = Some(Prompt::Export(input));
            return None;
        }
        Some(Job::Export {
            path: PathBuf::from(path),
            table: self.view_table(),
        })
    }

    /// Returns the rows the current screen shows: the filtered identities, the trace's
    /// events, the loaded page of events, the Overview's sources or the query result.
    pub fn view_table(&self) -> Table {
        match self.screen {
            Screen::Identities | Screen::Review => self.identities_table(),
            Screen::Trace => self.trace_table(),
            Screen::Events => self.events_table(),
            Screen::Overview => self.sources_table(),
            Screen::Sql => {
                let result = self.console.result.clone().unwrap_or_default();
                Table {
                    header: result.columns,
                    rows: result.rows,
                }
            }
        }
    }

    fn identities_table(&self) -> Table {
        let header = [
            "identity_key",
            "name",
            "kind",
            "active",
            "owner",
            "events",
            "last_seen",
            "decision",
        ];
        let rows = self
            .identities
            .visible_rows()
            .map(|row| {
                let decision = self.identities.decisions.get(&row.identity_key);
                vec![
                    row.identity_key.clone(),
                    row.label().to_string(),
                    row.kind.as_str().to_string(),
                    row.active.map(|a| a.to_string()).unwrap_or_default(),
                    text(row.owner.as_deref()),
                    row.event_count.to_string(),
                    text(row.last_seen.as_deref()),
                    text(decision.map(|d| d.verdict.as_str())),
                ]
            })
            .collect();
        table(&header, rows)
    }

    fn trace_table(&self) -> Table {
        let header = [
            "time", "source", "actor", "identity", "action", "outcome", "event_id",
        ];
        let rows = self
            .trace
            .events
            .iter()
            .map(|event| {
                vec![
                    event.ts.clone(),
                    event.source_format.clone(),
                    text(event.actor_display.as_deref().or(event.actor_id.as_deref())),
                    text(event.identity.as_ref().map(|i| i.identity_key.as_str())),
                    event.action.clone(),
                    event.outcome.clone(),
                    text(event.event_id.as_deref()),
                ]
            })
            .collect();
        table(&header, rows)
    }

    fn events_table(&self) -> Table {
        let header = [
            "time",
            "source",
            "actor",
            "action",
            "outcome",
            "client_ip",
            "correlation_id",
            "session_id",
            "request_id",
            "event_id",
        ];
        let rows = self
            .events
            .rows
            .iter()
            .map(|event| {
                vec![
                    event.ts.clone(),
                    event.source_format.clone(),
                    text(event.actor.as_deref()),
                    event.action.clone(),
                    event.outcome.clone(),
                    text(event.client_ip.as_deref()),
                    text(event.correlation_id.as_deref()),
                    text(event.session_id.as_deref()),
                    text(event.request_id.as_deref()),
                    text(event.event_id.as_deref()),
                ]
            })
            .collect();
        table(&header, rows)
    }

    fn sources_table(&self) -> Table {
        let header = [
            "path",
            "format",
            "sha256",
            "records_read",
            "imported",
            "duplicates",
            "rejected",
        ];
        let sources = self.overview.as_ref().map(|o| o.sources.as_slice());
        let rows = sources
            .unwrap_or_default()
            .iter()
            .map(|source| {
                vec![
                    source.path.clone(),
                    source.format.clone(),
                    source.sha256.clone(),
                    source.records_read.to_string(),
                    source.imported.to_string(),
                    source.duplicates.to_string(),
                    source.rejected.to_string(),
                ]
            })
            .collect();
        table(&header, rows)
    }
}

fn table(header: &[&str], rows: Vec<Vec<String>>) -> Table {
    Table {
        header: header.iter().map(|name| name.to_string()).collect(),
        rows,
    }
}
