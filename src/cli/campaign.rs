//! `campaign create|list|show`: review campaigns and their progress.

use std::path::Path;

use super::listing::ListFormat;
use super::output::{self, outln};
use crate::case::{Campaign, CampaignProgress, CampaignScope, Case, NewCampaign};
use crate::sanitize;

#[derive(Debug, clap::Args)]
pub struct CampaignArgs {
    #[command(subcommand)]
    pub command: CampaignCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum CampaignCommand {
    /// Create a campaign over identities of one snapshot.
    Create(CreateArgs),
    /// List the campaigns with their progress.
    List(FormatArgs),
    /// Show a campaign: its scope, progress per reviewer and every item with its decision.
    Show(ShowArgs),
}

#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    #[arg(long)]
    pub name: String,

    /// A reviewer; repeat for several.
    #[arg(long = "reviewer", required = true)]
    pub reviewers: Vec<String>,

    /// The date decisions are due (YYYY-MM-DD); a date before today (UTC) is rejected
    /// unless --allow-past-due is given.
    #[arg(long)]
    pub due: chrono::NaiveDate,

    /// Accept a due date in the past, e.g. to record a campaign held earlier.
    #[arg(long)]
    pub allow_past_due: bool,

    /// The snapshot to review (`snapshots`); the newest by default.
    #[arg(long)]
    pub snapshot: Option<i64>,

    /// A SCIM resource type in scope (User, Group, Agent, ...); repeat for several. All
    /// types by default.
    #[arg(long = "resource-type")]
    pub resource_types: Vec<String>,

    /// An identity kind in scope (human, service, agent, group, other); repeat for several.
    #[arg(long = "kind", value_parser = ["human", "service", "agent", "group", "other"])]
    pub kinds: Vec<String>,

    /// Keep only identities whose key, userName or display name contains this text.
    #[arg(long)]
    pub filter: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct FormatArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The campaign id, e.g. C1.
    pub id: String,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

pub fn run(case_path: &Path, args: CampaignArgs) -> anyhow::Result<()> {
    match args.command {
        CampaignCommand::Create(args) => create(case_path, args),
        CampaignCommand::List(args) => list(case_path, args),
        CampaignCommand::Show(args) => show(case_path, args),
    }
}

fn create(case_path: &Path, args: CreateArgs) -> anyhow::Result<()> {
    if args.due < today() && !args.allow_past_due {
        anyhow::bail!(
            "due date {} is in the past; pass --allow-past-due to create the campaign anyway",
            args.due
        );
    }
    let case = Case::open(case_path)?;
    let campaign = case.create_campaign(&NewCampaign {
        name: args.name,
        snapshot_id: args.snapshot,
        scope: CampaignScope {
            resource_types: args.resource_types,
            kinds: args.kinds,
            filter: args.filter,
        },
        reviewers: args.reviewers,
        due_date: args.due,
    })?;
    let progress = case.campaign_progress(&campaign)?;
    outln!(
        "created campaign {} on snapshot {} with {}, due {}",
        campaign.campaign_id,
        campaign.snapshot_id,
        output::counted(progress.items, "item", "items"),
        campaign.due_date
    )?;
    if progress.items == 0 {
        eprintln!(
            "warning: campaign {} has no items: no identity of snapshot {} matches its scope",
            campaign.campaign_id, campaign.snapshot_id
        );
    }
    Ok(())
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Returns whether the campaign's due date has passed with items still undecided.
fn is_overdue(campaign: &Campaign, progress: &CampaignProgress) -> bool {
    let due = chrono::NaiveDate::parse_from_str(&campaign.due_date, "%Y-%m-%d");
    due.is_ok_and(|due| due < today()) && progress.decided < progress.items
}

fn list(case_path: &Path, args: FormatArgs) -> anyhow::Result<()> {
    let case = Case::open_read_only(case_path)?;
    let mut rows = Vec::new();
    let mut documents = Vec::new();
    for campaign in case.campaigns()? {
        let progress = case.campaign_progress(&campaign)?;
        rows.push(vec![
            campaign.campaign_id.clone(),
            campaign.name.clone(),
            campaign.snapshot_id.to_string(),
            campaign.due_date.clone(),
            format!("{}/{}", progress.decided, progress.items),
        ]);
        documents.push(serde_json::json!({ "campaign": campaign, "progress": progress }));
    }
    if args.format == ListFormat::Json {
        return output::print_json(&serde_json::json!({ "campaigns": documents }));
    }
    output::print_table(&["id", "name", "snapshot", "due", "decided"], &rows)
}

fn show(case_path: &Path, args: ShowArgs) -> anyhow::Result<()> {
    let case = Case::open_read_only(case_path)?;
    let campaign = case.campaign(&args.id)?;
    let progress = case.campaign_progress(&campaign)?;
    let items = case.campaign_items(&campaign)?;
    if args.format == ListFormat::Json {
        return output::print_json(&serde_json::json!({
            "overdue": is_overdue(&campaign, &progress),
            "campaign": campaign,
            "progress": progress,
            "items": items,
        }));
    }
    describe(&campaign)?;
    if is_overdue(&campaign, &progress) {
        outln!(
            "status:    overdue, {} items undecided",
            progress.items - progress.decided
        )?;
    }
    outln!("decided:   {} of {}", progress.decided, progress.items)?;
    for reviewer in &progress.reviewers {
        outln!(
            "reviewer:  {} decided {}",
            sanitize::for_terminal(&reviewer.reviewer),
            reviewer.decided
        )?;
    }
    outln!()?;
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|item| {
            vec![
                item.identity_key.clone(),
                item.label.clone(),
                output::or_dash(item.verdict.as_deref()),
                output::or_dash(item.reviewer.as_deref()),
            ]
        })
        .collect();
    output::print_table(&["identity", "name", "verdict", "reviewer"], &rows)
}

fn describe(campaign: &Campaign) -> anyhow::Result<()> {
    let safe = sanitize::for_terminal;
    let all = |values: &[String]| {
        if values.is_empty() {
            "all".to_string()
        } else {
            values.join(", ")
        }
    };
    outln!(
        "campaign:  {} {}",
        campaign.campaign_id,
        safe(&campaign.name)
    )?;
    outln!("snapshot:  {}", campaign.snapshot_id)?;
    outln!("due:       {}", campaign.due_date)?;
    outln!(
        "scope:     resource types {}; kinds {}; filter {}",
        safe(&all(&campaign.scope.resource_types)),
        safe(&all(&campaign.scope.kinds)),
        safe(campaign.scope.filter.as_deref().unwrap_or("none"))
    )?;
    outln!("reviewers: {}", safe(&campaign.reviewers.join(", ")))?;
    Ok(())
}
