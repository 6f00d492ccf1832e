//! The listing commands: identities, sources and decisions.

use std::path::Path;

use crate::case::{Case, SourceStatus};

use super::output::{self, Format, or_dash};

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct SourcesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,

    /// Re-hash every source's file and compare it with the SHA-256 recorded at import;
    /// exits with status 1 when a file is changed, missing or unreadable.
    #[arg(long)]
    pub verify: bool,

    /// The folder that relative source paths are resolved against when verifying.
    /// Defaults to the current folder.
    #[arg(long, value_name = "DIR", requires = "verify")]
    pub root: Option<std::path::PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct TableArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn identities(case_path: &Path, args: ListArgs) -> anyhow::Result<()> {
    let case = Case::open_read_only(case_path)?;
    let identities = case.identity_list()?;
    if args.format == ListFormat::Json {
        return output::print_json(&serde_json::json!({ "identities": identities }));
    }
    let rows: Vec<Vec<String>> = identities
        .iter()
        .map(|listed| {
            let i = &listed.identity;
            vec![
                i.identity_key.clone(),
                i.kind.as_str().to_string(),
                i.label().to_string(),
                or_dash(listed.state),
                or_dash(i.owner.as_deref()),
                i.event_count.to_string(),
                or_dash(i.last_seen.as_deref()),
                or_dash(i.decision.as_deref()),
            ]
        })
        .collect();
    output::print_table(
        &[
            "KEY",
            "KIND",
            "NAME",
            "STATE",
            "OWNER",
            "EVENTS",
            "LAST SEEN",
            "DECISION",
        ],
        &rows,
    )
}

pub fn sources(case_path: &Path, args: SourcesArgs) -> anyhow::Result<()> {
    let case = Case::open_read_only(case_path)?;
    if args.verify {
        let root = match args.root {
            Some(root) => root,
            None => std::env::current_dir()?,
        };
        return verify_sources(&case, &root, args.format);
    }
    let sources = case.sources()?;
    if args.format == ListFormat::Json {
        return output::print_json(&serde_json::json!({ "sources": sources }));
    }
    let rows: Vec<Vec<String>> = sources
        .iter()
        .map(|s| {
            vec![
                s.source_id.to_string(),
                s.format.clone(),
                output::hash_cell(&s.sha256),
                s.records_read.to_string(),
                s.imported.to_string(),
                s.duplicates.to_string(),
                s.rejected.to_string(),
                s.path.clone(),
            ]
        })
        .collect();
    output::print_table(
        &[
            "ID",
            "FORMAT",
            "SHA-256",
            "READ",
            "IMPORTED",
            "DUPLICATES",
            "REJECTED",
            "PATH",
        ],
        &rows,
    )
}

fn verify_sources(case: &Case, root: &Path, format: ListFormat) -> anyhow::Result<()> {
    let checks = case.verify_sources(root)?;
    let failed = checks
        .iter()
        .filter(|c| c.status != SourceStatus::Intact)
        .count();
    if format == ListFormat::Json {
        output::print_json(&serde_json::json!({
            "intact": failed == 0,
            "sources": checks,
        }))?;
    } else {
        let rows: Vec<Vec<String>> = checks
            .iter()
            .map(|c| {
                vec![
                    c.source_id.to_string(),
                    status_label(c.status).to_string(),
                    output::hash_cell(&c.expected_sha256),
                    c.actual_sha256
                        .as_deref()
                        .map_or("-".into(), output::hash_cell),
                    c.error.as_ref().map_or(c.checked_path.clone(), |error| {
                        format!("{} ({error})", c.checked_path)
                    }),
                ]
            })
            .collect();
        output::print_table(&["ID", "STATUS", "RECORDED", "ON DISK", "PATH"], &rows)?;
    }
    if failed > 0 {
        anyhow::bail!(
            "{failed} of {} source files no longer match what was imported",
            checks.len()
        );
    }
    Ok(())
}

fn status_label(status: SourceStatus) -> &'static str {
    match status {
        SourceStatus::Intact => "intact",
        SourceStatus::Changed => "CHANGED",
        SourceStatus::Missing => "MISSING",
        SourceStatus::Unreadable => "UNREADABLE",
    }
}

const DECISION_HEADER: [&str; 9] = [
    "seq",
    "decided_at",
    "identity_key",
    "entitlement",
    "verdict",
    "reviewer",
    "justification",
    "current",
    "sha256",
];

pub fn decisions(case_path: &Path, args: TableArgs) -> anyhow::Result<()> {
    let case = Case::open_read_only(case_path)?;
    let decisions = case.decisions()?;
    if args.format == Format::Json {
        return output::print_json(&serde_json::json!({ "decisions": decisions }));
    }
    let rows: Vec<Vec<String>> = decisions
        .iter()
        .map(|d| {
            vec![
                d.seq.to_string(),
                d.decided_at.clone(),
                d.identity_key.clone(),
                d.entitlement.clone().unwrap_or_default(),
                d.verdict.clone(),
                d.reviewer.clone(),
                d.justification.clone(),
                d.current.to_string(),
                d.sha256.clone(),
            ]
        })
        .collect();
    match args.format {
        Format::Csv => output::print_csv(&DECISION_HEADER, &rows),
        _ => {
            let upper: Vec<String> = DECISION_HEADER.iter().map(|h| h.to_uppercase()).collect();
            let header: Vec<&str> = upper.iter().map(String::as_str).collect();
            output::print_table(&header, &rows)
        }
    }
}
