//! One span or log record read into one shape, whether the file wrote it in OTLP/JSON
//! (camelCase, typed attribute values, hex ids) or as an SDK's span JSON (snake_case,
//! plain attribute values, `0x` hex or integer ids under `context`).

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::ids;
use super::otlp::{any_value, attributes};
use crate::ingest::fields::{as_text, text};

/// The signal a record belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Span,
    Log,
}

/// A span or log record with its ids normalised and its attributes as plain JSON.
#[derive(Debug, Clone)]
pub struct Telemetry {
    pub signal: Signal,
    pub trace_id: Option<String>,
    pub span_id: Option<String>,
    pub parent_span_id: Option<String>,
    pub name: Option<String>,
    /// internal, server, client, producer or consumer.
    pub kind: Option<String>,
    /// The start time (a log record's time) as the file wrote it.
    pub start: Option<String>,
    pub end: Option<String>,
    /// ok, error or unset.
    pub status: Option<String>,
    pub status_message: Option<String>,
    pub attributes: Map<String, Value>,
    pub resource: Map<String, Value>,
    /// Spans this one links to, as (trace id, span id).
    pub links: Vec<(Option<String>, String)>,
    /// A log record's severity number: 17 to 24 are errors and fatal errors.
    pub severity: Option<i64>,
}

impl Telemetry {
    /// A span attribute as text.
    pub fn attr(&self, key: &str) -> Option<String> {
        self.attributes.get(key).and_then(as_text)
    }

    /// The first of several span attributes that has text.
    pub fn first_attr(&self, keys: &[&str]) -> Option<String> {
        keys.iter().find_map(|key| self.attr(key))
    }

    /// A resource attribute as text.
    pub fn resource_attr(&self, key: &str) -> Option<String> {
        self.resource.get(key).and_then(as_text)
    }
}

/// True when `value` looks like one span or log record in either form.
pub fn is_item(value: &Value) -> bool {
    is_otlp_span(value) || is_sdk_span(value) || is_otlp_log(value)
}

fn is_otlp_span(value: &Value) -> bool {
    value.get("spanId").is_some()
        && value.get("traceId").is_some()
        && (value.get("startTimeUnixNano").is_some() || value.get("name").is_some())
}

fn is_sdk_span(value: &Value) -> bool {
    value
        .get("context")
        .is_some_and(|c| c.get("span_id").is_some() && c.get("trace_id").is_some())
        && (value.get("start_time").is_some() || value.get("name").is_some())
}

fn is_otlp_log(value: &Value) -> bool {
    (value.get("timeUnixNano").is_some() || value.get("observedTimeUnixNano").is_some())
        && (value.get("body").is_some()
            || value.get("severityNumber").is_some()
            || value.get("eventName").is_some())
}

/// Reads one span or log record. `raw` is its text, needed for ids written as integers
/// that JSON numbers cannot hold.
pub fn read(value: &Value, raw: &str) -> Result<Telemetry, String> {
    if is_otlp_span(value) {
        otlp_span(value, raw)
    } else if is_sdk_span(value) {
        sdk_span(value, raw)
    } else if is_otlp_log(value) {
        otlp_log(value, raw)
    } else {
        Err("not an OpenTelemetry span or log record: no traceId and spanId, no context with trace_id and span_id, and no timeUnixNano".into())
    }
}

/// The ids of an OTLP span or log record, read from the text so that integer ids keep
/// every digit.
#[derive(Deserialize)]
struct OtlpIds<'a> {
    #[serde(borrow, rename = "traceId")]
    trace_id: Option<&'a RawValue>,
    #[serde(borrow, rename = "spanId")]
    span_id: Option<&'a RawValue>,
    #[serde(borrow, rename = "parentSpanId")]
    parent_span_id: Option<&'a RawValue>,
}

fn otlp_ids(raw: &str) -> Result<OtlpIds<'_>, String> {
    serde_json::from_str(raw).map_err(|err| format!("invalid span JSON: {err}"))
}

/// Reads an id that the record may leave out. A malformed one is an error naming `key`.
fn optional_id(raw: Option<&RawValue>, key: &str, bytes: usize) -> Result<Option<String>, String> {
    raw.map_or(Ok(None), |raw| ids::from_raw(raw, bytes))
        .map_err(|reason| format!("invalid {key}: {reason}"))
}

/// Reads a span's own trace or span id, which OTLP requires to be present and not all zeros.
fn required_id(raw: Option<&RawValue>, key: &str, bytes: usize) -> Result<Option<String>, String> {
    match optional_id(raw, key, bytes)? {
        Some(id) => Ok(Some(id)),
        None => Err(format!(
            "invalid {key}: missing, empty or all zeros, which OTLP does not allow for a span"
        )),
    }
}

fn otlp_span(value: &Value, raw: &str) -> Result<Telemetry, String> {
    let ids = otlp_ids(raw)?;
    let links = value
        .get("links")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|link| {
            // A link with a malformed id is left out: it cannot point at any span.
            let span = ids::from_text(&text(link, &["spanId"])?, ids::SPAN).ok()??;
            let trace = text(link, &["traceId"])
                .and_then(|t| ids::from_text(&t, ids::TRACE).ok().flatten());
            Some((trace, span))
        })
        .collect();
    Ok(Telemetry {
        signal: Signal::Span,
        trace_id: required_id(ids.trace_id, "traceId", ids::TRACE)?,
        span_id: required_id(ids.span_id, "spanId", ids::SPAN)?,
        parent_span_id: optional_id(ids.parent_span_id, "parentSpanId", ids::SPAN)?,
        name: text(value, &["name"]),
        kind: value.get("kind").and_then(span_kind),
        start: time_text(value, "startTimeUnixNano"),
        end: time_text(value, "endTimeUnixNano"),
        status: value.pointer("/status/code").and_then(status_code),
        status_message: text(value, &["status", "message"]),
        attributes: attributes(value.get("attributes")),
        resource: attributes(value.pointer("/resource/attributes")),
        links,
        severity: None,
    })
}

fn otlp_log(value: &Value, raw: &str) -> Result<Telemetry, String> {
    // A log record need not be emitted inside a span, so both ids are optional.
    let ids = otlp_ids(raw)?;
    let mut attributes = attributes(value.get("attributes"));
    if let Some(body) = value.get("body") {
        attributes
            .entry("log.body")
            .or_insert_with(|| any_value(body));
    }
    Ok(Telemetry {
        signal: Signal::Log,
        trace_id: optional_id(ids.trace_id, "traceId", ids::TRACE)?,
        // The span the record was emitted in, not an id of the record's own.
        span_id: optional_id(ids.span_id, "spanId", ids::SPAN)?,
        parent_span_id: None,
        name: text(value, &["eventName"])
            .or_else(|| attributes.get("event.name").and_then(as_text)),
        kind: None,
        start: time_text(value, "timeUnixNano")
            .or_else(|| time_text(value, "observedTimeUnixNano")),
        end: None,
        status: None,
        status_message: text(value, &["severityText"]),
        attributes,
        resource: self::attributes(value.pointer("/resource/attributes")),
        links: Vec::new(),
        severity: value
            .get("severityNumber")
            .and_then(|n| as_text(n)?.parse().ok()),
    })
}

/// Ids of an SDK span dump, read from the text because integer ids exceed 64 bits.
#[derive(Deserialize)]
struct SdkIds<'a> {
    #[serde(borrow)]
    context: Option<SdkContext<'a>>,
    /// The parent's context, as some frameworks write it.
    #[serde(borrow)]
    parent: Option<SdkContext<'a>>,
    /// The parent's span id, as the Python SDK's `to_json` writes it.
    #[serde(borrow)]
    parent_id: Option<&'a RawValue>,
    #[serde(borrow)]
    links: Option<Vec<SdkLink<'a>>>,
}

#[derive(Deserialize)]
struct SdkContext<'a> {
    #[serde(borrow)]
    trace_id: Option<&'a RawValue>,
    #[serde(borrow)]
    span_id: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct SdkLink<'a> {
    #[serde(borrow)]
    context: Option<SdkContext<'a>>,
}

fn sdk_span(value: &Value, raw: &str) -> Result<Telemetry, String> {
    let sdk: SdkIds<'_> =
        serde_json::from_str(raw).map_err(|err| format!("invalid span JSON: {err}"))?;
    let links = sdk
        .links
        .iter()
        .flatten()
        .filter_map(|link| {
            // A link with a malformed id is left out: it cannot point at any span.
            let context = link.context.as_ref()?;
            let span = optional_id(context.span_id, "span_id", ids::SPAN).ok()??;
            let trace = optional_id(context.trace_id, "trace_id", ids::TRACE).ok()?;
            Some((trace, span))
        })
        .collect();
    let context = sdk.context.as_ref();
    let parent = match sdk.parent_id {
        Some(raw) => optional_id(Some(raw), "parent_id", ids::SPAN)?,
        None => optional_id(
            sdk.parent.as_ref().and_then(|p| p.span_id),
            "parent.span_id",
            ids::SPAN,
        )?,
    };
    Ok(Telemetry {
        signal: Signal::Span,
        trace_id: required_id(
            context.and_then(|c| c.trace_id),
            "context.trace_id",
            ids::TRACE,
        )?,
        span_id: required_id(
            context.and_then(|c| c.span_id),
            "context.span_id",
            ids::SPAN,
        )?,
        parent_span_id: parent,
        name: text(value, &["name"]),
        kind: value.get("kind").and_then(span_kind),
        start: time_text(value, "start_time"),
        end: time_text(value, "end_time"),
        status: value.pointer("/status/status_code").and_then(status_code),
        status_message: text(value, &["status", "description"]),
        attributes: attributes(value.get("attributes")),
        resource: attributes(value.pointer("/resource/attributes")),
        links,
        severity: None,
    })
}

/// A time as written; OTLP writes `0` for a time it does not know.
fn time_text(value: &Value, key: &str) -> Option<String> {
    text(value, &[key]).filter(|t| t.trim_start_matches('0').trim() != "")
}

/// Span kinds: OTLP's numbers and `SPAN_KIND_*` names, the Python SDK's `SpanKind.*`.
fn span_kind(kind: &Value) -> Option<String> {
    let name = match kind {
        Value::Number(n) => match n.as_i64()? {
            1 => "internal",
            2 => "server",
            3 => "client",
            4 => "producer",
            5 => "consumer",
            _ => return None,
        }
        .to_string(),
        Value::String(s) => {
            let lower = s.to_ascii_lowercase();
            let name = lower
                .trim_start_matches("span_kind_")
                .trim_start_matches("spankind.");
            if name.is_empty() || name == "unspecified" {
                return None;
            }
            name.to_string()
        }
        _ => return None,
    };
    Some(name)
}

/// Status codes: OTLP's numbers (0 unset, 1 ok, 2 error) and `STATUS_CODE_*` names, the
/// SDKs' `OK`, `ERROR`, `UNSET` in either case.
fn status_code(code: &Value) -> Option<String> {
    let name = match code {
        Value::Number(n) => match n.as_i64()? {
            0 => "unset",
            1 => "ok",
            2 => "error",
            _ => return None,
        }
        .to_string(),
        Value::String(s) => s
            .to_ascii_lowercase()
            .trim_start_matches("status_code_")
            .trim_start_matches("statuscode.")
            .to_string(),
        _ => return None,
    };
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_span_with_integer_ids() {
        let raw = r#"{"name":"execute_tool write_file","kind":"internal",
            "context":{"trace_id":100927429609276267646756448943279827607,"span_id":12324293800750531911},
            "parent":{"trace_id":100927429609276267646756448943279827607,"span_id":31},
            "start_time":1758026593450406000,"end_time":1758026593452926000,
            "status":{"status_code":"error","description":"disk full"},
            "attributes":{"gen_ai.tool.name":"write_file"},
            "resource":{"attributes":{"service.name":"agents"}}}"#;
        let value: Value = serde_json::from_str(raw).unwrap();
        let span = read(&value, raw).unwrap();
        assert_eq!(
            span.trace_id.as_deref(),
            Some("4bedea77bb33b9c5f280371eae21ea97")
        );
        assert_eq!(span.span_id.as_deref(), Some("ab08afea3548c547"));
        assert_eq!(span.parent_span_id.as_deref(), Some("000000000000001f"));
        assert_eq!(span.status.as_deref(), Some("error"));
        assert_eq!(span.status_message.as_deref(), Some("disk full"));
        assert_eq!(span.kind.as_deref(), Some("internal"));
        assert_eq!(
            span.resource_attr("service.name").as_deref(),
            Some("agents")
        );
    }

    #[test]
    fn python_to_json_span() {
        let raw = r#"{"name":"chat","context":{"trace_id":"0x5b8efff798038103d269b633813fc60c","span_id":"0xeee19b7ec3c1b174","trace_state":"[]"},
            "kind":"SpanKind.CLIENT","parent_id":null,"start_time":"2026-11-02T10:00:00.000001Z",
            "status":{"status_code":"UNSET"},"attributes":{},"links":[{"context":{"trace_id":"0x0000000000000000000000000000000a","span_id":"0x000000000000000b"},"attributes":{}}]}"#;
        let value: Value = serde_json::from_str(raw).unwrap();
        let span = read(&value, raw).unwrap();
        assert_eq!(span.span_id.as_deref(), Some("eee19b7ec3c1b174"));
        assert_eq!(span.parent_span_id, None);
        assert_eq!(span.kind.as_deref(), Some("client"));
        assert_eq!(span.status.as_deref(), Some("unset"));
        assert_eq!(
            span.links,
            vec![(
                Some("0000000000000000000000000000000a".to_string()),
                "000000000000000b".to_string()
            )]
        );
    }

    #[test]
    fn otlp_log_body_is_kept() {
        let raw = r#"{"timeUnixNano":"1544712660300000000","severityNumber":17,"eventName":"gen_ai.choice",
            "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
            "body":{"stringValue":"done"}}"#;
        let value: Value = serde_json::from_str(raw).unwrap();
        let log = read(&value, raw).unwrap();
        assert_eq!(log.signal, Signal::Log);
        assert_eq!(log.name.as_deref(), Some("gen_ai.choice"));
        assert_eq!(log.span_id.as_deref(), Some("eee19b7ec3c1b174"));
        assert_eq!(log.attributes["log.body"], "done");
        assert_eq!(log.severity, Some(17));
    }
}
