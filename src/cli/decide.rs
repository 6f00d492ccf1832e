use std::path::Path;

use super::output::outln;
use crate::case::Case;
use crate::model::Verdict;
use crate::review::{self, decide::DecisionRequest, rules::RuleSet};

#[derive(Debug, clap::Args)]
pub struct DecideArgs {
    /// The identity: its key (e.g. User/u-1001), SCIM id, userName, externalId or email.
    /// Repeat it to decide on several identities at once; if one is rejected, none is
    /// recorded.
    #[arg(long, required_unless_present = "from_rule")]
    pub identity: Vec<String>,

    /// Decide on every identity that this rule (e.g. dormant-identity) has a finding on,
    /// besides any --identity. Rules whose findings are not about identities
    /// (shadow-identity, stale-credential) are rejected.
    #[arg(long, value_name = "RULE")]
    pub from_rule: Option<String>,

    /// An entitlement of the identity the decision is about; without it the decision
    /// covers the identity as a whole.
    #[arg(long)]
    pub entitlement: Option<String>,

    #[arg(long, value_enum)]
    pub verdict: Verdict,

    /// Who decides, e.g. an email address. A reviewer may not decide on an identity they
    /// own or sponsor.
    #[arg(long)]
    pub reviewer: String,

    /// Why. Required for revoke, and for approve when the identity has findings.
    #[arg(long, default_value = "")]
    pub justification: String,

    /// The campaign the decision belongs to (`campaign list`); the identity must be in
    /// its scope and the reviewer one of its reviewers.
    #[arg(long, value_name = "ID")]
    pub campaign: Option<String>,

    /// The rules whose findings are shown with the decision; the built-in ones by default.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<std::path::PathBuf>,
}

pub fn decide(case_path: &Path, args: DecideArgs) -> anyhow::Result<()> {
    let case = Case::open(case_path)?;
    let rules = match &args.rules {
        Some(path) => RuleSet::load(path)?,
        None => RuleSet::builtin(),
    };
    let request = DecisionRequest {
        identities: args.identity,
        entitlement: args.entitlement,
        verdict: args.verdict,
        reviewer: args.reviewer,
        justification: args.justification,
        campaign: args.campaign,
        from_rule: args.from_rule,
    };
    for decision in review::decide::record(&case, &request, &rules)? {
        outln!(
            "recorded decision {}: {} {} (ledger head {})",
            decision.seq,
            decision.verdict,
            crate::sanitize::for_terminal(&decision.identity_key),
            decision.sha256
        )?;
    }
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// An evidence pack folder written by `export`; without it the case's ledger is checked.
    #[arg(value_name = "PACK")]
    pub pack: Option<std::path::PathBuf>,
}

pub fn verify(case_path: &Path, args: VerifyArgs) -> anyhow::Result<()> {
    if let Some(pack) = args.pack {
        return super::export::verify(&pack);
    }
    let case = Case::open_read_only(case_path)?;
    let result = case.verify_ledger()?;
    match result.first_break {
        None => {
            outln!(
                "ledger intact: {} decisions, head {}",
                result.decisions,
                result.head_sha256
            )?;
            Ok(())
        }
        Some(broken) => anyhow::bail!(
            "ledger broken at decision {}: {}",
            broken.seq,
            broken.reason
        ),
    }
}

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Another reviewer's copy of this case, or the decisions.jsonl of a pack exported
    /// from one.
    #[arg(value_name = "CASE_OR_JOURNAL")]
    pub other: std::path::PathBuf,

    /// Print the result as one JSON document.
    #[arg(long)]
    pub json: bool,
}

/// `merge`: appends another reviewer's decisions and lists the conflicting ones.
pub fn merge(case_path: &Path, args: MergeArgs) -> anyhow::Result<()> {
    let case = Case::open(case_path)?;
    let report = review::merge::merge(&case, &args.other)?;
    let safe = crate::sanitize::for_terminal;
    for warning in &report.warnings {
        eprintln!("warning: {}", safe(warning));
    }
    if args.json {
        return super::output::print_json(&report);
    }
    outln!(
        "{} decisions in common, {} appended, {} already present, {} conflicts",
        report.common,
        report.appended.len(),
        report.duplicates,
        report.conflicts.len()
    )?;
    for row in &report.appended {
        outln!(
            "appended decision {}: {} {} by {}",
            row.seq,
            row.verdict,
            safe(&row.identity_key),
            safe(&row.reviewer)
        )?;
    }
    for conflict in &report.conflicts {
        outln!(
            "CONFLICT {}{}: here {} by {} (decision {}), there {} by {} (decision {}); not merged",
            safe(&conflict.identity_key),
            conflict
                .entitlement
                .as_deref()
                .map(|e| format!(" entitlement {}", safe(e)))
                .unwrap_or_default(),
            conflict.ours.verdict,
            safe(&conflict.ours.reviewer),
            conflict.ours.seq,
            conflict.theirs.verdict,
            safe(&conflict.theirs.reviewer),
            conflict.theirs.seq
        )?;
    }
    Ok(())
}
