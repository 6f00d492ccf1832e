//! The analyst's mapping file: which field of a record fills which event column, read
//! from TOML and checked before any record is.

use std::path::Path;

use chrono::format::{Item, StrftimeItems};
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::ingest::fields::as_text;
use crate::{Error, Result};

/// A mapping file, as written. Every field is a dotted path into a JSON record (`user.id`)
/// or a CSV column name; see [`Field`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    pub time: Time,
    pub action: Field,
    #[serde(default)]
    pub actor: Actor,
    pub category: Option<Field>,
    pub session: Option<Field>,
    pub correlation_id: Option<Field>,
    pub request_id: Option<Field>,
    pub reason: Option<Field>,
    pub client_ip: Option<Field>,
    /// The source's own event id; without it an event's content is its key.
    pub natural_key: Option<Field>,
    pub outcome: Option<OutcomeMap>,
    #[serde(default)]
    pub targets: Vec<TargetMap>,
    /// Fields holding JSON as text, parsed so that paths reach inside them.
    #[serde(default)]
    pub json_fields: Vec<String>,
    #[serde(default)]
    pub csv: CsvOptions,
    /// The mapping file's path and SHA-256, noted on every source it maps.
    #[serde(skip)]
    pub origin: String,
}

/// Where a value comes from: a path (`"user.email"`), several paths whose values are
/// joined with a space (`["method", "path"]`), or a fixed value (`{ value = "service" }`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Field {
    Path(String),
    Joined(Vec<String>),
    Fixed { value: String },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Time {
    pub field: String,
    /// `auto` (the default), `rfc3339`, `epoch_s`, `epoch_ms`, `epoch_us`, `epoch_ns`, or a
    /// chrono format string such as `%d/%m/%Y %H:%M:%S`.
    #[serde(default = "auto")]
    pub format: String,
}

fn auto() -> String {
    "auto".into()
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    pub id: Option<Field>,
    pub alt_id: Option<Field>,
    #[serde(rename = "type")]
    pub kind: Option<Field>,
    pub display: Option<Field>,
}

/// The field that holds the result and which of its values mean what; other values are
/// stored as `unknown`. Values compare without regard to case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeMap {
    pub field: Field,
    #[serde(default)]
    pub success: Vec<String>,
    #[serde(default)]
    pub failure: Vec<String>,
    #[serde(default)]
    pub denied: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetMap {
    pub id: Option<Field>,
    #[serde(rename = "type")]
    pub kind: Option<Field>,
    pub display: Option<Field>,
    pub alt_id: Option<Field>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvOptions {
    /// One ASCII character; a comma unless given.
    pub delimiter: Option<String>,
}

impl Mapping {
    /// Reads and checks a mapping file. Errors name the file, the key and the reason.
    pub fn load(path: &Path) -> Result<Mapping> {
        let bytes = std::fs::read(path).map_err(|err| Error::io(path, err))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| Error::invalid_file(path, "the mapping file is not UTF-8 text"))?;
        let mut mapping =
            Mapping::parse(&text).map_err(|reason| Error::invalid_file(path, reason))?;
        mapping.origin = format!(
            "the mapping file {} (SHA-256 {})",
            path.display(),
            hex::encode(Sha256::digest(text.as_bytes()))
        );
        Ok(mapping)
    }

    /// Parses and checks the text of a mapping file.
    pub fn parse(text: &str) -> Result<Mapping, String> {
        let mapping: Mapping = toml::from_str(text).map_err(|err| {
            let line = err
                .span()
                .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
            match line {
                Some(line) => format!("line {line}: {}", err.message().trim()),
                None => err.message().trim().to_string(),
            }
        })?;
        mapping.check()?;
        Ok(mapping)
    }

    fn check(&self) -> Result<(), String> {
        check_time_format(&self.time.format)?;
        let mut fields = vec![("time.field", Field::Path(self.time.field.clone()))];
        let named = [
            ("action", Some(&self.action)),
            ("actor.id", self.actor.id.as_ref()),
            ("actor.alt_id", self.actor.alt_id.as_ref()),
            ("actor.type", self.actor.kind.as_ref()),
            ("actor.display", self.actor.display.as_ref()),
            ("category", self.category.as_ref()),
            ("session", self.session.as_ref()),
            ("correlation_id", self.correlation_id.as_ref()),
            ("request_id", self.request_id.as_ref()),
            ("reason", self.reason.as_ref()),
            ("client_ip", self.client_ip.as_ref()),
            ("natural_key", self.natural_key.as_ref()),
            ("outcome.field", self.outcome.as_ref().map(|o| &o.field)),
        ];
        fields.extend(
            named
                .into_iter()
                .filter_map(|(key, field)| Some((key, field?.clone()))),
        );
        for (key, field) in &fields {
            field
                .check()
                .map_err(|reason| format!("key `{key}`: {reason}"))?;
        }
        for (index, target) in self.targets.iter().enumerate() {
            let parts = [&target.id, &target.kind, &target.display, &target.alt_id];
            if target.id.is_none() && target.display.is_none() {
                return Err(format!(
                    "key `targets[{index}]`: a target needs `id` or `display`"
                ));
            }
            for field in parts.into_iter().flatten() {
                field
                    .check()
                    .map_err(|reason| format!("key `targets[{index}]`: {reason}"))?;
            }
        }
        if let Some(outcome) = &self.outcome {
            check_outcome_values(outcome)?;
        }
        if self.json_fields.iter().any(|f| f.trim().is_empty()) {
            return Err("key `json_fields`: a field path is empty".into());
        }
        if let Some(delimiter) = &self.csv.delimiter
            && (delimiter.len() != 1 || !delimiter.is_ascii())
        {
            return Err(format!(
                "key `csv.delimiter`: {delimiter:?} is not one ASCII character"
            ));
        }
        Ok(())
    }

    /// The CSV delimiter as a byte.
    pub fn delimiter(&self) -> u8 {
        self.csv
            .delimiter
            .as_deref()
            .map_or(b',', |d| d.as_bytes()[0])
    }
}

fn check_time_format(format: &str) -> Result<(), String> {
    let known = [
        "auto", "rfc3339", "epoch_s", "epoch_ms", "epoch_us", "epoch_ns",
    ];
    if known.contains(&format) {
        return Ok(());
    }
    let items: Vec<Item<'_>> = StrftimeItems::new(format).collect();
    let has_error = items.iter().any(|item| matches!(item, Item::Error));
    let has_field = items
        .iter()
        .any(|item| matches!(item, Item::Numeric(..) | Item::Fixed(..)));
    if has_error || !has_field {
        return Err(format!(
            "key `time.format`: {format:?} is neither one of {} nor a chrono format such as \"%d/%m/%Y %H:%M:%S\"",
            known.join(", ")
        ));
    }
    Ok(())
}

fn check_outcome_values(outcome: &OutcomeMap) -> Result<(), String> {
    let lists = [
        ("success", &outcome.success),
        ("failure", &outcome.failure),
        ("denied", &outcome.denied),
    ];
    for (index, (name, values)) in lists.iter().enumerate() {
        for value in values.iter() {
            if let Some((other, _)) = lists[index + 1..]
                .iter()
                .find(|(_, others)| others.iter().any(|o| o.eq_ignore_ascii_case(value)))
            {
                return Err(format!(
                    "key `outcome.{other}`: {value:?} is also listed under `outcome.{name}`"
                ));
            }
        }
    }
    Ok(())
}

impl Field {
    fn check(&self) -> Result<(), String> {
        let paths: &[String] = match self {
            Field::Path(path) => std::slice::from_ref(path),
            Field::Joined(paths) if paths.is_empty() => {
                return Err("the list of fields is empty".into());
            }
            Field::Joined(paths) => paths,
            Field::Fixed { .. } => return Ok(()),
        };
        if paths
            .iter()
            .any(|p| p.trim().is_empty() || p.split('.').any(str::is_empty))
        {
            return Err("a field path is empty or has an empty part".into());
        }
        Ok(())
    }

    /// The field's text in `record`: joined paths need every part present.
    pub fn text(&self, record: &Value) -> Option<String> {
        match self {
            Field::Path(path) => lookup(record, path).and_then(as_text),
            Field::Joined(paths) => {
                let parts: Option<Vec<String>> = paths
                    .iter()
                    .map(|p| lookup(record, p).and_then(as_text))
                    .collect();
                Some(parts?.join(" "))
            }
            Field::Fixed { value } => Some(value.clone()),
        }
    }

    /// How the field is written in the mapping file, for error messages.
    pub fn describe(&self) -> String {
        match self {
            Field::Path(path) => format!("`{path}`"),
            Field::Joined(paths) => format!("`{}`", paths.join("` + `")),
            Field::Fixed { value } => format!("the fixed value {value:?}"),
        }
    }
}

/// The value at a dotted path. A key that itself contains dots (`gen_ai.tool.name`, a CSV
/// column `user.email`) is matched whole before the path is split at its dots, and a
/// number indexes an array.
pub fn lookup<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    let parts: Vec<&str> = path.split('.').collect();
    lookup_parts(value, &parts).filter(|v| !v.is_null())
}

fn lookup_parts<'v>(value: &'v Value, parts: &[&str]) -> Option<&'v Value> {
    if parts.is_empty() {
        return Some(value);
    }
    match value {
        Value::Object(map) => (1..=parts.len()).rev().find_map(|n| {
            let child = map.get(&parts[..n].join("."))?;
            lookup_parts(child, &parts[n..])
        }),
        Value::Array(items) => {
            let index: usize = parts[0].parse().ok()?;
            lookup_parts(items.get(index)?, &parts[1..])
        }
        _ => None,
    }
}

/// Mutable access to the value at a dotted path, for parsing JSON held as text.
pub fn lookup_mut<'v>(value: &'v mut Value, path: &str) -> Option<&'v mut Value> {
    let parts: Vec<&str> = path.split('.').collect();
    lookup_parts_mut(value, &parts)
}

fn lookup_parts_mut<'v>(value: &'v mut Value, parts: &[&str]) -> Option<&'v mut Value> {
    if parts.is_empty() {
        return Some(value);
    }
    match value {
        Value::Object(map) => {
            let n = (1..=parts.len())
                .rev()
                .find(|n| map.contains_key(&parts[..*n].join(".")))?;
            let child = map.get_mut(&parts[..n].join("."))?;
            lookup_parts_mut(child, &parts[n..])
        }
        Value::Array(items) => {
            let index: usize = parts[0].parse().ok()?;
            lookup_parts_mut(items.get_mut(index)?, &parts[1..])
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const GOOD: &str = r#"
time = { field = "ts", format = "epoch_ms" }
action = ["method", "path"]
session = "session"
[actor]
id = "user.id"
type = { value = "user" }
[outcome]
field = "status"
success = ["ok", "200"]
failure = ["error"]
[[targets]]
id = "object.id"
"#;

    #[test]
    fn good_mapping_parses() {
        let mapping = Mapping::parse(GOOD).unwrap();
        assert_eq!(mapping.time.format, "epoch_ms");
        assert_eq!(mapping.targets.len(), 1);
    }

    #[test]
    fn unknown_key_names_line() {
        let err = Mapping::parse("time = { field = \"ts\" }\naction = \"a\"\nsesion = \"s\"\n")
            .unwrap_err();
        assert!(err.starts_with("line 3:"), "{err}");
        assert!(err.contains("sesion"), "{err}");
    }

    #[test]
    fn missing_action_is_named() {
        let err = Mapping::parse("time = { field = \"ts\" }\n").unwrap_err();
        assert!(err.contains("missing field `action`"), "{err}");
    }

    #[test]
    fn bad_time_format_is_named() {
        let err =
            Mapping::parse("time = { field = \"ts\", format = \"epoch_x\" }\naction = \"a\"\n")
                .unwrap_err();
        assert!(err.starts_with("key `time.format`"), "{err}");
    }

    #[test]
    fn outcome_value_listed_twice() {
        let text = format!("{GOOD}\n");
        let text = text.replace("failure = [\"error\"]", "failure = [\"OK\"]");
        let err = Mapping::parse(&text).unwrap_err();
        assert!(err.contains("`outcome.failure`"), "{err}");
    }

    #[test]
    fn empty_path_part_is_rejected() {
        let err = Mapping::parse("time = { field = \"ts\" }\naction = \"a..b\"\n").unwrap_err();
        assert!(err.starts_with("key `action`"), "{err}");
    }

    #[test]
    fn lookup_prefers_dotted_keys() {
        let record = json!({"user.email": "a@example.com", "user": {"email": "b@example.com"},
            "list": [{"id": 7}], "gen_ai": {"tool.name": "x"}});
        assert_eq!(lookup(&record, "user.email").unwrap(), "a@example.com");
        assert_eq!(lookup(&record, "list.0.id").unwrap(), 7);
        assert_eq!(lookup(&record, "gen_ai.tool.name").unwrap(), "x");
        assert!(lookup(&record, "user.phone").is_none());
    }
}
