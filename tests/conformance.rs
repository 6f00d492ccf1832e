//! Conformance on real public exports: every SCIM, Okta, Entra, CloudTrail and GCP audit
//! file under $SCIMTRAIL_SAMPLES imports with no rejected record, and events keep their
//! correlation ids. Without the variable the test says so and checks nothing.

#![cfg(feature = "store")]

mod common;

use std::path::PathBuf;

use common::Workspace;

const FOLDERS: [&str; 6] = [
    "scim",
    "okta",
    "entra-audit",
    "entra-signin",
    "cloudtrail",
    "gcp-audit",
];

fn samples() -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("SCIMTRAIL_SAMPLES")?);
    assert!(
        dir.is_dir(),
        "SCIMTRAIL_SAMPLES={} is not a folder",
        dir.display()
    );
    Some(dir)
}

#[test]
fn samples_import_without_rejects() {
    let Some(dir) = samples() else {
        eprintln!("SCIMTRAIL_SAMPLES is not set; skipping the conformance check");
        return;
    };
    let ws = Workspace::new();
    for folder in FOLDERS {
        let path = dir.join(folder);
        assert!(path.is_dir(), "{} is missing", path.display());
        ws.ok(&["import", path.to_str().expect("UTF-8 path")]);
    }
    let sources = ws.json(&["sources", "--format", "json"]);
    let sources = sources["sources"].as_array().expect("sources");
    assert!(
        sources.len() >= 12,
        "only {} sources imported",
        sources.len()
    );
    for source in sources {
        assert_eq!(
            source["rejected"], 0,
            "rejected records in {}",
            source["path"]
        );
        let read = source["records_read"].as_i64().unwrap();
        let accounted = ["imported", "duplicates", "rejected"]
            .iter()
            .map(|k| source[k].as_i64().unwrap())
            .sum::<i64>();
        assert_eq!(read, accounted, "accounting of {}", source["path"]);
    }
    let lost = ws.count(
        "select count(*) from events where correlation_id is null and coalesce(
             json_extract_string(raw, '$.transaction.id'),
             json_extract_string(raw, '$.properties.correlationId'),
             json_extract_string(raw, '$.correlationId')) is not null",
    );
    assert_eq!(lost, 0, "events lost their correlation id");
    assert!(ws.count("select count(*) from identities") >= 8);
}

#[test]
fn shared_correlation_id_traces_all_its_events() {
    let Some(dir) = samples() else {
        eprintln!("SCIMTRAIL_SAMPLES is not set; skipping the conformance check");
        return;
    };
    let ws = Workspace::new();
    for folder in FOLDERS {
        ws.ok(&["import", dir.join(folder).to_str().unwrap()]);
    }
    let top = ws.json(&[
        "sql",
        "--format",
        "json",
        "select correlation_id, count(*) as n from events where correlation_id is not null
         group by 1 order by n desc, 1 limit 1",
    ]);
    let id = top["rows"][0]["correlation_id"]
        .as_str()
        .expect("a shared correlation id")
        .to_string();
    let n = top["rows"][0]["n"].as_i64().unwrap();
    assert!(n > 1, "no correlation id is shared");
    let trace = ws.json(&["trace", &id, "--format", "json"]);
    let events = trace["events"].as_array().expect("events");
    assert!(
        events.len() as i64 >= n,
        "trace found {} of {n}",
        events.len()
    );
    assert!(
        events
            .iter()
            .filter(|e| e["correlation_id"] == id.as_str())
            .count() as i64
            == n
    );
    let times: Vec<&str> = events.iter().map(|e| e["ts"].as_str().unwrap()).collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "not in time order: {times:?}"
    );
}

#[test]
fn cloud_samples_import_every_record() {
    let Some(dir) = samples() else {
        eprintln!("SCIMTRAIL_SAMPLES is not set; skipping the conformance check");
        return;
    };
    let ws = Workspace::new();
    for folder in ["cloudtrail", "gcp-audit"] {
        ws.ok(&["import", dir.join(folder).to_str().unwrap()]);
    }
    let sources = ws.json(&["sources", "--format", "json"]);
    let sources = sources["sources"].as_array().expect("sources");
    // The two AssumeRole lines share an eventID but differ in resources: a collision,
    // so both are kept.
    for (file, format, imported, collisions) in [
        ("account_change.raw", "cloudtrail", 1, 0),
        ("test-assume-role-json.log", "cloudtrail", 2, 1),
        ("test-converse-json.log", "cloudtrail", 1, 0),
        ("test-audit.log", "gcp-audit", 14, 0),
    ] {
        let source = sources
            .iter()
            .find(|s| s["path"].as_str().is_some_and(|p| p.ends_with(file)))
            .unwrap_or_else(|| panic!("{file} was not imported"));
        assert_eq!(source["format"], format, "{file} format");
        assert_eq!(source["imported"], imported, "{file} imported");
        assert_eq!(source["collisions"], collisions, "{file} collisions");
        assert_eq!(source["rejected"], 0, "{file} rejected");
    }
    assert_eq!(ws.count("select count(*) from quarantine"), 0);
    assert_eq!(
        ws.count(
            "select count(*) from events where source_format = 'gcp-audit' and outcome = 'denied'"
        ),
        2,
        "the PERMISSION_DENIED entry and the listing whose permission was not granted"
    );
    assert_eq!(
        ws.count(
            "select count(*) from events where source_format = 'cloudtrail' and actor_id is null"
        ),
        0
    );
}
