//! The link graph over a trace's events: one edge per exact link between two events,
//! labelled with the link's kind, and a spanning tree that the text output indents.
//!
//! Events that share a value (a correlation, session or request id, a trace id, a
//! delegating or impersonated principal) are joined to the earliest event with that value
//! rather than to each other, so the edges grow with the number of events, not with its
//! square.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::model::TraceEvent;

/// The strength of a link: exact or inferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    /// Both events carry the same identifier in the parts named by the link's kind.
    Exact,
    /// Only the resolved identity and the time suggest the events belong together.
    Inferred,
}

/// One edge of the graph. `from` is the earlier event of a shared value, the parent span,
/// or the event that issued a credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TraceLink {
    pub from: i64,
    pub to: i64,
    /// `correlation_id`, `session_id`, `request_id`, `trace`, `parent_span`,
    /// `credential:KIND` (such as `credential:access_key`), `delegation`,
    /// `impersonation`, or `same_identity` for an inferred link.
    pub kind: String,
    pub strength: Strength,
    /// The shared identifier.
    pub value: String,
}

/// The order in which edge kinds are preferred as an event's parent in the tree: the
/// causal links first, the shared ids after them.
const TREE_PREFERENCE: [&str; 8] = [
    "parent_span",
    "credential",
    "request_id",
    "session_id",
    "correlation_id",
    "trace",
    "delegation",
    "impersonation",
];

/// Builds the exact edges between `events`, which must be in time order.
pub fn exact_links(events: &[TraceEvent]) -> Vec<TraceLink> {
    let mut links = Vec::new();
    let mut shared = SharedValues::default();
    let mut spans: HashMap<(Option<&str>, &str), i64> = HashMap::new();
    let mut issued: HashMap<(&str, &str), i64> = HashMap::new();
    for event in events {
        let key = event.event_key;
        let trace_id = event.correlation_id.as_deref();
        shared.add(
            &mut links,
            "correlation_id",
            event.correlation_id.as_deref(),
            key,
        );
        shared.add(&mut links, "session_id", event.session_id.as_deref(), key);
        shared.add(&mut links, "request_id", event.request_id.as_deref(), key);
        for (kind, value, role) in event_links(event) {
            match (kind, role) {
                ("span", "own") => {
                    spans.insert((trace_id, value), key);
                }
                ("trace", "own") if Some(value) != trace_id => {
                    shared.add(&mut links, "trace", Some(value), key)
                }
                ("principal", "delegate") => shared.add(&mut links, "delegation", Some(value), key),
                (_, "impersonated") => shared.add(&mut links, "impersonation", Some(value), key),
                (kind, "issued") => {
                    issued.insert((kind, value), key);
                }
                _ => {}
            }
        }
    }
    for event in events {
        let trace_id = event.correlation_id.as_deref();
        for (kind, value, role) in event_links(event) {
            let from = match (kind, role) {
                ("span", "parent") => spans
                    .get(&(trace_id, value))
                    .map(|k| (*k, "parent_span".to_string())),
                (kind, "presented") => issued
                    .get(&(kind, value))
                    .map(|k| (*k, format!("credential:{kind}"))),
                _ => None,
            };
            if let Some((from, edge_kind)) = from
                && from != event.event_key
            {
                links.push(exact(from, event.event_key, edge_kind, value));
            }
        }
    }
    links
}

fn exact(from: i64, to: i64, kind: String, value: &str) -> TraceLink {
    TraceLink {
        from,
        to,
        kind,
        strength: Strength::Exact,
        value: value.to_string(),
    }
}

/// The first event seen with each value of each kind.
#[derive(Default)]
struct SharedValues<'a> {
    first: HashMap<(&'static str, &'a str), i64>,
}

impl<'a> SharedValues<'a> {
    fn add(
        &mut self,
        links: &mut Vec<TraceLink>,
        kind: &'static str,
        value: Option<&'a str>,
        key: i64,
    ) {
        let Some(value) = value else { return };
        match self.first.get(&(kind, value)) {
            Some(&first) if first != key => links.push(exact(first, key, kind.to_string(), value)),
            Some(_) => {}
            None => {
                self.first.insert((kind, value), key);
            }
        }
    }
}

/// Returns the event's links as `(kind, value, role)`.
pub fn event_links(event: &TraceEvent) -> Vec<(&str, &str, &str)> {
    event
        .links
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|link| {
            Some((
                link.get("kind")?.as_str()?,
                link.get("value")?.as_str()?,
                link.get("role")?.as_str()?,
            ))
        })
        .collect()
}

/// Chooses a parent for every event that has an exact link from another one, preferring
/// causal links (`TREE_PREFERENCE`), and never closing a cycle. Returns the parent of each
/// event key that has one.
pub fn spanning_tree(events: &[TraceEvent], links: &[TraceLink]) -> BTreeMap<i64, i64> {
    let mut incoming: HashMap<i64, Vec<&TraceLink>> = HashMap::new();
    for link in links.iter().filter(|l| l.strength == Strength::Exact) {
        incoming.entry(link.to).or_default().push(link);
    }
    let mut parents = BTreeMap::new();
    for event in events {
        let Some(candidates) = incoming.get_mut(&event.event_key) else {
            continue;
        };
        candidates.sort_by_key(|link| preference(&link.kind));
        for link in candidates.iter() {
            if !reaches(&parents, link.from, event.event_key) {
                parents.insert(event.event_key, link.from);
                break;
            }
        }
    }
    parents
}

/// Returns the preferred link between each pair of events ([`preference`]), the one the
/// tree shows.
pub fn best_links(links: &[TraceLink]) -> HashMap<(i64, i64), &TraceLink> {
    let mut best: HashMap<(i64, i64), &TraceLink> = HashMap::new();
    for link in links {
        let entry = best.entry((link.from, link.to)).or_insert(link);
        if preference(&link.kind) < preference(&entry.kind) {
            *entry = link;
        }
    }
    best
}

/// Returns the rank of an edge kind as a tree parent, lower first.
pub fn preference(kind: &str) -> usize {
    let base = kind.split(':').next().unwrap_or(kind);
    TREE_PREFERENCE
        .iter()
        .position(|k| *k == base)
        .unwrap_or(TREE_PREFERENCE.len())
}

/// Returns true when following parents from `start` reaches `target`.
fn reaches(parents: &BTreeMap<i64, i64>, start: i64, target: i64) -> bool {
    let mut current = start;
    for _ in 0..=parents.len() {
        if current == target {
            return true;
        }
        match parents.get(&current) {
            Some(&parent) => current = parent,
            None => return false,
        }
    }
    true
}
