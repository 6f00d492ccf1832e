//! Decisions and the tamper-evident ledger, attacked directly in the case file.

#![cfg(feature = "store")]

mod common;

use common::{Workspace, stderr};

fn decide(ws: &Workspace, identity: &str, verdict: &str, why: &str) {
    ws.ok(&[
        "decide",
        "--identity",
        identity,
        "--verdict",
        verdict,
        "--reviewer",
        "alice@example.com",
        "--justification",
        why,
    ]);
}

/// A case with three decisions, the second superseded by the third.
fn reviewed() -> Workspace {
    let ws = Workspace::new();
    ws.import_fixtures();
    decide(
        &ws,
        "u-3001",
        "revoke",
        "deactivated agent still holds billing-admin",
    );
    decide(
        &ws,
        "svc-ci-deploy@northwind.example",
        "flag",
        "owner left the company",
    );
    decide(
        &ws,
        "User/u-2002",
        "revoke",
        "no active owner since September",
    );
    ws
}

/// Runs SQL against the case file with DuckDB directly, as an attacker would.
fn tamper(ws: &Workspace, sql: &str) {
    let conn = duckdb::Connection::open(ws.case()).expect("open case directly");
    conn.execute_batch(sql).expect("tamper");
}

fn verify_fails_at(ws: &Workspace, seq: i64) -> String {
    let output = ws.run(&["verify"]);
    assert_eq!(output.status.code(), Some(1), "verify should fail");
    let err = stderr(&output);
    assert!(err.contains(&format!("broken at decision {seq}:")), "{err}");
    err
}

#[test]
fn intact_ledger_verifies() {
    let ws = reviewed();
    let out = ws.ok(&["verify"]);
    assert!(out.contains("ledger intact: 3 decisions"), "{out}");
}

#[test]
fn later_decision_supersedes_earlier() {
    let ws = reviewed();
    let list = ws.json(&["decisions", "--format", "json"]);
    let decisions = list["decisions"].as_array().expect("decisions");
    assert_eq!(decisions.len(), 3);
    assert_eq!(decisions[1]["identity_key"], "User/u-2002");
    assert_eq!(decisions[1]["current"], false);
    assert_eq!(decisions[2]["current"], true);
    assert_eq!(decisions[1]["sha256"], decisions[2]["prev_sha256"]);
}

#[test]
fn decisions_csv_has_header() {
    let ws = reviewed();
    let csv = ws.ok(&["decisions", "--format", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "seq,decided_at,identity_key,entitlement,verdict,reviewer,justification,current,sha256"
        )
    );
    assert_eq!(lines.count(), 3);
}

#[test]
fn edited_row_is_named() {
    let ws = reviewed();
    tamper(
        &ws,
        "UPDATE decisions SET verdict = 'approve' WHERE seq = 2",
    );
    let err = verify_fails_at(&ws, 2);
    assert!(err.contains("edited"), "{err}");
}

#[test]
fn deleted_row_is_named() {
    let ws = reviewed();
    tamper(&ws, "DELETE FROM decisions WHERE seq = 2");
    verify_fails_at(&ws, 2);
}

#[test]
fn reordered_rows_are_named() {
    let ws = reviewed();
    tamper(
        &ws,
        "UPDATE decisions SET seq = -1 WHERE seq = 2;
         UPDATE decisions SET seq = 2 WHERE seq = 3;
         UPDATE decisions SET seq = 3 WHERE seq = -1;",
    );
    verify_fails_at(&ws, 2);
}

#[test]
fn deleted_last_row_is_detected() {
    let ws = reviewed();
    tamper(&ws, "DELETE FROM decisions WHERE seq = 3");
    verify_fails_at(&ws, 3);
}

#[test]
fn appended_row_is_detected() {
    let ws = reviewed();
    tamper(
        &ws,
        "INSERT INTO decisions (seq, decided_at, identity_key, entitlement, verdict, reviewer,
                justification, prev_sha256, sha256)
         SELECT 4, decided_at, identity_key, entitlement, 'approve', reviewer,
                justification, sha256, sha256 FROM decisions WHERE seq = 3",
    );
    verify_fails_at(&ws, 4);
}

#[test]
fn unknown_identity_is_an_error() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let output = ws.run(&[
        "decide",
        "--identity",
        "nobody",
        "--verdict",
        "flag",
        "--reviewer",
        "a",
        "--justification",
        "b",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("no identity matches \"nobody\""));
}

#[test]
fn bad_verdict_is_a_usage_error() {
    let ws = Workspace::new();
    let output = ws.run(&[
        "decide",
        "--identity",
        "u-1",
        "--verdict",
        "maybe",
        "--reviewer",
        "a",
        "--justification",
        "b",
    ]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn entitlement_must_be_held() {
    let ws = Workspace::new();
    ws.import_fixtures();
    ws.ok(&[
        "decide",
        "--identity",
        "u-3001",
        "--entitlement",
        "billing-admin",
        "--verdict",
        "revoke",
        "--reviewer",
        "a",
        "--justification",
        "agent deactivated",
    ]);
    let output = ws.run(&[
        "decide",
        "--identity",
        "u-3001",
        "--entitlement",
        "nosuch-group",
        "--verdict",
        "revoke",
        "--reviewer",
        "a",
        "--justification",
        "b",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("has no entitlement \"nosuch-group\""));
}

#[test]
fn edited_snapshot_ids_are_named() {
    let ws = reviewed();
    tamper(
        &ws,
        "UPDATE decisions SET snapshot_ids = '[7]' WHERE seq = 2",
    );
    let err = verify_fails_at(&ws, 2);
    assert!(err.contains("edited"), "{err}");
}

#[test]
fn edited_evidence_hash_is_named() {
    let ws = reviewed();
    tamper(
        &ws,
        "UPDATE decisions SET evidence_sha256 = repeat('0', 64) WHERE seq = 3",
    );
    verify_fails_at(&ws, 3);
}

/// A version 1 row as an older build wrote it: no campaign, snapshot ids or evidence hash
/// under its SHA-256.
#[test]
fn version_one_rows_still_verify() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let row = r#"{"seq":1,"decided_at":"2026-11-01T10:00:00.000000Z","identity_key":"User/u-3001","entitlement":null,"verdict":"revoke","reviewer":"alice","justification":"old","prev_sha256":"0000000000000000000000000000000000000000000000000000000000000000"}"#;
    tamper(
        &ws,
        &format!(
            "INSERT INTO decisions (seq, decided_at, identity_key, entitlement, verdict, reviewer,
                    justification, prev_sha256, sha256, row_version)
             VALUES (1, '2026-11-01 10:00:00', 'User/u-3001', NULL, 'revoke', 'alice', 'old',
                     repeat('0', 64), sha256('{row}'), 1);
             INSERT INTO ledger_head SELECT 1, sha256 FROM decisions;"
        ),
    );
    decide(&ws, "u-2002", "flag", "after the upgrade");
    let out = ws.ok(&["verify"]);
    assert!(out.contains("ledger intact: 2 decisions"), "{out}");
}
