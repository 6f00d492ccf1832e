use duckdb::params;

use super::{Case, format_ts};
use crate::model::{IdentityKind, IdentityRow};
use crate::{Error, Result};

const IDENTITY_QUERY: &str = "
WITH activity AS (
    SELECT identity_key, count(*) AS event_count, max(ts) AS last_seen
    FROM event_actors
    GROUP BY identity_key
),
latest_decision AS (
    SELECT identity_key, verdict FROM decisions WHERE entitlement IS NULL
    QUALIFY row_number() OVER (PARTITION BY identity_key ORDER BY seq DESC) = 1
)
SELECT i.identity_key, i.scim_id, i.resource_type, i.kind, i.user_name, i.display_name,
       i.external_id, i.active, i.owner, i.snapshot_id,
       coalesce(a.event_count, 0), a.last_seen, d.verdict
FROM current_identities i
LEFT JOIN activity a USING (identity_key)
LEFT JOIN latest_decision d USING (identity_key)
ORDER BY i.kind, lower(coalesce(i.user_name, i.display_name, i.scim_id))";

impl Case {
    /// Every identity in its newest snapshot, ordered by kind (agent, group, human, other,
    /// service) and then by name.
    pub fn identities(&self) -> Result<Vec<IdentityRow>> {
        let mut stmt = self.conn.prepare(IDENTITY_QUERY)?;
        let rows = stmt.query_map([], |row| {
            let kind: String = row.get(3)?;
            let last_seen: Option<chrono::NaiveDateTime> = row.get(11)?;
            Ok(IdentityRow {
                identity_key: row.get(0)?,
                id: row.get(1)?,
                resource_type: row.get(2)?,
                kind: IdentityKind::parse(&kind),
                user_name: row.get(4)?,
                display_name: row.get(5)?,
                external_id: row.get(6)?,
                active: row.get(7)?,
                owner: row.get(8)?,
                snapshot_id: row.get(9)?,
                event_count: row.get(10)?,
                last_seen: last_seen.as_ref().map(format_ts),
                decision: row.get(12)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Finds the identity that `identifier` names: its key, SCIM id, externalId,
    /// userName or an email, compared without case.
    pub fn resolve_identity(&self, identifier: &str) -> Result<String> {
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT identity_key FROM current_identities
             WHERE lower(identity_key) = lower($1) OR lower(scim_id) = lower($1)
                OR lower(external_id) = lower($1) OR lower(user_name) = lower($1)
                OR list_contains(list_transform(from_json(emails, '[\"VARCHAR\"]'), lambda e: lower(e)), lower($1))
             ORDER BY identity_key",
        )?;
        let keys = stmt
            .query_map(params![identifier], |row| row.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        match keys.as_slice() {
            [] => Err(Error::NotFound(format!(
                "no identity matches {identifier:?}; list them with `scimtrail identities`"
            ))),
            [key] => Ok(key.clone()),
            many => Err(Error::InvalidInput(format!(
                "{identifier:?} matches {} identities ({}); pass one of these keys instead",
                many.len(),
                many.join(", ")
            ))),
        }
    }
}
