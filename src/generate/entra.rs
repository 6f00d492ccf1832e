//! Microsoft Entra sign-in and audit logs as Microsoft Graph pages
//! (`{"@odata.context": ..., "value": [...], "@odata.nextLink": ...}`), one file per page.

use std::path::Path;

use chrono::{Duration, NaiveDateTime};
use serde_json::{Value, json};

use super::files::{Chunked, Envelope};
use super::org::{Clock, Identity, Kind, Org};
use super::rng::Rng;
use super::{Budget, DAYS, SourceSummary};
use crate::Result;

/// Records per page. Graph returns at most 1,000 sign-ins per page with `$top`.
const PER_PAGE: usize = 1_000;
const APPS: [(&str, &str); 4] = [
    ("c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "Azure Portal"),
    (
        "00000002-0000-0ff1-ce00-000000000000",
        "Office 365 Exchange Online",
    ),
    ("00000003-0000-0000-c000-000000000000", "Microsoft Graph"),
    (
        "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
        "Microsoft Azure CLI",
    ),
];
const ACTIVITIES: [(&str, &str, &str); 4] = [
    ("Add member to group", "GroupManagement", "Group"),
    ("Update user", "UserManagement", "User"),
    (
        "Add owner to application",
        "ApplicationManagement",
        "Application",
    ),
    (
        "Add app role assignment to service principal",
        "ApplicationManagement",
        "ServicePrincipal",
    ),
];

fn pages(kind: &'static str, root: &Path) -> Chunked {
    let (head, tail) = match kind {
        "signins" => (
            "{\"@odata.context\":\"https://graph.microsoft.com/beta/$metadata#auditLogs/signIns\",\"value\":[",
            "],\"@odata.nextLink\":\"https://graph.microsoft.com/beta/auditLogs/signIns?$skiptoken=next\"}",
        ),
        _ => (
            "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits\",\"value\":[",
            "],\"@odata.nextLink\":\"https://graph.microsoft.com/v1.0/auditLogs/directoryAudits?$skiptoken=next\"}",
        ),
    };
    Chunked::new(
        root,
        Envelope::Wrapped { head, tail },
        false,
        PER_PAGE,
        Box::new(move |index, _| {
            format!("entra/{kind}/page-{:06}.json", index / PER_PAGE + 1).into()
        }),
    )
}

/// Writes interactive sign-ins: sessions of several token requests sharing a session id.
pub fn write_signins(
    root: &Path,
    org: &Org,
    events: u64,
    mut rng: Rng,
    start: NaiveDateTime,
) -> Result<SourceSummary> {
    let mut budget = Budget(events);
    let mut clock = Clock::new(start, DAYS, events / 3 + 1);
    let mut out = pages("signins", root);
    while budget.left() > 0 {
        let actor = org.actor(&mut rng, None);
        let mut ts = clock.next_session();
        let session = rng.uuid();
        for request in 0..rng.between(1, 5) {
            if !budget.take() {
                break;
            }
            ts += Duration::milliseconds(rng.between(1_000, 300_000) as i64);
            let record = signin(&mut rng, ts, actor, &session, request == 0);
            let blocked = record["status"]["errorCode"] == 53003;
            out.write(ts, &record)?;
            if blocked {
                break;
            }
        }
    }
    Ok(SourceSummary {
        events,
        files: out.finish()?,
    })
}

fn signin(
    rng: &mut Rng,
    ts: NaiveDateTime,
    actor: &Identity,
    session: &str,
    interactive: bool,
) -> Value {
    let (app_id, app_name) = *rng.pick(&APPS);
    // Conditional Access blocks about one sign-in in forty (error 53003).
    let (code, reason, ca_result) = if rng.chance(25) {
        (
            53003,
            "Access has been blocked by Conditional Access policies.",
            "failure",
        )
    } else {
        (0, "Other.", "success")
    };
    let agent = match actor.kind {
        Kind::Agent => {
            json!({"agentType": "agenticAppInstance", "agentSubjectType": "agentIDuser", "agentSubjectParentId": null})
        }
        _ => {
            json!({"agentType": "notAgentic", "agentSubjectType": "notAgentic", "agentSubjectParentId": null})
        }
    };
    json!({
        "id": rng.uuid(),
        "createdDateTime": graph_time(ts),
        "userDisplayName": actor.display_name,
        "userPrincipalName": actor.user_name,
        "userId": actor.scim_id,
        "appId": app_id,
        "appDisplayName": app_name,
        "ipAddress": format!("198.51.100.{}", rng.between(1, 254)),
        "clientAppUsed": "Browser",
        "correlationId": rng.uuid(),
        "conditionalAccessStatus": ca_result,
        "isInteractive": interactive,
        "sessionId": session,
        "uniqueTokenIdentifier": rng.alnum_upper(22),
        "originalRequestId": rng.uuid(),
        "resourceDisplayName": "Microsoft Graph",
        "resourceId": "00000003-0000-0000-c000-000000000000",
        "status": {"errorCode": code, "failureReason": reason, "additionalDetails": null},
        "signInEventTypes": [if interactive { "interactiveUser" } else { "nonInteractiveUser" }],
        "appliedConditionalAccessPolicies": [{"id": "ca-mfa", "displayName": "Require MFA", "result": ca_result}],
        "agent": agent,
    })
}

/// Writes directory audit records, each an administrator changing a user or group.
pub fn write_audits(
    root: &Path,
    org: &Org,
    events: u64,
    mut rng: Rng,
    start: NaiveDateTime,
) -> Result<SourceSummary> {
    let mut budget = Budget(events);
    let mut clock = Clock::new(start, DAYS, events + 1);
    let mut out = pages("audits", root);
    while budget.take() {
        let actor = org.actor(&mut rng, Some(Kind::Human));
        let target = org.actor(&mut rng, None);
        let ts = clock.next_session() + Duration::milliseconds(rng.below(60_000) as i64);
        out.write(ts, &audit(&mut rng, ts, actor, target))?;
    }
    Ok(SourceSummary {
        events,
        files: out.finish()?,
    })
}

fn audit(rng: &mut Rng, ts: NaiveDateTime, actor: &Identity, target: &Identity) -> Value {
    let (activity, category, target_type) = *rng.pick(&ACTIVITIES);
    let correlation = rng.uuid();
    // Directory writes fail rarely, about one in a hundred.
    let result = if rng.chance(10) { "failure" } else { "success" };
    json!({
        "id": format!("Directory_{correlation}_{}", rng.alnum_upper(5)),
        "category": category,
        "correlationId": correlation,
        "result": result,
        "resultReason": "",
        "activityDisplayName": activity,
        "activityDateTime": graph_time(ts),
        "loggedByService": "Core Directory",
        "operationType": "Update",
        "initiatedBy": {
            "user": {
                "id": actor.scim_id,
                "displayName": actor.display_name,
                "userPrincipalName": actor.user_name,
                "ipAddress": format!("203.0.113.{}", rng.between(1, 254)),
            },
            "app": null,
        },
        "targetResources": [{
            "id": target.scim_id,
            "displayName": target.display_name,
            "type": target_type,
            "userPrincipalName": target.user_name,
            "modifiedProperties": [],
        }],
        "additionalDetails": [],
    })
}

/// Graph's time form: seven fractional digits and `Z`.
fn graph_time(ts: NaiveDateTime) -> String {
    format!("{}0Z", ts.format("%Y-%m-%dT%H:%M:%S%.6f"))
}
