//! Closing a trace over credential hand-offs: an event that presents a credential issued
//! by an event in the trace joins it (`handoff:presented:KIND`), and so does the event
//! that issued a credential an event in the trace presents (`handoff:issued:KIND`). Links
//! with the roles `issued` and `presented` are the credentials, whatever their kind:
//! CloudTrail access keys, GCP service account keys, Entra tokens.

use std::collections::{BTreeMap, BTreeSet};

use duckdb::{Connection, params};

use crate::Result;

/// Maximum number of hand-offs followed from the traced events. Role chains are a few hops
/// long, and the bound keeps a case crafted with endless chains from running away.
pub const MAX_ROUNDS: usize = 16;

/// Maximum number of events that hand-offs may add to a trace.
pub const MAX_JOINED: usize = 50_000;

const HANDOFF_QUERY: &str = "
WITH credentials AS (
    SELECT event_key, link->>'kind' AS kind, link->>'value' AS value, link->>'role' AS role
    FROM (SELECT event_key, unnest(json_extract(links, '$[*]')) AS link FROM events)
    WHERE link->>'role' IN ('issued', 'presented')
),
frontier AS (SELECT unnest(from_json($1::VARCHAR, '[\"BIGINT\"]')) AS event_key)
SELECT DISTINCT other.event_key, other.role, other.kind
FROM credentials mine
JOIN frontier USING (event_key)
JOIN credentials other
  ON other.kind = mine.kind AND other.value = mine.value AND other.role <> mine.role
ORDER BY other.event_key, other.role, other.kind";

/// Adds to `matched` the events reached through hand-offs, each with how it joined.
/// Returns true when the bound stopped the closure while more events would have joined.
pub fn close(conn: &Connection, matched: &mut BTreeMap<i64, Vec<String>>) -> Result<bool> {
    let mut frontier: Vec<i64> = matched.keys().copied().collect();
    let mut joined = 0;
    for round in 0..=MAX_ROUNDS {
        if frontier.is_empty() {
            return Ok(false);
        }
        let found = neighbours(conn, &frontier)?;
        let mut added = BTreeSet::new();
        for (key, how) in found {
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

/// Finds the events on the other side of a credential that an event of `frontier` issued
/// or presented.
fn neighbours(conn: &Connection, frontier: &[i64]) -> Result<Vec<(i64, String)>> {
    let keys = serde_json::to_string(frontier)?;
    let mut stmt = conn.prepare(HANDOFF_QUERY)?;
    let rows = stmt.query_map(params![keys], |row| {
        let key: i64 = row.get(0)?;
        let role: String = row.get(1)?;
        let kind: String = row.get(2)?;
        Ok((key, format!("handoff:{role}:{kind}")))
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}
