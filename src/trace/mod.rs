//! Tracing an identifier through the imported events, and from them across credential
//! hand-offs: the call that issued a credential and the calls that presented it.

mod handoff;

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use duckdb::params;
use serde::Serialize;

use crate::Result;
use crate::case::{Case, format_ts};
use crate::ingest::normalised_trace_ids;
use crate::model::{IdentityRef, IdentityState, TraceEvent};

/// The events that carry an identifier, in time order.
#[derive(Debug, Clone, Serialize)]
pub struct Trace {
    pub query: String,
    pub events: Vec<TraceEvent>,
    /// True when following credential hand-offs stopped at its bound (`MAX_ROUNDS`
    /// hand-offs or `MAX_JOINED` joined events in `trace::handoff`) while more events
    /// would have joined.
    pub truncated: bool,
}

/// The columns an ID is compared with, in the order of the flags the seed query returns.
const ID_COLUMNS: [&str; 4] = ["correlation_id", "session_id", "request_id", "event_id"];

const SEED_QUERY: &str = "
SELECT e.event_key,
       e.correlation_id = $1, e.session_id = $1, e.request_id = $1, e.event_id = $1,
       e.links::VARCHAR
FROM events e
WHERE e.correlation_id = $1 OR e.session_id = $1 OR e.request_id = $1 OR e.event_id = $1
   OR list_contains(json_extract_string(e.links, '$[*].value'), $1)";

const EVENTS_QUERY: &str = "
SELECT e.event_key, e.event_id, e.ts, e.ts_original, e.source_format, e.action, e.outcome,
       e.reason, e.actor_id, e.actor_type, e.actor_display, e.session_id, e.correlation_id,
       e.request_id, e.client_ip, e.targets::VARCHAR, e.links::VARCHAR,
       ei.identity_key, ei.matched_by, s.path, s.sha256, e.record_pos, e.raw::VARCHAR
FROM events e
JOIN (SELECT unnest(from_json($1::VARCHAR, '[\"BIGINT\"]')) AS event_key) k
  ON k.event_key = e.event_key
JOIN sources s ON s.source_id = e.source_id
JOIN event_identities ei ON ei.event_key = e.event_key
ORDER BY e.ts, e.event_key";

/// Finds the events whose correlation, session, request or event id equals `id`, or that
/// carry it among their links, then closes over credential hand-offs (`handoff::close`).
/// An OpenTelemetry id is also tried in the lower-case hex form that import stores, so the
/// id as a file wrote it (upper-case hex, base64 or a decimal integer) finds its trace.
pub fn trace(case: &Case, id: &str) -> Result<Trace> {
    let mut matched = seed(case, id)?;
    for form in normalised_trace_ids(id) {
        if form != id {
            for (key, names) in seed(case, &form)? {
                matched.entry(key).or_default().extend(names);
            }
        }
    }
    let truncated = handoff::close(case.conn(), &mut matched)?;
    let keys = serde_json::to_string(&matched.keys().collect::<Vec<_>>())?;
    let mut stmt = case.conn().prepare(EVENTS_QUERY)?;
    let rows = stmt.query_map(params![keys], read_event)?;
    let read = rows.collect::<Result<Vec<_>, _>>()?;
    let states = states_at_event_times(case, &read)?;
    let mut events = Vec::with_capacity(read.len());
    for (mut event, resolved) in read {
        event.matched_on = matched.remove(&event.event_key).unwrap_or_default();
        event.identity = resolved.and_then(|(key, ts, matched_by)| {
            let state = states.get(&(key, ts))?.clone();
            Some(IdentityRef::from_state(state, matched_by))
        });
        events.push(event);
    }
    Ok(Trace {
        query: id.to_string(),
        events,
        truncated,
    })
}

/// Finds the events that carry `id` itself, each with the identifiers that matched: a
/// column name, or `link:KIND:ROLE` for a link.
fn seed(case: &Case, id: &str) -> Result<BTreeMap<i64, Vec<String>>> {
    let mut stmt = case.conn().prepare(SEED_QUERY)?;
    let rows = stmt.query_map(params![id], |row| {
        let mut matched: Vec<String> = Vec::new();
        for (offset, name) in ID_COLUMNS.iter().enumerate() {
            let hit: Option<bool> = row.get(1 + offset)?;
            if hit.unwrap_or(false) {
                matched.push(name.to_string());
            }
        }
        let links: Option<String> = row.get(5)?;
        matched.extend(matching_links(links.as_deref(), id));
        Ok((row.get::<_, i64>(0)?, matched))
    })?;
    Ok(rows.collect::<Result<BTreeMap<_, _>, _>>()?)
}

fn matching_links(links: Option<&str>, id: &str) -> Vec<String> {
    let links: Vec<serde_json::Value> = links
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_default();
    links
        .iter()
        .filter(|link| link["value"] == id)
        .map(|link| {
            format!(
                "link:{}:{}",
                link["kind"].as_str().unwrap_or("?"),
                link["role"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

/// The actor an event resolved to through the aliases: identity key, event time and the
/// rule that matched.
type Resolved = Option<(String, NaiveDateTime, String)>;

/// Looks up each resolved actor's state as of its event's time (`Case::identity_states_at`).
fn states_at_event_times(
    case: &Case,
    events: &[(TraceEvent, Resolved)],
) -> Result<HashMap<(String, NaiveDateTime), IdentityState>> {
    let pairs: Vec<(String, NaiveDateTime)> = events
        .iter()
        .filter_map(|(_, resolved)| resolved.as_ref().map(|(key, ts, _)| (key.clone(), *ts)))
        .collect();
    if pairs.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(case
        .identity_states_at(&pairs)?
        .into_iter()
        .map(|(at, state)| ((state.identity_key.clone(), at), state))
        .collect())
}

fn read_event(row: &duckdb::Row<'_>) -> duckdb::Result<(TraceEvent, Resolved)> {
    let ts: chrono::NaiveDateTime = row.get(2)?;
    let json = |index: usize| -> duckdb::Result<serde_json::Value> {
        let text: Option<String> = row.get(index)?;
        Ok(text
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(serde_json::Value::Null))
    };
    let identity_key: Option<String> = row.get(17)?;
    let resolved = match identity_key {
        Some(key) => Some((key, ts, row.get(18)?)),
        None => None,
    };
    let event = TraceEvent {
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
        targets: json(15)?,
        links: json(16)?,
        matched_on: Vec::new(),
        identity: None,
        source_path: row.get(19)?,
        source_sha256: row.get(20)?,
        record_pos: row.get(21)?,
        raw: row.get(22)?,
    };
    Ok((event, resolved))
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
