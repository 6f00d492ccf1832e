use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde_json::json;

use super::flags::{flags, gaps};
use super::graph::{Strength, exact_links, spanning_tree};
use super::stages::{StageKind, classify};
use crate::model::{IdentityKind, IdentityRef, StateBasis, TraceEvent};

fn event(key: i64, action: &str) -> TraceEvent {
    TraceEvent {
        event_key: key,
        event_id: None,
        ts: format!("2026-11-24T10:00:{key:02}.000000Z"),
        ts_original: String::new(),
        source_format: "otel".into(),
        action: action.into(),
        outcome: "success".into(),
        reason: None,
        actor_id: None,
        actor_type: None,
        actor_display: None,
        session_id: None,
        correlation_id: None,
        request_id: None,
        client_ip: None,
        targets: json!([]),
        links: json!([]),
        matched_on: Vec::new(),
        identity: None,
        source_path: String::new(),
        source_sha256: String::new(),
        record_pos: key,
        raw: String::new(),
    }
}

fn with_links(mut event: TraceEvent, links: serde_json::Value) -> TraceEvent {
    event.links = links;
    event
}

#[test]
fn shared_id_joins_first_event() {
    let events: Vec<TraceEvent> = (1..=3)
        .map(|key| {
            let mut e = event(key, "GetObject");
            e.session_id = Some("s1".into());
            e
        })
        .collect();
    let links = exact_links(&events);
    let pairs: Vec<(i64, i64)> = links.iter().map(|l| (l.from, l.to)).collect();
    assert_eq!(pairs, [(1, 2), (1, 3)]);
    assert!(links.iter().all(|l| l.kind == "session_id"));
    assert!(links.iter().all(|l| l.strength == Strength::Exact));
}

#[test]
fn parent_span_needs_same_trace() {
    let mut parent = with_links(
        event(1, "invoke_agent"),
        json!([{"kind": "span", "value": "aa", "role": "own"}]),
    );
    parent.correlation_id = Some("t1".into());
    let mut child = with_links(
        event(2, "chat"),
        json!([{"kind": "span", "value": "aa", "role": "parent"}]),
    );
    child.correlation_id = Some("t1".into());
    let mut stranger = with_links(
        event(3, "chat"),
        json!([{"kind": "span", "value": "aa", "role": "parent"}]),
    );
    stranger.correlation_id = Some("t2".into());
    let links = exact_links(&[parent, child, stranger]);
    let spans: Vec<(i64, i64)> = links
        .iter()
        .filter(|l| l.kind == "parent_span")
        .map(|l| (l.from, l.to))
        .collect();
    assert_eq!(spans, [(1, 2)]);
}

#[test]
fn credential_links_issuer_to_presenter() {
    let issuer = with_links(
        event(1, "AssumeRole"),
        json!([{"kind": "access_key", "value": "ASIA1", "role": "issued"}]),
    );
    let user = with_links(
        event(2, "GetObject"),
        json!([{"kind": "access_key", "value": "ASIA1", "role": "presented"}]),
    );
    let other = with_links(
        event(3, "GetObject"),
        json!([{"kind": "token", "value": "ASIA1", "role": "presented"}]),
    );
    let links = exact_links(&[issuer, user, other]);
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].kind, "credential:access_key");
    assert_eq!((links[0].from, links[0].to), (1, 2));
}

#[test]
fn tree_prefers_causal_link() {
    let mut root = with_links(
        event(1, "invoke_agent"),
        json!([{"kind": "span", "value": "aa", "role": "own"}]),
    );
    root.correlation_id = Some("t1".into());
    let mut tool = with_links(
        event(2, "execute_tool x"),
        json!([{"kind": "span", "value": "bb", "role": "own"}, {"kind": "span", "value": "aa", "role": "parent"}]),
    );
    tool.correlation_id = Some("t1".into());
    let mut sdk = with_links(
        event(3, "S3.GetObject"),
        json!([{"kind": "span", "value": "bb", "role": "parent"}]),
    );
    sdk.correlation_id = Some("t1".into());
    let events = [root, tool, sdk];
    let tree = spanning_tree(&events, &exact_links(&events));
    assert_eq!(tree.get(&2), Some(&1));
    // The SDK call hangs under its tool call, not under the trace's first span.
    assert_eq!(tree.get(&3), Some(&2));
    assert_eq!(tree.get(&1), None);
}

#[test]
fn tree_never_closes_cycle() {
    let a = with_links(
        event(1, "a"),
        json!([{"kind": "access_key", "value": "K1", "role": "issued"}, {"kind": "access_key", "value": "K2", "role": "presented"}]),
    );
    let b = with_links(
        event(2, "b"),
        json!([{"kind": "access_key", "value": "K2", "role": "issued"}, {"kind": "access_key", "value": "K1", "role": "presented"}]),
    );
    let events = [a, b];
    let tree = spanning_tree(&events, &exact_links(&events));
    assert_eq!(tree.len(), 1);
}

#[test]
fn stages_follow_actions() {
    let cases = [
        ("user.session.start", StageKind::SessionStart),
        ("interactive sign-in", StageKind::SessionStart),
        (
            "sts.amazonaws.com:AssumeRoleWithSAML",
            StageKind::SessionStart,
        ),
        ("invoke_agent Research Assistant", StageKind::SessionStart),
        ("execute_tool fetch_dataset", StageKind::ToolCall),
        ("tools/call lookup_customer", StageKind::ToolCall),
        ("user.session.end", StageKind::SessionEnd),
        ("signin.amazonaws.com:ConsoleLogout", StageKind::SessionEnd),
        ("signin.amazonaws.com:CheckMfa", StageKind::Request),
        ("s3.amazonaws.com:GetObject", StageKind::Request),
    ];
    for (action, expected) in cases {
        assert_eq!(classify(&event(1, action)), expected, "{action}");
    }
}

#[test]
fn lone_session_start_is_gap() {
    let mut start = event(1, "user.session.start");
    start.session_id = Some("s1".into());
    let mut other = event(2, "user.session.start");
    other.session_id = Some("s2".into());
    let mut request = event(3, "app.oauth2.as.authorize");
    request.session_id = Some("s2".into());
    let events = [start, other, request];
    let found = gaps(&events, &exact_links(&events));
    let kinds: Vec<(&str, i64)> = found.iter().map(|f| (f.kind, f.event_key)).collect();
    assert_eq!(kinds, [("session_start_only", 1)]);
}

#[test]
fn unknown_outcome_is_gap() {
    let mut tool = event(1, "execute_tool send_summary");
    tool.outcome = "unknown".into();
    let mut start = event(2, "invoke_agent x");
    start.outcome = "unknown".into();
    let found = gaps(&[tool, start], &[]);
    let kinds: Vec<(&str, i64)> = found.iter().map(|f| (f.kind, f.event_key)).collect();
    assert_eq!(kinds, [("no_outcome", 1)]);
}

fn identity(active: Option<bool>, basis: StateBasis) -> IdentityRef {
    IdentityRef {
        identity_key: "User/u-1".into(),
        id: "u-1".into(),
        user_name: Some("bot@example.com".into()),
        resource_type: "User".into(),
        kind: IdentityKind::Agent,
        active,
        owner: None,
        matched_by: "id".into(),
        snapshot_id: 2,
        state_basis: basis,
    }
}

fn flag_kinds(
    events: &[TraceEvent],
    deprovisioned: &HashMap<String, (i64, NaiveDateTime)>,
) -> Vec<(&'static str, i64)> {
    flags(events, deprovisioned)
        .into_iter()
        .map(|f| (f.kind, f.event_key))
        .collect()
}

#[test]
fn inactive_actor_with_key_flagged() {
    let mut call = with_links(
        event(1, "GetObject"),
        json!([{"kind": "access_key", "value": "ASIA1", "role": "presented"}]),
    );
    call.identity = Some(identity(Some(false), StateBasis::AsOf));
    let found = flag_kinds(&[call], &HashMap::new());
    assert_eq!(
        found,
        [
            ("after_deactivation", 1),
            ("credential_after_deactivation", 1)
        ]
    );
}

#[test]
fn deleted_actor_flagged() {
    let mut call = event(1, "GetObject");
    call.identity = Some(identity(Some(true), StateBasis::Deleted));
    assert_eq!(
        flag_kinds(&[call], &HashMap::new()),
        [("after_deletion", 1)]
    );
}

#[test]
fn action_after_deprovisioning_flagged() {
    let mut before = event(1, "GetObject");
    before.identity = Some(identity(Some(true), StateBasis::AsOf));
    let mut after = event(5, "GetObject");
    after.identity = Some(identity(Some(true), StateBasis::AsOf));
    let at = NaiveDateTime::parse_from_str("2026-11-24 10:00:03", "%Y-%m-%d %H:%M:%S").unwrap();
    let deprovisioned = HashMap::from([("User/u-1".to_string(), (99, at))]);
    assert_eq!(
        flag_kinds(&[before, after], &deprovisioned),
        [("after_deprovisioning", 5)]
    );
}

#[test]
fn unknown_actor_and_denial_flagged() {
    let mut call = event(1, "PutObject");
    call.actor_id = Some("arn:aws:sts::111122223333:assumed-role/r/s".into());
    call.outcome = "denied".into();
    call.reason = Some("no identity-based policy allows it".into());
    let found = flag_kinds(&[call], &HashMap::new());
    assert_eq!(
        found,
        [
            ("denied", 1),
            ("policy_decision", 1),
            ("actor_not_in_scim", 1)
        ]
    );
}

#[test]
fn event_without_actor_not_flagged() {
    assert!(flag_kinds(&[event(1, "chat gpt-4o")], &HashMap::new()).is_empty());
}

#[test]
fn policy_change_is_no_decision() {
    let mut change = event(1, "s3.amazonaws.com:PutBucketPolicy");
    change.actor_id = None;
    assert!(flag_kinds(&[change], &HashMap::new()).is_empty());
    let evaluation = event(2, "policy.evaluate_sign_on");
    assert_eq!(
        flag_kinds(&[evaluation], &HashMap::new()),
        [("policy_decision", 2)]
    );
}
