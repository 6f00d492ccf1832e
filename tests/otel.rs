//! Importing OpenTelemetry span exports through the binary: one OTLP request per file, one
//! per NDJSON line, and a flat array of spans with base64 ids.

#![cfg(feature = "store")]

mod common;

use common::{Workspace, fixtures};

fn import(ws: &Workspace, name: &str) -> serde_json::Value {
    let path = fixtures().join("otel").join(name);
    ws.json(&["import", "--json", path.to_str().unwrap()])
}

#[test]
fn otlp_request_file_imports() {
    let ws = Workspace::new();
    let report = import(&ws, "agent-run.json");
    let source = &report["files"][0]["source"];
    assert_eq!(source["format"], "otel");
    assert_eq!(source["container"], "object");
    assert_eq!(source["records_read"], 5);
    assert_eq!(source["imported"], 5);
    assert_eq!(source["rejected"], 0);
}

#[test]
fn ndjson_requests_import() {
    let ws = Workspace::new();
    let report = import(&ws, "agent-run-legacy.ndjson");
    let source = &report["files"][0]["source"];
    assert_eq!(source["container"], "ndjson");
    assert_eq!(source["records_read"], 5);
    assert_eq!(source["imported"], 5);
}

#[test]
fn flat_base64_array_imports() {
    let ws = Workspace::new();
    let report = import(&ws, "spans-base64.json");
    assert_eq!(report["files"][0]["source"]["container"], "array");
    assert_eq!(
        ws.count(
            "select count(*) from events where event_id = '3e1d5c7b9a8f4e6d2c0b1a9f8e7d6c5b/0718293a4b5c6d7e'"
        ),
        1
    );
}

#[test]
fn trace_id_traces_the_agent_run() {
    let ws = Workspace::new();
    import(&ws, "agent-run.json");
    let trace = ws.json(&[
        "trace",
        "7f3a9c2e4b1d4e8fa0c6b5d2e1f09a31",
        "--format",
        "json",
    ]);
    let actions: Vec<&str> = trace["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec![
            "invoke_agent Billing Assistant",
            "chat gpt-4o",
            "execute_tool get_invoice",
            "execute_tool issue_refund",
            "tools/call lookup_customer",
        ]
    );
}

#[test]
fn parent_links_join_tool_to_agent() {
    let ws = Workspace::new();
    import(&ws, "agent-run.json");
    let children = ws.count(
        r#"select count(*) from events
           where links::VARCHAR like '%{"kind":"span","value":"1a2b3c4d5e6f7081","role":"parent"}%'"#,
    );
    assert_eq!(children, 4);
}

#[test]
fn span_end_and_raw_are_kept() {
    let ws = Workspace::new();
    import(&ws, "agent-run.json");
    let ms = ws.count(
        "select epoch_ms(ts_end) - epoch_ms(ts) from events where action = 'execute_tool get_invoice'",
    );
    assert_eq!(ms, 250);
    let service = ws.count(
        "select count(*) from events where json_extract_string(raw, '$.resource.attributes[0].value.stringValue') = 'northwind-billing-agent'",
    );
    assert_eq!(service, 5);
}

#[test]
fn reimport_counts_duplicates() {
    let ws = Workspace::new();
    import(&ws, "agent-run.json");
    // The same spans in another container are duplicates, not new events.
    let spans = std::fs::read_to_string(fixtures().join("otel/agent-run.json")).unwrap();
    let compact: serde_json::Value = serde_json::from_str(&spans).unwrap();
    let file = ws.file("again.ndjson", format!("{compact}\n").as_bytes());
    let report = ws.json(&["import", "--json", file.to_str().unwrap()]);
    assert_eq!(report["files"][0]["source"]["duplicates"], 5);
    assert_eq!(ws.count("select count(*) from events"), 5);
}

#[test]
fn span_without_time_is_quarantined() {
    let ws = Workspace::new();
    let file = ws.file(
        "spans.json",
        br#"[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"a","startTimeUnixNano":"1793613600000000000"},
{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203332","name":"b"}]"#,
    );
    let output = ws.run(&["import", file.to_str().unwrap()]);
    assert!(output.status.success());
    let err = common::stderr(&output);
    assert!(err.contains("record 2 (line 2)"), "{err}");
    assert!(err.contains("no start time"), "{err}");
    assert_eq!(ws.count("select count(*) from quarantine"), 1);
}

#[test]
fn trace_finds_id_as_written() {
    let ws = Workspace::new();
    import(&ws, "agent-run.json");
    import(&ws, "spans-base64.json");
    // The upper-case hex, decimal and base64 spellings of two stored trace ids.
    let upper = "7F3A9C2E4B1D4E8FA0C6B5D2E1F09A31";
    let decimal = u128::from_str_radix("7f3a9c2e4b1d4e8fa0c6b5d2e1f09a31", 16)
        .unwrap()
        .to_string();
    for id in [upper, decimal.as_str(), "Ph1ce5qPTm0sCxqfjn1sWw=="] {
        let trace = ws.json(&["trace", id, "--format", "json"]);
        let found = trace["events"].as_array().unwrap().len();
        assert!(found >= 2, "{id} found {found} events");
    }
}
