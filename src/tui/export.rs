//! Ctrl-E: the current view written to a file as CSV or JSON, every cell escaped for the
//! terminal and, in CSV, neutralised against spreadsheet formulas.

use std::io::Write;
use std::path::Path;

use crate::sanitize;
use crate::{Error, Result};

/// The rows of a view as text, in the order and with the columns the screen shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Writes `table` to `path`: JSON (an array of objects keyed by column) when the file name
/// ends in `.json`, else CSV. Returns the number of rows written. An existing file is
/// never overwritten, so an export cannot destroy evidence.
pub fn write(path: &Path, table: &Table) -> Result<usize> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|err| Error::io(path, err))?;
    let mut out = std::io::BufWriter::new(file);
    let is_json = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("json"));
    let written = if is_json {
        write_json(&mut out, table)
    } else {
        write_csv(&mut out, table)
    };
    written
        .and_then(|()| out.flush())
        .map_err(|err| Error::io(path, err))?;
    Ok(table.rows.len())
}

fn write_csv(out: &mut impl Write, table: &Table) -> std::io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let escape = |cells: &[String]| -> Vec<String> {
        cells
            .iter()
            .map(|cell| sanitize::for_csv_cell(cell))
            .collect()
    };
    writer.write_record(escape(&table.header))?;
    for row in &table.rows {
        writer.write_record(escape(row))?;
    }
    writer.flush()
}

fn write_json(out: &mut impl Write, table: &Table) -> std::io::Result<()> {
    let objects: Vec<serde_json::Map<String, serde_json::Value>> = table
        .rows
        .iter()
        .map(|row| {
            table
                .header
                .iter()
                .zip(row)
                .map(|(name, cell)| {
                    let text = sanitize::for_terminal(cell);
                    (name.clone(), serde_json::Value::String(text))
                })
                .collect()
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &objects)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            header: vec!["name".into(), "note".into()],
            rows: vec![vec![
                "=HYPERLINK(\"x\")".into(),
                "a\u{1b}]0;title\u{7}b".into(),
            ]],
        }
    }

    #[test]
    fn csv_neutralises_formulas() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        assert_eq!(write(&path, &table()).unwrap(), 1);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("'=HYPERLINK"), "{text}");
        assert!(text.contains(r"a\x1b]0;title\x07b"), "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
    }

    #[test]
    fn json_escapes_controls() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.JSON");
        write(&path, &table()).unwrap();
        let value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(value[0]["note"], r"a\x1b]0;title\x07b");
        assert_eq!(value[0]["name"], "=HYPERLINK(\"x\")");
    }

    #[test]
    fn existing_file_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "keep").unwrap();
        assert!(write(&path, &table()).is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep");
    }
}
