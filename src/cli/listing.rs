//! The listing commands: identities, sources and decisions.

use std::path::Path;

use crate::case::Case;

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
pub struct TableArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn identities(case_path: &Path, args: ListArgs) -> anyhow::Result<()> {
    let case = Case::open_read_only(case_path)?;
    let identities = case.identities()?;
    if args.format == ListFormat::Json {
        return output::print_json(&serde_json::json!({ "identities": identities }));
    }
    let rows: Vec<Vec<String>> = identities
        .iter()
        .map(|i| {
            vec![
                i.identity_key.clone(),
                i.kind.as_str().to_string(),
                i.label().to_string(),
                match i.active {
                    Some(true) => "active".into(),
                    Some(false) => "inactive".into(),
                    None => "-".into(),
                },
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

pub fn sources(case_path: &Path, args: ListArgs) -> anyhow::Result<()> {
    let case = Case::open_read_only(case_path)?;
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
                s.sha256.chars().take(12).collect(),
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
