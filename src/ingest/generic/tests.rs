//! The fixture mapping applied to the fixture exports, checked against values written
//! down by hand from the files.

use serde_json::json;

use super::*;
use crate::ingest::container::split;

const MAPPING: &str = include_str!("../../../fixtures/generic/mapping.toml");
const NDJSON: &str = include_str!("../../../fixtures/generic/vault-audit.ndjson");
const CSV: &str = include_str!("../../../fixtures/generic/vault-console.csv");

fn mapping() -> Mapping {
    Mapping::parse(MAPPING).unwrap()
}

fn iso(ts: Option<chrono::NaiveDateTime>) -> String {
    ts.unwrap().format("%Y-%m-%dT%H:%M:%S%.3f").to_string()
}

#[test]
fn json_record_mapped() {
    let split = split(NDJSON).unwrap();
    let records = read_json(&split, &mapping(), &mut |_, _| {});
    let event = &records[2].result.as_ref().unwrap().mapped;
    assert_eq!(event.event_id.as_deref(), Some("vlt-0003"));
    assert_eq!(event.actor_id.as_deref(), Some("svc_nw_deploy"));
    assert_eq!(event.actor_alt_id, None);
    assert_eq!(event.actor_type.as_deref(), Some("service"));
    assert_eq!(event.actor_display.as_deref(), Some("deploy-bot"));
    assert_eq!(event.action, "secret.rotate");
    assert_eq!(event.category.as_deref(), Some("secrets"));
    assert_eq!(event.outcome, Some(Outcome::Denied));
    assert_eq!(
        event.reason.as_deref(),
        Some("policy ci-readonly forbids rotate")
    );
    assert_eq!(event.correlation_id.as_deref(), Some("tr-41a2"));
    assert_eq!(event.request_id.as_deref(), Some("req-7003"));
    assert_eq!(event.client_ip.as_deref(), Some("203.0.113.44"));
    assert_eq!(
        event.targets,
        vec![
            json!({"id": "sec_deploy_key", "type": "secret", "display": "prod/ci/deploy-key", "alternate_id": null})
        ]
    );
    // 08:02:30 at +01:00.
    assert_eq!(iso(event.ts), "2026-11-03T07:02:30.000");
    assert_eq!(event.ts_original, "2026-11-03T08:02:30+01:00");
}

#[test]
fn late_key_is_mapped() {
    let split = split(NDJSON).unwrap();
    let records = read_json(&split, &mapping(), &mut |_, _| {});
    let last = &records[5].result.as_ref().unwrap().mapped;
    assert_eq!(last.session_id.as_deref(), Some("sess-nw-88c1"));
    let first = &records[0].result.as_ref().unwrap().mapped;
    assert_eq!(first.session_id, None);
    assert!(
        first.targets.len() == 1
            && records[3]
                .result
                .as_ref()
                .unwrap()
                .mapped
                .targets
                .is_empty()
    );
}

#[test]
fn csv_rows_become_objects() {
    let records = read_csv(CSV, &mapping(), &mut |_, _| {}).unwrap();
    assert_eq!(records.len(), 3);
    let lines: Vec<usize> = records.iter().map(|r| r.line).collect();
    // The second row spans lines 3 to 5: two of its fields hold a line break.
    assert_eq!(lines, vec![2, 3, 6]);
    let delete = &records[1];
    let raw: Value = serde_json::from_str(&delete.text).unwrap();
    assert_eq!(raw["details"]["trace_id"], "tr-52b1");
    assert_eq!(
        raw["note"],
        "flagged by the console:\ndeletion attempt outside the change window"
    );
    assert!(
        delete
            .text
            .starts_with("{\"event_id\":\"vlt-0102\",\"ts\":")
    );
}

#[test]
fn csv_row_mapped() {
    let records = read_csv(CSV, &mapping(), &mut |_, _| {}).unwrap();
    let event = &records[1].result.as_ref().unwrap().mapped;
    assert_eq!(event.event_id.as_deref(), Some("vlt-0102"));
    assert_eq!(event.actor_id.as_deref(), Some("svc_nw_deploy"));
    assert_eq!(event.actor_alt_id, None);
    assert_eq!(event.action, "secret.delete");
    assert_eq!(event.outcome, Some(Outcome::Denied));
    assert_eq!(
        event.reason.as_deref(),
        Some("policy ci-readonly\nforbids delete")
    );
    assert_eq!(event.correlation_id.as_deref(), Some("tr-52b1"));
    assert_eq!(event.session_id, None);
    assert_eq!(event.targets[0]["display"], "prod/ci/old-token");
    assert_eq!(iso(event.ts), "2026-11-04T09:01:30.000");
}

#[test]
fn ragged_row_is_rejected() {
    let text = "ts,op\n2026-11-04T09:00:00Z,a\n2026-11-04T09:00:01Z,b,extra\n";
    let records = read_csv(text, &minimal(""), &mut |_, _| {}).unwrap();
    let err = records[1].result.as_ref().unwrap_err();
    assert!(err.contains("3 fields but the header has 2"), "{err}");
    assert_eq!(records[1].text, "2026-11-04T09:00:01Z,b,extra");
}

#[test]
fn invalid_json_column_is_rejected() {
    let text = "ts,op,details\n2026-11-04T09:00:00Z,a,{not json\n";
    let records = read_csv(
        text,
        &minimal("json_fields = [\"details\"]\n"),
        &mut |_, _| {},
    )
    .unwrap();
    let err = records[0].result.as_ref().unwrap_err();
    assert!(
        err.contains("column \"details\" is not valid JSON"),
        "{err}"
    );
}

#[test]
fn duplicate_header_fails() {
    let err = read_csv("ts,op,op\n", &minimal(""), &mut |_, _| {}).unwrap_err();
    assert!(err.contains("\"op\" appears twice"), "{err}");
}

fn minimal(extra: &str) -> Mapping {
    Mapping::parse(&format!(
        "{extra}action = \"op\"\ntime = {{ field = \"ts\" }}\n"
    ))
    .unwrap()
}

#[test]
fn time_format_hints() {
    let cases = [
        (
            "epoch_ms",
            json!(1793613600123_i64),
            "2026-11-02T10:00:00.123",
        ),
        ("epoch_s", json!("1793613600"), "2026-11-02T10:00:00.000"),
        (
            "%d/%m/%Y %H:%M:%S",
            json!("02/11/2026 10:00:00"),
            "2026-11-02T10:00:00.000",
        ),
        (
            "%d.%m.%Y %H:%M %z",
            json!("02.11.2026 11:00 +0100"),
            "2026-11-02T10:00:00.000",
        ),
        ("%Y%m%d", json!("20261102"), "2026-11-02T00:00:00.000"),
    ];
    for (format, value, expected) in cases {
        let mapping = Mapping::parse(&format!(
            "action = \"op\"\ntime = {{ field = \"ts\", format = {format:?} }}\n"
        ))
        .unwrap();
        let event = map(&json!({"ts": value, "op": "x"}), &mapping).unwrap();
        assert_eq!(iso(event.ts), expected, "{format}");
    }
}

#[test]
fn missing_time_names_field() {
    let err = map(&json!({"op": "x"}), &minimal("")).unwrap_err();
    assert_eq!(err, "no time: `ts` is missing");
}

#[test]
fn rfc3339_hint_rejects_epoch() {
    let mapping =
        Mapping::parse("action = \"op\"\ntime = { field = \"ts\", format = \"rfc3339\" }\n")
            .unwrap();
    let err = map(&json!({"ts": "1793613600", "op": "x"}), &mapping).unwrap_err();
    assert!(err.contains("not RFC 3339"), "{err}");
}

#[test]
fn joined_action_needs_every_part() {
    let mapping =
        Mapping::parse("action = [\"method\", \"path\"]\ntime = { field = \"ts\" }\n").unwrap();
    let ok = map(
        &json!({"ts": "2026-11-02T10:00:00Z", "method": "GET", "path": "/x"}),
        &mapping,
    )
    .unwrap();
    assert_eq!(ok.action, "GET /x");
    let err = map(
        &json!({"ts": "2026-11-02T10:00:00Z", "method": "GET"}),
        &mapping,
    )
    .unwrap_err();
    assert!(err.contains("no action"), "{err}");
}
