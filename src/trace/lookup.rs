//! The two reads a trace repeats: identifiers by value, and events by key. Events are read
//! by one list parameter compared with `= ANY(...)`. DuckDB pushes it into the scan of
//! `events`, whose keys ascend, so zone maps skip the row groups that hold none of them. An
//! `IN ($1, $2, ...)` list instead becomes a join that reads every row of the row groups it
//! touches. Identifiers are read one value hash per `SELECT`, because their hashes spread
//! over the whole table and a list of them defeats zone maps.

use std::collections::{BTreeMap, HashSet};

use duckdb::{Connection, params_from_iter};

use crate::Result;
use crate::case::identifiers_of;

/// An identifier row of `event_identifiers`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carrier {
    pub event_key: i64,
    pub kind: Option<String>,
    pub value: String,
    pub role: Option<String>,
}

/// Maximum number of values hashed and looked up by one statement, so that a round that
/// reaches many values still runs short statements.
const VALUES_PER_QUERY: usize = 256;

/// The identifier rows whose value is one of `wanted`, each value with the role its
/// carriers must have (`None`: any role). The table is sorted by the MD5 hash of the value,
/// then by role. So DuckDB's zone maps skip the row groups of a value that thousands of
/// events carry in another role, such as the Entra application that every sign-in presents.
/// A row whose value differs (a hash collision) is dropped here. Events that an interrupted
/// import left unindexed (after the last run's key) are read from `events`, so a trace on a
/// read-only case still finds them.
pub fn carriers(
    conn: &Connection,
    wanted: &[(&str, Option<&'static str>)],
) -> Result<Vec<Carrier>> {
    let indexed: i64 = conn.query_row(
        "SELECT coalesce(max(last_event_key), 0) FROM identifier_runs",
        [],
        |r| r.get(0),
    )?;
    // The key is a number read above. It is written into the statement because DuckDB prunes
    // row groups by a constant, and with a parameter it read every row of `events`.
    let unindexed = format!("event_key > {indexed}");
    let tail: i64 = conn.query_row(
        &format!("SELECT count(*) FROM events WHERE {unindexed}"),
        [],
        |r| r.get(0),
    )?;
    let mut by_role: BTreeMap<Option<&'static str>, Vec<&str>> = BTreeMap::new();
    for (value, role) in wanted {
        by_role.entry(*role).or_default().push(value);
    }
    let mut found = Vec::new();
    for (role, values) in by_role {
        // Roles are the closure's own constants. Hashes and roles are written into the
        // statement as constants, one `SELECT` per value. DuckDB turns a constant equality
        // into a zone-map filter that reads one row group. A list of values (`= ANY($1)`,
        // `IN (...)`) becomes a join that reads most of the table.
        let role_filter = role.map_or(String::new(), |role| {
            format!(" AND role = '{}'", role.replace('\'', "''"))
        });
        for batch in values.chunks(VALUES_PER_QUERY) {
            let hashes = hashes(conn, batch)?;
            let mut selects: Vec<String> = hashes
                .iter()
                .map(|hash| {
                    format!(
                        "SELECT event_key, kind, value, role FROM event_identifiers
                         WHERE value_hash = {hash}{role_filter}"
                    )
                })
                .collect();
            if tail > 0 {
                let list: Vec<String> = hashes.iter().map(u64::to_string).collect();
                selects.push(format!(
                    "SELECT event_key, kind, value, role FROM ({})
                     WHERE value_hash IN ({}){role_filter}",
                    identifiers_of(&unindexed),
                    list.join(", ")
                ));
            }
            let mut stmt = conn.prepare(&selects.join(" UNION ALL "))?;
            let rows = stmt.query_map([], |row| {
                Ok(Carrier {
                    event_key: row.get(0)?,
                    kind: row.get(1)?,
                    value: row.get(2)?,
                    role: row.get(3)?,
                })
            })?;
            let batch: HashSet<&str> = batch.iter().copied().collect();
            for row in rows {
                let row = row?;
                if batch.contains(row.value.as_str()) {
                    found.push(row);
                }
            }
        }
    }
    Ok(found)
}

/// Computes the hashes of `values` in order, in DuckDB, so that they match the stored ones.
fn hashes(conn: &Connection, values: &[&str]) -> Result<Vec<u64>> {
    let rows = (1..=values.len())
        .map(|i| format!("(${i})"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut stmt = conn.prepare(&format!(
        "SELECT md5_number_lower(v) FROM (VALUES {rows}) t(v)"
    ))?;
    let hashes = stmt.query_map(params_from_iter(values), |row| row.get::<_, u64>(0))?;
    Ok(hashes.collect::<duckdb::Result<_>>()?)
}

/// `keys` as a DuckDB list literal for `CAST($n AS BIGINT[])`.
pub fn key_list(keys: &[i64]) -> String {
    let keys: Vec<String> = keys.iter().map(i64::to_string).collect();
    format!("[{}]", keys.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use duckdb::params;

    /// Creates `event_identifiers` with `rows`, indexed through event key 100, and an
    /// `events` table with only event 101, not yet indexed.
    fn table(rows: &[(&str, i64)]) -> Connection {
        let conn = Connection::open_in_memory().expect("in-memory database");
        conn.execute_batch(
            "CREATE TABLE event_identifiers (value_hash UBIGINT, value VARCHAR, kind VARCHAR,
                                             role VARCHAR, event_key BIGINT);
             CREATE TABLE identifier_runs AS SELECT 1 AS run, 100 AS last_event_key, 0 AS identifiers;
             CREATE TABLE events AS
             SELECT 101 AS event_key, 's-2' AS correlation_id, NULL::VARCHAR AS session_id,
                    NULL::VARCHAR AS request_id, NULL::VARCHAR AS event_id, '[]'::JSON AS links;",
        )
        .expect("tables");
        for (value, key) in rows {
            conn.execute(
                "INSERT INTO event_identifiers
                 VALUES (md5_number_lower($1), $1, 'session_id', 'column', $2)",
                params![value, key],
            )
            .expect("row");
        }
        conn
    }

    #[test]
    fn carriers_match_values_exactly() {
        let conn = table(&[("s-1", 1), ("s-2", 2), ("s-1", 3), ("quote'[1,2]", 4)]);
        let keys = |values: &[&str]| -> Vec<i64> {
            let wanted: Vec<(&str, Option<&'static str>)> =
                values.iter().map(|v| (*v, None)).collect();
            let mut keys: Vec<i64> = carriers(&conn, &wanted)
                .expect("carriers")
                .into_iter()
                .map(|c| c.event_key)
                .collect();
            keys.sort_unstable();
            keys
        };
        assert_eq!(keys(&["s-1"]), vec![1, 3]);
        assert_eq!(keys(&["s-2", "quote'[1,2]"]), vec![2, 4, 101]);
        assert!(keys(&["s-3"]).is_empty());
    }

    /// A stored row whose hash equals a wanted value's but whose value differs is left out.
    #[test]
    fn hash_collisions_are_dropped() {
        let conn = table(&[("s-1", 1)]);
        conn.execute_batch(
            "INSERT INTO event_identifiers
             SELECT md5_number_lower('s-1'), 'other', 'session_id', 'column', 2",
        )
        .expect("colliding row");
        let found = carriers(&conn, &[("s-1", None)]).expect("carriers");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].event_key, 1);
    }

    #[test]
    fn carriers_keep_the_wanted_role() {
        let conn = table(&[("s-1", 1)]);
        conn.execute_batch(
            "INSERT INTO event_identifiers
             SELECT md5_number_lower('s-1'), 's-1', 'session_id', 'issued', 2",
        )
        .expect("issued row");
        let keys = |role| -> Vec<i64> {
            carriers(&conn, &[("s-1", role)])
                .expect("carriers")
                .into_iter()
                .map(|c| c.event_key)
                .collect()
        };
        assert_eq!(keys(Some("issued")), vec![2]);
        assert_eq!(keys(Some("column")), vec![1]);
        assert!(keys(Some("presented")).is_empty());
    }

    #[test]
    fn key_list_is_a_list_literal() {
        assert_eq!(key_list(&[3, -1, 10]), "[3, -1, 10]");
        assert_eq!(key_list(&[]), "[]");
    }
}
