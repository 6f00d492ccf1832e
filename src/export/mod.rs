//! The evidence pack: what a review hands to an auditor, in files that `verify PACK`
//! checks without the case.
//!
//! A pack contains the decision ledger (CSV for reading, JSON Lines with the hash chain for
//! checking), the list of input sources with their SHA-256, the analysts' bookmarks and
//! notes on events (`bookmarks.jsonl`). It also has the findings with their evidence
//! rows, the remediation status of each revoke, the revocations as SCIM PATCH and Bulk
//! requests, and a Markdown and an HTML report. `manifest.json`
//! records the SHA-256 of every other file of the pack and the ledger's head. Editing,
//! deleting or adding a file, or editing, deleting or reordering a decision, makes
//! verification fail and name what changed.

mod lake;
mod manifest;
mod report;
pub mod scim_requests;
mod verify;

use std::path::Path;

use serde::Serialize;

use crate::case::{self, Case, SourceRecord};
use crate::model::Decision;
use crate::review::{self, findings::Findings};
use crate::{Error, Result, sanitize};
use report::Report;

pub use lake::{LakeSummary, export_parquet, open_lake};
pub use manifest::{MANIFEST, Manifest, PackFile};
pub use verify::{PackProblem, verify_pack};

/// The files `export_pack` wrote, with the manifest's hash.
#[derive(Debug, Clone, Serialize)]
pub struct PackSummary {
    pub files: Vec<PackFile>,
    /// SHA-256 of `manifest.json`. Quoted where the pack is handed over, it distinguishes
    /// the original from a pack rewritten as a whole, manifest included.
    pub manifest_sha256: String,
    pub decisions: usize,
    pub sources: usize,
    pub bookmarks: usize,
}

/// Writes the evidence pack of `case` into `out`, which must be missing or empty, with
/// `findings` (computed by the caller, so it chooses the rules and the as-of time).
pub fn export_pack(case: &Case, out: &Path, findings: &Findings) -> Result<PackSummary> {
    prepare_folder(out)?;
    let ledger = case.verify_ledger()?;
    if let Some(broken) = &ledger.first_break {
        return Err(Error::InvalidInput(format!(
            "the decision ledger is broken at decision {} ({}); a pack would certify it",
            broken.seq, broken.reason
        )));
    }
    let decisions = case.decisions()?;
    let sources = case.sources()?;
    let revocations = scim_requests::revocations(case)?;
    let remediation = review::remediation::check(case)?;
    let mut campaigns = Vec::new();
    for campaign in case.campaigns()? {
        let progress = case.campaign_progress(&campaign)?;
        campaigns.push((campaign, progress));
    }
    let generated_at = case::format_ts(&chrono::Utc::now().naive_utc());
    let report = Report {
        generated_at: &generated_at,
        campaigns: &campaigns,
        findings,
        decisions: &decisions,
        remediation: &remediation,
        revocation_requests: revocations.requests.len(),
    };
    let bookmarks = case.bookmarks()?;

    let mut files = vec![
        write_file(out, DECISIONS_CSV, decisions_csv(&decisions)?.as_bytes())?,
        // The ledger for machines: the exact fields each hash covers, so the chain can be
        // recomputed from the pack alone.
        write_file(out, DECISIONS_JSONL, json_lines(&decisions)?.as_bytes())?,
        write_file(out, "sources.json", sources_json(&sources)?.as_bytes())?,
        write_file(out, "findings.json", pretty(findings)?.as_bytes())?,
        write_file(out, "remediation.json", pretty(&remediation)?.as_bytes())?,
        write_file(
            out,
            "scim-patch-requests.json",
            pretty(&revocations)?.as_bytes(),
        )?,
        write_file(
            out,
            "scim-bulk-request.json",
            pretty(&scim_requests::bulk_request(&revocations))?.as_bytes(),
        )?,
        write_file(out, "report.md", report.markdown().as_bytes())?,
        write_file(out, "report.html", report.html().as_bytes())?,
        write_file(out, BOOKMARKS, json_lines(&bookmarks)?.as_bytes())?,
    ];
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let manifest = Manifest::new(case, &ledger, &sources, files.clone());
    let manifest_file = write_file(out, MANIFEST, manifest.to_json()?.as_bytes())?;
    Ok(PackSummary {
        files,
        manifest_sha256: manifest_file.sha256,
        decisions: decisions.len(),
        sources: sources.len(),
        bookmarks: bookmarks.len(),
    })
}

fn prepare_folder(out: &Path) -> Result<()> {
    std::fs::create_dir_all(out).map_err(|err| Error::io(out, err))?;
    let mut entries = std::fs::read_dir(out).map_err(|err| Error::io(out, err))?;
    if entries.next().is_some() {
        return Err(Error::InvalidInput(format!(
            "{} is not empty; export into a new or empty folder",
            out.display()
        )));
    }
    Ok(())
}

fn write_file(out: &Path, name: &str, content: &[u8]) -> Result<PackFile> {
    let path = out.join(name);
    std::fs::write(&path, content).map_err(|err| Error::io(&path, err))?;
    Ok(PackFile::of(name, content))
}

/// Formats the ledger for people: spreadsheet-safe cells, one row per decision.
fn decisions_csv(decisions: &[Decision]) -> Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "seq",
        "decided_at",
        "identity_key",
        "entitlement",
        "verdict",
        "reviewer",
        "justification",
        "current",
        "prev_sha256",
        "sha256",
    ];
    let csv_error = |err: csv::Error| Error::InvalidInput(format!("writing decisions.csv: {err}"));
    writer.write_record(header).map_err(csv_error)?;
    for d in decisions {
        let row = [
            d.seq.to_string(),
            d.decided_at.clone(),
            d.identity_key.clone(),
            d.entitlement.clone().unwrap_or_default(),
            d.verdict.clone(),
            d.reviewer.clone(),
            d.justification.clone(),
            d.current.to_string(),
            d.prev_sha256.clone(),
            d.sha256.clone(),
        ];
        writer
            .write_record(row.iter().map(|cell| sanitize::for_csv_cell(cell)))
            .map_err(csv_error)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|err| Error::InvalidInput(format!("writing decisions.csv: {err}")))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The bookmarks file's name inside a pack.
pub const BOOKMARKS: &str = "bookmarks.jsonl";
const DECISIONS_CSV: &str = "decisions.csv";
const DECISIONS_JSONL: &str = "decisions.jsonl";

/// Every file `export_pack` writes besides the manifest; `verify` requires each of them.
const PACK_FILES: [&str; 10] = [
    BOOKMARKS,
    DECISIONS_CSV,
    DECISIONS_JSONL,
    "findings.json",
    "remediation.json",
    "report.html",
    "report.md",
    "scim-bulk-request.json",
    "scim-patch-requests.json",
    "sources.json",
];

fn json_lines<T: Serialize>(items: &[T]) -> Result<String> {
    let mut out = String::new();
    for item in items {
        out.push_str(&serde_json::to_string(item)?);
        out.push('\n');
    }
    Ok(out)
}

fn pretty<T: Serialize>(value: &T) -> Result<String> {
    Ok(serde_json::to_string_pretty(value)? + "\n")
}

fn sources_json(sources: &[SourceRecord]) -> Result<String> {
    Ok(serde_json::to_string_pretty(&serde_json::json!({ "sources": sources }))? + "\n")
}
