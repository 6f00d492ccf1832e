use std::path::Path;

use duckdb::types::{Value, ValueRef};

use crate::case::Case;

use super::output::{self, Format, outln};

#[derive(Debug, clap::Args)]
pub struct SqlArgs {
    /// The query: one statement, or several separated by semicolons, each printing its
    /// own result (text format only). The case is opened read-only, so statements that
    /// write fail.
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
    let statements = split_statements(&args.query);
    if statements.is_empty() {
        use clap::CommandFactory;
        super::Cli::command()
            .error(
                clap::error::ErrorKind::InvalidValue,
                "the query must not be empty",
            )
            .exit();
    }
    if statements.len() > 1 && args.format != Format::Text {
        // One JSON document or one CSV table contains one result; text can show several.
        anyhow::bail!(
            "the query contains {} statements, but --format {} prints one result; run them \
             one at a time, or without --format to print each result",
            statements.len(),
            if args.format == Format::Json {
                "json"
            } else {
                "csv"
            }
        );
    }
    let lake;
    let case;
    let conn = match &args.lake {
        Some(dir) => {
            lake = crate::export::open_lake(dir)?;
            &lake
        }
        None => {
            case = Case::open_read_only(case_path)?;
            // Read-only protects the case, not the machine: also forbid reading or writing
            // other files (COPY, read_text, ATTACH) and installing extensions, and lock the
            // settings so the query cannot turn this back on.
            case.conn().execute_batch(
                "SET enable_external_access = false; SET lock_configuration = true;",
            )?;
            case.conn()
        }
    };
    // Like the psql and duckdb shells, every statement runs in turn and prints its own
    // result, and the first that fails stops the rest.
    for (index, statement) in statements.iter().enumerate() {
        let (columns, rows) = query(conn, statement).map_err(|err| {
            if statements.len() > 1 {
                err.context(format!("statement {} of {}", index + 1, statements.len()))
            } else {
                err
            }
        })?;
        if index > 0 {
            outln!()?;
        }
        print_result(args.format, columns, rows)?;
    }
    Ok(())
}

fn print_result(format: Format, columns: Vec<String>, rows: Vec<Vec<Cell>>) -> anyhow::Result<()> {
    match format {
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
            if format == Format::Csv {
                output::print_csv(&header, &text_rows)
            } else {
                output::print_table(&header, &text_rows)
            }
        }
    }
}

/// Splits SQL text into its statements at the semicolons outside string literals, quoted
/// names, dollar-quoted strings and comments. Pieces that hold only blanks and comments,
/// such as the one after a final semicolon, are left out.
pub fn split_statements(sql: &str) -> Vec<&str> {
    let bytes = sql.as_bytes();
    let mut statements = Vec::new();
    let mut start = 0;
    let mut has_code = false;
    let mut i = 0;
    while i < bytes.len() {
        let next = bytes.get(i + 1).copied();
        match bytes[i] {
            quote @ (b'\'' | b'"') => {
                // An E'...' literal escapes with backslashes as well as doubled quotes.
                let backslashes = quote == b'\''
                    && i > 0
                    && bytes[i - 1].eq_ignore_ascii_case(&b'e')
                    && (i < 2 || !is_word_byte(bytes[i - 2]));
                i = quoted_end(bytes, i + 1, quote, backslashes);
                has_code = true;
                continue;
            }
            b'-' if next == Some(b'-') => {
                i = bytes[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |n| i + n + 1);
                continue;
            }
            b'/' if next == Some(b'*') => {
                i = block_comment_end(bytes, i);
                continue;
            }
            b'$' if i == 0 || !is_word_byte(bytes[i - 1]) => {
                if let Some(end) = dollar_quoted_end(bytes, i) {
                    i = end;
                    has_code = true;
                    continue;
                }
                has_code = true;
            }
            b';' => {
                if has_code {
                    statements.push(sql[start..i].trim());
                }
                start = i + 1;
                has_code = false;
            }
            b if b.is_ascii_whitespace() => {}
            _ => has_code = true,
        }
        i += 1;
    }
    if has_code {
        statements.push(sql[start..].trim());
    }
    statements
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Returns the index after the quote that closes a literal whose text starts at `i`, or
/// the end of the text when it is not closed.
fn quoted_end(bytes: &[u8], mut i: usize, quote: u8, backslashes: bool) -> usize {
    while i < bytes.len() {
        if backslashes && bytes[i] == b'\\' {
            i += 2;
        } else if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
            } else {
                return i + 1;
            }
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// Returns the index after the block comment that opens at `i`; DuckDB's comments nest.
fn block_comment_end(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"/*") {
            depth += 1;
            i += 2;
        } else if bytes[i..].starts_with(b"*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// Returns the index after a `$tag$...$tag$` string that opens at `i`, or None when the
/// `$` opens none (a parameter such as `$1`).
fn dollar_quoted_end(bytes: &[u8], i: usize) -> Option<usize> {
    let tag_len = bytes[i + 1..]
        .iter()
        .position(|&b| !is_word_byte(b))
        .unwrap_or(bytes.len() - i - 1);
    let tag_end = i + 1 + tag_len;
    if bytes.get(tag_end) != Some(&b'$') || bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let delimiter = &bytes[i..=tag_end];
    let body = tag_end + 1;
    Some(
        bytes[body..]
            .windows(delimiter.len())
            .position(|window| window == delimiter)
            .map_or(bytes.len(), |n| body + n + delimiter.len()),
    )
}

/// One result cell as text (for tables and CSV) and as JSON.
pub struct Cell {
    pub text: String,
    pub json: serde_json::Value,
}

/// Runs one statement and returns the column names and every row. Columns of types that
/// the duckdb crate cannot decode, or that have no JSON form here, come back as text.
pub fn query(
    conn: &duckdb::Connection,
    sql: &str,
) -> anyhow::Result<(Vec<String>, Vec<Vec<Cell>>)> {
    let mut stmt = prepare_readable(conn, sql)?;
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

/// Prepares one statement so that every result column can be read. A column whose type
/// (or a type nested in it) the duckdb crate rejects, such as VARIANT, or shows only as
/// its Rust debug form, such as INTERVAL, is cast to VARCHAR: DuckDB's own text of the
/// value. The statement then runs as a subquery whose columns are renamed by position,
/// so that names that repeat or need quoting stay as they were.
pub fn prepare_readable<'c>(
    conn: &'c duckdb::Connection,
    sql: &str,
) -> duckdb::Result<duckdb::Statement<'c>> {
    let stmt = conn.prepare(sql)?;
    let cast: Vec<bool> = (0..stmt.column_count())
        .map(|index| !readable(&stmt.column_logical_type(index)))
        .collect();
    if !cast.contains(&true) {
        return Ok(stmt);
    }
    drop(stmt);

    // DESCRIBE of the statement itself keeps repeated names, which a subquery would
    // rename; it takes queries only, so anything else is described through a subquery.
    let describe = |text: String| -> duckdb::Result<Vec<String>> {
        conn.prepare(&text)?
            .query_map([], |row| row.get::<_, String>(0))?
            .collect()
    };
    let names = describe(format!("DESCRIBE {sql}\n"))
        .or_else(|_| describe(format!("DESCRIBE SELECT * FROM ({sql}\n)")))?;
    if names.len() != cast.len() {
        // The statement then runs unchanged and fails with the crate's own error.
        return conn.prepare(sql);
    }

    let positions: Vec<String> = (1..=cast.len()).map(|n| format!("c{n}")).collect();
    let select: Vec<String> = names
        .iter()
        .zip(&cast)
        .zip(&positions)
        .map(|((name, &cast), position)| {
            let name = format!("\"{}\"", name.replace('"', "\"\""));
            if cast {
                format!("CAST({position} AS VARCHAR) AS {name}")
            } else {
                format!("{position} AS {name}")
            }
        })
        .collect();
    conn.prepare(&format!(
        "SELECT {} FROM ({sql}\n) AS readable({})",
        select.join(", "),
        positions.join(", ")
    ))
}

/// Returns whether [`cell`] reads values of this type faithfully.
fn readable(logical: &duckdb::core::LogicalTypeHandle) -> bool {
    use duckdb::core::LogicalTypeId as T;
    let own = !matches!(
        logical.id(),
        T::Variant
            | T::Unsupported
            | T::Invalid
            | T::Any
            | T::Interval
            | T::Time
            | T::TimeTZ
            | T::TimeNs
            | T::Union
            | T::Bit
            | T::Bignum
            | T::Geometry
    );
    own && (0..logical.num_children()).all(|index| readable(&logical.child(index)))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_split_at_semicolons() {
        assert_eq!(
            split_statements("select 1; select 2;"),
            ["select 1", "select 2"]
        );
        assert_eq!(split_statements("select 1"), ["select 1"]);
        assert!(split_statements(" ; -- nothing\n /* here */ ").is_empty());
    }

    #[test]
    fn semicolons_inside_text_do_not_split() {
        let sql = "select 'a;b', \"c;d\", e'x\\';y', $q$;$q$ -- ;\n/* ; /* ; */ ; */ from t";
        assert_eq!(split_statements(sql), [sql]);
        assert_eq!(
            split_statements("select 'it''s; fine'; select 2"),
            ["select 'it''s; fine'", "select 2"]
        );
    }

    #[test]
    fn parameters_are_not_dollar_quotes() {
        assert_eq!(
            split_statements("select $1; select a$b$c; select 3"),
            ["select $1", "select a$b$c", "select 3"]
        );
    }

    #[test]
    fn unclosed_text_runs_to_the_end() {
        assert_eq!(
            split_statements("select 'a; select 2"),
            ["select 'a; select 2"]
        );
        assert_eq!(split_statements("select 1 /* ; "), ["select 1 /* ;"]);
    }

    #[test]
    fn undecodable_columns_come_back_as_text() {
        let conn = duckdb::Connection::open_in_memory().unwrap();
        let (columns, rows) = query(
            &conn,
            "select 1 as n, 42::VARIANT as \"v\"\"x\", interval 1 day as i, 2 as n",
        )
        .unwrap();
        assert_eq!(columns, ["n", "v\"x", "i", "n"]);
        let texts: Vec<&str> = rows[0].iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["1", "42", "1 day", "2"]);
        assert_eq!(rows[0][0].json, serde_json::json!(1));
    }
}
