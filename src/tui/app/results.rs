//! Applying the database worker's results to the app.

use crate::tui::action::Action;
use crate::tui::worker::Job;

use super::{App, Prompt};

/// The requests in flight. A query result counts only when its number is the newest of its
/// kind, because a newer request has made an older result stale, so that one is dropped.
#[derive(Debug, Default)]
pub struct Requests {
    last: u64,
    pub identities: Option<u64>,
    pub findings: Option<u64>,
    pub trace: Option<u64>,
    pub known_ids: Option<u64>,
    pub overview: Option<u64>,
    pub events: Option<u64>,
    pub sql: Option<u64>,
    pub detail: Option<u64>,
    /// Decisions sent to the worker whose result has not arrived. They are never replaced,
    /// so a count suffices.
    pub saving: usize,
}

impl Requests {
    /// Returns a new request number.
    pub fn issue(&mut self) -> u64 {
        self.last += 1;
        self.last
    }

    pub fn busy(&self) -> bool {
        self.identities.is_some()
            || self.findings.is_some()
            || self.trace.is_some()
            || self.known_ids.is_some()
            || self.overview.is_some()
            || self.events.is_some()
            || self.sql.is_some()
            || self.detail.is_some()
            || self.saving > 0
    }
}

/// Marks `request` finished in `slot` and returns whether it is the newest of its kind.
fn finish(slot: &mut Option<u64>, request: u64) -> bool {
    if *slot == Some(request) {
        *slot = None;
        true
    } else {
        false
    }
}

impl App {
    /// Applies a worker's result and returns the job it calls for: after the identities,
    /// their findings; after a saved decision, the identities' reload.
    pub(super) fn apply_result(&mut self, action: Action) -> Option<Job> {
        match action {
            Action::IdentitiesLoaded { request, result } => {
                if !finish(&mut self.requests.identities, request) {
                    return None;
                }
                match result {
                    Ok(data) => {
                        self.identities.set_data(data);
                        // The list is drawn first; the rules run after it, since on a
                        // large case they take far longer than the list.
                        return Some(self.request_findings());
                    }
                    Err(err) => {
                        tracing::warn!(error = %err, "loading identities failed");
                        self.set_status(format!("Loading identities failed: {err}"), true);
                    }
                }
            }
            Action::FindingsLoaded { request, result } => {
                if !finish(&mut self.requests.findings, request) {
                    return None;
                }
                self.identities.set_findings(result);
            }
            Action::TraceLoaded { request, result } => {
                if !finish(&mut self.requests.trace, request) {
                    return None;
                }
                match result {
                    Ok(report) => self.trace.set_report(*report),
                    Err(err) => {
                        let id = self.trace.query.clone().unwrap_or_default();
                        tracing::warn!(%id, error = %err, "trace failed");
                        self.set_status(format!("Tracing {id} failed: {err}"), true);
                    }
                }
            }
            Action::KnownIdsLoaded { request, result } => {
                if !finish(&mut self.requests.known_ids, request) {
                    return None;
                }
                match result {
                    Ok(ids) => self.set_known_ids(ids),
                    Err(err) => {
                        tracing::warn!(error = %err, "loading the picker's IDs failed");
                        self.set_status(format!("Loading IDs for the picker failed: {err}"), true);
                    }
                }
            }
            Action::DecisionSaved {
                identity_key,
                result,
            } => {
                self.requests.saving = self.requests.saving.saturating_sub(1);
                let saved = result.is_ok();
                self.apply_decision(identity_key, result.map(|decision| *decision));
                return self.reload_after_decision(saved);
            }
            Action::DecisionsSaved {
                identity_keys,
                result,
            } => {
                self.requests.saving = self.requests.saving.saturating_sub(1);
                let saved = result.is_ok();
                self.apply_decisions(identity_keys, result);
                return self.reload_after_decision(saved);
            }
            Action::BookmarkSaved { event_key, result } => match result {
                Ok(id) => self.set_status(
                    format!("Bookmarked event #{event_key} as bookmark {id}."),
                    false,
                ),
                Err(err) => {
                    tracing::warn!(event_key, error = %err, "bookmarking failed");
                    self.set_status(
                        format!("Bookmarking event #{event_key} failed: {err}"),
                        true,
                    );
                }
            },
            Action::OverviewLoaded { request, result } => {
                if !finish(&mut self.requests.overview, request) {
                    return None;
                }
                match result {
                    Ok(overview) => self.overview = Some(overview),
                    Err(err) => {
                        tracing::warn!(error = %err, "loading the overview failed");
                        self.set_status(format!("Loading the overview failed: {err}"), true);
                    }
                }
            }
            Action::EventsLoaded { request, result } => {
                if !finish(&mut self.requests.events, request) {
                    return None;
                }
                match result {
                    Ok(page) => self.events.set_page(page),
                    Err(err) => {
                        tracing::warn!(error = %err, "loading events failed");
                        self.events.pending_target = None;
                        self.set_status(format!("Loading events failed: {err}"), true);
                    }
                }
            }
            Action::DetailLoaded { request, result } => {
                if !finish(&mut self.requests.detail, request) {
                    return None;
                }
                match (result, &mut self.detail) {
                    (Ok(data), Some(view)) if view.identity_key == data.identity_key => {
                        view.data = Some(data);
                    }
                    (Ok(_), _) => {}
                    (Err(err), _) => {
                        tracing::warn!(error = %err, "loading an identity's detail failed");
                        self.detail = None;
                        self.set_status(format!("Loading the identity failed: {err}"), true);
                    }
                }
            }
            Action::SqlDone { request, result } => {
                if !finish(&mut self.requests.sql, request) {
                    return None;
                }
                match result {
                    Ok(result) => self.console.set_result(result),
                    Err(err) => self.set_status(format!("Query failed: {err}"), true),
                }
            }
            Action::ExportWritten { path, result } => match result {
                Ok(rows) => self.set_status(format!("Exported {rows} rows to {path}."), false),
                Err(err) => {
                    tracing::warn!(%path, error = %err, "export failed");
                    self.set_status(format!("Export failed: {err}"), true);
                }
            },
            Action::WorkerStopped => {
                tracing::error!("the database worker's result channel closed");
                self.worker_stopped = true;
                self.should_quit = true;
            }
            _ => {}
        }
        None
    }

    /// Returns the reload of the identities once the last pending decision is saved.
    /// Findings such as an approval that no longer matches the identity depend on the
    /// ledger, so without it they would stay stale until R. The list keeps its selection,
    /// filter and marks, and draws on while the reload runs.
    fn reload_after_decision(&mut self, saved: bool) -> Option<Job> {
        (saved && self.requests.saving == 0).then(|| self.request_identities())
    }

    fn set_known_ids(&mut self, ids: Vec<crate::tui::worker::KnownId>) {
        if let Some(Prompt::Picker(picker)) = &mut self.prompt {
            picker.rerank(&ids);
        }
        self.known_ids = Some(ids);
    }

    /// Applies a bulk decision, which the worker records whole or not at all.
    fn apply_decisions(
        &mut self,
        identity_keys: Vec<String>,
        result: Result<Vec<crate::model::Decision>, String>,
    ) {
        match result {
            Ok(decisions) => {
                let count = decisions.len();
                let verdict = decisions.first().map(|d| d.verdict.clone());
                for decision in decisions {
                    self.identities.apply_decision(decision);
                }
                if let Some(verdict) = verdict {
                    self.set_status(format!("Recorded {verdict} on {count} identities."), false);
                }
            }
            Err(err) => {
                tracing::warn!(count = identity_keys.len(), error = %err, "a bulk decision was rejected");
                for key in &identity_keys {
                    self.identities.pending.remove(key);
                }
                self.set_status(
                    format!(
                        "Recorded none of the {} decisions: {err}",
                        identity_keys.len()
                    ),
                    true,
                );
            }
        }
    }

    fn apply_decision(
        &mut self,
        identity_key: String,
        result: Result<crate::model::Decision, String>,
    ) {
        match result {
            Ok(decision) => {
                let label = self
                    .identities
                    .rows
                    .iter()
                    .find(|row| row.identity_key == identity_key)
                    .map_or(identity_key.clone(), |row| row.label().to_string());
                self.set_status(
                    format!(
                        "Recorded {} on {label} as decision #{}.",
                        decision.verdict, decision.seq
                    ),
                    false,
                );
                self.identities.apply_decision(decision);
            }
            Err(err) => {
                tracing::warn!(%identity_key, error = %err, "saving a decision failed");
                self.identities.pending.remove(&identity_key);
                // The error names the identity, so the message does not repeat it.
                self.set_status(format!("Decision not recorded: {err}"), true);
            }
        }
    }
}
