//! `export`, which writes an evidence pack, and `verify PACK`, which checks one.

use std::path::{Path, PathBuf};

use super::output::outln;
use crate::case::Case;
use crate::export;
use crate::sanitize;

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["out", "parquet"])))]
pub struct ExportArgs {
    /// The folder to write the evidence pack into; it must be missing or empty.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Write the normalised events as Hive-partitioned Parquet into this folder instead
    /// (`events/source_format=.../event_date=.../`, and `sources/`); it must be missing or
    /// empty. Query it in place with `sql --lake DIR`, or with Trino, Spark or Athena.
    #[arg(long, value_name = "DIR")]
    pub parquet: Option<PathBuf>,

    #[command(flatten)]
    pub rules: super::findings::RuleArgs,
}

pub fn run(case_path: &Path, args: ExportArgs) -> anyhow::Result<()> {
    let case = Case::open_read_only(case_path)?;
    match (&args.parquet, &args.out) {
        (Some(dir), _) => parquet(&case, dir),
        (None, Some(out)) => pack(&case, out, &args.rules),
        (None, None) => anyhow::bail!(
            "nothing to export: give --out DIR for an evidence pack or --parquet DIR for Parquet"
        ),
    }
}

fn parquet(case: &Case, dir: &Path) -> anyhow::Result<()> {
    let summary = export::export_parquet(case, dir)?;
    outln!(
        "wrote {} events and {} sources as Parquet under {}",
        summary.events,
        summary.sources,
        dir.display()
    )?;
    outln!(
        "Query it in place: scimtrail sql --lake {} \"select count(*) from events\"",
        dir.display()
    )?;
    Ok(())
}

fn pack(case: &Case, out: &Path, rules: &super::findings::RuleArgs) -> anyhow::Result<()> {
    let findings = rules.run(case)?;
    let summary = export::export_pack(case, out, &findings)?;
    outln!(
        "wrote {} with {} decisions, {} sources and {} bookmarks",
        out.display(),
        summary.decisions,
        summary.sources,
        summary.bookmarks
    )?;
    for file in &summary.files {
        outln!("  {}  {}", file.sha256, file.name)?;
    }
    outln!("manifest.json SHA-256: {}", summary.manifest_sha256)?;
    outln!(
        "Quote this hash where the pack is handed over; `scimtrail verify DIR` checks the pack."
    )?;
    Ok(())
}

pub fn verify(pack: &Path) -> anyhow::Result<()> {
    let (manifest, problems) = export::verify_pack(pack)?;
    if problems.is_empty() {
        outln!(
            "pack intact: {} files, {} decisions, ledger head {}",
            manifest.files.len(),
            manifest.ledger.decisions,
            manifest.ledger.head_sha256
        )?;
        return Ok(());
    }
    for problem in &problems {
        eprintln!(
            "{}: {}",
            sanitize::for_terminal(&problem.file),
            sanitize::for_terminal(&problem.problem)
        );
    }
    anyhow::bail!(
        "pack {} fails verification: {} {}",
        pack.display(),
        problems.len(),
        if problems.len() == 1 {
            "problem"
        } else {
            "problems"
        }
    )
}
