//! Microsoft Entra audit and sign-in logs, as Graph returns them (`directoryAudit` and
//! `signIn` objects) and as Azure diagnostic settings export them (`category`, `time` and
//! the Graph object under `properties`).

use serde_json::Value;

use super::event::{Link, LinkRole, MappedEvent, target};
use super::fields::{first_text, text};
use crate::model::Outcome;

/// The Graph object inside a diagnostic record, or the record itself.
fn body(record: &Value) -> &Value {
    match record.get("properties") {
        Some(properties) if properties.is_object() && record.get("category").is_some() => {
            properties
        }
        _ => record,
    }
}

fn category(record: &Value) -> Option<String> {
    text(record, &["category"])
}

pub fn is_audit(record: &Value) -> bool {
    let diagnostic = category(record).is_some_and(|c| c.eq_ignore_ascii_case("AuditLogs"));
    let graph =
        record.get("activityDisplayName").is_some() && record.get("activityDateTime").is_some();
    diagnostic || graph
}

pub fn is_signin(record: &Value) -> bool {
    let diagnostic =
        category(record).is_some_and(|c| c.to_ascii_lowercase().ends_with("signinlogs"));
    let graph = record.get("createdDateTime").is_some()
        && record.get("status").is_some()
        && (record.get("appId").is_some() || record.get("userPrincipalName").is_some());
    diagnostic || graph
}

pub fn map_audit(record: &Value) -> Result<MappedEvent, String> {
    if !is_audit(record) {
        return Err(
            "not an Entra audit record: neither category AuditLogs nor activityDisplayName".into(),
        );
    }
    let graph = body(record);
    let mut event = MappedEvent {
        event_id: text(graph, &["id"]),
        category: text(graph, &["category"]),
        action: first_text(graph, &[&["activityDisplayName"], &["operationName"]])
            .or_else(|| text(record, &["operationName"]))
            .ok_or("activityDisplayName is missing")?,
        outcome: Some(audit_outcome(
            first_text(graph, &[&["result"]])
                .or_else(|| text(record, &["resultType"]))
                .as_deref(),
        )),
        reason: text(graph, &["resultReason"]),
        correlation_id: text(graph, &["correlationId"])
            .or_else(|| text(record, &["correlationId"])),
        targets: audit_targets(graph),
        ..MappedEvent::default()
    };
    set_initiator(&mut event, graph);
    event.client_ip = event
        .client_ip
        .take()
        .or_else(|| text(record, &["callerIpAddress"]));
    event.set_time(
        record,
        &[
            &["properties", "activityDateTime"],
            &["activityDateTime"],
            &["time"],
        ],
    )?;
    Ok(event)
}

/// Graph's result enum: success, failure, timeout, unknownFutureValue.
fn audit_outcome(result: Option<&str>) -> Outcome {
    match result.map(str::to_ascii_lowercase).as_deref() {
        Some("success") => Outcome::Success,
        Some("failure" | "timeout") => Outcome::Failure,
        _ => Outcome::Unknown,
    }
}

/// The actor of an audit record: `initiatedBy.user` or `initiatedBy.app`.
fn set_initiator(event: &mut MappedEvent, graph: &Value) {
    if let Some(user) = graph.pointer("/initiatedBy/user").filter(|u| u.is_object()) {
        event.actor_id = text(user, &["id"]);
        event.actor_alt_id = text(user, &["userPrincipalName"]);
        event.actor_display = first_text(user, &[&["displayName"], &["userPrincipalName"]]);
        event.actor_type = Some("User".into());
        event.client_ip = text(user, &["ipAddress"]);
    } else if let Some(app) = graph.pointer("/initiatedBy/app").filter(|a| a.is_object()) {
        event.actor_id = first_text(app, &[&["servicePrincipalId"], &["appId"]]);
        event.actor_alt_id = text(app, &["appId"]);
        event.actor_display = first_text(app, &[&["displayName"], &["servicePrincipalName"]]);
        event.actor_type = Some("ServicePrincipal".into());
    }
}

fn audit_targets(graph: &Value) -> Vec<Value> {
    let Some(items) = graph.get("targetResources").and_then(Value::as_array) else {
        return Vec::new();
    };
    items
        .iter()
        .map(|t| {
            target(
                text(t, &["id"]),
                text(t, &["type"]),
                first_text(t, &[&["displayName"], &["userPrincipalName"]]),
                text(t, &["userPrincipalName"]),
            )
        })
        .collect()
}

/// Returns the links of a sign-in: the token it issues (its unique token identifier) and
/// the OAuth client that requested it.
fn signin_links(graph: &Value) -> Vec<Link> {
    let mut links = Vec::new();
    if let Some(token) = text(graph, &["uniqueTokenIdentifier"]) {
        links.push(Link::new("token", token, LinkRole::Issued));
    }
    if let Some(client) = text(graph, &["appId"]) {
        links.push(Link::new("oauth_client", client, LinkRole::Presented));
    }
    links
}

pub fn map_signin(record: &Value) -> Result<MappedEvent, String> {
    if !is_signin(record) {
        return Err("not an Entra sign-in record: neither a SignInLogs category nor createdDateTime and status".into());
    }
    let graph = body(record);
    let kind = signin_kind(record, graph);
    let (outcome, reason) = signin_outcome(record, graph);
    let mut event = MappedEvent {
        event_id: text(graph, &["id"]),
        category: Some(kind.to_string()),
        action: format!("{kind} sign-in"),
        outcome: Some(outcome),
        reason,
        session_id: text(graph, &["sessionId"]),
        correlation_id: text(graph, &["correlationId"])
            .or_else(|| text(record, &["correlationId"])),
        request_id: text(graph, &["originalRequestId"]),
        client_ip: text(graph, &["ipAddress"]).or_else(|| text(record, &["callerIpAddress"])),
        targets: vec![target(
            text(graph, &["resourceId"]),
            Some("resource".into()),
            first_text(graph, &[&["resourceDisplayName"], &["appDisplayName"]]),
            None,
        )],
        ..MappedEvent::default()
    };
    if kind == "service principal" || kind == "managed identity" {
        event.actor_id = first_text(graph, &[&["servicePrincipalId"], &["appId"]]);
        event.actor_alt_id = text(graph, &["appId"]);
        event.actor_display = first_text(graph, &[&["servicePrincipalName"], &["appDisplayName"]]);
        event.actor_type = Some("ServicePrincipal".into());
    } else {
        event.actor_id = text(graph, &["userId"]);
        event.actor_alt_id = text(graph, &["userPrincipalName"]);
        event.actor_display = first_text(graph, &[&["userDisplayName"], &["userPrincipalName"]]);
        event.actor_type = Some("User".into());
    }
    event.links = signin_links(graph);
    if let Some(agent) = agent_type(graph) {
        // An agentic sign-in is made by an agent identity, whatever the user fields contain.
        event.actor_type = Some(format!("Agent ({agent})"));
        if let Some(parent) = text(graph, &["agent", "agentSubjectParentId"]) {
            event
                .links
                .push(Link::new("agent_parent", parent, LinkRole::Own));
        }
    }
    event.set_time(
        record,
        &[
            &["properties", "createdDateTime"],
            &["createdDateTime"],
            &["time"],
        ],
    )?;
    Ok(event)
}

/// Which of the four sign-in logs the record comes from.
fn signin_kind(record: &Value, graph: &Value) -> &'static str {
    let category = category(record).unwrap_or_default().to_ascii_lowercase();
    let event_types = graph
        .get("signInEventTypes")
        .map(Value::to_string)
        .unwrap_or_default();
    if category.starts_with("managedidentity") || event_types.contains("managedIdentity") {
        "managed identity"
    } else if category.contains("serviceprincipal") || event_types.contains("servicePrincipal") {
        "service principal"
    } else if category.starts_with("noninteractive")
        || graph.get("isInteractive") == Some(&Value::Bool(false))
    {
        "non-interactive user"
    } else {
        "interactive user"
    }
}

/// Error code 0 is success. Codes 53000 to 53004 are Conditional Access blocks, and a
/// failed Conditional Access status is a denial too; any other code is a failure.
/// Returns the `agent.agentType` of an agentic sign-in (Graph beta), `None` for others.
fn agent_type(graph: &Value) -> Option<String> {
    text(graph, &["agent", "agentType"]).filter(|t| !t.eq_ignore_ascii_case("notAgentic"))
}

/// Returns the display names of the conditional access policies that failed the sign-in.
fn failed_policies(graph: &Value) -> Vec<String> {
    graph
        .get("appliedConditionalAccessPolicies")
        .and_then(Value::as_array)
        .map(|policies| {
            policies
                .iter()
                .filter(|p| text(p, &["result"]).is_some_and(|r| r.eq_ignore_ascii_case("failure")))
                .filter_map(|p| first_text(p, &[&["displayName"], &["id"]]))
                .collect()
        })
        .unwrap_or_default()
}

fn signin_outcome(record: &Value, graph: &Value) -> (Outcome, Option<String>) {
    let code = text(graph, &["status", "errorCode"]).or_else(|| text(record, &["resultType"]));
    let reason = first_text(graph, &[&["status", "failureReason"]])
        .or_else(|| text(record, &["resultDescription"]));
    let ca_failed = text(graph, &["conditionalAccessStatus"])
        .is_some_and(|s| s.eq_ignore_ascii_case("failure"));
    let outcome = match code.as_deref().map(str::parse::<i64>) {
        Some(Ok(0)) => Outcome::Success,
        Some(Ok(53000..=53004)) => Outcome::Denied,
        Some(Ok(_)) if ca_failed => Outcome::Denied,
        Some(Ok(_)) => Outcome::Failure,
        _ => Outcome::Unknown,
    };
    let reason = reason.filter(|_| outcome != Outcome::Success);
    let blocked_by = failed_policies(graph);
    if outcome == Outcome::Denied && !blocked_by.is_empty() {
        let policies = format!("conditional access: {}", blocked_by.join(", "));
        let reason = match reason {
            Some(reason) => format!("{reason} ({policies})"),
            None => policies,
        };
        return (outcome, Some(reason));
    }
    (outcome, reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn graph_audit_by_app() {
        let record = json!({
            "id": "Directory_1", "category": "GroupManagement", "correlationId": "c1",
            "result": "failure", "resultReason": "Insufficient privileges",
            "activityDisplayName": "Add member to group",
            "activityDateTime": "2026-11-02T10:15:03.1234567Z",
            "initiatedBy": {"app": {"appId": "app1", "servicePrincipalId": "sp1", "displayName": "Bot"}},
            "targetResources": [{"id": "g1", "type": "Group", "displayName": "Admins"}]
        });
        let event = map_audit(&record).unwrap();
        assert_eq!(event.event_id.as_deref(), Some("Directory_1"));
        assert_eq!(event.action, "Add member to group");
        assert_eq!(event.outcome, Some(Outcome::Failure));
        assert_eq!(event.actor_id.as_deref(), Some("sp1"));
        assert_eq!(event.actor_alt_id.as_deref(), Some("app1"));
        assert_eq!(event.actor_type.as_deref(), Some("ServicePrincipal"));
        assert_eq!(event.correlation_id.as_deref(), Some("c1"));
        assert_eq!(event.targets[0]["display"], "Admins");
    }

    #[test]
    fn diagnostic_audit_prefers_properties() {
        let record = json!({
            "category": "AuditLogs", "correlationId": "outer", "time": "2019-10-18T15:30:51.0273716Z",
            "operationName": "Update device",
            "properties": {"id": "D1", "correlationId": "inner", "result": "success",
                "activityDisplayName": "Update device", "activityDateTime": "2019-10-18T15:30:51.0273716+00:00",
                "initiatedBy": {"user": {"id": "u1", "userPrincipalName": "u@x.example", "ipAddress": "10.1.1.1"}}}
        });
        let event = map_audit(&record).unwrap();
        assert_eq!(event.correlation_id.as_deref(), Some("inner"));
        assert_eq!(event.actor_alt_id.as_deref(), Some("u@x.example"));
        assert_eq!(event.client_ip.as_deref(), Some("10.1.1.1"));
        assert_eq!(event.outcome, Some(Outcome::Success));
    }

    #[test]
    fn service_principal_signin() {
        let record = json!({
            "category": "ServicePrincipalSignInLogs", "time": "2022-02-08T06:22:28.3518405Z",
            "properties": {"id": "s1", "createdDateTime": "2022-02-08T06:22:28.3518405+00:00",
                "appId": "a1", "servicePrincipalId": "sp1", "servicePrincipalName": "tf",
                "uniqueTokenIdentifier": "tok1",
                "correlationId": "c9", "status": {"errorCode": 7000215, "failureReason": "Invalid client secret"}}
        });
        let event = map_signin(&record).unwrap();
        assert_eq!(event.action, "service principal sign-in");
        assert_eq!(event.actor_id.as_deref(), Some("sp1"));
        assert_eq!(event.outcome, Some(Outcome::Failure));
        assert_eq!(event.reason.as_deref(), Some("Invalid client secret"));
        assert_eq!(
            event.links,
            vec![
                Link::new("token", "tok1", LinkRole::Issued),
                Link::new("oauth_client", "a1", LinkRole::Presented),
            ]
        );
    }

    #[test]
    fn agentic_signin_names_agent() {
        let record = json!({"id": "s3", "createdDateTime": "2026-11-20T08:00:00Z",
            "appId": "a-agent", "userPrincipalName": "invoice-bot@northwind.example",
            "userId": "u-3001", "status": {"errorCode": 0},
            "agent": {"agentType": "agenticAppInstance", "agentSubjectType": "agentIDuser",
                      "agentSubjectParentId": "bp-42"}});
        let event = map_signin(&record).unwrap();
        assert_eq!(
            event.actor_type.as_deref(),
            Some("Agent (agenticAppInstance)")
        );
        assert_eq!(event.actor_id.as_deref(), Some("u-3001"));
        assert!(
            event
                .links
                .contains(&Link::new("agent_parent", "bp-42", LinkRole::Own))
        );
    }

    #[test]
    fn non_agentic_signin_stays_user() {
        let record = json!({"id": "s4", "createdDateTime": "2026-11-20T08:00:00Z",
            "appId": "a", "userPrincipalName": "u@x.example", "status": {"errorCode": 0},
            "agent": {"agentType": "notAgentic"}});
        assert_eq!(
            map_signin(&record).unwrap().actor_type.as_deref(),
            Some("User")
        );
    }

    #[test]
    fn blocking_policy_is_named() {
        let record = json!({"id": "s5", "createdDateTime": "2026-11-20T08:00:00Z", "appId": "a",
            "userPrincipalName": "u@x.example", "conditionalAccessStatus": "failure",
            "status": {"errorCode": 53003, "failureReason": "Access has been blocked by Conditional Access policies."},
            "appliedConditionalAccessPolicies": [
                {"id": "p1", "displayName": "Require MFA", "result": "success"},
                {"id": "p2", "displayName": "Block legacy auth", "result": "failure"}]});
        let (outcome, reason) = signin_outcome(&record, &record);
        assert_eq!(outcome, Outcome::Denied);
        assert_eq!(
            reason.as_deref(),
            Some(
                "Access has been blocked by Conditional Access policies. (conditional access: Block legacy auth)"
            )
        );
    }

    #[test]
    fn conditional_access_block_is_denied() {
        let record = json!({"id": "s2", "createdDateTime": "2026-01-01T00:00:00Z", "appId": "a",
            "userPrincipalName": "u@x.example", "status": {"errorCode": 53003}});
        assert_eq!(map_signin(&record).unwrap().outcome, Some(Outcome::Denied));
    }
}
