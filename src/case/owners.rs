//! Owners and sponsors of non-human identities, and those left without an active one.

use serde::Serialize;

use super::Case;
use crate::Result;

/// Each agent, service or other non-human identity of the newest snapshots with its
/// owners, sponsors and manager. An owner value is resolved through the alias table (id,
/// externalId, userName, email, ...) to a current identity. The owner counts as active
/// unless that identity is marked `active: false`. A group owner counts as active while it
/// exists, because groups have no `active` attribute.
const OWNERLESS_QUERY: &str = "
WITH owned AS (
    SELECT c.identity_key, r.relation, r.related_value, o.identity_key AS owner_key,
           o.active AS owner_active
    FROM current_identities c
    JOIN identity_relations r
      ON r.snapshot_id = c.snapshot_id AND r.identity_key = c.identity_key
     AND r.relation IN ('owner', 'sponsor', 'manager')
    LEFT JOIN aliases a ON a.alias = lower(r.related_value)
    LEFT JOIN current_identities o ON o.identity_key = a.identity_key
)
SELECT c.identity_key, c.kind, coalesce(c.user_name, c.display_name, c.scim_id), c.active,
       count(w.related_value),
       count(w.owner_key),
       string_agg(w.relation || ' ' || w.related_value || ' (' ||
           CASE WHEN w.owner_key IS NULL THEN 'not found'
                WHEN w.owner_active = false THEN 'inactive'
                ELSE 'active' END || ')', ', ' ORDER BY w.relation, w.related_value)
FROM current_identities c
LEFT JOIN owned w USING (identity_key)
WHERE c.kind IN ('agent', 'service', 'other')
GROUP BY c.identity_key, c.kind, c.user_name, c.display_name, c.scim_id, c.active
HAVING count(*) FILTER (WHERE w.owner_key IS NOT NULL AND coalesce(w.owner_active, true)) = 0
ORDER BY c.kind, c.identity_key";

/// A non-human identity with no active owner.
#[derive(Debug, Clone, Serialize)]
pub struct OwnerlessIdentity {
    pub identity_key: String,
    pub kind: String,
    pub name: String,
    pub active: Option<bool>,
    /// `no owner`, `owner not found` or `every owner inactive`.
    pub reason: String,
    /// Each owner, sponsor or manager with its state, or None without any.
    pub owners: Option<String>,
}

impl Case {
    /// Lists the agents, services and other non-human identities of the newest snapshots
    /// that have no active owner: none named, none found, or every one inactive.
    pub fn ownerless_identities(&self) -> Result<Vec<OwnerlessIdentity>> {
        let mut stmt = self.conn.prepare(OWNERLESS_QUERY)?;
        let rows = stmt.query_map([], |row| {
            let named: i64 = row.get(4)?;
            let found: i64 = row.get(5)?;
            let reason = match (named, found) {
                (0, _) => "no owner",
                (_, 0) => "owner not found",
                _ => "every owner inactive",
            };
            Ok(OwnerlessIdentity {
                identity_key: row.get(0)?,
                kind: row.get(1)?,
                name: row.get(2)?,
                active: row.get(3)?,
                reason: reason.to_string(),
                owners: row.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}
