//! Loading mapped events into the case: staged through DuckDB's Appender, then
//! de-duplicated against the case in SQL, all inside the source's transaction.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use duckdb::{Connection, params};

use super::event::{MappedEvent, Partial};
use crate::Result;
use crate::case::deprovisioning::DEPROVISIONING;

/// An event ready for the `events` table.
pub struct EventRow {
    pub record_pos: i64,
    pub content_sha256: String,
    pub ts: NaiveDateTime,
    pub mapped: MappedEvent,
    pub raw: String,
}

/// What loading one source's events did.
#[derive(Debug, Default, Clone, Copy)]
pub struct LoadCounts {
    pub imported: i64,
    pub duplicates: i64,
    pub collisions: i64,
}

/// Loads `rows` of `format` for `source_id`. Duplicates (same natural key and content,
/// in this file or already in the case) are dropped; natural-key collisions (same key,
/// other content) are kept and recorded in `event_collisions`.
pub fn load_events(
    conn: &Connection,
    source_id: i64,
    format: &str,
    rows: Vec<EventRow>,
    on_appended: &mut dyn FnMut(usize, usize),
) -> Result<LoadCounts> {
    let (rows, in_file_duplicates, in_file_collisions) = dedupe_in_file(rows);
    let first_key: i64 = conn.query_row(
        "SELECT coalesce(max(event_key), 0) + 1 FROM events",
        [],
        |r| r.get(0),
    )?;

    conn.execute_batch("CREATE TABLE import_stage_events AS SELECT * FROM events LIMIT 0")?;
    {
        let mut appender = conn.appender("import_stage_events")?;
        for (index, row) in rows.iter().enumerate() {
            if index % 1024 == 0 {
                on_appended(index, rows.len());
            }
            append_event(
                &mut appender,
                first_key + index as i64,
                source_id,
                format,
                row,
            )?;
        }
        appender.flush()?;
    }
    let counts = merge_stage(conn, first_key, &in_file_collisions, format)?;
    conn.execute_batch("DROP TABLE import_stage_events")?;
    Ok(LoadCounts {
        imported: counts.imported,
        duplicates: counts.duplicates + in_file_duplicates,
        collisions: counts.collisions + in_file_collisions.len() as i64,
    })
}

/// The rows left after merging partial records, with what the merge did.
pub struct Merged {
    pub rows: Vec<EventRow>,
    /// Rows dropped because a more complete record of the same event is kept.
    pub dropped: i64,
    /// Keys whose records disagree in an agreed field, in file order.
    pub conflicts: Vec<(String, Vec<&'static str>)>,
}

/// Keeps, of the rows that are partial records of one logical event, those of the highest
/// rank. A lower-ranked row is dropped only when it agrees with one of those, so a record
/// that conflicts with the rest of its event is kept as an event of its own. Rows keep
/// their file order.
pub fn merge_partials(rows: Vec<EventRow>) -> Merged {
    let partials = || rows.iter().filter_map(|r| r.mapped.partial.as_ref());
    let mut best: HashMap<&str, u8> = HashMap::new();
    for partial in partials() {
        let rank = best.entry(partial.key.as_str()).or_default();
        *rank = (*rank).max(partial.rank);
    }
    // Per key, the first value of each agreed field: over the top-ranked records, and over
    // all. A record differs from a reference exactly when it conflicts with the record
    // that supplied the value, so one pass finds every conflict.
    let mut top: HashMap<&str, Partial> = HashMap::new();
    let mut all: HashMap<&str, Partial> = HashMap::new();
    for partial in partials() {
        let key = partial.key.as_str();
        if best[key] == partial.rank {
            fill_reference(top.entry(key).or_insert_with(|| partial.clone()), partial);
        }
        fill_reference(all.entry(key).or_insert_with(|| partial.clone()), partial);
    }
    let keep: Vec<bool> = rows
        .iter()
        .map(|row| {
            row.mapped.partial.as_ref().is_none_or(|p| {
                let key = p.key.as_str();
                p.rank == best[key] || !p.conflicts(&top[key]).is_empty()
            })
        })
        .collect();

    let mut conflicts: Vec<(String, Vec<&'static str>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for partial in partials() {
        let fields = partial.conflicts(&all[partial.key.as_str()]);
        if fields.is_empty() {
            continue;
        }
        let at = *index.entry(partial.key.as_str()).or_insert_with(|| {
            conflicts.push((partial.key.clone(), Vec::new()));
            conflicts.len() - 1
        });
        conflicts[at].1.extend(fields);
    }
    for (_, fields) in &mut conflicts {
        fields.sort_unstable();
        fields.dedup();
    }

    let dropped = keep.iter().filter(|k| !**k).count() as i64;
    let rows = rows
        .into_iter()
        .zip(keep)
        .filter_map(|(row, keep)| keep.then_some(row))
        .collect();
    Merged {
        rows,
        dropped,
        conflicts,
    }
}

/// Fills each agreed field of `reference` that has no value yet from `partial`.
fn fill_reference(reference: &mut Partial, partial: &Partial) {
    for ((_, value), (_, other)) in reference.agreed.iter_mut().zip(&partial.agreed) {
        if value.is_none() {
            value.clone_from(other);
        }
    }
}

/// Counts the events of `source_id` whose correlation id an event of another source of
/// the same format already has under another event id: further records of a logical event
/// imported before. A record with the same event id is a duplicate or a collision instead.
pub fn count_continued(conn: &Connection, source_id: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM events e
         WHERE e.source_id = ? AND e.correlation_id IS NOT NULL
           AND EXISTS (SELECT 1 FROM events p
                       WHERE p.source_format = e.source_format
                         AND p.source_id <> e.source_id
                         AND p.correlation_id = e.correlation_id
                         AND p.event_id IS DISTINCT FROM e.event_id)",
        params![source_id],
        |r| r.get(0),
    )?)
}

fn natural_key(row: &EventRow) -> &str {
    row.mapped
        .event_id
        .as_deref()
        .unwrap_or(&row.content_sha256)
}

/// Drops repeats inside the file and pairs up collisions by their index in the kept rows.
fn dedupe_in_file(rows: Vec<EventRow>) -> (Vec<EventRow>, i64, Vec<(usize, usize)>) {
    let mut seen: HashMap<String, Vec<(String, usize)>> = HashMap::new();
    let mut kept = Vec::with_capacity(rows.len());
    let mut duplicates = 0;
    let mut collisions = Vec::new();
    for row in rows {
        let key = natural_key(&row).to_string();
        let earlier = seen.entry(key).or_default();
        if earlier.iter().any(|(sha, _)| *sha == row.content_sha256) {
            duplicates += 1;
            continue;
        }
        if let Some((_, first)) = earlier.first() {
            collisions.push((kept.len(), *first));
        }
        earlier.push((row.content_sha256.clone(), kept.len()));
        kept.push(row);
    }
    (kept, duplicates, collisions)
}

fn append_event(
    appender: &mut duckdb::Appender<'_>,
    key: i64,
    source_id: i64,
    format: &str,
    row: &EventRow,
) -> Result<()> {
    let m = &row.mapped;
    let outcome = m.outcome.map_or("unknown", |o| o.as_str());
    let targets = serde_json::Value::Array(m.targets.clone()).to_string();
    let links = serde_json::to_string(&m.links)?;
    appender.append_row(params![
        key,
        source_id,
        row.record_pos,
        m.event_id,
        row.content_sha256,
        row.ts,
        m.ts_original,
        m.ts_note,
        format,
        m.category,
        m.action,
        outcome,
        m.reason,
        m.actor_id,
        m.actor_alt_id,
        m.actor_type,
        m.actor_display,
        m.session_id,
        m.correlation_id,
        m.request_id,
        m.client_ip,
        targets,
        row.raw,
        links,
        m.ts_end,
    ])?;
    Ok(())
}

/// Each staged event with its natural key, its hash and how it relates to the case: a
/// duplicate (same key and content) or a collision with the earliest event of the same
/// key and other content. Candidates come from `event_key_hashes`, so the statement scans
/// an integer column of the case rather than its event ids and content hashes. Each hash
/// match is then confirmed on the text.
const STAGE_STATUS: &str = "
CREATE TABLE import_stage_status AS
WITH staged AS (
    SELECT s.event_key, s.source_format, s.content_sha256,
           coalesce(s.event_id, s.content_sha256) AS natural_key,
           md5_number_lower(s.source_format || chr(31) || coalesce(s.event_id, s.content_sha256)) AS key_hash
    FROM import_stage_events s
),
matched AS (
    SELECT st.event_key AS staged_key, e.event_key, e.content_sha256 = st.content_sha256 AS same_content
    FROM staged st
    JOIN event_key_hashes h ON h.key_hash = st.key_hash
    JOIN events e ON e.event_key = h.event_key
    WHERE e.source_format = st.source_format
      AND coalesce(e.event_id, e.content_sha256) = st.natural_key
)
SELECT st.event_key, st.natural_key, st.key_hash,
       coalesce(bool_or(m.same_content), false) AS duplicate,
       min(m.event_key) FILTER (WHERE NOT m.same_content) AS earlier_key
FROM staged st LEFT JOIN matched m ON m.staged_key = st.event_key
GROUP BY ALL";

/// Adds the targets of the kept staged events that deprovision an identity to
/// `deprovisioning_targets`, in the form of the migration that created the table.
const STAGE_DEPROVISIONING: &str = "
INSERT INTO deprovisioning_targets
SELECT event_key, ts, lower(target) FROM (
    SELECT s.event_key, s.ts,
           unnest(list_concat(json_extract_string(s.targets, '$[*].id'),
                              json_extract_string(s.targets, '$[*].alternate_id'))) AS target
    FROM import_stage_events s JOIN import_stage_status t USING (event_key)
    WHERE NOT t.duplicate AND regexp_matches(lower(s.action), $1)
)
WHERE target IS NOT NULL";

/// Moves staged events into `events`, skipping those the case already has and
/// recording collisions with events of earlier sources.
fn merge_stage(
    conn: &Connection,
    first_key: i64,
    in_file: &[(usize, usize)],
    format: &str,
) -> Result<LoadCounts> {
    conn.execute_batch(STAGE_STATUS)?;
    let (duplicates, collisions): (i64, i64) = conn.query_row(
        "SELECT count(*) FILTER (WHERE duplicate),
                count(*) FILTER (WHERE NOT duplicate AND earlier_key IS NOT NULL)
         FROM import_stage_status",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    conn.execute(
        "INSERT INTO event_collisions
         SELECT ?, natural_key, event_key, earlier_key FROM import_stage_status
         WHERE NOT duplicate AND earlier_key IS NOT NULL",
        params![format],
    )?;
    {
        let mut appender = conn.appender("event_collisions")?;
        for (later, earlier) in in_file {
            appender.append_row(params![
                format,
                "",
                first_key + *later as i64,
                first_key + *earlier as i64
            ])?;
        }
    }
    conn.execute_batch(
        "UPDATE event_collisions c SET event_id = coalesce(e.event_id, e.content_sha256)
         FROM import_stage_events e WHERE c.event_id = '' AND e.event_key = c.event_key;
         INSERT INTO events
         SELECT s.* FROM import_stage_events s JOIN import_stage_status t USING (event_key)
         WHERE NOT t.duplicate;
         INSERT INTO event_key_hashes
         SELECT key_hash, event_key FROM import_stage_status WHERE NOT duplicate;",
    )?;
    conn.execute(STAGE_DEPROVISIONING, params![DEPROVISIONING])?;
    conn.execute_batch("DROP TABLE import_stage_status")?;
    let staged: i64 =
        conn.query_row("SELECT count(*) FROM import_stage_events", [], |r| r.get(0))?;
    Ok(LoadCounts {
        imported: staged - duplicates,
        duplicates,
        collisions,
    })
}
