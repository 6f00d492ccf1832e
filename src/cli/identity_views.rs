//! `identities` and its views: actors no identity matches, non-human identities without
//! an active owner, and one identity's effective entitlements.

use std::path::Path;

use crate::case::Case;
use crate::review::findings;
use crate::review::rules::RuleSet;

use super::listing::{self, ListArgs, ListFormat};
use super::output::{self, or_dash};

#[derive(Debug, clap::Args)]
pub struct IdentitiesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,

    /// List the actors seen in events that match no identity (shadow accounts) instead.
    #[arg(long, conflicts_with_all = ["no_active_owner", "entitlements"])]
    pub unknown: bool,

    /// List the agents, services and other non-human identities that have no active
    /// owner, sponsor or manager instead.
    #[arg(long, conflicts_with = "entitlements")]
    pub no_active_owner: bool,

    /// List the effective entitlements of one identity (key, SCIM id, externalId,
    /// userName or email), with the group path that grants each.
    #[arg(long, value_name = "IDENTITY")]
    pub entitlements: Option<String>,
}

pub fn run(case_path: &Path, args: IdentitiesArgs) -> anyhow::Result<()> {
    if args.unknown {
        return unknown(case_path, args.format);
    }
    if args.no_active_owner {
        return ownerless(case_path, args.format);
    }
    if let Some(identity) = &args.entitlements {
        return entitlements(case_path, identity, args.format);
    }
    listing::identities(
        case_path,
        ListArgs {
            format: args.format,
        },
    )
}

fn unknown(case_path: &Path, format: ListFormat) -> anyhow::Result<()> {
    let case = Case::open_read_only(case_path)?;
    let (ignore, ignore_types) = findings::ignored_actors(&RuleSet::builtin());
    let actors = case.unknown_actors(&ignore, &ignore_types)?;
    if format == ListFormat::Json {
        return output::print_json(&serde_json::json!({ "unknown_actors": actors }));
    }
    let rows: Vec<Vec<String>> = actors
        .iter()
        .map(|a| {
            vec![
                a.actor.clone(),
                or_dash(a.actor_type.as_deref()),
                or_dash(a.display.as_deref()),
                a.formats.clone(),
                a.events.to_string(),
                a.first_seen.clone(),
                a.last_seen.clone(),
            ]
        })
        .collect();
    output::print_table(
        &[
            "ACTOR",
            "TYPE",
            "DISPLAY",
            "SOURCES",
            "EVENTS",
            "FIRST SEEN",
            "LAST SEEN",
        ],
        &rows,
    )
}

fn ownerless(case_path: &Path, format: ListFormat) -> anyhow::Result<()> {
    let case = Case::open_read_only(case_path)?;
    let (kinds, relations) = findings::owner_settings(&RuleSet::builtin());
    let identities = case.ownerless_identities(&kinds, &relations)?;
    if format == ListFormat::Json {
        return output::print_json(&serde_json::json!({ "ownerless": identities }));
    }
    let rows: Vec<Vec<String>> = identities
        .iter()
        .map(|i| {
            vec![
                i.identity_key.clone(),
                i.kind.clone(),
                i.name.clone(),
                state(i.active),
                i.reason.clone(),
                or_dash(i.owners.as_deref()),
            ]
        })
        .collect();
    output::print_table(&["KEY", "KIND", "NAME", "STATE", "REASON", "OWNERS"], &rows)
}

fn entitlements(case_path: &Path, identity: &str, format: ListFormat) -> anyhow::Result<()> {
    let case = Case::open_read_only(case_path)?;
    let key = case.resolve_identity(identity)?;
    let grants = case.effective_entitlements(&key)?;
    if format == ListFormat::Json {
        return output::print_json(&serde_json::json!({
            "identity_key": key,
            "entitlements": grants,
        }));
    }
    let rows: Vec<Vec<String>> = grants
        .iter()
        .map(|g| {
            vec![
                g.kind.clone(),
                g.value.clone(),
                or_dash(g.display.as_deref()),
                g.granted_via.clone(),
                path_text(&g.path),
            ]
        })
        .collect();
    output::print_table(&["KIND", "VALUE", "DISPLAY", "GRANTED VIA", "PATH"], &rows)
}

/// Writes a group path without the `Group/` of each key, so that long paths fit the
/// cells a terminal cuts; `--format json` gives the keys whole.
fn path_text(path: &[String]) -> String {
    if path.is_empty() {
        return "-".to_string();
    }
    path.iter()
        .map(|key| key.strip_prefix("Group/").unwrap_or(key))
        .collect::<Vec<_>>()
        .join(" > ")
}

fn state(active: Option<bool>) -> String {
    match active {
        Some(true) => "active".into(),
        Some(false) => "inactive".into(),
        None => "-".into(),
    }
}
