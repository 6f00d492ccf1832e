use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use clap::CommandFactory;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::case::resources::{self, MemoryLimit};
use crate::case::{Case, SnapshotRecord};
use crate::ingest::{self, FileOutcome, ImportOptions, Mapping, Progress};
use crate::model::SourceFormat;
use crate::sanitize;

use super::output::{self, outln};

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Files or folders to import; folders are read recursively.
    #[arg(required_unless_present = "aliases", value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// A TOML file of `[[alias]]` entries that map identifiers seen in audit logs to
    /// identities (`identifier`, `identity`, optional `note`), matched with rule
    /// `mapping`. Loaded after the files, so it may name identities they bring.
    #[arg(long, value_name = "FILE")]
    pub aliases: Option<PathBuf>,

    /// Read every file as this format instead of detecting it: scim, okta, entra-audit,
    /// entra-signin, cloudtrail, gcp-audit, kubernetes, github, ocsf, otel, or generic
    /// (which needs --mapping).
    #[arg(long, value_parser = parse_format, value_name = "FORMAT")]
    pub format: Option<SourceFormat>,

    /// A TOML file naming which field of each record is the time, actor, action and so
    /// on. Every file is read through it as JSON, NDJSON or CSV (implies --format generic).
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,

    /// When the SCIM snapshot was taken (RFC 3339). Defaults to the newest
    /// meta.lastModified of its resources, then the files' modification time.
    #[arg(long, value_parser = parse_time, value_name = "TIME")]
    pub taken_at: Option<chrono::NaiveDateTime>,

    /// Print the import report as one JSON document.
    #[arg(long)]
    pub json: bool,

    /// The maximum memory DuckDB may use, such as 2GiB, 1500MB or 40% of physical memory.
    /// Defaults to 25% of physical memory. The importer's own buffers come on top and
    /// grow with the largest file.
    #[arg(long, value_parser = MemoryLimit::parse, value_name = "SIZE")]
    pub memory_limit: Option<MemoryLimit>,

    /// Threads DuckDB may use; defaults to one per core.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub threads: Option<u32>,
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

/// Exits with clap's usage error (status 2) when --format and --mapping disagree.
fn check_usage(args: &ImportArgs) {
    let message = match (args.format, &args.mapping) {
        (Some(SourceFormat::Generic), None) => "--format generic needs --mapping FILE",
        (Some(format), Some(_)) if format != SourceFormat::Generic => {
            "--mapping reads files as the generic format; leave out --format or use --format generic"
        }
        _ => return,
    };
    super::Cli::command()
        .error(clap::error::ErrorKind::ArgumentConflict, message)
        .exit();
}

pub fn run(case_path: &Path, args: ImportArgs) -> anyhow::Result<()> {
    check_usage(&args);
    let mapping = match &args.mapping {
        Some(path) => Some(Arc::new(Mapping::load(path)?)),
        None => None,
    };
    let case_existed = case_path.exists();
    if args.paths.is_empty() {
        return load_aliases_only(case_path, &args);
    }
    let case = Case::open(case_path)?;
    resources::apply(
        case.conn(),
        args.memory_limit.unwrap_or_default(),
        args.threads,
    )?;
    let options = ImportOptions {
        format: args.format,
        taken_at: args.taken_at,
        mapping,
        exclude: args.mapping.iter().chain(&args.aliases).cloned().collect(),
    };
    let mut progress = ImportProgress::on_terminal();
    let outcomes = ingest::import(&case, &args.paths, &options, |event| {
        if let Some(progress) = &mut progress {
            progress.update(event);
        }
    })
    .with_context(|| format!("importing into {}", case_path.display()))?;
    if let Some(progress) = progress {
        progress.bar.finish_and_clear();
    }
    let totals = Totals::of(&outcomes);
    let snapshots = imported_snapshots(&case, &outcomes)?;
    if args.json {
        output::print_json(&serde_json::json!({
            "files": outcomes,
            "totals": totals,
            "snapshots": snapshots,
        }))?;
    } else {
        print_report(&outcomes)?;
        for snapshot in &snapshots {
            outln!("{}", super::snapshots::describe(snapshot))?;
        }
        print_totals(&totals)?;
    }
    if let Some(aliases) = &args.aliases {
        let loaded = case.load_alias_mappings(aliases)?;
        outln!("{loaded} alias mappings loaded from {}", aliases.display())?;
    }
    let nothing_imported = !outcomes
        .iter()
        .any(|o| matches!(o, FileOutcome::Imported { .. }));
    if !case_existed && nothing_imported {
        // A case file created only to receive files that all failed would later pass for
        // an empty case; it contains nothing but the schema, so it is removed again.
        drop(case);
        remove_new_case(case_path);
    }
    if totals.failed > 0 {
        anyhow::bail!(
            "{} of {} files failed to import; nothing of them reached the case",
            totals.failed,
            outcomes.len()
        );
    }
    Ok(())
}

/// Loads an alias mapping file into an existing case, for `import --aliases FILE` without
/// evidence files.
fn load_aliases_only(case_path: &Path, args: &ImportArgs) -> anyhow::Result<()> {
    let Some(aliases) = &args.aliases else {
        return Ok(());
    };
    if !case_path.exists() {
        anyhow::bail!(
            "case {} does not exist; import the SCIM snapshot the aliases name first",
            case_path.display()
        );
    }
    let case = Case::open(case_path)?;
    let loaded = case.load_alias_mappings(aliases)?;
    outln!("{loaded} alias mappings loaded from {}", aliases.display())?;
    Ok(())
}

fn remove_new_case(case_path: &Path) {
    let wal = PathBuf::from(format!("{}.wal", case_path.display()));
    for file in [case_path, wal.as_path()] {
        if let Err(err) = std::fs::remove_file(file)
            && err.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(file = %file.display(), %err, "could not remove the new, empty case");
        }
    }
}

/// Lists the snapshots this import's SCIM files went into, with the time each was dated and why.
fn imported_snapshots(
    case: &Case,
    outcomes: &[FileOutcome],
) -> anyhow::Result<Vec<SnapshotRecord>> {
    let ids: Vec<i64> = outcomes
        .iter()
        .filter_map(|o| match o {
            FileOutcome::Imported { source, .. } => source.snapshot_id,
            _ => None,
        })
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(case
        .snapshots()?
        .into_iter()
        .filter(|s| ids.contains(&s.snapshot_id))
        .collect())
}

/// The progress bar on stderr: bytes of the files read, with rate and time left, and the
/// current file with its records.
struct ImportProgress {
    bar: ProgressBar,
    files: usize,
    done_bytes: u64,
    file_bytes: u64,
    /// The current file's number and path, as the message starts.
    file_label: String,
}

impl ImportProgress {
    /// A progress bar only when stderr is a terminal, so logs and pipes get nothing.
    fn on_terminal() -> Option<ImportProgress> {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        let bar = ProgressBar::new(0);
        let style = ProgressStyle::with_template(
            "{spinner} {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta} {wide_msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Some(ImportProgress {
            bar,
            files: 0,
            done_bytes: 0,
            file_bytes: 0,
            file_label: String::new(),
        })
    }

    fn update(&mut self, event: Progress<'_>) {
        match event {
            Progress::Started { files, bytes } => {
                self.files = files;
                self.bar.set_length(bytes);
            }
            Progress::File { path, index, bytes } => {
                self.file_bytes = bytes;
                self.bar.set_position(self.done_bytes);
                self.file_label = format!(
                    "file {}/{} {}",
                    index + 1,
                    self.files,
                    sanitize::for_terminal(&path.display().to_string())
                );
                self.bar.set_message(self.file_label.clone());
            }
            Progress::Records { records, share } => {
                let within = (self.file_bytes as f64 * share.clamp(0.0, 1.0)) as u64;
                self.bar.set_position(self.done_bytes + within);
                self.bar
                    .set_message(format!("{}: {records} records", self.file_label));
            }
            Progress::FileDone { bytes } => {
                self.done_bytes += bytes;
                self.bar.set_position(self.done_bytes);
            }
        }
    }
}

/// The counts of one import over all its files.
#[derive(Debug, Default, Serialize)]
struct Totals {
    imported_files: usize,
    already_imported: usize,
    skipped: usize,
    failed: usize,
    records_read: i64,
    imported: i64,
    duplicates: i64,
    quarantined: i64,
    collisions: i64,
}

impl Totals {
    fn of(outcomes: &[FileOutcome]) -> Totals {
        let mut totals = Totals::default();
        for outcome in outcomes {
            match outcome {
                FileOutcome::Imported { source, .. } => {
                    totals.imported_files += 1;
                    totals.records_read += source.records_read;
                    totals.imported += source.imported;
                    totals.duplicates += source.duplicates;
                    totals.quarantined += source.rejected;
                    totals.collisions += source.collisions;
                }
                FileOutcome::AlreadyImported { .. } => totals.already_imported += 1,
                FileOutcome::Skipped { .. } => totals.skipped += 1,
                FileOutcome::Failed { .. } => totals.failed += 1,
            }
        }
        totals
    }
}

fn print_totals(totals: &Totals) -> std::io::Result<()> {
    outln!(
        "total: {} files imported, {} already imported, {} skipped, {} failed; {} read, {} imported, {} duplicates, {} quarantined",
        totals.imported_files,
        totals.already_imported,
        totals.skipped,
        totals.failed,
        totals.records_read,
        totals.imported,
        totals.duplicates,
        totals.quarantined
    )?;
    Ok(())
}

fn print_report(outcomes: &[FileOutcome]) -> std::io::Result<()> {
    for outcome in outcomes {
        match outcome {
            FileOutcome::Imported { source, rejected } => {
                let collisions = match source.collisions {
                    0 => String::new(),
                    n => format!(", {n} natural-key collisions"),
                };
                outln!(
                    "imported {} ({}, source {}): {} read, {} imported, {} duplicates, {} quarantined{collisions}",
                    sanitize::for_terminal(&source.path),
                    source.format,
                    source.source_id,
                    source.records_read,
                    source.imported,
                    source.duplicates,
                    source.rejected
                )?;
                for note in &source.notes {
                    outln!("  note: {}", sanitize::for_terminal(note))?;
                }
                for r in rejected {
                    // Parquet rows have a position but no line.
                    let line = match r.line {
                        0 => String::new(),
                        line => format!(" (line {line})"),
                    };
                    eprintln!(
                        "  quarantined {} record {}{line}: {}",
                        sanitize::for_terminal(&source.path),
                        r.record,
                        sanitize::for_terminal(&r.reason)
                    );
                }
            }
            FileOutcome::AlreadyImported { path, source_id } => {
                outln!(
                    "already imported {}: the same content is already source {source_id}",
                    sanitize::for_terminal(path)
                )?;
            }
            FileOutcome::Skipped { path, reason } => {
                outln!(
                    "skipped {}: {}",
                    sanitize::for_terminal(path),
                    sanitize::for_terminal(reason)
                )?;
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
    Ok(())
}
