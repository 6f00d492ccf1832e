//! Okta System Log events as NDJSON, as `/api/v1/logs` pages are commonly saved.

use std::path::Path;

use chrono::{Duration, NaiveDateTime};
use serde_json::{Value, json};

use super::files::{Chunked, Envelope};
use super::org::{Clock, Identity, Org};
use super::rng::Rng;
use super::{Budget, DAYS, SourceSummary};
use crate::Result;

const PER_FILE: usize = 100_000;
const APPS: [&str; 5] = [
    "Slack",
    "GitHub",
    "AWS IAM Identity Center",
    "Salesforce",
    "Jira",
];

pub fn write(
    root: &Path,
    org: &Org,
    events: u64,
    mut rng: Rng,
    start: NaiveDateTime,
) -> Result<SourceSummary> {
    let mut budget = Budget(events);
    let mut clock = Clock::new(start, DAYS, events / 4 + 1);
    let mut out = Chunked::new(
        root,
        Envelope::Ndjson,
        false,
        PER_FILE,
        Box::new(|index, _| format!("okta/system-log-{:04}.ndjson", index / PER_FILE + 1).into()),
    );
    while budget.take() {
        let actor = org.actor(&mut rng, None);
        let mut ts = clock.next_session();
        let session = format!("102{}", rng.alnum_upper(22));
        // One sign-in in twenty fails its password check and ends the session there.
        let failed = rng.chance(50);
        let (result, reason) = if failed {
            ("FAILURE", Some("INVALID_CREDENTIALS"))
        } else {
            ("SUCCESS", None)
        };
        let login = event(
            &mut rng,
            ts,
            actor,
            &session,
            "user.session.start",
            result,
            reason,
            None,
        );
        out.write(ts, &login)?;
        if failed {
            continue;
        }
        for _ in 0..rng.between(1, 6) {
            if !budget.take() {
                break;
            }
            ts += Duration::milliseconds(rng.between(500, 60_000) as i64);
            let app = *rng.pick(&APPS);
            // Sign-on policy denies about one app access in fifty.
            let record = if rng.chance(20) {
                event(
                    &mut rng,
                    ts,
                    actor,
                    &session,
                    "policy.evaluate_sign_on",
                    "DENY",
                    Some("Sign-on policy"),
                    Some(app),
                )
            } else {
                event(
                    &mut rng,
                    ts,
                    actor,
                    &session,
                    "user.authentication.sso",
                    "SUCCESS",
                    None,
                    Some(app),
                )
            };
            out.write(ts, &record)?;
        }
    }
    Ok(SourceSummary {
        events,
        files: out.finish()?,
    })
}

#[allow(clippy::too_many_arguments)]
fn event(
    rng: &mut Rng,
    ts: NaiveDateTime,
    actor: &Identity,
    session: &str,
    event_type: &str,
    result: &str,
    reason: Option<&str>,
    app: Option<&str>,
) -> Value {
    let target = app
        .map(|app| {
            json!([{
                "id": format!("0oa{}", rng.alnum_upper(17).to_ascii_lowercase()),
                "type": "AppInstance",
                "alternateId": app,
                "displayName": app,
            }])
        })
        .unwrap_or_else(|| json!([]));
    json!({
        "uuid": rng.uuid(),
        "published": ts.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        "eventType": event_type,
        "version": "0",
        "severity": if result == "SUCCESS" { "INFO" } else { "WARN" },
        "displayMessage": event_type,
        "actor": {
            "id": actor.external_id,
            "type": "User",
            "alternateId": actor.user_name,
            "displayName": actor.display_name,
        },
        "client": {
            "userAgent": {"rawUserAgent": "Mozilla/5.0 (X11; Linux x86_64)", "os": "Linux", "browser": "FIREFOX"},
            "ipAddress": format!("203.0.113.{}", rng.between(1, 254)),
        },
        "authenticationContext": {"externalSessionId": session},
        "outcome": {"result": result, "reason": reason},
        "debugContext": {"debugData": {"requestId": rng.alnum_upper(27)}},
        "transaction": {"type": "WEB", "id": rng.alnum_upper(27)},
        "target": target,
    })
}
