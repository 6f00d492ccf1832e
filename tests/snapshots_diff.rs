//! Two SCIM snapshots of a slice of the fixture organisation: the snapshot list, the diff
//! between them, and identity states as of each event's time in a trace.

#![cfg(feature = "store")]

mod common;

use common::{Workspace, fixtures};
use serde_json::Value;

const CAROL_BEFORE_SNAPSHOTS: &str = "3a7c1e52-9b1d-11f1-a4c2-0e5b7d2f8c01";
const FRANK_BEFORE_PROVISIONING: &str = "4b8d2f63-ac2e-11f1-b5d3-1f6c8e3a9d12";
const BOB_BEFORE_DEACTIVATION: &str = "5c9e3a74-bd3f-11f1-86e4-2a7d9f4bae23";
const ERIN_AFTER_DELETION: &str = "6daf4b85-ce40-11f1-97f5-3b8eaf5cbf34";
const BOB_AFTER_DEACTIVATION: &str = "7eb05c96-df51-11f1-a806-4c9fb06dc045";

/// The planted changes from 2026-10-01 to 2026-11-15, as `diff` lists them.
const PLANTED: [(&str, &str); 7] = [
    ("Agent/a-4001", "relation_changed"),
    ("User/u-1001", "granted"),
    ("User/u-1002", "deactivated"),
    ("User/u-1003", "reactivated"),
    ("User/u-1005", "deleted"),
    ("User/u-1006", "created"),
    ("User/u-2001", "removed"),
];

fn history(name: &str) -> String {
    fixtures()
        .join("scim-history")
        .join(name)
        .to_str()
        .expect("UTF-8 path")
        .to_string()
}

/// Imports the two snapshots (the later one first, so ids and times disagree) and the
/// Okta log.
fn import_history(ws: &Workspace) {
    ws.ok(&[
        "import",
        "--taken-at",
        "2026-11-15T00:00:00Z",
        &history("2026-11-15"),
    ]);
    ws.ok(&[
        "import",
        "--taken-at",
        "2026-10-01T00:00:00Z",
        &history("2026-10-01"),
    ]);
    ws.ok(&["import", &history("okta-system-log.ndjson")]);
}

fn changes(diff: &Value) -> Vec<(String, String)> {
    diff["changes"]
        .as_array()
        .expect("changes array")
        .iter()
        .map(|c| {
            (
                c["identity_key"].as_str().unwrap_or("").to_string(),
                c["change"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn change<'a>(diff: &'a Value, kind: &str) -> &'a Value {
    diff["changes"]
        .as_array()
        .expect("changes array")
        .iter()
        .find(|c| c["change"] == kind)
        .unwrap_or_else(|| panic!("no {kind} change in {diff}"))
}

fn traced_identity(ws: &Workspace, event_id: &str) -> Value {
    let trace = ws.json(&["trace", event_id, "--format", "json"]);
    trace["events"][0]["identity"].clone()
}

#[test]
fn import_reports_snapshot_time() {
    let ws = Workspace::new();
    let text = ws.ok(&[
        "import",
        "--taken-at",
        "2026-10-01T00:00:00Z",
        &history("2026-10-01"),
    ]);
    assert!(
        text.contains("snapshot 1 taken at 2026-10-01T00:00:00.000000Z (basis: option)"),
        "{text}"
    );
}

#[test]
fn snapshots_list_in_time_order() {
    let ws = Workspace::new();
    import_history(&ws);
    let list = ws.json(&["snapshots", "--format", "json"]);
    let snapshots = list["snapshots"].as_array().expect("snapshots array");
    assert_eq!(snapshots.len(), 2);
    assert_eq!(snapshots[0]["snapshot_id"], 2);
    assert_eq!(snapshots[0]["taken_at"], "2026-10-01T00:00:00.000000Z");
    assert_eq!(snapshots[0]["taken_at_basis"], "option");
    assert_eq!(snapshots[0]["identities"], 9);
    assert_eq!(snapshots[0]["sources"].as_array().map(Vec::len), Some(3));
    let text = ws.ok(&["snapshots"]);
    assert!(
        text.contains("2026-11-15T00:00:00.000000Z  option"),
        "{text}"
    );
}

#[test]
fn diff_lists_planted_changes() {
    let ws = Workspace::new();
    import_history(&ws);
    let diff = ws.json(&["diff", "--format", "json"]);
    assert_eq!(diff["from"]["snapshot_id"], 2);
    assert_eq!(diff["to"]["snapshot_id"], 1);
    let expected: Vec<(String, String)> = PLANTED
        .iter()
        .map(|(key, kind)| (key.to_string(), kind.to_string()))
        .collect();
    assert_eq!(changes(&diff), expected);
}

#[test]
fn diff_names_entitlements_and_owners() {
    let ws = Workspace::new();
    import_history(&ws);
    let diff = ws.json(&["diff", "--format", "json"]);
    let granted = change(&diff, "granted");
    assert_eq!(granted["entitlement_kind"], "group");
    assert_eq!(granted["entitlement_value"], "g-5001");
    assert_eq!(granted["granted_via"], "member of Group/g-5001");
    assert_eq!(change(&diff, "removed")["entitlement_value"], "g-5002");
    let owner = change(&diff, "relation_changed");
    assert_eq!(owner["relation"], "owner");
    assert_eq!(owner["before"], "u-1002");
    assert_eq!(owner["after"], "u-1001");
    assert_eq!(
        change(&diff, "deactivated")["label"],
        "bob.okafor@northwind.example"
    );
}

#[test]
fn diff_text_lists_planted_changes() {
    let ws = Workspace::new();
    import_history(&ws);
    let text = ws.ok(&["diff"]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].ends_with(": 7 changes"), "{text}");
    // The summary, the header and one line per change.
    assert_eq!(lines.len(), 2 + PLANTED.len(), "{text}");
    for (key, kind) in PLANTED {
        assert!(
            lines.iter().any(|l| l.starts_with(kind) && l.contains(key)),
            "no {kind} {key} in {text}"
        );
    }
    assert!(text.contains("owner: u-1002 -> u-1001"), "{text}");
}

#[test]
fn diff_explicit_snapshots_reversed() {
    let ws = Workspace::new();
    import_history(&ws);
    let diff = ws.json(&["diff", "--from", "1", "--to", "2", "--format", "json"]);
    assert_eq!(diff["from"]["snapshot_id"], 1);
    let found = changes(&diff);
    assert!(found.contains(&("User/u-1005".into(), "created".into())));
    assert!(found.contains(&("User/u-1006".into(), "deleted".into())));
    assert!(found.contains(&("User/u-1002".into(), "reactivated".into())));
    assert_eq!(found.len(), PLANTED.len());
}

#[test]
fn diff_of_one_snapshot_with_itself_is_empty() {
    let ws = Workspace::new();
    import_history(&ws);
    let diff = ws.json(&["diff", "--from", "1", "--to", "1", "--format", "json"]);
    assert_eq!(diff["changes"].as_array().map(Vec::len), Some(0));
}

#[test]
fn diff_needs_two_snapshots() {
    let ws = Workspace::new();
    ws.ok(&["import", &history("2026-10-01")]);
    let output = ws.run(&["diff"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        common::stderr(&output).contains("needs two snapshots"),
        "{}",
        common::stderr(&output)
    );
}

#[test]
fn diff_rejects_unknown_snapshot() {
    let ws = Workspace::new();
    import_history(&ws);
    let output = ws.run(&["diff", "--from", "9"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        common::stderr(&output).contains("no snapshot 9"),
        "{}",
        common::stderr(&output)
    );
}

#[test]
fn diff_rejects_bad_usage() {
    let ws = Workspace::new();
    import_history(&ws);
    assert_eq!(ws.run(&["diff", "--from", "x"]).status.code(), Some(2));
}

#[test]
fn trace_shows_state_as_of_event() {
    let ws = Workspace::new();
    import_history(&ws);
    let before = traced_identity(&ws, BOB_BEFORE_DEACTIVATION);
    assert_eq!(before["identity_key"], "User/u-1002");
    assert_eq!(before["active"], true);
    assert_eq!(before["state_basis"], "as_of");
    let after = traced_identity(&ws, BOB_AFTER_DEACTIVATION);
    assert_eq!(after["identity_key"], "User/u-1002");
    assert_eq!(after["active"], false);
}

#[test]
fn trace_text_marks_deactivation_by_time() {
    let ws = Workspace::new();
    import_history(&ws);
    let before = ws.ok(&["trace", BOB_BEFORE_DEACTIVATION]);
    assert!(!before.contains("[INACTIVE]"), "{before}");
    let after = ws.ok(&["trace", BOB_AFTER_DEACTIVATION]);
    assert!(
        after.contains("bob.okafor@northwind.example [INACTIVE]"),
        "{after}"
    );
}

#[test]
fn trace_marks_deleted_identity() {
    let ws = Workspace::new();
    import_history(&ws);
    let erin = traced_identity(&ws, ERIN_AFTER_DELETION);
    assert_eq!(erin["state_basis"], "deleted");
    assert_eq!(erin["snapshot_id"], 2);
    let text = ws.ok(&["trace", ERIN_AFTER_DELETION]);
    assert!(text.contains("[DELETED]"), "{text}");
}

#[test]
fn trace_marks_not_yet_provisioned() {
    let ws = Workspace::new();
    import_history(&ws);
    let frank = traced_identity(&ws, FRANK_BEFORE_PROVISIONING);
    assert_eq!(frank["state_basis"], "not_yet_provisioned");
    let text = ws.ok(&["trace", FRANK_BEFORE_PROVISIONING]);
    assert!(text.contains("[NOT YET PROVISIONE"), "{text}");
}

#[test]
fn trace_before_every_snapshot_says_so() {
    let ws = Workspace::new();
    import_history(&ws);
    let carol = traced_identity(&ws, CAROL_BEFORE_SNAPSHOTS);
    assert_eq!(carol["state_basis"], "oldest_after");
    assert_eq!(carol["snapshot_id"], 2);
    assert_eq!(carol["active"], false);
    let text = ws.ok(&["trace", CAROL_BEFORE_SNAPSHOTS]);
    assert!(
        text.contains("1 of these events predates every snapshot"),
        "{text}"
    );
}

#[test]
fn identities_mark_deleted_identity() {
    let ws = Workspace::new();
    import_history(&ws);
    let list = ws.json(&["identities", "--format", "json"]);
    let listed = |key: &str| {
        list["identities"]
            .as_array()
            .expect("identities array")
            .iter()
            .find(|i| i["identity_key"] == key)
            .unwrap_or_else(|| panic!("no {key} in {list}"))
            .clone()
    };
    let erin = listed("User/u-1005");
    assert_eq!(erin["state"], "deleted");
    assert_eq!(erin["deleted_in_snapshot"], 1);
    let bob = listed("User/u-1002");
    assert_eq!(bob["state"], "inactive");
    assert_eq!(bob["deleted_in_snapshot"], Value::Null);
    assert_eq!(listed("User/u-1001")["state"], "active");
    // Groups carry no `active` attribute, so no state.
    assert_eq!(listed("Group/g-5001")["state"], Value::Null);
    let text = ws.ok(&["identities"]);
    let line = text
        .lines()
        .find(|l| l.starts_with("User/u-1005"))
        .unwrap_or_else(|| panic!("no erin in {text}"));
    assert!(line.contains(" deleted "), "{line}");
}
