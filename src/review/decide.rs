//! Recording decisions as a reviewer: one identity or a selection, inside a campaign or
//! not, each with the findings the reviewer was shown and their hash.

use sha2::{Digest, Sha256};

use super::findings::{self, Finding};
use super::rules::{Check, RuleSet};
use crate::case::Case;
use crate::model::{Decision, DecisionContext, NewDecision, Verdict};
use crate::{Error, Result};

/// A reviewer's decision on one or more identities.
#[derive(Debug, Clone)]
pub struct DecisionRequest {
    /// Identifiers of the identities (key, SCIM id, userName, externalId or email).
    pub identities: Vec<String>,
    pub entitlement: Option<String>,
    pub verdict: Verdict,
    pub reviewer: String,
    pub justification: String,
    pub campaign: Option<String>,
    /// Also decide on every identity that this rule has a finding on.
    pub from_rule: Option<String>,
}

/// Checks every decision of the request, then appends them in order; when one check
/// fails, nothing is appended.
///
/// Every caller that records a reviewer's decision (CLI, TUI) goes through this function:
/// `Case::decide` only appends to the ledger and checks neither campaign, scope, owner
/// nor justification rules.
pub fn record(case: &Case, request: &DecisionRequest, rules: &RuleSet) -> Result<Vec<Decision>> {
    let campaign = match &request.campaign {
        Some(id) => Some(case.campaign(id)?),
        None => None,
    };
    if let Some(campaign) = &campaign
        && !campaign
            .reviewers
            .iter()
            .any(|r| r.eq_ignore_ascii_case(request.reviewer.trim()))
    {
        return Err(Error::InvalidInput(format!(
            "{} is not a reviewer of campaign {} ({})",
            request.reviewer,
            campaign.campaign_id,
            campaign.reviewers.join(", ")
        )));
    }
    let in_scope = match &campaign {
        Some(campaign) => Some(case.campaign_items(campaign)?),
        None => None,
    };
    let shown = findings::run(case, rules, None)?;
    let reviewer_keys = case.reviewer_keys(&request.reviewer)?;
    let identities = select(request, rules, &shown.findings)?;

    let mut prepared = Vec::new();
    for identity in &identities {
        let key = case.resolve_identity(identity)?;
        if let Some(items) = &in_scope
            && !items.iter().any(|item| item.identity_key == key)
        {
            return Err(Error::InvalidInput(format!(
                "{key} is not in the scope of campaign {}",
                request.campaign.as_deref().unwrap_or_default()
            )));
        }
        let snapshot_id = match &campaign {
            Some(campaign) => campaign.snapshot_id,
            None => case.current_snapshot_of(&key)?,
        };
        check_independent(case, request, &reviewer_keys, &key, snapshot_id)?;
        let about: Vec<&Finding> = shown
            .findings
            .iter()
            .filter(|f| f.subject == key && !is_about_approval(f.check))
            .collect();
        let new = NewDecision {
            identity: key.clone(),
            entitlement: request.entitlement.clone(),
            verdict: request.verdict,
            reviewer: request.reviewer.clone(),
            justification: request.justification.clone(),
        };
        new.check_justification(!about.is_empty())?;
        let context = DecisionContext {
            campaign: campaign.as_ref().map(|c| c.campaign_id.clone()),
            snapshot_ids: vec![snapshot_id],
            evidence_sha256: Some(evidence_sha256(&key, snapshot_id, &about)?),
            has_findings: !about.is_empty(),
        };
        prepared.push((new, context));
    }
    prepared
        .iter()
        .map(|(new, context)| case.decide_with(new, context))
        .collect()
}

/// Rejects a reviewer who is the identity itself, or one of its owners or sponsors. The
/// reviewer and each owner value are resolved through the alias table, so a SCIM id,
/// externalId, userName or email of the same person all count as that person.
fn check_independent(
    case: &Case,
    request: &DecisionRequest,
    reviewer_keys: &[String],
    key: &str,
    snapshot_id: i64,
) -> Result<()> {
    if reviewer_keys.iter().any(|k| k == key) {
        return Err(Error::InvalidInput(format!(
            "{} is {key}, and nobody may decide on their own identity",
            request.reviewer
        )));
    }
    let reviewer = request.reviewer.trim();
    let owners = case.owners_of(key, snapshot_id)?;
    let own = owners.iter().find(|owner| match &owner.identity_key {
        Some(owner_key) => reviewer_keys.contains(owner_key),
        None => owner.value.eq_ignore_ascii_case(reviewer),
    });
    match own {
        Some(owner) => Err(Error::InvalidInput(format!(
            "{} owns or sponsors {key} (as {}), so another reviewer must decide on it",
            request.reviewer, owner.value
        ))),
        None => Ok(()),
    }
}

/// Returns the identities named in the request, then the subjects of `from_rule`'s
/// findings, each once.
fn select(request: &DecisionRequest, rules: &RuleSet, shown: &[Finding]) -> Result<Vec<String>> {
    let mut identities = request.identities.clone();
    if let Some(rule) = &request.from_rule {
        check_rule_subjects(rules, rule)?;
        let before = identities.len();
        for finding in shown.iter().filter(|f| &f.rule == rule) {
            if !identities.contains(&finding.subject) {
                identities.push(finding.subject.clone());
            }
        }
        if identities.len() == before {
            return Err(Error::NotFound(format!(
                "rule {rule:?} has no finding to decide on; list them with `scimtrail findings`"
            )));
        }
    }
    if identities.is_empty() {
        return Err(Error::InvalidInput(
            "name at least one identity (--identity) or a rule (--from-rule)".into(),
        ));
    }
    Ok(identities)
}

/// Rejects a rule that does not exist, or whose findings are not about identities.
fn check_rule_subjects(rules: &RuleSet, rule_id: &str) -> Result<()> {
    let Some(rule) = rules.rules.iter().find(|r| r.id == rule_id) else {
        return Err(Error::NotFound(format!(
            "no such rule {rule_id:?}; list the rules with `scimtrail findings --print-rules`"
        )));
    };
    let subjects = match rule.check {
        Check::ShadowIdentity => "shadow actors, which match no SCIM identity",
        Check::StaleCredential => "credentials, not identities",
        _ => return Ok(()),
    };
    Err(Error::InvalidInput(format!(
        "rule {rule_id:?} finds {subjects}, so there is no identity to decide on; \
         map an actor to an identity with `import --aliases FILE`, or decide with --identity"
    )))
}

/// Approval findings are about earlier decisions, not about the identity's access.
fn is_about_approval(check: Check) -> bool {
    matches!(check, Check::ApprovalUnchanged | Check::ApprovalChanged)
}

/// SHA-256 of the identity, its snapshot and the findings shown with their evidence rows,
/// as compact JSON with sorted keys, so an auditor can recompute it from `findings
/// --format json` on the same case and as-of time.
pub fn evidence_sha256(identity_key: &str, snapshot_id: i64, shown: &[&Finding]) -> Result<String> {
    let document = serde_json::json!({
        "identity_key": identity_key,
        "snapshot_id": snapshot_id,
        "findings": shown
            .iter()
            .map(|f| serde_json::json!({ "id": f.id, "evidence": f.evidence }))
            .collect::<Vec<_>>(),
    });
    Ok(hex::encode(Sha256::digest(serde_json::to_vec(&document)?)))
}
