//! SCIM resources (RFC 7643) as snapshots hold them: bare resources, ListResponse pages,
//! and recorded HTTP exchanges that wrap a resource in `response`.

mod attributes;
mod certificate;
mod definitions;

use chrono::NaiveDateTime;
use serde_json::{Map, Value};

use super::fields::{as_text, get_ci, text_ci};
use super::timestamp;
use crate::model::IdentityKind;

pub use attributes::MultiValue;
pub use certificate::CertificateInfo;
pub use definitions::Definitions;

const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
const ENTERPRISE_SCHEMA: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const MESSAGE_PREFIX: &str = "urn:ietf:params:scim:api:messages:2.0:";

/// One SCIM resource, flattened for the identity tables.
#[derive(Debug, Clone)]
pub struct Resource {
    pub identity_key: String,
    pub resource_type: String,
    pub scim_id: String,
    pub external_id: Option<String>,
    pub user_name: Option<String>,
    pub display_name: Option<String>,
    pub kind: IdentityKind,
    pub user_type: Option<String>,
    pub active: Option<bool>,
    pub owner: Option<String>,
    pub created: Option<NaiveDateTime>,
    pub last_modified: Option<NaiveDateTime>,
    pub version: Option<String>,
    pub schemas: Vec<String>,
    pub emails: Vec<String>,
    /// The email marked primary, else the first one.
    pub primary_email: Option<String>,
    pub employee_number: Option<String>,
    pub department: Option<String>,
    /// Extension containers keyed by schema URN, unknown extensions included.
    pub extensions: Map<String, Value>,
    /// The protocols an agent speaks (`protocols`), as plain values or `value`s.
    pub protocols: Vec<String>,
    pub raw: String,
    /// (relation, value): manager, owner, sponsor, parent.
    pub relations: Vec<(String, String)>,
    /// Each group member, with `type` (User or Group) and `$ref`.
    pub members: Vec<MultiValue>,
    /// (kind, value, display, granted_via) of each role, entitlement or listed group.
    pub entitlements: Vec<(String, String, Option<String>, String)>,
    pub certificates: Vec<Certificate>,
    /// (kind, value) identifiers that audit logs may name the resource by: clientId,
    /// subject, arn, roleSessionName.
    pub identifiers: Vec<(String, String)>,
}

/// One `x509Certificates` value: what its DER held, or why it could not be read.
#[derive(Debug, Clone)]
pub struct Certificate {
    pub position: i64,
    pub primary: bool,
    pub display: Option<String>,
    pub info: Option<CertificateInfo>,
    pub error: Option<String>,
}

/// The content of one record of a SCIM file.
#[derive(Debug)]
pub enum Item {
    Resource(Box<Resource>),
    /// A message that carries no resource state (a PatchOp or Bulk request, a Bulk
    /// response, an error), with a note saying so.
    Skipped(String),
}

/// The outcome of reading one record: its items and notes on non-conformant values.
#[derive(Debug, Default)]
pub struct Parsed {
    pub items: Vec<Item>,
    pub notes: Vec<String>,
    /// Each ListResponse page the record held.
    pub pages: Vec<ListPage>,
}

/// One ListResponse page: the `totalResults` it claims and the resources it holds.
#[derive(Debug, Clone)]
pub struct ListPage {
    pub total_results: Option<i64>,
    /// The resource types of its resources, which tell pages of one listing from others.
    pub resource_types: std::collections::BTreeSet<String>,
    pub identity_keys: Vec<String>,
}

/// True when `value` looks like SCIM: a `schemas` array of SCIM URNs, or a recorded
/// exchange whose request or response is one.
pub fn matches(value: &Value) -> bool {
    let has_scim_schema = |v: &Value| {
        get_ci(v, "schemas")
            .and_then(Value::as_array)
            .is_some_and(|s| {
                s.iter().any(|u| {
                    u.as_str()
                        .is_some_and(|u| u.starts_with("urn:ietf:params:scim:"))
                })
            })
    };
    has_scim_schema(value)
        || ["response", "request"]
            .iter()
            .any(|k| value.get(*k).is_some_and(has_scim_schema))
}

/// Reads one record into resources, or explains why it is invalid.
pub fn parse(value: &Value) -> Result<Parsed, String> {
    parse_with(value, &mut Definitions::default())
}

/// Reads one record with the `/Schemas` and `/ResourceTypes` definitions read so far,
/// adding any definitions the record holds.
pub fn parse_with(value: &Value, definitions: &mut Definitions) -> Result<Parsed, String> {
    let mut parsed = Parsed::default();
    let mut reader = Reader {
        out: &mut parsed,
        definitions,
    };
    collect(value, &mut reader, 0)?;
    Ok(parsed)
}

/// The state of reading one record.
struct Reader<'a> {
    out: &'a mut Parsed,
    definitions: &'a mut Definitions,
}

fn collect(value: &Value, reader: &mut Reader<'_>, depth: usize) -> Result<(), String> {
    if depth > 4 {
        return Err("SCIM envelopes nested more than four levels deep".into());
    }
    match value {
        Value::Array(items) => items
            .iter()
            .try_for_each(|item| collect(item, reader, depth + 1)),
        Value::Object(_) if is_exchange(value) => collect_exchange(value, reader, depth),
        Value::Object(_) if definitions::is_definition(value) => {
            let note = reader
                .definitions
                .read(value)
                .unwrap_or_else(|| "a SCIM definition without a name or schema".into());
            reader.out.items.push(Item::Skipped(note));
            Ok(())
        }
        Value::Object(_) => match message_type(value) {
            Some("ListResponse") => collect_page(value, reader, depth),
            Some(message) => {
                reader.out.items.push(Item::Skipped(format!(
                    "a SCIM {message} message holds no resource state"
                )));
                Ok(())
            }
            None => {
                let resource = resource(value, &mut reader.out.notes, reader.definitions)?;
                reader.out.items.push(Item::Resource(Box::new(resource)));
                Ok(())
            }
        },
        other => Err(format!(
            "expected a SCIM resource object, found {}",
            kind_of(other)
        )),
    }
}

fn collect_page(value: &Value, reader: &mut Reader<'_>, depth: usize) -> Result<(), String> {
    let resources = get_ci(value, "Resources")
        .cloned()
        .unwrap_or(Value::Array(Vec::new()));
    let first = reader.out.items.len();
    collect(&resources, reader, depth + 1)?;
    let out = &mut reader.out;
    let page_resources: Vec<&Resource> = out.items[first..]
        .iter()
        .filter_map(|item| match item {
            Item::Resource(resource) => Some(resource.as_ref()),
            Item::Skipped(_) => None,
        })
        .collect();
    let page = ListPage {
        total_results: get_ci(value, "totalResults").and_then(Value::as_i64),
        resource_types: page_resources
            .iter()
            .map(|r| r.resource_type.clone())
            .collect(),
        identity_keys: page_resources
            .iter()
            .map(|r| r.identity_key.clone())
            .collect(),
    };
    out.pages.push(page);
    Ok(())
}

/// A recorded HTTP exchange: `{request, response, method, path, statusCode}`.
fn is_exchange(value: &Value) -> bool {
    get_ci(value, "schemas").is_none()
        && (value.get("response").is_some() || value.get("request").is_some())
        && (value.get("method").is_some()
            || value.get("statusCode").is_some()
            || value.get("path").is_some())
}

fn collect_exchange(value: &Value, reader: &mut Reader<'_>, depth: usize) -> Result<(), String> {
    match value
        .get("response")
        .filter(|r| r.is_object() || r.is_array())
    {
        Some(response) => collect(response, reader, depth + 1),
        None => {
            let method = value
                .get("method")
                .and_then(Value::as_str)
                .unwrap_or("request");
            let path = value.get("path").and_then(Value::as_str).unwrap_or("");
            reader.out.items.push(Item::Skipped(format!(
                "{method} {path} was recorded without a response body, so it holds no resource state"
            )));
            Ok(())
        }
    }
}

/// The message name of an `urn:ietf:params:scim:api:messages:2.0:*` schema, if any.
fn message_type(value: &Value) -> Option<&str> {
    get_ci(value, "schemas")?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .find_map(|urn| urn.strip_prefix(MESSAGE_PREFIX))
}

fn resource(
    value: &Value,
    notes: &mut Vec<String>,
    definitions: &Definitions,
) -> Result<Resource, String> {
    let scim_id = text_ci(value, "id").ok_or("the resource has no id")?;
    let schemas: Vec<String> = get_ci(value, "schemas")
        .and_then(Value::as_array)
        .map(|s| s.iter().filter_map(as_text).collect())
        .unwrap_or_default();
    let meta = get_ci(value, "meta");
    // A resource without schemas or meta, as a search returning only some attributes
    // sends it, is a User when it has a userName: only the User schema defines one.
    let resource_type = meta
        .and_then(|m| text_ci(m, "resourceType"))
        .or_else(|| definitions.resource_type(&schemas))
        .or_else(|| type_from_schemas(&schemas))
        .or_else(|| text_ci(value, "userName").map(|_| "User".to_string()))
        .unwrap_or_else(|| "Unknown".to_string());
    let user_type = text_ci(value, "userType");
    let enterprise = get_ci(value, ENTERPRISE_SCHEMA);
    let mut relations = relations(value, enterprise);
    if !definitions.is_empty() {
        relations.extend(typed_references(
            value,
            &schemas,
            definitions,
            notes,
            &scim_id,
        ));
    }
    let (created, last_modified) = meta_times(meta, notes, &scim_id);
    attributes::check_primaries(value, &scim_id, notes);
    let emails = attributes::multi_values(value, "emails");
    let primary_email = attributes::primary_index(&emails).map(|index| emails[index].value.clone());
    Ok(Resource {
        identity_key: format!("{resource_type}/{scim_id}"),
        kind: kind(&resource_type, &schemas, user_type.as_deref()),
        external_id: text_ci(value, "externalId"),
        user_name: text_ci(value, "userName"),
        display_name: text_ci(value, "displayName")
            .or_else(|| text_ci(value, "name").filter(|_| resource_type != "User")),
        active: active(value, notes, &scim_id)?,
        owner: relations
            .iter()
            .find(|(r, _)| ["manager", "owner", "sponsor"].contains(&r.as_str()))
            .map(|(_, v)| v.clone()),
        version: meta.and_then(|m| text_ci(m, "version")),
        emails: emails.into_iter().map(|v| v.value).collect(),
        primary_email,
        employee_number: enterprise.and_then(|e| text_ci(e, "employeeNumber")),
        department: enterprise.and_then(|e| text_ci(e, "department")),
        extensions: attributes::extensions(value, &schemas),
        protocols: attributes::multi_values(value, "protocols")
            .into_iter()
            .map(|v| v.value)
            .collect(),
        members: attributes::multi_values(value, "members"),
        entitlements: entitlements(value),
        certificates: certificates(value, &scim_id, notes),
        identifiers: attributes::identifiers(value),
        raw: value.to_string(),
        resource_type,
        scim_id,
        user_type,
        created,
        last_modified,
        schemas,
        relations,
    })
}

fn type_from_schemas(schemas: &[String]) -> Option<String> {
    if schemas.iter().any(|s| s.eq_ignore_ascii_case(USER_SCHEMA)) {
        return Some("User".into());
    }
    if schemas.iter().any(|s| s.eq_ignore_ascii_case(GROUP_SCHEMA)) {
        return Some("Group".into());
    }
    schemas
        .iter()
        .find(|s| !s.contains(":extension:"))
        .and_then(|s| s.rsplit(':').next())
        .map(str::to_string)
}

/// Agents are resources of an agent type or schema, or Users whose userType names agent
/// or bot; services are Users whose userType names a service, application or workload.
fn kind(resource_type: &str, schemas: &[String], user_type: Option<&str>) -> IdentityKind {
    let rt = resource_type.to_ascii_lowercase();
    if rt == "group" {
        return IdentityKind::Group;
    }
    if rt.contains("agent")
        || schemas
            .iter()
            .any(|s| s.to_ascii_lowercase().contains("agent"))
    {
        return IdentityKind::Agent;
    }
    if rt != "user" {
        return IdentityKind::Other;
    }
    let user_type = user_type.unwrap_or("").to_ascii_lowercase();
    if user_type.contains("agent") || user_type.contains("bot") {
        IdentityKind::Agent
    } else if [
        "service",
        "application",
        "workload",
        "machine",
        "system",
        "non-human",
        "nonhuman",
    ]
    .iter()
    .any(|word| user_type.contains(word))
    {
        IdentityKind::Service
    } else {
        IdentityKind::Human
    }
}

/// `active` as a JSON boolean; "true" and "false" strings, which some provisioning
/// clients send, are accepted and noted as non-conformant.
fn active(value: &Value, notes: &mut Vec<String>, id: &str) -> Result<Option<bool>, String> {
    match get_ci(value, "active") {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s))
            if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") =>
        {
            notes.push(format!(
                "resource {id}: active is the string {s:?}, not a JSON boolean (non-conformant)"
            ));
            Ok(Some(s.eq_ignore_ascii_case("true")))
        }
        Some(other) => Err(format!("active must be a boolean, found {other}")),
    }
}

fn meta_times(
    meta: Option<&Value>,
    notes: &mut Vec<String>,
    id: &str,
) -> (Option<NaiveDateTime>, Option<NaiveDateTime>) {
    let mut read = |name: &str| {
        let text = meta.and_then(|m| text_ci(m, name))?;
        match timestamp::parse(&text) {
            Ok(parsed) => Some(parsed.utc),
            Err(err) => {
                notes.push(format!("resource {id}: meta.{name} ignored: {err}"));
                None
            }
        }
    };
    (read("created"), read("lastModified"))
}

/// Collects the manager (enterprise extension), owners, sponsors and parent of a resource.
fn relations(value: &Value, enterprise: Option<&Value>) -> Vec<(String, String)> {
    let mut relations = Vec::new();
    if let Some(manager) = enterprise
        .and_then(|e| get_ci(e, "manager"))
        .and_then(|m| text_ci(m, "value").or_else(|| as_text(m)))
    {
        relations.push(("manager".to_string(), manager));
    }
    for (attribute, relation) in [("owners", "owner"), ("sponsors", "sponsor")] {
        for item in attributes::multi_values(value, attribute) {
            relations.push((relation.to_string(), item.value));
        }
    }
    if let Some(parent) =
        get_ci(value, "parent").and_then(|p| as_text(p).or_else(|| text_ci(p, "value")))
    {
        relations.push(("parent".to_string(), parent));
    }
    relations
}

/// Checks the resource against the schemas it lists whose definitions were read: the
/// core schema's attributes at the top level, an extension's inside its container.
/// Returns the references to other resources that the schemas define.
fn typed_references(
    value: &Value,
    schemas: &[String],
    definitions: &Definitions,
    notes: &mut Vec<String>,
    id: &str,
) -> Vec<(String, String)> {
    let mut references = Vec::new();
    for schema in schemas {
        let Some(attributes) = definitions.attributes(schema) else {
            continue;
        };
        let object = get_ci(value, schema)
            .filter(|c| c.is_object())
            .unwrap_or(value);
        references.extend(definitions::check(object, attributes, id, notes));
    }
    references
}

/// Reads each `x509Certificates` value. A value that is not a readable certificate is
/// kept with the reason and noted, and never rejects the resource.
fn certificates(value: &Value, id: &str, notes: &mut Vec<String>) -> Vec<Certificate> {
    let items = attributes::multi_values(value, "x509Certificates");
    let primary = attributes::primary_index(&items);
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let parsed = certificate::parse_base64(&item.value);
            if let Err(reason) = &parsed {
                notes.push(format!(
                    "resource {id}: x509Certificates value {index} is not a readable certificate: {reason}"
                ));
            }
            Certificate {
                position: index as i64,
                primary: primary == Some(index),
                display: item.display.clone(),
                error: parsed.as_ref().err().cloned(),
                info: parsed.ok(),
            }
        })
        .collect()
}

fn entitlements(value: &Value) -> Vec<(String, String, Option<String>, String)> {
    let mut out = Vec::new();
    for (attribute, kind) in [
        ("roles", "role"),
        ("entitlements", "entitlement"),
        ("groups", "group"),
    ] {
        for item in attributes::multi_values(value, attribute) {
            out.push((
                kind.to_string(),
                item.value,
                item.display,
                format!("{attribute} attribute"),
            ));
        }
    }
    out
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(value: Value) -> Resource {
        match parse(&value).unwrap().items.remove(0) {
            Item::Resource(r) => *r,
            Item::Skipped(note) => panic!("skipped: {note}"),
        }
    }

    #[test]
    fn mixed_case_attributes() {
        let r = one(
            json!({"Schemas": [USER_SCHEMA], "ID": "1", "UserName": "bjensen", "ACTIVE": true}),
        );
        assert_eq!(r.scim_id, "1");
        assert_eq!(r.user_name.as_deref(), Some("bjensen"));
        assert_eq!(r.active, Some(true));
        assert_eq!(r.identity_key, "User/1");
    }

    #[test]
    fn string_boolean_is_noted() {
        let parsed =
            parse(&json!({"schemas": [USER_SCHEMA], "id": "1", "active": "False"})).unwrap();
        assert!(parsed.notes[0].contains("non-conformant"));
        match &parsed.items[0] {
            Item::Resource(r) => assert_eq!(r.active, Some(false)),
            Item::Skipped(_) => panic!("expected a resource"),
        }
    }

    #[test]
    fn invalid_active_is_rejected() {
        let err = parse(&json!({"schemas": [USER_SCHEMA], "id": "1", "active": 1})).unwrap_err();
        assert!(err.contains("active must be a boolean"), "{err}");
    }

    #[test]
    fn service_and_agent_kinds() {
        let svc = one(json!({"schemas": [USER_SCHEMA], "id": "s", "userType": "Service"}));
        assert_eq!(svc.kind, IdentityKind::Service);
        let bot = one(json!({"schemas": [USER_SCHEMA], "id": "b", "userType": "Agent"}));
        assert_eq!(bot.kind, IdentityKind::Agent);
        let agent = one(
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Agent"], "id": "a",
            "owners": [{"value": "u1"}]}),
        );
        assert_eq!(agent.kind, IdentityKind::Agent);
        assert_eq!(agent.resource_type, "Agent");
        assert_eq!(agent.owner.as_deref(), Some("u1"));
        let with_protocols = one(
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Agent"],
            "id": "a2", "protocols": ["MCP-Server", {"value": "A2A"}]}),
        );
        assert_eq!(with_protocols.protocols, ["MCP-Server", "A2A"]);
    }

    #[test]
    fn enterprise_manager_is_owner() {
        let r = one(
            json!({"schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA], "id": "1",
            ENTERPRISE_SCHEMA: {"manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d"}}}),
        );
        assert_eq!(
            r.owner.as_deref(),
            Some("26118915-6090-4610-87e4-49d8ca9f808d")
        );
    }

    #[test]
    fn exchange_uses_response() {
        let parsed = parse(
            &json!({"request": {"schemas": [format!("{MESSAGE_PREFIX}PatchOp")]},
            "response": {"schemas": [GROUP_SCHEMA], "id": "g", "displayName": "G",
                "members": [{"value": "u1", "type": "User"}]},
            "method": "PATCH", "path": "/Groups/g", "statusCode": 200}),
        )
        .unwrap();
        match &parsed.items[0] {
            Item::Resource(r) => {
                assert_eq!(r.kind, IdentityKind::Group);
                assert_eq!(r.members.len(), 1);
            }
            Item::Skipped(note) => panic!("skipped: {note}"),
        }
    }

    #[test]
    fn patch_without_response_is_skipped() {
        let parsed = parse(
            &json!({"request": {"schemas": [format!("{MESSAGE_PREFIX}PatchOp")]},
            "method": "PATCH", "path": "/Groups/g", "statusCode": 200}),
        )
        .unwrap();
        assert!(matches!(parsed.items[0], Item::Skipped(_)));
    }

    #[test]
    fn partial_resource_with_user_name_is_user() {
        let r = one(json!({"id": "2819c223", "userName": "bjensen"}));
        assert_eq!(r.identity_key, "User/2819c223");
    }

    #[test]
    fn resource_without_id_is_rejected() {
        assert!(parse(&json!({"schemas": [USER_SCHEMA], "userName": "x"})).is_err());
    }
}
