//! Everything about one identity that the TUI's detail view shows: its newest snapshot's
//! attributes, relations and entitlements, its activity over time, its sessions and the
//! ledger's decisions on it.

use chrono::NaiveDateTime;
use duckdb::{OptionalExt, params};

use super::event_pages::Histogram;
use super::{Case, format_ts};
use crate::Result;
use crate::model::Decision;

/// Attribute names and values, in the order the detail shows them.
pub type Attributes = Vec<(String, String)>;

/// The maximum number of sessions the detail lists, newest first.
pub const SESSION_LIMIT: usize = 20;

/// A relation of the identity: its manager, an owner or a parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    pub relation: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entitlement {
    /// `group`, `role` or `entitlement`.
    pub kind: String,
    pub value: String,
    pub display: Option<String>,
    pub granted_via: String,
}

/// Events of the identity that share one session id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub session_id: String,
    pub events: i64,
    /// RFC 3339 in UTC.
    pub first: String,
    pub last: String,
}

#[derive(Debug, Clone, Default)]
pub struct IdentityDetail {
    pub identity_key: String,
    /// The newest snapshot's attributes.
    pub attributes: Attributes,
    pub relations: Vec<Relation>,
    pub entitlements: Vec<Entitlement>,
    /// Every grant, direct or through groups, with the group path behind each.
    pub effective: Vec<super::EffectiveEntitlement>,
    pub activity: Histogram,
    pub sessions: Vec<Session>,
    /// Every ledger entry on the identity, oldest first, superseded ones included.
    pub decisions: Vec<Decision>,
}

impl Case {
    /// Loads the detail of the identity with `identity_key`, with its activity in
    /// `buckets` slices of time. The error names the key when the case has no such
    /// identity.
    pub fn identity_detail(&self, identity_key: &str, buckets: usize) -> Result<IdentityDetail> {
        let Some((snapshot_id, attributes)) = self.attributes(identity_key)? else {
            return Err(crate::Error::Case {
                path: self.path.clone(),
                reason: format!("no identity has the key {identity_key}"),
            });
        };
        let decisions = self
            .decisions()?
            .into_iter()
            .filter(|decision| decision.identity_key == identity_key)
            .collect();
        Ok(IdentityDetail {
            identity_key: identity_key.to_string(),
            attributes,
            relations: self.relations(identity_key, snapshot_id)?,
            entitlements: self.entitlements(identity_key, snapshot_id)?,
            effective: self.effective_entitlements(identity_key)?,
            activity: self.activity(identity_key, buckets)?,
            sessions: self.sessions(identity_key)?,
            decisions,
        })
    }

    /// Returns the snapshot of the identity's newest record and its attributes.
    fn attributes(&self, identity_key: &str) -> Result<Option<(i64, Attributes)>> {
        let row = self
            .conn
            .query_row(
                "SELECT snapshot_id, resource_type, scim_id, external_id, user_name, display_name,
                        kind, user_type, CAST(active AS VARCHAR), created, last_modified,
                        CAST(emails AS VARCHAR)
                 FROM current_identities WHERE identity_key = ?",
                params![identity_key],
                |row| {
                    let text = |index: usize| -> duckdb::Result<String> {
                        Ok(row.get::<_, Option<String>>(index)?.unwrap_or_default())
                    };
                    let time = |index: usize| -> duckdb::Result<String> {
                        let value: Option<NaiveDateTime> = row.get(index)?;
                        Ok(value.as_ref().map(format_ts).unwrap_or_default())
                    };
                    let attributes = vec![
                        ("resourceType", text(1)?),
                        ("id", text(2)?),
                        ("externalId", text(3)?),
                        ("userName", text(4)?),
                        ("displayName", text(5)?),
                        ("kind", text(6)?),
                        ("userType", text(7)?),
                        ("active", text(8)?),
                        ("created", time(9)?),
                        ("lastModified", time(10)?),
                        ("emails", text(11)?),
                    ];
                    let attributes = attributes
                        .into_iter()
                        .map(|(name, value)| (name.to_string(), value))
                        .collect();
                    Ok((row.get(0)?, attributes))
                },
            )
            .optional()?;
        Ok(row)
    }

    fn relations(&self, identity_key: &str, snapshot_id: i64) -> Result<Vec<Relation>> {
        let mut stmt = self.conn.prepare(
            "SELECT relation, related_value FROM identity_relations
             WHERE identity_key = ? AND snapshot_id = ? ORDER BY relation, related_value",
        )?;
        let rows = stmt.query_map(params![identity_key, snapshot_id], |row| {
            Ok(Relation {
                relation: row.get(0)?,
                value: row.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn entitlements(&self, identity_key: &str, snapshot_id: i64) -> Result<Vec<Entitlement>> {
        let mut stmt = self.conn.prepare(
            "SELECT kind, value, display, granted_via FROM entitlements
             WHERE identity_key = ? AND snapshot_id = ? ORDER BY kind, value",
        )?;
        let rows = stmt.query_map(params![identity_key, snapshot_id], |row| {
            Ok(Entitlement {
                kind: row.get(0)?,
                value: row.get(1)?,
                display: row.get(2)?,
                granted_via: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Counts the identity's events over time, from its first event to its last, in SQL
    /// so that a busy identity's events are never loaded.
    fn activity(&self, identity_key: &str, buckets: usize) -> Result<Histogram> {
        let (first, last): (Option<NaiveDateTime>, Option<NaiveDateTime>) = self.conn.query_row(
            "SELECT min(ts), max(ts) FROM identity_events
             WHERE identity_hash = md5_number_lower($1) AND identity_key = $1",
            params![identity_key],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        let (Some(start), Some(end)) = (first, last) else {
            return Ok(Histogram::default());
        };
        let mut histogram = Histogram {
            start: Some(start),
            end: Some(end),
            counts: vec![0; buckets.max(1)],
        };
        let width = histogram.bucket_width_us();
        let mut stmt = self.conn.prepare(
            "SELECT CAST((epoch_us(ts) - $1) // $2 AS BIGINT) AS bucket, count(*)
             FROM identity_events
             WHERE identity_hash = md5_number_lower($3) AND identity_key = $3
             GROUP BY bucket",
        )?;
        let rows = stmt.query_map(
            params![start.and_utc().timestamp_micros(), width, identity_key],
            |row| Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?)),
        )?;
        for row in rows {
            let (bucket, count) = row?;
            if let Some(slot) = usize::try_from(bucket)
                .ok()
                .and_then(|b| histogram.counts.get_mut(b))
            {
                *slot += count;
            }
        }
        Ok(histogram)
    }

    fn sessions(&self, identity_key: &str) -> Result<Vec<Session>> {
        let mut stmt = self.conn.prepare(
            "SELECT e.session_id, count(*), min(e.ts), max(e.ts)
             FROM events e JOIN identity_events a USING (event_key)
             WHERE a.identity_hash = md5_number_lower($1) AND a.identity_key = $1
               AND e.session_id IS NOT NULL
             GROUP BY e.session_id ORDER BY max(e.ts) DESC LIMIT $2",
        )?;
        let limit = i64::try_from(SESSION_LIMIT).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![identity_key, limit], |row| {
            let first: NaiveDateTime = row.get(2)?;
            let last: NaiveDateTime = row.get(3)?;
            Ok(Session {
                session_id: row.get(0)?,
                events: row.get(1)?,
                first: format_ts(&first),
                last: format_ts(&last),
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}
