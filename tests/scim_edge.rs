//! SCIM as providers send it: mixed-case keys, string booleans, duplicate primaries,
//! certificates, nested groups with a cycle, overlapping pages, agents and their owners,
//! and actors resolved through client ids, ARNs and an analyst's alias mapping.

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
    ws
}

fn notes(ws: &Workspace) -> Vec<String> {
    let sources = ws.json(&["sources", "--format", "json"]);
    sources["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .flat_map(|s| s["notes"].as_array().cloned().unwrap_or_default())
        .filter_map(|n| n.as_str().map(str::to_string))
        .collect()
}

fn text(ws: &Workspace, sql: &str) -> String {
    let value = ws.json(&["sql", "--format", "json", sql]);
    value["rows"][0]
        .as_object()
        .and_then(|row| row.values().next())
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no text in {value}"))
        .to_string()
}

#[test]
fn snapshot_imports_without_rejects() {
    let ws = imported();
    assert_eq!(ws.count("select count(*) from identities"), 11);
    assert_eq!(
        ws.count("select sum(records_read)::BIGINT from sources"),
        12
    );
    assert_eq!(ws.count("select sum(rejected)::BIGINT from sources"), 0);
}

#[test]
fn mixed_case_keys_read() {
    let ws = imported();
    assert_eq!(
        text(
            &ws,
            "select user_name from identities where scim_id = 'u-7001'"
        ),
        "mira.okafor@northwind.example"
    );
    assert_eq!(
        text(
            &ws,
            "select employee_number from identities where scim_id = 'u-7001'"
        ),
        "7001"
    );
    assert_eq!(
        text(
            &ws,
            "select department from identities where scim_id = 'u-7001'"
        ),
        "Platform"
    );
    assert_eq!(
        ws.count("select count(*) from identity_relations where identity_key = 'User/u-7001'"),
        0,
        "a null manager is unassigned"
    );
}

#[test]
fn extensions_kept_by_urn() {
    let ws = imported();
    assert_eq!(
        text(
            &ws,
            "select extensions->'urn:example:params:scim:schemas:extension:northwind:2.0:User'->>'costCenter'
             from identities where scim_id = 'u-7001'"
        ),
        "CC-42"
    );
    assert_eq!(
        text(
            &ws,
            "select extensions->'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'->>'Department'
             from identities where scim_id = 'u-7001'"
        ),
        "Platform",
        "the upper-case container is keyed as `schemas` spells it, its keys as written"
    );
}

#[test]
fn string_boolean_noted() {
    let ws = imported();
    assert_eq!(
        ws.count("select count(*) from identities where scim_id = 'u-7002' and active"),
        1
    );
    assert!(
        notes(&ws)
            .iter()
            .any(|n| n.contains("u-7002") && n.contains("non-conformant")),
        "{:?}",
        notes(&ws)
    );
}

#[test]
fn duplicate_primary_first_kept() {
    let ws = imported();
    assert_eq!(
        text(
            &ws,
            "select primary_email from identities where scim_id = 'u-7001'"
        ),
        "mira.okafor@northwind.example"
    );
    assert!(
        notes(&ws)
            .iter()
            .any(|n| n.contains("u-7001") && n.contains("Emails marks 2 values primary")),
        "{:?}",
        notes(&ws)
    );
}

#[test]
fn certificates_expiry_queryable() {
    let ws = imported();
    let expired = ws.json(&[
        "sql",
        "--format",
        "json",
        "select identity_key, subject, not_after::VARCHAR as not_after from certificates
         where not_after < TIMESTAMP '2026-12-01' order by identity_key",
    ]);
    let rows = expired["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 1, "{expired}");
    assert_eq!(rows[0]["identity_key"], "User/u-7002");
    assert_eq!(rows[0]["not_after"], "2026-03-01 00:00:00");
    assert_eq!(
        rows[0]["subject"],
        "CN=svc-build.northwind.example, O=Northwind Labs"
    );
    assert_eq!(
        text(
            &ws,
            "select not_after::VARCHAR from certificates where identity_key = 'Agent/a-7101'"
        ),
        "2055-01-01 00:00:00",
        "GeneralizedTime after 2049"
    );
}

#[test]
fn bad_certificate_noted_not_rejected() {
    let ws = imported();
    assert_eq!(
        ws.count(
            "select count(*) from certificates where parse_error is not null and not_after is null"
        ),
        1
    );
    assert!(
        notes(&ws)
            .iter()
            .any(|n| n.contains("x509Certificates value 1 is not a readable certificate")),
        "{:?}",
        notes(&ws)
    );
}

#[test]
fn nested_group_grant_has_path() {
    let ws = imported();
    let grants = ws.json(&[
        "identities",
        "--entitlements",
        "svc-build",
        "--format",
        "json",
    ]);
    let role = grants["entitlements"]
        .as_array()
        .expect("entitlements")
        .iter()
        .find(|g| g["value"] == "prod-admin")
        .unwrap_or_else(|| panic!("no prod-admin grant in {grants}"));
    assert_eq!(role["granted_via"], "through Group/g-admins");
    assert_eq!(
        role["path"],
        serde_json::json!(["Group/g-oncall", "Group/g-platform", "Group/g-admins"])
    );
}

#[test]
fn group_cycle_reported() {
    let ws = imported();
    assert_eq!(
        text(&ws, "select cycle::VARCHAR from group_cycles"),
        r#"["Group/g-oncall","Group/g-platform"]"#
    );
    assert_eq!(ws.count("select count(*) from group_cycles"), 1);
    assert!(
        notes(&ws)
            .iter()
            .any(|n| n.contains("group membership cycle: Group/g-oncall -> Group/g-platform")),
        "{:?}",
        notes(&ws)
    );
}

#[test]
fn overlapping_pages_keep_newest() {
    let ws = imported();
    assert_eq!(
        ws.count("select count(*) from identities where scim_id = 'u-7003' and not active"),
        1,
        "version 2 of the overlapping page wins"
    );
}

#[test]
fn page_total_mismatch_warned() {
    let ws = imported();
    assert!(
        notes(&ws)
            .iter()
            .any(|n| n.contains("4 unique resources in 2 pages, but totalResults is 5")),
        "{:?}",
        notes(&ws)
    );
}

#[test]
fn unknown_type_kept_with_schema() {
    let ws = imported();
    assert_eq!(
        text(
            &ws,
            "select kind from identities where identity_key = 'Workload/w-7401'"
        ),
        "other"
    );
    assert_eq!(
        text(
            &ws,
            "select schemas->>0 from identities where identity_key = 'Workload/w-7401'"
        ),
        "urn:example:params:scim:schemas:core:2.0:Workload"
    );
}

#[test]
fn agent_protocols_queryable() {
    let ws = imported();
    assert_eq!(
        text(
            &ws,
            "select protocols::VARCHAR from identities where scim_id = 'a-7101'"
        ),
        r#"["MCP-Server","A2A"]"#
    );
}

#[test]
fn ownerless_identities_listed() {
    let ws = imported();
    let listed = ws.json(&["identities", "--no-active-owner", "--format", "json"]);
    let rows = listed["ownerless"].as_array().expect("ownerless");
    let found: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["identity_key"].as_str().unwrap().to_string(),
                r["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, String)> = [
        ("Agent/a-7101", "every owner inactive"),
        ("AgenticIdentity/ai-7301", "owner not found"),
        ("User/u-7004", "no owner"),
        ("Workload/w-7401", "no owner"),
    ]
    .iter()
    .map(|(k, r)| (k.to_string(), r.to_string()))
    .collect();
    assert_eq!(found, expected);
}

fn with_events() -> Workspace {
    let ws = imported();
    ws.ok(&[
        "import",
        &edge("events"),
        "--aliases",
        &edge("aliases.toml"),
    ]);
    ws
}

fn matched_by(ws: &Workspace, actor: &str) -> String {
    text(
        ws,
        &format!(
            "select ei.identity_key || ' ' || ei.matched_by from events e
             join event_identities ei using (event_key) where e.actor_id = '{actor}'"
        ),
    )
}

#[test]
fn client_id_resolves_agent() {
    let ws = with_events();
    assert_eq!(
        matched_by(&ws, "0oa7triageclient"),
        "AgenticIdentity/ai-7301 clientId"
    );
}

#[test]
fn alias_mapping_resolves_actor() {
    let ws = with_events();
    assert_eq!(
        matched_by(&ws, "deploy@ci.northwind.example"),
        "User/u-7002 mapping"
    );
}

#[test]
fn assumed_role_resolves_by_arn() {
    let ws = with_events();
    assert_eq!(
        matched_by(
            &ws,
            "arn:aws:sts::111122223333:assumed-role/nightly-export/run-1120"
        ),
        "Workload/w-7401 arn"
    );
}

#[test]
fn unknown_actors_listed() {
    let ws = with_events();
    let listed = ws.json(&["identities", "--unknown", "--format", "json"]);
    let rows = listed["unknown_actors"].as_array().expect("unknown_actors");
    assert_eq!(rows.len(), 1, "{listed}");
    assert_eq!(rows[0]["actor"], "00u9shadow0000001");
    assert_eq!(rows[0]["events"], 2);
}

#[test]
fn mapping_to_unknown_identity_fails() {
    let ws = imported();
    let mapping = ws.file(
        "bad-aliases.toml",
        b"[[alias]]\nidentifier = \"x@example.com\"\nidentity = \"nobody\"\n",
    );
    let output = ws.run(&["import", "--aliases", mapping.to_str().unwrap()]);
    assert!(!output.status.success());
    let stderr = common::stderr(&output);
    assert!(stderr.contains("bad-aliases.toml"), "{stderr}");
    assert!(stderr.contains("alias entry 1"), "{stderr}");
    assert_eq!(ws.count("select count(*) from alias_mappings"), 0);
}

fn typed() -> Workspace {
    let ws = Workspace::new();
    ws.ok(&["import", &edge("typed")]);
    ws
}

#[test]
fn resource_type_from_definitions() {
    let ws = typed();
    assert_eq!(
        ws.count("select count(*) from identities where identity_key = 'Robot/r-8101'"),
        1
    );
    assert_eq!(
        ws.count("select count(*) from identities"),
        2,
        "definitions are no identities"
    );
}

#[test]
fn schema_reference_becomes_relation() {
    let ws = typed();
    assert_eq!(
        text(
            &ws,
            "select relation || ' ' || related_value from identity_relations
             where identity_key = 'Robot/r-8101'"
        ),
        "custodian u-8001"
    );
}

#[test]
fn schema_types_checked() {
    let ws = typed();
    let notes = notes(&ws);
    assert!(
        notes
            .iter()
            .any(|n| n.contains("r-8101: supervised is the string \"false\"")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("r-8101: zones is multi-valued in its schema")),
        "{notes:?}"
    );
    assert!(
        !notes.iter().any(|n| n.contains("totalResults")),
        "definition pages are not counted: {notes:?}"
    );
}

#[test]
fn ownerless_text_names_owners() {
    let ws = imported();
    let text = ws.ok(&["identities", "--no-active-owner"]);
    let agent = text
        .lines()
        .find(|line| line.starts_with("Agent/a-7101"))
        .unwrap_or_else(|| panic!("no agent row in {text}"));
    assert!(agent.contains("every owner inactive"), "{agent}");
    assert!(agent.contains("owner u-7003 (inactive)"), "{agent}");
}

#[test]
fn entitlements_text_shows_path() {
    let ws = imported();
    let text = ws.ok(&["identities", "--entitlements", "User/u-7002"]);
    assert!(text.contains("g-oncall > g-platform > g-admins"), "{text}");
}
