//! OpenTelemetry GenAI agent runs as OTLP/JSON export requests, one per line, as the
//! collector's file exporter writes them. One request contains one agent run: an
//! `invoke_agent` span with `chat` and `execute_tool` children.

use std::path::Path;

use chrono::{Duration, NaiveDateTime};
use serde_json::{Value, json};

use super::files::{Chunked, Envelope};
use super::org::{Clock, Identity, Kind, Org};
use super::rng::Rng;
use super::{Budget, DAYS, SourceSummary};
use crate::Result;

/// Export requests (agent runs) per file.
const PER_FILE: usize = 20_000;
const TOOLS: [&str; 6] = [
    "get_invoice",
    "lookup_customer",
    "search_tickets",
    "send_email",
    "read_secret",
    "create_refund",
];
/// Tool calls in one run, besides the agent and chat spans.
const MAX_TOOLS: u64 = 6;

pub fn write(
    root: &Path,
    org: &Org,
    events: u64,
    mut rng: Rng,
    start: NaiveDateTime,
) -> Result<SourceSummary> {
    let mut budget = Budget(events);
    let mut clock = Clock::new(start, DAYS, events / (MAX_TOOLS / 2 + 2) + 1);
    let mut out = Chunked::new(
        root,
        Envelope::Ndjson,
        false,
        PER_FILE,
        Box::new(|index, _| format!("otel/agent-traces-{:04}.ndjson", index / PER_FILE + 1).into()),
    );
    while budget.left() > 0 {
        let agent = org.actor(&mut rng, Some(Kind::Agent));
        let user = org.actor(&mut rng, Some(Kind::Human));
        let ts = clock.next_session();
        let spans = run(&mut rng, &mut budget, ts, agent, user);
        out.write(ts, &request(agent, spans))?;
    }
    Ok(SourceSummary {
        events,
        files: out.finish()?,
    })
}

/// The spans of one agent run, as many as the budget allows.
fn run(
    rng: &mut Rng,
    budget: &mut Budget,
    start: NaiveDateTime,
    agent: &Identity,
    user: &Identity,
) -> Vec<Value> {
    let trace_id = rng.hex(16);
    let root_id = rng.hex(8);
    let conversation = format!("conv_{}", rng.hex(8));
    let tools = rng.between(1, MAX_TOOLS);
    let end = start + Duration::milliseconds(2_000 * (tools as i64 + 1));
    let mut spans = Vec::new();
    if !budget.take() {
        return spans;
    }
    let mut root_attributes = vec![
        attribute("gen_ai.operation.name", "invoke_agent"),
        attribute("gen_ai.agent.id", &agent.external_id),
        attribute("gen_ai.agent.name", &agent.display_name),
        attribute("gen_ai.conversation.id", &conversation),
        attribute("gen_ai.provider.name", "openai"),
        attribute("gen_ai.request.model", "gpt-4o"),
    ];
    root_attributes.push(attribute("enduser.id", &user.user_name));
    spans.push(span(
        &trace_id,
        &root_id,
        None,
        &format!("invoke_agent {}", agent.display_name),
        start,
        end,
        root_attributes,
        None,
    ));

    let mut at = start + Duration::milliseconds(100);
    if budget.take() {
        let attributes = vec![
            attribute("gen_ai.operation.name", "chat"),
            attribute("gen_ai.conversation.id", &conversation),
            attribute("gen_ai.provider.name", "openai"),
            attribute("gen_ai.request.model", "gpt-4o"),
        ];
        spans.push(span(
            &trace_id,
            &rng.hex(8),
            Some(&root_id),
            "chat gpt-4o",
            at,
            at + Duration::milliseconds(900),
            attributes,
            None,
        ));
    }
    for _ in 0..tools {
        if !budget.take() {
            break;
        }
        at += Duration::milliseconds(rng.between(200, 2_000) as i64);
        let tool = *rng.pick(&TOOLS);
        let attributes = vec![
            attribute("gen_ai.operation.name", "execute_tool"),
            attribute("gen_ai.tool.name", tool),
            attribute("gen_ai.tool.call.id", &format!("call_{}", rng.hex(12))),
            attribute("gen_ai.conversation.id", &conversation),
        ];
        // The tool gateway refuses about one call in thirty, such as reading a secret.
        let status = rng
            .chance(33)
            .then(|| json!({"code": 2, "message": "permission denied"}));
        let end = at + Duration::milliseconds(rng.between(20, 800) as i64);
        spans.push(span(
            &trace_id,
            &rng.hex(8),
            Some(&root_id),
            &format!("execute_tool {tool}"),
            at,
            end,
            attributes,
            status,
        ));
    }
    spans
}

fn request(agent: &Identity, spans: Vec<Value>) -> Value {
    json!({
        "resourceSpans": [{
            "resource": {"attributes": [
                attribute("service.name", &format!("northwind-{}", agent.user_name)),
                attribute("deployment.environment.name", "production"),
            ]},
            "scopeSpans": [{
                "scope": {"name": "northwind.agents", "version": "1.4.0"},
                "spans": spans,
            }],
        }],
    })
}

#[allow(clippy::too_many_arguments)]
fn span(
    trace_id: &str,
    span_id: &str,
    parent: Option<&str>,
    name: &str,
    start: NaiveDateTime,
    end: NaiveDateTime,
    attributes: Vec<Value>,
    status: Option<Value>,
) -> Value {
    let mut span = json!({
        "traceId": trace_id,
        "spanId": span_id,
        "name": name,
        "kind": 1,
        "startTimeUnixNano": unix_nanos(start),
        "endTimeUnixNano": unix_nanos(end),
        "attributes": attributes,
        "status": status.unwrap_or_else(|| json!({"code": 1})),
    });
    if let Some(parent) = parent {
        span["parentSpanId"] = json!(parent);
    }
    span
}

fn attribute(key: &str, value: &str) -> Value {
    json!({"key": key, "value": {"stringValue": value}})
}

/// Nanoseconds since the Unix epoch as decimal text, as OTLP/JSON writes 64-bit integers.
fn unix_nanos(ts: NaiveDateTime) -> String {
    let utc = ts.and_utc();
    (utc.timestamp() as i128 * 1_000_000_000 + utc.timestamp_subsec_nanos() as i128).to_string()
}
