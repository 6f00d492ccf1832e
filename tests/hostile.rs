//! Hostile evidence: every input of the corpus in tests/hostile, and the large ones built
//! here, gets a clear error or quarantined records naming the file, position and reason.
//! None panics, hangs, or leaves a file half-imported, and the rest of the case stays as it
//! was.

#![cfg(feature = "store")]

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use common::{Workspace, fixtures, hostile, stderr};

/// Generous enough for a slow machine; a hang takes far longer.
const LIMIT: Duration = Duration::from_secs(180);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counts {
    sources: i64,
    events: i64,
    quarantined: i64,
}

fn counts(ws: &Workspace) -> Counts {
    Counts {
        sources: ws.count("select count(*) from sources"),
        events: ws.count("select count(*) from events"),
        quarantined: ws.count("select count(*) from quarantine"),
    }
}

/// A case holding the fixture organisation, so each test can check that a hostile file
/// leaves earlier evidence alone.
fn case_with_fixtures() -> (Workspace, Counts) {
    let ws = Workspace::new();
    ws.import_fixtures();
    let before = counts(&ws);
    (ws, before)
}

/// Imports `path`, failing the test on a panic or a hang.
fn import(ws: &Workspace, path: &Path) -> Output {
    let output = ws.run_within(&["import", path.to_str().expect("UTF-8 path")], LIMIT);
    let err = stderr(&output);
    assert_ne!(output.status.code(), Some(101), "panicked: {err}");
    assert!(!err.contains("panicked"), "panicked: {err}");
    output
}

/// Checks that the whole file was rejected with a message naming it and the reason.
fn assert_rejected_whole(
    ws: &Workspace,
    before: Counts,
    output: &Output,
    name: &str,
    reason: &str,
) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains(name), "the error names the file: {err}");
    assert!(err.contains(reason), "the error gives the reason: {err}");
    assert_eq!(counts(ws), before, "the case is unchanged");
}

fn write(ws: &Workspace, name: &str, content: &[u8]) -> PathBuf {
    ws.file(name, content)
}

fn okta_line(uuid: &str, second: u32, message: &str) -> String {
    serde_json::json!({
        "uuid": uuid,
        "published": format!("2026-03-01T10:00:{second:02}Z"),
        "eventType": "user.session.start",
        "displayMessage": message,
        "actor": {"id": "00uhostile", "type": "User"},
        "transaction": {"id": "tx-hostile"}
    })
    .to_string()
}

#[test]
fn empty_file_fails_whole() {
    let (ws, before) = case_with_fixtures();
    let output = import(&ws, &hostile().join("empty.json"));
    assert_rejected_whole(&ws, before, &output, "empty.json", "the file is empty");
}

#[test]
fn truncated_array_fails_whole() {
    let (ws, before) = case_with_fixtures();
    let output = import(&ws, &hostile().join("truncated-array.json"));
    assert_rejected_whole(&ws, before, &output, "truncated-array.json", "line 2");
}

#[test]
fn invalid_utf8_names_byte_offset() {
    let (ws, before) = case_with_fixtures();
    let output = import(&ws, &hostile().join("invalid-utf8.ndjson"));
    assert_rejected_whole(
        &ws,
        before,
        &output,
        "invalid-utf8.ndjson",
        "invalid UTF-8 at byte",
    );
}

#[test]
fn utf16_with_bom_is_converted() {
    let (ws, before) = case_with_fixtures();
    for name in ["utf16le.json", "utf16be.json"] {
        let output = import(&ws, &hostile().join(name));
        assert!(output.status.success(), "{name}: {}", stderr(&output));
    }
    // Both files hold the same event, so the second is a duplicate of the first.
    assert_eq!(counts(&ws).events, before.events + 1);
    assert_eq!(
        ws.count("select duplicates from sources where path like '%utf16be.json'"),
        1
    );
}

#[test]
fn fifty_megabyte_line_imports() {
    let (ws, before) = case_with_fixtures();
    let message = "A".repeat(50 * 1024 * 1024);
    let path = write(
        &ws,
        "long-line.ndjson",
        okta_line("long-1", 0, &message).as_bytes(),
    );
    let output = import(&ws, &path);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(counts(&ws).events, before.events + 1);
    assert_eq!(
        ws.count("select count(*) from events where event_id = 'long-1' and length(raw::VARCHAR) > 52428800"),
        1,
        "the raw record is kept whole"
    );
}

#[test]
fn deep_nesting_record_is_quarantined() {
    let (ws, before) = case_with_fixtures();
    let deep = format!(
        "{{\"uuid\":\"deep\",\"published\":\"2026-03-01T10:00:01Z\",\"eventType\":\"x\",\"debugContext\":{}1{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let content = format!(
        "{}\n{deep}\n{}\n",
        okta_line("deep-1", 0, "before"),
        okta_line("deep-3", 2, "after")
    );
    let path = write(&ws, "deep.ndjson", content.as_bytes());
    let output = import(&ws, &path);
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert!(err.contains("record 2 (line 2)"), "{err}");
    assert!(err.contains("recursion limit"), "{err}");
    let after = counts(&ws);
    assert_eq!(after.events, before.events + 2);
    assert_eq!(after.quarantined, before.quarantined + 1);
}

#[test]
fn deep_nesting_document_fails_whole() {
    let (ws, before) = case_with_fixtures();
    let content = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let path = write(&ws, "deep-document.json", content.as_bytes());
    let output = import(&ws, &path);
    assert_rejected_whole(
        &ws,
        before,
        &output,
        "deep-document.json",
        "recursion limit",
    );
}

#[test]
fn null_fields_are_quarantined() {
    let (ws, before) = case_with_fixtures();
    let output = import(&ws, &hostile().join("all-null.ndjson"));
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert!(err.contains("record 1 (line 1)"), "{err}");
    assert!(err.contains("record 3 (line 3)"), "{err}");
    let after = counts(&ws);
    assert_eq!(
        after.events,
        before.events + 1,
        "the record with a time and type imports"
    );
    assert_eq!(after.quarantined, before.quarantined + 2);
    assert_eq!(
        ws.count("select count(*) from quarantine where record_pos in (1, 3) and reason <> ''"),
        2
    );
}

#[test]
fn swapped_types_never_panic() {
    let (ws, before) = case_with_fixtures();
    let output = import(&ws, &hostile().join("swapped-types.ndjson"));
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    let after = counts(&ws);
    // Every record is either imported or quarantined with a reason: none is lost.
    assert_eq!(
        (after.events - before.events) + (after.quarantined - before.quarantined),
        4,
        "{err}"
    );
    assert!(
        err.contains("record 3 (line 3)"),
        "an object is not a time: {err}"
    );
    assert_eq!(
        ws.count("select count(*) from events where event_id = 's2' and ts = TIMESTAMP '2026-03-01 10:00:01'"),
        1,
        "a number where the time belongs is read as epoch seconds"
    );
}

#[test]
fn truncated_gzip_fails_whole() {
    let (ws, before) = case_with_fixtures();
    let plain = std::fs::read(fixtures().join("okta/system-log.json")).expect("fixture");
    let mut gzip = gzip_bytes(&plain, flate2::Compression::fast());
    gzip.truncate(gzip.len() / 2);
    let path = write(&ws, "cut.json.gz", &gzip);
    let output = import(&ws, &path);
    assert_rejected_whole(&ws, before, &output, "cut.json.gz", "invalid gzip data");
}

#[test]
fn gzip_bomb_is_refused() {
    let (ws, before) = case_with_fixtures();
    // 100 MiB of one repeated byte compresses about a thousandfold.
    let gzip = gzip_bytes(&vec![b' '; 100 * 1024 * 1024], flate2::Compression::best());
    assert!(gzip.len() < 200 * 1024, "the bomb is small: {}", gzip.len());
    let path = write(&ws, "bomb.json.gz", &gzip);
    let output = import(&ws, &path);
    assert_rejected_whole(&ws, before, &output, "bomb.json.gz", "decompression bomb");
}

#[test]
fn mixed_formats_quarantine_foreign_records() {
    let (ws, before) = case_with_fixtures();
    let output = import(&ws, &hostile().join("mixed-formats.ndjson"));
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert!(err.contains("record 2 (line 2)"), "{err}");
    assert!(err.contains("not an Okta System Log event"), "{err}");
    let after = counts(&ws);
    assert_eq!(after.events, before.events + 2);
    assert_eq!(after.quarantined, before.quarantined + 1);
}

#[test]
fn csv_quotes_and_newlines_survive() {
    let (ws, before) = case_with_fixtures();
    let csv = hostile().join("quotes-newlines.csv");
    let mapping = hostile().join("quotes-newlines.toml");
    let output = ws.run_within(
        &[
            "import",
            "--mapping",
            mapping.to_str().unwrap(),
            csv.to_str().unwrap(),
        ],
        LIMIT,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(counts(&ws).events, before.events + 2);
    assert_eq!(
        ws.count(r#"select count(*) from events where actor_display = 'Smith, "Bob"'"#),
        1,
        "doubled quotes and a comma stay inside one field"
    );
    assert_eq!(
        ws.count(
            "select count(*) from events where source_format = 'generic'
               and json_extract_string(raw, '$.details') = chr(108) || 'ine one' || chr(10) || 'line two'"
        ),
        1,
        "a quoted newline stays in its field"
    );
    assert_eq!(
        ws.count("select count(*) from events where json_extract_string(raw, '$.extra.k') = 'v'"),
        1,
        "a JSON column is parsed"
    );
    let cells = ws.ok(&[
        "sql",
        "--format",
        "csv",
        "select actor_display from events where action = 'export'",
    ]);
    assert!(
        cells.contains("'=HYPERLINK"),
        "a formula from evidence is neutralised: {cells}"
    );
}

#[test]
fn same_file_twice_imports_once() {
    let (ws, before) = case_with_fixtures();
    let path = hostile().join("mixed-formats.ndjson");
    let copy = ws.file("copy.ndjson", &std::fs::read(&path).expect("corpus file"));
    let output = ws.run_within(
        &[
            "import",
            path.to_str().unwrap(),
            path.to_str().unwrap(),
            copy.to_str().unwrap(),
        ],
        LIMIT,
    );
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        out.matches("the same content is already source").count(),
        2,
        "{out}"
    );
    let after = counts(&ws);
    assert_eq!(after.sources, before.sources + 1);
    assert_eq!(after.events, before.events + 2);
}

#[test]
fn hostile_folder_is_walked_safely() {
    let (ws, before) = case_with_fixtures();
    let folder = ws.dir.path().join("evidence");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("good.ndjson"), okta_line("walk-1", 0, "fine")).unwrap();
    let link =
        |target: &str, name: &str| std::os::unix::fs::symlink(target, folder.join(name)).unwrap();
    link(".", "loop-to-self");
    link("..", "loop-to-parent");
    link("b.json", "a.json");
    link("a.json", "b.json");
    link("missing.json", "dangling.json");
    // Reading a process's own memory file fails with an I/O error even for root, so it
    // is an unreadable file whoever runs the tests.
    link("/proc/self/mem", "unreadable.json");
    let fifo = folder.join("pipe.json");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");

    let output = import(&ws, &folder);
    let err = stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "unreadable files are failures: {err}"
    );
    for name in ["a.json", "b.json", "dangling.json", "unreadable.json"] {
        assert!(
            err.contains(name) || String::from_utf8_lossy(&output.stdout).contains(name),
            "{name} is reported: {err}"
        );
    }
    let after = counts(&ws);
    assert_eq!(
        after.events,
        before.events + 1,
        "the readable file is imported"
    );
    assert_eq!(after.sources, before.sources + 1);
}

#[test]
fn hostile_text_stays_inert_in_output() {
    let ws = Workspace::new();
    let escapes = "\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\u{9b}31m\u{202e}evil\r\nline";
    let formula = "=HYPERLINK(\"http://203.0.113.9/x\",\"open\")";
    let lines: Vec<String> = [("text-1", escapes), ("text-2", formula)]
        .iter()
        .map(|(uuid, name)| {
            serde_json::json!({
                "uuid": uuid, "published": "2026-03-01T10:00:00Z", "eventType": "user.session.start",
                "actor": {"id": "00utext", "type": "User", "displayName": name},
                "transaction": {"id": "tx-text"}
            })
            .to_string()
        })
        .collect();
    let path = ws.file("text.ndjson", lines.join("\n").as_bytes());
    ws.ok(&["import", path.to_str().unwrap()]);

    let trace = ws.ok(&["trace", "tx-text"]);
    assert_inert(&trace);
    assert!(
        trace.contains("\\x1b]52;c;"),
        "the escape is shown, not run: {trace}"
    );
    assert!(trace.contains("\\x9b31m\\u{202e}evi"), "{trace}");

    let json = ws.ok(&["trace", "tx-text", "--format", "json"]);
    assert_inert(&json);
    assert!(json.contains(r"\u009b31m\u202eevil"), "{json}");

    let csv = ws.ok(&[
        "sql",
        "--format",
        "csv",
        "select actor_display from events order by event_id",
    ]);
    assert_inert(&csv);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let cells: Vec<String> = reader
        .records()
        .map(|r| r.expect("valid CSV")[0].to_string())
        .collect();
    assert_eq!(cells.len(), 2, "one row per event: {csv}");
    assert!(cells[0].starts_with("\\x1b]52"), "{}", cells[0]);
    assert_eq!(
        cells[1],
        format!("'{formula}"),
        "the formula is neutralised"
    );
}

fn assert_inert(text: &str) {
    for c in text.chars() {
        let control = c.is_control() && c != '\n';
        let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        assert!(
            !control && !bidi,
            "raw {:?} reached the output: {text:?}",
            c
        );
    }
}

fn gzip_bytes(plain: &[u8], level: flate2::Compression) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), level);
    encoder.write_all(plain).expect("compress");
    encoder.finish().expect("finish gzip")
}

/// Runs `scimtrail --case <case> ARGS` with stdout going to `stdout`.
fn run_with_stdout(ws: &Workspace, args: &[&str], stdout: std::process::Stdio) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_scimtrail"))
        .arg("--case")
        .arg(ws.case())
        .args(args)
        .env("XDG_STATE_HOME", ws.dir.path().join("state"))
        .stdout(stdout)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("run scimtrail")
}

#[test]
fn closed_pipe_ends_quietly() {
    let (ws, _) = case_with_fixtures();
    for args in [
        &["trace", "b7e0c5d2-4a3f-4f8e-9c1a-6d2e8f0a1b3c"][..],
        &["trace", "nothing-carries-this"],
        &[
            "trace",
            "b7e0c5d2-4a3f-4f8e-9c1a-6d2e8f0a1b3c",
            "--format",
            "json",
        ],
        &["verify"],
        &["identities"],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_scimtrail"))
            .arg("--case")
            .arg(ws.case())
            .args(args)
            .env("XDG_STATE_HOME", ws.dir.path().join("state"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start scimtrail");
        // Closing the read end before the child writes makes every write fail with EPIPE.
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("wait for scimtrail");
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn full_disk_is_an_error() {
    let (ws, _) = case_with_fixtures();
    let pack = ws.dir.path().join("pack");
    for args in [
        vec!["trace", "b7e0c5d2-4a3f-4f8e-9c1a-6d2e8f0a1b3c"],
        vec!["verify"],
        vec!["export", "--out", pack.to_str().unwrap()],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let output = run_with_stdout(&ws, &args, full.into());
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("No space left on device"), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn error_messages_are_inert() {
    let ws = Workspace::new();
    let mapping = ws.file(
        "evil.toml",
        b"action = \"op\"\n\"\\u001b]52;c;cHduZWQ=\\u0007\" = \"x\"\n[time]\nfield = \"ts\"\n",
    );
    let data = ws.file("data.csv", b"ts,op\n2026-03-01T10:00:00Z,login\n");
    let output = ws.run(&[
        "import",
        "--mapping",
        mapping.to_str().unwrap(),
        data.to_str().unwrap(),
    ]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert_inert(&err);
    assert!(err.contains("\\x1b]52"), "the key is shown escaped: {err}");
}

#[test]
fn failed_first_import_leaves_no_case() {
    let ws = Workspace::new();
    let mystery = ws.file("mystery.json", b"[{\"foo\": 1}]");
    let output = ws.run(&["import", mystery.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(!ws.case().exists(), "no empty case file is left behind");
    let output = ws.run(&["identities"]);
    assert!(
        stderr(&output).contains("no such case file"),
        "{}",
        stderr(&output)
    );
}

/// A SCIM ListResponse of `depth` groups, each a member of the next, with a user in the
/// first.
fn group_chain(depth: usize) -> String {
    let group = "urn:ietf:params:scim:schemas:core:2.0:Group";
    let mut resources = vec![serde_json::json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "u-chain",
        "userName": "chain.user@northwind.example",
    })];
    for i in 0..depth {
        let member = if i == 0 {
            serde_json::json!({"value": "u-chain", "type": "User"})
        } else {
            serde_json::json!({"value": format!("n{}", i - 1), "type": "Group"})
        };
        resources.push(serde_json::json!({
            "schemas": [group],
            "id": format!("n{i}"),
            "displayName": format!("Nested {i}"),
            "members": [member],
        }));
    }
    serde_json::json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": resources.len(),
        "Resources": resources,
    })
    .to_string()
}

#[test]
fn deep_group_chain_imports_quickly() {
    let ws = Workspace::new();
    let path = write(&ws, "chain.json", group_chain(3000).as_bytes());
    let output = ws.run_within(
        &["import", path.to_str().expect("UTF-8 path")],
        Duration::from_secs(60),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let notes = String::from_utf8_lossy(&output.stdout).into_owned() + &stderr(&output);
    assert!(notes.contains("nested more than 32 levels"), "{notes}");
    let longest = ws.count("select max(depth) from effective_memberships");
    assert_eq!(longest, 32);
}
