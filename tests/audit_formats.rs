//! Importing the Kubernetes, GitHub and OCSF fixtures through the binary: every container,
//! the merging of a Kubernetes request's stages, Parquet files and a Hive-partitioned folder.

#![cfg(feature = "store")]

mod common;

use std::path::Path;

use common::{Workspace, fixtures};
use serde_json::Value;

fn sources(ws: &Workspace) -> Vec<Value> {
    ws.json(&["sources", "--format", "json"])["sources"]
        .as_array()
        .expect("sources array")
        .clone()
}

fn source<'a>(sources: &'a [Value], suffix: &str) -> &'a Value {
    sources
        .iter()
        .find(|s| s["path"].as_str().is_some_and(|p| p.ends_with(suffix)))
        .unwrap_or_else(|| panic!("no source ending in {suffix}"))
}

/// Checks one source's format, container and accounting.
fn assert_source(
    sources: &[Value],
    (suffix, format, container, read, imported, duplicates): (&str, &str, &str, i64, i64, i64),
) {
    let s = source(sources, suffix);
    assert_eq!(s["format"], format, "{suffix} format");
    assert_eq!(s["container"], container, "{suffix} container");
    assert_eq!(s["records_read"], read, "{suffix} records_read");
    assert_eq!(s["imported"], imported, "{suffix} imported");
    assert_eq!(s["duplicates"], duplicates, "{suffix} duplicates");
    assert_eq!(s["rejected"], 0, "{suffix} rejected");
    assert_eq!(s["collisions"], 0, "{suffix} collisions");
}

fn import(ws: &Workspace, path: &Path) -> String {
    ws.ok(&["import", path.to_str().expect("UTF-8 path")])
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

const EXEC_AUDIT_ID: &str = "3f6e1a2b-9c4d-4e8f-a1b2-c3d4e5f60001";

#[test]
fn kubernetes_containers_merge_stages() {
    let ws = Workspace::new();
    import(&ws, &fixtures().join("kubernetes"));
    let sources = sources(&ws);
    assert_source(
        &sources,
        ("kubernetes/audit.ndjson", "kubernetes", "ndjson", 9, 5, 4),
    );
    assert_source(
        &sources,
        (
            "kubernetes/webhook-batch.json",
            "kubernetes",
            "object/items",
            4,
            2,
            2,
        ),
    );
    assert_eq!(ws.count("select count(*) from events"), 7);
    assert_eq!(ws.count("select count(*) from quarantine"), 0);
    assert_eq!(ws.count("select count(*) from event_collisions"), 0);
    let notes = source(&sources, "kubernetes/audit.ndjson")["notes"].to_string();
    assert!(notes.contains("4 records are earlier stages"), "{notes}");
}

#[test]
fn kubernetes_request_keeps_final_stage() {
    let ws = Workspace::new();
    import(&ws, &fixtures().join("kubernetes"));
    let where_exec = format!("from events where request_id = '{EXEC_AUDIT_ID}'");
    assert_eq!(ws.count(&format!("select count(*) {where_exec}")), 1);
    assert_eq!(
        text(&ws, &format!("select raw->>'stage' {where_exec}")),
        "ResponseComplete"
    );
    assert_eq!(
        text(&ws, &format!("select action {where_exec}")),
        "create pods/exec"
    );
    assert_eq!(
        text(&ws, &format!("select outcome {where_exec}")),
        "success"
    );
    // The request time, which every stage shares, not the end of the exec session.
    assert_eq!(
        text(&ws, &format!("select ts_original {where_exec}")),
        "2026-11-03T09:12:44.120304Z"
    );
    assert_eq!(ws.count(&format!("select record_pos {where_exec}")), 6);
}

#[test]
fn kubernetes_outcomes_and_impersonation() {
    let ws = Workspace::new();
    import(&ws, &fixtures().join("kubernetes"));
    assert_eq!(
        ws.count("select count(*) from events where outcome = 'denied'"),
        2,
        "the 403 list of secrets and the 401 anonymous request"
    );
    let impersonated = ws.count(
        "select count(*) from events, unnest(links::JSON[]) as l(link)
         where link->>'role' = 'impersonated'
           and link->>'value' = 'system:serviceaccount:payments:ledger'
           and actor_id = 'alice.chen@northwind.example'",
    );
    assert_eq!(impersonated, 1);
    let pod = ws.count(
        "select count(*) from events, unnest(links::JSON[]) as l(link)
         where link->>'kind' = 'k8s_pod' and link->>'value' = 'ledger-7d9f8c6b5-x2k4q'",
    );
    assert_eq!(pod, 1);
}

#[test]
fn kubernetes_later_stage_in_later_import() {
    let ws = Workspace::new();
    let stage = |name: &str, extra: &str| {
        format!(
            "{{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"aa-1\",\"stage\":\"{name}\",\
             \"verb\":\"watch\",\"user\":{{\"username\":\"bob.okafor@northwind.example\"}},\
             \"objectRef\":{{\"resource\":\"secrets\",\"namespace\":\"payments\"}},\
             \"requestReceivedTimestamp\":\"2026-11-05T10:00:00Z\",\"stageTimestamp\":\"2026-11-05T10:30:00Z\"{extra}}}\n"
        )
    };
    let first = ws.file(
        "first.ndjson",
        stage("ResponseStarted", ",\"responseStatus\":{\"code\":200}").as_bytes(),
    );
    let second = ws.file(
        "second.ndjson",
        stage("ResponseComplete", ",\"responseStatus\":{\"code\":200}").as_bytes(),
    );
    import(&ws, &first);
    import(&ws, &second);
    assert_eq!(
        ws.count("select count(*) from events where request_id = 'aa-1'"),
        2
    );
    assert_eq!(ws.count("select count(*) from event_collisions"), 0);
    let sources = sources(&ws);
    let notes = source(&sources, "second.ndjson")["notes"].to_string();
    assert!(notes.contains("1 event shares a correlation id"), "{notes}");
    let trace = ws.json(&["trace", "aa-1", "--format", "json"]);
    assert_eq!(trace["events"].as_array().map(Vec::len), Some(2));
}

/// One audit record of request `kc-1` with the given stage, user, verb and resource.
fn k8s_stage(stage: &str, user: &str, verb: &str, resource: &str) -> String {
    format!(
        "{{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"kc-1\",\"stage\":\"{stage}\",\
         \"verb\":\"{verb}\",\"user\":{{\"username\":\"{user}\"}},\"requestURI\":\"/api/v1/{resource}\",\
         \"objectRef\":{{\"resource\":\"{resource}\"}},\"responseStatus\":{{\"code\":200}},\
         \"requestReceivedTimestamp\":\"2026-11-05T10:00:00Z\",\"stageTimestamp\":\"2026-11-05T10:00:01Z\"}}\n"
    )
}

#[test]
fn kubernetes_conflicting_stage_is_kept() {
    let ws = Workspace::new();
    let records = [
        k8s_stage(
            "RequestReceived",
            "dave.park@northwind.example",
            "list",
            "pods",
        ),
        k8s_stage(
            "ResponseComplete",
            "mallory@example.com",
            "delete",
            "secrets",
        ),
        k8s_stage("ResponseComplete", "eve@example.com", "get", "secrets"),
    ];
    let file = ws.file("conflict.ndjson", records.concat().as_bytes());
    import(&ws, &file);
    assert_eq!(
        ws.count("select count(*) from events where request_id = 'kc-1'"),
        3
    );
    assert_eq!(ws.count("select count(*) from event_collisions"), 1);
    let sources = sources(&ws);
    let notes = source(&sources, "conflict.ndjson")["notes"].to_string();
    assert!(notes.contains("request kc-1 disagree on"), "{notes}");
    assert!(notes.contains("user"), "{notes}");
}

#[test]
fn kubernetes_agreeing_stage_is_merged() {
    let ws = Workspace::new();
    let user = "dave.park@northwind.example";
    let records = [
        k8s_stage("RequestReceived", user, "get", "secrets"),
        k8s_stage("ResponseComplete", user, "get", "secrets"),
    ];
    let file = ws.file("agree.ndjson", records.concat().as_bytes());
    import(&ws, &file);
    assert_eq!(
        ws.count("select count(*) from events where request_id = 'kc-1'"),
        1
    );
}

#[test]
fn kubernetes_same_stage_across_files() {
    let ws = Workspace::new();
    let first = k8s_stage(
        "ResponseComplete",
        "dave.park@northwind.example",
        "get",
        "secrets",
    );
    let second = k8s_stage("ResponseComplete", "eve@example.com", "delete", "secrets");
    let first = ws.file("first.ndjson", first.as_bytes());
    let second = ws.file("second.ndjson", second.as_bytes());
    import(&ws, &first);
    import(&ws, &second);
    let sources = sources(&ws);
    let notes = source(&sources, "second.ndjson")["notes"].to_string();
    assert!(notes.contains("natural key"), "{notes}");
    assert!(!notes.contains("another stage"), "{notes}");
}

#[test]
fn github_containers_and_duplicates() {
    let ws = Workspace::new();
    import(&ws, &fixtures().join("github"));
    let sources = sources(&ws);
    assert_source(
        &sources,
        ("github/audit-log.json", "github", "array", 5, 5, 0),
    );
    assert_source(
        &sources,
        ("github/audit-stream.ndjson", "github", "ndjson", 4, 3, 1),
    );
    assert_eq!(ws.count("select count(*) from events"), 8);
    assert_eq!(ws.count("select count(*) from quarantine"), 0);
}

#[test]
fn github_token_action_links_token() {
    let ws = Workspace::new();
    import(&ws, &fixtures().join("github"));
    let token_events = ws.count(
        "select count(*) from events, unnest(links::JSON[]) as l(link)
         where link->>'kind' = 'github_token' and link->>'role' = 'presented'
           and link->>'value' = 'Hx8q2Lm4Nv6Pr0Tt9Wy1Za3Bc5De7Fg9Hj2Kl4Mn6='",
    );
    assert_eq!(
        token_events, 3,
        "two API requests and the branch protection removal"
    );
    assert_eq!(
        text(
            &ws,
            "select outcome from events where event_id = 'Yd4mT7vP0zS3xO8rB5eNfw'"
        ),
        "denied"
    );
    assert_eq!(
        text(
            &ws,
            "select ts_original from events where event_id = 'Wb2kR5tN8xQ1vM6pZ3cLdA'"
        ),
        "1793973731402"
    );
}

#[test]
fn ocsf_json_containers() {
    let ws = Workspace::new();
    import(&ws, &fixtures().join("ocsf/api-activity.ndjson"));
    import(&ws, &fixtures().join("ocsf/authentication.json"));
    let sources = sources(&ws);
    assert_source(
        &sources,
        ("ocsf/api-activity.ndjson", "ocsf", "ndjson", 3, 3, 0),
    );
    assert_source(
        &sources,
        ("ocsf/authentication.json", "ocsf", "array", 3, 3, 0),
    );
    assert_eq!(
        text(
            &ws,
            "select outcome from events where action = 'CreateAccessKey'"
        ),
        "denied"
    );
    assert_eq!(
        ws.count("select count(*) from events where correlation_id = 'ops-change-2211'"),
        2
    );
}

#[test]
fn ocsf_parquet_file_is_read() {
    let ws = Workspace::new();
    let file = fixtures().join("ocsf/authentication.parquet");
    import(&ws, &file);
    let sources = sources(&ws);
    assert_source(
        &sources,
        ("ocsf/authentication.parquet", "ocsf", "parquet", 2, 2, 0),
    );
    assert_eq!(
        source(&sources, "ocsf/authentication.parquet")["sha256"],
        sha256_of(&file)
    );
    assert_eq!(
        text(
            &ws,
            "select string_agg(record_pos::VARCHAR, ',' order by record_pos) from events"
        ),
        "1,2"
    );
    assert_eq!(
        text(&ws, "select actor_alt_id from events where record_pos = 2"),
        "mallory@contractor.example"
    );
    assert_eq!(
        text(&ws, "select outcome from events where record_pos = 2"),
        "failure"
    );
    let again = import(&ws, &file);
    assert!(again.contains("already source"), "{again}");
}

#[test]
fn ocsf_hive_folder_is_walked() {
    let ws = Workspace::new();
    import(&ws, &fixtures().join("ocsf/security-lake"));
    let sources = sources(&ws);
    assert_eq!(sources.len(), 2);
    let day3 = "eventDay=20261103/part-0.parquet";
    let day4 = "eventDay=20261104/part-0.parquet";
    assert_source(&sources, (day3, "ocsf", "parquet", 2, 2, 0));
    assert_source(&sources, (day4, "ocsf", "parquet", 1, 1, 0));
    // Partition values come from the path, as text.
    assert_eq!(
        ws.count(
            "select count(*) from events where raw->>'eventDay' = '20261103'
             and raw->>'region' = 'us-east-1' and raw->>'accountId' = '111122223333'"
        ),
        2
    );
    assert_eq!(
        text(
            &ws,
            "select json_type(raw, '$.eventDay') from events where action = 'ListBuckets'"
        ),
        "VARCHAR",
        "a partition value that looks like a number stays text"
    );
    assert_eq!(
        text(
            &ws,
            "select actor_id from events where action = 'ListBuckets'"
        ),
        "arn:aws:iam::111122223333:user/svc-backup"
    );
}

#[test]
fn parquet_with_no_rows_fails() {
    let ws = Workspace::new();
    let path = ws.dir.path().join("empty.parquet");
    let conn = duckdb::Connection::open_in_memory().expect("DuckDB");
    conn.execute(
        &format!(
            "COPY (SELECT 1 AS class_uid WHERE false) TO '{}' (FORMAT parquet)",
            path.display()
        ),
        [],
    )
    .expect("write Parquet");
    let output = ws.run(&["import", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(common::stderr(&output).contains("has no rows"));
    assert!(
        !ws.case().exists(),
        "a first import that fails leaves no case behind"
    );
}

fn sha256_of(path: &Path) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(std::fs::read(path).expect("read fixture")))
}

/// Writes the Parquet fixtures from the rows under `fixtures/ocsf/.parquet-rows/` with
/// DuckDB. Run it with `cargo test --test audit_formats -- --ignored` after changing the
/// rows; the hidden folder keeps the rows out of folder imports.
#[test]
#[ignore = "rewrites the committed Parquet fixtures"]
fn regenerate_parquet_fixtures() {
    let ocsf = fixtures().join("ocsf");
    let rows = ocsf.join(".parquet-rows");
    let lake = ocsf.join("security-lake");
    if lake.exists() {
        std::fs::remove_dir_all(&lake).expect("remove old partitions");
    }
    let conn = duckdb::Connection::open_in_memory().expect("DuckDB");
    conn.execute_batch(&format!(
        "COPY (SELECT * FROM read_json('{auth}', format = 'array'))
           TO '{auth_out}' (FORMAT parquet);
         COPY (SELECT * FROM read_json('{api}', format = 'array'))
           TO '{lake}' (FORMAT parquet, PARTITION_BY (region, accountId, eventDay),
                        FILENAME_PATTERN 'part-{{i}}');",
        auth = rows.join("authentication.json").display(),
        auth_out = ocsf.join("authentication.parquet").display(),
        api = rows.join("security-lake-api-activity.json").display(),
        lake = lake.display(),
    ))
    .expect("write Parquet fixtures");
}
