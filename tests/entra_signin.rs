//! Entra sign-in logs in each container the portal, Graph and diagnostic settings export,
//! checked against values written down by hand from fixtures/entra-signin.

#![cfg(feature = "store")]

mod common;

use common::{Workspace, fixtures};

fn imported() -> Workspace {
    let ws = Workspace::new();
    ws.ok(&["import", fixtures().join("entra-signin").to_str().unwrap()]);
    ws
}

/// Runs a single-row, single-column query and returns its value as text.
fn text(ws: &Workspace, sql: &str) -> String {
    let value = ws.json(&["sql", "--format", "json", sql]);
    let row = value["rows"][0].as_object().expect("one row");
    row.values()
        .next()
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn containers_import_with_counts() {
    let ws = imported();
    let sources = ws.json(&["sources", "--format", "json"]);
    let sources = sources["sources"].as_array().unwrap();
    let find = |suffix: &str| {
        sources
            .iter()
            .find(|s| s["path"].as_str().unwrap().ends_with(suffix))
            .unwrap_or_else(|| panic!("{suffix} not imported"))
    };
    for (file, read, imported, duplicates) in [
        ("signins-graph.json", 3, 3, 0),
        ("signins-diagnostic.json", 3, 3, 0),
        ("signins.ndjson", 2, 1, 1),
    ] {
        let source = find(file);
        assert_eq!(source["format"], "entra-signin", "{file}");
        assert_eq!(source["records_read"], read, "{file}");
        assert_eq!(source["imported"], imported, "{file}");
        assert_eq!(source["duplicates"], duplicates, "{file}");
        assert_eq!(source["rejected"], 0, "{file}");
    }
}

#[test]
fn interactive_signin_maps_every_column() {
    let ws = imported();
    let id = "'5b0c1e2a-0001-4d6e-9f10-aa11bb22cc01'";
    let column = |name: &str| {
        text(
            &ws,
            &format!("select {name}::VARCHAR from events where event_id = {id}"),
        )
    };
    assert_eq!(column("action"), "interactive user sign-in");
    assert_eq!(column("outcome"), "success");
    assert_eq!(column("actor_id"), "u-1001");
    assert_eq!(column("actor_alt_id"), "alice.chen@northwind.example");
    assert_eq!(column("actor_type"), "User");
    assert_eq!(column("session_id"), "sess-alice-0001");
    assert_eq!(
        column("correlation_id"),
        "7e1d2c3b-0001-4aa0-8f00-000000000001"
    );
    assert_eq!(column("request_id"), "req-0001");
    assert_eq!(column("client_ip"), "198.51.100.23");
    assert_eq!(column("ts"), "2026-11-20 07:58:11.402193");
    assert_eq!(column("ts_original"), "2026-11-20T07:58:11.4021933Z");
    assert_eq!(
        column("json_extract_string(targets, '$[0].display')"),
        "Windows Azure Service Management API"
    );
}

#[test]
fn conditional_access_block_names_policy() {
    let ws = imported();
    let id = "'5b0c1e2a-0002-4d6e-9f10-aa11bb22cc02'";
    assert_eq!(
        text(
            &ws,
            &format!("select outcome from events where event_id = {id}")
        ),
        "denied"
    );
    let reason = text(
        &ws,
        &format!("select reason from events where event_id = {id}"),
    );
    assert!(reason.contains("Block legacy authentication"), "{reason}");
    assert!(!reason.contains("Require MFA"), "{reason}");
}

#[test]
fn agentic_signin_is_an_agent() {
    let ws = imported();
    assert_eq!(
        ws.count("select count(*) from events where actor_type = 'Agent (agenticAppInstance)'"),
        2
    );
    assert_eq!(
        ws.count(
            "select count(*) from events where event_id = '5b0c1e2a-0007-4d6e-9f10-aa11bb22cc07'
               and outcome = 'failure' and reason = 'User account is disabled.'"
        ),
        1
    );
}

#[test]
fn workload_signins_by_kind() {
    let ws = imported();
    for (action, actor, outcome) in [
        ("non-interactive user sign-in", "u-1004", "success"),
        ("service principal sign-in", "sp-ci-deploy", "failure"),
        ("managed identity sign-in", "mi-billing-worker", "success"),
    ] {
        assert_eq!(
            ws.count(&format!(
                "select count(*) from events where action = '{action}' and actor_id = '{actor}' and outcome = '{outcome}'"
            )),
            1,
            "{action} by {actor}"
        );
    }
}

#[test]
fn issued_token_traces_its_signin() {
    let ws = imported();
    let trace = ws.json(&["trace", "tokInvoiceBot3", "--format", "json"]);
    let events = trace["events"].as_array().expect("events");
    assert_eq!(events.len(), 1, "{trace}");
    assert_eq!(
        events[0]["event_id"],
        "5b0c1e2a-0003-4d6e-9f10-aa11bb22cc03"
    );
}
