//! Telling a file's format from its content.

use serde_json::Value;

use super::container::Split;
use super::{cloudtrail, entra, gcp, github, kubernetes, ocsf, okta, otel, scim};
use crate::model::SourceFormat;

/// How many records are looked at; the first one that matches a format decides.
const SAMPLE: usize = 20;

/// The reason no format was detected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undetected {
    /// The records are JSON, but of no shape any format has: the file is likely no
    /// evidence at all, such as a configuration file beside the exports.
    Unrecognised(String),
    /// The records cannot be read, or look like a format but break it: bad evidence.
    Bad(String),
}

impl Undetected {
    pub fn reason(self) -> String {
        match self {
            Undetected::Unrecognised(reason) | Undetected::Bad(reason) => reason,
        }
    }
}

/// Detects the format of a split file, or explains why none matched.
pub fn detect(split: &Split<'_>) -> Result<SourceFormat, String> {
    detect_format(split).map_err(Undetected::reason)
}

/// Detects the format of a split file, or returns why none matched and whether the file
/// looks like evidence at all.
pub fn detect_format(split: &Split<'_>) -> Result<SourceFormat, Undetected> {
    if split
        .envelopes
        .iter()
        .any(|e| e.eq_ignore_ascii_case("Resources"))
    {
        return Ok(SourceFormat::Scim);
    }
    let mut parse_error = None;
    for record in split.records.iter().take(SAMPLE) {
        let value = match serde_json::from_str::<Value>(record.text) {
            Ok(value) => value,
            Err(err) => {
                parse_error.get_or_insert(format!(
                    "record {} (line {}): {err}",
                    record.pos, record.line
                ));
                continue;
            }
        };
        if let Some(format) = detect_record(&value) {
            return Ok(format);
        }
        if let Some(reason) = cloudtrail::records_not_array(&value) {
            return Err(Undetected::Bad(format!(
                "unrecognised format: record {} (line {}): {reason}",
                record.pos, record.line
            )));
        }
    }
    if let Some(error) = parse_error {
        return Err(Undetected::Bad(format!(
            "unreadable records, for example {error}"
        )));
    }
    Err(Undetected::Unrecognised(format!(
        "unrecognised format (looked at {} records); supported: {}; force one with --format",
        split.records.len().min(SAMPLE),
        SourceFormat::ALL.map(SourceFormat::as_str).join(", ")
    )))
}

pub fn detect_record(value: &Value) -> Option<SourceFormat> {
    if okta::matches(value) {
        Some(SourceFormat::Okta)
    } else if entra::is_signin(value) {
        Some(SourceFormat::EntraSignin)
    } else if entra::is_audit(value) {
        Some(SourceFormat::EntraAudit)
    } else if cloudtrail::matches(value) {
        Some(SourceFormat::Cloudtrail)
    } else if gcp::matches(value) {
        Some(SourceFormat::GcpAudit)
    } else if otel::matches(value) {
        Some(SourceFormat::Otel)
    } else if ocsf::matches(value) {
        Some(SourceFormat::Ocsf)
    } else if kubernetes::matches(value) {
        Some(SourceFormat::Kubernetes)
    } else if github::matches(value) {
        Some(SourceFormat::Github)
    } else if scim::matches(value) {
        Some(SourceFormat::Scim)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::container::split;

    #[test]
    fn records_string_is_named() {
        let split = split(r#"{"Records": "nope"}"#).unwrap();
        let err = detect(&split).unwrap_err();
        assert!(err.contains("`Records` is a string, not an array"), "{err}");
        assert!(matches!(detect_format(&split), Err(Undetected::Bad(_))));
    }

    #[test]
    fn json_of_no_known_shape_is_unrecognised() {
        let split = split("{\"path\": \"secret/data\", \"op\": \"read\"}").unwrap();
        assert!(matches!(
            detect_format(&split),
            Err(Undetected::Unrecognised(_))
        ));
    }
}
