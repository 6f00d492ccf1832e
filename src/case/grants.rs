//! Effective entitlements: what an identity can do, and through which groups.

use duckdb::params;
use serde::Serialize;

use super::Case;
use crate::Result;

/// One grant an identity holds, with the group path that grants it.
#[derive(Debug, Clone, Serialize)]
pub struct EffectiveEntitlement {
    pub kind: String,
    pub value: String,
    pub display: Option<String>,
    /// `roles attribute`, `member of Group/x` or `through Group/x`.
    pub granted_via: String,
    /// Group keys from the group that lists the identity up to the granting group;
    /// empty for the identity's own roles and entitlements.
    pub path: Vec<String>,
}

impl Case {
    /// Returns the effective entitlements of an identity in the newest snapshot that
    /// contains it: its own, its groups through any nesting, and those groups' roles and
    /// entitlements, shortest path first.
    pub fn effective_entitlements(&self, identity_key: &str) -> Result<Vec<EffectiveEntitlement>> {
        let mut stmt = self.conn.prepare(
            "SELECT e.kind, e.value, e.display, e.granted_via, e.path::VARCHAR
             FROM effective_entitlements e
             JOIN current_identities c USING (snapshot_id, identity_key)
             WHERE e.identity_key = ?
             ORDER BY json_array_length(e.path), e.kind, e.value, e.granted_via",
        )?;
        let rows = stmt.query_map(params![identity_key], |row| {
            let path: String = row.get(4)?;
            Ok(EffectiveEntitlement {
                kind: row.get(0)?,
                value: row.get(1)?,
                display: row.get(2)?,
                granted_via: row.get(3)?,
                path: serde_json::from_str(&path).unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}
