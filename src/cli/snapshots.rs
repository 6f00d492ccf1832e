//! The snapshot commands: the list of SCIM snapshots and the changes between two.

use std::path::Path;

use crate::case::{Case, Change, SnapshotRecord};

use super::listing::{ListArgs, ListFormat};
use super::output::{self, or_dash, outln};

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The earlier snapshot's id. Defaults to the snapshot before --to in time order.
    #[arg(long, value_name = "SNAPSHOT")]
    pub from: Option<i64>,

    /// The later snapshot's id. Defaults to the newest snapshot.
    #[arg(long, value_name = "SNAPSHOT")]
    pub to: Option<i64>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

pub fn list(case_path: &Path, args: ListArgs) -> anyhow::Result<()> {
    let case = Case::open_read_only(case_path)?;
    let snapshots = case.snapshots()?;
    if args.format == ListFormat::Json {
        return output::print_json(&serde_json::json!({ "snapshots": snapshots }));
    }
    let rows: Vec<Vec<String>> = snapshots.iter().map(snapshot_row).collect();
    output::print_table(
        &["ID", "TAKEN AT (UTC)", "BASIS", "IDENTITIES", "SOURCES"],
        &rows,
    )
}

fn snapshot_row(s: &SnapshotRecord) -> Vec<String> {
    vec![
        s.snapshot_id.to_string(),
        or_dash(s.taken_at.as_deref()),
        s.taken_at_basis.clone(),
        s.identities.to_string(),
        s.sources.join(", "),
    ]
}

/// Describes a snapshot in one line of an import report: the snapshot, its time and the time's basis.
pub fn describe(s: &SnapshotRecord) -> String {
    format!(
        "snapshot {} taken at {} (basis: {}), {} identities",
        s.snapshot_id,
        s.taken_at.as_deref().unwrap_or("unknown time"),
        s.taken_at_basis,
        s.identities
    )
}

pub fn diff(case_path: &Path, args: DiffArgs) -> anyhow::Result<()> {
    let case = Case::open_read_only(case_path)?;
    let (from, to) = case.diff_pair(args.from, args.to)?;
    let diff = case.snapshot_diff(from, to)?;
    if args.format == ListFormat::Json {
        return output::print_json(&diff);
    }
    outln!(
        "snapshot {} ({}) -> snapshot {} ({}): {}",
        diff.from.snapshot_id,
        or_dash(diff.from.taken_at.as_deref()),
        diff.to.snapshot_id,
        or_dash(diff.to.taken_at.as_deref()),
        output::counted(diff.changes.len(), "change", "changes")
    )?;
    if diff.changes.is_empty() {
        return Ok(());
    }
    let rows: Vec<Vec<String>> = diff.changes.iter().map(change_row).collect();
    output::print_table(&["CHANGE", "IDENTITY", "NAME", "DETAIL"], &rows)
}

fn change_row(c: &Change) -> Vec<String> {
    let detail = match c.change.as_str() {
        "granted" | "removed" => format!(
            "{} {} ({})",
            c.entitlement_kind.as_deref().unwrap_or("-"),
            c.entitlement_value.as_deref().unwrap_or("-"),
            c.granted_via.as_deref().unwrap_or("-")
        ),
        "relation_changed" => format!(
            "{}: {} -> {}",
            c.relation.as_deref().unwrap_or("-"),
            or_dash(c.before.as_deref()),
            or_dash(c.after.as_deref())
        ),
        _ => String::new(),
    };
    vec![
        c.change.clone(),
        c.identity_key.clone(),
        c.label.clone(),
        detail,
    ]
}
