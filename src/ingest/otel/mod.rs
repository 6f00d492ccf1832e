//! OpenTelemetry spans and log records: OTLP/JSON export requests (one per file, or one
//! per line as the collector's file exporter writes them), flat arrays of spans, and the
//! span JSON that SDKs and agent frameworks dump (`{"spans": [...]}` included).
//!
//! Every span and log record is one event. Its position counts spans and log records
//! through the file, and its raw JSON carries the resource and scope of the request it
//! came from.

mod ids;
mod map;
mod otlp;
mod span;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use super::container::Split;
use super::records::{Event, MappedRecord, PROGRESS_EVERY, Progress};
pub use ids::normalised_forms;
use map::Agent;
use span::Telemetry;

/// True when `record` is an OTLP export request, a span or log record, or a dump of
/// spans under `spans`.
pub fn matches(record: &Value) -> bool {
    otlp::is_request(record) || span::is_item(record) || spans_dump(record)
}

fn spans_dump(record: &Value) -> bool {
    record
        .get("spans")
        .and_then(Value::as_array)
        .and_then(|spans| spans.first())
        .is_some_and(span::is_item)
}

#[derive(Deserialize)]
struct SpansDump<'a> {
    #[serde(borrow)]
    spans: Vec<&'a RawValue>,
}

/// A span or log record read from the file, or why it could not be.
struct Unit<'a> {
    line: usize,
    text: Cow<'a, str>,
    item: Result<(Value, Telemetry), String>,
}

/// Reads every span and log record of a split file, numbering them through the file.
pub fn read<'a>(split: &Split<'a>, progress: Progress<'_>) -> Vec<MappedRecord<'a>> {
    let mut units = Vec::new();
    let mut bad = split.bad.iter().peekable();
    let total = split.records.len().max(1);
    let mut reported = 0;
    for (index, record) in split.records.iter().enumerate() {
        // Opening the records is the first half of the work, mapping their spans the second.
        if units.len() >= reported + PROGRESS_EVERY {
            reported = units.len();
            progress(units.len() as u64, 0.5 * index as f64 / total as f64);
        }
        while let Some(b) = bad.next_if(|b| b.pos < record.pos) {
            units.push(unreadable(b.line, b.text.clone(), b.reason.clone()));
        }
        units.extend(open(record.text, record.line));
    }
    units.extend(bad.map(|b| unreadable(b.line, b.text.clone(), b.reason.clone())));

    let agents = agents_by_span(&units);
    let count = units.len().max(1);
    units
        .into_iter()
        .enumerate()
        .map(|(index, unit)| {
            if index % PROGRESS_EVERY == 0 {
                progress(index as u64, 0.5 + 0.5 * index as f64 / count as f64);
            }
            let result = unit.item.and_then(|(value, item)| {
                let inherited = Agent::of(&item)
                    .is_none()
                    .then(|| inherited_agent(&item, &agents))
                    .flatten();
                map::map(&item, inherited).map(|mapped| Event::new(&value, mapped, None))
            });
            MappedRecord {
                pos: index as i64 + 1,
                line: unit.line,
                text: unit.text,
                result,
            }
        })
        .collect()
}

fn unreadable<'a>(line: usize, text: String, reason: String) -> Unit<'a> {
    Unit {
        line,
        text: Cow::Owned(text),
        item: Err(reason),
    }
}

/// Opens one record of the container: an export request, a dump under `spans`, or one
/// span or log record.
fn open(text: &str, line: usize) -> Vec<Unit<'_>> {
    // Pieces come in file order, so lines are counted forward from the previous piece.
    let mut counted = (0, line);
    let mut line_of = |offset: usize| {
        let (from, at) = counted;
        let start = from.min(offset);
        counted = (offset, at + text[start..offset].matches('\n').count());
        counted.1
    };
    if text.trim_start().starts_with('{')
        && let Ok(Some(pieces)) = otlp::open_request(text)
    {
        return pieces
            .into_iter()
            .map(|piece| unit(line_of(piece.offset), piece.text))
            .collect();
    }
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(err) => {
            return vec![unreadable(
                line,
                text.into(),
                format!("invalid JSON: {err}"),
            )];
        }
    };
    if otlp::is_request(&value) {
        // A request whose members have the wrong shape, such as `resourceSpans` of numbers.
        let reason = otlp::open_request(text)
            .err()
            .unwrap_or_else(|| "invalid OTLP export request".into());
        return vec![unreadable(line, text.into(), reason)];
    }
    if spans_dump(&value) {
        return match serde_json::from_str::<SpansDump<'_>>(text) {
            Ok(dump) => dump
                .spans
                .into_iter()
                .map(|raw| {
                    let offset = raw.get().as_ptr() as usize - text.as_ptr() as usize;
                    unit(line_of(offset), Cow::Borrowed(raw.get()))
                })
                .collect(),
            Err(err) => vec![unreadable(
                line,
                text.into(),
                format!("invalid spans: {err}"),
            )],
        };
    }
    vec![read_item(line, Cow::Borrowed(text), value)]
}

fn unit(line: usize, text: Cow<'_, str>) -> Unit<'_> {
    match serde_json::from_str::<Value>(&text) {
        Ok(value) => read_item(line, text, value),
        Err(err) => Unit {
            line,
            text,
            item: Err(format!("invalid JSON: {err}")),
        },
    }
}

fn read_item(line: usize, text: Cow<'_, str>, value: Value) -> Unit<'_> {
    let item = span::read(&value, &text).map(|item| (value, item));
    Unit { line, text, item }
}

type SpanKey = (Option<String>, String);

/// For every span of the file whose chain of parents reaches a span naming an agent: that
/// nearest agent, the span's own included. Each span is resolved once and its result
/// memoised, so a chain of n spans costs O(n) and not O(n²). A walk that comes back to a
/// span on its own path (a cycle of parent ids, or a span that is its own parent) stops
/// there.
fn agents_by_span(units: &[Unit<'_>]) -> HashMap<SpanKey, Agent> {
    let mut parents: HashMap<SpanKey, String> = HashMap::new();
    let mut nearest: HashMap<SpanKey, Agent> = HashMap::new();
    for (_, item) in units.iter().filter_map(|u| u.item.as_ref().ok()) {
        let Some(span) = item
            .span_id
            .clone()
            .filter(|_| item.signal == span::Signal::Span)
        else {
            continue;
        };
        let key = (item.trace_id.clone(), span);
        if let Some(parent) = &item.parent_span_id {
            parents.insert(key.clone(), parent.clone());
        }
        if let Some(agent) = Agent::of(item) {
            nearest.insert(key, agent);
        }
    }

    // Spans known to reach no agent, so a later walk that meets one stops at once.
    let mut agentless: HashSet<SpanKey> = HashSet::new();
    for start in parents.keys() {
        let mut path = Vec::new();
        let mut on_path = HashSet::new();
        let mut key = start.clone();
        let found = loop {
            if let Some(agent) = nearest.get(&key) {
                break Some(agent.clone());
            }
            if agentless.contains(&key) || !on_path.insert(key.clone()) {
                break None;
            }
            path.push(key.clone());
            match parents.get(&key) {
                Some(parent) => key = (key.0.clone(), parent.clone()),
                None => break None,
            }
        };
        match found {
            Some(agent) => nearest.extend(path.into_iter().map(|k| (k, agent.clone()))),
            None => agentless.extend(path),
        }
    }
    nearest
}

/// The agent of the nearest ancestor span in the file that names one. A log record starts
/// from the span it was emitted in.
fn inherited_agent<'m>(
    item: &Telemetry,
    nearest: &'m HashMap<SpanKey, Agent>,
) -> Option<&'m Agent> {
    let start = match item.signal {
        span::Signal::Span => item.parent_span_id.clone()?,
        span::Signal::Log => item.span_id.clone()?,
    };
    nearest.get(&(item.trace_id.clone(), start))
}

#[cfg(test)]
mod tests;
