//! The import orchestration: each file read, detected, mapped and loaded in one
//! transaction of the case.

use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use duckdb::{Connection, params};
use serde::Serialize;

use super::container::{self, BadRecord, RawRecord, Split};
use super::{ImportOptions, Rejected, detect, formats, read, scim, scim_load, store, walk};
use crate::case::{Case, SourceRecord};
use crate::model::SourceFormat;
use crate::{Error, Result};

/// The outcome of importing one file.
#[derive(Debug, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum FileOutcome {
    Imported {
        source: Box<SourceRecord>,
        rejected: Vec<Rejected>,
    },
    AlreadyImported {
        path: String,
        source_id: i64,
    },
    /// A file inside a folder that is not evidence, such as a README.
    Skipped {
        path: String,
        reason: String,
    },
    Failed {
        path: String,
        error: String,
    },
}

/// Imports every file named by `paths` (folders are walked), reporting each file to
/// `on_file` before it is read. Files fail independently; the aliases that resolve
/// actors to identities are rebuilt once at the end.
pub fn import(
    case: &Case,
    paths: &[PathBuf],
    options: &ImportOptions,
    mut on_file: impl FnMut(&Path, usize, usize),
) -> Result<Vec<FileOutcome>> {
    let (files, mut outcomes) = walk::expand(paths);
    let mut snapshot = SnapshotState::default();
    for (index, file) in files.iter().enumerate() {
        on_file(file, index, files.len());
        let outcome = match import_file(case, file, options, &mut snapshot) {
            Ok(outcome) => outcome,
            Err(err) => FileOutcome::Failed {
                path: file.display().to_string(),
                error: err.to_string(),
            },
        };
        tracing::info!(file = %file.display(), ?outcome, "import");
        outcomes.push(outcome);
    }
    if outcomes
        .iter()
        .any(|o| matches!(o, FileOutcome::Imported { .. }))
    {
        case.refresh_aliases()?;
    }
    Ok(outcomes)
}

/// The snapshot that this import's SCIM files go into, created with the first of them.
#[derive(Default)]
struct SnapshotState {
    id: Option<i64>,
    newest_mtime: Option<NaiveDateTime>,
}

fn import_file(
    case: &Case,
    path: &Path,
    options: &ImportOptions,
    snapshot: &mut SnapshotState,
) -> Result<FileOutcome> {
    let loaded = read::load(path)?;
    if let Some(existing) = case.source_by_sha256(&loaded.sha256)? {
        return Ok(FileOutcome::AlreadyImported {
            path: path.display().to_string(),
            source_id: existing.source_id,
        });
    }
    let split =
        container::split(&loaded.text).map_err(|reason| Error::invalid_file(path, reason))?;
    if split.records.is_empty() && split.bad.is_empty() {
        return import_empty(case, path, &loaded, &split, options);
    }
    let format = match options.format {
        Some(format) => format,
        None => detect::detect(&split).map_err(|reason| Error::invalid_file(path, reason))?,
    };
    let mut source = SourceRecord {
        source_id: 0,
        kind: if format == SourceFormat::Scim {
            "scim"
        } else {
            "audit"
        }
        .into(),
        format: format.as_str().into(),
        container: if loaded.gzip {
            format!("gzip/{}", split.container)
        } else {
            split.container.clone()
        },
        path: path.display().to_string(),
        sha256: loaded.sha256.clone(),
        bytes: loaded.bytes as i64,
        imported_at: String::new(),
        snapshot_id: None,
        records_read: (split.records.len() + split.bad.len()) as i64,
        imported: 0,
        duplicates: 0,
        rejected: 0,
        collisions: 0,
        notes: Vec::new(),
    };
    let created_snapshot = snapshot.id.is_none() && format == SourceFormat::Scim;
    let result = case.transaction(|conn| {
        source.source_id = crate::case::next_id(conn, "sources", "source_id")?;
        let mut rejected = unreadable(&split);
        rejected.extend(match format {
            SourceFormat::Scim => import_scim(conn, path, &split, options, snapshot, &mut source)?,
            audit => import_audit(conn, audit, &split, &mut source)?,
        });
        rejected.sort_by_key(|(r, _)| r.record);
        if let Some((first, _)) = rejected
            .first()
            .filter(|_| source.imported + source.duplicates == 0)
        {
            // A file of which nothing is readable is more likely the wrong format than
            // evidence; recording it would block importing it again correctly.
            return Err(Error::invalid_file(
                path,
                format!(
                    "none of its {} records could be read as {}; record {} (line {}): {}",
                    rejected.len(),
                    format.as_str(),
                    first.record,
                    first.line,
                    first.reason
                ),
            ));
        }
        quarantine(conn, source.source_id, &rejected)?;
        crate::case::insert_source(conn, &source)?;
        Ok(rejected)
    });
    match result {
        Ok(rejected) => Ok(FileOutcome::Imported {
            source: Box::new(case.source_by_sha256(&loaded.sha256)?.unwrap_or(source)),
            rejected: rejected.into_iter().map(|(r, _)| r).collect(),
        }),
        Err(err) => {
            if created_snapshot {
                snapshot.id = None;
            }
            Err(err)
        }
    }
}

/// Records an export that contains no records, such as an empty Graph page, so that its
/// hash is on file like any other source.
fn import_empty(
    case: &Case,
    path: &Path,
    loaded: &read::LoadedFile,
    split: &Split<'_>,
    options: &ImportOptions,
) -> Result<FileOutcome> {
    let format = options.format.map_or("empty", SourceFormat::as_str);
    let mut source = SourceRecord {
        source_id: 0,
        kind: if options.format == Some(SourceFormat::Scim) {
            "scim"
        } else {
            "audit"
        }
        .into(),
        format: format.into(),
        container: split.container.clone(),
        path: path.display().to_string(),
        sha256: loaded.sha256.clone(),
        bytes: loaded.bytes as i64,
        imported_at: String::new(),
        snapshot_id: None,
        records_read: 0,
        imported: 0,
        duplicates: 0,
        rejected: 0,
        collisions: 0,
        notes: vec!["the file holds no records".into()],
    };
    case.transaction(|conn| {
        source.source_id = crate::case::next_id(conn, "sources", "source_id")?;
        crate::case::insert_source(conn, &source)
    })?;
    Ok(FileOutcome::Imported {
        source: Box::new(case.source_by_sha256(&loaded.sha256)?.unwrap_or(source)),
        rejected: Vec::new(),
    })
}

type RejectedWithText = (Rejected, String);

fn reject(record: &RawRecord<'_>, reason: String) -> RejectedWithText {
    (
        Rejected {
            record: record.pos,
            line: record.line,
            reason,
        },
        record.text.to_string(),
    )
}

fn import_audit(
    conn: &Connection,
    format: SourceFormat,
    split: &Split<'_>,
    source: &mut SourceRecord,
) -> Result<Vec<RejectedWithText>> {
    let map = formats::mapper(format).ok_or_else(|| {
        Error::InvalidInput(format!("{} is not an audit format", format.as_str()))
    })?;
    let skip = formats::skip(format);
    let mut rows = Vec::with_capacity(split.records.len());
    let mut rejected = Vec::new();
    let mut skipped: Vec<(&'static str, i64)> = Vec::new();
    let mut zoneless = 0;
    for record in &split.records {
        let value: serde_json::Value = match serde_json::from_str(record.text) {
            Ok(value) => value,
            Err(err) => {
                rejected.push(reject(record, format!("invalid JSON: {err}")));
                continue;
            }
        };
        if let Some(why) = skip.and_then(|skip| skip(&value)) {
            match skipped.iter_mut().find(|(w, _)| *w == why) {
                Some((_, n)) => *n += 1,
                None => skipped.push((why, 1)),
            }
            continue;
        }
        match map(&value) {
            Ok(mapped) => {
                let Some(ts) = mapped.ts else {
                    rejected.push(reject(record, "no timestamp".into()));
                    continue;
                };
                if mapped
                    .ts_note
                    .as_deref()
                    .is_some_and(|n| n.contains("no time zone"))
                {
                    zoneless += 1;
                }
                rows.push(store::EventRow {
                    record_pos: record.pos,
                    content_sha256: store::content_sha256(
                        mapped.content.as_ref().unwrap_or(&value),
                    ),
                    ts,
                    mapped,
                    raw: record.text.to_string(),
                });
            }
            Err(reason) => rejected.push(reject(record, reason)),
        }
    }
    let counts = store::load_events(conn, source.source_id, format.as_str(), rows)?;
    source.imported = counts.imported;
    source.duplicates = counts.duplicates;
    source.collisions = counts.collisions;
    source.rejected = (rejected.len() + split.bad.len()) as i64;
    // Like SCIM messages without resources, records that are not events are left out of
    // the accounting (read = imported + duplicates + rejected) and named in a note.
    for (why, n) in skipped {
        source.records_read -= n;
        let records = if n == 1 { "record" } else { "records" };
        source.notes.push(format!("{n} {records} skipped: {why}"));
    }
    if counts.collisions > 0 {
        source.notes.push(format!(
            "{} records share a natural key with an earlier record but differ in content; all are kept and listed in event_collisions",
            counts.collisions
        ));
    }
    if zoneless > 0 {
        source.notes.push(format!(
            "{zoneless} timestamps had no time zone and were read as UTC"
        ));
    }
    Ok(rejected)
}

fn import_scim(
    conn: &Connection,
    path: &Path,
    split: &Split<'_>,
    options: &ImportOptions,
    snapshot: &mut SnapshotState,
    source: &mut SourceRecord,
) -> Result<Vec<RejectedWithText>> {
    let snapshot_id = ensure_snapshot(conn, snapshot, options)?;
    source.snapshot_id = Some(snapshot_id);
    let mut placed = Vec::new();
    let mut rejected = Vec::new();
    let mut skipped = 0;
    for record in &split.records {
        let parsed = serde_json::from_str::<serde_json::Value>(record.text)
            .map_err(|err| format!("invalid JSON: {err}"))
            .and_then(|value| scim::parse(&value));
        match parsed {
            Ok(parsed) => {
                source.notes.extend(parsed.notes);
                for item in parsed.items {
                    match item {
                        scim::Item::Resource(resource) => placed.push(scim_load::Placed {
                            record_pos: record.pos,
                            resource: *resource,
                        }),
                        scim::Item::Skipped(note) => {
                            skipped += 1;
                            source.notes.push(format!("record {}: {note}", record.pos));
                        }
                    }
                }
            }
            Err(reason) => rejected.push(reject(record, reason)),
        }
    }
    // A SCIM record may hold several resources (a ListResponse inside an exchange), so
    // the accounting counts resources: read = imported + duplicates + rejected records.
    source.records_read = (placed.len() + rejected.len() + split.bad.len()) as i64;
    let counts = scim_load::load(conn, snapshot_id, source.source_id, placed)?;
    source.imported = counts.imported;
    source.duplicates = counts.duplicates;
    source.rejected = (rejected.len() + split.bad.len()) as i64;
    if skipped > 0 && counts.imported == 0 {
        source
            .notes
            .push("the file holds SCIM messages but no resource state".into());
    }
    update_snapshot_time(conn, snapshot_id, snapshot, options, path)?;
    Ok(rejected)
}

fn ensure_snapshot(
    conn: &Connection,
    snapshot: &mut SnapshotState,
    options: &ImportOptions,
) -> Result<i64> {
    if let Some(id) = snapshot.id {
        return Ok(id);
    }
    let id = crate::case::next_id(conn, "snapshots", "snapshot_id")?;
    conn.execute(
        "INSERT INTO snapshots VALUES (?, ?, ?, now()::TIMESTAMP)",
        params![
            id,
            options.taken_at,
            if options.taken_at.is_some() {
                "option"
            } else {
                "pending"
            }
        ],
    )?;
    snapshot.id = Some(id);
    Ok(id)
}

/// Sets the snapshot time: the option if given, else the newest `meta.lastModified` of
/// its resources, else the newest modification time of its files.
fn update_snapshot_time(
    conn: &Connection,
    id: i64,
    snapshot: &mut SnapshotState,
    options: &ImportOptions,
    path: &Path,
) -> Result<()> {
    if options.taken_at.is_some() {
        return Ok(());
    }
    let mtime = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .map(|t| chrono::DateTime::<chrono::Utc>::from(t).naive_utc());
    snapshot.newest_mtime = snapshot.newest_mtime.max(mtime);
    conn.execute(
        "UPDATE snapshots SET
             taken_at = coalesce((SELECT max(last_modified) FROM identities WHERE snapshot_id = $1), $2),
             taken_at_basis = CASE WHEN (SELECT max(last_modified) FROM identities WHERE snapshot_id = $1) IS NULL
                                   THEN 'file mtime' ELSE 'meta.lastModified' END
         WHERE snapshot_id = $1",
        params![id, snapshot.newest_mtime],
    )?;
    Ok(())
}

fn quarantine(conn: &Connection, source_id: i64, rejected: &[RejectedWithText]) -> Result<()> {
    let mut appender = conn.appender("quarantine")?;
    for (r, text) in rejected {
        appender.append_row(params![source_id, r.record, r.reason, text])?;
    }
    Ok(())
}

/// Converts the records that were not even JSON into rejections.
fn unreadable(split: &Split<'_>) -> Vec<RejectedWithText> {
    split
        .bad
        .iter()
        .map(
            |BadRecord {
                 pos,
                 line,
                 reason,
                 text,
             }| {
                (
                    Rejected {
                        record: *pos,
                        line: *line,
                        reason: reason.clone(),
                    },
                    text.clone(),
                )
            },
        )
        .collect()
}
