//! Inferred links: events of an identity in the trace that no exact link reaches, within a
//! window around that identity's events in the trace.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDateTime};
use duckdb::params;

use super::event_time;
use super::graph::{Strength, TraceLink};
use crate::Result;
use crate::case::Case;
use crate::model::TraceEvent;

/// Events by `identity` between two times, in time order.
const NEARBY_QUERY: &str = "
SELECT event_key FROM identity_events
WHERE identity_hash = md5_number_lower($1) AND identity_key = $1 AND ts BETWEEN $2 AND $3
ORDER BY ts, event_key
LIMIT $4";

/// Maximum number of inferred events per identity, so that a busy service account does not
/// pull its whole day into one trace.
pub const MAX_PER_IDENTITY: usize = 1_000;

/// Finds the keys of the events of each resolved identity of `events` within `window`
/// before its first or after its last event there, that are not in `events`.
pub fn nearby(case: &Case, events: &[TraceEvent], window: Duration) -> Result<BTreeSet<i64>> {
    let known: BTreeSet<i64> = events.iter().map(|e| e.event_key).collect();
    let mut found = BTreeSet::new();
    for (identity, (first, last)) in spans(events) {
        // A window wider than the calendar allows clamps to its ends instead of overflowing.
        let from = first
            .checked_sub_signed(window)
            .unwrap_or(NaiveDateTime::MIN);
        let to = last
            .checked_add_signed(window)
            .unwrap_or(NaiveDateTime::MAX);
        let mut stmt = case.conn().prepare(NEARBY_QUERY)?;
        let rows = stmt.query_map(
            params![identity, from, to, MAX_PER_IDENTITY as i64],
            |row| row.get::<_, i64>(0),
        )?;
        for key in rows {
            let key = key?;
            if !known.contains(&key) {
                found.insert(key);
            }
        }
    }
    Ok(found)
}

/// Links each inferred event to the nearest event in time of the same identity in
/// `events`, labelled `same_identity` and inferred.
pub fn links(events: &[TraceEvent], inferred: &[TraceEvent]) -> Vec<TraceLink> {
    let mut result = Vec::new();
    for event in inferred {
        let Some(identity) = identity_key(event) else {
            continue;
        };
        let Some(at) = event_time(event) else {
            continue;
        };
        let nearest = events
            .iter()
            .filter(|e| identity_key(e) == Some(identity))
            .filter_map(|e| Some((e.event_key, (event_time(e)? - at).num_milliseconds().abs())))
            .min_by_key(|(_, distance)| *distance);
        if let Some((from, _)) = nearest {
            result.push(TraceLink {
                from,
                to: event.event_key,
                kind: "same_identity".into(),
                strength: Strength::Inferred,
                value: identity.to_string(),
            });
        }
    }
    result
}

/// Returns the first and last event time of each resolved identity.
fn spans(events: &[TraceEvent]) -> BTreeMap<&str, (NaiveDateTime, NaiveDateTime)> {
    let mut spans: BTreeMap<&str, (NaiveDateTime, NaiveDateTime)> = BTreeMap::new();
    for event in events {
        let (Some(identity), Some(at)) = (identity_key(event), event_time(event)) else {
            continue;
        };
        let span = spans.entry(identity).or_insert((at, at));
        span.0 = span.0.min(at);
        span.1 = span.1.max(at);
    }
    spans
}

fn identity_key(event: &TraceEvent) -> Option<&str> {
    event.identity.as_ref().map(|i| i.identity_key.as_str())
}
