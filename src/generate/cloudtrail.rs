//! AWS CloudTrail trail files as S3 delivers them: gzip-compressed `{"Records": [...]}`
//! objects under `AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/`.

use std::path::Path;

use chrono::{Duration, NaiveDateTime};
use serde_json::{Value, json};

use super::files::{Chunked, Envelope};
use super::org::{Clock, Identity, Kind, Org};
use super::rng::Rng;
use super::{Budget, DAYS, SourceSummary};
use crate::Result;

const ACCOUNT: &str = "111122223333";
const REGION: &str = "us-east-1";
/// Records per trail file. S3 delivers a file about every five minutes per region, so a
/// busy account's files hold hundreds to thousands of records.
const PER_FILE: usize = 2_000;
/// Calls in one role session, on average about half the maximum.
const MAX_CALLS: u64 = 24;
const ROLES: [&str; 6] = [
    "NorthwindReadOnly",
    "NorthwindDeploy",
    "NorthwindDataAnalyst",
    "NorthwindOpsAdmin",
    "NorthwindBilling",
    "NorthwindAgentRuntime",
];
const CALLS: [(&str, &str, &str); 8] = [
    ("s3.amazonaws.com", "GetObject", "AWS::S3::Object"),
    ("s3.amazonaws.com", "PutObject", "AWS::S3::Object"),
    (
        "ec2.amazonaws.com",
        "DescribeInstances",
        "AWS::EC2::Instance",
    ),
    ("iam.amazonaws.com", "ListRoles", "AWS::IAM::Role"),
    ("kms.amazonaws.com", "Decrypt", "AWS::KMS::Key"),
    (
        "secretsmanager.amazonaws.com",
        "GetSecretValue",
        "AWS::SecretsManager::Secret",
    ),
    ("lambda.amazonaws.com", "Invoke", "AWS::Lambda::Function"),
    ("dynamodb.amazonaws.com", "Query", "AWS::DynamoDB::Table"),
];

/// A role session: the temporary key an AssumeRole call issued, and the identity that uses it.
struct Session {
    role: &'static str,
    name: String,
    key: String,
    issuer_id: String,
}

pub fn write(
    root: &Path,
    org: &Org,
    events: u64,
    mut rng: Rng,
    start: NaiveDateTime,
) -> Result<SourceSummary> {
    let mut budget = Budget(events);
    let mut clock = Clock::new(start, DAYS, events / (MAX_CALLS / 2 + 1) + 1);
    let mut out = Chunked::new(
        root,
        Envelope::Wrapped {
            head: "{\"Records\":[",
            tail: "]}",
        },
        true,
        PER_FILE,
        Box::new(|index, ts| {
            format!(
                "AWSLogs/{ACCOUNT}/CloudTrail/{REGION}/{}/{ACCOUNT}_CloudTrail_{REGION}_{}Z_{index:010}.json.gz",
                ts.format("%Y/%m/%d"),
                ts.format("%Y%m%dT%H%M"),
            )
            .into()
        }),
    );
    while budget.left() > 0 {
        let actor = org.actor(&mut rng, None);
        let mut ts = clock.next_session();
        let mut caller = base_identity(actor);
        let mut session = assume_role(&mut out, &mut rng, &mut budget, &mut ts, &caller, actor)?;
        let calls = rng.between(1, MAX_CALLS);
        for call in 0..calls {
            let Some(current) = session.as_ref() else {
                break;
            };
            // Part way through, one session in ten chains into a second role.
            if call == calls / 2 && rng.chance(100) {
                caller = assumed_identity(current);
                session = assume_role(&mut out, &mut rng, &mut budget, &mut ts, &caller, actor)?;
                continue;
            }
            if !budget.take() {
                break;
            }
            ts += Duration::milliseconds(rng.between(200, 20_000) as i64);
            out.write(ts, &api_call(&mut rng, ts, current))?;
        }
    }
    Ok(SourceSummary {
        events,
        files: out.finish()?,
    })
}

/// Writes an AssumeRole call by `caller`; returns the session it created, or `None` when
/// the budget is spent.
fn assume_role(
    out: &mut Chunked,
    rng: &mut Rng,
    budget: &mut Budget,
    ts: &mut NaiveDateTime,
    caller: &Value,
    actor: &Identity,
) -> Result<Option<Session>> {
    if !budget.take() {
        return Ok(None);
    }
    *ts += Duration::milliseconds(rng.between(100, 5_000) as i64);
    let role = *rng.pick(&ROLES);
    let session = Session {
        role,
        name: session_name(actor),
        key: format!("ASIA{}", rng.alnum_upper(16)),
        issuer_id: format!("AROA{}", rng.alnum_upper(17)),
    };
    let role_arn = format!("arn:aws:iam::{ACCOUNT}:role/{role}");
    let mut record = envelope(rng, *ts, caller, "sts.amazonaws.com", "AssumeRole");
    record["requestParameters"] = json!({
        "roleArn": role_arn,
        "roleSessionName": session.name,
        "durationSeconds": 3600,
    });
    record["responseElements"] = json!({
        "credentials": {
            "accessKeyId": session.key,
            "sessionToken": format!("IQoJb3JpZ2luX2Vj{}", rng.alnum_upper(24)),
            "expiration": (*ts + Duration::hours(1)).format("%b %-d, %Y, %-I:%M:%S %p").to_string(),
        },
        "assumedRoleUser": {
            "assumedRoleId": format!("{}:{}", session.issuer_id, session.name),
            "arn": format!("arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{}", session.name),
        },
    });
    record["resources"] =
        json!([{"accountId": ACCOUNT, "type": "AWS::IAM::Role", "ARN": role_arn}]);
    record["readOnly"] = json!(true);
    out.write(*ts, &record)?;
    Ok(Some(session))
}

fn api_call(rng: &mut Rng, ts: NaiveDateTime, session: &Session) -> Value {
    let (source, name, resource_type) = *rng.pick(&CALLS);
    let caller = assumed_identity(session);
    let mut record = envelope(rng, ts, &caller, source, name);
    let resource = format!(
        "arn:aws:{}:{REGION}:{ACCOUNT}:nw-{}",
        &source[..source.find('.').unwrap_or(0)],
        rng.below(500)
    );
    record["requestParameters"] = json!({"resource": resource});
    record["resources"] = json!([{"accountId": ACCOUNT, "type": resource_type, "ARN": resource}]);
    record["readOnly"] =
        json!(name.starts_with("Get") || name.starts_with("Describe") || name.starts_with("List"));
    // About one call in twenty is denied, as a least-privilege role would see.
    if rng.chance(50) {
        record["errorCode"] = json!("AccessDenied");
        record["errorMessage"] = json!(format!(
            "User: arn:aws:sts::{ACCOUNT}:assumed-role/{}/{} is not authorized to perform: {}:{name}",
            session.role,
            session.name,
            &source[..source.find('.').unwrap_or(0)]
        ));
    }
    record
}

fn envelope(rng: &mut Rng, ts: NaiveDateTime, caller: &Value, source: &str, name: &str) -> Value {
    json!({
        "eventVersion": "1.09",
        "userIdentity": caller,
        "eventTime": ts.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "eventSource": source,
        "eventName": name,
        "awsRegion": REGION,
        "sourceIPAddress": format!("198.51.100.{}", rng.between(1, 254)),
        "userAgent": "aws-cli/2.22.4 md/awscrt#0.23.4 ua/2.0 os/linux#6.8.0 lang/python#3.12.6",
        "requestID": rng.uuid(),
        "eventID": rng.uuid(),
        "eventType": "AwsApiCall",
        "managementEvent": true,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    })
}

/// The identity that starts a session: a person through IAM Identity Center, a service
/// or an agent as an IAM user with a long-term key.
fn base_identity(actor: &Identity) -> Value {
    match actor.kind {
        Kind::Human => json!({
            "type": "AssumedRole",
            "principalId": format!("AROAXNWLSSOPLATENG01:{}", actor.user_name),
            "arn": format!("arn:aws:sts::{ACCOUNT}:assumed-role/AWSReservedSSO_Engineer_5f1e2d3c4b5a6978/{}", actor.user_name),
            "accountId": ACCOUNT,
            "accessKeyId": format!("ASIASSO{}", &actor.external_id[3..16].to_ascii_uppercase()),
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "principalId": "AROAXNWLSSOPLATENG01",
                    "arn": format!("arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Engineer_5f1e2d3c4b5a6978"),
                    "accountId": ACCOUNT,
                    "userName": "AWSReservedSSO_Engineer_5f1e2d3c4b5a6978",
                },
                "attributes": {"creationDate": "2026-11-01T00:00:00Z", "mfaAuthenticated": "false"},
            },
        }),
        Kind::Service | Kind::Agent => json!({
            "type": "IAMUser",
            "principalId": format!("AIDA{}", &actor.external_id[3..16].to_ascii_uppercase()),
            "arn": format!("arn:aws:iam::{ACCOUNT}:user/{}", actor.user_name),
            "accountId": ACCOUNT,
            "accessKeyId": format!("AKIA{}", &actor.external_id[3..16].to_ascii_uppercase()),
            "userName": actor.user_name,
        }),
    }
}

fn assumed_identity(session: &Session) -> Value {
    json!({
        "type": "AssumedRole",
        "principalId": format!("{}:{}", session.issuer_id, session.name),
        "arn": format!("arn:aws:sts::{ACCOUNT}:assumed-role/{}/{}", session.role, session.name),
        "accountId": ACCOUNT,
        "accessKeyId": session.key,
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": session.issuer_id,
                "arn": format!("arn:aws:iam::{ACCOUNT}:role/{}", session.role),
                "accountId": ACCOUNT,
                "userName": session.role,
            },
            "attributes": {"creationDate": "2026-11-01T00:00:00Z", "mfaAuthenticated": "false"},
        },
    })
}

/// The role session name: the user name up to any `@`.
fn session_name(actor: &Identity) -> String {
    let name = actor
        .user_name
        .split('@')
        .next()
        .unwrap_or(&actor.user_name);
    // AWS limits role session names to 64 characters of [\w+=,.@-].
    name.chars().take(64).collect()
}
