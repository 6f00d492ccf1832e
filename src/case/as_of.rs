use duckdb::params;

use super::{Case, format_ts};
use crate::Result;
use crate::model::{IdentityKind, IdentityState, StateBasis};

/// `$1` is a JSON array of `{"k": identity key, "t": time}`. For each pair, the snapshot
/// whose state applies (see [`StateBasis`]): the newest snapshot at or before the time that
/// contains the identity, else the oldest one after it. The newest snapshot at or before the
/// time that contains resources of the identity's type tells whether it was deleted by then
/// (it lacks the identity) or not yet provisioned (no earlier snapshot had it).
const AS_OF_QUERY: &str = "
WITH q AS (
    SELECT DISTINCT u.k AS identity_key, u.t AS as_of
    FROM (SELECT unnest(from_json($1::VARCHAR, '[{\"k\":\"VARCHAR\",\"t\":\"TIMESTAMP\"}]')) AS u)
),
present AS (
    SELECT i.identity_key, i.resource_type, i.snapshot_id, s.taken_at
    FROM identities i JOIN snapshots s USING (snapshot_id)
    WHERE i.identity_key IN (SELECT identity_key FROM q)
),
typed AS (
    SELECT DISTINCT i.resource_type, i.snapshot_id, s.taken_at
    FROM identities i JOIN snapshots s USING (snapshot_id)
),
held_before AS (
    SELECT q.identity_key, q.as_of, p.snapshot_id
    FROM q JOIN present p ON p.identity_key = q.identity_key AND p.taken_at <= q.as_of
    QUALIFY row_number() OVER (PARTITION BY q.identity_key, q.as_of
                               ORDER BY p.taken_at DESC, p.snapshot_id DESC) = 1
),
held_after AS (
    SELECT q.identity_key, q.as_of, p.snapshot_id
    FROM q JOIN present p ON p.identity_key = q.identity_key AND NOT (p.taken_at <= q.as_of)
    QUALIFY row_number() OVER (PARTITION BY q.identity_key, q.as_of
                               ORDER BY p.taken_at, p.snapshot_id) = 1
),
covering AS (
    SELECT q.identity_key, q.as_of, ty.snapshot_id
    FROM q
    JOIN (SELECT DISTINCT identity_key, resource_type FROM present) kt USING (identity_key)
    JOIN typed ty ON ty.resource_type = kt.resource_type AND ty.taken_at <= q.as_of
    QUALIFY row_number() OVER (PARTITION BY q.identity_key, q.as_of
                               ORDER BY ty.taken_at DESC, ty.snapshot_id DESC) = 1
),
chosen AS (
    SELECT q.identity_key, q.as_of,
           coalesce(b.snapshot_id, a.snapshot_id) AS snapshot_id,
           CASE WHEN c.snapshot_id IS NULL THEN 'oldest_after'
                WHEN b.snapshot_id IS NULL THEN 'not_yet_provisioned'
                WHEN b.snapshot_id <> c.snapshot_id THEN 'deleted'
                ELSE 'as_of' END AS basis
    FROM q
    LEFT JOIN held_before b USING (identity_key, as_of)
    LEFT JOIN held_after a USING (identity_key, as_of)
    LEFT JOIN covering c USING (identity_key, as_of)
)
SELECT ch.as_of, i.identity_key, i.scim_id, i.user_name, i.resource_type, i.kind, i.active,
       i.owner, i.snapshot_id, s.taken_at, ch.basis
FROM chosen ch
JOIN identities i ON i.identity_key = ch.identity_key AND i.snapshot_id = ch.snapshot_id
JOIN snapshots s ON s.snapshot_id = ch.snapshot_id";

impl Case {
    /// Returns the identity's state at `at`, or None when no snapshot has the identity.
    pub fn identity_as_of(
        &self,
        identity_key: &str,
        at: chrono::NaiveDateTime,
    ) -> Result<Option<IdentityState>> {
        let mut states = self.identity_states_at(&[(identity_key.to_string(), at)])?;
        Ok(states.pop().map(|(_, state)| state))
    }

    /// Returns the state of each identity at each time, in one query. Pairs whose identity
    /// no snapshot has are left out.
    pub fn identity_states_at(
        &self,
        pairs: &[(String, chrono::NaiveDateTime)],
    ) -> Result<Vec<(chrono::NaiveDateTime, IdentityState)>> {
        let query: Vec<serde_json::Value> = pairs
            .iter()
            .map(|(key, at)| serde_json::json!({ "k": key, "t": at.format("%Y-%m-%d %H:%M:%S%.6f").to_string() }))
            .collect();
        let mut stmt = self.conn.prepare(AS_OF_QUERY)?;
        let rows = stmt.query_map(params![serde_json::to_string(&query)?], |row| {
            let kind: String = row.get(5)?;
            let taken_at: Option<chrono::NaiveDateTime> = row.get(9)?;
            let basis: String = row.get(10)?;
            let state = IdentityState {
                identity_key: row.get(1)?,
                id: row.get(2)?,
                user_name: row.get(3)?,
                resource_type: row.get(4)?,
                kind: IdentityKind::parse(&kind),
                active: row.get(6)?,
                owner: row.get(7)?,
                snapshot_id: row.get(8)?,
                snapshot_taken_at: taken_at.as_ref().map(format_ts),
                state_basis: StateBasis::parse(&basis),
            };
            Ok((row.get::<_, chrono::NaiveDateTime>(0)?, state))
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}
