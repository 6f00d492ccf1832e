//! `sql`: several statements, and column types the duckdb crate cannot decode.

#![cfg(feature = "store")]

mod common;

use common::{Workspace, stderr};

#[test]
fn each_statement_prints_its_result() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let text = ws.ok(&[
        "sql",
        "select 'first;one' as a; select count(*) as b from sources;",
    ]);
    assert_eq!(text, "a\nfirst;one\n\nb\n7\n");
}

#[test]
fn failing_statement_is_named_and_stops_the_rest() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let output = ws.run(&["sql", "select 1 as a; drop table events; select 3 as c"]);
    assert_eq!(output.status.code(), Some(1));
    let out = String::from_utf8_lossy(&output.stdout);
    assert_eq!(out, "a\n1\n");
    assert!(
        stderr(&output).contains("statement 2 of 3"),
        "{}",
        stderr(&output)
    );
    assert_eq!(ws.count("select count(*) from events"), 35);
}

#[test]
fn one_document_formats_take_one_statement() {
    let ws = Workspace::new();
    ws.import_fixtures();
    for format in ["json", "csv"] {
        let output = ws.run(&["sql", "--format", format, "select 1; select 2"]);
        assert_eq!(output.status.code(), Some(1), "{format}");
        assert!(
            stderr(&output).contains("contains 2 statements"),
            "{}",
            stderr(&output)
        );
        assert!(output.stdout.is_empty(), "{format}");
    }
    // A final semicolon adds no statement.
    let value = ws.json(&["sql", "--format", "json", "select 1 as one;"]);
    assert_eq!(value["rows"][0]["one"], 1);
}

#[test]
fn variant_columns_print_as_text() {
    let ws = Workspace::new();
    ws.import_fixtures();
    let value = ws.json(&[
        "sql",
        "--format",
        "json",
        "select name, value from duckdb_settings() where name = 'threads'",
    ]);
    let row = &value["rows"][0];
    assert_eq!(row["name"], "threads");
    assert!(row["value"].is_string(), "{value}");
    let text = ws.ok(&["sql", "select * from duckdb_settings() limit 3"]);
    assert_eq!(text.lines().count(), 4, "{text}");
}
