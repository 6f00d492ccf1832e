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
    /// The snapshot that no longer has the identity, when a newer snapshot with resources
    /// of its type lacks it. The CLI prints this as `state`, so JSON leaves it out here.
    #[serde(skip)]
    pub deleted_in: Option<i64>,
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

/// The SCIM identity an event's actor resolved to, in its state as of the event's time,
/// as trace output shows it.
#[derive(Debug, Clone, Serialize)]
pub struct IdentityRef {
    pub identity_key: String,
    pub id: String,
    #[serde(rename = "userName")]
    pub user_name: Option<String>,
    pub resource_type: String,
    pub kind: IdentityKind,
    pub active: Option<bool>,
    pub owner: Option<String>,
    /// Which identifier matched: `id`, `externalId`, `userName` or `email`.
    pub matched_by: String,
    /// The snapshot the state comes from and why that one (see [`StateBasis`]).
    pub snapshot_id: i64,
    pub state_basis: StateBasis,
}

impl IdentityRef {
    pub fn from_state(state: IdentityState, matched_by: String) -> IdentityRef {
        IdentityRef {
            identity_key: state.identity_key,
            id: state.id,
            user_name: state.user_name,
            resource_type: state.resource_type,
            kind: state.kind,
            active: state.active,
            owner: state.owner,
            matched_by,
            snapshot_id: state.snapshot_id,
            state_basis: state.state_basis,
        }
    }

    /// Returns the trace's marker for the state: deleted, not yet provisioned or inactive.
    pub fn marker(&self) -> Option<&'static str> {
        match (self.state_basis, self.active) {
            (StateBasis::Deleted, _) => Some("DELETED"),
            (StateBasis::NotYetProvisioned, _) => Some("NOT YET PROVISIONED"),
            (_, Some(false)) => Some("INACTIVE"),
            _ => None,
        }
    }
}

/// The reason an identity's state at a given time comes from the snapshot it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StateBasis {
    /// The newest snapshot taken at or before the time, which contains the identity.
    AsOf,
    /// The newest snapshot at or before the time lacks the identity, which an earlier one
    /// had: it was deleted by then. The state is the last one known.
    Deleted,
    /// A snapshot at or before the time exists, but none of them has the identity. The
    /// state is that of the first later snapshot that does.
    NotYetProvisioned,
    /// No snapshot is at or before the time, so the state is that of the oldest snapshot
    /// that has the identity.
    OldestAfter,
}

impl StateBasis {
    pub fn parse(text: &str) -> StateBasis {
        match text {
            "deleted" => StateBasis::Deleted,
            "not_yet_provisioned" => StateBasis::NotYetProvisioned,
            "oldest_after" => StateBasis::OldestAfter,
            _ => StateBasis::AsOf,
        }
    }
}

/// An identity's state at one time, from the snapshot `state_basis` names.
#[derive(Debug, Clone, Serialize)]
pub struct IdentityState {
    pub identity_key: String,
    pub id: String,
    #[serde(rename = "userName")]
    pub user_name: Option<String>,
    pub resource_type: String,
    pub kind: IdentityKind,
    pub active: Option<bool>,
    pub owner: Option<String>,
    pub snapshot_id: i64,
    /// When that snapshot was taken, RFC 3339 UTC.
    pub snapshot_taken_at: Option<String>,
    pub state_basis: StateBasis,
}
