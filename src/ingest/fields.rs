//! Reading fields out of untyped JSON records.

use serde_json::Value;

/// The value at `path` (exact key names), if present and not null.
pub fn at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut current = value;
    for key in path {
        current = current.get(key)?;
    }
    (!current.is_null()).then_some(current)
}

/// The text at `path`: a string, or a number or boolean written as text. Empty strings
/// and the literal string "null", which some exporters write for a missing value, count
/// as absent.
pub fn text(value: &Value, path: &[&str]) -> Option<String> {
    as_text(at(value, path)?)
}

/// The text at the first of several paths that has any.
pub fn first_text(value: &Value, paths: &[&[&str]]) -> Option<String> {
    paths.iter().find_map(|path| text(value, path))
}

pub fn as_text(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!text.is_empty() && !text.eq_ignore_ascii_case("null")).then_some(text)
}

/// The member of `object` whose name equals `key` ignoring ASCII case, as SCIM
/// attribute names require (RFC 7643 section 2.1).
pub fn get_ci<'a>(object: &'a Value, key: &str) -> Option<&'a Value> {
    let map = object.as_object()?;
    if let Some(found) = map.get(key) {
        return (!found.is_null()).then_some(found);
    }
    map.iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
        .filter(|v| !v.is_null())
}

/// Text of a case-insensitive SCIM attribute.
pub fn text_ci(object: &Value, key: &str) -> Option<String> {
    as_text(get_ci(object, key)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_skips_null_strings() {
        let v = json!({"client": {"zone": "null", "ip": "10.0.0.1", "n": 7}});
        assert_eq!(text(&v, &["client", "zone"]), None);
        assert_eq!(text(&v, &["client", "ip"]).as_deref(), Some("10.0.0.1"));
        assert_eq!(text(&v, &["client", "n"]).as_deref(), Some("7"));
    }

    #[test]
    fn get_ci_ignores_case() {
        let v = json!({"UserName": "bjensen", "active": null});
        assert_eq!(text_ci(&v, "userName").as_deref(), Some("bjensen"));
        assert!(get_ci(&v, "ACTIVE").is_none());
    }
}
