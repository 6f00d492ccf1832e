//! Exports of any system, read through an analyst's mapping file: JSON records in every
//! container that `ingest::container` opens, or CSV rows turned into JSON objects.

mod csv;
mod mapping;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde_json::Value;

pub use self::csv::{looks_like_csv, read_csv};
pub use mapping::Mapping;
use mapping::{Field, lookup, lookup_mut};

use super::container::Split;
use super::event::{MappedEvent, target};
use super::records::{self, MappedRecord};
use super::timestamp::{self, EpochUnit, Parsed};
use crate::model::Outcome;

/// Maps every JSON record of a split file.
pub fn read_json<'a>(
    split: &Split<'a>,
    mapping: &Mapping,
    progress: records::Progress<'_>,
) -> Vec<MappedRecord<'a>> {
    records::map_each_with(split, |value| map(value, mapping), None, progress)
}

/// Maps one record. Fields named in `json_fields` are parsed first when they hold text.
pub fn map(record: &Value, mapping: &Mapping) -> Result<MappedEvent, String> {
    let parsed;
    let record = if mapping.json_fields.is_empty() {
        record
    } else {
        parsed = parse_json_fields(record, &mapping.json_fields)?;
        &parsed
    };
    let text = |field: &Option<Field>| field.as_ref().and_then(|f| f.text(record));
    let action = mapping
        .action
        .text(record)
        .ok_or_else(|| format!("no action: {} is missing", mapping.action.describe()))?;
    let (ts, original) = time(record, mapping)?;
    Ok(MappedEvent {
        event_id: text(&mapping.natural_key),
        ts: Some(ts.utc),
        ts_original: original,
        ts_note: ts.note,
        category: text(&mapping.category),
        action,
        outcome: mapping.outcome.as_ref().map(|o| outcome(record, o)),
        reason: text(&mapping.reason),
        actor_id: text(&mapping.actor.id),
        actor_alt_id: text(&mapping.actor.alt_id),
        actor_type: text(&mapping.actor.kind),
        actor_display: text(&mapping.actor.display),
        session_id: text(&mapping.session),
        correlation_id: text(&mapping.correlation_id),
        request_id: text(&mapping.request_id),
        client_ip: text(&mapping.client_ip),
        targets: mapping
            .targets
            .iter()
            .filter_map(|t| {
                let id = text(&t.id);
                let display = text(&t.display);
                (id.is_some() || display.is_some())
                    .then(|| target(id, text(&t.kind), display, text(&t.alt_id)))
            })
            .collect(),
        ..MappedEvent::default()
    })
}

/// A copy of `record` with the text at each of `paths` parsed as JSON. Absent and empty
/// fields are left alone; text that is not JSON rejects the record.
pub fn parse_json_fields(record: &Value, paths: &[String]) -> Result<Value, String> {
    let mut record = record.clone();
    for path in paths {
        let Some(slot) = lookup_mut(&mut record, path) else {
            continue;
        };
        let Value::String(text) = slot else {
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        *slot = serde_json::from_str(text)
            .map_err(|err| format!("field `{path}` is not valid JSON: {err}"))?;
    }
    Ok(record)
}

fn time(record: &Value, mapping: &Mapping) -> Result<(Parsed, String), String> {
    let field = &mapping.time.field;
    let value = lookup(record, field).ok_or_else(|| format!("no time: `{field}` is missing"))?;
    let text = match value {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        other => return Err(format!("time `{field}` is not text or a number: {other}")),
    };
    let unit = match mapping.time.format.as_str() {
        "epoch_s" => Some(EpochUnit::Seconds),
        "epoch_ms" => Some(EpochUnit::Milliseconds),
        "epoch_us" => Some(EpochUnit::Microseconds),
        "epoch_ns" => Some(EpochUnit::Nanoseconds),
        _ => None,
    };
    let parsed = match (mapping.time.format.as_str(), unit) {
        (_, Some(unit)) => timestamp::parse_epoch_in(&text, unit),
        ("auto", None) => timestamp::parse(&text),
        ("rfc3339", None) => DateTime::parse_from_rfc3339(&text)
            .map(|dt| Parsed {
                utc: dt.naive_utc(),
                note: None,
            })
            .map_err(|err| format!("time {text:?} is not RFC 3339: {err}")),
        (format, None) => parse_with_format(&text, format),
    }
    .map_err(|err| format!("time `{field}`: {err}"))?;
    Ok((parsed, text))
}

/// Parses with a chrono format: with a zone when the format has one, else as UTC with a
/// note, and a date alone as its midnight.
fn parse_with_format(text: &str, format: &str) -> Result<Parsed, String> {
    if let Ok(dt) = DateTime::parse_from_str(text, format) {
        return Ok(Parsed {
            utc: dt.naive_utc(),
            note: None,
        });
    }
    let naive = NaiveDateTime::parse_from_str(text, format).or_else(|err| {
        NaiveDate::parse_from_str(text, format)
            .map(|date| date.and_time(chrono::NaiveTime::MIN))
            .map_err(|_| err)
    });
    match naive {
        Ok(utc) => Ok(Parsed {
            utc,
            note: Some("no time zone in the source; read as UTC".into()),
        }),
        Err(err) => Err(format!("{text:?} does not match {format:?}: {err}")),
    }
}

fn outcome(record: &Value, map: &mapping::OutcomeMap) -> Outcome {
    let Some(value) = map.field.text(record) else {
        return Outcome::Unknown;
    };
    let value = value.trim();
    let listed = |values: &[String]| values.iter().any(|v| v.trim().eq_ignore_ascii_case(value));
    if listed(&map.success) {
        Outcome::Success
    } else if listed(&map.failure) {
        Outcome::Failure
    } else if listed(&map.denied) {
        Outcome::Denied
    } else {
        Outcome::Unknown
    }
}

#[cfg(test)]
mod tests;
