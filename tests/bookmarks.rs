//! Bookmarks on events: adding, listing, and their place in the evidence pack.

#![cfg(feature = "store")]

mod common;

use common::{Workspace, stderr};

/// An id that no fixture event carries.
const NO_SUCH_EVENT: &str = "no-such-event";

fn first_event_key(ws: &Workspace) -> String {
    ws.count("select min(event_key) from events").to_string()
}

#[test]
fn bookmark_by_key_lists_note() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let key = first_event_key(&ws);
    ws.ok(&[
        "bookmark",
        &key,
        "--note",
        "first sign-in",
        "--author",
        "ana@example.com",
    ]);
    let list = ws.json(&["bookmarks", "--format", "json"]);
    let bookmarks = list["bookmarks"].as_array().expect("bookmarks");
    assert_eq!(bookmarks.len(), 1);
    assert_eq!(bookmarks[0]["event_key"].to_string(), key);
    assert_eq!(bookmarks[0]["note"], "first sign-in");
    assert_eq!(bookmarks[0]["author"], "ana@example.com");
    assert!(
        bookmarks[0]["source_sha256"]
            .as_str()
            .is_some_and(|s| s.len() == 64)
    );
}

#[test]
fn bookmark_by_event_id() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let id: String = ws.json(&[
        "sql",
        "--format",
        "json",
        "select event_id from events where source_format = 'okta' order by ts limit 1",
    ])["rows"][0]["event_id"]
        .as_str()
        .expect("event id")
        .to_string();
    ws.ok(&["bookmark", &id, "--author", "ana@example.com"]);
    let list = ws.json(&["bookmarks", "--format", "json"]);
    assert_eq!(list["bookmarks"][0]["event_id"], id.as_str());
    assert!(list["bookmarks"][0]["note"].is_null());
}

#[test]
fn unknown_event_rejected() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let output = ws.run(&["bookmark", NO_SUCH_EVENT, "--author", "ana@example.com"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("no event has the key or event id"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn read_only_bookmark_rejected() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let key = first_event_key(&ws);
    let output = ws.run(&["--read-only", "bookmark", &key]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn pack_carries_verified_bookmarks() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let key = first_event_key(&ws);
    ws.ok(&[
        "bookmark",
        &key,
        "--note",
        "check MFA",
        "--author",
        "ana@example.com",
    ]);
    let pack = ws.dir.path().join("pack");
    ws.ok(&["export", "--out", pack.to_str().expect("UTF-8 path")]);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(pack.join("manifest.json")).unwrap())
            .unwrap();
    let listed = manifest["files"]
        .as_array()
        .expect("files")
        .iter()
        .any(|f| f["name"] == "bookmarks.jsonl");
    assert!(listed, "{manifest}");
    let text = std::fs::read_to_string(pack.join("bookmarks.jsonl")).unwrap();
    assert!(text.contains("\"note\":\"check MFA\""), "{text}");
    ws.ok(&["verify", pack.to_str().unwrap()]);

    std::fs::write(
        pack.join("bookmarks.jsonl"),
        text.replace("check MFA", "all fine"),
    )
    .unwrap();
    let output = ws.run(&["verify", pack.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("bookmarks.jsonl: changed"),
        "{}",
        stderr(&output)
    );
}
