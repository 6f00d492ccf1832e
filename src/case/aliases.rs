//! The alias table that resolves identifiers seen in audit logs to SCIM identities, the
//! analyst's mapping file, and the actors that resolve to nothing.

use std::path::Path;

use duckdb::params;
use serde::{Deserialize, Serialize};

use super::{Case, format_ts};
use crate::{Error, Result};

impl Case {
    /// Rebuilds the alias table from the newest snapshot of every identity and the
    /// analyst's mappings, then `event_actors`, which resolves each event's actor through
    /// the aliases, `identity_events`, the same sorted for reads by identity, and
    /// `identity_activity`, which counts them per identity. Import calls
    /// this after its files, so it also covers new events.
    ///
    /// Each identifier maps to one identity: when two identities share one, the stronger
    /// rule wins (mapping, id, externalId, userName, email, then the identifiers a
    /// resource carries: clientId, subject, arn, roleSessionName), and among equals the
    /// first identity key in sort order, so the mapping is deterministic.
    pub fn refresh_aliases(&self) -> Result<()> {
        self.conn.execute_batch(
            "DELETE FROM aliases;
             INSERT INTO aliases
             SELECT alias, identity_key, rule FROM (
                 SELECT alias, identity_key, 'mapping' AS rule, 0 AS strength
                     FROM alias_mappings
                 UNION ALL
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
                 UNION ALL
                 SELECT lower(x.value), x.identity_key, x.kind, 5
                     FROM identity_identifiers x
                     JOIN current_identities c USING (snapshot_id, identity_key)
             )
             WHERE alias <> ''
             QUALIFY row_number() OVER (PARTITION BY alias ORDER BY strength, identity_key) = 1;
             CREATE OR REPLACE TABLE event_actors AS
             SELECT event_key, identity_key, matched_by, ts FROM event_actor_resolution
             WHERE identity_key IS NOT NULL
             ORDER BY event_key;
             CREATE OR REPLACE TABLE identity_events AS
             SELECT md5_number_lower(identity_key) AS identity_hash, identity_key, event_key,
                    matched_by, ts
             FROM event_actors
             ORDER BY identity_hash, ts, event_key;
             CREATE OR REPLACE TABLE identity_activity AS
             SELECT identity_key, count(*) AS event_count, max(ts) AS last_seen
             FROM event_actors
             GROUP BY identity_key;",
        )?;
        Ok(())
    }

    /// Loads an alias mapping file (TOML), replacing earlier mappings of the same
    /// identifiers, and rebuilds the alias table. Every entry must name exactly one
    /// identity, or nothing is loaded. Returns how many entries were loaded.
    pub fn load_alias_mappings(&self, path: &Path) -> Result<usize> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let file: MappingFile = toml::from_str(&text)
            .map_err(|err| Error::invalid_file(path, format!("invalid alias mapping: {err}")))?;
        let mut rows = Vec::new();
        for (index, entry) in file.alias.iter().enumerate() {
            let identifier = entry.identifier.trim().to_lowercase();
            if identifier.is_empty() {
                return Err(Error::invalid_file(
                    path,
                    format!("alias entry {}: identifier is empty", index + 1),
                ));
            }
            let key = self.resolve_identity(&entry.identity).map_err(|err| {
                Error::invalid_file(path, format!("alias entry {}: {err}", index + 1))
            })?;
            rows.push((identifier, key, entry.note.clone()));
        }
        let origin = path.display().to_string();
        self.transaction(|conn| {
            for (identifier, key, note) in &rows {
                conn.execute(
                    "INSERT OR REPLACE INTO alias_mappings VALUES (?, ?, ?, ?)",
                    params![identifier, key, note, origin],
                )?;
            }
            Ok(())
        })?;
        self.refresh_aliases()?;
        Ok(rows.len())
    }

    /// Lists the actors of events that resolve to no identity: the accounts that live
    /// outside the source of truth, most active first. `ignore` lists actor ids and
    /// `ignore_types` actor types to leave out, both compared without case.
    pub fn unknown_actors(
        &self,
        ignore: &[String],
        ignore_types: &[String],
    ) -> Result<Vec<UnknownActor>> {
        let mut stmt = self.conn.prepare(UNKNOWN_ACTORS_QUERY)?;
        let params = params![
            None::<String>,
            serde_json::to_string(ignore)?,
            serde_json::to_string(ignore_types)?
        ];
        let rows = stmt.query_map(params, |row| {
            let formats: String = row.get::<_, duckdb::types::Value>(4).map(list_text)?;
            let first: chrono::NaiveDateTime = row.get(6)?;
            let last: chrono::NaiveDateTime = row.get(7)?;
            Ok(UnknownActor {
                actor: row.get(0)?,
                alt_id: row.get(1)?,
                actor_type: row.get(2)?,
                display: row.get(3)?,
                formats,
                events: row.get(5)?,
                first_seen: format_ts(&first),
                last_seen: format_ts(&last),
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

/// Actors of events at or before `$1` (a timestamp; NULL for every event) that resolve to
/// no identity, leaving out the actor ids in `$2` and the events whose actor type is in `$3`
/// (JSON arrays, compared without case).
/// An event without an actor id is counted under its alternate id. `identities --unknown`
/// and the `shadow_identity` review check both read it, so the two always list the same
/// actors.
///
/// Columns: actor, alt_id, actor_type, display, formats (a list), events, first_seen,
/// last_seen, evidence (a JSON array of `{table, key, fields}`, one per event).
pub const UNKNOWN_ACTORS_QUERY: &str = "
SELECT coalesce(e.actor_id, e.actor_alt_id) AS actor,
       any_value(e.actor_alt_id), any_value(e.actor_type),
       any_value(e.actor_display),
       list(DISTINCT e.source_format ORDER BY e.source_format),
       count(*), min(e.ts), max(e.ts),
       to_json(list(json_object('table', 'events', 'key', e.event_key::VARCHAR, 'fields', json_object(
               'ts', strftime(e.ts, '%Y-%m-%dT%H:%M:%S.%fZ'), 'action', e.action,
               'outcome', e.outcome, 'actor_id', e.actor_id, 'actor_alt_id', e.actor_alt_id,
               'source', src.path, 'source_sha256', src.sha256, 'record_pos', e.record_pos))
           ORDER BY e.ts, e.event_key))::VARCHAR
FROM events e
JOIN event_identities ei USING (event_key)
JOIN sources src ON src.source_id = e.source_id
WHERE ei.identity_key IS NULL AND coalesce(e.actor_id, e.actor_alt_id) IS NOT NULL
  AND ($1::TIMESTAMP IS NULL OR e.ts <= $1::TIMESTAMP)
  AND NOT list_contains(list_transform(from_json($2::VARCHAR, '[\"VARCHAR\"]'), lambda a: lower(a)),
                        lower(coalesce(e.actor_id, e.actor_alt_id)))
  AND NOT list_contains(list_transform(from_json($3::VARCHAR, '[\"VARCHAR\"]'), lambda t: lower(t)),
                        lower(coalesce(e.actor_type, '')))
GROUP BY 1
ORDER BY count(*) DESC, 1";

/// Joins a DuckDB list of text into one comma-separated string.
fn list_text(value: duckdb::types::Value) -> String {
    match value {
        duckdb::types::Value::List(items) => items
            .into_iter()
            .filter_map(|item| match item {
                duckdb::types::Value::Text(text) => Some(text),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    }
}

/// An actor seen in events that matches no identity.
#[derive(Debug, Clone, Serialize)]
pub struct UnknownActor {
    pub actor: String,
    pub alt_id: Option<String>,
    pub actor_type: Option<String>,
    pub display: Option<String>,
    /// The source formats it appears in, comma-separated.
    pub formats: String,
    pub events: i64,
    pub first_seen: String,
    pub last_seen: String,
}

/// An alias mapping file: `[[alias]]` entries, each an identifier seen in audit logs and
/// the identity it names (identity key, SCIM id, externalId, userName or email).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    #[serde(default)]
    alias: Vec<MappingEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingEntry {
    identifier: String,
    identity: String,
    note: Option<String>,
}
