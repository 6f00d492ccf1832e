//! Bookmarks: events an analyst marked during a review, with notes.

use duckdb::params;
use serde::{Deserialize, Serialize};

use super::{Case, format_ts};
use crate::{Error, Result};

/// A bookmark with enough of its event to find it again without the case: the event's
/// time, action and source file position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bookmark {
    pub bookmark_id: i64,
    pub event_key: i64,
    pub note: Option<String>,
    pub author: String,
    /// RFC 3339 UTC.
    pub created_at: String,
    pub event_id: Option<String>,
    pub event_ts: String,
    pub source_format: String,
    pub action: String,
    pub actor_id: Option<String>,
    pub source_path: String,
    pub source_sha256: String,
    pub record_pos: i64,
}

const BOOKMARKS_QUERY: &str = "
SELECT b.bookmark_id, b.event_key, b.note, b.author, b.created_at, e.event_id, e.ts,
       e.source_format, e.action, e.actor_id, s.path, s.sha256, e.record_pos
FROM bookmarks b
JOIN events e USING (event_key)
JOIN sources s ON s.source_id = e.source_id
ORDER BY b.bookmark_id";

impl Case {
    /// Bookmarks the event that `event` names, by its event key or its source's event id,
    /// and returns the bookmark as stored.
    pub fn add_bookmark(&self, event: &str, note: Option<&str>, author: &str) -> Result<Bookmark> {
        if self.read_only {
            return Err(Error::InvalidInput(
                "the case is open read-only (--read-only), so bookmarks cannot be added".into(),
            ));
        }
        if author.trim().is_empty() {
            return Err(Error::InvalidInput("the author must not be empty".into()));
        }
        let event_key = self.resolve_event(event)?;
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        let id = self.transaction(|conn| {
            let id: i64 = conn.query_row(
                "SELECT coalesce(max(bookmark_id), 0) + 1 FROM bookmarks",
                [],
                |row| row.get(0),
            )?;
            let now = format_ts(&chrono::Utc::now().naive_utc());
            conn.execute(
                "INSERT INTO bookmarks VALUES (?, ?, ?, ?, ?::TIMESTAMP)",
                params![
                    id,
                    event_key,
                    note,
                    author.trim(),
                    now.trim_end_matches('Z')
                ],
            )?;
            Ok(id)
        })?;
        self.bookmarks()?
            .into_iter()
            .find(|b| b.bookmark_id == id)
            .ok_or_else(|| Error::InvalidInput(format!("bookmark {id} was not stored")))
    }

    /// Returns every bookmark in the order they were made.
    pub fn bookmarks(&self) -> Result<Vec<Bookmark>> {
        let mut stmt = self.conn.prepare(BOOKMARKS_QUERY)?;
        let rows = stmt.query_map([], |row| {
            let created: chrono::NaiveDateTime = row.get(4)?;
            let ts: chrono::NaiveDateTime = row.get(6)?;
            Ok(Bookmark {
                bookmark_id: row.get(0)?,
                event_key: row.get(1)?,
                note: row.get(2)?,
                author: row.get(3)?,
                created_at: format_ts(&created),
                event_id: row.get(5)?,
                event_ts: format_ts(&ts),
                source_format: row.get(7)?,
                action: row.get(8)?,
                actor_id: row.get(9)?,
                source_path: row.get(10)?,
                source_sha256: row.get(11)?,
                record_pos: row.get(12)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Finds the event key of `event`: an event key, or an event id that one event has.
    fn resolve_event(&self, event: &str) -> Result<i64> {
        let mut stmt = self.conn.prepare(
            "SELECT event_key FROM events
             WHERE event_key = TRY_CAST($1 AS BIGINT) OR event_id = $1
             ORDER BY event_key LIMIT 3",
        )?;
        let keys = stmt
            .query_map(params![event], |row| row.get::<_, i64>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        match keys.as_slice() {
            [key] => Ok(*key),
            [] => Err(Error::InvalidInput(format!(
                "no event has the key or event id {event:?}; `trace` shows each event's key as #KEY"
            ))),
            _ => Err(Error::InvalidInput(format!(
                "several events match {event:?} (event keys {keys:?}); bookmark one by its event key"
            ))),
        }
    }
}
