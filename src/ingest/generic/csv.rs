//! CSV exports read row by row with the `csv` crate, which keeps each row's line (quoted
//! fields may span lines) so a quarantined row can be found in the file. Every row becomes
//! a JSON object in header order, with the columns that the mapping names in
//! `json_fields` parsed, so that the row's raw JSON holds all of it.

use std::borrow::Cow;
use std::collections::HashSet;

use serde_json::{Map, Value};

use super::Mapping;
use crate::ingest::records::{Event, MappedRecord, PROGRESS_EVERY, Progress};

/// True when the text is not JSON, which a mapped import then reads as CSV.
pub fn looks_like_csv(text: &str) -> bool {
    !matches!(text.trim_start().chars().next(), Some('[' | '{'))
}

/// Reads and maps every data row. Fails only when the header cannot be read.
/// `progress` receives the rows read and the share of the text read.
pub fn read_csv(
    text: &str,
    mapping: &Mapping,
    progress: Progress<'_>,
) -> Result<Vec<MappedRecord<'static>>, String> {
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(mapping.delimiter())
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = header_names(
        reader
            .headers()
            .map_err(|err| format!("invalid CSV header: {err}"))?,
    )?;
    let mut rows = Vec::new();
    let mut row = ::csv::StringRecord::new();
    loop {
        let start = reader.position().clone();
        let read = reader.read_record(&mut row);
        let end = reader.position().byte() as usize;
        let pos = rows.len() as i64 + 1;
        let line = row.position().map_or(start.line(), |p| p.line()) as usize;
        let original = || {
            text.get(start.byte() as usize..end)
                .unwrap_or("")
                .trim_end()
        };
        match read {
            Ok(false) => break,
            Ok(true) => rows.push(map_row(pos, line, &headers, &row, mapping, original)),
            Err(err) => rows.push(MappedRecord::rejected(
                pos,
                line,
                original().to_string(),
                format!("invalid CSV: {err}"),
            )),
        }
        if rows.len() % PROGRESS_EVERY == 0 {
            progress(rows.len() as u64, end as f64 / text.len().max(1) as f64);
        }
    }
    Ok(rows)
}

/// Column names, with an empty name (a trailing delimiter) called `column_N`.
fn header_names(header: &::csv::StringRecord) -> Result<Vec<String>, String> {
    if header.is_empty() {
        return Err("the CSV file has no header row".into());
    }
    let mut seen = HashSet::new();
    let mut names = Vec::with_capacity(header.len());
    for (index, name) in header.iter().enumerate() {
        let name = match name.trim() {
            "" => format!("column_{}", index + 1),
            name => name.to_string(),
        };
        if !seen.insert(name.clone()) {
            return Err(format!(
                "column {name:?} appears twice in the header; rename one of them"
            ));
        }
        names.push(name);
    }
    Ok(names)
}

fn map_row<'f>(
    pos: i64,
    line: usize,
    headers: &[String],
    row: &::csv::StringRecord,
    mapping: &Mapping,
    original: impl Fn() -> &'f str,
) -> MappedRecord<'static> {
    if row.len() != headers.len() {
        return MappedRecord::rejected(
            pos,
            line,
            original().to_string(),
            format!(
                "the row has {} fields but the header has {}",
                row.len(),
                headers.len()
            ),
        );
    }
    let mut object = Map::new();
    let mut text = String::from("{");
    for (name, cell) in headers.iter().zip(row.iter()) {
        let value = if mapping.json_fields.contains(name) && !cell.trim().is_empty() {
            match serde_json::from_str(cell) {
                Ok(value) => value,
                Err(err) => {
                    return MappedRecord::rejected(
                        pos,
                        line,
                        original().to_string(),
                        format!("column {name:?} is not valid JSON: {err}"),
                    );
                }
            }
        } else {
            Value::String(cell.to_string())
        };
        if text.len() > 1 {
            text.push(',');
        }
        text.push_str(&Value::String(name.clone()).to_string());
        text.push(':');
        text.push_str(&value.to_string());
        object.insert(name.clone(), value);
    }
    text.push('}');
    let value = Value::Object(object);
    let result = super::map(&value, mapping).map(|mapped| Event::new(&value, mapped, None));
    MappedRecord {
        pos,
        line,
        text: Cow::Owned(text),
        result,
    }
}
