//! Access to a case: one writer at a time with a clear message for the second,
//! `--read-only` analysis that writes nothing, and re-hashing the evidence on disk.

#![cfg(feature = "store")]

mod common;

use std::path::Path;

use common::{Workspace, fixtures, stderr};
use sha2::{Digest, Sha256};

fn file_sha256(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).expect("read case file")))
}

#[test]
fn second_process_gets_clear_message() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let holder = duckdb::Connection::open(ws.case()).expect("hold the case");
    let output = ws.run(&["identities"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("open in another process"), "{err}");
    let output = ws.run(&["import", fixtures().join("okta").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("open in another process"));
    drop(holder);
    assert!(ws.json(&["identities", "--format", "json"])["identities"].is_array());
}

#[test]
fn read_only_rejects_writing_commands() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let before = file_sha256(&ws.case());
    let okta = fixtures().join("okta/system-log-2.ndjson");
    let commands: [&[&str]; 3] = [
        &["--read-only", "import", okta.to_str().unwrap()],
        &[
            "--read-only",
            "decide",
            "--identity",
            "u-3001",
            "--verdict",
            "revoke",
            "--reviewer",
            "alice@northwind.example",
            "--justification",
            "no owner",
        ],
        &["--read-only", "demo", "--no-tui"],
    ];
    for args in commands {
        let output = ws.run(args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(stderr(&output).contains("--read-only"), "{args:?}");
    }
    assert_eq!(file_sha256(&ws.case()), before);
}

#[test]
fn read_only_analysis_writes_nothing() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let case = ws.case();
    let before = file_sha256(&case);
    let modified = std::fs::metadata(&case).unwrap().modified().unwrap();
    for args in [
        &["--read-only", "identities"][..],
        &["--read-only", "sources", "--format", "json"],
        &[
            "--read-only",
            "trace",
            "b7e0c5d2-4a3f-4f8e-9c1a-6d2e8f0a1b3c",
        ],
        &["--read-only", "decisions", "--format", "csv"],
        &["--read-only", "verify"],
        &["--read-only", "sql", "select count(*) from events"],
    ] {
        ws.ok(args);
    }
    assert_eq!(file_sha256(&case), before);
    assert_eq!(
        std::fs::metadata(&case).unwrap().modified().unwrap(),
        modified
    );
    let wal = case.with_extension("duckdb.wal");
    assert!(!wal.exists(), "no write-ahead log was started");
}

#[test]
fn read_only_case_refuses_decisions() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let case = scimtrail::case::Case::open_read_only(&ws.case()).expect("open read-only");
    let err = case
        .decide(&scimtrail::model::NewDecision {
            identity: "u-3001".into(),
            entitlement: None,
            verdict: scimtrail::model::Verdict::Revoke,
            reviewer: "alice@northwind.example".into(),
            justification: "no owner".into(),
        })
        .unwrap_err()
        .to_string();
    assert!(err.contains("read-only"), "{err}");
}

/// Imports a copy of the fixtures, so the test can change the files afterwards.
fn case_with_copied_evidence() -> (Workspace, std::path::PathBuf) {
    let ws = Workspace::new();
    let evidence = ws.dir.path().join("evidence");
    for folder in ["okta", "entra", "scim"] {
        let to = evidence.join(folder);
        std::fs::create_dir_all(&to).unwrap();
        for entry in std::fs::read_dir(fixtures().join(folder)).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
    ws.ok(&["import", evidence.to_str().unwrap()]);
    (ws, evidence)
}

fn statuses(report: &serde_json::Value) -> Vec<(String, String)> {
    report["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_string(),
                s["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn verify_sources_reports_intact_files() {
    let (ws, _) = case_with_copied_evidence();
    let report = ws.json(&["sources", "--verify", "--format", "json"]);
    assert_eq!(report["intact"], true);
    let statuses = statuses(&report);
    assert!(statuses.len() >= 7, "{statuses:?}");
    assert!(
        statuses.iter().all(|(_, status)| status == "intact"),
        "{statuses:?}"
    );
}

#[test]
fn verify_sources_names_changed_and_missing() {
    let (ws, evidence) = case_with_copied_evidence();
    let changed = evidence.join("okta/system-log.json");
    let mut bytes = std::fs::read(&changed).unwrap();
    let last = bytes.len() - 2;
    bytes[last] = b' ';
    std::fs::write(&changed, bytes).unwrap();
    std::fs::remove_file(evidence.join("entra/audit.json")).unwrap();

    let output = ws.run(&["sources", "--verify", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("no longer match"),
        "{}",
        stderr(&output)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["intact"], false);
    let statuses = statuses(&report);
    let status_of = |suffix: &str| {
        statuses
            .iter()
            .find(|(path, _)| path.ends_with(suffix))
            .map(|(_, status)| status.as_str())
            .unwrap_or_else(|| panic!("no source {suffix}: {statuses:?}"))
    };
    assert_eq!(status_of("okta/system-log.json"), "changed");
    assert_eq!(status_of("entra/audit.json"), "missing");
    assert_eq!(status_of("okta/system-log-2.ndjson"), "intact");
}

#[test]
fn verify_sources_resolves_relative_paths() {
    let (ws, _) = case_with_copied_evidence();
    let relative = Workspace::new();
    relative.file(
        "rel.ndjson",
        br#"{"uuid":"rel-1","published":"2026-03-01T10:00:00Z","eventType":"user.session.start"}"#,
    );
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_scimtrail"))
        .current_dir(relative.dir.path())
        .args([
            "--case",
            ws.case().to_str().unwrap(),
            "import",
            "rel.ndjson",
        ])
        .env("XDG_STATE_HOME", ws.dir.path().join("state"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));

    let report = ws.json(&[
        "sources",
        "--verify",
        "--root",
        relative.dir.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(report["intact"], true, "{report}");
    assert!(
        statuses(&report)
            .iter()
            .any(|(path, _)| path == "rel.ndjson"),
        "the path is kept as given: {report}"
    );
}

#[test]
fn sql_cannot_write_or_reach_files() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let before = file_sha256(&ws.case());
    let outside = ws.dir.path().join("leak.csv");
    let copy = format!("copy events to '{}'", outside.display());
    let attach = format!(
        "attach '{}' as other",
        ws.dir.path().join("other.duckdb").display()
    );
    for query in [
        "delete from decisions",
        "insert into aliases values ('x', 'User/x', 'planted')",
        "drop table events",
        copy.as_str(),
        "select * from read_csv('/etc/passwd')",
        attach.as_str(),
        "set enable_external_access = true",
    ] {
        let output = ws.run(&["sql", query]);
        assert_eq!(output.status.code(), Some(1), "{query} should fail");
    }
    assert!(!outside.exists(), "no file was written");
    assert_eq!(file_sha256(&ws.case()), before);
}

#[test]
fn quoted_input_stays_a_value() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let injection = "x' OR '1'='1";
    let trace = ws.json(&["trace", injection, "--format", "json"]);
    assert_eq!(trace["events"].as_array().map(Vec::len), Some(0), "{trace}");
    let output = ws.run(&[
        "decide",
        "--identity",
        "u-3001' OR '1'='1",
        "--verdict",
        "revoke",
        "--reviewer",
        "alice@northwind.example",
        "--justification",
        "x'); DELETE FROM decisions; --",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("u-3001' OR '1'='1"),
        "{}",
        stderr(&output)
    );
    assert_eq!(ws.count("select count(*) from decisions"), 0);
}
