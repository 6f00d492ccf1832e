use std::path::Path;

use duckdb::types::ValueRef;

use crate::case::Case;

use super::output::{self, Format};

#[derive(Debug, clap::Args)]
pub struct SqlArgs {
    /// The query. The case is opened read-only, so statements that write fail.
    pub query: String,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(case_path: &Path, args: SqlArgs) -> anyhow::Result<()> {
    let case = Case::open_read_only(case_path)?;
    let (columns, rows) = query(&case, &args.query)?;
    match args.format {
        Format::Json => {
            let objects: Vec<serde_json::Map<String, serde_json::Value>> = rows
                .into_iter()
                .map(|row| {
                    columns
                        .iter()
                        .cloned()
                        .zip(row.into_iter().map(|c| c.json))
                        .collect()
                })
                .collect();
            output::print_json(&serde_json::json!({ "columns": columns, "rows": objects }))
        }
        Format::Csv | Format::Text => {
            let text_rows: Vec<Vec<String>> = rows
                .into_iter()
                .map(|row| row.into_iter().map(|c| c.text).collect())
                .collect();
            let header: Vec<&str> = columns.iter().map(String::as_str).collect();
            if args.format == Format::Csv {
                output::print_csv(&header, &text_rows)
            } else {
                output::print_table(&header, &text_rows)
            }
        }
    }
}

/// One result cell as text (for tables and CSV) and as JSON.
pub struct Cell {
    pub text: String,
    pub json: serde_json::Value,
}

/// Runs `sql` and returns the column names and every row.
pub fn query(case: &Case, sql: &str) -> anyhow::Result<(Vec<String>, Vec<Vec<Cell>>)> {
    let mut stmt = case.conn().prepare(sql)?;
    let mut result = stmt.query([])?;
    let columns: Vec<String> = result
        .as_ref()
        .map(|s| s.column_names())
        .unwrap_or_default();
    let mut rows = Vec::new();
    while let Some(row) = result.next()? {
        let mut cells = Vec::with_capacity(columns.len());
        for index in 0..columns.len() {
            cells.push(cell(row.get_ref(index)?));
        }
        rows.push(cells);
    }
    Ok((columns, rows))
}

/// A TIMESTAMP as RFC 3339 UTC; the case stores every time in UTC.
fn timestamp_text(unit: duckdb::types::TimeUnit, value: i64) -> String {
    use duckdb::types::TimeUnit;
    let micros = match unit {
        TimeUnit::Second => value.saturating_mul(1_000_000),
        TimeUnit::Millisecond => value.saturating_mul(1_000),
        TimeUnit::Microsecond => value,
        TimeUnit::Nanosecond => value / 1_000,
    };
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|dt| crate::case::format_ts(&dt.naive_utc()))
        .unwrap_or_else(|| value.to_string())
}

fn cell(value: ValueRef<'_>) -> Cell {
    use serde_json::Value as J;
    let json = match value {
        ValueRef::Null => J::Null,
        ValueRef::Boolean(b) => J::Bool(b),
        ValueRef::TinyInt(v) => J::from(v),
        ValueRef::SmallInt(v) => J::from(v),
        ValueRef::Int(v) => J::from(v),
        ValueRef::BigInt(v) => J::from(v),
        ValueRef::UTinyInt(v) => J::from(v),
        ValueRef::USmallInt(v) => J::from(v),
        ValueRef::UInt(v) => J::from(v),
        ValueRef::UBigInt(v) => J::from(v),
        ValueRef::Float(v) => J::from(v),
        ValueRef::Double(v) => J::from(v),
        ValueRef::Text(bytes) => J::String(String::from_utf8_lossy(bytes).into_owned()),
        ValueRef::Timestamp(unit, value) => J::String(timestamp_text(unit, value)),
        ValueRef::HugeInt(v) => J::String(v.to_string()),
        other => J::String(format!("{:?}", other.to_owned())),
    };
    let text = match &json {
        J::Null => String::new(),
        J::String(s) => s.clone(),
        other => other.to_string(),
    };
    Cell { text, json }
}
