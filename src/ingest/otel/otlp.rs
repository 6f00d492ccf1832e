//! OTLP/JSON export requests (`resourceSpans`, `resourceLogs`) opened into their spans and
//! log records, each composed with its resource and scope so that its raw JSON stands on
//! its own, and OTLP's typed attribute values read as plain JSON.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// A span or log record cut out of a request: where it starts in the request's text and
/// its text with the resource and scope added.
pub struct Piece<'a> {
    pub offset: usize,
    pub text: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Request<'a> {
    #[serde(borrow, rename = "resourceSpans")]
    resource_spans: Option<Vec<Resource<'a>>>,
    #[serde(borrow, rename = "resourceLogs")]
    resource_logs: Option<Vec<Resource<'a>>>,
}

/// A `ResourceSpans` or `ResourceLogs` entry. Before OTLP 0.15 the scope was called the
/// instrumentation library, and exporters of that time still write those names.
#[derive(Deserialize)]
struct Resource<'a> {
    #[serde(borrow)]
    resource: Option<&'a RawValue>,
    #[serde(borrow, rename = "scopeSpans")]
    scope_spans: Option<Vec<Scope<'a>>>,
    #[serde(borrow, rename = "instrumentationLibrarySpans")]
    library_spans: Option<Vec<Scope<'a>>>,
    #[serde(borrow, rename = "scopeLogs")]
    scope_logs: Option<Vec<Scope<'a>>>,
    #[serde(borrow, rename = "instrumentationLibraryLogs")]
    library_logs: Option<Vec<Scope<'a>>>,
}

#[derive(Deserialize)]
struct Scope<'a> {
    #[serde(borrow)]
    scope: Option<&'a RawValue>,
    #[serde(borrow, rename = "instrumentationLibrary")]
    library: Option<&'a RawValue>,
    #[serde(borrow)]
    spans: Option<Vec<&'a RawValue>>,
    #[serde(borrow, rename = "logRecords")]
    log_records: Option<Vec<&'a RawValue>>,
}

/// True when `value` is an OTLP export request of spans or log records.
pub fn is_request(value: &Value) -> bool {
    ["resourceSpans", "resourceLogs"]
        .iter()
        .any(|key| value.get(key).is_some_and(Value::is_array))
}

/// Opens an export request into its spans and log records, in the order they are written.
/// Returns `None` when `text` is an object but not a request, and fails when it is not an
/// object at all. The request is read without building a JSON tree, since one request may
/// be a whole file.
pub fn open_request(text: &str) -> Result<Option<Vec<Piece<'_>>>, String> {
    let request: Request<'_> =
        serde_json::from_str(text).map_err(|err| format!("invalid OTLP export request: {err}"))?;
    if request.resource_spans.is_none() && request.resource_logs.is_none() {
        return Ok(None);
    }
    let mut pieces = Vec::new();
    let resources = request
        .resource_spans
        .into_iter()
        .flatten()
        .chain(request.resource_logs.into_iter().flatten());
    for resource in resources {
        let scopes = [
            resource.scope_spans,
            resource.library_spans,
            resource.scope_logs,
            resource.library_logs,
        ];
        for scope in scopes.into_iter().flatten().flatten() {
            let mut context = Vec::new();
            if let Some(raw) = resource.resource {
                context.push(("resource", raw));
            }
            if let Some(raw) = scope.scope {
                context.push(("scope", raw));
            }
            if let Some(raw) = scope.library {
                context.push(("instrumentationLibrary", raw));
            }
            let items = scope.spans.into_iter().chain(scope.log_records).flatten();
            for item in items {
                pieces.push(Piece {
                    offset: offset_in(text, item.get()),
                    text: Cow::Owned(compose(item.get(), &context)),
                });
            }
        }
    }
    pieces.sort_by_key(|piece| piece.offset);
    Ok(Some(pieces))
}

/// Writes `context` members in front of the members of the object `item`, so the item's
/// own text follows unchanged.
fn compose(item: &str, context: &[(&str, &RawValue)]) -> String {
    let trimmed = item.trim();
    let Some(members) = trimmed.strip_prefix('{') else {
        return item.to_string();
    };
    let mut out = String::with_capacity(item.len() + 256);
    out.push('{');
    for (key, raw) in context {
        out.push('"');
        out.push_str(key);
        out.push_str("\":");
        out.push_str(raw.get());
        out.push(',');
    }
    if members.trim_start().starts_with('}') {
        out.pop();
    }
    out.push_str(members);
    out
}

fn offset_in(text: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize)
}

/// Attributes as a plain JSON object: OTLP's list of `{key, value}` pairs with typed
/// values, or the plain object that SDK span dumps write.
pub fn attributes(value: Option<&Value>) -> Map<String, Value> {
    match value {
        Some(Value::Array(pairs)) => pairs
            .iter()
            .filter_map(|pair| {
                let key = pair.get("key")?.as_str()?;
                Some((key.to_string(), any_value(pair.get("value")?)))
            })
            .collect(),
        Some(Value::Object(map)) => map.clone(),
        _ => Map::new(),
    }
}

/// An OTLP `AnyValue` as plain JSON. `intValue` is a string in OTLP/JSON because JSON
/// numbers lose precision beyond 2^53; it is read back into a number when it fits.
pub fn any_value(value: &Value) -> Value {
    let Some(object) = value.as_object() else {
        return value.clone();
    };
    let Some((kind, inner)) = object.iter().next() else {
        return Value::Null;
    };
    match kind.as_str() {
        "intValue" => match inner {
            Value::String(text) => text
                .parse::<i64>()
                .map_or_else(|_| inner.clone(), Value::from),
            other => other.clone(),
        },
        "arrayValue" => Value::Array(
            inner
                .get("values")
                .and_then(Value::as_array)
                .map(|values| values.iter().map(any_value).collect())
                .unwrap_or_default(),
        ),
        "kvlistValue" => Value::Object(attributes(inner.get("values"))),
        "stringValue" | "boolValue" | "doubleValue" | "bytesValue" => inner.clone(),
        // Not an AnyValue after all, such as a JSON object written by hand.
        _ => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn any_values_become_plain_json() {
        let list = json!([
            {"key": "s", "value": {"stringValue": "x"}},
            {"key": "i", "value": {"intValue": "42"}},
            {"key": "b", "value": {"boolValue": true}},
            {"key": "d", "value": {"doubleValue": 0.5}},
            {"key": "a", "value": {"arrayValue": {"values": [{"stringValue": "p"}, {"intValue": 7}]}}},
            {"key": "k", "value": {"kvlistValue": {"values": [{"key": "n", "value": {"stringValue": "v"}}]}}},
            {"key": "y", "value": {"bytesValue": "AQI="}},
            {"key": "e", "value": {}}
        ]);
        let plain = attributes(Some(&list));
        assert_eq!(plain["s"], "x");
        assert_eq!(plain["i"], 42);
        assert_eq!(plain["b"], true);
        assert_eq!(plain["d"], 0.5);
        assert_eq!(plain["a"], json!(["p", 7]));
        assert_eq!(plain["k"], json!({"n": "v"}));
        assert_eq!(plain["y"], "AQI=");
        assert_eq!(plain["e"], Value::Null);
    }

    #[test]
    fn spans_carry_resource_and_scope() {
        let text = r#"{"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"scope":{"name":"lib"},"spans":[{"spanId":"a"},{}]}]}]}"#;
        let pieces = open_request(text).unwrap().unwrap();
        assert_eq!(pieces.len(), 2);
        assert_eq!(
            pieces[0].text,
            r#"{"resource":{"attributes":[]},"scope":{"name":"lib"},"spanId":"a"}"#
        );
        assert_eq!(
            pieces[1].text,
            r#"{"resource":{"attributes":[]},"scope":{"name":"lib"}}"#
        );
        assert_eq!(&text[pieces[0].offset..pieces[0].offset + 4], "{\"sp");
    }

    #[test]
    fn instrumentation_library_spans_are_opened() {
        let text = r#"{"resourceSpans":[{"instrumentationLibrarySpans":[{"instrumentationLibrary":{"name":"old"},"spans":[{"spanId":"b"}]}]}]}"#;
        let pieces = open_request(text).unwrap().unwrap();
        assert_eq!(
            pieces[0].text,
            r#"{"instrumentationLibrary":{"name":"old"},"spanId":"b"}"#
        );
    }
}
