use serde::{Deserialize, Serialize};

/// A reviewer's verdict on an identity or one of its entitlements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Approve,
    Revoke,
    Flag,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Approve => "approve",
            Verdict::Revoke => "revoke",
            Verdict::Flag => "flag",
        }
    }

    pub fn parse(text: &str) -> Option<Verdict> {
        match text {
            "approve" => Some(Verdict::Approve),
            "revoke" => Some(Verdict::Revoke),
            "flag" => Some(Verdict::Flag),
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

/// One row of the append-only decision ledger.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Decision {
    pub seq: i64,
    /// RFC 3339 UTC with microseconds, the form the row hash covers.
    pub decided_at: String,
    pub identity_key: String,
    pub entitlement: Option<String>,
    pub verdict: String,
    pub reviewer: String,
    pub justification: String,
    pub prev_sha256: String,
    pub sha256: String,
    /// False once a later decision on the same identity and entitlement supersedes it.
    pub current: bool,
}
