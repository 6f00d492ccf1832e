//! CloudTrail and GCP audit log fixtures through the binary: containers, skipped
//! records, and traces across credential hand-offs.

#![cfg(feature = "store")]

mod common;

use common::{Workspace, fixtures, stderr};
use serde_json::Value;

const FIRST_ASSUME_ROLE: &str = "7c1e4a20-5b3d-4f68-9a0e-2d4b6c8e0f11";
const DEPLOYER_KEY: &str = "ASIAXNWLDEPLOYER0001";
const CI_KEY: &str = "projects/northwind-labs-prod/serviceAccounts/ci-deployer@northwind-labs-prod.iam.gserviceaccount.com/keys/7d3e0a9f2b6c41e58a1f0c9d2e4b6a8c1f3e5d70";

fn import(ws: &Workspace, folder: &str) -> String {
    ws.ok(&["import", fixtures().join(folder).to_str().unwrap()])
}

fn source<'a>(sources: &'a Value, suffix: &str) -> &'a Value {
    sources["sources"]
        .as_array()
        .expect("sources array")
        .iter()
        .find(|s| s["path"].as_str().is_some_and(|p| p.ends_with(suffix)))
        .unwrap_or_else(|| panic!("no source ending in {suffix}"))
}

fn actions(trace: &Value) -> Vec<String> {
    trace["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn cloudtrail_containers_import() {
    let ws = Workspace::new();
    import(&ws, "cloudtrail");
    let sources = ws.json(&["sources", "--format", "json"]);
    let expect = [
        ("_nWl3kQ8rT2vX5zB1.json.gz", "gzip/object/Records", 4, 4, 0),
        ("eventbridge.json", "object", 1, 1, 0),
        // One lookup-events item is a call already read from the trail file.
        ("lookup-events.json", "object/Events", 3, 2, 1),
        ("role-chain.json", "object/Records", 3, 3, 0),
    ];
    for (suffix, container, read, imported, duplicates) in expect {
        let s = source(&sources, suffix);
        assert_eq!(s["format"], "cloudtrail", "{suffix} format");
        assert_eq!(s["container"], container, "{suffix} container");
        assert_eq!(s["records_read"], read, "{suffix} records_read");
        assert_eq!(s["imported"], imported, "{suffix} imported");
        assert_eq!(s["duplicates"], duplicates, "{suffix} duplicates");
        assert_eq!(s["rejected"], 0, "{suffix} rejected");
    }
    assert_eq!(ws.count("select count(*) from events"), 10);
    assert_eq!(ws.count("select count(*) from quarantine"), 0);
}

#[test]
fn digest_and_insight_files_are_noted() {
    let ws = Workspace::new();
    import(&ws, "cloudtrail");
    let sources = ws.json(&["sources", "--format", "json"]);
    for (suffix, note, skipped) in [
        (
            "20261120T110000Z.json.gz",
            "CloudTrail digest records",
            "1 record skipped",
        ),
        (
            "_pQ7mW2xK9sD4fH6j.json.gz",
            "CloudTrail Insights events",
            "2 records skipped",
        ),
    ] {
        let s = source(&sources, suffix);
        assert_eq!(s["format"], "cloudtrail", "{suffix} format");
        assert_eq!(s["records_read"], 0, "{suffix} records_read");
        assert_eq!(s["rejected"], 0, "{suffix} rejected");
        let notes = s["notes"].to_string();
        assert!(notes.contains(note), "{suffix}: {notes}");
        assert!(notes.contains(skipped), "{suffix}: {notes}");
    }
}

#[test]
fn role_chain_traces_to_last_call() {
    let ws = Workspace::new();
    import(&ws, "cloudtrail");
    let trace = ws.json(&["trace", FIRST_ASSUME_ROLE, "--format", "json"]);
    assert_eq!(
        actions(&trace),
        [
            "sts.amazonaws.com:AssumeRole",
            "sts.amazonaws.com:GetCallerIdentity",
            "sts.amazonaws.com:AssumeRole",
            "ec2.amazonaws.com:DescribeInstances",
            "iam.amazonaws.com:CreateAccessKey",
            "lambda.amazonaws.com:UpdateFunctionCode20150331v2",
            "s3.amazonaws.com:PutBucketPolicy",
        ]
    );
    let events = trace["events"].as_array().unwrap();
    assert_eq!(events[0]["matched_on"], serde_json::json!(["event_id"]));
    assert_eq!(
        events[6]["matched_on"],
        serde_json::json!(["handoff:presented:access_key"])
    );
    assert_eq!(events[4]["outcome"], "denied");
    assert_eq!(trace["truncated"], false);
}

#[test]
fn last_key_traces_back_to_first_call() {
    let ws = Workspace::new();
    import(&ws, "cloudtrail");
    let trace = ws.json(&["trace", DEPLOYER_KEY, "--format", "json"]);
    let events = trace["events"].as_array().unwrap();
    assert_eq!(events.len(), 7);
    assert_eq!(events[0]["event_id"], FIRST_ASSUME_ROLE);
    assert_eq!(
        events[0]["matched_on"],
        serde_json::json!(["handoff:issued:access_key"])
    );
    assert_eq!(
        events[2]["matched_on"],
        serde_json::json!(["link:access_key:issued"])
    );
    assert!(
        !actions(&trace).contains(&"iam.amazonaws.com:ListUsers".to_string()),
        "an unrelated user's call joined"
    );
}

#[test]
fn trace_text_counts_hand_offs() {
    let ws = Workspace::new();
    import(&ws, "cloudtrail");
    let text = ws.ok(&["trace", FIRST_ASSUME_ROLE]);
    assert!(
        text.contains(
            "1 event carries 7c1e4a20-5b3d-4f68-9a0e-2d4b6c8e0f11, 6 more joined through exact links"
        ),
        "{text}"
    );
}

#[test]
fn ndjson_and_array_records_import() {
    let ws = Workspace::new();
    let chain: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("cloudtrail/role-chain.json")).unwrap(),
    )
    .unwrap();
    let records = chain["Records"].as_array().unwrap();
    let ndjson: String = records.iter().map(|r| format!("{r}\n")).collect();
    let array = Value::Array(records[..2].to_vec()).to_string();
    let ndjson_file = ws.file("trail.ndjson", ndjson.as_bytes());
    let array_file = ws.file("trail.json", array.as_bytes());
    ws.ok(&["import", ndjson_file.to_str().unwrap()]);
    ws.ok(&["import", array_file.to_str().unwrap()]);
    let sources = ws.json(&["sources", "--format", "json"]);
    assert_eq!(source(&sources, "trail.ndjson")["imported"], 3);
    assert_eq!(source(&sources, "trail.json")["duplicates"], 2);
    assert_eq!(ws.count("select count(*) from events"), 3);
}

#[test]
fn forced_format_reads_cloudtrail() {
    let ws = Workspace::new();
    let path = fixtures().join("cloudtrail/eventbridge.json");
    ws.ok(&["import", "--format", "cloudtrail", path.to_str().unwrap()]);
    assert_eq!(
        ws.count("select count(*) from events where source_format = 'cloudtrail'"),
        1
    );
}

#[test]
fn gcp_forced_on_cloudtrail_fails() {
    let ws = Workspace::new();
    let path = fixtures().join("cloudtrail/role-chain.json");
    let output = ws.run(&["import", "--format", "gcp-audit", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("none of its 3 records could be read as gcp-audit"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn gcp_containers_import() {
    let ws = Workspace::new();
    import(&ws, "gcp");
    let sources = ws.json(&["sources", "--format", "json"]);
    for (suffix, container, read) in [
        ("audit-log.json", "array", 4),
        ("audit-log.ndjson", "ndjson", 3),
        ("entries-page.json", "object/entries", 2),
    ] {
        let s = source(&sources, suffix);
        assert_eq!(s["format"], "gcp-audit", "{suffix} format");
        assert_eq!(s["container"], container, "{suffix} container");
        assert_eq!(s["records_read"], read, "{suffix} records_read");
        assert_eq!(s["imported"], read, "{suffix} imported");
        assert_eq!(s["rejected"], 0, "{suffix} rejected");
    }
    assert_eq!(ws.count("select count(*) from quarantine"), 0);
}

#[test]
fn gcp_outcomes_by_status() {
    let ws = Workspace::new();
    import(&ws, "gcp");
    let denied = ws.count(
        "select count(*) from events where source_format = 'gcp-audit' and outcome = 'denied'",
    );
    // The code 7 secret access and the organisation policy denial.
    assert_eq!(denied, 2);
    assert_eq!(
        ws.count("select count(*) from events where outcome = 'failure'"),
        0
    );
}

#[test]
fn gcp_delegation_chain_is_linked() {
    let ws = Workspace::new();
    import(&ws, "gcp");
    let trace = ws.json(&["trace", "alice.chen@northwind.example", "--format", "json"]);
    let events = trace["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(
        events[0]["matched_on"],
        serde_json::json!(["link:principal:delegate"])
    );
    let chain: Vec<&str> = events[0]["links"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["role"] == "delegate")
        .map(|l| l["value"].as_str().unwrap())
        .collect();
    assert_eq!(
        chain,
        [
            "alice.chen@northwind.example",
            "ci-deployer@northwind-labs-prod.iam.gserviceaccount.com"
        ]
    );
}

#[test]
fn gcp_key_traces_its_uses() {
    let ws = Workspace::new();
    import(&ws, "gcp");
    let trace = ws.json(&["trace", CI_KEY, "--format", "json"]);
    let actions = actions(&trace);
    assert_eq!(actions.len(), 5, "{actions:?}");
    assert_eq!(
        actions[0],
        "iam.googleapis.com:google.iam.admin.v1.CreateServiceAccountKey"
    );
    assert_eq!(trace["events"][0]["outcome"], "success");
    assert_eq!(trace["events"][4]["outcome"], "denied");
}

#[test]
fn endless_chain_stops_at_bound() {
    let ws = Workspace::new();
    let lines: String = (0..20)
        .map(|i| {
            serde_json::json!({
                "eventVersion": "1.09",
                "eventTime": format!("2026-11-20T10:00:{i:02}Z"),
                "eventSource": "sts.amazonaws.com",
                "eventName": "AssumeRole",
                "eventID": format!("chain-{i}"),
                "userIdentity": {"type": "AssumedRole", "accessKeyId": format!("ASIACHAIN{i:011}"),
                    "arn": format!("arn:aws:sts::111122223333:assumed-role/R{i}/s")},
                "responseElements": {"credentials": {"accessKeyId": format!("ASIACHAIN{:011}", i + 1)}}
            })
            .to_string()
                + "\n"
        })
        .collect();
    let file = ws.file("chain.ndjson", lines.as_bytes());
    ws.ok(&["import", file.to_str().unwrap()]);
    let trace = ws.json(&["trace", "chain-0", "--format", "json"]);
    // The seed and one event for each of the 16 hand-offs followed.
    assert_eq!(trace["events"].as_array().map(Vec::len), Some(17));
    assert_eq!(trace["truncated"], true);
}
