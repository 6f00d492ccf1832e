use serde::Serialize;

/// What an identity stands for, derived from its SCIM resource type and `userType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IdentityKind {
    Human,
    Service,
    Agent,
    Group,
    Other,
}

impl IdentityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityKind::Human => "human",
            IdentityKind::Service => "service",
            IdentityKind::Agent => "agent",
            IdentityKind::Group => "group",
            IdentityKind::Other => "other",
        }
    }

    pub fn parse(text: &str) -> IdentityKind {
        match text {
            "human" => IdentityKind::Human,
            "service" => IdentityKind::Service,
            "agent" => IdentityKind::Agent,
            "group" => IdentityKind::Group,
            _ => IdentityKind::Other,
        }
    }
}

/// One identity as the latest snapshot that contains it describes it, with its activity
/// in the imported audit events.
#[derive(Debug, Clone, Serialize)]
pub struct IdentityRow {
    /// `ResourceType/id`, unique within a case.
    pub identity_key: String,
    pub id: String,
    pub resource_type: String,
    pub kind: IdentityKind,
    #[serde(rename = "userName")]
    pub user_name: Option<String>,
    #[serde(rename = "displayName")]
    pub display_name: Option<String>,
    #[serde(rename = "externalId")]
    pub external_id: Option<String>,
    pub active: Option<bool>,
    /// The manager or first owner, as the SCIM `value` that names it.
    pub owner: Option<String>,
    pub snapshot_id: i64,
    pub event_count: i64,
    /// RFC 3339 UTC time of the newest event attributed to this identity.
    pub last_seen: Option<String>,
    /// The verdict of the newest decision on the identity as a whole.
    pub decision: Option<String>,
}

impl IdentityRow {
    /// The most readable name: userName, then displayName, then the SCIM id.
    pub fn label(&self) -> &str {
        self.user_name
            .as_deref()
            .or(self.display_name.as_deref())
            .unwrap_or(&self.id)
    }
}

/// The SCIM identity an event's actor resolved to, as trace output shows it.
#[derive(Debug, Clone, Serialize)]
pub struct IdentityRef {
    pub identity_key: String,
    pub id: String,
    #[serde(rename = "userName")]
    pub user_name: Option<String>,
    pub resource_type: String,
    pub kind: IdentityKind,
    pub active: Option<bool>,
    /// Which identifier matched: `id`, `externalId`, `userName` or `email`.
    pub matched_by: String,
}
