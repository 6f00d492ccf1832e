//! The case file: one DuckDB database per case, its schema, and the typed queries that
//! every reader shares.

mod aliases;
mod as_of;
mod bookmarks;
mod campaigns;
mod decisions;
pub mod deprovisioning;
pub mod event_filter;
mod event_pages;
mod grants;
mod identifiers;
mod identities;
mod identity_detail;
mod integrity;
pub(crate) mod nesting;
mod overview;
mod owners;
pub mod resources;
pub mod schema;
mod snapshot_diff;
mod snapshots;
mod sources;

use std::path::{Path, PathBuf};

use duckdb::{AccessMode, Config, Connection};

use crate::{Error, Result};

pub use aliases::{UNKNOWN_ACTORS_QUERY, UnknownActor};
pub use bookmarks::Bookmark;
pub use campaigns::{Campaign, CampaignItem, CampaignProgress, CampaignScope, NewCampaign, Owner};
pub use event_filter::EventFilter;
pub use event_pages::{EventKey, EventSummary, Histogram, PageAt};
pub use grants::EffectiveEntitlement;
pub use identifiers::{Indexed, MAX_RUNS, identifiers_of};
pub use identities::{LIVE_IDENTITIES_QUERY, ListedIdentity};
pub use identity_detail::{Entitlement, IdentityDetail, Relation, Session};
pub use integrity::{SourceCheck, SourceStatus};
pub use overview::{IdentityCount, Overview};
pub use owners::{OWNERLESS_QUERY, OwnerlessIdentity};
pub use snapshot_diff::{Change, DiffSide, SnapshotDiff};
pub use snapshots::SnapshotRecord;
pub use sources::SourceRecord;
pub(crate) use sources::{insert_source, next_id};

/// An open case file.
pub struct Case {
    conn: Connection,
    path: PathBuf,
    read_only: bool,
}

impl Case {
    /// Opens the case at `path` for writing, creating it when missing, and brings its
    /// schema up to date.
    pub fn open(path: &Path) -> Result<Case> {
        check_case_path(path)?;
        let conn = Connection::open(path).map_err(|err| open_error(path, err))?;
        resources::apply(&conn, resources::MemoryLimit::default(), None)?;
        schema::migrate(&conn).map_err(|err| Error::Case {
            path: path.to_path_buf(),
            reason: format!("migrating the schema failed: {err}"),
        })?;
        let case = Case {
            conn,
            path: path.to_path_buf(),
            read_only: false,
        };
        // Finishes an import stopped between its files and its last step, and fills the
        // table after the migration that sorted it by hash.
        case.index_identifiers()?;
        Ok(case)
    }

    /// Opens an existing case without any write, for analysis and the SQL console.
    pub fn open_read_only(path: &Path) -> Result<Case> {
        check_case_path(path)?;
        if !path.exists() {
            return Err(Error::Case {
                path: path.to_path_buf(),
                reason: "no such case file; create one with `scimtrail import`".into(),
            });
        }
        let config = Config::default()
            .access_mode(AccessMode::ReadOnly)
            .map_err(|err| open_error(path, err))?;
        let conn =
            Connection::open_with_flags(path, config).map_err(|err| open_error(path, err))?;
        // DuckDB's own default is 80% of physical memory; a case opened to read gets the
        // same share as an import.
        resources::apply(&conn, resources::MemoryLimit::default(), None)?;
        let version = schema::applied_version(&conn)?;
        if version > schema::current_version() {
            return Err(Error::Case {
                path: path.to_path_buf(),
                reason: format!(
                    "schema version {version} is newer than this build reads ({}); upgrade scimtrail",
                    schema::current_version()
                ),
            });
        }
        if version < schema::current_version() {
            return Err(Error::Case {
                path: path.to_path_buf(),
                reason: format!(
                    "schema version {version} predates this build ({}); open it once for writing to migrate it",
                    schema::current_version()
                ),
            });
        }
        Ok(Case {
            conn,
            path: path.to_path_buf(),
            read_only: true,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The DuckDB connection, for the importers and for ad hoc SQL.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `work` inside one transaction, rolling back everything it wrote on error.
    pub fn transaction<T>(&self, work: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        self.conn.execute_batch("BEGIN TRANSACTION")?;
        match work(&self.conn) {
            Ok(value) => {
                self.conn.execute_batch("COMMIT")?;
                Ok(value)
            }
            Err(err) => {
                if let Err(rollback) = self.conn.execute_batch("ROLLBACK") {
                    tracing::error!(%rollback, "rollback failed after: {err}");
                }
                Err(err)
            }
        }
    }
}

/// Extensions DuckDB reads as data files rather than as a database, which would make the
/// case silently in-memory.
const DATA_EXTENSIONS: [&str; 7] = ["json", "ndjson", "jsonl", "csv", "tsv", "parquet", "gz"];

fn check_case_path(path: &Path) -> Result<()> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if DATA_EXTENSIONS.contains(&extension.as_str()) {
        return Err(Error::Case {
            path: path.to_path_buf(),
            reason: format!(
                "a case file cannot end in .{extension}, which DuckDB reads as a data file; name it *.duckdb"
            ),
        });
    }
    Ok(())
}

fn open_error(path: &Path, err: duckdb::Error) -> Error {
    let text = err.to_string();
    let reason = if text.contains("Could not set lock") || text.contains("Conflicting lock") {
        "the case is open in another process, and DuckDB allows only one; close it there and try again"
            .to_string()
    } else {
        format!("cannot open: {text}")
    };
    Error::Case {
        path: path.to_path_buf(),
        reason,
    }
}

/// Formats a UTC timestamp as RFC 3339 with microseconds and `Z`, the form every output
/// and every ledger hash uses.
pub fn format_ts(ts: &chrono::NaiveDateTime) -> String {
    ts.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}
