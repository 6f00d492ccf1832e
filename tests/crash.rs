//! An import killed with SIGKILL at random points loses nothing: the case opens, earlier
//! sources are intact, the interrupted file is absent or whole, and importing it again
//! succeeds.

#![cfg(feature = "store")]

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::Workspace;

/// Events in the file that is imported and killed; enough that an import takes long
/// enough to be interrupted in every phase.
const EVENTS: usize = 40_000;
const KILLS: usize = 6;

fn big_okta_file(ws: &Workspace) -> std::path::PathBuf {
    let mut content = String::with_capacity(EVENTS * 220);
    for index in 0..EVENTS {
        let line = serde_json::json!({
            "uuid": format!("crash-{index:06}"),
            "published": format!("2026-04-01T{:02}:{:02}:{:02}Z", index / 3600 % 24, index / 60 % 60, index % 60),
            "eventType": "user.session.start",
            "actor": {"id": format!("00u{:04}", index % 500), "type": "User"},
            "transaction": {"id": format!("tx-{}", index / 10)},
            "outcome": {"result": "SUCCESS"}
        });
        content.push_str(&line.to_string());
        content.push('\n');
    }
    ws.file("big.ndjson", content.as_bytes())
}

fn start_import(ws: &Workspace, file: &std::path::Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_scimtrail"))
        .arg("--case")
        .arg(ws.case())
        .arg("import")
        .arg(file)
        .env("XDG_STATE_HOME", ws.dir.path().join("state"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start import")
}

/// A small linear congruential generator: the kill points vary from run to run, and the
/// seed printed on failure reproduces them.
fn next(seed: &mut u64) -> u64 {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    *seed >> 33
}

/// Checks that the case opens and that every source is whole: no event or quarantined
/// record without its source, and each source holding exactly what it reports.
fn assert_consistent(ws: &Workspace, fixture_events: i64, context: &str) {
    let sources = ws.json(&["sources", "--format", "json"]);
    assert!(sources["sources"].is_array(), "{context}: {sources}");
    assert_eq!(
        ws.count(
            "select count(*) from events where source_id not in (select source_id from sources)"
        ),
        0,
        "{context}: events without their source"
    );
    assert_eq!(
        ws.count(
            "select count(*) from quarantine where source_id not in (select source_id from sources)"
        ),
        0,
        "{context}: quarantined records without their source"
    );
    assert_eq!(
        ws.count(
            "select count(*) from sources s where kind = 'audit' and imported <> (select count(*) from events e where e.source_id = s.source_id)"
        ),
        0,
        "{context}: a source whose events differ from its count"
    );
    assert_eq!(
        ws.count("select count(*) from events where coalesce(event_id, '') not like 'crash-%'"),
        fixture_events,
        "{context}: the earlier sources are intact"
    );
    // A kill after a file's transaction but before the import's last step leaves the new
    // events unindexed; the indexed ones must match exactly.
    assert_eq!(
        ws.count(&common::identifier_mismatches(common::INDEXED_EVENTS)),
        0,
        "{context}: identifiers differ from the events"
    );
    let big = ws.count("select count(*) from events where event_id like 'crash-%'");
    assert!(
        big == 0 || big == EVENTS as i64,
        "{context}: the interrupted file is half-imported ({big} of {EVENTS} events)"
    );
}

#[test]
fn killed_import_is_absent_or_whole() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let fixture_events = ws.count("select count(*) from events");
    let file = big_okta_file(&ws);

    // One uninterrupted import in a scratch case gives the span the kills are spread over.
    let scratch = Workspace::new();
    let started = Instant::now();
    let status = start_import(&scratch, &file)
        .wait()
        .expect("scratch import");
    assert!(status.success());
    let span = started.elapsed().as_millis() as u64;

    let mut seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_nanos() as u64;
    let initial_seed = seed;
    let mut completed_early = false;
    for attempt in 0..KILLS {
        let delay = next(&mut seed) % span.max(1);
        let mut child = start_import(&ws, &file);
        std::thread::sleep(Duration::from_millis(delay));
        let finished = child.try_wait().expect("poll import").is_some();
        child.kill().ok();
        child.wait().expect("reap import");
        let context = format!("seed {initial_seed}, kill {attempt} after {delay} ms of {span} ms");
        assert_consistent(&ws, fixture_events, &context);
        if finished || ws.count("select count(*) from events where event_id like 'crash-%'") > 0 {
            // Later kills would only interrupt a re-import of a file already in the case.
            completed_early = true;
            break;
        }
    }

    // Whatever the kills left, importing the file again completes it.
    ws.ok(&["import", file.to_str().unwrap()]);
    assert_consistent(&ws, fixture_events, "after the final import");
    assert_eq!(
        ws.count(&common::identifier_mismatches("true")),
        0,
        "after the final import, every event is indexed"
    );
    assert_eq!(
        ws.count("select count(*) from events where event_id like 'crash-%'"),
        EVENTS as i64
    );
    assert_eq!(
        ws.count("select count(*) from sources where path like '%big.ndjson'"),
        1,
        "one source however often it was interrupted (completed early: {completed_early})"
    );
}
