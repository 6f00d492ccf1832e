//! The fixture agent runs read end to end, checked against values written down by hand
//! from the fixture files.

use serde_json::json;

use super::*;
use crate::ingest::container::split;
use crate::ingest::event::{Link, LinkRole, MappedEvent};
use crate::model::Outcome;

const RUN: &str = include_str!("../../../fixtures/otel/agent-run.json");
const LEGACY: &str = include_str!("../../../fixtures/otel/agent-run-legacy.ndjson");
const BASE64: &str = include_str!("../../../fixtures/otel/spans-base64.json");

const TRACE: &str = "7f3a9c2e4b1d4e8fa0c6b5d2e1f09a31";

fn events(text: &str) -> Vec<MappedEvent> {
    let split = split(text).unwrap();
    read(&split, &mut |_, _| {})
        .into_iter()
        .map(|record| record.result.unwrap().mapped)
        .collect()
}

fn by_action<'e>(events: &'e [MappedEvent], action: &str) -> &'e MappedEvent {
    events
        .iter()
        .find(|e| e.action == action)
        .unwrap_or_else(|| panic!("no event {action}"))
}

fn iso(ts: Option<chrono::NaiveDateTime>) -> String {
    ts.unwrap().format("%Y-%m-%dT%H:%M:%S%.3f").to_string()
}

#[test]
fn request_spans_in_order() {
    let split = split(RUN).unwrap();
    let records = read(&split, &mut |_, _| {});
    let positions: Vec<i64> = records.iter().map(|r| r.pos).collect();
    assert_eq!(positions, vec![1, 2, 3, 4, 5]);
    // The second span of the first scope starts on this line of the pretty-printed file.
    assert_eq!(records[1].line, 100);
    assert!(records[0].text.starts_with("{\"resource\":"));
}

#[test]
fn failing_tool_call_mapped() {
    let events = events(RUN);
    let refund = by_action(&events, "execute_tool issue_refund");
    assert_eq!(
        refund.event_id.as_deref(),
        Some("7f3a9c2e4b1d4e8fa0c6b5d2e1f09a31/4d5e6f708192a3b4")
    );
    assert_eq!(refund.actor_id.as_deref(), Some("agt_nw_billing_01"));
    assert_eq!(refund.actor_display.as_deref(), Some("Billing Assistant"));
    assert_eq!(refund.actor_type.as_deref(), Some("agent"));
    assert_eq!(refund.session_id.as_deref(), Some("conv_nw_20261102_0007"));
    assert_eq!(refund.correlation_id.as_deref(), Some(TRACE));
    assert_eq!(
        refund.request_id.as_deref(),
        Some("call_nw_issue_refund_01")
    );
    assert_eq!(refund.category.as_deref(), Some("gen_ai"));
    assert_eq!(refund.outcome, Some(Outcome::Failure));
    assert_eq!(
        refund.reason.as_deref(),
        Some("refund of 1250.00 EUR exceeds the agent's limit of 500.00 EUR")
    );
    assert_eq!(refund.targets[0]["id"], "issue_refund");
    assert_eq!(refund.targets[0]["type"], "tool");
    assert_eq!(iso(refund.ts), "2026-11-02T10:00:01.700");
    assert_eq!(iso(refund.ts_end), "2026-11-02T10:00:01.760");
    assert_eq!(refund.ts_original, "1793613601700000000");
    assert!(
        refund
            .links
            .contains(&Link::new("span", "1a2b3c4d5e6f7081", LinkRole::Parent))
    );
    assert!(
        refund
            .links
            .contains(&Link::new("span", "4d5e6f708192a3b4", LinkRole::Own))
    );
    assert!(
        refund
            .links
            .contains(&Link::new("trace", TRACE, LinkRole::Own))
    );
}

#[test]
fn agent_span_mapped() {
    let events = events(RUN);
    let agent = by_action(&events, "invoke_agent Billing Assistant");
    assert_eq!(agent.actor_id.as_deref(), Some("agt_nw_billing_01"));
    assert_eq!(agent.actor_alt_id.as_deref(), Some("Billing Assistant"));
    assert_eq!(agent.outcome, Some(Outcome::Unknown));
    assert_eq!(agent.targets[0]["type"], "model");
    assert_eq!(agent.targets[0]["display"], "openai gpt-4o");
    assert!(agent.links.contains(&Link::new(
        "user",
        "jordan.lee@example.com",
        LinkRole::OnBehalfOf
    )));
    assert!(
        agent
            .links
            .contains(&Link::new("span", "5ca1ab1e5ca1ab1e", LinkRole::Linked))
    );
    assert!(agent.links.contains(&Link::new(
        "trace",
        "c0ffee00c0ffee00c0ffee00c0ffee00",
        LinkRole::Linked
    )));
}

#[test]
fn chat_span_mapped() {
    let events = events(RUN);
    let chat = by_action(&events, "chat gpt-4o");
    assert_eq!(chat.outcome, Some(Outcome::Success));
    assert_eq!(chat.request_id.as_deref(), Some("chatcmpl-nw-0001"));
    assert_eq!(
        chat.targets[0],
        json!({"id": "gpt-4o", "type": "model", "display": "openai gpt-4o", "alternate_id": "gpt-4o-2024-08-06"})
    );
    assert_eq!(chat.targets[1]["id"], "llm.example.com:443");
    assert_eq!(chat.targets[1]["type"], "server");
}

#[test]
fn mcp_call_mapped() {
    let events = events(RUN);
    let call = by_action(&events, "tools/call lookup_customer");
    assert_eq!(call.category.as_deref(), Some("mcp"));
    // Inherited from the invoke_agent span that is its parent.
    assert_eq!(call.actor_id.as_deref(), Some("agt_nw_billing_01"));
    assert_eq!(call.session_id.as_deref(), Some("mcp-sess-8f2c61"));
    assert_eq!(call.request_id.as_deref(), Some("42"));
    assert_eq!(call.outcome, Some(Outcome::Unknown));
    assert_eq!(call.targets[0]["id"], "lookup_customer");
    assert_eq!(call.targets[1]["id"], "mcp.northwind.example.com:443");
    assert_eq!(call.targets[1]["type"], "mcp_server");
}

#[test]
fn legacy_names_mapped() {
    let events = events(LEGACY);
    assert_eq!(events.len(), 5);
    let agent = by_action(&events, "invoke_agent Support Triage");
    assert_eq!(agent.actor_id.as_deref(), Some("Support Triage"));
    assert_eq!(agent.actor_alt_id, None);
    assert!(
        agent
            .links
            .contains(&Link::new("user", "00u7nw2support", LinkRole::OnBehalfOf))
    );

    let chat = by_action(&events, "chat gpt-4");
    assert_eq!(chat.targets[0]["display"], "openai gpt-4");
    assert_eq!(chat.actor_id.as_deref(), Some("Support Triage"));

    let close = by_action(&events, "execute_tool close_ticket");
    assert_eq!(close.outcome, Some(Outcome::Failure));
    assert_eq!(close.reason.as_deref(), Some("PermissionError"));
    assert_eq!(
        close.correlation_id.as_deref(),
        Some("0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f50")
    );

    let mcp = by_action(&events, "tools/call get_ticket");
    assert_eq!(mcp.category.as_deref(), Some("mcp"));
    assert_eq!(mcp.request_id.as_deref(), Some("7"));
    assert_eq!(mcp.session_id.as_deref(), Some("mcp-sess-31aa07"));
    assert_eq!(mcp.outcome, Some(Outcome::Success));
    assert_eq!(mcp.targets[1]["type"], "mcp_server");
    assert_eq!(iso(mcp.ts), "2026-11-02T10:01:01.700");
}

#[test]
fn legacy_lines_number_spans() {
    let split = split(LEGACY).unwrap();
    let records = read(&split, &mut |_, _| {});
    let lines: Vec<usize> = records.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![1, 1, 2, 2, 3]);
    assert!(
        records[4]
            .text
            .contains("\"instrumentationLibrary\":{\"name\":\"mcp-client\"")
    );
}

#[test]
fn base64_ids_normalised() {
    let events = events(BASE64);
    let tool = by_action(&events, "execute_tool read_receipt");
    assert_eq!(
        tool.event_id.as_deref(),
        Some("3e1d5c7b9a8f4e6d2c0b1a9f8e7d6c5b/0718293a4b5c6d7e")
    );
    assert_eq!(tool.actor_id.as_deref(), Some("agt_nw_expense_02"));
    assert!(
        tool.links
            .contains(&Link::new("span", "f1e2d3c4b5a69788", LinkRole::Parent))
    );
}

#[test]
fn service_name_is_fallback_actor() {
    let text = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"invoice-api"}}]},
        "scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331",
        "name":"GET /invoices","kind":2,"startTimeUnixNano":"1793613600000000000",
        "attributes":[{"key":"client.address","value":{"stringValue":"203.0.113.7"}}]}]}]}]}"#;
    let events = events(text);
    assert_eq!(events[0].actor_id.as_deref(), Some("invoice-api"));
    assert_eq!(events[0].actor_type.as_deref(), Some("service"));
    assert_eq!(events[0].action, "GET /invoices");
    assert_eq!(events[0].category.as_deref(), Some("server"));
    assert_eq!(events[0].client_ip.as_deref(), Some("203.0.113.7"));
}

#[test]
fn span_without_start_is_rejected() {
    let text = r#"[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"x","startTimeUnixNano":"0"}]"#;
    let split = split(text).unwrap();
    let err = read(&split, &mut |_, _| {}).remove(0).result.unwrap_err();
    assert!(err.contains("no start time"), "{err}");
}

#[test]
fn parent_cycle_ends() {
    let text = r#"[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000001","parentSpanId":"0000000000000002","name":"a","startTimeUnixNano":"1"},
        {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000002","parentSpanId":"0000000000000001","name":"b","startTimeUnixNano":"1"}]"#;
    let events = events(text);
    assert_eq!(events[0].actor_id, None);
}

/// One span of trace `0af7…319c` with the given span id, parent and agent name.
fn chain_span(span: u64, parent: u64, agent: Option<&str>) -> Value {
    let mut value = json!({
        "traceId": "0af7651916cd43dd8448eb211c80319c",
        "spanId": format!("{span:016x}"),
        "parentSpanId": format!("{parent:016x}"),
        "name": format!("execute_tool step{span}"),
        "startTimeUnixNano": "1793613601700000000",
    });
    if let Some(name) = agent {
        value["attributes"] = json!([{"key": "gen_ai.agent.name", "value": {"stringValue": name}}]);
    }
    value
}

#[test]
fn agent_inherited_through_chain() {
    let spans = json!([
        chain_span(1, 0, Some("Billing")),
        chain_span(2, 1, None),
        chain_span(3, 2, None),
    ]);
    let events = events(&spans.to_string());
    assert_eq!(events[2].actor_id.as_deref(), Some("Billing"));
}

#[test]
fn agent_inherited_inside_cycle() {
    // 2 -> 3 -> 4 -> 2, where 3 names the agent; 5 is its own parent.
    let spans = json!([
        chain_span(2, 4, None),
        chain_span(3, 2, Some("Billing")),
        chain_span(4, 3, None),
        chain_span(5, 5, None),
    ]);
    let events = events(&spans.to_string());
    assert_eq!(events[0].actor_id.as_deref(), Some("Billing"));
    assert_eq!(events[2].actor_id.as_deref(), Some("Billing"));
    assert_eq!(events[3].actor_id, None);
}

#[test]
fn deep_chain_is_linear() {
    // Walking the chain once per span took minutes for 50,000 spans; memoised it is linear.
    const DEPTH: u64 = 20_000;
    let mut spans = vec![chain_span(1, 0, Some("Billing"))];
    spans.extend((2..=DEPTH).map(|span| chain_span(span, span - 1, None)));
    let text = Value::Array(spans).to_string();
    let started = std::time::Instant::now();
    let events = events(&text);
    let elapsed = started.elapsed();
    assert_eq!(events.last().unwrap().actor_id.as_deref(), Some("Billing"));
    assert!(
        elapsed.as_secs() < 20,
        "{DEPTH} chained spans took {elapsed:?}"
    );
}

#[test]
fn malformed_ids_quarantined() {
    let trace = "0af7651916cd43dd8448eb211c80319c";
    let span = "b7ad6b7169203331";
    let cases = [
        (json!("abc"), json!(span), "invalid traceId"),
        (
            json!("zz3a9c2e4b1d4e8fa0c6b5d2e1f09a31"),
            json!(span),
            "invalid traceId",
        ),
        (json!(""), json!(span), "invalid traceId"),
        (
            json!("00000000000000000000000000000000"),
            json!(span),
            "all zeros",
        ),
        (json!(null), json!(span), "invalid traceId"),
        (json!(-5), json!(span), "invalid traceId"),
        (json!(trace), json!("xyz"), "invalid spanId"),
    ];
    for (trace_id, span_id, reason) in cases {
        let text = json!([{"traceId": trace_id, "spanId": span_id, "name": "x",
            "startTimeUnixNano": "1793613601700000000"}])
        .to_string();
        let split = split(&text).unwrap();
        let err = read(&split, &mut |_, _| {}).remove(0).result.unwrap_err();
        assert!(err.contains(reason), "{trace_id} {span_id}: {err}");
    }
}

#[test]
fn integer_trace_id_becomes_hex() {
    let text =
        r#"[{"traceId":12345,"spanId":"b7ad6b7169203331","name":"x","startTimeUnixNano":"1"}]"#;
    let events = events(text);
    assert_eq!(
        events[0].correlation_id.as_deref(),
        Some("00000000000000000000000000003039")
    );
}

#[test]
fn end_before_start_is_noted() {
    let text = r#"[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"x",
        "startTimeUnixNano":"1793613700000000000","endTimeUnixNano":"1793613600000000000"}]"#;
    let note = events(text).remove(0).ts_note.unwrap_or_default();
    assert!(note.contains("ends 100s before it starts"), "{note}");
}

#[test]
fn detects_every_form() {
    for text in [RUN, BASE64, LEGACY.lines().next().unwrap()] {
        let split = split(text).unwrap();
        let value: Value = serde_json::from_str(split.records[0].text).unwrap();
        assert!(matches(&value), "{}", &text[..40]);
    }
    assert!(matches(
        &json!({"spans": [{"name": "x", "context": {"trace_id": 1, "span_id": 2}}]})
    ));
    assert!(!matches(&json!({"spans": []})));
    assert!(!matches(&json!({"eventType": "x", "published": "y"})));
}
