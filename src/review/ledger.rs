//! The hash chain over decisions.
//!
//! Each decision's SHA-256 covers its own fields and the SHA-256 of the decision before
//! it, so editing, deleting or reordering any row breaks the chain at that row. The first
//! decision chains to [`GENESIS`]. A separate head (count and newest hash) catches rows
//! deleted from the end, which leave a shorter but consistent chain.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::Decision;

/// The `prev_sha256` of the first decision.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The row format this build writes. Version 1 rows (before campaigns) hash the fields
/// of [`RowV1`]; version 2 rows also hash the campaign, the snapshot ids and the SHA-256
/// of the evidence the reviewer was shown.
pub const ROW_VERSION: i64 = 2;

/// The fields a decision's hash covers.
#[derive(Debug, Clone)]
pub struct ChainedFields<'a> {
    pub row_version: i64,
    pub seq: i64,
    pub decided_at: &'a str,
    pub campaign: Option<&'a str>,
    pub identity_key: &'a str,
    pub entitlement: Option<&'a str>,
    pub verdict: &'a str,
    pub reviewer: &'a str,
    pub justification: &'a str,
    pub snapshot_ids: &'a [i64],
    pub evidence_sha256: Option<&'a str>,
    pub prev_sha256: &'a str,
}

/// A version 1 row as it was hashed: these fields in this order, nothing else.
#[derive(Serialize)]
struct RowV1<'a> {
    seq: i64,
    decided_at: &'a str,
    identity_key: &'a str,
    entitlement: Option<&'a str>,
    verdict: &'a str,
    reviewer: &'a str,
    justification: &'a str,
    prev_sha256: &'a str,
}

#[derive(Serialize)]
struct RowV2<'a> {
    row_version: i64,
    seq: i64,
    decided_at: &'a str,
    campaign: Option<&'a str>,
    identity_key: &'a str,
    entitlement: Option<&'a str>,
    verdict: &'a str,
    reviewer: &'a str,
    justification: &'a str,
    snapshot_ids: &'a [i64],
    evidence_sha256: Option<&'a str>,
    prev_sha256: &'a str,
}

impl ChainedFields<'_> {
    /// SHA-256 over the fields of the row's version, serialised as JSON in declaration
    /// order. A row of an unknown version hashes as version 2, so it fails to verify
    /// unless it was written as one.
    pub fn sha256(&self) -> String {
        // Serialising a struct of strings and integers cannot fail.
        let canonical = if self.row_version == 1 {
            serde_json::to_vec(&RowV1 {
                seq: self.seq,
                decided_at: self.decided_at,
                identity_key: self.identity_key,
                entitlement: self.entitlement,
                verdict: self.verdict,
                reviewer: self.reviewer,
                justification: self.justification,
                prev_sha256: self.prev_sha256,
            })
        } else {
            serde_json::to_vec(&RowV2 {
                row_version: self.row_version,
                seq: self.seq,
                decided_at: self.decided_at,
                campaign: self.campaign,
                identity_key: self.identity_key,
                entitlement: self.entitlement,
                verdict: self.verdict,
                reviewer: self.reviewer,
                justification: self.justification,
                snapshot_ids: self.snapshot_ids,
                evidence_sha256: self.evidence_sha256,
                prev_sha256: self.prev_sha256,
            })
        };
        hex::encode(Sha256::digest(canonical.unwrap_or_default()))
    }
}

/// The first break in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Break {
    /// The `seq` of the first bad row, or of the first missing one.
    pub seq: i64,
    pub reason: String,
}

/// The result of checking a ledger.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    pub decisions: usize,
    pub head_sha256: String,
    pub first_break: Option<Break>,
}

/// One stored row as verification reads it.
pub struct StoredRow<'a> {
    pub fields: ChainedFields<'a>,
    pub sha256: &'a str,
}

impl<'a> StoredRow<'a> {
    /// Borrows the chained fields and the stored hash of a decision, whether it was read
    /// from the case or from an exported pack.
    pub fn of(decision: &'a Decision) -> StoredRow<'a> {
        StoredRow {
            fields: ChainedFields {
                row_version: decision.row_version,
                seq: decision.seq,
                decided_at: &decision.decided_at,
                campaign: decision.campaign.as_deref(),
                identity_key: &decision.identity_key,
                entitlement: decision.entitlement.as_deref(),
                verdict: &decision.verdict,
                reviewer: &decision.reviewer,
                justification: &decision.justification,
                snapshot_ids: &decision.snapshot_ids,
                evidence_sha256: decision.evidence_sha256.as_deref(),
                prev_sha256: &decision.prev_sha256,
            },
            sha256: &decision.sha256,
        }
    }
}

/// Checks stored rows, in `seq` order, against the chain and the recorded head.
pub fn verify(rows: &[StoredRow<'_>], head: Option<(i64, &str)>) -> Verification {
    let mut prev = GENESIS.to_string();
    let mut first_break = None;
    for (index, row) in rows.iter().enumerate() {
        let expected_seq = index as i64 + 1;
        let fields = &row.fields;
        let problem = if fields.seq != expected_seq {
            Some((
                expected_seq,
                format!(
                    "expected seq {expected_seq} but found seq {}: a row is missing or was renumbered",
                    fields.seq
                ),
            ))
        } else if fields.prev_sha256 != prev {
            Some((
                fields.seq,
                "prev_sha256 does not match the row before it: a row was deleted, inserted or reordered here".to_string(),
            ))
        } else if fields.sha256() != row.sha256 {
            Some((
                fields.seq,
                "content does not match its sha256: the row was edited".to_string(),
            ))
        } else {
            None
        };
        if let Some((seq, reason)) = problem {
            first_break = Some(Break { seq, reason });
            break;
        }
        prev = row.sha256.to_string();
    }
    if first_break.is_none() {
        first_break = check_head(rows.len(), &prev, head);
    }
    Verification {
        decisions: rows.len(),
        head_sha256: prev,
        first_break,
    }
}

fn check_head(count: usize, last_sha256: &str, head: Option<(i64, &str)>) -> Option<Break> {
    let count = count as i64;
    match head {
        None if count == 0 => None,
        None => Some(Break {
            seq: 1,
            reason: "the ledger head is missing".to_string(),
        }),
        Some((recorded, _)) if recorded > count => Some(Break {
            seq: count + 1,
            reason: format!(
                "the head records {recorded} decisions but only {count} remain: rows were deleted from the end"
            ),
        }),
        Some((recorded, _)) if recorded < count => Some(Break {
            seq: recorded + 1,
            reason: format!(
                "the head records {recorded} decisions but {count} exist: rows were appended outside scimtrail"
            ),
        }),
        Some((_, sha)) if sha != last_sha256 => Some(Break {
            seq: count,
            reason: "the newest row does not match the hash recorded in the head".to_string(),
        }),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<(ChainedFields<'static>, String)> {
        let mut prev = GENESIS.to_string();
        let mut out = Vec::new();
        for seq in 1..=n {
            let fields = ChainedFields {
                // Odd rows in the old format, so one chain mixes both versions.
                row_version: if seq % 2 == 1 { 1 } else { ROW_VERSION },
                seq,
                decided_at: "2026-12-01T10:00:00.000000Z",
                campaign: None,
                identity_key: "User/u-1",
                entitlement: None,
                verdict: "revoke",
                reviewer: "alice@example.com",
                justification: "no owner",
                snapshot_ids: &[1],
                evidence_sha256: None,
                prev_sha256: Box::leak(prev.clone().into_boxed_str()),
            };
            let sha = fields.sha256();
            prev = sha.clone();
            out.push((fields, sha));
        }
        out
    }

    fn stored<'a>(rows: &'a [(ChainedFields<'static>, String)]) -> Vec<StoredRow<'a>> {
        rows.iter()
            .map(|(f, s)| StoredRow {
                fields: f.clone(),
                sha256: s,
            })
            .collect()
    }

    #[test]
    fn intact_chain_verifies() {
        let rows = chain(3);
        let head = rows[2].1.clone();
        let result = verify(&stored(&rows), Some((3, &head)));
        assert_eq!(result.first_break, None);
        assert_eq!(result.decisions, 3);
    }

    #[test]
    fn edited_row_is_named() {
        let mut rows = chain(3);
        rows[1].0.justification = "edited";
        let head = rows[2].1.clone();
        let result = verify(&stored(&rows), Some((3, &head)));
        assert_eq!(result.first_break.map(|b| b.seq), Some(2));
    }

    #[test]
    fn version_one_hash_is_unchanged() {
        let rows = chain(1);
        // The hash a version 1 row had before version 2 existed.
        let old = hex::encode(Sha256::digest(
            br#"{"seq":1,"decided_at":"2026-12-01T10:00:00.000000Z","identity_key":"User/u-1","entitlement":null,"verdict":"revoke","reviewer":"alice@example.com","justification":"no owner","prev_sha256":"0000000000000000000000000000000000000000000000000000000000000000"}"#,
        ));
        assert_eq!(rows[0].1, old);
    }

    #[test]
    fn edited_snapshot_ids_are_caught() {
        let mut rows = chain(2);
        rows[1].0.snapshot_ids = &[2];
        let head = rows[1].1.clone();
        let result = verify(&stored(&rows), Some((2, &head)));
        assert_eq!(result.first_break.map(|b| b.seq), Some(2));
    }

    #[test]
    fn deleted_tail_is_detected() {
        let rows = chain(3);
        let head = rows[2].1.clone();
        let result = verify(&stored(&rows[..2]), Some((3, &head)));
        assert_eq!(result.first_break.map(|b| b.seq), Some(3));
    }

    #[test]
    fn deleted_middle_row_is_named() {
        let mut rows = chain(3);
        rows.remove(1);
        let head = rows[1].1.clone();
        let result = verify(&stored(&rows), Some((3, &head)));
        assert_eq!(result.first_break.map(|b| b.seq), Some(2));
    }
}
