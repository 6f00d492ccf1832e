//! Importing the fixture organisation and hostile files through the binary.

#![cfg(feature = "store")]

mod common;

use common::{Workspace, fixtures, identifier_mismatches, stderr};
use serde_json::Value;

fn source<'a>(sources: &'a Value, suffix: &str) -> &'a Value {
    sources["sources"]
        .as_array()
        .expect("sources array")
        .iter()
        .find(|s| s["path"].as_str().is_some_and(|p| p.ends_with(suffix)))
        .unwrap_or_else(|| panic!("no source ending in {suffix}"))
}

#[test]
fn fixture_accounting_per_source() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let sources = ws.json(&["sources", "--format", "json"]);
    let expect = [
        // Folders are read in name order, so the NDJSON export comes first and the
        // array repeats three of its events.
        ("okta/system-log-2.ndjson", "okta", 5, 5, 0),
        ("okta/system-log.json", "okta", 20, 17, 3),
        ("entra/audit.json", "entra-audit", 10, 10, 0),
        ("entra/audit-diagnostic.json", "entra-audit", 3, 3, 0),
        ("scim/users.json", "scim", 8, 7, 1),
        ("scim/groups.json", "scim", 3, 3, 0),
        ("scim/agents.ndjson", "scim", 1, 1, 0),
    ];
    for (suffix, format, read, imported, duplicates) in expect {
        let s = source(&sources, suffix);
        assert_eq!(s["format"], format, "{suffix} format");
        assert_eq!(s["records_read"], read, "{suffix} records_read");
        assert_eq!(s["imported"], imported, "{suffix} imported");
        assert_eq!(s["duplicates"], duplicates, "{suffix} duplicates");
        assert_eq!(s["rejected"], 0, "{suffix} rejected");
        assert_eq!(
            s["sha256"].as_str().map(str::len),
            Some(64),
            "{suffix} sha256"
        );
    }
    assert_eq!(ws.count("select count(*) from events"), 35);
}

#[test]
fn piped_tables_print_whole_paths_and_hashes() {
    let ws = Workspace::new();
    // A path longer than a terminal's cells, so that only whole values pass.
    let dir = ws
        .dir
        .path()
        .join("a-folder-name-long-enough-to-need-cutting-on-screens");
    std::fs::create_dir(&dir).expect("folder");
    let path = dir.join("okta-system-log-export.json");
    std::fs::copy(fixtures().join("okta/system-log.json"), &path).expect("copy fixture");
    let path = path.to_str().expect("UTF-8 path");
    ws.ok(&["import", path]);
    let sha256 = ws.json(&["sources", "--format", "json"])["sources"][0]["sha256"]
        .as_str()
        .expect("sha256")
        .to_string();
    let text = ws.ok(&["sources"]);
    let row = text
        .lines()
        .nth(1)
        .unwrap_or_else(|| panic!("no row in {text}"));
    assert!(row.ends_with(path), "{text}");
    assert!(row.contains(&sha256), "{text}");
    assert!(!text.contains('…'), "{text}");
}

#[test]
fn reimport_changes_nothing() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let before = ws.count("select count(*) from events");
    let output = ws.import_fixtures();
    assert!(output.contains("already source"), "{output}");
    assert_eq!(ws.count("select count(*) from events"), before);
    assert_eq!(ws.count("select count(*) from sources"), 7);
}

/// The Okta fixtures repeat three events across two files, so the import also drops
/// duplicates, whose identifiers must not be stored.
#[test]
fn identifiers_match_imported_events() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let rows = ws.count("select count(*) from event_identifiers");
    assert!(rows > 35, "only {rows} identifiers for 35 events");
    assert_eq!(ws.count(&identifier_mismatches("true")), 0);
}

#[test]
fn events_keep_utc_time_and_original_text() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let rows = ws.json(&[
        "sql",
        "--format",
        "json",
        "select ts, ts_original from events where source_format = 'entra-audit' and ts_original like '%.%Z' limit 1",
    ]);
    let row = &rows["rows"][0];
    let original = row["ts_original"].as_str().expect("original text");
    let ts = row["ts"].as_str().expect("ts");
    assert!(original.ends_with('Z'));
    assert_eq!(
        &ts[..19],
        &original[..19],
        "UTC time keeps the wall-clock of a Z timestamp"
    );
}

#[test]
fn leap_second_stays_in_its_minute() {
    let ws = Workspace::new();
    let file = ws.file(
        "leap.ndjson",
        br#"{"uuid":"leap-1","published":"2016-12-31T23:59:60.000Z","eventType":"user.session.start","actor":{"id":"00uleap","type":"User"}}"#,
    );
    ws.ok(&["import", file.to_str().expect("UTF-8 path")]);
    let rows = ws.json(&[
        "sql",
        "--format",
        "json",
        "select strftime(ts, '%Y-%m-%dT%H:%M:%S.%f') as ts, ts_original from events",
    ]);
    assert_eq!(
        rows["rows"][0]["ts"], "2016-12-31T23:59:59.999999",
        "{rows}"
    );
    assert_eq!(rows["rows"][0]["ts_original"], "2016-12-31T23:59:60.000Z");
}

#[test]
fn every_event_has_provenance() {
    let ws = Workspace::new();
    ws.import_fixtures();
    assert_eq!(
        ws.count("select count(*) from events e left join sources s using (source_id) where s.sha256 is null or e.record_pos < 1 or e.raw is null"),
        0
    );
}

#[test]
fn truncated_file_fails_and_leaves_case_untouched() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let before = ws.count("select count(*) from events");
    let bad = ws.file("truncated.json", b"[{\"uuid\":\"x\",\"published\":\"2026-01-01T00:00:00Z\",\"eventType\":\"a\"},\n{\"uuid\":");
    let output = ws.run(&["import", bad.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("truncated.json"), "{err}");
    assert!(err.contains("line 2"), "{err}");
    assert_eq!(ws.count("select count(*) from events"), before);
    assert_eq!(ws.count("select count(*) from sources"), 7);
}

#[test]
fn bad_ndjson_line_is_quarantined() {
    let ws = Workspace::new();
    let file = ws.file(
        "okta.ndjson",
        b"{\"uuid\":\"a\",\"published\":\"2026-01-01T00:00:00Z\",\"eventType\":\"user.session.start\"}\n\
          {\"uuid\":\"b\",\"published\":\n\
          {\"uuid\":\"c\",\"published\":\"not a time\",\"eventType\":\"user.session.end\"}\n\
          {\"uuid\":\"d\",\"published\":\"2026-01-01T00:00:02Z\",\"eventType\":\"user.session.end\"}\n",
    );
    let output = ws.run(&["import", file.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("record 2 (line 2)"), "{err}");
    assert!(err.contains("record 3 (line 3)"), "{err}");
    assert!(err.contains("unrecognised timestamp"), "{err}");
    assert_eq!(ws.count("select count(*) from events"), 2);
    assert_eq!(ws.count("select count(*) from quarantine"), 2);
    assert_eq!(ws.count("select rejected from sources"), 2);
    assert_eq!(
        ws.count("select record_pos from events where event_id = 'a'"),
        1
    );
}

#[test]
fn unknown_format_is_an_error_naming_the_file() {
    let ws = Workspace::new();
    let file = ws.file("mystery.json", b"[{\"foo\": 1}]");
    let output = ws.run(&["import", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("mystery.json"), "{err}");
    assert!(err.contains("unrecognised format"), "{err}");
}

#[test]
fn whole_fixture_folder_imports_and_skips_other_files() {
    let ws = Workspace::new();
    let folder = fixtures();
    let report = ws.json(&["import", "--json", folder.to_str().expect("UTF-8 path")]);
    assert_eq!(report["totals"]["failed"], 0, "{report}");
    let skipped: Vec<(String, String)> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter(|f| f["status"] == "skipped")
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_string(),
                f["reason"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let reason = |suffix: &str| {
        skipped
            .iter()
            .find(|(path, _)| path.ends_with(suffix))
            .map(|(_, reason)| reason.clone())
            .unwrap_or_else(|| panic!("{suffix} is not skipped: {skipped:?}"))
    };
    assert!(reason("generic/mapping.toml").contains("--mapping or --aliases"));
    assert!(reason("scim-edge/aliases.toml").contains("--mapping or --aliases"));
    assert!(reason("generic/vault-audit.ndjson").contains("unrecognised format"));
    assert!(reason("generic/vault-console.csv").starts_with("no evidence format"));
}

#[test]
fn named_settings_file_is_still_an_error() {
    let ws = Workspace::new();
    let mapping = fixtures().join("generic/mapping.toml");
    let output = ws.run(&["import", mapping.to_str().expect("UTF-8 path")]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("mapping.toml"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn broken_json_in_a_folder_still_fails() {
    let ws = Workspace::new();
    let folder = ws.dir.path().join("evidence");
    std::fs::create_dir(&folder).expect("folder");
    std::fs::write(folder.join("notes.txt"), "collected on 2026-11-20\n").expect("notes");
    std::fs::write(folder.join("other-tool.json"), "[{\"foo\": 1}]").expect("other");
    std::fs::write(folder.join("okta.json"), "[{\"uuid\": \"x\",").expect("truncated");
    let output = ws.run(&["import", folder.to_str().expect("UTF-8 path")]);
    assert_eq!(output.status.code(), Some(1));
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(out.contains("notes.txt: no evidence format"), "{out}");
    assert!(out.contains("other-tool.json: no evidence format"), "{out}");
    assert!(stderr(&output).contains("okta.json"), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("1 of 3 files failed"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn wrong_forced_format_fails_whole_file() {
    let ws = Workspace::new();
    let okta = fixtures().join("okta/system-log.json");
    let output = ws.run(&["import", "--format", "entra-audit", okta.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("none of its 20 records could be read as entra-audit"),
        "{err}"
    );
    assert!(
        !ws.case().exists(),
        "a first import that fails leaves no case behind"
    );
    // Nothing was recorded, so the right format still imports.
    ws.ok(&["import", okta.to_str().unwrap()]);
    assert_eq!(ws.count("select count(*) from events"), 20);
}

#[test]
fn empty_page_is_recorded() {
    let ws = Workspace::new();
    let file = ws.file("empty.json", b"{\"@odata.context\": \"x\", \"value\": []}");
    ws.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(
        ws.count("select count(*) from sources where records_read = 0"),
        1
    );
}

#[test]
fn data_extension_case_is_rejected() {
    let ws = Workspace::new();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_scimtrail"))
        .args([
            "--case",
            ws.dir.path().join("case.json").to_str().unwrap(),
            "identities",
        ])
        .output()
        .expect("run scimtrail");
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("cannot end in .json"));
}

#[test]
fn bom_and_crlf_are_accepted() {
    let ws = Workspace::new();
    let file = ws.file(
        "bom.ndjson",
        b"\xef\xbb\xbf{\"uuid\":\"a\",\"published\":\"2026-01-01T00:00:00Z\",\"eventType\":\"x\"}\r\n{\"uuid\":\"b\",\"published\":\"2026-01-01T00:00:01Z\",\"eventType\":\"y\"}\r\n",
    );
    ws.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(ws.count("select count(*) from events"), 2);
}

#[test]
fn natural_key_collision_keeps_both() {
    let ws = Workspace::new();
    let file = ws.file(
        "collide.ndjson",
        b"{\"uuid\":\"same\",\"published\":\"2026-01-01T00:00:00Z\",\"eventType\":\"x\"}\n\
          {\"uuid\":\"same\",\"published\":\"2026-01-01T00:00:00Z\",\"eventType\":\"x\"}\n\
          {\"uuid\":\"same\",\"published\":\"2026-01-01T00:00:05Z\",\"eventType\":\"y\"}\n",
    );
    ws.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(ws.count("select count(*) from events"), 2);
    assert_eq!(ws.count("select duplicates from sources"), 1);
    assert_eq!(ws.count("select collisions from sources"), 1);
    assert_eq!(
        ws.count("select count(*) from event_collisions where event_id = 'same'"),
        1
    );
}

#[test]
fn later_file_duplicates_and_collisions() {
    let ws = Workspace::new();
    let first = ws.file(
        "first.ndjson",
        b"{\"uuid\":\"a\",\"published\":\"2026-01-01T00:00:00Z\",\"eventType\":\"x\"}\n\
          {\"uuid\":\"b\",\"published\":\"2026-01-01T00:00:01Z\",\"eventType\":\"x\"}\n",
    );
    let second = ws.file(
        "second.ndjson",
        b"{\"uuid\":\"a\",\"published\":\"2026-01-01T00:00:00Z\",\"eventType\":\"x\"}\n\
          {\"uuid\":\"b\",\"published\":\"2026-01-01T00:00:09Z\",\"eventType\":\"changed\"}\n\
          {\"uuid\":\"c\",\"published\":\"2026-01-01T00:00:02Z\",\"eventType\":\"x\"}\n",
    );
    ws.ok(&["import", first.to_str().unwrap()]);
    ws.ok(&["import", second.to_str().unwrap()]);
    assert_eq!(ws.count("select count(*) from events"), 4);
    assert_eq!(ws.count("select max(duplicates) from sources"), 1);
    assert_eq!(ws.count("select max(collisions) from sources"), 1);
    assert_eq!(
        ws.count("select count(*) from event_collisions where event_id = 'b'"),
        1
    );
    assert_eq!(ws.count("select count(*) from event_key_hashes"), 4);
}
