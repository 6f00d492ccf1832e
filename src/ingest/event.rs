//! The normalised event every audit mapper produces.

use chrono::NaiveDateTime;
use serde_json::{Value, json};

use super::fields::{as_text, at};
use super::timestamp;
use crate::model::Outcome;

/// An audit record mapped onto the case's event columns, before provenance is added.
#[derive(Debug, Clone, Default)]
pub struct MappedEvent {
    pub event_id: Option<String>,
    pub ts: Option<NaiveDateTime>,
    pub ts_original: String,
    pub ts_note: Option<String>,
    pub category: Option<String>,
    pub action: String,
    pub outcome: Option<Outcome>,
    pub reason: Option<String>,
    pub actor_id: Option<String>,
    pub actor_alt_id: Option<String>,
    pub actor_type: Option<String>,
    pub actor_display: Option<String>,
    pub session_id: Option<String>,
    pub correlation_id: Option<String>,
    pub request_id: Option<String>,
    pub client_ip: Option<String>,
    pub targets: Vec<Value>,
}

impl MappedEvent {
    /// Sets the time from the first of `candidates` that holds a timestamp.
    pub fn set_time(&mut self, record: &Value, candidates: &[&[&str]]) -> Result<(), String> {
        let Some(value) = candidates.iter().find_map(|path| at(record, path)) else {
            let names: Vec<String> = candidates.iter().map(|p| p.join(".")).collect();
            return Err(format!(
                "no timestamp: none of {} is present",
                names.join(", ")
            ));
        };
        let parsed = match value {
            Value::Number(n) => timestamp::parse_number(n),
            other => match as_text(other) {
                Some(text) => timestamp::parse(&text),
                None => Err(format!("timestamp is not text: {other}")),
            },
        }?;
        self.ts_original = as_text(value).unwrap_or_default();
        self.ts = Some(parsed.utc);
        self.ts_note = parsed.note;
        Ok(())
    }
}

/// A target as the case stores it: the same four fields whatever the source.
pub fn target(
    id: Option<String>,
    kind: Option<String>,
    display: Option<String>,
    alt: Option<String>,
) -> Value {
    json!({"id": id, "type": kind, "display": display, "alternate_id": alt})
}
