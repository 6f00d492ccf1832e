//! Owners and sponsors of non-human identities, and those left without an active one.

use duckdb::params;
use serde::Serialize;

use super::Case;
use crate::Result;

/// Identities of the kinds in `$1` (a JSON array) in their newest snapshot that have no
/// active owner through the relations in `$2` (a JSON array, such as owner, sponsor,
/// manager). `identities --no-active-owner` and the `orphaned_identity` review check both
/// read it, so the two always list the same identities.
///
/// An owner value is resolved through the alias table (id, externalId, userName, email,
/// ...) to a current identity. The owner counts as active unless that identity is marked
/// `active: false` or a newer snapshot deleted it. A group owner counts as active while it
/// exists, because groups have no `active` attribute. Identities marked inactive or
/// deleted are left out, because they cannot act. Resources of type `Unknown` (no schemas,
/// no meta and no userName, as a search for a few attributes returns them) are left out
/// too, because whether they need an owner is unknown.
///
/// Columns: identity_key, kind, name, active, reason, owners (text), snapshot_id,
/// user_name, relation evidence (a JSON array of `{table, key, fields}`).
pub const OWNERLESS_QUERY: &str = concat!(
    "
WITH live AS (",
    super::identities::live_identities_sql!(),
    "),
owned AS (
    SELECT DISTINCT ON (c.identity_key, r.relation, r.related_value)
           c.identity_key, r.snapshot_id, r.relation, r.related_value,
           o.identity_key AS owner_key,
           CASE WHEN o.deleted_in IS NOT NULL THEN false ELSE o.active END AS owner_active,
           o.deleted_in IS NOT NULL AS owner_deleted
    FROM live c
    JOIN identity_relations r
      ON r.snapshot_id = c.snapshot_id AND r.identity_key = c.identity_key
     AND list_contains(from_json($2::VARCHAR, '[\"VARCHAR\"]'), r.relation)
    LEFT JOIN aliases a ON a.alias = lower(r.related_value)
    LEFT JOIN live o ON o.identity_key = a.identity_key
    ORDER BY c.identity_key, r.relation, r.related_value, owner_active IS DISTINCT FROM false DESC,
             o.identity_key
)
SELECT c.identity_key, c.kind, coalesce(c.user_name, c.display_name, c.scim_id), c.active,
       CASE WHEN count(w.related_value) = 0 THEN 'no owner'
            WHEN count(w.owner_key) = 0 THEN 'owner not found'
            ELSE 'every owner inactive' END,
       string_agg(w.relation || ' ' || w.related_value || ' (' ||
           CASE WHEN w.owner_key IS NULL THEN 'not found'
                WHEN w.owner_deleted THEN 'deleted'
                WHEN w.owner_active = false THEN 'inactive'
                ELSE 'active' END || ')', ', ' ORDER BY w.relation, w.related_value),
       c.snapshot_id,
       c.user_name,
       to_json(coalesce(list(json_object('table', 'identity_relations',
               'key', c.identity_key || ' ' || w.relation || ' ' || w.related_value,
               'fields', json_object('snapshot_id', w.snapshot_id, 'relation', w.relation,
                   'related_value', w.related_value, 'owner_key', w.owner_key,
                   'owner_active', w.owner_active, 'owner_deleted', w.owner_deleted))
               ORDER BY w.relation, w.related_value) FILTER (WHERE w.relation IS NOT NULL),
           []))::VARCHAR
FROM live c
LEFT JOIN owned w USING (identity_key)
WHERE list_contains(from_json($1::VARCHAR, '[\"VARCHAR\"]'), c.kind)
  AND c.active IS DISTINCT FROM false
  AND c.deleted_in IS NULL
  AND c.resource_type <> 'Unknown'
GROUP BY c.identity_key, c.kind, c.user_name, c.display_name, c.scim_id, c.active, c.snapshot_id
HAVING count(*) FILTER (WHERE w.owner_key IS NOT NULL AND coalesce(w.owner_active, true)) = 0
ORDER BY c.kind, c.identity_key"
);

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
    /// Lists the identities of `kinds` that have no active owner through `relations`: none
    /// named, none found, or every one inactive.
    pub fn ownerless_identities(
        &self,
        kinds: &[String],
        relations: &[String],
    ) -> Result<Vec<OwnerlessIdentity>> {
        let mut stmt = self.conn.prepare(OWNERLESS_QUERY)?;
        let params = params![
            serde_json::to_string(kinds)?,
            serde_json::to_string(relations)?
        ];
        let rows = stmt.query_map(params, |row| {
            Ok(OwnerlessIdentity {
                identity_key: row.get(0)?,
                kind: row.get(1)?,
                name: row.get(2)?,
                active: row.get(3)?,
                reason: row.get(4)?,
                owners: row.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}
