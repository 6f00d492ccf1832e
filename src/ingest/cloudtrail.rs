//! AWS CloudTrail events in every container the service and its tools produce. Trail log
//! files are `{"Records": [...]}`, gzip-compressed as S3 delivers them. `aws cloudtrail
//! lookup-events` output holds each event as a JSON string under `CloudTrailEvent`, and an
//! EventBridge event holds it under `detail`. Arrays and NDJSON of records are read too.
//!
//! Digest files and Insights events travel in the same folders but are not API calls;
//! [`skip`] names them so the import leaves them out with a note.

mod identity;

use std::borrow::Cow;
use std::collections::HashSet;
use std::net::IpAddr;

use serde_json::Value;

use super::event::{MappedEvent, target};
use super::fields::{first_text, text};
use crate::model::Outcome;

/// True for a CloudTrail record, a lookup-events item, an EventBridge event that carries
/// one, or a digest record.
pub fn matches(record: &Value) -> bool {
    is_record(record)
        || is_lookup_item(record)
        || eventbridge_detail(record).is_some()
        || is_digest(record)
}

fn is_record(value: &Value) -> bool {
    value.get("eventTime").is_some()
        && (value.get("eventVersion").is_some()
            || (value.get("eventID").is_some() && value.get("eventSource").is_some()))
}

fn is_lookup_item(value: &Value) -> bool {
    value.get("CloudTrailEvent").is_some_and(Value::is_string)
}

/// Returns the CloudTrail record of an EventBridge event ("AWS API Call via CloudTrail"
/// and the other "... via CloudTrail" detail types).
fn eventbridge_detail(value: &Value) -> Option<&Value> {
    let detail = value.get("detail")?;
    (value.get("detail-type").is_some() && is_record(detail)).then_some(detail)
}

/// True for a digest file's single record, which lists the hashes of an hour's log files
/// for `aws cloudtrail validate-logs`.
fn is_digest(value: &Value) -> bool {
    value.get("digestStartTime").is_some()
        && (value.get("digestS3Object").is_some() || value.get("logFiles").is_some())
}

fn is_insight(record: &Value) -> bool {
    text(record, &["eventCategory"]).is_some_and(|c| c.eq_ignore_ascii_case("Insight"))
        || text(record, &["eventType"]).as_deref() == Some("AwsCloudTrailInsight")
        || record.get("insightDetails").is_some()
}

/// Returns the CloudTrail record inside a container item, parsing a lookup-events string.
fn unwrap(record: &Value) -> Result<Cow<'_, Value>, String> {
    if let Some(Value::String(inner)) = record.get("CloudTrailEvent") {
        return serde_json::from_str(inner)
            .map(Cow::Owned)
            .map_err(|err| format!("CloudTrailEvent is not a JSON record: {err}"));
    }
    Ok(Cow::Borrowed(eventbridge_detail(record).unwrap_or(record)))
}

/// Explains a log file envelope whose `Records` member is not an array, which the
/// container reader leaves as one record.
pub fn records_not_array(record: &Value) -> Option<String> {
    let kind = match record.get("Records")? {
        Value::Array(_) => return None,
        Value::Object(_) => "an object",
        Value::String(_) => "a string",
        Value::Null => "null",
        _ => "a number or boolean",
    };
    Some(format!(
        "`Records` is {kind}, not an array: a CloudTrail log file holds its records in an array"
    ))
}

/// Why a record is not an event: a digest or an Insights event.
pub fn skip(record: &Value) -> Option<&'static str> {
    if is_digest(record) {
        return Some("CloudTrail digest records (log file hashes for validation, not events)");
    }
    let inner = unwrap(record).ok()?;
    is_insight(&inner)
        .then_some("CloudTrail Insights events (summaries of unusual API activity, not API calls)")
}

pub fn map(record: &Value) -> Result<MappedEvent, String> {
    let wrapped = !is_record(record);
    let inner = unwrap(record)?;
    let ct: &Value = &inner;
    if let Some(reason) = records_not_array(record) {
        return Err(reason);
    }
    if !is_record(ct) {
        return Err(
            "not a CloudTrail record: eventTime with eventVersion (or eventID and eventSource) is missing"
                .into(),
        );
    }
    let name = text(ct, &["eventName"]).ok_or("eventName is missing")?;
    let source = text(ct, &["eventSource"]);
    let (outcome, reason) = outcome(ct, &name);
    let user = ct.get("userIdentity").unwrap_or(&Value::Null);

    let mut event = MappedEvent {
        event_id: text(ct, &["eventID"]),
        category: first_text(ct, &[&["eventType"], &["eventCategory"]]),
        action: source
            .as_deref()
            .map_or_else(|| name.clone(), |s| format!("{s}:{name}")),
        outcome: Some(outcome),
        reason,
        session_id: identity::session(user),
        correlation_id: text(ct, &["sharedEventID"]),
        request_id: text(ct, &["requestID"]),
        // Calls made by a service name it here ("ecs.amazonaws.com", "AWS Internal").
        client_ip: text(ct, &["sourceIPAddress"]).filter(|ip| ip.parse::<IpAddr>().is_ok()),
        targets: targets(ct, source.as_deref()),
        links: identity::links(ct, user),
        content: wrapped.then(|| ct.clone()),
        ..MappedEvent::default()
    };
    identity::set_actor(&mut event, user);

    event.set_time(ct, &[&["eventTime"]])?;
    Ok(event)
}

/// Error codes of refused authentication that name no denial in their text.
const AUTH_FAILURES: [&str; 9] = [
    "AuthFailure",
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "InvalidAccessKeyId",
    "ExpiredToken",
    "ExpiredTokenException",
    "IncompleteSignature",
    "MissingAuthenticationToken",
    "UnrecognizedClientException",
];

/// Classifies the call. An error code is a denial when its name is one (`AccessDenied`,
/// `*UnauthorizedOperation`, `*Forbidden*`, `*NotAuthorized*`) or the credentials were
/// rejected. Any other code is a failure, and no code is success. Console actions are the
/// exception: they report `Failure` under their own name in `responseElements`, without a code.
fn outcome(ct: &Value, name: &str) -> (Outcome, Option<String>) {
    let message = text(ct, &["errorMessage"]);
    if let Some(code) = text(ct, &["errorCode"]) {
        let outcome = if is_denial(&code) {
            Outcome::Denied
        } else {
            Outcome::Failure
        };
        let reason = match message {
            Some(message) => format!("{code}: {message}"),
            None => code,
        };
        return (outcome, Some(reason));
    }
    let console_failure = text(ct, &["responseElements", name])
        .is_some_and(|result| result.eq_ignore_ascii_case("Failure"));
    if console_failure {
        return (
            Outcome::Failure,
            Some(message.unwrap_or_else(|| format!("{name} failed"))),
        );
    }
    (Outcome::Success, None)
}

fn is_denial(code: &str) -> bool {
    let lower = code.to_ascii_lowercase();
    let bare = code.rsplit('.').next().unwrap_or(code);
    ["denied", "unauthorized", "notauthorized", "forbidden"]
        .iter()
        .any(|word| lower.contains(word))
        || AUTH_FAILURES.contains(&bare)
}

/// IAM and STS request parameters that name the principal or policy acted on.
const PARAMETER_TARGETS: [(&str, &str); 7] = [
    ("roleArn", "AWS::IAM::Role"),
    ("roleName", "AWS::IAM::Role"),
    ("userName", "AWS::IAM::User"),
    ("groupName", "AWS::IAM::Group"),
    ("policyArn", "AWS::IAM::ManagedPolicy"),
    ("principalArn", "AWS::IAM::SAMLProvider"),
    ("instanceProfileName", "AWS::IAM::InstanceProfile"),
];

/// Collects `resources[]` (ARN and type). For IAM and STS calls it adds the principals
/// named in the request and the role session or federated user that an STS call created,
/// whose ARN later events carry as their actor.
fn targets(ct: &Value, source: Option<&str>) -> Vec<Value> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut add = |id: String, kind: Option<&str>, alt: Option<String>| {
        if seen.insert(id.clone()) {
            let display = Some(last_segment(&id).to_string());
            out.push(target(Some(id), kind.map(str::to_string), display, alt));
        }
    };
    for resource in ct
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(arn) = first_text(resource, &[&["ARN"], &["arn"]]) {
            add(arn, text(resource, &["type"]).as_deref(), None);
        }
    }
    if !matches!(source, Some("iam.amazonaws.com" | "sts.amazonaws.com")) {
        return out;
    }
    for (field, kind) in PARAMETER_TARGETS {
        if let Some(value) = text(ct, &["requestParameters", field]) {
            add(value, Some(kind), None);
        }
    }
    if let Some(arn) = text(ct, &["responseElements", "assumedRoleUser", "arn"]) {
        let id = text(
            ct,
            &["responseElements", "assumedRoleUser", "assumedRoleId"],
        );
        add(arn, Some("AWS::STS::AssumedRole"), id);
    }
    if let Some(arn) = text(ct, &["responseElements", "federatedUser", "arn"]) {
        let id = text(
            ct,
            &["responseElements", "federatedUser", "federatedUserId"],
        );
        add(arn, Some("AWS::STS::FederatedUser"), id);
    }
    out
}

/// Returns the name at the end of an ARN or path: a role, user or session name.
fn last_segment(id: &str) -> &str {
    id.rsplit(['/', ':']).next().unwrap_or(id)
}

#[cfg(test)]
mod tests;
