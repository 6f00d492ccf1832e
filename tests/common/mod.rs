//! Running the built binary against a case in a temporary folder.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace {
            dir: tempfile::tempdir().expect("temporary folder"),
        }
    }

    pub fn case(&self) -> PathBuf {
        self.dir.path().join("case.duckdb")
    }

    /// Runs `scimtrail --case <case> ARGS` with logs kept inside the workspace.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_scimtrail"))
            .arg("--case")
            .arg(self.case())
            .args(args)
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env_remove("SCIMTRAIL_CASE")
            .output()
            .expect("run scimtrail")
    }

    /// Runs `scimtrail --case <case> ARGS` and fails the test if it takes longer than
    /// `limit`, so a hang shows up as a failure instead of a stuck test run.
    pub fn run_within(&self, args: &[&str], limit: std::time::Duration) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_scimtrail"))
            .arg("--case")
            .arg(self.case())
            .args(args)
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env_remove("SCIMTRAIL_CASE")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start scimtrail");
        // The pipes are drained while waiting, so a large output cannot block the child.
        let stdout = drain(child.stdout.take().expect("stdout pipe"));
        let stderr = drain(child.stderr.take().expect("stderr pipe"));
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("poll scimtrail") {
                break status;
            }
            if started.elapsed() > limit {
                child.kill().ok();
                panic!("scimtrail {args:?} did not finish within {limit:?}");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        Output {
            status,
            stdout: stdout.join().expect("stdout reader"),
            stderr: stderr.join().expect("stderr reader"),
        }
    }

    /// Runs a command that must succeed and returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "scimtrail {args:?} failed with {:?}\nstdout: {}\nstderr: {}",
            output.status.code(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("UTF-8 output")
    }

    /// Runs a command that must print JSON and parses it.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let stdout = self.ok(args);
        serde_json::from_str(&stdout)
            .unwrap_or_else(|err| panic!("{args:?}: invalid JSON ({err}): {stdout}"))
    }

    /// Imports the bundled fixture organisation (its SCIM snapshot and its Okta and Entra
    /// logs) and returns what the import printed. The fixtures of the other audit formats
    /// have tests of their own.
    pub fn import_fixtures(&self) -> String {
        let folders = demo_folders();
        let mut args = vec!["import"];
        args.extend(folders.iter().map(|f| f.to_str().expect("UTF-8 path")));
        self.ok(&args)
    }

    /// Writes `content` to a file in the workspace and returns its path.
    pub fn file(&self, name: &str, content: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).expect("write test file");
        path
    }

    /// Counts the rows of a query through `scimtrail sql`.
    pub fn count(&self, sql: &str) -> i64 {
        let value = self.json(&["sql", "--format", "json", sql]);
        value["rows"][0]
            .as_object()
            .and_then(|row| row.values().next())
            .and_then(serde_json::Value::as_i64)
            .unwrap_or_else(|| panic!("no count in {value}"))
    }
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn drain(mut pipe: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        pipe.read_to_end(&mut bytes).ok();
        bytes
    })
}

/// The folder of hostile inputs that the reliability tests import.
pub fn hostile() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

/// The fixture folders of the demo organisation, in the order a folder walk visits them.
/// Other fixture folders hold single formats that tests import on their own.
pub fn demo_folders() -> Vec<PathBuf> {
    ["entra", "okta", "scim"]
        .iter()
        .map(|name| fixtures().join(name))
        .collect()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Counts the rows in which `event_identifiers` and the identifiers derived afresh from
/// the events that `scope` (a condition on `events`) selects differ, in either direction,
/// so 0 means that the table contains exactly those events' identifiers.
pub fn identifier_mismatches(scope: &str) -> String {
    format!(
        "WITH events_in_scope AS (SELECT * FROM events WHERE {scope}),
derived AS (
    SELECT correlation_id AS value, 'correlation_id' AS kind, 'column' AS role, event_key
    FROM events_in_scope WHERE correlation_id IS NOT NULL
    UNION ALL SELECT session_id, 'session_id', 'column', event_key
    FROM events_in_scope WHERE session_id IS NOT NULL
    UNION ALL SELECT request_id, 'request_id', 'column', event_key
    FROM events_in_scope WHERE request_id IS NOT NULL
    UNION ALL SELECT event_id, 'event_id', 'column', event_key
    FROM events_in_scope WHERE event_id IS NOT NULL
    UNION ALL SELECT link->>'value', link->>'kind', link->>'role', event_key
    FROM (SELECT event_key, unnest(json_extract(links, '$[*]')) AS link FROM events_in_scope)
    WHERE link->>'value' IS NOT NULL
),
stored AS (SELECT value, kind, role, event_key FROM event_identifiers)
SELECT count(*) FROM (
    (SELECT * FROM derived EXCEPT ALL SELECT * FROM stored)
    UNION ALL
    (SELECT * FROM stored EXCEPT ALL SELECT * FROM derived)
)"
    )
}

/// The events whose identifiers import has indexed: those up to the last sorted run's key.
pub const INDEXED_EVENTS: &str =
    "event_key <= (SELECT coalesce(max(last_event_key), 0) FROM identifier_runs)";
