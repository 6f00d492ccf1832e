//! Revocations as SCIM requests (RFC 7644): one PATCH per current revoke decision
//! (section 3.5.2) and the same operations as one Bulk request (section 3.7), for an
//! administrator to review and send to the identity provider.

use serde::Serialize;
use serde_json::{Value, json};

use crate::Result;
use crate::case::Case;

pub const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
pub const BULK_REQUEST: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

/// One PATCH request derived from a revoke decision.
#[derive(Debug, Clone, Serialize)]
pub struct PatchRequest {
    /// The `seq` of the decision it carries out.
    pub decision: i64,
    pub method: &'static str,
    /// Relative to the SCIM service's base URL.
    pub path: String,
    pub body: Value,
}

/// A revoke that no request can carry out, with the reason.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub decision: i64,
    pub identity_key: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Revocations {
    pub requests: Vec<PatchRequest>,
    pub skipped: Vec<Skipped>,
}

/// Each current revoke with the identity's type and id in its newest snapshot and, for a
/// revoked entitlement, the grant it names there.
const REVOKES_QUERY: &str = "
WITH revokes AS (
    SELECT * FROM (
        SELECT seq, identity_key, entitlement, verdict,
               row_number() OVER (PARTITION BY identity_key, coalesce(entitlement, '')
                                  ORDER BY seq DESC) AS newest
        FROM decisions
    ) WHERE newest = 1 AND verdict = 'revoke'
)
SELECT r.seq, r.identity_key, i.resource_type, i.scim_id, r.entitlement,
       arg_min(e.kind, e.kind), arg_min(e.value, e.kind)
FROM revokes r
JOIN current_identities i USING (identity_key)
LEFT JOIN entitlements e ON r.entitlement IS NOT NULL AND e.snapshot_id = i.snapshot_id
     AND e.identity_key = r.identity_key
     AND (lower(e.value) = lower(r.entitlement) OR lower(e.display) = lower(r.entitlement))
GROUP BY ALL
ORDER BY r.seq";

struct Revoke {
    seq: i64,
    identity_key: String,
    resource_type: String,
    scim_id: String,
    entitlement: Option<String>,
    kind: Option<String>,
    value: Option<String>,
}

/// Builds the PATCH requests of every current revoke decision.
pub fn revocations(case: &Case) -> Result<Revocations> {
    let mut stmt = case.conn().prepare(REVOKES_QUERY)?;
    let rows = stmt.query_map([], |row| {
        Ok(Revoke {
            seq: row.get(0)?,
            identity_key: row.get(1)?,
            resource_type: row.get(2)?,
            scim_id: row.get(3)?,
            entitlement: row.get(4)?,
            kind: row.get(5)?,
            value: row.get(6)?,
        })
    })?;
    let mut out = Revocations::default();
    for row in rows {
        let revoke = row?;
        match request_for(&revoke) {
            Ok(request) => out.requests.push(request),
            Err(reason) => out.skipped.push(Skipped {
                decision: revoke.seq,
                identity_key: revoke.identity_key,
                reason,
            }),
        }
    }
    Ok(out)
}

fn request_for(revoke: &Revoke) -> std::result::Result<PatchRequest, String> {
    let own_path = format!(
        "/{}/{}",
        path_segment(&endpoint(&revoke.resource_type))?,
        path_segment(&revoke.scim_id)?
    );
    let (path, operation) = match (&revoke.entitlement, revoke.kind.as_deref()) {
        (None, _) if revoke.resource_type == "Group" => {
            return Err(
                "a Group has no active attribute; revoke its members' memberships instead".into(),
            );
        }
        (None, _) => (
            own_path,
            json!({ "op": "replace", "path": "active", "value": false }),
        ),
        (Some(_), Some("group")) => {
            let group = revoke.value.as_deref().unwrap_or_default();
            (
                format!("/Groups/{}", path_segment(group)?),
                json!({ "op": "remove", "path": value_path("members", &revoke.scim_id) }),
            )
        }
        (Some(_), Some(kind @ ("role" | "entitlement"))) => {
            let attribute = if kind == "role" {
                "roles"
            } else {
                "entitlements"
            };
            let value = revoke.value.clone().unwrap_or_default();
            (
                own_path,
                json!({ "op": "remove", "path": value_path(attribute, &value) }),
            )
        }
        (Some(entitlement), _) => {
            return Err(format!(
                "the newest snapshot no longer shows {entitlement:?} on the identity"
            ));
        }
    };
    Ok(PatchRequest {
        decision: revoke.seq,
        method: "PATCH",
        path,
        body: json!({ "schemas": [PATCH_OP], "Operations": [operation] }),
    })
}

/// Returns the endpoint of a resource type. RFC 7644 names `/Users` and `/Groups`, and
/// other types are assumed to follow the same plural form (`Agent` to `/Agents`).
fn endpoint(resource_type: &str) -> String {
    format!("{resource_type}s")
}

/// Percent-encodes an id as one path segment, keeping only the unreserved characters of
/// RFC 3986 section 2.3, so an id holding `/`, `?`, `#` or `..` cannot address another
/// resource when the request is replayed. An empty id or a dot segment names no resource
/// of its own even when encoded, since servers may decode `%2E` before resolving it.
fn path_segment(id: &str) -> std::result::Result<String, String> {
    if id.is_empty() || id == "." || id == ".." {
        return Err(format!(
            "the SCIM id {id:?} cannot be written as a path segment"
        ));
    }
    let mut out = String::with_capacity(id.len());
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    Ok(out)
}

/// `attribute[value eq "..."]`, the value written as a JSON string as the filter grammar
/// of RFC 7644 section 3.4.2.2 requires, so quotes and backslashes are escaped.
fn value_path(attribute: &str, value: &str) -> String {
    let quoted = serde_json::to_string(value).unwrap_or_else(|_| "\"\"".to_string());
    format!("{attribute}[value eq {quoted}]")
}

/// Wraps the requests in one Bulk request, each operation named by its decision.
pub fn bulk_request(revocations: &Revocations) -> Value {
    let operations: Vec<Value> = revocations
        .requests
        .iter()
        .map(|r| {
            json!({
                "method": r.method,
                "bulkId": format!("decision-{}", r.decision),
                "path": r.path,
                "data": r.body,
            })
        })
        .collect();
    json!({
        "schemas": [BULK_REQUEST],
        "failOnErrors": 1,
        "Operations": operations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn revoke(kind: Option<&str>, entitlement: Option<&str>) -> Revoke {
        Revoke {
            seq: 1,
            identity_key: "User/u-1".into(),
            resource_type: "User".into(),
            scim_id: "u-1".into(),
            entitlement: entitlement.map(String::from),
            kind: kind.map(String::from),
            value: entitlement.map(String::from),
        }
    }

    #[test]
    fn identity_revoke_deactivates() {
        let request = request_for(&revoke(None, None)).unwrap();
        assert_eq!(request.path, "/Users/u-1");
        assert_eq!(request.body["Operations"][0]["path"], "active");
        assert_eq!(request.body["Operations"][0]["value"], false);
    }

    #[test]
    fn group_revoke_removes_member() {
        let request = request_for(&revoke(Some("group"), Some("g-1"))).unwrap();
        assert_eq!(request.path, "/Groups/g-1");
        assert_eq!(
            request.body["Operations"][0]["path"],
            "members[value eq \"u-1\"]"
        );
    }

    #[test]
    fn hostile_id_is_one_segment() {
        let mut hostile = revoke(None, None);
        hostile.scim_id = "../Groups/admins?attributes=x#frag".into();
        let request = request_for(&hostile).unwrap();
        assert_eq!(
            request.path,
            "/Users/..%2FGroups%2Fadmins%3Fattributes%3Dx%23frag"
        );
    }

    #[test]
    fn space_and_unicode_are_encoded() {
        assert_eq!(path_segment("a b/c").unwrap(), "a%20b%2Fc");
        assert_eq!(path_segment("é~").unwrap(), "%C3%A9~");
    }

    #[test]
    fn hostile_group_id_is_encoded() {
        let request = request_for(&revoke(Some("group"), Some("g/../x"))).unwrap();
        assert_eq!(request.path, "/Groups/g%2F..%2Fx");
    }

    #[test]
    fn dot_segment_id_is_skipped() {
        let mut dots = revoke(None, None);
        dots.scim_id = "..".into();
        let err = request_for(&dots).unwrap_err();
        assert!(err.contains("cannot be written as a path segment"), "{err}");
    }

    #[test]
    fn filter_value_is_escaped() {
        assert_eq!(value_path("roles", "a\"b"), "roles[value eq \"a\\\"b\"]");
    }

    #[test]
    fn vanished_entitlement_is_skipped() {
        let err = request_for(&revoke(None, Some("gone"))).unwrap_err();
        assert!(err.contains("no longer shows"), "{err}");
    }
}
