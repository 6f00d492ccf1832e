//! Findings: each enabled rule's query over the case, with the rows that triggered it.
//!
//! Every query is a file in `sql/` and returns one row per finding. A row has the subject
//! (an identity key, an actor id for shadow identities, a credential for stale ones), an
//! optional entitlement, a one-line summary, and the evidence rows as a JSON array of
//! `{table, key, fields}`.

use duckdb::params_from_iter;
use duckdb::types::Value;
use serde::{Deserialize, Serialize};

use super::rules::{Check, Control, Rule, RuleSet, Severity};
use crate::Result;
use crate::case::{Case, LIVE_IDENTITIES_QUERY, OWNERLESS_QUERY, UNKNOWN_ACTORS_QUERY, format_ts};

/// One row of the case that a finding rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The case table the row comes from.
    pub table: String,
    /// The row's key in that table (an event key, an identity key, a decision's seq).
    pub key: String,
    pub fields: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finding {
    /// `rule:subject`, plus `:entitlement` for findings on one grant; stable across runs.
    pub id: String,
    pub rule: String,
    pub check: Check,
    pub title: String,
    pub severity: Severity,
    pub threshold: String,
    pub subject: String,
    pub entitlement: Option<String>,
    pub summary: String,
    pub controls: Vec<Control>,
    pub evidence: Vec<Evidence>,
}

/// The time findings are computed at, and why that time.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AsOf {
    /// RFC 3339 UTC.
    pub time: String,
    /// `option` (--as-of), `newest event` or `newest snapshot`.
    pub basis: String,
    /// Events dated after the time their file was imported, which the default time leaves
    /// out; zero with --as-of.
    #[serde(default)]
    pub ignored_future_events: i64,
    /// Snapshots dated (by --taken-at or meta.lastModified) after the time they were
    /// imported, which the default time leaves out; zero with --as-of.
    #[serde(default)]
    pub ignored_future_snapshots: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Findings {
    pub as_of: AsOf,
    pub findings: Vec<Finding>,
}

impl Findings {
    pub fn by_id(&self, id: &str) -> Option<&Finding> {
        self.findings.iter().find(|f| f.id == id)
    }
}

/// Runs every enabled rule of `rules` on the case at `as_of` (default: see [`default_as_of`]).
pub fn run(case: &Case, rules: &RuleSet, as_of: Option<chrono::NaiveDateTime>) -> Result<Findings> {
    let as_of = match as_of {
        Some(time) => AsOf {
            time: format_ts(&time),
            basis: "option".to_string(),
            ignored_future_events: 0,
            ignored_future_snapshots: 0,
        },
        None => default_as_of(case)?,
    };
    let mut findings = Vec::new();
    for rule in rules.enabled() {
        findings.extend(run_rule(case, rules, rule, &as_of)?);
    }
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
    Ok(Findings { as_of, findings })
}

/// Returns the newest event or snapshot time, whichever is later, so that two runs on the
/// same case agree without anyone naming a time. Events dated after the time their file was
/// imported (or after now), and snapshots dated after the time they were imported, are left
/// out and counted: one mistyped year would otherwise move every finding into the future.
pub fn default_as_of(case: &Case) -> Result<AsOf> {
    let now = chrono::Utc::now().naive_utc();
    let (event, ignored, snapshot, ignored_snapshots): (
        Option<chrono::NaiveDateTime>,
        i64,
        Option<chrono::NaiveDateTime>,
        i64,
    ) = case.conn().query_row(
        "WITH dated AS (
             SELECT e.ts, e.ts > least(s.imported_at, $1::TIMESTAMP) AS future
             FROM events e JOIN sources s USING (source_id)
         ),
         taken AS (
             SELECT taken_at, taken_at > least(created_at, $1::TIMESTAMP) AS future
             FROM snapshots WHERE taken_at IS NOT NULL
         )
         SELECT (SELECT max(ts) FROM dated WHERE NOT future),
                (SELECT count(*) FROM dated WHERE future),
                (SELECT max(taken_at) FROM taken WHERE NOT future),
                (SELECT count(*) FROM taken WHERE future)",
        duckdb::params![now],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
    )?;
    let (time, basis) = match (event, snapshot) {
        (Some(e), Some(s)) if s > e => (s, "newest snapshot"),
        (Some(e), _) => (e, "newest event"),
        (None, Some(s)) => (s, "newest snapshot"),
        // Without evidence no rule can fire, so the time only labels the empty result.
        (None, None) => (now, "current time, no evidence"),
    };
    Ok(AsOf {
        time: format_ts(&time),
        basis: basis.to_string(),
        ignored_future_events: ignored,
        ignored_future_snapshots: ignored_snapshots,
    })
}

fn run_rule(case: &Case, rules: &RuleSet, rule: &Rule, as_of: &AsOf) -> Result<Vec<Finding>> {
    let mut rows = Vec::new();
    for (sql, params) in queries(rule, as_of)? {
        rows.extend(query_rows(case, &sql, params)?);
    }
    let controls: Vec<Control> = rule
        .controls
        .iter()
        .filter_map(|id| rules.control(id).cloned())
        .collect();
    rows.into_iter()
        .map(|(subject, entitlement, summary, evidence)| {
            let id = match &entitlement {
                Some(e) => format!("{}:{subject}:{e}", rule.id),
                None => format!("{}:{subject}", rule.id),
            };
            Ok(Finding {
                id,
                rule: rule.id.clone(),
                check: rule.check,
                title: rule.title.clone(),
                severity: rule.severity,
                threshold: rule.threshold(),
                subject,
                entitlement,
                summary,
                controls: controls.clone(),
                evidence: serde_json::from_str(&evidence)?,
            })
        })
        .collect()
}

/// A finding row: subject, entitlement, summary and evidence as JSON text.
type Row = (String, Option<String>, String, String);

fn query_rows(case: &Case, sql: &str, params: Vec<Value>) -> Result<Vec<Row>> {
    let mut stmt = case.conn().prepare(sql)?;
    let rows = stmt
        .query_map(params_from_iter(params), |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

fn text(value: &str) -> Value {
    Value::Text(value.to_string())
}

fn list(values: &[String]) -> Result<Value> {
    Ok(Value::Text(serde_json::to_string(values)?))
}

/// Returns the identity kinds a rule checks: its `kinds`, else every kind but groups.
fn kinds(rule: &Rule) -> Vec<String> {
    if rule.kinds.is_empty() {
        kinds_of_all()
    } else {
        rule.kinds.clone()
    }
}

fn kinds_of_all() -> Vec<String> {
    ["human", "service", "agent", "other"]
        .map(String::from)
        .to_vec()
}

/// Binds the query text of `case` that a check shares with a CLI view as the CTE `name`,
/// so that the check's SQL reads its rows. Every part is a constant of this crate.
fn with_shared(name: &str, shared: &str, check_sql: &str) -> String {
    format!("WITH {name} AS ({shared})\n{check_sql}")
}

/// Puts `check_sql` in a subquery under the CTE `live_identities` (the rows of
/// [`LIVE_IDENTITIES_QUERY`]), so that a check can leave out identities that a newer
/// snapshot deleted, as `identities` marks them. A subquery, because the check may start
/// with its own `WITH`.
fn with_live(check_sql: &str) -> String {
    format!("WITH live_identities AS ({LIVE_IDENTITIES_QUERY})\nSELECT * FROM (\n{check_sql}\n)")
}

/// Returns the kinds and relations of the first enabled `orphaned_identity` rule of
/// `rules`, which `identities --no-active-owner` uses with the built-in rules so that it
/// lists what the rule reports.
pub fn owner_settings(rules: &RuleSet) -> (Vec<String>, Vec<String>) {
    let rule = rules.enabled().find(|r| r.check == Check::OrphanedIdentity);
    match rule {
        Some(rule) => (kinds(rule), rule.relations.clone()),
        None => (
            kinds_of_all(),
            ["owner", "sponsor", "manager"].map(String::from).to_vec(),
        ),
    }
}

/// Returns the actor ids and actor types that the first enabled `shadow_identity` rule of
/// `rules` ignores, which `identities --unknown` uses with the built-in rules.
pub fn ignored_actors(rules: &RuleSet) -> (Vec<String>, Vec<String>) {
    rules
        .enabled()
        .find(|r| r.check == Check::ShadowIdentity)
        .map(|r| (r.ignore_actors.clone(), r.ignore_actor_types.clone()))
        .unwrap_or_default()
}

type Query = (String, Vec<Value>);

/// Returns the latest decision time the approval checks consider: the --as-of time, or no
/// limit with the default time, because decisions are made after the newest evidence.
fn decided_until(as_of: &AsOf) -> Value {
    if as_of.basis == "option" {
        text(as_of.time.trim_end_matches('Z'))
    } else {
        Value::Null
    }
}

fn queries(rule: &Rule, as_of: &AsOf) -> Result<Vec<Query>> {
    let time = text(as_of.time.trim_end_matches('Z'));
    let days = Value::BigInt(i64::from(rule.days.unwrap_or(0)));
    let sql = |text: &str| text.to_string();
    Ok(match rule.check {
        Check::Dormant => vec![(
            with_live(include_str!("sql/dormant.sql")),
            vec![time, days, list(&kinds(rule))?],
        )],
        Check::UnusedEntitlement => vec![(
            with_live(include_str!("sql/unused_entitlement.sql")),
            vec![time, days, list(&rule.entitlement_kinds)?],
        )],
        Check::AfterDeactivation => vec![(
            sql(include_str!("sql/after_deactivation.sql")),
            vec![time, Value::Boolean(false), list(&[])?],
        )],
        Check::TokenAfterDeactivation => vec![(
            sql(include_str!("sql/after_deactivation.sql")),
            vec![time, Value::Boolean(true), list(&rule.credential_actions)?],
        )],
        Check::ShadowIdentity => vec![(
            with_shared(
                "unknown(actor, alt_id, actor_type, display, formats, events, first_seen, \
                 last_seen, evidence)",
                UNKNOWN_ACTORS_QUERY,
                include_str!("sql/shadow_identity.sql"),
            ),
            vec![
                time,
                list(&rule.ignore_actors)?,
                list(&rule.ignore_actor_types)?,
            ],
        )],
        Check::OrphanedIdentity => vec![(
            with_shared(
                "ownerless(identity_key, kind, name, active, reason, owners, snapshot_id, \
                 user_name, relations)",
                OWNERLESS_QUERY,
                include_str!("sql/orphaned_identity.sql"),
            ),
            vec![list(&kinds(rule))?, list(&rule.relations)?],
        )],
        Check::PrivilegeThroughNesting => {
            vec![(
                with_live(include_str!("sql/privilege_through_nesting.sql")),
                vec![],
            )]
        }
        Check::ApprovalUnchanged => vec![(
            with_live(include_str!("sql/approvals.sql")),
            vec![Value::Boolean(false), decided_until(as_of)],
        )],
        Check::ApprovalChanged => vec![(
            with_live(include_str!("sql/approvals.sql")),
            vec![Value::Boolean(true), decided_until(as_of)],
        )],
        Check::StaleCredential => {
            let window = Value::BigInt(i64::from(rule.certificate_days.unwrap_or(0)));
            vec![
                (
                    sql(include_str!("sql/stale_credential.sql")),
                    vec![
                        time.clone(),
                        days,
                        list(&rule.credential_kinds)?,
                        list(&rule.short_lived_prefixes)?,
                    ],
                ),
                (
                    with_live(include_str!("sql/stale_certificate.sql")),
                    vec![time, window],
                ),
            ]
        }
        Check::UnreadableCertificate => {
            vec![(
                with_live(include_str!("sql/unreadable_certificate.sql")),
                vec![],
            )]
        }
    })
}
