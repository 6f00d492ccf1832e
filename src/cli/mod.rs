//! The command-line interface: argument definitions and one module per command.

mod bookmark;
mod campaign;
mod decide;
mod demo;
mod export;
mod findings;
mod generate;
mod identity_views;
mod import;
mod listing;
mod logging;
mod output;
mod snapshots;
pub(crate) mod sql;
mod trace;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use logging::init as init_logging;
pub use output::Format;

/// Offline access reviews and forensics of human and non-human identities, from SCIM
/// snapshots and audit exports, in one DuckDB case file.
#[derive(Debug, Parser)]
#[command(name = "scimtrail", version, about)]
pub struct Cli {
    /// The case file. Defaults to $SCIMTRAIL_CASE, then ./scimtrail.duckdb (for `demo`,
    /// a folder under the system's temporary folder).
    #[arg(long, global = true, value_name = "PATH")]
    pub case: Option<PathBuf>,

    /// Open the case without writing to it: commands that change it are rejected and the
    /// TUI records no decisions.
    #[arg(long, global = true)]
    pub read_only: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build a case from the bundled fixture organisation and open it in the TUI.
    Demo(demo::DemoArgs),
    /// Import SCIM snapshots and audit exports (files or folders) into the case.
    Import(import::ImportArgs),
    /// List the identities of the newest snapshots with their activity, or with
    /// `--unknown`, `--no-active-owner` or `--entitlements` another view of them.
    Identities(identity_views::IdentitiesArgs),
    /// List the imported sources and how their records were accounted for; with
    /// `--verify`, re-hash their files.
    Sources(listing::SourcesArgs),
    /// List the SCIM snapshots: when each was taken, on what basis, and what it holds.
    Snapshots(listing::ListArgs),
    /// Show what changed between two SCIM snapshots (by default the two newest).
    Diff(snapshots::DiffArgs),
    /// Show the events connected to an identifier by exact links, with flags and gaps.
    Trace(trace::TraceArgs),
    /// Bookmark an event, with an optional note.
    Bookmark(bookmark::BookmarkArgs),
    /// List the bookmarked events and their notes.
    Bookmarks(bookmark::BookmarksArgs),
    /// Create, list and show review campaigns with their progress.
    Campaign(campaign::CampaignArgs),
    /// Record an approve, revoke, flag or abstain decision in the tamper-evident ledger.
    Decide(decide::DecideArgs),
    /// List the recorded decisions.
    Decisions(listing::TableArgs),
    /// Append the decisions of another reviewer's copy of the case (or of its exported
    /// decisions.jsonl), listing conflicting decisions instead of merging them.
    Merge(decide::MergeArgs),
    /// Run the review rules and list their findings, each with its evidence (`--explain`).
    Findings(findings::FindingsArgs),
    /// Check each current revoke against the snapshots imported after it: removed, still
    /// present or came back.
    Remediation(findings::RemediationArgs),
    /// Check the decision ledger's hash chain, or with PACK an exported evidence pack.
    Verify(decide::VerifyArgs),
    /// Write the evidence pack (decisions, sources and a manifest of hashes) into a folder.
    Export(export::ExportArgs),
    /// Run a read-only SQL query on the case.
    Sql(sql::SqlArgs),
    /// Open the case in the terminal UI (the default without a command).
    Open(OpenArgs),
    /// Write a deterministic synthetic organisation's evidence (SCIM, CloudTrail, Okta,
    /// Entra, OpenTelemetry) into a folder, for benchmarks and tests.
    Generate(generate::GenerateArgs),
}

#[derive(Debug, clap::Args, Default)]
pub struct OpenArgs {
    /// Who decisions made in the TUI are recorded as. Defaults to $SCIMTRAIL_REVIEWER,
    /// then $USER.
    #[arg(long)]
    pub reviewer: Option<String>,

    /// Work this campaign (`campaign list`): the Review screen lists only its items, its
    /// title names the campaign and its due date, its gauge counts the items decided in
    /// it, and every decision is recorded in it.
    #[arg(long, value_name = "ID")]
    pub campaign: Option<String>,

    /// A rules file, as `findings --rules` takes it, whose findings the TUI shows and
    /// checks justifications against instead of the built-in rules' findings.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
}

impl Cli {
    /// The case path for every command but `demo`.
    fn case_path(&self) -> PathBuf {
        self.case
            .clone()
            .or_else(|| {
                std::env::var_os("SCIMTRAIL_CASE")
                    .filter(|value| !value.is_empty())
                    .map(PathBuf::from)
            })
            .unwrap_or_else(|| PathBuf::from("scimtrail.duckdb"))
    }
}

impl Command {
    /// Returns the name of a command that writes to the case, for the `--read-only` check.
    fn writes(&self) -> Option<&'static str> {
        match self {
            Command::Demo(_) => Some("demo"),
            Command::Import(_) => Some("import"),
            Command::Decide(_) => Some("decide"),
            Command::Merge(_) => Some("merge"),
            Command::Campaign(campaign::CampaignArgs {
                command: campaign::CampaignCommand::Create(_),
            }) => Some("campaign create"),
            Command::Bookmark(_) => Some("bookmark"),
            _ => None,
        }
    }
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let case_path = cli.case_path();
    if cli.read_only
        && let Some(name) = cli.command.as_ref().and_then(Command::writes)
    {
        use clap::CommandFactory;
        Cli::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                format!("`{name}` writes to the case and cannot run with --read-only"),
            )
            .exit();
    }
    let read_only = cli.read_only;
    match cli.command {
        Some(Command::Demo(args)) => demo::run(cli.case, args),
        Some(Command::Import(args)) => import::run(&case_path, args),
        Some(Command::Identities(args)) => identity_views::run(&case_path, args),
        Some(Command::Sources(args)) => listing::sources(&case_path, args),
        Some(Command::Snapshots(args)) => snapshots::list(&case_path, args),
        Some(Command::Diff(args)) => snapshots::diff(&case_path, args),
        Some(Command::Trace(args)) => trace::run(&case_path, args),
        Some(Command::Campaign(args)) => campaign::run(&case_path, args),
        Some(Command::Decide(args)) => decide::decide(&case_path, args),
        Some(Command::Bookmark(args)) => bookmark::add(&case_path, args),
        Some(Command::Bookmarks(args)) => bookmark::list(&case_path, args),
        Some(Command::Decisions(args)) => listing::decisions(&case_path, args),
        Some(Command::Merge(args)) => decide::merge(&case_path, args),
        Some(Command::Findings(args)) => findings::run(&case_path, args),
        Some(Command::Remediation(args)) => findings::remediation(&case_path, args),
        Some(Command::Verify(args)) => decide::verify(&case_path, args),
        Some(Command::Export(args)) => export::run(&case_path, args),
        Some(Command::Sql(args)) => sql::run(&case_path, args),
        Some(Command::Open(args)) => open(&case_path, args, read_only),
        Some(Command::Generate(args)) => generate::run(args),
        None => open(&case_path, OpenArgs::default(), read_only),
    }
}

fn open(case_path: &std::path::Path, args: OpenArgs, read_only: bool) -> anyhow::Result<()> {
    if !case_path.exists() {
        anyhow::bail!(
            "case {} does not exist; import evidence with `scimtrail --case {} import FILES` or try `scimtrail demo`",
            case_path.display(),
            case_path.display()
        );
    }
    crate::tui::run(
        case_path,
        crate::tui::Options {
            reviewer: reviewer(args.reviewer),
            read_only,
            campaign: args.campaign,
            rules: args.rules,
        },
    )?;
    Ok(())
}

/// The reviewer name: the option, then $SCIMTRAIL_REVIEWER, then $USER.
fn reviewer(option: Option<String>) -> String {
    option
        .or_else(|| std::env::var("SCIMTRAIL_REVIEWER").ok())
        .or_else(|| std::env::var("USER").ok())
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| "unknown reviewer".to_string())
}
