//! `event_identifiers`: every identifier an event carries, stored sorted by a hash of its
//! value so that a trace finds a value's events through DuckDB's zone maps, without an
//! index held in memory.

use duckdb::{Connection, params};

use super::Case;
use crate::Result;

/// The number of sorted runs above which the table is sorted again as one run. A lookup
/// reads about one row group per run, so the bound keeps a value lookup to a few row
/// groups after many small imports, while a large import pays for one sort of its own rows.
pub const MAX_RUNS: i64 = 8;

/// Builds the query for the identifiers of the events that `filter` (a condition on
/// `events`) selects, one row per (value_hash, value, kind, role, event_key): the correlation, session, request and
/// event ids (role `column`, kind the column name) and each link (kind and role as in the
/// link). One scan of `events` reads them all.
pub fn identifiers_of(filter: &str) -> String {
    format!(
        "SELECT md5_number_lower(id.value) AS value_hash, id.value AS value, id.kind AS kind,
                id.role AS role, event_key
         FROM (
             SELECT event_key, unnest(list_concat(
                 [{{'value': correlation_id, 'kind': 'correlation_id', 'role': 'column'}},
                  {{'value': session_id, 'kind': 'session_id', 'role': 'column'}},
                  {{'value': request_id, 'kind': 'request_id', 'role': 'column'}},
                  {{'value': event_id, 'kind': 'event_id', 'role': 'column'}}],
                 from_json(links, '[{{\"value\": \"VARCHAR\", \"kind\": \"VARCHAR\", \"role\": \"VARCHAR\"}}]')
             )) AS id
             FROM events WHERE {filter}
         )
         WHERE id.value IS NOT NULL"
    )
}

/// The outcome of [`Case::index_identifiers`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Indexed {
    /// Identifiers added for events that had none in the table.
    pub added: i64,
    /// True when the runs were merged into one sorted run.
    pub merged: bool,
}

impl Case {
    /// Adds the identifiers of the events that have none in `event_identifiers` yet (those
    /// after the last run's key) as one sorted run, in one transaction. Import calls this
    /// after its files, and opening a case for writing calls it to finish an import that was
    /// stopped before it.
    pub fn index_identifiers(&self) -> Result<Indexed> {
        self.transaction(index)
    }
}

/// Indexes the events that have no identifiers yet, inside the caller's transaction
/// ([`Case::index_identifiers`]).
pub(crate) fn index(conn: &Connection) -> Result<Indexed> {
    let (indexed, last): (i64, i64) = conn.query_row(
        "SELECT (SELECT coalesce(max(last_event_key), 0) FROM identifier_runs),
                (SELECT coalesce(max(event_key), 0) FROM events)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if last <= indexed {
        return Ok(Indexed::default());
    }
    let added = conn.execute(
        &format!(
            "INSERT INTO event_identifiers {} ORDER BY value_hash, role, event_key",
            identifiers_of("event_key > $1")
        ),
        params![indexed],
    )? as i64;
    conn.execute(
        "INSERT INTO identifier_runs
         SELECT coalesce(max(run), 0) + 1, $1, $2 FROM identifier_runs",
        params![last, added],
    )?;
    let merged = merge_runs(conn)?;
    Ok(Indexed { added, merged })
}

/// Sorts the table again as one run when it has more than [`MAX_RUNS`] runs.
fn merge_runs(conn: &Connection) -> Result<bool> {
    let runs: i64 = conn.query_row("SELECT count(*) FROM identifier_runs", [], |r| r.get(0))?;
    if runs <= MAX_RUNS {
        return Ok(false);
    }
    conn.execute_batch(
        "CREATE TEMP TABLE identifiers_sorted AS
         SELECT * FROM event_identifiers ORDER BY value_hash, role, event_key;
         DELETE FROM event_identifiers;
         INSERT INTO event_identifiers SELECT * FROM identifiers_sorted;
         DROP TABLE identifiers_sorted;
         CREATE TEMP TABLE runs_merged AS
         SELECT 1 AS run, max(last_event_key) AS last_event_key, sum(identifiers)::BIGINT AS identifiers
         FROM identifier_runs;
         DELETE FROM identifier_runs;
         INSERT INTO identifier_runs SELECT * FROM runs_merged;
         DROP TABLE runs_merged;",
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adds events `from..to` to the case, each with a session id shared by ten events, its
    /// own event id and one link.
    fn add_events(case: &Case, from: i64, to: i64) {
        case.conn
            .execute(
                "INSERT INTO events (event_key, source_id, record_pos, event_id, content_sha256,
                     ts, ts_original, source_format, action, outcome, targets, raw, session_id,
                     links)
                 SELECT i, 1, i, 'e-' || i::VARCHAR, 'x', TIMESTAMP '2026-11-02 00:00:00', '',
                     'okta', 'a', 'success', '[]', '{}', 's-' || (i // 10)::VARCHAR,
                     '[{\"kind\": \"token\", \"value\": \"t-' || i::VARCHAR || '\", \"role\": \"issued\"}]'
                 FROM range(?, ?) t(i)",
                params![from, to],
            )
            .unwrap();
    }

    fn count(case: &Case, sql: &str) -> i64 {
        case.conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn index_adds_new_events_as_run() {
        let dir = tempfile::TempDir::new().unwrap();
        let case = Case::open(&dir.path().join("case.duckdb")).unwrap();
        add_events(&case, 1, 101);
        assert_eq!(
            case.index_identifiers().unwrap(),
            Indexed {
                added: 300,
                merged: false
            }
        );
        assert_eq!(case.index_identifiers().unwrap(), Indexed::default());
        add_events(&case, 101, 111);
        assert_eq!(case.index_identifiers().unwrap().added, 30);
        assert_eq!(count(&case, "SELECT count(*) FROM identifier_runs"), 2);
        assert_eq!(
            count(
                &case,
                "SELECT count(*) FROM event_identifiers
                 WHERE value = 's-10' AND value_hash = md5_number_lower('s-10')"
            ),
            10
        );
        // Within a run the rows follow the hash.
        assert_eq!(
            count(
                &case,
                "SELECT count(*) FROM (
                     SELECT value_hash < lag(value_hash) OVER (ORDER BY rowid) AS back
                     FROM event_identifiers WHERE event_key <= 100)
                 WHERE back"
            ),
            0
        );
    }

    #[test]
    fn many_runs_merge_into_one_sorted_run() {
        let dir = tempfile::TempDir::new().unwrap();
        let case = Case::open(&dir.path().join("case.duckdb")).unwrap();
        for run in 0..=MAX_RUNS {
            add_events(&case, 1 + run * 10, 11 + run * 10);
            let indexed = case.index_identifiers().unwrap();
            assert_eq!(indexed.merged, run == MAX_RUNS);
        }
        assert_eq!(count(&case, "SELECT count(*) FROM identifier_runs"), 1);
        assert_eq!(
            count(&case, "SELECT max(last_event_key) FROM identifier_runs"),
            10 * (MAX_RUNS + 1)
        );
        assert_eq!(
            count(&case, "SELECT count(*) FROM event_identifiers"),
            30 * (MAX_RUNS + 1)
        );
        assert_eq!(
            count(
                &case,
                "SELECT count(*) FROM (
                     SELECT value_hash < lag(value_hash) OVER (ORDER BY rowid) AS back
                     FROM event_identifiers)
                 WHERE back"
            ),
            0
        );
    }

    /// An import stopped after its files but before indexing leaves events without
    /// identifiers; opening the case for writing adds them.
    #[test]
    fn opening_for_writing_indexes_pending_events() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("case.duckdb");
        {
            let case = Case::open(&path).unwrap();
            add_events(&case, 1, 21);
        }
        let case = Case::open(&path).unwrap();
        assert_eq!(count(&case, "SELECT count(*) FROM event_identifiers"), 60);
    }
}
