//! The SQL console's query runner: one SELECT on the case, its changes rolled back, with
//! file access switched off and at most [`ROW_LIMIT`] rows kept.

use crate::case::Case;
use crate::cli::sql::cell;

/// The maximum number of rows the console keeps of one result. A longer result is marked
/// as truncated.
pub const ROW_LIMIT: usize = 1000;

/// A query's result as text, not yet escaped for the terminal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryResult {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Whether the query returned more rows than [`ROW_LIMIT`].
    pub truncated: bool,
}

/// Runs `sql` if it is one SELECT statement. DuckDB's own parser decides, because
/// `json_serialize_sql` serialises SELECT statements only. The query runs in a transaction
/// that is rolled back, with external access disabled so it cannot read or write other
/// files.
pub fn run(case: &Case, sql: &str) -> Result<QueryResult, String> {
    let conn = case.conn();
    let parsed: String = conn
        .query_row("SELECT json_serialize_sql(?)::VARCHAR", [sql], |row| {
            row.get(0)
        })
        .map_err(|err| err.to_string())?;
    let parsed: serde_json::Value = serde_json::from_str(&parsed).map_err(|err| err.to_string())?;
    if parsed["error"] == serde_json::Value::Bool(true) {
        let message = parsed["error_message"].as_str().unwrap_or("not a query");
        return Err(format!(
            "the console runs one SELECT statement only ({message})"
        ));
    }
    // Once off, external access stays off for the rest of the process. The TUI never needs
    // it, because it reads and writes only the case's own tables.
    conn.execute_batch("SET enable_external_access = false; BEGIN TRANSACTION")
        .map_err(|err| err.to_string())?;
    let result = collect(case, sql);
    if let Err(err) = conn.execute_batch("ROLLBACK") {
        tracing::error!(error = %err, "rolling back a console query failed");
    }
    result.map_err(|err| err.to_string())
}

fn collect(case: &Case, sql: &str) -> duckdb::Result<QueryResult> {
    // The CLI's `sql` command and the console show the same columns as text.
    let mut stmt = crate::cli::sql::prepare_readable(case.conn(), sql)?;
    let mut rows = stmt.query([])?;
    let columns: Vec<String> = rows.as_ref().map(|s| s.column_names()).unwrap_or_default();
    let mut result = QueryResult {
        columns,
        ..QueryResult::default()
    };
    while let Some(row) = rows.next()? {
        if result.rows.len() == ROW_LIMIT {
            result.truncated = true;
            break;
        }
        let mut cells = Vec::with_capacity(result.columns.len());
        for index in 0..result.columns.len() {
            cells.push(cell(row.get_ref(index)?).text);
        }
        result.rows.push(cells);
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case() -> (tempfile::TempDir, Case) {
        let dir = tempfile::tempdir().unwrap();
        let case = Case::open(&dir.path().join("c.duckdb")).unwrap();
        (dir, case)
    }

    #[test]
    fn select_returns_rows() {
        let (_dir, case) = case();
        let result = run(&case, "SELECT 1 AS one, 'x' AS two").unwrap();
        assert_eq!(result.columns, ["one", "two"]);
        assert_eq!(result.rows, [["1", "x"]]);
        assert!(!result.truncated);
    }

    #[test]
    fn writes_are_rejected() {
        let (_dir, case) = case();
        let err = run(&case, "DELETE FROM decisions").unwrap_err();
        assert!(err.contains("SELECT statement only"), "{err}");
        let err = run(&case, "SELECT 1; DROP TABLE decisions").unwrap_err();
        assert!(err.contains("SELECT statement only"), "{err}");
    }

    #[test]
    fn files_cannot_be_read() {
        let (dir, case) = case();
        let path = dir.path().join("secret.txt");
        std::fs::write(&path, "secret").unwrap();
        let sql = format!("SELECT content FROM read_text('{}')", path.display());
        assert!(run(&case, &sql).is_err());
    }

    #[test]
    fn variant_columns_show_as_text() {
        let (_dir, case) = case();
        let result = run(
            &case,
            "SELECT name, value FROM duckdb_settings() WHERE name = 'threads'",
        )
        .unwrap();
        assert_eq!(result.columns, ["name", "value"]);
        assert_eq!(result.rows.len(), 1);
        assert_eq!(result.rows[0][0], "threads");
    }

    #[test]
    fn long_results_are_cut() {
        let (_dir, case) = case();
        let result = run(&case, "SELECT * FROM range(2000)").unwrap();
        assert_eq!(result.rows.len(), ROW_LIMIT);
        assert!(result.truncated);
    }
}
