//! Review campaigns: a scope of identities in one snapshot, its reviewers and a due date,
//! and the progress of the decisions made in it.

use duckdb::params;
use serde::{Deserialize, Serialize};

use super::{Case, format_ts};
use crate::{Error, Result};

/// The identities of the snapshot that a campaign reviews. Empty lists mean every value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignScope {
    pub resource_types: Vec<String>,
    pub kinds: Vec<String>,
    /// Text that the identity key, userName or display name contains, without regard to case.
    pub filter: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Campaign {
    pub campaign_id: String,
    pub name: String,
    pub created_at: String,
    pub snapshot_id: i64,
    pub scope: CampaignScope,
    pub reviewers: Vec<String>,
    /// ISO 8601 date.
    pub due_date: String,
}

#[derive(Debug, Clone)]
pub struct NewCampaign {
    pub name: String,
    /// The snapshot to review; the newest one when None.
    pub snapshot_id: Option<i64>,
    pub scope: CampaignScope,
    pub reviewers: Vec<String>,
    pub due_date: chrono::NaiveDate,
}

/// An identity in a campaign's scope with its current decision in the campaign.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignItem {
    pub identity_key: String,
    pub label: String,
    pub verdict: Option<String>,
    pub reviewer: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReviewerProgress {
    pub reviewer: String,
    pub decided: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct CampaignProgress {
    pub items: usize,
    pub decided: usize,
    pub reviewers: Vec<ReviewerProgress>,
}

const ITEMS_QUERY: &str = "
WITH c AS (SELECT * FROM campaigns WHERE campaign_id = $1),
scope AS (
    SELECT from_json(json_extract(c.scope, '$.resource_types'), '[\"VARCHAR\"]') AS types,
           from_json(json_extract(c.scope, '$.kinds'), '[\"VARCHAR\"]') AS kinds,
           json_extract_string(c.scope, '$.filter') AS filter
    FROM c
),
latest AS (
    SELECT identity_key, verdict, reviewer FROM decisions
    WHERE campaign_id = $1 AND entitlement IS NULL
    QUALIFY row_number() OVER (PARTITION BY identity_key ORDER BY seq DESC) = 1
)
SELECT i.identity_key, coalesce(i.user_name, i.display_name, i.scim_id), l.verdict, l.reviewer
FROM identities i, c, scope
LEFT JOIN latest l ON l.identity_key = i.identity_key
WHERE i.snapshot_id = c.snapshot_id
  AND (len(scope.types) = 0 OR list_contains(scope.types, i.resource_type))
  AND (len(scope.kinds) = 0 OR list_contains(scope.kinds, i.kind))
  AND (scope.filter IS NULL
       OR contains(lower(concat_ws(' ', i.identity_key, i.user_name, i.display_name)), lower(scope.filter)))
ORDER BY i.identity_key";

impl Case {
    /// Creates a campaign and returns it.
    pub fn create_campaign(&self, new: &NewCampaign) -> Result<Campaign> {
        if new.reviewers.iter().all(|r| r.trim().is_empty()) {
            return Err(Error::InvalidInput(
                "a campaign needs at least one reviewer (--reviewer)".into(),
            ));
        }
        let snapshot_id = match new.snapshot_id {
            Some(id) => id,
            None => self
                .conn
                .query_row(
                    "SELECT snapshot_id FROM snapshots ORDER BY taken_at DESC NULLS LAST, snapshot_id DESC LIMIT 1",
                    [],
                    |row| row.get(0),
                )
                .map_err(|_| {
                    Error::NotFound("the case has no snapshot to review; import SCIM files first".into())
                })?,
        };
        let known: i64 = self.conn.query_row(
            "SELECT count(*) FROM snapshots WHERE snapshot_id = $1",
            params![snapshot_id],
            |row| row.get(0),
        )?;
        if known == 0 {
            return Err(Error::NotFound(format!(
                "no snapshot {snapshot_id}; list them with `scimtrail snapshots`"
            )));
        }
        let reviewers: Vec<String> = new.reviewers.iter().map(|r| r.trim().to_string()).collect();
        let name = new.name.trim();
        // People pick campaigns by name in `campaign list` and reports, so two campaigns
        // with one name would be ambiguous there. Case and surrounding blanks are ignored.
        if let Some(existing) = self
            .campaigns()?
            .into_iter()
            .find(|c| c.name.trim().to_lowercase() == name.to_lowercase())
        {
            return Err(Error::InvalidInput(format!(
                "campaign {} is already named {:?} (created {}); choose another name",
                existing.campaign_id, existing.name, existing.created_at
            )));
        }
        self.transaction(|conn| {
            let id: String =
                conn.query_row("SELECT 'C' || (count(*) + 1) FROM campaigns", [], |row| {
                    row.get(0)
                })?;
            conn.execute(
                "INSERT INTO campaigns VALUES (?, ?, now()::TIMESTAMP, ?, ?, ?, ?::DATE)",
                params![
                    id,
                    name,
                    snapshot_id,
                    serde_json::to_string(&new.scope)?,
                    serde_json::to_string(&reviewers)?,
                    new.due_date.to_string()
                ],
            )?;
            Ok(id)
        })
        .and_then(|id| self.campaign(&id))
    }

    /// Lists every campaign, oldest first.
    pub fn campaigns(&self) -> Result<Vec<Campaign>> {
        let mut stmt = self.conn.prepare(
            "SELECT campaign_id, name, created_at, snapshot_id, scope::VARCHAR, reviewers::VARCHAR,
                    due_date::VARCHAR
             FROM campaigns ORDER BY created_at, campaign_id",
        )?;
        let rows = stmt.query_map([], |row| {
            let created_at: chrono::NaiveDateTime = row.get(2)?;
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                format_ts(&created_at),
                row.get::<_, i64>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, String>(6)?,
            ))
        })?;
        let mut campaigns = Vec::new();
        for row in rows {
            let (campaign_id, name, created_at, snapshot_id, scope, reviewers, due_date) = row?;
            campaigns.push(Campaign {
                campaign_id,
                name,
                created_at,
                snapshot_id,
                scope: serde_json::from_str(&scope)?,
                reviewers: serde_json::from_str(&reviewers)?,
                due_date,
            });
        }
        Ok(campaigns)
    }

    pub fn campaign(&self, id: &str) -> Result<Campaign> {
        self.campaigns()?
            .into_iter()
            .find(|c| c.campaign_id.eq_ignore_ascii_case(id))
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "no campaign {id:?}; list them with `scimtrail campaign list`"
                ))
            })
    }

    /// Lists the identities in a campaign's scope, each with its current decision in it.
    pub fn campaign_items(&self, campaign: &Campaign) -> Result<Vec<CampaignItem>> {
        let mut stmt = self.conn.prepare(ITEMS_QUERY)?;
        let rows = stmt.query_map(params![campaign.campaign_id], |row| {
            Ok(CampaignItem {
                identity_key: row.get(0)?,
                label: row.get(1)?,
                verdict: row.get(2)?,
                reviewer: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Counts the items decided in the campaign, in total and per reviewer (every named reviewer is
    /// listed, with zero when they decided nothing).
    pub fn campaign_progress(&self, campaign: &Campaign) -> Result<CampaignProgress> {
        let items = self.campaign_items(campaign)?;
        let reviewers = campaign
            .reviewers
            .iter()
            .map(|reviewer| ReviewerProgress {
                reviewer: reviewer.clone(),
                decided: items
                    .iter()
                    .filter(|i| i.reviewer.as_deref() == Some(reviewer.as_str()))
                    .count(),
            })
            .collect();
        Ok(CampaignProgress {
            items: items.len(),
            decided: items.iter().filter(|i| i.verdict.is_some()).count(),
            reviewers,
        })
    }

    /// Finds the identities that `reviewer` names, through the same alias table as event
    /// actors (mapping, SCIM id, externalId, userName, email) or by identity key.
    pub fn reviewer_keys(&self, reviewer: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT identity_key FROM aliases WHERE alias = lower($1)
             UNION
             SELECT identity_key FROM current_identities WHERE lower(identity_key) = lower($1)",
        )?;
        let keys = stmt
            .query_map(params![reviewer.trim()], |row| row.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        Ok(keys)
    }

    /// Lists the owners and sponsors of an identity in a snapshot: its `owner` relations, and
    /// for identities that are not people its `manager`, who sponsors them. Each value is
    /// resolved through the alias table where it names an identity.
    pub fn owners_of(&self, identity_key: &str, snapshot_id: i64) -> Result<Vec<Owner>> {
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT r.related_value, a.identity_key
             FROM identity_relations r
             JOIN identities i USING (snapshot_id, identity_key)
             LEFT JOIN aliases a ON a.alias = lower(r.related_value)
             WHERE r.identity_key = $1 AND r.snapshot_id = $2
               AND (r.relation = 'owner' OR (r.relation = 'manager' AND i.kind <> 'human'))",
        )?;
        let owners = stmt
            .query_map(params![identity_key, snapshot_id], |row| {
                Ok(Owner {
                    value: row.get(0)?,
                    identity_key: row.get(1)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(owners)
    }
}

/// An owner or sponsor as the snapshot names it, and the identity that value resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub value: String,
    pub identity_key: Option<String>,
}
