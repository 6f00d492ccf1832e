//! `/Schemas` and `/ResourceTypes` documents (RFC 7643 sections 6 and 7), which tell
//! the type of each attribute and the resource type behind each schema URN.

use std::collections::HashMap;

use serde_json::Value;

use crate::ingest::fields::{get_ci, text_ci};

pub const SCHEMA_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";
pub const RESOURCE_TYPE_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
pub const PROVIDER_CONFIG_SCHEMA: &str =
    "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";

/// The definition of one attribute.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttributeDef {
    pub name: String,
    /// `string`, `boolean`, `reference`, `complex`, ... in lower case.
    pub kind: String,
    pub multi_valued: bool,
    /// The resource types a reference may point to (`User`, `Group`, ...).
    pub reference_types: Vec<String>,
    pub sub_attributes: Vec<AttributeDef>,
}

impl AttributeDef {
    fn sub(&self, name: &str) -> Option<&AttributeDef> {
        self.sub_attributes
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }

    /// Returns the resource types this attribute refers to: its own `referenceTypes`, or
    /// those of its `value` or `$ref` sub-attribute. URIs and external references are left out.
    pub fn referenced_types(&self) -> Vec<&str> {
        let own = self.reference_types.iter();
        let subs = ["value", "$ref"]
            .into_iter()
            .filter_map(|name| self.sub(name))
            .flat_map(|sub| sub.reference_types.iter());
        own.chain(subs)
            .map(String::as_str)
            .filter(|t| !t.eq_ignore_ascii_case("uri") && !t.eq_ignore_ascii_case("external"))
            .collect()
    }
}

/// The definitions read so far, keyed by schema URN in lower case.
#[derive(Debug, Clone, Default)]
pub struct Definitions {
    /// Schema URN to the resource type's name and endpoint.
    resource_types: HashMap<String, (String, Option<String>)>,
    attributes: HashMap<String, Vec<AttributeDef>>,
}

impl Definitions {
    pub fn is_empty(&self) -> bool {
        self.resource_types.is_empty() && self.attributes.is_empty()
    }

    /// Returns the resource type that one of `schemas` is the core schema of.
    pub fn resource_type(&self, schemas: &[String]) -> Option<String> {
        schemas
            .iter()
            .find_map(|s| self.resource_types.get(&s.to_ascii_lowercase()))
            .map(|(name, _)| name.clone())
    }

    /// Returns the attributes a schema defines, if its document was read.
    pub fn attributes(&self, schema: &str) -> Option<&[AttributeDef]> {
        self.attributes
            .get(&schema.to_ascii_lowercase())
            .map(Vec::as_slice)
    }

    /// Records a definition document and returns a note naming what it defines, or None
    /// when `value` is no definition.
    pub fn read(&mut self, value: &Value) -> Option<String> {
        let schemas = schema_urns(value);
        let has = |urn: &str| schemas.iter().any(|s| s.eq_ignore_ascii_case(urn));
        if has(RESOURCE_TYPE_SCHEMA) {
            let name = text_ci(value, "name").or_else(|| text_ci(value, "id"))?;
            let endpoint = text_ci(value, "endpoint");
            let schema = text_ci(value, "schema")?;
            let note = format!(
                "a ResourceType definition: {name} at {} with schema {schema}",
                endpoint.as_deref().unwrap_or("no endpoint")
            );
            self.resource_types
                .insert(schema.to_ascii_lowercase(), (name, endpoint));
            return Some(note);
        }
        if has(SCHEMA_SCHEMA) {
            let id = text_ci(value, "id")?;
            let attributes = attribute_defs(get_ci(value, "attributes"));
            let note = format!(
                "a Schema definition of {id} with {} attributes",
                attributes.len()
            );
            self.attributes.insert(id.to_ascii_lowercase(), attributes);
            return Some(note);
        }
        has(PROVIDER_CONFIG_SCHEMA)
            .then(|| "a ServiceProviderConfig document, which holds no resource state".into())
    }
}

/// True when `value` is a Schema, ResourceType or ServiceProviderConfig document.
pub fn is_definition(value: &Value) -> bool {
    schema_urns(value).iter().any(|s| {
        [SCHEMA_SCHEMA, RESOURCE_TYPE_SCHEMA, PROVIDER_CONFIG_SCHEMA]
            .iter()
            .any(|urn| s.eq_ignore_ascii_case(urn))
    })
}

fn schema_urns(value: &Value) -> Vec<String> {
    get_ci(value, "schemas")
        .and_then(Value::as_array)
        .map(|s| {
            s.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn attribute_defs(list: Option<&Value>) -> Vec<AttributeDef> {
    let Some(items) = list.and_then(Value::as_array) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            Some(AttributeDef {
                name: text_ci(item, "name")?,
                kind: text_ci(item, "type")
                    .unwrap_or_default()
                    .to_ascii_lowercase(),
                multi_valued: matches!(get_ci(item, "multiValued"), Some(Value::Bool(true))),
                reference_types: get_ci(item, "referenceTypes")
                    .and_then(Value::as_array)
                    .map(|t| {
                        t.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default(),
                sub_attributes: attribute_defs(get_ci(item, "subAttributes")),
            })
        })
        .collect()
}

/// Attributes whose references the importer reads already: group members and groups,
/// owners, sponsors, the manager and the parent.
const READ_ELSEWHERE: [&str; 6] = [
    "members", "groups", "owners", "sponsors", "manager", "parent",
];

/// Checks a resource (or one extension container) against its schema's attributes:
/// a boolean given as a string, and a multi-valued attribute given as a single value,
/// are noted. Returns (attribute name, referenced value) for each reference attribute
/// that points to a resource type, so other relations than owners and managers are kept.
pub fn check(
    object: &Value,
    definitions: &[AttributeDef],
    id: &str,
    notes: &mut Vec<String>,
) -> Vec<(String, String)> {
    let mut references = Vec::new();
    for def in definitions {
        let Some(value) = get_ci(object, &def.name) else {
            continue;
        };
        if def.kind == "boolean" && !def.name.eq_ignore_ascii_case("active") {
            check_boolean(value, &def.name, id, notes);
        }
        if def.multi_valued && !value.is_array() {
            notes.push(format!(
                "resource {id}: {} is multi-valued in its schema but holds a single value",
                def.name
            ));
        }
        let is_known = READ_ELSEWHERE
            .iter()
            .any(|n| n.eq_ignore_ascii_case(&def.name));
        if !is_known && !def.referenced_types().is_empty() {
            references.extend(
                reference_values(value)
                    .into_iter()
                    .map(|v| (def.name.clone(), v)),
            );
        }
    }
    references
}

fn check_boolean(value: &Value, name: &str, id: &str, notes: &mut Vec<String>) {
    match value {
        Value::Bool(_) => {}
        Value::String(s) if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") => {
            notes.push(format!(
                "resource {id}: {name} is the string {s:?}, not a JSON boolean (non-conformant)"
            ));
        }
        other => notes.push(format!(
            "resource {id}: {name} is boolean in its schema but holds {other}"
        )),
    }
}

fn reference_values(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().flat_map(reference_values).collect(),
        Value::Object(_) => text_ci(value, "value").into_iter().collect(),
        other => crate::ingest::fields::as_text(other).into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn agent_schema() -> Value {
        json!({"schemas": [SCHEMA_SCHEMA], "id": "urn:example:params:scim:schemas:core:2.0:Robot",
            "attributes": [
                {"name": "supervised", "type": "boolean", "multiValued": false},
                {"name": "tags", "type": "string", "multiValued": true},
                {"name": "custodian", "type": "complex", "multiValued": false,
                 "subAttributes": [{"name": "value", "type": "string"},
                    {"name": "$ref", "type": "reference", "referenceTypes": ["User"]}]}]})
    }

    #[test]
    fn resource_type_names_schema() {
        let mut defs = Definitions::default();
        let note = defs.read(&json!({"schemas": [RESOURCE_TYPE_SCHEMA], "id": "Robot",
            "name": "Robot", "endpoint": "/Robots",
            "schema": "urn:example:params:scim:schemas:core:2.0:Robot"}));
        assert!(note.unwrap().contains("Robot at /Robots"));
        let schemas = ["URN:example:params:scim:schemas:core:2.0:Robot".to_string()];
        assert_eq!(defs.resource_type(&schemas).as_deref(), Some("Robot"));
    }

    #[test]
    fn schema_drives_checks() {
        let mut defs = Definitions::default();
        defs.read(&agent_schema());
        let attributes = defs
            .attributes("urn:example:params:scim:schemas:core:2.0:Robot")
            .expect("attributes");
        let mut notes = Vec::new();
        let refs = check(
            &json!({"Supervised": "false", "tags": "solo", "custodian": {"value": "u-1"}}),
            attributes,
            "r1",
            &mut notes,
        );
        assert_eq!(refs, [("custodian".to_string(), "u-1".to_string())]);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].contains("supervised is the string \"false\""));
        assert!(notes[1].contains("tags is multi-valued"));
    }

    #[test]
    fn provider_config_is_definition() {
        let value = json!({"schemas": [PROVIDER_CONFIG_SCHEMA], "patch": {"supported": true}});
        assert!(is_definition(&value));
        assert!(Definitions::default().read(&value).is_some());
    }
}
