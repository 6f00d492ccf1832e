//! The review parts of an evidence pack: findings, remediation, the reports, and the
//! revocations as SCIM PATCH and Bulk requests checked against RFC 7644.

#![cfg(feature = "store")]

mod common;

use std::path::{Path, PathBuf};

use common::{Workspace, stderr};
use serde_json::Value;

const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const BULK_REQUEST: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

fn decide(ws: &Workspace, args: &[&str]) {
    let mut all = vec!["decide", "--reviewer", "alice.chen@northwind.example"];
    all.extend_from_slice(args);
    ws.ok(&all);
}

/// The fixture organisation with a campaign, revokes of each kind and a pack in `pack/`.
fn exported() -> (Workspace, PathBuf) {
    let ws = Workspace::new();
    ws.import_fixtures();
    ws.ok(&[
        "campaign",
        "create",
        "--name",
        "Q4",
        "--kind",
        "service",
        "--kind",
        "agent",
        "--reviewer",
        "alice.chen@northwind.example",
        "--due",
        "2099-12-31",
    ]);
    decide(
        &ws,
        &[
            "--campaign",
            "C1",
            "--identity",
            "u-2002",
            "--verdict",
            "revoke",
            "--justification",
            "sponsor left",
        ],
    );
    decide(
        &ws,
        &[
            "--identity",
            "u-2001",
            "--entitlement",
            "Platform Admins",
            "--verdict",
            "revoke",
            "--justification",
            "nested admin",
        ],
    );
    decide(
        &ws,
        &[
            "--identity",
            "u-3001",
            "--entitlement",
            "billing-admin",
            "--verdict",
            "revoke",
            "--justification",
            "<b>deactivated</b> agent",
        ],
    );
    decide(
        &ws,
        &[
            "--identity",
            "g-5003",
            "--verdict",
            "revoke",
            "--justification",
            "unused",
        ],
    );
    let pack = ws.dir.path().join("pack");
    ws.ok(&["export", "--out", pack.to_str().unwrap()]);
    (ws, pack)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// ATTRNAME = ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA (RFC 7643 2.1).
fn is_attr_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Checks a PATCH path of RFC 7644 3.5.2 for the forms scimtrail writes: `attr`,
/// `attr.sub`, or `attr[sub eq "json string"]`.
fn check_path(path: &str) -> Result<(), String> {
    let Some((attr, rest)) = path.split_once('[') else {
        return path
            .split('.')
            .all(is_attr_name)
            .then_some(())
            .ok_or(format!("invalid attribute path {path:?}"));
    };
    if !is_attr_name(attr) {
        return Err(format!("invalid attribute {attr:?} in {path:?}"));
    }
    let filter = rest
        .strip_suffix(']')
        .ok_or(format!("unclosed value filter in {path:?}"))?;
    let mut parts = filter.splitn(3, ' ');
    let (sub, op, value) = (parts.next(), parts.next(), parts.next());
    if !sub.is_some_and(is_attr_name) {
        return Err(format!("invalid filter attribute in {path:?}"));
    }
    if !matches!(
        op,
        Some("eq" | "ne" | "co" | "sw" | "ew" | "gt" | "lt" | "ge" | "le")
    ) {
        return Err(format!("invalid filter operator in {path:?}"));
    }
    match value.map(serde_json::from_str::<Value>) {
        Some(Ok(Value::String(_))) => Ok(()),
        _ => Err(format!("filter value in {path:?} is not a JSON string")),
    }
}

/// Checks a PatchOp message against RFC 7644 3.5.2.
fn check_patch(body: &Value) -> Result<(), String> {
    let object = body.as_object().ok_or("body is not an object")?;
    if object.keys().any(|k| k != "schemas" && k != "Operations") {
        return Err(format!("unexpected member in {body}"));
    }
    if body["schemas"] != serde_json::json!([PATCH_OP]) {
        return Err(format!("schemas must be [{PATCH_OP}]"));
    }
    let operations = body["Operations"].as_array().ok_or("Operations missing")?;
    if operations.is_empty() {
        return Err("Operations must hold one or more operations".into());
    }
    for operation in operations {
        let members = operation.as_object().ok_or("operation is not an object")?;
        if members
            .keys()
            .any(|k| !["op", "path", "value"].contains(&k.as_str()))
        {
            return Err(format!("unexpected member in {operation}"));
        }
        let path = operation.get("path").and_then(Value::as_str);
        if let Some(path) = path {
            check_path(path)?;
        }
        match operation["op"].as_str() {
            Some("remove") if path.is_none() => return Err("remove needs a path".into()),
            Some("add" | "replace") if operation.get("value").is_none() => {
                return Err(format!("{operation} needs a value"));
            }
            Some("add" | "remove" | "replace") => {}
            _ => return Err(format!("invalid op in {operation}")),
        }
    }
    Ok(())
}

/// Checks a BulkRequest message against RFC 7644 3.7.
fn check_bulk(body: &Value) -> Result<(), String> {
    if body["schemas"] != serde_json::json!([BULK_REQUEST]) {
        return Err(format!("schemas must be [{BULK_REQUEST}]"));
    }
    if body.get("failOnErrors").is_some_and(|v| !v.is_u64()) {
        return Err("failOnErrors must be an integer".into());
    }
    let operations = body["Operations"].as_array().ok_or("Operations missing")?;
    for operation in operations {
        let members = operation.as_object().ok_or("operation is not an object")?;
        let allowed = ["method", "bulkId", "version", "path", "data"];
        if members.keys().any(|k| !allowed.contains(&k.as_str())) {
            return Err(format!("unexpected member in {operation}"));
        }
        if !operation["path"]
            .as_str()
            .is_some_and(|p| p.starts_with('/'))
        {
            return Err(format!("path must start with / in {operation}"));
        }
        match operation["method"].as_str() {
            Some("POST") if operation.get("bulkId").is_none() => {
                return Err("POST needs a bulkId".into());
            }
            Some("PATCH") => check_patch(&operation["data"])?,
            Some("POST" | "PUT" | "DELETE") => {}
            _ => return Err(format!("invalid method in {operation}")),
        }
    }
    Ok(())
}

#[test]
fn patch_requests_follow_rfc() {
    let (_ws, pack) = exported();
    let patches = read_json(&pack.join("scim-patch-requests.json"));
    let requests = patches["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 3, "{patches}");
    for request in requests {
        assert_eq!(request["method"], "PATCH");
        assert_eq!(check_patch(&request["body"]), Ok(()), "{request}");
    }
    let paths: Vec<&str> = requests
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["/Users/u-2002", "/Groups/g-5002", "/Users/u-3001"]);
    assert_eq!(
        requests[1]["body"]["Operations"][0]["path"],
        "members[value eq \"u-2001\"]"
    );
    assert_eq!(
        requests[2]["body"]["Operations"][0]["path"],
        "roles[value eq \"billing-admin\"]"
    );
}

#[test]
fn group_revoke_is_skipped_with_reason() {
    let (_ws, pack) = exported();
    let patches = read_json(&pack.join("scim-patch-requests.json"));
    assert_eq!(patches["skipped"][0]["identity_key"], "Group/g-5003");
    assert!(
        patches["skipped"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("no active attribute")
    );
}

#[test]
fn bulk_request_follows_rfc() {
    let (_ws, pack) = exported();
    let bulk = read_json(&pack.join("scim-bulk-request.json"));
    assert_eq!(check_bulk(&bulk), Ok(()), "{bulk}");
    assert_eq!(bulk["Operations"].as_array().unwrap().len(), 3);
}

#[test]
fn validators_reject_bad_messages() {
    let no_path = serde_json::json!({"schemas": [PATCH_OP], "Operations": [{"op": "remove"}]});
    assert!(check_patch(&no_path).is_err());
    let bad_filter = serde_json::json!({"schemas": [PATCH_OP],
        "Operations": [{"op": "remove", "path": "members[value eq u-1]"}]});
    assert!(check_patch(&bad_filter).is_err());
    let no_value = serde_json::json!({"schemas": [PATCH_OP],
        "Operations": [{"op": "replace", "path": "active"}]});
    assert!(check_patch(&no_value).is_err());
    let bad_method = serde_json::json!({"schemas": [BULK_REQUEST],
        "Operations": [{"method": "GET", "path": "/Users/u-1"}]});
    assert!(check_bulk(&bad_method).is_err());
}

#[test]
fn findings_file_matches_command() {
    let (ws, pack) = exported();
    let packed = read_json(&pack.join("findings.json"));
    let live = ws.json(&["findings", "--format", "json"]);
    assert_eq!(packed["as_of"], live["as_of"]);
    assert_eq!(packed["findings"], live["findings"]);
}

#[test]
fn html_report_is_self_contained() {
    let (_ws, pack) = exported();
    let html = std::fs::read_to_string(pack.join("report.html")).unwrap();
    for banned in ["<script", "<link", "<img", "src=", "href=", "url("] {
        assert!(!html.contains(banned), "report.html contains {banned}");
    }
    assert!(html.contains("orphaned-identity:User/u-2002"));
    assert!(
        html.contains("&lt;b&gt;deactivated&lt;/b&gt;"),
        "justification is escaped"
    );
}

#[test]
fn markdown_report_has_sections() {
    let (_ws, pack) = exported();
    let md = std::fs::read_to_string(pack.join("report.md")).unwrap();
    for section in [
        "## Campaigns",
        "## Findings by severity",
        "## Findings: critical",
        "## Decisions",
        "## Remediation",
    ] {
        assert!(md.contains(section), "report.md lacks {section}");
    }
    assert!(md.contains("| C1 | Q4 | 1 | 2099-12-31 | 1 of 4 |"), "{md}");
    assert!(md.contains("| pending |"), "{md}");
}

#[test]
fn edited_report_is_named() {
    let (ws, pack) = exported();
    let path = pack.join("report.html");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("revoke", "approve");
    std::fs::write(&path, text).unwrap();
    std::fs::remove_file(pack.join("scim-bulk-request.json")).unwrap();
    let output = ws.run(&["verify", pack.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("report.html: changed"), "{err}");
    assert!(err.contains("scim-bulk-request.json: missing"), "{err}");
}

#[test]
fn edited_campaign_field_is_named() {
    let (ws, pack) = exported();
    let path = pack.join("decisions.jsonl");
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "\"campaign\":\"C1\"",
        "\"campaign\":null",
        1,
    );
    std::fs::write(&path, text).unwrap();
    let output = ws.run(&["verify", pack.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("decisions.jsonl: changed"), "{err}");
    assert!(err.contains("decision 1: content does not match"), "{err}");
}
