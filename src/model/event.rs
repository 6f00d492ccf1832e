use serde::Serialize;

/// The audit formats scimtrail reads; the name is what `--format` takes and what the case
/// stores in `events.source_format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceFormat {
    Scim,
    Okta,
    EntraAudit,
    EntraSignin,
    Cloudtrail,
    GcpAudit,
    Kubernetes,
    Github,
    Ocsf,
    /// OpenTelemetry spans and log records (OTLP/JSON or the SDKs' span JSON).
    Otel,
    /// Any JSON, NDJSON or CSV export read through an analyst's `--mapping` file.
    Generic,
}

impl SourceFormat {
    pub const ALL: [SourceFormat; 11] = [
        SourceFormat::Scim,
        SourceFormat::Okta,
        SourceFormat::EntraAudit,
        SourceFormat::EntraSignin,
        SourceFormat::Cloudtrail,
        SourceFormat::GcpAudit,
        SourceFormat::Kubernetes,
        SourceFormat::Github,
        SourceFormat::Ocsf,
        SourceFormat::Otel,
        SourceFormat::Generic,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SourceFormat::Scim => "scim",
            SourceFormat::Okta => "okta",
            SourceFormat::EntraAudit => "entra-audit",
            SourceFormat::EntraSignin => "entra-signin",
            SourceFormat::Cloudtrail => "cloudtrail",
            SourceFormat::GcpAudit => "gcp-audit",
            SourceFormat::Kubernetes => "kubernetes",
            SourceFormat::Github => "github",
            SourceFormat::Ocsf => "ocsf",
            SourceFormat::Otel => "otel",
            SourceFormat::Generic => "generic",
        }
    }

    pub fn parse(name: &str) -> Option<SourceFormat> {
        SourceFormat::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

/// The normalised result of an audited action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Success,
    Failure,
    Denied,
    Unknown,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
            Outcome::Unknown => "unknown",
        }
    }
}

/// One event of a trace with its actor resolved against the SCIM snapshots.
#[derive(Debug, Clone, Serialize)]
pub struct TraceEvent {
    pub event_key: i64,
    pub event_id: Option<String>,
    /// RFC 3339 in UTC.
    pub ts: String,
    pub ts_original: String,
    pub source_format: String,
    pub action: String,
    pub outcome: String,
    pub reason: Option<String>,
    pub actor_id: Option<String>,
    pub actor_type: Option<String>,
    pub actor_display: Option<String>,
    pub session_id: Option<String>,
    pub correlation_id: Option<String>,
    pub request_id: Option<String>,
    pub client_ip: Option<String>,
    pub targets: serde_json::Value,
    /// Identifiers that tie the event to others, as `[{"kind", "value", "role"}]`.
    pub links: serde_json::Value,
    /// Why the event is in the trace: which of its identifiers equals the traced ID
    /// (`event_id`, `link:access_key:presented`, ...), or the credential hand-off that
    /// joined it (`handoff:presented:access_key`, `handoff:issued:access_key`).
    pub matched_on: Vec<String>,
    pub identity: Option<super::IdentityRef>,
    pub source_path: String,
    pub source_sha256: String,
    pub record_pos: i64,
    pub raw: String,
}
