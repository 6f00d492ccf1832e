//! The normalised event every audit mapper produces.

use chrono::NaiveDateTime;
use serde::Serialize;
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
    /// When the action ended, for sources that record a duration (an OpenTelemetry span).
    pub ts_end: Option<NaiveDateTime>,
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
    /// Identifiers that tie this event to events of other sources or other records.
    pub links: Vec<Link>,
    /// The event itself when the exported record wraps it (a CloudTrail record inside a
    /// lookup-events item or an EventBridge event). The content hash is taken over it, so a
    /// copy of the event from another container counts as a duplicate.
    pub content: Option<Value>,
    /// Set when the record is one of several records of a single logical event, such as
    /// the stages of one Kubernetes request.
    pub partial: Option<Partial>,
}

/// One of several records of a single logical event. Of the records of a file that share
/// a key, only those of the highest rank are imported, unless a lower one conflicts with
/// them in an `agreed` field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partial {
    /// The key the records share; it is also the event's correlation id.
    pub key: String,
    /// How complete this record is: a later stage ranks higher.
    pub rank: u8,
    /// Fields that every record of the event must agree on, such as the request's user and
    /// verb. Records that differ in a field that both carry are not merged.
    pub agreed: Vec<(&'static str, Option<String>)>,
}

impl Partial {
    /// Returns the names of the fields that both records carry with different values.
    pub fn conflicts(&self, other: &Partial) -> Vec<&'static str> {
        self.agreed
            .iter()
            .zip(&other.agreed)
            .filter(|((_, a), (_, b))| a.is_some() && b.is_some() && a != b)
            .map(|((name, _), _)| *name)
            .collect()
    }
}

/// An identifier an event carries, with the part it plays, so that events of different
/// sources can be joined on it: a span and its parent, an access key issued by one call and
/// presented by later ones, a principal in a delegation chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// The identifier's namespace, such as `trace`, `span`, `access_key` or `token`.
    pub kind: &'static str,
    pub value: String,
    pub role: LinkRole,
}

/// The part an identifier plays in the event that carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkRole {
    /// The event is, or belongs to, the identified thing (its own span, its audit id).
    Own,
    /// The identified thing is the event's parent (an OpenTelemetry parent span).
    Parent,
    /// The event created the credential (an AssumeRole response's access key).
    Issued,
    /// The event authenticated with the credential.
    Presented,
    /// The principal acted on behalf of the actor (a GCP delegation chain, in order).
    Delegate,
    /// The actor impersonated the principal (Kubernetes impersonation).
    Impersonated,
    /// The identified thing is causally related to the event without being its parent (an
    /// OpenTelemetry span link, such as the message whose processing started a trace).
    Linked,
    /// The actor acted for the identified principal (an agent serving an end user).
    OnBehalfOf,
}

impl Link {
    pub fn new(kind: &'static str, value: impl Into<String>, role: LinkRole) -> Link {
        Link {
            kind,
            value: value.into(),
            role,
        }
    }
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
