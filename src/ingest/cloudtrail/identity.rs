//! The actor of a CloudTrail call (`userIdentity`), its credential, and the identifiers
//! that tie a role session to the call that created it.

use serde_json::Value;

use super::last_segment;
use crate::ingest::event::{Link, LinkRole, MappedEvent};
use crate::ingest::fields::text;

/// Sets the actor. The ARN is the id, because analysts search for it and IAM policies name
/// it. The principal id (`AIDA...`, `AROA...:session`) is the alternate id. Identities
/// without an ARN (SAML and web identity users, `AWSAccount`) fall back to the principal id
/// and then the user name. An AWS service is named by `invokedBy`, and an IAM Identity
/// Center user by its identity store user id.
pub fn set_actor(event: &mut MappedEvent, user: &Value) {
    let kind = text(user, &["type"]);
    event.actor_type = kind.clone();
    match kind.as_deref() {
        Some("AWSService") => {
            event.actor_id = text(user, &["invokedBy"]);
            event.actor_display = event.actor_id.clone();
            return;
        }
        Some("IdentityCenterUser") => {
            event.actor_id = text(user, &["onBehalfOf", "userId"]);
            event.actor_alt_id = text(user, &["onBehalfOf", "identityStoreArn"]);
            event.actor_display = event.actor_id.clone();
            return;
        }
        _ => {}
    }
    let candidates = [
        text(user, &["arn"]),
        text(user, &["principalId"]),
        text(user, &["userName"]),
        text(user, &["accountId"]),
    ];
    let mut present = candidates.into_iter().flatten();
    event.actor_id = present.next();
    event.actor_alt_id = present.next();
    event.actor_display = display(kind.as_deref(), user);
}

/// Returns the role session name for an assumed role, else the user name, else the end of
/// the ARN (`root`, a federated user's name).
fn display(kind: Option<&str>, user: &Value) -> Option<String> {
    let arn = text(user, &["arn"]);
    if kind == Some("AssumedRole") {
        return arn
            .as_deref()
            .map(|a| last_segment(a).to_string())
            .or_else(|| {
                text(user, &["principalId"])
                    .and_then(|id| id.split_once(':').map(|(_, session)| session.to_string()))
            });
    }
    text(user, &["userName"]).or_else(|| arn.as_deref().map(|a| last_segment(a).to_string()))
}

/// Returns the temporary access key (`ASIA...`) of a role or federated session, or the
/// bearer credential of an IAM Identity Center user. A long-term key (`AKIA...`) names a
/// key, not a session, so it is only a link.
pub fn session(user: &Value) -> Option<String> {
    if text(user, &["type"]).as_deref() == Some("IdentityCenterUser") {
        return text(user, &["credentialId"]);
    }
    let key = text(user, &["accessKeyId"])?;
    let temporary = key.starts_with("ASIA")
        || user
            .pointer("/sessionContext/attributes/creationDate")
            .is_some();
    temporary.then_some(key)
}

/// Collects the credential hand-offs and session identifiers:
/// - `access_key` presented: the key that signed the call;
/// - `access_key` issued: the key an STS call (`credentials`) or `CreateAccessKey`
///   (`accessKey`) returned, which later calls present;
/// - `session_issuer` own: the role (or user) whose session made the call;
/// - `role_session` own: an assumed role's principal id, `AROA...:session-name`;
/// - `session_created` own: when the session's credentials were issued;
/// - `source_identity` own: the source identity set on the first role and kept through
///   role chaining, from the session or from the request that sets it;
/// - `identity_center_user` own: the IAM Identity Center user a call is made for.
pub fn links(ct: &Value, user: &Value) -> Vec<Link> {
    let mut links = Vec::new();
    let mut add = |kind: &'static str, value: Option<String>, role: LinkRole| {
        if let Some(value) = value {
            let link = Link::new(kind, value, role);
            if !links.contains(&link) {
                links.push(link);
            }
        }
    };
    add(
        "access_key",
        text(user, &["accessKeyId"]),
        LinkRole::Presented,
    );
    add(
        "access_key",
        text(ct, &["responseElements", "credentials", "accessKeyId"]),
        LinkRole::Issued,
    );
    add(
        "access_key",
        text(ct, &["responseElements", "accessKey", "accessKeyId"]),
        LinkRole::Issued,
    );
    add(
        "session_issuer",
        text(user, &["sessionContext", "sessionIssuer", "arn"]),
        LinkRole::Own,
    );
    if text(user, &["type"]).as_deref() == Some("AssumedRole") {
        add("role_session", text(user, &["principalId"]), LinkRole::Own);
    }
    add(
        "session_created",
        text(user, &["sessionContext", "attributes", "creationDate"]),
        LinkRole::Own,
    );
    add(
        "source_identity",
        text(user, &["sessionContext", "sourceIdentity"]),
        LinkRole::Own,
    );
    add(
        "source_identity",
        text(ct, &["requestParameters", "sourceIdentity"]),
        LinkRole::Own,
    );
    add(
        "identity_center_user",
        text(user, &["onBehalfOf", "userId"]),
        LinkRole::Own,
    );
    links
}
