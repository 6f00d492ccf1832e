//! Kubernetes API server audit events (`audit.k8s.io` `Event` objects), as the log backend
//! writes them (NDJSON) and as the webhook backend sends them (`EventList` batches).
//!
//! The API server writes one record per stage of a request (RequestReceived,
//! ResponseStarted for long-running requests, then ResponseComplete or Panic), all with
//! the request's `auditID`. Each record is mapped on its own and marked as a [`Partial`] of
//! its auditID, so that the import keeps one event per request: its most complete stage.

use serde_json::Value;

use super::event::{Link, LinkRole, MappedEvent, Partial, target};
use super::fields::{as_text, at, first_text, text};
use crate::model::Outcome;

/// True when `record` has the shape of an audit event: an `auditID` together with the
/// request's `verb` or `stage`. Old captures (`audit.k8s.io/v1beta1`) and tools that drop
/// `kind` and `apiVersion` still carry those.
pub fn matches(record: &Value) -> bool {
    let kind_ok = text(record, &["kind"]).is_none_or(|kind| kind == "Event");
    let audit_api = text(record, &["apiVersion"]).is_some_and(|v| v.starts_with("audit.k8s.io/"));
    let shaped = record.get("auditID").is_some_and(Value::is_string)
        && (record.get("verb").is_some() || record.get("stage").is_some());
    kind_ok && (shaped || (audit_api && record.get("auditID").is_some()))
}

pub fn map(record: &Value) -> Result<MappedEvent, String> {
    if !matches(record) {
        return Err("not a Kubernetes audit event: auditID with verb or stage is missing".into());
    }
    let audit_id = text(record, &["auditID"]).ok_or("auditID is empty")?;
    let stage = text(record, &["stage"]);
    let (outcome, reason) = outcome(record);
    let username = text(record, &["user", "username"]);
    let mut event = MappedEvent {
        event_id: Some(match &stage {
            Some(stage) => format!("{audit_id}/{stage}"),
            None => audit_id.clone(),
        }),
        category: category(record),
        action: action(record)?,
        outcome: Some(outcome),
        reason,
        actor_type: username.as_deref().map(|name| actor_type(name).to_string()),
        actor_display: username.clone(),
        actor_id: username,
        actor_alt_id: text(record, &["user", "uid"]),
        correlation_id: Some(audit_id.clone()),
        request_id: Some(audit_id.clone()),
        client_ip: record.pointer("/sourceIPs/0").and_then(as_text),
        targets: targets(record),
        links: links(record),
        partial: Some(Partial {
            key: audit_id,
            rank: stage_rank(stage.as_deref()),
            agreed: request_fields(record),
        }),
        ..MappedEvent::default()
    };
    // Every stage of a request carries the same requestReceivedTimestamp, so the event's
    // time does not depend on which of its stages the export happened to contain.
    // `timestamp` is the time of early audit events, which have neither of the others.
    event.set_time(
        record,
        &[
            &["requestReceivedTimestamp"],
            &["stageTimestamp"],
            &["timestamp"],
            &["metadata", "creationTimestamp"],
        ],
    )?;
    Ok(event)
}

/// The fields that stay the same through the stages of one request. The API server can fill
/// in `objectRef.name` of a create once it has decoded the body, so each part of
/// `objectRef` is compared on its own and only where both stages carry it.
fn request_fields(record: &Value) -> Vec<(&'static str, Option<String>)> {
    vec![
        ("user", text(record, &["user", "username"])),
        ("verb", text(record, &["verb"])),
        ("requestURI", text(record, &["requestURI"])),
        (
            "objectRef.apiGroup",
            text(record, &["objectRef", "apiGroup"]),
        ),
        (
            "objectRef.resource",
            text(record, &["objectRef", "resource"]),
        ),
        (
            "objectRef.subresource",
            text(record, &["objectRef", "subresource"]),
        ),
        (
            "objectRef.namespace",
            text(record, &["objectRef", "namespace"]),
        ),
        ("objectRef.name", text(record, &["objectRef", "name"])),
    ]
}

/// Ranks a stage by completeness. ResponseComplete and Panic end a request, and
/// ResponseStarted is written only for long-running requests such as watch and exec.
fn stage_rank(stage: Option<&str>) -> u8 {
    match stage {
        Some("ResponseComplete" | "Panic") => 3,
        Some("ResponseStarted") => 2,
        Some("RequestReceived") => 1,
        _ => 0,
    }
}

/// Names the action `verb resource[/subresource]`, such as `create pods/exec`. A request
/// for a non-resource URL (`/healthz`, `/version`) names its path instead.
fn action(record: &Value) -> Result<String, String> {
    let verb = text(record, &["verb"]).ok_or("verb is missing")?;
    let resource = text(record, &["objectRef", "resource"]);
    let object = match (resource, text(record, &["objectRef", "subresource"])) {
        (Some(resource), Some(sub)) => Some(format!("{resource}/{sub}")),
        (Some(resource), None) => Some(resource),
        (None, _) => text(record, &["requestURI"])
            .map(|uri| uri.split('?').next().unwrap_or_default().to_string()),
    };
    Ok(match object {
        Some(object) => format!("{verb} {object}"),
        None => verb,
    })
}

/// Returns the API group of the object, `core` for the group whose name is empty (`v1`).
fn category(record: &Value) -> Option<String> {
    let object = at(record, &["objectRef"])?;
    Some(text(object, &["apiGroup"]).unwrap_or_else(|| "core".into()))
}

/// Kinds of users as the API server names them: service accounts authenticate as
/// `system:serviceaccount:<namespace>:<name>`, kubelets as `system:node:<name>`.
fn actor_type(username: &str) -> &'static str {
    if username.starts_with("system:serviceaccount:") {
        "ServiceAccount"
    } else if username.starts_with("system:node:") {
        "Node"
    } else if username == "system:anonymous" {
        "Anonymous"
    } else if username.starts_with("system:") {
        "System"
    } else {
        "User"
    }
}

/// Reads the outcome from the response code: 401 and 403 are denials, other codes from
/// 400 up are failures. Without a code (the RequestReceived stage) the authorizer's
/// decision annotation still marks a denial, but an allowed request's result is unknown.
fn outcome(record: &Value) -> (Outcome, Option<String>) {
    let code = at(record, &["responseStatus", "code"]).and_then(Value::as_i64);
    let decision = text(record, &["annotations", "authorization.k8s.io/decision"]);
    let outcome = match code {
        Some(401 | 403) => Outcome::Denied,
        Some(400..) => Outcome::Failure,
        Some(_) => Outcome::Success,
        None if decision.as_deref() == Some("forbid") => Outcome::Denied,
        None => match text(record, &["responseStatus", "status"]).as_deref() {
            Some("Failure") => Outcome::Failure,
            _ => Outcome::Unknown,
        },
    };
    let reason = first_text(
        record,
        &[
            &["annotations", "authorization.k8s.io/reason"],
            &["responseStatus", "message"],
            &["responseStatus", "reason"],
        ],
    );
    (outcome, reason)
}

/// Builds the target from the object the request acted on. Its id is the path the API
/// uses below the group version (`namespaces/<ns>/<resource>/<name>`), so that requests for
/// the same object share it whether or not the record carries the object's uid.
fn targets(record: &Value) -> Vec<Value> {
    let Some(object) = at(record, &["objectRef"]) else {
        return Vec::new();
    };
    let Some(resource) = text(object, &["resource"]) else {
        return Vec::new();
    };
    let name = text(object, &["name"]);
    let mut path = Vec::new();
    if let Some(namespace) = text(object, &["namespace"]) {
        path.push(format!("namespaces/{namespace}"));
    }
    path.push(resource.clone());
    if let Some(name) = &name {
        path.push(name.clone());
    }
    let kind = match text(object, &["apiGroup"]) {
        Some(group) => format!("{resource}.{group}"),
        None => resource,
    };
    vec![target(
        Some(path.join("/")),
        Some(kind),
        name,
        text(object, &["uid"]),
    )]
}

/// Link kinds of the `user.extra` keys that name a credential or the workload it belongs
/// to, as service account tokens bound to a pod and the AWS IAM authenticator of EKS write
/// them. Other keys stay in the raw record only.
const EXTRA_LINKS: [(&str, &str); 9] = [
    (
        "authentication.kubernetes.io/credential-id",
        "k8s_credential",
    ),
    ("authentication.kubernetes.io/pod-name", "k8s_pod"),
    ("authentication.kubernetes.io/pod-uid", "k8s_pod_uid"),
    ("authentication.kubernetes.io/node-name", "k8s_node"),
    ("authentication.kubernetes.io/node-uid", "k8s_node_uid"),
    ("accessKeyId", "access_key"),
    ("arn", "aws_arn"),
    ("canonicalArn", "aws_arn"),
    ("sessionName", "aws_session"),
];

/// Groups the API server gives every authenticated or anonymous request. Linking on them
/// would tie every event to every other.
const UNIVERSAL_GROUPS: [&str; 2] = ["system:authenticated", "system:unauthenticated"];

fn links(record: &Value) -> Vec<Link> {
    let mut links = Vec::new();
    for group in strings(record.pointer("/user/groups")) {
        if !UNIVERSAL_GROUPS.contains(&group.as_str()) {
            links.push(Link::new("k8s_group", group, LinkRole::Presented));
        }
    }
    for (key, kind) in EXTRA_LINKS {
        let values = record
            .get("user")
            .and_then(|u| u.get("extra"))
            .and_then(|e| e.get(key));
        for value in strings(values) {
            if !links.iter().any(|l| l.kind == kind && l.value == value) {
                links.push(Link::new(kind, value, LinkRole::Presented));
            }
        }
    }
    if let Some(name) = text(record, &["impersonatedUser", "username"]) {
        links.push(Link::new("k8s_user", name, LinkRole::Impersonated));
    }
    links
}

/// Returns the strings of a JSON array or a lone string. The API server writes `extra`
/// values and groups as arrays.
fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(as_text).collect(),
        Some(other) => as_text(other).into_iter().collect(),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Builds a denied exec into a pod by a person who impersonates a service account.
    /// The tests expect the values an analyst reads off the record by hand.
    fn denied_exec() -> Value {
        json!({
            "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata",
            "auditID": "6b1f0c52-1d1e-4a40-9a55-0f4d3c2b1a01", "stage": "ResponseComplete",
            "requestURI": "/api/v1/namespaces/payments/pods/ledger-7d9f/exec?command=sh&stdin=true",
            "verb": "create",
            "user": {"username": "dave.park@northwind.example", "uid": "oidc-dave",
                     "groups": ["platform-admins", "system:authenticated"],
                     "extra": {"authentication.kubernetes.io/credential-id": ["JTI=0b7e"]}},
            "impersonatedUser": {"username": "system:serviceaccount:payments:ledger"},
            "sourceIPs": ["198.51.100.23", "10.0.0.8"],
            "userAgent": "kubectl/v1.31.2 (linux/amd64) kubernetes/abc1234",
            "objectRef": {"resource": "pods", "namespace": "payments", "name": "ledger-7d9f",
                          "apiVersion": "v1", "subresource": "exec"},
            "responseStatus": {"metadata": {}, "status": "Failure", "reason": "Forbidden", "code": 403},
            "requestReceivedTimestamp": "2026-11-03T09:12:44.120304Z",
            "stageTimestamp": "2026-11-03T09:12:44.131877Z",
            "annotations": {"authorization.k8s.io/decision": "forbid",
                            "authorization.k8s.io/reason": "no RBAC policy matched"}
        })
    }

    #[test]
    fn maps_denied_exec() {
        let event = map(&denied_exec()).unwrap();
        assert_eq!(event.action, "create pods/exec");
        assert_eq!(event.category.as_deref(), Some("core"));
        assert_eq!(event.outcome, Some(Outcome::Denied));
        assert_eq!(event.reason.as_deref(), Some("no RBAC policy matched"));
        assert_eq!(
            event.actor_id.as_deref(),
            Some("dave.park@northwind.example")
        );
        assert_eq!(event.actor_alt_id.as_deref(), Some("oidc-dave"));
        assert_eq!(event.actor_type.as_deref(), Some("User"));
        assert_eq!(event.session_id, None);
        assert_eq!(
            event.correlation_id.as_deref(),
            Some("6b1f0c52-1d1e-4a40-9a55-0f4d3c2b1a01")
        );
        assert_eq!(event.request_id, event.correlation_id);
        assert_eq!(
            event.event_id.as_deref(),
            Some("6b1f0c52-1d1e-4a40-9a55-0f4d3c2b1a01/ResponseComplete")
        );
        assert_eq!(event.client_ip.as_deref(), Some("198.51.100.23"));
        assert_eq!(event.ts_original, "2026-11-03T09:12:44.120304Z");
        assert_eq!(event.ts.unwrap().to_string(), "2026-11-03 09:12:44.120304");
    }

    #[test]
    fn target_is_object_path() {
        let event = map(&denied_exec()).unwrap();
        assert_eq!(event.targets.len(), 1);
        assert_eq!(
            event.targets[0]["id"],
            "namespaces/payments/pods/ledger-7d9f"
        );
        assert_eq!(event.targets[0]["type"], "pods");
        assert_eq!(event.targets[0]["display"], "ledger-7d9f");
    }

    #[test]
    fn links_credential_group_and_impersonation() {
        let event = map(&denied_exec()).unwrap();
        assert_eq!(
            event.links,
            vec![
                Link::new("k8s_group", "platform-admins", LinkRole::Presented),
                Link::new("k8s_credential", "JTI=0b7e", LinkRole::Presented),
                Link::new(
                    "k8s_user",
                    "system:serviceaccount:payments:ledger",
                    LinkRole::Impersonated
                ),
            ]
        );
    }

    #[test]
    fn stages_rank_by_completeness() {
        let mut received = denied_exec();
        received["stage"] = json!("RequestReceived");
        received.as_object_mut().unwrap().remove("responseStatus");
        let early = map(&received).unwrap();
        let late = map(&denied_exec()).unwrap();
        assert_eq!(
            early.partial.as_ref().unwrap().key,
            late.partial.as_ref().unwrap().key
        );
        assert!(early.partial.unwrap().rank < late.partial.unwrap().rank);
        // The authorizer's decision is known before the response is.
        assert_eq!(early.outcome, Some(Outcome::Denied));
        assert_eq!(early.ts, late.ts);
    }

    #[test]
    fn service_account_and_group_resource() {
        let record = json!({
            "kind": "Event", "apiVersion": "audit.k8s.io/v1", "auditID": "a1", "stage": "ResponseComplete",
            "verb": "create", "user": {"username": "system:serviceaccount:ci:deployer"},
            "objectRef": {"resource": "clusterrolebindings", "name": "ops", "apiGroup": "rbac.authorization.k8s.io"},
            "responseStatus": {"code": 201}, "stageTimestamp": "2026-11-03T09:00:00Z"
        });
        let event = map(&record).unwrap();
        assert_eq!(event.actor_type.as_deref(), Some("ServiceAccount"));
        assert_eq!(event.outcome, Some(Outcome::Success));
        assert_eq!(event.category.as_deref(), Some("rbac.authorization.k8s.io"));
        assert_eq!(
            event.targets[0]["type"],
            "clusterrolebindings.rbac.authorization.k8s.io"
        );
        assert_eq!(event.ts_original, "2026-11-03T09:00:00Z");
    }

    #[test]
    fn non_resource_request_names_path() {
        let record = json!({"auditID": "a2", "verb": "get", "requestURI": "/healthz?verbose",
            "responseStatus": {"code": 500}, "timestamp": "2017-09-11T19:55:05Z"});
        let event = map(&record).unwrap();
        assert_eq!(event.action, "get /healthz");
        assert_eq!(event.outcome, Some(Outcome::Failure));
        assert_eq!(event.event_id.as_deref(), Some("a2"));
    }

    #[test]
    fn other_kinds_do_not_match() {
        assert!(!matches(
            &json!({"kind": "Pod", "auditID": "x", "verb": "get"})
        ));
        assert!(!matches(&json!({"eventType": "x", "published": "y"})));
    }
}
