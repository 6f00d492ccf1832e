//! Tracing an identifier through the imported events.

use duckdb::params;
use serde::Serialize;

use crate::Result;
use crate::case::{Case, format_ts};
use crate::model::{IdentityKind, IdentityRef, TraceEvent};

/// The events that carry an identifier, in time order.
#[derive(Debug, Clone, Serialize)]
pub struct Trace {
    pub query: String,
    pub events: Vec<TraceEvent>,
}

const TRACE_QUERY: &str = "
SELECT e.event_key, e.event_id, e.ts, e.ts_original, e.source_format, e.action, e.outcome,
       e.reason, e.actor_id, e.actor_type, e.actor_display, e.session_id, e.correlation_id,
       e.request_id, e.client_ip, e.targets::VARCHAR,
       e.correlation_id = $1, e.session_id = $1, e.request_id = $1, e.event_id = $1,
       i.identity_key, i.scim_id, i.user_name, i.resource_type, i.kind, i.active, ei.matched_by,
       s.path, s.sha256, e.record_pos, e.raw::VARCHAR
FROM events e
JOIN sources s USING (source_id)
JOIN event_identities ei USING (event_key)
LEFT JOIN current_identities i ON i.identity_key = ei.identity_key
WHERE e.correlation_id = $1 OR e.session_id = $1 OR e.request_id = $1 OR e.event_id = $1
ORDER BY e.ts, e.event_key";

/// Finds the events whose correlation, session, request or event id equals `id`.
pub fn trace(case: &Case, id: &str) -> Result<Trace> {
    let mut stmt = case.conn().prepare(TRACE_QUERY)?;
    let rows = stmt.query_map(params![id], read_event)?;
    Ok(Trace {
        query: id.to_string(),
        events: rows.collect::<Result<Vec<_>, _>>()?,
    })
}

fn read_event(row: &duckdb::Row<'_>) -> duckdb::Result<TraceEvent> {
    let ts: chrono::NaiveDateTime = row.get(2)?;
    let targets: String = row.get(15)?;
    let matched_on = ["correlation_id", "session_id", "request_id", "event_id"]
        .iter()
        .enumerate()
        .filter_map(|(offset, name)| {
            let hit: Option<bool> = row.get(16 + offset).ok().flatten();
            hit.unwrap_or(false).then(|| name.to_string())
        })
        .collect();
    let identity_key: Option<String> = row.get(20)?;
    let identity = match identity_key {
        Some(identity_key) => {
            let kind: String = row.get(24)?;
            Some(IdentityRef {
                identity_key,
                id: row.get(21)?,
                user_name: row.get(22)?,
                resource_type: row.get(23)?,
                kind: IdentityKind::parse(&kind),
                active: row.get(25)?,
                matched_by: row.get(26)?,
            })
        }
        None => None,
    };
    Ok(TraceEvent {
        event_key: row.get(0)?,
        event_id: row.get(1)?,
        ts: format_ts(&ts),
        ts_original: row.get(3)?,
        source_format: row.get(4)?,
        action: row.get(5)?,
        outcome: row.get(6)?,
        reason: row.get(7)?,
        actor_id: row.get(8)?,
        actor_type: row.get(9)?,
        actor_display: row.get(10)?,
        session_id: row.get(11)?,
        correlation_id: row.get(12)?,
        request_id: row.get(13)?,
        client_ip: row.get(14)?,
        targets: serde_json::from_str(&targets).unwrap_or(serde_json::Value::Null),
        matched_on,
        identity,
        source_path: row.get(27)?,
        source_sha256: row.get(28)?,
        record_pos: row.get(29)?,
        raw: row.get(30)?,
    })
}

/// Identifiers an analyst may want to trace, most used first: correlation, session and
/// request ids that several events share, for the TUI's fuzzy picker.
pub fn known_ids(case: &Case, limit: usize) -> Result<Vec<(String, String, i64)>> {
    let mut stmt = case.conn().prepare(
        "SELECT id, kind, count(*) AS n FROM (
             SELECT correlation_id AS id, 'correlation' AS kind FROM events WHERE correlation_id IS NOT NULL
             UNION ALL SELECT session_id, 'session' FROM events WHERE session_id IS NOT NULL
             UNION ALL SELECT request_id, 'request' FROM events WHERE request_id IS NOT NULL
         )
         GROUP BY id, kind ORDER BY n DESC, id, kind LIMIT ?",
    )?;
    let rows = stmt.query_map(params![limit as i64], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}
