//! Open Cybersecurity Schema Framework (OCSF) events, as Amazon Security Lake and other
//! pipelines write them: JSON (NDJSON or arrays) and Parquet, whose rows arrive here as
//! JSON objects. API Activity (class 6003) and Authentication (class 3002) are mapped
//! field by field; other classes through the attributes every class shares.

use serde_json::Value;

use super::event::{Link, LinkRole, MappedEvent, target};
use super::fields::{at, first_text, text};
use super::timestamp;
use crate::model::Outcome;

const API_ACTIVITY: i64 = 6003;
const AUTHENTICATION: i64 = 3002;

/// True when `record` has the shape of an OCSF event: a `class_uid` with `metadata` or
/// a `type_uid`, and a time.
pub fn matches(record: &Value) -> bool {
    let class = class_uid(record).is_some();
    let shaped =
        record.get("metadata").is_some_and(Value::is_object) || record.get("type_uid").is_some();
    let time = record.get("time").is_some() || record.get("time_dt").is_some();
    class && shaped && time
}

fn class_uid(record: &Value) -> Option<i64> {
    match at(record, &["class_uid"])? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn number(record: &Value, path: &[&str]) -> Option<i64> {
    match at(record, path)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Names what keeps `record` from being an OCSF event, telling a missing member from one
/// that is present but unreadable.
fn not_an_event(record: &Value) -> String {
    let mut problems = Vec::new();
    match record.get("class_uid") {
        None => problems.push("class_uid is missing".to_string()),
        Some(value) if class_uid(record).is_none() => {
            problems.push(format!("class_uid {value} is not an integer"));
        }
        Some(_) => {}
    }
    if !(record.get("metadata").is_some_and(Value::is_object) || record.get("type_uid").is_some()) {
        problems.push("metadata (an object) and type_uid are missing".into());
    }
    if record.get("time").is_none() && record.get("time_dt").is_none() {
        problems.push("time and time_dt are missing".into());
    }
    format!("not an OCSF event: {}", problems.join(", "))
}

pub fn map(record: &Value) -> Result<MappedEvent, String> {
    if !matches(record) {
        return Err(not_an_event(record));
    }
    let class = class_uid(record).unwrap_or_default();
    let (outcome, reason) = outcome(record);
    let mut event = MappedEvent {
        event_id: text(record, &["metadata", "uid"]),
        category: first_text(record, &[&["api", "service", "name"], &["class_name"]]),
        action: action(record, class),
        outcome: Some(outcome),
        reason,
        session_id: first_text(record, &[&["actor", "session", "uid"], &["session", "uid"]]),
        correlation_id: text(record, &["metadata", "correlation_uid"]),
        request_id: first_text(
            record,
            &[&["api", "request", "uid"], &["http_request", "uid"]],
        ),
        client_ip: text(record, &["src_endpoint", "ip"]),
        targets: targets(record, class),
        links: links(record),
        ..MappedEvent::default()
    };
    set_actor(&mut event, record, class);
    event.set_time(record, &[&["time"], &["time_dt"]])?;
    note_time_mismatch(&mut event, record);
    Ok(event)
}

/// Names the action: the API operation of an API Activity event, else the event type's
/// name (`Authentication: Logon`), with the protocol of an authentication when known.
fn action(record: &Value, class: i64) -> String {
    if class == API_ACTIVITY
        && let Some(operation) = text(record, &["api", "operation"])
    {
        return operation;
    }
    let name = text(record, &["type_name"]).unwrap_or_else(|| {
        match (
            text(record, &["class_name"]),
            text(record, &["activity_name"]),
        ) {
            (Some(class_name), Some(activity)) => format!("{class_name}: {activity}"),
            (Some(class_name), None) => class_name,
            _ => format!(
                "class {class} activity {}",
                number(record, &["activity_id"]).unwrap_or_default()
            ),
        }
    });
    let protocol = text(record, &["auth_protocol"])
        .filter(|p| !p.eq_ignore_ascii_case("unknown"))
        .filter(|_| class == AUTHENTICATION);
    match protocol {
        Some(protocol) => format!("{name} ({protocol})"),
        None => name,
    }
}

/// Dispositions that describe a refused request, as OCSF lists them for the action
/// `Denied`: Blocked, Quarantined, Isolated, Dropped, Reset, Access Revoked, Rejected and
/// Unauthorized.
const DENIED_DISPOSITIONS: [i64; 8] = [2, 3, 4, 6, 21, 24, 25, 26];
const DISPOSITION_ERROR: i64 = 27;

/// Reads the outcome. It is a denial when the action is `Denied` (2), the disposition
/// refused the request, or the API response is HTTP 401 or 403 or an access-denied error,
/// which is how events mapped from CloudTrail carry `AccessDenied`. Otherwise `status_id` 1
/// is success and 2 failure, and the `status` caption serves producers that write only it.
fn outcome(record: &Value) -> (Outcome, Option<String>) {
    let disposition = number(record, &["disposition_id"]);
    let denied = number(record, &["action_id"]) == Some(2)
        || disposition.is_some_and(|d| DENIED_DISPOSITIONS.contains(&d))
        || matches!(
            number(record, &["api", "response", "code"]),
            Some(401 | 403)
        )
        || text(record, &["api", "response", "error"]).is_some_and(|e| is_access_denied(&e));
    let status = match number(record, &["status_id"]) {
        Some(1) => Some(Outcome::Success),
        Some(2) => Some(Outcome::Failure),
        _ => match text(record, &["status"])
            .map(|s| s.to_ascii_lowercase())
            .as_deref()
        {
            Some("success") => Some(Outcome::Success),
            Some("failure") => Some(Outcome::Failure),
            _ => None,
        },
    };
    let outcome = if denied {
        Outcome::Denied
    } else if let Some(status) = status {
        status
    } else if disposition == Some(DISPOSITION_ERROR) {
        Outcome::Failure
    } else {
        Outcome::Unknown
    };
    let mut reason = first_text(
        record,
        &[
            &["status_detail"],
            &["api", "response", "error_message"],
            &["api", "response", "error"],
        ],
    );
    if reason.is_none() && outcome != Outcome::Success {
        reason = first_text(record, &[&["message"], &["disposition"]]);
    }
    (outcome, reason)
}

/// Sets the actor from `actor.user`. An authentication often names only the `user` who
/// authenticates, so that user is then the actor. An actor without a user may still name
/// the application that acted.
fn set_actor(event: &mut MappedEvent, record: &Value, class: i64) {
    let user = record
        .pointer("/actor/user")
        .filter(|u| u.is_object())
        .or_else(|| {
            record
                .get("user")
                .filter(|u| u.is_object() && class == AUTHENTICATION)
        });
    if let Some(user) = user {
        event.actor_id = first_text(user, &[&["uid"], &["uid_alt"], &["email_addr"], &["name"]]);
        event.actor_alt_id = first_text(user, &[&["email_addr"], &["uid_alt"], &["name"]])
            .filter(|alt| event.actor_id.as_ref() != Some(alt));
        event.actor_display = first_text(user, &[&["name"], &["email_addr"], &["uid"]]);
        event.actor_type = text(user, &["type"]);
    } else if let Some(app) = text(record, &["actor", "app_name"]) {
        event.actor_id = text(record, &["actor", "app_uid"]).or_else(|| Some(app.clone()));
        event.actor_display = Some(app);
        event.actor_type = Some("Application".into());
    }
}

/// Collects the targets: the `resources` acted on, and the `user` of an event whose actor
/// is someone else, such as the account an administrator changed. An authentication also
/// targets the service and the endpoint it was made to.
fn targets(record: &Value, class: i64) -> Vec<Value> {
    let mut targets: Vec<Value> = record
        .get("resources")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|r| {
                    target(
                        text(r, &["uid"]),
                        text(r, &["type"]),
                        first_text(r, &[&["name"], &["uid"]]),
                        text(r, &["uid_alt"]),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let actor_uid = text(record, &["actor", "user", "uid"]);
    if let Some(user) = record.get("user").filter(|u| u.is_object()) {
        let uid = text(user, &["uid"]);
        let is_actor = (class == AUTHENTICATION && actor_uid.is_none()) || uid == actor_uid;
        if !is_actor {
            targets.push(target(
                uid,
                Some("user".into()),
                first_text(user, &[&["name"], &["email_addr"]]),
                text(user, &["email_addr"]),
            ));
        }
    }
    if class == AUTHENTICATION {
        if let Some(service) = record.get("service").filter(|s| s.is_object()) {
            targets.push(target(
                text(service, &["uid"]),
                Some("service".into()),
                text(service, &["name"]),
                None,
            ));
        }
        if let Some(endpoint) = record.get("dst_endpoint").filter(|e| e.is_object()) {
            targets.push(target(
                text(endpoint, &["uid"]),
                Some("endpoint".into()),
                first_text(
                    endpoint,
                    &[&["svc_name"], &["hostname"], &["domain"], &["ip"]],
                ),
                text(endpoint, &["ip"]),
            ));
        }
    }
    targets
}

/// Links the access key the actor presented (`credential_uid`, an AWS access key id in
/// events mapped from CloudTrail) and the service that made the call for the actor.
fn links(record: &Value) -> Vec<Link> {
    let mut links = Vec::new();
    if let Some(key) = text(record, &["actor", "user", "credential_uid"]) {
        links.push(Link::new("access_key", key, LinkRole::Presented));
    }
    if let Some(service) = text(record, &["actor", "invoked_by"]) {
        links.push(Link::new("invoked_by", service, LinkRole::Delegate));
    }
    links
}

/// Error names that mean the caller lacked permission, as AWS (`AccessDenied`,
/// `UnauthorizedOperation`) and Google Cloud (`PERMISSION_DENIED`) write them.
fn is_access_denied(error: &str) -> bool {
    let error = error.to_ascii_lowercase().replace('_', "");
    [
        "accessdenied",
        "unauthorized",
        "forbidden",
        "permissiondenied",
    ]
    .iter()
    .any(|name| error.contains(name))
}

/// Notes a `time_dt` more than a second away from `time`, which the event's time comes
/// from. Producers fill the two separately, and the published OCSF examples disagree.
fn note_time_mismatch(event: &mut MappedEvent, record: &Value) {
    let (Some(ts), Some(dt_text)) = (event.ts, text(record, &["time_dt"])) else {
        return;
    };
    if event.ts_original == dt_text {
        return;
    }
    let Ok(dt) = timestamp::parse(&dt_text) else {
        return;
    };
    if (dt.utc - ts).num_milliseconds().abs() > 1000 {
        let note = format!("time_dt {dt_text} disagrees with time");
        event.ts_note = Some(match event.ts_note.take() {
            Some(earlier) => format!("{earlier}; {note}"),
            None => note,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Builds an API Activity event in the shape Security Lake gives CloudTrail management
    /// events. The expected values are read off by hand: 1793702096250 ms is
    /// 2026-11-03T10:34:56.250Z.
    fn denied_create_access_key() -> Value {
        json!({
            "activity_id": 1, "activity_name": "Create", "category_uid": 6,
            "class_name": "API Activity", "class_uid": 6003, "type_uid": 600301,
            "time": 1793702096250u64, "time_dt": "2026-11-03T10:34:56.250Z",
            "status": "Failure", "status_id": 2, "disposition_id": 26,
            "api": {"operation": "CreateAccessKey", "service": {"name": "iam.amazonaws.com"},
                    "request": {"uid": "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"},
                    "response": {"error": "AccessDenied",
                                 "error_message": "User is not authorized to perform: iam:CreateAccessKey"}},
            "actor": {"user": {"uid": "arn:aws:sts::111122223333:assumed-role/ci-deploy/build-4411",
                               "uid_alt": "AROAEXAMPLEID:build-4411", "name": "build-4411",
                               "type": "AssumedRole", "credential_uid": "ASIAEXAMPLEKEY4411"},
                      "session": {"uid": "sess-4411", "is_mfa": false},
                      "invoked_by": "codebuild.amazonaws.com"},
            "metadata": {"uid": "0f9e8d7c-6b5a-4938-8271-605f4e3d2c1b", "correlation_uid": "corr-77",
                         "product": {"name": "CloudTrail", "vendor_name": "AWS"}, "version": "1.1.0"},
            "src_endpoint": {"ip": "198.51.100.14"},
            "resources": [{"uid": "arn:aws:iam::111122223333:user/svc-backup", "type": "AWS::IAM::User",
                           "name": "svc-backup"}]
        })
    }

    #[test]
    fn maps_api_activity() {
        let event = map(&denied_create_access_key()).unwrap();
        assert_eq!(
            event.event_id.as_deref(),
            Some("0f9e8d7c-6b5a-4938-8271-605f4e3d2c1b")
        );
        assert_eq!(event.action, "CreateAccessKey");
        assert_eq!(event.category.as_deref(), Some("iam.amazonaws.com"));
        assert_eq!(event.outcome, Some(Outcome::Denied));
        assert_eq!(
            event.reason.as_deref(),
            Some("User is not authorized to perform: iam:CreateAccessKey")
        );
        assert_eq!(
            event.actor_id.as_deref(),
            Some("arn:aws:sts::111122223333:assumed-role/ci-deploy/build-4411")
        );
        assert_eq!(
            event.actor_alt_id.as_deref(),
            Some("AROAEXAMPLEID:build-4411")
        );
        assert_eq!(event.actor_type.as_deref(), Some("AssumedRole"));
        assert_eq!(event.session_id.as_deref(), Some("sess-4411"));
        assert_eq!(event.correlation_id.as_deref(), Some("corr-77"));
        assert_eq!(
            event.request_id.as_deref(),
            Some("7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f")
        );
        assert_eq!(event.client_ip.as_deref(), Some("198.51.100.14"));
        assert_eq!(event.ts.unwrap().to_string(), "2026-11-03 10:34:56.250");
        assert_eq!(event.ts_note.as_deref(), Some("epoch milliseconds"));
    }

    #[test]
    fn api_activity_targets_and_links() {
        let event = map(&denied_create_access_key()).unwrap();
        assert_eq!(event.targets.len(), 1);
        assert_eq!(event.targets[0]["display"], "svc-backup");
        assert_eq!(event.targets[0]["type"], "AWS::IAM::User");
        assert_eq!(
            event.links,
            vec![
                Link::new("access_key", "ASIAEXAMPLEKEY4411", LinkRole::Presented),
                Link::new("invoked_by", "codebuild.amazonaws.com", LinkRole::Delegate),
            ]
        );
    }

    /// Builds a failed SAML logon that names only the user who authenticated.
    fn failed_logon() -> Value {
        json!({
            "activity_id": 1, "activity_name": "Logon", "class_name": "Authentication",
            "class_uid": 3002, "type_name": "Authentication: Logon", "type_uid": 300201,
            "time_dt": "2026-11-03T08:01:02.500Z", "status_id": 2, "status": "Failure",
            "status_detail": "Invalid SAML assertion", "auth_protocol": "SAML", "auth_protocol_id": 5,
            "user": {"uid": "00u1bob0000000002", "name": "Bob Okafor",
                     "email_addr": "bob.okafor@northwind.example", "type": "User"},
            "session": {"uid": "102bobSess0031"},
            "dst_endpoint": {"svc_name": "github.com/orgs/northwind"},
            "metadata": {"uid": "auth-0031", "version": "1.3.0"},
            "src_endpoint": {"ip": "203.0.113.52"}
        })
    }

    #[test]
    fn maps_authentication() {
        let event = map(&failed_logon()).unwrap();
        assert_eq!(event.action, "Authentication: Logon (SAML)");
        assert_eq!(event.category.as_deref(), Some("Authentication"));
        assert_eq!(event.outcome, Some(Outcome::Failure));
        assert_eq!(event.reason.as_deref(), Some("Invalid SAML assertion"));
        assert_eq!(event.actor_id.as_deref(), Some("00u1bob0000000002"));
        assert_eq!(
            event.actor_alt_id.as_deref(),
            Some("bob.okafor@northwind.example")
        );
        assert_eq!(event.actor_display.as_deref(), Some("Bob Okafor"));
        assert_eq!(event.session_id.as_deref(), Some("102bobSess0031"));
        assert_eq!(event.client_ip.as_deref(), Some("203.0.113.52"));
        assert_eq!(event.ts_original, "2026-11-03T08:01:02.500Z");
        assert_eq!(event.targets.len(), 1);
        assert_eq!(event.targets[0]["display"], "github.com/orgs/northwind");
    }

    #[test]
    fn other_class_is_mapped_generically() {
        let record = json!({"class_uid": 3001, "class_name": "Account Change", "activity_name": "Lock",
            "time": 1727692936, "metadata": {"uid": "m1"}, "status": "Failure",
            "message": "Max sign in attempts exceeded",
            "actor": {"user": {"uid": "u1"}}, "user": {"uid": "u2", "name": "Target"}});
        let event = map(&record).unwrap();
        assert_eq!(event.action, "Account Change: Lock");
        assert_eq!(event.outcome, Some(Outcome::Failure));
        assert_eq!(
            event.reason.as_deref(),
            Some("Max sign in attempts exceeded")
        );
        assert_eq!(event.targets[0]["id"], "u2");
        assert_eq!(event.ts_note.as_deref(), Some("epoch seconds"));
    }

    #[test]
    fn disagreeing_time_dt_is_noted() {
        let record = json!({"class_uid": 3001, "time": 1727692936, "time_dt": "2023-09-30T10:42:16.000Z",
            "metadata": {}});
        let note = map(&record).unwrap().ts_note.unwrap();
        assert!(note.contains("disagrees"), "{note}");
    }

    #[test]
    fn other_shapes_do_not_match() {
        assert!(!matches(&json!({"class_uid": 6003})));
        assert!(!matches(&json!({"action": "repo.create", "@timestamp": 1})));
    }

    #[test]
    fn class_uid_text_is_named() {
        for class in [json!("not-a-number"), json!(null)] {
            let record = json!({"class_uid": class, "metadata": {"uid": "m"}, "time": 1727692936});
            let err = map(&record).unwrap_err();
            assert!(err.contains("is not an integer"), "{err}");
            assert!(!err.contains("metadata"), "{err}");
        }
    }
}
