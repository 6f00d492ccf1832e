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

use crate::Result;

/// Maximum number of rounds followed from the traced events. Role chains and span trees
/// are a few hops deep, and the bound keeps a case crafted with endless chains from
/// running away.
pub const MAX_ROUNDS: usize = 16;

/// Maximum number of events that the closure may add to a trace.
pub const MAX_JOINED: usize = 50_000;

/// Events that share a correlation, session or request id with an event of the frontier.
const SHARED_ID_QUERY: &str = "
WITH frontier AS (SELECT unnest(from_json($1::VARCHAR, '[\"BIGINT\"]')) AS event_key),
mine AS (SELECT i.kind, i.value FROM event_identifiers i JOIN frontier USING (event_key)
         WHERE i.role = 'column' AND i.kind IN ('correlation_id', 'session_id', 'request_id'))
SELECT other.event_key, 'shared:' || other.kind
FROM mine
JOIN event_identifiers other ON other.value = mine.value AND other.kind = mine.kind
WHERE other.role = 'column'";

/// Events on the other side of a link of an event of the frontier: a credential hand-off
/// (`handoff:ROLE:KIND`, ROLE being the other event's part), a parent or child span, or
/// the same trace id.
const LINK_QUERY: &str = "
WITH links AS (
    SELECT * FROM event_identifiers
    WHERE role IN ('issued', 'presented') OR kind IN ('span', 'trace')
),
frontier AS (SELECT unnest(from_json($1::VARCHAR, '[\"BIGINT\"]')) AS event_key),
mine AS (SELECT links.* FROM links JOIN frontier USING (event_key))
SELECT other.event_key,
       CASE WHEN other.role IN ('issued', 'presented') THEN 'handoff:' || other.role || ':' || other.kind
            WHEN other.kind = 'span' AND other.role = 'parent' THEN 'span:child'
            WHEN other.kind = 'span' THEN 'span:parent'
            ELSE 'shared:trace' END
FROM mine
JOIN links other ON other.kind = mine.kind AND other.value = mine.value
WHERE (mine.role = 'issued' AND other.role = 'presented')
   OR (mine.role = 'presented' AND other.role = 'issued')
   OR (mine.kind = 'span' AND mine.role = 'own' AND other.role = 'parent')
   OR (mine.kind = 'span' AND mine.role = 'parent' AND other.role = 'own')
   OR (mine.kind = 'trace' AND mine.role = 'own' AND other.role = 'own')";

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
    let keys = serde_json::to_string(frontier)?;
    let mut found = Vec::new();
    for query in [SHARED_ID_QUERY, LINK_QUERY] {
        let mut stmt = conn.prepare(query)?;
        let rows = stmt.query_map(params![keys], |row| Ok((row.get(0)?, row.get(1)?)))?;
        for row in rows {
            found.push(row?);
        }
    }
    found.sort();
    found.dedup();
    Ok(found)
}
