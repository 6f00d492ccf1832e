//! Prompt handling: the identity filter, the trace ID prompt, the ID picker and the
//! justification prompt of a decision.

use crate::model::{NewDecision, Verdict};
use crate::tui::state::{Picker, TextInput};
use crate::tui::worker::Job;

use super::{App, JustificationPrompt, Prompt, Screen};

impl App {
    pub(super) fn open_picker(&mut self) -> Option<Job> {
        let mut picker = Picker::default();
        if let Some(ids) = &self.known_ids {
            picker.rerank(ids);
        }
        self.prompt = Some(Prompt::Picker(picker));
        if self.known_ids.is_some() || self.requests.known_ids.is_some() {
            return None;
        }
        let request = self.requests.issue();
        self.requests.known_ids = Some(request);
        Some(Job::LoadKnownIds { request })
    }

    pub(super) fn start_decision(&mut self, verdict: Verdict) {
        if self.screen != Screen::Review {
            return;
        }
        let Some(row) = self.identities.selected() else {
            self.set_status("No identity is selected.", true);
            return;
        };
        self.prompt = Some(Prompt::Justification(JustificationPrompt {
            verdict,
            identity_key: row.identity_key.clone(),
            label: row.label().to_string(),
            input: TextInput::default(),
        }));
    }

    pub(super) fn input_char(&mut self, c: char) {
        match &mut self.prompt {
            Some(Prompt::Filter) => {
                self.identities.filter.push(c);
                self.identities.refilter();
                self.identities.cursor.reset();
            }
            Some(Prompt::TraceId(input)) => input.push(c),
            Some(Prompt::Picker(picker)) => {
                picker.input.push(c);
                picker.rerank(self.known_ids.as_deref().unwrap_or_default());
            }
            Some(Prompt::Justification(prompt)) => prompt.input.push(c),
            Some(Prompt::EventFilter(input) | Prompt::Export(input) | Prompt::Sql(input)) => {
                input.push(c)
            }
            None => {}
        }
    }

    pub(super) fn input_backspace(&mut self) {
        match &mut self.prompt {
            Some(Prompt::Filter) => {
                self.identities.filter.pop();
                self.identities.refilter();
            }
            Some(Prompt::TraceId(input)) => input.pop(),
            Some(Prompt::Picker(picker)) => {
                picker.input.pop();
                picker.rerank(self.known_ids.as_deref().unwrap_or_default());
            }
            Some(Prompt::Justification(prompt)) => prompt.input.pop(),
            Some(Prompt::EventFilter(input) | Prompt::Export(input) | Prompt::Sql(input)) => {
                input.pop()
            }
            None => {}
        }
    }

    /// Esc in a prompt closes it. In the identity filter it also clears the filter text;
    /// the event filter keeps the filter applied before the prompt opened.
    pub(super) fn input_cancel(&mut self) {
        if let Some(Prompt::Filter) = self.prompt {
            self.identities.filter.clear();
            self.identities.refilter();
        }
        self.prompt = None;
    }

    /// Enter in a prompt. The identity filter keeps its text, the trace prompt and the
    /// picker start a trace, the justification prompt records the decision, the event
    /// filter is applied and the export prompt writes the file.
    pub(super) fn input_submit(&mut self) -> Option<Job> {
        match self.prompt.take()? {
            Prompt::Filter => None,
            Prompt::TraceId(input) => {
                self.submit_trace(input.as_str().trim().to_string(), Prompt::TraceId(input))
            }
            Prompt::Picker(picker) => {
                let ids = self.known_ids.as_deref().unwrap_or_default();
                let id = picker.selected(ids).map_or_else(
                    || picker.input.as_str().trim().to_string(),
                    |known| known.id.clone(),
                );
                self.submit_trace(id, Prompt::Picker(picker))
            }
            Prompt::Justification(prompt) => self.submit_decision(prompt),
            Prompt::EventFilter(input) => self.submit_event_filter(input),
            Prompt::Export(input) => self.submit_export(input),
            Prompt::Sql(input) => self.submit_sql(input),
        }
    }

    /// Starts a trace of `id`, or reopens `prompt` with a message when `id` is empty.
    fn submit_trace(&mut self, id: String, prompt: Prompt) -> Option<Job> {
        if id.is_empty() {
            self.prompt = Some(prompt);
            self.set_status("Type an ID to trace, or press Esc to cancel.", true);
            return None;
        }
        Some(self.start_trace(id))
    }

    /// Shows the Trace screen and returns the job that traces `id`.
    pub(super) fn start_trace(&mut self, id: String) -> Job {
        let request = self.requests.issue();
        self.requests.trace = Some(request);
        self.trace.start(id.clone());
        self.screen = Screen::Trace;
        Job::Trace { request, id }
    }

    fn submit_decision(&mut self, prompt: JustificationPrompt) -> Option<Job> {
        if prompt.input.is_blank() {
            self.prompt = Some(Prompt::Justification(prompt));
            self.set_status(
                "A justification is required. Type why, then press Enter (Esc cancels).",
                true,
            );
            return None;
        }
        self.identities
            .pending
            .insert(prompt.identity_key.clone(), prompt.verdict);
        self.requests.saving += 1;
        Some(Job::Decide(NewDecision {
            identity: prompt.identity_key,
            entitlement: None,
            verdict: prompt.verdict,
            reviewer: self.reviewer.clone(),
            justification: prompt.input.as_str().trim().to_string(),
        }))
    }
}
