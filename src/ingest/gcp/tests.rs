use serde_json::json;

use super::*;

/// A service account, reached through a delegation chain, denied a permission.
fn denied_entry() -> Value {
    json!({
        "insertId": "1k9x3ve4pq2c",
        "logName": "projects/northwind-labs-prod/logs/cloudaudit.googleapis.com%2Fdata_access",
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "status": {"code": 7, "message": "PERMISSION_DENIED"},
            "authenticationInfo": {
                "principalEmail": "prod-admin@northwind-labs-prod.iam.gserviceaccount.com",
                "serviceAccountKeyName": "//iam.googleapis.com/projects/northwind-labs-prod/serviceAccounts/prod-admin@northwind-labs-prod.iam.gserviceaccount.com/keys/4f2a9c1d",
                "serviceAccountDelegationInfo": [
                    {"firstPartyPrincipal": {"principalEmail": "alice.chen@northwind.example"}},
                    {"thirdPartyPrincipal": {"thirdPartyClaims": {"sub": "repo:northwind/deploy:ref:refs/heads/main"}}}
                ]
            },
            "requestMetadata": {"callerIp": "203.0.113.77", "callerSuppliedUserAgent": "google-cloud-sdk"},
            "serviceName": "secretmanager.googleapis.com",
            "methodName": "google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion",
            "authorizationInfo": [{
                "resource": "projects/northwind-labs-prod/secrets/billing-db/versions/latest",
                "permission": "secretmanager.versions.access", "granted": false
            }],
            "resourceName": "projects/northwind-labs-prod/secrets/billing-db/versions/latest"
        },
        "resource": {"type": "audited_resource", "labels": {"project_id": "northwind-labs-prod"}},
        "timestamp": "2026-11-21T14:03:17.482913Z",
        "severity": "ERROR",
        "receiveTimestamp": "2026-11-21T14:03:18.101Z",
        "operation": {"id": "op-7731", "producer": "secretmanager.googleapis.com", "first": true, "last": true}
    })
}

#[test]
fn maps_denied_call_by_hand() {
    let event = map(&denied_entry()).unwrap();
    assert_eq!(
        event.event_id.as_deref(),
        Some(
            "projects/northwind-labs-prod/logs/cloudaudit.googleapis.com%2Fdata_access/1k9x3ve4pq2c"
        )
    );
    assert_eq!(event.category.as_deref(), Some("data_access"));
    assert_eq!(
        event.action,
        "secretmanager.googleapis.com:google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion"
    );
    assert_eq!(event.outcome, Some(Outcome::Denied));
    assert_eq!(event.reason.as_deref(), Some("PERMISSION_DENIED"));
    assert_eq!(
        event.actor_id.as_deref(),
        Some("prod-admin@northwind-labs-prod.iam.gserviceaccount.com")
    );
    assert_eq!(event.actor_type.as_deref(), Some("ServiceAccount"));
    assert_eq!(
        event.session_id.as_deref(),
        Some(
            "//iam.googleapis.com/projects/northwind-labs-prod/serviceAccounts/prod-admin@northwind-labs-prod.iam.gserviceaccount.com/keys/4f2a9c1d"
        )
    );
    assert_eq!(event.correlation_id.as_deref(), Some("op-7731"));
    assert_eq!(event.client_ip.as_deref(), Some("203.0.113.77"));
    assert_eq!(
        event.targets[0]["id"],
        "projects/northwind-labs-prod/secrets/billing-db/versions/latest"
    );
    assert_eq!(event.targets[0]["type"], "audited_resource");
    assert_eq!(event.ts_original, "2026-11-21T14:03:17.482913Z");
    assert_eq!(event.ts.unwrap().to_string(), "2026-11-21 14:03:17.482913");
}

#[test]
fn delegation_chain_in_order() {
    let links = map(&denied_entry()).unwrap().links;
    let chain: Vec<&str> = links
        .iter()
        .filter(|l| l.role == LinkRole::Delegate)
        .map(|l| l.value.as_str())
        .collect();
    assert_eq!(
        chain,
        [
            "alice.chen@northwind.example",
            "repo:northwind/deploy:ref:refs/heads/main"
        ]
    );
}

#[test]
fn key_is_presented_without_host() {
    let links = map(&denied_entry()).unwrap().links;
    assert!(links.contains(&Link::new(
        "service_account_key",
        "projects/northwind-labs-prod/serviceAccounts/prod-admin@northwind-labs-prod.iam.gserviceaccount.com/keys/4f2a9c1d",
        LinkRole::Presented
    )));
    assert!(links.contains(&Link::new("insert_id", "1k9x3ve4pq2c", LinkRole::Own)));
}

#[test]
fn not_granted_without_status_is_denied() {
    let mut entry = denied_entry();
    entry["protoPayload"]["status"] = json!({});
    let event = map(&entry).unwrap();
    assert_eq!(event.outcome, Some(Outcome::Denied));
    assert_eq!(
        event.reason.as_deref(),
        Some(
            "not granted: secretmanager.versions.access on projects/northwind-labs-prod/secrets/billing-db/versions/latest"
        )
    );
}

#[test]
fn status_codes_classify_outcome() {
    let mut entry = denied_entry();
    entry["protoPayload"]["authorizationInfo"] = json!([]);
    for (status, expected) in [
        (json!({"code": 0}), Outcome::Success),
        (json!(null), Outcome::Success),
        (
            json!({"code": 16, "message": "UNAUTHENTICATED"}),
            Outcome::Denied,
        ),
        (json!({"code": 5, "message": "NOT_FOUND"}), Outcome::Failure),
        (json!({}), Outcome::Success),
        (json!({"code": "7"}), Outcome::Denied),
        (json!({"code": "PERMISSION_DENIED"}), Outcome::Denied),
        (json!({"code": "UNAUTHENTICATED"}), Outcome::Denied),
        (json!({"code": "OK"}), Outcome::Success),
        (json!({"code": "NOT_FOUND"}), Outcome::Failure),
    ] {
        entry["protoPayload"]["status"] = status.clone();
        assert_eq!(map(&entry).unwrap().outcome, Some(expected), "{status}");
    }
}

#[test]
fn unreadable_status_is_unknown() {
    let mut entry = denied_entry();
    entry["protoPayload"]["authorizationInfo"] = json!([]);
    for status in [
        json!({"code": 7.5}),
        json!({"code": "seven"}),
        json!({"code": [7]}),
        json!({"message": "boom"}),
    ] {
        entry["protoPayload"]["status"] = status.clone();
        let event = map(&entry).unwrap();
        assert_eq!(event.outcome, Some(Outcome::Unknown), "{status}");
        assert!(event.reason.is_some(), "{status}");
    }
}

#[test]
fn principal_email_array_gives_reason() {
    let mut entry = denied_entry();
    entry["protoPayload"]["authenticationInfo"] = json!({"principalEmail": ["arr"]});
    let reason = map(&entry).unwrap().reason.unwrap();
    assert!(
        reason.contains("principalEmail [\"arr\"] is not text"),
        "{reason}"
    );
}

#[test]
fn policy_violation_is_denied() {
    let mut entry = denied_entry();
    entry["logName"] =
        json!("projects/northwind-labs-prod/logs/cloudaudit.googleapis.com%2Fpolicy");
    entry["protoPayload"]["status"] = json!({"code": 9});
    entry["protoPayload"]["authorizationInfo"] = json!([]);
    entry["protoPayload"]["policyViolationInfo"] = json!({"orgPolicyViolationInfo": {
        "violationInfo": [{"constraint": "constraints/iam.disableServiceAccountKeyCreation",
            "errorMessage": "Key creation is disabled", "policyType": "BOOLEAN_CONSTRAINT"}]}});
    let event = map(&entry).unwrap();
    assert_eq!(event.category.as_deref(), Some("policy"));
    assert_eq!(event.outcome, Some(Outcome::Denied));
}

#[test]
fn create_key_issues_it() {
    let mut entry = denied_entry();
    entry["protoPayload"]["methodName"] = json!("google.iam.admin.v1.CreateServiceAccountKey");
    entry["protoPayload"]["response"] = json!({"name": "projects/northwind-labs-prod/serviceAccounts/ci@northwind-labs-prod.iam.gserviceaccount.com/keys/9b1e"});
    let links = map(&entry).unwrap().links;
    assert!(links.contains(&Link::new(
        "service_account_key",
        "projects/northwind-labs-prod/serviceAccounts/ci@northwind-labs-prod.iam.gserviceaccount.com/keys/9b1e",
        LinkRole::Issued
    )));
}

#[test]
fn trace_field_is_correlation_without_operation() {
    let mut entry = denied_entry();
    entry.as_object_mut().unwrap().remove("operation");
    entry["trace"] = json!("projects/northwind-labs-prod/traces/4bf92f3577b34da6a3ce929d0e0e4736");
    let event = map(&entry).unwrap();
    assert_eq!(
        event.correlation_id.as_deref(),
        Some("4bf92f3577b34da6a3ce929d0e0e4736")
    );
}

#[test]
fn receive_time_when_no_timestamp() {
    let mut entry = denied_entry();
    entry.as_object_mut().unwrap().remove("timestamp");
    assert_eq!(map(&entry).unwrap().ts_original, "2026-11-21T14:03:18.101Z");
}

#[test]
fn other_log_entries_are_skipped() {
    let entry = json!({"insertId": "x", "logName": "projects/p/logs/stdout", "textPayload": "hello",
        "timestamp": "2026-11-21T14:03:17Z"});
    assert!(!matches(&entry));
    assert!(skip(&entry).is_some());
    assert_eq!(skip(&denied_entry()), None);
}

#[test]
fn unreadable_audit_payload_not_skipped() {
    let log = "projects/p/logs/cloudaudit.googleapis.com%2Factivity";
    for payload in [json!(null), json!("just a string")] {
        let entry = json!({"insertId": "m2", "logName": log, "protoPayload": payload});
        assert_eq!(skip(&entry), None, "{payload}");
        let err = map(&entry).unwrap_err();
        assert!(err.starts_with("protoPayload is "), "{err}");
    }
}
