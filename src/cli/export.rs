//! `export`, which writes an evidence pack, and `verify PACK`, which checks one.

use std::path::{Path, PathBuf};

use super::output::outln;
use crate::case::Case;
use crate::export;
use crate::sanitize;

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The folder to write the pack into; it must be missing or empty.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    #[command(flatten)]
    pub rules: super::findings::RuleArgs,
}

pub fn run(case_path: &Path, args: ExportArgs) -> anyhow::Result<()> {
    let case = Case::open_read_only(case_path)?;
    let findings = args.rules.run(&case)?;
    let summary = export::export_pack(&case, &args.out, &findings)?;
    outln!(
        "wrote {} with {} decisions, {} sources and {} bookmarks",
        args.out.display(),
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
