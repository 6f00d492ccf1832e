//! The exported evidence pack, attacked file by file after export.

#![cfg(feature = "store")]

mod common;

use std::path::{Path, PathBuf};

use common::{Workspace, stderr};
use sha2::{Digest, Sha256};

fn decide(ws: &Workspace, identity: &str, verdict: &str, why: &str) {
    ws.ok(&[
        "decide",
        "--identity",
        identity,
        "--verdict",
        verdict,
        "--reviewer",
        "alice@example.com",
        "--justification",
        why,
    ]);
}

/// Builds a case with three decisions and exports it into `pack/`.
fn exported() -> (Workspace, PathBuf) {
    let ws = Workspace::new();
    ws.import_fixtures();
    decide(&ws, "u-3001", "revoke", "deactivated agent still acts");
    decide(&ws, "svc-ci-deploy@northwind.example", "flag", "owner left");
    decide(&ws, "User/u-2002", "revoke", "=no owner since September");
    let pack = ws.dir.path().join("pack");
    let out = ws.ok(&["export", "--out", pack.to_str().unwrap()]);
    assert!(out.contains("manifest.json SHA-256"), "{out}");
    (ws, pack)
}

/// Runs `verify PACK`, expects it to fail, and returns stderr.
fn verify_fails(ws: &Workspace, pack: &Path) -> String {
    let output = ws.run(&["verify", pack.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "verify should fail");
    stderr(&output)
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

#[test]
fn exported_pack_verifies() {
    let (ws, pack) = exported();
    let out = ws.ok(&["verify", pack.to_str().unwrap()]);
    assert!(out.contains("pack intact: 10 files, 3 decisions"), "{out}");
    let csv = std::fs::read_to_string(pack.join("decisions.csv")).unwrap();
    assert!(
        csv.contains("'=no owner"),
        "formulas are neutralised: {csv}"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pack.join("manifest.json")).unwrap()).unwrap();
    assert!(manifest["sources"].as_array().unwrap().len() >= 7);
}

#[test]
fn edited_decision_is_named() {
    let (ws, pack) = exported();
    let path = pack.join("decisions.jsonl");
    let mut rows = lines(&path);
    rows[1] = rows[1].replace("\"flag\"", "\"approve\"");
    write_lines(&path, &rows);
    let err = verify_fails(&ws, &pack);
    assert!(err.contains("decisions.jsonl: changed"), "{err}");
    assert!(err.contains("decision 2: content does not match"), "{err}");
}

#[test]
fn deleted_decision_is_named() {
    let (ws, pack) = exported();
    let path = pack.join("decisions.jsonl");
    let mut rows = lines(&path);
    rows.remove(1);
    write_lines(&path, &rows);
    let err = verify_fails(&ws, &pack);
    assert!(err.contains("decision 2:"), "{err}");
}

#[test]
fn reordered_decisions_are_named() {
    let (ws, pack) = exported();
    let path = pack.join("decisions.jsonl");
    let mut rows = lines(&path);
    rows.swap(0, 1);
    write_lines(&path, &rows);
    let err = verify_fails(&ws, &pack);
    assert!(err.contains("decision 1:"), "{err}");
}

#[test]
fn appended_decision_is_named() {
    let (ws, pack) = exported();
    let path = pack.join("decisions.jsonl");
    let mut rows = lines(&path);
    let copy = rows[2].replace("\"seq\":3", "\"seq\":4");
    rows.push(copy);
    write_lines(&path, &rows);
    let err = verify_fails(&ws, &pack);
    assert!(err.contains("decision 4:"), "{err}");
}

#[test]
fn edit_with_rewritten_manifest_is_caught() {
    let (ws, pack) = exported();
    let path = pack.join("decisions.jsonl");
    let mut rows = lines(&path);
    rows[0] = rows[0].replace("deactivated agent still acts", "approved by the owner");
    write_lines(&path, &rows);
    // The attacker also updates the file's hash in the manifest.
    let manifest_path = pack.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    let new_sha = hex::encode(Sha256::digest(std::fs::read(&path).unwrap()));
    for file in manifest["files"].as_array_mut().unwrap() {
        if file["name"] == "decisions.jsonl" {
            file["sha256"] = new_sha.clone().into();
        }
    }
    std::fs::write(
        &manifest_path,
        serde_json::to_vec_pretty(&manifest).unwrap(),
    )
    .unwrap();
    let err = verify_fails(&ws, &pack);
    assert!(!err.contains("decisions.jsonl: changed"), "{err}");
    assert!(err.contains("decision 1: content does not match"), "{err}");
}

#[test]
fn changed_missing_and_added_files_are_named() {
    let (ws, pack) = exported();
    let csv = pack.join("decisions.csv");
    let text = std::fs::read_to_string(&csv)
        .unwrap()
        .replace("revoke", "approve");
    std::fs::write(&csv, text).unwrap();
    std::fs::remove_file(pack.join("sources.json")).unwrap();
    std::fs::write(pack.join("extra.txt"), "planted").unwrap();
    let err = verify_fails(&ws, &pack);
    assert!(err.contains("decisions.csv: changed"), "{err}");
    assert!(err.contains("sources.json: missing"), "{err}");
    assert!(
        err.contains("extra.txt: not listed in the manifest"),
        "{err}"
    );
}

#[test]
fn export_needs_an_empty_folder() {
    let (ws, pack) = exported();
    let output = ws.run(&["export", "--out", pack.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("is not empty"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn broken_ledger_is_not_exported() {
    let (ws, _) = exported();
    {
        let conn = duckdb::Connection::open(ws.case()).unwrap();
        conn.execute_batch("UPDATE decisions SET verdict = 'approve' WHERE seq = 1")
            .unwrap();
    }
    let output = ws.run(&[
        "export",
        "--out",
        ws.dir.path().join("second").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("ledger is broken at decision 1"),
        "{}",
        stderr(&output)
    );
}

/// Rewrites the manifest with `edit`, as an attacker who controls the whole folder would.
fn edit_manifest(pack: &Path, edit: impl FnOnce(&mut Vec<serde_json::Value>)) {
    let manifest_path = pack.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    edit(manifest["files"].as_array_mut().unwrap());
    std::fs::write(
        &manifest_path,
        serde_json::to_vec_pretty(&manifest).unwrap(),
    )
    .unwrap();
}

/// Records the current SHA-256 of `name` in the manifest.
fn rehash(pack: &Path, name: &str) {
    let sha = hex::encode(Sha256::digest(std::fs::read(pack.join(name)).unwrap()));
    edit_manifest(pack, |files| {
        for file in files.iter_mut().filter(|f| f["name"] == name) {
            file["sha256"] = sha.clone().into();
        }
    });
}

#[test]
fn names_outside_the_pack_fail() {
    let (ws, pack) = exported();
    let outside = ws.dir.path().join("outside.txt");
    std::fs::write(&outside, "planted").unwrap();
    let sha = hex::encode(Sha256::digest(b"planted"));
    let absolute = outside.to_str().unwrap().to_string();
    edit_manifest(&pack, |files| {
        for name in ["../outside.txt", absolute.as_str(), "sub/x.txt"] {
            files.push(serde_json::json!({"name": name, "sha256": sha, "bytes": 7}));
        }
    });
    let err = verify_fails(&ws, &pack);
    assert!(err.contains("../outside.txt: not a file name"), "{err}");
    assert!(
        err.contains(&format!("{absolute}: not a file name")),
        "{err}"
    );
    assert!(err.contains("sub/x.txt: not a file name"), "{err}");
}

#[test]
fn dropped_ledger_files_fail() {
    let (ws, pack) = exported();
    std::fs::remove_file(pack.join("decisions.jsonl")).unwrap();
    std::fs::remove_file(pack.join("decisions.csv")).unwrap();
    std::fs::remove_file(pack.join("findings.json")).unwrap();
    edit_manifest(&pack, |files| {
        files.retain(|f| {
            !f["name"].as_str().unwrap().starts_with("decisions") && f["name"] != "findings.json"
        })
    });
    let err = verify_fails(&ws, &pack);
    assert!(
        err.contains("decisions.jsonl: not in the manifest"),
        "{err}"
    );
    assert!(err.contains("decisions.csv: not in the manifest"), "{err}");
    assert!(err.contains("findings.json: not in the manifest"), "{err}");
}

#[test]
fn rehashed_csv_edit_names_row() {
    let (ws, pack) = exported();
    let csv = pack.join("decisions.csv");
    let text = std::fs::read_to_string(&csv)
        .unwrap()
        .replace("\"flag\"", "approve")
        .replace(",flag,", ",approve,");
    std::fs::write(&csv, text).unwrap();
    rehash(&pack, "decisions.csv");
    let err = verify_fails(&ws, &pack);
    assert!(!err.contains("decisions.csv: changed"), "{err}");
    assert!(
        err.contains("decisions.csv: row 2 (decision 2): verdict"),
        "{err}"
    );
}
