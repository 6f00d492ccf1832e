use duckdb::{Connection, OptionalExt, params};
use serde::Serialize;

use super::{Case, format_ts};
use crate::Result;

/// One imported file and how its records were accounted for.
/// `records_read = imported + duplicates + rejected` holds for every source.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRecord {
    pub source_id: i64,
    pub kind: String,
    pub format: String,
    pub container: String,
    pub path: String,
    pub sha256: String,
    pub bytes: i64,
    pub imported_at: String,
    pub snapshot_id: Option<i64>,
    pub records_read: i64,
    pub imported: i64,
    pub duplicates: i64,
    pub rejected: i64,
    pub collisions: i64,
    pub notes: Vec<String>,
}

const SOURCE_COLUMNS: &str = "source_id, kind, format, container, path, sha256, bytes, imported_at, \
     snapshot_id, records_read, imported, duplicates, rejected, collisions, to_json(notes)::VARCHAR";

impl Case {
    /// The source already imported from a file with this SHA-256, if any.
    pub fn source_by_sha256(&self, sha256: &str) -> Result<Option<SourceRecord>> {
        let sql = format!(
            "SELECT {SOURCE_COLUMNS} FROM sources WHERE sha256 = ? ORDER BY source_id LIMIT 1"
        );
        Ok(self
            .conn
            .query_row(&sql, params![sha256], read_source)
            .optional()?)
    }

    /// Every source in import order.
    pub fn sources(&self) -> Result<Vec<SourceRecord>> {
        let sql = format!("SELECT {SOURCE_COLUMNS} FROM sources ORDER BY source_id");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], read_source)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

/// Inserts a source row inside the importer's transaction.
pub(crate) fn insert_source(conn: &Connection, source: &SourceRecord) -> Result<()> {
    conn.execute(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, from_json(?::JSON, '[\"VARCHAR\"]'))",
        params![
            source.source_id,
            source.kind,
            source.format,
            source.container,
            source.path,
            source.sha256,
            source.bytes,
            source.snapshot_id,
            source.records_read,
            source.imported,
            source.duplicates,
            source.rejected,
            source.collisions,
            serde_json::to_string(&source.notes)?,
        ],
    )?;
    Ok(())
}

pub(crate) fn next_id(conn: &Connection, table: &str, column: &str) -> Result<i64> {
    // Table and column names come from the importers, never from user input.
    let sql = format!("SELECT coalesce(max({column}), 0) + 1 FROM {table}");
    Ok(conn.query_row(&sql, [], |row| row.get(0))?)
}

fn read_source(row: &duckdb::Row<'_>) -> duckdb::Result<SourceRecord> {
    let imported_at: chrono::NaiveDateTime = row.get(7)?;
    let notes: String = row.get::<_, Option<String>>(14)?.unwrap_or_default();
    Ok(SourceRecord {
        source_id: row.get(0)?,
        kind: row.get(1)?,
        format: row.get(2)?,
        container: row.get(3)?,
        path: row.get(4)?,
        sha256: row.get(5)?,
        bytes: row.get(6)?,
        imported_at: format_ts(&imported_at),
        snapshot_id: row.get(8)?,
        records_read: row.get(9)?,
        imported: row.get(10)?,
        duplicates: row.get(11)?,
        rejected: row.get(12)?,
        collisions: row.get(13)?,
        notes: parse_varchar_list(&notes),
    })
}

/// Reads notes selected as JSON text: DuckDB's own list text `[a, b]` would lose the
/// boundaries of notes that contain ", ".
fn parse_varchar_list(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}
