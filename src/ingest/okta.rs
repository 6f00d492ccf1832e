//! Okta System Log events (`/api/v1/logs` arrays, NDJSON exports).

use serde_json::Value;

use super::event::{MappedEvent, target};
use super::fields::{first_text, text};
use crate::model::Outcome;

/// True when `record` has the shape of an Okta System Log event.
pub fn matches(record: &Value) -> bool {
    record.get("eventType").is_some() && record.get("published").is_some()
}

pub fn map(record: &Value) -> Result<MappedEvent, String> {
    if !matches(record) {
        return Err("not an Okta System Log event: eventType or published is missing".into());
    }
    let mut event = MappedEvent {
        event_id: text(record, &["uuid"]),
        action: text(record, &["eventType"]).ok_or("eventType is not text")?,
        category: text(record, &["eventType"])
            .and_then(|t| t.split('.').next().map(str::to_string)),
        outcome: Some(outcome(text(record, &["outcome", "result"]).as_deref())),
        reason: text(record, &["outcome", "reason"]),
        actor_id: text(record, &["actor", "id"]),
        actor_alt_id: text(record, &["actor", "alternateId"]),
        actor_type: text(record, &["actor", "type"]),
        actor_display: text(record, &["actor", "displayName"]),
        session_id: text(record, &["authenticationContext", "externalSessionId"])
            .filter(|id| id != "unknown"),
        correlation_id: text(record, &["transaction", "id"]),
        request_id: first_text(record, &[&["debugContext", "debugData", "requestId"]]),
        client_ip: text(record, &["client", "ipAddress"]),
        targets: targets(record),
        ..MappedEvent::default()
    };
    event.set_time(record, &[&["published"]])?;
    Ok(event)
}

/// Okta results: SUCCESS and ALLOW succeed, DENY is a denial, FAILURE fails; SKIPPED,
/// CHALLENGE and UNKNOWN say nothing about the outcome.
fn outcome(result: Option<&str>) -> Outcome {
    match result.map(str::to_ascii_uppercase).as_deref() {
        Some("SUCCESS" | "ALLOW") => Outcome::Success,
        Some("FAILURE") => Outcome::Failure,
        Some("DENY") => Outcome::Denied,
        _ => Outcome::Unknown,
    }
}

fn targets(record: &Value) -> Vec<Value> {
    let Some(items) = record.get("target").and_then(Value::as_array) else {
        return Vec::new();
    };
    items
        .iter()
        .map(|t| {
            target(
                text(t, &["id"]),
                text(t, &["type"]),
                text(t, &["displayName"]),
                text(t, &["alternateId"]),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn maps_session_and_transaction() {
        let record = json!({
            "uuid": "e1", "published": "2026-11-02T10:00:00.123Z", "eventType": "user.session.start",
            "actor": {"id": "00u1", "type": "User", "alternateId": "a@x.example", "displayName": "A"},
            "authenticationContext": {"externalSessionId": "102s"},
            "transaction": {"type": "WEB", "id": "tx1"},
            "debugContext": {"debugData": {"requestId": "r1"}},
            "outcome": {"result": "DENY", "reason": "policy"},
            "client": {"ipAddress": "null"},
            "target": [{"id": "0oa1", "type": "AppInstance", "displayName": "App"}]
        });
        let event = map(&record).unwrap();
        assert_eq!(event.event_id.as_deref(), Some("e1"));
        assert_eq!(event.action, "user.session.start");
        assert_eq!(event.outcome, Some(Outcome::Denied));
        assert_eq!(event.reason.as_deref(), Some("policy"));
        assert_eq!(event.actor_id.as_deref(), Some("00u1"));
        assert_eq!(event.actor_alt_id.as_deref(), Some("a@x.example"));
        assert_eq!(event.session_id.as_deref(), Some("102s"));
        assert_eq!(event.correlation_id.as_deref(), Some("tx1"));
        assert_eq!(event.request_id.as_deref(), Some("r1"));
        assert_eq!(event.client_ip, None);
        assert_eq!(event.targets.len(), 1);
        assert_eq!(event.ts_original, "2026-11-02T10:00:00.123Z");
    }

    #[test]
    fn missing_published_is_rejected() {
        assert!(map(&json!({"eventType": "x"})).is_err());
    }
}
