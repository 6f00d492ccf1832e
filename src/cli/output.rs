//! Output in the three forms every listing offers: aligned text for people, one JSON
//! document, and CSV.

use std::io::Write;

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

use crate::sanitize;

/// Writes a line to stdout like `println!`, but returns the write error (a closed pipe, a
/// full disk) for the caller to report instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}
pub(crate) use outln;

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
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, InertJson::default());
    value.serialize(&mut serializer)?;
    writeln!(out)?;
    Ok(())
}

/// serde_json's pretty formatter, except that strings also escape the characters that
/// serde_json leaves raw but a terminal may act on: C1 controls, bidi controls and
/// invisible format characters. The escapes are standard JSON, so a parser reads the same
/// text back.
#[derive(Default)]
struct InertJson {
    pretty: PrettyFormatter<'static>,
}

impl Formatter for InertJson {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (index, c) in fragment.char_indices() {
            if sanitize::is_unsafe_for_terminal(c) {
                writer.write_all(&fragment.as_bytes()[start..index])?;
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
                start = index + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.pretty.begin_array(writer)
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.pretty.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.pretty.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.pretty.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.pretty.begin_object(writer)
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.pretty.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.pretty.begin_object_key(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.pretty.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.pretty.end_object_value(writer)
    }
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

/// The widest a text cell is drawn on a terminal before it is cut with an ellipsis.
const MAX_CELL: usize = 48;

/// How many hex digits of a SHA-256 a table shows on a terminal.
const SHORT_HASH: usize = 12;

/// Returns whether tables are cut to fit a reader's screen: only when stdout is a
/// terminal. Piped or redirected output keeps every value whole, because a script or a
/// file needs the whole id, path or hash.
fn on_terminal() -> bool {
    use std::io::IsTerminal as _;
    std::io::stdout().is_terminal()
}

/// Returns a SHA-256 for a table cell: its first digits on a terminal, else all of it.
pub fn hash_cell(sha256: &str) -> String {
    if on_terminal() {
        sha256.chars().take(SHORT_HASH).collect()
    } else {
        sha256.to_string()
    }
}

/// Writes rows as aligned columns, every cell escaped for the terminal. On a terminal long
/// cells are cut; otherwise each column is as wide as its widest value.
pub fn print_table(header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    write_table(&mut out, header, rows, on_terminal())?;
    Ok(())
}

fn write_table(
    out: &mut impl Write,
    header: &[&str],
    rows: &[Vec<String>],
    cut: bool,
) -> std::io::Result<()> {
    let fit = |cell: &str| {
        let safe = sanitize::for_terminal(cell);
        if cut { clip(&safe) } else { safe }
    };
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|cell| fit(cell)).collect())
        .collect();
    let header: Vec<String> = header.iter().map(|h| fit(h)).collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    write_row(out, &widths, &header)?;
    for row in &cells {
        write_row(out, &widths, row)?;
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

/// Formats a number with its noun in the singular or the plural: `1 event`, `0 events`.
pub fn counted<N>(n: N, singular: &str, plural: &str) -> String
where
    N: std::fmt::Display + PartialEq + From<u8>,
{
    let noun = if n == N::from(1) { singular } else { plural };
    format!("{n} {noun}")
}

/// Text of an optional value, `-` when absent.
pub fn or_dash(value: Option<&str>) -> String {
    value.unwrap_or("-").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inert_json(value: &serde_json::Value) -> String {
        let mut out = Vec::new();
        let mut serializer = serde_json::Serializer::with_formatter(&mut out, InertJson::default());
        value.serialize(&mut serializer).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_escapes_c1_and_bidi() {
        let value = serde_json::json!({"name": "a\u{9b}31m\u{202e}b\u{1b}c"});
        let text = inert_json(&value);
        assert!(text.contains(r"a\u009b31m\u202eb\u001bc"), "{text}");
        assert!(
            !text.chars().any(|c| c == '\u{9b}' || c == '\u{202e}'),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value, "the escapes read back as the same text");
    }

    #[test]
    fn json_stays_pretty() {
        let text = inert_json(&serde_json::json!({"a": [1, "x"]}));
        assert_eq!(text, "{\n  \"a\": [\n    1,\n    \"x\"\n  ]\n}");
    }

    fn table(cut: bool) -> String {
        let long = format!("/evidence/{}/cloudtrail.json", "deep/".repeat(20));
        let rows = vec![
            vec!["1".to_string(), long.clone()],
            vec!["22".to_string(), "short".to_string()],
        ];
        let mut out = Vec::new();
        write_table(&mut out, &["ID", "PATH"], &rows, cut).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn piped_tables_keep_whole_values() {
        let text = table(false);
        let long = format!("/evidence/{}/cloudtrail.json", "deep/".repeat(20));
        assert_eq!(text, format!("ID  PATH\n1   {long}\n22  short\n"));
    }

    #[test]
    fn terminal_tables_cut_long_values() {
        let text = table(true);
        let line = text.lines().nth(1).unwrap();
        assert!(line.ends_with('…'), "{text}");
        assert_eq!(line.chars().count(), "1   ".len() + MAX_CELL);
    }

    #[test]
    fn counted_nouns_agree() {
        assert_eq!(counted(1usize, "flag", "flags"), "1 flag");
        assert_eq!(counted(0usize, "flag", "flags"), "0 flags");
        assert_eq!(
            counted(2i64, "event carries", "events carry"),
            "2 events carry"
        );
    }

    #[test]
    fn clip_cuts_long_cells() {
        let long = "x".repeat(100);
        assert_eq!(clip(&long).chars().count(), MAX_CELL);
        assert!(clip(&long).ends_with('…'));
        assert_eq!(clip("short"), "short");
    }
}
