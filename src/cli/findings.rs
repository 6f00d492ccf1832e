//! `findings`: the review rules run over the case, each finding with its evidence.

use std::path::{Path, PathBuf};

use super::listing::ListFormat;
use super::output::{self, outln};
use crate::case::Case;
use crate::review::findings::{self, Finding, Findings};
use crate::review::rules::RuleSet;
use crate::{ingest, sanitize};

/// The rules to run and the time they look back from, shared by `findings` and `export`.
#[derive(Debug, clap::Args)]
pub struct RuleArgs {
    /// A rules file in the form of the built-in one (printed by `findings --print-rules`);
    /// without it the built-in rules run.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,

    /// The time the rules look back from: RFC 3339, or a date (YYYY-MM-DD) for the start of
    /// that day in UTC. Defaults to the newest event or snapshot time in the case, leaving
    /// out events dated after their import, so that results are reproducible.
    #[arg(long, value_parser = parse_time, value_name = "TIME")]
    pub as_of: Option<chrono::NaiveDateTime>,
}

impl RuleArgs {
    pub fn run(&self, case: &Case) -> anyhow::Result<Findings> {
        let rules = match &self.rules {
            Some(path) => RuleSet::load(path)?,
            None => RuleSet::builtin(),
        };
        let result = findings::run(case, &rules, self.as_of)?;
        warn_future(result.as_of.ignored_future_events, "event", "events");
        warn_future(
            result.as_of.ignored_future_snapshots,
            "snapshot",
            "snapshots",
        );
        Ok(result)
    }
}

/// Warns that `count` events or snapshots dated after their import did not set the
/// default as-of time.
fn warn_future(count: i64, singular: &str, plural: &str) {
    let subject = match count {
        0 => return,
        1 => format!("1 {singular} dated after its import was"),
        n => format!("{n} {plural} dated after their import were"),
    };
    eprintln!(
        "warning: {subject} left out of the default as-of time; pass --as-of to choose the time"
    );
}

/// Parses an RFC 3339 time, or a date as the start of that day in UTC.
fn parse_time(text: &str) -> Result<chrono::NaiveDateTime, String> {
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        return Ok(date.and_time(chrono::NaiveTime::MIN));
    }
    ingest::timestamp::parse(text)
        .map(|parsed| parsed.utc)
        .map_err(|err| {
            format!("{err}; expected RFC 3339 (2026-11-01T10:00:00Z) or a date (2026-11-01)")
        })
}

#[derive(Debug, clap::Args)]
pub struct FindingsArgs {
    #[command(flatten)]
    pub rules: RuleArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,

    /// Show each finding's rule, threshold, controls and evidence rows; with an ID, only
    /// that finding.
    #[arg(long, value_name = "ID", num_args = 0..=1, default_missing_value = "")]
    pub explain: Option<String>,

    /// Print the built-in rules file and exit.
    #[arg(long)]
    pub print_rules: bool,
}

pub fn run(case_path: &Path, args: FindingsArgs) -> anyhow::Result<()> {
    if args.print_rules {
        print!("{}", crate::review::rules::DEFAULT_RULES);
        return Ok(());
    }
    let case = Case::open_read_only(case_path)?;
    let mut result = args.rules.run(&case)?;
    if let Some(id) = args.explain.as_deref().filter(|id| !id.is_empty()) {
        let Some(finding) = result.by_id(id).cloned() else {
            anyhow::bail!("no finding has id {id:?}; list them with `scimtrail findings`");
        };
        result.findings = vec![finding];
    }
    if args.format == ListFormat::Json {
        return output::print_json(&result);
    }
    outln!(
        "as of {} ({}): {}",
        result.as_of.time,
        result.as_of.basis,
        output::counted(result.findings.len(), "finding", "findings")
    )?;
    if args.explain.is_some() {
        for finding in &result.findings {
            explain(finding)?;
        }
        return Ok(());
    }
    let rows: Vec<Vec<String>> = result
        .findings
        .iter()
        .map(|f| {
            vec![
                f.severity.as_str().to_string(),
                f.id.clone(),
                f.summary.clone(),
            ]
        })
        .collect();
    output::print_table(&["severity", "finding", "summary"], &rows)
}

fn explain(finding: &Finding) -> anyhow::Result<()> {
    let safe = sanitize::for_terminal;
    outln!()?;
    outln!("{}  [{}]", safe(&finding.id), finding.severity.as_str())?;
    outln!(
        "  rule:      {} ({})",
        safe(&finding.rule),
        safe(&finding.title)
    )?;
    outln!("  threshold: {}", safe(&finding.threshold))?;
    outln!("  summary:   {}", safe(&finding.summary))?;
    for control in &finding.controls {
        outln!(
            "  control:   {} ({}): {}",
            safe(&control.id),
            safe(&control.framework),
            safe(&control.title)
        )?;
    }
    for row in &finding.evidence {
        let fields = serde_json::Value::Object(row.fields.clone()).to_string();
        outln!(
            "  evidence:  {} {}  {}",
            safe(&row.table),
            safe(&row.key),
            safe(&fields)
        )?;
    }
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct RemediationArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

/// `remediation`: whether each current revoke shows as removed in later snapshots.
pub fn remediation(case_path: &Path, args: RemediationArgs) -> anyhow::Result<()> {
    let case = Case::open_read_only(case_path)?;
    let checks = crate::review::remediation::check(&case)?;
    if args.format == ListFormat::Json {
        return output::print_json(&serde_json::json!({ "remediation": checks }));
    }
    let rows: Vec<Vec<String>> = checks
        .iter()
        .map(|c| {
            vec![
                c.seq.to_string(),
                c.identity_key.clone(),
                output::or_dash(c.entitlement.as_deref()),
                c.status.clone(),
                c.snapshot_id.map(|id| id.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    output::print_table(
        &["decision", "identity", "entitlement", "status", "snapshot"],
        &rows,
    )
}
