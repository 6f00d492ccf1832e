//! Tracing an identifier through the imported events, and from them over exact links
//! (shared ids, parent spans, credential hand-offs) to the connected events, with the
//! link graph, stages and findings of the result.

mod closure;
pub mod flags;
pub mod graph;
mod inferred;
pub mod stages;

pub use flags::Finding;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Duration, NaiveDateTime};
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
    /// True when following exact links stopped at its bound (`MAX_ROUNDS` rounds or
    /// `MAX_JOINED` joined events in `trace::closure`) while more events would have
    /// joined.
    pub truncated: bool,
}

/// The columns an ID is compared with, in the order of the flags the seed query returns.
const ID_COLUMNS: [&str; 4] = ["correlation_id", "session_id", "request_id", "event_id"];

const SEED_QUERY: &str = "
SELECT e.event_key,
       e.correlation_id = $1, e.session_id = $1, e.request_id = $1, e.event_id = $1,
       e.links::VARCHAR
FROM events e
WHERE e.event_key IN (SELECT event_key FROM event_identifiers WHERE value = $1)";

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
/// carry it among their links, then closes over exact links (`closure::close`).
/// An OpenTelemetry id is also tried in the lower-case hex form that import stores, so the
/// id as a file wrote it (upper-case hex, base64 or a decimal integer) finds its trace.
/// An identity (its SCIM id, userName, email or external id) that no event carries as an
/// identifier finds the events its actor resolved to.
pub fn trace(case: &Case, id: &str) -> Result<Trace> {
    let mut matched = seed(case, id)?;
    for form in normalised_trace_ids(id) {
        if form != id {
            for (key, names) in seed(case, &form)? {
                matched.entry(key).or_default().extend(names);
            }
        }
    }
    if matched.is_empty() {
        matched = seed_identity(case, id)?;
    }
    let truncated = closure::close(case.conn(), &mut matched)?;
    Ok(Trace {
        query: id.to_string(),
        events: load_events(case, matched)?,
        truncated,
    })
}

/// Settings of [`analyse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceOptions {
    /// Adds inferred links: events of the same resolved identity within `window` of that
    /// identity's events in the trace.
    pub inferred: bool,
    pub window: Duration,
}

impl Default for TraceOptions {
    fn default() -> TraceOptions {
        TraceOptions {
            inferred: false,
            window: Duration::minutes(DEFAULT_WINDOW_MINUTES),
        }
    }
}

/// The default window of inferred links. A sign-in, the role session it leads to and an
/// agent run on top of it usually start within minutes of each other.
pub const DEFAULT_WINDOW_MINUTES: i64 = 15;

/// A trace with its link graph, stages and findings.
#[derive(Debug, Clone, Serialize)]
pub struct TraceReport {
    #[serde(flatten)]
    pub trace: Trace,
    /// Exact links between the trace's events, then inferred links to `inferred_events`.
    pub links: Vec<graph::TraceLink>,
    /// The parent of each event in the tree the text output shows, by event key.
    pub tree: BTreeMap<i64, i64>,
    pub stages: Vec<stages::Stage>,
    pub flags: Vec<flags::Finding>,
    /// Evidence gaps: events with no outcome, sessions that only start.
    pub gaps: Vec<flags::Finding>,
    /// Events that only an inferred link joins; empty unless `TraceOptions::inferred`.
    pub inferred_events: Vec<TraceEvent>,
    pub inferred_window_seconds: Option<i64>,
}

/// Traces `id` ([`trace`]) and builds the link graph, stages, flags and gaps of the
/// result. This is the library entry point that the CLI uses.
pub fn analyse(case: &Case, id: &str, options: &TraceOptions) -> Result<TraceReport> {
    let trace = trace(case, id)?;
    let mut links = graph::exact_links(&trace.events);
    let tree = graph::spanning_tree(&trace.events, &links);
    let gaps = flags::gaps(&trace.events, &links);
    let identities: BTreeSet<String> = trace
        .events
        .iter()
        .filter_map(|e| e.identity.as_ref().map(|i| i.identity_key.clone()))
        .collect();
    let deprovisioned = flags::deprovisioned(case, &identities)?;
    let mut inferred_events = Vec::new();
    if options.inferred {
        let keys = inferred::nearby(case, &trace.events, options.window)?;
        let keyed = keys
            .into_iter()
            .map(|k| (k, vec!["inferred:same_identity".to_string()]));
        inferred_events = load_events(case, keyed.collect())?;
        links.extend(inferred::links(&trace.events, &inferred_events));
    }
    Ok(TraceReport {
        links,
        tree,
        stages: stages::stages(&trace.events),
        flags: flags::flags(&trace.events, &deprovisioned),
        gaps,
        inferred_events,
        inferred_window_seconds: options.inferred.then(|| options.window.num_seconds()),
        trace,
    })
}

/// Loads the events of `matched` in time order, each with why it matched and its actor's
/// identity state at the event's time.
fn load_events(case: &Case, mut matched: BTreeMap<i64, Vec<String>>) -> Result<Vec<TraceEvent>> {
    if matched.is_empty() {
        return Ok(Vec::new());
    }
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
    Ok(events)
}

/// Events whose actor resolves to the identity that `id` names through the aliases
/// (`identity:RULE`). The aliases are lower case.
fn seed_identity(case: &Case, id: &str) -> Result<BTreeMap<i64, Vec<String>>> {
    let mut stmt = case.conn().prepare(
        "SELECT ei.event_key, ei.matched_by FROM event_identities ei
         WHERE ei.identity_key = (SELECT identity_key FROM aliases WHERE alias = lower($1))
            OR ei.identity_key = $1",
    )?;
    let rows = stmt.query_map(params![id], |row| {
        let rule: Option<String> = row.get(1)?;
        Ok((
            row.get::<_, i64>(0)?,
            vec![format!("identity:{}", rule.unwrap_or_default())],
        ))
    })?;
    Ok(rows.collect::<Result<BTreeMap<_, _>, _>>()?)
}

/// Parses an event's `ts` (RFC 3339 in UTC, as [`format_ts`] writes it).
pub fn event_time(event: &TraceEvent) -> Option<NaiveDateTime> {
    chrono::DateTime::parse_from_rfc3339(&event.ts)
        .ok()
        .map(|ts| ts.naive_utc())
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

/// Identifiers an analyst may want to trace, most used first, for the TUI's fuzzy picker:
/// correlation, session and request ids, issued credentials (tokens, access keys), and the
/// identities that events resolved to, by userName, each with its number of events.
pub fn known_ids(case: &Case, limit: usize) -> Result<Vec<(String, String, i64)>> {
    let mut stmt = case.conn().prepare(
        "SELECT id, kind, count(*) AS n FROM (
             SELECT correlation_id AS id, 'correlation' AS kind FROM events WHERE correlation_id IS NOT NULL
             UNION ALL SELECT session_id, 'session' FROM events WHERE session_id IS NOT NULL
             UNION ALL SELECT request_id, 'request' FROM events WHERE request_id IS NOT NULL
             UNION ALL SELECT value, 'credential' FROM event_identifiers WHERE role = 'issued'
             UNION ALL SELECT coalesce(i.user_name, i.identity_key), 'identity'
                 FROM event_identities ei JOIN current_identities i USING (identity_key)
         )
         GROUP BY id, kind ORDER BY n DESC, id, kind LIMIT ?",
    )?;
    let rows = stmt.query_map(params![limit as i64], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

#[cfg(test)]
mod tests;
