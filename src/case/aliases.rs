use super::Case;
use crate::Result;

impl Case {
    /// Rebuilds the alias table from the newest snapshot of every identity.
    ///
    /// Each identifier maps to one identity: when two identities share one, the stronger
    /// rule wins (id, then externalId, then userName, then email), and among equals the
    /// first identity key in sort order, so the mapping is deterministic.
    pub fn refresh_aliases(&self) -> Result<()> {
        self.conn.execute_batch(
            "DELETE FROM aliases;
             INSERT INTO aliases
             SELECT alias, identity_key, rule FROM (
                 SELECT lower(scim_id) AS alias, identity_key, 'id' AS rule, 1 AS strength
                     FROM current_identities
                 UNION ALL
                 SELECT lower(external_id), identity_key, 'externalId', 2
                     FROM current_identities WHERE external_id IS NOT NULL
                 UNION ALL
                 SELECT lower(user_name), identity_key, 'userName', 3
                     FROM current_identities WHERE user_name IS NOT NULL
                 UNION ALL
                 SELECT lower(unnest(from_json(emails, '[\"VARCHAR\"]'))), identity_key, 'email', 4
                     FROM current_identities
             )
             WHERE alias <> ''
             QUALIFY row_number() OVER (PARTITION BY alias ORDER BY strength, identity_key) = 1;",
        )?;
        Ok(())
    }
}
