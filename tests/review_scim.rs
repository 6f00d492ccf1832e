//! Review rules on SCIM detail: nested groups with a cycle, roles carried by groups,
//! certificates, and the CLI views that must list what the rules report.

#![cfg(feature = "store")]

mod common;

use std::collections::BTreeSet;

use common::{Workspace, fixtures};
use serde_json::Value;

fn edge(name: &str) -> String {
    fixtures()
        .join("scim-edge")
        .join(name)
        .to_str()
        .expect("UTF-8 path")
        .to_string()
}

fn imported() -> Workspace {
    let ws = Workspace::new();
    ws.ok(&["import", &edge("snapshot")]);
    ws.ok(&[
        "import",
        &edge("events"),
        "--aliases",
        &edge("aliases.toml"),
    ]);
    ws
}

fn findings(ws: &Workspace, extra: &[&str]) -> Value {
    let mut args = vec!["findings", "--format", "json"];
    args.extend_from_slice(extra);
    ws.json(&args)
}

fn ids_of(result: &Value, rule: &str) -> BTreeSet<String> {
    result["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["id"].as_str().expect("id").to_string())
        .collect()
}

fn finding<'a>(result: &'a Value, id: &str) -> &'a Value {
    result["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no finding {id} in {result}"))
}

fn evidence_tables(finding: &Value) -> Vec<String> {
    finding["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .map(|e| e["table"].as_str().expect("table").to_string())
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn nesting_survives_group_cycle() {
    let ws = imported();
    let result = findings(&ws, &[]);
    let nested = ids_of(&result, "privilege-through-nesting");
    // svc-build is listed by On-call; Platform and On-call list each other, and
    // Production Admins lists Platform. ci-runner and lena are in no group.
    let expected = set(&[
        "privilege-through-nesting:User/u-7001:g-admins",
        "privilege-through-nesting:User/u-7001:g-oncall",
        "privilege-through-nesting:User/u-7001:prod-admin",
        "privilege-through-nesting:User/u-7002:g-admins",
        "privilege-through-nesting:User/u-7002:g-platform",
        "privilege-through-nesting:User/u-7002:prod-admin",
    ]);
    assert_eq!(nested, expected);
}

#[test]
fn nesting_names_the_cycle() {
    let ws = imported();
    let result = findings(&ws, &[]);
    let nested = finding(&result, "privilege-through-nesting:User/u-7002:g-admins");
    assert_eq!(
        nested["summary"],
        "member of Production Admins through On-call > Platform > Production Admins; \
         the path passes the group cycle Group/g-oncall > Group/g-platform"
    );
    assert_eq!(
        evidence_tables(nested),
        ["memberships", "memberships", "memberships", "group_cycles"]
    );
}

#[test]
fn group_role_passes_through_nesting() {
    let ws = imported();
    let result = findings(&ws, &[]);
    let role = finding(&result, "privilege-through-nesting:User/u-7002:prod-admin");
    assert!(
        role["summary"]
            .as_str()
            .expect("summary")
            .starts_with("role prod-admin of Production Admins through On-call"),
        "{role}"
    );
    let tables = evidence_tables(role);
    assert_eq!(tables.last().map(String::as_str), Some("entitlements"));
}

/// A group that carries a role and lists a user directly, inside a group that lists it.
const DIRECT_GROUPS: &str = r#"{
  "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
  "totalResults": 3,
  "Resources": [
    {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "u-1",
     "userName": "ines.moreau@northwind.example", "active": true,
     "meta": {"resourceType": "User", "lastModified": "2026-11-01T00:00:00Z"}},
    {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g-direct",
     "displayName": "Billing Operators", "roles": [{"value": "billing-write"}],
     "members": [{"value": "u-1", "type": "User"}],
     "meta": {"resourceType": "Group", "lastModified": "2026-11-01T00:00:00Z"}},
    {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g-outer",
     "displayName": "Finance", "roles": [{"value": "finance-read"}],
     "members": [{"value": "g-direct", "type": "Group"}, {"value": "u-1", "type": "User"}],
     "meta": {"resourceType": "Group", "lastModified": "2026-11-01T00:00:00Z"}}
  ]
}"#;

#[test]
fn direct_group_role_not_nesting() {
    let ws = Workspace::new();
    let file = ws.file("groups.json", DIRECT_GROUPS.as_bytes());
    ws.ok(&["import", file.to_str().expect("UTF-8 path")]);
    assert_eq!(ws.count("select count(*) from effective_memberships"), 3);
    let result = findings(&ws, &[]);
    // ines is a direct member of both groups, so neither they nor their roles are nested.
    assert_eq!(
        ids_of(&result, "privilege-through-nesting"),
        BTreeSet::new(),
        "{result}"
    );
}

#[test]
fn expired_certificate_is_stale() {
    let ws = imported();
    let result = findings(&ws, &[]);
    let stale = finding(&result, "stale-credential:User/u-7002:x509Certificates[0]");
    assert_eq!(
        stale["summary"],
        "certificate CN=svc-build.northwind.example, O=Northwind Labs expired \
         2026-03-01T00:00:00Z, 264 days before the as-of time"
    );
    assert_eq!(
        stale["evidence"][0]["fields"]["not_after"],
        "2026-03-01T00:00:00Z"
    );
}

#[test]
fn valid_certificate_not_stale() {
    let ws = imported();
    let result = findings(&ws, &[]);
    assert_eq!(
        ids_of(&result, "stale-credential"),
        set(&["stale-credential:User/u-7002:x509Certificates[0]"])
    );
}

#[test]
fn expiring_certificate_within_window() {
    let ws = imported();
    // The triage agent's certificate is valid to 2055-01-01; the window is 30 days.
    let inside = findings(&ws, &["--as-of", "2054-12-10T00:00:00Z"]);
    let outside = findings(&ws, &["--as-of", "2054-11-20T00:00:00Z"]);
    let id = "stale-credential:Agent/a-7101:x509Certificates[0]";
    assert!(ids_of(&inside, "stale-credential").contains(id), "{inside}");
    assert!(
        !ids_of(&outside, "stale-credential").contains(id),
        "{outside}"
    );
    assert!(
        finding(&inside, id)["summary"]
            .as_str()
            .expect("summary")
            .contains("expires 2055-01-01T00:00:00Z, within 22 days"),
        "{inside}"
    );
}

#[test]
fn unreadable_certificate_is_low() {
    let ws = imported();
    let result = findings(&ws, &[]);
    let bad = finding(
        &result,
        "unreadable-certificate:User/u-7002:x509Certificates[1]",
    );
    assert_eq!(bad["severity"], "low");
    assert_eq!(
        ids_of(&result, "unreadable-certificate").len(),
        1,
        "{result}"
    );
}

#[test]
fn orphans_match_no_active_owner() {
    let ws = imported();
    let result = findings(&ws, &[]);
    let listed = ws.json(&["identities", "--no-active-owner", "--format", "json"]);
    let from_view: BTreeSet<String> = listed["ownerless"]
        .as_array()
        .expect("ownerless")
        .iter()
        .map(|r| format!("orphaned-identity:{}", r["identity_key"].as_str().unwrap()))
        .collect();
    assert_eq!(ids_of(&result, "orphaned-identity"), from_view);
    assert_eq!(from_view.len(), 4, "{listed}");
}

#[test]
fn shadows_match_unknown_actors() {
    let ws = imported();
    let result = findings(&ws, &[]);
    let listed = ws.json(&["identities", "--unknown", "--format", "json"]);
    let from_view: BTreeSet<String> = listed["unknown_actors"]
        .as_array()
        .expect("unknown_actors")
        .iter()
        .map(|r| format!("shadow-identity:{}", r["actor"].as_str().unwrap()))
        .collect();
    assert_eq!(ids_of(&result, "shadow-identity"), from_view);
    assert_eq!(
        from_view,
        set(&["shadow-identity:00u9shadow0000001"]),
        "{listed}"
    );
}

/// Two agents: one sponsored by an active user and owned by an inactive one, one owned
/// only by the inactive user.
const SPONSORED_AGENTS: &str = r#"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "u-1", "userName": "ines.moreau@northwind.example", "active": true}
{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "u-2", "userName": "olaf.berg@northwind.example", "active": false}
{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Agent"], "id": "a-1", "name": "ledger-agent", "active": true, "owners": [{"value": "u-2"}], "sponsors": [{"value": "ines.moreau@northwind.example"}]}
{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Agent"], "id": "a-2", "name": "intake-agent", "active": true, "owners": [{"value": "u-2"}]}
"#;

#[test]
fn active_sponsor_keeps_agent_owned() {
    let ws = Workspace::new();
    let file = ws.file("agents.ndjson", SPONSORED_AGENTS.as_bytes());
    ws.ok(&["import", file.to_str().expect("UTF-8 path")]);
    let result = findings(&ws, &[]);
    let listed = ws.json(&["identities", "--no-active-owner", "--format", "json"]);
    let keys: BTreeSet<String> = listed["ownerless"]
        .as_array()
        .expect("ownerless")
        .iter()
        .map(|r| r["identity_key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(keys, set(&["Agent/a-2"]), "{listed}");
    assert_eq!(
        ids_of(&result, "orphaned-identity"),
        set(&["orphaned-identity:Agent/a-2"])
    );
}

/// A user whose `groups` attribute names a group that no `members` list names it in, and
/// that group listed by another.
const GROUPS_ATTRIBUTE: &str = r#"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "u-1", "userName": "ines.moreau@northwind.example", "active": true, "groups": [{"value": "g-inner", "display": "Payroll Clerks"}]}
{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g-inner", "displayName": "Payroll Clerks"}
{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g-outer", "displayName": "Payroll", "members": [{"value": "g-inner", "type": "Group"}]}
"#;

#[test]
fn groups_attribute_joins_nesting() {
    let ws = Workspace::new();
    let file = ws.file("users.ndjson", GROUPS_ATTRIBUTE.as_bytes());
    ws.ok(&["import", file.to_str().expect("UTF-8 path")]);
    let result = findings(&ws, &[]);
    let nested = finding(&result, "privilege-through-nesting:User/u-1:g-outer");
    assert_eq!(
        nested["summary"],
        "member of Payroll through Payroll Clerks > Payroll"
    );
}

#[test]
fn dormant_needs_audit_events() {
    let ws = Workspace::new();
    ws.ok(&["import", &edge("snapshot")]);
    let alone = findings(&ws, &[]);
    assert_eq!(
        ids_of(&alone, "dormant-identity"),
        BTreeSet::new(),
        "{alone}"
    );
    let with_events = findings(&imported(), &[]);
    assert!(
        ids_of(&with_events, "dormant-identity").contains("dormant-identity:User/u-7004"),
        "{with_events}"
    );
}

/// A search result that returned only id and displayName, so its type is unknown.
const UNTYPED: &str = r#"{
  "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
  "totalResults": 1,
  "Resources": [{"id": "c-1", "displayName": "Northwind Family"}]
}"#;

#[test]
fn untyped_resource_not_judged() {
    let ws = Workspace::new();
    let file = ws.file("search.json", UNTYPED.as_bytes());
    ws.ok(&["import", file.to_str().expect("UTF-8 path")]);
    assert_eq!(
        ws.count("select count(*) from identities where kind = 'other'"),
        1
    );
    // An event in the window, so that dormancy is judged at all.
    let events = ws.file("okta.ndjson", SYSTEM_EVENTS.as_bytes());
    ws.ok(&[
        "import",
        "--format",
        "okta",
        events.to_str().expect("UTF-8 path"),
    ]);
    let result = findings(&ws, &[]);
    assert_eq!(
        ids_of(&result, "orphaned-identity"),
        BTreeSet::new(),
        "{result}"
    );
    assert_eq!(
        ids_of(&result, "dormant-identity"),
        BTreeSet::new(),
        "{result}"
    );
}

#[test]
fn edge_findings_match_planted() {
    let result = findings(&imported(), &[]);
    let all: BTreeSet<String> = result["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| f["id"].as_str().expect("id").to_string())
        .collect();
    let planted = set(&[
        "dormant-identity:Agent/a-7101",
        "dormant-identity:AgenticApplication/ap-7201",
        "dormant-identity:User/u-7001",
        "dormant-identity:User/u-7004",
        "orphaned-identity:Agent/a-7101",
        "orphaned-identity:AgenticIdentity/ai-7301",
        "orphaned-identity:User/u-7004",
        "orphaned-identity:Workload/w-7401",
        "privilege-through-nesting:User/u-7001:g-admins",
        "privilege-through-nesting:User/u-7001:g-oncall",
        "privilege-through-nesting:User/u-7001:prod-admin",
        "privilege-through-nesting:User/u-7002:g-admins",
        "privilege-through-nesting:User/u-7002:g-platform",
        "privilege-through-nesting:User/u-7002:prod-admin",
        "shadow-identity:00u9shadow0000001",
        "stale-credential:User/u-7002:x509Certificates[0]",
        "unreadable-certificate:User/u-7002:x509Certificates[1]",
    ]);
    assert_eq!(all, planted);
}

/// Two Okta events: one by Okta itself (SystemPrincipal), one by an unknown user.
const SYSTEM_EVENTS: &str = r#"{"uuid": "5d0e7c21-0000-4000-8000-000000000001", "published": "2026-11-20T10:00:00.000Z", "eventType": "system.org.rate_limit.warning", "version": "0", "severity": "WARN", "displayMessage": "Rate limit warning", "actor": {"id": "spr7northwind0001", "type": "SystemPrincipal", "alternateId": "system@okta.com", "displayName": "Okta System"}, "outcome": {"result": "SUCCESS"}, "target": []}
{"uuid": "5d0e7c21-0000-4000-8000-000000000002", "published": "2026-11-20T10:05:00.000Z", "eventType": "user.session.start", "version": "0", "severity": "INFO", "displayMessage": "User login to Okta", "actor": {"id": "00u7unknown000001", "type": "User", "alternateId": "temp.contractor@example.org", "displayName": "Temp Contractor"}, "client": {"ipAddress": "203.0.113.40"}, "outcome": {"result": "SUCCESS"}, "target": []}
"#;

#[test]
fn platform_actor_not_shadow() {
    let ws = Workspace::new();
    let file = ws.file("okta.ndjson", SYSTEM_EVENTS.as_bytes());
    ws.ok(&[
        "import",
        "--format",
        "okta",
        file.to_str().expect("UTF-8 path"),
    ]);
    let result = findings(&ws, &[]);
    assert_eq!(
        ids_of(&result, "shadow-identity"),
        set(&["shadow-identity:00u7unknown000001"])
    );
    let listed = ws.json(&["identities", "--unknown", "--format", "json"]);
    assert_eq!(listed["unknown_actors"].as_array().map(Vec::len), Some(1));
}
