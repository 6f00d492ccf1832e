//! Sorting a trace's events into stages: session start, requests, tool calls, session end.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::TraceEvent;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    SessionStart,
    Request,
    ToolCall,
    SessionEnd,
}

impl StageKind {
    pub fn label(self) -> &'static str {
        match self {
            StageKind::SessionStart => "session start",
            StageKind::Request => "request",
            StageKind::ToolCall => "tool call",
            StageKind::SessionEnd => "session end",
        }
    }
}

/// The events of one stage with the count of each outcome among them.
#[derive(Debug, Clone, Serialize)]
pub struct Stage {
    pub stage: StageKind,
    pub events: Vec<i64>,
    /// Outcome (`success`, `failure`, `denied`, `unknown`) to number of events.
    pub outcomes: BTreeMap<String, usize>,
}

/// Action fragments, compared in lower case, that start a session: sign-ins (Okta
/// `user.session.start`, Entra sign-in logs, AWS `ConsoleLogin`), issuing session
/// credentials (STS `AssumeRole*`, `GetSessionToken`, `GetFederationToken`), and an
/// agent run (OpenTelemetry GenAI `invoke_agent`).
const SESSION_START: [&str; 9] = [
    "session.start",
    "sign-in",
    "signin",
    "consolelogin",
    "assumerole",
    "getsessiontoken",
    "getfederationtoken",
    "invoke_agent",
    "user.authentication.sso",
];

/// Action fragments that end a session: Okta `user.session.end`, sign-outs and logouts.
const SESSION_END: [&str; 4] = ["session.end", "signout", "sign-out", "logout"];

/// Action prefixes of a tool call: an OpenTelemetry GenAI `execute_tool` span and an MCP
/// `tools/call` request.
const TOOL_CALL: [&str; 2] = ["execute_tool", "tools/call"];

/// Returns the stage of an event, from its action. Only the part after the last `:` is
/// compared, because CloudTrail actions start with the event source, and
/// `signin.amazonaws.com` is the source of calls that start no session too.
pub fn classify(event: &TraceEvent) -> StageKind {
    let lower = event.action.to_lowercase();
    let action = lower.rsplit(':').next().unwrap_or_default();
    if TOOL_CALL.iter().any(|prefix| action.starts_with(prefix)) {
        StageKind::ToolCall
    } else if SESSION_END.iter().any(|fragment| action.contains(fragment)) {
        StageKind::SessionEnd
    } else if SESSION_START
        .iter()
        .any(|fragment| action.contains(fragment))
    {
        StageKind::SessionStart
    } else {
        StageKind::Request
    }
}

/// Groups the events by stage, in stage order, leaving out empty stages.
pub fn stages(events: &[TraceEvent]) -> Vec<Stage> {
    let mut by_kind: BTreeMap<StageKind, Stage> = BTreeMap::new();
    for event in events {
        let kind = classify(event);
        let stage = by_kind.entry(kind).or_insert_with(|| Stage {
            stage: kind,
            events: Vec::new(),
            outcomes: BTreeMap::new(),
        });
        stage.events.push(event.event_key);
        *stage.outcomes.entry(event.outcome.clone()).or_default() += 1;
    }
    by_kind.into_values().collect()
}
