//! Closing a trace over exact links. From the events that carry the traced identifier, the
//! closure adds the events that share a correlation, session or request id with them, their
//! OpenTelemetry parent and child spans, and the events that share a trace id link. It also
//! adds the other side of every credential hand-off: the event that issued a credential and
//! the events that presented it, whatever the credential's kind (CloudTrail access keys, GCP
//! service account keys, Entra tokens). Delegation and impersonation links are not
//! followed, because one principal acts in many unrelated sessions; `graph` labels them
//! between the events that are already in the trace.

use std::collections::{BTreeMap, BTreeSet};

use duckdb::{Connection, params};

use super::lookup;

use crate::Result;
use crate::case::identifiers_of;

/// Maximum number of rounds followed from the traced events. Role chains and span trees
/// are a few hops deep, and the bound keeps a case crafted with endless chains from
/// running away.
pub const MAX_ROUNDS: usize = 16;

/// Maximum number of events that the closure may add to a trace.
pub const MAX_JOINED: usize = 50_000;

/// Builds the query for the identifiers that a batch of frontier events carry, derived from their rows in
/// `events` (`case::identifiers_of`) rather than read from `event_identifiers`, which is
/// sorted by value. Import appends events in key order, so DuckDB's zone maps on
/// `event_key` find each key's row group.
fn frontier_query() -> String {
    format!(
        "SELECT DISTINCT kind, value, role FROM ({})",
        identifiers_of("event_key = ANY(CAST($1 AS BIGINT[]))")
    )
}

/// Maximum number of event keys in one frontier query.
const KEYS_PER_QUERY: usize = 4096;

/// Identifier kinds whose shared value joins two events whatever their roles.
const SHARED_COLUMNS: [&str; 3] = ["correlation_id", "session_id", "request_id"];

/// An identifier as stored in `event_identifiers`, without its event.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Identifier {
    kind: Option<String>,
    value: String,
    role: Option<String>,
}

/// Adds to `matched` the events reached through exact links, each with how it joined.
/// Returns true when the bound stopped the closure while more events would have joined.
pub fn close(conn: &Connection, matched: &mut BTreeMap<i64, Vec<String>>) -> Result<bool> {
    let mut frontier: Vec<i64> = matched.keys().copied().collect();
    let mut joined = 0;
    for round in 0..=MAX_ROUNDS {
        if frontier.is_empty() {
            return Ok(false);
        }
        let mut added = BTreeSet::new();
        for (key, how) in neighbours(conn, &frontier)? {
            if let Some(reasons) = matched.get_mut(&key) {
                if added.contains(&key) && !reasons.contains(&how) {
                    reasons.push(how);
                }
                continue;
            }
            if round == MAX_ROUNDS || joined == MAX_JOINED {
                return Ok(true);
            }
            joined += 1;
            matched.insert(key, vec![how]);
            added.insert(key);
        }
        frontier = added.into_iter().collect();
    }
    Ok(false)
}

/// Finds the events one exact link away from an event of `frontier`, sorted so that the
/// reasons an event joined on come out in a stable order.
fn neighbours(conn: &Connection, frontier: &[i64]) -> Result<Vec<(i64, String)>> {
    let mut mine = Vec::new();
    let query = frontier_query();
    for batch in frontier.chunks(KEYS_PER_QUERY) {
        let mut stmt = conn.prepare_cached(&query)?;
        let rows = stmt.query_map(params![lookup::key_list(batch)], |row| {
            Ok(Identifier {
                kind: row.get(0)?,
                value: row.get(1)?,
                role: row.get(2)?,
            })
        })?;
        for row in rows {
            mine.push(row?);
        }
    }
    mine.sort();
    mine.dedup();
    let mut wanted: Vec<(&str, Option<&'static str>)> = mine
        .iter()
        .filter_map(|i| Some((i.value.as_str(), Some(partner_role(i)?))))
        .collect();
    wanted.sort_unstable();
    wanted.dedup();

    let mut found = Vec::new();
    for carrier in lookup::carriers(conn, &wanted)? {
        let other = Identifier {
            kind: carrier.kind,
            value: carrier.value,
            role: carrier.role,
        };
        let reasons = mine.iter().filter_map(|m| join_reason(m, &other));
        found.extend(reasons.map(|how| (carrier.event_key, how)));
    }
    found.sort();
    found.dedup();
    Ok(found)
}

/// The role that an identifier on another event must have to join `mine` (`join_reason`),
/// or `None` when `mine` joins nothing, so that the closure looks up only values that can
/// join: a CloudTrail session's creation time, say, is a link that thousands of events
/// carry and none follows.
fn partner_role(mine: &Identifier) -> Option<&'static str> {
    let kind = mine.kind.as_deref()?;
    match mine.role.as_deref()? {
        "column" if SHARED_COLUMNS.contains(&kind) => Some("column"),
        "issued" => Some("presented"),
        "presented" => Some("issued"),
        "own" if kind == "span" => Some("parent"),
        "parent" if kind == "span" => Some("own"),
        "own" if kind == "trace" => Some("own"),
        _ => None,
    }
}

/// Returns how an event carrying `other` joins an event carrying `mine`, if it does: a shared
/// correlation, session or request id, a credential hand-off (`handoff:ROLE:KIND`, ROLE
/// being the other event's part), a parent or child span, or the same trace id.
fn join_reason(mine: &Identifier, other: &Identifier) -> Option<String> {
    if mine.value != other.value || mine.kind != other.kind {
        return None;
    }
    let kind = mine.kind.as_deref()?;
    let roles = (mine.role.as_deref()?, other.role.as_deref()?);
    match roles {
        ("column", "column") if SHARED_COLUMNS.contains(&kind) => Some(format!("shared:{kind}")),
        ("issued", "presented") | ("presented", "issued") => {
            Some(format!("handoff:{}:{kind}", roles.1))
        }
        ("own", "parent") if kind == "span" => Some("span:child".into()),
        ("parent", "own") if kind == "span" => Some("span:parent".into()),
        ("own", "own") if kind == "trace" => Some("shared:trace".into()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(kind: &str, role: &str) -> Identifier {
        Identifier {
            kind: Some(kind.into()),
            value: "v-1".into(),
            role: Some(role.into()),
        }
    }

    #[test]
    fn join_reasons_by_kind_and_role() {
        let cases = [
            (
                id("session_id", "column"),
                id("session_id", "column"),
                Some("shared:session_id"),
            ),
            (id("event_id", "column"), id("event_id", "column"), None),
            (
                id("access_key", "issued"),
                id("access_key", "presented"),
                Some("handoff:presented:access_key"),
            ),
            (
                id("token", "presented"),
                id("token", "issued"),
                Some("handoff:issued:token"),
            ),
            (id("token", "presented"), id("token", "presented"), None),
            (id("span", "own"), id("span", "parent"), Some("span:child")),
            (id("span", "parent"), id("span", "own"), Some("span:parent")),
            (id("span", "own"), id("span", "own"), None),
            (id("trace", "own"), id("trace", "own"), Some("shared:trace")),
            (id("user", "delegate"), id("user", "delegate"), None),
            (id("trace", "own"), id("span", "own"), None),
        ];
        for (mine, other, expected) in cases {
            assert_eq!(
                join_reason(&mine, &other).as_deref(),
                expected,
                "{mine:?} with {other:?}"
            );
        }
    }

    /// The closure looks up only the roles that `partner_role` names, so it must name
    /// exactly the roles with which `join_reason` joins.
    #[test]
    fn partner_role_agrees_with_join_reason() {
        let kinds = [
            "session_id",
            "event_id",
            "access_key",
            "span",
            "trace",
            "user",
        ];
        let roles = ["column", "issued", "presented", "own", "parent", "delegate"];
        for kind in kinds {
            for mine_role in roles {
                let mine = id(kind, mine_role);
                let joining: Vec<&str> = roles
                    .iter()
                    .copied()
                    .filter(|role| join_reason(&mine, &id(kind, role)).is_some())
                    .collect();
                let expected: Vec<&str> = partner_role(&mine).into_iter().collect();
                assert_eq!(joining, expected, "{mine:?}");
            }
        }
    }

    #[test]
    fn join_reason_needs_same_value() {
        let mut other = id("trace", "own");
        other.value = "v-2".into();
        assert_eq!(join_reason(&id("trace", "own"), &other), None);
    }
}
