//! The demo case: the bundled fixture organisation, compiled into the binary so `demo`
//! works from any folder.

use std::path::{Path, PathBuf};

use crate::case::Case;
use crate::ingest::{self, FileOutcome, ImportOptions};
use crate::{Error, Result};

/// The fixture files, by their path under `fixtures/`.
pub const FIXTURES: &[(&str, &str)] = &[
    (
        "scim/users.json",
        include_str!("../fixtures/scim/users.json"),
    ),
    (
        "scim/groups.json",
        include_str!("../fixtures/scim/groups.json"),
    ),
    (
        "scim/agents.ndjson",
        include_str!("../fixtures/scim/agents.ndjson"),
    ),
    (
        "okta/system-log.json",
        include_str!("../fixtures/okta/system-log.json"),
    ),
    (
        "okta/system-log-2.ndjson",
        include_str!("../fixtures/okta/system-log-2.ndjson"),
    ),
    (
        "entra/audit.json",
        include_str!("../fixtures/entra/audit.json"),
    ),
    (
        "entra/audit-diagnostic.json",
        include_str!("../fixtures/entra/audit-diagnostic.json"),
    ),
];

/// The default place of the demo case: a folder under the system's temporary folder.
pub fn default_case_path() -> PathBuf {
    std::env::temp_dir()
        .join("scimtrail-demo")
        .join("demo.duckdb")
}

/// The folder the demo's evidence files are written to, beside the case, so every event's
/// provenance names a real file.
pub fn evidence_dir(case_path: &Path) -> PathBuf {
    let stem = case_path
        .file_stem()
        .map_or_else(|| "demo".into(), |s| s.to_string_lossy().into_owned());
    case_path.with_file_name(format!("{stem}-evidence"))
}

/// Builds the demo case at `case_path` from the bundled fixtures, replacing an earlier
/// demo case there. A file at that path that is not a demo case is left alone.
pub fn build(case_path: &Path) -> Result<Vec<FileOutcome>> {
    let evidence = evidence_dir(case_path);
    if case_path.exists() {
        ensure_demo_case(case_path, &evidence)?;
        remove(case_path)?;
        remove(&case_path.with_extension("duckdb.wal"))?;
    }
    let mut paths = Vec::new();
    for (name, content) in FIXTURES {
        let path = evidence.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|err| Error::io(parent, err))?;
        }
        std::fs::write(&path, content).map_err(|err| Error::io(&path, err))?;
        paths.push(path);
    }
    let case = Case::open(case_path)?;
    let outcomes = ingest::import(&case, &paths, &ImportOptions::default(), |_| {})?;
    if let Some(FileOutcome::Failed { path, error }) = outcomes
        .iter()
        .find(|o| matches!(o, FileOutcome::Failed { .. }))
    {
        return Err(Error::InvalidInput(format!(
            "bundled fixture {path} failed to import: {error}"
        )));
    }
    Ok(outcomes)
}

fn ensure_demo_case(case_path: &Path, evidence: &Path) -> Result<()> {
    let case = Case::open_read_only(case_path)?;
    let prefix = evidence.display().to_string();
    let foreign: i64 = case.conn().query_row(
        "SELECT count(*) FROM sources WHERE NOT starts_with(path, ?)",
        [prefix],
        |row| row.get(0),
    )?;
    let decisions: i64 = case
        .conn()
        .query_row("SELECT count(*) FROM decisions", [], |row| row.get(0))?;
    if decisions > 0 {
        return Err(Error::InvalidInput(format!(
            "{} contains {decisions} recorded decisions; rebuilding the demo would discard them, so choose another --case path",
            case_path.display()
        )));
    }
    if foreign > 0 {
        return Err(Error::InvalidInput(format!(
            "{} contains evidence other than the demo's; choose another --case path for the demo",
            case_path.display()
        )));
    }
    Ok(())
}

fn remove(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(Error::io(path, err)),
    }
}
