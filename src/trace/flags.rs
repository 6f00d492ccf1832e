//! Findings on a trace: flags that need an analyst's attention and gaps where the
//! evidence is too thin to reconstruct what happened.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDateTime;
use serde::Serialize;

use super::event_time;
use super::graph::{Strength, TraceLink, event_links};
use super::stages::{StageKind, classify};
use crate::Result;
use crate::case::{Case, format_ts};
use crate::model::{StateBasis, TraceEvent};

/// A finding on one event of a trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Flags: `after_deactivation`, `after_deletion`, `after_deprovisioning`,
    /// `credential_after_deactivation`, `denied`, `failure`, `policy_decision`,
    /// `actor_not_in_scim`. Gaps: `no_outcome`, `session_start_only`.
    pub kind: &'static str,
    pub event_key: i64,
    pub detail: String,
}

/// Flags the trace's events. `deprovisioned` maps an identity to the earliest event that
/// deprovisioned it, anywhere in the case.
pub fn flags(
    events: &[TraceEvent],
    deprovisioned: &HashMap<String, (i64, NaiveDateTime)>,
) -> Vec<Finding> {
    let mut found = Vec::new();
    for event in events {
        let mut add = |kind: &'static str, detail: String| {
            found.push(Finding {
                kind,
                event_key: event.event_key,
                detail,
            })
        };
        let failed = match event.outcome.as_str() {
            "denied" => Some("denied"),
            "failure" => Some("failure"),
            _ => None,
        };
        if let Some(kind) = failed {
            add(
                kind,
                event.reason.clone().unwrap_or_else(|| event.action.clone()),
            );
        }
        if mentions_policy(event) {
            add(
                "policy_decision",
                event.reason.clone().unwrap_or_else(|| event.action.clone()),
            );
        }
        let Some(identity) = &event.identity else {
            if let Some(actor) = &event.actor_id {
                add("actor_not_in_scim", actor.clone());
            }
            continue;
        };
        let marker = match (identity.state_basis, identity.active) {
            (StateBasis::Deleted, _) => Some("after_deletion"),
            (_, Some(false)) => Some("after_deactivation"),
            _ => None,
        };
        if let Some(kind) = marker {
            // NOTE: an event older than every snapshot takes the oldest later state, so
            // the flag's detail states that rather than claim the actor was inactive at the event.
            let basis = if identity.state_basis == StateBasis::OldestAfter {
                ", taken after the event"
            } else {
                ""
            };
            add(
                kind,
                format!(
                    "{} in snapshot {}{basis}",
                    identity.identity_key, identity.snapshot_id
                ),
            );
            if let Some(credentials) = credential_use(event) {
                add("credential_after_deactivation", credentials);
            }
        }
        if let Some((key, at)) = deprovisioned.get(&identity.identity_key)
            && *key != event.event_key
            && event_time(event).is_some_and(|ts| ts > *at)
        {
            add(
                "after_deprovisioning",
                format!("event {key} at {}", format_ts(at)),
            );
        }
    }
    found
}

/// Finds evidence gaps: requests and tool calls without a recorded outcome, and sessions
/// whose events in the trace are only session starts with no exact link to another stage.
/// An agent run that names the session on its root span and records its tool calls on
/// child spans is therefore no gap.
pub fn gaps(events: &[TraceEvent], links: &[TraceLink]) -> Vec<Finding> {
    let mut found = Vec::new();
    let stages: HashMap<i64, StageKind> =
        events.iter().map(|e| (e.event_key, classify(e))).collect();
    let mut sessions: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for event in events {
        let stage = stages[&event.event_key];
        if event.outcome == "unknown" && matches!(stage, StageKind::Request | StageKind::ToolCall) {
            found.push(Finding {
                kind: "no_outcome",
                event_key: event.event_key,
                detail: format!("{} has no recorded outcome", stage.label()),
            });
        }
        if let Some(session) = event.session_id.as_deref() {
            sessions.entry(session).or_default().push(event.event_key);
        }
    }
    let beyond_start = |key: &i64| {
        stages.get(key) != Some(&StageKind::SessionStart)
            || links.iter().any(|link| {
                link.strength == Strength::Exact
                    && link.from == *key
                    && stages.get(&link.to) != Some(&StageKind::SessionStart)
            })
    };
    for (session, keys) in sessions {
        if !keys.iter().any(beyond_start) {
            found.push(Finding {
                kind: "session_start_only",
                event_key: keys[0],
                detail: format!("session {session} has no event after its start"),
            });
        }
    }
    found
}

/// Names the credentials an event issued or presented: its `issued` and `presented` links,
/// or, for a source that records no such link (an Okta `app.oauth2.as.token.grant`), the
/// action when it names a token.
fn credential_use(event: &TraceEvent) -> Option<String> {
    let credentials: Vec<String> = event_links(event)
        .into_iter()
        .filter(|(_, _, role)| *role == "issued" || *role == "presented")
        .map(|(kind, value, role)| format!("{kind} {value} {role}"))
        .collect();
    if !credentials.is_empty() {
        return Some(credentials.join(", "));
    }
    event
        .action
        .to_lowercase()
        .contains("token")
        .then(|| event.action.clone())
}

/// Returns true when the event records a policy decision: its reason names a policy (a
/// denial "because no identity-based policy allows" it, a conditional access policy), or
/// it is an Okta policy evaluation. An action that changes a policy, such as
/// `PutBucketPolicy`, is no decision.
fn mentions_policy(event: &TraceEvent) -> bool {
    let action = event.action.to_lowercase();
    let reason = event.reason.as_deref().unwrap_or_default().to_lowercase();
    reason.contains("policy") || action.contains("policy.evaluate")
}

/// Looks up the earliest deprovisioning event of each of `identities` in the whole case.
pub fn deprovisioned(
    case: &Case,
    identities: &BTreeSet<String>,
) -> Result<HashMap<String, (i64, NaiveDateTime)>> {
    case.earliest_deprovisioning(identities)
}
