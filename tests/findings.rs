//! Review rules on the fixture organisation: each rule where it must fire and where it
//! must not.

#![cfg(feature = "store")]

mod common;

use common::{Workspace, fixtures, stderr};
use serde_json::Value;

fn findings(ws: &Workspace, extra: &[&str]) -> Value {
    let mut args = vec!["findings", "--format", "json"];
    args.extend_from_slice(extra);
    ws.json(&args)
}

fn ids(result: &Value) -> Vec<String> {
    let mut ids: Vec<String> = result["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| f["id"].as_str().expect("id").to_string())
        .collect();
    ids.sort();
    ids
}

fn finding<'a>(result: &'a Value, id: &str) -> &'a Value {
    result["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no finding {id} in {result}"))
}

fn event_times(finding: &Value) -> Vec<String> {
    finding["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .filter(|e| e["table"] == "events")
        .map(|e| e["fields"]["ts"].as_str().expect("ts").to_string())
        .collect()
}

/// Writes a rules file with one rule and no controls and returns its path.
fn one_rule(ws: &Workspace, body: &str) -> String {
    let text = format!("[[rule]]\nid = \"r\"\ntitle = \"t\"\nseverity = \"low\"\n{body}\n");
    ws.file("rules.toml", text.as_bytes())
        .to_str()
        .expect("UTF-8 path")
        .to_string()
}

fn history(name: &str) -> String {
    fixtures()
        .join("scim-history")
        .join(name)
        .to_str()
        .expect("UTF-8 path")
        .to_string()
}

fn import_snapshot(ws: &Workspace, day: &str) {
    let taken_at = format!("{day}T00:00:00Z");
    ws.ok(&["import", "--taken-at", &taken_at, &history(day)]);
}

const PLANTED: [&str; 10] = [
    "activity-after-deactivation:User/u-1003",
    "activity-after-deactivation:User/u-3001",
    "dormant-identity:User/u-2001",
    "dormant-identity:User/u-2002",
    "orphaned-identity:User/u-2002",
    "privilege-through-nesting:User/u-2001:g-5001",
    "shadow-identity:00u9contractor0099",
    "shadow-identity:9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d",
    "token-after-deactivation:User/u-3001",
    "unused-entitlement:User/u-2001:arn:aws:iam::111122223333:role/backup-operator",
];

#[test]
fn fixture_findings_match_planted() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let result = findings(&ws, &[]);
    assert_eq!(ids(&result), PLANTED.map(String::from).to_vec());
}

#[test]
fn default_as_of_is_newest_snapshot() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let result = findings(&ws, &[]);
    assert_eq!(result["as_of"]["time"], "2026-11-30T08:00:00.000000Z");
    assert_eq!(result["as_of"]["basis"], "newest snapshot");
}

#[test]
fn findings_name_their_controls() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let result = findings(&ws, &[]);
    let dormant = finding(&result, "dormant-identity:User/u-2001");
    assert_eq!(dormant["threshold"], "90 days");
    assert_eq!(dormant["controls"][0]["id"], "ASI03");
    assert_eq!(
        dormant["controls"][0]["framework"],
        "OWASP Top 10 for Agentic Applications 2026"
    );
}

#[test]
fn new_identity_is_not_dormant() {
    let ws = Workspace::new();
    ws.import_fixtures();
    // svc-backup was created on 2026-03-10, less than 90 days before this time.
    let result = findings(&ws, &["--as-of", "2026-06-01T00:00:00Z"]);
    assert_eq!(result["as_of"]["basis"], "option");
    assert!(
        !ids(&result).contains(&"dormant-identity:User/u-2001".to_string()),
        "{result}"
    );
}

#[test]
fn events_before_deactivation_are_left_out() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let result = findings(&ws, &[]);
    let bot = finding(&result, "activity-after-deactivation:User/u-3001");
    let times = event_times(bot);
    assert_eq!(times.len(), 3, "{bot}");
    assert!(
        times.iter().all(|t| t.as_str() > "2026-10-01T09:00"),
        "{times:?}"
    );
}

#[test]
fn only_issued_tokens_count() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let result = findings(&ws, &[]);
    let bot = finding(&result, "token-after-deactivation:User/u-3001");
    let actions: Vec<&str> = bot["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["fields"]["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "app.oauth2.as.token.grant.access_token",
            "app.oauth2.as.token.grant.access_token"
        ]
    );
}

#[test]
fn orphan_names_inactive_sponsor() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let result = findings(&ws, &[]);
    let orphan = finding(&result, "orphaned-identity:User/u-2002");
    let relation = &orphan["evidence"][1];
    assert_eq!(relation["fields"]["owner_key"], "User/u-1003");
    assert_eq!(relation["fields"]["owner_active"], false);
}

#[test]
fn nesting_shows_the_path() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let result = findings(&ws, &[]);
    let nested = finding(&result, "privilege-through-nesting:User/u-2001:g-5001");
    assert_eq!(
        nested["summary"],
        "member of Engineering through Platform Admins > Engineering"
    );
    assert_eq!(nested["evidence"].as_array().unwrap().len(), 2);
}

#[test]
fn ignored_actor_is_not_shadow() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let rules = one_rule(
        &ws,
        "check = \"shadow_identity\"\nignore_actors = [\"00U9CONTRACTOR0099\"]",
    );
    let result = findings(&ws, &["--rules", &rules]);
    assert_eq!(ids(&result), ["r:9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d"]);
}

#[test]
fn group_named_in_events_is_used() {
    let ws = Workspace::new();
    ws.import_fixtures();
    // Dave added svc-backup to Platform Admins (Okta id 00g5platadmin00002) on 2026-08-12,
    // 110 days before the as-of time; no event of bob's names Engineering.
    let rules = one_rule(
        &ws,
        "check = \"unused_entitlement\"\ndays = 120\nentitlement_kinds = [\"group\"]",
    );
    let result = findings(&ws, &["--rules", &rules]);
    let found = ids(&result);
    assert!(
        found.contains(&"r:User/u-1002:g-5001".to_string()),
        "{found:?}"
    );
    assert!(
        !found.contains(&"r:User/u-1004:g-5002".to_string()),
        "{found:?}"
    );
}

#[test]
fn deletion_and_reactivation_bound_lapses() {
    let ws = Workspace::new();
    import_snapshot(&ws, "2026-10-01");
    import_snapshot(&ws, "2026-11-15");
    ws.ok(&["import", &history("okta-system-log.ndjson")]);
    let result = findings(&ws, &[]);
    let erin = finding(&result, "activity-after-deactivation:User/u-1005");
    assert_eq!(erin["evidence"][0]["fields"]["lapse"], "deleted");
    // Bob's sign-in of 2026-10-20, before his deactivation, is not evidence.
    let bob = finding(&result, "activity-after-deactivation:User/u-1002");
    assert_eq!(event_times(bob), ["2026-11-20T23:12:39.044000Z"]);
    // Frank's sign-in before he was provisioned is no lapse.
    assert!(
        !ids(&result).contains(&"activity-after-deactivation:User/u-1006".to_string()),
        "{result}"
    );
}

#[test]
fn deleted_identity_is_not_dormant() {
    let ws = Workspace::new();
    import_snapshot(&ws, "2026-10-01");
    import_snapshot(&ws, "2026-11-15");
    ws.ok(&["import", &history("okta-system-log.ndjson")]);
    // Bob's sign-in of 2026-11-20 keeps the window busy; erin's last one, on 2026-11-18,
    // is 92 days old, but the 2026-11-15 snapshot deleted her.
    let found = ids(&findings(&ws, &["--as-of", "2027-02-18"]));
    assert!(
        found.contains(&"dormant-identity:User/u-1004".to_string()),
        "{found:?}"
    );
    assert!(
        !found.contains(&"dormant-identity:User/u-1005".to_string()),
        "{found:?}"
    );
}

#[test]
fn approval_of_deleted_identity_is_reopened() {
    let ws = Workspace::new();
    import_snapshot(&ws, "2026-10-01");
    ws.ok(&[
        "decide",
        "--identity",
        "u-1005",
        "--verdict",
        "approve",
        "--reviewer",
        "alice",
        "--justification",
        "needed",
    ]);
    import_snapshot(&ws, "2026-11-15");
    let result = findings(&ws, &[]);
    let erin = finding(&result, "approval-changed:User/u-1005");
    assert!(
        erin["summary"]
            .as_str()
            .is_some_and(|s| s.contains("deleted in snapshot 2")),
        "{erin}"
    );
    assert!(
        !ids(&result).contains(&"approval-unchanged:User/u-1005".to_string()),
        "{result}"
    );
}

#[test]
fn approvals_are_reopened_or_carried() {
    let ws = Workspace::new();
    import_snapshot(&ws, "2026-10-01");
    for who in ["u-1002", "u-1004"] {
        ws.ok(&[
            "decide",
            "--identity",
            who,
            "--verdict",
            "approve",
            "--reviewer",
            "alice",
            "--justification",
            "needed",
        ]);
    }
    import_snapshot(&ws, "2026-11-15");
    let result = findings(&ws, &[]);
    let found = ids(&result);
    assert!(
        found.contains(&"approval-changed:User/u-1002".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"approval-unchanged:User/u-1004".to_string()),
        "{found:?}"
    );
    assert!(
        !found.contains(&"approval-changed:User/u-1004".to_string()),
        "{found:?}"
    );
    let bob = finding(&result, "approval-changed:User/u-1002");
    assert!(
        bob["summary"]
            .as_str()
            .unwrap()
            .contains("active true -> false"),
        "{bob}"
    );
}

#[test]
fn explain_prints_evidence() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let out = ws.ok(&["findings", "--explain", "orphaned-identity:User/u-2002"]);
    assert!(out.contains("threshold: any"), "{out}");
    assert!(
        out.contains("evidence:  identity_relations User/u-2002 manager u-1003"),
        "{out}"
    );
    assert!(out.contains("GOVERN 2.1 (NIST AI RMF 1.0)"), "{out}");
}

#[test]
fn unknown_finding_id_is_an_error() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let output = ws.run(&["findings", "--explain", "nope"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("no finding has id \"nope\""));
}

#[test]
fn bad_rules_file_is_named() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let rules = one_rule(&ws, "check = \"dormant\"");
    let output = ws.run(&["findings", "--rules", &rules]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("rules.toml"), "{err}");
    assert!(err.contains("`days` must be a number of days"), "{err}");
}

#[test]
fn rules_file_named_once() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let rules = ws.file("broken.toml", b"[[rule]\n");
    let output = ws.run(&["findings", "--rules", rules.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output).matches("broken.toml").count(),
        1,
        "{}",
        stderr(&output)
    );
}

#[test]
fn stale_credentials_by_age() {
    let ws = Workspace::new();
    let cloud: Vec<String> = ["scim", "cloudtrail", "gcp"]
        .iter()
        .map(|f| fixtures().join(f).to_str().unwrap().to_string())
        .collect();
    let mut args = vec!["import"];
    args.extend(cloud.iter().map(String::as_str));
    ws.ok(&args);
    let now = findings(&ws, &[]);
    assert!(
        !ids(&now)
            .iter()
            .any(|id| id.starts_with("stale-credential:")),
        "{now}"
    );
    // 101 days after dave's long-term key and the GCP key were first seen.
    let later = findings(&ws, &["--as-of", "2027-03-01T00:00:00Z"]);
    let stale: Vec<String> = ids(&later)
        .into_iter()
        .filter(|id| id.starts_with("stale-credential:"))
        .collect();
    assert_eq!(stale.len(), 2, "{stale:?}");
    assert!(stale.contains(&"stale-credential:AKIAXNWLDAVE00000001".to_string()));
    // Temporary STS keys are short-lived.
    assert!(!stale.iter().any(|id| id.contains("ASIA")), "{stale:?}");
}

/// One Okta event by alice, dated far after any import.
const FUTURE_EVENT: &str = r#"[{"uuid": "future-1", "published": "9999-01-01T00:00:00Z",
  "eventType": "user.session.start", "outcome": {"result": "SUCCESS"},
  "actor": {"id": "00u1alice000000001", "type": "User",
            "alternateId": "alice.chen@northwind.example"}}]"#;

fn with_future_event() -> Workspace {
    let ws = Workspace::new();
    ws.import_fixtures();
    let path = ws.file("future.json", FUTURE_EVENT.as_bytes());
    ws.ok(&["import", path.to_str().expect("UTF-8 path")]);
    ws
}

#[test]
fn future_event_leaves_default_as_of() {
    let ws = with_future_event();
    let result = findings(&ws, &[]);
    assert_eq!(result["as_of"]["time"], "2026-11-30T08:00:00.000000Z");
    assert_eq!(result["as_of"]["ignored_future_events"], 1);
}

#[test]
fn future_event_is_warned_about() {
    let ws = with_future_event();
    let output = ws.run(&["findings"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stderr(&output).contains("warning: 1 event dated after its import was"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn future_snapshot_leaves_default_as_of() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let users = ws.file(
        "later-users.json",
        br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
  "totalResults": 1, "Resources": [{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
  "id": "u-1001", "userName": "alice.chen@northwind.example", "active": true,
  "meta": {"resourceType": "User"}}]}"#,
    );
    ws.ok(&[
        "import",
        "--taken-at",
        "9999-01-01T00:00:00Z",
        users.to_str().expect("UTF-8 path"),
    ]);
    let result = findings(&ws, &[]);
    assert_eq!(result["as_of"]["time"], "2026-11-30T08:00:00.000000Z");
    assert_eq!(result["as_of"]["ignored_future_snapshots"], 1);
    let output = ws.run(&["findings"]);
    assert!(
        stderr(&output).contains("warning: 1 snapshot dated after its import was"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn as_of_accepts_a_date() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let result = findings(&ws, &["--as-of", "2026-06-01"]);
    assert_eq!(result["as_of"]["time"], "2026-06-01T00:00:00.000000Z");
}

#[test]
fn bad_as_of_names_the_formats() {
    let ws = Workspace::new();
    let output = ws.run(&["findings", "--as-of", "June"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("or a date (2026-11-01)"));
}

#[test]
fn approval_after_as_of_is_left_out() {
    let ws = Workspace::new();
    import_snapshot(&ws, "2026-10-01");
    ws.ok(&[
        "decide",
        "--identity",
        "u-1004",
        "--verdict",
        "approve",
        "--reviewer",
        "alice",
        "--justification",
        "needed",
    ]);
    let carried = "approval-unchanged:User/u-1004".to_string();
    assert!(ids(&findings(&ws, &[])).contains(&carried));
    let early = findings(&ws, &["--as-of", "2020-01-01"]);
    assert!(!ids(&early).contains(&carried), "{early}");
}
