//! Google Cloud Audit Logs: LogEntry objects whose `protoPayload` is an `AuditLog`
//! (Admin Activity, Data Access, System Event and Policy Denied logs), as `gcloud logging
//! read --format=json` prints them (an array), as sinks export them to Cloud Storage
//! (NDJSON), and as `entries.list` pages (`{"entries": [...]}`). BigQuery exports, which
//! name the payload `protopayload_auditlog`, are read too.

use std::net::IpAddr;

use serde_json::Value;

use super::event::{Link, LinkRole, MappedEvent, target};
use super::fields::{first_text, text};
use crate::model::Outcome;

/// Returns the `AuditLog` payload of a LogEntry, if it has one.
fn payload(entry: &Value) -> Option<&Value> {
    if let Some(payload) = entry.get("protoPayload").filter(|p| p.is_object()) {
        let typed =
            text(payload, &["@type"]).is_some_and(|t| t.ends_with("google.cloud.audit.AuditLog"));
        let audit_log =
            text(entry, &["logName"]).is_some_and(|n| n.contains("cloudaudit.googleapis.com"));
        return (typed || audit_log).then_some(payload);
    }
    entry.get("protopayload_auditlog").filter(|p| p.is_object())
}

/// True for a LogEntry that contains an audit log.
pub fn matches(entry: &Value) -> bool {
    payload(entry).is_some()
}

/// True for an entry of one of the `cloudaudit.googleapis.com` logs, whatever its payload.
fn in_audit_log(entry: &Value) -> bool {
    text(entry, &["logName"]).is_some_and(|n| n.contains("cloudaudit.googleapis.com"))
}

/// Entries of other logs come along when a query or sink was not limited to audit logs.
/// An entry of an audit log is never skipped: without a readable payload it is quarantined.
pub fn skip(entry: &Value) -> Option<&'static str> {
    let log_entry = entry.get("logName").is_some() && entry.get("insertId").is_some();
    (log_entry && payload(entry).is_none() && !in_audit_log(entry))
        .then_some("Cloud Logging entries without an audit log payload (not audit events)")
}

pub fn map(entry: &Value) -> Result<MappedEvent, String> {
    let audit = payload(entry).ok_or_else(|| missing_payload(entry))?;
    let method = text(audit, &["methodName"]).ok_or("protoPayload.methodName is missing")?;
    let auth = audit.get("authenticationInfo").unwrap_or(&Value::Null);
    let (outcome, reason) = outcome(entry, audit);
    let mut event = MappedEvent {
        event_id: natural_key(entry),
        category: text(entry, &["logName"]).and_then(|name| log_kind(&name)),
        action: match text(audit, &["serviceName"]) {
            Some(service) => format!("{service}:{method}"),
            None => method,
        },
        outcome: Some(outcome),
        reason,
        actor_id: first_text(auth, &[&["principalEmail"], &["principalSubject"]]),
        actor_display: first_text(auth, &[&["principalEmail"], &["principalSubject"]]),
        session_id: text(auth, &["serviceAccountKeyName"]),
        correlation_id: text(entry, &["operation", "id"]).or_else(|| trace_id(entry)),
        client_ip: text(audit, &["requestMetadata", "callerIp"])
            .filter(|ip| ip.parse::<IpAddr>().is_ok()),
        targets: targets(entry, audit),
        links: links(entry, audit, auth),
        ..MappedEvent::default()
    };
    event.actor_alt_id =
        text(auth, &["principalSubject"]).filter(|s| Some(s) != event.actor_id.as_ref());
    if let Some(email) = auth
        .get("principalEmail")
        .filter(|e| !(e.is_string() || e.is_null()))
    {
        let unreadable = format!("authenticationInfo.principalEmail {email} is not text");
        event.reason = Some(match event.reason.take() {
            Some(reason) => format!("{reason}; {unreadable}"),
            None => unreadable,
        });
    }
    event.actor_type = event
        .actor_id
        .as_deref()
        .map(actor_type)
        .map(str::to_string);
    event.set_time(entry, &[&["timestamp"], &["receiveTimestamp"]])?;
    Ok(event)
}

/// Explains why an entry has no `AuditLog` payload.
fn missing_payload(entry: &Value) -> String {
    let kind = match entry.get("protoPayload") {
        None => return "not a Cloud Audit Logs entry: no protoPayload of type google.cloud.audit.AuditLog".into(),
        Some(Value::Null) => "null",
        Some(Value::String(_)) => "a string",
        Some(Value::Array(_)) => "an array",
        Some(Value::Object(_)) => "an object of another type",
        Some(_) => "a number or boolean",
    };
    format!("protoPayload is {kind}, not a google.cloud.audit.AuditLog object")
}

/// `logName` and `insertId`: the insert id is unique only within one log. A log name has
/// the form `projects/P/logs/L` with `L` URL-encoded, so the `/` between them is unambiguous.
fn natural_key(entry: &Value) -> Option<String> {
    let insert_id = text(entry, &["insertId"])?;
    Some(match text(entry, &["logName"]) {
        Some(log) => format!("{log}/{insert_id}"),
        None => insert_id,
    })
}

/// `activity`, `data_access`, `system_event` or `policy`, from
/// `projects/P/logs/cloudaudit.googleapis.com%2Factivity`.
fn log_kind(log_name: &str) -> Option<String> {
    let (_, log) = log_name.rsplit_once("/logs/")?;
    let decoded = log.replace("%2F", "/").replace("%2f", "/");
    decoded.rsplit('/').next().map(str::to_string)
}

/// Returns the bare trace id of `projects/P/traces/ID`, the form OpenTelemetry spans carry.
fn trace_id(entry: &Value) -> Option<String> {
    let trace = text(entry, &["trace"])?;
    Some(
        trace
            .rsplit("/traces/")
            .next()
            .unwrap_or(&trace)
            .to_string(),
    )
}

fn actor_type(principal: &str) -> &'static str {
    if principal.ends_with(".gserviceaccount.com") {
        "ServiceAccount"
    } else if principal.starts_with("system:serviceaccount:") {
        "KubernetesServiceAccount"
    } else if principal.starts_with("system:") {
        "KubernetesUser"
    } else if principal.starts_with("principal://") || principal.starts_with("principalSet://") {
        "FederatedIdentity"
    } else {
        "User"
    }
}

/// Classifies the entry. A missing status or code is success, because proto3 JSON leaves
/// out code 0 (OK). Codes 7 (PERMISSION_DENIED) and 16 (UNAUTHENTICATED) are denials, and so
/// are a permission not granted in `authorizationInfo` and a Policy Denied entry (an
/// organisation policy or VPC Service Controls violation). Any other code is a failure. A
/// code that is not a `google.rpc.Code`, or a message with no code, is unknown. The reason is
/// the status message, else what was refused, else why the code could not be read.
fn outcome(entry: &Value, audit: &Value) -> (Outcome, Option<String>) {
    let status = audit.get("status").filter(|s| !s.is_null());
    let code = match status.and_then(|s| s.get("code")).filter(|c| !c.is_null()) {
        Some(code) => status_code(code),
        None if status.and_then(|s| s.get("message")).is_some() => {
            Err("status has a message but no code".to_string())
        }
        None => Ok(0),
    };
    let refused = refusal(audit);
    let policy_log =
        text(entry, &["logName"]).is_some_and(|n| log_kind(&n).as_deref() == Some("policy"));
    let outcome = match code {
        Ok(7 | 16) => Outcome::Denied,
        _ if refused.is_some() || policy_log => Outcome::Denied,
        Ok(0) => Outcome::Success,
        Ok(_) => Outcome::Failure,
        Err(_) => Outcome::Unknown,
    };
    let reason = text(audit, &["status", "message"])
        .or(refused)
        .or(code.err());
    (outcome, reason.filter(|_| outcome != Outcome::Success))
}

/// The `google.rpc.Code` names, in code order from 0 (OK) to 16 (UNAUTHENTICATED).
const RPC_CODES: [&str; 17] = [
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
];

/// Reads `status.code`: an integer, an integer as text, or a `google.rpc.Code` name.
fn status_code(code: &Value) -> Result<i64, String> {
    let parsed = match code {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => {
            let s = s.trim();
            s.parse().ok().or_else(|| {
                RPC_CODES
                    .iter()
                    .position(|name| *name == s)
                    .map(|i| i as i64)
            })
        }
        _ => None,
    };
    parsed.ok_or_else(|| format!("status.code {code} is not a google.rpc.Code"))
}

/// Describes what was refused: an organisation policy constraint, a VPC Service Controls
/// violation, or the permissions that `authorizationInfo` marks as not granted.
fn refusal(audit: &Value) -> Option<String> {
    let violations = audit
        .pointer("/policyViolationInfo/orgPolicyViolationInfo/violationInfo")
        .and_then(Value::as_array);
    if let Some(first) = violations.and_then(|v| v.first()) {
        return first_text(first, &[&["errorMessage"], &["constraint"]])
            .or_else(|| Some("organisation policy violation".into()));
    }
    if let Some(reason) = text(audit, &["metadata", "violationReason"]) {
        return Some(format!("VPC Service Controls: {reason}"));
    }
    let denied: Vec<String> = audit
        .get("authorizationInfo")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|a| a.get("granted") == Some(&Value::Bool(false)))
        .map(|a| {
            let permission = text(a, &["permission"]).unwrap_or_else(|| "a permission".into());
            match text(a, &["resource"]) {
                Some(resource) => format!("{permission} on {resource}"),
                None => permission,
            }
        })
        .collect();
    (!denied.is_empty()).then(|| format!("not granted: {}", denied.join(", ")))
}

/// Returns the resource the call acted on, typed by the monitored resource type.
fn targets(entry: &Value, audit: &Value) -> Vec<Value> {
    let kind = text(entry, &["resource", "type"]);
    match text(audit, &["resourceName"]) {
        Some(name) => {
            let display = name.rsplit('/').next().map(str::to_string);
            vec![target(Some(name), kind, display, None)]
        }
        None => Vec::new(),
    }
}

/// Collects the entry's links. The delegation chain comes first, in order, as `principal`
/// delegates: the original caller, then each service account it acted through. Then the
/// service account key that signed the call (presented) or that `CreateServiceAccountKey`
/// returned (issued), and the entry's own insert id, trace and span.
fn links(entry: &Value, audit: &Value, auth: &Value) -> Vec<Link> {
    let mut links: Vec<Link> = auth
        .get("serviceAccountDelegationInfo")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(delegate)
        .map(|principal| Link::new("principal", principal, LinkRole::Delegate))
        .collect();
    if let Some(key) = text(auth, &["serviceAccountKeyName"]) {
        links.push(Link::new(
            "service_account_key",
            key_path(&key),
            LinkRole::Presented,
        ));
    }
    let method = text(audit, &["methodName"]).unwrap_or_default();
    if method.ends_with("CreateServiceAccountKey")
        && let Some(key) = text(audit, &["response", "name"])
    {
        links.push(Link::new(
            "service_account_key",
            key_path(&key),
            LinkRole::Issued,
        ));
    }
    for (kind, value) in [
        ("insert_id", text(entry, &["insertId"])),
        ("trace", trace_id(entry)),
        ("span", text(entry, &["spanId"])),
    ] {
        if let Some(value) = value {
            links.push(Link::new(kind, value, LinkRole::Own));
        }
    }
    links
}

/// Names one link of a delegation chain: a Google principal by email, else the principal
/// subject, else the subject of a third-party (federated) principal's claims.
fn delegate(info: &Value) -> Option<String> {
    first_text(
        info,
        &[
            &["firstPartyPrincipal", "principalEmail"],
            &["principalSubject"],
        ],
    )
    .or_else(|| {
        let claims = info.pointer("/thirdPartyPrincipal/thirdPartyClaims")?;
        first_text(claims, &[&["subject"], &["sub"], &["principal"]])
            .or_else(|| Some(claims.to_string()))
    })
}

/// Strips the service host from a key name. `serviceAccountKeyName` starts with
/// `//iam.googleapis.com/projects/...` but the key's own `name` has no host.
fn key_path(key: &str) -> String {
    key.trim_start_matches("//iam.googleapis.com/").to_string()
}

#[cfg(test)]
mod tests;
