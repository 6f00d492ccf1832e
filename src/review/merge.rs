//! Merging the decision journal of another reviewer: a copy of this case, or the
//! `decisions.jsonl` of a pack exported from one.
//!
//! Both ledgers share the rows up to the point where the copy was made (same seq and
//! hash). The other side's rows after that point are appended here with new sequence
//! numbers and hashes, their other fields kept. A row equal to one already here (an
//! earlier merge) is skipped. When both sides decided on the same item after the fork
//! and their newest verdicts differ, the other side's rows on that item are not
//! appended but listed as conflicts for the reviewers to settle.
//!
//! A merge that would append a row naming a campaign or snapshot this case lacks is
//! rejected whole, because such a row cannot be traced to evidence here. A journal that
//! shares no decision with a case that has some merges with a warning: it likely comes
//! from another case.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;

use super::ledger::{self, StoredRow};
use crate::case::Case;
use crate::model::Decision;
use crate::{Error, Result};

/// Two different verdicts on one item, one from each side.
#[derive(Debug, Clone, Serialize)]
pub struct Conflict {
    pub identity_key: String,
    pub entitlement: Option<String>,
    pub ours: Decision,
    pub theirs: Decision,
}

#[derive(Debug, Clone, Serialize)]
pub struct MergeReport {
    /// Rows both ledgers share.
    pub common: usize,
    pub appended: Vec<Decision>,
    pub duplicates: usize,
    pub conflicts: Vec<Conflict>,
    /// Things the reviewer should check, such as a journal that shares no decision.
    pub warnings: Vec<String>,
}

/// Reads the other journal, checks its chain, and appends what it adds to `case`.
pub fn merge(case: &Case, other: &Path) -> Result<MergeReport> {
    let theirs = read_journal(other)?;
    let ours = case.decisions()?;
    let common = ours
        .iter()
        .zip(&theirs)
        .take_while(|(a, b)| a.seq == b.seq && a.sha256 == b.sha256)
        .count();
    let our_new = &ours[common..];
    let mut latest_ours: BTreeMap<(String, Option<String>), &Decision> = BTreeMap::new();
    for row in our_new {
        latest_ours.insert(item(row), row);
    }
    let mut latest_theirs: BTreeMap<(String, Option<String>), &Decision> = BTreeMap::new();
    for row in &theirs[common..] {
        latest_theirs.insert(item(row), row);
    }
    let conflicts: Vec<Conflict> = latest_theirs
        .iter()
        .filter_map(|(key, their)| {
            let our = latest_ours.get(key)?;
            (our.verdict != their.verdict).then(|| Conflict {
                identity_key: key.0.clone(),
                entitlement: key.1.clone(),
                ours: (*our).clone(),
                theirs: (*their).clone(),
            })
        })
        .collect();

    let mut duplicates = 0;
    let mut incoming = Vec::new();
    for row in &theirs[common..] {
        if conflicts
            .iter()
            .any(|c| item(row) == (c.identity_key.clone(), c.entitlement.clone()))
        {
            continue;
        }
        if our_new.iter().any(|o| same_decision(o, row)) {
            duplicates += 1;
            continue;
        }
        incoming.push(row.clone());
    }
    check_references(case, other, &incoming)?;
    let mut warnings = Vec::new();
    if common == 0 && !ours.is_empty() && !theirs.is_empty() {
        warnings.push(format!(
            "{} shares no decision with this case, so it may come from another case",
            other.display()
        ));
    }
    let appended = if incoming.is_empty() {
        Vec::new()
    } else {
        case.append_decisions(incoming)?
    };
    Ok(MergeReport {
        common,
        appended,
        duplicates,
        conflicts,
        warnings,
    })
}

/// Rejects rows that name a campaign or snapshot this case lacks.
fn check_references(case: &Case, other: &Path, incoming: &[Decision]) -> Result<()> {
    let campaigns: BTreeSet<String> = case
        .campaigns()?
        .into_iter()
        .map(|c| c.campaign_id)
        .collect();
    let snapshots: BTreeSet<i64> = case
        .snapshots()?
        .into_iter()
        .map(|s| s.snapshot_id)
        .collect();
    for row in incoming {
        let missing = match (
            &row.campaign,
            row.snapshot_ids.iter().find(|id| !snapshots.contains(id)),
        ) {
            (Some(campaign), _) if !campaigns.contains(campaign) => format!("campaign {campaign}"),
            (_, Some(snapshot)) => format!("snapshot {snapshot}"),
            _ => continue,
        };
        return Err(Error::invalid_file(
            other,
            format!(
                "decision {} names {missing}, which this case lacks; nothing was merged \
                 (import the same evidence and campaigns first)",
                row.seq
            ),
        ));
    }
    Ok(())
}

fn item(row: &Decision) -> (String, Option<String>) {
    (row.identity_key.clone(), row.entitlement.clone())
}

/// Returns whether two rows record the same decision, equal in all but their place in a
/// chain.
fn same_decision(a: &Decision, b: &Decision) -> bool {
    a.decided_at == b.decided_at
        && a.identity_key == b.identity_key
        && a.entitlement == b.entitlement
        && a.verdict == b.verdict
        && a.reviewer == b.reviewer
        && a.justification == b.justification
        && a.campaign == b.campaign
}

/// Reads the decisions of a case file or of a `decisions.jsonl`, and rejects a journal
/// whose chain is broken, since its rows could be forged.
fn read_journal(path: &Path) -> Result<Vec<Decision>> {
    let is_jsonl = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("jsonl"));
    let decisions = if is_jsonl {
        let text = std::fs::read_to_string(path).map_err(|err| Error::io(path, err))?;
        text.lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(index, line)| {
                serde_json::from_str::<Decision>(line).map_err(|err| {
                    Error::invalid_file(path, format!("line {}: not a decision: {err}", index + 1))
                })
            })
            .collect::<Result<Vec<_>>>()?
    } else {
        Case::open_read_only(path)?.decisions()?
    };
    let rows: Vec<StoredRow<'_>> = decisions.iter().map(StoredRow::of).collect();
    let head = decisions.last().map(|d| (d.seq, d.sha256.as_str()));
    if let Some(broken) = ledger::verify(&rows, head).first_break {
        return Err(Error::invalid_file(
            path,
            format!(
                "its ledger is broken at decision {} ({}); nothing was merged",
                broken.seq, broken.reason
            ),
        ));
    }
    Ok(decisions)
}
