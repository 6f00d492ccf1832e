//! The SCIM snapshot: `ListResponse` pages of Users (people and service accounts) and
//! Agents, one file per page, as a paged `GET /Users` returns them.

use std::path::Path;

use chrono::{Duration, NaiveDateTime};
use serde_json::{Value, json};

use super::files::{Chunked, Envelope};
use super::org::{Identity, Kind, Org};
use super::{DAYS, SourceSummary};
use crate::Result;

const PER_PAGE: usize = 500;
const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const AGENT_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Agent";

pub fn write(root: &Path, org: &Org, start: NaiveDateTime) -> Result<SourceSummary> {
    let taken = start + Duration::days(DAYS);
    let mut files = 0;
    for (resource_type, agents) in [("Users", false), ("Agents", true)] {
        let members: Vec<&Identity> = org
            .identities
            .iter()
            .filter(|i| (i.kind == Kind::Agent) == agents)
            .collect();
        let mut out = Chunked::new(
            root,
            Envelope::Wrapped { head: "", tail: "" },
            false,
            1,
            Box::new(move |index, _| format!("scim/{resource_type}-{:04}.json", index + 1).into()),
        );
        for (page, chunk) in members.chunks(PER_PAGE).enumerate() {
            let resources: Vec<Value> = chunk
                .iter()
                .map(|identity| resource(identity, start, org.deactivated_at, taken))
                .collect();
            let response = json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                "totalResults": members.len(),
                "startIndex": page * PER_PAGE + 1,
                "itemsPerPage": chunk.len(),
                "Resources": resources,
            });
            out.write(taken, &response)?;
        }
        files += out.finish()?;
    }
    Ok(SourceSummary { events: 0, files })
}

fn resource(
    identity: &Identity,
    start: NaiveDateTime,
    deactivated: NaiveDateTime,
    taken: NaiveDateTime,
) -> Value {
    let modified = if identity.active { taken } else { deactivated };
    let time = |ts: NaiveDateTime| ts.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let (resource_type, plural) = match identity.kind {
        Kind::Agent => ("Agent", "Agents"),
        _ => ("User", "Users"),
    };
    let meta = json!({
        "resourceType": resource_type,
        "created": time(start - Duration::days(90)),
        "lastModified": time(modified),
        "location": format!("https://scim.northwind.example/scim/v2/{plural}/{}", identity.scim_id),
    });
    match identity.kind {
        Kind::Agent => json!({
            "schemas": [AGENT_SCHEMA],
            "id": identity.scim_id,
            "externalId": identity.external_id,
            "name": identity.user_name,
            "displayName": identity.display_name,
            "active": identity.active,
            "meta": meta,
        }),
        Kind::Human | Kind::Service => json!({
            "schemas": [USER_SCHEMA],
            "id": identity.scim_id,
            "externalId": identity.external_id,
            "userName": identity.user_name,
            "displayName": identity.display_name,
            "emails": [{"value": identity.user_name, "type": "work", "primary": true}],
            "active": identity.active,
            "userType": if identity.kind == Kind::Human { "Employee" } else { "Service" },
            "meta": meta,
        }),
    }
}
