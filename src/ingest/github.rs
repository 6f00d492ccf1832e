//! GitHub organization and enterprise audit log entries: the REST API's
//! `/orgs/{org}/audit-log` and `/enterprises/{enterprise}/audit-log` pages (JSON arrays),
//! the JSON export of the audit log page, and audit log streaming (NDJSON). All of them use
//! the same flat keys: `action`, `actor`, `@timestamp` in epoch milliseconds, and so on.

use serde_json::Value;

use super::event::{Link, LinkRole, MappedEvent, target};
use super::fields::{at, text};
use crate::model::Outcome;

/// True when `record` has the shape of a GitHub audit log entry: a dotted `action`, a
/// time (`@timestamp` or `created_at`) and an actor or GitHub's document id.
pub fn matches(record: &Value) -> bool {
    let dotted_action = record
        .get("action")
        .and_then(Value::as_str)
        .is_some_and(|a| a.contains('.'));
    let time = record.get("@timestamp").is_some() || record.get("created_at").is_some();
    let has_actor = ["actor", "actor_id", "_document_id"]
        .iter()
        .any(|key| record.get(key).is_some());
    dotted_action && time && has_actor
}

pub fn map(record: &Value) -> Result<MappedEvent, String> {
    if !matches(record) {
        return Err(
            "not a GitHub audit log entry: action, @timestamp or created_at, or actor is missing"
                .into(),
        );
    }
    let action = text(record, &["action"]).ok_or("action is empty")?;
    let (outcome, reason) = outcome(record, &action);
    let actor = text(record, &["actor"]);
    let mut event = MappedEvent {
        event_id: text(record, &["_document_id"]),
        category: action.split('.').next().map(str::to_string),
        outcome: Some(outcome),
        reason,
        actor_id: text(record, &["actor_id"])
            .filter(|id| id != "0")
            .or_else(|| actor.clone()),
        actor_alt_id: actor.clone(),
        actor_type: actor.as_ref().map(|_| actor_type(record).to_string()),
        actor_display: actor,
        request_id: text(record, &["request_id"]),
        client_ip: text(record, &["actor_ip"]),
        targets: targets(record, &action),
        links: links(record),
        action,
        ..MappedEvent::default()
    };
    event.set_time(record, &[&["@timestamp"], &["created_at"]])?;
    Ok(event)
}

fn actor_type(record: &Value) -> &'static str {
    if record.get("actor_is_bot").and_then(Value::as_bool) == Some(true) {
        "Bot"
    } else {
        "User"
    }
}

/// Reads the outcome. An audit log entry records an action GitHub carried out, so it is a
/// success unless the entry shows otherwise: an `api.request` entry with an HTTP status of
/// 400 or more (401 and 403 are denials), or an action whose operation names a failure,
/// such as `user.failed_login`. Actions that deny something, such as
/// `org.oauth_app_access_denied`, record an owner's decision, which succeeded.
fn outcome(record: &Value, action: &str) -> (Outcome, Option<String>) {
    let status = at(record, &["status_code"]).and_then(|v| match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    });
    let operation = action.rsplit('.').next().unwrap_or_default();
    match status {
        Some(code @ (401 | 403)) => (Outcome::Denied, Some(format!("HTTP {code}"))),
        Some(code @ 400..) => (Outcome::Failure, Some(format!("HTTP {code}"))),
        _ if operation.contains("fail") => (Outcome::Failure, None),
        _ => (Outcome::Success, None),
    }
}

/// Collects what the action was on: the repository, team and user it names, and the
/// organization or enterprise when the action is about them or names nothing narrower.
fn targets(record: &Value, action: &str) -> Vec<Value> {
    let category = action.split('.').next().unwrap_or_default();
    let mut targets = Vec::new();
    if let Some(repo) = text(record, &["repo"]).or_else(|| text(record, &["repository"])) {
        let id = text(record, &["repo_id"]).or_else(|| text(record, &["repository_id"]));
        targets.push(target(id, Some("repository".into()), Some(repo), None));
    }
    if let Some(team) = text(record, &["team"]) {
        targets.push(target(None, Some("team".into()), Some(team), None));
    }
    if let Some(user) = text(record, &["user"]) {
        let id = text(record, &["user_id"]).filter(|id| id != "0");
        targets.push(target(
            id,
            Some("user".into()),
            Some(user.clone()),
            Some(user),
        ));
    }
    let narrower = !targets.is_empty();
    if let Some(org) = text(record, &["org"]).filter(|_| category == "org" || !narrower) {
        let id = text(record, &["org_id"]);
        targets.push(target(id, Some("organization".into()), Some(org), None));
    }
    if (targets.is_empty() || category == "business")
        && let Some(business) = text(record, &["business"])
    {
        let id = text(record, &["business_id"]);
        targets.push(target(id, Some("enterprise".into()), Some(business), None));
    }
    targets
}

/// Links the credential the actor presented: GitHub's hash of the token (or of the SSH
/// key, for Git over SSH), the token's id and the OAuth app behind it. The identity
/// provider's SAML NameID of the actor's linked identity is linked too.
fn links(record: &Value) -> Vec<Link> {
    let mut links = Vec::new();
    if let Some(hash) = text(record, &["hashed_token"]) {
        links.push(Link::new("github_token", hash, LinkRole::Presented));
    }
    if let Some(id) = text(record, &["token_id"]).filter(|id| id != "0") {
        links.push(Link::new("github_token_id", id, LinkRole::Presented));
    }
    if let Some(app) = text(record, &["oauth_application_id"]).filter(|id| id != "0") {
        links.push(Link::new("oauth_client", app, LinkRole::Presented));
    }
    if let Some(nameid) = text(record, &["external_identity_nameid"]) {
        links.push(Link::new("saml_nameid", nameid, LinkRole::Presented));
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Builds a token-authenticated REST call that GitHub rejected. The expected values
    /// are read off by hand: 1793696400123 ms is 2026-11-03T09:00:00.123Z.
    fn rejected_api_request() -> Value {
        json!({
            "@timestamp": 1793696400123u64, "_document_id": "nW3kQ1mZ8xR2vT5yL7pC4a",
            "action": "api.request", "actor": "svc-ci-deploy", "actor_id": 9100234,
            "actor_ip": "203.0.113.19", "actor_is_bot": false,
            "business": "northwind-labs", "business_id": 4411,
            "created_at": 1793696400123u64, "hashed_token": "q0Jx4b9kYw2Vt7s1Lr5nPm8Hc3Gd6Fe0Za2Wb4Xy9Uo=",
            "org": "northwind", "org_id": 7702, "programmatic_access_type": "Fine-grained personal access token",
            "repo": "northwind/billing-portal", "repo_id": 66301, "request_id": "C0A8:3B2F:1D4E5F:2A3B4C:6907F010",
            "request_method": "DELETE", "route": "/repos/{owner}/{repo}/branches/{branch}/protection",
            "status_code": 403, "token_id": 880011, "token_scopes": "", "user_agent": "curl/8.9.1"
        })
    }

    #[test]
    fn maps_rejected_api_request() {
        let event = map(&rejected_api_request()).unwrap();
        assert_eq!(event.event_id.as_deref(), Some("nW3kQ1mZ8xR2vT5yL7pC4a"));
        assert_eq!(event.action, "api.request");
        assert_eq!(event.category.as_deref(), Some("api"));
        assert_eq!(event.outcome, Some(Outcome::Denied));
        assert_eq!(event.reason.as_deref(), Some("HTTP 403"));
        assert_eq!(event.actor_id.as_deref(), Some("9100234"));
        assert_eq!(event.actor_alt_id.as_deref(), Some("svc-ci-deploy"));
        assert_eq!(event.actor_type.as_deref(), Some("User"));
        assert_eq!(event.session_id, None);
        assert_eq!(
            event.request_id.as_deref(),
            Some("C0A8:3B2F:1D4E5F:2A3B4C:6907F010")
        );
        assert_eq!(event.client_ip.as_deref(), Some("203.0.113.19"));
        assert_eq!(event.ts.unwrap().to_string(), "2026-11-03 09:00:00.123");
        assert_eq!(event.ts_original, "1793696400123");
    }

    #[test]
    fn repository_is_the_target() {
        let event = map(&rejected_api_request()).unwrap();
        assert_eq!(event.targets.len(), 1);
        assert_eq!(event.targets[0]["type"], "repository");
        assert_eq!(event.targets[0]["id"], "66301");
        assert_eq!(event.targets[0]["display"], "northwind/billing-portal");
    }

    #[test]
    fn token_is_presented() {
        let event = map(&rejected_api_request()).unwrap();
        assert_eq!(
            event.links,
            vec![
                Link::new(
                    "github_token",
                    "q0Jx4b9kYw2Vt7s1Lr5nPm8Hc3Gd6Fe0Za2Wb4Xy9Uo=",
                    LinkRole::Presented
                ),
                Link::new("github_token_id", "880011", LinkRole::Presented),
            ]
        );
    }

    #[test]
    fn member_added_to_team() {
        let record = json!({"@timestamp": 1793696400000u64, "action": "team.add_member",
            "actor": "alice-nw", "actor_id": 51, "user": "dave-nw", "user_id": 54,
            "team": "northwind/platform-admins", "org": "northwind", "org_id": 7702});
        let event = map(&record).unwrap();
        assert_eq!(event.outcome, Some(Outcome::Success));
        let kinds: Vec<&str> = event
            .targets
            .iter()
            .map(|t| t["type"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["team", "user"]);
    }

    #[test]
    fn failed_login_is_failure() {
        let record = json!({"created_at": "2026-11-03T09:00:00Z", "action": "user.failed_login",
            "actor": "mallory"});
        assert_eq!(map(&record).unwrap().outcome, Some(Outcome::Failure));
    }

    #[test]
    fn other_shapes_do_not_match() {
        assert!(!matches(
            &json!({"action": "login", "created_at": 1, "actor": "a"})
        ));
        assert!(!matches(&json!({"action": "repo.create", "actor": "a"})));
    }
}
