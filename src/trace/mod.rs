//! Tracing an identifier through the imported events, and from them over exact links
//! (shared ids, parent spans, credential hand-offs) to the connected events, with the
//! link graph, stages and findings of the result.

mod closure;
pub mod flags;
pub mod graph;
mod inferred;
mod lookup;
pub mod stages;

pub use flags::Finding;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Duration, NaiveDateTime};
use duckdb::{OptionalExt, params};
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

/// The id columns of `events`, in the order a seed event lists those that matched.
const ID_COLUMNS: [&str; 4] = ["correlation_id", "session_id", "request_id", "event_id"];

/// The events of a batch of keys with their sources and resolved actors. `$1` is the
/// list of keys (`lookup::key_list`). It filters `event_actors` as well as `events`, so
/// DuckDB reads neither table whole.
const EVENTS_QUERY: &str = "
SELECT e.event_key, e.event_id, e.ts, e.ts_original, e.source_format, e.action, e.outcome,
       e.reason, e.actor_id, e.actor_type, e.actor_display, e.session_id, e.correlation_id,
       e.request_id, e.client_ip, e.targets::VARCHAR, e.links::VARCHAR,
       a.identity_key, a.matched_by, s.path, s.sha256, e.record_pos, e.raw::VARCHAR
FROM events e
JOIN sources s ON s.source_id = e.source_id
LEFT JOIN event_actors a ON a.event_key = e.event_key
    AND a.event_key = ANY(CAST($1 AS BIGINT[]))
WHERE e.event_key = ANY(CAST($1 AS BIGINT[]))";

/// Maximum number of event keys in one statement of `EVENTS_QUERY`.
const KEYS_PER_QUERY: usize = 4096;

/// Finds the events whose correlation, session, request or event id equals `id`, or that
/// carry it among their links, then closes over exact links (`closure::close`).
/// An OpenTelemetry id is also tried in the lower-case hex form that import stores, so the
/// id as a file wrote it (upper-case hex, base64 or a decimal integer) finds its trace.
/// An identity (its SCIM id, userName, email or external id) that no event carries as an
/// identifier finds the events its actor resolved to.
pub fn trace(case: &Case, id: &str) -> Result<Trace> {
    let mut forms = vec![id.to_string()];
    forms.extend(
        normalised_trace_ids(id)
            .into_iter()
            .filter(|form| form != id),
    );
    let mut matched = seed(case, &forms)?;
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
    let keys: Vec<i64> = matched.keys().copied().collect();
    let mut read = Vec::with_capacity(keys.len());
    for batch in keys.chunks(KEYS_PER_QUERY) {
        let mut stmt = case.conn().prepare_cached(EVENTS_QUERY)?;
        let rows = stmt.query_map(params![lookup::key_list(batch)], read_event)?;
        for row in rows {
            read.push(row?);
        }
    }
    // Batches come back in key order, but a trace lists its events in time order.
    read.sort_by_key(|(event, _)| (event_time(event), event.event_key));
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
/// (`identity:RULE`), or to the identity whose key `id` is. The aliases are lower case.
fn seed_identity(case: &Case, id: &str) -> Result<BTreeMap<i64, Vec<String>>> {
    let aliased: Option<String> = case
        .conn()
        .query_row(
            "SELECT identity_key FROM aliases WHERE alias = lower($1)",
            params![id],
            |row| row.get(0),
        )
        .optional()?;
    let mut stmt = case.conn().prepare_cached(
        "SELECT event_key, matched_by FROM identity_events
         WHERE identity_hash = md5_number_lower($1) AND identity_key = $1",
    )?;
    let mut matched = BTreeMap::new();
    for key in aliased.iter().map(String::as_str).chain([id]) {
        let rows = stmt.query_map(params![key], |row| {
            let rule: Option<String> = row.get(1)?;
            Ok((
                row.get::<_, i64>(0)?,
                vec![format!("identity:{}", rule.unwrap_or_default())],
            ))
        })?;
        for row in rows {
            let (event, reasons) = row?;
            matched.entry(event).or_insert(reasons);
        }
    }
    Ok(matched)
}

/// Parses an event's `ts` (RFC 3339 in UTC, as [`format_ts`] writes it).
pub fn event_time(event: &TraceEvent) -> Option<NaiveDateTime> {
    chrono::DateTime::parse_from_rfc3339(&event.ts)
        .ok()
        .map(|ts| ts.naive_utc())
}

/// Finds the events that carry one of `forms` of a traced id, each with the identifiers
/// that matched: a column name, or `link:KIND:ROLE` for a link. Column names come first,
/// in the order of `ID_COLUMNS`.
fn seed(case: &Case, forms: &[String]) -> Result<BTreeMap<i64, Vec<String>>> {
    let forms: Vec<(&str, Option<&'static str>)> =
        forms.iter().map(|f| (f.as_str(), None)).collect();
    let rows = lookup::carriers(case.conn(), &forms)?
        .into_iter()
        .map(|c| (c.event_key, seed_reason(c.kind, c.role)));
    let mut matched: BTreeMap<i64, Vec<(usize, String)>> = BTreeMap::new();
    for (key, reason) in rows {
        matched.entry(key).or_default().push(reason);
    }
    Ok(matched
        .into_iter()
        .map(|(key, mut reasons)| {
            reasons.sort();
            reasons.dedup();
            (key, reasons.into_iter().map(|(_, name)| name).collect())
        })
        .collect())
}

/// Names how a seed event carries the traced id, with a rank that puts id columns first.
fn seed_reason(kind: Option<String>, role: Option<String>) -> (usize, String) {
    let kind = kind.unwrap_or_else(|| "?".into());
    match role.as_deref() {
        Some("column") => {
            let rank = ID_COLUMNS.iter().position(|c| *c == kind);
            (rank.unwrap_or(ID_COLUMNS.len()), kind)
        }
        role => (
            ID_COLUMNS.len() + 1,
            format!("link:{kind}:{}", role.unwrap_or("?")),
        ),
    }
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
