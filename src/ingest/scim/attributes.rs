//! Multi-valued attributes, extensions and the identifiers other systems know a resource
//! by. Attribute names are compared without regard to case (RFC 7643 section 2.1), and
//! `null`, `[]` and a missing attribute all mean unassigned.

use serde_json::{Map, Value};

use crate::ingest::fields::{as_text, get_ci, text_ci};

/// One value of a multi-valued attribute.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MultiValue {
    pub value: String,
    pub display: Option<String>,
    /// The `type` sub-attribute (`work`, `User`, `Group`, ...).
    pub kind: Option<String>,
    pub reference: Option<String>,
    pub primary: bool,
}

/// Reads the values of a multi-valued attribute. Plain strings count as values; items
/// without a value are left out.
pub fn multi_values(resource: &Value, name: &str) -> Vec<MultiValue> {
    let Some(items) = get_ci(resource, name).and_then(Value::as_array) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| match item {
            Value::Object(_) => Some(MultiValue {
                value: text_ci(item, "value")?,
                display: text_ci(item, "display"),
                kind: text_ci(item, "type"),
                reference: text_ci(item, "$ref"),
                primary: is_primary(item),
            }),
            other => Some(MultiValue {
                value: as_text(other)?,
                ..MultiValue::default()
            }),
        })
        .collect()
}

/// True when an item's `primary` is true, as a boolean or as the string "true".
pub fn is_primary(item: &Value) -> bool {
    match get_ci(item, "primary") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// Notes every multi-valued attribute, at the top level or inside an extension, that
/// marks more than one value primary. RFC 7643 section 2.4 allows one; the first in
/// document order is treated as the primary value, and the others as not primary.
pub fn check_primaries(resource: &Value, id: &str, notes: &mut Vec<String>) {
    let Some(object) = resource.as_object() else {
        return;
    };
    for (name, value) in object {
        match value {
            Value::Array(items) => note_primaries(items, name, id, notes),
            Value::Object(inner) if is_urn(name) => {
                for (sub, value) in inner {
                    if let Value::Array(items) = value {
                        note_primaries(items, &format!("{name}:{sub}"), id, notes);
                    }
                }
            }
            _ => {}
        }
    }
}

fn note_primaries(items: &[Value], name: &str, id: &str, notes: &mut Vec<String>) {
    let marked: Vec<usize> = items
        .iter()
        .enumerate()
        .filter(|(_, item)| is_primary(item))
        .map(|(i, _)| i)
        .collect();
    if marked.len() > 1 {
        notes.push(format!(
            "resource {id}: {name} marks {} values primary (positions {}); the first is kept as primary",
            marked.len(),
            marked
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
}

/// Returns the index of the primary value: the first marked primary, else the first.
pub fn primary_index(values: &[MultiValue]) -> Option<usize> {
    values
        .iter()
        .position(|v| v.primary)
        .or((!values.is_empty()).then_some(0))
}

/// Collects the extension containers of a resource, keyed by their schema URN. The key is written
/// as the resource's `schemas` array spells it when one matches without regard to case,
/// so that differently cased containers of one extension end up under one key.
pub fn extensions(resource: &Value, schemas: &[String]) -> Map<String, Value> {
    let mut out = Map::new();
    let Some(object) = resource.as_object() else {
        return out;
    };
    for (name, value) in object {
        if !is_urn(name) || !value.is_object() {
            continue;
        }
        let key = schemas
            .iter()
            .find(|s| s.eq_ignore_ascii_case(name))
            .cloned()
            .unwrap_or_else(|| name.clone());
        out.insert(key, value.clone());
    }
    out
}

fn is_urn(name: &str) -> bool {
    // `get` rather than slicing: a key from evidence may put a multi-byte character
    // across byte 4.
    name.len() > 4
        && name
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("urn:"))
}

/// Identifiers that audit logs name a resource by, found by attribute name at the top
/// level and inside extensions: OAuth client ids, OIDC or SPIFFE subjects, role session
/// names, and any value that is a cloud ARN. Returns (kind, value) pairs.
///
/// NOTE: the agent drafts in circulation spell these attributes differently (`clientId`,
/// `oAuthClientIds`, ...), so the match is on parts of the name, not on one spelling.
pub fn identifiers(resource: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(object) = resource.as_object() else {
        return out;
    };
    for (name, value) in object {
        if is_urn(name) {
            if let Some(inner) = value.as_object() {
                for (sub, value) in inner {
                    collect_identifier(sub, value, &mut out);
                }
            }
        } else {
            collect_identifier(name, value, &mut out);
        }
    }
    out.sort();
    out.dedup();
    out
}

fn collect_identifier(name: &str, value: &Value, out: &mut Vec<(String, String)>) {
    let lower = name.to_ascii_lowercase();
    let kind = if lower.contains("clientid") {
        Some("clientId")
    } else if lower.contains("sessionname") {
        Some("roleSessionName")
    } else if lower == "subject" || lower.ends_with("subject") || lower == "sub" {
        Some("subject")
    } else {
        None
    };
    for text in texts(value) {
        if is_arn(&text) {
            out.push(("arn".to_string(), text));
        } else if let Some(kind) = kind {
            out.push((kind.to_string(), text));
        }
    }
}

/// True for `arn:partition:service:region:account:resource`.
fn is_arn(text: &str) -> bool {
    text.starts_with("arn:") && text.matches(':').count() >= 5 && !text.contains(' ')
}

/// Returns the text of a value, of each item of an array, or of an object's `value`.
fn texts(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().flat_map(texts).collect(),
        Value::Object(_) => text_ci(value, "value").into_iter().collect(),
        other => as_text(other).into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn urn_check_multibyte_key() {
        assert!(!is_urn("urn\u{1a0}etf:params:scim"));
        assert!(!is_urn("ur\u{1a0}:x"));
        assert!(is_urn(
            "URN:ietf:params:scim:schemas:extension:enterprise:2.0:User"
        ));
    }

    #[test]
    fn empty_forms_are_unassigned() {
        for resource in [
            json!({}),
            json!({"emails": null}),
            json!({"emails": []}),
            json!({"emails": [{"value": ""}]}),
        ] {
            assert!(multi_values(&resource, "emails").is_empty(), "{resource}");
        }
    }

    #[test]
    fn sub_attributes_ignore_case() {
        let values = multi_values(
            &json!({"Members": [{"VALUE": "g1", "Type": "Group", "$Ref": "../Groups/g1"}]}),
            "members",
        );
        assert_eq!(values[0].value, "g1");
        assert_eq!(values[0].kind.as_deref(), Some("Group"));
        assert_eq!(values[0].reference.as_deref(), Some("../Groups/g1"));
    }

    #[test]
    fn second_primary_is_noted() {
        let resource = json!({"emails": [
            {"value": "a@example.com", "primary": true},
            {"value": "b@example.com", "primary": "True"}]});
        let mut notes = Vec::new();
        check_primaries(&resource, "u1", &mut notes);
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("positions 0, 1"), "{}", notes[0]);
        let values = multi_values(&resource, "emails");
        assert_eq!(primary_index(&values), Some(0));
    }

    #[test]
    fn primary_defaults_to_first() {
        let values = multi_values(
            &json!({"emails": ["a@example.com", "b@example.com"]}),
            "emails",
        );
        assert_eq!(primary_index(&values), Some(0));
    }

    #[test]
    fn extension_key_follows_schemas() {
        let urn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
        let resource = json!({"URN:IETF:params:scim:schemas:extension:enterprise:2.0:user": {"department": "R&D"},
            "urn:example:params:scim:schemas:extension:northwind:2.0:User": {"costCenter": "42"}});
        let found = extensions(&resource, &[urn.to_string()]);
        assert_eq!(found[urn]["department"], "R&D");
        assert!(found.contains_key("urn:example:params:scim:schemas:extension:northwind:2.0:User"));
    }

    #[test]
    fn identifiers_by_name_and_arn() {
        let resource = json!({
            "subject": "spiffe://northwind.example/agents/triage",
            "oAuthClientIds": ["0oa1clientid", {"value": "0oa2clientid"}],
            "urn:example:params:scim:schemas:extension:cloud:2.0:Agent": {
                "roleArn": "arn:aws:iam::111122223333:role/triage",
                "roleSessionName": "triage-run"
            },
            "displayName": "arn: not a field name rule"
        });
        let found = identifiers(&resource);
        assert!(found.contains(&("clientId".into(), "0oa1clientid".into())));
        assert!(found.contains(&("clientId".into(), "0oa2clientid".into())));
        assert!(found.contains(&(
            "subject".into(),
            "spiffe://northwind.example/agents/triage".into()
        )));
        assert!(found.contains(&("arn".into(), "arn:aws:iam::111122223333:role/triage".into())));
        assert!(found.contains(&("roleSessionName".into(), "triage-run".into())));
        assert_eq!(found.len(), 5, "{found:?}");
    }
}
