//! Conformance on real public exports: every SCIM, Okta, Entra, CloudTrail, GCP audit,
//! Kubernetes, GitHub, OCSF and OpenTelemetry file under $SCIMTRAIL_SAMPLES imports with
//! no rejected record, and events keep their correlation ids. Without the variable each test
//! prints a notice and checks nothing.

#![cfg(feature = "store")]

mod common;

use std::path::PathBuf;

use common::Workspace;
use serde_json::Value;

const FOLDERS: [&str; 6] = [
    "scim",
    "okta",
    "entra-audit",
    "entra-signin",
    "cloudtrail",
    "gcp-audit",
];

fn samples() -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("SCIMTRAIL_SAMPLES")?);
    assert!(
        dir.is_dir(),
        "SCIMTRAIL_SAMPLES={} is not a folder",
        dir.display()
    );
    Some(dir)
}

#[test]
fn samples_import_without_rejects() {
    let Some(dir) = samples() else {
        eprintln!("SCIMTRAIL_SAMPLES is not set; skipping the conformance check");
        return;
    };
    let ws = Workspace::new();
    for folder in FOLDERS {
        let path = dir.join(folder);
        assert!(path.is_dir(), "{} is missing", path.display());
        ws.ok(&["import", path.to_str().expect("UTF-8 path")]);
    }
    let sources = ws.json(&["sources", "--format", "json"]);
    let sources = sources["sources"].as_array().expect("sources");
    assert!(
        sources.len() >= 12,
        "only {} sources imported",
        sources.len()
    );
    for source in sources {
        assert_eq!(
            source["rejected"], 0,
            "rejected records in {}",
            source["path"]
        );
        let read = source["records_read"].as_i64().unwrap();
        let accounted = ["imported", "duplicates", "rejected"]
            .iter()
            .map(|k| source[k].as_i64().unwrap())
            .sum::<i64>();
        assert_eq!(read, accounted, "accounting of {}", source["path"]);
    }
    let lost = ws.count(
        "select count(*) from events where correlation_id is null and coalesce(
             json_extract_string(raw, '$.transaction.id'),
             json_extract_string(raw, '$.properties.correlationId'),
             json_extract_string(raw, '$.correlationId')) is not null",
    );
    assert_eq!(lost, 0, "events lost their correlation id");
    assert!(ws.count("select count(*) from identities") >= 8);
}

#[test]
fn shared_correlation_id_traces_all_its_events() {
    let Some(dir) = samples() else {
        eprintln!("SCIMTRAIL_SAMPLES is not set; skipping the conformance check");
        return;
    };
    let ws = Workspace::new();
    for folder in FOLDERS {
        ws.ok(&["import", dir.join(folder).to_str().unwrap()]);
    }
    let top = ws.json(&[
        "sql",
        "--format",
        "json",
        "select correlation_id, count(*) as n from events where correlation_id is not null
         group by 1 order by n desc, 1 limit 1",
    ]);
    let id = top["rows"][0]["correlation_id"]
        .as_str()
        .expect("a shared correlation id")
        .to_string();
    let n = top["rows"][0]["n"].as_i64().unwrap();
    assert!(n > 1, "no correlation id is shared");
    let trace = ws.json(&["trace", &id, "--format", "json"]);
    let events = trace["events"].as_array().expect("events");
    assert!(
        events.len() as i64 >= n,
        "trace found {} of {n}",
        events.len()
    );
    assert!(
        events
            .iter()
            .filter(|e| e["correlation_id"] == id.as_str())
            .count() as i64
            == n
    );
    let times: Vec<&str> = events.iter().map(|e| e["ts"].as_str().unwrap()).collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "not in time order: {times:?}"
    );
}

/// The correlation id that the Entra audit sample's three "Update device" records and the
/// Entra sign-in sample's five records (one per sign-in log category) share, read from the
/// files with `jq '.properties.correlationId'`. The sign-ins also share it as their
/// `originalRequestId`, and no record of them has a `sessionId`.
const ENTRA_CORRELATION: &str = "8a4de8b5-095c-47d0-a96f-a75130c61d53";

#[test]
fn entra_correlation_trace_is_exact() {
    let Some(dir) = samples() else {
        eprintln!("SCIMTRAIL_SAMPLES is not set; skipping the conformance check");
        return;
    };
    let ws = Workspace::new();
    for folder in FOLDERS {
        ws.ok(&["import", dir.join(folder).to_str().unwrap()]);
    }
    let trace = ws.json(&["trace", ENTRA_CORRELATION, "--format", "json"]);
    let events = trace["events"].as_array().expect("events");
    let count = |format: &str| {
        events
            .iter()
            .filter(|e| e["source_format"] == format)
            .count()
    };
    assert_eq!(events.len(), 8);
    assert_eq!(count("entra-audit"), 3);
    assert_eq!(count("entra-signin"), 5);
    for event in events {
        assert_eq!(event["correlation_id"], ENTRA_CORRELATION, "{event}");
    }
    let audit_actions: Vec<&Value> = events
        .iter()
        .filter(|e| e["source_format"] == "entra-audit")
        .map(|e| &e["action"])
        .collect();
    assert!(audit_actions.iter().all(|a| *a == "Update device"));
    // Each event joins the first with the id: 7 links; the 5 sign-ins share the
    // request id: 4 more. Nothing else links them, and nothing is inferred.
    let links = trace["links"].as_array().expect("links");
    let of_kind = |kind: &str| links.iter().filter(|l| l["kind"] == kind).count();
    assert_eq!(of_kind("correlation_id"), 7);
    assert_eq!(of_kind("request_id"), 4);
    assert_eq!(links.len(), 11);
    assert!(links.iter().all(|l| l["strength"] == "exact"));
    assert!(links.iter().all(|l| l["value"] == ENTRA_CORRELATION));
    assert_eq!(trace["truncated"], false);
}

/// Folders of OpenTelemetry exports: OTLP/JSON requests and SDK span dumps of agent runs.
const OTEL_FOLDERS: [&str; 2] = ["otel-genai", "agent-mcp"];

#[test]
fn otel_samples_import_as_spans() {
    let Some(dir) = samples() else {
        eprintln!("SCIMTRAIL_SAMPLES is not set; skipping the conformance check");
        return;
    };
    let ws = Workspace::new();
    for folder in OTEL_FOLDERS {
        ws.ok(&["import", dir.join(folder).to_str().unwrap()]);
    }
    let sources = ws.json(&["sources", "--format", "json"]);
    let sources = sources["sources"].as_array().expect("sources");
    assert!(
        sources.len() >= 7,
        "only {} sources imported",
        sources.len()
    );
    for source in sources {
        assert_eq!(source["format"], "otel", "format of {}", source["path"]);
        assert_eq!(source["rejected"], 0, "rejected in {}", source["path"]);
        assert_eq!(
            source["records_read"], source["imported"],
            "accounting of {}",
            source["path"]
        );
    }
    let spans_without_ids = ws.count(
        "select count(*) from events where source_format = 'otel' and category <> 'log'
           and links::VARCHAR like '%\"kind\":\"span\"%'
           and (event_id is null or correlation_id is null)",
    );
    assert_eq!(spans_without_ids, 0, "spans lost their trace or span id");
    // Span ids are normalised to 16 lower-case hex digits whatever the file wrote.
    let odd_ids = ws.count(
        "select count(*) from events where event_id is not null
           and not regexp_full_match(event_id, '[0-9a-f]{32}/[0-9a-f]{16}')",
    );
    assert_eq!(odd_ids, 0, "span ids not normalised");
    let tools = ws.count("select count(*) from events where action like 'execute_tool %'");
    assert!(tools >= 8, "only {tools} tool calls mapped");
}

#[test]
fn otel_parent_spans_resolve() {
    let Some(dir) = samples() else {
        eprintln!("SCIMTRAIL_SAMPLES is not set; skipping the conformance check");
        return;
    };
    let ws = Workspace::new();
    ws.ok(&["import", dir.join("otel-genai").to_str().unwrap()]);
    // A tool call whose parent span was exported is joined to it through the links.
    let joined = ws.count(
        r#"select count(*) from events child join events parent
             on parent.event_id = child.correlation_id || '/' ||
                regexp_extract(child.links::VARCHAR, '"value":"([0-9a-f]{16})","role":"parent"', 1)
           where child.action like 'execute_tool %'"#,
    );
    assert!(
        joined >= 4,
        "only {joined} tool calls joined to their parent span"
    );
}

/// Kubernetes, GitHub and OCSF samples: file, format, records read, imported, duplicates.
const AUDIT_SAMPLES: [(&str, &str, i64, i64, i64); 13] = [
    ("k8s-audit/demo.log", "kubernetes", 37, 37, 0),
    (
        "k8s-audit/falco/anonymous_creates_namespace_foo.json",
        "kubernetes",
        1,
        1,
        0,
    ),
    (
        "k8s-audit/falco/attach_cluster_admin_role.json",
        "kubernetes",
        1,
        1,
        0,
    ),
    (
        "k8s-audit/falco/create_service_account_token_secret.json",
        "kubernetes",
        1,
        1,
        0,
    ),
    ("k8s-audit/falco/exec_pod.json", "kubernetes", 1, 1, 0),
    ("github-audit/api_activity.raw", "github", 1, 1, 0),
    ("github-audit/authentication.raw", "github", 1, 1, 0),
    ("github-audit/group_management.raw", "github", 1, 1, 0),
    (
        "github-audit/test-api-request-events.log",
        "github",
        2,
        2,
        0,
    ),
    ("ocsf/aws-cloudtrail/account_change.ocsf", "ocsf", 1, 1, 0),
    ("ocsf/github/authentication.ocsf", "ocsf", 1, 1, 0),
    ("ocsf/okta/account_change.ocsf", "ocsf", 1, 1, 0),
    ("ocsf/okta/authentication.ocsf", "ocsf", 1, 1, 0),
];

#[test]
fn audit_format_samples_import() {
    let Some(dir) = samples() else {
        eprintln!("SCIMTRAIL_SAMPLES is not set; skipping the conformance check");
        return;
    };
    let ws = Workspace::new();
    for folder in ["k8s-audit", "github-audit", "ocsf"] {
        ws.ok(&["import", dir.join(folder).to_str().expect("UTF-8 path")]);
    }
    let sources = ws.json(&["sources", "--format", "json"]);
    let sources = sources["sources"].as_array().expect("sources");
    assert_eq!(sources.len(), AUDIT_SAMPLES.len());
    for (file, format, read, imported, duplicates) in AUDIT_SAMPLES {
        let source = sources
            .iter()
            .find(|s| s["path"].as_str().is_some_and(|p| p.ends_with(file)))
            .unwrap_or_else(|| panic!("{file} was not imported"));
        assert_eq!(source["format"], format, "{file} format");
        assert_eq!(source["records_read"], read, "{file} records_read");
        assert_eq!(source["imported"], imported, "{file} imported");
        assert_eq!(source["duplicates"], duplicates, "{file} duplicates");
        assert_eq!(source["rejected"], 0, "{file} rejected");
    }
    // The three GitHub samples reuse one _document_id for different entries.
    assert_eq!(
        ws.count("select count(*) from event_collisions where source_format = 'github'"),
        2
    );
    assert_eq!(
        ws.count(
            "select count(*) from events where source_format = 'kubernetes' and outcome = 'denied'"
        ),
        11,
        "the 403 responses of the impersonated user in demo.log"
    );
}

#[test]
fn cloud_samples_import_every_record() {
    let Some(dir) = samples() else {
        eprintln!("SCIMTRAIL_SAMPLES is not set; skipping the conformance check");
        return;
    };
    let ws = Workspace::new();
    for folder in ["cloudtrail", "gcp-audit"] {
        ws.ok(&["import", dir.join(folder).to_str().unwrap()]);
    }
    let sources = ws.json(&["sources", "--format", "json"]);
    let sources = sources["sources"].as_array().expect("sources");
    // The two AssumeRole lines share an eventID but differ in resources: a collision,
    // so both are kept.
    for (file, format, imported, collisions) in [
        ("account_change.raw", "cloudtrail", 1, 0),
        ("test-assume-role-json.log", "cloudtrail", 2, 1),
        ("test-converse-json.log", "cloudtrail", 1, 0),
        ("test-audit.log", "gcp-audit", 14, 0),
    ] {
        let source = sources
            .iter()
            .find(|s| s["path"].as_str().is_some_and(|p| p.ends_with(file)))
            .unwrap_or_else(|| panic!("{file} was not imported"));
        assert_eq!(source["format"], format, "{file} format");
        assert_eq!(source["imported"], imported, "{file} imported");
        assert_eq!(source["collisions"], collisions, "{file} collisions");
        assert_eq!(source["rejected"], 0, "{file} rejected");
    }
    assert_eq!(ws.count("select count(*) from quarantine"), 0);
    assert_eq!(
        ws.count(
            "select count(*) from events where source_format = 'gcp-audit' and outcome = 'denied'"
        ),
        2,
        "the PERMISSION_DENIED entry and the listing whose permission was not granted"
    );
    assert_eq!(
        ws.count(
            "select count(*) from events where source_format = 'cloudtrail' and actor_id is null"
        ),
        0
    );
}

#[test]
fn rfc_circular_groups_reported_as_cycle() {
    let Some(dir) = samples() else {
        eprintln!("SCIMTRAIL_SAMPLES is not set; skipping the conformance check");
        return;
    };
    let ws = Workspace::new();
    let file = dir.join("scim/rfc7644-3.7.1-list_response-circular_reference.json");
    ws.ok(&["import", file.to_str().expect("UTF-8 path")]);
    assert_eq!(ws.count("select count(*) from group_cycles"), 1);
    assert_eq!(
        ws.count(
            "select count(*) from group_cycles where json_array_length(cycle) = 2
             and cycle->>0 = 'Group/6c5bb468-14b2-4183-baf2-06d523e03bd3'"
        ),
        1
    );
}

#[test]
fn rfc_certificate_expiry_read() {
    let Some(dir) = samples() else {
        eprintln!("SCIMTRAIL_SAMPLES is not set; skipping the conformance check");
        return;
    };
    let ws = Workspace::new();
    let file = dir.join("scim/rfc7643-8.2-user-full.json");
    ws.ok(&["import", file.to_str().expect("UTF-8 path")]);
    assert_eq!(
        ws.count("select count(*) from certificates where not_after is not null"),
        1
    );
    assert_eq!(
        ws.count("select count(*) from certificates where parse_error is not null"),
        0
    );
}

/// The resources each SCIM sample holds: PatchOp requests without a response body and
/// Bulk responses hold none.
const SCIM_RESOURCES: [(&str, i64); 12] = [
    ("elimity-azuread/create_user.json", 1),
    ("elimity-azuread/get_user_query_resp.json", 1),
    ("elimity-azuread/update_group.json", 1),
    ("elimity-azuread/update_user.json", 1),
    ("elimity-okta/update_group_membership.json", 0),
    ("elimity-okta/update_user_patch.json", 1),
    ("rfc7643-8.2-user-full.json", 1),
    ("rfc7643-8.3-enterprise_user.json", 1),
    ("rfc7643-8.4-group.json", 1),
    ("rfc7644-3.4.3-list_response-post_query.json", 2),
    ("rfc7644-3.7.1-list_response-circular_reference.json", 2),
    ("rfc7644-3.7.3-bulk_response-multiple_errors.json", 0),
];

#[test]
fn scim_samples_hold_expected_resources() {
    let Some(dir) = samples() else {
        eprintln!("SCIMTRAIL_SAMPLES is not set; skipping the conformance check");
        return;
    };
    let ws = Workspace::new();
    ws.ok(&["import", dir.join("scim").to_str().expect("UTF-8 path")]);
    let sources = ws.json(&["sources", "--format", "json"]);
    let sources = sources["sources"].as_array().expect("sources");
    assert_eq!(sources.len(), SCIM_RESOURCES.len());
    for (file, expected) in SCIM_RESOURCES {
        let source = sources
            .iter()
            .find(|s| s["path"].as_str().is_some_and(|p| p.ends_with(file)))
            .unwrap_or_else(|| panic!("{file} was not imported"));
        assert_eq!(
            source["records_read"], expected,
            "resources read from {file}"
        );
        assert_eq!(source["rejected"], 0, "rejected records in {file}");
    }
}
