//! `export --parquet` and `sql --lake`: the events round-trip through a Hive-partitioned
//! Parquet folder, which is queried in place.

mod common;

use std::path::Path;

use common::Workspace;
use serde_json::Value;

fn lake_rows(ws: &Workspace, lake: &Path, sql: &str) -> Vec<Value> {
    let value = ws.json(&[
        "sql",
        "--lake",
        lake.to_str().expect("UTF-8 path"),
        "--format",
        "json",
        sql,
    ]);
    value["rows"].as_array().expect("rows").clone()
}

fn case_rows(ws: &Workspace, sql: &str) -> Vec<Value> {
    let value = ws.json(&["sql", "--format", "json", sql]);
    value["rows"].as_array().expect("rows").clone()
}

fn exported(ws: &Workspace) -> std::path::PathBuf {
    ws.import_fixtures();
    let lake = ws.dir.path().join("lake");
    ws.ok(&["export", "--parquet", lake.to_str().expect("UTF-8 path")]);
    lake
}

#[test]
fn parquet_round_trip_keeps_events() {
    let ws = Workspace::new();
    let lake = exported(&ws);
    let columns = "event_key, source_format, ts, action, outcome, actor_id, correlation_id, \
                   raw::VARCHAR AS raw, links::VARCHAR AS links";
    let in_case = case_rows(
        &ws,
        &format!("select {columns} from events order by event_key"),
    );
    let in_lake = lake_rows(
        &ws,
        &lake,
        &format!("select {columns} from events order by event_key"),
    );
    assert!(!in_case.is_empty());
    assert_eq!(in_case.len(), in_lake.len());
    assert_eq!(in_case, in_lake);
}

#[test]
fn parquet_folders_are_hive_partitions() {
    let ws = Workspace::new();
    let lake = exported(&ws);
    let okta = lake.join("events").join("source_format=okta");
    assert!(okta.is_dir(), "no {}", okta.display());
    let days: Vec<String> = std::fs::read_dir(&okta)
        .expect("read partition")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        days.iter().all(|d| d.starts_with("event_date=")),
        "{days:?}"
    );
    assert!(lake.join("sources").is_dir());
}

#[test]
fn portable_query_runs_on_lake() {
    let ws = Workspace::new();
    let lake = exported(&ws);
    let portable = "SELECT source_format, count(*) AS events
                    FROM events
                    WHERE event_date >= DATE '2020-01-01' AND outcome IN ('denied', 'failure')
                    GROUP BY source_format
                    ORDER BY source_format";
    let from_lake = lake_rows(&ws, &lake, portable);
    let from_case = case_rows(&ws, &portable.replace("event_date", "CAST(ts AS DATE)"));
    assert!(!from_lake.is_empty());
    assert_eq!(from_lake, from_case);
}

#[test]
fn lake_query_cannot_read_elsewhere() {
    let ws = Workspace::new();
    let lake = exported(&ws);
    let outside = ws.case();
    let output = ws.run(&[
        "sql",
        "--lake",
        lake.to_str().expect("UTF-8 path"),
        &format!("select count(*) from read_text('{}')", outside.display()),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Permission Error"), "{stderr}");
}

#[test]
fn ocsf_lake_queried_in_place() {
    let ws = Workspace::new();
    let lake = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/ocsf/security-lake");
    let rows = lake_rows(
        &ws,
        &lake,
        "select count(*) as n, count(distinct region) as regions from ocsf",
    );
    assert!(rows[0]["n"].as_i64().expect("count") > 0);
    assert!(rows[0]["regions"].as_i64().expect("count") > 0);
}

#[test]
fn export_needs_a_target() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let output = ws.run(&["export"]);
    assert_eq!(output.status.code(), Some(2));
}
