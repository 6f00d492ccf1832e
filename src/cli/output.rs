//! Output in the three forms every listing offers: aligned text for people, one JSON
//! document, and CSV.

use std::io::Write;

use serde::Serialize;

use crate::sanitize;

/// Output format of a listing command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
    Csv,
}

/// Writes `value` as one pretty-printed JSON document to stdout.
pub fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Writes a header and rows as CSV, every cell escaped and neutralised against
/// spreadsheet formulas.
pub fn print_csv(header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<()> {
    let mut writer = csv::Writer::from_writer(std::io::stdout().lock());
    writer.write_record(header.iter().map(|cell| sanitize::for_csv_cell(cell)))?;
    for row in rows {
        writer.write_record(row.iter().map(|cell| sanitize::for_csv_cell(cell)))?;
    }
    writer.flush()?;
    Ok(())
}

/// The widest a text cell is drawn before it is cut with an ellipsis.
const MAX_CELL: usize = 48;

/// Writes rows as aligned columns, every cell escaped for the terminal.
pub fn print_table(header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<()> {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| clip(&sanitize::for_terminal(cell)))
                .collect()
        })
        .collect();
    let header: Vec<String> = header
        .iter()
        .map(|h| clip(&sanitize::for_terminal(h)))
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = std::io::stdout().lock();
    write_row(&mut out, &widths, &header)?;
    for row in &cells {
        write_row(&mut out, &widths, row)?;
    }
    Ok(())
}

fn write_row(out: &mut impl Write, widths: &[usize], row: &[String]) -> std::io::Result<()> {
    let mut line = String::new();
    for (index, (cell, width)) in row.iter().zip(widths).enumerate() {
        if index + 1 == row.len() {
            line.push_str(cell);
        } else {
            let pad = width - cell.chars().count();
            line.push_str(cell);
            line.push_str(&" ".repeat(pad + 2));
        }
    }
    writeln!(out, "{}", line.trim_end())
}

fn clip(cell: &str) -> String {
    if cell.chars().count() <= MAX_CELL {
        return cell.to_string();
    }
    let mut clipped: String = cell.chars().take(MAX_CELL - 1).collect();
    clipped.push('…');
    clipped
}

/// Text of an optional value, `-` when absent.
pub fn or_dash(value: Option<&str>) -> String {
    value.unwrap_or("-").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_cuts_long_cells() {
        let long = "x".repeat(100);
        assert_eq!(clip(&long).chars().count(), MAX_CELL);
        assert!(clip(&long).ends_with('…'));
        assert_eq!(clip("short"), "short");
    }
}
