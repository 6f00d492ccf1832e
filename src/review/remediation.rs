//! Whether revocations took effect: each current revoke decision checked against the
//! snapshots imported after it.

use serde::Serialize;

use crate::Result;
use crate::case::{Case, format_ts};

/// The state of a revoked item in the snapshots imported after the revoke.
#[derive(Debug, Clone, Serialize)]
pub struct Remediation {
    pub seq: i64,
    pub identity_key: String,
    pub entitlement: Option<String>,
    pub decided_at: String,
    /// `pending` (no later snapshot of the identity's type), `removed`, `still present`,
    /// or `came back` (absent from a later snapshot, present again in the newest).
    pub status: String,
    /// The newest later snapshot, the one the status is read from.
    pub snapshot_id: Option<i64>,
    /// Presence in each later snapshot, oldest first.
    pub history: Vec<bool>,
}

/// A revoked identity is present while a snapshot has it and it is not inactive; a
/// revoked entitlement while the identity has it (by value or display name). Only
/// snapshots with resources of the identity's type count, since a Groups-only import
/// says nothing about Users.
const REMEDIATION_QUERY: &str = "
WITH revokes AS (
    SELECT * FROM (
        SELECT seq, decided_at, identity_key, entitlement, verdict,
               row_number() OVER (PARTITION BY identity_key, coalesce(entitlement, '')
                                  ORDER BY seq DESC) AS newest
        FROM decisions
    ) WHERE newest = 1 AND verdict = 'revoke'
),
kinds AS (
    SELECT DISTINCT identity_key, resource_type FROM identities
),
typed AS (
    SELECT DISTINCT i.resource_type, s.snapshot_id, s.taken_at, s.created_at
    FROM identities i JOIN snapshots s USING (snapshot_id)
),
checks AS (
    SELECT r.seq, t.snapshot_id, t.taken_at,
           CASE WHEN r.entitlement IS NULL THEN EXISTS (
                    SELECT 1 FROM identities i
                    WHERE i.snapshot_id = t.snapshot_id AND i.identity_key = r.identity_key
                      AND i.active IS DISTINCT FROM false)
                ELSE EXISTS (
                    SELECT 1 FROM entitlements e
                    WHERE e.snapshot_id = t.snapshot_id AND e.identity_key = r.identity_key
                      AND (lower(e.value) = lower(r.entitlement) OR lower(e.display) = lower(r.entitlement)))
           END AS present
    FROM revokes r
    JOIN kinds k USING (identity_key)
    JOIN typed t ON t.resource_type = k.resource_type AND t.created_at > r.decided_at
)
SELECT r.seq, r.identity_key, r.entitlement, r.decided_at,
       arg_max(c.snapshot_id, (c.taken_at, c.snapshot_id)) AS snapshot_id,
       coalesce(list(c.present ORDER BY c.taken_at, c.snapshot_id) FILTER (WHERE c.seq IS NOT NULL), [])
FROM revokes r
LEFT JOIN checks c USING (seq)
GROUP BY r.seq, r.identity_key, r.entitlement, r.decided_at
ORDER BY r.seq";

impl Remediation {
    fn status_of(history: &[bool]) -> &'static str {
        match history {
            [] => "pending",
            [.., false] => "removed",
            [earlier @ .., true] if earlier.contains(&false) => "came back",
            _ => "still present",
        }
    }
}

/// Checks every current revoke decision against the snapshots imported after it.
pub fn check(case: &Case) -> Result<Vec<Remediation>> {
    let mut stmt = case.conn().prepare(REMEDIATION_QUERY)?;
    let rows = stmt.query_map([], |row| {
        let decided_at: chrono::NaiveDateTime = row.get(3)?;
        let history = row.get::<_, duckdb::types::Value>(5).map(booleans)?;
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Option<String>>(2)?,
            format_ts(&decided_at),
            row.get::<_, Option<i64>>(4)?,
            history,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, identity_key, entitlement, decided_at, snapshot_id, history) = row?;
        out.push(Remediation {
            seq,
            status: Remediation::status_of(&history).to_string(),
            identity_key,
            entitlement,
            decided_at,
            snapshot_id,
            history,
        });
    }
    Ok(out)
}

/// Reads a DuckDB list of booleans; anything else reads as an empty list.
fn booleans(value: duckdb::types::Value) -> Vec<bool> {
    match value {
        duckdb::types::Value::List(items) => items
            .into_iter()
            .map(|item| matches!(item, duckdb::types::Value::Boolean(true)))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::Remediation;

    #[test]
    fn status_reads_the_history() {
        assert_eq!(Remediation::status_of(&[]), "pending");
        assert_eq!(Remediation::status_of(&[true, false]), "removed");
        assert_eq!(Remediation::status_of(&[true, true]), "still present");
        assert_eq!(Remediation::status_of(&[false, true]), "came back");
    }
}
