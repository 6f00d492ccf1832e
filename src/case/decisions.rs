use duckdb::params;

use super::{Case, format_ts};
use crate::model::{Decision, NewDecision};
use crate::review::ledger::{self, ChainedFields, GENESIS, StoredRow, Verification};
use crate::{Error, Result};

impl Case {
    /// Appends a decision to the ledger and returns it as stored.
    pub fn decide(&self, new: &NewDecision) -> Result<Decision> {
        if self.read_only {
            return Err(Error::InvalidInput(
                "the case is open read-only (--read-only), so decisions cannot be recorded".into(),
            ));
        }
        if new.reviewer.trim().is_empty() {
            return Err(Error::InvalidInput("the reviewer must not be empty".into()));
        }
        if new.justification.trim().is_empty() {
            return Err(Error::InvalidInput("a justification is required".into()));
        }
        let identity_key = self.resolve_identity(&new.identity)?;
        if let Some(entitlement) = &new.entitlement {
            self.check_entitlement(&identity_key, entitlement)?;
        }
        self.transaction(|conn| {
            let (seq, prev): (i64, Option<String>) = conn.query_row(
                "SELECT coalesce(max(seq), 0) + 1, arg_max(sha256, seq) FROM decisions",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )?;
            let prev = prev.unwrap_or_else(|| GENESIS.to_string());
            // Microseconds are what a TIMESTAMP keeps, so the hashed text survives a
            // round trip through the case.
            let now = chrono::Utc::now().naive_utc();
            let decided_at = format_ts(&now);
            let fields = ChainedFields {
                seq,
                decided_at: &decided_at,
                identity_key: &identity_key,
                entitlement: new.entitlement.as_deref(),
                verdict: new.verdict.as_str(),
                reviewer: new.reviewer.trim(),
                justification: new.justification.trim(),
                prev_sha256: &prev,
            };
            let sha256 = fields.sha256();
            conn.execute(
                "INSERT INTO decisions VALUES (?, ?::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?)",
                params![
                    seq,
                    decided_at.trim_end_matches('Z'),
                    identity_key,
                    fields.entitlement,
                    fields.verdict,
                    fields.reviewer,
                    fields.justification,
                    prev,
                    sha256
                ],
            )?;
            conn.execute_batch("DELETE FROM ledger_head")?;
            conn.execute(
                "INSERT INTO ledger_head VALUES (?, ?)",
                params![seq, sha256],
            )?;
            Ok(Decision {
                seq,
                decided_at: decided_at.clone(),
                identity_key: identity_key.clone(),
                entitlement: new.entitlement.clone(),
                verdict: fields.verdict.to_string(),
                reviewer: fields.reviewer.to_string(),
                justification: fields.justification.to_string(),
                prev_sha256: prev.clone(),
                sha256,
                current: true,
            })
        })
    }

    /// Checks that the identity has `entitlement` (by value or display name) in its
    /// newest snapshot.
    fn check_entitlement(&self, identity_key: &str, entitlement: &str) -> Result<()> {
        let held: i64 = self.conn.query_row(
            "SELECT count(*) FROM entitlements e
             JOIN current_identities i ON i.identity_key = e.identity_key AND i.snapshot_id = e.snapshot_id
             WHERE e.identity_key = $1 AND (lower(e.value) = lower($2) OR lower(e.display) = lower($2))",
            params![identity_key, entitlement],
            |row| row.get(0),
        )?;
        if held == 0 {
            return Err(Error::NotFound(format!(
                "{identity_key} has no entitlement {entitlement:?}; list its entitlements with \
                 `scimtrail sql \"select kind, value, display from entitlements where identity_key = '{identity_key}'\"`"
            )));
        }
        Ok(())
    }

    /// Every decision in ledger order, each marked current unless a later one on the same
    /// identity and entitlement supersedes it.
    pub fn decisions(&self) -> Result<Vec<Decision>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, decided_at, identity_key, entitlement, verdict, reviewer, justification,
                    prev_sha256, sha256,
                    seq = max(seq) OVER (PARTITION BY identity_key, coalesce(entitlement, ''))
             FROM decisions ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |row| {
            let decided_at: chrono::NaiveDateTime = row.get(1)?;
            Ok(Decision {
                seq: row.get(0)?,
                decided_at: format_ts(&decided_at),
                identity_key: row.get(2)?,
                entitlement: row.get(3)?,
                verdict: row.get(4)?,
                reviewer: row.get(5)?,
                justification: row.get(6)?,
                prev_sha256: row.get(7)?,
                sha256: row.get(8)?,
                current: row.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Recomputes the ledger's hash chain and compares it with the recorded head.
    pub fn verify_ledger(&self) -> Result<Verification> {
        let decisions = self.decisions()?;
        let head: Option<(i64, String)> = {
            let mut stmt = self
                .conn
                .prepare("SELECT decisions, sha256 FROM ledger_head")?;
            let heads = stmt
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<Result<Vec<(i64, String)>, _>>()?;
            heads.into_iter().max_by_key(|(count, _)| *count)
        };
        let rows: Vec<StoredRow<'_>> = decisions.iter().map(StoredRow::of).collect();
        Ok(ledger::verify(
            &rows,
            head.as_ref().map(|(count, sha)| (*count, sha.as_str())),
        ))
    }
}
