use duckdb::params;
use serde::Serialize;

use super::{Case, format_ts};
use crate::model::{IdentityKind, IdentityRow};
use crate::{Error, Result};

/// The rows of `current_identities` with one more column, `deleted_in`: the snapshot that
/// deleted the identity, else NULL. It is the newest snapshot with resources of the
/// identity's type when that is not the identity's own newest snapshot, because a newer
/// snapshot that had the identity would be its newest. As in `diff` and `trace`, a
/// snapshot without resources of a type deletes none of that type. Snapshots are ordered
/// as `current_identities` orders them. A macro, so that queries can `concat!` it.
macro_rules! live_identities_sql {
    () => {
        "SELECT c.*,
       CASE WHEN t.snapshot_id <> c.snapshot_id THEN t.snapshot_id END AS deleted_in
FROM current_identities c
LEFT JOIN (
    SELECT resource_type, snapshot_id
    FROM (SELECT DISTINCT i.resource_type, s.snapshot_id, s.taken_at
          FROM identities i JOIN snapshots s USING (snapshot_id))
    QUALIFY row_number() OVER (PARTITION BY resource_type
                               ORDER BY taken_at DESC NULLS LAST, snapshot_id DESC) = 1
) t USING (resource_type)"
    };
}
pub(crate) use live_identities_sql;

/// [`live_identities_sql`] as a constant, for queries put together at run time.
pub const LIVE_IDENTITIES_QUERY: &str = live_identities_sql!();

const IDENTITY_QUERY: &str = concat!(
    "
WITH live AS (",
    live_identities_sql!(),
    "),
latest_decision AS (
    SELECT identity_key, verdict FROM decisions WHERE entitlement IS NULL
    QUALIFY row_number() OVER (PARTITION BY identity_key ORDER BY seq DESC) = 1
)
SELECT i.identity_key, i.scim_id, i.resource_type, i.kind, i.user_name, i.display_name,
       i.external_id, i.active, i.owner, i.snapshot_id,
       coalesce(a.event_count, 0), a.last_seen, d.verdict, i.deleted_in
FROM live i
LEFT JOIN identity_activity a USING (identity_key)
LEFT JOIN latest_decision d USING (identity_key)
ORDER BY i.kind, lower(coalesce(i.user_name, i.display_name, i.scim_id))"
);

/// An identity as `identities` lists it: its row and its state in the newest snapshots.
#[derive(Debug, Clone, Serialize)]
pub struct ListedIdentity {
    #[serde(flatten)]
    pub identity: IdentityRow,
    /// `deleted` when a newer snapshot of its type lacks it, else `active` or `inactive`
    /// from its `active` attribute, or None when it has none (groups).
    pub state: Option<&'static str>,
    /// The snapshot that lacks it, when deleted.
    pub deleted_in_snapshot: Option<i64>,
}

impl ListedIdentity {
    fn new(identity: IdentityRow, deleted_in_snapshot: Option<i64>) -> ListedIdentity {
        let state = match (deleted_in_snapshot, identity.active) {
            (Some(_), _) => Some("deleted"),
            (None, Some(true)) => Some("active"),
            (None, Some(false)) => Some("inactive"),
            (None, None) => None,
        };
        ListedIdentity {
            identity,
            state,
            deleted_in_snapshot,
        }
    }
}

impl Case {
    /// Every identity in its newest snapshot, ordered by kind (agent, group, human, other,
    /// service) and then by name. `active` is the attribute in that snapshot, also for an
    /// identity that a newer snapshot deleted, whose `deleted_in` names that snapshot.
    pub fn identities(&self) -> Result<Vec<IdentityRow>> {
        Ok(self
            .identity_list()?
            .into_iter()
            .map(|listed| listed.identity)
            .collect())
    }

    /// Lists every identity as [`Case::identities`] does, with its state: deleted when a
    /// newer snapshot that has resources of its type lacks it.
    pub fn identity_list(&self) -> Result<Vec<ListedIdentity>> {
        let mut stmt = self.conn.prepare(IDENTITY_QUERY)?;
        let rows = stmt.query_map([], |row| {
            let kind: String = row.get(3)?;
            let last_seen: Option<chrono::NaiveDateTime> = row.get(11)?;
            let identity = IdentityRow {
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
                deleted_in: row.get(13)?,
            };
            Ok(ListedIdentity::new(identity, row.get(13)?))
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
