//! Events that deactivate, suspend or delete an identity, found once at import and kept in
//! `deprovisioning_targets` so that a trace looks them up instead of scanning the case.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDateTime;
use duckdb::params;

use super::Case;
use crate::Result;

/// Action patterns, as a DuckDB regular expression on the lower-case action, of events
/// that deactivate, suspend or delete an identity: Okta `user.lifecycle.deactivate`,
/// Entra `Disable account` and `Delete user`, CloudTrail `DeleteUser`, GCP
/// `DeleteServiceAccount` and `DisableServiceAccount`, Kubernetes `delete serviceaccounts`.
pub const DEPROVISIONING: &str = "user\\.lifecycle\\.(deactivate|suspend|delete)|(deactivate|disable|suspend|delete|remove) ?(user|account|service ?account|service ?principal|agent|application)";

/// For each identity, the earliest deprovisioning event that targets it: its key and time.
/// `deprovisioning_targets` contains the targets of the events that match `DEPROVISIONING`.
const DEPROVISIONING_QUERY: &str = "
SELECT a.identity_key, arg_min(t.event_key, t.ts), min(t.ts)
FROM deprovisioning_targets t
JOIN aliases a ON a.alias = t.target
WHERE a.identity_key IN (SELECT unnest(from_json($1::VARCHAR, '[\"VARCHAR\"]')))
GROUP BY a.identity_key";

impl Case {
    /// Looks up the earliest deprovisioning event of each of `identities` in the whole
    /// case: its key and time, by identity key.
    pub fn earliest_deprovisioning(
        &self,
        identities: &BTreeSet<String>,
    ) -> Result<HashMap<String, (i64, NaiveDateTime)>> {
        if identities.is_empty() {
            return Ok(HashMap::new());
        }
        let keys = serde_json::to_string(identities)?;
        let mut stmt = self.conn().prepare(DEPROVISIONING_QUERY)?;
        let rows = stmt.query_map(params![keys], |row| {
            Ok((row.get(0)?, (row.get(1)?, row.get(2)?)))
        })?;
        Ok(rows.collect::<Result<HashMap<_, _>, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_uses_same_pattern() {
        let migration = include_str!("migrations/0009_deprovisioning_targets.sql");
        assert!(migration.contains(&format!("'{DEPROVISIONING}'")));
    }
}
