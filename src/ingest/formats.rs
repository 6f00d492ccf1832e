//! Which mapper turns a record of each audit format into a [`MappedEvent`].

use serde_json::Value;

use super::event::MappedEvent;
use super::{cloudtrail, entra, gcp, okta};
use crate::model::SourceFormat;

/// Maps one parsed record of an audit format, or says why it cannot.
pub type Mapper = fn(&Value) -> Result<MappedEvent, String>;

/// Returns why a record in the format's exports is not an event, such as a CloudTrail
/// digest. Such records are left out with a note instead of quarantined.
pub type Skip = fn(&Value) -> Option<&'static str>;

/// The mapper of an audit format; `None` for SCIM, which holds identities, not events.
pub fn mapper(format: SourceFormat) -> Option<Mapper> {
    match format {
        SourceFormat::Okta => Some(okta::map),
        SourceFormat::EntraAudit => Some(entra::map_audit),
        SourceFormat::EntraSignin => Some(entra::map_signin),
        SourceFormat::Cloudtrail => Some(cloudtrail::map),
        SourceFormat::GcpAudit => Some(gcp::map),
        SourceFormat::Scim => None,
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
