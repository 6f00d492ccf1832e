//! The case schema as numbered forward migrations, recorded in `schema_migrations`.
//!
//! A migration is never edited once released: a change to the schema is a new entry at
//! the end of [`MIGRATIONS`].

use duckdb::{Connection, params};

use crate::Result;

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "evidence model",
        sql: include_str!("migrations/0001_evidence_model.sql"),
    },
    Migration {
        version: 2,
        name: "event links",
        sql: include_str!("migrations/0002_event_links.sql"),
    },
    Migration {
        version: 3,
        name: "event end time",
        sql: include_str!("migrations/0003_event_end.sql"),
    },
    Migration {
        version: 4,
        name: "scim detail",
        sql: include_str!("migrations/0004_scim_detail.sql"),
    },
    Migration {
        version: 5,
        name: "bookmarks",
        sql: include_str!("migrations/0005_bookmarks.sql"),
    },
    Migration {
        version: 6,
        name: "review campaigns",
        sql: include_str!("migrations/0006_review_campaigns.sql"),
    },
    Migration {
        version: 7,
        name: "event key hashes",
        sql: include_str!("migrations/0007_event_key_hashes.sql"),
    },
    Migration {
        version: 8,
        name: "event identifiers",
        sql: include_str!("migrations/0008_event_identifiers.sql"),
    },
    Migration {
        version: 9,
        name: "deprovisioning targets",
        sql: include_str!("migrations/0009_deprovisioning_targets.sql"),
    },
    Migration {
        version: 10,
        name: "event actors",
        sql: include_str!("migrations/0010_event_actors.sql"),
    },
    Migration {
        version: 11,
        name: "lookups without ART indexes",
        sql: include_str!("migrations/0011_lookups_without_art.sql"),
    },
    Migration {
        version: 12,
        name: "identity activity",
        sql: include_str!("migrations/0012_identity_activity.sql"),
    },
    Migration {
        version: 13,
        name: "identity events",
        sql: include_str!("migrations/0013_identity_events.sql"),
    },
    Migration {
        version: 14,
        name: "identifiers sorted by role",
        sql: include_str!("migrations/0014_identifiers_by_role.sql"),
    },
];

/// The schema version this build reads and writes.
pub fn current_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Applies every migration newer than the case's version, each in its own transaction.
pub fn migrate(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY,
            name VARCHAR NOT NULL,
            applied_at TIMESTAMP NOT NULL
        )",
    )?;
    let applied = applied_version(conn)?;
    for migration in MIGRATIONS.iter().filter(|m| m.version > applied) {
        conn.execute_batch("BEGIN TRANSACTION")?;
        let result = conn.execute_batch(migration.sql).and_then(|_| {
            conn.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, now()::TIMESTAMP)",
                params![migration.version, migration.name],
            )
        });
        match result {
            Ok(_) => conn.execute_batch("COMMIT")?,
            Err(err) => {
                conn.execute_batch("ROLLBACK")?;
                return Err(err.into());
            }
        }
    }
    Ok(())
}

/// The newest migration recorded in the case, or 0 for a case without the table.
pub fn applied_version(conn: &Connection) -> Result<i64> {
    let exists: i64 = conn.query_row(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'",
        [],
        |row| row.get(0),
    )?;
    if exists == 0 {
        return Ok(0);
    }
    let version: Option<i64> =
        conn.query_row("SELECT max(version) FROM schema_migrations", [], |row| {
            row.get(0)
        })?;
    Ok(version.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A case at schema version 3, as builds before the SCIM detail and the key hashes made
    /// it, with `rows` inserted.
    fn case_at_version_3(rows: &str) -> Connection {
        let conn = Connection::open_in_memory().expect("in-memory database");
        conn.execute_batch(
            "CREATE TABLE schema_migrations (
                version BIGINT PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)",
        )
        .expect("migrations table");
        for migration in MIGRATIONS.iter().filter(|m| m.version <= 3) {
            conn.execute_batch(migration.sql).expect("old migration");
            conn.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, now()::TIMESTAMP)",
                params![migration.version, migration.name],
            )
            .expect("record migration");
        }
        conn.execute_batch(rows).expect("old rows");
        conn
    }

    /// A case written by an earlier build, with identities in it, migrates to the newest
    /// schema with its rows kept.
    #[test]
    fn populated_case_migrates_forward() {
        let conn = case_at_version_3(
            "INSERT INTO snapshots VALUES (1, NULL, 'option', now()::TIMESTAMP);
             INSERT INTO identities VALUES (1, 1, 1, 'User/u1', 'User', 'u1', NULL, 'u1', NULL,
                 'human', NULL, true, NULL, NULL, NULL, NULL, '[]', '[]', '{}');
             INSERT INTO memberships VALUES (1, 'Group/g1', 'u1', 'User', NULL);",
        );

        migrate(&conn).unwrap();

        assert_eq!(applied_version(&conn).unwrap(), current_version());
        let extensions: String = conn
            .query_row("SELECT extensions::VARCHAR FROM identities", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(extensions, "{}");
        let protocols: String = conn
            .query_row("SELECT protocols::VARCHAR FROM identities", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(protocols, "[]");
        let members: i64 = conn
            .query_row(
                "SELECT count(*) FROM memberships WHERE member_ref IS NULL",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(members, 1);
    }

    #[test]
    fn key_hashes_backfilled_on_migration() {
        let conn = case_at_version_3(
            "INSERT INTO events (event_key, source_id, record_pos, event_id, content_sha256, ts,
                 ts_original, source_format, action, outcome, targets, raw)
             VALUES (1, 1, 1, 'evt-1', 'abc', TIMESTAMP '2026-11-01 00:00:00',
                 '2026-11-01T00:00:00Z', 'okta', 'user.session.start', 'success', '[]', '{}')",
        );
        migrate(&conn).expect("migrate");
        let (rows, matches): (i64, bool) = conn
            .query_row(
                "SELECT count(*),
                        bool_and(h.key_hash = md5_number_lower('okta' || chr(31) || 'evt-1'))
                 FROM event_key_hashes h WHERE h.event_key = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("hashes");
        assert_eq!(rows, 1);
        assert!(
            matches,
            "the backfilled hash differs from the one import computes"
        );
        assert_eq!(applied_version(&conn).expect("version"), current_version());
    }

    /// The migration that sorts identifiers by hash empties the table; indexing fills it
    /// again from the events.
    #[test]
    fn identifiers_rebuilt_after_migration() {
        let conn = case_at_version_3(
            "INSERT INTO events (event_key, source_id, record_pos, event_id, content_sha256, ts,
                 ts_original, source_format, action, outcome, targets, raw, correlation_id, links)
             VALUES (1, 1, 1, 'evt-1', 'abc', TIMESTAMP '2026-11-01 00:00:00',
                 '2026-11-01T00:00:00Z', 'okta', 'user.session.start', 'success', '[]', '{}',
                 'corr-1', '[{\"kind\": \"token\", \"value\": \"tok-1\", \"role\": \"issued\"}]')",
        );
        migrate(&conn).expect("migrate");
        let indexed = crate::case::identifiers::index(&conn).expect("index");
        assert_eq!(indexed.added, 3);
        let mut stmt = conn
            .prepare("SELECT value, kind, role FROM event_identifiers WHERE event_key = 1 ORDER BY value")
            .expect("prepare");
        let rows: Vec<(String, String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        let row = |value: &str, kind: &str, role: &str| (value.into(), kind.into(), role.into());
        assert_eq!(
            rows,
            vec![
                row("corr-1", "correlation_id", "column"),
                row("evt-1", "event_id", "column"),
                row("tok-1", "token", "issued"),
            ]
        );
    }
}
