use serde::{Deserialize, Serialize};

/// A reviewer's verdict on an identity or one of its entitlements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Approve,
    Revoke,
    Flag,
    /// The reviewer declines to decide, for example for lack of knowledge.
    Abstain,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Approve => "approve",
            Verdict::Revoke => "revoke",
            Verdict::Flag => "flag",
            Verdict::Abstain => "abstain",
        }
    }

    pub fn parse(text: &str) -> Option<Verdict> {
        match text {
            "approve" => Some(Verdict::Approve),
            "revoke" => Some(Verdict::Revoke),
            "flag" => Some(Verdict::Flag),
            "abstain" => Some(Verdict::Abstain),
            _ => None,
        }
    }
}

/// A decision as the reviewer states it, before the ledger numbers and hashes it.
#[derive(Debug, Clone)]
pub struct NewDecision {
    /// Any identifier of the identity: its key, SCIM id, userName or externalId.
    pub identity: String,
    pub entitlement: Option<String>,
    pub verdict: Verdict,
    pub reviewer: String,
    pub justification: String,
}

impl NewDecision {
    /// Rejects a decision without a justification where one is required: a revoke always,
    /// and an approve of an item with findings.
    pub fn check_justification(&self, has_findings: bool) -> crate::Result<()> {
        if !self.justification.trim().is_empty() {
            return Ok(());
        }
        let reason = match self.verdict {
            Verdict::Revoke => "a revoke needs a justification (--justification)",
            Verdict::Approve if has_findings => {
                "approving an item with findings needs a justification (--justification); \
                 see the findings with `scimtrail findings --explain`"
            }
            _ => return Ok(()),
        };
        Err(crate::Error::InvalidInput(format!(
            "{}: {reason}",
            self.identity
        )))
    }
}

/// What a decision was made on, beyond the decision itself.
#[derive(Debug, Clone, Default)]
pub struct DecisionContext {
    pub campaign: Option<String>,
    /// The snapshots the reviewer saw; empty means the identity's newest one.
    pub snapshot_ids: Vec<i64>,
    /// SHA-256 of the evidence rows shown to the reviewer.
    pub evidence_sha256: Option<String>,
    /// Whether findings were shown, which makes a justification required for approve.
    pub has_findings: bool,
}

/// One row of the append-only decision ledger.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Decision {
    /// The row format (see `review::ledger::ROW_VERSION`); packs written before version 2
    /// lack the field.
    #[serde(default = "first_row_version")]
    pub row_version: i64,
    pub seq: i64,
    /// RFC 3339 UTC with microseconds, the form the row hash covers.
    pub decided_at: String,
    #[serde(default)]
    pub campaign: Option<String>,
    pub identity_key: String,
    pub entitlement: Option<String>,
    pub verdict: String,
    pub reviewer: String,
    pub justification: String,
    #[serde(default)]
    pub snapshot_ids: Vec<i64>,
    #[serde(default)]
    pub evidence_sha256: Option<String>,
    pub prev_sha256: String,
    pub sha256: String,
    /// False once a later decision on the same identity and entitlement supersedes it.
    pub current: bool,
}

fn first_row_version() -> i64 {
    1
}
