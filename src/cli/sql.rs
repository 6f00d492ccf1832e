use std::path::Path;

use duckdb::types::{Value, ValueRef};

use crate::case::Case;

use super::output::{self, Format};

#[derive(Debug, clap::Args)]
pub struct SqlArgs {
    /// The query. The case is opened read-only, so statements that write fail.
    pub query: String,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Query a Parquet folder in place instead of the case: one that `export --parquet`
    /// wrote (views `events` and `sources`), or an OCSF data lake (view `ocsf`).
    #[arg(long, value_name = "DIR")]
    pub lake: Option<std::path::PathBuf>,
}

pub fn run(case_path: &Path, args: SqlArgs) -> anyhow::Result<()> {
    if args.query.trim().is_empty() {
        use clap::CommandFactory;
        super::Cli::command()
            .error(
                clap::error::ErrorKind::InvalidValue,
                "the query must not be empty",
            )
            .exit();
    }
    let (columns, rows) = match &args.lake {
        Some(dir) => query(&crate::export::open_lake(dir)?, &args.query)?,
        None => {
            let case = Case::open_read_only(case_path)?;
            // Read-only protects the case, not the machine: also forbid reading or writing
            // other files (COPY, read_text, ATTACH) and installing extensions, and lock the
            // settings so the query cannot turn this back on.
            case.conn().execute_batch(
                "SET enable_external_access = false; SET lock_configuration = true;",
            )?;
            query(case.conn(), &args.query)?
        }
    };
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
pub fn query(
    conn: &duckdb::Connection,
    sql: &str,
) -> anyhow::Result<(Vec<String>, Vec<Vec<Cell>>)> {
    let mut stmt = conn.prepare(sql)?;
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

/// Formats a TIMESTAMP as RFC 3339 in UTC, the zone of every time in the case.
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

pub(crate) fn cell(value: ValueRef<'_>) -> Cell {
    let json = to_json(value.to_owned());
    let text = match &json {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Cell { text, json }
}

/// Converts a DuckDB value to JSON: numbers and booleans as such, times as RFC 3339 text,
/// lists, structs and maps as arrays and objects.
fn to_json(value: Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::Null => J::Null,
        Value::Boolean(b) => J::Bool(b),
        Value::TinyInt(v) => J::from(v),
        Value::SmallInt(v) => J::from(v),
        Value::Int(v) => J::from(v),
        Value::BigInt(v) => J::from(v),
        Value::UTinyInt(v) => J::from(v),
        Value::USmallInt(v) => J::from(v),
        Value::UInt(v) => J::from(v),
        Value::UBigInt(v) => J::from(v),
        Value::HugeInt(v) => J::String(v.to_string()),
        Value::UHugeInt(v) => J::String(v.to_string()),
        Value::Decimal(v) => J::String(v.to_string()),
        Value::Float(v) => float(f64::from(v)),
        Value::Double(v) => float(v),
        Value::Text(s) => J::String(s),
        Value::Blob(bytes) => J::String(format!("\\x{}", hex::encode(bytes))),
        Value::Timestamp(unit, v) => J::String(timestamp_text(unit, v)),
        Value::Date32(days) => J::String(date_text(days)),
        Value::Enum(s) => J::String(s),
        Value::List(items) | Value::Array(items) => J::Array(items.into_iter().map(to_json).collect()),
        Value::Struct(fields) => J::Object(
            fields
                .iter()
                .map(|(name, v)| (name.clone(), to_json(v.clone())))
                .collect(),
        ),
        Value::Map(entries) => J::Array(
            entries
                .iter()
                .map(|(k, v)| serde_json::json!({"key": to_json(k.clone()), "value": to_json(v.clone())}))
                .collect(),
        ),
        other => J::String(format!("{other:?}")),
    }
}

/// Converts a float to a JSON number, or to text for NaN and the infinities, which JSON
/// cannot represent.
fn float(v: f64) -> serde_json::Value {
    serde_json::Number::from_f64(v).map_or_else(
        || serde_json::Value::String(v.to_string()),
        serde_json::Value::Number,
    )
}

fn date_text(days: i32) -> String {
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|epoch| epoch.checked_add_signed(chrono::Duration::days(i64::from(days))))
        .map_or_else(|| days.to_string(), |date| date.to_string())
}
