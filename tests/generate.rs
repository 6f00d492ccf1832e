//! `generate` against the importer: its files import cleanly and one seed gives one output.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::Workspace;

fn generate(ws: &Workspace, folder: &str, seed: &str) -> std::path::PathBuf {
    let out = ws.dir.path().join(folder);
    let out_text = out.to_str().expect("UTF-8 path");
    ws.ok(&[
        "generate",
        "--out",
        out_text,
        "--events",
        "3000",
        "--identities",
        "120",
        "--seed",
        seed,
    ]);
    out
}

/// Every file under `root` by relative path, with its bytes.
fn contents(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read folder") {
            let path = entry.expect("folder entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(root).expect("under root");
                files.insert(
                    relative.display().to_string(),
                    std::fs::read(&path).expect("read file"),
                );
            }
        }
    }
    files
}

#[test]
fn generated_files_import_cleanly() {
    let ws = Workspace::new();
    let out = generate(&ws, "evidence", "7");
    let report = ws.json(&["import", "--json", out.to_str().expect("UTF-8 path")]);
    let totals = &report["totals"];
    assert_eq!(totals["failed"], 0, "{report}");
    assert_eq!(totals["quarantined"], 0, "{report}");
    assert_eq!(totals["duplicates"], 0, "{report}");
    assert_eq!(totals["imported"], 3000 + 120, "{report}");

    let formats = ws.json(&[
        "sql",
        "--format",
        "json",
        "select source_format, count(*) as n from events group by 1 order by 1",
    ]);
    let names: Vec<&str> = formats["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|row| row["source_format"].as_str())
        .collect();
    assert_eq!(
        names,
        ["cloudtrail", "entra-audit", "entra-signin", "okta", "otel"]
    );
}

#[test]
fn generated_findings_are_present() {
    let ws = Workspace::new();
    let out = generate(&ws, "evidence", "3");
    ws.ok(&["import", out.to_str().expect("UTF-8 path")]);
    let count = |sql: &str| -> i64 {
        let rows = ws.json(&["sql", "--format", "json", sql]);
        rows["rows"][0]["n"].as_i64().expect("count")
    };
    let unknown = count(
        "select count(*) as n from event_identities ei join events e using (event_key)
         where ei.identity_key is null and e.source_format = 'okta'",
    );
    assert!(unknown > 0, "no Okta event of an actor SCIM does not know");
    let after_deactivation = count(
        "select count(*) as n from events e join event_identities ei using (event_key)
         join current_identities i using (identity_key)
         where not i.active and e.ts > i.last_modified",
    );
    assert!(after_deactivation > 0, "no activity after deactivation");
    let denied = count("select count(*) as n from events where outcome = 'denied'");
    assert!(denied > 0, "no denied event");
    let role_chains = count(
        "select count(*) as n from events
         where action = 'sts.amazonaws.com:AssumeRole' and actor_id like '%assumed-role/Northwind%'",
    );
    assert!(role_chains > 0, "no role chain");
}

#[test]
fn same_seed_same_bytes() {
    let ws = Workspace::new();
    let first = contents(&generate(&ws, "first", "11"));
    let second = contents(&generate(&ws, "second", "11"));
    assert!(first.len() > 5, "too few files: {:?}", first.keys());
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    assert!(first == second, "the same seed wrote different bytes");
}

#[test]
fn other_seed_other_bytes() {
    let ws = Workspace::new();
    let first = contents(&generate(&ws, "first", "11"));
    let second = contents(&generate(&ws, "second", "12"));
    assert!(first != second);
}

#[test]
fn generate_rejects_non_empty_folder() {
    let ws = Workspace::new();
    let out = ws.dir.path().join("busy");
    std::fs::create_dir_all(&out).expect("create folder");
    std::fs::write(out.join("keep.txt"), "x").expect("write file");
    let output = ws.run(&["generate", "--out", out.to_str().expect("UTF-8 path")]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not empty"), "{stderr}");
}
