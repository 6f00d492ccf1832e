//! Prompt handling: the identity filter, the trace ID prompt, the ID picker and the
//! justification prompt of a decision.

use crate::model::{NewDecision, Verdict};
use crate::review::findings::Finding;
use crate::review::rules::Check;
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
        // A decision records the hash of the findings shown to the reviewer, and an
        // approve needs a reason when there are any, so none is taken before they are.
        if !self.identities.findings_loaded {
            self.set_status(
                "Findings are still being computed. Decide once they are shown.",
                true,
            );
            return;
        }
        // With marks, the decision covers the marked identities, starting with the
        // selected one when it is marked too.
        let marked = &self.identities.marked;
        let (identity_key, label, also) = if marked.is_empty() || marked.contains(&row.identity_key)
        {
            let also = marked
                .iter()
                .filter(|key| **key != row.identity_key)
                .cloned()
                .collect();
            (row.identity_key.clone(), row.label().to_string(), also)
        } else {
            let mut keys = marked.iter().cloned();
            let first = keys.next().unwrap_or_default();
            let label = self
                .identities
                .label_of(&first)
                .unwrap_or(&first)
                .to_string();
            (first, label, keys.collect())
        };
        self.prompt = Some(Prompt::Justification(JustificationPrompt {
            verdict,
            identity_key,
            label,
            also,
            input: TextInput::default(),
        }));
    }

    /// Marks or unmarks the selected identity and moves to the next row.
    pub(super) fn toggle_mark(&mut self) {
        if self.screen != Screen::Review {
            return;
        }
        let Some(key) = self
            .identities
            .selected()
            .map(|row| row.identity_key.clone())
        else {
            return;
        };
        if !self.identities.marked.remove(&key) {
            self.identities.marked.insert(key);
        }
        let len = self.identities.visible.len();
        self.identities.cursor.move_by(1, len);
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
            Some(Prompt::Bookmark(prompt)) => prompt.input.push(c),
            Some(Prompt::Search(input)) => input.push(c),
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
            Some(Prompt::Bookmark(prompt)) => prompt.input.pop(),
            Some(Prompt::Search(input)) => input.pop(),
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
    /// filter is applied, the export prompt writes the file and the search prompt selects
    /// the first match.
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
            Prompt::Bookmark(prompt) => self.submit_bookmark(prompt),
            Prompt::Search(input) => {
                self.submit_search(input);
                None
            }
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

    /// Returns why a blank justification is not enough, by the rule the engine applies:
    /// a revoke always needs one, an approve when findings other than approval ones are
    /// shown. Checking here keeps the prompt open to type it.
    fn missing_justification(&self, prompt: &JustificationPrompt) -> Option<&'static str> {
        match prompt.verdict {
            Verdict::Revoke => {
                Some("A revoke needs a justification. Type why, then press Enter (Esc cancels).")
            }
            Verdict::Approve => {
                let keys = std::iter::once(&prompt.identity_key).chain(&prompt.also);
                let mut shown = keys.flat_map(|key| self.identities.findings_of(key));
                let about_access = |f: &Finding| {
                    !matches!(f.check, Check::ApprovalUnchanged | Check::ApprovalChanged)
                };
                shown.any(about_access).then_some(
                    "Approving an identity with findings needs a justification; e lists them.",
                )
            }
            Verdict::Flag | Verdict::Abstain => None,
        }
    }

    fn submit_decision(&mut self, prompt: JustificationPrompt) -> Option<Job> {
        // The engine rejects the other missing justifications, which depend on findings;
        // a revoke always needs one, so the prompt can stay open for it.
        if prompt.input.is_blank()
            && let Some(reason) = self.missing_justification(&prompt)
        {
            self.prompt = Some(Prompt::Justification(prompt));
            self.set_status(reason, true);
            return None;
        }
        let justification = prompt.input.as_str().trim().to_string();
        let keys = std::iter::once(prompt.identity_key).chain(prompt.also);
        let decisions: Vec<NewDecision> = keys
            .map(|identity| NewDecision {
                identity,
                entitlement: None,
                verdict: prompt.verdict,
                reviewer: self.reviewer.clone(),
                justification: justification.clone(),
            })
            .collect();
        for decision in &decisions {
            let pending = &mut self.identities.pending;
            pending.insert(decision.identity.clone(), prompt.verdict);
        }
        self.identities.marked.clear();
        self.requests.saving += 1;
        let review = std::sync::Arc::clone(&self.review);
        if decisions.len() == 1 {
            return decisions
                .into_iter()
                .next()
                .map(|new| Job::Decide { new, review });
        }
        Some(Job::DecideAll { decisions, review })
    }
}
