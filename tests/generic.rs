//! Importing exports of any system through an analyst's mapping file, and the import
//! report, through the binary.

#![cfg(feature = "store")]

mod common;

use common::{Workspace, fixtures, stderr};

fn fixture(name: &str) -> String {
    fixtures()
        .join("generic")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

#[test]
fn mapped_ndjson_and_csv_import() {
    let ws = Workspace::new();
    let mapping = fixture("mapping.toml");
    let report = ws.json(&[
        "import",
        "--json",
        "--mapping",
        &mapping,
        &fixture("vault-audit.ndjson"),
        &fixture("vault-console.csv"),
    ]);
    let files = report["files"].as_array().unwrap();
    assert_eq!(files[0]["source"]["format"], "generic");
    assert_eq!(files[0]["source"]["container"], "ndjson");
    assert_eq!(files[0]["source"]["imported"], 6);
    assert_eq!(files[1]["source"]["container"], "csv");
    assert_eq!(files[1]["source"]["imported"], 3);
    assert_eq!(report["totals"]["imported"], 9);
    let note = files[1]["source"]["notes"][0].as_str().unwrap();
    assert!(note.starts_with("mapped with the mapping file"), "{note}");
}

#[test]
fn folder_import_skips_mapping_file() {
    let ws = Workspace::new();
    let folder = fixtures().join("generic");
    let report = ws.json(&[
        "import",
        "--json",
        "--mapping",
        &fixture("mapping.toml"),
        folder.to_str().unwrap(),
    ]);
    assert_eq!(report["totals"]["imported"], 9, "{report}");
    assert_eq!(report["totals"]["failed"], 0, "{report}");
    let skipped: Vec<&serde_json::Value> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "skipped")
        .collect();
    assert_eq!(skipped.len(), 1, "{report}");
    assert!(
        skipped[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("mapping.toml")
    );
}

#[test]
fn csv_json_column_is_queryable() {
    let ws = Workspace::new();
    ws.ok(&[
        "import",
        "--mapping",
        &fixture("mapping.toml"),
        &fixture("vault-console.csv"),
    ]);
    let found = ws.count(
        "select count(*) from events where json_extract_string(raw, '$.details.trace_id') = 'tr-52b1'
           and correlation_id = 'tr-52b1' and outcome = 'denied' and record_pos = 2",
    );
    assert_eq!(found, 1);
}

#[test]
fn mapped_events_trace_by_session() {
    let ws = Workspace::new();
    ws.ok(&[
        "import",
        "--mapping",
        &fixture("mapping.toml"),
        &fixture("vault-console.csv"),
    ]);
    let trace = ws.json(&["trace", "sess-nw-91f0", "--format", "json"]);
    assert_eq!(trace["events"].as_array().unwrap().len(), 2);
}

#[test]
fn bad_csv_row_is_quarantined() {
    let ws = Workspace::new();
    let csv = ws.file(
        "rows.csv",
        b"ts,op\n2026-11-04T09:00:00Z,login\nnot a time,logout\n",
    );
    let mapping = ws.file("map.toml", b"action = \"op\"\ntime = { field = \"ts\" }\n");
    let output = ws.run(&[
        "import",
        "--mapping",
        mapping.to_str().unwrap(),
        csv.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("record 2 (line 3)"), "{err}");
    assert_eq!(
        ws.count(
            r#"select count(*) from quarantine where raw = '{"ts":"not a time","op":"logout"}'"#
        ),
        1
    );
}

#[test]
fn invalid_mapping_names_file_and_key() {
    let ws = Workspace::new();
    let mapping = ws.file(
        "broken.toml",
        b"action = \"op\"\ntime = { field = \"ts\", format = \"epoch_minutes\" }\n",
    );
    let output = ws.run(&[
        "import",
        "--mapping",
        mapping.to_str().unwrap(),
        &fixture("vault-audit.ndjson"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("broken.toml"), "{err}");
    assert!(err.contains("key `time.format`"), "{err}");
    assert!(!ws.case().exists(), "a case was created");
}

#[test]
fn mapping_syntax_error_names_line() {
    let ws = Workspace::new();
    let mapping = ws.file("syntax.toml", b"action = \"op\"\ntime = {\n");
    let output = ws.run(&[
        "import",
        "--mapping",
        mapping.to_str().unwrap(),
        &fixture("vault-audit.ndjson"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("syntax.toml: line 2"), "{err}");
}

#[test]
fn generic_without_mapping_is_usage_error() {
    let ws = Workspace::new();
    let output = ws.run(&[
        "import",
        "--format",
        "generic",
        &fixture("vault-audit.ndjson"),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--format generic needs --mapping"));
}

#[test]
fn mapping_with_other_format_is_usage_error() {
    let ws = Workspace::new();
    let output = ws.run(&[
        "import",
        "--format",
        "okta",
        "--mapping",
        &fixture("mapping.toml"),
        &fixture("vault-audit.ndjson"),
    ]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn report_counts_every_source() {
    let ws = Workspace::new();
    let okta = fixtures().join("okta");
    let output = ws.run(&["import", okta.to_str().unwrap()]);
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        stdout.contains("20 read, 17 imported, 3 duplicates, 0 quarantined"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "total: 2 files imported, 0 already imported, 0 skipped, 0 failed; 25 read, 22 imported, 3 duplicates, 0 quarantined"
        ),
        "{stdout}"
    );
    // Without a terminal no progress is drawn.
    assert_eq!(stderr(&output), "");
}
