use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use crate::case::Case;
use crate::ingest::{self, FileOutcome, ImportOptions};
use crate::model::SourceFormat;
use crate::sanitize;

use super::output;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Files or folders to import; folders are read recursively.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Read every file as this format instead of detecting it:
    /// scim, okta, entra-audit or entra-signin.
    #[arg(long, value_parser = parse_format, value_name = "FORMAT")]
    pub format: Option<SourceFormat>,

    /// When the SCIM snapshot was taken (RFC 3339). Defaults to the newest
    /// meta.lastModified of its resources, then the files' modification time.
    #[arg(long, value_parser = parse_time, value_name = "TIME")]
    pub taken_at: Option<chrono::NaiveDateTime>,

    /// Print the import report as one JSON document.
    #[arg(long)]
    pub json: bool,
}

fn parse_format(name: &str) -> Result<SourceFormat, String> {
    SourceFormat::parse(name).ok_or_else(|| {
        format!(
            "unknown format {name:?}; expected one of {}",
            SourceFormat::ALL.map(SourceFormat::as_str).join(", ")
        )
    })
}

fn parse_time(text: &str) -> Result<chrono::NaiveDateTime, String> {
    ingest::timestamp::parse(text).map(|parsed| parsed.utc)
}

pub fn run(case_path: &Path, args: ImportArgs) -> anyhow::Result<()> {
    let case = Case::open(case_path)?;
    let options = ImportOptions {
        format: args.format,
        taken_at: args.taken_at,
    };
    let progress = progress_bar();
    let outcomes = ingest::import(&case, &args.paths, &options, |path, index, total| {
        if let Some(bar) = &progress {
            bar.set_length(total as u64);
            bar.set_position(index as u64);
            bar.set_message(path.display().to_string());
        }
    })
    .with_context(|| format!("importing into {}", case_path.display()))?;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let failed = outcomes
        .iter()
        .filter(|o| matches!(o, FileOutcome::Failed { .. }))
        .count();
    if args.json {
        output::print_json(&serde_json::json!({ "files": outcomes }))?;
    } else {
        print_report(&outcomes);
    }
    if failed > 0 {
        anyhow::bail!(
            "{failed} of {} files failed to import and left the case unchanged",
            outcomes.len()
        );
    }
    Ok(())
}

/// Creates a progress bar on stderr, only when stderr is a terminal.
fn progress_bar() -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(0);
    let style = ProgressStyle::with_template("{spinner} [{pos}/{len}] {wide_msg}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}

fn print_report(outcomes: &[FileOutcome]) {
    for outcome in outcomes {
        match outcome {
            FileOutcome::Imported { source, rejected } => {
                println!(
                    "imported {} ({}, source {}): {} read, {} imported, {} duplicates, {} rejected",
                    sanitize::for_terminal(&source.path),
                    source.format,
                    source.source_id,
                    source.records_read,
                    source.imported,
                    source.duplicates,
                    source.rejected
                );
                for note in &source.notes {
                    println!("  note: {}", sanitize::for_terminal(note));
                }
                for r in rejected {
                    // Parquet rows have a position but no line.
                    let line = match r.line {
                        0 => String::new(),
                        line => format!(" (line {line})"),
                    };
                    eprintln!(
                        "  rejected {} record {}{line}: {}",
                        sanitize::for_terminal(&source.path),
                        r.record,
                        sanitize::for_terminal(&r.reason)
                    );
                }
            }
            FileOutcome::AlreadyImported { path, source_id } => {
                println!(
                    "skipped {}: the same content is already source {source_id}",
                    sanitize::for_terminal(path)
                );
            }
            FileOutcome::Skipped { path, reason } => {
                println!("skipped {}: {reason}", sanitize::for_terminal(path));
            }
            FileOutcome::Failed { path, error } => {
                // Most errors already start with the file's path.
                let message = if error.starts_with(path.as_str()) {
                    error.clone()
                } else {
                    format!("{path}: {error}")
                };
                eprintln!("error: {}", sanitize::for_terminal(&message));
            }
        }
    }
}
