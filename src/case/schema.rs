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

    /// A case written by an earlier build, with identities in it, migrates to the newest
    /// schema with its rows kept.
    #[test]
    fn populated_case_migrates_forward() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE schema_migrations (
                version BIGINT PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)",
        )
        .unwrap();
        for migration in MIGRATIONS.iter().filter(|m| m.version <= 3) {
            conn.execute_batch(migration.sql).unwrap();
            conn.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, now()::TIMESTAMP)",
                params![migration.version, migration.name],
            )
            .unwrap();
        }
        conn.execute_batch(
            "INSERT INTO snapshots VALUES (1, NULL, 'option', now()::TIMESTAMP);
             INSERT INTO identities VALUES (1, 1, 1, 'User/u1', 'User', 'u1', NULL, 'u1', NULL,
                 'human', NULL, true, NULL, NULL, NULL, NULL, '[]', '[]', '{}');
             INSERT INTO memberships VALUES (1, 'Group/g1', 'u1', 'User', NULL);",
        )
        .unwrap();

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
}
