//! The synthetic organisation: its identities, who acts, and the findings planted in it.

use chrono::{Duration, NaiveDateTime};

use super::rng::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Human,
    Service,
    Agent,
}

#[derive(Debug, Clone)]
pub struct Identity {
    pub kind: Kind,
    /// The SCIM `id`, also the Entra object id the sign-in logs carry.
    pub scim_id: String,
    /// The SCIM `externalId`: the Okta user id for people and services, the agent id that
    /// OpenTelemetry spans carry for agents.
    pub external_id: String,
    /// `userName` (an email address) for people and services, `name` for agents.
    pub user_name: String,
    pub display_name: String,
    pub active: bool,
    /// In the snapshot but never acting in any log.
    pub dormant: bool,
}

/// The identities, and actors that the logs name but SCIM does not.
pub struct Org {
    pub identities: Vec<Identity>,
    /// Identities that act (every one but the dormant), by index into `identities`.
    acting: Vec<usize>,
    pub unknown_actors: Vec<Identity>,
    /// The deactivation time the snapshot gives inactive identities. They keep acting
    /// afterwards, which is one of the planted findings.
    pub deactivated_at: NaiveDateTime,
}

/// One identity in this many is inactive in SCIM but keeps acting.
pub const DEACTIVATED_EVERY: usize = 50;
/// One identity in this many (of the active ones) never acts.
pub const DORMANT_EVERY: usize = 40;
/// Sessions per thousand whose actor SCIM does not know.
pub const UNKNOWN_ACTOR_PER_MILLE: u64 = 10;

impl Org {
    pub fn new(identities: usize, start: NaiveDateTime, rng: &mut Rng) -> Org {
        let identities: Vec<Identity> = (0..identities.max(1)).map(|i| identity(i, rng)).collect();
        let acting = (0..identities.len())
            .filter(|&i| !identities[i].dormant)
            .collect();
        let unknown_actors = (0..8).map(|i| unknown_actor(i, rng)).collect();
        Org {
            identities,
            acting,
            unknown_actors,
            deactivated_at: start + Duration::days(5),
        }
    }

    /// Picks the actor of a session, of `kind` where the organisation has one that acts.
    pub fn actor(&self, rng: &mut Rng, kind: Option<Kind>) -> &Identity {
        if rng.chance(UNKNOWN_ACTOR_PER_MILLE) {
            return rng.pick(&self.unknown_actors);
        }
        // A few draws find one of the kind in a mix of six people, two services and two
        // agents in ten; otherwise any acting identity will do.
        for _ in 0..8 {
            let candidate = &self.identities[*rng.pick(&self.acting)];
            if kind.is_none_or(|k| k == candidate.kind) {
                return candidate;
            }
        }
        &self.identities[*rng.pick(&self.acting)]
    }
}

fn identity(index: usize, rng: &mut Rng) -> Identity {
    let kind = match index % 10 {
        0..=5 => Kind::Human,
        6 | 7 => Kind::Service,
        _ => Kind::Agent,
    };
    let number = index + 1;
    let (user_name, display_name, external_id) = match kind {
        Kind::Human => (
            format!("user{number:06}@northwind.example"),
            format!("Northwind User {number}"),
            format!("00u{}", rng.alnum_upper(17).to_ascii_lowercase()),
        ),
        Kind::Service => (
            format!("svc-{number:06}@northwind.example"),
            format!("Service Account {number}"),
            format!("00u{}", rng.alnum_upper(17).to_ascii_lowercase()),
        ),
        Kind::Agent => (
            format!("agent-{number:06}"),
            format!("Northwind Agent {number}"),
            format!("agt_{}", rng.hex(8)),
        ),
    };
    let active = index % DEACTIVATED_EVERY != DEACTIVATED_EVERY - 1;
    Identity {
        kind,
        scim_id: rng.uuid(),
        external_id,
        user_name,
        display_name,
        active,
        dormant: active && index % DORMANT_EVERY == DORMANT_EVERY / 2,
    }
}

fn unknown_actor(index: usize, rng: &mut Rng) -> Identity {
    let kind = if index.is_multiple_of(2) {
        Kind::Human
    } else {
        Kind::Agent
    };
    Identity {
        kind,
        scim_id: rng.uuid(),
        external_id: format!("00u{}", rng.alnum_upper(17).to_ascii_lowercase()),
        user_name: format!("contractor{index}@contractor.example.org"),
        display_name: format!("Unknown Contractor {index}"),
        active: true,
        dormant: false,
    }
}

/// Spreads one source's sessions over the generated period in time order.
pub struct Clock {
    start: NaiveDateTime,
    /// Milliseconds between the starts of consecutive sessions.
    step_ms: i64,
    session: i64,
}

impl Clock {
    /// A clock for about `sessions` sessions over `days` days from `start`.
    pub fn new(start: NaiveDateTime, days: i64, sessions: u64) -> Clock {
        let span_ms = days * 24 * 3600 * 1000;
        Clock {
            start,
            step_ms: (span_ms / sessions.max(1) as i64).max(1),
            session: 0,
        }
    }

    /// The start of the next session.
    pub fn next_session(&mut self) -> NaiveDateTime {
        let at = self.start + Duration::milliseconds(self.session * self.step_ms);
        self.session += 1;
        at
    }
}
