//! Writing SCIM resources into a snapshot's identity tables.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use duckdb::{Connection, params};

use super::scim::Resource;
use crate::Result;

/// What loading one file's resources did.
#[derive(Debug, Default, Clone, Copy)]
pub struct ScimCounts {
    pub imported: i64,
    pub duplicates: i64,
}

/// A resource with where it was read.
pub struct Placed {
    pub record_pos: i64,
    pub resource: Resource,
}

/// Loads resources into `snapshot_id`. A resource repeated in this file or in an earlier
/// file of the same snapshot (overlapping pages) is kept once: see [`Freshness`].
pub fn load(
    conn: &Connection,
    snapshot_id: i64,
    source_id: i64,
    placed: Vec<Placed>,
) -> Result<ScimCounts> {
    let read = placed.len() as i64;
    let newest = newest_per_key(placed);
    let existing = existing_versions(conn, snapshot_id)?;
    let mut replaced = Vec::new();
    let mut keep = Vec::new();
    for item in newest {
        match existing.get(&item.resource.identity_key) {
            Some(old) if *old > Freshness::of(&item.resource) => continue,
            Some(_) => {
                replaced.push(item.resource.identity_key.clone());
                keep.push(item);
            }
            None => keep.push(item),
        }
    }
    delete_keys(conn, snapshot_id, &replaced)?;
    append_all(conn, snapshot_id, source_id, &keep)?;
    refresh_group_entitlements(conn, snapshot_id)?;
    let imported = keep.len() as i64;
    Ok(ScimCounts {
        imported,
        duplicates: read - imported,
    })
}

/// The recency of a copy of a resource: by `meta.lastModified`, then by `meta.version` when
/// both copies carry a number there (an ETag such as `W/"3"`). Opaque ETags cannot be
/// ordered, so two copies equal on both count as equally new and the later one read wins.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Freshness {
    last_modified: Option<NaiveDateTime>,
    version: Option<u64>,
}

impl Freshness {
    fn of(resource: &Resource) -> Freshness {
        Freshness::new(resource.last_modified, resource.version.as_deref())
    }

    fn new(last_modified: Option<NaiveDateTime>, version: Option<&str>) -> Freshness {
        Freshness {
            last_modified,
            version: version.and_then(version_number),
        }
    }
}

/// Returns the number in an ETag like `W/"3"` or `"17"`, if it contains nothing else.
fn version_number(etag: &str) -> Option<u64> {
    let text = etag.trim();
    let text = text
        .strip_prefix("W/")
        .or_else(|| text.strip_prefix("W\\/"))
        .unwrap_or(text);
    text.trim_matches(|c| c == '"' || c == '\\').parse().ok()
}

fn newest_per_key(placed: Vec<Placed>) -> Vec<Placed> {
    let mut by_key: HashMap<String, Placed> = HashMap::new();
    let mut order = Vec::new();
    for item in placed {
        let key = item.resource.identity_key.clone();
        match by_key.get(&key) {
            Some(old) if Freshness::of(&old.resource) > Freshness::of(&item.resource) => {}
            Some(_) => {
                by_key.insert(key, item);
            }
            None => {
                order.push(key.clone());
                by_key.insert(key, item);
            }
        }
    }
    order
        .into_iter()
        .filter_map(|k| by_key.remove(&k))
        .collect()
}

fn existing_versions(conn: &Connection, snapshot_id: i64) -> Result<HashMap<String, Freshness>> {
    let mut stmt = conn.prepare(
        "SELECT identity_key, last_modified, version FROM identities WHERE snapshot_id = ?",
    )?;
    let rows = stmt.query_map(params![snapshot_id], |r| {
        let version: Option<String> = r.get(2)?;
        Ok((r.get(0)?, Freshness::new(r.get(1)?, version.as_deref())))
    })?;
    Ok(rows.collect::<Result<HashMap<_, _>, _>>()?)
}

fn delete_keys(conn: &Connection, snapshot_id: i64, keys: &[String]) -> Result<()> {
    if keys.is_empty() {
        return Ok(());
    }
    let list = serde_json::to_string(keys)?;
    for (table, column) in [
        ("identities", "identity_key"),
        ("identity_relations", "identity_key"),
        ("memberships", "group_key"),
        ("entitlements", "identity_key"),
        ("certificates", "identity_key"),
        ("identity_identifiers", "identity_key"),
    ] {
        // Table and column names are the fixed list above; the keys are bound.
        let sql = format!(
            "DELETE FROM {table} WHERE snapshot_id = ? AND list_contains(from_json(?::JSON, '[\"VARCHAR\"]'), {column})"
        );
        conn.execute(&sql, params![snapshot_id, list])?;
    }
    Ok(())
}

fn append_all(conn: &Connection, snapshot_id: i64, source_id: i64, items: &[Placed]) -> Result<()> {
    let mut identities = conn.appender("identities")?;
    for item in items {
        let r = &item.resource;
        identities.append_row(params![
            snapshot_id,
            source_id,
            item.record_pos,
            r.identity_key,
            r.resource_type,
            r.scim_id,
            r.external_id,
            r.user_name,
            r.display_name,
            r.kind.as_str(),
            r.user_type,
            r.active,
            r.owner,
            r.created,
            r.last_modified,
            r.version,
            serde_json::to_string(&r.schemas)?,
            serde_json::to_string(&r.emails)?,
            r.raw,
            r.primary_email,
            r.employee_number,
            r.department,
            serde_json::to_string(&r.extensions)?,
            serde_json::to_string(&r.protocols)?,
        ])?;
    }
    identities.flush()?;
    drop(identities);

    let mut relations = conn.appender("identity_relations")?;
    let mut memberships = conn.appender("memberships")?;
    let mut entitlements = conn.appender("entitlements")?;
    for item in items {
        let r = &item.resource;
        for (relation, value) in &r.relations {
            relations.append_row(params![snapshot_id, r.identity_key, relation, value])?;
        }
        for member in &r.members {
            memberships.append_row(params![
                snapshot_id,
                r.identity_key,
                member.value,
                member.kind,
                member.display,
                member.reference,
            ])?;
        }
        for (kind, value, display, via) in &r.entitlements {
            entitlements.append_row(params![
                snapshot_id,
                r.identity_key,
                kind,
                value,
                display,
                via
            ])?;
        }
    }
    relations.flush()?;
    memberships.flush()?;
    entitlements.flush()?;
    drop((relations, memberships, entitlements));
    append_details(conn, snapshot_id, items)
}

/// Appends each resource's certificates and the identifiers audit logs may use.
fn append_details(conn: &Connection, snapshot_id: i64, items: &[Placed]) -> Result<()> {
    let mut certificates = conn.appender("certificates")?;
    let mut identifiers = conn.appender("identity_identifiers")?;
    for item in items {
        let r = &item.resource;
        for cert in &r.certificates {
            let info = cert.info.as_ref();
            certificates.append_row(params![
                snapshot_id,
                r.identity_key,
                cert.position,
                cert.primary,
                cert.display,
                info.and_then(|i| i.subject.clone()),
                info.map(|i| i.not_before),
                info.map(|i| i.not_after),
                cert.error,
            ])?;
        }
        for (kind, value) in &r.identifiers {
            identifiers.append_row(params![snapshot_id, r.identity_key, kind, value])?;
        }
    }
    Ok(())
}

/// Derives one group entitlement per direct membership, so a member's grants can be
/// listed without walking the groups.
fn refresh_group_entitlements(conn: &Connection, snapshot_id: i64) -> Result<()> {
    conn.execute(
        "DELETE FROM entitlements WHERE snapshot_id = ? AND granted_via LIKE 'member of %'",
        params![snapshot_id],
    )?;
    conn.execute(
        "INSERT INTO entitlements
         SELECT m.snapshot_id, u.identity_key, 'group', g.scim_id, g.display_name,
                'member of ' || g.identity_key
         FROM memberships m
         JOIN identities g ON g.snapshot_id = m.snapshot_id AND g.identity_key = m.group_key
         JOIN identities u ON u.snapshot_id = m.snapshot_id AND u.scim_id = m.member_value
                          AND u.identity_key <> g.identity_key
         WHERE m.snapshot_id = ?",
        params![snapshot_id],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etag_numbers_read() {
        assert_eq!(version_number("W/\"3\""), Some(3));
        assert_eq!(version_number("\"17\""), Some(17));
        assert_eq!(version_number("W\\/\"4\""), Some(4));
        assert_eq!(version_number("W/\"e180ee84f0671b1\""), None);
    }

    #[test]
    fn newer_version_wins_on_equal_time() {
        let older = Freshness::new(None, Some("W/\"2\""));
        let newer = Freshness::new(None, Some("W/\"10\""));
        assert!(newer > older);
    }

    #[test]
    fn later_time_beats_version() {
        let time = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").ok();
        let early = Freshness::new(time("2026-01-01 00:00"), Some("9"));
        let late = Freshness::new(time("2026-02-01 00:00"), Some("1"));
        assert!(late > early);
    }
}
