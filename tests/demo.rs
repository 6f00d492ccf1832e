//! The `demo` command without the TUI.

#![cfg(feature = "store")]

mod common;

use common::Workspace;

#[test]
fn demo_builds_case_at_path() {
    let ws = Workspace::new();
    let out = ws.ok(&["demo", "--no-tui"]);
    assert!(out.contains(&ws.case().display().to_string()), "{out}");
    assert!(out.contains("7 files imported, 35 events"), "{out}");
    // Running it again rebuilds the same case.
    let again = ws.ok(&["demo", "--no-tui"]);
    assert!(again.contains("35 events"), "{again}");
    assert_eq!(ws.count("select count(*) from sources"), 7);
}

#[test]
fn demo_refuses_a_foreign_case() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let output = ws.run(&["demo", "--no-tui"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(common::stderr(&output).contains("other than the demo's"));
}

#[test]
fn open_without_case_explains() {
    let ws = Workspace::new();
    let output = ws.run(&["open"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(common::stderr(&output).contains("does not exist"));
}

#[test]
fn demo_keeps_recorded_decisions() {
    let ws = Workspace::new();
    ws.ok(&["demo", "--no-tui"]);
    ws.ok(&[
        "decide",
        "--identity",
        "u-3001",
        "--verdict",
        "revoke",
        "--reviewer",
        "a",
        "--justification",
        "b",
    ]);
    let output = ws.run(&["demo", "--no-tui"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(common::stderr(&output).contains("1 recorded decisions"));
    assert_eq!(ws.count("select count(*) from decisions"), 1);
}
