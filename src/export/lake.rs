//! Normalised events as a Hive-partitioned Parquet folder, and SQL over such a folder (or
//! an OCSF data lake such as Amazon Security Lake) in place, without copying it into a case.
//!
//! Layout written by [`export_parquet`]:
//!
//! ```text
//! DIR/events/source_format=okta/event_date=2026-11-01/data_0.parquet
//! DIR/sources/data_0.parquet
//! ```

use std::path::{Path, PathBuf};

use duckdb::Connection;

use crate::case::Case;
use crate::{Error, Result};

/// The event columns written, in the order of the `events` table, with `raw`, `targets`
/// and `links` as JSON text so that any Parquet reader sees plain strings. The partition
/// columns come last, as Hive tables declare them.
const EVENT_COLUMNS: &str = "event_key, source_id, record_pos, event_id, content_sha256, ts,
    ts_original, ts_note, category, action, outcome, reason, actor_id, actor_alt_id,
    actor_type, actor_display, session_id, correlation_id, request_id, client_ip,
    targets::VARCHAR AS targets, raw::VARCHAR AS raw, links::VARCHAR AS links, ts_end,
    source_format, CAST(ts AS DATE) AS event_date";

/// Row counts of the tables [`export_parquet`] wrote.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct LakeSummary {
    pub events: i64,
    pub sources: i64,
}

/// Writes the case's events, partitioned by source format and UTC day, and its sources
/// into `out`, which must be missing or empty.
pub fn export_parquet(case: &Case, out: &Path) -> Result<LakeSummary> {
    super::prepare_folder(out)?;
    let out = quotable(out)?;
    let conn = case.conn();
    let sources = out.join("sources");
    std::fs::create_dir_all(&sources).map_err(|err| Error::io(&sources, err))?;
    conn.execute_batch(&format!(
        "COPY (SELECT {EVENT_COLUMNS} FROM events ORDER BY ts, event_key)
         TO '{out}/events' (FORMAT parquet, PARTITION_BY (source_format, event_date));
         COPY (SELECT * FROM sources ORDER BY source_id) TO '{out}/sources/data_0.parquet' (FORMAT parquet);",
        out = out.display()
    ))?;
    let events = conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
    let sources = conn.query_row("SELECT count(*) FROM sources", [], |r| r.get(0))?;
    Ok(LakeSummary { events, sources })
}

/// Opens an in-memory database with views over the Parquet folder `dir`: `events` and
/// `sources` for a folder [`export_parquet`] wrote, else `ocsf` over every Parquet file
/// below `dir` (an OCSF lake's `region=/accountId=/eventDay=` folders become columns).
/// Queries may read files under `dir` only.
pub fn open_lake(dir: &Path) -> Result<Connection> {
    let dir = quotable(&dir.canonicalize().map_err(|err| Error::io(dir, err))?)?;
    let conn = Connection::open_in_memory()?;
    let root = dir.display();
    let views = if dir.join("events").is_dir() {
        format!(
            "CREATE VIEW events AS SELECT * FROM read_parquet('{root}/events/*/*/*.parquet', hive_partitioning = true);
             CREATE VIEW sources AS SELECT * FROM read_parquet('{root}/sources/*.parquet');"
        )
    } else {
        format!(
            "CREATE VIEW ocsf AS SELECT * FROM read_parquet('{root}/**/*.parquet', hive_partitioning = true, union_by_name = true);"
        )
    };
    conn.execute_batch(&views)?;
    // Reading stays possible under `dir` only. Nothing can be written, attached or
    // installed, and the query cannot change these settings back.
    conn.execute_batch(&format!(
        "SET allowed_directories = ['{root}'];
         SET enable_external_access = false;
         SET lock_configuration = true;"
    ))?;
    Ok(conn)
}

/// Returns `path` as an absolute path that can sit between single quotes in SQL. DuckDB
/// takes no parameters for COPY targets or in view definitions, so a path with a quote,
/// a backslash or a control character is rejected rather than escaped.
fn quotable(path: &Path) -> Result<PathBuf> {
    let absolute = std::path::absolute(path).map_err(|err| Error::io(path, err))?;
    let text = absolute.to_string_lossy();
    if text
        .chars()
        .any(|c| c == '\'' || c == '\\' || c.is_control())
    {
        return Err(Error::InvalidInput(format!(
            "{}: the path contains a quote, backslash or control character; choose a plain folder name",
            absolute.display()
        )));
    }
    Ok(absolute)
}
