use serde::Serialize;

use super::{Case, format_ts};
use crate::{Error, Result};

/// One SCIM snapshot: when it was taken, on what basis, and what it contains.
#[derive(Debug, Clone, Serialize)]
pub struct SnapshotRecord {
    pub snapshot_id: i64,
    /// RFC 3339 UTC.
    pub taken_at: Option<String>,
    /// `option` (--taken-at), `meta.lastModified` or `file mtime`.
    pub taken_at_basis: String,
    pub identities: i64,
    /// The paths of the files imported into it.
    pub sources: Vec<String>,
}

/// Snapshots in time order: by `taken_at` (a missing time last), then by id.
const SNAPSHOT_QUERY: &str = "
SELECT s.snapshot_id, s.taken_at, s.taken_at_basis,
       (SELECT count(*) FROM identities i WHERE i.snapshot_id = s.snapshot_id),
       to_json(coalesce((SELECT list(path ORDER BY source_id) FROM sources src
                         WHERE src.snapshot_id = s.snapshot_id), []))::VARCHAR
FROM snapshots s
ORDER BY s.taken_at NULLS LAST, s.snapshot_id";

impl Case {
    /// Lists every snapshot, oldest first.
    pub fn snapshots(&self) -> Result<Vec<SnapshotRecord>> {
        let mut stmt = self.conn.prepare(SNAPSHOT_QUERY)?;
        let rows = stmt.query_map([], |row| {
            let taken_at: Option<chrono::NaiveDateTime> = row.get(1)?;
            let sources: String = row.get(4)?;
            Ok(SnapshotRecord {
                snapshot_id: row.get(0)?,
                taken_at: taken_at.as_ref().map(format_ts),
                taken_at_basis: row.get(2)?,
                identities: row.get(3)?,
                sources: serde_json::from_str(&sources).unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Picks the two snapshots to compare: `to` defaults to the newest snapshot and `from` to the
    /// one before `to` in time order.
    pub fn diff_pair(&self, from: Option<i64>, to: Option<i64>) -> Result<(i64, i64)> {
        let order: Vec<i64> = self.snapshots()?.iter().map(|s| s.snapshot_id).collect();
        let position = |id: i64| {
            order.iter().position(|&s| s == id).ok_or_else(|| {
                Error::NotFound(format!(
                    "no snapshot {id}; list them with `scimtrail snapshots`"
                ))
            })
        };
        let too_few = || {
            Error::InvalidInput(format!(
                "a diff needs two snapshots and the case has {}; import another SCIM snapshot (with --taken-at)",
                order.len()
            ))
        };
        let to_pos = match to {
            Some(id) => position(id)?,
            None => order.len().checked_sub(1).ok_or_else(too_few)?,
        };
        let from_pos = match from {
            Some(id) => position(id)?,
            None => to_pos.checked_sub(1).ok_or_else(too_few)?,
        };
        Ok((order[from_pos], order[to_pos]))
    }
}
