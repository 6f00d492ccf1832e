//! `generate`, which writes a synthetic organisation's evidence for benchmarks and tests.

use std::path::PathBuf;

use super::output::outln;
use crate::generate::{self, Options};

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// The folder to write into; it must be missing or empty.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Audit events to write, over all sources.
    #[arg(long, default_value_t = 10_000)]
    pub events: u64,

    /// SCIM identities: people, service accounts and agents.
    #[arg(long, default_value_t = 1_000)]
    pub identities: usize,

    /// Seed of the random generator; the same seed and sizes give the same bytes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

pub fn run(args: GenerateArgs) -> anyhow::Result<()> {
    let summary = generate::generate(&Options {
        out: args.out.clone(),
        events: args.events,
        identities: args.identities,
        seed: args.seed,
    })?;
    outln!(
        "wrote {} events and {} identities under {}",
        summary.events,
        summary.identities,
        args.out.display()
    )?;
    for (name, source) in [
        ("scim", &summary.scim),
        ("cloudtrail", &summary.cloudtrail),
        ("okta", &summary.okta),
        ("entra-signin", &summary.entra_signin),
        ("entra-audit", &summary.entra_audit),
        ("otel", &summary.otel),
    ] {
        outln!(
            "  {name:<13} {:>10} events in {:>6} files",
            source.events,
            source.files
        )?;
    }
    outln!("Planted findings are listed in GENERATED.md.")?;
    Ok(())
}
