//! Checking an evidence pack against its manifest and its own hash chain.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Serialize;

use super::BOOKMARKS;
use super::manifest::{MANIFEST, Manifest, PACK_VERSION, PackFile};
use crate::case::Bookmark;
use crate::model::Decision;
use crate::review::ledger::{self, StoredRow};
use crate::{Error, Result};

/// One thing wrong with a pack, naming the file and, for the ledger, the decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackProblem {
    pub file: String,
    pub problem: String,
}

/// Checks the pack in `dir`: every file the manifest lists against its SHA-256, no file
/// beside them, and the decisions' hash chain against the manifest's ledger head. Returns
/// the problems found, none for an intact pack; an unreadable manifest is an error.
pub fn verify_pack(dir: &Path) -> Result<(Manifest, Vec<PackProblem>)> {
    let manifest_path = dir.join(MANIFEST);
    let text =
        std::fs::read_to_string(&manifest_path).map_err(|err| Error::io(&manifest_path, err))?;
    let manifest: Manifest = serde_json::from_str(&text).map_err(|err| {
        Error::invalid_file(&manifest_path, format!("not a pack manifest: {err}"))
    })?;
    if manifest.pack_version != PACK_VERSION {
        return Err(Error::invalid_file(
            &manifest_path,
            format!(
                "pack version {} is not the one this build reads ({PACK_VERSION})",
                manifest.pack_version
            ),
        ));
    }
    let mut problems = check_files(dir, &manifest.files)?;
    problems.extend(check_chain(dir, &manifest));
    problems.extend(check_bookmarks(dir));
    Ok((manifest, problems))
}

fn check_files(dir: &Path, files: &[PackFile]) -> Result<Vec<PackProblem>> {
    let mut problems = Vec::new();
    for expected in files {
        let path = dir.join(&expected.name);
        let problem = match std::fs::read(&path) {
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Some("missing".to_string()),
            Err(err) => Some(format!("unreadable: {err}")),
            Ok(content) => {
                let actual = PackFile::of(&expected.name, &content);
                (actual.sha256 != expected.sha256).then(|| {
                    format!(
                        "changed: SHA-256 {} but the manifest records {}",
                        actual.sha256, expected.sha256
                    )
                })
            }
        };
        if let Some(problem) = problem {
            problems.push(PackProblem {
                file: expected.name.clone(),
                problem,
            });
        }
    }
    let listed: BTreeSet<&str> = files.iter().map(|f| f.name.as_str()).collect();
    let mut present: Vec<String> = std::fs::read_dir(dir)
        .map_err(|err| Error::io(dir, err))?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name != MANIFEST && !listed.contains(name.as_str()))
        .collect();
    present.sort();
    problems.extend(present.into_iter().map(|name| PackProblem {
        file: name,
        problem: "not listed in the manifest: added after export".to_string(),
    }));
    Ok(problems)
}

/// Checks that every line of the bookmarks file is a bookmark. A pack without the file
/// predates bookmarks; a listed file that is missing is reported against the manifest.
fn check_bookmarks(dir: &Path) -> Vec<PackProblem> {
    let Ok(text) = std::fs::read_to_string(dir.join(BOOKMARKS)) else {
        return Vec::new();
    };
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .filter_map(|(index, line)| {
            serde_json::from_str::<Bookmark>(line)
                .err()
                .map(|err| PackProblem {
                    file: BOOKMARKS.to_string(),
                    problem: format!("line {}: not a bookmark: {err}", index + 1),
                })
        })
        .collect()
}

/// Recomputes the chain from `decisions.jsonl`, so a decision edited together with the
/// file hashes in the manifest is still caught unless every later hash is recomputed too.
fn check_chain(dir: &Path, manifest: &Manifest) -> Vec<PackProblem> {
    const FILE: &str = "decisions.jsonl";
    let problem = |problem: String| PackProblem {
        file: FILE.to_string(),
        problem,
    };
    let text = match std::fs::read_to_string(dir.join(FILE)) {
        Ok(text) => text,
        // A missing or unreadable file is already reported against the manifest.
        Err(_) => return Vec::new(),
    };
    let mut decisions = Vec::new();
    for (index, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        match serde_json::from_str::<Decision>(line) {
            Ok(decision) => decisions.push(decision),
            Err(err) => {
                return vec![problem(format!(
                    "line {}: not a decision: {err}",
                    index + 1
                ))];
            }
        }
    }
    let rows: Vec<StoredRow<'_>> = decisions.iter().map(StoredRow::of).collect();
    let head = (
        manifest.ledger.decisions,
        manifest.ledger.head_sha256.as_str(),
    );
    let verification = ledger::verify(&rows, Some(head));
    match verification.first_break {
        Some(broken) => vec![problem(format!(
            "decision {}: {}",
            broken.seq, broken.reason
        ))],
        None => Vec::new(),
    }
}
