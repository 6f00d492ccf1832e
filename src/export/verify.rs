//! Checking an evidence pack against its manifest and its own hash chain.

use std::collections::BTreeSet;
use std::path::{Component, Path};

use serde::Serialize;

use super::manifest::{MANIFEST, Manifest, PACK_VERSION, PackFile};
use super::{BOOKMARKS, DECISIONS_CSV, DECISIONS_JSONL, PACK_FILES};
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
/// beside them, every file export writes present, the decisions' hash chain against the
/// manifest's ledger head, and `decisions.csv` against that chain. Returns the problems
/// found, none for an intact pack; an unreadable manifest is an error.
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
    let mut problems = check_required(&manifest.files);
    problems.extend(check_files(dir, &manifest.files)?);
    problems.extend(check_ledger(dir, &manifest));
    problems.extend(check_bookmarks(dir));
    Ok((manifest, problems))
}

/// Reports each file that every pack has but the manifest leaves out. Without this check, a
/// pack whose ledger or findings were deleted together with their entries would verify.
fn check_required(files: &[PackFile]) -> Vec<PackProblem> {
    PACK_FILES
        .iter()
        .filter(|name| !files.iter().any(|f| f.name == **name))
        .map(|name| PackProblem {
            file: name.to_string(),
            problem: "not in the manifest, though every pack has it".to_string(),
        })
        .collect()
}

/// Returns whether `name` is one plain component. A pack is one flat folder, and a name
/// that is absolute or contains `..` or a separator would make verify read outside the pack.
fn is_pack_file_name(name: &str) -> bool {
    let mut components = Path::new(name).components();
    let single = matches!(
        (components.next(), components.next()),
        (Some(Component::Normal(_)), None)
    );
    single && !name.contains(['/', '\\'])
}

fn check_files(dir: &Path, files: &[PackFile]) -> Result<Vec<PackProblem>> {
    let mut problems = Vec::new();
    for expected in files {
        if !is_pack_file_name(&expected.name) {
            problems.push(PackProblem {
                file: expected.name.clone(),
                problem: "not a file name inside the pack (absolute, `..` or a separator); \
                          not read"
                    .to_string(),
            });
            continue;
        }
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

/// Checks that every line of the bookmarks file is a bookmark. A missing file is reported
/// against the manifest.
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

/// Checks the ledger's chain and then `decisions.csv` against it. The CSV is compared
/// only once the chain holds, since a broken chain already fails the pack.
fn check_ledger(dir: &Path, manifest: &Manifest) -> Vec<PackProblem> {
    let decisions = match read_decisions(dir) {
        Ok(Some(decisions)) => decisions,
        // A missing or unreadable file is already reported against the manifest.
        Ok(None) => return Vec::new(),
        Err(problem) => return vec![problem],
    };
    let chain = check_chain(&decisions, manifest);
    if !chain.is_empty() {
        return chain;
    }
    check_csv(dir, &decisions).into_iter().collect()
}

fn read_decisions(dir: &Path) -> std::result::Result<Option<Vec<Decision>>, PackProblem> {
    let Ok(text) = std::fs::read_to_string(dir.join(DECISIONS_JSONL)) else {
        return Ok(None);
    };
    let mut decisions = Vec::new();
    for (index, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let decision = serde_json::from_str::<Decision>(line).map_err(|err| PackProblem {
            file: DECISIONS_JSONL.to_string(),
            problem: format!("line {}: not a decision: {err}", index + 1),
        })?;
        decisions.push(decision);
    }
    Ok(Some(decisions))
}

/// Recomputes the chain from `decisions.jsonl`, so a decision edited together with the
/// file hashes in the manifest is still caught unless every later hash is recomputed too.
fn check_chain(decisions: &[Decision], manifest: &Manifest) -> Vec<PackProblem> {
    let rows: Vec<StoredRow<'_>> = decisions.iter().map(StoredRow::of).collect();
    let head = (
        manifest.ledger.decisions,
        manifest.ledger.head_sha256.as_str(),
    );
    let verification = ledger::verify(&rows, Some(head));
    match verification.first_break {
        Some(broken) => vec![PackProblem {
            file: DECISIONS_JSONL.to_string(),
            problem: format!("decision {}: {}", broken.seq, broken.reason),
        }],
        None => Vec::new(),
    }
}

/// Compares `decisions.csv` cell by cell with the CSV rebuilt from the verified ledger,
/// because the CSV carries no hashes of its own. The first row that differs is named.
fn check_csv(dir: &Path, decisions: &[Decision]) -> Option<PackProblem> {
    let problem = |problem: String| {
        Some(PackProblem {
            file: DECISIONS_CSV.to_string(),
            problem,
        })
    };
    let actual = std::fs::read(dir.join(DECISIONS_CSV)).ok()?;
    let expected = match super::decisions_csv(decisions) {
        Ok(text) => text,
        Err(err) => return problem(format!("cannot rebuild from decisions.jsonl: {err}")),
    };
    let actual = match csv_rows(&actual) {
        Ok(rows) => rows,
        Err(err) => return problem(format!("not CSV: {err}")),
    };
    let expected = csv_rows(expected.as_bytes()).ok()?;
    let header = expected.first()?;
    for (index, (got, want)) in actual.iter().zip(&expected).enumerate() {
        if got == want {
            continue;
        }
        let column = (0..header.len().max(got.len()))
            .find(|&i| got.get(i) != want.get(i))
            .unwrap_or(0);
        let place = match index {
            0 => "header".to_string(),
            _ => format!("row {index} (decision {})", decisions[index - 1].seq),
        };
        return problem(format!(
            "{place}: {} is {:?} but decisions.jsonl has {:?}",
            header.get(column).unwrap_or("a column"),
            got.get(column).unwrap_or(""),
            want.get(column).unwrap_or("")
        ));
    }
    (actual.len() != expected.len()).then(|| PackProblem {
        file: DECISIONS_CSV.to_string(),
        problem: format!(
            "{} rows but decisions.jsonl has {} decisions",
            actual.len().saturating_sub(1),
            decisions.len()
        ),
    })
}

fn csv_rows(bytes: &[u8]) -> std::result::Result<Vec<csv::StringRecord>, csv::Error> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes)
        .records()
        .collect()
}
