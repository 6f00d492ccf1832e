//! A temporary table of every event link, one row per link, so that a trace parses the
//! events' JSON links once per connection instead of once per closure round. The table is
//! in the connection's temporary schema, which DuckDB keeps in memory and allows on a
//! read-only case. It is rebuilt when the number or the newest key of the events changes.

use duckdb::{Connection, params};

use crate::Result;

const BUILD: &str = "
CREATE OR REPLACE TEMP TABLE trace_links AS
SELECT event_key, link->>'kind' AS kind, link->>'value' AS value, link->>'role' AS role
FROM (SELECT event_key, unnest(json_extract(links, '$[*]')) AS link FROM events)";

/// Makes sure that `trace_links` matches the events table.
pub fn ensure(conn: &Connection) -> Result<()> {
    let current: (i64, i64) = conn.query_row(
        "SELECT count(*), coalesce(max(event_key), 0) FROM events",
        [],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    if built_for(conn)? == Some(current) {
        return Ok(());
    }
    conn.execute_batch(BUILD)?;
    conn.execute_batch(
        "CREATE OR REPLACE TEMP TABLE trace_links_built (events BIGINT, max_key BIGINT)",
    )?;
    conn.execute(
        "INSERT INTO trace_links_built VALUES (?, ?)",
        params![current.0, current.1],
    )?;
    Ok(())
}

/// Returns the event count and newest key the index was built for, if it exists.
fn built_for(conn: &Connection) -> Result<Option<(i64, i64)>> {
    let exists: i64 = conn.query_row(
        "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = 'trace_links_built'",
        [],
        |row| row.get(0),
    )?;
    if exists == 0 {
        return Ok(None);
    }
    let built = conn.query_row("SELECT events, max_key FROM trace_links_built", [], |row| {
        Ok((row.get(0)?, row.get(1)?))
    });
    match built {
        Ok(pair) => Ok(Some(pair)),
        Err(duckdb::Error::QueryReturnedNoRows) => Ok(None),
        Err(err) => Err(err.into()),
    }
}
