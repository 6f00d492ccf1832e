use duckdb::params;
use serde::Serialize;

use super::{Case, format_ts};
use crate::Result;

/// The changes between two snapshots.
#[derive(Debug, Clone, Serialize)]
pub struct SnapshotDiff {
    pub from: DiffSide,
    pub to: DiffSide,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DiffSide {
    pub snapshot_id: i64,
    pub taken_at: Option<String>,
}

/// One change. `change` is `created`, `deleted`, `deactivated`, `reactivated`, `granted`,
/// `removed` or `relation_changed`. The fields that do not apply to it are null.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub change: String,
    pub identity_key: String,
    pub label: String,
    /// For `granted` and `removed`: the entitlements row.
    pub entitlement_kind: Option<String>,
    pub entitlement_value: Option<String>,
    pub granted_via: Option<String>,
    /// For `relation_changed`: `manager`, `owner` or `parent`, with the related SCIM
    /// values before and after, comma-separated.
    pub relation: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// `$1` is the earlier snapshot, `$2` the later one. An identity counts as deleted only when
/// the later snapshot contains resources of its type, so a snapshot of users alone does not
/// delete every group. Entitlement and relation changes are listed for identities in both
/// snapshots; a created or deleted identity's own grants come and go with it.
const DIFF_QUERY: &str = "
WITH f AS (SELECT * FROM identities WHERE snapshot_id = $1),
t AS (SELECT * FROM identities WHERE snapshot_id = $2),
both_sides AS (SELECT identity_key FROM f INTERSECT SELECT identity_key FROM t),
f_ent AS (SELECT identity_key, kind, value, granted_via FROM entitlements
          WHERE snapshot_id = $1 AND identity_key IN (SELECT identity_key FROM both_sides)),
t_ent AS (SELECT identity_key, kind, value, granted_via FROM entitlements
          WHERE snapshot_id = $2 AND identity_key IN (SELECT identity_key FROM both_sides)),
f_rel AS (SELECT identity_key, relation, string_agg(related_value, ', ' ORDER BY related_value) AS v
          FROM identity_relations WHERE snapshot_id = $1 GROUP BY ALL),
t_rel AS (SELECT identity_key, relation, string_agg(related_value, ', ' ORDER BY related_value) AS v
          FROM identity_relations WHERE snapshot_id = $2 GROUP BY ALL),
changes AS (
    SELECT 1 AS ord, 'created' AS change, identity_key, NULL AS kind, NULL AS value,
           NULL AS via, NULL AS relation, NULL AS before, NULL AS after
    FROM (SELECT identity_key FROM t EXCEPT SELECT identity_key FROM f)
    UNION ALL
    SELECT 2, 'deleted', identity_key, NULL, NULL, NULL, NULL, NULL, NULL
    FROM (SELECT identity_key FROM f WHERE resource_type IN (SELECT resource_type FROM t)
          EXCEPT SELECT identity_key FROM t)
    UNION ALL
    SELECT 3, CASE WHEN t.active THEN 'reactivated' ELSE 'deactivated' END, identity_key,
           NULL, NULL, NULL, NULL, f.active::VARCHAR, t.active::VARCHAR
    FROM f JOIN t USING (identity_key)
    WHERE f.active IS NOT NULL AND t.active IS NOT NULL AND f.active <> t.active
    UNION ALL
    SELECT 4, 'granted', identity_key, kind, value, granted_via, NULL, NULL, NULL
    FROM (SELECT * FROM t_ent EXCEPT SELECT * FROM f_ent)
    UNION ALL
    SELECT 5, 'removed', identity_key, kind, value, granted_via, NULL, NULL, NULL
    FROM (SELECT * FROM f_ent EXCEPT SELECT * FROM t_ent)
    UNION ALL
    SELECT 6, 'relation_changed', identity_key, NULL, NULL, NULL, relation, fr.v, tr.v
    FROM f_rel fr FULL OUTER JOIN t_rel tr USING (identity_key, relation)
    WHERE fr.v IS DISTINCT FROM tr.v AND identity_key IN (SELECT identity_key FROM both_sides)
)
SELECT c.change, c.identity_key,
       coalesce(t.user_name, f.user_name, t.display_name, f.display_name, t.scim_id, f.scim_id),
       c.kind, c.value, c.via, c.relation, c.before, c.after
FROM changes c
LEFT JOIN t USING (identity_key)
LEFT JOIN f USING (identity_key)
ORDER BY c.identity_key, c.ord, c.kind, c.value, c.via, c.relation";

impl Case {
    /// Lists the changes from snapshot `from` to snapshot `to` (see [`Case::diff_pair`]).
    pub fn snapshot_diff(&self, from: i64, to: i64) -> Result<SnapshotDiff> {
        let mut stmt = self.conn.prepare(DIFF_QUERY)?;
        let rows = stmt.query_map(params![from, to], |row| {
            Ok(Change {
                change: row.get(0)?,
                identity_key: row.get(1)?,
                label: row.get(2)?,
                entitlement_kind: row.get(3)?,
                entitlement_value: row.get(4)?,
                granted_via: row.get(5)?,
                relation: row.get(6)?,
                before: row.get(7)?,
                after: row.get(8)?,
            })
        })?;
        let changes = rows.collect::<Result<Vec<_>, _>>()?;
        Ok(SnapshotDiff {
            from: self.diff_side(from)?,
            to: self.diff_side(to)?,
            changes,
        })
    }

    fn diff_side(&self, id: i64) -> Result<DiffSide> {
        let taken_at: Option<chrono::NaiveDateTime> = self.conn.query_row(
            "SELECT taken_at FROM snapshots WHERE snapshot_id = ?",
            params![id],
            |row| row.get(0),
        )?;
        Ok(DiffSide {
            snapshot_id: id,
            taken_at: taken_at.as_ref().map(format_ts),
        })
    }
}
