use std::path::PathBuf;

use super::output::outln;
use crate::demo;
use crate::ingest::FileOutcome;

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Build the case and print where it is, without opening the TUI.
    #[arg(long)]
    pub no_tui: bool,

    /// Who decisions made in the TUI are recorded as.
    #[arg(long)]
    pub reviewer: Option<String>,
}

pub fn run(case: Option<PathBuf>, args: DemoArgs) -> anyhow::Result<()> {
    let case_path = case.unwrap_or_else(demo::default_case_path);
    if let Some(parent) = case_path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let outcomes = demo::build(&case_path)?;
    let events: i64 = outcomes
        .iter()
        .filter_map(|o| match o {
            FileOutcome::Imported { source, .. } if source.kind == "audit" => Some(source.imported),
            _ => None,
        })
        .sum();
    if args.no_tui {
        outln!("demo case: {}", case_path.display())?;
        outln!("{} files imported, {events} events", outcomes.len())?;
        outln!(
            "try: scimtrail --case {} trace b7e0c5d2-4a3f-4f8e-9c1a-6d2e8f0a1b3c",
            case_path.display()
        )?;
        return Ok(());
    }
    crate::tui::run(
        &case_path,
        crate::tui::Options {
            reviewer: super::reviewer(args.reviewer),
            ..crate::tui::Options::default()
        },
    )?;
    Ok(())
}
