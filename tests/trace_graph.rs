//! The link graph on the cross-plane scenario: an Entra agent sign-in, the agent's
//! OpenTelemetry spans with tool calls and AWS SDK calls, and the CloudTrail role session
//! those calls opened and used.

#![cfg(feature = "store")]

mod common;

use std::collections::BTreeSet;

use common::{Workspace, fixtures};
use serde_json::Value;

/// Every identifier of the scenario that an analyst may start from, with what it is.
const IDENTIFIERS: [(&str, &str); 15] = [
    ("d4c3b2a1-7001-4e5f-8a9b-000000000042", "Entra sign-in id"),
    (
        "c0ffee00-7001-4a2b-9c3d-000000000042",
        "Entra correlation id",
    ),
    ("sess-nw-research-0042", "Entra session id"),
    ("tokResearchAgent42", "Entra unique token id"),
    ("req-nw-0042", "Entra original request id"),
    ("9e2d4c6a8b0f4e1da3c5e7f90b1d3f5a", "OTel trace id"),
    (
        "9E2D4C6A8B0F4E1DA3C5E7F90B1D3F5A",
        "OTel trace id in upper case",
    ),
    ("a1b2c3d4e5f60003", "OTel span id of a tool call"),
    ("call_nw_0002", "GenAI tool call id"),
    ("6f1c2b3a-0001-4e5f-8a9b-0000000000a1", "STS request id"),
    ("9A8B7C6D5E4F3A2B", "S3 request id"),
    ("ASIAXNWLRESEARCH0042", "issued access key"),
    (
        "e7a10003-2b3c-4d5e-8f90-a1b2c3d4e503",
        "CloudTrail event id",
    ),
    ("AROAXNWLRESEARCH0001:research-agent-0042", "role session"),
    (
        "a1b2c3d4e5f60008",
        "OTel span id of a tool call without outcome",
    ),
];

/// Events of the scenario: one Entra sign-in, eight spans, three CloudTrail calls.
const SCENARIO_EVENTS: usize = 12;

fn scenario() -> Workspace {
    let ws = Workspace::new();
    let folder = fixtures().join("crossplane");
    ws.ok(&["import", folder.to_str().expect("UTF-8 path")]);
    ws
}

fn event_ids(list: &Value) -> BTreeSet<String> {
    list.as_array()
        .expect("event list")
        .iter()
        .map(|e| format!("{}:{}", e["source_format"], e["event_key"]))
        .collect()
}

fn link_kinds(trace: &Value, strength: &str) -> BTreeSet<String> {
    trace["links"]
        .as_array()
        .expect("links")
        .iter()
        .filter(|l| l["strength"] == strength)
        .map(|l| l["kind"].as_str().expect("kind").to_string())
        .collect()
}

#[test]
fn any_identifier_gives_same_tree() {
    let ws = scenario();
    let reference = ws.json(&["trace", "tokResearchAgent42", "--format", "json"]);
    let expected = event_ids(&reference["events"]);
    assert_eq!(expected.len(), SCENARIO_EVENTS);
    for (id, what) in IDENTIFIERS {
        let trace = ws.json(&["trace", id, "--format", "json"]);
        assert_eq!(
            event_ids(&trace["events"]),
            expected,
            "traced from the {what}"
        );
        let roots = SCENARIO_EVENTS - trace["tree"].as_object().expect("tree").len();
        assert_eq!(roots, 1, "one tree from the {what}");
    }
}

#[test]
fn identity_trace_covers_scenario() {
    let ws = scenario();
    let reference =
        event_ids(&ws.json(&["trace", "tokResearchAgent42", "--format", "json"])["events"]);
    let trace = ws.json(&[
        "trace",
        "research-agent@northwind.example",
        "--format",
        "json",
    ]);
    let found = event_ids(&trace["events"]);
    assert!(found.is_superset(&reference), "{found:?}");
    // The agent's second sign-in shares no identifier with the run but is its actor's.
    assert_eq!(found.len(), SCENARIO_EVENTS + 1);
}

#[test]
fn every_exact_link_kind_shown() {
    let ws = scenario();
    let trace = ws.json(&["trace", "call_nw_0001", "--format", "json"]);
    let kinds = link_kinds(&trace, "exact");
    let expected: BTreeSet<String> = [
        "correlation_id",
        "credential:access_key",
        "parent_span",
        "request_id",
        "session_id",
    ]
    .iter()
    .map(|k| k.to_string())
    .collect();
    assert_eq!(kinds, expected);
    assert!(link_kinds(&trace, "inferred").is_empty());
    assert!(
        trace["inferred_events"]
            .as_array()
            .expect("list")
            .is_empty()
    );
}

#[test]
fn credential_link_runs_issuer_to_user() {
    let ws = scenario();
    let trace = ws.json(&["trace", "ASIAXNWLRESEARCH0042", "--format", "json"]);
    let events = trace["events"].as_array().expect("events");
    let key_of = |action: &str| {
        events
            .iter()
            .find(|e| e["action"] == action)
            .unwrap_or_else(|| panic!("no {action}"))["event_key"]
            .clone()
    };
    let issuer = key_of("sts.amazonaws.com:AssumeRoleWithWebIdentity");
    let user = key_of("s3.amazonaws.com:PutObject");
    let credential = trace["links"]
        .as_array()
        .expect("links")
        .iter()
        .find(|l| l["kind"] == "credential:access_key" && l["to"] == user)
        .expect("credential link to PutObject");
    assert_eq!(credential["from"], issuer);
    assert_eq!(credential["value"], "ASIAXNWLRESEARCH0042");
}

#[test]
fn inferred_links_kept_apart() {
    let ws = scenario();
    let trace = ws.json(&[
        "trace",
        "tokResearchAgent42",
        "--window",
        "15m",
        "--format",
        "json",
    ]);
    assert_eq!(trace["inferred_window_seconds"], 900);
    let exact = event_ids(&trace["events"]);
    let inferred = event_ids(&trace["inferred_events"]);
    assert_eq!(inferred.len(), 1);
    assert!(exact.is_disjoint(&inferred));
    assert_eq!(
        link_kinds(&trace, "inferred"),
        BTreeSet::from(["same_identity".to_string()])
    );
    assert!(!link_kinds(&trace, "exact").contains("same_identity"));
    let text = ws.ok(&["trace", "tokResearchAgent42", "--inferred"]);
    assert!(text.contains("inferred, not exact: 1 event of"), "{text}");
}

#[test]
fn narrow_window_infers_nothing() {
    let ws = scenario();
    let trace = ws.json(&[
        "trace",
        "tokResearchAgent42",
        "--window",
        "60s",
        "--format",
        "json",
    ]);
    assert!(
        trace["inferred_events"]
            .as_array()
            .expect("list")
            .is_empty()
    );
}

#[test]
fn stages_split_scenario() {
    let ws = scenario();
    let trace = ws.json(&["trace", "tokResearchAgent42", "--format", "json"]);
    let stage = |name: &str| {
        trace["stages"]
            .as_array()
            .expect("stages")
            .iter()
            .find(|s| s["stage"] == name)
            .unwrap_or_else(|| panic!("no stage {name}"))
            .clone()
    };
    assert_eq!(
        stage("tool_call")["events"].as_array().map(Vec::len),
        Some(3)
    );
    assert_eq!(stage("tool_call")["outcomes"]["unknown"], 1);
    assert_eq!(stage("tool_call")["outcomes"]["failure"], 1);
    // Sign-in, agent run, and both sides of the STS call.
    assert_eq!(
        stage("session_start")["events"].as_array().map(Vec::len),
        Some(4)
    );
}

#[test]
fn flags_and_gaps_found() {
    let ws = scenario();
    let trace = ws.json(&["trace", "tokResearchAgent42", "--format", "json"]);
    let kinds = |field: &str| -> Vec<String> {
        trace[field]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["kind"].as_str().expect("kind").to_string())
            .collect()
    };
    let flags = kinds("flags");
    assert_eq!(flags.iter().filter(|k| *k == "denied").count(), 1);
    assert_eq!(flags.iter().filter(|k| *k == "failure").count(), 2);
    // The role session's ARN names no SCIM identity.
    assert_eq!(
        flags.iter().filter(|k| *k == "actor_not_in_scim").count(),
        2
    );
    assert_eq!(kinds("gaps"), ["no_outcome"]);
}

#[test]
fn text_tree_indents_tool_calls() {
    let ws = scenario();
    let text = ws.ok(&["trace", "tokResearchAgent42"]);
    assert!(text.contains("\n    <- parent_span "), "{text}");
    assert!(text.contains("<- credential:access_key "), "{text}");
    assert!(text.contains("<- session_id "), "{text}");
    assert!(text.contains("no_outcome"), "{text}");
    // Event keys follow import order: 8 spans, 3 CloudTrail records, then the sign-in.
    assert!(text.contains("#12  [session start] entra-signin"), "{text}");
}

#[test]
fn markdown_has_tables() {
    let ws = scenario();
    let text = ws.ok(&["trace", "tokResearchAgent42", "--format", "markdown"]);
    assert!(
        text.starts_with("## Trace of `tokResearchAgent42`"),
        "{text}"
    );
    assert!(
        text.contains("12 events, 21 exact links, 0 inferred links, 6 flags, 1 gap.\n"),
        "{text}"
    );
    assert!(
        text.contains("| from | to | kind | strength | value |"),
        "{text}"
    );
    assert!(
        text.contains("| credential:access_key | exact | ASIAXNWLRESEARCH0042 |"),
        "{text}"
    );
    assert!(text.contains("### Gaps"), "{text}");
}

#[test]
fn huge_window_does_not_overflow() {
    let ws = scenario();
    let trace = ws.json(&[
        "trace",
        "tokResearchAgent42",
        "--window",
        "1000000000d",
        "--format",
        "json",
    ]);
    assert_eq!(trace["inferred_events"].as_array().map(Vec::len), Some(1));
}

#[test]
fn invalid_window_is_usage_error() {
    let ws = scenario();
    let output = ws.run(&["trace", "tokResearchAgent42", "--window", "15"]);
    assert_eq!(output.status.code(), Some(2));
}
