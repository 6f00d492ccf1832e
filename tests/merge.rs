//! Merging the decisions of reviewers who worked on copies of one case.

#![cfg(feature = "store")]

mod common;

use common::{Workspace, stderr};

fn decide(ws: &Workspace, identity: &str, verdict: &str, reviewer: &str) {
    ws.ok(&[
        "decide",
        "--identity",
        identity,
        "--verdict",
        verdict,
        "--reviewer",
        reviewer,
        "--justification",
        "reviewed",
    ]);
}

/// Copies the case of `from` into a new workspace, as a second reviewer would receive it.
fn copy_of(from: &Workspace) -> Workspace {
    let copy = Workspace::new();
    std::fs::copy(from.case(), copy.case()).expect("copy case");
    let wal = from.case().with_extension("duckdb.wal");
    if wal.exists() {
        std::fs::copy(&wal, copy.case().with_extension("duckdb.wal")).expect("copy WAL");
    }
    copy
}

/// Ours and theirs share one decision; then each adds its own, and both decide on alice
/// with different verdicts.
fn forked() -> (Workspace, Workspace) {
    let ours = Workspace::new();
    ours.import_fixtures();
    decide(&ours, "u-3001", "revoke", "carol");
    let theirs = copy_of(&ours);
    decide(&theirs, "u-2002", "flag", "bob");
    decide(&theirs, "u-1001", "approve", "bob");
    decide(&ours, "u-1001", "revoke", "dave");
    (ours, theirs)
}

fn merge(ours: &Workspace, other: &std::path::Path) -> serde_json::Value {
    ours.json(&["merge", "--json", other.to_str().unwrap()])
}

#[test]
fn merge_appends_and_lists_conflicts() {
    let (ours, theirs) = forked();
    let report = merge(&ours, &theirs.case());
    assert_eq!(report["common"], 1);
    assert_eq!(report["appended"].as_array().unwrap().len(), 1);
    assert_eq!(report["appended"][0]["identity_key"], "User/u-2002");
    assert_eq!(report["appended"][0]["reviewer"], "bob");
    assert_eq!(report["conflicts"][0]["identity_key"], "User/u-1001");
    assert_eq!(report["conflicts"][0]["ours"]["verdict"], "revoke");
    assert_eq!(report["conflicts"][0]["theirs"]["verdict"], "approve");
    assert!(ours.ok(&["verify"]).contains("ledger intact: 3 decisions"));
}

#[test]
fn second_merge_adds_nothing() {
    let (ours, theirs) = forked();
    merge(&ours, &theirs.case());
    let again = merge(&ours, &theirs.case());
    assert_eq!(again["appended"].as_array().unwrap().len(), 0);
    assert_eq!(again["duplicates"], 1);
    assert_eq!(again["conflicts"].as_array().unwrap().len(), 1);
}

#[test]
fn merge_reads_pack_journal() {
    let (ours, theirs) = forked();
    let pack = theirs.dir.path().join("pack");
    theirs.ok(&["export", "--out", pack.to_str().unwrap()]);
    let report = merge(&ours, &pack.join("decisions.jsonl"));
    assert_eq!(report["appended"].as_array().unwrap().len(), 1);
    assert_eq!(report["conflicts"].as_array().unwrap().len(), 1);
}

#[test]
fn broken_journal_is_rejected() {
    let (ours, theirs) = forked();
    let pack = theirs.dir.path().join("pack");
    theirs.ok(&["export", "--out", pack.to_str().unwrap()]);
    let journal = pack.join("decisions.jsonl");
    let text = std::fs::read_to_string(&journal)
        .unwrap()
        .replace("\"flag\"", "\"approve\"");
    std::fs::write(&journal, text).unwrap();
    let output = ours.run(&["merge", journal.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("ledger is broken at decision 2"),
        "{}",
        stderr(&output)
    );
    assert_eq!(ours.count("select count(*) from decisions"), 2);
}

#[test]
fn unrelated_journal_warns() {
    let ours = Workspace::new();
    ours.import_fixtures();
    decide(&ours, "u-3001", "revoke", "carol");
    let other = Workspace::new();
    other.import_fixtures();
    decide(&other, "u-2002", "flag", "bob");
    let output = ours.run(&["merge", other.case().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("shares no decision with this case"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn unknown_campaign_is_rejected() {
    let ours = Workspace::new();
    ours.import_fixtures();
    let theirs = copy_of(&ours);
    theirs.ok(&[
        "campaign",
        "create",
        "--name",
        "Q4",
        "--kind",
        "agent",
        "--reviewer",
        "bob",
        "--due",
        "2099-12-31",
    ]);
    theirs.ok(&[
        "decide",
        "--campaign",
        "C1",
        "--identity",
        "u-3001",
        "--verdict",
        "revoke",
        "--reviewer",
        "bob",
        "--justification",
        "reviewed",
    ]);
    let output = ours.run(&["merge", theirs.case().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("names campaign C1, which this case lacks"),
        "{}",
        stderr(&output)
    );
    assert_eq!(ours.count("select count(*) from decisions"), 0);
}
