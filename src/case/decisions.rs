use duckdb::{Connection, params};

use super::{Case, format_ts};
use crate::model::{Decision, DecisionContext, NewDecision};
use crate::review::ledger::{self, GENESIS, ROW_VERSION, StoredRow, Verification};
use crate::{Error, Result};

const DECISION_COLUMNS: &str = "seq, decided_at, identity_key, entitlement, verdict, reviewer,
    justification, prev_sha256, sha256, row_version, campaign_id, snapshot_ids, evidence_sha256";

impl Case {
    /// Appends a decision made outside any campaign, on the identity's newest snapshot.
    /// It checks no reviewer rule, so a reviewer's decision goes through
    /// `review::decide::record` instead.
    pub fn decide(&self, new: &NewDecision) -> Result<Decision> {
        self.decide_with(new, &DecisionContext::default())
    }

    /// Appends a decision with what it was made on and returns it as stored. A revoke
    /// always needs a justification, and an approve does when findings were shown.
    pub fn decide_with(&self, new: &NewDecision, context: &DecisionContext) -> Result<Decision> {
        if self.read_only {
            return Err(Error::InvalidInput(
                "the case is open read-only (--read-only), so decisions cannot be recorded".into(),
            ));
        }
        if new.reviewer.trim().is_empty() {
            return Err(Error::InvalidInput("the reviewer must not be empty".into()));
        }
        new.check_justification(context.has_findings)?;
        let identity_key = self.resolve_identity(&new.identity)?;
        if let Some(entitlement) = &new.entitlement {
            self.check_entitlement(&identity_key, entitlement)?;
        }
        let snapshot_ids = if context.snapshot_ids.is_empty() {
            vec![self.current_snapshot_of(&identity_key)?]
        } else {
            context.snapshot_ids.clone()
        };
        // Microseconds are what a TIMESTAMP keeps, so the hashed text survives a round
        // trip through the case.
        let decided_at = format_ts(&chrono::Utc::now().naive_utc());
        let row = Decision {
            row_version: ROW_VERSION,
            seq: 0,
            decided_at,
            campaign: context.campaign.clone(),
            identity_key,
            entitlement: new.entitlement.clone(),
            verdict: new.verdict.as_str().to_string(),
            reviewer: new.reviewer.trim().to_string(),
            justification: new.justification.trim().to_string(),
            snapshot_ids,
            evidence_sha256: context.evidence_sha256.clone(),
            prev_sha256: String::new(),
            sha256: String::new(),
            current: true,
        };
        let mut appended = self.append_decisions(vec![row])?;
        appended
            .pop()
            .ok_or_else(|| Error::InvalidInput("no decision was appended".into()))
    }

    /// Appends decisions in one transaction, numbering and chaining each after the
    /// ledger's head. Every other field is stored as given, so a decision merged from
    /// another reviewer's case keeps its time, reviewer and evidence.
    pub fn append_decisions(&self, rows: Vec<Decision>) -> Result<Vec<Decision>> {
        if self.read_only {
            return Err(Error::InvalidInput(
                "the case is open read-only (--read-only), so decisions cannot be recorded".into(),
            ));
        }
        self.transaction(|conn| {
            let (mut seq, prev): (i64, Option<String>) = conn.query_row(
                "SELECT coalesce(max(seq), 0), arg_max(sha256, seq) FROM decisions",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )?;
            let mut prev = prev.unwrap_or_else(|| GENESIS.to_string());
            let mut appended = Vec::new();
            for mut row in rows {
                seq += 1;
                row.row_version = ROW_VERSION;
                row.seq = seq;
                row.prev_sha256 = prev.clone();
                row.sha256 = ledger::StoredRow::of(&row).fields.sha256();
                insert(conn, &row)?;
                prev = row.sha256.clone();
                appended.push(row);
            }
            conn.execute_batch("DELETE FROM ledger_head")?;
            conn.execute("INSERT INTO ledger_head VALUES (?, ?)", params![seq, prev])?;
            Ok(appended)
        })
    }

    /// Returns the id of the newest snapshot that contains the identity.
    pub fn current_snapshot_of(&self, identity_key: &str) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT snapshot_id FROM current_identities WHERE identity_key = $1",
            params![identity_key],
            |row| row.get(0),
        )?)
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
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {DECISION_COLUMNS},
                    seq = max(seq) OVER (PARTITION BY identity_key, coalesce(entitlement, ''))
             FROM decisions ORDER BY seq"
        ))?;
        let rows = stmt.query_map([], |row| {
            let decided_at: chrono::NaiveDateTime = row.get(1)?;
            let snapshot_ids: Option<String> = row.get(11)?;
            Ok((
                Decision {
                    row_version: row.get::<_, Option<i64>>(9)?.unwrap_or(1),
                    seq: row.get(0)?,
                    decided_at: format_ts(&decided_at),
                    campaign: row.get(10)?,
                    identity_key: row.get(2)?,
                    entitlement: row.get(3)?,
                    verdict: row.get(4)?,
                    reviewer: row.get(5)?,
                    justification: row.get(6)?,
                    snapshot_ids: Vec::new(),
                    evidence_sha256: row.get(12)?,
                    prev_sha256: row.get(7)?,
                    sha256: row.get(8)?,
                    current: row.get(13)?,
                },
                snapshot_ids.unwrap_or_default(),
            ))
        })?;
        let mut decisions = Vec::new();
        for row in rows {
            let (mut decision, snapshot_ids) = row?;
            // An unreadable list is kept empty, so the row's hash no longer matches and
            // verify names it.
            decision.snapshot_ids = serde_json::from_str(&snapshot_ids).unwrap_or_default();
            decisions.push(decision);
        }
        Ok(decisions)
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

fn insert(conn: &Connection, row: &Decision) -> Result<()> {
    conn.execute(
        &format!(
            "INSERT INTO decisions ({DECISION_COLUMNS})
             VALUES (?, ?::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ),
        params![
            row.seq,
            row.decided_at.trim_end_matches('Z'),
            row.identity_key,
            row.entitlement,
            row.verdict,
            row.reviewer,
            row.justification,
            row.prev_sha256,
            row.sha256,
            row.row_version,
            row.campaign,
            serde_json::to_string(&row.snapshot_ids)?,
            row.evidence_sha256,
        ],
    )?;
    Ok(())
}
