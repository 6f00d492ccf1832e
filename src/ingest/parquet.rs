//! Reading Parquet files with DuckDB's own reader. Each row becomes a JSON object that
//! goes through the same detection and mappers as a record of a JSON file, with its row
//! number as its position.

use std::path::Path;

use duckdb::{Connection, params};

use super::container::{RawRecord, Split};
use crate::{Error, Result};

/// Selects the rows in file order, each turned into one JSON object by `to_json`. Hive
/// partition values in the path (`region=us-east-1/accountId=111122223333/eventDay=20261101/`)
/// become fields of every row. `hive_types_autocast = false` keeps them as the text of the
/// path, so DuckDB does not guess a date or number type.
const ROWS_SQL: &str = "
    SELECT to_json(parquet_row)::VARCHAR
    FROM (SELECT * EXCLUDE (file_row_number)
          FROM read_parquet(?, hive_partitioning = true, hive_types_autocast = false,
                            file_row_number = true)
          ORDER BY file_row_number) AS parquet_row";

/// Reads the rows of the Parquet file at `path` as JSON text, on the connection (and so
/// inside the transaction) of the source being imported.
pub fn read_rows(conn: &Connection, path: &Path) -> Result<Vec<String>> {
    let text = path
        .to_str()
        .ok_or_else(|| Error::invalid_file(path, "the path is not UTF-8, which DuckDB needs"))?;
    // DuckDB expands these characters as a glob pattern, which could read other files.
    if text.contains(['*', '?', '[']) {
        return Err(Error::invalid_file(
            path,
            "the path contains *, ? or [, which DuckDB reads as a glob pattern; rename the file",
        ));
    }
    let unreadable = |err: duckdb::Error| {
        Error::invalid_file(
            path,
            format!("unreadable Parquet file: {}", duckdb_message(&err)),
        )
    };
    let mut statement = conn.prepare(ROWS_SQL)?;
    let rows = statement
        .query_map(params![text], |row| row.get::<_, String>(0))
        .map_err(unreadable)?;
    rows.collect::<std::result::Result<Vec<_>, _>>()
        .map_err(unreadable)
}

/// DuckDB's message without the query it appends (`LINE n:` with the query text and a
/// caret line), which names this module's SQL rather than anything in the file.
fn duckdb_message(err: &duckdb::Error) -> String {
    let text = err.to_string().replace("\\n", "\n");
    let message = match text.find("\nLINE ") {
        Some(end) => &text[..end],
        None => &text,
    };
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Wraps the rows as the records of a split file, positioned by row number from 1. Rows
/// have no line, so `line` is 0.
pub fn split(rows: &[String]) -> Split<'_> {
    Split {
        container: "parquet".into(),
        envelopes: Vec::new(),
        list_pages: Vec::new(),
        records: rows
            .iter()
            .enumerate()
            .map(|(index, text)| RawRecord {
                pos: index as i64 + 1,
                line: 0,
                text,
            })
            .collect(),
        bad: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrupt_file_message_has_no_query() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fake.parquet");
        std::fs::write(&path, b"PAR1garbagePAR1").unwrap();
        let conn = Connection::open_in_memory().unwrap();
        let err = read_rows(&conn, &path).unwrap_err().to_string();
        assert!(err.contains("fake.parquet"), "{err}");
        assert!(err.contains("unreadable Parquet file"), "{err}");
        assert!(!err.contains("LINE"), "{err}");
        assert!(!err.contains("read_parquet"), "{err}");
        assert!(!err.contains("\\n"), "{err}");
    }
}
