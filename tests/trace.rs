//! Identities and traces on the fixture organisation.

#![cfg(feature = "store")]

mod common;

use common::Workspace;
use serde_json::Value;

const CROSS_SYSTEM_RUN: &str = "b7e0c5d2-4a3f-4f8e-9c1a-6d2e8f0a1b3c";

fn identity<'a>(list: &'a Value, key: &str) -> &'a Value {
    list["identities"]
        .as_array()
        .expect("identities array")
        .iter()
        .find(|i| i["identity_key"] == key)
        .unwrap_or_else(|| panic!("no identity {key}"))
}

#[test]
fn identities_cover_people_services_agents_groups() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let list = ws.json(&["identities", "--format", "json"]);
    assert_eq!(list["identities"].as_array().map(Vec::len), Some(11));
    assert_eq!(identity(&list, "User/u-1001")["kind"], "human");
    assert_eq!(identity(&list, "User/u-2001")["kind"], "service");
    let bot = identity(&list, "User/u-3001");
    assert_eq!(bot["kind"], "agent");
    assert_eq!(bot["active"], false);
    let agent = identity(&list, "Agent/a-4001");
    assert_eq!(agent["kind"], "agent");
    assert_eq!(agent["owner"], "u-1002");
    assert_eq!(identity(&list, "Group/g-5001")["kind"], "group");
    // The mixed-case resource still yields its userName.
    assert_eq!(
        identity(&list, "User/u-2002")["userName"],
        "svc-ci-deploy@northwind.example"
    );
}

#[test]
fn cross_system_trace_in_time_order() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let trace = ws.json(&["trace", CROSS_SYSTEM_RUN, "--format", "json"]);
    assert_eq!(trace["query"], CROSS_SYSTEM_RUN);
    let events = trace["events"].as_array().expect("events");
    assert_eq!(events.len(), 6);
    let formats: Vec<&str> = events
        .iter()
        .map(|e| e["source_format"].as_str().unwrap())
        .collect();
    assert_eq!(
        formats,
        [
            "okta",
            "okta",
            "okta",
            "entra-audit",
            "entra-audit",
            "entra-audit"
        ]
    );
    let times: Vec<&str> = events.iter().map(|e| e["ts"].as_str().unwrap()).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
    for event in events {
        for field in [
            "event_id",
            "ts",
            "action",
            "outcome",
            "actor_id",
            "actor_display",
            "session_id",
            "correlation_id",
        ] {
            assert!(event.get(field).is_some(), "field {field} missing");
        }
    }
    // Bob's sign-in carries another transaction id but the same Okta session.
    assert_eq!(events[0]["action"], "user.session.start");
    assert_eq!(
        events[0]["matched_on"],
        serde_json::json!(["shared:session_id"])
    );
    for event in &events[1..] {
        assert_eq!(event["correlation_id"], CROSS_SYSTEM_RUN);
    }
    assert_eq!(events[0]["identity"]["id"], "u-1002");
    assert_eq!(
        events[0]["identity"]["userName"],
        "bob.okafor@northwind.example"
    );
    assert_eq!(events[3]["identity"]["id"], "a-4001");
    assert_eq!(events[3]["identity"]["resource_type"], "Agent");
    assert_eq!(events[5]["outcome"], "failure");
}

#[test]
fn unknown_actor_has_null_identity() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let trace = ws.json(&["trace", "102malSess0099", "--format", "json"]);
    let events = trace["events"].as_array().expect("events");
    assert_eq!(events.len(), 3);
    assert!(events.iter().all(|e| e["identity"].is_null()));
    assert_eq!(events[1]["outcome"], "denied");
    let text = ws.ok(&["trace", "102malSess0099"]);
    assert!(text.contains("UNKNOWN"), "{text}");
}

#[test]
fn deactivated_agent_activity_is_marked() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let after = ws.count(
        "select count(*) from events e join event_identities ei using (event_key)
         join current_identities i using (identity_key)
         where i.scim_id = 'u-3001' and not i.active and e.ts > i.last_modified",
    );
    assert_eq!(after, 3);
    let id: String = ws.json(&[
        "sql",
        "--format",
        "json",
        "select correlation_id from events where actor_id = '0oa3invoicebot0001' and ts > '2026-10-02' order by ts limit 1",
    ])["rows"][0]["correlation_id"]
        .as_str()
        .expect("correlation id")
        .to_string();
    let text = ws.ok(&["trace", &id]);
    assert!(text.contains("[INACTIVE]"), "{text}");
}

fn flag_kinds(trace: &Value) -> Vec<&str> {
    trace["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .map(|f| f["kind"].as_str().expect("kind"))
        .collect()
}

#[test]
fn sign_on_after_disable_flagged() {
    let ws = Workspace::new();
    ws.import_fixtures();
    // Carol's account was disabled in Entra on 2026-09-15; five days later Okta denied
    // her a sign-on.
    let trace = ws.json(&["trace", "aK7pT2wX9mC4vL1qR6zHdgAAAA3", "--format", "json"]);
    let kinds = flag_kinds(&trace);
    assert!(kinds.contains(&"after_deprovisioning"), "{kinds:?}");
    assert!(kinds.contains(&"after_deactivation"), "{kinds:?}");
    assert!(kinds.contains(&"denied"), "{kinds:?}");
    assert!(kinds.contains(&"policy_decision"), "{kinds:?}");
    let deprovisioning = trace["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "after_deprovisioning")
        .unwrap();
    assert!(
        deprovisioning["detail"]
            .as_str()
            .is_some_and(|d| d.ends_with("at 2026-09-15T16:58:00.000000Z")),
        "{deprovisioning}"
    );
}

#[test]
fn token_after_deactivation_flagged() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let trace = ws.json(&["trace", "aJ5tR1mK8wQ3xN7vL2pZdAAAACq", "--format", "json"]);
    assert_eq!(
        flag_kinds(&trace),
        ["after_deactivation", "credential_after_deactivation"]
    );
}

#[test]
fn trace_of_unknown_id_is_empty() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let trace = ws.json(&["trace", "no-such-id", "--format", "json"]);
    assert_eq!(trace["events"].as_array().map(Vec::len), Some(0));
}

#[test]
fn sql_is_read_only() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let output = ws.run(&["sql", "delete from events"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(ws.count("select count(*) from events"), 35);
}

#[test]
fn sql_csv_has_header_and_rows() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let csv = ws.ok(&[
        "sql",
        "--format",
        "csv",
        "select source_format, count(*) as n from events group by 1 order by 1",
    ]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines, ["source_format,n", "entra-audit,13", "okta,22"]);
}

#[test]
fn sql_cannot_read_other_files() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let readme = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let output = ws.run(&["sql", &format!("select * from read_text('{readme}')")]);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn sql_formats_dates_and_lists() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let value = ws.json(&[
        "sql",
        "--format",
        "json",
        "select DATE '2026-12-04' as d, [1, 2] as l",
    ]);
    assert_eq!(value["rows"][0]["d"], "2026-12-04");
    assert_eq!(value["rows"][0]["l"], serde_json::json!([1, 2]));
}
