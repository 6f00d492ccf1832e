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
/// file of the same snapshot (overlapping pages) is kept once: the copy with the newest
/// `meta.lastModified`, and the later one on a tie.
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
            Some(old) if *old > item.resource.last_modified => continue,
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

fn newest_per_key(placed: Vec<Placed>) -> Vec<Placed> {
    let mut by_key: HashMap<String, Placed> = HashMap::new();
    let mut order = Vec::new();
    for item in placed {
        let key = item.resource.identity_key.clone();
        match by_key.get(&key) {
            Some(old) if old.resource.last_modified > item.resource.last_modified => {}
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

fn existing_versions(
    conn: &Connection,
    snapshot_id: i64,
) -> Result<HashMap<String, Option<NaiveDateTime>>> {
    let mut stmt =
        conn.prepare("SELECT identity_key, last_modified FROM identities WHERE snapshot_id = ?")?;
    let rows = stmt.query_map(params![snapshot_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
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
        for (value, member_type, display) in &r.members {
            memberships.append_row(params![
                snapshot_id,
                r.identity_key,
                value,
                member_type,
                display
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
