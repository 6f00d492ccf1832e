//! Which mapper turns a record of each audit format into a [`MappedEvent`].

use serde_json::Value;

use super::event::MappedEvent;
use super::{cloudtrail, entra, gcp, github, kubernetes, ocsf, okta};
use crate::model::SourceFormat;

/// Maps one parsed record of an audit format, or returns why it cannot.
pub type Mapper = fn(&Value) -> Result<MappedEvent, String>;

/// Returns why a record in the format's exports is not an event, such as a CloudTrail
/// digest. Such records are left out with a note instead of quarantined.
pub type Skip = fn(&Value) -> Option<&'static str>;

/// The mapper of an audit format whose records are one event each; `None` for SCIM, which
/// contains identities, for OpenTelemetry, whose records hold many spans (`otel::read`), and
/// for generic exports, which need the analyst's mapping.
pub fn mapper(format: SourceFormat) -> Option<Mapper> {
    match format {
        SourceFormat::Okta => Some(okta::map),
        SourceFormat::EntraAudit => Some(entra::map_audit),
        SourceFormat::EntraSignin => Some(entra::map_signin),
        SourceFormat::Cloudtrail => Some(cloudtrail::map),
        SourceFormat::GcpAudit => Some(gcp::map),
        SourceFormat::Kubernetes => Some(kubernetes::map),
        SourceFormat::Github => Some(github::map),
        SourceFormat::Ocsf => Some(ocsf::map),
        SourceFormat::Scim | SourceFormat::Otel | SourceFormat::Generic => None,
    }
}

/// Returns the test for records that are not events, for the formats whose exports mix
/// them in.
pub fn skip(format: SourceFormat) -> Option<Skip> {
    match format {
        SourceFormat::Cloudtrail => Some(cloudtrail::skip),
        SourceFormat::GcpAudit => Some(gcp::skip),
        _ => None,
    }
}
