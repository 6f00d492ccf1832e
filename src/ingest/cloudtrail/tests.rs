use serde_json::json;

use super::*;
use crate::ingest::event::{Link, LinkRole};

/// A role session assuming a second role, as a trail file records it.
fn assume_role() -> Value {
    json!({
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROAXNWLOPSADMIN0001:alice-ops",
            "arn": "arn:aws:sts::111122223333:assumed-role/NorthwindOpsAdmin/alice-ops",
            "accountId": "111122223333",
            "accessKeyId": "ASIAXNWLOPSADMIN0001",
            "sessionContext": {
                "sessionIssuer": {"type": "Role", "principalId": "AROAXNWLOPSADMIN0001",
                    "arn": "arn:aws:iam::111122223333:role/NorthwindOpsAdmin",
                    "accountId": "111122223333", "userName": "NorthwindOpsAdmin"},
                "attributes": {"creationDate": "2026-11-20T10:00:05Z", "mfaAuthenticated": "false"},
                "sourceIdentity": "alice.chen@northwind.example"
            }
        },
        "eventTime": "2026-11-20T10:02:10Z",
        "eventSource": "sts.amazonaws.com",
        "eventName": "AssumeRole",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "198.51.100.24",
        "requestParameters": {"roleArn": "arn:aws:iam::111122223333:role/NorthwindProdDeployer",
            "roleSessionName": "alice-deploy"},
        "responseElements": {
            "credentials": {"accessKeyId": "ASIAXNWLDEPLOYER001", "expiration": "Nov 20, 2026, 11:02:10 AM"},
            "assumedRoleUser": {"assumedRoleId": "AROAXNWLDEPLOYER0001:alice-deploy",
                "arn": "arn:aws:sts::111122223333:assumed-role/NorthwindProdDeployer/alice-deploy"}
        },
        "requestID": "5b1f0c2e-7d3a-4e9b-8f61-2a4c6e8d0b13",
        "eventID": "0d6b3c1a-9e2f-4a57-b8c4-1f3e5a7c9d20",
        "resources": [{"accountId": "111122223333", "type": "AWS::IAM::Role",
            "ARN": "arn:aws:iam::111122223333:role/NorthwindProdDeployer"}],
        "eventType": "AwsApiCall",
        "managementEvent": true,
        "recipientAccountId": "111122223333",
        "sharedEventID": "",
        "eventCategory": "Management"
    })
}

#[test]
fn maps_assume_role_by_hand() {
    let event = map(&assume_role()).unwrap();
    assert_eq!(
        event.event_id.as_deref(),
        Some("0d6b3c1a-9e2f-4a57-b8c4-1f3e5a7c9d20")
    );
    assert_eq!(event.action, "sts.amazonaws.com:AssumeRole");
    assert_eq!(event.category.as_deref(), Some("AwsApiCall"));
    assert_eq!(event.outcome, Some(Outcome::Success));
    assert_eq!(
        event.actor_id.as_deref(),
        Some("arn:aws:sts::111122223333:assumed-role/NorthwindOpsAdmin/alice-ops")
    );
    assert_eq!(
        event.actor_alt_id.as_deref(),
        Some("AROAXNWLOPSADMIN0001:alice-ops")
    );
    assert_eq!(event.actor_type.as_deref(), Some("AssumedRole"));
    assert_eq!(event.actor_display.as_deref(), Some("alice-ops"));
    assert_eq!(event.session_id.as_deref(), Some("ASIAXNWLOPSADMIN0001"));
    assert_eq!(
        event.request_id.as_deref(),
        Some("5b1f0c2e-7d3a-4e9b-8f61-2a4c6e8d0b13")
    );
    assert_eq!(
        event.correlation_id, None,
        "an empty sharedEventID is absent"
    );
    assert_eq!(event.client_ip.as_deref(), Some("198.51.100.24"));
    assert_eq!(event.ts_original, "2026-11-20T10:02:10Z");
    assert_eq!(
        event.ts.unwrap().to_string(),
        "2026-11-20 10:02:10",
        "eventTime is UTC"
    );
    assert_eq!(event.content, None, "a bare record is its own content");
}

#[test]
fn assume_role_targets_role_and_new_session() {
    let event = map(&assume_role()).unwrap();
    let ids: Vec<&str> = event
        .targets
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "arn:aws:iam::111122223333:role/NorthwindProdDeployer",
            "arn:aws:sts::111122223333:assumed-role/NorthwindProdDeployer/alice-deploy",
        ]
    );
    assert_eq!(event.targets[0]["type"], "AWS::IAM::Role");
    assert_eq!(event.targets[1]["display"], "alice-deploy");
    assert_eq!(
        event.targets[1]["alternate_id"],
        "AROAXNWLDEPLOYER0001:alice-deploy"
    );
}

#[test]
fn assume_role_issues_and_presents_keys() {
    let links = map(&assume_role()).unwrap().links;
    assert_eq!(
        links[..2],
        [
            Link::new("access_key", "ASIAXNWLOPSADMIN0001", LinkRole::Presented),
            Link::new("access_key", "ASIAXNWLDEPLOYER001", LinkRole::Issued),
        ]
    );
    for kept in [
        Link::new(
            "session_issuer",
            "arn:aws:iam::111122223333:role/NorthwindOpsAdmin",
            LinkRole::Own,
        ),
        Link::new(
            "role_session",
            "AROAXNWLOPSADMIN0001:alice-ops",
            LinkRole::Own,
        ),
        Link::new("session_created", "2026-11-20T10:00:05Z", LinkRole::Own),
        Link::new(
            "source_identity",
            "alice.chen@northwind.example",
            LinkRole::Own,
        ),
    ] {
        assert!(links.contains(&kept), "missing {kept:?}");
    }
}

#[test]
fn lookup_item_parses_embedded_record() {
    let inner = assume_role();
    let item = json!({
        "EventId": "0d6b3c1a-9e2f-4a57-b8c4-1f3e5a7c9d20", "EventName": "AssumeRole",
        "ReadOnly": "true", "EventTime": "2026-11-20T10:02:10+00:00",
        "CloudTrailEvent": inner.to_string()
    });
    assert!(matches(&item));
    let event = map(&item).unwrap();
    assert_eq!(event.action, "sts.amazonaws.com:AssumeRole");
    assert_eq!(event.content.as_ref(), Some(&inner));
}

#[test]
fn eventbridge_detail_is_the_record() {
    let envelope = json!({
        "version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": "AWS API Call via CloudTrail", "source": "aws.sts",
        "account": "111122223333", "time": "2026-11-20T10:02:11Z", "region": "us-east-1",
        "resources": [], "detail": assume_role()
    });
    assert!(matches(&envelope));
    let event = map(&envelope).unwrap();
    assert_eq!(event.session_id.as_deref(), Some("ASIAXNWLOPSADMIN0001"));
    assert_eq!(event.content.as_ref(), Some(&assume_role()));
}

#[test]
fn error_codes_classify_outcome() {
    let mut record = assume_role();
    for (code, expected) in [
        ("AccessDenied", Outcome::Denied),
        ("Client.UnauthorizedOperation", Outcome::Denied),
        ("AccessDeniedException", Outcome::Denied),
        ("InvalidClientTokenId", Outcome::Denied),
        ("ThrottlingException", Outcome::Failure),
        ("NoSuchEntity", Outcome::Failure),
    ] {
        record["errorCode"] = json!(code);
        assert_eq!(map(&record).unwrap().outcome, Some(expected), "{code}");
    }
}

#[test]
fn denial_reason_joins_code_and_message() {
    let mut record = assume_role();
    record["errorCode"] = json!("AccessDenied");
    record["errorMessage"] = json!("not authorized");
    let event = map(&record).unwrap();
    assert_eq!(
        event.reason.as_deref(),
        Some("AccessDenied: not authorized")
    );
}

#[test]
fn console_login_failure_without_code() {
    let record = json!({
        "eventVersion": "1.09", "eventTime": "2026-11-20T09:58:00Z",
        "eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin",
        "userIdentity": {"type": "IAMUser", "principalId": "AIDAXNWLCAROL000001",
            "accountId": "111122223333", "userName": "carol.diaz"},
        "responseElements": {"ConsoleLogin": "Failure"},
        "errorMessage": "Failed authentication",
        "eventID": "c1", "eventType": "AwsConsoleSignIn"
    });
    let event = map(&record).unwrap();
    assert_eq!(event.outcome, Some(Outcome::Failure));
    assert_eq!(event.reason.as_deref(), Some("Failed authentication"));
    assert_eq!(event.actor_id.as_deref(), Some("AIDAXNWLCAROL000001"));
    assert_eq!(event.actor_display.as_deref(), Some("carol.diaz"));
}

#[test]
fn empty_strings_and_nulls_are_absent() {
    let mut record = assume_role();
    record["requestParameters"] = Value::Null;
    record["responseElements"] = json!("");
    record["resources"] = json!("");
    record["sourceIPAddress"] = json!("ecs.amazonaws.com");
    let event = map(&record).unwrap();
    assert!(event.targets.is_empty());
    assert_eq!(event.client_ip, None);
}

#[test]
fn service_and_identity_center_actors() {
    let mut record = assume_role();
    record["userIdentity"] = json!({"type": "AWSService", "invokedBy": "ecs.amazonaws.com"});
    let event = map(&record).unwrap();
    assert_eq!(event.actor_id.as_deref(), Some("ecs.amazonaws.com"));
    assert_eq!(event.session_id, None);
    record["userIdentity"] = json!({"type": "IdentityCenterUser", "accountId": "111122223333",
        "onBehalfOf": {"userId": "94482488-3041-7026-18f3-be45837cd0e4",
            "identityStoreArn": "arn:aws:identitystore::111122223333:identitystore/d-9067230000"},
        "credentialId": "EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1fEXAMPLE"});
    let event = map(&record).unwrap();
    assert_eq!(
        event.actor_id.as_deref(),
        Some("94482488-3041-7026-18f3-be45837cd0e4")
    );
    assert_eq!(
        event.session_id.as_deref(),
        Some("EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1fEXAMPLE")
    );
}

#[test]
fn long_term_key_is_no_session() {
    let mut record = assume_role();
    record["userIdentity"] = json!({"type": "IAMUser", "principalId": "AIDAXNWLDAVE0000001",
        "arn": "arn:aws:iam::111122223333:user/dave.park", "accountId": "111122223333",
        "accessKeyId": "AKIAXNWLDAVE0000001", "userName": "dave.park"});
    let event = map(&record).unwrap();
    assert_eq!(event.session_id, None);
    assert_eq!(event.actor_display.as_deref(), Some("dave.park"));
    assert_eq!(
        event.links[0],
        Link::new("access_key", "AKIAXNWLDAVE0000001", LinkRole::Presented)
    );
}

#[test]
fn digest_and_insight_are_skipped() {
    let digest = json!({"awsAccountId": "111122223333", "digestStartTime": "2026-11-20T10:00:00Z",
        "digestEndTime": "2026-11-20T11:00:00Z", "digestS3Object": "AWSLogs/x.json.gz", "logFiles": []});
    assert!(matches(&digest));
    assert!(skip(&digest).unwrap().contains("digest"));
    let insight = json!({"eventVersion": "1.08", "eventTime": "2026-11-20T10:05:00Z",
        "eventType": "AwsCloudTrailInsight", "eventID": "i1", "eventCategory": "Insight",
        "insightDetails": {"state": "Start", "eventSource": "iam.amazonaws.com"}});
    assert!(matches(&insight));
    assert!(skip(&insight).unwrap().contains("Insights"));
    assert_eq!(skip(&assume_role()), None);
}

#[test]
fn okta_event_is_not_cloudtrail() {
    let okta = json!({"uuid": "u", "published": "2026-01-01T00:00:00Z", "eventType": "user.session.start"});
    assert!(!matches(&okta));
    assert!(map(&okta).is_err());
}

#[test]
fn records_object_is_named() {
    let record = json!({"Records": {"eventVersion": "1.08", "eventID": "x1",
        "eventTime": "2026-11-20T10:00:00Z", "eventSource": "s3.amazonaws.com"}});
    let err = map(&record).unwrap_err();
    assert!(
        err.contains("`Records` is an object, not an array"),
        "{err}"
    );
}
