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

    /// Imports the bundled fixture organisation and returns what the import printed.
    pub fn import_fixtures(&self) -> String {
        let paths = organisation_fixtures();
        let mut args = vec!["import"];
        args.extend(paths.iter().map(String::as_str));
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

/// The folders of the Northwind Labs organisation: its SCIM snapshot and identity
/// provider logs. Tests of the other formats import their own folders.
const ORGANISATION: [&str; 3] = ["entra", "okta", "scim"];

/// The organisation's fixture folders, in name order as a walk of `fixtures/` reads them.
pub fn organisation_fixtures() -> Vec<String> {
    ORGANISATION
        .iter()
        .map(|folder| {
            fixtures()
                .join(folder)
                .to_str()
                .expect("UTF-8 path")
                .to_string()
        })
        .collect()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
